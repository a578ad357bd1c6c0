/*
 * t_fsck_ffs: rump.fsck_ffs and rump.newfs on host files.
 *
 * The checker against independent truth: makefs images of a generated
 * tree (every size class, holes, short and long symlinks, hard links,
 * a directory of 3000 entries; UFS1/UFS2, both byte orders, 4-32 KiB
 * blocks) must be clean, with the file count of the host tree; copies
 * damaged in one way each (a map bit, a link count, a block claimed
 * twice, a directory entry, the summary counts, a block count, a
 * d_type, a dropped name, a cg magic, the superblock) must be
 * reported by name with NetBSD's exit status 2 (8 when there is
 * nothing to check).  Where -y repairs the damage: exit 0, "FILE
 * SYSTEM WAS MODIFIED", fs_clean 1 in the image bytes, a second -n
 * run finds nothing, and the kernel mounts the image and reads the
 * host tree back (less the files the repair had to remove).  -p
 * repairs what a crash leaves and stops with exit 8 at anything else.
 *
 * newfs against the spec's formulas (section 6 and 18.1), against
 * makefs for the fields both derive the same way, against the
 * checker, and against the kernel, which must mount the result.
 */
#include <sys/stat.h>

#include "t.h"
#include "t_ffs_util.h"
#include "t_fsck_util.h"

static char treedir[160];
static long tree_inodes;	/* distinct inodes in the tree, root too */

static void
mkfile(const char *name, size_t size)
{
	char p[300];

	snprintf(p, sizeof(p), "%s/%s", treedir, name);
	if (ffs_host_file(p, size, (unsigned)size) != 0)
		t_fail(__FILE__, __LINE__, "cannot make %s", p);
	tree_inodes++;
}

static void
mklink(const char *name, size_t len)
{
	char p[300], target[300];

	memset(target, 'q', len);
	target[len] = '\0';
	snprintf(p, sizeof(p), "%s/%s", treedir, name);
	if (symlink(target, p) != 0)
		t_fail(__FILE__, __LINE__, "symlink %s", p);
	tree_inodes++;
}

static void
mksub(const char *name)
{
	char p[300];

	snprintf(p, sizeof(p), "%s/%s", treedir, name);
	mkdir(p, 0755);
	tree_inodes++;
}

static const char *
tree(void)
{
	char p[300], q[300];
	int fd;

	if (treedir[0] != '\0')
		return treedir;
	snprintf(treedir, sizeof(treedir), "%s/tree", ffs_tmpdir());
	mkdir(treedir, 0755);
	tree_inodes = 1;
	mkfile("empty", 0);
	mkfile("one", 1);
	mkfile("tail5000", 5000);
	mkfile("ind100k", 100000);
	mkfile("dbl9m", 9 << 20);
	snprintf(p, sizeof(p), "%s/hole", treedir);	/* sparse */
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd == -1 || pwrite(fd, "x", 1, 3 << 20) != 1)
		t_fail(__FILE__, __LINE__, "sparse file");
	close(fd);
	tree_inodes++;
	snprintf(q, sizeof(q), "%s/one.link", treedir);
	snprintf(p, sizeof(p), "%s/one", treedir);
	if (link(p, q) != 0)
		t_fail(__FILE__, __LINE__, "link");
	mklink("l30", 30);
	mklink("l59", 59);
	mklink("l60", 60);
	mklink("l119", 119);
	mklink("l120", 120);
	mklink("l250", 250);
	mksub("sub");
	mksub("sub/deeper");
	mkfile("sub/deeper/n.txt", 17);
	mksub("big");
	for (int i = 0; i < 3000; i++) {
		char n[64];

		snprintf(n, sizeof(n), "big/entry_with_a_longish_name_%04d", i);
		mkfile(n, 0);
	}
	return treedir;
}

static char img_path[256];

/* A makefs image of the tree with opts; its path. */
static const char *
makefs_img(const char *name, const char *opts, const char *size)
{
	snprintf(img_path, sizeof(img_path), "%s/%s", ffs_tmpdir(), name);
	if (ffs_makefs(opts, size, img_path, tree()) != 0)
		t_fail(__FILE__, __LINE__, "makefs %s", opts);
	return img_path;
}

static int
fsck(const char *image)
{
	char args[400];

	snprintf(args, sizeof(args), "-n -F '%s'", image);
	return run_tool("rump.fsck_ffs", args);
}

