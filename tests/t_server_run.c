/*
 * t_server_run.c: rump_server running (rump-server.md §2, §7, §11;
 * sysproxy.md §1, §2, §12): serving in the foreground and detached,
 * the parent's exit status, boot failures, halting on signals, the
 * socket file's life, unix/tcp/tcp6 addresses, -c/-r/-v effects.
 */
#include "t_server_util.h"

#define HALT_STEPS	"rump kernel halting...\n"

/* Start `prog -s args... url` and wait until it accepts; fd or -1. */
static int
start_fg_unix(struct srv *s, const char *prog, const char *path,
    const char *const *args)
{
	const char *argv[32];
	char url[128];
	int i = 0, j;

	snprintf(url, sizeof(url), "unix://%s", path);
	argv[i++] = "-s";
	for (j = 0; args != NULL && args[j] != NULL; j++)
		argv[i++] = args[j];
	argv[i++] = url;
	argv[i] = NULL;
	srv_startv(s, prog, NULL, NULL, argv);
	return srv_await_unix(path, 10);
}

/* Halt a foreground server with sig: exit 0, "halted", socket gone. */
static void
check_signal_halt(struct srv *s, int sig, const char *path)
{
	CHECK_EQ(srv_kill(s->pid, sig), 0);
	CHECK_EQ(srv_wait(s, 10), 0);
	CHECK(srv_has(s->out, HALT_STEPS));
	CHECK(srv_has_in_order(s->out, HALT_STEPS, "halted\n"));
	CHECK(!srv_exists(path));
}

TEST(foreground_serves_banner)
{
	struct srv s;
	const char *path = srv_sockpath("fg");
	int fd = start_fg_unix(&s, "rump_server", path, NULL);

	CHECK(fd != -1);
	CHECK(srv_banner_ok(fd));
	CHECK_EQ(srv_peer_pid(fd), s.pid);	/* did not detach */
	close(fd);
	check_signal_halt(&s, SIGTERM, path);
	srv_cleanup_files(&s);
	srv_reap();
}

TEST(foreground_keeps_terminal_output)
{
	struct srv s;
	const char *path = srv_sockpath("fgout");
	int fd = start_fg_unix(&s, "rump_server", path,
	    (const char *const[]){ "-v", NULL });
	char link[64], target[PATH_MAX];
	ssize_t n;

	CHECK(fd != -1);
	snprintf(link, sizeof(link), "/proc/%d/fd/1", (int)s.pid);
	n = readlink(link, target, sizeof(target) - 1);
	CHECK(n > 0);
	target[n > 0 ? n : 0] = '\0';
	CHECK(strncmp(target, "/tmp/rs-out-", 12) == 0);
	close(fd);
	check_signal_halt(&s, SIGTERM, path);
	srv_cleanup_files(&s);
	srv_reap();
}

TEST(sigterm_halts_and_removes_socket)
{
	struct srv s;
	const char *path = srv_sockpath("term");
	int fd = start_fg_unix(&s, "rump_server", path, NULL);

	CHECK(fd != -1 && srv_banner_ok(fd));
	close(fd);
	CHECK(srv_exists(path));
	check_signal_halt(&s, SIGTERM, path);
	CHECK_STR(s.err, "");
	srv_cleanup_files(&s);
	srv_reap();
}

TEST(sigint_halts_and_removes_socket)
{
	struct srv s;
	const char *path = srv_sockpath("int");
	int fd = start_fg_unix(&s, "rump_server", path, NULL);

	CHECK(fd != -1);
	close(fd);
	check_signal_halt(&s, SIGINT, path);
	srv_cleanup_files(&s);
	srv_reap();
}

/* With the VFS: NetBSD's steps, syncing, unmounting, halted. */
TEST(halt_steps_with_vfs)
{
	struct srv s;
	const char *path = srv_sockpath("steps");
	int fd = start_fg_unix(&s, "rump_allserver", path, NULL);

	CHECK(fd != -1);
	close(fd);
	check_signal_halt(&s, SIGTERM, path);
	CHECK(srv_has_in_order(s.out, HALT_STEPS, "syncing disks... done\n"));
	CHECK(srv_has_in_order(s.out, "syncing disks... done\n",
	    "unmounting file systems... done\n"));
	CHECK(srv_has_in_order(s.out, "unmounting file systems... done\n",
	    "halted\n"));
	srv_cleanup_files(&s);
	srv_reap();
}

