/*
 * sp_conn.c: sysproxy connections: references and teardown, the
 * output queue, and the requests the server makes of its client
 * while a system call runs (rumpuser_sp_copyin and friends).
 *
 * Sending.  No thread ever blocks on a client's socket while holding
 * anything another client needs: a frame is written with one
 * non-blocking sendmsg, and what the socket does not take is queued
 * (c_out) for the poll thread to write when the socket drains.  Frames
 * of one connection leave in the order they were queued, so the
 * COPYOUT frames of a call always precede its response.  Only copyout
 * data waits (SP_SEND_WAIT) while the queue is above SP_OUTQ_HIWAT;
 * any other frame is queued at once, and a client that lets
 * SP_OUTQ_MAX bytes pile up is disconnected.
 *
 * Receiving.  The answer to a COPYIN or COPYINSTR is read by the poll
 * thread straight into the kernel's buffer that asked for it (no copy
 * in between; see struct sp_wait for who may end such a wait).
 *
 * Locks: see struct sp_conn in sp_int.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "sp_int.h"

struct sp_conn *
conn_alloc(struct sp_server *s, int fd)
{
	struct sp_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->c_srv = s;
	c->c_hyp = s->s_hyp;
	c->c_fd = fd;
	c->c_state = SPC_NEW;
	c->c_refs = 1;			/* the poll table's */
	pthread_mutex_init(&c->c_lock, NULL);
	pthread_cond_init(&c->c_cv, NULL);
	pthread_mutex_init(&c->c_sendlock, NULL);
	pthread_cond_init(&c->c_sendcv, NULL);
	c->c_rd.limit = conn_frame_limit;
	c->c_rd.target = conn_frame_target;
	c->c_rd.limit_arg = c;
	return c;
}

void
conn_hold(struct sp_conn *c)
{
	pthread_mutex_lock(&c->c_lock);
	c->c_refs++;
	pthread_mutex_unlock(&c->c_lock);
}

/* The last reference: the process exits, the socket closes. */
static void
conn_free(struct sp_conn *c)
{
	if (c->c_proc != NULL)
		c->c_hyp->hyp_releaseproc(c->c_proc);
	close(c->c_fd);
	sp_reader_reset(&c->c_rd);
	free(c->c_out);
	pthread_cond_destroy(&c->c_sendcv);
	pthread_mutex_destroy(&c->c_sendlock);
	pthread_cond_destroy(&c->c_cv);
	pthread_mutex_destroy(&c->c_lock);
	free(c);
}

void
conn_rele(struct sp_conn *c)
{
	bool last;

	pthread_mutex_lock(&c->c_lock);
	last = --c->c_refs == 0;
	pthread_mutex_unlock(&c->c_lock);
	if (last)
		conn_free(c);
}

bool
conn_dying(struct sp_conn *c)
{
	bool dying;

	pthread_mutex_lock(&c->c_lock);
	dying = c->c_state == SPC_DYING;
	pthread_mutex_unlock(&c->c_lock);
	return dying;
}

/* No more sends; wake whoever waits for the queue.  c_sendlock held. */
static void
conn_break_locked(struct sp_conn *c)
{
	if (c->c_broken)
		return;
	c->c_broken = true;
	pthread_cond_broadcast(&c->c_sendcv);
	/* the poll thread sees end of file and tears the connection down */
	shutdown(c->c_fd, SHUT_RDWR);
}

/* Every copy waiting for an answer fails (EFAULT).  c_lock held. */
void
conn_fail_waiters_locked(struct sp_conn *c)
{
	struct sp_wait *w;

	while ((w = c->c_waiters) != NULL) {
		c->c_waiters = w->w_next;
		w->w_done = -1;
		pthread_cond_signal(&w->w_cv);
	}
}

/*
 * RUNNING or NEW -> DYING: sends stop, the copies in flight fail.
 * Nothing here enters the kernel: cancelling the process's sleeps is
 * the reaper's job (reap_queue), when the poll thread lets go.
 */