static void
check_clean(const char *opts, const char *size)
{
	char want[64];
	int rc = fsck(makefs_img("clean.img", opts, size));

	snprintf(want, sizeof(want), "\n%ld files, ", tree_inodes);
	CHECK_EQ(rc, 0);
	CHECK(out_has("** Phase 5 - Check Cyl groups"));
	CHECK(out_has(want));
	if (rc != 0 || !out_has(want))
		fprintf(stderr, "%s: %s\n", opts, tool_out);
}

TEST(makefs_images_are_clean)
{
	check_clean("-o version=1", "64m");
	check_clean("-o version=2", "64m");
	check_clean("-B be -o version=1", "64m");
	check_clean("-B be -o version=2", "64m");
	check_clean("-o version=1,bsize=4096,fsize=512", "48m");
	check_clean("-o version=2,bsize=32768,fsize=4096", "100m");
	check_clean("-o version=2,bsize=16384,fsize=2048,density=4096 -f 500",
	    "40m");
}

/* --- damaged images ------------------------------------------------------------ */

static struct img dm;

/* A fresh UFS2 (or UFS1) makefs copy, opened for patching, marked
 * not clean (as a crash leaves it) so a repair must mark it. */
static void
damaged(int version)
{
	makefs_img("bad.img", version == 2 ? "-o version=2" : "-o version=1",
	    "64m");
	if (img_open(&dm, img_path) != 0)
		t_fail(__FILE__, __LINE__, "open image");
	img_put(&dm, (uint64_t)dm.sbloc + 209, 1, 0);	/* fs_clean */
}

/* Patch done: the checker must name the problem and exit 2. */
static void
expect(const char *msg)
{
	int rc;

	img_close(&dm);
	rc = fsck(img_path);
	CHECK_EQ(rc, 2);
	CHECK(out_has(msg));
	CHECK(out_has("UNRESOLVED INCONSISTENCIES REMAIN"));
	if (rc != 2 || !out_has(msg))
		fprintf(stderr, "want \"%s\":\n%s\n", msg, tool_out);
}

/* fs_clean read back from the image bytes (ffs.md 3: byte 209). */
static int
clean_byte(void)
{
	struct img m;
	int v;

	if (img_open(&m, img_path) != 0)
		return -1;
	v = (int)img_get(&m, (uint64_t)m.sbloc + 209, 1);
	img_close(&m);
	return v;
}

static const char *keep[] = { "one", "ind100k", "dbl9m", "hole",
    "sub/deeper/n.txt", "empty", "tail5000" };
static uint64_t keep_ino[sizeof(keep) / sizeof(*keep)];

/* Before damage: the inode of each kept path's first component, where
 * lost+found would name it ("#ino"). */
static void
note_inodes(void)
{
	for (size_t i = 0; i < sizeof(keep) / sizeof(*keep); i++) {
		char first[64];

		snprintf(first, sizeof(first), "%.*s",
		    (int)strcspn(keep[i], "/"), keep[i]);
		keep_ino[i] = root_lookup(&dm, first, NULL);
	}
}

/* Where a kept path is now: in place, or (moved) under lost+found. */
static void
kept_path(size_t i, bool moved, char *rp, size_t len)
{
	struct rump_stat rst;
	const char *rest = keep[i] + strcspn(keep[i], "/");

	snprintf(rp, len, "/mnt/%s", keep[i]);
	if (moved && rump_sys_stat(rp, (struct stat *)&rst) == -1)
		snprintf(rp, len, "/mnt/lost+found/#%llu%s",
		    (unsigned long long)keep_ino[i], rest);
}

/* Whether name is one of the space-separated names in list. */
static bool
listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p != NULL && *p != '\0';
	    p += strcspn(p, " "), p += *p == ' ')
		if (strcspn(p, " ") == n && strncmp(p, name, n) == 0)
			return true;
	return false;
}

/* The mounted image against the host tree: everything, or (gone
 * given) the kept files, which may have moved to lost+found (moved),
 * and the names in gone (space-separated) must be absent. */
