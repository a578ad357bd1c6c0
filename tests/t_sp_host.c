/*
 * t_sp_host: the host half of the server (rumpuser/sp_*.c) against a
 * scripted kernel: a mock struct rumpuser_sp_hyp records every upcall,
 * and its system calls 400-406 make the server's requests of the
 * client (anonmmap, raise, copyin, copyinstr, copyout), block, or
 * halt.  This pins down the order of upcalls (cancel, then release
 * only after the last call; exec only after the calls in flight), the
 * exact request frames, and the halting reply.
 */
#include <stdatomic.h>

#include "t_sp_util.h"
#include "rumpuser/rumpuser.h"
#include "rumpuser/rumpuser_sp.h"

int t_no_kernel = 1;

/* ------------------------------------------------------ the mock */

struct mproc {
	int	pid;
	void	*spc;
	char	comm[17];
	_Atomic int cancelled;
	_Atomic int released;
	_Atomic int inflight;
	int	parent;
	int	share;
};

static pthread_mutex_t mk_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t mk_cv = PTHREAD_COND_INITIALIZER;
static int gate;			/* mk_lock: 405 may return */
static int nextpid = 100;		/* mk_lock */
static char events[1024][48];		/* mk_lock: what happened, in order */
static int nevents;			/* mk_lock */
static _Atomic int fail_newproc, fail_forkproc, release_violation;
static _Atomic int slow_cancel;		/* ms that m_cancelproc takes */
static int last_error;			/* mk_lock: of the last 402/403/404 */

static void
ev(const char *fmt, int a, const char *s)
{
	pthread_mutex_lock(&mk_lock);
	if (nevents < 1024)
		snprintf(events[nevents++], sizeof(events[0]), fmt, a, s);
	pthread_mutex_unlock(&mk_lock);
}

/* Index of the first event equal to e, or -1. */
static int
ev_find(const char *e)
{
	int i, r = -1;

	pthread_mutex_lock(&mk_lock);
	for (i = 0; i < nevents && r < 0; i++)
		if (strcmp(events[i], e) == 0)
			r = i;
	pthread_mutex_unlock(&mk_lock);
	return r;
}

/* Wait up to TC_MS for event e. */
static int
ev_wait(const char *e)
{
	int i;

	for (i = 0; i < TC_MS / 5; i++) {
		if (ev_find(e) >= 0)
			return ev_find(e);
		usleep(5000);
	}
	return -1;
}

static void
ev_clear(void)
{
	pthread_mutex_lock(&mk_lock);
	nevents = 0;
	pthread_mutex_unlock(&mk_lock);
}

/* Every mock process ever made stays here (released ones too, so a
 * second release is caught rather than a use after free). */
static struct mproc *mk_all[4096];	/* mk_lock */

static struct mproc *
mproc_new(void *spc, const char *comm)
{
	struct mproc *p = calloc(1, sizeof(*p));

	pthread_mutex_lock(&mk_lock);
	p->pid = nextpid++;
	if (p->pid - 100 < 4096)
		mk_all[p->pid - 100] = p;
	pthread_mutex_unlock(&mk_lock);
	p->spc = spc;
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	return p;
}

static int
m_newproc(void *spc, const char *comm, void **procp)
{
	struct mproc *p;

	if (atomic_load(&fail_newproc))
		return 12;
	p = mproc_new(spc, comm);
	*procp = p;
	ev("new %d %s", p->pid, comm);
	return 0;
}

static int
m_forkproc(void *parent, void *spc, int share, void **procp)
{
	struct mproc *pp = parent, *p;

	if (atomic_load(&fail_forkproc))
		return 35;
	p = mproc_new(spc, pp->comm);
	p->parent = pp->pid;
	p->share = share;
	*procp = p;
	ev("fork %d", pp->pid, "");
	ev(share ? "child %d shared" : "child %d copied", p->pid, "");
	return 0;
}

static int
m_getpid(void *proc)
{
	return ((struct mproc *)proc)->pid;
}

static void
m_execproc(void *proc, const char *comm)
{
	struct mproc *p = proc;

	if (atomic_load(&p->inflight) != 0)
		atomic_store(&release_violation, 1);
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	atomic_store(&p->cancelled, 0);
	ev("exec %d %s", p->pid, comm);
}

static void
m_cancelproc(void *proc)
{
	struct mproc *p = proc;

	ev("cancel %d", p->pid, "");	/* before anyone can wake */
	if (atomic_load(&slow_cancel) > 0)
		usleep((useconds_t)atomic_load(&slow_cancel) * 1000);
	atomic_store(&p->cancelled, 1);
	pthread_mutex_lock(&mk_lock);
	pthread_cond_broadcast(&mk_cv);
	pthread_mutex_unlock(&mk_lock);
}