/* A signal that arrives while clients are connected still halts. */
TEST(sigterm_with_client_connected)
{
	struct srv s;
	const char *path = srv_sockpath("termcl");
	int fd = start_fg_unix(&s, "rump_server", path, NULL);

	CHECK(fd != -1);
	CHECK_EQ(srv_guest(fd, "t_server"), 0);
	check_signal_halt(&s, SIGTERM, path);
	close(fd);
	srv_cleanup_files(&s);
	srv_reap();
}

/* Without -s: the starting process exits 0 once the socket accepts,
 * so a connect right after it returns succeeds. */
TEST(detached_ready_when_parent_exits)
{
	struct srv s;
	const char *path = srv_sockpath("bg");
	char url[128];
	int fd;
	pid_t dpid;

	snprintf(url, sizeof(url), "unix://%s", path);
	srv_start(&s, "rump_server", url);
	CHECK_EQ(srv_wait(&s, 10), 0);
	fd = srv_connect_unix(path);
	CHECK(fd != -1);
	CHECK(srv_banner_ok(fd));
	dpid = srv_peer_pid(fd);
	CHECK(dpid > 0 && dpid != s.pid);
	CHECK_EQ(getsid(dpid), dpid);	/* a session of its own */
	CHECK_STR(s.out, "");
	CHECK_STR(s.err, "");
	close(fd);
	CHECK_EQ(srv_kill(dpid, SIGTERM), 0);
	CHECK_EQ(srv_waitpid(dpid, 10, NULL), 0);
	CHECK(!srv_exists(path));
	srv_cleanup_files(&s);
	srv_reap();
}

/* The detached server's stdin, stdout and stderr are /dev/null. */
TEST(detached_stdio_is_devnull)
{
	struct srv s;
	const char *path = srv_sockpath("bgnull");
	char url[128], link[64], target[PATH_MAX];
	int fd, i;
	pid_t dpid;

	snprintf(url, sizeof(url), "unix://%s", path);
	srv_start(&s, "rump_server", "-v", url);
	CHECK_EQ(srv_wait(&s, 10), 0);
	/* boot messages reached the terminal before detaching */
	CHECK(srv_has(s.out, "cpu0 at thinair0: rump virtual cpu\n"));
	fd = srv_connect_unix(path);
	CHECK(fd != -1);
	dpid = srv_peer_pid(fd);
	for (i = 0; i <= 2; i++) {
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)dpid, i);
		n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		CHECK_STR(target, "/dev/null");
	}
	close(fd);
	srv_kill(dpid, SIGTERM);
	CHECK_EQ(srv_waitpid(dpid, 10, NULL), 0);
	srv_cleanup_files(&s);
	srv_reap();
}

TEST(detached_sigint_halts)
{
	struct srv s;
	const char *path = srv_sockpath("bgint");
	char url[128];
	int fd;
	pid_t dpid;

	snprintf(url, sizeof(url), "unix://%s", path);
	srv_start(&s, "rump_allserver", url);
	CHECK_EQ(srv_wait(&s, 10), 0);
	fd = srv_connect_unix(path);
	dpid = srv_peer_pid(fd);
	close(fd);
	CHECK_EQ(srv_kill(dpid, SIGINT), 0);
	CHECK_EQ(srv_waitpid(dpid, 10, NULL), 0);
	CHECK(!srv_exists(path));
	srv_cleanup_files(&s);
	srv_reap();
}

/* A bad RUMP_NCPU fails the boot: the message on the original stderr,
 * the parent's status the NetBSD errno (EINVAL 22), no socket. */
