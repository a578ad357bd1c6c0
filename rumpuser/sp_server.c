/*
 * sp_server.c: the sysproxy server: listeners, the poll thread, and
 * the connection state machine (NEW -> RUNNING -> DYING; see struct
 * sp_conn in sp_int.h for the states and their locks).
 *
 * Each rumpuser_sp_init() opens a listener served by its own poll
 * thread, which accepts (up to SP_MAXCONN connections; more are
 * accepted and closed at once), writes the banner, reads frames from
 * every connection and acts on them:
 *
 *   any state   RESP: handed to the worker waiting for it, or dropped
 *               class other than REQ/RESP: ERROR MALFORMED_REQUEST
 *   NEW         HANDSHAKE GUEST or FORK: to a worker, reading paused
 *               anything else: ERROR AUTH, connection closed
 *   RUNNING     SYSCALL, PREFORK, HANDSHAKE EXEC: queued for a worker
 *               other handshakes: ERROR MALFORMED_REQUEST, closed
 *               EXEC or PREFORK during exec: ERROR INEXEC, closed
 *               other REQ types: ERROR MALFORMED_REQUEST
 *   a length below 24 or above the cap (sp_int.h), EOF, read error:
 *               the connection dies; other clients carry on.
 *
 * The poll thread never waits on a client (sends are queued, see
 * sp_conn.c) nor on the kernel: it makes no upcall at all.  Handshakes
 * go to workers, and a dropped connection to the reaper (sp_conn.c),
 * which cancels its calls and releases its process: a release may wait
 * for a vnode lock held by a call that waits for its client's copyin
 * answer, which only this thread can read.  sp_glock guards the list
 * of servers.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sp_int.h"

static pthread_mutex_t sp_glock = PTHREAD_MUTEX_INITIALIZER;
static struct sp_server *sp_servers;		/* sp_glock */

void
server_wake(struct sp_server *s)
{
	uint64_t one = 1;
	ssize_t n;

	do
		n = write(s->s_wakefd, &one, sizeof(one));
	while (n < 0 && errno == EINTR);
}

/* ------------------------------------------------------- dispatching */

/* Refuse with an error frame and end the connection. */
static void
conn_refuse(struct sp_conn *c, uint64_t reqno, enum sp_err code)
{
	conn_send_error(c, reqno, code);
	c->c_closing = true;
}

/*
 * NEW: a GUEST or FORK handshake makes or claims a process, which is
 * kernel work that may wait on kernel locks, so a worker does it; the
 * poll thread reads nothing more from this client until it is done
 * (c_hold), as a client may send its first calls right behind.
 */
static void
frame_new(struct sp_conn *c, const struct sp_hdr *h, uint8_t *body,
    size_t blen)
{
	if (h->type != SP_HANDSHAKE ||
	    (h->u != SP_HS_GUEST && h->u != SP_HS_FORK)) {
		conn_refuse(c, h->reqno, SP_ERR_AUTH);
		free(body);
		return;
	}
	atomic_store(&c->c_hold, true);
	if (work_dispatch(c, SPW_HANDSHAKE, h, body, blen) != 0) {
		atomic_store(&c->c_hold, false);
		conn_refuse(c, h->reqno, SP_ERR_TRYAGAIN);
	}
}

/* Hand a request to a worker; TRYAGAIN if there can be none. */
static bool
conn_dispatch(struct sp_conn *c, enum sp_workkind kind,
    const struct sp_hdr *h, uint8_t *body, size_t blen)
{
	if (work_dispatch(c, kind, h, body, blen) == 0)
		return true;
	conn_send_error(c, h->reqno, SP_ERR_TRYAGAIN);
	return false;
}

/* An exec that never started: the process is not in exec after all. */
static void
conn_leave_exec(struct sp_conn *c)
{
	pthread_mutex_lock(&c->c_lock);
	c->c_inexec = false;
	pthread_mutex_unlock(&c->c_lock);
}

/* EXEC or PREFORK: refused during an exec; EXEC starts one. */
static bool
conn_enter_exec(struct sp_conn *c, const struct sp_hdr *h, bool isexec)
{
	bool busy;

	pthread_mutex_lock(&c->c_lock);
	busy = c->c_inexec;
	if (!busy && isexec)
		c->c_inexec = true;
	pthread_mutex_unlock(&c->c_lock);
	if (busy)
		conn_refuse(c, h->reqno, SP_ERR_INEXEC);
	return !busy;
}

