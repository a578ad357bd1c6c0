/*
 * t_etfs_disk: etfs block and character devices on host files: the
 * nodes /dev/X and /dev/rX, where bytes land on the host through the
 * buffer cache and the raw device, bounds, the disk ioctls, the 16
 * slots, removal while open, and host errors (fault injection).
 *
 * Every test registers keys of its own and removes them again.
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "rumpuser/rumpuser.h"

static char hostdir[64];

static const char *
H(const char *name)
{
	static char bufs[8][256];
	static int next;
	char *b = bufs[next++ & 7];

	snprintf(b, sizeof(bufs[0]), "%s/%s", hostdir, name);
	return b;
}

static uint8_t
pat(uint64_t off)
{
	return (uint8_t)(off % 251 ^ (off >> 12));
}

static void
host_mkfile(const char *name, size_t size)
{
	char *buf = malloc(size ? size : 1);
	int fd = open(H(name), O_RDWR | O_CREAT | O_TRUNC, 0644);

	for (size_t i = 0; i < size; i++)
		buf[i] = (char)pat(i);
	if (fd == -1 || write(fd, buf, size) != (ssize_t)size)
		t_fail(__FILE__, __LINE__, "cannot make host file %s", name);
	if (fd != -1)
		close(fd);
	free(buf);
}

static ssize_t
host_pread(const char *name, void *buf, size_t len, off_t off)
{
	int fd = open(H(name), O_RDONLY);
	ssize_t n;

	if (fd == -1)
		return -1;
	n = pread(fd, buf, len, off);
	close(fd);
	return n;
}

static bool
is_pattern(const uint8_t *buf, size_t len, uint64_t off)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != pat(off + i))
			return false;
	return true;
}

static bool
all_bytes(const uint8_t *buf, size_t len, uint8_t c)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != c)
			return false;
	return true;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
rm_hostdir(void)
{
	nftw(hostdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
t_boot(void)
{
	snprintf(hostdir, sizeof(hostdir), "/tmp/t_etfs_disk-XXXXXX");
	if (mkdtemp(hostdir) == NULL)
		return errno;
	atexit(rm_hostdir);
	return rump_init();
}

static struct rump_stat
kstat(const char *path)
{
	struct rump_stat st;

	memset(&st, 0, sizeof(st));
	if (rump_sys_stat(path, (void *)&st) == -1)
		st.st_mode = 0;
	return st;
}

#define BLK	RUMP_ETFS_BLK
#define CHR	RUMP_ETFS_CHR
#define ENDOFF	RUMP_ETFS_SIZE_ENDOFF
#define MiB	(1024 * 1024)

/* NetBSD's dev_t (sys/sys/types.h). */
#define NB_MAKEDEV(ma, mi) \
	((((uint64_t)(ma) << 8) & 0x000fff00) | \
	 (((uint64_t)(mi) << 12) & 0xfff00000) | ((uint64_t)(mi) & 0xff))
#define NB_MAJOR(d)	((int)(((d) & 0x000fff00) >> 8))
#define NB_MINOR(d)	((int)((((d) & 0xfff00000) >> 12) | ((d) & 0xff)))

/* The disk ioctls as a NetBSD amd64 program encodes them (dkio.h). */
#define DIOCGDINFO	0x41986465UL	/* _IOR('d', 101, 408 bytes) */
#define DIOCCACHESYNC	0x80046476UL	/* _IOW('d', 118, int) */
#define DIOCGWEDGEINFO	0x40d0647aUL	/* _IOR('d', 122, 208 bytes) */
#define DIOCGMEDIASIZE	0x40086484UL	/* _IOR('d', 132, off_t) */
#define DIOCGSECTORSIZE	0x40046485UL	/* _IOR('d', 133, u_int) */

/* A blk key on a fresh host file of size bytes (begin, len window). */
static void
mkdisk(const char *key, const char *file, size_t hostsize, uint64_t begin,
    uint64_t len)
{
	host_mkfile(file, hostsize);
	CHECK_EQ(rump_pub_etfs_register_withsize(key, H(file), BLK, begin,
	    len), 0);
}

/* --- the nodes ----------------------------------------------------------------- */

