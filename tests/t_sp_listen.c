/*
 * t_sp_listen: rump_init_server's URLs and sockets (sysproxy.md §1):
 * tcp and tcp6 listeners, any-address forms, relative unix paths, a
 * stale socket file replaced, a live server's socket left alone, and
 * the errors for bad locators.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "t_sp_util.h"

int
t_boot(void)
{
	return tc_boot("listen");
}

/* Connect to a TCP address; -1 on failure. */
static int
connect_inet(int family, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, addr, &sin->sin_addr);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, addr, &sin6->sin6_addr);
		len = sizeof(*sin6);
	}
	if ((fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, len) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Start a server on fmt (with %d for the port), trying ports from a
 * range until one is free.  Returns the port, or -errno.
 */
static int
serve_port(const char *fmt)
{
	char url[128];
	int port, error = 0, i;

	for (i = 0; i < 200; i++) {
		port = 20000 + (int)((getpid() * 131 + i * 7919) % 40000);
		snprintf(url, sizeof(url), fmt, port);
		if ((error = rump_init_server(url)) == 0)
			return port;
		if (error != RUMP_EADDRINUSE)
			return -error;
	}
	return -error;
}

/* Banner, handshake and a getpid over fd. */
static int
speaks_sysproxy(int fd)
{
	char banner[128];
	struct tc t;
	int ok;

	memset(&t, 0, sizeof(t));
	t.fd = fd;
	t.reqno = 1;
	if (tc_banner(fd, banner, sizeof(banner)) != 32)
		return 0;
	if (tc_handshake(&t, TC_HS_GUEST, "inet", 5) != 0)
		return 0;
	t.pid = tc_getpid(&t);
	ok = t.pid > 1;
	tc_close(&t);
	return ok;
}

TEST(tcp_loopback)
{
	int port = serve_port("tcp://127.0.0.1:%d");
	int fd;

	CHECK(port > 0);
	fd = connect_inet(AF_INET, "127.0.0.1", port);
	CHECK(fd >= 0);
	CHECK(speaks_sysproxy(fd));
}

/* tcp://0:PORT and tcp://\*:PORT listen on every address. */
TEST(tcp_any_address)
{
	int p0 = serve_port("tcp://0:%d/"), p1 = serve_port("tcp://*:%d");

	CHECK(p0 > 0);
	CHECK(p1 > 0);
	CHECK(speaks_sysproxy(connect_inet(AF_INET, "127.0.0.1", p0)));
	CHECK(speaks_sysproxy(connect_inet(AF_INET, "127.0.0.1", p1)));
}

/* A TCP port in use: EADDRINUSE (48). */
TEST(tcp_port_in_use)
{
	char url[64];
	int port = serve_port("tcp://127.0.0.1:%d");

	CHECK(port > 0);
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", port);
	CHECK_EQ(rump_init_server(url), RUMP_EADDRINUSE);
}

static int
have_ipv6_loopback(void)
{
	struct sockaddr_in6 sin6;
	int fd = socket(AF_INET6, SOCK_STREAM, 0), ok;

	if (fd < 0)
		return 0;
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_loopback;
	ok = bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == 0;
	close(fd);
	return ok;
}

/* tcp6://[::1]:PORT (NetBSD has no tcp6 server; we do). */
TEST(tcp6_loopback)
{
	int port;

	if (!have_ipv6_loopback()) {
		printf("  (no IPv6 loopback here: skipped)\n");
		return;
	}
	port = serve_port("tcp6://[::1]:%d");
	CHECK(port > 0);
	CHECK(speaks_sysproxy(connect_inet(AF_INET6, "::1", port)));
}

TEST(tcp6_any_address)
{
	int port;

	if (!have_ipv6_loopback()) {
		printf("  (no IPv6 loopback here: skipped)\n");
		return;
	}
	port = serve_port("tcp6://[::]:%d/");
	CHECK(port > 0);
	CHECK(speaks_sysproxy(connect_inet(AF_INET6, "::1", port)));
}

/* §1: locators we refuse, with NetBSD's numbers. */
TEST(bad_locators)
{
	char longpath[200];

	CHECK_EQ(rump_init_server("nothing"), RUMP_EINVAL);
	CHECK_EQ(rump_init_server("udp://127.0.0.1:5"), RUMP_EINVAL);
	CHECK_EQ(rump_init_server("averyveryverylongscheme://x"), RUMP_EINVAL);
	CHECK_EQ(rump_init_server("tcp://127.0.0.1"), RUMP_EINVAL);
	CHECK_EQ(rump_init_server("tcp://127.0.0.1:"), RUMP_EINVAL);
	CHECK_EQ(rump_init_server("tcp://127.0.0.1:80x"), RUMP_EINVAL);
	CHECK_EQ(rump_init_server("tcp://localhost:80"), RUMP_EINVAL);
	CHECK_EQ(rump_init_server("tcp://127.0.0.1:65536"), RUMP_ERANGE);
	CHECK_EQ(rump_init_server("tcp6://::1:80"), RUMP_EINVAL);
	CHECK_EQ(rump_init_server("tcp6://[::1]"), RUMP_EINVAL);
	CHECK_EQ(rump_init_server("tcp6://[nonsense]:80"), RUMP_EINVAL);
	CHECK_EQ(rump_init_server("unix://"), RUMP_EINVAL);
	memset(longpath, 0, sizeof(longpath));
	memcpy(longpath, "unix:///", 8);
	memset(longpath + 8, 'a', 150);
	CHECK_EQ(rump_init_server(longpath), RUMP_ENAMETOOLONG);
}

/* unix://relative is made absolute against the cwd. */
TEST(unix_relative_path)
{
	char cwd[512], name[64], abs[128];
	struct tc t;

	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK_EQ(chdir("/tmp"), 0);
	snprintf(name, sizeof(name), "t_sp_rel_%d.sock", (int)getpid());
	snprintf(abs, sizeof(abs), "/tmp/%s", name);
	unlink(abs);
	snprintf(cwd + 256, 200, "unix://%s", name);
	CHECK_EQ(rump_init_server(cwd + 256), 0);
	CHECK_EQ(chdir(cwd), 0);
	CHECK_EQ(tc_open_path(&t, abs), 0);
	CHECK_EQ(tc_handshake(&t, TC_HS_GUEST, "rel", 4), 0);
	CHECK(tc_getpid(&t) > 1);
	tc_close(&t);
	unlink(abs);
}

/* A socket file nobody listens on is a leftover: it is replaced. */
TEST(stale_socket_replaced)
{
	char path[108], url[128];
	struct sockaddr_un sun;
	struct stat st;
	struct tc t;
	int fd;

	snprintf(path, sizeof(path), "/tmp/t_sp_stale_%d.sock", (int)getpid());
	unlink(path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_EQ(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);			/* the file stays, nobody behind it */
	CHECK(lstat(path, &st) == 0 && S_ISSOCK(st.st_mode));
	snprintf(url, sizeof(url), "unix://%s", path);
	CHECK_EQ(rump_init_server(url), 0);
	CHECK_EQ(tc_open_path(&t, path), 0);
	CHECK_EQ(tc_handshake(&t, TC_HS_GUEST, "stale", 6), 0);
	tc_close(&t);
	unlink(path);
}

/* A live server's socket is never taken: EADDRINUSE, and the server
 * keeps serving on it.  (In a child process, as a second server
 * program would.) */
TEST(live_socket_not_stolen)
{
	pid_t pid;
	int st;
	struct tc t;

	if ((pid = fork()) == 0)
		_exit(rump_init_server(tc_url));
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), RUMP_EADDRINUSE);
	/* the same in this process */
	CHECK_EQ(rump_init_server(tc_url), RUMP_EADDRINUSE);
	CHECK_EQ(tc_open(&t, "still"), 0);
	tc_close(&t);
}

