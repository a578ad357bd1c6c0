/*
 * bench_sp_client: remote system calls through librumpclient and
 * rump_allserver, against the raw socket floor, in one run:
 *
 *   floor       ping-pong over a unix socketpair between two processes
 *               pinned to one CPU: 32 bytes (a 24-byte header and an
 *               8-byte slot) out, 48 bytes (a syscall response) back
 *   getpid      rump_sys_getpid() round trips, client and server pinned
 *               to that same CPU; and unpinned, for comparison
 *   tmpfs I/O   64 MiB written and read back in 64 KiB and 1 MiB
 *               chunks, to a tmpfs in the server (unpinned)
 *   ready       from fork+exec of `rump_allserver -s unix://...` to the
 *               socket accepting and greeting
 *
 * It needs <B>/bin/rump_allserver (BENCH_BINDIR overrides <B>/bin) and
 * skips with a message without it.  The bench programs are linked with
 * the kernel libraries, whose rump_sys_* would clash with the client's,
 * so librumpclient is loaded with dlopen and used through dlsym.
 * BENCH_N sets the number of round trips (default 100000).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rump/rumpdefs.h>
#include <rump/rump_types.h>

#define MIB	(1024 * 1024)

static struct {
	int	(*init)(void);
	pid_t	(*getpid)(void);
	int	(*mkdir)(const char *, mode_t);
	int	(*mount)(const char *, const char *, int, void *, size_t);
	int	(*unmount)(const char *, int);
	int	(*open)(const char *, int, ...);
	ssize_t	(*write)(int, const void *, size_t);
	ssize_t	(*pread)(int, void *, size_t, off_t);
	int	(*close)(int);
	int	(*unlink)(const char *);
} rc;

static char bindir[PATH_MAX], libdir[PATH_MAX];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
find_dirs(void)
{
	char exe[PATH_MAX], top[PATH_MAX];
	const char *env = getenv("BENCH_BINDIR");
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	snprintf(top, sizeof(top), "%s", dirname(dirname(exe)));
	if (snprintf(bindir, sizeof(bindir), "%s/bin", top) >=
	    (int)sizeof(bindir) ||
	    snprintf(libdir, sizeof(libdir), "%s/lib", top) >=
	    (int)sizeof(libdir))
		exit(1);
	if (env != NULL)
		snprintf(bindir, sizeof(bindir), "%s", env);
}

static void *
sym(void *h, const char *name)
{
	void *p = dlsym(h, name);

	if (p == NULL) {
		fprintf(stderr, "bench_sp_client: %s: %s\n", name, dlerror());
		exit(1);
	}
	return p;
}

static void
load_client(void)
{
	char path[PATH_MAX + 32];
	void *h;

	snprintf(path, sizeof(path), "%s/librumpclient.so.0", libdir);
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "bench_sp_client: %s\n", dlerror());
		exit(1);
	}
	*(void **)&rc.init = sym(h, "rumpclient_init");
	*(void **)&rc.getpid = sym(h, "rump_sys_getpid");
	*(void **)&rc.mkdir = sym(h, "rump_sys_mkdir");
	*(void **)&rc.mount = sym(h, "rump_sys_mount");
	*(void **)&rc.unmount = sym(h, "rump_sys_unmount");
	*(void **)&rc.open = sym(h, "rump_sys_open");
	*(void **)&rc.write = sym(h, "rump_sys_write");
	*(void **)&rc.pread = sym(h, "rump_sys_pread");
	*(void **)&rc.close = sym(h, "rump_sys_close");
	*(void **)&rc.unlink = sym(h, "rump_sys_unlink");
}

/* Pin the calling process (and what it forks) to cpu, or unpin (-1). */
static void
pin(int cpu)
{
	cpu_set_t set;
	int i, n = (int)sysconf(_SC_NPROCESSORS_ONLN);

	CPU_ZERO(&set);
	for (i = 0; i < n; i++)
		if (cpu == -1 || i == cpu)
			CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* ------------------------------------------------------------- floor */

static int
readn(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		if ((n = read(fd, (char *)buf + got, len - got)) <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* Microseconds per 32-byte request / 48-byte reply round trip. */
static double
bench_floor(long n)
{
	char req[32] = { 0 }, resp[48] = { 0 };
	int sv[2], st;
	double t;
	long i;
	pid_t pid;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if ((pid = fork()) == 0) {
		close(sv[0]);
		while (readn(sv[1], req, sizeof(req)) == 0)
			if (write(sv[1], resp, sizeof(resp)) != sizeof(resp))
				break;
		_exit(0);
	}
	close(sv[1]);
	t = now();
	for (i = 0; i < n; i++) {
		if (write(sv[0], req, sizeof(req)) != sizeof(req) ||
		    readn(sv[0], resp, sizeof(resp)) != 0)
			break;
	}
	t = now() - t;
	close(sv[0]);
	waitpid(pid, &st, 0);
	return t / (double)n * 1e6;
}

/* ------------------------------------------------------------ server */

struct srv {
	pid_t	pid;
	char	dir[64];
	char	sock[128];
	char	url[160];
};

static int
accepting(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char b[96];
	int fd, ok;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path) >=
	    (int)sizeof(sun.sun_path))
		return 0;
	ok = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 &&
	    read(fd, b, sizeof(b)) > 0;
	close(fd);
	return ok;
}

/* Start the server; seconds from fork to greeting, or -1. */
static double
srv_start(struct srv *s)
{
	char path[PATH_MAX + 32];
	struct timespec d = { 0, 20000 };
	double t;
	int st, fd;

	s->pid = -1;
	snprintf(s->dir, sizeof(s->dir), "/tmp/bench_sp.XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		return -1;
	snprintf(s->sock, sizeof(s->sock), "%s/sock", s->dir);
	snprintf(s->url, sizeof(s->url), "unix://%s", s->sock);
	snprintf(path, sizeof(path), "%s/rump_allserver", bindir);
	t = now();
	if ((s->pid = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);	/* no server outlives us */
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(path, "rump_allserver", "-s", s->url, (char *)NULL);
		_exit(127);
	}
	for (;;) {
		if (accepting(s->sock))
			return now() - t;
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = -1;
			return -1;
		}
		if (now() - t > 10)
			return -1;
		nanosleep(&d, NULL);
	}
}

/* SIGTERM; SIGKILL if it is still there after ten seconds. */
static void
srv_stop(struct srv *s)
{
	double t = now();
	int st;

	if (s->pid > 0)
		kill(s->pid, SIGTERM);
	while (s->pid > 0 && waitpid(s->pid, &st, WNOHANG) == 0) {
		if (now() - t > 10) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, &st, 0);
			break;
		}
		usleep(1000);
	}
	unlink(s->sock);
	rmdir(s->dir);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* ----------------------------------------------------------- clients */

