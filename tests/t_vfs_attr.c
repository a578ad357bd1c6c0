/*
 * t_vfs_attr.c: creating and removing names (mkdir, mknod, mkfifo,
 * symlink, link, unlink, rmdir) and changing attributes (chmod, chown,
 * chflags, utimes, truncate), readlink, pathconf, umask, and the calls
 * our file systems refuse (extended attributes, file handles, quotas,
 * revoke).
 */
#include "t_vfs_util.h"

#define O(x)	RUMP_O_##x

/* --- making names ---------------------------------------------------- */

BOTH(mkdir_rules)
{
	rump_sys_umask(022);
	CHECK_OK(rump_sys_mkdir(P(d, "dir"), 01777));
	/* mkdir keeps only the permission bits, under the umask */
	CHECK_EQ(t_stat(P(d, "dir")).st_mode, RUMP_S_IFDIR | 0755);
	CHECK_ERR(rump_sys_mkdir(P(d, "dir"), 0755), RUMP_EEXIST);
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_ERR(rump_sys_mkdir(P(d, "f"), 0755), RUMP_EEXIST);
	CHECK_ERR(rump_sys_mkdir(P(d, "."), 0755), RUMP_EEXIST);
	CHECK_ERR(rump_sys_mkdir(P(d, ".."), 0755), RUMP_EEXIST);
	CHECK_EQ(t_stat(d).st_nlink, 3);
}

TEST(mkdir_of_root_is_eexist)
{
	CHECK_ERR(rump_sys_mkdir("/", 0755), RUMP_EEXIST);
	CHECK_ERR(rump_sys_mkdir("//", 0755), RUMP_EEXIST);
}

TEST(umask_returns_the_old_mask)
{
	CHECK_EQ(rump_sys_umask(077), 022);
	CHECK_EQ(rump_sys_umask(0), 077);
	CHECK_EQ(rump_sys_umask(0123456), 0);
	CHECK_EQ(rump_sys_umask(022), 03456);
}

