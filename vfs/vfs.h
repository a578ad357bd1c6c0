/*
 * vfs.h: the virtual file system: vnodes, mounts, name lookup, and
 * the interface a file system implements.
 *
 * Files of the VFS faction (librumpvfs):
 *   vfs/vnode.c    vnode life cycle, the vnode cache, vrele/vput
 *   vfs/namei.c    path name lookup
 *   vfs/mount.c    mounts, unmount, sync, the mount list, statvfs
 *   vfs/cwd.c      per-process cwd/root/umask; getcwd
 *   vfs/access.c   permission checks and attribute-change policy
 *   vfs/vnops.c    open files on vnodes (read, write, seek, stat...)
 *   vfs/lockf.c    advisory locks (fcntl and flock)
 *   vfs/dev.c      character devices: null, zero; the device switch
 *   vfs/bdev.c     block devices: their switch, and file I/O on block
 *                  device nodes through the buffer cache
 *   vfs/bio.c      the buffer cache and its syncer thread
 *   vfs/fifo.c     named pipes
 *   vfs/rumpfs.c   the root file system
 *   vfs/vfs_syscalls.c  the vfs faction's system calls
 *   vfs/vfs_init.c component registration, boot, halt hooks
 *
 * The division of work between the VFS and a file system: the VFS
 * resolves names, takes vnode locks, checks permissions (access.c),
 * read-only mounts (EROFS), and rename's POSIX rules; the file system
 * stores data and directory entries and keeps its timestamps.
 *
 * Vnode states (v_state, guarded by v_interlock):
 *   LOADING -> ACTIVE            vcache_get created it, fs is loading
 *   ACTIVE  -> RECLAIMING -> freed    last ref gone and fs said recycle,
 *                                     or evicted from the free list
 *   ACTIVE  -> DEAD              forcibly unmounted while referenced:
 *                                v_op becomes dead_vnodeops; freed on
 *                                its last vrele.
 * v_usecount counts references (vref/vrele).  A vnode with usecount 0
 * in state ACTIVE sits on the free list (LRU) and may be revived by
 * vcache_get.
 *
 * Lock order (take left before right):
 *   mnt_renamelock < vnode locks (v_lock: parent directory before
 *   child; two unrelated vnodes in address order) < lockf_lock <
 *   fs-internal locks < mountlist_lock < vcache_lock < v_interlock <
 *   kern locks (kern/kern.h).  The block layer's bdev_lock and bc_lock
 *   (bdev.c, bio.c) are leaves: nothing is taken, allocated or called
 *   below them while they are held (kmem's reclaim hook takes bc_lock
 *   from inside any allocation), and never a driver call.
 * Vnode locks are rwlocks: shared for lookup/read/getattr/readdir,
 * exclusive for anything that changes the vnode.  The VFS takes them;
 * vnode operations run with them held as each op below says.
 */
#ifndef VFS_VFS_H
#define VFS_VFS_H

#include "kern/kern.h"

enum vtype { VNON, VREG, VDIR, VBLK, VCHR, VLNK, VSOCK, VFIFO, VBAD };
enum vstate { VS_LOADING, VS_ACTIVE, VS_RECLAIMING, VS_DEAD };

#define VNOVAL		(-1)

/* Attributes; a field is "unset" when it equals VNOVAL (cast). */
struct vattr {
	enum vtype va_type;
	mode_t	va_mode;		/* permission bits, 07777 */
	uint32_t va_nlink;
	uid_t	va_uid;
	gid_t	va_gid;
	uint64_t va_fsid;
	uint64_t va_fileid;
	int64_t	va_size;
	int64_t	va_blocksize;
	struct rump_timespec va_atime;
	struct rump_timespec va_mtime;
	struct rump_timespec va_ctime;
	struct rump_timespec va_birthtime;
	uint64_t va_gen;
	uint64_t va_flags;		/* chflags: RUMP_UF_* | RUMP_SF_* */
	uint64_t va_rdev;		/* NetBSD dev_t */
	int64_t	va_bytes;		/* storage used */
	int	va_vaflags;		/* VA_* below */
};
#define VA_UTIMES_NULL	0x01	/* utimes(NULL): "now" */
void	vattr_null(struct vattr *va);

