/*
 * mkfs.c: computing a new file system's geometry and writing it
 * (see mkfs.h).  The choices follow NetBSD's newfs (spec 18.1): size
 * classes for the default block and fragment sizes, one inode per
 * 4 fragments of data, at least four cylinder groups where possible,
 * cg maps that fit in one block, UFS2 inode tables initialised lazily.
 *
 * Everything is built in host order in memory and converted to the
 * image's byte order at the moment it is written (put_*).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/ffs/mkfs.h"

#define ERR(...) do {							\
	snprintf(err, errlen, __VA_ARGS__);				\
	return -1;							\
} while (0)

static bool
pow2(int64_t v)
{
	return v > 0 && (v & (v - 1)) == 0;
}

static int
log2i(int64_t v)
{
	int n = 0;

	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

static int64_t
roundup64(int64_t a, int64_t b)
{
	return howmany64(a, b) * b;
}

/* Default sizes by size class (newfs.c): fsize 512..4096, bsize 8x. */
static void
pick_sizes(const struct mkfs_params *p, int *bsize, int *fsize)
{
	uint64_t sectors = p->bytes / DEV_BSIZE;

	*bsize = p->bsize;
	*fsize = p->fsize;
	if (*fsize == 0) {
		*fsize = *bsize / 8;
		if (*fsize <= 0)
			*fsize = sectors < 20 * 1024 * 2 ? 512 :
			    sectors < 1000 * 1024 * 2 ? 1024 :
			    sectors < 128ULL * 1024 * 1024 * 2 ? 2048 : 4096;
		if (*fsize < DEV_BSIZE)
			*fsize = DEV_BSIZE;
	}
	if (*bsize == 0)
		*bsize = 8 * *fsize;
}

static int
set_sizes(struct fs *fs, int bsize, int fsize, char *err, size_t errlen)
{
	if (!pow2(fsize) || fsize < DEV_BSIZE)
		ERR("fragment size %d: must be a power of 2, at least %d",
		    fsize, DEV_BSIZE);
	if (!pow2(bsize) || bsize < MINBSIZE || bsize > MAXBSIZE)
		ERR("block size %d: must be a power of 2 from %d to %d", bsize,
		    MINBSIZE, MAXBSIZE);
	if (fsize > bsize)
		ERR("block size (%d) cannot be smaller than fragment size (%d)",
		    bsize, fsize);
	if (bsize / fsize > MAXFRAG)
		ERR("fragment size %d is too small, minimum with block size "
		    "%d is %d", fsize, bsize, bsize / MAXFRAG);
	fs->fs_bsize = bsize;
	fs->fs_fsize = fsize;
	fs->fs_maxbsize = bsize;
	fs->fs_maxcontig = MAXBSIZE / bsize > 1 ? MAXBSIZE / bsize : 1;
	if (fs->fs_maxcontig > 1)
		fs->fs_contigsumsize = fs->fs_maxcontig < FS_MAXCONTIG ?
		    fs->fs_maxcontig : FS_MAXCONTIG;
	fs->fs_bmask = ~(bsize - 1);
	fs->fs_fmask = ~(fsize - 1);
	fs->fs_qbmask = bsize - 1;
	fs->fs_qfmask = fsize - 1;
	fs->fs_bshift = log2i(bsize);
	fs->fs_fshift = log2i(fsize);
	fs->fs_frag = bsize / fsize;
	fs->fs_fragshift = log2i(fs->fs_frag);
	fs->fs_fsbtodb = log2i(fsize / DEV_BSIZE);
	return 0;
}