void
conn_kill(struct sp_conn *c)
{
	/* sends stop first: a call woken below must not answer */
	pthread_mutex_lock(&c->c_sendlock);
	conn_break_locked(c);
	pthread_mutex_unlock(&c->c_sendlock);

	pthread_mutex_lock(&c->c_lock);
	c->c_state = SPC_DYING;
	conn_fail_waiters_locked(c);
	pthread_cond_broadcast(&c->c_cv);
	pthread_mutex_unlock(&c->c_lock);
}

/*
 * The reaper: a thread of its own that cancels a dropped connection's
 * process and drops the poll table's reference (which may release the
 * process).  Both may wait on kernel locks, and neither may make the
 * poll thread wait, nor depend on a free worker (all of them may be
 * sleeping in calls of the very client that went away).
 * rp_lock guards the queue and rp_started.
 */
static pthread_mutex_t rp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t rp_cv = PTHREAD_COND_INITIALIZER;
static struct sp_conn *rp_head, **rp_tail = &rp_head;	/* rp_lock */
static bool rp_started;					/* rp_lock */

static void
reap(struct sp_conn *c)
{
	void *proc;

	pthread_mutex_lock(&c->c_lock);
	proc = c->c_proc;
	pthread_mutex_unlock(&c->c_lock);
	if (proc != NULL)
		c->c_hyp->hyp_cancelproc(proc);
	conn_rele(c);
}

static void *
reaper(void *arg)
{
	struct sp_conn *c;

	(void)arg;
	pthread_mutex_lock(&rp_lock);
	for (;;) {
		while ((c = rp_head) == NULL)
			pthread_cond_wait(&rp_cv, &rp_lock);
		if ((rp_head = c->c_reapnext) == NULL)
			rp_tail = &rp_head;
		pthread_mutex_unlock(&rp_lock);
		reap(c);
		pthread_mutex_lock(&rp_lock);
	}
	return NULL;
}

/* Hand a killed connection and one reference to the reaper. */
void
reap_queue(struct sp_conn *c)
{
	pthread_mutex_lock(&rp_lock);
	if (!rp_started && rumpuser_thread_create(reaper, NULL,
	    "rump_spreaper", false, NULL) == 0)
		rp_started = true;
	if (!rp_started) {
		pthread_mutex_unlock(&rp_lock);
		reap(c);		/* no thread to be had: here, then */
		return;
	}
	c->c_reapnext = NULL;
	*rp_tail = c;
	rp_tail = &c->c_reapnext;
	pthread_cond_signal(&rp_cv);
	pthread_mutex_unlock(&rp_lock);
}

/* ------------------------------------------------------- output queue */

static size_t
outq_bytes(const struct sp_conn *c)
{
	return c->c_outlen - c->c_outoff;
}

/* Append the iovec's bytes from offset `skip` on.  c_sendlock held. */
static int
outq_append(struct sp_conn *c, const struct iovec *iov, int cnt, size_t skip)
{
	size_t need = 0, cap;
	uint8_t *nb;
	int i;

	for (i = 0; i < cnt; i++)
		need += iov[i].iov_len;
	need -= skip;
	if (c->c_outoff > 0) {			/* compact */
		memmove(c->c_out, c->c_out + c->c_outoff, outq_bytes(c));
		c->c_outlen -= c->c_outoff;
		c->c_outoff = 0;
	}
	if (c->c_outlen + need > c->c_outcap) {
		cap = c->c_outcap ? c->c_outcap : 4096;
		while (cap < c->c_outlen + need)
			cap *= 2;
		if ((nb = realloc(c->c_out, cap)) == NULL)
			return ENOMEM;
		c->c_out = nb;
		c->c_outcap = cap;
	}
	for (i = 0; i < cnt; i++) {
		size_t l = iov[i].iov_len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		memcpy(c->c_out + c->c_outlen, (char *)iov[i].iov_base + skip,
		    l - skip);
		c->c_outlen += l - skip;
		skip = 0;
	}
	return 0;
}

