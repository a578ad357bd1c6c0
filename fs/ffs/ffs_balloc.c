/*
 * ffs_balloc.c: growing and shrinking a file's block map (spec 10.3,
 * 11).
 *
 * ffs_balloc backs one logical block: a direct block may be a
 * fragment run only while it holds the file's last byte; a run that
 * stops being the last grows into a full block first; indirect blocks
 * (single, double, triple) are allocated on the way down, zeroed and
 * written synchronously before the pointer to them is stored, so a
 * crash never leaves a pointer to garbage.  New space is zero in the
 * buffer (never read from the disk: freed blocks hold old data).
 * With FFS_BA_FILL the caller overwrites the block's first `need`
 * bytes: a new block is zeroed only past them, and a whole existing
 * block is not read at all.
 * ffs_truncate shrinks: the new last block's tail is zeroed and its
 * trailing frags given back, pointers past the end are cleared and the
 * inode written before anything is freed (a crash leaks blocks, never
 * lets two files share one), then the trees are freed from the end.
 * All of it runs under the inode's exclusive vnode lock; allocation
 * takes fm_lock inside ffs_alloc.c.  A buffer about to be freed is
 * released first (ffs_blkfree forgets the buffers of what it frees).
 */
#include "fs/ffs/ffs.h"

static size_t
fragroundup(const struct ffs_mount *fm, uint64_t n)
{
	return (size_t)((n + (uint64_t)fm->fm_fsize - 1) &
	    ~((uint64_t)fm->fm_fsize - 1));
}

static size_t
blkoff(const struct ffs_mount *fm, uint64_t off)
{
	return (size_t)(off & ((uint64_t)fm->fm_bsize - 1));
}

/* Allocated size of block lbn for a file of the given size. */
static size_t
sblksize(const struct ffs_mount *fm, uint64_t size, int64_t lbn)
{
	if (lbn >= FFS_NDADDR ||
	    size >= ((uint64_t)(lbn + 1) << fm->fm_bshift))
		return (size_t)fm->fm_bsize;
	return fragroundup(fm, blkoff(fm, size));
}

static void
blocks_add(struct ffs_inode *ip, int64_t bytes)
{
	ip->fi_blocks = (uint64_t)((int64_t)ip->fi_blocks + bytes / DEV_BSIZE);
}

/* A buffer for freshly allocated frags at addr, zeroed past the
 * first `fill` bytes (which the caller is about to overwrite). */
static int
buf_new(struct ffs_mount *fm, int64_t addr, size_t size, size_t fill,
    struct buf **bpp)
{
	int error;

	fill = MIN(fill, size);
	error = getblk(fm->fm_dev, FFS_FSBTODB(fm, addr), size, bpp);
	if (error == 0)
		memset((*bpp)->b_data + fill, 0, size - fill);
	return error;
}

/* The buffer of an allocated run: read, unless the caller overwrites
 * all of it (fill >= size), when what the disk holds is not needed. */
static int
buf_get(struct ffs_mount *fm, int64_t addr, size_t size, size_t fill,
    struct buf **bpp)
{
	*bpp = NULL;
	if (fill < size)
		return ffs_bread(fm, addr, size, bpp);
	if (!ffs_addr_ok(fm, addr, (int64_t)(size >> fm->fm_fshift)))
		return EIO;
	return getblk(fm->fm_dev, FFS_FSBTODB(fm, addr), size, bpp);
}

