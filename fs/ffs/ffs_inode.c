/*
 * ffs_inode.c: on-disk inodes (spec 10) and the block map.
 *
 * An inode is read from its inode-table block, decoded into struct
 * ffs_inode and validated once: its type, link count, size against
 * the largest addressable file, di_blocks against the size, and the
 * per-type rules (devices and fifos hold no blocks, fast symlinks fit
 * their area).  Block addresses are checked where they are used: every
 * address the block map returns, direct or read from an indirect
 * block, must lie inside the file system (EIO otherwise).
 *
 * Writing: ffs_inode_update encodes the fields we keep back into the
 * dinode in its inode block (leaving the rest, e.g. UFS2's extended
 * attribute fields, as they are); ffs_inode_create turns a free
 * dinode into a new one.  The caller holds the vnode lock exclusively,
 * or shared for an access time change (the atime fields are under
 * fm_ilock; two encoders of one inode are serialised by the buffer).
 */
#include "fs/ffs/ffs.h"

#define IFMT	0170000
#define IFIFO	0010000
#define IFCHR	0020000
#define IFDIR	0040000
#define IFBLK	0060000
#define IFREG	0100000
#define IFLNK	0120000
#define IFSOCK	0140000

enum vtype
ffs_mode_vtype(uint16_t mode)
{
	switch (mode & IFMT) {
	case IFIFO:	return VFIFO;
	case IFCHR:	return VCHR;
	case IFDIR:	return VDIR;
	case IFBLK:	return VBLK;
	case IFREG:	return VREG;
	case IFLNK:	return VLNK;
	case IFSOCK:	return VSOCK;
	default:	return VBAD;
	}
}

/* Fragment address of the inode-table block holding ino (spec 6). */
int64_t
ffs_ino_to_frag(const struct ffs_mount *fm, uint32_t ino)
{
	int64_t cg = ino / (uint32_t)fm->fm_ipg;
	int64_t start = cg * fm->fm_fpg;

	if (!fm->fm_ufs2)
		start += (int64_t)fm->fm_cgoffset * (cg & ~(int64_t)fm->fm_cgmask);
	return start + fm->fm_iblkno +
	    ((int64_t)((ino % (uint32_t)fm->fm_ipg) / (uint32_t)fm->fm_inopb)
	    << fm->fm_fragshift);
}

static void
decode_ufs1(struct ffs_mount *fm, const uint8_t *d, struct ffs_inode *ip)
{
	ip->fi_mode = ffs_get16(fm, d + 0);
	ip->fi_nlink = (int16_t)ffs_get16(fm, d + 2);
	ip->fi_size = ffs_get64(fm, d + 8);
	ip->fi_atime = (int32_t)ffs_get32(fm, d + 16);
	ip->fi_atimensec = (int32_t)ffs_get32(fm, d + 20);
	ip->fi_mtime = (int32_t)ffs_get32(fm, d + 24);
	ip->fi_mtimensec = (int32_t)ffs_get32(fm, d + 28);
	ip->fi_ctime = (int32_t)ffs_get32(fm, d + 32);
	ip->fi_ctimensec = (int32_t)ffs_get32(fm, d + 36);
	for (int i = 0; i < FFS_NDADDR; i++)
		ip->fi_db[i] = (int32_t)ffs_get32(fm, d + 40 + 4 * i);
	for (int i = 0; i < FFS_NIADDR; i++)
		ip->fi_ib[i] = (int32_t)ffs_get32(fm, d + 88 + 4 * i);
	ip->fi_flags = ffs_get32(fm, d + 100);
	ip->fi_blocks = ffs_get32(fm, d + 104);
	ip->fi_gen = (int32_t)ffs_get32(fm, d + 108);
	ip->fi_uid = ffs_get32(fm, d + 112);
	ip->fi_gid = ffs_get32(fm, d + 116);
	ip->fi_rdev = ffs_get32(fm, d + 40);
	memcpy(ip->fi_shortlink, d + 40, 60);
}

