/*
 * t_bio_dev: block device nodes (vfs/bdev.c) on the RAM disk of
 * t_bio_util.h: open, read, write, pread, pwrite, fsync, ioctl and
 * close of a node made with mknod, through the buffer cache.
 *
 * Bounds follow NetBSD's disks: reading at or past the end gives 0,
 * writing at the end writes 0 bytes, past it is EINVAL, across it is
 * short.  Writes are delayed: the driver sees them at fsync, sync,
 * the last close, DIOCCACHESYNC or from the syncer; a write the driver
 * refuses is reported (EIO) there and the data stays in the cache
 * until a later flush succeeds.
 */
#include <poll.h>
#include <sys/uio.h>

#include "t_bio_util.h"

#define KB	1024

int
t_boot(void)
{
	int error;

	if ((error = rump_init()) != 0)
		return error;
	if ((error = rd_attach()) != 0)
		return error;
	KDO(bio_setsyncdelay(3600 * T_NSEC));	/* the syncer stays out */
	return 0;
}

static int
open_rw(const char *path)
{
	return rump_sys_open(path, RUMP_O_RDWR, 0);
}

/* --- data in and out ------------------------------------------------------ */

TEST(write_then_read_back)
{
	char w[5000], r[5000];
	int fd;

	rd_make("d", 1024 * KB, 512);
	pattern(w, sizeof(w), 0, 1);
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_write(fd, w, sizeof(w)), (ssize_t)sizeof(w));
	CHECK_EQ(rump_sys_lseek(fd, 0, RUMP_SEEK_SET), 0);
	CHECK_EQ(rump_sys_read(fd, r, sizeof(r)), (ssize_t)sizeof(r));
	CHECK(memcmp(w, r, sizeof(r)) == 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(read_shows_what_the_disk_holds)
{
	char r[3000], want[3000];
	int unit = rd_make("d", 256 * KB, 512), fd;

	pattern(t_rd[unit].data, 256 * KB, 0, 7);
	pattern(want, sizeof(want), 100000, 7);
	CHECK((fd = rump_sys_open("d", RUMP_O_RDONLY, 0)) != -1);
	CHECK_EQ(rump_sys_pread(fd, r, sizeof(r), 100000), (ssize_t)sizeof(r));
	CHECK(memcmp(r, want, sizeof(r)) == 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(write_reaches_the_disk_at_fsync_not_before)
{
	char w[8192];
	int unit = rd_make("d", 1024 * KB, 512), fd;

	pattern(w, sizeof(w), 0, 2);
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 65536), (ssize_t)sizeof(w));
	CHECK_EQ(RD_GET(unit, wbytes), 0);
	CHECK(!rd_has(unit, 65536, w, sizeof(w)));
	CHECK_OK(rump_sys_fsync(fd));
	CHECK(rd_has(unit, 65536, w, sizeof(w)));
	CHECK(RD_GET(unit, syncs) >= 1);
	CHECK_OK(rump_sys_close(fd));
}

TEST(fdatasync_and_fsync_range_flush_too)
{
	char w[100];
	int unit = rd_make("d", 64 * KB, 512), fd;

	pattern(w, sizeof(w), 0, 3);
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 10), (ssize_t)sizeof(w));
	CHECK_OK(rump_sys_fdatasync(fd));
	CHECK(rd_has(unit, 10, w, sizeof(w)));
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 20000), (ssize_t)sizeof(w));
	CHECK_OK(rump_sys_fsync_range(fd, 0x0010 /* FDATASYNC */, 0, 0));
	CHECK(rd_has(unit, 20000, w, sizeof(w)));
	CHECK_OK(rump_sys_close(fd));
}

TEST(last_close_writes_to_the_disk)
{
	char w[4096];
	int unit = rd_make("d", 128 * KB, 512), fd, fd2;

	pattern(w, sizeof(w), 0, 4);
	CHECK((fd = open_rw("d")) != -1);
	CHECK((fd2 = rump_sys_open("d", RUMP_O_RDONLY, 0)) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 4096), (ssize_t)sizeof(w));
	CHECK_OK(rump_sys_close(fd));
	CHECK(!rd_has(unit, 4096, w, sizeof(w)));	/* fd2 still open */
	CHECK_OK(rump_sys_close(fd2));
	CHECK(rd_has(unit, 4096, w, sizeof(w)));
}

TEST(sync_writes_every_device)
{
	char w[512];
	int u1 = rd_make("d1", 64 * KB, 512), u2 = rd_make("d2", 64 * KB, 512);
	int fd1, fd2;

	pattern(w, sizeof(w), 0, 5);
	CHECK((fd1 = open_rw("d1")) != -1);
	CHECK((fd2 = open_rw("d2")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd1, w, sizeof(w), 0), 512);
	CHECK_EQ(rump_sys_pwrite(fd2, w, sizeof(w), 1024), 512);
	rump_sys_sync();
	CHECK(rd_has(u1, 0, w, sizeof(w)));
	CHECK(rd_has(u2, 1024, w, sizeof(w)));
	CHECK(RD_GET(u1, syncs) >= 1);
	CHECK(RD_GET(u2, syncs) >= 1);
	rump_sys_close(fd1);
	rump_sys_close(fd2);
}