static void
m_releaseproc(void *proc)
{
	struct mproc *p = proc;

	if (atomic_load(&p->inflight) != 0 || atomic_exchange(&p->released, 1))
		atomic_store(&release_violation, 1);
	ev("release %d", p->pid, "");
}

/* 405: wait for the gate; cancellable unless args[0] is 1. */
static int
m_block(struct mproc *p, const uint64_t *a)
{
	int error = 0;

	pthread_mutex_lock(&mk_lock);
	while (!gate) {
		if (a[0] != 1 && atomic_load(&p->cancelled)) {
			error = 4;		/* EINTR */
			break;
		}
		pthread_cond_wait(&mk_cv, &mk_lock);
	}
	pthread_mutex_unlock(&mk_lock);
	return error;
}

static int
m_syscall(void *proc, int num, void *data, size_t dlen, int64_t rv[2])
{
	struct mproc *p = proc;
	uint64_t a[4] = { 0, 0, 0, 0 };
	char buf[4096];
	size_t n;
	void *addr = NULL;
	int error = 0;

	if (dlen > 0)
		memcpy(a, data, dlen < sizeof(a) ? dlen : sizeof(a));
	atomic_fetch_add(&p->inflight, 1);
	switch (num) {
	case 20:
		rv[0] = p->pid;
		rv[1] = 1;
		break;
	case 400:
		error = rumpuser_sp_anonmmap(p->spc, (size_t)a[0], &addr);
		rv[0] = (int64_t)(uintptr_t)addr;
		break;
	case 401:
		error = rumpuser_sp_raise(p->spc, (int)a[0]);
		break;
	case 402:		/* copyin(a0, len a1): rv[0] = first 8 bytes */
		memset(buf, 0, sizeof(buf));
		n = a[1] < sizeof(buf) ? (size_t)a[1] : sizeof(buf);
		error = rumpuser_sp_copyin(p->spc, (void *)(uintptr_t)a[0],
		    buf, n);
		memcpy(&rv[0], buf, 8);
		break;
	case 403:		/* copyinstr(a0, max a1): rv[0] = count */
		n = a[1] < sizeof(buf) ? (size_t)a[1] : sizeof(buf);
		error = rumpuser_sp_copyinstr(p->spc, (void *)(uintptr_t)a[0],
		    buf, &n);
		rv[0] = (int64_t)n;
		break;
	case 404:		/* copyout "0123..." to a0, len a1 */
		n = a[1] < sizeof(buf) ? (size_t)a[1] : sizeof(buf);
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)('0' + i % 10);
		error = rumpuser_sp_copyout(p->spc, buf,
		    (void *)(uintptr_t)a[0], n);
		break;
	case 405:
		error = m_block(p, a);
		break;
	case 406:		/* halt, as reboot would */
		rumpuser_sp_fini(p->spc);
		error = 99;	/* must never reach the client */
		break;
	default:
		error = 78;
	}
	if (num >= 402 && num <= 404) {
		pthread_mutex_lock(&mk_lock);
		last_error = error;
		pthread_mutex_unlock(&mk_lock);
	}
	if (num == 405)
		ev("end405 %d", p->pid, "");
	atomic_fetch_sub(&p->inflight, 1);
	return error;
}

static const struct rumpuser_sp_hyp mock = {
	.hyp_newproc = m_newproc,
	.hyp_forkproc = m_forkproc,
	.hyp_getpid = m_getpid,
	.hyp_execproc = m_execproc,
	.hyp_cancelproc = m_cancelproc,
	.hyp_releaseproc = m_releaseproc,
	.hyp_syscall = m_syscall,
};

static int serving;

static void
serve(void)
{
	if (serving)
		return;
	tc_name("host");
	unlink(tc_path);
	CHECK_EQ(rumpuser_sp_init(tc_url, &mock, "NetBSD", "7.99.34",
	    "amd64"), 0);
	atexit(tc_unlink);
	serving = 1;
}

static void
gate_set(int v)
{
	pthread_mutex_lock(&mk_lock);
	gate = v;
	pthread_cond_broadcast(&mk_cv);
	pthread_mutex_unlock(&mk_lock);
}

static int
last_err(void)
{
	int e;

	pthread_mutex_lock(&mk_lock);
	e = last_error;
	pthread_mutex_unlock(&mk_lock);
	return e;
}

