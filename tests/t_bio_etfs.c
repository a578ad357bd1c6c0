/*
 * t_bio_etfs: the buffer cache over real host files, through etfs
 * block devices (rump_pub_etfs_register(key, path, RUMP_ETFS_BLK)).
 * Where t_etfs_disk checks the driver, this checks the cache on top:
 * bytes of unaligned writes at the right host offsets, writes held
 * back until fsync, sync or the syncer, few and large host transfers
 * for sequential I/O (counted with rumpuser_fault_calls), kernel
 * memory bounded while streaming 16 times the cache through a host
 * file (RUMP_MEMLIMIT=16m), and host errors in the middle of a long
 * write-back losing nothing.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t_bio_util.h"
#include "rumpuser/rumpuser.h"

#define KB	1024LL
#define MB	(1024 * KB)

static char hostdir[64];
static uint64_t cap;

static const char *
H(const char *name)
{
	static char bufs[8][256];
	static int next;
	char *b = bufs[next++ & 7];

	snprintf(b, sizeof(bufs[0]), "%s/%s", hostdir, name);
	return b;
}

static void
rm_hostdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", hostdir);
	if (system(cmd) != 0)
		fprintf(stderr, "t_bio_etfs: cannot remove %s\n", hostdir);
}

int
t_boot(void)
{
	struct bio_stats st;
	int error;

	snprintf(hostdir, sizeof(hostdir), "/tmp/t_bio_etfs-XXXXXX");
	if (mkdtemp(hostdir) == NULL)
		return errno;
	atexit(rm_hostdir);
	setenv("RUMP_MEMLIMIT", "16m", 1);
	if ((error = rump_init()) != 0)
		return error;
	KDO(bio_setsyncdelay(3600 * T_NSEC));
	KDO(bio_getstats(&st));
	cap = st.bs_cap;
	return 0;
}

/* A host file of size bytes holding pattern seed; etfs key on it. */
static void
mkdisk(const char *key, const char *file, uint64_t size, unsigned seed,
    uint64_t begin, uint64_t len)
{
	static char buf[64 * KB];
	uint64_t off;
	int fd = open(H(file), O_RDWR | O_CREAT | O_TRUNC, 0644);

	for (off = 0; fd != -1 && off < size; off += sizeof(buf)) {
		size_t n = (size_t)MIN_U64(sizeof(buf), size - off);

		pattern(buf, n, off, seed);
		if (pwrite(fd, buf, n, (off_t)off) != (ssize_t)n)
			break;
	}
	if (fd == -1 || off < size)
		t_fail(__FILE__, __LINE__, "cannot make host file %s", file);
	if (fd != -1)
		close(fd);
	CHECK_EQ(rump_pub_etfs_register_withsize(key, H(file), RUMP_ETFS_BLK,
	    begin, len), 0);
}

/* Does the host file hold buf at off? */
static bool
host_has(const char *file, uint64_t off, const void *buf, size_t len)
{
	char *got = malloc(len);
	int fd = open(H(file), O_RDONLY);
	bool same;

	same = fd != -1 && got != NULL &&
	    pread(fd, got, len, (off_t)off) == (ssize_t)len &&
	    memcmp(got, buf, len) == 0;
	if (fd != -1)
		close(fd);
	free(got);
	return same;
}

static unsigned long
host_calls(enum rumpuser_call c)
{
	return rumpuser_fault_calls(c);
}

TEST(unaligned_writes_land_at_their_host_offsets_in_a_window)
{
	enum { SIZE = 256 * 1024, BEGIN = 3 * 4096 };
	static unsigned char model[SIZE + BEGIN + 8192], w[50000];
	static const off_t offs[] = { 0, 1, 511, 16383, 16385, 100000,
	    SIZE - 50000 };
	int fd;
	size_t i;

	mkdisk("/dev/bw", "bw", sizeof(model), 1, BEGIN, SIZE);
	pattern(model, sizeof(model), 0, 1);
	CHECK((fd = rump_sys_open("/dev/bw", RUMP_O_RDWR, 0)) != -1);
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		size_t n = 1 + (size_t)(i * 7919) % sizeof(w);

		if ((uint64_t)offs[i] + n > SIZE)
			n = SIZE - (size_t)offs[i];
		pattern(w, n, (uint64_t)i, 100 + (unsigned)i);
		memcpy(model + BEGIN + offs[i], w, n);
		CHECK_EQ(rump_sys_pwrite(fd, w, n, offs[i]), (ssize_t)n);
	}
	CHECK_OK(rump_sys_fsync(fd));
	/* the window holds the writes, the bytes around it are untouched */
	CHECK(host_has("bw", 0, model, sizeof(model)));
	CHECK_OK(rump_sys_close(fd));
	CHECK_EQ(rump_pub_etfs_remove("/dev/bw"), 0);
}

