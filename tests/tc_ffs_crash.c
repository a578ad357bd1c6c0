/*
 * tc_ffs_crash.c: FFS crash safety through a real server (issue 5):
 *
 *   - what was written before a successful fsync survives SIGKILL of
 *     the server; the killed image is marked not clean, the checker
 *     reads it through, rump.fsck_ffs -y repairs it (exit 0, fs_clean
 *     1 after) and a second -n check finds nothing; when everything was fsynced before the kill,
 *     the checker finds nothing wrong and the tree equals a mirror kept
 *     on the host (randomized operations, several rounds);
 *   - a halt (rump.halt) leaves the image clean (fs_clean bit 0, read
 *     from the image bytes) and the checker finds nothing;
 *   - under -r 16m a copy of a file many times that size completes and
 *     the server's peak memory grows by no more than the limit plus a
 *     small fixed overhead.
 *
 * Independent expectations: the bytes are a pattern computed here; the
 * clean flag is read from the image file at the offsets of ffs.md
 * (superblock at 65536 or 8192, fs_clean at 0xd1, fs_magic at 0x55c);
 * images are made by Debian's makefs.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

#include "tc_util.h"

#define MAKEFS		"/usr/sbin/makefs"
#define MIB		(1024 * 1024)

static uint8_t
pat(uint64_t i, int seed)
{
	return (uint8_t)((i * 131 + (i >> 11) + (uint64_t)seed * 7) % 251);
}

/* A fresh directory with an empty image of mb MiB, UFS version v. */
static int
make_image(char *dir, size_t dlen, char *img, size_t ilen, int v, int mb)
{
	char cmd[512], empty[128];

	snprintf(dir, dlen, "/tmp/tc_ffs_crash.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(empty, sizeof(empty), "%s/empty", dir);
	snprintf(img, ilen, "%s/ffs.img", dir);
	mkdir(empty, 0755);
	/* -f: room for 2000 more files (makefs sizes inodes to the tree) */
	snprintf(cmd, sizeof(cmd), MAKEFS " -t ffs -o version=%d -s %dm "
	    "-f 2000 '%s' '%s' >/dev/null 2>&1", v, mb, img, empty);
	return system(cmd) == 0 ? 0 : -1;
}

static void
remove_dir(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("  cannot remove %s\n", dir);
}

/* fs_clean of the image (-1 if no superblock of version v is found
 * at either place the spec's search tries first: 8192, 65536). */
static int
image_clean_byte(const char *img, int v)
{
	static const off_t where[] = { 65536, 8192 };
	uint8_t b[1376];
	uint32_t magic;
	int fd = open(img, O_RDONLY), clean = -1;

	for (int i = 0; fd != -1 && i < 2 && clean == -1; i++) {
		if (pread(fd, b, sizeof(b), where[i]) != (ssize_t)sizeof(b))
			continue;
		memcpy(&magic, b + 0x55c, 4);
		if (magic == (v == 1 ? 0x00011954u : 0x19540119u))
			clean = b[0xd1];
	}
	if (fd != -1)
		close(fd);
	return clean;
}

static int
start_on(struct tc_srv *s, const char *dir, const char *img,
    const char *mem)
{
	char drive[200];

	snprintf(drive, sizeof(drive), "key=/dev/ffs0,hostpath=%s,size=host",
	    img);
	if (mem != NULL)
		return tc_srv_start(s, dir, "rump_allserver", "-r", mem, "-d",
		    drive, (char *)NULL);
	return tc_srv_start(s, dir, "rump_allserver", "-d", drive,
	    (char *)NULL);
}

static int
mount_ffs(int flags)
{
	struct rump_ufs_args ua = { .fspec = "/dev/ffs0" };

	if (rump_sys_mkdir("/mnt", 0755) == -1 && errno != RUMP_EEXIST)
		return -1;
	return rump_sys_mount(RUMP_MOUNT_FFS, "/mnt", flags, &ua, sizeof(ua));
}

/* Write len pattern bytes (seed) to path in chunks of up to 1 MiB. */
static int
write_pattern(const char *path, uint64_t len, int seed, bool sync)
{
	static uint8_t buf[MIB];
	int fd = rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT |
	    RUMP_O_TRUNC, 0644);

	NEED(fd != -1);
	for (uint64_t off = 0; off < len; off += MIB) {
		size_t n = len - off < MIB ? (size_t)(len - off) : MIB;
		for (size_t i = 0; i < n; i++)
			buf[i] = pat(off + i, seed);
		NEED(rump_sys_write(fd, buf, n) == (ssize_t)n);
	}
	if (sync)
		NEED(rump_sys_fsync(fd) == 0);
	NEED(rump_sys_close(fd) == 0);
	return 0;
}

