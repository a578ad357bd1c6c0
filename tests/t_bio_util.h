/*
 * t_bio_util.h: what the tests/t_bio_*.c programs share: the kernel's
 * block device and buffer cache interface (declared here as in
 * vfs/vfs.h, whose errno names clash with the host's), and a RAM disk
 * driver that the tests attach to the kernel's block device switch.
 *
 * The RAM disk (major T_RD_MAJOR) has one unit per minor, each with
 * its own size and sector size, counters of what the kernel asked of
 * it, and switches that make reads, writes or opens fail.  It insists
 * on whole, aligned sectors, so a test also learns that the cache
 * never sends anything else.  A unit's bytes may live in memory shared
 * with a parent process (rd_new_shared), for tests that halt a kernel.
 */
#ifndef TESTS_T_BIO_UTIL_H
#define TESTS_T_BIO_UTIL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "t.h"

/* --- the kernel's interface (vfs/vfs.h, kern/kern.h) ------------------- */

enum t_uio_rw { T_UIO_READ, T_UIO_WRITE };

struct bdevsw {
	int	(*d_open)(uint64_t dev, int fflags);
	int	(*d_close)(uint64_t dev, int fflags);
	int	(*d_rw)(uint64_t dev, enum t_uio_rw rw, void *buf, size_t len,
		    int64_t off, size_t *done);
	int	(*d_ioctl)(uint64_t dev, unsigned long cmd, void *data,
		    int fflags);
	int	(*d_size)(uint64_t dev, uint64_t *bytes, uint32_t *secsize);
	int	(*d_sync)(uint64_t dev);
};
int	bdevsw_attach(int major, const struct bdevsw *sw);

struct buf {
	uint64_t b_dev;
	int64_t	b_blkno;
	size_t	b_bcount;
	char	*b_data;
	int	b_flags;
	int	b_error;
	void	*b_private;
};
#define B_BUSY		0x01
#define B_DONE		0x02
#define B_DELWRI	0x04
#define B_ERROR		0x08
#define B_INVAL		0x10
#define DEV_BSIZE	512
#define NODEV		((uint64_t)-1)
int	bread(uint64_t dev, int64_t blkno, size_t size, struct buf **bpp);
int	getblk(uint64_t dev, int64_t blkno, size_t size, struct buf **bpp);
int	bwrite(struct buf *bp);
void	bdwrite(struct buf *bp);
void	bawrite(struct buf *bp);
void	brelse(struct buf *bp);
int	bget_overwrite(uint64_t dev, int64_t blkno, size_t size, size_t on,
	    size_t n, struct buf **bpp);
void	bmark_written(struct buf *bp, size_t on, size_t n);
int	bflush(uint64_t dev);
void	binval(uint64_t dev);

struct bio_stats {
	uint64_t bs_cap, bs_bytes, bs_nbuf, bs_dirty;
	uint64_t bs_hits, bs_misses, bs_rablocks, bs_reads, bs_writes;
};
void	bio_getstats(struct bio_stats *st);
void	bio_setsyncdelay(int64_t ns);
uint64_t kmem_inuse(void);
uint64_t kmem_limit(void);

#define T_NSEC		1000000000LL
/* NetBSD's DIOCCACHESYNC */
#define T_DIOCCACHESYNC	_RUMP_IOW('d', 118, int)
/* An ioctl only the RAM disk knows: its unit number, out. */
#define T_RDIOCGUNIT	_RUMP_IOR('r', 1, int)

/* --- the RAM disk ------------------------------------------------------- */

#define T_RD_MAJOR	240
#define T_RD_NONE_MAJOR	241	/* no driver attached */
#define T_RD_MAX	128

