/*
 * fdcall.c: calls on descriptors.  A descriptor the table (fdtab.c)
 * maps to a rump descriptor goes to the kernel under that number; any
 * other goes to the host untouched.  Calls that would move data
 * between the two worlds in one go (copy_file_range, sendfile) fail
 * with EXDEV before moving anything, which makes cat, cp and shutil
 * fall back to read and write (spec §8).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <termios.h>
#include <unistd.h>

#include "hijack/hijack.h"

int	__fxstat(int, int, struct stat *);
ssize_t	__read_chk(int, void *, size_t, size_t);
ssize_t	__pread_chk(int, void *, size_t, off_t, size_t);

/* The rump descriptor behind fd, or -1 for a host descriptor. */
static int
rfd_of(int fd)
{
	return hj_inside() ? -1 : fd_rump(fd);
}

/* ------------------------------------------------------------ data */

ssize_t
hj_read(int fd, void *buf, size_t n)
{
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(read)(fd, buf, n);
	return RCALL(rump_sys_read(r, buf, n));
}

ssize_t
hj_write(int fd, const void *buf, size_t n)
{
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(write)(fd, buf, n);
	return RCALL(rump_sys_write(r, buf, n));
}

ssize_t
read(int fd, void *buf, size_t n)
{
	return hj_read(fd, buf, n);
}

ssize_t
__read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	if (n > buflen)
		abort();	/* what glibc's __chk_fail does */
	return hj_read(fd, buf, n);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	return hj_write(fd, buf, n);
}

ssize_t
pread(int fd, void *buf, size_t n, off_t off)
{
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(pread)(fd, buf, n, off);
	return RCALL(rump_sys_pread(r, buf, n, off));
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(pwrite)(fd, buf, n, off);
	return RCALL(rump_sys_pwrite(r, buf, n, off));
}

ALIAS(pread64, pread);

ssize_t
__pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
	if (n > buflen)
		abort();
	return pread(fd, buf, n, off);
}

ALIAS(__pread64_chk, __pread_chk);
ALIAS(pwrite64, pwrite);

ssize_t
readv(int fd, const struct iovec *iov, int cnt)
{
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(readv)(fd, iov, cnt);
	return RCALL(rump_sys_readv(r, iov, cnt));
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(writev)(fd, iov, cnt);
	return RCALL(rump_sys_writev(r, iov, cnt));
}

ssize_t
preadv(int fd, const struct iovec *iov, int cnt, off_t off)
{
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(preadv)(fd, iov, cnt, off);
	return RCALL(rump_sys_preadv(r, iov, cnt, off));
}

ssize_t
pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(pwritev)(fd, iov, cnt, off);
	return RCALL(rump_sys_pwritev(r, iov, cnt, off));
}

ALIAS(preadv64, preadv);
ALIAS(pwritev64, pwritev);

/* SEEK_DATA/SEEK_HOLE have no NetBSD meaning: EINVAL (spec §10.7). */
off_t
lseek(int fd, off_t off, int whence)
{
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(lseek)(fd, off, whence);
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) {
		errno = EINVAL;
		return -1;
	}
	return RCALL(rump_sys_lseek(r, off, whence));
}

ALIAS(lseek64, lseek);

ssize_t
copy_file_range(int in, off_t *inoff, int out, off_t *outoff, size_t n,
    unsigned flags)
{
	if (rfd_of(in) < 0 && rfd_of(out) < 0)
		return HOST(copy_file_range)(in, inoff, out, outoff, n, flags);
	errno = EXDEV;
	return -1;
}

ssize_t
sendfile(int out, int in, off_t *off, size_t n)
{
	if (rfd_of(in) < 0 && rfd_of(out) < 0)
		return HOST(sendfile)(out, in, off, n);
	errno = EXDEV;
	return -1;
}

ALIAS(sendfile64, sendfile);

/* ------------------------------------------------------- attributes */

int
fstat(int fd, struct stat *st)
{
	struct rump_stat ns;
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(fstat)(fd, st);
	if (RCALL(rump_sys_fstat(r, (struct stat *)&ns)) == -1)
		return -1;
	return xlate_stat(&ns, st);
}

ALIAS(fstat64, fstat);

int
__fxstat(int ver, int fd, struct stat *st)
{
	if (ver != 0 && ver != 1) {
		errno = EINVAL;
		return -1;
	}
	return fstat(fd, st);
}

ALIAS(__fxstat64, __fxstat);

int
fchmod(int fd, mode_t mode)
{
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(fchmod)(fd, mode);
	return RCALL(rump_sys_fchmod(r, mode));
}

