/*
 * t_tmpfs_dir.c: tmpfs directories: mkdir/rmdir, link counts, names,
 * getdents records and cookies that survive concurrent changes.
 */
#include <stdbool.h>
#include <stddef.h>
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

/* The head of a getdents record (struct rump_dirent without the full
 * name array, so that small buffers can be walked). */
struct drec {
	uint64_t d_fileno;
	uint16_t d_reclen;
	uint16_t d_namlen;
	uint8_t	d_type;
	char	d_name[];
};
_Static_assert(offsetof(struct drec, d_name) ==
    offsetof(struct rump_dirent, d_name), "dirent layout");

/* One getdents record at off in buf. */
static const struct drec *
rec(const void *buf, long off)
{
	return (const struct drec *)(const void *)
	    ((const char *)buf + off);
}

/*
 * Read the whole directory with a buffer of bufsize bytes; call fn for
 * each record.  Returns the number of records, or -1.
 */
static int
list_dir(const char *path, size_t bufsize,
    void (*fn)(const struct drec *, void *), void *arg)
{
	uint64_t *buf = malloc(bufsize + 8);
	int fd, count = 0;
	long n, off;

	if ((fd = rump_sys_open(path, RUMP_O_RDONLY | RUMP_O_DIRECTORY,
	    0)) == -1) {
		free(buf);
		return -1;
	}
	while ((n = rump_sys_getdents(fd, (char *)buf, bufsize)) > 0) {
		for (off = 0; off < n; off += rec(buf, off)->d_reclen) {
			if (fn != NULL)
				fn(rec(buf, off), arg);
			count++;
			if (rec(buf, off)->d_reclen == 0)
				break;
		}
	}
	rump_sys_close(fd);
	free(buf);
	return n == 0 ? count : -1;
}

TEST(mkdir_and_rmdir)
{
	struct rump_stat st;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0751));
	CHECK_OK(xstat("mnt/d", &st));
	CHECK(RUMP_S_ISDIR(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 0751 & ~022);
	CHECK_EQ(st.st_nlink, 2);
	CHECK_OK(rump_sys_rmdir("mnt/d"));
	CHECK_ERR(xstat("mnt/d", &st), RUMP_ENOENT);
}

TEST(mkdir_existing_is_eexist)
{
	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_ERR(rump_sys_mkdir("mnt/d", 0755), RUMP_EEXIST);
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_ERR(rump_sys_mkdir("mnt/f", 0755), RUMP_EEXIST);
}

TEST(rmdir_nonempty_is_enotempty)
{
	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_OK(t_write_file("mnt/d/f", "", 0));
	CHECK_ERR(rump_sys_rmdir("mnt/d"), RUMP_ENOTEMPTY);
	CHECK_OK(rump_sys_unlink("mnt/d/f"));
	CHECK_OK(rump_sys_rmdir("mnt/d"));
}

TEST(rmdir_file_is_enotdir)
{
	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_ERR(rump_sys_rmdir("mnt/f"), RUMP_ENOTDIR);
}

TEST(mkdir_under_file_is_enotdir)
{
	MOUNT();
	CHECK_OK(t_write_file("mnt/f", "", 0));
	CHECK_ERR(rump_sys_mkdir("mnt/f/d", 0755), RUMP_ENOTDIR);
	CHECK_ERR(t_write_file("mnt/f/g", "", 0), RUMP_ENOTDIR);
}

TEST(unlink_directory_is_eperm)
{
	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_ERR(rump_sys_unlink("mnt/d"), RUMP_EPERM);
}

TEST(rmdir_dot_is_einval)
{
	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_ERR(rump_sys_rmdir("mnt/d/."), RUMP_EINVAL);
}

TEST(directory_link_counts)
{
	struct rump_stat st;

	MOUNT();
	CHECK_OK(xstat("mnt", &st));
	CHECK_EQ(st.st_nlink, 2);
	CHECK_OK(rump_sys_mkdir("mnt/a", 0755));
	CHECK_OK(xstat("mnt", &st));
	CHECK_EQ(st.st_nlink, 3);
	CHECK_OK(rump_sys_mkdir("mnt/a/b", 0755));
	CHECK_OK(rump_sys_mkdir("mnt/a/c", 0755));
	CHECK_OK(t_write_file("mnt/a/file", "", 0));
	CHECK_OK(xstat("mnt/a", &st));
	CHECK_EQ(st.st_nlink, 4);
	CHECK_OK(rump_sys_rmdir("mnt/a/b"));
	CHECK_OK(xstat("mnt/a", &st));
	CHECK_EQ(st.st_nlink, 3);
}

