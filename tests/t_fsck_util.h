/*
 * t_fsck_util.h: helpers for the tests of rump.newfs and
 * rump.fsck_ffs: running the tools and capturing their output, and a
 * tiny little-endian FFS reader of the test's own (offsets from the
 * spec, not from tools/ffs) to find and damage superblock fields,
 * inodes and directory entries.
 */
#ifndef TESTS_T_FSCK_UTIL_H
#define TESTS_T_FSCK_UTIL_H

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

static char tool_out[65536];

/* bin/ beside tests/: the tools of this build. */
__attribute__((unused)) static const char *
tool_path(const char *name)
{
	static char path[PATH_MAX + 64];
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof(path), "%s/bin/%s", dirname(dirname(exe)), name);
	return path;
}

/* Run "tool args" (a shell command line); output into tool_out; the
 * exit status, or -1 if it did not exit (a crash). */
__attribute__((unused)) static int
run_tool(const char *tool, const char *args)
{
	char cmd[8192], outf[64];
	int st, fd;
	ssize_t n;

	snprintf(outf, sizeof(outf), "/tmp/t_fsck_out.%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "'%s' %s >%s 2>&1", tool_path(tool), args,
	    outf);
	st = system(cmd);
	tool_out[0] = '\0';
	if ((fd = open(outf, O_RDONLY)) != -1) {
		n = read(fd, tool_out, sizeof(tool_out) - 1);
		tool_out[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	unlink(outf);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

__attribute__((unused)) static bool
out_has(const char *s)
{
	return strstr(tool_out, s) != NULL;
}

/* --- a little-endian image, read and patched in place -------------------- */

struct img {
	int	fd;
	int64_t	sbloc;
	bool	ufs2;
	int32_t	fsize, bsize, frag, ipg, fpg, iblkno, inopb, ncg;
};

static uint64_t
img_get(const struct img *m, uint64_t off, int width)
{
	uint8_t b[8] = { 0 };
	uint64_t v = 0;

	if (pread(m->fd, b, (size_t)width, (off_t)off) != width)
		return 0;
	for (int i = width - 1; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

static void
img_put(const struct img *m, uint64_t off, int width, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < width; i++, v >>= 8)
		b[i] = (uint8_t)v;
	if (pwrite(m->fd, b, (size_t)width, (off_t)off) != width)
		t_fail(__FILE__, __LINE__, "patch at %llu",
		    (unsigned long long)off);
}

/* Superblock field at byte o. */
__attribute__((unused)) static int64_t
sb32(const struct img *m, int o)
{
	return (int32_t)img_get(m, (uint64_t)m->sbloc + (uint64_t)o, 4);
}

__attribute__((unused)) static int64_t
sb64(const struct img *m, int o)
{
	return (int64_t)img_get(m, (uint64_t)m->sbloc + (uint64_t)o, 8);
}

/* Open an image and find its superblock at 65536 or 8192. */
__attribute__((unused)) static int
img_open(struct img *m, const char *path)
{
	memset(m, 0, sizeof(*m));
	if ((m->fd = open(path, O_RDWR)) == -1)
		return -1;
	m->sbloc = img_get(m, 65536 + 1372, 4) == 0x19540119 ? 65536 : 8192;
	m->ufs2 = img_get(m, (uint64_t)m->sbloc + 1372, 4) == 0x19540119;
	if (!m->ufs2 && img_get(m, 8192 + 1372, 4) != 0x011954)
		return -1;
	m->iblkno = (int32_t)sb32(m, 16);
	m->ncg = (int32_t)sb32(m, 44);
	m->bsize = (int32_t)sb32(m, 48);
	m->fsize = (int32_t)sb32(m, 52);
	m->frag = (int32_t)sb32(m, 56);
	m->inopb = (int32_t)sb32(m, 120);
	m->ipg = (int32_t)sb32(m, 184);
	m->fpg = (int32_t)sb32(m, 188);
	return 0;
}

__attribute__((unused)) static void
img_close(struct img *m)
{
	close(m->fd);
}

/* Byte offset of inode ino (spec section 6). */
__attribute__((unused)) static uint64_t
ino_off(const struct img *m, uint64_t ino)
{
	uint64_t c = ino / (uint64_t)m->ipg, i = ino % (uint64_t)m->ipg;
	uint64_t frag = c * (uint64_t)m->fpg + (uint64_t)m->iblkno +
	    i / (uint64_t)m->inopb * (uint64_t)m->frag;

	return frag * (uint64_t)m->fsize + i % (uint64_t)m->inopb *
	    (m->ufs2 ? 256 : 128);
}

/* Offsets inside an inode. */
#define DI_MODE(m)	0
#define DI_NLINK(m)	2
#define DI_SIZE(m)	((m)->ufs2 ? 16 : 8)
#define DI_BLOCKS(m)	((m)->ufs2 ? 24 : 104)
#define DI_DB(m, i)	((m)->ufs2 ? 112 + 8 * (i) : 40 + 4 * (i))
#define PTRW(m)		((m)->ufs2 ? 8 : 4)

__attribute__((unused)) static int64_t
di_get(const struct img *m, uint64_t ino, int off, int width)
{
	return (int64_t)img_get(m, ino_off(m, ino) + (uint64_t)off, width);
}

__attribute__((unused)) static void
di_put(const struct img *m, uint64_t ino, int off, int width, uint64_t v)
{
	img_put(m, ino_off(m, ino) + (uint64_t)off, width, v);
}

/*
 * Find name in the root directory (its first block); returns the
 * inode number and the byte offset of the entry on the disk, or 0.
 */
__attribute__((unused)) static uint64_t
root_lookup(const struct img *m, const char *name, uint64_t *entry)
{
	uint64_t size = (uint64_t)di_get(m, 2, DI_SIZE(m), 8);
	uint64_t base = (uint64_t)di_get(m, 2, DI_DB(m, 0), PTRW(m)) *
	    (uint64_t)m->fsize;
	size_t nl = strlen(name);

	if (size > (uint64_t)m->bsize)
		size = (uint64_t)m->bsize;
	for (uint64_t off = 0; off < size;) {
		uint64_t ino = img_get(m, base + off, 4);
		uint64_t reclen = img_get(m, base + off + 4, 2);
		uint64_t namlen = img_get(m, base + off + 7, 1);
		char nm[256];

		if (reclen == 0)
			break;
		if (pread(m->fd, nm, namlen, (off_t)(base + off + 8)) !=
		    (ssize_t)namlen)
			break;
		if (ino != 0 && namlen == nl && memcmp(nm, name, nl) == 0) {
			if (entry != NULL)
				*entry = base + off;
			return ino;
		}
		off += reclen;
	}
	return 0;
}

#endif
