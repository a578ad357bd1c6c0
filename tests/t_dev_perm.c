/*
 * t_dev_perm: who may open and change device nodes and fifos
 * (NetBSD's genfs policy: owner/group/other bits, immutable flags,
 * chflags and sticky rules for devices, the sticky directory).
 *
 * Nodes are made as root; the test then drops to uid 1000 with
 * seteuid (the real uid stays 0, so seteuid(0) gets root back).
 */
#include <sys/time.h>

#include "t.h"

#define USER	1000
#define GROUP	100

/* Effective uid USER, effective gid gid (the real ids stay root's). */
static void
as_user_in(gid_t gid)
{
	CHECK_OK(rump_sys_setegid(gid));
	CHECK_OK(rump_sys_seteuid(USER));
}

static void
as_user(void)
{
	as_user_in(USER);
}

static void
as_root(void)
{
	CHECK_OK(rump_sys_seteuid(0));
	CHECK_OK(rump_sys_setegid(0));
}

static void
mknull(const char *path, mode_t mode)
{
	CHECK_OK(rump_sys_mknod(path, RUMP_S_IFCHR | mode, RUMP_MAKEDEV(2, 2)));
	CHECK_OK(rump_sys_chmod(path, mode));	/* past the umask */
}

TEST(device_0600_opens_for_owner_only)
{
	int fd;

	mknull("n", 0600);
	as_user();
	CHECK_ERR(rump_sys_open("n", RUMP_O_RDONLY, 0), RUMP_EACCES);
	CHECK_ERR(rump_sys_open("n", RUMP_O_WRONLY, 0), RUMP_EACCES);
	as_root();
	CHECK_OK(fd = rump_sys_open("n", RUMP_O_RDWR, 0));
	CHECK_OK(rump_sys_close(fd));
}

TEST(devnull_is_usable_by_everyone)
{
	int fd;

	as_user();
	fd = rump_sys_open("/dev/null", RUMP_O_RDWR, 0);
	CHECK(fd != -1);
	CHECK_EQ(rump_sys_write(fd, "abc", 3), 3);
	CHECK_OK(rump_sys_access("/dev/zero", RUMP_R_OK | RUMP_W_OK));
	as_root();
}

TEST(device_group_bits_apply_to_group)
{
	int fd;

	mknull("n", 0060);
	CHECK_OK(rump_sys_chown("n", 0, GROUP));
	as_user_in(GROUP);
	CHECK_OK(fd = rump_sys_open("n", RUMP_O_RDWR, 0));
	as_root();
	as_user();
	CHECK_ERR(rump_sys_open("n", RUMP_O_RDONLY, 0), RUMP_EACCES);
	as_root();
}

TEST(device_owner_bits_win_over_other)
{
	mknull("n", 0066);
	CHECK_OK(rump_sys_chown("n", USER, 0));
	as_user();
	/* the owner's bits (none) apply, not the others' */
	CHECK_ERR(rump_sys_open("n", RUMP_O_RDONLY, 0), RUMP_EACCES);
	as_root();
}

TEST(device_access_x_for_root_needs_some_x_bit)
{
	mknull("n", 0666);
	CHECK_ERR(rump_sys_access("n", RUMP_X_OK), RUMP_EACCES);
	CHECK_OK(rump_sys_chmod("n", 0667));
	CHECK_OK(rump_sys_access("n", RUMP_X_OK));
}

TEST(chflags_on_device_by_owner_eperm)
{
	mknull("n", 0666);
	CHECK_OK(rump_sys_chown("n", USER, 0));
	as_user();
	CHECK_ERR(rump_sys_chflags("n", RUMP_UF_NODUMP), RUMP_EPERM);
	as_root();
	CHECK_OK(rump_sys_chflags("n", RUMP_UF_NODUMP));
}

TEST(chflags_sysflags_need_root)
{
	int fd;

	CHECK_OK(rump_sys_mkfifo("p", 0600));
	CHECK_OK(rump_sys_chown("p", USER, 0));
	as_user();
	CHECK_OK(rump_sys_chflags("p", RUMP_UF_NODUMP));
	CHECK_ERR(rump_sys_chflags("p", RUMP_SF_ARCHIVED), RUMP_EPERM);
	as_root();
	CHECK_OK(rump_sys_chflags("p", RUMP_SF_ARCHIVED | RUMP_UF_NODUMP));
	as_user();
	/* user flags may change while the system flags stay */
	CHECK_OK(rump_sys_chflags("p", RUMP_SF_ARCHIVED));
	CHECK_ERR(rump_sys_chflags("p", 0), RUMP_EPERM);
	as_root();
	fd = rump_sys_open("p", RUMP_O_RDWR, 0);
	CHECK(fd != -1);
}

TEST(chmod_sticky_on_device_by_owner_eftype)
{
	mknull("n", 0666);
	CHECK_OK(rump_sys_chown("n", USER, 0));
	as_user();
	CHECK_ERR(rump_sys_chmod("n", 01666), RUMP_EFTYPE);
	CHECK_OK(rump_sys_chmod("n", 0644));
	as_root();
	CHECK_OK(rump_sys_chmod("n", 01666));	/* root may */
}

TEST(chmod_by_non_owner_eperm)
{
	mknull("n", 0666);
	as_user();
	CHECK_ERR(rump_sys_chmod("n", 0600), RUMP_EPERM);
	as_root();
}

TEST(chmod_setgid_outside_group_eperm)
{
	CHECK_OK(rump_sys_mkfifo("p", 0600));
	CHECK_OK(rump_sys_chown("p", USER, GROUP));
	as_user();
	CHECK_ERR(rump_sys_chmod("p", 02600), RUMP_EPERM);
	as_root();
	as_user_in(GROUP);
	CHECK_OK(rump_sys_chmod("p", 02600));
	as_root();
}

