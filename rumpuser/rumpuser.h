/*
 * rumpuser.h: the hypercall interface, the only way the kernel reaches
 * the host.
 *
 * Everything above this layer is kernel code that could run anywhere;
 * everything below is Linux.  Each call returns 0 or a NetBSD errno
 * (host errnos are translated here, once).  No call here knows about
 * virtual CPUs: a kernel thread that may block must give up its CPU
 * itself before calling a blocking hypercall (see kern/sync.c).
 *
 * Fault injection: every hypercall passes through rumpuser_fault(),
 * so a test can make the Nth call of any of them fail with a chosen
 * error (rumpuser_fault_set below, or RUMPUSER_FAULT in the
 * environment: "name:after:count:errno[,...]").  This mirrors SQLite's
 * replaceable system call table.
 */
#ifndef RUMPUSER_RUMPUSER_H
#define RUMPUSER_RUMPUSER_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Hypercall identities, for fault injection. */
enum rumpuser_call {
	RUMPUSER_MALLOC,
	RUMPUSER_THREAD_CREATE,
	RUMPUSER_OPEN,
	RUMPUSER_PREAD,
	RUMPUSER_PWRITE,
	RUMPUSER_FSYNC,
	RUMPUSER_GETFILEINFO,
	RUMPUSER_DLOPEN,
	RUMPUSER_GETRANDOM,
	RUMPUSER_COPYIN,
	RUMPUSER_COPYOUT,
	RUMPUSER_NCALLS
};

/* Make call `which` fail with `error` (NetBSD errno) `count` times,
 * after letting `after` calls succeed.  count 0 disarms.  Returns
 * 0, or EINVAL for an unknown name. */
int	rumpuser_fault_set(enum rumpuser_call which, unsigned long after,
	    unsigned long count, int error);
int	rumpuser_fault_byname(const char *name, unsigned long after,
	    unsigned long count, int error);
/* How many calls of `which` were made (whether failed or not). */
unsigned long rumpuser_fault_calls(enum rumpuser_call which);
void	rumpuser_fault_clear(void);

/* Boot: read the environment once. */
int	rumpuser_init(void);

/* Parameters: RUMP_NCPU, RUMP_MEMLIMIT, RUMP_VERBOSE (raw environment
 * strings), "_RUMPUSER_NCPU" (host online CPUs), "_RUMPUSER_HOSTNAME",
 * "_RUMPUSER_PID".  ENOENT when unset. */
int	rumpuser_getparam(const char *name, char *buf, size_t buflen);

/* Memory.  Alignment is a power of two or 0. */
int	rumpuser_malloc(size_t len, size_t align, void **memp);
void	rumpuser_free(void *mem, size_t len);

/* Threads. */
struct rumpuser_thread;
int	rumpuser_thread_create(void *(*fn)(void *), void *arg,
	    const char *name, bool joinable, struct rumpuser_thread **tp);
void	rumpuser_thread_exit(void) __attribute__((noreturn));
int	rumpuser_thread_join(struct rumpuser_thread *t);

/* Current lwp of this host thread (thread-local storage). */
void	rumpuser_curlwp_set(void *l);
void	*rumpuser_curlwp(void);

/* Mutexes, rwlocks, condition variables.  These never fail once
 * created; creation may (ENOMEM). */
struct rumpuser_mtx;
struct rumpuser_rw;
struct rumpuser_cv;
int	rumpuser_mutex_init(struct rumpuser_mtx **mp);
void	rumpuser_mutex_enter(struct rumpuser_mtx *m);
int	rumpuser_mutex_tryenter(struct rumpuser_mtx *m);	/* 0 or EBUSY */
void	rumpuser_mutex_exit(struct rumpuser_mtx *m);
void	rumpuser_mutex_destroy(struct rumpuser_mtx *m);
bool	rumpuser_mutex_held(struct rumpuser_mtx *m);

enum rumpuser_rwop { RUMPUSER_RW_READER, RUMPUSER_RW_WRITER };
int	rumpuser_rw_init(struct rumpuser_rw **rwp);
void	rumpuser_rw_enter(struct rumpuser_rw *rw, enum rumpuser_rwop op);
int	rumpuser_rw_tryenter(struct rumpuser_rw *rw, enum rumpuser_rwop op);
void	rumpuser_rw_exit(struct rumpuser_rw *rw);
void	rumpuser_rw_destroy(struct rumpuser_rw *rw);

int	rumpuser_cv_init(struct rumpuser_cv **cvp);
void	rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *m);
/* Absolute monotonic deadline; returns 0 or ETIMEDOUT (NetBSD 60). */
int	rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *m,
	    int64_t sec, long nsec);
