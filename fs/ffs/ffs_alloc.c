/*
 * ffs_alloc.c: cylinder groups, and allocating and freeing blocks,
 * fragments and inodes in them (spec 8, 9, 14).
 *
 * Placement follows NetBSD's policy (spec 14): a block preference
 * (ffs_blkpref) keeps a file's blocks in its inode's cg and in runs,
 * moving to a fresh cg every fs_maxbpg blocks past the first indirect
 * block; a cg is chosen by quadratic rehash then a linear scan
 * (hashalloc); fragments come from the smallest free run that fits
 * (cg_frsum), else from a fresh block whose tail is given back; a
 * fragment grows in place when the frags after it are free.  Inodes
 * go to the parent directory's cg, new directories to a cg with few
 * directories and enough free space (dirpref).
 *
 * What changes together (14.7): the cg's maps, its cg_cs, cg_frsum,
 * cluster map and summary, rotors, the summary array entry fm_csp[cg]
 * and the totals; all under fm_lock, which is held from reading the
 * cg block to writing it back (a delayed write, or synchronous on a
 * MNT_SYNCHRONOUS mount).  A cg block is validated every time it is
 * read (magic, index, map offsets inside the block); a bad one is EIO
 * and is never modified.  Freeing what is already free (a corrupt
 * image) is reported on the console and otherwise ignored, as fsck
 * will find it; nothing here panics on disk contents.
 */
#include "fs/ffs/ffs.h"

/* cg header offsets (spec 8) */
#define CG_MAGIC_OFF	4
#define CG_OLDTIME	8
#define CG_CGX		12
#define CG_NDBLK	20
#define CG_NDIR		24
#define CG_NBFREE	28
#define CG_NIFREE	32
#define CG_NFFREE	36
#define CG_ROTOR	40
#define CG_FROTOR	44
#define CG_IROTOR	48
#define CG_FRSUM	52
#define CG_IUSEDOFF	92
#define CG_FREEOFF	96
#define CG_CLSUMOFF	104
#define CG_CLUSTEROFF	108
#define CG_NCLBLKS	112
#define CG_INITEDIBLK	120
#define CG_TIME		136

#define FS_OPTTIME	0
#define FS_OPTSPACE	1

/* One cylinder group block, read and checked (fm_lock held). */
struct ffs_cg {
	struct ffs_mount *g_fm;
	struct buf *g_bp;
	uint8_t	*g_c;
	int64_t	g_cgx;
	int32_t	g_ndblk;
	uint8_t	*g_iused, *g_free, *g_clmap;
	int32_t	g_clsumoff, g_nclblks;
	bool	g_dirty;	/* the buffer was changed: write it back */
};

static bool
isset(const uint8_t *map, int64_t i)
{
	return (map[i >> 3] >> (i & 7)) & 1;
}

