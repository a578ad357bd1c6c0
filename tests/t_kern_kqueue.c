/*
 * t_kern_kqueue: kqueue, kqueue1 and kevent: the struct, registering
 * and deleting, EV_ERROR records, timeouts, EVFILT_READ/WRITE on
 * pipes, fifos and files, EV_ONESHOT, EV_CLEAR, EV_DISABLE,
 * EV_DISPATCH, EV_RECEIPT, EVFILT_TIMER, EVFILT_VNODE, EVFILT_PROC,
 * closing watched descriptors, and a kqueue as a pollable file.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>
#include <unistd.h>

#include "t.h"

#define NOTE_DELETE	0x0001U
#define NOTE_WRITE	0x0002U
#define NOTE_EXTEND	0x0004U
#define NOTE_ATTRIB	0x0008U
#define NOTE_LINK	0x0010U
#define NOTE_EXIT	0x80000000U
#define KFILTER_BYFILTER	0xc0186b00UL
#define KFILTER_BYNAME		0xc0186b01UL

struct kfilter_mapping {
	char	*name;
	size_t	len;
	uint32_t filter;
};

_Static_assert(sizeof(struct rump_kevent) == 40, "struct kevent is 40 bytes");

static long long
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
ev_set(struct rump_kevent *kev, uint64_t ident, uint32_t filter,
    uint32_t flags, uint32_t fflags, int64_t data, int64_t udata)
{
	memset(kev, 0, sizeof(*kev));
	kev->ident = ident;
	kev->filter = filter;
	kev->flags = flags;
	kev->fflags = fflags;
	kev->data = data;
	kev->udata = udata;
}

/* kevent with a timeout in ms (negative: none). */
static int
kev(int kq, const struct rump_kevent *ch, size_t nch, struct rump_kevent *ev,
    size_t nev, long ms)
{
	struct rump_timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	return rump_sys_kevent(kq, (const struct kevent *)(const void *)ch,
	    nch, (struct kevent *)(void *)ev, nev,
	    ms < 0 ? NULL : (const struct timespec *)(void *)&ts);
}

/* Register one change; the call must succeed with no records. */
static void
add(int kq, uint64_t ident, uint32_t filter, uint32_t flags, uint32_t fflags,
    int64_t data)
{
	struct rump_kevent ch;

	ev_set(&ch, ident, filter, flags, fflags, data, 0);
	CHECK_EQ(kev(kq, &ch, 1, NULL, 0, 0), 0);
}

/* The error a single change gets in its EV_ERROR record. */
static int64_t
change_error(int kq, uint64_t ident, uint32_t filter, uint32_t flags,
    int64_t data)
{
	struct rump_kevent ch, ev;

	ev_set(&ch, ident, filter, flags, 0, data, 0);
	memset(&ev, 0, sizeof(ev));
	if (kev(kq, &ch, 1, &ev, 1, 0) != 1 || ev.flags != RUMP_EV_ERROR)
		return -1;
	return ev.data;
}

TEST(kevent_struct_layout_is_netbsd)
{
	CHECK_EQ(offsetof(struct rump_kevent, ident), 0);
	CHECK_EQ(offsetof(struct rump_kevent, filter), 8);
	CHECK_EQ(offsetof(struct rump_kevent, flags), 12);
	CHECK_EQ(offsetof(struct rump_kevent, fflags), 16);
	CHECK_EQ(offsetof(struct rump_kevent, data), 24);
	CHECK_EQ(offsetof(struct rump_kevent, udata), 32);
	CHECK_EQ(sizeof(struct rump_kevent), 40);
}

TEST(kqueue_is_a_fifo_like_file)
{
	struct rump_stat st;
	int kq;

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK(kq >= 0);
	CHECK_OK(rump_sys_fstat(kq, (struct stat *)(void *)&st));
	CHECK_EQ(st.st_mode & RUMP_S_IFMT, RUMP_S_IFIFO);
	CHECK_EQ(st.st_blksize, 40);
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(rump_sys_fcntl(kq, RUMP_F_GETFD, 0), 0);
}

