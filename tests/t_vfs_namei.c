/*
 * t_vfs_namei.c: path name resolution as the system calls see it:
 * ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, trailing slashes, "." and
 * "..", mount points, getcwd, chdir/fchdir, chroot.
 */
#include "t_vfs_util.h"

#define O(x)	RUMP_O_##x

static const char *
here(void)
{
	static char buf[300];

	snprintf(buf, sizeof(buf), "/t/%s", t_current);
	return buf;
}

TEST(missing_component_is_enoent)
{
	struct rump_stat st;

	CHECK_ERR(rump_sys_stat("a/b", (void *)&st), RUMP_ENOENT);
	CHECK_ERR(rump_sys_mkdir("a/b", 0755), RUMP_ENOENT);
	CHECK_ERR(rump_sys_unlink("a/b"), RUMP_ENOENT);
	CHECK_ERR(rump_sys_unlink("a"), RUMP_ENOENT);
	CHECK_ERR(rump_sys_rmdir("a"), RUMP_ENOENT);
}

BOTH(file_as_directory_is_enotdir)
{
	struct rump_stat st;

	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_ERR(rump_sys_stat(P(d, "f/x"), (void *)&st), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_open(P(d, "f/x"), O(CREAT) | O(WRONLY), 0644),
	    RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_mkdir(P(d, "f/x"), 0755), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_unlink(P(d, "f/x")), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_chdir(P(d, "f")), RUMP_ENOTDIR);
}

BOTH(symlink_loop_is_eloop)
{
	struct rump_stat st;

	CHECK_OK(rump_sys_symlink("b", P(d, "a")));
	CHECK_OK(rump_sys_symlink("a", P(d, "b")));
	CHECK_ERR(rump_sys_stat(P(d, "a"), (void *)&st), RUMP_ELOOP);
	CHECK_ERR(rump_sys_stat(P(d, "a/x"), (void *)&st), RUMP_ELOOP);
	CHECK_ERR(rump_sys_open(P(d, "a"), O(RDONLY)), RUMP_ELOOP);
	CHECK_OK(rump_sys_lstat(P(d, "a"), (void *)&st));
	CHECK(RUMP_S_ISLNK(st.st_mode));
}

TEST(self_symlink_is_eloop)
{
	struct rump_stat st;

	CHECK_OK(rump_sys_symlink("self", "self"));
	CHECK_ERR(rump_sys_stat("self", (void *)&st), RUMP_ELOOP);
	CHECK_ERR(rump_sys_chdir("self"), RUMP_ELOOP);
}

/* l1 -> t, l2 -> l1, ... ln -> l(n-1) */
static void
make_chain(const char *d, int n)
{
	char name[32], target[32];
	int i;

	CHECK_OK(t_mkfile(P(d, "t"), "end"));
	for (i = 1; i <= n; i++) {
		snprintf(name, sizeof(name), "l%d", i);
		if (i == 1)
			snprintf(target, sizeof(target), "t");
		else
			snprintf(target, sizeof(target), "l%d", i - 1);
		CHECK_OK(rump_sys_symlink(target, P(d, name)));
	}
}

BOTH(symlink_chain_of_32_resolves_33_is_eloop)
{
	struct rump_stat st;

	make_chain(d, 33);
	CHECK_OK(rump_sys_stat(P(d, "l32"), (void *)&st));
	CHECK(RUMP_S_ISREG(st.st_mode));
	CHECK_STR(t_cat(P(d, "l32")), "end");
	CHECK_ERR(rump_sys_stat(P(d, "l33"), (void *)&st), RUMP_ELOOP);
	CHECK_ERR(rump_sys_open(P(d, "l33"), O(RDONLY)), RUMP_ELOOP);
}

