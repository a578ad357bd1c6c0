/*
 * t_tmpfs_concurrent.c: tmpfs under several threads at once: shared
 * readers (atime under a shared lock), listing while entries come and
 * go, directory moves, writers racing for the last free pages.  Meant
 * for make TSAN=1 as much as for the assertions.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "t.h"

#define NT	6

static char base[512];
static _Atomic int errors;
static _Atomic bool stop;

static void
note(bool ok)
{
	if (!ok)
		errors++;
}

/* Each thread is a process of its own whose cwd is the test's mount. */
static void
thread_enter(void)
{
	note(rump_pub_lwproc_rfork(RUMP_RFCFDG) == 0);
	note(rump_sys_chdir(base) == 0);
}

static void
thread_leave(void)
{
	rump_pub_lwproc_releaselwp();
}

static void
run_threads(void *(*fn)(void *), int n)
{
	pthread_t t[16];
	int i;

	errors = 0;
	stop = false;
	for (i = 0; i < n; i++)
		pthread_create(&t[i], NULL, fn, (void *)(intptr_t)i);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

/* Mount a tmpfs at "mnt" (size limit optional) and remember its path. */
static int
setup(int64_t size)
{
	struct rump_tmpfs_args ta;

	memset(&ta, 0, sizeof(ta));
	ta.ta_version = RUMP_TMPFS_ARGS_VERSION;
	ta.ta_root_mode = 0777;
	ta.ta_size_max = size;
	rump_sys_mkdir("mnt", 0777);
	if (rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", 0, &ta, sizeof(ta)) == -1)
		return -1;
	if (rump_sys___getcwd(base, sizeof(base) - 8) <= 0)
		return -1;
	strcat(base, "/mnt");
	return 0;
}

struct drec {
	uint64_t d_fileno;
	uint16_t d_reclen;
	uint16_t d_namlen;
	uint8_t	d_type;
	char	d_name[];
};

/* --- readers of one file ---------------------------------------------------- */

static void *
reader(void *arg)
{
	char buf[8192];
	struct rump_stat st;
	int fd, i;

	(void)arg;
	thread_enter();
	fd = rump_sys_open("shared", RUMP_O_RDONLY, 0);
	note(fd >= 0);
	for (i = 0; i < 400; i++) {
		note(rump_sys_pread(fd, buf, sizeof(buf), 0) == 8192);
		note(buf[0] == 's' && buf[8191] == 's');
		note(rump_sys_fstat(fd, (struct stat *)(void *)&st) == 0);
	}
	rump_sys_close(fd);
	thread_leave();
	return NULL;
}

TEST(concurrent_readers_of_one_file)
{
	char buf[8192];

	CHECK_OK(setup(0));
	memset(buf, 's', sizeof(buf));
	CHECK_OK(t_write_file("mnt/shared", buf, sizeof(buf)));
	run_threads(reader, NT);
	CHECK_EQ(errors, 0);
}

/* --- listing while entries come and go ------------------------------------- */

static void *
churner(void *arg)
{
	int id = (int)(intptr_t)arg, i;
	char name[64];

	thread_enter();
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "d/c%d-%d", id, i);
		note(t_write_file(name, "", 0) == 0);
		if (i >= 10) {
			snprintf(name, sizeof(name), "d/c%d-%d", id, i - 10);
			note(rump_sys_unlink(name) == 0);
		}
	}
	thread_leave();
	return NULL;
}

/* One pass over the directory never shows a name twice. */
static void
list_once(void)
{
	static _Thread_local char names[4096][24];
	uint64_t buf[64];
	int fd, n = 0, i;
	long got, off;

	fd = rump_sys_open("d", RUMP_O_RDONLY, 0);
	note(fd >= 0);
	while ((got = rump_sys_getdents(fd, (char *)buf, sizeof(buf))) > 0)
		for (off = 0; off < got; ) {
			const struct drec *d = (const void *)
			    ((char *)buf + off);

			for (i = 0; i < n; i++)
				note(strcmp(names[i], d->d_name) != 0);
			if (n < 4096)
				snprintf(names[n++], sizeof(names[0]), "%s",
				    d->d_name);
			off += d->d_reclen;
		}
	note(got == 0);
	rump_sys_close(fd);
}

static void *
lister_or_churner(void *arg)
{
	int id = (int)(intptr_t)arg, i;

	if (id % 2 == 0)
		return churner(arg);
	thread_enter();
	for (i = 0; i < 30; i++)
		list_once();
	thread_leave();
	return NULL;
}

TEST(concurrent_listing_and_churn)
{
	CHECK_OK(setup(0));
	CHECK_OK(rump_sys_mkdir("mnt/d", 0777));
	run_threads(lister_or_churner, NT);
	CHECK_EQ(errors, 0);
}