TEST(kqueue_stat_size_counts_pending_events)
{
	struct rump_stat st;
	int kq, p[2], q[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	CHECK_OK(rump_sys_pipe(q));
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	add(kq, q[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	CHECK_EQ(rump_sys_write(p[1], "a", 1), 1);
	CHECK_EQ(rump_sys_write(q[1], "b", 1), 1);
	CHECK_OK(rump_sys_fstat(kq, (struct stat *)(void *)&st));
	CHECK_EQ(st.st_size, 2);
}

TEST(kqueue1_cloexec_and_nonblock)
{
	int kq;

	CHECK_OK(kq = rump_sys_kqueue1(RUMP_O_CLOEXEC | RUMP_O_NONBLOCK));
	CHECK_EQ(rump_sys_fcntl(kq, RUMP_F_GETFD, 0), RUMP_FD_CLOEXEC);
	CHECK(rump_sys_fcntl(kq, RUMP_F_GETFL, 0) & RUMP_O_NONBLOCK);
	CHECK_OK(kq = rump_sys_kqueue1(0));
	CHECK_EQ(rump_sys_fcntl(kq, RUMP_F_GETFD, 0), 0);
	CHECK_EQ(rump_sys_fcntl(kq, RUMP_F_GETFL, 0) & RUMP_O_NONBLOCK, 0);
}

TEST(kqueue_read_and_write_are_enxio)
{
	char c;
	int kq;

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_ERR(rump_sys_read(kq, &c, 1), RUMP_ENXIO);
	CHECK_ERR(rump_sys_write(kq, &c, 1), RUMP_ENXIO);
}

TEST(kevent_on_a_non_kqueue_is_ebadf)
{
	int p[2];

	CHECK_OK(rump_sys_pipe(p));
	CHECK_ERR(kev(p[0], NULL, 0, NULL, 0, 0), RUMP_EBADF);
	CHECK_ERR(kev(-1, NULL, 0, NULL, 0, 0), RUMP_EBADF);
	CHECK_ERR(kev(999, NULL, 0, NULL, 0, 0), RUMP_EBADF);
}

TEST(evfilt_read_pipe_ready_after_write_with_byte_count)
{
	struct rump_kevent ch, ev;
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	ev_set(&ch, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0, 0x1234);
	CHECK_EQ(kev(kq, &ch, 1, &ev, 1, 0), 0);
	CHECK_EQ(rump_sys_write(p[1], "hello", 5), 5);
	memset(&ev, 0, sizeof(ev));
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, -1), 1);
	CHECK_EQ(ev.ident, p[0]);
	CHECK_EQ(ev.filter, RUMP_EVFILT_READ);
	CHECK_EQ(ev.data, 5);
	CHECK_EQ(ev.udata, 0x1234);
	CHECK(ev.flags & RUMP_EV_ADD);
	CHECK_EQ(ev.flags & RUMP_EV_EOF, 0);
}

TEST(evfilt_write_empty_pipe_ready_with_space)
{
	struct rump_kevent ch, ev;
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	ev_set(&ch, p[1], RUMP_EVFILT_WRITE, RUMP_EV_ADD, 0, 0, 0);
	CHECK_EQ(kev(kq, &ch, 1, &ev, 1, 0), 1);
	CHECK_EQ(ev.ident, p[1]);
	CHECK_EQ(ev.filter, RUMP_EVFILT_WRITE);
	CHECK_EQ(ev.data, 16384);
	CHECK_EQ(rump_sys_write(p[1], "abc", 3), 3);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.data, 16381);
}

TEST(evfilt_write_full_pipe_not_ready)
{
	static char big[16384];
	struct rump_kevent ev;
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	CHECK_EQ(rump_sys_write(p[1], big, sizeof(big) - 100), 16284);
	add(kq, p[1], RUMP_EVFILT_WRITE, RUMP_EV_ADD, 0, 0);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
	CHECK_EQ(rump_sys_read(p[0], big, 1000), 1000);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.data, 1100);
}

TEST(evfilt_read_eof_when_writer_closes)
{
	struct rump_kevent ev;
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
	CHECK_OK(rump_sys_close(p[1]));
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK(ev.flags & RUMP_EV_EOF);
	CHECK_EQ(ev.data, 0);
}

TEST(evfilt_write_on_pipe_without_reader)
{
	struct rump_kevent ev;
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	add(kq, p[1], RUMP_EVFILT_WRITE, RUMP_EV_ADD, 0, 0);
	CHECK_OK(rump_sys_close(p[0]));
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK(ev.flags & RUMP_EV_EOF);
	CHECK_EQ(ev.data, 0);
	/* a new registration has no peer to attach to: EBADF */
	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_EQ(change_error(kq, p[1], RUMP_EVFILT_WRITE, RUMP_EV_ADD, 0),
	    RUMP_EBADF);
}

TEST(ev_oneshot_fires_once)
{
	struct rump_kevent ev;
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD | RUMP_EV_ONESHOT, 0, 0);
	CHECK_EQ(rump_sys_write(p[1], "x", 1), 1);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK(ev.flags & RUMP_EV_ONESHOT);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
	/* it is gone, not just quiet */
	CHECK_EQ(change_error(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_DELETE, 0),
	    RUMP_ENOENT);
}

