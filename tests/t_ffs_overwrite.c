/*
 * t_ffs_overwrite: writes over a file's existing blocks.  A write that
 * covers a whole block does not read the block first (ffs_balloc's
 * FFS_BA_FILL), so these tests check that nothing of the old contents
 * survives where it was overwritten and everything survives where it
 * was not: the file is made by makefs from a host file, rewritten in
 * pieces (whole blocks, a block's head, its tail, unaligned runs,
 * indirect-block range) with the cache cold before each piece, and
 * compared with the same writes done to a host copy.  A write whose
 * source runs into unmapped memory (EFAULT half way through a block)
 * must leave in the file only the new bytes, the old ones or zeros,
 * never the memory of some other buffer.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "t_ffs_util.h"

#define MNT	"/mnt"
#define KEY	"/dev/ffso"
#define FILESZ	(600 * 1024)	/* past the 12 direct blocks of 8 KiB */

static char image[256], host[300];

/* An image holding "f" (FILESZ bytes of pattern 1), mounted rw, and a
 * host copy of the file. */
static bool
setup(const char *opts)
{
	char src[300], path[400], mopts[256];

	snprintf(image, sizeof(image), "%s/%s.img", ffs_tmpdir(), t_current);
	snprintf(src, sizeof(src), "%s/%s.src", ffs_tmpdir(), t_current);
	snprintf(host, sizeof(host), "%s/%s.host", ffs_tmpdir(), t_current);
	mkdir(src, 0755);
	snprintf(path, sizeof(path), "%s/f", src);
	snprintf(mopts, sizeof(mopts), "-f 100 %s", opts);
	if (ffs_host_file(path, FILESZ, 1) != 0 ||
	    ffs_host_file(host, FILESZ, 1) != 0 ||
	    ffs_makefs(mopts, "8m", image, src) != 0 ||
	    ffs_mount_flags(image, KEY, MNT, 0) != 0) {
		t_fail(__FILE__, __LINE__, "setup %s: %d", opts, errno);
		return false;
	}
	return true;
}

static void
remount(void)
{
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
	if (ffs_mount_flags(image, KEY, MNT, 0) != 0)
		t_fail(__FILE__, __LINE__, "remount: %d", errno);
}

/* Write len bytes of pattern seed at off, to the image and the host. */
static void
put(size_t off, size_t len, unsigned seed)
{
	char *buf = malloc(len);
	int fd, hfd;

	for (size_t i = 0; i < len; i++)
		buf[i] = (char)ffs_pat(off + i, seed);
	CHECK((fd = rump_sys_open(MNT "/f", RUMP_O_WRONLY, 0)) >= 0);
	CHECK_EQ(rump_sys_pwrite(fd, buf, len, (off_t)off), (ssize_t)len);
	rump_sys_close(fd);
	CHECK((hfd = open(host, O_WRONLY)) >= 0);
	CHECK_EQ(pwrite(hfd, buf, len, (off_t)off), (ssize_t)len);
	close(hfd);
	free(buf);
}

/* The file must equal the host copy byte for byte. */
static void
compare(void)
{
	char *a = malloc(FILESZ + 1), *b = malloc(FILESZ + 1);
	int fd, hfd;
	ssize_t na, nb;

	CHECK((fd = rump_sys_open(MNT "/f", RUMP_O_RDONLY, 0)) >= 0);
	na = rump_sys_read(fd, a, FILESZ + 1);
	rump_sys_close(fd);
	CHECK((hfd = open(host, O_RDONLY)) >= 0);
	nb = read(hfd, b, FILESZ + 1);
	close(hfd);
	CHECK_EQ(na, nb);
	if (na == nb && na > 0)
		for (ssize_t i = 0; i < na; i++)
			if (a[i] != b[i]) {
				t_fail(__FILE__, __LINE__, "byte %zd: %d, want %d",
				    i, a[i], b[i]);
				break;
			}
	free(a);
	free(b);
}

static void
check_pieces(const char *opts, size_t bs)
{
	/* off, len, each written with a cold cache */
	const size_t piece[][2] = {
		{ 0, bs },			/* the first block, whole */
		{ 3 * bs, 2 * bs },		/* two whole blocks */
		{ 5 * bs, bs / 2 },		/* a block's head */
		{ 6 * bs + bs / 2, bs / 2 },	/* its tail */
		{ 7 * bs + 100, bs },		/* unaligned, two halves */
		{ 12 * bs, 3 * bs },		/* the first indirect blocks */
		{ 20 * bs + 1, 1 },		/* one byte */
		{ FILESZ - bs, bs },		/* the last block */
	};

	if (!setup(opts))
		return;
	for (size_t i = 0; i < sizeof(piece) / sizeof(piece[0]); i++) {
		put(piece[i][0], piece[i][1], 2 + (unsigned)i);
		compare();
		remount();
		compare();
	}
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
	unlink(image);
}

TEST(overwrite_pieces_ufs2_8k)
{
	check_pieces("-o version=2 -b 8192 -f 1024", 8192);
}

TEST(overwrite_pieces_ufs1_4k_be)
{
	check_pieces("-o version=1 -B be -b 4096 -f 512", 4096);
}

/*
 * A whole-block write whose source turns unmapped half way: the block
 * was never read, so what the copy did not reach must not be whatever
 * the buffer's memory held before (another file's data here).
 */
TEST(efault_leaves_no_stale_data)
{
	const size_t bs = 8192, pg = (size_t)sysconf(_SC_PAGESIZE);
	char *src, *other, *got;
	int fd;
	ssize_t n;

	if (!setup("-o version=2 -b 8192 -f 1024"))
		return;
	/* fill the cache with another file's blocks, then drop them */
	other = malloc(64 * bs);
	memset(other, 0x5a, 64 * bs);
	CHECK((fd = rump_sys_open(MNT "/g", RUMP_O_CREAT | RUMP_O_RDWR,
	    0644)) >= 0);
	CHECK_EQ(rump_sys_write(fd, other, 64 * bs), (ssize_t)(64 * bs));
	rump_sys_close(fd);
	CHECK_OK(rump_sys_unlink(MNT "/g"));
	free(other);
	remount();

	src = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(src != MAP_FAILED);
	if (src == MAP_FAILED)
		return;
	memset(src, 0x11, pg);
	munmap(src + pg, pg);
	CHECK((fd = rump_sys_open(MNT "/f", RUMP_O_WRONLY, 0)) >= 0);
	n = rump_sys_pwrite(fd, src, bs, (off_t)(2 * bs));
	CHECK(n == -1 ? errno == RUMP_EFAULT : n >= 0 && (size_t)n <= pg);
	rump_sys_close(fd);
	munmap(src, pg);

	remount();
	got = malloc(bs);
	CHECK((fd = rump_sys_open(MNT "/f", RUMP_O_RDONLY, 0)) >= 0);
	CHECK_EQ(rump_sys_pread(fd, got, bs, (off_t)(2 * bs)), (ssize_t)bs);
	rump_sys_close(fd);
	for (size_t i = 0; i < bs; i++)
		if (got[i] != 0x11 && got[i] != 0 &&
		    (uint8_t)got[i] != ffs_pat(2 * bs + i, 1)) {
			t_fail(__FILE__, __LINE__, "byte %zu: 0x%02x", i,
			    (uint8_t)got[i]);
			break;
		}
	free(got);
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
	unlink(image);
}
