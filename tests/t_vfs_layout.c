/*
 * t_vfs_layout.c: what the kernel writes into the caller's memory, byte
 * by byte (NetBSD's struct stat, struct statvfs, struct dirent), and
 * what it does with pointers it cannot use: every path call answers
 * EFAULT for NULL and wild pointers, ENAMETOOLONG for an overlong path
 * and ENOENT for "".
 */
#include "t_vfs_util.h"

#define O(x)	RUMP_O_##x
#define WILD	((void *)16)

static uint32_t
u32_at(const unsigned char *b, size_t off)
{
	uint32_t v;

	memcpy(&v, b + off, sizeof(v));
	return v;
}

static uint64_t
u64_at(const unsigned char *b, size_t off)
{
	uint64_t v;

	memcpy(&v, b + off, sizeof(v));
	return v;
}

static bool
all_aa(const unsigned char *b, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		if (b[i] != 0xAA)
			return false;
	return true;
}

BOTH(stat_writes_netbsd_layout)
{
	unsigned char buf[200];
	struct rump_stat st;

	CHECK_OK(t_mkfile(P(d, "f"), "0123456789abc"));
	CHECK_OK(rump_sys_chmod(P(d, "f"), 0640));
	CHECK_OK(rump_sys_chown(P(d, "f"), 12, 34));
	memset(buf, 0xAA, sizeof(buf));
	CHECK_OK(rump_sys_stat(P(d, "f"), (void *)buf));
	CHECK(all_aa(buf, 152, sizeof(buf)));
	CHECK_EQ(u32_at(buf, 8), RUMP_S_IFREG | 0640);		/* st_mode */
	CHECK_EQ(u64_at(buf, 112), 13);				/* st_size */
	CHECK_EQ(u32_at(buf, 24), 1);				/* st_nlink */
	CHECK_EQ(u32_at(buf, 28), 12);				/* st_uid */
	CHECK_EQ(u32_at(buf, 32), 34);				/* st_gid */
	memcpy(&st, buf, sizeof(st));
	CHECK_EQ(u64_at(buf, 16), st.st_ino);
	CHECK(st.st_ino != 0);
	CHECK_EQ(u64_at(buf, 16), t_stat(P(d, "f")).st_ino);
	CHECK_EQ(u64_at(buf, 0), t_stat(d).st_dev);		/* st_dev */
	CHECK(st.st_blksize > 0);
	CHECK(st.st_mtim.tv_sec > 0);
	CHECK(st.st_mtim.tv_nsec >= 0 && st.st_mtim.tv_nsec < 1000000000);
}

BOTH(stat_of_a_directory_and_symlink)
{
	unsigned char buf[200];

	CHECK_OK(rump_sys_mkdir(P(d, "dir"), 0751));
	CHECK_OK(rump_sys_symlink("dir", P(d, "l")));
	memset(buf, 0xAA, sizeof(buf));
	CHECK_OK(rump_sys_lstat(P(d, "dir"), (void *)buf));
	CHECK_EQ(u32_at(buf, 8), RUMP_S_IFDIR | 0751);
	CHECK_EQ(u32_at(buf, 24), 2);
	CHECK(all_aa(buf, 152, sizeof(buf)));
	memset(buf, 0xAA, sizeof(buf));
	CHECK_OK(rump_sys_lstat(P(d, "l"), (void *)buf));
	CHECK_EQ(u32_at(buf, 8) & RUMP_S_IFMT, RUMP_S_IFLNK);
	CHECK_EQ(u64_at(buf, 112), 3);		/* the target's length */
	CHECK(all_aa(buf, 152, sizeof(buf)));
	memset(buf, 0xAA, sizeof(buf));
	CHECK_OK(rump_sys_fstatat(RUMP_AT_FDCWD, P(d, "l"), (void *)buf, 0));
	CHECK_EQ(u32_at(buf, 8) & RUMP_S_IFMT, RUMP_S_IFDIR);
	CHECK(all_aa(buf, 152, sizeof(buf)));
}

