/*
 * vfs_sysattr.c: system calls that read or change a file's attributes:
 * stat, lstat, fstatat, access, faccessat, readlink, pathconf, the
 * chmod, chown, chflags and utimes families, truncate.
 *
 * Each path call resolves its path (following a final symlink unless
 * it is an l- call or AT_SYMLINK_NOFOLLOW says not to), and each
 * f- call takes its vnode from a descriptor; both then share one
 * routine that locks the vnode and applies the change through
 * vn_setattr_checked (access.c), which decides who may change what.
 * Nothing here holds more than one vnode lock.
 */
#include "vfs/vfs_syscalls.h"

/* --- stat ---------------------------------------------------------------- */

static int
do_statat(int dirfd, const void *upath, int niflags, void *ubuf)
{
	struct rump_stat st;
	struct vnode *vp;
	int error;

	if ((error = sys_lookup(dirfd, upath, niflags, &vp)) != 0)
		return error;
	error = vn_stat(vp, &st);
	vrele(vp);
	if (error == 0)
		error = copyout(&st, ubuf, sizeof(st));
	return error;
}

static int
sys_stat(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_statat(RUMP_AT_FDCWD, SARG_PTR(args, 0), NI_FOLLOW,
	    SARG_PTR(args, 1));
}

static int
sys_lstat(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_statat(RUMP_AT_FDCWD, SARG_PTR(args, 0), 0,
	    SARG_PTR(args, 1));
}

static int
sys_fstatat(struct lwp *l, const void *args, register_t *retval)
{
	int flag = SARG_INT(args, 3);

	(void)l;
	(void)retval;
	return do_statat(SARG_INT(args, 0), SARG_PTR(args, 1),
	    (flag & RUMP_AT_SYMLINK_NOFOLLOW) ? 0 : NI_FOLLOW,
	    SARG_PTR(args, 2));
}

/* --- access ---------------------------------------------------------------- */

/*
 * access(2) asks with the real ids unless AT_EACCESS: the check, and
 * the lookup leading to it, run on a copy of the credentials whose
 * effective ids are the real ones.
 */
static int
do_accessat(struct lwp *l, int dirfd, const void *upath, int amode,
    int flag)
{
	kauth_cred_t saved = l->l_cred, cred;
	struct vnode *vp = NULL;
	int mode = 0, error;

	if (amode & ~(RUMP_R_OK | RUMP_W_OK | RUMP_X_OK))
		return EINVAL;
	if ((cred = cred_dup(curcred())) == NULL)
		return ENOMEM;
	if (!(flag & RUMP_AT_EACCESS)) {
		cred->cr_euid = cred->cr_uid;
		cred->cr_egid = cred->cr_gid;
	}
	l->l_cred = cred;
	error = sys_lookup(dirfd, upath,
	    (flag & RUMP_AT_SYMLINK_NOFOLLOW) ? 0 : NI_FOLLOW, &vp);
	l->l_cred = saved;
	if (error == 0 && amode != 0) {	/* F_OK: existence only */
		if (amode & RUMP_R_OK)
			mode |= VREAD;
		if (amode & RUMP_W_OK)
			mode |= VWRITE;
		if (amode & RUMP_X_OK)
			mode |= VEXEC;
		vn_lock(vp, RW_READER);
		error = vn_access(vp, mode, cred);
		vn_unlock(vp);
	}
	if (vp != NULL)
		vrele(vp);
	cred_free(cred);
	return error;
}

static int
sys_access(struct lwp *l, const void *args, register_t *retval)
{
	(void)retval;
	return do_accessat(l, RUMP_AT_FDCWD, SARG_PTR(args, 0),
	    SARG_INT(args, 1), 0);
}

static int
sys_faccessat(struct lwp *l, const void *args, register_t *retval)
{
	(void)retval;
	return do_accessat(l, SARG_INT(args, 0), SARG_PTR(args, 1),
	    SARG_INT(args, 2), SARG_INT(args, 3));
}

/* --- readlink, pathconf ---------------------------------------------------- */

