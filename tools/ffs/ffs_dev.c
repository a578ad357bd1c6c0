/*
 * ffs_dev.c: a host file or a rump kernel's device as the tools'
 * disk (see ffs_dev.h).  Remote errors are NetBSD errno values and are
 * named with rump_strerror(); host errors with strerror().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#include <rump/rumpclient.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>
#include <rump/rumperr.h>

#include "tools/ffs/ffs_dev.h"

/* NetBSD's disk ioctls, as the etfs driver answers them. */
struct nb_wedge {
	char	devname[16];
	uint8_t	wname[128];
	char	parent[16];
	int64_t	offset;
	uint64_t size;			/* sectors */
	char	ptype[32];
};
#define NB_DIOCGWEDGEINFO	_RUMP_IOR('d', 122, struct nb_wedge)
#define NB_DIOCGMEDIASIZE	_RUMP_IOR('d', 132, int64_t)

static int
fail(struct ffs_dev *d, const char *what, const char *why)
{
	snprintf(d->err, sizeof(d->err), "%s: %s", what, why);
	return -1;
}

static int
remote_size(struct ffs_dev *d, const char *path)
{
	int64_t bytes = 0;
	struct nb_wedge w;

	if (rump_sys_ioctl(d->fd, NB_DIOCGMEDIASIZE, &bytes) == 0 &&
	    bytes > 0) {
		d->size = (uint64_t)bytes;
		return 0;
	}
	memset(&w, 0, sizeof(w));
	if (rump_sys_ioctl(d->fd, NB_DIOCGWEDGEINFO, &w) == 0 && w.size > 0) {
		d->size = w.size * 512;
		return 0;
	}
	return fail(d, path, "cannot find the disk size (not a disk?)");
}

static int
open_remote(struct ffs_dev *d, const char *path)
{
	if (rumpclient_init() != 0)
		return fail(d, getenv("RUMP_SERVER"), strerror(errno));
	d->remote = true;
	d->fd = rump_sys_open(path, d->rdonly ? RUMP_O_RDONLY : RUMP_O_RDWR, 0);
	if (d->fd == -1)
		return fail(d, path, rump_strerror(errno));
	if (remote_size(d, path) != 0) {
		rump_sys_close(d->fd);
		return -1;
	}
	return 0;
}

static int
open_host(struct ffs_dev *d, const char *path, uint64_t create_size)
{
	struct stat st;
	int flags = d->rdonly ? O_RDONLY : O_RDWR;

	if (create_size > 0 && !d->rdonly)
		flags |= O_CREAT;
	if ((d->fd = open(path, flags, 0644)) == -1)
		return fail(d, path, strerror(errno));
	if (fstat(d->fd, &st) != 0)
		return fail(d, path, strerror(errno));
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(d->fd, BLKGETSIZE64, &d->size) != 0)
			return fail(d, path, strerror(errno));
	} else if (S_ISREG(st.st_mode)) {
		d->size = (uint64_t)st.st_size;
		if (create_size > d->size) {
			if (ftruncate(d->fd, (off_t)create_size) != 0)
				return fail(d, path, strerror(errno));
			d->size = create_size;
		}
	} else
		return fail(d, path, "not a regular file or disk");
	return 0;
}

int
dev_open(struct ffs_dev *d, const char *path, bool rdonly, bool host,
    uint64_t create_size)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->rdonly = rdonly;
	if (!host && getenv("RUMP_SERVER") != NULL)
		return open_remote(d, path);
	if (open_host(d, path, create_size) != 0) {
		if (d->fd != -1)
			close(d->fd);
		d->fd = -1;
		return -1;
	}
	return 0;
}

/* One transfer, retried while short; 0 or -1 with d->err. */
static int
dev_rw(struct ffs_dev *d, void *buf, size_t len, uint64_t off, bool wr)
{
	uint8_t *p = buf;

	if (off > d->size || len > d->size - off) {
		snprintf(d->err, sizeof(d->err), "%s at byte %llu + %zu: "
		    "beyond the end of the disk (%llu bytes)",
		    wr ? "write" : "read", (unsigned long long)off, len,
		    (unsigned long long)d->size);
		return -1;
	}
	while (len > 0) {
		ssize_t n;

		if (d->remote)
			n = wr ? rump_sys_pwrite(d->fd, p, len, (off_t)off) :
			    rump_sys_pread(d->fd, p, len, (off_t)off);
		else
			n = wr ? pwrite(d->fd, p, len, (off_t)off) :
			    pread(d->fd, p, len, (off_t)off);
		if (n <= 0) {
			snprintf(d->err, sizeof(d->err), "%s at byte %llu: %s",
			    wr ? "write" : "read", (unsigned long long)off,
			    n == 0 ? "unexpected end of disk" : d->remote ?
			    rump_strerror(errno) : strerror(errno));
			return -1;
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/*
 * A raw disk moves whole sectors only: a request that is not aligned
 * goes through a bounce buffer of the sectors around it (a write reads
 * them first).
 */
static int
dev_rw_any(struct ffs_dev *d, void *buf, size_t len, uint64_t off, bool wr)
{
	uint64_t a = off & ~(uint64_t)511, e = (off + len + 511) & ~(uint64_t)511;
	uint8_t *tmp;
	int rc;

	if (!d->remote || (off % 512 == 0 && len % 512 == 0))
		return dev_rw(d, buf, len, off, wr);
	if (e > d->size || off + len < off)
		return dev_rw(d, buf, len, off, wr);	/* reports it */
	if ((tmp = malloc((size_t)(e - a))) == NULL) {
		snprintf(d->err, sizeof(d->err), "out of memory");
		return -1;
	}
	rc = dev_rw(d, tmp, (size_t)(e - a), a, false);
	if (rc == 0 && !wr)
		memcpy(buf, tmp + (off - a), len);
	if (rc == 0 && wr) {
		memcpy(tmp + (off - a), buf, len);
		rc = dev_rw(d, tmp, (size_t)(e - a), a, true);
	}
	free(tmp);
	return rc;
}

int
dev_read(struct ffs_dev *d, void *buf, size_t len, uint64_t off)
{
	return dev_rw_any(d, buf, len, off, false);
}

int
dev_write(struct ffs_dev *d, const void *buf, size_t len, uint64_t off)
{
	if (d->rdonly) {
		snprintf(d->err, sizeof(d->err), "opened read-only");
		return -1;
	}
	return dev_rw_any(d, (void *)(uintptr_t)buf, len, off, true);
}

int
dev_close(struct ffs_dev *d)
{
	int rc = 0;

	if (d->fd == -1)
		return 0;
	if (d->remote)
		rc = rump_sys_close(d->fd);
	else {
		if (!d->rdonly)
			rc = fsync(d->fd);
		if (close(d->fd) != 0)
			rc = -1;
	}
	d->fd = -1;
	if (rc != 0)
		snprintf(d->err, sizeof(d->err), "close: %s", d->remote ?
		    rump_strerror(errno) : strerror(errno));
	return rc;
}
