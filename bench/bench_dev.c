/*
 * bench_dev: disk I/O through the rump kernel's devices against the
 * host's own pread/pwrite on the same host file, as ratios.
 *
 *   /dev/bdisk   the block device: through the buffer cache (bio.c)
 *   /dev/rbdisk  the raw device beside it: straight to the driver
 *   host         pread/pwrite on the host file
 *
 * The file is registered with rump_pub_etfs_register(RUMP_ETFS_BLK).
 * Each target runs, on the same file:
 *   seq write    the whole file in 64 KiB writes, then fsync
 *   seq read     the whole file in 64 KiB reads (device reopened, so
 *                the cache starts empty)
 *   rand read    BENCH_DEV_OPS 4 KiB preads at random aligned offsets
 *   rand write   as many 4 KiB pwrites, then fsync
 * A ratio of 2.0 means the rump kernel takes twice as long.
 *
 * BENCH_DEV_MB sets the file size (default 256), BENCH_DEV_OPS the
 * random operations (default 20000), BENCH_DEV_DIR where the file
 * goes (default /dev/shm if it exists, else $TMPDIR or /tmp: a
 * memory-backed file measures the kernels, not the disk).
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>
#include <rump/rump_types.h>

#define CHUNK	(64 * 1024)
#define SMALL	4096

/* One way to reach the file: the host's calls or the rump kernel's. */
struct target {
	const char *name;
	int	(*open)(const char *path, int flags);
	ssize_t	(*pread)(int fd, void *buf, size_t n, off_t off);
	ssize_t	(*pwrite)(int fd, const void *buf, size_t n, off_t off);
	int	(*fsync)(int fd);
	int	(*close)(int fd);
	const char *path;
};

static int
host_open(const char *path, int flags)
{
	return open(path, flags == RUMP_O_RDWR ? O_RDWR : O_RDONLY);
}

static int
rump_open(const char *path, int flags)
{
	return rump_sys_open(path, flags, 0);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die(const char *what, const char *path)
{
	fprintf(stderr, "bench_dev: %s %s: error %d\n", what, path, errno);
	exit(1);
}

struct result {
	double seqw, seqr, randr, randw;	/* seconds */
};

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static double
seq_write(const struct target *t, off_t size, char *buf)
{
	double t0 = now();
	int fd;

	if ((fd = t->open(t->path, RUMP_O_RDWR)) == -1)
		die("open", t->path);
	for (off_t off = 0; off < size; off += CHUNK) {
		memset(buf, (int)(off / CHUNK), 16);
		if (t->pwrite(fd, buf, CHUNK, off) != CHUNK)
			die("pwrite", t->path);
	}
	if (t->fsync(fd) != 0)
		die("fsync", t->path);
	t->close(fd);
	return now() - t0;
}

static double
seq_read(const struct target *t, off_t size, char *buf)
{
	double t0 = now();
	int fd;

	if ((fd = t->open(t->path, RUMP_O_RDONLY)) == -1)
		die("open", t->path);
	for (off_t off = 0; off < size; off += CHUNK)
		if (t->pread(fd, buf, CHUNK, off) != CHUNK)
			die("pread", t->path);
	t->close(fd);
	return now() - t0;
}

static double
rand_io(const struct target *t, off_t size, long ops, bool writing,
    char *buf)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	double t0 = now();
	int fd;

	if ((fd = t->open(t->path, RUMP_O_RDWR)) == -1)
		die("open", t->path);
	for (long i = 0; i < ops; i++) {
		off_t off = (off_t)(rnd(&seed) % (uint64_t)(size / SMALL)) *
		    SMALL;

		if ((writing ? t->pwrite(fd, buf, SMALL, off) :
		    t->pread(fd, buf, SMALL, off)) != SMALL)
			die(writing ? "pwrite" : "pread", t->path);
	}
	if (writing && t->fsync(fd) != 0)
		die("fsync", t->path);
	t->close(fd);
	return now() - t0;
}

