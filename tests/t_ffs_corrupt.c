/*
 * t_ffs_corrupt: corrupt FFS images.  Every field read from the disk
 * is validated before use, so a damaged or malicious image makes the
 * mount or the call fail (EINVAL for a superblock that is not one,
 * EIO for a bad inode, block address or directory entry) and never
 * crashes or hangs the kernel.  Targeted damage to the superblock,
 * an inode, an indirect pointer and a directory chunk, then random
 * byte flips in the metadata of UFS1 and UFS2 images of both byte
 * orders (run under make SAN=1 as well).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "t_ffs_util.h"

#define KEY	"/dev/ffsbad"
#define MNT	"/mnt_bad"

static char treedir[128];

/* A small tree: a few files (one with an indirect block), symlinks,
 * nested directories, a directory of 60 entries. */
static const char *
tree(void)
{
	char p[256];

	if (treedir[0] != '\0')
		return treedir;
	snprintf(treedir, sizeof(treedir), "%s/tree", ffs_tmpdir());
	mkdir(treedir, 0755);
	snprintf(p, sizeof(p), "%s/one", treedir);
	ffs_host_file(p, 1, 1);
	snprintf(p, sizeof(p), "%s/tail", treedir);
	ffs_host_file(p, 5000, 2);
	snprintf(p, sizeof(p), "%s/ind", treedir);
	ffs_host_file(p, 12 * 8192 + 1, 3);
	snprintf(p, sizeof(p), "%s/short", treedir);
	symlink("target", p);
	snprintf(p, sizeof(p), "%s/long", treedir);
	symlink("0123456789012345678901234567890123456789012345678901234567890"
	    "12345678901234567890123456789012345678901234567890123456789", p);
	snprintf(p, sizeof(p), "%s/d", treedir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/d/e", treedir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/d/e/f", treedir);
	ffs_host_file(p, 3000, 4);
	for (int i = 0; i < 60; i++) {
		snprintf(p, sizeof(p), "%s/d/file_with_a_long_name_%02d",
		    treedir, i);
		ffs_host_file(p, (size_t)i, (unsigned)i);
	}
	return treedir;
}

static const char *
image(const char *opts)
{
	static char img[256];

	snprintf(img, sizeof(img), "%s/bad.img", ffs_tmpdir());
	if (ffs_makefs(opts, "4m", img, tree()) != 0)
		t_fail(__FILE__, __LINE__, "makefs %s", opts);
	return img;
}

static void
poke(const char *img, off_t off, const void *val, size_t len)
{
	int fd = open(img, O_WRONLY);

	if (fd == -1 || pwrite(fd, val, len, off) != (ssize_t)len)
		t_fail(__FILE__, __LINE__, "poke %s", img);
	if (fd != -1)
		close(fd);
}

static void
poke32(const char *img, off_t off, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 24) };

	poke(img, off, b, 4);
}

static void
poke64(const char *img, off_t off, uint64_t v)
{
	poke32(img, off, (uint32_t)v);
	poke32(img, off + 4, (uint32_t)(v >> 32));
}

static int
try_mount(const char *img)
{
	struct rump_ufs_args args = { .fspec = (char *)KEY };
	int rv;

	CHECK_EQ(rump_pub_etfs_register(KEY, img, RUMP_ETFS_BLK), 0);
	rump_sys_mkdir(MNT, 0755);
	rv = rump_sys_mount("ffs", MNT, RUMP_MNT_RDONLY, &args, sizeof(args));
	if (rv == -1) {
		int e = errno;

		rump_pub_etfs_remove(KEY);
		errno = e;
	}
	return rv;
}

static void
done(void)
{
	CHECK_OK(rump_sys_unmount(MNT, 0));
	CHECK_EQ(rump_pub_etfs_remove(KEY), 0);
}

/* The byte offset of inode ino in a little-endian UFS2 makefs image. */
static off_t
inode_off(const struct ffs_sbinfo *sb, uint64_t ino)
{
	int64_t cg = (int64_t)ino / sb->ipg;
	int64_t frag = cg * sb->fpg + sb->iblkno +
	    (int64_t)((ino % (uint64_t)sb->ipg) / (uint64_t)sb->inopb) *
	    sb->frag;

	return (off_t)(frag * sb->fsize + (int64_t)(ino % (uint64_t)sb->inopb)
	    * 256);
}

/* The inode number of path on a mount of the clean image. */
static uint64_t
ino_of(const char *img, const char *path)
{
	struct rump_stat st;
	char p[256];
	uint64_t ino = 0;

	if (try_mount(img) != 0)
		return 0;
	snprintf(p, sizeof(p), MNT "/%s", path);
	if (rump_sys_lstat(p, (struct stat *)(void *)&st) == 0)
		ino = st.st_ino;
	done();
	return ino;
}

