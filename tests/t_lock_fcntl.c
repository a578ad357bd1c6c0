/*
 * t_lock_fcntl: POSIX record locks, fcntl(2) F_GETLK/F_SETLK/F_SETLKW.
 *
 * Locks belong to processes, so each test makes a second process B
 * (rump_pub_lwproc_rfork) next to the test's own process A and switches
 * between their lwps on this thread; the blocking tests run one of the
 * two on a second host thread.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>

#include "t.h"

static struct lwp *lwp_a, *lwp_b;
static pid_t pid_a, pid_b;

/* Make process B, a child of A with an empty descriptor table. */
static void
two_procs(void)
{
	lwp_a = rump_pub_lwproc_curlwp();
	pid_a = rump_sys_getpid();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	lwp_b = rump_pub_lwproc_curlwp();
	pid_b = rump_sys_getpid();
	CHECK(pid_a != pid_b);
	rump_pub_lwproc_switch(lwp_a);
}

static void
as_a(void)
{
	rump_pub_lwproc_switch(lwp_a);
}

static void
as_b(void)
{
	rump_pub_lwproc_switch(lwp_b);
}

/* B exits; the thread is A again. */
static void
end_b(void)
{
	as_b();
	rump_pub_lwproc_releaselwp();
	as_a();
}

static int
lk(int fd, int cmd, int type, off_t start, off_t len)
{
	struct rump_flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = (int16_t)type;
	fl.l_whence = RUMP_SEEK_SET;
	fl.l_start = start;
	fl.l_len = len;
	return rump_sys_fcntl(fd, cmd, &fl);
}

/* F_GETLK for [start, start+len) of type; the answer in *fl. */
static int
getlk(int fd, int type, off_t start, off_t len, struct rump_flock *fl)
{
	memset(fl, 0, sizeof(*fl));
	fl->l_type = (int16_t)type;
	fl->l_whence = RUMP_SEEK_SET;
	fl->l_start = start;
	fl->l_len = len;
	return rump_sys_fcntl(fd, RUMP_F_GETLK, fl);
}

/* A file of `size` bytes, opened read-write. */
static int
mkfile(const char *name, size_t size)
{
	static const char zeros[256];
	int fd = rump_sys_open(name, RUMP_O_RDWR | RUMP_O_CREAT, 0666);

	while (fd != -1 && size > 0) {
		size_t n = size < sizeof(zeros) ? size : sizeof(zeros);

		if (rump_sys_write(fd, zeros, n) != (ssize_t)n)
			break;
		size -= n;
	}
	return fd;
}

static int
open_rw(const char *name)
{
	return rump_sys_open(name, RUMP_O_RDWR, 0);
}

TEST(setlk_wrlck_conflicts_eagain)
{
	int fa, fb;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 10));
	as_b();
	fb = open_rw("f");
	CHECK_ERR(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 10), RUMP_EAGAIN);
	CHECK_ERR(lk(fb, RUMP_F_SETLK, RUMP_F_RDLCK, 5, 1), RUMP_EAGAIN);
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, 10, 10));
	end_b();
	rump_sys_close(fa);
}

TEST(setlk_rdlck_shared_but_excludes_writer)
{
	int fa, fb;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_RDLCK, 0, 50));
	as_b();
	fb = open_rw("f");
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_RDLCK, 10, 50));
	CHECK_ERR(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 1), RUMP_EAGAIN);
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, 60, 1));
	as_a();
	CHECK_ERR(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 55, 1), RUMP_EAGAIN);
	end_b();
}

TEST(getlk_reports_conflict_and_pid)
{
	struct rump_flock fl;
	int fa, fb;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 5, 10));
	as_b();
	fb = open_rw("f");
	CHECK_OK(getlk(fb, RUMP_F_RDLCK, 0, 100, &fl));
	CHECK_EQ(fl.l_type, RUMP_F_WRLCK);
	CHECK_EQ(fl.l_whence, RUMP_SEEK_SET);
	CHECK_EQ(fl.l_start, 5);
	CHECK_EQ(fl.l_len, 10);
	CHECK_EQ(fl.l_pid, pid_a);
	end_b();
}

TEST(getlk_unlck_when_free)
{
	struct rump_flock fl;
	int fa, fb;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 10));
	as_b();
	fb = open_rw("f");
	CHECK_OK(getlk(fb, RUMP_F_WRLCK, 10, 10, &fl));
	CHECK_EQ(fl.l_type, RUMP_F_UNLCK);
	end_b();
}

