/*
 * t_vfs_open.c: open(2) and openat(2) as NetBSD defines them: flags,
 * creation under the umask, O_EXCL, symlinks and O_NOFOLLOW (EFTYPE),
 * O_DIRECTORY, O_TRUNC, O_APPEND, O_CLOEXEC, read-only mounts.
 */
#include "t_vfs_util.h"

#define O(x)	RUMP_O_##x

BOTH(open_creat_applies_umask)
{
	struct rump_stat st;
	int fd;

	rump_sys_umask(022);
	CHECK_OK(fd = rump_sys_open(P(d, "f"), O(CREAT) | O(WRONLY), 0666));
	st = t_fstat(fd);
	CHECK_EQ(st.st_mode, RUMP_S_IFREG | 0644);
	rump_sys_close(fd);
	rump_sys_umask(027);
	CHECK_OK(fd = rump_sys_open(P(d, "g"), O(CREAT) | O(WRONLY), 0777));
	CHECK_EQ(t_stat(P(d, "g")).st_mode, RUMP_S_IFREG | 0750);
	rump_sys_close(fd);
}

TEST(open_creat_drops_sticky_bit)
{
	int fd;

	rump_sys_umask(0);
	CHECK_OK(fd = rump_sys_open("f", O(CREAT) | O(WRONLY), 01644));
	CHECK_EQ(t_stat("f").st_mode, RUMP_S_IFREG | 0644);
	rump_sys_close(fd);
}

BOTH(open_creat_excl_on_existing_file)
{
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_ERR(rump_sys_open(P(d, "f"), O(CREAT) | O(EXCL) | O(WRONLY),
	    0644), RUMP_EEXIST);
}

BOTH(open_creat_excl_does_not_follow_symlink)
{
	CHECK_OK(rump_sys_symlink("nowhere", P(d, "l")));
	CHECK_ERR(rump_sys_open(P(d, "l"), O(CREAT) | O(EXCL) | O(WRONLY),
	    0644), RUMP_EEXIST);
	CHECK(!t_exists(P(d, "nowhere")));
}

BOTH(open_creat_follows_dangling_symlink)
{
	int fd;

	CHECK_OK(rump_sys_symlink("target", P(d, "l")));
	CHECK_OK(fd = rump_sys_open(P(d, "l"), O(CREAT) | O(WRONLY), 0644));
	CHECK_EQ(rump_sys_write(fd, "hi", 2), 2);
	rump_sys_close(fd);
	CHECK(RUMP_S_ISREG(t_lstat(P(d, "target")).st_mode));
	CHECK_STR(t_cat(P(d, "target")), "hi");
	CHECK(RUMP_S_ISLNK(t_lstat(P(d, "l")).st_mode));
}

BOTH(open_creat_follows_symlink_to_existing)
{
	int fd;

	CHECK_OK(t_mkfile(P(d, "t"), "old"));
	CHECK_OK(rump_sys_symlink("t", P(d, "l")));
	CHECK_OK(fd = rump_sys_open(P(d, "l"), O(CREAT) | O(TRUNC) |
	    O(WRONLY), 0644));
	CHECK_EQ(rump_sys_write(fd, "new", 3), 3);
	rump_sys_close(fd);
	CHECK_STR(t_cat(P(d, "t")), "new");
}

TEST(open_creat_symlink_loop_eloop)
{
	CHECK_OK(rump_sys_symlink("b", "a"));
	CHECK_OK(rump_sys_symlink("a", "b"));
	CHECK_ERR(rump_sys_open("a", O(CREAT) | O(WRONLY), 0644), RUMP_ELOOP);
}

BOTH(open_nofollow_on_symlink_is_eftype)
{
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_OK(rump_sys_symlink("f", P(d, "l")));
	CHECK_ERR(rump_sys_open(P(d, "l"), O(RDONLY) | O(NOFOLLOW)),
	    RUMP_EFTYPE);
	CHECK_ERR(rump_sys_open(P(d, "l"), O(CREAT) | O(NOFOLLOW) |
	    O(WRONLY), 0644), RUMP_EFTYPE);
	CHECK_EQ(RUMP_EFTYPE, 79);
}