/* Grow direct block lbn's run from osize to nsize bytes. */
static int
frag_grow(struct ffs_inode *ip, int64_t lbn, size_t osize, size_t nsize,
    kauth_cred_t cred, struct buf **bpp)
{
	struct ffs_mount *fm = ip->fi_fm;
	int64_t old = ip->fi_db[lbn], addr = old;
	struct buf *obp, *nbp;
	bool moved;
	int error;

	*bpp = NULL;
	error = ffs_realloccg(ip, lbn, ffs_blkpref(ip, lbn, (int)lbn,
	    ip->fi_db), osize, nsize, cred, &addr, &moved);
	if (error != 0)
		return error;
	if (!moved) {
		/* the buffer grows; the bytes past the old run are junk */
		if ((error = ffs_bread(fm, addr, nsize, &nbp)) != 0) {
			ffs_blkfree(fm, addr + (int64_t)(osize >> fm->fm_fshift),
			    nsize - osize);
			return error;
		}
		memset(nbp->b_data + osize, 0, nsize - osize);
		blocks_add(ip, (int64_t)(nsize - osize));
		*bpp = nbp;
		return 0;
	}
	/* the old run's buffer goes before it is freed (binvalrange) */
	if ((error = ffs_bread(fm, old, osize, &obp)) != 0) {
		ffs_blkfree(fm, addr, nsize);
		return error;
	}
	if ((error = buf_new(fm, addr, nsize, 0, &nbp)) != 0) {
		brelse(obp);
		ffs_blkfree(fm, addr, nsize);
		return error;
	}
	memcpy(nbp->b_data, obp->b_data, osize);
	obp->b_flags |= B_INVAL;
	brelse(obp);
	ffs_blkfree(fm, old, osize);
	blocks_add(ip, (int64_t)(nsize - osize));
	ip->fi_db[lbn] = addr;
	*bpp = nbp;
	return 0;
}

/* Direct block lbn (spec 11, step 2). */
static int
balloc_direct(struct ffs_inode *ip, int64_t lbn, size_t need, size_t fill,
    kauth_cred_t cred, struct buf **bpp)
{
	struct ffs_mount *fm = ip->fi_fm;
	uint64_t end = (uint64_t)(lbn + 1) << fm->fm_bshift;
	int64_t addr = ip->fi_db[lbn];
	size_t osize, nsize;
	int error;

	if (addr != 0 && ip->fi_size >= end)
		return buf_get(fm, addr, (size_t)fm->fm_bsize, fill, bpp);
	if (addr != 0) {
		osize = fragroundup(fm, blkoff(fm, ip->fi_size));
		if (osize == 0)
			osize = (size_t)fm->fm_bsize;
		nsize = fragroundup(fm, need);
		if (nsize <= osize)
			return ffs_bread(fm, addr, osize, bpp);
		return frag_grow(ip, lbn, osize, nsize, cred, bpp);
	}
	nsize = ip->fi_size < end ? fragroundup(fm, need) :
	    (size_t)fm->fm_bsize;
	error = ffs_alloc(ip, lbn, ffs_blkpref(ip, lbn, (int)lbn, ip->fi_db),
	    nsize, cred, &addr);
	if (error != 0)
		return error;
	if ((error = buf_new(fm, addr, nsize, fill, bpp)) != 0) {
		ffs_blkfree(fm, addr, nsize);
		return error;
	}
	ip->fi_db[lbn] = addr;
	blocks_add(ip, (int64_t)nsize);
	return 0;
}

static int64_t
ptr_get(const struct ffs_mount *fm, const struct buf *bp, uint64_t i)
{
	if (fm->fm_ufs2)
		return (int64_t)ffs_get64(fm, bp->b_data + 8 * i);
	return (int32_t)ffs_get32(fm, bp->b_data + 4 * i);
}

static void
ptr_set(const struct ffs_mount *fm, struct buf *bp, uint64_t i, int64_t v)
{
	if (fm->fm_ufs2)
		ffs_put64(fm, bp->b_data + 8 * i, (uint64_t)v);
	else
		ffs_put32(fm, bp->b_data + 4 * i, (uint32_t)v);
}

static bool
block_ok(const struct ffs_mount *fm, int64_t addr)
{
	return ffs_addr_ok(fm, addr, fm->fm_frag) &&
	    (addr & (fm->fm_frag - 1)) == 0;
}

/* A new full block for ip: zeroed, and written now when it is an
 * indirect block.  *bpp gets the buffer of a data block. */
