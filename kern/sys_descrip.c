/*
 * sys_descrip.c: system calls on descriptors as such: close, dup,
 * dup2, dup3, fcntl, flock, fstat, fpathconf, posix_fadvise.
 *
 * The table itself (slots, close-on-exec bits, growth, the
 * RLIMIT_NOFILE ceiling) is kern/file.c's; this file adds NetBSD's
 * rules on top.  Locks: fd_lock for walks over the table (F_CLOSEM,
 * F_MAXFD), f_lock for f_flag, f_iolock for reading f_offset.  File
 * operations are called with none of them held.
 */
#include "kern/sys_kern.h"

int
file_getflags(struct file *fp)
{
	int flag;

	mutex_enter(&fp->f_lock);
	flag = fp->f_flag;
	mutex_exit(&fp->f_lock);
	return flag;
}

/* The offset SEEK_CUR is relative to, read as read/write update it. */
static off_t
file_getoffset(struct file *fp)
{
	off_t off;

	if (fp->f_type != DTYPE_VNODE || (file_getflags(fp) & FNOIOLOCK))
		return 0;
	mutex_enter(&fp->f_iolock);
	off = fp->f_offset;
	mutex_exit(&fp->f_iolock);
	return off;
}

/* Highest descriptor in use, or -1. */
static int
fd_lastfile(struct filedesc *fdt)
{
	int i;

	mutex_enter(&fdt->fd_lock);
	for (i = fdt->fd_nfiles - 1; i >= 0; i--)
		if (fdt->fd_ofiles[i].ff_file != NULL)
			break;
	mutex_exit(&fdt->fd_lock);
	return i;
}

int
sys_close(struct lwp *l, const void *args, register_t *retval)
{
	(void)l; (void)retval;
	return fd_close(SARG_INT(args, 0));
}

int
sys_dup(struct lwp *l, const void *args, register_t *retval)
{
	struct file *fp;
	int error, newfd = -1;

	if ((fp = fd_getfile(SARG_INT(args, 0))) == NULL)
		return EBADF;
	error = fd_install(l->l_proc, fp, 0, false, &newfd);
	file_rele(fp);
	retval[0] = newfd;
	return error;
}

/*
 * dup2 and dup3.  NetBSD order: a bad source is EBADF, a target out
 * of range EBADF, from == to succeeds doing nothing (even for dup3),
 * and only then are dup3's flags checked.
 */
static int
dodup(struct lwp *l, int from, int to, int flags, register_t *retval)
{
	struct file *fp;
	int error;

	if ((fp = fd_getfile(from)) == NULL)
		return EBADF;
	if ((unsigned)to >= (unsigned)fd_maxfiles(l->l_proc))
		error = EBADF;
	else if (from == to)
		error = 0;
	else if (flags & ~(RUMP_O_CLOEXEC | RUMP_O_NONBLOCK))
		error = EINVAL;
	else if ((error = fd_dup2(fp, to,
	    (flags & RUMP_O_CLOEXEC) != 0)) == 0 &&
	    (flags & RUMP_O_NONBLOCK)) {
		mutex_enter(&fp->f_lock);
		fp->f_flag |= RUMP_O_NONBLOCK;
		mutex_exit(&fp->f_lock);
	}
	file_rele(fp);
	retval[0] = to;
	return error;
}

int
sys_dup2(struct lwp *l, const void *args, register_t *retval)
{
	return dodup(l, SARG_INT(args, 0), SARG_INT(args, 1), 0, retval);
}

int
sys_dup3(struct lwp *l, const void *args, register_t *retval)
{
	return dodup(l, SARG_INT(args, 0), SARG_INT(args, 1),
	    SARG_INT(args, 2), retval);
}

