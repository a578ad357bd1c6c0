/*
 * t_ffs_write: read-write FFS on fresh makefs images, UFS1 and UFS2,
 * both byte orders, 4 KiB to 64 KiB blocks.  Every operation is done
 * twice, on the mounted image and on a host directory (the
 * independent expectation), and the two trees are compared: while
 * mounted, after a remount, and read-only after unmount.  After every
 * unmount the image must be marked clean, its cg maps must agree with
 * cg_cs, the summary array and fs_cstotal (our own reading of the
 * bytes, spec 3/8/9), and rump.fsck_ffs -n must find nothing.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "t_ffs_util.h"

#define MNT	"/mnt"
#define KEY	"/dev/ffsw"

/* A mounted image and its host mirror. */
struct mirror {
	char	image[256];
	char	host[256];
	const char *opts;
	int	bsize, fsize;
	bool	ufs2;
};

static int
parse_opt(const char *opts, const char *key, int dflt)
{
	const char *p = strstr(opts, key);

	return p != NULL ? atoi(p + strlen(key)) : dflt;
}

/* A fresh image of an empty tree, mounted read-write. */
static bool
mirror_setup(struct mirror *m, const char *opts, const char *size)
{
	char src[300], mopts[256];

	memset(m, 0, sizeof(*m));
	m->opts = opts;
	m->ufs2 = strstr(opts, "version=2") != NULL;
	m->bsize = parse_opt(opts, "bsize=", m->ufs2 ? 32768 : 8192);
	m->fsize = parse_opt(opts, "fsize=", m->bsize / 8);
	snprintf(m->image, sizeof(m->image), "%s/%s.img", ffs_tmpdir(),
	    t_current);
	snprintf(m->host, sizeof(m->host), "%s/%s.host", ffs_tmpdir(),
	    t_current);
	snprintf(src, sizeof(src), "%s/%s.src", ffs_tmpdir(), t_current);
	mkdir(src, 0755);
	mkdir(m->host, 0755);
	/* makefs sizes the inode tables for the tree: ask for room */
	snprintf(mopts, sizeof(mopts), "-f 6000 %s", opts);
	if (ffs_makefs(mopts, size, m->image, src) != 0) {
		t_fail(__FILE__, __LINE__, "makefs %s", opts);
		return false;
	}
	if (ffs_mount_flags(m->image, KEY, MNT, 0) != 0) {
		t_fail(__FILE__, __LINE__, "mount rw: %d", errno);
		return false;
	}
	return true;
}

static void
rpath(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, MNT "/%s", name);
}

static void
hpath(const struct mirror *m, char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", m->host, name);
}

/* Write len pattern bytes at off of name (created if missing). */
static void
m_write(struct mirror *m, const char *name, off_t off, size_t len,
    unsigned seed)
{
	char rp[512], hp[512];
	char *buf = malloc(len ? len : 1);
	int rfd, hfd;

	for (size_t i = 0; i < len; i++)
		buf[i] = (char)ffs_pat((size_t)off + i, seed);
	rpath(rp, sizeof(rp), name);
	hpath(m, hp, sizeof(hp), name);
	rfd = rump_sys_open(rp, RUMP_O_WRONLY | RUMP_O_CREAT, 0644);
	hfd = open(hp, O_WRONLY | O_CREAT, 0644);
	CHECK(rfd != -1 && hfd != -1);
	if (rfd != -1)
		CHECK_EQ(rump_sys_pwrite(rfd, buf, len, off), (ssize_t)len);
	if (hfd != -1)
		CHECK_EQ(pwrite(hfd, buf, len, off), (ssize_t)len);
	if (rfd != -1)
		rump_sys_close(rfd);
	if (hfd != -1)
		close(hfd);
	free(buf);
}

static void
m_truncate(struct mirror *m, const char *name, off_t size)
{
	char rp[512], hp[512];

	rpath(rp, sizeof(rp), name);
	hpath(m, hp, sizeof(hp), name);
	CHECK_OK(rump_sys_truncate(rp, size));
	CHECK_EQ(truncate(hp, size), 0);
}