TEST(blk_key_is_block_device_major_197)
{
	struct rump_stat st;

	mkdisk("/dev/etd_a", "a", MiB, 0, ENDOFF);
	st = kstat("/dev/etd_a");
	CHECK_EQ(st.st_mode, RUMP_S_IFBLK | 0755);
	CHECK_EQ(NB_MAJOR(st.st_rdev), 197);
	CHECK(NB_MINOR(st.st_rdev) >= 0 && NB_MINOR(st.st_rdev) < 16);
	CHECK_EQ(st.st_size, MiB);
	CHECK_EQ(st.st_uid, 0);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_a"), 0);
	CHECK_EQ(kstat("/dev/etd_a").st_mode, 0);
}

/* Beside /dev/X a raw /dev/rX (NetBSD needs a second, chr, key). */
TEST(blk_key_has_raw_device_beside_it)
{
	struct rump_stat b, c;

	mkdisk("/dev/etd_b", "b", MiB, 0, ENDOFF);
	b = kstat("/dev/etd_b");
	c = kstat("/dev/retd_b");
	CHECK_EQ(c.st_mode, RUMP_S_IFCHR | 0755);
	CHECK_EQ(c.st_rdev, b.st_rdev);
	CHECK_EQ(c.st_size, MiB);
	CHECK_ERR(rump_sys_unlink("/dev/retd_b"), RUMP_EBUSY);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_b"), 0);
	CHECK_EQ(kstat("/dev/retd_b").st_mode, 0);
}

TEST(blk_key_outside_dev)
{
	mkdisk("/etd_top", "a", 8192, 0, ENDOFF);
	CHECK(RUMP_S_ISBLK(kstat("/etd_top").st_mode));
	CHECK(RUMP_S_ISCHR(kstat("/retd_top").st_mode));
	CHECK_EQ(rump_pub_etfs_remove("/etd_top"), 0);
}

/* A chr key is a raw device on a disk slot. */
TEST(chr_key_is_raw_device)
{
	uint8_t buf[1024];
	struct rump_stat st;
	int fd;

	host_mkfile("c", 65536);
	CHECK_EQ(rump_pub_etfs_register("/dev/etd_c", H("c"), CHR), 0);
	st = kstat("/dev/etd_c");
	CHECK_EQ(st.st_mode, RUMP_S_IFCHR | 0755);
	CHECK_EQ(NB_MAJOR(st.st_rdev), 197);
	CHECK_EQ(kstat("/dev/retd_c").st_mode, 0);
	fd = rump_sys_open("/dev/etd_c", RUMP_O_RDONLY, 0);
	CHECK_EQ(rump_sys_pread(fd, buf, 1024, 4096), 1024);
	CHECK(is_pattern(buf, 1024, 4096));
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_c"), 0);
}

/* NetBSD style: a chr key for the raw name takes the node over. */
TEST(chr_key_takes_over_raw_name)
{
	struct rump_stat b, c;

	mkdisk("/dev/etd_d", "d", MiB, 0, ENDOFF);
	CHECK_EQ(rump_pub_etfs_register("/dev/retd_d", H("d"), CHR), 0);
	b = kstat("/dev/etd_d");
	c = kstat("/dev/retd_d");
	CHECK(RUMP_S_ISCHR(c.st_mode));
	CHECK_EQ(c.st_rdev, b.st_rdev);		/* one host file, one slot */
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_d"), 0);
	CHECK(RUMP_S_ISCHR(kstat("/dev/retd_d").st_mode));
	CHECK_EQ(rump_pub_etfs_remove("/dev/retd_d"), 0);
}

TEST(chr_key_cannot_take_raw_name_in_use)
{
	int fd;

	mkdisk("/dev/etd_e", "e", MiB, 0, ENDOFF);
	fd = rump_sys_open("/dev/retd_e", RUMP_O_RDONLY, 0);
	CHECK(fd != -1);
	CHECK_EQ(rump_pub_etfs_register("/dev/retd_e", H("e"), CHR),
	    RUMP_EEXIST);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_e"), 0);
}

