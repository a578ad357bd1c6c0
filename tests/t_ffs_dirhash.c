/*
 * t_ffs_dirhash: big directories, where lookup and create go through
 * the in-memory name index (fs/ffs/ffs_dirhash.c).  Random creates,
 * unlinks, renames, mkdirs, rmdirs and stats over a pool of names of
 * many lengths, each checked against a model of what the directory
 * holds (the exact errno for names that are or are not there, the
 * inode number for those that are); then the listing is compared with
 * the model, the image unmounted, checked (clean, rump.fsck_ffs),
 * mounted again and compared once more: what the index answered must
 * be what the disk says.  The kernel runs with RUMP_MEMLIMIT=16m, so
 * the indexes of several big directories do not all fit (1 MiB): they
 * are dropped and rebuilt while the tests run.  FFS_SEED=n repeats a
 * run.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "t.h"
#include "t_ffs_util.h"

#define MNT	"/mnt"
#define KEY	"/dev/ffsh"
#define NNAMES	3000
#define NOPS	12000

enum state { ABSENT, AFILE, ADIR };

struct model {
	char	*name[NNAMES];
	enum state st[NNAMES];
	uint64_t ino[NNAMES];
	size_t	live;
};

static char image[256];
static uint64_t rng;

int
t_boot(void)
{
	setenv("RUMP_MEMLIMIT", "16m", 1);
	return rump_init();
}

static uint32_t
rnd(uint32_t n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng >> 33) % n;
}

static void
seed(void)
{
	const char *s = getenv("FFS_SEED");

	rng = s != NULL ? strtoull(s, NULL, 10) : (uint64_t)time(NULL);
	fprintf(stderr, "  %s: FFS_SEED=%llu\n", t_current,
	    (unsigned long long)rng);
}

static bool
setup(const char *opts)
{
	char src[300], mopts[256];

	snprintf(image, sizeof(image), "%s/%s.img", ffs_tmpdir(), t_current);
	snprintf(src, sizeof(src), "%s/%s.src", ffs_tmpdir(), t_current);
	mkdir(src, 0755);
	snprintf(mopts, sizeof(mopts), "-f 12000 %s", opts);
	if (ffs_makefs(mopts, "48m", image, src) != 0 ||
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

/* Names from 1 to 200 bytes, many sharing long prefixes. */
static void
model_init(struct model *m, int tag)
{
	char buf[256];

	memset(m, 0, sizeof(*m));
	for (int i = 0; i < NNAMES; i++) {
		int len = 1 + (i * 37) % 200;

		snprintf(buf, sizeof(buf), "%d_%c%d", tag, 'a' + i % 26, i);
		for (int k = (int)strlen(buf); k < len; k++)
			buf[k] = (char)('a' + (k * 7 + i) % 26);
		if ((int)strlen(buf) > len && len > 12)
			buf[len] = '\0';
		m->name[i] = strdup(buf);
	}
}

static void
model_free(struct model *m)
{
	for (int i = 0; i < NNAMES; i++)
		free(m->name[i]);
}

static void
path_of(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, MNT "/%s/%s", dir, name);
}

static uint64_t
ino_of(const char *path, int *err)
{
	struct rump_stat s;

	*err = 0;
	if (rump_sys_lstat(path, (struct stat *)(void *)&s) != 0) {
		*err = errno;
		return 0;
	}
	return s.st_ino;
}

/* Make name i a file or directory: EEXIST iff the model has it. */
static void
op_create(struct model *m, const char *dir, int i, bool isdir)
{
	char p[512];
	int fd, err;

	path_of(p, sizeof(p), dir, m->name[i]);
	if (isdir)
		fd = rump_sys_mkdir(p, 0755);
	else {
		fd = rump_sys_open(p, RUMP_O_CREAT | RUMP_O_EXCL |
		    RUMP_O_RDWR, 0644);
		if (fd >= 0)
			rump_sys_close(fd);
	}
	if (m->st[i] != ABSENT) {
		CHECK(fd == -1 && errno == RUMP_EEXIST);
		return;
	}
	CHECK(fd >= 0);
	m->st[i] = isdir ? ADIR : AFILE;
	m->ino[i] = ino_of(p, &err);
	CHECK_EQ(err, 0);
	m->live++;
}

