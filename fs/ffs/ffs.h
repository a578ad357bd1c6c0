/*
 * ffs.h: FFS (UFS1 and UFS2) internals, shared by the files of fs/ffs.
 *
 * Layers (each file's first comment says more):
 *   ffs_vfsops.c  mount: finding and validating the superblock, the
 *                 cylinder group summary, the clean flag, writing the
 *                 superblock back, sync, statvfs, unmount, loading
 *                 vnodes, registration
 *   ffs_alloc.c   cylinder groups: allocating and freeing blocks,
 *                 fragments and inodes with FFS's placement policy
 *                 (spec 14), keeping the cg maps, the summary array
 *                 and the totals in step
 *   ffs_balloc.c  the block map growing and shrinking: ffs_balloc
 *                 (direct, single/double/triple indirect) and
 *                 ffs_truncate
 *   ffs_inode.c   inodes: decoding and validating on-disk dinodes,
 *                 encoding them back, the block map (reading)
 *   ffs_dir.c     directories: finding, entering (with compaction),
 *                 removing and rewriting entries in 512-byte chunks
 *   ffs_dirhash.c the in-memory name index of big directories, so
 *                 lookup and create need not read them whole
 *   ffs_vnops.c   the vnode operations
 *   ffs_sync.c    fsync of one file (its data and all metadata)
 * Below: the buffer cache (bread/getblk/bdwrite/bwrite on the block
 * device) and the VFS (vcache_get, vfs_dirent_put).  On-disk format
 * facts come from /work/shared/spec/ffs.md (section numbers below
 * refer to it).
 *
 * Everything read from the disk is validated where it is decoded (the
 * superblock in ffs_vfsops.c, cylinder groups in ffs_alloc.c, inodes
 * and block addresses in ffs_inode.c, directory entries in ffs_dir.c);
 * a violation is EIO (EINVAL when no superblock is found at mount),
 * never a crash.
 *
 * Locks, in the order they are taken (after the VFS's vnode locks):
 *   vnode lock  an inode's fields (struct ffs_inode) change only under
 *               its vnode's exclusive lock, except the access time
 *   fm_lock     the allocation state of a mount: every cylinder group
 *               block (read-modify-write under it), fm_csp, the
 *               totals fm_ndir..fm_nffree, fm_fmod, fm_clean,
 *               fm_optim, fm_contigdirs and the raw superblock fm_sb
 *   fm_ilock    fi_atime/fi_atimensec of every inode of the mount
 *               (readers set them under a shared vnode lock); a leaf
 * Buffers and fm_lock: under fm_lock only cylinder group blocks, the
 * summary array, the superblock and fresh UFS2 inode blocks are
 * taken, and nobody holds one of those while waiting for fm_lock; so
 * a data or indirect block buffer may be held while taking fm_lock
 * (balloc does).  ffs_blkfree forgets the buffers of what it frees
 * and so waits for them: its caller must not hold one of them.  The
 * geometry fields of struct ffs_mount are fixed after mount;
 * fm_ronly changes only under the mount's mnt_updating (exclusive),
 * when no operation runs.
 *
 * Inodes are written through: every operation that changes one
 * encodes it into its inode block in the buffer cache before it
 * returns (ffs_inode_update), so sync has no list of dirty inodes to
 * walk; it writes the superblock and summary array and flushes the
 * device's buffers.  fsync does the same but leaves other files' data
 * (buffers marked B_FILEDATA) to the syncer (ffs_sync.c); the
 * syncer's hook writes a changed superblock and summary every 10 s
 * (ffs_vfsops.c), so a crash leaves the totals at most ~15 s old.
 */
#ifndef FS_FFS_FFS_H
#define FS_FFS_FFS_H

#include "vfs/vfs.h"

#define FFS_UFS1_MAGIC		0x00011954
#define FFS_UFS2_MAGIC		0x19540119
#define FFS_SBLOCKSIZE		8192
#define FFS_SBSIZE_MIN		1376
#define FFS_MINBSIZE		4096
#define FFS_MAXBSIZE		65536
#define FFS_NDADDR		12
#define FFS_NIADDR		3
#define FFS_ROOTINO		2
#define FFS_DIRBLKSIZ		512
#define FFS_MAXNAMLEN		255
#define FFS_LINK_MAX		32767
#define FFS_FLAGS_UPDATED	0x80
#define FFS_CG_HEADER_MIN	176	/* sizeof(struct cg) */
#define FFS_CG_MAGIC		0x00090255

