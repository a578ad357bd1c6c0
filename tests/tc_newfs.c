/*
 * tc_newfs: rump.newfs as NetBSD's newfs is used with a rump kernel:
 * rump_allserver -d key=/dev/nf,hostpath=disk.img,size=64m, and
 * RUMP_SERVER=... rump.newfs /dev/rnf writing through the raw device;
 * also -F on host files.  Each file system made must
 *   - have the superblock the spec's formulas give (sections 6, 18.1)
 *     for its size and options, and the fields makefs derives the same
 *     way equal to a makefs image's;
 *   - pass rump.fsck_ffs, through the server and on the host file;
 *     damaged through the raw device as a crash leaves it, be
 *     repaired by rump.fsck_ffs -y through the server;
 *   - mount in the kernel (through the server): an empty root owned
 *     by us, statvfs totals equal to the superblock's;
 * and bad options must fail with a message, writing nothing.
 */
#include <sys/stat.h>

#define TC_HARNESS_CLIENT	/* t_boot connects us to the server */
#include "tc_util.h"
#include "t_fsck_util.h"

static char tmpdir[64] = "/tmp/tc_newfs.XXXXXX";
static char disk[128];
static struct tc_srv srv;

int
t_boot(void)
{
	char drive[300];
	int r;

	if ((r = tc_boot_mkdir(tmpdir, &srv)) != 0)
		return r;
	snprintf(disk, sizeof(disk), "%s/disk.img", tmpdir);
	snprintf(drive, sizeof(drive), "key=/dev/nf,hostpath=%s,size=64m",
	    disk);
	return tc_boot_connect(&srv, tmpdir, "rump_allserver", "-d", drive,
	    NULL);
}

/* --- expectations from the spec ------------------------------------------------ */

static int64_t
up(int64_t a, int64_t b)
{
	return (a + b - 1) / b * b;
}

static int64_t
ceil_div(int64_t a, int64_t b)
{
	return (a + b - 1) / b;
}

/* Check the superblock of image against the formulas; version, sizes
 * and density as newfs was asked (density 0: 4 * fsize). */
