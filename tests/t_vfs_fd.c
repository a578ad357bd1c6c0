/*
 * t_vfs_fd.c: the vfs calls on descriptors: lseek, pread/pwrite,
 * preadv/pwritev, getdents, fsync and friends, ftruncate,
 * posix_fallocate, fdiscard; the *at calls relative to a directory
 * descriptor; offsets shared between dup'ed descriptors.
 */
#include "t_vfs_util.h"

#define O(x)	RUMP_O_##x

static int
mkfd(const char *path, const char *s, int flags)
{
	if (t_mkfile(path, s) != 0)
		return -1;
	return rump_sys_open(path, flags);
}

BOTH(dup_shares_the_offset)
{
	int fd, fd2;

	CHECK_OK(fd = mkfd(P(d, "f"), "0123456789", O(RDWR)));
	CHECK_OK(fd2 = rump_sys_dup(fd));
	CHECK_EQ(rump_sys_lseek(fd, 4, RUMP_SEEK_SET), 4);
	CHECK_EQ(rump_sys_lseek(fd2, 0, RUMP_SEEK_CUR), 4);
	CHECK_EQ(rump_sys_write(fd2, "xy", 2), 2);
	CHECK_EQ(rump_sys_lseek(fd, 0, RUMP_SEEK_CUR), 6);
	rump_sys_close(fd);
	rump_sys_close(fd2);
	CHECK_STR(t_cat(P(d, "f")), "0123xy6789");
}

TEST(dup2_and_fd_flags)
{
	int fd, fd2;

	CHECK_OK(fd = mkfd("f", "x", O(RDONLY) | O(CLOEXEC)));
	CHECK_EQ(rump_sys_fcntl(fd, RUMP_F_GETFD), RUMP_FD_CLOEXEC);
	CHECK_EQ(rump_sys_dup2(fd, 20), 20);
	CHECK_EQ(rump_sys_fcntl(20, RUMP_F_GETFD), 0);
	CHECK_OK(fd2 = rump_sys_dup(fd));
	CHECK_EQ(rump_sys_fcntl(fd2, RUMP_F_GETFD), 0);
	CHECK_EQ(rump_sys_fcntl(20, RUMP_F_GETFL), O(RDONLY));
	rump_sys_close(fd);
	rump_sys_close(fd2);
	rump_sys_close(20);
}

TEST(fcntl_setfl_append_takes_effect)
{
	int fd;

	CHECK_OK(fd = mkfd("f", "abc", O(WRONLY)));
	CHECK_OK(rump_sys_fcntl(fd, RUMP_F_SETFL, O(APPEND)));
	CHECK_EQ(rump_sys_fcntl(fd, RUMP_F_GETFL), O(WRONLY) | O(APPEND));
	CHECK_EQ(rump_sys_write(fd, "d", 1), 1);
	rump_sys_close(fd);
	CHECK_STR(t_cat("f"), "abcd");
}

BOTH(lseek_whences)
{
	char buf[16];
	int fd;

	CHECK_OK(fd = mkfd(P(d, "f"), "0123456789", O(RDWR)));
	CHECK_EQ(rump_sys_lseek(fd, 3, RUMP_SEEK_SET), 3);
	CHECK_EQ(rump_sys_lseek(fd, 2, RUMP_SEEK_CUR), 5);
	CHECK_EQ(rump_sys_lseek(fd, -1, RUMP_SEEK_END), 9);
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 1);
	CHECK_EQ(buf[0], '9');
	CHECK_ERR(rump_sys_lseek(fd, -100, RUMP_SEEK_CUR), RUMP_EINVAL);
	CHECK_ERR(rump_sys_lseek(fd, 0, 7), RUMP_EINVAL);
	CHECK_EQ(rump_sys_lseek(fd, 0, RUMP_SEEK_CUR), 10);
	/* past the end, then a write leaves a hole of zeros */
	CHECK_EQ(rump_sys_lseek(fd, 20, RUMP_SEEK_SET), 20);
	CHECK_EQ(rump_sys_write(fd, "z", 1), 1);
	CHECK_EQ(t_fstat(fd).st_size, 21);
	CHECK_EQ(rump_sys_pread(fd, buf, 4, 10), 4);
	CHECK(memcmp(buf, "\0\0\0\0", 4) == 0);
	/* 64-bit offsets survive the trip */
	CHECK_EQ(rump_sys_lseek(fd, (off_t)1 << 40, RUMP_SEEK_SET),
	    (off_t)1 << 40);
	rump_sys_close(fd);
}

