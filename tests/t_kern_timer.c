/*
 * t_kern_timer: POSIX timers: timer_create's ids, clocks, sigevents
 * and limit; timer_settime and timer_gettime (relative, absolute,
 * one-shot, periodic, disarming, the old value, tick rounding);
 * timer_getoverrun; timer_delete; bad ids.
 */
#include <time.h>
#include <unistd.h>

#include "t.h"

#define TIMER_MIN	4
#define TIMER_MAX	36
#define DELAYTIMER_MAX	32
#define SIGEV_NONE	0
#define SIGEV_SIGNAL	1
#define SIGEV_THREAD	2

/* NetBSD's struct sigevent on amd64. */
struct nb_sigevent {
	int32_t	sigev_notify;
	int32_t	sigev_signo;
	uint64_t sigev_value;
	uint64_t sigev_notify_function;
	uint64_t sigev_notify_attributes;
};
_Static_assert(sizeof(struct nb_sigevent) == 32, "NetBSD struct sigevent");
_Static_assert(sizeof(struct rump_itimerspec) == 32, "itimerspec");

/* timer_t is an int to NetBSD: the kernel stores four bytes. */
static int
tcreate(int clock, struct nb_sigevent *ev, int *id)
{
	int64_t slot = 0;
	int rv;

	rv = rump_sys_timer_create((clockid_t)clock,
	    (struct sigevent *)(void *)ev, (timer_t *)(void *)&slot);
	*id = (int)slot;
	return rv;
}

#define TID(id)	((timer_t)(intptr_t)(id))

static int
tset(int id, int flags, int64_t value_ns, int64_t interval_ns,
    struct rump_itimerspec *old)
{
	struct rump_itimerspec its;

	its.it_value.tv_sec = value_ns / 1000000000;
	its.it_value.tv_nsec = value_ns % 1000000000;
	its.it_interval.tv_sec = interval_ns / 1000000000;
	its.it_interval.tv_nsec = interval_ns % 1000000000;
	return rump_sys_timer_settime(TID(id), flags,
	    (const struct itimerspec *)(void *)&its,
	    (struct itimerspec *)(void *)old);
}

static int64_t
ts_ns(const struct rump_timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static int
tget(int id, struct rump_itimerspec *its)
{
	return rump_sys_timer_gettime(TID(id),
	    (struct itimerspec *)(void *)its);
}

static void
sigev(struct nb_sigevent *ev, int notify, int signo)
{
	memset(ev, 0, sizeof(*ev));
	ev->sigev_notify = notify;
	ev->sigev_signo = signo;
}

TEST(timer_create_ids_start_at_timer_min)
{
	int a, b;

	CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, NULL, &a), 0);
	CHECK_EQ(a, TIMER_MIN);
	CHECK_EQ(tcreate(RUMP_CLOCK_REALTIME, NULL, &b), 0);
	CHECK_EQ(b, TIMER_MIN + 1);
}

TEST(timer_create_stores_four_bytes)
{
	int64_t slot = -1;

	CHECK_EQ(rump_sys_timer_create(RUMP_CLOCK_MONOTONIC, NULL,
	    (timer_t *)(void *)&slot), 0);
	CHECK_EQ((uint64_t)slot, 0xffffffff00000000ULL | TIMER_MIN);
}

TEST(timer_create_bad_clock_is_einval)
{
	int id;

	CHECK_ERR(tcreate(4, NULL, &id), RUMP_EINVAL);
	CHECK_ERR(tcreate(-1, NULL, &id), RUMP_EINVAL);
	CHECK_ERR(tcreate(0x40000000, NULL, &id), RUMP_EINVAL);
	/* the CPU-time clocks exist */
	CHECK_EQ(tcreate(1, NULL, &id), 0);
	CHECK_EQ(tcreate(2, NULL, &id), 0);
}

