/*
 * tc_wire.c: librumpclient against a scripted server.
 *
 * Each test forks a client (the child: rumpclient_init and calls) and
 * plays the server in the parent, on a unix socket, byte for byte as
 * the spec's worked examples (sysproxy.md §8) and error rules (§6, §7,
 * §9) say.  The parent checks the client's frames; the child checks
 * what its calls return and exits with the failing line (0: all well).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rump/rumpclient.h>

#include "rumpuser/sp_wire.h"
#include "t.h"

int t_no_kernel = 1;

/* ------------------------------------------------------- scripted server */

struct fake {
	int	lfd;		/* listening socket */
	int	fd;		/* the accepted client */
	char	dir[64];
	char	path[108];
};

static const uint8_t banner[] = "RUMPSP-0.4-NetBSD-7.99.34/amd64\n";

static void
fake_open(struct fake *f)
{
	struct sockaddr_un sun;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/tc_wire.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		abort();
	snprintf(f->path, sizeof(f->path), "%s/sock", f->dir);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, f->path);
	f->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (bind(f->lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(f->lfd, 16) == -1)
		abort();
	char url[200];
	snprintf(url, sizeof(url), "unix://%s", f->path);
	setenv("RUMP_SERVER", url, 1);
	unsetenv("RUMP__PARSEDSERVER");
	unsetenv("RUMPCLIENT__EXECFD");
}

static void
fake_close(struct fake *f)
{
	if (f->fd != -1)
		close(f->fd);
	close(f->lfd);
	unlink(f->path);
	rmdir(f->dir);
}

/* Accept the next connection (10 s at most); -1 if none came. */
static int
fake_accept(struct fake *f)
{
	struct pollfd pfd = { .fd = f->lfd, .events = POLLIN };
	struct timeval tv = { .tv_sec = 10 };

	if (f->fd != -1)
		close(f->fd);
	f->fd = -1;
	if (poll(&pfd, 1, 10000) != 1)
		return -1;
	f->fd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);
	setsockopt(f->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return f->fd;
}

static void
fake_write(struct fake *f, const void *buf, size_t len)
{
	if (write(f->fd, buf, len) != (ssize_t)len)
		t_fail(__FILE__, __LINE__, "fake server: short write");
}

static void
fake_banner(struct fake *f)
{
	fake_write(f, banner, sizeof(banner) - 1);
}

/* Read exactly len bytes; 0 or -1 (timeout, EOF). */
static int
fake_readn(struct fake *f, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(f->fd, (char *)buf + got, len - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* One frame: header in h, body (up to cap) in body; body length or -1. */
static long
fake_frame(struct fake *f, struct sp_hdr *h, void *body, size_t cap)
{
	size_t blen;

	if (fake_readn(f, h, SP_HDRSZ) != 0 || h->len < SP_HDRSZ)
		return -1;
	blen = (size_t)(h->len - SP_HDRSZ);
	if (blen > cap)
		return -1;
	if (fake_readn(f, body, blen) != 0)
		return -1;
	return (long)blen;
}

static void
fake_send(struct fake *f, uint64_t reqno, int class, int type, uint32_t u,
    const void *body, size_t blen)
{
	struct sp_hdr h = { .len = SP_HDRSZ + blen, .reqno = reqno,
	    .class = (uint16_t)class, .type = (uint16_t)type, .u = u };
	uint8_t buf[SP_HDRSZ + 256];

	if (blen > 256)
		abort();
	memcpy(buf, &h, SP_HDRSZ);
	if (blen > 0)
		memcpy(buf + SP_HDRSZ, body, blen);
	fake_write(f, buf, SP_HDRSZ + blen);
}

static void
fake_sysresp(struct fake *f, uint64_t reqno, int error, int64_t rv0,
    int64_t rv1)
{
	struct sp_sysresp r = { .rsys_error = error,
	    .rsys_retval = { rv0, rv1 } };

	fake_send(f, reqno, SP_RESP, SP_SYSCALL, 0, &r, sizeof(r));
}

/* Accept, banner, a GUEST handshake answered 0.  Its reqno, or -1. */
static long
fake_guest(struct fake *f)
{
	struct sp_hdr h;
	char name[64];
	int zero = 0;

	if (fake_accept(f) == -1)
		return -1;
	fake_banner(f);
	if (fake_frame(f, &h, name, sizeof(name)) < 0 ||
	    h.class != SP_REQ || h.type != SP_HANDSHAKE || h.u != SP_HS_GUEST)
		return -1;
	fake_send(f, h.reqno, SP_RESP, SP_HANDSHAKE, 0, &zero, sizeof(zero));
	return (long)h.reqno;
}

/* Expect a SYSCALL request; its reqno (args in body), or -1. */
static long
fake_syscall(struct fake *f, int num, void *body, size_t cap)
{
	struct sp_hdr h;

	if (fake_frame(f, &h, body, cap) < 0 || h.class != SP_REQ ||
	    h.type != SP_SYSCALL || (int)h.u != num)
		return -1;
	return (long)h.reqno;
}

/* ---------------------------------------------------------- the client */

/* In the child: a failed check exits with its line number. */
#define CC(cond) do {							\
	if (!(cond)) {							\
		fprintf(stderr, "  client: %s:%d: %s (errno %d)\n",	\
		    __FILE__, __LINE__, #cond, errno);			\
		_exit(1);						\
	}								\
} while (0)

static pid_t
client_start(void (*fn)(void))
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == 0) {
		struct rlimit nocore = { 0, 0 };

		setrlimit(RLIMIT_CORE, &nocore);
		signal(SIGINT, SIG_DFL);
		prctl(PR_SET_NAME, "getpid");
		fn();
		_exit(0);
	}
	return pid;
}

