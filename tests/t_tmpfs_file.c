/*
 * t_tmpfs_file.c: regular files on tmpfs: data, holes, sizes, append,
 * O_EXCL, unlinked open files.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "t.h"

#define KIB	1024LL
#define MIB	(1024 * KIB)
#define GIB	(1024 * MIB)

static int
xstat(const char *path, struct rump_stat *st)
{
	memset(st, 0, sizeof(*st));
	return rump_sys_stat(path, (struct stat *)(void *)st);
}

static int
xfstat(int fd, struct rump_stat *st)
{
	memset(st, 0, sizeof(*st));
	return rump_sys_fstat(fd, (struct stat *)(void *)st);
}

static bool
all_zero(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static void
fill(char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (char)('a' + (i * 7 + seed) % 26);
}

#define MOUNT() CHECK_OK(t_mount_tmpfs("mnt"))

TEST(write_read_back)
{
	char buf[16];
	struct rump_stat st;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "hello", 5));
	CHECK_EQ(t_read_file("mnt/f", buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_OK(xstat("mnt/f", &st));
	CHECK_EQ(st.st_size, 5);
	CHECK(RUMP_S_ISREG(st.st_mode));
	CHECK_EQ(st.st_nlink, 1);
	CHECK_EQ(st.st_blksize, 4096);
}

TEST(sparse_file_at_1gib)
{
	char buf[8192];
	struct rump_stat st;
	int fd;

	MOUNT();
	CHECK_OK(fd = rump_sys_open("mnt/sparse", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_EQ(rump_sys_pwrite(fd, "X", 1, GIB), 1);
	CHECK_OK(xfstat(fd, &st));
	CHECK_EQ(st.st_size, GIB + 1);
	CHECK(st.st_blocks <= 64);		/* one page, not a gigabyte */
	memset(buf, 0x55, sizeof(buf));
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), sizeof(buf));
	CHECK(all_zero(buf, sizeof(buf)));
	memset(buf, 0x55, sizeof(buf));
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 512 * MIB + 100),
	    sizeof(buf));
	CHECK(all_zero(buf, sizeof(buf)));
	memset(buf, 0x55, sizeof(buf));
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), GIB - 4095), 4096);
	CHECK(all_zero(buf, 4095));
	CHECK_EQ(buf[4095], 'X');
	CHECK_OK(rump_sys_close(fd));
}

TEST(sparse_far_offsets)
{
	static const int64_t offs[] = { 0, 5 * MIB, 3 * GIB, 64 * GIB,
	    1024 * GIB };
	struct rump_stat st;
	char c;
	size_t i;
	int fd;

	MOUNT();
	CHECK_OK(fd = rump_sys_open("mnt/s", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		c = (char)('0' + i);
		CHECK_EQ(rump_sys_pwrite(fd, &c, 1, offs[i]), 1);
	}
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		c = 0;
		CHECK_EQ(rump_sys_pread(fd, &c, 1, offs[i]), 1);
		CHECK_EQ(c, '0' + (int)i);
		CHECK_EQ(rump_sys_pread(fd, &c, 1, offs[i] + 1),
		    i + 1 < sizeof(offs) / sizeof(offs[0]) ? 1 : 0);
	}
	CHECK_OK(xfstat(fd, &st));
	CHECK_EQ(st.st_size, 1024 * GIB + 1);
	CHECK_EQ(st.st_blocks, 5 * 8);
	/* Shrink back below the first far page: all of them go. */
	CHECK_OK(rump_sys_ftruncate(fd, 1));
	CHECK_OK(xfstat(fd, &st));
	CHECK_EQ(st.st_blocks, 8);
	CHECK_OK(rump_sys_close(fd));
}

TEST(hole_between_pages_reads_zeros)
{
	char buf[3 * 4096 + 20];
	int fd;

	MOUNT();
	CHECK_OK(fd = rump_sys_open("mnt/h", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_EQ(rump_sys_write(fd, "AB", 2), 2);
	CHECK_EQ(rump_sys_pwrite(fd, "CD", 2, 3 * 4096 + 10), 2);
	memset(buf, 0x7f, sizeof(buf));
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), 3 * 4096 + 12);
	CHECK(buf[0] == 'A' && buf[1] == 'B');
	CHECK(all_zero(buf + 2, 3 * 4096 + 8));
	CHECK(buf[3 * 4096 + 10] == 'C' && buf[3 * 4096 + 11] == 'D');
	CHECK_OK(rump_sys_close(fd));
}