struct vnode {
	kmutex_t v_interlock;
	krwlock_t v_lock;		/* the vnode lock */
	int	v_usecount;		/* v_interlock */
	enum vstate v_state;		/* v_interlock */
	kcondvar_t v_cv;		/* v_interlock: state changes */
	enum vtype v_type;		/* fixed once ACTIVE */
	int	v_vflag;		/* VV_*, fixed once ACTIVE */
	struct mount *v_mount;		/* fixed */
	const struct vnodeops *v_op;	/* v_lock (changes when DEAD) */
	void	*v_data;		/* fs-private, v_lock */
	uint64_t v_rdev;		/* VCHR/VBLK: NetBSD dev_t */
	struct mount *v_mountedhere;	/* mountlist_lock */
	int	v_writecount;		/* v_interlock: opens for writing */
	void	*v_lockf;		/* lockf_lock: advisory locks */
	void	*v_fifo;		/* VFIFO: the pipe, v_interlock */
	/* vcache, all under vcache_lock: */
	uint64_t v_key;
	struct vnode *v_hashnext;
	struct vnode *v_lrunext, *v_lruprev;	/* free list when unused */
	struct vnode *v_mntnext, *v_mntprev;	/* all vnodes of v_mount */
};
#define VV_ROOT		0x01	/* root of its mount */

struct componentname {
	const char *cn_nameptr;		/* not NUL-terminated */
	size_t	cn_namelen;
	kauth_cred_t cn_cred;
};

/* ioflag bits for vop_read/vop_write */
#define IO_APPEND	0x01
#define IO_SYNC		0x02
#define IO_DSYNC	0x04

/*
 * Vnode operations.  "locked" below means the VFS holds v_lock of that
 * vnode (S = shared is enough, X = exclusive) for the whole call.
 * Returned vnodes carry a new reference and are unlocked.
 */
struct vnodeops {
	/* dvp S. "." returns dvp, ".." the parent (within the mount).
	 * ENOENT when absent. */
	int	(*vop_lookup)(struct vnode *dvp, struct vnode **vpp,
		    const struct componentname *cn);
	/* dvp X.  Regular files, devices, fifos, sockets (va_type). */
	int	(*vop_create)(struct vnode *dvp, struct vnode **vpp,
		    const struct componentname *cn, struct vattr *va);
	int	(*vop_mkdir)(struct vnode *dvp, struct vnode **vpp,
		    const struct componentname *cn, struct vattr *va);
	int	(*vop_symlink)(struct vnode *dvp, struct vnode **vpp,
		    const struct componentname *cn, struct vattr *va,
		    const char *target);
	/* dvp X, vp X (vp is the entry's vnode, not a directory). */
	int	(*vop_remove)(struct vnode *dvp, struct vnode *vp,
		    const struct componentname *cn);
	/* dvp X, vp X; ENOTEMPTY if vp has entries. */
	int	(*vop_rmdir)(struct vnode *dvp, struct vnode *vp,
		    const struct componentname *cn);
	/* dvp X, vp X; vp not a directory, same mount. */
	int	(*vop_link)(struct vnode *dvp, struct vnode *vp,
		    const struct componentname *cn);
	/*
	 * All four locked X (tvp may be NULL; fdvp may equal tdvp, then
	 * locked once).  The VFS has checked: same mount, fvp != tvp,
	 * type compatibility (dir over dir, non-dir over non-dir), not
	 * moving a directory into itself, and holds mnt_renamelock.
	 * The fs replaces tvp's entry (ENOTEMPTY for a non-empty
	 * directory), updates ".." of a moved directory, link counts and
	 * times.
	 */
	int	(*vop_rename)(struct vnode *fdvp, struct vnode *fvp,
		    const struct componentname *fcn, struct vnode *tdvp,
		    struct vnode *tvp, const struct componentname *tcn);
	int	(*vop_getattr)(struct vnode *vp, struct vattr *va);	/* S */
	/* X.  Apply the fields that are not VNOVAL; the VFS checked
	 * permission.  va_size truncates or extends (regular files). */
	int	(*vop_setattr)(struct vnode *vp, const struct vattr *va);
	int	(*vop_read)(struct vnode *vp, struct uio *uio, int ioflag);	/* S */
	int	(*vop_write)(struct vnode *vp, struct uio *uio, int ioflag);	/* X */
	/*
	 * S.  Fill uio with struct rump_dirent records starting at the
	 * directory cookie uio_offset; leave uio_offset at the cookie of
	 * the next entry.  Cookies stay valid across concurrent
	 * insertions and deletions.  *eofp set at the end.  EINVAL if the
	 * buffer cannot hold one record.
	 */
	int	(*vop_readdir)(struct vnode *vp, struct uio *uio, int *eofp);
	int	(*vop_readlink)(struct vnode *vp, struct uio *uio);	/* S */
	int	(*vop_fsync)(struct vnode *vp, int flags);		/* X */
	/* Last reference dropped (vp X): *recycle = true to reclaim
	 * now (e.g. no links left). */
	int	(*vop_inactive)(struct vnode *vp, bool *recycle);
	/* vp X, unreferenced or being forced out: drop v_data. */
	int	(*vop_reclaim)(struct vnode *vp);
	int	(*vop_pathconf)(struct vnode *vp, int name, register_t *retval);
};

