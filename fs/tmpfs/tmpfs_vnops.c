/*
 * tmpfs_vnops.c: the vnode operations of tmpfs.
 *
 * The VFS has resolved names, taken the vnode locks each operation in
 * vfs/vfs.h lists, and checked permissions; these functions check what
 * only the file system knows (entries, link counts, emptiness, file
 * flags, limits) and change nodes.  Lock rules: tmpfs_vfsops.c.
 */
#include "fs/tmpfs/tmpfs.h"

#define FL_IMMUTABLE	(RUMP_UF_IMMUTABLE | RUMP_SF_IMMUTABLE)
#define FL_APPEND	(RUMP_UF_APPEND | RUMP_SF_APPEND)
#define FL_FROZEN	(FL_IMMUTABLE | FL_APPEND)

/* The vcache key of a node is its address. */
static inline uint64_t
node_key(const struct tmpfs_node *n)
{
	return (uint64_t)(uintptr_t)n;
}

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
	if (cn->cn_namelen > TMPFS_NAME_MAX)
		return ENAMETOOLONG;
	if (name_is(cn, ".") || name_is(cn, ".."))
		return dotserr;
	return 0;
}

/* Is a an ancestor of (or equal to) d?  Caller holds mnt_renamelock,
 * so no directory moves while we walk up. */
static bool
is_ancestor(const struct tmpfs_node *a, const struct tmpfs_node *d)
{
	while (d != NULL) {
		if (d == a)
			return true;
		if (d->tn_dir.d_parent == d)
			break;
		d = d->tn_dir.d_parent;
	}
	return false;
}

static int
tmpfs_lookup(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn)
{
	struct tmpfs_node *dn = VP_TO_TMPFS(dvp), *n;
	struct tmpfs_dirent *de;

	*vpp = NULL;
	if (dvp->v_type != VDIR)
		return ENOTDIR;
	if (cn->cn_namelen > TMPFS_NAME_MAX)
		return ENAMETOOLONG;
	if (cn->cn_namelen == 0 || name_is(cn, ".")) {
		vref(dvp);
		*vpp = dvp;
		return 0;
	}
	if (name_is(cn, "..")) {
		/* Stable: moving or removing dn needs dvp exclusive. */
		if ((n = dn->tn_dir.d_parent) == NULL)
			return ENOENT;
	} else {
		de = tmpfs_dir_lookup(dn, cn->cn_nameptr, cn->cn_namelen);
		if (de == NULL)
			return ENOENT;
		n = de->td_node;
	}
	if (n == dn) {
		vref(dvp);
		*vpp = dvp;
		return 0;
	}
	return vcache_get(dvp->v_mount, node_key(n), vpp);
}

/* Make a node of va's type named cn in dvp; target for symlinks. */
static int
alloc_file(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn, const struct vattr *va,
    enum vtype type, const char *target)
{
	struct tmpfs_mount *tm = VFS_TO_TMPFS(dvp->v_mount);
	struct tmpfs_node *dn = VP_TO_TMPFS(dvp), *n;
	struct tmpfs_dirent *de;
	uid_t uid;
	gid_t gid;
	int error;

	*vpp = NULL;
	if (dvp->v_type != VDIR)
		return ENOTDIR;
	if ((error = check_newname(cn, EEXIST)) != 0)
		return error;
	if (dn->tn_nlink == 0)
		return ENOENT;		/* directory was removed */
	if (tmpfs_dir_lookup(dn, cn->cn_nameptr, cn->cn_namelen) != NULL)
		return EEXIST;
	if (type == VDIR && dn->tn_nlink >= TMPFS_LINK_MAX)
		return EMLINK;
	uid = va->va_uid != (uid_t)VNOVAL ? va->va_uid :
	    (cn->cn_cred != NULL ? cn->cn_cred->cr_euid : 0);
	gid = va->va_gid != (gid_t)VNOVAL ? va->va_gid : dn->tn_gid;

	error = tmpfs_node_alloc(tm, type, va->va_mode, uid, gid,
	    va->va_rdev, &n);
	if (error != 0)
		return error;
	if (type == VLNK && (error = tmpfs_link_set(tm, n, target)) != 0)
		goto fail;
	error = tmpfs_dirent_alloc(tm, cn->cn_nameptr, cn->cn_namelen, &de);
	if (error != 0)
		goto fail;
	n->tn_nlink = type == VDIR ? 2 : 1;
	if (type == VDIR)
		n->tn_dir.d_parent = dn;
	if ((error = vcache_get(dvp->v_mount, node_key(n), vpp)) != 0) {
		tmpfs_dirent_free(tm, de);
		goto fail;
	}

