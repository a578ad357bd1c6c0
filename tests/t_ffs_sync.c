/*
 * t_ffs_sync: what fsync and the syncer put on the image before a
 * kernel dies with SIGKILL.  Each kernel runs in a child process; the
 * parent looks at the image file afterwards (our reading of its bytes:
 * cg maps against cg_cs, the summary array and fs_cstotal; then a
 * read-only mount in another child).
 *
 *   - fsync of one file writes its data and all metadata, but leaves
 *     other files' data to the syncer: after the kill, the fsynced
 *     file reads back, the image needs nothing repaired, and a big
 *     file written earlier and never fsynced does not hold its data
 *   - the syncer writes the superblock and summary of a mount whose
 *     totals changed (every two sync delays): after the kill, without
 *     any fsync or sync, the totals agree with the cylinder groups
 *   - the orders of directory operations (NetBSD's): an inode reaches
 *     the image before a new name of it, and a chunk that lost a name
 *     (unlink, rmdir, rename over a name) before the call returns, so
 *     the inode is not freed while the image still names it; neither
 *     on an asynchronous mount
 */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "t.h"
#include "t_ffs_util.h"

int t_no_kernel = 1;

#define MNT	"/mnt"
#define KEY	"/dev/ffss"
#define BIG	(4 * 1024 * 1024)
#define SMALL	30000
#define NSEC	1000000000LL

void	bio_setsyncdelay(int64_t ns);	/* vfs/vfs.h */

static char image[256];

#define KDO(stmt) do {							\
	rump_schedule();						\
	stmt;								\
	rump_unschedule();						\
} while (0)

/* How many bytes of path are the pattern; -1 if it cannot be read. */
static long
pattern_bytes(const char *path, size_t len, unsigned seed)
{
	char *buf = malloc(len + 1);
	long n = t_read_file(path, buf, len + 1), same = 0;

	for (long i = 0; i < n; i++)
		if ((uint8_t)buf[i] == ffs_pat((size_t)i, seed))
			same++;
	free(buf);
	return n < 0 ? -1 : same;
}

static bool
make_image(const char *opts)
{
	char src[300], mopts[256];

	snprintf(image, sizeof(image), "%s/%s.img", ffs_tmpdir(), t_current);
	snprintf(src, sizeof(src), "%s/%s.src", ffs_tmpdir(), t_current);
	mkdir(src, 0755);
	snprintf(mopts, sizeof(mopts), "-f 500 %s", opts);
	return ffs_makefs(mopts, "32m", image, src) == 0;
}

static void
boot_and_mount(int flags, int64_t syncdelay)
{
	if (rump_init() != 0)
		_exit(1);
	KDO(bio_setsyncdelay(syncdelay));
	if (ffs_mount_flags(image, KEY, MNT, flags) != 0)
		_exit(2);
}

/* A big file left to the syncer (which waits an hour), a small one
 * fsynced, and death. */
static void
big_unsynced_small_fsynced(void)
{
	boot_and_mount(0, 3600 * NSEC);
	if (ffs_write_file(MNT "/big", BIG, 1, false) != 0)
		_exit(3);
	if (rump_sys_mkdir(MNT "/dir", 0755) != 0 ||
	    ffs_write_file(MNT "/dir/small", SMALL, 2, true) != 0)
		_exit(4);
	kill(getpid(), SIGKILL);
}

static long small_same, big_same;

static void
read_back(void)
{
	boot_and_mount(RUMP_MNT_RDONLY, 3600 * NSEC);
	small_same = pattern_bytes(MNT "/dir/small", SMALL, 2);
	big_same = pattern_bytes(MNT "/big", BIG, 1);
	/* the parent learns the counts through the exit status */
	_exit((small_same == SMALL ? 1 : 0) | (big_same == BIG ? 2 : 0));
}