BOTH(long_component_is_enametoolong)
{
	struct rump_stat st;
	char n511[520], n512[520];

	snprintf(n511, sizeof(n511), "%s", t_repeat('a', 511));
	snprintf(n512, sizeof(n512), "%s", t_repeat('b', 512));
	CHECK_ERR(rump_sys_stat(P(d, n512), (void *)&st), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_mkdir(P(d, n512), 0755), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_open(P(d, n512), O(CREAT) | O(WRONLY), 0644),
	    RUMP_ENAMETOOLONG);
	CHECK_OK(rump_sys_mkdir(P(d, n511), 0755));
	CHECK_OK(rump_sys_stat(P(d, n511), (void *)&st));
	CHECK(t_dir_has(d, n511, RUMP_DT_DIR));
	CHECK_OK(rump_sys_rmdir(P(d, n511)));
}

TEST(long_path_is_enametoolong)
{
	struct rump_stat st;
	char path[1200];

	/* 1100 bytes: past MAXPATHLEN whatever it names */
	snprintf(path, sizeof(path), "%s", t_repeat('x', 1100));
	CHECK_ERR(rump_sys_stat(path, (void *)&st), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_mkdir(path, 0755), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_open(path, O(RDONLY)), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_unlink(path), RUMP_ENAMETOOLONG);
	/* 1024 bytes plus the NUL: one too many */
	snprintf(path, sizeof(path), "%s", t_repeat('/', 1024));
	CHECK_ERR(rump_sys_stat(path, (void *)&st), RUMP_ENAMETOOLONG);
	/* 1023 bytes fit */
	snprintf(path, sizeof(path), "%s", t_repeat('/', 1023));
	CHECK_OK(rump_sys_stat(path, (void *)&st));
}

