/*
 * t_ffs_mem: a kernel limited to 16 MiB (RUMP_MEMLIMIT, what
 * rump_server -r 16m sets) writes and copies a file many times that
 * size on FFS: both complete, the data reads back, and the process's
 * peak resident size grows by less than the limit plus a fixed
 * allowance (dirty buffers are written out, not kept).  The resident
 * size is not checked under the sanitizers (see RSS_CHECKED).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "t_ffs_util.h"

#define MNT	"/mnt"
#define KEY	"/dev/ffsmem"
#define FILESZ	(96 * 1024 * 1024)
#define CHUNK	(256 * 1024)
#define LIMIT	(16 * 1024 * 1024)
#define SLACK	(24 * 1024 * 1024)

/* Sanitizers keep freed memory (ASan's quarantine) or shadow it
 * (TSan): resident sizes say nothing under them. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RSS_CHECKED	0
#else
#define RSS_CHECKED	1
#endif

int
t_boot(void)
{
	setenv("RUMP_MEMLIMIT", "16m", 1);
	return rump_init();
}

/* Peak resident size of this process, bytes. */
static long long
vm_hwm(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long long kb = -1;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmHWM: %lld kB", &kb) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return kb * 1024;
}

static void
fill(char *buf, size_t off)
{
	for (size_t i = 0; i < CHUNK; i += 8) {
		uint64_t v = (off + i) * 0x9e3779b97f4a7c15ULL;

		memcpy(buf + i, &v, 8);
	}
}

TEST(big_copy_under_memlimit)
{
	char image[256], src[300];
	char *buf = malloc(CHUNK), *want = malloc(CHUNK);
	long long before, after;
	int fd, out;
	bool same = true;

	snprintf(image, sizeof(image), "%s/mem.img", ffs_tmpdir());
	snprintf(src, sizeof(src), "%s/mem.src", ffs_tmpdir());
	mkdir(src, 0755);
	if (ffs_makefs("-o version=2", "240m", image, src) != 0 ||
	    ffs_mount_flags(image, KEY, MNT, 0) != 0) {
		t_fail(__FILE__, __LINE__, "setup: %d", errno);
		return;
	}
	before = vm_hwm();
	fd = rump_sys_open(MNT "/big", RUMP_O_CREAT | RUMP_O_WRONLY, 0644);
	CHECK_OK(fd);
	for (size_t off = 0; off < FILESZ; off += CHUNK) {
		fill(buf, off);
		if (rump_sys_write(fd, buf, CHUNK) != CHUNK) {
			t_fail(__FILE__, __LINE__, "write at %zu: %d", off,
			    errno);
			break;
		}
	}
	rump_sys_close(fd);
	/* copy it, through the kernel */
	fd = rump_sys_open(MNT "/big", RUMP_O_RDONLY);
	out = rump_sys_open(MNT "/copy", RUMP_O_CREAT | RUMP_O_WRONLY, 0644);
	for (size_t off = 0; off < FILESZ; off += CHUNK) {
		if (rump_sys_read(fd, buf, CHUNK) != CHUNK ||
		    rump_sys_write(out, buf, CHUNK) != CHUNK) {
			t_fail(__FILE__, __LINE__, "copy at %zu: %d", off,
			    errno);
			break;
		}
	}
	rump_sys_close(fd);
	rump_sys_close(out);
	after = vm_hwm();
	printf("  peak resident size grew by %lld KiB (limit %d KiB)\n",
	    (after - before) / 1024, LIMIT / 1024);
	if (RSS_CHECKED)
		CHECK(after - before < LIMIT + SLACK);
	/* the copy reads back */
	fd = rump_sys_open(MNT "/copy", RUMP_O_RDONLY);
	for (size_t off = 0; off < FILESZ && same; off += CHUNK) {
		fill(want, off);
		same = rump_sys_read(fd, buf, CHUNK) == CHUNK &&
		    memcmp(buf, want, CHUNK) == 0;
	}
	CHECK(same);
	rump_sys_close(fd);
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(image), 0);
	unlink(image);
	free(buf);
	free(want);
}
