/*
 * sched.c: virtual CPUs.
 *
 * A host thread runs kernel code only while it holds one of the ncpu
 * virtual CPUs (RUMP_NCPU).  Taking one is a compare-and-swap on the
 * CPU the lwp last ran on, then on any free one; when all are busy
 * the thread sleeps on sched_cv until a CPU is given back.
 *
 * sched_lock guards nothing but the sleep/wakeup handshake: a
 * releaser that sees waiters signals under it, and a waiter rescans
 * under it before sleeping, so a wake-up cannot be lost.
 */
#include "kern/kern.h"

int ncpu;
struct cpu_info *cpus;

static kmutex_t sched_lock;
static kcondvar_t sched_cv;
static _Atomic int sched_waiters;

void
sched_init(int n)
{
	int i;

	ncpu = n;
	if (rumpuser_malloc(sizeof(*cpus) * (size_t)n, 0, (void **)&cpus) != 0)
		panic("sched_init: no memory for %d cpus", n);
	for (i = 0; i < n; i++) {
		cpus[i].ci_index = i;
		cpus[i].ci_curlwp = NULL;
	}
	mutex_init(&sched_lock);
	cv_init(&sched_cv);
}

static bool
trycpu(struct cpu_info *ci, struct lwp *l)
{
	struct lwp *expect = NULL;

	if (atomic_load_explicit(&ci->ci_curlwp, memory_order_relaxed) != NULL)
		return false;
	return atomic_compare_exchange_strong(&ci->ci_curlwp, &expect, l);
}

static bool
scan(struct lwp *l)
{
	int i;

	if (l->l_lastcpu != NULL && trycpu(l->l_lastcpu, l)) {
		l->l_cpu = l->l_lastcpu;
		return true;
	}
	for (i = 0; i < ncpu; i++) {
		if (trycpu(&cpus[i], l)) {
			l->l_cpu = l->l_lastcpu = &cpus[i];
			return true;
		}
	}
	return false;
}

/* Take a CPU for l; sleeps in the host while none is free. */
static void
cpu_take(struct lwp *l)
{
	if (scan(l))
		return;
	rumpuser_mutex_enter(sched_lock.mtx);
	sched_waiters++;
	while (!scan(l))
		rumpuser_cv_wait(sched_cv.cv, sched_lock.mtx);
	sched_waiters--;
	rumpuser_mutex_exit(sched_lock.mtx);
}

static void
cpu_give(struct lwp *l)
{
	struct cpu_info *ci = l->l_cpu;

	l->l_cpu = NULL;
	atomic_store(&ci->ci_curlwp, NULL);
	if (atomic_load(&sched_waiters) > 0) {
		rumpuser_mutex_enter(sched_lock.mtx);
		rumpuser_cv_signal(sched_cv.cv);
		rumpuser_mutex_exit(sched_lock.mtx);
	}
}

/* Implicit lwps: one per kernel entry of a thread that has none. */
void
sched_enter(void)
{
	struct lwp *l = rumpuser_curlwp();

	if (l == NULL) {
		if (lwp_create(initproc, &l) != 0)
			panic("sched_enter: cannot create implicit lwp");
		l->l_flag |= LW_IMPLICIT;
		rumpuser_curlwp_set(l);
	}
	if (l->l_schednest++ > 0)
		return;
	l->l_flag |= LW_ONCPU;
	cpu_take(l);
}

void
sched_exit(void)
{
	struct lwp *l = rumpuser_curlwp();

	if (--l->l_schednest > 0)
		return;
	l->l_flag &= ~LW_ONCPU;
	if (l->l_cpu != NULL)
		cpu_give(l);
	if (l->l_flag & LW_IMPLICIT) {
		rumpuser_curlwp_set(NULL);
		lwp_release(l);
	}
}

void
sched_unschedule(void)
{
	struct lwp *l = rumpuser_curlwp();

	if (l != NULL && l->l_cpu != NULL)
		cpu_give(l);
}

void
sched_reschedule(void)
{
	struct lwp *l = rumpuser_curlwp();

	if (l != NULL && l->l_cpu == NULL && (l->l_flag & LW_ONCPU))
		cpu_take(l);
}
