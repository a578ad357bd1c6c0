/*
 * tc_ffs.c: FFS through a server, as the manual page's example uses
 * it: rump_allserver -d key=/dev/ffsimg,hostpath=<makefs image>, and a
 * librumpclient program that mounts it read-only and read-write.  The
 * ufs_args fspec pointer then lives in the client's memory, so the
 * server fetches the device path across the socket (copyinstr).  The
 * server runs with -r 16m: a copy of a file many times that size
 * completes, and the server's peak resident size grows by less than
 * the limit plus a fixed allowance.  The last test kills the server
 * with SIGKILL after an fsync: what was fsynced must be in the image,
 * which is left not clean.
 */
#include <stdbool.h>
#include <sys/stat.h>

#define TC_HARNESS_CLIENT	/* t_boot connects us to the server */
#include "tc_util.h"

#define MAKEFS	"/usr/sbin/makefs"

static char tmpdir[64] = "/tmp/tc_ffs.XXXXXX";
static char image[128];
static struct tc_srv srv;

static uint8_t
pat(size_t i)
{
	return (uint8_t)((i * 31 + (i >> 9)) % 253);
}

static int
make_image(void)
{
	char tree[128], p[200], cmd[512];
	size_t size = 300000;
	char *buf = malloc(size);
	int fd;

	snprintf(tree, sizeof(tree), "%s/tree", tmpdir);
	mkdir(tree, 0755);
	snprintf(p, sizeof(p), "%s/data", tree);
	for (size_t i = 0; i < size; i++)
		buf[i] = (char)pat(i);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd == -1 || write(fd, buf, size) != (ssize_t)size)
		return -1;
	close(fd);
	free(buf);
	snprintf(p, sizeof(p), "%s/sub", tree);
	mkdir(p, 0755);
	snprintf(image, sizeof(image), "%s/ffs.img", tmpdir);
	snprintf(cmd, sizeof(cmd), MAKEFS " -t ffs -s 100m -o version=2 '%s' "
	    "'%s' >/dev/null 2>&1", image, tree);
	return system(cmd) == 0 ? 0 : -1;
}

int
t_boot(void)
{
	char drive[300];
	int r;

	if ((r = tc_boot_mkdir(tmpdir, &srv)) != 0)
		return r;
	if (make_image() != 0) {
		fprintf(stderr, "tc_ffs: makefs failed\n");
		return 1;
	}
	snprintf(drive, sizeof(drive), "key=/dev/ffsimg,hostpath=%s,size=host",
	    image);
	return tc_boot_connect(&srv, tmpdir, "rump_allserver", "-r", "16m",
	    "-d", drive, NULL);
}

TEST(mount_and_read_remotely)
{
	struct rump_ufs_args args = { .fspec = (char *)"/dev/ffsimg" };
	struct rump_stat st;
	static char buf[300001];
	int fd;
	long n, total = 0;

	rump_sys_mkdir("/mnt_ffs", 0755);
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_FFS, "/mnt_ffs", RUMP_MNT_RDONLY,
	    &args, sizeof(args)));
	CHECK_ERR(rump_sys_open("/mnt_ffs/new", RUMP_O_CREAT | RUMP_O_WRONLY,
	    0644), RUMP_EROFS);
	CHECK_OK(rump_sys_stat("/mnt_ffs/data", (struct stat *)(void *)&st));
	CHECK_EQ(st.st_size, 300000);
	CHECK_OK(fd = rump_sys_open("/mnt_ffs/data", RUMP_O_RDONLY, 0));
	while ((n = rump_sys_read(fd, buf + total, sizeof(buf) - (size_t)total))
	    > 0)
		total += n;
	CHECK_EQ(total, 300000);
	for (long i = 0; i < total; i++)
		if ((uint8_t)buf[i] != pat((size_t)i)) {
			t_fail(__FILE__, __LINE__, "byte %ld differs", i);
			break;
		}
	rump_sys_close(fd);
	CHECK_OK(rump_sys_stat("/mnt_ffs/sub", (struct stat *)(void *)&st));
	CHECK_EQ(st.st_mode & RUMP_S_IFMT, RUMP_S_IFDIR);
	CHECK_OK(rump_sys_unmount("/mnt_ffs", 0));
}

/* The server's peak resident size, bytes. */
static long long
server_hwm(void)
{
	char path[64], line[256];
	long long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)srv.pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmHWM: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

