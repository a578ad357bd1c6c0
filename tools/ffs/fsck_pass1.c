/*
 * fsck_pass1.c: pass 1 (every inode: type, size, pointers in range,
 * each fragment owned once, block count) and pass 1b (every owner of
 * a duplicate).  The block walker here is shared with pass 2, which
 * reads directories through it.
 *
 * A block claimed by two owners, or out of range, is never descended
 * into when it is an indirect block, so a malicious image cannot make
 * the walk revisit blocks: each frag is read at most once per pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/ffs/fsck.h"

#define MAXBAD	10	/* NetBSD's MAXBAD/MAXDUP: then "EXCESSIVE" */

struct walkres {
	int	beyond;		/* pointers past the end of the file */
	int64_t	holes;		/* data blocks missing inside the size */
};

/* The allocated size of logical block lbn (the tail rule). */
static int
blk_frags(const struct fs *fs, const struct dino *di, int64_t lbn)
{
	uint64_t bs = (uint64_t)fs->fs_bsize;

	if (lbn >= NDADDR || di->size >= (uint64_t)(lbn + 1) * bs)
		return fs->fs_frag;
	return (int)(fragroundup(fs, (int64_t)(di->size & (bs - 1))) >>
	    fs->fs_fshift);
}

static int64_t
get_ptr(const struct fsck *f, const uint8_t *blk, int64_t i)
{
	if (fs_is_ufs2(&f->fs)) {
		int64_t v;

		memcpy(&v, blk + 8 * i, 8);
		return f->swapped ? (int64_t)__builtin_bswap64((uint64_t)v) : v;
	}
	int32_t v;

	memcpy(&v, blk + 4 * i, 4);
	return f->swapped ? (int32_t)__builtin_bswap32((uint32_t)v) : v;
}

/* The indirect block at frag covering `span` blocks per entry from
 * lbn `first`; nblk = blocks the size needs. */
static int
walk_indirect(struct fsck *f, int64_t frag, int level, int64_t first,
    int64_t span, int64_t nblk, blk_fn fn, void *arg, struct walkres *r)
{
	int64_t nindir = f->fs.fs_nindir;
	uint8_t *blk;
	int rc;

	if ((rc = fn(f, frag, f->fs.fs_frag, -1, arg)) != 0)
		return rc < 0 ? -1 : 0;
	if ((blk = malloc((size_t)f->fs.fs_bsize)) == NULL)
		fsck_fatal(f, "out of memory");
	if (fsck_read(f, blk, (size_t)f->fs.fs_bsize, frag) != 0) {
		free(blk);
		return 0;
	}
	for (int64_t i = 0; i < nindir; i++) {
		int64_t p = get_ptr(f, blk, i), lbn = first + i * span;
		int sub = 0;

		if (lbn >= nblk) {
			r->beyond += p != 0;
			continue;
		}
		if (p == 0)
			r->holes += lbn + span <= nblk ? span : nblk - lbn;
		else if (level == 0)
			sub = fn(f, p, f->fs.fs_frag, lbn, arg);
		else
			sub = walk_indirect(f, p, level - 1, lbn, span / nindir,
			    nblk, fn, arg, r);
		if (sub < 0) {
			free(blk);
			return -1;
		}
	}
	free(blk);
	return 0;
}

/* Walk a regular file's, directory's or slow symlink's blocks. */
static int
walk_blocks(struct fsck *f, const struct dino *di, blk_fn fn, void *arg,
    struct walkres *r)
{
	const struct fs *fs = &f->fs;
	int64_t nblk = (int64_t)howmany64((int64_t)di->size, fs->fs_bsize);
	int64_t first = NDADDR, span = 1;