TEST(symlink_expansion_too_long)
{
	struct rump_stat st;
	char target[1100];

	/* the link itself is short enough; link plus rest is not */
	snprintf(target, sizeof(target), "%s", t_repeat('/', 1000));
	CHECK_OK(rump_sys_symlink(target, "l"));
	CHECK_OK(rump_sys_stat("l", (void *)&st));
	CHECK_ERR(rump_sys_stat(
	    "l/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    (void *)&st), RUMP_ENAMETOOLONG);
}

BOTH(trailing_slashes)
{
	struct rump_stat st;

	CHECK_OK(rump_sys_mkdir(P(d, "dir"), 0755));
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_OK(rump_sys_stat(P(d, "dir/"), (void *)&st));
	CHECK_OK(rump_sys_stat(P(d, "dir//"), (void *)&st));
	CHECK_ERR(rump_sys_stat(P(d, "f/"), (void *)&st), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_lstat(P(d, "f/"), (void *)&st), RUMP_ENOTDIR);
	CHECK_OK(rump_sys_mkdir(P(d, "new/"), 0755));
	CHECK(RUMP_S_ISDIR(t_stat(P(d, "new")).st_mode));
	CHECK_OK(rump_sys_rmdir(P(d, "new//")));
	CHECK_ERR(rump_sys_unlink(P(d, "f/")), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_mkfifo(P(d, "p/"), 0644), RUMP_ENOENT);
	CHECK_ERR(rump_sys_symlink("x", P(d, "s/")), RUMP_ENOENT);
}

BOTH(trailing_slash_follows_symlink)
{
	struct rump_stat st;

	CHECK_OK(rump_sys_mkdir(P(d, "dir"), 0755));
	CHECK_OK(rump_sys_symlink("dir", P(d, "ld")));
	CHECK_OK(rump_sys_lstat(P(d, "ld"), (void *)&st));
	CHECK(RUMP_S_ISLNK(st.st_mode));
	CHECK_OK(rump_sys_lstat(P(d, "ld/"), (void *)&st));
	CHECK(RUMP_S_ISDIR(st.st_mode));
}

BOTH(dot_and_dotdot)
{
	struct rump_stat a, b;

	CHECK_OK(rump_sys_mkdir(P(d, "a"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "a/b"), 0755));
	a = t_stat(P(d, "a/b"));
	b = t_stat(P(d, "a/b/../b/./."));
	CHECK_EQ(a.st_ino, b.st_ino);
	CHECK_EQ(t_stat(P(d, "a/b/..")).st_ino, t_stat(P(d, "a")).st_ino);
	CHECK_EQ(t_stat(P(d, "a/./b/.././.")).st_ino,
	    t_stat(P(d, "a")).st_ino);
	CHECK_EQ(t_stat(P(d, ".")).st_ino, t_stat(d).st_ino);
}

TEST(dotdot_at_root_stays)
{
	CHECK_EQ(t_stat("/..").st_ino, t_stat("/").st_ino);
	CHECK_EQ(t_stat("/../../..").st_ino, t_stat("/").st_ino);
	CHECK_EQ(t_stat("/../t").st_ino, t_stat("/t").st_ino);
}

TEST(dotdot_leaves_mounted_tmpfs)
{
	struct rump_stat here_st, mnt, up;

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(rump_sys_mkdir("mnt/x", 0755));
	here_st = t_stat(".");
	mnt = t_stat("mnt");
	up = t_stat("mnt/..");
	CHECK(mnt.st_dev != here_st.st_dev);
	CHECK_EQ(up.st_dev, here_st.st_dev);
	CHECK_EQ(up.st_ino, here_st.st_ino);
	CHECK_EQ(t_stat("mnt/x/../..").st_ino, here_st.st_ino);
	CHECK_EQ(t_stat("mnt/x/..").st_ino, mnt.st_ino);
	/* and from inside, by cwd */
	CHECK_OK(rump_sys_chdir("mnt/x"));
	CHECK_EQ(t_stat("../..").st_ino, here_st.st_ino);
	CHECK_OK(rump_sys_chdir(here()));
	rump_sys_unmount("mnt", RUMP_MNT_FORCE);
}

TEST(mount_point_shows_the_mounted_root)
{
	struct rump_stat before, after;

	CHECK_OK(rump_sys_mkdir("mnt", 0700));
	before = t_stat("mnt");
	CHECK_OK(t_mount_tmpfs("mnt"));
	after = t_stat("mnt");
	CHECK(after.st_dev != before.st_dev);
	CHECK_EQ(after.st_mode, RUMP_S_IFDIR | 0777);
	CHECK_OK(t_mkfile("mnt/f", "x"));
	CHECK_OK(rump_sys_unmount("mnt", 0));
	CHECK(!t_exists("mnt/f"));
	CHECK_EQ(t_stat("mnt").st_ino, before.st_ino);
}

TEST(absolute_and_relative_agree)
{
	char abs[400];

	CHECK_OK(t_mkfile("f", "x"));
	snprintf(abs, sizeof(abs), "%s/f", here());
	CHECK_EQ(t_stat(abs).st_ino, t_stat("f").st_ino);
	snprintf(abs, sizeof(abs), "//%s//f", here());
	CHECK_EQ(t_stat(abs).st_ino, t_stat("f").st_ino);
}

TEST(symlink_absolute_and_relative_targets)
{
	char abs[400];

	CHECK_OK(rump_sys_mkdir("d", 0755));
	CHECK_OK(t_mkfile("d/f", "data"));
	snprintf(abs, sizeof(abs), "%s/d", here());
	CHECK_OK(rump_sys_symlink(abs, "la"));
	CHECK_OK(rump_sys_symlink("d", "lr"));
	CHECK_OK(rump_sys_symlink("../d/f", "d/up"));
	CHECK_STR(t_cat("la/f"), "data");
	CHECK_STR(t_cat("lr/f"), "data");
	CHECK_STR(t_cat("d/up"), "data");
	CHECK_STR(t_cat("lr/up"), "data");
}

TEST(symlink_to_file_then_component_is_enotdir)
{
	struct rump_stat st;

	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(rump_sys_symlink("f", "lf"));
	CHECK_ERR(rump_sys_stat("lf/x", (void *)&st), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_stat("lf/", (void *)&st), RUMP_ENOTDIR);
}

TEST(empty_symlink_target_is_enoent)
{
	struct rump_stat st;

	CHECK_OK(rump_sys_symlink("", "empty"));
	CHECK_OK(rump_sys_lstat("empty", (void *)&st));
	CHECK_ERR(rump_sys_stat("empty", (void *)&st), RUMP_ENOENT);
}

/* --- getcwd and chdir ------------------------------------------------ */

static const char *
cwd(void)
{
	static char buf[1100];
	int n;

	memset(buf, 0, sizeof(buf));
	n = rump_sys___getcwd(buf, sizeof(buf));
	if (n == -1)
		return "(error)";
	if (n != (int)strlen(buf) + 1)
		return "(bad length)";
	return buf;
}

TEST(getcwd_in_test_directory)
{
	char buf[400];

	CHECK_STR(cwd(), here());
	CHECK_EQ(rump_sys___getcwd(buf, sizeof(buf)),
	    (long long)strlen(here()) + 1);
}

BOTH(getcwd_after_chdir_into_nested_dirs)
{
	char want[400];

	CHECK_OK(rump_sys_mkdir(P(d, "a"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "a/b"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "a/b/c"), 0755));
	CHECK_OK(rump_sys_chdir(P(d, "a/b/c")));
	snprintf(want, sizeof(want), "%s%s%s/a/b/c", here(),
	    d[0] == '.' ? "" : "/", d[0] == '.' ? "" : d);
	CHECK_STR(cwd(), want);
	CHECK_OK(rump_sys_chdir(".."));
	want[strlen(want) - 2] = '\0';
	CHECK_STR(cwd(), want);
	CHECK_OK(rump_sys_chdir(here()));
}

TEST(getcwd_at_root)
{
	CHECK_OK(rump_sys_chdir("/"));
	CHECK_STR(cwd(), "/");
	CHECK_OK(rump_sys_chdir(here()));
}

TEST(getcwd_small_buffers)
{
	char buf[8];

	CHECK_ERR(rump_sys___getcwd(buf, 1), RUMP_ERANGE);
	CHECK_ERR(rump_sys___getcwd(buf, 0), RUMP_ERANGE);
	CHECK_ERR(rump_sys___getcwd(buf, 5), RUMP_ERANGE);
	CHECK_ERR(rump_sys___getcwd(NULL, 100), RUMP_EFAULT);
	CHECK_OK(rump_sys_chdir("/"));
	CHECK_EQ(rump_sys___getcwd(buf, 2), 2);
	CHECK_STR(buf, "/");
	CHECK_OK(rump_sys_chdir(here()));
}

TEST(chdir_errors)
{
	CHECK_OK(t_mkfile("f", "x"));
	CHECK_ERR(rump_sys_chdir("nope"), RUMP_ENOENT);
	CHECK_ERR(rump_sys_chdir("f"), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_chdir(""), RUMP_ENOENT);
	CHECK_ERR(rump_sys_chdir(NULL), RUMP_EFAULT);
	CHECK_STR(cwd(), here());
}

TEST(chdir_through_symlink_getcwd_is_physical)
{
	char want[400];

	CHECK_OK(rump_sys_mkdir("real", 0755));
	CHECK_OK(rump_sys_symlink("real", "link"));
	CHECK_OK(rump_sys_chdir("link"));
	snprintf(want, sizeof(want), "%s/real", here());
	CHECK_STR(cwd(), want);
	CHECK_OK(rump_sys_chdir(here()));
}

TEST(fchdir_to_directory_descriptor)
{
	char want[400];
	int fd, ffd;

	CHECK_OK(rump_sys_mkdir("d", 0755));
	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(fd = rump_sys_open("d", O(RDONLY)));
	CHECK_OK(ffd = rump_sys_open("f", O(RDONLY)));
	CHECK_OK(rump_sys_fchdir(fd));
	snprintf(want, sizeof(want), "%s/d", here());
	CHECK_STR(cwd(), want);
	CHECK_ERR(rump_sys_fchdir(ffd), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_fchdir(99), RUMP_EBADF);
	rump_sys_close(fd);
	rump_sys_close(ffd);
	CHECK_OK(rump_sys_chdir(here()));
}

TEST(getcwd_across_mount_point)
{
	char want[400];
	int fd;

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(rump_sys_mkdir("mnt/x", 0755));
	CHECK_OK(rump_sys_mkdir("mnt/x/y", 0755));
	CHECK_OK(rump_sys_chdir("mnt/x/y"));
	snprintf(want, sizeof(want), "%s/mnt/x/y", here());
	CHECK_STR(cwd(), want);
	CHECK_OK(rump_sys_chdir("../../.."));
	CHECK_STR(cwd(), here());
	/* fchdir on the covered directory's descriptor... */
	CHECK_OK(fd = rump_sys_open("mnt", O(RDONLY)));
	CHECK_OK(rump_sys_fchdir(fd));
	snprintf(want, sizeof(want), "%s/mnt", here());
	CHECK_STR(cwd(), want);
	rump_sys_close(fd);
	CHECK_OK(rump_sys_chdir(here()));
	rump_sys_unmount("mnt", RUMP_MNT_FORCE);
}

TEST(getcwd_of_removed_directory_is_enoent)
{
	char buf[400];

	CHECK_OK(rump_sys_mkdir("gone", 0755));
	CHECK_OK(rump_sys_chdir("gone"));
	CHECK_OK(rump_sys_rmdir("../gone"));
	CHECK_ERR(rump_sys___getcwd(buf, sizeof(buf)), RUMP_ENOENT);
	CHECK_OK(rump_sys_chdir(here()));
}

TEST(chroot_confines_lookups)
{
	struct rump_stat st;
	char want[400];
	int fd;

	CHECK_OK(rump_sys_mkdir("jail", 0755));
	CHECK_OK(rump_sys_mkdir("jail/etc", 0755));
	CHECK_OK(t_mkfile("jail/etc/motd", "inside"));
	CHECK_OK(fd = rump_sys_open(".", O(RDONLY)));
	CHECK_OK(rump_sys_chroot("jail"));
	CHECK_STR(t_cat("/etc/motd"), "inside");
	CHECK_EQ(t_stat("/..").st_ino, t_stat("/").st_ino);
	CHECK_ERR(rump_sys_stat("/t", (void *)&st), RUMP_ENOENT);
	/* the cwd was outside the new root: it moved to the root */
	CHECK_STR(cwd(), "/");
	/* a descriptor from outside cannot become the cwd */
	CHECK_ERR(rump_sys_fchdir(fd), RUMP_EPERM);
	CHECK_OK(rump_sys_chdir("etc"));
	CHECK_STR(cwd(), "/etc");
	snprintf(want, sizeof(want), "%s", "/etc/motd");
	CHECK_STR(t_cat(want), "inside");
	rump_sys_close(fd);
}

TEST(chroot_needs_root)
{
	int fd;

	CHECK_OK(rump_sys_mkdir("jail", 0755));
	CHECK_OK(fd = rump_sys_open("jail", O(RDONLY)));
	CHECK_OK(rump_sys_setuid(1000));
	CHECK_ERR(rump_sys_chroot("jail"), RUMP_EPERM);
	CHECK_ERR(rump_sys_fchroot(fd), RUMP_EPERM);
	rump_sys_close(fd);
}

TEST(fchroot_on_file_is_enotdir)
{
	int fd;

	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(fd = rump_sys_open("f", O(RDONLY)));
	CHECK_ERR(rump_sys_fchroot(fd), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_chroot("f"), RUMP_ENOTDIR);
	rump_sys_close(fd);
}
