/*
 * vfs_syscalls.c: the vfs faction's system calls, and among them the
 * ones that change the name space: open with O_CREAT, mknod, mkfifo,
 * mkdir, symlink, link, unlink, rmdir and rename.
 *
 * The calls live in five files, by what they work on:
 *   vfs_syscalls.c  names: creating, removing, renaming; shared helpers
 *   vfs_sysattr.c   attributes: stat, access, readlink, chmod, chown,
 *                   chflags, utimes, truncate, pathconf
 *   vfs_sysfile.c   open files: lseek, pread/pwrite, fsync, getdents
 *   vfs_sysmount.c  mount, unmount, statvfs, sync; cwd, root, umask
 *   vfs_xattr.c     extended attributes and the calls we refuse
 * Below them: namei.c resolves paths, access.c decides permissions,
 * vnops.c turns a vnode into an open file, mount.c mounts.  Every call
 * reads its arguments from NetBSD's 8-byte slots (SARG_*) and fetches
 * paths with sys_path_in().
 *
 * Locks.  A call that changes a directory resolves the parent with
 * namei_parent() while holding nothing, locks the parent exclusive,
 * looks the last component up again under that lock, and then locks
 * the child exclusive: parent before child, as vfs.h orders them.
 * Non-directories are leaves and are always locked last.  rename
 * first takes the mount's mnt_renamelock, so that no directory of the
 * mount changes parent while it finds out which of its directories is
 * an ancestor of which; it then locks ancestors before descendants and
 * unrelated vnodes in address order, and checks that the names still
 * lead to the vnodes it found before it acts.
 *
 * A file system's own checks (ENOTEMPTY, EMLINK, ENOSPC) stay in the
 * file system; POSIX's rules about names, types and permissions are
 * enforced here, with the errno NetBSD gives.
 */
#include "vfs/vfs_syscalls.h"

/* --- helpers shared by the vfs_sys*.c files ---------------------------- */

int
sys_path_in(const void *upath, char **kpathp)
{
	char *kpath;
	int error;

	if ((error = pathbuf_copyin(upath, &kpath)) != 0)
		return error;
	if (kpath[0] == '\0') {		/* POSIX: "" names nothing */
		pathbuf_free(kpath);
		return ENOENT;
	}
	*kpathp = kpath;
	return 0;
}

int
sys_lookup(int dirfd, const void *upath, int niflags, struct vnode **vpp)
{
	char *kpath;
	int error;

	if ((error = sys_path_in(upath, &kpath)) != 0)
		return error;
	error = namei(dirfd, kpath, niflags, vpp);
	pathbuf_free(kpath);
	return error;
}

int
sys_getvnode(int fd, struct file **fpp, struct vnode **vpp)
{
	struct file *fp;
	struct vnode *vp;

	if ((fp = fd_getfile(fd)) == NULL)
		return EBADF;
	if (fp->f_type != DTYPE_VNODE) {
		file_rele(fp);
		return EINVAL;
	}
	vp = fp->f_data;
	if (vp->v_type == VBAD) {
		file_rele(fp);
		return EBADF;
	}
	*fpp = fp;
	*vpp = vp;
	return 0;
}

int
sys_getattr(struct vnode *vp, struct vattr *va)
{
	vattr_null(va);
	return vp->v_op->vop_getattr(vp, va);
}

int
sys_rdonly(struct vnode *vp)
{
	return (vp->v_mount->mnt_flag & RUMP_MNT_RDONLY) ? EROFS : 0;
}

/* The process's file creation mask.  Read it before locking vnodes:
 * chdir drops vnode references under cwdi_lock. */
static mode_t
cur_cmask(void)
{
	struct cwdinfo *cw = curproc->p_cwdi;
	mode_t mask;

	rw_enter(&cw->cwdi_lock, RW_READER);
	mask = cw->cwdi_cmask;
	rw_exit(&cw->cwdi_lock);
	return mask;
}

static bool
is_dot(const struct componentname *cn)
{
	return cn->cn_namelen == 1 && cn->cn_nameptr[0] == '.';
}

static bool
is_dotdot(const struct componentname *cn)
{
	return cn->cn_namelen == 2 && cn->cn_nameptr[0] == '.' &&
	    cn->cn_nameptr[1] == '.';
}

/*
 * Is a file system mounted on vp?  This takes the covering mount's
 * mnt_updating shared while the caller may hold vnode locks of the
 * mount below; that is safe because whoever holds mnt_updating
 * exclusive (unmount, update) only ever locks vnodes of its own mount.
 */
static bool
vn_covered(struct vnode *vp)
{
	struct vnode *root;

	if (vp->v_type != VDIR || vfs_mountroot_of(vp, &root) != 0)
		return false;
	vrele(root);
	return true;
}

/* Attributes for a new node of dvp: owner the caller, group dvp's. */
static void
new_attr(struct vattr *va, enum vtype type, mode_t mode, struct vnode *dvp,
    kauth_cred_t cred)
{
	struct vattr dva;

	vattr_null(va);
	va->va_type = type;
	va->va_mode = mode;
	va->va_uid = cred->cr_euid;
	va->va_gid = sys_getattr(dvp, &dva) == 0 ? dva.va_gid :
	    cred->cr_egid;
}

