/*
 * t_etfs_reg: etfs registration rules (rump-server.md §9) and the
 * regular-file and directory keys, with real host files in a
 * temporary directory.
 *
 * Every test registers keys of its own and removes them again, so the
 * 16 disk slots and the namespace stay clean for the next test.
 */
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <time.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "rumpuser/rumpuser.h"

static char hostdir[64];

/* "<hostdir>/<name>" in one of 8 rotating buffers. */
static const char *
H(const char *name)
{
	static char bufs[8][256];
	static int next;
	char *b = bufs[next++ & 7];

	snprintf(b, sizeof(bufs[0]), "%s/%s", hostdir, name);
	return b;
}

/* The byte a pattern file holds at off. */
static uint8_t
pat(uint64_t off)
{
	return (uint8_t)(off % 251 ^ (off >> 12));
}

/* A host file of size bytes of the pattern. */
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

static off_t
host_size(const char *name)
{
	struct stat st;

	return stat(H(name), &st) == 0 ? st.st_size : -1;
}

static bool
is_pattern(const uint8_t *buf, size_t len, uint64_t off)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != pat(off + i))
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

/* Registrations made before the boot (rump_boot_etfs_register). */
static struct rump_boot_etfs boot_ok, boot_taken;
static int boot_status_before = 99;

