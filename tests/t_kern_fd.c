/*
 * t_kern_fd: descriptors: close, dup, dup2, dup3, fcntl, ioctl's
 * generic commands, readv/writev, and the RLIMIT_NOFILE ceiling.
 * Pipes serve as the open files; each test starts with no
 * descriptors, so its first pipe is fds 0 and 1.
 */
#include <sys/uio.h>

#include "t.h"
#include "kern/sysentry.h"

TEST(close_bad_fd_ebadf)
{
	CHECK_ERR(rump_sys_close(-1), RUMP_EBADF);
	CHECK_ERR(rump_sys_close(999), RUMP_EBADF);
	CHECK_ERR(rump_sys_close(0), RUMP_EBADF);
	CHECK_ERR(rump_sys_close(1 << 30), RUMP_EBADF);
}

TEST(close_twice_ebadf)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_OK(rump_sys_close(fd[0]));
	CHECK_ERR(rump_sys_close(fd[0]), RUMP_EBADF);
}

TEST(close_frees_lowest_slot)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));		/* 0, 1 */
	CHECK_OK(rump_sys_close(0));
	CHECK_EQ(rump_sys_dup(1), 0);
}

TEST(dup_returns_lowest_free)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_dup(fd[1]), 2);
	CHECK_EQ(rump_sys_dup(fd[0]), 3);
	CHECK_ERR(rump_sys_dup(17), RUMP_EBADF);
	CHECK_ERR(rump_sys_dup(-1), RUMP_EBADF);
}

TEST(dup_shares_the_open_file)
{
	char buf[4];
	int fd[2], w;

	CHECK_OK(rump_sys_pipe(fd));
	w = rump_sys_dup(fd[1]);
	CHECK_OK(rump_sys_close(fd[1]));
	CHECK_EQ(rump_sys_write(w, "ab", 2), 2);	/* still open */
	CHECK_EQ(rump_sys_read(fd[0], buf, sizeof(buf)), 2);
	CHECK_OK(rump_sys_close(w));			/* last writer */
	CHECK_EQ(rump_sys_read(fd[0], buf, sizeof(buf)), 0);
}

TEST(dup_shares_status_flags)
{
	int fd[2], d;

	CHECK_OK(rump_sys_pipe(fd));
	d = rump_sys_dup(fd[0]);
	CHECK_OK(rump_sys_fcntl(fd[0], RUMP_F_SETFL, RUMP_O_NONBLOCK));
	CHECK_EQ(rump_sys_fcntl(d, RUMP_F_GETFL) & RUMP_O_NONBLOCK,
	    RUMP_O_NONBLOCK);
}

TEST(dup2_same_fd_returns_it)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_dup2(fd[1], fd[1]), fd[1]);
	CHECK_EQ(rump_sys_fcntl(fd[1], RUMP_F_GETFL), RUMP_O_WRONLY);
}

TEST(dup2_closes_target)
{
	char buf[4];
	int a[2], b[2];

	CHECK_OK(rump_sys_pipe(a));		/* 0, 1 */
	CHECK_OK(rump_sys_pipe(b));		/* 2, 3 */
	CHECK_EQ(rump_sys_dup2(a[1], b[1]), b[1]);
	/* b's only writer was closed: b reads EOF */
	CHECK_EQ(rump_sys_read(b[0], buf, sizeof(buf)), 0);
	/* and fd 3 now writes into a */
	CHECK_EQ(rump_sys_write(3, "z", 1), 1);
	CHECK_EQ(rump_sys_read(a[0], buf, sizeof(buf)), 1);
}

TEST(dup2_to_far_fd_grows_table)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_dup2(fd[0], 700), 700);
	CHECK_EQ(rump_sys_fcntl(0, RUMP_F_MAXFD), 700);
	CHECK_EQ(rump_sys_dup(fd[0]), 2);
}

TEST(dup2_bad_args)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_ERR(rump_sys_dup2(9, 3), RUMP_EBADF);
	CHECK_ERR(rump_sys_dup2(fd[0], -1), RUMP_EBADF);
	CHECK_ERR(rump_sys_dup2(fd[0], 1024), RUMP_EBADF);  /* = rlimit */
	CHECK_EQ(rump_sys_dup2(fd[0], 1023), 1023);
}

TEST(dup2_clears_cloexec)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe2(fd, RUMP_O_CLOEXEC));
	CHECK_EQ(rump_sys_dup2(fd[0], 5), 5);
	CHECK_EQ(rump_sys_fcntl(5, RUMP_F_GETFD), 0);
}

TEST(dup3_cloexec_sets_fd_flag)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_dup3(fd[0], 7, RUMP_O_CLOEXEC), 7);
	CHECK_EQ(rump_sys_fcntl(7, RUMP_F_GETFD), RUMP_FD_CLOEXEC);
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_GETFD), 0);
}