static int
check_pattern(const char *path, uint64_t len, int seed)
{
	static uint8_t buf[MIB];
	struct stat st;		/* NetBSD's stat is 152 bytes: use a pad */
	uint8_t stbuf[256];
	int fd;

	(void)st;
	NEED(rump_sys_stat(path, (struct stat *)stbuf) == 0);
	NEED(((struct rump_stat *)stbuf)->st_size == (int64_t)len);
	NEED((fd = rump_sys_open(path, RUMP_O_RDONLY)) != -1);
	for (uint64_t off = 0; off < len; off += MIB) {
		size_t n = len - off < MIB ? (size_t)(len - off) : MIB;
		NEED(rump_sys_read(fd, buf, n) == (ssize_t)n);
		for (size_t i = 0; i < n; i++)
			if (buf[i] != pat(off + i, seed)) {
				printf("  %s: byte %llu differs\n", path,
				    (unsigned long long)(off + i));
				return __LINE__;
			}
	}
	NEED(rump_sys_close(fd) == 0);
	return 0;
}

/* --- fsynced data survives SIGKILL ------------------------------------- */

/* Before the kill: fsynced files and directories, and unsynced ones. */
static int
crash_write(void *arg)
{
	int fd;

	(void)arg;
	NEED(mount_ffs(0) == 0);
	NEED(rump_sys_mkdir("/mnt/d", 0755) == 0);
	NEED(write_pattern("/mnt/d/big", 5 * MIB + 4321, 1, true) == 0);
	NEED(write_pattern("/mnt/d/small", 1000, 2, true) == 0);
	NEED(rump_sys_symlink("small", "/mnt/d/link") == 0);
	NEED((fd = rump_sys_open("/mnt/d", RUMP_O_RDONLY)) != -1);
	NEED(rump_sys_fsync(fd) == 0);
	NEED(rump_sys_close(fd) == 0);
	NEED((fd = rump_sys_open("/mnt", RUMP_O_RDONLY)) != -1);
	NEED(rump_sys_fsync(fd) == 0);
	NEED(rump_sys_close(fd) == 0);
	/* Not synced: may or may not survive, but must not hurt. */
	NEED(write_pattern("/mnt/d/unsynced", 3 * MIB, 3, false) == 0);
	NEED(rump_sys_mkdir("/mnt/e", 0755) == 0);
	NEED(write_pattern("/mnt/e/f", 70000, 4, false) == 0);
	return 0;
}

/* After the kill, in a new server: the synced part reads back. */
static int
crash_read(void *arg)
{
	char buf[16];

	(void)arg;
	NEED(mount_ffs(RUMP_MNT_RDONLY) == 0);
	NEED(check_pattern("/mnt/d/big", 5 * MIB + 4321, 1) == 0);
	NEED(check_pattern("/mnt/d/small", 1000, 2) == 0);
	NEED(rump_sys_readlink("/mnt/d/link", buf, sizeof(buf)) == 5);
	NEED(memcmp(buf, "small", 5) == 0);
	NEED(rump_sys_unmount("/mnt", 0) == 0);
	return 0;
}