static void
decode_ufs2(struct ffs_mount *fm, const uint8_t *d, struct ffs_inode *ip)
{
	ip->fi_mode = ffs_get16(fm, d + 0);
	ip->fi_nlink = (int16_t)ffs_get16(fm, d + 2);
	ip->fi_uid = ffs_get32(fm, d + 4);
	ip->fi_gid = ffs_get32(fm, d + 8);
	ip->fi_size = ffs_get64(fm, d + 16);
	ip->fi_blocks = ffs_get64(fm, d + 24);
	ip->fi_atime = (int64_t)ffs_get64(fm, d + 32);
	ip->fi_mtime = (int64_t)ffs_get64(fm, d + 40);
	ip->fi_ctime = (int64_t)ffs_get64(fm, d + 48);
	ip->fi_birthtime = (int64_t)ffs_get64(fm, d + 56);
	ip->fi_mtimensec = (int32_t)ffs_get32(fm, d + 64);
	ip->fi_atimensec = (int32_t)ffs_get32(fm, d + 68);
	ip->fi_ctimensec = (int32_t)ffs_get32(fm, d + 72);
	ip->fi_birthnsec = (int32_t)ffs_get32(fm, d + 76);
	ip->fi_gen = (int32_t)ffs_get32(fm, d + 80);
	ip->fi_flags = ffs_get32(fm, d + 88);
	for (int i = 0; i < FFS_NDADDR; i++)
		ip->fi_db[i] = (int64_t)ffs_get64(fm, d + 112 + 8 * i);
	for (int i = 0; i < FFS_NIADDR; i++)
		ip->fi_ib[i] = (int64_t)ffs_get64(fm, d + 208 + 8 * i);
	ip->fi_rdev = ffs_get64(fm, d + 112);
	memcpy(ip->fi_shortlink, d + 112, 120);
}

static bool
nsec_ok(int32_t ns)
{
	return ns >= 0 && ns < 1000000000;
}

/* The most 512-byte units a file of this size can hold (data and
 * indirect blocks, every block full). */
static uint64_t
max_blocks(const struct ffs_mount *fm, uint64_t size)
{
	uint64_t nblk = (size + (uint64_t)fm->fm_bsize - 1) >> fm->fm_bshift;
	uint64_t nind = 3 + 2 * (nblk / (uint64_t)fm->fm_nindir + 1);

	return (nblk + nind) * ((uint64_t)fm->fm_bsize / DEV_BSIZE);
}

static bool
fast_symlink(const struct ffs_inode *ip)
{
	const struct ffs_mount *fm = ip->fi_fm;

	return ip->fi_size < (uint64_t)fm->fm_maxsymlinklen ||
	    (fm->fm_maxsymlinklen == 0 && ip->fi_blocks == 0);
}

bool
ffs_fastlink(const struct ffs_inode *ip)
{
	if (ffs_mode_vtype(ip->fi_mode) != VLNK)
		return false;
	return fast_symlink(ip);
}

/* The rules of spec 10.3-10.8 that make the inode safe to use. */
static int
inode_validate(const struct ffs_inode *ip)
{
	const struct ffs_mount *fm = ip->fi_fm;
	enum vtype t = ffs_mode_vtype(ip->fi_mode);

	if (t == VBAD || ip->fi_nlink <= 0)
		return EIO;
	if (ip->fi_size > fm->fm_maxfilesize ||
	    ip->fi_blocks > max_blocks(fm, ip->fi_size))
		return EIO;
	if (!nsec_ok(ip->fi_atimensec) || !nsec_ok(ip->fi_mtimensec) ||
	    !nsec_ok(ip->fi_ctimensec) || !nsec_ok(ip->fi_birthnsec))
		return EIO;
	switch (t) {
	case VDIR:
		if (ip->fi_size % FFS_DIRBLKSIZ != 0 ||
		    ip->fi_size > INT32_MAX)
			return EIO;
		break;
	case VLNK:
		if (ip->fi_size == 0 || ip->fi_size >= MAXPATHLEN)
			return EIO;
		if (fast_symlink(ip) && (ip->fi_blocks != 0 ||
		    ip->fi_size > (fm->fm_ufs2 ? 120u : 60u)))
			return EIO;
		break;
	case VCHR:
	case VBLK:
	case VFIFO:
	case VSOCK:
		if (ip->fi_blocks != 0)
			return EIO;
		break;
	default:
		break;
	}
	return 0;
}

/*
 * UFS2 initialises inode blocks lazily (spec 8.4): an inode at or
 * beyond its cylinder group's cg_initediblk was never written and
 * cannot be in use.  Checks the cg header on the way (magic, index).
 */
static int
inode_inited(struct ffs_mount *fm, uint32_t ino)
{
	uint32_t cg = ino / (uint32_t)fm->fm_ipg;
	const uint8_t *c;
	struct buf *bp;
	int32_t inited;
	int error = 0;

	if (!fm->fm_ufs2)
		return 0;
	if (ffs_bread(fm, (int64_t)cg * fm->fm_fpg + fm->fm_cblkno,
	    (size_t)fm->fm_cgsize, &bp) != 0)
		return EIO;
	c = (const uint8_t *)bp->b_data;
	inited = (int32_t)ffs_get32(fm, c + 120);
	if (ffs_get32(fm, c + 4) != FFS_CG_MAGIC || ffs_get32(fm, c + 12) != cg ||
	    inited < 0 || inited > fm->fm_ipg ||
	    ino % (uint32_t)fm->fm_ipg >= (uint32_t)inited)
		error = EIO;
	brelse(bp);
	return error;
}