TEST(dup3_nonblock_sets_file_flag)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_dup3(fd[0], 4, RUMP_O_NONBLOCK), 4);
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_GETFL),
	    RUMP_O_RDONLY | RUMP_O_NONBLOCK);
}

TEST(dup3_bad_flags_einval_same_fd_ok)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_ERR(rump_sys_dup3(fd[0], 5, RUMP_O_APPEND), RUMP_EINVAL);
	CHECK_ERR(rump_sys_fcntl(5, RUMP_F_GETFD), RUMP_EBADF);
	/* NetBSD: from == to succeeds before flags are looked at */
	CHECK_EQ(rump_sys_dup3(fd[0], fd[0], RUMP_O_CLOEXEC), fd[0]);
}

TEST(fcntl_dupfd_lowest_at_or_above)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_DUPFD, 10), 10);
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_DUPFD, 10), 11);
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_DUPFD, 0), 2);
	CHECK_EQ(rump_sys_fcntl(10, RUMP_F_GETFD), 0);
}

TEST(fcntl_dupfd_cloexec)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_DUPFD_CLOEXEC, 3), 3);
	CHECK_EQ(rump_sys_fcntl(3, RUMP_F_GETFD), RUMP_FD_CLOEXEC);
}

TEST(fcntl_dupfd_bad_min_einval)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_ERR(rump_sys_fcntl(fd[0], RUMP_F_DUPFD, -1), RUMP_EINVAL);
	CHECK_ERR(rump_sys_fcntl(fd[0], RUMP_F_DUPFD, 1024), RUMP_EINVAL);
	CHECK_ERR(rump_sys_fcntl(55, RUMP_F_DUPFD, 0), RUMP_EBADF);
}

TEST(fcntl_setfd_getfd)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_GETFD), 0);
	CHECK_OK(rump_sys_fcntl(fd[0], RUMP_F_SETFD, RUMP_FD_CLOEXEC));
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_GETFD), RUMP_FD_CLOEXEC);
	CHECK_EQ(rump_sys_fcntl(fd[1], RUMP_F_GETFD), 0);
	CHECK_OK(rump_sys_fcntl(fd[0], RUMP_F_SETFD, 0));
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_GETFD), 0);
}

TEST(fcntl_int_arg_uses_low_32_bits)
{
	/* The third slot is a pointer; F_DUPFD must read only its int. */
	uint64_t slots[3] = { 0, RUMP_F_DUPFD, 0xdeadbeef00000005ULL };
	rump_register_t rv[2] = { 0, 0 };
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_syscall(92, slots, sizeof(slots), rv), 0);
	CHECK_EQ(rv[0], 5);
}

TEST(fcntl_setfl_keeps_access_mode)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_OK(rump_sys_fcntl(fd[1], RUMP_F_SETFL,
	    RUMP_O_NONBLOCK | RUMP_O_APPEND));
	CHECK_EQ(rump_sys_fcntl(fd[1], RUMP_F_GETFL),
	    RUMP_O_WRONLY | RUMP_O_NONBLOCK | RUMP_O_APPEND);
	CHECK_OK(rump_sys_fcntl(fd[1], RUMP_F_SETFL, 0));
	CHECK_EQ(rump_sys_fcntl(fd[1], RUMP_F_GETFL), RUMP_O_WRONLY);
}

TEST(fcntl_setfl_nonblock_takes_effect)
{
	char c;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_OK(rump_sys_fcntl(fd[0], RUMP_F_SETFL, RUMP_O_NONBLOCK));
	CHECK_ERR(rump_sys_read(fd[0], &c, 1), RUMP_EAGAIN);
}

TEST(fcntl_nosigpipe)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_fcntl(fd[1], RUMP_F_GETNOSIGPIPE), 0);
	CHECK_OK(rump_sys_fcntl(fd[1], RUMP_F_SETNOSIGPIPE, 1));
	CHECK_EQ(rump_sys_fcntl(fd[1], RUMP_F_GETNOSIGPIPE), 1);
	CHECK_OK(rump_sys_pipe2(fd, RUMP_O_NOSIGPIPE));
	CHECK_EQ(rump_sys_fcntl(fd[1], RUMP_F_GETNOSIGPIPE), 1);
}

TEST(fcntl_getown_setown)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_OK(rump_sys_fcntl(fd[0], RUMP_F_SETOWN, 42));
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_GETOWN), 42);
}

