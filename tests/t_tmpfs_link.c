/*
 * t_tmpfs_link.c: names on tmpfs: symbolic links, hard links, rename.
 */
#include <stdlib.h>

#include "t.h"

#define MOUNT() CHECK_OK(t_mount_tmpfs("mnt"))

static int
xstat(const char *path, struct rump_stat *st)
{
	memset(st, 0, sizeof(*st));
	return rump_sys_stat(path, (struct stat *)(void *)st);
}

static int
xlstat(const char *path, struct rump_stat *st)
{
	memset(st, 0, sizeof(*st));
	return rump_sys_lstat(path, (struct stat *)(void *)st);
}

static uint64_t
ino_of(const char *path)
{
	struct rump_stat st;

	return xlstat(path, &st) == 0 ? st.st_ino : 0;
}

static int
nlink_of(const char *path)
{
	struct rump_stat st;

	return xlstat(path, &st) == 0 ? (int)st.st_nlink : -1;
}

/* --- symbolic links ------------------------------------------------------ */

TEST(symlink_readlink_short)
{
	char buf[64];
	struct rump_stat st;

	MOUNT();
	CHECK_OK(rump_sys_symlink("target", "mnt/l"));
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(rump_sys_readlink("mnt/l", buf, sizeof(buf)), 6);
	CHECK_STR(buf, "target");
	CHECK_OK(xlstat("mnt/l", &st));
	CHECK(RUMP_S_ISLNK(st.st_mode));
	CHECK_EQ(st.st_size, 6);
}

TEST(symlink_readlink_1000_bytes)
{
	char target[1001], buf[1100];

	MOUNT();
	memset(target, 'p', 1000);
	target[1000] = '\0';
	for (int i = 50; i < 1000; i += 51)
		target[i] = '/';
	CHECK_OK(rump_sys_symlink(target, "mnt/long"));
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(rump_sys_readlink("mnt/long", buf, sizeof(buf)), 1000);
	CHECK(memcmp(buf, target, 1000) == 0);
}

TEST(readlink_short_buffer_truncates)
{
	char buf[4];

	MOUNT();
	CHECK_OK(rump_sys_symlink("abcdefgh", "mnt/l"));
	CHECK_EQ(rump_sys_readlink("mnt/l", buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "abcd", 4) == 0);
}

TEST(readlink_on_file_is_einval)
{
	char buf[8];

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_ERR(rump_sys_readlink("mnt/f", buf, sizeof(buf)), RUMP_EINVAL);
}

TEST(symlink_is_followed)
{
	char buf[16];

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_OK(t_write_file("mnt/d/f", "via link", 8));
	CHECK_OK(rump_sys_symlink("d/f", "mnt/l"));
	CHECK_OK(rump_sys_symlink("d", "mnt/ld"));
	CHECK_EQ(t_read_file("mnt/l", buf, sizeof(buf)), 8);
	CHECK(memcmp(buf, "via link", 8) == 0);
	CHECK_EQ(t_read_file("mnt/ld/f", buf, sizeof(buf)), 8);
}

TEST(dangling_symlink)
{
	struct rump_stat st;

	MOUNT();
	CHECK_OK(rump_sys_symlink("nowhere", "mnt/l"));
	CHECK_ERR(xstat("mnt/l", &st), RUMP_ENOENT);
	CHECK_OK(xlstat("mnt/l", &st));
	CHECK_OK(rump_sys_unlink("mnt/l"));
	CHECK_ERR(xlstat("mnt/l", &st), RUMP_ENOENT);
}

TEST(symlink_existing_name_is_eexist)
{
	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_ERR(rump_sys_symlink("x", "mnt/f"), RUMP_EEXIST);
}

/* --- hard links ---------------------------------------------------------- */

TEST(hard_link_counts)
{
	char buf[8];

	MOUNT();
	CHECK_OK(t_write_file("mnt/a", "data", 4));
	CHECK_OK(rump_sys_link("mnt/a", "mnt/b"));
	CHECK_EQ(nlink_of("mnt/a"), 2);
	CHECK_EQ(nlink_of("mnt/b"), 2);
	CHECK_EQ(ino_of("mnt/a"), ino_of("mnt/b"));
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_OK(rump_sys_link("mnt/b", "mnt/d/c"));
	CHECK_EQ(nlink_of("mnt/a"), 3);
	CHECK_OK(rump_sys_unlink("mnt/a"));
	CHECK_EQ(nlink_of("mnt/b"), 2);
	CHECK_OK(rump_sys_unlink("mnt/b"));
	CHECK_EQ(nlink_of("mnt/d/c"), 1);
	CHECK_EQ(t_read_file("mnt/d/c", buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "data", 4) == 0);
}

TEST(link_to_existing_name_is_eexist)
{
	MOUNT();
	CHECK_OK(t_write_file("mnt/a", "", 0));
	CHECK_OK(t_write_file("mnt/b", "", 0));
	CHECK_ERR(rump_sys_link("mnt/a", "mnt/b"), RUMP_EEXIST);
}