BOTH(mknod_nodes)
{
	int fd;

	rump_sys_umask(0);
	CHECK_OK(rump_sys_mknod(P(d, "null2"), RUMP_S_IFCHR | 0666,
	    RUMP_MAKEDEV(2, 2)));
	CHECK_EQ(t_stat(P(d, "null2")).st_mode, RUMP_S_IFCHR | 0666);
	CHECK_EQ(t_stat(P(d, "null2")).st_rdev, RUMP_MAKEDEV(2, 2));
	CHECK_OK(fd = rump_sys_open(P(d, "null2"), O(WRONLY)));
	CHECK_EQ(rump_sys_write(fd, "gone", 4), 4);
	rump_sys_close(fd);
	CHECK_OK(rump_sys_mknod(P(d, "blk"), RUMP_S_IFBLK | 0600,
	    RUMP_MAKEDEV(197, 1)));
	CHECK(RUMP_S_ISBLK(t_stat(P(d, "blk")).st_mode));
	CHECK_OK(rump_sys_mknod(P(d, "fifo"), RUMP_S_IFIFO | 0644, 0));
	CHECK(RUMP_S_ISFIFO(t_stat(P(d, "fifo")).st_mode));
	CHECK_OK(rump_sys_mknod(P(d, "reg"), RUMP_S_IFREG | 0640, 0));
	CHECK_EQ(t_stat(P(d, "reg")).st_mode, RUMP_S_IFREG | 0640);
	CHECK_ERR(rump_sys_mknod(P(d, "reg"), RUMP_S_IFREG | 0640, 0),
	    RUMP_EEXIST);
	CHECK_ERR(rump_sys_mknod(P(d, "x"), 0644, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_mknod(P(d, "x"), RUMP_S_IFDIR | 0755, 0),
	    RUMP_EINVAL);
	CHECK_ERR(rump_sys_mknod(P(d, "x"), RUMP_S_IFCHR | 0644,
	    (dev_t)-1), RUMP_EINVAL);
	CHECK(!t_exists(P(d, "x")));
}

TEST(mknodat_with_descriptor)
{
	int dfd;

	CHECK_OK(rump_sys_mkdir("d", 0755));
	CHECK_OK(dfd = rump_sys_open("d", O(RDONLY)));
	CHECK_OK(rump_sys_mknodat(dfd, "zero", RUMP_S_IFCHR | 0444,
	    RUMP_MAKEDEV(2, 12)));
	CHECK_EQ(t_stat("d/zero").st_rdev, RUMP_MAKEDEV(2, 12));
	rump_sys_close(dfd);
}

BOTH(mkfifo_rules)
{
	rump_sys_umask(022);
	CHECK_OK(rump_sys_mkfifo(P(d, "p"), 0666));
	CHECK_EQ(t_stat(P(d, "p")).st_mode, RUMP_S_IFIFO | 0644);
	CHECK_ERR(rump_sys_mkfifo(P(d, "p"), 0666), RUMP_EEXIST);
	CHECK_ERR(rump_sys_mkfifo(P(d, "nodir/p"), 0666), RUMP_ENOENT);
	CHECK(t_dir_has(d, "p", RUMP_DT_FIFO));
}

BOTH(symlink_rules)
{
	char buf[64];

	rump_sys_umask(022);
	CHECK_OK(rump_sys_symlink("some/target", P(d, "l")));
	CHECK_EQ(t_lstat(P(d, "l")).st_mode, RUMP_S_IFLNK | 0755);
	CHECK_EQ(rump_sys_readlink(P(d, "l"), buf, sizeof(buf)), 11);
	CHECK(memcmp(buf, "some/target", 11) == 0);
	CHECK_ERR(rump_sys_symlink("x", P(d, "l")), RUMP_EEXIST);
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_ERR(rump_sys_symlink("x", P(d, "f")), RUMP_EEXIST);
	/* a dangling link is still a name */
	CHECK_ERR(rump_sys_symlink("x", P(d, "l")), RUMP_EEXIST);
	CHECK_ERR(rump_sys_symlink(t_repeat('s', 1100), P(d, "long")),
	    RUMP_ENAMETOOLONG);
}

BOTH(readlink_rules)
{
	char buf[8];

	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_OK(rump_sys_symlink("f", P(d, "l")));
	CHECK_OK(rump_sys_symlink("l", P(d, "ll")));
	CHECK_ERR(rump_sys_readlink(P(d, "f"), buf, sizeof(buf)),
	    RUMP_EINVAL);
	CHECK_ERR(rump_sys_readlink(d, buf, sizeof(buf)), RUMP_EINVAL);
	CHECK_ERR(rump_sys_readlink(P(d, "nope"), buf, sizeof(buf)),
	    RUMP_ENOENT);
	/* the last link is read, not followed */
	CHECK_EQ(rump_sys_readlink(P(d, "ll"), buf, sizeof(buf)), 1);
	CHECK_EQ(buf[0], 'l');
}

BOTH(link_rules)
{
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_OK(rump_sys_link(P(d, "f"), P(d, "g")));
	CHECK_EQ(t_stat(P(d, "f")).st_nlink, 2);
	CHECK_EQ(t_stat(P(d, "g")).st_ino, t_stat(P(d, "f")).st_ino);
	CHECK_ERR(rump_sys_link(P(d, "f"), P(d, "g")), RUMP_EEXIST);
	CHECK_ERR(rump_sys_link(P(d, "nope"), P(d, "h")), RUMP_ENOENT);
	CHECK_ERR(rump_sys_link(P(d, "f"), P(d, "nodir/h")), RUMP_ENOENT);
	CHECK_ERR(rump_sys_link(P(d, "f"), P(d, "h/")), RUMP_ENOENT);
	CHECK_OK(rump_sys_unlink(P(d, "f")));
	CHECK_EQ(t_stat(P(d, "g")).st_nlink, 1);
	CHECK_STR(t_cat(P(d, "g")), "x");
}

TEST(link_across_mounts_is_exdev)
{
	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(t_mkfile("mnt/g", "x"));
	CHECK_ERR(rump_sys_link("f", "mnt/f"), RUMP_EXDEV);
	CHECK_ERR(rump_sys_link("mnt/g", "g"), RUMP_EXDEV);
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

/* --- removing names --------------------------------------------------- */

BOTH(unlink_and_rmdir_rules)
{
	CHECK_OK(rump_sys_mkdir(P(d, "dir"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "full"), 0755));
	CHECK_OK(t_mkfile(P(d, "full/x"), "x"));
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_ERR(rump_sys_unlink(P(d, "dir")), RUMP_EPERM);
	CHECK_ERR(rump_sys_rmdir(P(d, "f")), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_rmdir(P(d, "full")), RUMP_ENOTEMPTY);
	CHECK_ERR(rump_sys_rmdir(P(d, "nope")), RUMP_ENOENT);
	CHECK_ERR(rump_sys_unlink(P(d, "nope")), RUMP_ENOENT);
	CHECK_OK(rump_sys_rmdir(P(d, "dir")));
	CHECK_OK(rump_sys_unlink(P(d, "f")));
	CHECK(!t_exists(P(d, "dir")));
	CHECK(!t_exists(P(d, "f")));
	CHECK_EQ(t_stat(d).st_nlink, 3);
}

TEST(rmdir_dot_and_dotdot)
{
	CHECK_OK(rump_sys_mkdir("d", 0755));
	CHECK_OK(rump_sys_mkdir("d/e", 0755));
	CHECK_ERR(rump_sys_rmdir("d/e/."), RUMP_EINVAL);
	CHECK_ERR(rump_sys_rmdir("."), RUMP_EINVAL);
	CHECK_ERR(rump_sys_rmdir("d/e/.."), RUMP_ENOTEMPTY);
	CHECK_ERR(rump_sys_unlink("d/e/."), RUMP_EINVAL);
	CHECK_ERR(rump_sys_unlink("d/e/.."), RUMP_EPERM);
	CHECK_ERR(rump_sys_rmdir("/"), RUMP_EBUSY);
	CHECK(RUMP_S_ISDIR(t_stat("d/e").st_mode));
}

BOTH(unlinked_open_file_lives_on)
{
	char buf[8];
	int fd;

	CHECK_OK(fd = rump_sys_open(P(d, "f"), O(CREAT) | O(RDWR), 0644));
	CHECK_EQ(rump_sys_write(fd, "abc", 3), 3);
	CHECK_OK(rump_sys_unlink(P(d, "f")));
	CHECK(!t_exists(P(d, "f")));
	CHECK_EQ(t_fstat(fd).st_nlink, 0);
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), 3);
	CHECK(memcmp(buf, "abc", 3) == 0);
	rump_sys_close(fd);
}

