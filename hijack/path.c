/*
 * path.c: the calls that open, stat and probe by path (spec §12).  Each
 * routes its path (init.c's hj_at): host paths go to the next
 * definition untouched, rump paths to the kernel with flags and
 * results translated.  Every name a program imports is defined,
 * including the 64 twins (same ABI on LP64) and the FORTIFY variants,
 * because glibc's own stat/open code never calls through the PLT.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hijack/hijack.h"

int	__open_2(const char *, int);
int	__open64_2(const char *, int);
int	__openat_2(int, const char *, int);
int	__openat64_2(int, const char *, int);
int	__xstat(int, const char *, struct stat *);
int	__lxstat(int, const char *, struct stat *);
int	__fxstatat(int, int, const char *, struct stat *, int);
ssize_t	__readlink_chk(const char *, char *, size_t, size_t);
ssize_t	__readlinkat_chk(int, const char *, char *, size_t, size_t);

/* 1: rump (hp filled), 0: host, -1: rump but no server (errno). */
static int
route(int dirfd, const char *path, struct hj_path *hp)
{
	hp->p = path;		/* what the host gets, unless resolved */
	if (hj_inside())
		return 0;
	if (hj_at(dirfd, path, hp) == -1)
		return -1;
	return hp->rump;
}

/* ----------------------------------------------------------------- open */

static int
open_rump(struct hj_path *hp, int flags, mode_t mode)
{
	int nb, rfd, fd, saved = errno;

	if (xlate_oflags_in(flags, &nb) == -1)
		return -1;
	rfd = RCALL(rump_sys_openat(hp->dirfd, hp->p, nb, mode));
	if (rfd == -1)
		return -1;
	if ((fd = fd_new(rfd, (flags & O_CLOEXEC) != 0)) == -1) {
		saved = errno;
		RCALL(rump_sys_close(rfd));
		errno = saved;
		return -1;
	}
	return fd;
}

static mode_t
open_mode(int flags, va_list ap)
{
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		return (mode_t)va_arg(ap, int);
	return 0;
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	struct hj_path hp;
	va_list ap;
	mode_t mode;
	int r;

	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	if ((r = route(dirfd, path, &hp)) == 0)
		return HOST(openat)(dirfd, hp.p, flags, mode);
	if (r < 0)
		return -1;
	return open_rump(&hp, flags, mode);
}

int
open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	if (hj_inside())
		return HOST(open)(path, flags, mode);
	return openat(AT_FDCWD, path, flags, mode);
}

ALIAS(open64, open);
ALIAS(openat64, openat);

int
__open_2(const char *path, int flags)
{
	return openat(AT_FDCWD, path, flags);
}

int
__open64_2(const char *path, int flags)
{
	return openat(AT_FDCWD, path, flags);
}

int
__openat_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}

int
__openat64_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}

int
creat(const char *path, mode_t mode)
{
	return openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

ALIAS(creat64, creat);

/* ----------------------------------------------------------------- stat */

static int
stat_rump(struct hj_path *hp, int lflags, struct rump_stat *ns)
{
	int nb;

	if ((lflags & AT_EMPTY_PATH) && hp->p[0] == '\0') {
		if (hp->dirfd == RUMP_AT_FDCWD)
			return RCALL(rump_sys_fstatat(RUMP_AT_FDCWD, ".",
			    (struct stat *)ns, 0));
		return RCALL(rump_sys_fstat(hp->dirfd, (struct stat *)ns));
	}
	if ((nb = xlate_atflags(lflags & ~AT_EMPTY_PATH,
	    AT_SYMLINK_NOFOLLOW)) == -1)
		return -1;
	return RCALL(rump_sys_fstatat(hp->dirfd, hp->p, (struct stat *)ns,
	    nb));
}

int
fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	struct hj_path hp;
	struct rump_stat ns;
	int r;

	if ((r = route(dirfd, path, &hp)) == 0)
		return HOST(fstatat)(dirfd, hp.p, st, flags);
	if (r < 0 || stat_rump(&hp, flags, &ns) == -1)
		return -1;
	return xlate_stat(&ns, st);
}

