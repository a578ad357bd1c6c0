/*
 * recv.c: the receive side of a client connection.
 *
 * There is no reader thread.  A thread waiting for a response that
 * finds nobody receiving becomes the receiver (cl_wait): it reads
 * frames into the connection's buffer, hands each response to the
 * waiter with its request number, and serves the server's requests
 * itself, in the program's address space:
 *
 *	COPYIN, COPYINSTR	reply with the bytes (type COPYIN, always)
 *	COPYOUT, COPYOUTSTR	store the data; no reply
 *	ANONMMAP		mmap anonymous memory, reply with its address
 *	RAISE			raise() the signal, translated to Linux's
 *	anything else		print "PANIC: INVALID TYPE n" and abort, as
 *				NetBSD's client does
 *
 * Once its own response is in, the receiver wakes another waiter to
 * take over and returns.  The whole reading state (buffer, a COPYOUT
 * half streamed in) lives in the connection, so receivers can change
 * between frames, and a signal handler that calls into the library
 * while its thread waits in ppoll() continues as the receiver (nested).
 *
 * Frames from the server are checked here, once: a header shorter than
 * 24 bytes, a copy request without its addresses, or a frame other
 * than COPYOUT longer than the buffer breaks the connection.  COPYOUT
 * data goes straight from the socket to its destination: only the
 * lesser of the announced length and the data carried is stored, and a
 * destination the kernel refuses to write (EFAULT) drops the data.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "client/client.h"

/* The connection this thread is receiving on, if any. */
static __thread struct cl_conn *t_receiving;

#define MIN(a, b)	((a) < (b) ? (a) : (b))

/* ------------------------------------------------------------ waiters */

void
cl_waiter_add_locked(struct cl_conn *c, struct cl_waiter *w)
{
	w->next = c->waiters;
	c->waiters = w;
}

void
cl_waiter_remove_locked(struct cl_conn *c, struct cl_waiter *w)
{
	struct cl_waiter **pp;

	for (pp = &c->waiters; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			return;
		}
	}
}

/* A response: give it to the waiter of this connection that sent the
 * request; an unknown number is dropped (NetBSD does the same). */
static void
deliver(struct cl_conn *c, const struct sp_hdr *h, const uint8_t *body,
    size_t blen)
{
	struct cl_waiter *w;
	unsigned gen = atomic_load(&c->gen);

	pthread_mutex_lock(&c->mtx);
	for (w = c->waiters; w != NULL; w = w->next) {
		if (w->reqno == h->reqno && w->gen == gen &&
		    !atomic_load(&w->done))
			break;
	}
	if (w != NULL) {
		w->hdr = *h;
		w->blen = blen;
		memcpy(w->body, body, MIN(blen, sizeof(w->body)));
		atomic_store(&w->done, 1);
		pthread_cond_signal(&w->cv);
	}
	pthread_mutex_unlock(&c->mtx);
}

/* The receiver is leaving: let one waiter still waiting take over. */
static void
pass_receiving_locked(struct cl_conn *c)
{
	struct cl_waiter *w;

	c->receiving = false;
	for (w = c->waiters; w != NULL; w = w->next) {
		if (!atomic_load(&w->done)) {
			pthread_cond_signal(&w->cv);
			break;
		}
	}
	pthread_cond_broadcast(&c->gatecv);
}

/* ---------------------------------------------------- server requests */

/*
 * NetBSD's signal numbers to Linux's (spec §7).  EMT and INFO have no
 * Linux counterpart: 0, not raised.
 */
static const unsigned char sigmap[] = {
	[1] = SIGHUP, [2] = SIGINT, [3] = SIGQUIT, [4] = SIGILL,
	[5] = SIGTRAP, [6] = SIGABRT, [7] = 0, [8] = SIGFPE, [9] = SIGKILL,
	[10] = SIGBUS, [11] = SIGSEGV, [12] = SIGSYS, [13] = SIGPIPE,
	[14] = SIGALRM, [15] = SIGTERM, [16] = SIGURG, [17] = SIGSTOP,
	[18] = SIGTSTP, [19] = SIGCONT, [20] = SIGCHLD, [21] = SIGTTIN,
	[22] = SIGTTOU, [23] = SIGIO, [24] = SIGXCPU, [25] = SIGXFSZ,
	[26] = SIGVTALRM, [27] = SIGPROF, [28] = SIGWINCH, [29] = 0,
	[30] = SIGUSR1, [31] = SIGUSR2, [32] = SIGPWR,
};

int
cl_sig_netbsd2host(int sig)
{
	if (sig <= 0 || (size_t)sig >= sizeof(sigmap))
		return 0;
	return sigmap[sig];
}

