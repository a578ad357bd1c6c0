/*
 * sys_timer.c: POSIX timers: timer_create, timer_delete,
 * timer_settime, timer_gettime, timer_getoverrun.
 *
 * A process has up to 32 timers, ids TIMER_MIN (4) to TIMER_MAX - 1
 * (35) as NetBSD numbers them (0-3 belong to setitimer there); the
 * 33rd timer_create is EAGAIN, and an id that names no timer of the
 * caller's is EINVAL.  Clocks are CLOCK_REALTIME and CLOCK_MONOTONIC;
 * CLOCK_VIRTUAL and CLOCK_PROF timers may be made and set but count
 * process CPU time, which a rump kernel does not account, so they
 * hold their value (as setitimer's do, kern/sys_time.c).
 *
 * Nothing runs when a timer expires: each call first brings the timer
 * up to date from its clock (ptimer_advance), which counts the
 * expirations since it last looked and moves an interval timer's next
 * expiry past now.  So the values are exact whenever they are read.
 *
 * Notification: a rump kernel has no signal model, so SIGEV_SIGNAL
 * timers (the default: SIGALRM) send nothing.  Their expirations are
 * counted as if the signal stayed pending: the first expiry raises it,
 * each later one is an overrun, and timer_getoverrun() reports the
 * overruns (at most DELAYTIMER_MAX) and accepts the signal, so the
 * count starts again.  SIGEV_NONE (and SIGEV_THREAD, SIGEV_SA, which
 * NetBSD's kernel also takes and never signals) never overrun: 0.
 *
 * Locking: a process's timers (p_timers and every field of its
 * ptimers) are guarded by its p_lock.  p_timers is made on the first
 * timer_create and freed at exit (ptimers_exit, from proc_exit).
 */
#include "kern/sys_kern.h"

#define NSEC		1000000000LL
#define TICK_NS		10000000LL	/* hz 100: shorter values round up */
#define TIME_MAX_SEC	4000000000LL	/* beyond: never, in effect */
#define TIMER_MIN	4
#define TIMER_MAX	36
#define DELAYTIMER_MAX	32

#define CLOCK_VIRTUAL	1
#define CLOCK_PROF	2

#define SIGEV_NONE	0
#define SIGEV_SIGNAL	1
#define SIGEV_SA	3
#define NSIG		64
#define SIGALRM		14
#define SIGVTALRM	26
#define SIGPROF		27

/* NetBSD's struct sigevent on amd64 (sys/signal.h). */
struct sigevent_k {
	int32_t	sigev_notify;
	int32_t	sigev_signo;
	uint64_t sigev_value;		/* union sigval */
	uint64_t sigev_notify_function;
	uint64_t sigev_notify_attributes;
};
_Static_assert(sizeof(struct sigevent_k) == 32, "NetBSD struct sigevent");

struct ptimer {
	int	pt_clock;		/* fixed: CLOCK_* */
	int	pt_notify;		/* fixed: SIGEV_* */
	int	pt_signo;		/* fixed */
	int64_t	pt_value;		/* next expiry, ns on pt_clock; 0: off
					 * (CPU clocks: the time left, held) */
	int64_t	pt_interval;		/* reload, ns; 0: one-shot */
	bool	pt_pending;		/* SIGEV_SIGNAL raised, not accepted */
	int64_t	pt_overruns;		/* expirations while pending */
};

struct ptimers {
	struct ptimer *pts_timers[TIMER_MAX];
};

void
ptimer_init(void)
{
}

static bool
clock_cpu(int clock)
{
	return clock == CLOCK_VIRTUAL || clock == CLOCK_PROF;
}

static int64_t
ts_ns(const struct rump_timespec *ts)
{
	return ts->tv_sec * NSEC + ts->tv_nsec;
}

static void
ns_ts(int64_t ns, struct rump_timespec *ts)
{
	ts->tv_sec = ns / NSEC;
	ts->tv_nsec = ns % NSEC;
}

static int64_t
clock_ns(int clock)
{
	struct rump_timespec ts;

	if (clock == RUMP_CLOCK_REALTIME)
		nanotime(&ts);
	else
		nanouptime(&ts);
	return ts_ns(&ts);
}

/*
 * NetBSD's itimespecfix: nanoseconds out of range are EINVAL, a
 * negative time ETIMEDOUT; a time under one tick becomes one tick.
 */
