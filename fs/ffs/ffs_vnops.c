/*
 * ffs_vnops.c: the vnode operations of a read-only FFS.
 *
 * Reading goes through ffs_read_bytes (ffs_inode.c).  Directories are
 * walked one 512-byte chunk at a time (spec 12); every entry of a
 * chunk is checked with fsck's rules before any of it is used, and a
 * bad chunk is EIO.  Readdir cookies are byte offsets of entries in
 * the directory, stable because nothing changes the directory.
 * Everything that would write is EROFS (the VFS refuses most of it on
 * a read-only mount before it gets here).
 */
#include "fs/ffs/ffs.h"

#define VP_TO_FFS(vp)	((struct ffs_inode *)(vp)->v_data)
#define DIRSIZ(namlen)	(8 + (((size_t)(namlen) + 1 + 3) & ~(size_t)3))
#define DT_WHT		14

/* One decoded directory entry. */
struct ffs_dirent {
	uint32_t d_ino;
	uint16_t d_reclen;
	uint8_t	d_type;
	uint8_t	d_namlen;
	const char *d_name;
};

/*
 * Decode the entry at pos of chunk (all 512 bytes present); EIO if it
 * breaks the rules of spec 12.8.
 */
static int
dirent_decode(const struct ffs_mount *fm, const uint8_t *chunk, size_t pos,
    struct ffs_dirent *de)
{
	const uint8_t *p = chunk + pos;

	if (pos + 8 > FFS_DIRBLKSIZ)
		return EIO;
	de->d_ino = ffs_get32(fm, p);
	de->d_reclen = ffs_get16(fm, p + 4);
	if (fm->fm_maxsymlinklen > 0) {
		de->d_type = p[6];
		de->d_namlen = p[7];
	} else {		/* old format: 16-bit name length */
		uint16_t nl = ffs_get16(fm, p + 6);

		if (nl > FFS_MAXNAMLEN)
			return EIO;
		de->d_type = 0;
		de->d_namlen = (uint8_t)nl;
	}
	de->d_name = (const char *)p + 8;
	if (de->d_reclen == 0 || de->d_reclen % 4 != 0 ||
	    de->d_reclen > FFS_DIRBLKSIZ - pos)
		return EIO;
	if (de->d_ino == 0)
		return 0;
	if (de->d_namlen == 0 || DIRSIZ(de->d_namlen) > de->d_reclen ||
	    de->d_type > 15 ||
	    (int64_t)de->d_ino >= (int64_t)fm->fm_ncg * fm->fm_ipg)
		return EIO;
	if (memchr(de->d_name, '\0', de->d_namlen) != NULL ||
	    memchr(de->d_name, '/', de->d_namlen) != NULL ||
	    de->d_name[de->d_namlen] != '\0')
		return EIO;
	if ((de->d_ino == 1) != (de->d_type == DT_WHT))
		return EIO;
	return 0;
}

/* Read and fully check the chunk at off (a multiple of 512). */
static int
dir_chunk(struct ffs_inode *dp, uint64_t off, uint8_t *chunk)
{
	struct ffs_dirent de;
	size_t pos;
	int error;

	if ((error = ffs_read_bytes(dp, off, chunk, FFS_DIRBLKSIZ)) != 0)
		return error;
	for (pos = 0; pos < FFS_DIRBLKSIZ; pos += de.d_reclen)
		if ((error = dirent_decode(dp->fi_fm, chunk, pos, &de)) != 0)
			return error;
	return 0;
}

/* The inode number of name in directory dp; ENOENT if absent. */
static int
dir_find(struct ffs_inode *dp, const char *name, size_t namelen,
    uint32_t *inop)
{
	uint8_t *chunk;
	struct ffs_dirent de;
	uint64_t off;
	size_t pos;
	int error = ENOENT;

	if ((chunk = kmem_alloc(FFS_DIRBLKSIZ, KM_SLEEP)) == NULL)
		return ENOMEM;
	for (off = 0; off < dp->fi_size && error == ENOENT;
	    off += FFS_DIRBLKSIZ) {
		int e = dir_chunk(dp, off, chunk);

		if (e != 0) {
			error = e;
			break;
		}
		for (pos = 0; pos < FFS_DIRBLKSIZ; pos += de.d_reclen) {
			(void)dirent_decode(dp->fi_fm, chunk, pos, &de);
			if (de.d_ino > 1 && de.d_namlen == namelen &&
			    memcmp(de.d_name, name, namelen) == 0) {
				*inop = de.d_ino;
				error = 0;
				break;
			}
		}
	}
	kmem_free(chunk, FFS_DIRBLKSIZ);
	return error;
}