/* Wait for the client; its raw wait status. */
static int
client_wait(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

#define CHECK_CLIENT_OK(pid) do {					\
	int st_ = client_wait(pid);					\
	if (!WIFEXITED(st_) || WEXITSTATUS(st_) != 0)		\
		t_fail(__FILE__, __LINE__, "client failed: status %#x",\
		    st_);						\
} while (0)

static void
hexcmp(const char *what, const void *got, size_t glen, const void *want,
    size_t wlen)
{
	size_t i;

	if (glen == wlen && memcmp(got, want, wlen) == 0)
		return;
	fprintf(stderr, "  %s: got %zu bytes:", what, glen);
	for (i = 0; i < glen; i++)
		fprintf(stderr, " %02x", ((const uint8_t *)got)[i]);
	fprintf(stderr, "\n  want %zu bytes:", wlen);
	for (i = 0; i < wlen; i++)
		fprintf(stderr, " %02x", ((const uint8_t *)want)[i]);
	fputc('\n', stderr);
	t_fail(__FILE__, __LINE__, "%s: bytes differ", what);
}

/* Read raw bytes the client sends, up to len; the count. */
static size_t
fake_raw(struct fake *f, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len && (n = read(f->fd, (char *)buf + got,
	    len - got)) > 0)
		got += (size_t)n;
	return got;
}

/* ------------------------------------------------ §8: the worked example */

static void
cl_getpid(void)
{
	CC(rumpclient_init() == 0);
	CC(rump_sys_getpid() == 2);
}

TEST(handshake_guest_bytes_match_spec)
{
	static const uint8_t want[31] = {
		0x1f, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 'g', 'e', 't', 'p', 'i', 'd', 0 };
	struct fake f;
	uint8_t got[31];
	int zero = 0;
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_getpid);
	CHECK(fake_accept(&f) != -1);
	fake_banner(&f);
	hexcmp("GUEST handshake", got, fake_raw(&f, got, sizeof(got)), want,
	    sizeof(want));
	fake_send(&f, 1, SP_RESP, SP_HANDSHAKE, 0, &zero, sizeof(zero));
	struct sp_hdr h;
	uint8_t body[64];
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	fake_sysresp(&f, 2, 0, 2, 1);
	CHECK_CLIENT_OK(pid);
	(void)h;
	fake_close(&f);
}

TEST(getpid_request_bytes_match_spec)
{
	static const uint8_t want[24] = {
		0x18, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0x01, 0, 0x14, 0, 0, 0 };
	static const uint8_t resp[48] = {
		0x30, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0,
		0x01, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x02, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0 };
	struct fake f;
	uint8_t got[24];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_getpid);
	CHECK(fake_guest(&f) == 1);
	hexcmp("getpid request", got, fake_raw(&f, got, sizeof(got)), want,
	    sizeof(want));
	fake_write(&f, resp, sizeof(resp));
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

/* "/x" at a known place in the child, so the bytes are the spec's. */
static void
cl_mkdir(void)
{
	char *x = mmap((void *)0x5555555560a4 - 0xa4, 4096,
	    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_FIXED_NOREPLACE, -1, 0);

	CC(x == (void *)(0x5555555560a4 - 0xa4));
	memcpy(x + 0xa4, "/x", 3);
	CC(rumpclient_init() == 0);
	CC(rump_sys_getpid() == 2);
	CC(rump_sys_mkdir(x + 0xa4, 0755) == 0);
	CC(rump_sys_mkdir(x + 0xa4, 0755) == -1 && errno == RUMP_EEXIST);
}

TEST(mkdir_copyinstr_reply_bytes_match_spec)
{
	static const uint8_t wantreq[40] = {
		0x28, 0, 0, 0, 0, 0, 0, 0, 0x03, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0x01, 0, 0x88, 0, 0, 0,
		0xa4, 0x60, 0x55, 0x55, 0x55, 0x55, 0, 0,
		0xed, 0x01, 0, 0, 0, 0, 0, 0 };
	static const uint8_t copyinstr[40] = {
		0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0x03, 0, 0, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0, 0,
		0xa4, 0x60, 0x55, 0x55, 0x55, 0x55, 0, 0 };
	static const uint8_t wantcopy[27] = {
		0x1b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x01, 0, 0x02, 0, 0, 0, 0, 0, 0x2f, 0x78, 0 };
	struct fake f;
	uint8_t got[40], body[64];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_mkdir);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	fake_sysresp(&f, 2, 0, 2, 1);
	hexcmp("mkdir request", got, fake_raw(&f, got, sizeof(wantreq)),
	    wantreq, sizeof(wantreq));
	fake_write(&f, copyinstr, sizeof(copyinstr));
	hexcmp("copy response", got, fake_raw(&f, got, sizeof(wantcopy)),
	    wantcopy, sizeof(wantcopy));
	fake_sysresp(&f, 3, 0, 0, 0);
	/* Again: EEXIST (17) comes back as errno 17. */
	CHECK(fake_syscall(&f, 136, body, sizeof(body)) == 4);
	fake_sysresp(&f, 4, RUMP_EEXIST, -1, 0);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

/* ----------------------------------------------------- §6: error frames */

