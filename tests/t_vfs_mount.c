/*
 * t_vfs_mount.c: mount(2), unmount(2), statvfs1, fstatvfs1,
 * getvfsstat, read-only mounts and updates, busy file systems.
 */
#include "t_vfs_util.h"

#define O(x)	RUMP_O_##x

static const char *
here(void)
{
	static char buf[300];

	snprintf(buf, sizeof(buf), "/t/%s", t_current);
	return buf;
}

static struct rump_tmpfs_args
targs(void)
{
	struct rump_tmpfs_args ta;

	memset(&ta, 0, sizeof(ta));
	ta.ta_version = RUMP_TMPFS_ARGS_VERSION;
	ta.ta_root_mode = 0777;
	return ta;
}

static int
mount_tmpfs_flags(const char *path, int flags)
{
	struct rump_tmpfs_args ta = targs();

	rump_sys_mkdir(path, 0777);
	return rump_sys_mount(RUMP_MOUNT_TMPFS, path, flags, &ta, sizeof(ta));
}

static struct rump_statvfs *
svfs(const char *path)
{
	static struct rump_statvfs sb;

	memset(&sb, 0, sizeof(sb));
	if (rump_sys_statvfs1(path, (void *)&sb, RUMP_ST_WAIT) == -1)
		sb.f_fstypename[0] = '\0';
	return &sb;
}

TEST(statvfs_of_root_is_rumpfs)
{
	struct rump_statvfs *sb = svfs("/");

	CHECK_STR(sb->f_fstypename, "rumpfs");
	CHECK_STR(sb->f_mntonname, "/");
	CHECK(sb->f_namemax > 0);
	CHECK(sb->f_flag & RUMP_MNT_LOCAL);
	CHECK_STR(svfs(".")->f_fstypename, "rumpfs");
	CHECK_STR(svfs("/dev/null")->f_fstypename, "rumpfs");
}

TEST(mount_tmpfs_shows_in_statvfs)
{
	char want[400];
	struct rump_statvfs *sb;

	CHECK_OK(t_mount_tmpfs("mnt"));
	sb = svfs("mnt");
	CHECK_STR(sb->f_fstypename, "tmpfs");
	snprintf(want, sizeof(want), "%s/mnt", here());
	CHECK_STR(sb->f_mntonname, want);
	CHECK(sb->f_mntonname[0] == '/');
	CHECK(sb->f_bsize > 0);
	CHECK(svfs("mnt")->f_fsid != svfs(".")->f_fsid);
	CHECK_OK(rump_sys_mkdir("mnt/sub", 0755));
	CHECK_STR(svfs("mnt/sub")->f_mntonname, want);
	CHECK_OK(rump_sys_unmount("mnt", 0));
	CHECK_STR(svfs("mnt")->f_fstypename, "rumpfs");
}