TEST(level_triggered_reports_until_drained)
{
	struct rump_kevent ev;
	char buf[8];
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	CHECK_EQ(rump_sys_write(p[1], "xy", 2), 2);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.data, 2);
	CHECK_EQ(rump_sys_read(p[0], buf, sizeof(buf)), 2);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
}

TEST(ev_clear_reports_each_change_once)
{
	struct rump_kevent ev;
	char buf[8];
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD | RUMP_EV_CLEAR, 0, 0);
	CHECK_EQ(rump_sys_write(p[1], "x", 1), 1);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.data, 1);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
	/* drained and refilled with as many bytes: still news */
	CHECK_EQ(rump_sys_read(p[0], buf, sizeof(buf)), 1);
	CHECK_EQ(rump_sys_write(p[1], "y", 1), 1);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.data, 1);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
}

TEST(ev_disable_suppresses_and_ev_enable_restores)
{
	struct rump_kevent ev;
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_DISABLE, 0, 0);
	CHECK_EQ(rump_sys_write(p[1], "x", 1), 1);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ENABLE, 0, 0);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.data, 1);
}

TEST(ev_add_disabled_registers_quietly)
{
	struct rump_kevent ev;
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	add(kq, p[1], RUMP_EVFILT_WRITE, RUMP_EV_ADD | RUMP_EV_DISABLE, 0, 0);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
	add(kq, p[1], RUMP_EVFILT_WRITE, RUMP_EV_ENABLE, 0, 0);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
}

TEST(ev_dispatch_disables_after_one_report)
{
	struct rump_kevent ev;
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	add(kq, p[1], RUMP_EVFILT_WRITE, RUMP_EV_ADD | RUMP_EV_DISPATCH, 0, 0);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
	add(kq, p[1], RUMP_EVFILT_WRITE, RUMP_EV_ENABLE, 0, 0);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
}

TEST(ev_delete_then_enoent)
{
	struct rump_kevent ev;
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_DELETE, 0, 0);
	CHECK_EQ(rump_sys_write(p[1], "x", 1), 1);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
	CHECK_EQ(change_error(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_DELETE, 0),
	    RUMP_ENOENT);
	/* the filter is part of the key */
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	CHECK_EQ(change_error(kq, p[0], RUMP_EVFILT_WRITE, RUMP_EV_DELETE, 0),
	    RUMP_ENOENT);
}

TEST(enable_or_disable_unknown_knote_is_enoent)
{
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	CHECK_EQ(change_error(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ENABLE, 0),
	    RUMP_ENOENT);
	CHECK_EQ(change_error(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_DISABLE, 0),
	    RUMP_ENOENT);
	CHECK_EQ(change_error(kq, 7, RUMP_EVFILT_TIMER, RUMP_EV_DELETE, 0),
	    RUMP_ENOENT);
}

TEST(ev_error_record_for_bad_fd_and_others_still_apply)
{
	struct rump_kevent ch[3], ev[4];
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	CHECK_EQ(rump_sys_write(p[1], "x", 1), 1);
	ev_set(&ch[0], 77, RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0, 0xaa);
	ev_set(&ch[1], p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0, 0xbb);
	ev_set(&ch[2], (uint64_t)1 << 40, RUMP_EVFILT_WRITE, RUMP_EV_ADD, 0, 0,
	    0xcc);
	memset(ev, 0, sizeof(ev));
	/* records mean no scan: the ready pipe is not reported here */
	CHECK_EQ(kev(kq, ch, 3, ev, 4, 0), 2);
	CHECK_EQ(ev[0].ident, 77);
	CHECK_EQ(ev[0].flags, RUMP_EV_ERROR);
	CHECK_EQ(ev[0].data, RUMP_EBADF);
	CHECK_EQ(ev[0].udata, 0xaa);
	CHECK_EQ(ev[1].ident, (uint64_t)1 << 40);
	CHECK_EQ(ev[1].data, RUMP_EBADF);
	CHECK_EQ(kev(kq, NULL, 0, ev, 4, 0), 1);
	CHECK_EQ(ev[0].ident, p[0]);
	CHECK_EQ(ev[0].udata, 0xbb);
}

TEST(failed_change_without_room_fails_the_call)
{
	struct rump_kevent ch[2];
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	ev_set(&ch[0], 77, RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0, 0);
	ev_set(&ch[1], p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0, 0);
	CHECK_ERR(kev(kq, ch, 2, NULL, 0, 0), RUMP_EBADF);
	/* the call stopped at the failure: the second was not applied */
	CHECK_EQ(change_error(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_DELETE, 0),
	    RUMP_ENOENT);
}