	tmpfs_dir_attach(dn, de, n);
	if (type == VDIR)
		dn->tn_nlink++;
	tmpfs_times_update(dn, true, true);
	return 0;

fail:
	tmpfs_node_free(tm, n);
	return error;
}

static int
tmpfs_create(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn, struct vattr *va)
{
	switch (va->va_type) {
	case VREG:
	case VCHR:
	case VBLK:
	case VFIFO:
	case VSOCK:
		return alloc_file(dvp, vpp, cn, va, va->va_type, NULL);
	default:
		*vpp = NULL;
		return EINVAL;
	}
}

static int
tmpfs_mkdir(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn, struct vattr *va)
{
	return alloc_file(dvp, vpp, cn, va, VDIR, NULL);
}

static int
tmpfs_symlink(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn, struct vattr *va, const char *target)
{
	if (target == NULL) {
		*vpp = NULL;
		return EINVAL;
	}
	return alloc_file(dvp, vpp, cn, va, VLNK, target);
}

/* The entry cn of dn, if it still names n. */
static struct tmpfs_dirent *
entry_of(struct tmpfs_node *dn, const struct componentname *cn,
    const struct tmpfs_node *n)
{
	struct tmpfs_dirent *de;

	de = tmpfs_dir_lookup(dn, cn->cn_nameptr, cn->cn_namelen);
	return de != NULL && de->td_node == n ? de : NULL;
}

static int
tmpfs_remove(struct vnode *dvp, struct vnode *vp,
    const struct componentname *cn)
{
	struct tmpfs_mount *tm = VFS_TO_TMPFS(dvp->v_mount);
	struct tmpfs_node *dn = VP_TO_TMPFS(dvp), *n = VP_TO_TMPFS(vp);
	struct tmpfs_dirent *de;

	if (vp->v_type == VDIR)
		return EPERM;
	if ((n->tn_flags & FL_FROZEN) || (dn->tn_flags & FL_APPEND))
		return EPERM;
	if ((de = entry_of(dn, cn, n)) == NULL)
		return ENOENT;
	tmpfs_dir_detach(tm, dn, de);
	tmpfs_dirent_free(tm, de);
	n->tn_nlink--;
	tmpfs_times_update(n, false, true);
	tmpfs_times_update(dn, true, true);
	return 0;
}

static int
tmpfs_rmdir(struct vnode *dvp, struct vnode *vp,
    const struct componentname *cn)
{
	struct tmpfs_mount *tm = VFS_TO_TMPFS(dvp->v_mount);
	struct tmpfs_node *dn = VP_TO_TMPFS(dvp), *n = VP_TO_TMPFS(vp);
	struct tmpfs_dirent *de;

	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (vp == dvp)
		return EINVAL;
	if (vp->v_vflag & VV_ROOT)
		return EBUSY;
	if ((n->tn_flags & FL_FROZEN) || (dn->tn_flags & FL_APPEND))
		return EPERM;
	if ((de = entry_of(dn, cn, n)) == NULL)
		return ENOENT;
	if (n->tn_dir.d_count > 0)
		return ENOTEMPTY;
	tmpfs_dir_detach(tm, dn, de);
	tmpfs_dirent_free(tm, de);
	dn->tn_nlink--;
	n->tn_nlink = 0;
	n->tn_dir.d_parent = NULL;
	tmpfs_times_update(n, false, true);
	tmpfs_times_update(dn, true, true);
	return 0;
}

static int
tmpfs_link(struct vnode *dvp, struct vnode *vp,
    const struct componentname *cn)
{
	struct tmpfs_mount *tm = VFS_TO_TMPFS(dvp->v_mount);
	struct tmpfs_node *dn = VP_TO_TMPFS(dvp), *n = VP_TO_TMPFS(vp);
	struct tmpfs_dirent *de;
	int error;

	if (vp->v_type == VDIR)
		return EPERM;
	if (vp->v_mount != dvp->v_mount)
		return EXDEV;
	if ((error = check_newname(cn, EEXIST)) != 0)
		return error;
	if (dn->tn_nlink == 0)
		return ENOENT;
	if (tmpfs_dir_lookup(dn, cn->cn_nameptr, cn->cn_namelen) != NULL)
		return EEXIST;
	if (n->tn_nlink >= TMPFS_LINK_MAX)
		return EMLINK;
	if (n->tn_flags & FL_FROZEN)
		return EPERM;
	error = tmpfs_dirent_alloc(tm, cn->cn_nameptr, cn->cn_namelen, &de);
	if (error != 0)
		return error;
	tmpfs_dir_attach(dn, de, n);
	n->tn_nlink++;
	tmpfs_times_update(n, false, true);
	tmpfs_times_update(dn, true, true);
	return 0;
}

