/*
 * xlate.c: NetBSD values and layouts into Linux ones and back (spec
 * §9 and §10).  Pure functions, no state.  Flags are translated by
 * whitelist: NetBSD's do_open ignores no bit, so a stray Linux bit
 * would become some unrelated NetBSD flag.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "hijack/hijack.h"

/* Index: NetBSD errno; value: Linux errno (spec §10.1). */
static const unsigned char errmap[97] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 35, 12, 13, 14, 15, 16, 17,
	18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
	34, 11, 115, 114, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99,
	100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 40, 36,
	112, 113, 39, 11, 87, 122, 116, 66, 5, 5, 5, 5, 5, 37, 38, 40, 13,
	13, 43, 42, 75, 84, 95, 125, 74, 61, 63, 60, 62, 61, 72, 67, 71
};

int
xlate_errno(int e)
{
	if (e == -3)
		return EINTR;		/* ERESTART should never leak */
	if (e < 0 || e >= (int)sizeof(errmap))
		return EIO;
	return errmap[e];
}

struct flagpair {
	int	linux_;
	int	nb;
};

static const struct flagpair oflags[] = {
	{ O_CREAT, RUMP_O_CREAT }, { O_EXCL, RUMP_O_EXCL },
	{ O_NOCTTY, RUMP_O_NOCTTY }, { O_TRUNC, RUMP_O_TRUNC },
	{ O_APPEND, RUMP_O_APPEND }, { O_NONBLOCK, RUMP_O_NONBLOCK },
	{ O_DSYNC, RUMP_O_DSYNC }, { O_ASYNC, RUMP_O_ASYNC },
	{ O_DIRECT, RUMP_O_DIRECT }, { O_DIRECTORY, RUMP_O_DIRECTORY },
	{ O_NOFOLLOW, RUMP_O_NOFOLLOW }, { O_CLOEXEC, RUMP_O_CLOEXEC },
};

/* Linux open flags into NetBSD's in *nb; -1 (errno) if impossible. */
int
xlate_oflags_in(int l, int *nb)
{
	size_t i;
	int n = l & O_ACCMODE;

	if ((l & O_TMPFILE) == O_TMPFILE) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if (l & O_PATH)		/* no NetBSD meaning: a plain read open */
		n = RUMP_O_RDONLY;
	for (i = 0; i < sizeof(oflags) / sizeof(oflags[0]); i++) {
		if (l & oflags[i].linux_)
			n |= oflags[i].nb;
	}
	if ((l & (O_SYNC & ~O_DSYNC)) != 0)
		n |= RUMP_O_SYNC;
	*nb = n;
	return 0;
}

int
xlate_oflags_out(int nb)
{
	size_t i;
	int l = nb & RUMP_O_ACCMODE;

	for (i = 0; i < sizeof(oflags) / sizeof(oflags[0]); i++) {
		if (nb & oflags[i].nb)
			l |= oflags[i].linux_;
	}
	if (nb & RUMP_O_SYNC)
		l |= O_SYNC;
	return l | O_LARGEFILE;
}

/*
 * Linux AT_ flags into NetBSD's.  `allowed` names the Linux flags the
 * call accepts; AT_NO_AUTOMOUNT and the statx sync bits are dropped
 * (Linux 0x800 would be NetBSD AT_REMOVEDIR).  -1 for an unknown bit.
 * Linux gives AT_REMOVEDIR and AT_EACCESS the same value: faccessat
 * translates its AT_EACCESS itself and never passes it here.
 */
int
xlate_atflags(int l, int allowed)
{
	int nb = 0;

	l &= ~(AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE);
	if (l & ~allowed) {
		errno = EINVAL;
		return -1;
	}
	if (l & AT_SYMLINK_NOFOLLOW)
		nb |= RUMP_AT_SYMLINK_NOFOLLOW;
	if (l & AT_SYMLINK_FOLLOW)
		nb |= RUMP_AT_SYMLINK_FOLLOW;
	if (l & AT_REMOVEDIR)	/* (AT_EACCESS, 0x200 too, is faccessat's) */
		nb |= RUMP_AT_REMOVEDIR;
	return nb;
}

void
xlate_dev(uint64_t d, unsigned *maj, unsigned *min)
{
	*maj = (unsigned)((d & 0x000fff00) >> 8);
	*min = (unsigned)(((d & 0xfff00000) >> 12) | (d & 0xff));
}

/* A rump device as st_dev: a major no Linux device has (spec §9.7). */
static dev_t
rump_stdev(uint64_t d)
{
	unsigned maj, min;

	xlate_dev(d, &maj, &min);
	return makedev(0x10000 + maj, min);
}

static dev_t
rump_rdev(uint64_t d)
{
	unsigned maj, min;

	xlate_dev(d, &maj, &min);
	return makedev(maj, min);
}

