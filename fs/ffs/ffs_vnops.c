/*
 * ffs_vnops.c: the vnode operations of FFS.
 *
 * The VFS has resolved names, taken the vnode locks each operation in
 * vfs/vfs.h lists, and checked permissions and read-only mounts; these
 * functions check what only the file system knows (entries, link
 * counts, emptiness, file flags, limits) and change inodes.  Lock
 * rules: ffs.h.  Every operation that changes an inode writes it into
 * the buffer cache before returning (ffs_inode_update).
 *
 * Orders that keep a crash repairable by fsck (NetBSD's, without soft
 * dependencies): a new inode is written before the entry naming it,
 * a link count goes up before a new name and down after the name is
 * gone, and rename adds the new name before removing the old.  The
 * first two are synchronous inode writes (dirop_sync) unless the
 * mount is asynchronous, as NetBSD's UPDATE_DIROP; the third and
 * fourth are synchronous writes of the chunk that lost the name
 * (ffs_dir_remove, ffs_dir_rewrite, ffs_dir_setparent: NetBSD's
 * ufs_dirremove and ufs_dirrewrite), so a freed inode is never named
 * on the disk, and rename's new name is written synchronously too.
 * A file whose last name is gone keeps its blocks until its last
 * reference goes (ffs_inactive).
 */
#include "fs/ffs/ffs.h"

#define VP_TO_FFS(vp)	((struct ffs_inode *)(vp)->v_data)
#define FL_FROZEN	(FFS_FL_IMMUTABLE | FFS_FL_APPEND)
#define ISUID		04000
#define ISGID		02000

static bool
name_is(const struct componentname *cn, const char *s)
{
	size_t len = strlen(s);

	return cn->cn_namelen == len && memcmp(cn->cn_nameptr, s, len) == 0;
}

/* A name about to be entered in a directory. */
static int
check_newname(const struct componentname *cn, int dotserr)
{
	if (cn->cn_namelen == 0)
		return ENOENT;
	if (cn->cn_namelen > FFS_MAXNAMLEN)
		return ENAMETOOLONG;
	if (name_is(cn, ".") || name_is(cn, ".."))
		return dotserr;
	return 0;
}

/*
 * Writes that order a directory operation (NetBSD's UPDATE_DIROP): an
 * inode a new name will point at, or whose link count went up for
 * one, reaches the disk before the name does, unless the mount is
 * asynchronous.  New entries of create, mkdir and link are delayed
 * writes; rename's is not (ffs_dir.c writes the loss of a name
 * synchronously, and the new name must not come later).
 */
static bool
dirop_sync(const struct ffs_inode *ip)
{
	return !(ip->fi_fm->fm_mp->mnt_flag & RUMP_MNT_ASYNC);
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
	error = ffs_dir_find(VP_TO_FFS(dvp), cn->cn_nameptr, cn->cn_namelen,
	    &ino, NULL);
	if (error != 0)
		return error;
	return vcache_get(dvp->v_mount, ino, vpp);
}

static int
ffs_getattr(struct vnode *vp, struct vattr *va)
{
	struct ffs_inode *ip = VP_TO_FFS(vp);
	struct ffs_mount *fm = ip->fi_fm;

	memset(va, 0, sizeof(*va));
	va->va_type = vp->v_type;
	va->va_mode = ip->fi_mode & 07777;
	va->va_nlink = (uint32_t)ip->fi_nlink;
	va->va_uid = ip->fi_uid;
	va->va_gid = ip->fi_gid;
	va->va_fsid = vp->v_mount->mnt_fsid;
	va->va_fileid = ip->fi_ino;
	va->va_size = (int64_t)ip->fi_size;
	va->va_blocksize = fm->fm_bsize;
	mutex_enter(&fm->fm_ilock);
	va->va_atime.tv_sec = ip->fi_atime;
	va->va_atime.tv_nsec = ip->fi_atimensec;
	mutex_exit(&fm->fm_ilock);
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
	if (uio->uio_resid == 0)
		return 0;
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
	ffs_mark_access(vp);
	return error;
}

