/*
 * sp_work.c: the sysproxy worker pool, and what the workers do:
 * system calls, the GUEST/FORK/EXEC handshakes and prefork (all kernel
 * work that may wait).
 *
 * The poll thread queues one work item per request (work_dispatch);
 * every queued item is promised a worker at once, either an idle one
 * (taken off the idle list and woken) or a new thread, up to
 * SP_MAXWORKER.  So a call that sleeps in the kernel waiting for
 * another call of the same client never waits for a worker that does
 * not come.  Idle workers above SP_IDLEWORKER exit.
 *
 * An idle worker sleeps on a semaphore of its own: waking it is one
 * futex call and it wakes owning no lock (a condition variable would
 * hand it wk_lock marked contended: one more futex call per request).
 *
 * wk_lock guards the queue, the idle list, wk_nthreads and wk_nidle;
 * the poll thread holds it only to queue, never while waking a worker.
 * pf_lock guards the prefork table.
 */
#include <errno.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>

#include "sp_int.h"

/* An idle worker, on its own stack. */
struct wk_idle {
	sem_t	i_sem;			/* posted once it is off the list */
	struct wk_idle *i_next;		/* wk_lock */
};

static pthread_mutex_t wk_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sp_work *wk_head, **wk_tail = &wk_head;	/* wk_lock */
static struct wk_idle *wk_idle;	/* wk_lock: workers waiting for work */
static int wk_nthreads;		/* wk_lock: workers alive */
static int wk_nidle;		/* wk_lock: on wk_idle */

static __thread struct sp_work *wk_current;

struct sp_work *
work_current(void)
{
	return wk_current;
}

void
sp_comm(char comm[17], const uint8_t *body, size_t blen)
{
	size_t n = 0;

	if (body != NULL) {
		while (n < blen && n < 16 && body[n] != '\0')
			n++;
		memcpy(comm, body, n);
	}
	comm[n] = '\0';
}

/* ------------------------------------------------------------- jobs */

static void
work_syscall(struct sp_work *w)
{
	struct sp_conn *c = w->w_conn;
	int64_t rv[2] = { 0, 0 };
	uint32_t num = w->w_hdr.u;
	bool dying, inexec;
	int error;

	pthread_mutex_lock(&c->c_lock);
	dying = c->c_state == SPC_DYING;
	inexec = c->c_inexec;
	pthread_mutex_unlock(&c->c_lock);
	if (dying)
		return;			/* nobody to answer */
	if (inexec) {
		error = SP_EBUSY;
		rv[0] = -1;
	} else if (num >= 512)		/* also "negative" numbers */
		error = SP_ENOSYS;
	else
		error = c->c_hyp->hyp_syscall(c->c_proc, (int)num, w->w_body,
		    w->w_blen, rv);
	if (!w->w_answered)
		conn_send_sysresp(c, w->w_hdr.reqno, error, rv);
}

/*
 * Exec: the old image's calls end (their sleeps cancelled, their
 * copies failed: that memory is gone, and while c_inexec no new copy
 * is asked for), then the process goes on under its new name.
 */
static void
work_exec(struct sp_work *w)
{
	struct sp_conn *c = w->w_conn;
	char comm[17];
	bool dying;

	c->c_hyp->hyp_cancelproc(c->c_proc);
	pthread_mutex_lock(&c->c_lock);
	conn_fail_waiters_locked(c);
	while (c->c_nwork > 1 && c->c_state != SPC_DYING)
		pthread_cond_wait(&c->c_cv, &c->c_lock);
	dying = c->c_state == SPC_DYING;
	pthread_mutex_unlock(&c->c_lock);
	if (dying)
		return;
	sp_comm(comm, w->w_body, w->w_blen);
	c->c_hyp->hyp_execproc(c->c_proc, comm);
	pthread_mutex_lock(&c->c_lock);
	c->c_inexec = false;
	pthread_mutex_unlock(&c->c_lock);
	conn_send_hsresp(c, w->w_hdr.reqno, 0);
}

