/*
 * vnops.c: open files on vnodes.
 *
 * An open vnode is a struct file (kern/file.c) with f_ops = &vnops and
 * f_data = the vnode, on which the file holds one reference.  The
 * operations route by vnode type:
 *   VREG, VDIR, VLNK        the file system's vnode operations, under
 *                           the vnode lock (shared to read, exclusive
 *                           to write)
 *   VCHR                    the driver in the device switch (dev.c),
 *                           no vnode lock
 *   VBLK                    the buffer cache in front of the block
 *                           driver (bdev.c), no vnode lock
 *   VFIFO                   the pipe (fifo.c), no vnode lock; such a
 *                           file is FNOIOLOCK, as its I/O may sleep
 *                           for ever and has no offset
 *
 * Offsets: fo_read/fo_write use and advance *off, which the caller
 * guards (f_offset under f_iolock, or a local for pread/pwrite).
 * fo_seek moves f_offset; the caller holds f_iolock.  Other readers of
 * f_offset here (FIONREAD) take f_iolock themselves.
 *
 * Advisory locks (lockf.c): POSIX locks are owned by the process,
 * flock locks by this open file.  When the file closes for the last
 * time its flock locks go; when a process closes any descriptor of
 * the vnode its POSIX locks go (F_CLOSEPOSIX from fd_close).
 *
 * Also here: vn_stat, and the small helpers file systems share
 * (vattr_null, vfs_dirent_put, vtype_to_dt, vtype_to_ifmt).
 */
#include "vfs/vfs.h"

/* The status flags an open file keeps (NetBSD's FMASK). */
#define VN_FMASK	(FREAD | FWRITE | FCNTLFLAGS)

static int
vn_getsize(struct vnode *vp, off_t *sizep)
{
	struct vattr va;
	int error;

	vn_lock(vp, RW_READER);
	error = vp->v_op->vop_getattr(vp, &va);
	vn_unlock(vp);
	if (error == 0)
		*sizep = va.va_size;
	return error;
}

static bool
vn_nodev(struct vnode *vp)
{
	return vp->v_mount != NULL &&
	    (vp->v_mount->mnt_flag & RUMP_MNT_NODEV) != 0;
}

/* The driver of a device vnode, or NULL. */
static const struct cdevsw *
vn_cdev(struct vnode *vp)
{
	return cdevsw_lookup(vp->v_rdev);
}

/* --- read and write ---------------------------------------------------------- */

static int
vn_ioflag_read(int fflag)
{
	return (fflag & (RUMP_O_SYNC | RUMP_O_RSYNC)) ==
	    (RUMP_O_SYNC | RUMP_O_RSYNC) ? IO_SYNC : 0;
}

static int
vn_ioflag_write(struct vnode *vp, int fflag)
{
	int ioflag = 0;

	if (vp->v_type == VREG && (fflag & RUMP_O_APPEND))
		ioflag |= IO_APPEND;
	if ((fflag & RUMP_O_SYNC) || (vp->v_mount != NULL &&
	    (vp->v_mount->mnt_flag & RUMP_MNT_SYNCHRONOUS)))
		ioflag |= IO_SYNC;
	else if (fflag & RUMP_O_DSYNC)
		ioflag |= IO_DSYNC;
	return ioflag;
}

static int
vn_fo_read(struct file *fp, off_t *off, struct uio *uio, kauth_cred_t cred,
    int flags)
{
	struct vnode *vp = fp->f_data;
	const struct cdevsw *sw;
	size_t count = uio->uio_resid;
	int error;

	(void)cred;
	(void)flags;
	switch (vp->v_type) {
	case VDIR:
		return EISDIR;
	case VFIFO:
		return fifo_read(vp, uio, fp->f_flag);
	case VSOCK:
		return EOPNOTSUPP;
	case VCHR:
		if ((sw = vn_cdev(vp)) == NULL || sw->d_read == NULL)
			return ENXIO;
		uio->uio_offset = *off;
		error = sw->d_read(vp->v_rdev, uio, vn_ioflag_read(fp->f_flag));
		*off += (off_t)(count - uio->uio_resid);
		return error;
	case VBLK:
		uio->uio_offset = *off;
		error = bdev_read(vp->v_rdev, uio, vn_ioflag_read(fp->f_flag));
		*off += (off_t)(count - uio->uio_resid);
		return error;
	default:
		vn_lock(vp, RW_READER);
		uio->uio_offset = *off;
		error = vp->v_op->vop_read(vp, uio, vn_ioflag_read(fp->f_flag));
		*off += (off_t)(count - uio->uio_resid);
		vn_unlock(vp);
		return error;
	}
}