struct sb_damage {
	const char *what;
	off_t	off;
	uint32_t val;
};

/* Each damaged superblock field: the mount finds no file system. */
TEST(superblock_fields)
{
	static const struct sb_damage d[] = {
		{ "magic", 8192 + 1372, 0x12345678 },
		{ "bsize", 8192 + 48, 3000 },
		{ "bsize too big", 8192 + 48, 131072 },
		{ "fsize", 8192 + 52, 100 },
		{ "frag", 8192 + 56, 16 },
		{ "ncg", 8192 + 44, 0x7fffffff },
		{ "ncg zero", 8192 + 44, 0 },
		{ "ipg", 8192 + 184, 0x40000000 },
		{ "fpg", 8192 + 188, 7 },
		{ "sbsize", 8192 + 104, 100000 },
		{ "cgsize", 8192 + 160, 1 },
		{ "inopb", 8192 + 120, 3 },
		{ "nindir", 8192 + 116, 5 },
		{ "bshift", 8192 + 80, 3 },
		{ "iblkno", 8192 + 16, 0xffff },
		{ "dblkno", 8192 + 20, 1 },
		{ "cssize", 8192 + 156, 0 },
		{ "csaddr", 8192 + 1096, 0x7fffffff },
		{ "size beyond the device", 8192 + 1080, 0x7fffffff },
		{ "sblockloc", 8192 + 1000, 65536 },
		{ "unknown fs_flags", 8192 + 1312, 0x1000 },
		{ "iblkno far negative", 8192 + 16, 0x80000020 },
		{ "ncg * 16 overflowing", 8192 + 44, 0x10000001 },
		{ "cs_nbfree", 8192 + 1016 + 4, 0x10000000 },
		{ "cs_nffree", 8192 + 1032 + 4, 0x80000000 },
		{ "cs_nifree", 8192 + 1024, 0x7fffffff },
	};

	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		const char *img = image("-o version=2 -B le");

		poke32(img, d[i].off, d[i].val);
		errno = 0;
		if (try_mount(img) != -1 || errno != RUMP_EINVAL) {
			t_fail(__FILE__, __LINE__, "%s: mount errno %d",
			    d[i].what, errno);
			if (errno == 0)
				done();
		}
	}
}

TEST(wapbl_flag_is_eperm)
{
	const char *img = image("-o version=2 -B le");

	poke32(img, 8192 + 1312, 0x200);
	CHECK_ERR(try_mount(img), RUMP_EPERM);
}

/* A root inode that is free or of no type: EIO, no crash. */
TEST(root_inode_damaged)
{
	static const uint16_t modes[] = { 0, 0170000, 0160000 };

	for (size_t i = 0; i < 3; i++) {
		const char *img = image("-o version=2 -B le");
		struct ffs_sbinfo sb;
		uint8_t m[2] = { (uint8_t)modes[i], (uint8_t)(modes[i] >> 8) };

		CHECK_EQ(ffs_read_sbinfo(img, &sb), 0);
		poke(img, inode_off(&sb, 2), m, 2);
		if (try_mount(img) == -1) {
			CHECK_EQ(errno, RUMP_EIO);
			continue;
		}
		{
			struct rump_stat st;

			CHECK_ERR(rump_sys_stat(MNT "/one",
			    (struct stat *)(void *)&st), RUMP_EIO);
		}
		done();
	}
}

/* Inode fields: link count 0, size beyond the maximum, a block
 * address beyond the file system, a bad indirect pointer. */