/* Prefork: a copy of the process waits for the child's connection. */
static void
work_prefork(struct sp_work *w)
{
	struct sp_conn *c = w->w_conn;
	struct sp_hdr h = { .reqno = w->w_hdr.reqno, .class = SP_RESP,
	    .type = SP_PREFORK };
	uint32_t cookie[4];
	size_t got = 0, n;
	void *np;

	if (conn_dying(c))
		return;
	if (c->c_hyp->hyp_forkproc(c->c_proc, NULL, 0, &np) != 0) {
		conn_send_error(c, h.reqno, SP_ERR_RFORK_FAILED);
		return;
	}
	while (got < sizeof(cookie)) {
		if (rumpuser_getrandom((char *)cookie + got,
		    sizeof(cookie) - got, &n) != 0 || n == 0)
			break;
		got += n;
	}
	if (got < sizeof(cookie) || prefork_put(cookie, np) != 0) {
		c->c_hyp->hyp_releaseproc(np);
		conn_send_error(c, h.reqno, SP_ERR_NOMEM);
		return;
	}
	conn_send(c, &h, cookie, sizeof(cookie), NULL, 0, 0);
}

/* --------------------------------------------------------- handshakes */

/* A refused handshake: the error frame, then the end. */
static void
hs_refuse(struct sp_conn *c, uint64_t reqno, enum sp_err code)
{
	conn_send_error(c, reqno, code);
	conn_kill(c);
}

/* NEW -> RUNNING with process proc, unless the client has gone. */
static void
hs_bind(struct sp_conn *c, uint64_t reqno, void *proc)
{
	bool dying;

	pthread_mutex_lock(&c->c_lock);
	dying = c->c_state == SPC_DYING;
	if (!dying) {
		c->c_proc = proc;
		c->c_state = SPC_RUNNING;
	}
	pthread_mutex_unlock(&c->c_lock);
	if (dying)
		c->c_hyp->hyp_releaseproc(proc);
	else
		conn_send_hsresp(c, reqno, 0);
}

/* GUEST: a new process, child of init. */
static void
hs_guest(struct sp_conn *c, const struct sp_work *w)
{
	char comm[17];
	void *proc;

	sp_comm(comm, w->w_body, w->w_blen);
	if (c->c_hyp->hyp_newproc(c, comm, &proc) != 0) {
		conn_kill(c);			/* NetBSD: no error frame */
		return;
	}
	hs_bind(c, w->w_hdr.reqno, proc);
}

/* FORK: the child of a client's fork claims its preforked process. */
static void
hs_fork(struct sp_conn *c, const struct sp_work *w)
{
	struct sp_handshake_fork hf;
	void *parent, *proc;
	int error;

	if (w->w_blen != sizeof(hf)) {
		hs_refuse(c, w->w_hdr.reqno, SP_ERR_MALFORMED_REQUEST);
		return;
	}
	memcpy(&hf, w->w_body, sizeof(hf));
	if ((parent = prefork_take(hf.rf_auth)) == NULL) {
		hs_refuse(c, w->w_hdr.reqno, SP_ERR_INVALID_PREFORK);
		return;
	}
	if (hf.rf_cancel != 0) {
		c->c_hyp->hyp_releaseproc(parent);
		conn_kill(c);
		return;
	}
	error = c->c_hyp->hyp_forkproc(parent, c, 1, &proc);
	c->c_hyp->hyp_releaseproc(parent);
	if (error != 0) {
		hs_refuse(c, w->w_hdr.reqno, SP_ERR_RFORK_FAILED);
		return;
	}
	hs_bind(c, w->w_hdr.reqno, proc);
}

static void
work_handshake(struct sp_work *w)
{
	struct sp_conn *c = w->w_conn;

	if (w->w_hdr.u == SP_HS_GUEST)
		hs_guest(c, w);
	else
		hs_fork(c, w);
	atomic_store(&c->c_hold, false);	/* the poll thread reads on */
	server_wake(c->c_srv);
}

static void
work_run(struct sp_work *w)
{
	struct sp_conn *c = w->w_conn;

	wk_current = w;
	switch (w->w_kind) {
	case SPW_SYSCALL:
		work_syscall(w);
		break;
	case SPW_EXEC:
		work_exec(w);
		break;
	case SPW_PREFORK:
		work_prefork(w);
		break;
	case SPW_HANDSHAKE:
		work_handshake(w);
		break;
	}
	wk_current = NULL;
	pthread_mutex_lock(&c->c_lock);
	c->c_nwork--;
	pthread_cond_broadcast(&c->c_cv);
	pthread_mutex_unlock(&c->c_lock);
	conn_rele(c);
	free(w->w_body);
	free(w);
}

/* ------------------------------------------------------------- pool */