/* RLIMIT_FSIZE: a regular file may not grow past the process's limit. */
static int
vn_fsizelimit(struct vnode *vp, const struct uio *uio, int ioflag)
{
	struct proc *p = curproc;
	struct vattr va;
	uint64_t lim;
	off_t at = uio->uio_offset;

	if (vp->v_type != VREG || uio->uio_resid == 0)
		return 0;
	mutex_enter(&p->p_lock);
	lim = p->p_rlimit[RUMP_RLIMIT_FSIZE].rlim_cur;
	mutex_exit(&p->p_lock);
	if (lim >= (uint64_t)INT64_MAX)
		return 0;
	if (ioflag & IO_APPEND) {
		if (vp->v_op->vop_getattr(vp, &va) != 0)
			return 0;
		at = va.va_size;
	}
	if (at < 0 || (uint64_t)at + uio->uio_resid > lim)
		return EFBIG;
	return 0;
}

static int
vn_fo_write(struct file *fp, off_t *off, struct uio *uio, kauth_cred_t cred,
    int flags)
{
	struct vnode *vp = fp->f_data;
	const struct cdevsw *sw;
	size_t count = uio->uio_resid;
	int error, ioflag;

	(void)cred;
	(void)flags;
	switch (vp->v_type) {
	case VDIR:
		return EISDIR;
	case VFIFO:
		return fifo_write(vp, uio, fp->f_flag);
	case VSOCK:
		return EOPNOTSUPP;
	case VCHR:
		if ((sw = vn_cdev(vp)) == NULL || sw->d_write == NULL)
			return ENXIO;
		uio->uio_offset = *off;
		error = sw->d_write(vp->v_rdev, uio,
		    vn_ioflag_write(vp, fp->f_flag));
		*off += (off_t)(count - uio->uio_resid);
		return error;
	case VBLK:
		uio->uio_offset = *off;
		error = bdev_write(vp->v_rdev, uio,
		    vn_ioflag_write(vp, fp->f_flag));
		*off += (off_t)(count - uio->uio_resid);
		return error;
	default:
		break;
	}
	ioflag = vn_ioflag_write(vp, fp->f_flag);
	vn_lock(vp, RW_WRITER);
	uio->uio_offset = *off;
	if ((error = vn_fsizelimit(vp, uio, ioflag)) == 0)
		error = vp->v_op->vop_write(vp, uio, ioflag);
	if ((ioflag & IO_APPEND) && count > 0) {
		/* the file system wrote at the end and left uio there */
		if (uio->uio_resid != count)
			*off = uio->uio_offset;
	} else
		*off += (off_t)(count - uio->uio_resid);
	vn_unlock(vp);
	return error;
}

/* --- control ------------------------------------------------------------------- */

static int
vn_fo_ioctl(struct file *fp, unsigned long cmd, void *data)
{
	struct vnode *vp = fp->f_data;
	const struct cdevsw *sw;
	struct vattr va;
	off_t off;
	int error;

	/* status flags are the kernel's business; nothing to tell here */
	if (cmd == RUMP_FIONBIO || cmd == RUMP_FIOASYNC)
		return 0;
	switch (vp->v_type) {
	case VREG:
	case VDIR:
		switch (cmd) {
		case RUMP_FIONREAD:
			vn_lock(vp, RW_READER);
			error = vp->v_op->vop_getattr(vp, &va);
			vn_unlock(vp);
			if (error != 0)
				return error;
			mutex_enter(&fp->f_iolock);
			off = fp->f_offset;
			mutex_exit(&fp->f_iolock);
			*(int *)data = (int)(va.va_size - off);
			return 0;
		case RUMP_FIONWRITE:
		case RUMP_FIONSPACE:
			*(int *)data = 0;	/* files have no send queue */
			return 0;
		default:
			return ENOTTY;
		}
	case VFIFO:
		return fifo_ioctl(vp, cmd, data, fp->f_flag);
	case VCHR:
		if ((sw = vn_cdev(vp)) == NULL)
			return ENXIO;
		if (sw->d_ioctl == NULL)
			return ENOTTY;
		return sw->d_ioctl(vp->v_rdev, cmd, data, fp->f_flag);
	case VBLK:
		return bdev_ioctl(vp->v_rdev, cmd, data, fp->f_flag);
	default:
		return ENOTTY;
	}
}