/* The mount, decoded from the superblock. */
struct ffs_mount {
	struct mount *fm_mp;
	struct vnode *fm_devvp;		/* held */
	uint64_t fm_dev;
	bool	fm_swap;		/* opposite-endian image */
	bool	fm_ufs2;
	int64_t	fm_sblockloc;		/* byte offset of the superblock */
	int32_t	fm_bsize, fm_fsize, fm_frag;
	int32_t	fm_bshift, fm_fshift, fm_fragshift;
	int32_t	fm_ncg, fm_ipg, fm_fpg, fm_inopb, fm_nindir;
	int32_t	fm_sblkno, fm_cblkno, fm_iblkno, fm_dblkno;
	int32_t	fm_cgoffset, fm_cgmask;	/* UFS1 cgstart rotation */
	int32_t	fm_minfree, fm_maxsymlinklen;
	int64_t	fm_size, fm_dsize, fm_csaddr;
	int32_t	fm_cssize, fm_cgsize;
	int64_t	fm_ndir, fm_nbfree, fm_nifree, fm_nffree;
	uint64_t fm_maxfilesize;
	uint64_t fm_devsize;		/* bytes */
	struct ffs_mount *fm_next;	/* ffs_mounts_lock */

	/* read-write state (lock rules above) */
	kmutex_t fm_lock;
	kmutex_t fm_ilock;
	bool	fm_ronly;
	int	fm_openflags;		/* the device's open: FREAD|FWRITE */
	bool	fm_layout2;		/* UFS2 or FS_FLAGS_UPDATED UFS1 */
	bool	fm_fmod;		/* superblock needs writing */
	uint8_t	fm_clean;		/* fs_clean as it is in core */
	int32_t	fm_sbsize, fm_maxbpg, fm_contigsumsize, fm_optim;
	int32_t	fm_avgfilesize, fm_avgfpdir;
	uint32_t fm_sbflags;
	uint8_t	*fm_sb;			/* FFS_SBLOCKSIZE raw bytes */
	struct ffs_csum *fm_csp;	/* [fm_ncg] */
	uint8_t	*fm_contigdirs;		/* [fm_ncg] */
};

/* One cylinder group's counts (spec 3, struct csum). */
struct ffs_csum {
	int32_t	cs_ndir, cs_nbfree, cs_nifree, cs_nffree;
};
#define VFS_TO_FFS(mp)	((struct ffs_mount *)(mp)->mnt_data)

/* An inode, decoded (section 10). */
struct ffs_inode {
	struct ffs_mount *fi_fm;
	uint32_t fi_ino;
	uint16_t fi_mode;
	int16_t	fi_nlink;
	uint32_t fi_uid, fi_gid;
	uint64_t fi_size;
	uint64_t fi_blocks;		/* 512-byte units */
	int64_t	fi_atime, fi_mtime, fi_ctime, fi_birthtime;
	int32_t	fi_atimensec, fi_mtimensec, fi_ctimensec, fi_birthnsec;
	uint32_t fi_flags;
	int32_t	fi_gen;
	int64_t	fi_db[FFS_NDADDR];
	int64_t	fi_ib[FFS_NIADDR];
	uint64_t fi_rdev;
	char	fi_shortlink[120];	/* raw bytes of the pointer area */
	struct ffs_dh *fi_dirhash;	/* ffs_dh_lock (ffs_dirhash.c) */
};

/* Bits of the file mode (spec 10.5). */
#define FFS_IFMT	0170000
#define FFS_IFDIR	0040000
#define FFS_IFLNK	0120000
#define FFS_IFREG	0100000
/* chflags bits that freeze a file */
#define FFS_FL_IMMUTABLE	(RUMP_UF_IMMUTABLE | RUMP_SF_IMMUTABLE)
#define FFS_FL_APPEND		(RUMP_UF_APPEND | RUMP_SF_APPEND)

/* Byte order of the image. */
uint16_t ffs_get16(const struct ffs_mount *fm, const void *p);
uint32_t ffs_get32(const struct ffs_mount *fm, const void *p);
uint64_t ffs_get64(const struct ffs_mount *fm, const void *p);
void	ffs_put16(const struct ffs_mount *fm, void *p, uint16_t v);
void	ffs_put32(const struct ffs_mount *fm, void *p, uint32_t v);
void	ffs_put64(const struct ffs_mount *fm, void *p, uint64_t v);

