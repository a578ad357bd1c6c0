/*
 * t_kern_time: clocks, sleeping, interval timers.
 */
#include <sys/time.h>
#include <time.h>

#include "t.h"

static long long
host_ms(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

TEST(clock_realtime_matches_host)
{
	struct timespec ts;
	long long now = host_ms(CLOCK_REALTIME), ms;

	CHECK_OK(rump_sys_clock_gettime(RUMP_CLOCK_REALTIME, &ts));
	ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	CHECK(ms - now > -1000 && ms - now < 1000);
	CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
}

TEST(clock_monotonic_never_goes_back)
{
	struct timespec a, b;

	CHECK_OK(rump_sys_clock_gettime(RUMP_CLOCK_MONOTONIC, &a));
	CHECK_OK(rump_sys_clock_gettime(RUMP_CLOCK_MONOTONIC, &b));
	CHECK(b.tv_sec > a.tv_sec ||
	    (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
}

TEST(clock_gettime_errors)
{
	struct timespec ts;

	CHECK_ERR(rump_sys_clock_gettime(RUMP_CLOCK_VIRTUAL, &ts),
	    RUMP_EINVAL);
	CHECK_ERR(rump_sys_clock_gettime(12345, &ts), RUMP_EINVAL);
	CHECK_ERR(rump_sys_clock_gettime(RUMP_CLOCK_REALTIME, NULL),
	    RUMP_EFAULT);
	CHECK_ERR(rump_sys_clock_gettime(RUMP_CLOCK_MONOTONIC,
	    (void *)0x7ff0dead0000), RUMP_EFAULT);
}

TEST(clock_getres_nanoseconds)
{
	struct timespec ts = { 9, 9 };

	CHECK_OK(rump_sys_clock_getres(RUMP_CLOCK_MONOTONIC, &ts));
	CHECK_EQ(ts.tv_sec, 0);
	CHECK(ts.tv_nsec > 0 && ts.tv_nsec <= 10000000);
	CHECK_OK(rump_sys_clock_getres(RUMP_CLOCK_REALTIME, NULL));
	CHECK_ERR(rump_sys_clock_getres(RUMP_CLOCK_PROF, &ts), RUMP_EINVAL);
}

TEST(gettimeofday_usec_and_padding)
{
	struct rump_timeval tv;
	long long now = host_ms(CLOCK_REALTIME);

	memset(&tv, 0xee, sizeof(tv));
	CHECK_OK(rump_sys_gettimeofday((struct timeval *)&tv, NULL));
	CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	CHECK_EQ(tv.tv_pad, 0);
	CHECK(tv.tv_sec * 1000 - now > -2000 && tv.tv_sec * 1000 - now < 2000);
}

TEST(gettimeofday_pointers)
{
	int tz[2] = { 5, 5 };

	CHECK_OK(rump_sys_gettimeofday(NULL, NULL));	/* NetBSD: fine */
	CHECK_OK(rump_sys_gettimeofday(NULL, tz));
	CHECK_EQ(tz[0], 0);
	CHECK_EQ(tz[1], 0);
	CHECK_ERR(rump_sys_gettimeofday((void *)1, NULL), RUMP_EFAULT);
	CHECK_ERR(rump_sys_gettimeofday((void *)0x7ff0dead0000, NULL),
	    RUMP_EFAULT);
}

TEST(settimeofday_moves_rump_clock_only)
{
	struct rump_timeval tv;
	struct timespec ts;
	long long before = host_ms(CLOCK_REALTIME);

	memset(&tv, 0, sizeof(tv));
	tv.tv_sec = 1000000000;		/* 2001 */
	tv.tv_usec = 500000;
	CHECK_OK(rump_sys_settimeofday((struct timeval *)&tv, NULL));
	CHECK_OK(rump_sys_clock_gettime(RUMP_CLOCK_REALTIME, &ts));
	CHECK(ts.tv_sec >= 1000000000 && ts.tv_sec <= 1000000002);
	CHECK(host_ms(CLOCK_REALTIME) >= before);	/* host untouched */
	/* put it back */
	tv.tv_sec = host_ms(CLOCK_REALTIME) / 1000;
	tv.tv_usec = 0;
	CHECK_OK(rump_sys_settimeofday((struct timeval *)&tv, NULL));
}

TEST(settimeofday_rules)
{
	struct rump_timeval tv;

	CHECK_OK(rump_sys_settimeofday(NULL, NULL));
	memset(&tv, 0, sizeof(tv));
	tv.tv_sec = 1500000000;
	tv.tv_usec = 1000000;
	CHECK_ERR(rump_sys_settimeofday((struct timeval *)&tv, NULL),
	    RUMP_EINVAL);
	CHECK_ERR(rump_sys_settimeofday((void *)1, NULL), RUMP_EFAULT);
	CHECK_OK(rump_sys_setuid(100));
	tv.tv_usec = 0;
	CHECK_ERR(rump_sys_settimeofday((struct timeval *)&tv, NULL),
	    RUMP_EPERM);
	CHECK_ERR(rump_sys_clock_settime(RUMP_CLOCK_REALTIME,
	    &(struct timespec){ 1500000000, 0 }), RUMP_EPERM);
}

TEST(clock_settime_rules)
{
	struct timespec ts;

	CHECK_OK(rump_sys_clock_gettime(RUMP_CLOCK_REALTIME, &ts));
	CHECK_OK(rump_sys_clock_settime(RUMP_CLOCK_REALTIME, &ts));
	CHECK_ERR(rump_sys_clock_settime(RUMP_CLOCK_MONOTONIC, &ts),
	    RUMP_EINVAL);
	ts.tv_nsec = -1;
	CHECK_ERR(rump_sys_clock_settime(RUMP_CLOCK_REALTIME, &ts),
	    RUMP_EINVAL);
	CHECK_ERR(rump_sys_clock_settime(RUMP_CLOCK_REALTIME, NULL),
	    RUMP_EFAULT);
}

TEST(nanosleep_sleeps_at_least)
{
	struct timespec rq = { 0, 80000000 }, rm = { 7, 7 };
	long long t0 = host_ms(CLOCK_MONOTONIC);

	CHECK_OK(rump_sys_nanosleep(&rq, &rm));
	CHECK(host_ms(CLOCK_MONOTONIC) - t0 >= 80);
	CHECK_EQ(rm.tv_sec, 0);
	CHECK_EQ(rm.tv_nsec, 0);
}

TEST(nanosleep_bad_args)
{
	struct timespec rq = { 0, 1000000000 };
	long long t0 = host_ms(CLOCK_MONOTONIC);

	CHECK_ERR(rump_sys_nanosleep(&rq, NULL), RUMP_EINVAL);
	rq.tv_nsec = -1;
	CHECK_ERR(rump_sys_nanosleep(&rq, NULL), RUMP_EINVAL);
	CHECK_ERR(rump_sys_nanosleep(NULL, NULL), RUMP_EFAULT);
	rq.tv_sec = -5;		/* in the past: returns at once */
	rq.tv_nsec = 0;
	CHECK_OK(rump_sys_nanosleep(&rq, NULL));
	CHECK(host_ms(CLOCK_MONOTONIC) - t0 < 500);
	rq.tv_sec = 0;
	CHECK_ERR(rump_sys_nanosleep(&rq, (void *)1), RUMP_EFAULT);
}

TEST(clock_nanosleep_returns_error_value)
{
	struct timespec rq = { 0, 20000000 }, now;
	long long t0 = host_ms(CLOCK_MONOTONIC);

	CHECK_EQ(rump_sys_clock_nanosleep(RUMP_CLOCK_MONOTONIC, 0, &rq, NULL),
	    0);
	CHECK(host_ms(CLOCK_MONOTONIC) - t0 >= 20);
	rq.tv_nsec = 2000000000;
	CHECK_EQ(rump_sys_clock_nanosleep(RUMP_CLOCK_MONOTONIC, 0, &rq, NULL),
	    RUMP_EINVAL);
	CHECK_EQ(rump_sys_clock_nanosleep(RUMP_CLOCK_PROF, 0, &rq, NULL),
	    RUMP_EINVAL);
	CHECK_EQ(rump_sys_clock_nanosleep(RUMP_CLOCK_MONOTONIC, 0, NULL,
	    NULL), RUMP_EFAULT);
	/* absolute, on the monotonic clock, 50 ms ahead */
	CHECK_OK(rump_sys_clock_gettime(RUMP_CLOCK_MONOTONIC, &now));
	now.tv_nsec += 50000000;
	if (now.tv_nsec >= 1000000000) {
		now.tv_sec++;
		now.tv_nsec -= 1000000000;
	}
	t0 = host_ms(CLOCK_MONOTONIC);
	CHECK_EQ(rump_sys_clock_nanosleep(RUMP_CLOCK_MONOTONIC,
	    RUMP_TIMER_ABSTIME, &now, NULL), 0);
	CHECK(host_ms(CLOCK_MONOTONIC) - t0 >= 40);
	/* absolute in the past: at once */
	now.tv_sec -= 100;
	t0 = host_ms(CLOCK_MONOTONIC);
	CHECK_EQ(rump_sys_clock_nanosleep(RUMP_CLOCK_MONOTONIC,
	    RUMP_TIMER_ABSTIME, &now, NULL), 0);
	CHECK(host_ms(CLOCK_MONOTONIC) - t0 < 30);
}

TEST(itimer_real_counts_down)
{
	struct rump_itimerval set, got;

	memset(&set, 0, sizeof(set));
	set.it_value.tv_sec = 10;
	CHECK_OK(rump_sys_setitimer(RUMP_ITIMER_REAL, (void *)&set, NULL));
	CHECK_OK(rump_sys_getitimer(RUMP_ITIMER_REAL, (void *)&got));
	CHECK(got.it_value.tv_sec == 9 || got.it_value.tv_sec == 10);
	CHECK_EQ(got.it_interval.tv_sec, 0);
	CHECK_EQ(got.it_value.tv_pad, 0);
}

TEST(itimer_expires_without_interval)
{
	struct rump_itimerval set, got;
	struct timespec rq = { 0, 60000000 };

	memset(&set, 0, sizeof(set));
	set.it_value.tv_usec = 20000;
	CHECK_OK(rump_sys_setitimer(RUMP_ITIMER_MONOTONIC, (void *)&set,
	    NULL));
	CHECK_OK(rump_sys_nanosleep(&rq, NULL));
	CHECK_OK(rump_sys_getitimer(RUMP_ITIMER_MONOTONIC, (void *)&got));
	CHECK_EQ(got.it_value.tv_sec, 0);
	CHECK_EQ(got.it_value.tv_usec, 0);
}

TEST(itimer_interval_reloads)
{
	struct rump_itimerval set, got;
	struct timespec rq = { 0, 50000000 };

	memset(&set, 0, sizeof(set));
	set.it_value.tv_usec = 20000;
	set.it_interval.tv_usec = 30000;
	CHECK_OK(rump_sys_setitimer(RUMP_ITIMER_REAL, (void *)&set, NULL));
	CHECK_OK(rump_sys_nanosleep(&rq, NULL));
	CHECK_OK(rump_sys_getitimer(RUMP_ITIMER_REAL, (void *)&got));
	CHECK_EQ(got.it_interval.tv_usec, 30000);
	CHECK(got.it_value.tv_sec == 0 && got.it_value.tv_usec > 0 &&
	    got.it_value.tv_usec <= 30000);
}

TEST(setitimer_returns_old_and_clears)
{
	struct rump_itimerval set, old;

	memset(&set, 0, sizeof(set));
	set.it_value.tv_sec = 100;
	set.it_interval.tv_sec = 5;
	CHECK_OK(rump_sys_setitimer(RUMP_ITIMER_PROF, (void *)&set, NULL));
	memset(&set, 0, sizeof(set));
	CHECK_OK(rump_sys_setitimer(RUMP_ITIMER_PROF, (void *)&set,
	    (void *)&old));
	CHECK_EQ(old.it_value.tv_sec, 100);	/* no CPU time accounted */
	CHECK_EQ(old.it_interval.tv_sec, 5);
	CHECK_OK(rump_sys_getitimer(RUMP_ITIMER_PROF, (void *)&old));
	CHECK_EQ(old.it_value.tv_sec, 0);
	CHECK_EQ(old.it_interval.tv_sec, 0);
}

TEST(itimer_short_value_rounds_to_tick)
{
	struct rump_itimerval set, got;

	memset(&set, 0, sizeof(set));
	set.it_value.tv_usec = 1;
	CHECK_OK(rump_sys_setitimer(RUMP_ITIMER_VIRTUAL, (void *)&set, NULL));
	CHECK_OK(rump_sys_getitimer(RUMP_ITIMER_VIRTUAL, (void *)&got));
	CHECK_EQ(got.it_value.tv_usec, 10000);
}

TEST(itimer_errors)
{
	struct rump_itimerval set, got;

	memset(&set, 0, sizeof(set));
	CHECK_ERR(rump_sys_getitimer(4, (void *)&got), RUMP_EINVAL);
	CHECK_ERR(rump_sys_getitimer(-1, (void *)&got), RUMP_EINVAL);
	CHECK_ERR(rump_sys_setitimer(4, (void *)&set, NULL), RUMP_EINVAL);
	CHECK_ERR(rump_sys_getitimer(RUMP_ITIMER_REAL, NULL), RUMP_EFAULT);
	set.it_value.tv_usec = 1000000;
	CHECK_ERR(rump_sys_setitimer(RUMP_ITIMER_REAL, (void *)&set, NULL),
	    RUMP_EINVAL);
	set.it_value.tv_usec = 0;
	set.it_value.tv_sec = -1;
	CHECK_ERR(rump_sys_setitimer(RUMP_ITIMER_REAL, (void *)&set, NULL),
	    RUMP_EINVAL);
	CHECK_ERR(rump_sys_setitimer(RUMP_ITIMER_REAL, (void *)1, NULL),
	    RUMP_EFAULT);
	/* no new value: just reads the old one */
	CHECK_OK(rump_sys_setitimer(RUMP_ITIMER_REAL, NULL, (void *)&got));
	CHECK_EQ(got.it_value.tv_sec, 0);
}

TEST(itimers_are_per_process)
{
	struct lwp *me = rump_pub_lwproc_curlwp();
	struct rump_itimerval set, got;

	memset(&set, 0, sizeof(set));
	set.it_value.tv_sec = 50;
	CHECK_OK(rump_sys_setitimer(RUMP_ITIMER_REAL, (void *)&set, NULL));
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_OK(rump_sys_getitimer(RUMP_ITIMER_REAL, (void *)&got));
	CHECK_EQ(got.it_value.tv_sec, 0);	/* not inherited */
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(me);
}

TEST(adjtime_root_only)
{
	struct rump_timeval old;

	memset(&old, 0xff, sizeof(old));
	CHECK_OK(rump_sys_adjtime(NULL, (void *)&old));
	CHECK_EQ(old.tv_sec, 0);
	CHECK_EQ(old.tv_usec, 0);
	CHECK_OK(rump_sys_setuid(5));
	CHECK_ERR(rump_sys_adjtime(NULL, (void *)&old), RUMP_EPERM);
}
