/*
 * t_kern_prot: process ids, credentials, groups, login names,
 * process groups and sessions, resource limits.  Each test runs as
 * root in its own process, a child of the rump kernel's init (pid 1).
 */
#include <pthread.h>

#include "t.h"
#include "kern/sysentry.h"

#define RLIM_MAX_DEFAULT	(~((uint64_t)1 << 63))

TEST(getpid_retval_pair_has_ppid)
{
	rump_register_t rv[2] = { -1, -1 };
	pid_t pid = rump_sys_getpid();

	CHECK(pid > 1);
	CHECK_EQ(rump_syscall(20, NULL, 0, rv), 0);
	CHECK_EQ(rv[0], pid);
	CHECK_EQ(rv[1], rump_sys_getppid());
	CHECK_EQ(rump_sys_getppid(), 1);
}

TEST(getuid_retval_pair_has_euid)
{
	rump_register_t rv[2] = { -1, -1 };

	CHECK_EQ(rump_syscall(24, NULL, 0, rv), 0);
	CHECK_EQ(rv[0], 0);
	CHECK_EQ(rv[1], 0);
	CHECK_OK(rump_sys_seteuid(0));
	CHECK_OK(rump_sys_setreuid(-1, 77));		/* euid 77 */
	CHECK_EQ(rump_syscall(24, NULL, 0, rv), 0);
	CHECK_EQ(rv[0], 0);
	CHECK_EQ(rv[1], 77);
	CHECK_EQ(rump_sys_getuid(), 0);
	CHECK_EQ(rump_sys_geteuid(), 77);
}

TEST(getgid_retval_pair_has_egid)
{
	rump_register_t rv[2] = { -1, -1 };

	CHECK_OK(rump_sys_setegid(31));
	CHECK_EQ(rump_syscall(47, NULL, 0, rv), 0);
	CHECK_EQ(rv[0], 0);
	CHECK_EQ(rv[1], 31);
	CHECK_EQ(rump_sys_getgid(), 0);
	CHECK_EQ(rump_sys_getegid(), 31);
}

TEST(setuid_as_root_sets_all_then_no_way_back)
{
	CHECK_OK(rump_sys_setuid(1000));
	CHECK_EQ(rump_sys_getuid(), 1000);
	CHECK_EQ(rump_sys_geteuid(), 1000);
	CHECK_ERR(rump_sys_setuid(0), RUMP_EPERM);
	CHECK_ERR(rump_sys_seteuid(0), RUMP_EPERM);
	CHECK_OK(rump_sys_setuid(1000));	/* to its own id: allowed */
	CHECK_EQ(rump_sys_getuid(), 1000);
}

TEST(setuid_high_bit_uid_read_as_32_bits)
{
	uint64_t slot = 0xffffffff00000010ULL;	/* garbage above uid 16 */
	rump_register_t rv[2];

	CHECK_EQ(rump_syscall(23, &slot, sizeof(slot), rv), 0);
	CHECK_EQ(rump_sys_getuid(), 16);
}

TEST(seteuid_to_saved_uid_and_back)
{
	CHECK_OK(rump_sys_setreuid(500, 600));	/* saved follows euid */
	CHECK_EQ(rump_sys_getuid(), 500);
	CHECK_EQ(rump_sys_geteuid(), 600);
	CHECK_OK(rump_sys_seteuid(500));	/* to the real id */
	CHECK_EQ(rump_sys_geteuid(), 500);
	CHECK_OK(rump_sys_seteuid(600));	/* back to the saved id */
	CHECK_EQ(rump_sys_geteuid(), 600);
	CHECK_ERR(rump_sys_seteuid(700), RUMP_EPERM);
}

TEST(setreuid_nonroot_swap)
{
	CHECK_OK(rump_sys_setreuid(10, 20));
	CHECK_OK(rump_sys_setreuid(20, 10));	/* swap: allowed */
	CHECK_EQ(rump_sys_getuid(), 20);
	CHECK_EQ(rump_sys_geteuid(), 10);
	CHECK_ERR(rump_sys_setreuid(30, -1), RUMP_EPERM);
	CHECK_ERR(rump_sys_setreuid(-1, 0), RUMP_EPERM);
	CHECK_EQ(rump_sys_getuid(), 20);
}

TEST(setgid_rules)
{
	CHECK_OK(rump_sys_setgid(50));
	CHECK_EQ(rump_sys_getgid(), 50);
	CHECK_EQ(rump_sys_getegid(), 50);
	CHECK_OK(rump_sys_setuid(1000));	/* no longer root */
	CHECK_ERR(rump_sys_setgid(0), RUMP_EPERM);
	CHECK_ERR(rump_sys_setegid(51), RUMP_EPERM);
	CHECK_ERR(rump_sys_setregid(51, -1), RUMP_EPERM);
	CHECK_OK(rump_sys_setgid(50));
	CHECK_OK(rump_sys_setregid(-1, 50));
}