static int
itimespec_fix(struct rump_timespec *ts)
{
	if (ts->tv_nsec < 0 || ts->tv_nsec >= NSEC)
		return EINVAL;
	if (ts->tv_sec < 0)
		return ETIMEDOUT;
	if (ts->tv_sec == 0 && ts->tv_nsec != 0 && ts->tv_nsec < TICK_NS)
		ts->tv_nsec = TICK_NS;
	if (ts->tv_sec > TIME_MAX_SEC)
		ts->tv_sec = TIME_MAX_SEC;
	return 0;
}

/* n expirations happened: raise the signal or count overruns. */
static void
ptimer_fire(struct ptimer *pt, int64_t n)
{
	if (pt->pt_notify != SIGEV_SIGNAL)
		return;
	if (!pt->pt_pending) {
		pt->pt_pending = true;
		n--;
	}
	if (pt->pt_overruns < INT64_MAX - n)
		pt->pt_overruns += n;
}

/* Bring the timer up to date with its clock; p_lock held. */
static void
ptimer_advance(struct ptimer *pt, int64_t now)
{
	int64_t n;

	if (pt->pt_value == 0 || clock_cpu(pt->pt_clock) ||
	    now < pt->pt_value)
		return;
	n = 1;
	if (pt->pt_interval == 0)
		pt->pt_value = 0;
	else {
		n += (now - pt->pt_value) / pt->pt_interval;
		pt->pt_value += n * pt->pt_interval;
	}
	ptimer_fire(pt, n);
}

/* The time left and the interval, as timer_gettime shows them. */
static void
ptimer_get(struct ptimer *pt, struct rump_itimerspec *its)
{
	int64_t now, left = pt->pt_value;

	if (!clock_cpu(pt->pt_clock) && left != 0) {
		now = clock_ns(pt->pt_clock);
		ptimer_advance(pt, now);
		left = pt->pt_value == 0 ? 0 : pt->pt_value - now;
	}
	memset(its, 0, sizeof(*its));
	ns_ts(left, &its->it_value);
	ns_ts(pt->pt_interval, &its->it_interval);
}

/* Arm (or, with a zero value, disarm) the timer. */
static void
ptimer_set(struct ptimer *pt, const struct rump_itimerspec *its, int flags)
{
	int64_t value = ts_ns(&its->it_value);

	pt->pt_interval = ts_ns(&its->it_interval);
	if (value == 0 || clock_cpu(pt->pt_clock))
		pt->pt_value = value;
	else if (flags & RUMP_TIMER_ABSTIME)
		pt->pt_value = value;		/* maybe past: fires at once */
	else
		pt->pt_value = clock_ns(pt->pt_clock) + value;
}

/* The caller's timer `id`, p_lock held; NULL if none (EINVAL). */
static struct ptimer *
ptimer_lookup(struct proc *p, int id)
{
	if (p->p_timers == NULL || id < 2 || id >= TIMER_MAX)
		return NULL;
	return p->p_timers->pts_timers[id];
}

/* Read and check the sigevent; fill in NetBSD's default without one. */
static int
ptimer_event(const void *uevp, int clock, struct ptimer *pt)
{
	struct sigevent_k ev;
	int error;

	if (uevp == NULL) {
		pt->pt_notify = SIGEV_SIGNAL;
		pt->pt_signo = clock == CLOCK_VIRTUAL ? SIGVTALRM :
		    clock == CLOCK_PROF ? SIGPROF : SIGALRM;
		return 0;
	}
	if ((error = copyin(uevp, &ev, sizeof(ev))) != 0)
		return error;
	if (ev.sigev_notify < SIGEV_NONE || ev.sigev_notify > SIGEV_SA)
		return EINVAL;
	if (ev.sigev_notify == SIGEV_SIGNAL &&
	    (ev.sigev_signo <= 0 || ev.sigev_signo >= NSIG))
		return EINVAL;
	pt->pt_notify = ev.sigev_notify;
	pt->pt_signo = ev.sigev_signo;
	return 0;
}

/* Put pt in the lowest free slot; p_lock held.  EAGAIN when full. */
static int
ptimer_slot(struct proc *p, struct ptimer *pt, int32_t *idp)
{
	int id;

	for (id = TIMER_MIN; id < TIMER_MAX; id++)
		if (p->p_timers->pts_timers[id] == NULL) {
			p->p_timers->pts_timers[id] = pt;
			*idp = id;
			return 0;
		}
	return EAGAIN;
}