static int
do_readlinkat(int dirfd, const void *upath, void *ubuf, size_t count,
    register_t *retval)
{
	struct vnode *vp;
	struct iovec_k iov = { ubuf, count };
	struct uio uio;
	int error;

	if ((error = sys_lookup(dirfd, upath, 0, &vp)) != 0)
		return error;
	vn_lock(vp, RW_READER);
	if (vp->v_type != VLNK)
		error = EINVAL;
	else if (!(vp->v_mount->mnt_flag & RUMP_MNT_SYMPERM) ||
	    (error = vn_access(vp, VREAD, curcred())) == 0) {
		uio = (struct uio){ &iov, 1, 0, count, UIO_READ,
		    UIO_USERSPACE };
		if ((error = vp->v_op->vop_readlink(vp, &uio)) == 0)
			*retval = (register_t)(count - uio.uio_resid);
	}
	vn_unlock(vp);
	vrele(vp);
	return error;
}

static int
sys_readlink(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	return do_readlinkat(RUMP_AT_FDCWD, SARG_PTR(args, 0),
	    SARG_PTR(args, 1), SARG(args, 2), retval);
}

static int
sys_readlinkat(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	return do_readlinkat(SARG_INT(args, 0), SARG_PTR(args, 1),
	    SARG_PTR(args, 2), SARG(args, 3), retval);
}

static int
sys_pathconf(struct lwp *l, const void *args, register_t *retval)
{
	struct vnode *vp;
	int error;

	(void)l;
	if ((error = sys_lookup(RUMP_AT_FDCWD, SARG_PTR(args, 0), NI_FOLLOW,
	    &vp)) != 0)
		return error;
	vn_lock(vp, RW_READER);
	if (vp->v_op->vop_pathconf == NULL)
		error = EOPNOTSUPP;
	else
		error = vp->v_op->vop_pathconf(vp, SARG_INT(args, 1), retval);
	vn_unlock(vp);
	vrele(vp);
	return error;
}

/* --- changing attributes ------------------------------------------------- */

/* Apply va to vp (referenced, unlocked) as cred: vn_setattr_checked. */
static int
setattr_vp(struct vnode *vp, struct vattr *va)
{
	int error;

	vn_lock(vp, RW_WRITER);
	error = vn_setattr_checked(vp, va, curcred());
	vn_unlock(vp);
	return error;
}

/* Resolve a path, following a final symlink if told to, and apply va. */
static int
setattr_at(int dirfd, const void *upath, bool follow, struct vattr *va)
{
	struct vnode *vp;
	int error;

	if ((error = sys_lookup(dirfd, upath, follow ? NI_FOLLOW : 0,
	    &vp)) != 0)
		return error;
	error = setattr_vp(vp, va);
	vrele(vp);
	return error;
}

static int
setattr_fd(int fd, struct vattr *va)
{
	struct file *fp;
	struct vnode *vp;
	int error;

	if ((error = sys_getvnode(fd, &fp, &vp)) != 0)
		return error;
	error = setattr_vp(vp, va);
	file_rele(fp);
	return error;
}

/* chmod family: the permission bits, nothing else. */
static void
mode_attr(struct vattr *va, mode_t mode)
{
	vattr_null(va);
	va->va_mode = mode & ALLPERMS;
}

static int
sys_chmod(struct lwp *l, const void *args, register_t *retval)
{
	struct vattr va;

	(void)l;
	(void)retval;
	mode_attr(&va, (mode_t)SARG_UINT(args, 1));
	return setattr_at(RUMP_AT_FDCWD, SARG_PTR(args, 0), true, &va);
}

static int
sys_lchmod(struct lwp *l, const void *args, register_t *retval)
{
	struct vattr va;

	(void)l;
	(void)retval;
	mode_attr(&va, (mode_t)SARG_UINT(args, 1));
	return setattr_at(RUMP_AT_FDCWD, SARG_PTR(args, 0), false, &va);
}

static int
sys_fchmod(struct lwp *l, const void *args, register_t *retval)
{
	struct vattr va;

	(void)l;
	(void)retval;
	mode_attr(&va, (mode_t)SARG_UINT(args, 1));
	return setattr_fd(SARG_INT(args, 0), &va);
}

static int
sys_fchmodat(struct lwp *l, const void *args, register_t *retval)
{
	struct vattr va;

	(void)l;
	(void)retval;
	mode_attr(&va, (mode_t)SARG_UINT(args, 2));
	return setattr_at(SARG_INT(args, 0), SARG_PTR(args, 1),
	    !(SARG_INT(args, 3) & RUMP_AT_SYMLINK_NOFOLLOW), &va);
}