static int
ffs_lookup(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn)
{
	uint32_t ino;
	int error;

	*vpp = NULL;
	if (dvp->v_type != VDIR)
		return ENOTDIR;
	if (cn->cn_namelen == 1 && cn->cn_nameptr[0] == '.') {
		vref(dvp);
		*vpp = dvp;
		return 0;
	}
	if (cn->cn_namelen > FFS_MAXNAMLEN)
		return ENAMETOOLONG;
	error = dir_find(VP_TO_FFS(dvp), cn->cn_nameptr, cn->cn_namelen, &ino);
	if (error != 0)
		return error;
	return vcache_get(dvp->v_mount, ino, vpp);
}

static int
ffs_getattr(struct vnode *vp, struct vattr *va)
{
	struct ffs_inode *ip = VP_TO_FFS(vp);

	memset(va, 0, sizeof(*va));
	va->va_type = vp->v_type;
	va->va_mode = ip->fi_mode & 07777;
	va->va_nlink = (uint32_t)ip->fi_nlink;
	va->va_uid = ip->fi_uid;
	va->va_gid = ip->fi_gid;
	va->va_fsid = vp->v_mount->mnt_fsid;
	va->va_fileid = ip->fi_ino;
	va->va_size = (int64_t)ip->fi_size;
	va->va_blocksize = ip->fi_fm->fm_bsize;
	va->va_atime.tv_sec = ip->fi_atime;
	va->va_atime.tv_nsec = ip->fi_atimensec;
	va->va_mtime.tv_sec = ip->fi_mtime;
	va->va_mtime.tv_nsec = ip->fi_mtimensec;
	va->va_ctime.tv_sec = ip->fi_ctime;
	va->va_ctime.tv_nsec = ip->fi_ctimensec;
	va->va_birthtime.tv_sec = ip->fi_birthtime;
	va->va_birthtime.tv_nsec = ip->fi_birthnsec;
	va->va_gen = (uint32_t)ip->fi_gen;
	va->va_flags = ip->fi_flags;
	va->va_rdev = vp->v_rdev;
	va->va_bytes = (int64_t)(ip->fi_blocks * DEV_BSIZE);
	return 0;
}

#define FFS_READ_CHUNK	65536

static int
ffs_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct ffs_inode *ip = VP_TO_FFS(vp);
	char *buf;
	int error = 0;

	(void)ioflag;
	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EOPNOTSUPP;
	if (uio->uio_offset < 0)
		return EINVAL;
	if ((buf = kmem_alloc(FFS_READ_CHUNK, KM_SLEEP)) == NULL)
		return ENOMEM;
	while (uio->uio_resid > 0 &&
	    (uint64_t)uio->uio_offset < ip->fi_size) {
		uint64_t off = (uint64_t)uio->uio_offset;
		size_t n = MIN(uio->uio_resid, FFS_READ_CHUNK);

		n = (size_t)MIN((uint64_t)n, ip->fi_size - off);
		if ((error = ffs_read_bytes(ip, off, buf, n)) != 0)
			break;
		if ((error = uiomove(buf, n, uio)) != 0)
			break;
	}
	kmem_free(buf, FFS_READ_CHUNK);
	return error;
}

static int
ffs_readdir(struct vnode *vp, struct uio *uio, int *eofp)
{
	struct ffs_inode *dp = VP_TO_FFS(vp);
	uint8_t *chunk;
	struct ffs_dirent de;
	uint64_t off, start;
	bool stored = false;
	int error = 0, r;

	*eofp = 0;
	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (uio->uio_offset < 0)
		return EINVAL;
	if ((chunk = kmem_alloc(FFS_DIRBLKSIZ, KM_SLEEP)) == NULL)
		return ENOMEM;
	start = (uint64_t)uio->uio_offset;
	for (off = start & ~(uint64_t)(FFS_DIRBLKSIZ - 1); off < dp->fi_size;
	    off += FFS_DIRBLKSIZ) {
		if ((error = dir_chunk(dp, off, chunk)) != 0)
			goto out;
		for (size_t pos = 0; pos < FFS_DIRBLKSIZ; pos += de.d_reclen) {
			(void)dirent_decode(dp->fi_fm, chunk, pos, &de);
			if (off + pos < start || de.d_ino <= 1)
				continue;
			uio->uio_offset = (off_t)(off + pos);
			r = vfs_dirent_put(uio, de.d_ino, de.d_name,
			    de.d_namlen, de.d_type);
			if (r == VFS_DIRENT_FULL) {
				uio->uio_offset = (off_t)(off + pos);
				error = stored ? 0 : EINVAL;
				goto out;
			}
			if (r != 0) {
				error = r;
				goto out;
			}
			stored = true;
		}
	}
	uio->uio_offset = (off_t)dp->fi_size;
	*eofp = 1;
out:
	kmem_free(chunk, FFS_DIRBLKSIZ);
	return error;
}

