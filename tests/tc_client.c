/*
 * tc_client.c: librumpclient against real servers (rump_allserver).
 *
 * t_boot starts `rump_allserver -s unix://<tmpdir>/sock`, waits until
 * the socket accepts, and connects; the harness then runs each test in
 * /t/<name> of that server's root file system, over that one
 * connection.  Tests needing a fresh client fork a host child that
 * calls rumpclient_init() (a new process in the kernel) and exits with
 * the line of its first failed check; tests about servers starting,
 * stopping, restarting and rump.halt start servers of their own.
 *
 * The test binary doubles as the helper program that rumpclient_exec()
 * runs: with TC_EXEC_HELPER in the environment, t_boot runs the helper
 * instead of the tests.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rump/rumpclient.h>

#include "t.h"

/* ------------------------------------------------------------- servers */

struct srv {
	pid_t	pid;
	char	dir[64];
	char	url[200];
	char	sock[160];		/* unix socket path, or "" */
	char	log[160];
};

static char bindir[PATH_MAX];
static struct srv mainsrv;
static pid_t bootpid;

static void
find_bindir(void)
{
	char exe[PATH_MAX];
	const char *env = getenv("TC_BINDIR");
	ssize_t n;

	if (env != NULL) {
		snprintf(bindir, sizeof(bindir), "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	/* <B>/tests/tc_client -> <B>/bin */
	snprintf(bindir, sizeof(bindir), "%s/bin", dirname(dirname(exe)));
}

static void
bin_path(char *buf, size_t len, const char *prog)
{
	if (snprintf(buf, len, "%s/%s", bindir, prog) >= (int)len)
		abort();
}

/* Can we connect to s's socket (and see a banner)? */
static int
srv_accepting(const struct srv *s)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char b[96];
	int fd, ok;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", s->sock) >=
	    (int)sizeof(sun.sun_path))
		abort();
	ok = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 &&
	    read(fd, b, sizeof(b)) > 0;
	close(fd);
	return ok;
}

static int
tcp_accepting(const char *url)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl;
	char host[64];
	int port, fd, ok;

	memset(&ss, 0, sizeof(ss));
	if (sscanf(url, "tcp://%63[^:]:%d", host, &port) == 2) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, host, &sin->sin_addr);
		sl = sizeof(*sin);
	} else if (sscanf(url, "tcp6://[%63[^]]]:%d", host, &port) == 2) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, host, &sin6->sin6_addr);
		sl = sizeof(*sin6);
	} else {
		return 0;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ok = connect(fd, (struct sockaddr *)&ss, sl) == 0;
	close(fd);
	return ok;
}

/*
 * Start `prog -s url` (a unix socket in a new directory if url is
 * NULL), output to a log; wait until it accepts.  0 or -1.
 */
static int
srv_start_url(struct srv *s, const char *prog, const char *url)
{
	char path[PATH_MAX];
	struct timespec ms = { 0, 1000000 };
	int i, fd, st;

	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/tc_client.XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		return -1;
	snprintf(s->log, sizeof(s->log), "%s/log", s->dir);
	if (url == NULL) {
		snprintf(s->sock, sizeof(s->sock), "%s/sock", s->dir);
		snprintf(s->url, sizeof(s->url), "unix://%s", s->sock);
	} else {
		snprintf(s->url, sizeof(s->url), "%s", url);
		if (strncmp(url, "unix://", 7) == 0)
			snprintf(s->sock, sizeof(s->sock), "%s", url + 7);
	}
	bin_path(path, sizeof(path), prog);
	fflush(stdout);
	fflush(stderr);
	if ((s->pid = fork()) == 0) {
		struct rlimit nocore = { 0, 0 };

		setrlimit(RLIMIT_CORE, &nocore);
		prctl(PR_SET_PDEATHSIG, SIGKILL);	/* no server outlives us */
		fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(path, prog, "-s", s->url, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 10000; i++) {
		if (s->sock[0] != '\0' ? srv_accepting(s) :
		    tcp_accepting(s->url))
			return 0;
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = 0;
			return -1;
		}
		nanosleep(&ms, NULL);
	}
	return -1;
}

static int
srv_start(struct srv *s)
{
	return srv_start_url(s, "rump_allserver", NULL);
}

/* Wait up to ms for the server to exit; its status, or -1. */
static int
srv_wait(struct srv *s, int ms)
{
	struct timespec t = { 0, 1000000 };
	int st, i;

	for (i = 0; i < ms; i++) {
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = 0;
			return st;
		}
		nanosleep(&t, NULL);
	}
	return -1;
}

/* Stop it (SIGTERM, then SIGKILL) and remove its files. */
static void
srv_stop(struct srv *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		if (srv_wait(s, 10000) == -1) {
			kill(s->pid, SIGKILL);
			srv_wait(s, 10000);
		}
	}
	if (s->sock[0] != '\0')
		unlink(s->sock);
	unlink(s->log);
	rmdir(s->dir);
}

