/*
 * tc_util.h: helpers for client tests that run servers themselves.
 *
 * A test program built on this boots no kernel (t_no_kernel).  It
 * starts the real programs from <B>/bin (found from our own path),
 * each server with -s so it stays our child and dies with us
 * (PR_SET_PDEATHSIG as well), and does its client work in forked
 * children (tc_client_run): librumpclient connects once per process,
 * so a child per server run keeps the connections apart.
 *
 * A program that defines TC_HARNESS_CLIENT before including this
 * keeps the harness's own model instead: its t_boot starts one server
 * (tc_srv_start) and connects this process to it (tc_srv_connect);
 * the harness then runs each test in a fresh process of that remote
 * kernel.  tc_boot_mkdir and tc_boot_connect do both for t_boot, and
 * the clean-up at exit.  Either way the server's output goes to
 * <dir>/log.
 *
 * No locks: tc_bindir is set on first use and never changes; the
 * test programs call these from one thread.
 */
#ifndef TESTS_TC_UTIL_H
#define TESTS_TC_UTIL_H

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rump/rumpclient.h>

#include "t.h"

#ifndef TC_HARNESS_CLIENT
int t_no_kernel = 1;
#endif

#define TC_MAXARGS	16

struct tc_srv {
	pid_t	pid;
	char	sock[96];
	char	url[112];
	char	log[96];
};

static char tc_bindir[PATH_MAX];

/* <B>/bin, from our own path <B>/tests/tc_x. */
static __attribute__((unused)) const char *
tc_bin_dir(void)
{
	char exe[PATH_MAX];
	ssize_t n;

	if (tc_bindir[0] == '\0') {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = '\0';
		snprintf(tc_bindir, sizeof(tc_bindir), "%s/bin",
		    dirname(dirname(exe)));
	}
	return tc_bindir;
}

/* <B>/bin/prog */
static __attribute__((unused)) void
tc_bin(char *buf, size_t len, const char *prog)
{
	if (snprintf(buf, len, "%s/%s", tc_bin_dir(), prog) >= (int)len)
		abort();
}

/* Does a server accept connections on the unix socket sock? */
static __attribute__((unused)) int
tc_accepting(const char *sock)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), ok;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock);
	ok = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	close(fd);
	return ok;
}

/*
 * Start `prog -s ARGS... unix://<dir>/sock` with output appended to
 * <dir>/log; return once it accepts.  ARGS end with NULL.  0 or -1.
 * tc_srv_startv takes the ARGS as a va_list.
 */
static __attribute__((unused)) int
tc_srv_startv(struct tc_srv *s, const char *dir, const char *prog,
    va_list ap)
{
	const char *argv[TC_MAXARGS + 4];
	char path[PATH_MAX];
	struct timespec ms = { 0, 1000000 };
	int n = 0, fd;

	snprintf(s->sock, sizeof(s->sock), "%s/sock", dir);
	snprintf(s->url, sizeof(s->url), "unix://%s", s->sock);
	snprintf(s->log, sizeof(s->log), "%s/log", dir);
	unlink(s->sock);
	tc_bin(path, sizeof(path), prog);
	argv[n++] = prog;
	argv[n++] = "-s";
	while (n < TC_MAXARGS && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	argv[n++] = s->url;
	argv[n] = NULL;
	fflush(stdout);
	fflush(stderr);
	if ((s->pid = fork()) == 0) {
		struct rlimit nocore = { 0, 0 };

		setrlimit(RLIMIT_CORE, &nocore);
		prctl(PR_SET_PDEATHSIG, SIGKILL);	/* never outlive us */
		fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 20000; i++) {
		if (tc_accepting(s->sock))
			return 0;
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
			s->pid = 0;
			return -1;
		}
		nanosleep(&ms, NULL);
	}
	return -1;
}

static __attribute__((unused)) int
tc_srv_start(struct tc_srv *s, const char *dir, const char *prog, ...)
{
	va_list ap;
	int r;

	va_start(ap, prog);
	r = tc_srv_startv(s, dir, prog, ap);
	va_end(ap);
	return r;
}