TEST(partial_block_write_keeps_its_neighbours)
{
	unsigned char disk[32 * KB], w[100];
	int unit = rd_make("d", 32 * KB, 512), fd;

	pattern(t_rd[unit].data, sizeof(disk), 0, 9);
	memcpy(disk, t_rd[unit].data, sizeof(disk));
	memset(w, 0xee, sizeof(w));
	memcpy(disk + 1000, w, sizeof(w));
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 1000), 100);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK(rd_has(unit, 0, disk, sizeof(disk)));
	CHECK_EQ(RD_GET(unit, misaligned), 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(unaligned_write_across_blocks)
{
	static unsigned char disk[256 * KB], w[40000], r[40000];
	int unit = rd_make("d", sizeof(disk), 512), fd;

	pattern(t_rd[unit].data, sizeof(disk), 0, 10);
	memcpy(disk, t_rd[unit].data, sizeof(disk));
	pattern(w, sizeof(w), 0, 11);
	memcpy(disk + 12345, w, sizeof(w));
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 12345), (ssize_t)sizeof(w));
	CHECK_EQ(rump_sys_pread(fd, r, sizeof(r), 12345), (ssize_t)sizeof(r));
	CHECK(memcmp(r, w, sizeof(r)) == 0);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK(rd_has(unit, 0, disk, sizeof(disk)));
	CHECK_EQ(RD_GET(unit, misaligned), 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(one_byte_writes_on_4k_sectors)
{
	unsigned char c, disk[64 * KB];
	int unit = rd_make("d", sizeof(disk), 4096), fd, i;

	memset(disk, 0, sizeof(disk));
	CHECK((fd = open_rw("d")) != -1);
	for (i = 0; i < 200; i++) {
		off_t off = (off_t)(i * 331) % (off_t)sizeof(disk);

		c = (unsigned char)(i + 1);
		disk[off] = c;
		CHECK_EQ(rump_sys_pwrite(fd, &c, 1, off), 1);
	}
	CHECK_OK(rump_sys_fsync(fd));
	CHECK(rd_has(unit, 0, disk, sizeof(disk)));
	CHECK_EQ(RD_GET(unit, misaligned), 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(large_write_and_read_one_mebibyte)
{
	static unsigned char w[1024 * KB], r[1024 * KB];
	int unit = rd_make("d", 2048 * KB, 512), fd;

	pattern(w, sizeof(w), 0, 12);
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 4096), (ssize_t)sizeof(w));
	CHECK_EQ(rump_sys_pread(fd, r, sizeof(r), 4096), (ssize_t)sizeof(r));
	CHECK(memcmp(w, r, sizeof(r)) == 0);
	CHECK_OK(rump_sys_close(fd));
	CHECK(rd_has(unit, 4096, w, sizeof(w)));
}

TEST(sequential_reads_and_writes_move_the_offset)
{
	char a[10], b[10];
	int fd;

	rd_make("d", 64 * KB, 512);
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_write(fd, "0123456789", 10), 10);
	CHECK_EQ(rump_sys_write(fd, "abcdefghij", 10), 10);
	CHECK_EQ(rump_sys_lseek(fd, 0, RUMP_SEEK_CUR), 20);
	CHECK_EQ(rump_sys_lseek(fd, 5, RUMP_SEEK_SET), 5);
	CHECK_EQ(rump_sys_read(fd, a, 10), 10);
	CHECK(memcmp(a, "56789abcde", 10) == 0);
	CHECK_EQ(rump_sys_pread(fd, b, 10, 10), 10);
	CHECK(memcmp(b, "abcdefghij", 10) == 0);
	CHECK_EQ(rump_sys_lseek(fd, 0, RUMP_SEEK_CUR), 15);
	CHECK_OK(rump_sys_close(fd));
}

