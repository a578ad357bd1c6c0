/*
 * ffs_sb.c: finding and checking a superblock, the map layout of a
 * cylinder group, and inodes in host form -- the pieces rump.newfs and
 * rump.fsck_ffs share.
 *
 * sb_check is the boundary: a superblock that passes it has a
 * geometry in which every derived quantity (cg addresses, inode
 * offsets, map sizes) stays inside 64-bit arithmetic and inside the
 * cg block, so the code behind it can compute without overflow.
 */
#include <stdio.h>
#include <string.h>

#include "tools/ffs/ffs_dev.h"
#include "tools/ffs/ffs_fmt.h"

static const int64_t sb_search[] = {
	SBLOCK_UFS2, SBLOCK_UFS1, SBLOCK_FLOPPY, SBLOCK_PIGGY
};

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

static char why[128];

#define BAD(...) do {							\
	snprintf(why, sizeof(why), __VA_ARGS__);			\
	return why;							\
} while (0)

/* The ten checks NetBSD's kernel makes (spec 2.3). */
static const char *
check_kernel_rules(const struct fs *fs)
{
	int dsz = fs_dinode_size(fs);

	if (fs->fs_sbsize < SIZEOF_FS || fs->fs_sbsize > SBLOCKSIZE)
		BAD("sbsize %d out of range", fs->fs_sbsize);
	if (fs->fs_bsize < MINBSIZE || fs->fs_bsize > MAXBSIZE ||
	    !pow2(fs->fs_bsize))
		BAD("bad block size %d", fs->fs_bsize);
	if (!pow2(fs->fs_fsize) || fs->fs_fsize < DEV_BSIZE ||
	    fs->fs_fsize > fs->fs_bsize)
		BAD("bad fragment size %d", fs->fs_fsize);
	if (fs->fs_size <= 0 || fs->fs_cssize <= 0 || fs->fs_ipg <= 0 ||
	    fs->fs_fpg <= 0 || fs->fs_ncg <= 0 || fs->fs_maxbpg <= 0)
		BAD("zero size, cssize, ipg, fpg, ncg or maxbpg");
	if (fs->fs_inopb != fs->fs_bsize / dsz)
		BAD("inopb %d, should be %d", fs->fs_inopb, fs->fs_bsize / dsz);
	if (fs->fs_bshift != log2i(fs->fs_bsize) ||
	    fs->fs_fshift != log2i(fs->fs_fsize) ||
	    fs->fs_frag != fs->fs_bsize / fs->fs_fsize ||
	    fs->fs_frag > MAXFRAG || fs->fs_fragshift != log2i(fs->fs_frag))
		BAD("inconsistent shifts or frag");
	if (fs->fs_bmask != ~(fs->fs_bsize - 1) ||
	    fs->fs_fmask != ~(fs->fs_fsize - 1))
		BAD("bad bmask/fmask");
	if (fs->fs_cgsize < SIZEOF_CG || fs->fs_cgsize > fs->fs_bsize)
		BAD("cgsize %d out of range", fs->fs_cgsize);
	return NULL;
}

static int64_t
cg_next_free(const struct fs *fs)
{
	struct cg cg;

	memset(&cg, 0, sizeof(cg));
	cg_layout(fs, 0, &cg);
	return cg.cg_nextfreeoff;
}