TEST(issetugid_after_id_change)
{
	CHECK_EQ(rump_sys_issetugid(), 0);
	CHECK_OK(rump_sys_setuid(0));		/* no change: not tainted */
	CHECK_EQ(rump_sys_issetugid(), 0);
	CHECK_OK(rump_sys_seteuid(3));
	CHECK_EQ(rump_sys_issetugid(), 1);
}

TEST(groups_set_and_get)
{
	gid_t set[3] = { 5, 6, 7 }, got[16];

	CHECK_EQ(rump_sys_getgroups(0, NULL), 0);
	CHECK_OK(rump_sys_setgroups(3, set));
	CHECK_EQ(rump_sys_getgroups(0, NULL), 3);
	memset(got, 0, sizeof(got));
	CHECK_EQ(rump_sys_getgroups(16, got), 3);
	CHECK_EQ(got[0], 5);
	CHECK_EQ(got[2], 7);
	CHECK_ERR(rump_sys_getgroups(2, got), RUMP_EINVAL);
	CHECK_ERR(rump_sys_getgroups(3, NULL), RUMP_EFAULT);
	CHECK_OK(rump_sys_setgroups(0, NULL));
	CHECK_EQ(rump_sys_getgroups(0, NULL), 0);
}

TEST(setgroups_limits_and_root)
{
	gid_t set[17] = { 0 };

	CHECK_ERR(rump_sys_setgroups(17, set), RUMP_EINVAL);
	CHECK_ERR(rump_sys_setgroups(-1, set), RUMP_EINVAL);
	CHECK_ERR(rump_sys_setgroups(2, (gid_t *)0x7ff0dead0000),
	    RUMP_EFAULT);
	CHECK_OK(rump_sys_setgroups(16, set));
	CHECK_OK(rump_sys_setuid(9));
	CHECK_ERR(rump_sys_setgroups(1, set), RUMP_EPERM);
}

TEST(login_set_and_get)
{
	char name[32];

	CHECK_OK(rump_sys___setlogin("operator"));
	memset(name, 'x', sizeof(name));
	CHECK_OK(rump_sys___getlogin(name, sizeof(name)));
	CHECK_STR(name, "operator");
	/* a short buffer gets a prefix */
	memset(name, 0, sizeof(name));
	CHECK_OK(rump_sys___getlogin(name, 3));
	CHECK_STR(name, "ope");
}

TEST(login_errors)
{
	char name[32];

	CHECK_ERR(rump_sys___setlogin("abcdefghijklmnopq"), RUMP_EINVAL);
	CHECK_OK(rump_sys___setlogin("abcdefghijklmnop"));	/* 16 */
	CHECK_ERR(rump_sys___setlogin(NULL), RUMP_EFAULT);
	CHECK_ERR(rump_sys___getlogin(NULL, 8), RUMP_EFAULT);
	CHECK_OK(rump_sys_setuid(1));
	CHECK_ERR(rump_sys___setlogin("x"), RUMP_EPERM);
	memset(name, 0, sizeof(name));
	CHECK_OK(rump_sys___getlogin(name, sizeof(name)));
	CHECK_STR(name, "abcdefghijklmnop");
}

TEST(pgrp_and_session_inherited)
{
	pid_t pid = rump_sys_getpid();

	CHECK_EQ(rump_sys_getpgrp(), 1);
	CHECK_EQ(rump_sys_getpgid(0), 1);
	CHECK_EQ(rump_sys_getsid(0), 1);
	CHECK_EQ(rump_sys_getpgid(pid), 1);
	CHECK_EQ(rump_sys_getsid(1), 1);
	CHECK_ERR(rump_sys_getpgid(29999), RUMP_ESRCH);
	CHECK_ERR(rump_sys_getsid(29999), RUMP_ESRCH);
}

TEST(setsid_makes_new_session)
{
	pid_t pid = rump_sys_getpid();

	CHECK_EQ(rump_sys_setsid(), pid);
	CHECK_EQ(rump_sys_getsid(0), pid);
	CHECK_EQ(rump_sys_getpgrp(), pid);
	/* a group leader cannot start another session */
	CHECK_ERR(rump_sys_setsid(), RUMP_EPERM);
	/* nor can a session leader change group */
	CHECK_ERR(rump_sys_setpgid(0, 1), RUMP_EPERM);
	CHECK_OK(rump_sys_setpgid(0, 0));	/* no-op */
}

TEST(setpgid_own_group)
{
	pid_t pid = rump_sys_getpid();

	CHECK_OK(rump_sys_setpgid(0, 0));
	CHECK_EQ(rump_sys_getpgrp(), pid);
	CHECK_OK(rump_sys_setpgid(pid, 1));	/* back to init's group */
	CHECK_EQ(rump_sys_getpgrp(), 1);
	CHECK_ERR(rump_sys_setpgid(0, -1), RUMP_EINVAL);
	/* no group 12345 exists in this session */
	CHECK_ERR(rump_sys_setpgid(0, 12345), RUMP_EPERM);
	/* pid 1 is not our child */
	CHECK_ERR(rump_sys_setpgid(1, 0), RUMP_ESRCH);
	CHECK_ERR(rump_sys_setpgid(29999, 0), RUMP_ESRCH);
}