/* fcntl(F_SETFL): NetBSD's FFLAGS conversion, then tell the file. */
static int
fcntl_setfl(struct file *fp, int arg)
{
	int want = FFLAGS(arg) & FCNTLFLAGS, changed, error;

	if (fp->f_ops->fo_fcntl != NULL &&
	    (error = fp->f_ops->fo_fcntl(fp, RUMP_F_SETFL, &want)) != 0)
		return error;
	changed = want ^ file_getflags(fp);
	if ((changed & RUMP_O_NONBLOCK) && (error = file_flagioctl(fp,
	    RUMP_FIONBIO, (want & RUMP_O_NONBLOCK) != 0)) != 0)
		return error;
	if ((changed & RUMP_O_ASYNC) && (error = file_flagioctl(fp,
	    RUMP_FIOASYNC, (want & RUMP_O_ASYNC) != 0)) != 0) {
		if (changed & RUMP_O_NONBLOCK)
			(void)file_flagioctl(fp, RUMP_FIONBIO,
			    (want & RUMP_O_NONBLOCK) == 0);
		return error;
	}
	mutex_enter(&fp->f_lock);
	fp->f_flag = (fp->f_flag & ~FCNTLFLAGS) | want;
	mutex_exit(&fp->f_lock);
	return 0;
}

/* F_CLOSEM: close every descriptor >= fd. */
static int
fcntl_closem(struct proc *p, int fd)
{
	int last;

	if (fd < 0)
		return EBADF;
	while ((last = fd_lastfile(p->p_fd)) >= fd)
		(void)fd_close(last);
	return 0;
}

/* F_GETLK, F_SETLK, F_SETLKW: POSIX record locks through fo_advlock. */
static int
fcntl_lock(int fd, int cmd, void *uarg)
{
	struct rump_flock fl;
	struct file *fp;
	int error, flag;

	if ((error = copyin(uarg, &fl, sizeof(fl))) != 0)
		return error;
	if ((fp = fd_getfile(fd)) == NULL)
		return EBADF;
	if (fp->f_type != DTYPE_VNODE || fp->f_ops->fo_advlock == NULL) {
		file_rele(fp);
		return EINVAL;
	}
	if (fl.l_whence == RUMP_SEEK_CUR)
		fl.l_start += file_getoffset(fp);
	flag = file_getflags(fp);
	if (cmd == RUMP_F_GETLK) {
		if (fl.l_type != RUMP_F_RDLCK && fl.l_type != RUMP_F_WRLCK &&
		    fl.l_type != RUMP_F_UNLCK)
			error = EINVAL;
		else if ((error = fp->f_ops->fo_advlock(fp, cmd, &fl)) == 0)
			error = copyout(&fl, uarg, sizeof(fl));
	} else if (fl.l_type == RUMP_F_RDLCK && !(flag & FREAD))
		error = EBADF;
	else if (fl.l_type == RUMP_F_WRLCK && !(flag & FWRITE))
		error = EBADF;
	else if (fl.l_type == RUMP_F_UNLCK)
		error = fp->f_ops->fo_advlock(fp, RUMP_F_SETLK, &fl);
	else if (fl.l_type == RUMP_F_RDLCK || fl.l_type == RUMP_F_WRLCK)
		error = fp->f_ops->fo_advlock(fp, cmd, &fl);
	else
		error = EINVAL;
	file_rele(fp);
	return error;
}

/*
 * File-system fcntls (F_FSCTL): like ioctl, the command encodes the
 * direction and size of its argument.
 */
