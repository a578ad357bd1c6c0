/*
 * fifo.c: named pipes.
 *
 * A fifo vnode (VFIFO, on any file system) gets a pipe when it is first
 * opened: a ring buffer of FIFO_SIZE bytes with counts of the open
 * readers and writers.  The file system stores only the node; the data
 * lives here and goes away with the last close.
 *
 * Semantics (POSIX, as NetBSD):
 *   open for reading waits for a writer, open for writing waits for a
 *     reader, unless O_NONBLOCK; O_WRONLY|O_NONBLOCK with no reader is
 *     ENXIO; O_RDWR never waits.
 *   read returns what is there (at most the request); with the pipe
 *     empty it returns 0 if there is no writer, EAGAIN with O_NONBLOCK,
 *     and otherwise sleeps.
 *   write with no reader is EPIPE.  A write of at most PIPE_BUF bytes
 *     goes in at once or not at all; a longer one may be split.  With
 *     O_NONBLOCK a write that cannot proceed is EAGAIN (or a short
 *     count if some went in).
 *
 * Life cycle and locks: v_fifo is set and cleared under v_interlock;
 * fi_refs (v_interlock) counts the opens in progress or done, and the
 * pipe is freed when it drops to 0.  Everything else in the pipe is
 * guarded by fi_lock, which is never held together with v_interlock.
 * Sleepers use cv_wait_sig, so a cancelled lwp gets EINTR.
 */
#include "vfs/vfs.h"

#define FIFO_SIZE	8192
#define PIPE_BUF	512

struct fifo {
	int	fi_refs;		/* v_interlock */
	kmutex_t fi_lock;
	kcondvar_t fi_rcv;		/* readers: data or a writer came */
	kcondvar_t fi_wcv;		/* writers: space or a reader came */
	int	fi_readers, fi_writers;
	uint64_t fi_rgen, fi_wgen;	/* opens for reading / writing */
	bool	fi_eof;			/* the last writer has gone */
	size_t	fi_head, fi_len;	/* ring: first byte, bytes held */
	char	fi_buf[FIFO_SIZE];
};

static struct fifo *
fifo_alloc(void)
{
	struct fifo *fi;

	if ((fi = kmem_zalloc(sizeof(*fi), KM_SLEEP)) == NULL)
		return NULL;
	mutex_init(&fi->fi_lock);
	cv_init(&fi->fi_rcv);
	cv_init(&fi->fi_wcv);
	return fi;
}

static void
fifo_free(struct fifo *fi)
{
	cv_destroy(&fi->fi_wcv);
	cv_destroy(&fi->fi_rcv);
	mutex_destroy(&fi->fi_lock);
	kmem_free(fi, sizeof(*fi));
}

/* Find or make vp's pipe and count one more user. */
static struct fifo *
fifo_get(struct vnode *vp)
{
	struct fifo *fi, *nfi = NULL;

	for (;;) {
		mutex_enter(&vp->v_interlock);
		if ((fi = vp->v_fifo) == NULL && nfi != NULL)
			fi = vp->v_fifo = nfi, nfi = NULL;
		if (fi != NULL)
			fi->fi_refs++;
		mutex_exit(&vp->v_interlock);
		if (fi != NULL)
			break;
		if ((nfi = fifo_alloc()) == NULL)
			return NULL;
	}
	if (nfi != NULL)
		fifo_free(nfi);
	return fi;
}

/* One user less; the last one frees the pipe. */
static void
fifo_put(struct vnode *vp, struct fifo *fi)
{
	bool last;

	mutex_enter(&vp->v_interlock);
	if ((last = --fi->fi_refs == 0))
		vp->v_fifo = NULL;
	mutex_exit(&vp->v_interlock);
	if (last)
		fifo_free(fi);
}