static void
set_format(struct fs *fs, int version)
{
	if (version == 1) {
		fs->fs_magic = FS_UFS1_MAGIC;
		fs->fs_sblockloc = SBLOCK_UFS1;
		fs->fs_nindir = fs->fs_bsize / 4;
		fs->fs_inopb = fs->fs_bsize / 128;
		fs->fs_old_cgmask = -1;
		fs->fs_old_size = (int32_t)fs->fs_size;
		fs->fs_old_rps = 60;
		fs->fs_old_nspf = fs->fs_fsize / DEV_BSIZE;
		fs->fs_old_cpg = 1;
		fs->fs_old_interleave = 1;
		fs->fs_old_postblformat = FS_DYNAMICPOSTBLFMT;
		fs->fs_old_nrpos = 1;
		fs->fs_maxsymlinklen = 60;
		fs->fs_maxbpg = fs->fs_bsize / 4;
	} else {
		fs->fs_magic = FS_UFS2_MAGIC;
		fs->fs_sblockloc = SBLOCK_UFS2;
		fs->fs_nindir = fs->fs_bsize / 8;
		fs->fs_inopb = fs->fs_bsize / 256;
		fs->fs_maxsymlinklen = 120;
		fs->fs_maxbpg = fs->fs_bsize / 8;
	}
	fs->fs_old_inodefmt = FS_44INODEFMT;
	fs->fs_old_flags = FS_FLAGS_UPDATED;
	fs->fs_sblkno = (int32_t)roundup64(howmany64(fs->fs_sblockloc +
	    SBLOCKSIZE, fs->fs_fsize), fs->fs_frag);
	fs->fs_cblkno = fs->fs_sblkno +
	    (int32_t)roundup64(howmany64(SBLOCKSIZE, fs->fs_fsize), fs->fs_frag);
	fs->fs_iblkno = fs->fs_cblkno + fs->fs_frag;
	fs->fs_maxfilesize = (uint64_t)fs->fs_bsize * NDADDR - 1;
	for (uint64_t sz = (uint64_t)fs->fs_bsize, i = 0; i < NIADDR; i++) {
		sz *= (uint64_t)fs->fs_nindir;
		fs->fs_maxfilesize += sz;
	}
}

/* How many inode blocks the whole file system gets. */
static int64_t
count_inode_blocks(const struct fs *fs, int64_t density)
{
	int64_t per = (density * fs->fs_inopb) >> fs->fs_fshift, n;

	if (per < 1)
		per = 1;
	n = (fs->fs_size - fs->fs_iblkno) / (fs->fs_frag + per);
	if (n == 0)
		n = 1;
	if (n > (fs->fs_size - fs->fs_iblkno) / fs->fs_frag - 2)
		n = (fs->fs_size - fs->fs_iblkno) / fs->fs_frag - 2;
	if (n * fs->fs_inopb >= (1LL << 31))
		n = ((1LL << 31) - 8) / fs->fs_inopb;
	return n;
}

/* ncg, fpg, ipg as mkfs.c chooses them; may shrink fs_size. */
static int
split_groups(struct fs *fs, int64_t inodeblks, char *err, size_t errlen)
{
	int64_t cgzero = cgsize_for(fs, 0, 0);
	int64_t cgall = cgsize_for(fs, inodeblks * fs->fs_inopb, fs->fs_size);
	int64_t ncg = howmany64(cgall - cgzero, fs->fs_bsize - cgzero), i;

	if (ncg < MINCYLGRPS) {
		int64_t u = fs->fs_size / 2 /
		    (fs->fs_iblkno + inodeblks * fs->fs_frag);

		if (u > ncg)
			ncg = u;
		if (ncg > MINCYLGRPS)
			ncg = MINCYLGRPS;
		if (ncg > inodeblks)
			ncg = inodeblks;
	}
	if (ncg < 1)
		ncg = 1;
	fs->fs_fpg = (int32_t)roundup64(roundup64(howmany64(fs->fs_size, ncg),
	    fs->fs_frag), 8);
	fs->fs_ipg = (int32_t)(((inodeblks - 1) / ncg + 1) * fs->fs_inopb);
	i = cgsize_for(fs, fs->fs_ipg, fs->fs_fpg);
	if (i > fs->fs_bsize) {
		fs->fs_fpg -= (int32_t)((i - fs->fs_bsize) * 8);
		ncg = howmany64(fs->fs_size, fs->fs_fpg);
		fs->fs_ipg = (int32_t)(((inodeblks - 1) / ncg + 1) *
		    fs->fs_inopb);
	}
	if (cgsize_for(fs, fs->fs_ipg, fs->fs_fpg) > fs->fs_bsize)
		ERR("cylinder group maps do not fit in a %d-byte block",
		    fs->fs_bsize);
	fs->fs_dblkno = fs->fs_iblkno + fs->fs_ipg /
	    (fs->fs_inopb >> fs->fs_fragshift);
	i = fs->fs_size - fs->fs_fpg * (ncg - 1);
	if (i < fs->fs_dblkno) {	/* a runt last group: drop it */
		ncg--;
		fs->fs_size -= i;
	}
	if (ncg < 1 || fs->fs_dblkno > fs->fs_fpg)
		ERR("file system too small for its inodes");
	fs->fs_ncg = (int32_t)ncg;
	return 0;
}