/* The server's output so far. */
static void
srv_log(const struct srv *s, char *buf, size_t len)
{
	int fd = open(s->log, O_RDONLY);
	ssize_t n = fd == -1 ? -1 : read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd != -1)
		close(fd);
}

static void
stop_main(void)
{
	if (getpid() == bootpid)
		srv_stop(&mainsrv);
}

/* ------------------------------------------------------ host children */

#define CC(cond) do {							\
	if (!(cond)) {							\
		fprintf(stderr, "  child: %s:%d: %s (errno %d)\n",	\
		    __FILE__, __LINE__, #cond, errno);			\
		_exit(1);						\
	}								\
} while (0)

static pid_t
child_start(void)
{
	fflush(stdout);
	fflush(stderr);
	return fork();
}

static int
child_wait(pid_t pid)
{
	int st;

	return waitpid(pid, &st, 0) == pid ? st : -1;
}

#define CHECK_CHILD_OK(pid) do {					\
	int st_ = child_wait(pid);					\
	if (!WIFEXITED(st_) || WEXITSTATUS(st_) != 0)		\
		t_fail(__FILE__, __LINE__, "child failed: status %#x",	\
		    st_);						\
} while (0)

/*
 * Run a program with RUMP_SERVER=url (NULL: unset); its wait status,
 * stderr in err.
 */