/* What rename may not do; 0 if it may go ahead. */
static int
rename_check(struct tmpfs_node *fdn, struct tmpfs_node *fn,
    struct tmpfs_node *tdn, struct tmpfs_node *tn)
{
	if (tdn->tn_nlink == 0)
		return ENOENT;
	if ((fn->tn_flags & FL_FROZEN) || (fdn->tn_flags & FL_APPEND) ||
	    (tdn->tn_flags & FL_APPEND) ||
	    (tn != NULL && (tn->tn_flags & FL_FROZEN)))
		return EPERM;
	if (tn != NULL) {
		if (fn->tn_type == VDIR && tn->tn_type != VDIR)
			return ENOTDIR;
		if (fn->tn_type != VDIR && tn->tn_type == VDIR)
			return EISDIR;
		if (tn->tn_type == VDIR && tn->tn_dir.d_count > 0)
			return ENOTEMPTY;
	}
	if (fn->tn_type == VDIR && fdn != tdn) {
		if (is_ancestor(fn, tdn))
			return EINVAL;
		if (tn == NULL && tdn->tn_nlink >= TMPFS_LINK_MAX)
			return EMLINK;
	}
	return 0;
}

static int
tmpfs_rename(struct vnode *fdvp, struct vnode *fvp,
    const struct componentname *fcn, struct vnode *tdvp, struct vnode *tvp,
    const struct componentname *tcn)
{
	struct tmpfs_mount *tm = VFS_TO_TMPFS(fdvp->v_mount);
	struct tmpfs_node *fdn = VP_TO_TMPFS(fdvp), *fn = VP_TO_TMPFS(fvp);
	struct tmpfs_node *tdn = VP_TO_TMPFS(tdvp);
	struct tmpfs_node *tn = tvp != NULL ? VP_TO_TMPFS(tvp) : NULL;
	struct tmpfs_dirent *fde, *tde, *nde = NULL;
	int error;

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
	if ((fde = entry_of(fdn, fcn, fn)) == NULL)
		return ENOENT;
	tde = tmpfs_dir_lookup(tdn, tcn->cn_nameptr, tcn->cn_namelen);
	if (tn == NULL && tde != NULL)
		return EEXIST;
	if (tn != NULL && (tde == NULL || tde->td_node != tn))
		return ENOENT;
	if ((error = rename_check(fdn, fn, tdn, tn)) != 0)
		return error;
	if (tde == NULL && (error = tmpfs_dirent_alloc(tm, tcn->cn_nameptr,
	    tcn->cn_namelen, &nde)) != 0)
		return error;

	/* Nothing fails from here on. */
	tmpfs_dir_detach(tm, fdn, fde);
	tmpfs_dirent_free(tm, fde);
	if (tn != NULL) {
		/* The target's entry now names fn, keeping its cookie. */
		tde->td_node = fn;
		tn->tn_nlink--;
		if (tn->tn_type == VDIR) {
			tn->tn_nlink = 0;
			tn->tn_dir.d_parent = NULL;
			tdn->tn_nlink--;
		}
		tmpfs_times_update(tn, false, true);
	} else
		tmpfs_dir_attach(tdn, nde, fn);
	if (fn->tn_type == VDIR && fdn != tdn) {
		fn->tn_dir.d_parent = tdn;
		fdn->tn_nlink--;
		tdn->tn_nlink++;
	}
	tmpfs_times_update(fn, false, true);
	tmpfs_times_update(fdn, true, true);
	if (tdn != fdn)
		tmpfs_times_update(tdn, true, true);
	return 0;
}