/* statvfs flags the VFS copies into f_flag. */
#define MNT_VISFLAGMASK	0xfd7fffff

struct mount {
	const struct vfsops *mnt_op;	/* fixed */
	struct vnode *mnt_vnodecovered;	/* fixed; held (NULL for /) */
	int	mnt_flag;		/* mnt_updating: MNT_* */
	void	*mnt_data;		/* fs-private */
	uint64_t mnt_fsid;		/* fixed */
	char	mnt_onname[1024];	/* fixed */
	char	mnt_fromname[1024];	/* fixed */
	kmutex_t mnt_renamelock;	/* serialises directory moves */
	krwlock_t mnt_updating;		/* S: an op runs; X: unmount/update */
	int	mnt_refcnt;		/* mountlist_lock */
	bool	mnt_gone;		/* mountlist_lock: being unmounted */
	struct vnode *mnt_vnodes;	/* vcache_lock */
	struct mount *mnt_next;		/* mountlist_lock */
	_Atomic uint64_t mnt_syncreads, mnt_syncwrites;
};

struct vfsops {
	const char *vfs_name;
	/* Mount (or, with MNT_UPDATE, update) mp; data is a kernel copy
	 * of the caller's argument struct (NULL if none).  For
	 * MNT_GETARGS, fill data (up to *data_len) and set *data_len. */
	int	(*vfs_mount)(struct mount *mp, void *data, size_t *data_len);
	int	(*vfs_unmount)(struct mount *mp, int mntflags);
	int	(*vfs_root)(struct mount *mp, struct vnode **vpp);
	/* Fill the counts (blocks, files, sizes); VFS fills the rest. */
	int	(*vfs_statvfs)(struct mount *mp, struct rump_statvfs *sbp);
	int	(*vfs_sync)(struct mount *mp, int waitfor);
	/* Attach the file system object named by key to the new vnode:
	 * set v_type, v_op, v_data, v_vflag, v_rdev. */
	int	(*vfs_loadvnode)(struct mount *mp, struct vnode *vp,
		    uint64_t key);
	/* mount(2) with data but data_len 0 copies in this many bytes
	 * (NetBSD's vfs_min_mount_data); 0: such a call is EINVAL. */
	size_t	vfs_min_mount_data;
	struct vfsops *vfs_next;	/* vfs_list_lock */
	int	vfs_refcount;		/* mountlist_lock: mounts made or
					   being made (unregister: EBUSY) */
};

