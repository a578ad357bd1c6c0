/*
 * t_dev_mem: the memory devices /dev/null (char 2,2) and /dev/zero
 * (char 2,12), and device nodes made with mknod(2) that reach them.
 */
#include <stdbool.h>

#include "t.h"

static int
stat_of(const char *path, struct rump_stat *st)
{
	memset(st, 0xa5, sizeof(*st));
	return rump_sys_stat(path, (struct stat *)st);
}

static bool
all_zero(const unsigned char *p, size_t n)
{
	while (n-- > 0)
		if (*p++ != 0)
			return false;
	return true;
}

TEST(devnull_read_is_eof)
{
	char buf[16];
	int fd = rump_sys_open("/dev/null", RUMP_O_RDONLY, 0);

	CHECK(fd != -1);
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 0);
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(devnull_write_swallows_all)
{
	char buf[10000];
	int fd = rump_sys_open("/dev/null", RUMP_O_WRONLY, 0);

	memset(buf, 'x', sizeof(buf));
	CHECK(fd != -1);
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	CHECK_EQ(rump_sys_write(fd, buf, 1), 1);
	CHECK_EQ(rump_sys_write(fd, buf, 0), 0);
}

TEST(devnull_rdwr_write_then_read)
{
	char buf[4] = "abc";
	int fd = rump_sys_open("/dev/null", RUMP_O_RDWR, 0);

	CHECK(fd != -1);
	CHECK_EQ(rump_sys_write(fd, buf, 3), 3);
	CHECK_EQ(rump_sys_read(fd, buf, 3), 0);
}

TEST(devnull_stat_is_char_2_2)
{
	struct rump_stat st;

	CHECK_OK(stat_of("/dev/null", &st));
	CHECK(RUMP_S_ISCHR(st.st_mode));
	CHECK_EQ(st.st_rdev, RUMP_MAKEDEV(2, 2));
	CHECK_EQ(RUMP_MAJOR(st.st_rdev), 2);
	CHECK_EQ(RUMP_MINOR(st.st_rdev), 2);
	CHECK_EQ(st.st_size, 0);
}

TEST(devzero_stat_is_char_2_12)
{
	struct rump_stat st;

	CHECK_OK(stat_of("/dev/zero", &st));
	CHECK(RUMP_S_ISCHR(st.st_mode));
	CHECK_EQ(st.st_rdev, RUMP_MAKEDEV(2, 12));
	CHECK_EQ(st.st_rdev, 0x20c);	/* NetBSD's encoding, not Linux's */
}

TEST(devnull_fstat_matches_stat)
{
	struct rump_stat st, fst;
	int fd = rump_sys_open("/dev/null", RUMP_O_RDONLY, 0);

	CHECK_OK(stat_of("/dev/null", &st));
	memset(&fst, 0, sizeof(fst));
	CHECK_OK(rump_sys_fstat(fd, (struct stat *)&fst));
	CHECK_EQ(fst.st_mode, st.st_mode);
	CHECK_EQ(fst.st_ino, st.st_ino);
	CHECK_EQ(fst.st_dev, st.st_dev);
	CHECK_EQ(fst.st_rdev, RUMP_MAKEDEV(2, 2));
}

TEST(devzero_read_gives_zeros)
{
	unsigned char buf[1000];
	int fd = rump_sys_open("/dev/zero", RUMP_O_RDONLY, 0);

	memset(buf, 0xff, sizeof(buf));
	CHECK(fd != -1);
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	CHECK(all_zero(buf, sizeof(buf)));
}

TEST(devzero_large_read)
{
	static unsigned char buf[200000];
	int fd = rump_sys_open("/dev/zero", RUMP_O_RDONLY, 0);

	memset(buf, 0x5a, sizeof(buf));
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	CHECK(all_zero(buf, sizeof(buf)));
}

TEST(devzero_pread_gives_zeros)
{
	unsigned char buf[64];
	int fd = rump_sys_open("/dev/zero", RUMP_O_RDONLY, 0);

	memset(buf, 1, sizeof(buf));
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 12345), 64);
	CHECK(all_zero(buf, sizeof(buf)));
}

TEST(devzero_write_swallows)
{
	char buf[300];
	int fd = rump_sys_open("/dev/zero", RUMP_O_WRONLY, 0);

	memset(buf, 7, sizeof(buf));
	CHECK(fd != -1);
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), 300);
}

TEST(devnull_seek_is_allowed)
{
	int fd = rump_sys_open("/dev/null", RUMP_O_RDONLY, 0);

	CHECK_EQ(rump_sys_lseek(fd, 100, RUMP_SEEK_SET), 100);
	CHECK_EQ(rump_sys_lseek(fd, 5, RUMP_SEEK_CUR), 105);
}

