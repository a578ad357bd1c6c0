/*
 * dup.c: close, dup, dup2, dup3, fcntl and close_range across the two
 * worlds.  A duplicate of a rump descriptor is a duplicate of its
 * placeholder (the number the program asked for, the host's choice of
 * lowest free number) standing for a fresh rump dup of the original,
 * so each number closes independently.  Landing on 0-2 or leaving them
 * tells stdio.c to switch the standard stream (spec §4.4).  Before the
 * host closes or dups over a number, librumpclient moves its socket
 * out of the way if it sits there (rumpclient__closenotify).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rump/rumpclient.h>

#include "hijack/hijack.h"

/* Move librumpclient's socket if it is fd. */
static void
spare_socket(int fd, enum rumpclient_closevariant v)
{
	hj_enter();
	(void)rumpclient__closenotify(&fd, v);
	hj_leave();
}

/* Close rump-backed fd: table, placeholder, then the rump side. */
int
hj_close_fd(int fd)
{
	int r;

	if (fd <= 2)
		std_flush(fd);		/* while still rump */
	if ((r = fd_forget(fd)) < 0) {
		errno = EBADF;
		return -1;
	}
	HOST(close)(fd);
	if (fd <= 2)
		std_sync(fd);
	return RCALL(rump_sys_close(r));
}

int
close(int fd)
{
	if (hj_inside())
		return HOST(close)(fd);
	if (fd_rump(fd) >= 0)
		return hj_close_fd(fd);
	spare_socket(fd, RUMPCLIENT_CLOSE_CLOSE);
	return HOST(close)(fd);
}

/* Open descriptors in [lo, hi], from /proc/self/fd; -1 if unreadable. */
static int
list_fds(unsigned lo, unsigned hi, int *out, int cap)
{
	char buf[4096];
	long n, off;
	int d, cnt = 0;
	struct dirent64 *de;
	unsigned long v;
	char *end;

	d = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/fd",
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d == -1)
		return -1;
	while ((n = syscall(SYS_getdents64, d, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += de->d_reclen) {
			de = (struct dirent64 *)(buf + off);
			v = strtoul(de->d_name, &end, 10);
			if (*end != '\0' || de->d_name[0] == '.' ||
			    (int)v == d || v < lo || v > hi || cnt == cap)
				continue;
			out[cnt++] = (int)v;
		}
	}
	syscall(SYS_close, d);
	return cnt;
}

/* Python's subprocess children call close_range(3, ~0U): our socket
 * must survive it, and rump descriptors close on both sides.  The
 * open descriptors are listed in batches (closed ones drop out of the
 * next listing). */
int
close_range(unsigned lo, unsigned hi, int flags)
{
	int fds[1024], i, n, rounds = 0;

	if (hj_inside() || (flags & CLOSE_RANGE_CLOEXEC) ||
	    (!fd_any() && !hj_connected()))
		return HOST(close_range)(lo, hi, flags);
	if (lo > hi) {
		errno = EINVAL;
		return -1;
	}
	do {
		n = list_fds(lo, hi, fds, (int)(sizeof(fds) / sizeof(fds[0])));
		if (n < 0)
			return HOST(close_range)(lo, hi, flags);
		for (i = 0; i < n; i++)
			(void)close(fds[i]);
	} while (n == (int)(sizeof(fds) / sizeof(fds[0])) && ++rounds < 64);
	return 0;
}

void
closefrom(int lo)
{
	(void)close_range((unsigned)lo, ~0U, 0);
}

int
dup(int fd)
{
	int r, nr, n, saved;

	if (hj_inside() || (r = fd_rump(fd)) < 0)
		return HOST(dup)(fd);
	if ((nr = RCALL(rump_sys_dup(r))) == -1)
		return -1;
	if ((n = fd_new(nr, false)) == -1) {
		saved = errno;
		RCALL(rump_sys_close(nr));
		errno = saved;
	}
	return n;
}

/* dup2/dup3 when either side is rump. */
static int
dup_onto(int old, int new, int cloexec)
{
	int ro = fd_rump(old), rn = fd_rump(new), nr = -1, saved;

	if (ro >= 0 && (nr = RCALL(rump_sys_dup(ro))) == -1)
		return -1;
	if (nr >= 0 && cloexec)
		RCALL(rump_sys_fcntl(nr, RUMP_F_SETFD, 1));
	if (new <= 2)
		std_flush(new);
	spare_socket(new, RUMPCLIENT_CLOSE_DUP2);
	if (HOST(dup3)(old, new, cloexec ? O_CLOEXEC : 0) == -1) {
		saved = errno;
		if (nr >= 0)
			RCALL(rump_sys_close(nr));
		errno = saved;
		return -1;
	}
	if (rn >= 0)
		fd_forget(new);
	if (nr >= 0)
		fd_install(new, nr);
	if (rn >= 0)
		RCALL(rump_sys_close(rn));
	if (new <= 2)
		std_sync(new);
	return new;
}