static void
kill_keeps_fsynced(int v)
{
	char dir[64], img[96], log[128];
	struct tc_srv s = { 0 };
	int st;

	if (make_image(dir, sizeof(dir), img, sizeof(img), v, 64) != 0) {
		t_fail(__FILE__, __LINE__, "makefs failed");
		return;
	}
	snprintf(log, sizeof(log), "%s/fsck.log", dir);
	CHECK_EQ(image_clean_byte(img, v), 1);
	CHECK_EQ(start_on(&s, dir, img, NULL), 0);
	CHECK_EQ(tc_client_run(&s, crash_write, NULL), 0);
	tc_srv_kill(&s, SIGKILL);
	/* Killed while mounted read-write: not clean (ffs.md 5.1). */
	CHECK_EQ(image_clean_byte(img, v) & 1, 0);
	/* The checker reads it through (0: consistent, 2: problems it
	 * names; 8 would be an unusable file system); -y repairs what
	 * the kill left (exit 0) and marks it clean, and a second check
	 * finds nothing. */
	st = tc_tool(log, "rump.fsck_ffs", "-n", img, (char *)NULL);
	CHECK(st == 0 || st == 2);
	CHECK_EQ(tc_tool(log, "rump.fsck_ffs", "-y", img, (char *)NULL), 0);
	CHECK_EQ(tc_tool(log, "rump.fsck_ffs", "-n", img, (char *)NULL), 0);
	CHECK_EQ(image_clean_byte(img, v) & 1, 1);
	CHECK_EQ(start_on(&s, dir, img, NULL), 0);
	CHECK_EQ(tc_client_run(&s, crash_read, NULL), 0);
	tc_srv_kill(&s, SIGTERM);
	if (t_failed())
		printf("  kept in %s\n", dir);
	else
		remove_dir(dir);
}

TEST(kill_keeps_fsynced_ufs1) { kill_keeps_fsynced(1); }
TEST(kill_keeps_fsynced_ufs2) { kill_keeps_fsynced(2); }

/* --- a halt leaves the image clean -------------------------------------- */

static int
halt_write(void *arg)
{
	(void)arg;
	NEED(mount_ffs(0) == 0);
	NEED(rump_sys_mkdir("/mnt/x", 0700) == 0);
	NEED(write_pattern("/mnt/x/f", 300000, 5, false) == 0);
	return 0;
}

static int
halt_read(void *arg)
{
	(void)arg;
	NEED(mount_ffs(RUMP_MNT_RDONLY) == 0);
	NEED(check_pattern("/mnt/x/f", 300000, 5) == 0);
	return 0;
}

TEST(halt_marks_clean)
{
	char dir[64], img[96], log[128];
	struct tc_srv s = { 0 };
	int st;

	if (make_image(dir, sizeof(dir), img, sizeof(img), 2, 32) != 0) {
		t_fail(__FILE__, __LINE__, "makefs failed");
		return;
	}
	snprintf(log, sizeof(log), "%s/tool.log", dir);
	CHECK_EQ(start_on(&s, dir, img, NULL), 0);
	CHECK_EQ(tc_client_run(&s, halt_write, NULL), 0);
	setenv("RUMP_SERVER", s.url, 1);
	CHECK_EQ(tc_tool(log, "rump.halt", (char *)NULL), 0);
	unsetenv("RUMP_SERVER");
	st = tc_srv_wait(&s, 20000);
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	tc_srv_kill(&s, SIGKILL);
	CHECK_EQ(image_clean_byte(img, 2), 1);
	CHECK_EQ(tc_tool(log, "rump.fsck_ffs", "-n", img, (char *)NULL), 0);
	CHECK_EQ(start_on(&s, dir, img, NULL), 0);
	CHECK_EQ(tc_client_run(&s, halt_read, NULL), 0);
	tc_srv_kill(&s, SIGTERM);
	if (!t_failed())
		remove_dir(dir);
}

/* --- a big copy under -r 16m ------------------------------------------- */

#define BIG	(160ull * MIB)

