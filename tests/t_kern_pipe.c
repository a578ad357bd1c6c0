/*
 * t_kern_pipe: pipe(2) and pipe2(2).  Each test's process starts with
 * an empty descriptor table, so its first pipe is fds 0 and 1.
 */
#include <pthread.h>
#include <unistd.h>

#include "t.h"
#include "kern/sysentry.h"

TEST(pipe_returns_lowest_fds)
{
	int fd[2] = { -1, -1 };

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(fd[0], 0);
	CHECK_EQ(fd[1], 1);
	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(fd[0], 2);
	CHECK_EQ(fd[1], 3);
}

TEST(pipe_retval_pair_via_syscall)
{
	rump_register_t rv[2] = { -1, -1 };

	CHECK_EQ(rump_syscall(42, NULL, 0, rv), 0);
	CHECK_EQ(rv[0], 0);
	CHECK_EQ(rv[1], 1);
}

TEST(pipe_data_flows_in_order)
{
	char buf[32];
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_write(fd[1], "hello, ", 7), 7);
	CHECK_EQ(rump_sys_write(fd[1], "world", 5), 5);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(rump_sys_read(fd[0], buf, sizeof(buf)), 12);
	CHECK_STR(buf, "hello, world");
}

TEST(pipe_short_read_leaves_rest)
{
	char buf[8];
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_write(fd[1], "abcdef", 6), 6);
	CHECK_EQ(rump_sys_read(fd[0], buf, 4), 4);
	CHECK(memcmp(buf, "abcd", 4) == 0);
	CHECK_EQ(rump_sys_read(fd[0], buf, sizeof(buf)), 2);
	CHECK(memcmp(buf, "ef", 2) == 0);
}

TEST(pipe_eof_after_writer_closes)
{
	char buf[8];
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_write(fd[1], "xy", 2), 2);
	CHECK_OK(rump_sys_close(fd[1]));
	CHECK_EQ(rump_sys_read(fd[0], buf, sizeof(buf)), 2);
	CHECK_EQ(rump_sys_read(fd[0], buf, sizeof(buf)), 0);
	CHECK_EQ(rump_sys_read(fd[0], buf, sizeof(buf)), 0);
}

TEST(pipe_write_without_reader_is_epipe)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_OK(rump_sys_close(fd[0]));
	CHECK_ERR(rump_sys_write(fd[1], "x", 1), RUMP_EPIPE);
	CHECK_ERR(rump_sys_write(fd[1], "", 0), RUMP_EPIPE);
}

TEST(pipe_ends_are_one_way)
{
	char c;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_ERR(rump_sys_write(fd[0], "x", 1), RUMP_EBADF);
	CHECK_ERR(rump_sys_read(fd[1], &c, 1), RUMP_EBADF);
}

TEST(pipe_nonblock_read_empty_is_eagain)
{
	char c;
	int fd[2];

	CHECK_OK(rump_sys_pipe2(fd, RUMP_O_NONBLOCK));
	CHECK_ERR(rump_sys_read(fd[0], &c, 1), RUMP_EAGAIN);
}

TEST(pipe_nonblock_fills_at_16k)
{
	static char big[65536];
	int fd[2];

	CHECK_OK(rump_sys_pipe2(fd, RUMP_O_NONBLOCK));
	CHECK_EQ(rump_sys_write(fd[1], big, sizeof(big)), 16384);
	CHECK_ERR(rump_sys_write(fd[1], big, 1), RUMP_EAGAIN);
	CHECK_EQ(rump_sys_read(fd[0], big, 100), 100);
	/* a small write is all or nothing: 100 bytes free, 200 wanted */
	CHECK_ERR(rump_sys_write(fd[1], big, 200), RUMP_EAGAIN);
	CHECK_EQ(rump_sys_write(fd[1], big, 100), 100);
}

TEST(pipe2_cloexec_sets_fd_flag)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe2(fd, RUMP_O_CLOEXEC));
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_GETFD), RUMP_FD_CLOEXEC);
	CHECK_EQ(rump_sys_fcntl(fd[1], RUMP_F_GETFD), RUMP_FD_CLOEXEC);
	CHECK_OK(rump_sys_pipe2(fd, 0));
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_GETFD), 0);
}

TEST(pipe2_nonblock_shows_in_getfl)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe2(fd, RUMP_O_NONBLOCK));
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_GETFL),
	    RUMP_O_RDONLY | RUMP_O_NONBLOCK);
	CHECK_EQ(rump_sys_fcntl(fd[1], RUMP_F_GETFL),
	    RUMP_O_WRONLY | RUMP_O_NONBLOCK);
}

