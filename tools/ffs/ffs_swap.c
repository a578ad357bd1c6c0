/*
 * ffs_swap.c: byte order for opposite-endian images (spec section 16).
 *
 * Each structure is described by a table of runs {offset, count,
 * width}: the integer fields it holds.  Bytes outside the runs (names,
 * bitmaps, the superblock's in-core pointer area) are never swapped.
 * Unlike NetBSD, every integer field is swapped, including the journal
 * and spare fields.  Called at the I/O boundary only, so the code
 * above it always sees host order.
 */
#include <string.h>

#include "tools/ffs/ffs_fmt.h"

struct run {
	uint16_t off, count;
	uint8_t	width;
};

static void
swap_runs(void *p, const struct run *r)
{
	uint8_t *b = p;

	for (; r->width != 0; r++)
		for (unsigned i = 0; i < r->count; i++) {
			uint8_t *f = b + r->off + i * r->width;

			if (r->width == 2) {
				uint16_t v;
				memcpy(&v, f, 2);
				v = __builtin_bswap16(v);
				memcpy(f, &v, 2);
			} else if (r->width == 4) {
				uint32_t v;
				memcpy(&v, f, 4);
				v = __builtin_bswap32(v);
				memcpy(f, &v, 4);
			} else {
				uint64_t v;
				memcpy(&v, f, 8);
				v = __builtin_bswap64(v);
				memcpy(f, &v, 8);
			}
		}
}

static const struct run sb_runs[] = {
	{ 0, 52, 4 },		/* firstfield .. old_cstotal */
	{ 712, 1, 8 },		/* swuid */
	{ 720, 2, 4 },		/* pad, cgrotor */
	{ 856, 2, 4 },		/* old_cpc, maxbsize */
	{ 868, 1, 4 },		/* journal_flags */
	{ 872, 4, 8 },		/* journallocs */
	{ 904, 1, 4 },		/* quota_magic */
	{ 912, 11, 8 },		/* quotafile, sparecon64 */
	{ 1000, 14, 8 },	/* sblockloc .. pendingblocks */
	{ 1112, 54, 4 },	/* pendinginodes .. old_inodefmt */
	{ 1328, 3, 8 },		/* maxfilesize, qbmask, qfmask */
	{ 1352, 6, 4 },		/* state .. magic */
	{ 0, 0, 0 }
};

void
swap_sb(struct fs *fs)
{
	swap_runs(fs, sb_runs);
}

static const struct run cg_runs[] = {
	{ 0, 4, 4 }, { 16, 2, 2 }, { 20, 29, 4 }, { 136, 4, 8 }, { 0, 0, 0 }
};

/*
 * The variable parts: UFS1 rotational counters (old_cpg i32 and
 * old_cpg * old_nrpos i16) and the cluster summary (elements 1 ..
 * contigsumsize).  Offsets are bounded by the cg size so that a
 * corrupt header cannot send us outside the block.
 */
static void
swap_cg_tail(const struct fs *fs, uint8_t *b, const struct cg *h)
{
	int64_t lim = fs->fs_cgsize;
	struct run r[2] = { { 0, 0, 0 }, { 0, 0, 0 } };

	if (!fs_is_ufs2(fs) && h->cg_old_btotoff >= CG_HDR &&
	    h->cg_old_btotoff + 4LL * fs->fs_old_cpg <= lim) {
		r[0] = (struct run){ (uint16_t)h->cg_old_btotoff,
		    (uint16_t)fs->fs_old_cpg, 4 };
		swap_runs(b, r);
	}
	if (!fs_is_ufs2(fs) && h->cg_old_boff >= CG_HDR &&
	    h->cg_old_boff + 2LL * fs->fs_old_cpg * fs->fs_old_nrpos <= lim) {
		r[0] = (struct run){ (uint16_t)h->cg_old_boff,
		    (uint16_t)(fs->fs_old_cpg * fs->fs_old_nrpos), 2 };
		swap_runs(b, r);
	}
	if (fs->fs_contigsumsize > 0 && h->cg_clustersumoff >= CG_HDR &&
	    h->cg_clustersumoff + 4LL * (fs->fs_contigsumsize + 1) <= lim) {
		r[0] = (struct run){ (uint16_t)(h->cg_clustersumoff + 4),
		    (uint16_t)fs->fs_contigsumsize, 4 };
		swap_runs(b, r);
	}
}

void
swap_cg(const struct fs *fs, void *cgblk, bool to_host)
{
	struct cg h;

	if (to_host) {
		swap_runs(cgblk, cg_runs);
		memcpy(&h, cgblk, sizeof(h));
	} else {
		memcpy(&h, cgblk, sizeof(h));
		swap_runs(cgblk, cg_runs);
	}
	swap_cg_tail(fs, cgblk, &h);
}

static const struct run di1_runs[] = {
	{ 0, 4, 2 }, { 8, 1, 8 }, { 16, 26, 4 }, { 120, 1, 8 }, { 0, 0, 0 }
};
static const struct run di2_runs[] = {
	{ 0, 2, 2 }, { 4, 3, 4 }, { 16, 6, 8 }, { 64, 8, 4 }, { 96, 20, 8 },
	{ 0, 0, 0 }
};

void
swap_dinode(const struct fs *fs, void *di)
{
	swap_runs(di, fs_is_ufs2(fs) ? di2_runs : di1_runs);
}

void
swap_csums(struct csum *cs, size_t n)
{
	struct run r[2] = { { 0, 4, 4 }, { 0, 0, 0 } };

	for (size_t i = 0; i < n; i++)
		swap_runs(&cs[i], r);
}

void
swap_ptrs(const struct fs *fs, void *blk, size_t n)
{
	uint8_t *b = blk;
	int w = fs_is_ufs2(fs) ? 8 : 4;
	struct run r[2] = { { 0, 1, (uint8_t)w }, { 0, 0, 0 } };

	for (size_t i = 0; i < n; i++)
		swap_runs(b + i * (size_t)w, r);
}

/* Directory entries read from disk (to host order only: the record
 * length is read after swapping), in len bytes of whole chunks; a
 * chunk stops at an entry whose record length cannot be right. */
void
swap_dirents(void *buf, size_t len)
{
	uint8_t *b = buf;
	struct run r[3] = { { 0, 1, 4 }, { 4, 1, 2 }, { 0, 0, 0 } };

	for (size_t chunk = 0; chunk + DIRBLKSIZ <= len; chunk += DIRBLKSIZ)
		for (size_t off = 0; off + DIRECT_HDR <= DIRBLKSIZ;) {
			uint16_t reclen;

			swap_runs(b + chunk + off, r);
			memcpy(&reclen, b + chunk + off + 4, 2);
			if (reclen == 0 || reclen % 4 != 0)
				break;
			off += reclen;
		}
}