TEST(bad_filter_is_einval)
{
	int kq;

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_EQ(change_error(kq, 1, 99, RUMP_EV_ADD, 0), RUMP_EINVAL);
	CHECK_EQ(change_error(kq, 1, RUMP_EVFILT_AIO, RUMP_EV_ADD, 0),
	    RUMP_EINVAL);
	CHECK_EQ(change_error(kq, 1, (uint32_t)-1, RUMP_EV_ADD, 0),
	    RUMP_EINVAL);
}

TEST(ev_receipt_reports_success_as_error_zero)
{
	struct rump_kevent ch, ev;
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	ev_set(&ch, p[1], RUMP_EVFILT_WRITE, RUMP_EV_ADD | RUMP_EV_RECEIPT, 0,
	    0, 5);
	CHECK_EQ(kev(kq, &ch, 1, &ev, 1, 0), 1);
	CHECK_EQ(ev.flags, RUMP_EV_ERROR);
	CHECK_EQ(ev.data, 0);
	CHECK_EQ(ev.udata, 5);
	/* and the knote is there */
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.filter, RUMP_EVFILT_WRITE);
}

TEST(readd_updates_udata)
{
	struct rump_kevent ch, ev;
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	ev_set(&ch, p[1], RUMP_EVFILT_WRITE, RUMP_EV_ADD, 0, 0, 1);
	CHECK_EQ(kev(kq, &ch, 1, NULL, 0, 0), 0);
	ch.udata = 2;
	CHECK_EQ(kev(kq, &ch, 1, &ev, 1, 0), 1);
	CHECK_EQ(ev.udata, 2);
}

TEST(timeout_zero_polls)
{
	struct rump_kevent ev;
	long long t0;
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	t0 = ms_now();
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
	CHECK(ms_now() - t0 < 100);
}

TEST(timeout_50ms_waits_about_that_long)
{
	struct rump_kevent ev;
	long long t0, dt;
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	t0 = ms_now();
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 50), 0);
	dt = ms_now() - t0;
	CHECK(dt >= 45);
	CHECK(dt < 1000);
}

TEST(bad_timeout_is_einval)
{
	struct rump_kevent ev;
	struct rump_timespec ts;
	int kq;

	CHECK_OK(kq = rump_sys_kqueue());
	ts.tv_sec = 0;
	ts.tv_nsec = 1000000000;
	CHECK_ERR(rump_sys_kevent(kq, NULL, 0, (struct kevent *)(void *)&ev, 1,
	    (const struct timespec *)(void *)&ts), RUMP_EINVAL);
	ts.tv_sec = -1;
	ts.tv_nsec = 0;
	CHECK_ERR(rump_sys_kevent(kq, NULL, 0, (struct kevent *)(void *)&ev, 1,
	    (const struct timespec *)(void *)&ts), RUMP_EINVAL);
	/* with no room for events nothing waits, nothing is checked */
	CHECK_EQ(rump_sys_kevent(kq, NULL, 0, NULL, 0,
	    (const struct timespec *)(void *)&ts), 0);
}

TEST(no_eventlist_returns_at_once_even_without_timeout)
{
	long long t0;
	int kq;

	CHECK_OK(kq = rump_sys_kqueue());
	t0 = ms_now();
	CHECK_EQ(kev(kq, NULL, 0, NULL, 0, -1), 0);
	CHECK(ms_now() - t0 < 100);
}

TEST(bad_changelist_pointer_is_efault)
{
	struct rump_kevent ev;
	int kq;

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_ERR(rump_sys_kevent(kq, (const struct kevent *)(void *)8, 1,
	    (struct kevent *)(void *)&ev, 1, NULL), RUMP_EFAULT);
}

struct waker {
	struct lwp *lwp;
	int fd;
	int delay_ms;
};

static void *
wake(void *arg)
{
	struct waker *w = arg;

	usleep((useconds_t)w->delay_ms * 1000);
	rump_pub_lwproc_switch(w->lwp);
	rump_sys_write(w->fd, "w", 1);
	rump_pub_lwproc_releaselwp();
	return NULL;
}

TEST(kevent_without_timeout_wakes_on_write_from_other_lwp)
{
	struct rump_kevent ev;
	struct lwp *me = rump_pub_lwproc_curlwp();
	struct waker w;
	pthread_t t;
	long long t0;
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	rump_pub_lwproc_newlwp(rump_sys_getpid());
	w.lwp = rump_pub_lwproc_curlwp();
	rump_pub_lwproc_switch(me);
	w.fd = p[1];
	w.delay_ms = 60;
	pthread_create(&t, NULL, wake, &w);
	t0 = ms_now();
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, -1), 1);
	CHECK(ms_now() - t0 >= 40);
	CHECK_EQ(ev.data, 1);
	pthread_join(t, NULL);
}

