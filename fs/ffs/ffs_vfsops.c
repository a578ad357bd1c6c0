/*
 * ffs_vfsops.c: mounting an FFS (UFS1 or UFS2, either byte order)
 * from a block device, read-only or read-write.
 *
 * The overview and lock rules are in ffs.h.  Mount: copy in ufs_args,
 * resolve fspec to a VBLK vnode (ENOTBLK otherwise), open the device,
 * probe the superblock locations in the kernel's order (spec 2.1),
 * decode and validate every geometry field we rely on (2.3 plus the
 * extra consistency rules), then read the cylinder group summary
 * array.  Any failure to find a valid superblock is EINVAL.
 *
 * The clean flag (spec 5.1), as NetBSD keeps it: a read-write mount
 * (or an update to read-write) shifts fs_clean left (clean 1 becomes
 * "was clean" 2) and writes the superblock at once; a dirty file
 * system mounts anyway and stays dirty.  Unmount and an update to
 * read-only flush everything first, then write fs_clean = 1 if the
 * file system was clean when it was mounted.  Old-layout UFS1
 * (without FS_FLAGS_UPDATED) mounts read-only only: its rotational
 * tables are not kept (EROFS for read-write).
 */
#include "fs/ffs/ffs.h"

#define FFS_FLAGS_KNOWN		0x302		/* softdep, wapbl, quota2 */
#define FFS_FLAGS_DOWAPBL	0x200
#define FFS_FLAGS_INTERNAL	0x80000000u
#define FFS_FLAGS_SOFTDEP	0x002
#define FFS_MAXPATH		1024
#define FS_ISCLEAN		1
#define FS_WASCLEAN		2

static const int64_t sblock_probes[] = { 65536, 8192, 0, 262144 };

/* Every ffs mount, so that a device is mounted once (EBUSY). */
static kmutex_t ffs_mounts_lock;
static struct ffs_mount *ffs_mounts;	/* ffs_mounts_lock */

/* Claim fm->fm_dev for fm; EBUSY if another mount has it. */
static int
dev_claim(struct ffs_mount *fm)
{
	struct ffs_mount *o;
	int error = 0;

	mutex_enter(&ffs_mounts_lock);
	for (o = ffs_mounts; o != NULL; o = o->fm_next)
		if (o->fm_dev == fm->fm_dev)
			error = EBUSY;
	if (error == 0) {
		fm->fm_next = ffs_mounts;
		ffs_mounts = fm;
	}
	mutex_exit(&ffs_mounts_lock);
	return error;
}

/*
 * The syncer's hook (bio_hook_add): a read-write mount whose totals
 * changed writes its summary array and superblock as delayed writes,
 * so that a crash leaves them at most a syncer period old (NetBSD's
 * syncer runs VFS_SYNC every 30 s).  ffs_mounts_lock keeps unmount
 * (dev_unclaim) from freeing a mount under it.
 */
static void
ffs_sync_hook(void)
{
	struct ffs_mount *fm;

	mutex_enter(&ffs_mounts_lock);
	for (fm = ffs_mounts; fm != NULL; fm = fm->fm_next) {
		mutex_enter(&fm->fm_lock);
		if (fm->fm_fmod && !fm->fm_ronly)
			(void)ffs_sbupdate(fm, false);
		mutex_exit(&fm->fm_lock);
	}
	mutex_exit(&ffs_mounts_lock);
}

static void
dev_unclaim(struct ffs_mount *fm)
{
	struct ffs_mount **pp;

	mutex_enter(&ffs_mounts_lock);
	for (pp = &ffs_mounts; *pp != NULL; pp = &(*pp)->fm_next)
		if (*pp == fm) {
			*pp = fm->fm_next;
			break;
		}
	mutex_exit(&ffs_mounts_lock);
}

uint16_t
ffs_get16(const struct ffs_mount *fm, const void *p)
{
	const uint8_t *b = p;

	if (fm->fm_swap)
		return (uint16_t)(b[0] << 8 | b[1]);
	return (uint16_t)(b[1] << 8 | b[0]);
}

uint32_t
ffs_get32(const struct ffs_mount *fm, const void *p)
{
	const uint8_t *b = p;

	if (fm->fm_swap)
		return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		    (uint32_t)b[2] << 8 | b[3];
	return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[1] << 8 | b[0];
}