/* --- a directory entry about to be created or removed ------------------- */

enum entry_op {
	ENT_CREATE,	/* create a non-directory: no trailing slash */
	ENT_CREATEDIR,	/* mkdir: a trailing slash is fine */
	ENT_DELETE,	/* unlink, rmdir */
};

/*
 * np.np_dvp is referenced and locked exclusive.  vp is the entry's
 * vnode (referenced; locked exclusive for ENT_DELETE) or NULL when the
 * name is free (create) or is "." / ".." (delete: dots says which).
 */
struct entry {
	struct nameparent np;
	struct vnode *vp;
	bool	vplocked;
	int	dots;		/* ENT_DELETE: 1 for ".", 2 for ".." */
};

static void
entry_done(struct entry *e)
{
	if (e->vp != NULL) {
		if (e->vplocked)
			vn_unlock(e->vp);
		vrele(e->vp);
	}
	vput(e->np.np_dvp);
}

/* A directory that has been removed takes no new entries. */
static int
dir_alive(struct vnode *dvp)
{
	struct vattr va;
	int error;

	if ((error = sys_getattr(dvp, &va)) != 0)
		return error;
	return va.va_nlink == 0 ? ENOENT : 0;
}

/*
 * Create: look the name up.  Found: e->vp.  Free: check that the
 * directory may take a new entry, as NetBSD orders it: still linked,
 * read-only mount, write permission, then the trailing-slash rule.
 */
static int
entry_create(struct entry *e, enum entry_op op)
{
	struct vnode *dvp = e->np.np_dvp;
	int error;

	error = namei_lookuplast(&e->np, &e->vp);
	if (error != ENOENT) {
		if (error != 0)
			e->vp = NULL;
		return error;
	}
	e->vp = NULL;
	if ((error = dir_alive(dvp)) != 0 ||
	    (error = sys_rdonly(dvp)) != 0 ||
	    (error = vn_access(dvp, VWRITE, e->np.np_cn.cn_cred)) != 0)
		return error;
	if (e->np.np_trailslash && op != ENT_CREATEDIR)
		return ENOENT;
	return 0;
}

/*
 * Delete: search permission, read-only mount, then the name; the
 * entry's vnode is locked and checked with vn_may_delete (write
 * permission on the directory, the sticky rule, chflags) and for
 * being a mount point.
 */
static int
entry_delete(struct entry *e)
{
	struct vnode *dvp = e->np.np_dvp, *vp;
	kauth_cred_t cred = e->np.np_cn.cn_cred;
	int error;

	if ((error = vn_access(dvp, VEXEC, cred)) != 0 ||
	    (error = sys_rdonly(dvp)) != 0)
		return error;
	if (is_dot(&e->np.np_cn) || is_dotdot(&e->np.np_cn)) {
		e->dots = is_dot(&e->np.np_cn) ? 1 : 2;
		return 0;
	}
	if ((error = namei_lookuplast(&e->np, &vp)) != 0)
		return error;
	e->vp = vp;
	vn_lock(vp, RW_WRITER);
	e->vplocked = true;
	if (e->np.np_trailslash && vp->v_type != VDIR)
		return ENOTDIR;
	if ((error = vn_may_delete(dvp, vp, cred)) != 0)
		return error;
	if (vn_covered(vp))
		return EBUSY;
	return 0;
}

/*
 * Resolve kpath's parent, lock it and look at the last component.
 * "/" itself has no parent: NetBSD answers EEXIST to a create and
 * EBUSY to a delete there.
 */
static int
entry_get(int dirfd, const char *kpath, enum entry_op op, struct entry *e)
{
	int error;

	memset(e, 0, sizeof(*e));
	if ((error = namei_parent(dirfd, kpath, &e->np)) != 0)
		return error;
	if (e->np.np_isroot) {
		vrele(e->np.np_dvp);
		return op == ENT_DELETE ? EBUSY : EEXIST;
	}
	vn_lock(e->np.np_dvp, RW_WRITER);
	error = op == ENT_DELETE ? entry_delete(e) : entry_create(e, op);
	if (error != 0)
		entry_done(e);
	return error;
}

/* --- open ---------------------------------------------------------------- */

/*
 * e->vp is a symlink met while creating: rewrite path (a MAXPATHLEN
 * buffer holding what entry_get resolved) to name the link's target,
 * relative to the same start.  A trailing slash stays.
 */
