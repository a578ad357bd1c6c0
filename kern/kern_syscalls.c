/*
 * kern_syscalls.c: the kern faction's system call table, and the
 * kernel's random numbers.
 *
 * One row per NetBSD system call number this faction serves: the
 * function (kern/sys_kern.h says which file has it) and its count of
 * argument slots.  Numbers missing here answer ENOSYS unless another
 * faction registers them.  modctl (246) is kern/module_sys.c's.
 */
#include "kern/module.h"
#include "kern/sys_kern.h"

static const struct syscall_reg kern_syscalls[] = {
	{ 3, sys_read, 3 },
	{ 4, sys_write, 3 },
	{ 6, sys_close, 1 },
	{ 20, sys_getpid, 0 },
	{ 23, sys_setuid, 1 },
	{ 24, sys_getuid, 0 },
	{ 25, sys_geteuid, 0 },
	{ 39, sys_getppid, 0 },
	{ 41, sys_dup, 1 },
	{ 42, sys_pipe, 0 },
	{ 43, sys_getegid, 0 },
	{ 47, sys_getgid, 0 },
	{ 49, sys___getlogin, 2 },
	{ 50, sys___setlogin, 1 },
	{ 54, sys_ioctl, 3 },
	{ 79, sys_getgroups, 2 },
	{ 80, sys_setgroups, 2 },
	{ 81, sys_getpgrp, 0 },
	{ 82, sys_setpgid, 2 },
	{ 90, sys_dup2, 2 },
	{ 92, sys_fcntl, 3 },
	{ 120, sys_readv, 3 },
	{ 121, sys_writev, 3 },
	{ 126, sys_setreuid, 2 },
	{ 127, sys_setregid, 2 },
	{ 131, sys_flock, 2 },
	{ 147, sys_setsid, 0 },
	{ 181, sys_setgid, 1 },
	{ 182, sys_setegid, 1 },
	{ 183, sys_seteuid, 1 },
	{ 192, sys_fpathconf, 2 },
	{ 194, sys_getrlimit, 2 },
	{ 195, sys_setrlimit, 2 },
	{ 202, sys___sysctl, 6 },
	{ 207, sys_getpgid, 1 },
	{ 208, sys_reboot, 2 },
	{ 209, sys_poll, 3 },
	{ 235, sys_timer_create, 3 },
	{ 236, sys_timer_delete, 1 },
	{ 246, sys_modctl, 2 },
	{ 239, sys_timer_getoverrun, 1 },
	{ 286, sys_getsid, 1 },
	{ 288, sys_fktrace, 4 },
	{ 305, sys_issetugid, 0 },
	{ 306, sys_utrace, 3 },
	{ 344, sys_kqueue, 0 },
	{ 416, sys_posix_fadvise, 5 },
	{ 417, sys_select, 5 },
	{ 418, sys_gettimeofday, 2 },
	{ 419, sys_settimeofday, 2 },
	{ 421, sys_adjtime, 2 },
	{ 425, sys_setitimer, 3 },
	{ 426, sys_getitimer, 2 },
	{ 427, sys_clock_gettime, 2 },
	{ 428, sys_clock_settime, 2 },
	{ 429, sys_clock_getres, 2 },
	{ 430, sys_nanosleep, 2 },
	{ 435, sys___kevent50, 6 },
	{ 436, sys_pselect, 6 },
	{ 437, sys_pollts, 4 },
	{ 440, sys_fstat, 2 },
	{ 446, sys___timer_settime50, 4 },
	{ 447, sys___timer_gettime50, 2 },
	{ 453, sys_pipe2, 2 },
	{ 454, sys_dup3, 3 },
	{ 455, sys_kqueue1, 1 },
	{ 477, sys_clock_nanosleep, 4 },
};

int
kern_syscalls_init(void)
{
	prot_init();
	poll_init();
	kqueue_init();
	ptimer_init();
	ktrace_init();
	module_init();
	syscall_register(kern_syscalls,
	    sizeof(kern_syscalls) / sizeof(kern_syscalls[0]));
	return 0;
}

/* A random 32-bit number: the host's, or a mixed clock if it fails. */
uint32_t
kern_random(void)
{
	static _Atomic uint64_t fallback;
	struct rump_timespec ts;
	uint32_t v;
	size_t done;
	uint64_t x;

	if (rumpuser_getrandom(&v, sizeof(v), &done) == 0 &&
	    done == sizeof(v))
		return v;
	nanouptime(&ts);
	x = atomic_fetch_add(&fallback, 0x9e3779b97f4a7c15ULL) ^
	    (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32);
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (uint32_t)x;
}
