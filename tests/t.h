/*
 * t.h: a small test harness.
 *
 * Each tests/t_*.c is a program.  TEST(name) { ... } registers a test;
 * the harness boots the kernel once (rump_init), then runs every test
 * in a fresh kernel process (rump_pub_lwproc_rfork with a clean
 * descriptor table) whose cwd is a fresh directory /t/<name> on the
 * root file system, and releases it afterwards.  Checks record a
 * failure and carry on.  The program prints one line per test and a
 * summary that tests/run.sh adds up.
 */
#ifndef TESTS_T_H
#define TESTS_T_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>
#include <rump/rumperr.h>
#include <rump/rump_types.h>

typedef void (*t_fn)(void);
void	t_register(const char *name, t_fn fn);
void	t_fail(const char *file, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Runs before the tests instead of plain rump_init() if defined. */
extern int t_boot(void) __attribute__((weak));
/* Defined (non-zero) by a test program that boots kernels itself,
 * in child processes: the harness then neither boots nor forks. */
extern int t_no_kernel __attribute__((weak));
/* The name of the running test. */
extern const char *t_current;

#define TEST(name)							\
	static void name(void);						\
	__attribute__((constructor)) static void t_reg_##name(void)	\
	{ t_register(#name, name); }					\
	static void name(void)

#define CHECK(cond) do {						\
	if (!(cond))							\
		t_fail(__FILE__, __LINE__, "%s", #cond);		\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long t_a_ = (long long)(a), t_b_ = (long long)(b);	\
	if (t_a_ != t_b_)						\
		t_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld",	\
		    #a, #b, t_a_, t_b_);				\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *t_a_ = (a), *t_b_ = (b);				\
	if (t_a_ == NULL || t_b_ == NULL || strcmp(t_a_, t_b_) != 0)	\
		t_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"",\
		    #a, #b, t_a_ ? t_a_ : "(null)",			\
		    t_b_ ? t_b_ : "(null)");				\
} while (0)

/* A call that must succeed (result != -1). */
#define CHECK_OK(call) do {						\
	long long t_r_ = (long long)(call);				\
	if (t_r_ == -1)							\
		t_fail(__FILE__, __LINE__, "%s: error %d (%s)", #call,	\
		    errno, rump_strerror(errno));			\
} while (0)

/* A call that must fail with NetBSD errno `err`. */
#define CHECK_ERR(call, err) do {					\
	errno = 0;							\
	long long t_r_ = (long long)(call);				\
	if (t_r_ != -1 || errno != (err))				\
		t_fail(__FILE__, __LINE__, "%s: want error %d (%s), "	\
		    "got %lld errno %d", #call, (err),			\
		    rump_strerror(err), t_r_, errno);			\
} while (0)

/* Helpers. */
/* Failures so far in the running test (to keep evidence when > 0). */
int	t_failed(void);
int	t_write_file(const char *path, const void *buf, size_t len);
/* Read a whole file (up to cap bytes); returns length or -1. */
long	t_read_file(const char *path, void *buf, size_t cap);
/* Mount a fresh tmpfs at path (created if missing). */
int	t_mount_tmpfs(const char *path);

#endif