TEST(getlk_own_locks_do_not_conflict)
{
	struct rump_flock fl;
	int fa;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 0));
	CHECK_OK(getlk(fa, RUMP_F_WRLCK, 0, 0, &fl));
	CHECK_EQ(fl.l_type, RUMP_F_UNLCK);
	end_b();
}

TEST(getlk_reads_conflict_with_readers_only_if_writing)
{
	struct rump_flock fl;
	int fa, fb;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_RDLCK, 0, 10));
	as_b();
	fb = open_rw("f");
	CHECK_OK(getlk(fb, RUMP_F_RDLCK, 0, 10, &fl));
	CHECK_EQ(fl.l_type, RUMP_F_UNLCK);
	CHECK_OK(getlk(fb, RUMP_F_WRLCK, 0, 10, &fl));
	CHECK_EQ(fl.l_type, RUMP_F_RDLCK);
	CHECK_EQ(fl.l_pid, pid_a);
	end_b();
}

TEST(len_zero_locks_to_end_of_file)
{
	struct rump_flock fl;
	int fa, fb;

	two_procs();
	fa = mkfile("f", 10);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 100, 0));
	as_b();
	fb = open_rw("f");
	CHECK_ERR(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, 1000000, 1),
	    RUMP_EAGAIN);
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 100));
	CHECK_OK(getlk(fb, RUMP_F_WRLCK, 0, 0, &fl));
	CHECK_EQ(fl.l_type, RUMP_F_WRLCK);
	CHECK_EQ(fl.l_start, 100);
	CHECK_EQ(fl.l_len, 0);
	end_b();
}

TEST(negative_len_locks_bytes_before_start)
{
	struct rump_flock fl;
	int fa, fb;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 10, -5));
	as_b();
	fb = open_rw("f");
	CHECK_OK(getlk(fb, RUMP_F_WRLCK, 0, 100, &fl));
	CHECK_EQ(fl.l_type, RUMP_F_WRLCK);
	CHECK_EQ(fl.l_start, 5);
	CHECK_EQ(fl.l_len, 5);
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, 10, 1));
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, 4, 1));
	end_b();
}

TEST(range_before_offset_zero_einval)
{
	int fa;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_ERR(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 2, -5), RUMP_EINVAL);
	CHECK_ERR(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, -1, 5), RUMP_EINVAL);
	end_b();
}

TEST(range_past_off_max_eoverflow)
{
	int fa;

	two_procs();
	fa = mkfile("f", 0);
	CHECK_ERR(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, INT64_MAX, 2),
	    RUMP_EOVERFLOW);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, INT64_MAX, 1));
	end_b();
}

TEST(bad_type_and_whence_einval)
{
	struct rump_flock fl;
	int fa;

	two_procs();
	fa = mkfile("f", 10);
	CHECK_ERR(lk(fa, RUMP_F_SETLK, 7, 0, 1), RUMP_EINVAL);
	CHECK_ERR(lk(fa, RUMP_F_SETLKW, 0, 0, 1), RUMP_EINVAL);
	CHECK_ERR(getlk(fa, 9, 0, 1, &fl), RUMP_EINVAL);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = RUMP_F_WRLCK;
	fl.l_whence = 5;
	CHECK_ERR(rump_sys_fcntl(fa, RUMP_F_SETLK, &fl), RUMP_EINVAL);
	end_b();
}

TEST(seek_end_is_relative_to_size)
{
	struct rump_flock fl;
	int fa, fb;

	two_procs();
	fa = mkfile("f", 100);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = RUMP_F_WRLCK;
	fl.l_whence = RUMP_SEEK_END;
	fl.l_start = -10;
	fl.l_len = 10;
	CHECK_OK(rump_sys_fcntl(fa, RUMP_F_SETLK, &fl));
	as_b();
	fb = open_rw("f");
	CHECK_OK(getlk(fb, RUMP_F_WRLCK, 0, 0, &fl));
	CHECK_EQ(fl.l_type, RUMP_F_WRLCK);
	CHECK_EQ(fl.l_start, 90);
	CHECK_EQ(fl.l_len, 10);
	end_b();
}

TEST(seek_cur_is_relative_to_offset)
{
	struct rump_flock fl;
	int fa, fb;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_EQ(rump_sys_lseek(fa, 50, RUMP_SEEK_SET), 50);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = RUMP_F_WRLCK;
	fl.l_whence = RUMP_SEEK_CUR;
	fl.l_start = -5;
	fl.l_len = 10;
	CHECK_OK(rump_sys_fcntl(fa, RUMP_F_SETLK, &fl));
	as_b();
	fb = open_rw("f");
	CHECK_OK(getlk(fb, RUMP_F_WRLCK, 0, 0, &fl));
	CHECK_EQ(fl.l_type, RUMP_F_WRLCK);
	CHECK_EQ(fl.l_start, 45);
	CHECK_EQ(fl.l_len, 10);
	end_b();
}