static int
ffs_readdir(struct vnode *vp, struct uio *uio, int *eofp)
{
	int error;

	*eofp = 0;
	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (uio->uio_offset < 0)
		return EINVAL;
	error = ffs_dir_read(VP_TO_FFS(vp), uio, eofp);
	ffs_mark_access(vp);
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
	if (ffs_fastlink(ip)) {
		error = uiomove(ip->fi_shortlink, len, uio);
		ffs_mark_access(vp);
		return error;
	}
	if ((buf = kmem_alloc(len, KM_SLEEP)) == NULL)
		return ENOMEM;
	error = ffs_read_bytes(ip, 0, buf, len);
	if (error == 0)
		error = uiomove(buf, len, uio);
	kmem_free(buf, len);
	ffs_mark_access(vp);
	return error;
}

/* --- making files ---------------------------------------------------------- */

/* Allocate and write a new inode of type `type` for directory dp. */
static int
inode_make(struct ffs_inode *dp, const struct componentname *cn,
    const struct vattr *va, enum vtype type, const char *target,
    uint32_t *inop)
{
	struct ffs_mount *fm = dp->fi_fm;
	uint16_t mode = (uint16_t)(vtype_to_ifmt(type) | (va->va_mode & 07777));
	struct ffs_inode *ip;
	struct rump_timespec now;
	uint32_t ino;
	int error;

	if ((error = ffs_valloc(dp, mode, &ino)) != 0)
		return error;
	if ((ip = kmem_zalloc(sizeof(*ip), KM_SLEEP)) == NULL) {
		ffs_vfree(fm, ino, mode);
		return ENOMEM;
	}
	vfs_timestamp(&now);
	ip->fi_fm = fm;
	ip->fi_ino = ino;
	ip->fi_mode = mode;
	ip->fi_nlink = type == VDIR ? 2 : 1;
	ip->fi_uid = va->va_uid != (uid_t)VNOVAL ? va->va_uid :
	    (cn->cn_cred != NULL ? cn->cn_cred->cr_euid : 0);
	ip->fi_gid = va->va_gid != (gid_t)VNOVAL ? va->va_gid : dp->fi_gid;
	ip->fi_atime = ip->fi_mtime = ip->fi_ctime = now.tv_sec;
	ip->fi_atimensec = ip->fi_mtimensec = ip->fi_ctimensec =
	    (int32_t)now.tv_nsec;
	if (fm->fm_ufs2) {
		ip->fi_birthtime = now.tv_sec;
		ip->fi_birthnsec = (int32_t)now.tv_nsec;
	}
	if (type == VCHR || type == VBLK)
		ip->fi_db[0] = fm->fm_ufs2 ? (int64_t)va->va_rdev :
		    (int32_t)(uint32_t)va->va_rdev;
	if (type == VLNK) {
		/* a symlink is never empty; a long one's block follows */
		ip->fi_size = strlen(target);
		if (ip->fi_size < (uint64_t)fm->fm_maxsymlinklen)
			memcpy(ip->fi_shortlink, target, ip->fi_size);
	}
	error = ffs_inode_create(ip);
	ffs_inode_free(ip);
	if (error != 0) {
		ffs_vfree(fm, ino, mode);
		return error;
	}
	*inop = ino;
	return 0;
}

/* The new file's contents: a directory's first chunk, a symlink's
 * target. */
static int
inode_fill(struct ffs_inode *ip, struct ffs_inode *dp, enum vtype type,
    const char *target, kauth_cred_t cred)
{
	struct ffs_mount *fm = ip->fi_fm;
	size_t len;
	int error = 0;

	if (type == VDIR)
		error = ffs_dir_init(ip, dp->fi_ino, cred);
	else if (type == VLNK) {
		len = strlen(target);
		if (len >= (size_t)fm->fm_maxsymlinklen)
			error = ffs_write_bytes(ip, 0, target, len, cred,
			    false);
	}
	if (error == 0)
		error = ffs_inode_update(ip, dirop_sync(ip));
	return error;
}

static int
make_file(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn, const struct vattr *va,
    enum vtype type, const char *target)
{
	struct ffs_inode *dp = VP_TO_FFS(dvp), *ip;
	struct vnode *vp;
	uint32_t ino;
	int error;