static void
compare_mounted(const char *gone, bool moved)
{
	char host[400], rp[300];
	struct stat st;
	struct rump_stat rst;

	if (ffs_mount_image(img_path, "/fsck.img", "/mnt") != 0) {
		t_fail(__FILE__, __LINE__, "mount: errno %d", errno);
		return;
	}
	if (gone == NULL && !moved)
		CHECK_EQ(ffs_compare_tree(tree(), "/mnt"), 0);
	for (size_t i = 0; (gone != NULL || moved) &&
	    i < sizeof(keep) / sizeof(*keep); i++) {
		if (listed(gone, keep[i]))
			continue;
		snprintf(host, sizeof(host), "%s/%s", tree(), keep[i]);
		kept_path(i, moved, rp, sizeof(rp));
		CHECK(stat(host, &st) == 0);
		CHECK_EQ(ffs_compare_data(host, rp, st.st_size), 0);
	}
	for (const char *p = gone; p != NULL && *p != '\0';
	    p += strcspn(p, " "), p += *p == ' ') {
		snprintf(rp, sizeof(rp), "/mnt/%.*s", (int)strcspn(p, " "), p);
		CHECK_EQ(rump_sys_stat(rp, (struct stat *)&rst), -1);
		CHECK_EQ(errno, RUMP_ENOENT);
	}
	ffs_unmount_image("/fsck.img", "/mnt");
}

static char yes_out[sizeof(tool_out)];	/* what the -y run said */

/* After expect(): -y repairs, -n agrees, the kernel reads it. */
static void
repaired(const char *gone, bool moved)
{
	char args[400];
	int rc;

	snprintf(args, sizeof(args), "-y -F '%s'", img_path);
	rc = run_tool("rump.fsck_ffs", args);
	CHECK_EQ(rc, 0);
	CHECK(out_has("\n***** FILE SYSTEM WAS MODIFIED *****\n"));
	CHECK(out_has("***** FILE SYSTEM MARKED CLEAN *****"));
	if (rc != 0)
		fprintf(stderr, "-y:\n%s\n", tool_out);
	memcpy(yes_out, tool_out, sizeof(yes_out));
	CHECK_EQ(clean_byte(), 1);
	rc = fsck(img_path);
	CHECK_EQ(rc, 0);
	CHECK(out_has("** File system is already clean"));
	if (rc != 0)
		fprintf(stderr, "-n after -y:\n%s\n", tool_out);
	compare_mounted(gone, moved);
}

/* rump.fsck_ffs with opts on the image. */
static int
preen(const char *opts)
{
	char args[400];

	snprintf(args, sizeof(args), "%s -F '%s'", opts, img_path);
	return run_tool("rump.fsck_ffs", args);
}

/* The cg 0 header's free map offset, and a used frag's bit. */
static void
flip_map_bit(int64_t frag)
{
	uint64_t cg = (uint64_t)(sb32(&dm, 12) * dm.fsize);
	uint64_t freeoff = img_get(&dm, cg + 96, 4);
	uint64_t at = cg + freeoff + (uint64_t)frag / 8;

	img_put(&dm, at, 1, img_get(&dm, at, 1) ^ (1u << (frag % 8)));
}

TEST(bitmap_bit_flipped)
{
	for (int v = 1; v <= 2; v++) {
		damaged(v);
		/* the frag holding tail5000's data is marked free */
		flip_map_bit(di_get(&dm, root_lookup(&dm, "tail5000", NULL),
		    DI_DB(&dm, 0), PTRW(&dm)));
		expect("BLK(S) MISSING IN BIT MAPS");
		repaired(NULL, false);
	}
}

TEST(link_count_wrong)
{
	char msg[80];
	uint64_t ino;

	for (int v = 1; v <= 2; v++) {
		damaged(v);
		ino = root_lookup(&dm, "one", NULL);
		CHECK_EQ(di_get(&dm, ino, DI_NLINK(&dm), 2), 2);
		di_put(&dm, ino, DI_NLINK(&dm), 2, 3);
		snprintf(msg, sizeof(msg), "LINK COUNT FILE I=%llu",
		    (unsigned long long)ino);
		expect(msg);
		CHECK(out_has("COUNT 3 SHOULD BE 2"));
		repaired(NULL, false);
		CHECK(img_open(&dm, img_path) == 0);
		CHECK_EQ(di_get(&dm, ino, DI_NLINK(&dm), 2), 2);
		img_close(&dm);
	}
}

