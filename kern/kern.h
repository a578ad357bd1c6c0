/*
 * kern.h: the kernel core's interface to the rest of the kernel.
 *
 * Layers, bottom up (each file's first comment says more):
 *   rumpuser/     hypercalls: the only code that touches the host
 *   kern/sync.c   mutexes, rwlocks, condvars that give up the CPU
 *   kern/sched.c  virtual CPUs: a thread runs kernel code on one
 *   kern/kmem.c   kernel memory with accounting and a hard limit
 *   kern/proc.c   processes, lwps, credentials; the lwproc API
 *   kern/copy.c   copyin/copyout through the process's vmspace
 *   kern/file.c   open files and per-process descriptor tables
 *   kern/syscall.c the system call table and its single entry
 *   kern/sysctl.c the sysctl tree
 *   kern/init.c   rump_init, components, reboot
 *   kern/module.c kernel modules and modctl(2) (module.h); kern/kobj.c
 *                 links their ELF objects into the kernel
 *
 * Lock order (acquire left to right, never the reverse):
 *   vfs locks (see vfs/vfs.h) < fd_lock < kq_lock (sys_kqueue.c) <
 *   f_lock < proc_lock < p_lock < kmem/sched internals.
 * Every global is listed with the lock that guards it.
 */
#ifndef KERN_KERN_H
#define KERN_KERN_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include <rump/rump.h>
#include <rump/rumpdefs.h>
#include <rump/rump_types.h>

#include "rumpuser/rumpuser.h"
#include "kern/errno.h"
#include "kern/sysentry.h"

typedef int64_t register_t;

struct lwp;
struct proc;
struct file;
struct uio;
struct cwdinfo;

/* --- diagnostics ------------------------------------------------------ */