TEST(truncate_shrink_then_extend_reads_zeros)
{
	char buf[8192];
	int fd;

	MOUNT();
	memset(buf, 'x', sizeof(buf));
	CHECK_OK(fd = rump_sys_open("mnt/t", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), sizeof(buf));
	CHECK_OK(rump_sys_ftruncate(fd, 100));
	CHECK_OK(rump_sys_ftruncate(fd, 8192));
	memset(buf, 0x55, sizeof(buf));
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), 8192);
	CHECK(buf[0] == 'x' && buf[99] == 'x');
	CHECK(all_zero(buf + 100, 8192 - 100));
	CHECK_OK(rump_sys_close(fd));
}

TEST(truncate_then_write_past_eof_leaves_zeros)
{
	char buf[4096];
	int fd;

	MOUNT();
	memset(buf, 'a', sizeof(buf));
	CHECK_OK(fd = rump_sys_open("mnt/t", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), sizeof(buf));
	CHECK_OK(rump_sys_ftruncate(fd, 10));
	CHECK_EQ(rump_sys_pwrite(fd, "b", 1, 4000), 1);
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), 4001);
	CHECK(buf[9] == 'a');
	CHECK(all_zero(buf + 10, 3990));
	CHECK(buf[4000] == 'b');
	CHECK_OK(rump_sys_close(fd));
}

TEST(truncate_by_path)
{
	struct rump_stat st;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "0123456789", 10));
	CHECK_OK(rump_sys_truncate("mnt/f", 4));
	CHECK_OK(xstat("mnt/f", &st));
	CHECK_EQ(st.st_size, 4);
	CHECK_OK(rump_sys_truncate("mnt/f", 3 * MIB));
	CHECK_OK(xstat("mnt/f", &st));
	CHECK_EQ(st.st_size, 3 * MIB);
	CHECK(st.st_blocks <= 8);
}

TEST(truncate_negative_is_einval)
{
	int fd;

	MOUNT();
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_ERR(rump_sys_ftruncate(fd, -5), RUMP_EINVAL);
	CHECK_OK(rump_sys_close(fd));
}

TEST(truncate_directory_is_eisdir)
{
	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_ERR(rump_sys_truncate("mnt/d", 0), RUMP_EISDIR);
}

TEST(append_writes_at_end)
{
	char buf[16];
	int fd;

	MOUNT();
	CHECK_OK(t_write_file("mnt/a", "abc", 3));
	CHECK_OK(fd = rump_sys_open("mnt/a", RUMP_O_WRONLY | RUMP_O_APPEND,
	    0));
	CHECK_OK(rump_sys_lseek(fd, 0, RUMP_SEEK_SET));
	CHECK_EQ(rump_sys_write(fd, "de", 2), 2);
	CHECK_OK(rump_sys_lseek(fd, 1, RUMP_SEEK_SET));
	CHECK_EQ(rump_sys_write(fd, "f", 1), 1);
	CHECK_OK(rump_sys_close(fd));
	CHECK_EQ(t_read_file("mnt/a", buf, sizeof(buf)), 6);
	CHECK(memcmp(buf, "abcdef", 6) == 0);
}

TEST(o_excl_on_existing_is_eexist)
{
	int fd;

	MOUNT();
	CHECK_OK(fd = rump_sys_open("mnt/x", RUMP_O_WRONLY | RUMP_O_CREAT |
	    RUMP_O_EXCL, 0644));
	CHECK_OK(rump_sys_close(fd));
	CHECK_ERR(rump_sys_open("mnt/x", RUMP_O_WRONLY | RUMP_O_CREAT |
	    RUMP_O_EXCL, 0644), RUMP_EEXIST);
}