/* Only F_SETFL reaches a vnode, and it has nothing to refuse. */
static int
vn_fo_fcntl(struct file *fp, int cmd, void *arg)
{
	(void)fp;
	(void)arg;
	return cmd == RUMP_F_SETFL ? 0 : EOPNOTSUPP;
}

static int
vn_fo_poll(struct file *fp, int events)
{
	struct vnode *vp = fp->f_data;
	const struct cdevsw *sw;

	switch (vp->v_type) {
	case VFIFO:
		return fifo_poll(vp, events);
	case VCHR:
		if ((sw = vn_cdev(vp)) != NULL && sw->d_poll != NULL)
			return sw->d_poll(vp->v_rdev, events);
		return RUMP_POLLERR;
	default:
		/* a file is always ready */
		return events & (RUMP_POLLIN | RUMP_POLLOUT | RUMP_POLLRDNORM |
		    RUMP_POLLWRNORM);
	}
}

static int
vn_fo_stat(struct file *fp, struct rump_stat *st)
{
	return vn_stat(fp->f_data, st);
}

/* Undo what opening did: the driver or pipe, the write count. */
static int
vn_unopen(struct vnode *vp, int fflag)
{
	const struct cdevsw *sw;
	int error = 0;

	if (vp->v_type == VCHR && (sw = vn_cdev(vp)) != NULL &&
	    sw->d_close != NULL)
		error = sw->d_close(vp->v_rdev, fflag);
	else if (vp->v_type == VBLK)
		error = bdev_close(vp->v_rdev, fflag);
	else if (vp->v_type == VFIFO)
		fifo_close(vp, fflag);
	if (fflag & FWRITE) {
		mutex_enter(&vp->v_interlock);
		KASSERT(vp->v_writecount > 0);
		vp->v_writecount--;
		mutex_exit(&vp->v_interlock);
	}
	return error;
}

static int
vn_fo_close(struct file *fp)
{
	struct vnode *vp = fp->f_data;
	int error;

	error = vn_unopen(vp, fp->f_flag);
	lf_releaseall(vp, fp);		/* this file's flock locks */
	vrele(vp);
	return error;
}

static int
vn_fo_seek(struct file *fp, off_t delta, int whence, off_t *newoff)
{
	struct vnode *vp = fp->f_data;
	off_t base, off;
	int error;

	if (vp->v_type == VFIFO || vp->v_type == VSOCK)
		return ESPIPE;
	switch (whence) {
	case RUMP_SEEK_SET:
		base = 0;
		break;
	case RUMP_SEEK_CUR:
		base = fp->f_offset;
		break;
	case RUMP_SEEK_END:
		if ((error = vn_getsize(vp, &base)) != 0)
			return error;
		break;
	default:
		return EINVAL;
	}
	if (__builtin_add_overflow(base, delta, &off) || off < 0)
		return EINVAL;
	fp->f_offset = off;
	*newoff = off;
	return 0;
}

/*
 * fcntl F_GETLK/F_SETLK/F_SETLKW: check the request against the file.
 * As on NetBSD the caller resolves l_whence SEEK_CUR by adding the
 * file offset to l_start; lockf then takes the start as absolute.
 */
static int
vn_advlock_posix(struct file *fp, int op, struct rump_flock *fl)
{
	struct vnode *vp = fp->f_data;
	struct rump_flock lfl = *fl;
	off_t size = 0;
	int error;

	if (op == RUMP_F_SETLK || op == RUMP_F_SETLKW) {
		if (fl->l_type == RUMP_F_RDLCK && (fp->f_flag & FREAD) == 0)
			return EBADF;
		if (fl->l_type == RUMP_F_WRLCK && (fp->f_flag & FWRITE) == 0)
			return EBADF;
	}
	/* SEEK_CUR: the caller added the offset (and keeps l_whence) */
	if (lfl.l_whence == RUMP_SEEK_END &&
	    (error = vn_getsize(vp, &size)) != 0)
		return error;
	error = lf_advlock(vp, curproc, op, &lfl, size);
	if (error == 0 && op == RUMP_F_GETLK) {
		if (lfl.l_type == RUMP_F_UNLCK)
			fl->l_type = RUMP_F_UNLCK;
		else
			*fl = lfl;
	}
	return error;
}

