/*
 * etfs_disk.c: the host-disk driver, major 197 (NetBSD's rumpblk).
 *
 * Each of 16 slots (the minor number) serves one host file, or a
 * window [begin, begin + size) of it, as a disk of 512-byte sectors:
 *   bdevsw  the medium under the buffer cache (bio.c): d_rw moves
 *           sectors with the host's pread/pwrite, d_sync is the host's
 *           fdatasync;
 *   cdevsw  the raw device beside it (/dev/rX): reads and writes go
 *           straight to the host through a bounce buffer, in pieces of
 *           at most 64 KiB, never through the cache;
 *   ioctls  what newfs, fsck and disklabel ask a disk: a synthesised
 *           disklabel (DIOCGDINFO), the wedge (DIOCGWEDGEINFO), media
 *           and sector size, DIOCCACHESYNC; DIOCGPARTINFO for kernel
 *           callers.
 *
 * Bounds, as rumpblk's: an offset or length that is not a multiple of
 * 512 is EINVAL (rumpblk refuses such lengths but rounds such offsets
 * down to a sector, moving other bytes than asked for); a transfer
 * starting past the end is EINVAL; one that
 * runs over the end is cut short there, and one starting exactly at
 * the end moves nothing (a read sees end of file, a write writes 0
 * bytes, as bdev.c's block device nodes do).  The buffer cache's d_rw
 * is stricter for writes: one running over the end is EINVAL, so that
 * a buffer is never taken for written when part of it was not.  Host
 * errors come back as the host said them (EIO, ENOSPC...); a host
 * file shorter than its window reads zeros past its end.
 *
 * Opens: bdev.c calls the block device's d_open at every open and
 * d_close at the last close (as NetBSD's specfs does for disks), the
 * character device's d_open and d_close come in pairs; a slot is busy
 * while either is open.
 *
 * A slot's life: free -> in use (a key registers the host path; more
 * keys on the same path share the slot and its first window) ->
 * closing (the last key is being removed: no new opens; dirty buffers
 * written) -> free.  dk_lock guards the table; dk_busy counts
 * transfers in progress, which a closing slot waits out before closing
 * the host file.  Transfers take no lock while the host works.
 */
#include <stdio.h>

#include "vfs/etfs.h"

struct disk {
	char	*dk_path;	/* dk_lock; NULL: the slot is free */
	int	dk_fd;		/* fixed while in use */
	bool	dk_writable;	/* fixed while in use */
	uint64_t dk_begin;	/* fixed while in use */
	uint64_t dk_size;	/* fixed while in use */
	int	dk_keys;	/* dk_lock: etfs keys on this slot */
	bool	dk_bopen;	/* dk_lock: the block device is open */
	int	dk_copens;	/* dk_lock: opens of the raw device */
	int	dk_busy;	/* dk_lock: transfers in progress */
	bool	dk_closing;	/* dk_lock: last key going, no opens */
};

static kmutex_t dk_lock;
static kcondvar_t dk_cv;		/* dk_busy fell to 0 */
static struct disk disks[ETFS_DISK_SLOTS];

#define BLKDEV_IOSIZE	2048	/* NetBSD's preferred block I/O size */

uint64_t
etfs_disk_dev(int slot)
{
	return NETBSD_MAKEDEV(ETFS_DISK_MAJOR, slot);
}

/* --- slots ---------------------------------------------------------------------- */

static int
slot_find(const char *path)
{
	KASSERT(mutex_owned(&dk_lock));
	for (int i = 0; i < ETFS_DISK_SLOTS; i++)
		if (disks[i].dk_path != NULL &&
		    strcmp(disks[i].dk_path, path) == 0)
			return i;
	return -1;
}