static void
frame_running(struct sp_conn *c, const struct sp_hdr *h, uint8_t *body,
    size_t blen)
{
	switch (h->type) {
	case SP_SYSCALL:
		conn_dispatch(c, SPW_SYSCALL, h, body, blen);
		return;
	case SP_PREFORK:
		if (conn_enter_exec(c, h, false))
			conn_dispatch(c, SPW_PREFORK, h, NULL, 0);
		break;
	case SP_HANDSHAKE:
		if (h->u != SP_HS_EXEC)
			conn_refuse(c, h->reqno, SP_ERR_MALFORMED_REQUEST);
		else if (conn_enter_exec(c, h, true)) {
			if (!conn_dispatch(c, SPW_EXEC, h, body, blen))
				conn_leave_exec(c);
			return;
		}
		break;
	default:		/* our request types, or unknown ones */
		conn_send_error(c, h->reqno, SP_ERR_MALFORMED_REQUEST);
		break;
	}
	free(body);
}

/* One whole frame from the client; takes the body. */
static void
frame_handle(struct sp_conn *c, const struct sp_hdr *h, uint8_t *body,
    size_t blen)
{
	enum sp_state st;

	if (h->class == SP_RESP) {
		conn_deliver(c, h, body, blen);
		return;
	}
	if (h->class != SP_REQ) {
		conn_send_error(c, h->reqno, SP_ERR_MALFORMED_REQUEST);
		free(body);
		return;
	}
	pthread_mutex_lock(&c->c_lock);
	st = c->c_state;
	pthread_mutex_unlock(&c->c_lock);
	if (st == SPC_NEW)
		frame_new(c, h, body, blen);
	else if (st == SPC_RUNNING)
		frame_running(c, h, body, blen);
	else
		free(body);
}

/* Read and act on what the socket has.  -1: the connection is over. */
static int
conn_input(struct sp_conn *c)
{
	struct sp_hdr h;
	uint8_t *body;
	size_t blen;
	bool direct;
	int i, r;

	/* a handshake being made holds what follows until it is done;
	 * frames read ahead and left are seen to by server_loop */
	for (i = 0; i < SP_FRAMEBURST && !c->c_closing &&
	    !atomic_load(&c->c_hold); i++) {
		if (i > 0 && sp_reader_dry(&c->c_rd))
			return 0;	/* empty: no read just to hear so */
		if ((r = sp_reader_fill(c->c_fd, &c->c_rd, SP_MAXREQ)) == 0)
			return 0;
		if (r < 0)
			return -1;
		h = c->c_rd.hdr;
		body = c->c_rd.body;
		blen = (size_t)(h.len - SP_HDRSZ);
		direct = c->c_rd.direct;
		c->c_rd.body = NULL;
		sp_reader_reset(&c->c_rd);
		if (direct)	/* a copyin answer, already in place */
			conn_deliver_direct(c, blen, true);
		else
			frame_handle(c, &h, body, blen);
	}
	return 0;
}

/* ----------------------------------------------------- the poll loop */

/* Forget a connection; the reaper cancels its process's calls and
 * drops the poll table's reference. */
static void
conn_drop(struct sp_server *s, int slot)
{
	struct sp_conn *c = s->s_conns[slot];

	s->s_conns[slot] = NULL;
	conn_deliver_direct(c, 0, false);	/* an answer cut short */
	conn_kill(c);
	reap_queue(c);
}

/* Frames read ahead wait for the poll thread, which poll cannot tell. */
static bool
conn_ahead(struct sp_conn *c)
{
	return !c->c_closing && !atomic_load(&c->c_hold) &&
	    sp_reader_ahead(&c->c_rd);
}

static void
conn_event(struct sp_server *s, int slot, short revents)
{
	struct sp_conn *c = s->s_conns[slot];

	if (revents & POLLOUT)
		conn_flush(c);
	if (!c->c_closing && !atomic_load(&c->c_hold) &&
	    (revents & (POLLIN | POLLHUP | POLLERR))) {
		if (conn_input(c) < 0) {
			conn_drop(s, slot);
			return;
		}
	} else if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
		conn_drop(s, slot);
		return;
	}
	if (c->c_closing) {
		conn_flush(c);		/* the refusal, if the socket takes it */
		conn_drop(s, slot);
	}
}

/* Accept what is pending.  false: out of descriptors or memory, so
 * leave the listener alone for a moment. */
static bool
server_accept(struct sp_server *s)
{
	struct sp_conn *c;
	int fd, slot, one = 1, bufsz = SP_SOCKBUF, i;

	for (i = 0; i < 64; i++) {
		fd = accept4(s->s_lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0 && errno == EINTR)
			continue;
		if (fd < 0)
			return errno != EMFILE && errno != ENFILE &&
			    errno != ENOBUFS && errno != ENOMEM;
		for (slot = 0; slot < SP_MAXCONN; slot++)
			if (s->s_conns[slot] == NULL)
				break;
		if (slot == SP_MAXCONN || (c = conn_alloc(s, fd)) == NULL) {
			close(fd);		/* full: no banner */
			continue;
		}
		if (s->s_url.family != AF_UNIX)
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof(one));
		/* big copies in fewer rounds, if the host allows it */
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
		if (send(fd, s->s_banner, s->s_bannerlen,
		    MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)s->s_bannerlen) {
			conn_rele(c);
			continue;
		}
		s->s_conns[slot] = c;
	}
	return true;
}