TEST(timer_create_checks_the_sigevent)
{
	struct nb_sigevent ev;
	int id;

	sigev(&ev, 4, 0);
	CHECK_ERR(tcreate(RUMP_CLOCK_MONOTONIC, &ev, &id), RUMP_EINVAL);
	sigev(&ev, -1, 0);
	CHECK_ERR(tcreate(RUMP_CLOCK_MONOTONIC, &ev, &id), RUMP_EINVAL);
	sigev(&ev, SIGEV_SIGNAL, 0);
	CHECK_ERR(tcreate(RUMP_CLOCK_MONOTONIC, &ev, &id), RUMP_EINVAL);
	sigev(&ev, SIGEV_SIGNAL, 64);
	CHECK_ERR(tcreate(RUMP_CLOCK_MONOTONIC, &ev, &id), RUMP_EINVAL);
	sigev(&ev, SIGEV_SIGNAL, 63);
	CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, &ev, &id), 0);
	sigev(&ev, SIGEV_NONE, 0);
	CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, &ev, &id), 0);
	sigev(&ev, SIGEV_THREAD, 0);
	CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, &ev, &id), 0);
	CHECK_ERR(rump_sys_timer_create(RUMP_CLOCK_MONOTONIC,
	    (struct sigevent *)(void *)8, (timer_t *)(void *)&id),
	    RUMP_EFAULT);
}

TEST(timer_create_limit_is_eagain)
{
	int i, id;

	for (i = 0; i < TIMER_MAX - TIMER_MIN; i++) {
		CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, NULL, &id), 0);
		CHECK_EQ(id, TIMER_MIN + i);
	}
	CHECK_ERR(tcreate(RUMP_CLOCK_MONOTONIC, NULL, &id), RUMP_EAGAIN);
	/* a deleted timer's slot is taken again */
	CHECK_OK(rump_sys_timer_delete(TID(10)));
	CHECK_EQ(tcreate(RUMP_CLOCK_REALTIME, NULL, &id), 0);
	CHECK_EQ(id, 10);
}

TEST(timer_ids_are_per_process)
{
	struct lwp *me = rump_pub_lwproc_curlwp();
	int id, i;

	CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, NULL, &id), 0);
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	CHECK_ERR(rump_sys_timer_delete(TID(id)), RUMP_EINVAL);
	for (i = 0; i < 5; i++)
		CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, NULL, &id), 0);
	CHECK_EQ(id, TIMER_MIN + 4);
	CHECK_OK(tset(id, 0, 10000000, 10000000, NULL));
	rump_pub_lwproc_releaselwp();	/* exits, freeing its timers */
	rump_pub_lwproc_switch(me);
	CHECK_OK(rump_sys_timer_delete(TID(TIMER_MIN)));
}

TEST(bad_timer_ids_are_einval)
{
	struct rump_itimerspec its;
	static const int bad[] = { -1, 0, 1, 2, 3, 5, TIMER_MAX, 1000 };
	unsigned i;
	int id;

	/* before any timer exists */
	CHECK_ERR(rump_sys_timer_delete(TID(TIMER_MIN)), RUMP_EINVAL);
	CHECK_ERR(tget(TIMER_MIN, &its), RUMP_EINVAL);
	CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, NULL, &id), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_ERR(rump_sys_timer_delete(TID(bad[i])), RUMP_EINVAL);
		CHECK_ERR(tget(bad[i], &its), RUMP_EINVAL);
		CHECK_ERR(tset(bad[i], 0, 1000000000, 0, NULL), RUMP_EINVAL);
		CHECK_ERR(rump_sys_timer_getoverrun(TID(bad[i])),
		    RUMP_EINVAL);
	}
	CHECK_OK(rump_sys_timer_delete(TID(id)));
	CHECK_ERR(rump_sys_timer_delete(TID(id)), RUMP_EINVAL);
}

TEST(timer_settime_then_gettime_counts_down)
{
	struct rump_itimerspec its;
	int64_t left;
	int id;

	CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, NULL, &id), 0);
	CHECK_OK(tget(id, &its));
	CHECK_EQ(ts_ns(&its.it_value), 0);	/* disarmed */
	CHECK_OK(tset(id, 0, 1000000000, 0, NULL));
	CHECK_OK(tget(id, &its));
	left = ts_ns(&its.it_value);
	CHECK(left > 900000000);
	CHECK(left <= 1000000000);
	CHECK_EQ(ts_ns(&its.it_interval), 0);
	usleep(100 * 1000);
	CHECK_OK(tget(id, &its));
	CHECK(ts_ns(&its.it_value) < left - 90000000);
}