static int
block_new(struct ffs_inode *ip, int64_t lbn, int64_t pref, bool meta,
    size_t fill, kauth_cred_t cred, int64_t *addrp, struct buf **bpp)
{
	struct ffs_mount *fm = ip->fi_fm;
	struct buf *bp;
	int error;

	error = ffs_alloc(ip, lbn, pref, (size_t)fm->fm_bsize, cred, addrp);
	if (error != 0)
		return error;
	if ((error = buf_new(fm, *addrp, (size_t)fm->fm_bsize, meta ? 0 : fill,
	    &bp)) == 0 && meta)
		error = bwrite(bp);
	if (error != 0) {
		ffs_blkfree(fm, *addrp, (size_t)fm->fm_bsize);
		*addrp = 0;
		return error;
	}
	blocks_add(ip, fm->fm_bsize);
	if (!meta)
		*bpp = bp;
	return 0;
}

/* Where lbn (>= NDADDR) is: its level and the index at each level. */
static int
indir_path(const struct ffs_mount *fm, int64_t lbn, uint64_t idx[FFS_NIADDR])
{
	uint64_t n = (uint64_t)lbn - FFS_NDADDR, span = 1;
	uint64_t nindir = (uint64_t)fm->fm_nindir;
	int level;

	for (level = 1; level <= FFS_NIADDR; level++) {
		span *= nindir;
		if (n < span)
			break;
		n -= span;
	}
	if (level > FFS_NIADDR)
		return -1;
	for (int l = 0; l < level; l++) {
		span /= nindir;
		idx[l] = (n / span) % nindir;
	}
	return level;
}

static int
balloc_indirect(struct ffs_inode *ip, int64_t lbn, size_t fill,
    kauth_cred_t cred, struct buf **bpp)
{
	struct ffs_mount *fm = ip->fi_fm;
	uint64_t idx[FFS_NIADDR];
	int level = indir_path(fm, lbn, idx), error;
	int64_t addr, next;
	struct buf *bp;

	if (level < 0)
		return EFBIG;
	if (ip->fi_ib[level - 1] == 0) {
		error = block_new(ip, lbn, ffs_blkpref(ip, lbn, 0, NULL), true,
		    0, cred, &addr, NULL);
		if (error != 0)
			return error;
		ip->fi_ib[level - 1] = addr;
	}
	addr = ip->fi_ib[level - 1];
	for (int l = 0; l < level; l++) {
		bool data = l == level - 1;

		if (!block_ok(fm, addr))
			return EIO;
		if ((error = ffs_bread(fm, addr, (size_t)fm->fm_bsize, &bp)) != 0)
			return error;
		next = ptr_get(fm, bp, idx[l]);
		if (next != 0) {
			brelse(bp);
			if (!block_ok(fm, next))
				return EIO;
			if (data)
				return buf_get(fm, next, (size_t)fm->fm_bsize,
				    fill, bpp);
			addr = next;
			continue;
		}
		error = block_new(ip, lbn, data ? ffs_blkpref(ip, lbn,
		    (int)idx[l], bp->b_data) : ffs_blkpref(ip, lbn, 0, NULL),
		    !data, fill, cred, &next, bpp);
		if (error != 0) {
			brelse(bp);
			return error;
		}
		ptr_set(fm, bp, idx[l], next);
		(void)ffs_bwrite(fm, bp, false);
		addr = next;
	}
	return 0;
}

int
ffs_balloc(struct ffs_inode *ip, int64_t lbn, size_t need, int flags,
    kauth_cred_t cred, struct buf **bpp)
{
	size_t fill = (flags & FFS_BA_FILL) ? need : 0;
	struct ffs_mount *fm = ip->fi_fm;
	int64_t nb = (int64_t)(ip->fi_size >> fm->fm_bshift);
	struct buf *bp;
	int error;

	*bpp = NULL;
	if (lbn < 0 || need == 0 || need > (size_t)fm->fm_bsize)
		return EINVAL;
	/* step 1: the old last block stops being last: make it whole */
	if (nb < FFS_NDADDR && nb < lbn && ip->fi_db[nb] != 0) {
		size_t osize = sblksize(fm, ip->fi_size, nb);

		if (osize < (size_t)fm->fm_bsize) {
			error = frag_grow(ip, nb, osize, (size_t)fm->fm_bsize,
			    cred, &bp);
			if (error != 0)
				return error;
			(void)ffs_bwrite(fm, bp, false);
			ip->fi_size = (uint64_t)(nb + 1) << fm->fm_bshift;
		}
	}
	if (lbn < FFS_NDADDR)
		return balloc_direct(ip, lbn, need, fill, cred, bpp);
	return balloc_indirect(ip, lbn, fill, cred, bpp);
}