/* Sizes, addresses and the initial totals (before the root). */
static int
set_totals(struct fs *fs, int64_t now, char *err, size_t errlen)
{
	int64_t csfrags;

	fs->fs_cgsize = (int32_t)fragroundup(fs, cgsize_for(fs, fs->fs_ipg,
	    fs->fs_fpg));
	if (fs->fs_magic == FS_UFS1_MAGIC) {
		fs->fs_old_spc = fs->fs_fpg * fs->fs_old_nspf;
		fs->fs_old_nsect = fs->fs_old_spc;
		fs->fs_old_npsect = fs->fs_old_spc;
		fs->fs_old_ncyl = fs->fs_ncg;
	}
	fs->fs_csaddr = cgdmin(fs, 0);
	fs->fs_cssize = (int32_t)fragroundup(fs, (int64_t)fs->fs_ncg * 16);
	csfrags = howmany64(fs->fs_cssize, fs->fs_fsize);
	if (fs->fs_dblkno + csfrags >= cg_ndblk(fs, 0))
		ERR("too many cylinder groups to fit the summary in the first");
	fs->fs_sbsize = (int32_t)fragroundup(fs, SIZEOF_FS);
	if (fs->fs_sbsize > SBLOCKSIZE)
		fs->fs_sbsize = SBLOCKSIZE;
	fs->fs_minfree = 5;
	fs->fs_avgfilesize = AVFILESIZ;
	fs->fs_avgfpdir = AFPDIR;
	fs->fs_clean = FS_ISCLEAN;
	fs->fs_id[0] = (int32_t)now;
	fs->fs_id[1] = (int32_t)(random() & 0x7fffffff);
	fs->fs_dsize = fs->fs_size - fs->fs_sblkno -
	    (int64_t)fs->fs_ncg * (fs->fs_dblkno - fs->fs_sblkno);
	fs->fs_cstotal.cs_nbfree = (fs->fs_dsize >> fs->fs_fragshift) -
	    howmany64(csfrags, fs->fs_frag);
	fs->fs_cstotal.cs_nffree = (fs->fs_size & (fs->fs_frag - 1)) +
	    ((csfrags & (fs->fs_frag - 1)) > 0 ?
	    fs->fs_frag - (csfrags & (fs->fs_frag - 1)) : 0);
	fs->fs_cstotal.cs_nifree = (int64_t)fs->fs_ncg * fs->fs_ipg - ROOTINO;
	fs->fs_dsize -= csfrags;
	fs->fs_time = now;
	if (fs->fs_magic == FS_UFS1_MAGIC) {
		fs->fs_old_size = (int32_t)fs->fs_size;
		fs->fs_old_time = (int32_t)now;
		fs->fs_old_dsize = (int32_t)fs->fs_dsize;
		fs->fs_old_csaddr = (int32_t)fs->fs_csaddr;
		fs->fs_old_cstotal.cs_nbfree = (int32_t)fs->fs_cstotal.cs_nbfree;
		fs->fs_old_cstotal.cs_nifree = (int32_t)fs->fs_cstotal.cs_nifree;
		fs->fs_old_cstotal.cs_nffree = (int32_t)fs->fs_cstotal.cs_nffree;
	}
	return 0;
}

