/*
 * vfs_sysmount.c: system calls about mounts and a process's place in
 * the tree: mount, unmount, sync, statvfs1, fstatvfs1, getvfsstat;
 * chdir, fchdir, chroot, fchroot, __getcwd, umask.
 *
 * mount.c does the mounting; this file checks the caller and the
 * arguments in NetBSD's order: the path first (ENOENT), then the file
 * system type (ENODEV), the data (EINVAL, EFAULT), then privilege
 * (EPERM) and the covered vnode (ENOTDIR, EINVAL for an update of
 * something that is not a mount's root).
 *
 * cwd state: the process's cwdinfo fields change under cwdi_lock held
 * exclusive; vnodes replaced there are released after the lock is
 * dropped, since releasing may lock the vnode.
 */
#include "vfs/vfs_syscalls.h"

#define VFS_NAMELEN		32	/* f_fstypename */
#define VFS_MAX_MOUNT_DATA	8192
#define STATVFS_SIZE		sizeof(struct rump_statvfs)

/* --- mount, unmount --------------------------------------------------------- */

/* The type string: any trouble fetching it is an unknown type. */
static int
mount_type_in(const void *utype, char *fstype)
{
	if (copyinstr(utype, fstype, VFS_NAMELEN, NULL) != 0)
		return ENODEV;
	if (strcmp(fstype, "ufs") == 0)
		fstype[0] = 'f';	/* NetBSD's old name for ffs */
	return vfs_getopsbyname(fstype) != NULL ? 0 : ENODEV;
}

/*
 * The argument block.  data NULL: none.  data_len 0: the file
 * system's usual size.  More than VFS_MAX_MOUNT_DATA: EINVAL.
 */
static int
mount_data_in(const void *udata, size_t *lenp, const struct vfsops *ops,
    void **kdatap)
{
	void *kdata;
	int error;

	*kdatap = NULL;
	if (udata == NULL)
		return 0;
	if (*lenp == 0)
		*lenp = ops->vfs_min_mount_data;
	if (*lenp == 0 || *lenp > VFS_MAX_MOUNT_DATA)
		return EINVAL;
	if ((kdata = kmem_alloc(*lenp, KM_SLEEP)) == NULL)
		return ENOMEM;
	if ((error = copyin(udata, kdata, *lenp)) != 0) {
		kmem_free(kdata, *lenp);
		return error;
	}
	*kdatap = kdata;
	return 0;
}

static int
sys_mount(struct lwp *l, const void *args, register_t *retval)
{
	const void *utype = SARG_PTR(args, 0), *upath = SARG_PTR(args, 1);
	int flags = SARG_INT(args, 2);
	void *udata = SARG_PTR(args, 3), *kdata = NULL;
	size_t len = SARG(args, 4), alloc;
	const struct vfsops *ops;
	struct vfsops opscopy;
	char fstype[VFS_NAMELEN], *kpath = NULL;
	struct vnode *vp;
	int error;

	(void)l;
	if ((error = sys_path_in(upath, &kpath)) != 0)
		return error;
	if ((error = namei(RUMP_AT_FDCWD, kpath, NI_FOLLOW, &vp)) != 0)
		goto out0;
	if (flags & (RUMP_MNT_UPDATE | RUMP_MNT_GETARGS)) {
		ops = vp->v_mount->mnt_op;
		strncpy(fstype, ops->vfs_name, sizeof(fstype) - 1);
		fstype[sizeof(fstype) - 1] = '\0';
	} else if ((error = mount_type_in(utype, fstype)) != 0 ||
	    (error = vfs_getopscopy(fstype, &opscopy)) != 0)
		goto out1;
	else
		ops = &opscopy;	/* a module's type may go meanwhile */
	if ((error = mount_data_in(udata, &len, ops, &kdata)) != 0)
		goto out1;
	alloc = len;
	if ((flags & RUMP_MNT_GETARGS) &&
	    (len == 0 || (flags & ~RUMP_MNT_GETARGS) != 0))
		error = EINVAL;		/* GETARGS comes alone, with room */
	else if (!cred_isroot(curcred()))
		error = EPERM;
	else if (!(flags & (RUMP_MNT_UPDATE | RUMP_MNT_GETARGS)) &&
	    vp->v_type != VDIR)
		error = ENOTDIR;
	else if ((flags & (RUMP_MNT_UPDATE | RUMP_MNT_GETARGS)) &&
	    !(vp->v_vflag & VV_ROOT))
		error = EINVAL;
	else
		error = vfs_domount(vp, fstype, flags, kdata, &len, kpath);
	if (error == 0 && (flags & RUMP_MNT_GETARGS)) {
		if (udata != NULL)
			error = copyout(kdata, udata, MIN(len, alloc));
		if (error == 0)
			*retval = (register_t)len;
	}
	if (kdata != NULL)
		kmem_free(kdata, alloc);
out1:
	vrele(vp);
out0:
	pathbuf_free(kpath);
	return error;
}

