/*
 * t_tmpfs_attr.c: attributes on tmpfs: special files, modes, owners,
 * file flags, the four timestamps, pathconf.
 */
#include <unistd.h>

#include "t.h"

#define MOUNT() CHECK_OK(t_mount_tmpfs("mnt"))

static int
xstat(const char *path, struct rump_stat *st)
{
	memset(st, 0, sizeof(*st));
	return rump_sys_stat(path, (struct stat *)(void *)st);
}

static int
xfstat(int fd, struct rump_stat *st)
{
	memset(st, 0, sizeof(*st));
	return rump_sys_fstat(fd, (struct stat *)(void *)st);
}

static int
ts_cmp(const struct rump_timespec *a, const struct rump_timespec *b)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec ? -1 : 1;
	if (a->tv_nsec != b->tv_nsec)
		return a->tv_nsec < b->tv_nsec ? -1 : 1;
	return 0;
}

/* Let the clock move on so a new timestamp differs from an old one. */
static void
tick(void)
{
	usleep(20 * 1000);
}

static int
set_times(const char *path, int64_t asec, int64_t ansec, int64_t msec,
    int64_t mnsec)
{
	struct rump_timespec ts[2] = { { asec, ansec }, { msec, mnsec } };

	return rump_sys_utimensat(RUMP_AT_FDCWD, path,
	    (const struct timespec *)(void *)ts, 0);
}

/* --- special files ------------------------------------------------------- */

TEST(mknod_character_device)
{
	struct rump_stat st;

	MOUNT();
	CHECK_OK(rump_sys_mknod("mnt/c", RUMP_S_IFCHR | 0620,
	    RUMP_MAKEDEV(12, 34)));
	CHECK_OK(xstat("mnt/c", &st));
	CHECK(RUMP_S_ISCHR(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 0620 & ~022);
	CHECK_EQ(st.st_rdev, RUMP_MAKEDEV(12, 34));
	CHECK_EQ(RUMP_MAJOR(st.st_rdev), 12);
	CHECK_EQ(RUMP_MINOR(st.st_rdev), 34);
}

TEST(mknod_block_device)
{
	struct rump_stat st;

	MOUNT();
	CHECK_OK(rump_sys_mknod("mnt/b", RUMP_S_IFBLK | 0600,
	    RUMP_MAKEDEV(3, 300)));
	CHECK_OK(xstat("mnt/b", &st));
	CHECK(RUMP_S_ISBLK(st.st_mode));
	CHECK_EQ(st.st_rdev, RUMP_MAKEDEV(3, 300));
}

TEST(mkfifo_and_mknod_fifo)
{
	struct rump_stat st;

	MOUNT();
	CHECK_OK(rump_sys_mkfifo("mnt/p", 0640));
	CHECK_OK(xstat("mnt/p", &st));
	CHECK(RUMP_S_ISFIFO(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 0640);
	CHECK_OK(rump_sys_mknod("mnt/q", RUMP_S_IFIFO | 0600, 0));
	CHECK_OK(xstat("mnt/q", &st));
	CHECK(RUMP_S_ISFIFO(st.st_mode));
	CHECK_ERR(rump_sys_mkfifo("mnt/p", 0640), RUMP_EEXIST);
}

TEST(fifo_on_tmpfs_passes_data)
{
	char buf[8];
	int r, w;

	MOUNT();
	CHECK_OK(rump_sys_mkfifo("mnt/p", 0600));
	CHECK_OK(r = rump_sys_open("mnt/p", RUMP_O_RDONLY | RUMP_O_NONBLOCK,
	    0));
	CHECK_OK(w = rump_sys_open("mnt/p", RUMP_O_WRONLY, 0));
	CHECK_EQ(rump_sys_write(w, "pipe", 4), 4);
	CHECK_EQ(rump_sys_read(r, buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "pipe", 4) == 0);
	CHECK_OK(rump_sys_close(w));
	CHECK_OK(rump_sys_close(r));
}

/* --- modes, owners, flags ------------------------------------------------- */

TEST(chmod_changes_mode_and_ctime)
{
	struct rump_stat a, b;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_OK(xstat("mnt/f", &a));
	tick();
	CHECK_OK(rump_sys_chmod("mnt/f", 04711));
	CHECK_OK(xstat("mnt/f", &b));
	CHECK_EQ(b.st_mode & 07777, 04711);
	CHECK(RUMP_S_ISREG(b.st_mode));
	CHECK(ts_cmp(&b.st_ctim, &a.st_ctim) > 0);
	CHECK_EQ(ts_cmp(&b.st_mtim, &a.st_mtim), 0);
}

TEST(chown_changes_owner_and_ctime)
{
	struct rump_stat a, b;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_OK(xstat("mnt/f", &a));
	CHECK_EQ(a.st_uid, 0);
	tick();
	CHECK_OK(rump_sys_chown("mnt/f", 1234, 5678));
	CHECK_OK(xstat("mnt/f", &b));
	CHECK_EQ(b.st_uid, 1234);
	CHECK_EQ(b.st_gid, 5678);
	CHECK(ts_cmp(&b.st_ctim, &a.st_ctim) > 0);
	CHECK_OK(rump_sys_chown("mnt/f", (uid_t)-1, 42));
	CHECK_OK(xstat("mnt/f", &b));
	CHECK_EQ(b.st_uid, 1234);
	CHECK_EQ(b.st_gid, 42);
}

TEST(new_file_takes_group_of_directory)
{
	struct rump_stat st;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0777));
	CHECK_OK(rump_sys_chown("mnt/d", 0, 99));
	CHECK_OK(t_write_file("mnt/d/f", "", 0));
	CHECK_OK(xstat("mnt/d/f", &st));
	CHECK_EQ(st.st_gid, 99);
}

