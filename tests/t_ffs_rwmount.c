/*
 * t_ffs_rwmount: mounting FFS read-write (spec 5): the clean flag's
 * life cycle read from the image's bytes (2 "was clean" as soon as a
 * read-write mount returns, 1 after unmount), a dirty image that
 * mounts and stays dirty, read-only mounts that leave the image
 * byte-for-byte alone, MNT_UPDATE between read-only and read-write,
 * MNT_SYNCHRONOUS and fsync putting data on the disk at once,
 * statvfs from the live summary, and old-layout UFS1 refused
 * read-write.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "t_ffs_util.h"

#define MNT	"/mnt"
#define KEY	"/dev/ffsm"
#define SBLOC	8192		/* where makefs puts the superblock */

static char image[256];

static bool
make_image(const char *opts)
{
	char src[300], mopts[256];

	snprintf(image, sizeof(image), "%s/%s.img", ffs_tmpdir(), t_current);
	snprintf(src, sizeof(src), "%s/%s.src", ffs_tmpdir(), t_current);
	mkdir(src, 0755);
	snprintf(mopts, sizeof(mopts), "-f 500 %s", opts);
	if (ffs_makefs(mopts, "16m", image, src) != 0) {
		t_fail(__FILE__, __LINE__, "makefs");
		return false;
	}
	return true;
}

/* fs_clean, straight from the image (spec 3: byte 209). */
static int
clean_byte(void)
{
	unsigned char c = 0xee;
	int fd = open(image, O_RDONLY);

	if (fd == -1 || pread(fd, &c, 1, SBLOC + 209) != 1)
		t_fail(__FILE__, __LINE__, "read fs_clean");
	if (fd != -1)
		close(fd);
	return c;
}

static void
set_clean_byte(int v)
{
	unsigned char c = (unsigned char)v;
	int fd = open(image, O_WRONLY);

	if (fd == -1 || pwrite(fd, &c, 1, SBLOC + 209) != 1)
		t_fail(__FILE__, __LINE__, "write fs_clean");
	if (fd != -1)
		close(fd);
}

/* Does the image file hold these bytes anywhere? */
static bool
image_has(const void *want, size_t len)
{
	int fd = open(image, O_RDONLY);
	struct stat s;
	char *all;
	bool found = false;

	if (fd == -1 || fstat(fd, &s) != 0)
		return false;
	all = malloc((size_t)s.st_size);
	if (pread(fd, all, (size_t)s.st_size, 0) == s.st_size)
		found = memmem(all, (size_t)s.st_size, want, len) != NULL;
	free(all);
	close(fd);
	return found;
}

/* Every block-sized piece of buf is in the image (blocks need not
 * be next to each other). */
static bool
image_has_blocks(const char *buf, size_t len, size_t bsize)
{
	for (size_t off = 0; off < len; off += bsize)
		if (!image_has(buf + off, len - off < bsize ? len - off : bsize))
			return false;
	return true;
}