static int
splice_link(char *path, struct entry *e)
{
	struct vnode *vp = e->vp;
	size_t plen = (size_t)(e->np.np_cn.cn_nameptr - path), tlen, need;
	bool slash = e->np.np_trailslash;
	char *target;
	struct iovec_k iov;
	struct uio uio;
	int error;

	if ((target = kmem_alloc(MAXPATHLEN, KM_SLEEP)) == NULL)
		return ENOMEM;
	iov.iov_base = target;
	iov.iov_len = MAXPATHLEN;
	uio = (struct uio){ &iov, 1, 0, MAXPATHLEN, UIO_READ, UIO_SYSSPACE };
	vn_lock(vp, RW_READER);
	error = vp->v_op->vop_readlink(vp, &uio);
	vn_unlock(vp);
	tlen = MAXPATHLEN - uio.uio_resid;
	if (error == 0 && tlen == 0)
		error = ENOENT;
	if (error == 0 && target[0] == '/')
		plen = 0;
	need = plen + tlen + (slash ? 1 : 0);
	if (error == 0 && need >= MAXPATHLEN)
		error = ENAMETOOLONG;
	if (error == 0) {
		memcpy(path + plen, target, tlen);
		if (slash)
			path[plen + tlen] = '/';
		path[need] = '\0';
	}
	kmem_free(target, MAXPATHLEN);
	return error;
}

/*
 * An open that created its file failed afterwards (no memory for the
 * open file or the descriptor): take the new name away again, if it
 * still names our vnode, so that a failed open leaves nothing behind.
 */
static void
open_uncreate(int dirfd, const char *kpath, struct vnode *vp)
{
	struct entry e;

	if (entry_get(dirfd, kpath, ENT_DELETE, &e) != 0)
		return;
	if (e.vp == vp)
		(void)e.np.np_dvp->v_op->vop_remove(e.np.np_dvp, e.vp,
		    &e.np.np_cn);
	entry_done(&e);
}

/*
 * open(O_CREAT): find or create the regular file kpath names.  A final
 * symlink is followed (even a dangling one: its target is created)
 * unless O_EXCL or O_NOFOLLOW.  kpath may be rewritten.
 */
static int
open_create(int dirfd, char *kpath, int fflags, mode_t cmode,
    struct vnode **vpp, bool *created)
{
	kauth_cred_t cred = curcred();
	struct entry e;
	struct vattr va;
	int error, nlinks = 0;

	*created = false;
	for (;;) {
		if ((error = entry_get(dirfd, kpath, ENT_CREATE, &e)) != 0)
			return error;
		if (e.vp == NULL) {
			new_attr(&va, VREG, cmode, e.np.np_dvp, cred);
			error = e.np.np_dvp->v_op->vop_create(e.np.np_dvp, vpp,
			    &e.np.np_cn, &va);
			entry_done(&e);
			*created = error == 0;
			return error;
		}
		if (fflags & RUMP_O_EXCL)
			error = EEXIST;
		else if (vn_covered(e.vp) || (is_dotdot(&e.np.np_cn) &&
		    (e.np.np_dvp->v_vflag & VV_ROOT) &&
		    e.np.np_dvp != rootvnode))
			error = EEXIST;	/* NetBSD: crossing a mount */
		else if (e.vp->v_type == VLNK &&
		    !(fflags & RUMP_O_NOFOLLOW)) {
			if (++nlinks > MAXSYMLINKS)
				error = ELOOP;
			else if ((error = splice_link(kpath, &e)) == 0) {
				entry_done(&e);
				continue;
			}
		} else if (e.np.np_trailslash && e.vp->v_type != VDIR &&
		    e.vp->v_type != VLNK)
			error = ENOTDIR;
		if (error == 0) {
			*vpp = e.vp;
			e.vp = NULL;
		}
		entry_done(&e);
		return error;
	}
}

/*
 * May vp be opened with fflags?  NetBSD's vn_openchk, then what its
 * file systems' open adds: O_DIRECTORY wants a directory, writing a
 * directory is EISDIR, then permission (EROFS, EPERM for an immutable
 * file, EACCES), and an append-only file opens for writing only with
 * O_APPEND.  O_TRUNC empties a regular file.
 */
static int
open_check(struct vnode *vp, int fflags, kauth_cred_t cred)
{
	struct vattr va;
	int mode = 0, error;

	vn_lock(vp, (fflags & RUMP_O_TRUNC) ? RW_WRITER : RW_READER);
	if ((fflags & RUMP_O_DIRECTORY) && vp->v_type != VDIR) {
		error = ENOTDIR;
		goto out;
	}
	if (fflags & FREAD)
		mode |= VREAD;
	if (fflags & (FWRITE | RUMP_O_TRUNC)) {
		mode |= VWRITE;
		if (vp->v_type == VDIR) {
			error = EISDIR;
			goto out;
		}
	}
	if ((error = vn_access(vp, mode, cred)) != 0)
		goto out;
	if ((mode & VWRITE) && (error = sys_getattr(vp, &va)) == 0 &&
	    (va.va_flags & APPEND) &&
	    (fflags & (FWRITE | RUMP_O_APPEND)) == FWRITE)
		error = EPERM;
	if (error == 0 && (fflags & RUMP_O_TRUNC)) {
		vattr_null(&va);
		va.va_size = 0;
		error = vn_setattr_checked(vp, &va, cred);
	}
out:
	vn_unlock(vp);
	return error;
}