TEST(closing_the_fd_drops_the_knote)
{
	struct rump_kevent ev;
	int kq, p[2], q[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	CHECK_EQ(rump_sys_write(p[1], "x", 1), 1);
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	CHECK_OK(rump_sys_close(p[0]));
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
	CHECK_EQ(change_error(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_DELETE, 0),
	    RUMP_EBADF);
	/* a new file at the same number has no knote */
	CHECK_OK(rump_sys_pipe(q));
	CHECK_EQ(q[0], p[0]);
	CHECK_EQ(rump_sys_write(q[1], "y", 1), 1);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
	CHECK_EQ(change_error(kq, q[0], RUMP_EVFILT_READ, RUMP_EV_DELETE, 0),
	    RUMP_ENOENT);
}

TEST(closing_the_watched_write_end_still_gives_eof)
{
	struct rump_kevent ev;
	char c;
	int kq, p[2];

	/* a knote keeps no file open: the reader sees end of file */
	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	add(kq, p[1], RUMP_EVFILT_WRITE, RUMP_EV_ADD, 0, 0);
	CHECK_OK(rump_sys_close(p[1]));
	CHECK_EQ(rump_sys_read(p[0], &c, 1), 0);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
}

TEST(dup2_over_a_watched_fd_drops_its_knote)
{
	struct rump_kevent ev;
	int kq, p[2], q[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	CHECK_OK(rump_sys_pipe(q));
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	CHECK_OK(rump_sys_dup2(q[0], p[0]));
	CHECK_EQ(rump_sys_write(q[1], "x", 1), 1);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
}

TEST(closing_the_kqueue_keeps_watched_files_usable)
{
	struct rump_kevent ev;
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	add(kq, 1, RUMP_EVFILT_TIMER, RUMP_EV_ADD, 0, 1000);
	CHECK_OK(rump_sys_close(kq));
	CHECK_EQ(rump_sys_write(p[1], "x", 1), 1);
	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
}

TEST(evfilt_timer_periodic_counts_expirations)
{
	struct rump_kevent ev;
	long long t0, dt;
	int kq;

	CHECK_OK(kq = rump_sys_kqueue());
	t0 = ms_now();
	add(kq, 42, RUMP_EVFILT_TIMER, RUMP_EV_ADD, 0, 50);
	usleep(260 * 1000);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	dt = ms_now() - t0;
	CHECK_EQ(ev.ident, 42);
	CHECK_EQ(ev.filter, RUMP_EVFILT_TIMER);
	CHECK(ev.flags & RUMP_EV_CLEAR);	/* set for every timer */
	CHECK(ev.data >= 5);
	CHECK(ev.data <= dt / 50);
	/* counted expirations are cleared by the report */
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 1000), 1);
	CHECK_EQ(ev.data, 1);
}

TEST(evfilt_timer_wait_returns_at_expiry)
{
	struct rump_kevent ev;
	long long t0, dt;
	int kq;

	CHECK_OK(kq = rump_sys_kqueue());
	add(kq, 1, RUMP_EVFILT_TIMER, RUMP_EV_ADD, 0, 50);
	t0 = ms_now();
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, -1), 1);
	dt = ms_now() - t0;
	CHECK(dt >= 45);
	CHECK(dt < 1000);
}

TEST(evfilt_timer_oneshot_fires_once)
{
	struct rump_kevent ev;
	int kq;

	CHECK_OK(kq = rump_sys_kqueue());
	add(kq, 3, RUMP_EVFILT_TIMER, RUMP_EV_ADD | RUMP_EV_ONESHOT, 0, 10);
	usleep(60 * 1000);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.data, 1);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 50), 0);
	CHECK_EQ(change_error(kq, 3, RUMP_EVFILT_TIMER, RUMP_EV_DELETE, 0),
	    RUMP_ENOENT);
}

TEST(evfilt_timer_zero_period_is_einval)
{
	int kq;

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_EQ(change_error(kq, 1, RUMP_EVFILT_TIMER, RUMP_EV_ADD, 0),
	    RUMP_EINVAL);
}

TEST(evfilt_timer_disabled_keeps_counting)
{
	struct rump_kevent ev;
	int kq;

	CHECK_OK(kq = rump_sys_kqueue());
	add(kq, 9, RUMP_EVFILT_TIMER, RUMP_EV_ADD | RUMP_EV_DISABLE, 0, 10);
	usleep(55 * 1000);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
	add(kq, 9, RUMP_EVFILT_TIMER, RUMP_EV_ENABLE, 0, 0);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK(ev.data >= 4);
}