TEST(file_inode_damaged)
{
	const char *img = image("-o version=2 -B le");
	struct ffs_sbinfo sb;
	uint64_t one = ino_of(img, "one"), ind = ino_of(img, "ind");
	struct rump_stat st;
	char buf[8192];
	int fd;

	CHECK(one > 2 && ind > 2);
	CHECK_EQ(ffs_read_sbinfo(img, &sb), 0);

	poke(img, inode_off(&sb, one) + 2, "\0\0", 2);	/* nlink 0 */
	CHECK_OK(try_mount(img));
	CHECK_ERR(rump_sys_lstat(MNT "/one", (struct stat *)(void *)&st),
	    RUMP_EIO);
	done();

	img = image("-o version=2 -B le");
	poke64(img, inode_off(&sb, one) + 16, UINT64_MAX / 2);	/* size */
	CHECK_OK(try_mount(img));
	CHECK_ERR(rump_sys_lstat(MNT "/one", (struct stat *)(void *)&st),
	    RUMP_EIO);
	done();

	img = image("-o version=2 -B le");
	poke64(img, inode_off(&sb, one) + 112, 1ull << 40);	/* db[0] */
	CHECK_OK(try_mount(img));
	CHECK_OK(fd = rump_sys_open(MNT "/one", RUMP_O_RDONLY, 0));
	CHECK_ERR(rump_sys_read(fd, buf, 1), RUMP_EIO);
	rump_sys_close(fd);
	done();

	img = image("-o version=2 -B le");
	poke64(img, inode_off(&sb, ind) + 208, (uint64_t)-5);	/* ib[0] */
	CHECK_OK(try_mount(img));
	CHECK_OK(fd = rump_sys_open(MNT "/ind", RUMP_O_RDONLY, 0));
	CHECK_EQ(rump_sys_pread(fd, buf, 8192, 0), 8192);	/* direct */
	CHECK_ERR(rump_sys_pread(fd, buf, 1, 12 * 8192), RUMP_EIO);
	rump_sys_close(fd);
	done();
}

/* A directory chunk that breaks the entry rules: EIO. */
TEST(directory_chunk_damaged)
{
	static const struct { off_t off; uint16_t val; } d[] = {
		{ 4, 0 },		/* reclen 0 */
		{ 4, 513 },		/* beyond the chunk */
		{ 4, 6 },		/* below DIRSIZ, not a multiple of 4 */
		{ 16, 0 },		/* second entry's reclen 0 */
		{ 7, 200 },		/* namlen beyond reclen */
	};

	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		const char *img = image("-o version=2 -B le");
		struct ffs_sbinfo sb;
		uint8_t ib[8];
		int64_t db0 = 0;
		int fd, n;
		char buf[4096];
		struct rump_stat st;

		CHECK_EQ(ffs_read_sbinfo(img, &sb), 0);
		fd = open(img, O_RDONLY);
		CHECK(pread(fd, ib, 8, inode_off(&sb, 2) + 112) == 8);
		close(fd);
		for (int k = 7; k >= 0; k--)
			db0 = db0 << 8 | ib[k];
		if (d[i].off == 7)
			poke(img, db0 * sb.fsize + 7, &(uint8_t){ 200 }, 1);
		else
			poke(img, db0 * sb.fsize + d[i].off,
			    (uint8_t[2]){ (uint8_t)d[i].val,
			    (uint8_t)(d[i].val >> 8) }, 2);
		CHECK_OK(try_mount(img));
		CHECK_OK(fd = rump_sys_open(MNT, RUMP_O_RDONLY |
		    RUMP_O_DIRECTORY, 0));
		CHECK_ERR(n = rump_sys_getdents(fd, buf, sizeof(buf)),
		    RUMP_EIO);
		(void)n;
		rump_sys_close(fd);
		CHECK_ERR(rump_sys_lstat(MNT "/one",
		    (struct stat *)(void *)&st), RUMP_EIO);
		done();
	}
}

/* xorshift: a fixed sequence, so a failure can be replayed. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Flip random bytes in the superblock, the inode table, and the first
 * data blocks (directories), mount and walk everything; restore the
 * bytes and go again.  Anything may fail; nothing may crash.
 */
static void
random_flips(const char *opts, uint64_t seed, int rounds)
{
	const char *img = image(opts);
	struct ffs_sbinfo sb;
	int fd = open(img, O_RDWR), mounted = 0;
	off_t lo, hi;

	CHECK_EQ(ffs_read_sbinfo(img, &sb), 0);
	if (sb.fsize <= 0 || sb.fsize > 65536) {	/* big-endian image */
		sb.fsize = 1024;
		sb.iblkno = 32;
	}
	lo = 8192;
	hi = (off_t)(sb.iblkno + 64) * sb.fsize;	/* inodes and data */
	for (int r = 0; r < rounds; r++) {
		off_t offs[8];
		uint8_t saved[8];
		int n = 1 + (int)(rnd(&seed) % 8);

		for (int k = 0; k < n; k++) {
			uint8_t b;

			/* half the flips land in the superblock */
			offs[k] = (rnd(&seed) & 1) ? 8192 + (off_t)(rnd(&seed)
			    % 1376) : lo + (off_t)(rnd(&seed) %
			    (uint64_t)(hi - lo));
			if (pread(fd, &saved[k], 1, offs[k]) != 1)
				t_fail(__FILE__, __LINE__, "pread");
			b = saved[k] ^ (uint8_t)(1u << (rnd(&seed) % 8));
			if ((rnd(&seed) % 4) == 0)
				b = (uint8_t)rnd(&seed);
			if (pwrite(fd, &b, 1, offs[k]) != 1)
				t_fail(__FILE__, __LINE__, "pwrite");
		}
		if (try_mount(img) == 0) {
			struct rump_statvfs *sv = calloc(1, 4096);

			mounted++;
			(void)rump_sys_statvfs1(MNT, (void *)sv, RUMP_ST_WAIT);
			free(sv);
			ffs_walk(MNT, 0);
			done();
		}
		for (int k = n - 1; k >= 0; k--)
			if (pwrite(fd, &saved[k], 1, offs[k]) != 1)
				t_fail(__FILE__, __LINE__, "restore");
	}
	close(fd);
	/* the clean image still reads back */
	CHECK_OK(try_mount(img));
	CHECK_EQ(ffs_compare_tree(tree(), MNT), 0);
	done();
	fprintf(stderr, "  %s: %d of %d damaged images mounted\n", opts,
	    mounted, rounds);
}