TEST(unlock_middle_splits_lock)
{
	struct rump_flock fl;
	int fa, fb;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 30));
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_UNLCK, 10, 10));
	as_b();
	fb = open_rw("f");
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, 10, 10));
	CHECK_ERR(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, 9, 1), RUMP_EAGAIN);
	CHECK_ERR(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, 20, 1), RUMP_EAGAIN);
	CHECK_OK(getlk(fb, RUMP_F_WRLCK, 0, 0, &fl));
	CHECK_EQ(fl.l_start, 0);
	CHECK_EQ(fl.l_len, 10);
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_UNLCK, 10, 10));
	CHECK_OK(getlk(fb, RUMP_F_WRLCK, 10, 0, &fl));
	CHECK_EQ(fl.l_start, 20);
	CHECK_EQ(fl.l_len, 10);
	end_b();
}

TEST(unlock_trims_edges)
{
	struct rump_flock fl;
	int fa, fb;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 10, 20));
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_UNLCK, 0, 15));
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_UNLCK, 25, 0));
	as_b();
	fb = open_rw("f");
	CHECK_OK(getlk(fb, RUMP_F_WRLCK, 0, 0, &fl));
	CHECK_EQ(fl.l_type, RUMP_F_WRLCK);
	CHECK_EQ(fl.l_start, 15);
	CHECK_EQ(fl.l_len, 10);
	end_b();
}

TEST(unlock_without_locks_succeeds)
{
	int fa;

	two_procs();
	fa = mkfile("f", 10);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_UNLCK, 0, 0));
	CHECK_OK(lk(fa, RUMP_F_SETLKW, RUMP_F_UNLCK, 5, 5));
	end_b();
}

TEST(upgrade_and_downgrade)
{
	int fa, fb;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_RDLCK, 0, 10));
	as_b();
	fb = open_rw("f");
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_RDLCK, 0, 10));
	as_a();
	CHECK_ERR(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 10), RUMP_EAGAIN);
	as_b();
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_UNLCK, 0, 10));
	as_a();
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 10));
	as_b();
	CHECK_ERR(lk(fb, RUMP_F_SETLK, RUMP_F_RDLCK, 0, 10), RUMP_EAGAIN);
	as_a();
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_RDLCK, 0, 10));
	as_b();
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_RDLCK, 0, 10));
	end_b();
}

TEST(new_lock_replaces_own_overlap)
{
	struct rump_flock fl;
	int fa, fb;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 10));
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_RDLCK, 5, 10));
	as_b();
	fb = open_rw("f");
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_RDLCK, 5, 10));
	CHECK_ERR(lk(fb, RUMP_F_SETLK, RUMP_F_RDLCK, 4, 1), RUMP_EAGAIN);
	CHECK_OK(getlk(fb, RUMP_F_WRLCK, 0, 0, &fl));
	CHECK_EQ(fl.l_type, RUMP_F_WRLCK);
	CHECK_EQ(fl.l_start, 0);
	CHECK_EQ(fl.l_len, 5);
	CHECK_OK(getlk(fb, RUMP_F_WRLCK, 5, 0, &fl));
	CHECK_EQ(fl.l_type, RUMP_F_RDLCK);
	CHECK_EQ(fl.l_start, 5);
	CHECK_EQ(fl.l_len, 10);
	end_b();
}

TEST(adjacent_locks_stay_separate)
{
	struct rump_flock fl;
	int fa, fb;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 10));
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 10, 10));
	as_b();
	fb = open_rw("f");
	CHECK_OK(getlk(fb, RUMP_F_WRLCK, 0, 0, &fl));
	CHECK_EQ(fl.l_start, 0);
	CHECK_EQ(fl.l_len, 10);
	as_a();
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_UNLCK, 0, 10));
	as_b();
	CHECK_OK(getlk(fb, RUMP_F_WRLCK, 0, 0, &fl));
	CHECK_EQ(fl.l_start, 10);
	CHECK_EQ(fl.l_len, 10);
	end_b();
}

TEST(close_of_any_descriptor_drops_locks)
{
	int fa, fa2, fb;

	two_procs();
	fa = mkfile("f", 100);
	fa2 = open_rw("f");
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 10));
	CHECK_OK(rump_sys_close(fa2));
	as_b();
	fb = open_rw("f");
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 10));
	end_b();
	rump_sys_close(fa);
}

