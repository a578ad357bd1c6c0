/*
 * t_server_util.h: running the real rump_server and rump_allserver
 * from tests, and speaking raw sysproxy frames to them.
 *
 * The test programs boot no kernel of their own (t_no_kernel).  They
 * fork and exec $(B)/bin/rump_server (found next to the test binary,
 * in ../bin), capture its stdout and stderr in files, and talk to it
 * over host sockets.  A test program is a child subreaper, so a server
 * that detaches (its starting process exits) becomes our child: we can
 * wait for it and see its exit status.  srv_reap() kills and reaps
 * every child still around; each test calls it at the end.
 *
 * The protocol bytes are written from the spec (sysproxy.md), not from
 * our wire code, so that the two are checked against each other.
 */
#ifndef TESTS_T_SERVER_UTIL_H
#define TESTS_T_SERVER_UTIL_H

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "t.h"

int t_no_kernel = 1;

#define SRV_BANNER	"RUMPSP-0.4-NetBSD-7.99.34/amd64\n"
#define SRV_USAGE_TAIL	" [-s] [-c ncpu] [-d drivespec] [-l library] " \
			"[-m module] [-r total_ram] [-v] url\n"
#define SRV_OUTMAX	65536

/* One run of a server program. */
struct srv {
	pid_t	pid;			/* the process we started */
	int	status;			/* exit status, -1: signal/timeout */
	int	signal;			/* the signal that ended it, or 0 */
	char	outpath[64], errpath[64];
	char	out[SRV_OUTMAX];	/* its stdout and stderr so far */
	char	err[SRV_OUTMAX];
};

__attribute__((constructor)) static void
srv_become_subreaper(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);
}