TEST(stat_of_a_device)
{
	unsigned char buf[200];

	memset(buf, 0xAA, sizeof(buf));
	CHECK_OK(rump_sys_stat("/dev/null", (void *)buf));
	CHECK_EQ(u32_at(buf, 8) & RUMP_S_IFMT, RUMP_S_IFCHR);
	CHECK_EQ(u64_at(buf, 40), RUMP_MAKEDEV(2, 2));	/* st_rdev */
	CHECK(all_aa(buf, 152, sizeof(buf)));
}

TEST(statvfs_writes_netbsd_layout)
{
	static unsigned char buf[2400];

	memset(buf, 0xAA, sizeof(buf));
	CHECK_OK(rump_sys_statvfs1("/", (void *)buf, RUMP_ST_WAIT));
	CHECK(all_aa(buf, 2256, sizeof(buf)));
	CHECK_STR((const char *)buf + 172, "rumpfs");	/* f_fstypename */
	CHECK_STR((const char *)buf + 204, "/");	/* f_mntonname */
	CHECK(u64_at(buf, 8) > 0);			/* f_bsize */
	CHECK(u64_at(buf, 144) > 0);			/* f_namemax */
}

TEST(getdents_writes_netbsd_layout)
{
	unsigned char buf[600];
	int fd, n;

	CHECK_OK(rump_sys_mkdir("d", 0755));
	CHECK_OK(t_mkfile("d/abc", "x"));
	CHECK_OK(fd = rump_sys_open("d", O(RDONLY)));
	memset(buf, 0xAA, sizeof(buf));
	CHECK_EQ(n = rump_sys_getdents(fd, (void *)buf, sizeof(buf)),
	    16 + 16 + 24);
	/* "." */
	CHECK_EQ(u64_at(buf, 0), t_stat("d").st_ino);
	CHECK_EQ(buf[8] | buf[9] << 8, 16);		/* d_reclen */
	CHECK_EQ(buf[10] | buf[11] << 8, 1);		/* d_namlen */
	CHECK_EQ(buf[12], RUMP_DT_DIR);			/* d_type */
	CHECK_EQ(buf[13], '.');
	CHECK_EQ(buf[14], '\0');
	/* ".." */
	CHECK_EQ(buf[16 + 8], 16);
	CHECK_EQ(buf[16 + 10], 2);
	CHECK(memcmp(buf + 16 + 13, "..", 3) == 0);
	/* "abc" */
	CHECK_EQ(u64_at(buf, 32), t_stat("d/abc").st_ino);
	CHECK_EQ(buf[32 + 8], 24);
	CHECK_EQ(buf[32 + 10], 3);
	CHECK_EQ(buf[32 + 12], RUMP_DT_REG);
	CHECK(memcmp(buf + 32 + 13, "abc", 4) == 0);
	CHECK(all_aa(buf, (size_t)n, sizeof(buf)));
	rump_sys_close(fd);
}

TEST(readlink_writes_no_nul)
{
	char buf[16];

	CHECK_OK(rump_sys_symlink("target", "l"));
	memset(buf, 'Z', sizeof(buf));
	CHECK_EQ(rump_sys_readlink("l", buf, sizeof(buf)), 6);
	CHECK(memcmp(buf, "targetZ", 7) == 0);
	memset(buf, 'Z', sizeof(buf));
	CHECK_EQ(rump_sys_readlink("l", buf, 3), 3);
	CHECK(memcmp(buf, "tarZ", 4) == 0);
}

TEST(getcwd_writes_exactly_its_count)
{
	char buf[400];
	int n;

	memset(buf, 'Z', sizeof(buf));
	CHECK((n = rump_sys___getcwd(buf, sizeof(buf))) > 1);
	CHECK_EQ(buf[n - 1], '\0');
	CHECK_EQ(buf[n], 'Z');
}

/* --- bad pointers --------------------------------------------------------- */