/* --- file system registration (mount.c) ------------------------------- */
int	vfs_register(struct vfsops *vfs);
/* EBUSY while mounted, ENOENT if not registered (a module's FINI). */
int	vfs_unregister(struct vfsops *vfs);
/* Looks for a kernel module of that name (autoload) when not known. */
struct vfsops *vfs_getopsbyname(const char *name);
/* The same, copied: a module's type may go away once the lock is
 * dropped, its copy not (ENODEV: no such type). */
int	vfs_getopscopy(const char *name, struct vfsops *copy);

/* --- vnodes (vnode.c) --------------------------------------------------- */
/* Find or load the vnode for (mp, key); returns it referenced. */
int	vcache_get(struct mount *mp, uint64_t key, struct vnode **vpp);
void	vref(struct vnode *vp);
void	vrele(struct vnode *vp);
void	vput(struct vnode *vp);		/* unlock and vrele */
void	vn_lock(struct vnode *vp, krw_t op);
void	vn_unlock(struct vnode *vp);
/* Lock two vnodes in the documented order (either may be equal). */
void	vn_lock2(struct vnode *a, struct vnode *b);
/* Reclaim every vnode of mp; EBUSY if any but `skip` is in use and
 * !force.  Forced: referenced vnodes become DEAD. */
int	vflush(struct mount *mp, struct vnode *skip, bool force);
/* Give memory back: evict up to n unused vnodes. */
size_t	vcache_reclaim(size_t n);
int	vn_usecount(struct vnode *vp);
bool	vfs_anywriters(struct mount *mp);
extern struct mount dead_mount;
void	vcache_init(void);
extern const struct vnodeops dead_vnodeops;

/* --- name lookup (namei.c) ----------------------------------------------- */
#define MAXSYMLINKS	32

/* namei flags */
#define NI_FOLLOW	0x01	/* follow a final symlink */
#define NI_NOCROSSMOUNT	0x02	/* don't descend into the final mount */

/* Resolve kpath (kernel string) relative to dirfd (AT_FDCWD or fd). */
int	namei(int dirfd, const char *kpath, int flags, struct vnode **vpp);

/*
 * For calls that create, remove or rename: resolve all but the last
 * component.  Returns the parent referenced and unlocked, the last
 * component in *cn (pointing into kpath), and whether the path ended
 * in slashes.  The final component "." or ".." yields EINVAL for
 * callers that pass NI_NODOTS... they check cn themselves.
 */
struct nameparent {
	struct vnode *np_dvp;
	struct componentname np_cn;
	bool	np_trailslash;
	bool	np_isroot;	/* path named "/" itself: no last component */
};
int	namei_parent(int dirfd, const char *kpath, struct nameparent *np);
/* VOP_LOOKUP of np's last component with dvp locked by the caller. */
int	namei_lookuplast(struct nameparent *np, struct vnode **vpp);
/* After a lookup, step into a mounted file system if vp is covered. */
int	vfs_crossmount(struct vnode **vpp);
/* If a file system is mounted on vp, its root (referenced); else ENOENT. */
int	vfs_mountroot_of(struct vnode *vp, struct vnode **rootp);

/* --- per-process cwd state (cwd.c) --------------------------------------- */
struct cwdinfo {
	krwlock_t cwdi_lock;
	struct vnode *cwdi_cdir;	/* cwdi_lock; held */
	struct vnode *cwdi_rdir;	/* cwdi_lock; held; NULL = rootvnode */
	mode_t	cwdi_cmask;		/* cwdi_lock */
};
/* The current process's start vnodes for lookup (held). */
void	cwd_getstart(struct vnode **cdirp, struct vnode **rdirp);
int	vfs_getcwd(struct vnode *vp, char *buf, size_t len, size_t *outlen);
void	cwd_init(void);

extern struct vnode *rootvnode;		/* "/" (rumpfs root), fixed */
extern struct mount *rootmount;