TEST(pipe2_bad_flags_einval)
{
	int fd[2] = { -1, -1 };

	CHECK_ERR(rump_sys_pipe2(fd, RUMP_O_APPEND), RUMP_EINVAL);
	CHECK_ERR(rump_sys_pipe2(fd, 0x40000000), RUMP_EINVAL);
	/* nothing was allocated: the next pipe still gets 0 and 1 */
	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(fd[0], 0);
}

TEST(pipe2_bad_pointer_efault_no_leak)
{
	int fd[2];

	CHECK_ERR(rump_sys_pipe2(NULL, 0), RUMP_EFAULT);
	CHECK_ERR(rump_sys_pipe2((int *)1, 0), RUMP_EFAULT);
	CHECK_ERR(rump_sys_pipe2((int *)0x7ff0dead0000, 0), RUMP_EFAULT);
	CHECK_EQ(rump_sys_fcntl(0, RUMP_F_MAXFD), -1);
	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(fd[0], 0);
	CHECK_EQ(fd[1], 1);
}

TEST(pipe_fionread_counts_bytes)
{
	int fd[2], n = -1;

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_OK(rump_sys_ioctl(fd[0], RUMP_FIONREAD, &n));
	CHECK_EQ(n, 0);
	CHECK_EQ(rump_sys_write(fd[1], "12345", 5), 5);
	CHECK_OK(rump_sys_ioctl(fd[0], RUMP_FIONREAD, &n));
	CHECK_EQ(n, 5);
	CHECK_OK(rump_sys_ioctl(fd[1], RUMP_FIONWRITE, &n));
	CHECK_EQ(n, 5);
	CHECK_OK(rump_sys_ioctl(fd[1], RUMP_FIONSPACE, &n));
	CHECK_EQ(n, 16384 - 5);
}

TEST(pipe_unknown_ioctl_enotty)
{
	int fd[2], n;

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_ERR(rump_sys_ioctl(fd[0], _RUMP_IOR('z', 99, int), &n),
	    RUMP_ENOTTY);
}

TEST(pipe_fstat_is_fifo)
{
	struct rump_stat st;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_write(fd[1], "abc", 3), 3);
	memset(&st, 0xff, sizeof(st));
	CHECK_OK(rump_sys_fstat(fd[0], (struct stat *)&st));
	CHECK_EQ(st.st_mode & RUMP_S_IFMT, RUMP_S_IFIFO);
	CHECK_EQ(st.st_mode & 0777, 0600);
	CHECK_EQ(st.st_size, 3);
	CHECK_EQ(st.st_blksize, 16384);
	CHECK_EQ(st.st_uid, 0);
	CHECK(st.st_mtim.tv_sec > 0);
}

TEST(pipe_fpathconf_pipe_buf)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_fpathconf(fd[0], 6), 512);	/* _PC_PIPE_BUF */
	CHECK_ERR(rump_sys_fpathconf(fd[0], 1), RUMP_EINVAL);
}

TEST(pipe_fadvise_espipe)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	/* posix_fadvise returns its error rather than setting errno */
	CHECK_EQ(rump_sys_posix_fadvise(fd[0], 0, 0, RUMP_POSIX_FADV_NORMAL),
	    RUMP_ESPIPE);
	CHECK_EQ(rump_sys_posix_fadvise(99, 0, 0, RUMP_POSIX_FADV_NORMAL),
	    RUMP_EBADF);
	CHECK_EQ(rump_sys_posix_fadvise(fd[0], 0, -1,
	    RUMP_POSIX_FADV_NORMAL), RUMP_EINVAL);
}

TEST(pipe_flock_and_lock_not_supported)
{
	struct rump_flock fl;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_ERR(rump_sys_flock(fd[0], RUMP_LOCK_EX), RUMP_EOPNOTSUPP);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = RUMP_F_WRLCK;
	CHECK_ERR(rump_sys_fcntl(fd[1], RUMP_F_SETLK, &fl), RUMP_EINVAL);
	CHECK_ERR(rump_sys_fcntl(fd[1], RUMP_F_GETLK, NULL), RUMP_EFAULT);
}