TEST(o_trunc_empties)
{
	struct rump_stat st;
	int fd;

	MOUNT();
	CHECK_OK(t_write_file("mnt/x", "data", 4));
	CHECK_OK(fd = rump_sys_open("mnt/x", RUMP_O_WRONLY | RUMP_O_TRUNC, 0));
	CHECK_OK(xfstat(fd, &st));
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(st.st_blocks, 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(read_at_eof_returns_zero)
{
	char buf[8];
	int fd;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "abc", 3));
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_RDONLY, 0));
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 3);
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 0);
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 1000), 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(large_write_read_back)
{
	size_t n = 3 * MIB + 123;
	char *in = malloc(n), *out = malloc(n);
	int fd;

	MOUNT();
	fill(in, n, 3);
	CHECK_OK(fd = rump_sys_open("mnt/big", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_EQ(rump_sys_write(fd, in, n), (long long)n);
	CHECK_EQ(rump_sys_pread(fd, out, n, 0), (long long)n);
	CHECK(memcmp(in, out, n) == 0);
	CHECK_OK(rump_sys_close(fd));
	free(in);
	free(out);
}

TEST(unaligned_writes_match_model)
{
	static char model[5 * 4096], out[5 * 4096];
	char chunk[1500];
	unsigned seed = 1, i;
	int fd;

	MOUNT();
	CHECK_OK(fd = rump_sys_open("mnt/m", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	memset(model, 0, sizeof(model));
	for (i = 0; i < 200; i++) {
		size_t off, len;

		seed = seed * 1103515245 + 12345;
		off = (seed >> 8) % (sizeof(model) - sizeof(chunk));
		len = 1 + (seed >> 3) % sizeof(chunk);
		fill(chunk, len, i);
		memcpy(model + off, chunk, len);
		CHECK_EQ(rump_sys_pwrite(fd, chunk, len, (off_t)off),
		    (long long)len);
	}
	memset(out, 0, sizeof(out));
	CHECK(rump_sys_pread(fd, out, sizeof(out), 0) > 0);
	CHECK(memcmp(model, out, sizeof(out)) == 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(overwrite_middle)
{
	char buf[10000], out[10000];
	int fd;

	MOUNT();
	fill(buf, sizeof(buf), 0);
	CHECK_OK(fd = rump_sys_open("mnt/o", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), sizeof(buf));
	memset(buf + 4090, 'Z', 100);
	CHECK_EQ(rump_sys_pwrite(fd, buf + 4090, 100, 4090), 100);
	CHECK_EQ(rump_sys_pread(fd, out, sizeof(out), 0), sizeof(out));
	CHECK(memcmp(buf, out, sizeof(out)) == 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(unlinked_open_file_stays_readable)
{
	struct rump_stat st;
	char buf[16];
	int fd;

	MOUNT();
	CHECK_OK(t_write_file("mnt/u", "still here", 10));
	CHECK_OK(fd = rump_sys_open("mnt/u", RUMP_O_RDWR, 0));
	CHECK_OK(rump_sys_unlink("mnt/u"));
	CHECK_ERR(xstat("mnt/u", &st), RUMP_ENOENT);
	CHECK_OK(xfstat(fd, &st));
	CHECK_EQ(st.st_nlink, 0);
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), 10);
	CHECK(memcmp(buf, "still here", 10) == 0);
	CHECK_EQ(rump_sys_pwrite(fd, "!", 1, 10), 1);
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), 11);
	CHECK_OK(rump_sys_close(fd));
}

TEST(unlinked_file_frees_space_on_close)
{
	struct rump_statvfs before, during, after;
	char *buf = calloc(1, MIB);
	int fd;

	MOUNT();
	CHECK_OK(rump_sys_statvfs1("mnt", (struct statvfs *)(void *)&before,
	    RUMP_ST_WAIT));
	CHECK_OK(fd = rump_sys_open("mnt/u", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_EQ(rump_sys_write(fd, buf, MIB), MIB);
	CHECK_OK(rump_sys_unlink("mnt/u"));
	CHECK_OK(rump_sys_statvfs1("mnt", (struct statvfs *)(void *)&during,
	    RUMP_ST_WAIT));
	CHECK(during.f_blocks - during.f_bfree >=
	    before.f_blocks - before.f_bfree + 256);
	CHECK_OK(rump_sys_close(fd));
	CHECK_OK(rump_sys_statvfs1("mnt", (struct statvfs *)(void *)&after,
	    RUMP_ST_WAIT));
	CHECK_EQ(after.f_blocks - after.f_bfree,
	    before.f_blocks - before.f_bfree);
	CHECK_EQ(after.f_ffree, before.f_ffree);
	free(buf);
}

TEST(write_beyond_max_file_size_is_efbig)
{
	int fd;

	MOUNT();
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_ERR(rump_sys_pwrite(fd, "ab", 2, ((off_t)1 << 62) - 1),
	    RUMP_EFBIG);
	CHECK_ERR(rump_sys_ftruncate(fd, ((off_t)1 << 62) + 1), RUMP_EFBIG);
	CHECK_OK(rump_sys_close(fd));
}

TEST(write_zero_bytes)
{
	struct rump_stat st;
	int fd;

	MOUNT();
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_EQ(rump_sys_pwrite(fd, "", 0, 5000), 0);
	CHECK_OK(xfstat(fd, &st));
	CHECK_EQ(st.st_size, 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(lseek_end_and_blocks)
{
	char buf[3 * 4096];
	struct rump_stat st;
	int fd;

	MOUNT();
	memset(buf, 1, sizeof(buf));
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), sizeof(buf));
	CHECK_EQ(rump_sys_lseek(fd, 0, RUMP_SEEK_END), sizeof(buf));
	CHECK_OK(xfstat(fd, &st));
	CHECK_EQ(st.st_blocks, 3 * 4096 / 512);
	CHECK_OK(rump_sys_close(fd));
}

TEST(read_directory_is_eisdir)
{
	char buf[8];
	int fd;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_OK(fd = rump_sys_open("mnt/d", RUMP_O_RDONLY, 0));
	CHECK_ERR(rump_sys_read(fd, buf, sizeof(buf)), RUMP_EISDIR);
	CHECK_OK(rump_sys_close(fd));
}

TEST(fsync_succeeds)
{
	int fd;

	MOUNT();
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_EQ(rump_sys_write(fd, "x", 1), 1);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK_OK(rump_sys_close(fd));
}

TEST(inodes_unique_and_dev_is_mount)
{
	struct rump_stat a, b, root, parent;

	MOUNT();
	CHECK_OK(t_write_file("mnt/a", "", 0));
	CHECK_OK(t_write_file("mnt/b", "", 0));
	CHECK_OK(xstat("mnt/a", &a));
	CHECK_OK(xstat("mnt/b", &b));
	CHECK_OK(xstat("mnt", &root));
	CHECK_OK(xstat(".", &parent));
	CHECK(a.st_ino != b.st_ino);
	CHECK(a.st_ino != root.st_ino);
	CHECK_EQ(a.st_dev, root.st_dev);
	CHECK(root.st_dev != parent.st_dev);
}

TEST(inode_numbers_not_reused)
{
	struct rump_stat st;
	uint64_t first;
	int i;

	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_OK(xstat("mnt/f", &st));
	first = st.st_ino;
	for (i = 0; i < 20; i++) {
		CHECK_OK(rump_sys_unlink("mnt/f"));
		CHECK_OK(t_write_file("mnt/f", "", 0));
		CHECK_OK(xstat("mnt/f", &st));
		CHECK(st.st_ino > first);
		first = st.st_ino;
	}
}

TEST(writev_and_readv)
{
	struct rump_iovec iov[3];
	char a[] = "one", b[] = "two", c[] = "three", out[16];
	int fd;

	MOUNT();
	iov[0].iov_base = a;
	iov[0].iov_len = 3;
	iov[1].iov_base = b;
	iov[1].iov_len = 3;
	iov[2].iov_base = c;
	iov[2].iov_len = 5;
	CHECK_OK(fd = rump_sys_open("mnt/v", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_EQ(rump_sys_writev(fd, (const struct iovec *)(void *)iov, 3),
	    11);
	memset(out, 0, sizeof(out));
	CHECK_EQ(rump_sys_pread(fd, out, sizeof(out), 0), 11);
	CHECK_STR(out, "onetwothree");
	CHECK_OK(rump_sys_close(fd));
}

TEST(many_files_with_content)
{
	char name[32], buf[32];
	int i;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "mnt/d/file%d", i);
		snprintf(buf, sizeof(buf), "content %d", i);
		CHECK_OK(t_write_file(name, buf, strlen(buf)));
	}
	for (i = 0; i < 300; i += 7) {
		char got[32];
		long n;

		snprintf(name, sizeof(name), "mnt/d/file%d", i);
		snprintf(buf, sizeof(buf), "content %d", i);
		memset(got, 0, sizeof(got));
		n = t_read_file(name, got, sizeof(got) - 1);
		CHECK_EQ(n, (long)strlen(buf));
		CHECK_STR(got, buf);
	}
}

/*
 * More files than the vnode cache keeps: most vnodes are reclaimed
 * while their nodes live on, and are loaded again on the next lookup
 * with the same inode number and data.
 */
TEST(nodes_survive_vnode_eviction)
{
	static uint64_t inos[10000];
	struct rump_stat st;
	char name[32], buf[32], got[32];
	int i;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	for (i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "mnt/d/%d", i);
		snprintf(buf, sizeof(buf), "#%d#", i);
		CHECK_OK(t_write_file(name, buf, strlen(buf)));
		CHECK_OK(xstat(name, &st));
		inos[i] = st.st_ino;
	}
	for (i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "mnt/d/%d", i);
		snprintf(buf, sizeof(buf), "#%d#", i);
		memset(got, 0, sizeof(got));
		CHECK_EQ(t_read_file(name, got, sizeof(got) - 1),
		    (long)strlen(buf));
		CHECK_STR(got, buf);
		CHECK_OK(xstat(name, &st));
		CHECK_EQ(st.st_ino, inos[i]);
		if (i % 2 == 0)
			CHECK_OK(rump_sys_unlink(name));
	}
	CHECK_OK(rump_sys_stat("mnt/d/9999", (struct stat *)(void *)&st));
	CHECK_ERR(rump_sys_stat("mnt/d/9998", (struct stat *)(void *)&st),
	    RUMP_ENOENT);
}
