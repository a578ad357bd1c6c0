/*
 * fsck_pass5.c: pass 5, each cylinder group rebuilt from what passes
 * 1-4 found (inodes in use, frags owned) and compared with the disk:
 * the 168-byte header, the maps from the inode map to the end of the
 * cluster map, the summary array entry; then the totals and the
 * superblock copy in every group.
 *
 * Repairs as NetBSD's pass 5: each kind of difference is asked about
 * once a run (f->asked) and the answer holds for every group; a
 * repaired group is written back whole, the summary array after the
 * last group, the totals with the superblock at the end (sbdirty),
 * and a wrong superblock copy is overwritten with the primary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/ffs/fsck.h"

struct totals {
	int64_t	ndir, nbfree, nifree, nffree;
};

static void
count_inodes(struct fsck *f, int64_t c, struct cg *n, uint8_t *blk)
{
	int64_t ipg = f->fs.fs_ipg;

	n->cg_cs.cs_nifree = (int32_t)ipg;
	for (int64_t i = 0; i < ipg; i++) {
		uint64_t ino = (uint64_t)(c * ipg + i);

		if (ino >= ROOTINO && f->state[ino] == USTATE)
			continue;
		bit_set(blk + n->cg_iusedoff, i);
		n->cg_cs.cs_nifree--;
		if (ino >= ROOTINO && f->itype[ino] == (IFDIR >> 12))
			n->cg_cs.cs_ndir++;
	}
}

/* One block at cg-relative frag d: its free map bits, and whether it
 * is wholly free (else its free runs go to frsum and nffree). */
static void
count_block(struct fsck *f, int64_t base, int64_t d, struct cg *n,
    uint8_t *blk)
{
	const struct fs *fs = &f->fs;
	int nfree = 0, r = 0, runs[MAXFRAG + 1] = { 0 };

	for (int i = 0; i < fs->fs_frag; i++) {
		if (d + i < n->cg_ndblk &&
		    !bit_isset(f->blockmap, base + d + i)) {
			bit_set(blk + n->cg_freeoff, d + i);
			nfree++;
			r++;
			continue;
		}
		runs[r]++;
		r = 0;
	}
	runs[r]++;
	if (nfree == fs->fs_frag) {
		n->cg_cs.cs_nbfree++;
		if (fs->fs_contigsumsize > 0)
			bit_set(blk + n->cg_clusteroff, d >> fs->fs_fragshift);
		return;
	}
	n->cg_cs.cs_nffree += nfree;
	for (int k = 1; k < fs->fs_frag; k++)
		n->cg_frsum[k] += runs[k];
}

/* Free map, frag sums and counts, cluster map and summary. */
static void
count_frags(struct fsck *f, int64_t c, struct cg *n, uint8_t *blk)
{
	const struct fs *fs = &f->fs;
	int64_t base = cgbase(fs, c), run = 0;
	int32_t sum[FS_MAXCONTIG + 1] = { 0 };

	for (int64_t d = 0; d < n->cg_ndblk; d += fs->fs_frag)
		count_block(f, base, d, n, blk);
	if (fs->fs_contigsumsize <= 0)
		return;
	for (int64_t b = 0; b <= n->cg_nclusterblks; b++) {
		if (b < n->cg_nclusterblks &&
		    bit_isset(blk + n->cg_clusteroff, b)) {
			run++;
			continue;
		}
		if (run > 0)
			sum[run > fs->fs_contigsumsize ?
			    fs->fs_contigsumsize : run]++;
		run = 0;
	}
	for (int i = 1; i <= fs->fs_contigsumsize; i++)
		memcpy(blk + n->cg_clustersumoff + 4 * i, &sum[i], 4);
}

/* The header fields fsck copies from the disk when they make sense. */
static void
copy_volatile(const struct fs *fs, const struct cg *o, struct cg *n)
{
	n->cg_old_time = o->cg_old_time;
	n->cg_time = o->cg_time;
	if (o->cg_rotor >= 0 && o->cg_rotor < n->cg_ndblk)
		n->cg_rotor = o->cg_rotor;
	if (o->cg_frotor >= 0 && o->cg_frotor < n->cg_ndblk)
		n->cg_frotor = o->cg_frotor;
	if (o->cg_irotor >= 0 && o->cg_irotor < fs->fs_ipg)
		n->cg_irotor = o->cg_irotor;
	if (fs_is_ufs2(fs))
		n->cg_initediblk = o->cg_initediblk < 0 ? 0 :
		    o->cg_initediblk > fs->fs_ipg ? fs->fs_ipg :
		    o->cg_initediblk;
}