	*vpp = NULL;
	if (dvp->v_type != VDIR)
		return ENOTDIR;
	if ((error = check_newname(cn, EEXIST)) != 0)
		return error;
	if (dp->fi_nlink <= 0)
		return ENOENT;		/* directory was removed */
	if (ffs_dir_find(dp, cn->cn_nameptr, cn->cn_namelen, &ino, NULL) == 0)
		return EEXIST;
	if (type == VDIR && dp->fi_nlink >= FFS_LINK_MAX)
		return EMLINK;
	if (type == VLNK && strlen(target) >= MAXPATHLEN)
		return ENAMETOOLONG;
	if ((error = inode_make(dp, cn, va, type, target, &ino)) != 0)
		return error;
	if ((error = vcache_get(dvp->v_mount, ino, &vp)) != 0) {
		ffs_inode_clear(dp->fi_fm, ino);
		return error;
	}
	vn_lock(vp, RW_WRITER);
	ip = VP_TO_FFS(vp);
	if (type == VDIR) {
		dp->fi_nlink++;
		error = ffs_inode_update(dp, dirop_sync(dp));
	}
	if (error == 0)
		error = inode_fill(ip, dp, type, target, cn->cn_cred);
	if (error == 0)
		error = ffs_dir_enter(dp, cn->cn_nameptr, cn->cn_namelen,
		    ino, vtype_to_dt(type), false, cn->cn_cred);
	if (error != 0) {
		/* nothing names it: ffs_inactive frees it on vput */
		ip->fi_nlink = 0;
		if (type == VDIR)
			dp->fi_nlink--;
		(void)ffs_inode_update(ip, false);
	} else
		ffs_mark_change(dp, true);
	(void)ffs_inode_update(dp, false);
	if (error != 0) {
		vput(vp);
		return error;
	}
	vn_unlock(vp);
	*vpp = vp;
	return 0;
}

static int
ffs_create(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn, struct vattr *va)
{
	switch (va->va_type) {
	case VREG:
	case VCHR:
	case VBLK:
	case VFIFO:
	case VSOCK:
		return make_file(dvp, vpp, cn, va, va->va_type, NULL);
	default:
		*vpp = NULL;
		return EINVAL;
	}
}

static int
ffs_mkdir(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn, struct vattr *va)
{
	return make_file(dvp, vpp, cn, va, VDIR, NULL);
}

static int
ffs_symlink(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn, struct vattr *va, const char *target)
{
	if (target == NULL) {
		*vpp = NULL;
		return EINVAL;
	}
	return make_file(dvp, vpp, cn, va, VLNK, target);
}

/* --- removing, linking, renaming ------------------------------------------ */

/* The slot of cn in dp if it still names ip; ENOENT otherwise. */
static int
entry_of(struct ffs_inode *dp, const struct componentname *cn,
    const struct ffs_inode *ip, struct ffs_dirslot *slot)
{
	uint32_t ino;
	int error;

	error = ffs_dir_find(dp, cn->cn_nameptr, cn->cn_namelen, &ino, slot);
	if (error == 0 && ino != ip->fi_ino)
		error = ENOENT;
	return error;
}

static int
ffs_remove(struct vnode *dvp, struct vnode *vp,
    const struct componentname *cn)
{
	struct ffs_inode *dp = VP_TO_FFS(dvp), *ip = VP_TO_FFS(vp);
	struct ffs_dirslot slot;
	int error;

	if (vp->v_type == VDIR)
		return EPERM;
	if ((ip->fi_flags & FL_FROZEN) || (dp->fi_flags & FFS_FL_APPEND))
		return EPERM;
	if ((error = entry_of(dp, cn, ip, &slot)) != 0)
		return error;
	if ((error = ffs_dir_remove(dp, &slot)) != 0)
		return error;
	ip->fi_nlink--;
	ffs_mark_change(ip, false);
	ffs_mark_change(dp, true);
	(void)ffs_inode_update(ip, false);
	return ffs_inode_update(dp, false);
}