/* Disks: host regular files, block or character devices. */
TEST(blk_key_on_host_directory_einval)
{
	mkdir(H("dir"), 0755);
	CHECK_EQ(rump_pub_etfs_register("/dev/etd_x", H("dir"), BLK),
	    RUMP_EINVAL);
	CHECK_EQ(rump_pub_etfs_register("/dev/etd_x", H("dir"), CHR),
	    RUMP_EINVAL);
}

TEST(blk_key_window_rules)
{
	host_mkfile("w", 8192);
	CHECK_EQ(rump_pub_etfs_register_withsize("/dev/etd_w", H("w"), BLK,
	    8193, ENDOFF), RUMP_EINVAL);
	CHECK_EQ(rump_pub_etfs_register_withsize("/dev/etd_w", H("w"), BLK,
	    4096, 4097), RUMP_EINVAL);
	CHECK_EQ(rump_pub_etfs_register_withsize("/dev/etd_w", H("w"), BLK,
	    4096, ENDOFF), 0);
	CHECK_EQ(kstat("/dev/etd_w").st_size, 4096);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_w"), 0);
}

/* --- the raw device ------------------------------------------------------------ */

TEST(raw_write_lands_at_window_offset)
{
	uint8_t buf[4096], got[4096];
	int fd;

	mkdisk("/dev/etd_rw", "rw", 4 * MiB, MiB, 2 * MiB);
	memset(buf, 0xc3, sizeof(buf));
	fd = rump_sys_open("/dev/retd_rw", RUMP_O_RDWR, 0);
	CHECK(fd != -1);
	CHECK_EQ(rump_sys_pwrite(fd, buf, 4096, 8192), 4096);
	/* no cache in between: the host has it at once */
	CHECK_EQ(host_pread("rw", got, 4096, MiB + 8192), 4096);
	CHECK(all_bytes(got, 4096, 0xc3));
	CHECK_EQ(host_pread("rw", got, 1, MiB + 8191), 1);
	CHECK_EQ(got[0], pat(MiB + 8191));
	CHECK_EQ(host_pread("rw", got, 1, MiB + 12288), 1);
	CHECK_EQ(got[0], pat(MiB + 12288));
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_rw"), 0);
}

TEST(raw_read_host_bytes)
{
	static uint8_t buf[200 * 1024];
	int fd;

	mkdisk("/dev/etd_rr", "rr", MiB, 512, 512 * 1024);
	fd = rump_sys_open("/dev/retd_rr", RUMP_O_RDONLY, 0);
	/* more than one bounce buffer's worth */
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 1024), sizeof(buf));
	CHECK(is_pattern(buf, sizeof(buf), 512 + 1024));
	CHECK_EQ(rump_sys_lseek(fd, 0, RUMP_SEEK_SET), 0);
	CHECK_EQ(rump_sys_read(fd, buf, 512), 512);
	CHECK(is_pattern(buf, 512, 512));
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_rr"), 0);
}