TEST(efault_for_path_arguments)
{
	struct rump_stat st;
	struct rump_statvfs sv;
	char buf[8];
	const char *bad[2] = { NULL, WILD };
	int i;

	CHECK_OK(t_mkfile("f", "x"));
	for (i = 0; i < 2; i++) {
		const char *p = bad[i];

		CHECK_ERR(rump_sys_open(p, O(RDONLY)), RUMP_EFAULT);
		CHECK_ERR(rump_sys_openat(RUMP_AT_FDCWD, p, O(RDONLY)),
		    RUMP_EFAULT);
		CHECK_ERR(rump_sys_stat(p, (void *)&st), RUMP_EFAULT);
		CHECK_ERR(rump_sys_lstat(p, (void *)&st), RUMP_EFAULT);
		CHECK_ERR(rump_sys_fstatat(RUMP_AT_FDCWD, p, (void *)&st, 0),
		    RUMP_EFAULT);
		CHECK_ERR(rump_sys_mkdir(p, 0755), RUMP_EFAULT);
		CHECK_ERR(rump_sys_mkdirat(RUMP_AT_FDCWD, p, 0755),
		    RUMP_EFAULT);
		CHECK_ERR(rump_sys_rmdir(p), RUMP_EFAULT);
		CHECK_ERR(rump_sys_unlink(p), RUMP_EFAULT);
		CHECK_ERR(rump_sys_unlinkat(RUMP_AT_FDCWD, p, 0), RUMP_EFAULT);
		CHECK_ERR(rump_sys_chdir(p), RUMP_EFAULT);
		CHECK_ERR(rump_sys_chroot(p), RUMP_EFAULT);
		CHECK_ERR(rump_sys_chmod(p, 0644), RUMP_EFAULT);
		CHECK_ERR(rump_sys_lchmod(p, 0644), RUMP_EFAULT);
		CHECK_ERR(rump_sys_chown(p, 0, 0), RUMP_EFAULT);
		CHECK_ERR(rump_sys_lchown(p, 0, 0), RUMP_EFAULT);
		CHECK_ERR(rump_sys_chflags(p, 0), RUMP_EFAULT);
		CHECK_ERR(rump_sys_access(p, RUMP_F_OK), RUMP_EFAULT);
		CHECK_ERR(rump_sys_readlink(p, buf, sizeof(buf)), RUMP_EFAULT);
		CHECK_ERR(rump_sys_symlink(p, "l"), RUMP_EFAULT);
		CHECK_ERR(rump_sys_symlink("x", p), RUMP_EFAULT);
		CHECK_ERR(rump_sys_link(p, "l"), RUMP_EFAULT);
		CHECK_ERR(rump_sys_link("f", p), RUMP_EFAULT);
		CHECK_ERR(rump_sys_rename(p, "x"), RUMP_EFAULT);
		CHECK_ERR(rump_sys_rename("f", p), RUMP_EFAULT);
		CHECK_ERR(rump_sys_mkfifo(p, 0644), RUMP_EFAULT);
		CHECK_ERR(rump_sys_mknod(p, RUMP_S_IFIFO | 0644, 0),
		    RUMP_EFAULT);
		CHECK_ERR(rump_sys_truncate(p, 0), RUMP_EFAULT);
		CHECK_ERR(rump_sys_utimes(p, NULL), RUMP_EFAULT);
		CHECK_ERR(rump_sys_lutimes(p, NULL), RUMP_EFAULT);
		CHECK_ERR(rump_sys_utimensat(RUMP_AT_FDCWD, p, NULL, 0),
		    RUMP_EFAULT);
		CHECK_ERR(rump_sys_pathconf(p, 4), RUMP_EFAULT);
		CHECK_ERR(rump_sys_statvfs1(p, (void *)&sv, 0), RUMP_EFAULT);
		CHECK_ERR(rump_sys_unmount(p, 0), RUMP_EFAULT);
		CHECK_ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, p, 0, NULL, 0),
		    RUMP_EFAULT);
		CHECK_ERR(rump_sys_revoke(p), RUMP_EFAULT);
	}
	CHECK(t_exists("f"));
}

