/*
 * t_lock_flock: whole-file locks, flock(2) and open's O_SHLOCK and
 * O_EXLOCK.  An flock lock belongs to the open file: descriptors made
 * by dup (or inherited by a copied table) share it; a second open(2)
 * of the same file is a different owner, even in one process.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "t.h"

static int
mkfile(const char *name)
{
	return rump_sys_open(name, RUMP_O_RDWR | RUMP_O_CREAT, 0666);
}

static int
open_rw(const char *name)
{
	return rump_sys_open(name, RUMP_O_RDWR, 0);
}

TEST(flock_ex_excludes_second_open)
{
	int f1 = mkfile("f"), f2 = open_rw("f");

	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_EX));
	CHECK_ERR(rump_sys_flock(f2, RUMP_LOCK_EX | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
	CHECK_ERR(rump_sys_flock(f2, RUMP_LOCK_SH | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
}

TEST(flock_nb_conflict_is_errno_35)
{
	int f1 = mkfile("f"), f2 = open_rw("f");

	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_SH));
	CHECK_ERR(rump_sys_flock(f2, RUMP_LOCK_EX | RUMP_LOCK_NB), 35);
}

TEST(flock_sh_is_shared)
{
	int f1 = mkfile("f"), f2 = open_rw("f"), f3 = open_rw("f");

	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_SH));
	CHECK_OK(rump_sys_flock(f2, RUMP_LOCK_SH | RUMP_LOCK_NB));
	CHECK_ERR(rump_sys_flock(f3, RUMP_LOCK_EX | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
}

TEST(flock_un_releases)
{
	int f1 = mkfile("f"), f2 = open_rw("f");

	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_EX));
	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_UN));
	CHECK_OK(rump_sys_flock(f2, RUMP_LOCK_EX | RUMP_LOCK_NB));
}

TEST(flock_un_without_lock_succeeds)
{
	int f1 = mkfile("f");

	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_UN));
	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_UN | RUMP_LOCK_NB));
}

TEST(flock_relock_by_owner_succeeds)
{
	int f1 = mkfile("f");

	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_EX));
	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_EX | RUMP_LOCK_NB));
	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_SH | RUMP_LOCK_NB));
}

TEST(flock_upgrade_and_downgrade)
{
	int f1 = mkfile("f"), f2 = open_rw("f");

	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_SH));
	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_EX | RUMP_LOCK_NB));
	CHECK_ERR(rump_sys_flock(f2, RUMP_LOCK_SH | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_SH));
	CHECK_OK(rump_sys_flock(f2, RUMP_LOCK_SH | RUMP_LOCK_NB));
}

TEST(flock_upgrade_blocked_by_reader_nb)
{
	int f1 = mkfile("f"), f2 = open_rw("f");

	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_SH));
	CHECK_OK(rump_sys_flock(f2, RUMP_LOCK_SH));
	CHECK_ERR(rump_sys_flock(f1, RUMP_LOCK_EX | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
}

TEST(flock_bad_operation_einval)
{
	int f1 = mkfile("f");

	CHECK_ERR(rump_sys_flock(f1, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_flock(f1, RUMP_LOCK_NB), RUMP_EINVAL);
	CHECK_ERR(rump_sys_flock(f1, RUMP_LOCK_SH | RUMP_LOCK_EX),
	    RUMP_EINVAL);
	CHECK_ERR(rump_sys_flock(f1, 0x40), RUMP_EINVAL);
}

TEST(flock_bad_descriptor_ebadf)
{
	CHECK_ERR(rump_sys_flock(77, RUMP_LOCK_EX), RUMP_EBADF);
}

TEST(flock_on_readonly_file)
{
	int f1, f2;

	rump_sys_close(mkfile("f"));
	f1 = rump_sys_open("f", RUMP_O_RDONLY, 0);
	f2 = rump_sys_open("f", RUMP_O_RDONLY, 0);
	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_EX));
	CHECK_ERR(rump_sys_flock(f2, RUMP_LOCK_SH | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
}

TEST(flock_on_directory)
{
	int d1, d2;

	CHECK_OK(rump_sys_mkdir("d", 0755));
	d1 = rump_sys_open("d", RUMP_O_RDONLY, 0);
	d2 = rump_sys_open("d", RUMP_O_RDONLY, 0);
	CHECK_OK(rump_sys_flock(d1, RUMP_LOCK_EX));
	CHECK_ERR(rump_sys_flock(d2, RUMP_LOCK_EX | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
}

TEST(flock_shared_by_dup)
{
	int f1 = mkfile("f"), f2 = open_rw("f"), d;

	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_EX));
	d = rump_sys_dup(f1);
	CHECK(d != -1);
	CHECK_OK(rump_sys_flock(d, RUMP_LOCK_EX | RUMP_LOCK_NB));
	/* unlocking through the dup unlocks the one open file */
	CHECK_OK(rump_sys_flock(d, RUMP_LOCK_UN));
	CHECK_OK(rump_sys_flock(f2, RUMP_LOCK_EX | RUMP_LOCK_NB));
}