void	panic(const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));
void	kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed only when booted with RUMP_VERBOSE. */
void	aprint_verbose(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
extern int boot_verbose;	/* set once at boot */

#define KASSERT(e) do {							\
	if (__builtin_expect(!(e), 0))					\
		panic("kernel assertion \"%s\" failed: %s:%d",		\
		    #e, __FILE__, __LINE__);				\
} while (0)

#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))
#define howmany(x, y)	(((x) + ((y) - 1)) / (y))
#define roundup(x, y)	(howmany(x, y) * (y))
#define PAGE_SIZE	4096
#define MAXPATHLEN	1024
#define MAXNAMLEN	511
#define MAXCOMLEN	16
#define NGROUPS_MAX	16

/* --- locks (kern/sync.c) ---------------------------------------------- */
/*
 * A thread that blocks on a lock or sleeps on a condvar gives its
 * virtual CPU back first and takes one again after, so a sleeping
 * thread never keeps a runnable one off the CPUs.
 */
typedef struct kmutex {
	struct rumpuser_mtx *mtx;
} kmutex_t;

typedef struct krwlock {
	struct rumpuser_rw *rw;
} krwlock_t;

typedef struct kcondvar {
	struct rumpuser_cv *cv;
} kcondvar_t;

typedef enum { RW_READER, RW_WRITER } krw_t;

void	mutex_init(kmutex_t *m);
void	mutex_destroy(kmutex_t *m);
void	mutex_enter(kmutex_t *m);
bool	mutex_tryenter(kmutex_t *m);
void	mutex_exit(kmutex_t *m);
bool	mutex_owned(kmutex_t *m);

void	rw_init(krwlock_t *rw);
void	rw_destroy(krwlock_t *rw);
void	rw_enter(krwlock_t *rw, krw_t op);
bool	rw_tryenter(krwlock_t *rw, krw_t op);
void	rw_exit(krwlock_t *rw);

void	cv_init(kcondvar_t *cv);
void	cv_destroy(kcondvar_t *cv);
void	cv_wait(kcondvar_t *cv, kmutex_t *m);
/* Interruptible: returns EINTR when the lwp is being cancelled. */
int	cv_wait_sig(kcondvar_t *cv, kmutex_t *m);
/* Timeout in nanoseconds (0 = none); EWOULDBLOCK on timeout. */
int	cv_timedwait_ns(kcondvar_t *cv, kmutex_t *m, int64_t ns, bool sig);
void	cv_signal(kcondvar_t *cv);
void	cv_broadcast(kcondvar_t *cv);

/* Sleep without a condvar; EINTR if cancelled. */
int	kpause_ns(int64_t ns, bool intr);

/* --- virtual CPUs (kern/sched.c) -------------------------------------- */

struct cpu_info {
	int	ci_index;
	struct lwp *_Atomic ci_curlwp;	/* owner, or NULL when free */
};

extern int ncpu;			/* fixed at boot */
extern struct cpu_info *cpus;		/* [ncpu], fixed at boot */

void	sched_init(int n);
/* Ensure curlwp (an implicit one if needed) and take a CPU. */
void	sched_enter(void);
void	sched_exit(void);
/* Give up / retake the CPU around a blocking host call. */
void	sched_unschedule(void);
void	sched_reschedule(void);

/* --- kernel memory (kern/kmem.c) -------------------------------------- */
/*
 * Every allocation is counted.  Past the limit (RUMP_MEMLIMIT), the
 * registered caches are asked to give memory back; if that is not
 * enough the allocation fails and the caller returns ENOMEM.  Callers
 * must always handle NULL: there is no allocation that cannot fail.
 */
#define KM_SLEEP	0x1
#define KM_NOSLEEP	0x2

void	*kmem_alloc(size_t size, int flags);
void	*kmem_zalloc(size_t size, int flags);
void	kmem_free(void *p, size_t size);
char	*kmem_strdup(const char *s);
void	kmem_strfree(char *s);

/* A cache that can give memory back: returns bytes freed (approx). */
typedef size_t (*kmem_reclaim_fn)(size_t want);
void	kmem_register_reclaim(kmem_reclaim_fn fn);
uint64_t kmem_limit(void);	/* 0 = unlimited */
uint64_t kmem_inuse(void);
/* Would `size` more bytes fit (after reclaiming)?  For data pages. */
bool	kmem_reserve(size_t size);
void	kmem_unreserve(size_t size);
void	kmem_init(uint64_t limit);

/* --- credentials (kern/cred.c) ---------------------------------------- */

typedef struct kauth_cred {
	int	cr_refcnt;		/* atomic */
	uid_t	cr_uid, cr_euid, cr_svuid;
	gid_t	cr_gid, cr_egid, cr_svgid;
	int	cr_ngroups;
	gid_t	cr_groups[NGROUPS_MAX];
} *kauth_cred_t;

kauth_cred_t cred_alloc(void);		/* root, refcnt 1 */
kauth_cred_t cred_dup(kauth_cred_t);
void	cred_hold(kauth_cred_t);
void	cred_free(kauth_cred_t);
bool	cred_groupmember(kauth_cred_t, gid_t);
/* The superuser test: effective uid 0. */
static inline bool cred_isroot(kauth_cred_t c) { return c->cr_euid == 0; }
/* Current lwp's credentials (a reference held for the syscall). */
kauth_cred_t curcred(void);

/* --- processes and lwps (kern/proc.c) --------------------------------- */

/*
 * How the kernel reaches a process's memory.  Local callers (programs
 * that link the kernel) use checked host copies; the sysproxy server
 * installs a vmspace whose copies travel over the client's socket.
 */
struct vmspace {
	int	(*copyin)(struct proc *, const void *uaddr, void *kaddr,
		    size_t len);
	int	(*copyout)(struct proc *, const void *kaddr, void *uaddr,
		    size_t len);
	int	(*copyinstr)(struct proc *, const void *uaddr, char *kaddr,
		    size_t len, size_t *done);
	/* Each copy is a round trip (a remote client): uiomove fetches
	 * data being written in large windows (see kern/copy.c). */
	bool	vm_remote;
	/* Post signal `sig` (NetBSD number) to the process; NULL: none. */
	int	(*raise)(struct proc *, int sig);
};
extern const struct vmspace vmspace_local;

/*
 * lwp life cycle: created attached to a proc (l_proc fixed for life);
 * current on at most one host thread at a time (curlwp); released by
 * rump_pub_lwproc_releaselwp() or, for implicit lwps, when the thread
 * leaves the kernel.  When a proc loses its last lwp it exits.
 */
struct lwp {
	struct proc *l_proc;		/* fixed */
	int32_t	l_lid;			/* fixed */
	int	l_flag;			/* LW_*, owner thread only */
	struct cpu_info *l_cpu;		/* CPU held, owner thread only */
	struct cpu_info *l_lastcpu;	/* affinity hint */
	kauth_cred_t l_cred;		/* cached for this syscall */
	_Atomic int l_cancel;		/* set by proc_cancel */
	int	l_schednest;		/* owner: kernel entry depth */
	struct lwp *l_next;		/* p_lwps list, under p_lock */
	void	*l_private;		/* for the sysproxy server */
	/* uiomove's window of prefetched user data (remote vmspaces):
	 * valid for the current system call only. */
	char	*l_pfbuf;		/* owner */
	size_t	l_pfcap, l_pflen;	/* owner */
	const char *l_pfaddr;		/* owner: user address of l_pfbuf */
	/* ... and its window of data read, sent in one copyout. */
	char	*l_cobuf;		/* owner */
	size_t	l_cocap, l_colen;	/* owner */
	char	*l_coaddr;		/* owner: user address of l_cobuf */
};
#define LW_IMPLICIT	0x01	/* freed when the thread leaves */
#define LW_RELEASED	0x02	/* freed when no longer current */
#define LW_ONCPU	0x04	/* in the kernel: wants a CPU */

#define RLIM_NLIMITS	12
#define RLIMIT_NOFILE	8
#define NOFILE_DEFAULT	1024

struct proc {
	pid_t	p_pid;			/* fixed */
	struct proc *p_pptr;		/* proc_lock */
	pid_t	p_pgid, p_sid;		/* proc_lock */
	char	p_comm[MAXCOMLEN + 1];	/* p_lock */
	char	p_login[MAXCOMLEN + 1];	/* p_lock */
	kmutex_t p_lock;
	kauth_cred_t p_cred;		/* p_lock; replaced, never edited */
	struct filedesc *p_fd;		/* fixed after creation */
	struct cwdinfo *p_cwdi;		/* fixed after creation */
	const struct vmspace *p_vmspace; /* fixed after creation */
	void	*p_vmarg;		/* for p_vmspace's use */
	struct lwp *p_lwps;		/* p_lock */
	int	p_nlwps;		/* p_lock */
	int	p_refcnt;		/* p_lock: lwps + proc_find holders */
	bool	p_exiting;		/* p_lock */
	bool	p_setid;		/* p_lock: issetugid() */
	struct rump_rlimit p_rlimit[RLIM_NLIMITS]; /* p_lock */
	struct proc *p_next;		/* allproc list, proc_lock */
	uint32_t p_nextlid;		/* p_lock */
	/* Interval timers (kern/sys_time.c), by ITIMER_*; zero = off. */
	int64_t	p_itvalue[4];		/* p_lock: deadline or value, ns */
	int64_t	p_itinterval[4];	/* p_lock: reload, ns */
	/* POSIX timers (kern/sys_timer.c); NULL until the first. */
	struct ptimers *p_timers;	/* p_lock */
	/* ktrace (kern/sys_ktrace.c): KTRFAC_* bits, and where to. */
	_Atomic int p_traceflag;	/* written under ktrace_lock */
	struct ktr_desc *p_tracep;	/* ktrace_lock */
};

extern struct proc *initproc;		/* pid 1, "rumplocal" */
/* Every live process, for pid, group and session walks. */
extern kmutex_t proc_lock;
extern struct proc *allproc;		/* proc_lock */

struct lwp *curlwp_get(void);
#define curlwp	(curlwp_get())
#define curproc	(curlwp->l_proc)

/* Create a process as a child of `parent` (fd flags as rump_lwproc). */
int	proc_create(struct proc *parent, int fdflags,
	    const struct vmspace *vm, struct proc **pp);
int	lwp_create(struct proc *p, struct lwp **lp);
void	lwp_switch(struct lwp *l);	/* make l current on this thread */
void	lwp_release(struct lwp *l);
/* Find and hold; proc_rele when done. */
struct proc *proc_find(pid_t pid);
void	proc_rele(struct proc *p);
/* Post a signal to p through its vmspace (SIGPIPE for a broken pipe
 * reaches a remote client; local programs are not signalled). */
void	proc_raise(struct proc *p, int sig);
/* Ask every lwp of p to abandon its sleeps (client died). */
void	proc_cancel(struct proc *p);
bool	lwp_cancelled(struct lwp *l);
/* Replace the process's credentials (takes over the reference). */
void	proc_setcred(struct proc *p, kauth_cred_t newcred);
void	proc_init(void);

/* Hooks the vfs component fills in for per-process cwd state. */
struct proc_vfs_hooks {
	struct cwdinfo *(*cwdi_fork)(struct cwdinfo *parent);
	void	(*cwdi_free)(struct cwdinfo *);
	void	(*fd_closeall)(struct proc *);	/* unused: files close */
	/* Exit: drop the process's POSIX advisory locks (vfs/lockf.c). */
	void	(*lf_procexit)(struct proc *);
};
extern struct proc_vfs_hooks proc_vfs_hooks;

/* --- copyin/copyout (kern/copy.c) ------------------------------------- */

int	copyin(const void *uaddr, void *kaddr, size_t len);
int	copyout(const void *kaddr, void *uaddr, size_t len);
int	copyinstr(const void *uaddr, char *kaddr, size_t len, size_t *done);
/* Fetch a path argument into a MAXPATHLEN kernel buffer (allocated). */
int	pathbuf_copyin(const void *upath, char **kpathp);
void	pathbuf_free(char *kpath);

enum uio_rw { UIO_READ, UIO_WRITE };
enum uio_seg { UIO_USERSPACE, UIO_SYSSPACE };

struct iovec_k {
	void	*iov_base;
	size_t	iov_len;
};

/* A transfer between a file and memory: uiomove() walks it. */
struct uio {
	struct iovec_k *uio_iov;
	int	uio_iovcnt;
	off_t	uio_offset;
	size_t	uio_resid;
	enum uio_rw uio_rw;	/* READ: kernel -> uio memory */
	enum uio_seg uio_seg;
};
int	uiomove(void *kbuf, size_t n, struct uio *uio);
/* Forget (syscall end) or free (lwp end) the lwp's prefetch window. */
void	uio_prefetch_reset(struct lwp *l);
void	uio_prefetch_free(struct lwp *l);
/* Zero-fill n bytes of a read. */
int	uiozero(size_t n, struct uio *uio);

/* --- open files and descriptors (kern/file.c) ------------------------- */

#define FREAD		0x00000001
#define FWRITE		0x00000002
#define FFLAGS(o)	((o) + 1)
#define OFLAGS(f)	((f) - 1)
/* Status flags settable with F_SETFL (NetBSD FCNTLFLAGS subset). */
#define FCNTLFLAGS	(RUMP_O_APPEND | RUMP_O_ASYNC | RUMP_O_SYNC | \
			 RUMP_O_NONBLOCK | RUMP_O_DSYNC | RUMP_O_RSYNC | \
			 RUMP_O_ALT_IO | RUMP_O_DIRECT | RUMP_O_NOSIGPIPE)

