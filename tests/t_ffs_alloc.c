/*
 * t_ffs_alloc: allocation on a read-write FFS.  UFS2 initialises inode
 * blocks lazily (spec 8.4), giving each inode of a fresh block a
 * generation number: they must be non-zero, fit 31 bits, and differ
 * (NFS-style handles of a reused inode go stale by them); each new
 * file's generation is its dinode's plus one.  Then a disk filled
 * with files of odd sizes (so most last blocks are fragment runs) and
 * emptied again must give back every block, fragment and inode,
 * checked by statvfs against the empty image and by our image check
 * and rump.fsck_ffs after unmount.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "t_ffs_util.h"

#define MNT	"/mnt"
#define KEY	"/dev/ffsa"
#define NGEN	300

static char image[256];

static bool
setup(const char *opts, const char *size)
{
	char src[300], mopts[256];

	snprintf(image, sizeof(image), "%s/%s.img", ffs_tmpdir(), t_current);
	snprintf(src, sizeof(src), "%s/%s.src", ffs_tmpdir(), t_current);
	mkdir(src, 0755);
	snprintf(mopts, sizeof(mopts), "-f 3000 %s", opts);
	if (ffs_makefs(mopts, size, image, src) != 0 ||
	    ffs_mount_flags(image, KEY, MNT, 0) != 0) {
		t_fail(__FILE__, __LINE__, "setup %s: %d", opts, errno);
		return false;
	}
	return true;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* di_gen of UFS2 inode ino, read from the (little-endian) image. */
static uint32_t
image_gen(const struct ffs_sbinfo *sb, uint64_t ino)
{
	int64_t c = (int64_t)ino / sb->ipg, i = (int64_t)ino % sb->ipg;
	int64_t frag = c * sb->fpg + sb->iblkno + i / sb->inopb * sb->frag;
	unsigned char b[4] = { 0 };
	int fd = open(image, O_RDONLY);

	if (fd == -1 || pread(fd, b, 4, frag * sb->fsize +
	    i % sb->inopb * 256 + 80) != 4)
		t_fail(__FILE__, __LINE__, "read inode %llu",
		    (unsigned long long)ino);
	if (fd != -1)
		close(fd);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}

TEST(fresh_inodes_get_distinct_generations)
{
	uint32_t gen[NGEN];
	uint64_t ino[NGEN];
	struct ffs_sbinfo sb = { 0 };
	struct rump_stat st;
	char p[64];
	int fd, same = 0;

	if (!setup("-o version=2", "16m"))
		return;
	for (int i = 0; i < NGEN; i++) {
		snprintf(p, sizeof(p), MNT "/f%d", i);
		CHECK((fd = rump_sys_open(p, RUMP_O_CREAT | RUMP_O_RDWR,
		    0644)) >= 0);
		rump_sys_close(fd);
		CHECK_OK(rump_sys_stat(p, (struct stat *)(void *)&st));
		ino[i] = st.st_ino;
	}
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
	if (ffs_read_sbinfo(image, &sb) != 0 || sb.inopb != sb.bsize / 256 ||
	    sb.ipg <= 0) {
		t_fail(__FILE__, __LINE__, "superblock of %s", image);
		return;
	}
	for (int i = 0; i < NGEN; i++) {
		gen[i] = image_gen(&sb, ino[i]);
		CHECK(gen[i] != 0 && gen[i] <= 0x7fffffffu);
	}
	qsort(gen, NGEN, sizeof(gen[0]), cmp_u32);
	for (int i = 1; i < NGEN; i++)
		if (gen[i] == gen[i - 1])
			same++;
	CHECK(same <= 2);	/* 31 random bits: a tie is rare */
	unlink(image);
}

static void
check_fill_and_empty(const char *opts)
{
	struct rump_statvfs before, full, after;
	char *buf = malloc(70000), p[64];
	int n = 0, fd;

	memset(buf, 0x3c, 70000);
	if (!setup(opts, "12m"))
		return;
	CHECK_OK(rump_sys_statvfs1(MNT,
	    (struct statvfs *)(void *)&before, RUMP_ST_WAIT));
	CHECK_OK(rump_sys_mkdir(MNT "/d", 0755));
	for (;; n++) {
		size_t len = 1 + (size_t)(n * 7919) % 69999;
		ssize_t w;

		snprintf(p, sizeof(p), MNT "/d/f%d", n);
		if ((fd = rump_sys_open(p, RUMP_O_CREAT | RUMP_O_RDWR,
		    0644)) < 0)
			break;
		w = rump_sys_write(fd, buf, len);
		rump_sys_close(fd);
		if (w != (ssize_t)len) {
			CHECK(w >= 0 || errno == RUMP_ENOSPC);
			n++;
			break;
		}
	}
	CHECK(n > 100);
	CHECK_OK(rump_sys_statvfs1(MNT,
	    (struct statvfs *)(void *)&full, RUMP_ST_WAIT));
	CHECK(full.f_bfree < before.f_bfree / 10);
	for (int i = 0; i < n; i++) {
		snprintf(p, sizeof(p), MNT "/d/f%d", i);
		CHECK_OK(rump_sys_unlink(p));
	}
	/* the directory grew with the names: it goes too */
	CHECK_OK(rump_sys_rmdir(MNT "/d"));
	CHECK_OK(rump_sys_statvfs1(MNT,
	    (struct statvfs *)(void *)&after, RUMP_ST_WAIT));
	CHECK_EQ(after.f_bfree, before.f_bfree);
	CHECK_EQ(after.f_ffree, before.f_ffree);
	free(buf);
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
	unlink(image);
}

TEST(fill_with_fragments_and_empty_ufs2)
{
	check_fill_and_empty("-o version=2 -b 8192 -f 1024");
}

TEST(fill_with_fragments_and_empty_ufs1_4k_be)
{
	check_fill_and_empty("-o version=1 -B be -b 4096 -f 512");
}