TEST(short_eventlist_takes_turns)
{
	struct rump_kevent ev;
	int kq, p[2], q[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	CHECK_OK(rump_sys_pipe(q));
	add(kq, p[1], RUMP_EVFILT_WRITE, RUMP_EV_ADD, 0, 0);
	add(kq, q[1], RUMP_EVFILT_WRITE, RUMP_EV_ADD, 0, 0);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.ident, p[1]);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.ident, q[1]);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.ident, p[1]);
}

TEST(kqueue_is_pollable)
{
	struct rump_pollfd pfd;
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	pfd.fd = kq;
	pfd.events = RUMP_POLLIN;
	pfd.revents = 0;
	CHECK_EQ(rump_sys_poll((struct pollfd *)(void *)&pfd, 1, 0), 0);
	CHECK_EQ(rump_sys_write(p[1], "x", 1), 1);
	CHECK_EQ(rump_sys_poll((struct pollfd *)(void *)&pfd, 1, 0), 1);
	CHECK_EQ(pfd.revents, RUMP_POLLIN);
}

TEST(poll_on_kqueue_wakes_at_timer_expiry)
{
	struct rump_pollfd pfd;
	long long t0, dt;
	int kq;

	CHECK_OK(kq = rump_sys_kqueue());
	add(kq, 1, RUMP_EVFILT_TIMER, RUMP_EV_ADD, 0, 60);
	pfd.fd = kq;
	pfd.events = RUMP_POLLIN;
	t0 = ms_now();
	CHECK_EQ(rump_sys_poll((struct pollfd *)(void *)&pfd, 1, 2000), 1);
	dt = ms_now() - t0;
	CHECK(dt >= 50);
	CHECK(dt < 1500);
}

TEST(kqueue_watching_a_kqueue)
{
	struct rump_kevent ev;
	int outer, inner, p[2];

	CHECK_OK(outer = rump_sys_kqueue());
	CHECK_OK(inner = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	add(inner, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	add(outer, inner, RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	CHECK_EQ(kev(outer, NULL, 0, &ev, 1, 0), 0);
	CHECK_EQ(rump_sys_write(p[1], "x", 1), 1);
	CHECK_EQ(kev(outer, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.ident, inner);
	CHECK_EQ(ev.data, 1);
	/* only reading is watchable on a kqueue (NetBSD answers 1) */
	CHECK_EQ(change_error(outer, inner, RUMP_EVFILT_WRITE, RUMP_EV_ADD, 0),
	    RUMP_EPERM);
	/* a kqueue watching itself does not loop */
	add(inner, inner, RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	CHECK(kev(inner, NULL, 0, &ev, 1, 0) == 1);
}

TEST(evfilt_read_regular_file_is_bytes_left)
{
	struct rump_kevent ev;
	char buf[4];
	int kq, fd;

	CHECK_OK(t_write_file("f", "0123456789", 10));
	CHECK_OK(fd = rump_sys_open("f", RUMP_O_RDWR, 0));
	CHECK_OK(kq = rump_sys_kqueue());
	add(kq, fd, RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.data, 10);
	CHECK_EQ(rump_sys_read(fd, buf, 4), 4);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.data, 6);
	CHECK_EQ(rump_sys_lseek(fd, 0, RUMP_SEEK_END), 10);
	/* as NetBSD's genfs: at the end of the file, not ready */
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
	CHECK_EQ(rump_sys_pwrite(fd, "ab", 2, 10), 2);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.data, 2);
}

TEST(evfilt_write_on_regular_file_is_einval)
{
	int kq, fd;

	CHECK_OK(fd = rump_sys_open("f", RUMP_O_RDWR | RUMP_O_CREAT, 0600));
	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_EQ(change_error(kq, fd, RUMP_EVFILT_WRITE, RUMP_EV_ADD, 0),
	    RUMP_EINVAL);
}

TEST(evfilt_on_memory_device_is_enodev)
{
	int kq, fd;

	CHECK_OK(fd = rump_sys_open("/dev/null", RUMP_O_RDWR, 0));
	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_EQ(change_error(kq, fd, RUMP_EVFILT_READ, RUMP_EV_ADD, 0),
	    RUMP_ENODEV);
}

TEST(evfilt_read_and_write_on_fifo)
{
	struct rump_kevent ev;
	int kq, rd, wr;

	CHECK_OK(rump_sys_mkfifo("p", 0600));
	CHECK_OK(rd = rump_sys_open("p", RUMP_O_RDONLY | RUMP_O_NONBLOCK, 0));
	CHECK_OK(wr = rump_sys_open("p", RUMP_O_WRONLY, 0));
	CHECK_OK(kq = rump_sys_kqueue());
	add(kq, rd, RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
	CHECK_EQ(rump_sys_write(wr, "abc", 3), 3);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.ident, rd);
	CHECK_EQ(ev.data, 3);
	add(kq, rd, RUMP_EVFILT_READ, RUMP_EV_DELETE, 0, 0);
	add(kq, wr, RUMP_EVFILT_WRITE, RUMP_EV_ADD, 0, 0);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.ident, wr);
	CHECK(ev.data > 0);
	CHECK_EQ(change_error(kq, wr, RUMP_EVFILT_VNODE, RUMP_EV_ADD, 0),
	    RUMP_EINVAL);
}

TEST(evfilt_vnode_on_pipe_is_einval)
{
	int kq, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_OK(rump_sys_pipe(p));
	CHECK_EQ(change_error(kq, p[0], RUMP_EVFILT_VNODE, RUMP_EV_ADD, 0),
	    RUMP_EINVAL);
}

TEST(evfilt_vnode_note_write_and_extend)
{
	struct rump_kevent ch, ev;
	int kq, fd;

	CHECK_OK(fd = rump_sys_open("f", RUMP_O_RDWR | RUMP_O_CREAT, 0600));
	CHECK_OK(kq = rump_sys_kqueue());
	ev_set(&ch, fd, RUMP_EVFILT_VNODE, RUMP_EV_ADD | RUMP_EV_CLEAR,
	    NOTE_WRITE | NOTE_EXTEND | NOTE_ATTRIB | NOTE_DELETE, 0, 0);
	CHECK_EQ(kev(kq, &ch, 1, &ev, 1, 0), 0);
	usleep(2000);
	CHECK_EQ(rump_sys_write(fd, "hello", 5), 5);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.filter, RUMP_EVFILT_VNODE);
	CHECK_EQ(ev.fflags, NOTE_WRITE | NOTE_EXTEND);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
	usleep(2000);
	CHECK_OK(rump_sys_fchmod(fd, 0644));
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.fflags, NOTE_ATTRIB);
}