TEST(efault_for_result_buffers)
{
	char buf[8];
	int fd;

	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(rump_sys_symlink("f", "l"));
	CHECK_ERR(rump_sys_stat("f", NULL), RUMP_EFAULT);
	CHECK_ERR(rump_sys_stat("f", WILD), RUMP_EFAULT);
	CHECK_ERR(rump_sys_lstat("f", NULL), RUMP_EFAULT);
	CHECK_ERR(rump_sys_fstatat(RUMP_AT_FDCWD, "f", NULL, 0), RUMP_EFAULT);
	CHECK_ERR(rump_sys_statvfs1(".", WILD, 0), RUMP_EFAULT);
	CHECK_ERR(rump_sys_readlink("l", NULL, 8), RUMP_EFAULT);
	CHECK_ERR(rump_sys_readlink("l", WILD, 8), RUMP_EFAULT);
	CHECK_EQ(rump_sys_readlink("l", NULL, 0), 0);
	CHECK_ERR(rump_sys___getcwd(WILD, 100), RUMP_EFAULT);
	CHECK_ERR(rump_sys_utimes("f", WILD), RUMP_EFAULT);
	CHECK_OK(fd = rump_sys_open(".", O(RDONLY)));
	CHECK_ERR(rump_sys_getdents(fd, WILD, 512), RUMP_EFAULT);
	rump_sys_close(fd);
	/* nothing is written when the lookup fails first */
	CHECK_ERR(rump_sys_stat("nope", NULL), RUMP_ENOENT);
	(void)buf;
}

TEST(enametoolong_for_path_arguments)
{
	struct rump_stat st;
	char p[1200], buf[8];

	snprintf(p, sizeof(p), "%s", t_repeat('n', 1100));
	CHECK_ERR(rump_sys_open(p, O(CREAT) | O(WRONLY), 0644),
	    RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_stat(p, (void *)&st), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_lstat(p, (void *)&st), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_mkdir(p, 0755), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_rmdir(p), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_unlink(p), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_chdir(p), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_chmod(p, 0644), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_access(p, RUMP_F_OK), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_readlink(p, buf, sizeof(buf)), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_symlink(p, "l"), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_symlink("x", p), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_rename(p, "x"), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_truncate(p, 0), RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_mkfifo(p, 0644), RUMP_ENAMETOOLONG);
}

TEST(empty_path_is_enoent_everywhere)
{
	struct rump_stat st;
	char buf[8];

	CHECK_OK(t_mkfile("f", "x"));
	CHECK_ERR(rump_sys_stat("", (void *)&st), RUMP_ENOENT);
	CHECK_ERR(rump_sys_lstat("", (void *)&st), RUMP_ENOENT);
	CHECK_ERR(rump_sys_mkdir("", 0755), RUMP_ENOENT);
	CHECK_ERR(rump_sys_rmdir(""), RUMP_ENOENT);
	CHECK_ERR(rump_sys_unlink(""), RUMP_ENOENT);
	CHECK_ERR(rump_sys_chmod("", 0644), RUMP_ENOENT);
	CHECK_ERR(rump_sys_readlink("", buf, sizeof(buf)), RUMP_ENOENT);
	CHECK_ERR(rump_sys_symlink("x", ""), RUMP_ENOENT);
	CHECK_ERR(rump_sys_link("f", ""), RUMP_ENOENT);
	CHECK_ERR(rump_sys_link("", "g"), RUMP_ENOENT);
	CHECK_ERR(rump_sys_mkfifo("", 0644), RUMP_ENOENT);
	CHECK_ERR(rump_sys_truncate("", 0), RUMP_ENOENT);
	CHECK_ERR(rump_sys_fstatat(RUMP_AT_FDCWD, "", (void *)&st, 0),
	    RUMP_ENOENT);
}
