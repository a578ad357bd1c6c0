/*
 * t_ffs_names: directories, names and attributes on a read-write FFS:
 * directories of thousands of entries (compaction after removals),
 * rename in all its cases, hard link counts, short and long symlinks
 * around the in-inode limit (spec 10.8), space given back on removal
 * (statvfs and the image's own counts back to where they started),
 * chflags, timestamps and noatime.  Each test ends with an unmount
 * after which the image must be clean and pass rump.fsck_ffs.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "t_ffs_util.h"

#define MNT	"/mnt"
#define KEY	"/dev/ffsn"

static char image[256];

/* A fresh image (with room for inodes), mounted with flags. */
static bool
setup(const char *opts, const char *size, int flags)
{
	char src[300], mopts[256];

	snprintf(image, sizeof(image), "%s/%s.img", ffs_tmpdir(), t_current);
	snprintf(src, sizeof(src), "%s/%s.src", ffs_tmpdir(), t_current);
	mkdir(src, 0755);
	snprintf(mopts, sizeof(mopts), "-f 8000 %s", opts);
	if (ffs_makefs(mopts, size, image, src) != 0 ||
	    ffs_mount_flags(image, KEY, MNT, flags) != 0) {
		t_fail(__FILE__, __LINE__, "setup %s: %d", opts, errno);
		return false;
	}
	return true;
}

static void
finish(void)
{
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
	unlink(image);
}

static void
remount(int flags)
{
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
	if (ffs_mount_flags(image, KEY, MNT, flags) != 0)
		t_fail(__FILE__, __LINE__, "remount: %d", errno);
}

static int
mkfile(const char *path, size_t size)
{
	char *buf = malloc(size + 1);
	int fd, rc = -1;

	for (size_t i = 0; i < size; i++)
		buf[i] = (char)ffs_pat(i, (unsigned)size);
	fd = rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC,
	    0644);
	if (fd != -1 && rump_sys_write(fd, buf, size) == (ssize_t)size)
		rc = 0;
	if (fd != -1)
		rump_sys_close(fd);
	free(buf);
	return rc;
}

static struct rump_stat
st(const char *path)
{
	struct rump_stat s;

	memset(&s, 0, sizeof(s));
	if (rump_sys_lstat(path, (struct stat *)(void *)&s) != 0)
		t_fail(__FILE__, __LINE__, "lstat %s: %d", path, errno);
	return s;
}

/* The sorted names of a directory must be exactly want[0..n). */
static int
names_are(const char *dir, char **want, size_t n)
{
	struct ffs_names nm = { 0 };
	int errors = 0;

	if (ffs_rump_names(dir, &nm, 4096) != 0 || nm.n != n)
		errors++;
	else {
		if (nm.n > 1)
			qsort(nm.v, nm.n, sizeof(char *), ffs_strcmp);
		for (size_t i = 0; i < n; i++)
			if (strcmp(nm.v[i], want[i]) != 0)
				errors++;
	}
	if (errors)
		fprintf(stderr, "  %s: %zu names, want %zu\n", dir, nm.n, n);
	ffs_names_free(&nm);
	return errors;
}

/* Names of varying length so that entries differ in size. */
static void
entry_name(char *buf, size_t len, int i, int gen)
{
	int n = 1 + (i * 7 + gen * 13) % 40;

	snprintf(buf, len, "%c%05d_%d_", 'a' + i % 26, i, gen);
	for (size_t k = strlen(buf); k < (size_t)n + 10 && k + 1 < len; k++)
		buf[k] = (char)('a' + (k + (size_t)i) % 26);
	buf[(size_t)n + 10 < len ? (size_t)n + 10 : len - 1] = '\0';
}

