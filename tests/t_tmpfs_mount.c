/*
 * t_tmpfs_mount.c: tmpfs mount arguments, MNT_GETARGS, MNT_UPDATE,
 * statvfs, the size and node limits, unmount.
 */
#include <stdlib.h>

#include "t.h"

#define KIB	1024LL
#define MIB	(1024 * KIB)

static void
args_init(struct rump_tmpfs_args *ta)
{
	memset(ta, 0, sizeof(*ta));
	ta->ta_version = RUMP_TMPFS_ARGS_VERSION;
	ta->ta_root_mode = 0777;
}

static int
mount_args(const char *path, int flags, struct rump_tmpfs_args *ta)
{
	rump_sys_mkdir(path, 0777);
	return rump_sys_mount(RUMP_MOUNT_TMPFS, path, flags, ta, sizeof(*ta));
}

/* A tmpfs at "mnt" holding at most size bytes and nodes files. */
static int
mount_limited(int64_t size, uint64_t nodes)
{
	struct rump_tmpfs_args ta;

	args_init(&ta);
	ta.ta_size_max = size;
	ta.ta_nodes_max = nodes;
	return mount_args("mnt", 0, &ta);
}

static int
xstat(const char *path, struct rump_stat *st)
{
	memset(st, 0, sizeof(*st));
	return rump_sys_stat(path, (struct stat *)(void *)st);
}

static int
xstatvfs(const char *path, struct rump_statvfs *sv)
{
	memset(sv, 0, sizeof(*sv));
	return rump_sys_statvfs1(path, (struct statvfs *)(void *)sv,
	    RUMP_ST_WAIT);
}

static int
getargs(const char *path, struct rump_tmpfs_args *ta)
{
	memset(ta, 0, sizeof(*ta));
	ta->ta_version = RUMP_TMPFS_ARGS_VERSION;
	return rump_sys_mount(RUMP_MOUNT_TMPFS, path, RUMP_MNT_GETARGS, ta,
	    sizeof(*ta));
}

/* --- arguments ------------------------------------------------------------ */

TEST(mount_without_args_is_einval)
{
	CHECK_OK(rump_sys_mkdir("mnt", 0777));
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", 0, NULL, 0),
	    RUMP_EINVAL);
}

TEST(mount_short_args_is_einval)
{
	struct rump_tmpfs_args ta;

	args_init(&ta);
	CHECK_OK(rump_sys_mkdir("mnt", 0777));
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", 0, &ta, 39),
	    RUMP_EINVAL);
}

TEST(mount_bad_version_is_einval)
{
	struct rump_tmpfs_args ta;

	args_init(&ta);
	ta.ta_version = 2;
	CHECK_ERR(mount_args("mnt", 0, &ta), RUMP_EINVAL);
}

TEST(mount_vnoval_owner_is_einval)
{
	struct rump_tmpfs_args ta;

	args_init(&ta);
	ta.ta_root_uid = 0xffffffff;
	CHECK_ERR(mount_args("mnt", 0, &ta), RUMP_EINVAL);
	args_init(&ta);
	ta.ta_root_gid = 0xffffffff;
	CHECK_ERR(mount_args("mnt", 0, &ta), RUMP_EINVAL);
}