TEST(dot_and_dotdot_lookup)
{
	struct rump_stat root, d, sub, dd;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_OK(rump_sys_mkdir("mnt/d/sub", 0755));
	CHECK_OK(xstat("mnt", &root));
	CHECK_OK(xstat("mnt/d", &d));
	CHECK_OK(xstat("mnt/d/sub", &sub));
	CHECK_OK(xstat("mnt/d/sub/..", &dd));
	CHECK_EQ(dd.st_ino, d.st_ino);
	CHECK_OK(xstat("mnt/d/sub/../..", &dd));
	CHECK_EQ(dd.st_ino, root.st_ino);
	CHECK_OK(xstat("mnt/d/./sub/.", &dd));
	CHECK_EQ(dd.st_ino, sub.st_ino);
	CHECK_OK(xstat("mnt/d/sub/../../..", &dd));	/* out of the mount */
	CHECK(dd.st_dev != root.st_dev);
}

TEST(create_in_removed_directory_is_enoent)
{
	int dfd;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_OK(dfd = rump_sys_open("mnt/d", RUMP_O_RDONLY, 0));
	CHECK_OK(rump_sys_rmdir("mnt/d"));
	CHECK_ERR(rump_sys_openat(dfd, "x", RUMP_O_WRONLY | RUMP_O_CREAT,
	    0644), RUMP_ENOENT);
	CHECK_ERR(rump_sys_mkdirat(dfd, "y", 0755), RUMP_ENOENT);
	CHECK_OK(rump_sys_close(dfd));
}

TEST(removed_directory_lists_nothing)
{
	uint64_t buf[64];
	long n, off;
	int dfd, count = 0;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_OK(dfd = rump_sys_open("mnt/d", RUMP_O_RDONLY, 0));
	CHECK_OK(rump_sys_rmdir("mnt/d"));
	while ((n = rump_sys_getdents(dfd, (char *)buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += rec(buf, off)->d_reclen) {
			const struct drec *d = rec(buf, off);

			CHECK(strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0);
			count++;
		}
	CHECK_EQ(n, 0);
	CHECK(count <= 2);
	CHECK_OK(rump_sys_close(dfd));
}

TEST(name_of_511_bytes_ok_512_too_long)
{
	char path[600];
	struct rump_stat st;

	MOUNT();
	strcpy(path, "mnt/");
	memset(path + 4, 'n', 511);
	path[4 + 511] = '\0';
	CHECK_OK(t_write_file(path, "x", 1));
	CHECK_OK(xstat(path, &st));
	CHECK_EQ(st.st_size, 1);
	memset(path + 4, 'm', 512);
	path[4 + 512] = '\0';
	CHECK_ERR(rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT, 0644),
	    RUMP_ENAMETOOLONG);
	CHECK_ERR(rump_sys_mkdir(path, 0755), RUMP_ENAMETOOLONG);
}

TEST(many_entries_lookup)
{
	char name[64];
	struct rump_stat st;
	int i;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "mnt/d/entry-%d", i);
		CHECK_OK(t_write_file(name, "", 0));
	}
	for (i = 0; i < 3000; i += 3) {
		snprintf(name, sizeof(name), "mnt/d/entry-%d", i);
		CHECK_OK(rump_sys_unlink(name));
	}
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "mnt/d/entry-%d", i);
		if (i % 3 == 0)
			CHECK_ERR(xstat(name, &st), RUMP_ENOENT);
		else
			CHECK_OK(xstat(name, &st));
	}
	CHECK_EQ(list_dir("mnt/d", 4096, NULL, NULL), 2000 + 2);
}

TEST(directory_size_grows_with_entries)
{
	struct rump_stat a, b;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_OK(xstat("mnt/d", &a));
	CHECK_OK(t_write_file("mnt/d/x", "", 0));
	CHECK_OK(t_write_file("mnt/d/y", "", 0));
	CHECK_OK(xstat("mnt/d", &b));
	CHECK(b.st_size > a.st_size);
}

