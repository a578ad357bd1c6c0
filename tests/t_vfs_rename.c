/*
 * t_vfs_rename.c: rename(2), renameat(2) and __posix_rename(2): the
 * POSIX rules on types, "." and "..", moving a directory below itself,
 * mounts, links to one file, and the parent of a moved directory.
 */
#include "t_vfs_util.h"

#define O(x)	RUMP_O_##x

BOTH(rename_file)
{
	CHECK_OK(t_mkfile(P(d, "f"), "one"));
	CHECK_OK(rump_sys_rename(P(d, "f"), P(d, "g")));
	CHECK(!t_exists(P(d, "f")));
	CHECK_STR(t_cat(P(d, "g")), "one");
}

BOTH(rename_replaces_file)
{
	struct rump_stat f;

	CHECK_OK(t_mkfile(P(d, "f"), "new"));
	CHECK_OK(t_mkfile(P(d, "g"), "old"));
	f = t_stat(P(d, "f"));
	CHECK_OK(rump_sys_rename(P(d, "f"), P(d, "g")));
	CHECK(!t_exists(P(d, "f")));
	CHECK_STR(t_cat(P(d, "g")), "new");
	CHECK_EQ(t_stat(P(d, "g")).st_ino, f.st_ino);
}

BOTH(rename_keeps_open_file_alive)
{
	char buf[8];
	int fd;

	CHECK_OK(t_mkfile(P(d, "f"), "new"));
	CHECK_OK(t_mkfile(P(d, "g"), "old"));
	CHECK_OK(fd = rump_sys_open(P(d, "g"), O(RDONLY)));
	CHECK_OK(rump_sys_rename(P(d, "f"), P(d, "g")));
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 3);
	CHECK(memcmp(buf, "old", 3) == 0);
	CHECK_EQ(t_fstat(fd).st_nlink, 0);
	rump_sys_close(fd);
}

BOTH(rename_onto_itself_is_a_noop)
{
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_OK(rump_sys_rename(P(d, "f"), P(d, "f")));
	CHECK_OK(rump_sys_rename(P(d, "f"), P(d, "./f")));
	CHECK_STR(t_cat(P(d, "f")), "x");
	CHECK_OK(rump_sys_mkdir(P(d, "dir"), 0755));
	CHECK_OK(rump_sys_rename(P(d, "dir"), P(d, "dir")));
	CHECK(RUMP_S_ISDIR(t_stat(P(d, "dir")).st_mode));
}

BOTH(rename_between_links_bsd_drops_source)
{
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_OK(rump_sys_link(P(d, "f"), P(d, "h")));
	CHECK_OK(rump_sys_rename(P(d, "f"), P(d, "h")));
	CHECK(!t_exists(P(d, "f")));
	CHECK_EQ(t_stat(P(d, "h")).st_nlink, 1);
}

BOTH(posix_rename_between_links_keeps_both)
{
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_OK(rump_sys_link(P(d, "f"), P(d, "h")));
	CHECK_OK(rump_sys___posix_rename(P(d, "f"), P(d, "h")));
	CHECK(t_exists(P(d, "f")));
	CHECK(t_exists(P(d, "h")));
	CHECK_EQ(t_stat(P(d, "h")).st_nlink, 2);
}

BOTH(posix_rename_moves_like_rename)
{
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_OK(rump_sys___posix_rename(P(d, "f"), P(d, "g")));
	CHECK(!t_exists(P(d, "f")));
	CHECK_STR(t_cat(P(d, "g")), "x");
}

BOTH(rename_type_mismatch)
{
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_OK(rump_sys_mkdir(P(d, "dir"), 0755));
	CHECK_ERR(rump_sys_rename(P(d, "dir"), P(d, "f")), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_rename(P(d, "f"), P(d, "dir")), RUMP_EISDIR);
	CHECK(t_exists(P(d, "f")));
	CHECK(t_exists(P(d, "dir")));
}