static void
m_mkdir(struct mirror *m, const char *name)
{
	char rp[512], hp[512];

	rpath(rp, sizeof(rp), name);
	hpath(m, hp, sizeof(hp), name);
	CHECK_OK(rump_sys_mkdir(rp, 0755));
	CHECK_EQ(mkdir(hp, 0755), 0);
}

static int
m_compare(struct mirror *m)
{
	return ffs_compare_tree_meta(m->host, MNT, false);
}

/* Unmount, check the image, mount again (rw, or ro if ro). */
static void
m_remount(struct mirror *m, bool ro)
{
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(m->image), 0);
	if (ffs_mount_flags(m->image, KEY, MNT, ro ? RUMP_MNT_RDONLY : 0) != 0)
		t_fail(__FILE__, __LINE__, "remount: %d", errno);
}

static void
m_finish(struct mirror *m)
{
	CHECK_EQ(m_compare(m), 0);
	m_remount(m, true);
	CHECK_EQ(m_compare(m), 0);
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(m->image), 0);
	unlink(m->image);
}

/*
 * Files of every size class: empty, fragments, a full block, a block
 * and a tail, every direct block, the first single and double
 * indirect blocks; rewritten in the middle, appended to.
 */
static void
check_sizes(const char *opts, const char *size)
{
	struct mirror m;

	if (!mirror_setup(&m, opts, size))
		return;
	size_t b = (size_t)m.bsize, f = (size_t)m.fsize;
	size_t nindir = b / (m.ufs2 ? 8 : 4);
	const size_t sizes[] = { 0, 1, f - 1, f, f + 1, b - 1, b, b + 1,
	    3 * b + 5, 12 * b, 12 * b + 1, 13 * b + f };
	char name[64];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(name, sizeof(name), "s%zu", sizes[i]);
		m_write(&m, name, 0, sizes[i], (unsigned)i);
	}
	/* the first double indirect block, sparse before it */
	m_write(&m, "dbl", (off_t)((12 + nindir) * b - 100), 300, 7);
	/* grow a fragment tail step by step, then past the direct blocks */
	for (size_t i = 0; i < 6; i++)
		m_write(&m, "grow", (off_t)(i * (f + 100)), f + 100,
		    (unsigned)i + 20);
	m_write(&m, "grow", (off_t)(11 * b + 10), b, 30);
	/* overwrite the middle of files */
	m_write(&m, "s12", 0, 1, 40);
	m_write(&m, "s" "0", 5, 10, 41);
	CHECK_EQ(m_compare(&m), 0);
	m_remount(&m, false);
	CHECK_EQ(m_compare(&m), 0);
	m_truncate(&m, "grow", (off_t)(b / 2 + 3));
	m_truncate(&m, "dbl", (off_t)(12 * b + 7));
	m_truncate(&m, "s1", (off_t)(5 * b));
	m_write(&m, "s1", (off_t)(5 * b), 17, 50);
	m_finish(&m);
}

TEST(sizes_ufs1_4k_512)
{
	check_sizes("-o version=1,bsize=4096,fsize=512", "24m");
}

TEST(sizes_ufs2_8k_1k)
{
	check_sizes("-o version=2,bsize=8192,fsize=1024", "24m");
}

TEST(sizes_ufs2_16k_2k_be)
{
	check_sizes("-o version=2,bsize=16384,fsize=2048 -B be", "32m");
}

TEST(sizes_ufs1_32k_4k_be)
{
	check_sizes("-o version=1,bsize=32768,fsize=4096 -B be", "48m");
}

TEST(sizes_ufs2_64k_8k)
{
	check_sizes("-o version=2,bsize=65536,fsize=8192", "96m");
}

TEST(sizes_ufs1_8k_8k)
{
	check_sizes("-o version=1,bsize=8192,fsize=8192", "24m");
}