TEST(flock_kept_until_last_close)
{
	int f1 = mkfile("f"), f2 = open_rw("f"), d;

	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_EX));
	d = rump_sys_dup(f1);
	CHECK_OK(rump_sys_close(f1));
	CHECK_ERR(rump_sys_flock(f2, RUMP_LOCK_EX | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
	CHECK_OK(rump_sys_close(d));
	CHECK_OK(rump_sys_flock(f2, RUMP_LOCK_EX | RUMP_LOCK_NB));
}

TEST(flock_survives_close_of_other_open)
{
	int f1 = mkfile("f"), f2 = open_rw("f"), f3;

	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_EX));
	CHECK_OK(rump_sys_close(f2));
	f3 = open_rw("f");
	CHECK_ERR(rump_sys_flock(f3, RUMP_LOCK_EX | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
}

TEST(flock_shared_with_forked_copy)
{
	struct lwp *a = rump_pub_lwproc_curlwp(), *b;
	int f1 = mkfile("f"), f2 = open_rw("f");

	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_EX));
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	b = rump_pub_lwproc_curlwp();
	/* the child's f1 is the same open file: the same owner */
	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_EX | RUMP_LOCK_NB));
	CHECK_ERR(rump_sys_flock(f2, RUMP_LOCK_SH | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(a);
	(void)b;
	/* the child's exit closed its copies, not the parent's */
	CHECK_ERR(rump_sys_flock(f2, RUMP_LOCK_SH | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
	CHECK_OK(rump_sys_close(f1));
	CHECK_OK(rump_sys_flock(f2, RUMP_LOCK_SH | RUMP_LOCK_NB));
}

TEST(open_exlock_excludes)
{
	int f1, f2;

	rump_sys_close(mkfile("f"));
	f1 = rump_sys_open("f", RUMP_O_RDWR | RUMP_O_EXLOCK, 0);
	CHECK(f1 != -1);
	CHECK_ERR(rump_sys_open("f", RUMP_O_RDWR | RUMP_O_EXLOCK |
	    RUMP_O_NONBLOCK, 0), RUMP_EWOULDBLOCK);
	CHECK_ERR(rump_sys_open("f", RUMP_O_RDONLY | RUMP_O_SHLOCK |
	    RUMP_O_NONBLOCK, 0), RUMP_EWOULDBLOCK);
	f2 = open_rw("f");
	CHECK_ERR(rump_sys_flock(f2, RUMP_LOCK_SH | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
	CHECK_OK(rump_sys_close(f1));
	CHECK_OK(rump_sys_flock(f2, RUMP_LOCK_EX | RUMP_LOCK_NB));
}

TEST(open_shlock_is_shared)
{
	int f1, f2;

	f1 = rump_sys_open("f", RUMP_O_RDWR | RUMP_O_CREAT | RUMP_O_SHLOCK,
	    0644);
	CHECK(f1 != -1);
	f2 = rump_sys_open("f", RUMP_O_RDONLY | RUMP_O_SHLOCK |
	    RUMP_O_NONBLOCK, 0);
	CHECK(f2 != -1);
	CHECK_ERR(rump_sys_open("f", RUMP_O_RDWR | RUMP_O_EXLOCK |
	    RUMP_O_NONBLOCK, 0), RUMP_EWOULDBLOCK);
}

TEST(flock_on_fifo_einval)
{
	int fd;

	CHECK_OK(rump_sys_mkfifo("p", 0600));
	fd = rump_sys_open("p", RUMP_O_RDWR, 0);
	CHECK(fd != -1);
	CHECK_ERR(rump_sys_flock(fd, RUMP_LOCK_EX), RUMP_EINVAL);
}

/* --- blocking ----------------------------------------------------------- */

struct fwaiter {
	struct lwp *lwp;
	int	fd, how;
	int	result;
	atomic_int done;
};

static void *
flock_thread(void *arg)
{
	struct fwaiter *w = arg;

	rump_pub_lwproc_switch(w->lwp);
	w->result = rump_sys_flock(w->fd, w->how);
	atomic_store(&w->done, 1);
	rump_pub_lwproc_switch(NULL);
	return NULL;
}

/* Run flock(fd, how) as a new lwp of this process on another thread. */
static void *
newlwp_flock_thread(void *arg)
{
	struct fwaiter *w = arg;

	if (rump_pub_lwproc_newlwp((pid_t)(intptr_t)w->lwp) != 0) {
		w->result = -2;
		atomic_store(&w->done, 1);
		return NULL;
	}
	w->result = rump_sys_flock(w->fd, w->how);
	atomic_store(&w->done, 1);
	rump_pub_lwproc_releaselwp();
	return NULL;
}

TEST(flock_waits_for_unlock)
{
	struct fwaiter w;
	pthread_t t;
	int f1 = mkfile("f"), f2 = open_rw("f");

	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_EX));
	memset(&w, 0, sizeof(w));
	w.lwp = (struct lwp *)(intptr_t)rump_sys_getpid();
	w.fd = f2;
	w.how = RUMP_LOCK_EX;
	CHECK_EQ(pthread_create(&t, NULL, newlwp_flock_thread, &w), 0);
	usleep(200 * 1000);
	CHECK_EQ(atomic_load(&w.done), 0);
	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_UN));
	pthread_join(t, NULL);
	CHECK_EQ(w.result, 0);
	CHECK_ERR(rump_sys_flock(f1, RUMP_LOCK_SH | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
}

TEST(flock_waits_for_last_close)
{
	struct fwaiter w;
	pthread_t t;
	int f1 = mkfile("f"), f2 = open_rw("f");

	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_SH));
	memset(&w, 0, sizeof(w));
	w.lwp = (struct lwp *)(intptr_t)rump_sys_getpid();
	w.fd = f2;
	w.how = RUMP_LOCK_EX;
	CHECK_EQ(pthread_create(&t, NULL, newlwp_flock_thread, &w), 0);
	usleep(100 * 1000);
	CHECK_EQ(atomic_load(&w.done), 0);
	CHECK_OK(rump_sys_close(f1));
	pthread_join(t, NULL);
	CHECK_EQ(w.result, 0);
}

TEST(flock_two_upgraders_do_not_deadlock)
{
	struct fwaiter w;
	pthread_t t;
	int f1 = mkfile("f"), f2 = open_rw("f");

	/* both hold shared locks and both ask for exclusive: the waiter
	 * gives up its shared lock, so the other upgrade goes through */
	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_SH));
	CHECK_OK(rump_sys_flock(f2, RUMP_LOCK_SH));
	memset(&w, 0, sizeof(w));
	w.lwp = (struct lwp *)(intptr_t)rump_sys_getpid();
	w.fd = f2;
	w.how = RUMP_LOCK_EX;
	CHECK_EQ(pthread_create(&t, NULL, newlwp_flock_thread, &w), 0);
	usleep(100 * 1000);
	CHECK_EQ(atomic_load(&w.done), 0);
	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_EX));
	CHECK_EQ(atomic_load(&w.done), 0);
	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_UN));
	pthread_join(t, NULL);
	CHECK_EQ(w.result, 0);
}

TEST(flock_waiter_on_other_process)
{
	struct lwp *a = rump_pub_lwproc_curlwp(), *b;
	struct fwaiter w;
	pthread_t t;
	int f1 = mkfile("f");

	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_EX));
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	b = rump_pub_lwproc_curlwp();
	memset(&w, 0, sizeof(w));
	w.lwp = b;
	w.fd = open_rw("f");
	w.how = RUMP_LOCK_SH;
	rump_pub_lwproc_switch(a);
	CHECK_EQ(pthread_create(&t, NULL, flock_thread, &w), 0);
	usleep(100 * 1000);
	CHECK_EQ(atomic_load(&w.done), 0);
	CHECK_OK(rump_sys_flock(f1, RUMP_LOCK_SH));	/* downgrade */
	pthread_join(t, NULL);
	CHECK_EQ(w.result, 0);
	rump_pub_lwproc_switch(b);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(a);
}