static void
cl_getpid_tryagain(void)
{
	CC(rumpclient_init() == 0);
	CC(rump_sys_getpid() == 7);
}

TEST(error_tryagain_resends_with_next_reqno)
{
	struct fake f;
	uint8_t body[64];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_getpid_tryagain);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	fake_send(&f, 2, SP_ERROR, 0, SP_ERR_TRYAGAIN, NULL, 0);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 3);
	fake_send(&f, 3, SP_ERROR, 0, SP_ERR_TRYAGAIN, NULL, 0);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 4);
	fake_sysresp(&f, 4, 0, 7, 1);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

/* Each ERROR code, sent as the answer to a close(), and its errno. */
static const struct { uint32_t code; int err; } errcodes[] = {
	{ SP_ERR_AUTH, RUMP_EPERM },
	{ SP_ERR_INVALID_PREFORK, RUMP_ESRCH },
	{ SP_ERR_RFORK_FAILED, RUMP_EIO },
	{ SP_ERR_INEXEC, RUMP_EBUSY },
	{ SP_ERR_NOMEM, RUMP_ENOMEM },
	{ SP_ERR_MALFORMED_REQUEST, RUMP_EINVAL },
	{ 99, RUMP_EPROTO },
	{ SP_ERR_NONE, RUMP_EPROTO },
};
#define NERRCODES (sizeof(errcodes) / sizeof(errcodes[0]))

static void
cl_errcodes(void)
{
	size_t i;

	CC(rumpclient_init() == 0);
	for (i = 0; i < NERRCODES; i++) {
		errno = 0;
		CC(rump_sys_close(3) == -1);
		if (errno != errcodes[i].err)
			_exit(100 + (int)i);
	}
}

TEST(error_frames_map_to_netbsd_errnos)
{
	struct fake f;
	uint8_t body[64];
	long rq;
	size_t i;
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_errcodes);
	CHECK(fake_guest(&f) == 1);
	for (i = 0; i < NERRCODES; i++) {
		CHECK((rq = fake_syscall(&f, 6, body, sizeof(body))) ==
		    (long)(2 + i));
		fake_send(&f, (uint64_t)rq, SP_ERROR, 0, errcodes[i].code,
		    NULL, 0);
	}
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

static void
cl_malformed(void)
{
	CC(rumpclient_init() == 0);
	CC(rump_sys_getpid() == -1 && errno == RUMP_EINVAL);
}

TEST(error_malformed_request_is_einval)
{
	struct fake f;
	uint8_t body[64];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_malformed);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	fake_send(&f, 2, SP_ERROR, 0, SP_ERR_MALFORMED_REQUEST, NULL, 0);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

/* -------------------------------------------------------- §2: the banner */

static void
cl_init_fails(void)
{
	CC(rumpclient_init() == -1);
}

static void
banner_case(const char *text, size_t len)
{
	struct fake f;
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_init_fails);
	CHECK(fake_accept(&f) != -1);
	if (len > 0)
		fake_write(&f, text, len);
	usleep(100000);
	close(f.fd);
	f.fd = -1;
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

TEST(banner_without_newline_fails_init)
{
	banner_case("RUMPSP-0.4-NetBSD-7.99.34/amd64", 31);
}

TEST(banner_longer_than_95_bytes_fails_init)
{
	char b[120];

	memset(b, 'x', sizeof(b));
	b[sizeof(b) - 1] = '\n';
	banner_case(b, sizeof(b));
}

TEST(no_banner_closed_fails_init)
{
	banner_case("", 0);
}

static void
cl_short_banner(void)
{
	CC(rumpclient_init() == 0);
	CC(rump_sys_getpid() == 5);
}

TEST(banner_content_is_not_parsed)
{
	struct fake f;
	uint8_t body[64], name[64];
	struct sp_hdr h;
	int zero = 0;
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_short_banner);
	CHECK(fake_accept(&f) != -1);
	fake_write(&f, "\n", 1);
	CHECK(fake_frame(&f, &h, name, sizeof(name)) == 7);
	fake_send(&f, h.reqno, SP_RESP, SP_HANDSHAKE, 0, &zero, 4);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	fake_sysresp(&f, 2, 0, 5, 1);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

/* --------------------------------------------------- §4: handshake answers */

static void
cl_init_errno13(void)
{
	CC(rumpclient_init() == -1 && errno == 13);
}

TEST(handshake_nonzero_answer_fails_init_with_it)
{
	struct fake f;
	struct sp_hdr h;
	uint8_t name[64];
	int answer = 13;
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_init_errno13);
	CHECK(fake_accept(&f) != -1);
	fake_banner(&f);
	CHECK(fake_frame(&f, &h, name, sizeof(name)) >= 0);
	fake_send(&f, h.reqno, SP_RESP, SP_HANDSHAKE, 0, &answer, 4);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

static void
cl_init_eperm(void)
{
	CC(rumpclient_init() == -1 && errno == EPERM);
}

TEST(handshake_error_auth_fails_init_eperm)
{
	struct fake f;
	struct sp_hdr h;
	uint8_t name[64];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_init_eperm);
	CHECK(fake_accept(&f) != -1);
	fake_banner(&f);
	CHECK(fake_frame(&f, &h, name, sizeof(name)) >= 0);
	fake_send(&f, h.reqno, SP_ERROR, 0, SP_ERR_AUTH, NULL, 0);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

static void
cl_comm_name(void)
{
	prctl(PR_SET_NAME, "a-fifteen-chars");
	CC(rumpclient_init() == 0);
}