TEST(link_to_directory_is_eperm)
{
	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_ERR(rump_sys_link("mnt/d", "mnt/e"), RUMP_EPERM);
}

TEST(link_across_mounts_is_exdev)
{
	MOUNT();
	CHECK_OK(t_write_file("mnt/a", "", 0));
	CHECK_ERR(rump_sys_link("mnt/a", "outside"), RUMP_EXDEV);
}

TEST(link_past_link_max_is_emlink)
{
	char name[32];
	int i, made = 0;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_OK(t_write_file("mnt/d/f", "", 0));
	for (i = 1; i < 32767; i++) {
		snprintf(name, sizeof(name), "mnt/d/%d", i);
		if (rump_sys_link("mnt/d/f", name) == -1) {
			t_fail(__FILE__, __LINE__, "link %d: %d", i, errno);
			break;
		}
		made++;
	}
	CHECK_EQ(made, 32766);
	CHECK_EQ(nlink_of("mnt/d/f"), 32767);
	CHECK_ERR(rump_sys_link("mnt/d/f", "mnt/d/one-too-many"), RUMP_EMLINK);
}

TEST(link_count_of_pathconf)
{
	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_EQ(rump_sys_pathconf("mnt/f", 1 /* _PC_LINK_MAX */), 32767);
}

/* --- rename -------------------------------------------------------------- */

TEST(rename_simple)
{
	uint64_t ino;

	MOUNT();
	CHECK_OK(t_write_file("mnt/a", "x", 1));
	ino = ino_of("mnt/a");
	CHECK_OK(rump_sys_rename("mnt/a", "mnt/b"));
	CHECK_EQ(ino_of("mnt/a"), 0);
	CHECK_EQ(ino_of("mnt/b"), ino);
}