/* Nested directories, removed again; their link counts. */
TEST(directories)
{
	struct mirror m;
	char name[64];

	if (!mirror_setup(&m, "-o version=2", "16m"))
		return;
	m_mkdir(&m, "a");
	m_mkdir(&m, "a/b");
	m_mkdir(&m, "a/b/c");
	m_mkdir(&m, "d");
	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "a/b/file%d", i);
		m_write(&m, name, 0, (size_t)i * 100, (unsigned)i);
	}
	CHECK_EQ(m_compare(&m), 0);
	m_remount(&m, false);
	CHECK_ERR(rump_sys_rmdir(MNT "/a/b"), RUMP_ENOTEMPTY);
	CHECK_OK(rump_sys_rmdir(MNT "/a/b/c"));
	{
		char hp[512];

		hpath(&m, hp, sizeof(hp), "a/b/c");
		CHECK_EQ(rmdir(hp), 0);
	}
	m_finish(&m);
}

/*
 * The triple indirect block: one block written past the double
 * indirect range costs exactly four blocks (triple, double and single
 * indirect, data), reads back, and truncating below it frees all four.
 */
static void
check_triple(const char *opts, int bsize, bool ufs2)
{
	struct rump_statvfs a, b;
	struct rump_stat s;
	uint64_t nindir = (uint64_t)bsize / (ufs2 ? 8 : 4);
	off_t off = (off_t)((12 + nindir + nindir * nindir) * (uint64_t)bsize);
	char buf[100], got[100], z[100];
	struct mirror m;
	int fd;

	if (!mirror_setup(&m, opts, "16m"))
		return;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)ffs_pat(i, 77);
	memset(z, 0, sizeof(z));
	CHECK_OK(rump_sys_statvfs1(MNT, (void *)&a, RUMP_ST_WAIT));
	fd = rump_sys_open(MNT "/t", RUMP_O_CREAT | RUMP_O_RDWR, 0644);
	CHECK_EQ(rump_sys_pwrite(fd, buf, sizeof(buf), off + 5), 100);
	CHECK_OK(rump_sys_fstat(fd, (void *)&s));
	CHECK_EQ(s.st_size, off + 105);
	CHECK_EQ(s.st_blocks, 4 * bsize / 512);
	CHECK_OK(rump_sys_statvfs1(MNT, (void *)&b, RUMP_ST_WAIT));
	CHECK_EQ(a.f_bfree - b.f_bfree, 4 * (uint64_t)bsize / b.f_frsize);
	rump_sys_close(fd);
	m_remount(&m, false);
	fd = rump_sys_open(MNT "/t", RUMP_O_RDONLY);
	CHECK_EQ(rump_sys_pread(fd, got, sizeof(got), off + 5), 100);
	CHECK(memcmp(got, buf, sizeof(buf)) == 0);
	/* holes before it, in every level, read as zeros */
	CHECK_EQ(rump_sys_pread(fd, got, sizeof(got), off - 50), 100);
	CHECK(memcmp(got, z, 55) == 0 && memcmp(got + 55, buf, 45) == 0);
	CHECK_EQ(rump_sys_pread(fd, got, sizeof(got), off / 2), 100);
	CHECK(memcmp(got, z, sizeof(z)) == 0);
	rump_sys_close(fd);
	CHECK_OK(rump_sys_truncate(MNT "/t", 1000));
	CHECK_OK(rump_sys_statvfs1(MNT, (void *)&b, RUMP_ST_WAIT));
	/* the new last byte's block stays, as NetBSD allocates it */
	CHECK_EQ(a.f_bfree - b.f_bfree, 1000 / m.fsize + (1000 % m.fsize != 0));
	CHECK_OK(rump_sys_unlink(MNT "/t"));
	CHECK_OK(rump_sys_statvfs1(MNT, (void *)&b, RUMP_ST_WAIT));
	CHECK_EQ(a.f_bfree, b.f_bfree);
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(m.image), 0);
	unlink(m.image);
}

TEST(triple_indirect_ufs2_4k)
{
	check_triple("-o version=2,bsize=4096,fsize=4096", 4096, true);
}

TEST(triple_indirect_ufs1_4k_be)
{
	check_triple("-o version=1,bsize=4096,fsize=512 -B be", 4096, false);
}