TEST(lseek_on_pipes_and_fifos_is_espipe)
{
	int p[2], fd;

	CHECK_OK(rump_sys_pipe(p));
	CHECK_ERR(rump_sys_lseek(p[0], 0, RUMP_SEEK_CUR), RUMP_ESPIPE);
	CHECK_ERR(rump_sys_pread(p[0], &fd, 1, 0), RUMP_ESPIPE);
	CHECK_ERR(rump_sys_pwrite(p[1], "x", 1, 0), RUMP_ESPIPE);
	rump_sys_close(p[0]);
	rump_sys_close(p[1]);
	CHECK_OK(rump_sys_mkfifo("fifo", 0644));
	CHECK_OK(fd = rump_sys_open("fifo", O(RDONLY) | O(NONBLOCK)));
	CHECK_ERR(rump_sys_lseek(fd, 0, RUMP_SEEK_CUR), RUMP_ESPIPE);
	CHECK_ERR(rump_sys_pread(fd, p, 1, 0), RUMP_ESPIPE);
	rump_sys_close(fd);
	CHECK_ERR(rump_sys_lseek(99, 0, RUMP_SEEK_CUR), RUMP_EBADF);
}

BOTH(pread_pwrite_leave_the_offset)
{
	char buf[8];
	int fd;

	CHECK_OK(fd = mkfd(P(d, "f"), "abcdef", O(RDWR)));
	CHECK_EQ(rump_sys_lseek(fd, 1, RUMP_SEEK_SET), 1);
	CHECK_EQ(rump_sys_pread(fd, buf, 3, 2), 3);
	CHECK(memcmp(buf, "cde", 3) == 0);
	CHECK_EQ(rump_sys_pwrite(fd, "XY", 2, 4), 2);
	CHECK_EQ(rump_sys_lseek(fd, 0, RUMP_SEEK_CUR), 1);
	CHECK_EQ(rump_sys_pread(fd, buf, 8, 100), 0);
	CHECK_EQ(rump_sys_pwrite(fd, "!", 1, 10), 1);
	CHECK_EQ(t_fstat(fd).st_size, 11);
	rump_sys_close(fd);
	CHECK_EQ(t_read_file(P(d, "f"), buf, 6), 6);
	CHECK(memcmp(buf, "abcdXY", 6) == 0);
}

TEST(pread_pwrite_errors)
{
	char buf[4];
	int r, w, dfd;

	CHECK_OK(r = mkfd("f", "abc", O(RDONLY)));
	CHECK_OK(w = rump_sys_open("f", O(WRONLY)));
	CHECK_ERR(rump_sys_pread(r, buf, 1, -1), RUMP_EINVAL);
	CHECK_ERR(rump_sys_pwrite(w, "x", 1, -5), RUMP_EINVAL);
	CHECK_ERR(rump_sys_pread(w, buf, 1, 0), RUMP_EBADF);
	CHECK_ERR(rump_sys_pwrite(r, "x", 1, 0), RUMP_EBADF);
	CHECK_ERR(rump_sys_pread(99, buf, 1, 0), RUMP_EBADF);
	CHECK_ERR(rump_sys_pread(r, NULL, 1, 0), RUMP_EFAULT);
	CHECK_ERR(rump_sys_pwrite(w, (void *)8, 1, 0), RUMP_EFAULT);
	CHECK_OK(dfd = rump_sys_open(".", O(RDONLY)));
	CHECK_ERR(rump_sys_pread(dfd, buf, 1, 0), RUMP_EISDIR);
	rump_sys_close(dfd);
	rump_sys_close(r);
	rump_sys_close(w);
}