	memset(r, 0, sizeof(*r));
	for (int64_t lbn = 0; lbn < NDADDR; lbn++) {
		if (lbn >= nblk)
			r->beyond += di->db[lbn] != 0;
		else if (di->db[lbn] == 0)
			r->holes++;
		else if (fn(f, di->db[lbn], blk_frags(fs, di, lbn), lbn,
		    arg) < 0)
			return -1;
	}
	for (int level = 0; level < NIADDR; level++) {
		int64_t cover = span * fs->fs_nindir;

		if (first >= nblk)
			r->beyond += di->ib[level] != 0;
		else if (di->ib[level] == 0)
			r->holes += first + cover <= nblk ? cover : nblk - first;
		else if (walk_indirect(f, di->ib[level], level, first,
		    cover / fs->fs_nindir, nblk, fn, arg, r) < 0)
			return -1;
		first += cover;
		span = cover;
	}
	return 0;
}

int
dir_blocks(struct fsck *f, uint64_t ino, const struct dino *di, blk_fn fn,
    void *arg)
{
	struct walkres r;

	(void)ino;
	return walk_blocks(f, di, fn, arg, &r);
}

/* chkrange: inside the file system, not across a block, not in a
 * cg's superblock copy, header or inode table. */
bool
fsck_chkrange(const struct fsck *f, int64_t frag, int n)
{
	const struct fs *fs = &f->fs;
	int64_t c;

	if (frag <= 0 || n <= 0 || frag > fs->fs_size - n)
		return false;
	if (n > fs->fs_frag || (frag & (fs->fs_frag - 1)) + n > fs->fs_frag)
		return false;
	c = frag / fs->fs_fpg;
	if (frag < cgdmin(fs, c))
		return frag + n <= cgsblock(fs, c);
	return frag + n <= cgbase(fs, c + 1);
}

struct claim {
	uint64_t ino;
	int64_t	frags;
	int	nbad, ndup;
};

static void
add_dup(struct fsck *f, int64_t frag)
{
	if (f->ndups == f->capdups) {
		f->capdups = f->capdups ? 2 * f->capdups : 64;
		f->dups = realloc(f->dups, f->capdups * sizeof(*f->dups));
		if (f->dups == NULL)
			fsck_fatal(f, "out of memory");
	}
	f->dups[f->ndups++] = frag;
}

/*
 * Pass 1's visitor: mark the frags used, report bad and dup ones.  As
 * NetBSD's pass1check, every frag of a run counts towards the block
 * count, even out of range ones; the in-range frags of a bad run are
 * still marked.
 */
static int
claim_blocks(struct fsck *f, int64_t frag, int n, int64_t lbn, void *arg)
{
	struct claim *c = arg;
	bool bad = !fsck_chkrange(f, frag, n), dup = false;

	(void)lbn;
	if (bad) {
		fsck_note(f, "%lld BAD I=%llu", (long long)frag,
		    (unsigned long long)c->ino);
		if (c->nbad++ >= MAXBAD) {
			fsck_problem(f, "CONTINUE? no", "EXCESSIVE BAD BLKS "
			    "I=%llu", (unsigned long long)c->ino);
			return -1;
		}
	}
	for (int i = 0; i < n; i++) {
		c->frags++;
		if (bad && !fsck_chkrange(f, frag + i, 1))
			continue;
		if (!bit_isset(f->blockmap, frag + i)) {
			bit_set(f->blockmap, frag + i);
			f->nused++;
			continue;
		}
		fsck_note(f, "%lld DUP I=%llu", (long long)(frag + i),
		    (unsigned long long)c->ino);
		add_dup(f, frag + i);
		dup = true;
		if (c->ndup++ >= MAXBAD) {
			fsck_problem(f, "CONTINUE? no", "EXCESSIVE DUP BLKS "
			    "I=%llu", (unsigned long long)c->ino);
			return -1;
		}
	}
	return bad || dup ? 1 : 0;
}

static bool
valid_type(uint16_t mode)
{
	switch (mode & IFMT) {
	case IFIFO: case IFCHR: case IFDIR: case IFBLK: case IFREG:
	case IFLNK: case IFSOCK:
		return true;
	}
	return false;
}