int
etfs_disk_attach(const char *path, uint64_t begin, uint64_t size,
    int *slotp, uint64_t *sizep)
{
	struct disk *d;
	char *copy;
	int i, fd, error;
	bool writable;

	mutex_enter(&dk_lock);
	if ((i = slot_find(path)) != -1 && !disks[i].dk_closing) {
		disks[i].dk_keys++;
		*slotp = i;
		*sizep = disks[i].dk_size;
		mutex_exit(&dk_lock);
		return 0;
	}
	for (i = 0; i < ETFS_DISK_SLOTS && disks[i].dk_path != NULL; i++)
		continue;
	mutex_exit(&dk_lock);
	if (i == ETFS_DISK_SLOTS)
		return EBUSY;
	/* registrations are serialised (etfs_lock): slot i stays free */
	if ((copy = kmem_strdup(path)) == NULL)
		return ENOMEM;
	if ((error = etfs_host_open(path, &fd, &writable)) != 0) {
		kmem_strfree(copy);
		return error;
	}
	d = &disks[i];
	mutex_enter(&dk_lock);
	d->dk_fd = fd;
	d->dk_writable = writable;
	d->dk_begin = begin;
	d->dk_size = size;
	d->dk_keys = 1;
	d->dk_bopen = false;
	d->dk_copens = 0;
	d->dk_busy = 0;
	d->dk_closing = false;
	d->dk_path = copy;
	mutex_exit(&dk_lock);
	*slotp = i;
	*sizep = size;
	return 0;
}

/* The slot is unreachable and idle: forget its buffers, close it. */
static void
slot_free(int slot)
{
	struct disk *d = &disks[slot];
	char *path;

	binval(etfs_disk_dev(slot));
	mutex_enter(&dk_lock);
	while (d->dk_busy > 0)
		cv_wait(&dk_cv, &dk_lock);
	path = d->dk_path;
	d->dk_path = NULL;
	d->dk_closing = false;
	mutex_exit(&dk_lock);
	rumpuser_close(d->dk_fd);
	kmem_strfree(path);
}

void
etfs_disk_drop(int slot)
{
	bool last;

	mutex_enter(&dk_lock);
	last = --disks[slot].dk_keys == 0;
	mutex_exit(&dk_lock);
	if (last)
		slot_free(slot);
}

int
etfs_disk_detach_begin(int slot, bool *lastp)
{
	struct disk *d = &disks[slot];
	int error = 0;

	mutex_enter(&dk_lock);
	*lastp = d->dk_keys == 1;
	if (*lastp && (d->dk_bopen || d->dk_copens > 0))
		error = EBUSY;
	else if (*lastp)
		d->dk_closing = true;
	mutex_exit(&dk_lock);
	if (error != 0 || !*lastp)
		return error;
	/* nothing new can be written now: write what the cache holds */
	if ((error = bflush(etfs_disk_dev(slot))) != 0)
		etfs_disk_detach_abort(slot);
	return error;
}

void
etfs_disk_detach_abort(int slot)
{
	mutex_enter(&dk_lock);
	disks[slot].dk_closing = false;
	mutex_exit(&dk_lock);
}

void
etfs_disk_detach_finish(int slot)
{
	etfs_disk_drop(slot);
}

/* Start a transfer or ioctl on dev's slot (ENXIO if there is none). */
static int
slot_enter(uint64_t dev, struct disk **dp)
{
	int slot = NETBSD_MINOR(dev);
	struct disk *d;

	if (slot < 0 || slot >= ETFS_DISK_SLOTS)
		return ENXIO;
	d = &disks[slot];
	mutex_enter(&dk_lock);
	if (d->dk_path == NULL) {
		mutex_exit(&dk_lock);
		return ENXIO;
	}
	d->dk_busy++;
	mutex_exit(&dk_lock);
	*dp = d;
	return 0;
}

static void
slot_exit(struct disk *d)
{
	mutex_enter(&dk_lock);
	if (--d->dk_busy == 0)
		cv_broadcast(&dk_cv);
	mutex_exit(&dk_lock);
}

/* --- transfers ------------------------------------------------------------------ */

/* Apply the bounds rules (top of file) to len bytes at off; strict:
 * a write may not be cut short. */