static void
check_formulas(const char *image, int version, int64_t bytes, int bsize,
    int fsize, int64_t density)
{
	struct img m;
	int64_t loc = version == 2 ? 65536 : 8192, frag = bsize / fsize;
	int64_t size, sblkno, cblkno, iblkno, dblkno, ncg, ipg, fpg, cssize;
	int64_t cgsize, inodes;
	int dsz = version == 2 ? 256 : 128, inopb = bsize / dsz;

	if (img_open(&m, image) != 0) {
		t_fail(__FILE__, __LINE__, "%s: no superblock", image);
		return;
	}
	CHECK_EQ(m.sbloc, loc);
	CHECK_EQ(sb32(&m, 1372), version == 2 ? 0x19540119 : 0x011954);
	CHECK_EQ(sb64(&m, 1000), loc);
	CHECK_EQ(m.bsize, bsize);
	CHECK_EQ(m.fsize, fsize);
	CHECK_EQ(m.frag, frag);
	CHECK_EQ(m.inopb, inopb);
	CHECK_EQ(sb32(&m, 116), bsize / (version == 2 ? 8 : 4));
	size = sb64(&m, 1080);
	ncg = m.ncg;
	ipg = m.ipg;
	fpg = m.fpg;
	sblkno = up(ceil_div(loc + 8192, fsize), frag);
	cblkno = sblkno + up(ceil_div(8192, fsize), frag);
	iblkno = cblkno + frag;
	dblkno = iblkno + ipg / (inopb / frag);
	CHECK_EQ(sb32(&m, 8), sblkno);
	CHECK_EQ(sb32(&m, 12), cblkno);
	CHECK_EQ(sb32(&m, 16), iblkno);
	CHECK_EQ(sb32(&m, 20), dblkno);
	/* all of the disk but perhaps a runt last group */
	CHECK(size <= bytes / fsize && size > bytes / fsize - dblkno);
	CHECK_EQ(ncg, ceil_div(size, fpg));
	CHECK_EQ(fpg % 8, 0);
	CHECK_EQ(fpg % frag, 0);
	CHECK_EQ(ipg % inopb, 0);
	cgsize = 176 + 4 + (version == 1 ? 6 : 0) + ceil_div(ipg, 8) +
	    ceil_div(fpg, 8);
	if (65536 / bsize > 1)
		cgsize += (65536 / bsize < 16 ? 65536 / bsize : 16) * 4 +
		    ceil_div(fpg / frag, 8);
	CHECK(cgsize <= bsize);
	CHECK_EQ(sb32(&m, 160), up(cgsize, fsize));
	cssize = up(ncg * 16, fsize);
	CHECK_EQ(sb32(&m, 156), cssize);
	CHECK_EQ(sb64(&m, 1096), dblkno);
	CHECK_EQ(sb64(&m, 1088), size - sblkno - ncg * (dblkno - sblkno) -
	    cssize / fsize);
	CHECK_EQ(sb32(&m, 104), up(1376, fsize) > 8192 ? 8192 : up(1376, fsize));
	CHECK_EQ(sb32(&m, 88), 65536 / bsize > 1 ? 65536 / bsize : 1);
	CHECK_EQ(sb32(&m, 92), bsize / (version == 2 ? 8 : 4));
	CHECK_EQ(sb32(&m, 1320), version == 2 ? 120 : 60);
	CHECK_EQ(sb32(&m, 60), 5);
	CHECK_EQ(img_get(&m, (uint64_t)loc + 209, 1), 1);	/* clean */
	CHECK_EQ(img_get(&m, (uint64_t)loc + 211, 1), 0x80);	/* layout 2 */
	/* after the root: one directory, 3 inodes and one frag in use */
	CHECK_EQ(sb64(&m, 1008), 1);
	CHECK_EQ(sb64(&m, 1024), ncg * ipg - 3);
	CHECK_EQ(sb64(&m, 1016) * frag + sb64(&m, 1032), sb64(&m, 1088) - 1);
	/* inodes: about one per density bytes */
	inodes = ncg * ipg;
	if (density == 0)
		density = 4 * fsize;
	CHECK(inodes >= bytes / density * 8 / 10);
	CHECK(inodes <= bytes / density + ncg * inopb);
	if (version == 1) {
		CHECK_EQ(sb32(&m, 36), size);		/* old_size */
		CHECK_EQ(sb32(&m, 40), sb64(&m, 1088));	/* old_dsize */
		CHECK_EQ(sb32(&m, 152), dblkno);	/* old_csaddr */
		CHECK_EQ(sb32(&m, 180), 1);		/* old_cpg */
		CHECK_EQ(sb32(&m, 172), fpg * (fsize / 512));	/* old_spc */
	}
	/* the root: a directory of 512 bytes in one frag, mode 0755 */
	CHECK_EQ(di_get(&m, 2, DI_MODE(&m), 2), 040755);
	CHECK_EQ(di_get(&m, 2, DI_NLINK(&m), 2), 2);
	CHECK_EQ(di_get(&m, 2, DI_SIZE(&m), 8), 512);
	CHECK_EQ(di_get(&m, 2, DI_BLOCKS(&m), version == 2 ? 8 : 4),
	    fsize / 512);
	CHECK_EQ(root_lookup(&m, "..", NULL), 2);
	img_close(&m);
}

/* The kernel mounts /dev/nf read-only: an empty root, statvfs = sb. */
static void
check_mount(const char *image)
{
	struct rump_ufs_args args = { .fspec = (char *)"/dev/nf" };
	struct rump_statvfs sv;
	struct rump_stat st;
	struct img m;
	char buf[4096];
	int fd;
	long n;

	rump_sys_mkdir("/mnt", 0755);
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_FFS, "/mnt", RUMP_MNT_RDONLY,
	    &args, sizeof(args)));
	CHECK_OK(rump_sys_stat("/mnt", (struct stat *)(void *)&st));
	CHECK_EQ(st.st_mode, 040755);
	CHECK_EQ(st.st_uid, geteuid());
	CHECK_EQ(st.st_nlink, 2);
	CHECK_OK(fd = rump_sys_open("/mnt", RUMP_O_RDONLY, 0));
	n = rump_sys_getdents(fd, buf, sizeof(buf));
	CHECK_EQ(n, 32);	/* "." and "..": two 16-byte records */
	rump_sys_close(fd);
	CHECK_OK(rump_sys_statvfs1("/mnt", (struct statvfs *)(void *)&sv, 1));
	if (img_open(&m, image) == 0) {
		CHECK_EQ(sv.f_blocks, sb64(&m, 1088));
		CHECK_EQ(sv.f_bsize, m.bsize);
		CHECK_EQ(sv.f_frsize, m.fsize);
		CHECK_EQ(sv.f_ffree, sb64(&m, 1024));
		img_close(&m);
	}
	CHECK_OK(rump_sys_unmount("/mnt", 0));
}