static bool
is_fast_symlink(const struct fs *fs, const struct dino *di)
{
	if ((di->mode & IFMT) != IFLNK)
		return false;
	return di->size < (uint64_t)fs->fs_maxsymlinklen ||
	    (fs->fs_maxsymlinklen == 0 && di->blocks == 0);
}

/* Pointer slots that must be zero for an inode without blocks. */
static bool
slots_clear(const struct fs *fs, const struct dino *di)
{
	int64_t first = 0, w = fs_is_ufs2(fs) ? 8 : 4;

	if ((di->mode & IFMT) == IFCHR || (di->mode & IFMT) == IFBLK)
		first = 1;
	else if (is_fast_symlink(fs, di))
		first = howmany64((int64_t)di->size, w);
	for (int64_t i = first; i < NDADDR + NIADDR; i++)
		if ((i < NDADDR ? di->db[i] : di->ib[i - NDADDR]) != 0)
			return false;
	return true;
}

static bool
size_ok(const struct fs *fs, const struct dino *di)
{
	if ((di->mode & IFMT) == IFDIR && di->size > 0x7fffffffULL)
		return false;
	if (fs_is_ufs2(fs))
		return di->size <= fs->fs_maxfilesize;
	return di->size <= ((uint64_t)fs->fs_bsize << 31) - 1;
}

/* A direct or indirect pointer in the inode that its size does not
 * need (NetBSD's pass 1 calls the inode an unknown file type). */
static bool
inode_pointers_past_size(const struct fs *fs, const struct dino *di)
{
	int64_t nblk = howmany64((int64_t)di->size, fs->fs_bsize);
	int64_t first = NDADDR, cover = fs->fs_nindir;

	for (int64_t j = nblk; j < NDADDR; j++)
		if (di->db[j] != 0)
			return true;
	for (int level = 0; level < NIADDR; level++) {
		if (first >= nblk && di->ib[level] != 0)
			return true;
		first += cover;
		cover *= fs->fs_nindir;
	}
	return false;
}

static bool
has_blocks(const struct fs *fs, const struct dino *di)
{
	uint16_t t = di->mode & IFMT;

	return (t == IFREG || t == IFDIR || t == IFLNK) &&
	    !is_fast_symlink(fs, di);
}

static void
check_allocated(struct fsck *f, uint64_t ino, const struct dino *di)
{
	struct claim c = { .ino = ino };
	struct walkres r = { 0, 0 };
	uint64_t want;

	f->nfiles++;
	if (!valid_type(di->mode) || !size_ok(&f->fs, di) ||
	    (!has_blocks(&f->fs, di) && !slots_clear(&f->fs, di)) ||
	    (has_blocks(&f->fs, di) && inode_pointers_past_size(&f->fs, di))) {
		fsck_problem(f, "CLEAR? no", "UNKNOWN FILE TYPE I=%llu "
		    "MODE=%o SIZE=%llu", (unsigned long long)ino, di->mode,
		    (unsigned long long)di->size);
		f->state[ino] = BADSTATE;
		return;
	}
	if ((di->mode & IFMT) == IFDIR && di->size == 0) {
		/* A crash between writing a new directory's inode and its
		 * first block leaves one.  As NetBSD: its names go in pass
		 * 2, the inode in pass 4 (each asked there). */
		fsck_note(f, "ZERO LENGTH DIRECTORY I=%llu",
		    (unsigned long long)ino);
		f->state[ino] = CLEARSTATE;
		return;
	}
	f->state[ino] = (di->mode & IFMT) == IFDIR ? DSTATE : FSTATE;
	if (has_blocks(&f->fs, di))
		(void)walk_blocks(f, di, claim_blocks, &c, &r);
	if (c.nbad > 0 || c.ndup > 0)
		f->state[ino] = CLEARSTATE;
	if (r.beyond > 0)
		fsck_problem(f, "SALVAGE? no", "PARTIALLY TRUNCATED INODE "
		    "I=%llu (%d pointers past size %llu)",
		    (unsigned long long)ino, r.beyond,
		    (unsigned long long)di->size);
	if (r.holes > 0 && (di->mode & IFMT) == IFDIR)
		fsck_problem(f, "ADJUST LENGTH? no", "DIRECTORY I=%llu "
		    "CONTAINS EMPTY BLOCKS", (unsigned long long)ino);
	want = (uint64_t)c.frags * (uint64_t)(f->fs.fs_fsize / DEV_BSIZE);
	if (di->blocks != want && f->state[ino] != CLEARSTATE &&
	    fsck_ask(f, "CORRECTED", "CORRECT", "INCORRECT BLOCK COUNT I=%llu "
	    "(%llu should be %llu)", (unsigned long long)ino,
	    (unsigned long long)di->blocks, (unsigned long long)want))
		(void)fsck_set_blocks(f, ino, want);
}