TEST(one_shot_expiry_leaves_zero_and_no_overrun)
{
	struct rump_itimerspec its;
	int id;

	CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, NULL, &id), 0);
	CHECK_OK(tset(id, 0, 20000000, 0, NULL));
	usleep(60 * 1000);
	CHECK_OK(tget(id, &its));
	CHECK_EQ(ts_ns(&its.it_value), 0);
	CHECK_EQ(ts_ns(&its.it_interval), 0);
	CHECK_EQ(rump_sys_timer_getoverrun(TID(id)), 0);
}

TEST(periodic_timer_counts_overruns)
{
	struct rump_itimerspec its;
	struct timespec t0, t1;
	long long dt;
	int id, n;

	CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, NULL, &id), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_OK(tset(id, 0, 20000000, 20000000, NULL));
	usleep(210 * 1000);
	/* ten expirations or so: the first raised the signal */
	n = rump_sys_timer_getoverrun(TID(id));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	dt = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) /
	    1000000;
	CHECK(n >= 9);
	CHECK(n <= dt / 20);
	/* reading accepted the signal: the count starts again */
	CHECK_EQ(rump_sys_timer_getoverrun(TID(id)), 0);
	CHECK_OK(tget(id, &its));
	CHECK(ts_ns(&its.it_value) > 0);
	CHECK(ts_ns(&its.it_value) <= 20000000);
	CHECK_EQ(ts_ns(&its.it_interval), 20000000);
}

TEST(overruns_stop_at_delaytimer_max)
{
	int id;

	CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, NULL, &id), 0);
	CHECK_OK(tset(id, 0, 10000000, 10000000, NULL));
	usleep(500 * 1000);
	CHECK_EQ(rump_sys_timer_getoverrun(TID(id)), DELAYTIMER_MAX);
}

TEST(sigev_none_never_overruns)
{
	struct nb_sigevent ev;
	struct rump_itimerspec its;
	int id;

	sigev(&ev, SIGEV_NONE, 0);
	CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, &ev, &id), 0);
	CHECK_OK(tset(id, 0, 10000000, 10000000, NULL));
	usleep(80 * 1000);
	CHECK_EQ(rump_sys_timer_getoverrun(TID(id)), 0);
	CHECK_OK(tget(id, &its));
	CHECK(ts_ns(&its.it_value) > 0);
}

TEST(abstime_in_the_past_fires_at_once)
{
	struct rump_itimerspec its;
	int id;

	CHECK_EQ(tcreate(RUMP_CLOCK_REALTIME, NULL, &id), 0);
	CHECK_OK(tset(id, RUMP_TIMER_ABSTIME, 1000000000, 0, NULL));
	CHECK_OK(tget(id, &its));
	CHECK_EQ(ts_ns(&its.it_value), 0);
	CHECK_EQ(rump_sys_timer_getoverrun(TID(id)), 0);
	/* periodic from long ago: many expirations at once, next one soon */
	CHECK_OK(tset(id, RUMP_TIMER_ABSTIME, 1000000000, 500000000, NULL));
	CHECK_OK(tget(id, &its));
	CHECK(ts_ns(&its.it_value) > 0);
	CHECK(ts_ns(&its.it_value) <= 500000000);
	CHECK_EQ(rump_sys_timer_getoverrun(TID(id)), DELAYTIMER_MAX);
}