/* -------------------------------------------------------- tests */

/* §10: no worker thread can be started and none exists: TRYAGAIN.
 * (First test: no worker exists yet; the handshake is a worker's job,
 * so it is the one refused, and that connection closes.) */
TEST(no_worker_tryagain)
{
	struct tc t;

	serve();
	CHECK_EQ(tc_open_path(&t, tc_path), 0);
	rumpuser_fault_set(RUMPUSER_THREAD_CREATE, 0, 1, 35);
	CHECK_EQ(tc_handshake(&t, TC_HS_GUEST, "try", 4),
	    TC_ERRFRAME + TC_E_TRYAGAIN);
	CHECK(tc_eof(t.fd, TC_MS));
	rumpuser_fault_clear();
	tc_close(&t);
	CHECK_EQ(tc_open(&t, "again"), 0);
	CHECK(tc_getpid(&t) >= 100);
	tc_close(&t);
}

/* The banner is built from the strings rumpuser_sp_init was given. */
TEST(banner_from_init_strings)
{
	char buf[128];
	int fd;

	serve();
	fd = tc_connect_path(tc_path);
	CHECK_EQ(tc_banner(fd, buf, sizeof(buf)), 32);
	CHECK_STR(buf, "RUMPSP-0.4-NetBSD-7.99.34/amd64\n");
	close(fd);
}

/* GUEST: hyp_newproc with the name; the pid is the kernel's. */
TEST(guest_calls_newproc)
{
	char e[48];
	struct tc t;

	serve();
	CHECK_EQ(tc_open(&t, "guest"), 0);
	snprintf(e, sizeof(e), "new %d guest", t.pid);
	CHECK(ev_find(e) >= 0);
	tc_close(&t);
}

/* hyp_newproc failing: the socket is shut, no frame (as NetBSD). */
TEST(newproc_failure_shutdown_silent)
{
	struct tc_hdr h;
	uint8_t *body;
	struct tc t;

	serve();
	CHECK_EQ(tc_open_path(&t, tc_path), 0);
	atomic_store(&fail_newproc, 1);
	tc_send(t.fd, 1, TC_REQ, TC_HANDSHAKE, TC_HS_GUEST, "x", 2);
	CHECK_EQ(tc_recv(t.fd, &h, &body, TC_MS), TC_EOF);
	atomic_store(&fail_newproc, 0);
	tc_close(&t);
}

/* §7 ANONMMAP: body = the length (8 bytes); the answer is the
 * client's address. */
TEST(anonmmap_round_trip)
{
	uint64_t a[1] = { 8192 };
	int64_t rv[2];
	struct tc t;

	serve();
	CHECK_EQ(tc_open(&t, "mmap"), 0);
	CHECK_EQ(tc_call(&t, 400, a, 1, rv), 0);
	CHECK_EQ(t.nmmap, 1);
	CHECK_EQ(t.mmaplen, 8192);
	CHECK(t.lastmmap != NULL);
	CHECK_EQ(rv[0], (int64_t)(uintptr_t)t.lastmmap);
	tc_close(&t);
}

TEST(anonmmap_null_enomem_short_efault)
{
	uint64_t a[1] = { 4096 };
	struct tc t;

	serve();
	CHECK_EQ(tc_open(&t, "mmap2"), 0);
	t.mode = TC_EMPTY;
	CHECK_EQ(tc_call(&t, 400, a, 1, NULL), 12);
	t.mode = TC_SHORT;
	CHECK_EQ(tc_call(&t, 400, a, 1, NULL), 14);
	t.mode = TC_LONG;		/* 9 bytes for an 8-byte answer */
	CHECK_EQ(tc_call(&t, 400, a, 1, NULL), TC_EOF);
	tc_close(&t);
}

/* §7 RAISE: header only, u = the NetBSD signal number. */
TEST(raise_frame)
{
	uint64_t a[1] = { 13 };
	struct tc t;

	serve();
	CHECK_EQ(tc_open(&t, "raise"), 0);
	CHECK_EQ(tc_call(&t, 401, a, 1, NULL), 0);
	CHECK_EQ(t.nraise, 1);
	CHECK_EQ(t.lastsig, 13);
	tc_close(&t);
}

