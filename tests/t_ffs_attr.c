/*
 * t_ffs_attr: attributes and names on a read-only FFS made by makefs:
 * stat fields against the host (times, owner, link counts, inode
 * numbers shared by hard links and equal to the getdents d_fileno),
 * st_blocks from di_blocks, "." and ".." through lookup, getdents
 * with small buffers resuming at the right cookie, and errors for
 * names that are absent.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "t.h"
#include "t_ffs_util.h"

#define KEY	"/dev/ffsattr"
#define MNT	"/mnt_attr"

static char treedir[128];

static const char *
tree(void)
{
	char p[256], q[256];

	if (treedir[0] != '\0')
		return treedir;
	snprintf(treedir, sizeof(treedir), "%s/tree", ffs_tmpdir());
	mkdir(treedir, 0755);
	snprintf(p, sizeof(p), "%s/f", treedir);
	ffs_host_file(p, 3000, 1);
	snprintf(q, sizeof(q), "%s/hard", treedir);
	link(p, q);
	snprintf(p, sizeof(p), "%s/sub", treedir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/sub/inner", treedir);
	mkdir(p, 0755);
	for (int i = 0; i < 100; i++) {
		snprintf(p, sizeof(p), "%s/sub/n%03d", treedir, i);
		ffs_host_file(p, 0, 0);
	}
	return treedir;
}

static bool
setup(const char *opts)
{
	char img[256];

	snprintf(img, sizeof(img), "%s/attr.img", ffs_tmpdir());
	if (ffs_makefs(opts, "8m", img, tree()) != 0 ||
	    ffs_mount_image(img, KEY, MNT) != 0) {
		t_fail(__FILE__, __LINE__, "setup %s", opts);
		return false;
	}
	return true;
}

static void
stat_fields(const char *opts)
{
	struct rump_stat a, b, r, s, in;
	struct stat h;
	char p[256];

	if (!setup(opts))
		return;
	snprintf(p, sizeof(p), "%s/f", tree());
	CHECK_EQ(lstat(p, &h), 0);
	CHECK_OK(rump_sys_stat(MNT "/f", (struct stat *)(void *)&a));
	CHECK_OK(rump_sys_stat(MNT "/hard", (struct stat *)(void *)&b));
	CHECK_EQ(a.st_ino, b.st_ino);
	CHECK_EQ(a.st_nlink, 2);
	CHECK_EQ(a.st_size, 3000);
	CHECK_EQ(a.st_mode, h.st_mode);
	CHECK_EQ(a.st_uid, h.st_uid);
	CHECK_EQ(a.st_gid, h.st_gid);
	CHECK_EQ(a.st_mtim.tv_sec, h.st_mtim.tv_sec);
	/* makefs stats a file, then reads it: the read may move the host
	 * atime (relatime) past the second the image recorded */
	CHECK(a.st_atim.tv_sec <= h.st_atim.tv_sec &&
	    a.st_atim.tv_sec >= h.st_atim.tv_sec - 2);
	CHECK_EQ(a.st_ctim.tv_sec, h.st_ctim.tv_sec);
	/* makefs on Linux: nanoseconds, flags, gen and birth time 0 */
	CHECK_EQ(a.st_mtim.tv_nsec, 0);
	CHECK_EQ(a.st_flags, 0);
	CHECK_EQ(a.st_birthtim.tv_sec, 0);
	/* 3000 bytes: a 3-fragment tail of 1 KiB fragments */
	CHECK_EQ(a.st_blocks, 6);
	CHECK_EQ(a.st_blksize, 8192);
	CHECK_EQ(a.st_rdev, 0);
	/* the root is inode 2; ".." of the root is the root */
	CHECK_OK(rump_sys_stat(MNT, (struct stat *)(void *)&r));
	CHECK_EQ(r.st_ino, 2);
	CHECK_OK(rump_sys_stat(MNT "/sub/..", (struct stat *)(void *)&s));
	CHECK_EQ(s.st_ino, 2);
	CHECK_OK(rump_sys_stat(MNT "/sub/inner/../.", (struct stat *)(void *)
	    &s));
	CHECK_OK(rump_sys_stat(MNT "/sub/inner", (struct stat *)(void *)&in));
	CHECK(s.st_ino != 2 && s.st_ino != in.st_ino);
	CHECK_EQ(s.st_mode & 07777, 0700);
	/* a directory's links: its entry, its ".", each child's ".." */
	CHECK_EQ(r.st_nlink, 3);
	CHECK_EQ(s.st_nlink, 3);
	CHECK_ERR(rump_sys_stat(MNT "/nope", (struct stat *)(void *)&s),
	    RUMP_ENOENT);
	CHECK_ERR(rump_sys_stat(MNT "/f/x", (struct stat *)(void *)&s),
	    RUMP_ENOTDIR);
	ffs_unmount_image(KEY, MNT);
}