static int
ffs_rmdir(struct vnode *dvp, struct vnode *vp,
    const struct componentname *cn)
{
	struct ffs_inode *dp = VP_TO_FFS(dvp), *ip = VP_TO_FFS(vp);
	struct ffs_dirslot slot;
	int error;

	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (vp == dvp)
		return EINVAL;
	if (vp->v_vflag & VV_ROOT)
		return EBUSY;
	if ((ip->fi_flags & FL_FROZEN) || (dp->fi_flags & FFS_FL_APPEND))
		return EPERM;
	if ((error = entry_of(dp, cn, ip, &slot)) != 0)
		return error;
	if ((error = ffs_dir_empty(ip)) != 0)
		return error;
	if ((error = ffs_dir_remove(dp, &slot)) != 0)
		return error;
	dp->fi_nlink--;
	ip->fi_nlink = 0;
	ffs_mark_change(ip, false);
	ffs_mark_change(dp, true);
	(void)ffs_inode_update(ip, false);
	return ffs_inode_update(dp, false);
}

static int
ffs_link(struct vnode *dvp, struct vnode *vp, const struct componentname *cn)
{
	struct ffs_inode *dp = VP_TO_FFS(dvp), *ip = VP_TO_FFS(vp);
	uint32_t ino;
	int error;

	if (vp->v_type == VDIR)
		return EPERM;
	if (vp->v_mount != dvp->v_mount)
		return EXDEV;
	if ((error = check_newname(cn, EEXIST)) != 0)
		return error;
	if (dp->fi_nlink <= 0)
		return ENOENT;
	if (ffs_dir_find(dp, cn->cn_nameptr, cn->cn_namelen, &ino, NULL) == 0)
		return EEXIST;
	if (ip->fi_nlink >= FFS_LINK_MAX)
		return EMLINK;
	if (ip->fi_flags & FL_FROZEN)
		return EPERM;
	ip->fi_nlink++;
	ffs_mark_change(ip, false);
	if ((error = ffs_inode_update(ip, dirop_sync(ip))) == 0)
		error = ffs_dir_enter(dp, cn->cn_nameptr, cn->cn_namelen,
		    ip->fi_ino, vtype_to_dt(vp->v_type), false, cn->cn_cred);
	if (error != 0) {
		ip->fi_nlink--;
		(void)ffs_inode_update(ip, false);
		return error;
	}
	ffs_mark_change(dp, true);
	return ffs_inode_update(dp, false);
}

/* What rename may not do; 0 if it may go ahead. */
static int
rename_check(struct vnode *fdvp, struct vnode *fvp, struct vnode *tdvp,
    struct vnode *tvp)
{
	struct ffs_inode *fdp = VP_TO_FFS(fdvp), *fip = VP_TO_FFS(fvp);
	struct ffs_inode *tdp = VP_TO_FFS(tdvp);
	struct ffs_inode *tip = tvp != NULL ? VP_TO_FFS(tvp) : NULL;

	if (tdp->fi_nlink <= 0)
		return ENOENT;
	if ((fip->fi_flags & FL_FROZEN) || (fdp->fi_flags & FFS_FL_APPEND) ||
	    (tdp->fi_flags & FFS_FL_APPEND) ||
	    (tip != NULL && (tip->fi_flags & FL_FROZEN)))
		return EPERM;
	if (tip != NULL) {
		if (fvp->v_type == VDIR && tvp->v_type != VDIR)
			return ENOTDIR;
		if (fvp->v_type != VDIR && tvp->v_type == VDIR)
			return EISDIR;
		if (tvp->v_type == VDIR && ffs_dir_empty(tip) != 0)
			return ENOTEMPTY;
	}
	if (fvp->v_type == VDIR && fdvp != tdvp && tip == NULL &&
	    tdp->fi_nlink >= FFS_LINK_MAX)
		return EMLINK;
	return 0;
}

/* Point the target's existing entry at fip; the old target loses a
 * link (a directory all of them, and its parent the one of "..") */