static int
fcntl_forfs(struct file *fp, int cmd, void *uarg)
{
	uint64_t stkbuf[16];
	size_t size = (size_t)RUMP_F_PARAM_LEN(cmd);
	void *data = stkbuf, *mem = NULL;
	int error;

	if ((file_getflags(fp) & (FREAD | FWRITE)) == 0)
		return EBADF;
	if (size > RUMP_F_PARAM_MAX)
		return EINVAL;
	if (size > sizeof(stkbuf)) {
		if ((mem = kmem_alloc(size, KM_SLEEP)) == NULL)
			return ENOMEM;
		data = mem;
	}
	error = 0;
	if (cmd & RUMP_F_FSIN) {
		if (size != 0)
			error = copyin(uarg, data, size);
		else
			*(void **)data = uarg;
	} else if ((cmd & RUMP_F_FSOUT) && size != 0)
		memset(data, 0, size);
	else if (cmd & RUMP_F_FSVOID)
		*(void **)data = uarg;
	if (error == 0)
		error = fp->f_ops->fo_fcntl != NULL ?
		    fp->f_ops->fo_fcntl(fp, cmd, data) : EOPNOTSUPP;
	if (error == 0 && (cmd & RUMP_F_FSOUT) && size != 0)
		error = copyout(data, uarg, size);
	if (mem != NULL)
		kmem_free(mem, size);
	return error;
}

/* The commands that work on an open file. */
static int
fcntl_file(struct lwp *l, int fd, struct file *fp, int cmd, uint64_t arg,
    register_t *retval)
{
	int iarg = (int)(uint32_t)arg, newfd = -1, error = 0, v;
	bool cloexec;

	switch (cmd) {
	case RUMP_F_DUPFD:
	case RUMP_F_DUPFD_CLOEXEC:
		if ((unsigned)iarg >= (unsigned)fd_maxfiles(l->l_proc))
			return EINVAL;
		error = fd_install(l->l_proc, fp, iarg,
		    cmd == RUMP_F_DUPFD_CLOEXEC, &newfd);
		retval[0] = newfd;
		return error;
	case RUMP_F_GETFD:
		if ((error = fd_getcloexec(fd, &cloexec)) == 0)
			retval[0] = cloexec ? RUMP_FD_CLOEXEC : 0;
		return error;
	case RUMP_F_SETFD:
		return fd_setcloexec(fd, (iarg & RUMP_FD_CLOEXEC) != 0);
	case RUMP_F_GETFL:
		retval[0] = OFLAGS(file_getflags(fp) & ~FNOIOLOCK);
		return 0;
	case RUMP_F_SETFL:
		return fcntl_setfl(fp, iarg);
	case RUMP_F_GETNOSIGPIPE:
		retval[0] = (file_getflags(fp) & RUMP_O_NOSIGPIPE) != 0;
		return 0;
	case RUMP_F_SETNOSIGPIPE:
		mutex_enter(&fp->f_lock);
		if (iarg != 0)
			fp->f_flag |= RUMP_O_NOSIGPIPE;
		else
			fp->f_flag &= ~RUMP_O_NOSIGPIPE;
		mutex_exit(&fp->f_lock);
		return 0;
	case RUMP_F_GETOWN:
		v = 0;
		error = file_ioctl(fp, RUMP_FIOGETOWN, &v);
		retval[0] = v;
		return error;
	case RUMP_F_SETOWN:
		return file_ioctl(fp, RUMP_FIOSETOWN, &iarg);
	default:
		return EINVAL;
	}
}

int
sys_fcntl(struct lwp *l, const void *args, register_t *retval)
{
	int fd = SARG_INT(args, 0), cmd = SARG_INT(args, 1), error;
	struct file *fp;

	switch (cmd) {
	case RUMP_F_CLOSEM:
		return fcntl_closem(l->l_proc, fd);
	case RUMP_F_MAXFD:
		retval[0] = fd_lastfile(l->l_proc->p_fd);
		return 0;
	case RUMP_F_GETLK:
	case RUMP_F_SETLK:
	case RUMP_F_SETLKW:
		return fcntl_lock(fd, cmd, SARG_PTR(args, 2));
	}
	if ((fp = fd_getfile(fd)) == NULL)
		return EBADF;
	if (cmd & RUMP_F_FSCTL)
		error = fcntl_forfs(fp, cmd, SARG_PTR(args, 2));
	else
		error = fcntl_file(l, fd, fp, cmd, SARG(args, 2), retval);
	file_rele(fp);
	return error;
}

