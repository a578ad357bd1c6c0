/*
 * ffs_fmt.h: the FFS (UFS1/UFS2) on-disk format for the user-space
 * tools, rump.newfs and rump.fsck_ffs.
 *
 * Layers of tools/ffs: this header (structures, constants, the
 * derived quantities of NetBSD's fs.h as functions), ffs_swap.c (byte
 * order, applied once at the I/O boundary), ffs_dev.c (a host file or
 * a device in a rump kernel reached with librumpclient), ffs_sb.c
 * (finding and validating a superblock, cg map offsets).  newfs.c and
 * mkfs.c make file systems; fsck*.c check them.  The kernel's reader
 * (fs/ffs) is separate on purpose: the tools are an independent
 * reading of the format (/work/shared/spec/ffs.md).
 *
 * Structures here are in host byte order; ffs_swap.c converts what
 * is read from or written to an opposite-endian image.  The tools are
 * single-threaded: no locks.
 */
#ifndef TOOLS_FFS_FMT_H
#define TOOLS_FFS_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SBLOCK_FLOPPY	0
#define SBLOCK_UFS1	8192
#define SBLOCK_UFS2	65536
#define SBLOCK_PIGGY	262144
#define SBLOCKSIZE	8192
#define BBSIZE		8192
#define FS_UFS1_MAGIC	0x00011954
#define FS_UFS2_MAGIC	0x19540119
#define CG_MAGIC	0x00090255
#define MAXFRAG		8
#define MINBSIZE	4096
#define MAXBSIZE	65536
#define FS_MAXCONTIG	16
#define MINCYLGRPS	4
#define NDADDR		12
#define NIADDR		3
#define ROOTINO		2
#define WINO		1
#define DIRBLKSIZ	512
#define MAXNAMLEN	255
#define SIZEOF_FS	1376
#define SIZEOF_CG	176	/* sizeof(struct cg) in NetBSD, for CGSIZE */
#define CG_HDR		168	/* cg_space: where the maps start */
#define DEV_BSIZE	512
#define FS_FLAGS_UPDATED 0x80
#define FS_ISCLEAN	1
#define FS_DYNAMICPOSTBLFMT 1
#define FS_44INODEFMT	2
#define FS_KNOWN_FLAGS	0x302	/* DOSOFTDEP | DOWAPBL | DOQUOTA2 */
#define AVFILESIZ	16384
#define AFPDIR		64

/* di_mode */
#define IFMT	0170000
#define IFIFO	0010000
#define IFCHR	0020000
#define IFDIR	0040000
#define IFBLK	0060000
#define IFREG	0100000
#define IFLNK	0120000
#define IFSOCK	0140000
#define IFWHT	0160000
#define DT_DIR	4
#define DT_WHT	14
#define SF_SNAPSHOT 0x00200000

struct csum {
	int32_t	cs_ndir, cs_nbfree, cs_nifree, cs_nffree;
};

struct csum_total {
	int64_t	cs_ndir, cs_nbfree, cs_nifree, cs_nffree;
	int64_t	cs_spare[4];
};

struct fs {
	int32_t	fs_firstfield, fs_unused_1;
	int32_t	fs_sblkno, fs_cblkno, fs_iblkno, fs_dblkno;
	int32_t	fs_old_cgoffset, fs_old_cgmask, fs_old_time;
	int32_t	fs_old_size, fs_old_dsize, fs_ncg;
	int32_t	fs_bsize, fs_fsize, fs_frag, fs_minfree;
	int32_t	fs_old_rotdelay, fs_old_rps;
	int32_t	fs_bmask, fs_fmask, fs_bshift, fs_fshift;
	int32_t	fs_maxcontig, fs_maxbpg, fs_fragshift, fs_fsbtodb;
	int32_t	fs_sbsize, fs_spare1[2], fs_nindir, fs_inopb;
	int32_t	fs_old_nspf, fs_optim, fs_old_npsect;
	int32_t	fs_old_interleave, fs_old_trackskew, fs_id[2];
	int32_t	fs_old_csaddr, fs_cssize, fs_cgsize, fs_spare2;
	int32_t	fs_old_nsect, fs_old_spc, fs_old_ncyl, fs_old_cpg;
	int32_t	fs_ipg, fs_fpg;
	struct csum fs_old_cstotal;
	int8_t	fs_fmod;
	uint8_t	fs_clean;
	int8_t	fs_ronly;
	uint8_t	fs_old_flags;
	char	fs_fsmnt[468];
	char	fs_volname[32];
	uint64_t fs_swuid;
	int32_t	fs_pad, fs_cgrotor;
	uint8_t	fs_incore[128];		/* in-core pointers: never read */
	int32_t	fs_old_cpc, fs_maxbsize;
	uint8_t	fs_journal_version, fs_journal_location;
	uint8_t	fs_journal_reserved[2];
	uint32_t fs_journal_flags;
	uint64_t fs_journallocs[4];
	uint32_t fs_quota_magic;
	uint8_t	fs_quota_flags, fs_quota_reserved[3];
	uint64_t fs_quotafile[2];
	int64_t	fs_sparecon64[9];
	int64_t	fs_sblockloc;
	struct csum_total fs_cstotal;
	int64_t	fs_time, fs_size, fs_dsize, fs_csaddr;
	int64_t	fs_pendingblocks;
	int32_t	fs_pendinginodes, fs_snapinum[20];
	int32_t	fs_avgfilesize, fs_avgfpdir, fs_save_cgsize;
	int32_t	fs_sparecon32[26];
	uint32_t fs_flags;
	int32_t	fs_contigsumsize, fs_maxsymlinklen, fs_old_inodefmt;
	uint64_t fs_maxfilesize;
	int64_t	fs_qbmask, fs_qfmask;
	int32_t	fs_state, fs_old_postblformat, fs_old_nrpos;
	int32_t	fs_old_postbloff, fs_old_rotbloff, fs_magic;
};
_Static_assert(sizeof(struct fs) == SIZEOF_FS, "struct fs");
_Static_assert(offsetof(struct fs, fs_old_cstotal) == 192, "old_cstotal");
_Static_assert(offsetof(struct fs, fs_fsmnt) == 212, "fsmnt");
_Static_assert(offsetof(struct fs, fs_swuid) == 712, "swuid");
_Static_assert(offsetof(struct fs, fs_old_cpc) == 856, "old_cpc");
_Static_assert(offsetof(struct fs, fs_sblockloc) == 1000, "sblockloc");
_Static_assert(offsetof(struct fs, fs_time) == 1072, "time");
_Static_assert(offsetof(struct fs, fs_snapinum) == 1116, "snapinum");
_Static_assert(offsetof(struct fs, fs_flags) == 1312, "flags");
_Static_assert(offsetof(struct fs, fs_maxfilesize) == 1328, "maxfilesize");
_Static_assert(offsetof(struct fs, fs_magic) == 1372, "magic");

