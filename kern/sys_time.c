/*
 * sys_time.c: clocks, sleeping and interval timers.
 *
 * Clocks are CLOCK_REALTIME (wall, settable by the superuser, kept as
 * an offset from the host's: kern/time.c) and CLOCK_MONOTONIC (the
 * host's monotonic clock); any other id is EINVAL.  Sleeps are
 * kpause_ns(..., true), so a cancelled lwp (a dead sysproxy client)
 * wakes with EINTR.
 *
 * Interval timers keep their state in the process (p_itvalue,
 * p_itinterval, under p_lock).  ITIMER_REAL and ITIMER_MONOTONIC run
 * on the monotonic clock and reload from their interval; a rump
 * kernel delivers no signals, so expiry only shows in getitimer.
 * ITIMER_VIRTUAL and ITIMER_PROF count process CPU time, which a rump
 * kernel does not account, so they hold their value.
 *
 * clock_nanosleep, like NetBSD's, returns its error as the call's
 * value (retval[0]) and the call itself succeeds.
 */
#include "kern/sys_kern.h"

#define NSEC		1000000000LL
#define USEC		1000000
#define TICK_NS		10000000LL	/* hz 100: short timers round up */
#define TIME_MAX_SEC	8000000000LL	/* settable wall clock ceiling */

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

static void
ns_tv(int64_t ns, struct rump_timeval *tv)
{
	memset(tv, 0, sizeof(*tv));
	tv->tv_sec = ns / NSEC;
	tv->tv_usec = (int32_t)((ns % NSEC) / 1000);
}

static bool
nsec_valid(int64_t nsec)
{
	return nsec >= 0 && nsec < NSEC;
}

/* A clock's reading; EINVAL for clocks a rump kernel lacks. */
static int
clock_read(int clock, struct rump_timespec *ts)
{
	switch (clock) {
	case RUMP_CLOCK_REALTIME:
		nanotime(ts);
		return 0;
	case RUMP_CLOCK_MONOTONIC:
		nanouptime(ts);
		return 0;
	default:
		return EINVAL;
	}
}

static int64_t
mono_ns(void)
{
	struct rump_timespec ts;

	nanouptime(&ts);
	return ts_ns(&ts);
}

/* Set the wall clock: superuser only, and within 64-bit nanoseconds. */
static int
clock_set(kauth_cred_t cred, const struct rump_timespec *ts)
{
	if (!cred_isroot(cred))
		return EPERM;
	if (!nsec_valid(ts->tv_nsec) || ts->tv_sec < 0 ||
	    ts->tv_sec > TIME_MAX_SEC)
		return EINVAL;
	settime(ts);
	return 0;
}

int
sys_gettimeofday(struct lwp *l, const void *args, register_t *retval)
{
	struct rump_timespec ts;
	struct rump_timeval tv;
	void *tp = SARG_PTR(args, 0), *tzp = SARG_PTR(args, 1);
	int32_t tz[2] = { 0, 0 };	/* no kernel time zone in NetBSD */
	int error;

	(void)l; (void)retval;
	if (tp != NULL) {
		nanotime(&ts);
		ns_tv(ts_ns(&ts), &tv);
		if ((error = copyout(&tv, tp, sizeof(tv))) != 0)
			return error;
	}
	return tzp != NULL ? copyout(tz, tzp, sizeof(tz)) : 0;
}

int
sys_settimeofday(struct lwp *l, const void *args, register_t *retval)
{
	struct rump_timeval tv;
	struct rump_timespec ts;
	void *utv = SARG_PTR(args, 0);
	int error;

	(void)retval;
	if (utv == NULL)
		return 0;
	if ((error = copyin(utv, &tv, sizeof(tv))) != 0)
		return error;
	if (tv.tv_usec < 0 || tv.tv_usec >= USEC)
		return cred_isroot(l->l_cred) ? EINVAL : EPERM;
	ts.tv_sec = tv.tv_sec;
	ts.tv_nsec = (int64_t)tv.tv_usec * 1000;
	return clock_set(l->l_cred, &ts);
}

/*
 * adjtime: superuser only.  A rump kernel has no slewing clock, so
 * the adjustment is applied at once and none is ever outstanding.
 */
