/*
 * t_boot: booting with the environment variables of rump_server(1)
 * and halting.  Each test runs a fresh kernel in a child process.
 */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

int t_no_kernel = 1;

/* Run fn in a child with stdout captured; returns its exit status. */
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

static void
ncpu3(void)
{
	int mib[2] = { RUMP_CTL_HW, 3 }, n = 0;
	size_t len = sizeof(n);

	setenv("RUMP_NCPU", "3", 1);
	if (rump_init() != 0)
		_exit(1);
	if (rump_sys___sysctl(mib, 2, &n, &len, NULL, 0) == -1)
		_exit(2);
	_exit(n == 3 ? 0 : 3);
}

TEST(boot_ncpu_sets_hw_ncpu)
{
	char out[4096];

	CHECK_EQ(child(ncpu3, out, sizeof(out)), 0);
}

static void
ncpu_bad(void)
{
	setenv("RUMP_NCPU", "0", 1);
	_exit(rump_init() == RUMP_EINVAL ? 0 : 1);
}

TEST(boot_ncpu_zero_fails_cleanly)
{
	char out[4096];

	CHECK_EQ(child(ncpu_bad, out, sizeof(out)), 0);
	CHECK(strstr(out, "RUMP_NCPU") != NULL);
}

static void
memlimit_bad(void)
{
	setenv("RUMP_MEMLIMIT", "12x", 1);
	_exit(rump_init() == RUMP_EINVAL ? 0 : 1);
}

TEST(boot_memlimit_garbage_fails_cleanly)
{
	char out[4096];

	CHECK_EQ(child(memlimit_bad, out, sizeof(out)), 0);
	CHECK(strstr(out, "RUMP_MEMLIMIT") != NULL);
}

static void
memlimit_physmem(void)
{
	int mib[2] = { RUMP_CTL_HW, 13 };
	int64_t mem = 0;
	size_t len = sizeof(mem);

	setenv("RUMP_MEMLIMIT", "16m", 1);
	if (rump_init() != 0)
		_exit(1);
	if (rump_sys___sysctl(mib, 2, &mem, &len, NULL, 0) == -1)
		_exit(2);
	_exit(mem == 16 * 1024 * 1024 ? 0 : 3);
}

TEST(boot_memlimit_suffix_is_physmem64)
{
	char out[4096];

	CHECK_EQ(child(memlimit_physmem, out, sizeof(out)), 0);
}

static void
verbose(void)
{
	setenv("RUMP_VERBOSE", "1", 1);
	setenv("RUMP_NCPU", "2", 1);
	_exit(rump_init() == 0 ? 0 : 1);
}

TEST(boot_verbose_prints_cpus)
{
	char out[8192];

	CHECK_EQ(child(verbose, out, sizeof(out)), 0);
	CHECK(strstr(out, "cpu0 at thinair0: rump virtual cpu") != NULL);
	CHECK(strstr(out, "cpu1 at thinair0: rump virtual cpu") != NULL);
	CHECK(strstr(out, "cpu2 at") == NULL);
}

static void
quiet(void)
{
	unsetenv("RUMP_VERBOSE");
	_exit(rump_init() == 0 ? 0 : 1);
}

TEST(boot_quiet_by_default)
{
	char out[8192];

	CHECK_EQ(child(quiet, out, sizeof(out)), 0);
	CHECK_STR(out, "");
}

/* Halting syncs and unmounts, prints NetBSD's messages, exits 0. */
static void
halt(void)
{
	struct rump_tmpfs_args ta = { .ta_version = 1, .ta_root_mode = 0777 };

	if (rump_init() != 0)
		_exit(1);
	rump_sys_mkdir("/mnt", 0777);
	if (rump_sys_mount("tmpfs", "/mnt", 0, &ta, sizeof(ta)) == -1)
		_exit(2);
	rump_sys_reboot(0, NULL);
	_exit(3);	/* reboot does not return */
}

TEST(reboot_syncs_unmounts_and_exits)
{
	char out[8192];

	CHECK_EQ(child(halt, out, sizeof(out)), 0);
	CHECK(strstr(out, "rump kernel halting...") != NULL);
	CHECK(strstr(out, "unmounting file systems... done") != NULL);
	CHECK(strstr(out, "halted") != NULL);
}

static void
halt_nosync(void)
{
	if (rump_init() != 0)
		_exit(1);
	rump_sys_reboot(RUMP_RB_NOSYNC, NULL);
	_exit(3);
}

TEST(reboot_nosync_skips_unmount)
{
	char out[8192];

	CHECK_EQ(child(halt_nosync, out, sizeof(out)), 0);
	CHECK(strstr(out, "rump kernel halting...") != NULL);
	CHECK(strstr(out, "syncing") == NULL);
}

static void
reboot_nonroot(void)
{
	if (rump_init() != 0 || rump_pub_lwproc_rfork(RUMP_RFCFDG) != 0)
		_exit(1);
	if (rump_sys_setuid(1000) == -1)
		_exit(2);
	_exit(rump_sys_reboot(0, NULL) == -1 && errno == RUMP_EPERM ? 0 : 4);
}

TEST(reboot_needs_root)
{
	char out[8192];

	CHECK_EQ(child(reboot_nonroot, out, sizeof(out)), 0);
}

static void
syscall_before_init(void)
{
	_exit(rump_sys_getpid() == -1 ? 0 : 1);
}

TEST(syscall_before_rump_init_fails_cleanly)
{
	char out[4096];

	CHECK_EQ(child(syscall_before_init, out, sizeof(out)), 0);
}
