/*
 * t_vfs_perm.c: who may do what.  Files are made as root, then the
 * test's process becomes uid 1000 (rump_sys_setuid) and tries.  The
 * test directory is made world-writable first where the user needs
 * to create in it.
 */
#include "t_vfs_util.h"

#define O(x)	RUMP_O_##x
#define USER	1000

static void
become_user(void)
{
	CHECK_OK(rump_sys_setuid(USER));
	CHECK_EQ(rump_sys_geteuid(), USER);
}

BOTH(perm_private_file_is_eacces)
{
	int fd;

	CHECK_OK(fd = rump_sys_open(P(d, "f"), O(CREAT) | O(WRONLY), 0600));
	rump_sys_close(fd);
	become_user();
	CHECK_ERR(rump_sys_open(P(d, "f"), O(RDONLY)), RUMP_EACCES);
	CHECK_ERR(rump_sys_open(P(d, "f"), O(WRONLY)), RUMP_EACCES);
	CHECK_ERR(rump_sys_open(P(d, "f"), O(CREAT) | O(RDONLY), 0644),
	    RUMP_EACCES);
	CHECK_ERR(rump_sys_access(P(d, "f"), RUMP_R_OK), RUMP_EACCES);
	CHECK_OK(rump_sys_access(P(d, "f"), RUMP_F_OK));
}

BOTH(perm_read_only_file_opens_for_reading)
{
	int fd;

	CHECK_OK(fd = rump_sys_open(P(d, "f"), O(CREAT) | O(WRONLY), 0644));
	rump_sys_close(fd);
	become_user();
	CHECK_OK(fd = rump_sys_open(P(d, "f"), O(RDONLY)));
	rump_sys_close(fd);
	CHECK_ERR(rump_sys_open(P(d, "f"), O(RDWR)), RUMP_EACCES);
	CHECK_ERR(rump_sys_open(P(d, "f"), O(RDONLY) | O(TRUNC)),
	    RUMP_EACCES);
	CHECK_ERR(rump_sys_truncate(P(d, "f"), 0), RUMP_EACCES);
}

BOTH(perm_directory_without_search_is_eacces)
{
	struct rump_stat st;

	CHECK_OK(rump_sys_mkdir(P(d, "dir"), 0755));
	CHECK_OK(t_mkfile(P(d, "dir/f"), "x"));
	CHECK_OK(rump_sys_chmod(P(d, "dir"), 0644));
	become_user();
	CHECK_ERR(rump_sys_stat(P(d, "dir/f"), (void *)&st), RUMP_EACCES);
	CHECK_ERR(rump_sys_open(P(d, "dir/f"), O(RDONLY)), RUMP_EACCES);
	CHECK_ERR(rump_sys_chdir(P(d, "dir")), RUMP_EACCES);
	CHECK_ERR(rump_sys_unlink(P(d, "dir/f")), RUMP_EACCES);
	/* the directory itself is still visible */
	CHECK_OK(rump_sys_stat(P(d, "dir"), (void *)&st));
}

BOTH(perm_search_only_directory)
{
	int fd;

	CHECK_OK(rump_sys_mkdir(P(d, "dir"), 0711));
	CHECK_OK(rump_sys_chmod(P(d, "dir"), 0711));
	CHECK_OK(t_mkfile(P(d, "dir/f"), "x"));
	CHECK_OK(rump_sys_chmod(P(d, "dir/f"), 0644));
	become_user();
	/* a known name opens; the listing does not */
	CHECK_OK(fd = rump_sys_open(P(d, "dir/f"), O(RDONLY)));
	rump_sys_close(fd);
	CHECK_ERR(rump_sys_open(P(d, "dir"), O(RDONLY)), RUMP_EACCES);
	CHECK_OK(rump_sys_chdir(P(d, "dir")));
}