static int
disk_clip(const struct disk *d, enum uio_rw rw, int64_t off, size_t *lenp,
    bool strict)
{
	uint64_t left;

	if (off < 0 || off % DEV_BSIZE != 0 || *lenp % DEV_BSIZE != 0)
		return EINVAL;
	if ((uint64_t)off > d->dk_size)
		return EINVAL;
	left = d->dk_size - (uint64_t)off;
	if (*lenp <= left)
		return 0;
	if (strict && rw == UIO_WRITE)
		return EINVAL;
	*lenp = (size_t)left;
	return 0;
}

/* Move len bytes (already clipped) between buf and the medium. */
static int
disk_io(struct disk *d, enum uio_rw rw, void *buf, size_t len, uint64_t off,
    size_t *done)
{
	int error;

	*done = 0;
	if (len == 0)
		return 0;
	if (rw == UIO_READ) {
		error = etfs_host_pread(d->dk_fd, buf, len, d->dk_begin + off,
		    done);
		if (error == 0) {
			memset((char *)buf + *done, 0, len - *done);
			*done = len;
		}
		return error;
	}
	if (!d->dk_writable)
		return EACCES;
	return etfs_host_pwrite(d->dk_fd, buf, len, d->dk_begin + off, done);
}

static int
bdev_rw(uint64_t dev, enum uio_rw rw, void *buf, size_t len, int64_t off,
    size_t *done)
{
	struct disk *d;
	int error;

	*done = 0;
	if ((error = slot_enter(dev, &d)) != 0)
		return error;
	if ((error = disk_clip(d, rw, off, &len, true)) == 0)
		error = disk_io(d, rw, buf, len, (uint64_t)off, done);
	slot_exit(d);
	return error;
}

/* The raw device: uio straight to the host, 64 KiB at a time. */
static int
raw_rw(uint64_t dev, struct uio *uio)
{
	struct disk *d;
	size_t len = uio->uio_resid, chunk, done, cap;
	char *buf = NULL;
	int error;

	if ((error = slot_enter(dev, &d)) != 0)
		return error;
	if ((error = disk_clip(d, uio->uio_rw, uio->uio_offset, &len,
	    false)) != 0 ||
	    len == 0)
		goto out;
	cap = MIN(len, ETFS_MAXPHYS);
	if ((buf = kmem_alloc(cap, KM_SLEEP)) == NULL) {
		error = ENOMEM;
		goto out;
	}
	for (; len > 0 && error == 0; len -= chunk) {
		chunk = MIN(len, cap);
		if (uio->uio_rw == UIO_READ) {
			error = disk_io(d, UIO_READ, buf, chunk,
			    (uint64_t)uio->uio_offset, &done);
			if (error == 0)
				error = uiomove(buf, chunk, uio);
			continue;
		}
		uint64_t off = (uint64_t)uio->uio_offset;

		if ((error = uiomove(buf, chunk, uio)) != 0)
			break;
		if ((error = disk_io(d, UIO_WRITE, buf, chunk, off,
		    &done)) != 0) {
			uio->uio_resid += chunk - done;
			uio->uio_offset -= (off_t)(chunk - done);
		}
	}
	kmem_free(buf, cap);
out:
	slot_exit(d);
	return error;
}

/* --- open, close, size, sync --------------------------------------------------------- */

/* A slot that may be opened for fflags, with dk_lock held. */
static int
disk_openable(int slot, int fflags, struct disk **dp)
{
	struct disk *d;

	KASSERT(mutex_owned(&dk_lock));
	if (slot < 0 || slot >= ETFS_DISK_SLOTS)
		return ENXIO;
	d = &disks[slot];
	if (d->dk_path == NULL || d->dk_closing)
		return ENXIO;
	if ((fflags & FWRITE) && !d->dk_writable)
		return EACCES;
	*dp = d;
	return 0;
}

static int
bdisk_open(uint64_t dev, int fflags)
{
	struct disk *d;
	int error;

	mutex_enter(&dk_lock);
	if ((error = disk_openable(NETBSD_MINOR(dev), fflags, &d)) == 0)
		d->dk_bopen = true;
	mutex_exit(&dk_lock);
	return error;
}