TEST(devnull_readonly_write_ebadf)
{
	int fd = rump_sys_open("/dev/null", RUMP_O_RDONLY, 0);

	CHECK_ERR(rump_sys_write(fd, "x", 1), RUMP_EBADF);
}

TEST(devnull_set_nonblock)
{
	int fd = rump_sys_open("/dev/null", RUMP_O_RDWR, 0);
	int fl;

	CHECK_OK(rump_sys_fcntl(fd, RUMP_F_SETFL, RUMP_O_NONBLOCK));
	fl = rump_sys_fcntl(fd, RUMP_F_GETFL);
	CHECK(fl != -1 && (fl & RUMP_O_NONBLOCK) != 0);
	CHECK_EQ(rump_sys_write(fd, "abc", 3), 3);
}

TEST(devnull_poll_always_ready)
{
	struct rump_pollfd pfd;
	int fd = rump_sys_open("/dev/null", RUMP_O_RDWR, 0);

	pfd.fd = fd;
	pfd.events = RUMP_POLLIN | RUMP_POLLOUT;
	pfd.revents = 0;
	CHECK_EQ(rump_sys_poll((struct pollfd *)&pfd, 1, 0), 1);
	CHECK_EQ(pfd.revents, RUMP_POLLIN | RUMP_POLLOUT);
}

TEST(mknod_zero_reads_zeros)
{
	struct rump_stat st;
	unsigned char buf[100];
	int fd;

	CHECK_OK(rump_sys_mknod("z", RUMP_S_IFCHR | 0600,
	    RUMP_MAKEDEV(2, 12)));
	CHECK_OK(stat_of("z", &st));
	CHECK(RUMP_S_ISCHR(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 0600);
	CHECK_EQ(st.st_rdev, RUMP_MAKEDEV(2, 12));
	fd = rump_sys_open("z", RUMP_O_RDWR, 0);
	CHECK(fd != -1);
	memset(buf, 0xee, sizeof(buf));
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 100);
	CHECK(all_zero(buf, sizeof(buf)));
	CHECK_EQ(rump_sys_write(fd, buf, 10), 10);
}

TEST(mknod_null_reads_eof)
{
	char buf[8];
	int fd;

	CHECK_OK(rump_sys_mknod("n", RUMP_S_IFCHR | 0666,
	    RUMP_MAKEDEV(2, 2)));
	fd = rump_sys_open("n", RUMP_O_RDWR, 0);
	CHECK(fd != -1);
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 0);
	CHECK_EQ(rump_sys_write(fd, "hello", 5), 5);
}

TEST(mknod_on_tmpfs_reaches_driver)
{
	unsigned char buf[32];
	int fd;

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(rump_sys_mknod("mnt/zero", RUMP_S_IFCHR | 0666,
	    RUMP_MAKEDEV(2, 12)));
	fd = rump_sys_open("mnt/zero", RUMP_O_RDONLY, 0);
	CHECK(fd != -1);
	memset(buf, 3, sizeof(buf));
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 32);
	CHECK(all_zero(buf, sizeof(buf)));
	CHECK_OK(rump_sys_close(fd));
	CHECK_OK(rump_sys_unlink("mnt/zero"));
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(mknod_unknown_minor_open_enxio)
{
	CHECK_OK(rump_sys_mknod("bad", RUMP_S_IFCHR | 0600,
	    RUMP_MAKEDEV(2, 99)));
	CHECK_ERR(rump_sys_open("bad", RUMP_O_RDONLY, 0), RUMP_ENXIO);
}

TEST(mknod_unknown_major_open_enxio)
{
	CHECK_OK(rump_sys_mknod("nodrv", RUMP_S_IFCHR | 0600,
	    RUMP_MAKEDEV(200, 1)));
	CHECK_ERR(rump_sys_open("nodrv", RUMP_O_RDWR, 0), RUMP_ENXIO);
}

TEST(devnull_chmod_is_allowed_to_root)
{
	struct rump_stat st;

	CHECK_OK(rump_sys_mknod("n", RUMP_S_IFCHR | 0600,
	    RUMP_MAKEDEV(2, 2)));
	CHECK_OK(rump_sys_chmod("n", 0644));
	CHECK_OK(stat_of("n", &st));
	CHECK_EQ(st.st_mode, RUMP_S_IFCHR | 0644);
}

TEST(device_truncate_is_ignored)
{
	int fd;

	CHECK_OK(rump_sys_mknod("n", RUMP_S_IFCHR | 0666,
	    RUMP_MAKEDEV(2, 2)));
	fd = rump_sys_open("n", RUMP_O_WRONLY | RUMP_O_TRUNC, 0);
	CHECK(fd != -1);
	CHECK_EQ(rump_sys_write(fd, "x", 1), 1);
}
