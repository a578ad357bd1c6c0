/*
 * pathmod.c: the calls that change the name space or a file's
 * attributes by path, and statfs/statvfs/pathconf.  Routing as in
 * path.c.  A call naming one rump and one host path (rename, link)
 * fails with EXDEV, as NetBSD's hijack does; mv then copies.
 * Extended attributes and ACLs on rump objects are "not supported"
 * (ENOTSUP): the answer that keeps ls, cp -a and Python quiet (§8).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

#include "hijack/hijack.h"

int	lchmod(const char *, mode_t);

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

/* Both paths of a two-path call: 1 rump, 0 host, -1 error (errno). */
static int
route2(int d1, const char *p1, struct hj_path *h1, int d2, const char *p2,
    struct hj_path *h2)
{
	int a, b;

	h1->p = p1;
	h2->p = p2;
	if (hj_inside())
		return 0;
	if ((a = route(d1, p1, h1)) < 0 || (b = route(d2, p2, h2)) < 0)
		return -1;
	if (a != b) {
		errno = EXDEV;
		return -1;
	}
	return a;
}

/* ------------------------------------------------------------ mkdir etc */

int
mkdirat(int dirfd, const char *path, mode_t mode)
{
	struct hj_path hp;
	int r;

	if ((r = route(dirfd, path, &hp)) == 0)
		return HOST(mkdirat)(dirfd, hp.p, mode);
	return r < 0 ? -1 : RCALL(rump_sys_mkdirat(hp.dirfd, hp.p, mode));
}

int
mkdir(const char *path, mode_t mode)
{
	if (hj_inside())
		return HOST(mkdir)(path, mode);
	return mkdirat(AT_FDCWD, path, mode);
}

int
mkfifoat(int dirfd, const char *path, mode_t mode)
{
	struct hj_path hp;
	int r;

	if ((r = route(dirfd, path, &hp)) == 0)
		return HOST(mkfifoat)(dirfd, hp.p, mode);
	return r < 0 ? -1 : RCALL(rump_sys_mkfifoat(hp.dirfd, hp.p, mode));
}

int
mkfifo(const char *path, mode_t mode)
{
	if (hj_inside())
		return HOST(mkfifo)(path, mode);
	return mkfifoat(AT_FDCWD, path, mode);
}

int
unlinkat(int dirfd, const char *path, int flags)
{
	struct hj_path hp;
	int r, nb;

	if ((r = route(dirfd, path, &hp)) == 0)
		return HOST(unlinkat)(dirfd, hp.p, flags);
	if (r < 0 || (nb = xlate_atflags(flags, AT_REMOVEDIR)) == -1)
		return -1;
	return RCALL(rump_sys_unlinkat(hp.dirfd, hp.p, nb));
}

int
unlink(const char *path)
{
	if (hj_inside())
		return HOST(unlink)(path);
	return unlinkat(AT_FDCWD, path, 0);
}

int
rmdir(const char *path)
{
	if (hj_inside())
		return HOST(rmdir)(path);
	return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

int
remove(const char *path)
{
	struct stat st;

	if (hj_inside())
		return HOST(remove)(path);
	if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return rmdir(path);
	return unlink(path);
}

/* --------------------------------------------------------- rename, link */

int
renameat(int d1, const char *p1, int d2, const char *p2)
{
	struct hj_path h1, h2;
	int r;

	if ((r = route2(d1, p1, &h1, d2, p2, &h2)) == 0)
		return HOST(renameat)(d1, h1.p, d2, h2.p);
	if (r < 0)
		return -1;
	return RCALL(rump_sys_renameat(h1.dirfd, h1.p, h2.dirfd, h2.p));
}

/* RENAME_NOREPLACE is emulated (a check, then the rename); the other
 * renameat2 flags have no NetBSD counterpart. */
int
renameat2(int d1, const char *p1, int d2, const char *p2, unsigned flags)
{
	struct hj_path h1, h2;
	struct rump_stat ns;
	int r, saved = errno;

	if ((r = route2(d1, p1, &h1, d2, p2, &h2)) == 0)
		return HOST(renameat2)(d1, h1.p, d2, h2.p, flags);
	if (r < 0)
		return -1;
	if (flags & ~(unsigned)RENAME_NOREPLACE) {
		errno = EINVAL;
		return -1;
	}
	if (flags && RCALL(rump_sys_fstatat(h2.dirfd, h2.p,
	    (struct stat *)&ns, RUMP_AT_SYMLINK_NOFOLLOW)) == 0) {
		errno = EEXIST;
		return -1;
	}
	errno = saved;
	return RCALL(rump_sys_renameat(h1.dirfd, h1.p, h2.dirfd, h2.p));
}

int
rename(const char *p1, const char *p2)
{
	if (hj_inside())
		return HOST(rename)(p1, p2);
	return renameat(AT_FDCWD, p1, AT_FDCWD, p2);
}

int
linkat(int d1, const char *p1, int d2, const char *p2, int flags)
{
	struct hj_path h1, h2;
	int r, nb;

	if ((r = route2(d1, p1, &h1, d2, p2, &h2)) == 0)
		return HOST(linkat)(d1, h1.p, d2, h2.p, flags);
	if (r < 0 || (nb = xlate_atflags(flags, AT_SYMLINK_FOLLOW)) == -1)
		return -1;
	return RCALL(rump_sys_linkat(h1.dirfd, h1.p, h2.dirfd, h2.p, nb));
}

int
link(const char *p1, const char *p2)
{
	if (hj_inside())
		return HOST(link)(p1, p2);
	return linkat(AT_FDCWD, p1, AT_FDCWD, p2, 0);
}

/* The target of a symlink is only text: it is not routed. */
int
symlinkat(const char *target, int dirfd, const char *path)
{
	struct hj_path hp;
	int r;

	if ((r = route(dirfd, path, &hp)) == 0)
		return HOST(symlinkat)(target, dirfd, hp.p);
	return r < 0 ? -1 :
	    RCALL(rump_sys_symlinkat(target, hp.dirfd, hp.p));
}

int
symlink(const char *target, const char *path)
{
	if (hj_inside())
		return HOST(symlink)(target, path);
	return symlinkat(target, AT_FDCWD, path);
}

/* ---------------------------------------------------------- attributes */

int
fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	struct hj_path hp;
	int r, nb;

	if ((r = route(dirfd, path, &hp)) == 0)
		return HOST(fchmodat)(dirfd, hp.p, mode, flags);
	if (r < 0 || (nb = xlate_atflags(flags, AT_SYMLINK_NOFOLLOW)) == -1)
		return -1;
	return RCALL(rump_sys_fchmodat(hp.dirfd, hp.p, mode, nb));
}