static int
do_open(int dirfd, const void *upath, int oflags, mode_t mode,
    register_t *retval)
{
	kauth_cred_t cred = curcred();
	struct vnode *vp;
	struct file *fp;
	char *kpath;
	bool created = false;
	int fflags, fd, error;
	mode_t cmode;

	oflags &= ~RUMP_O_SEARCH;
	fflags = FFLAGS(oflags);
	if ((fflags & (FREAD | FWRITE)) == 0)
		return EINVAL;
	if ((fflags & (RUMP_O_CREAT | RUMP_O_DIRECTORY)) ==
	    (RUMP_O_CREAT | RUMP_O_DIRECTORY))
		return EINVAL;
	cmode = ((mode & ~cur_cmask()) & ALLPERMS) & ~(mode_t)RUMP_S_ISTXT;
	if ((error = sys_path_in(upath, &kpath)) != 0)
		return error;
	if (fflags & RUMP_O_CREAT)
		error = open_create(dirfd, kpath, fflags, cmode, &vp, &created);
	else
		error = namei(dirfd, kpath,
		    (fflags & RUMP_O_NOFOLLOW) ? 0 : NI_FOLLOW, &vp);
	if (error != 0) {
		pathbuf_free(kpath);
		return error;
	}

	if (vp->v_type == VSOCK)
		error = EOPNOTSUPP;
	else if (vp->v_type == VLNK)
		error = EFTYPE;		/* O_NOFOLLOW met a symlink */
	else if (!created)
		error = open_check(vp, fflags, cred);
	/* vn_open_file keeps FMASK and takes O_SHLOCK/O_EXLOCK locks */
	if (error == 0)
		error = vn_open_file(vp, fflags, &fp);
	if (error != 0) {
		if (created)
			open_uncreate(dirfd, kpath, vp);
		pathbuf_free(kpath);
		vrele(vp);
		return error;
	}
	error = fd_install(curproc, fp, 0, (fflags & RUMP_O_CLOEXEC) != 0,
	    &fd);
	if (error != 0 && created)
		open_uncreate(dirfd, kpath, vp);
	pathbuf_free(kpath);
	file_rele(fp);
	if (error == 0)
		*retval = fd;
	return error;
}

static int
sys_open(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	return do_open(RUMP_AT_FDCWD, SARG_PTR(args, 0), SARG_INT(args, 1),
	    (mode_t)SARG_UINT(args, 2), retval);
}

static int
sys_openat(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	return do_open(SARG_INT(args, 0), SARG_PTR(args, 1), SARG_INT(args, 2),
	    (mode_t)SARG_UINT(args, 3), retval);
}

/* --- mknod, mkfifo, mkdir, symlink --------------------------------------- */

/* Create a node of attributes va at the free name kpath. */
static int
create_node(int dirfd, const char *kpath, enum entry_op op, struct vattr *va,
    const char *target)
{
	kauth_cred_t cred = curcred();
	struct entry e;
	struct vnode *dvp, *vp;
	mode_t mode = va->va_mode;
	enum vtype type = va->va_type;
	uint64_t rdev = va->va_rdev;
	int error;

	if ((error = entry_get(dirfd, kpath, op, &e)) != 0)
		return error;
	if (e.vp != NULL) {
		entry_done(&e);
		return EEXIST;
	}
	dvp = e.np.np_dvp;
	new_attr(va, type, mode, dvp, cred);
	va->va_rdev = rdev;
	if (type == VDIR)
		error = dvp->v_op->vop_mkdir(dvp, &vp, &e.np.np_cn, va);
	else if (type == VLNK)
		error = dvp->v_op->vop_symlink(dvp, &vp, &e.np.np_cn, va,
		    target);
	else
		error = dvp->v_op->vop_create(dvp, &vp, &e.np.np_cn, va);
	if (error == 0)
		vrele(vp);
	entry_done(&e);
	return error;
}

static int
do_mknodat(int dirfd, const void *upath, mode_t mode, uint64_t dev)
{
	struct vattr va;
	char *kpath;
	mode_t mask;
	int error;

	if (!cred_isroot(curcred()))
		return EPERM;
	vattr_null(&va);
	switch (mode & RUMP_S_IFMT) {
	case RUMP_S_IFCHR:
		va.va_type = VCHR;
		break;
	case RUMP_S_IFBLK:
		va.va_type = VBLK;
		break;
	case RUMP_S_IFIFO:
		va.va_type = VFIFO;
		break;
	case RUMP_S_IFREG:
		va.va_type = VREG;
		break;
	default:
		va.va_type = VBAD;
		break;
	}
	mask = cur_cmask();
	if ((error = sys_path_in(upath, &kpath)) != 0)
		return error;
	if (va.va_type == VBAD)
		error = EINVAL;
	else if ((va.va_type == VCHR || va.va_type == VBLK) &&
	    dev == (uint64_t)VNOVAL)
		error = EINVAL;		/* NODEV */
	if (error == 0) {
		va.va_mode = (mode & ALLPERMS) & ~mask;
		va.va_rdev = (va.va_type == VCHR || va.va_type == VBLK) ?
		    dev : (uint64_t)VNOVAL;
		error = create_node(dirfd, kpath, ENT_CREATE, &va, NULL);
	}
	pathbuf_free(kpath);
	return error;
}