BOTH(rename_directory_over_directory)
{
	struct rump_stat a;

	CHECK_OK(rump_sys_mkdir(P(d, "a"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "b"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "full"), 0755));
	CHECK_OK(t_mkfile(P(d, "full/x"), "x"));
	a = t_stat(P(d, "a"));
	CHECK_OK(rump_sys_rename(P(d, "a"), P(d, "b")));
	CHECK(!t_exists(P(d, "a")));
	CHECK_EQ(t_stat(P(d, "b")).st_ino, a.st_ino);
	CHECK_ERR(rump_sys_rename(P(d, "b"), P(d, "full")), RUMP_ENOTEMPTY);
	CHECK(t_exists(P(d, "b")));
}

BOTH(rename_dots_are_refused)
{
	CHECK_OK(rump_sys_mkdir(P(d, "dir"), 0755));
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_ERR(rump_sys_rename(P(d, "dir/."), P(d, "x")), RUMP_EINVAL);
	CHECK_ERR(rump_sys_rename(P(d, "dir/.."), P(d, "x")), RUMP_EINVAL);
	CHECK_ERR(rump_sys_rename(P(d, "f"), P(d, "dir/..")), RUMP_EINVAL);
	/* NetBSD: a target "." is EISDIR */
	CHECK_ERR(rump_sys_rename(P(d, "f"), P(d, "dir/.")), RUMP_EISDIR);
	CHECK(t_exists(P(d, "f")));
}

TEST(rename_dot_in_cwd)
{
	CHECK_OK(rump_sys_mkdir("x", 0755));
	CHECK_ERR(rump_sys_rename(".", "y"), RUMP_EINVAL);
	CHECK_ERR(rump_sys_rename("..", "y"), RUMP_EINVAL);
	CHECK_ERR(rump_sys_rename("x", "."), RUMP_EISDIR);
	CHECK_ERR(rump_sys_rename("x", ".."), RUMP_EINVAL);
}

BOTH(rename_directory_into_itself)
{
	CHECK_OK(rump_sys_mkdir(P(d, "a"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "a/b"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "a/b/c"), 0755));
	CHECK_ERR(rump_sys_rename(P(d, "a"), P(d, "a/x")), RUMP_EINVAL);
	CHECK_ERR(rump_sys_rename(P(d, "a"), P(d, "a/b/c/x")), RUMP_EINVAL);
	CHECK_ERR(rump_sys_rename(P(d, "a/b"), P(d, "a/b/c/x")),
	    RUMP_EINVAL);
	CHECK_ERR(rump_sys_rename(P(d, "a"), P(d, "a/b/c")), RUMP_EINVAL);
	CHECK(RUMP_S_ISDIR(t_stat(P(d, "a/b/c")).st_mode));
	/* a sibling subtree is fine */
	CHECK_OK(rump_sys_rename(P(d, "a/b/c"), P(d, "a/c")));
	CHECK_OK(rump_sys_rename(P(d, "a/c"), P(d, "a/b/c")));
}

BOTH(rename_onto_ancestor_is_enotempty)
{
	CHECK_OK(rump_sys_mkdir(P(d, "a"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "a/b"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "a/b/c"), 0755));
	CHECK_ERR(rump_sys_rename(P(d, "a/b"), P(d, "a")), RUMP_ENOTEMPTY);
	CHECK_ERR(rump_sys_rename(P(d, "a/b/c"), P(d, "a")),
	    RUMP_ENOTEMPTY);
	CHECK(RUMP_S_ISDIR(t_stat(P(d, "a/b/c")).st_mode));
}

BOTH(rename_directory_updates_dotdot_and_links)
{
	CHECK_OK(rump_sys_mkdir(P(d, "a"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "b"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "a/c"), 0755));
	CHECK_EQ(t_stat(P(d, "a")).st_nlink, 3);
	CHECK_EQ(t_stat(P(d, "b")).st_nlink, 2);
	CHECK_OK(rump_sys_rename(P(d, "a/c"), P(d, "b/c")));
	CHECK_EQ(t_stat(P(d, "b/c/..")).st_ino, t_stat(P(d, "b")).st_ino);
	CHECK_EQ(t_stat(P(d, "a")).st_nlink, 2);
	CHECK_EQ(t_stat(P(d, "b")).st_nlink, 3);
	CHECK(t_dir_has(P(d, "b"), "c", RUMP_DT_DIR));
	CHECK(!t_dir_has(P(d, "a"), "c", RUMP_DT_DIR));
}