static int
run_prog(const char *url, char *const argv[], char *err, size_t errlen)
{
	int p[2], st;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	if (pipe(p) == -1)
		return -1;
	if ((pid = child_start()) == 0) {
		struct rlimit nocore = { 0, 0 };

		setrlimit(RLIMIT_CORE, &nocore);
		dup2(p[1], 2);
		close(p[0]);
		if (url != NULL)
			setenv("RUMP_SERVER", url, 1);
		else
			unsetenv("RUMP_SERVER");
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while (got + 1 < errlen &&
	    (n = read(p[0], err + got, errlen - 1 - got)) > 0)
		got += (size_t)n;
	err[got] = '\0';
	close(p[0]);
	st = child_wait(pid);
	return st;
}

static int
run_halt(const char *url, const char *flags, char *err, size_t errlen)
{
	char path[PATH_MAX];
	char *argv[3];

	bin_path(path, sizeof(path), "rump.halt");
	argv[0] = path;
	argv[1] = (char *)flags;
	argv[2] = NULL;
	return run_prog(url, argv, err, errlen);
}

/* ----------------------------------------------------------- exec helper */

/* The program rumpclient_exec() starts: checks, exits 0 or the line. */
static int
exec_helper(const char *mode)
{
	const char *e;
	char buf[16];
	struct rump_stat st;

	if (strcmp(mode, "parsed") == 0) {
		e = getenv("RUMP__PARSEDSERVER");
		CC(e != NULL && strcmp(e, getenv("TC_EXPECT")) == 0);
		CC(rumpclient_init() == 0);
		CC(rump_sys_getpid() > 1);
		_exit(0);
	}
	CC(rumpclient_init() == 0);
	CC(getenv("RUMPCLIENT__EXECFD") == NULL);
	CC(rump_sys_getpid() == atoi(getenv("TC_PID")));
	/* The descriptor without close-on-exec survived, offset and all. */
	CC(rump_sys_read(atoi(getenv("TC_KEEP")), buf, 4) == 4);
	CC(memcmp(buf, "keep", 4) == 0);
	/* The close-on-exec one is gone. */
	CC(rump_sys_fstat(atoi(getenv("TC_GONE")), (struct stat *)&st) == -1 &&
	    errno == RUMP_EBADF);
	_exit(0);
}

/* ------------------------------------------------------------------ boot */

int
t_boot(void)
{
	const char *helper = getenv("TC_EXEC_HELPER");
	char path[PATH_MAX];

	if (helper != NULL)
		return exec_helper(helper);
	signal(SIGPIPE, SIG_IGN);
	find_bindir();
	bin_path(path, sizeof(path), "rump_allserver");
	if (access(path, X_OK) != 0) {
		printf("tc_client: %s missing: skipped\n", path);
		printf("# tc_client: passed=0 failed=0\n");
		exit(0);
	}
	bootpid = getpid();
	if (srv_start(&mainsrv) != 0) {
		fprintf(stderr, "tc_client: cannot start %s\n", path);
		return 1;
	}
	atexit(stop_main);
	setenv("RUMP_SERVER", mainsrv.url, 1);
	if (rumpclient_init() != 0)
		return errno;
	return 0;
}

/* ------------------------------------------------------ the basic calls */

TEST(getpid_is_a_child_of_init)
{
	register_t rv[2] = { 0, 0 };

	CHECK(rump_sys_getpid() > 1);
	CHECK_EQ(rump_sys_getppid(), 1);
	CHECK_EQ(rumpclient_syscall(20, NULL, 0, rv), 0);
	CHECK_EQ(rv[0], rump_sys_getpid());
	CHECK_EQ(rv[1], 1);
}

TEST(clients_are_root)
{
	CHECK_EQ(rump_sys_getuid(), 0);
	CHECK_EQ(rump_sys_geteuid(), 0);
	CHECK_EQ(rump_sys_getgid(), 0);
}

TEST(mkdir_stat_rmdir)
{
	struct rump_stat st;

	CHECK_OK(rump_sys_mkdir("d", 0755));
	CHECK_OK(rump_sys_stat("d", (struct stat *)&st));
	CHECK_EQ(st.st_mode & RUMP_S_IFMT, RUMP_S_IFDIR);
	CHECK_EQ(st.st_mode & 07777, 0755);
	CHECK_ERR(rump_sys_mkdir("d", 0755), RUMP_EEXIST);
	CHECK_OK(rump_sys_rmdir("d"));
	CHECK_ERR(rump_sys_stat("d", (struct stat *)&st), RUMP_ENOENT);
}

TEST(errnos_are_netbsd_numbers)
{
	char name[600];	/* NetBSD allows 511 (MAXNAMLEN) */

	CHECK_ERR(rump_sys_open("missing", RUMP_O_RDONLY), RUMP_ENOENT);
	CHECK_ERR(rump_sys_close(987), RUMP_EBADF);
	CHECK_OK(rump_sys_mkdir("full", 0755));
	CHECK_OK(rump_sys_mkdir("full/x", 0755));
	CHECK_ERR(rump_sys_rmdir("full"), RUMP_ENOTEMPTY);		/* 66 */
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	CHECK_ERR(rump_sys_mkdir(name, 0755), RUMP_ENAMETOOLONG);	/* 63 */
	CHECK_ERR(rump_sys_lseek(987, 0, RUMP_SEEK_SET), RUMP_EBADF);
}

TEST(umask_is_inherited_022)
{
	struct rump_stat st;
	int fd;

	CHECK((fd = rump_sys_open("f", RUMP_O_CREAT | RUMP_O_RDWR, 0777)) >= 0);
	CHECK_OK(rump_sys_fstat(fd, (struct stat *)&st));
	CHECK_EQ(st.st_mode & 0777, 0755);
	rump_sys_close(fd);
}

TEST(tmpfs_write_read_roundtrip)
{
	char buf[64];
	int fd;

	CHECK_OK(t_mount_tmpfs("/t/tmpfs_write_read_roundtrip/mnt"));
	CHECK((fd = rump_sys_open("mnt/file", RUMP_O_CREAT | RUMP_O_RDWR,
	    0644)) >= 0);
	CHECK_EQ(rump_sys_write(fd, "over the wire", 13), 13);
	CHECK_EQ(rump_sys_lseek(fd, 5, RUMP_SEEK_SET), 5);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 8);
	CHECK_STR(buf, "the wire");
	CHECK_EQ(rump_sys_pwrite(fd, "THE", 3, 5), 3);
	CHECK_EQ(rump_sys_pread(fd, buf, 13, 0), 13);
	CHECK(memcmp(buf, "over THE wire", 13) == 0);
	rump_sys_close(fd);
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(large_write_and_read_through_copies)
{
	size_t len = 3 * 1024 * 1024 + 123, i;
	uint8_t *a = malloc(len), *b = malloc(len);
	int fd;

	for (i = 0; i < len; i++)
		a[i] = (uint8_t)(i % 251);
	CHECK_OK(t_mount_tmpfs("/t/large_write_and_read_through_copies/m"));
	CHECK((fd = rump_sys_open("m/big", RUMP_O_CREAT | RUMP_O_RDWR,
	    0644)) >= 0);
	CHECK_EQ(rump_sys_write(fd, a, len), len);
	memset(b, 0, len);
	CHECK_EQ(rump_sys_pread(fd, b, len, 0), len);
	CHECK(memcmp(a, b, len) == 0);
	rump_sys_close(fd);
	CHECK_OK(rump_sys_unmount("m", 0));
	free(a);
	free(b);
}

TEST(pipe_returns_two_descriptors)
{
	int p[2] = { -1, -1 };
	char c = 0;

	CHECK_OK(rump_sys_pipe(p));
	CHECK(p[0] >= 0 && p[1] >= 0 && p[0] != p[1]);
	CHECK_EQ(rump_sys_write(p[1], "z", 1), 1);
	CHECK_EQ(rump_sys_read(p[0], &c, 1), 1);
	CHECK_EQ(c, 'z');
	rump_sys_close(p[0]);
	rump_sys_close(p[1]);
}

static volatile sig_atomic_t sigpipes;

static void
on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

TEST(write_to_widowed_pipe_is_epipe_and_raises_sigpipe)
{
	struct sigaction sa, osa;
	int p[2];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigpipe;
	sigaction(SIGPIPE, &sa, &osa);
	sigpipes = 0;
	CHECK_OK(rump_sys_pipe(p));
	rump_sys_close(p[0]);
	CHECK_ERR(rump_sys_write(p[1], "x", 1), RUMP_EPIPE);
	CHECK_EQ(sigpipes, 1);
	rump_sys_close(p[1]);
	sigaction(SIGPIPE, &osa, NULL);
}

TEST(getcwd_is_per_test_directory)
{
	char buf[256];

	CHECK(rump_sys___getcwd(buf, sizeof(buf)) >= 0);
	CHECK_STR(buf, "/t/getcwd_is_per_test_directory");
}

/* --------------------------------------------------- many clients at once */

#define NPROC	64

/* A fresh client: its own process in the kernel. */
static void
proc_work(int i, int wfd)
{
	char dir[64], buf[4096], back[4096];
	int fd, pid;

	CC(rumpclient_init() == 0);
	CC((pid = rump_sys_getpid()) > 1);
	snprintf(dir, sizeof(dir), "/t/sixty_four_client_processes/c%d", i);
	CC(rump_sys_mkdir(dir, 0755) == 0);
	CC(rump_sys_chdir(dir) == 0);
	memset(buf, 'a' + i % 26, sizeof(buf));
	CC((fd = rump_sys_open("f", RUMP_O_CREAT | RUMP_O_RDWR, 0644)) >= 0);
	CC(rump_sys_write(fd, buf, sizeof(buf)) == sizeof(buf));
	CC(rump_sys_pread(fd, back, sizeof(back), 0) == sizeof(back));
	CC(memcmp(buf, back, sizeof(buf)) == 0);
	CC(write(wfd, &pid, sizeof(pid)) == sizeof(pid));
	_exit(0);
}

static int
distinct_pids(const int *pids, int n, int also)
{
	int i, j;

	for (i = 0; i < n; i++) {
		if (pids[i] <= 1 || pids[i] == also)
			return 0;
		for (j = 0; j < i; j++)
			if (pids[i] == pids[j])
				return 0;
	}
	return 1;
}

TEST(sixty_four_client_processes)
{
	pid_t kids[NPROC];
	int pids[NPROC], p[2], i;

	CHECK(pipe(p) == 0);
	for (i = 0; i < NPROC; i++) {
		if ((kids[i] = child_start()) == 0)
			proc_work(i, p[1]);
	}
	close(p[1]);
	for (i = 0; i < NPROC; i++)
		CHECK_CHILD_OK(kids[i]);
	for (i = 0; i < NPROC && read(p[0], &pids[i], sizeof(int)) ==
	    sizeof(int); i++)
		continue;
	close(p[0]);
	CHECK_EQ(i, NPROC);
	CHECK(distinct_pids(pids, i, rump_sys_getpid()));
	CHECK(rump_sys_getpid() > 1);	/* ours still serves */
}

TEST(sixty_four_forked_clients)
{
	pid_t kids[NPROC];
	int pids[NPROC], p[2], i, fd, pid;
	char c;

	CHECK((fd = rump_sys_open("shared", RUMP_O_CREAT | RUMP_O_RDWR,
	    0644)) >= 0);
	CHECK_EQ(rump_sys_write(fd, "0123456789", 10), 10);
	CHECK(pipe(p) == 0);
	for (i = 0; i < NPROC; i++) {
		if ((kids[i] = rumpclient_fork()) == 0) {
			CC((pid = rump_sys_getpid()) > 1);
			CC(rump_sys_pread(fd, &c, 1, i % 10) == 1);
			CC(c == '0' + i % 10);
			CC(write(p[1], &pid, sizeof(pid)) == sizeof(pid));
			_exit(0);
		}
		CHECK(kids[i] > 0);
	}
	close(p[1]);
	for (i = 0; i < NPROC; i++)
		CHECK_CHILD_OK(kids[i]);
	for (i = 0; i < NPROC && read(p[0], &pids[i], sizeof(int)) ==
	    sizeof(int); i++)
		continue;
	close(p[0]);
	CHECK_EQ(i, NPROC);
	CHECK(distinct_pids(pids, i, rump_sys_getpid()));
	rump_sys_close(fd);
}

/* ----------------------------------------------- a multithreaded client */

#define NTHREAD	8

struct thr {
	pthread_t t;
	int	rfd, wfd;
	int	ok;
};

/* Block in read on its own pipe until the main thread writes. */
static void *
thr_blocked_read(void *arg)
{
	struct thr *t = arg;
	char c;

	t->ok = rump_sys_read(t->rfd, &c, 1) == 1 && c == 'g';
	return NULL;
}

TEST(threads_block_in_calls_at_once)
{
	struct thr t[NTHREAD];
	struct timespec d = { 0, 200000000 };
	int i, p[2];

	for (i = 0; i < NTHREAD; i++) {
		CHECK_OK(rump_sys_pipe(p));
		t[i].rfd = p[0];
		t[i].wfd = p[1];
		t[i].ok = 0;
		pthread_create(&t[i].t, NULL, thr_blocked_read, &t[i]);
	}
	nanosleep(&d, NULL);	/* all eight reads now wait in the kernel */
	CHECK(rump_sys_getpid() > 1);	/* while a ninth call goes through */
	for (i = NTHREAD - 1; i >= 0; i--)
		CHECK_EQ(rump_sys_write(t[i].wfd, "g", 1), 1);
	for (i = 0; i < NTHREAD; i++) {
		pthread_join(t[i].t, NULL);
		CHECK(t[i].ok);
		rump_sys_close(t[i].rfd);
		rump_sys_close(t[i].wfd);
	}
}

static void *
thr_busy(void *arg)
{
	struct thr *t = arg;
	char name[32], buf[100], back[100];
	int i, fd, pid = rump_sys_getpid();

	t->ok = 1;
	snprintf(name, sizeof(name), "busy%d", t->rfd);
	if ((fd = rump_sys_open(name, RUMP_O_CREAT | RUMP_O_RDWR, 0644)) < 0) {
		t->ok = 0;
		return NULL;
	}
	memset(buf, t->rfd, sizeof(buf));
	for (i = 0; i < 300 && t->ok; i++) {
		if (rump_sys_getpid() != pid ||
		    rump_sys_pwrite(fd, buf, sizeof(buf), i * 100) != 100 ||
		    rump_sys_pread(fd, back, sizeof(back), i * 100) != 100 ||
		    memcmp(buf, back, sizeof(buf)) != 0)
			t->ok = 0;
	}
	rump_sys_close(fd);
	return NULL;
}

TEST(threads_hammer_one_connection)
{
	struct thr t[NTHREAD];
	int i;

	for (i = 0; i < NTHREAD; i++) {
		t[i].rfd = i + 1;
		pthread_create(&t[i].t, NULL, thr_busy, &t[i]);
	}
	for (i = 0; i < NTHREAD; i++) {
		pthread_join(t[i].t, NULL);
		CHECK(t[i].ok);
	}
}

/* ----------------------------------------------------------- fork, exec */

TEST(fork_child_sees_descriptors_as_of_fork)
{
	int fd, late, p[2], mypid = rump_sys_getpid();
	char c;
	pid_t kid;

	CHECK((fd = rump_sys_open("f", RUMP_O_CREAT | RUMP_O_RDWR, 0644)) >= 0);
	CHECK_EQ(rump_sys_write(fd, "abc", 3), 3);
	CHECK(pipe(p) == 0);
	if ((kid = rumpclient_fork()) == 0) {
		CC(rump_sys_getpid() > 1 && rump_sys_getpid() != mypid);
		/* The open file is shared: same offset. */
		CC(rump_sys_lseek(fd, 0, RUMP_SEEK_CUR) == 3);
		CC(rump_sys_pread(fd, &c, 1, 1) == 1 && c == 'b');
		/* A descriptor opened in the child stays the child's. */
		CC((late = rump_sys_open("f", RUMP_O_RDONLY)) >= 0);
		CC(write(p[1], &late, sizeof(late)) == sizeof(late));
		_exit(0);
	}
	CHECK(kid > 0);
	CHECK_CHILD_OK(kid);
	CHECK_EQ(read(p[0], &late, sizeof(late)), sizeof(late));
	CHECK_ERR(rump_sys_close(late), RUMP_EBADF);
	close(p[0]);
	close(p[1]);
	rump_sys_close(fd);
}

TEST(vfork_is_fork)
{
	int mypid = rump_sys_getpid();
	pid_t kid;

	if ((kid = rumpclient_vfork()) == 0) {
		CC(rump_sys_getpid() > 1 && rump_sys_getpid() != mypid);
		_exit(0);
	}
	CHECK(kid > 0);
	CHECK_CHILD_OK(kid);
	CHECK_EQ(rump_sys_getpid(), mypid);
}

TEST(fork_by_hand_prefork_fork_init)
{
	struct rumpclient_fork *rf;
	int mypid = rump_sys_getpid();
	pid_t kid;

	CHECK((rf = rumpclient_prefork()) != NULL);
	if ((kid = child_start()) == 0) {
		CC(rumpclient_fork_init(rf) == 0);
		CC(rump_sys_getpid() > 1 && rump_sys_getpid() != mypid);
		_exit(0);
	}
	free(rf);
	CHECK_CHILD_OK(kid);
}

TEST(fork_cancel_then_calls_go_on)
{
	struct rumpclient_fork *rf;

	CHECK((rf = rumpclient_prefork()) != NULL);
	rumpclient_fork_cancel(rf);
	CHECK(rump_sys_getpid() > 1);
}

TEST(daemon_child_carries_on)
{
	int p[2], pid = 0, mypid;
	pid_t kid;

	CHECK(pipe(p) == 0);
	if ((kid = child_start()) == 0) {
		CC(rumpclient_init() == 0);
		mypid = rump_sys_getpid();
		CC(rumpclient_daemon(1, 1) == 0);
		CC(getsid(0) == getpid());
		CC((pid = rump_sys_getpid()) > 1 && pid != mypid);
		CC(write(p[1], &pid, sizeof(pid)) == sizeof(pid));
		_exit(0);
	}
	close(p[1]);
	CHECK_CHILD_OK(kid);		/* the daemon's parent exits 0 */
	CHECK_EQ(read(p[0], &pid, sizeof(pid)), sizeof(pid));
	CHECK(pid > 1);
	close(p[0]);
}

static void
exec_self(const char *mode)
{
	char exe[PATH_MAX];
	char *argv[] = { "tc_client_helper", NULL };
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	setenv("TC_EXEC_HELPER", mode, 1);
	rumpclient_exec(exe, argv, environ);
	_exit(120);
}

TEST(exec_keeps_process_and_descriptors)
{
	char v[32];
	int keep, gone, pid;
	pid_t kid;

	CHECK((keep = rump_sys_open("k", RUMP_O_CREAT | RUMP_O_RDWR, 0644)) >= 0);
	CHECK_EQ(rump_sys_write(keep, "xxkeep", 6), 6);
	CHECK_EQ(rump_sys_lseek(keep, 2, RUMP_SEEK_SET), 2);
	CHECK((gone = rump_sys_open("k", RUMP_O_RDONLY | RUMP_O_CLOEXEC)) >= 0);
	if ((kid = rumpclient_fork()) == 0) {
		CC((pid = rump_sys_getpid()) > 1);
		snprintf(v, sizeof(v), "%d", pid);
		setenv("TC_PID", v, 1);
		snprintf(v, sizeof(v), "%d", keep);
		setenv("TC_KEEP", v, 1);
		snprintf(v, sizeof(v), "%d", gone);
		setenv("TC_GONE", v, 1);
		exec_self("keep");
	}
	CHECK(kid > 0);
	CHECK_CHILD_OK(kid);
	rump_sys_close(keep);
	rump_sys_close(gone);
}

TEST(exec_forwards_relative_unix_url_absolute)
{
	char want[200];
	pid_t kid;

	if ((kid = child_start()) == 0) {
		CC(chdir(mainsrv.dir) == 0);
		setenv("RUMP_SERVER", "unix://sock", 1);
		CC(rumpclient_init() == 0);
		snprintf(want, sizeof(want), "unix://%s", mainsrv.sock);
		setenv("TC_EXPECT", want, 1);
		CC(chdir("/") == 0);	/* the relative URL no longer works */
		exec_self("parsed");
	}
	CHECK_CHILD_OK(kid);
}

TEST(exec_failure_returns_and_connection_survives)
{
	char *argv[] = { "nothing", NULL };

	CHECK_EQ(rumpclient_exec("/nonexistent/program", argv, environ), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK(rump_sys_getpid() > 1);
}

TEST(exec_without_connection_is_enotconn)
{
	pid_t kid;
	char *argv[] = { "true", NULL };

	if ((kid = child_start()) == 0) {
		/* A host child that never connected has no rump process. */
		unsetenv("RUMP_SERVER");
		CC(rumpclient_init() == -1);
		CC(rumpclient_exec("/bin/true", argv, environ) == -1);
		CC(errno == ENOTCONN);
		_exit(0);
	}
	CHECK_CHILD_OK(kid);
}

/* ------------------------------------------------ clients that go away */

TEST(sigkilled_client_mid_call_releases_descriptors)
{
	int p[2], q[2];
	struct pollfd pfd;
	struct timespec d = { 0, 200000000 };
	char c;
	pid_t kid;
	int st;

	CHECK_OK(rump_sys_pipe(p));
	CHECK_OK(rump_sys_pipe(q));
	if ((kid = rumpclient_fork()) == 0) {
		rump_sys_close(p[0]);
		(void)rump_sys_read(q[0], &c, 1);	/* waits for ever */
		_exit(3);
	}
	CHECK(kid > 0);
	CHECK_OK(rump_sys_close(p[1]));	/* the child has the only writer */
	nanosleep(&d, NULL);
	kill(kid, SIGKILL);
	st = child_wait(kid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	/* Its process is torn down: the writer closes, we see EOF. */
	pfd.fd = p[0];
	pfd.events = RUMP_POLLIN;
	pfd.revents = 0;
	CHECK_EQ(rump_sys_poll(&pfd, 1, 5000), 1);
	CHECK_EQ(rump_sys_read(p[0], &c, 1), 0);
	CHECK(rump_sys_getpid() > 1);
	rump_sys_close(p[0]);
	rump_sys_close(q[0]);
	rump_sys_close(q[1]);
}

TEST(client_exit_does_not_disturb_others)
{
	pid_t kid;
	int i;

	for (i = 0; i < 8; i++) {
		if ((kid = child_start()) == 0) {
			CC(rumpclient_init() == 0);
			CC(rump_sys_getpid() > 1);
			_exit(0);	/* goes away without a word */
		}
		CHECK_CHILD_OK(kid);
		CHECK(rump_sys_getpid() > 1);
	}
}

/* --------------------------------------------- servers of the tests' own */

TEST(reconnect_after_server_restart)
{
	struct srv s, s2;
	struct rump_stat st;
	char err[2048] = "";
	int go[2], ready[2], ep[2], fd;
	ssize_t n;
	size_t got = 0;
	pid_t kid;
	char c;

	CHECK(srv_start(&s) == 0);
	CHECK(pipe(go) == 0 && pipe(ready) == 0 && pipe(ep) == 0);
	if ((kid = child_start()) == 0) {
		dup2(ep[1], 2);
		setenv("RUMP_SERVER", s.url, 1);
		CC(rumpclient_init() == 0);
		rumpclient_setconnretry(20);
		CC(rump_sys_getpid() > 1);
		CC((fd = rump_sys_open("/dev/null", RUMP_O_RDONLY)) >= 0);
		CC(write(ready[1], "r", 1) == 1);
		CC(read(go[0], &c, 1) == 1);
		/* The server is gone; this call waits for the new one. */
		CC(rump_sys_getpid() > 1);
		/* A new process: the old descriptor is no more. */
		CC(rump_sys_fstat(fd, (struct stat *)&st) == -1 &&
		    errno == RUMP_EBADF);
		_exit(0);
	}
	close(ep[1]);
	CHECK_EQ(read(ready[0], &c, 1), 1);
	kill(s.pid, SIGKILL);		/* no clean shutdown */
	CHECK(srv_wait(&s, 10000) != -1);
	CHECK_EQ(write(go[1], "g", 1), 1);
	usleep(300000);			/* let it notice and start trying */
	unlink(s.sock);			/* a killed server leaves its socket */
	CHECK(srv_start_url(&s2, "rump_allserver", s.url) == 0);
	CHECK_CHILD_OK(kid);
	while ((n = read(ep[0], err + got, sizeof(err) - 1 - got)) > 0)
		got += (size_t)n;
	err[got] = '\0';
	CHECK(strstr(err, "rump_sp: connection to kernel lost, trying to "
	    "reconnect ...\n") != NULL);
	CHECK(strstr(err, "rump_sp: reconnected!\n") != NULL);
	close(ep[0]);
	close(go[0]);
	close(go[1]);
	close(ready[0]);
	close(ready[1]);
	srv_stop(&s2);
	srv_stop(&s);
}

TEST(server_gone_without_retry_is_enotconn)
{
	struct srv s;
	pid_t kid;
	int ready[2], go[2];
	char c;

	CHECK(srv_start(&s) == 0);
	CHECK(pipe(ready) == 0 && pipe(go) == 0);
	if ((kid = child_start()) == 0) {
		setenv("RUMP_SERVER", s.url, 1);
		CC(rumpclient_init() == 0);
		CC(write(ready[1], "r", 1) == 1);
		CC(read(go[0], &c, 1) == 1);
		CC(rump_sys_getpid() == -1 && errno == RUMP_ENOTCONN);
		_exit(0);
	}
	CHECK_EQ(read(ready[0], &c, 1), 1);
	srv_stop(&s);
	CHECK_EQ(write(go[1], "g", 1), 1);
	CHECK_CHILD_OK(kid);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
}

TEST(blocked_call_fails_when_server_halts)
{
	struct srv s;
	pid_t kid;
	int ready[2];
	char c;

	CHECK(srv_start(&s) == 0);
	CHECK(pipe(ready) == 0);
	if ((kid = child_start()) == 0) {
		int p[2];

		setenv("RUMP_SERVER", s.url, 1);
		CC(rumpclient_init() == 0);
		CC(rump_sys_pipe(p) == 0);
		CC(write(ready[1], "r", 1) == 1);
		CC(rump_sys_read(p[0], &c, 1) == -1);
		CC(errno == RUMP_ENOTCONN || errno == RUMP_EINTR);
		_exit(0);
	}
	CHECK_EQ(read(ready[0], &c, 1), 1);
	usleep(100000);
	srv_stop(&s);
	CHECK_CHILD_OK(kid);
	close(ready[0]);
	close(ready[1]);
}

static int
free_port(int family)
{
	struct sockaddr_storage ss;
	socklen_t sl = family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6);
	int fd, port;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr =
		    htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	fd = socket(family, SOCK_STREAM, 0);
	if (bind(fd, (struct sockaddr *)&ss, sl) == -1) {
		close(fd);
		return -1;
	}
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	close(fd);
	return port;
}

static void
tcp_case(int family, const char *fmt)
{
	struct srv s;
	char url[100];
	pid_t kid;
	int port = free_port(family);

	if (port == -1) {
		printf("  (no %s loopback here: skipped)\n",
		    family == AF_INET ? "IPv4" : "IPv6");
		return;
	}
	snprintf(url, sizeof(url), fmt, port);
	CHECK(srv_start_url(&s, "rump_allserver", url) == 0);
	if ((kid = child_start()) == 0) {
		char buf[8];
		int fd;

		setenv("RUMP_SERVER", url, 1);
		CC(rumpclient_init() == 0);
		CC(rump_sys_getpid() > 1);
		CC((fd = rump_sys_open("/dev/zero", RUMP_O_RDONLY)) >= 0);
		CC(rump_sys_read(fd, buf, sizeof(buf)) == sizeof(buf));
		_exit(0);
	}
	CHECK_CHILD_OK(kid);
	srv_stop(&s);
}

TEST(tcp_loopback_client)
{
	tcp_case(AF_INET, "tcp://127.0.0.1:%d");
}

TEST(tcp6_loopback_client)
{
	tcp_case(AF_INET6, "tcp6://[::1]:%d");
}

TEST(relative_unix_url)
{
	pid_t kid;

	if ((kid = child_start()) == 0) {
		CC(chdir(mainsrv.dir) == 0);
		setenv("RUMP_SERVER", "unix://sock", 1);
		CC(rumpclient_init() == 0);
		CC(rump_sys_getpid() > 1);
		_exit(0);
	}
	CHECK_CHILD_OK(kid);
}

/* ------------------------------------------------------------ rump.halt */

/* (An aborting server's buffered output may be lost: not checked.) */
static void
halt_case(const char *flag, int want_exit, int want_sig)
{
	struct srv s;
	char err[512], log[4096];
	int st;

	CHECK(srv_start(&s) == 0);
	st = run_halt(s.url, flag, err, sizeof(err));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_STR(err, "");
	st = srv_wait(&s, 10000);
	if (want_sig)
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == want_sig);
	else
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == want_exit);
	CHECK(access(s.sock, F_OK) == -1);	/* socket removed */
	srv_log(&s, log, sizeof(log));
	if (!want_sig)
		CHECK(strstr(log, "halted\n") != NULL);
	srv_stop(&s);
}