static void
fsck_both(const char *what)
{
	char args[300];
	int rc;

	rc = run_tool("rump.fsck_ffs", "-n /dev/rnf");
	CHECK_EQ(rc, 0);
	if (rc != 0)
		fprintf(stderr, "%s (server):\n%s\n", what, tool_out);
	snprintf(args, sizeof(args), "-n -F '%s'", disk);
	rc = run_tool("rump.fsck_ffs", args);
	CHECK_EQ(rc, 0);
	if (rc != 0)
		fprintf(stderr, "%s (host):\n%s\n", what, tool_out);
}

/* The kernel writes into a new file system; it stays clean. */
static void
write_tree(void)
{
	static char data[300000];
	int fd;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 13 + 7);
	CHECK_OK(rump_sys_mkdir("/mnt/d", 0755));
	CHECK_OK(rump_sys_mkdir("/mnt/d/e", 0700));
	CHECK_OK(fd = rump_sys_open("/mnt/d/big", RUMP_O_CREAT | RUMP_O_RDWR,
	    0644));
	CHECK_EQ(rump_sys_write(fd, data, sizeof(data)), sizeof(data));
	rump_sys_close(fd);
	CHECK_OK(fd = rump_sys_open("/mnt/small", RUMP_O_CREAT | RUMP_O_RDWR,
	    0644));
	CHECK_EQ(rump_sys_write(fd, data, 1500), 1500);
	rump_sys_close(fd);
	CHECK_OK(rump_sys_link("/mnt/small", "/mnt/d/small.link"));
	CHECK_OK(rump_sys_symlink("d/big", "/mnt/lnk"));
	for (int i = 0; i < 100; i++) {
		char p[64];

		snprintf(p, sizeof(p), "/mnt/d/e/f%03d", i);
		CHECK_OK(fd = rump_sys_open(p, RUMP_O_CREAT | RUMP_O_RDWR,
		    0644));
		rump_sys_close(fd);
	}
}

TEST(newfs_then_kernel_writes)
{
	struct rump_ufs_args args = { .fspec = (char *)"/dev/nf" };
	struct rump_stat st;

	for (int v = 1; v <= 2; v++) {
		char opts[32];
		int rc;

		snprintf(opts, sizeof(opts), "-O %d /dev/rnf", v);
		CHECK_EQ(run_tool("rump.newfs", opts), 0);
		rump_sys_mkdir("/mnt", 0755);
		rc = rump_sys_mount(RUMP_MOUNT_FFS, "/mnt", 0, &args,
		    sizeof(args));
		CHECK_OK(rc);
		if (rc != 0)
			continue;
		write_tree();
		CHECK_OK(rump_sys_unmount("/mnt", 0));
		fsck_both(v == 1 ? "UFS1 written by the kernel" :
		    "UFS2 written by the kernel");
		CHECK(out_has("106 files"));	/* root, 2 dirs, 103 files */
		CHECK_OK(rump_sys_mount(RUMP_MOUNT_FFS, "/mnt", RUMP_MNT_RDONLY,
		    &args, sizeof(args)));
		CHECK_OK(rump_sys_stat("/mnt/d/big", (struct stat *)(void *)&st));
		CHECK_EQ(st.st_size, 300000);
		CHECK_OK(rump_sys_stat("/mnt/small", (struct stat *)(void *)&st));
		CHECK_EQ(st.st_nlink, 2);
		CHECK_OK(rump_sys_unmount("/mnt", 0));
	}
}

/* Patch the UFS2 superblock at 65536 through the raw device: fs_clean
 * 0 and one free block too many in the totals (what a crash leaves);
 * returns fs_clean as it was (-1 on error). */
static int
damage_raw(int clean)
{
	uint8_t sb[512 * 3];
	int64_t nbfree;
	int fd = rump_sys_open("/dev/rnf", RUMP_O_RDWR, 0), was = -1;

	if (fd == -1)
		return -1;
	if (rump_sys_pread(fd, sb, sizeof(sb), 65536) == (ssize_t)sizeof(sb)) {
		was = sb[209];
		if (clean >= 0) {
			sb[209] = (uint8_t)clean;
			memcpy(&nbfree, sb + 1016, 8);
			nbfree++;
			memcpy(sb + 1016, &nbfree, 8);
			if (rump_sys_pwrite(fd, sb, sizeof(sb), 65536) !=
			    (ssize_t)sizeof(sb))
				was = -1;
		}
	}
	rump_sys_close(fd);
	return was;
}