TEST(setpgid_on_child)
{
	struct lwp *me = rump_pub_lwproc_curlwp(), *kid;
	pid_t parent = rump_sys_getpid(), child;

	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	kid = rump_pub_lwproc_curlwp();
	child = rump_sys_getpid();
	CHECK_EQ(rump_sys_getppid(), parent);
	rump_pub_lwproc_switch(me);
	CHECK_OK(rump_sys_setpgid(child, 0));
	CHECK_EQ(rump_sys_getpgid(child), child);
	CHECK_EQ(rump_sys_getpgrp(), 1);
	CHECK_OK(rump_sys_setpgid(0, child));	/* join the child's group */
	CHECK_EQ(rump_sys_getpgrp(), child);
	rump_pub_lwproc_switch(kid);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(me);
	/* the group lives on while we are in it */
	CHECK_EQ(rump_sys_getpgrp(), child);
	CHECK_ERR(rump_sys_getpgid(child), RUMP_ESRCH);
}

TEST(getrlimit_defaults_and_errors)
{
	struct rump_rlimit rl;

	CHECK_OK(rump_sys_getrlimit(RUMP_RLIMIT_NOFILE, (void *)&rl));
	CHECK_EQ(rl.rlim_cur, 1024);
	CHECK_EQ(rl.rlim_max, 1024);
	CHECK_OK(rump_sys_getrlimit(RUMP_RLIMIT_CPU, (void *)&rl));
	CHECK(rl.rlim_cur == RLIM_MAX_DEFAULT);
	CHECK_ERR(rump_sys_getrlimit(12, (void *)&rl), RUMP_EINVAL);
	CHECK_ERR(rump_sys_getrlimit(-1, (void *)&rl), RUMP_EINVAL);
	CHECK_ERR(rump_sys_getrlimit(RUMP_RLIMIT_NOFILE, NULL), RUMP_EFAULT);
}

TEST(setrlimit_rules)
{
	struct rump_rlimit rl = { 100, 50 }, got;

	CHECK_ERR(rump_sys_setrlimit(RUMP_RLIMIT_NOFILE, (void *)&rl),
	    RUMP_EINVAL);				/* cur > max */
	CHECK_ERR(rump_sys_setrlimit(RUMP_RLIM_NLIMITS, (void *)&rl),
	    RUMP_EINVAL);
	CHECK_ERR(rump_sys_setrlimit(RUMP_RLIMIT_NOFILE, NULL), RUMP_EFAULT);
	rl.rlim_cur = 10;
	rl.rlim_max = 100000;			/* root: clamped to 65536 */
	CHECK_OK(rump_sys_setrlimit(RUMP_RLIMIT_NOFILE, (void *)&rl));
	CHECK_OK(rump_sys_getrlimit(RUMP_RLIMIT_NOFILE, (void *)&got));
	CHECK_EQ(got.rlim_cur, 10);
	CHECK_EQ(got.rlim_max, 65536);
	CHECK_OK(rump_sys_setuid(1000));
	rl.rlim_cur = 10;
	rl.rlim_max = 200;			/* lowering: allowed */
	CHECK_OK(rump_sys_setrlimit(RUMP_RLIMIT_NOFILE, (void *)&rl));
	rl.rlim_max = 201;			/* raising: root only */
	CHECK_ERR(rump_sys_setrlimit(RUMP_RLIMIT_NOFILE, (void *)&rl),
	    RUMP_EPERM);
	rl.rlim_cur = 200;			/* soft up to hard: fine */
	rl.rlim_max = 200;
	CHECK_OK(rump_sys_setrlimit(RUMP_RLIMIT_NOFILE, (void *)&rl));
}

TEST(rlimit_inherited_by_child)
{
	struct lwp *me = rump_pub_lwproc_curlwp();
	struct rump_rlimit rl = { 7, 9 }, got;

	CHECK_OK(rump_sys_setrlimit(RUMP_RLIMIT_NOFILE, (void *)&rl));
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_OK(rump_sys_getrlimit(RUMP_RLIMIT_NOFILE, (void *)&got));
	CHECK_EQ(got.rlim_cur, 7);
	CHECK_EQ(got.rlim_max, 9);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(me);
}

TEST(credentials_inherited_by_child)
{
	struct lwp *me = rump_pub_lwproc_curlwp();

	CHECK_OK(rump_sys_setuid(321));
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_EQ(rump_sys_getuid(), 321);
	CHECK_ERR(rump_sys_setuid(0), RUMP_EPERM);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(me);
}
