/*
 * t_kern_fault: failures the kern calls must survive: unknown system
 * call numbers, wild user pointers, and hypercalls made to fail with
 * rumpuser_fault_set() (allocations, copyin, copyout).  A failed call
 * returns the right errno and leaves nothing behind: no descriptors,
 * no kernel memory (kmem_inuse), no half-changed state.
 */
#include <poll.h>
#include <pthread.h>
#include <sys/select.h>
#include <sys/uio.h>

#include "t.h"
#include "kern/sysentry.h"
#include "rumpuser/rumpuser.h"

uint64_t kmem_inuse(void);	/* kernel memory accounting (kern/kmem.c) */

#define WILD	((void *)0x7ff0dead0000)

static void
arm(enum rumpuser_call which, unsigned long after, int error)
{
	rumpuser_fault_set(which, after, 1, error);
}

TEST(unknown_syscall_enosys)
{
	rump_register_t rv[2] = { 5, 5 };
	uint64_t slots[8] = { 0 };

	CHECK_EQ(rump_syscall(499, slots, sizeof(slots), rv), RUMP_ENOSYS);
	CHECK_EQ(rump_syscall(0, NULL, 0, rv), RUMP_ENOSYS);
	CHECK_EQ(rump_syscall(-1, NULL, 0, rv), RUMP_ENOSYS);
	CHECK_EQ(rump_syscall(100000, NULL, 0, rv), RUMP_ENOSYS);
	CHECK_EQ(rv[0], 0);
	CHECK_ERR(rump_sys_lio_listio(0, NULL, 0, NULL), RUMP_ENOSYS);
}

TEST(short_argument_body_reads_zeros)
{
	/* close with no body: fd slot reads as 0, which is not open */
	rump_register_t rv[2];

	CHECK_EQ(rump_syscall(6, NULL, 0, rv), RUMP_EBADF);
}

TEST(wild_pointers_efault)
{
	struct rump_timespec ts;
	int fd[2], mib[2] = { RUMP_CTL_HW, RUMP_HW_NCPU };
	size_t len = 4;

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_write(fd[1], "data", 4), 4);
	CHECK_ERR(rump_sys_read(fd[0], (void *)1, 4), RUMP_EFAULT);
	CHECK_ERR(rump_sys_read(fd[0], WILD, 4), RUMP_EFAULT);
	CHECK_ERR(rump_sys_write(fd[1], (void *)1, 4), RUMP_EFAULT);
	CHECK_ERR(rump_sys_pipe2(WILD, 0), RUMP_EFAULT);
	CHECK_ERR(rump_sys_gettimeofday(WILD, NULL), RUMP_EFAULT);
	CHECK_ERR(rump_sys_gettimeofday(NULL, (void *)1), RUMP_EFAULT);
	CHECK_ERR(rump_sys_clock_gettime(RUMP_CLOCK_REALTIME, (void *)1),
	    RUMP_EFAULT);
	CHECK_ERR(rump_sys___sysctl(mib, 2, WILD, &len, NULL, 0),
	    RUMP_EFAULT);
	CHECK_ERR(rump_sys___sysctl(WILD, 2, &ts, &len, NULL, 0),
	    RUMP_EFAULT);
	CHECK_ERR(rump_sys_getrlimit(RUMP_RLIMIT_NOFILE, WILD), RUMP_EFAULT);
	CHECK_ERR(rump_sys_nanosleep(WILD, NULL), RUMP_EFAULT);
	CHECK_OK(rump_sys_setgroups(1, &(gid_t){ 3 }));
	CHECK_ERR(rump_sys_getgroups(1, (void *)1), RUMP_EFAULT);
}