struct seen {
	int	dot, dotdot, f, d, l, p, c;
	uint64_t dot_ino, dotdot_ino, f_ino;
	int	bad;
};

static void
note_entry(const struct drec *d, void *arg)
{
	struct seen *s = arg;

	if (d->d_reclen != RUMP_DIRENT_RECLEN(d->d_namlen) ||
	    strlen(d->d_name) != d->d_namlen)
		s->bad++;
	if (strcmp(d->d_name, ".") == 0) {
		s->dot += d->d_type == RUMP_DT_DIR;
		s->dot_ino = d->d_fileno;
	} else if (strcmp(d->d_name, "..") == 0) {
		s->dotdot += d->d_type == RUMP_DT_DIR;
		s->dotdot_ino = d->d_fileno;
	} else if (strcmp(d->d_name, "file") == 0) {
		s->f += d->d_type == RUMP_DT_REG;
		s->f_ino = d->d_fileno;
	} else if (strcmp(d->d_name, "subdir") == 0)
		s->d += d->d_type == RUMP_DT_DIR;
	else if (strcmp(d->d_name, "link") == 0)
		s->l += d->d_type == RUMP_DT_LNK;
	else if (strcmp(d->d_name, "fifo") == 0)
		s->p += d->d_type == RUMP_DT_FIFO;
	else if (strcmp(d->d_name, "chr") == 0)
		s->c += d->d_type == RUMP_DT_CHR;
	else
		s->bad++;
}

TEST(getdents_records_types_and_names)
{
	struct seen s;
	struct rump_stat st, dir, parent;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_OK(t_write_file("mnt/d/file", "abc", 3));
	CHECK_OK(rump_sys_mkdir("mnt/d/subdir", 0755));
	CHECK_OK(rump_sys_symlink("file", "mnt/d/link"));
	CHECK_OK(rump_sys_mkfifo("mnt/d/fifo", 0644));
	CHECK_OK(rump_sys_mknod("mnt/d/chr", RUMP_S_IFCHR | 0600,
	    RUMP_MAKEDEV(2, 0)));
	memset(&s, 0, sizeof(s));
	CHECK_EQ(list_dir("mnt/d", 4096, note_entry, &s), 7);
	CHECK_EQ(s.bad, 0);
	CHECK(s.dot == 1 && s.dotdot == 1 && s.f == 1 && s.d == 1 &&
	    s.l == 1 && s.p == 1 && s.c == 1);
	CHECK_OK(xstat("mnt/d", &dir));
	CHECK_OK(xstat("mnt", &parent));
	CHECK_OK(xlstat("mnt/d/file", &st));
	CHECK_EQ(s.dot_ino, dir.st_ino);
	CHECK_EQ(s.dotdot_ino, parent.st_ino);
	CHECK_EQ(s.f_ino, st.st_ino);
}

TEST(getdents_dot_entries_come_first)
{
	uint64_t buf[512];
	long n;
	int fd;

	MOUNT();
	CHECK_OK(t_write_file("mnt/a", "", 0));
	CHECK_OK(fd = rump_sys_open("mnt", RUMP_O_RDONLY, 0));
	CHECK((n = rump_sys_getdents(fd, (char *)buf, sizeof(buf))) > 0);
	CHECK_STR(rec(buf, 0)->d_name, ".");
	CHECK_EQ(rec(buf, 0)->d_reclen, 16);
	CHECK_STR(rec(buf, 16)->d_name, "..");
	CHECK_EQ(rec(buf, 16)->d_reclen, 16);
	CHECK_STR(rec(buf, 32)->d_name, "a");
	CHECK_EQ(n, 48);
	CHECK_EQ(rump_sys_getdents(fd, (char *)buf, sizeof(buf)), 0);
	CHECK_OK(rump_sys_close(fd));
}