/* rump.fsck_ffs -y through the server's raw device repairs the
 * counts a crash leaves and marks the file system clean. */
TEST(fsck_repairs_through_raw_device)
{
	struct rump_ufs_args args = { .fspec = (char *)"/dev/nf" };
	struct rump_stat st;

	CHECK_EQ(run_tool("rump.newfs", "-O 2 /dev/rnf"), 0);
	rump_sys_mkdir("/mnt", 0755);
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_FFS, "/mnt", 0, &args,
	    sizeof(args)));
	write_tree();
	CHECK_OK(rump_sys_unmount("/mnt", 0));
	CHECK_EQ(damage_raw(0), 1);
	CHECK_EQ(run_tool("rump.fsck_ffs", "-n /dev/rnf"), 2);
	CHECK(out_has("FREE BLK COUNT(S) WRONG IN SUPERBLK"));
	CHECK_EQ(run_tool("rump.fsck_ffs", "-y /dev/rnf"), 0);
	CHECK(out_has("***** FILE SYSTEM WAS MODIFIED *****"));
	CHECK_EQ(damage_raw(-1), 1);
	fsck_both("repaired through the server");
	CHECK(out_has("** File system is already clean"));
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_FFS, "/mnt", RUMP_MNT_RDONLY,
	    &args, sizeof(args)));
	CHECK_OK(rump_sys_stat("/mnt/d/big", (struct stat *)(void *)&st));
	CHECK_EQ(st.st_size, 300000);
	CHECK_OK(rump_sys_unmount("/mnt", 0));
}

struct shape {
	const char *opts;
	int	version, bsize, fsize;
	int64_t	bytes, density;
};

static const struct shape shapes[] = {
	{ "-O 1", 1, 8192, 1024, 64 << 20, 0 },
	{ "-O 2", 2, 8192, 1024, 64 << 20, 0 },
	{ "-O 1 -b 4096 -f 512", 1, 4096, 512, 64 << 20, 0 },
	{ "-O 2 -b 16384 -f 2048 -i 8192", 2, 16384, 2048, 64 << 20, 8192 },
	{ "-O 2 -b 65536 -f 8192", 2, 65536, 8192, 64 << 20, 0 },
	{ "-O 1 -b 32768 -f 4096 -s 20m", 1, 32768, 4096, 20 << 20, 0 },
	{ "-O 2 -s 10m", 2, 4096, 512, 10 << 20, 0 },
	{ "-O 1 -s 3m -i 2048", 1, 4096, 512, 3 << 20, 2048 },
	{ "-O 2 -f 4096", 2, 32768, 4096, 64 << 20, 0 },
	{ "-O 1 -b 16384", 1, 16384, 2048, 64 << 20, 0 },
};

TEST(newfs_through_raw_device)
{
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		const struct shape *s = &shapes[i];
		char args[200];
		int rc;

		snprintf(args, sizeof(args), "%s /dev/rnf", s->opts);
		rc = run_tool("rump.newfs", args);
		CHECK_EQ(rc, 0);
		if (rc != 0) {
			fprintf(stderr, "newfs %s:\n%s\n", args, tool_out);
			continue;
		}
		CHECK(out_has("cylinder groups"));
		check_formulas(disk, s->version, s->bytes, s->bsize, s->fsize,
		    s->density);
		fsck_both(s->opts);
		check_mount(disk);
	}
}

static void
newfs_host(const char *opts, const char *file, int version, int64_t bytes,
    int bsize, int fsize)
{
	char args[400], path[200];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, file);
	snprintf(args, sizeof(args), "-F %s '%s'", opts, path);
	rc = run_tool("rump.newfs", args);
	CHECK_EQ(rc, 0);
	if (rc != 0) {
		fprintf(stderr, "newfs %s:\n%s\n", args, tool_out);
		return;
	}
	check_formulas(path, version, bytes, bsize, fsize, 0);
	snprintf(args, sizeof(args), "-F '%s'", path);
	rc = run_tool("rump.fsck_ffs", args);
	CHECK_EQ(rc, 0);
	if (rc != 0)
		fprintf(stderr, "fsck %s:\n%s\n", path, tool_out);
	unlink(path);
}