BOTH(rename_directory_down_and_up)
{
	/* the target's parent below the source's parent, and back */
	CHECK_OK(rump_sys_mkdir(P(d, "p"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "p/q"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "p/q/r"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "m"), 0755));
	CHECK_OK(rump_sys_rename(P(d, "m"), P(d, "p/q/r/m")));
	CHECK_EQ(t_stat(P(d, "p/q/r/m/..")).st_ino,
	    t_stat(P(d, "p/q/r")).st_ino);
	CHECK_OK(rump_sys_rename(P(d, "p/q/r/m"), P(d, "m")));
	CHECK_EQ(t_stat(P(d, "m/..")).st_ino, t_stat(d).st_ino);
}

TEST(rename_across_mounts_is_exdev)
{
	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(t_mkfile("mnt/g", "y"));
	CHECK_ERR(rump_sys_rename("f", "mnt/f"), RUMP_EXDEV);
	CHECK_ERR(rump_sys_rename("mnt/g", "g"), RUMP_EXDEV);
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(rename_mount_point_is_ebusy)
{
	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(rump_sys_mkdir("other", 0755));
	CHECK_ERR(rump_sys_rename("mnt", "x"), RUMP_EBUSY);
	CHECK_ERR(rump_sys_rename("other", "mnt"), RUMP_EBUSY);
	CHECK_ERR(rump_sys_rename("/", "x"), RUMP_EBUSY);
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

BOTH(rename_missing_source)
{
	CHECK_ERR(rump_sys_rename(P(d, "nope"), P(d, "x")), RUMP_ENOENT);
	CHECK_ERR(rump_sys_rename(P(d, "nope/a"), P(d, "x")), RUMP_ENOENT);
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_ERR(rump_sys_rename(P(d, "f"), P(d, "nodir/x")), RUMP_ENOENT);
	CHECK_ERR(rump_sys_rename(P(d, "f"), P(d, "f/x")), RUMP_ENOTDIR);
}

TEST(rename_source_naming_its_own_directory)
{
	CHECK_OK(t_mount_tmpfs("mnt"));
	/* "./" is "." (EINVAL); "mnt/" is the mount point (EBUSY) */
	CHECK_ERR(rump_sys_rename("./", "x"), RUMP_EINVAL);
	CHECK_ERR(rump_sys_rename("mnt/", "mnt/x"), RUMP_EBUSY);
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(rename_empty_and_bad_paths)
{
	CHECK_OK(t_mkfile("f", "x"));
	CHECK_ERR(rump_sys_rename("", "x"), RUMP_ENOENT);
	CHECK_ERR(rump_sys_rename("f", ""), RUMP_ENOENT);
	CHECK_ERR(rump_sys_rename(NULL, "x"), RUMP_EFAULT);
	CHECK_ERR(rump_sys_rename("f", NULL), RUMP_EFAULT);
	CHECK_ERR(rump_sys_rename("f", (const char *)1), RUMP_EFAULT);
	CHECK(t_exists("f"));
}

BOTH(rename_trailing_slashes)
{
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_OK(rump_sys_mkdir(P(d, "dir"), 0755));
	CHECK_ERR(rump_sys_rename(P(d, "f/"), P(d, "g")), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_rename(P(d, "f"), P(d, "g/")), RUMP_ENOENT);
	CHECK_OK(rump_sys_rename(P(d, "dir/"), P(d, "dir2/")));
	CHECK(RUMP_S_ISDIR(t_stat(P(d, "dir2")).st_mode));
}

BOTH(renameat_with_directory_descriptors)
{
	int a, b;

	CHECK_OK(rump_sys_mkdir(P(d, "a"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "b"), 0755));
	CHECK_OK(t_mkfile(P(d, "a/f"), "x"));
	CHECK_OK(a = rump_sys_open(P(d, "a"), O(RDONLY)));
	CHECK_OK(b = rump_sys_open(P(d, "b"), O(RDONLY)));
	CHECK_OK(rump_sys_renameat(a, "f", b, "g"));
	CHECK_STR(t_cat(P(d, "b/g")), "x");
	CHECK_OK(rump_sys_renameat(b, "g", RUMP_AT_FDCWD, P(d, "h")));
	CHECK_STR(t_cat(P(d, "h")), "x");
	CHECK_ERR(rump_sys_renameat(99, "f", b, "g"), RUMP_EBADF);
	rump_sys_close(a);
	rump_sys_close(b);
}

TEST(rename_on_readonly_mount_is_erofs)
{
	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(t_mkfile("mnt/f", "x"));
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt",
	    RUMP_MNT_UPDATE | RUMP_MNT_RDONLY, NULL, 0));
	CHECK_ERR(rump_sys_rename("mnt/f", "mnt/g"), RUMP_EROFS);
	CHECK_ERR(rump_sys_rename("mnt/nope", "mnt/g"), RUMP_EROFS);
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(rename_needs_write_permission)
{
	CHECK_OK(rump_sys_chmod(".", 0777));
	CHECK_OK(rump_sys_mkdir("ro", 0755));
	CHECK_OK(t_mkfile("ro/f", "x"));
	CHECK_OK(rump_sys_mkdir("rw", 0777));
	CHECK_OK(rump_sys_chmod("rw", 0777));
	CHECK_OK(rump_sys_setuid(1000));
	CHECK_ERR(rump_sys_rename("ro/f", "rw/f"), RUMP_EACCES);
	CHECK_OK(t_mkfile("rw/mine", "y"));
	CHECK_ERR(rump_sys_rename("rw/mine", "ro/mine"), RUMP_EACCES);
	CHECK_OK(rump_sys_rename("rw/mine", "rw/m2"));
}

TEST(rename_in_sticky_directory)
{
	CHECK_OK(rump_sys_mkdir("tmp", 01777));
	CHECK_OK(rump_sys_chmod("tmp", 01777));
	CHECK_OK(t_mkfile("tmp/roots", "x"));
	CHECK_OK(rump_sys_chmod(".", 0777));
	CHECK_OK(rump_sys_setuid(1000));
	CHECK_OK(t_mkfile("tmp/mine", "y"));
	CHECK_ERR(rump_sys_rename("tmp/roots", "tmp/x"), RUMP_EPERM);
	CHECK_ERR(rump_sys_rename("tmp/mine", "tmp/roots"), RUMP_EPERM);
	CHECK_OK(rump_sys_rename("tmp/mine", "tmp/mine2"));
}

TEST(rename_moving_directory_needs_write_on_it)
{
	CHECK_OK(rump_sys_chmod(".", 0777));
	rump_sys_umask(0);
	CHECK_OK(rump_sys_mkdir("a", 0777));
	CHECK_OK(rump_sys_mkdir("b", 0777));
	CHECK_OK(rump_sys_mkdir("a/d", 0755));	/* root's, not writable */
	CHECK_OK(rump_sys_setuid(1000));
	/* its ".." would change: EACCES */
	CHECK_ERR(rump_sys_rename("a/d", "b/d"), RUMP_EACCES);
	/* within one directory ".." stays */
	CHECK_OK(rump_sys_rename("a/d", "a/e"));
}

TEST(rename_concurrent_stress)
{
	int i, ok = 0;

	CHECK_OK(rump_sys_mkdir("x", 0755));
	CHECK_OK(rump_sys_mkdir("y", 0755));
	CHECK_OK(rump_sys_mkdir("x/d", 0755));
	for (i = 0; i < 200; i++) {
		if (rump_sys_rename(i % 2 ? "y/d" : "x/d",
		    i % 2 ? "x/d" : "y/d") == 0)
			ok++;
	}
	CHECK_EQ(ok, 200);
	CHECK(RUMP_S_ISDIR(t_stat("x/d").st_mode));
}
