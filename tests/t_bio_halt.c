/*
 * t_bio_halt: what halting does with the buffer cache.  reboot(2)
 * without RB_NOSYNC writes every delayed write before the process
 * ends ("syncing disks... done"); a device that refuses them is named
 * in the console output ("giving up") instead of being dropped in
 * silence; RB_NOSYNC leaves them unwritten, as NetBSD.  A halt ends
 * the process, so each kernel runs in a child, on a RAM disk whose
 * bytes live in memory shared with the parent.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "t_bio_util.h"

int t_no_kernel = 1;

#define DISK	(256 * 1024)

static int unit;

/* Run fn in a child, stdout captured; its exit status, or 128+signal. */
static int
child(void (*fn)(void), char *out, size_t outlen)
{
	int p[2], status;
	pid_t pid;
	ssize_t n;
	size_t got = 0;

	if (pipe(p) == -1)
		return -1;
	fflush(stdout);
	if ((pid = fork()) == 0) {
		struct rlimit nocore = { 0, 0 };

		setrlimit(RLIMIT_CORE, &nocore);
		close(p[0]);
		dup2(p[1], 1);
		fn();
		_exit(100);
	}
	close(p[1]);
	while (got + 1 < outlen && (n = read(p[0], out + got,
	    outlen - got - 1)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(p[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Boot, write 100 KiB of pattern 7 at 4096 through a node, no fsync. */
static void
boot_and_write(void)
{
	static char buf[100 * 1024];
	int fd;

	if (rump_init() != 0 || rd_attach() != 0)
		_exit(1);
	KDO(bio_setsyncdelay(3600 * T_NSEC));
	if (rd_node("/disk", unit) != 0)
		_exit(2);
	if ((fd = rump_sys_open("/disk", RUMP_O_RDWR, 0)) == -1)
		_exit(3);
	pattern(buf, sizeof(buf), 4096, 7);
	if (rump_sys_pwrite(fd, buf, sizeof(buf), 4096) != sizeof(buf))
		_exit(4);
	if (RD_GET(unit, writes) != 0)
		_exit(5);		/* it was meant to be delayed */
}

static bool
disk_has_the_write(void)
{
	static char want[100 * 1024];

	pattern(want, sizeof(want), 4096, 7);
	return rd_has(unit, 4096, want, sizeof(want));
}

static void
write_then_halt(void)
{
	boot_and_write();
	rump_sys_reboot(0, NULL);
	_exit(6);
}

TEST(halt_writes_delayed_writes)
{
	char out[8192];

	unit = rd_new2(DISK, 512, 0, true);
	CHECK_EQ(child(write_then_halt, out, sizeof(out)), 0);
	CHECK(disk_has_the_write());
	CHECK(strstr(out, "syncing disks... done") != NULL);
	CHECK(strstr(out, "giving up") == NULL);
}

static void
write_then_halt_open(void)
{
	static char buf[512];
	int fd;

	boot_and_write();
	/* a second open file of the device, never closed */
	if ((fd = rump_sys_open("/disk", RUMP_O_RDWR, 0)) == -1)
		_exit(7);
	pattern(buf, sizeof(buf), 0, 8);
	if (rump_sys_pwrite(fd, buf, sizeof(buf), 0) != sizeof(buf))
		_exit(8);
	rump_sys_reboot(0, NULL);
	_exit(6);
}

TEST(halt_writes_the_buffers_of_open_devices)
{
	char out[8192], want[512];

	unit = rd_new2(DISK, 512, 0, true);
	CHECK_EQ(child(write_then_halt_open, out, sizeof(out)), 0);
	CHECK(disk_has_the_write());
	pattern(want, sizeof(want), 0, 8);
	CHECK(memcmp(t_rd[unit].data, want, sizeof(want)) == 0);
}

static void
write_then_halt_nosync(void)
{
	boot_and_write();
	rump_sys_reboot(RUMP_RB_NOSYNC, NULL);
	_exit(6);
}

TEST(halt_with_rb_nosync_writes_nothing)
{
	char out[8192];
	static char zero[DISK];

	unit = rd_new2(DISK, 512, 0, true);
	CHECK_EQ(child(write_then_halt_nosync, out, sizeof(out)), 0);
	CHECK(memcmp(t_rd[unit].data, zero, DISK) == 0);
	CHECK(strstr(out, "syncing disks") == NULL);
}

static void
write_fail_then_halt(void)
{
	boot_and_write();
	RD_SET(unit, fail_write, RUMP_EIO);
	rump_sys_reboot(0, NULL);
	_exit(6);
}

TEST(halt_names_what_could_not_be_written)
{
	char out[8192];

	unit = rd_new2(DISK, 512, 0, true);
	CHECK_EQ(child(write_fail_then_halt, out, sizeof(out)), 0);
	CHECK(!disk_has_the_write());
	CHECK(strstr(out, "syncing disks... giving up") != NULL);
	CHECK(strstr(out, "bytes not written: error 5") != NULL);
	CHECK(strstr(out, "dirty buffers could not be written") != NULL);
}

static void
syncer_then_halt(void)
{
	boot_and_write();
	KDO(bio_setsyncdelay(T_NSEC / 20));
	t_sleep_ms(500);		/* the syncer is running now */
	if (!disk_has_the_write())
		_exit(9);
	rump_sys_reboot(0, NULL);	/* and must stop for the exit */
	_exit(6);
}

TEST(halt_stops_a_running_syncer)
{
	char out[8192];

	unit = rd_new2(DISK, 512, 0, true);
	CHECK_EQ(child(syncer_then_halt, out, sizeof(out)), 0);
	CHECK(strstr(out, "halted") != NULL);
}

static char hostfile[64];

static void
etfs_write_then_halt(void)
{
	static char buf[100 * 1024];
	int fd;

	if (rump_init() != 0)
		_exit(1);
	KDO(bio_setsyncdelay(3600 * T_NSEC));
	if (rump_pub_etfs_register("/dev/hd", hostfile, RUMP_ETFS_BLK) != 0)
		_exit(2);
	if ((fd = rump_sys_open("/dev/hd", RUMP_O_RDWR, 0)) == -1)
		_exit(3);
	pattern(buf, sizeof(buf), 4096, 9);
	if (rump_sys_pwrite(fd, buf, sizeof(buf), 4096) != sizeof(buf))
		_exit(4);
	rump_sys_reboot(0, NULL);
	_exit(6);
}

TEST(halt_writes_delayed_writes_to_an_etfs_host_file)
{
	static char want[100 * 1024], got[100 * 1024];
	char out[8192];
	int fd;

	snprintf(hostfile, sizeof(hostfile), "/tmp/t_bio_halt.XXXXXX");
	CHECK((fd = mkstemp(hostfile)) != -1);
	CHECK_OK(ftruncate(fd, DISK));
	CHECK_EQ(child(etfs_write_then_halt, out, sizeof(out)), 0);
	pattern(want, sizeof(want), 4096, 9);
	CHECK_EQ(pread(fd, got, sizeof(got), 4096), (ssize_t)sizeof(got));
	CHECK(memcmp(got, want, sizeof(got)) == 0);
	CHECK(strstr(out, "syncing disks... done") != NULL);
	close(fd);
	unlink(hostfile);
}