TEST(stat_fields_ufs1)
{
	stat_fields("-o version=1");
}

TEST(stat_fields_ufs2)
{
	stat_fields("-o version=2");
}

/* getdents with buffers of one record resumes at the next entry;
 * every d_fileno is the entry's inode number. */
TEST(getdents_small_buffers)
{
	char buf[600];
	int fd, total = 0;
	long n;

	if (!setup("-o version=2"))
		return;
	CHECK_OK(fd = rump_sys_open(MNT "/sub", RUMP_O_RDONLY |
	    RUMP_O_DIRECTORY, 0));
	/* too small for one record */
	CHECK_ERR(rump_sys_getdents(fd, buf, 8), RUMP_EINVAL);
	for (;;) {
		/* a record of a 4-byte name is 24 bytes: room for one */
		n = rump_sys_getdents(fd, buf, 40);
		if (n <= 0)
			break;
		for (long off = 0; off < n;) {
			const struct ffs_drec *d = (const void *)(buf + off);
			char p[300];
			struct rump_stat st;

			snprintf(p, sizeof(p), MNT "/sub/%.*s", d->d_namlen,
			    d->d_name);
			CHECK_OK(rump_sys_lstat(p, (struct stat *)(void *)&st));
			CHECK_EQ(st.st_ino, d->d_fileno);
			total++;
			off += d->d_reclen;
		}
	}
	CHECK_EQ(n, 0);
	CHECK_EQ(total, 100 + 1 + 2);	/* files, inner, "." and ".." */
	rump_sys_close(fd);
	ffs_unmount_image(KEY, MNT);
}

/* The mounted block device cannot be removed, the covered directory
 * not removed. */
TEST(device_busy_while_mounted)
{
	if (!setup("-o version=1"))
		return;
	CHECK_EQ(rump_pub_etfs_remove(KEY) != 0, 1);
	CHECK_ERR(rump_sys_rmdir(MNT), RUMP_EBUSY);
	ffs_unmount_image(KEY, MNT);
}

/* FIFOs (and, when we may make them, device nodes) keep their type
 * and device number; they hold no blocks. */
TEST(special_files)
{
	char dir[256], p[300], img[300];
	struct rump_stat st;
	bool dev;

	snprintf(dir, sizeof(dir), "%s/special", ffs_tmpdir());
	mkdir(dir, 0755);
	snprintf(p, sizeof(p), "%s/fifo", dir);
	CHECK_EQ(mkfifo(p, 0640), 0);
	snprintf(p, sizeof(p), "%s/null", dir);
	dev = mknod(p, S_IFCHR | 0666, makedev(1, 3)) == 0;
	snprintf(img, sizeof(img), "%s/special.img", ffs_tmpdir());
	if (ffs_makefs("-o version=2", "4m", img, dir) != 0 ||
	    ffs_mount_image(img, KEY, MNT) != 0) {
		t_fail(__FILE__, __LINE__, "setup");
		return;
	}
	CHECK_OK(rump_sys_lstat(MNT "/fifo", (struct stat *)(void *)&st));
	CHECK_EQ(st.st_mode & RUMP_S_IFMT, RUMP_S_IFIFO);
	CHECK_EQ(st.st_blocks, 0);
	if (dev) {
		CHECK_OK(rump_sys_lstat(MNT "/null",
		    (struct stat *)(void *)&st));
		struct stat h;

		CHECK_EQ(lstat(p, &h), 0);
		CHECK_EQ(st.st_mode, h.st_mode);
		CHECK_EQ(st.st_mode & RUMP_S_IFMT, RUMP_S_IFCHR);
		CHECK_EQ(st.st_rdev, 0x103);	/* NetBSD makedev(1, 3) */
	}
	ffs_unmount_image(KEY, MNT);
}