uint64_t
ffs_get64(const struct ffs_mount *fm, const void *p)
{
	const uint8_t *b = p;
	uint64_t hi, lo;

	if (fm->fm_swap) {
		hi = ffs_get32(fm, b);
		lo = ffs_get32(fm, b + 4);
	} else {
		lo = ffs_get32(fm, b);
		hi = ffs_get32(fm, b + 4);
	}
	return hi << 32 | lo;
}

void
ffs_put16(const struct ffs_mount *fm, void *p, uint16_t v)
{
	uint8_t *b = p;

	if (fm->fm_swap) {
		b[0] = (uint8_t)(v >> 8);
		b[1] = (uint8_t)v;
	} else {
		b[0] = (uint8_t)v;
		b[1] = (uint8_t)(v >> 8);
	}
}

void
ffs_put32(const struct ffs_mount *fm, void *p, uint32_t v)
{
	uint8_t *b = p;

	for (int i = 0; i < 4; i++)
		b[fm->fm_swap ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

void
ffs_put64(const struct ffs_mount *fm, void *p, uint64_t v)
{
	uint8_t *b = p;

	for (int i = 0; i < 8; i++)
		b[fm->fm_swap ? 7 - i : i] = (uint8_t)(v >> (8 * i));
}

int64_t
ffs_cgstart(const struct ffs_mount *fm, int64_t cg)
{
	int64_t start = cg * fm->fm_fpg;

	if (!fm->fm_ufs2)
		start += (int64_t)fm->fm_cgoffset * (cg & ~(int64_t)fm->fm_cgmask);
	return start;
}

int
ffs_bwrite(struct ffs_mount *fm, struct buf *bp, bool sync)
{
	if (sync || (fm->fm_mp->mnt_flag & RUMP_MNT_SYNCHRONOUS))
		return bwrite(bp);
	bdwrite(bp);
	return 0;
}

bool
ffs_addr_ok(const struct ffs_mount *fm, int64_t frag, int64_t nfrags)
{
	return frag > 0 && nfrags > 0 && frag < fm->fm_size &&
	    nfrags <= fm->fm_size - frag;
}

int
ffs_bread(struct ffs_mount *fm, int64_t frag, size_t size, struct buf **bpp)
{
	int64_t nfrags = (int64_t)((size + (size_t)fm->fm_fsize - 1) >>
	    fm->fm_fshift);

	*bpp = NULL;
	if (frag < 0 || nfrags <= 0 || frag >= fm->fm_size ||
	    nfrags > fm->fm_size - frag)
		return EIO;
	return bread(fm->fm_dev, frag << (fm->fm_fshift - 9), size, bpp);
}

static bool
ispow2(int64_t x)
{
	return x > 0 && (x & (x - 1)) == 0;
}

static int
ilog2(int64_t x)
{
	int n = 0;

	while (x > 1) {
		x >>= 1;
		n++;
	}
	return n;
}

#define SB32(off)	((int32_t)ffs_get32(fm, sb + (off)))
#define SB64(off)	((int64_t)ffs_get64(fm, sb + (off)))

/* The byte order the magic at the end of sb says, or false if none. */
static bool
sb_magic(struct ffs_mount *fm, const uint8_t *sb)
{
	uint32_t m;

	for (int swap = 0; swap < 2; swap++) {
		fm->fm_swap = swap;
		m = ffs_get32(fm, sb + 1372);
		if (m == FFS_UFS1_MAGIC || m == FFS_UFS2_MAGIC) {
			fm->fm_ufs2 = m == FFS_UFS2_MAGIC;
			return true;
		}
	}
	return false;
}

/* Spec 2.3's ten rules, on the decoded fields. */
static bool
sb_valid_basic(const struct ffs_mount *fm, const uint8_t *sb)
{
	int32_t sbsize = SB32(104), cgsize = SB32(160), maxbpg = SB32(92);

	if (sbsize < FFS_SBSIZE_MIN || sbsize > FFS_SBLOCKSIZE)
		return false;
	if (!ispow2(fm->fm_bsize) || fm->fm_bsize < FFS_MINBSIZE ||
	    fm->fm_bsize > FFS_MAXBSIZE)
		return false;
	if (!ispow2(fm->fm_fsize) || fm->fm_fsize < DEV_BSIZE ||
	    fm->fm_fsize > fm->fm_bsize)
		return false;
	if (fm->fm_size <= 0 || fm->fm_cssize <= 0 || fm->fm_ipg <= 0 ||
	    fm->fm_fpg <= 0 || fm->fm_ncg <= 0 || maxbpg <= 0)
		return false;
	if (fm->fm_inopb != fm->fm_bsize / (fm->fm_ufs2 ? 256 : 128))
		return false;
	if (fm->fm_bshift != ilog2(fm->fm_bsize) ||
	    fm->fm_fshift != ilog2(fm->fm_fsize))
		return false;
	if (fm->fm_frag != fm->fm_bsize >> fm->fm_fshift || fm->fm_frag > 8 ||
	    !ispow2(fm->fm_frag) || fm->fm_fragshift != ilog2(fm->fm_frag))
		return false;
	if (SB32(72) != ~(fm->fm_bsize - 1) || SB32(76) != ~(fm->fm_fsize - 1))
		return false;
	return cgsize >= FFS_CG_HEADER_MIN && cgsize <= fm->fm_bsize;
}

/* The consistency rules NetBSD omits (spec 2.3, last paragraph). */
static bool
sb_valid_layout(const struct ffs_mount *fm)
{
	int64_t inopf = fm->fm_inopb >> fm->fm_fragshift;
	int64_t csfrags = ((int64_t)fm->fm_cssize + fm->fm_fsize - 1) >>
	    fm->fm_fshift;

	if (fm->fm_ncg != (fm->fm_size + fm->fm_fpg - 1) / fm->fm_fpg)
		return false;
	if (fm->fm_nindir != fm->fm_bsize / (fm->fm_ufs2 ? 8 : 4))
		return false;
	if (inopf <= 0 || fm->fm_ipg % fm->fm_inopb != 0 ||
	    (int64_t)fm->fm_dblkno - fm->fm_iblkno != fm->fm_ipg / inopf)
		return false;
	if (!(0 <= fm->fm_sblkno && fm->fm_sblkno < fm->fm_cblkno &&
	    fm->fm_cblkno < fm->fm_iblkno && fm->fm_iblkno < fm->fm_dblkno &&
	    fm->fm_dblkno <= fm->fm_fpg))
		return false;
	if (fm->fm_fpg % fm->fm_frag != 0 || fm->fm_iblkno % fm->fm_frag != 0)
		return false;
	if (fm->fm_csaddr <= 0 || fm->fm_csaddr + csfrags > fm->fm_fpg ||
	    fm->fm_csaddr + csfrags > fm->fm_size)
		return false;
	if (fm->fm_cssize < (int64_t)fm->fm_ncg * 16)
		return false;
	if ((int64_t)fm->fm_ncg * fm->fm_ipg >= ((int64_t)1 << 31))
		return false;
	if (!fm->fm_ufs2 && fm->fm_size >= ((int64_t)1 << 31))
		return false;
	/* the image must hold the whole file system */
	if ((uint64_t)fm->fm_size > fm->fm_devsize >> fm->fm_fshift)
		return false;
	return fm->fm_minfree >= 0 && fm->fm_minfree <= 99;
}

/* Largest file size the block map can address (spec 6). */
static uint64_t
max_filesize(const struct ffs_mount *fm)
{
	uint64_t n = (uint64_t)fm->fm_nindir, bs = (uint64_t)fm->fm_bsize;
	uint64_t max = bs * FFS_NDADDR - 1 + bs * n + bs * n * n +
	    bs * n * n * n;

	if (!fm->fm_ufs2 && max > (((uint64_t)1 << 31) * bs) - 1)
		max = (((uint64_t)1 << 31) * bs) - 1;
	return max;
}

/*
 * Decode the superblock candidate sb found at byte loc.  0 and a
 * filled fm if it is the primary superblock of a valid file system.
 */
static bool
sb_decode(struct ffs_mount *fm, const uint8_t *sb, int64_t loc)
{
	bool updated;

	if (!sb_magic(fm, sb))
		return false;
	updated = fm->fm_ufs2 || (sb[211] & FFS_FLAGS_UPDATED);
	if (!updated && loc == 65536)
		return false;
	fm->fm_sblockloc = updated ? SB64(1000) : loc;
	if (fm->fm_sblockloc != loc)
		return false;		/* an alternate (per-cg) copy */
	fm->fm_sblkno = SB32(8);
	fm->fm_cblkno = SB32(12);
	fm->fm_iblkno = SB32(16);
	fm->fm_dblkno = SB32(20);
	fm->fm_cgoffset = fm->fm_ufs2 ? 0 : SB32(24);
	fm->fm_cgmask = fm->fm_ufs2 ? -1 : SB32(28);
	fm->fm_ncg = SB32(44);
	fm->fm_bsize = SB32(48);
	fm->fm_fsize = SB32(52);
	fm->fm_frag = SB32(56);
	fm->fm_minfree = SB32(60);
	fm->fm_bshift = SB32(80);
	fm->fm_fshift = SB32(84);
	fm->fm_fragshift = SB32(96);
	fm->fm_nindir = SB32(116);
	fm->fm_inopb = SB32(120);
	fm->fm_cssize = SB32(156);
	fm->fm_cgsize = SB32(160);
	fm->fm_ipg = SB32(184);
	fm->fm_fpg = SB32(188);
	fm->fm_maxsymlinklen = SB32(1320);
	if (updated) {
		fm->fm_size = SB64(1080);
		fm->fm_dsize = SB64(1088);
		fm->fm_csaddr = SB64(1096);
		fm->fm_ndir = SB64(1008);
		fm->fm_nbfree = SB64(1016);
		fm->fm_nifree = SB64(1024);
		fm->fm_nffree = SB64(1032);
	} else {
		fm->fm_size = SB32(36);
		fm->fm_dsize = SB32(40);
		fm->fm_csaddr = SB32(152);
		fm->fm_ndir = SB32(192);
		fm->fm_nbfree = SB32(196);
		fm->fm_nifree = SB32(200);
		fm->fm_nffree = SB32(204);
	}
	if (!sb_valid_basic(fm, sb) || !sb_valid_layout(fm))
		return false;
	/* 4.2BSD inodes and cylinder groups are not supported */
	if (!fm->fm_ufs2 && (SB32(1324) != 2 || SB32(1356) == -1))
		return false;
	if (fm->fm_maxsymlinklen < 0 ||
	    fm->fm_maxsymlinklen > (fm->fm_ufs2 ? 120 : 60))
		return false;
	if (fm->fm_dsize <= 0 || fm->fm_dsize > fm->fm_size)
		return false;
	fm->fm_maxfilesize = max_filesize(fm);
	fm->fm_layout2 = updated;
	fm->fm_sbsize = SB32(104);
	fm->fm_maxbpg = SB32(92);
	fm->fm_optim = SB32(128);
	fm->fm_contigsumsize = SB32(1316);
	fm->fm_avgfilesize = SB32(1196) > 0 ? SB32(1196) : 16384;
	fm->fm_avgfpdir = SB32(1200) > 0 ? SB32(1200) : 64;
	fm->fm_clean = sb[209];
	/* the cluster summary is at most FS_MAXCONTIG long */
	if (fm->fm_contigsumsize < 0 || fm->fm_contigsumsize > 16)
		return false;
	return true;
}

/* Probe the superblock locations (spec 2.1); sbflags gets fs_flags. */
static int
sb_find(struct ffs_mount *fm, uint32_t *sbflags)
{
	struct buf *bp;
	size_t i;

	for (i = 0; i < sizeof(sblock_probes) / sizeof(sblock_probes[0]);
	    i++) {
		int64_t loc = sblock_probes[i];

		if ((uint64_t)loc + FFS_SBLOCKSIZE > fm->fm_devsize)
			continue;
		if (bread(fm->fm_dev, loc / DEV_BSIZE, FFS_SBLOCKSIZE, &bp) != 0)
			continue;
		if (sb_decode(fm, (const uint8_t *)bp->b_data, loc)) {
			const uint8_t *sb = (const uint8_t *)bp->b_data;
			bool updated = fm->fm_ufs2 || (sb[211] &
			    FFS_FLAGS_UPDATED);

			*sbflags = updated ? ffs_get32(fm, sb + 1312) : sb[211];
			memcpy(fm->fm_sb, sb, FFS_SBLOCKSIZE);
			brelse(bp);
			return 0;
		}
		brelse(bp);
	}
	return EINVAL;
}

/* The root must be a directory: a mount whose root cannot be loaded
 * could not be unmounted either. */
static int
root_check(struct ffs_mount *fm)
{
	struct ffs_inode *ip;
	int error;

	if ((error = ffs_inode_load(fm, FFS_ROOTINO, &ip)) != 0)
		return error;
	if (ffs_mode_vtype(ip->fi_mode) != VDIR)
		error = EIO;
	ffs_inode_free(ip);
	return error;
}

static int
dev_size(uint64_t dev, uint64_t *bytes)
{
	const struct bdevsw *sw = bdevsw_lookup(dev);
	uint32_t secsize;

	if (sw == NULL || sw->d_size == NULL)
		return ENXIO;
	return sw->d_size(dev, bytes, &secsize);
}

/* Resolve fspec (a user pointer) to an opened block device; the path
 * becomes the mount's "from" name, as NetBSD reports it. */
static int
devvp_open(struct mount *mp, const struct rump_ufs_args *args, int fflags,
    struct vnode **vpp)
{
	char *path;
	struct vnode *vp;
	int error;

	if ((path = kmem_alloc(FFS_MAXPATH, KM_SLEEP)) == NULL)
		return ENOMEM;
	error = copyinstr(args->fspec, path, FFS_MAXPATH, NULL);
	if (error == 0)
		error = namei(RUMP_AT_FDCWD, path, NI_FOLLOW, &vp);
	if (error == 0) {
		memset(mp->mnt_fromname, 0, sizeof(mp->mnt_fromname));
		memcpy(mp->mnt_fromname, path, MIN(strlen(path),
		    sizeof(mp->mnt_fromname) - 1));
	}
	kmem_free(path, FFS_MAXPATH);
	if (error != 0)
		return error;
	if (vp->v_type != VBLK) {
		vrele(vp);
		return ENOTBLK;
	}
	if ((error = bdev_open(vp->v_rdev, fflags)) != 0) {
		vrele(vp);
		return error;
	}
	*vpp = vp;
	return 0;
}

static void
ffs_mount_free(struct ffs_mount *fm)
{
	dev_unclaim(fm);
	bdev_close(fm->fm_dev, fm->fm_openflags);
	vrele(fm->fm_devvp);
	if (fm->fm_csp != NULL)
		kmem_free(fm->fm_csp, (size_t)fm->fm_ncg * sizeof(*fm->fm_csp));
	if (fm->fm_contigdirs != NULL)
		kmem_free(fm->fm_contigdirs, (size_t)fm->fm_ncg);
	kmem_free(fm->fm_sb, FFS_SBLOCKSIZE);
	mutex_destroy(&fm->fm_lock);
	mutex_destroy(&fm->fm_ilock);
	kmem_free(fm, sizeof(*fm));
}

/* fm_lock held.  Copy the in-core state into the raw superblock. */
static void
sb_encode(struct ffs_mount *fm)
{
	uint8_t *sb = fm->fm_sb;
	struct rump_timespec now;

	vfs_timestamp(&now);
	sb[208] = 0;				/* fs_fmod */
	sb[209] = fm->fm_clean;
	sb[210] = 0;		/* fs_ronly: NetBSD writes it before it sets it */
	ffs_put32(fm, sb + 128, (uint32_t)fm->fm_optim);
	ffs_put64(fm, sb + 1008, (uint64_t)fm->fm_ndir);
	ffs_put64(fm, sb + 1016, (uint64_t)fm->fm_nbfree);
	ffs_put64(fm, sb + 1024, (uint64_t)fm->fm_nifree);
	ffs_put64(fm, sb + 1032, (uint64_t)fm->fm_nffree);
	ffs_put64(fm, sb + 1072, (uint64_t)now.tv_sec);
	ffs_put64(fm, sb + 1104, 0);		/* pending blocks, inodes */
	ffs_put32(fm, sb + 1112, 0);
	ffs_put32(fm, sb + 1312, fm->fm_sbflags & ~FFS_FLAGS_INTERNAL);
}

/* fm_lock held.  Write the summary array (spec 9). */
static int
csum_write(struct ffs_mount *fm, bool sync)
{
	int64_t left = fm->fm_cssize, frag = fm->fm_csaddr;
	size_t at = 0, total = (size_t)fm->fm_ncg * 16;
	struct buf *bp;
	int error, e = 0;

	while (left > 0) {
		size_t n = (size_t)MIN(left, (int64_t)fm->fm_bsize);

		n = (n + (size_t)fm->fm_fsize - 1) & ~((size_t)fm->fm_fsize - 1);
		if ((error = ffs_bread(fm, frag, n, &bp)) != 0)
			return error;
		for (size_t o = 0; o < n && at < total; o += 16, at += 16) {
			const struct ffs_csum *cs = &fm->fm_csp[at / 16];
			uint8_t *p = (uint8_t *)bp->b_data + o;

			ffs_put32(fm, p, (uint32_t)cs->cs_ndir);
			ffs_put32(fm, p + 4, (uint32_t)cs->cs_nbfree);
			ffs_put32(fm, p + 8, (uint32_t)cs->cs_nifree);
			ffs_put32(fm, p + 12, (uint32_t)cs->cs_nffree);
		}
		if ((error = ffs_bwrite(fm, bp, sync)) != 0 && e == 0)
			e = error;
		left -= (int64_t)n;
		frag += (int64_t)n >> fm->fm_fshift;
	}
	return e;
}

int
ffs_sbupdate(struct ffs_mount *fm, bool sync)
{
	struct buf *bp;
	int error;

	KASSERT(!fm->fm_ronly || !fm->fm_fmod);
	if ((error = csum_write(fm, sync)) != 0)
		return error;
	sb_encode(fm);
	fm->fm_fmod = false;
	error = bread(fm->fm_dev, fm->fm_sblockloc / DEV_BSIZE, FFS_SBLOCKSIZE,
	    &bp);
	if (error != 0)
		return error;
	memcpy(bp->b_data, fm->fm_sb, (size_t)fm->fm_sbsize);
	return ffs_bwrite(fm, bp, sync);
}

/*
 * Start writing: the read-write half of a mount or of an update to
 * read-write (spec 5.1).  The superblock goes out at once, so that a
 * crash from here on leaves the file system marked not clean.
 */
static int
ffs_begin_rw(struct ffs_mount *fm)
{
	struct mount *mp = fm->fm_mp;
	int error;

	mutex_enter(&fm->fm_lock);
	fm->fm_ronly = false;
	fm->fm_clean = (uint8_t)(fm->fm_clean << 1);
	fm->fm_sbflags &= ~FFS_FLAGS_SOFTDEP;
	memset(fm->fm_sb + 212, 0, 468);
	memcpy(fm->fm_sb + 212, mp->mnt_onname,
	    MIN(strlen(mp->mnt_onname), (size_t)467));
	if (!(fm->fm_clean & FS_WASCLEAN))
		kprintf("%s: file system not clean (fs_clean=%#x); "
		    "please fsck(8)\n", mp->mnt_fromname, fm->fm_clean);
	error = ffs_sbupdate(fm, true);
	mutex_exit(&fm->fm_lock);
	if (error == 0)
		error = bflush(fm->fm_dev);
	return error;
}

/*
 * Stop writing (unmount, update to read-only): everything else goes
 * to the disk first, then the clean flag, if the file system was clean
 * when it was mounted and nothing failed.
 */
static int
ffs_end_rw(struct ffs_mount *fm)
{
	uint8_t clean;
	int error;

	if ((error = bflush(fm->fm_dev)) != 0)
		return error;
	mutex_enter(&fm->fm_lock);
	clean = fm->fm_clean;
	if (clean & FS_WASCLEAN)
		fm->fm_clean = FS_ISCLEAN;
	fm->fm_ronly = true;
	fm->fm_fmod = false;
	if ((error = ffs_sbupdate(fm, true)) != 0) {
		/* still read-write, and not clean */
		fm->fm_clean = clean;
		fm->fm_ronly = false;
		fm->fm_fmod = true;
	}
	mutex_exit(&fm->fm_lock);
	if (error == 0)
		error = bflush(fm->fm_dev);
	return error;
}

/* MNT_UPDATE: only read-only <-> read-write changes anything. */
static int
ffs_mount_update(struct mount *mp)
{
	struct ffs_mount *fm = VFS_TO_FFS(mp);
	bool want_ro = (mp->mnt_flag & RUMP_MNT_RDONLY) != 0;
	int error;

	if (fm == NULL)
		return EINVAL;
	if (!fm->fm_ronly && want_ro)
		return ffs_end_rw(fm);
	if (fm->fm_ronly && !want_ro) {
		if (!fm->fm_layout2)
			return EROFS;
		/* hold the device open for writing, then drop the read open */
		if ((error = bdev_open(fm->fm_dev, FREAD | FWRITE)) != 0)
			return error;
		(void)bdev_close(fm->fm_dev, fm->fm_openflags);
		fm->fm_openflags = FREAD | FWRITE;
		if ((error = ffs_begin_rw(fm)) != 0)
			return error;
	}
	return 0;
}

static int
ffs_mount(struct mount *mp, void *data, size_t *data_len)
{
	struct rump_ufs_args *args = data;
	struct ffs_mount *fm;
	struct vnode *devvp;
	uint32_t sbflags = 0;
	bool ronly;
	int error;

	if (mp->mnt_flag & RUMP_MNT_GETARGS) {
		if (args == NULL || data_len == NULL ||
		    *data_len < sizeof(*args))
			return EINVAL;
		args->fspec = NULL;
		*data_len = sizeof(*args);
		return 0;
	}
	if (mp->mnt_flag & RUMP_MNT_UPDATE)
		return ffs_mount_update(mp);
	ronly = (mp->mnt_flag & RUMP_MNT_RDONLY) != 0;
	if (args == NULL || data_len == NULL || *data_len < sizeof(*args))
		return EINVAL;
	if ((error = devvp_open(mp, args, ronly ? FREAD : FREAD | FWRITE,
	    &devvp)) != 0)
		return error;
	if ((fm = kmem_zalloc(sizeof(*fm), KM_SLEEP)) == NULL ||
	    (fm->fm_sb = kmem_zalloc(FFS_SBLOCKSIZE, KM_SLEEP)) == NULL) {
		if (fm != NULL)
			kmem_free(fm, sizeof(*fm));
		bdev_close(devvp->v_rdev, ronly ? FREAD : FREAD | FWRITE);
		vrele(devvp);
		return ENOMEM;
	}
	mutex_init(&fm->fm_lock);
	mutex_init(&fm->fm_ilock);
	fm->fm_ronly = ronly;
	fm->fm_openflags = ronly ? FREAD : FREAD | FWRITE;
	fm->fm_mp = mp;
	fm->fm_devvp = devvp;
	fm->fm_dev = devvp->v_rdev;
	if ((error = dev_claim(fm)) != 0) {
		ffs_mount_free(fm);
		return error;
	}
	if ((error = dev_size(fm->fm_dev, &fm->fm_devsize)) == 0 &&
	    (error = sb_find(fm, &sbflags)) == 0) {
		sbflags &= ~FFS_FLAGS_INTERNAL;
		if ((sbflags & ~FFS_FLAGS_KNOWN) &&
		    !(mp->mnt_flag & RUMP_MNT_FORCE))
			error = EINVAL;
		else if ((sbflags & FFS_FLAGS_DOWAPBL) &&
		    !(mp->mnt_flag & RUMP_MNT_FORCE))
			error = EPERM;	/* no journal replay */
		else if (!ronly && !fm->fm_layout2)
			error = EROFS;	/* rotational tables not kept */
		else if ((error = ffs_csum_load(fm)) == 0)
			error = root_check(fm);
	}
	fm->fm_sbflags = sbflags;
	if (error == 0 && !ronly)
		error = ffs_begin_rw(fm);
	if (error != 0) {
		ffs_mount_free(fm);
		return error;
	}
	mp->mnt_data = fm;
	mp->mnt_flag |= RUMP_MNT_LOCAL;
	return 0;
}

static int
ffs_unmount(struct mount *mp, int mntflags)
{
	struct ffs_mount *fm = VFS_TO_FFS(mp);

	int error = 0;

	if (fm == NULL)
		return 0;
	if (!fm->fm_ronly)
		error = ffs_end_rw(fm);
	if (error != 0 && !(mntflags & RUMP_MNT_FORCE))
		return error;
	ffs_mount_free(fm);
	mp->mnt_data = NULL;
	return 0;
}

static int
ffs_root(struct mount *mp, struct vnode **vpp)
{
	return vcache_get(mp, FFS_ROOTINO, vpp);
}

/* Counts from the superblock summary, as NetBSD reports them. */
static int
ffs_statvfs(struct mount *mp, struct rump_statvfs *sbp)
{
	struct ffs_mount *fm = VFS_TO_FFS(mp);
	int64_t bfree, nifree;
	int64_t resv = fm->fm_dsize * fm->fm_minfree / 100;
	int64_t files = (int64_t)fm->fm_ncg * fm->fm_ipg - 2;

	mutex_enter(&fm->fm_lock);
	bfree = fm->fm_nbfree * fm->fm_frag + fm->fm_nffree;
	nifree = fm->fm_nifree;
	mutex_exit(&fm->fm_lock);

	sbp->f_bsize = (unsigned long)fm->fm_bsize;
	sbp->f_frsize = (unsigned long)fm->fm_fsize;
	sbp->f_iosize = (unsigned long)fm->fm_bsize;
	sbp->f_blocks = (uint64_t)fm->fm_dsize;
	sbp->f_bfree = (uint64_t)bfree;
	sbp->f_bresvd = (uint64_t)resv;
	sbp->f_bavail = bfree > resv ? (uint64_t)(bfree - resv) : 0;
	sbp->f_files = (uint64_t)(files > 0 ? files : 0);
	sbp->f_ffree = (uint64_t)nifree;
	sbp->f_favail = (uint64_t)nifree;
	sbp->f_fresvd = 0;
	sbp->f_namemax = FFS_MAXNAMLEN;
	return 0;
}

/* Inodes are written through (ffs.h): the superblock and summary if
 * they changed, then, when asked to wait, every dirty buffer. */
static int
ffs_sync(struct mount *mp, int waitfor)
{
	struct ffs_mount *fm = VFS_TO_FFS(mp);
	int error = 0;

	if (fm == NULL || fm->fm_ronly)
		return 0;
	mutex_enter(&fm->fm_lock);
	if (fm->fm_fmod)
		error = ffs_sbupdate(fm, false);
	mutex_exit(&fm->fm_lock);
	if (error == 0 && waitfor == RUMP_MNT_WAIT)
		error = bflush(fm->fm_dev);
	return error;
}

static int
ffs_loadvnode(struct mount *mp, struct vnode *vp, uint64_t key)
{
	struct ffs_mount *fm = VFS_TO_FFS(mp);
	struct ffs_inode *ip;
	int error;

	if (key > UINT32_MAX)
		return EINVAL;
	if ((error = ffs_inode_load(fm, (uint32_t)key, &ip)) != 0)
		return error;
	vp->v_type = ffs_mode_vtype(ip->fi_mode);
	vp->v_op = &ffs_vnodeops;
	vp->v_data = ip;
	vp->v_vflag = key == FFS_ROOTINO ? VV_ROOT : 0;
	vp->v_rdev = (vp->v_type == VCHR || vp->v_type == VBLK) ?
	    ip->fi_rdev : 0;
	return 0;
}

static struct vfsops ffs_vfsops = {
	.vfs_name = "ffs",
	.vfs_mount = ffs_mount,
	.vfs_unmount = ffs_unmount,
	.vfs_root = ffs_root,
	.vfs_statvfs = ffs_statvfs,
	.vfs_sync = ffs_sync,
	.vfs_loadvnode = ffs_loadvnode,
	.vfs_min_mount_data = sizeof(struct rump_ufs_args),
};

static int
ffs_modinit(void)
{
	mutex_init(&ffs_mounts_lock);
	ffs_dh_attach();
	(void)bio_hook_add(ffs_sync_hook);
	return vfs_register(&ffs_vfsops);
}

#ifdef RUMP_KMOD
/* Built into ffs.kmod: fs/ffs/ffs_module.c attaches it. */
int
ffs_vfs_attach(void)
{
	return ffs_modinit();
}

int
ffs_vfs_detach(void)
{
	int error;

	if ((error = vfs_unregister(&ffs_vfsops)) == 0) {
		bio_hook_remove(ffs_sync_hook);
		ffs_dh_detach();
		mutex_destroy(&ffs_mounts_lock);
	}
	return error;
}
#else
static struct rump_component ffs_component = {
	.rc_type = RUMP_COMPONENT_VFS_FS,
	.rc_name = "ffs",
	.rc_init = ffs_modinit,
};

/* Keeps -lrumpfs_ffs linked under --as-needed; see the Makefile. */
const int rumpfs_ffs_linked = 1;

__attribute__((constructor)) static void
ffs_register(void)
{
	rump_component_register(&ffs_component);
}
#endif