struct cg {
	int32_t	cg_firstfield, cg_magic, cg_old_time, cg_cgx;
	int16_t	cg_old_ncyl, cg_old_niblk;
	int32_t	cg_ndblk;
	struct csum cg_cs;
	int32_t	cg_rotor, cg_frotor, cg_irotor;
	int32_t	cg_frsum[MAXFRAG];
	int32_t	cg_old_btotoff, cg_old_boff, cg_iusedoff, cg_freeoff;
	int32_t	cg_nextfreeoff, cg_clustersumoff, cg_clusteroff;
	int32_t	cg_nclusterblks, cg_niblk, cg_initediblk;
	int32_t	cg_sparecon32[3];
	int64_t	cg_time;
	int64_t	cg_sparecon64[3];
};
_Static_assert(sizeof(struct cg) == CG_HDR, "struct cg");
_Static_assert(offsetof(struct cg, cg_time) == 136, "cg_time");

struct ufs1_dinode {
	uint16_t di_mode;
	int16_t	di_nlink;
	uint16_t di_ouid, di_ogid;
	uint64_t di_size;
	int32_t	di_atime, di_atimensec, di_mtime, di_mtimensec;
	int32_t	di_ctime, di_ctimensec;
	int32_t	di_db[NDADDR], di_ib[NIADDR];
	uint32_t di_flags, di_blocks;
	int32_t	di_gen;
	uint32_t di_uid, di_gid;
	uint64_t di_modrev;
};
_Static_assert(sizeof(struct ufs1_dinode) == 128, "ufs1_dinode");

struct ufs2_dinode {
	uint16_t di_mode;
	int16_t	di_nlink;
	uint32_t di_uid, di_gid, di_blksize;
	uint64_t di_size, di_blocks;
	int64_t	di_atime, di_mtime, di_ctime, di_birthtime;
	int32_t	di_mtimensec, di_atimensec, di_ctimensec, di_birthnsec;
	int32_t	di_gen;
	uint32_t di_kernflags, di_flags;
	int32_t	di_extsize;
	int64_t	di_extb[2], di_db[NDADDR], di_ib[NIADDR];
	uint64_t di_modrev;
	int64_t	di_spare[2];
};
_Static_assert(sizeof(struct ufs2_dinode) == 256, "ufs2_dinode");
_Static_assert(offsetof(struct ufs2_dinode, di_db) == 112, "ufs2 di_db");

/* The head of a directory entry; the name follows. */
struct direct {
	uint32_t d_ino;
	uint16_t d_reclen;
	uint8_t	d_type, d_namlen;
};
#define DIRECT_HDR	8
#define DIRSIZ(namlen)	(DIRECT_HDR + (((namlen) + 1 + 3) & ~3))

/* An inode in a format-neutral, host-order form (what the tools use). */
struct dino {
	uint16_t mode;
	int16_t	nlink;
	uint64_t size, blocks;
	uint32_t flags, uid, gid;
	int64_t	mtime;
	int64_t	db[NDADDR], ib[NIADDR];
};

/* --- derived quantities (spec section 6) ----------------------------------- */

static inline bool
fs_is_ufs2(const struct fs *fs)
{
	return fs->fs_magic == FS_UFS2_MAGIC;
}