int
fchown(int fd, uid_t uid, gid_t gid)
{
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(fchown)(fd, uid, gid);
	return RCALL(rump_sys_fchown(r, uid, gid));
}

int
futimens(int fd, const struct timespec t[2])
{
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(futimens)(fd, t);
	return RCALL(rump_sys_futimens(r, t));
}

int
futimes(int fd, const struct timeval tv[2])
{
	struct timespec ts[2];
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(futimes)(fd, tv);
	if (tv == NULL)
		return RCALL(rump_sys_futimens(r, NULL));
	TIMEVAL_TO_TIMESPEC(&tv[0], &ts[0]);
	TIMEVAL_TO_TIMESPEC(&tv[1], &ts[1]);
	return RCALL(rump_sys_futimens(r, ts));
}

/* sync reaches the rump kernel too, if this process talks to one. */
void
sync(void)
{
	int saved = errno;

	HOST(sync)();
	if (!hj_inside() && hj_connected()) {
		hj_enter();
		rump_sys_sync();
		hj_leave();
	}
	errno = saved;
}

int
syncfs(int fd)
{
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(syncfs)(fd);
	return RCALL(rump_sys_fsync(r));
}

int
fsync(int fd)
{
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(fsync)(fd);
	return RCALL(rump_sys_fsync(r));
}

int
fdatasync(int fd)
{
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(fdatasync)(fd);
	return RCALL(rump_sys_fdatasync(r));
}

int
ftruncate(int fd, off_t len)
{
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(ftruncate)(fd, len);
	return RCALL(rump_sys_ftruncate(r, len));
}

ALIAS(ftruncate64, ftruncate);

int
fstatfs(int fd, struct statfs *buf)
{
	struct rump_statvfs nv;
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(fstatfs)(fd, buf);
	if (RCALL(rump_sys_fstatvfs1(r, (struct statvfs *)&nv, 2)) == -1)
		return -1;
	return xlate_statfs(&nv, buf);
}

int
fstatvfs(int fd, struct statvfs *buf)
{
	struct rump_statvfs nv;
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(fstatvfs)(fd, buf);
	if (RCALL(rump_sys_fstatvfs1(r, (struct statvfs *)&nv, 2)) == -1)
		return -1;
	return xlate_statvfs(&nv, buf);
}

ALIAS(fstatfs64, fstatfs);
ALIAS(fstatvfs64, fstatvfs);

long
fpathconf(int fd, int name)
{
	int r = rfd_of(fd), nb;

	if (r < 0)
		return HOST(fpathconf)(fd, name);
	if (name == _PC_NAME_MAX)
		return 255;
	if ((nb = xlate_pathconf(name)) == -1)
		return -1;
	return RCALL(rump_sys_fpathconf(r, nb));
}

/* ------------------------------------------------------------ hints */

int
posix_fadvise(int fd, off_t off, off_t len, int advice)
{
	int r = rfd_of(fd), saved = errno, e;

	if (r < 0)
		return HOST(posix_fadvise)(fd, off, len, advice);
	e = RCALL(rump_sys_posix_fadvise(r, off, len, advice));
	if (e == -1)
		e = errno;		/* the call itself failed */
	else if (e != 0)
		e = xlate_errno(e);	/* the kernel's answer, NetBSD's */
	errno = saved;
	return e;	/* an error number, as POSIX has it */
}

ALIAS(posix_fadvise64, posix_fadvise);

int
flock(int fd, int op)
{
	int r = rfd_of(fd);

	if (r < 0)
		return HOST(flock)(fd, op);
	return RCALL(rump_sys_flock(r, op));
}

/*
 * glibc's posix_fallocate falls back to writing through internal
 * calls, which would land on the placeholder and report success.  The
 * kernel's answer is used; where the file system has no allocation
 * (EOPNOTSUPP) the file is at least made long enough, as the fallback
 * would.  Returns an error number, not -1.
 */
int
posix_fallocate(int fd, off_t off, off_t len)
{
	struct rump_stat ns;
	int r = rfd_of(fd), e, saved = errno;

	if (r < 0)
		return HOST(posix_fallocate)(fd, off, len);
	if (off < 0 || len <= 0)
		return EINVAL;
	e = RCALL(rump_sys_posix_fallocate(r, off, len));
	if (e == -1) {
		e = errno;
		errno = saved;
		return e;
	}
	if (e == RUMP_EOPNOTSUPP || e == RUMP_ENOTSUP)
		e = 0;
	else if (e != 0) {
		errno = saved;
		return xlate_errno(e);
	}
	if (RCALL(rump_sys_fstat(r, (struct stat *)&ns)) == -1 ||
	    (ns.st_size < off + len &&
	    RCALL(rump_sys_ftruncate(r, off + len)) == -1))
		e = errno;
	errno = saved;
	return e;
}