static int
vn_fo_advlock(struct file *fp, int op, struct rump_flock *fl)
{
	struct vnode *vp = fp->f_data;

	/* fifos and sockets take no locks, as NetBSD's fifofs */
	if (vp->v_type == VFIFO || vp->v_type == VSOCK)
		return op == F_CLOSEPOSIX ? 0 : EINVAL;
	if (op == F_CLOSEPOSIX) {
		lf_releaseall(vp, curproc);
		return 0;
	}
	if (op & F_FLOCK)
		return lf_advlock(vp, fp, op, NULL, 0);
	if (fl == NULL)
		return EINVAL;
	return vn_advlock_posix(fp, op, fl);
}

/* fpathconf(2): the file system answers, as for pathconf(2). */
static int
vn_fo_pathconf(struct file *fp, int name, register_t *retval)
{
	struct vnode *vp = fp->f_data;
	int error;

	vn_lock(vp, RW_READER);
	if (vp->v_op->vop_pathconf == NULL)
		error = EOPNOTSUPP;
	else
		error = vp->v_op->vop_pathconf(vp, name, retval);
	vn_unlock(vp);
	return error;
}

const struct fileops vnops = {
	.fo_read = vn_fo_read,
	.fo_write = vn_fo_write,
	.fo_ioctl = vn_fo_ioctl,
	.fo_fcntl = vn_fo_fcntl,
	.fo_poll = vn_fo_poll,
	.fo_stat = vn_fo_stat,
	.fo_close = vn_fo_close,
	.fo_seek = vn_fo_seek,
	.fo_advlock = vn_fo_advlock,
	.fo_pathconf = vn_fo_pathconf,
};

/* --- opening ----------------------------------------------------------------- */

/* The open(2) side of a device or fifo. */
static int
vn_open_special(struct vnode *vp, int fflags)
{
	const struct cdevsw *sw;

	switch (vp->v_type) {
	case VCHR:
		if (vn_nodev(vp) || (sw = vn_cdev(vp)) == NULL)
			return ENXIO;
		return sw->d_open != NULL ? sw->d_open(vp->v_rdev, fflags) : 0;
	case VBLK:
		return vn_nodev(vp) ? ENXIO : bdev_open(vp->v_rdev, fflags);
	case VFIFO:
		return fifo_open(vp, fflags);
	case VSOCK:
		return EOPNOTSUPP;
	default:
		return 0;
	}
}

/* O_SHLOCK / O_EXLOCK: an flock lock taken as part of open. */
static int
vn_open_flock(struct file *fp, int fflags)
{
	int how;

	if ((fflags & (RUMP_O_SHLOCK | RUMP_O_EXLOCK)) == 0)
		return 0;
	how = (fflags & RUMP_O_EXLOCK) ? RUMP_LOCK_EX : RUMP_LOCK_SH;
	if (fflags & RUMP_O_NONBLOCK)
		how |= RUMP_LOCK_NB;
	return vn_fo_advlock(fp, F_FLOCK | how, NULL);
}

int
vn_open_file(struct vnode *vp, int fflags, struct file **fpp)
{
	struct file *fp;
	int error, fflag = fflags & VN_FMASK;

	if ((error = vn_open_special(vp, fflags)) != 0)
		return error;
	if (fflag & FWRITE) {
		mutex_enter(&vp->v_interlock);
		vp->v_writecount++;
		mutex_exit(&vp->v_interlock);
	}
	if (vp->v_type == VFIFO)
		fflag |= FNOIOLOCK;
	if ((error = file_alloc(&vnops, DTYPE_VNODE, fflag, vp, &fp)) != 0) {
		(void)vn_unopen(vp, fflag);
		return error;
	}
	if ((error = vn_open_flock(fp, fflags)) != 0) {
		/* closing the file drops a reference the caller keeps */
		vref(vp);
		(void)file_rele(fp);
		return error;
	}
	*fpp = fp;
	return 0;
}

/* --- attributes ---------------------------------------------------------------- */