int
sys_adjtime(struct lwp *l, const void *args, register_t *retval)
{
	void *udelta = SARG_PTR(args, 0), *uold = SARG_PTR(args, 1);
	struct rump_timeval delta, zero;
	struct rump_timespec now;
	int64_t d;
	int error;

	(void)retval;
	if (!cred_isroot(l->l_cred))
		return EPERM;
	if (udelta != NULL) {
		if ((error = copyin(udelta, &delta, sizeof(delta))) != 0)
			return error;
		if (delta.tv_sec > TIME_MAX_SEC || delta.tv_sec < -TIME_MAX_SEC)
			return EINVAL;
		nanotime(&now);
		d = ts_ns(&now) + delta.tv_sec * NSEC +
		    (int64_t)delta.tv_usec * 1000;
		if (d < 0 || d / NSEC > TIME_MAX_SEC)
			return EINVAL;
		ns_ts(d, &now);
		settime(&now);
	}
	memset(&zero, 0, sizeof(zero));
	return uold != NULL ? copyout(&zero, uold, sizeof(zero)) : 0;
}

int
sys_clock_gettime(struct lwp *l, const void *args, register_t *retval)
{
	struct rump_timespec ts;
	int error;

	(void)l; (void)retval;
	if ((error = clock_read(SARG_INT(args, 0), &ts)) != 0)
		return error;
	return copyout(&ts, SARG_PTR(args, 1), sizeof(ts));
}

int
sys_clock_settime(struct lwp *l, const void *args, register_t *retval)
{
	struct rump_timespec ts;
	int error;

	(void)retval;
	if ((error = copyin(SARG_PTR(args, 1), &ts, sizeof(ts))) != 0)
		return error;
	if (SARG_INT(args, 0) != RUMP_CLOCK_REALTIME)
		return EINVAL;	/* the monotonic clock is read-only */
	return clock_set(l->l_cred, &ts);
}

/* Both clocks count in nanoseconds. */
int
sys_clock_getres(struct lwp *l, const void *args, register_t *retval)
{
	struct rump_timespec ts = { 0, 1 };
	void *tp = SARG_PTR(args, 1);
	int clock = SARG_INT(args, 0);

	(void)l; (void)retval;
	if (clock != RUMP_CLOCK_REALTIME && clock != RUMP_CLOCK_MONOTONIC)
		return EINVAL;
	return tp != NULL ? copyout(&ts, tp, sizeof(ts)) : 0;
}

/*
 * Sleep on `clock` until rqt (TIMER_ABSTIME) or for rqt.  rmt, if
 * given, receives the time left (zero unless interrupted).
 */
static int
nanosleep1(int clock, int flags, const struct rump_timespec *rqt,
    struct rump_timespec *rmt)
{
	struct rump_timespec start, now;
	int64_t end, left;
	int error;

	if ((error = clock_read(clock, &start)) != 0)
		return error;
	if (!nsec_valid(rqt->tv_nsec))
		return EINVAL;
	if (flags & RUMP_TIMER_ABSTIME)
		end = rqt->tv_sec > TIME_MAX_SEC ? INT64_MAX : ts_ns(rqt);
	else if (rqt->tv_sec > TIME_MAX_SEC)
		end = INT64_MAX;
	else
		end = ts_ns(&start) + (rqt->tv_sec < 0 ? 0 : ts_ns(rqt));
	for (;;) {
		clock_read(clock, &now);
		left = end - ts_ns(&now);
		if (left <= 0 || error != 0)
			break;
		error = kpause_ns(left, true);
	}
	if (rmt != NULL)
		ns_ts(left > 0 ? left : 0, rmt);
	return error;
}

int
sys_nanosleep(struct lwp *l, const void *args, register_t *retval)
{
	struct rump_timespec rqt, rmt;
	void *urmt = SARG_PTR(args, 1);
	int error, error1;

	(void)l; (void)retval;
	if ((error = copyin(SARG_PTR(args, 0), &rqt, sizeof(rqt))) != 0)
		return error;
	error = nanosleep1(RUMP_CLOCK_MONOTONIC, 0, &rqt, &rmt);
	if (urmt == NULL || (error != 0 && error != EINTR))
		return error;
	error1 = copyout(&rmt, urmt, sizeof(rmt));
	return error1 != 0 ? error1 : error;
}

