/*
 * conn.c: a client connection's life (states and locks: client.h).
 *
 * Dialling: socket, connect, one read() of at most 95 bytes that must
 * end in '\n' (the banner, otherwise unparsed, as NetBSD's client
 * does), then non-blocking mode.  The socket is close-on-exec and kept
 * off descriptors 0-2, which programs like to close and reopen.
 *
 * Requests: cl_request_once sends one frame and waits for its answer;
 * cl_request adds the policy: a broken connection is reconnected (or
 * not) per rumpclient_setconnretry(), and a call whose answer was lost
 * or that the server refused with TRYAGAIN is sent again, with a new
 * request number.
 *
 * Reconnecting (NetBSD's policy and messages): the first attempt is
 * immediate and silent; if it fails, "connection to kernel lost" is
 * printed and attempts continue with a growing back-off (0.1 s times
 * the attempt for ten attempts, then one more second each time, at
 * most 10 s), "still trying" every two minutes, until the timeout.
 * RETRYCONN_ONCE makes only the first attempt; RETRYCONN_DIE exits.
 * The new connection is a GUEST: a fresh process in the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <rump/rumpclient.h>

#include "client/client.h"

#define CL_BANNERMAX	95	/* what one banner read may take */
#define CL_SOCKBUF	(1024 * 1024)	/* socket buffers asked for */

struct cl_conn *
cl_conn_new(int fd, uint64_t firstreq)
{
	struct cl_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->rbuf = malloc(CL_RBUFSZ)) == NULL) {
		free(c);
		return NULL;
	}
	pthread_mutex_init(&c->mtx, NULL);
	pthread_mutex_init(&c->smtx, NULL);
	pthread_cond_init(&c->gatecv, NULL);
	c->fd = fd;
	c->rdrained = true;
	c->state = CONN_UP;
	c->nextreq = firstreq;
	atomic_init(&c->gen, 1);
	return c;
}

/* ------------------------------------------------------------ dialling */

/* Move fd above the standard descriptors (close-on-exec kept). */
static int
fd_above_stdio(int fd)
{
	int nfd;

	if (fd < 0 || fd > 2)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return nfd;
}