/* Direct block pointers of inode ino, read from a little-endian image. */
static bool
read_db(const char *image, const struct ffs_sbinfo *sb, bool ufs2,
    uint64_t ino, int64_t db[12])
{
	int64_t cg = (int64_t)ino / sb->ipg;
	int64_t frag = cg * sb->fpg + sb->iblkno +
	    ((int64_t)ino % sb->ipg) / sb->inopb * sb->frag;
	off_t off = (off_t)(frag * sb->fsize + (int64_t)ino % sb->inopb *
	    (ufs2 ? 256 : 128));
	unsigned char d[256];
	int fd = open(image, O_RDONLY);
	bool ok = fd != -1 && pread(fd, d, sizeof(d), off) == sizeof(d);

	for (int i = 0; ok && i < 12; i++)
		db[i] = ufs2 ? (int64_t)ffs_img_get(d + 112 + 8 * i, 8, 0) :
		    (int64_t)(int32_t)ffs_img_get(d + 40 + 4 * i, 4, 0);
	if (fd != -1)
		close(fd);
	return ok;
}

/*
 * Placement (spec 14): a file's inode goes to its directory's cg, its
 * blocks follow one another in that cg, and a tail fragment grows in
 * place until it becomes a full block.
 */
TEST(placement)
{
	struct mirror m;
	struct ffs_sbinfo sb = { 0 };
	struct rump_stat sd, sf, sg;
	int64_t db[12];

	if (!mirror_setup(&m, "-o version=2,bsize=4096,fsize=512", "64m"))
		return;
	m_mkdir(&m, "d");
	m_mkdir(&m, "d/e");
	m_write(&m, "d/e/f", 0, 12 * 4096, 1);
	/* a tail that grows: 1000, 2000, 3000 bytes, then past a block */
	m_write(&m, "d/e/g", 0, 1000, 2);
	CHECK_OK(rump_sys_lstat(MNT "/d/e/g", (void *)&sg));
	CHECK_EQ(sg.st_blocks, 2);
	m_write(&m, "d/e/g", 1000, 1000, 3);
	m_write(&m, "d/e/g", 2000, 1000, 4);
	CHECK_OK(rump_sys_lstat(MNT "/d/e/g", (void *)&sg));
	CHECK_EQ(sg.st_blocks, 6);
	CHECK_OK(rump_sys_lstat(MNT "/d/e", (void *)&sd));
	CHECK_OK(rump_sys_lstat(MNT "/d/e/f", (void *)&sf));
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(m.image), 0);
	CHECK_EQ(ffs_read_sbinfo(m.image, &sb), 0);
	CHECK(sb.ncg > 1);
	CHECK_EQ(sf.st_ino / (uint64_t)sb.ipg, sd.st_ino / (uint64_t)sb.ipg);
	if (read_db(m.image, &sb, true, sf.st_ino, db)) {
		int jumps = 0;

		/* one run, but for at most one jump over the cg's
		 * superblock copy, header and inode table */
		for (int i = 1; i < 12; i++) {
			CHECK_EQ(db[i] / sb.fpg,
			    (int64_t)(sf.st_ino / (uint64_t)sb.ipg));
			CHECK(db[i] > db[i - 1]);
			jumps += db[i] != db[i - 1] + sb.frag;
		}
		CHECK(jumps <= 1);
	} else
		t_fail(__FILE__, __LINE__, "read inode %llu",
		    (unsigned long long)sf.st_ino);
	/* the 3000-byte tail is one run of six frags inside a block */
	if (read_db(m.image, &sb, true, sg.st_ino, db)) {
		CHECK(db[0] % sb.frag + 6 <= sb.frag);
		CHECK_EQ(db[1], 0);
	}
	CHECK_OK(ffs_mount_flags(m.image, KEY, MNT, 0));
	m_write(&m, "d/e/g", 3000, 3000, 5);
	CHECK_OK(rump_sys_lstat(MNT "/d/e/g", (void *)&sg));
	CHECK_EQ(sg.st_blocks, 8 + 4);	/* a full block and a 2-frag tail */
	m_finish(&m);
}