TEST(pipe_read_bad_buffer_keeps_data)
{
	char buf[8];
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_write(fd[1], "keep", 4), 4);
	CHECK_ERR(rump_sys_read(fd[0], (void *)1, 4), RUMP_EFAULT);
	CHECK_ERR(rump_sys_read(fd[0], (void *)0x7ff0dead0000, 4),
	    RUMP_EFAULT);
	CHECK_EQ(rump_sys_read(fd[0], buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "keep", 4) == 0);
}

TEST(pipe_write_bad_buffer_efault)
{
	int fd[2], n = -1;

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_ERR(rump_sys_write(fd[1], NULL, 4), RUMP_EFAULT);
	CHECK_ERR(rump_sys_write(fd[1], (void *)0x7ff0dead0000, 4),
	    RUMP_EFAULT);
	CHECK_OK(rump_sys_ioctl(fd[0], RUMP_FIONREAD, &n));
	CHECK_EQ(n, 0);
}

struct xfer {
	struct lwp *lwp;
	int fd;
	size_t len;
	ssize_t done;
	int error;
};

/* Write x->len bytes of a counting pattern as another lwp of the test
 * process. */
static void *
writer(void *arg)
{
	struct xfer *x = arg;
	static unsigned char buf[200000];
	size_t i;

	for (i = 0; i < x->len; i++)
		buf[i] = (unsigned char)(i % 251);
	rump_pub_lwproc_switch(x->lwp);
	x->done = rump_sys_write(x->fd, buf, x->len);
	x->error = errno;
	rump_pub_lwproc_releaselwp();
	return NULL;
}

TEST(pipe_blocking_transfer_larger_than_buffer)
{
	static unsigned char buf[200000];
	struct lwp *me = rump_pub_lwproc_curlwp();
	struct xfer x;
	pthread_t t;
	size_t got = 0, i;
	ssize_t n;
	int fd[2], bad = 0;

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_pub_lwproc_newlwp(rump_sys_getpid()), 0);
	x.lwp = rump_pub_lwproc_curlwp();
	rump_pub_lwproc_switch(me);
	x.fd = fd[1];
	x.len = sizeof(buf);
	pthread_create(&t, NULL, writer, &x);
	while (got < sizeof(buf) &&
	    (n = rump_sys_read(fd[0], buf + got, sizeof(buf) - got)) > 0)
		got += (size_t)n;
	pthread_join(t, NULL);
	CHECK_EQ(got, sizeof(buf));
	CHECK_EQ(x.done, (ssize_t)sizeof(buf));
	for (i = 0; i < got; i++)
		if (buf[i] != (unsigned char)(i % 251))
			bad++;
	CHECK_EQ(bad, 0);
}

static void *
late_close(void *arg)
{
	struct xfer *x = arg;

	usleep(50000);
	rump_pub_lwproc_switch(x->lwp);
	x->error = rump_sys_close(x->fd) == 0 ? 0 : errno;
	rump_pub_lwproc_releaselwp();
	return NULL;
}

TEST(pipe_blocked_reader_wakes_on_close)
{
	struct lwp *me = rump_pub_lwproc_curlwp();
	struct xfer x;
	pthread_t t;
	char c;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_pub_lwproc_newlwp(rump_sys_getpid()), 0);
	x.lwp = rump_pub_lwproc_curlwp();
	rump_pub_lwproc_switch(me);
	x.fd = fd[1];
	pthread_create(&t, NULL, late_close, &x);
	CHECK_EQ(rump_sys_read(fd[0], &c, 1), 0);
	pthread_join(t, NULL);
	CHECK_EQ(x.error, 0);
}

TEST(pipe_blocked_writer_gets_epipe_on_reader_close)
{
	static char big[20000];
	struct lwp *me = rump_pub_lwproc_curlwp();
	struct xfer x;
	pthread_t t;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_pub_lwproc_newlwp(rump_sys_getpid()), 0);
	x.lwp = rump_pub_lwproc_curlwp();
	rump_pub_lwproc_switch(me);
	x.fd = fd[0];
	pthread_create(&t, NULL, late_close, &x);
	/* 16 KiB go in, then the writer blocks until the reader leaves */
	CHECK_ERR(rump_sys_write(fd[1], big, sizeof(big)), RUMP_EPIPE);
	pthread_join(t, NULL);
}

TEST(pipe_many_open_close_cycles)
{
	int fd[2], i;

	for (i = 0; i < 500; i++) {
		CHECK_OK(rump_sys_pipe(fd));
		CHECK_EQ(fd[0], 0);
		CHECK_OK(rump_sys_close(fd[0]));
		CHECK_OK(rump_sys_close(fd[1]));
	}
}
