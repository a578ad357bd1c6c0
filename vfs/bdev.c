/*
 * bdev.c: block devices: the block device switch, and what opening,
 * reading, writing, ioctl, fsync and closing a block device node
 * (VBLK vnode, on any file system) do: NetBSD's specfs for VBLK.
 *
 * The switch maps a major number to a driver (struct bdevsw, vfs.h),
 * like the character switch in dev.c: an array of atomic pointers set
 * once by bdevsw_attach and never cleared, read without a lock.
 *
 * File I/O goes through the buffer cache (bio.c) in blocks of
 * BDEV_BSIZE bytes (rounded up to the sector size), at any byte offset
 * and length.  Writing whole sectors of a block the cache does not
 * hold reads nothing (bget_overwrite: the cache keeps and later writes
 * just those sectors); a write of part of a sector reads the block
 * first, patches it and writes it back later (read-modify-write).  Writes are delayed (bdwrite) unless the file
 * is O_SYNC, whose writes go out at once and end with d_sync.  Bounds
 * are the driver's d_size, rounded down to whole sectors:
 *   read at or past the end     0 bytes (end of file)
 *   read across the end         short, up to the end
 *   write at the end            0 bytes written, as NetBSD's disks
 *                               (dd says "end of device")
 *   write past the end          EINVAL
 *   write across the end        short, up to the end
 *   negative offset             EINVAL
 * fsync writes the device's dirty buffers and then d_sync (bflush).
 * ioctl: DIOCCACHESYNC flushes the cache first; everything goes to the
 * driver's d_ioctl (ENOTTY without one).
 *
 * Opening calls d_open every time; the last close writes the dirty
 * buffers (its error is close's), forgets the clean ones and calls
 * d_close, as NetBSD's spec_close for disks.  The open counts are per
 * dev_t, not per vnode, so two nodes of one device share them.
 *
 * Locks: bdev_lock guards the open table (bdev_opens, each entry's
 * count and closing flag); an open waits on bdev_cv while a last close
 * of the same device is in progress.  Order: vnode locks < bdev_lock <
 * bc_lock.  No lock is held across driver calls or cache I/O.
 */
#include "vfs/vfs.h"

#define NBDEVSW		256	/* majors 0..255 */
#define BDEV_BSIZE	(16 * 1024)
#define BDEV_MAXSEC	(64 * 1024)	/* largest sector we accept */
/* NetBSD's DIOCCACHESYNC: _IOW('d', 118, int) */
#define BDEV_DIOCCACHESYNC	_RUMP_IOW('d', 118, int)

static const struct bdevsw *_Atomic bdevsw_tab[NBDEVSW];

int
bdevsw_attach(int major, const struct bdevsw *sw)
{
	const struct bdevsw *old = NULL;

	if (major < 0 || major >= NBDEVSW || sw == NULL)
		return EINVAL;
	if (atomic_compare_exchange_strong(&bdevsw_tab[major], &old, sw))
		return 0;
	return old == sw ? 0 : EEXIST;
}

const struct bdevsw *
bdevsw_lookup(uint64_t dev)
{
	int major = NETBSD_MAJOR(dev);

	if (dev == NODEV || major < 0 || major >= NBDEVSW)
		return NULL;
	return atomic_load(&bdevsw_tab[major]);
}

/* --- opening and closing ----------------------------------------------------- */

struct bdev_open {
	uint64_t bo_dev;
	int	bo_count;		/* opens not yet closed */
	bool	bo_closing;		/* last close in progress */
	struct bdev_open *bo_next;
};

static kmutex_t bdev_lock;
static kcondvar_t bdev_cv;
static struct bdev_open *bdev_opens;	/* bdev_lock */

void
bdev_init(void)
{
	mutex_init(&bdev_lock);
	cv_init(&bdev_cv);
}

static struct bdev_open *
bdev_find(uint64_t dev)
{
	struct bdev_open *bo;

	for (bo = bdev_opens; bo != NULL; bo = bo->bo_next)
		if (bo->bo_dev == dev)
			return bo;
	return NULL;
}