int
ffs_write_bytes(struct ffs_inode *ip, uint64_t off, const void *buf,
    size_t len, kauth_cred_t cred, bool sync)
{
	struct ffs_mount *fm = ip->fi_fm;
	const char *p = buf;
	struct buf *bp;
	int error;

	while (len > 0) {
		int64_t lbn = (int64_t)(off >> fm->fm_bshift);
		size_t boff = blkoff(fm, off);
		size_t n = MIN(len, (size_t)fm->fm_bsize - boff);

		if ((error = ffs_balloc(ip, lbn, boff + n,
		    boff == 0 ? FFS_BA_FILL : 0, cred, &bp)) != 0) {
			(void)ffs_trim(ip, lbn, boff + n, cred);
			return error;
		}
		memcpy(bp->b_data + boff, p, n);
		if (off + n > ip->fi_size)
			ip->fi_size = off + n;
		if ((error = ffs_bwrite(fm, bp, sync)) != 0)
			return error;
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* --- truncation ----------------------------------------------------------- */

/*
 * ffs_balloc undoes its own allocations except the indirect blocks it
 * linked on the way to a data block it then failed to get: those lie
 * past the size, where fsck would find them.  Truncating from a size
 * that covers them frees them.  (A direct block's tail fragment is
 * grown whole before anything past it is allocated: while it is still
 * partial, nothing was.)
 */
int
ffs_trim(struct ffs_inode *ip, int64_t lbn, size_t need, kauth_cred_t cred)
{
	struct ffs_mount *fm = ip->fi_fm;
	uint64_t end = ((uint64_t)lbn << fm->fm_bshift) + need;
	uint64_t size = ip->fi_size;
	int64_t nb = (int64_t)(size >> fm->fm_bshift);

	if (lbn < FFS_NDADDR || end <= size ||
	    (nb < FFS_NDADDR && blkoff(fm, size) != 0))
		return 0;
	ip->fi_size = end;	/* what the block map may hold now */
	return ffs_truncate(ip, size, cred);
}

/* lbns one entry of a level-`level` indirect block covers. */
static uint64_t
level_span(const struct ffs_mount *fm, int level)
{
	uint64_t span = 1;

	for (int l = 1; l < level; l++)
		span *= (uint64_t)fm->fm_nindir;
	return span;
}

static bool indir_trunc(struct ffs_inode *, int64_t, int, int64_t, int64_t,
    int64_t *);

/*
 * indir_trunc without memory for a copy of the pointers: free them
 * from the buffer, then write it.  (The order is the reverse of the
 * usual one: a crash in between leaves pointers to free blocks, which
 * fsck clears, rather than leaking; it only happens when memory is
 * short.)
 */
static bool
indir_trunc_inplace(struct ffs_inode *ip, struct buf *bp, int level,
    int64_t base, int64_t last, uint64_t first, int64_t *freed)
{
	struct ffs_mount *fm = ip->fi_fm;
	uint64_t nindir = (uint64_t)fm->fm_nindir, span = level_span(fm, level);
	int64_t v;

	for (uint64_t i = nindir; i-- > first;) {
		if ((v = ptr_get(fm, bp, i)) == 0)
			continue;
		ptr_set(fm, bp, i, 0);
		if (!block_ok(fm, v))
			continue;
		if (level > 1)
			(void)indir_trunc(ip, v, level - 1,
			    base + (int64_t)(i * span), -1, freed);
		ffs_blkfree(fm, v, (size_t)fm->fm_bsize);
		*freed += fm->fm_bsize;
	}
	if (level > 1 && first > 0 && (v = ptr_get(fm, bp, first - 1)) != 0 &&
	    block_ok(fm, v))
		(void)indir_trunc(ip, v, level - 1,
		    base + (int64_t)((first - 1) * span), last, freed);
	if (first > 0)
		(void)ffs_bwrite(fm, bp, true);
	else {
		bp->b_flags |= B_INVAL;
		brelse(bp);
	}
	return first == 0;
}

/*
 * Free what the indirect block at addr (level 1..3, first lbn base)
 * maps past lbn `last` (< base: all of it); *freed counts bytes.
 * Entries past the end are cleared on the disk before their blocks are
 * freed.  Returns whether the block itself maps nothing now.
 */
static bool
indir_trunc(struct ffs_inode *ip, int64_t addr, int level, int64_t base,
    int64_t last, int64_t *freed)
{
	struct ffs_mount *fm = ip->fi_fm;
	uint64_t nindir = (uint64_t)fm->fm_nindir, span = level_span(fm, level);
	uint64_t first, i;
	int64_t *ptrs;
	struct buf *bp;

	if (!block_ok(fm, addr) ||
	    ffs_bread(fm, addr, (size_t)fm->fm_bsize, &bp) != 0)
		return false;	/* leave a damaged tree to fsck */
	first = last < base ? 0 : (uint64_t)(last - base) / span + 1;
	if ((ptrs = kmem_alloc(nindir * sizeof(*ptrs), KM_SLEEP)) == NULL)
		return indir_trunc_inplace(ip, bp, level, base, last, first,
		    freed);
	for (i = 0; i < nindir; i++) {
		ptrs[i] = ptr_get(fm, bp, i);
		if (i >= first)
			ptr_set(fm, bp, i, 0);
	}
	if (first > 0)
		(void)ffs_bwrite(fm, bp, true);
	else {
		bp->b_flags |= B_INVAL;	/* it is freed below */
		brelse(bp);
	}
	for (i = nindir; i-- > first;) {
		if (ptrs[i] == 0 || !block_ok(fm, ptrs[i]))
			continue;
		if (level > 1)
			(void)indir_trunc(ip, ptrs[i], level - 1,
			    base + (int64_t)(i * span), -1, freed);
		ffs_blkfree(fm, ptrs[i], (size_t)fm->fm_bsize);
		*freed += fm->fm_bsize;
	}
	/* the entry holding `last` keeps part of its subtree */
	if (level > 1 && first > 0 && ptrs[first - 1] != 0 &&
	    block_ok(fm, ptrs[first - 1]))
		(void)indir_trunc(ip, ptrs[first - 1], level - 1,
		    base + (int64_t)((first - 1) * span), last, freed);
	kmem_free(ptrs, nindir * sizeof(*ptrs));
	return first == 0;
}

/* Zero the bytes past length in its block; *keep = that block's new
 * allocated size. */
static int
zero_tail(struct ffs_inode *ip, uint64_t length)
{
	struct ffs_mount *fm = ip->fi_fm;
	int64_t lbn = (int64_t)(length >> fm->fm_bshift), addr;
	size_t off = blkoff(fm, length), osize, nsize;
	struct buf *bp;
	int error;

	if (off == 0)
		return 0;
	if ((error = ffs_bmap(ip, lbn, &addr)) != 0)
		return error;
	if (addr == 0)
		return 0;
	osize = sblksize(fm, ip->fi_size, lbn);
	nsize = sblksize(fm, length, lbn);
	if ((error = ffs_bread(fm, addr, osize, &bp)) != 0)
		return error;
	memset(bp->b_data + off, 0, osize - off);
	if ((error = ffs_bwrite(fm, bp, false)) != 0)
		return error;
	if (nsize < osize) {
		/* shrink the buffer (writing it) before its tail is freed */
		if ((error = ffs_bread(fm, addr, nsize, &bp)) != 0)
			return error;
		brelse(bp);
	}
	return 0;
}

/*
 * The block that will hold the last byte must exist, as NetBSD
 * allocates it: a hole there would leave a tail whose size the tail
 * rule cannot tell.
 */
static int
back_last_block(struct ffs_inode *ip, uint64_t length, kauth_cred_t cred)
{
	struct ffs_mount *fm = ip->fi_fm;
	int64_t lbn = (int64_t)(length >> fm->fm_bshift), addr;
	struct buf *bp;
	int error;

	if (blkoff(fm, length) == 0)
		return 0;
	if ((error = ffs_bmap(ip, lbn, &addr)) != 0 || addr != 0)
		return error;
	if ((error = ffs_balloc(ip, lbn, blkoff(fm, length), 0, cred, &bp)) != 0)
		return error;
	return ffs_bwrite(fm, bp, false);
}

static int
truncate_extend(struct ffs_inode *ip, uint64_t length, kauth_cred_t cred)
{
	struct ffs_mount *fm = ip->fi_fm;
	int64_t lbn = (int64_t)((length - 1) >> fm->fm_bshift);
	uint64_t osize = ip->fi_size;
	struct buf *bp;
	int error;

	if (length > fm->fm_maxfilesize)
		return EFBIG;
	error = ffs_balloc(ip, lbn, blkoff(fm, length - 1) + 1, 0, cred,
	    &bp);
	if (error != 0)
		return error;
	/* the old end was in this block: what follows it must read 0 */
	if ((osize >> fm->fm_bshift) == (uint64_t)lbn)
		memset(bp->b_data + blkoff(fm, osize), 0,
		    blkoff(fm, length - 1) + 1 - blkoff(fm, osize));
	ip->fi_size = length;
	return ffs_bwrite(fm, bp, false);
}

int
ffs_truncate(struct ffs_inode *ip, uint64_t length, kauth_cred_t cred)
{
	struct ffs_mount *fm = ip->fi_fm;
	int64_t odb[FFS_NDADDR], oib[FFS_NIADDR], last, base, freed = 0;
	uint64_t osize = ip->fi_size, span = 1;
	int error;

	if (ffs_fastlink(ip)) {
		memset(ip->fi_shortlink, 0, sizeof(ip->fi_shortlink));
		ip->fi_size = 0;
		return ffs_inode_update(ip, false);
	}
	if (length > osize) {
		if ((error = truncate_extend(ip, length, cred)) != 0)
			return error;
		return ffs_inode_update(ip, false);
	}
	if (length == osize)
		return 0;
	if ((error = back_last_block(ip, length, cred)) != 0 ||
	    (error = zero_tail(ip, length)) != 0)
		return error;
	memcpy(odb, ip->fi_db, sizeof(odb));
	memcpy(oib, ip->fi_ib, sizeof(oib));
	last = (int64_t)((length + (uint64_t)fm->fm_bsize - 1) >>
	    fm->fm_bshift) - 1;
	for (int i = 0; i < FFS_NDADDR; i++)
		if (i > last)
			ip->fi_db[i] = 0;
	base = FFS_NDADDR;
	for (int l = 1; l <= FFS_NIADDR; l++) {
		if (last < base)
			ip->fi_ib[l - 1] = 0;
		span *= (uint64_t)fm->fm_nindir;
		base += (int64_t)span;
	}
	ip->fi_size = length;
	/* the shortened inode reaches the disk before anything is freed */
	if ((error = ffs_inode_update(ip, true)) != 0)
		return error;
	base = FFS_NDADDR;
	span = 1;
	for (int l = 1; l <= FFS_NIADDR; l++) {
		span *= (uint64_t)fm->fm_nindir;
		/* a tree that ends before `last` keeps everything */
		if (oib[l - 1] != 0 && last < base + (int64_t)span &&
		    indir_trunc(ip, oib[l - 1], l, base, last, &freed) &&
		    last < base) {
			ffs_blkfree(fm, oib[l - 1], (size_t)fm->fm_bsize);
			freed += fm->fm_bsize;
		}
		base += (int64_t)span;
	}
	for (int i = FFS_NDADDR - 1; i >= 0; i--) {
		size_t os = sblksize(fm, osize, i), ns;

		if (odb[i] == 0)
			continue;
		if (i > last) {
			ffs_blkfree(fm, odb[i], os);
			freed += (int64_t)os;
		} else if (i == last && (ns = sblksize(fm, length, i)) < os) {
			ffs_blkfree(fm, odb[i] + (int64_t)(ns >> fm->fm_fshift),
			    os - ns);
			freed += (int64_t)(os - ns);
		}
	}
	blocks_add(ip, -freed);
	return ffs_inode_update(ip, false);
}