int
mkfs_geometry(const struct mkfs_params *p, struct fs *fs, char *err,
    size_t errlen)
{
	int bsize, fsize;
	int64_t density;

	memset(fs, 0, sizeof(*fs));
	if (p->version != 1 && p->version != 2)
		ERR("format %d: must be 1 or 2", p->version);
	pick_sizes(p, &bsize, &fsize);
	if (set_sizes(fs, bsize, fsize, err, errlen) != 0)
		return -1;
	fs->fs_size = (int64_t)(p->bytes >> fs->fs_fshift);
	if (p->version == 1 && fs->fs_size >= (1LL << 31))
		ERR("too many fragments (%lld) for a UFS1 file system",
		    (long long)fs->fs_size);
	set_format(fs, p->version);
	if (fs->fs_size < fs->fs_iblkno + 3 * fs->fs_frag)
		ERR("file system size %lld frags < minimum size of %d",
		    (long long)fs->fs_size, fs->fs_iblkno + 3 * fs->fs_frag);
	density = p->density > 0 ? p->density : 4LL * fs->fs_fsize;
	if (split_groups(fs, count_inode_blocks(fs, density), err, errlen))
		return -1;
	return set_totals(fs, p->now, err, errlen);
}

/* --- cylinder groups ---------------------------------------------------------- */

/* Count the maximal runs of free blocks in the cluster map. */
static void
sum_clusters(const struct fs *fs, struct cg *cg, uint8_t *blk)
{
	int32_t sum[FS_MAXCONTIG + 1] = { 0 };
	int64_t run = 0;

	for (int64_t b = 0; b <= cg->cg_nclusterblks; b++) {
		if (b < cg->cg_nclusterblks &&
		    bit_isset(blk + cg->cg_clusteroff, b)) {
			run++;
			continue;
		}
		if (run > 0)
			sum[run > fs->fs_contigsumsize ?
			    fs->fs_contigsumsize : run]++;
		run = 0;
	}
	for (int n = 1; n <= fs->fs_contigsumsize; n++)
		memcpy(blk + cg->cg_clustersumoff + 4 * n, &sum[n], 4);
}

static void
free_block(const struct fs *fs, struct cg *cg, uint8_t *blk, int64_t d)
{
	for (int i = 0; i < fs->fs_frag; i++)
		bit_set(blk + cg->cg_freeoff, d + i);
	if (fs->fs_contigsumsize > 0)
		bit_set(blk + cg->cg_clusteroff, d >> fs->fs_fragshift);
	cg->cg_cs.cs_nbfree++;
	if (fs->fs_magic == FS_UFS1_MAGIC) {	/* cpg 1, nrpos 1 */
		int32_t btot;
		int16_t bpos;

		memcpy(&btot, blk + cg->cg_old_btotoff, 4);
		memcpy(&bpos, blk + cg->cg_old_boff, 2);
		btot++;
		bpos++;
		memcpy(blk + cg->cg_old_btotoff, &btot, 4);
		memcpy(blk + cg->cg_old_boff, &bpos, 2);
	}
}

/* Free frags [from, to) of one block, as a partial block. */
static void
free_frags(struct cg *cg, uint8_t *blk, int64_t from, int64_t to)
{
	cg->cg_frsum[to - from]++;
	for (int64_t d = from; d < to; d++) {
		bit_set(blk + cg->cg_freeoff, d);
		cg->cg_cs.cs_nffree++;
	}
}