enum dtype { DTYPE_VNODE = 1, DTYPE_PIPE, DTYPE_MISC };

struct fileops {
	int	(*fo_read)(struct file *, off_t *off, struct uio *,
		    kauth_cred_t, int flags);
	int	(*fo_write)(struct file *, off_t *off, struct uio *,
		    kauth_cred_t, int flags);
	int	(*fo_ioctl)(struct file *, unsigned long cmd, void *data);
	int	(*fo_fcntl)(struct file *, int cmd, void *arg);
	/* Returns the ready subset of events. */
	int	(*fo_poll)(struct file *, int events);
	int	(*fo_stat)(struct file *, struct rump_stat *);
	int	(*fo_close)(struct file *);
	int	(*fo_seek)(struct file *, off_t delta, int whence,
		    off_t *newoff);
	/* Advisory locks: op is F_GETLK/F_SETLK/F_SETLKW (fcntl, POSIX
	 * semantics) or the flock(2) LOCK_* bits with F_FLOCK set. */
	int	(*fo_advlock)(struct file *, int op, struct rump_flock *fl);
	/* fpathconf(2): NULL answers EOPNOTSUPP (pipes are handled
	 * by the kernel itself). */
	int	(*fo_pathconf)(struct file *, int name, register_t *retval);
};
#define F_FLOCK		0x40000000	/* fo_advlock: flock(2) request */
/* fo_advlock: the calling process closes a descriptor of this file, so
 * its POSIX locks on the file go (fl is NULL). */