/* --- directory moves --------------------------------------------------------- */

static void *
mover(void *arg)
{
	int id = (int)(intptr_t)arg, i;
	char a[64], b[64];

	thread_enter();
	for (i = 0; i < 200; i++) {
		snprintf(a, sizeof(a), "%s/m%d", i % 2 ? "q" : "p", id);
		snprintf(b, sizeof(b), "%s/m%d", i % 2 ? "p" : "q", id);
		note(rump_sys_rename(a, b) == 0);
	}
	thread_leave();
	return NULL;
}

TEST(concurrent_directory_moves)
{
	struct rump_stat p, q;
	char name[64];
	int i;

	CHECK_OK(setup(0));
	CHECK_OK(rump_sys_mkdir("mnt/p", 0777));
	CHECK_OK(rump_sys_mkdir("mnt/q", 0777));
	for (i = 0; i < NT; i++) {
		snprintf(name, sizeof(name), "mnt/p/m%d", i);
		CHECK_OK(rump_sys_mkdir(name, 0777));
	}
	run_threads(mover, NT);
	CHECK_EQ(errors, 0);
	CHECK_OK(rump_sys_stat("mnt/p", (struct stat *)(void *)&p));
	CHECK_OK(rump_sys_stat("mnt/q", (struct stat *)(void *)&q));
	CHECK_EQ(p.st_nlink + q.st_nlink, 4 + NT);
	CHECK_EQ(p.st_nlink, 2 + NT);	/* 200 moves: each is back in p */
}

/* --- writers racing for space -------------------------------------------------- */

static _Atomic long long written;

static void *
filler(void *arg)
{
	int id = (int)(intptr_t)arg, fd;
	char name[32], buf[4096];
	ssize_t n;

	thread_enter();
	memset(buf, 'w', sizeof(buf));
	snprintf(name, sizeof(name), "w%d", id);
	fd = rump_sys_open(name, RUMP_O_WRONLY | RUMP_O_CREAT, 0644);
	note(fd >= 0);
	while ((n = rump_sys_write(fd, buf, sizeof(buf))) > 0)
		written += n;
	note(n == -1 && errno == RUMP_ENOSPC);
	rump_sys_close(fd);
	thread_leave();
	return NULL;
}

TEST(concurrent_writers_share_the_limit)
{
	struct rump_statvfs a, b;
	char name[32];
	int i;

	CHECK_OK(setup(1024 * 1024));
	CHECK_OK(rump_sys_statvfs1("mnt", (struct statvfs *)(void *)&a,
	    RUMP_ST_WAIT));
	written = 0;
	run_threads(filler, NT);
	CHECK_EQ(errors, 0);
	CHECK(written <= 1024 * 1024);
	CHECK(written >= 1024 * 1024 - 8 * 4096);
	for (i = 0; i < NT; i++) {
		snprintf(name, sizeof(name), "mnt/w%d", i);
		CHECK_OK(rump_sys_unlink(name));
	}
	CHECK_OK(rump_sys_statvfs1("mnt", (struct statvfs *)(void *)&b,
	    RUMP_ST_WAIT));
	CHECK_EQ(a.f_bfree, b.f_bfree);
	CHECK_EQ(a.f_ffree, b.f_ffree);
}

/* --- truncation against reads ------------------------------------------------- */

static void *
truncator_or_reader(void *arg)
{
	int id = (int)(intptr_t)arg, fd, i;
	char buf[3 * 4096];
	ssize_t n;

	thread_enter();
	fd = rump_sys_open("t", RUMP_O_RDWR, 0);
	note(fd >= 0);
	for (i = 0; i < 300; i++) {
		if (id == 0) {
			memset(buf, 'd', sizeof(buf));
			note(rump_sys_ftruncate(fd, (i * 977) % sizeof(buf)) ==
			    0);
			note(rump_sys_pwrite(fd, buf, sizeof(buf), 0) ==
			    sizeof(buf));
		} else {
			n = rump_sys_pread(fd, buf, sizeof(buf), 0);
			note(n >= 0);
			/* every byte read is data or a zero from a hole */
			for (ssize_t j = 0; j < n; j++)
				if (buf[j] != 'd' && buf[j] != 0) {
					note(false);
					break;
				}
		}
	}
	rump_sys_close(fd);
	thread_leave();
	return NULL;
}

TEST(concurrent_truncate_and_read)
{
	CHECK_OK(setup(0));
	CHECK_OK(t_write_file("mnt/t", "", 0));
	run_threads(truncator_or_reader, 4);
	CHECK_EQ(errors, 0);
}