static void
server_drain_wake(struct sp_server *s)
{
	uint64_t v;

	while (read(s->s_wakefd, &v, sizeof(v)) > 0)
		continue;
}

/* fini: every client sees end of file; the kernel is going away, so
 * no process is released. */
static void
server_shut(struct sp_server *s)
{
	int i;

	for (i = 0; i < SP_MAXCONN; i++)
		if (s->s_conns[i] != NULL)
			shutdown(s->s_conns[i]->c_fd, SHUT_RDWR);
	shutdown(s->s_lfd, SHUT_RDWR);
	close(s->s_lfd);
	pthread_mutex_lock(&s->s_lock);
	s->s_done = true;
	pthread_cond_broadcast(&s->s_cv);
	pthread_mutex_unlock(&s->s_lock);
}

static void *
server_loop(void *arg)
{
	struct sp_server *s = arg;
	struct pollfd pfd[2 + SP_MAXCONN];
	int slot[2 + SP_MAXCONN];
	bool pause = false, ahead;
	int i, n;
	short ev;
	struct sp_conn *c;

	for (;;) {
		n = 0;
		ahead = false;
		pfd[n++] = (struct pollfd){ .fd = s->s_lfd,
		    .events = pause ? 0 : POLLIN };
		pfd[n++] = (struct pollfd){ .fd = s->s_wakefd,
		    .events = POLLIN };
		for (i = 0; i < SP_MAXCONN; i++) {
			if ((c = s->s_conns[i]) == NULL)
				continue;
			pfd[n].fd = c->c_fd;
			pfd[n].events = atomic_load(&c->c_hold) ? 0 : POLLIN;
			if (atomic_load(&c->c_wantout))
				pfd[n].events |= POLLOUT;
			pfd[n].revents = 0;
			slot[n++] = i;
			ahead |= conn_ahead(c);
		}
		if (poll(pfd, (nfds_t)n, ahead ? 0 : pause ? 100 : -1) < 0) {
			if (errno == EINTR)
				continue;
			struct timespec ts = { 0, 10 * 1000 * 1000 };
			nanosleep(&ts, NULL);	/* ENOMEM: try again */
			continue;
		}
		if (atomic_load(&s->s_stop))
			break;
		if (pfd[1].revents & POLLIN)
			server_drain_wake(s);
		for (i = 2; i < n; i++) {
			ev = pfd[i].revents;
			if (conn_ahead(s->s_conns[slot[i]]))
				ev |= POLLIN;
			if (ev != 0)
				conn_event(s, slot[i], ev);
		}
		if (pfd[0].revents & POLLIN)
			pause = !server_accept(s);
		else if (pause)
			pause = false;
		else if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL))
			break;
	}
	server_shut(s);
	return NULL;
}

/* ----------------------------------------------------------- listen */

/*
 * A unix socket path that exists: if a server answers on it, it is in
 * use (EADDRINUSE; never take a live server's socket); if nobody
 * listens (ECONNREFUSED) it is a leftover and goes.
 */
static int
unix_stale(const struct sp_url *u)
{
	struct stat st;
	int fd, error = 0;

	if (lstat(u->path, &st) != 0 || !S_ISSOCK(st.st_mode))
		return 0;		/* absent, or bind will say why */
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) < 0)
		return errno;
	if (connect(fd, (const struct sockaddr *)&u->addr, u->addrlen) == 0 ||
	    errno == EAGAIN || errno == EINPROGRESS)
		error = EADDRINUSE;
	else if (errno == ECONNREFUSED && unlink(u->path) != 0 &&
	    errno != ENOENT)
		error = errno;
	close(fd);
	return error;
}

static int
server_listen(const struct sp_url *u, int *fdp)
{
	int fd, one = 1, error;

	if (u->family == AF_UNIX && (error = unix_stale(u)) != 0)
		return error;
	if ((fd = socket(u->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) < 0)
		return errno;
	if (u->family != AF_UNIX)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (u->family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&u->addr, u->addrlen) != 0) {
		error = errno;
		close(fd);
		fprintf(stderr, "rump_sp: failed to bind to URL %s\n",
		    u->canon);
		return error;
	}
	if (listen(fd, 256) != 0) {
		error = errno;
		close(fd);
		if (u->family == AF_UNIX)
			unlink(u->path);
		fprintf(stderr, "rump_sp: server listen failed\n");
		return error;
	}
	*fdp = fd;
	return 0;
}

static void
server_free(struct sp_server *s)
{
	if (s->s_wakefd >= 0)
		close(s->s_wakefd);
	pthread_cond_destroy(&s->s_cv);
	pthread_mutex_destroy(&s->s_lock);
	free(s);
}