static void
check_big_directory(const char *opts)
{
	enum { N = 3000 };
	char **names = calloc(N, sizeof(char *)), path[512];
	char name[128];
	size_t live = 0;

	if (!setup(opts, "32m", 0))
		return;
	CHECK_OK(rump_sys_mkdir(MNT "/big", 0755));
	for (int i = 0; i < N; i++) {
		entry_name(name, sizeof(name), i, 0);
		names[i] = strdup(name);
		snprintf(path, sizeof(path), MNT "/big/%s", name);
		CHECK_OK(mkfile(path, 0));
	}
	/* remove every third, then give those slots longer names */
	for (int i = 0; i < N; i += 3) {
		snprintf(path, sizeof(path), MNT "/big/%s", names[i]);
		CHECK_OK(rump_sys_unlink(path));
		free(names[i]);
		entry_name(name, sizeof(name) - 16, i, 1);
		strcat(name, "longer_name");
		names[i] = strdup(name);
		snprintf(path, sizeof(path), MNT "/big/%s", names[i]);
		CHECK_OK(mkfile(path, 10));
	}
	qsort(names, N, sizeof(char *), ffs_strcmp);
	CHECK_EQ(names_are(MNT "/big", names, N), 0);
	remount(0);
	CHECK_EQ(names_are(MNT "/big", names, N), 0);
	for (int i = 0; i < N; i++) {
		snprintf(path, sizeof(path), MNT "/big/%s", names[i]);
		if (rump_sys_unlink(path) == 0)
			live++;
		free(names[i]);
	}
	CHECK_EQ(live, N);
	CHECK_EQ(names_are(MNT "/big", NULL, 0), 0);
	CHECK_OK(rump_sys_rmdir(MNT "/big"));
	free(names);
	finish();
}

TEST(big_directory_ufs2)
{
	check_big_directory("-o version=2");
}

TEST(big_directory_ufs1_be)
{
	check_big_directory("-o version=1,bsize=4096,fsize=512 -B be");
}

TEST(rename_cases)
{
	struct rump_stat a, b;

	if (!setup("-o version=2", "16m", 0))
		return;
	CHECK_OK(rump_sys_mkdir(MNT "/d1", 0755));
	CHECK_OK(rump_sys_mkdir(MNT "/d2", 0755));
	CHECK_OK(mkfile(MNT "/d1/f", 5000));
	CHECK_OK(mkfile(MNT "/d1/g", 100));
	a = st(MNT "/d1/f");
	/* within a directory */
	CHECK_OK(rump_sys_rename(MNT "/d1/f", MNT "/d1/f2"));
	CHECK_ERR(rump_sys_lstat(MNT "/d1/f", (void *)&b), RUMP_ENOENT);
	CHECK_EQ(st(MNT "/d1/f2").st_ino, a.st_ino);
	/* across directories */
	CHECK_OK(rump_sys_rename(MNT "/d1/f2", MNT "/d2/f"));
	CHECK_EQ(st(MNT "/d2/f").st_ino, a.st_ino);
	CHECK_EQ(st(MNT "/d2/f").st_nlink, 1);
	/* replacing a file: the old one is gone */
	CHECK_OK(rump_sys_rename(MNT "/d1/g", MNT "/d2/f"));
	CHECK_EQ(st(MNT "/d2/f").st_size, 100);
	CHECK_ERR(rump_sys_lstat(MNT "/d1/g", (void *)&b), RUMP_ENOENT);
	/* a directory to another parent: "..", link counts */
	CHECK_OK(rump_sys_mkdir(MNT "/d1/sub", 0755));
	CHECK_OK(mkfile(MNT "/d1/sub/x", 10));
	CHECK_EQ(st(MNT "/d1").st_nlink, 3);
	CHECK_OK(rump_sys_rename(MNT "/d1/sub", MNT "/d2/sub"));
	CHECK_EQ(st(MNT "/d1").st_nlink, 2);
	CHECK_EQ(st(MNT "/d2").st_nlink, 3);
	CHECK_EQ(st(MNT "/d2/sub/..").st_ino, st(MNT "/d2").st_ino);
	CHECK_EQ(st(MNT "/d2/sub/x").st_size, 10);
	/* a directory over an empty one, and over a full one */
	CHECK_OK(rump_sys_mkdir(MNT "/d1/empty", 0755));
	CHECK_ERR(rump_sys_rename(MNT "/d1/empty", MNT "/d2/sub"),
	    RUMP_ENOTEMPTY);
	CHECK_OK(rump_sys_rename(MNT "/d2/sub", MNT "/d1/empty"));
	CHECK_EQ(st(MNT "/d1").st_nlink, 3);
	CHECK_EQ(st(MNT "/d2").st_nlink, 2);
	CHECK_EQ(st(MNT "/d1/empty/..").st_ino, st(MNT "/d1").st_ino);
	CHECK_EQ(st(MNT "/d1/empty/x").st_size, 10);
	/* type mismatches */
	CHECK_ERR(rump_sys_rename(MNT "/d2/f", MNT "/d1/empty"), RUMP_EISDIR);
	CHECK_ERR(rump_sys_rename(MNT "/d1/empty", MNT "/d2/f"),
	    RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_rename(MNT "/d1", MNT "/d1/empty/in"),
	    RUMP_EINVAL);
	/* two names of one file: rename(2) drops the source (BSD) */
	CHECK_OK(rump_sys_link(MNT "/d2/f", MNT "/d2/f_link"));
	CHECK_OK(rump_sys_rename(MNT "/d2/f", MNT "/d2/f_link"));
	CHECK_ERR(rump_sys_lstat(MNT "/d2/f", (void *)&b), RUMP_ENOENT);
	remount(0);
	CHECK_EQ(st(MNT "/d1").st_nlink, 3);
	CHECK_EQ(st(MNT "/d1/empty/..").st_ino, st(MNT "/d1").st_ino);
	CHECK_EQ(st(MNT "/d2/f_link").st_nlink, 1);
	CHECK_EQ(st(MNT "/d2/f_link").st_size, 100);
	finish();
}