TEST(rename_over_existing_file)
{
	char buf[8];
	uint64_t ino;
	int fd;

	MOUNT();
	CHECK_OK(t_write_file("mnt/a", "new", 3));
	CHECK_OK(t_write_file("mnt/b", "old", 3));
	ino = ino_of("mnt/a");
	CHECK_OK(fd = rump_sys_open("mnt/b", RUMP_O_RDONLY, 0));
	CHECK_OK(rump_sys_rename("mnt/a", "mnt/b"));
	CHECK_EQ(ino_of("mnt/b"), ino);
	CHECK_EQ(ino_of("mnt/a"), 0);
	CHECK_EQ(t_read_file("mnt/b", buf, sizeof(buf)), 3);
	CHECK(memcmp(buf, "new", 3) == 0);
	/* the replaced file lives on while open */
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 3);
	CHECK(memcmp(buf, "old", 3) == 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(rename_over_empty_directory)
{
	struct rump_stat st;
	uint64_t ino;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/a", 0755));
	CHECK_OK(rump_sys_mkdir("mnt/b", 0755));
	CHECK_OK(t_write_file("mnt/a/inside", "", 0));
	ino = ino_of("mnt/a");
	CHECK_EQ(nlink_of("mnt"), 4);
	CHECK_OK(rump_sys_rename("mnt/a", "mnt/b"));
	CHECK_EQ(ino_of("mnt/b"), ino);
	CHECK_OK(xstat("mnt/b/inside", &st));
	CHECK_EQ(nlink_of("mnt"), 3);
}

TEST(rename_over_nonempty_directory_is_enotempty)
{
	struct rump_stat st;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/a", 0755));
	CHECK_OK(rump_sys_mkdir("mnt/b", 0755));
	CHECK_OK(t_write_file("mnt/b/f", "", 0));
	CHECK_ERR(rump_sys_rename("mnt/a", "mnt/b"), RUMP_ENOTEMPTY);
	CHECK_OK(xstat("mnt/a", &st));
	CHECK_OK(xstat("mnt/b/f", &st));
}

TEST(rename_directory_onto_file_is_enotdir)
{
	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_ERR(rump_sys_rename("mnt/d", "mnt/f"), RUMP_ENOTDIR);
}

TEST(rename_file_onto_directory_is_eisdir)
{
	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_ERR(rump_sys_rename("mnt/f", "mnt/d"), RUMP_EISDIR);
}

TEST(rename_into_own_subtree_is_einval)
{
	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/a", 0755));
	CHECK_OK(rump_sys_mkdir("mnt/a/b", 0755));
	CHECK_OK(rump_sys_mkdir("mnt/a/b/c", 0755));
	CHECK_ERR(rump_sys_rename("mnt/a", "mnt/a/b/c/d"), RUMP_EINVAL);
	CHECK_ERR(rump_sys_rename("mnt/a", "mnt/a/x"), RUMP_EINVAL);
	CHECK(ino_of("mnt/a/b/c") != 0);
}

TEST(posix_rename_of_two_links_keeps_both)
{
	MOUNT();
	CHECK_OK(t_write_file("mnt/a", "x", 1));
	CHECK_OK(rump_sys_link("mnt/a", "mnt/b"));
	CHECK_OK(rump_sys___posix_rename("mnt/a", "mnt/b"));
	CHECK(ino_of("mnt/a") != 0);
	CHECK_EQ(ino_of("mnt/a"), ino_of("mnt/b"));
	CHECK_EQ(nlink_of("mnt/a"), 2);
}

/* NetBSD's rename(2) drops the source name in that case. */
TEST(rename_of_two_links_drops_source)
{
	MOUNT();
	CHECK_OK(t_write_file("mnt/a", "x", 1));
	CHECK_OK(rump_sys_link("mnt/a", "mnt/b"));
	CHECK_OK(rump_sys_rename("mnt/a", "mnt/b"));
	CHECK_EQ(ino_of("mnt/a"), 0);
	CHECK_EQ(nlink_of("mnt/b"), 1);
}

TEST(rename_to_itself_is_noop)
{
	MOUNT();
	CHECK_OK(t_write_file("mnt/a", "x", 1));
	CHECK_OK(rump_sys_rename("mnt/a", "mnt/a"));
	CHECK_EQ(nlink_of("mnt/a"), 1);
}

TEST(rename_directory_moves_dotdot_and_link_counts)
{
	struct rump_stat st;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d1", 0755));
	CHECK_OK(rump_sys_mkdir("mnt/d2", 0755));
	CHECK_OK(rump_sys_mkdir("mnt/d1/sub", 0755));
	CHECK_EQ(nlink_of("mnt/d1"), 3);
	CHECK_EQ(nlink_of("mnt/d2"), 2);
	CHECK_OK(rump_sys_rename("mnt/d1/sub", "mnt/d2/sub"));
	CHECK_EQ(nlink_of("mnt/d1"), 2);
	CHECK_EQ(nlink_of("mnt/d2"), 3);
	CHECK_OK(xstat("mnt/d2/sub/..", &st));
	CHECK_EQ(st.st_ino, ino_of("mnt/d2"));
	/* d1 can go now, d2 not */
	CHECK_OK(rump_sys_rmdir("mnt/d1"));
	CHECK_ERR(rump_sys_rmdir("mnt/d2"), RUMP_ENOTEMPTY);
}

TEST(rename_directory_over_directory_elsewhere)
{
	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/p", 0755));
	CHECK_OK(rump_sys_mkdir("mnt/q", 0755));
	CHECK_OK(rump_sys_mkdir("mnt/p/x", 0755));
	CHECK_OK(rump_sys_mkdir("mnt/q/y", 0755));
	CHECK_OK(rump_sys_rename("mnt/p/x", "mnt/q/y"));
	CHECK_EQ(nlink_of("mnt/p"), 2);
	CHECK_EQ(nlink_of("mnt/q"), 3);
	CHECK_EQ(nlink_of("mnt/q/y"), 2);
	CHECK_EQ(ino_of("mnt/p/x"), 0);
}

TEST(rename_file_across_directories)
{
	char buf[8];

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/a", 0755));
	CHECK_OK(rump_sys_mkdir("mnt/b", 0755));
	CHECK_OK(t_write_file("mnt/a/f", "moved", 5));
	CHECK_OK(rump_sys_rename("mnt/a/f", "mnt/b/g"));
	CHECK_EQ(t_read_file("mnt/b/g", buf, sizeof(buf)), 5);
	CHECK_EQ(ino_of("mnt/a/f"), 0);
	CHECK_EQ(nlink_of("mnt/a"), 2);
}

TEST(rename_missing_source_is_enoent)
{
	MOUNT();
	CHECK_ERR(rump_sys_rename("mnt/none", "mnt/other"), RUMP_ENOENT);
}

TEST(rename_to_other_mount_is_exdev)
{
	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_ERR(rump_sys_rename("mnt/f", "outside"), RUMP_EXDEV);
}

TEST(rename_symlink_keeps_target)
{
	char buf[16];

	MOUNT();
	CHECK_OK(rump_sys_symlink("somewhere", "mnt/l"));
	CHECK_OK(rump_sys_rename("mnt/l", "mnt/m"));
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(rump_sys_readlink("mnt/m", buf, sizeof(buf)), 9);
	CHECK_STR(buf, "somewhere");
}

TEST(rename_many_times)
{
	char a[32], b[32];
	int i;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f0", "z", 1));
	for (i = 0; i < 500; i++) {
		snprintf(a, sizeof(a), "mnt/f%d", i);
		snprintf(b, sizeof(b), "mnt/f%d", i + 1);
		CHECK_OK(rump_sys_rename(a, b));
	}
	CHECK_EQ(nlink_of("mnt/f500"), 1);
}
