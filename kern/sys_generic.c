/*
 * sys_generic.c: I/O on any open file: read, write, readv, writev,
 * ioctl.
 *
 * Every transfer becomes a uio over the caller's memory and goes to
 * the file's fo_read/fo_write with &fp->f_offset and
 * FOF_UPDATE_OFFSET.  For a vnode (unless it set FNOIOLOCK) the call
 * runs under fp->f_iolock, so transfers through one open file see a
 * serial order of offsets; pipes and other streams ignore the offset
 * and are not serialised here.
 *
 * A transfer that moved some bytes and was then interrupted or would
 * block reports the bytes moved, as NetBSD does.
 */
#include "kern/sys_kern.h"

#define UIO_SMALLIOV	8
#define IOCPARM_MAX	RUMP_IOCPARM_MAX

_Static_assert(sizeof(struct iovec_k) == sizeof(struct rump_iovec),
    "kernel and user iovecs share a layout");

int
file_ioctl(struct file *fp, unsigned long cmd, void *data)
{
	int error;

	if (fp->f_ops->fo_ioctl == NULL)
		return ENOTTY;
	error = fp->f_ops->fo_ioctl(fp, cmd, data);
	return error == EPASSTHROUGH ? ENOTTY : error;
}

int
file_flagioctl(struct file *fp, unsigned long cmd, int on)
{
	int error;

	if (fp->f_ops->fo_ioctl == NULL)
		return 0;
	error = fp->f_ops->fo_ioctl(fp, cmd, &on);
	return error == EPASSTHROUGH || error == ENOTTY ? 0 : error;
}

/* Run one transfer on fp; retval[0] = bytes moved. */
static int
dofileio(struct file *fp, struct uio *uio, register_t *retval)
{
	size_t cnt = uio->uio_resid;
	bool serial = fp->f_type == DTYPE_VNODE &&
	    !(file_getflags(fp) & FNOIOLOCK);
	int error;

	if (serial)
		mutex_enter(&fp->f_iolock);
	if (uio->uio_rw == UIO_READ)
		error = fp->f_ops->fo_read == NULL ? EOPNOTSUPP :
		    fp->f_ops->fo_read(fp, &fp->f_offset, uio, fp->f_cred,
		    FOF_UPDATE_OFFSET);
	else
		error = fp->f_ops->fo_write == NULL ? EOPNOTSUPP :
		    fp->f_ops->fo_write(fp, &fp->f_offset, uio, fp->f_cred,
		    FOF_UPDATE_OFFSET);
	if (serial)
		mutex_exit(&fp->f_iolock);
	if (error != 0 && uio->uio_resid != cnt && (error == ERESTART ||
	    error == EINTR || error == EWOULDBLOCK))
		error = 0;
	/* NetBSD: a write to a broken pipe also posts SIGPIPE, unless the
	 * file was opened O_NOSIGPIPE (a remote client gets a RAISE). */
	if (error == EPIPE && uio->uio_rw == UIO_WRITE &&
	    !(file_getflags(fp) & RUMP_O_NOSIGPIPE))
		proc_raise(curproc, 13);	/* SIGPIPE */
	retval[0] = (register_t)(cnt - uio->uio_resid);
	return error;
}

/* Get fd for reading (FREAD) or writing (FWRITE); NULL means EBADF. */
static struct file *
getfile_for(int fd, int need)
{
	struct file *fp;

	if ((fp = fd_getfile(fd)) == NULL)
		return NULL;
	if ((file_getflags(fp) & need) == 0) {
		file_rele(fp);
		return NULL;
	}
	return fp;
}

static int
dorw(int fd, void *buf, size_t nbyte, enum uio_rw rw, register_t *retval)
{
	struct iovec_k iov = { buf, nbyte };
	struct uio uio;
	struct file *fp;
	int error;

	if ((fp = getfile_for(fd, rw == UIO_READ ? FREAD : FWRITE)) == NULL)
		return EBADF;
	if (nbyte > SSIZE_MAX) {
		file_rele(fp);
		return EINVAL;
	}
	uio.uio_iov = &iov;
	uio.uio_iovcnt = 1;
	uio.uio_offset = 0;
	uio.uio_resid = nbyte;
	uio.uio_rw = rw;
	uio.uio_seg = UIO_USERSPACE;
	error = dofileio(fp, &uio, retval);
	file_rele(fp);
	return error;
}

int
sys_read(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	return dorw(SARG_INT(args, 0), SARG_PTR(args, 1), SARG(args, 2),
	    UIO_READ, retval);
}

int
sys_write(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	return dorw(SARG_INT(args, 0), SARG_PTR(args, 1), SARG(args, 2),
	    UIO_WRITE, retval);
}

/*
 * readv/writev.  NetBSD's order: iovcnt 0 is EINVAL before the
 * descriptor is looked at; then EBADF; then iovcnt beyond IOV_MAX
 * (negative counts included); then the array is copied in and each
 * length and the total must fit in ssize_t.
 */