BOTH(perm_create_in_unwritable_directory)
{
	CHECK_OK(rump_sys_mkdir(P(d, "dir"), 0755));
	CHECK_OK(t_mkfile(P(d, "dir/f"), "x"));
	become_user();
	CHECK_ERR(rump_sys_open(P(d, "dir/new"), O(CREAT) | O(WRONLY),
	    0644), RUMP_EACCES);
	CHECK_ERR(rump_sys_mkdir(P(d, "dir/new"), 0755), RUMP_EACCES);
	CHECK_ERR(rump_sys_symlink("x", P(d, "dir/new")), RUMP_EACCES);
	CHECK_ERR(rump_sys_mkfifo(P(d, "dir/new"), 0644), RUMP_EACCES);
	CHECK_ERR(rump_sys_link(P(d, "dir/f"), P(d, "dir/new")),
	    RUMP_EACCES);
	CHECK_ERR(rump_sys_unlink(P(d, "dir/f")), RUMP_EACCES);
	/* an existing name is EEXIST before any permission question */
	CHECK_ERR(rump_sys_mkdir(P(d, "dir/f"), 0755), RUMP_EEXIST);
}

TEST(perm_new_file_owner_and_group)
{
	struct rump_stat st;
	int fd;

	CHECK_OK(rump_sys_chmod(".", 0777));
	CHECK_OK(rump_sys_chown(".", 0, 77));
	become_user();
	CHECK_OK(fd = rump_sys_open("f", O(CREAT) | O(WRONLY), 0644));
	rump_sys_close(fd);
	CHECK_OK(rump_sys_mkdir("d", 0755));
	CHECK_OK(rump_sys_symlink("f", "l"));
	st = t_stat("f");
	CHECK_EQ(st.st_uid, USER);
	CHECK_EQ(st.st_gid, 77);	/* the directory's group (BSD) */
	CHECK_EQ(t_stat("d").st_uid, USER);
	CHECK_EQ(t_stat("d").st_gid, 77);
	CHECK_EQ(t_lstat("l").st_uid, USER);
}

BOTH(perm_sticky_directory)
{
	CHECK_OK(rump_sys_mkdir(P(d, "tmp"), 0777));
	CHECK_OK(rump_sys_chmod(P(d, "tmp"), 01777));
	CHECK_OK(t_mkfile(P(d, "tmp/roots"), "x"));
	CHECK_OK(rump_sys_mkdir(P(d, "tmp/rootdir"), 0777));
	become_user();
	CHECK_OK(t_mkfile(P(d, "tmp/mine"), "y"));
	CHECK_ERR(rump_sys_unlink(P(d, "tmp/roots")), RUMP_EPERM);
	CHECK_ERR(rump_sys_rmdir(P(d, "tmp/rootdir")), RUMP_EPERM);
	CHECK_OK(rump_sys_unlink(P(d, "tmp/mine")));
	CHECK(t_exists(P(d, "tmp/roots")));
}

TEST(perm_sticky_directory_owner_may_delete)
{
	CHECK_OK(rump_sys_chmod(".", 0777));
	become_user();
	CHECK_OK(rump_sys_mkdir("tmp", 0777));
	CHECK_OK(rump_sys_chmod("tmp", 01777));
	CHECK_OK(rump_sys_setuid(USER));
	CHECK_OK(t_mkfile("tmp/f", "x"));
	CHECK_OK(rump_sys_unlink("tmp/f"));
}

BOTH(perm_chmod_by_non_owner)
{
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	become_user();
	CHECK_ERR(rump_sys_chmod(P(d, "f"), 0777), RUMP_EPERM);
	CHECK_ERR(rump_sys_chown(P(d, "f"), USER, (gid_t)-1), RUMP_EPERM);
	CHECK_ERR(rump_sys_chflags(P(d, "f"), RUMP_UF_NODUMP), RUMP_EPERM);
	CHECK_ERR(rump_sys_utimes(P(d, "f"), NULL), RUMP_EACCES);
}

TEST(perm_owner_may_chmod_but_not_give_away)
{
	struct rump_stat st;

	CHECK_OK(rump_sys_chmod(".", 0777));
	become_user();
	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(rump_sys_chmod("f", 0600));
	CHECK_OK(rump_sys_stat("f", (void *)&st));
	CHECK_EQ(st.st_mode & 07777, 0600);
	CHECK_ERR(rump_sys_chown("f", 0, (gid_t)-1), RUMP_EPERM);
	/* sticky on a plain file: NetBSD says EFTYPE */
	CHECK_ERR(rump_sys_chmod("f", 01644), RUMP_EFTYPE);
}