static void
check_fsync_one(const char *opts)
{
	struct ffs_imgcheck ic;

	if (!make_image(opts)) {
		t_fail(__FILE__, __LINE__, "makefs");
		return;
	}
	CHECK_EQ(ffs_child(big_unsynced_small_fsynced), 128 + SIGKILL);
	/* every total agrees, and only the clean flag says "crashed" */
	CHECK_EQ(ffs_image_check(image, &ic), 0);
	CHECK_EQ(ic.clean, 2);
	CHECK_EQ(ffs_fsck(image, false), 0);
	/* the fsynced file whole; the other one's data never written */
	CHECK_EQ(ffs_child(read_back), 1);
	unlink(image);
}

TEST(fsync_writes_its_file_not_others_ufs2)
{
	check_fsync_one("-o version=2");
}

TEST(fsync_writes_its_file_not_others_ufs1_be)
{
	check_fsync_one("-o version=1,bsize=4096,fsize=512 -B be");
}

/* Allocate, wait for the syncer (delay 50 ms: hooks every 100 ms),
 * and die without any sync. */
static void
allocate_and_wait(void)
{
	struct timespec ts = { 1, 0 };

	boot_and_mount(0, NSEC / 20);
	for (int i = 0; i < 20; i++) {
		char p[64];

		snprintf(p, sizeof(p), MNT "/f%d", i);
		if (ffs_write_file(p, 50000 + 1000 * (size_t)i, 3, false) != 0)
			_exit(3);
	}
	if (rump_sys_mkdir(MNT "/d", 0755) != 0)
		_exit(4);
	nanosleep(&ts, NULL);
	kill(getpid(), SIGKILL);
}

TEST(syncer_writes_totals)
{
	struct ffs_imgcheck ic;

	if (!make_image("-o version=2")) {
		t_fail(__FILE__, __LINE__, "makefs");
		return;
	}
	CHECK_EQ(ffs_child(allocate_and_wait), 128 + SIGKILL);
	CHECK_EQ(ffs_image_check(image, &ic), 0);
	CHECK_EQ(ic.clean, 2);
	CHECK_EQ(ffs_fsck(image, false), 0);
	unlink(image);
}

/* mode, link count and size of UFS2 inode ino (spec 10: offsets 0,
 * 2, 16), read from the image now */
static void
image_dinode(uint64_t ino, uint16_t *mode, int16_t *nlink, uint64_t *size)
{
	struct ffs_sbinfo sb = { 0 };
	unsigned char d[24] = { 0 };
	int64_t c, i, frag;
	int fd;

	*mode = 0;
	*nlink = -1;
	*size = 0;
	if (ffs_read_sbinfo(image, &sb) != 0 || sb.ipg <= 0 ||
	    sb.inopb <= 0)
		return;
	c = (int64_t)ino / sb.ipg;
	i = (int64_t)ino % sb.ipg;
	frag = c * sb.fpg + sb.iblkno + i / sb.inopb * sb.frag;
	if ((fd = open(image, O_RDONLY)) == -1)
		return;
	if (pread(fd, d, sizeof(d), frag * sb.fsize + i % sb.inopb * 256) ==
	    (ssize_t)sizeof(d)) {
		*mode = (uint16_t)(d[0] | d[1] << 8);
		*nlink = (int16_t)(d[2] | d[3] << 8);
		for (int k = 7; k >= 0; k--)
			*size = *size << 8 | d[16 + k];
	}
	close(fd);
}

static uint64_t
ino_of(const char *path)
{
	struct rump_stat st;

	if (rump_sys_stat(path, (struct stat *)(void *)&st) != 0)
		return 0;
	return st.st_ino;
}

/*
 * Before a new name is entered, the inode it names is on the disk
 * (NetBSD's UPDATE_DIROP), the syncer being an hour away: a new file,
 * a new directory (with its first chunk), a link count raised for a
 * new link.  Exit status: a bit per thing not found on the image.
 */