TEST(delayed_writes_stay_off_the_host_until_fsync)
{
	char w[4096], old[4096];
	int fd;

	mkdisk("/dev/bd", "bd", 1 * MB, 2, 0, RUMP_ETFS_SIZE_ENDOFF);
	pattern(old, sizeof(old), 8192, 2);
	memset(w, 'D', sizeof(w));
	CHECK((fd = rump_sys_open("/dev/bd", RUMP_O_RDWR, 0)) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 8192), 4096);
	CHECK(host_has("bd", 8192, old, sizeof(old)));
	CHECK_OK(rump_sys_fsync(fd));
	CHECK(host_has("bd", 8192, w, sizeof(w)));
	CHECK_OK(rump_sys_close(fd));
	CHECK_EQ(rump_pub_etfs_remove("/dev/bd"), 0);
}

TEST(sync_reaches_the_host_file)
{
	char w[1000];
	int fd;

	mkdisk("/dev/bs", "bs", 1 * MB, 3, 0, RUMP_ETFS_SIZE_ENDOFF);
	memset(w, 'S', sizeof(w));
	CHECK((fd = rump_sys_open("/dev/bs", RUMP_O_RDWR, 0)) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 777), 1000);
	rump_sys_sync();
	CHECK(host_has("bs", 777, w, sizeof(w)));
	CHECK_OK(rump_sys_close(fd));
	CHECK_EQ(rump_pub_etfs_remove("/dev/bs"), 0);
}

TEST(the_syncer_reaches_the_host_file)
{
	char w[4096];
	int fd, i;

	mkdisk("/dev/by", "by", 1 * MB, 4, 0, RUMP_ETFS_SIZE_ENDOFF);
	memset(w, 'Y', sizeof(w));
	KDO(bio_setsyncdelay(T_NSEC / 10));
	CHECK((fd = rump_sys_open("/dev/by", RUMP_O_RDWR, 0)) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 0), 4096);
	for (i = 0; i < 300 && !host_has("by", 0, w, sizeof(w)); i++)
		t_sleep_ms(10);
	CHECK(host_has("by", 0, w, sizeof(w)));
	KDO(bio_setsyncdelay(3600 * T_NSEC));
	CHECK_OK(rump_sys_close(fd));
	CHECK_EQ(rump_pub_etfs_remove("/dev/by"), 0);
}

TEST(sequential_reads_take_few_host_reads)
{
	static char r[8192], want[8192];
	unsigned long before;
	off_t off;
	int fd;

	mkdisk("/dev/br", "br", 4 * MB, 5, 0, RUMP_ETFS_SIZE_ENDOFF);
	CHECK((fd = rump_sys_open("/dev/br", RUMP_O_RDONLY, 0)) != -1);
	before = host_calls(RUMPUSER_PREAD);
	for (off = 0; off < 4 * MB; off += sizeof(r)) {
		CHECK_EQ(rump_sys_read(fd, r, sizeof(r)), (ssize_t)sizeof(r));
		if (off % (512 * KB) == 0) {
			pattern(want, sizeof(want), (uint64_t)off, 5);
			CHECK(memcmp(r, want, sizeof(r)) == 0);
		}
	}
	/* 256 blocks of 16 KiB; read ahead in runs of up to 256 KiB */
	CHECK(host_calls(RUMPUSER_PREAD) - before < 40);
	CHECK_OK(rump_sys_close(fd));
	CHECK_EQ(rump_pub_etfs_remove("/dev/br"), 0);
}

TEST(sequential_writes_take_few_host_writes)
{
	static char w[64 * KB];
	unsigned long before;
	off_t off;
	int fd;

	mkdisk("/dev/bq", "bq", 4 * MB, 6, 0, RUMP_ETFS_SIZE_ENDOFF);
	CHECK((fd = rump_sys_open("/dev/bq", RUMP_O_RDWR, 0)) != -1);
	before = host_calls(RUMPUSER_PWRITE);
	for (off = 0; off < 4 * MB; off += sizeof(w)) {
		pattern(w, sizeof(w), (uint64_t)off, 60);
		CHECK_EQ(rump_sys_write(fd, w, sizeof(w)), (ssize_t)sizeof(w));
	}
	CHECK_OK(rump_sys_fsync(fd));
	CHECK(host_calls(RUMPUSER_PWRITE) - before <= 40);
	pattern(w, sizeof(w), 4 * MB - sizeof(w), 60);
	CHECK(host_has("bq", 4 * MB - sizeof(w), w, sizeof(w)));
	CHECK_OK(rump_sys_close(fd));
	CHECK_EQ(rump_pub_etfs_remove("/dev/bq"), 0);
}