static int
sys_mknod(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_mknodat(RUMP_AT_FDCWD, SARG_PTR(args, 0),
	    (mode_t)SARG_UINT(args, 1), SARG(args, 2));
}

static int
sys_mknodat(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_mknodat(SARG_INT(args, 0), SARG_PTR(args, 1),
	    (mode_t)SARG_UINT(args, 2), SARG(args, 4));
}

/* mkfifo and mkdir: a node of type `type`, mode masked by `perms`. */
static int
do_mkat(int dirfd, const void *upath, mode_t mode, enum vtype type,
    mode_t perms)
{
	struct vattr va;
	char *kpath;
	mode_t mask = cur_cmask();
	int error;

	if ((error = sys_path_in(upath, &kpath)) != 0)
		return error;
	vattr_null(&va);
	va.va_type = type;
	va.va_mode = (mode & perms) & ~mask;
	error = create_node(dirfd, kpath,
	    type == VDIR ? ENT_CREATEDIR : ENT_CREATE, &va, NULL);
	pathbuf_free(kpath);
	return error;
}

static int
sys_mkfifo(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_mkat(RUMP_AT_FDCWD, SARG_PTR(args, 0),
	    (mode_t)SARG_UINT(args, 1), VFIFO, ALLPERMS);
}

static int
sys_mkfifoat(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_mkat(SARG_INT(args, 0), SARG_PTR(args, 1),
	    (mode_t)SARG_UINT(args, 2), VFIFO, ALLPERMS);
}

static int
sys_mkdir(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_mkat(RUMP_AT_FDCWD, SARG_PTR(args, 0),
	    (mode_t)SARG_UINT(args, 1), VDIR, ACCESSPERMS);
}

static int
sys_mkdirat(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_mkat(SARG_INT(args, 0), SARG_PTR(args, 1),
	    (mode_t)SARG_UINT(args, 2), VDIR, ACCESSPERMS);
}

static int
do_symlinkat(const void *utarget, int dirfd, const void *upath)
{
	struct vattr va;
	char *target, *kpath;
	mode_t mask = cur_cmask();
	int error;

	if ((target = kmem_alloc(MAXPATHLEN, KM_SLEEP)) == NULL)
		return ENOMEM;
	if ((error = copyinstr(utarget, target, MAXPATHLEN, NULL)) != 0) {
		kmem_free(target, MAXPATHLEN);
		return error;
	}
	if ((error = sys_path_in(upath, &kpath)) == 0) {
		vattr_null(&va);
		va.va_type = VLNK;
		va.va_mode = ACCESSPERMS & ~mask;
		error = create_node(dirfd, kpath, ENT_CREATE, &va, target);
		pathbuf_free(kpath);
	}
	kmem_free(target, MAXPATHLEN);
	return error;
}

static int
sys_symlink(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_symlinkat(SARG_PTR(args, 0), RUMP_AT_FDCWD,
	    SARG_PTR(args, 1));
}

static int
sys_symlinkat(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_symlinkat(SARG_PTR(args, 0), SARG_INT(args, 1),
	    SARG_PTR(args, 2));
}

/* --- link ---------------------------------------------------------------- */

static int
do_linkat(int fd1, const void *upath, int fd2, const void *ulink, int flags)
{
	struct vnode *vp, *dvp;
	struct vattr va;
	struct entry e;
	char *kpath;
	int error;

	if ((error = sys_lookup(fd1, upath,
	    (flags & RUMP_AT_SYMLINK_FOLLOW) ? NI_FOLLOW : 0, &vp)) != 0)
		return error;
	if ((error = sys_path_in(ulink, &kpath)) != 0)
		goto out;
	if ((error = entry_get(fd2, kpath, ENT_CREATE, &e)) != 0)
		goto out1;
	dvp = e.np.np_dvp;
	if (e.vp != NULL)
		error = EEXIST;
	else if (vp->v_type == VDIR)
		error = EPERM;		/* no hard links to directories */
	else if (dvp->v_mount != vp->v_mount)
		error = EXDEV;
	if (error == 0) {
		vn_lock(vp, RW_WRITER);	/* a leaf: after its new parent */
		if ((error = sys_getattr(vp, &va)) == 0 &&
		    (va.va_flags & (IMMUTABLE | APPEND)))
			error = EPERM;
		if (error == 0)
			error = dvp->v_op->vop_link(dvp, vp, &e.np.np_cn);
		vn_unlock(vp);
	}
	entry_done(&e);
out1:
	pathbuf_free(kpath);
out:
	vrele(vp);
	return error;
}

static int
sys_link(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_linkat(RUMP_AT_FDCWD, SARG_PTR(args, 0), RUMP_AT_FDCWD,
	    SARG_PTR(args, 1), RUMP_AT_SYMLINK_FOLLOW);
}

static int
sys_linkat(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_linkat(SARG_INT(args, 0), SARG_PTR(args, 1),
	    SARG_INT(args, 2), SARG_PTR(args, 3), SARG_INT(args, 4));
}