TEST(newfs_host_file)
{
	newfs_host("-s 100m", "a.img", 1, 100 << 20, 8192, 1024);
	newfs_host("-O 2 -s 100m", "b.img", 2, 100 << 20, 8192, 1024);
	newfs_host("-O 2 -s 1100m", "c.img", 2, 1100LL << 20, 16384, 2048);
	newfs_host("-O 1 -s 15m", "d.img", 1, 15 << 20, 4096, 512);
	newfs_host("-O 2 -s 262144", "e.img", 2, 128 << 20, 8192, 1024);
}

/* Where makefs and newfs derive a field the same way, they agree. */
TEST(newfs_agrees_with_makefs)
{
	static const int common[] = { 48, 52, 56, 60, 72, 76, 80, 84,
	    88, 96, 100, 104, 116, 120, 1316, 1320, 1324, 1200, 1196 };
	char args[400], nf[200], mk[200], empty[200], cmd[800];

	snprintf(empty, sizeof(empty), "%s/empty", tmpdir);
	mkdir(empty, 0755);
	for (int v = 1; v <= 2; v++) {
		struct img a, b;

		snprintf(nf, sizeof(nf), "%s/nf%d.img", tmpdir, v);
		snprintf(mk, sizeof(mk), "%s/mk%d.img", tmpdir, v);
		snprintf(args, sizeof(args), "-F -O %d -s 64m '%s'", v, nf);
		CHECK_EQ(run_tool("rump.newfs", args), 0);
		snprintf(cmd, sizeof(cmd), "/usr/sbin/makefs -t ffs -s 64m -o "
		    "version=%d '%s' '%s' >/dev/null 2>&1", v, mk, empty);
		CHECK_EQ(system(cmd), 0);
		if (img_open(&a, nf) != 0 || img_open(&b, mk) != 0) {
			t_fail(__FILE__, __LINE__, "images");
			continue;
		}
		for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
			if (sb32(&a, common[i]) != sb32(&b, common[i]))
				t_fail(__FILE__, __LINE__, "v%d: field at %d: "
				    "newfs %lld makefs %lld", v, common[i],
				    (long long)sb32(&a, common[i]),
				    (long long)sb32(&b, common[i]));
		CHECK_EQ(sb64(&a, 1080), sb64(&b, 1080));	/* size */
		CHECK_EQ(sb64(&a, 1328), sb64(&b, 1328));	/* maxfilesize */
		CHECK_EQ(sb64(&a, 1336), sb64(&b, 1336));	/* qbmask */
		CHECK_EQ(sb64(&a, 1344), sb64(&b, 1344));	/* qfmask */
		if (v == 1) {	/* same superblock place: same cg layout */
			CHECK_EQ(sb32(&a, 8), sb32(&b, 8));
			CHECK_EQ(sb32(&a, 12), sb32(&b, 12));
			CHECK_EQ(sb32(&a, 16), sb32(&b, 16));
			CHECK_EQ(sb32(&a, 92), sb32(&b, 92));	/* maxbpg */
		}
		img_close(&a);
		img_close(&b);
	}
}

TEST(newfs_big_endian)
{
	struct rump_ufs_args args_be = { .fspec = (char *)"/dev/nf" };
	struct rump_stat st;
	char args[300], path[200];
	int fd;
	uint8_t mag[4];

	for (int v = 1; v <= 2; v++) {
		snprintf(path, sizeof(path), "%s/be%d.img", tmpdir, v);
		snprintf(args, sizeof(args), "-F -B be -O %d -s 32m '%s'", v,
		    path);
		CHECK_EQ(run_tool("rump.newfs", args), 0);
		fd = open(path, O_RDONLY);
		CHECK(pread(fd, mag, 4, (v == 2 ? 65536 : 8192) + 1372) == 4);
		close(fd);
		/* the magic in big-endian byte order */
		CHECK_EQ(mag[0], v == 2 ? 0x19 : 0x00);
		CHECK_EQ(mag[1], v == 2 ? 0x54 : 0x01);
		CHECK_EQ(mag[2], v == 2 ? 0x01 : 0x19);
		CHECK_EQ(mag[3], v == 2 ? 0x19 : 0x54);
		snprintf(args, sizeof(args), "-F '%s'", path);
		CHECK_EQ(run_tool("rump.fsck_ffs", args), 0);
		unlink(path);
		/* and on the server's disk: the kernel mounts it */
		snprintf(args, sizeof(args), "-B be -O %d /dev/rnf", v);
		CHECK_EQ(run_tool("rump.newfs", args), 0);
		CHECK_EQ(run_tool("rump.fsck_ffs", "/dev/rnf"), 0);
		rump_sys_mkdir("/mnt", 0755);
		CHECK_OK(rump_sys_mount(RUMP_MOUNT_FFS, "/mnt", RUMP_MNT_RDONLY,
		    &args_be, sizeof(args_be)));
		CHECK_OK(rump_sys_stat("/mnt", (struct stat *)(void *)&st));
		CHECK_EQ(st.st_mode, 040755);
		CHECK_EQ(st.st_nlink, 2);
		CHECK_OK(rump_sys_unmount("/mnt", 0));
	}
}