TEST(chflags_reported_in_stat)
{
	struct rump_stat st;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_OK(rump_sys_chflags("mnt/f", RUMP_UF_NODUMP));
	CHECK_OK(xstat("mnt/f", &st));
	CHECK_EQ(st.st_flags, RUMP_UF_NODUMP);
	CHECK_OK(rump_sys_chflags("mnt/f", 0));
	CHECK_OK(xstat("mnt/f", &st));
	CHECK_EQ(st.st_flags, 0);
}

TEST(immutable_file_refuses_change)
{
	char buf[8];

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "keep", 4));
	CHECK_OK(rump_sys_chflags("mnt/f", RUMP_UF_IMMUTABLE));
	CHECK_ERR(rump_sys_open("mnt/f", RUMP_O_WRONLY, 0), RUMP_EPERM);
	CHECK_ERR(rump_sys_unlink("mnt/f"), RUMP_EPERM);
	CHECK_ERR(rump_sys_truncate("mnt/f", 0), RUMP_EPERM);
	CHECK_ERR(rump_sys_chmod("mnt/f", 0600), RUMP_EPERM);
	CHECK_ERR(rump_sys_rename("mnt/f", "mnt/g"), RUMP_EPERM);
	CHECK_ERR(rump_sys_link("mnt/f", "mnt/h"), RUMP_EPERM);
	CHECK_EQ(t_read_file("mnt/f", buf, sizeof(buf)), 4);
	CHECK_OK(rump_sys_chflags("mnt/f", 0));
	CHECK_OK(t_write_file("mnt/f", "ok", 2));
	CHECK_OK(rump_sys_unlink("mnt/f"));
}

TEST(immutable_open_file_refuses_write)
{
	int fd;

	MOUNT();
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_OK(rump_sys_fchflags(fd, RUMP_UF_IMMUTABLE));
	CHECK_ERR(rump_sys_write(fd, "x", 1), RUMP_EPERM);
	CHECK_OK(rump_sys_fchflags(fd, 0));
	CHECK_EQ(rump_sys_write(fd, "x", 1), 1);
	CHECK_OK(rump_sys_close(fd));
}

