/*
 * vfs_sysfile.c: system calls on open files that belong to the vfs
 * faction: lseek, pread, pwrite, preadv, pwritev, getdents, fsync,
 * fdatasync, fsync_range, ftruncate, posix_fallocate, fdiscard.
 *
 * Offsets.  A file's f_offset moves only under its f_iolock (lseek,
 * getdents here; read and write in kern/sys_generic.c), so transfers
 * through one open file see a serial order.  The positional calls
 * never touch f_offset: they hand the file's fo_read/fo_write a local
 * offset, and need no f_iolock.  Pipes, fifos and sockets have no
 * offset: ESPIPE.
 */
#include "vfs/vfs_syscalls.h"

#define UIO_SMALLIOV	8
#define IOV_MAX		1024
#define MAXBSIZE	65536	/* getdents reads at most this per call */

/* NetBSD's fsync_range flags (sys/unistd.h). */
#define FDATASYNC	0x0010
#define FFILESYNC	0x0020
#define FDISKSYNC	0x0040

/* vop_fsync flags, NetBSD's values. */
#define FSYNC_WAIT	0x0001
#define FSYNC_DATAONLY	0x0002
#define FSYNC_CACHE	0x0100

static int
file_flags(struct file *fp)
{
	int flag;

	mutex_enter(&fp->f_lock);
	flag = fp->f_flag;
	mutex_exit(&fp->f_lock);
	return flag;
}

/* --- lseek ----------------------------------------------------------------- */

static int
sys_lseek(struct lwp *l, const void *args, register_t *retval)
{
	struct file *fp;
	struct vnode *vp;
	off_t newoff;
	int error;

	(void)l;
	if ((fp = fd_getfile(SARG_INT(args, 0))) == NULL)
		return EBADF;
	vp = fp->f_data;
	if (fp->f_type != DTYPE_VNODE || vp->v_type == VFIFO ||
	    fp->f_ops->fo_seek == NULL)
		error = ESPIPE;
	else {
		mutex_enter(&fp->f_iolock);
		error = fp->f_ops->fo_seek(fp, SARG_LONG(args, 2),
		    SARG_INT(args, 3), &newoff);
		mutex_exit(&fp->f_iolock);
		if (error == 0)
			*retval = newoff;
	}
	file_rele(fp);
	return error;
}

/* --- positional I/O ------------------------------------------------------- */

/*
 * One positional transfer of uio (user memory) on fd at offset.
 * NetBSD's order: EBADF (closed, or not open that way), ESPIPE (no
 * offset), EINVAL (negative offset).  A transfer that moved bytes and
 * then was interrupted reports the bytes.
 */
static int
do_pio(int fd, struct uio *uio, off_t offset, register_t *retval)
{
	int need = uio->uio_rw == UIO_READ ? FREAD : FWRITE;
	size_t cnt = uio->uio_resid;
	struct file *fp;
	struct vnode *vp;
	off_t off = offset;
	int error;

	if ((fp = fd_getfile(fd)) == NULL)
		return EBADF;
	vp = fp->f_data;
	if ((file_flags(fp) & need) == 0)
		error = EBADF;
	else if (fp->f_type != DTYPE_VNODE || vp->v_type == VFIFO)
		error = ESPIPE;
	else if (offset < 0)
		error = EINVAL;
	else if (uio->uio_rw == UIO_READ)
		error = fp->f_ops->fo_read(fp, &off, uio, fp->f_cred, 0);
	else
		error = fp->f_ops->fo_write(fp, &off, uio, fp->f_cred, 0);
	file_rele(fp);
	if (error != 0 && uio->uio_resid != cnt && (error == ERESTART ||
	    error == EINTR || error == EWOULDBLOCK))
		error = 0;
	if (error == 0)
		*retval = (register_t)(cnt - uio->uio_resid);
	return error;
}

static int
do_prw(const void *args, enum uio_rw rw, register_t *retval)
{
	struct iovec_k iov = { SARG_PTR(args, 1), SARG(args, 2) };
	struct uio uio = { &iov, 1, 0, iov.iov_len, rw, UIO_USERSPACE };

	if (iov.iov_len > (size_t)INT64_MAX)
		return EINVAL;
	return do_pio(SARG_INT(args, 0), &uio, SARG_LONG(args, 4), retval);
}

static int
sys_pread(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	return do_prw(args, UIO_READ, retval);
}