TEST(halt_plain_exits_server_0)
{
	halt_case(NULL, 0, 0);
}

TEST(halt_n_exits_server_0)
{
	halt_case("-n", 0, 0);
}

TEST(halt_d_dumps_core)
{
	halt_case("-d", 0, SIGABRT);
}

TEST(halt_dn_dumps_core)
{
	halt_case("-dn", 0, SIGABRT);
}

TEST(halt_h_server_stays)
{
	struct srv s;
	char err[512];
	int st;

	CHECK(srv_start(&s) == 0);
	st = run_halt(s.url, "-h", err, sizeof(err));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(srv_wait(&s, 500) == -1);		/* still there */
	CHECK(!srv_accepting(&s));		/* but takes no clients */
	CHECK(access(s.sock, F_OK) == -1);	/* its socket is gone */
	srv_stop(&s);
}

TEST(halt_without_server_fails_clearly)
{
	char err[512];
	int st;

	st = run_halt("unix:///nonexistent/tc_client/sock", NULL, err,
	    sizeof(err));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	CHECK(strstr(err, "rump.halt: init failed: ") != NULL);
}

TEST(halt_without_rump_server_variable)
{
	char err[512];
	int st;

	st = run_halt(NULL, NULL, err, sizeof(err));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	CHECK(strstr(err, "error: RUMP_SERVER not set\n") != NULL);
	CHECK(strstr(err, "rump.halt: init failed: ") != NULL);
}