TEST(pipe_enomem_at_every_allocation_leaks_nothing)
{
	unsigned long after;
	int fd[2] = { -1, -1 }, failures = 0, r;
	uint64_t before;

	for (after = 0; after < 16; after++) {
		before = kmem_inuse();
		arm(RUMPUSER_MALLOC, after, RUMP_ENOMEM);
		r = rump_sys_pipe(fd);
		rumpuser_fault_clear();
		if (r == 0)
			break;
		failures++;
		CHECK_EQ(errno, RUMP_ENOMEM);
		CHECK_EQ(kmem_inuse(), before);
		CHECK_EQ(rump_sys_fcntl(0, RUMP_F_MAXFD), -1);
	}
	/* the pipe, its buffer and two files each failed once */
	CHECK(failures >= 4);
	CHECK_EQ(r, 0);
	CHECK_EQ(fd[0], 0);
	CHECK_EQ(fd[1], 1);
}

TEST(pipe_enomem_then_works)
{
	int fd[2];

	rumpuser_fault_set(RUMPUSER_MALLOC, 0, 1000, RUMP_ENOMEM);
	CHECK_ERR(rump_sys_pipe(fd), RUMP_ENOMEM);
	CHECK_ERR(rump_sys_pipe2(fd, RUMP_O_CLOEXEC), RUMP_ENOMEM);
	rumpuser_fault_clear();
	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_write(fd[1], "ok", 2), 2);
}

TEST(sysctl_string_write_enomem_keeps_value)
{
	int mib[2] = { RUMP_CTL_KERN, RUMP_KERN_HOSTNAME };
	char buf[256], now[256];
	size_t len = sizeof(buf);
	uint64_t before;

	CHECK_OK(rump_sys___sysctl(mib, 2, buf, &len, NULL, 0));
	before = kmem_inuse();
	arm(RUMPUSER_MALLOC, 0, RUMP_ENOMEM);
	CHECK_ERR(rump_sys___sysctl(mib, 2, NULL, NULL, "oom", 4),
	    RUMP_ENOMEM);
	rumpuser_fault_clear();
	CHECK_EQ(kmem_inuse(), before);
	len = sizeof(now);
	CHECK_OK(rump_sys___sysctl(mib, 2, now, &len, NULL, 0));
	CHECK_STR(now, buf);
}

TEST(sysctl_copyin_fault_keeps_value)
{
	int mib[2] = { RUMP_CTL_KERN, RUMP_KERN_HOSTNAME };
	char buf[256], now[256];
	size_t len = sizeof(buf);

	CHECK_OK(rump_sys___sysctl(mib, 2, buf, &len, NULL, 0));
	/* copyins: old length, name, then the new value */
	arm(RUMPUSER_COPYIN, 2, RUMP_EFAULT);
	len = sizeof(now);
	CHECK_ERR(rump_sys___sysctl(mib, 2, now, &len, "nope", 5),
	    RUMP_EFAULT);
	rumpuser_fault_clear();
	len = sizeof(now);
	CHECK_OK(rump_sys___sysctl(mib, 2, now, &len, NULL, 0));
	CHECK_STR(now, buf);
}

TEST(sysctl_oldlen_copyout_fault)
{
	int mib[2] = { RUMP_CTL_HW, RUMP_HW_PAGESIZE }, v = 0;
	size_t len = sizeof(v);

	/* the value goes out first, the length second */
	arm(RUMPUSER_COPYOUT, 1, RUMP_EFAULT);
	CHECK_ERR(rump_sys___sysctl(mib, 2, &v, &len, NULL, 0), RUMP_EFAULT);
	rumpuser_fault_clear();
	CHECK_EQ(v, 4096);
}

TEST(readv_many_iovecs_enomem)
{
	struct iovec v[20];
	char buf[20];
	int fd[2], i;
	uint64_t before;

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_write(fd[1], "abcdefghijklmnopqrst", 20), 20);
	for (i = 0; i < 20; i++) {
		v[i].iov_base = &buf[i];
		v[i].iov_len = 1;
	}
	before = kmem_inuse();
	arm(RUMPUSER_MALLOC, 0, RUMP_ENOMEM);
	CHECK_ERR(rump_sys_readv(fd[0], v, 20), RUMP_ENOMEM);
	rumpuser_fault_clear();
	CHECK_EQ(kmem_inuse(), before);
	CHECK_EQ(rump_sys_readv(fd[0], v, 20), 20);
	CHECK_EQ(buf[19], 't');
}