static void
names_after_inodes(void)
{
	uint16_t mode;
	int16_t nlink;
	uint64_t size;
	int fd, bad = 0;

	boot_and_mount(0, 3600 * NSEC);
	if ((fd = rump_sys_open(MNT "/x", RUMP_O_CREAT | RUMP_O_RDWR,
	    0644)) < 0 || rump_sys_mkdir(MNT "/d", 0755) != 0 ||
	    rump_sys_link(MNT "/x", MNT "/y") != 0)
		_exit(64);
	image_dinode(ino_of(MNT "/x"), &mode, &nlink, &size);
	if (mode != 0100644 || nlink != 2)
		bad |= 1;
	image_dinode(ino_of(MNT "/d"), &mode, &nlink, &size);
	if (mode != 040755 || nlink != 2 || size != 512)
		bad |= 2;
	_exit(bad);
}

/* An asynchronous mount does not wait: the same inodes stay in the
 * cache (what the image holds is still the free dinode). */
static void
async_names(void)
{
	uint16_t mode;
	int16_t nlink;
	uint64_t size;
	int fd;

	boot_and_mount(RUMP_MNT_ASYNC, 3600 * NSEC);
	if ((fd = rump_sys_open(MNT "/x", RUMP_O_CREAT | RUMP_O_RDWR,
	    0644)) < 0)
		_exit(64);
	image_dinode(ino_of(MNT "/x"), &mode, &nlink, &size);
	_exit(mode == 0 ? 0 : 1);
}

TEST(new_inode_on_disk_before_its_name)
{
	if (!make_image("-o version=2")) {
		t_fail(__FILE__, __LINE__, "makefs");
		return;
	}
	CHECK_EQ(ffs_child(names_after_inodes), 0);
	unlink(image);
	if (!make_image("-o version=2")) {
		t_fail(__FILE__, __LINE__, "makefs");
		return;
	}
	CHECK_EQ(ffs_child(async_names), 0);
	unlink(image);
}

/*
 * The inode number of the live entry called name in the first chunk
 * of directory dino, as the image holds it now: 0 if there is none,
 * -1 if the image cannot be read.  Our own reading of little-endian
 * bytes (spec 10: the dinode's di_db[0]; spec 12: d_ino, d_reclen,
 * d_type, d_namlen, name), following d_reclen
 * from the chunk's start, so an entry merged into the one before it
 * is not seen.
 */
static bool image_ufs1;	/* the image is UFS1: 128-byte dinodes */

static int64_t
image_dir_entry(uint64_t dino, const char *name)
{
	struct ffs_sbinfo sb = { 0 };
	unsigned char d[120], c[512];
	size_t len = strlen(name), pos, reclen;
	int64_t ino = 0, db0 = 0, frag, cg, i;
	int fd;

	if (ffs_read_sbinfo(image, &sb) != 0 || sb.ipg <= 0 ||
	    sb.inopb <= 0 || (fd = open(image, O_RDONLY)) == -1)
		return -1;
	cg = (int64_t)dino / sb.ipg;
	i = (int64_t)dino % sb.ipg;
	frag = cg * sb.fpg + sb.iblkno + i / sb.inopb * sb.frag;
	if (pread(fd, d, sizeof(d), frag * sb.fsize +
	    i % sb.inopb * (image_ufs1 ? 128 : 256)) != (ssize_t)sizeof(d)) {
		close(fd);
		return -1;
	}
	/* di_db[0]: 8 bytes at 112 (UFS2), 4 at 40 (UFS1) */
	for (int k = image_ufs1 ? 3 : 7; k >= 0; k--)
		db0 = db0 << 8 | d[(image_ufs1 ? 40 : 112) + k];
	if (db0 <= 0 || pread(fd, c, sizeof(c), db0 * sb.fsize) !=
	    (ssize_t)sizeof(c))
		ino = -1;
	close(fd);
	for (pos = 0; ino == 0 && pos + 8 <= sizeof(c); pos += reclen) {
		uint32_t e = (uint32_t)c[pos] | (uint32_t)c[pos + 1] << 8 |
		    (uint32_t)c[pos + 2] << 16 | (uint32_t)c[pos + 3] << 24;

		reclen = (size_t)(c[pos + 4] | c[pos + 5] << 8);
		if (reclen == 0)
			return -1;
		if (e != 0 && c[pos + 7] == len && pos + 8 + len <= sizeof(c) &&
		    memcmp(c + pos + 8, name, len) == 0)
			ino = e;
	}
	return ino;
}