int
t_boot(void)
{
	snprintf(hostdir, sizeof(hostdir), "/tmp/t_etfs_reg-XXXXXX");
	if (mkdtemp(hostdir) == NULL)
		return errno;
	atexit(rm_hostdir);
	host_mkfile("preboot", 777);
	boot_ok = (struct rump_boot_etfs){ .eb_key = "/etr_preboot",
	    .eb_hostpath = H("preboot"), .eb_type = RUMP_ETFS_REG,
	    .eb_begin = 0, .eb_size = RUMP_ETFS_SIZE_ENDOFF };
	boot_taken = boot_ok;
	boot_taken.eb_key = "/dev/null";
	rump_boot_etfs_register(&boot_ok);
	rump_boot_etfs_register(&boot_taken);
	boot_status_before = boot_ok.eb_status;
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

#define REG	RUMP_ETFS_REG
#define ENDOFF	RUMP_ETFS_SIZE_ENDOFF

/* --- registration rules ----------------------------------------------------- */

TEST(register_key_must_start_with_slash)
{
	host_mkfile("a", 512);
	CHECK_EQ(rump_pub_etfs_register("nokey", H("a"), REG), RUMP_EINVAL);
	CHECK_EQ(rump_pub_etfs_register("", H("a"), REG), RUMP_EINVAL);
	CHECK(!RUMP_S_ISREG(kstat("/nokey").st_mode));
}

TEST(register_key_naming_root_refused)
{
	host_mkfile("a", 512);
	CHECK_EQ(rump_pub_etfs_register("/", H("a"), REG), RUMP_EINVAL);
	CHECK_EQ(rump_pub_etfs_register("///", H("a"), REG), RUMP_EINVAL);
	CHECK_EQ(rump_pub_etfs_register("/x/../y", H("a"), REG), RUMP_EINVAL);
	CHECK_EQ(rump_pub_etfs_register("/x/./y", H("a"), REG), RUMP_EINVAL);
}

TEST(register_key_too_long)
{
	char key[1100];

	host_mkfile("a", 512);
	memset(key, 'k', sizeof(key));
	key[0] = '/';
	key[sizeof(key) - 1] = '\0';
	CHECK_EQ(rump_pub_etfs_register(key, H("a"), REG), RUMP_ENAMETOOLONG);
	key[600] = '\0';	/* one component longer than MAXNAMLEN */
	CHECK_EQ(rump_pub_etfs_register(key, H("a"), REG), RUMP_ENAMETOOLONG);
}

TEST(register_missing_host_file)
{
	CHECK_EQ(rump_pub_etfs_register("/etr_missing", H("nonexistent"), REG),
	    RUMP_ENOENT);
	CHECK_EQ(rump_pub_etfs_register("/etr_missing", "", REG), RUMP_ENOENT);
}

TEST(register_leading_slashes_stripped)
{
	host_mkfile("a", 512);
	CHECK_EQ(rump_pub_etfs_register("///etr_lead", H("a"), REG), 0);
	CHECK(RUMP_S_ISREG(kstat("/etr_lead").st_mode));
	CHECK(RUMP_S_ISREG(kstat("//etr_lead").st_mode));
	CHECK_EQ(rump_pub_etfs_remove("/etr_lead"), 0);
	CHECK_EQ(kstat("/etr_lead").st_mode, 0);
}

TEST(register_same_key_twice_eexist)
{
	host_mkfile("a", 512);
	host_mkfile("b", 512);
	CHECK_EQ(rump_pub_etfs_register("/etr_twice", H("a"), REG), 0);
	CHECK_EQ(rump_pub_etfs_register("/etr_twice", H("b"), REG), RUMP_EEXIST);
	CHECK_EQ(rump_pub_etfs_register("//etr_twice/", H("b"), REG),
	    RUMP_EEXIST);
	CHECK_EQ(rump_pub_etfs_remove("/etr_twice"), 0);
}

/* A key's name must be free in the namespace: /dev/null exists. */
TEST(register_over_existing_node_eexist)
{
	host_mkfile("a", 512);
	CHECK_EQ(rump_pub_etfs_register("/dev/null", H("a"), REG), RUMP_EEXIST);
	CHECK(RUMP_S_ISCHR(kstat("/dev/null").st_mode));
}

/* Size rules come before EEXIST, as in NetBSD. */
TEST(register_size_checked_before_eexist)
{
	host_mkfile("a", 512);
	CHECK_EQ(rump_pub_etfs_register_withsize("/dev/null", H("a"), REG, 0,
	    1024), RUMP_EINVAL);
}

TEST(register_begin_past_host_end_einval)
{
	host_mkfile("a", 4096);
	CHECK_EQ(rump_pub_etfs_register_withsize("/etr_b", H("a"), REG, 4097,
	    ENDOFF), RUMP_EINVAL);
	CHECK_EQ(rump_pub_etfs_register_withsize("/etr_b", H("a"), REG, 4097, 0),
	    RUMP_EINVAL);
}

TEST(register_window_past_host_end_einval)
{
	host_mkfile("a", 4096);
	CHECK_EQ(rump_pub_etfs_register_withsize("/etr_w", H("a"), REG, 0,
	    4097), RUMP_EINVAL);
	CHECK_EQ(rump_pub_etfs_register_withsize("/etr_w", H("a"), REG, 512,
	    3585), RUMP_EINVAL);
	CHECK_EQ(rump_pub_etfs_register_withsize("/etr_w", H("a"), REG, 512,
	    3584), 0);
	CHECK_EQ(kstat("/etr_w").st_size, 3584);
	CHECK_EQ(rump_pub_etfs_remove("/etr_w"), 0);
}

/* begin == host size with "to the end" is an empty window. */
TEST(register_endoff_at_host_end_is_empty)
{
	host_mkfile("a", 4096);
	CHECK_EQ(rump_pub_etfs_register_withsize("/etr_e", H("a"), REG, 4096,
	    ENDOFF), 0);
	CHECK_EQ(kstat("/etr_e").st_size, 0);
	CHECK_EQ(rump_pub_etfs_remove("/etr_e"), 0);
}

TEST(register_dir_needs_host_directory)
{
	host_mkfile("a", 512);
	CHECK_EQ(rump_pub_etfs_register("/etr_d", H("a"), RUMP_ETFS_DIR),
	    RUMP_ENOTDIR);
	CHECK_EQ(rump_pub_etfs_register("/etr_d", H("a"),
	    RUMP_ETFS_DIR_SUBDIRS), RUMP_ENOTDIR);
}

TEST(register_dir_window_eisdir)
{
	mkdir(H("d"), 0755);
	CHECK_EQ(rump_pub_etfs_register_withsize("/etr_d", H("d"),
	    RUMP_ETFS_DIR, 512, ENDOFF), RUMP_EISDIR);
	CHECK_EQ(rump_pub_etfs_register_withsize("/etr_d", H("d"),
	    RUMP_ETFS_DIR, 0, 4096), RUMP_EISDIR);
}

/* A regular-file key on a host directory would read nothing sane. */
TEST(register_reg_on_host_directory_eisdir)
{
	mkdir(H("d"), 0755);
	CHECK_EQ(rump_pub_etfs_register("/etr_rd", H("d"), REG), RUMP_EISDIR);
	CHECK_EQ(rump_pub_etfs_register("/etr_rd", H("d"), RUMP_ETFS_BLK),
	    RUMP_EINVAL);
}

TEST(register_bad_type_einval)
{
	host_mkfile("a", 512);
	CHECK_EQ(rump_pub_etfs_register("/etr_t", H("a"),
	    (enum rump_etfs_type)9), RUMP_EINVAL);
}

TEST(register_makes_directories_on_the_way)
{
	struct rump_stat st;

	host_mkfile("a", 512);
	CHECK_EQ(rump_pub_etfs_register("/etr_p/q/r/file", H("a"), REG), 0);
	st = kstat("/etr_p/q");
	CHECK(RUMP_S_ISDIR(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 0755);
	CHECK_EQ(st.st_uid, 0);
	CHECK(RUMP_S_ISREG(kstat("/etr_p/q/r/file").st_mode));
	CHECK_EQ(rump_pub_etfs_remove("/etr_p/q/r/file"), 0);
	/* the directories made for the key go with it */
	CHECK_EQ(kstat("/etr_p").st_mode, 0);
}

/* Directories that were there before stay; so do ones with content. */
TEST(remove_keeps_directories_in_use)
{
	host_mkfile("a", 512);
	CHECK_EQ(rump_pub_etfs_register("/etr_k/sub/file", H("a"), REG), 0);
	CHECK_OK(rump_sys_mkdir("/etr_k/mine", 0755));
	CHECK_EQ(rump_pub_etfs_remove("/etr_k/sub/file"), 0);
	CHECK_EQ(kstat("/etr_k/sub").st_mode, 0);
	CHECK(RUMP_S_ISDIR(kstat("/etr_k/mine").st_mode));
	CHECK_OK(rump_sys_rmdir("/etr_k/mine"));
	CHECK_OK(rump_sys_rmdir("/etr_k"));
}

TEST(register_through_a_file_enotdir)
{
	host_mkfile("a", 512);
	CHECK_EQ(rump_pub_etfs_register("/etr_f", H("a"), REG), 0);
	CHECK_EQ(rump_pub_etfs_register("/etr_f/x", H("a"), REG), RUMP_ENOTDIR);
	CHECK_EQ(rump_pub_etfs_register("/dev/null/x", H("a"), REG),
	    RUMP_ENOTDIR);
	CHECK_EQ(rump_pub_etfs_remove("/etr_f"), 0);
}

TEST(register_relative_to_existing_directory)
{
	host_mkfile("a", 512);
	CHECK_EQ(rump_pub_etfs_register("/dev//etr_in_dev", H("a"), REG), 0);
	CHECK(RUMP_S_ISREG(kstat("/dev/etr_in_dev").st_mode));
	CHECK_EQ(rump_pub_etfs_remove("/dev/etr_in_dev/"), 0);
	CHECK(RUMP_S_ISDIR(kstat("/dev").st_mode));
}

TEST(remove_rules)
{
	CHECK_EQ(rump_pub_etfs_remove("etr_x"), RUMP_EINVAL);
	CHECK_EQ(rump_pub_etfs_remove("/etr_never"), RUMP_ENOENT);
	CHECK_EQ(rump_pub_etfs_remove("/"), RUMP_ENOENT);
	/* a node that is not a key */
	CHECK_EQ(rump_pub_etfs_remove("/dev/null"), RUMP_ENOENT);
}

TEST(remove_twice_enoent)
{
	host_mkfile("a", 512);
	CHECK_EQ(rump_pub_etfs_register("/etr_2", H("a"), REG), 0);
	CHECK_EQ(rump_pub_etfs_remove("/etr_2"), 0);
	CHECK_EQ(rump_pub_etfs_remove("/etr_2"), RUMP_ENOENT);
}

/* Keys are part of the namespace, but only etfs removes them. */
TEST(key_cannot_be_unlinked_renamed_or_linked)
{
	host_mkfile("a", 512);
	CHECK_EQ(rump_pub_etfs_register("/etr_u", H("a"), REG), 0);
	CHECK_ERR(rump_sys_unlink("/etr_u"), RUMP_EBUSY);
	CHECK_ERR(rump_sys_rename("/etr_u", "/etr_u2"), RUMP_EBUSY);
	CHECK_OK(rump_sys_mkdir("/etr_u_dir", 0755));
	CHECK_ERR(rump_sys_rename("/etr_u_dir", "/etr_u"), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_link("/etr_u", "/etr_u3"), RUMP_EBUSY);
	CHECK_OK(rump_sys_rmdir("/etr_u_dir"));
	CHECK_EQ(rump_pub_etfs_remove("/etr_u"), 0);
}

TEST(key_is_listed_by_readdir)
{
	char buf[4096];
	int fd, n;
	bool found = false;

	host_mkfile("a", 512);
	CHECK_EQ(rump_pub_etfs_register("/etr_list/file", H("a"), REG), 0);
	fd = rump_sys_open("/etr_list", RUMP_O_RDONLY, 0);
	CHECK(fd != -1);
	while ((n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0)
		for (int off = 0; off < n; ) {
			struct rump_dirent *d = (void *)(buf + off);

			if (strcmp(d->d_name, "file") == 0)
				found = d->d_type == RUMP_DT_REG;
			off += d->d_reclen;
		}
	CHECK(found);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/etr_list/file"), 0);
}

TEST(key_stat_fields)
{
	struct rump_stat st;

	host_mkfile("a", 3000);
	CHECK_EQ(rump_pub_etfs_register("/etr_st", H("a"), REG), 0);
	st = kstat("/etr_st");
	CHECK_EQ(st.st_mode, RUMP_S_IFREG | 0755);
	CHECK_EQ(st.st_uid, 0);
	CHECK_EQ(st.st_gid, 0);
	CHECK_EQ(st.st_nlink, 1);
	CHECK_EQ(st.st_size, 3000);
	CHECK_EQ(st.st_blksize, 512);
	CHECK_EQ(st.st_rdev, 0);
	CHECK_EQ(rump_pub_etfs_remove("/etr_st"), 0);
}

TEST(boot_register_before_boot)
{
	CHECK_EQ(boot_status_before, -1);
	CHECK_EQ(boot_ok.eb_status, 0);
	CHECK_EQ(boot_taken.eb_status, RUMP_EEXIST);
	CHECK_EQ(kstat("/etr_preboot").st_size, 777);
	CHECK_EQ(rump_pub_etfs_remove("/etr_preboot"), 0);
}

TEST(boot_register_after_boot_registers_at_once)
{
	struct rump_boot_etfs eb;

	host_mkfile("a", 512);
	memset(&eb, 0, sizeof(eb));
	eb.eb_key = "/etr_boot";
	eb.eb_hostpath = H("a");
	eb.eb_type = REG;
	eb.eb_begin = 0;
	eb.eb_size = ENDOFF;
	rump_boot_etfs_register(&eb);
	CHECK_EQ(eb.eb_status, 0);
	CHECK_EQ(kstat("/etr_boot").st_size, 512);
	rump_boot_etfs_register(&eb);
	CHECK_EQ(eb.eb_status, RUMP_EEXIST);
	CHECK_EQ(rump_pub_etfs_remove("/etr_boot"), 0);
}

/* --- regular-file keys --------------------------------------------------------- */

TEST(reg_reads_host_bytes)
{
	uint8_t buf[10000];

	host_mkfile("a", 10000);
	CHECK_EQ(rump_pub_etfs_register("/etr_r", H("a"), REG), 0);
	CHECK_EQ(t_read_file("/etr_r", buf, sizeof(buf)), 10000);
	CHECK(is_pattern(buf, 10000, 0));
	CHECK_EQ(rump_pub_etfs_remove("/etr_r"), 0);
}

TEST(reg_window_reads_at_begin)
{
	uint8_t buf[9000];
	int fd;

	host_mkfile("a", 65536);
	CHECK_EQ(rump_pub_etfs_register_withsize("/etr_rw", H("a"), REG, 4096,
	    8192), 0);
	CHECK_EQ(kstat("/etr_rw").st_size, 8192);
	fd = rump_sys_open("/etr_rw", RUMP_O_RDONLY, 0);
	CHECK(fd != -1);
	CHECK_EQ(rump_sys_pread(fd, buf, 100, 0), 100);
	CHECK(is_pattern(buf, 100, 4096));
	/* reads stop at the window's end */
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 100), 8092);
	CHECK(is_pattern(buf, 8092, 4196));
	CHECK_EQ(rump_sys_pread(fd, buf, 10, 8192), 0);
	CHECK_EQ(rump_sys_pread(fd, buf, 10, 100000), 0);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/etr_rw"), 0);
}

TEST(reg_writes_land_at_begin_plus_offset)
{
	uint8_t buf[512], got[512];
	int fd;

	host_mkfile("a", 65536);
	CHECK_EQ(rump_pub_etfs_register_withsize("/etr_ww", H("a"), REG, 8192,
	    16384), 0);
	fd = rump_sys_open("/etr_ww", RUMP_O_RDWR, 0);
	memset(buf, 0xab, sizeof(buf));
	CHECK_EQ(rump_sys_pwrite(fd, buf, sizeof(buf), 1000), 512);
	CHECK_EQ(host_pread("a", got, sizeof(got), 8192 + 1000), 512);
	CHECK(memcmp(got, buf, 512) == 0);
	/* neighbours untouched */
	CHECK_EQ(host_pread("a", got, 1, 8192 + 999), 1);
	CHECK_EQ(got[0], pat(8192 + 999));
	CHECK_EQ(host_pread("a", got, 1, 8192 + 1512), 1);
	CHECK_EQ(got[0], pat(8192 + 1512));
	CHECK_EQ(kstat("/etr_ww").st_size, 16384);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/etr_ww"), 0);
}

/* A window with a size is a file that cannot grow past it. */
TEST(reg_write_stops_at_window)
{
	uint8_t buf[4096];
	int fd;

	host_mkfile("a", 65536);
	memset(buf, 'w', sizeof(buf));
	CHECK_EQ(rump_pub_etfs_register_withsize("/etr_lim", H("a"), REG, 0,
	    8192), 0);
	fd = rump_sys_open("/etr_lim", RUMP_O_RDWR, 0);
	CHECK_EQ(rump_sys_pwrite(fd, buf, 4096, 6144), 2048);
	CHECK_ERR(rump_sys_pwrite(fd, buf, 1, 8192), RUMP_EFBIG);
	CHECK_EQ(host_size("a"), 65536);
	CHECK_EQ(kstat("/etr_lim").st_size, 8192);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/etr_lim"), 0);
}

/* "To the end of the file": the file grows like any other. */
TEST(reg_endoff_file_grows)
{
	uint8_t buf[100], got[100];
	int fd;

	host_mkfile("a", 1000);
	memset(buf, 'g', sizeof(buf));
	CHECK_EQ(rump_pub_etfs_register("/etr_grow", H("a"), REG), 0);
	fd = rump_sys_open("/etr_grow", RUMP_O_RDWR, 0);
	CHECK_EQ(rump_sys_pwrite(fd, buf, 100, 5000), 100);
	CHECK_EQ(kstat("/etr_grow").st_size, 5100);
	CHECK_EQ(host_size("a"), 5100);
	CHECK_EQ(host_pread("a", got, 100, 5000), 100);
	CHECK(memcmp(got, buf, 100) == 0);
	/* the hole reads zeros through the kernel too */
	CHECK_EQ(rump_sys_pread(fd, got, 10, 2000), 10);
	CHECK(got[0] == 0 && got[9] == 0);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/etr_grow"), 0);
}

TEST(reg_append_writes_at_end)
{
	uint8_t got[4];
	int fd;

	host_mkfile("a", 1000);
	CHECK_EQ(rump_pub_etfs_register_withsize("/etr_app", H("a"), REG, 0,
	    ENDOFF), 0);
	fd = rump_sys_open("/etr_app", RUMP_O_WRONLY | RUMP_O_APPEND, 0);
	CHECK_EQ(rump_sys_write(fd, "tail", 4), 4);
	CHECK_EQ(host_pread("a", got, 4, 1000), 4);
	CHECK(memcmp(got, "tail", 4) == 0);
	CHECK_EQ(kstat("/etr_app").st_size, 1004);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/etr_app"), 0);
}

TEST(reg_truncate_within_window)
{
	uint8_t got[16];
	int fd;

	host_mkfile("a", 8192);
	CHECK_EQ(rump_pub_etfs_register_withsize("/etr_tr", H("a"), REG, 0,
	    8192), 0);
	fd = rump_sys_open("/etr_tr", RUMP_O_RDWR, 0);
	CHECK_OK(rump_sys_ftruncate(fd, 100));
	CHECK_EQ(kstat("/etr_tr").st_size, 100);
	CHECK_EQ(rump_sys_pread(fd, got, 16, 100), 0);
	/* growing again reads zeros, on the host too */
	CHECK_OK(rump_sys_ftruncate(fd, 4096));
	CHECK_EQ(rump_sys_pread(fd, got, 16, 200), 16);
	CHECK(got[0] == 0 && got[15] == 0);
	CHECK_EQ(host_pread("a", got, 16, 200), 16);
	CHECK(got[0] == 0 && got[15] == 0);
	CHECK_EQ(host_pread("a", got, 1, 4096), 1);
	CHECK_EQ(got[0], pat(4096));
	CHECK_ERR(rump_sys_ftruncate(fd, 8193), RUMP_EFBIG);
	CHECK_ERR(rump_sys_ftruncate(fd, -1), RUMP_EINVAL);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/etr_tr"), 0);
}

TEST(reg_open_trunc_empties_the_file)
{
	host_mkfile("a", 8192);
	CHECK_EQ(rump_pub_etfs_register("/etr_ot", H("a"), REG), 0);
	CHECK_EQ(t_write_file("/etr_ot", "new", 3), 0);
	CHECK_EQ(kstat("/etr_ot").st_size, 3);
	CHECK_EQ(rump_pub_etfs_remove("/etr_ot"), 0);
}

TEST(reg_fsync_reaches_host)
{
	int fd;
	unsigned long before;

	host_mkfile("a", 8192);
	CHECK_EQ(rump_pub_etfs_register("/etr_fs", H("a"), REG), 0);
	fd = rump_sys_open("/etr_fs", RUMP_O_RDWR, 0);
	before = rumpuser_fault_calls(RUMPUSER_FSYNC);
	CHECK_OK(rump_sys_fsync(fd));
	CHECK_OK(rump_sys_fdatasync(fd));
	CHECK_EQ(rumpuser_fault_calls(RUMPUSER_FSYNC) - before, 2);
	/* the host's error comes back */
	rumpuser_fault_set(RUMPUSER_FSYNC, 0, 1, RUMP_EIO);
	CHECK_ERR(rump_sys_fsync(fd), RUMP_EIO);
	rumpuser_fault_clear();
	CHECK_OK(rump_sys_fsync(fd));
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/etr_fs"), 0);
}

TEST(reg_remove_while_open_ebusy)
{
	int fd;

	host_mkfile("a", 512);
	CHECK_EQ(rump_pub_etfs_register("/etr_busy", H("a"), REG), 0);
	fd = rump_sys_open("/etr_busy", RUMP_O_RDONLY, 0);
	CHECK(fd != -1);
	CHECK_EQ(rump_pub_etfs_remove("/etr_busy"), RUMP_EBUSY);
	CHECK(RUMP_S_ISREG(kstat("/etr_busy").st_mode));
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/etr_busy"), 0);
	CHECK_EQ(kstat("/etr_busy").st_mode, 0);
}

TEST(reg_remove_while_cwd_ebusy)
{
	mkdir(H("d"), 0755);
	CHECK_EQ(rump_pub_etfs_register("/etr_cwd", H("d"), RUMP_ETFS_DIR), 0);
	CHECK_OK(rump_sys_chdir("/etr_cwd"));
	CHECK_EQ(rump_pub_etfs_remove("/etr_cwd"), RUMP_EBUSY);
	CHECK_OK(rump_sys_chdir("/"));
	CHECK_EQ(rump_pub_etfs_remove("/etr_cwd"), 0);
}

/* --- directory keys -------------------------------------------------------------- */

static void
mk_hosttree(void)
{
	mkdir(H("tree"), 0755);
	mkdir(H("tree/sub"), 0755);
	host_mkfile("tree/f1", 1234);
	host_mkfile("tree/sub/f2", 777);
	mkfifo(H("tree/fifo"), 0644);
}

TEST(dir_key_shows_host_files)
{
	uint8_t buf[2000];
	struct rump_stat st;

	mk_hosttree();
	CHECK_EQ(rump_pub_etfs_register("/etr_dir", H("tree"), RUMP_ETFS_DIR),
	    0);
	st = kstat("/etr_dir");
	CHECK_EQ(st.st_mode, RUMP_S_IFDIR | 0755);
	CHECK_EQ(kstat("/etr_dir/f1").st_size, 1234);
	CHECK_EQ(t_read_file("/etr_dir/f1", buf, sizeof(buf)), 1234);
	CHECK(is_pattern(buf, 1234, 0));
	CHECK_EQ(rump_pub_etfs_remove("/etr_dir"), 0);
}

TEST(dir_key_hides_other_host_types)
{
	mk_hosttree();
	CHECK_EQ(rump_pub_etfs_register("/etr_dir", H("tree"), RUMP_ETFS_DIR),
	    0);
	CHECK_ERR(rump_sys_open("/etr_dir/fifo", RUMP_O_RDONLY, 0),
	    RUMP_ENOENT);
	CHECK_ERR(rump_sys_open("/etr_dir/none", RUMP_O_RDONLY, 0),
	    RUMP_ENOENT);
	CHECK_EQ(rump_pub_etfs_remove("/etr_dir"), 0);
}

/* DIR shows host subdirectories empty; DIR_SUBDIRS maps them. */
TEST(dir_key_subdirectories)
{
	mk_hosttree();
	CHECK_EQ(rump_pub_etfs_register("/etr_d1", H("tree"), RUMP_ETFS_DIR),
	    0);
	CHECK_EQ(rump_pub_etfs_register("/etr_d2", H("tree"),
	    RUMP_ETFS_DIR_SUBDIRS), 0);
	CHECK(RUMP_S_ISDIR(kstat("/etr_d1/sub").st_mode));
	CHECK_EQ(kstat("/etr_d1/sub/f2").st_mode, 0);
	CHECK_EQ(errno, RUMP_ENOENT);
	CHECK_EQ(kstat("/etr_d2/sub/f2").st_size, 777);
	CHECK_EQ(rump_pub_etfs_remove("/etr_d1"), 0);
	CHECK_EQ(rump_pub_etfs_remove("/etr_d2"), 0);
}

TEST(dir_key_dotdot_inside_eopnotsupp)
{
	mk_hosttree();
	CHECK_EQ(rump_pub_etfs_register("/etr_dd", H("tree"),
	    RUMP_ETFS_DIR_SUBDIRS), 0);
	CHECK_ERR(rump_sys_open("/etr_dd/sub/../f1", RUMP_O_RDONLY, 0),
	    RUMP_EOPNOTSUPP);
	/* from the key itself, ".." is the directory holding it */
	CHECK(RUMP_S_ISDIR(kstat("/etr_dd/../dev").st_mode));
	CHECK_EQ(rump_pub_etfs_remove("/etr_dd"), 0);
}

TEST(dir_key_writes_reach_host_file)
{
	uint8_t got[5];
	int fd;

	mk_hosttree();
	CHECK_EQ(rump_pub_etfs_register("/etr_dw", H("tree"), RUMP_ETFS_DIR),
	    0);
	fd = rump_sys_open("/etr_dw/f1", RUMP_O_RDWR, 0);
	CHECK(fd != -1);
	CHECK_EQ(rump_sys_pwrite(fd, "hello", 5, 10), 5);
	CHECK_OK(rump_sys_fsync(fd));
	rump_sys_close(fd);
	CHECK_EQ(host_pread("tree/f1", got, 5, 10), 5);
	CHECK(memcmp(got, "hello", 5) == 0);
	CHECK_EQ(rump_pub_etfs_remove("/etr_dw"), 0);
}

TEST(dir_key_names_cannot_be_made_or_removed)
{
	mk_hosttree();
	CHECK_EQ(rump_pub_etfs_register("/etr_dm", H("tree"),
	    RUMP_ETFS_DIR_SUBDIRS), 0);
	CHECK_ERR(rump_sys_open("/etr_dm/new", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644), RUMP_EOPNOTSUPP);
	CHECK_ERR(rump_sys_mkdir("/etr_dm/newdir", 0755), RUMP_EOPNOTSUPP);
	CHECK_ERR(rump_sys_unlink("/etr_dm/f1"), RUMP_EOPNOTSUPP);
	CHECK_ERR(rump_sys_rmdir("/etr_dm/sub"), RUMP_EOPNOTSUPP);
	CHECK_ERR(rump_sys_rename("/etr_dm/f1", "/etr_dm/f3"),
	    RUMP_EOPNOTSUPP);
	CHECK_ERR(rump_sys_rmdir("/etr_dm"), RUMP_EBUSY);
	CHECK_EQ(access(H("tree/f1"), F_OK), 0);
	CHECK_EQ(rump_pub_etfs_remove("/etr_dm"), 0);
}

/* A DIR key owns every name below it; a prefix that is not a path
 * component is another name (NetBSD's compare has no such check). */
TEST(dir_key_prefix_eexist)
{
	mk_hosttree();
	host_mkfile("a", 512);
	CHECK_EQ(rump_pub_etfs_register("/etr_hd", H("tree"), RUMP_ETFS_DIR),
	    0);
	CHECK_EQ(rump_pub_etfs_register("/etr_hd/x", H("a"), REG), RUMP_EEXIST);
	CHECK_EQ(rump_pub_etfs_register("/etr_hd/x/y", H("a"), REG),
	    RUMP_EEXIST);
	CHECK_EQ(rump_pub_etfs_register("/etr_hdx", H("a"), REG), 0);
	CHECK_EQ(rump_pub_etfs_remove("/etr_hdx"), 0);
	CHECK_EQ(rump_pub_etfs_remove("/etr_hd"), 0);
}

TEST(dir_key_remove_while_file_open_ebusy)
{
	int fd;

	mk_hosttree();
	CHECK_EQ(rump_pub_etfs_register("/etr_do", H("tree"),
	    RUMP_ETFS_DIR_SUBDIRS), 0);
	fd = rump_sys_open("/etr_do/sub/f2", RUMP_O_RDONLY, 0);
	CHECK(fd != -1);
	CHECK_EQ(rump_pub_etfs_remove("/etr_do"), RUMP_EBUSY);
	rump_sys_close(fd);
	CHECK_EQ(rump_pub_etfs_remove("/etr_do"), 0);
}

TEST(dir_key_relative_lookups)
{
	uint8_t buf[10];

	mk_hosttree();
	CHECK_EQ(rump_pub_etfs_register("/etr_rel", H("tree"),
	    RUMP_ETFS_DIR_SUBDIRS), 0);
	CHECK_OK(rump_sys_chdir("/etr_rel/sub"));
	CHECK_EQ(t_read_file("f2", buf, sizeof(buf)), 10);
	CHECK(is_pattern(buf, 10, 0));
	CHECK_OK(rump_sys_chdir("/"));
	CHECK_EQ(rump_pub_etfs_remove("/etr_rel"), 0);
}

/* Looking a host name up twice finds the same file while it is in
 * use (rename and friends compare vnodes). */
TEST(dir_key_same_name_same_file)
{
	struct rump_stat a, b;
	int fd1, fd2;

	mk_hosttree();
	CHECK_EQ(rump_pub_etfs_register("/etr_same", H("tree"), RUMP_ETFS_DIR),
	    0);
	fd1 = rump_sys_open("/etr_same/f1", RUMP_O_RDONLY, 0);
	fd2 = rump_sys_open("/etr_same/./f1", RUMP_O_RDONLY, 0);
	CHECK(fd1 != -1 && fd2 != -1);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	CHECK_OK(rump_sys_fstat(fd1, (void *)&a));
	CHECK_OK(rump_sys_fstat(fd2, (void *)&b));
	CHECK_EQ(a.st_ino, b.st_ino);
	rump_sys_close(fd1);
	rump_sys_close(fd2);
	CHECK_EQ(rump_pub_etfs_remove("/etr_same"), 0);
}

/* --- concurrency ------------------------------------------------------------------ */

struct churn {
	int	id;
	int	errors;
};

/* Register, use and remove keys of one's own, over and over, while
 * others do the same in the same directories. */
static void *
churn(void *arg)
{
	struct churn *c = arg;
	char key[64], path[256];
	uint8_t buf[64];
	int fd;

	/* H() is for one thread */
	snprintf(path, sizeof(path), "%s/churn%d", hostdir, c->id);
	snprintf(key, sizeof(key), "/etr_churn/d%d/k", c->id % 2);
	for (int i = 0; i < 200; i++) {
		if (rump_pub_etfs_register(key, path, REG) != 0) {
			/* the other thread of the same key holds it */
			continue;
		}
		if ((fd = rump_sys_open(key, RUMP_O_RDONLY, 0)) != -1) {
			if (rump_sys_read(fd, buf, sizeof(buf)) != 64)
				c->errors++;
			rump_sys_close(fd);
		}
		if (rump_pub_etfs_remove(key) != 0)
			c->errors++;
	}
	return NULL;
}

TEST(register_remove_concurrently)
{
	pthread_t t[4];
	struct churn c[4];

	for (int i = 0; i < 4; i++) {
		char file[64];

		snprintf(file, sizeof(file), "churn%d", i);
		host_mkfile(file, 4096);
	}
	for (int i = 0; i < 4; i++) {
		c[i].id = i;
		c[i].errors = 0;
		pthread_create(&t[i], NULL, churn, &c[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(c[i].errors, 0);
	}
	CHECK_EQ(kstat("/etr_churn").st_mode, 0);
}

/* Many lookups of host names while the key is being removed: the
 * removal waits for none of them, and fails only while one is open. */
static void *
lookup_loop(void *arg)
{
	_Atomic int *stop = arg;
	uint8_t buf[16];

	while (!atomic_load(stop)) {
		int fd = rump_sys_open("/etr_race/sub/f2", RUMP_O_RDONLY, 0);

		if (fd != -1) {
			(void)rump_sys_read(fd, buf, sizeof(buf));
			rump_sys_close(fd);
		}
	}
	return NULL;
}

TEST(dir_key_remove_races_lookups)
{
	static _Atomic int stop;
	pthread_t t[3];
	int error = RUMP_EBUSY, tries = 0;

	mk_hosttree();
	atomic_store(&stop, 0);
	CHECK_EQ(rump_pub_etfs_register("/etr_race", H("tree"),
	    RUMP_ETFS_DIR_SUBDIRS), 0);
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, lookup_loop, (void *)&stop);
	/* Busy while a lookup holds the key: retry, pausing a little so
	 * that on a loaded machine the lookups let go between tries. */
	while (error == RUMP_EBUSY && tries++ < 200000) {
		struct timespec pause = { 0, 20000 };

		if ((error = rump_pub_etfs_remove("/etr_race")) == RUMP_EBUSY &&
		    tries > 1000)
			nanosleep(&pause, NULL);
	}
	CHECK_EQ(error, 0);
	atomic_store(&stop, 1);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(kstat("/etr_race").st_mode, 0);
}