static void *
worker(void *arg)
{
	struct wk_idle me;
	struct sp_work *w;

	(void)arg;
	sem_init(&me.i_sem, 0, 0);
	pthread_mutex_lock(&wk_lock);
	for (;;) {
		if ((w = wk_head) != NULL) {
			if ((wk_head = w->w_next) == NULL)
				wk_tail = &wk_head;
			pthread_mutex_unlock(&wk_lock);
			work_run(w);
			pthread_mutex_lock(&wk_lock);
			continue;
		}
		if (wk_nidle >= SP_IDLEWORKER)
			break;
		me.i_next = wk_idle;
		wk_idle = &me;
		wk_nidle++;
		pthread_mutex_unlock(&wk_lock);
		while (sem_wait(&me.i_sem) != 0)
			continue;	/* EINTR */
		pthread_mutex_lock(&wk_lock);
	}
	wk_nthreads--;
	pthread_mutex_unlock(&wk_lock);
	sem_destroy(&me.i_sem);
	return NULL;
}

int
work_dispatch(struct sp_conn *c, enum sp_workkind kind,
    const struct sp_hdr *h, uint8_t *body, size_t blen)
{
	struct wk_idle *idle = NULL;
	struct sp_work *w;
	bool started = true;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		free(body);
		return ENOMEM;
	}
	w->w_conn = c;
	w->w_kind = kind;
	w->w_hdr = *h;
	w->w_body = body;
	w->w_blen = blen;

	/* the connection's count first: a worker may run w at once */
	conn_hold(c);
	pthread_mutex_lock(&c->c_lock);
	c->c_nwork++;
	pthread_mutex_unlock(&c->c_lock);

	pthread_mutex_lock(&wk_lock);
	if ((idle = wk_idle) != NULL) {
		wk_idle = idle->i_next;
		wk_nidle--;
	} else if (wk_nthreads < SP_MAXWORKER) {
		if (rumpuser_thread_create(worker, NULL, "rump_spworker",
		    false, NULL) == 0)
			wk_nthreads++;
		else
			started = wk_nthreads > 0;
	}
	if (started) {
		*wk_tail = w;
		wk_tail = &w->w_next;
	}
	pthread_mutex_unlock(&wk_lock);
	/* woken unlocked: it takes wk_lock at once instead of waiting
	 * for us to let go of it */
	if (idle != NULL)
		sem_post(&idle->i_sem);
	if (started)
		return 0;

	pthread_mutex_lock(&c->c_lock);
	c->c_nwork--;
	pthread_cond_broadcast(&c->c_cv);
	pthread_mutex_unlock(&c->c_lock);
	conn_rele(c);
	free(body);
	free(w);
	return EAGAIN;
}

/* ---------------------------------------------------------- preforks */

/*
 * Preforked processes wait here for the FORK handshake of the child's
 * connection, which may come after the parent has gone (daemon(3)),
 * so they belong to no connection.  At most SP_MAXPREFORK wait.
 */
struct prefork {
	uint32_t pf_cookie[4];
	void	*pf_proc;
	struct prefork *pf_next;
};
static pthread_mutex_t pf_lock = PTHREAD_MUTEX_INITIALIZER;
static struct prefork *pf_list;		/* pf_lock */
static int pf_count;			/* pf_lock */

int
prefork_put(const uint32_t cookie[4], void *proc)
{
	struct prefork *pf;

	if ((pf = malloc(sizeof(*pf))) == NULL)
		return ENOMEM;
	memcpy(pf->pf_cookie, cookie, sizeof(pf->pf_cookie));
	pf->pf_proc = proc;
	pthread_mutex_lock(&pf_lock);
	if (pf_count >= SP_MAXPREFORK) {
		pthread_mutex_unlock(&pf_lock);
		free(pf);
		return ENOMEM;
	}
	pf->pf_next = pf_list;
	pf_list = pf;
	pf_count++;
	pthread_mutex_unlock(&pf_lock);
	return 0;
}

void *
prefork_take(const uint32_t cookie[4])
{
	struct prefork **pp, *pf;
	void *proc = NULL;

	pthread_mutex_lock(&pf_lock);
	for (pp = &pf_list; (pf = *pp) != NULL; pp = &pf->pf_next)
		if (memcmp(pf->pf_cookie, cookie, sizeof(pf->pf_cookie)) == 0) {
			*pp = pf->pf_next;
			pf_count--;
			proc = pf->pf_proc;
			free(pf);
			break;
		}
	pthread_mutex_unlock(&pf_lock);
	return proc;
}
