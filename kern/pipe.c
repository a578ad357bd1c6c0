/*
 * pipe.c: anonymous pipes.
 *
 * A pipe is one bounded ring buffer (PIPE_SIZE bytes) shared by two
 * open files: the read end (FREAD) and the write end (FWRITE).
 *
 * States: both ends open -> one end closed -> both closed (freed).
 * With the write end closed, a reader drains what is left and then
 * sees end of file; with the read end closed, a writer gets EPIPE
 * (and the write path posts SIGPIPE, see kern/sys_generic.c).  An empty pipe blocks readers and a
 * full one writers (cv_wait_sig, so a cancelled lwp leaves with
 * EINTR), unless the file is O_NONBLOCK: then EAGAIN, or a short
 * count if some bytes moved.  Writes of at most PIPE_BUF bytes are
 * never interleaved with other writes.
 *
 * Locking: pp_lock guards every field below it.  Bytes are copied to
 * and from the caller's memory without pp_lock (a sysproxy copy may
 * take a network round trip): pp_rbusy and pp_wbusy make one reader
 * and one writer at a time own their side of the ring, and a reader
 * only touches the filled part, a writer only the free part, so the
 * two never meet.  Every change a poller could care about is followed
 * by selnotify().
 */
#include "kern/sys_kern.h"

#define PIPE_SIZE	16384

struct pipe {
	kmutex_t pp_lock;
	kcondvar_t pp_cv;		/* data, space, busy or close */
	char	*pp_buf;		/* [PIPE_SIZE], fixed */
	size_t	pp_rpos;		/* first filled byte */
	size_t	pp_cnt;			/* filled bytes */
	bool	pp_rbusy, pp_wbusy;	/* a reader / writer is copying */
	bool	pp_rclosed, pp_wclosed;
	int	pp_nends;		/* open files on the pipe */
	struct file *pp_rfile;		/* identity of the read end */
	int	pp_owner;		/* FIOSETOWN */
	struct rump_timespec pp_atime, pp_mtime, pp_btime;
};

static bool
pipe_isreader(struct file *fp)
{
	return ((struct pipe *)fp->f_data)->pp_rfile == fp;
}

static void
pipe_changed(struct pipe *pp)
{
	cv_broadcast(&pp->pp_cv);
	selnotify();
}

/* Wait for the side's busy flag, then take it.  pp_lock held. */
static int
pipe_enter(struct pipe *pp, bool *busy)
{
	int error;

	while (*busy)
		if ((error = cv_wait_sig(&pp->pp_cv, &pp->pp_lock)) != 0)
			return error;
	*busy = true;
	return 0;
}

static void
pipe_leave(struct pipe *pp, bool *busy)
{
	*busy = false;
	cv_broadcast(&pp->pp_cv);
}

static int
pipe_read(struct file *fp, off_t *off, struct uio *uio, kauth_cred_t cred,
    int flags)
{
	struct pipe *pp = fp->f_data;
	bool nbio = (file_getflags(fp) & RUMP_O_NONBLOCK) != 0, moved = false;
	size_t n, resid;
	int error;

	(void)off; (void)cred; (void)flags;
	mutex_enter(&pp->pp_lock);
	if ((error = pipe_enter(pp, &pp->pp_rbusy)) != 0)
		goto out;
	while (uio->uio_resid > 0) {
		if (pp->pp_cnt == 0) {
			if (moved || pp->pp_wclosed)
				break;
			if (nbio) {
				error = EAGAIN;
				break;
			}
			if ((error = cv_wait_sig(&pp->pp_cv,
			    &pp->pp_lock)) != 0)
				break;
			continue;
		}
		n = MIN(pp->pp_cnt, PIPE_SIZE - pp->pp_rpos);
		n = MIN(n, uio->uio_resid);
		resid = uio->uio_resid;
		mutex_exit(&pp->pp_lock);
		error = uiomove(pp->pp_buf + pp->pp_rpos, n, uio);
		mutex_enter(&pp->pp_lock);
		n = resid - uio->uio_resid;
		if (n > 0) {
			pp->pp_rpos = (pp->pp_rpos + n) % PIPE_SIZE;
			pp->pp_cnt -= n;
			moved = true;
			nanotime(&pp->pp_atime);
			pipe_changed(pp);
		}
		if (error != 0)
			break;
	}
	pipe_leave(pp, &pp->pp_rbusy);
out:
	mutex_exit(&pp->pp_lock);
	return error;
}

/* Room for the next chunk?  Small writes need room for all of it. */
static bool
pipe_hasroom(struct pipe *pp, size_t resid)
{
	size_t space = PIPE_SIZE - pp->pp_cnt;

	return space > 0 && (resid > PIPE_BUF || space >= resid);
}