static void
op_remove(struct model *m, const char *dir, int i)
{
	char p[512];
	int rc;

	path_of(p, sizeof(p), dir, m->name[i]);
	rc = m->st[i] == ADIR ? rump_sys_rmdir(p) : rump_sys_unlink(p);
	if (m->st[i] == ABSENT) {
		CHECK(rc == -1 && errno == RUMP_ENOENT);
		return;
	}
	CHECK_EQ(rc, 0);
	m->st[i] = ABSENT;
	m->live--;
}

/* rename i to j in the same directory (files only, or to nothing). */
static void
op_rename(struct model *m, const char *dir, int i, int j)
{
	char p[512], q[512];
	int rc;

	if (i == j || m->st[i] == ADIR || m->st[j] == ADIR)
		return;
	path_of(p, sizeof(p), dir, m->name[i]);
	path_of(q, sizeof(q), dir, m->name[j]);
	rc = rump_sys_rename(p, q);
	if (m->st[i] == ABSENT) {
		CHECK(rc == -1 && errno == RUMP_ENOENT);
		return;
	}
	CHECK_EQ(rc, 0);
	if (m->st[j] != ABSENT)
		m->live--;
	m->st[j] = m->st[i];
	m->ino[j] = m->ino[i];
	m->st[i] = ABSENT;
}

static void
op_stat(const struct model *m, const char *dir, int i)
{
	char p[512];
	uint64_t ino;
	int err;

	path_of(p, sizeof(p), dir, m->name[i]);
	ino = ino_of(p, &err);
	if (m->st[i] == ABSENT)
		CHECK_EQ(err, RUMP_ENOENT);
	else {
		CHECK_EQ(err, 0);
		CHECK_EQ(ino, m->ino[i]);
	}
}

static void
random_op(struct model *m, const char *dir)
{
	int i = (int)rnd(NNAMES), r = (int)rnd(100);

	if (r < 40)
		op_create(m, dir, i, rnd(20) == 0);
	else if (r < 65)
		op_remove(m, dir, i);
	else if (r < 75)
		op_rename(m, dir, i, (int)rnd(NNAMES));
	else
		op_stat(m, dir, i);
}

/* The listing and every name's inode must be the model's. */
static int
model_check(const struct model *m, const char *dir)
{
	struct ffs_names nm = { 0 };
	char p[512];
	size_t want = 0;
	int errors = 0, err;

	snprintf(p, sizeof(p), MNT "/%s", dir);
	if (ffs_rump_names(p, &nm, 8192) != 0 || nm.n != m->live)
		errors++;
	for (size_t k = 0; k < nm.n; k++) {
		int i;

		for (i = 0; i < NNAMES; i++)
			if (strcmp(nm.v[k], m->name[i]) == 0)
				break;
		if (i == NNAMES || m->st[i] == ABSENT)
			errors++;
	}
	for (int i = 0; i < NNAMES; i++) {
		uint64_t ino;

		if (m->st[i] == ABSENT)
			continue;
		want++;
		path_of(p, sizeof(p), dir, m->name[i]);
		if ((ino = ino_of(p, &err)) != m->ino[i] || err != 0)
			errors++;
	}
	if (want != m->live)
		errors++;
	if (errors)
		fprintf(stderr, "  %s: %zu names listed, model %zu\n", dir,
		    nm.n, m->live);
	ffs_names_free(&nm);
	return errors;
}

static void
check_random(const char *opts)
{
	static struct model m[2];
	static const char *const dirs[2] = { "d0", "d1" };

	seed();
	if (!setup(opts))
		return;
	for (int d = 0; d < 2; d++) {
		char p[64];

		model_init(&m[d], d);
		snprintf(p, sizeof(p), MNT "/%s", dirs[d]);
		CHECK_OK(rump_sys_mkdir(p, 0755));
	}
	/* both directories fill up, then churn, turn about */
	for (int k = 0; k < NOPS; k++)
		random_op(&m[k % 2], dirs[k % 2]);
	for (int d = 0; d < 2; d++)
		CHECK_EQ(model_check(&m[d], dirs[d]), 0);
	remount();
	for (int d = 0; d < 2; d++)
		CHECK_EQ(model_check(&m[d], dirs[d]), 0);
	for (int k = 0; k < NOPS / 2; k++)
		random_op(&m[k % 2], dirs[k % 2]);
	for (int d = 0; d < 2; d++)
		CHECK_EQ(model_check(&m[d], dirs[d]), 0);
	remount();
	for (int d = 0; d < 2; d++) {
		CHECK_EQ(model_check(&m[d], dirs[d]), 0);
		model_free(&m[d]);
	}
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
	unlink(image);
}