TEST(readv_writev_scatter_gather)
{
	char a[700], b[900], ra[700], rb[900];
	struct iovec iov[2];
	int fd;

	rd_make("d", 64 * KB, 512);
	pattern(a, sizeof(a), 0, 13);
	pattern(b, sizeof(b), 0, 14);
	CHECK((fd = open_rw("d")) != -1);
	iov[0].iov_base = a, iov[0].iov_len = sizeof(a);
	iov[1].iov_base = b, iov[1].iov_len = sizeof(b);
	CHECK_EQ(rump_sys_pwritev(fd, (void *)iov, 2, 333), 1600);
	iov[0].iov_base = ra, iov[1].iov_base = rb;
	CHECK_EQ(rump_sys_preadv(fd, (void *)iov, 2, 333), 1600);
	CHECK(memcmp(a, ra, sizeof(a)) == 0 && memcmp(b, rb, sizeof(b)) == 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(zero_length_read_and_write)
{
	char c;
	int unit = rd_make("d", 64 * KB, 512), fd;

	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_read(fd, &c, 0), 0);
	CHECK_EQ(rump_sys_write(fd, &c, 0), 0);
	CHECK_EQ(rump_sys_pwrite(fd, &c, 0, 64 * KB + 100), 0);
	CHECK_EQ(RD_GET(unit, reads) + RD_GET(unit, writes), 0);
	CHECK_OK(rump_sys_close(fd));
}

/* --- bounds ------------------------------------------------------------------- */

TEST(read_at_the_end_returns_zero)
{
	char r[100];
	int fd;

	rd_make("d", 64 * KB, 512);
	CHECK((fd = rump_sys_open("d", RUMP_O_RDONLY, 0)) != -1);
	CHECK_EQ(rump_sys_pread(fd, r, sizeof(r), 64 * KB), 0);
	CHECK_EQ(rump_sys_lseek(fd, 64 * KB, RUMP_SEEK_SET), 64 * KB);
	CHECK_EQ(rump_sys_read(fd, r, sizeof(r)), 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(read_past_the_end_returns_zero)
{
	char r[100];
	int fd;

	rd_make("d", 64 * KB, 512);
	CHECK((fd = rump_sys_open("d", RUMP_O_RDONLY, 0)) != -1);
	CHECK_EQ(rump_sys_pread(fd, r, sizeof(r), 64 * KB + 1), 0);
	CHECK_EQ(rump_sys_pread(fd, r, sizeof(r), 1LL << 40), 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(read_across_the_end_is_short)
{
	char r[1000], want[300];
	int unit = rd_make("d", 64 * KB, 512), fd;

	pattern(t_rd[unit].data, 64 * KB, 0, 15);
	memcpy(want, t_rd[unit].data + 64 * KB - 300, 300);
	CHECK((fd = rump_sys_open("d", RUMP_O_RDONLY, 0)) != -1);
	CHECK_EQ(rump_sys_pread(fd, r, sizeof(r), 64 * KB - 300), 300);
	CHECK(memcmp(r, want, 300) == 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(write_at_the_end_writes_nothing)
{
	char w[100] = "x";
	int fd;

	rd_make("d", 64 * KB, 512);
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 64 * KB), 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(write_past_the_end_einval)
{
	char w[100] = "x";
	int fd;

	rd_make("d", 64 * KB, 512);
	CHECK((fd = open_rw("d")) != -1);
	CHECK_ERR(rump_sys_pwrite(fd, w, sizeof(w), 64 * KB + 1), RUMP_EINVAL);
	CHECK_ERR(rump_sys_pwrite(fd, w, sizeof(w), 1LL << 40), RUMP_EINVAL);
	CHECK_OK(rump_sys_close(fd));
}

TEST(write_across_the_end_is_short)
{
	char w[1000];
	int unit = rd_make("d", 64 * KB, 512), fd;

	pattern(w, sizeof(w), 0, 16);
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 64 * KB - 200), 200);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK(rd_has(unit, 64 * KB - 200, w, 200));
	CHECK_OK(rump_sys_close(fd));
}

TEST(negative_offset_einval)
{
	char r[10];
	int fd;

	rd_make("d", 64 * KB, 512);
	CHECK((fd = open_rw("d")) != -1);
	CHECK_ERR(rump_sys_pread(fd, r, sizeof(r), -512), RUMP_EINVAL);
	CHECK_ERR(rump_sys_pwrite(fd, r, sizeof(r), -1), RUMP_EINVAL);
	CHECK_OK(rump_sys_close(fd));
}

TEST(size_not_a_multiple_of_the_block_size)
{
	static unsigned char w[100352], r[100352 + 512];
	int unit = rd_make("d", 100352, 512), fd;	/* 196 sectors */

	pattern(w, sizeof(w), 0, 17);
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 0), (ssize_t)sizeof(w));
	CHECK_EQ(rump_sys_pread(fd, r, sizeof(r), 0), (ssize_t)sizeof(w));
	CHECK(memcmp(r, w, sizeof(w)) == 0);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK(rd_has(unit, 0, w, sizeof(w)));
	CHECK_EQ(RD_GET(unit, misaligned), 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(partial_last_sector_is_not_addressable)
{
	char r[2000];
	int fd;

	rd_make("d", 4096 + 100, 512);		/* 8 whole sectors */
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pread(fd, r, sizeof(r), 3000), 1096);
	CHECK_EQ(rump_sys_pwrite(fd, r, 10, 4096), 0);
	CHECK_ERR(rump_sys_pwrite(fd, r, 10, 4097), RUMP_EINVAL);
	CHECK_OK(rump_sys_close(fd));
}

/* --- opening, closing, the driver's entry points ---------------------------- */

TEST(open_without_a_driver_enxio)
{
	CHECK_OK(rump_sys_mknod("none", RUMP_S_IFBLK | 0600,
	    RUMP_MAKEDEV(T_RD_NONE_MAJOR, 0)));
	CHECK_ERR(rump_sys_open("none", RUMP_O_RDONLY, 0), RUMP_ENXIO);
}

TEST(open_of_a_missing_unit_is_the_drivers_error)
{
	CHECK_OK(rump_sys_mknod("nounit", RUMP_S_IFBLK | 0600,
	    RUMP_MAKEDEV(T_RD_MAJOR, T_RD_MAX - 1)));
	CHECK_ERR(rump_sys_open("nounit", RUMP_O_RDONLY, 0), RUMP_ENXIO);
}

TEST(d_open_each_open_d_close_on_the_last)
{
	int unit = rd_make("d", 64 * KB, 512), a, b;

	CHECK((a = rump_sys_open("d", RUMP_O_RDONLY, 0)) != -1);
	CHECK((b = rump_sys_open("d", RUMP_O_RDWR, 0)) != -1);
	CHECK_EQ(RD_GET(unit, opens), 2);
	CHECK_OK(rump_sys_close(a));
	CHECK_EQ(RD_GET(unit, closes), 0);
	CHECK_OK(rump_sys_close(b));
	CHECK_EQ(RD_GET(unit, closes), 1);
	CHECK(!RD_GET(unit, isopen));
}

TEST(d_open_failure_is_opens_error_and_counts_nothing)
{
	int unit = rd_make("d", 64 * KB, 512), fd;

	RD_SET(unit, fail_open, RUMP_EROFS);
	CHECK_ERR(rump_sys_open("d", RUMP_O_RDWR, 0), RUMP_EROFS);
	RD_SET(unit, fail_open, 0);
	CHECK((fd = open_rw("d")) != -1);
	CHECK_OK(rump_sys_close(fd));
	CHECK_EQ(RD_GET(unit, closes), 1);	/* the failed open needed none */
}

TEST(dup_shares_one_open)
{
	int unit = rd_make("d", 64 * KB, 512), fd, fd2;

	CHECK((fd = open_rw("d")) != -1);
	CHECK((fd2 = rump_sys_dup(fd)) != -1);
	CHECK_OK(rump_sys_close(fd));
	CHECK_EQ(RD_GET(unit, closes), 0);
	CHECK_OK(rump_sys_close(fd2));
	CHECK_EQ(RD_GET(unit, closes), 1);
}

TEST(two_nodes_of_one_device_share_the_cache)
{
	char w[600], r[600];
	int unit = rd_make("a", 64 * KB, 512), fa, fb;

	CHECK_OK(rd_node("b", unit));
	pattern(w, sizeof(w), 0, 18);
	CHECK((fa = open_rw("a")) != -1);
	CHECK((fb = open_rw("b")) != -1);
	CHECK_EQ(rump_sys_pwrite(fa, w, sizeof(w), 777), (ssize_t)sizeof(w));
	CHECK_EQ(rump_sys_pread(fb, r, sizeof(r), 777), (ssize_t)sizeof(r));
	CHECK(memcmp(w, r, sizeof(r)) == 0);
	CHECK_OK(rump_sys_close(fa));
	CHECK_EQ(RD_GET(unit, closes), 0);
	CHECK_OK(rump_sys_close(fb));
	CHECK_EQ(RD_GET(unit, closes), 1);
}

TEST(node_on_tmpfs_reaches_the_driver)
{
	char w[512];
	int unit = rd_new(64 * KB, 512), fd;

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(rd_node("mnt/disk", unit));
	pattern(w, sizeof(w), 0, 19);
	CHECK((fd = open_rw("mnt/disk")) != -1);
	CHECK_EQ(rump_sys_write(fd, w, sizeof(w)), 512);
	CHECK_OK(rump_sys_close(fd));
	CHECK(rd_has(unit, 0, w, sizeof(w)));
	rump_sys_unmount("mnt", 0);
}

TEST(nodev_mount_refuses_block_devices)
{
	struct rump_tmpfs_args ta;
	int unit = rd_new(64 * KB, 512);

	memset(&ta, 0, sizeof(ta));
	ta.ta_version = RUMP_TMPFS_ARGS_VERSION;
	ta.ta_root_mode = 0777;
	CHECK_OK(rump_sys_mkdir("mnt", 0777));
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", RUMP_MNT_NODEV, &ta,
	    sizeof(ta)));
	CHECK_OK(rd_node("mnt/disk", unit));
	CHECK_ERR(rump_sys_open("mnt/disk", RUMP_O_RDONLY, 0), RUMP_ENXIO);
	CHECK_EQ(RD_GET(unit, opens), 0);
	rump_sys_unmount("mnt", 0);
}

TEST(stat_says_block_device)
{
	struct rump_stat st;
	int unit = rd_make("d", 64 * KB, 512), fd;

	CHECK_OK(rump_sys_stat("d", (struct stat *)&st));
	CHECK(RUMP_S_ISBLK(st.st_mode));
	CHECK_EQ(st.st_rdev, rd_dev(unit));
	CHECK((fd = rump_sys_open("d", RUMP_O_RDONLY, 0)) != -1);
	CHECK_OK(rump_sys_fstat(fd, (struct stat *)&st));
	CHECK(RUMP_S_ISBLK(st.st_mode));
	CHECK_OK(rump_sys_close(fd));
}

TEST(poll_says_ready)
{
	struct pollfd pfd;
	int fd;

	rd_make("d", 64 * KB, 512);
	CHECK((fd = open_rw("d")) != -1);
	pfd.fd = fd;
	pfd.events = RUMP_POLLIN | RUMP_POLLOUT;
	pfd.revents = 0;
	CHECK_EQ(rump_sys_poll((void *)&pfd, 1, 0), 1);
	CHECK_EQ(pfd.revents, RUMP_POLLIN | RUMP_POLLOUT);
	CHECK_OK(rump_sys_close(fd));
}

TEST(ioctl_goes_to_the_driver)
{
	int unit = rd_make("d", 64 * KB, 512), fd, u = -1, on = 1;

	CHECK((fd = rump_sys_open("d", RUMP_O_RDONLY, 0)) != -1);
	CHECK_OK(rump_sys_ioctl(fd, T_RDIOCGUNIT, &u));
	CHECK_EQ(u, unit);
	CHECK_ERR(rump_sys_ioctl(fd, _RUMP_IOR('r', 99, int), &u), RUMP_ENOTTY);
	CHECK_OK(rump_sys_ioctl(fd, RUMP_FIONBIO, &on));	/* generic */
	CHECK_OK(rump_sys_close(fd));
}

TEST(diocachesync_writes_the_cache_and_syncs)
{
	char w[2048];
	int unit = rd_make("d", 64 * KB, 512), fd, one = 1;

	pattern(w, sizeof(w), 0, 20);
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 8192), (ssize_t)sizeof(w));
	CHECK_OK(rump_sys_ioctl(fd, T_DIOCCACHESYNC, &one));
	CHECK(rd_has(unit, 8192, w, sizeof(w)));
	CHECK(RD_GET(unit, syncs) >= 1);
	CHECK(RD_GET(unit, ioctls) >= 1);
	CHECK_OK(rump_sys_close(fd));
}