int
ffs_inode_load(struct ffs_mount *fm, uint32_t ino, struct ffs_inode **ipp)
{
	struct ffs_inode *ip;
	struct buf *bp;
	size_t dsize = fm->fm_ufs2 ? 256 : 128;
	int error;

	*ipp = NULL;
	if (ino < FFS_ROOTINO ||
	    (int64_t)ino >= (int64_t)fm->fm_ncg * fm->fm_ipg)
		return EIO;
	if ((error = inode_inited(fm, ino)) != 0)
		return error;
	if ((ip = kmem_zalloc(sizeof(*ip), KM_SLEEP)) == NULL)
		return ENOMEM;
	ip->fi_fm = fm;
	ip->fi_ino = ino;
	error = ffs_bread(fm, ffs_ino_to_frag(fm, ino), (size_t)fm->fm_bsize, &bp);
	if (error != 0) {
		kmem_free(ip, sizeof(*ip));
		return EIO;
	}
	{
		const uint8_t *d = (const uint8_t *)bp->b_data +
		    (ino % (uint32_t)fm->fm_inopb) * dsize;

		if (fm->fm_ufs2)
			decode_ufs2(fm, d, ip);
		else
			decode_ufs1(fm, d, ip);
	}
	brelse(bp);
	if ((error = inode_validate(ip)) != 0) {
		kmem_free(ip, sizeof(*ip));
		return error;
	}
	*ipp = ip;
	return 0;
}

void
ffs_inode_free(struct ffs_inode *ip)
{
	ffs_dh_drop(ip);
	kmem_free(ip, sizeof(*ip));
}

size_t
ffs_blksize(const struct ffs_inode *ip, int64_t lbn)
{
	const struct ffs_mount *fm = ip->fi_fm;
	uint64_t off = ip->fi_size & ((uint64_t)fm->fm_bsize - 1);

	if (lbn >= FFS_NDADDR ||
	    ip->fi_size >= ((uint64_t)(lbn + 1) << fm->fm_bshift) || off == 0)
		return (size_t)fm->fm_bsize;
	return (size_t)((off + (uint64_t)fm->fm_fsize - 1) &
	    ~((uint64_t)fm->fm_fsize - 1));
}

/* A full block's address: in range and block aligned. */
static bool
block_ok(const struct ffs_mount *fm, int64_t addr)
{
	return ffs_addr_ok(fm, addr, fm->fm_frag) &&
	    (addr & (fm->fm_frag - 1)) == 0;
}

/* Entry idx of the indirect block at addr. */
static int
indir_entry(struct ffs_mount *fm, int64_t addr, uint64_t idx, int64_t *out)
{
	struct buf *bp;
	const uint8_t *p;
	int error;

	if (!block_ok(fm, addr))
		return EIO;
	if ((error = ffs_bread(fm, addr, (size_t)fm->fm_bsize, &bp)) != 0)
		return EIO;
	p = (const uint8_t *)bp->b_data;
	if (fm->fm_ufs2)
		*out = (int64_t)ffs_get64(fm, p + 8 * idx);
	else
		*out = (int32_t)ffs_get32(fm, p + 4 * idx);
	brelse(bp);
	return 0;
}

int
ffs_bmap(struct ffs_inode *ip, int64_t lbn, int64_t *fragp)
{
	struct ffs_mount *fm = ip->fi_fm;
	uint64_t n, span = 1, nindir = (uint64_t)fm->fm_nindir;
	int64_t addr;
	int level, error;

	*fragp = 0;
	if (lbn < 0)
		return EIO;
	if (lbn < FFS_NDADDR) {
		*fragp = ip->fi_db[lbn];
		return 0;
	}
	n = (uint64_t)lbn - FFS_NDADDR;
	for (level = 1; level <= FFS_NIADDR; level++) {
		span *= nindir;
		if (n < span)
			break;
		n -= span;
	}
	if (level > FFS_NIADDR)
		return EIO;
	addr = ip->fi_ib[level - 1];
	while (level > 0) {
		if (addr == 0)
			return 0;	/* a hole */
		span /= nindir;
		if ((error = indir_entry(fm, addr, (n / span) % nindir,
		    &addr)) != 0)
			return error;
		level--;
	}
	*fragp = addr;
	return 0;
}