TEST(close_of_dup_drops_locks)
{
	int fa, fd2, fb;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 10));
	fd2 = rump_sys_dup(fa);
	CHECK(fd2 != -1);
	CHECK_OK(rump_sys_close(fd2));
	as_b();
	fb = open_rw("f");
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 10));
	end_b();
}

TEST(dup2_over_descriptor_drops_locks)
{
	int fa, other, fb;

	two_procs();
	fa = mkfile("f", 100);
	other = mkfile("g", 1);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 10));
	CHECK_OK(rump_sys_dup2(other, fa));
	as_b();
	fb = open_rw("f");
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 10));
	end_b();
}

TEST(other_process_close_keeps_locks)
{
	int fa, fb;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 10));
	as_b();
	fb = open_rw("f");
	CHECK_OK(rump_sys_close(fb));
	fb = open_rw("f");
	CHECK_ERR(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 10), RUMP_EAGAIN);
	end_b();
}

TEST(process_exit_drops_locks)
{
	int fa, fb;

	two_procs();
	fa = mkfile("f", 100);
	as_b();
	fb = open_rw("f");
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 0));
	as_a();
	CHECK_ERR(lk(fa, RUMP_F_SETLK, RUMP_F_RDLCK, 0, 1), RUMP_EAGAIN);
	end_b();
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 0));
}

TEST(process_exit_with_shared_file_drops_locks)
{
	int fa;

	/* B shares A's open file (a copied table) and exits: its locks
	 * go even though the file stays open in A */
	fa = mkfile("f", 100);
	lwp_a = rump_pub_lwproc_curlwp();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	lwp_b = rump_pub_lwproc_curlwp();
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 0));
	as_a();
	CHECK_ERR(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 0), RUMP_EAGAIN);
	end_b();
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 0));
}

TEST(rdlck_needs_read_access_ebadf)
{
	int fd;

	two_procs();
	rump_sys_close(mkfile("f", 10));
	fd = rump_sys_open("f", RUMP_O_WRONLY, 0);
	CHECK(fd != -1);
	CHECK_ERR(lk(fd, RUMP_F_SETLK, RUMP_F_RDLCK, 0, 1), RUMP_EBADF);
	CHECK_OK(lk(fd, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 1));
	end_b();
}

TEST(wrlck_needs_write_access_ebadf)
{
	int fd;

	two_procs();
	rump_sys_close(mkfile("f", 10));
	fd = rump_sys_open("f", RUMP_O_RDONLY, 0);
	CHECK(fd != -1);
	CHECK_ERR(lk(fd, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 1), RUMP_EBADF);
	CHECK_ERR(lk(fd, RUMP_F_SETLKW, RUMP_F_WRLCK, 0, 1), RUMP_EBADF);
	CHECK_OK(lk(fd, RUMP_F_SETLK, RUMP_F_RDLCK, 0, 1));
	CHECK_OK(lk(fd, RUMP_F_SETLK, RUMP_F_UNLCK, 0, 1));
	end_b();
}

TEST(lock_on_bad_descriptor_ebadf)
{
	two_procs();
	CHECK_ERR(lk(99, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 1), RUMP_EBADF);
	end_b();
}

TEST(fcntl_lock_conflicts_with_flock)
{
	struct rump_flock fl;
	int fa, fb;

	two_procs();
	fa = mkfile("f", 10);
	CHECK_OK(rump_sys_flock(fa, RUMP_LOCK_EX));
	as_b();
	fb = open_rw("f");
	CHECK_ERR(lk(fb, RUMP_F_SETLK, RUMP_F_RDLCK, 0, 1), RUMP_EAGAIN);
	CHECK_OK(getlk(fb, RUMP_F_RDLCK, 0, 0, &fl));
	CHECK_EQ(fl.l_type, RUMP_F_WRLCK);
	CHECK_EQ(fl.l_pid, -1);		/* an flock lock has no process */
	end_b();
}

TEST(setlkw_without_conflict_returns_at_once)
{
	int fa;

	two_procs();
	fa = mkfile("f", 10);
	CHECK_OK(lk(fa, RUMP_F_SETLKW, RUMP_F_WRLCK, 0, 0));
	end_b();
}

/* --- blocking ----------------------------------------------------------- */

struct waiter {
	struct lwp *lwp;
	int	fd;
	int	type;
	off_t	start, len;
	int	result, err;
	atomic_int done;
};