static struct result
run(const struct target *t, off_t size, long ops, char *buf)
{
	struct result r;

	r.seqw = seq_write(t, size, buf);
	r.seqr = seq_read(t, size, buf);
	r.randr = rand_io(t, size, ops, false, buf);
	r.randw = rand_io(t, size, ops, true, buf);
	return r;
}

static void
report(const char *name, const struct result *r, const struct result *h,
    off_t size, long ops)
{
	double mb = (double)size / (1024 * 1024);

	printf("%-12s seq write %7.0f MB/s (%.2f)  seq read %7.0f MB/s "
	    "(%.2f)  4k rand read %6.1f us (%.2f)  4k rand write %6.1f us "
	    "(%.2f)\n", name,
	    mb / r->seqw, r->seqw / h->seqw, mb / r->seqr, r->seqr / h->seqr,
	    r->randr / ops * 1e6, r->randr / h->randr,
	    r->randw / ops * 1e6, r->randw / h->randw);
}

static const char *
bench_dir(void)
{
	struct stat st;
	const char *d = getenv("BENCH_DEV_DIR");

	if (d != NULL)
		return d;
	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode))
		return "/dev/shm";
	return getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
}

int
main(void)
{
	char path[1024];
	off_t size = 256LL * 1024 * 1024;
	long ops = 20000;
	struct target host = { "host", host_open, pread, pwrite, fsync, close,
	    path };
	struct target blk = { "/dev/bdisk", rump_open, rump_sys_pread,
	    rump_sys_pwrite, rump_sys_fsync, rump_sys_close, "/dev/bdisk" };
	struct target raw = { "/dev/rbdisk", rump_open, rump_sys_pread,
	    rump_sys_pwrite, rump_sys_fsync, rump_sys_close, "/dev/rbdisk" };
	struct result h, r;
	static char buf[CHUNK];
	int fd, error;

	if (getenv("BENCH_DEV_MB") != NULL)
		size = atoll(getenv("BENCH_DEV_MB")) * 1024 * 1024;
	if (getenv("BENCH_DEV_OPS") != NULL)
		ops = atol(getenv("BENCH_DEV_OPS"));
	if (size < CHUNK || ops < 1) {
		fprintf(stderr, "bench_dev: BENCH_DEV_MB and BENCH_DEV_OPS "
		    "must be positive\n");
		return 1;
	}
	size -= size % CHUNK;
	snprintf(path, sizeof(path), "%s/bench_dev.XXXXXX", bench_dir());
	if ((fd = mkstemp(path)) == -1 || ftruncate(fd, size) == -1)
		die("create", path);
	close(fd);
	memset(buf, 'b', sizeof(buf));

	if (rump_init() != 0) {
		fprintf(stderr, "bench_dev: rump_init failed\n");
		unlink(path);
		return 1;
	}
	error = rump_pub_etfs_register("/dev/bdisk", path, RUMP_ETFS_BLK);
	if (error != 0) {
		printf("bench_dev: skipped: etfs cannot map a host file as a "
		    "block device here (error %d)\n", error);
		unlink(path);
		return 0;
	}
	printf("bench_dev: %lld MiB file in %s, %ld random 4 KiB ops; "
	    "(ratio to host)\n", (long long)(size >> 20), bench_dir(), ops);
	h = run(&host, size, ops, buf);
	report("host", &h, &h, size, ops);
	r = run(&blk, size, ops, buf);
	report(blk.name, &r, &h, size, ops);
	if (rump_sys_access("/dev/rbdisk", RUMP_F_OK) == 0) {
		r = run(&raw, size, ops, buf);
		report(raw.name, &r, &h, size, ops);
	} else
		printf("%-12s skipped: no raw device beside the block "
		    "device\n", raw.name);
	rump_pub_etfs_remove("/dev/bdisk");
	unlink(path);
	return 0;
}