TEST(detached_boot_failure_ncpu_env)
{
	struct srv s;
	const char *path = srv_sockpath("ncpu");
	char url[128];

	snprintf(url, sizeof(url), "unix://%s", path);
	srv_run_env(&s, ((const char *const[]){ "RUMP_NCPU=0", NULL }),
	    "rump_server", url);
	CHECK_EQ(s.status, 22);
	CHECK(srv_has(s.err, "rump_server: rump init failed: Invalid "
	    "argument\n"));
	CHECK(!srv_exists(path));
	srv_waitpid(srv_find_child(-1), 5, NULL);
	CHECK_EQ(srv_find_child(-1), -1);
	srv_cleanup_files(&s);
	srv_reap();
}

TEST(detached_boot_failure_memlimit_env)
{
	struct srv s;
	const char *path = srv_sockpath("meml");
	char url[128];

	snprintf(url, sizeof(url), "unix://%s", path);
	srv_run_env(&s, ((const char *const[]){ "RUMP_MEMLIMIT=12q", NULL }),
	    "rump_server", url);
	CHECK_EQ(s.status, 22);
	CHECK(srv_has(s.err, "rump init failed: Invalid argument\n"));
	CHECK(!srv_exists(path));
	srv_cleanup_files(&s);
	srv_reap();
}

/* With -s the same failure is exit status 1. */
TEST(foreground_boot_failure)
{
	struct srv s;
	const char *path = srv_sockpath("fgfail");
	char url[128];

	snprintf(url, sizeof(url), "unix://%s", path);
	srv_run_env(&s, ((const char *const[]){ "RUMP_NCPU=none", NULL }),
	    "rump_server", "-s", url);
	CHECK_EQ(s.status, 1);
	CHECK(srv_has(s.err, "rump_server: rump init failed: Invalid "
	    "argument\n"));
	CHECK(!srv_exists(path));
	srv_cleanup_files(&s);
	srv_reap();
}

/* -c overrides RUMP_NCPU from the environment. */
TEST(ncpu_option_overrides_env)
{
	struct srv s;
	const char *path = srv_sockpath("ncpuo");
	char url[128];
	int fd;

	snprintf(url, sizeof(url), "unix://%s", path);
	srv_start_env(&s, ((const char *const[]){ "RUMP_NCPU=0", NULL }),
	    "rump_server", "-s", "-v", "-c", "3", url);
	fd = srv_await_unix(path, 10);
	CHECK(fd != -1);
	close(fd);
	check_signal_halt(&s, SIGTERM, path);
	CHECK(srv_has(s.out, "cpu2 at thinair0: rump virtual cpu\n"));
	CHECK(!srv_has(s.out, "cpu3 at thinair0"));
	srv_cleanup_files(&s);
	srv_reap();
}

TEST(ncpu_host)
{
	struct srv s;
	const char *path = srv_sockpath("ncpuh");
	char line[64];
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	int fd = start_fg_unix(&s, "rump_server", path,
	    (const char *const[]){ "-v", "-c", "host", NULL });

	CHECK(fd != -1);
	close(fd);
	check_signal_halt(&s, SIGTERM, path);
	if (n > 256)
		n = 256;
	snprintf(line, sizeof(line), "cpu%ld at thinair0", n - 1);
	CHECK(srv_has(s.out, line));
	snprintf(line, sizeof(line), "cpu%ld at thinair0", n);
	CHECK(!srv_has(s.out, line));
	srv_cleanup_files(&s);
	srv_reap();
}

/* The default is the host's online CPU count (NetBSD's code says 2). */
TEST(ncpu_default_is_host_count)
{
	struct srv s;
	const char *path = srv_sockpath("ncpu2");
	char url[128], line[64];
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	int fd;

	if (n > 256)
		n = 256;
	snprintf(url, sizeof(url), "unix://%s", path);
	srv_start_env(&s, ((const char *const[]){ "RUMP_NCPU", NULL }),
	    "rump_server", "-s", "-v", url);
	fd = srv_await_unix(path, 10);
	CHECK(fd != -1);
	close(fd);
	check_signal_halt(&s, SIGTERM, path);
	snprintf(line, sizeof(line), "cpu%ld at thinair0", n - 1);
	CHECK(srv_has(s.out, line));
	snprintf(line, sizeof(line), "cpu%ld at thinair0", n);
	CHECK(!srv_has(s.out, line));
	srv_cleanup_files(&s);
	srv_reap();
}

