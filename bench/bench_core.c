/*
 * bench_core: the in-process system call path and tmpfs metadata
 * speed, each as a ratio against the host measured in the same run.
 *
 *   getpid      rump_sys_getpid() vs the host's getpid()
 *   tmpfs meta  create+stat+unlink of N files on a rump tmpfs vs the
 *               same on the host's /dev/shm (a Linux tmpfs)
 *
 * A ratio of 3.0 means the rump kernel takes three times as long.
 * BENCH_FILES sets N (default 100000).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>
#include <rump/rump_types.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
bench_getpid_host(long n)
{
	double t = now();

	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);	/* glibc does not cache, but be sure */
	return now() - t;
}

static double
bench_getpid_rump(long n)
{
	double t = now();

	for (long i = 0; i < n; i++)
		rump_sys_getpid();
	return now() - t;
}

static double
meta_host(const char *dir, long n)
{
	char path[256];
	struct stat st;
	double t = now();

	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		int fd = open(path, O_CREAT | O_WRONLY, 0644);
		if (fd == -1) {
			perror(path);
			exit(1);
		}
		close(fd);
	}
	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		stat(path, &st);
	}
	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		unlink(path);
	}
	return now() - t;
}

static double
meta_rump(const char *dir, long n)
{
	char path[256];
	struct rump_stat st;
	double t = now();

	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		int fd = rump_sys_open(path, RUMP_O_CREAT | RUMP_O_WRONLY, 0644);
		if (fd == -1) {
			fprintf(stderr, "rump open %s: %d\n", path, errno);
			exit(1);
		}
		rump_sys_close(fd);
	}
	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		rump_sys_stat(path, (struct stat *)&st);
	}
	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		rump_sys_unlink(path);
	}
	return now() - t;
}

int
main(void)
{
	struct rump_tmpfs_args ta = { .ta_version = 1, .ta_root_mode = 0777 };
	long n = 2000000, files = 100000;
	char hostdir[] = "/dev/shm/rumpbenchXXXXXX";
	double h, r;

	if (getenv("BENCH_FILES"))
		files = atol(getenv("BENCH_FILES"));
	if (rump_init() != 0 || rump_sys_mkdir("/mnt", 0777) == -1 ||
	    rump_sys_mount(RUMP_MOUNT_TMPFS, "/mnt", 0, &ta, sizeof(ta)) == -1) {
		fprintf(stderr, "bench_core: cannot set up the rump kernel\n");
		return 1;
	}
	h = bench_getpid_host(n);
	r = bench_getpid_rump(n);
	printf("getpid: host %.0f ns/call, rump %.0f ns/call, ratio %.2f\n",
	    h / n * 1e9, r / n * 1e9, r / h);

	if (mkdtemp(hostdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	h = meta_host(hostdir, files);
	rmdir(hostdir);
	r = meta_rump("/mnt", files);
	printf("tmpfs create+stat+unlink x%ld: host %.3f s, rump %.3f s, "
	    "ratio %.2f\n", files, h, r, r / h);
	return 0;
}