TEST(block_claimed_twice)
{
	char msg[80];
	uint64_t a, b;
	int64_t frag;

	for (int v = 1; v <= 2; v++) {
		damaged(v);
		a = root_lookup(&dm, "ind100k", NULL);
		b = root_lookup(&dm, "one", NULL);
		frag = di_get(&dm, a, DI_DB(&dm, 3), PTRW(&dm));
		di_put(&dm, b, DI_DB(&dm, 0), PTRW(&dm), (uint64_t)frag);
		snprintf(msg, sizeof(msg), "%lld DUP I=", (long long)frag);
		expect(msg);
		CHECK(out_has("Phase 1b"));
		/* -y: both owners cleared, with their names (NetBSD) */
		repaired("one one.link ind100k", false);
		CHECK(strstr(yes_out, "BAD/DUP FILE I=") != NULL);
	}
}

TEST(directory_entry_corrupt)
{
	uint64_t entry;

	for (int v = 1; v <= 2; v++) {
		damaged(v);
		note_inodes();
		CHECK(root_lookup(&dm, "tail5000", &entry) != 0);
		img_put(&dm, entry + 4, 2, 6);	/* reclen not a multiple of 4 */
		expect("DIRECTORY CORRUPTED I=2");
		/* the names after it in its chunk go; their inodes are
		 * found again in lost+found */
		repaired(NULL, true);
		CHECK(strstr(yes_out, "UNREF FILE I=") != NULL);
	}
}

TEST(summary_counts_wrong)
{
	damaged(2);
	img_put(&dm, (uint64_t)dm.sbloc + 1016, 8, (uint64_t)sb64(&dm, 1016) + 1);
	expect("FREE BLK COUNT(S) WRONG IN SUPERBLK");
	repaired(NULL, false);
	damaged(1);
	/* the summary array entry of cg 0: cs_nifree */
	img_put(&dm, (uint64_t)sb64(&dm, 1096) * (uint64_t)dm.fsize + 8, 4,
	    12345);
	expect("FREE BLK COUNT(S) WRONG IN SUPERBLK");
	repaired(NULL, false);
}

TEST(block_count_wrong)
{
	uint64_t ino, blocks;

	damaged(2);
	ino = root_lookup(&dm, "ind100k", NULL);
	blocks = (uint64_t)di_get(&dm, ino, DI_BLOCKS(&dm), 8);
	di_put(&dm, ino, DI_BLOCKS(&dm), 8, blocks + 2);
	expect("INCORRECT BLOCK COUNT");
	repaired(NULL, false);		/* makefs's count is back */
	CHECK(img_open(&dm, img_path) == 0);
	CHECK_EQ(di_get(&dm, ino, DI_BLOCKS(&dm), 8), blocks);
	img_close(&dm);
}

TEST(type_value_wrong)
{
	uint64_t entry;

	damaged(2);
	CHECK(root_lookup(&dm, "l30", &entry) != 0);
	img_put(&dm, entry + 6, 1, 8);		/* DT_REG for a symlink */
	expect("BAD TYPE VALUE");
	repaired(NULL, false);
}

TEST(name_dropped_unref_file)
{
	char msg[80];
	uint64_t entry, ino;

	for (int v = 1; v <= 2; v++) {
		damaged(v);
		note_inodes();
		ino = root_lookup(&dm, "tail5000", &entry);
		img_put(&dm, entry, 4, 0);	/* the entry no longer names it */
		snprintf(msg, sizeof(msg), "UNREF FILE I=%llu",
		    (unsigned long long)ino);
		expect(msg);
		/* -y: reconnected as lost+found/#ino, made at the root */
		repaired(NULL, true);
		CHECK(strstr(yes_out, "NO lost+found DIRECTORY") != NULL);
	}
}

/* What a kill between writing a new directory's inode and its first
 * block leaves: a directory of size 0.  -y removes its name, clears
 * it, and reconnects the subdirectory that named it as ".." into
 * lost+found with its ".." fixed (NetBSD's repair). */