ALIAS(fstatat64, fstatat);

int
stat(const char *path, struct stat *st)
{
	if (hj_inside())
		return HOST(stat)(path, st);
	return fstatat(AT_FDCWD, path, st, 0);
}

int
lstat(const char *path, struct stat *st)
{
	if (hj_inside())
		return HOST(lstat)(path, st);
	return fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

ALIAS(stat64, stat);
ALIAS(lstat64, lstat);

/* Old binaries' entry points (glibc < 2.33): version 1 is ours. */
static int
xstat_ver(int ver)
{
	if (ver != 1 && ver != 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
__xstat(int ver, const char *path, struct stat *st)
{
	return xstat_ver(ver) ? -1 : fstatat(AT_FDCWD, path, st, 0);
}

int
__lxstat(int ver, const char *path, struct stat *st)
{
	return xstat_ver(ver) ? -1 :
	    fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

int
__fxstatat(int ver, int dirfd, const char *path, struct stat *st, int fl)
{
	return xstat_ver(ver) ? -1 : fstatat(dirfd, path, st, fl);
}

ALIAS(__xstat64, __xstat);
ALIAS(__lxstat64, __lxstat);
ALIAS(__fxstatat64, __fxstatat);

int
statx(int dirfd, const char *path, int flags, unsigned mask,
    struct statx *stx)
{
	struct hj_path hp;
	struct rump_stat ns;
	int r;

	if ((r = route(dirfd, path, &hp)) == 0)
		return HOST(statx)(dirfd, hp.p, flags, mask, stx);
	if (r < 0 || stat_rump(&hp, flags, &ns) == -1)
		return -1;
	return xlate_statx(&ns, stx);
}

/* --------------------------------------------------------------- access */

int
faccessat(int dirfd, const char *path, int mode, int flags)
{
	struct hj_path hp;
	int r, nb;

	if ((r = route(dirfd, path, &hp)) == 0)
		return HOST(faccessat)(dirfd, hp.p, mode, flags);
	if (r < 0)
		return -1;
	if ((nb = xlate_atflags(flags & ~AT_EACCESS, AT_SYMLINK_NOFOLLOW)) == -1)
		return -1;
	if (flags & AT_EACCESS)
		nb |= RUMP_AT_EACCESS;
	return RCALL(rump_sys_faccessat(hp.dirfd, hp.p, mode, nb));
}

int
access(const char *path, int mode)
{
	if (hj_inside())
		return HOST(access)(path, mode);
	return faccessat(AT_FDCWD, path, mode, 0);
}

int
euidaccess(const char *path, int mode)
{
	if (hj_inside())
		return HOST(euidaccess)(path, mode);
	return faccessat(AT_FDCWD, path, mode, AT_EACCESS);
}

ALIAS(eaccess, euidaccess);

/* ------------------------------------------------------------- readlink */

ssize_t
readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
	struct hj_path hp;
	int r;

	if ((r = route(dirfd, path, &hp)) == 0)
		return HOST(readlinkat)(dirfd, hp.p, buf, len);
	if (r < 0)
		return -1;
	return RCALL(rump_sys_readlinkat(hp.dirfd, hp.p, buf, len));
}

ssize_t
readlink(const char *path, char *buf, size_t len)
{
	if (hj_inside())
		return HOST(readlink)(path, buf, len);
	return readlinkat(AT_FDCWD, path, buf, len);
}

/* FORTIFY's checked variants: the caller's buffer size, then ours. */
ssize_t
__readlink_chk(const char *path, char *buf, size_t len, size_t buflen)
{
	if (len > buflen)
		abort();	/* what glibc's __chk_fail does */
	return readlink(path, buf, len);
}

ssize_t
__readlinkat_chk(int dirfd, const char *path, char *buf, size_t len,
    size_t buflen)
{
	if (len > buflen)
		abort();
	return readlinkat(dirfd, path, buf, len);
}