/* §7 COPYIN: {len, addr}, answered with exactly len bytes. */
TEST(copyin_request_frame)
{
	static const char data[] = "ABCDEFGH";
	uint64_t a[2] = { P(data), 8 };
	struct tc_hdr h;
	uint8_t *body;
	uint64_t v[2];
	struct tc_frame f;
	int64_t rv[2];
	struct tc t;

	serve();
	CHECK_EQ(tc_open(&t, "cin"), 0);
	tc_send(t.fd, 70, TC_REQ, TC_SYSCALL, 402, a, sizeof(a));
	CHECK_EQ(tc_recv(t.fd, &h, &body, TC_MS), 0);
	CHECK_EQ(h.len, 40);
	CHECK_EQ(h.class, TC_REQ);
	CHECK_EQ(h.type, TC_COPYIN);
	CHECK_EQ(h.u, 0);
	memcpy(v, body, 16);
	CHECK_EQ(v[0], 8);
	CHECK_EQ(v[1], P(data));
	tc_serve(&t, &h, body);
	free(body);
	CHECK_EQ(tc_await(&t, 70, &f, TC_MS), 0);
	CHECK_EQ(tc_result(&f, rv), 0);
	CHECK(memcmp(&rv[0], data, 8) == 0);
	free(f.body);
	tc_close(&t);
}

/* Zero-length copies send nothing; NULL with a length is EFAULT. */
TEST(copy_zero_and_null_no_frame)
{
	static char data[] = "x";
	uint64_t a[2];
	struct tc t;

	serve();
	CHECK_EQ(tc_open(&t, "zero"), 0);
	a[0] = P(data); a[1] = 0;
	CHECK_EQ(tc_call(&t, 402, a, 2, NULL), 0);
	CHECK_EQ(tc_call(&t, 403, a, 2, NULL), 0);	/* copyinstr, max 0 */
	CHECK_EQ(tc_call(&t, 404, a, 2, NULL), 0);
	a[0] = 0; a[1] = 5;
	CHECK_EQ(tc_call(&t, 402, a, 2, NULL), 14);
	CHECK_EQ(tc_call(&t, 403, a, 2, NULL), 14);
	CHECK_EQ(tc_call(&t, 404, a, 2, NULL), 14);
	CHECK_EQ(t.ncopyin + t.ncopyinstr + t.ncopyout, 0);
	tc_close(&t);
}

/* COPYINSTR: the count is what the client sent (up to max). */
TEST(copyinstr_count)
{
	static const char s[] = "hello";
	uint64_t a[2] = { P(s), 100 };
	int64_t rv[2];
	struct tc t;

	serve();
	CHECK_EQ(tc_open(&t, "cinstr"), 0);
	CHECK_EQ(tc_call(&t, 403, a, 2, rv), 0);
	CHECK_EQ(rv[0], 6);
	a[1] = 3;
	CHECK_EQ(tc_call(&t, 403, a, 2, rv), 0);
	CHECK_EQ(rv[0], 3);
	tc_close(&t);
}

/* §7 COPYOUT: {len, addr} + data, no answer, before the reply. */
TEST(copyout_frame)
{
	char dst[16];
	uint64_t a[2] = { P(dst), 12 };
	struct tc_hdr h;
	uint8_t *body;
	uint64_t v[2];
	struct tc t;

	serve();
	memset(dst, 0, sizeof(dst));
	CHECK_EQ(tc_open(&t, "cout"), 0);
	tc_send(t.fd, 71, TC_REQ, TC_SYSCALL, 404, a, sizeof(a));
	CHECK_EQ(tc_recv(t.fd, &h, &body, TC_MS), 0);
	CHECK_EQ(h.len, 40 + 12);
	CHECK_EQ(h.type, TC_COPYOUT);
	memcpy(v, body, 16);
	CHECK_EQ(v[0], 12);
	CHECK_EQ(v[1], P(dst));
	CHECK(memcmp(body + 16, "012345678901", 12) == 0);
	free(body);
	CHECK_EQ(tc_recv(t.fd, &h, &body, TC_MS), 0);
	CHECK_EQ(h.class, TC_RESP);
	CHECK_EQ(h.reqno, 71);
	free(body);
	tc_close(&t);
}

/* §9.4: a client gone mid-call: cancel at once, the call ends, and
 * only then is the process released. */
TEST(disconnect_cancel_then_release_after_call)
{
	uint64_t a[1] = { 0 };
	char e[48];
	int ic, ie, ir;
	struct tc t;

	serve();
	ev_clear();
	gate_set(0);
	CHECK_EQ(tc_open(&t, "gone"), 0);
	tc_start(&t, 405, a, 1);
	usleep(20000);
	tc_close(&t);
	snprintf(e, sizeof(e), "release %d", t.pid);
	ir = ev_wait(e);
	snprintf(e, sizeof(e), "cancel %d", t.pid);
	ic = ev_find(e);
	snprintf(e, sizeof(e), "end405 %d", t.pid);
	ie = ev_find(e);
	CHECK(ic >= 0 && ie > ic && ir > ie);
	CHECK_EQ(atomic_load(&release_violation), 0);
}