/* One non-blocking sendmsg: bytes written (0 if it would block) or
 * -errno. */
static ssize_t
send_nb(int fd, struct iovec *iov, int cnt)
{
	struct msghdr msg;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)cnt;
	do
		n = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	return n;
}

int
conn_send(struct sp_conn *c, const struct sp_hdr *h, const void *b1,
    size_t l1, const void *b2, size_t l2, int flags)
{
	struct sp_hdr hdr = *h;
	struct iovec iov[3];
	size_t total, sent = 0;
	bool wasempty;
	ssize_t n;
	int cnt = 0, error = 0;

	hdr.len = SP_HDRSZ + l1 + l2;
	total = (size_t)hdr.len;
	iov[cnt++] = (struct iovec){ &hdr, SP_HDRSZ };
	if (l1 > 0)
		iov[cnt++] = (struct iovec){ (void *)(uintptr_t)b1, l1 };
	if (l2 > 0)
		iov[cnt++] = (struct iovec){ (void *)(uintptr_t)b2, l2 };

	pthread_mutex_lock(&c->c_sendlock);
	if (flags & SP_SEND_WAIT)
		while (!c->c_broken && outq_bytes(c) > SP_OUTQ_HIWAT)
			pthread_cond_wait(&c->c_sendcv, &c->c_sendlock);
	if (c->c_broken) {
		error = EPIPE;
		goto out;
	}
	wasempty = outq_bytes(c) == 0;
	if (wasempty) {
		if ((n = send_nb(c->c_fd, iov, cnt)) < 0) {
			conn_break_locked(c);
			error = (int)-n;
			goto out;
		}
		sent = (size_t)n;
	}
	if (sent == total)
		goto out;
	if (outq_bytes(c) + total - sent > SP_OUTQ_MAX &&
	    !(flags & SP_SEND_WAIT)) {
		conn_break_locked(c);		/* the client does not read */
		error = ENOBUFS;
		goto out;
	}
	if ((error = outq_append(c, iov, cnt, sent)) != 0) {
		conn_break_locked(c);		/* a frame is cut: no way on */
		goto out;
	}
	if (wasempty) {
		atomic_store(&c->c_wantout, true);
		server_wake(c->c_srv);
	}
out:
	pthread_mutex_unlock(&c->c_sendlock);
	return error;
}

/* The poll thread saw POLLOUT: write what the socket takes. */
void
conn_flush(struct sp_conn *c)
{
	ssize_t n;

	pthread_mutex_lock(&c->c_sendlock);
	while (!c->c_broken && outq_bytes(c) > 0) {
		do
			n = send(c->c_fd, c->c_out + c->c_outoff, outq_bytes(c),
			    MSG_NOSIGNAL | MSG_DONTWAIT);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_break_locked(c);
			break;
		}
		c->c_outoff += (size_t)n;
	}
	if (outq_bytes(c) == 0 || c->c_broken) {
		c->c_outoff = c->c_outlen = 0;
		if (c->c_outcap > SP_OUTQ_HIWAT) {	/* give big buffers back */
			free(c->c_out);
			c->c_out = NULL;
			c->c_outcap = 0;
		}
		atomic_store(&c->c_wantout, false);
	}
	if (outq_bytes(c) <= SP_OUTQ_HIWAT)
		pthread_cond_broadcast(&c->c_sendcv);
	pthread_mutex_unlock(&c->c_sendlock);
}

/* Milliseconds left until deadline (monotonic), at least 0. */
static int
ms_left(const struct timespec *dl)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (dl->tv_sec - now.tv_sec) * 1000LL +
	    (dl->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (int)ms;
}

/*
 * Halting: queue the frame behind everything else and push the whole
 * queue out now, waiting up to ms, for the process is about to exit.
 */
