/*
 * sync.c: host mutexes, rwlocks and condition variables.
 *
 * Thin wrappers over pthreads.  A mutex remembers its owner so the
 * kernel can assert that it holds a lock.  Condition variables wait
 * on CLOCK_MONOTONIC so that setting the wall clock never stretches a
 * timeout.  Rwlocks prefer writers: a stream of readers must not
 * starve a writer for ever.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "rumpuser_int.h"

struct rumpuser_mtx {
	pthread_mutex_t pm;
	pthread_t owner;	/* valid while held */
	int held;
};

struct rumpuser_rw {
	pthread_rwlock_t prw;
};

struct rumpuser_cv {
	pthread_cond_t pc;
};

/* Owner fields are atomics: held() may be asked by a non-owner. */
static void
setowner(struct rumpuser_mtx *m)
{
	__atomic_store_n(&m->owner, pthread_self(), __ATOMIC_RELAXED);
	__atomic_store_n(&m->held, 1, __ATOMIC_RELAXED);
}

int
rumpuser_mutex_init(struct rumpuser_mtx **mp)
{
	struct rumpuser_mtx *m;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return 12;
	pthread_mutex_init(&m->pm, NULL);
	*mp = m;
	return 0;
}

void
rumpuser_mutex_enter(struct rumpuser_mtx *m)
{
	pthread_mutex_lock(&m->pm);
	setowner(m);
}

int
rumpuser_mutex_tryenter(struct rumpuser_mtx *m)
{
	if (pthread_mutex_trylock(&m->pm) != 0)
		return 16;	/* EBUSY */
	setowner(m);
	return 0;
}

void
rumpuser_mutex_exit(struct rumpuser_mtx *m)
{
	__atomic_store_n(&m->held, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&m->pm);
}

void
rumpuser_mutex_destroy(struct rumpuser_mtx *m)
{
	pthread_mutex_destroy(&m->pm);
	free(m);
}

/* Only meaningful when asked by a thread about a lock it may hold. */
bool
rumpuser_mutex_held(struct rumpuser_mtx *m)
{
	return __atomic_load_n(&m->held, __ATOMIC_RELAXED) &&
	    pthread_equal(__atomic_load_n(&m->owner, __ATOMIC_RELAXED),
	    pthread_self());
}

int
rumpuser_rw_init(struct rumpuser_rw **rwp)
{
	struct rumpuser_rw *rw;
	pthread_rwlockattr_t attr;
	if ((rw = calloc(1, sizeof(*rw))) == NULL)
		return 12;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr,
	    PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&rw->prw, &attr);
	pthread_rwlockattr_destroy(&attr);
	*rwp = rw;
	return 0;
}

void
rumpuser_rw_enter(struct rumpuser_rw *rw, enum rumpuser_rwop op)
{
	if (op == RUMPUSER_RW_WRITER)
		pthread_rwlock_wrlock(&rw->prw);
	else
		pthread_rwlock_rdlock(&rw->prw);
}

int
rumpuser_rw_tryenter(struct rumpuser_rw *rw, enum rumpuser_rwop op)
{
	int rv;

	if (op == RUMPUSER_RW_WRITER)
		rv = pthread_rwlock_trywrlock(&rw->prw);
	else
		rv = pthread_rwlock_tryrdlock(&rw->prw);
	return rv == 0 ? 0 : 16;
}

void
rumpuser_rw_exit(struct rumpuser_rw *rw)
{
	pthread_rwlock_unlock(&rw->prw);
}

void
rumpuser_rw_destroy(struct rumpuser_rw *rw)
{
	pthread_rwlock_destroy(&rw->prw);
	free(rw);
}

int
rumpuser_cv_init(struct rumpuser_cv **cvp)
{
	struct rumpuser_cv *cv;
	pthread_condattr_t attr;
	if ((cv = calloc(1, sizeof(*cv))) == NULL)
		return 12;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&cv->pc, &attr);
	pthread_condattr_destroy(&attr);
	*cvp = cv;
	return 0;
}

void
rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *m)
{
	__atomic_store_n(&m->held, 0, __ATOMIC_RELAXED);
	pthread_cond_wait(&cv->pc, &m->pm);
	setowner(m);
}

int
rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *m,
    int64_t sec, long nsec)
{
	struct timespec ts = { .tv_sec = sec, .tv_nsec = nsec };
	int rv;

	__atomic_store_n(&m->held, 0, __ATOMIC_RELAXED);
	rv = pthread_cond_timedwait(&cv->pc, &m->pm, &ts);
	setowner(m);
	return rv == ETIMEDOUT ? 60 : 0;
}

void
rumpuser_cv_signal(struct rumpuser_cv *cv)
{
	pthread_cond_signal(&cv->pc);
}

void
rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{
	pthread_cond_broadcast(&cv->pc);
}

void
rumpuser_cv_destroy(struct rumpuser_cv *cv)
{
	pthread_cond_destroy(&cv->pc);
	free(cv);
}
