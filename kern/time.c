/*
 * time.c: the kernel's clocks.
 *
 * Uptime (nanouptime) is the host's monotonic clock.  Wall time
 * (nanotime) is the host's real-time clock plus an offset that
 * settime() adjusts, so settimeofday() in the rump kernel moves only
 * the rump kernel's clock, never the host's.  The offset is one
 * atomic 64-bit count of nanoseconds.
 */
#include "kern/kern.h"

#define NSEC	1000000000LL

static _Atomic int64_t wall_offset;	/* ns added to host real time */

static int64_t
host_ns(enum rumpuser_clock c)
{
	int64_t sec;
	long nsec;

	rumpuser_clock_gettime(c, &sec, &nsec);
	return sec * NSEC + nsec;
}

static void
ns_to_ts(int64_t ns, struct rump_timespec *ts)
{
	ts->tv_sec = ns / NSEC;
	ts->tv_nsec = ns % NSEC;
	if (ts->tv_nsec < 0) {
		ts->tv_sec--;
		ts->tv_nsec += NSEC;
	}
}

void
nanotime(struct rump_timespec *ts)
{
	ns_to_ts(host_ns(RUMPUSER_CLOCK_REALTIME) +
	    atomic_load_explicit(&wall_offset, memory_order_relaxed), ts);
}

void
nanouptime(struct rump_timespec *ts)
{
	ns_to_ts(host_ns(RUMPUSER_CLOCK_MONOTONIC), ts);
}

/* The caller has checked ts (see sys_time.c): it fits in 64-bit ns. */
void
settime(const struct rump_timespec *ts)
{
	int64_t want = ts->tv_sec * NSEC + ts->tv_nsec;

	atomic_store(&wall_offset, want - host_ns(RUMPUSER_CLOCK_REALTIME));
}