int
ffs_read_bytes(struct ffs_inode *ip, uint64_t off, void *buf, size_t len)
{
	struct ffs_mount *fm = ip->fi_fm;
	uint64_t bmask = (uint64_t)fm->fm_bsize - 1;
	char *out = buf;
	struct buf *bp;
	int error;

	while (len > 0) {
		int64_t lbn = (int64_t)(off >> fm->fm_bshift), addr;
		size_t boff = (size_t)(off & bmask);
		size_t n = MIN(len, (size_t)fm->fm_bsize - boff);
		size_t bs = ffs_blksize(ip, lbn);
		int64_t nfrags = (int64_t)bs >> fm->fm_fshift;

		if ((error = ffs_bmap(ip, lbn, &addr)) != 0)
			return error;
		if (addr == 0) {
			memset(out, 0, n);
		} else {
			if (boff + n > bs || !ffs_addr_ok(fm, addr, nfrags) ||
			    (addr & (fm->fm_frag - 1)) + nfrags > fm->fm_frag)
				return EIO;
			if (ffs_bread(fm, addr, bs, &bp) != 0)
				return EIO;
			memcpy(out, bp->b_data + boff, n);
			brelse(bp);
		}
		out += n;
		off += n;
		len -= n;
	}
	return 0;
}

static void
encode_ptrs(struct ffs_mount *fm, uint8_t *area, const struct ffs_inode *ip)
{
	if (ffs_fastlink(ip)) {
		memcpy(area, ip->fi_shortlink, fm->fm_ufs2 ? 120 : 60);
		return;
	}
	for (int i = 0; i < FFS_NDADDR + FFS_NIADDR; i++) {
		int64_t v = i < FFS_NDADDR ? ip->fi_db[i] :
		    ip->fi_ib[i - FFS_NDADDR];

		if (fm->fm_ufs2)
			ffs_put64(fm, area + 8 * i, (uint64_t)v);
		else
			ffs_put32(fm, area + 4 * i, (uint32_t)v);
	}
}

static void
encode_ufs1(struct ffs_mount *fm, uint8_t *d, const struct ffs_inode *ip)
{
	ffs_put16(fm, d + 0, ip->fi_mode);
	ffs_put16(fm, d + 2, (uint16_t)ip->fi_nlink);
	ffs_put64(fm, d + 8, ip->fi_size);
	ffs_put32(fm, d + 16, (uint32_t)ip->fi_atime);
	ffs_put32(fm, d + 20, (uint32_t)ip->fi_atimensec);
	ffs_put32(fm, d + 24, (uint32_t)ip->fi_mtime);
	ffs_put32(fm, d + 28, (uint32_t)ip->fi_mtimensec);
	ffs_put32(fm, d + 32, (uint32_t)ip->fi_ctime);
	ffs_put32(fm, d + 36, (uint32_t)ip->fi_ctimensec);
	encode_ptrs(fm, d + 40, ip);
	ffs_put32(fm, d + 100, ip->fi_flags);
	ffs_put32(fm, d + 104, (uint32_t)ip->fi_blocks);
	ffs_put32(fm, d + 108, (uint32_t)ip->fi_gen);
	ffs_put32(fm, d + 112, ip->fi_uid);
	ffs_put32(fm, d + 116, ip->fi_gid);
}

static void
encode_ufs2(struct ffs_mount *fm, uint8_t *d, const struct ffs_inode *ip)
{
	ffs_put16(fm, d + 0, ip->fi_mode);
	ffs_put16(fm, d + 2, (uint16_t)ip->fi_nlink);
	ffs_put32(fm, d + 4, ip->fi_uid);
	ffs_put32(fm, d + 8, ip->fi_gid);
	ffs_put64(fm, d + 16, ip->fi_size);
	ffs_put64(fm, d + 24, ip->fi_blocks);
	ffs_put64(fm, d + 32, (uint64_t)ip->fi_atime);
	ffs_put64(fm, d + 40, (uint64_t)ip->fi_mtime);
	ffs_put64(fm, d + 48, (uint64_t)ip->fi_ctime);
	ffs_put64(fm, d + 56, (uint64_t)ip->fi_birthtime);
	ffs_put32(fm, d + 64, (uint32_t)ip->fi_mtimensec);
	ffs_put32(fm, d + 68, (uint32_t)ip->fi_atimensec);
	ffs_put32(fm, d + 72, (uint32_t)ip->fi_ctimensec);
	ffs_put32(fm, d + 76, (uint32_t)ip->fi_birthnsec);
	ffs_put32(fm, d + 80, (uint32_t)ip->fi_gen);
	ffs_put32(fm, d + 88, ip->fi_flags);
	encode_ptrs(fm, d + 112, ip);
}

