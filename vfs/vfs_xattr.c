/*
 * vfs_xattr.c: the vfs faction's calls that our file systems cannot
 * serve, answered the way NetBSD answers them for a file system
 * without the feature (its tmpfs): extended attributes, file handles,
 * quotas, revoke.  (ktrace is vfs_sysktrace.c's.)
 *
 * Each still checks its arguments in NetBSD's order first, so that a
 * bad pointer, a missing file or a missing privilege gives the errno
 * it would give on NetBSD; only then comes the "not supported".  The
 * BSD extattr calls say EOPNOTSUPP; the Linux-style xattr calls turn
 * that into ENOTSUP, as NetBSD's do.
 */
#include "vfs/vfs_syscalls.h"

#define ATTR_NAME_MAX	256	/* EXTATTR_MAXNAMELEN, XATTR_NAME_MAX */

/* What an attribute call names: a path (following a final symlink or
 * not) or a descriptor, in slot 0. */
enum attr_target { BY_PATH, BY_LINK, BY_FD };

/*
 * The common course of every attribute call: the attribute name (in
 * slot nameslot, or none if -1), then the file; then the refusal.
 */
static int
attr_refuse(const void *args, enum attr_target target, int nameslot,
    int notsup)
{
	char name[ATTR_NAME_MAX];
	struct file *fp;
	struct vnode *vp;
	int error;

	if (nameslot >= 0 && (error = copyinstr(SARG_PTR(args, nameslot),
	    name, sizeof(name), NULL)) != 0)
		return error;
	if (target == BY_FD) {
		if ((error = sys_getvnode(SARG_INT(args, 0), &fp, &vp)) != 0)
			return error;
		file_rele(fp);
	} else {
		if ((error = sys_lookup(RUMP_AT_FDCWD, SARG_PTR(args, 0),
		    target == BY_PATH ? NI_FOLLOW : 0, &vp)) != 0)
			return error;
		vrele(vp);
	}
	return notsup;
}

#define ATTR_CALL(call, target, nameslot, notsup)			\
static int								\
sys_##call(struct lwp *l, const void *args, register_t *retval)	\
{									\
	(void)l;							\
	(void)retval;							\
	return attr_refuse(args, target, nameslot, notsup);		\
}

/* BSD extended attributes: (target, namespace, name, data, nbytes). */
ATTR_CALL(extattr_set_file, BY_PATH, 2, EOPNOTSUPP)
ATTR_CALL(extattr_get_file, BY_PATH, 2, EOPNOTSUPP)
ATTR_CALL(extattr_delete_file, BY_PATH, 2, EOPNOTSUPP)
ATTR_CALL(extattr_set_fd, BY_FD, 2, EOPNOTSUPP)
ATTR_CALL(extattr_get_fd, BY_FD, 2, EOPNOTSUPP)
ATTR_CALL(extattr_delete_fd, BY_FD, 2, EOPNOTSUPP)
ATTR_CALL(extattr_set_link, BY_LINK, 2, EOPNOTSUPP)
ATTR_CALL(extattr_get_link, BY_LINK, 2, EOPNOTSUPP)
ATTR_CALL(extattr_delete_link, BY_LINK, 2, EOPNOTSUPP)
ATTR_CALL(extattr_list_fd, BY_FD, -1, EOPNOTSUPP)
ATTR_CALL(extattr_list_file, BY_PATH, -1, EOPNOTSUPP)
ATTR_CALL(extattr_list_link, BY_LINK, -1, EOPNOTSUPP)

/* Linux-style xattrs: (target, name, ...), or (target, list, size). */
ATTR_CALL(setxattr, BY_PATH, 1, ENOTSUP)
ATTR_CALL(lsetxattr, BY_LINK, 1, ENOTSUP)
ATTR_CALL(fsetxattr, BY_FD, 1, ENOTSUP)
ATTR_CALL(getxattr, BY_PATH, 1, ENOTSUP)
ATTR_CALL(lgetxattr, BY_LINK, 1, ENOTSUP)
ATTR_CALL(fgetxattr, BY_FD, 1, ENOTSUP)
ATTR_CALL(listxattr, BY_PATH, -1, ENOTSUP)
ATTR_CALL(llistxattr, BY_LINK, -1, ENOTSUP)
ATTR_CALL(flistxattr, BY_FD, -1, ENOTSUP)
ATTR_CALL(removexattr, BY_PATH, 1, ENOTSUP)
ATTR_CALL(lremovexattr, BY_LINK, 1, ENOTSUP)
ATTR_CALL(fremovexattr, BY_FD, 1, ENOTSUP)

/*
 * extattrctl(path, cmd, filename, namespace, attrname): the name, the
 * path, the backing file; then the file system's answer.
 */