/*
 * unmount(path, flags): path must name the root of a mount (EINVAL),
 * not "/" (EINVAL); only root may (EPERM).  A busy file system is
 * EBUSY unless MNT_FORCE.
 */
static int
sys_unmount(struct lwp *l, const void *args, register_t *retval)
{
	struct vnode *vp;
	struct mount *mp;
	int error;

	(void)l;
	(void)retval;
	if ((error = sys_lookup(RUMP_AT_FDCWD, SARG_PTR(args, 0), 0,
	    &vp)) != 0)
		return error;
	mp = vp->v_mount;
	if (!cred_isroot(curcred()))
		error = EPERM;
	else if ((mp->mnt_flag & RUMP_MNT_ROOTFS) || mp == rootmount)
		error = EINVAL;
	else if (!(vp->v_vflag & VV_ROOT))
		error = EINVAL;
	vrele(vp);
	if (error == 0)
		error = vfs_dounmount(mp, SARG_INT(args, 1));
	return error;
}

/* sync(2): start writing everything back; don't wait. */
static int
sys_sync(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)args;
	(void)retval;
	vfs_syncall(RUMP_MNT_NOWAIT);
	return 0;
}

/* --- statvfs ---------------------------------------------------------------- */

static int
statvfs_out(struct mount *mp, int flags, void *ubuf)
{
	struct rump_statvfs *sb;
	int error;

	if ((sb = kmem_alloc(STATVFS_SIZE, KM_SLEEP)) == NULL)
		return ENOMEM;
	if ((error = vfs_statvfs(mp, sb, flags)) == 0)
		error = copyout(sb, ubuf, STATVFS_SIZE);
	kmem_free(sb, STATVFS_SIZE);
	return error;
}

static int
sys_statvfs1(struct lwp *l, const void *args, register_t *retval)
{
	struct vnode *vp;
	int error;

	(void)l;
	(void)retval;
	if ((error = sys_lookup(RUMP_AT_FDCWD, SARG_PTR(args, 0), NI_FOLLOW,
	    &vp)) != 0)
		return error;
	error = statvfs_out(vp->v_mount, SARG_INT(args, 2), SARG_PTR(args, 1));
	vrele(vp);
	return error;
}

static int
sys_fstatvfs1(struct lwp *l, const void *args, register_t *retval)
{
	struct file *fp;
	struct vnode *vp;
	int error;

	(void)l;
	(void)retval;
	if ((error = sys_getvnode(SARG_INT(args, 0), &fp, &vp)) != 0)
		return error;
	error = statvfs_out(vp->v_mount, SARG_INT(args, 2), SARG_PTR(args, 1));
	file_rele(fp);
	return error;
}

/*
 * getvfsstat(buf, bufsize, flags): one record per mount, oldest first,
 * as many as fit; retval the number stored, or with buf NULL the
 * number of mounts.  A mount that cannot answer is skipped.
 */
static int
sys_getvfsstat(struct lwp *l, const void *args, register_t *retval)
{
	char *ubuf = SARG_PTR(args, 0);
	size_t maxcount = SARG(args, 1) / STATVFS_SIZE, count = 0;
	int flags = SARG_INT(args, 2), error = 0;
	struct rump_statvfs *sb;
	struct mount *mp = NULL;

	(void)l;
	if ((sb = kmem_alloc(STATVFS_SIZE, KM_SLEEP)) == NULL)
		return ENOMEM;
	while ((mp = vfs_mount_next(mp)) != NULL) {
		if (ubuf != NULL && count < maxcount) {
			if (vfs_statvfs(mp, sb, flags) != 0)
				continue;
			if ((error = copyout(sb, ubuf + count * STATVFS_SIZE,
			    STATVFS_SIZE)) != 0) {
				vfs_mount_rele(mp);
				break;
			}
		}
		count++;
	}
	kmem_free(sb, STATVFS_SIZE);
	if (error == 0)
		*retval = (register_t)(ubuf != NULL && count > maxcount ?
		    maxcount : count);
	return error;
}