int
conn_send_sync(struct sp_conn *c, const struct sp_hdr *h, const void *body,
    size_t blen, int ms)
{
	struct pollfd pfd = { .fd = c->c_fd, .events = POLLOUT };
	struct sp_hdr hdr = *h;
	struct iovec iov[2];
	struct timespec dl;
	int cnt = 0, error = 0;
	ssize_t n;

	hdr.len = SP_HDRSZ + blen;
	iov[cnt++] = (struct iovec){ &hdr, SP_HDRSZ };
	if (blen > 0)
		iov[cnt++] = (struct iovec){ (void *)(uintptr_t)body, blen };
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += ms / 1000;
	dl.tv_nsec += (ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}

	pthread_mutex_lock(&c->c_sendlock);
	if (c->c_broken || (error = outq_append(c, iov, cnt, 0)) != 0) {
		error = error ? error : EPIPE;
		goto out;
	}
	while (outq_bytes(c) > 0) {
		n = send(c->c_fd, c->c_out + c->c_outoff, outq_bytes(c),
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			c->c_outoff += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			error = errno;
			break;
		}
		if (ms_left(&dl) == 0 || poll(&pfd, 1, ms_left(&dl)) < 0) {
			error = ETIMEDOUT;
			break;
		}
	}
	c->c_outoff = c->c_outlen = 0;
	atomic_store(&c->c_wantout, false);
out:
	pthread_mutex_unlock(&c->c_sendlock);
	return error;
}

int
conn_send_error(struct sp_conn *c, uint64_t reqno, enum sp_err code)
{
	struct sp_hdr h = { .reqno = reqno, .class = SP_ERROR,
	    .u = (uint32_t)code };

	return conn_send(c, &h, NULL, 0, NULL, 0, 0);
}

int
conn_send_sysresp(struct sp_conn *c, uint64_t reqno, int error,
    const int64_t rv[2])
{
	struct sp_hdr h = { .reqno = reqno, .class = SP_RESP,
	    .type = SP_SYSCALL };
	struct sp_sysresp r = { .rsys_error = error, .rsys_pad = 0,
	    .rsys_retval = { rv[0], rv[1] } };

	return conn_send(c, &h, &r, sizeof(r), NULL, 0, 0);
}

int
conn_send_hsresp(struct sp_conn *c, uint64_t reqno, int error)
{
	struct sp_hdr h = { .reqno = reqno, .class = SP_RESP,
	    .type = SP_HANDSHAKE };
	int32_t body = error;

	return conn_send(c, &h, &body, sizeof(body), NULL, 0, 0);
}

/* ---------------------------------------------------- answers to us */

/* c_lock held. */
static struct sp_wait *
waiter_find(struct sp_conn *c, uint64_t reqno)
{
	struct sp_wait *w;

	for (w = c->c_waiters; w != NULL; w = w->w_next)
		if (w->w_reqno == reqno)
			return w;
	return NULL;
}

/* c_lock held.  false: w was not listed. */
static bool
waiter_unlink(struct sp_conn *c, struct sp_wait *w)
{
	struct sp_wait **wp;

	for (wp = &c->c_waiters; *wp != NULL; wp = &(*wp)->w_next)
		if (*wp == w) {
			*wp = w->w_next;
			return true;
		}
	return false;
}

/*
 * The sp_reader's length check, asked once a header is in: a RESP to
 * one of our requests may carry what we asked for; anything else the
 * request cap.
 */
uint64_t
conn_frame_limit(const struct sp_hdr *h, void *arg)
{
	struct sp_conn *c = arg;
	struct sp_wait *w;
	uint64_t lim = SP_MAXREQ;

	if (h->class != SP_RESP)
		return lim;
	pthread_mutex_lock(&c->c_lock);
	if ((w = waiter_find(c, h->reqno)) != NULL)
		lim = SP_HDRSZ + (uint64_t)w->w_len;
	pthread_mutex_unlock(&c->c_lock);
	return lim;
}

/*
 * The sp_reader's target, asked once a header has passed the length
 * check: a RESP answering a waiter that named a destination is read
 * straight into it.  The waiter leaves c_waiters for c_rdwait, so
 * nothing but conn_deliver_direct ends its wait.
 */