static int64_t
image_root_entry(const char *name)
{
	return image_dir_entry(2, name);
}

/*
 * Names made and synced (the image holds them), then removed with the
 * syncer an hour away: each removal is on the image when the call
 * returns, and so is the new name of a rename.  Exit status: a bit
 * per step that failed.
 */
static void
removals_before_return(void)
{
	int64_t ia, ib;
	int bad = 0;

	boot_and_mount(0, 3600 * NSEC);
	if (ffs_write_file(MNT "/gone", 10, 4, false) != 0 ||
	    ffs_write_file(MNT "/a", 10, 5, false) != 0 ||
	    ffs_write_file(MNT "/b", 10, 6, false) != 0 ||
	    rump_sys_mkdir(MNT "/d", 0755) != 0 ||
	    rump_sys_mkdir(MNT "/sub", 0755) != 0)
		_exit(64);
	rump_sys_sync();
	ia = image_root_entry("a");
	ib = image_root_entry("b");
	if (image_root_entry("gone") != (int64_t)ino_of(MNT "/gone") ||
	    ia != (int64_t)ino_of(MNT "/a") ||
	    ib != (int64_t)ino_of(MNT "/b") || ia == ib ||
	    image_root_entry("d") != (int64_t)ino_of(MNT "/d") ||
	    image_dir_entry(ino_of(MNT "/sub"), "..") != 2)
		_exit(65);	/* sync did not write the names */
	if (rump_sys_unlink(MNT "/gone") != 0 ||
	    image_root_entry("gone") != 0)
		bad |= 1;
	if (rump_sys_rmdir(MNT "/d") != 0 || image_root_entry("d") != 0)
		bad |= 2;
	if (rump_sys_rename(MNT "/a", MNT "/b") != 0 ||
	    image_root_entry("b") != ia || image_root_entry("a") != 0)
		bad |= 4;
	/* a rename to a new name in another directory: both on the
	 * image */
	if (rump_sys_rename(MNT "/b", MNT "/sub/c") != 0 ||
	    image_dir_entry(ino_of(MNT "/sub"), "c") != ia ||
	    image_root_entry("b") != 0)
		bad |= 8;
	_exit(bad);
}

/* An asynchronous mount leaves the removal in the cache: the image
 * still names the file. */
static void
async_removal(void)
{
	int64_t ino;

	boot_and_mount(RUMP_MNT_ASYNC, 3600 * NSEC);
	if (ffs_write_file(MNT "/gone", 10, 4, false) != 0)
		_exit(64);
	rump_sys_sync();
	ino = image_root_entry("gone");
	if (ino != (int64_t)ino_of(MNT "/gone"))
		_exit(65);
	if (rump_sys_unlink(MNT "/gone") != 0)
		_exit(66);
	_exit(image_root_entry("gone") == ino ? 0 : 1);
}

TEST(removed_name_off_disk_before_return)
{
	if (!make_image("-o version=1,bsize=4096,fsize=512")) {
		t_fail(__FILE__, __LINE__, "makefs");
		return;
	}
	image_ufs1 = true;
	CHECK_EQ(ffs_child(removals_before_return), 0);
	image_ufs1 = false;
	unlink(image);
	if (!make_image("-o version=2")) {
		t_fail(__FILE__, __LINE__, "makefs");
		return;
	}
	CHECK_EQ(ffs_child(removals_before_return), 0);
	unlink(image);
	if (!make_image("-o version=2")) {
		t_fail(__FILE__, __LINE__, "makefs");
		return;
	}
	CHECK_EQ(ffs_child(async_removal), 0);
	unlink(image);
}