/* The pipe of an open fifo: it exists while the caller's file does. */
static struct fifo *
fifo_of(struct vnode *vp)
{
	struct fifo *fi;

	mutex_enter(&vp->v_interlock);
	fi = vp->v_fifo;
	mutex_exit(&vp->v_interlock);
	KASSERT(fi != NULL);
	return fi;
}

/* Remove one opener's counts; fi_lock held. */
static void
fifo_drop(struct fifo *fi, int fflags)
{
	if ((fflags & FREAD) && --fi->fi_readers == 0)
		cv_broadcast(&fi->fi_wcv);	/* writers now get EPIPE */
	if ((fflags & FWRITE) && --fi->fi_writers == 0) {
		fi->fi_eof = true;
		cv_broadcast(&fi->fi_rcv);	/* readers now see the end */
	}
}

int
fifo_open(struct vnode *vp, int fflags)
{
	struct fifo *fi;
	uint64_t gen;
	int error = 0;

	if ((fflags & (FREAD | FWRITE)) == 0)
		return EINVAL;
	if ((fi = fifo_get(vp)) == NULL)
		return ENOMEM;
	mutex_enter(&fi->fi_lock);
	if ((fflags & FWRITE) && !(fflags & FREAD) &&
	    (fflags & RUMP_O_NONBLOCK) && fi->fi_readers == 0) {
		mutex_exit(&fi->fi_lock);
		fifo_put(vp, fi);
		return ENXIO;
	}
	if (fflags & FREAD) {
		fi->fi_readers++;
		fi->fi_rgen++;
		cv_broadcast(&fi->fi_wcv);
	}
	if (fflags & FWRITE) {
		fi->fi_writers++;
		fi->fi_wgen++;
		fi->fi_eof = false;
		cv_broadcast(&fi->fi_rcv);
	}
	if ((fflags & (FREAD | FWRITE)) == FREAD &&
	    !(fflags & RUMP_O_NONBLOCK)) {
		/* wait for a writer, or one that came and went */
		gen = fi->fi_wgen;
		while (error == 0 && fi->fi_writers == 0 && fi->fi_len == 0 &&
		    fi->fi_wgen == gen)
			error = cv_wait_sig(&fi->fi_rcv, &fi->fi_lock);
	}
	if ((fflags & (FREAD | FWRITE)) == FWRITE) {
		gen = fi->fi_rgen;
		while (error == 0 && fi->fi_readers == 0 && fi->fi_rgen == gen)
			error = cv_wait_sig(&fi->fi_wcv, &fi->fi_lock);
	}
	if (error != 0)
		fifo_drop(fi, fflags);
	mutex_exit(&fi->fi_lock);
	selnotify();
	if (error != 0)
		fifo_put(vp, fi);
	return error;
}

void
fifo_close(struct vnode *vp, int fflags)
{
	struct fifo *fi = fifo_of(vp);

	mutex_enter(&fi->fi_lock);
	fifo_drop(fi, fflags);
	mutex_exit(&fi->fi_lock);
	selnotify();
	fifo_put(vp, fi);
}

/* Copy up to n bytes between the ring and uio; fi_lock held. */
static int
fifo_xfer(struct fifo *fi, struct uio *uio, size_t n)
{
	size_t at, chunk, before;
	int error = 0;

	while (n > 0 && error == 0) {
		if (uio->uio_rw == UIO_READ) {
			at = fi->fi_head;
			chunk = MIN(n, FIFO_SIZE - at);
		} else {
			at = (fi->fi_head + fi->fi_len) % FIFO_SIZE;
			chunk = MIN(n, FIFO_SIZE - at);
		}
		before = uio->uio_resid;
		error = uiomove(fi->fi_buf + at, chunk, uio);
		chunk = before - uio->uio_resid;	/* what really moved */
		if (uio->uio_rw == UIO_READ) {
			fi->fi_head = (fi->fi_head + chunk) % FIFO_SIZE;
			fi->fi_len -= chunk;
		} else
			fi->fi_len += chunk;
		if (chunk == 0)
			break;
		n -= chunk;
	}
	return error;
}