/*
 * chown family.  -1 leaves an id alone.  Changing an id drops the
 * matching set-id bit: always with NetBSD's chown, only for a caller
 * other than root with the __posix_ calls.
 */
static int
change_owner(struct vnode *vp, uid_t uid, gid_t gid, bool posix)
{
	kauth_cred_t cred = curcred();
	struct vattr va;
	mode_t oldmode, newmode;
	int error;

	vn_lock(vp, RW_WRITER);
	if ((error = sys_getattr(vp, &va)) != 0)
		goto out;
	oldmode = newmode = va.va_mode;
	if (posix) {
		if (!cred_isroot(cred))
			newmode &= ~(mode_t)(RUMP_S_ISUID | RUMP_S_ISGID);
	} else {
		if (uid != (uid_t)-1)
			newmode &= ~(mode_t)RUMP_S_ISUID;
		if (gid != (gid_t)-1)
			newmode &= ~(mode_t)RUMP_S_ISGID;
	}
	vattr_null(&va);
	va.va_uid = uid;	/* -1 is VNOVAL: no change */
	va.va_gid = gid;
	if (newmode != oldmode)
		va.va_mode = newmode;
	error = vn_setattr_checked(vp, &va, cred);
out:
	vn_unlock(vp);
	return error;
}

static int
chown_at(int dirfd, const void *upath, uid_t uid, gid_t gid, bool follow,
    bool posix)
{
	struct vnode *vp;
	int error;

	if ((error = sys_lookup(dirfd, upath, follow ? NI_FOLLOW : 0,
	    &vp)) != 0)
		return error;
	error = change_owner(vp, uid, gid, posix);
	vrele(vp);
	return error;
}

static int
chown_fd(int fd, uid_t uid, gid_t gid, bool posix)
{
	struct file *fp;
	struct vnode *vp;
	int error;

	if ((error = sys_getvnode(fd, &fp, &vp)) != 0)
		return error;
	error = change_owner(vp, uid, gid, posix);
	file_rele(fp);
	return error;
}

static int
sys_chown(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return chown_at(RUMP_AT_FDCWD, SARG_PTR(args, 0), SARG_UINT(args, 1),
	    SARG_UINT(args, 2), true, false);
}

static int
sys_lchown(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return chown_at(RUMP_AT_FDCWD, SARG_PTR(args, 0), SARG_UINT(args, 1),
	    SARG_UINT(args, 2), false, false);
}

static int
sys_fchown(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return chown_fd(SARG_INT(args, 0), SARG_UINT(args, 1),
	    SARG_UINT(args, 2), false);
}

static int
sys_fchownat(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return chown_at(SARG_INT(args, 0), SARG_PTR(args, 1),
	    SARG_UINT(args, 2), SARG_UINT(args, 3),
	    !(SARG_INT(args, 4) & RUMP_AT_SYMLINK_NOFOLLOW), false);
}

static int
sys___posix_chown(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return chown_at(RUMP_AT_FDCWD, SARG_PTR(args, 0), SARG_UINT(args, 1),
	    SARG_UINT(args, 2), true, true);
}

static int
sys___posix_lchown(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return chown_at(RUMP_AT_FDCWD, SARG_PTR(args, 0), SARG_UINT(args, 1),
	    SARG_UINT(args, 2), false, true);
}

static int
sys___posix_fchown(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return chown_fd(SARG_INT(args, 0), SARG_UINT(args, 1),
	    SARG_UINT(args, 2), true);
}

/* chflags family: flags is a u_long, all 64 bits of its slot. */
static void
flags_attr(struct vattr *va, uint64_t flags)
{
	vattr_null(va);
	va->va_flags = flags;
}

static int
sys_chflags(struct lwp *l, const void *args, register_t *retval)
{
	struct vattr va;

	(void)l;
	(void)retval;
	flags_attr(&va, SARG(args, 1));
	return setattr_at(RUMP_AT_FDCWD, SARG_PTR(args, 0), true, &va);
}

static int
sys_lchflags(struct lwp *l, const void *args, register_t *retval)
{
	struct vattr va;

	(void)l;
	(void)retval;
	flags_attr(&va, SARG(args, 1));
	return setattr_at(RUMP_AT_FDCWD, SARG_PTR(args, 0), false, &va);
}