enum { Q_COUNTS, Q_MAPS, Q_HEADER, Q_COPIES };

/* One of pass 5's questions, asked the first time it comes up. */
static bool
ask5(struct fsck *f, int q, const char *msg)
{
	if (f->asked[q] == ASK_NOT)
		f->asked[q] = fsck_ask(f, "SALVAGED", "SALVAGE", "%s", msg) ?
		    ASK_YES : ASK_NO;
	return f->asked[q] == ASK_YES;
}

/* The group's block, back in disk order, to its place. */
static void
write_cg(struct fsck *f, int64_t c, uint8_t *disk)
{
	if (f->swapped)
		swap_cg(&f->fs, disk, false);
	(void)fsck_write(f, disk, (size_t)f->fs.fs_cgsize, cgtod(&f->fs, c));
}

/* Compare group c with the rebuilt one and repair what was agreed;
 * true if the summary array entry changed. */
static bool
check_cg(struct fsck *f, int64_t c, uint8_t *disk, uint8_t *mine,
    struct csum *sum, struct totals *t)
{
	const struct fs *fs = &f->fs;
	struct cg o, n;
	size_t maplen;
	bool dirty = false, sumdirty = false;

	memset(mine, 0, (size_t)fs->fs_bsize);
	memset(&n, 0, sizeof(n));
	cg_layout(fs, c, &n);
	memcpy(&o, disk, sizeof(o));
	/* The rebuilt header below repairs it when -y agrees. */
	if ((o.cg_magic != CG_MAGIC || o.cg_cgx != c) && f->yes)
		printf("CG %lld: BAD MAGIC NUMBER\n", (long long)c);
	else if (o.cg_magic != CG_MAGIC || o.cg_cgx != c)
		fsck_problem(f, NULL, "CG %lld: BAD MAGIC NUMBER",
		    (long long)c);
	copy_volatile(fs, &o, &n);
	count_inodes(f, c, &n, mine);
	count_frags(f, c, &n, mine);
	t->ndir += n.cg_cs.cs_ndir;
	t->nbfree += n.cg_cs.cs_nbfree;
	t->nifree += n.cg_cs.cs_nifree;
	t->nffree += n.cg_cs.cs_nffree;
	if (sum != NULL && memcmp(&n.cg_cs, &sum[c], sizeof(n.cg_cs)) != 0 &&
	    ask5(f, Q_COUNTS, "FREE BLK COUNT(S) WRONG IN SUPERBLK")) {
		sum[c] = n.cg_cs;
		sumdirty = true;
	}
	if (memcmp(&o, &n, sizeof(n)) != 0 && ask5(f, Q_HEADER,
	    "SUMMARY INFORMATION BAD")) {
		memcpy(disk, &n, sizeof(n));
		dirty = true;
	}
	maplen = (size_t)(n.cg_nextfreeoff - n.cg_iusedoff);
	if (memcmp(disk + n.cg_iusedoff, mine + n.cg_iusedoff, maplen) != 0 &&
	    ask5(f, Q_MAPS, "BLK(S) MISSING IN BIT MAPS")) {
		memcpy(disk + n.cg_iusedoff, mine + n.cg_iusedoff, maplen);
		dirty = true;
	}
	if (dirty)
		write_cg(f, c, disk);
	return sumdirty;
}

/* The geometry a superblock copy must share with the primary. */
static bool
same_geometry(const struct fs *a, const struct fs *b)
{
	return a->fs_sblkno == b->fs_sblkno && a->fs_cblkno == b->fs_cblkno &&
	    a->fs_iblkno == b->fs_iblkno && a->fs_dblkno == b->fs_dblkno &&
	    a->fs_ncg == b->fs_ncg && a->fs_bsize == b->fs_bsize &&
	    a->fs_fsize == b->fs_fsize && a->fs_frag == b->fs_frag &&
	    a->fs_bmask == b->fs_bmask && a->fs_fmask == b->fs_fmask &&
	    a->fs_bshift == b->fs_bshift && a->fs_fshift == b->fs_fshift &&
	    a->fs_fragshift == b->fs_fragshift &&
	    a->fs_fsbtodb == b->fs_fsbtodb && a->fs_sbsize == b->fs_sbsize &&
	    a->fs_nindir == b->fs_nindir && a->fs_inopb == b->fs_inopb &&
	    a->fs_cssize == b->fs_cssize && a->fs_ipg == b->fs_ipg &&
	    a->fs_fpg == b->fs_fpg && a->fs_magic == b->fs_magic;
}