/* Raw transfers are whole sectors at sector offsets. */
TEST(raw_unaligned_einval)
{
	uint8_t buf[1024];
	int fd;

	mkdisk("/dev/etd_un", "un", 65536, 0, ENDOFF);
	fd = rump_sys_open("/dev/retd_un", RUMP_O_RDWR, 0);
	CHECK_ERR(rump_sys_pread(fd, buf, 100, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_pread(fd, buf, 512, 100), RUMP_EINVAL);
	CHECK_ERR(rump_sys_pwrite(fd, buf, 513, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_pwrite(fd, buf, 512, 1), RUMP_EINVAL);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_un"), 0);
}

TEST(raw_read_bounds)
{
	uint8_t buf[4096];
	int fd;

	mkdisk("/dev/etd_rb", "rb", 65536, 4096, 16384);
	fd = rump_sys_open("/dev/retd_rb", RUMP_O_RDONLY, 0);
	/* across the end: short */
	CHECK_EQ(rump_sys_pread(fd, buf, 4096, 14336), 2048);
	CHECK(is_pattern(buf, 2048, 4096 + 14336));
	/* at the end: end of file; past it: EINVAL */
	CHECK_EQ(rump_sys_pread(fd, buf, 512, 16384), 0);
	CHECK_ERR(rump_sys_pread(fd, buf, 512, 16896), RUMP_EINVAL);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_rb"), 0);
}

TEST(raw_write_bounds)
{
	uint8_t buf[4096], got[4096];
	int fd;

	mkdisk("/dev/etd_wb", "wb", 65536, 4096, 16384);
	memset(buf, 0x77, sizeof(buf));
	fd = rump_sys_open("/dev/retd_wb", RUMP_O_RDWR, 0);
	CHECK_EQ(rump_sys_pwrite(fd, buf, 4096, 14336), 2048);
	CHECK_EQ(host_pread("wb", got, 4096, 4096 + 14336), 4096);
	CHECK(all_bytes(got, 2048, 0x77));
	CHECK(is_pattern(got + 2048, 2048, 4096 + 16384));
	CHECK_EQ(rump_sys_pwrite(fd, buf, 512, 16384), 0);
	CHECK_ERR(rump_sys_pwrite(fd, buf, 512, 16896), RUMP_EINVAL);
	CHECK_EQ(host_pread("wb", got, 512, 4096 + 16384), 512);
	CHECK(is_pattern(got, 512, 4096 + 16384));
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_wb"), 0);
}

/* A host file shorter than the window (it shrank) reads zeros. */
TEST(raw_read_past_host_end_zeros)
{
	uint8_t buf[1024];
	int fd;

	mkdisk("/dev/etd_sh", "sh", 65536, 0, ENDOFF);
	CHECK_EQ(truncate(H("sh"), 1024), 0);
	fd = rump_sys_open("/dev/retd_sh", RUMP_O_RDONLY, 0);
	CHECK_EQ(rump_sys_pread(fd, buf, 1024, 512), 1024);
	CHECK(is_pattern(buf, 512, 512));
	CHECK(all_bytes(buf + 512, 512, 0));
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_sh"), 0);
}

/* --- the block device, through the buffer cache ---------------------------------- */

TEST(blk_write_reaches_host_after_fsync)
{
	uint8_t buf[3000], got[3000];
	int fd;

	mkdisk("/dev/etd_bw", "bw", 4 * MiB, MiB, 2 * MiB);
	memset(buf, 0x5e, sizeof(buf));
	fd = rump_sys_open("/dev/etd_bw", RUMP_O_RDWR, 0);
	CHECK(fd != -1);
	/* any offset and length: the cache reads, patches, writes */
	CHECK_EQ(rump_sys_pwrite(fd, buf, 3000, 100001), 3000);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK_EQ(host_pread("bw", got, 3000, MiB + 100001), 3000);
	CHECK(all_bytes(got, 3000, 0x5e));
	CHECK_EQ(host_pread("bw", got, 1, MiB + 100000), 1);
	CHECK_EQ(got[0], pat(MiB + 100000));
	CHECK_EQ(host_pread("bw", got, 1, MiB + 103001), 1);
	CHECK_EQ(got[0], pat(MiB + 103001));
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_bw"), 0);
}

TEST(blk_read_host_bytes)
{
	static uint8_t buf[100000];
	int fd;

	mkdisk("/dev/etd_br", "br", MiB, 4096, ENDOFF);
	fd = rump_sys_open("/dev/etd_br", RUMP_O_RDONLY, 0);
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 12345), sizeof(buf));
	CHECK(is_pattern(buf, sizeof(buf), 4096 + 12345));
	/* the end of the window is the end of the device */
	CHECK_EQ(rump_sys_pread(fd, buf, 1000, MiB - 4096 - 10), 10);
	CHECK_EQ(rump_sys_pread(fd, buf, 1000, MiB - 4096), 0);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_br"), 0);
}

TEST(blk_o_sync_write_reaches_host_at_once)
{
	uint8_t got[512];
	int fd;
	unsigned long syncs = rumpuser_fault_calls(RUMPUSER_FSYNC);

	mkdisk("/dev/etd_os", "os", MiB, 0, ENDOFF);
	fd = rump_sys_open("/dev/etd_os", RUMP_O_RDWR | RUMP_O_SYNC, 0);
	CHECK_EQ(rump_sys_pwrite(fd, "synced", 6, 70000), 6);
	CHECK_EQ(host_pread("os", got, 6, 70000), 6);
	CHECK(memcmp(got, "synced", 6) == 0);
	CHECK(rumpuser_fault_calls(RUMPUSER_FSYNC) > syncs);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_os"), 0);
}