static void
file_hash(const char *path, unsigned long long *h)
{
	int fd = open(path, O_RDONLY);
	unsigned char buf[65536];
	ssize_t n;

	*h = 1469598103934665603ULL;
	while (fd != -1 && (n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			*h = (*h ^ buf[i]) * 1099511628211ULL;
	if (fd != -1)
		close(fd);
}

static void
pattern(char *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)ffs_pat(i, seed);
	memcpy(buf, "UNIQUE-MARK-", 12);
	buf[12] = (char)('A' + seed % 26);
}

TEST(clean_flag_life_cycle)
{
	int fd;

	if (!make_image("-o version=2"))
		return;
	CHECK_EQ(clean_byte(), 1);
	CHECK_OK(ffs_mount_flags(image, KEY, MNT, 0));
	/* on the disk before anything else is changed */
	CHECK_EQ(clean_byte(), 2);
	fd = rump_sys_open(MNT "/f", RUMP_O_CREAT | RUMP_O_WRONLY, 0644);
	CHECK_EQ(rump_sys_write(fd, "data", 4), 4);
	rump_sys_close(fd);
	rump_sys_sync();
	CHECK_EQ(clean_byte(), 2);
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(clean_byte(), 1);
	CHECK_EQ(ffs_image_ok(image), 0);
}

TEST(dirty_image_mounts_and_stays_dirty)
{
	struct ffs_imgcheck ic;
	int fd;

	if (!make_image("-o version=1"))
		return;
	set_clean_byte(0);
	CHECK_OK(ffs_mount_flags(image, KEY, MNT, 0));
	fd = rump_sys_open(MNT "/f", RUMP_O_CREAT | RUMP_O_WRONLY, 0644);
	CHECK_EQ(rump_sys_write(fd, "data", 4), 4);
	rump_sys_close(fd);
	ffs_unmount_image(KEY, MNT);
	/* 0 << 1 is still 0: only fsck makes it clean again */
	CHECK_EQ(clean_byte(), 0);
	CHECK_EQ(ffs_image_check(image, &ic), 0);
	CHECK_EQ(ffs_fsck(image, false), 0);
	/* a left-over "was clean" becomes 4 */
	set_clean_byte(2);
	CHECK_OK(ffs_mount_flags(image, KEY, MNT, 0));
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(clean_byte(), 4);
}

TEST(read_only_mount_writes_nothing)
{
	unsigned long long h0, h1;
	char buf[8];
	int fd;

	if (!make_image("-o version=2 -B be"))
		return;
	set_clean_byte(0);	/* dirty: mounts read-only silently */
	file_hash(image, &h0);
	CHECK_OK(ffs_mount_flags(image, KEY, MNT, RUMP_MNT_RDONLY));
	CHECK_ERR(rump_sys_open(MNT "/f", RUMP_O_CREAT | RUMP_O_WRONLY, 0644),
	    RUMP_EROFS);
	fd = rump_sys_open(MNT, RUMP_O_RDONLY);
	CHECK_EQ(rump_sys_getdents(fd, buf, 0) <= 0, 1);
	rump_sys_close(fd);
	ffs_unmount_image(KEY, MNT);
	file_hash(image, &h1);
	CHECK_EQ(h0, h1);
}

TEST(update_ro_rw_ro)
{
	struct rump_ufs_args args = { .fspec = (char *)KEY };
	char buf[20000], got[20000];
	int fd;

	if (!make_image("-o version=2,bsize=16384,fsize=2048"))
		return;
	pattern(buf, sizeof(buf), 1);
	CHECK_OK(ffs_mount_flags(image, KEY, MNT, RUMP_MNT_RDONLY));
	CHECK_EQ(clean_byte(), 1);
	CHECK_OK(rump_sys_mount("ffs", MNT, RUMP_MNT_UPDATE, &args,
	    sizeof(args)));
	CHECK_EQ(clean_byte(), 2);
	fd = rump_sys_open(MNT "/f", RUMP_O_CREAT | RUMP_O_RDWR, 0644);
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	/* busy: a file is open for writing */
	CHECK_ERR(rump_sys_mount("ffs", MNT, RUMP_MNT_UPDATE |
	    RUMP_MNT_RDONLY, &args, sizeof(args)), RUMP_EBUSY);
	rump_sys_close(fd);
	CHECK_OK(rump_sys_mount("ffs", MNT, RUMP_MNT_UPDATE | RUMP_MNT_RDONLY,
	    &args, sizeof(args)));
	/* everything is on the disk and the image is clean, mounted */
	CHECK_EQ(clean_byte(), 1);
	CHECK(image_has_blocks(buf, sizeof(buf), 16384));
	CHECK_EQ(ffs_image_ok(image), 0);
	CHECK_ERR(rump_sys_open(MNT "/g", RUMP_O_CREAT | RUMP_O_WRONLY, 0644),
	    RUMP_EROFS);
	CHECK_EQ(t_read_file(MNT "/f", got, sizeof(got)), (long)sizeof(buf));
	CHECK(memcmp(got, buf, sizeof(buf)) == 0);
	/* and back to read-write */
	CHECK_OK(rump_sys_mount("ffs", MNT, RUMP_MNT_UPDATE, &args,
	    sizeof(args)));
	CHECK_OK(rump_sys_unlink(MNT "/f"));
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(clean_byte(), 1);
	CHECK_EQ(ffs_image_ok(image), 0);
}

TEST(synchronous_mount_writes_at_once)
{
	char buf[9000];
	int fd;

	if (!make_image("-o version=1"))
		return;
	pattern(buf, sizeof(buf), 2);
	CHECK_OK(ffs_mount_flags(image, KEY, MNT, RUMP_MNT_SYNCHRONOUS));
	fd = rump_sys_open(MNT "/f", RUMP_O_CREAT | RUMP_O_WRONLY, 0644);
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	CHECK(image_has_blocks(buf, sizeof(buf), 8192));
	rump_sys_close(fd);
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
}

TEST(fsync_writes_at_once)
{
	char buf[70000];
	int fd;

	if (!make_image("-o version=2"))
		return;
	pattern(buf, sizeof(buf), 3);
	CHECK_OK(ffs_mount_flags(image, KEY, MNT, 0));
	fd = rump_sys_open(MNT "/f", RUMP_O_CREAT | RUMP_O_WRONLY, 0644);
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	CHECK_OK(rump_sys_fsync(fd));
	CHECK(image_has_blocks(buf, sizeof(buf), 8192));
	rump_sys_close(fd);
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
}

TEST(statvfs_follows_allocation)
{
	struct rump_statvfs a, b;
	char buf[8192 * 4];
	int fd;

	if (!make_image("-o version=2,bsize=8192,fsize=1024"))
		return;
	memset(buf, 'x', sizeof(buf));
	CHECK_OK(ffs_mount_flags(image, KEY, MNT, 0));
	CHECK_OK(rump_sys_statvfs1(MNT, (void *)&a, RUMP_ST_WAIT));
	CHECK_EQ(a.f_frsize, 1024);
	CHECK_STR(a.f_mntfromname, KEY);	/* the device, as NetBSD */
	fd = rump_sys_open(MNT "/f", RUMP_O_CREAT | RUMP_O_WRONLY, 0644);
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	rump_sys_close(fd);
	CHECK_OK(rump_sys_statvfs1(MNT, (void *)&b, RUMP_ST_WAIT));
	/* four blocks of eight frags */
	CHECK_EQ(a.f_bfree - b.f_bfree, 32);
	CHECK_EQ(a.f_ffree - b.f_ffree, 1);
	CHECK_EQ(b.f_blocks, a.f_blocks);
	/* a 3000-byte file takes three 1 KiB frags */
	fd = rump_sys_open(MNT "/g", RUMP_O_CREAT | RUMP_O_WRONLY, 0644);
	CHECK_EQ(rump_sys_write(fd, buf, 3000), 3000);
	rump_sys_close(fd);
	CHECK_OK(rump_sys_statvfs1(MNT, (void *)&a, RUMP_ST_WAIT));
	CHECK_EQ(b.f_bfree - a.f_bfree, 3);
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
}

/* UFS1 without FS_FLAGS_UPDATED: its rotational tables are not kept. */
TEST(old_layout_ufs1_is_read_only)
{
	unsigned char flags;
	int fd;

	if (!make_image("-o version=1"))
		return;
	fd = open(image, O_RDWR);
	CHECK(fd != -1 && pread(fd, &flags, 1, SBLOC + 211) == 1);
	flags &= 0x7f;
	CHECK(pwrite(fd, &flags, 1, SBLOC + 211) == 1);
	close(fd);
	CHECK_ERR(ffs_mount_flags(image, KEY, MNT, 0), RUMP_EROFS);
	CHECK_OK(ffs_mount_flags(image, KEY, MNT, RUMP_MNT_RDONLY));
	{
		struct rump_ufs_args args = { .fspec = (char *)KEY };

		CHECK_ERR(rump_sys_mount("ffs", MNT, RUMP_MNT_UPDATE, &args,
		    sizeof(args)), RUMP_EROFS);
	}
	ffs_unmount_image(KEY, MNT);
}

/* A file system that is full says so, and fsck still agrees after. */
TEST(full_file_system)
{
	static char buf[65536];
	struct rump_statvfs sv;
	ssize_t n = 0, total = 0;
	int fd;

	if (!make_image("-o version=2,bsize=4096,fsize=512"))
		return;
	CHECK_OK(ffs_mount_flags(image, KEY, MNT, 0));
	fd = rump_sys_open(MNT "/fill", RUMP_O_CREAT | RUMP_O_WRONLY, 0644);
	while ((n = rump_sys_write(fd, buf, sizeof(buf))) > 0)
		total += n;
	CHECK_EQ(n, -1);
	CHECK_EQ(errno, RUMP_ENOSPC);
	CHECK(total > 10 * 1024 * 1024);
	rump_sys_close(fd);
	CHECK_OK(rump_sys_statvfs1(MNT, (void *)&sv, RUMP_ST_WAIT));
	CHECK(sv.f_bfree < 4096 / 512 + sv.f_bresvd);
	CHECK_OK(rump_sys_unlink(MNT "/fill"));
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
}

TEST(o_sync_writes_at_once)
{
	char buf[12000];
	int fd;

	if (!make_image("-o version=2 -B be"))
		return;
	pattern(buf, sizeof(buf), 4);
	CHECK_OK(ffs_mount_flags(image, KEY, MNT, 0));
	fd = rump_sys_open(MNT "/f", RUMP_O_CREAT | RUMP_O_WRONLY |
	    RUMP_O_SYNC, 0644);
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	CHECK(image_has_blocks(buf, sizeof(buf), 8192));
	/* appends land at the end, whatever the offset says */
	rump_sys_close(fd);
	fd = rump_sys_open(MNT "/f", RUMP_O_WRONLY | RUMP_O_APPEND);
	CHECK_EQ(rump_sys_pwrite(fd, "tail", 4, 0), 4);
	rump_sys_close(fd);
	CHECK_EQ(t_read_file(MNT "/f", buf, sizeof(buf)), (long)sizeof(buf));
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
}