static int
tmpfs_getattr(struct vnode *vp, struct vattr *va)
{
	struct tmpfs_mount *tm = VFS_TO_TMPFS(vp->v_mount);
	struct tmpfs_node *n = VP_TO_TMPFS(vp);

	memset(va, 0, sizeof(*va));
	va->va_type = n->tn_type;
	va->va_mode = n->tn_mode;
	va->va_nlink = n->tn_nlink;
	va->va_uid = n->tn_uid;
	va->va_gid = n->tn_gid;
	va->va_fsid = vp->v_mount->mnt_fsid;
	va->va_fileid = n->tn_id;
	va->va_size = n->tn_type == VDIR ? tmpfs_dir_size(n) : n->tn_size;
	va->va_blocksize = PAGE_SIZE;
	mutex_enter(&tm->tm_lock);
	va->va_atime = n->tn_atime;
	mutex_exit(&tm->tm_lock);
	va->va_mtime = n->tn_mtime;
	va->va_ctime = n->tn_ctime;
	va->va_birthtime = n->tn_birthtime;
	va->va_gen = n->tn_gen;
	va->va_flags = n->tn_flags;
	va->va_rdev = n->tn_rdev;
	if (n->tn_type == VREG)
		va->va_bytes = (int64_t)(n->tn_pt.pt_npages * PAGE_SIZE);
	else
		va->va_bytes = (int64_t)roundup((uint64_t)va->va_size,
		    PAGE_SIZE);
	va->va_vaflags = 0;
	return 0;
}

/* Truncate or extend; only regular files have a size to set. */
static int
setattr_size(struct vnode *vp, struct tmpfs_node *n, int64_t size)
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
	if (n->tn_flags & FL_FROZEN)
		return EPERM;
	if (size < 0)
		return EINVAL;
	if (size == n->tn_size)
		return 0;
	error = tmpfs_reg_truncate(VFS_TO_TMPFS(vp->v_mount), n, size);
	if (error == 0)
		tmpfs_times_update(n, true, true);
	return error;
}

static int
tmpfs_setattr(struct vnode *vp, const struct vattr *va)
{
	struct tmpfs_mount *tm = VFS_TO_TMPFS(vp->v_mount);
	struct tmpfs_node *n = VP_TO_TMPFS(vp);
	bool chtimes = va->va_atime.tv_sec != VNOVAL ||
	    va->va_mtime.tv_sec != VNOVAL ||
	    va->va_birthtime.tv_sec != VNOVAL;
	bool chown = va->va_uid != (uid_t)VNOVAL ||
	    va->va_gid != (gid_t)VNOVAL;
	bool chmod = va->va_mode != (mode_t)VNOVAL;
	int error;

	if (va->va_flags != (uint64_t)VNOVAL) {
		n->tn_flags = va->va_flags;
		tmpfs_times_update(n, false, true);
	}
	if (va->va_size != VNOVAL &&
	    (error = setattr_size(vp, n, va->va_size)) != 0)
		return error;
	if ((chown || chmod || chtimes) && (n->tn_flags & FL_FROZEN))
		return EPERM;
	if (chown) {
		if (va->va_uid != (uid_t)VNOVAL)
			n->tn_uid = va->va_uid;
		if (va->va_gid != (gid_t)VNOVAL)
			n->tn_gid = va->va_gid;
	}
	if (chmod)
		n->tn_mode = va->va_mode & 07777;
	if (chtimes) {
		if (va->va_atime.tv_sec != VNOVAL) {
			mutex_enter(&tm->tm_lock);
			n->tn_atime = va->va_atime;
			mutex_exit(&tm->tm_lock);
		}
		if (va->va_mtime.tv_sec != VNOVAL)
			n->tn_mtime = va->va_mtime;
		if (va->va_birthtime.tv_sec != VNOVAL)
			n->tn_birthtime = va->va_birthtime;
	}
	if (chown || chmod || chtimes)
		tmpfs_times_update(n, false, true);
	return 0;
}

static int
tmpfs_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct tmpfs_node *n = VP_TO_TMPFS(vp);
	int error;

	(void)ioflag;
	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG || uio->uio_offset < 0)
		return EINVAL;
	if (uio->uio_resid == 0)
		return 0;
	error = tmpfs_reg_read(n, uio);
	tmpfs_atime_update(VFS_TO_TMPFS(vp->v_mount), n, vp->v_mount);
	return error;
}

