/*
 * vfs_sysktrace.c: ktrace(2), the vfs faction's half: resolve the
 * trace file's name, open it for writing, and hand it to the kernel's
 * ktrace_common() (kern/sys_ktrace.c), which does everything else.
 *
 * As NetBSD's sys_ktrace: KTROP_CLEAR needs no file (fname is not
 * read); every other operation opens fname, following links, without
 * creating it (ENOENT when missing; ktrace(1) creates it first), with
 * read and write permission (EACCES, EROFS; EISDIR for a directory),
 * and only a regular file will do (EACCES otherwise).  The file is
 * open only for writing, and only for as long as tracing uses it.
 */
#include "vfs/vfs_syscalls.h"

/* NetBSD's vn_open(FREAD|FWRITE) and then its VREG test. */
static int
ktrace_open(struct vnode *vp, kauth_cred_t cred, struct file **fpp)
{
	int error;

	if (vp->v_type == VSOCK)
		return EOPNOTSUPP;
	vn_lock(vp, RW_READER);
	if (vp->v_type == VDIR)
		error = EISDIR;
	else
		error = vn_access(vp, VREAD | VWRITE, cred);
	vn_unlock(vp);
	if (error != 0)
		return error;
	if (vp->v_type != VREG)
		return EACCES;
	return vn_open_file(vp, FWRITE, fpp);
}

/* ktrace(fname, ops, facs, pid) */
static int
sys_ktrace(struct lwp *l, const void *args, register_t *retval)
{
	int ops = SARG_INT(args, 1);
	struct file *fp = NULL;
	struct vnode *vp;
	int error;

	(void)retval;
	if ((ops & RUMP_KTROP_MASK) != RUMP_KTROP_CLEAR) {
		if ((error = sys_lookup(RUMP_AT_FDCWD, SARG_PTR(args, 0),
		    NI_FOLLOW, &vp)) != 0)
			return error;
		if ((error = ktrace_open(vp, l->l_cred, &fp)) != 0) {
			vrele(vp);
			return error;
		}
	}
	error = ktrace_common(l, ops, SARG_INT(args, 2),
	    (pid_t)SARG_INT(args, 3), fp);
	if (fp != NULL)
		(void)file_rele(fp);
	return error;
}

static const struct syscall_reg vfs_sys_ktrace[] = {
	{ 45, sys_ktrace, 4 },
};

static int
ktrace_vfs_init(void)
{
	syscall_register(vfs_sys_ktrace,
	    sizeof(vfs_sys_ktrace) / sizeof(vfs_sys_ktrace[0]));
	return 0;
}

static struct rump_component ktrace_vfs_component = {
	.rc_type = RUMP_COMPONENT_VFS,
	.rc_name = "vfs.ktrace",
	.rc_init = ktrace_vfs_init,
};

__attribute__((constructor)) static void
ktrace_vfs_register(void)
{
	rump_component_register(&ktrace_vfs_component);
}