TEST(evfilt_vnode_note_delete_and_link)
{
	struct rump_kevent ch, ev;
	int kq, fd;

	CHECK_OK(fd = rump_sys_open("f", RUMP_O_RDWR | RUMP_O_CREAT, 0600));
	CHECK_OK(kq = rump_sys_kqueue());
	ev_set(&ch, fd, RUMP_EVFILT_VNODE, RUMP_EV_ADD | RUMP_EV_CLEAR,
	    NOTE_DELETE | NOTE_LINK, 0, 0);
	CHECK_EQ(kev(kq, &ch, 1, NULL, 0, 0), 0);
	CHECK_OK(rump_sys_link("f", "g"));
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.fflags, NOTE_LINK);
	CHECK_OK(rump_sys_unlink("g"));
	CHECK_OK(rump_sys_unlink("f"));
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 1);
	CHECK_EQ(ev.fflags, NOTE_DELETE);
}

TEST(evfilt_vnode_wait_sees_a_write_by_another_lwp)
{
	struct rump_kevent ch, ev;
	struct lwp *me = rump_pub_lwproc_curlwp();
	struct waker w;
	pthread_t t;
	int kq, fd;

	CHECK_OK(fd = rump_sys_open("f", RUMP_O_RDWR | RUMP_O_CREAT, 0600));
	CHECK_OK(kq = rump_sys_kqueue());
	ev_set(&ch, fd, RUMP_EVFILT_VNODE, RUMP_EV_ADD | RUMP_EV_CLEAR,
	    NOTE_WRITE, 0, 0);
	CHECK_EQ(kev(kq, &ch, 1, NULL, 0, 0), 0);
	rump_pub_lwproc_newlwp(rump_sys_getpid());
	w.lwp = rump_pub_lwproc_curlwp();
	rump_pub_lwproc_switch(me);
	w.fd = fd;
	w.delay_ms = 30;
	pthread_create(&t, NULL, wake, &w);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 3000), 1);
	CHECK_EQ(ev.fflags, NOTE_WRITE);
	pthread_join(t, NULL);
}