TEST(streaming_16_times_the_cache_through_a_host_file_stays_bounded)
{
	static char buf[64 * KB];
	uint64_t total = cap * 16, base, m, worst = 0, off;
	int fd;

	total -= total % sizeof(buf);
	mkdisk("/dev/bm", "bm", total, 7, 0, RUMP_ETFS_SIZE_ENDOFF);
	CHECK((fd = rump_sys_open("/dev/bm", RUMP_O_RDWR, 0)) != -1);
	base = KCALL(kmem_inuse());
	for (off = 0; off < total; off += sizeof(buf)) {
		pattern(buf, sizeof(buf), off, 70);
		CHECK_EQ(rump_sys_pwrite(fd, buf, sizeof(buf), (off_t)off),
		    (ssize_t)sizeof(buf));
		if ((m = KCALL(kmem_inuse())) > base && m - base > worst)
			worst = m - base;
	}
	CHECK_OK(rump_sys_fsync(fd));
	for (off = 0; off < total; off += sizeof(buf)) {
		CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), (off_t)off),
		    (ssize_t)sizeof(buf));
		if ((m = KCALL(kmem_inuse())) > base && m - base > worst)
			worst = m - base;
	}
	CHECK(worst <= cap + 768 * KB);
	for (off = 0; off < total; off += total / 8) {
		pattern(buf, sizeof(buf), off, 70);
		CHECK(host_has("bm", off, buf, sizeof(buf)));
	}
	CHECK_OK(rump_sys_close(fd));
	CHECK_EQ(rump_pub_etfs_remove("/dev/bm"), 0);
	unlink(H("bm"));
}

TEST(host_eio_in_the_middle_of_a_long_write_back_loses_nothing)
{
	static char buf[64 * KB];
	uint64_t total = 2 * MB, off;
	int fd;

	mkdisk("/dev/be", "be", total, 8, 0, RUMP_ETFS_SIZE_ENDOFF);
	CHECK((fd = rump_sys_open("/dev/be", RUMP_O_RDWR, 0)) != -1);
	for (off = 0; off < total; off += sizeof(buf)) {
		pattern(buf, sizeof(buf), off, 80);
		CHECK_EQ(rump_sys_pwrite(fd, buf, sizeof(buf), (off_t)off),
		    (ssize_t)sizeof(buf));
	}
	/* the third host write and every one after it fail */
	rumpuser_fault_set(RUMPUSER_PWRITE, 2, 1000000, RUMP_EIO);
	CHECK_ERR(rump_sys_fsync(fd), RUMP_EIO);
	rumpuser_fault_clear();
	CHECK_OK(rump_sys_fsync(fd));
	for (off = 0; off < total; off += sizeof(buf)) {
		pattern(buf, sizeof(buf), off, 80);
		CHECK(host_has("be", off, buf, sizeof(buf)));
	}
	CHECK_OK(rump_sys_close(fd));
	CHECK_EQ(rump_pub_etfs_remove("/dev/be"), 0);
}

TEST(host_enospc_at_fsync_is_enospc)
{
	char w[4096];
	int fd;

	mkdisk("/dev/bn", "bn", 1 * MB, 9, 0, RUMP_ETFS_SIZE_ENDOFF);
	memset(w, 'N', sizeof(w));
	CHECK((fd = rump_sys_open("/dev/bn", RUMP_O_RDWR, 0)) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 0), 4096);
	rumpuser_fault_set(RUMPUSER_PWRITE, 0, 1000000, RUMP_ENOSPC);
	CHECK_ERR(rump_sys_fsync(fd), RUMP_ENOSPC);
	rumpuser_fault_clear();
	CHECK_OK(rump_sys_close(fd));
	CHECK(host_has("bn", 0, w, sizeof(w)));
	CHECK_EQ(rump_pub_etfs_remove("/dev/bn"), 0);
}

TEST(host_read_error_is_eio_and_the_next_read_works)
{
	char r[16384], want[16384];
	int fd;

	mkdisk("/dev/bx", "bx", 1 * MB, 10, 0, RUMP_ETFS_SIZE_ENDOFF);
	CHECK((fd = rump_sys_open("/dev/bx", RUMP_O_RDONLY, 0)) != -1);
	rumpuser_fault_set(RUMPUSER_PREAD, 0, 1, RUMP_EIO);
	CHECK_ERR(rump_sys_pread(fd, r, sizeof(r), 65536), RUMP_EIO);
	CHECK_EQ(rump_sys_pread(fd, r, sizeof(r), 65536), (ssize_t)sizeof(r));
	pattern(want, sizeof(want), 65536, 10);
	CHECK(memcmp(r, want, sizeof(r)) == 0);
	rumpuser_fault_clear();
	CHECK_OK(rump_sys_close(fd));
	CHECK_EQ(rump_pub_etfs_remove("/dev/bx"), 0);
}

TEST(a_write_through_the_block_device_is_read_by_the_raw_one_after_fsync)
{
	char w[3000], r[4096];
	int fd, rfd;

	mkdisk("/dev/bz", "bz", 1 * MB, 11, 0, RUMP_ETFS_SIZE_ENDOFF);
	memset(w, 'Z', sizeof(w));
	CHECK((fd = rump_sys_open("/dev/bz", RUMP_O_RDWR, 0)) != -1);
	CHECK((rfd = rump_sys_open("/dev/rbz", RUMP_O_RDONLY, 0)) != -1);
	CHECK_EQ(rump_sys_pwrite(fd, w, sizeof(w), 4096 + 100), 3000);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK_EQ(rump_sys_pread(rfd, r, sizeof(r), 4096), 4096);
	CHECK(memcmp(r + 100, w, sizeof(w)) == 0);
	CHECK_OK(rump_sys_close(rfd));
	CHECK_OK(rump_sys_close(fd));
	CHECK_EQ(rump_pub_etfs_remove("/dev/bz"), 0);
}