TEST(poll_many_fds_enomem)
{
	struct rump_pollfd p[40];
	int fd[2], i;

	CHECK_OK(rump_sys_pipe(fd));
	for (i = 0; i < 40; i++) {
		p[i].fd = fd[1];
		p[i].events = RUMP_POLLOUT;
	}
	arm(RUMPUSER_MALLOC, 0, RUMP_ENOMEM);
	CHECK_ERR(rump_sys_poll((struct pollfd *)p, 40, 0), RUMP_ENOMEM);
	rumpuser_fault_clear();
	CHECK_EQ(rump_sys_poll((struct pollfd *)p, 40, 0), 40);
}

TEST(select_big_table_enomem)
{
	fd_set r;
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_dup2(fd[1], 900), 900);	/* table > 256 */
	FD_ZERO(&r);
	FD_SET(fd[0], &r);
	arm(RUMPUSER_MALLOC, 0, RUMP_ENOMEM);
	CHECK_ERR(rump_sys_select(1000, &r, NULL, NULL,
	    &(struct timeval){ 0, 0 }), RUMP_ENOMEM);
	rumpuser_fault_clear();
	CHECK_EQ(rump_sys_select(1000, &r, NULL, NULL,
	    &(struct timeval){ 0, 0 }), 0);
}

TEST(write_copyin_fault_efault_nothing_written)
{
	int fd[2], n = -1;

	CHECK_OK(rump_sys_pipe(fd));
	arm(RUMPUSER_COPYIN, 0, RUMP_EFAULT);
	CHECK_ERR(rump_sys_write(fd[1], "abcd", 4), RUMP_EFAULT);
	rumpuser_fault_clear();
	CHECK_OK(rump_sys_ioctl(fd[0], RUMP_FIONREAD, &n));
	CHECK_EQ(n, 0);
	CHECK_EQ(rump_sys_write(fd[1], "abcd", 4), 4);
}

TEST(read_copyout_fault_keeps_data)
{
	char buf[8];
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	CHECK_EQ(rump_sys_write(fd[1], "xyz", 3), 3);
	arm(RUMPUSER_COPYOUT, 0, RUMP_EFAULT);
	CHECK_ERR(rump_sys_read(fd[0], buf, sizeof(buf)), RUMP_EFAULT);
	rumpuser_fault_clear();
	CHECK_EQ(rump_sys_read(fd[0], buf, sizeof(buf)), 3);
	CHECK(memcmp(buf, "xyz", 3) == 0);
}

TEST(writev_second_iov_fault_is_partial_error)
{
	struct iovec v[2];
	char buf[8];
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	v[0].iov_base = (void *)"good";
	v[0].iov_len = 4;
	v[1].iov_base = WILD;
	v[1].iov_len = 4;
	CHECK_ERR(rump_sys_writev(fd[1], v, 2), RUMP_EFAULT);
	/* the bytes that did go in stay in */
	CHECK_EQ(rump_sys_read(fd[0], buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "good", 4) == 0);
}

TEST(pipe2_copyout_fault_closes_both)
{
	int fd[2];

	arm(RUMPUSER_COPYOUT, 0, RUMP_EFAULT);
	CHECK_ERR(rump_sys_pipe2(fd, 0), RUMP_EFAULT);
	rumpuser_fault_clear();
	CHECK_EQ(rump_sys_fcntl(0, RUMP_F_MAXFD), -1);
}

TEST(ioctl_copyout_fault)
{
	int fd[2], n = 77;

	CHECK_OK(rump_sys_pipe(fd));
	arm(RUMPUSER_COPYOUT, 0, RUMP_EFAULT);
	CHECK_ERR(rump_sys_ioctl(fd[0], RUMP_FIONREAD, &n), RUMP_EFAULT);
	rumpuser_fault_clear();
	CHECK_EQ(n, 77);
}