/* Closing the block device writes what the cache holds. */
TEST(blk_close_writes_dirty_buffers)
{
	uint8_t got[8];
	int fd;

	mkdisk("/dev/etd_cl", "cl", MiB, 0, ENDOFF);
	fd = rump_sys_open("/dev/etd_cl", RUMP_O_RDWR, 0);
	CHECK_EQ(rump_sys_pwrite(fd, "closing!", 8, 5000), 8);
	CHECK_OK(rump_sys_close(fd));
	CHECK_EQ(host_pread("cl", got, 8, 5000), 8);
	CHECK(memcmp(got, "closing!", 8) == 0);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_cl"), 0);
}

/* The raw device sees what the block device wrote once it is out. */
TEST(blk_then_raw_same_bytes)
{
	uint8_t buf[512];
	int bfd, rfd;

	mkdisk("/dev/etd_br2", "br2", MiB, 0, ENDOFF);
	bfd = rump_sys_open("/dev/etd_br2", RUMP_O_RDWR, 0);
	rfd = rump_sys_open("/dev/retd_br2", RUMP_O_RDONLY, 0);
	memset(buf, 0xee, sizeof(buf));
	CHECK_EQ(rump_sys_pwrite(bfd, buf, 512, 1024), 512);
	CHECK_OK(rump_sys_fsync(bfd));
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(rump_sys_pread(rfd, buf, 512, 1024), 512);
	CHECK(all_bytes(buf, 512, 0xee));
	rump_sys_close(rfd);
	rump_sys_close(bfd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_br2"), 0);
}

/* --- ioctls ------------------------------------------------------------------- */

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* The label at its NetBSD offsets (sys/sys/disklabel.h, amd64). */
TEST(ioctl_diocgdinfo_label)
{
	uint8_t lab[408];
	uint16_t sum = 0;
	uint32_t secs = (3 * MiB) / 512;
	int fd;

	mkdisk("/dev/etd_l", "l", 4 * MiB, MiB, 3 * MiB);
	fd = rump_sys_open("/dev/retd_l", RUMP_O_RDONLY, 0);
	memset(lab, 0xff, sizeof(lab));
	CHECK_OK(rump_sys_ioctl(fd, DIOCGDINFO, lab));
	CHECK_EQ(le32(lab + 0), 0x82564557);		/* d_magic */
	CHECK_EQ(le32(lab + 132), 0x82564557);		/* d_magic2 */
	CHECK_EQ(le16(lab + 4), 21);			/* DKTYPE_RUMPD */
	CHECK_EQ(le32(lab + 40), 512);			/* d_secsize */
	CHECK_EQ(le32(lab + 60), secs);			/* d_secperunit */
	CHECK_EQ(le32(lab + 56), le32(lab + 44) * le32(lab + 48));
	CHECK(le32(lab + 52) * le32(lab + 56) <= secs);
	CHECK_EQ(le16(lab + 138), 4);			/* d_npartitions */
	CHECK_EQ(le32(lab + 148), secs);		/* a: p_size */
	CHECK_EQ(le32(lab + 152), 0);			/* a: p_offset */
	CHECK_EQ(lab[148 + 12], 7);			/* a: 4.2BSD */
	CHECK_EQ(le32(lab + 148 + 3 * 16), secs);	/* d: raw part */
	CHECK_EQ(le32(lab + 148 + 3 * 16 + 4), 0);
	for (int i = 0; i < 148 + 4 * 16; i += 2)
		sum ^= le16(lab + i);
	CHECK_EQ(sum, 0);
	CHECK(memcmp(lab + 8, "rumpd", 6) == 0);	/* d_typename */
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_l"), 0);
}

/* newfs asks for the wedge and wants "ffs" to go ahead without -I. */
TEST(ioctl_diocgwedgeinfo)
{
	uint8_t w[208];
	int fd;

	mkdisk("/dev/etd_wi", "wi", 2 * MiB, 0, ENDOFF);
	fd = rump_sys_open("/dev/retd_wi", RUMP_O_RDONLY, 0);
	memset(w, 0xff, sizeof(w));
	CHECK_OK(rump_sys_ioctl(fd, DIOCGWEDGEINFO, w));
	CHECK(w[144] != 0 && memchr(w + 144, 0, 16) != NULL);	/* parent */
	CHECK_EQ(le32(w + 160), 0);				/* offset */
	CHECK_EQ(le32(w + 164), 0);
	CHECK_EQ(le32(w + 168), (2 * MiB) / 512);		/* size */
	CHECK_EQ(le32(w + 172), 0);
	CHECK_STR((char *)w + 176, "ffs");
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_wi"), 0);
}

TEST(ioctl_media_and_sector_size)
{
	int64_t media = 0;
	uint32_t sector = 0;
	int fd;

	mkdisk("/dev/etd_ms", "ms", 3 * MiB, 512, 2 * MiB + 1024);
	fd = rump_sys_open("/dev/retd_ms", RUMP_O_RDONLY, 0);
	CHECK_OK(rump_sys_ioctl(fd, DIOCGMEDIASIZE, &media));
	CHECK_EQ(media, 2 * MiB + 1024);
	CHECK_OK(rump_sys_ioctl(fd, DIOCGSECTORSIZE, &sector));
	CHECK_EQ(sector, 512);
	rump_sys_close(fd);
	/* the block device answers the same */
	fd = rump_sys_open("/dev/etd_ms", RUMP_O_RDONLY, 0);
	media = 0;
	CHECK_OK(rump_sys_ioctl(fd, DIOCGMEDIASIZE, &media));
	CHECK_EQ(media, 2 * MiB + 1024);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_ms"), 0);
}

TEST(ioctl_cachesync_reaches_host)
{
	unsigned long before = rumpuser_fault_calls(RUMPUSER_FSYNC);
	int fd, force = 1;

	mkdisk("/dev/etd_cs", "cs", MiB, 0, ENDOFF);
	fd = rump_sys_open("/dev/retd_cs", RUMP_O_RDWR, 0);
	CHECK_OK(rump_sys_ioctl(fd, DIOCCACHESYNC, &force));
	CHECK_EQ(rumpuser_fault_calls(RUMPUSER_FSYNC) - before, 1);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK_EQ(rumpuser_fault_calls(RUMPUSER_FSYNC) - before, 2);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_cs"), 0);
}

TEST(ioctl_unknown_enotty)
{
	int fd, v = 0;

	mkdisk("/dev/etd_nt", "nt", MiB, 0, ENDOFF);
	fd = rump_sys_open("/dev/retd_nt", RUMP_O_RDONLY, 0);
	/* DIOCGDISKINFO (a property list): getdiskinfo falls back */
	CHECK_ERR(rump_sys_ioctl(fd, 0x4010647fUL, &v), RUMP_ENOTTY);
	CHECK_ERR(rump_sys_ioctl(fd, 0x20006401UL, &v), RUMP_ENOTTY);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_nt"), 0);
}

/* --- slots and removal ---------------------------------------------------------- */

TEST(sixteen_slots_then_ebusy)
{
	char key[32], file[32];
	int i;

	for (i = 0; i < 16; i++) {
		snprintf(key, sizeof(key), "/dev/etd_s%d", i);
		snprintf(file, sizeof(file), "s%d", i);
		host_mkfile(file, 4096);
		CHECK_EQ(rump_pub_etfs_register(key, H(file), BLK), 0);
	}
	host_mkfile("s16", 4096);
	CHECK_EQ(rump_pub_etfs_register("/dev/etd_s16", H("s16"), BLK),
	    RUMP_EBUSY);
	CHECK_EQ(rump_pub_etfs_register("/dev/etd_s16", H("s16"), CHR),
	    RUMP_EBUSY);
	/* regular-file keys need no slot */
	CHECK_EQ(rump_pub_etfs_register("/etd_s16", H("s16"), RUMP_ETFS_REG),
	    0);
	CHECK_EQ(rump_pub_etfs_remove("/etd_s16"), 0);
	/* a removal frees a slot */
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_s3"), 0);
	CHECK_EQ(rump_pub_etfs_register("/dev/etd_s16", H("s16"), BLK), 0);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_s16"), 0);
	for (i = 0; i < 16; i++) {
		snprintf(key, sizeof(key), "/dev/etd_s%d", i);
		if (i != 3)
			CHECK_EQ(rump_pub_etfs_remove(key), 0);
	}
}

/* The same host path shares its slot, with the first window. */
TEST(same_host_path_shares_slot)
{
	uint8_t buf[512];
	int fd;

	mkdisk("/dev/etd_s1", "same", 65536, 0, ENDOFF);
	CHECK_EQ(rump_pub_etfs_register_withsize("/dev/etd_s2", H("same"), BLK,
	    4096, 4096), 0);
	CHECK_EQ(kstat("/dev/etd_s1").st_rdev, kstat("/dev/etd_s2").st_rdev);
	CHECK_EQ(kstat("/dev/etd_s2").st_size, 65536);
	fd = rump_sys_open("/dev/retd_s2", RUMP_O_RDONLY, 0);
	CHECK_EQ(rump_sys_pread(fd, buf, 512, 0), 512);
	CHECK(is_pattern(buf, 512, 0));
	rump_sys_close(fd);
	/* the slot stays while one key uses it */
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_s1"), 0);
	fd = rump_sys_open("/dev/retd_s2", RUMP_O_RDONLY, 0);
	CHECK(fd != -1);
	CHECK_EQ(rump_sys_pread(fd, buf, 512, 512), 512);
	CHECK(is_pattern(buf, 512, 512));
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_s2"), 0);
}

TEST(remove_while_block_device_open_ebusy)
{
	int fd;

	mkdisk("/dev/etd_ob", "ob", MiB, 0, ENDOFF);
	fd = rump_sys_open("/dev/etd_ob", RUMP_O_RDWR, 0);
	CHECK(fd != -1);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_ob"), RUMP_EBUSY);
	CHECK(RUMP_S_ISBLK(kstat("/dev/etd_ob").st_mode));
	CHECK(RUMP_S_ISCHR(kstat("/dev/retd_ob").st_mode));
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_ob"), 0);
}

TEST(remove_while_raw_device_open_ebusy)
{
	int fd;

	mkdisk("/dev/etd_or", "or", MiB, 0, ENDOFF);
	fd = rump_sys_open("/dev/retd_or", RUMP_O_RDONLY, 0);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_or"), RUMP_EBUSY);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_or"), 0);
}