ALIAS(posix_fallocate64, posix_fallocate);

/* lockf is fcntl's record locking on the whole rest of the file. */
int
lockf(int fd, int cmd, off_t len)
{
	struct flock fl = { .l_whence = SEEK_CUR, .l_start = 0, .l_len = len };

	if (rfd_of(fd) < 0)
		return HOST(lockf)(fd, cmd, len);
	switch (cmd) {
	case F_ULOCK:
		fl.l_type = F_UNLCK;
		return fcntl(fd, F_SETLK, &fl);
	case F_LOCK:
		fl.l_type = F_WRLCK;
		return fcntl(fd, F_SETLKW, &fl);
	case F_TLOCK:
		fl.l_type = F_WRLCK;
		return fcntl(fd, F_SETLK, &fl);
	case F_TEST:
		fl.l_type = F_RDLCK;
		if (fcntl(fd, F_GETLK, &fl) == -1)
			return -1;
		if (fl.l_type == F_UNLCK || fl.l_pid == getpid())
			return 0;
		errno = EACCES;
		return -1;
	default:
		errno = EINVAL;
		return -1;
	}
}

ALIAS(lockf64, lockf);

int
fallocate(int fd, int mode, off_t off, off_t len)
{
	if (rfd_of(fd) < 0)
		return HOST(fallocate)(fd, mode, off, len);
	errno = EOPNOTSUPP;
	return -1;
}

ALIAS(fallocate64, fallocate);

/* ---------------------------------------------------------- terminal */

int
isatty(int fd)
{
	if (rfd_of(fd) < 0)
		return HOST(isatty)(fd);
	errno = ENOTTY;
	return 0;
}

int
tcgetattr(int fd, struct termios *t)
{
	if (rfd_of(fd) < 0)
		return HOST(tcgetattr)(fd, t);
	errno = ENOTTY;
	return -1;
}

/* The ioctls whose numbers we know in both worlds (spec §10.11);
 * every other request on a rump descriptor is ENOTTY. */
int
ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;
	int r = rfd_of(fd);

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (r < 0)
		return HOST(ioctl)(fd, req, arg);
	switch (req) {
	case FIONREAD:
		return RCALL(rump_sys_ioctl(r, 0x4004667fUL, arg));
	case FIONBIO:
		return RCALL(rump_sys_ioctl(r, 0x8004667eUL, arg));
	case FIOCLEX:
		return RCALL(rump_sys_ioctl(r, 0x20006601UL, arg));
	case FIONCLEX:
		return RCALL(rump_sys_ioctl(r, 0x20006602UL, arg));
	default:
		errno = ENOTTY;
		return -1;
	}
}

/* -------------------------------------------------------------- mmap */

/*
 * A rump file cannot be mapped by the host kernel; a private mapping
 * is made as a copy (anonymous memory filled with pread).  Shared
 * writable mappings would need write-back: ENODEV, as Linux answers
 * for files that cannot be mapped.
 */
void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	int r = (flags & MAP_ANONYMOUS) ? -1 : rfd_of(fd), saved;
	void *p;
	ssize_t n;

	if (r < 0)
		return HOST(mmap)(addr, len, prot, flags, fd, off);
	if ((flags & MAP_SHARED) && (prot & PROT_WRITE)) {
		errno = ENODEV;
		return MAP_FAILED;
	}
	p = HOST(mmap)(addr, len, prot | PROT_WRITE,
	    (flags & ~(MAP_SHARED | MAP_SHARED_VALIDATE)) | MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return p;
	n = RCALL(rump_sys_pread(r, p, len, off));
	if (n == -1) {
		saved = errno;
		munmap(p, len);
		errno = saved;
		return MAP_FAILED;
	}
	if (!(prot & PROT_WRITE))
		mprotect(p, len, prot);
	return p;
}

ALIAS(mmap64, mmap);

/* ------------------------------------------------------------ xattrs */

#define XATTR_FD(ret, name, params, args)				\
ret name params								\
{									\
	if (rfd_of(fd) < 0)						\
		return HOST(name) args;					\
	errno = ENOTSUP;						\
	return -1;							\
}

XATTR_FD(ssize_t, fgetxattr, (int fd, const char *n, void *v, size_t s),
    (fd, n, v, s))
XATTR_FD(int, fsetxattr, (int fd, const char *n, const void *v, size_t s,
    int f), (fd, n, v, s, f))
XATTR_FD(ssize_t, flistxattr, (int fd, char *l, size_t s), (fd, l, s))
XATTR_FD(int, fremovexattr, (int fd, const char *n), (fd, n))