TEST(abstime_in_the_future_counts_down)
{
	struct rump_itimerspec its;
	struct rump_timespec now;
	int id;

	CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, NULL, &id), 0);
	CHECK_OK(rump_sys_clock_gettime(RUMP_CLOCK_MONOTONIC,
	    (struct timespec *)(void *)&now));
	CHECK_OK(tset(id, RUMP_TIMER_ABSTIME, ts_ns(&now) + 2000000000LL, 0,
	    NULL));
	CHECK_OK(tget(id, &its));
	CHECK(ts_ns(&its.it_value) > 1900000000LL);
	CHECK(ts_ns(&its.it_value) <= 2000000000LL);
}

TEST(zero_value_disarms)
{
	struct rump_itimerspec its;
	int id;

	CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, NULL, &id), 0);
	CHECK_OK(tset(id, 0, 5000000000LL, 1000000000, NULL));
	CHECK_OK(tset(id, 0, 0, 1000000000, NULL));
	CHECK_OK(tget(id, &its));
	CHECK_EQ(ts_ns(&its.it_value), 0);
	CHECK_EQ(ts_ns(&its.it_interval), 1000000000);
}

TEST(settime_returns_the_old_setting)
{
	struct rump_itimerspec old;
	int id;

	CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, NULL, &id), 0);
	CHECK_OK(tset(id, 0, 3000000000LL, 250000000, NULL));
	memset(&old, 0xff, sizeof(old));
	CHECK_OK(tset(id, 0, 0, 0, &old));
	CHECK(ts_ns(&old.it_value) > 2900000000LL);
	CHECK(ts_ns(&old.it_value) <= 3000000000LL);
	CHECK_EQ(ts_ns(&old.it_interval), 250000000);
}

TEST(settime_checks_the_times)
{
	struct rump_itimerspec its;
	int id;

	CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, NULL, &id), 0);
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = 1000000000;
	CHECK_ERR(rump_sys_timer_settime(TID(id), 0,
	    (const struct itimerspec *)(void *)&its, NULL), RUMP_EINVAL);
	its.it_value.tv_nsec = -1;
	CHECK_ERR(rump_sys_timer_settime(TID(id), 0,
	    (const struct itimerspec *)(void *)&its, NULL), RUMP_EINVAL);
	its.it_value.tv_nsec = 0;
	its.it_interval.tv_nsec = 1000000000;
	CHECK_ERR(rump_sys_timer_settime(TID(id), 0,
	    (const struct itimerspec *)(void *)&its, NULL), RUMP_EINVAL);
	/* NetBSD's itimespecfix: a negative time is ETIMEDOUT */
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = -1;
	CHECK_ERR(rump_sys_timer_settime(TID(id), 0,
	    (const struct itimerspec *)(void *)&its, NULL), RUMP_ETIMEDOUT);
	CHECK_ERR(rump_sys_timer_settime(TID(id), 0,
	    (const struct itimerspec *)(void *)8, NULL), RUMP_EFAULT);
}

TEST(times_under_a_tick_round_up_to_one)
{
	struct rump_itimerspec its;
	int id;

	CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, NULL, &id), 0);
	CHECK_OK(tset(id, 0, 5000000000LL, 1, NULL));
	CHECK_OK(tget(id, &its));
	CHECK_EQ(ts_ns(&its.it_interval), 10000000);
}

TEST(cpu_time_timers_hold_their_value)
{
	struct rump_itimerspec its;
	int id;

	CHECK_EQ(tcreate(1, NULL, &id), 0);	/* CLOCK_VIRTUAL */
	CHECK_OK(tset(id, 0, 1000000000, 0, NULL));
	usleep(30 * 1000);
	CHECK_OK(tget(id, &its));
	CHECK_EQ(ts_ns(&its.it_value), 1000000000);
}

TEST(timer_delete_disarms_and_frees)
{
	struct rump_itimerspec its;
	int id;

	CHECK_EQ(tcreate(RUMP_CLOCK_MONOTONIC, NULL, &id), 0);
	CHECK_OK(tset(id, 0, 1000000000, 1000000000, NULL));
	CHECK_OK(rump_sys_timer_delete(TID(id)));
	CHECK_ERR(tget(id, &its), RUMP_EINVAL);
	CHECK_ERR(rump_sys_timer_getoverrun(TID(id)), RUMP_EINVAL);
}
