/*
 * hijack.h: librumphijack, an LD_PRELOAD library that sends the file
 * system calls of an unmodified Linux program to a remote rump kernel
 * (rumphijack(3); the facts it relies on are in spec hijack-linux.md).
 *
 * Layers, one file each:
 *	init.c	 the host functions (dlsym RTLD_NEXT), the guard, the
 *		 connection, RUMPHIJACK parsing, path classification, the
 *		 emulated current directory, start-up after exec
 *	fdtab.c	 descriptors across the two worlds: a rump descriptor
 *		 is shown to the program as a host placeholder (/dev/null)
 *		 whose number maps to a descriptor in the rump kernel
 *	xlate.c	 NetBSD <-> Linux: errno, open/AT_/fcntl flags, struct
 *		 stat/statx/statfs/statvfs, device numbers
 *	path.c	 open, stat, access, readlink by path
 *	pathmod.c the name space and attributes by path, statfs, xattrs
 *	cwd.c	 chdir, fchdir, getcwd, realpath
 *	fdcall.c calls on descriptors (read, write, fstat, mmap, ...)
 *	dup.c	 close, close_range, dup, dup2, dup3, fcntl
 *	dir.c	 directory streams; scan.c glob and scandir on them
 *	stdio.c	 fopen/fdopen/freopen/fileno and the standard streams
 *	tmpname.c mkstemp and friends under the prefix
 *	proc.c	 fork, vfork, the exec family, umask
 *	spawn.c	 system, popen; spawnfa.c posix_spawn and its file actions
 *	poll.c	 poll, select, pselect
 *
 * Every interposer first asks hj_inside(): a call made while the
 * hijack itself is at work (librumpclient's own close, fcntl, execve)
 * goes straight to the host.  Interposers work before the library's
 * constructor has run (libselinux calls in first) and connect to the
 * server only when a path or descriptor needs it.
 *
 * Locks: fdtab.c's hj_fdlock serialises descriptor table updates
 * (lookups are atomic reads); dir.c, stdio.c, spawn.c and spawnfa.c
 * guard their registries with their own mutex; init.c's connection
 * state has hj_connlock.  Only two locks are held across a remote
 * call: hj_connlock (the handshake) and a directory stream's own lock
 * (its refill).  Lock order: conn before fd.
 */
#ifndef HIJACK_HIJACK_H
#define HIJACK_HIJACK_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <rump/rump_syscalls.h>
#include <rump/rump_types.h>
#include <rump/rumpdefs.h>

#pragma GCC visibility push(hidden)

#define HJ_MAXFD	1024	/* FD_SETSIZE: numbers the program sees */

/* A second exported name for an interposer (the 64 twins, whose
 * header prototypes name other struct types with the same layout). */
#define ALIAS(name, target)						\
	__asm__(".globl " #name "\n.type " #name ",@function\n"	\
	    ".set " #name ", " #target)

/* init.c: host functions.  HOST(fn) is the next definition of fn. */
void	*host_fn(void *_Atomic *slot, const char *name);
#define HOST(fn) ((__typeof__(&fn))({					\
	static void *_Atomic hs_;					\
	host_fn(&hs_, #fn); }))

/* init.c: the guard (a thread-local depth) around hijack internals. */
bool	hj_inside(void);
void	hj_enter(void);
void	hj_leave(void);

/* A remote call: guard held, NetBSD errno translated, errno kept on
 * success.  Evaluates to the call's result. */
#define RCALL(expr) ({							\
	int rc_saved_ = errno;						\
	hj_enter();							\
	__typeof__(expr) rc_r_ = (expr);				\
	int rc_e_ = errno;						\
	hj_leave();							\
	errno = rc_r_ == (__typeof__(expr))-1 ?				\
	    xlate_errno(rc_e_) : rc_saved_;				\
	rc_r_; })

int	hj_connect(void);
bool	hj_connected(void);

/* init.c: paths.  A classified path: host, or rump with its dirfd. */
struct hj_path {
	int	rump;			/* 1: goes to rump */
	int	blanket;		/* 1: by a blanket entry, unstripped */
	int	dirfd;			/* rump dirfd (or RUMP_AT_FDCWD) */
	const char *p;			/* the path to give the kernel */
	char	buf[PATH_MAX];
};
int	hj_at(int dirfd, const char *path, struct hj_path *hp);
int	hj_path(const char *path, struct hj_path *hp);
const char *hj_prefix(void);
bool	hj_cwd_rump(void);
void	hj_set_cwd_rump(bool on);
void	hj_connected_child(void);
void	hj_raise_socket(void);

/* fdtab.c */
int	fd_rump(int fd);		/* rump fd behind fd, or -1 */
int	fd_new(int rfd, bool cloexec);	/* a placeholder for rfd */
int	fd_install(int fd, int rfd);	/* fd (already a placeholder) */
int	fd_forget(int fd);		/* drop mapping; returns rfd */
void	fd_forget_all(void);
bool	fd_any(void);
int	fd_encode(char *buf, size_t len);
void	fd_decode(const char *s);
bool	fd_is_placeholder(int fd);
int	fd_highest(void);
void	fd_lock(void);
void	fd_unlock(void);

/* xlate.c */
int	xlate_errno(int nberr);
int	xlate_oflags_in(int lflags, int *nb);
int	xlate_oflags_out(int nbflags);
int	xlate_atflags(int lflags, int allowed);
/* These four fail with EFAULT for a NULL destination. */
int	xlate_stat(const struct rump_stat *n, struct stat *l);
int	xlate_statx(const struct rump_stat *n, void *stx);
int	xlate_statfs(const struct rump_statvfs *n, void *sfs);
int	xlate_statvfs(const struct rump_statvfs *n, void *svfs);
void	xlate_dev(uint64_t nbdev, unsigned *maj, unsigned *min);
int	xlate_pathconf(int lname);

/* dup.c */
int	hj_close_fd(int fd);

/* stdio.c */
void	std_flush(int fd);		/* fd 0-2 is about to change */
void	std_sync(int fd);		/* fd 0-2 has changed */
void	std_sync_all(void);

/* fdcall.c: the descriptor calls, for stdio's cookies. */
ssize_t	hj_read(int fd, void *buf, size_t n);
ssize_t	hj_write(int fd, const void *buf, size_t n);

#pragma GCC visibility pop

#endif