TEST(verbose_prints_boot_messages)
{
	struct srv s;
	const char *path = srv_sockpath("verb");
	int fd = start_fg_unix(&s, "rump_server", path,
	    (const char *const[]){ "-v", NULL });

	CHECK(fd != -1);
	close(fd);
	check_signal_halt(&s, SIGTERM, path);
	CHECK(srv_has(s.out, "NetBSD 7.99.34"));
	CHECK(srv_has(s.out, "total memory = "));
	CHECK(srv_has(s.out, "cpu0 at thinair0: rump virtual cpu\n"));
	srv_cleanup_files(&s);
	srv_reap();
}

TEST(quiet_without_verbose)
{
	struct srv s;
	const char *path = srv_sockpath("quiet");
	char url[128];
	int fd;

	snprintf(url, sizeof(url), "unix://%s", path);
	srv_start_env(&s, ((const char *const[]){ "RUMP_VERBOSE", NULL }),
	    "rump_server", "-s", url);
	fd = srv_await_unix(path, 10);
	CHECK(fd != -1);
	close(fd);
	check_signal_halt(&s, SIGTERM, path);
	CHECK(!srv_has(s.out, "thinair0"));
	CHECK(!srv_has(s.out, "total memory"));
	srv_cleanup_files(&s);
	srv_reap();
}

/* -r with a suffix is the byte count the kernel reports. */
TEST(memlimit_suffix_accepted)
{
	static const char *const forms[][2] = {
		{ "16m", "total memory = 16777216 bytes\n" },
		{ "16M", "total memory = 16777216 bytes\n" },
		{ "2g", "total memory = 2147483648 bytes\n" },
		{ "512k", "total memory = 524288 bytes\n" },
		{ "1048576", "total memory = 1048576 bytes\n" },
	};

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct srv s;
		const char *path = srv_sockpath("mem");
		int fd = start_fg_unix(&s, "rump_server", path,
		    (const char *const[]){ "-v", "-r", forms[i][0], NULL });

		CHECK(fd != -1);
		close(fd);
		check_signal_halt(&s, SIGTERM, path);
		if (!srv_has(s.out, forms[i][1]))
			t_fail(__FILE__, __LINE__, "-r %s: %s", forms[i][0],
			    s.out);
		srv_cleanup_files(&s);
		srv_reap();
	}
}

/* A second server on a live server's path fails clearly (EADDRINUSE,
 * 48, as the parent's status) and leaves the first one serving. */
TEST(second_server_on_live_path)
{
	struct srv first, second;
	const char *path = srv_sockpath("live");
	char url[128], want[256];
	int fd = start_fg_unix(&first, "rump_server", path, NULL);

	CHECK(fd != -1);
	close(fd);
	snprintf(url, sizeof(url), "unix://%s", path);
	srv_run(&second, "rump_server", url);
	CHECK_EQ(second.status, 48);
	snprintf(want, sizeof(want), "rump_server: rump server init failed: "
	    "Address already in use (another server is listening on %s)\n",
	    path);
	CHECK(srv_has(second.err, want));
	srv_run(&second, "rump_server", "-s", url);
	CHECK_EQ(second.status, 1);
	CHECK(srv_has(second.err, want));
	fd = srv_connect_unix(path);
	CHECK(srv_banner_ok(fd));
	CHECK_EQ(srv_peer_pid(fd), first.pid);
	close(fd);
	check_signal_halt(&first, SIGTERM, path);
	srv_cleanup_files(&first);
	srv_cleanup_files(&second);
	srv_reap();
}

/* A socket file left by a killed server is replaced. */
TEST(stale_socket_replaced)
{
	struct srv s;
	const char *path = srv_sockpath("stale");
	int fd = start_fg_unix(&s, "rump_server", path, NULL);

	CHECK(fd != -1);
	close(fd);
	srv_kill(s.pid, SIGKILL);
	srv_wait(&s, 10);
	CHECK_EQ(s.signal, SIGKILL);
	CHECK(srv_exists(path));	/* nobody cleaned up */
	srv_cleanup_files(&s);
	fd = start_fg_unix(&s, "rump_server", path, NULL);
	CHECK(fd != -1);
	CHECK(srv_banner_ok(fd));
	CHECK_EQ(srv_peer_pid(fd), s.pid);
	close(fd);
	check_signal_halt(&s, SIGTERM, path);
	srv_cleanup_files(&s);
	srv_reap();
}