static inline int
fs_dinode_size(const struct fs *fs)
{
	return fs_is_ufs2(fs) ? 256 : 128;
}

static inline int64_t
cgbase(const struct fs *fs, int64_t c)
{
	return (int64_t)fs->fs_fpg * c;
}

static inline int64_t
cgstart(const struct fs *fs, int64_t c)
{
	if (fs_is_ufs2(fs))
		return cgbase(fs, c);
	return cgbase(fs, c) + (int64_t)fs->fs_old_cgoffset *
	    (c & ~(int64_t)fs->fs_old_cgmask);
}

static inline int64_t cgsblock(const struct fs *fs, int64_t c)
{ return cgstart(fs, c) + fs->fs_sblkno; }
static inline int64_t cgtod(const struct fs *fs, int64_t c)
{ return cgstart(fs, c) + fs->fs_cblkno; }
static inline int64_t cgimin(const struct fs *fs, int64_t c)
{ return cgstart(fs, c) + fs->fs_iblkno; }
static inline int64_t cgdmin(const struct fs *fs, int64_t c)
{ return cgstart(fs, c) + fs->fs_dblkno; }
/* From fs_fsize, which sb_check validated (fs_qfmask may be wrong). */
static inline int64_t fragroundup(const struct fs *fs, int64_t sz)
{ return (sz + fs->fs_fsize - 1) & ~(int64_t)(fs->fs_fsize - 1); }
/* ceil(a / b) for a >= 0, b > 0, without overflowing near INT64_MAX. */
static inline int64_t howmany64(int64_t a, int64_t b)
{ return a <= 0 ? 0 : (a - 1) / b + 1; }

/* Frags in cg c. */
static inline int64_t
cg_ndblk(const struct fs *fs, int64_t c)
{
	int64_t n = fs->fs_size - cgbase(fs, c);

	return n < fs->fs_fpg ? n : fs->fs_fpg;
}

/* Byte offset of inode ino on the disk. */
static inline uint64_t
ino_offset(const struct fs *fs, uint64_t ino)
{
	uint64_t c = ino / (uint64_t)fs->fs_ipg, i = ino % (uint64_t)fs->fs_ipg;
	uint64_t frag = (uint64_t)cgimin(fs, (int64_t)c) +
	    ((i / (uint64_t)fs->fs_inopb) << fs->fs_fragshift);

	return frag * (uint64_t)fs->fs_fsize +
	    (i % (uint64_t)fs->fs_inopb) * (uint64_t)fs_dinode_size(fs);
}

/* The CGSIZE of a cg with ipg inodes and fpg frags (spec section 6). */
static inline int64_t
cgsize_for(const struct fs *fs, int64_t ipg, int64_t fpg)
{
	int64_t n = SIZEOF_CG + 4 + (int64_t)fs->fs_old_cpg * 4 +
	    (int64_t)fs->fs_old_cpg * 2 + howmany64(ipg, 8) + howmany64(fpg, 8);

	if (fs->fs_contigsumsize > 0)
		n += (int64_t)fs->fs_contigsumsize * 4 +
		    howmany64(fpg >> fs->fs_fragshift, 8);
	return n;
}

static inline bool bit_isset(const uint8_t *m, int64_t i)
{ return (m[i >> 3] >> (i & 7)) & 1; }
static inline void bit_set(uint8_t *m, int64_t i)
{ m[i >> 3] |= (uint8_t)(1 << (i & 7)); }
static inline void bit_clr(uint8_t *m, int64_t i)
{ m[i >> 3] &= (uint8_t)~(1 << (i & 7)); }

/* --- ffs_swap.c ---------------------------------------------------------------- */
void	swap_sb(struct fs *fs);
/* cg block of fs_cgsize bytes; maps offsets read after (to_host) or
 * before (!to_host) swapping the header. */
void	swap_cg(const struct fs *fs, void *cgblk, bool to_host);
void	swap_dinode(const struct fs *fs, void *di);
void	swap_csums(struct csum *cs, size_t n);
void	swap_ptrs(const struct fs *fs, void *blk, size_t n);
void	swap_dirents(void *buf, size_t len);

/* --- ffs_sb.c -------------------------------------------------------------------- */
struct ffs_dev;
/* Search for the superblock (spec 2.1): NULL or a message.  If only
 * fsck_ffs's looser rule finds one, its fs_sblockloc differs from
 * *where, the place it was found. */
const char *sb_find(struct ffs_dev *d, struct fs *fs, bool *swapped,
	    int64_t *where);
/* Check a superblock's geometry (spec 2.3 plus the extra rules);
 * NULL if sane, otherwise what is wrong.  sb_check_summary: the
 * summary array's place and size (a file system with a bad one can
 * still be checked, so it is separate). */
const char *sb_check(const struct fs *fs);
const char *sb_check_summary(const struct fs *fs);
/* Fill in the map offsets and counts of cg c's header (spec 8.1). */
void	cg_layout(const struct fs *fs, int64_t c, struct cg *cg);
/* Load inode ino from a raw inode in fs order into host form. */
void	dino_load(const struct fs *fs, const void *raw, bool swapped,
	    struct dino *di);

#endif
