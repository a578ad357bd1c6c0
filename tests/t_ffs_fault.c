/*
 * t_ffs_fault: FFS when the host fails underneath it (rumpuser fault
 * injection).  Every allocation of each changing operation fails in
 * turn: the call fails cleanly (an errno) or succeeds, never crashes,
 * and once everything is unmounted the image is consistent.  A device
 * that refuses writes makes fsync fail with EIO; the buffers stay
 * dirty, and once the device works again the unmount writes them and
 * marks the image clean.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "t_ffs_util.h"
#include "rumpuser/rumpuser.h"

#define MNT	"/mnt"
#define KEY	"/dev/ffsf"

static char image[256];

static bool
setup(const char *opts)
{
	char src[300], mopts[256];

	snprintf(image, sizeof(image), "%s/%s.img", ffs_tmpdir(), t_current);
	snprintf(src, sizeof(src), "%s/%s.src", ffs_tmpdir(), t_current);
	mkdir(src, 0755);
	snprintf(mopts, sizeof(mopts), "-f 2000 %s", opts);
	if (ffs_makefs(mopts, "16m", image, src) != 0 ||
	    ffs_mount_flags(image, KEY, MNT, 0) != 0) {
		t_fail(__FILE__, __LINE__, "setup: %d", errno);
		return false;
	}
	return true;
}

static int
op_create(int i)
{
	static char buf[30000];
	char p[64];
	int fd;

	snprintf(p, sizeof(p), MNT "/d/f%d", i);
	if ((fd = rump_sys_open(p, RUMP_O_CREAT | RUMP_O_RDWR, 0644)) == -1)
		return -1;
	memset(buf, 'c', sizeof(buf));
	(void)rump_sys_write(fd, buf, sizeof(buf));
	return rump_sys_close(fd);
}

static int
op_mkdir(int i)
{
	char p[64];

	snprintf(p, sizeof(p), MNT "/d/dir%d", i);
	return rump_sys_mkdir(p, 0755);
}

static int
op_symlink(int i)
{
	char p[64];

	snprintf(p, sizeof(p), MNT "/d/l%d", i);
	return rump_sys_symlink("a-long-target-that-does-not-fit-into-the-"
	    "inode-of-either-format-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	    p);
}

static int
op_rename(int i)
{
	char a[64], b[64];

	snprintf(a, sizeof(a), MNT "/d/f%d", i - 1);
	snprintf(b, sizeof(b), MNT "/e/moved%d", i);
	return rump_sys_rename(a, b);
}

static int
op_truncate(int i)
{
	char p[64];

	snprintf(p, sizeof(p), MNT "/d/f%d", i - 2);
	return rump_sys_truncate(p, 100 + i);
}

static int
op_unlink(int i)
{
	char p[64];

	snprintf(p, sizeof(p), MNT "/e/moved%d", i - 1);
	return rump_sys_unlink(p);
}

static int (*const ops[])(int) = {
	op_create, op_mkdir, op_symlink, op_rename, op_truncate, op_unlink,
};

/* Fail the allocation number `after` of each operation, for each
 * `after` until the operation runs without reaching it. */
static void
sweep(const char *opts)
{
	int step = 0, errors = 0, faults = 0;

	if (!setup(opts))
		return;
	CHECK_OK(rump_sys_mkdir(MNT "/d", 0755));
	CHECK_OK(rump_sys_mkdir(MNT "/e", 0755));
	for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
		for (unsigned long after = 0; after < 400; after++) {
			unsigned long c0 = rumpuser_fault_calls(RUMPUSER_MALLOC);
			int r;

			step++;
			rumpuser_fault_set(RUMPUSER_MALLOC, after, 1,
			    RUMP_ENOMEM);
			errno = 0;
			r = ops[o](step);
			rumpuser_fault_clear();
			if (r == -1 && errno == 0)
				errors++;
			faults++;
			if (rumpuser_fault_calls(RUMPUSER_MALLOC) - c0 <= after)
				break;	/* ran to the end without the fault */
		}
	}
	CHECK_EQ(errors, 0);
	printf("  %d operations with an allocation failing\n", faults);
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
	unlink(image);
}

TEST(allocation_failures_ufs2)
{
	sweep("-o version=2");
}

TEST(allocation_failures_ufs1_be)
{
	sweep("-o version=1,bsize=4096,fsize=512 -B be");
}

TEST(device_refuses_writes_then_recovers)
{
	static char buf[50000];
	int fd;

	if (!setup("-o version=2"))
		return;
	memset(buf, 'd', sizeof(buf));
	fd = rump_sys_open(MNT "/f", RUMP_O_CREAT | RUMP_O_RDWR, 0644);
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	rumpuser_fault_set(RUMPUSER_PWRITE, 0, 1000000, RUMP_EIO);
	CHECK_ERR(rump_sys_fsync(fd), RUMP_EIO);
	/* the sync before the unmount fails first (NetBSD's order) */
	CHECK_ERR(rump_sys_unmount(MNT, 0), RUMP_EIO);
	rumpuser_fault_clear();
	CHECK_OK(rump_sys_fsync(fd));
	rump_sys_close(fd);
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
	unlink(image);
}

TEST(unmount_fails_while_the_device_refuses)
{
	int fd;

	if (!setup("-o version=1"))
		return;
	fd = rump_sys_open(MNT "/f", RUMP_O_CREAT | RUMP_O_RDWR, 0644);
	CHECK_EQ(rump_sys_write(fd, "data", 4), 4);
	rump_sys_close(fd);
	rumpuser_fault_set(RUMPUSER_PWRITE, 0, 1000000, RUMP_EIO);
	CHECK_ERR(rump_sys_unmount(MNT, 0), RUMP_EIO);
	rumpuser_fault_clear();
	/* still mounted and working */
	CHECK_EQ(t_read_file(MNT "/f", (char[8]){ 0 }, 8), 4);
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
	unlink(image);
}
