/*
 * ffs.h: FFS (UFS1 and UFS2) internals, shared by the files of fs/ffs.
 *
 * Layers (each file's first comment says more):
 *   ffs_vfsops.c  mount: finding and validating the superblock, the
 *                 cylinder group summary, statvfs, unmount, loading
 *                 vnodes, registration
 *   ffs_inode.c   inodes: decoding and validating on-disk dinodes,
 *                 the block map (direct and indirect blocks)
 *   ffs_vnops.c   the vnode operations (read-only for now)
 * Below: the buffer cache (bread/brelse on the block device) and the
 * VFS (vcache_get, vfs_dirent_put).  On-disk format facts come from
 * /work/shared/spec/ffs.md (section numbers below refer to it).
 *
 * Everything read from the disk is validated where it is decoded (the
 * superblock in ffs_vfsops.c, inodes and block addresses in
 * ffs_inode.c, directory entries in ffs_vnops.c); a violation is EIO
 * (EINVAL when no superblock is found at mount), never a crash.
 *
 * The mount is read-only: struct ffs_mount is fixed after mount, and
 * struct ffs_inode is fixed after its vnode is loaded, so neither
 * needs a lock of its own.
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
};

/* Byte order of the image. */
uint16_t ffs_get16(const struct ffs_mount *fm, const void *p);
uint32_t ffs_get32(const struct ffs_mount *fm, const void *p);
uint64_t ffs_get64(const struct ffs_mount *fm, const void *p);

/* Read `size` bytes at fragment `frag` (validated range); brelse it. */
int	ffs_bread(struct ffs_mount *fm, int64_t frag, size_t size,
	    struct buf **bpp);
/* Is [frag, frag + nfrags) a plausible data address? */
bool	ffs_addr_ok(const struct ffs_mount *fm, int64_t frag, int64_t nfrags);

/* ffs_inode.c */
int	ffs_inode_load(struct ffs_mount *fm, uint32_t ino,
	    struct ffs_inode **ipp);
void	ffs_inode_free(struct ffs_inode *ip);
/* Bytes of logical block lbn that hold data (the tail rule). */
size_t	ffs_blksize(const struct ffs_inode *ip, int64_t lbn);
/* Fragment address of logical block lbn; 0 = hole.  EIO if corrupt. */
int	ffs_bmap(struct ffs_inode *ip, int64_t lbn, int64_t *fragp);
/* Copy file bytes [off, off + len) into buf (holes as zeros). */
int	ffs_read_bytes(struct ffs_inode *ip, uint64_t off, void *buf,
	    size_t len);
enum vtype ffs_mode_vtype(uint16_t mode);

extern const struct vnodeops ffs_vnodeops;

#endif