TEST(read_only_open_cannot_write)
{
	int fd;

	rd_make("d", 64 * KB, 512);
	CHECK((fd = rump_sys_open("d", RUMP_O_RDONLY, 0)) != -1);
	CHECK_ERR(rump_sys_write(fd, "x", 1), RUMP_EBADF);
	CHECK_OK(rump_sys_close(fd));
}

/* --- O_SYNC -------------------------------------------------------------------- */

TEST(osync_write_reaches_the_disk_before_returning)
{
	char w[3000];
	int unit = rd_make("d", 64 * KB, 512), fd;

	pattern(w, sizeof(w), 0, 21);
	CHECK((fd = rump_sys_open("d", RUMP_O_RDWR | RUMP_O_SYNC, 0)) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 5000), (ssize_t)sizeof(w));
	CHECK(rd_has(unit, 5000, w, sizeof(w)));
	CHECK(RD_GET(unit, syncs) >= 1);
	CHECK_OK(rump_sys_close(fd));
}

TEST(osync_write_error_is_the_writes)
{
	char w[512];
	int unit = rd_make("d", 64 * KB, 512), fd;

	CHECK((fd = rump_sys_open("d", RUMP_O_RDWR | RUMP_O_SYNC, 0)) != -1);
	RD_SET(unit, fail_write, RUMP_EIO);
	CHECK_ERR(rump_sys_pwrite(fd, w, sizeof(w), 0), RUMP_EIO);
	RD_SET(unit, fail_write, 0);
	CHECK_OK(rump_sys_fsync(fd));		/* the kept data goes out */
	CHECK(rd_has(unit, 0, w, sizeof(w)));
	CHECK_OK(rump_sys_close(fd));
}

