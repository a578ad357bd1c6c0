/*
 * ffs_vfsops.c: mounting an FFS (UFS1 or UFS2, either byte order)
 * read-only from a block device.
 *
 * The overview and lock rules are in ffs.h.  Mount: copy in ufs_args,
 * resolve fspec to a VBLK vnode (ENOTBLK otherwise), open the device,
 * probe the superblock locations in the kernel's order (spec 2.1),
 * decode and validate every geometry field we rely on (2.3 plus the
 * extra consistency rules), then read the cylinder group summary
 * array.  Any failure to find a valid superblock is EINVAL.  A
 * read-write mount (or an update to read-write) is EROFS: writing is
 * not implemented yet.
 */
#include "fs/ffs/ffs.h"

#define FFS_FLAGS_KNOWN		0x302		/* softdep, wapbl, quota2 */
#define FFS_FLAGS_DOWAPBL	0x200
#define FFS_FLAGS_INTERNAL	0x80000000u
#define FFS_MAXPATH		1024

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
			brelse(bp);
			return 0;
		}
		brelse(bp);
	}
	return EINVAL;
}

/* Read and check the cylinder group summary array (spec 9). */
static int
csum_read(struct ffs_mount *fm)
{
	struct buf *bp;
	int64_t left = fm->fm_cssize, frag = fm->fm_csaddr;
	int error;

	while (left > 0) {
		size_t n = (size_t)MIN(left, (int64_t)fm->fm_bsize);

		n = (n + (size_t)fm->fm_fsize - 1) & ~((size_t)fm->fm_fsize - 1);
		if ((error = ffs_bread(fm, frag, n, &bp)) != 0)
			return error;
		brelse(bp);
		left -= (int64_t)n;
		frag += (int64_t)n >> fm->fm_fshift;
	}
	/* the totals statvfs reports must fit the file system */
	if (fm->fm_ndir < 0 || fm->fm_nbfree < 0 || fm->fm_nifree < 0 ||
	    fm->fm_nffree < 0 ||
	    fm->fm_ndir > (int64_t)fm->fm_ncg * fm->fm_ipg ||
	    fm->fm_nifree > (int64_t)fm->fm_ncg * fm->fm_ipg ||
	    fm->fm_nbfree > fm->fm_size / fm->fm_frag ||
	    fm->fm_nffree > fm->fm_size)
		return EINVAL;
	return 0;
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

/* Resolve fspec (a user pointer) to an opened block device. */
static int
devvp_open(const struct rump_ufs_args *args, struct vnode **vpp)
{
	char *path;
	struct vnode *vp;
	int error;

	if ((path = kmem_alloc(FFS_MAXPATH, KM_SLEEP)) == NULL)
		return ENOMEM;
	error = copyinstr(args->fspec, path, FFS_MAXPATH, NULL);
	if (error == 0)
		error = namei(RUMP_AT_FDCWD, path, NI_FOLLOW, &vp);
	kmem_free(path, FFS_MAXPATH);
	if (error != 0)
		return error;
	if (vp->v_type != VBLK) {
		vrele(vp);
		return ENOTBLK;
	}
	if ((error = bdev_open(vp->v_rdev, FREAD)) != 0) {
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
	bdev_close(fm->fm_dev, FREAD);
	vrele(fm->fm_devvp);
	kmem_free(fm, sizeof(*fm));
}

static int
ffs_mount(struct mount *mp, void *data, size_t *data_len)
{
	struct rump_ufs_args *args = data;
	struct ffs_mount *fm;
	struct vnode *devvp;
	uint32_t sbflags = 0;
	int error;

	if (mp->mnt_flag & RUMP_MNT_GETARGS) {
		if (args == NULL || data_len == NULL ||
		    *data_len < sizeof(*args))
			return EINVAL;
		args->fspec = NULL;
		*data_len = sizeof(*args);
		return 0;
	}
	/* Writing is not implemented: read-write is EROFS. */
	if (!(mp->mnt_flag & RUMP_MNT_RDONLY))
		return EROFS;
	if (mp->mnt_flag & RUMP_MNT_UPDATE)
		return VFS_TO_FFS(mp) != NULL ? 0 : EINVAL;
	if (args == NULL || data_len == NULL || *data_len < sizeof(*args))
		return EINVAL;
	if ((error = devvp_open(args, &devvp)) != 0)
		return error;
	if ((fm = kmem_zalloc(sizeof(*fm), KM_SLEEP)) == NULL) {
		bdev_close(devvp->v_rdev, FREAD);
		vrele(devvp);
		return ENOMEM;
	}
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
		else if ((error = csum_read(fm)) == 0)
			error = root_check(fm);
	}
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

	(void)mntflags;
	if (fm == NULL)
		return 0;
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
	int64_t bfree = fm->fm_nbfree * fm->fm_frag + fm->fm_nffree;
	int64_t resv = fm->fm_dsize * fm->fm_minfree / 100;
	int64_t files = (int64_t)fm->fm_ncg * fm->fm_ipg - 2;

	sbp->f_bsize = (unsigned long)fm->fm_bsize;
	sbp->f_frsize = (unsigned long)fm->fm_fsize;
	sbp->f_iosize = (unsigned long)fm->fm_bsize;
	sbp->f_blocks = (uint64_t)fm->fm_dsize;
	sbp->f_bfree = (uint64_t)bfree;
	sbp->f_bresvd = (uint64_t)resv;
	sbp->f_bavail = bfree > resv ? (uint64_t)(bfree - resv) : 0;
	sbp->f_files = (uint64_t)(files > 0 ? files : 0);
	sbp->f_ffree = (uint64_t)fm->fm_nifree;
	sbp->f_favail = (uint64_t)fm->fm_nifree;
	sbp->f_fresvd = 0;
	sbp->f_namemax = FFS_MAXNAMLEN;
	return 0;
}

static int
ffs_sync(struct mount *mp, int waitfor)
{
	(void)mp;
	(void)waitfor;
	return 0;
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
	return vfs_register(&ffs_vfsops);
}

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