static void *
setlkw_thread(void *arg)
{
	struct waiter *w = arg;

	rump_pub_lwproc_switch(w->lwp);
	w->result = lk(w->fd, RUMP_F_SETLKW, w->type, w->start, w->len);
	w->err = errno;
	atomic_store(&w->done, 1);
	rump_pub_lwproc_switch(NULL);
	return NULL;
}

static void
msleep(int ms)
{
	usleep((useconds_t)ms * 1000);
}

TEST(setlkw_waits_for_release)
{
	struct waiter w;
	pthread_t t;
	int fa;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 10));
	as_b();
	memset(&w, 0, sizeof(w));
	w.lwp = lwp_b;
	w.fd = open_rw("f");
	w.type = RUMP_F_WRLCK;
	w.start = 5;
	w.len = 1;
	as_a();
	CHECK_EQ(pthread_create(&t, NULL, setlkw_thread, &w), 0);
	msleep(200);
	CHECK_EQ(atomic_load(&w.done), 0);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_UNLCK, 0, 10));
	pthread_join(t, NULL);
	CHECK_EQ(w.result, 0);
	/* now B holds byte 5 */
	CHECK_ERR(lk(fa, RUMP_F_SETLK, RUMP_F_RDLCK, 5, 1), RUMP_EAGAIN);
	end_b();
}

TEST(setlkw_waits_for_close)
{
	struct waiter w;
	pthread_t t;
	int fa;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_RDLCK, 0, 0));
	as_b();
	memset(&w, 0, sizeof(w));
	w.lwp = lwp_b;
	w.fd = open_rw("f");
	w.type = RUMP_F_WRLCK;
	w.start = 0;
	w.len = 0;
	as_a();
	CHECK_EQ(pthread_create(&t, NULL, setlkw_thread, &w), 0);
	msleep(100);
	CHECK_EQ(atomic_load(&w.done), 0);
	CHECK_OK(rump_sys_close(fa));
	pthread_join(t, NULL);
	CHECK_EQ(w.result, 0);
	end_b();
}

TEST(setlkw_deadlock_edeadlk)
{
	struct waiter w;
	pthread_t t;
	int fa, fb;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 1));
	as_b();
	fb = open_rw("f");
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, 1, 1));
	/* A (on another thread) waits for B's byte 1 ... */
	memset(&w, 0, sizeof(w));
	w.lwp = lwp_a;
	w.fd = fa;
	w.type = RUMP_F_WRLCK;
	w.start = 1;
	w.len = 1;
	CHECK_EQ(pthread_create(&t, NULL, setlkw_thread, &w), 0);
	msleep(200);
	CHECK_EQ(atomic_load(&w.done), 0);
	/* ... so B waiting for A's byte 0 would never end */
	CHECK_ERR(lk(fb, RUMP_F_SETLKW, RUMP_F_WRLCK, 0, 1), RUMP_EDEADLK);
	CHECK_EQ(atomic_load(&w.done), 0);
	CHECK_OK(lk(fb, RUMP_F_SETLK, RUMP_F_UNLCK, 1, 1));
	pthread_join(t, NULL);
	CHECK_EQ(w.result, 0);
	end_b();
}

TEST(setlkw_chain_without_cycle_waits)
{
	struct waiter w;
	pthread_t t;
	int fa, fb;

	two_procs();
	fa = mkfile("f", 100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 1));
	as_b();
	fb = open_rw("f");
	/* B waits for A, and A waits for nobody: no deadlock */
	memset(&w, 0, sizeof(w));
	w.lwp = lwp_b;
	w.fd = fb;
	w.type = RUMP_F_WRLCK;
	w.start = 0;
	w.len = 1;
	as_a();
	CHECK_EQ(pthread_create(&t, NULL, setlkw_thread, &w), 0);
	msleep(100);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 50, 1));
	CHECK_EQ(atomic_load(&w.done), 0);
	CHECK_OK(lk(fa, RUMP_F_SETLK, RUMP_F_UNLCK, 0, 0));
	pthread_join(t, NULL);
	CHECK_EQ(w.result, 0);
	end_b();
}

TEST(locks_on_fifo_einval)
{
	int fd;

	two_procs();
	CHECK_OK(rump_sys_mkfifo("p", 0600));
	fd = rump_sys_open("p", RUMP_O_RDWR, 0);
	CHECK(fd != -1);
	CHECK_ERR(lk(fd, RUMP_F_SETLK, RUMP_F_WRLCK, 0, 1), RUMP_EINVAL);
	end_b();
}