static inline double
srv_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void
srv_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* $(B)/bin/<prog>, next to this test's $(B)/tests. */
static inline const char *
srv_bin(const char *prog)
{
	static char path[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return prog;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';
	snprintf(path, sizeof(path), "%.4000s/bin/%s", exe, prog);
	return path;
}

/* $(B)/lib, where the component libraries are. */
static inline const char *
srv_libdir(void)
{
	static char path[PATH_MAX];
	const char *bin = srv_bin("x");

	snprintf(path, sizeof(path), "%.*s/lib", (int)(strlen(bin) - 6), bin);
	return path;
}

/* A fresh socket path: /tmp/rs-<pid>-<n>-<tag>, not existing. */
static inline const char *
srv_sockpath(const char *tag)
{
	static char paths[8][96];
	static int n;
	char *p = paths[n % 8];

	snprintf(p, sizeof(paths[0]), "/tmp/rs-%d-%d-%s", (int)getpid(), n,
	    tag);
	n++;
	unlink(p);
	return p;
}

/* A tcp port that was free a moment ago. */
static inline int
srv_free_port(int family)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd, port = -1;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	else
		((struct sockaddr_in *)&ss)->sin_addr.s_addr =
		    htonl(INADDR_LOOPBACK);
	if ((fd = socket(family, SOCK_STREAM, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		port = ntohs(family == AF_INET6 ?
		    ((struct sockaddr_in6 *)&ss)->sin6_port :
		    ((struct sockaddr_in *)&ss)->sin_port);
	close(fd);
	return port;
}

static inline void
srv_slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	size_t got = 0;
	ssize_t n;

	buf[0] = '\0';
	if (fd == -1)
		return;
	while (got < cap - 1 && (n = read(fd, buf + got, cap - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fd);
}

/* Refresh s->out and s->err from the capture files. */
static inline void
srv_output(struct srv *s)
{
	srv_slurp(s->outpath, s->out, sizeof(s->out));
	srv_slurp(s->errpath, s->err, sizeof(s->err));
}

/* Capture files not yet removed, for srv_reap. */
static char srv_files[64][64];

static inline void
srv_file_note(const char *path)
{
	for (int i = 0; i < 64; i++)
		if (srv_files[i][0] == '\0') {
			snprintf(srv_files[i], sizeof(srv_files[i]), "%s", path);
			return;
		}
}

static inline void
srv_file_remove(const char *path)
{
	for (int i = 0; i < 64; i++)
		if (path[0] != '\0' && strcmp(srv_files[i], path) == 0)
			srv_files[i][0] = '\0';
	if (path[0] != '\0')
		unlink(path);
}

/*
 * Start prog with argv (NULL-terminated, without argv[0]).  env: NULL
 * or a NULL-terminated list of "NAME=value" to set and "NAME" to unset.
 * cwd: NULL or a directory to start in.  stdout and stderr go to files.
 */
static inline pid_t
srv_startv(struct srv *s, const char *prog, const char *const *env,
    const char *cwd, const char *const *args)
{
	const char *argv[64];
	int i, fd;

	memset(s, 0, sizeof(*s));
	s->status = -1;
	snprintf(s->outpath, sizeof(s->outpath), "/tmp/rs-out-XXXXXX");
	snprintf(s->errpath, sizeof(s->errpath), "/tmp/rs-err-XXXXXX");
	if ((fd = mkstemp(s->outpath)) != -1)
		close(fd);
	if ((fd = mkstemp(s->errpath)) != -1)
		close(fd);
	srv_file_note(s->outpath);
	srv_file_note(s->errpath);
	argv[0] = prog;
	for (i = 0; args[i] != NULL && i < 62; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	fflush(NULL);
	if ((s->pid = fork()) != 0)
		return s->pid;
	for (i = 0; env != NULL && env[i] != NULL; i++) {
		if (strchr(env[i], '=') != NULL)
			putenv((char *)env[i]);
		else
			unsetenv(env[i]);
	}
	if (cwd != NULL && chdir(cwd) != 0)
		_exit(126);
	fd = open("/dev/null", O_RDONLY);
	dup2(fd, 0);
	fd = open(s->outpath, O_WRONLY | O_APPEND);
	dup2(fd, 1);
	fd = open(s->errpath, O_WRONLY | O_APPEND);
	dup2(fd, 2);
	for (fd = 3; fd < 64; fd++)
		close(fd);
	signal(SIGPIPE, SIG_DFL);
	execv(srv_bin(prog), (char *const *)argv);
	_exit(127);
}

#define srv_start(s, prog, ...)						\
	srv_startv((s), (prog), NULL, NULL,				\
	    (const char *const[]){ __VA_ARGS__, NULL })
#define srv_start_env(s, env, prog, ...)				\
	srv_startv((s), (prog), (env), NULL,				\
	    (const char *const[]){ __VA_ARGS__, NULL })

/* kill(2) for one process of ours only: never pid 0, -1 or a group. */
static inline int
srv_kill(pid_t pid, int sig)
{
	if (pid <= 0 || pid == getpid()) {
		t_fail(__FILE__, __LINE__, "refusing to kill pid %d",
		    (int)pid);
		return -1;
	}
	return kill(pid, sig);
}

/* Wait up to `secs` for pid; its exit status, or -1 (signal; *sigp)
 * or -2 (timeout: then it is killed). */
static inline int
srv_waitpid(pid_t pid, double secs, int *sigp)
{
	double end = srv_now() + secs;
	int st;
	pid_t r;

	if (sigp != NULL)
		*sigp = 0;
	if (pid <= 0)
		return -3;
	while ((r = waitpid(pid, &st, WNOHANG)) == 0 && srv_now() < end)
		srv_sleep_ms(5);
	if (r == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return -2;
	}
	if (r == -1)
		return -3;
	if (WIFSIGNALED(st)) {
		if (sigp != NULL)
			*sigp = WTERMSIG(st);
		return -1;
	}
	return WEXITSTATUS(st);
}

/* Wait for the started process; fills s->status and the output, and
 * removes the capture files. */
static inline int
srv_wait(struct srv *s, double secs)
{
	s->status = srv_waitpid(s->pid, secs, &s->signal);
	srv_output(s);
	srv_file_remove(s->outpath);
	srv_file_remove(s->errpath);
	return s->status;
}

/* Start, wait (10 s at most), return the exit status. */
#define srv_run(s, prog, ...)						\
	(srv_start((s), (prog), __VA_ARGS__), srv_wait((s), 10))
#define srv_run_env(s, env, prog, ...)					\
	(srv_start_env((s), (env), (prog), __VA_ARGS__), srv_wait((s), 10))

static inline bool
srv_has(const char *text, const char *needle)
{
	return strstr(text, needle) != NULL;
}

/* needle1 appears, and needle2 after it. */
static inline bool
srv_has_in_order(const char *text, const char *n1, const char *n2)
{
	const char *p = strstr(text, n1);

	return p != NULL && strstr(p + strlen(n1), n2) != NULL;
}

static inline void
srv_cleanup_files(struct srv *s)
{
	srv_file_remove(s->outpath);
	srv_file_remove(s->errpath);
}

/* Kill and reap every child still around (servers that detached
 * became our children); remove capture files. */
static inline void
srv_reap(void)
{
	DIR *d;
	struct dirent *de;
	char path[300], buf[512], *p;
	int fd, ppid;
	ssize_t n;

	if ((d = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if ((fd = open(path, O_RDONLY)) == -1)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* pid (comm) state ppid ...; comm may hold spaces */
		if ((p = strrchr(buf, ')')) == NULL ||
		    sscanf(p + 1, " %*c %d", &ppid) != 1)
			continue;
		if (ppid == (int)getpid() && atoi(de->d_name) > 0) {
			kill(atoi(de->d_name), SIGKILL);
			waitpid(atoi(de->d_name), NULL, 0);
		}
	}
	closedir(d);
	for (int i = 0; i < 64; i++) {
		char f[64];

		memcpy(f, srv_files[i], sizeof(f));
		srv_file_remove(f);
	}
}

/* The single child of ours that is not `except` (a detached server). */
static inline pid_t
srv_find_child(pid_t except)
{
	DIR *d;
	struct dirent *de;
	char path[300], buf[512], *p;
	int fd, ppid;
	ssize_t n;
	pid_t found = -1;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if ((fd = open(path, O_RDONLY)) == -1)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		if ((p = strrchr(buf, ')')) == NULL ||
		    sscanf(p + 1, " %*c %d", &ppid) != 1)
			continue;
		if (ppid == (int)getpid() && atoi(de->d_name) != except)
			found = atoi(de->d_name);
	}
	closedir(d);
	return found;
}

/* Connect to a unix socket path; fd or -1. */
static inline int
srv_connect_unix(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -1;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Connect over tcp or tcp6 to a loopback port; fd or -1. */
static inline int
srv_connect_tcp(int family, int port)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	int fd;

	if ((fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons((uint16_t)port);
	sin6.sin6_addr = in6addr_loopback;
	if (family == AF_INET6 ? connect(fd, (struct sockaddr *)&sin6,
	    sizeof(sin6)) : connect(fd, (struct sockaddr *)&sin,
	    sizeof(sin))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Keep trying to connect for up to `secs` (a server started with -s
 * has no moment at which it says it is ready). */
static inline int
srv_await_unix(const char *path, double secs)
{
	double end = srv_now() + secs;
	int fd;

	while ((fd = srv_connect_unix(path)) == -1 && srv_now() < end)
		srv_sleep_ms(5);
	return fd;
}

static inline int
srv_await_tcp(int family, int port, double secs)
{
	double end = srv_now() + secs;
	int fd;

	while ((fd = srv_connect_tcp(family, port)) == -1 && srv_now() < end)
		srv_sleep_ms(5);
	return fd;
}

/* Read exactly len bytes within secs; bytes read. */
static inline size_t
srv_read_full(int fd, void *buf, size_t len, double secs)
{
	double end = srv_now() + secs;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		int ms = (int)((end - srv_now()) * 1000);

		if (ms <= 0 || poll(&pfd, 1, ms) <= 0)
			break;
		if ((n = read(fd, (char *)buf + got, len - got)) <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/* The banner, exactly as the spec writes it. */
static inline bool
srv_banner_ok(int fd)
{
	char buf[64];

	memset(buf, 0, sizeof(buf));
	return fd != -1 && srv_read_full(fd, buf, 32, 5) == 32 &&
	    memcmp(buf, SRV_BANNER, 32) == 0;
}

/* The peer's pid on a unix socket. */
static inline pid_t
srv_peer_pid(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0)
		return -1;
	return cr.pid;
}

static inline bool
srv_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Wait up to secs for path to disappear. */
static inline bool
srv_await_gone(const char *path, double secs)
{
	double end = srv_now() + secs;

	while (srv_exists(path) && srv_now() < end)
		srv_sleep_ms(5);
	return !srv_exists(path);
}

/*
 * Raw frames (sysproxy.md §3): a 24-byte little-endian header, then
 * the body.
 */
struct srv_hdr {
	uint64_t len, reqno;
	uint16_t class, type;
	uint32_t u;
};
#define SRV_REQ		0
#define SRV_RESP	1
#define SRV_ERROR	2
#define SRV_T_HANDSHAKE	0
#define SRV_T_SYSCALL	1
#define SRV_T_COPYIN	2
#define SRV_T_COPYINSTR	3
#define SRV_T_COPYOUT	4
#define SRV_CLIENT_ADDR	0x00005555555560a4ULL	/* our fake pointer */

static inline int
srv_send_frame(int fd, uint64_t reqno, uint16_t class, uint16_t type,
    uint32_t u, const void *body, size_t blen)
{
	uint8_t buf[24 + 1024];
	struct srv_hdr h = { 24 + blen, reqno, class, type, u };

	if (blen > 1024)
		return -1;
	memcpy(buf, &h, 24);
	if (blen > 0)
		memcpy(buf + 24, body, blen);
	return write(fd, buf, 24 + blen) == (ssize_t)(24 + blen) ? 0 : -1;
}

/* One frame; body (up to cap) into body.  0 or -1. */
static inline int
srv_read_frame(int fd, struct srv_hdr *h, uint8_t *body, size_t cap,
    size_t *blenp)
{
	uint8_t skip[256];
	size_t blen, want;

	if (srv_read_full(fd, h, 24, 5) != 24 || h->len < 24)
		return -1;
	blen = (size_t)(h->len - 24);
	want = blen < cap ? blen : cap;
	if (want > 0 && srv_read_full(fd, body, want, 5) != want)
		return -1;
	for (size_t left = blen - want; left > 0; ) {
		size_t n = left < sizeof(skip) ? left : sizeof(skip);

		if (srv_read_full(fd, skip, n, 5) != n)
			return -1;
		left -= n;
	}
	*blenp = blen;
	return 0;
}

/* Connect's follow-up: banner and GUEST handshake (§4.1).  0 or -1. */
static inline int
srv_guest(int fd, const char *comm)
{
	struct srv_hdr h;
	uint8_t body[64];
	size_t blen;
	int32_t rv;

	if (!srv_banner_ok(fd) || srv_send_frame(fd, 1, SRV_REQ,
	    SRV_T_HANDSHAKE, 0, comm, strlen(comm) + 1) != 0 ||
	    srv_read_frame(fd, &h, body, sizeof(body), &blen) != 0)
		return -1;
	if (h.class != SRV_RESP || h.type != SRV_T_HANDSHAKE || h.reqno != 1 ||
	    blen != 4)
		return -1;
	memcpy(&rv, body, 4);
	return rv == 0 ? 0 : -1;
}

/*
 * A system call whose first argument is the string `path` (at our fake
 * address) and whose second slot is `arg1`; answers the server's copy
 * requests.  Returns the call's error (NetBSD errno), or -1 when the
 * conversation broke.
 */
static inline int
srv_syscall_path(int fd, uint64_t reqno, uint32_t sysnum, const char *path,
    uint64_t arg1)
{
	uint64_t slots[2] = { SRV_CLIENT_ADDR, arg1 };
	struct srv_hdr h;
	uint8_t body[512];
	size_t blen, plen = strlen(path) + 1;
	int32_t error;

	if (srv_send_frame(fd, reqno, SRV_REQ, SRV_T_SYSCALL, sysnum, slots,
	    sizeof(slots)) != 0)
		return -1;
	for (;;) {
		if (srv_read_frame(fd, &h, body, sizeof(body), &blen) != 0)
			return -1;
		if (h.class == SRV_RESP && h.type == SRV_T_SYSCALL &&
		    h.reqno == reqno) {
			if (blen != 24)
				return -1;
			memcpy(&error, body, 4);
			return error;
		}
		if (h.class != SRV_REQ || blen < 16 ||
		    (h.type != SRV_T_COPYIN && h.type != SRV_T_COPYINSTR))
			return -1;
		uint64_t len, addr;
		char reply[1024];

		memcpy(&len, body, 8);
		memcpy(&addr, body + 8, 8);
		if (addr != SRV_CLIENT_ADDR || len > sizeof(reply))
			return -1;
		memset(reply, 0, sizeof(reply));
		memcpy(reply, path, plen);
		if (h.type == SRV_T_COPYINSTR && len > plen)
			len = plen;
		if (srv_send_frame(fd, h.reqno, SRV_RESP, SRV_T_COPYIN, 0,
		    reply, (size_t)len) != 0)
			return -1;
	}
}

/* reboot(howto, NULL) (syscall 208); the call's error or -1. */
static inline int
srv_syscall_reboot(int fd, uint64_t reqno, int howto)
{
	uint64_t slots[2] = { (uint32_t)howto, 0 };
	struct srv_hdr h;
	uint8_t body[64];
	size_t blen;
	int32_t error;

	if (srv_send_frame(fd, reqno, SRV_REQ, SRV_T_SYSCALL, 208, slots,
	    sizeof(slots)) != 0 ||
	    srv_read_frame(fd, &h, body, sizeof(body), &blen) != 0 ||
	    h.class != SRV_RESP || h.reqno != reqno || blen != 24)
		return -1;
	memcpy(&error, body, 4);
	return error;
}

#endif