static int
pipe_write(struct file *fp, off_t *off, struct uio *uio, kauth_cred_t cred,
    int flags)
{
	struct pipe *pp = fp->f_data;
	bool nbio = (file_getflags(fp) & RUMP_O_NONBLOCK) != 0;
	size_t n, wpos, resid;
	int error;

	(void)off; (void)cred; (void)flags;
	mutex_enter(&pp->pp_lock);
	if ((error = pipe_enter(pp, &pp->pp_wbusy)) != 0)
		goto out;
	if (pp->pp_rclosed)
		error = EPIPE;		/* even for zero bytes */
	while (error == 0 && uio->uio_resid > 0) {
		if (pp->pp_rclosed) {
			error = EPIPE;
			break;
		}
		if (!pipe_hasroom(pp, uio->uio_resid)) {
			if (nbio) {
				error = EAGAIN;
				break;
			}
			if ((error = cv_wait_sig(&pp->pp_cv,
			    &pp->pp_lock)) != 0)
				break;
			continue;
		}
		wpos = (pp->pp_rpos + pp->pp_cnt) % PIPE_SIZE;
		n = MIN(PIPE_SIZE - pp->pp_cnt, PIPE_SIZE - wpos);
		n = MIN(n, uio->uio_resid);
		resid = uio->uio_resid;
		mutex_exit(&pp->pp_lock);
		error = uiomove(pp->pp_buf + wpos, n, uio);
		mutex_enter(&pp->pp_lock);
		n = resid - uio->uio_resid;
		if (n > 0) {
			pp->pp_cnt += n;
			nanotime(&pp->pp_mtime);
			pipe_changed(pp);
		}
		if (error != 0)
			break;
	}
	pipe_leave(pp, &pp->pp_wbusy);
out:
	mutex_exit(&pp->pp_lock);
	return error;
}

/*
 * NetBSD's answers, seen from either end: the read end is readable
 * with data or at end of file; the write end writable with PIPE_BUF
 * bytes of room; either end, once the other is gone, is readable,
 * writable (the call will not block: it fails) and hung up.
 */
static int
pipe_poll(struct file *fp, int events)
{
	struct pipe *pp = fp->f_data;
	bool reader = pipe_isreader(fp), gone;
	int revents = 0;

	mutex_enter(&pp->pp_lock);
	gone = reader ? pp->pp_wclosed : pp->pp_rclosed;
	if (gone || (reader && pp->pp_cnt > 0))
		revents |= events & (RUMP_POLLIN | RUMP_POLLRDNORM);
	if (gone || (!reader && PIPE_SIZE - pp->pp_cnt >= PIPE_BUF))
		revents |= events & (RUMP_POLLOUT | RUMP_POLLWRNORM);
	if (gone)
		revents |= RUMP_POLLHUP;
	mutex_exit(&pp->pp_lock);
	return revents;
}

static int
pipe_stat(struct file *fp, struct rump_stat *st)
{
	struct pipe *pp = fp->f_data;

	memset(st, 0, sizeof(*st));
	st->st_mode = RUMP_S_IFIFO | RUMP_S_IRUSR | RUMP_S_IWUSR;
	st->st_blksize = PIPE_SIZE;
	st->st_uid = fp->f_cred->cr_euid;
	st->st_gid = fp->f_cred->cr_egid;
	mutex_enter(&pp->pp_lock);
	if (pipe_isreader(fp))
		st->st_size = (int64_t)pp->pp_cnt;
	st->st_blocks = st->st_size != 0 ? 1 : 0;
	st->st_atim = pp->pp_atime;
	st->st_mtim = pp->pp_mtime;
	st->st_ctim = st->st_birthtim = pp->pp_btime;
	mutex_exit(&pp->pp_lock);
	return 0;
}

/*
 * FIONREAD: bytes waiting at the read end (0 at the write end);
 * FIONWRITE: bytes written and not yet read, seen from the write end;
 * FIONSPACE: room left, seen from the write end.
 */
static int
pipe_ioctl(struct file *fp, unsigned long cmd, void *data)
{
	struct pipe *pp = fp->f_data;
	bool reader = pipe_isreader(fp);
	int error = 0;

	mutex_enter(&pp->pp_lock);
	switch (cmd) {
	case RUMP_FIONBIO:
	case RUMP_FIOASYNC:
		break;
	case RUMP_FIONREAD:
		*(int *)data = reader ? (int)pp->pp_cnt : 0;
		break;
	case RUMP_FIONWRITE:
		*(int *)data = reader ? 0 : (int)pp->pp_cnt;
		break;
	case RUMP_FIONSPACE:
		*(int *)data = reader ? 0 : (int)(PIPE_SIZE - pp->pp_cnt);
		break;
	case RUMP_FIOSETOWN:
		pp->pp_owner = *(int *)data;
		break;
	case RUMP_FIOGETOWN:
		*(int *)data = pp->pp_owner;
		break;
	default:
		error = EPASSTHROUGH;
		break;
	}
	mutex_exit(&pp->pp_lock);
	return error;
}