TEST(fstatvfs_of_descriptor)
{
	struct rump_statvfs sb;
	int fd, p[2];

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(fd = rump_sys_open("mnt/f", O(CREAT) | O(WRONLY), 0644));
	memset(&sb, 0, sizeof(sb));
	CHECK_OK(rump_sys_fstatvfs1(fd, (void *)&sb, RUMP_ST_NOWAIT));
	CHECK_STR(sb.f_fstypename, "tmpfs");
	CHECK_ERR(rump_sys_fstatvfs1(99, (void *)&sb, 0), RUMP_EBADF);
	CHECK_ERR(rump_sys_fstatvfs1(fd, NULL, 0), RUMP_EFAULT);
	CHECK_OK(rump_sys_pipe(p));
	CHECK_ERR(rump_sys_fstatvfs1(p[0], (void *)&sb, 0), RUMP_EINVAL);
	rump_sys_close(p[0]);
	rump_sys_close(p[1]);
	rump_sys_close(fd);
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(statvfs_errors)
{
	struct rump_statvfs sb;

	CHECK_ERR(rump_sys_statvfs1("nope", (void *)&sb, 0), RUMP_ENOENT);
	CHECK_ERR(rump_sys_statvfs1(NULL, (void *)&sb, 0), RUMP_EFAULT);
	CHECK_ERR(rump_sys_statvfs1(".", NULL, 0), RUMP_EFAULT);
	CHECK_ERR(rump_sys_statvfs1("", (void *)&sb, 0), RUMP_ENOENT);
}

TEST(mount_errors)
{
	struct rump_tmpfs_args ta = targs();
	char big[8200];

	CHECK_OK(rump_sys_mkdir("mnt", 0755));
	CHECK_OK(t_mkfile("f", "x"));
	CHECK_ERR(rump_sys_mount("nosuchfs", "mnt", 0, &ta, sizeof(ta)),
	    RUMP_ENODEV);
	/* ffs (and its alias ufs) exists: tmpfs arguments are no ufs_args
	 * (their first word is no pointer to an fspec) */
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_FFS, "mnt", 0, &ta, sizeof(ta)),
	    RUMP_EFAULT);
	CHECK_ERR(rump_sys_mount("ufs", "mnt", 0, &ta, sizeof(ta)),
	    RUMP_EFAULT);
	CHECK_ERR(rump_sys_mount(NULL, "mnt", 0, &ta, sizeof(ta)),
	    RUMP_ENODEV);
	CHECK_ERR(rump_sys_mount(t_repeat('t', 40), "mnt", 0, &ta,
	    sizeof(ta)), RUMP_ENODEV);
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "nope", 0, &ta,
	    sizeof(ta)), RUMP_ENOENT);
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "f", 0, &ta, sizeof(ta)),
	    RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, NULL, 0, &ta,
	    sizeof(ta)), RUMP_EFAULT);
	memset(big, 0, sizeof(big));
	memcpy(big, &ta, sizeof(ta));
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", 0, big, 8193),
	    RUMP_EINVAL);
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", 0, (void *)8,
	    sizeof(ta)), RUMP_EFAULT);
	/* tmpfs wants its arguments */
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", 0, NULL, 0),
	    RUMP_EINVAL);
	ta.ta_version = 99;
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", 0, &ta,
	    sizeof(ta)), RUMP_EINVAL);
	CHECK_STR(svfs("mnt")->f_fstypename, "rumpfs");
}