TEST(append_only_file)
{
	char buf[8];
	int fd;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "ab", 2));
	CHECK_OK(rump_sys_chflags("mnt/f", RUMP_UF_APPEND));
	CHECK_ERR(rump_sys_unlink("mnt/f"), RUMP_EPERM);
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_WRONLY | RUMP_O_APPEND,
	    0));
	CHECK_EQ(rump_sys_write(fd, "c", 1), 1);
	CHECK_OK(rump_sys_close(fd));
	CHECK_EQ(t_read_file("mnt/f", buf, sizeof(buf)), 3);
	CHECK_OK(rump_sys_chflags("mnt/f", 0));
}

TEST(immutable_directory_refuses_entries)
{
	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_OK(t_write_file("mnt/d/f", "", 0));
	CHECK_OK(rump_sys_chflags("mnt/d", RUMP_UF_IMMUTABLE));
	CHECK_ERR(rump_sys_unlink("mnt/d/f"), RUMP_EPERM);
	CHECK_OK(rump_sys_chflags("mnt/d", 0));
	CHECK_OK(rump_sys_unlink("mnt/d/f"));
}

/* --- timestamps ----------------------------------------------------------- */

TEST(creation_sets_all_four_times)
{
	struct rump_timespec now;
	struct rump_stat st;

	MOUNT();
	CHECK_OK(rump_sys_clock_gettime(0, (struct timespec *)(void *)&now));
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_OK(xstat("mnt/f", &st));
	CHECK(st.st_birthtim.tv_sec >= now.tv_sec - 1 &&
	    st.st_birthtim.tv_sec <= now.tv_sec + 2);
	CHECK_EQ(ts_cmp(&st.st_birthtim, &st.st_ctim), 0);
	CHECK_EQ(ts_cmp(&st.st_birthtim, &st.st_mtim), 0);
	CHECK_EQ(ts_cmp(&st.st_birthtim, &st.st_atim), 0);
}

TEST(birthtime_stays_on_write)
{
	struct rump_stat a, b;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "1", 1));
	CHECK_OK(xstat("mnt/f", &a));
	tick();
	CHECK_OK(t_write_file("mnt/f", "22", 2));
	CHECK_OK(xstat("mnt/f", &b));
	CHECK_EQ(ts_cmp(&a.st_birthtim, &b.st_birthtim), 0);
	CHECK(ts_cmp(&b.st_mtim, &a.st_mtim) > 0);
}

TEST(write_updates_mtime_and_ctime)
{
	struct rump_stat a, b;
	int fd;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_OK(set_times("mnt/f", 1000, 0, 2000, 0));
	CHECK_OK(xstat("mnt/f", &a));
	CHECK_EQ(a.st_mtim.tv_sec, 2000);
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_WRONLY, 0));
	tick();
	CHECK_EQ(rump_sys_write(fd, "abc", 3), 3);
	CHECK_OK(xfstat(fd, &b));
	CHECK(b.st_mtim.tv_sec > 2000);
	CHECK(ts_cmp(&b.st_ctim, &a.st_ctim) > 0);
	CHECK_EQ(b.st_atim.tv_sec, 1000);
	CHECK_OK(rump_sys_close(fd));
}

TEST(read_updates_atime)
{
	struct rump_stat st;
	char buf[4];
	int fd;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "abc", 3));
	CHECK_OK(set_times("mnt/f", 1000, 0, 2000, 0));
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_RDONLY, 0));
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 3);
	CHECK_OK(xfstat(fd, &st));
	CHECK(st.st_atim.tv_sec > 1000);
	CHECK_EQ(st.st_mtim.tv_sec, 2000);
	CHECK_OK(rump_sys_close(fd));
}

TEST(noatime_mount_keeps_atime)
{
	struct rump_tmpfs_args ta;
	struct rump_stat st;
	char buf[4];

	memset(&ta, 0, sizeof(ta));
	ta.ta_version = RUMP_TMPFS_ARGS_VERSION;
	ta.ta_root_mode = 0777;
	CHECK_OK(rump_sys_mkdir("mnt", 0777));
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", RUMP_MNT_NOATIME,
	    &ta, sizeof(ta)));
	CHECK_OK(t_write_file("mnt/f", "abc", 3));
	CHECK_OK(set_times("mnt/f", 1000, 0, 2000, 0));
	CHECK_EQ(t_read_file("mnt/f", buf, sizeof(buf)), 3);
	CHECK_OK(xstat("mnt/f", &st));
	CHECK_EQ(st.st_atim.tv_sec, 1000);
}

