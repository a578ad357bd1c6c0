/*
 * t_kern_poll: poll, pollts, select and pselect on pipes: readiness,
 * end of file and hang-up, invalid descriptors, timeouts, and wake-ups
 * from another lwp.
 */
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "t.h"

static long long
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A struct rump_pollfd array handed to rump_sys_poll. */
#define PFD(a)	((struct pollfd *)(a))

TEST(poll_empty_pipe_times_out)
{
	struct rump_pollfd p[1];
	long long t0;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	p[0].fd = fd[0];
	p[0].events = RUMP_POLLIN;
	p[0].revents = 0x7777;
	t0 = ms_now();
	CHECK_EQ(rump_sys_poll(PFD(p), 1, 100), 0);
	CHECK(ms_now() - t0 >= 90);
	CHECK_EQ(p[0].revents, 0);
}

TEST(poll_zero_timeout_returns_at_once)
{
	struct rump_pollfd p[1];
	long long t0;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	p[0].fd = fd[0];
	p[0].events = RUMP_POLLIN;
	t0 = ms_now();
	CHECK_EQ(rump_sys_poll(PFD(p), 1, 0), 0);
	CHECK(ms_now() - t0 < 50);
}

TEST(poll_readable_after_write)
{
	struct rump_pollfd p[2];
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_write(fd[1], "x", 1), 1);
	p[0].fd = fd[0];
	p[0].events = RUMP_POLLIN | RUMP_POLLRDNORM;
	p[1].fd = fd[1];
	p[1].events = RUMP_POLLOUT;
	CHECK_EQ(rump_sys_poll(PFD(p), 2, RUMP_INFTIM), 2);
	CHECK_EQ(p[0].revents, RUMP_POLLIN | RUMP_POLLRDNORM);
	CHECK_EQ(p[1].revents, RUMP_POLLOUT);
}

TEST(poll_write_end_not_writable_when_full)
{
	static char big[16384];
	struct rump_pollfd p[1];
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_write(fd[1], big, sizeof(big) - 100), 16284);
	p[0].fd = fd[1];
	p[0].events = RUMP_POLLOUT;
	/* 100 bytes free is less than PIPE_BUF */
	CHECK_EQ(rump_sys_poll(PFD(p), 1, 0), 0);
	CHECK_EQ(rump_sys_read(fd[0], big, 1000), 1000);
	CHECK_EQ(rump_sys_poll(PFD(p), 1, 0), 1);
	CHECK_EQ(p[0].revents, RUMP_POLLOUT);
}

TEST(poll_hup_when_writer_closes)
{
	struct rump_pollfd p[1];
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_OK(rump_sys_close(fd[1]));
	p[0].fd = fd[0];
	p[0].events = RUMP_POLLIN;
	CHECK_EQ(rump_sys_poll(PFD(p), 1, 1000), 1);
	CHECK_EQ(p[0].revents, RUMP_POLLIN | RUMP_POLLHUP);
}

TEST(poll_hup_reported_even_if_not_asked)
{
	struct rump_pollfd p[1];
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_OK(rump_sys_close(fd[0]));
	p[0].fd = fd[1];
	p[0].events = 0;
	CHECK_EQ(rump_sys_poll(PFD(p), 1, 0), 1);
	CHECK_EQ(p[0].revents, RUMP_POLLHUP);
}

TEST(poll_bad_fd_is_pollnval)
{
	struct rump_pollfd p[3];
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	p[0].fd = 50;
	p[0].events = RUMP_POLLIN;
	p[1].fd = -1;			/* ignored */
	p[1].events = RUMP_POLLIN;
	p[1].revents = 0x55;
	p[2].fd = fd[0];
	p[2].events = RUMP_POLLIN;
	CHECK_EQ(rump_sys_poll(PFD(p), 3, 0), 1);
	CHECK_EQ(p[0].revents, RUMP_POLLNVAL);
	CHECK_EQ(p[1].revents, 0);
	CHECK_EQ(p[2].revents, 0);
}

