/*
 * t_vfs_util.h: helpers shared by the tests/t_vfs_*.c programs.
 *
 * BOTH(name) { ... d ... } defines two tests from one body: name_rumpfs
 * runs it in the test's own directory on the root file system (d is
 * "."), name_tmpfs on a fresh tmpfs mounted at "mnt" (d is "mnt"),
 * unmounted again afterwards.  P(d, "x") makes "d/x".
 */
#ifndef TESTS_T_VFS_UTIL_H
#define TESTS_T_VFS_UTIL_H

#include <stdbool.h>
#include <stdlib.h>

#include "t.h"

/* "dir/name" in one of 16 rotating buffers. */
static inline const char *
P(const char *dir, const char *name)
{
	static char bufs[16][1100];
	static int next;
	char *b = bufs[next++ & 15];

	snprintf(b, sizeof(bufs[0]), "%s/%s", dir, name);
	return b;
}

#define BOTH(name)							\
	static void name##_on(const char *d);				\
	TEST(name##_rumpfs) { name##_on("."); }				\
	TEST(name##_tmpfs)						\
	{								\
		if (t_mount_tmpfs("mnt") != 0) {			\
			t_fail(__FILE__, __LINE__, "tmpfs mount: %d",	\
			    errno);					\
			return;						\
		}							\
		name##_on("mnt");					\
		rump_sys_unmount("mnt", RUMP_MNT_FORCE);		\
	}								\
	static void name##_on(const char *d)

static inline struct rump_stat
t_stat(const char *path)
{
	struct rump_stat st;

	memset(&st, 0, sizeof(st));
	if (rump_sys_stat(path, (void *)&st) == -1)
		st.st_mode = 0;
	return st;
}

static inline struct rump_stat
t_lstat(const char *path)
{
	struct rump_stat st;

	memset(&st, 0, sizeof(st));
	if (rump_sys_lstat(path, (void *)&st) == -1)
		st.st_mode = 0;
	return st;
}

static inline struct rump_stat
t_fstat(int fd)
{
	struct rump_stat st;

	memset(&st, 0, sizeof(st));
	if (rump_sys_fstat(fd, (void *)&st) == -1)
		st.st_mode = 0;
	return st;
}

static inline bool
t_exists(const char *path)
{
	struct rump_stat st;

	return rump_sys_lstat(path, (void *)&st) == 0;
}

/* Create path holding the string s. */
static inline int
t_mkfile(const char *path, const char *s)
{
	return t_write_file(path, s, strlen(s));
}

/* A whole small file as a string ("" on error). */
static inline const char *
t_cat(const char *path)
{
	static char buf[4][256];
	static int next;
	char *b = buf[next++ & 3];
	long n = t_read_file(path, b, sizeof(buf[0]) - 1);

	b[n > 0 ? n : 0] = '\0';
	return b;
}

/* One getdents record, read field by field from a byte buffer. */
struct t_dent {
	uint64_t ino;
	uint16_t reclen, namlen;
	uint8_t	type;
	char	name[512];
};

static inline void
t_dent_at(const char *buf, size_t off, struct t_dent *d)
{
	memcpy(&d->ino, buf + off, 8);
	memcpy(&d->reclen, buf + off + 8, 2);
	memcpy(&d->namlen, buf + off + 10, 2);
	d->type = (uint8_t)buf[off + 12];
	memcpy(d->name, buf + off + 13, d->namlen < 511 ? d->namlen : 511);
	d->name[d->namlen < 511 ? d->namlen : 511] = '\0';
}

/* Is there an entry `name` of type `type` in directory dir? */
static inline bool
t_dir_has(const char *dir, const char *name, int type)
{
	char buf[4096];
	struct t_dent d;
	bool found = false;
	int fd, n, off;

	if ((fd = rump_sys_open(dir, RUMP_O_RDONLY | RUMP_O_DIRECTORY)) == -1)
		return false;
	while (!found && (n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += d.reclen) {
			t_dent_at(buf, (size_t)off, &d);
			if (d.reclen == 0)
				break;
			if (strcmp(d.name, name) == 0 && d.type == type)
				found = true;
		}
	rump_sys_close(fd);
	return found;
}

/* A string of n copies of c, in a buffer that lasts until the next call. */
static inline const char *
t_repeat(char c, size_t n)
{
	static char buf[2][2048];
	static int next;
	char *b = buf[next++ & 1];

	if (n >= sizeof(buf[0]))
		n = sizeof(buf[0]) - 1;
	memset(b, c, n);
	b[n] = '\0';
	return b;
}

#endif