void	rumpuser_cv_signal(struct rumpuser_cv *cv);
void	rumpuser_cv_broadcast(struct rumpuser_cv *cv);
void	rumpuser_cv_destroy(struct rumpuser_cv *cv);

/* Clocks. */
enum rumpuser_clock { RUMPUSER_CLOCK_REALTIME, RUMPUSER_CLOCK_MONOTONIC };
int	rumpuser_clock_gettime(enum rumpuser_clock c, int64_t *sec, long *nsec);
/* Sleep for a relative interval. */
int	rumpuser_clock_sleep(int64_t sec, long nsec);

/* Host files (for etfs and block devices). */
#define RUMPUSER_OPEN_RDONLY	0x0000
#define RUMPUSER_OPEN_WRONLY	0x0001
#define RUMPUSER_OPEN_RDWR	0x0002
#define RUMPUSER_OPEN_ACCMODE	0x0003
#define RUMPUSER_OPEN_CREATE	0x0004
#define RUMPUSER_OPEN_EXCL	0x0008
enum rumpuser_ft { RUMPUSER_FT_OTHER, RUMPUSER_FT_DIR, RUMPUSER_FT_REG,
	RUMPUSER_FT_BLK, RUMPUSER_FT_CHR };
int	rumpuser_open(const char *path, int flags, int *fdp);
int	rumpuser_close(int fd);
int	rumpuser_getfileinfo(const char *path, uint64_t *sizep, int *typep);
int	rumpuser_pread(int fd, void *buf, size_t len, int64_t off, size_t *donep);
int	rumpuser_pwrite(int fd, const void *buf, size_t len, int64_t off,
	    size_t *donep);
int	rumpuser_fsync(int fd);

/* Dynamic loading. */
int	rumpuser_dl_open(const char *path, void **handlep);
void	*rumpuser_dl_sym(void *handle, const char *sym);
const char *rumpuser_dl_error(void);

/* Module memory (the kernel's linker, kern/kobj.c): anonymous pages,
 * read-write and zeroed when mapped; protections RUMPUSER_PROT_*. */
#define RUMPUSER_PROT_READ	0x1
#define RUMPUSER_PROT_WRITE	0x2
#define RUMPUSER_PROT_EXEC	0x4
int	rumpuser_kobj_map(size_t len, void **addrp);
int	rumpuser_kobj_protect(void *addr, size_t len, int prot);
void	rumpuser_kobj_unmap(void *addr, size_t len);
/* The address of an exported symbol of anything loaded; *kernelp says
 * whether a rump kernel library defines it.  ENOENT if none does. */
int	rumpuser_kobj_sym(const char *name, void **addrp, bool *kernelp);
/* The directory holding the kernel's libraries (librumpuser's). */
int	rumpuser_kobj_libdir(char *buf, size_t len);

/* Random bytes. */
int	rumpuser_getrandom(void *buf, size_t len, size_t *donep);

/* Copy to and from the memory of the calling program when the kernel
 * is linked in (local clients): checked, so a wild pointer yields
 * EFAULT instead of a crash. */
int	rumpuser_copyin_local(const void *uaddr, void *kaddr, size_t len);
int	rumpuser_copyout_local(const void *kaddr, void *uaddr, size_t len);
/* Copy a NUL-terminated string of at most len bytes (NUL included);
 * *donep is the length copied including the NUL.  ENAMETOOLONG when
 * no NUL was found within len. */
int	rumpuser_copyinstr_local(const void *uaddr, char *kaddr, size_t len,
	    size_t *donep);

/* Console output and process exit. */
void	rumpuser_putchar(int c);
void	rumpuser_dprintf(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	rumpuser_exit(int status) __attribute__((noreturn));
void	rumpuser_abort(void) __attribute__((noreturn));

/* Detaching from the terminal (rump_server without -s; see
 * daemonize.c).  begin forks: the parent never returns, it exits with
 * the status the child reports; the child returns 0 in a new session.
 * done(error) in the child: error 0 first points stdio at /dev/null;
 * the number reaches the parent, whose exit status it becomes.
 * begin: 0, EINPROGRESS (already begun) or the fork's error; done: 0,
 * ENOENT (nothing begun) or EPIPE (the parent is gone). */
int	rumpuser_daemonize_begin(void);
int	rumpuser_daemonize_done(int error);

/* Translate a host errno to NetBSD's numbering. */
int	rumpuser_errtrans(int hosterr);

#endif