static int
ffs_readlink(struct vnode *vp, struct uio *uio)
{
	struct ffs_inode *ip = VP_TO_FFS(vp);
	size_t len = (size_t)ip->fi_size;
	char *buf;
	int error;

	if (vp->v_type != VLNK)
		return EINVAL;
	if (ip->fi_size < (uint64_t)ip->fi_fm->fm_maxsymlinklen ||
	    (ip->fi_fm->fm_maxsymlinklen == 0 && ip->fi_blocks == 0))
		return uiomove(ip->fi_shortlink, len, uio);
	if ((buf = kmem_alloc(len, KM_SLEEP)) == NULL)
		return ENOMEM;
	error = ffs_read_bytes(ip, 0, buf, len);
	if (error == 0)
		error = uiomove(buf, len, uio);
	kmem_free(buf, len);
	return error;
}

static int
ffs_inactive(struct vnode *vp, bool *recycle)
{
	(void)vp;
	*recycle = false;
	return 0;
}

static int
ffs_reclaim(struct vnode *vp)
{
	ffs_inode_free(VP_TO_FFS(vp));
	vp->v_data = NULL;
	return 0;
}

/* NetBSD's _PC_* names (sys/unistd.h). */
enum {
	PC_LINK_MAX = 1, PC_MAX_CANON, PC_MAX_INPUT, PC_NAME_MAX,
	PC_PATH_MAX, PC_PIPE_BUF, PC_CHOWN_RESTRICTED, PC_NO_TRUNC,
	PC_VDISABLE, PC_SYNC_IO, PC_FILESIZEBITS
};

static int
ffs_pathconf(struct vnode *vp, int name, register_t *retval)
{
	(void)vp;
	switch (name) {
	case PC_LINK_MAX:
		*retval = FFS_LINK_MAX;
		return 0;
	case PC_NAME_MAX:
		*retval = FFS_MAXNAMLEN;
		return 0;
	case PC_PATH_MAX:
		*retval = MAXPATHLEN;
		return 0;
	case PC_PIPE_BUF:
		*retval = 512;
		return 0;
	case PC_CHOWN_RESTRICTED:
	case PC_NO_TRUNC:
		*retval = 1;
		return 0;
	case PC_FILESIZEBITS:
		*retval = 64;
		return 0;
	default:
		return EINVAL;
	}
}

static int
ffs_fsync(struct vnode *vp, int flags)
{
	(void)vp;
	(void)flags;
	return 0;
}

/* --- what a read-only file system refuses -------------------------------- */
static int
ffs_create(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn, struct vattr *va)
{
	(void)dvp; (void)cn; (void)va;
	*vpp = NULL;
	return EROFS;
}

static int
ffs_symlink(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn, struct vattr *va, const char *target)
{
	(void)target;
	return ffs_create(dvp, vpp, cn, va);
}

static int
ffs_remove(struct vnode *dvp, struct vnode *vp,
    const struct componentname *cn)
{
	(void)dvp; (void)vp; (void)cn;
	return EROFS;
}

static int
ffs_rename(struct vnode *fdvp, struct vnode *fvp,
    const struct componentname *fcn, struct vnode *tdvp, struct vnode *tvp,
    const struct componentname *tcn)
{
	(void)fdvp; (void)fvp; (void)fcn; (void)tdvp; (void)tvp; (void)tcn;
	return EROFS;
}

static int
ffs_setattr(struct vnode *vp, const struct vattr *va)
{
	(void)vp; (void)va;
	return EROFS;
}

static int
ffs_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	(void)vp; (void)uio; (void)ioflag;
	return EROFS;
}

const struct vnodeops ffs_vnodeops = {
	.vop_lookup = ffs_lookup,
	.vop_create = ffs_create,
	.vop_mkdir = ffs_create,
	.vop_symlink = ffs_symlink,
	.vop_remove = ffs_remove,
	.vop_rmdir = ffs_remove,
	.vop_link = ffs_remove,
	.vop_rename = ffs_rename,
	.vop_getattr = ffs_getattr,
	.vop_setattr = ffs_setattr,
	.vop_read = ffs_read,
	.vop_write = ffs_write,
	.vop_readdir = ffs_readdir,
	.vop_readlink = ffs_readlink,
	.vop_fsync = ffs_fsync,
	.vop_inactive = ffs_inactive,
	.vop_reclaim = ffs_reclaim,
	.vop_pathconf = ffs_pathconf,
};