/* Microseconds per rump_sys_getpid(), in a fresh client process. */
static double
bench_getpid(const char *url, long n)
{
	int p[2], st;
	double us = -1;
	pid_t pid;

	if (pipe(p) == -1)
		return -1;
	if ((pid = fork()) == 0) {
		double t;
		long i;

		setenv("RUMP_SERVER", url, 1);
		if (rc.init() != 0)
			_exit(1);
		for (i = 0; i < 1000; i++)
			rc.getpid();
		t = now();
		for (i = 0; i < n; i++)
			rc.getpid();
		t = (now() - t) / (double)n * 1e6;
		if (write(p[1], &t, sizeof(t)) != sizeof(t))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &us, sizeof(us)) != sizeof(us))
		us = -1;
	close(p[0]);
	waitpid(pid, &st, 0);
	return us;
}

/* MB/s writing then reading 64 MiB in chunks of `chunk`: out[0], out[1]. */
static int
bench_io(const char *url, size_t chunk, double out[2])
{
	int p[2], st;
	pid_t pid;

	if (pipe(p) == -1)
		return -1;
	if ((pid = fork()) == 0) {
		struct rump_tmpfs_args ta;
		char *buf = malloc(chunk);
		double r[2], t;
		size_t off;
		int fd;

		memset(buf, 'w', chunk);
		memset(&ta, 0, sizeof(ta));
		ta.ta_version = RUMP_TMPFS_ARGS_VERSION;
		ta.ta_root_mode = 0777;
		setenv("RUMP_SERVER", url, 1);
		if (rc.init() != 0)
			_exit(1);
		rc.mkdir("/bench", 0777);
		if (rc.mount(RUMP_MOUNT_TMPFS, "/bench", 0, &ta, sizeof(ta)) != 0 &&
		    errno != RUMP_EBUSY)
			_exit(2);
		if ((fd = rc.open("/bench/f", RUMP_O_CREAT | RUMP_O_RDWR |
		    RUMP_O_TRUNC, 0644)) == -1)
			_exit(3);
		t = now();
		for (off = 0; off < 64 * MIB; off += chunk)
			if (rc.write(fd, buf, chunk) != (ssize_t)chunk)
				_exit(4);
		r[0] = 64.0 * MIB / 1e6 / (now() - t);
		t = now();
		for (off = 0; off < 64 * MIB; off += chunk)
			if (rc.pread(fd, buf, chunk, (off_t)off) != (ssize_t)chunk)
				_exit(5);
		r[1] = 64.0 * MIB / 1e6 / (now() - t);
		rc.close(fd);
		rc.unlink("/bench/f");
		if (write(p[1], r, sizeof(r)) != sizeof(r))
			_exit(6);
		_exit(0);
	}
	close(p[1]);
	st = read(p[0], out, 2 * sizeof(double)) == 2 * sizeof(double) ? 0 : -1;
	close(p[0]);
	waitpid(pid, NULL, 0);
	return st;
}