/* Something other than a socket at the path is left alone. */
TEST(regular_file_not_replaced)
{
	char path[108], url[128], buf[8];
	int fd;

	snprintf(path, sizeof(path), "/tmp/t_sp_file_%d", (int)getpid());
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "data", 4), 4);
	close(fd);
	snprintf(url, sizeof(url), "unix://%s", path);
	CHECK_EQ(rump_init_server(url), RUMP_EADDRINUSE);
	fd = open(path, O_RDONLY);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 4);
	close(fd);
	unlink(path);
}

/* Several listeners in one kernel serve the same processes' world. */
TEST(second_unix_listener)
{
	char path[108], url[128];
	static char dir[] = "/two_listeners";
	uint64_t a[2] = { P(dir), I(0755) };
	struct tc t, u;

	snprintf(path, sizeof(path), "/tmp/t_sp_second_%d.sock", (int)getpid());
	unlink(path);
	snprintf(url, sizeof(url), "unix://%s", path);
	CHECK_EQ(rump_init_server(url), 0);
	CHECK_EQ(tc_open(&t, "first"), 0);
	CHECK_EQ(tc_open_path(&u, path), 0);
	CHECK_EQ(tc_handshake(&u, TC_HS_GUEST, "second", 7), 0);
	CHECK_EQ(tc_call(&t, SYS_mkdir, a, 2, NULL), 0);
	CHECK_EQ(tc_call(&u, SYS_mkdir, a, 2, NULL), 17);
	tc_close(&t);
	tc_close(&u);
	rump_sys_rmdir(dir);
	unlink(path);
}