/* --- permissions (access.c) ---------------------------------------------- */
#define VREAD	0x04
#define VWRITE	0x02
#define VEXEC	0x01
#define VADMIN	0x10		/* owner-or-root operations */
/* vp locked (S).  EACCES/EPERM/EROFS as POSIX and NetBSD say. */
int	vn_access(struct vnode *vp, int mode, kauth_cred_t cred);
/* Check, then apply a setattr on a locked (X) vnode. */
int	vn_setattr_checked(struct vnode *vp, struct vattr *va,
	    kauth_cred_t cred);
/* Sticky-directory rule for remove/rename: may cred delete vp in dvp? */
int	vn_may_delete(struct vnode *dvp, struct vnode *vp, kauth_cred_t cred);

/* --- open files on vnodes (vnops.c) ---------------------------------------- */
extern const struct fileops vnops;
/* Open a vnode (referenced, unlocked) for fflags (FFLAGS(oflags)):
 * the device's d_open or the fifo's open (which may sleep), the write
 * count, O_SHLOCK/O_EXLOCK.  The file keeps FREAD|FWRITE|FCNTLFLAGS.
 * On success the file owns the reference; on failure the caller
 * still does. */
int	vn_open_file(struct vnode *vp, int fflags, struct file **fpp);
/* vp referenced and unlocked (takes the lock shared itself). */
int	vn_stat(struct vnode *vp, struct rump_stat *st);
/* Current time for timestamps. */
void	vfs_timestamp(struct rump_timespec *ts);

/* --- advisory locks (lockf.c) -------------------------------------------- */
/* op: F_GETLK/F_SETLK/F_SETLKW, or F_FLOCK|LOCK_* (id = file).
 * id identifies the owner: the proc for POSIX locks, the file for
 * flock locks.  size is the file size for SEEK_END; l_whence SEEK_CUR
 * means the caller already added the offset.  No vnode lock held:
 * F_SETLKW and blocking flock sleep (EINTR if cancelled, EDEADLK).
 * Conflicts without waiting: EAGAIN. */
int	lf_advlock(struct vnode *vp, void *id, int op, struct rump_flock *fl,
	    off_t size);
/* Drop every lock `id` holds on vp (close, exit). */
void	lf_releaseall(struct vnode *vp, void *id);
/* Free vp's lock state (reclaim). */
void	lf_vnode_gone(struct vnode *vp);

/* --- devices (dev.c) ------------------------------------------------------- */
struct cdevsw {
	int	(*d_open)(uint64_t dev, int fflags);
	int	(*d_close)(uint64_t dev, int fflags);
	int	(*d_read)(uint64_t dev, struct uio *uio, int ioflag);
	int	(*d_write)(uint64_t dev, struct uio *uio, int ioflag);
	int	(*d_ioctl)(uint64_t dev, unsigned long cmd, void *data,
		    int fflags);
	int	(*d_poll)(uint64_t dev, int events);
};
int	cdevsw_attach(int major, const struct cdevsw *sw);
const struct cdevsw *cdevsw_lookup(uint64_t dev);
#define NETBSD_MAKEDEV(maj, min) \
	((((uint64_t)(maj) << 8) & 0x000fff00) | \
	 (((uint64_t)(min) << 12) & 0xfff00000) | ((uint64_t)(min) & 0xff))
#define NETBSD_MAJOR(d)	((int)(((d) & 0x000fff00) >> 8))
#define NETBSD_MINOR(d)	((int)((((d) & 0xfff00000) >> 12) | ((d) & 0xff)))
void	dev_init(void);

/* --- block devices (bdev.c) and the buffer cache (bio.c) ------------------ */
/*
 * A block device driver moves whole sectors between memory and its
 * medium, synchronously.  The etfs host-disk driver (etfs.c, major 197)
 * is one; it also attaches a character device (cdevsw) of the same
 * major for the raw /dev/rX beside each /dev/X.
 */