/* The consistency rules every newfs/makefs image keeps (spec 2.3). */
static const char *
check_geometry(const struct fs *fs)
{
	int64_t inopf = fs->fs_inopb >> fs->fs_fragshift;

	if (fs->fs_ncg != howmany64(fs->fs_size, fs->fs_fpg))
		BAD("ncg %d does not match size/fpg", fs->fs_ncg);
	if (fs->fs_nindir != fs->fs_bsize / (fs_is_ufs2(fs) ? 8 : 4))
		BAD("bad nindir %d", fs->fs_nindir);
	if (inopf == 0 || fs->fs_ipg % fs->fs_inopb != 0)
		BAD("ipg %d not a multiple of inopb", fs->fs_ipg);
	if (fs->fs_fpg % fs->fs_frag != 0)
		BAD("fpg %d not a multiple of frag", fs->fs_fpg);
	if (!(0 <= fs->fs_sblkno && fs->fs_sblkno < fs->fs_cblkno &&
	    fs->fs_cblkno < fs->fs_iblkno && fs->fs_iblkno < fs->fs_dblkno &&
	    fs->fs_dblkno <= fs->fs_fpg))
		BAD("bad sblkno/cblkno/iblkno/dblkno order");
	if (fs->fs_dblkno - fs->fs_iblkno != fs->fs_ipg / inopf)
		BAD("inode area does not hold ipg inodes");
	if ((int64_t)fs->fs_ncg * fs->fs_ipg >= (1LL << 31))
		BAD("too many inodes");
	if (!fs_is_ufs2(fs) && (fs->fs_old_cpg < 1 || fs->fs_old_cpg > 1024 ||
	    fs->fs_old_nrpos < 0 || fs->fs_old_nrpos > 64 ||
	    fs->fs_size >= (1LL << 31)))
		BAD("bad UFS1 geometry (cpg %d, nrpos %d)", fs->fs_old_cpg,
		    fs->fs_old_nrpos);
	if (fs_is_ufs2(fs) && fs->fs_old_cpg != 0 && fs->fs_old_cpg != 1)
		BAD("bad old_cpg %d", fs->fs_old_cpg);
	if (cgsize_for(fs, fs->fs_ipg, fs->fs_fpg) > fs->fs_bsize)
		BAD("cylinder group maps do not fit in a block");
	if (cg_next_free(fs) > fs->fs_cgsize)
		BAD("cg maps end beyond cgsize %d", fs->fs_cgsize);
	if (cg_ndblk(fs, fs->fs_ncg - 1) < fs->fs_dblkno)
		BAD("last cylinder group too small for its inodes");
	if (!fs_is_ufs2(fs) && fs->fs_old_cgoffset != 0) {
		if (fs->fs_old_cgoffset < 0 || fs->fs_old_cgoffset >= fs->fs_fpg)
			BAD("bad old_cgoffset %d", fs->fs_old_cgoffset);
		for (int64_t c = 0; c < fs->fs_ncg; c++)
			if (cgdmin(fs, c) - cgbase(fs, c) > cg_ndblk(fs, c))
				BAD("cg %lld: rotated past its end", (long long)c);
	}
	return NULL;
}

/* The summary array: where newfs puts it, inside cg 0's data. */
const char *
sb_check_summary(const struct fs *fs)
{
	int64_t csfrags = howmany64(fs->fs_cssize, fs->fs_fsize);

	if (fs->fs_cssize < (int64_t)fs->fs_ncg * 16 ||
	    fs->fs_csaddr < fs->fs_dblkno ||
	    fs->fs_csaddr + csfrags > cg_ndblk(fs, 0))
		BAD("bad summary area %lld+%d", (long long)fs->fs_csaddr,
		    fs->fs_cssize);
	return NULL;
}

const char *
sb_check(const struct fs *fs)
{
	const char *e = check_kernel_rules(fs);

	return e != NULL ? e : check_geometry(fs);
}

/* An old-layout UFS1 superblock keeps its sizes in the 32-bit fields. */
static void
sb_translate_old(struct fs *fs, int64_t loc)
{
	fs->fs_size = fs->fs_old_size;
	fs->fs_dsize = fs->fs_old_dsize;
	fs->fs_csaddr = fs->fs_old_csaddr;
	fs->fs_time = fs->fs_old_time;
	fs->fs_cstotal.cs_ndir = fs->fs_old_cstotal.cs_ndir;
	fs->fs_cstotal.cs_nbfree = fs->fs_old_cstotal.cs_nbfree;
	fs->fs_cstotal.cs_nifree = fs->fs_old_cstotal.cs_nifree;
	fs->fs_cstotal.cs_nffree = fs->fs_old_cstotal.cs_nffree;
	fs->fs_sblockloc = loc;
	fs->fs_maxbsize = fs->fs_bsize;
	fs->fs_flags = fs->fs_old_flags;
}

/*
 * Whether the probe at loc holds a primary superblock; fills fs.  The
 * kernel's rule: the superblock must say it lives at loc (else it is
 * a cylinder group's copy).  loose: fsck_ffs's rule, which takes any
 * superblock but a UFS1 one at 65536 (there, the first copy of a file
 * system with 64 KiB blocks).
 */
static bool
sb_probe(const uint8_t *buf, int64_t loc, struct fs *fs, bool *swapped,
    bool loose)
{
	memcpy(fs, buf, sizeof(*fs));
	*swapped = false;
	if (fs->fs_magic != FS_UFS1_MAGIC && fs->fs_magic != FS_UFS2_MAGIC) {
		swap_sb(fs);
		*swapped = true;
		if (fs->fs_magic != FS_UFS1_MAGIC &&
		    fs->fs_magic != FS_UFS2_MAGIC)
			return false;
	}
	if (fs->fs_magic == FS_UFS1_MAGIC && loc == SBLOCK_UFS2 &&
	    (loose || !(fs->fs_old_flags & FS_FLAGS_UPDATED)))
		return false;
	if (fs->fs_magic == FS_UFS1_MAGIC &&
	    !(fs->fs_old_flags & FS_FLAGS_UPDATED))
		sb_translate_old(fs, loc);
	return loose || fs->fs_sblockloc == loc;
}