int
sys_clock_nanosleep(struct lwp *l, const void *args, register_t *retval)
{
	struct rump_timespec rqt, rmt;
	void *urmt = SARG_PTR(args, 3);
	int error, error1;

	(void)l;
	if ((error = copyin(SARG_PTR(args, 2), &rqt, sizeof(rqt))) == 0) {
		error = nanosleep1(SARG_INT(args, 0), SARG_INT(args, 1),
		    &rqt, &rmt);
		if (urmt != NULL && (error == 0 || error == EINTR) &&
		    (error1 = copyout(&rmt, urmt, sizeof(rmt))) != 0)
			error = error1;
	}
	retval[0] = error;
	return 0;
}

/* --- interval timers -------------------------------------------------- */

static bool
itimer_realtime(int which)
{
	return which == RUMP_ITIMER_REAL || which == RUMP_ITIMER_MONOTONIC;
}

/* A timeval as an interval: usec in range, seconds not negative;
 * a non-zero value below one tick becomes one tick. */
static int
itimer_fix(const struct rump_timeval *tv, int64_t *ns)
{
	if (tv->tv_usec < 0 || tv->tv_usec >= USEC || tv->tv_sec < 0 ||
	    tv->tv_sec > TIME_MAX_SEC)
		return EINVAL;
	*ns = tv->tv_sec * NSEC + (int64_t)tv->tv_usec * 1000;
	if (*ns != 0 && *ns < TICK_NS)
		*ns = TICK_NS;
	return 0;
}

/* Time left and interval of timer `which`; p_lock held. */
static void
itimer_get(struct proc *p, int which, struct rump_itimerval *itv)
{
	int64_t value = p->p_itvalue[which], ival = p->p_itinterval[which];
	int64_t now;

	if (itimer_realtime(which) && value != 0) {
		now = mono_ns();
		if (now >= value && ival == 0) {
			p->p_itvalue[which] = value = 0;	/* expired */
		} else if (now >= value) {
			value += ((now - value) / ival + 1) * ival;
			p->p_itvalue[which] = value;
		}
		if (value != 0)
			value -= now;
	}
	ns_tv(value, &itv->it_value);
	ns_tv(ival, &itv->it_interval);
}

int
sys_getitimer(struct lwp *l, const void *args, register_t *retval)
{
	struct proc *p = l->l_proc;
	unsigned which = SARG_UINT(args, 0);
	struct rump_itimerval itv;

	(void)retval;
	if (which > RUMP_ITIMER_MONOTONIC)
		return EINVAL;
	mutex_enter(&p->p_lock);
	itimer_get(p, (int)which, &itv);
	mutex_exit(&p->p_lock);
	return copyout(&itv, SARG_PTR(args, 1), sizeof(itv));
}

int
sys_setitimer(struct lwp *l, const void *args, register_t *retval)
{
	struct proc *p = l->l_proc;
	unsigned which = SARG_UINT(args, 0);
	void *uitv = SARG_PTR(args, 1), *uoitv = SARG_PTR(args, 2);
	struct rump_itimerval itv, old;
	int64_t value, ival;
	int error;

	(void)retval;
	if (which > RUMP_ITIMER_MONOTONIC)
		return EINVAL;
	if (uitv != NULL && (error = copyin(uitv, &itv, sizeof(itv))) != 0)
		return error;
	if (uoitv != NULL) {
		mutex_enter(&p->p_lock);
		itimer_get(p, (int)which, &old);
		mutex_exit(&p->p_lock);
		if ((error = copyout(&old, uoitv, sizeof(old))) != 0)
			return error;
	}
	if (uitv == NULL)
		return 0;
	if (itimer_fix(&itv.it_value, &value) != 0 ||
	    itimer_fix(&itv.it_interval, &ival) != 0)
		return EINVAL;
	if (value == 0)
		ival = 0;
	else if (itimer_realtime((int)which))
		value += mono_ns();
	mutex_enter(&p->p_lock);
	p->p_itvalue[which] = value;
	p->p_itinterval[which] = ival;
	mutex_exit(&p->p_lock);
	return 0;
}