#define F_CLOSEPOSIX	0x20000000
#define FOF_UPDATE_OFFSET	0x01	/* use and update f_offset */
/*
 * An f_flag bit the file's creator may set: its I/O ignores f_offset
 * and may sleep for ever (a fifo), so read/write must not hold
 * f_iolock around it.  F_GETFL never reports it.
 */
#define FNOIOLOCK	0x40000000

/*
 * An open file.  f_count counts descriptor slots and transient
 * holders (fd_getfile); the last fd_putfile/closef calls fo_close.
 * f_offset is guarded by f_lock (read/write take it around the whole
 * transfer, so concurrent reads of one file see a serial order).
 */
struct file {
	kmutex_t f_lock;
	int	f_count;		/* f_lock */
	int	f_flag;			/* f_lock: FREAD|FWRITE|O_* status */
	enum dtype f_type;		/* fixed */
	off_t	f_offset;		/* f_lock (see above) */
	const struct fileops *f_ops;	/* fixed */
	void	*f_data;		/* fixed */
	kauth_cred_t f_cred;		/* fixed */
	kmutex_t f_iolock;		/* serialises offset-using I/O */
};

struct fdfile {
	struct file *ff_file;
	bool	ff_exclose;
};

/* A descriptor table; shared by processes forked with flags 0. */
struct filedesc {
	kmutex_t fd_lock;
	int	fd_refcnt;		/* fd_lock */
	int	fd_nfiles;		/* fd_lock: slots allocated */
	struct fdfile *fd_ofiles;	/* fd_lock */
	int	fd_freefile;		/* fd_lock: lowest maybe-free */
};