bool
fsck_read_copy(struct fsck *f, int64_t c, struct fs *copy)
{
	if (fsck_read(f, copy, sizeof(*copy), cgsblock(&f->fs, c)) != 0)
		return false;
	if (f->swapped)
		swap_sb(copy);
	return true;
}

/* NetBSD writes the primary's bytes over each copy that differs. */
static void
check_copies(struct fsck *f)
{
	static uint8_t prim[SBLOCKSIZE];

	for (int64_t c = 0; c < f->fs.fs_ncg; c++) {
		struct fs copy;

		if (!fsck_read_copy(f, c, &copy) || same_geometry(&f->fs,
		    &copy))
			continue;
		if (!ask5(f, Q_COPIES, "ALTERNATE SUPERBLK(S) ARE INCORRECT"))
			return;
		if (fsck_sb_image(f, prim) != 0) {
			fsck_problem(f, NULL, "CANNOT READ THE SUPERBLOCK (%s)",
			    f->dev.err);
			return;
		}
		(void)fsck_write(f, prim, (size_t)f->fs.fs_sbsize,
		    cgsblock(&f->fs, c));
	}
}

static void
write_summary(struct fsck *f, struct csum *sum)
{
	if (f->swapped)
		swap_csums(sum, (size_t)f->fs.fs_ncg);
	(void)fsck_write(f, sum, (size_t)f->fs.fs_cssize, f->fs.fs_csaddr);
}

static struct csum *
read_summary(struct fsck *f)
{
	struct csum *cs;

	if (f->badsum)
		return NULL;
	if ((cs = calloc(1, (size_t)f->fs.fs_cssize)) == NULL)
		fsck_fatal(f, "out of memory");
	if (fsck_read(f, cs, (size_t)f->fs.fs_cssize, f->fs.fs_csaddr) == 0 &&
	    f->swapped)
		swap_csums(cs, (size_t)f->fs.fs_ncg);
	return cs;
}

static void
check_totals(struct fsck *f, const struct totals *t)
{
	struct fs *fs = &f->fs;

	if (t->ndir == fs->fs_cstotal.cs_ndir &&
	    t->nbfree == fs->fs_cstotal.cs_nbfree &&
	    t->nifree == fs->fs_cstotal.cs_nifree &&
	    t->nffree == fs->fs_cstotal.cs_nffree)
		return;
	if (!f->preen && f->asked[Q_COUNTS] == ASK_NOT)
		printf("(totals: dirs %lld, blocks %lld, inodes %lld, frags %lld on "
	    "disk; %lld, %lld, %lld, %lld found)\n",
	    (long long)fs->fs_cstotal.cs_ndir,
	    (long long)fs->fs_cstotal.cs_nbfree,
	    (long long)fs->fs_cstotal.cs_nifree,
	    (long long)fs->fs_cstotal.cs_nffree, (long long)t->ndir,
	    (long long)t->nbfree, (long long)t->nifree, (long long)t->nffree);
	if (!ask5(f, Q_COUNTS, "FREE BLK COUNT(S) WRONG IN SUPERBLK"))
		return;
	fs->fs_cstotal.cs_ndir = t->ndir;
	fs->fs_cstotal.cs_nbfree = t->nbfree;
	fs->fs_cstotal.cs_nifree = t->nifree;
	fs->fs_cstotal.cs_nffree = t->nffree;
	f->sbdirty = true;
}

void
pass5(struct fsck *f)
{
	const struct fs *fs = &f->fs;
	uint8_t *disk = calloc(1, (size_t)fs->fs_bsize);
	uint8_t *mine = calloc(1, (size_t)fs->fs_bsize);
	struct csum *sum = read_summary(f);
	struct totals t = { 0, 0, 0, 0 };
	bool sumdirty = false;

	if (disk == NULL || mine == NULL)
		fsck_fatal(f, "out of memory");
	for (int64_t c = 0; c < fs->fs_ncg; c++) {
		memset(disk, 0, (size_t)fs->fs_bsize);
		if (fsck_read(f, disk, (size_t)fs->fs_cgsize, cgtod(fs, c)))
			continue;
		if (f->swapped)
			swap_cg(fs, disk, true);
		sumdirty |= check_cg(f, c, disk, mine, sum, &t);
	}
	if (sumdirty)
		write_summary(f, sum);
	check_totals(f, &t);
	check_copies(f);
	free(disk);
	free(mine);
	free(sum);
}