TEST(perm_chown_clears_set_id_bits)
{
	struct rump_stat st;

	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(rump_sys_chmod("f", 06755));
	CHECK_OK(rump_sys_chown("f", 5, (gid_t)-1));
	CHECK_OK(rump_sys_stat("f", (void *)&st));
	CHECK_EQ(st.st_uid, 5);
	CHECK_EQ(st.st_mode & 07777, 02755);
	CHECK_OK(rump_sys_chown("f", (uid_t)-1, 6));
	CHECK_EQ(t_stat("f").st_mode & 07777, 0755);
	/* root keeps them with the POSIX flavour */
	CHECK_OK(rump_sys_chmod("f", 06755));
	CHECK_OK(rump_sys___posix_chown("f", 7, 8));
	st = t_stat("f");
	CHECK_EQ(st.st_mode & 07777, 06755);
	CHECK_EQ(st.st_uid, 7);
	CHECK_EQ(st.st_gid, 8);
}

TEST(perm_utimes_now_needs_only_write)
{
	struct rump_timeval tv[2];

	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(rump_sys_chmod("f", 0666));
	become_user();
	CHECK_OK(rump_sys_utimes("f", NULL));
	memset(tv, 0, sizeof(tv));
	tv[0].tv_sec = tv[1].tv_sec = 1000;
	CHECK_ERR(rump_sys_utimes("f", (void *)tv), RUMP_EPERM);
}

TEST(perm_privileged_calls_need_root)
{
	struct rump_tmpfs_args ta;

	CHECK_OK(rump_sys_mkdir("mnt", 0777));
	CHECK_OK(rump_sys_chmod(".", 0777));
	become_user();
	memset(&ta, 0, sizeof(ta));
	ta.ta_version = RUMP_TMPFS_ARGS_VERSION;
	ta.ta_root_mode = 0777;
	CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", 0, &ta,
	    sizeof(ta)), RUMP_EPERM);
	CHECK_ERR(rump_sys_unmount("/", 0), RUMP_EPERM);
	CHECK_ERR(rump_sys_mknod("dev", RUMP_S_IFCHR | 0600,
	    RUMP_MAKEDEV(2, 2)), RUMP_EPERM);
	CHECK_ERR(rump_sys_mknod("fifo", RUMP_S_IFIFO | 0600, 0),
	    RUMP_EPERM);
	CHECK_ERR(rump_sys_chroot("."), RUMP_EPERM);
	/* mkfifo is for everyone */
	CHECK_OK(rump_sys_mkfifo("fifo", 0600));
}

TEST(perm_unmount_by_user_is_eperm)
{
	CHECK_OK(t_mount_tmpfs("mnt"));
	become_user();
	CHECK_ERR(rump_sys_unmount("mnt", 0), RUMP_EPERM);
	CHECK_ERR(rump_sys_unmount("mnt", RUMP_MNT_FORCE), RUMP_EPERM);
}

TEST(perm_access_real_versus_effective)
{
	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(rump_sys_chmod("f", 0600));
	/* real uid 0, effective uid 1000 */
	CHECK_OK(rump_sys_seteuid(USER));
	CHECK_EQ(rump_sys_getuid(), 0);
	CHECK_OK(rump_sys_access("f", RUMP_R_OK | RUMP_W_OK));
	CHECK_OK(rump_sys_faccessat(RUMP_AT_FDCWD, "f", RUMP_R_OK, 0));
	CHECK_ERR(rump_sys_faccessat(RUMP_AT_FDCWD, "f", RUMP_R_OK,
	    RUMP_AT_EACCESS), RUMP_EACCES);
	CHECK_ERR(rump_sys_open("f", O(RDONLY)), RUMP_EACCES);
}

TEST(perm_access_modes)
{
	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(rump_sys_chmod("f", 0644));
	CHECK_ERR(rump_sys_access("f", 8), RUMP_EINVAL);
	CHECK_ERR(rump_sys_access("nope", RUMP_F_OK), RUMP_ENOENT);
	/* root may not execute a file nobody may execute */
	CHECK_ERR(rump_sys_access("f", RUMP_X_OK), RUMP_EACCES);
	CHECK_OK(rump_sys_access("f", RUMP_R_OK | RUMP_W_OK));
	CHECK_OK(rump_sys_access(".", RUMP_X_OK));
	become_user();
	CHECK_OK(rump_sys_access("f", RUMP_R_OK));
	CHECK_ERR(rump_sys_access("f", RUMP_W_OK), RUMP_EACCES);
}