int
sys_timer_create(struct lwp *l, const void *args, register_t *retval)
{
	struct proc *p = l->l_proc;
	unsigned clock = SARG_UINT(args, 0);
	struct ptimers *pts = NULL;
	struct ptimer *pt;
	int32_t id;
	int error;

	(void)retval;
	if (clock > RUMP_CLOCK_MONOTONIC)
		return EINVAL;
	if ((pt = kmem_zalloc(sizeof(*pt), KM_SLEEP)) == NULL)
		return ENOMEM;
	pt->pt_clock = (int)clock;
	if ((error = ptimer_event(SARG_PTR(args, 1), (int)clock, pt)) != 0) {
		kmem_free(pt, sizeof(*pt));
		return error;
	}
	if (p->p_timers == NULL &&
	    (pts = kmem_zalloc(sizeof(*pts), KM_SLEEP)) == NULL) {
		kmem_free(pt, sizeof(*pt));
		return ENOMEM;
	}
	mutex_enter(&p->p_lock);
	if (p->p_timers == NULL) {
		p->p_timers = pts;
		pts = NULL;
	}
	error = ptimer_slot(p, pt, &id);
	mutex_exit(&p->p_lock);
	if (pts != NULL)
		kmem_free(pts, sizeof(*pts));
	if (error != 0) {
		kmem_free(pt, sizeof(*pt));
		return error;
	}
	/* as NetBSD, a timer whose id cannot be stored stays made */
	return copyout(&id, SARG_PTR(args, 2), sizeof(id));
}

int
sys_timer_delete(struct lwp *l, const void *args, register_t *retval)
{
	struct proc *p = l->l_proc;
	int id = SARG_INT(args, 0);
	struct ptimer *pt;

	(void)retval;
	mutex_enter(&p->p_lock);
	if ((pt = ptimer_lookup(p, id)) != NULL)
		p->p_timers->pts_timers[id] = NULL;
	mutex_exit(&p->p_lock);
	if (pt == NULL)
		return EINVAL;
	kmem_free(pt, sizeof(*pt));
	return 0;
}

int
sys___timer_settime50(struct lwp *l, const void *args, register_t *retval)
{
	struct proc *p = l->l_proc;
	int id = SARG_INT(args, 0), flags = SARG_INT(args, 1);
	void *uovalue = SARG_PTR(args, 3);
	struct rump_itimerspec its, old;
	struct ptimer *pt;
	int error;

	(void)retval;
	if ((error = copyin(SARG_PTR(args, 2), &its, sizeof(its))) != 0)
		return error;
	mutex_enter(&p->p_lock);
	if (p->p_timers == NULL || id < 2 || id >= TIMER_MAX)
		error = EINVAL;
	else if ((error = itimespec_fix(&its.it_value)) != 0 ||
	    (error = itimespec_fix(&its.it_interval)) != 0)
		;
	else if ((pt = ptimer_lookup(p, id)) == NULL)
		error = EINVAL;
	else {
		ptimer_get(pt, &old);
		ptimer_set(pt, &its, flags);
	}
	mutex_exit(&p->p_lock);
	if (error != 0 || uovalue == NULL)
		return error;
	return copyout(&old, uovalue, sizeof(old));
}

int
sys___timer_gettime50(struct lwp *l, const void *args, register_t *retval)
{
	struct proc *p = l->l_proc;
	struct rump_itimerspec its;
	struct ptimer *pt;

	(void)retval;
	mutex_enter(&p->p_lock);
	if ((pt = ptimer_lookup(p, SARG_INT(args, 0))) != NULL)
		ptimer_get(pt, &its);
	mutex_exit(&p->p_lock);
	if (pt == NULL)
		return EINVAL;
	return copyout(&its, SARG_PTR(args, 1), sizeof(its));
}

int
sys_timer_getoverrun(struct lwp *l, const void *args, register_t *retval)
{
	struct proc *p = l->l_proc;
	struct ptimer *pt;

	mutex_enter(&p->p_lock);
	if ((pt = ptimer_lookup(p, SARG_INT(args, 0))) != NULL) {
		if (!clock_cpu(pt->pt_clock))
			ptimer_advance(pt, clock_ns(pt->pt_clock));
		retval[0] = MIN(pt->pt_overruns, DELAYTIMER_MAX);
		pt->pt_overruns = 0;
		pt->pt_pending = false;
	}
	mutex_exit(&p->p_lock);
	return pt == NULL ? EINVAL : 0;
}

void
ptimers_exit(struct proc *p)
{
	struct ptimers *pts;
	int i;

	mutex_enter(&p->p_lock);
	pts = p->p_timers;
	p->p_timers = NULL;
	mutex_exit(&p->p_lock);
	if (pts == NULL)
		return;
	for (i = 0; i < TIMER_MAX; i++)
		if (pts->pts_timers[i] != NULL)
			kmem_free(pts->pts_timers[i], sizeof(struct ptimer));
	kmem_free(pts, sizeof(*pts));
}