TEST(handshake_name_is_proc_self_comm)
{
	struct fake f;
	struct sp_hdr h;
	char name[64];
	int zero = 0;
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_comm_name);
	CHECK(fake_accept(&f) != -1);
	fake_banner(&f);
	CHECK(fake_frame(&f, &h, name, sizeof(name)) == 16);
	CHECK_STR(name, "a-fifteen-chars");
	fake_send(&f, h.reqno, SP_RESP, SP_HANDSHAKE, 0, &zero, 4);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

/* ------------------------------------------------- §1, §8.2: environment */

static void
cl_no_server(void)
{
	unsetenv("RUMP_SERVER");
	unsetenv("RUMP__PARSEDSERVER");
	CC(rumpclient_init() == -1 && errno == ENOENT);
}

TEST(rump_server_unset_is_enoent)
{
	CHECK_CLIENT_OK(client_start(cl_no_server));
}

static void
cl_bad_urls(void)
{
	static const char *const bad[] = { "nothing", "udp://1.2.3.4:5",
	    "tcp://0:1234", "tcp://*:1234", "tcp://1.2.3.4", "tcp://1.2.3.4:x",
	    "averyveryverylongscheme://x" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("RUMP_SERVER", bad[i], 1);
		errno = 0;
		if (rumpclient_init() != -1 || errno != EINVAL)
			_exit(10 + (int)i);
	}
}

TEST(bad_urls_are_einval)
{
	CHECK_CLIENT_OK(client_start(cl_bad_urls));
}

static void
cl_nothing_listens(void)
{
	setenv("RUMP_SERVER", "unix:///nonexistent/tc_wire/sock", 1);
	CC(rumpclient_init() == -1 && errno == ENOENT);
}

TEST(no_server_listening_fails_init)
{
	CHECK_CLIENT_OK(client_start(cl_nothing_listens));
}

static void
cl_parsed_first(void)
{
	const char *good = getenv("RUMP_SERVER");

	setenv("RUMP__PARSEDSERVER", good, 1);
	setenv("RUMP_SERVER", "unix:///nonexistent/sock", 1);
	CC(rumpclient_init() == 0);
}

TEST(parsedserver_takes_precedence)
{
	struct fake f;
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_parsed_first);
	CHECK(fake_guest(&f) == 1);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

static void
cl_init_twice(void)
{
	CC(rumpclient_init() == 0);
	CC(rumpclient_init() == 0);
	CC(rump_sys_getpid() == 2);
}

TEST(init_twice_is_one_connection)
{
	struct fake f;
	uint8_t body[64];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_init_twice);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	fake_sysresp(&f, 2, 0, 2, 1);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

/* tcp: the same conversation over 127.0.0.1. */
static int tcp_port;

static void
cl_tcp(void)
{
	char url[64];

	snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", tcp_port);
	setenv("RUMP_SERVER", url, 1);
	CC(rumpclient_init() == 0);
	CC(rump_sys_getpid() == 9);
}

TEST(tcp_url_connects)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	struct fake f;
	uint8_t body[64];
	pid_t pid;

	fake_open(&f);
	close(f.lfd);
	f.lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(f.lfd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	CHECK(listen(f.lfd, 4) == 0);
	getsockname(f.lfd, (struct sockaddr *)&sin, &sl);
	tcp_port = ntohs(sin.sin_port);
	pid = client_start(cl_tcp);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	fake_sysresp(&f, 2, 0, 9, 1);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

/* ------------------------------------------------ §7: serving the server */

static char cbuf[64] = "hello, server";

static void
cl_write(void)
{
	CC(rumpclient_init() == 0);
	CC(rump_sys_write(5, cbuf, 13) == 13);
}

TEST(copyin_reply_carries_the_bytes)
{
	struct fake f;
	uint64_t slots[3];
	struct sp_copydata cd;
	struct sp_hdr h;
	char got[64];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_write);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 4, slots, sizeof(slots)) == 2);
	CHECK_EQ(slots[0], 5);
	CHECK_EQ(slots[2], 13);
	cd.rcp_len = 13;
	cd.rcp_addr = slots[1];
	fake_send(&f, 41, SP_REQ, SP_COPYIN, 0, &cd, sizeof(cd));
	CHECK(fake_frame(&f, &h, got, sizeof(got)) == 13);
	CHECK_EQ(h.reqno, 41);
	CHECK_EQ(h.class, SP_RESP);
	CHECK_EQ(h.type, SP_COPYIN);
	CHECK(memcmp(got, "hello, server", 13) == 0);
	fake_sysresp(&f, 2, 0, 13, 0);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

static void
cl_open_long(void)
{
	CC(rumpclient_init() == 0);
	CC(rump_sys_open("/abcdefgh", RUMP_O_RDONLY) == 3);
}

TEST(copyinstr_stops_at_maxlen_without_nul)
{
	struct fake f;
	uint64_t slots[3];
	struct sp_copydata cd;
	struct sp_hdr h;
	char got[64];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_open_long);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 5, slots, sizeof(slots)) == 2);
	cd.rcp_len = 4;
	cd.rcp_addr = slots[0];
	fake_send(&f, 0, SP_REQ, SP_COPYINSTR, 0, &cd, sizeof(cd));
	CHECK(fake_frame(&f, &h, got, sizeof(got)) == 4);
	CHECK(memcmp(got, "/abc", 4) == 0);
	CHECK_EQ(h.type, SP_COPYIN);
	cd.rcp_len = 1024;
	fake_send(&f, 1, SP_REQ, SP_COPYINSTR, 0, &cd, sizeof(cd));
	CHECK(fake_frame(&f, &h, got, sizeof(got)) == 10);
	CHECK_STR(got, "/abcdefgh");
	CHECK_EQ(h.reqno, 1);
	fake_sysresp(&f, 2, 0, 3, 0);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