BOTH(removed_cwd_behaves)
{
	struct rump_stat st;
	char back[300], gone[400];

	snprintf(back, sizeof(back), "/t/%s", t_current);
	snprintf(gone, sizeof(gone), "%s/%s/gone", back, d);
	CHECK_OK(rump_sys_mkdir(P(d, "gone"), 0755));
	CHECK_OK(rump_sys_chdir(P(d, "gone")));
	CHECK_OK(rump_sys_rmdir(gone));
	CHECK_OK(rump_sys_stat(".", (void *)&st));
	CHECK_EQ(st.st_nlink, 0);
	CHECK_ERR(rump_sys_open("new", O(CREAT) | O(WRONLY), 0644),
	    RUMP_ENOENT);
	CHECK_ERR(rump_sys_mkdir("sub", 0755), RUMP_ENOENT);
	CHECK_ERR(rump_sys_symlink("x", "l"), RUMP_ENOENT);
	snprintf(gone, sizeof(gone), "%s/%s/x", back, d);
	CHECK_OK(t_mkfile(gone, "x"));
	CHECK_ERR(rump_sys_rename(gone, "y"), RUMP_ENOENT);
	CHECK_ERR(rump_sys_link(gone, "y"), RUMP_ENOENT);
	CHECK(t_exists(gone));
	CHECK_OK(rump_sys_chdir(back));
}

/* --- changing attributes --------------------------------------------- */

BOTH(chmod_family)
{
	int fd;

	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_OK(rump_sys_symlink("f", P(d, "l")));
	CHECK_OK(rump_sys_chmod(P(d, "f"), 0600));
	CHECK_EQ(t_stat(P(d, "f")).st_mode, RUMP_S_IFREG | 0600);
	CHECK_OK(rump_sys_chmod(P(d, "l"), 0640));
	CHECK_EQ(t_stat(P(d, "f")).st_mode, RUMP_S_IFREG | 0640);
	CHECK_OK(rump_sys_lchmod(P(d, "l"), 0700));
	CHECK_EQ(t_lstat(P(d, "l")).st_mode, RUMP_S_IFLNK | 0700);
	CHECK_EQ(t_stat(P(d, "f")).st_mode, RUMP_S_IFREG | 0640);
	CHECK_OK(rump_sys_fchmodat(RUMP_AT_FDCWD, P(d, "l"), 0711,
	    RUMP_AT_SYMLINK_NOFOLLOW));
	CHECK_EQ(t_lstat(P(d, "l")).st_mode, RUMP_S_IFLNK | 0711);
	CHECK_OK(fd = rump_sys_open(P(d, "f"), O(RDONLY)));
	CHECK_OK(rump_sys_fchmod(fd, 04755));
	CHECK_EQ(t_fstat(fd).st_mode, RUMP_S_IFREG | 04755);
	/* only the permission bits count */
	CHECK_OK(rump_sys_fchmod(fd, 0170644));
	CHECK_EQ(t_fstat(fd).st_mode, RUMP_S_IFREG | 0644);
	rump_sys_close(fd);
	CHECK_ERR(rump_sys_chmod(P(d, "nope"), 0644), RUMP_ENOENT);
	CHECK_ERR(rump_sys_fchmod(99, 0644), RUMP_EBADF);
}