/* --- errors -------------------------------------------------------------------- */

TEST(write_error_surfaces_at_fsync_and_data_stays_dirty)
{
	char w[4096];
	int unit = rd_make("d", 64 * KB, 512), fd;

	pattern(w, sizeof(w), 0, 22);
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 16384), (ssize_t)sizeof(w));
	RD_SET(unit, fail_write, RUMP_EIO);
	CHECK_ERR(rump_sys_fsync(fd), RUMP_EIO);
	CHECK(!rd_has(unit, 16384, w, sizeof(w)));
	CHECK_ERR(rump_sys_fsync(fd), RUMP_EIO);	/* still there, still failing */
	RD_SET(unit, fail_write, 0);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK(rd_has(unit, 16384, w, sizeof(w)));
	CHECK_OK(rump_sys_fsync(fd));
	CHECK_OK(rump_sys_close(fd));
}

TEST(enospc_from_the_driver_is_reported_as_is)
{
	char w[512];
	int unit = rd_make("d", 64 * KB, 512), fd;

	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 0), 512);
	RD_SET(unit, fail_write, RUMP_ENOSPC);
	CHECK_ERR(rump_sys_fsync(fd), RUMP_ENOSPC);
	RD_SET(unit, fail_write, 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(write_error_at_last_close_is_closes_and_data_survives)
{
	char w[1024], r[1024];
	int unit = rd_make("d", 64 * KB, 512), fd;

	pattern(w, sizeof(w), 0, 23);
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 2048), (ssize_t)sizeof(w));
	RD_SET(unit, fail_write, RUMP_EIO);
	CHECK_ERR(rump_sys_close(fd), RUMP_EIO);
	CHECK_EQ(RD_GET(unit, closes), 1);
	RD_SET(unit, fail_write, 0);
	/* the data is still in the cache: readable, and the next
	 * flush writes it */
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pread(fd, r, sizeof(r), 2048), (ssize_t)sizeof(r));
	CHECK(memcmp(r, w, sizeof(r)) == 0);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK(rd_has(unit, 2048, w, sizeof(w)));
	CHECK_OK(rump_sys_close(fd));
}

TEST(one_failing_block_does_not_hold_back_the_others)
{
	static char w[128 * KB];
	int unit = rd_make("d", 256 * KB, 512), fd;

	pattern(w, sizeof(w), 0, 24);
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 0), (ssize_t)sizeof(w));
	RD_SET(unit, fail_write_after, 0);
	RD_SET(unit, fail_write, RUMP_EIO);
	CHECK_ERR(rump_sys_fsync(fd), RUMP_EIO);
	RD_SET(unit, fail_write, 0);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK(rd_has(unit, 0, w, sizeof(w)));
	CHECK_OK(rump_sys_close(fd));
}

TEST(read_error_is_eio_and_not_remembered)
{
	char r[512];
	int unit = rd_make("d", 64 * KB, 512), fd;

	CHECK((fd = rump_sys_open("d", RUMP_O_RDONLY, 0)) != -1);
	RD_SET(unit, fail_read, RUMP_EIO);
	CHECK_ERR(rump_sys_pread(fd, r, sizeof(r), 0), RUMP_EIO);
	RD_SET(unit, fail_read, 0);
	CHECK_EQ(rump_sys_pread(fd, r, sizeof(r), 0), 512);
	CHECK_OK(rump_sys_close(fd));
}