static int
sys_pwrite(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	return do_prw(args, UIO_WRITE, retval);
}

/* preadv/pwritev: iovcnt 0 or beyond IOV_MAX is EINVAL, as are
 * lengths whose sum does not fit in ssize_t. */
static int
do_prwv(const void *args, enum uio_rw rw, register_t *retval)
{
	struct iovec_k small[UIO_SMALLIOV], *iov = small;
	int iovcnt = SARG_INT(args, 2), i, error;
	size_t len, total = 0;
	struct uio uio;

	if (iovcnt <= 0 || iovcnt > IOV_MAX)
		return EINVAL;
	len = (size_t)iovcnt * sizeof(*iov);
	if (iovcnt > UIO_SMALLIOV &&
	    (iov = kmem_alloc(len, KM_SLEEP)) == NULL)
		return ENOMEM;
	if ((error = copyin(SARG_PTR(args, 1), iov, len)) != 0)
		goto out;
	for (i = 0; i < iovcnt; i++) {
		total += iov[i].iov_len;
		if (iov[i].iov_len > (size_t)INT64_MAX ||
		    total > (size_t)INT64_MAX) {
			error = EINVAL;
			goto out;
		}
	}
	uio = (struct uio){ iov, iovcnt, 0, total, rw, UIO_USERSPACE };
	error = do_pio(SARG_INT(args, 0), &uio, SARG_LONG(args, 4), retval);
out:
	if (iov != small)
		kmem_free(iov, len);
	return error;
}

static int
sys_preadv(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	return do_prwv(args, UIO_READ, retval);
}

static int
sys_pwritev(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	return do_prwv(args, UIO_WRITE, retval);
}

/* --- getdents ------------------------------------------------------------- */

/*
 * Directory records from the file's offset, which is the directory's
 * cookie for the next entry.  NetBSD: EBADF unless open for reading,
 * EINVAL for anything but a directory.
 */
static int
sys_getdents(struct lwp *l, const void *args, register_t *retval)
{
	size_t count = MIN((size_t)SARG(args, 2), (size_t)MAXBSIZE);
	struct iovec_k iov = { SARG_PTR(args, 1), count };
	struct uio uio;
	struct file *fp;
	struct vnode *vp;
	int eof = 0, error;

	(void)l;
	if ((error = sys_getvnode(SARG_INT(args, 0), &fp, &vp)) != 0)
		return error;
	if ((file_flags(fp) & FREAD) == 0)
		error = EBADF;
	else if (vp->v_type != VDIR)
		error = EINVAL;
	if (error != 0) {
		file_rele(fp);
		return error;
	}
	mutex_enter(&fp->f_iolock);
	uio = (struct uio){ &iov, 1, fp->f_offset, count, UIO_READ,
	    UIO_USERSPACE };
	vn_lock(vp, RW_READER);
	error = vp->v_op->vop_readdir(vp, &uio, &eof);
	vn_unlock(vp);
	mutex_enter(&fp->f_lock);
	fp->f_offset = uio.uio_offset;
	mutex_exit(&fp->f_lock);
	mutex_exit(&fp->f_iolock);
	file_rele(fp);
	if (error == 0)
		*retval = (register_t)(count - uio.uio_resid);
	return error;
}

/* --- fsync ------------------------------------------------------------------ */

static int
fsync_vp(struct vnode *vp, int flags)
{
	int error = 0;

	if (vp->v_type == VBLK)		/* the device's buffers */
		return bdev_fsync(vp->v_rdev);
	if (vp->v_op->vop_fsync != NULL) {
		vn_lock(vp, RW_WRITER);
		error = vp->v_op->vop_fsync(vp, flags);
		vn_unlock(vp);
	}
	return error;
}

static int
sys_fsync(struct lwp *l, const void *args, register_t *retval)
{
	struct file *fp;
	struct vnode *vp;
	int error;

	(void)l;
	(void)retval;
	if ((error = sys_getvnode(SARG_INT(args, 0), &fp, &vp)) != 0)
		return error;
	error = fsync_vp(vp, FSYNC_WAIT);
	file_rele(fp);
	return error;
}

/*
 * fdatasync(fd) and fsync_range(fd, how, start, length).  Both want a
 * file open for writing (as AIX does); fsync_range wants exactly one
 * of FDATASYNC and FFILESYNC and a range that does not wrap.  Our
 * file systems sync whole files.
 */
