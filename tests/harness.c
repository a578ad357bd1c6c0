/*
 * harness.c: runs the tests registered with TEST().
 */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "t.h"

#define MAXTESTS 1024

static struct {
	const char *name;
	t_fn fn;
} tests[MAXTESTS];
static int ntests;
static int failed_here;		/* failures in the current test */

int
t_failed(void)
{
	return failed_here;
}
const char *t_current;

void
t_register(const char *name, t_fn fn)
{
	if (ntests < MAXTESTS) {
		tests[ntests].name = name;
		tests[ntests].fn = fn;
		ntests++;
	}
}

void
t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "  %s: %s:%d: ", t_current, file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	failed_here++;
}

int
t_write_file(const char *path, const void *buf, size_t len)
{
	int fd = rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT |
	    RUMP_O_TRUNC, 0644);
	ssize_t n;

	if (fd == -1)
		return -1;
	n = rump_sys_write(fd, buf, len);
	rump_sys_close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

long
t_read_file(const char *path, void *buf, size_t cap)
{
	int fd = rump_sys_open(path, RUMP_O_RDONLY, 0);
	size_t done = 0;
	ssize_t n;

	if (fd == -1)
		return -1;
	while (done < cap && (n = rump_sys_read(fd, (char *)buf + done,
	    cap - done)) > 0)
		done += (size_t)n;
	rump_sys_close(fd);
	return (long)done;
}

int
t_mount_tmpfs(const char *path)
{
	struct rump_tmpfs_args ta;

	memset(&ta, 0, sizeof(ta));
	ta.ta_version = RUMP_TMPFS_ARGS_VERSION;
	ta.ta_root_mode = 0777;
	rump_sys_mkdir(path, 0777);
	return rump_sys_mount(RUMP_MOUNT_TMPFS, path, 0, &ta, sizeof(ta));
}

#ifdef T_CLIENT
/* Client programs: the kernel is a server; t_boot connects to it. */
#define rump_init()			(0)
#define rump_pub_lwproc_rfork(f)	((void)(f), 0)
#define rump_pub_lwproc_releaselwp()	((void)0)
#endif

/* A fresh process whose cwd is /t/<name>. */
static int
enter_test(const char *name)
{
	char dir[256];
	int error;

	if ((error = rump_pub_lwproc_rfork(RUMP_RFCFDG)) != 0) {
		fprintf(stderr, "  rfork failed: %d\n", error);
		return -1;
	}
	snprintf(dir, sizeof(dir), "/t/%s", name);
	rump_sys_mkdir("/t", 0777);
	rump_sys_mkdir(dir, 0777);
	/* Without the VFS faction there is no file system: stay put. */
	if (rump_sys_chdir(dir) == -1 && errno != RUMP_ENOSYS) {
		fprintf(stderr, "  chdir %s failed: %d\n", dir, errno);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 :
	    argv[0];
	int i, passed = 0, failed = 0, error;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (&t_no_kernel != NULL && t_no_kernel)
		error = 0;
	else
		error = t_boot ? t_boot() : rump_init();
	if (error != 0) {
		printf("%s: boot failed: %d\n", prog, error);
		printf("# %s: passed=0 failed=1\n", prog);
		return 1;
	}
	for (i = 0; i < ntests; i++) {
		if (argc > 1 && strcmp(argv[1], tests[i].name) != 0)
			continue;
		t_current = tests[i].name;
		failed_here = 0;
		if (&t_no_kernel != NULL && t_no_kernel)
			tests[i].fn();
		else if (enter_test(tests[i].name) == 0) {
			tests[i].fn();
			rump_pub_lwproc_releaselwp();
		} else
			failed_here++;
		if (failed_here) {
			printf("FAIL %s/%s\n", prog, tests[i].name);
			failed++;
		} else {
			printf("ok   %s/%s\n", prog, tests[i].name);
			passed++;
		}
	}
	printf("# %s: passed=%d failed=%d\n", prog, passed, failed);
	return failed ? 1 : 0;
}