static int
tmpfs_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct tmpfs_node *n = VP_TO_TMPFS(vp);
	size_t resid0 = uio->uio_resid;
	int error;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EINVAL;
	if (ioflag & IO_APPEND)
		uio->uio_offset = n->tn_size;
	if (uio->uio_offset < 0)
		return EINVAL;
	if ((n->tn_flags & FL_IMMUTABLE) ||
	    ((n->tn_flags & FL_APPEND) && uio->uio_offset != n->tn_size))
		return EPERM;
	if (uio->uio_resid == 0)
		return 0;
	if (uio->uio_offset >= TMPFS_MAXFILESIZE ||
	    uio->uio_resid > (uint64_t)(TMPFS_MAXFILESIZE - uio->uio_offset))
		return EFBIG;
	error = tmpfs_reg_write(VFS_TO_TMPFS(vp->v_mount), n, uio);
	if (uio->uio_resid != resid0)
		tmpfs_times_update(n, true, true);
	return error;
}

static int
tmpfs_readdir(struct vnode *vp, struct uio *uio, int *eofp)
{
	struct tmpfs_mount *tm = VFS_TO_TMPFS(vp->v_mount);
	struct tmpfs_node *n = VP_TO_TMPFS(vp);
	int error;

	*eofp = 0;
	if (vp->v_type != VDIR)
		return ENOTDIR;
	error = tmpfs_dir_getdents(tm, n, uio, eofp);
	tmpfs_atime_update(tm, n, vp->v_mount);
	return error;
}

static int
tmpfs_readlink(struct vnode *vp, struct uio *uio)
{
	struct tmpfs_node *n = VP_TO_TMPFS(vp);
	int error;

	if (vp->v_type != VLNK)
		return EINVAL;
	error = uiomove(n->tn_link.target, MIN(n->tn_link.len,
	    uio->uio_resid), uio);
	tmpfs_atime_update(VFS_TO_TMPFS(vp->v_mount), n, vp->v_mount);
	return error;
}

static int
tmpfs_fsync(struct vnode *vp, int flags)
{
	(void)vp;
	(void)flags;
	return 0;
}

/* Recycle at once when the last link is gone. */
static int
tmpfs_inactive(struct vnode *vp, bool *recycle)
{
	struct tmpfs_node *n = VP_TO_TMPFS(vp);

	*recycle = n == NULL || n->tn_nlink == 0;
	return 0;
}

/* The vnode goes; the node goes with it only if it has no links. */
static int
tmpfs_reclaim(struct vnode *vp)
{
	struct tmpfs_node *n = VP_TO_TMPFS(vp);

	vp->v_data = NULL;
	if (n != NULL && n->tn_nlink == 0)
		tmpfs_node_free(VFS_TO_TMPFS(vp->v_mount), n);
	return 0;
}

/* NetBSD's _PC_* names (sys/unistd.h). */
enum {
	PC_LINK_MAX = 1, PC_MAX_CANON, PC_MAX_INPUT, PC_NAME_MAX,
	PC_PATH_MAX, PC_PIPE_BUF, PC_CHOWN_RESTRICTED, PC_NO_TRUNC,
	PC_VDISABLE, PC_SYNC_IO, PC_FILESIZEBITS
};

static int
tmpfs_pathconf(struct vnode *vp, int name, register_t *retval)
{
	(void)vp;
	switch (name) {
	case PC_LINK_MAX:
		*retval = TMPFS_LINK_MAX;
		return 0;
	case PC_NAME_MAX:
		*retval = TMPFS_NAME_MAX;
		return 0;
	case PC_PATH_MAX:
		*retval = MAXPATHLEN;
		return 0;
	case PC_PIPE_BUF:
		*retval = 512;
		return 0;
	case PC_CHOWN_RESTRICTED:
	case PC_NO_TRUNC:
	case PC_SYNC_IO:
		*retval = 1;
		return 0;
	case PC_FILESIZEBITS:
		*retval = 64;
		return 0;
	default:
		return EINVAL;
	}
}

const struct vnodeops tmpfs_vnodeops = {
	.vop_lookup = tmpfs_lookup,
	.vop_create = tmpfs_create,
	.vop_mkdir = tmpfs_mkdir,
	.vop_symlink = tmpfs_symlink,
	.vop_remove = tmpfs_remove,
	.vop_rmdir = tmpfs_rmdir,
	.vop_link = tmpfs_link,
	.vop_rename = tmpfs_rename,
	.vop_getattr = tmpfs_getattr,
	.vop_setattr = tmpfs_setattr,
	.vop_read = tmpfs_read,
	.vop_write = tmpfs_write,
	.vop_readdir = tmpfs_readdir,
	.vop_readlink = tmpfs_readlink,
	.vop_fsync = tmpfs_fsync,
	.vop_inactive = tmpfs_inactive,
	.vop_reclaim = tmpfs_reclaim,
	.vop_pathconf = tmpfs_pathconf,
};