BOTH(preadv_pwritev)
{
	struct rump_iovec iov[3];
	char a[3], b[5];
	int fd;

	CHECK_OK(fd = rump_sys_open(P(d, "f"), O(CREAT) | O(RDWR), 0644));
	iov[0].iov_base = (void *)"hello";
	iov[0].iov_len = 5;
	iov[1].iov_base = (void *)", ";
	iov[1].iov_len = 2;
	iov[2].iov_base = (void *)"world";
	iov[2].iov_len = 5;
	CHECK_EQ(rump_sys_pwritev(fd, (void *)iov, 3, 2), 12);
	CHECK_EQ(rump_sys_lseek(fd, 0, RUMP_SEEK_CUR), 0);
	iov[0].iov_base = a;
	iov[0].iov_len = sizeof(a);
	iov[1].iov_base = b;
	iov[1].iov_len = sizeof(b);
	CHECK_EQ(rump_sys_preadv(fd, (void *)iov, 2, 4), 8);
	CHECK(memcmp(a, "llo", 3) == 0);
	CHECK(memcmp(b, ", wor", 5) == 0);
	CHECK_ERR(rump_sys_preadv(fd, (void *)iov, 0, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_preadv(fd, (void *)iov, 1025, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_preadv(fd, (void *)iov, -1, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_preadv(fd, NULL, 2, 0), RUMP_EFAULT);
	CHECK_ERR(rump_sys_preadv(fd, (void *)iov, 2, -1), RUMP_EINVAL);
	rump_sys_close(fd);
}

/* --- getdents -------------------------------------------------------- */

BOTH(getdents_records)
{
	char buf[4096];
	struct t_dent de;
	int fd, n, off, seen = 0, i = 0;

	CHECK_OK(rump_sys_mkdir(P(d, "dir"), 0755));
	CHECK_OK(t_mkfile(P(d, "dir/file"), "x"));
	CHECK_OK(rump_sys_mkdir(P(d, "dir/sub"), 0755));
	CHECK_OK(rump_sys_symlink("file", P(d, "dir/link")));
	CHECK_OK(rump_sys_mkfifo(P(d, "dir/fifo"), 0644));
	CHECK_OK(fd = rump_sys_open(P(d, "dir"), O(RDONLY) | O(DIRECTORY)));
	CHECK((n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0);
	for (off = 0; off < n; off += de.reclen, i++) {
		t_dent_at(buf, (size_t)off, &de);
		CHECK(de.reclen > 0);
		if (de.reclen == 0)
			break;
		CHECK_EQ(de.reclen % 8, 0);
		CHECK_EQ(de.reclen, RUMP_DIRENT_RECLEN(de.namlen));
		CHECK_EQ(strlen(de.name), de.namlen);
		CHECK_EQ(buf[off + 13 + de.namlen], '\0');
		if (i == 0) {
			CHECK_STR(de.name, ".");
			CHECK_EQ(de.type, RUMP_DT_DIR);
			CHECK_EQ(de.ino, t_stat(P(d, "dir")).st_ino);
		} else if (i == 1) {
			CHECK_STR(de.name, "..");
			CHECK_EQ(de.type, RUMP_DT_DIR);
			CHECK_EQ(de.ino, t_stat(d).st_ino);
		} else if (strcmp(de.name, "file") == 0) {
			CHECK_EQ(de.type, RUMP_DT_REG);
			CHECK_EQ(de.ino, t_stat(P(d, "dir/file")).st_ino);
			seen |= 1;
		} else if (strcmp(de.name, "sub") == 0) {
			CHECK_EQ(de.type, RUMP_DT_DIR);
			seen |= 2;
		} else if (strcmp(de.name, "link") == 0) {
			CHECK_EQ(de.type, RUMP_DT_LNK);
			seen |= 4;
		} else if (strcmp(de.name, "fifo") == 0) {
			CHECK_EQ(de.type, RUMP_DT_FIFO);
			seen |= 8;
		} else
			CHECK(!"unexpected entry");
	}
	CHECK_EQ(i, 6);
	CHECK_EQ(seen, 15);
	CHECK_EQ(rump_sys_getdents(fd, buf, sizeof(buf)), 0);
	/* rewinding starts over */
	CHECK_EQ(rump_sys_lseek(fd, 0, RUMP_SEEK_SET), 0);
	CHECK_EQ(rump_sys_getdents(fd, buf, sizeof(buf)), n);
	rump_sys_close(fd);
}

BOTH(getdents_one_record_at_a_time)
{
	char buf[24], name[16];
	struct t_dent de;
	int fd, n, i, names = 0;

	CHECK_OK(rump_sys_mkdir(P(d, "dir"), 0755));
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "dir/f%02d", i);
		CHECK_OK(t_mkfile(P(d, name), "x"));
	}
	CHECK_OK(fd = rump_sys_open(P(d, "dir"), O(RDONLY)));
	/* "f00" needs 24 bytes: exactly one record fits each time */
	while ((n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
		t_dent_at(buf, 0, &de);
		CHECK_EQ(n, de.reclen);
		if (de.name[0] == 'f')
			names++;
	}
	CHECK_EQ(n, 0);
	CHECK_EQ(names, 20);
	rump_sys_close(fd);
}

TEST(getdents_errors)
{
	char buf[512];
	int fd, dfd;

	CHECK_OK(fd = mkfd("f", "x", O(RDONLY)));
	CHECK_OK(dfd = rump_sys_open(".", O(RDONLY)));
	/* NetBSD: a buffer too small for one record, and a non-directory,
	 * are EINVAL */
	CHECK_ERR(rump_sys_getdents(dfd, buf, 8), RUMP_EINVAL);
	CHECK_ERR(rump_sys_getdents(fd, buf, sizeof(buf)), RUMP_EINVAL);
	CHECK_ERR(rump_sys_getdents(99, buf, sizeof(buf)), RUMP_EBADF);
	CHECK_ERR(rump_sys_getdents(dfd, NULL, sizeof(buf)), RUMP_EFAULT);
	rump_sys_close(fd);
	rump_sys_close(dfd);
}

TEST(getdents_sees_removal_between_calls)
{
	char buf[4096];
	struct t_dent de;
	int fd, n, off;
	bool found = false;

	CHECK_OK(t_mkfile("a", "x"));
	CHECK_OK(t_mkfile("b", "x"));
	CHECK_OK(fd = rump_sys_open(".", O(RDONLY)));
	CHECK_OK(rump_sys_unlink("b"));
	CHECK((n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0);
	for (off = 0; off < n; off += de.reclen) {
		t_dent_at(buf, (size_t)off, &de);
		if (de.reclen == 0)
			break;
		if (strcmp(de.name, "b") == 0)
			found = true;
	}
	CHECK(!found);
	rump_sys_close(fd);
}

/* --- fsync and friends ------------------------------------------------ */

TEST(fsync_family)
{
	int r, w, p[2];

	CHECK_OK(r = mkfd("f", "abc", O(RDONLY)));
	CHECK_OK(w = rump_sys_open("f", O(WRONLY)));
	CHECK_OK(rump_sys_fsync(r));
	CHECK_OK(rump_sys_fsync(w));
	CHECK_OK(rump_sys_fdatasync(w));
	CHECK_ERR(rump_sys_fdatasync(r), RUMP_EBADF);
	CHECK_OK(rump_sys_fsync_range(w, 0x0020, 0, 0));
	CHECK_OK(rump_sys_fsync_range(w, 0x0010, 0, 100));
	CHECK_ERR(rump_sys_fsync_range(w, 0, 0, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_fsync_range(w, 0x0030, 0, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_fsync_range(w, 0x0020, INT64_MAX, 10),
	    RUMP_EINVAL);
	CHECK_ERR(rump_sys_fsync_range(r, 0x0020, 0, 0), RUMP_EBADF);
	CHECK_ERR(rump_sys_fsync(99), RUMP_EBADF);
	CHECK_OK(rump_sys_pipe(p));
	CHECK_ERR(rump_sys_fsync(p[0]), RUMP_EINVAL);
	rump_sys_close(p[0]);
	rump_sys_close(p[1]);
	rump_sys_close(r);
	rump_sys_close(w);
}

BOTH(ftruncate_grows_and_shrinks)
{
	char buf[8];
	int fd;

	CHECK_OK(fd = mkfd(P(d, "f"), "abcdef", O(RDWR)));
	CHECK_OK(rump_sys_ftruncate(fd, 3));
	CHECK_EQ(t_fstat(fd).st_size, 3);
	CHECK_OK(rump_sys_ftruncate(fd, 6));
	CHECK_EQ(rump_sys_pread(fd, buf, 6, 0), 6);
	CHECK(memcmp(buf, "abc\0\0\0", 6) == 0);
	CHECK_ERR(rump_sys_ftruncate(fd, -1), RUMP_EINVAL);
	rump_sys_close(fd);
}

TEST(ftruncate_errors)
{
	int r, dfd, p[2];

	CHECK_OK(r = mkfd("f", "abc", O(RDONLY)));
	CHECK_ERR(rump_sys_ftruncate(r, 0), RUMP_EINVAL);
	CHECK_OK(dfd = rump_sys_open(".", O(RDONLY)));
	CHECK_ERR(rump_sys_ftruncate(dfd, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_ftruncate(99, 0), RUMP_EBADF);
	CHECK_OK(rump_sys_pipe(p));
	CHECK_ERR(rump_sys_ftruncate(p[1], 0), RUMP_EINVAL);
	rump_sys_close(p[0]);
	rump_sys_close(p[1]);
	rump_sys_close(r);
	rump_sys_close(dfd);
}

TEST(fallocate_and_fdiscard_are_unsupported)
{
	int w, r;

	CHECK_OK(w = mkfd("f", "abc", O(WRONLY)));
	CHECK_OK(r = rump_sys_open("f", O(RDONLY)));
	/* posix_fallocate returns the error number itself */
	CHECK_EQ(rump_sys_posix_fallocate(w, 0, 100), RUMP_EOPNOTSUPP);
	CHECK_EQ(rump_sys_posix_fallocate(r, 0, 100), RUMP_EBADF);
	CHECK_EQ(rump_sys_posix_fallocate(w, -1, 100), RUMP_EINVAL);
	CHECK_EQ(rump_sys_posix_fallocate(99, 0, 100), RUMP_EBADF);
	CHECK_ERR(rump_sys_fdiscard(w, 0, 1), RUMP_EOPNOTSUPP);
	CHECK_ERR(rump_sys_fdiscard(r, 0, 1), RUMP_EBADF);
	CHECK_ERR(rump_sys_fdiscard(w, 0, -1), RUMP_EINVAL);
	rump_sys_close(w);
	rump_sys_close(r);
}

/* --- the *at calls ---------------------------------------------------- */

BOTH(at_calls_relative_to_descriptor)
{
	struct rump_stat st;
	char buf[16];
	int dfd, fd;

	CHECK_OK(rump_sys_mkdir(P(d, "dir"), 0755));
	CHECK_OK(dfd = rump_sys_open(P(d, "dir"), O(RDONLY)));
	CHECK_OK(rump_sys_mkdirat(dfd, "sub", 0755));
	CHECK(RUMP_S_ISDIR(t_stat(P(d, "dir/sub")).st_mode));
	CHECK_OK(fd = rump_sys_openat(dfd, "sub/f", O(CREAT) | O(WRONLY),
	    0644));
	rump_sys_close(fd);
	CHECK_OK(rump_sys_fstatat(dfd, "sub/f", (void *)&st, 0));
	CHECK(RUMP_S_ISREG(st.st_mode));
	CHECK_OK(rump_sys_symlinkat("sub/f", dfd, "l"));
	CHECK_OK(rump_sys_fstatat(dfd, "l", (void *)&st,
	    RUMP_AT_SYMLINK_NOFOLLOW));
	CHECK(RUMP_S_ISLNK(st.st_mode));
	CHECK_OK(rump_sys_fstatat(dfd, "l", (void *)&st, 0));
	CHECK(RUMP_S_ISREG(st.st_mode));
	CHECK_EQ(rump_sys_readlinkat(dfd, "l", buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "sub/f", 5) == 0);
	CHECK_OK(rump_sys_linkat(dfd, "sub/f", dfd, "hard", 0));
	CHECK_EQ(t_stat(P(d, "dir/hard")).st_nlink, 2);
	CHECK_OK(rump_sys_mkfifoat(dfd, "p", 0644));
	CHECK(RUMP_S_ISFIFO(t_stat(P(d, "dir/p")).st_mode));
	CHECK_OK(rump_sys_fchmodat(dfd, "hard", 0600, 0));
	CHECK_EQ(t_stat(P(d, "dir/sub/f")).st_mode & 07777, 0600);
	CHECK_OK(rump_sys_faccessat(dfd, "hard", RUMP_R_OK, 0));
	CHECK_OK(rump_sys_fchownat(dfd, "hard", 5, 6, 0));
	CHECK_EQ(t_stat(P(d, "dir/sub/f")).st_uid, 5);
	CHECK_OK(rump_sys_unlinkat(dfd, "hard", 0));
	CHECK_OK(rump_sys_unlinkat(dfd, "l", 0));
	CHECK_OK(rump_sys_unlinkat(dfd, "p", 0));
	CHECK_OK(rump_sys_unlinkat(dfd, "sub/f", 0));
	CHECK_OK(rump_sys_unlinkat(dfd, "sub", RUMP_AT_REMOVEDIR));
	CHECK(!t_exists(P(d, "dir/sub")));
	rump_sys_close(dfd);
}

TEST(at_calls_with_at_fdcwd_and_bad_descriptors)
{
	struct rump_stat st;
	int ffd;

	CHECK_OK(rump_sys_mkdirat(RUMP_AT_FDCWD, "d", 0755));
	CHECK_OK(rump_sys_fstatat(RUMP_AT_FDCWD, "d", (void *)&st, 0));
	CHECK(RUMP_S_ISDIR(st.st_mode));
	CHECK_ERR(rump_sys_fstatat(99, "d", (void *)&st, 0), RUMP_EBADF);
	CHECK_ERR(rump_sys_mkdirat(99, "e", 0755), RUMP_EBADF);
	CHECK_ERR(rump_sys_unlinkat(99, "d", RUMP_AT_REMOVEDIR),
	    RUMP_EBADF);
	CHECK_OK(ffd = mkfd("f", "x", O(RDONLY)));
	CHECK_ERR(rump_sys_fstatat(ffd, "x", (void *)&st, 0), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_mkdirat(ffd, "x", 0755), RUMP_ENOTDIR);
	/* absolute paths ignore the descriptor */
	CHECK_OK(rump_sys_fstatat(ffd, "/", (void *)&st, 0));
	rump_sys_close(ffd);
	CHECK_OK(rump_sys_unlinkat(RUMP_AT_FDCWD, "d", RUMP_AT_REMOVEDIR));
}

BOTH(unlinkat_removedir_rules)
{
	CHECK_OK(rump_sys_mkdir(P(d, "dir"), 0755));
	CHECK_OK(t_mkfile(P(d, "f"), "x"));
	CHECK_ERR(rump_sys_unlinkat(RUMP_AT_FDCWD, P(d, "f"),
	    RUMP_AT_REMOVEDIR), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_unlinkat(RUMP_AT_FDCWD, P(d, "dir"), 0),
	    RUMP_EPERM);
	CHECK_OK(rump_sys_unlinkat(RUMP_AT_FDCWD, P(d, "dir"),
	    RUMP_AT_REMOVEDIR));
	CHECK_OK(rump_sys_unlinkat(RUMP_AT_FDCWD, P(d, "f"), 0));
}

TEST(linkat_symlink_follow)
{
	CHECK_OK(t_mkfile("f", "x"));
	CHECK_OK(rump_sys_symlink("f", "l"));
	CHECK_OK(rump_sys_linkat(RUMP_AT_FDCWD, "l", RUMP_AT_FDCWD, "h1", 0));
	CHECK(RUMP_S_ISLNK(t_lstat("h1").st_mode));
	CHECK_OK(rump_sys_linkat(RUMP_AT_FDCWD, "l", RUMP_AT_FDCWD, "h2",
	    RUMP_AT_SYMLINK_FOLLOW));
	CHECK(RUMP_S_ISREG(t_lstat("h2").st_mode));
	CHECK_EQ(t_stat("f").st_nlink, 2);
	/* link(2) itself follows */
	CHECK_OK(rump_sys_link("l", "h3"));
	CHECK_EQ(t_stat("f").st_nlink, 3);
}

TEST(utimensat_and_futimens)
{
	struct rump_timespec ts[2];
	struct rump_stat st;
	int fd;

	CHECK_OK(fd = mkfd("f", "x", O(RDONLY)));
	ts[0].tv_sec = 100;
	ts[0].tv_nsec = 1;
	ts[1].tv_sec = 200;
	ts[1].tv_nsec = 2;
	CHECK_OK(rump_sys_futimens(fd, (void *)ts));
	st = t_fstat(fd);
	CHECK_EQ(st.st_atim.tv_sec, 100);
	CHECK_EQ(st.st_atim.tv_nsec, 1);
	CHECK_EQ(st.st_mtim.tv_sec, 200);
	CHECK_EQ(st.st_mtim.tv_nsec, 2);
	ts[0].tv_nsec = RUMP_UTIME_OMIT;
	ts[1].tv_sec = 300;
	ts[1].tv_nsec = 3;
	CHECK_OK(rump_sys_utimensat(RUMP_AT_FDCWD, "f", (void *)ts, 0));
	st = t_stat("f");
	CHECK_EQ(st.st_atim.tv_sec, 100);
	CHECK_EQ(st.st_mtim.tv_sec, 300);
	ts[1].tv_nsec = 1000000000;
	CHECK_ERR(rump_sys_utimensat(RUMP_AT_FDCWD, "f", (void *)ts, 0),
	    RUMP_EINVAL);
	ts[1].tv_nsec = -1;
	CHECK_ERR(rump_sys_futimens(fd, (void *)ts), RUMP_EINVAL);
	ts[0].tv_nsec = RUMP_UTIME_NOW;
	ts[1].tv_nsec = RUMP_UTIME_OMIT;
	CHECK_OK(rump_sys_futimens(fd, (void *)ts));
	st = t_fstat(fd);
	CHECK(st.st_atim.tv_sec > 100000);
	CHECK_EQ(st.st_mtim.tv_sec, 300);
	CHECK_ERR(rump_sys_futimens(99, NULL), RUMP_EBADF);
	CHECK_ERR(rump_sys_futimens(fd, (void *)8), RUMP_EFAULT);
	rump_sys_close(fd);
}