/* A node made with mknod reaches the same disk; it counts as open. */
TEST(remove_while_open_through_mknod_node_ebusy)
{
	uint8_t buf[512];
	struct rump_stat st;
	int fd;

	mkdisk("/dev/etd_mk", "mk", MiB, 0, ENDOFF);
	st = kstat("/dev/etd_mk");
	CHECK_OK(rump_sys_mknod("mkraw", RUMP_S_IFCHR | 0600, st.st_rdev));
	fd = rump_sys_open("mkraw", RUMP_O_RDONLY, 0);
	CHECK(fd != -1);
	CHECK_EQ(rump_sys_pread(fd, buf, 512, 512), 512);
	CHECK(is_pattern(buf, 512, 512));
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_mk"), RUMP_EBUSY);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_mk"), 0);
	/* the slot is gone: the node leads nowhere */
	CHECK_ERR(rump_sys_open("mkraw", RUMP_O_RDONLY, 0), RUMP_ENXIO);
	CHECK_OK(rump_sys_unlink("mkraw"));
}

/* What the cache held is written before the slot goes. */
TEST(remove_flushes_then_slot_is_reused_clean)
{
	uint8_t buf[512];
	int fd;

	mkdisk("/dev/etd_re", "re1", MiB, 0, ENDOFF);
	fd = rump_sys_open("/dev/etd_re", RUMP_O_RDONLY, 0);
	CHECK_EQ(rump_sys_pread(fd, buf, 512, 0), 512);	/* cached now */
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_re"), 0);
	/* another file in the same slot: no stale bytes from the cache */
	host_mkfile("re2", MiB);
	CHECK_OK(truncate(H("re2"), 0));
	CHECK_OK(truncate(H("re2"), MiB));
	CHECK_EQ(rump_pub_etfs_register("/dev/etd_re", H("re2"), BLK), 0);
	fd = rump_sys_open("/dev/etd_re", RUMP_O_RDONLY, 0);
	CHECK_EQ(rump_sys_pread(fd, buf, 512, 0), 512);
	CHECK(all_bytes(buf, 512, 0));
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_re"), 0);
}