TEST(random_flips_ufs1_le)
{
	random_flips("-o version=1 -B le", 0x1234567, 300);
}

TEST(random_flips_ufs2_le)
{
	random_flips("-o version=2 -B le", 0x7654321, 300);
}

TEST(random_flips_ufs2_be)
{
	random_flips("-o version=2 -B be", 0xabcdef1, 200);
}

TEST(random_flips_ufs1_4k)
{
	random_flips("-o version=1,bsize=4096,fsize=512", 0x5151, 200);
}

/* UFS2 inodes at or beyond cg_initediblk were never initialised: a
 * root there (or a cg header with a bad magic) fails the mount. */
TEST(ufs2_uninitialised_inodes)
{
	static const struct { off_t off; uint32_t val; } d[] = {
		{ 120, 0 },		/* cg_initediblk: nothing initialised */
		{ 120, 0x7fffffff },	/* beyond ipg */
		{ 4, 0x12345 },		/* cg_magic */
		{ 12, 1 },		/* cg_cgx */
	};

	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		const char *img = image("-o version=2 -B le");
		struct ffs_sbinfo sb;
		unsigned char b[4];
		int fd = open(img, O_RDONLY);
		int32_t cblkno;

		CHECK_EQ(ffs_read_sbinfo(img, &sb), 0);
		CHECK(pread(fd, b, 4, 8192 + 12) == 4);
		close(fd);
		cblkno = b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24;
		poke32(img, (off_t)cblkno * sb.fsize + d[i].off, d[i].val);
		CHECK_ERR(try_mount(img), RUMP_EIO);
	}
}

/* A directory entry naming the directory itself (a loop): lookups
 * through it terminate and nothing deadlocks. */
TEST(entry_pointing_to_its_directory)
{
	const char *img = image("-o version=2 -B le");
	struct ffs_sbinfo sb;
	struct rump_stat st, r;
	uint8_t ib[8], e[8];
	int64_t db0 = 0;
	int fd;
	char name[256], path[1024];

	CHECK_EQ(ffs_read_sbinfo(img, &sb), 0);
	fd = open(img, O_RDONLY);
	CHECK(pread(fd, ib, 8, inode_off(&sb, 2) + 112) == 8);
	for (int k = 7; k >= 0; k--)
		db0 = db0 << 8 | ib[k];
	/* the third entry of the root, after "." and ".." */
	CHECK(pread(fd, e, 8, db0 * sb.fsize + 24) == 8);
	CHECK(pread(fd, name, e[7], db0 * sb.fsize + 32) == e[7]);
	name[e[7]] = '\0';
	close(fd);
	poke32(img, db0 * sb.fsize + 24, 2);
	poke(img, db0 * sb.fsize + 30, "\4", 1);	/* DT_DIR */
	CHECK_OK(try_mount(img));
	CHECK_OK(rump_sys_stat(MNT, (struct stat *)(void *)&r));
	snprintf(path, sizeof(path), MNT "/%s/%s/%s", name, name, name);
	CHECK_OK(rump_sys_stat(path, (struct stat *)(void *)&st));
	CHECK_EQ(st.st_ino, r.st_ino);
	ffs_walk(MNT, 0);
	done();
}