TEST(hard_links)
{
	struct rump_stat s;

	if (!setup("-o version=1 -B be", "16m", 0))
		return;
	CHECK_OK(mkfile(MNT "/a", 3000));
	CHECK_OK(rump_sys_mkdir(MNT "/d", 0755));
	CHECK_OK(rump_sys_link(MNT "/a", MNT "/b"));
	CHECK_OK(rump_sys_link(MNT "/a", MNT "/d/c"));
	CHECK_ERR(rump_sys_link(MNT "/a", MNT "/b"), RUMP_EEXIST);
	CHECK_ERR(rump_sys_link(MNT "/d", MNT "/e"), RUMP_EPERM);
	s = st(MNT "/d/c");
	CHECK_EQ(s.st_nlink, 3);
	CHECK_EQ(s.st_ino, st(MNT "/a").st_ino);
	remount(0);
	CHECK_EQ(st(MNT "/b").st_nlink, 3);
	CHECK_OK(rump_sys_unlink(MNT "/a"));
	CHECK_EQ(st(MNT "/b").st_nlink, 2);
	CHECK_EQ(st(MNT "/b").st_size, 3000);
	/* an open file outlives its last name until it is closed */
	int fd = rump_sys_open(MNT "/b", RUMP_O_RDONLY);
	char buf[16];

	CHECK_OK(fd);
	CHECK_OK(rump_sys_unlink(MNT "/b"));
	CHECK_OK(rump_sys_unlink(MNT "/d/c"));
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	CHECK_EQ((unsigned char)buf[3], ffs_pat(3, 3000));
	rump_sys_close(fd);
	finish();
}

static void
check_symlinks(const char *opts, int maxlen)
{
	const int lens[] = { 1, maxlen - 1, maxlen, maxlen + 1, 300, 1023 };
	char target[1100], path[64], got[1100];

	if (!setup(opts, "16m", 0))
		return;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			int n = lens[i];

			for (int k = 0; k < n; k++)
				target[k] = (char)('A' + (k * 3 + n) % 26);
			target[n] = '\0';
			snprintf(path, sizeof(path), MNT "/l%d", n);
			if (pass == 0)
				CHECK_OK(rump_sys_symlink(target, path));
			CHECK_EQ(rump_sys_readlink(path, got, sizeof(got)), n);
			CHECK(memcmp(got, target, (size_t)n) == 0);
			CHECK_EQ(st(path).st_size, n);
			/* in the inode iff shorter than the area */
			CHECK_EQ(st(path).st_blocks == 0, n < maxlen);
		}
		if (pass == 0)
			remount(0);
	}
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		snprintf(path, sizeof(path), MNT "/l%d", lens[i]);
		CHECK_OK(rump_sys_unlink(path));
	}
	finish();
}

TEST(symlinks_ufs1)
{
	check_symlinks("-o version=1", 60);
}

TEST(symlinks_ufs2_be)
{
	check_symlinks("-o version=2 -B be", 120);
}