/* --- host errors ------------------------------------------------------------------- */

/* A failed write stays dirty, is reported at fsync, and is not lost. */
TEST(fault_pwrite_eio_surfaces_at_fsync_nothing_lost)
{
	uint8_t buf[4096], got[4096];
	int fd;

	mkdisk("/dev/etd_f", "f", MiB, 0, ENDOFF);
	memset(buf, 0x42, sizeof(buf));
	fd = rump_sys_open("/dev/etd_f", RUMP_O_RDWR, 0);
	CHECK_EQ(rump_sys_pwrite(fd, buf, 4096, 65536), 4096);
	rumpuser_fault_set(RUMPUSER_PWRITE, 0, 1000000, RUMP_EIO);
	CHECK_ERR(rump_sys_fsync(fd), RUMP_EIO);
	CHECK_ERR(rump_sys_fsync(fd), RUMP_EIO);
	CHECK_EQ(host_pread("f", got, 4096, 65536), 4096);
	CHECK(is_pattern(got, 4096, 65536));
	rumpuser_fault_clear();
	CHECK_OK(rump_sys_fsync(fd));
	CHECK_EQ(host_pread("f", got, 4096, 65536), 4096);
	CHECK(all_bytes(got, 4096, 0x42));
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_f"), 0);
}

/* The host's ENOSPC reaches a raw writer as it is. */
TEST(fault_raw_pwrite_enospc)
{
	uint8_t buf[512];
	int fd;

	mkdisk("/dev/etd_ns", "ns", MiB, 0, ENDOFF);
	fd = rump_sys_open("/dev/retd_ns", RUMP_O_RDWR, 0);
	rumpuser_fault_set(RUMPUSER_PWRITE, 0, 1, RUMP_ENOSPC);
	CHECK_ERR(rump_sys_pwrite(fd, buf, 512, 0), RUMP_ENOSPC);
	rumpuser_fault_clear();
	CHECK_EQ(rump_sys_pwrite(fd, buf, 512, 0), 512);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_ns"), 0);
}