int
vn_stat(struct vnode *vp, struct rump_stat *st)
{
	struct vattr va;
	int error;

	vattr_null(&va);
	vn_lock(vp, RW_READER);
	error = vp->v_op->vop_getattr(vp, &va);
	vn_unlock(vp);
	if (error != 0)
		return error;
	if (vtype_to_ifmt(vp->v_type) == 0)
		return EBADF;
	memset(st, 0, sizeof(*st));
	st->st_dev = va.va_fsid;
	st->st_mode = vtype_to_ifmt(vp->v_type) | (va.va_mode & 07777);
	st->st_ino = va.va_fileid;
	st->st_nlink = va.va_nlink;
	st->st_uid = va.va_uid;
	st->st_gid = va.va_gid;
	st->st_rdev = va.va_rdev;
	st->st_atim = va.va_atime;
	st->st_mtim = va.va_mtime;
	st->st_ctim = va.va_ctime;
	st->st_birthtim = va.va_birthtime;
	st->st_size = va.va_size;
	st->st_blocks = va.va_bytes > 0 ? howmany(va.va_bytes, 512) : 0;
	st->st_blksize = (int32_t)va.va_blocksize;
	st->st_flags = (uint32_t)va.va_flags;
	st->st_gen = 0;		/* NetBSD shows no generation numbers */
	return 0;
}

void
vfs_timestamp(struct rump_timespec *ts)
{
	nanotime(ts);
}

void
vattr_null(struct vattr *va)
{
	memset(va, 0, sizeof(*va));
	va->va_type = VNON;
	va->va_mode = (mode_t)VNOVAL;
	va->va_nlink = (uint32_t)VNOVAL;
	va->va_uid = (uid_t)VNOVAL;
	va->va_gid = (gid_t)VNOVAL;
	va->va_fsid = (uint64_t)VNOVAL;
	va->va_fileid = (uint64_t)VNOVAL;
	va->va_size = VNOVAL;
	va->va_blocksize = VNOVAL;
	va->va_atime.tv_sec = va->va_atime.tv_nsec = VNOVAL;
	va->va_mtime.tv_sec = va->va_mtime.tv_nsec = VNOVAL;
	va->va_ctime.tv_sec = va->va_ctime.tv_nsec = VNOVAL;
	va->va_birthtime.tv_sec = va->va_birthtime.tv_nsec = VNOVAL;
	va->va_gen = (uint64_t)VNOVAL;
	va->va_flags = (uint64_t)VNOVAL;
	va->va_rdev = (uint64_t)VNOVAL;
	va->va_bytes = VNOVAL;
	va->va_vaflags = 0;
}

/* --- directory entries ----------------------------------------------------- */

int
vfs_dirent_put(struct uio *uio, uint64_t fileno, const char *name,
    size_t namlen, int dtype)
{
	struct rump_dirent d;
	size_t reclen;

	if (namlen > MAXNAMLEN)
		return ENAMETOOLONG;
	reclen = RUMP_DIRENT_RECLEN(namlen);
	if (reclen > uio->uio_resid)
		return VFS_DIRENT_FULL;
	memset(&d, 0, reclen);
	d.d_fileno = fileno;
	d.d_reclen = (uint16_t)reclen;
	d.d_namlen = (uint16_t)namlen;
	d.d_type = (uint8_t)dtype;
	memcpy(d.d_name, name, namlen);
	return uiomove(&d, reclen, uio);
}

int
vtype_to_dt(enum vtype t)
{
	switch (t) {
	case VREG:	return RUMP_DT_REG;
	case VDIR:	return RUMP_DT_DIR;
	case VBLK:	return RUMP_DT_BLK;
	case VCHR:	return RUMP_DT_CHR;
	case VLNK:	return RUMP_DT_LNK;
	case VSOCK:	return RUMP_DT_SOCK;
	case VFIFO:	return RUMP_DT_FIFO;
	default:	return RUMP_DT_UNKNOWN;
	}
}

uint32_t
vtype_to_ifmt(enum vtype t)
{
	switch (t) {
	case VREG:	return RUMP_S_IFREG;
	case VDIR:	return RUMP_S_IFDIR;
	case VBLK:	return RUMP_S_IFBLK;
	case VCHR:	return RUMP_S_IFCHR;
	case VLNK:	return RUMP_S_IFLNK;
	case VSOCK:	return RUMP_S_IFSOCK;
	case VFIFO:	return RUMP_S_IFIFO;
	default:	return 0;
	}
}