TEST(mount_data_len_at_the_limit)
{
	char big[8192];
	struct rump_tmpfs_args ta = targs();

	memset(big, 0, sizeof(big));
	memcpy(big, &ta, sizeof(ta));
	CHECK_OK(rump_sys_mkdir("mnt", 0755));
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", 0, big, 8192));
	CHECK_STR(svfs("mnt")->f_fstypename, "tmpfs");
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(unmount_errors)
{
	CHECK_ERR(rump_sys_unmount("/", 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_unmount(".", 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_unmount("nope", 0), RUMP_ENOENT);
	CHECK_ERR(rump_sys_unmount(NULL, 0), RUMP_EFAULT);
	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(rump_sys_mkdir("mnt/sub", 0755));
	CHECK_ERR(rump_sys_unmount("mnt/sub", 0), RUMP_EINVAL);
	CHECK_OK(rump_sys_unmount("mnt/", 0));
	CHECK_ERR(rump_sys_unmount("mnt", 0), RUMP_EINVAL);
}

TEST(unmount_busy_cwd)
{
	char path[400];

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(rump_sys_chdir("mnt"));
	snprintf(path, sizeof(path), "%s/mnt", here());
	CHECK_ERR(rump_sys_unmount(path, 0), RUMP_EBUSY);
	CHECK_ERR(rump_sys_unmount(".", 0), RUMP_EBUSY);
	CHECK_OK(rump_sys_chdir(here()));
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(unmount_busy_cwd_forced)
{
	char path[400];

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_OK(rump_sys_chdir("mnt/d"));
	snprintf(path, sizeof(path), "%s/mnt", here());
	CHECK_ERR(rump_sys_unmount(path, 0), RUMP_EBUSY);
	CHECK_OK(rump_sys_unmount(path, RUMP_MNT_FORCE));
	CHECK_OK(rump_sys_chdir(here()));
	CHECK_STR(svfs("mnt")->f_fstypename, "rumpfs");
}

TEST(unmount_busy_open_file)
{
	int fd;

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(fd = rump_sys_open("mnt/f", O(CREAT) | O(RDWR), 0644));
	CHECK_ERR(rump_sys_unmount("mnt", 0), RUMP_EBUSY);
	CHECK_STR(svfs("mnt")->f_fstypename, "tmpfs");
	rump_sys_close(fd);
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(unmount_forced_with_open_file)
{
	char buf[4];
	int fd;

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(t_mkfile("mnt/f", "abc"));
	CHECK_OK(fd = rump_sys_open("mnt/f", O(RDONLY)));
	CHECK_OK(rump_sys_unmount("mnt", RUMP_MNT_FORCE));
	CHECK(!t_exists("mnt/f"));
	/* the descriptor stays, but its file is gone */
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), -1);
	CHECK_OK(rump_sys_close(fd));
}

TEST(unmount_with_stacked_mount_is_ebusy)
{
	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(t_mount_tmpfs("mnt/inner"));
	CHECK_ERR(rump_sys_unmount("mnt", 0), RUMP_EBUSY);
	CHECK_OK(rump_sys_unmount("mnt/inner", 0));
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(mount_point_cannot_be_removed)
{
	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_ERR(rump_sys_rmdir("mnt"), RUMP_EBUSY);
	CHECK_ERR(rump_sys_rmdir("mnt/."), RUMP_EBUSY);
	CHECK_ERR(rump_sys_unlink("mnt"), RUMP_EBUSY);
	CHECK_ERR(rump_sys_mkdir("mnt", 0755), RUMP_EEXIST);
	CHECK_OK(rump_sys_unmount("mnt", 0));
	CHECK_OK(rump_sys_rmdir("mnt"));
}

TEST(mount_readonly)
{
	struct rump_statvfs *sb;
	int fd;

	CHECK_OK(mount_tmpfs_flags("mnt", RUMP_MNT_RDONLY));
	sb = svfs("mnt");
	CHECK(sb->f_flag & RUMP_MNT_RDONLY);
	CHECK_ERR(rump_sys_mkdir("mnt/x", 0755), RUMP_EROFS);
	CHECK_ERR(rump_sys_open("mnt/f", O(CREAT) | O(WRONLY), 0644),
	    RUMP_EROFS);
	CHECK_ERR(rump_sys_symlink("x", "mnt/l"), RUMP_EROFS);
	CHECK_ERR(rump_sys_mkfifo("mnt/p", 0644), RUMP_EROFS);
	CHECK_ERR(rump_sys_chmod("mnt", 0700), RUMP_EROFS);
	CHECK_ERR(rump_sys_utimes("mnt", NULL), RUMP_EROFS);
	CHECK_ERR(rump_sys_rmdir("mnt/nope"), RUMP_EROFS);
	CHECK_ERR(rump_sys_access("mnt", RUMP_W_OK), RUMP_EROFS);
	CHECK_OK(rump_sys_access("mnt", RUMP_R_OK));
	CHECK_OK(fd = rump_sys_open("mnt", O(RDONLY)));
	rump_sys_close(fd);
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(mount_update_ro_rw_ro)
{
	int fd;

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(t_mkfile("mnt/f", "one"));
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt",
	    RUMP_MNT_UPDATE | RUMP_MNT_RDONLY, NULL, 0));
	CHECK(svfs("mnt")->f_flag & RUMP_MNT_RDONLY);
	CHECK_ERR(rump_sys_open("mnt/f", O(WRONLY)), RUMP_EROFS);
	CHECK_ERR(rump_sys_unlink("mnt/f"), RUMP_EROFS);
	CHECK_STR(t_cat("mnt/f"), "one");
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", RUMP_MNT_UPDATE,
	    NULL, 0));
	CHECK(!(svfs("mnt")->f_flag & RUMP_MNT_RDONLY));
	CHECK_OK(t_mkfile("mnt/f", "two"));
	CHECK_OK(fd = rump_sys_open("mnt/f", O(WRONLY)));
	/* a file open for writing keeps it read-write */
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt",
	    RUMP_MNT_UPDATE | RUMP_MNT_RDONLY, NULL, 0), RUMP_EBUSY);
	rump_sys_close(fd);
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt",
	    RUMP_MNT_UPDATE | RUMP_MNT_RDONLY, NULL, 0));
	CHECK_ERR(rump_sys_mkdir("mnt/d", 0755), RUMP_EROFS);
	CHECK_STR(t_cat("mnt/f"), "two");
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(mount_update_needs_a_mount_root)
{
	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(rump_sys_mkdir("mnt/sub", 0755));
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt/sub",
	    RUMP_MNT_UPDATE, NULL, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, ".", RUMP_MNT_UPDATE,
	    NULL, 0), RUMP_EINVAL);
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(mount_getargs)
{
	struct rump_tmpfs_args ta = targs(), got;
	long r;

	ta.ta_root_mode = 0750;
	ta.ta_root_uid = 3;
	ta.ta_root_gid = 4;
	CHECK_OK(rump_sys_mkdir("mnt", 0755));
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", 0, &ta, sizeof(ta)));
	memset(&got, 0xff, sizeof(got));
	got.ta_version = RUMP_TMPFS_ARGS_VERSION;
	r = rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", RUMP_MNT_GETARGS, &got,
	    sizeof(got));
	CHECK_EQ(r, (long)sizeof(got));
	CHECK_EQ(got.ta_version, RUMP_TMPFS_ARGS_VERSION);
	CHECK_EQ(got.ta_root_mode, 0750);
	CHECK_EQ(got.ta_root_uid, 3);
	CHECK_EQ(got.ta_root_gid, 4);
	/* GETARGS comes alone and needs a buffer */
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt",
	    RUMP_MNT_GETARGS | RUMP_MNT_RDONLY, &got, sizeof(got)),
	    RUMP_EINVAL);
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", RUMP_MNT_GETARGS,
	    NULL, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, ".", RUMP_MNT_GETARGS,
	    &got, sizeof(got)), RUMP_EINVAL);
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