static int
big_copy(void *arg)
{
	static uint8_t buf[MIB];
	int in, out;
	ssize_t n;

	(void)arg;
	NEED(mount_ffs(0) == 0);
	NEED(write_pattern("/mnt/a", BIG, 6, true) == 0);
	NEED((in = rump_sys_open("/mnt/a", RUMP_O_RDONLY)) != -1);
	NEED((out = rump_sys_open("/mnt/b", RUMP_O_WRONLY | RUMP_O_CREAT,
	    0644)) != -1);
	while ((n = rump_sys_read(in, buf, sizeof(buf))) > 0)
		NEED(rump_sys_write(out, buf, (size_t)n) == n);
	NEED(n == 0);
	NEED(rump_sys_fsync(out) == 0);
	NEED(rump_sys_close(in) == 0 && rump_sys_close(out) == 0);
	NEED(check_pattern("/mnt/b", BIG, 6) == 0);
	NEED(rump_sys_unmount("/mnt", 0) == 0);
	return 0;
}

static int
noop(void *arg)
{
	(void)arg;
	NEED(mount_ffs(0) == 0);
	NEED(rump_sys_unmount("/mnt", 0) == 0);
	return 0;
}

/* VmRSS or VmHWM of pid in KiB (-1 if unreadable). */
static long
proc_kib(pid_t pid, const char *field)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, strlen(field)) == 0)
			v = atol(line + strlen(field) + 1);
	fclose(f);
	return v;
}

TEST(memlimit_big_copy)
{
	char dir[64], img[96];
	struct tc_srv s = { 0 };
	long base, peak;

	if (make_image(dir, sizeof(dir), img, sizeof(img), 2, 400) != 0) {
		t_fail(__FILE__, __LINE__, "makefs failed");
		return;
	}
	CHECK_EQ(start_on(&s, dir, img, "16m"), 0);
	CHECK_EQ(tc_client_run(&s, noop, NULL), 0);
	base = proc_kib(s.pid, "VmRSS");
	CHECK_EQ(tc_client_run(&s, big_copy, NULL), 0);
	peak = proc_kib(s.pid, "VmHWM");
	printf("  server RSS after mount %ld KiB, peak %ld KiB after "
	    "writing and copying %llu MiB under -r 16m\n", base, peak,
	    BIG / MIB);
	/* The limit, plus 16 MiB for host threads, stacks and malloc.
	 * Not under the sanitizers: quarantine and shadow memory. */
	CHECK(base > 0 && peak > 0);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
	CHECK(peak - base <= 32 * 1024);
#endif
	tc_srv_kill(&s, SIGTERM);
	if (!t_failed())
		remove_dir(dir);
}

/* --- random operations, everything fsynced, then a kill ------------------ */

/*
 * A child runs seeded random operations on /mnt/r and, identically,
 * on a host directory (the mirror), then fsyncs every file and
 * directory in the tree and returns; the server is then killed.
 * After the checker's repair, another child compares the tree with
 * the mirror: names, types, permissions, sizes, link counts, bytes
 * and symlink targets must all be equal.  Rounds repeat on the same
 * image, each starting from the last round's repaired state.
 */
#define RNAMES	12
#define RDIRS	3

struct rnd_ctx {
	const char *mirror;	/* host directory */
	uint64_t seed;
	int	nops;
};

static uint64_t
rnd_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A random path below the tree: "" (top), or "dN/" then a name. */
static void
rnd_path(uint64_t *s, char *buf, size_t len, bool dir_only)
{
	int d = (int)(rnd_next(s) % (RDIRS + 1));
	int n = (int)(rnd_next(s) % RNAMES);

	if (dir_only)
		snprintf(buf, len, "d%d", (int)(rnd_next(s) % RDIRS));
	else if (d == RDIRS)
		snprintf(buf, len, "n%d", n);
	else
		snprintf(buf, len, "d%d/n%d", d, n);
}

static void
both(char *rp, char *hp, size_t len, const char *root, const char *mirror,
    const char *rel)
{
	snprintf(rp, len, "%s/%s", root, rel);
	snprintf(hp, len, "%s/%s", mirror, rel);
}

/* One operation on both sides; the results must agree. */
/* Are two host paths links of one file? */
static bool
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return lstat(a, &sa) == 0 && lstat(b, &sb) == 0 &&
	    sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