/* The same, detached: the parent still exits 0. */
TEST(stale_socket_replaced_detached)
{
	struct srv s;
	const char *path = srv_sockpath("stale2");
	char url[128];
	int fd = start_fg_unix(&s, "rump_server", path, NULL);
	pid_t dpid;

	close(fd);
	srv_kill(s.pid, SIGKILL);
	srv_wait(&s, 10);
	srv_cleanup_files(&s);
	snprintf(url, sizeof(url), "unix://%s", path);
	srv_run(&s, "rump_server", url);
	CHECK_EQ(s.status, 0);
	fd = srv_connect_unix(path);
	CHECK(srv_banner_ok(fd));
	dpid = srv_peer_pid(fd);
	close(fd);
	srv_kill(dpid, SIGTERM);
	CHECK_EQ(srv_waitpid(dpid, 10, NULL), 0);
	CHECK(!srv_exists(path));
	srv_cleanup_files(&s);
	srv_reap();
}

/* Something that is not a socket is never removed. */
TEST(regular_file_at_path_kept)
{
	struct srv s;
	const char *path = srv_sockpath("regfile");
	char url[128], want[256];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd != -1);
	CHECK_EQ(write(fd, "keep me", 7), 7);
	close(fd);
	snprintf(url, sizeof(url), "unix://%s", path);
	srv_run(&s, "rump_server", "-s", url);
	CHECK_EQ(s.status, 1);
	snprintf(want, sizeof(want), "rump_server: rump server init failed: "
	    "Address already in use (%s exists and is not a socket)\n", path);
	CHECK(srv_has(s.err, want));
	CHECK(srv_exists(path));
	unlink(path);
	srv_cleanup_files(&s);
	srv_reap();
}

/* unix://relative is relative to the server's cwd. */
TEST(relative_unix_path)
{
	struct srv s;
	char dir[64], path[128];
	int fd;

	snprintf(dir, sizeof(dir), "/tmp/rs-%d-dir", (int)getpid());
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/relsock", dir);
	unlink(path);
	srv_startv(&s, "rump_server", NULL, dir,
	    (const char *const[]){ "-s", "unix://relsock", NULL });
	fd = srv_await_unix(path, 10);
	CHECK(fd != -1);
	CHECK(srv_banner_ok(fd));
	close(fd);
	check_signal_halt(&s, SIGTERM, path);
	rmdir(dir);
	srv_cleanup_files(&s);
	srv_reap();
}

TEST(missing_directory_fails)
{
	struct srv s;

	srv_run(&s, "rump_server", "unix:///nonexistent-rs-dir/sock");
	CHECK_EQ(s.status, 2);		/* ENOENT */
	CHECK(srv_has(s.err, "rump_server: rump server init failed: No such "
	    "file or directory"));
	srv_run(&s, "rump_server", "-s", "unix:///nonexistent-rs-dir/sock");
	CHECK_EQ(s.status, 1);
	srv_cleanup_files(&s);
	srv_reap();
}

TEST(malformed_urls_fail)
{
	static const char *const urls[] = {
		"sock", "udp://127.0.0.1:80", "tcp://127.0.0.1", "tcp://1.2.3:80",
		"tcp://127.0.0.1:99999", "tcp://127.0.0.1:x",
	};
	struct srv s;

	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		srv_run(&s, "rump_server", "-s", urls[i]);
		if (s.status != 1 || !srv_has(s.err, "rump_server: rump server "
		    "init failed: "))
			t_fail(__FILE__, __LINE__, "%s: status %d: %s", urls[i],
			    s.status, s.err);
		srv_run(&s, "rump_server", urls[i]);
		if (s.status == 0 || s.status == 1 || s.status == 3)
			t_fail(__FILE__, __LINE__, "%s detached: status %d",
			    urls[i], s.status);
		srv_cleanup_files(&s);
		srv_reap();
	}
}