TEST(root_takes_mode_and_owner)
{
	struct rump_tmpfs_args ta;
	struct rump_stat st;

	args_init(&ta);
	ta.ta_root_uid = 100;
	ta.ta_root_gid = 200;
	ta.ta_root_mode = 0170750;	/* type bits are ignored */
	CHECK_OK(mount_args("mnt", 0, &ta));
	CHECK_OK(xstat("mnt", &st));
	CHECK(RUMP_S_ISDIR(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 0750);
	CHECK_EQ(st.st_uid, 100);
	CHECK_EQ(st.st_gid, 200);
	CHECK_EQ(st.st_nlink, 2);
}

TEST(getargs_round_trip)
{
	struct rump_tmpfs_args ta;

	args_init(&ta);
	ta.ta_size_max = 1 * MIB;
	ta.ta_nodes_max = 77;
	ta.ta_root_uid = 5;
	ta.ta_root_gid = 6;
	ta.ta_root_mode = 01755;
	CHECK_OK(mount_args("mnt", 0, &ta));
	CHECK_OK(getargs("mnt", &ta));
	CHECK_EQ(ta.ta_version, 1);
	CHECK_EQ(ta.ta_size_max, 1 * MIB);
	CHECK_EQ(ta.ta_nodes_max, 77);
	CHECK_EQ(ta.ta_root_uid, 5);
	CHECK_EQ(ta.ta_root_gid, 6);
	CHECK_EQ(ta.ta_root_mode, 01755);
}

TEST(getargs_defaults)
{
	struct rump_tmpfs_args ta;

	args_init(&ta);
	ta.ta_size_max = 1 * MIB;
	CHECK_OK(mount_args("mnt", 0, &ta));
	CHECK_OK(getargs("mnt", &ta));
	CHECK_EQ(ta.ta_nodes_max, 3 + MIB / 1024);
	CHECK_OK(rump_sys_unmount("mnt", 0));
	args_init(&ta);
	CHECK_OK(mount_args("mnt", 0, &ta));
	CHECK_OK(getargs("mnt", &ta));
	CHECK_EQ(ta.ta_nodes_max, 0x7fffffff);
	CHECK(ta.ta_size_max < 4096);		/* no limit */
}

TEST(size_is_rounded_to_pages)
{
	struct rump_tmpfs_args ta;
	struct rump_statvfs sv;

	CHECK_OK(mount_limited(100 * KIB + 1, 0));
	CHECK_OK(getargs("mnt", &ta));
	CHECK_EQ(ta.ta_size_max % 4096, 0);
	CHECK(ta.ta_size_max >= 100 * KIB + 1);
	CHECK_OK(xstatvfs("mnt", &sv));
	CHECK_EQ(sv.f_blocks, ta.ta_size_max / 4096);
}

/* --- statvfs ------------------------------------------------------------- */

TEST(statvfs_identifies_tmpfs)
{
	struct rump_statvfs sv;
	struct rump_stat st;

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(xstatvfs("mnt", &sv));
	CHECK_STR(sv.f_fstypename, "tmpfs");
	CHECK_EQ(sv.f_bsize, 4096);
	CHECK_EQ(sv.f_frsize, 4096);
	CHECK_EQ(sv.f_iosize, 4096);
	CHECK_EQ(sv.f_namemax, 511);
	CHECK(sv.f_blocks > 0);
	CHECK(sv.f_bfree <= sv.f_blocks);
	CHECK(sv.f_files > 0);
	CHECK(sv.f_ffree < sv.f_files);		/* the root is a node */
	CHECK_OK(xstat("mnt", &st));
	CHECK_EQ(sv.f_fsid, st.st_dev);
}

TEST(statvfs_counts_follow_usage)
{
	struct rump_statvfs a, b, c;
	char *buf = calloc(1, 256 * KIB);

	CHECK_OK(mount_limited(4 * MIB, 100));
	CHECK_OK(xstatvfs("mnt", &a));
	CHECK_EQ(a.f_blocks, 1024);
	CHECK_EQ(a.f_files, 100);
	CHECK_EQ(a.f_ffree, 99);
	CHECK_OK(t_write_file("mnt/f", buf, 256 * KIB));
	CHECK_OK(xstatvfs("mnt", &b));
	CHECK(a.f_bfree - b.f_bfree >= 64);
	CHECK(a.f_bfree - b.f_bfree <= 66);
	CHECK_EQ(b.f_bavail, b.f_bfree);
	CHECK_EQ(b.f_ffree, 98);
	CHECK_OK(rump_sys_unlink("mnt/f"));
	CHECK_OK(xstatvfs("mnt", &c));
	CHECK_EQ(c.f_bfree, a.f_bfree);
	CHECK_EQ(c.f_ffree, 99);
	free(buf);
}

TEST(statvfs_sparse_file_costs_little)
{
	struct rump_statvfs a, b;
	int fd;

	CHECK_OK(mount_limited(4 * MIB, 0));
	CHECK_OK(xstatvfs("mnt", &a));
	CHECK_OK(fd = rump_sys_open("mnt/s", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_EQ(rump_sys_pwrite(fd, "x", 1, 100 * MIB), 1);
	CHECK_OK(rump_sys_close(fd));
	CHECK_OK(xstatvfs("mnt", &b));
	CHECK(a.f_bfree - b.f_bfree <= 2);
}

/* --- limits --------------------------------------------------------------- */

TEST(size_limit_write_is_enospc)
{
	char *buf = calloc(1, 100 * KIB);
	struct rump_stat st;
	int fd;

	CHECK_OK(mount_limited(64 * KIB, 0));
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_ERR(rump_sys_write(fd, buf, 100 * KIB), RUMP_ENOSPC);
	CHECK_EQ(rump_sys_write(fd, buf, 32 * KIB), 32 * KIB);
	CHECK_OK(rump_sys_close(fd));
	CHECK_OK(xstat("mnt/f", &st));
	CHECK_EQ(st.st_size, 32 * KIB);
	free(buf);
}

TEST(file_larger_than_limit_fails_cleanly)
{
	char *buf = calloc(1, 2 * MIB);
	struct rump_statvfs a, b;
	struct rump_stat st;
	int fd;

	CHECK_OK(mount_limited(1 * MIB, 0));
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_OK(xstatvfs("mnt", &a));
	CHECK_ERR(rump_sys_write(fd, buf, 2 * MIB), RUMP_ENOSPC);
	CHECK_OK(xstatvfs("mnt", &b));
	CHECK_EQ(b.f_bfree, a.f_bfree);
	CHECK_OK(xstat("mnt/f", &st));
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(st.st_blocks, 0);
	CHECK_OK(rump_sys_close(fd));
	/* and the file system still works */
	CHECK_OK(t_write_file("mnt/g", "fine", 4));
	free(buf);
}

TEST(size_limit_fill_then_free)
{
	char buf[4096];
	int fd, pages = 0, again = 0;

	memset(buf, 'f', sizeof(buf));
	CHECK_OK(mount_limited(256 * KIB, 0));
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_WRONLY | RUMP_O_CREAT,
	    0644));
	while (pages < 100 && rump_sys_write(fd, buf, sizeof(buf)) ==
	    sizeof(buf))
		pages++;
	CHECK_EQ(errno, RUMP_ENOSPC);
	CHECK(pages >= 60 && pages < 64);
	CHECK_OK(rump_sys_close(fd));
	CHECK_ERR(t_write_file("mnt/g", buf, sizeof(buf)), RUMP_ENOSPC);
	CHECK_OK(rump_sys_unlink("mnt/f"));
	CHECK_OK(rump_sys_unlink("mnt/g"));
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_WRONLY | RUMP_O_CREAT,
	    0644));
	while (again < 100 && rump_sys_write(fd, buf, sizeof(buf)) ==
	    sizeof(buf))
		again++;
	CHECK_EQ(again, pages);
	CHECK_OK(rump_sys_close(fd));
}