/* The two results of one call must agree (both fail or both not). */
#define AGREE(r, h) do {						\
	if (((r) == -1) != ((h) == -1)) {				\
		printf("  op %d on %s, %s: rump %d (errno %d), host %d "\
		    "(errno %d)\n", op, a, b, (int)(r), rerr, (int)(h),	\
		    herr);						\
		return __LINE__;					\
	}								\
} while (0)
#define RCALL(x) (errno = 0, rv = (x), rerr = errno, rv)
#define HCALL(x) (errno = 0, hv = (x), herr = errno, hv)

static int
rnd_op(struct rnd_ctx *c, uint64_t *s)
{
	int rv, hv, rerr, herr;
	static uint8_t buf[200000];
	char a[64], b[64], ra[160], ha[160], rb[160], hb[160];
	int op = (int)(rnd_next(s) % 9), rfd, hfd, rr, hr;
	size_t len = (size_t)(rnd_next(s) % sizeof(buf));
	off_t off = (off_t)(rnd_next(s) % (3 * 1024 * 1024));

	rnd_path(s, a, sizeof(a), false);
	rnd_path(s, b, sizeof(b), false);
	both(ra, ha, sizeof(ra), "/mnt/r", c->mirror, a);
	both(rb, hb, sizeof(rb), "/mnt/r", c->mirror, b);
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(rnd_next(s) >> 24);
	errno = 0;
	switch (op) {
	case 0: case 1: case 2:		/* write somewhere */
		rfd = RCALL(rump_sys_open(ra, RUMP_O_WRONLY | RUMP_O_CREAT,
		    0644));
		hfd = HCALL(open(ha, O_WRONLY | O_CREAT, 0644));
		AGREE(rfd, hfd);
		if (rfd == -1)
			return 0;
		if (op == 2)
			off = (off_t)(rnd_next(s) % 70000);
		NEED(rump_sys_pwrite(rfd, buf, len, off) == (ssize_t)len);
		NEED(pwrite(hfd, buf, len, off) == (ssize_t)len);
		rump_sys_close(rfd);
		close(hfd);
		return 0;
	case 3:				/* truncate */
		rr = RCALL(rump_sys_truncate(ra, off / 3));
		hr = HCALL(truncate(ha, off / 3));
		AGREE(rr, hr);
		return 0;
	case 4:				/* rename */
		rr = RCALL(rump_sys_rename(ra, rb));
		/* NetBSD's rename(2) is BSD's: two links of one file lose
		 * the source name (POSIX's __posix_rename keeps both). */
		if (same_file(ha, hb) && strcmp(ha, hb) != 0)
			hr = HCALL(unlink(ha));
		else
			hr = HCALL(rename(ha, hb));
		AGREE(rr, hr);
		return 0;
	case 5:				/* unlink */
		rr = RCALL(rump_sys_unlink(ra));
		hr = HCALL(unlink(ha));
		AGREE(rr, hr);
		return 0;
	case 6:				/* link */
		rr = RCALL(rump_sys_link(ra, rb));
		/* NetBSD's link(2) follows a symlink (AT_SYMLINK_FOLLOW). */
		hr = HCALL(linkat(AT_FDCWD, ha, AT_FDCWD, hb,
		    AT_SYMLINK_FOLLOW));
		AGREE(rr, hr);
		return 0;
	case 7:				/* symlink, short or long */
		memset(a, 'x', sizeof(a));
		len = (size_t)(rnd_next(s) % 2 ? 10 : 60);
		snprintf(ra, sizeof(ra), "target-%.*s", (int)len, a);
		rr = RCALL(rump_sys_symlink(ra, rb));
		hr = HCALL(symlink(ra, hb));
		AGREE(rr, hr);
		return 0;
	default:			/* a subdirectory comes and goes */
		rnd_path(s, a, sizeof(a), true);
		both(ra, ha, sizeof(ra), "/mnt/r", c->mirror, a);
		strcat(ra, "/sub");
		strcat(ha, "/sub");
		rr = RCALL(rump_sys_mkdir(ra, 0750));
		hr = HCALL(mkdir(ha, 0750));
		AGREE(rr, hr);
		if (rnd_next(s) % 2) {
			rr = RCALL(rump_sys_rmdir(ra));
			hr = HCALL(rmdir(ha));
			AGREE(rr, hr);
		}
		return 0;
	}
}