TEST(poll_errors)
{
	struct rump_pollfd p[1];
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	p[0].fd = fd[0];
	p[0].events = RUMP_POLLIN;
	CHECK_ERR(rump_sys_poll(NULL, 1, 0), RUMP_EFAULT);
	CHECK_ERR(rump_sys_poll((void *)0x7ff0dead0000, 1, 0), RUMP_EFAULT);
	CHECK_ERR(rump_sys_poll(PFD(p), 1, -5), RUMP_EINVAL);
	CHECK_ERR(rump_sys_poll(PFD(p), 100000, 0), RUMP_EINVAL);
}

TEST(poll_no_fds_sleeps)
{
	long long t0 = ms_now();

	CHECK_EQ(rump_sys_poll(NULL, 0, 60), 0);
	CHECK(ms_now() - t0 >= 50);
}

struct waker {
	struct lwp *lwp;
	int fd;
	int delay_ms;
	int close_it;
};

static void *
wake(void *arg)
{
	struct waker *w = arg;

	usleep((useconds_t)w->delay_ms * 1000);
	rump_pub_lwproc_switch(w->lwp);
	if (w->close_it)
		rump_sys_close(w->fd);
	else
		rump_sys_write(w->fd, "w", 1);
	rump_pub_lwproc_releaselwp();
	return NULL;
}

/* Start a thread that, as a new lwp of this process, writes to (or
 * closes) fd after delay_ms. */
static void
start_waker(pthread_t *t, struct waker *w, int fd, int delay_ms, int close_it)
{
	struct lwp *me = rump_pub_lwproc_curlwp();

	rump_pub_lwproc_newlwp(rump_sys_getpid());
	w->lwp = rump_pub_lwproc_curlwp();
	rump_pub_lwproc_switch(me);
	w->fd = fd;
	w->delay_ms = delay_ms;
	w->close_it = close_it;
	pthread_create(t, NULL, wake, w);
}

TEST(poll_wakes_on_write_from_other_lwp)
{
	struct rump_pollfd p[1];
	struct waker w;
	pthread_t t;
	long long t0;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	p[0].fd = fd[0];
	p[0].events = RUMP_POLLIN;
	start_waker(&t, &w, fd[1], 50, 0);
	t0 = ms_now();
	CHECK_EQ(rump_sys_poll(PFD(p), 1, 5000), 1);
	CHECK(ms_now() - t0 < 4000);
	CHECK_EQ(p[0].revents, RUMP_POLLIN);
	pthread_join(t, NULL);
}

TEST(poll_wakes_on_close_from_other_lwp)
{
	struct rump_pollfd p[1];
	struct waker w;
	pthread_t t;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	p[0].fd = fd[0];
	p[0].events = RUMP_POLLIN;
	start_waker(&t, &w, fd[1], 50, 1);
	CHECK_EQ(rump_sys_poll(PFD(p), 1, RUMP_INFTIM), 1);
	CHECK(p[0].revents & RUMP_POLLHUP);
	pthread_join(t, NULL);
}

TEST(pollts_timespec_timeout)
{
	struct rump_pollfd p[1];
	struct timespec ts = { 0, 80 * 1000000 };
	sigset_t mask;
	long long t0;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	p[0].fd = fd[0];
	p[0].events = RUMP_POLLIN;
	sigemptyset(&mask);
	t0 = ms_now();
	CHECK_EQ(rump_sys_pollts(PFD(p), 1, &ts, &mask), 0);
	CHECK(ms_now() - t0 >= 70);
	ts.tv_nsec = 1000000000;
	CHECK_ERR(rump_sys_pollts(PFD(p), 1, &ts, NULL), RUMP_EINVAL);
	ts.tv_sec = -1;
	ts.tv_nsec = 0;
	CHECK_ERR(rump_sys_pollts(PFD(p), 1, &ts, NULL), RUMP_EINVAL);
	CHECK_ERR(rump_sys_pollts(PFD(p), 1, (void *)1, NULL), RUMP_EFAULT);
	ts.tv_sec = 0;
	CHECK_ERR(rump_sys_pollts(PFD(p), 1, &ts, (void *)1), RUMP_EFAULT);
}

TEST(select_readable_and_writable)
{
	fd_set r, w;
	struct timeval tv = { 1, 0 };
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_write(fd[1], "s", 1), 1);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(fd[0], &r);
	FD_SET(fd[1], &w);
	CHECK_EQ(rump_sys_select(fd[1] + 1, &r, &w, NULL, &tv), 2);
	CHECK(FD_ISSET(fd[0], &r));
	CHECK(FD_ISSET(fd[1], &w));
}