static void
check_inode(struct fsck *f, uint64_t ino, const struct dino *di)
{
	f->nlink[ino] = di->nlink;
	f->itype[ino] = (uint8_t)((di->mode & IFMT) >> 12);
	if (di->mode != 0) {
		check_allocated(f, ino, di);
		return;
	}
	f->state[ino] = USTATE;
	bool clear = di->size == 0;

	for (int i = 0; i < NDADDR; i++)
		clear = clear && di->db[i] == 0;
	for (int i = 0; i < NIADDR; i++)
		clear = clear && di->ib[i] == 0;
	if (!clear && fsck_ask(f, NULL, "CLEAR", "PARTIALLY ALLOCATED INODE "
	    "I=%llu", (unsigned long long)ino))
		(void)fsck_clear_inode(f, ino);
}

/* Mark the areas no inode may own (spec 15, pass 1). */
static void
mark_reserved(struct fsck *f)
{
	const struct fs *fs = &f->fs;

	for (int64_t c = 0; c < fs->fs_ncg; c++) {
		int64_t from = c == 0 ? 0 : cgsblock(fs, c);

		for (int64_t d = from; d < cgdmin(fs, c); d++)
			bit_set(f->blockmap, d);
	}
	for (int64_t i = 0; !f->badsum &&
	    i < howmany64(fs->fs_cssize, fs->fs_fsize); i++)
		bit_set(f->blockmap, fs->fs_csaddr + i);
}

/* Every inode of cg c below its initialised count, a chunk at a time. */
static void
scan_cg(struct fsck *f, int64_t c, void (*fn)(struct fsck *, uint64_t,
    const struct dino *))
{
	const struct fs *fs = &f->fs;
	int64_t n = f->initedi[c], per = 16 * (int64_t)fs->fs_inopb;
	int ds = fs_dinode_size(fs);
	uint8_t *buf = malloc((size_t)(per * ds));

	if (buf == NULL)
		fsck_fatal(f, "out of memory");
	for (int64_t i = 0; i < n; i += per) {
		int64_t cnt = n - i < per ? n - i : per;
		uint64_t ino0 = (uint64_t)(c * fs->fs_ipg + i);

		if (dev_read(&f->dev, buf, (size_t)(cnt * ds),
		    ino_offset(fs, ino0)) != 0) {
			fsck_problem(f, "CONTINUE? no", "CANNOT READ INODES "
			    "%llu-%llu: %s", (unsigned long long)ino0,
			    (unsigned long long)(ino0 + (uint64_t)cnt - 1),
			    f->dev.err);
			continue;
		}
		for (int64_t j = 0; j < cnt; j++) {
			struct dino di;

			if (ino0 + (uint64_t)j < ROOTINO)
				continue;
			dino_load(fs, buf + j * ds, f->swapped, &di);
			fn(f, ino0 + (uint64_t)j, &di);
		}
	}
	free(buf);
}