/* fsync every file and directory below path (rump side). */
static int
fsync_tree(const char *path)
{
	char dbuf[8192];	/* not static: the function recurses */
	char p[1024];
	struct rump_stat st;
	int fd, n;

	NEED((fd = rump_sys_open(path, RUMP_O_RDONLY)) != -1);
	while ((n = (int)rump_sys_getdents(fd, dbuf, sizeof(dbuf))) > 0) {
		for (int o = 0; o < n;) {
			struct rump_dirent *d = (struct rump_dirent *)(dbuf + o);
			o += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof(p), "%s/%s", path, d->d_name);
			NEED(rump_sys_lstat(p, (struct stat *)&st) == 0);
			if ((st.st_mode & 0170000) == 0040000) {
				NEED(fsync_tree(p) == 0);
			} else if ((st.st_mode & 0170000) == 0100000) {
				int f = rump_sys_open(p, RUMP_O_RDONLY);
				NEED(f != -1);
				NEED(rump_sys_fsync(f) == 0);
				rump_sys_close(f);
			}
		}
	}
	NEED(n == 0);
	NEED(rump_sys_fsync(fd) == 0);
	rump_sys_close(fd);
	return 0;
}

static int
rnd_round(void *arg)
{
	struct rnd_ctx *c = arg;
	uint64_t s = c->seed;
	char p[200];

	NEED(mount_ffs(0) == 0);
	if (rump_sys_mkdir("/mnt/r", 0755) == 0) {
		for (int d = 0; d < RDIRS; d++) {
			snprintf(p, sizeof(p), "/mnt/r/d%d", d);
			NEED(rump_sys_mkdir(p, 0755) == 0);
			snprintf(p, sizeof(p), "%s/d%d", c->mirror, d);
			NEED(mkdir(p, 0755) == 0);
		}
	}
	for (int i = 0; i < c->nops; i++)
		if (rnd_op(c, &s) != 0) {
			printf("  seed %llu, op %d\n",
			    (unsigned long long)c->seed, i);
			return __LINE__;
		}
	NEED(fsync_tree("/mnt/r") == 0);
	NEED(fsync_tree("/mnt") == 0);
	return 0;
}