int
xlate_stat(const struct rump_stat *n, struct stat *l)
{
	if (l == NULL) {
		errno = EFAULT;
		return -1;
	}
	memset(l, 0, sizeof(*l));
	l->st_dev = rump_stdev(n->st_dev);
	l->st_ino = n->st_ino;
	l->st_nlink = n->st_nlink;
	l->st_mode = n->st_mode & 0177777;
	l->st_uid = n->st_uid;
	l->st_gid = n->st_gid;
	l->st_rdev = rump_rdev(n->st_rdev);
	l->st_size = n->st_size;
	l->st_blksize = n->st_blksize;
	l->st_blocks = n->st_blocks;
	l->st_atim.tv_sec = n->st_atim.tv_sec;
	l->st_atim.tv_nsec = n->st_atim.tv_nsec;
	l->st_mtim.tv_sec = n->st_mtim.tv_sec;
	l->st_mtim.tv_nsec = n->st_mtim.tv_nsec;
	l->st_ctim.tv_sec = n->st_ctim.tv_sec;
	l->st_ctim.tv_nsec = n->st_ctim.tv_nsec;
	return 0;
}

static void
put_ts(struct statx_timestamp *t, const struct rump_timespec *ts)
{
	t->tv_sec = ts->tv_sec;
	t->tv_nsec = (uint32_t)ts->tv_nsec;
}

int
xlate_statx(const struct rump_stat *n, void *buf)
{
	struct statx *x = buf;
	unsigned maj, min;

	if (buf == NULL) {
		errno = EFAULT;
		return -1;
	}
	memset(x, 0, sizeof(*x));
	x->stx_mask = STATX_BASIC_STATS | STATX_BTIME;
	x->stx_blksize = (uint32_t)n->st_blksize;
	x->stx_nlink = n->st_nlink;
	x->stx_uid = n->st_uid;
	x->stx_gid = n->st_gid;
	x->stx_mode = (uint16_t)(n->st_mode & 0177777);
	x->stx_ino = n->st_ino;
	x->stx_size = (uint64_t)n->st_size;
	x->stx_blocks = (uint64_t)n->st_blocks;
	put_ts(&x->stx_atime, &n->st_atim);
	put_ts(&x->stx_btime, &n->st_birthtim);
	put_ts(&x->stx_ctime, &n->st_ctim);
	put_ts(&x->stx_mtime, &n->st_mtim);
	xlate_dev(n->st_rdev, &maj, &min);
	x->stx_rdev_major = maj;
	x->stx_rdev_minor = min;
	xlate_dev(n->st_dev, &maj, &min);
	x->stx_dev_major = 0x10000 + maj;
	x->stx_dev_minor = min;
	return 0;
}

static unsigned long
mnt_flags(uint64_t f)
{
	unsigned long l = 0;

	if (f & 0x1)
		l |= ST_RDONLY;
	if (f & 0x2)
		l |= ST_SYNCHRONOUS;
	if (f & 0x4)
		l |= ST_NOEXEC;
	if (f & 0x8)
		l |= ST_NOSUID;
	if (f & 0x10)
		l |= ST_NODEV;
	if (f & 0x4000000)
		l |= ST_NOATIME;
	if (f & 0x20000)
		l |= ST_RELATIME;
	return l;
}

/*
 * f_type: 0, a type no Linux file system has.  Programs then treat a
 * rump file system as unknown, the safe choice: gnulib's fts skips its
 * link-count shortcut, and tail -f polls instead of trying inotify
 * (which cannot watch rump files) and complaining.
 */
static long
fs_magic(const char *name)
{
	(void)name;
	return 0;
}

int
xlate_statfs(const struct rump_statvfs *n, void *buf)
{
	struct statfs *l = buf;

	if (buf == NULL) {
		errno = EFAULT;
		return -1;
	}
	memset(l, 0, sizeof(*l));
	l->f_type = fs_magic(n->f_fstypename);
	l->f_bsize = (long)(n->f_iosize ? n->f_iosize : n->f_bsize);
	l->f_blocks = n->f_blocks;
	l->f_bfree = n->f_bfree;
	l->f_bavail = n->f_bavail;
	l->f_files = n->f_files;
	l->f_ffree = n->f_ffree;
	memcpy(&l->f_fsid, &n->f_fsidx, sizeof(l->f_fsid));
	l->f_namelen = n->f_namemax > 255 ? 255 : (long)n->f_namemax;
	l->f_frsize = (long)n->f_frsize;
	l->f_flags = (long)(mnt_flags(n->f_flag) | 0x20);	/* ST_VALID */
	return 0;
}

int
xlate_statvfs(const struct rump_statvfs *n, void *buf)
{
	struct statvfs *l = buf;

	if (buf == NULL) {
		errno = EFAULT;
		return -1;
	}
	memset(l, 0, sizeof(*l));
	l->f_bsize = n->f_iosize ? n->f_iosize : n->f_bsize;
	l->f_frsize = n->f_frsize;
	l->f_blocks = n->f_blocks;
	l->f_bfree = n->f_bfree;
	l->f_bavail = n->f_bavail;
	l->f_files = n->f_files;
	l->f_ffree = n->f_ffree;
	l->f_favail = n->f_favail;
	l->f_fsid = n->f_fsid;
	l->f_flag = mnt_flags(n->f_flag);
	l->f_namemax = n->f_namemax > 255 ? 255 : n->f_namemax;
	return 0;
}

/* Linux _PC_ name into NetBSD's; -1 for names NetBSD lacks. */
int
xlate_pathconf(int l)
{
	static const signed char map[] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -1, -1, -1, 11,
		-1, -1, -1, -1, -1, 12, 13
	};

	if (l < 0 || l >= (int)sizeof(map))
		return -1;
	return map[l];
}