TEST(evfilt_proc_note_exit)
{
	struct rump_kevent ch, ev;
	struct lwp *me = rump_pub_lwproc_curlwp();
	pid_t child;
	int kq;

	CHECK_OK(kq = rump_sys_kqueue());
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	child = rump_sys_getpid();
	{
		struct lwp *cl = rump_pub_lwproc_curlwp();

		rump_pub_lwproc_switch(me);
		ev_set(&ch, (uint64_t)child, RUMP_EVFILT_PROC, RUMP_EV_ADD,
		    NOTE_EXIT, 0, 0);
		CHECK_EQ(kev(kq, &ch, 1, &ev, 1, 0), 0);
		rump_pub_lwproc_switch(cl);
		rump_pub_lwproc_releaselwp();	/* the child exits */
		rump_pub_lwproc_switch(me);
	}
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 1000), 1);
	CHECK_EQ(ev.ident, (uint64_t)child);
	CHECK_EQ(ev.fflags, NOTE_EXIT);
	CHECK(ev.flags & RUMP_EV_EOF);
	/* reported once, then gone */
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 0), 0);
	CHECK_EQ(change_error(kq, (uint64_t)child, RUMP_EVFILT_PROC,
	    RUMP_EV_ADD, 0), RUMP_ESRCH);
}

TEST(evfilt_signal_registers_but_never_fires)
{
	struct rump_kevent ev;
	int kq;

	CHECK_OK(kq = rump_sys_kqueue());
	add(kq, 14, RUMP_EVFILT_SIGNAL, RUMP_EV_ADD, 0, 0);
	CHECK_EQ(kev(kq, NULL, 0, &ev, 1, 20), 0);
	add(kq, 14, RUMP_EVFILT_SIGNAL, RUMP_EV_DELETE, 0, 0);
}

TEST(kfilter_ioctls_map_names)
{
	struct kfilter_mapping km;
	char name[32];
	int kq;

	CHECK_OK(kq = rump_sys_kqueue());
	km.name = (char *)"EVFILT_TIMER";
	km.len = 0;
	km.filter = 0;
	CHECK_OK(rump_sys_ioctl(kq, KFILTER_BYNAME, &km));
	CHECK_EQ(km.filter, RUMP_EVFILT_TIMER);
	km.name = name;
	km.len = sizeof(name);
	km.filter = RUMP_EVFILT_VNODE;
	CHECK_OK(rump_sys_ioctl(kq, KFILTER_BYFILTER, &km));
	CHECK_STR(name, "EVFILT_VNODE");
	km.name = (char *)"EVFILT_NOPE";
	CHECK_ERR(rump_sys_ioctl(kq, KFILTER_BYNAME, &km), RUMP_ENOENT);
}

struct scanner {
	struct lwp *lwp;
	int kq;
	_Atomic int stop;
	long events;
};

static void *
scan_loop(void *arg)
{
	struct scanner *s = arg;
	struct rump_kevent ev[4];
	int n;

	rump_pub_lwproc_switch(s->lwp);
	while (!s->stop)
		if ((n = kev(s->kq, NULL, 0, ev, 4, 5)) > 0)
			s->events += n;
	rump_pub_lwproc_releaselwp();
	return NULL;
}

TEST(scans_race_with_registration_and_close)
{
	struct lwp *me = rump_pub_lwproc_curlwp();
	struct scanner s[2];
	pthread_t t[2];
	long long t0;
	int kq, i, p[2];

	CHECK_OK(kq = rump_sys_kqueue());
	for (i = 0; i < 2; i++) {
		rump_pub_lwproc_newlwp(rump_sys_getpid());
		s[i].lwp = rump_pub_lwproc_curlwp();
		rump_pub_lwproc_switch(me);
		s[i].kq = kq;
		s[i].stop = 0;
		s[i].events = 0;
		pthread_create(&t[i], NULL, scan_loop, &s[i]);
	}
	t0 = ms_now();
	for (i = 0; ms_now() - t0 < 300; i++) {
		CHECK_OK(rump_sys_pipe(p));
		add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0);
		add(kq, p[1], RUMP_EVFILT_WRITE, RUMP_EV_ADD |
		    (i & 1 ? RUMP_EV_ONESHOT : RUMP_EV_CLEAR), 0, 0);
		add(kq, 1000 + i, RUMP_EVFILT_TIMER, RUMP_EV_ADD |
		    RUMP_EV_ONESHOT, 0, 1);
		CHECK_EQ(rump_sys_write(p[1], "x", 1), 1);
		if (i & 2)
			add(kq, p[0], RUMP_EVFILT_READ, RUMP_EV_DELETE, 0, 0);
		CHECK_OK(rump_sys_close(p[0]));
		CHECK_OK(rump_sys_close(p[1]));
	}
	for (i = 0; i < 2; i++) {
		s[i].stop = 1;
		pthread_join(t[i], NULL);
	}
	CHECK(s[0].events + s[1].events > 0);
	CHECK_OK(rump_sys_close(kq));
}