/* COPYIN, COPYINSTR: the reply is typed COPYIN either way. */
static int
serve_copyin(struct cl_conn *c, const struct sp_hdr *h, const uint8_t *body,
    size_t blen)
{
	struct sp_hdr rh = { .reqno = h->reqno, .class = SP_RESP,
	    .type = SP_COPYIN };
	struct sp_copydata cd;
	const char *addr;
	size_t len, n;

	if (blen < sizeof(cd))
		return EBADMSG;
	memcpy(&cd, body, sizeof(cd));
	addr = (const char *)(uintptr_t)cd.rcp_addr;
	len = (size_t)cd.rcp_len;
	if (addr == NULL)
		len = 0;
	if (h->type == SP_COPYINSTR && len > 0) {
		n = strnlen(addr, len);
		len = n < len ? n + 1 : len;
	}
	(void)cl_send_copy(c, &rh, addr, len);
	return 0;
}

static int
serve_anonmmap(struct cl_conn *c, const struct sp_hdr *h,
    const uint8_t *body, size_t blen)
{
	struct sp_hdr rh = { .reqno = h->reqno, .class = SP_RESP,
	    .type = SP_ANONMMAP };
	uint64_t len, addr;
	void *p;

	if (blen < sizeof(len))
		return EBADMSG;
	memcpy(&len, body, sizeof(len));
	p = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE,
	    MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	addr = p == MAP_FAILED ? 0 : (uint64_t)(uintptr_t)p;
	(void)cl_send_copy(c, &rh, &addr, sizeof(addr));
	return 0;
}

/* Signals are blocked during a call: this one arrives when the caller's
 * mask comes back (in ppoll, or when the call returns). */
static void
serve_raise(const struct sp_hdr *h)
{
	int sig = cl_sig_netbsd2host((int)h->u);

	if (sig != 0)
		raise(sig);
}

static _Noreturn void
serve_unknown(const struct sp_hdr *h)
{
	printf("PANIC: INVALID TYPE %d\n", h->type);
	fflush(stdout);
	abort();
}

/* One whole frame (not COPYOUT).  0 or a host errno breaking the stream. */
static int
dispatch(struct cl_conn *c, const struct sp_hdr *h, const uint8_t *body,
    size_t blen)
{
	switch (h->class) {
	case SP_RESP:
	case SP_ERROR:
		deliver(c, h, body, blen);
		return 0;
	case SP_REQ:
		break;
	default:
		return 0;	/* not a class: ignored, as NetBSD does */
	}
	switch (h->type) {
	case SP_COPYIN:
	case SP_COPYINSTR:
		return serve_copyin(c, h, body, blen);
	case SP_ANONMMAP:
		return serve_anonmmap(c, h, body, blen);
	case SP_RAISE:
		serve_raise(h);
		return 0;
	default:
		serve_unknown(h);
	}
}

/* -------------------------------------------------------------- reading */

void
cl_rbuf_reset(struct cl_conn *c)
{
	c->roff = c->rend = 0;
	c->rdrained = true;
	c->co_dst = NULL;
	c->co_left = c->co_room = 0;
}

/* Take buffered COPYOUT data.  1: the frame is complete, 0: more due. */
static int
copyout_drain(struct cl_conn *c)
{
	size_t n = MIN(c->rend - c->roff, c->co_left);
	size_t keep = MIN(n, c->co_room);

	memcpy(c->co_dst, c->rbuf + c->roff, keep);
	c->co_dst += keep;
	c->co_room -= keep;
	c->roff += n;
	c->co_left -= n;
	return c->co_left == 0;
}

static int
copyout_start(struct cl_conn *c, const struct sp_hdr *h)
{
	struct sp_copydata cd;

	if (h->len < SP_HDRSZ + sizeof(cd))
		return -EBADMSG;
	if (c->rend - c->roff < SP_HDRSZ + sizeof(cd))
		return 0;
	memcpy(&cd, c->rbuf + c->roff + SP_HDRSZ, sizeof(cd));
	c->roff += SP_HDRSZ + sizeof(cd);
	c->co_dst = (uint8_t *)(uintptr_t)cd.rcp_addr;
	c->co_left = (size_t)(h->len - SP_HDRSZ - sizeof(cd));
	c->co_room = c->co_dst == NULL ? 0 : MIN(cd.rcp_len, c->co_left);
	return copyout_drain(c);
}

/*
 * Handle the next frame in the buffer.  1: one handled, 0: more bytes
 * needed, -errno: the stream cannot be trusted any more.
 */