static int
rename_replace(struct ffs_inode *tdp, struct vnode *tvp,
    const struct ffs_dirslot *tslot, struct ffs_inode *fip, int dtype)
{
	struct ffs_inode *tip = VP_TO_FFS(tvp);
	int error;

	if ((error = ffs_dir_rewrite(tdp, tslot, fip->fi_ino, dtype)) != 0)
		return error;
	if (tvp->v_type == VDIR) {
		tip->fi_nlink = 0;
		tdp->fi_nlink--;
	} else
		tip->fi_nlink--;
	ffs_mark_change(tip, false);
	return ffs_inode_update(tip, false);
}

static int
ffs_rename(struct vnode *fdvp, struct vnode *fvp,
    const struct componentname *fcn, struct vnode *tdvp, struct vnode *tvp,
    const struct componentname *tcn)
{
	struct ffs_inode *fdp = VP_TO_FFS(fdvp), *fip = VP_TO_FFS(fvp);
	struct ffs_inode *tdp = VP_TO_FFS(tdvp);
	struct ffs_dirslot fslot, tslot;
	bool newparent = fvp->v_type == VDIR && fdvp != tdvp;
	int dtype = vtype_to_dt(fvp->v_type), error;
	uint32_t ino;

	if (fvp == tvp)
		return 0;	/* two names of one file: nothing to do */
	if (fdvp->v_type != VDIR || tdvp->v_type != VDIR)
		return ENOTDIR;
	if (fdvp->v_mount != tdvp->v_mount || fvp->v_mount != fdvp->v_mount)
		return EXDEV;
	if ((error = check_newname(tcn, EINVAL)) != 0)
		return error;
	if (name_is(fcn, ".") || name_is(fcn, ".."))
		return EINVAL;
	if ((error = entry_of(fdp, fcn, fip, &fslot)) != 0)
		return error;
	error = ffs_dir_find(tdp, tcn->cn_nameptr, tcn->cn_namelen, &ino,
	    &tslot);
	if (error != 0 && error != ENOENT)
		return error;
	if (tvp == NULL && error == 0)
		return EEXIST;
	if (tvp != NULL && (error != 0 || ino != VP_TO_FFS(tvp)->fi_ino))
		return ENOENT;
	if ((error = rename_check(fdvp, fvp, tdvp, tvp)) != 0)
		return error;

	/* the file gains its new name before it loses the old one */
	fip->fi_nlink++;
	if ((error = ffs_inode_update(fip, dirop_sync(fip))) != 0)
		goto undo;
	if (newparent) {
		tdp->fi_nlink++;
		if ((error = ffs_inode_update(tdp, dirop_sync(tdp))) != 0) {
			tdp->fi_nlink--;
			goto undo;
		}
	}
	if (tvp == NULL)
		error = ffs_dir_enter(tdp, tcn->cn_nameptr, tcn->cn_namelen,
		    fip->fi_ino, dtype, dirop_sync(tdp), tcn->cn_cred);
	else
		error = rename_replace(tdp, tvp, &tslot, fip, dtype);
	if (error != 0) {
		if (newparent)
			tdp->fi_nlink--;
		goto undo;
	}
	/* an insertion may have moved entries of the same chunk */
	if ((error = entry_of(fdp, fcn, fip, &fslot)) == 0)
		error = ffs_dir_remove(fdp, &fslot);
	if (error == 0)
		fip->fi_nlink--;
	if (error == 0 && newparent) {
		error = ffs_dir_setparent(fip, tdp->fi_ino);
		fdp->fi_nlink--;
	}
	ffs_mark_change(fip, false);
	ffs_mark_change(fdp, true);
	ffs_mark_change(tdp, true);
	(void)ffs_inode_update(fip, false);
	(void)ffs_inode_update(fdp, false);
	if (tdp != fdp)
		(void)ffs_inode_update(tdp, false);
	return error;
undo:
	fip->fi_nlink--;
	(void)ffs_inode_update(fip, false);
	return error;
}

/* --- attributes and data ------------------------------------------------- */