static int
sys_fchflags(struct lwp *l, const void *args, register_t *retval)
{
	struct vattr va;

	(void)l;
	(void)retval;
	flags_attr(&va, SARG(args, 1));
	return setattr_fd(SARG_INT(args, 0), &va);
}

/* --- times ------------------------------------------------------------------ */

#define NSEC_PER_SEC	1000000000L

/*
 * The two times of utimensat, resolved: UTIME_NOW becomes the current
 * time, UTIME_OMIT stays, anything else must be a valid timespec.  A
 * NULL array, or both UTIME_NOW, is "now" (VA_UTIMES_NULL: the owner
 * check relaxes to write permission).
 */
static int
times_resolve(const struct rump_timespec *uts, struct rump_timespec ts[2],
    bool *vanull)
{
	struct rump_timespec now;
	int i;

	nanotime(&now);
	*vanull = uts == NULL;
	if (uts == NULL) {
		ts[0] = ts[1] = now;
		return 0;
	}
	ts[0] = uts[0];
	ts[1] = uts[1];
	*vanull = ts[0].tv_nsec == RUMP_UTIME_NOW &&
	    ts[1].tv_nsec == RUMP_UTIME_NOW;
	for (i = 0; i < 2; i++) {
		if (ts[i].tv_nsec == RUMP_UTIME_NOW)
			ts[i] = now;
		else if (ts[i].tv_nsec != RUMP_UTIME_OMIT &&
		    (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= NSEC_PER_SEC))
			return EINVAL;
	}
	return 0;
}

/* Set vp's times (vp referenced, unlocked).  An mtime older than the
 * birth time moves the birth time back too, as NetBSD does. */
static int
set_times(struct vnode *vp, const struct rump_timespec ts[2], bool vanull)
{
	struct vattr va;
	bool setbirth = false;
	int error;

	vn_lock(vp, RW_WRITER);
	if (sys_getattr(vp, &va) == 0 &&
	    ts[1].tv_nsec != RUMP_UTIME_OMIT &&
	    va.va_birthtime.tv_sec != VNOVAL &&
	    (ts[1].tv_sec < va.va_birthtime.tv_sec ||
	    (ts[1].tv_sec == va.va_birthtime.tv_sec &&
	    ts[1].tv_nsec < va.va_birthtime.tv_nsec)))
		setbirth = true;
	vattr_null(&va);
	if (ts[0].tv_nsec != RUMP_UTIME_OMIT)
		va.va_atime = ts[0];
	if (ts[1].tv_nsec != RUMP_UTIME_OMIT) {
		va.va_mtime = ts[1];
		if (setbirth)
			va.va_birthtime = ts[1];
	}
	if (vanull)
		va.va_vaflags |= VA_UTIMES_NULL;
	error = vn_setattr_checked(vp, &va, curcred());
	vn_unlock(vp);
	return error;
}

/*
 * Fetch the user's times: a struct timespec[2] (timeval false) or a
 * struct timeval[2], of which only the low 32 bits of tv_usec count;
 * a tv_usec of UTIME_NOW or UTIME_OMIT means what it does in a
 * timespec.  *tsp is NULL for a NULL pointer.
 */
static int
times_in(const void *uptr, bool timeval, struct rump_timespec ts[2],
    const struct rump_timespec **tsp)
{
	struct rump_timeval tv[2];
	int i, error;

	*tsp = NULL;
	if (uptr == NULL)
		return 0;
	if (!timeval) {
		if ((error = copyin(uptr, ts, 2 * sizeof(ts[0]))) != 0)
			return error;
		*tsp = ts;
		return 0;
	}
	if ((error = copyin(uptr, tv, sizeof(tv))) != 0)
		return error;
	for (i = 0; i < 2; i++) {
		ts[i].tv_sec = tv[i].tv_sec;
		if (tv[i].tv_usec == RUMP_UTIME_NOW ||
		    tv[i].tv_usec == RUMP_UTIME_OMIT)
			ts[i].tv_nsec = tv[i].tv_usec;
		else if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return EINVAL;
		else
			ts[i].tv_nsec = (int64_t)tv[i].tv_usec * 1000;
	}
	*tsp = ts;
	return 0;
}