/* Compare the rump tree at rp with the host tree at hp. */
static int
compare_tree(const char *rp, const char *hp)
{
	char dbuf[8192];	/* not static: the function recurses */
	static uint8_t rb[65536], hb[65536];
	char r2[1024], h2[1024], rl[256], hl[256];
	struct rump_stat rs;
	struct stat hs;
	int fd, n, count = 0, hcount = 0;
	DIR *dir;
	struct dirent *de;

	NEED((fd = rump_sys_open(rp, RUMP_O_RDONLY)) != -1);
	while ((n = (int)rump_sys_getdents(fd, dbuf, sizeof(dbuf))) > 0) {
		for (int o = 0; o < n;) {
			struct rump_dirent *d = (struct rump_dirent *)(dbuf + o);
			o += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			count++;
			snprintf(r2, sizeof(r2), "%s/%s", rp, d->d_name);
			snprintf(h2, sizeof(h2), "%s/%s", hp, d->d_name);
			NEED(rump_sys_lstat(r2, (struct stat *)&rs) == 0);
			if (lstat(h2, &hs) != 0) {
				printf("  %s: only in the image\n", r2);
				return __LINE__;
			}
			/* Symlinks' permissions: NetBSD applies the umask,
			 * Linux always says 0777. */
			if (rs.st_mode != hs.st_mode && !(S_ISLNK(hs.st_mode) &&
			    (rs.st_mode & 0170000) == 0120000))
				printf("  %s: mode %o, mirror %o\n", r2,
				    rs.st_mode, hs.st_mode);
			NEED(S_ISLNK(hs.st_mode) ?
			    (rs.st_mode & 0170000) == 0120000 :
			    rs.st_mode == hs.st_mode);
			NEED(rs.st_nlink == hs.st_nlink);
			if (S_ISDIR(hs.st_mode)) {
				NEED(compare_tree(r2, h2) == 0);
				continue;
			}
			NEED(rs.st_size == hs.st_size);
			if (S_ISLNK(hs.st_mode)) {
				ssize_t a = rump_sys_readlink(r2, rl, sizeof(rl));
				ssize_t b = readlink(h2, hl, sizeof(hl));
				NEED(a == b && a > 0 && memcmp(rl, hl, a) == 0);
				continue;
			}
			int rf = rump_sys_open(r2, RUMP_O_RDONLY);
			int hf = open(h2, O_RDONLY);
			NEED(rf != -1 && hf != -1);
			for (off_t off = 0; off < hs.st_size;
			    off += sizeof(rb)) {
				ssize_t a = rump_sys_pread(rf, rb, sizeof(rb), off);
				ssize_t b = pread(hf, hb, sizeof(hb), off);
				NEED(a == b && memcmp(rb, hb, (size_t)a) == 0);
			}
			rump_sys_close(rf);
			close(hf);
		}
	}
	NEED(n == 0);
	rump_sys_close(fd);
	NEED((dir = opendir(hp)) != NULL);
	while ((de = readdir(dir)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, ".."))
			hcount++;
	closedir(dir);
	if (count != hcount)
		printf("  %s: %d entries in the image, %d in the mirror\n",
		    rp, count, hcount);
	NEED(count == hcount);
	return 0;
}

static int
rnd_check(void *arg)
{
	struct rnd_ctx *c = arg;

	NEED(mount_ffs(RUMP_MNT_RDONLY) == 0);
	NEED(compare_tree("/mnt/r", c->mirror) == 0);
	NEED(rump_sys_unmount("/mnt", 0) == 0);
	return 0;
}

static void
random_ops_survive_kills(int v)
{
	char dir[64], img[96], log[128], mirror[128];
	struct tc_srv s = { 0 };
	struct rnd_ctx c;
	const char *e = getenv("TC_SEED");

	if (make_image(dir, sizeof(dir), img, sizeof(img), v, 64) != 0) {
		t_fail(__FILE__, __LINE__, "makefs failed");
		return;
	}
	snprintf(log, sizeof(log), "%s/fsck.log", dir);
	snprintf(mirror, sizeof(mirror), "%s/mirror", dir);
	mkdir(mirror, 0755);
	c.mirror = mirror;
	c.seed = e != NULL ? strtoull(e, NULL, 0) : (uint64_t)time(NULL);
	c.nops = 300;
	printf("  seed %llu (TC_SEED repeats it)\n",
	    (unsigned long long)c.seed);
	umask(022);
	for (int round = 0; round < 3 && !t_failed(); round++) {
		CHECK_EQ(start_on(&s, dir, img, NULL), 0);
		CHECK_EQ(tc_client_run(&s, rnd_round, &c), 0);
		tc_srv_kill(&s, SIGKILL);
		/* Everything was fsynced: nothing for the checker to find
		 * but the clean flag. */
		CHECK_EQ(tc_tool(log, "rump.fsck_ffs", "-n", img,
		    (char *)NULL), 0);
		CHECK_EQ(start_on(&s, dir, img, NULL), 0);
		CHECK_EQ(tc_client_run(&s, rnd_check, &c), 0);
		tc_srv_kill(&s, SIGTERM);
		c.seed = c.seed * 6364136223846793005ull + 1;
		if (c.seed == 0)
			c.seed = 1;
	}
	if (t_failed())
		printf("  kept in %s\n", dir);
	else
		remove_dir(dir);
}

TEST(random_ops_survive_kills_ufs1) { random_ops_survive_kills(1); }
TEST(random_ops_survive_kills_ufs2) { random_ops_survive_kills(2); }