TEST(copyin_of_unreadable_memory_replies_empty)
{
	struct fake f;
	uint64_t slots[3];
	struct sp_copydata cd;
	struct sp_hdr h;
	char got[64];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_write);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 4, slots, sizeof(slots)) == 2);
	cd.rcp_len = 13;
	cd.rcp_addr = 16;		/* never mapped */
	fake_send(&f, 7, SP_REQ, SP_COPYIN, 0, &cd, sizeof(cd));
	CHECK(fake_frame(&f, &h, got, sizeof(got)) == 0);
	CHECK_EQ(h.reqno, 7);
	cd.rcp_addr = 0;		/* NULL */
	fake_send(&f, 8, SP_REQ, SP_COPYIN, 0, &cd, sizeof(cd));
	CHECK(fake_frame(&f, &h, got, sizeof(got)) == 0);
	CHECK_EQ(h.reqno, 8);
	fake_sysresp(&f, 2, 0, 13, 0);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

static void
cl_read8(void)
{
	char buf[16];

	memset(buf, '.', sizeof(buf));
	CC(rumpclient_init() == 0);
	CC(rump_sys_read(4, buf, 8) == 8);
	CC(memcmp(buf, "ABCDEFGH........", 16) == 0);
	/* A frame carrying less than announced stores what it carries;
	 * one carrying more stores what was announced. */
	memset(buf, '.', sizeof(buf));
	CC(rump_sys_read(4, buf, 8) == 3);
	CC(memcmp(buf, "xyz.....", 8) == 0);
	CC(rump_sys_read(4, buf, 8) == 2);
	CC(memcmp(buf, "pqz.....", 8) == 0);
}

static void
fake_copyout(struct fake *f, uint64_t addr, uint64_t len, const void *data,
    size_t dlen)
{
	struct sp_copydata cd = { .rcp_len = len, .rcp_addr = addr };
	uint8_t b[256];

	memcpy(b, &cd, sizeof(cd));
	memcpy(b + sizeof(cd), data, dlen);
	fake_send(f, 0, SP_REQ, SP_COPYOUT, 0, b, sizeof(cd) + dlen);
}

TEST(copyout_stores_into_the_buffer)
{
	struct fake f;
	uint64_t slots[3];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_read8);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 3, slots, sizeof(slots)) == 2);
	fake_copyout(&f, slots[1], 8, "ABCDEFGH", 8);
	fake_sysresp(&f, 2, 0, 8, 0);
	CHECK(fake_syscall(&f, 3, slots, sizeof(slots)) == 3);
	fake_copyout(&f, slots[1], 8, "xyz", 3);
	fake_sysresp(&f, 3, 0, 3, 0);
	CHECK(fake_syscall(&f, 3, slots, sizeof(slots)) == 4);
	fake_copyout(&f, slots[1], 2, "pqrstuvw", 8);
	fake_sysresp(&f, 4, 0, 2, 0);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

#define BIGLEN	(3 * 1024 * 1024 + 17)

static void
cl_read_big(void)
{
	uint8_t *buf = malloc(BIGLEN);
	size_t i;

	CC(buf != NULL);
	CC(rumpclient_init() == 0);
	CC(rump_sys_read(4, buf, BIGLEN) == BIGLEN);
	for (i = 0; i < BIGLEN; i++) {
		if (buf[i] != (uint8_t)(i * 7 + 1))
			_exit(99);
	}
}

TEST(copyout_of_megabytes_streams_in)
{
	struct fake f;
	uint64_t slots[3];
	struct sp_copydata cd;
	struct sp_hdr h = { .class = SP_REQ, .type = SP_COPYOUT };
	uint8_t *data = malloc(BIGLEN);
	size_t i;
	pid_t pid;

	for (i = 0; i < BIGLEN; i++)
		data[i] = (uint8_t)(i * 7 + 1);
	fake_open(&f);
	pid = client_start(cl_read_big);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 3, slots, sizeof(slots)) == 2);
	cd.rcp_len = BIGLEN;
	cd.rcp_addr = slots[1];
	h.len = SP_HDRSZ + sizeof(cd) + BIGLEN;
	fake_write(&f, &h, sizeof(h));
	fake_write(&f, &cd, sizeof(cd));
	fake_write(&f, data, BIGLEN);
	fake_sysresp(&f, 2, 0, BIGLEN, 0);
	CHECK_CLIENT_OK(pid);
	free(data);
	fake_close(&f);
}

static void
cl_anonmmap(void)
{
	register_t rv[2];
	char *p;

	CC(rumpclient_init() == 0);
	CC(rumpclient_syscall(54, NULL, 0, rv) == 0);
	p = (char *)(uintptr_t)rv[0];
	CC(p != NULL);
	CC(memcmp(p, "mapped!", 8) == 0);
}