/* Everything made and removed again: the counts return exactly. */
static void
check_space_returned(const char *opts)
{
	struct rump_statvfs before, mid, after;
	struct ffs_imgcheck ic0, ic1;
	char path[64], target[501];

	if (!setup(opts, "32m", 0))
		return;
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_check(image, &ic0), 0);
	CHECK_OK(ffs_mount_flags(image, KEY, MNT, 0));
	CHECK_OK(rump_sys_statvfs1(MNT, (void *)&before, RUMP_ST_WAIT));
	CHECK_OK(rump_sys_mkdir(MNT "/d", 0755));
	for (int i = 0; i < 40; i++) {
		snprintf(path, sizeof(path), MNT "/d/f%d", i);
		CHECK_OK(mkfile(path, (size_t)i * 777));
	}
	CHECK_OK(mkfile(MNT "/big", 3 * 1024 * 1024));
	memset(target, 'x', 500);
	target[500] = '\0';
	CHECK_OK(rump_sys_symlink(target, MNT "/long"));
	CHECK_OK(rump_sys_statvfs1(MNT, (void *)&mid, RUMP_ST_WAIT));
	CHECK(mid.f_bfree + 3 * 1024 * 1024 / mid.f_frsize <= before.f_bfree);
	CHECK_EQ(mid.f_ffree + 43, before.f_ffree);
	for (int i = 0; i < 40; i++) {
		snprintf(path, sizeof(path), MNT "/d/f%d", i);
		CHECK_OK(rump_sys_unlink(path));
	}
	CHECK_OK(rump_sys_rmdir(MNT "/d"));
	CHECK_OK(rump_sys_unlink(MNT "/big"));
	CHECK_OK(rump_sys_unlink(MNT "/long"));
	CHECK_OK(rump_sys_statvfs1(MNT, (void *)&after, RUMP_ST_WAIT));
	CHECK_EQ(after.f_bfree, before.f_bfree);
	CHECK_EQ(after.f_ffree, before.f_ffree);
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
	CHECK_EQ(ffs_image_check(image, &ic1), 0);
	CHECK_EQ(ic1.nbfree, ic0.nbfree);
	CHECK_EQ(ic1.nffree, ic0.nffree);
	CHECK_EQ(ic1.nifree, ic0.nifree);
	CHECK_EQ(ic1.ndir, ic0.ndir);
	unlink(image);
}

TEST(space_returned_ufs2)
{
	check_space_returned("-o version=2");
}

TEST(space_returned_ufs1_4k)
{
	check_space_returned("-o version=1,bsize=4096,fsize=1024 -B be");
}

TEST(chflags)
{
	struct rump_stat s;
	int fd;

	if (!setup("-o version=2", "16m", 0))
		return;
	CHECK_OK(mkfile(MNT "/imm", 100));
	CHECK_OK(mkfile(MNT "/app", 100));
	CHECK_OK(rump_sys_chflags(MNT "/imm", RUMP_UF_IMMUTABLE));
	CHECK_OK(rump_sys_chflags(MNT "/app", RUMP_SF_APPEND));
	remount(0);
	CHECK_EQ(st(MNT "/imm").st_flags, RUMP_UF_IMMUTABLE);
	CHECK_EQ(st(MNT "/app").st_flags, RUMP_SF_APPEND);
	CHECK_ERR(rump_sys_open(MNT "/imm", RUMP_O_WRONLY), RUMP_EPERM);
	CHECK_ERR(rump_sys_unlink(MNT "/imm"), RUMP_EPERM);
	CHECK_ERR(rump_sys_chmod(MNT "/imm", 0600), RUMP_EPERM);
	CHECK_ERR(rump_sys_rename(MNT "/imm", MNT "/other"), RUMP_EPERM);
	CHECK_ERR(rump_sys_truncate(MNT "/app", 10), RUMP_EPERM);
	fd = rump_sys_open(MNT "/app", RUMP_O_WRONLY | RUMP_O_APPEND);
	CHECK_OK(fd);
	CHECK_EQ(rump_sys_write(fd, "more", 4), 4);
	rump_sys_close(fd);
	s = st(MNT "/app");
	CHECK_EQ(s.st_size, 104);
	CHECK_OK(rump_sys_chflags(MNT "/imm", 0));
	CHECK_OK(rump_sys_chflags(MNT "/app", 0));
	CHECK_OK(rump_sys_unlink(MNT "/imm"));
	finish();
}