BOTH(chown_family)
{
	int fd;

	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_OK(rump_sys_symlink("f", P(d, "l")));
	CHECK_OK(rump_sys_chown(P(d, "f"), 10, 20));
	CHECK_EQ(t_stat(P(d, "f")).st_uid, 10);
	CHECK_EQ(t_stat(P(d, "f")).st_gid, 20);
	CHECK_OK(rump_sys_chown(P(d, "f"), (uid_t)-1, 21));
	CHECK_EQ(t_stat(P(d, "f")).st_uid, 10);
	CHECK_EQ(t_stat(P(d, "f")).st_gid, 21);
	CHECK_OK(rump_sys_lchown(P(d, "l"), 30, 40));
	CHECK_EQ(t_lstat(P(d, "l")).st_uid, 30);
	CHECK_EQ(t_stat(P(d, "f")).st_uid, 10);
	CHECK_OK(rump_sys___posix_lchown(P(d, "l"), 31, (gid_t)-1));
	CHECK_EQ(t_lstat(P(d, "l")).st_uid, 31);
	CHECK_OK(rump_sys_fchownat(RUMP_AT_FDCWD, P(d, "l"), 32, 42,
	    RUMP_AT_SYMLINK_NOFOLLOW));
	CHECK_EQ(t_lstat(P(d, "l")).st_gid, 42);
	CHECK_OK(fd = rump_sys_open(P(d, "f"), O(RDONLY)));
	CHECK_OK(rump_sys_fchown(fd, 50, 60));
	CHECK_EQ(t_fstat(fd).st_uid, 50);
	CHECK_OK(rump_sys___posix_fchown(fd, 51, 61));
	CHECK_EQ(t_fstat(fd).st_gid, 61);
	CHECK_OK(rump_sys_fchown(fd, (uid_t)-1, (gid_t)-1));
	CHECK_EQ(t_fstat(fd).st_uid, 51);
	rump_sys_close(fd);
}

BOTH(chflags_family)
{
	int fd;

	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_OK(rump_sys_symlink("f", P(d, "l")));
	CHECK_OK(rump_sys_chflags(P(d, "f"), RUMP_UF_NODUMP));
	CHECK_EQ(t_stat(P(d, "f")).st_flags, RUMP_UF_NODUMP);
	CHECK_OK(rump_sys_lchflags(P(d, "l"), RUMP_UF_OPAQUE));
	CHECK_EQ(t_lstat(P(d, "l")).st_flags, RUMP_UF_OPAQUE);
	CHECK_EQ(t_stat(P(d, "f")).st_flags, RUMP_UF_NODUMP);
	CHECK_OK(fd = rump_sys_open(P(d, "f"), O(RDONLY)));
	CHECK_OK(rump_sys_fchflags(fd, RUMP_SF_ARCHIVED | RUMP_UF_NODUMP));
	CHECK_EQ(t_fstat(fd).st_flags, RUMP_SF_ARCHIVED | RUMP_UF_NODUMP);
	CHECK_OK(rump_sys_fchflags(fd, 0));
	CHECK_EQ(t_fstat(fd).st_flags, 0);
	rump_sys_close(fd);
}

