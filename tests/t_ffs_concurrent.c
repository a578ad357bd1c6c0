/*
 * t_ffs_concurrent: a read-write FFS under several threads at once:
 * writers allocating blocks and inodes in one directory and in
 * directories of their own (the cg maps and summary under fm_lock),
 * readers setting access times under shared vnode locks while others
 * write other inodes of the same inode block, and directory moves.
 * Every file must read back as its writer left it, and the image must
 * be consistent after unmount.  Meant for make TSAN=1 as much as for
 * the assertions.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "t.h"
#include "t_ffs_util.h"

#define NT	4
#define NF	40
#define MNT	"/mnt"
#define KEY	"/dev/ffsconc"

static _Atomic int errors;

static void
note(bool ok, int line)
{
	if (!ok) {
		fprintf(stderr, "  thread check failed at line %d (errno %d)\n",
		    line, errno);
		errors++;
	}
}

static void
run_threads(void *(*fn)(void *))
{
	pthread_t t[NT];

	for (int i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, fn, (void *)(intptr_t)i);
	for (int i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
}

static int
write_pat(const char *path, size_t len, unsigned seed)
{
	char *buf = malloc(len + 1);
	int fd, rc = -1;

	for (size_t i = 0; i < len; i++)
		buf[i] = (char)ffs_pat(i, seed);
	fd = rump_sys_open(path, RUMP_O_CREAT | RUMP_O_WRONLY | RUMP_O_TRUNC,
	    0644);
	if (fd != -1 && rump_sys_write(fd, buf, len) == (ssize_t)len)
		rc = 0;
	if (fd != -1)
		rump_sys_close(fd);
	free(buf);
	return rc;
}

static bool
read_pat(const char *path, size_t len, unsigned seed)
{
	char *buf = malloc(len + 1);
	int fd = rump_sys_open(path, RUMP_O_RDONLY);
	bool ok = fd != -1 && rump_sys_read(fd, buf, len + 1) == (ssize_t)len;

	for (size_t i = 0; ok && i < len; i++)
		ok = (uint8_t)buf[i] == ffs_pat(i, seed);
	if (fd != -1)
		rump_sys_close(fd);
	free(buf);
	return ok;
}

static size_t
size_of(int t, int i)
{
	return (size_t)((t * 7919 + i * 104729) % 150000);
}

static void *
writer(void *arg)
{
	int t = (int)(intptr_t)arg;
	char path[128];

	note(rump_pub_lwproc_rfork(RUMP_RFCFDG) == 0, __LINE__);
	snprintf(path, sizeof(path), MNT "/own%d", t);
	note(rump_sys_mkdir(path, 0755) == 0, __LINE__);
	for (int i = 0; i < NF; i++) {
		snprintf(path, sizeof(path), MNT "/shared/t%d_%d", t, i);
		note(write_pat(path, size_of(t, i), (unsigned)(t * 100 + i)) ==
		    0, __LINE__);
		snprintf(path, sizeof(path), MNT "/own%d/f%d", t, i);
		note(write_pat(path, size_of(t, i + 1), (unsigned)i) == 0,
		    __LINE__);
		/* read someone else's file: atime under a shared lock */
		snprintf(path, sizeof(path), MNT "/shared/t%d_%d",
		    (t + 1) % NT, i / 2);
		(void)read_pat(path, size_of((t + 1) % NT, i / 2),
		    (unsigned)(((t + 1) % NT) * 100 + i / 2));
		if (i % 3 == 0) {
			snprintf(path, sizeof(path), MNT "/shared/t%d_%d", t,
			    i);
			note(rump_sys_unlink(path) == 0, __LINE__);
		}
	}
	rump_pub_lwproc_releaselwp();
	return NULL;
}

static void *
mover(void *arg)
{
	int t = (int)(intptr_t)arg;
	char a[128], b[128];

	note(rump_pub_lwproc_rfork(RUMP_RFCFDG) == 0, __LINE__);
	snprintf(a, sizeof(a), MNT "/own%d/sub", t);
	note(rump_sys_mkdir(a, 0755) == 0, __LINE__);
	for (int i = 0; i < 30; i++) {
		snprintf(a, sizeof(a), MNT "/own%d/sub", (t + i) % NT);
		snprintf(b, sizeof(b), MNT "/shared/sub%d_%d", t, i);
		/* another mover may have taken it: both outcomes are fine */
		if (rump_sys_rename(a, b) == 0)
			(void)rump_sys_rename(b, a);
	}
	rump_pub_lwproc_releaselwp();
	return NULL;
}

TEST(writers_readers_movers)
{
	char image[256], src[300], path[128];

	snprintf(image, sizeof(image), "%s/conc.img", ffs_tmpdir());
	snprintf(src, sizeof(src), "%s/conc.src", ffs_tmpdir());
	mkdir(src, 0755);
	if (ffs_makefs("-f 2000 -o version=2,bsize=8192,fsize=1024", "64m",
	    image, src) != 0 || ffs_mount_flags(image, KEY, MNT, 0) != 0) {
		t_fail(__FILE__, __LINE__, "setup: %d", errno);
		return;
	}
	CHECK_OK(rump_sys_mkdir(MNT "/shared", 0755));
	run_threads(writer);
	CHECK_EQ(errors, 0);
	run_threads(mover);
	CHECK_EQ(errors, 0);
	for (int t = 0; t < NT; t++)
		for (int i = 0; i < NF; i++) {
			snprintf(path, sizeof(path), MNT "/own%d/f%d", t, i);
			CHECK(read_pat(path, size_of(t, i + 1), (unsigned)i));
			snprintf(path, sizeof(path), MNT "/shared/t%d_%d", t, i);
			if (i % 3 != 0)
				CHECK(read_pat(path, size_of(t, i),
				    (unsigned)(t * 100 + i)));
		}
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
	unlink(image);
}