TEST(partial_write_needs_a_read_whose_error_is_the_writes)
{
	char w[10];
	int unit = rd_make("d", 64 * KB, 512), fd;

	CHECK((fd = open_rw("d")) != -1);
	RD_SET(unit, fail_read, RUMP_EIO);
	CHECK_ERR(rump_sys_pwrite(fd, w, sizeof(w), 40000), RUMP_EIO);
	RD_SET(unit, fail_read, 0);
	CHECK_OK(rump_sys_close(fd));
}

/* --- whole sectors: no reading ------------------------------------------------ */

TEST(sector_write_to_an_uncached_block_reads_nothing)
{
	unsigned char disk[32 * KB], w[512];
	int unit = rd_make("d", sizeof(disk), 512), fd;

	pattern(t_rd[unit].data, sizeof(disk), 0, 40);
	memcpy(disk, t_rd[unit].data, sizeof(disk));
	memset(w, 0x5a, sizeof(w));
	memcpy(disk + 1024, w, sizeof(w));
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 1024), 512);
	CHECK_EQ(RD_GET(unit, reads), 0);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK_EQ(RD_GET(unit, wbytes), 512);	/* just that sector */
	CHECK(rd_has(unit, 0, disk, sizeof(disk)));
	CHECK_OK(rump_sys_close(fd));
}

TEST(sequential_4k_writes_read_nothing)
{
	static unsigned char w[1024 * KB];
	int unit = rd_make("d", sizeof(w), 512), fd;
	size_t off;

	pattern(w, sizeof(w), 0, 41);
	CHECK((fd = open_rw("d")) != -1);
	for (off = 0; off < sizeof(w); off += 4096)
		CHECK_EQ(rump_sys_write(fd, w + off, 4096), 4096);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK_EQ(RD_GET(unit, reads), 0);
	CHECK(RD_GET(unit, writes) <= 8);	/* whole blocks, gathered */
	CHECK(rd_has(unit, 0, w, sizeof(w)));
	CHECK_OK(rump_sys_close(fd));
}

TEST(reading_a_block_with_sectors_written_merges_the_rest)
{
	unsigned char want[16 * KB], r[16 * KB], w[1024];
	int unit = rd_make("d", 64 * KB, 512), fd;

	pattern(t_rd[unit].data, 64 * KB, 0, 42);
	memcpy(want, t_rd[unit].data + 16 * KB, sizeof(want));
	memset(w, 0xa1, sizeof(w));
	memcpy(want + 2048, w, sizeof(w));
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 16 * KB + 2048), 1024);
	CHECK_EQ(rump_sys_pread(fd, r, sizeof(r), 16 * KB), (ssize_t)sizeof(r));
	CHECK(memcmp(r, want, sizeof(r)) == 0);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK(rd_has(unit, 16 * KB, want, sizeof(want)));
	CHECK_OK(rump_sys_close(fd));
}

TEST(sectors_written_apart_in_one_block_merge)
{
	unsigned char want[16 * KB], a[512], b[1024];
	int unit = rd_make("d", 16 * KB, 512), fd;

	pattern(t_rd[unit].data, 16 * KB, 0, 43);
	memcpy(want, t_rd[unit].data, sizeof(want));
	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	memcpy(want, a, sizeof(a));
	memcpy(want + 8192, b, sizeof(b));
	memcpy(want + 512, a, sizeof(a));	/* then grows the first */
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, a, sizeof(a), 0), 512);
	CHECK_EQ(rump_sys_pwrite(fd, b, sizeof(b), 8192), 1024);
	CHECK_EQ(rump_sys_pwrite(fd, a, sizeof(a), 512), 512);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK(rd_has(unit, 0, want, sizeof(want)));
	CHECK_OK(rump_sys_close(fd));
}

TEST(byte_write_into_a_block_with_sectors_written)
{
	unsigned char want[16 * KB], w[512];
	int unit = rd_make("d", 16 * KB, 512), fd;

	pattern(t_rd[unit].data, 16 * KB, 0, 44);
	memcpy(want, t_rd[unit].data, sizeof(want));
	memset(w, 's', sizeof(w));
	memcpy(want + 4096, w, sizeof(w));
	want[10000] = 'x';
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 4096), 512);
	CHECK_EQ(rump_sys_pwrite(fd, "x", 1, 10000), 1);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK(rd_has(unit, 0, want, sizeof(want)));
	CHECK_OK(rump_sys_close(fd));
}

TEST(failed_sector_write_keeps_only_its_sectors)
{
	unsigned char want[16 * KB], w[2048];
	int unit = rd_make("d", 16 * KB, 512), fd;

	pattern(t_rd[unit].data, 16 * KB, 0, 45);
	memcpy(want, t_rd[unit].data, sizeof(want));
	memset(w, 'f', sizeof(w));
	memcpy(want + 6144, w, sizeof(w));
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 6144), 2048);
	RD_SET(unit, fail_write, RUMP_EIO);
	CHECK_ERR(rump_sys_fsync(fd), RUMP_EIO);
	RD_SET(unit, fail_write, 0);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK(rd_has(unit, 0, want, sizeof(want)));
	CHECK_EQ(RD_GET(unit, reads), 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(osync_sector_write_writes_just_that_sector)
{
	char w[512];
	int unit = rd_make("d", 64 * KB, 512), fd;

	memset(w, 'o', sizeof(w));
	CHECK((fd = rump_sys_open("d", RUMP_O_RDWR | RUMP_O_SYNC, 0)) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 3584), 512);
	CHECK_EQ(RD_GET(unit, wbytes), 512);
	CHECK_EQ(RD_GET(unit, reads), 0);
	CHECK(rd_has(unit, 3584, w, sizeof(w)));
	CHECK_OK(rump_sys_close(fd));
}