int
main(void)
{
	const char *e = getenv("BENCH_N");
	long n = e != NULL ? atol(e) : 100000;
	double floor, pinned, free_, ready[5], io[2];
	char path[PATH_MAX + 32];
	size_t chunks[] = { 64 * 1024, MIB }, i;
	struct srv s;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);	/* a closed stdout must not leave servers */
	find_dirs();
	snprintf(path, sizeof(path), "%s/rump_allserver", bindir);
	if (access(path, X_OK) != 0) {
		printf("bench_sp_client: %s missing: skipped\n", path);
		return 0;
	}
	load_client();

	/* Start to ready, five times, unpinned. */
	for (i = 0; i < 5; i++) {
		if ((ready[i] = srv_start(&s)) < 0) {
			fprintf(stderr, "bench_sp_client: server did not "
			    "start\n");
			srv_stop(&s);
			return 1;
		}
		srv_stop(&s);
	}
	qsort(ready, 5, sizeof(ready[0]), cmp_double);

	pin(0);
	floor = bench_floor(n);
	if (srv_start(&s) < 0) {
		srv_stop(&s);
		return 1;
	}
	pinned = bench_getpid(s.url, n);
	srv_stop(&s);
	pin(-1);
	if (srv_start(&s) < 0) {
		srv_stop(&s);
		return 1;
	}
	free_ = bench_getpid(s.url, n);

	printf("bench_sp_client: floor (socketpair 32 B out, 48 B back, "
	    "pinned to cpu 0): %.2f us/round trip\n", floor);
	printf("bench_sp_client: rump_sys_getpid pinned to cpu 0: %.2f us "
	    "(%.2fx floor)\n", pinned, pinned / floor);
	printf("bench_sp_client: rump_sys_getpid unpinned: %.2f us "
	    "(%.2fx floor)\n", free_, free_ / floor);
	for (i = 0; i < 2; i++) {
		if (bench_io(s.url, chunks[i], io) != 0) {
			fprintf(stderr, "bench_sp_client: tmpfs I/O failed\n");
			srv_stop(&s);
			return 1;
		}
		printf("bench_sp_client: tmpfs 64 MiB in %zu KiB chunks: "
		    "write %.0f MB/s, read %.0f MB/s\n", chunks[i] / 1024,
		    io[0], io[1]);
	}
	srv_stop(&s);
	printf("bench_sp_client: start to ready: min %.2f ms, median %.2f ms "
	    "(5 runs)\n", ready[0] * 1e3, ready[2] * 1e3);
	return 0;
}