/* --- unlink, rmdir --------------------------------------------------------- */

/*
 * "." and ".." as the last component, with NetBSD's answers: the root
 * of a mount is busy; "." is EINVAL; ".." is a directory (unlink:
 * EPERM) that is never empty (rmdir: ENOTEMPTY).
 */
static int
unlink_dots(struct entry *e, bool rmdir)
{
	if (e->np.np_dvp->v_vflag & VV_ROOT)
		return EBUSY;
	if (e->dots == 1)
		return EINVAL;
	return rmdir ? ENOTEMPTY : EPERM;
}

static int
do_unlinkat(int dirfd, const void *upath, int flags)
{
	bool rmdir = (flags & RUMP_AT_REMOVEDIR) != 0;
	struct vnode *dvp, *vp;
	struct entry e;
	char *kpath;
	int error;

	if ((error = sys_path_in(upath, &kpath)) != 0)
		return error;
	if ((error = entry_get(dirfd, kpath, ENT_DELETE, &e)) != 0)
		goto out;
	dvp = e.np.np_dvp;
	vp = e.vp;
	if (e.dots != 0)
		error = unlink_dots(&e, rmdir);
	else if (vp->v_type == VDIR && !rmdir)
		error = EPERM;		/* unlink(2) of a directory */
	else if (vp->v_type != VDIR && rmdir)
		error = ENOTDIR;
	else if (rmdir)
		error = dvp->v_op->vop_rmdir(dvp, vp, &e.np.np_cn);
	else
		error = dvp->v_op->vop_remove(dvp, vp, &e.np.np_cn);
	entry_done(&e);
out:
	pathbuf_free(kpath);
	return error;
}

static int
sys_unlink(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_unlinkat(RUMP_AT_FDCWD, SARG_PTR(args, 0), 0);
}

static int
sys_unlinkat(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_unlinkat(SARG_INT(args, 0), SARG_PTR(args, 1),
	    SARG_INT(args, 2));
}

static int
sys_rmdir(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_unlinkat(RUMP_AT_FDCWD, SARG_PTR(args, 0),
	    RUMP_AT_REMOVEDIR);
}

/* --- rename ---------------------------------------------------------------- */

/*
 * The four vnodes of a rename.  fdvp and tdvp are referenced for the
 * whole call; fvp and tvp (NULL when the target name is free) are
 * found under mnt_renamelock and may be looked up again.
 */
struct rename {
	struct nameparent from, to;
	struct vnode *fvp, *tvp;
	bool	fd_above_td;	/* fdvp is an ancestor of tdvp */
	bool	td_above_fd;	/* tdvp is an ancestor of fdvp */
	bool	posix;		/* __posix_rename: links to one file stay */
};

/* Look cn up in dvp (search permission needed); ENOENT leaves NULL. */
static int
lookup_in(struct nameparent *np, struct vnode **vpp)
{
	int error;

	*vpp = NULL;
	vn_lock(np->np_dvp, RW_READER);
	error = namei_lookuplast(np, vpp);
	vn_unlock(np->np_dvp);
	if (error != 0)
		*vpp = NULL;
	return error;
}

/*
 * Walk ".." from dir to the root of its mount.  Meeting `bad` (dir
 * itself included) fails with `badret`; meeting `look` sets *seen.
 * Runs under mnt_renamelock, so the chain cannot change under it.
 */
static int
rename_walkup(struct vnode *dir, struct vnode *bad, int badret,
    struct vnode *look, bool *seen)
{
	struct componentname cn = { "..", 2, curcred() };
	struct vnode *cur = dir, *parent;
	int error = 0, depth;

	vref(cur);
	for (depth = 0; depth < (1 << 16); depth++) {
		if (cur == bad) {
			error = badret;
			break;
		}
		if (cur == look)
			*seen = true;
		if (cur->v_vflag & VV_ROOT)
			break;
		vn_lock(cur, RW_READER);
		error = cur->v_op->vop_lookup(cur, &parent, &cn);
		vn_unlock(cur);
		if (error != 0)
			break;
		if (parent == cur) {
			vrele(parent);
			break;
		}
		vrele(cur);
		cur = parent;
	}
	vrele(cur);
	return error;
}

/* Lock everything: parents ancestor first, then the two leaves. */
static void
rename_lock(struct rename *r)
{
	struct vnode *fdvp = r->from.np_dvp, *tdvp = r->to.np_dvp;

	if (fdvp == tdvp)
		vn_lock(fdvp, RW_WRITER);
	else if (r->fd_above_td) {
		vn_lock(fdvp, RW_WRITER);
		vn_lock(tdvp, RW_WRITER);
	} else if (r->td_above_fd) {
		vn_lock(tdvp, RW_WRITER);
		vn_lock(fdvp, RW_WRITER);
	} else
		vn_lock2(fdvp, tdvp);
	if (r->tvp == NULL || r->tvp == r->fvp)
		vn_lock(r->fvp, RW_WRITER);
	else
		vn_lock2(r->fvp, r->tvp);
}