TEST(open_nofollow_on_plain_file_works)
{
	int fd;

	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(fd = rump_sys_open("f", O(RDONLY) | O(NOFOLLOW)));
	rump_sys_close(fd);
}

TEST(open_nofollow_only_checks_last_component)
{
	int fd;

	CHECK_OK(rump_sys_mkdir("d", 0755));
	CHECK_OK(t_mkfile("d/f", "x"));
	CHECK_OK(rump_sys_symlink("d", "ld"));
	CHECK_OK(fd = rump_sys_open("ld/f", O(RDONLY) | O(NOFOLLOW)));
	rump_sys_close(fd);
}

BOTH(open_directory_flag)
{
	int fd;

	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_ERR(rump_sys_open(P(d, "f"), O(RDONLY) | O(DIRECTORY)),
	    RUMP_ENOTDIR);
	CHECK_OK(fd = rump_sys_open(d, O(RDONLY) | O(DIRECTORY)));
	rump_sys_close(fd);
}

TEST(open_creat_with_directory_is_einval)
{
	CHECK_ERR(rump_sys_open("x", O(CREAT) | O(DIRECTORY) | O(RDONLY),
	    0644), RUMP_EINVAL);
	CHECK(!t_exists("x"));
}

BOTH(open_directory_for_writing_is_eisdir)
{
	CHECK_OK(rump_sys_mkdir(P(d, "sub"), 0755));
	CHECK_ERR(rump_sys_open(P(d, "sub"), O(WRONLY)), RUMP_EISDIR);
	CHECK_ERR(rump_sys_open(P(d, "sub"), O(RDWR)), RUMP_EISDIR);
	CHECK_ERR(rump_sys_open(P(d, "sub"), O(RDONLY) | O(TRUNC)),
	    RUMP_EISDIR);
}

TEST(open_accmode_3_is_einval)
{
	CHECK_OK(t_mkfile("f", "x"));
	CHECK_ERR(rump_sys_open("f", O(ACCMODE)), RUMP_EINVAL);
}

BOTH(open_trunc_empties_file)
{
	int fd;

	CHECK_OK(t_mkfile(P(d, "f"), "0123456789"));
	CHECK_OK(fd = rump_sys_open(P(d, "f"), O(WRONLY) | O(TRUNC)));
	CHECK_EQ(t_fstat(fd).st_size, 0);
	rump_sys_close(fd);
	/* NetBSD truncates even when opening read-only */
	CHECK_OK(t_mkfile(P(d, "g"), "0123456789"));
	CHECK_OK(fd = rump_sys_open(P(d, "g"), O(RDONLY) | O(TRUNC)));
	CHECK_EQ(t_fstat(fd).st_size, 0);
	rump_sys_close(fd);
}

TEST(open_missing_is_enoent)
{
	CHECK_ERR(rump_sys_open("nope", O(RDONLY)), RUMP_ENOENT);
	CHECK_ERR(rump_sys_open("nope/x", O(CREAT) | O(WRONLY), 0644),
	    RUMP_ENOENT);
	CHECK_ERR(rump_sys_open("", O(RDONLY)), RUMP_ENOENT);
	CHECK_ERR(rump_sys_open("", O(CREAT) | O(WRONLY), 0644),
	    RUMP_ENOENT);
}

TEST(open_bad_path_pointer_is_efault)
{
	CHECK_ERR(rump_sys_open(NULL, O(RDONLY)), RUMP_EFAULT);
	CHECK_ERR(rump_sys_open((const char *)16, O(RDONLY)), RUMP_EFAULT);
	CHECK_ERR(rump_sys_open(NULL, O(CREAT) | O(WRONLY), 0644),
	    RUMP_EFAULT);
}

TEST(open_trailing_slash)
{
	int fd;

	CHECK_OK(t_mkfile("f", "x"));
	CHECK_ERR(rump_sys_open("f/", O(RDONLY)), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_open("newf/", O(CREAT) | O(WRONLY), 0644),
	    RUMP_ENOENT);
	CHECK(!t_exists("newf"));
	CHECK_ERR(rump_sys_open("f/", O(CREAT) | O(WRONLY), 0644),
	    RUMP_ENOTDIR);
	CHECK_OK(rump_sys_mkdir("d", 0755));
	CHECK_OK(fd = rump_sys_open("d/", O(RDONLY)));
	rump_sys_close(fd);
}