struct rd {
	pthread_mutex_t lock;
	unsigned char *data;
	uint64_t size;
	uint32_t secsize;
	bool	shared;			/* data is a shared mapping */
	/* what the kernel did (lock) */
	unsigned long reads, writes, syncs, opens, closes, ioctls, misaligned;
	uint64_t rbytes, wbytes, maxxfer;
	/* faults (lock): error for each call of that kind, 0 = none */
	int	fail_read, fail_write, fail_open, fail_sync;
	unsigned long fail_write_after;	/* writes that still succeed */
	bool	isopen;
};

static inline uint64_t
MIN_U64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static struct rd t_rd[T_RD_MAX];
static atomic_int t_rd_next;

static inline struct rd *
rd_of(uint64_t dev)
{
	int unit = (int)(((dev & 0xfff00000) >> 12) | (dev & 0xff));

	return unit >= 0 && unit < T_RD_MAX && t_rd[unit].data != NULL ?
	    &t_rd[unit] : NULL;
}

static inline int
rd_open(uint64_t dev, int fflags)
{
	struct rd *rd = rd_of(dev);
	int error;

	(void)fflags;
	if (rd == NULL)
		return RUMP_ENXIO;
	pthread_mutex_lock(&rd->lock);
	if ((error = rd->fail_open) == 0) {
		rd->opens++;
		rd->isopen = true;
	}
	pthread_mutex_unlock(&rd->lock);
	return error;
}

static inline int
rd_close(uint64_t dev, int fflags)
{
	struct rd *rd = rd_of(dev);

	(void)fflags;
	pthread_mutex_lock(&rd->lock);
	rd->closes++;
	rd->isopen = false;
	pthread_mutex_unlock(&rd->lock);
	return 0;
}

static inline int
rd_rw(uint64_t dev, enum t_uio_rw rw, void *buf, size_t len, int64_t off,
    size_t *done)
{
	struct rd *rd = rd_of(dev);
	int error = 0;
	size_t n;

	*done = 0;
	if (rd == NULL)
		return RUMP_ENXIO;
	pthread_mutex_lock(&rd->lock);
	if (off < 0 || off % rd->secsize != 0 || len % rd->secsize != 0) {
		rd->misaligned++;
		error = RUMP_EINVAL;
	} else if (rw == T_UIO_READ) {
		rd->reads++;
		if ((error = rd->fail_read) == 0 && (uint64_t)off < rd->size) {
			n = (size_t)MIN_U64(len, rd->size - (uint64_t)off);
			memcpy(buf, rd->data + off, n);
			*done = n;
			rd->rbytes += n;
		}
	} else {
		rd->writes++;
		if (rd->fail_write != 0 && rd->fail_write_after == 0)
			error = rd->fail_write;
		else if ((uint64_t)off + len > rd->size)
			error = RUMP_EINVAL;
		else {
			if (rd->fail_write_after > 0)
				rd->fail_write_after--;
			memcpy(rd->data + off, buf, len);
			*done = len;
			rd->wbytes += len;
		}
	}
	if (len > rd->maxxfer)
		rd->maxxfer = len;
	pthread_mutex_unlock(&rd->lock);
	return error;
}

static inline int
rd_ioctl(uint64_t dev, unsigned long cmd, void *data, int fflags)
{
	struct rd *rd = rd_of(dev);

	(void)fflags;
	pthread_mutex_lock(&rd->lock);
	rd->ioctls++;
	pthread_mutex_unlock(&rd->lock);
	if (cmd == T_RDIOCGUNIT) {
		*(int *)data = (int)(rd - t_rd);
		return 0;
	}
	if (cmd == T_DIOCCACHESYNC)
		return 0;
	return RUMP_ENOTTY;
}

static inline int
rd_size(uint64_t dev, uint64_t *bytes, uint32_t *secsize)
{
	struct rd *rd = rd_of(dev);

	if (rd == NULL)
		return RUMP_ENXIO;
	*bytes = rd->size;
	*secsize = rd->secsize;
	return 0;
}

static inline int
rd_sync(uint64_t dev)
{
	struct rd *rd = rd_of(dev);
	int error;

	pthread_mutex_lock(&rd->lock);
	rd->syncs++;
	error = rd->fail_sync;
	pthread_mutex_unlock(&rd->lock);
	return error;
}