static void
rename_unlock(struct rename *r)
{
	vn_unlock(r->fvp);
	if (r->tvp != NULL && r->tvp != r->fvp)
		vn_unlock(r->tvp);
	vn_unlock(r->from.np_dvp);
	if (r->to.np_dvp != r->from.np_dvp)
		vn_unlock(r->to.np_dvp);
}

static void
rename_drop(struct rename *r)
{
	if (r->fvp != NULL)
		vrele(r->fvp);
	if (r->tvp != NULL)
		vrele(r->tvp);
	r->fvp = r->tvp = NULL;
}

/* Under the locks: do both names still lead where they did? */
static bool
rename_stable(struct rename *r)
{
	struct vnode *vp;
	bool same;

	if (r->from.np_dvp->v_op->vop_lookup(r->from.np_dvp, &vp,
	    &r->from.np_cn) != 0)
		return false;
	same = vp == r->fvp;
	vrele(vp);
	if (!same)
		return false;
	if (r->to.np_dvp->v_op->vop_lookup(r->to.np_dvp, &vp,
	    &r->to.np_cn) != 0)
		return r->tvp == NULL;
	same = vp == r->tvp;
	vrele(vp);
	return same;
}

/*
 * Find fvp and tvp and check what POSIX asks of their types and of
 * the tree: a directory replaces only a directory and cannot move
 * below itself; a directory target that is an ancestor of the source
 * is not empty.
 */
static int
rename_find(struct rename *r)
{
	struct vnode *fdvp = r->from.np_dvp, *tdvp = r->to.np_dvp;
	struct vnode *fvp, *tvp;
	int error;

	if ((error = lookup_in(&r->from, &r->fvp)) != 0)
		return error;
	if ((error = lookup_in(&r->to, &r->tvp)) != 0 && error != ENOENT)
		return error;
	fvp = r->fvp;
	tvp = r->tvp;
	if (r->from.np_trailslash && fvp->v_type != VDIR)
		return ENOTDIR;
	if (r->to.np_trailslash && fvp->v_type != VDIR)
		return tvp != NULL ? ENOTDIR : ENOENT;
	if (tvp != NULL) {
		if (fvp->v_type == VDIR && tvp->v_type != VDIR)
			return ENOTDIR;
		if (fvp->v_type != VDIR && tvp->v_type == VDIR)
			return EISDIR;
	}
	if (vn_covered(fvp) || (tvp != NULL && vn_covered(tvp)))
		return EBUSY;
	if (fvp == tdvp)
		return EINVAL;
	r->fd_above_td = r->td_above_fd = false;
	if (fdvp == tdvp)
		return 0;
	if ((error = rename_walkup(tdvp, fvp->v_type == VDIR ? fvp : NULL,
	    EINVAL, fdvp, &r->fd_above_td)) != 0)
		return error;
	return rename_walkup(fdvp,
	    (tvp != NULL && tvp->v_type == VDIR) ? tvp : NULL, ENOTEMPTY,
	    tdvp, &r->td_above_fd);
}

/*
 * Everything locked: write permission on both directories (and on a
 * directory that moves, for its ".."), then vn_may_delete for the
 * source and for a target being replaced (sticky rule, chflags).
 */
static int
rename_permitted(struct rename *r, kauth_cred_t cred)
{
	struct vnode *fdvp = r->from.np_dvp, *tdvp = r->to.np_dvp;
	int error;

	if ((error = vn_access(fdvp, VWRITE, cred)) != 0)
		return error;
	if (fdvp != tdvp) {
		if ((error = vn_access(tdvp, VWRITE, cred)) != 0)
			return error;
		if (r->fvp->v_type == VDIR &&
		    (error = vn_access(r->fvp, VWRITE, cred)) != 0)
			return error;
	}
	if ((error = vn_may_delete(fdvp, r->fvp, cred)) != 0)
		return error;
	if (r->tvp != NULL &&
	    (error = vn_may_delete(tdvp, r->tvp, cred)) != 0)
		return error;
	return 0;
}

/*
 * Both names lead to one file.  Nothing to do for __posix_rename, or
 * when they are the same name; rename(2) drops `from` (BSD).
 */
static bool
rename_noop(struct rename *r)
{
	const struct componentname *f = &r->from.np_cn, *t = &r->to.np_cn;

	return r->fvp == r->tvp && (r->posix ||
	    (r->from.np_dvp == r->to.np_dvp &&
	    f->cn_namelen == t->cn_namelen &&
	    memcmp(f->cn_nameptr, t->cn_nameptr, f->cn_namelen) == 0));
}