TEST(utimensat_explicit_and_omit)
{
	struct rump_stat st;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_OK(set_times("mnt/f", 111, 222, 333, 444));
	CHECK_OK(xstat("mnt/f", &st));
	CHECK_EQ(st.st_atim.tv_sec, 111);
	CHECK_EQ(st.st_atim.tv_nsec, 222);
	CHECK_EQ(st.st_mtim.tv_sec, 333);
	CHECK_EQ(st.st_mtim.tv_nsec, 444);
	CHECK_OK(set_times("mnt/f", 555, 0, 0, RUMP_UTIME_OMIT));
	CHECK_OK(xstat("mnt/f", &st));
	CHECK_EQ(st.st_atim.tv_sec, 555);
	CHECK_EQ(st.st_mtim.tv_sec, 333);
	CHECK_OK(set_times("mnt/f", 0, RUMP_UTIME_OMIT, 777, 0));
	CHECK_OK(xstat("mnt/f", &st));
	CHECK_EQ(st.st_atim.tv_sec, 555);
	CHECK_EQ(st.st_mtim.tv_sec, 777);
}

TEST(utimensat_now)
{
	struct rump_timespec now;
	struct rump_stat st;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_OK(set_times("mnt/f", 1, 0, 1, 0));
	CHECK_OK(rump_sys_clock_gettime(0, (struct timespec *)(void *)&now));
	CHECK_OK(set_times("mnt/f", 0, RUMP_UTIME_NOW, 0, RUMP_UTIME_OMIT));
	CHECK_OK(xstat("mnt/f", &st));
	CHECK(st.st_atim.tv_sec >= now.tv_sec - 1);
	CHECK_EQ(st.st_mtim.tv_sec, 1);
	CHECK_OK(set_times("mnt/f", 0, RUMP_UTIME_OMIT, 0, RUMP_UTIME_NOW));
	CHECK_OK(xstat("mnt/f", &st));
	CHECK(st.st_mtim.tv_sec >= now.tv_sec - 1);
}

TEST(futimens_sets_times)
{
	struct rump_timespec ts[2] = { { 10, 1 }, { 20, 2 } };
	struct rump_stat st;
	int fd;

	MOUNT();
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_OK(rump_sys_futimens(fd, (const struct timespec *)(void *)ts));
	CHECK_OK(xfstat(fd, &st));
	CHECK_EQ(st.st_atim.tv_sec, 10);
	CHECK_EQ(st.st_atim.tv_nsec, 1);
	CHECK_EQ(st.st_mtim.tv_sec, 20);
	CHECK_EQ(st.st_mtim.tv_nsec, 2);
	CHECK_OK(rump_sys_close(fd));
}

TEST(utimes_null_means_now)
{
	struct rump_timespec now;
	struct rump_stat st;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_OK(set_times("mnt/f", 5, 0, 6, 0));
	CHECK_OK(rump_sys_clock_gettime(0, (struct timespec *)(void *)&now));
	CHECK_OK(rump_sys_utimes("mnt/f", NULL));
	CHECK_OK(xstat("mnt/f", &st));
	CHECK(st.st_atim.tv_sec >= now.tv_sec - 1);
	CHECK(st.st_mtim.tv_sec >= now.tv_sec - 1);
}

TEST(setting_times_updates_ctime)
{
	struct rump_stat a, b;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_OK(xstat("mnt/f", &a));
	tick();
	CHECK_OK(set_times("mnt/f", 5, 0, 6, 0));
	CHECK_OK(xstat("mnt/f", &b));
	CHECK(ts_cmp(&b.st_ctim, &a.st_ctim) > 0);
}