TEST(size_limit_overwrite_needs_no_space)
{
	char buf[16 * 4096];
	int fd;

	memset(buf, 'o', sizeof(buf));
	CHECK_OK(mount_limited(80 * KIB, 0));
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), sizeof(buf));
	/* Rewriting pages already there takes no more room. */
	CHECK_EQ(rump_sys_pwrite(fd, buf, sizeof(buf), 0), sizeof(buf));
	CHECK_OK(rump_sys_close(fd));
}

TEST(truncate_frees_space)
{
	char buf[32 * 4096];
	struct rump_statvfs a, b;
	int fd;

	memset(buf, 't', sizeof(buf));
	CHECK_OK(mount_limited(1 * MIB, 0));
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_OK(xstatvfs("mnt", &a));
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), sizeof(buf));
	CHECK_OK(rump_sys_ftruncate(fd, 4096 + 1));
	CHECK_OK(xstatvfs("mnt", &b));
	CHECK_EQ(a.f_bfree - b.f_bfree, 2);
	CHECK_OK(rump_sys_ftruncate(fd, 0));
	CHECK_OK(xstatvfs("mnt", &b));
	CHECK_EQ(a.f_bfree, b.f_bfree);
	CHECK_OK(rump_sys_close(fd));
}

TEST(node_limit_is_enospc)
{
	char name[32];
	int i, made = 0;

	CHECK_OK(mount_limited(0, 10));
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "mnt/n%d", i);
		if (t_write_file(name, "", 0) == -1) {
			CHECK_EQ(errno, RUMP_ENOSPC);
			break;
		}
		made++;
	}
	CHECK_EQ(made, 9);		/* the root is the tenth */
	CHECK_ERR(rump_sys_mkdir("mnt/dir", 0755), RUMP_ENOSPC);
	CHECK_ERR(rump_sys_symlink("x", "mnt/sym"), RUMP_ENOSPC);
	CHECK_ERR(rump_sys_mkfifo("mnt/fifo", 0600), RUMP_ENOSPC);
	/* hard links are not nodes */
	CHECK_OK(rump_sys_link("mnt/n0", "mnt/link"));
	CHECK_OK(rump_sys_unlink("mnt/n1"));
	CHECK_OK(rump_sys_mkdir("mnt/dir", 0755));
}