int
chmod(const char *path, mode_t mode)
{
	if (hj_inside())
		return HOST(chmod)(path, mode);
	return fchmodat(AT_FDCWD, path, mode, 0);
}

int
lchmod(const char *path, mode_t mode)
{
	if (hj_inside())
		return HOST(lchmod)(path, mode);
	return fchmodat(AT_FDCWD, path, mode, AT_SYMLINK_NOFOLLOW);
}

int
fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
	struct hj_path hp;
	int r, nb;

	if ((r = route(dirfd, path, &hp)) == 0)
		return HOST(fchownat)(dirfd, hp.p, uid, gid, flags);
	if (r < 0 || (nb = xlate_atflags(flags,
	    AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) == -1)
		return -1;
	if ((flags & AT_EMPTY_PATH) && hp.p[0] == '\0')
		return RCALL(rump_sys_fchown(hp.dirfd, uid, gid));
	return RCALL(rump_sys_fchownat(hp.dirfd, hp.p, uid, gid, nb));
}

int
chown(const char *path, uid_t uid, gid_t gid)
{
	if (hj_inside())
		return HOST(chown)(path, uid, gid);
	return fchownat(AT_FDCWD, path, uid, gid, 0);
}

int
lchown(const char *path, uid_t uid, gid_t gid)
{
	if (hj_inside())
		return HOST(lchown)(path, uid, gid);
	return fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

/* Linux's utimensat(fd, NULL, t, 0) is futimens(fd, t). */
int
utimensat(int dirfd, const char *path, const struct timespec t[2],
    int flags)
{
	struct hj_path hp;
	int r, nb, rfd;

	if (!hj_inside() && path == NULL && (rfd = fd_rump(dirfd)) >= 0)
		return RCALL(rump_sys_futimens(rfd, t));
	if ((r = route(dirfd, path, &hp)) == 0)
		return HOST(utimensat)(dirfd, hp.p, t, flags);
	if (r < 0 || (nb = xlate_atflags(flags, AT_SYMLINK_NOFOLLOW)) == -1)
		return -1;
	return RCALL(rump_sys_utimensat(hp.dirfd, hp.p, t, nb));
}

static int
utimes_at(const char *path, const struct timeval tv[2], int flags)
{
	struct timespec ts[2];

	if (tv == NULL)
		return utimensat(AT_FDCWD, path, NULL, flags);
	TIMEVAL_TO_TIMESPEC(&tv[0], &ts[0]);
	TIMEVAL_TO_TIMESPEC(&tv[1], &ts[1]);
	return utimensat(AT_FDCWD, path, ts, flags);
}

int
utimes(const char *path, const struct timeval tv[2])
{
	if (hj_inside())
		return HOST(utimes)(path, tv);
	return utimes_at(path, tv, 0);
}

int
lutimes(const char *path, const struct timeval tv[2])
{
	if (hj_inside())
		return HOST(lutimes)(path, tv);
	return utimes_at(path, tv, AT_SYMLINK_NOFOLLOW);
}

int
utime(const char *path, const struct utimbuf *ub)
{
	struct timespec ts[2];

	if (hj_inside())
		return HOST(utime)(path, ub);
	if (ub == NULL)
		return utimensat(AT_FDCWD, path, NULL, 0);
	ts[0].tv_sec = ub->actime;
	ts[1].tv_sec = ub->modtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	return utimensat(AT_FDCWD, path, ts, 0);
}

/* Device numbers go in NetBSD's encoding; FIFOs need none. */
int
mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	struct hj_path hp;
	uint64_t nbdev;
	int r;

	if ((r = route(dirfd, path, &hp)) == 0)
		return HOST(mknodat)(dirfd, hp.p, mode, dev);
	if (r < 0)
		return -1;
	if (S_ISFIFO(mode))
		return RCALL(rump_sys_mkfifoat(hp.dirfd, hp.p, mode & 07777));
	nbdev = ((major(dev) << 8) & 0x000fff00) |
	    ((minor(dev) << 12) & 0xfff00000) | (minor(dev) & 0xff);
	return RCALL(rump_sys_mknodat(hp.dirfd, hp.p, mode, (dev_t)nbdev));
}