/* Build cg c in blk (bsize bytes, host order) as newfs leaves it. */
static void
build_cg(const struct fs *fs, int64_t c, uint8_t *blk, int64_t now)
{
	struct cg cg;
	int64_t dlower = fs->fs_sblkno, dupper = fs->fs_dblkno, d, i;

	memset(&cg, 0, sizeof(cg));
	memset(blk, 0, (size_t)fs->fs_bsize);
	cg_layout(fs, c, &cg);
	if (fs_is_ufs2(fs)) {
		cg.cg_time = now;
		cg.cg_initediblk = fs->fs_ipg < 2 * fs->fs_inopb ?
		    fs->fs_ipg : 2 * fs->fs_inopb;
	} else
		cg.cg_old_time = (int32_t)now;
	if (c == 0)
		dupper += howmany64(fs->fs_cssize, fs->fs_fsize);
	cg.cg_cs.cs_nifree = fs->fs_ipg;
	if (c == 0)
		for (int ino = 0; ino < ROOTINO; ino++) {
			bit_set(blk + cg.cg_iusedoff, ino);
			cg.cg_cs.cs_nifree--;
		}
	if (c > 0)
		for (d = 0; d < dlower; d += fs->fs_frag)
			free_block(fs, &cg, blk, d);
	if ((i = dupper & (fs->fs_frag - 1)) != 0) {
		free_frags(&cg, blk, dupper, dupper + fs->fs_frag - i);
		dupper += fs->fs_frag - i;
	}
	for (d = dupper; d + fs->fs_frag <= cg.cg_ndblk; d += fs->fs_frag)
		free_block(fs, &cg, blk, d);
	if (d < cg.cg_ndblk)
		free_frags(&cg, blk, d, cg.cg_ndblk);
	memcpy(blk, &cg, sizeof(cg));
	if (fs->fs_contigsumsize > 0)
		sum_clusters(fs, &cg, blk);
}

/* Take the first free block of cg 0 and keep one frag of it for the
 * root directory (mkfs.c's alloc()); returns the frag number. */
static int64_t
alloc_root_frag(struct fs *fs, uint8_t *blk, struct csum *cs0)
{
	struct cg cg;
	int64_t d;

	memcpy(&cg, blk, sizeof(cg));
	for (d = 0; d + fs->fs_frag <= cg.cg_ndblk; d += fs->fs_frag) {
		bool whole = true;

		for (int i = 0; i < fs->fs_frag; i++)
			whole = whole && bit_isset(blk + cg.cg_freeoff, d + i);
		if (whole)
			break;
	}
	if (d + fs->fs_frag > cg.cg_ndblk)
		return -1;
	bit_clr(blk + cg.cg_freeoff, d);
	if (fs->fs_contigsumsize > 0)
		bit_clr(blk + cg.cg_clusteroff, d >> fs->fs_fragshift);
	cg.cg_cs.cs_nbfree--;
	cg.cg_cs.cs_ndir++;
	if (fs->fs_frag > 1) {
		cg.cg_cs.cs_nffree += fs->fs_frag - 1;
		cg.cg_frsum[fs->fs_frag - 1]++;
	}
	cg.cg_cs.cs_nifree--;
	bit_set(blk + cg.cg_iusedoff, ROOTINO);
	if (fs->fs_magic == FS_UFS1_MAGIC) {
		int32_t btot;
		int16_t bpos;

		memcpy(&btot, blk + cg.cg_old_btotoff, 4);
		memcpy(&bpos, blk + cg.cg_old_boff, 2);
		btot--;
		bpos--;
		memcpy(blk + cg.cg_old_btotoff, &btot, 4);
		memcpy(blk + cg.cg_old_boff, &bpos, 2);
	}
	memcpy(blk, &cg, sizeof(cg));
	if (fs->fs_contigsumsize > 0)
		sum_clusters(fs, &cg, blk);
	fs->fs_cstotal.cs_nbfree--;
	fs->fs_cstotal.cs_ndir++;
	fs->fs_cstotal.cs_nffree += fs->fs_frag - 1;
	fs->fs_cstotal.cs_nifree--;
	*cs0 = cg.cg_cs;
	return d;
}

/* --- writing --------------------------------------------------------------------- */

static void
put16(uint8_t *p, uint16_t v, bool swap)
{
	if (swap)
		v = __builtin_bswap16(v);
	memcpy(p, &v, 2);
}