TEST(directory_times_follow_entries)
{
	struct rump_stat a, b;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_OK(set_times("mnt/d", 100, 0, 100, 0));
	CHECK_OK(xstat("mnt/d", &a));
	CHECK_OK(t_write_file("mnt/d/f", "", 0));
	CHECK_OK(xstat("mnt/d", &b));
	CHECK(b.st_mtim.tv_sec > 100);
	CHECK(ts_cmp(&b.st_ctim, &a.st_ctim) >= 0);
	CHECK_OK(set_times("mnt/d", 100, 0, 100, 0));
	CHECK_OK(rump_sys_unlink("mnt/d/f"));
	CHECK_OK(xstat("mnt/d", &b));
	CHECK(b.st_mtim.tv_sec > 100);
	CHECK_OK(set_times("mnt/d", 100, 0, 100, 0));
	CHECK_OK(rump_sys_mkdir("mnt/d/sub", 0755));
	CHECK_OK(xstat("mnt/d", &b));
	CHECK(b.st_mtim.tv_sec > 100);
}

TEST(link_and_unlink_update_ctime)
{
	struct rump_stat a, b;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_OK(xstat("mnt/f", &a));
	tick();
	CHECK_OK(rump_sys_link("mnt/f", "mnt/g"));
	CHECK_OK(xstat("mnt/f", &b));
	CHECK(ts_cmp(&b.st_ctim, &a.st_ctim) > 0);
	tick();
	CHECK_OK(rump_sys_unlink("mnt/g"));
	CHECK_OK(xstat("mnt/f", &a));
	CHECK(ts_cmp(&a.st_ctim, &b.st_ctim) > 0);
}

TEST(rename_updates_ctime_and_parent_mtime)
{
	struct rump_stat a, b;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_OK(set_times("mnt", 100, 0, 100, 0));
	CHECK_OK(xstat("mnt/f", &a));
	tick();
	CHECK_OK(rump_sys_rename("mnt/f", "mnt/g"));
	CHECK_OK(xstat("mnt/g", &b));
	CHECK(ts_cmp(&b.st_ctim, &a.st_ctim) > 0);
	CHECK_OK(xstat("mnt", &b));
	CHECK(b.st_mtim.tv_sec > 100);
}

TEST(truncate_updates_mtime)
{
	struct rump_stat st;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "abcdef", 6));
	CHECK_OK(set_times("mnt/f", 100, 0, 100, 0));
	CHECK_OK(rump_sys_truncate("mnt/f", 2));
	CHECK_OK(xstat("mnt/f", &st));
	CHECK(st.st_mtim.tv_sec > 100);
}

/* --- pathconf and stat details -------------------------------------------- */

TEST(pathconf_values)
{
	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_EQ(rump_sys_pathconf("mnt/f", 1), 32767);	/* LINK_MAX */
	CHECK_EQ(rump_sys_pathconf("mnt/f", 4), 511);		/* NAME_MAX */
	CHECK_EQ(rump_sys_pathconf("mnt/f", 5), 1024);	/* PATH_MAX */
	CHECK_EQ(rump_sys_pathconf("mnt/f", 6), 512);		/* PIPE_BUF */
	CHECK_EQ(rump_sys_pathconf("mnt/f", 7), 1);	/* CHOWN_RESTRICTED */
	CHECK_EQ(rump_sys_pathconf("mnt/f", 8), 1);		/* NO_TRUNC */
	CHECK_EQ(rump_sys_pathconf("mnt/f", 10), 1);		/* SYNC_IO */
	CHECK_EQ(rump_sys_pathconf("mnt/f", 11), 64);	/* FILESIZEBITS */
	CHECK_ERR(rump_sys_pathconf("mnt/f", 2), RUMP_EINVAL);	/* MAX_CANON */
}

TEST(fpathconf_on_directory)
{
	int fd;

	MOUNT();
	CHECK_OK(fd = rump_sys_open("mnt", RUMP_O_RDONLY, 0));
	CHECK_EQ(rump_sys_fpathconf(fd, 4), 511);
	CHECK_OK(rump_sys_close(fd));
}

TEST(generation_and_blocksize)
{
	struct rump_stat st;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "abc", 3));
	CHECK_OK(xstat("mnt/f", &st));
	CHECK_EQ(st.st_blksize, 4096);
	CHECK_EQ(st.st_blocks, 8);
	CHECK_EQ(st.st_size, 3);
}