/* An uncancellable call holds the release back until it ends. */
TEST(release_waits_for_uncancellable_call)
{
	uint64_t a[1] = { 1 };
	char e[48];
	struct tc t;

	serve();
	ev_clear();
	gate_set(0);
	CHECK_EQ(tc_open(&t, "hold"), 0);
	tc_start(&t, 405, a, 1);
	usleep(20000);
	tc_close(&t);
	snprintf(e, sizeof(e), "cancel %d", t.pid);
	CHECK(ev_wait(e) >= 0);
	usleep(50000);
	snprintf(e, sizeof(e), "release %d", t.pid);
	CHECK(ev_find(e) < 0);
	gate_set(1);
	CHECK(ev_wait(e) >= 0);
	CHECK_EQ(atomic_load(&release_violation), 0);
	gate_set(0);
}

/* A client gone while its call waits for a copyin: the copy fails
 * with EFAULT, the call ends, the process is released. */
TEST(disconnect_during_copyin_efault)
{
	static const char data[] = "12345678";
	uint64_t a[2] = { P(data), 8 };
	char e[48];
	struct tc_hdr h;
	uint8_t *body;
	struct tc t;

	serve();
	CHECK_EQ(tc_open(&t, "cinbye"), 0);
	tc_start(&t, 402, a, 2);
	CHECK_EQ(tc_recv(t.fd, &h, &body, TC_MS), 0);	/* COPYIN */
	CHECK_EQ(h.type, TC_COPYIN);
	free(body);
	tc_close(&t);
	snprintf(e, sizeof(e), "release %d", t.pid);
	CHECK(ev_wait(e) >= 0);
	CHECK_EQ(last_err(), 14);
}

/* §9.2: EXEC waits for the calls in flight (after cancelling them),
 * then renames; the pid stays. */
TEST(exec_after_calls_in_flight)
{
	uint64_t a[1] = { 0 };
	struct tc_frame f;
	char e[48];
	int ie, ix;
	uint64_t r;
	struct tc t;

	serve();
	ev_clear();
	gate_set(0);
	CHECK_EQ(tc_open(&t, "preexec"), 0);
	r = tc_start(&t, 405, a, 1);
	usleep(20000);
	CHECK_EQ(tc_handshake(&t, TC_HS_EXEC, "newimage", 9), 0);
	snprintf(e, sizeof(e), "end405 %d", t.pid);
	ie = ev_find(e);
	snprintf(e, sizeof(e), "exec %d newimage", t.pid);
	ix = ev_find(e);
	CHECK(ie >= 0 && ix > ie);
	CHECK_EQ(tc_await(&t, r, &f, TC_MS), 0);	/* the 405: EINTR */
	CHECK_EQ(tc_result(&f, NULL), 4);
	free(f.body);
	CHECK_EQ(tc_getpid(&t), t.pid);
	CHECK_EQ(atomic_load(&release_violation), 0);
	tc_close(&t);
}

/* During an exec: calls get EBUSY (retval[0] -1); a copy the old
 * image never answered fails; PREFORK or a second EXEC: INEXEC and
 * the connection closes. */
TEST(during_exec_ebusy_then_inexec)
{
	uint64_t hold[1] = { 1 };
	struct tc_frame f;
	uint64_t r1, r2;
	int64_t rv[2];
	struct tc t;

	serve();
	gate_set(0);
	CHECK_EQ(tc_open(&t, "inexec"), 0);
	r1 = tc_start(&t, 405, hold, 1);	/* keeps the exec waiting */
	usleep(20000);
	r2 = t.reqno++;
	tc_send(t.fd, r2, TC_REQ, TC_HANDSHAKE, TC_HS_EXEC, "img", 4);
	CHECK_EQ(tc_call(&t, 20, NULL, 0, rv), 16);
	CHECK_EQ(rv[0], -1);
	CHECK_EQ(tc_call(&t, 20, NULL, 0, rv), 16);
	gate_set(1);
	CHECK_EQ(tc_await(&t, r1, &f, TC_MS), 0);
	free(f.body);
	CHECK_EQ(tc_await(&t, r2, &f, TC_MS), 0);	/* exec done */
	CHECK_EQ(f.h.class, TC_RESP);
	free(f.body);
	CHECK_EQ(tc_getpid(&t), t.pid);

	gate_set(0);
	tc_start(&t, 405, hold, 1);
	usleep(20000);
	tc_send(t.fd, 500, TC_REQ, TC_HANDSHAKE, TC_HS_EXEC, "img2", 5);
	tc_send(t.fd, 501, TC_REQ, TC_PREFORK, 0, NULL, 0);
	CHECK_EQ(tc_await(&t, 501, &f, TC_MS), 0);
	CHECK_EQ(f.h.class, TC_ERROR);
	CHECK_EQ(f.h.u, TC_E_INEXEC);
	free(f.body);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
	gate_set(1);
	usleep(20000);
	gate_set(0);
}