/* connect(), finishing in the background if a signal interrupts it. */
static int
dial_connect(int s, const struct sp_url *u)
{
	struct pollfd pfd = { .fd = s, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int error = 0;

	if (connect(s, (const struct sockaddr *)&u->addr, u->addrlen) == 0)
		return 0;
	if (errno != EINTR)
		return errno;
	while (poll(&pfd, 1, -1) == -1) {
		if (errno != EINTR)
			return errno;
	}
	if (getsockopt(s, SOL_SOCKET, SO_ERROR, &error, &len) == -1)
		return errno;
	return error;
}

/* One read, at most 95 bytes, ending in a newline. */
static int
dial_banner(int s)
{
	char banner[CL_BANNERMAX + 1];
	ssize_t n;

	while ((n = read(s, banner, CL_BANNERMAX)) == -1 && errno == EINTR)
		continue;
	if (n < 0)
		return errno;
	if (n == 0)
		return ECONNRESET;
	if (banner[n - 1] != '\n')
		return EPROTO;
	return 0;
}

/* A connected socket that has read the banner.  0 or a host errno. */
int
cl_dial(const struct sp_url *u, int *fdp)
{
	int s, one = 1, bufsz = CL_SOCKBUF, error, fl;

	s = fd_above_stdio(socket(u->family, SOCK_STREAM | SOCK_CLOEXEC, 0));
	if (s == -1)
		return errno;
	if ((error = dial_connect(s, u)) != 0)
		goto fail;
	if (u->family != AF_UNIX)
		(void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
	/* a copyin answer of a whole window in one go, if the host lets us */
	(void)setsockopt(s, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	(void)setsockopt(s, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	if ((error = dial_banner(s)) != 0)
		goto fail;
	if ((fl = fcntl(s, F_GETFL)) == -1 ||
	    fcntl(s, F_SETFL, fl | O_NONBLOCK) == -1) {
		error = errno;
		goto fail;
	}
	*fdp = s;
	return 0;
 fail:
	close(s);
	return error;
}

/* ------------------------------------------------------------- sending */

/* Send a frame of generation gen.  0 or a host errno. */
int
cl_send(struct cl_conn *c, unsigned gen, const struct sp_hdr *h,
    const void *body, size_t blen)
{
	int error;

	pthread_mutex_lock(&c->smtx);
	if (gen != atomic_load(&c->gen) || c->fd < 0)
		error = ENOTCONN;
	else
		error = sp_send(c->fd, h, body, blen);
	pthread_mutex_unlock(&c->smtx);
	return error;
}

/* Write all of iov, waiting when the socket is full.  *sent counts. */
static int
send_all(int fd, struct iovec *iov, int cnt, size_t *sent)
{
	struct msghdr msg;
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	ssize_t n;

	while (cnt > 0) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		msg.msg_iovlen = (size_t)cnt;
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			(void)poll(&pfd, 1, -1);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		*sent += (size_t)n;
		while (cnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

/* Finish a frame whose data the kernel would not read: zeros. */
static int
send_zeros(int fd, size_t n)
{
	static const char zeros[4096];
	struct iovec iov;
	size_t sent;
	int error;

	while (n > 0) {
		iov.iov_base = (void *)zeros;
		iov.iov_len = n < sizeof(zeros) ? n : sizeof(zeros);
		sent = 0;
		if ((error = send_all(fd, &iov, 1, &sent)) != 0)
			return error;
		n -= sent;
	}
	return 0;
}

/*
 * Reply to a server request with `len` bytes of the program's memory
 * (the receiver only).  If that memory cannot be read (EFAULT) before
 * anything went out, the reply carries no data; if part went out, the
 * rest is zeros, so the stream stays whole.
 */
int
cl_send_copy(struct cl_conn *c, const struct sp_hdr *h, const void *data,
    size_t len)
{
	struct sp_hdr hdr = *h;
	struct iovec iov[2];
	size_t sent = 0;
	int error;

	hdr.len = SP_HDRSZ + len;
	iov[0] = (struct iovec){ &hdr, SP_HDRSZ };
	iov[1] = (struct iovec){ (void *)(uintptr_t)data, len };
	pthread_mutex_lock(&c->smtx);
	error = c->fd < 0 ? ENOTCONN : send_all(c->fd, iov, len > 0 ? 2 : 1,
	    &sent);
	if (error == EFAULT && sent == 0) {
		hdr.len = SP_HDRSZ;
		iov[0] = (struct iovec){ &hdr, SP_HDRSZ };
		error = send_all(c->fd, iov, 1, &sent);
	} else if (error == EFAULT) {
		error = send_zeros(c->fd, SP_HDRSZ + len - sent);
	}
	pthread_mutex_unlock(&c->smtx);
	return error;
}

/* ---------------------------------------------------------- breakdown */

static void
wake_all_locked(struct cl_conn *c)
{
	struct cl_waiter *w;

	for (w = c->waiters; w != NULL; w = w->next)
		pthread_cond_signal(&w->cv);
	pthread_cond_broadcast(&c->gatecv);
}

/*
 * The socket of generation gen broke: end every wait on it.  The
 * descriptor is shut down (waking a receiver in ppoll) but stays open
 * until a reconnect retires it, so its number cannot be reused under
 * a thread still holding it.
 */
void
cl_fail_locked(struct cl_conn *c, unsigned gen)
{
	if (gen != atomic_load(&c->gen))
		return;
	atomic_fetch_add(&c->gen, 1);
	if (c->state == CONN_UP)
		c->state = CONN_DEAD;
	if (c->fd >= 0)
		shutdown(c->fd, SHUT_RDWR);
	wake_all_locked(c);
}

/* Close the socket for good once nobody receives on it. */
static void
retire_locked(struct cl_conn *c)
{
	atomic_fetch_add(&c->gen, 1);
	wake_all_locked(c);
	if (c->fd >= 0)
		shutdown(c->fd, SHUT_RDWR);
	while (c->receiving)
		pthread_cond_wait(&c->gatecv, &c->mtx);
	pthread_mutex_lock(&c->smtx);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	pthread_mutex_unlock(&c->smtx);
	cl_rbuf_reset(c);
}

/* ---------------------------------------------------------- reconnect */

static double
elapsed_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
backoff(unsigned attempt)
{
	if (attempt < 10)
		usleep(100000 * attempt);
	else
		sleep(attempt - 9 < 10 ? attempt - 9 : 10);
}

/* One attempt: dial and introduce ourselves as a new guest.  mtx held. */
static int
reconnect_once_locked(struct cl_conn *c, const sigset_t *omask)
{
	int fd, error;

	pthread_mutex_unlock(&c->mtx);
	error = cl_dial(&cl_url, &fd);
	pthread_mutex_lock(&c->mtx);
	if (error != 0)
		return error;
	pthread_mutex_lock(&c->smtx);
	c->fd = fd;
	pthread_mutex_unlock(&c->smtx);
	c->nextreq = 1;
	pthread_mutex_unlock(&c->mtx);
	error = cl_handshake(c, SP_HS_GUEST, NULL, 0, omask);
	pthread_mutex_lock(&c->mtx);
	if (error != 0)
		retire_locked(c);
	return error;
}

/* The retry loop, in state RECONNECTING.  0 or ENOTCONN.  mtx held. */
static int
reconnect_locked(struct cl_conn *c, time_t policy, const sigset_t *omask)
{
	struct timespec t0;
	double lastmsg = 0;
	unsigned attempt;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (attempt = 0;; attempt++) {
		if (attempt == 1) {
			if (policy == RUMPCLIENT_RETRYCONN_ONCE)
				return ENOTCONN;
			fprintf(stderr, "rump_sp: connection to kernel lost, "
			    "trying to reconnect ...\n");
		} else if (attempt > 1 && elapsed_since(&t0) - lastmsg > 120) {
			fprintf(stderr, "rump_sp: still trying to "
			    "reconnect ...\n");
			lastmsg = elapsed_since(&t0);
		}
		if (policy > 0 && elapsed_since(&t0) >= (double)policy) {
			fprintf(stderr, "rump_sp: reconnect failed, %lld "
			    "second timeout\n", (long long)policy);
			return ENOTCONN;
		}
		pthread_mutex_unlock(&c->mtx);
		backoff(attempt);
		pthread_mutex_lock(&c->mtx);
		if (reconnect_once_locked(c, omask) == 0) {
			if (attempt != 0)
				fprintf(stderr, "rump_sp: reconnected!\n");
			return 0;
		}
	}
}

/*
 * May a request go out?  Waits out a reconnect in progress; on a dead
 * connection applies the retry policy, reconnecting in this thread.
 * 0 (state UP) or ENOTCONN.  mtx held.
 */
int
cl_gate_locked(struct cl_conn *c, const sigset_t *omask)
{
	time_t policy;
	int error;

	for (;;) {
		if (c->state == CONN_UP)
			return 0;
		if (cl_am_receiver(c))	/* a signal handler mid-receive */
			return ENOTCONN;
		if (c->state == CONN_RECONNECTING) {
			pthread_cond_wait(&c->gatecv, &c->mtx);
			continue;
		}
		policy = (time_t)atomic_load(&cl_retry);
		if (policy == 0)
			return ENOTCONN;
		if (policy == RUMPCLIENT_RETRYCONN_DIE)
			_exit(1);
		c->state = CONN_RECONNECTING;
		retire_locked(c);
		error = reconnect_locked(c, policy, omask);
		c->state = error == 0 ? CONN_UP : CONN_DEAD;
		pthread_cond_broadcast(&c->gatecv);
		return error;
	}
}

/* ------------------------------------------------------------ requests */

/* Send h (+ body) and wait for the answer.  0 or a host errno. */
int
cl_request_once(struct cl_conn *c, struct sp_hdr *h, const void *body,
    size_t blen, struct cl_resp *r, const sigset_t *omask)
{
	struct cl_waiter w;
	int error;

	memset(&w, 0, sizeof(w));
	pthread_cond_init(&w.cv, NULL);
	pthread_mutex_lock(&c->mtx);
	h->reqno = w.reqno = c->nextreq++;
	w.gen = atomic_load(&c->gen);
	cl_waiter_add_locked(c, &w);
	pthread_mutex_unlock(&c->mtx);

	if (cl_send(c, w.gen, h, body, blen) != 0) {
		pthread_mutex_lock(&c->mtx);
		cl_waiter_remove_locked(c, &w);
		cl_fail_locked(c, w.gen);
		pthread_mutex_unlock(&c->mtx);
		error = ENOTCONN;
	} else if ((error = cl_wait(c, &w, omask)) == 0) {
		r->hdr = w.hdr;
		r->blen = w.blen;
		memcpy(r->body, w.body, sizeof(r->body));
	}
	pthread_cond_destroy(&w.cv);
	return error;
}

/* A request with the retry policy.  0 (answer in r) or a host errno. */
int
cl_request(struct cl_conn *c, struct sp_hdr *h, const void *body,
    size_t blen, struct cl_resp *r, const sigset_t *omask)
{
	int error;

	for (;;) {
		pthread_mutex_lock(&c->mtx);
		error = cl_gate_locked(c, omask);
		pthread_mutex_unlock(&c->mtx);
		if (error != 0)
			return error;
		error = cl_request_once(c, h, body, blen, r, omask);
		if (error == ENOTCONN)
			continue;	/* the gate decides */
		if (error != 0)
			return error;
		if (r->hdr.class == SP_ERROR && r->hdr.u == SP_ERR_TRYAGAIN)
			continue;
		return 0;
	}
}

/* ---------------------------------------------------------- handshake */

/* Our name for the server: /proc/self/comm, as NetBSD's client on Linux. */
const char *
cl_progname(char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if ((fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC)) == -1)
		return "???";
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return "???";
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* What an ERROR frame's code means to the client (spec §6). */
int
cl_errframe(uint32_t code)
{
	static const int map[] = {
		[SP_ERR_NONE] = EPROTO,		/* "error: none" is no answer */
		[SP_ERR_TRYAGAIN] = EAGAIN,
		[SP_ERR_AUTH] = EPERM,
		[SP_ERR_INVALID_PREFORK] = ESRCH,
		[SP_ERR_RFORK_FAILED] = EIO,
		[SP_ERR_INEXEC] = EBUSY,
		[SP_ERR_NOMEM] = ENOMEM,
		[SP_ERR_MALFORMED_REQUEST] = EINVAL,
	};

	return code < sizeof(map) / sizeof(map[0]) ? map[code] : EPROTO;
}

/*
 * HANDSHAKE of the given kind; GUEST and EXEC carry our name, FORK the
 * caller's body.  0, a host errno, or the server's non-zero answer.
 */
int
cl_handshake(struct cl_conn *c, int kind, const void *body, size_t blen,
    const sigset_t *omask)
{
	struct sp_hdr h = { .class = SP_REQ, .type = SP_HANDSHAKE,
	    .u = (uint32_t)kind };
	struct cl_resp r;
	char name[128];
	int32_t answer;
	int error;

	if (kind != SP_HS_FORK) {
		body = cl_progname(name, sizeof(name));
		blen = strlen(body) + 1;
	}
	if ((error = cl_request_once(c, &h, body, blen, &r, omask)) != 0)
		return error;
	if (r.hdr.class == SP_ERROR)
		return cl_errframe(r.hdr.u);
	if (r.blen < sizeof(answer))
		return EPROTO;
	memcpy(&answer, r.body, sizeof(answer));
	return answer;
}