/* Drop an entry nobody uses; bdev_lock held.  Returns it to free. */
static struct bdev_open *
bdev_unlink_idle(struct bdev_open *bo)
{
	struct bdev_open **p;

	if (bo->bo_count > 0 || bo->bo_closing)
		return NULL;
	for (p = &bdev_opens; *p != bo; p = &(*p)->bo_next)
		continue;
	*p = bo->bo_next;
	return bo;
}

int
bdev_open(uint64_t dev, int fflags)
{
	const struct bdevsw *sw = bdevsw_lookup(dev);
	struct bdev_open *bo, *nbo, *idle;
	int error;

	if (sw == NULL)
		return ENXIO;
	if ((nbo = kmem_zalloc(sizeof(*nbo), KM_SLEEP)) == NULL)
		return ENOMEM;
	mutex_enter(&bdev_lock);
	/* after a wait the entry may be gone: look it up again */
	while ((bo = bdev_find(dev)) != NULL && bo->bo_closing)
		cv_wait(&bdev_cv, &bdev_lock);
	if (bo == NULL) {
		bo = nbo;
		nbo = NULL;
		bo->bo_dev = dev;
		bo->bo_next = bdev_opens;
		bdev_opens = bo;
	}
	bo->bo_count++;
	mutex_exit(&bdev_lock);
	kmem_free(nbo, sizeof(*nbo));

	error = sw->d_open != NULL ? sw->d_open(dev, fflags) : 0;
	if (error == 0)
		return 0;
	mutex_enter(&bdev_lock);
	bo->bo_count--;
	idle = bdev_unlink_idle(bo);
	mutex_exit(&bdev_lock);
	kmem_free(idle, sizeof(*idle));
	return error;
}

int
bdev_close(uint64_t dev, int fflags)
{
	const struct bdevsw *sw = bdevsw_lookup(dev);
	struct bdev_open *bo, *idle;
	int error, e;

	mutex_enter(&bdev_lock);
	bo = bdev_find(dev);
	KASSERT(bo != NULL && bo->bo_count > 0);
	if (--bo->bo_count > 0) {
		mutex_exit(&bdev_lock);
		return 0;
	}
	bo->bo_closing = true;
	mutex_exit(&bdev_lock);

	error = bflush(dev);
	binval(dev);
	e = sw != NULL && sw->d_close != NULL ? sw->d_close(dev, fflags) : 0;

	mutex_enter(&bdev_lock);
	bo->bo_closing = false;
	cv_broadcast(&bdev_cv);
	idle = bdev_unlink_idle(bo);
	mutex_exit(&bdev_lock);
	kmem_free(idle, sizeof(*idle));
	return error != 0 ? error : e;
}

bool
bdev_isopen(uint64_t dev)
{
	struct bdev_open *bo;
	bool open;

	mutex_enter(&bdev_lock);
	bo = bdev_find(dev);
	open = bo != NULL && (bo->bo_count > 0 || bo->bo_closing);
	mutex_exit(&bdev_lock);
	return open;
}

/* --- reading and writing ------------------------------------------------------- */

/* The device's usable size (whole sectors), sector and block size. */
static int
bdev_geom(uint64_t dev, int64_t *sizep, size_t *secsizep, size_t *bsizep)
{
	const struct bdevsw *sw = bdevsw_lookup(dev);
	uint64_t bytes = (uint64_t)INT64_MAX;
	uint32_t secsize = DEV_BSIZE;
	int error;

	if (sw == NULL || sw->d_rw == NULL)
		return ENXIO;
	if (sw->d_size != NULL &&
	    (error = sw->d_size(dev, &bytes, &secsize)) != 0)
		return error;
	if (secsize < DEV_BSIZE || secsize > BDEV_MAXSEC ||
	    secsize % DEV_BSIZE != 0)
		return EINVAL;		/* not a disk we can address */
	bytes = MIN(bytes, (uint64_t)INT64_MAX);
	*sizep = (int64_t)(bytes - bytes % secsize);
	*secsizep = secsize;
	*bsizep = roundup((size_t)BDEV_BSIZE, (size_t)secsize);
	return 0;
}

/* The cache block holding byte off: its start and length. */
static void
bdev_block(int64_t off, int64_t size, size_t bsize, int64_t *startp,
    size_t *lenp)
{
	int64_t start = off - off % (int64_t)bsize;

	*startp = start;
	*lenp = (size_t)MIN((int64_t)bsize, size - start);
}