/* Every change a mounted file system can be asked for, errors allowed. */
static void
exercise_rw(void)
{
	static char buf[40000];
	struct ffs_names nm = { 0 };
	char p[300], q[300];
	int fd;

	memset(buf, 'w', sizeof(buf));
	(void)ffs_rump_names(MNT "/d", &nm, 1024);
	for (size_t i = 0; i < nm.n && i < 8; i++) {
		snprintf(p, sizeof(p), MNT "/d/%s", nm.v[i]);
		snprintf(q, sizeof(q), MNT "/moved%zu", i);
		if (i % 3 == 0)
			(void)rump_sys_unlink(p);
		else if (i % 3 == 1)
			(void)rump_sys_rename(p, q);
		else
			(void)rump_sys_truncate(p, 70000);
	}
	ffs_names_free(&nm);
	if ((fd = rump_sys_open(MNT "/new", RUMP_O_CREAT | RUMP_O_RDWR,
	    0644)) != -1) {
		(void)rump_sys_write(fd, buf, sizeof(buf));
		(void)rump_sys_pwrite(fd, buf, 100, 200000);
		(void)rump_sys_fsync(fd);
		rump_sys_close(fd);
	}
	if ((fd = rump_sys_open(MNT "/tail", RUMP_O_WRONLY | RUMP_O_APPEND))
	    != -1) {
		(void)rump_sys_write(fd, buf, 9000);
		rump_sys_close(fd);
	}
	(void)rump_sys_mkdir(MNT "/d/e/newdir", 0755);
	(void)rump_sys_rename(MNT "/d/e", MNT "/e2");
	(void)rump_sys_symlink("a-target-long-enough-to-need-a-block-of-its-"
	    "own-on-either-format-of-ffs-0123456789-0123456789", MNT "/sl");
	(void)rump_sys_link(MNT "/one", MNT "/one_again");
	(void)rump_sys_unlink(MNT "/ind");
	(void)rump_sys_rmdir(MNT "/e2/newdir");
	ffs_walk(MNT, 0);
}

/*
 * The same damage as random_flips, on a read-write mount that is then
 * changed: each round starts from a fresh copy of the image.
 */
static void
random_flips_rw(const char *opts, uint64_t seed, int rounds)
{
	const char *img = image(opts);
	char work[300], cmd[700];
	struct rump_ufs_args args = { .fspec = (char *)KEY };
	struct ffs_sbinfo sb;
	int mounted = 0;
	off_t hi;

	CHECK_EQ(ffs_read_sbinfo(img, &sb), 0);
	if (sb.fsize <= 0 || sb.fsize > 65536) {	/* big-endian image */
		sb.fsize = 1024;
		sb.iblkno = 32;
	}
	hi = (off_t)(sb.iblkno + 64) * sb.fsize;
	snprintf(work, sizeof(work), "%s/work.img", ffs_tmpdir());
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", img, work);
	for (int r = 0; r < rounds; r++) {
		int n = 1 + (int)(rnd(&seed) % 8), fd;

		if (system(cmd) != 0 || (fd = open(work, O_RDWR)) == -1) {
			t_fail(__FILE__, __LINE__, "copy");
			return;
		}
		for (int k = 0; k < n; k++) {
			off_t off = 8192 + (off_t)(rnd(&seed) %
			    (uint64_t)(hi - 8192));
			uint8_t b;

			if (pread(fd, &b, 1, off) != 1)
				t_fail(__FILE__, __LINE__, "pread");
			b ^= (uint8_t)(1u << (rnd(&seed) % 8));
			if ((rnd(&seed) % 4) == 0)
				b = (uint8_t)rnd(&seed);
			if (pwrite(fd, &b, 1, off) != 1)
				t_fail(__FILE__, __LINE__, "pwrite");
		}
		close(fd);
		CHECK_EQ(rump_pub_etfs_register(KEY, work, RUMP_ETFS_BLK), 0);
		rump_sys_mkdir(MNT, 0755);
		if (rump_sys_mount("ffs", MNT, 0, &args, sizeof(args)) == 0) {
			mounted++;
			exercise_rw();
			if (rump_sys_unmount(MNT, 0) != 0)
				CHECK_OK(rump_sys_unmount(MNT, RUMP_MNT_FORCE));
		}
		CHECK_EQ(rump_pub_etfs_remove(KEY), 0);
	}
	unlink(work);
	fprintf(stderr, "  %s: %d of %d damaged images mounted read-write\n",
	    opts, mounted, rounds);
}

TEST(random_flips_rw_ufs1_le)
{
	random_flips_rw("-o version=1 -B le", 0x2468ace, 120);
}

TEST(random_flips_rw_ufs2_be)
{
	random_flips_rw("-o version=2 -B be", 0x13579bd, 120);
}

TEST(random_flips_rw_ufs2_4k)
{
	random_flips_rw("-o version=2,bsize=4096,fsize=512", 0x97531, 120);
}