TEST(open_creat_on_existing_directory_reads)
{
	int fd;

	/* O_CREAT on an existing name is a plain open */
	CHECK_OK(fd = rump_sys_open(".", O(CREAT) | O(RDONLY), 0644));
	CHECK(RUMP_S_ISDIR(t_fstat(fd).st_mode));
	rump_sys_close(fd);
	CHECK_ERR(rump_sys_open(".", O(CREAT) | O(WRONLY), 0644),
	    RUMP_EISDIR);
}

TEST(open_creat_across_a_mount_is_eexist)
{
	/* "/" has no parent to create in, and a name that crosses a
	 * mount boundary has none on its side: NetBSD says EEXIST */
	CHECK_ERR(rump_sys_open("/", O(CREAT) | O(RDONLY), 0644),
	    RUMP_EEXIST);
	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_ERR(rump_sys_open("mnt", O(CREAT) | O(RDONLY), 0644),
	    RUMP_EEXIST);
	CHECK_ERR(rump_sys_open("mnt/..", O(CREAT) | O(RDONLY), 0644),
	    RUMP_EEXIST);
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(open_creat_new_file_skips_permission_check)
{
	int fd;

	/* mode 0 on a new file still opens for read and write */
	CHECK_OK(fd = rump_sys_open("f", O(CREAT) | O(RDWR), 0));
	CHECK_EQ(rump_sys_write(fd, "ab", 2), 2);
	rump_sys_close(fd);
	CHECK_EQ(t_stat("f").st_mode, RUMP_S_IFREG);
}

TEST(open_cloexec_sets_fd_flag)
{
	int fd, fd2;

	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(fd = rump_sys_open("f", O(RDONLY) | O(CLOEXEC)));
	CHECK_EQ(rump_sys_fcntl(fd, RUMP_F_GETFD), RUMP_FD_CLOEXEC);
	CHECK_OK(fd2 = rump_sys_open("f", O(RDONLY)));
	CHECK_EQ(rump_sys_fcntl(fd2, RUMP_F_GETFD), 0);
	/* O_CLOEXEC is a descriptor flag, not a status flag */
	CHECK_EQ(rump_sys_fcntl(fd, RUMP_F_GETFL), O(RDONLY));
	rump_sys_close(fd);
	rump_sys_close(fd2);
}

TEST(open_status_flags_in_getfl)
{
	int fd;

	CHECK_OK(fd = rump_sys_open("f", O(CREAT) | O(RDWR) | O(APPEND) |
	    O(NONBLOCK) | O(EXCL) | O(TRUNC), 0644));
	CHECK_EQ(rump_sys_fcntl(fd, RUMP_F_GETFL),
	    O(RDWR) | O(APPEND) | O(NONBLOCK));
	rump_sys_close(fd);
	CHECK_OK(fd = rump_sys_open("f", O(WRONLY) | O(SYNC)));
	CHECK_EQ(rump_sys_fcntl(fd, RUMP_F_GETFL), O(WRONLY) | O(SYNC));
	rump_sys_close(fd);
}

BOTH(open_append_writes_at_end)
{
	int fd;

	CHECK_OK(t_mkfile(P(d, "f"), "abc"));
	CHECK_OK(fd = rump_sys_open(P(d, "f"), O(WRONLY) | O(APPEND)));
	CHECK_EQ(rump_sys_lseek(fd, 0, RUMP_SEEK_SET), 0);
	CHECK_EQ(rump_sys_write(fd, "de", 2), 2);
	CHECK_EQ(rump_sys_lseek(fd, 0, RUMP_SEEK_CUR), 5);
	CHECK_EQ(rump_sys_pwrite(fd, "f", 1, 0), 1);
	rump_sys_close(fd);
	CHECK_STR(t_cat(P(d, "f")), "abcdef");
}

BOTH(openat_relative_to_directory_fd)
{
	int dfd, fd;

	CHECK_OK(rump_sys_mkdir(P(d, "sub"), 0755));
	CHECK_OK(dfd = rump_sys_open(P(d, "sub"), O(RDONLY) | O(DIRECTORY)));
	CHECK_OK(fd = rump_sys_openat(dfd, "f", O(CREAT) | O(WRONLY), 0644));
	rump_sys_close(fd);
	CHECK(RUMP_S_ISREG(t_stat(P(d, "sub/f")).st_mode));
	CHECK_OK(fd = rump_sys_openat(dfd, "../sub/f", O(RDONLY)));
	rump_sys_close(fd);
	rump_sys_close(dfd);
}

TEST(openat_fd_rules)
{
	int ffd, fd;

	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(ffd = rump_sys_open("f", O(RDONLY)));
	CHECK_ERR(rump_sys_openat(ffd, "x", O(RDONLY)), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_openat(99, "x", O(RDONLY)), RUMP_EBADF);
	/* an absolute path ignores the descriptor */
	CHECK_OK(fd = rump_sys_openat(99, "/", O(RDONLY)));
	rump_sys_close(fd);
	CHECK_OK(fd = rump_sys_openat(RUMP_AT_FDCWD, "f", O(RDONLY)));
	rump_sys_close(fd);
	rump_sys_close(ffd);
}

TEST(open_exlock_and_shlock)
{
	int fd, fd2;

	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(fd = rump_sys_open("f", O(RDONLY) | O(EXLOCK)));
	CHECK_ERR(rump_sys_open("f", O(RDONLY) | O(SHLOCK) | O(NONBLOCK)),
	    RUMP_EAGAIN);
	rump_sys_close(fd);
	CHECK_OK(fd = rump_sys_open("f", O(RDONLY) | O(SHLOCK)));
	CHECK_OK(fd2 = rump_sys_open("f", O(RDONLY) | O(SHLOCK) |
	    O(NONBLOCK)));
	rump_sys_close(fd);
	rump_sys_close(fd2);
}

TEST(open_fifo_nonblocking_writer_without_reader)
{
	int fd;

	CHECK_OK(rump_sys_mkfifo("p", 0644));
	CHECK_ERR(rump_sys_open("p", O(WRONLY) | O(NONBLOCK)), RUMP_ENXIO);
	CHECK_OK(fd = rump_sys_open("p", O(RDONLY) | O(NONBLOCK)));
	rump_sys_close(fd);
}

TEST(open_readonly_mount_is_erofs)
{
	struct rump_tmpfs_args ta;
	int fd;

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(t_mkfile("mnt/f", "x"));
	memset(&ta, 0, sizeof(ta));
	ta.ta_version = RUMP_TMPFS_ARGS_VERSION;
	ta.ta_root_mode = 0777;
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt",
	    RUMP_MNT_UPDATE | RUMP_MNT_RDONLY, NULL, 0));
	CHECK_ERR(rump_sys_open("mnt/new", O(CREAT) | O(WRONLY), 0644),
	    RUMP_EROFS);
	CHECK_ERR(rump_sys_open("mnt/f", O(WRONLY)), RUMP_EROFS);
	CHECK_ERR(rump_sys_open("mnt/f", O(RDONLY) | O(TRUNC)), RUMP_EROFS);
	CHECK_OK(fd = rump_sys_open("mnt/f", O(RDONLY)));
	rump_sys_close(fd);
	/* an existing name with O_CREAT is a plain open */
	CHECK_OK(fd = rump_sys_open("mnt/f", O(CREAT) | O(RDONLY), 0644));
	rump_sys_close(fd);
	CHECK_ERR(rump_sys_open("mnt/f", O(CREAT) | O(EXCL) | O(RDONLY),
	    0644), RUMP_EEXIST);
	rump_sys_unmount("mnt", RUMP_MNT_FORCE);
}

TEST(open_returns_lowest_free_descriptor)
{
	int a, b, c;

	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(a = rump_sys_open("f", O(RDONLY)));
	CHECK_OK(b = rump_sys_open("f", O(RDONLY)));
	CHECK_EQ(b, a + 1);
	rump_sys_close(a);
	CHECK_OK(c = rump_sys_open("f", O(RDONLY)));
	CHECK_EQ(c, a);
	rump_sys_close(b);
	rump_sys_close(c);
}