TEST(unix_path_too_long)
{
	struct srv s;
	char url[256];

	snprintf(url, sizeof(url), "unix:///tmp/%0150d", 0);
	srv_run(&s, "rump_server", url);
	CHECK_EQ(s.status, 63);		/* ENAMETOOLONG */
	CHECK(srv_has(s.err, "File name too long"));
	srv_cleanup_files(&s);
	srv_reap();
}

/* A detached tcp server: the starting process exits 0 when it accepts. */
static void
check_tcp(const char *prog, int family, const char *fmt)
{
	struct srv s;
	char url[128];
	int port = srv_free_port(family), fd;
	pid_t dpid;

	CHECK(port > 0);
	snprintf(url, sizeof(url), fmt, port);
	srv_start(&s, prog, url);
	CHECK_EQ(srv_wait(&s, 10), 0);
	fd = srv_connect_tcp(family, port);
	CHECK(fd != -1);
	CHECK(srv_banner_ok(fd));
	close(fd);
	dpid = srv_find_child(-1);
	CHECK(dpid > 0);
	CHECK_EQ(srv_kill(dpid, SIGTERM), 0);
	CHECK_EQ(srv_waitpid(dpid, 10, NULL), 0);
	CHECK_EQ(srv_connect_tcp(family, port), -1);
	srv_cleanup_files(&s);
	srv_reap();
}

TEST(tcp_loopback_banner)
{
	check_tcp("rump_server", AF_INET, "tcp://127.0.0.1:%d");
}

TEST(tcp_any_address_banner)
{
	check_tcp("rump_server", AF_INET, "tcp://0:%d/");
	check_tcp("rump_allserver", AF_INET, "tcp://*:%d");
}

TEST(tcp6_loopback_banner)
{
	check_tcp("rump_server", AF_INET6, "tcp6://[::1]:%d");
}

TEST(tcp6_any_address_banner)
{
	check_tcp("rump_allserver", AF_INET6, "tcp6://[::]:%d/");
}

/* A tcp port in use: EADDRINUSE, and the hint names the url. */
TEST(tcp_port_in_use)
{
	struct srv s;
	struct sockaddr_in sin;
	char url[128], want[256];
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	socklen_t len = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK_EQ(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	CHECK_EQ(listen(lfd, 1), 0);
	getsockname(lfd, (struct sockaddr *)&sin, &len);
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", ntohs(sin.sin_port));
	srv_run(&s, "rump_server", url);
	CHECK_EQ(s.status, 48);
	snprintf(want, sizeof(want), "rump_server: rump server init failed: "
	    "Address already in use (another program is bound to %s)\n", url);
	CHECK(srv_has(s.err, want));
	close(lfd);
	srv_cleanup_files(&s);
	srv_reap();
}

/* SIGHUP keeps its default action: no cleanup (rump-server.md §2). */
TEST(other_signals_default)
{
	struct srv s;
	const char *path = srv_sockpath("hup");
	int fd = start_fg_unix(&s, "rump_server", path, NULL);

	CHECK(fd != -1);
	close(fd);
	srv_kill(s.pid, SIGHUP);
	srv_wait(&s, 10);
	CHECK_EQ(s.signal, SIGHUP);
	CHECK(!srv_has(s.out, "halted"));
	unlink(path);
	srv_cleanup_files(&s);
	srv_reap();
}

/* Many servers at once, each on its own socket. */
TEST(several_servers_side_by_side)
{
	struct srv s[4];
	const char *paths[4];
	int i, fd;

	for (i = 0; i < 4; i++) {
		paths[i] = srv_sockpath("multi");
		fd = start_fg_unix(&s[i], "rump_server", paths[i], NULL);
		CHECK(srv_banner_ok(fd));
		close(fd);
	}
	for (i = 0; i < 4; i++) {
		check_signal_halt(&s[i], SIGTERM, paths[i]);
		srv_cleanup_files(&s[i]);
	}
	srv_reap();
}
