/*
 * dir.c: directory streams on rump directories.  glibc's opendir and
 * readdir use internal calls we cannot see (spec §4.2), so a rump
 * directory gets a DIR of our own: a rump descriptor (a placeholder
 * number, so dirfd() and the *at calls work), a buffer of NetBSD
 * getdents records, and one Linux dirent64 handed out at a time.
 * d_off and telldir count entries; seekdir rereads from the start.
 * At the end of the directory errno is left as it was: ls, find, tar
 * and Python treat a changed errno as a read error (spec §6.2).
 *
 * Locks: hj_dirlock guards the registry (which DIR pointers are ours);
 * each stream has its own lock for its buffer and position.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hijack/hijack.h"

struct hj_dir {
	struct hj_dir *next;		/* hj_dirlock */
	pthread_mutex_t lock;
	int	fd;			/* the program's number */
	long	pos;			/* entries handed out */
	size_t	off, len;		/* unread: buf[off..len) */
	struct dirent64 ent;
	char	buf[8192];
};

static pthread_mutex_t hj_dirlock = PTHREAD_MUTEX_INITIALIZER;
static struct hj_dir *hj_dirs;		/* hj_dirlock */

static struct hj_dir *
mine(void *dp)
{
	struct hj_dir *d;

	if (hj_inside() || dp == NULL)
		return NULL;
	pthread_mutex_lock(&hj_dirlock);
	for (d = hj_dirs; d != NULL && d != dp; d = d->next)
		;
	pthread_mutex_unlock(&hj_dirlock);
	return d;
}

static DIR *
dir_new(int fd)
{
	struct hj_dir *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	pthread_mutex_init(&d->lock, NULL);
	d->fd = fd;
	pthread_mutex_lock(&hj_dirlock);
	d->next = hj_dirs;
	hj_dirs = d;
	pthread_mutex_unlock(&hj_dirlock);
	return (DIR *)d;
}

DIR *
fdopendir(int fd)
{
	struct stat st;

	if (hj_inside() || fd_rump(fd) < 0)
		return HOST(fdopendir)(fd);
	if (fstat(fd, &st) == -1)
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return NULL;
	}
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);	/* as glibc does */
	return dir_new(fd);
}

DIR *
opendir(const char *path)
{
	struct hj_path hp;
	DIR *dp;
	int fd, saved;

	if (hj_inside())
		return HOST(opendir)(path);
	if (hj_path(path, &hp) == -1)
		return NULL;
	if (!hp.rump)
		return HOST(opendir)(hp.p);
	fd = openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return NULL;
	if ((dp = dir_new(fd)) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
	}
	return dp;
}

/* Refill d's buffer: 1 more records, 0 end, -1 error (errno). */
static int
dir_fill(struct hj_dir *d)
{
	int r = fd_rump(d->fd), n;

	if (r < 0) {
		errno = EBADF;
		return -1;
	}
	n = RCALL(rump_sys_getdents(r, d->buf, sizeof(d->buf)));
	if (n <= 0)
		return n;
	d->off = 0;
	d->len = (size_t)n;
	return 1;
}

/* The next record of d as a Linux dirent64, or NULL. */
static struct dirent64 *
dir_next(struct hj_dir *d)
{
	struct rump_dirent *nd;
	size_t reclen, namlen;
	int r;

	for (;;) {
		if (d->off + offsetof(struct rump_dirent, d_name) > d->len) {
			if ((r = dir_fill(d)) <= 0)
				return NULL;
		}
		nd = (struct rump_dirent *)(d->buf + d->off);
		reclen = nd->d_reclen;
		namlen = nd->d_namlen;
		if (reclen == 0 || d->off + reclen > d->len ||
		    offsetof(struct rump_dirent, d_name) + namlen >= reclen) {
			d->off = d->len;	/* a broken batch: drop it */
			errno = EIO;
			return NULL;
		}
		d->off += reclen;
		if (nd->d_type == RUMP_DT_WHT || namlen > 255)
			continue;
		d->ent.d_ino = nd->d_fileno;
		d->ent.d_off = ++d->pos;
		d->ent.d_reclen = (unsigned short)
		    ((offsetof(struct dirent64, d_name) + namlen + 1 + 7) & ~7UL);
		d->ent.d_type = nd->d_type;
		memcpy(d->ent.d_name, nd->d_name, namlen);
		d->ent.d_name[namlen] = '\0';
		return &d->ent;
	}
}