#define DEV_BSIZE	512
struct bdevsw {
	int	(*d_open)(uint64_t dev, int fflags);
	int	(*d_close)(uint64_t dev, int fflags);
	/* len bytes at byte offset off; *done = bytes moved.  A read past
	 * the end is short; a write past the end is EINVAL... (driver) */
	int	(*d_rw)(uint64_t dev, enum uio_rw rw, void *buf, size_t len,
		    int64_t off, size_t *done);
	int	(*d_ioctl)(uint64_t dev, unsigned long cmd, void *data,
		    int fflags);
	/* Size in bytes and sector size. */
	int	(*d_size)(uint64_t dev, uint64_t *bytes, uint32_t *secsize);
	/* Make completed writes stable (host fdatasync). */
	int	(*d_sync)(uint64_t dev);
};
int	bdevsw_attach(int major, const struct bdevsw *sw);
const struct bdevsw *bdevsw_lookup(uint64_t dev);

/*
 * Buffers (bio.c): the cache in front of block devices.  A buffer
 * names (dev, blkno in DEV_BSIZE units) and holds b_bcount bytes.
 * bread/getblk return it busy (owned by the caller) until brelse,
 * bwrite (synchronous write, then released), bdwrite (delayed: marked
 * dirty and released; the syncer writes it) or bawrite.  A write that
 * fails leaves the buffer dirty and the error is reported again by
 * bflush: no dirty data is ever dropped silently.  bread fails (EIO)
 * when the device ends inside the block; it returns no buffer then.
 * Lock rules and memory: the first comment of bio.c.
 */
struct buf {
	uint64_t b_dev;
	int64_t	b_blkno;
	size_t	b_bcount;
	char	*b_data;
	int	b_flags;	/* B_* below */
	int	b_error;
	void	*b_private;	/* the cache's bookkeeping */
};
#define B_BUSY		0x01
#define B_DONE		0x02	/* contents valid */
#define B_DELWRI	0x04	/* dirty, not yet written */
#define B_ERROR		0x08
#define B_INVAL		0x10	/* drop on release */
#define B_FILEDATA	0x20	/* a regular file's data (set by its fs) */
int	bread(uint64_t dev, int64_t blkno, size_t size, struct buf **bpp);
int	getblk(uint64_t dev, int64_t blkno, size_t size, struct buf **bpp);
int	bwrite(struct buf *bp);
void	bdwrite(struct buf *bp);
/* Write now without reporting: an error leaves it dirty for bflush. */
void	bawrite(struct buf *bp);
/*
 * For block device files (bdev.c): the buffer of a block about to
 * receive the sector-aligned bytes [on, on + n), without reading the
 * rest of the block when it is not cached; after copying them in, the
 * caller says so with bmark_written and releases it with bdwrite or
 * bwrite.  Such a buffer lacks B_DONE until all of it is written; the
 * cache writes out just the sectors it holds, and reads the rest in
 * before any other use.
 */
int	bget_overwrite(uint64_t dev, int64_t blkno, size_t size, size_t on,
	    size_t n, struct buf **bpp);
void	bmark_written(struct buf *bp, size_t on, size_t n);
void	brelse(struct buf *bp);
/* Write every dirty buffer of dev (all devices: NODEV), then d_sync;
 * the first error, if any. */
int	bflush(uint64_t dev);
/* bflush of the dirty buffers want(arg, b_blkno, b_flags) accepts
 * (called under the cache's lock: it must not sleep or lock). */
typedef bool (*bflush_want_t)(void *arg, int64_t blkno, int flags);
int	bflush_some(uint64_t dev, bflush_want_t want, void *arg);
/* fn runs in the syncer every two sync delays (10 s); ENOSPC if full.
 * remove returns once the syncer is not running it. */
int	bio_hook_add(void (*fn)(void));
void	bio_hook_remove(void (*fn)(void));
/* Forget the buffers of dev (after bflush, at last close). */
void	binval(uint64_t dev);
/* Forget dev's buffers starting in [blkno, blkno + n), dirty or
 * not (a file system freed those sectors). */
void	binvalrange(uint64_t dev, int64_t blkno, int64_t n);
#define NODEV	((uint64_t)-1)
void	bio_init(void);
/* Halt: stop the syncer; with flush, write everything first and say
 * what could not be written. */