TEST(halt_usage)
{
	char err[512];
	char path[PATH_MAX];
	char *argv[] = { path, "extra", NULL };
	int st;

	st = run_halt(mainsrv.url, "-x", err, sizeof(err));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	CHECK(strstr(err, "usage: rump.halt [-dhn]\n") != NULL);
	bin_path(path, sizeof(path), "rump.halt");
	st = run_prog(mainsrv.url, argv, err, sizeof(err));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	CHECK_STR(err, "usage: rump.halt [-dhn]\n");
	CHECK(rump_sys_getpid() > 1);		/* the server is untouched */
}

TEST(halt_with_another_client_connected)
{
	struct srv s;
	char err[512];
	pid_t kid;
	int ready[2], go[2], st;
	char c;

	CHECK(srv_start(&s) == 0);
	CHECK(pipe(ready) == 0 && pipe(go) == 0);
	if ((kid = child_start()) == 0) {
		setenv("RUMP_SERVER", s.url, 1);
		CC(rumpclient_init() == 0);
		CC(write(ready[1], "r", 1) == 1);
		CC(read(go[0], &c, 1) == 1);
		CC(rump_sys_getpid() == -1 && errno == RUMP_ENOTCONN);
		_exit(0);
	}
	CHECK_EQ(read(ready[0], &c, 1), 1);
	st = run_halt(s.url, NULL, err, sizeof(err));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(srv_wait(&s, 10000) != -1);
	CHECK_EQ(write(go[1], "g", 1), 1);
	CHECK_CHILD_OK(kid);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
	srv_stop(&s);
}