/* Holding mnt_renamelock: find, lock, check and rename. */
static int
rename_locked(struct rename *r)
{
	kauth_cred_t cred = curcred();
	struct vnode *fdvp = r->from.np_dvp, *tdvp = r->to.np_dvp;
	int error, tries;

	for (tries = 0;; tries++) {
		if ((error = rename_find(r)) != 0)
			return error;
		if (rename_noop(r))
			return 0;
		rename_lock(r);
		if (rename_stable(r))
			break;
		/* an unlink or create raced with us: start again */
		rename_unlock(r);
		rename_drop(r);
		if (tries > 1000)
			return EBUSY;
	}
	if ((error = dir_alive(tdvp)) == 0 &&
	    (error = rename_permitted(r, cred)) == 0) {
		if (r->fvp == r->tvp)	/* two links: drop `from` */
			error = r->fvp->v_type == VDIR ? EINVAL :
			    fdvp->v_op->vop_remove(fdvp, r->fvp,
			    &r->from.np_cn);
		else
			error = fdvp->v_op->vop_rename(fdvp, r->fvp,
			    &r->from.np_cn, tdvp, r->tvp, &r->to.np_cn);
	}
	rename_unlock(r);
	return error;
}

/*
 * Resolve both parents and apply NetBSD's checks on the names, in its
 * order: the source must exist on a writable mount, neither name may
 * be "/" (EBUSY), "." or ".." (EINVAL; EISDIR for a target "."), and
 * both must be on one mount (EXDEV).
 */
static int
do_renameat(int fromfd, const void *ufrom, int tofd, const void *uto,
    bool posix)
{
	struct rename r;
	struct vnode *fvp;
	struct mount *mp;
	char *fpath, *tpath = NULL;
	int error;

	memset(&r, 0, sizeof(r));
	r.posix = posix;
	if ((error = sys_path_in(ufrom, &fpath)) != 0)
		return error;
	if ((error = sys_path_in(uto, &tpath)) != 0)
		goto out0;
	if ((error = namei_parent(fromfd, fpath, &r.from)) != 0)
		goto out0;
	if (r.from.np_isroot)
		error = EBUSY;
	else if (is_dot(&r.from.np_cn) || is_dotdot(&r.from.np_cn))
		error = EINVAL;
	else if ((error = sys_rdonly(r.from.np_dvp)) == 0 &&
	    (error = lookup_in(&r.from, &fvp)) == 0) {
		if (vn_covered(fvp))
			error = EBUSY;	/* a mount point */
		vrele(fvp);	/* found again under the rename lock */
	}
	if (error != 0)
		goto out1;
	if ((error = namei_parent(tofd, tpath, &r.to)) != 0)
		goto out1;
	if (r.to.np_isroot)
		error = EBUSY;
	else if (is_dot(&r.to.np_cn))
		error = EISDIR;
	else if (is_dotdot(&r.to.np_cn))
		error = EINVAL;
	else if ((mp = r.from.np_dvp->v_mount) != r.to.np_dvp->v_mount)
		error = EXDEV;
	else {
		mutex_enter(&mp->mnt_renamelock);
		error = rename_locked(&r);
		mutex_exit(&mp->mnt_renamelock);
		rename_drop(&r);
	}
	vrele(r.to.np_dvp);
out1:
	vrele(r.from.np_dvp);
out0:
	pathbuf_free(fpath);
	if (tpath != NULL)
		pathbuf_free(tpath);
	return error;
}

static int
sys_rename(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_renameat(RUMP_AT_FDCWD, SARG_PTR(args, 0), RUMP_AT_FDCWD,
	    SARG_PTR(args, 1), false);
}

static int
sys_renameat(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_renameat(SARG_INT(args, 0), SARG_PTR(args, 1),
	    SARG_INT(args, 2), SARG_PTR(args, 3), false);
}

static int
sys___posix_rename(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_renameat(RUMP_AT_FDCWD, SARG_PTR(args, 0), RUMP_AT_FDCWD,
	    SARG_PTR(args, 1), true);
}

/* --- registration ---------------------------------------------------------- */

const struct syscall_reg vfs_sys_names[] = {
	{ 5, sys_open, 3 },
	{ 9, sys_link, 2 },
	{ 10, sys_unlink, 1 },
	{ 57, sys_symlink, 2 },
	{ 128, sys_rename, 2 },
	{ 132, sys_mkfifo, 2 },
	{ 136, sys_mkdir, 2 },
	{ 137, sys_rmdir, 1 },
	{ 270, sys___posix_rename, 2 },
	{ 450, sys_mknod, 3 },
	{ 457, sys_linkat, 5 },
	{ 458, sys_renameat, 4 },
	{ 459, sys_mkfifoat, 3 },
	{ 460, sys_mknodat, 5 },
	{ 461, sys_mkdirat, 3 },
	{ 468, sys_openat, 4 },
	{ 470, sys_symlinkat, 3 },
	{ 471, sys_unlinkat, 3 },
};
const size_t vfs_sys_names_n = sizeof(vfs_sys_names) /
    sizeof(vfs_sys_names[0]);

int
vfs_syscalls_init(void)
{
	syscall_register(vfs_sys_names, vfs_sys_names_n);
	syscall_register(vfs_sys_attrs, vfs_sys_attrs_n);
	syscall_register(vfs_sys_files, vfs_sys_files_n);
	syscall_register(vfs_sys_mounts, vfs_sys_mounts_n);
	syscall_register(vfs_sys_xattrs, vfs_sys_xattrs_n);
	return 0;
}