/* Truncate or extend; only regular files have a size to set. */
static int
setattr_size(struct vnode *vp, struct ffs_inode *ip, int64_t size)
{
	int error;

	switch (vp->v_type) {
	case VDIR:
		return EISDIR;
	case VREG:
		break;
	case VCHR:
	case VBLK:
	case VFIFO:
		return 0;
	default:
		return EOPNOTSUPP;
	}
	if (ip->fi_flags & FL_FROZEN)
		return EPERM;
	if (size < 0)
		return EINVAL;
	if ((uint64_t)size > ip->fi_fm->fm_maxfilesize)
		return EFBIG;
	if ((uint64_t)size == ip->fi_size)
		return 0;
	error = ffs_truncate(ip, (uint64_t)size, curcred());
	if (error == 0)
		ffs_mark_change(ip, true);
	return error;
}

static int
ffs_setattr(struct vnode *vp, const struct vattr *va)
{
	struct ffs_inode *ip = VP_TO_FFS(vp);
	struct ffs_mount *fm = ip->fi_fm;
	bool chtimes = va->va_atime.tv_sec != VNOVAL ||
	    va->va_mtime.tv_sec != VNOVAL ||
	    va->va_birthtime.tv_sec != VNOVAL;
	bool chown = va->va_uid != (uid_t)VNOVAL ||
	    va->va_gid != (gid_t)VNOVAL;
	bool chmod = va->va_mode != (mode_t)VNOVAL;
	int error = 0;

	if (va->va_flags != (uint64_t)VNOVAL) {
		ip->fi_flags = (uint32_t)va->va_flags;
		ffs_mark_change(ip, false);
	}
	if (va->va_size != VNOVAL &&
	    (error = setattr_size(vp, ip, va->va_size)) != 0)
		goto out;
	if ((chown || chmod || chtimes) && (ip->fi_flags & FL_FROZEN)) {
		error = EPERM;
		goto out;
	}
	if (va->va_uid != (uid_t)VNOVAL)
		ip->fi_uid = va->va_uid;
	if (va->va_gid != (gid_t)VNOVAL)
		ip->fi_gid = va->va_gid;
	if (chmod)
		ip->fi_mode = (uint16_t)((ip->fi_mode & FFS_IFMT) |
		    (va->va_mode & 07777));
	if (va->va_atime.tv_sec != VNOVAL) {
		mutex_enter(&fm->fm_ilock);
		ip->fi_atime = va->va_atime.tv_sec;
		ip->fi_atimensec = (int32_t)va->va_atime.tv_nsec;
		mutex_exit(&fm->fm_ilock);
	}
	if (va->va_mtime.tv_sec != VNOVAL) {
		ip->fi_mtime = va->va_mtime.tv_sec;
		ip->fi_mtimensec = (int32_t)va->va_mtime.tv_nsec;
	}
	if (va->va_birthtime.tv_sec != VNOVAL && fm->fm_ufs2) {
		ip->fi_birthtime = va->va_birthtime.tv_sec;
		ip->fi_birthnsec = (int32_t)va->va_birthtime.tv_nsec;
	}
	if (chown || chmod || chtimes)
		ffs_mark_change(ip, false);
out:
	if (ffs_inode_update(ip, false) != 0 && error == 0)
		error = EIO;
	return error;
}