static int
count_mounts(void)
{
	return rump_sys_getvfsstat(NULL, 0, RUMP_ST_NOWAIT);
}

TEST(getvfsstat_lists_mounts)
{
	struct rump_statvfs *buf;
	char want[400];
	int n, m, i, found = 0;

	CHECK((n = count_mounts()) >= 1);
	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_EQ(count_mounts(), n + 1);
	buf = calloc((size_t)n + 4, sizeof(*buf));
	CHECK(buf != NULL);
	m = rump_sys_getvfsstat((void *)buf, (n + 4) * sizeof(*buf),
	    RUMP_ST_WAIT);
	CHECK_EQ(m, n + 1);
	CHECK_STR(buf[0].f_mntonname, "/");
	CHECK_STR(buf[0].f_fstypename, "rumpfs");
	snprintf(want, sizeof(want), "%s/mnt", here());
	for (i = 0; i < m; i++)
		if (strcmp(buf[i].f_mntonname, want) == 0 &&
		    strcmp(buf[i].f_fstypename, "tmpfs") == 0)
			found++;
	CHECK_EQ(found, 1);
	/* room for one record: one record */
	CHECK_EQ(rump_sys_getvfsstat((void *)buf, sizeof(*buf) + 100,
	    RUMP_ST_NOWAIT), 1);
	CHECK_EQ(rump_sys_getvfsstat((void *)buf, 100, RUMP_ST_NOWAIT), 0);
	CHECK_ERR(rump_sys_getvfsstat((void *)8, sizeof(*buf), 0),
	    RUMP_EFAULT);
	free(buf);
	CHECK_OK(rump_sys_unmount("mnt", 0));
	CHECK_EQ(count_mounts(), n);
}

TEST(sync_syncs)
{
	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(t_mkfile("mnt/f", "x"));
	rump_sys_sync();
	CHECK_STR(t_cat("mnt/f"), "x");
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(mount_on_mounted_root_stacks)
{
	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(t_mkfile("mnt/lower", "x"));
	CHECK_OK(mount_tmpfs_flags("mnt", 0));
	CHECK(!t_exists("mnt/lower"));
	CHECK_OK(rump_sys_unmount("mnt", 0));
	CHECK(t_exists("mnt/lower"));
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(mount_many_and_unmount_all)
{
	char path[32];
	int i, n = count_mounts();

	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "m%d", i);
		CHECK_OK(t_mount_tmpfs(path));
	}
	CHECK_EQ(count_mounts(), n + 8);
	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "m%d", i);
		CHECK_OK(rump_sys_unmount(path, 0));
	}
	CHECK_EQ(count_mounts(), n);
}