int
sys_flock(struct lwp *l, const void *args, register_t *retval)
{
	int how = SARG_INT(args, 1), error;
	struct rump_flock fl;
	struct file *fp;

	(void)l; (void)retval;
	if ((fp = fd_getfile(SARG_INT(args, 0))) == NULL)
		return EBADF;
	memset(&fl, 0, sizeof(fl));
	fl.l_whence = RUMP_SEEK_SET;
	switch (how & ~RUMP_LOCK_NB) {
	case RUMP_LOCK_UN:
		fl.l_type = RUMP_F_UNLCK;
		break;
	case RUMP_LOCK_EX:
		fl.l_type = RUMP_F_WRLCK;
		break;
	case RUMP_LOCK_SH:
		fl.l_type = RUMP_F_RDLCK;
		break;
	default:
		fl.l_type = 0;
		break;
	}
	if (fp->f_type != DTYPE_VNODE || fp->f_ops->fo_advlock == NULL)
		error = EOPNOTSUPP;
	else if (fl.l_type == 0)
		error = EINVAL;
	else
		error = fp->f_ops->fo_advlock(fp, F_FLOCK | how, &fl);
	file_rele(fp);
	return error;
}

int
sys_fstat(struct lwp *l, const void *args, register_t *retval)
{
	struct rump_stat st;
	struct file *fp;
	int error;

	(void)l; (void)retval;
	if ((fp = fd_getfile(SARG_INT(args, 0))) == NULL)
		return EBADF;
	memset(&st, 0, sizeof(st));
	error = fp->f_ops->fo_stat != NULL ? fp->f_ops->fo_stat(fp, &st) :
	    EOPNOTSUPP;
	file_rele(fp);
	if (error == 0)
		error = copyout(&st, SARG_PTR(args, 1), sizeof(st));
	return error;
}

int
sys_fpathconf(struct lwp *l, const void *args, register_t *retval)
{
	int name = SARG_INT(args, 1), error;
	struct file *fp;

	(void)l;
	if ((fp = fd_getfile(SARG_INT(args, 0))) == NULL)
		return EBADF;
	if (fp->f_type == DTYPE_PIPE) {
		error = name == _PC_PIPE_BUF ? 0 : EINVAL;
		if (error == 0)
			retval[0] = PIPE_BUF;
	} else if (fp->f_ops->fo_pathconf != NULL)
		error = fp->f_ops->fo_pathconf(fp, name, retval);
	else
		error = EOPNOTSUPP;
	file_rele(fp);
	return error;
}

/*
 * posix_fadvise(fd, PAD, offset, len, advice).  Like NetBSD, the call
 * itself succeeds and the error is its return value (retval[0]).
 */
static int
do_posix_fadvise(int fd, off_t off, off_t len, int advice)
{
	struct file *fp;
	int error;

	if (len < 0 || (len > 0 && (off < 0 || off > INT64_MAX - len)))
		return EINVAL;
	if ((fp = fd_getfile(fd)) == NULL)
		return EBADF;
	if (fp->f_type == DTYPE_PIPE)
		error = ESPIPE;
	else if (fp->f_type != DTYPE_VNODE)
		error = EOPNOTSUPP;
	else if (advice < RUMP_POSIX_FADV_NORMAL ||
	    advice > RUMP_POSIX_FADV_NOREUSE)
		error = EINVAL;
	else
		error = 0;	/* advice taken, and nothing to do with it */
	file_rele(fp);
	return error;
}

int
sys_posix_fadvise(struct lwp *l, const void *args, register_t *retval)
{
	(void)l;
	retval[0] = do_posix_fadvise(SARG_INT(args, 0), SARG_LONG(args, 2),
	    SARG_LONG(args, 3), SARG_INT(args, 4));
	return 0;
}
