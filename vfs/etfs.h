/*
 * etfs.h: host files in the kernel's namespace (etfs), and the disk
 * driver behind etfs's block and character devices.
 *
 * Three files share this header:
 *   vfs/etfs.c       the registry of keys (rump_pub_etfs_*), host file
 *                    windows for regular-file keys, host I/O helpers
 *   vfs/etfs_disk.c  the host-disk driver, major 197: 16 slots, a
 *                    bdevsw (the buffer cache's medium) and a cdevsw of
 *                    the same major (raw, unbuffered), the disk ioctls
 *   vfs/rumpfs.c     the nodes a key becomes (rumpfs_etfs_*)
 *
 * Lock order: etfs_lock (the registry; held across a whole register
 * or remove) < vnode locks < dk_lock (the slot table).
 */
#ifndef VFS_ETFS_H
#define VFS_ETFS_H

#include "vfs/vfs.h"

/* --- host I/O, with the virtual CPU given back around each call ----------- */
int	etfs_host_pread(int fd, void *buf, size_t len, uint64_t off,
	    size_t *done);
int	etfs_host_pwrite(int fd, const void *buf, size_t len, uint64_t off,
	    size_t *done);
int	etfs_host_fsync(int fd);
int	etfs_host_getfileinfo(const char *path, uint64_t *size, int *type);
/* Open read-write, or read-only if the host refuses writing. */
int	etfs_host_open(const char *path, int *fdp, bool *writable);
/* The largest transfer moved through one bounce buffer (NetBSD MAXPHYS). */
#define ETFS_MAXPHYS	(64 * 1024)

/* --- host file windows (etfs.c) -------------------------------------------- */
/*
 * The bytes [ef_begin, ef_begin + ef_limit) of a host file, behind a
 * regular file in rumpfs: a REG key, or a file seen through a DIR key.
 * The node keeps the file's size (at most ef_limit); reads stop there,
 * writes may grow it up to ef_limit (EFBIG beyond).  The host file is
 * opened when the window is made (keys) or on first use (files under a
 * DIR key); ef_fd is then fixed.
 */
struct etfs_file {
	char	*ef_path;		/* fixed */
	uint64_t ef_begin;		/* fixed */
	uint64_t ef_limit;		/* fixed: ETFS_UNLIMITED or the size */
	_Atomic int ef_fd;		/* -1 until opened, then fixed */
	_Atomic bool ef_writable;	/* set with ef_fd */
};
#define ETFS_UNLIMITED	((uint64_t)INT64_MAX)
int	etfs_file_new(const char *path, uint64_t begin, uint64_t limit,
	    bool open_now, struct etfs_file **efp);
void	etfs_file_free(struct etfs_file *ef);
/* Read uio from [uio_offset, size); past the host's end reads zeros. */
int	etfs_file_read(struct etfs_file *ef, struct uio *uio, uint64_t size);
/* Write uio; *sizep grows to cover what was written (short at the
 * limit, EFBIG at it). */
int	etfs_file_write(struct etfs_file *ef, struct uio *uio, uint64_t *sizep);
/* Zeros over [from, to) (a file grown by truncate). */
int	etfs_file_zero(struct etfs_file *ef, uint64_t from, uint64_t to);
int	etfs_file_sync(struct etfs_file *ef);

/* --- the host-disk driver (etfs_disk.c) ------------------------------------ */
#define ETFS_DISK_MAJOR	197	/* NetBSD's RUMPBLK_DEVMAJOR */
#define ETFS_DISK_SLOTS	16	/* NetBSD's RUMPBLK_SIZE */
int	etfs_disk_init(void);
/*
 * A slot for host file path: the one already serving path (its
 * window stays), else a free one (EBUSY when all 16 are taken) opened
 * on [begin, begin + size).  Each call takes a reference (one per key).
 */
int	etfs_disk_attach(const char *path, uint64_t begin, uint64_t size,
	    int *slotp, uint64_t *sizep);
/*
 * Drop a key's reference.  Dropping the last one detaches the slot:
 * begin refuses when the device is open (EBUSY) or its dirty buffers
 * cannot be written (the error), and stops new opens; then the caller
 * either aborts (the slot is back) or finishes (buffers forgotten,
 * host file closed, slot free).
 */
int	etfs_disk_detach_begin(int slot, bool *lastp);
/* Drop a reference taken moments ago by a registration that failed. */
void	etfs_disk_drop(int slot);
void	etfs_disk_detach_abort(int slot);
void	etfs_disk_detach_finish(int slot);
uint64_t etfs_disk_dev(int slot);

