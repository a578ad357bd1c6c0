/*
 * t_ffs_read: read-only FFS on images made by Debian's makefs from a
 * generated host tree: UFS1 and UFS2, both byte orders, block sizes
 * 4 KiB to 64 KiB.  Every file's bytes, size, mode, owner, mtime and
 * link count, every symlink target and every directory listing is
 * compared with the host tree, the independent expectation.
 *
 * The tree: files of every size class (0, 1, fsize - 1, bsize,
 * 12 * bsize + 1 for the first indirect block, a 9 MiB sparse file
 * that needs double indirect blocks with 4 and 8 KiB blocks), short
 * and long symlinks around the in-inode limits (59/60, 119/120),
 * hard links, nested directories and a directory of 2000 entries.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "t_ffs_util.h"

static char treedir[128];

static void
mkfile(const char *name, size_t size, unsigned seed)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", treedir, name);
	if (ffs_host_file(path, size, seed) != 0)
		t_fail(__FILE__, __LINE__, "cannot make %s", path);
}

static void
mklink(const char *name, size_t len)
{
	char path[256], target[512];

	for (size_t i = 0; i < len; i++)
		target[i] = (char)('a' + i % 26);
	target[len] = '\0';
	snprintf(path, sizeof(path), "%s/%s", treedir, name);
	if (symlink(target, path) != 0)
		t_fail(__FILE__, __LINE__, "symlink %s", path);
}

static void
mkdir_host(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", treedir, name);
	mkdir(path, 0755);
}

/* A sparse file: data at the start, in the middle and at the end. */
static void
mksparse(const char *name, off_t size)
{
	char path[256], buf[5000];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", treedir, name);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7 + 3);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	if (fd == -1 || pwrite(fd, buf, sizeof(buf), 0) != sizeof(buf) ||
	    pwrite(fd, buf, sizeof(buf), size / 2 + 123) != sizeof(buf) ||
	    pwrite(fd, buf, 100, size - 100) != 100)
		t_fail(__FILE__, __LINE__, "sparse file");
	if (fd != -1)
		close(fd);
}