int
dup2(int old, int new)
{
	if (hj_inside())
		return HOST(dup2)(old, new);
	if (old == new || (fd_rump(old) < 0 && fd_rump(new) < 0)) {
		if (old != new)
			spare_socket(new, RUMPCLIENT_CLOSE_DUP2);
		return HOST(dup2)(old, new);
	}
	return dup_onto(old, new, 0);
}

int
dup3(int old, int new, int flags)
{
	if (hj_inside())
		return HOST(dup3)(old, new, flags);
	if (old == new || (flags & ~O_CLOEXEC) ||
	    (fd_rump(old) < 0 && fd_rump(new) < 0)) {
		if (old != new)
			spare_socket(new, RUMPCLIENT_CLOSE_DUP2);
		return HOST(dup3)(old, new, flags);
	}
	return dup_onto(old, new, flags & O_CLOEXEC);
}

/* ------------------------------------------------------------- fcntl */

static int
fcntl_dup(int fd, int r, int cmd, long arg)
{
	int n, nr, saved;

	if ((nr = RCALL(rump_sys_dup(r))) == -1)
		return -1;
	if (cmd == F_DUPFD_CLOEXEC)
		RCALL(rump_sys_fcntl(nr, RUMP_F_SETFD, 1));
	if ((n = HOST(fcntl)(fd, cmd, arg)) == -1 || n >= HJ_MAXFD) {
		saved = n == -1 ? errno : EMFILE;
		if (n != -1)
			HOST(close)(n);
		RCALL(rump_sys_close(nr));
		errno = saved;
		return -1;
	}
	fd_install(n, nr);
	if (n <= 2)
		std_sync(n);
	return n;
}

/* Linux struct flock <-> NetBSD's (spec §9.5, §10.6). */
static int
fcntl_lock(int r, int cmd, struct flock *fl)
{
	static const short tonb[] = { 1, 3, 2 }, fromnb[] = { 0, 0, 2, 1 };
	struct rump_flock nf;
	int ncmd = cmd == F_GETLK ? RUMP_F_GETLK :
	    cmd == F_SETLK ? RUMP_F_SETLK : RUMP_F_SETLKW;

	if (fl->l_type < 0 || fl->l_type > 2) {
		errno = EINVAL;
		return -1;
	}
	memset(&nf, 0, sizeof(nf));
	nf.l_start = fl->l_start;
	nf.l_len = fl->l_len;
	nf.l_pid = fl->l_pid;
	nf.l_type = tonb[fl->l_type];
	nf.l_whence = fl->l_whence;
	if (RCALL(rump_sys_fcntl(r, ncmd, &nf)) == -1)
		return -1;
	if (cmd == F_GETLK) {
		fl->l_type = nf.l_type >= 1 && nf.l_type <= 3 ?
		    fromnb[nf.l_type] : F_UNLCK;
		fl->l_whence = nf.l_whence;
		fl->l_start = nf.l_start;
		fl->l_len = nf.l_len;
		fl->l_pid = nf.l_pid;
	}
	return 0;
}

int
fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;
	int r, nb;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	if (hj_inside() || (r = fd_rump(fd)) < 0)
		return HOST(fcntl)(fd, cmd, arg);
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return fcntl_dup(fd, r, cmd, arg);
	case F_GETFD:
		return HOST(fcntl)(fd, cmd);
	case F_SETFD:
		RCALL(rump_sys_fcntl(r, RUMP_F_SETFD, (int)arg & FD_CLOEXEC));
		return HOST(fcntl)(fd, cmd, (int)arg);
	case F_GETFL:
		if ((nb = RCALL(rump_sys_fcntl(r, RUMP_F_GETFL))) == -1)
			return -1;
		return xlate_oflags_out(nb);
	case F_SETFL:
		if (xlate_oflags_in((int)arg & (O_APPEND | O_NONBLOCK |
		    O_ASYNC | O_DIRECT), &nb) == -1)
			return -1;
		return RCALL(rump_sys_fcntl(r, RUMP_F_SETFL, nb));
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
		return fcntl_lock(r, cmd, (struct flock *)arg);
	default:
		errno = EINVAL;
		return -1;
	}
}

ALIAS(fcntl64, fcntl);