/* --- NetBSD disk ioctls (sys/sys/dkio.h, disklabel.h, disk.h; amd64) -------- */
#define NB_MAXPARTITIONS	16	/* amd64 */
#define NB_RAW_PART		3	/* amd64: 'd' is the whole disk */
#define NB_DISKMAGIC		0x82564557U
#define NB_DKTYPE_RUMPD		21
#define NB_FS_UNUSED		0
#define NB_FS_BSDFFS		7

struct nb_partition {
	uint32_t p_size;		/* sectors */
	uint32_t p_offset;		/* first sector */
	uint32_t p_fsize;
	uint8_t	p_fstype;
	uint8_t	p_frag;
	uint16_t p_cpg;
};

struct nb_disklabel {
	uint32_t d_magic;
	uint16_t d_type;
	uint16_t d_subtype;
	char	d_typename[16];
	union {				/* 8-byte aligned, as NetBSD's */
		char	d_packname[16];
		uint64_t d_pad_align;
	};
	uint32_t d_secsize;
	uint32_t d_nsectors;
	uint32_t d_ntracks;
	uint32_t d_ncylinders;
	uint32_t d_secpercyl;
	uint32_t d_secperunit;
	uint16_t d_sparespertrack;
	uint16_t d_sparespercyl;
	uint32_t d_acylinders;
	uint16_t d_rpm;
	uint16_t d_interleave;
	uint16_t d_trackskew;
	uint16_t d_cylskew;
	uint32_t d_headswitch;
	uint32_t d_trkseek;
	uint32_t d_flags;
	uint32_t d_drivedata[5];
	uint32_t d_spare[5];
	uint32_t d_magic2;
	uint16_t d_checksum;
	uint16_t d_npartitions;
	uint32_t d_bbsize;
	uint32_t d_sbsize;
	struct nb_partition d_partitions[NB_MAXPARTITIONS];
};

/* DIOCGPARTINFO: kernel callers only (file systems asking their disk). */
struct nb_partinfo {
	uint64_t pi_offset;		/* sectors */
	uint64_t pi_size;		/* sectors */
	uint32_t pi_secsize;
	uint32_t pi_bsize;
	uint8_t	pi_fstype;
	uint8_t	pi_frag;
	uint16_t pi_cpg;
	uint32_t pi_fsize;
};

struct nb_dkwedge_info {
	char	dkw_devname[16];
	uint8_t	dkw_wname[128];
	char	dkw_parent[16];
	int64_t	dkw_offset;		/* sectors into the parent */
	uint64_t dkw_size;		/* sectors */
	char	dkw_ptype[32];		/* "ffs", "unused", ... */
};

#define DIOCGDINFO	_RUMP_IOR('d', 101, struct nb_disklabel)
#define DIOCGPARTINFO	_RUMP_IOW('d', 104, struct nb_partinfo)
#define DIOCCACHESYNC	_RUMP_IOW('d', 118, int)
#define DIOCGWEDGEINFO	_RUMP_IOR('d', 122, struct nb_dkwedge_info)
#define DIOCGMEDIASIZE	_RUMP_IOR('d', 132, int64_t)
#define DIOCGSECTORSIZE	_RUMP_IOR('d', 133, uint32_t)

/* --- what a key becomes in rumpfs (rumpfs.c) ------------------------------- */
struct rfs_node;
struct rumpfs_etfs_spec {
	enum vtype type;		/* VREG, VBLK, VCHR or VDIR */
	uint64_t rdev;			/* VBLK, VCHR */
	uint64_t size;			/* what stat says */
	struct etfs_file *file;		/* VREG: the window; VDIR: the path */
	bool	subdirs;		/* VDIR: host subdirectories too */
	bool	raw;			/* the raw node beside a blk key */
};
/*
 * Make the node for key ("dev/dk": normalised, no leading slash),
 * creating missing directories on the way.  EEXIST if the name exists
 * or the path runs into a DIR key; ENOTDIR if it runs into a file.
 * On success the node owns spec->file.
 */
int	rumpfs_etfs_attach(const char *key, const struct rumpfs_etfs_spec *spec,
	    struct rfs_node **np);
/*
 * Remove key node n (and raw, a node in the same directory, if not
 * NULL), atomically: EBUSY if either is referenced (open, a cwd,
 * mounted on) or has live files under it.  Directories made for the
 * key go too when left empty and unused.
 */
int	rumpfs_etfs_detach(struct rfs_node *n, struct rfs_node *raw);

int	etfs_init(void);

#endif