static void
put32(uint8_t *p, uint32_t v, bool swap)
{
	if (swap)
		v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}

/* Superblock (fs order) into buf of at least sbsize bytes. */
static void
put_sb(const struct fs *fs, uint8_t *buf, bool swap)
{
	struct fs t = *fs;

	if (fs->fs_magic == FS_UFS1_MAGIC) {
		t.fs_old_cstotal.cs_ndir = (int32_t)fs->fs_cstotal.cs_ndir;
		t.fs_old_cstotal.cs_nbfree = (int32_t)fs->fs_cstotal.cs_nbfree;
		t.fs_old_cstotal.cs_nifree = (int32_t)fs->fs_cstotal.cs_nifree;
		t.fs_old_cstotal.cs_nffree = (int32_t)fs->fs_cstotal.cs_nffree;
	}
	if (swap)
		swap_sb(&t);
	memset(buf, 0, (size_t)fs->fs_sbsize);
	memcpy(buf, &t, sizeof(t));
}

/* A fresh inode (zero but for a random generation) in fs order. */
static void
put_fresh_inode(const struct fs *fs, uint8_t *p, bool swap)
{
	uint32_t gen = (uint32_t)(random() & 0x7fffffff);

	memset(p, 0, (size_t)fs_dinode_size(fs));
	put32(p + (fs_is_ufs2(fs) ? 80 : 108), gen, swap);
}

static void
put_root_inode(const struct fs *fs, const struct mkfs_params *pr,
    uint8_t *p, int64_t frag)
{
	union {
		struct ufs1_dinode d1;
		struct ufs2_dinode d2;
	} u;

	memset(&u, 0, sizeof(u));
	if (fs_is_ufs2(fs)) {
		u.d2.di_mode = IFDIR | 0755;
		u.d2.di_nlink = 2;
		u.d2.di_size = DIRBLKSIZ;
		u.d2.di_blocks = (uint64_t)fs->fs_fsize / DEV_BSIZE;
		u.d2.di_db[0] = frag;
		u.d2.di_uid = pr->uid;
		u.d2.di_gid = pr->gid;
		u.d2.di_gen = (int32_t)(random() & 0x7fffffff);
		u.d2.di_atime = u.d2.di_mtime = u.d2.di_ctime = pr->now;
		u.d2.di_birthtime = pr->now;
	} else {
		/* NetBSD's newfs leaves a UFS1 root's times at 0. */
		u.d1.di_mode = IFDIR | 0755;
		u.d1.di_nlink = 2;
		u.d1.di_size = DIRBLKSIZ;
		u.d1.di_blocks = (uint32_t)fs->fs_fsize / DEV_BSIZE;
		u.d1.di_db[0] = (int32_t)frag;
		u.d1.di_uid = pr->uid;
		u.d1.di_gid = pr->gid;
		u.d1.di_gen = (int32_t)(random() & 0x7fffffff);
	}
	if (pr->swap)
		swap_dinode(fs, &u);
	memcpy(p, &u, (size_t)fs_dinode_size(fs));
}

/* The root's first chunk: "." and ".." both naming inode 2. */
static void
put_root_dir(uint8_t *p, bool swap)
{
	memset(p, 0, DIRBLKSIZ);
	put32(p, ROOTINO, swap);
	put16(p + 4, 12, swap);
	p[6] = DT_DIR;
	p[7] = 1;
	p[8] = '.';
	put32(p + 12, ROOTINO, swap);
	put16(p + 16, DIRBLKSIZ - 12, swap);
	p[18] = DT_DIR;
	p[19] = 2;
	p[20] = p[21] = '.';
}

static bool
is_sb_magic(const uint8_t *p)
{
	uint32_t m;

	memcpy(&m, p + 1372, 4);
	return m == FS_UFS1_MAGIC || m == FS_UFS2_MAGIC ||
	    m == __builtin_bswap32(FS_UFS1_MAGIC) ||
	    m == __builtin_bswap32(FS_UFS2_MAGIC);
}

