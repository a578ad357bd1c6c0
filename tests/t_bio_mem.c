/*
 * t_bio_mem: the buffer cache in a kernel with little memory
 * (RUMP_MEMLIMIT=8m).  Its size follows the limit (15%, as NetBSD's
 * BUFCACHE); streaming many times that through a block device keeps
 * kernel memory bounded; memory pressure from elsewhere (a tmpfs
 * file) takes clean buffers back; and a device that refuses writes
 * ends in EIO for the writer rather than in unbounded dirty data,
 * with nothing already accepted lost.
 */
#include "t_bio_util.h"

#define KB	1024LL
#define MB	(1024 * KB)
#define CHUNK	(64 * KB)
/* Kernel memory the cache may use beyond its cap: a buffer being
 * filled, a gathered transfer, headers. */
#define SLACK	(768 * KB)

static uint64_t cap;

static struct bio_stats
stats(void)
{
	struct bio_stats st;

	KDO(bio_getstats(&st));
	return st;
}

int
t_boot(void)
{
	int error;

	setenv("RUMP_MEMLIMIT", "8m", 1);
	if ((error = rump_init()) != 0)
		return error;
	if ((error = rd_attach()) != 0)
		return error;
	KDO(bio_setsyncdelay(3600 * T_NSEC));
	cap = stats().bs_cap;
	return 0;
}

TEST(cap_is_15_percent_of_the_memory_limit)
{
	CHECK_EQ(KCALL(kmem_limit()), 8 * MB);
	CHECK_EQ(cap, 8 * MB / 100 * 15);
}

/* Stream `total` bytes through the node; the most kernel memory and
 * cache bytes seen above the starting point. */
static void
stream(int fd, bool writing, long long total, unsigned seed,
    uint64_t *maxkmem, uint64_t *maxbytes)
{
	static char buf[CHUNK];
	uint64_t base = KCALL(kmem_inuse()), m;
	long long off;

	*maxkmem = *maxbytes = 0;
	for (off = 0; off < total; off += CHUNK) {
		if (writing) {
			pattern(buf, CHUNK, (uint64_t)off, seed);
			if (rump_sys_pwrite(fd, buf, CHUNK, off) != CHUNK)
				t_fail(__FILE__, __LINE__, "pwrite at %lld: %d",
				    off, errno);
		} else if (rump_sys_pread(fd, buf, CHUNK, off) != CHUNK)
			t_fail(__FILE__, __LINE__, "pread at %lld: %d", off,
			    errno);
		m = KCALL(kmem_inuse());
		if (m > base && m - base > *maxkmem)
			*maxkmem = m - base;
		if ((m = stats().bs_bytes) > *maxbytes)
			*maxbytes = m;
	}
}

TEST(streaming_writes_16_times_the_cache_stay_bounded)
{
	long long total = (long long)cap * 16;
	uint64_t maxkmem, maxbytes;
	int unit, fd;
	char want[4096];

	total -= total % CHUNK;
	unit = rd_make("d", (uint64_t)total, 512);
	CHECK((fd = rump_sys_open("d", RUMP_O_RDWR, 0)) != -1);
	stream(fd, true, total, 1, &maxkmem, &maxbytes);
	CHECK(maxbytes <= cap);
	CHECK(maxkmem <= cap + SLACK);
	CHECK_OK(rump_sys_fsync(fd));
	pattern(want, sizeof(want), (uint64_t)total - 4096, 1);
	CHECK(rd_has(unit, (uint64_t)total - 4096, want, sizeof(want)));
	pattern(want, sizeof(want), 0, 1);
	CHECK(rd_has(unit, 0, want, sizeof(want)));
	CHECK_OK(rump_sys_close(fd));
}

TEST(streaming_reads_16_times_the_cache_stay_bounded)
{
	long long total = (long long)cap * 16;
	uint64_t maxkmem, maxbytes;
	int unit, fd;

	total -= total % CHUNK;
	unit = rd_make("d", (uint64_t)total, 512);
	pattern(t_rd[unit].data, (size_t)total, 0, 2);
	CHECK((fd = rump_sys_open("d", RUMP_O_RDONLY, 0)) != -1);
	stream(fd, false, total, 2, &maxkmem, &maxbytes);
	CHECK(maxbytes <= cap);
	CHECK(maxkmem <= cap + SLACK);
	CHECK_OK(rump_sys_close(fd));
	CHECK_EQ(RD_GET(unit, rbytes) >= (uint64_t)total, 1);
}

TEST(random_writes_over_a_large_device_stay_bounded)
{
	char buf[4096];
	uint64_t base = KCALL(kmem_inuse()), m, worst = 0;
	int unit = rd_make("d", 64 * MB, 512), fd, i;

	(void)unit;
	CHECK((fd = rump_sys_open("d", RUMP_O_RDWR, 0)) != -1);
	for (i = 0; i < 3000; i++) {
		off_t off = (off_t)(((uint64_t)i * 2654435761u) % (64 * MB - 4096));

		pattern(buf, sizeof(buf), (uint64_t)off, 3);
		CHECK_EQ(rump_sys_pwrite(fd, buf, sizeof(buf), off), 4096);
		m = KCALL(kmem_inuse());
		if (m > base && m - base > worst)
			worst = m - base;
	}
	CHECK(worst <= cap + SLACK);
	CHECK(stats().bs_bytes <= cap);
	CHECK_OK(rump_sys_close(fd));
}