void	bio_shutdown(bool flush);
/* Delayed writes older than ns go out (the syncer; <= 0: default). */
void	bio_setsyncdelay(int64_t ns);
struct bio_stats {
	uint64_t bs_cap;		/* most bytes of data the cache keeps */
	uint64_t bs_bytes;		/* bytes of data in buffers now */
	uint64_t bs_nbuf;		/* buffers now */
	uint64_t bs_dirty;		/* bytes waiting to be written */
	uint64_t bs_hits, bs_misses;	/* breads */
	uint64_t bs_rablocks;		/* blocks read ahead */
	uint64_t bs_reads, bs_writes;	/* driver transfers */
};
void	bio_getstats(struct bio_stats *st);

/*
 * Block device nodes (bdev.c): what open, read, write, ioctl, fsync
 * and close of a VBLK vnode do (vnops.c routes them here).  d_open on
 * every open; the last close flushes, forgets the device's clean
 * buffers and calls d_close.
 */
void	bdev_init(void);
int	bdev_open(uint64_t dev, int fflags);
int	bdev_close(uint64_t dev, int fflags);
int	bdev_read(uint64_t dev, struct uio *uio, int ioflag);
int	bdev_write(uint64_t dev, struct uio *uio, int ioflag);
int	bdev_ioctl(uint64_t dev, unsigned long cmd, void *data, int fflags);
int	bdev_fsync(uint64_t dev);
bool	bdev_isopen(uint64_t dev);

/* --- fifos (fifo.c) -------------------------------------------------------- */
int	fifo_open(struct vnode *vp, int fflags);
void	fifo_close(struct vnode *vp, int fflags);
int	fifo_read(struct vnode *vp, struct uio *uio, int fflags);
int	fifo_write(struct vnode *vp, struct uio *uio, int fflags);
int	fifo_poll(struct vnode *vp, int events);
/* FIONREAD, FIONWRITE, FIONSPACE; ENOTTY for anything else. */
int	fifo_ioctl(struct vnode *vp, unsigned long cmd, void *data, int fflags);

/* --- mounts (mount.c) ------------------------------------------------------ */
int	vfs_domount(struct vnode *covered, const char *fstype, int flags,
	    void *data, size_t *data_len, const char *path);
int	vfs_dounmount(struct mount *mp, int flags);
/* vop_getattr on a vnode the caller has locked. */
int	vn_getattr_locked(struct vnode *vp, struct vattr *va);
/* Sync every mount (sync(2), halt). */
void	vfs_syncall(int waitfor);
/* Unmount everything, newest first (halt). */
void	vfs_unmountall(void);
int	vfs_statvfs(struct mount *mp, struct rump_statvfs *sbp, int flags);
/* Iterate: returns mounts held; vfs_mount_rele when done. */
struct mount *vfs_mount_next(struct mount *prev);
void	vfs_mount_rele(struct mount *mp);
/* Enter an operation on mp (prevents unmount); EBUSY/ENOENT if gone. */
int	vfs_busy(struct mount *mp);
void	vfs_unbusy(struct mount *mp);
void	mount_init(void);
/* Mount the root file system at boot; returns its root vnode. */
int	vfs_mountroot(struct vfsops *ops, struct vnode **rootp);

/* The vfs faction's system call table (vfs_syscalls.c). */
int	vfs_syscalls_init(void);

/* --- the root file system (rumpfs.c) ------------------------------------- */
int	rumpfs_mountroot(void);

/*
 * Shared helper for file systems: store one struct rump_dirent record
 * into uio.  Returns 0, an error from the copy, or VFS_DIRENT_FULL
 * when the record does not fit in what is left of the buffer: the
 * caller stops there, leaves uio_offset at this entry's cookie, and
 * returns 0 if it stored anything (EINVAL if not even one fit).
 */
#define VFS_DIRENT_FULL	(-10)
int	vfs_dirent_put(struct uio *uio, uint64_t fileno, const char *name,
	    size_t namlen, int dtype);
/* NetBSD DT_* from a vtype. */
int	vtype_to_dt(enum vtype t);
/* S_IF* bits of a vtype. */
uint32_t vtype_to_ifmt(enum vtype t);

#endif