static const struct bdevsw rd_bdevsw = {
	.d_open = rd_open,
	.d_close = rd_close,
	.d_rw = rd_rw,
	.d_ioctl = rd_ioctl,
	.d_size = rd_size,
	.d_sync = rd_sync,
};

/* Attach the RAM disk driver (once per kernel). */
static inline int
rd_attach(void)
{
	return bdevsw_attach(T_RD_MAJOR, &rd_bdevsw);
}

static inline uint64_t
rd_dev(int unit)
{
	return RUMP_MAKEDEV(T_RD_MAJOR, unit);
}

/* A new unit of size bytes (filled with fill); its number. */
static inline int
rd_new2(uint64_t size, uint32_t secsize, int fill, bool shared)
{
	int unit = atomic_fetch_add(&t_rd_next, 1);
	struct rd *rd;

	if (unit >= T_RD_MAX)
		abort();
	rd = &t_rd[unit];
	pthread_mutex_init(&rd->lock, NULL);
	rd->size = size;
	rd->secsize = secsize;
	rd->shared = shared;
	if (shared) {
		rd->data = mmap(NULL, size ? size : 1, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (rd->data == MAP_FAILED)
			abort();
	} else if ((rd->data = malloc(size ? size : 1)) == NULL)
		abort();
	memset(rd->data, fill, size);
	return unit;
}

static inline int
rd_new(uint64_t size, uint32_t secsize)
{
	return rd_new2(size, secsize, 0, false);
}

/* mknod a block device node for unit at path (relative: the test's
 * directory). */
static inline int
rd_node(const char *path, int unit)
{
	return rump_sys_mknod(path, RUMP_S_IFBLK | 0600, rd_dev(unit));
}

/* A new unit and its node; returns the unit. */
static inline int
rd_make(const char *path, uint64_t size, uint32_t secsize)
{
	int unit = rd_new(size, secsize);

	if (rd_node(path, unit) != 0)
		t_fail(__FILE__, __LINE__, "mknod %s: %d", path, errno);
	return unit;
}

/* Read a counter under the unit's lock. */
#define RD_GET(unit, field) ({						\
	struct rd *rd_ = &t_rd[(unit)];					\
	pthread_mutex_lock(&rd_->lock);					\
	__typeof__(rd_->field) v_ = rd_->field;				\
	pthread_mutex_unlock(&rd_->lock);				\
	v_;								\
})
#define RD_SET(unit, field, val) do {					\
	struct rd *rd_ = &t_rd[(unit)];					\
	pthread_mutex_lock(&rd_->lock);					\
	rd_->field = (val);						\
	pthread_mutex_unlock(&rd_->lock);				\
} while (0)

/* Does the unit hold buf at off? */
static inline bool
rd_has(int unit, uint64_t off, const void *buf, size_t len)
{
	struct rd *rd = &t_rd[unit];
	bool same;

	pthread_mutex_lock(&rd->lock);
	same = off + len <= rd->size && memcmp(rd->data + off, buf, len) == 0;
	pthread_mutex_unlock(&rd->lock);
	return same;
}

/* A recognisable pattern: byte i of a stream seeded by seed. */
static inline void
pattern(void *buf, size_t len, uint64_t start, unsigned seed)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		uint64_t x = (start + i) * 2654435761u + seed * 40503u;

		p[i] = (unsigned char)(x ^ (x >> 13) ^ (x >> 24));
	}
}

static inline void
t_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Run a kernel call from a test thread (it needs a CPU). */
#define KCALL(expr) ({							\
	rump_schedule();						\
	__typeof__(expr) r_ = (expr);					\
	rump_unschedule();						\
	r_;								\
})
#define KDO(stmt) do {							\
	rump_schedule();						\
	stmt;								\
	rump_unschedule();						\
} while (0)

#endif