/* Sanitizers keep freed memory (ASan's quarantine) or shadow it
 * (TSan): resident sizes say nothing under them. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RSS_CHECKED	0
#else
#define RSS_CHECKED	1
#endif

#define BIGFILE	(40 * 1024 * 1024)
#define CHUNK	(256 * 1024)

/* 40 MiB written, then copied by read and write, on a 16 MiB server. */
TEST(big_copy_on_a_16m_server)
{
	struct rump_ufs_args args = { .fspec = (char *)"/dev/ffsimg" };
	static char buf[CHUNK];
	long long before, after;
	int fd, out;
	bool ok = true;

	rump_sys_mkdir("/mnt_big", 0755);
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_FFS, "/mnt_big", 0, &args,
	    sizeof(args)));
	before = server_hwm();
	CHECK_OK(fd = rump_sys_open("/mnt_big/big", RUMP_O_CREAT |
	    RUMP_O_WRONLY, 0644));
	for (size_t off = 0; off < BIGFILE && ok; off += CHUNK) {
		for (size_t i = 0; i < CHUNK; i++)
			buf[i] = (char)pat(off + i);
		ok = rump_sys_write(fd, buf, CHUNK) == CHUNK;
	}
	rump_sys_close(fd);
	CHECK(ok);
	fd = rump_sys_open("/mnt_big/big", RUMP_O_RDONLY);
	out = rump_sys_open("/mnt_big/copy", RUMP_O_CREAT | RUMP_O_WRONLY,
	    0644);
	for (size_t off = 0; off < BIGFILE && ok; off += CHUNK)
		ok = rump_sys_read(fd, buf, CHUNK) == CHUNK &&
		    rump_sys_write(out, buf, CHUNK) == CHUNK;
	rump_sys_close(fd);
	rump_sys_close(out);
	CHECK(ok);
	after = server_hwm();
	printf("  server peak resident size %lld KiB, grew by %lld KiB\n",
	    after / 1024, (after - before) / 1024);
	if (RSS_CHECKED)
		CHECK(before > 0 && after - before < 16 * 1024 * 1024 +
		    8 * 1024 * 1024);
	/* the copy's last chunk reads back */
	fd = rump_sys_open("/mnt_big/copy", RUMP_O_RDONLY);
	CHECK_EQ(rump_sys_pread(fd, buf, CHUNK, BIGFILE - CHUNK), CHUNK);
	for (size_t i = 0; i < CHUNK && ok; i++)
		ok = (uint8_t)buf[i] == pat(BIGFILE - CHUNK + i);
	CHECK(ok);
	rump_sys_close(fd);
	CHECK_OK(rump_sys_unlink("/mnt_big/big"));
	CHECK_OK(rump_sys_unlink("/mnt_big/copy"));
	CHECK_OK(rump_sys_unmount("/mnt_big", 0));
}

/* Does the image hold every 4 KiB piece of buf? */
static bool
image_has(const char *buf, size_t len)
{
	int fd = open(image, O_RDONLY);
	struct stat s;
	char *all;
	bool ok = true;

	if (fd == -1 || fstat(fd, &s) != 0)
		return false;
	all = malloc((size_t)s.st_size);
	if (pread(fd, all, (size_t)s.st_size, 0) != s.st_size)
		ok = false;
	for (size_t off = 0; ok && off < len; off += 4096)
		ok = memmem(all, (size_t)s.st_size, buf + off,
		    len - off < 4096 ? len - off : 4096) != NULL;
	free(all);
	close(fd);
	return ok;
}

/* Must run last: it kills the server. */
TEST(write_fsync_then_server_killed)
{
	struct rump_ufs_args args = { .fspec = (char *)"/dev/ffsimg" };
	static char buf[200000], got[200001];
	unsigned char clean = 0;
	int fd, status;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(pat(i * 3) ^ 0x5a);
	memcpy(buf, "fsynced-before-the-kill", 23);
	rump_sys_mkdir("/mnt_rw", 0755);
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_FFS, "/mnt_rw", 0, &args,
	    sizeof(args)));
	CHECK_OK(rump_sys_mkdir("/mnt_rw/newdir", 0755));
	CHECK_OK(fd = rump_sys_open("/mnt_rw/newdir/new",
	    RUMP_O_CREAT | RUMP_O_RDWR, 0644));
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), (long)sizeof(buf));
	CHECK_EQ(rump_sys_pread(fd, got, sizeof(got), 0), (long)sizeof(buf));
	CHECK(memcmp(got, buf, sizeof(buf)) == 0);
	CHECK_OK(rump_sys_fsync(fd));
	kill(srv.pid, SIGKILL);
	CHECK_EQ(waitpid(srv.pid, &status, 0), srv.pid);
	srv.pid = 0;
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	CHECK(image_has(buf, sizeof(buf)));
	/* still marked "was clean", not clean: fsck must look at it */
	fd = open(image, O_RDONLY);
	CHECK(fd != -1 && pread(fd, &clean, 1, 8192 + 209) == 1);
	if (fd != -1)
		close(fd);
	CHECK_EQ(clean, 2);
}