/* Sector number of fragment frag. */
#define FFS_FSBTODB(fm, frag)	((int64_t)(frag) << ((fm)->fm_fshift - 9))
/* First fragment of cylinder group cg (cgstart, spec 6). */
int64_t	ffs_cgstart(const struct ffs_mount *fm, int64_t cg);
/* Write bp: now if the mount is synchronous or sync is set, else
 * delayed.  Returns the write's error. */
int	ffs_bwrite(struct ffs_mount *fm, struct buf *bp, bool sync);

/* Read `size` bytes at fragment `frag` (validated range); brelse it. */
int	ffs_bread(struct ffs_mount *fm, int64_t frag, size_t size,
	    struct buf **bpp);
/* Is [frag, frag + nfrags) a plausible data address? */
bool	ffs_addr_ok(const struct ffs_mount *fm, int64_t frag, int64_t nfrags);

/* ffs_vfsops.c: write the summary array and the superblock (fm_lock
 * held); sync writes them synchronously. */
int	ffs_sbupdate(struct ffs_mount *fm, bool sync);

/* ffs_inode.c */
int	ffs_inode_load(struct ffs_mount *fm, uint32_t ino,
	    struct ffs_inode **ipp);
void	ffs_inode_free(struct ffs_inode *ip);
/* Encode ip into its inode block (delayed write, or now if sync). */
int	ffs_inode_update(struct ffs_inode *ip, bool sync);
/* Write ip (its fi_ino a free inode) as a new dinode; sets fi_gen. */
int	ffs_inode_create(struct ffs_inode *ip);
/* Free a new inode that never got a vnode (no blocks yet). */
void	ffs_inode_clear(struct ffs_mount *fm, uint32_t ino);
/* The fast-symlink rule of spec 10.8 for an existing inode. */
bool	ffs_fastlink(const struct ffs_inode *ip);
/* Frags of the inode block holding ino. */
int64_t	ffs_ino_to_frag(const struct ffs_mount *fm, uint32_t ino);
/* Set the access time (under fm_ilock) unless the mount says not to. */
void	ffs_mark_access(struct vnode *vp);
/* ctime (and mtime) to now. */
void	ffs_mark_change(struct ffs_inode *ip, bool modified);

/* ffs_alloc.c (each takes fm_lock itself) */
/* Allocate nsize bytes (frags) near pref for ip; *addrp = fragment. */
int	ffs_alloc(struct ffs_inode *ip, int64_t lbn, int64_t pref,
	    size_t nsize, kauth_cred_t cred, int64_t *addrp);
/* Grow ip's fragment at *addrp from osize to nsize bytes, in place or
 * by moving it (the caller copies the data then frees the old run
 * when *addrp changed: *moved says so). */
int	ffs_realloccg(struct ffs_inode *ip, int64_t lbn, int64_t pref,
	    size_t osize, size_t nsize, kauth_cred_t cred, int64_t *addrp,
	    bool *moved);
/* Give back size bytes at fragment addr (and forget their buffers). */
void	ffs_blkfree(struct ffs_mount *fm, int64_t addr, size_t size);
/* Preferred fragment for logical block lbn, entry indx of bap (the
 * pointer array holding it, NULL if none; entries in image order). */
int64_t	ffs_blkpref(struct ffs_inode *ip, int64_t lbn, int indx,
	    const void *bap);
/* A free inode for a new file of type mode in directory pip. */
int	ffs_valloc(struct ffs_inode *pip, uint16_t mode, uint32_t *inop);
void	ffs_vfree(struct ffs_mount *fm, uint32_t ino, uint16_t mode);
/* Read fm_csp from the summary area and check it against the cgs. */
int	ffs_csum_load(struct ffs_mount *fm);

/* ffs_balloc.c */
/* The buffer of logical block lbn, allocated so that its first `need`
 * bytes are backed; new space reads as zeros.  Sets nothing in the
 * size: the caller does.  FFS_BA_FILL: the caller overwrites bytes
 * [0, need) at once (they may hold anything until then). */
#define FFS_BA_FILL	0x1
int	ffs_balloc(struct ffs_inode *ip, int64_t lbn, size_t need, int flags,
	    kauth_cred_t cred, struct buf **bpp);
int	ffs_truncate(struct ffs_inode *ip, uint64_t length,
	    kauth_cred_t cred);