static int
bdisk_close(uint64_t dev, int fflags)
{
	int slot = NETBSD_MINOR(dev);

	(void)fflags;
	if (slot < 0 || slot >= ETFS_DISK_SLOTS)
		return ENXIO;
	mutex_enter(&dk_lock);
	disks[slot].dk_bopen = false;
	mutex_exit(&dk_lock);
	return 0;
}

static int
cdisk_open(uint64_t dev, int fflags)
{
	struct disk *d;
	int error;

	mutex_enter(&dk_lock);
	if ((error = disk_openable(NETBSD_MINOR(dev), fflags, &d)) == 0)
		d->dk_copens++;
	mutex_exit(&dk_lock);
	return error;
}

static int
cdisk_close(uint64_t dev, int fflags)
{
	int slot = NETBSD_MINOR(dev);

	(void)fflags;
	if (slot < 0 || slot >= ETFS_DISK_SLOTS)
		return ENXIO;
	mutex_enter(&dk_lock);
	if (disks[slot].dk_copens > 0)
		disks[slot].dk_copens--;
	mutex_exit(&dk_lock);
	return 0;
}

static int
disk_size(uint64_t dev, uint64_t *bytes, uint32_t *secsize)
{
	struct disk *d;
	int error;

	if ((error = slot_enter(dev, &d)) != 0)
		return error;
	*bytes = d->dk_size;
	*secsize = DEV_BSIZE;
	slot_exit(d);
	return 0;
}

static int
disk_sync(uint64_t dev)
{
	struct disk *d;
	int error;

	if ((error = slot_enter(dev, &d)) != 0)
		return error;
	error = etfs_host_fsync(d->dk_fd);
	slot_exit(d);
	return error;
}

/* --- ioctls ----------------------------------------------------------------------- */