int
bdev_read(uint64_t dev, struct uio *uio, int ioflag)
{
	struct buf *bp;
	int64_t size, start;
	size_t secsize, bsize, blen, on, n;
	int error;

	(void)ioflag;
	if (uio->uio_resid == 0)
		return 0;
	if (uio->uio_offset < 0)
		return EINVAL;
	if ((error = bdev_geom(dev, &size, &secsize, &bsize)) != 0)
		return error;
	while (uio->uio_resid > 0 && uio->uio_offset < size) {
		bdev_block(uio->uio_offset, size, bsize, &start, &blen);
		on = (size_t)(uio->uio_offset - start);
		n = MIN(blen - on, uio->uio_resid);
		if ((error = bread(dev, start / DEV_BSIZE, blen, &bp)) != 0)
			return error;
		error = uiomove(bp->b_data + on, n, uio);
		brelse(bp);
		if (error != 0)
			return error;
	}
	return 0;
}

/*
 * Put n bytes of uio at `on` in the block at start, of blen bytes.
 * Whole sectors need nothing from the device but what the cache has
 * (bget_overwrite); anything else reads the block first.
 */
static int
bdev_write_block(uint64_t dev, struct uio *uio, int64_t start, size_t blen,
    size_t secsize, size_t on, size_t n, int ioflag)
{
	struct buf *bp;
	size_t before = uio->uio_resid;
	bool sectors = on % secsize == 0 && (on + n) % secsize == 0;
	int error, e;

	if (sectors)
		error = bget_overwrite(dev, start / DEV_BSIZE, blen, on, n,
		    &bp);
	else
		error = bread(dev, start / DEV_BSIZE, blen, &bp);
	if (error != 0)
		return error;
	if ((error = uiomove(bp->b_data + on, n, uio)) != 0 &&
	    (uio->uio_resid == before || !(bp->b_flags & B_DONE))) {
		/* nothing arrived, or into a block we do not hold whole:
		 * keep what the buffer had (a new one goes away) */
		brelse(bp);
		return error;
	}
	if (error == 0 && sectors)
		bmark_written(bp, on, n);
	if (ioflag & (IO_SYNC | IO_DSYNC)) {
		e = bwrite(bp);
		return error != 0 ? error : e;
	}
	bdwrite(bp);
	return error;
}

int
bdev_write(uint64_t dev, struct uio *uio, int ioflag)
{
	const struct bdevsw *sw;
	int64_t size, start;
	size_t secsize, bsize, blen, on, n;
	int error;

	if (uio->uio_resid == 0)
		return 0;
	if (uio->uio_offset < 0)
		return EINVAL;
	if ((error = bdev_geom(dev, &size, &secsize, &bsize)) != 0)
		return error;
	if (uio->uio_offset > size)
		return EINVAL;
	while (uio->uio_resid > 0 && uio->uio_offset < size) {
		bdev_block(uio->uio_offset, size, bsize, &start, &blen);
		on = (size_t)(uio->uio_offset - start);
		n = MIN(blen - on, uio->uio_resid);
		error = bdev_write_block(dev, uio, start, blen, secsize, on, n,
		    ioflag);
		if (error != 0)
			return error;
	}
	if ((ioflag & (IO_SYNC | IO_DSYNC)) &&
	    (sw = bdevsw_lookup(dev)) != NULL && sw->d_sync != NULL)
		return sw->d_sync(dev);
	return 0;
}

/* --- control -------------------------------------------------------------------- */

int
bdev_ioctl(uint64_t dev, unsigned long cmd, void *data, int fflags)
{
	const struct bdevsw *sw = bdevsw_lookup(dev);
	int error = 0;

	if (sw == NULL)
		return ENXIO;
	if (cmd == BDEV_DIOCCACHESYNC)
		error = bflush(dev);
	if (sw->d_ioctl == NULL)
		return cmd == BDEV_DIOCCACHESYNC ? error : ENOTTY;
	if (error != 0) {
		(void)sw->d_ioctl(dev, cmd, data, fflags);
		return error;
	}
	return sw->d_ioctl(dev, cmd, data, fflags);
}

int
bdev_fsync(uint64_t dev)
{
	if (bdevsw_lookup(dev) == NULL)
		return ENXIO;
	return bflush(dev);
}