static int
sys_extattrctl(struct lwp *l, const void *args, register_t *retval)
{
	char name[ATTR_NAME_MAX];
	struct vnode *vp, *fvp;
	int error;

	(void)l;
	(void)retval;
	if (SARG_PTR(args, 4) != NULL && (error = copyinstr(SARG_PTR(args, 4),
	    name, sizeof(name), NULL)) != 0)
		return error;
	if ((error = sys_lookup(RUMP_AT_FDCWD, SARG_PTR(args, 0), NI_FOLLOW,
	    &vp)) != 0)
		return error;
	if (SARG_PTR(args, 2) != NULL) {
		error = sys_lookup(RUMP_AT_FDCWD, SARG_PTR(args, 2), NI_FOLLOW,
		    &fvp);
		if (error == 0)
			vrele(fvp);
	}
	vrele(vp);
	return error != 0 ? error : EOPNOTSUPP;
}

/* --- file handles --------------------------------------------------------- */

/*
 * File handles are root's (EPERM otherwise).  Our file systems make
 * none, so getfh fails after the lookup and a handle can name nothing.
 */
static int
sys_getfh(struct lwp *l, const void *args, register_t *retval)
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
	vrele(vp);
	return EOPNOTSUPP;
}

static int
sys_fhopen(struct lwp *l, const void *args, register_t *retval)
{
	int fflags = FFLAGS(SARG_INT(args, 2));

	(void)l;
	(void)retval;
	if (!cred_isroot(curcred()))
		return EPERM;
	if ((fflags & (FREAD | FWRITE)) == 0 || (fflags & RUMP_O_CREAT))
		return EINVAL;
	return EOPNOTSUPP;
}

static int
sys_fhstat(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)args;
	(void)retval;
	return cred_isroot(curcred()) ? EOPNOTSUPP : EPERM;
}

/* --- quotas, revoke ------------------------------------------------------- */

/* __quotactl(path, args): our file systems keep no quotas. */
static int
sys___quotactl(struct lwp *l, const void *args, register_t *retval)
{
	struct vnode *vp;
	int error;

	(void)l;
	(void)retval;
	if ((error = sys_lookup(RUMP_AT_FDCWD, SARG_PTR(args, 0), NI_FOLLOW,
	    &vp)) != 0)
		return error;
	vrele(vp);
	return EOPNOTSUPP;
}

/*
 * revoke(path): the owner or root may (EPERM otherwise); cutting the
 * other openers off is beyond our vnodes, so it ends in EOPNOTSUPP.
 */
static int
sys_revoke(struct lwp *l, const void *args, register_t *retval)
{
	kauth_cred_t cred = curcred();
	struct vnode *vp;
	struct vattr va;
	int error;

	(void)l;
	(void)retval;
	if ((error = sys_lookup(RUMP_AT_FDCWD, SARG_PTR(args, 0), NI_FOLLOW,
	    &vp)) != 0)
		return error;
	vn_lock(vp, RW_READER);
	error = sys_getattr(vp, &va);
	vn_unlock(vp);
	vrele(vp);
	if (error != 0)
		return error;
	if (cred->cr_euid != va.va_uid && !cred_isroot(cred))
		return EPERM;
	return EOPNOTSUPP;
}

/* --- registration ----------------------------------------------------------- */

const struct syscall_reg vfs_sys_xattrs[] = {
	{ 56, sys_revoke, 1 },
	{ 360, sys_extattrctl, 5 },
	{ 361, sys_extattr_set_file, 5 },
	{ 362, sys_extattr_get_file, 5 },
	{ 363, sys_extattr_delete_file, 3 },
	{ 364, sys_extattr_set_fd, 5 },
	{ 365, sys_extattr_get_fd, 5 },
	{ 366, sys_extattr_delete_fd, 3 },
	{ 367, sys_extattr_set_link, 5 },
	{ 368, sys_extattr_get_link, 5 },
	{ 369, sys_extattr_delete_link, 3 },
	{ 370, sys_extattr_list_fd, 4 },
	{ 371, sys_extattr_list_file, 4 },
	{ 372, sys_extattr_list_link, 4 },
	{ 375, sys_setxattr, 5 },
	{ 376, sys_lsetxattr, 5 },
	{ 377, sys_fsetxattr, 5 },
	{ 378, sys_getxattr, 4 },
	{ 379, sys_lgetxattr, 4 },
	{ 380, sys_fgetxattr, 4 },
	{ 381, sys_listxattr, 3 },
	{ 382, sys_llistxattr, 3 },
	{ 383, sys_flistxattr, 3 },
	{ 384, sys_removexattr, 2 },
	{ 385, sys_lremovexattr, 2 },
	{ 386, sys_fremovexattr, 2 },
	{ 395, sys_getfh, 3 },
	{ 396, sys_fhopen, 3 },
	{ 397, sys_fhstat, 4 },		/* fhstatvfs1 */
	{ 451, sys_fhstat, 3 },
	{ 473, sys___quotactl, 2 },
};
const size_t vfs_sys_xattrs_n = sizeof(vfs_sys_xattrs) /
    sizeof(vfs_sys_xattrs[0]);