TEST(fault_raw_pread_eio)
{
	uint8_t buf[512];
	int fd;

	mkdisk("/dev/etd_re2", "re3", MiB, 0, ENDOFF);
	fd = rump_sys_open("/dev/retd_re2", RUMP_O_RDONLY, 0);
	rumpuser_fault_set(RUMPUSER_PREAD, 0, 1, RUMP_EIO);
	CHECK_ERR(rump_sys_pread(fd, buf, 512, 0), RUMP_EIO);
	rumpuser_fault_clear();
	CHECK_EQ(rump_sys_pread(fd, buf, 512, 0), 512);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_re2"), 0);
}

/* A key is not removed while its dirty buffers cannot be written. */
TEST(fault_remove_with_unwritable_buffers_fails)
{
	uint8_t got[8];
	int fd;

	mkdisk("/dev/etd_rf", "rf", MiB, 0, ENDOFF);
	fd = rump_sys_open("/dev/etd_rf", RUMP_O_RDWR, 0);
	CHECK_EQ(rump_sys_pwrite(fd, "keepthis", 8, 0), 8);
	rumpuser_fault_set(RUMPUSER_PWRITE, 0, 1000000, RUMP_EIO);
	CHECK_ERR(rump_sys_close(fd), RUMP_EIO);
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_rf"), RUMP_EIO);
	rumpuser_fault_clear();
	CHECK_EQ(rump_pub_etfs_remove("/dev/etd_rf"), 0);
	CHECK_EQ(host_pread("rf", got, 8, 0), 8);
	CHECK(memcmp(got, "keepthis", 8) == 0);
}