TEST(anonmmap_maps_and_replies_address)
{
	struct fake f;
	uint8_t body[64];
	struct sp_hdr h;
	uint64_t len = 8192, addr = 0;
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_anonmmap);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 54, body, sizeof(body)) == 2);
	fake_send(&f, 5, SP_REQ, SP_ANONMMAP, 0, &len, sizeof(len));
	CHECK(fake_frame(&f, &h, &addr, sizeof(addr)) == 8);
	CHECK_EQ(h.reqno, 5);
	CHECK_EQ(h.class, SP_RESP);
	CHECK_EQ(h.type, SP_ANONMMAP);
	CHECK(addr != 0);
	fake_copyout(&f, addr, 8, "mapped!", 8);
	fake_sysresp(&f, 2, 0, (int64_t)addr, 0);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

static volatile sig_atomic_t gotsig[65];

static void
on_sig(int sig)
{
	gotsig[sig] = 1;
}

static const struct { int nb, lx; } sigpairs[] = {
	{ 1, SIGHUP }, { 10, SIGBUS }, { 12, SIGSYS }, { 13, SIGPIPE },
	{ 16, SIGURG }, { 20, SIGCHLD }, { 23, SIGIO }, { 28, SIGWINCH },
	{ 30, SIGUSR1 }, { 31, SIGUSR2 }, { 32, SIGPWR },
};
#define NSIGPAIRS (sizeof(sigpairs) / sizeof(sigpairs[0]))

static void
cl_raise(void)
{
	size_t i;

	for (i = 0; i < NSIGPAIRS; i++)
		signal(sigpairs[i].lx, on_sig);
	CC(rumpclient_init() == 0);
	CC(rump_sys_getpid() == 2);
	for (i = 0; i < NSIGPAIRS; i++) {
		if (!gotsig[sigpairs[i].lx])
			_exit(20 + (int)i);
	}
}

TEST(raise_translates_netbsd_signals)
{
	struct fake f;
	uint8_t body[64];
	size_t i;
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_raise);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	for (i = 0; i < NSIGPAIRS; i++)
		fake_send(&f, 0xdeadbeef, SP_REQ, SP_RAISE,
		    (uint32_t)sigpairs[i].nb, NULL, 0);
	fake_sysresp(&f, 2, 0, 2, 1);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

static void
cl_getpid_only(void)
{
	CC(rumpclient_init() == 0);
	(void)rump_sys_getpid();
}

TEST(unknown_request_type_aborts)
{
	struct fake f;
	uint8_t body[64];
	int st;
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_getpid_only);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	fake_send(&f, 0, SP_REQ, 9, 0, NULL, 0);
	st = client_wait(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	fake_close(&f);
}

/* ------------------------------------------------- §3: framing, ordering */

static void
cl_enotconn(void)
{
	CC(rumpclient_init() == 0);
	CC(rump_sys_getpid() == -1 && errno == RUMP_ENOTCONN);
	/* And it stays so: no reconnecting by default. */
	CC(rump_sys_getpid() == -1 && errno == RUMP_ENOTCONN);
}

TEST(short_length_frame_breaks_connection)
{
	struct fake f;
	uint8_t body[64];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_enotconn);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	struct sp_hdr h = { .len = 23, .reqno = 2, .class = SP_RESP,
	    .type = SP_SYSCALL };
	fake_write(&f, &h, sizeof(h));
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

TEST(server_gone_mid_call_is_enotconn)
{
	struct fake f;
	uint8_t body[64];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_enotconn);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	close(f.fd);
	f.fd = -1;
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

TEST(unknown_reqno_response_is_dropped)
{
	struct fake f;
	uint8_t body[64];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_getpid);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	fake_sysresp(&f, 77, 0, 666, 0);
	fake_send(&f, 1234, SP_ERROR, 0, SP_ERR_AUTH, NULL, 0);
	fake_sysresp(&f, 2, 0, 2, 1);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

/* Eight threads, all calls in flight before any answer comes. */
#define NTHR	8

static void *
thr_getpid(void *arg)
{
	register_t rv[2] = { 0, 0 };
	uint64_t slot = (uint64_t)(uintptr_t)arg;
	int error;

	error = rumpclient_syscall(6, &slot, sizeof(slot), rv);
	if (error != 0 || rv[0] != (register_t)(100 + slot))
		return (void *)1;
	return NULL;
}

static void
cl_threads(void)
{
	pthread_t t[NTHR];
	void *res;
	int i;

	CC(rumpclient_init() == 0);
	for (i = 0; i < NTHR; i++)
		pthread_create(&t[i], NULL, thr_getpid, (void *)(uintptr_t)i);
	for (i = 0; i < NTHR; i++) {
		pthread_join(t[i], &res);
		CC(res == NULL);
	}
}

TEST(threads_calls_in_flight_answered_out_of_order)
{
	struct fake f;
	uint64_t slot[NTHR];
	long rq[NTHR];
	int i;
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_threads);
	CHECK(fake_guest(&f) == 1);
	for (i = 0; i < NTHR; i++)
		CHECK((rq[i] = fake_syscall(&f, 6, &slot[i], 8)) >= 2);
	for (i = NTHR - 1; i >= 0; i--)
		fake_sysresp(&f, (uint64_t)rq[i], 0, 100 + (int64_t)slot[i], 0);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

/* A signal handler calling into the library while a call waits. */
static volatile sig_atomic_t nested_pid;

static void
on_usr1_call(int sig)
{
	(void)sig;
	nested_pid = rump_sys_getppid();
}

static void
cl_nested(void)
{
	signal(SIGUSR1, on_usr1_call);
	CC(rumpclient_init() == 0);
	CC(rump_sys_getpid() == 2);
	CC(nested_pid == 1);
}