/* Write a tmpfs file of len bytes; the bytes written. */
static long long
tmpfs_fill(const char *path, long long len)
{
	static char chunk[CHUNK];
	long long done = 0;
	ssize_t n;
	int fd;

	memset(chunk, 't', sizeof(chunk));
	if ((fd = rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT, 0644)) ==
	    -1)
		return -1;
	while (done < len && (n = rump_sys_write(fd, chunk,
	    (size_t)MIN_U64(CHUNK, (uint64_t)(len - done)))) > 0)
		done += n;
	rump_sys_close(fd);
	return done;
}

TEST(memory_pressure_takes_clean_buffers_back)
{
	static char buf[CHUNK];
	long long off, want;
	int unit = rd_make("d", 2 * MB, 512), fd;
	uint64_t before;

	(void)unit;
	CHECK((fd = rump_sys_open("d", RUMP_O_RDONLY, 0)) != -1);
	for (off = 0; off < 2 * MB; off += CHUNK)
		CHECK_EQ(rump_sys_pread(fd, buf, CHUNK, off), CHUNK);
	before = stats().bs_bytes;
	CHECK(before >= cap / 2);
	/* more than is free, less what tmpfs leaves for everyone else
	 * (an eighth of the limit): half the cache must give way */
	CHECK_OK(t_mount_tmpfs("mnt"));
	want = (long long)(8 * MB - KCALL(kmem_inuse())) - MB +
	    (long long)before / 2;
	CHECK_EQ(tmpfs_fill("mnt/big", want), want);
	CHECK(stats().bs_bytes <= before / 2);
	CHECK_OK(rump_sys_unlink("mnt/big"));
	rump_sys_unmount("mnt", 0);
	/* and the device still reads right */
	CHECK_EQ(rump_sys_pread(fd, buf, CHUNK, 0), CHUNK);
	CHECK_OK(rump_sys_close(fd));
}

TEST(dirty_data_survives_memory_pressure)
{
	static char buf[CHUNK];
	long long off;
	int unit = rd_make("d", 1 * MB, 512), fd;

	CHECK((fd = rump_sys_open("d", RUMP_O_RDWR, 0)) != -1);
	for (off = 0; off < 1 * MB; off += CHUNK) {
		pattern(buf, CHUNK, (uint64_t)off, 4);
		CHECK_EQ(rump_sys_pwrite(fd, buf, CHUNK, off), CHUNK);
	}
	CHECK_OK(t_mount_tmpfs("mnt"));
	(void)tmpfs_fill("mnt/big", 8 * MB);	/* until ENOSPC */
	CHECK_OK(rump_sys_unlink("mnt/big"));
	rump_sys_unmount("mnt", 0);
	CHECK_OK(rump_sys_fsync(fd));
	for (off = 0; off < 1 * MB; off += CHUNK) {
		pattern(buf, CHUNK, (uint64_t)off, 4);
		CHECK(rd_has(unit, (uint64_t)off, buf, CHUNK));
	}
	CHECK_OK(rump_sys_close(fd));
}

TEST(a_device_refusing_writes_ends_in_eio_not_in_memory_growth)
{
	static char buf[CHUNK];
	long long off, total = (long long)cap * 8, accepted = 0;
	uint64_t base = KCALL(kmem_inuse()), m, worst = 0;
	int unit, fd, err = 0;

	total -= total % CHUNK;
	unit = rd_make("d", (uint64_t)total, 512);
	RD_SET(unit, fail_write, RUMP_EIO);
	CHECK((fd = rump_sys_open("d", RUMP_O_RDWR, 0)) != -1);
	for (off = 0; off < total; off += CHUNK) {
		pattern(buf, CHUNK, (uint64_t)off, 5);
		if (rump_sys_pwrite(fd, buf, CHUNK, off) != CHUNK) {
			err = errno;
			break;
		}
		accepted = off + CHUNK;
		m = KCALL(kmem_inuse());
		if (m > base && m - base > worst)
			worst = m - base;
	}
	CHECK_EQ(err, RUMP_EIO);
	CHECK(accepted > 0 && accepted < total);
	CHECK(worst <= cap + SLACK);
	/* nothing accepted is lost: once the device takes writes again,
	 * fsync delivers all of it */
	RD_SET(unit, fail_write, 0);
	CHECK_OK(rump_sys_fsync(fd));
	for (off = 0; off < accepted; off += CHUNK) {
		pattern(buf, CHUNK, (uint64_t)off, 5);
		CHECK(rd_has(unit, (uint64_t)off, buf, CHUNK));
	}
	CHECK_OK(rump_sys_close(fd));
}