TEST(select_timeout_clears_sets)
{
	fd_set r;
	struct timeval tv = { 0, 60000 };
	long long t0;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	FD_ZERO(&r);
	FD_SET(fd[0], &r);
	t0 = ms_now();
	CHECK_EQ(rump_sys_select(fd[0] + 1, &r, NULL, NULL, &tv), 0);
	CHECK(ms_now() - t0 >= 50);
	CHECK(!FD_ISSET(fd[0], &r));
}

TEST(select_eof_is_readable)
{
	fd_set r;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_OK(rump_sys_close(fd[1]));
	FD_ZERO(&r);
	FD_SET(fd[0], &r);
	CHECK_EQ(rump_sys_select(fd[0] + 1, &r, NULL, NULL, NULL), 1);
	CHECK(FD_ISSET(fd[0], &r));
}

TEST(select_closed_fd_ebadf)
{
	fd_set r;
	struct timeval tv = { 0, 0 };
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_OK(rump_sys_close(fd[0]));
	FD_ZERO(&r);
	FD_SET(fd[0], &r);
	CHECK_ERR(rump_sys_select(fd[0] + 1, &r, NULL, NULL, &tv), RUMP_EBADF);
}

TEST(select_errors)
{
	fd_set r;
	struct timeval tv = { 0, 1000000 };
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	FD_ZERO(&r);
	FD_SET(fd[0], &r);
	CHECK_ERR(rump_sys_select(-1, &r, NULL, NULL, NULL), RUMP_EINVAL);
	CHECK_ERR(rump_sys_select(fd[0] + 1, &r, NULL, NULL, &tv),
	    RUMP_EINVAL);
	tv.tv_sec = -1;
	tv.tv_usec = 0;
	CHECK_ERR(rump_sys_select(fd[0] + 1, &r, NULL, NULL, &tv),
	    RUMP_EINVAL);
	CHECK_ERR(rump_sys_select(fd[0] + 1, (void *)1, NULL, NULL, NULL),
	    RUMP_EFAULT);
	CHECK_ERR(rump_sys_select(fd[0] + 1, &r, NULL, NULL, (void *)1),
	    RUMP_EFAULT);
}

TEST(select_timeval_high_usec_bits_ignored)
{
	/* NetBSD's tv_usec is 32 bits: the next 4 bytes are padding. */
	struct rump_timeval tv;
	fd_set r;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_write(fd[1], "p", 1), 1);
	memset(&tv, 0, sizeof(tv));
	tv.tv_pad = 0x12345678;
	FD_ZERO(&r);
	FD_SET(fd[0], &r);
	CHECK_EQ(rump_sys_select(fd[0] + 1, &r, NULL, NULL,
	    (struct timeval *)&tv), 1);
}

TEST(select_nd_beyond_table_is_cut)
{
	fd_set r;
	struct timeval tv = { 0, 0 };
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_write(fd[1], "q", 1), 1);
	FD_ZERO(&r);
	FD_SET(fd[0], &r);
	CHECK_EQ(rump_sys_select(FD_SETSIZE, &r, NULL, NULL, &tv), 1);
}

TEST(select_wakes_on_write)
{
	struct waker w;
	pthread_t t;
	fd_set r;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	FD_ZERO(&r);
	FD_SET(fd[0], &r);
	start_waker(&t, &w, fd[1], 40, 0);
	CHECK_EQ(rump_sys_select(fd[0] + 1, &r, NULL, NULL, NULL), 1);
	CHECK(FD_ISSET(fd[0], &r));
	pthread_join(t, NULL);
}

TEST(pselect_timespec)
{
	struct timespec ts = { 0, 30000000 };
	fd_set r;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	FD_ZERO(&r);
	FD_SET(fd[0], &r);
	CHECK_EQ(rump_sys_pselect(fd[0] + 1, &r, NULL, NULL, &ts, NULL), 0);
	ts.tv_nsec = -1;
	CHECK_ERR(rump_sys_pselect(fd[0] + 1, &r, NULL, NULL, &ts, NULL),
	    RUMP_EINVAL);
}