void *
conn_frame_target(const struct sp_hdr *h, void *arg)
{
	struct sp_conn *c = arg;
	struct sp_wait *w;
	void *dst = NULL;

	if (h->class != SP_RESP)
		return NULL;
	pthread_mutex_lock(&c->c_lock);
	if ((w = waiter_find(c, h->reqno)) != NULL && w->w_dst != NULL &&
	    h->len - SP_HDRSZ <= w->w_len) {
		waiter_unlink(c, w);
		c->c_rdwait = w;
		dst = w->w_dst;
	}
	pthread_mutex_unlock(&c->c_lock);
	return dst;
}

void
conn_deliver_direct(struct sp_conn *c, size_t blen, bool ok)
{
	struct sp_wait *w = c->c_rdwait;

	if (w == NULL)
		return;
	c->c_rdwait = NULL;
	pthread_mutex_lock(&c->c_lock);
	w->w_data = NULL;
	w->w_dlen = blen;
	w->w_done = ok ? 1 : -1;
	pthread_cond_signal(&w->w_cv);
	pthread_mutex_unlock(&c->c_lock);
}

/* A RESP frame: wake its waiter, or drop it if it answers nothing. */
void
conn_deliver(struct sp_conn *c, const struct sp_hdr *h, uint8_t *body,
    size_t blen)
{
	struct sp_wait *w;

	pthread_mutex_lock(&c->c_lock);
	w = waiter_find(c, h->reqno);
	if (w == NULL || blen > w->w_len) {
		pthread_mutex_unlock(&c->c_lock);
		free(body);
		return;
	}
	waiter_unlink(c, w);
	w->w_data = body;
	w->w_dlen = blen;
	w->w_done = 1;
	pthread_cond_signal(&w->w_cv);
	pthread_mutex_unlock(&c->c_lock);
}

/*
 * Send a request that the client answers with a RESP of at most `len`
 * bytes and sleep until it does or the connection dies.  Returns 0
 * with *dlenp and *datap (malloc'ed; NULL if empty or if the answer
 * went straight to dst), or SP_EFAULT.
 */
static int
request(struct sp_conn *c, const struct sp_hdr *h0, const void *body,
    size_t blen, size_t len, void *dst, uint8_t **datap, size_t *dlenp)
{
	struct sp_hdr h = *h0;
	struct sp_wait w;

	memset(&w, 0, sizeof(w));
	w.w_len = len;
	w.w_dst = dst;
	pthread_cond_init(&w.w_cv, NULL);
	pthread_mutex_lock(&c->c_lock);
	if (c->c_state == SPC_DYING || c->c_inexec) {
		pthread_mutex_unlock(&c->c_lock);
		pthread_cond_destroy(&w.w_cv);
		return SP_EFAULT;
	}
	h.reqno = w.w_reqno = c->c_nextreq++;
	w.w_next = c->c_waiters;
	c->c_waiters = &w;
	pthread_mutex_unlock(&c->c_lock);

	if (conn_send(c, &h, body, blen, NULL, 0, 0) != 0) {
		pthread_mutex_lock(&c->c_lock);
		/* unlisted and unanswered: an answer (a client may answer
		 * before it is asked) is being read into dst; let it end */
		if (w.w_done == 0 && !waiter_unlink(c, &w))
			while (w.w_done == 0)
				pthread_cond_wait(&w.w_cv, &c->c_lock);
		pthread_mutex_unlock(&c->c_lock);
		free(w.w_data);
		pthread_cond_destroy(&w.w_cv);
		return SP_EFAULT;
	}

	pthread_mutex_lock(&c->c_lock);
	while (w.w_done == 0)
		pthread_cond_wait(&w.w_cv, &c->c_lock);
	pthread_mutex_unlock(&c->c_lock);
	pthread_cond_destroy(&w.w_cv);
	if (w.w_done < 0)
		return SP_EFAULT;
	*datap = w.w_data;
	*dlenp = w.w_dlen;
	return 0;
}