/* Wait up to ms for the server to exit: its wait status, or -1. */
static __attribute__((unused)) int
tc_srv_wait(struct tc_srv *s, int ms)
{
	struct timespec t = { 0, 1000000 };
	int st;

	for (int i = 0; i < ms && s->pid > 0; i++) {
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = 0;
			return st;
		}
		nanosleep(&t, NULL);
	}
	return -1;
}

/* Send sig and reap it (SIGKILL after five seconds). */
static __attribute__((unused)) void
tc_srv_kill(struct tc_srv *s, int sig)
{
	if (s->pid <= 0)
		return;
	kill(s->pid, sig);
	if (tc_srv_wait(s, 5000) == -1 && s->pid > 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
	s->pid = 0;
}

/*
 * Connect this process to s as its client (the harness model): 0, or
 * the errno rumpclient_init left.
 */
static __attribute__((unused)) int
tc_srv_connect(struct tc_srv *s)
{
	setenv("RUMP_SERVER", s->url, 1);
	if (rumpclient_init() != 0)
		return errno != 0 ? errno : EIO;
	return 0;
}

/* Remove dir and all below it: 0 or -1. */
static __attribute__((unused)) int
tc_rm_dir(const char *dir)
{
	char cmd[PATH_MAX + 16];

	if (strchr(dir, '\'') != NULL)
		return -1;	/* would break the quoting */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* In a client child: a condition that must hold, else say where and
 * return the line (errno printed as NetBSD's message). */
#define NEED(cond) do {							\
	if (!(cond)) {							\
		printf("  %s:%d: %s (errno %d: %s)\n", __FILE__,	\
		    __LINE__, #cond, errno, rump_strerror(errno));	\
		return __LINE__;					\
	}								\
} while (0)

/*
 * Run fn in a child connected to s as a client.  fn returns 0 or the
 * line that failed (NEED); this returns 0, 1 (failed), 255 (no
 * connection) or -1 (the child died).
 */
static __attribute__((unused)) int
tc_client_run(struct tc_srv *s, int (*fn)(void *), void *arg)
{
	pid_t pid;
	int st;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == 0) {
		setenv("RUMP_SERVER", s->url, 1);
		if (rumpclient_init() == -1)
			_exit(255);
		_exit(fn(arg) == 0 ? 0 : 1);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Run a program from <B>/bin with args (NULL-ended); its exit status,
 * or -1 if it did not exit; its output appended to log. */
static __attribute__((unused)) int
tc_tool(const char *log, const char *prog, ...)
{
	const char *argv[TC_MAXARGS + 2];
	char path[PATH_MAX];
	va_list ap;
	pid_t pid;
	int n = 0, st, fd;

	tc_bin(path, sizeof(path), prog);
	argv[n++] = prog;
	va_start(ap, prog);
	while (n < TC_MAXARGS && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

#ifdef TC_HARNESS_CLIENT
/*
 * The harness model's server and scratch directory, for the exit
 * cleanup.  No lock: set once in t_boot, before any thread, and read
 * only at exit.
 */
static struct tc_srv *tc_boot_srv;
static const char *tc_boot_dir;

static void
tc_boot_cleanup(void)
{
	tc_srv_kill(tc_boot_srv, SIGKILL);
	if (tc_rm_dir(tc_boot_dir) != 0)
		fprintf(stderr, "%s: cannot remove %s\n",
		    program_invocation_short_name, tc_boot_dir);
}

/* mkdtemp(tmpl); at exit s is killed and the directory removed.
 * 0 or errno. */
static __attribute__((unused)) int
tc_boot_mkdir(char *tmpl, struct tc_srv *s)
{
	if (mkdtemp(tmpl) == NULL)
		return errno;
	tc_boot_srv = s;
	tc_boot_dir = tmpl;
	atexit(tc_boot_cleanup);
	return 0;
}

/* Start prog on s as tc_srv_start does and connect this process to
 * it: 0, 1 (it did not start) or the connection's errno. */
static __attribute__((unused)) int
tc_boot_connect(struct tc_srv *s, const char *dir, const char *prog, ...)
{
	va_list ap;
	int r;

	va_start(ap, prog);
	r = tc_srv_startv(s, dir, prog, ap);
	va_end(ap);
	if (r != 0) {
		fprintf(stderr, "%s: %s did not start\n",
		    program_invocation_short_name, prog);
		return 1;
	}
	return tc_srv_connect(s);
}
#endif

#endif