/*
 * A server's kernel frees and reallocates file data all the time (a
 * tmpfs file rewritten, the buffer cache turning over), a page per
 * allocation.  The host allocator's default hands freed memory back
 * at once, so the next 64 MiB written cost 16384 page faults and
 * zeroed pages (half the time of a fresh tmpfs write).  The kernel
 * counts and limits its memory itself (RUMP_MEMLIMIT), so the server
 * process keeps up to SP_HEAPKEEP of freed heap for reuse; fixing the
 * trim threshold also fixes the size above which malloc maps memory
 * of its own (else dynamic), at SP_HEAPMAP, above the 1 MiB windows.
 * The same pad makes the heaps of the workers' arenas writable whole
 * when made, instead of one mprotect per page as they grow: the first
 * 64 MiB written cost 16384 of those.  (Address space, not memory: a
 * page is host memory once touched.)
 */
#define SP_HEAPKEEP	(64 * 1024 * 1024)
#define SP_HEAPMAP	(4 * 1024 * 1024)

static void
heap_keep(void)
{
	mallopt(M_MMAP_THRESHOLD, SP_HEAPMAP);
	mallopt(M_TRIM_THRESHOLD, SP_HEAPKEEP);
	mallopt(M_TOP_PAD, SP_HEAPKEEP);
}

int
rumpuser_sp_init(const char *url, const struct rumpuser_sp_hyp *hyp,
    const char *ostype, const char *osrelease, const char *machine)
{
	static pthread_once_t heap_once = PTHREAD_ONCE_INIT;

	struct sp_server *s;
	const char *why;
	int error;

	pthread_once(&heap_once, heap_keep);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return SP_ENOMEM;
	pthread_mutex_init(&s->s_lock, NULL);
	pthread_cond_init(&s->s_cv, NULL);
	s->s_hyp = hyp;
	s->s_wakefd = -1;
	if ((error = sp_url_parse(url, 1, &s->s_url, &why)) != 0) {
		fprintf(stderr, "rump_sp: %s: %s\n", url ? url : "(null)",
		    why);
		server_free(s);
		return rumpuser_errtrans(error);
	}
	s->s_bannerlen = sp_banner(s->s_banner, sizeof(s->s_banner), ostype,
	    osrelease, machine);
	if ((s->s_wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		error = rumpuser_errtrans(errno);
		server_free(s);
		return error;
	}
	if ((error = server_listen(&s->s_url, &s->s_lfd)) != 0) {
		server_free(s);
		return rumpuser_errtrans(error);
	}
	if ((error = rumpuser_thread_create(server_loop, s, "rump_spserver",
	    false, NULL)) != 0) {
		close(s->s_lfd);
		if (s->s_url.family == AF_UNIX)
			unlink(s->s_url.path);
		server_free(s);
		return error;
	}
	pthread_mutex_lock(&sp_glock);
	s->s_next = sp_servers;
	sp_servers = s;
	pthread_mutex_unlock(&sp_glock);
	return 0;
}

/* The reboot call of client spc, being served by this thread, gets its
 * reply now: the kernel will not return from it. */
static void
answer_reboot(void *spc)
{
	struct sp_work *w = work_current();
	struct sp_hdr h = { .class = SP_RESP, .type = SP_SYSCALL };
	struct sp_sysresp r;

	if (spc == NULL || w == NULL || w->w_conn != spc ||
	    w->w_kind != SPW_SYSCALL || w->w_answered)
		return;
	memset(&r, 0, sizeof(r));
	h.reqno = w->w_hdr.reqno;
	w->w_answered = true;
	conn_send_sync(w->w_conn, &h, &r, sizeof(r), 2000);
}

static void
server_stop(struct sp_server *s)
{
	struct timespec dl;

	if (atomic_exchange(&s->s_stop, true))
		return;
	server_wake(s);
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 2;
	pthread_mutex_lock(&s->s_lock);
	while (!s->s_done &&
	    pthread_cond_timedwait(&s->s_cv, &s->s_lock, &dl) == 0)
		continue;
	pthread_mutex_unlock(&s->s_lock);
}

void
rumpuser_sp_fini(void *spc)
{
	struct sp_server *s;

	pthread_mutex_lock(&sp_glock);
	for (s = sp_servers; s != NULL; s = s->s_next)
		if (s->s_url.family == AF_UNIX && s->s_url.path[0] == '/' &&
		    !atomic_load(&s->s_stop))
			unlink(s->s_url.path);
	pthread_mutex_unlock(&sp_glock);

	answer_reboot(spc);

	pthread_mutex_lock(&sp_glock);
	for (s = sp_servers; s != NULL; s = s->s_next)
		server_stop(s);
	pthread_mutex_unlock(&sp_glock);
}