int
fifo_read(struct vnode *vp, struct uio *uio, int fflags)
{
	struct fifo *fi = fifo_of(vp);
	size_t start = uio->uio_resid;
	int error = 0;

	if (uio->uio_resid == 0)
		return 0;
	mutex_enter(&fi->fi_lock);
	while (fi->fi_len == 0) {
		if (fi->fi_writers == 0)
			goto out;			/* end of file */
		if (fflags & RUMP_O_NONBLOCK) {
			error = EAGAIN;
			goto out;
		}
		if ((error = cv_wait_sig(&fi->fi_rcv, &fi->fi_lock)) != 0)
			goto out;
	}
	error = fifo_xfer(fi, uio, MIN(fi->fi_len, uio->uio_resid));
	cv_broadcast(&fi->fi_wcv);
out:
	mutex_exit(&fi->fi_lock);
	if (uio->uio_resid != start) {
		selnotify();
		if (error == EINTR || error == EAGAIN)
			error = 0;
	}
	return error;
}

int
fifo_write(struct vnode *vp, struct uio *uio, int fflags)
{
	struct fifo *fi = fifo_of(vp);
	size_t start = uio->uio_resid, want, room;
	int error = 0;

	/* a short write must go in whole: wait for room for all of it */
	want = start <= PIPE_BUF ? start : 1;
	mutex_enter(&fi->fi_lock);
	while (uio->uio_resid > 0) {
		if (fi->fi_readers == 0) {
			error = EPIPE;
			break;
		}
		room = FIFO_SIZE - fi->fi_len;
		if (room < want || room == 0) {
			if (fflags & RUMP_O_NONBLOCK) {
				error = EAGAIN;
				break;
			}
			error = cv_wait_sig(&fi->fi_wcv, &fi->fi_lock);
			if (error != 0)
				break;
			continue;
		}
		error = fifo_xfer(fi, uio, MIN(room, uio->uio_resid));
		cv_broadcast(&fi->fi_rcv);
		if (error != 0)
			break;
		want = 1;
	}
	mutex_exit(&fi->fi_lock);
	if (uio->uio_resid != start) {
		selnotify();
		if (error == EINTR || error == EAGAIN)
			error = 0;
	}
	return error;
}

int
fifo_poll(struct vnode *vp, int events)
{
	struct fifo *fi = fifo_of(vp);
	int revents = 0;

	mutex_enter(&fi->fi_lock);
	if (events & (RUMP_POLLIN | RUMP_POLLRDNORM)) {
		if (fi->fi_len > 0 || fi->fi_eof)
			revents |= events & (RUMP_POLLIN | RUMP_POLLRDNORM);
	}
	if (events & (RUMP_POLLOUT | RUMP_POLLWRNORM)) {
		/* no reader: a write fails at once, so it "can proceed" */
		if (fi->fi_readers == 0 || FIFO_SIZE - fi->fi_len >= PIPE_BUF)
			revents |= events & (RUMP_POLLOUT | RUMP_POLLWRNORM);
	}
	mutex_exit(&fi->fi_lock);
	return revents;
}

int
fifo_ioctl(struct vnode *vp, unsigned long cmd, void *data, int fflags)
{
	struct fifo *fi = fifo_of(vp);
	int error = 0;

	mutex_enter(&fi->fi_lock);
	switch (cmd) {
	case RUMP_FIONREAD:
		*(int *)data = (fflags & FREAD) ? (int)fi->fi_len : 0;
		break;
	case RUMP_FIONWRITE:
		*(int *)data = 0;	/* written data is the reader's */
		break;
	case RUMP_FIONSPACE:
		*(int *)data = (fflags & FWRITE) ?
		    (int)(FIFO_SIZE - fi->fi_len) : 0;
		break;
	default:
		error = ENOTTY;
		break;
	}
	mutex_exit(&fi->fi_lock);
	return error;
}