int
mknod(const char *path, mode_t mode, dev_t dev)
{
	if (hj_inside())
		return HOST(mknod)(path, mode, dev);
	return mknodat(AT_FDCWD, path, mode, dev);
}

int
truncate(const char *path, off_t len)
{
	struct hj_path hp;
	int r;

	if ((r = route(AT_FDCWD, path, &hp)) == 0)
		return HOST(truncate)(hp.p, len);
	return r < 0 ? -1 : RCALL(rump_sys_truncate(hp.p, len));
}

ALIAS(truncate64, truncate);

/* ------------------------------------------------------ file systems */

static int
statvfs_rump(struct hj_path *hp, struct rump_statvfs *nv)
{
	if (hp->dirfd != RUMP_AT_FDCWD)
		return RCALL(rump_sys_fstatvfs1(hp->dirfd,
		    (struct statvfs *)nv, 2));
	return RCALL(rump_sys_statvfs1(hp->p, (struct statvfs *)nv, 2));
}

int
statfs(const char *path, struct statfs *buf)
{
	struct hj_path hp;
	struct rump_statvfs nv;
	int r;

	if ((r = route(AT_FDCWD, path, &hp)) == 0)
		return HOST(statfs)(hp.p, buf);
	if (r < 0 || statvfs_rump(&hp, &nv) == -1)
		return -1;
	return xlate_statfs(&nv, buf);
}

int
statvfs(const char *path, struct statvfs *buf)
{
	struct hj_path hp;
	struct rump_statvfs nv;
	int r;

	if ((r = route(AT_FDCWD, path, &hp)) == 0)
		return HOST(statvfs)(hp.p, buf);
	if (r < 0 || statvfs_rump(&hp, &nv) == -1)
		return -1;
	return xlate_statvfs(&nv, buf);
}

ALIAS(statfs64, statfs);
ALIAS(statvfs64, statvfs);

long
pathconf(const char *path, int name)
{
	struct hj_path hp;
	int r, nb;

	if ((r = route(AT_FDCWD, path, &hp)) == 0)
		return HOST(pathconf)(hp.p, name);
	if (r < 0)
		return -1;
	if (name == _PC_NAME_MAX)
		return 255;	/* what Linux programs size buffers for */
	if ((nb = xlate_pathconf(name)) == -1)
		return -1;
	return RCALL(rump_sys_pathconf(hp.p, nb));
}

/* ------------------------------------------------------------ xattrs */

#define XATTR_PATH(ret, name, params, args)				\
ret name params								\
{									\
	struct hj_path hp;						\
	int r_ = route(AT_FDCWD, path, &hp);				\
	const char *p_ = hp.p;						\
									\
	if (r_ == 0) {							\
		path = p_;						\
		return HOST(name) args;					\
	}								\
	if (r_ > 0)							\
		errno = ENOTSUP;					\
	return -1;							\
}

XATTR_PATH(ssize_t, getxattr, (const char *path, const char *n, void *v,
    size_t s), (path, n, v, s))
XATTR_PATH(ssize_t, lgetxattr, (const char *path, const char *n, void *v,
    size_t s), (path, n, v, s))
XATTR_PATH(int, setxattr, (const char *path, const char *n, const void *v,
    size_t s, int f), (path, n, v, s, f))
XATTR_PATH(int, lsetxattr, (const char *path, const char *n,
    const void *v, size_t s, int f), (path, n, v, s, f))
XATTR_PATH(ssize_t, listxattr, (const char *path, char *l, size_t s),
    (path, l, s))
XATTR_PATH(ssize_t, llistxattr, (const char *path, char *l, size_t s),
    (path, l, s))
XATTR_PATH(int, removexattr, (const char *path, const char *n), (path, n))
XATTR_PATH(int, lremovexattr, (const char *path, const char *n), (path, n))