TEST(fcntl_closem_closes_from_fd)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));			/* 0, 1 */
	CHECK_OK(rump_sys_pipe(fd));			/* 2, 3 */
	CHECK_EQ(rump_sys_dup2(0, 30), 30);
	CHECK_OK(rump_sys_fcntl(2, RUMP_F_CLOSEM));
	CHECK_EQ(rump_sys_fcntl(0, RUMP_F_MAXFD), 1);
	CHECK_ERR(rump_sys_close(30), RUMP_EBADF);
	CHECK_ERR(rump_sys_fcntl(-1, RUMP_F_CLOSEM), RUMP_EBADF);
}

TEST(fcntl_maxfd_empty_table)
{
	CHECK_EQ(rump_sys_fcntl(0, RUMP_F_MAXFD), -1);
}

TEST(fcntl_bad_fd_and_cmd)
{
	int fd[2];

	CHECK_ERR(rump_sys_fcntl(3, RUMP_F_GETFD), RUMP_EBADF);
	CHECK_ERR(rump_sys_fcntl(3, RUMP_F_GETFL), RUMP_EBADF);
	CHECK_OK(rump_sys_pipe(fd));
	CHECK_ERR(rump_sys_fcntl(fd[0], 999), RUMP_EINVAL);
}

TEST(ioctl_fioclex_fionclex)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_OK(rump_sys_ioctl(fd[0], RUMP_FIOCLEX));
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_GETFD), RUMP_FD_CLOEXEC);
	CHECK_OK(rump_sys_ioctl(fd[0], RUMP_FIONCLEX));
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_GETFD), 0);
}

TEST(ioctl_fionbio_sets_nonblock)
{
	int fd[2], on = 1, off = 0;
	char c;

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_OK(rump_sys_ioctl(fd[0], RUMP_FIONBIO, &on));
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_GETFL) & RUMP_O_NONBLOCK,
	    RUMP_O_NONBLOCK);
	CHECK_ERR(rump_sys_read(fd[0], &c, 1), RUMP_EAGAIN);
	CHECK_OK(rump_sys_ioctl(fd[0], RUMP_FIONBIO, &off));
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_GETFL) & RUMP_O_NONBLOCK, 0);
}

TEST(ioctl_fioasync_sets_async)
{
	int fd[2], on = 1;

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_OK(rump_sys_ioctl(fd[0], RUMP_FIOASYNC, &on));
	CHECK_EQ(rump_sys_fcntl(fd[0], RUMP_F_GETFL) & RUMP_O_ASYNC,
	    RUMP_O_ASYNC);
}

TEST(ioctl_errors)
{
	int fd[2], n;

	CHECK_ERR(rump_sys_ioctl(8, RUMP_FIONREAD, &n), RUMP_EBADF);
	CHECK_OK(rump_sys_pipe(fd));
	/* IOC_IN data is copied in before the file sees it */
	CHECK_ERR(rump_sys_ioctl(fd[0], RUMP_FIONBIO, NULL), RUMP_EFAULT);
	CHECK_ERR(rump_sys_ioctl(fd[0], RUMP_FIONBIO, (void *)1),
	    RUMP_EFAULT);
	/* IOC_OUT data is copied out after */
	CHECK_ERR(rump_sys_ioctl(fd[0], RUMP_FIONREAD, (void *)8),
	    RUMP_EFAULT);
	/* a parameter longer than IOCPARM_MAX is ENOTTY */
	CHECK_ERR(rump_sys_ioctl(fd[0], 0x40000000UL | (8000UL << 16) |
	    ('f' << 8) | 1, &n), RUMP_ENOTTY);
}

TEST(writev_readv_gather_scatter)
{
	struct iovec wv[3], rv[2];
	char a[4], b[16];
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	wv[0].iov_base = (void *)"one ";
	wv[0].iov_len = 4;
	wv[1].iov_base = (void *)"";
	wv[1].iov_len = 0;
	wv[2].iov_base = (void *)"two three";
	wv[2].iov_len = 9;
	CHECK_EQ(rump_sys_writev(fd[1], wv, 3), 13);
	rv[0].iov_base = a;
	rv[0].iov_len = sizeof(a);
	rv[1].iov_base = b;
	rv[1].iov_len = sizeof(b);
	memset(b, 0, sizeof(b));
	CHECK_EQ(rump_sys_readv(fd[0], rv, 2), 13);
	CHECK(memcmp(a, "one ", 4) == 0);
	CHECK_STR(b, "two three");
}