static int
dorwv(int fd, const void *uiov, int iovcnt, enum uio_rw rw,
    register_t *retval)
{
	struct iovec_k small[UIO_SMALLIOV], *iov = small;
	size_t len = 0, total = 0;
	struct uio uio;
	struct file *fp;
	int i, error;

	if (iovcnt == 0)
		return EINVAL;
	if ((fp = getfile_for(fd, rw == UIO_READ ? FREAD : FWRITE)) == NULL)
		return EBADF;
	if ((unsigned)iovcnt > IOV_MAX) {
		error = EINVAL;
		goto out;
	}
	len = (size_t)iovcnt * sizeof(*iov);
	if (iovcnt > UIO_SMALLIOV) {
		struct iovec_k *big = kmem_alloc(len, KM_SLEEP);

		if (big == NULL) {
			error = ENOMEM;
			goto out;
		}
		iov = big;
	}
	if ((error = copyin(uiov, iov, len)) != 0)
		goto out;
	for (i = 0; i < iovcnt; i++) {
		total += iov[i].iov_len;
		if (iov[i].iov_len > SSIZE_MAX || total > SSIZE_MAX) {
			error = EINVAL;
			goto out;
		}
	}
	uio.uio_iov = iov;
	uio.uio_iovcnt = iovcnt;
	uio.uio_offset = 0;
	uio.uio_resid = total;
	uio.uio_rw = rw;
	uio.uio_seg = UIO_USERSPACE;
	error = dofileio(fp, &uio, retval);
out:
	if (iov != small)
		kmem_free(iov, len);
	file_rele(fp);
	return error;
}

int
sys_readv(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	return dorwv(SARG_INT(args, 0), SARG_PTR(args, 1), SARG_INT(args, 2),
	    UIO_READ, retval);
}

int
sys_writev(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	return dorwv(SARG_INT(args, 0), SARG_PTR(args, 1), SARG_INT(args, 2),
	    UIO_WRITE, retval);
}

/* FIONBIO and FIOASYNC: the descriptor's flag, then the file. */
static int
ioctl_setflag(struct file *fp, unsigned long com, int flag, int on)
{
	mutex_enter(&fp->f_lock);
	if (on)
		fp->f_flag |= flag;
	else
		fp->f_flag &= ~flag;
	mutex_exit(&fp->f_lock);
	return file_flagioctl(fp, com, on);
}

/*
 * ioctl(fd, com, data).  The command says how many bytes of argument
 * there are and which way they go (sys/ioccom.h); the kernel copies
 * them in before and out after, so files see kernel memory only.
 * Commands without a size in their encoding ("UNIX-style") get the
 * user's pointer as it is.
 */
int
sys_ioctl(struct lwp *l, const void *args, register_t *retval)
{
	int fd = SARG_INT(args, 0), error = 0;
	unsigned long com = (unsigned long)SARG(args, 1);
	void *udata = SARG_PTR(args, 2), *data, *mem = NULL;
	uint64_t stkbuf[16];
	size_t size = RUMP_IOCPARM_LEN(com);
	struct file *fp;

	(void)l; (void)retval;
	if ((fp = getfile_for(fd, FREAD | FWRITE)) == NULL)
		return EBADF;
	if (com == RUMP_FIOCLEX || com == RUMP_FIONCLEX) {
		error = fd_setcloexec(fd, com == RUMP_FIOCLEX);
		goto out;
	}
	if (size > IOCPARM_MAX) {
		error = ENOTTY;
		goto out;
	}
	data = stkbuf;
	if ((com >> RUMP_IOCPARM_SHIFT) == 0)
		data = udata;
	else {
		if (size > sizeof(stkbuf)) {
			if ((mem = kmem_alloc(size, KM_SLEEP)) == NULL) {
				error = ENOMEM;
				goto out;
			}
			data = mem;
		}
		if (com & RUMP_IOC_IN) {
			if (size != 0 && (error = copyin(udata, data,
			    size)) != 0)
				goto out;
			if (size == 0)
				*(void **)data = udata;
		} else if ((com & RUMP_IOC_OUT) && size != 0)
			memset(data, 0, size);
		else if (com & RUMP_IOC_VOID)
			*(void **)data = udata;
	}
	switch (com) {
	case RUMP_FIONBIO:
		error = ioctl_setflag(fp, com, RUMP_O_NONBLOCK,
		    *(int *)data != 0);
		break;
	case RUMP_FIOASYNC:
		error = ioctl_setflag(fp, com, RUMP_O_ASYNC,
		    *(int *)data != 0);
		break;
	default:
		error = file_ioctl(fp, com, data);
		if (error == 0 && (com & RUMP_IOC_OUT) && size != 0)
			error = copyout(data, udata, size);
		break;
	}
out:
	if (mem != NULL)
		kmem_free(mem, size);
	file_rele(fp);
	return error;
}