static int
rcv_frame(struct cl_conn *c)
{
	struct sp_hdr h;
	int error;

	if (c->co_left > 0)
		return copyout_drain(c);
	if (c->rend - c->roff < SP_HDRSZ)
		return 0;
	memcpy(&h, c->rbuf + c->roff, SP_HDRSZ);
	if (h.len < SP_HDRSZ)
		return -EBADMSG;
	if (h.class == SP_REQ) {
		switch (h.type) {
		case SP_COPYOUT:
		case SP_COPYOUTSTR:
			return copyout_start(c, &h);
		case SP_COPYIN:
		case SP_COPYINSTR:
		case SP_ANONMMAP:
		case SP_RAISE:
			break;
		default:
			serve_unknown(&h);
		}
	}
	if (h.len > CL_RBUFSZ)
		return -EMSGSIZE;
	if (c->rend - c->roff < h.len)
		return 0;
	c->roff += (size_t)h.len;
	error = dispatch(c, &h, c->rbuf + c->roff - h.len + SP_HDRSZ,
	    (size_t)(h.len - SP_HDRSZ));
	return error != 0 ? -error : 1;
}

/*
 * Read what the socket has: COPYOUT data straight to its destination
 * when the buffer is empty, else into the buffer.  1: got bytes (or
 * try again), 0: nothing there, -errno: EOF (ECONNRESET) or error.
 */
static int
rcv_fill(struct cl_conn *c, int fd)
{
	size_t want;
	ssize_t n;

	if (c->co_room > 0 && c->roff == c->rend) {
		n = read(fd, c->co_dst, c->co_room);
		if (n > 0) {
			c->rdrained = (size_t)n < c->co_room;
			c->co_dst += n;
			c->co_room -= (size_t)n;
			c->co_left -= (size_t)n;
			return 1;
		}
		if (n < 0 && errno == EFAULT) {
			c->co_room = 0;		/* drop the data */
			return 1;
		}
	} else {
		if (c->roff > 0) {
			memmove(c->rbuf, c->rbuf + c->roff, c->rend - c->roff);
			c->rend -= c->roff;
			c->roff = 0;
		}
		want = MIN(CL_RBUFSZ - c->rend, CL_READ);
		n = read(fd, c->rbuf + c->rend, want);
		if (n > 0) {
			c->rdrained = (size_t)n < want;
			c->rend += (size_t)n;
			return 1;
		}
	}
	if (n == 0)
		return -ECONNRESET;
	if (errno == EINTR)
		return 1;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	return -errno;
}

/*
 * Receive until w's response is in.  0 or a host errno.  When the last
 * read emptied the socket, wait before reading again: a read now would
 * most likely find nothing (a system call saved per answer).
 */
static int
rcv_until(struct cl_conn *c, int fd, struct cl_waiter *w,
    const sigset_t *omask)
{
	struct pollfd pfd;
	int r;

	while (!atomic_load(&w->done)) {
		if ((r = rcv_frame(c)) < 0)
			return -r;
		if (r > 0)
			continue;
		if (!c->rdrained) {
			if ((r = rcv_fill(c, fd)) < 0)
				return -r;
			if (r > 0)
				continue;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		/* The one place a signal handler may run. */
		if (ppoll(&pfd, 1, NULL, omask) == -1 && errno != EINTR)
			return errno;
		c->rdrained = false;
	}
	return 0;
}

/* Is this thread receiving on c (so it must not wait for the receiver)? */
bool
cl_am_receiver(struct cl_conn *c)
{
	return t_receiving == c;
}

/*
 * Wait for w's response, receiving when nobody else is.  0 (w->hdr and
 * body filled in) or ENOTCONN when the connection broke or was replaced
 * first.  w is off the waiter list on return.
 */
int
cl_wait(struct cl_conn *c, struct cl_waiter *w, const sigset_t *omask)
{
	bool nested;
	int error = 0, fd;

	pthread_mutex_lock(&c->mtx);
	for (;;) {
		if (atomic_load(&w->done))
			break;
		if (w->gen != atomic_load(&c->gen)) {
			error = ENOTCONN;
			break;
		}
		nested = t_receiving == c;
		if (c->receiving && !nested) {
			pthread_cond_wait(&w->cv, &c->mtx);
			continue;
		}
		c->receiving = true;
		t_receiving = c;
		fd = c->fd;
		pthread_mutex_unlock(&c->mtx);
		error = rcv_until(c, fd, w, omask);
		pthread_mutex_lock(&c->mtx);
		if (!nested) {
			t_receiving = NULL;
			pass_receiving_locked(c);
		}
		if (error != 0) {
			cl_fail_locked(c, w->gen);
			error = 0;
		}
	}
	cl_waiter_remove_locked(c, w);
	pthread_mutex_unlock(&c->mtx);
	return error;
}