/* After a failed write to block lbn (need bytes of it): give back what
 * the block map holds past the size. */
int	ffs_trim(struct ffs_inode *ip, int64_t lbn, size_t need,
	    kauth_cred_t cred);
/* Write len bytes of buf at off, growing the file as needed. */
int	ffs_write_bytes(struct ffs_inode *ip, uint64_t off, const void *buf,
	    size_t len, kauth_cred_t cred, bool sync);

/* ffs_dir.c */
#define FFS_DIRSIZ(namlen)	(8 + (((size_t)(namlen) + 1 + 3) & ~(size_t)3))
/* Where an entry was found (offsets in bytes of the directory). */
struct ffs_dirslot {
	uint64_t ds_off;	/* the entry */
	int64_t	ds_prev;	/* the entry before it in its chunk, or -1 */
};
int	ffs_dir_find(struct ffs_inode *dp, const char *name, size_t len,
	    uint32_t *inop, struct ffs_dirslot *slot);
int	ffs_dir_enter(struct ffs_inode *dp, const char *name, size_t len,
	    uint32_t ino, int dtype, bool sync, kauth_cred_t cred);
int	ffs_dir_remove(struct ffs_inode *dp, const struct ffs_dirslot *slot);
int	ffs_dir_rewrite(struct ffs_inode *dp, const struct ffs_dirslot *slot,
	    uint32_t ino, int dtype);
/* 0 if dp holds nothing but ".", ".." and free entries; ENOTEMPTY. */
int	ffs_dir_empty(struct ffs_inode *dp);
/* Make ip a new directory with "." and ".." (parent). */
int	ffs_dir_init(struct ffs_inode *ip, uint32_t parent,
	    kauth_cred_t cred);
/* Point ".." of directory ip at parent. */
int	ffs_dir_setparent(struct ffs_inode *ip, uint32_t parent);
int	ffs_dir_read(struct ffs_inode *dp, struct uio *uio, int *eofp);
/* Bytes of logical block lbn that hold data (the tail rule). */
size_t	ffs_blksize(const struct ffs_inode *ip, int64_t lbn);
/* Fragment address of logical block lbn; 0 = hole.  EIO if corrupt. */
int	ffs_bmap(struct ffs_inode *ip, int64_t lbn, int64_t *fragp);
/* Copy file bytes [off, off + len) into buf (holes as zeros). */
int	ffs_read_bytes(struct ffs_inode *ip, uint64_t off, void *buf,
	    size_t len);
enum vtype ffs_mode_vtype(uint16_t mode);

/* ffs_sync.c: fsync: the file's data, all metadata, the medium. */
int	ffs_fsync_file(struct ffs_inode *ip);

/* ffs_dirhash.c: the name index of a big directory (its first comment
 * says how ffs_dir.c keeps it exact). */
#define FFS_DH_MINSIZE	(5 * FFS_DIRBLKSIZ)	/* NetBSD's dirhashminblks */
struct ffs_dhent {		/* an entry of a chunk, as the index sees it */
	uint32_t de_hash;
	uint32_t de_off;
};
struct ffs_dh;
uint32_t ffs_dh_hash(const char *name, size_t len);
struct ffs_dh *ffs_dh_alloc(uint64_t dirsize);
void	ffs_dh_free(struct ffs_dh *dh);
bool	ffs_dh_fill(struct ffs_dh *dh, uint64_t off,
	    const struct ffs_dhent *ents, int n, size_t slack);
void	ffs_dh_install(struct ffs_inode *dp, struct ffs_dh *dh);
void	ffs_dh_drop(struct ffs_inode *dp);
bool	ffs_dh_present(struct ffs_inode *dp);
int	ffs_dh_find(struct ffs_inode *dp, uint32_t hash, uint64_t *offs,
	    int max);
bool	ffs_dh_room(struct ffs_inode *dp, size_t need, uint64_t *offp,
	    uint64_t *endp);
void	ffs_dh_update(struct ffs_inode *dp, uint64_t off,
	    const struct ffs_dhent *old, int nold,
	    const struct ffs_dhent *new, int nnew, size_t slack);
void	ffs_dh_truncate(struct ffs_inode *dp, uint64_t size);
void	ffs_dh_attach(void);
void	ffs_dh_detach(void);
size_t	ffs_dh_inuse(void);

extern const struct vnodeops ffs_vnodeops;

#endif