TEST(chown_device_to_other_user_eperm)
{
	mknull("n", 0666);
	CHECK_OK(rump_sys_chown("n", USER, 0));
	as_user();
	CHECK_ERR(rump_sys_chown("n", USER + 1, (gid_t)-1), RUMP_EPERM);
	CHECK_ERR(rump_sys_chown("n", (uid_t)-1, GROUP), RUMP_EPERM);
	as_root();
	as_user_in(GROUP);
	CHECK_OK(rump_sys_chown("n", (uid_t)-1, GROUP));
	as_root();
}

TEST(immutable_device_refuses_write_open)
{
	int fd;

	mknull("n", 0666);
	CHECK_OK(rump_sys_chflags("n", RUMP_UF_IMMUTABLE));
	CHECK_ERR(rump_sys_open("n", RUMP_O_WRONLY, 0), RUMP_EPERM);
	CHECK_OK(fd = rump_sys_open("n", RUMP_O_RDONLY, 0));
	CHECK_ERR(rump_sys_chmod("n", 0600), RUMP_EPERM);
	CHECK_ERR(rump_sys_unlink("n"), RUMP_EPERM);
	CHECK_OK(rump_sys_chflags("n", 0));
	CHECK_OK(rump_sys_unlink("n"));
}

TEST(utimes_now_needs_write_access)
{
	struct timeval tv[2];

	mknull("n", 0666);
	memset(tv, 0, sizeof(tv));
	tv[0].tv_sec = tv[1].tv_sec = 1000;
	as_user();
	CHECK_OK(rump_sys_utimes("n", NULL));
	CHECK_ERR(rump_sys_utimes("n", tv), RUMP_EPERM);
	as_root();
	CHECK_OK(rump_sys_chmod("n", 0644));
	as_user();
	CHECK_ERR(rump_sys_utimes("n", NULL), RUMP_EACCES);
	as_root();
	CHECK_OK(rump_sys_utimes("n", tv));
}

TEST(fifo_open_needs_permission)
{
	CHECK_OK(rump_sys_mkfifo("p", 0600));
	as_user();
	CHECK_ERR(rump_sys_open("p", RUMP_O_RDONLY | RUMP_O_NONBLOCK, 0),
	    RUMP_EACCES);
	as_root();
}

TEST(fifo_other_write_only)
{
	int rd, wr;

	CHECK_OK(rump_sys_mkfifo("p", 0602));
	CHECK_OK(rump_sys_chmod("p", 0602));
	rd = rump_sys_open("p", RUMP_O_RDONLY | RUMP_O_NONBLOCK, 0);
	CHECK(rd != -1);
	as_user();
	CHECK_ERR(rump_sys_open("p", RUMP_O_RDONLY | RUMP_O_NONBLOCK, 0),
	    RUMP_EACCES);
	wr = rump_sys_open("p", RUMP_O_WRONLY, 0);
	CHECK(wr != -1);
	CHECK_EQ(rump_sys_write(wr, "u", 1), 1);
	as_root();
}

TEST(sticky_directory_protects_others_nodes)
{
	CHECK_OK(rump_sys_mkdir("s", 0777));
	CHECK_OK(rump_sys_chmod("s", 01777));
	mknull("s/rootnode", 0666);
	as_user();
	CHECK_OK(rump_sys_mkfifo("s/mine", 0600));
	CHECK_ERR(rump_sys_unlink("s/rootnode"), RUMP_EPERM);
	CHECK_ERR(rump_sys_rename("s/rootnode", "s/x"), RUMP_EPERM);
	CHECK_OK(rump_sys_unlink("s/mine"));
	as_root();
	CHECK_OK(rump_sys_unlink("s/rootnode"));
}

TEST(append_only_directory_keeps_entries)
{
	CHECK_OK(rump_sys_mkdir("d", 0755));
	CHECK_OK(rump_sys_mkfifo("d/p", 0600));
	CHECK_OK(rump_sys_chflags("d", RUMP_UF_APPEND));
	CHECK_ERR(rump_sys_unlink("d/p"), RUMP_EPERM);
	CHECK_OK(rump_sys_chflags("d", 0));
	CHECK_OK(rump_sys_unlink("d/p"));
}

TEST(device_on_readonly_mount_stays_writable)
{
	struct rump_tmpfs_args ta;
	int fd;

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(rump_sys_mknod("mnt/n", RUMP_S_IFCHR | 0666,
	    RUMP_MAKEDEV(2, 2)));
	rump_sys_close(rump_sys_open("mnt/f", RUMP_O_CREAT | RUMP_O_RDWR,
	    0644));
	memset(&ta, 0, sizeof(ta));
	ta.ta_version = RUMP_TMPFS_ARGS_VERSION;
	ta.ta_root_mode = 0777;
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt",
	    RUMP_MNT_UPDATE | RUMP_MNT_RDONLY, &ta, sizeof(ta)));
	fd = rump_sys_open("mnt/n", RUMP_O_WRONLY, 0);
	CHECK(fd != -1);
	CHECK_EQ(rump_sys_write(fd, "x", 1), 1);
	CHECK_OK(rump_sys_close(fd));
	CHECK_ERR(rump_sys_open("mnt/f", RUMP_O_RDWR, 0), RUMP_EROFS);
	CHECK_ERR(rump_sys_chmod("mnt/n", 0600), RUMP_EROFS);
	CHECK_ERR(rump_sys_access("mnt/f", RUMP_W_OK), RUMP_EROFS);
	CHECK_OK(rump_sys_access("mnt/n", RUMP_W_OK));
	CHECK_OK(rump_sys_unmount("mnt", 0));
}