/* -n: the geometry is printed, nothing is written. */
TEST(newfs_n_writes_nothing)
{
	char args[300], path[200], before[4096], after[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/keep.img", tmpdir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	memset(before, 0x5a, sizeof(before));
	for (int i = 0; i < 2048; i++)
		CHECK(write(fd, before, sizeof(before)) == sizeof(before));
	snprintf(args, sizeof(args), "-F -n -O 2 '%s'", path);
	CHECK_EQ(run_tool("rump.newfs", args), 0);
	CHECK(out_has("using 4 cylinder groups"));
	for (int i = 0; i < 2048; i++) {
		CHECK(pread(fd, after, sizeof(after), (off_t)i * 4096) == 4096);
		if (memcmp(before, after, sizeof(after)) != 0) {
			t_fail(__FILE__, __LINE__, "block %d changed", i);
			break;
		}
	}
	close(fd);
	/* and through the server: the device keeps its bytes */
	CHECK_EQ(run_tool("rump.newfs", "-O 1 /dev/rnf"), 0);
	CHECK_EQ(run_tool("rump.newfs", "-n -O 2 /dev/rnf"), 0);
	CHECK_EQ(run_tool("rump.fsck_ffs", "/dev/rnf"), 0);
	CHECK(out_has("** Phase 5"));
	{
		struct img m;

		CHECK_EQ(img_open(&m, disk), 0);
		CHECK(!m.ufs2);
		img_close(&m);
	}
}

/* A new file system replaces an old one of the other format. */
TEST(newfs_zaps_old_superblocks)
{
	struct img m;

	CHECK_EQ(run_tool("rump.newfs", "-O 2 /dev/rnf"), 0);
	CHECK_EQ(run_tool("rump.newfs", "-O 1 /dev/rnf"), 0);
	CHECK_EQ(img_open(&m, disk), 0);
	CHECK(!m.ufs2);
	CHECK_EQ(img_get(&m, 65536 + 1372, 4), 0);
	img_close(&m);
	fsck_both("UFS1 over UFS2");
	check_mount(disk);
}

TEST(newfs_bad_options)
{
	static const char *const bad[][2] = {
		{ "-b 3000 /dev/rnf", "block size" },
		{ "-b 131072 /dev/rnf", "block size" },
		{ "-f 256 /dev/rnf", "fragment size" },
		{ "-b 4096 -f 8192 /dev/rnf", "fragment size" },
		{ "-b 65536 -f 512 /dev/rnf", "fragment size" },
		{ "-O 3 /dev/rnf", "format" },
		{ "-s 1z /dev/rnf", "size" },
		{ "-s 20k /dev/rnf", "minimum" },
		{ "-s 1g /dev/rnf", "larger than the disk" },
		{ "-B middle /dev/rnf", "byte order" },
		{ "/dev/nosuch", "No such file" },
		{ "", "usage" },
	};
	struct stat before, after;

	CHECK_OK(stat(disk, &before));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = run_tool("rump.newfs", bad[i][0]);

		CHECK_EQ(rc, 1);
		CHECK(out_has(bad[i][1]));
		CHECK(out_has("rump.newfs"));
		if (rc != 1 || !out_has(bad[i][1]))
			fprintf(stderr, "newfs %s:\n%s\n", bad[i][0], tool_out);
	}
	/* the checker on what is not there: status 8, and a message */
	CHECK_EQ(run_tool("rump.fsck_ffs", "/dev/nosuch"), 8);
	CHECK(out_has("rump.fsck_ffs: /dev/nosuch: No such file"));
	CHECK_OK(stat(disk, &after));
	CHECK_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	CHECK_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
}