/* Encode ip at d (the atime under fm_ilock). */
static void
inode_encode(struct ffs_inode *ip, uint8_t *d)
{
	struct ffs_mount *fm = ip->fi_fm;

	mutex_enter(&fm->fm_ilock);
	if (fm->fm_ufs2)
		encode_ufs2(fm, d, ip);
	else
		encode_ufs1(fm, d, ip);
	mutex_exit(&fm->fm_ilock);
}

/* The inode block holding ip's dinode, and where in it. */
static int
dinode_get(struct ffs_mount *fm, uint32_t ino, struct buf **bpp,
    uint8_t **dp)
{
	size_t dsize = fm->fm_ufs2 ? 256 : 128;
	int error;

	error = ffs_bread(fm, ffs_ino_to_frag(fm, ino), (size_t)fm->fm_bsize,
	    bpp);
	if (error != 0)
		return EIO;
	*dp = (uint8_t *)(*bpp)->b_data + (ino % (uint32_t)fm->fm_inopb) * dsize;
	return 0;
}

int
ffs_inode_update(struct ffs_inode *ip, bool sync)
{
	struct ffs_mount *fm = ip->fi_fm;
	struct buf *bp;
	uint8_t *d;
	int error;

	if (fm->fm_ronly)
		return EROFS;
	if ((error = dinode_get(fm, ip->fi_ino, &bp, &d)) != 0)
		return error;
	inode_encode(ip, d);
	return ffs_bwrite(fm, bp, sync);
}

int
ffs_inode_create(struct ffs_inode *ip)
{
	struct ffs_mount *fm = ip->fi_fm;
	size_t dsize = fm->fm_ufs2 ? 256 : 128;
	struct buf *bp;
	uint8_t *d;
	int error;

	if ((error = dinode_get(fm, ip->fi_ino, &bp, &d)) != 0)
		return error;
	if (ffs_get16(fm, d) != 0) {
		/* the map said free: the image is damaged */
		brelse(bp);
		return EIO;
	}
	/* a new generation, so old handles to this inode go stale */
	ip->fi_gen = (int32_t)(ffs_get32(fm, d + (fm->fm_ufs2 ? 80 : 108)) +
	    1);
	if (ip->fi_gen <= 0)
		ip->fi_gen = 1;
	memset(d, 0, dsize);
	inode_encode(ip, d);
	return ffs_bwrite(fm, bp, false);
}

void
ffs_mark_access(struct vnode *vp)
{
	struct ffs_inode *ip = vp->v_data;
	struct ffs_mount *fm = ip->fi_fm;
	struct rump_timespec now;

	if (fm->fm_ronly || (vp->v_mount->mnt_flag & RUMP_MNT_NOATIME))
		return;
	vfs_timestamp(&now);
	mutex_enter(&fm->fm_ilock);
	ip->fi_atime = now.tv_sec;
	ip->fi_atimensec = (int32_t)now.tv_nsec;
	mutex_exit(&fm->fm_ilock);
	(void)ffs_inode_update(ip, false);
}

void
ffs_mark_change(struct ffs_inode *ip, bool modified)
{
	struct rump_timespec now;

	vfs_timestamp(&now);
	ip->fi_ctime = now.tv_sec;
	ip->fi_ctimensec = (int32_t)now.tv_nsec;
	if (modified) {
		ip->fi_mtime = now.tv_sec;
		ip->fi_mtimensec = (int32_t)now.tv_nsec;
	}
}

void
ffs_inode_clear(struct ffs_mount *fm, uint32_t ino)
{
	struct buf *bp;
	uint8_t *d;
	uint16_t mode;

	if (dinode_get(fm, ino, &bp, &d) != 0)
		return;
	mode = ffs_get16(fm, d);
	ffs_put16(fm, d, 0);		/* di_mode */
	ffs_put16(fm, d + 2, 0);	/* di_nlink */
	ffs_put64(fm, d + (fm->fm_ufs2 ? 16 : 8), 0);	/* di_size */
	memset(d + (fm->fm_ufs2 ? 112 : 40), 0, fm->fm_ufs2 ? 120 : 60);
	(void)ffs_bwrite(fm, bp, false);
	if (mode != 0)
		ffs_vfree(fm, ino, mode);
}