static int
do_fsync_range(int fd, int how, int64_t start, int64_t len)
{
	struct file *fp;
	struct vnode *vp;
	int64_t end;
	int error, flags;

	if ((error = sys_getvnode(fd, &fp, &vp)) != 0)
		return error;
	if ((file_flags(fp) & FWRITE) == 0)
		error = EBADF;
	else if ((how & (FDATASYNC | FFILESYNC)) == 0 ||
	    (how & (FDATASYNC | FFILESYNC)) == (FDATASYNC | FFILESYNC))
		error = EINVAL;
	else if (len != 0 && (__builtin_add_overflow(start, len, &end) ||
	    end < start))
		error = EINVAL;
	else {
		flags = FSYNC_WAIT |
		    ((how & FDATASYNC) ? FSYNC_DATAONLY : 0) |
		    ((how & FDISKSYNC) ? FSYNC_CACHE : 0);
		error = fsync_vp(vp, flags);
	}
	file_rele(fp);
	return error;
}

static int
sys_fdatasync(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_fsync_range(SARG_INT(args, 0), FDATASYNC, 0, 0);
}

static int
sys_fsync_range(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return do_fsync_range(SARG_INT(args, 0), SARG_INT(args, 1),
	    SARG_LONG(args, 2), SARG_LONG(args, 3));
}

/* --- ftruncate, posix_fallocate, fdiscard -------------------------------- */

/*
 * ftruncate needs a file open for writing (EINVAL otherwise, as
 * NetBSD), not write permission now: the open checked that.  The
 * mount and the file's flags may still refuse (EROFS, EPERM); devices
 * and fifos have no size to change.
 */
static int
sys_ftruncate(struct lwp *l, const void *args, register_t *retval)
{
	int64_t length = SARG_LONG(args, 2);
	struct file *fp;
	struct vnode *vp;
	struct vattr va;
	int error;

	(void)l;
	(void)retval;
	if (length < 0)
		return EINVAL;
	if ((error = sys_getvnode(SARG_INT(args, 0), &fp, &vp)) != 0)
		return error;
	if ((file_flags(fp) & FWRITE) == 0) {
		file_rele(fp);
		return EINVAL;
	}
	vattr_null(&va);
	va.va_size = length;
	vn_lock(vp, RW_WRITER);
	error = vn_setattr_checked(vp, &va, fp->f_cred);
	vn_unlock(vp);
	file_rele(fp);
	return error;
}

/*
 * The checks posix_fallocate and fdiscard share.  Neither of our file
 * systems can preallocate or punch holes, which NetBSD's tmpfs
 * answers with EOPNOTSUPP.
 */
static int
space_check(const void *args)
{
	int64_t pos = SARG_LONG(args, 2), len = SARG_LONG(args, 3);
	struct file *fp;
	struct vnode *vp;
	int error;

	if (pos < 0 || len < 0 || len > INT64_MAX - pos)
		return EINVAL;
	if ((error = sys_getvnode(SARG_INT(args, 0), &fp, &vp)) != 0)
		return error;
	if ((file_flags(fp) & FWRITE) == 0)
		error = EBADF;
	else if (vp->v_type == VDIR)
		error = EISDIR;
	else
		error = EOPNOTSUPP;
	file_rele(fp);
	return error;
}

/* posix_fallocate returns its error as the call's value (POSIX), so
 * NetBSD puts it in retval and the call itself succeeds. */
static int
sys_posix_fallocate(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	*retval = space_check(args);
	return 0;
}

static int
sys_fdiscard(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	(void)retval;
	return space_check(args);
}

/* --- registration ----------------------------------------------------------- */

const struct syscall_reg vfs_sys_files[] = {
	{ 95, sys_fsync, 1 },
	{ 173, sys_pread, 5 },
	{ 174, sys_pwrite, 5 },
	{ 199, sys_lseek, 4 },
	{ 201, sys_ftruncate, 3 },
	{ 241, sys_fdatasync, 1 },
	{ 289, sys_preadv, 5 },
	{ 290, sys_pwritev, 5 },
	{ 354, sys_fsync_range, 4 },
	{ 390, sys_getdents, 3 },
	{ 479, sys_posix_fallocate, 4 },
	{ 480, sys_fdiscard, 4 },
};
const size_t vfs_sys_files_n = sizeof(vfs_sys_files) /
    sizeof(vfs_sys_files[0]);
