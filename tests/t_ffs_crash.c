/*
 * t_ffs_crash: what survives the end of a kernel that has an FFS
 * mounted read-write.  Each kernel runs in a child process (the
 * parent has none): one is killed with SIGKILL after an fsync, and
 * everything written before the fsync must read back from the image
 * afterwards (in another kernel, read-only: the image is not clean)
 * while rump.fsck_ffs can still check it; one halts with reboot(2),
 * and the halt's unmount must leave the image clean and consistent.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"
#include "t_ffs_util.h"

int t_no_kernel = 1;

#define MNT	"/mnt"
#define KEY	"/dev/ffsc"
#define SYNCED	300000
#define INNER	5000

static char image[256];

static bool
file_is(const char *path, size_t len, unsigned seed)
{
	char *buf = malloc(len + 1);
	long n = t_read_file(path, buf, len + 1);
	bool ok = n == (long)len;

	for (size_t i = 0; ok && i < len; i++)
		ok = (uint8_t)buf[i] == ffs_pat(i, seed);
	free(buf);
	return ok;
}

static void
boot_and_mount(int flags)
{
	if (rump_init() != 0)
		_exit(1);
	if (ffs_mount_flags(image, KEY, MNT, flags) != 0)
		_exit(2);
}

/* Write, fsync, write more without fsync, and die. */
static void
write_fsync_kill(void)
{
	boot_and_mount(0);
	if (ffs_write_file(MNT "/synced", SYNCED, 1, true) != 0)
		_exit(3);
	if (rump_sys_mkdir(MNT "/dir", 0755) != 0 ||
	    ffs_write_file(MNT "/dir/inner", INNER, 2, true) != 0)
		_exit(4);
	if (ffs_write_file(MNT "/unsynced", 100000, 3, false) != 0)
		_exit(5);
	kill(getpid(), SIGKILL);
}

static void
verify_read_only(void)
{
	boot_and_mount(RUMP_MNT_RDONLY);
	if (!file_is(MNT "/synced", SYNCED, 1))
		_exit(10);
	if (!file_is(MNT "/dir/inner", INNER, 2))
		_exit(11);
	_exit(0);
}

static bool
make_image(const char *opts)
{
	char src[300], mopts[256];

	snprintf(image, sizeof(image), "%s/%s.img", ffs_tmpdir(), t_current);
	snprintf(src, sizeof(src), "%s/%s.src", ffs_tmpdir(), t_current);
	mkdir(src, 0755);
	snprintf(mopts, sizeof(mopts), "-f 500 %s", opts);
	return ffs_makefs(mopts, "16m", image, src) == 0;
}

/* rump.fsck_ffs -n's exit status (0 when the checker is missing). */
static int
fsck_status(void)
{
	const char *fsck = ffs_fsck_path();
	char cmd[2400];
	int rc;

	if (fsck == NULL)
		return 0;
	snprintf(cmd, sizeof(cmd), "env -u RUMP_SERVER '%s' -n '%s' "
	    ">/dev/null 2>&1", fsck, image);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void
check_kill(const char *opts)
{
	struct ffs_imgcheck ic;
	int rc;

	if (!make_image(opts)) {
		t_fail(__FILE__, __LINE__, "makefs");
		return;
	}
	CHECK_EQ(ffs_child(write_fsync_kill), 128 + SIGKILL);
	(void)ffs_image_check(image, &ic);
	CHECK_EQ(ic.clean, 2);		/* not clean: fsck must run */
	rc = fsck_status();
	CHECK(rc == 0 || rc == 2);	/* checkable, at worst repairable */
	CHECK_EQ(ffs_child(verify_read_only), 0);
	unlink(image);
}

TEST(fsync_survives_sigkill_ufs2)
{
	check_kill("-o version=2");
}

TEST(fsync_survives_sigkill_ufs1_be)
{
	check_kill("-o version=1,bsize=4096,fsize=512 -B be");
}

static void
write_and_halt(void)
{
	boot_and_mount(0);
	if (ffs_write_file(MNT "/synced", SYNCED, 1, false) != 0 ||
	    rump_sys_mkdir(MNT "/dir", 0755) != 0 ||
	    ffs_write_file(MNT "/dir/inner", INNER, 2, false) != 0)
		_exit(3);
	/* an unlinked file still open: the halt frees it */
	if (rump_sys_open(MNT "/synced", RUMP_O_RDONLY) == -1 ||
	    ffs_write_file(MNT "/gone", 70000, 4, false) != 0 ||
	    rump_sys_open(MNT "/gone", RUMP_O_RDONLY) == -1 ||
	    rump_sys_unlink(MNT "/gone") != 0)
		_exit(4);
	rump_sys_reboot(0, NULL);
	_exit(5);
}

TEST(halt_leaves_image_clean)
{
	if (!make_image("-o version=2 -B be")) {
		t_fail(__FILE__, __LINE__, "makefs");
		return;
	}
	CHECK_EQ(ffs_child(write_and_halt), 0);
	CHECK_EQ(ffs_image_ok(image), 0);
	CHECK_EQ(ffs_child(verify_read_only), 0);
	unlink(image);
}