int	file_alloc(const struct fileops *ops, enum dtype type, int flag,
	    void *data, struct file **fpp);
void	file_hold(struct file *fp);
/* Drop a reference; the last one closes. */
int	file_rele(struct file *fp);

struct filedesc *fd_init(void);
struct filedesc *fd_copy(struct filedesc *);
void	fd_share(struct filedesc *);
void	fd_free(struct filedesc *);
/* Install fp at the lowest free slot >= minfd; takes a reference. */
int	fd_install(struct proc *p, struct file *fp, int minfd, bool cloexec,
	    int *fdp);
/* Returns a held file or NULL (EBADF). */
struct file *fd_getfile(int fd);
int	fd_close(int fd);
int	fd_dup2(struct file *fp, int newfd, bool cloexec);
int	fd_getcloexec(int fd, bool *cloexec);
int	fd_setcloexec(int fd, bool cloexec);
int	fd_maxfiles(struct proc *p);

/* --- system calls (kern/syscall.c) ------------------------------------ */

typedef int (*sy_call_t)(struct lwp *, const void *args, register_t *retval);

struct sysent {
	sy_call_t sy_call;
	int	sy_narg;	/* argument slots */
};
#define SYS_MAXSYSCALL	512

/* Install entries (by number); used by components at init. */
struct syscall_reg {
	int	num;
	sy_call_t call;
	int	narg;
};
void	syscall_register(const struct syscall_reg *tab, size_t n);

/* Read argument slot i as the type it has in NetBSD's prototype. */
#define SARG(args, i)		(((const uint64_t *)(args))[i])
#define SARG_INT(args, i)	((int)(uint32_t)SARG(args, i))
#define SARG_UINT(args, i)	((unsigned)(uint32_t)SARG(args, i))
#define SARG_PTR(args, i)	((void *)(uintptr_t)SARG(args, i))
#define SARG_LONG(args, i)	((int64_t)SARG(args, i))

/* --- sysctl (kern/sysctl.c) ------------------------------------------- */

struct sysctl_leaf;
/*
 * Add a leaf at mib[0..len-1] named by the dotted `names`, one name per
 * component (e.g. {CTL_HW, HW_NCPU}, 2, "hw.ncpu"); missing parent
 * nodes are created with those names.  The leaf reads *valp / buf
 * (under `lock` for strings, if given).  EEXIST if the number or name
 * is taken, ENOTDIR if a parent is a leaf, EINVAL if malformed.
 */
int	sysctl_add_int(const int *mib, int len, const char *names,
	    int *valp, bool writable);
int	sysctl_add_quad(const int *mib, int len, const char *names,
	    int64_t *valp, bool writable);