TEST(signal_handler_calls_while_call_waits)
{
	struct fake f;
	uint8_t body[64];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_nested);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	kill(pid, SIGUSR1);
	/* The handler's call arrives while getpid is unanswered. */
	CHECK(fake_syscall(&f, 39, body, sizeof(body)) == 3);
	fake_sysresp(&f, 3, 0, 1, 0);
	fake_sysresp(&f, 2, 0, 2, 1);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

TEST(sigint_kills_client_waiting_in_call)
{
	struct fake f;
	uint8_t body[64];
	int st;
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_getpid_only);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	kill(pid, SIGINT);
	st = client_wait(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT);
	fake_close(&f);
}

/* ---------------------------------------------------- §9.3: reconnecting */

static void
cl_reconnect(void)
{
	CC(rumpclient_init() == 0);
	rumpclient_setconnretry(10);
	CC(rump_sys_getpid() == 2);
	CC(rump_sys_getpid() == 3);	/* answered on the new connection */
}

TEST(reconnect_resends_pending_call_as_new_guest)
{
	struct fake f;
	uint8_t body[64];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_reconnect);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	fake_sysresp(&f, 2, 0, 2, 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 3);
	close(f.fd);		/* lost with the call pending */
	f.fd = -1;
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	fake_sysresp(&f, 2, 0, 3, 1);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

static void
cl_retry_die(void)
{
	CC(rumpclient_init() == 0);
	rumpclient_setconnretry(RUMPCLIENT_RETRYCONN_DIE);
	(void)rump_sys_getpid();
	_exit(42);
}

TEST(retryconn_die_exits_on_loss)
{
	struct fake f;
	uint8_t body[64];
	int st;
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_retry_die);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	close(f.fd);
	f.fd = -1;
	st = client_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	fake_close(&f);
}

static void
cl_retry_once(void)
{
	struct timespec a, b;

	CC(rumpclient_init() == 0);
	rumpclient_setconnretry(RUMPCLIENT_RETRYCONN_ONCE);
	clock_gettime(CLOCK_MONOTONIC, &a);
	CC(rump_sys_getpid() == -1 && errno == RUMP_ENOTCONN);
	clock_gettime(CLOCK_MONOTONIC, &b);
	CC(b.tv_sec - a.tv_sec < 2);
}

TEST(retryconn_once_tries_once)
{
	struct fake f;
	uint8_t body[64];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_retry_once);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	close(f.fd);
	f.fd = -1;
	close(f.lfd);			/* nothing to reconnect to */
	unlink(f.path);
	f.lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

static void
cl_retry_timeout(void)
{
	struct timespec a, b;

	CC(rumpclient_init() == 0);
	rumpclient_setconnretry(1);
	clock_gettime(CLOCK_MONOTONIC, &a);
	CC(rump_sys_getpid() == -1 && errno == RUMP_ENOTCONN);
	clock_gettime(CLOCK_MONOTONIC, &b);
	CC(b.tv_sec - a.tv_sec >= 1 && b.tv_sec - a.tv_sec < 5);
}

TEST(retryconn_timeout_gives_up_with_message)
{
	struct fake f;
	uint8_t body[64];
	char msg[512] = "";
	int pfd[2], st;
	ssize_t n;
	pid_t pid;

	fake_open(&f);
	CHECK(pipe(pfd) == 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(pfd[1], 2);
	pid = client_start(cl_retry_timeout);
	dup2(saved, 2);
	close(saved);
	close(pfd[1]);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	close(f.fd);
	f.fd = -1;
	close(f.lfd);
	unlink(f.path);
	f.lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	st = client_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	n = read(pfd[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(pfd[0]);
	CHECK(strstr(msg, "rump_sp: connection to kernel lost, trying to "
	    "reconnect ...\n") != NULL);
	CHECK(strstr(msg, "rump_sp: reconnect failed, 1 second timeout\n") !=
	    NULL);
	fake_close(&f);
}

static void
cl_noretry_set_ignored(void)
{
	CC(rumpclient_init() == 0);
	rumpclient_setconnretry(-4);	/* not a policy: ignored */
	CC(rump_sys_getpid() == -1 && errno == RUMP_ENOTCONN);
}

TEST(setconnretry_ignores_unknown_policy)
{
	struct fake f;
	uint8_t body[64];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_noretry_set_ignored);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 2);
	close(f.fd);
	f.fd = -1;
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

/* ------------------------------------------------ §9.1, §9.2: fork, exec */

static int execsv[2];

static void
cl_execfd(void)
{
	char v[64];

	snprintf(v, sizeof(v), "%d,-1", execsv[1]);
	setenv("RUMPCLIENT__EXECFD", v, 1);
	CC(rumpclient_init() == 0);
	CC(getenv("RUMPCLIENT__EXECFD") == NULL);
	CC(rump_sys_getpid() == 4);
}

TEST(execfd_takes_socket_and_sends_exec_handshake)
{
	struct fake f;
	struct sp_hdr h;
	char name[64];
	uint8_t body[64];
	int zero = 0;
	pid_t pid;

	fake_open(&f);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, execsv) == 0);
	pid = client_start(cl_execfd);
	close(execsv[1]);
	f.fd = execsv[0];
	/* No banner: the handshake comes first, numbered 0. */
	CHECK(fake_frame(&f, &h, name, sizeof(name)) == 7);
	CHECK_EQ(h.reqno, 0);
	CHECK_EQ(h.type, SP_HANDSHAKE);
	CHECK_EQ(h.u, SP_HS_EXEC);
	CHECK_STR(name, "getpid");
	fake_send(&f, 0, SP_RESP, SP_HANDSHAKE, 0, &zero, 4);
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 1);
	fake_sysresp(&f, 1, 0, 4, 1);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