TEST(setgroups_copyin_fault_keeps_groups)
{
	gid_t g[2] = { 4, 5 }, got[4];

	arm(RUMPUSER_COPYIN, 0, RUMP_EFAULT);
	CHECK_ERR(rump_sys_setgroups(2, g), RUMP_EFAULT);
	rumpuser_fault_clear();
	CHECK_EQ(rump_sys_getgroups(4, got), 0);
}

TEST(dup2_table_growth_enomem)
{
	int fd[2];

	CHECK_OK(rump_sys_pipe(fd));
	rumpuser_fault_set(RUMPUSER_MALLOC, 0, 10, RUMP_ENOMEM);
	CHECK_ERR(rump_sys_dup2(fd[0], 800), RUMP_ENOMEM);
	CHECK_ERR(rump_sys_fcntl(fd[0], RUMP_F_DUPFD, 900), RUMP_ENOMEM);
	rumpuser_fault_clear();
	CHECK_EQ(rump_sys_fcntl(0, RUMP_F_MAXFD), 1);
	CHECK_EQ(rump_sys_dup2(fd[0], 800), 800);
}

TEST(credential_change_enomem_keeps_ids)
{
	arm(RUMPUSER_MALLOC, 0, RUMP_ENOMEM);
	CHECK_ERR(rump_sys_setuid(44), RUMP_ENOMEM);
	rumpuser_fault_clear();
	CHECK_EQ(rump_sys_getuid(), 0);
	CHECK_EQ(rump_sys_issetugid(), 0);
	CHECK_OK(rump_sys_setuid(44));
	CHECK_EQ(rump_sys_getuid(), 44);
}

/*
 * A dying sysproxy client's process is cancelled (proc_cancel): every
 * sleep of its lwps ends with EINTR.  The test reaches the kernel's
 * proc through the lwp, whose first member it is (kern/kern.h).
 */
void	proc_cancel(void *p);

struct sleeper {
	struct lwp *lwp;
	int kind;		/* 0 nanosleep, 1 pipe read, 2 poll */
	int fd;
	int result, error;
	struct timespec left;
};

static void *
sleeper(void *arg)
{
	struct sleeper *s = arg;
	struct timespec rq = { 10, 0 };
	struct rump_pollfd p = { s->fd, RUMP_POLLIN, 0 };
	char c;

	rump_pub_lwproc_switch(s->lwp);
	errno = 0;
	if (s->kind == 0)
		s->result = rump_sys_nanosleep(&rq, &s->left);
	else if (s->kind == 1)
		s->result = (int)rump_sys_read(s->fd, &c, 1);
	else
		s->result = rump_sys_poll((struct pollfd *)&p, 1, 10000);
	s->error = errno;
	rump_pub_lwproc_releaselwp();
	return NULL;
}

TEST(cancelled_process_sleeps_end_with_eintr)
{
	struct lwp *me = rump_pub_lwproc_curlwp(), *kid;
	struct sleeper s[3];
	struct timespec pause = { 0, 100000000 };
	pthread_t t[3];
	int fd[2], i;

	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	kid = rump_pub_lwproc_curlwp();
	CHECK_OK(rump_sys_pipe(fd));
	for (i = 0; i < 3; i++) {
		CHECK_EQ(rump_pub_lwproc_newlwp(rump_sys_getpid()), 0);
		s[i].lwp = rump_pub_lwproc_curlwp();
		s[i].kind = i;
		s[i].fd = fd[0];
		rump_pub_lwproc_switch(kid);
	}
	rump_pub_lwproc_switch(me);
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, sleeper, &s[i]);
	rump_sys_nanosleep(&pause, NULL);	/* let them fall asleep */
	proc_cancel(*(void **)kid);
	for (i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(s[i].result, -1);
		CHECK_EQ(s[i].error, RUMP_EINTR);
	}
	CHECK(s[0].left.tv_sec >= 8);		/* time left is reported */
	rump_pub_lwproc_switch(kid);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(me);
}