static uint32_t
disk_sectors32(const struct disk *d)
{
	uint64_t n = d->dk_size / DEV_BSIZE;

	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* XOR of the label's 16-bit words up to the end of its partitions. */
static uint16_t
label_cksum(const struct nb_disklabel *lp)
{
	const uint8_t *p = (const uint8_t *)lp;
	size_t n = offsetof(struct nb_disklabel, d_partitions) +
	    lp->d_npartitions * sizeof(struct nb_partition);
	uint16_t sum = 0, w;

	for (size_t i = 0; i < n; i += 2) {
		memcpy(&w, p + i, 2);
		sum ^= w;
	}
	return sum;
}

/*
 * The label of a disk with no label of its own: partition a (4.2BSD)
 * and the raw partition d both cover the whole disk; a fictitious but
 * consistent geometry of 64 tracks of 32 sectors per cylinder.
 */
static void
disk_label(const struct disk *d, int slot, struct nb_disklabel *lp)
{
	uint32_t secs = disk_sectors32(d);

	memset(lp, 0, sizeof(*lp));
	lp->d_magic = lp->d_magic2 = NB_DISKMAGIC;
	lp->d_type = NB_DKTYPE_RUMPD;
	strncpy(lp->d_typename, "rumpd", sizeof(lp->d_typename));
	snprintf(lp->d_packname, sizeof(lp->d_packname), "etfs%d", slot);
	lp->d_secsize = DEV_BSIZE;
	lp->d_secperunit = secs;
	if (secs >= 2048) {
		lp->d_nsectors = 32;
		lp->d_ntracks = 64;
	} else {
		lp->d_nsectors = secs > 0 ? secs : 1;
		lp->d_ntracks = 1;
	}
	lp->d_secpercyl = lp->d_nsectors * lp->d_ntracks;
	lp->d_ncylinders = secs / lp->d_secpercyl > 0 ?
	    secs / lp->d_secpercyl : 1;
	lp->d_rpm = 3600;
	lp->d_interleave = 1;
	lp->d_npartitions = NB_RAW_PART + 1;
	lp->d_bbsize = 8192;
	lp->d_sbsize = 8192;
	lp->d_partitions[0].p_size = secs;
	lp->d_partitions[0].p_fstype = NB_FS_BSDFFS;
	lp->d_partitions[NB_RAW_PART].p_size = secs;
	lp->d_partitions[NB_RAW_PART].p_fstype = NB_FS_UNUSED;
	lp->d_checksum = label_cksum(lp);
}

static void
disk_wedge(const struct disk *d, int slot, struct nb_dkwedge_info *dkw)
{
	memset(dkw, 0, sizeof(*dkw));
	snprintf(dkw->dkw_devname, sizeof(dkw->dkw_devname), "rumpblk%d",
	    slot);
	snprintf((char *)dkw->dkw_wname, sizeof(dkw->dkw_wname), "%s",
	    d->dk_path);
	snprintf(dkw->dkw_parent, sizeof(dkw->dkw_parent), "rumpblk%d", slot);
	dkw->dkw_offset = 0;
	dkw->dkw_size = d->dk_size / DEV_BSIZE;
	strcpy(dkw->dkw_ptype, "ffs");
}

static void
disk_partinfo(const struct disk *d, struct nb_partinfo *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->pi_offset = 0;
	pi->pi_size = d->dk_size / DEV_BSIZE;
	pi->pi_secsize = DEV_BSIZE;
	pi->pi_bsize = BLKDEV_IOSIZE;
	pi->pi_fstype = NB_FS_BSDFFS;
}

static int
disk_ioctl(uint64_t dev, unsigned long cmd, void *data, int fflags)
{
	int slot = NETBSD_MINOR(dev), error = 0;
	struct disk *d;

	(void)fflags;
	if ((error = slot_enter(dev, &d)) != 0)
		return error;
	switch (cmd) {
	case DIOCGDINFO:
		disk_label(d, slot, data);
		break;
	case DIOCGWEDGEINFO:
		disk_wedge(d, slot, data);
		break;
	case DIOCGPARTINFO:
		disk_partinfo(d, data);
		break;
	case DIOCGMEDIASIZE:
		*(int64_t *)data = (int64_t)d->dk_size;
		break;
	case DIOCGSECTORSIZE:
		*(uint32_t *)data = DEV_BSIZE;
		break;
	case DIOCCACHESYNC:
		error = etfs_host_fsync(d->dk_fd);
		break;
	default:
		error = ENOTTY;
		break;
	}
	slot_exit(d);
	return error;
}

/* --- the two switches -------------------------------------------------------------- */

static int
cdev_read(uint64_t dev, struct uio *uio, int ioflag)
{
	(void)ioflag;
	return raw_rw(dev, uio);
}

static int
cdev_write(uint64_t dev, struct uio *uio, int ioflag)
{
	int error;

	if ((error = raw_rw(dev, uio)) == 0 && (ioflag & (IO_SYNC | IO_DSYNC)))
		error = disk_sync(dev);
	return error;
}

static int
cdev_poll(uint64_t dev, int events)
{
	(void)dev;
	return events & (RUMP_POLLIN | RUMP_POLLOUT | RUMP_POLLRDNORM |
	    RUMP_POLLWRNORM);
}

static const struct cdevsw disk_cdevsw = {
	.d_open = cdisk_open,
	.d_close = cdisk_close,
	.d_read = cdev_read,
	.d_write = cdev_write,
	.d_ioctl = disk_ioctl,
	.d_poll = cdev_poll,
};

static const struct bdevsw disk_bdevsw = {
	.d_open = bdisk_open,
	.d_close = bdisk_close,
	.d_rw = bdev_rw,
	.d_ioctl = disk_ioctl,
	.d_size = disk_size,
	.d_sync = disk_sync,
};

int
etfs_disk_init(void)
{
	int error;

	mutex_init(&dk_lock);
	cv_init(&dk_cv);
	if ((error = cdevsw_attach(ETFS_DISK_MAJOR, &disk_cdevsw)) != 0)
		return error;
	return bdevsw_attach(ETFS_DISK_MAJOR, &disk_bdevsw);
}