/* Zero anything that looks like a superblock where one is searched
 * for, or where the first alternate of an old file system would be. */
static int
zap_old_superblocks(struct ffs_dev *d, uint64_t limit)
{
	static const int64_t search[] = { SBLOCK_UFS2, SBLOCK_UFS1, 0,
	    SBLOCK_PIGGY };
	static uint8_t buf[SBLOCKSIZE], zero[SBLOCKSIZE];

	for (size_t i = 0; i < 4; i++)
		for (int64_t sz = 0; sz <= 0x10000; sz = sz ? sz << 1 :
		    SBLOCKSIZE) {
			int64_t loc = sz == 0 ? search[i] :
			    roundup64(search[i] + SBLOCKSIZE, sz);

			if ((uint64_t)loc + SBLOCKSIZE > limit)
				continue;
			if (dev_read(d, buf, SBLOCKSIZE, (uint64_t)loc) != 0)
				return -1;
			if (is_sb_magic(buf) &&
			    dev_write(d, zero, SBLOCKSIZE, (uint64_t)loc) != 0)
				return -1;
		}
	return 0;
}

/* One cg on disk: superblock copy, cg block, first inode blocks. */
static int
write_cg(const struct fs *fs, const struct fs *copy, int64_t c,
    uint8_t *cgblk, uint8_t *inodes, size_t inobytes,
    const struct mkfs_params *p, struct ffs_dev *d)
{
	size_t sbarea = (size_t)(fs->fs_cblkno - fs->fs_sblkno) *
	    (size_t)fs->fs_fsize;
	size_t len = sbarea + (size_t)fs->fs_bsize + inobytes;
	uint8_t *buf = calloc(1, len);
	int rc;

	if (buf == NULL)
		return -1;
	put_sb(copy, buf, p->swap);
	memcpy(buf + sbarea, cgblk, (size_t)fs->fs_cgsize);
	if (p->swap)
		swap_cg(fs, buf + sbarea, false);
	memcpy(buf + sbarea + (size_t)fs->fs_bsize, inodes, inobytes);
	rc = dev_write(d, buf, len, (uint64_t)cgsblock(fs, c) *
	    (uint64_t)fs->fs_fsize);
	free(buf);
	return rc;
}

/* The rest of a UFS1 inode table: fresh inodes, 16 blocks a write. */
static int
write_ufs1_inodes(const struct fs *fs, int64_t c, int64_t first_frag,
    const struct mkfs_params *p, struct ffs_dev *d)
{
	int64_t end = fs->fs_dblkno - fs->fs_iblkno;
	size_t chunk = 16 * (size_t)fs->fs_bsize;
	uint8_t *buf = malloc(chunk);

	if (buf == NULL)
		return -1;
	for (int64_t f = first_frag; f < end;) {
		int64_t n = (int64_t)chunk / fs->fs_fsize;

		if (n > end - f)
			n = end - f;
		for (int64_t o = 0; o < n * fs->fs_fsize; o += 128)
			put_fresh_inode(fs, buf + o, p->swap);
		if (dev_write(d, buf, (size_t)(n * fs->fs_fsize),
		    (uint64_t)(cgimin(fs, c) + f) * (uint64_t)fs->fs_fsize)) {
			free(buf);
			return -1;
		}
		f += n;
	}
	free(buf);
	return 0;
}