TEST(perm_access_symlink_nofollow)
{
	CHECK_OK(rump_sys_symlink("nowhere", "l"));
	CHECK_ERR(rump_sys_access("l", RUMP_F_OK), RUMP_ENOENT);
	CHECK_OK(rump_sys_faccessat(RUMP_AT_FDCWD, "l", RUMP_F_OK,
	    RUMP_AT_SYMLINK_NOFOLLOW));
}

BOTH(perm_immutable_file)
{
	int fd;

	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_OK(rump_sys_chflags(P(d, "f"), RUMP_UF_IMMUTABLE));
	CHECK_EQ(t_stat(P(d, "f")).st_flags, RUMP_UF_IMMUTABLE);
	CHECK_ERR(rump_sys_open(P(d, "f"), O(WRONLY)), RUMP_EPERM);
	CHECK_ERR(rump_sys_unlink(P(d, "f")), RUMP_EPERM);
	CHECK_ERR(rump_sys_rename(P(d, "f"), P(d, "g")), RUMP_EPERM);
	CHECK_ERR(rump_sys_link(P(d, "f"), P(d, "g")), RUMP_EPERM);
	CHECK_ERR(rump_sys_chmod(P(d, "f"), 0600), RUMP_EPERM);
	CHECK_ERR(rump_sys_truncate(P(d, "f"), 0), RUMP_EPERM);
	CHECK_OK(fd = rump_sys_open(P(d, "f"), O(RDONLY)));
	rump_sys_close(fd);
	CHECK_OK(rump_sys_chflags(P(d, "f"), 0));
	CHECK_OK(rump_sys_unlink(P(d, "f")));
}

BOTH(perm_append_only_file)
{
	int fd;

	CHECK_OK(t_mkfile(P(d, "f"), "ab"));
	CHECK_OK(rump_sys_chflags(P(d, "f"), RUMP_SF_APPEND));
	CHECK_ERR(rump_sys_open(P(d, "f"), O(WRONLY)), RUMP_EPERM);
	CHECK_ERR(rump_sys_open(P(d, "f"), O(WRONLY) | O(TRUNC) |
	    O(APPEND)), RUMP_EPERM);
	CHECK_OK(fd = rump_sys_open(P(d, "f"), O(WRONLY) | O(APPEND)));
	CHECK_EQ(rump_sys_write(fd, "c", 1), 1);
	CHECK_ERR(rump_sys_ftruncate(fd, 0), RUMP_EPERM);
	rump_sys_close(fd);
	CHECK_STR(t_cat(P(d, "f")), "abc");
	CHECK_ERR(rump_sys_unlink(P(d, "f")), RUMP_EPERM);
	CHECK_OK(rump_sys_chflags(P(d, "f"), 0));
}

TEST(perm_system_flags_are_roots)
{
	CHECK_OK(rump_sys_chmod(".", 0777));
	become_user();
	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(rump_sys_chflags("f", RUMP_UF_NODUMP));
	CHECK_EQ(t_stat("f").st_flags, RUMP_UF_NODUMP);
	CHECK_ERR(rump_sys_chflags("f", RUMP_SF_APPEND), RUMP_EPERM);
}

TEST(perm_hard_link_to_directory_is_eperm)
{
	CHECK_OK(rump_sys_mkdir("d", 0755));
	CHECK_ERR(rump_sys_link("d", "d2"), RUMP_EPERM);
	CHECK_ERR(rump_sys_link(".", "d3"), RUMP_EPERM);
}

TEST(perm_ftruncate_ignores_current_mode)
{
	int fd;

	CHECK_OK(rump_sys_chmod(".", 0777));
	become_user();
	CHECK_OK(fd = rump_sys_open("f", O(CREAT) | O(RDWR), 0644));
	CHECK_OK(rump_sys_chmod("f", 0444));
	/* opened for writing: still allowed */
	CHECK_OK(rump_sys_ftruncate(fd, 10));
	CHECK_EQ(t_fstat(fd).st_size, 10);
	CHECK_ERR(rump_sys_truncate("f", 0), RUMP_EACCES);
	rump_sys_close(fd);
}