TEST(getdents_root_dotdot_is_root)
{
	uint64_t buf[64];
	struct rump_stat root;
	int fd;

	MOUNT();
	CHECK_OK(xstat("mnt", &root));
	CHECK_OK(fd = rump_sys_open("mnt", RUMP_O_RDONLY, 0));
	CHECK(rump_sys_getdents(fd, (char *)buf, sizeof(buf)) >= 32);
	CHECK_STR(rec(buf, 16)->d_name, "..");
	CHECK_EQ(rec(buf, 16)->d_fileno, root.st_ino);
	CHECK_OK(rump_sys_close(fd));
}

TEST(getdents_tiny_buffer_is_einval)
{
	char buf[12];
	int fd;

	MOUNT();
	CHECK_OK(fd = rump_sys_open("mnt", RUMP_O_RDONLY, 0));
	CHECK_ERR(rump_sys_getdents(fd, buf, sizeof(buf)), RUMP_EINVAL);
	CHECK_OK(rump_sys_close(fd));
}

TEST(getdents_buffer_too_small_for_long_name)
{
	uint64_t buf[8];	/* 64 bytes: "." and ".." fit, the name not */
	char name[80];
	int fd;

	MOUNT();
	memset(name, 0, sizeof(name));
	strcpy(name, "mnt/");
	memset(name + 4, 'L', 60);
	CHECK_OK(t_write_file(name, "", 0));
	CHECK_OK(fd = rump_sys_open("mnt", RUMP_O_RDONLY, 0));
	CHECK_EQ(rump_sys_getdents(fd, (char *)buf, sizeof(buf)), 32);
	CHECK_ERR(rump_sys_getdents(fd, (char *)buf, sizeof(buf)),
	    RUMP_EINVAL);
	CHECK_OK(rump_sys_close(fd));
}

TEST(getdents_one_record_at_a_time)
{
	uint64_t buf[4];	/* 32 bytes: one record of a short name */
	char name[32];
	int fd, i, records = 0;
	long n;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "mnt/d/%d", i);
		CHECK_OK(t_write_file(name, "", 0));
	}
	CHECK_OK(fd = rump_sys_open("mnt/d", RUMP_O_RDONLY, 0));
	while ((n = rump_sys_getdents(fd, (char *)buf, 24)) > 0) {
		CHECK(n <= 24);
		records++;
	}
	CHECK_EQ(n, 0);
	CHECK_EQ(records, 52);
	CHECK_OK(rump_sys_close(fd));
}

TEST(getdents_rewind)
{
	MOUNT();
	CHECK_OK(t_write_file("mnt/x", "", 0));
	CHECK_EQ(list_dir("mnt", 64, NULL, NULL), 3);
	CHECK_EQ(list_dir("mnt", 64, NULL, NULL), 3);
}

TEST(getdents_seek_to_saved_offset)
{
	uint64_t buf[128], again[128];
	char name[32];
	off_t pos;
	long n1, n2;
	int fd, i;

	MOUNT();
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "mnt/n%d", i);
		CHECK_OK(t_write_file(name, "", 0));
	}
	CHECK_OK(fd = rump_sys_open("mnt", RUMP_O_RDONLY, 0));
	CHECK(rump_sys_getdents(fd, (char *)buf, 200) > 0);
	CHECK_OK(pos = rump_sys_lseek(fd, 0, RUMP_SEEK_CUR));
	CHECK((n1 = rump_sys_getdents(fd, (char *)buf, sizeof(buf))) > 0);
	CHECK_EQ(rump_sys_lseek(fd, pos, RUMP_SEEK_SET), pos);
	CHECK((n2 = rump_sys_getdents(fd, (char *)again, sizeof(again))) > 0);
	CHECK_EQ(n1, n2);
	CHECK(memcmp(buf, again, (size_t)n1) == 0);
	CHECK_OK(rump_sys_close(fd));
}

#define NFILES	1000

/*
 * The stable-cookie promise: list a directory in small chunks while
 * entries before and after the read position are deleted between
 * calls.  Every entry that survives is seen exactly once; none that
 * was deleted before the reader got to it shows up.
 */