int	sysctl_add_string(const int *mib, int len, const char *names,
	    char *buf, size_t bufsize, bool writable, kmutex_t *lock);
void	sysctl_init(void);

/* --- boot, components, shutdown (kern/init.c) ------------------------- */

enum rump_component_type {
	RUMP_COMPONENT_KERN,	/* kernel core extensions */
	RUMP_COMPONENT_VFS,	/* the VFS faction itself */
	RUMP_COMPONENT_VFS_FS,	/* file systems */
	RUMP_COMPONENT_DEV,	/* devices */
	RUMP_COMPONENT_SERVER,	/* sysproxy and friends */
	RUMP_COMPONENT_MAX
};

struct rump_component {
	enum rump_component_type rc_type;
	const char *rc_name;
	int	(*rc_init)(void);
	struct rump_component *rc_next;	/* comp_lock */
	bool	rc_inited;
};
/* Called from ELF constructors; inits at once if already booted. */
void	rump_component_register(struct rump_component *rc);
/* Call fn for every registered component (the built-in modules that
 * modctl lists), under comp_lock: fn must not register any. */
void	rump_component_foreach(void (*fn)(const struct rump_component *,
	    void *), void *arg);

/* Called on reboot, in registration order, before exit; each hook
 * looks at howto itself (RB_NOSYNC, RB_DUMP, RB_HALT). */
struct shutdown_hook {
	void	(*sh_fn)(int howto);
	struct shutdown_hook *sh_next;
};
void	shutdown_hook_register(struct shutdown_hook *);
int	cpu_reboot(int howto);
bool	rump_booted(void);

/* Boot-time pieces, each in its own file. */
int	kern_syscalls_init(void);	/* kern/sys_*.c tables */
int	cons_init(void);		/* kern/cons.c: fds 0-2 of init */
int	cons_open012(void);		/* same, for any new process */

/* Time (kern/time.c). */
void	nanotime(struct rump_timespec *ts);
void	nanouptime(struct rump_timespec *ts);
/* Step the wall clock (settimeofday, clock_settime); the host's stays. */
void	settime(const struct rump_timespec *ts);

/*
 * poll/select wake-up (kern/sys_poll.c).  Any file whose readiness
 * changes (data arrived, space freed, an end closed) calls selnotify();
 * pollers then rescan.  Callable with any lock held.
 */
void	selnotify(void);
/* Wake every poller without claiming a change (kqueue timers). */
void	selwakeup(void);
/* The wake-up generation, and the count of selnotify() calls. */
uint64_t selgen(void);
uint64_t selchanges(void);
/* Sleep until the generation moves past gen or the monotonic
 * deadline (ns; INT64_MAX: none) passes: 0, or EINTR if cancelled. */
int	selwait(uint64_t gen, int64_t deadline);

/*
 * kqueue, POSIX timers, ktrace (kern/sys_kqueue.c, sys_timer.c,
 * sys_ktrace.c): what the rest of the kernel tells them.
 */
/* Slot fd of table fdt is being emptied (fd -1: the whole table is
 * going); fd_lock held.  Drops the knotes watching it. */
void	knote_fdclose(struct filedesc *fdt, int fd);
/* Process p is exiting (no locks held): EVFILT_PROC, timers, ktrace. */
void	knote_procexit(struct proc *p);
void	ptimers_exit(struct proc *p);
void	ktrace_procexit(struct proc *p);
/* A new child inherits tracing if its parent's has KTRFAC_INHERIT. */
void	ktrace_fork(struct proc *parent, struct proc *child);
/* System call records for a traced process (p_traceflag != 0). */
void	ktr_syscall(struct lwp *l, int code, const uint64_t *args, int narg);
void	ktr_sysret(struct lwp *l, int code, int error, const register_t *rv);
/* ktrace(2)/fktrace(2) after the file is resolved (fp: NULL for
 * KTROP_CLEAR, else open for writing, held by the caller). */
int	ktrace_common(struct lwp *l, int ops, int facs, pid_t pid,
	    struct file *fp);

/* Host name (kern/sysctl.c); guarded by hostname_lock. */
extern char hostname[256];
extern kmutex_t hostname_lock;

/* A random 32-bit number for generation counts and cookies. */
uint32_t kern_random(void);

#endif