struct dirent64 *
readdir64(DIR *dp)
{
	struct hj_dir *d = mine(dp);
	struct dirent64 *e;

	if (d == NULL)
		return HOST(readdir64)(dp);
	pthread_mutex_lock(&d->lock);
	e = dir_next(d);
	pthread_mutex_unlock(&d->lock);
	return e;
}

ALIAS(readdir, readdir64);

int
closedir(DIR *dp)
{
	struct hj_dir *d = mine(dp), **pp;
	int fd;

	if (d == NULL)
		return HOST(closedir)(dp);
	pthread_mutex_lock(&hj_dirlock);
	for (pp = &hj_dirs; *pp != NULL && *pp != d; pp = &(*pp)->next)
		;
	if (*pp == d)
		*pp = d->next;
	pthread_mutex_unlock(&hj_dirlock);
	fd = d->fd;
	pthread_mutex_destroy(&d->lock);
	free(d);
	return close(fd);
}

static void
dir_rewind(struct hj_dir *d)
{
	int r = fd_rump(d->fd);

	if (r >= 0)
		RCALL(rump_sys_lseek(r, 0, SEEK_SET));
	d->off = d->len = 0;
	d->pos = 0;
}

void
rewinddir(DIR *dp)
{
	struct hj_dir *d = mine(dp);

	if (d == NULL) {
		HOST(rewinddir)(dp);
		return;
	}
	pthread_mutex_lock(&d->lock);
	dir_rewind(d);
	pthread_mutex_unlock(&d->lock);
}

long
telldir(DIR *dp)
{
	struct hj_dir *d = mine(dp);
	long pos;

	if (d == NULL)
		return HOST(telldir)(dp);
	pthread_mutex_lock(&d->lock);
	pos = d->pos;
	pthread_mutex_unlock(&d->lock);
	return pos;
}

void
seekdir(DIR *dp, long pos)
{
	struct hj_dir *d = mine(dp);
	int saved = errno;

	if (d == NULL) {
		HOST(seekdir)(dp, pos);
		return;
	}
	pthread_mutex_lock(&d->lock);
	dir_rewind(d);
	while (d->pos < pos && dir_next(d) != NULL)
		;
	pthread_mutex_unlock(&d->lock);
	errno = saved;
}

int
dirfd(DIR *dp)
{
	struct hj_dir *d = mine(dp);

	if (d == NULL)
		return HOST(dirfd)(dp);
	return d->fd;
}

/*
 * getdents64 called directly: NetBSD records converted into Linux ones.
 * A Linux record is at most one and a half times its NetBSD one (the
 * smallest, 16 bytes, becomes 24), so two thirds of the caller's
 * buffer are asked for and everything read fits; d_off counts records
 * read through this call since the descriptor's last rewind is not
 * known, so it is only a position hint.
 */
ssize_t
getdents64(int fd, void *buf, size_t n)
{
	char nbuf[8192];
	struct rump_dirent *nd;
	struct dirent64 *ld;
	size_t want, off = 0, out = 0, namlen, rl;
	int r = hj_inside() ? -1 : fd_rump(fd), got;

	if (r < 0)
		return HOST(getdents64)(fd, buf, n);
	want = n / 3 * 2;
	if (want > sizeof(nbuf))
		want = sizeof(nbuf);
	if (want < 16) {
		errno = EINVAL;
		return -1;
	}
	if ((got = RCALL(rump_sys_getdents(r, nbuf, want))) <= 0)
		return got;
	while (off + offsetof(struct rump_dirent, d_name) <= (size_t)got) {
		nd = (struct rump_dirent *)(nbuf + off);
		namlen = nd->d_namlen;
		if (nd->d_reclen == 0 || off + nd->d_reclen > (size_t)got ||
		    offsetof(struct rump_dirent, d_name) + namlen >= nd->d_reclen) {
			errno = EIO;
			return -1;
		}
		off += nd->d_reclen;
		if (nd->d_type == RUMP_DT_WHT || namlen > 255)
			continue;
		rl = (offsetof(struct dirent64, d_name) + namlen + 1 + 7) & ~7UL;
		if (out + rl > n) {
			errno = EINVAL;		/* cannot happen, see above */
			return -1;
		}
		ld = (struct dirent64 *)((char *)buf + out);
		ld->d_ino = nd->d_fileno;
		ld->d_off = (off64_t)off;
		ld->d_reclen = (unsigned short)rl;
		ld->d_type = nd->d_type;
		memcpy(ld->d_name, nd->d_name, namlen);
		memset(ld->d_name + namlen, 0,
		    rl - offsetof(struct dirent64, d_name) - namlen);
		out += rl;
	}
	return (ssize_t)out;
}