/* --- the cache at work ------------------------------------------------------- */

TEST(second_read_comes_from_the_cache)
{
	char r[8192];
	int unit = rd_make("d", 64 * KB, 512), fd;
	unsigned long reads;

	CHECK((fd = rump_sys_open("d", RUMP_O_RDONLY, 0)) != -1);
	CHECK_EQ(rump_sys_pread(fd, r, sizeof(r), 0), (ssize_t)sizeof(r));
	reads = RD_GET(unit, reads);
	CHECK(reads >= 1);
	CHECK_EQ(rump_sys_pread(fd, r, sizeof(r), 0), (ssize_t)sizeof(r));
	CHECK_EQ(RD_GET(unit, reads), reads);
	CHECK_OK(rump_sys_close(fd));
}

TEST(sequential_reads_read_ahead)
{
	static char r[4096];
	int unit = rd_make("d", 4096 * KB, 512), fd;
	off_t off;
	struct bio_stats before, after;

	KDO(bio_getstats(&before));
	CHECK((fd = rump_sys_open("d", RUMP_O_RDONLY, 0)) != -1);
	for (off = 0; off < 4096 * KB; off += sizeof(r))
		CHECK_EQ(rump_sys_read(fd, r, sizeof(r)), (ssize_t)sizeof(r));
	KDO(bio_getstats(&after));
	/* 256 cache blocks in far fewer driver calls */
	CHECK(RD_GET(unit, reads) < 40);
	CHECK(RD_GET(unit, maxxfer) > 16 * KB);
	CHECK(after.bs_rablocks - before.bs_rablocks > 200);
	CHECK_EQ(RD_GET(unit, rbytes), 4096 * KB);
	CHECK_OK(rump_sys_close(fd));
}

TEST(random_reads_do_not_read_ahead)
{
	char r[512];
	int unit = rd_make("d", 4096 * KB, 512), fd, i;

	CHECK((fd = rump_sys_open("d", RUMP_O_RDONLY, 0)) != -1);
	for (i = 0; i < 50; i++) {
		off_t blk = (off_t)((i * 37) % 256);

		CHECK_EQ(rump_sys_pread(fd, r, sizeof(r), blk * 16 * KB), 512);
	}
	CHECK(RD_GET(unit, maxxfer) <= 16 * KB);
	CHECK_OK(rump_sys_close(fd));
}

TEST(sequential_writes_go_out_in_large_transfers)
{
	static char w[1024 * KB];
	int unit = rd_make("d", 1024 * KB, 512), fd;

	pattern(w, sizeof(w), 0, 25);
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_write(fd, w, sizeof(w)), (ssize_t)sizeof(w));
	CHECK_OK(rump_sys_fsync(fd));
	CHECK(rd_has(unit, 0, w, sizeof(w)));
	CHECK(RD_GET(unit, writes) <= 8);	/* 64 blocks, 256 KiB runs */
	CHECK_OK(rump_sys_close(fd));
}

TEST(syncer_writes_old_delayed_writes)
{
	char w[4096];
	int unit = rd_make("d", 64 * KB, 512), fd, i;

	pattern(w, sizeof(w), 0, 26);
	KDO(bio_setsyncdelay(T_NSEC / 10));
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 0), (ssize_t)sizeof(w));
	for (i = 0; i < 300 && !rd_has(unit, 0, w, sizeof(w)); i++)
		t_sleep_ms(10);
	CHECK(rd_has(unit, 0, w, sizeof(w)));
	KDO(bio_setsyncdelay(3600 * T_NSEC));
	CHECK_OK(rump_sys_close(fd));
}

TEST(syncer_leaves_young_writes_alone)
{
	char w[4096];
	int unit = rd_make("d", 64 * KB, 512), fd;

	pattern(w, sizeof(w), 0, 27);
	KDO(bio_setsyncdelay(30 * T_NSEC));
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 0), (ssize_t)sizeof(w));
	t_sleep_ms(1500);
	CHECK_EQ(RD_GET(unit, writes), 0);
	KDO(bio_setsyncdelay(3600 * T_NSEC));
	CHECK_OK(rump_sys_close(fd));
	CHECK(rd_has(unit, 0, w, sizeof(w)));
}

TEST(syncer_retries_a_failed_write)
{
	char w[4096];
	int unit = rd_make("d", 64 * KB, 512), fd, i;

	pattern(w, sizeof(w), 0, 28);
	RD_SET(unit, fail_write, RUMP_EIO);
	KDO(bio_setsyncdelay(T_NSEC / 20));
	CHECK((fd = open_rw("d")) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 0), (ssize_t)sizeof(w));
	for (i = 0; i < 300 && RD_GET(unit, writes) < 2; i++)
		t_sleep_ms(10);
	CHECK(RD_GET(unit, writes) >= 2);
	CHECK(!rd_has(unit, 0, w, sizeof(w)));
	RD_SET(unit, fail_write, 0);
	for (i = 0; i < 300 && !rd_has(unit, 0, w, sizeof(w)); i++)
		t_sleep_ms(10);
	CHECK(rd_has(unit, 0, w, sizeof(w)));
	KDO(bio_setsyncdelay(3600 * T_NSEC));
	CHECK_OK(rump_sys_close(fd));
}