BOTH(utimes_family)
{
	struct rump_timeval tv[2];
	struct rump_stat st;
	int fd;

	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_OK(rump_sys_symlink("f", P(d, "l")));
	memset(tv, 0, sizeof(tv));
	tv[0].tv_sec = 1000;
	tv[0].tv_usec = 5;
	tv[1].tv_sec = 2000;
	tv[1].tv_usec = 7;
	tv[1].tv_pad = 0x7777;	/* garbage in the padding is ignored */
	CHECK_OK(rump_sys_utimes(P(d, "f"), (void *)tv));
	st = t_stat(P(d, "f"));
	CHECK_EQ(st.st_atim.tv_sec, 1000);
	CHECK_EQ(st.st_atim.tv_nsec, 5000);
	CHECK_EQ(st.st_mtim.tv_sec, 2000);
	CHECK_EQ(st.st_mtim.tv_nsec, 7000);
	/* an mtime before the birth time moves the birth time */
	CHECK_EQ(st.st_birthtim.tv_sec, 2000);
	CHECK_OK(rump_sys_utimes(P(d, "l"), NULL));
	CHECK(t_stat(P(d, "f")).st_mtim.tv_sec > 100000);
	tv[1].tv_sec = 3000;
	CHECK_OK(rump_sys_lutimes(P(d, "l"), (void *)tv));
	CHECK_EQ(t_lstat(P(d, "l")).st_mtim.tv_sec, 3000);
	CHECK(t_stat(P(d, "f")).st_mtim.tv_sec != 3000);
	CHECK_OK(fd = rump_sys_open(P(d, "f"), O(RDONLY)));
	tv[1].tv_sec = 4000;
	CHECK_OK(rump_sys_futimes(fd, (void *)tv));
	CHECK_EQ(t_fstat(fd).st_mtim.tv_sec, 4000);
	tv[0].tv_usec = 1000000;
	CHECK_ERR(rump_sys_futimes(fd, (void *)tv), RUMP_EINVAL);
	tv[0].tv_usec = -1;
	CHECK_ERR(rump_sys_utimes(P(d, "f"), (void *)tv), RUMP_EINVAL);
	rump_sys_close(fd);
}

BOTH(utimensat_nofollow)
{
	struct rump_timespec ts[2];

	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_OK(rump_sys_symlink("f", P(d, "l")));
	ts[0].tv_sec = 10;
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = 20;
	ts[1].tv_nsec = 0;
	CHECK_OK(rump_sys_utimensat(RUMP_AT_FDCWD, P(d, "l"), (void *)ts,
	    RUMP_AT_SYMLINK_NOFOLLOW));
	CHECK_EQ(t_lstat(P(d, "l")).st_mtim.tv_sec, 20);
	CHECK(t_stat(P(d, "f")).st_mtim.tv_sec != 20);
	CHECK_OK(rump_sys_utimensat(RUMP_AT_FDCWD, P(d, "l"), (void *)ts, 0));
	CHECK_EQ(t_stat(P(d, "f")).st_mtim.tv_sec, 20);
	ts[0].tv_nsec = ts[1].tv_nsec = RUMP_UTIME_OMIT;
	CHECK_OK(rump_sys_utimensat(RUMP_AT_FDCWD, P(d, "f"), (void *)ts, 0));
	CHECK_EQ(t_stat(P(d, "f")).st_mtim.tv_sec, 20);
}

BOTH(truncate_rules)
{
	CHECK_OK(t_mkfile(P(d, "f"), "abcdef"));
	CHECK_OK(rump_sys_truncate(P(d, "f"), 2));
	CHECK_STR(t_cat(P(d, "f")), "ab");
	CHECK_OK(rump_sys_truncate(P(d, "f"), 4096));
	CHECK_EQ(t_stat(P(d, "f")).st_size, 4096);
	CHECK_ERR(rump_sys_truncate(P(d, "f"), -1), RUMP_EINVAL);
	CHECK_ERR(rump_sys_truncate(d, 0), RUMP_EISDIR);
	CHECK_ERR(rump_sys_truncate(P(d, "nope"), 0), RUMP_ENOENT);
	CHECK_OK(rump_sys_symlink("f", P(d, "l")));
	CHECK_OK(rump_sys_truncate(P(d, "l"), 1));
	CHECK_STR(t_cat(P(d, "f")), "a");
	CHECK_OK(rump_sys_mkfifo(P(d, "p"), 0644));
	CHECK_OK(rump_sys_truncate(P(d, "p"), 0));
}