TEST(readv_bad_iovcnt_einval)
{
	struct iovec v = { NULL, 0 };
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_ERR(rump_sys_readv(fd[0], &v, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_readv(fd[0], &v, -1), RUMP_EINVAL);
	CHECK_ERR(rump_sys_writev(fd[1], &v, 1025), RUMP_EINVAL);
	/* count 0 is EINVAL even on a bad descriptor */
	CHECK_ERR(rump_sys_readv(40, &v, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_readv(40, &v, 1), RUMP_EBADF);
}

TEST(writev_total_over_ssize_max_einval)
{
	struct iovec v[2];
	char c = 'x';
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	v[0].iov_base = &c;
	v[0].iov_len = (size_t)1 << 62;
	v[1].iov_base = &c;
	v[1].iov_len = (size_t)1 << 62;
	CHECK_ERR(rump_sys_writev(fd[1], v, 2), RUMP_EINVAL);
	v[0].iov_len = (size_t)-1;
	CHECK_ERR(rump_sys_writev(fd[1], v, 1), RUMP_EINVAL);
}

TEST(writev_bad_iov_array_efault)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_ERR(rump_sys_writev(fd[1], NULL, 2), RUMP_EFAULT);
	CHECK_ERR(rump_sys_readv(fd[0], (void *)0x7ff0dead0000, 20),
	    RUMP_EFAULT);
}

TEST(writev_max_iovcnt_ok)
{
	static struct iovec v[1024];
	char buf[1024];
	int fd[2], i;

	CHECK_OK(rump_sys_pipe(fd));
	for (i = 0; i < 1024; i++) {
		v[i].iov_base = (void *)"q";
		v[i].iov_len = 1;
	}
	CHECK_EQ(rump_sys_writev(fd[1], v, 1024), 1024);
	CHECK_EQ(rump_sys_read(fd[0], buf, sizeof(buf)), 1024);
	CHECK_EQ(buf[1023], 'q');
}

TEST(read_size_over_ssize_max_einval)
{
	char c;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_ERR(rump_sys_read(fd[0], &c, (size_t)-1), RUMP_EINVAL);
	CHECK_ERR(rump_sys_write(fd[1], &c, ((size_t)1 << 63) + 1),
	    RUMP_EINVAL);
}

TEST(read_zero_bytes_returns_zero)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_write(fd[1], NULL, 0), 0);
	CHECK_EQ(rump_sys_write(fd[1], "a", 1), 1);
	CHECK_EQ(rump_sys_read(fd[0], NULL, 0), 0);
}

TEST(rlimit_nofile_small_gives_emfile)
{
	struct rump_rlimit rl = { 5, 5 };
	int fd[2];

	CHECK_OK(rump_sys_setrlimit(RUMP_RLIMIT_NOFILE, (void *)&rl));
	CHECK_OK(rump_sys_pipe(fd));			/* 0, 1 */
	CHECK_OK(rump_sys_pipe(fd));			/* 2, 3 */
	CHECK_EQ(rump_sys_dup(0), 4);
	CHECK_ERR(rump_sys_dup(0), RUMP_EMFILE);
	CHECK_ERR(rump_sys_fcntl(0, RUMP_F_DUPFD, 5), RUMP_EINVAL);
	CHECK_ERR(rump_sys_dup2(0, 5), RUMP_EBADF);
	CHECK_OK(rump_sys_close(4));
	/* one slot free, a pipe needs two: nothing must leak */
	CHECK_ERR(rump_sys_pipe(fd), RUMP_EMFILE);
	CHECK_EQ(rump_sys_fcntl(0, RUMP_F_MAXFD), 3);
	CHECK_EQ(rump_sys_dup(0), 4);
}

TEST(rlimit_nofile_raise_again_to_max)
{
	struct rump_rlimit rl = { 3, 1024 }, got;
	int fd[2];

	CHECK_OK(rump_sys_setrlimit(RUMP_RLIMIT_NOFILE, (void *)&rl));
	CHECK_OK(rump_sys_pipe(fd));
	CHECK_ERR(rump_sys_pipe(fd), RUMP_EMFILE);
	rl.rlim_cur = 1024;
	CHECK_OK(rump_sys_setrlimit(RUMP_RLIMIT_NOFILE, (void *)&rl));
	CHECK_OK(rump_sys_pipe(fd));
	CHECK_OK(rump_sys_getrlimit(RUMP_RLIMIT_NOFILE, (void *)&got));
	CHECK_EQ(got.rlim_cur, 1024);
	CHECK_EQ(got.rlim_max, 1024);
}

TEST(fstat_bad_fd_and_pointer)
{
	struct rump_stat st;
	int fd[2];

	CHECK_ERR(rump_sys_fstat(0, (struct stat *)&st), RUMP_EBADF);
	CHECK_OK(rump_sys_pipe(fd));
	CHECK_ERR(rump_sys_fstat(fd[0], NULL), RUMP_EFAULT);
	CHECK_ERR(rump_sys_fstat(fd[0], (void *)0x7ff0dead0000), RUMP_EFAULT);
}

TEST(fpathconf_bad_fd)
{
	CHECK_ERR(rump_sys_fpathconf(4, 6), RUMP_EBADF);
}