TEST(exec_during_exec_inexec)
{
	uint64_t hold[1] = { 1 };
	struct tc_frame f;
	struct tc t;

	serve();
	gate_set(0);
	CHECK_EQ(tc_open(&t, "inexec2"), 0);
	tc_start(&t, 405, hold, 1);
	usleep(20000);
	tc_send(t.fd, 600, TC_REQ, TC_HANDSHAKE, TC_HS_EXEC, "a", 2);
	tc_send(t.fd, 601, TC_REQ, TC_HANDSHAKE, TC_HS_EXEC, "b", 2);
	CHECK_EQ(tc_await(&t, 601, &f, TC_MS), 0);
	CHECK_EQ(f.h.class, TC_ERROR);
	CHECK_EQ(f.h.u, TC_E_INEXEC);
	free(f.body);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
	gate_set(1);
	usleep(20000);
	gate_set(0);
}

/* An exec fails the copies the old image left unanswered. */
TEST(exec_fails_unanswered_copy)
{
	static const char data[] = "12345678";
	uint64_t a[2] = { P(data), 8 };
	struct tc_hdr h;
	uint8_t *body;
	struct tc_frame f;
	uint64_t r;
	struct tc t;

	serve();
	CHECK_EQ(tc_open(&t, "execcopy"), 0);
	r = tc_start(&t, 402, a, 2);
	CHECK_EQ(tc_recv(t.fd, &h, &body, TC_MS), 0);	/* COPYIN, unanswered */
	free(body);
	CHECK_EQ(tc_handshake(&t, TC_HS_EXEC, "fresh", 6), 0);
	CHECK_EQ(tc_await(&t, r, &f, TC_MS), 0);
	free(f.body);
	CHECK_EQ(last_err(), 14);
	/* the new image answers the stale request: dropped */
	tc_send(t.fd, h.reqno, TC_RESP, TC_COPYIN, 0, data, 8);
	CHECK_EQ(tc_getpid(&t), t.pid);
	tc_close(&t);
}

/* §9.1: PREFORK copies (hyp_forkproc share 0); the FORK handshake
 * forks again sharing, and releases the intermediate process. */
TEST(prefork_then_fork_upcalls)
{
	struct tc_frame f;
	uint8_t hs[20];
	char e[48];
	struct tc p, c;
	int pre;

	serve();
	ev_clear();
	CHECK_EQ(tc_open(&p, "parent"), 0);
	tc_send(p.fd, 90, TC_REQ, TC_PREFORK, 0, NULL, 0);
	CHECK_EQ(tc_await(&p, 90, &f, TC_MS), 0);
	CHECK_EQ(f.h.len, 40);
	memcpy(hs, f.body, 16);
	memset(hs + 16, 0, 4);
	free(f.body);
	CHECK(ev_find("fork 0") < 0);
	snprintf(e, sizeof(e), "fork %d", p.pid);
	CHECK(ev_find(e) >= 0);
	pthread_mutex_lock(&mk_lock);
	CHECK_EQ(sscanf(events[nevents - 1], "child %d copied", &pre), 1);
	pthread_mutex_unlock(&mk_lock);

	CHECK_EQ(tc_open_path(&c, tc_path), 0);
	CHECK_EQ(tc_handshake(&c, TC_HS_FORK, hs, sizeof(hs)), 0);
	c.pid = tc_getpid(&c);
	snprintf(e, sizeof(e), "fork %d", pre);
	CHECK(ev_find(e) >= 0);
	snprintf(e, sizeof(e), "child %d shared", c.pid);
	CHECK(ev_find(e) >= 0);
	snprintf(e, sizeof(e), "release %d", pre);
	CHECK(ev_find(e) >= 0);
	tc_close(&c);
	tc_close(&p);
}