BOTH(pathconf_answers)
{
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK(rump_sys_pathconf(P(d, "f"), 4) >= 255);	/* _PC_NAME_MAX */
	CHECK(rump_sys_pathconf(d, 5) >= 1024);		/* _PC_PATH_MAX */
	CHECK(rump_sys_pathconf(d, 1) > 1);		/* _PC_LINK_MAX */
	CHECK_ERR(rump_sys_pathconf(d, 9999), RUMP_EINVAL);
	CHECK_ERR(rump_sys_pathconf(P(d, "nope"), 4), RUMP_ENOENT);
}

/* --- what our file systems refuse -------------------------------------- */

TEST(extended_attributes_are_unsupported)
{
	char buf[16];
	int fd;

	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(fd = rump_sys_open("f", O(RDONLY)));
	CHECK_ERR(rump_sys_setxattr("f", "user.a", "v", 1, 0), RUMP_ENOTSUP);
	CHECK_ERR(rump_sys_getxattr("f", "user.a", buf, sizeof(buf)),
	    RUMP_ENOTSUP);
	CHECK_ERR(rump_sys_lgetxattr("f", "user.a", buf, sizeof(buf)),
	    RUMP_ENOTSUP);
	CHECK_ERR(rump_sys_fgetxattr(fd, "user.a", buf, sizeof(buf)),
	    RUMP_ENOTSUP);
	CHECK_ERR(rump_sys_listxattr("f", buf, sizeof(buf)), RUMP_ENOTSUP);
	CHECK_ERR(rump_sys_removexattr("f", "user.a"), RUMP_ENOTSUP);
	CHECK_ERR(rump_sys_fremovexattr(fd, "user.a"), RUMP_ENOTSUP);
	CHECK_ERR(rump_sys_extattr_get_file("f", 1, "a", buf, sizeof(buf)),
	    RUMP_EOPNOTSUPP);
	CHECK_ERR(rump_sys_extattr_set_fd(fd, 1, "a", "v", 1),
	    RUMP_EOPNOTSUPP);
	CHECK_ERR(rump_sys_extattr_list_link("f", 1, buf, sizeof(buf)),
	    RUMP_EOPNOTSUPP);
	CHECK_ERR(rump_sys_extattr_delete_file("f", 1, "a"),
	    RUMP_EOPNOTSUPP);
	CHECK_ERR(rump_sys_extattrctl("/", 0, NULL, 1, NULL),
	    RUMP_EOPNOTSUPP);
	/* the file and the name are checked first */
	CHECK_ERR(rump_sys_getxattr("nope", "user.a", buf, sizeof(buf)),
	    RUMP_ENOENT);
	CHECK_ERR(rump_sys_extattr_get_fd(99, 1, "a", buf, sizeof(buf)),
	    RUMP_EBADF);
	CHECK_ERR(rump_sys_setxattr("f", NULL, "v", 1, 0), RUMP_EFAULT);
	CHECK_ERR(rump_sys_setxattr("f", t_repeat('n', 300), "v", 1, 0),
	    RUMP_ENAMETOOLONG);
	rump_sys_close(fd);
}

TEST(file_handles_quotas_revoke)
{
	char fh[64];
	size_t len = sizeof(fh);
	struct rump_stat st;

	CHECK_OK(t_mkfile("f", "x"));
	CHECK_ERR(rump_sys_getfh("f", fh, &len), RUMP_EOPNOTSUPP);
	CHECK_ERR(rump_sys_getfh("nope", fh, &len), RUMP_ENOENT);
	CHECK_ERR(rump_sys_fhopen(fh, len, O(RDONLY)), RUMP_EOPNOTSUPP);
	CHECK_ERR(rump_sys_fhstat(fh, len, (void *)&st), RUMP_EOPNOTSUPP);
	CHECK_ERR(rump_sys___quotactl("f", NULL), RUMP_EOPNOTSUPP);
	CHECK_ERR(rump_sys___quotactl("nope", NULL), RUMP_ENOENT);
	CHECK_ERR(rump_sys_revoke("f"), RUMP_EOPNOTSUPP);
	CHECK_ERR(rump_sys_revoke("nope"), RUMP_ENOENT);
	/* KTROP_SET with nothing to trace (t_kern_ktrace has the rest) */
	CHECK_ERR(rump_sys_ktrace("f", 0, 0, 0), RUMP_EINVAL);
	CHECK_OK(rump_sys_setuid(1000));
	CHECK_ERR(rump_sys_getfh("f", fh, &len), RUMP_EPERM);
	CHECK_ERR(rump_sys_revoke("f"), RUMP_EPERM);
}
