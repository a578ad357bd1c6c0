/*
 * sync.c: kernel locks and sleeping.
 *
 * Kernel locks are host locks plus one rule: never block while holding
 * a virtual CPU.  The uncontended case takes the host lock directly;
 * a contended one first gives the CPU back (sched_unschedule), blocks
 * in the host, then takes a CPU again.  Condition variables always
 * give the CPU up for the wait.
 *
 * Cancellation: cv_wait_sig and kpause sleep in bounded slices and
 * look at the lwp's cancel flag between them, so a dying sysproxy
 * client's calls end within one slice without a wake-up protocol
 * between canceller and sleeper.
 */
#include "kern/kern.h"

#define SIG_SLICE_NS	(20 * 1000 * 1000)	/* 20 ms */

void
mutex_init(kmutex_t *m)
{
	if (rumpuser_mutex_init(&m->mtx) != 0)
		panic("mutex_init: out of host memory");
}

void
mutex_destroy(kmutex_t *m)
{
	rumpuser_mutex_destroy(m->mtx);
	m->mtx = NULL;
}

void
mutex_enter(kmutex_t *m)
{
	if (rumpuser_mutex_tryenter(m->mtx) == 0)
		return;
	sched_unschedule();
	rumpuser_mutex_enter(m->mtx);
	sched_reschedule();
}

bool
mutex_tryenter(kmutex_t *m)
{
	return rumpuser_mutex_tryenter(m->mtx) == 0;
}

void
mutex_exit(kmutex_t *m)
{
	rumpuser_mutex_exit(m->mtx);
}

bool
mutex_owned(kmutex_t *m)
{
	return rumpuser_mutex_held(m->mtx);
}

void
rw_init(krwlock_t *rw)
{
	if (rumpuser_rw_init(&rw->rw) != 0)
		panic("rw_init: out of host memory");
}

void
rw_destroy(krwlock_t *rw)
{
	rumpuser_rw_destroy(rw->rw);
	rw->rw = NULL;
}

void
rw_enter(krwlock_t *rw, krw_t op)
{
	enum rumpuser_rwop hop = op == RW_WRITER ? RUMPUSER_RW_WRITER :
	    RUMPUSER_RW_READER;

	if (rumpuser_rw_tryenter(rw->rw, hop) == 0)
		return;
	sched_unschedule();
	rumpuser_rw_enter(rw->rw, hop);
	sched_reschedule();
}

bool
rw_tryenter(krwlock_t *rw, krw_t op)
{
	return rumpuser_rw_tryenter(rw->rw, op == RW_WRITER ?
	    RUMPUSER_RW_WRITER : RUMPUSER_RW_READER) == 0;
}

void
rw_exit(krwlock_t *rw)
{
	rumpuser_rw_exit(rw->rw);
}

void
cv_init(kcondvar_t *cv)
{
	if (rumpuser_cv_init(&cv->cv) != 0)
		panic("cv_init: out of host memory");
}

void
cv_destroy(kcondvar_t *cv)
{
	rumpuser_cv_destroy(cv->cv);
	cv->cv = NULL;
}

void
cv_wait(kcondvar_t *cv, kmutex_t *m)
{
	sched_unschedule();
	rumpuser_cv_wait(cv->cv, m->mtx);
	sched_reschedule();
}

static void
deadline(int64_t ns, int64_t *sec, long *nsec)
{
	int64_t s;
	long n;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_MONOTONIC, &s, &n);
	s += ns / 1000000000;
	n += (long)(ns % 1000000000);
	if (n >= 1000000000) {
		s++;
		n -= 1000000000;
	}
	*sec = s;
	*nsec = n;
}

static int64_t
now_ns(void)
{
	int64_t s;
	long n;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_MONOTONIC, &s, &n);
	return s * 1000000000 + n;
}

/*
 * Wait at most ns (0: no limit).  With sig, wake every slice to look
 * for cancellation.  A spurious early return is allowed: callers loop
 * on their condition, as with any condvar.
 */
int
cv_timedwait_ns(kcondvar_t *cv, kmutex_t *m, int64_t ns, bool sig)
{
	int64_t end = ns > 0 ? now_ns() + ns : 0, left, slice, s;
	long n;
	int rv;

	if (sig && lwp_cancelled(curlwp))
		return EINTR;
	if (ns <= 0 && !sig) {
		cv_wait(cv, m);
		return 0;
	}
	left = end ? end - now_ns() : SIG_SLICE_NS;
	if (end && left <= 0)
		return EWOULDBLOCK;
	slice = sig && left > SIG_SLICE_NS ? SIG_SLICE_NS : left;
	deadline(slice, &s, &n);
	sched_unschedule();
	rv = rumpuser_cv_timedwait(cv->cv, m->mtx, s, n);
	sched_reschedule();
	if (sig && lwp_cancelled(curlwp))
		return EINTR;
	if (rv != 0 && end && now_ns() >= end)
		return EWOULDBLOCK;
	return 0;
}

int
cv_wait_sig(kcondvar_t *cv, kmutex_t *m)
{
	return cv_timedwait_ns(cv, m, 0, true);
}

void
cv_signal(kcondvar_t *cv)
{
	rumpuser_cv_signal(cv->cv);
}

void
cv_broadcast(kcondvar_t *cv)
{
	rumpuser_cv_broadcast(cv->cv);
}

int
kpause_ns(int64_t ns, bool intr)
{
	int64_t end = now_ns() + ns, left;

	for (;;) {
		if (intr && lwp_cancelled(curlwp))
			return EINTR;
		if ((left = end - now_ns()) <= 0)
			return 0;
		if (intr && left > SIG_SLICE_NS)
			left = SIG_SLICE_NS;
		sched_unschedule();
		rumpuser_clock_sleep(left / 1000000000, (long)(left % 1000000000));
		sched_reschedule();
	}
}