static void
setbit(uint8_t *map, int64_t i)
{
	map[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static void
clrbit(uint8_t *map, int64_t i)
{
	map[i >> 3] &= (uint8_t)~(1u << (i & 7));
}

static int32_t
cg_get(const struct ffs_cg *g, int off)
{
	return (int32_t)ffs_get32(g->g_fm, g->g_c + off);
}

static void
cg_set(struct ffs_cg *g, int off, int32_t v)
{
	ffs_put32(g->g_fm, g->g_c + off, (uint32_t)v);
	g->g_dirty = true;
}

/* A rotor (a search hint) in [0, limit), else 0. */
static int64_t
cg_rotor(const struct ffs_cg *g, int off, int64_t limit)
{
	int64_t r = cg_get(g, off);

	return r >= 0 && r < limit ? r : 0;
}

/* Counters of a damaged cg may sit anywhere: wrap, never overflow. */
static void
cg_add(struct ffs_cg *g, int off, int32_t delta)
{
	cg_set(g, off, (int32_t)((uint32_t)cg_get(g, off) + (uint32_t)delta));
}

/* Read cylinder group cgx and check what we are going to use. */
static int
cg_read(struct ffs_mount *fm, int64_t cgx, struct ffs_cg *g)
{
	int64_t ndblk = MIN((int64_t)fm->fm_fpg, fm->fm_size - cgx * fm->fm_fpg);
	int64_t isz = (fm->fm_ipg + 7) / 8, fsz = (fm->fm_fpg + 7) / 8;
	int64_t cgsize = fm->fm_cgsize, iused, freeo;
	int error;

	memset(g, 0, sizeof(*g));
	g->g_fm = fm;
	g->g_cgx = cgx;
	error = ffs_bread(fm, ffs_cgstart(fm, cgx) + fm->fm_cblkno,
	    (size_t)fm->fm_cgsize, &g->g_bp);
	if (error != 0)
		return EIO;
	g->g_c = (uint8_t *)g->g_bp->b_data;
	iused = cg_get(g, CG_IUSEDOFF);
	freeo = cg_get(g, CG_FREEOFF);
	if (ffs_get32(fm, g->g_c + CG_MAGIC_OFF) != FFS_CG_MAGIC ||
	    cg_get(g, CG_CGX) != cgx || cg_get(g, CG_NDBLK) != ndblk ||
	    iused < 168 || iused + isz > cgsize || freeo < 168 ||
	    freeo + fsz > cgsize)
		goto bad;
	g->g_ndblk = (int32_t)ndblk;
	g->g_iused = g->g_c + iused;
	g->g_free = g->g_c + freeo;
	if (fm->fm_contigsumsize > 0) {
		int64_t so = cg_get(g, CG_CLSUMOFF), co = cg_get(g, CG_CLUSTEROFF);
		int64_t nb = cg_get(g, CG_NCLBLKS);

		if (so < 168 || so + 4 * ((int64_t)fm->fm_contigsumsize + 1) >
		    cgsize || co < 168 || nb < 0 || nb > ndblk / fm->fm_frag ||
		    co + (nb + 7) / 8 > cgsize)
			goto bad;
		g->g_clsumoff = (int32_t)so;
		g->g_clmap = g->g_c + co;
		g->g_nclblks = (int32_t)nb;
	}
	if (fm->fm_ufs2 && (cg_get(g, CG_INITEDIBLK) < 0 ||
	    cg_get(g, CG_INITEDIBLK) > fm->fm_ipg))
		goto bad;
	return 0;
bad:
	brelse(g->g_bp);
	return EIO;
}

/* Stamp and write back a changed cg. */
static void
cg_write(struct ffs_cg *g)
{
	struct ffs_mount *fm = g->g_fm;
	struct rump_timespec now;

	vfs_timestamp(&now);
	cg_set(g, CG_OLDTIME, (int32_t)now.tv_sec);
	if (fm->fm_layout2)
		ffs_put64(fm, g->g_c + CG_TIME, (uint64_t)now.tv_sec);
	(void)ffs_bwrite(fm, g->g_bp, false);
	fm->fm_fmod = true;
}

/* The counts of cg_cs, the summary array and the totals move as one. */
static void
cs_add(struct ffs_cg *g, int off, int32_t delta)
{
	struct ffs_mount *fm = g->g_fm;
	struct ffs_csum *cs = &fm->fm_csp[g->g_cgx];

	cg_add(g, off, delta);
	switch (off) {
	case CG_NDIR:
		cs->cs_ndir += delta;
		fm->fm_ndir += delta;
		break;
	case CG_NBFREE:
		cs->cs_nbfree += delta;
		fm->fm_nbfree += delta;
		break;
	case CG_NIFREE:
		cs->cs_nifree += delta;
		fm->fm_nifree += delta;
		break;
	default:
		cs->cs_nffree += delta;
		fm->fm_nffree += delta;
		break;
	}
}

/* The free bits of the block at cg-relative frag h (block aligned,
 * so they lie in one byte: fm_frag is 1, 2, 4 or 8). */
static unsigned
blk_bits(const struct ffs_cg *g, int64_t h)
{
	const struct ffs_mount *fm = g->g_fm;

	return ((unsigned)g->g_free[h >> 3] >> (h & 7)) &
	    ((1u << fm->fm_frag) - 1);
}

/* Are the frags of the block starting at cg-relative frag h all free? */
static bool
blk_isfree(const struct ffs_cg *g, int64_t h)
{
	const struct ffs_mount *fm = g->g_fm;

	if (h + fm->fm_frag > g->g_ndblk)
		return false;
	return blk_bits(g, h) == (1u << fm->fm_frag) - 1;
}

/* Count the maximal free runs of the block at h into cg_frsum (cnt
 * +1 or -1); a wholly free block is not a fragment run. */
static void
frag_acct(struct ffs_cg *g, int64_t h, int cnt)
{
	int frag = g->g_fm->fm_frag, run = 0;

	for (int i = 0; i <= frag; i++) {
		if (i < frag && h + i < g->g_ndblk && isset(g->g_free, h + i)) {
			run++;
			continue;
		}
		if (run > 0 && run < frag)
			cg_add(g, CG_FRSUM + 4 * run, cnt);
		run = 0;
	}
}

/* Block blkno (cg-relative, in blocks) became free (cnt 1) or used
 * (cnt -1): the cluster map and summary (spec 8.2). */
static void
cluster_acct(struct ffs_cg *g, int64_t blkno, int cnt)
{
	int64_t cs = g->g_fm->fm_contigsumsize, i, end, forw, back, len;

	if (cs <= 0 || blkno >= g->g_nclblks)
		return;
	if (cnt > 0)
		setbit(g->g_clmap, blkno);
	else
		clrbit(g->g_clmap, blkno);
	end = MIN(blkno + 1 + cs, (int64_t)g->g_nclblks);
	for (i = blkno + 1; i < end && isset(g->g_clmap, i); i++)
		continue;
	forw = i - (blkno + 1);
	end = MAX(blkno - 1 - cs, (int64_t)-1);
	for (i = blkno - 1; i > end && isset(g->g_clmap, i); i--)
		continue;
	back = blkno - 1 - i;
	len = MIN(back + forw + 1, cs);
	cg_add(g, g->g_clsumoff + 4 * (int)len, cnt);
	if (back > 0)
		cg_add(g, g->g_clsumoff + 4 * (int)back, -cnt);
	if (forw > 0)
		cg_add(g, g->g_clsumoff + 4 * (int)forw, -cnt);
}

/* Take the free block at cg-relative h. */
static void
blk_take(struct ffs_cg *g, int64_t h)
{
	for (int i = 0; i < g->g_fm->fm_frag; i++)
		clrbit(g->g_free, h + i);
	cluster_acct(g, h >> g->g_fm->fm_fragshift, -1);
	cs_add(g, CG_NBFREE, -1);
}

/* A whole free block near pref (an absolute frag or 0); -1 if none. */
static int64_t
alloc_cgblk(struct ffs_cg *g, int64_t pref)
{
	struct ffs_mount *fm = g->g_fm;
	int64_t nblk = g->g_ndblk >> fm->fm_fragshift, start, b, h;

	if (pref > 0 && pref / fm->fm_fpg == g->g_cgx) {
		h = (pref % fm->fm_fpg) & ~(int64_t)(fm->fm_frag - 1);
		if (blk_isfree(g, h))
			goto found;
		start = h >> fm->fm_fragshift;
	} else
		start = cg_rotor(g, CG_ROTOR, g->g_ndblk) >> fm->fm_fragshift;
	if (nblk == 0)
		return -1;
	start %= nblk;
	for (b = start; ; ) {
		h = b << fm->fm_fragshift;
		if (blk_bits(g, h) == (1u << fm->fm_frag) - 1) {
			cg_set(g, CG_ROTOR, (int32_t)h);
			goto found;
		}
		if (++b == nblk)
			b = 0;
		if (b == start)
			return -1;
	}
found:
	blk_take(g, h);
	return g->g_cgx * fm->fm_fpg + h;
}

/* The first block from the pref (or cg_frotor) holding a maximal
 * free run of exactly m frags; its cg-relative frag, or -1. */
static int64_t
frag_search(struct ffs_cg *g, int64_t pref, int m)
{
	struct ffs_mount *fm = g->g_fm;
	int64_t nblk = (g->g_ndblk + fm->fm_frag - 1) >> fm->fm_fragshift;
	int64_t start, b, h;

	if (pref > 0 && pref / fm->fm_fpg == g->g_cgx)
		start = (pref % fm->fm_fpg) >> fm->fm_fragshift;
	else
		start = cg_rotor(g, CG_FROTOR, g->g_ndblk) >> fm->fm_fragshift;
	for (b = 0; b < nblk; b++) {
		int run = 0;

		h = ((start + b) % nblk) << fm->fm_fragshift;
		if (h + fm->fm_frag <= g->g_ndblk) {
			/* all taken or all free: no run of m < frag */
			unsigned v = blk_bits(g, h);

			if (v == 0 || v == (1u << fm->fm_frag) - 1)
				continue;
		}
		for (int i = 0; i <= fm->fm_frag; i++) {
			if (i < fm->fm_frag && h + i < g->g_ndblk &&
			    isset(g->g_free, h + i)) {
				run++;
				continue;
			}
			if (run == m) {
				cg_set(g, CG_FROTOR, (int32_t)(h & ~(int64_t)7));
				return h + i - run;
			}
			run = 0;
		}
	}
	return -1;
}

/* Allocate size bytes in cg g near pref; -1 if it has no room. */
static int64_t
alloc_cg(struct ffs_cg *g, int64_t pref, size_t size)
{
	struct ffs_mount *fm = g->g_fm;
	int frags = (int)(size >> fm->fm_fshift), m;
	int64_t bno, h;

	if (size == (size_t)fm->fm_bsize) {
		if (cg_get(g, CG_NBFREE) <= 0)
			return -1;
		return alloc_cgblk(g, pref);
	}
	for (m = frags; m < fm->fm_frag; m++)
		if (cg_get(g, CG_FRSUM + 4 * m) > 0)
			break;
	if (m == fm->fm_frag) {
		/* no run fits: split a whole block, give back its tail */
		if (cg_get(g, CG_NBFREE) <= 0)
			return -1;
		if ((bno = alloc_cgblk(g, pref)) < 0)
			return -1;
		h = bno % fm->fm_fpg;
		for (int i = frags; i < fm->fm_frag; i++)
			setbit(g->g_free, h + i);
		cs_add(g, CG_NFFREE, fm->fm_frag - frags);
		cg_add(g, CG_FRSUM + 4 * (fm->fm_frag - frags), 1);
		return bno;
	}
	if ((h = frag_search(g, pref, m)) < 0)
		return -1;	/* cg_frsum lied: fsck's business */
	for (int i = 0; i < frags; i++)
		clrbit(g->g_free, h + i);
	cs_add(g, CG_NFFREE, -frags);
	cg_add(g, CG_FRSUM + 4 * m, -1);
	if (m != frags)
		cg_add(g, CG_FRSUM + 4 * (m - frags), 1);
	return g->g_cgx * fm->fm_fpg + h;
}

typedef int64_t (*cg_allocator)(struct ffs_cg *g, int64_t pref,
    size_t size);

/* Run fn on cg cgx; the cg goes back to the disk if fn changed it. */
static int64_t
try_cg(struct ffs_mount *fm, int64_t cgx, int64_t pref, size_t size,
    cg_allocator fn)
{
	struct ffs_cg g;
	int64_t r;

	if (cg_read(fm, cgx, &g) != 0)
		return -1;
	r = fn(&g, pref, size);
	if (r >= 0 || g.g_dirty)
		cg_write(&g);
	else
		brelse(g.g_bp);
	return r;
}

/* Try cg, then the quadratic rehash, then every cg (spec 14.2). */
static int64_t
hashalloc(struct ffs_mount *fm, int64_t cg, int64_t pref, size_t size,
    cg_allocator fn)
{
	int64_t r, i, c, ncg = fm->fm_ncg;

	if ((r = try_cg(fm, cg, pref, size, fn)) >= 0)
		return r;
	for (i = 1, c = cg; i < ncg; i *= 2) {
		c = (c + i) % ncg;
		if ((r = try_cg(fm, c, pref, size, fn)) >= 0)
			return r;
	}
	for (i = 2, c = (cg + 2) % ncg; i < ncg; i++, c = (c + 1) % ncg)
		if ((r = try_cg(fm, c, pref, size, fn)) >= 0)
			return r;
	return -1;
}

/* Free frags a user sees, less the root reserve (spec 6). */
static int64_t
freespace(const struct ffs_mount *fm, int pct)
{
	return fm->fm_nbfree * fm->fm_frag + fm->fm_nffree -
	    fm->fm_dsize * pct / 100;
}

static int
space_ok(struct ffs_mount *fm, size_t size, kauth_cred_t cred)
{
	if (size == (size_t)fm->fm_bsize && fm->fm_nbfree <= 0)
		return ENOSPC;
	/* cred NULL: the kernel's own need (directories), as NOCRED */
	if (cred != NULL && !cred_isroot(cred) &&
	    freespace(fm, fm->fm_minfree) - (int64_t)(size >> fm->fm_fshift) <
	    0)
		return ENOSPC;
	return 0;
}

int
ffs_alloc(struct ffs_inode *ip, int64_t lbn, int64_t pref, size_t nsize,
    kauth_cred_t cred, int64_t *addrp)
{
	struct ffs_mount *fm = ip->fi_fm;
	int64_t cg, r;
	int error;

	(void)lbn;
	*addrp = 0;
	mutex_enter(&fm->fm_lock);
	if ((error = space_ok(fm, nsize, cred)) != 0) {
		mutex_exit(&fm->fm_lock);
		return error;
	}
	if (pref >= fm->fm_size)
		pref = 0;
	cg = pref > 0 ? pref / fm->fm_fpg : ip->fi_ino / (uint32_t)fm->fm_ipg;
	r = hashalloc(fm, cg, pref, nsize, alloc_cg);
	mutex_exit(&fm->fm_lock);
	if (r < 0)
		return ENOSPC;
	*addrp = r;
	return 0;
}

/* Grow the run at bprev from osize to nsize in place; fm_lock held. */
static bool
frag_extend(struct ffs_mount *fm, int64_t bprev, size_t osize, size_t nsize)
{
	int ofrags = (int)(osize >> fm->fm_fshift);
	int frags = (int)(nsize >> fm->fm_fshift), i;
	int64_t bbase = bprev & (fm->fm_frag - 1), h;
	struct ffs_cg g;

	if (bbase + frags > fm->fm_frag)
		return false;	/* would cross into the next block */
	if (cg_read(fm, bprev / fm->fm_fpg, &g) != 0)
		return false;
	h = bprev % fm->fm_fpg;
	if (h + frags > g.g_ndblk)
		goto no;
	for (i = ofrags; i < frags; i++)
		if (!isset(g.g_free, h + i))
			goto no;
	/* the free run after the fragment shrinks from i - ofrags */
	for (i = frags; i < fm->fm_frag - bbase; i++)
		if (h + i >= g.g_ndblk || !isset(g.g_free, h + i))
			break;
	cg_add(&g, CG_FRSUM + 4 * (i - ofrags), -1);
	if (i != frags)
		cg_add(&g, CG_FRSUM + 4 * (i - frags), 1);
	for (i = ofrags; i < frags; i++)
		clrbit(g.g_free, h + i);
	cs_add(&g, CG_NFFREE, -(frags - ofrags));
	cg_write(&g);
	return true;
no:
	brelse(g.g_bp);
	return false;
}

int
ffs_realloccg(struct ffs_inode *ip, int64_t lbn, int64_t pref, size_t osize,
    size_t nsize, kauth_cred_t cred, int64_t *addrp, bool *moved)
{
	struct ffs_mount *fm = ip->fi_fm;
	int64_t bprev = *addrp, r, cg;
	size_t request;
	int error;

	(void)lbn;
	*moved = false;
	mutex_enter(&fm->fm_lock);
	if ((error = space_ok(fm, nsize - osize, cred)) != 0)
		goto out;
	if (frag_extend(fm, bprev, osize, nsize))
		goto out;
	if (pref <= 0 || pref >= fm->fm_size)
		pref = 0;
	cg = pref > 0 ? pref / fm->fm_fpg : bprev / fm->fm_fpg;
	/* spec 14.5: whole blocks while fragments are plentiful */
	if (fm->fm_optim == FS_OPTSPACE) {
		request = nsize;
		if (fm->fm_minfree >= 5 &&
		    fm->fm_nffree <= fm->fm_dsize * fm->fm_minfree / 200)
			fm->fm_optim = FS_OPTTIME;
	} else {
		request = (size_t)fm->fm_bsize;
		if (fm->fm_nffree >= fm->fm_dsize * (fm->fm_minfree - 2) / 100)
			fm->fm_optim = FS_OPTSPACE;
	}
	if (request == (size_t)fm->fm_bsize && fm->fm_nbfree <= 0)
		request = nsize;
	r = hashalloc(fm, cg, pref, request, alloc_cg);
	if (r < 0) {
		error = ENOSPC;
		goto out;
	}
	mutex_exit(&fm->fm_lock);
	if (request > nsize)
		ffs_blkfree(fm, r + (int64_t)(nsize >> fm->fm_fshift),
		    request - nsize);
	*addrp = r;
	*moved = true;
	return 0;
out:
	mutex_exit(&fm->fm_lock);
	return error;
}

void
ffs_blkfree(struct ffs_mount *fm, int64_t addr, size_t size)
{
	int frags = (int)(size >> fm->fm_fshift);
	int64_t h, bbase;
	struct ffs_cg g;

	if (size == 0)
		return;
	binvalrange(fm->fm_dev, FFS_FSBTODB(fm, addr),
	    (int64_t)(size / DEV_BSIZE));
	mutex_enter(&fm->fm_lock);
	if (!ffs_addr_ok(fm, addr, frags) ||
	    (addr & (fm->fm_frag - 1)) + frags > fm->fm_frag ||
	    cg_read(fm, addr / fm->fm_fpg, &g) != 0) {
		mutex_exit(&fm->fm_lock);
		kprintf("ffs: freeing bad block %lld\n", (long long)addr);
		return;
	}
	h = addr % fm->fm_fpg;
	bbase = h & ~(int64_t)(fm->fm_frag - 1);
	for (int i = 0; i < frags; i++)
		if (h + i >= g.g_ndblk || isset(g.g_free, h + i)) {
			brelse(g.g_bp);
			mutex_exit(&fm->fm_lock);
			kprintf("ffs: freeing free frag %lld\n",
			    (long long)(addr + i));
			return;
		}
	if (frags == fm->fm_frag) {
		for (int i = 0; i < frags; i++)
			setbit(g.g_free, h + i);
		cluster_acct(&g, h >> fm->fm_fragshift, 1);
		cs_add(&g, CG_NBFREE, 1);
	} else {
		frag_acct(&g, bbase, -1);
		for (int i = 0; i < frags; i++)
			setbit(g.g_free, h + i);
		cs_add(&g, CG_NFFREE, frags);
		if (blk_isfree(&g, bbase)) {
			cs_add(&g, CG_NFFREE, -fm->fm_frag);
			cluster_acct(&g, bbase >> fm->fm_fragshift, 1);
			cs_add(&g, CG_NBFREE, 1);
		} else
			frag_acct(&g, bbase, 1);
	}
	cg_write(&g);
	mutex_exit(&fm->fm_lock);
}

/* The previous pointer of an array in image order. */
static int64_t
bap_get(const struct ffs_mount *fm, const void *bap, int i)
{
	const uint8_t *p = bap;

	if (fm->fm_ufs2)
		return (int64_t)ffs_get64(fm, p + 8 * i);
	return (int32_t)ffs_get32(fm, p + 4 * i);
}

int64_t
ffs_blkpref(struct ffs_inode *ip, int64_t lbn, int indx, const void *bap)
{
	struct ffs_mount *fm = ip->fi_fm;
	int64_t prev = 0, startcg, avgbfree, cg, pref = 0;

	if (bap != NULL && indx > 0)
		prev = bap == (const void *)ip->fi_db ? ip->fi_db[indx - 1] :
		    bap_get(fm, bap, indx - 1);
	if (indx % fm->fm_maxbpg != 0 && prev != 0)
		return prev + fm->fm_frag;
	if (lbn < FFS_NDADDR + fm->fm_nindir) {
		cg = ip->fi_ino / (uint32_t)fm->fm_ipg;
		return cg * fm->fm_fpg + fm->fm_frag;
	}
	mutex_enter(&fm->fm_lock);
	startcg = prev != 0 ? prev / fm->fm_fpg + 1 :
	    ip->fi_ino / (uint32_t)fm->fm_ipg + lbn / fm->fm_maxbpg;
	startcg %= fm->fm_ncg;
	avgbfree = fm->fm_nbfree / fm->fm_ncg;
	for (int64_t i = 0; i < fm->fm_ncg; i++) {
		cg = (startcg + i) % fm->fm_ncg;
		if (fm->fm_csp[cg].cs_nbfree >= avgbfree) {
			pref = cg * fm->fm_fpg + fm->fm_frag;
			break;
		}
	}
	mutex_exit(&fm->fm_lock);
	return pref;
}

/* --- inodes ----------------------------------------------------------- */

/* UFS2: zero the next inode block of g and count it initialised
 * (spec 8.4), each inode with a fresh generation number. */
static int
inode_block_init(struct ffs_cg *g)
{
	struct ffs_mount *fm = g->g_fm;
	int32_t inited = cg_get(g, CG_INITEDIBLK);
	uint32_t ino = (uint32_t)(g->g_cgx * fm->fm_ipg + inited);
	struct buf *bp;
	uint64_t x;
	int error;

	error = getblk(fm->fm_dev, FFS_FSBTODB(fm, ffs_ino_to_frag(fm, ino)),
	    (size_t)fm->fm_bsize, &bp);
	if (error != 0)
		return error;
	memset(bp->b_data, 0, (size_t)fm->fm_bsize);
	/* one host random number per block, stretched (a splitmix64
	 * step per inode): generations need to differ, not be secret */
	x = ((uint64_t)kern_random() << 32) | kern_random();
	for (int i = 0; i < fm->fm_inopb; i++) {
		uint64_t z = (x += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		ffs_put32(fm, bp->b_data + 256 * i + 80,
		    ((uint32_t)z & 0x7fffffff) / 2 + 1);
	}
	if ((error = bwrite(bp)) != 0)
		return error;
	cg_set(g, CG_INITEDIBLK, inited + fm->fm_inopb);
	return 0;
}

/* The inode allocator of one cg (ffs_nodealloccg); size = the mode. */
static int64_t
alloc_inode_cg(struct ffs_cg *g, int64_t ipref, size_t mode)
{
	struct ffs_mount *fm = g->g_fm;
	int64_t ipg = fm->fm_ipg, idx = -1, start, i;
	bool dir = ((uint16_t)mode & FFS_IFMT) == FFS_IFDIR;

	if (cg_get(g, CG_NIFREE) <= 0)
		return -1;
	if (ipref > 0 && ipref / ipg == g->g_cgx &&
	    !isset(g->g_iused, ipref % ipg))
		idx = ipref % ipg;
	start = cg_rotor(g, CG_IROTOR, ipg);
	for (i = 0; idx < 0 && i < ipg; i++) {
		int64_t k = (start + i) % ipg;

		if (!isset(g->g_iused, k) && (g->g_cgx != 0 || k > 1)) {
			idx = k;
			cg_set(g, CG_IROTOR, (int32_t)k);
		}
	}
	if (idx < 0)
		return -1;	/* the summary lied */
	while (fm->fm_ufs2 && idx + fm->fm_inopb > cg_get(g, CG_INITEDIBLK) &&
	    cg_get(g, CG_INITEDIBLK) < ipg)
		if (inode_block_init(g) != 0)
			return -1;
	setbit(g->g_iused, idx);
	cs_add(g, CG_NIFREE, -1);
	if (dir) {
		cs_add(g, CG_NDIR, 1);
		if (fm->fm_contigdirs[g->g_cgx] < 255)
			fm->fm_contigdirs[g->g_cgx]++;
	} else if (fm->fm_contigdirs[g->g_cgx] > 0)
		fm->fm_contigdirs[g->g_cgx]--;
	return g->g_cgx * ipg + idx;
}

/* Where a new directory under pip should go (ffs_dirpref, spec 14.2);
 * fm_lock held. */
static int64_t
dirpref(struct ffs_inode *pip)
{
	struct ffs_mount *fm = pip->fi_fm;
	int64_t ncg = fm->fm_ncg, cg, prefcg, mincg, i;
	int64_t avgifree = fm->fm_nifree / ncg, avgbfree = fm->fm_nbfree / ncg;
	int64_t avgndir = fm->fm_ndir / ncg, minndir, maxndir, minifree;
	int64_t minbfree, cgsize, dirsize, curdirsize, maxcontigdirs;

	if (pip->fi_ino == FFS_ROOTINO) {
		prefcg = kern_random() % (uint32_t)ncg;
		mincg = prefcg;
		minndir = fm->fm_ipg;
		for (i = 0; i < ncg; i++) {
			cg = (prefcg + i) % ncg;
			if (fm->fm_csp[cg].cs_ndir < minndir &&
			    fm->fm_csp[cg].cs_nifree >= avgifree &&
			    fm->fm_csp[cg].cs_nbfree >= avgbfree) {
				mincg = cg;
				minndir = fm->fm_csp[cg].cs_ndir;
			}
		}
		return mincg * fm->fm_ipg;
	}
	maxndir = MIN(avgndir + fm->fm_ipg / 16, (int64_t)fm->fm_ipg);
	minifree = MAX(avgifree - avgifree / 4, (int64_t)1);
	minbfree = MAX(avgbfree - avgbfree / 4, (int64_t)1);
	cgsize = (int64_t)fm->fm_fsize * fm->fm_fpg;
	dirsize = (int64_t)fm->fm_avgfilesize * fm->fm_avgfpdir;
	curdirsize = avgndir != 0 ?
	    (cgsize - avgbfree * fm->fm_bsize) / avgndir : 0;
	if (dirsize < curdirsize)
		dirsize = curdirsize;
	if (dirsize <= 0)
		dirsize = 1;
	maxcontigdirs = cgsize < 255 * dirsize ?
	    avgbfree * fm->fm_bsize / dirsize : 255;
	maxcontigdirs = MIN(maxcontigdirs,
	    (int64_t)(fm->fm_ipg / fm->fm_avgfpdir));
	if (maxcontigdirs == 0)
		maxcontigdirs = 1;
	prefcg = pip->fi_ino / (uint32_t)fm->fm_ipg;
	for (i = 0; i < ncg; i++) {
		cg = (prefcg + i) % ncg;
		if (fm->fm_csp[cg].cs_ndir < maxndir &&
		    fm->fm_csp[cg].cs_nifree >= minifree &&
		    fm->fm_csp[cg].cs_nbfree >= minbfree &&
		    fm->fm_contigdirs[cg] < maxcontigdirs)
			return cg * fm->fm_ipg;
	}
	for (i = 0; i < ncg; i++) {
		cg = (prefcg + i) % ncg;
		if (fm->fm_csp[cg].cs_nifree >= avgifree)
			return cg * fm->fm_ipg;
	}
	return 0;
}

int
ffs_valloc(struct ffs_inode *pip, uint16_t mode, uint32_t *inop)
{
	struct ffs_mount *fm = pip->fi_fm;
	int64_t ipref, r;

	*inop = 0;
	mutex_enter(&fm->fm_lock);
	if (fm->fm_nifree <= 0) {
		mutex_exit(&fm->fm_lock);
		return ENOSPC;
	}
	ipref = (mode & FFS_IFMT) == FFS_IFDIR ? dirpref(pip) : pip->fi_ino;
	if (ipref >= (int64_t)fm->fm_ncg * fm->fm_ipg)
		ipref = 0;
	r = hashalloc(fm, ipref / fm->fm_ipg, ipref, mode, alloc_inode_cg);
	mutex_exit(&fm->fm_lock);
	if (r < 0)
		return ENOSPC;
	*inop = (uint32_t)r;
	return 0;
}

void
ffs_vfree(struct ffs_mount *fm, uint32_t ino, uint16_t mode)
{
	int64_t idx = ino % (uint32_t)fm->fm_ipg;
	struct ffs_cg g;

	mutex_enter(&fm->fm_lock);
	if (cg_read(fm, ino / (uint32_t)fm->fm_ipg, &g) != 0) {
		mutex_exit(&fm->fm_lock);
		return;
	}
	if (!isset(g.g_iused, idx)) {
		brelse(g.g_bp);
		mutex_exit(&fm->fm_lock);
		kprintf("ffs: freeing free inode %u\n", ino);
		return;
	}
	clrbit(g.g_iused, idx);
	if (idx < cg_get(&g, CG_IROTOR))
		cg_set(&g, CG_IROTOR, (int32_t)idx);
	cs_add(&g, CG_NIFREE, 1);
	if ((mode & FFS_IFMT) == FFS_IFDIR)
		cs_add(&g, CG_NDIR, -1);
	cg_write(&g);
	mutex_exit(&fm->fm_lock);
}

/* --- the summary array -------------------------------------------------- */

int
ffs_csum_load(struct ffs_mount *fm)
{
	int64_t left = fm->fm_cssize, frag = fm->fm_csaddr;
	size_t at = 0, total = (size_t)fm->fm_ncg * 16;
	struct buf *bp;
	int error;

	fm->fm_csp = kmem_zalloc((size_t)fm->fm_ncg * sizeof(*fm->fm_csp),
	    KM_SLEEP);
	fm->fm_contigdirs = kmem_zalloc((size_t)fm->fm_ncg, KM_SLEEP);
	if (fm->fm_csp == NULL || fm->fm_contigdirs == NULL)
		return ENOMEM;
	while (left > 0) {
		size_t n = (size_t)MIN(left, (int64_t)fm->fm_bsize);

		n = (n + (size_t)fm->fm_fsize - 1) & ~((size_t)fm->fm_fsize - 1);
		if ((error = ffs_bread(fm, frag, n, &bp)) != 0)
			return error;
		for (size_t o = 0; o < n && at < total; o += 16, at += 16) {
			struct ffs_csum *cs = &fm->fm_csp[at / 16];
			const uint8_t *p = (const uint8_t *)bp->b_data + o;

			cs->cs_ndir = (int32_t)ffs_get32(fm, p);
			cs->cs_nbfree = (int32_t)ffs_get32(fm, p + 4);
			cs->cs_nifree = (int32_t)ffs_get32(fm, p + 8);
			cs->cs_nffree = (int32_t)ffs_get32(fm, p + 12);
		}
		brelse(bp);
		left -= (int64_t)n;
		frag += (int64_t)n >> fm->fm_fshift;
	}
	/* the counts statvfs and the allocator use must fit the file
	 * system */
	for (int64_t c = 0; c < fm->fm_ncg; c++) {
		const struct ffs_csum *cs = &fm->fm_csp[c];

		if (cs->cs_ndir < 0 || cs->cs_nbfree < 0 || cs->cs_nifree < 0 ||
		    cs->cs_nffree < 0 || cs->cs_ndir > fm->fm_ipg ||
		    cs->cs_nifree > fm->fm_ipg ||
		    cs->cs_nbfree > fm->fm_fpg / fm->fm_frag ||
		    cs->cs_nffree > fm->fm_fpg)
			return EINVAL;
	}
	if (fm->fm_ndir < 0 || fm->fm_nbfree < 0 || fm->fm_nifree < 0 ||
	    fm->fm_nffree < 0 ||
	    fm->fm_ndir > (int64_t)fm->fm_ncg * fm->fm_ipg ||
	    fm->fm_nifree > (int64_t)fm->fm_ncg * fm->fm_ipg ||
	    fm->fm_nbfree > fm->fm_size / fm->fm_frag ||
	    fm->fm_nffree > fm->fm_size)
		return EINVAL;
	return 0;
}