/* How many inodes of cg c hold anything (UFS2: cg_initediblk). */
static int32_t
inited_inodes(struct fsck *f, int64_t c)
{
	struct cg cg;
	uint8_t *blk;

	if (!fs_is_ufs2(&f->fs))
		return f->fs.fs_ipg;
	if ((blk = malloc((size_t)f->fs.fs_cgsize)) == NULL)
		fsck_fatal(f, "out of memory");
	if (fsck_read(f, blk, (size_t)f->fs.fs_cgsize, cgtod(&f->fs, c))) {
		free(blk);
		return f->fs.fs_ipg;
	}
	if (f->swapped)
		swap_cg(&f->fs, blk, true);
	memcpy(&cg, blk, sizeof(cg));
	free(blk);
	if (cg.cg_magic != CG_MAGIC || cg.cg_initediblk < 0 ||
	    cg.cg_initediblk > f->fs.fs_ipg)
		return f->fs.fs_ipg;
	return cg.cg_initediblk;
}

void
pass1(struct fsck *f)
{
	mark_reserved(f);
	for (int64_t c = 0; c < f->fs.fs_ncg; c++)
		f->initedi[c] = inited_inodes(f, c);
	for (int64_t c = 0; c < f->fs.fs_ncg; c++)
		scan_cg(f, c, check_inode);
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * A dup frag stays in use while another owner keeps it: pass 1 listed
 * it once per extra claim, so each cleared owner uses up one listing
 * and the owner cleared after the last listing frees it.
 */
static bool
keep_dup(struct fsck *f, int64_t k)
{
	int64_t *p;
	size_t i;

	if (f->ndups == 0 ||
	    (p = bsearch(&k, f->dups, f->ndups, sizeof(k), cmp64)) == NULL)
		return false;
	if (f->dupfreed == NULL &&
	    (f->dupfreed = calloc(f->ndups, 1)) == NULL)
		fsck_fatal(f, "out of memory");
	for (i = (size_t)(p - f->dups); i > 0 && f->dups[i - 1] == k; i--)
		;
	for (; i < f->ndups && f->dups[i] == k; i++)
		if (!f->dupfreed[i]) {
			f->dupfreed[i] = 1;
			return true;
		}
	return false;
}

/* What a cleared inode gave back: its frags are free again for pass
 * 5, except those another owner keeps (keep_dup). */
static int
release_frags(struct fsck *f, int64_t frag, int n, int64_t lbn, void *arg)
{
	(void)lbn;
	(void)arg;
	if (!fsck_chkrange(f, frag, n))
		return 1;
	for (int i = 0; i < n; i++) {
		int64_t k = frag + i;

		if (keep_dup(f, k))
			continue;
		if (bit_isset(f->blockmap, k)) {
			bit_clr(f->blockmap, k);
			f->nused--;
		}
	}
	return 0;
}

void
fsck_release(struct fsck *f, const struct dino *di)
{
	struct walkres r;

	if (has_blocks(&f->fs, di))
		(void)walk_blocks(f, di, release_frags, NULL, &r);
}

/* --- pass 1b ----------------------------------------------------------------- */

static int
find_dups(struct fsck *f, int64_t frag, int n, int64_t lbn, void *arg)
{
	uint64_t ino = *(uint64_t *)arg;

	(void)lbn;
	if (!fsck_chkrange(f, frag, n))
		return 1;
	for (int i = 0; i < n; i++) {
		int64_t k = frag + i;

		if (bsearch(&k, f->dups, f->ndups, sizeof(k), cmp64) != NULL) {
			printf("%lld DUP I=%llu\n", (long long)k,
			    (unsigned long long)ino);
			f->state[ino] = CLEARSTATE;
		}
	}
	return 0;
}

static void
rescan_inode(struct fsck *f, uint64_t ino, const struct dino *di)
{
	struct walkres r;

	if (f->state[ino] != FSTATE && f->state[ino] != DSTATE &&
	    f->state[ino] != CLEARSTATE)
		return;
	if (has_blocks(&f->fs, di))
		(void)walk_blocks(f, di, find_dups, &ino, &r);
}

void
pass1b(struct fsck *f)
{
	qsort(f->dups, f->ndups, sizeof(*f->dups), cmp64);
	for (int64_t c = 0; c < f->fs.fs_ncg; c++)
		scan_cg(f, c, rescan_inode);
}