static void
pipe_free(struct pipe *pp)
{
	if (pp->pp_buf != NULL)
		kmem_free(pp->pp_buf, PIPE_SIZE);
	cv_destroy(&pp->pp_cv);
	mutex_destroy(&pp->pp_lock);
	kmem_free(pp, sizeof(*pp));
}

static int
pipe_close(struct file *fp)
{
	struct pipe *pp = fp->f_data;
	bool last;

	mutex_enter(&pp->pp_lock);
	if (pipe_isreader(fp))
		pp->pp_rclosed = true;
	else
		pp->pp_wclosed = true;
	last = --pp->pp_nends == 0;
	pipe_changed(pp);
	mutex_exit(&pp->pp_lock);
	if (last)
		pipe_free(pp);
	return 0;
}

static const struct fileops pipeops = {
	.fo_read = pipe_read,
	.fo_write = pipe_write,
	.fo_ioctl = pipe_ioctl,
	.fo_poll = pipe_poll,
	.fo_stat = pipe_stat,
	.fo_close = pipe_close,
};

static int
pipe_create(struct pipe **ppp)
{
	struct pipe *pp;

	if ((pp = kmem_zalloc(sizeof(*pp), KM_SLEEP)) == NULL)
		return ENOMEM;
	if ((pp->pp_buf = kmem_alloc(PIPE_SIZE, KM_SLEEP)) == NULL) {
		kmem_free(pp, sizeof(*pp));
		return ENOMEM;
	}
	mutex_init(&pp->pp_lock);
	cv_init(&pp->pp_cv);
	nanotime(&pp->pp_btime);
	pp->pp_atime = pp->pp_mtime = pp->pp_btime;
	*ppp = pp;
	return 0;
}

/* Allocate one end; on success the pipe counts it. */
static int
pipe_end(struct pipe *pp, int flag, struct file **fpp)
{
	int error;

	if ((error = file_alloc(&pipeops, DTYPE_PIPE, flag, pp, fpp)) != 0)
		return error;
	pp->pp_nends++;
	return 0;
}

/*
 * Make a pipe and install its ends at the two lowest free
 * descriptors: fds[0] reads, fds[1] writes.  Nothing is left behind
 * on failure.
 */
static int
pipe1(struct lwp *l, int flags, int fds[2])
{
	struct file *rf = NULL, *wf = NULL;
	bool cloexec = (flags & RUMP_O_CLOEXEC) != 0;
	int fflags = flags & (RUMP_O_NONBLOCK | RUMP_O_NOSIGPIPE);
	struct pipe *pp;
	int error;

	if ((error = pipe_create(&pp)) != 0)
		return error;
	pp->pp_wclosed = true;		/* until the write end exists */
	if ((error = pipe_end(pp, FREAD | fflags, &rf)) != 0) {
		pipe_free(pp);
		return error;
	}
	pp->pp_rfile = rf;
	if ((error = pipe_end(pp, FWRITE | fflags, &wf)) != 0) {
		file_rele(rf);
		return error;
	}
	pp->pp_wclosed = false;
	error = fd_install(l->l_proc, rf, 0, cloexec, &fds[0]);
	if (error == 0 && (error = fd_install(l->l_proc, wf, 0, cloexec,
	    &fds[1])) != 0)
		(void)fd_close(fds[0]);
	file_rele(rf);
	file_rele(wf);
	return error;
}

int
sys_pipe(struct lwp *l, const void *args, register_t *retval)
{
	int fds[2], error;

	(void)args;
	if ((error = pipe1(l, 0, fds)) != 0)
		return error;
	retval[0] = fds[0];
	retval[1] = fds[1];
	return 0;
}

/* pipe2(fds, flags): O_CLOEXEC, O_NONBLOCK, O_NOSIGPIPE, else EINVAL. */
int
sys_pipe2(struct lwp *l, const void *args, register_t *retval)
{
	int flags = SARG_INT(args, 1), fds[2], error;

	if (flags & ~(RUMP_O_CLOEXEC | RUMP_O_NONBLOCK | RUMP_O_NOSIGPIPE))
		return EINVAL;
	if ((error = pipe1(l, flags, fds)) != 0)
		return error;
	if ((error = copyout(fds, SARG_PTR(args, 0), sizeof(fds))) != 0) {
		(void)fd_close(fds[0]);
		(void)fd_close(fds[1]);
	}
	retval[0] = 0;
	return error;
}