static void
cl_fork(void)
{
	pid_t child;
	int st;

	CC(rumpclient_init() == 0);
	child = rumpclient_fork();
	CC(child != -1);
	if (child == 0) {
		if (rump_sys_getpid() != 8)
			_exit(3);
		_exit(0);
	}
	CC(waitpid(child, &st, 0) == child);
	CC(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CC(rump_sys_getpid() == 2);
}

TEST(fork_prefork_then_fork_handshake_with_cookie)
{
	static const uint32_t cookie[4] = { 0x11111111, 0x22222222,
	    0x33333333, 0x44444444 };
	struct fake f, child;
	struct sp_handshake_fork hf;
	struct sp_hdr h;
	uint8_t body[64];
	int zero = 0, pfd;
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_fork);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_frame(&f, &h, body, sizeof(body)) == 0);
	CHECK_EQ(h.type, SP_PREFORK);
	CHECK_EQ(h.reqno, 2);
	fake_send(&f, 2, SP_RESP, SP_PREFORK, 0, cookie, sizeof(cookie));
	pfd = f.fd;
	f.fd = -1;
	child = f;
	CHECK(fake_accept(&child) != -1);
	fake_banner(&child);
	CHECK(fake_frame(&child, &h, &hf, sizeof(hf)) == 20);
	CHECK_EQ(h.type, SP_HANDSHAKE);
	CHECK_EQ(h.u, SP_HS_FORK);
	CHECK(memcmp(hf.rf_auth, cookie, 16) == 0);
	CHECK_EQ(hf.rf_cancel, 0);
	fake_send(&child, h.reqno, SP_RESP, SP_HANDSHAKE, 0, &zero, 4);
	long rq = fake_syscall(&child, 20, body, sizeof(body));
	CHECK(rq > 0);
	fake_sysresp(&child, (uint64_t)rq, 0, 8, 2);
	close(child.fd);
	f.fd = pfd;
	CHECK(fake_syscall(&f, 20, body, sizeof(body)) == 3);
	fake_sysresp(&f, 3, 0, 2, 1);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

static void
cl_fork_cancel(void)
{
	struct rumpclient_fork *rf;

	CC(rumpclient_init() == 0);
	CC((rf = rumpclient_prefork()) != NULL);
	rumpclient_fork_cancel(rf);
}

TEST(fork_cancel_sends_cancel_handshake)
{
	static const uint32_t cookie[4] = { 1, 2, 3, 4 };
	struct fake f;
	struct sp_handshake_fork hf;
	struct sp_hdr h;
	uint8_t body[64];
	int pfd;
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_fork_cancel);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_frame(&f, &h, body, sizeof(body)) == 0);
	CHECK_EQ(h.type, SP_PREFORK);
	fake_send(&f, h.reqno, SP_RESP, SP_PREFORK, 0, cookie, 16);
	pfd = f.fd;
	f.fd = -1;
	CHECK(fake_accept(&f) != -1);
	fake_banner(&f);
	CHECK(fake_frame(&f, &h, &hf, sizeof(hf)) == 20);
	CHECK_EQ(h.u, SP_HS_FORK);
	CHECK(memcmp(hf.rf_auth, cookie, 16) == 0);
	CHECK_EQ(hf.rf_cancel, 1);
	CHECK_CLIENT_OK(pid);
	close(pfd);
	fake_close(&f);
}

static void
cl_prefork_err(void)
{
	CC(rumpclient_init() == 0);
	CC(rumpclient_prefork() == NULL && errno == EIO);
	CC(rumpclient_fork() == -1 && errno == ENOMEM);
}

TEST(prefork_errors_set_errno)
{
	struct fake f;
	struct sp_hdr h;
	uint8_t body[64];
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_prefork_err);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_frame(&f, &h, body, sizeof(body)) == 0);
	fake_send(&f, h.reqno, SP_ERROR, 0, SP_ERR_RFORK_FAILED, NULL, 0);
	CHECK(fake_frame(&f, &h, body, sizeof(body)) == 0);
	CHECK_EQ(h.type, SP_PREFORK);
	fake_send(&f, h.reqno, SP_ERROR, 0, SP_ERR_NOMEM, NULL, 0);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}

static void
cl_syscall_direct(void)
{
	register_t rv[2] = { -5, -5 };
	const char data[11] = "0123456789";

	CC(rumpclient_init() == 0);
	CC(rumpclient_syscall(999, data, sizeof(data), rv) == RUMP_ENOSYS);
	CC(rv[0] == -1 && rv[1] == 0);
}

TEST(syscall_sends_exactly_dlen_bytes)
{
	struct fake f;
	uint8_t body[64];
	struct sp_hdr h;
	pid_t pid;

	fake_open(&f);
	pid = client_start(cl_syscall_direct);
	CHECK(fake_guest(&f) == 1);
	CHECK(fake_frame(&f, &h, body, sizeof(body)) == 11);
	CHECK_EQ(h.u, 999);
	CHECK(memcmp(body, "0123456789", 11) == 0);
	fake_sysresp(&f, h.reqno, RUMP_ENOSYS, -1, 0);
	CHECK_CLIENT_OK(pid);
	fake_close(&f);
}