TEST(zero_length_directory)
{
	char msg[80];
	uint64_t ino;

	for (int v = 1; v <= 2; v++) {
		damaged(v);
		note_inodes();
		ino = root_lookup(&dm, "sub", NULL);
		di_put(&dm, ino, DI_SIZE(&dm), 8, 0);
		di_put(&dm, ino, DI_BLOCKS(&dm), v == 2 ? 8 : 4, 0);
		di_put(&dm, ino, DI_DB(&dm, 0), PTRW(&dm), 0);
		snprintf(msg, sizeof(msg), "ZERO LENGTH DIRECTORY I=%llu",
		    (unsigned long long)ino);
		expect(msg);
		repaired("sub sub/deeper/n.txt", true);
		snprintf(msg, sizeof(msg), "CONNECTED. PARENT WAS I=%llu",
		    (unsigned long long)ino);
		CHECK(strstr(yes_out, msg) != NULL);
	}
}

TEST(inode_cleared_under_a_name)
{
	uint64_t ino;

	damaged(2);
	ino = root_lookup(&dm, "l250", NULL);
	di_put(&dm, ino, DI_MODE(&dm), 2, 0);
	expect("UNALLOCATED I=");
	CHECK(out_has("PARTIALLY ALLOCATED INODE"));
	repaired("l250", false);
}

TEST(cg_magic_wrong)
{
	damaged(2);
	img_put(&dm, (uint64_t)(sb32(&dm, 12) * dm.fsize) +
	    (uint64_t)dm.fpg * (uint64_t)dm.fsize + 4, 4, 0x12345678);
	expect("CG 1: BAD MAGIC NUMBER");
	repaired(NULL, false);
}

/* The superblock copy in the last group disagrees (UFS2: the copy is
 * at frag (ncg-1) * fpg + sblkno): -y writes the primary over it. */
TEST(alternate_superblock_wrong)
{
	uint64_t at;

	damaged(2);
	img_put(&dm, (uint64_t)dm.sbloc + 209, 1, 1);	/* clean again */
	at = ((uint64_t)(dm.ncg - 1) * (uint64_t)dm.fpg +
	    (uint64_t)sb32(&dm, 8)) * (uint64_t)dm.fsize;
	CHECK_EQ(img_get(&dm, at + 1372, 4), 0x19540119);
	img_put(&dm, at + 188, 4, (uint64_t)dm.fpg + 8);
	expect("ALTERNATE SUPERBLK(S) ARE INCORRECT");
	CHECK_EQ(preen("-y"), 0);
	CHECK(out_has("SALVAGE? yes"));
	CHECK_EQ(fsck(img_path), 0);
	CHECK(img_open(&dm, img_path) == 0);
	CHECK_EQ(img_get(&dm, at + 188, 4), (uint64_t)dm.fpg);
	img_close(&dm);
	compare_mounted(NULL, false);
}

/* A file still open when the system stopped: no name, no links. */
TEST(unlinked_open_file_cleared)
{
	char msg[80];
	uint64_t entry, ino;

	for (int v = 1; v <= 2; v++) {
		damaged(v);
		ino = root_lookup(&dm, "tail5000", &entry);
		img_put(&dm, entry, 4, 0);
		di_put(&dm, ino, DI_NLINK(&dm), 2, 0);
		snprintf(msg, sizeof(msg), "UNREF FILE I=%llu",
		    (unsigned long long)ino);
		expect(msg);
		repaired("tail5000", false);
		CHECK(img_open(&dm, img_path) == 0);
		CHECK_EQ(di_get(&dm, ino, DI_MODE(&dm), 2), 0);
		img_close(&dm);
	}
}

TEST(pointer_out_of_range)
{
	uint64_t ino;

	damaged(1);
	ino = root_lookup(&dm, "ind100k", NULL);
	di_put(&dm, ino, DI_DB(&dm, 1), 4, (uint64_t)dm.iblkno);
	expect(" BAD I=");
	repaired("ind100k", false);
}

TEST(no_superblock_is_exit_8)
{
	damaged(2);
	img_put(&dm, 8192 + 1372, 4, 0);
	img_close(&dm);
	CHECK_EQ(fsck(img_path), 8);
	CHECK(out_has("BAD SUPER BLOCK"));
	CHECK_EQ(run_tool("rump.fsck_ffs", "-F /nonexistent/image"), 8);
	CHECK_EQ(run_tool("rump.fsck_ffs", "-x"), 1);
	CHECK_EQ(run_tool("rump.fsck_ffs", ""), 1);
}


