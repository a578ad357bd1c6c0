/*
 * t_kern_reboot: reboot(2)'s howto bits (netbsd-abi.md 9.1,
 * rump-server.md 11).  A halt ends the process, so each test boots a
 * kernel in a child and looks at how the child ended and what it
 * printed.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

int t_no_kernel = 1;

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

static void
boot(void)
{
	if (rump_init() != 0)
		_exit(1);
}

static void
bootstr_fault(void)
{
	boot();
	if (rump_sys_reboot(RUMP_RB_STRING, (void *)0x7ff0dead0000) != -1 ||
	    errno != RUMP_EFAULT)
		_exit(2);
	if (rump_sys_reboot(RUMP_RB_STRING, NULL) != -1 ||
	    errno != RUMP_EFAULT)
		_exit(3);
	_exit(rump_sys_getpid() > 0 ? 0 : 4);	/* still running */
}

TEST(reboot_rb_string_bad_pointer_efault)
{
	char out[4096];

	CHECK_EQ(child(bootstr_fault, out, sizeof(out)), 0);
	CHECK(strstr(out, "halting") == NULL);
}

static void
bootstr_ok(void)
{
	boot();
	rump_sys_reboot(RUMP_RB_STRING | RUMP_RB_NOSYNC, "netbsd -s");
	_exit(3);
}

TEST(reboot_rb_string_halts)
{
	char out[4096];

	CHECK_EQ(child(bootstr_ok, out, sizeof(out)), 0);
	CHECK(strstr(out, "rump kernel halting...") != NULL);
	CHECK(strstr(out, "halted") != NULL);
}

static void
dump(void)
{
	boot();
	rump_sys_reboot(RUMP_RB_DUMP | RUMP_RB_NOSYNC, NULL);
	_exit(3);
}

TEST(reboot_rb_dump_aborts)
{
	char out[4096];

	CHECK_EQ(child(dump, out, sizeof(out)), 128 + SIGABRT);
	CHECK(strstr(out, "rump kernel halting...") != NULL);
}

static void
halt_stays(void)
{
	boot();
	alarm(1);	/* RB_HALT sleeps for ever: end it from outside */
	rump_sys_reboot(RUMP_RB_HALT | RUMP_RB_NOSYNC, NULL);
	_exit(3);
}

TEST(reboot_rb_halt_does_not_exit)
{
	char out[4096];

	CHECK_EQ(child(halt_stays, out, sizeof(out)), 128 + SIGALRM);
	CHECK(strstr(out, "rump kernel halted (with RB_HALT, not exiting)")
	    != NULL);
}

static void
powerdown(void)
{
	boot();
	alarm(1);
	rump_sys_reboot(RUMP_RB_POWERDOWN | RUMP_RB_NOSYNC, NULL);
	_exit(3);
}

TEST(reboot_rb_powerdown_contains_halt)
{
	char out[4096];

	CHECK_EQ(child(powerdown, out, sizeof(out)), 128 + SIGALRM);
	CHECK(strstr(out, "with RB_HALT") != NULL);
}

static void
nonroot_keeps_running(void)
{
	boot();
	if (rump_pub_lwproc_rfork(RUMP_RFCFDG) != 0 ||
	    rump_sys_seteuid(7) == -1)
		_exit(2);
	if (rump_sys_reboot(RUMP_RB_STRING, (void *)1) != -1 ||
	    errno != RUMP_EPERM)	/* permission before the string */
		_exit(3);
	_exit(rump_sys_getpid() > 0 ? 0 : 4);
}

TEST(reboot_nonroot_eperm_before_bootstr)
{
	char out[4096];

	CHECK_EQ(child(nonroot_keeps_running, out, sizeof(out)), 0);
	CHECK(strstr(out, "halting") == NULL);
}