/* --- a kill in the middle of unsynced work --------------------------------- */

/*
 * A client writes, renames and removes files without any fsync while
 * the server, short of memory (-r 16m) so that its buffer cache keeps
 * writing back, is killed at an arbitrary moment.  Whatever the image
 * holds then, the checker's repair must leave a consistent, clean file
 * system (-y exits 0, a second -n run finds nothing) that mounts
 * read-write and takes new files.
 */
static int
churn(void *arg)
{
	char a[64], b[64];

	(void)arg;
	NEED(mount_ffs(0) == 0);
	NEED(rump_sys_mkdir("/mnt/c", 0755) == 0 || errno == RUMP_EEXIST);
	for (int i = 0;; i++) {
		snprintf(a, sizeof(a), "/mnt/c/f%d", i % 97);
		snprintf(b, sizeof(b), "/mnt/c/g%d", i % 89);
		NEED(write_pattern(a, (uint64_t)(i % 13) * 9001 + 1, i, false)
		    == 0);
		if (i % 3 == 0)
			(void)rump_sys_rename(a, b);
		if (i % 5 == 0)
			(void)rump_sys_unlink(b);
		if (i % 7 == 0) {
			snprintf(a, sizeof(a), "/mnt/c/d%d", i % 11);
			if (rump_sys_mkdir(a, 0755) == -1)
				(void)rump_sys_rmdir(a);
		}
	}
	return 0;
}

static int
after_repair(void *arg)
{
	(void)arg;
	NEED(mount_ffs(0) == 0);
	NEED(write_pattern("/mnt/after", 300000, 9, true) == 0);
	NEED(check_pattern("/mnt/after", 300000, 9) == 0);
	NEED(rump_sys_unmount("/mnt", 0) == 0);
	return 0;
}

/* Copy the killed image to DIR/killed.N before repairing it. */
static void
keep_copy(const char *img, const char *dir, int n)
{
	char cmd[320];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/killed.%d'", img, dir, n);
	if (system(cmd) != 0)
		printf("  cannot copy %s\n", img);
}

static void
kill_mid_work(int v)
{
	char dir[64], img[96], log[128];
	struct tc_srv s = { 0 };
	pid_t child;

	if (make_image(dir, sizeof(dir), img, sizeof(img), v, 64) != 0) {
		t_fail(__FILE__, __LINE__, "makefs failed");
		return;
	}
	snprintf(log, sizeof(log), "%s/fsck.log", dir);
	for (int round = 0; round < 3 && !t_failed(); round++) {
		struct timespec t = { 0, 300000000 + round * 350000000 };

		CHECK_EQ(start_on(&s, dir, img, "16m"), 0);
		fflush(stdout);
		if ((child = fork()) == 0) {
			setenv("RUMP_SERVER", s.url, 1);
			if (rumpclient_init() == -1)
				_exit(255);
			_exit(churn(NULL) == 0 ? 0 : 1);
		}
		nanosleep(&t, NULL);
		tc_srv_kill(&s, SIGKILL);
		waitpid(child, NULL, 0);	/* its server is gone */
		keep_copy(img, dir, round);	/* evidence, if the repair fails */
		CHECK_EQ(tc_tool(log, "rump.fsck_ffs", "-y", img,
		    (char *)NULL), 0);
		CHECK_EQ(tc_tool(log, "rump.fsck_ffs", "-n", img,
		    (char *)NULL), 0);
		CHECK_EQ(image_clean_byte(img, v) & 1, 1);
		CHECK_EQ(start_on(&s, dir, img, NULL), 0);
		CHECK_EQ(tc_client_run(&s, after_repair, NULL), 0);
		tc_srv_kill(&s, SIGTERM);
	}
	if (t_failed())
		printf("  kept in %s\n", dir);
	else
		remove_dir(dir);
}

TEST(kill_mid_work_repairable_ufs1) { kill_mid_work(1); }
TEST(kill_mid_work_repairable_ufs2) { kill_mid_work(2); }