/*
 * The utimes family: the vnode of descriptor fd (byfd), or upath
 * resolved relative to fd.
 */
static int
do_utimes(int fd, const void *upath, bool byfd, bool follow,
    const void *utimes, bool timeval)
{
	struct rump_timespec in[2], ts[2];
	const struct rump_timespec *tsp;
	struct file *fp = NULL;
	struct vnode *vp;
	bool vanull;
	int error;

	if ((error = times_in(utimes, timeval, in, &tsp)) != 0 ||
	    (error = times_resolve(tsp, ts, &vanull)) != 0)
		return error;
	if (byfd)
		error = sys_getvnode(fd, &fp, &vp);
	else
		error = sys_lookup(fd, upath, follow ? NI_FOLLOW : 0, &vp);
	if (error != 0)
		return error;
	error = set_times(vp, ts, vanull);
	if (fp != NULL)
		file_rele(fp);
	else
		vrele(vp);
	return error;
}

static int
sys_utimes(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_utimes(RUMP_AT_FDCWD, SARG_PTR(args, 0), false, true,
	    SARG_PTR(args, 1), true);
}

static int
sys_lutimes(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_utimes(RUMP_AT_FDCWD, SARG_PTR(args, 0), false, false,
	    SARG_PTR(args, 1), true);
}

static int
sys_futimes(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_utimes(SARG_INT(args, 0), NULL, true, true,
	    SARG_PTR(args, 1), true);
}

static int
sys_utimensat(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_utimes(SARG_INT(args, 0), SARG_PTR(args, 1), false,
	    !(SARG_INT(args, 3) & RUMP_AT_SYMLINK_NOFOLLOW),
	    SARG_PTR(args, 2), false);
}

static int
sys_futimens(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_utimes(SARG_INT(args, 0), NULL, true, true,
	    SARG_PTR(args, 1), false);
}

/* --- truncate ---------------------------------------------------------------- */

static int
sys_truncate(struct lwp *l, const void *args, register_t *retval)
{
	int64_t length = SARG_LONG(args, 2);
	kauth_cred_t cred = curcred();
	struct vnode *vp;
	struct vattr va;
	int error;

	(void)l;
	(void)retval;
	if (length < 0)
		return EINVAL;
	if ((error = sys_lookup(RUMP_AT_FDCWD, SARG_PTR(args, 0), NI_FOLLOW,
	    &vp)) != 0)
		return error;
	vn_lock(vp, RW_WRITER);
	if (vp->v_type == VDIR)
		error = EISDIR;
	else if ((error = vn_access(vp, VWRITE, cred)) == 0) {
		vattr_null(&va);
		va.va_size = length;
		error = vn_setattr_checked(vp, &va, cred);
	}
	vn_unlock(vp);
	vrele(vp);
	return error;
}

/* --- registration ----------------------------------------------------------- */

const struct syscall_reg vfs_sys_attrs[] = {
	{ 15, sys_chmod, 2 },
	{ 16, sys_chown, 3 },
	{ 33, sys_access, 2 },
	{ 34, sys_chflags, 2 },
	{ 35, sys_fchflags, 2 },
	{ 58, sys_readlink, 3 },
	{ 123, sys_fchown, 3 },
	{ 124, sys_fchmod, 2 },
	{ 191, sys_pathconf, 2 },
	{ 200, sys_truncate, 3 },
	{ 274, sys_lchmod, 2 },
	{ 275, sys_lchown, 3 },
	{ 283, sys___posix_chown, 3 },
	{ 284, sys___posix_fchown, 3 },
	{ 285, sys___posix_lchown, 3 },
	{ 304, sys_lchflags, 2 },
	{ 420, sys_utimes, 2 },
	{ 423, sys_futimes, 2 },
	{ 424, sys_lutimes, 2 },
	{ 439, sys_stat, 2 },
	{ 441, sys_lstat, 2 },
	{ 462, sys_faccessat, 4 },
	{ 463, sys_fchmodat, 4 },
	{ 464, sys_fchownat, 5 },
	{ 466, sys_fstatat, 4 },
	{ 467, sys_utimensat, 4 },
	{ 469, sys_readlinkat, 4 },
	{ 472, sys_futimens, 2 },
};
const size_t vfs_sys_attrs_n = sizeof(vfs_sys_attrs) /
    sizeof(vfs_sys_attrs[0]);