TEST(update_changes_limits)
{
	struct rump_tmpfs_args ta;

	CHECK_OK(mount_limited(1 * MIB, 50));
	CHECK_OK(t_write_file("mnt/a", "", 0));
	args_init(&ta);
	ta.ta_size_max = 2 * MIB;
	ta.ta_nodes_max = 60;
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", RUMP_MNT_UPDATE,
	    &ta, sizeof(ta)));
	CHECK_OK(getargs("mnt", &ta));
	CHECK_EQ(ta.ta_size_max, 2 * MIB);
	CHECK_EQ(ta.ta_nodes_max, 60);
	/* fewer nodes than exist: refused */
	args_init(&ta);
	ta.ta_nodes_max = 4;
	CHECK_OK(t_write_file("mnt/b", "", 0));
	CHECK_OK(t_write_file("mnt/c", "", 0));
	CHECK_OK(t_write_file("mnt/d", "", 0));
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", RUMP_MNT_UPDATE,
	    &ta, sizeof(ta)), RUMP_EBUSY);
}

TEST(update_to_read_only_and_back)
{
	struct rump_tmpfs_args ta;
	struct rump_statvfs sv;

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(t_write_file("mnt/f", "x", 1));
	args_init(&ta);
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt",
	    RUMP_MNT_UPDATE | RUMP_MNT_RDONLY, &ta, sizeof(ta)));
	CHECK_OK(xstatvfs("mnt", &sv));
	CHECK(sv.f_flag & RUMP_MNT_RDONLY);
	CHECK_ERR(t_write_file("mnt/g", "x", 1), RUMP_EROFS);
	CHECK_ERR(rump_sys_unlink("mnt/f"), RUMP_EROFS);
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", RUMP_MNT_UPDATE,
	    &ta, sizeof(ta)));
	CHECK_OK(t_write_file("mnt/g", "x", 1));
}

/* --- unmount --------------------------------------------------------------- */

TEST(unmount_busy_then_free)
{
	struct rump_stat st;
	int fd;

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_OK(t_write_file("mnt/d/f", "x", 1));
	CHECK_OK(fd = rump_sys_open("mnt/d/f", RUMP_O_RDONLY, 0));
	CHECK_ERR(rump_sys_unmount("mnt", 0), RUMP_EBUSY);
	CHECK_OK(rump_sys_close(fd));
	CHECK_OK(rump_sys_unmount("mnt", 0));
	CHECK_ERR(xstat("mnt/d", &st), RUMP_ENOENT);
}

TEST(forced_unmount_with_open_files)
{
	char buf[4];
	int fd, gone;

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(t_write_file("mnt/f", "x", 1));
	CHECK_OK(t_write_file("mnt/u", "y", 1));
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_RDONLY, 0));
	CHECK_OK(gone = rump_sys_open("mnt/u", RUMP_O_RDONLY, 0));
	CHECK_OK(rump_sys_unlink("mnt/u"));
	CHECK_OK(rump_sys_unmount("mnt", RUMP_MNT_FORCE));
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), -1);
	CHECK_OK(rump_sys_close(fd));
	CHECK_OK(rump_sys_close(gone));
}

TEST(mount_unmount_repeatedly)
{
	char name[32];
	int round, i;

	for (round = 0; round < 30; round++) {
		CHECK_OK(t_mount_tmpfs("mnt"));
		for (i = 0; i < 20; i++) {
			snprintf(name, sizeof(name), "mnt/f%d", i);
			CHECK_OK(t_write_file(name, name, strlen(name)));
		}
		CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
		CHECK_OK(rump_sys_symlink("f1", "mnt/d/l"));
		CHECK_OK(rump_sys_unmount("mnt", 0));
	}
}

TEST(two_mounts_are_independent)
{
	struct rump_stat a, b;

	CHECK_OK(t_mount_tmpfs("m1"));
	CHECK_OK(t_mount_tmpfs("m2"));
	CHECK_OK(t_write_file("m1/f", "1", 1));
	CHECK_ERR(xstat("m2/f", &a), RUMP_ENOENT);
	CHECK_OK(t_write_file("m2/f", "22", 2));
	CHECK_OK(xstat("m1/f", &a));
	CHECK_OK(xstat("m2/f", &b));
	CHECK(a.st_dev != b.st_dev);
	CHECK_EQ(a.st_size, 1);
	CHECK_EQ(b.st_size, 2);
}

TEST(tmpfs_on_tmpfs)
{
	struct rump_stat st;

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(t_mount_tmpfs("mnt/inner"));
	CHECK_OK(t_write_file("mnt/inner/f", "x", 1));
	CHECK_ERR(rump_sys_unmount("mnt", 0), RUMP_EBUSY);
	CHECK_OK(rump_sys_unmount("mnt/inner", 0));
	CHECK_ERR(xstat("mnt/inner/f", &st), RUMP_ENOENT);
	CHECK_OK(rump_sys_unmount("mnt", 0));
}