/* One pass over the search locations. */
static const char *
sb_search_pass(struct ffs_dev *d, struct fs *fs, bool *swapped, bool loose,
    int64_t *where)
{
	static uint8_t buf[SBLOCKSIZE];
	static char msg[200];
	const char *last = "no superblock magic at 65536, 8192, 0 or 262144";

	for (size_t i = 0; i < sizeof(sb_search) / sizeof(sb_search[0]); i++) {
		int64_t loc = sb_search[i];
		const char *e;

		if ((uint64_t)loc + SIZEOF_FS > d->size)
			continue;
		memset(buf, 0, sizeof(buf));
		if (dev_read(d, buf, (uint64_t)loc + SBLOCKSIZE <= d->size ?
		    SBLOCKSIZE : d->size - (uint64_t)loc, (uint64_t)loc) != 0)
			return d->err;
		if (!sb_probe(buf, loc, fs, swapped, loose))
			continue;
		if ((e = sb_check(fs)) == NULL) {
			*where = loc;
			return NULL;
		}
		snprintf(msg, sizeof(msg), "superblock at %lld: %s",
		    (long long)loc, e);
		last = msg;
	}
	return last;
}

const char *
sb_find(struct ffs_dev *d, struct fs *fs, bool *swapped, int64_t *where)
{
	const char *e = sb_search_pass(d, fs, swapped, false, where);

	if (e != NULL && sb_search_pass(d, fs, swapped, true, where) == NULL)
		return NULL;	/* the caller sees fs_sblockloc != *where */
	return e;
}

void
cg_layout(const struct fs *fs, int64_t c, struct cg *cg)
{
	int32_t map = CG_HDR;

	cg->cg_magic = CG_MAGIC;
	cg->cg_cgx = (int32_t)c;
	cg->cg_ndblk = (int32_t)cg_ndblk(fs, c);
	if (fs_is_ufs2(fs)) {
		cg->cg_niblk = fs->fs_ipg;
		cg->cg_iusedoff = map;
	} else {
		int64_t per = fs->fs_fpg / fs->fs_old_cpg;

		cg->cg_old_ncyl = (int16_t)fs->fs_old_cpg;
		if (c == fs->fs_ncg - 1 && per > 0)
			cg->cg_old_ncyl = (int16_t)howmany64(cg->cg_ndblk, per);
		cg->cg_old_niblk = (int16_t)fs->fs_ipg;
		cg->cg_old_btotoff = map;
		cg->cg_old_boff = map + 4 * fs->fs_old_cpg;
		cg->cg_iusedoff = cg->cg_old_boff +
		    2 * fs->fs_old_cpg * fs->fs_old_nrpos;
	}
	cg->cg_freeoff = cg->cg_iusedoff + (int32_t)howmany64(fs->fs_ipg, 8);
	if (fs->fs_contigsumsize <= 0) {
		cg->cg_nextfreeoff = cg->cg_freeoff +
		    (int32_t)howmany64(fs->fs_fpg, 8);
		return;
	}
	cg->cg_clustersumoff = (cg->cg_freeoff +
	    (int32_t)howmany64(fs->fs_fpg, 8) - 4 + 3) & ~3;
	cg->cg_clusteroff = cg->cg_clustersumoff +
	    4 * (fs->fs_contigsumsize + 1);
	cg->cg_nextfreeoff = cg->cg_clusteroff +
	    (int32_t)howmany64(fs->fs_fpg >> fs->fs_fragshift, 8);
	cg->cg_nclusterblks = cg->cg_ndblk >> fs->fs_fragshift;
}

void
dino_load(const struct fs *fs, const void *raw, bool swapped, struct dino *di)
{
	union {
		struct ufs1_dinode d1;
		struct ufs2_dinode d2;
	} u;

	memcpy(&u, raw, (size_t)fs_dinode_size(fs));
	if (swapped)
		swap_dinode(fs, &u);
	memset(di, 0, sizeof(*di));
	if (fs_is_ufs2(fs)) {
		di->mode = u.d2.di_mode;
		di->nlink = u.d2.di_nlink;
		di->size = u.d2.di_size;
		di->blocks = u.d2.di_blocks;
		di->flags = u.d2.di_flags;
		di->uid = u.d2.di_uid;
		di->gid = u.d2.di_gid;
		di->mtime = u.d2.di_mtime;
		memcpy(di->db, u.d2.di_db, sizeof(di->db));
		memcpy(di->ib, u.d2.di_ib, sizeof(di->ib));
		return;
	}
	di->mode = u.d1.di_mode;
	di->nlink = u.d1.di_nlink;
	di->size = u.d1.di_size;
	di->blocks = u.d1.di_blocks;
	di->flags = u.d1.di_flags;
	di->uid = u.d1.di_uid;
	di->gid = u.d1.di_gid;
	di->mtime = u.d1.di_mtime;
	for (int i = 0; i < NDADDR; i++)
		di->db[i] = u.d1.di_db[i];
	for (int i = 0; i < NIADDR; i++)
		di->ib[i] = u.d1.di_ib[i];
}