/* rf_cancel: the preforked process goes, no reply, connection shut. */
TEST(fork_cancel_releases)
{
	struct tc_frame f;
	uint8_t hs[20];
	int32_t one = 1;
	char e[48];
	struct tc p, c;
	int pre;

	serve();
	ev_clear();
	CHECK_EQ(tc_open(&p, "cparent"), 0);
	tc_send(p.fd, 91, TC_REQ, TC_PREFORK, 0, NULL, 0);
	CHECK_EQ(tc_await(&p, 91, &f, TC_MS), 0);
	memcpy(hs, f.body, 16);
	memcpy(hs + 16, &one, 4);
	free(f.body);
	pthread_mutex_lock(&mk_lock);
	CHECK_EQ(sscanf(events[nevents - 1], "child %d copied", &pre), 1);
	pthread_mutex_unlock(&mk_lock);
	CHECK_EQ(tc_open_path(&c, tc_path), 0);
	tc_send(c.fd, 1, TC_REQ, TC_HANDSHAKE, TC_HS_FORK, hs, sizeof(hs));
	CHECK(tc_eof(c.fd, TC_MS));
	tc_close(&c);
	snprintf(e, sizeof(e), "release %d", pre);
	CHECK(ev_wait(e) >= 0);
	/* the cookie is spent */
	memset(hs + 16, 0, 4);
	CHECK_EQ(tc_open_path(&c, tc_path), 0);
	CHECK_EQ(tc_handshake(&c, TC_HS_FORK, hs, sizeof(hs)),
	    TC_ERRFRAME + TC_E_INVALID_PREFORK);
	tc_close(&c);
	tc_close(&p);
}

/* hyp_forkproc failing: PREFORK gets RFORK_FAILED, kept; FORK
 * handshake gets RFORK_FAILED and is closed. */
TEST(forkproc_failure_rfork_failed)
{
	struct tc_frame f;
	uint8_t hs[20];
	struct tc p, c;

	serve();
	CHECK_EQ(tc_open(&p, "ffail"), 0);
	atomic_store(&fail_forkproc, 1);
	tc_send(p.fd, 92, TC_REQ, TC_PREFORK, 0, NULL, 0);
	CHECK_EQ(tc_await(&p, 92, &f, TC_MS), 0);
	CHECK_EQ(f.h.class, TC_ERROR);
	CHECK_EQ(f.h.u, TC_E_RFORK_FAILED);
	free(f.body);
	atomic_store(&fail_forkproc, 0);
	CHECK_EQ(tc_getpid(&p), p.pid);
	tc_send(p.fd, 93, TC_REQ, TC_PREFORK, 0, NULL, 0);
	CHECK_EQ(tc_await(&p, 93, &f, TC_MS), 0);
	memcpy(hs, f.body, 16);
	memset(hs + 16, 0, 4);
	free(f.body);
	atomic_store(&fail_forkproc, 1);
	CHECK_EQ(tc_open_path(&c, tc_path), 0);
	CHECK_EQ(tc_handshake(&c, TC_HS_FORK, hs, sizeof(hs)),
	    TC_ERRFRAME + TC_E_RFORK_FAILED);
	CHECK(tc_eof(c.fd, TC_MS));
	atomic_store(&fail_forkproc, 0);
	tc_close(&c);
	tc_close(&p);
}

/* The poll thread makes no upcall: a cancel that takes long (a
 * process lock held elsewhere) delays nobody's banner or calls. */