static int
ffs_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct ffs_inode *ip = VP_TO_FFS(vp);
	struct ffs_mount *fm = ip->fi_fm;
	size_t resid0 = uio->uio_resid;
	bool sync = (ioflag & (IO_SYNC | IO_DSYNC)) != 0;
	kauth_cred_t cred = curcred();
	int error = 0;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EINVAL;
	if (ioflag & IO_APPEND)
		uio->uio_offset = (off_t)ip->fi_size;
	if (uio->uio_offset < 0)
		return EINVAL;
	if ((ip->fi_flags & FFS_FL_IMMUTABLE) ||
	    ((ip->fi_flags & FFS_FL_APPEND) &&
	    (uint64_t)uio->uio_offset != ip->fi_size))
		return EPERM;
	if (uio->uio_resid == 0)
		return 0;
	if ((uint64_t)uio->uio_offset >= fm->fm_maxfilesize ||
	    uio->uio_resid > fm->fm_maxfilesize - (uint64_t)uio->uio_offset)
		return EFBIG;
	while (uio->uio_resid > 0) {
		uint64_t off = (uint64_t)uio->uio_offset;
		int64_t lbn = (int64_t)(off >> fm->fm_bshift);
		size_t boff = (size_t)(off & ((uint64_t)fm->fm_bsize - 1));
		size_t n = MIN(uio->uio_resid, (size_t)fm->fm_bsize - boff);
		uint64_t osize = ip->fi_size;
		int flags = boff == 0 ? FFS_BA_FILL : 0;
		struct buf *bp;

		if ((error = ffs_balloc(ip, lbn, boff + n, flags, cred,
		    &bp)) != 0) {
			(void)ffs_trim(ip, lbn, boff + n, cred);
			break;
		}
		/* the size covers what balloc backed (new space is zero) */
		if (off + n > ip->fi_size)
			ip->fi_size = off + n;
		bp->b_flags |= B_FILEDATA;	/* fsync of others skips it */
		error = uiomove(bp->b_data + boff, n, uio);
		if (error != 0 && flags != 0) {
			/* what was not copied was never read: zeros, as
			 * NetBSD's ubc leaves it, never stale memory */
			size_t done = (size_t)((uint64_t)uio->uio_offset - off);

			memset(bp->b_data + done, 0, n - done);
		}
		if (ffs_bwrite(fm, bp, sync) != 0 && error == 0)
			error = EIO;
		if (error != 0) {
			/* a copy that stopped short: back to what was
			 * written */
			if ((uint64_t)uio->uio_offset < ip->fi_size &&
			    ip->fi_size > osize)
				(void)ffs_truncate(ip, MAX(osize,
				    (uint64_t)uio->uio_offset), cred);
			break;
		}
	}
	if (uio->uio_resid != resid0) {
		ffs_mark_change(ip, true);
		/* a write by anyone but root drops set-id bits */
		if (cred != NULL && !cred_isroot(cred))
			ip->fi_mode &= (uint16_t)~(ISUID | ISGID);
	}
	if (ffs_inode_update(ip, sync) != 0 && error == 0)
		error = EIO;
	return error;
}

static int
ffs_fsync(struct vnode *vp, int flags)
{
	struct ffs_inode *ip = VP_TO_FFS(vp);

	(void)flags;
	if (ip->fi_fm->fm_ronly)
		return 0;
	return ffs_fsync_file(ip);
}

/* The last name and reference of ip are gone: free its blocks and it. */
static void
inode_release(struct ffs_inode *ip)
{
	struct ffs_mount *fm = ip->fi_fm;
	uint16_t mode = ip->fi_mode;

	if (ffs_mode_vtype(mode) == VREG || ffs_mode_vtype(mode) == VDIR ||
	    ffs_mode_vtype(mode) == VLNK)
		(void)ffs_truncate(ip, 0, NULL);
	ip->fi_mode = 0;
	ip->fi_size = 0;
	memset(ip->fi_db, 0, sizeof(ip->fi_db));
	memset(ip->fi_ib, 0, sizeof(ip->fi_ib));
	memset(ip->fi_shortlink, 0, sizeof(ip->fi_shortlink));
	ffs_mark_change(ip, false);
	(void)ffs_inode_update(ip, false);
	ffs_vfree(fm, ip->fi_ino, mode);
}

static int
ffs_inactive(struct vnode *vp, bool *recycle)
{
	struct ffs_inode *ip = VP_TO_FFS(vp);

	*recycle = false;
	if (ip->fi_nlink <= 0 && ip->fi_mode != 0 && !ip->fi_fm->fm_ronly) {
		inode_release(ip);
		*recycle = true;
	}
	return 0;
}

static int
ffs_reclaim(struct vnode *vp)
{
	struct ffs_inode *ip = VP_TO_FFS(vp);

	/* forced out while still open after its last name went */
	if (ip->fi_nlink <= 0 && ip->fi_mode != 0 && !ip->fi_fm->fm_ronly)
		inode_release(ip);
	ffs_inode_free(ip);
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

const struct vnodeops ffs_vnodeops = {
	.vop_lookup = ffs_lookup,
	.vop_create = ffs_create,
	.vop_mkdir = ffs_mkdir,
	.vop_symlink = ffs_symlink,
	.vop_remove = ffs_remove,
	.vop_rmdir = ffs_rmdir,
	.vop_link = ffs_link,
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