TEST(random_big_dirs_ufs2)
{
	check_random("-o version=2");
}

TEST(random_big_dirs_ufs1_be)
{
	check_random("-o version=1 -B be -b 4096 -f 4096");
}

/*
 * Emptied, a big directory shrinks back to one chunk at the next
 * create (12.7: empty chunks at the end are cut off), with or without
 * the index.
 */
TEST(emptied_dir_shrinks)
{
	struct rump_stat s;
	char p[128];
	int fd;

	if (!setup("-o version=2"))
		return;
	CHECK_OK(rump_sys_mkdir(MNT "/big", 0755));
	for (int i = 0; i < 2000; i++) {
		snprintf(p, sizeof(p), MNT "/big/file_number_%d", i);
		CHECK((fd = rump_sys_open(p, RUMP_O_CREAT | RUMP_O_RDWR,
		    0644)) >= 0);
		rump_sys_close(fd);
	}
	CHECK_OK(rump_sys_stat(MNT "/big", (struct stat *)(void *)&s));
	CHECK(s.st_size > 20 * 512);
	for (int i = 1999; i >= 0; i--) {
		snprintf(p, sizeof(p), MNT "/big/file_number_%d", i);
		CHECK_OK(rump_sys_unlink(p));
	}
	CHECK((fd = rump_sys_open(MNT "/big/last", RUMP_O_CREAT |
	    RUMP_O_RDWR, 0644)) >= 0);
	rump_sys_close(fd);
	CHECK_OK(rump_sys_stat(MNT "/big", (struct stat *)(void *)&s));
	CHECK_EQ(s.st_size, 512);
	CHECK_OK(rump_sys_stat(MNT "/big/last", (struct stat *)(void *)&s));
	remount();
	CHECK_OK(rump_sys_stat(MNT "/big/last", (struct stat *)(void *)&s));
	CHECK_OK(rump_sys_unlink(MNT "/big/last"));
	CHECK_OK(rump_sys_rmdir(MNT "/big"));
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
	unlink(image);
}

/*
 * More big directories than their indexes fit in memory (1 MiB under
 * this kernel's 16 MiB): going round them drops and rebuilds indexes
 * all the time, and every answer must still be right.
 */
TEST(indexes_evicted)
{
	enum { NDIR = 4, NF = 2500 };
	char p[400], name[200];
	int fd, err;
	uint64_t *ino = calloc(NDIR * NF, sizeof(uint64_t));

	if (!setup("-o version=2"))
		return;
	for (int d = 0; d < NDIR; d++) {
		snprintf(p, sizeof(p), MNT "/d%d", d);
		CHECK_OK(rump_sys_mkdir(p, 0755));
	}
	/* long names: each directory near 400 KiB, its index 512 KiB */
	memset(name, 'x', 150);
	name[150] = '\0';
	for (int i = 0; i < NF; i++)
		for (int d = 0; d < NDIR; d++) {
			snprintf(p, sizeof(p), MNT "/d%d/%s%d", d, name, i);
			CHECK((fd = rump_sys_open(p, RUMP_O_CREAT | RUMP_O_EXCL |
			    RUMP_O_RDWR, 0644)) >= 0);
			rump_sys_close(fd);
			ino[d * NF + i] = ino_of(p, &err);
			CHECK_EQ(err, 0);
		}
	for (int i = 0; i < NF; i += 7)
		for (int d = 0; d < NDIR; d++) {
			snprintf(p, sizeof(p), MNT "/d%d/%s%d", d, name, i);
			CHECK_EQ(ino_of(p, &err), ino[d * NF + i]);
			snprintf(p, sizeof(p), MNT "/d%d/%s%d_", d, name, i);
			(void)ino_of(p, &err);
			CHECK_EQ(err, RUMP_ENOENT);
		}
	remount();
	for (int d = 0; d < NDIR; d++)
		for (int i = 0; i < NF; i++) {
			snprintf(p, sizeof(p), MNT "/d%d/%s%d", d, name, i);
			CHECK_OK(rump_sys_unlink(p));
		}
	free(ino);
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
	unlink(image);
}