TEST(getdents_stable_cookies_under_deletion)
{
	static int seen[NFILES];
	static bool gone[NFILES];
	uint64_t buf[64];	/* 512 bytes: about 20 records */
	char name[64];
	unsigned k = 0;
	long n, off;
	int fd, i, calls = 0, extra = 0;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	for (i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "mnt/d/f%04d", i);
		CHECK_OK(t_write_file(name, "", 0));
	}
	memset(seen, 0, sizeof(seen));
	memset(gone, 0, sizeof(gone));
	CHECK_OK(fd = rump_sys_open("mnt/d", RUMP_O_RDONLY, 0));
	while ((n = rump_sys_getdents(fd, (char *)buf, sizeof(buf))) > 0) {
		calls++;
		for (off = 0; off < n; off += rec(buf, off)->d_reclen) {
			const struct drec *d = rec(buf, off);

			if (d->d_name[0] == '.')
				continue;
			i = atoi(d->d_name + 1);
			if (d->d_name[0] != 'f' || i < 0 || i >= NFILES) {
				extra++;
				continue;
			}
			if (gone[i])
				extra++;
			seen[i]++;
		}
		/* Delete 7 entries spread over the whole directory. */
		for (i = 0; i < 7; i++) {
			int victim = (int)((k++ * 373u) % NFILES);

			if (gone[victim])
				continue;
			snprintf(name, sizeof(name), "mnt/d/f%04d", victim);
			CHECK_OK(rump_sys_unlink(name));
			gone[victim] = true;
		}
	}
	CHECK_EQ(n, 0);
	CHECK(calls > 20);
	CHECK_EQ(extra, 0);
	for (i = 0; i < NFILES; i++) {
		if (!gone[i] && seen[i] != 1) {
			t_fail(__FILE__, __LINE__, "f%04d seen %d times", i,
			    seen[i]);
			break;
		}
		if (gone[i] && seen[i] > 1) {
			t_fail(__FILE__, __LINE__, "deleted f%04d seen %d times",
			    i, seen[i]);
			break;
		}
	}
	CHECK_OK(rump_sys_close(fd));
}

/* Entries added while listing: old ones once, new ones at most once. */
TEST(getdents_stable_cookies_under_insertion)
{
	static int seen[2 * 300];
	uint64_t buf[32];
	char name[64];
	long n, off;
	int fd, i, next = 300;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "mnt/d/g%d", i);
		CHECK_OK(t_write_file(name, "", 0));
	}
	memset(seen, 0, sizeof(seen));
	CHECK_OK(fd = rump_sys_open("mnt/d", RUMP_O_RDONLY, 0));
	while ((n = rump_sys_getdents(fd, (char *)buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += rec(buf, off)->d_reclen) {
			const struct drec *d = rec(buf, off);

			if (d->d_name[0] == 'g')
				seen[atoi(d->d_name + 1)]++;
		}
		if (next < 600) {
			snprintf(name, sizeof(name), "mnt/d/g%d", next++);
			CHECK_OK(t_write_file(name, "", 0));
		}
	}
	for (i = 0; i < 300; i++)
		CHECK_EQ(seen[i], 1);
	for (i = 300; i < next; i++)
		CHECK(seen[i] <= 1);
	CHECK_OK(rump_sys_close(fd));
}

/* Renaming within a directory mid-listing never shows an entry twice
 * under one name. */
TEST(getdents_after_rename_no_duplicates)
{
	static int seen[200];
	uint64_t buf[32];
	char from[64], to[64];
	long n, off;
	int fd, i, round = 0;

	MOUNT();
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	for (i = 0; i < 200; i++) {
		snprintf(from, sizeof(from), "mnt/d/a%d", i);
		CHECK_OK(t_write_file(from, "", 0));
	}
	memset(seen, 0, sizeof(seen));
	CHECK_OK(fd = rump_sys_open("mnt/d", RUMP_O_RDONLY, 0));
	while ((n = rump_sys_getdents(fd, (char *)buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += rec(buf, off)->d_reclen) {
			const struct drec *d = rec(buf, off);

			if (d->d_name[0] == 'a')
				seen[atoi(d->d_name + 1)]++;
		}
		/* Rename one of the entries not read yet. */
		i = 199 - round++;
		if (i > 100) {
			snprintf(from, sizeof(from), "mnt/d/a%d", i);
			snprintf(to, sizeof(to), "mnt/d/b%d", i);
			CHECK_OK(rump_sys_rename(from, to));
		}
	}
	for (i = 0; i < 200; i++)
		CHECK(seen[i] <= 1);
	CHECK_OK(rump_sys_close(fd));
}