/* COPYIN or COPYINSTR of at most *lenp bytes; *lenp gets the count. */
static int
copyin_req(struct sp_conn *c, enum sp_type type, const void *raddr,
    void *laddr, size_t *lenp)
{
	struct sp_hdr h = { .class = SP_REQ, .type = (uint16_t)type };
	struct sp_copydata cd = { .rcp_len = *lenp,
	    .rcp_addr = (uint64_t)(uintptr_t)raddr };
	uint8_t *data = NULL;
	size_t dlen = 0;
	int error;

	if ((error = request(c, &h, &cd, sizeof(cd), *lenp, laddr, &data,
	    &dlen)) != 0)
		return error;
	if (data != NULL)
		memcpy(laddr, data, dlen);
	free(data);
	*lenp = dlen;
	return 0;
}

int
rumpuser_sp_copyin(void *spc, const void *raddr, void *laddr, size_t len)
{
	size_t got = len;
	int error;

	if (len == 0)
		return 0;
	if (raddr == NULL || spc == NULL)
		return SP_EFAULT;
	if ((error = copyin_req(spc, SP_COPYIN, raddr, laddr, &got)) != 0)
		return error;
	return got == len ? 0 : SP_EFAULT;	/* a short answer */
}

int
rumpuser_sp_copyinstr(void *spc, const void *raddr, void *laddr,
    size_t *lenp)
{
	if (*lenp == 0)
		return 0;
	if (raddr == NULL || spc == NULL)
		return SP_EFAULT;
	return copyin_req(spc, SP_COPYINSTR, raddr, laddr, lenp);
}

int
rumpuser_sp_copyout(void *spc, const void *laddr, void *raddr, size_t len)
{
	struct sp_hdr h = { .class = SP_REQ, .type = SP_COPYOUT };
	struct sp_copydata cd;
	struct sp_conn *c = spc;
	size_t off, n;
	bool inexec;

	if (len == 0)
		return 0;
	if (raddr == NULL || c == NULL)
		return SP_EFAULT;
	for (off = 0; off < len; off += n) {
		n = len - off < SP_COPYCHUNK ? len - off : SP_COPYCHUNK;
		cd.rcp_len = n;
		cd.rcp_addr = (uint64_t)(uintptr_t)raddr + off;
		pthread_mutex_lock(&c->c_lock);
		h.reqno = c->c_nextreq++;
		inexec = c->c_inexec;
		pthread_mutex_unlock(&c->c_lock);
		if (inexec)		/* the memory is the old image's */
			return SP_EFAULT;
		if (conn_send(c, &h, &cd, sizeof(cd),
		    (const char *)laddr + off, n, SP_SEND_WAIT) != 0)
			return SP_EFAULT;
	}
	return 0;
}

int
rumpuser_sp_anonmmap(void *spc, size_t len, void **resp)
{
	struct sp_hdr h = { .class = SP_REQ, .type = SP_ANONMMAP };
	uint64_t howmuch = len, addr;
	uint8_t *data = NULL;
	size_t dlen = 0;
	int error;

	if (spc == NULL)
		return SP_EFAULT;
	if ((error = request(spc, &h, &howmuch, sizeof(howmuch),
	    sizeof(addr), NULL, &data, &dlen)) != 0)
		return error;
	if (dlen != sizeof(addr)) {
		free(data);
		return SP_EFAULT;
	}
	memcpy(&addr, data, sizeof(addr));
	free(data);
	if (addr == 0)
		return SP_ENOMEM;
	*resp = (void *)(uintptr_t)addr;
	return 0;
}

int
rumpuser_sp_raise(void *spc, int netbsd_signo)
{
	struct sp_hdr h = { .class = SP_REQ, .type = SP_RAISE,
	    .u = (uint32_t)netbsd_signo };
	struct sp_conn *c = spc;

	if (c == NULL)
		return SP_EINVAL;
	pthread_mutex_lock(&c->c_lock);
	h.reqno = c->c_nextreq++;
	pthread_mutex_unlock(&c->c_lock);
	return rumpuser_errtrans(conn_send(c, &h, NULL, 0, NULL, 0, 0));
}