/* Random byte damage in the metadata: never a crash or a hang. */
TEST(random_damage_never_crashes)
{
	uint64_t seed = 12345;

	for (int round = 0; round < 30; round++) {
		damaged(round % 2 + 1);
		for (int k = 0; k < 20; k++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			/* the first 1.2 MiB: superblock, cg 0, inodes, dirs */
			img_put(&dm, (seed >> 20) % (1200 << 10), 1, seed >> 56);
		}
		img_close(&dm);
		int rc = fsck(img_path);

		CHECK(rc == 0 || rc == 2 || rc == 8);
		if (rc != 0 && rc != 2 && rc != 8)
			fprintf(stderr, "round %d: rc %d\n%s\n", round, rc,
			    tool_out);
		/* -y: whatever it cannot repair it says so; what it
		 * calls repaired, -n must then find clean */
		rc = preen(round % 3 == 0 ? "-p" : "-y");
		CHECK(rc == 0 || rc == 2 || rc == 8);
		if (rc != 0 && rc != 2 && rc != 8)
			fprintf(stderr, "round %d: -y rc %d\n%s\n", round, rc,
			    tool_out);
		if (rc == 0 && fsck(img_path) != 0)
			t_fail(__FILE__, __LINE__, "round %d: -n after -y:\n%s",
			    round, tool_out);
	}
}

/* fs_sblockloc wrong: the kernel would take it for a copy; fsck_ffs
 * still finds it, checks the file system and says so. */
TEST(superblock_location_wrong)
{
	char want[64];

	damaged(1);
	img_put(&dm, (uint64_t)dm.sbloc + 1000, 8, 8448);
	expect("SUPERBLOCK AT 8192 CLAIMS TO BE AT 8448");
	snprintf(want, sizeof(want), "\n%ld files, ", tree_inodes);
	CHECK(out_has(want));		/* the whole tree was checked */
}


/* -p repairs what a crash leaves (counts, maps, a high link count)
 * without asking, and marks the file system clean. */
TEST(preen_repairs_crash_damage)
{
	uint64_t ino;

	for (int v = 1; v <= 2; v++) {
		damaged(v);
		img_put(&dm, (uint64_t)dm.sbloc + 1016, 8,
		    (uint64_t)sb64(&dm, 1016) + 1);
		flip_map_bit(di_get(&dm, root_lookup(&dm, "tail5000", NULL),
		    DI_DB(&dm, 0), PTRW(&dm)));
		ino = root_lookup(&dm, "one", NULL);
		di_put(&dm, ino, DI_NLINK(&dm), 2, 5);
		img_close(&dm);
		CHECK_EQ(preen("-p"), 0);
		CHECK(out_has("BLK(S) MISSING IN BIT MAPS (SALVAGED)"));
		CHECK(out_has("FREE BLK COUNT(S) WRONG IN SUPERBLK (SALVAGED)"));
		CHECK(out_has("COUNT 5 SHOULD BE 2 (ADJUSTED)"));
		CHECK(out_has(": MARKING FILE SYSTEM CLEAN"));
		CHECK(!out_has("Phase"));
		CHECK_EQ(clean_byte(), 1);
		CHECK_EQ(fsck(img_path), 0);
		compare_mounted(NULL, false);
	}
}

/* A duplicate block is not a crash's doing: preen stops, status 8,
 * and writes nothing. */
TEST(preen_stops_at_other_damage)
{
	uint64_t a, b;

	damaged(2);
	a = root_lookup(&dm, "ind100k", NULL);
	b = root_lookup(&dm, "one", NULL);
	di_put(&dm, b, DI_DB(&dm, 0), PTRW(&dm),
	    (uint64_t)di_get(&dm, a, DI_DB(&dm, 3), PTRW(&dm)));
	img_close(&dm);
	CHECK_EQ(preen("-p"), 8);
	CHECK(out_has("UNEXPECTED INCONSISTENCY; RUN rump.fsck_ffs MANUALLY."));
	CHECK_EQ(clean_byte(), 0);
	CHECK_EQ(fsck(img_path), 2);
}

/* A clean file system is skipped by -p, checked by -p -f. */
TEST(preen_skips_clean)
{
	makefs_img("clean.img", "-o version=2", "64m");
	CHECK_EQ(preen("-p"), 0);
	CHECK(out_has("file system is clean; not checking"));
	CHECK_EQ(preen("-p -f"), 0);
	CHECK(!out_has("not checking"));
	CHECK(!out_has("MODIFIED"));
	CHECK(out_has(" files, "));
}