static void
check_times(const char *opts, bool ufs2)
{
	struct rump_timeval tv[2];
	struct rump_stat s0, s1;
	char buf[8];
	int fd;

	memset(tv, 0, sizeof(tv));
	tv[0].tv_sec = 1000000000;
	tv[0].tv_usec = 5;
	tv[1].tv_sec = 1200000000;
	tv[1].tv_usec = 7;
	if (!setup(opts, "16m", 0))
		return;
	CHECK_OK(mkfile(MNT "/f", 10));
	s0 = st(MNT "/f");
	CHECK(s0.st_mtim.tv_sec > 1600000000);
	CHECK_EQ(s0.st_birthtim.tv_sec, ufs2 ? s0.st_mtim.tv_sec : 0);
	CHECK_OK(rump_sys_utimes(MNT "/f", (void *)tv));
	remount(0);
	s1 = st(MNT "/f");
	CHECK_EQ(s1.st_atim.tv_sec, 1000000000);
	CHECK_EQ(s1.st_atim.tv_nsec, 5000);
	CHECK_EQ(s1.st_mtim.tv_sec, 1200000000);
	CHECK_EQ(s1.st_mtim.tv_nsec, 7000);
	/* an mtime before the birth time moves it back too (NetBSD) */
	CHECK_EQ(s1.st_birthtim.tv_sec, ufs2 ? 1200000000 : 0);
	/* reading sets the access time, writing the modification time */
	fd = rump_sys_open(MNT "/f", RUMP_O_RDWR);
	CHECK_EQ(rump_sys_read(fd, buf, 4), 4);
	CHECK(st(MNT "/f").st_atim.tv_sec > 1600000000);
	CHECK_EQ(st(MNT "/f").st_mtim.tv_sec, 1200000000);
	CHECK_EQ(rump_sys_write(fd, buf, 4), 4);
	CHECK(st(MNT "/f").st_mtim.tv_sec > 1600000000);
	rump_sys_close(fd);
	/* noatime: reads leave it */
	CHECK_OK(rump_sys_utimes(MNT "/f", (void *)tv));
	remount(RUMP_MNT_NOATIME);
	fd = rump_sys_open(MNT "/f", RUMP_O_RDONLY);
	CHECK_EQ(rump_sys_read(fd, buf, 4), 4);
	rump_sys_close(fd);
	CHECK_EQ(st(MNT "/f").st_atim.tv_sec, 1000000000);
	finish();
}

TEST(times_ufs2)
{
	check_times("-o version=2", true);
}

TEST(times_ufs1_be)
{
	check_times("-o version=1 -B be", false);
}

/* Chunks left empty at a directory's end go at the next insertion. */
TEST(directory_shrinks)
{
	char path[64];
	struct rump_stat s;

	if (!setup("-o version=2,bsize=8192,fsize=1024", "16m", 0))
		return;
	CHECK_OK(rump_sys_mkdir(MNT "/d", 0755));
	for (int i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), MNT "/d/name_%03d", i);
		CHECK_OK(mkfile(path, 0));
	}
	s = st(MNT "/d");
	CHECK(s.st_size >= 6 * 512);
	CHECK_EQ(s.st_size % 512, 0);
	for (int i = 10; i < 200; i++) {
		snprintf(path, sizeof(path), MNT "/d/name_%03d", i);
		CHECK_OK(rump_sys_unlink(path));
	}
	CHECK_EQ(st(MNT "/d").st_size, s.st_size);	/* not yet */
	CHECK_OK(mkfile(MNT "/d/x", 0));
	s = st(MNT "/d");
	CHECK_EQ(s.st_size, 512);
	CHECK_EQ(s.st_blocks, 2);	/* one 1 KiB frag */
	remount(0);
	CHECK_EQ(st(MNT "/d/x").st_size, 0);
	CHECK_EQ(st(MNT "/d/name_009").st_size, 0);
	finish();
}

/* Fifos and device nodes: their type, mode and device number persist,
 * and they hold no blocks (spec 10.5). */
static void
check_special(const char *opts)
{
	uint64_t dev = ((uint64_t)5 << 8) | 3 | ((uint64_t)0x123 << 20);
	struct rump_stat s;

	if (!setup(opts, "16m", 0))
		return;
	CHECK_OK(rump_sys_mkfifo(MNT "/fifo", 0640));
	CHECK_OK(rump_sys_mknod(MNT "/chr", RUMP_S_IFCHR | 0600, (dev_t)dev));
	CHECK_OK(rump_sys_mknod(MNT "/blk", RUMP_S_IFBLK | 0600, (dev_t)dev));
	remount(0);
	s = st(MNT "/fifo");
	CHECK_EQ(s.st_mode, RUMP_S_IFIFO | 0640);
	CHECK_EQ(s.st_blocks, 0);
	s = st(MNT "/chr");
	CHECK_EQ(s.st_mode, RUMP_S_IFCHR | 0600);
	CHECK_EQ(s.st_rdev, dev);
	CHECK_EQ(st(MNT "/blk").st_rdev, dev);
	CHECK_OK(rump_sys_unlink(MNT "/chr"));
	finish();
}

TEST(special_files_ufs1)
{
	check_special("-o version=1");
}

TEST(special_files_ufs2_be)
{
	check_special("-o version=2 -B be");
}