/* --- threads -------------------------------------------------------------------- */

struct worker {
	pid_t	pid;			/* the test's process */
	int	fd;
	int	id;
	int	unit;
	int	bad;
};

#define REGION	(96 * KB)

static void *
writer_region(void *arg)
{
	struct worker *w = arg;
	static __thread char buf[3000], back[3000];
	off_t base = (off_t)w->id * REGION, off;

	rump_pub_lwproc_newlwp(w->pid);
	for (off = 0; off + (off_t)sizeof(buf) <= REGION; off += sizeof(buf)) {
		pattern(buf, sizeof(buf), (uint64_t)(base + off), (unsigned)w->id);
		if (rump_sys_pwrite(w->fd, buf, sizeof(buf), base + off) !=
		    (ssize_t)sizeof(buf))
			w->bad++;
		if (rump_sys_pread(w->fd, back, sizeof(back), base + off) !=
		    (ssize_t)sizeof(back) || memcmp(buf, back, sizeof(buf)))
			w->bad++;
	}
	rump_pub_lwproc_releaselwp();
	return NULL;
}

TEST(concurrent_writers_in_neighbouring_regions)
{
	enum { N = 6 };
	static char want[3000];
	pthread_t t[N];
	struct worker w[N];
	int unit = rd_make("d", N * REGION, 512), fd, i;
	off_t off;

	CHECK((fd = open_rw("d")) != -1);
	for (i = 0; i < N; i++) {
		w[i] = (struct worker){ rump_sys_getpid(), fd, i, unit, 0 };
		pthread_create(&t[i], NULL, writer_region, &w[i]);
	}
	for (i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(w[i].bad, 0);
	}
	CHECK_OK(rump_sys_fsync(fd));
	for (i = 0; i < N; i++)
		for (off = 0; off + 3000 <= REGION; off += 3000) {
			off_t at = (off_t)i * REGION + off;

			pattern(want, sizeof(want), (uint64_t)at, (unsigned)i);
			CHECK(rd_has(unit, (uint64_t)at, want, sizeof(want)));
		}
	CHECK_EQ(RD_GET(unit, misaligned), 0);
	CHECK_OK(rump_sys_close(fd));
}

static void *
hammer_same_blocks(void *arg)
{
	struct worker *w = arg;
	unsigned char buf[1000];
	int i;

	rump_pub_lwproc_newlwp(w->pid);
	for (i = 0; i < 400; i++) {
		off_t off = (off_t)((i * 7919 + w->id * 104729) % (64 * KB - 1000));

		if (i % 3 == 0) {
			/* whole records of one byte value: never torn */
			memset(buf, (unsigned char)(w->id + 1), sizeof(buf));
			off -= off % 1000;
			if (rump_sys_pwrite(w->fd, buf, sizeof(buf), off) != 1000)
				w->bad++;
		} else if (rump_sys_pread(w->fd, buf, sizeof(buf), off) != 1000)
			w->bad++;
		if (i % 50 == 0 && rump_sys_fsync(w->fd) != 0)
			w->bad++;
	}
	rump_pub_lwproc_releaselwp();
	return NULL;
}

TEST(concurrent_readers_and_writers_on_the_same_blocks)
{
	enum { N = 8 };
	pthread_t t[N];
	struct worker w[N];
	int unit = rd_make("d", 64 * KB, 512), fd, i;

	CHECK((fd = open_rw("d")) != -1);
	for (i = 0; i < N; i++) {
		w[i] = (struct worker){ rump_sys_getpid(), fd, i, unit, 0 };
		pthread_create(&t[i], NULL, hammer_same_blocks, &w[i]);
	}
	for (i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(w[i].bad, 0);
	}
	CHECK_OK(rump_sys_close(fd));
	CHECK_EQ(RD_GET(unit, misaligned), 0);
}

static void *
open_close_loop(void *arg)
{
	struct worker *w = arg;
	char c = 'q';
	int i, fd;

	rump_pub_lwproc_newlwp(w->pid);
	for (i = 0; i < 100; i++) {
		if ((fd = rump_sys_open("d", RUMP_O_RDWR, 0)) == -1) {
			w->bad++;
			continue;
		}
		if (rump_sys_pwrite(fd, &c, 1, w->id * 512 + i) != 1)
			w->bad++;
		if (rump_sys_close(fd) != 0)
			w->bad++;
	}
	rump_pub_lwproc_releaselwp();
	return NULL;
}

TEST(concurrent_opens_and_last_closes)
{
	enum { N = 4 };
	pthread_t t[N];
	struct worker w[N];
	int unit = rd_make("d", 64 * KB, 512), i;

	for (i = 0; i < N; i++) {
		w[i] = (struct worker){ rump_sys_getpid(), -1, i, unit, 0 };
		pthread_create(&t[i], NULL, open_close_loop, &w[i]);
	}
	for (i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(w[i].bad, 0);
	}
	CHECK_EQ(RD_GET(unit, opens), 4 * 100);
	CHECK(!RD_GET(unit, isopen));
	CHECK_EQ(t_rd[unit].data[3 * 512 + 99], 'q');
}