static int
write_group(struct fs *fs, const struct fs *copy, int64_t c,
    struct csum *cs, const struct mkfs_params *p, struct ffs_dev *d,
    uint8_t *cgblk, uint8_t *inodes, char *err, size_t errlen)
{
	size_t inobytes = (size_t)(fs->fs_ipg < 2 * fs->fs_inopb ?
	    fs->fs_ipg : 2 * fs->fs_inopb) * (size_t)fs_dinode_size(fs);
	int ds = fs_dinode_size(fs);

	build_cg(fs, c, cgblk, p->now);
	for (size_t o = 0; o < inobytes; o += (size_t)ds)
		put_fresh_inode(fs, inodes + o, p->swap);
	if (c == 0) {
		static uint8_t dir[MAXBSIZE];
		int64_t frag = alloc_root_frag(fs, cgblk, &cs[0]);

		if (frag < 0)
			ERR("no free block in the first cylinder group");
		put_root_inode(fs, p, inodes + ROOTINO * ds, frag);
		put_root_dir(dir, p->swap);
		memset(dir + DIRBLKSIZ, 0, (size_t)fs->fs_fsize - DIRBLKSIZ);
		if (dev_write(d, dir, (size_t)fs->fs_fsize, (uint64_t)frag *
		    (uint64_t)fs->fs_fsize) != 0)
			ERR("%s", d->err);
	} else
		memcpy(&cs[c], cgblk + offsetof(struct cg, cg_cs), sizeof(*cs));
	if (write_cg(fs, copy, c, cgblk, inodes, inobytes, p, d) != 0)
		ERR("cg %lld: %s", (long long)c, d->err);
	if (!fs_is_ufs2(fs) && write_ufs1_inodes(fs, c, (int64_t)inobytes /
	    fs->fs_fsize, p, d) != 0)
		ERR("cg %lld inodes: %s", (long long)c, d->err);
	return 0;
}

static int
write_primary(const struct fs *fs, const struct csum *cs,
    const struct mkfs_params *p, struct ffs_dev *d)
{
	size_t sblen = (size_t)(fs->fs_sblkno * fs->fs_fsize - fs->fs_sblockloc);
	uint8_t *buf = calloc(1, sblen > SBLOCKSIZE ? sblen : SBLOCKSIZE);
	struct csum *t = calloc(1, (size_t)fs->fs_cssize);
	int rc;

	if (buf == NULL || t == NULL) {
		free(buf);
		free(t);
		return -1;
	}
	put_sb(fs, buf, p->swap);
	rc = dev_write(d, buf, sblen, (uint64_t)fs->fs_sblockloc);
	memcpy(t, cs, (size_t)fs->fs_ncg * sizeof(*cs));
	if (p->swap)
		swap_csums(t, (size_t)fs->fs_ncg);
	if (rc == 0)
		rc = dev_write(d, t, (size_t)fs->fs_cssize,
		    (uint64_t)fs->fs_csaddr * (uint64_t)fs->fs_fsize);
	free(buf);
	free(t);
	return rc;
}

int
mkfs_write(const struct mkfs_params *p, struct fs *fs, struct ffs_dev *d,
    char *err, size_t errlen)
{
	uint64_t bytes = (uint64_t)fs->fs_size * (uint64_t)fs->fs_fsize;
	static uint8_t sector[DEV_BSIZE];
	struct fs copy = *fs;
	struct csum *cs = calloc((size_t)fs->fs_ncg, sizeof(*cs));
	uint8_t *cgblk = malloc((size_t)fs->fs_bsize);
	uint8_t *inodes = malloc(2 * (size_t)fs->fs_bsize);
	int rc = -1;

	if (cs == NULL || cgblk == NULL || inodes == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (bytes > d->size) {
		snprintf(err, errlen, "file system (%llu bytes) larger than "
		    "the disk (%llu)", (unsigned long long)bytes,
		    (unsigned long long)d->size);
		goto out;
	}
	if (dev_write(d, sector, DEV_BSIZE, bytes - DEV_BSIZE) != 0 ||
	    zap_old_superblocks(d, bytes) != 0) {
		snprintf(err, errlen, "%s", d->err);
		goto out;
	}
	for (int64_t c = 0; c < fs->fs_ncg; c++)
		if (write_group(fs, &copy, c, cs, p, d, cgblk, inodes, err,
		    errlen) != 0)
			goto out;
	if (write_primary(fs, cs, p, d) != 0) {
		snprintf(err, errlen, "superblock: %s", d->err);
		goto out;
	}
	rc = 0;
out:
	free(cs);
	free(cgblk);
	free(inodes);
	return rc;
}