/* Build the host tree once. */
static const char *
tree(void)
{
	char path[256];

	if (treedir[0] != '\0')
		return treedir;
	snprintf(treedir, sizeof(treedir), "%s/tree", ffs_tmpdir());
	mkdir(treedir, 0755);
	mkfile("empty", 0, 1);
	mkfile("one", 1, 2);
	mkfile("frag511", 511, 3);
	mkfile("frag1023", 1023, 4);
	mkfile("frag4095", 4095, 5);
	mkfile("b4096", 4096, 6);
	mkfile("b8192", 8192, 7);
	mkfile("tail5000", 5000, 8);
	mkfile("ind8k", 12 * 8192 + 1, 9);
	mkfile("ind4k", 12 * 4096 + 1, 10);
	mkfile("ind64k", 12 * 65536 + 1, 11);
	mksparse("sparse", 9 * 1024 * 1024 + 77);
	mklink("sym10", 10);
	mklink("sym59", 59);
	mklink("sym60", 60);
	mklink("sym119", 119);
	mklink("sym120", 120);
	mklink("sym300", 300);
	snprintf(path, sizeof(path), "%s/one", treedir);
	{
		char l2[256];

		snprintf(l2, sizeof(l2), "%s/one_link", treedir);
		link(path, l2);
		snprintf(l2, sizeof(l2), "%s/a_link_too", treedir);
		link(path, l2);
	}
	mkdir_host("a");
	mkdir_host("a/b");
	mkdir_host("a/b/c");
	mkfile("a/b/c/deep.txt", 333, 12);
	mkfile("a/x", 20000, 13);
	mkdir_host("emptydir");
	mkdir_host("many");
	for (int i = 0; i < 2000; i++) {
		char name[64];

		snprintf(name, sizeof(name), "many/entry_%04d_%.*s", i,
		    i % 40, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN");
		mkfile(name, (size_t)(i % 3), (unsigned)i);
	}
	chmod(treedir, 0755);
	snprintf(path, sizeof(path), "%s/a/x", treedir);
	chmod(path, 04711);
	return treedir;
}

/* Make an image of the tree with makefs options opts and compare. */
static void
check_image(const char *opts, const char *size)
{
	char image[256];
	int errors;

	snprintf(image, sizeof(image), "%s/img", ffs_tmpdir());
	if (ffs_makefs(opts, size, image, tree()) != 0) {
		t_fail(__FILE__, __LINE__, "makefs %s failed", opts);
		return;
	}
	if (ffs_mount_image(image, "/dev/ffsimg", "/mnt") != 0) {
		t_fail(__FILE__, __LINE__, "mount (%s): %d", opts, errno);
		return;
	}
	errors = ffs_compare_tree(tree(), "/mnt");
	CHECK_EQ(errors, 0);
	ffs_unmount_image("/dev/ffsimg", "/mnt");
	unlink(image);
}

TEST(ufs1_le_default)
{
	check_image("-o version=1 -B le", "40m");
}

TEST(ufs2_le_default)
{
	check_image("-o version=2 -B le", "40m");
}

TEST(ufs1_be_default)
{
	check_image("-o version=1 -B be", "40m");
}

TEST(ufs2_be_default)
{
	check_image("-o version=2 -B be", "40m");
}

TEST(ufs1_4k_512)
{
	check_image("-o version=1,bsize=4096,fsize=512", "48m");
}

TEST(ufs2_4k_4k)
{
	check_image("-o version=2,bsize=4096,fsize=4096", "48m");
}

TEST(ufs2_16k_2k)
{
	check_image("-o version=2,bsize=16384,fsize=2048", "48m");
}

TEST(ufs2_32k_4k)
{
	check_image("-o version=2,bsize=32768,fsize=4096", "64m");
}

TEST(ufs1_64k_8k)
{
	check_image("-o version=1,bsize=65536,fsize=8192", "96m");
}

TEST(ufs2_64k_8k_be)
{
	check_image("-o version=2,bsize=65536,fsize=8192 -B be", "96m");
}

/* statvfs reports the superblock's geometry and summary. */
TEST(statvfs_from_superblock)
{
	char image[256];
	struct statvfs *sv = calloc(1, 4096);

	snprintf(image, sizeof(image), "%s/img_sv", ffs_tmpdir());
	if (ffs_makefs("-o version=2,bsize=16384,fsize=2048", "48m", image,
	    tree()) != 0 ||
	    ffs_mount_image(image, "/dev/ffssv", "/mnt_sv") != 0) {
		t_fail(__FILE__, __LINE__, "setup");
		free(sv);
		return;
	}
	CHECK_OK(rump_sys_statvfs1("/mnt_sv", sv, RUMP_ST_WAIT));
	{
		struct rump_statvfs *s = (struct rump_statvfs *)(void *)sv;
		struct ffs_sbinfo sb = { 0 };

		CHECK_EQ(ffs_read_sbinfo(image, &sb), 0);
		CHECK_EQ(s->f_bsize, 16384);
		CHECK_EQ(s->f_frsize, 2048);
		CHECK_EQ(s->f_blocks, sb.dsize);
		CHECK_EQ(s->f_bfree, sb.nbfree * 8 + sb.nffree);
		CHECK_EQ(s->f_ffree, sb.nifree);
		CHECK_EQ(s->f_files, sb.ncg * sb.ipg - 2);
		CHECK(s->f_flag & RUMP_MNT_RDONLY);
		CHECK_STR(s->f_fstypename, "ffs");
	}
	ffs_unmount_image("/dev/ffssv", "/mnt_sv");
	unlink(image);
	free(sv);
}

/* Read-only: anything that writes is EROFS. */
TEST(read_only)
{
	char image[256];

	snprintf(image, sizeof(image), "%s/img_ro", ffs_tmpdir());
	if (ffs_makefs("-o version=2", "40m", image, tree()) != 0 ||
	    ffs_mount_image(image, "/dev/ffsro", "/mnt_ro") != 0) {
		t_fail(__FILE__, __LINE__, "setup");
		return;
	}
	CHECK_ERR(rump_sys_open("/mnt_ro/newfile", RUMP_O_CREAT |
	    RUMP_O_WRONLY, 0644), RUMP_EROFS);
	CHECK_ERR(rump_sys_open("/mnt_ro/one", RUMP_O_WRONLY), RUMP_EROFS);
	CHECK_ERR(rump_sys_mkdir("/mnt_ro/d", 0755), RUMP_EROFS);
	CHECK_ERR(rump_sys_unlink("/mnt_ro/one"), RUMP_EROFS);
	CHECK_ERR(rump_sys_rename("/mnt_ro/one", "/mnt_ro/two"), RUMP_EROFS);
	CHECK_ERR(rump_sys_chmod("/mnt_ro/one", 0600), RUMP_EROFS);
	ffs_unmount_image("/dev/ffsro", "/mnt_ro");
	unlink(image);
}

/* fspec must name a block device. */
TEST(fspec_not_blk)
{
	char host[256];
	struct rump_ufs_args args = { .fspec = (char *)"/dev/ffsreg" };

	snprintf(host, sizeof(host), "%s/regfile", ffs_tmpdir());
	CHECK_EQ(ffs_host_file(host, 65536, 1), 0);
	CHECK_EQ(rump_pub_etfs_register("/dev/ffsreg", host, RUMP_ETFS_REG),
	    0);
	rump_sys_mkdir("/mnt_nb", 0755);
	CHECK_ERR(rump_sys_mount("ffs", "/mnt_nb", RUMP_MNT_RDONLY, &args,
	    sizeof(args)), RUMP_ENOTBLK);
	args.fspec = (char *)"/dev/nonexistent_ffs";
	CHECK_ERR(rump_sys_mount("ffs", "/mnt_nb", RUMP_MNT_RDONLY, &args,
	    sizeof(args)), RUMP_ENOENT);
	rump_pub_etfs_remove("/dev/ffsreg");
	/* a block device without a file system: EINVAL */
	CHECK_EQ(rump_pub_etfs_register("/dev/ffsnofs", host, RUMP_ETFS_BLK),
	    0);
	args.fspec = (char *)"/dev/ffsnofs";
	CHECK_ERR(rump_sys_mount("ffs", "/mnt_nb", RUMP_MNT_RDONLY, &args,
	    sizeof(args)), RUMP_EINVAL);
	rump_pub_etfs_remove("/dev/ffsnofs");
	unlink(host);
}

static void
put64(int fd, off_t off, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	if (pwrite(fd, b, 8, off) != 8)
		t_fail(__FILE__, __LINE__, "pwrite");
}

/*
 * Triple indirect blocks, which no makefs image of a sensible size
 * reaches: a UFS2 image with 4 KiB blocks and fragments (NINDIR 512)
 * whose file gets a hand-made chain ib[2] -> B1 -> B2 -> B3 -> D for
 * logical block 12 + 512 + 512^2 + 5, in free blocks of the last cg.
 * Everything between is holes and reads as zeros.
 */
TEST(triple_indirect_crafted)
{
	char dir[256], p[300], img[300];
	struct ffs_sbinfo sb = { 0 };
	struct rump_stat st;
	const int64_t lbn = 12 + 512 + 512 * 512 + 5;
	uint8_t blk[4096], got[4096];
	int64_t base, ino;
	int32_t dblkno = 0;
	off_t ioff;
	int fd, rfd;

	snprintf(dir, sizeof(dir), "%s/tri", ffs_tmpdir());
	mkdir(dir, 0755);
	snprintf(p, sizeof(p), "%s/f", dir);
	CHECK_EQ(ffs_host_file(p, 1, 5), 0);
	snprintf(img, sizeof(img), "%s/tri.img", ffs_tmpdir());
	if (ffs_makefs("-o version=2,bsize=4096,fsize=4096", "16m", img,
	    dir) != 0 || ffs_mount_image(img, "/dev/ffstri", "/mnt_tri") != 0) {
		t_fail(__FILE__, __LINE__, "setup");
		return;
	}
	CHECK_OK(rump_sys_stat("/mnt_tri/f", (struct stat *)(void *)&st));
	ino = (int64_t)st.st_ino;
	ffs_unmount_image("/dev/ffstri", "/mnt_tri");

	CHECK_EQ(ffs_read_sbinfo(img, &sb), 0);
	fd = open(img, O_RDWR);
	{
		uint8_t b[4];

		CHECK(pread(fd, b, 4, 8192 + 20) == 4);
		dblkno = b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24;
	}
	base = (int64_t)(sb.ncg - 1) * sb.fpg + dblkno + 64;
	CHECK(base + 4 < 16 * 1024 * 1024 / 4096);
	ioff = (off_t)(((ino / sb.ipg) * sb.fpg + sb.iblkno +
	    (ino % sb.ipg) / sb.inopb) * 4096 + (ino % sb.inopb) * 256);
	memset(blk, 0, sizeof(blk));
	for (int i = 0; i < 3; i++) {		/* B1, B2, B3 */
		if (pwrite(fd, blk, 4096, (base + i) * 4096) != 4096)
			t_fail(__FILE__, __LINE__, "pwrite");
	}
	put64(fd, (base + 0) * 4096 + 0, (uint64_t)base + 1);
	put64(fd, (base + 1) * 4096 + 0, (uint64_t)base + 2);
	put64(fd, (base + 2) * 4096 + 5 * 8, (uint64_t)base + 3);
	for (int i = 0; i < 4096; i++)
		blk[i] = (uint8_t)(i * 13 + 1);
	if (pwrite(fd, blk, 4096, (base + 3) * 4096) != 4096)
		t_fail(__FILE__, __LINE__, "pwrite");
	put64(fd, ioff + 16, (uint64_t)(lbn + 1) * 4096);	/* di_size */
	put64(fd, ioff + 24, 8 + 4 * 8);			/* di_blocks */
	put64(fd, ioff + 208 + 16, (uint64_t)base);		/* di_ib[2] */
	close(fd);

	if (ffs_mount_image(img, "/dev/ffstri", "/mnt_tri") != 0) {
		t_fail(__FILE__, __LINE__, "remount: %d", errno);
		return;
	}
	CHECK_OK(rfd = rump_sys_open("/mnt_tri/f", RUMP_O_RDONLY, 0));
	CHECK_EQ(rump_sys_pread(rfd, got, 4096, lbn * 4096), 4096);
	CHECK(memcmp(got, blk, 4096) == 0);
	memset(blk, 0, sizeof(blk));
	CHECK_EQ(rump_sys_pread(rfd, got, 4096, (lbn - 1) * 4096), 4096);
	CHECK(memcmp(got, blk, 4096) == 0);
	CHECK_EQ(rump_sys_pread(rfd, got, 4096, 13 * 4096), 4096);
	CHECK(memcmp(got, blk, 4096) == 0);
	CHECK_EQ(rump_sys_pread(rfd, got, 4096, (lbn + 1) * 4096), 0);
	CHECK_EQ(rump_sys_pread(rfd, got, 1, 0), 1);
	CHECK_EQ(got[0], ffs_pat(0, 5));
	rump_sys_close(rfd);
	ffs_unmount_image("/dev/ffstri", "/mnt_tri");
}

/* An old-layout (4.4BSD) UFS1 superblock: without FS_FLAGS_UPDATED the
 * 32-bit size, summary address and totals are the ones that count.
 * makefs writes both sets equal, so clearing the flag keeps the same
 * file system. */
TEST(ufs1_old_superblock_layout)
{
	char image[256];
	int fd, errors;
	uint8_t flags;

	snprintf(image, sizeof(image), "%s/img_old", ffs_tmpdir());
	if (ffs_makefs("-o version=1", "40m", image, tree()) != 0) {
		t_fail(__FILE__, __LINE__, "makefs");
		return;
	}
	fd = open(image, O_RDWR);
	CHECK(pread(fd, &flags, 1, 8192 + 211) == 1);
	CHECK_EQ(flags & 0x80, 0x80);
	flags &= 0x7f;
	CHECK(pwrite(fd, &flags, 1, 8192 + 211) == 1);
	/* the 64-bit fields are not looked at */
	CHECK(pwrite(fd, "\xff\xff\xff\xff\xff\xff\xff\x7f", 8,
	    8192 + 1080) == 8);
	close(fd);
	if (ffs_mount_image(image, "/dev/ffsold", "/mnt_old") != 0) {
		t_fail(__FILE__, __LINE__, "mount: %d", errno);
		return;
	}
	errors = ffs_compare_tree(tree(), "/mnt_old");
	CHECK_EQ(errors, 0);
	ffs_unmount_image("/dev/ffsold", "/mnt_old");
	unlink(image);
}

/* A device is mounted once: a second mount of it is EBUSY. */
TEST(device_mounted_once)
{
	char image[256];
	struct rump_ufs_args args = { .fspec = (char *)"/dev/ffsonce" };

	snprintf(image, sizeof(image), "%s/img_once", ffs_tmpdir());
	if (ffs_makefs("-o version=2", "40m", image, tree()) != 0 ||
	    ffs_mount_image(image, "/dev/ffsonce", "/mnt_once") != 0) {
		t_fail(__FILE__, __LINE__, "setup");
		return;
	}
	rump_sys_mkdir("/mnt_once2", 0755);
	CHECK_ERR(rump_sys_mount("ffs", "/mnt_once2", RUMP_MNT_RDONLY, &args,
	    sizeof(args)), RUMP_EBUSY);
	ffs_unmount_image("/dev/ffsonce", "/mnt_once");
	/* free again after the unmount */
	CHECK_OK(ffs_mount_image(image, "/dev/ffsonce", "/mnt_once2"));
	ffs_unmount_image("/dev/ffsonce", "/mnt_once2");
	unlink(image);
}