/* --- cwd and root ------------------------------------------------------------ */

/*
 * Is dir at or below root?  Walk ".." up, stepping out of mounts onto
 * the directories they cover, until root or the real root.
 */
static bool
vn_isunder(struct vnode *dir, struct vnode *root)
{
	struct componentname cn = { "..", 2, curcred() };
	struct vnode *cur = dir, *next;
	bool under = false;
	int depth;

	vref(cur);
	for (depth = 0; depth < (1 << 16); depth++) {
		if (cur == root) {
			under = true;
			break;
		}
		if (cur == rootvnode)
			break;
		if ((cur->v_vflag & VV_ROOT) &&
		    cur->v_mount->mnt_vnodecovered != NULL) {
			next = cur->v_mount->mnt_vnodecovered;
			vref(next);
		} else {
			vn_lock(cur, RW_READER);
			if (cur->v_op->vop_lookup(cur, &next, &cn) != 0)
				next = NULL;
			vn_unlock(cur);
			if (next == NULL)
				break;
			if (next == cur) {
				vrele(next);
				break;
			}
		}
		vrele(cur);
		cur = next;
	}
	vrele(cur);
	return under;
}

/* A directory we may enter: ENOTDIR, or EACCES without search. */
static int
dir_enterable(struct vnode *vp)
{
	int error;

	vn_lock(vp, RW_READER);
	if (vp->v_type != VDIR)
		error = ENOTDIR;
	else
		error = vn_access(vp, VEXEC, curcred());
	vn_unlock(vp);
	return error;
}

/* Make vp (a reference the caller gives up) the cwd. */
static void
set_cwd(struct vnode *vp)
{
	struct cwdinfo *cw = curproc->p_cwdi;
	struct vnode *old;

	rw_enter(&cw->cwdi_lock, RW_WRITER);
	old = cw->cwdi_cdir;
	cw->cwdi_cdir = vp;
	rw_exit(&cw->cwdi_lock);
	vrele(old);
}

/*
 * Make vp (a reference the caller gives up) the root.  A cwd outside
 * the new root would let the process escape it: it moves to the root.
 */
static void
set_root(struct vnode *vp)
{
	struct cwdinfo *cw = curproc->p_cwdi;
	struct vnode *cdir, *rdir, *oldroot, *oldcwd = NULL;
	bool outside;

	cwd_getstart(&cdir, &rdir);
	outside = !vn_isunder(cdir, vp);
	vrele(cdir);
	vrele(rdir);
	rw_enter(&cw->cwdi_lock, RW_WRITER);
	oldroot = cw->cwdi_rdir;
	cw->cwdi_rdir = vp;
	if (outside) {
		oldcwd = cw->cwdi_cdir;
		vref(vp);
		cw->cwdi_cdir = vp;
	}
	rw_exit(&cw->cwdi_lock);
	if (oldroot != NULL)
		vrele(oldroot);
	if (oldcwd != NULL)
		vrele(oldcwd);
}

static int
sys_chdir(struct lwp *l, const void *args, register_t *retval)
{
	struct vnode *vp;
	int error;

	(void)l;
	(void)retval;
	if ((error = sys_lookup(RUMP_AT_FDCWD, SARG_PTR(args, 0), NI_FOLLOW,
	    &vp)) != 0)
		return error;
	if ((error = dir_enterable(vp)) != 0) {
		vrele(vp);
		return error;
	}
	set_cwd(vp);
	return 0;
}

/*
 * fchdir: into whatever is mounted on the directory, and only to a
 * directory below the process's root (EPERM).
 */