TEST(slow_cancel_does_not_stall_server)
{
	char buf[128];
	struct tc t, u;
	int fd;
	double t0;
	struct timespec ts;

	serve();
	CHECK_EQ(tc_open(&u, "bystander"), 0);
	atomic_store(&slow_cancel, 1000);
	CHECK_EQ(tc_open(&t, "slowbye"), 0);
	tc_close(&t);
	usleep(20000);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	fd = tc_connect_path(tc_path);
	CHECK_EQ(tc_banner(fd, buf, sizeof(buf)), 32);
	CHECK_EQ(tc_getpid(&u), u.pid);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	CHECK((double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - t0 < 0.5);
	close(fd);
	tc_close(&u);
	usleep(1100000);
	atomic_store(&slow_cancel, 0);
}

/* A client whose calls occupy every worker, then goes: its calls are
 * still cancelled and its process released (the reaper does not need
 * a worker). */
TEST(disconnect_with_every_worker_busy)
{
	uint64_t a[1] = { 0 };
	char e[48];
	int i;
	struct tc t;

	serve();
	ev_clear();
	gate_set(0);
	CHECK_EQ(tc_open(&t, "hog"), 0);
	for (i = 0; i < 140; i++)
		tc_start(&t, 405, a, 1);
	usleep(100000);
	tc_close(&t);
	snprintf(e, sizeof(e), "release %d", t.pid);
	CHECK(ev_wait(e) >= 0);
	CHECK_EQ(atomic_load(&release_violation), 0);
}

/* More calls in flight than workers: the rest wait their turn, and
 * all finish once unblocked; idle workers above 16 then exit. */
TEST(calls_beyond_worker_limit)
{
	uint64_t a[1] = { 1 };
	struct tc_frame f;
	uint64_t r[150];
	int i, ok = 0, threads = 0;
	struct tc t;

	serve();
	gate_set(0);
	CHECK_EQ(tc_open(&t, "many"), 0);
	for (i = 0; i < 150; i++)
		r[i] = tc_start(&t, 405, a, 1);
	usleep(50000);
	gate_set(1);
	for (i = 0; i < 150; i++)
		if (tc_await(&t, r[i], &f, TC_MS) == 0) {
			ok += tc_result(&f, NULL) == 0;
			free(f.body);
		}
	CHECK_EQ(ok, 150);
	gate_set(0);
	tc_close(&t);
	for (i = 0; i < 100; i++) {
		FILE *fp = fopen("/proc/self/status", "r");
		char line[128];

		threads = 0;
		while (fp != NULL && fgets(line, sizeof(line), fp) != NULL)
			if (sscanf(line, "Threads: %d", &threads) == 1)
				break;
		if (fp != NULL)
			fclose(fp);
		if (threads <= 16 + 4)
			break;
		usleep(20000);
	}
	CHECK(threads <= 16 + 4);
}

/* At most 256 preforked processes wait unclaimed: then NOMEM. */
TEST(prefork_table_limit)
{
	struct tc_frame f;
	static uint8_t cookies[257][16];
	int i, n = 0, nomem = 0;
	struct tc p, c;

	serve();
	CHECK_EQ(tc_open(&p, "pfmax"), 0);
	for (i = 0; i < 257; i++) {
		tc_send(p.fd, 1000 + i, TC_REQ, TC_PREFORK, 0, NULL, 0);
		if (tc_await(&p, 1000 + i, &f, TC_MS) != 0)
			break;
		if (f.h.class == TC_RESP)
			memcpy(cookies[n++], f.body, 16);
		else if (f.h.u == TC_E_NOMEM)
			nomem++;
		free(f.body);
	}
	CHECK(n <= 256);
	CHECK(nomem >= 1);
	/* claim them all (cancelled), which frees the table */
	for (i = 0; i < n; i++) {
		uint8_t hs[20];
		int32_t one = 1;

		memcpy(hs, cookies[i], 16);
		memcpy(hs + 16, &one, 4);
		CHECK_EQ(tc_open_path(&c, tc_path), 0);
		tc_send(c.fd, 1, TC_REQ, TC_HANDSHAKE, TC_HS_FORK, hs, 20);
		CHECK(tc_eof(c.fd, TC_MS));
		tc_close(&c);
	}
	tc_send(p.fd, 2000, TC_REQ, TC_PREFORK, 0, NULL, 0);
	CHECK_EQ(tc_await(&p, 2000, &f, TC_MS), 0);
	CHECK_EQ(f.h.class, TC_RESP);
	free(f.body);
	tc_close(&p);
}

/* §11: halting from a client's call: the socket file goes, that call
 * is answered (error 0, retval {0, 0}) and nothing else is; every
 * connection then ends.  (Last: the server is gone afterwards.) */
TEST(zz_fini_answers_reboot_call)
{
	struct tc_frame f;
	struct tc t, other;
	int64_t rv[2] = { 7, 7 };
	uint64_t r;

	serve();
	CHECK_EQ(tc_open(&other, "other"), 0);
	CHECK_EQ(tc_open(&t, "halter"), 0);
	r = tc_start(&t, 406, NULL, 0);
	CHECK_EQ(tc_await(&t, r, &f, TC_MS), 0);
	CHECK_EQ(tc_result(&f, rv), 0);
	CHECK_EQ(rv[0], 0);
	CHECK_EQ(rv[1], 0);
	free(f.body);
	CHECK(tc_eof(t.fd, TC_MS));
	CHECK(tc_eof(other.fd, TC_MS));
	CHECK(access(tc_path, F_OK) != 0);
	CHECK(tc_connect_path(tc_path) < 0);
	tc_close(&t);
	tc_close(&other);
}
