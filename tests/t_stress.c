/*
 * t_stress: many threads in many processes doing mixed operations on
 * shared and private files at once.  Run under ThreadSanitizer in CI
 * (make TSAN=1 test) to show the kernel has no data races; the
 * assertions check that nothing was lost.
 */
#include <pthread.h>
#include <stdlib.h>

#include "t.h"

#define NTHREADS	8
#define ROUNDS		300
#define CHUNK		64

static char base[256];
static _Atomic int errors;

static void
note(int cond)
{
	if (!cond)
		errors++;
}

static void *
worker(void *arg)
{
	int id = (int)(intptr_t)arg, i, fd, shared;
	char path[512], to[512], buf[CHUNK], rbuf[CHUNK];
	struct rump_stat st;

	note(rump_pub_lwproc_rfork(RUMP_RFCFDG) == 0);
	note(rump_sys_chdir(base) == 0);
	snprintf(path, sizeof(path), "priv%d", id);
	note(rump_sys_mkdir(path, 0755) == 0);
	shared = rump_sys_open("shared", RUMP_O_WRONLY | RUMP_O_APPEND, 0);
	note(shared >= 0);
	memset(buf, 'a' + id, sizeof(buf));
	for (i = 0; i < ROUNDS; i++) {
		/* private file: write, read back, rename, unlink */
		snprintf(path, sizeof(path), "priv%d/f%d", id, i);
		fd = rump_sys_open(path, RUMP_O_CREAT | RUMP_O_RDWR, 0644);
		note(fd >= 0);
		note(rump_sys_write(fd, buf, CHUNK) == CHUNK);
		note(rump_sys_pread(fd, rbuf, CHUNK, 0) == CHUNK);
		note(memcmp(buf, rbuf, CHUNK) == 0);
		note(rump_sys_fstat(fd, (struct stat *)&st) == 0 &&
		    st.st_size == CHUNK);
		rump_sys_close(fd);
		/* shared directory: create, rename, list, remove */
		snprintf(path, sizeof(path), "common/t%d-%d", id, i);
		snprintf(to, sizeof(to), "common/r%d-%d", id, i);
		fd = rump_sys_open(path, RUMP_O_CREAT | RUMP_O_WRONLY, 0644);
		note(fd >= 0);
		rump_sys_close(fd);
		note(rump_sys_rename(path, to) == 0);
		if (i % 16 == 0) {
			char dbuf[4096];
			int dfd = rump_sys_open("common", RUMP_O_RDONLY, 0);

			note(dfd >= 0);
			while (rump_sys_getdents(dfd, dbuf, sizeof(dbuf)) > 0)
				continue;
			rump_sys_close(dfd);
		}
		note(rump_sys_unlink(to) == 0);
		/* shared file: appends must never interleave or vanish */
		note(rump_sys_write(shared, buf, CHUNK) == CHUNK);
		snprintf(path, sizeof(path), "priv%d/f%d", id, i);
		note(rump_sys_unlink(path) == 0);
	}
	rump_sys_close(shared);
	snprintf(path, sizeof(path), "priv%d", id);
	note(rump_sys_rmdir(path) == 0);
	rump_pub_lwproc_releaselwp();
	return NULL;
}

static void
run(const char *dir)
{
	pthread_t t[NTHREADS];
	struct rump_stat st;
	char buf[CHUNK];
	int i, fd, counts[NTHREADS] = { 0 };
	ssize_t n;

	CHECK(rump_sys___getcwd(base, sizeof(base)) > 0);
	strncat(base, "/", sizeof(base) - strlen(base) - 1);
	strncat(base, dir, sizeof(base) - strlen(base) - 1);
	CHECK_OK(rump_sys_chdir(dir));
	CHECK_OK(rump_sys_mkdir("common", 0777));
	CHECK(t_write_file("shared", "", 0) == 0);
	errors = 0;
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(errors, 0);
	CHECK_OK(rump_sys_stat("shared", (struct stat *)&st));
	CHECK_EQ(st.st_size, (long long)NTHREADS * ROUNDS * CHUNK);
	/* every append landed whole: each chunk is one writer's letter */
	fd = rump_sys_open("shared", RUMP_O_RDONLY, 0);
	CHECK(fd >= 0);
	while ((n = rump_sys_read(fd, buf, CHUNK)) == CHUNK) {
		int w = buf[0] - 'a';

		CHECK(w >= 0 && w < NTHREADS);
		if (w < 0 || w >= NTHREADS)
			break;
		CHECK(memchr(buf, buf[0] ^ 1, CHUNK) == NULL);
		counts[w]++;
	}
	rump_sys_close(fd);
	for (i = 0; i < NTHREADS; i++)
		CHECK_EQ(counts[i], ROUNDS);
}

TEST(stress_rootfs)
{
	CHECK_OK(rump_sys_mkdir("d", 0777));
	run("d");
}

TEST(stress_tmpfs)
{
	CHECK_OK(t_mount_tmpfs("mnt"));
	run("mnt");
}