static int
sys_fchdir(struct lwp *l, const void *args, register_t *retval)
{
	struct vnode *vp, *cdir, *rdir;
	struct file *fp;
	bool ok = true;
	int error;

	(void)l;
	(void)retval;
	if ((error = sys_getvnode(SARG_INT(args, 0), &fp, &vp)) != 0)
		return error;
	vref(vp);
	file_rele(fp);
	if ((error = dir_enterable(vp)) != 0 ||
	    (error = vfs_crossmount(&vp)) != 0) {
		vrele(vp);
		return error;
	}
	cwd_getstart(&cdir, &rdir);
	if (rdir != rootvnode)
		ok = vn_isunder(vp, rdir);
	vrele(cdir);
	vrele(rdir);
	if (!ok) {
		vrele(vp);
		return EPERM;
	}
	set_cwd(vp);
	return 0;
}

static int
sys_chroot(struct lwp *l, const void *args, register_t *retval)
{
	struct vnode *vp;
	int error;

	(void)l;
	(void)retval;
	if (!cred_isroot(curcred()))
		return EPERM;
	if ((error = sys_lookup(RUMP_AT_FDCWD, SARG_PTR(args, 0), NI_FOLLOW,
	    &vp)) != 0)
		return error;
	if ((error = dir_enterable(vp)) != 0) {
		vrele(vp);
		return error;
	}
	set_root(vp);
	return 0;
}

static int
sys_fchroot(struct lwp *l, const void *args, register_t *retval)
{
	struct file *fp;
	struct vnode *vp;
	int error;

	(void)l;
	(void)retval;
	if (!cred_isroot(curcred()))
		return EPERM;
	if ((error = sys_getvnode(SARG_INT(args, 0), &fp, &vp)) != 0)
		return error;
	vref(vp);
	file_rele(fp);
	if ((error = dir_enterable(vp)) != 0) {
		vrele(vp);
		return error;
	}
	set_root(vp);
	return 0;
}

/*
 * __getcwd(buf, length): NetBSD reads length as an int, refuses less
 * than 2 (ERANGE) and clamps it to 4 * MAXPATHLEN; retval counts the
 * bytes stored, the NUL included.
 */
static int
sys___getcwd(struct lwp *l, const void *args, register_t *retval)
{
	int len = (int)(int64_t)SARG(args, 1);
	struct vnode *cdir, *rdir;
	size_t outlen;
	char *kbuf;
	int error;

	(void)l;
	if (len > 4 * MAXPATHLEN)
		len = 4 * MAXPATHLEN;
	else if (len < 2)
		return ERANGE;
	if ((kbuf = kmem_alloc((size_t)len, KM_SLEEP)) == NULL)
		return ENOMEM;
	cwd_getstart(&cdir, &rdir);
	error = vfs_getcwd(cdir, kbuf, (size_t)len, &outlen);
	vrele(cdir);
	vrele(rdir);
	if (error == 0)
		error = copyout(kbuf, SARG_PTR(args, 0), outlen);
	if (error == 0)
		*retval = (register_t)outlen;
	kmem_free(kbuf, (size_t)len);
	return error;
}

static int
sys_umask(struct lwp *l, const void *args, register_t *retval)
{
	struct cwdinfo *cw = curproc->p_cwdi;

	(void)l;
	rw_enter(&cw->cwdi_lock, RW_WRITER);
	*retval = cw->cwdi_cmask;
	cw->cwdi_cmask = (mode_t)SARG_UINT(args, 0) & ALLPERMS;
	rw_exit(&cw->cwdi_lock);
	return 0;
}

/* --- registration ----------------------------------------------------------- */

const struct syscall_reg vfs_sys_mounts[] = {
	{ 12, sys_chdir, 1 },
	{ 13, sys_fchdir, 1 },
	{ 22, sys_unmount, 2 },
	{ 36, sys_sync, 0 },
	{ 60, sys_umask, 1 },
	{ 61, sys_chroot, 1 },
	{ 296, sys___getcwd, 2 },
	{ 297, sys_fchroot, 1 },
	{ 356, sys_getvfsstat, 3 },
	{ 357, sys_statvfs1, 3 },
	{ 358, sys_fstatvfs1, 3 },
	{ 410, sys_mount, 5 },
};
const size_t vfs_sys_mounts_n = sizeof(vfs_sys_mounts) /
    sizeof(vfs_sys_mounts[0]);
