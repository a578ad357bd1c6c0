/*
 * t_sp_wire: the wire code shared by server and client (sp_wire.c):
 * URL parsing (sysproxy.md §1), the banner (§2), frame send and
 * receive (§3), checked against the spec's text, not the code.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>

#include "t_sp_util.h"
#include "rumpuser/sp_wire.h"

int t_no_kernel = 1;

static int
parse(const char *url, int server, struct sp_url *u)
{
	const char *why;

	return sp_url_parse(url, server, u, &why);
}

static int
port_of(const struct sp_url *u)
{
	if (u->family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&u->addr)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)&u->addr)->sin6_port);
}

TEST(url_tcp)
{
	struct sp_url u;
	char text[32];

	CHECK_EQ(parse("tcp://127.0.0.1:3755/", 0, &u), 0);
	CHECK_EQ(u.family, AF_INET);
	CHECK_EQ(u.addrlen, sizeof(struct sockaddr_in));
	CHECK_EQ(port_of(&u), 3755);
	inet_ntop(AF_INET, &((struct sockaddr_in *)&u.addr)->sin_addr, text,
	    sizeof(text));
	CHECK_STR(text, "127.0.0.1");
	CHECK_STR(u.canon, "tcp://127.0.0.1:3755");
	CHECK_EQ(parse("tcp://10.1.2.3:0", 0, &u), 0);	/* port 0 is fine */
	CHECK_EQ(parse("tcp://10.1.2.3:65535/anything", 0, &u), 0);
	CHECK_EQ(port_of(&u), 65535);
}

/* 0 and * are INADDR_ANY, for servers only. */
TEST(url_tcp_any)
{
	struct sp_url u;

	CHECK_EQ(parse("tcp://0:3755/", 1, &u), 0);
	CHECK_EQ(((struct sockaddr_in *)&u.addr)->sin_addr.s_addr, 0);
	CHECK_EQ(parse("tcp://*:3755", 1, &u), 0);
	CHECK_EQ(parse("tcp://0:3755", 0, &u), EINVAL);
	CHECK_EQ(parse("tcp://*:3755", 0, &u), EINVAL);
	CHECK_EQ(parse("tcp://0.0.0.0:3755", 0, &u), EINVAL);
}

TEST(url_tcp_errors)
{
	struct sp_url u;
	char addr[100];

	CHECK_EQ(parse("tcp://127.0.0.1", 1, &u), EINVAL);	/* no port */
	CHECK_EQ(parse("tcp://127.0.0.1:", 1, &u), EINVAL);
	CHECK_EQ(parse("tcp://127.0.0.1:x", 1, &u), EINVAL);
	CHECK_EQ(parse("tcp://127.0.0.1:12x", 1, &u), EINVAL);
	CHECK_EQ(parse("tcp://127.0.0.1:65536", 1, &u), ERANGE);
	CHECK_EQ(parse("tcp://127.0.0.1:99999999999999999999", 1, &u),
	    ERANGE);
	CHECK_EQ(parse("tcp://host.example:80", 1, &u), EINVAL);
	CHECK_EQ(parse("tcp://1.2.3:80", 1, &u), EINVAL);
	memset(addr, 0, sizeof(addr));
	memcpy(addr, "tcp://", 6);
	memset(addr + 6, '1', 70);
	addr[76] = ':';
	addr[77] = '1';
	CHECK_EQ(parse(addr, 1, &u), EINVAL);		/* address >= 64 */
}

TEST(url_unix_absolute)
{
	struct sp_url u;

	CHECK_EQ(parse("unix:///tmp/sock", 1, &u), 0);
	CHECK_EQ(u.family, AF_UNIX);
	CHECK_STR(u.path, "/tmp/sock");
	CHECK_STR(((struct sockaddr_un *)&u.addr)->sun_path, "/tmp/sock");
	CHECK_EQ(u.addrlen, sizeof(struct sockaddr_un));
	CHECK_STR(u.canon, "unix:///tmp/sock");
}

/* A relative path gets the cwd in front; its canonical form is the
 * one a client hands to exec'd programs. */
TEST(url_unix_relative)
{
	struct sp_url u;
	char cwd[256], want[300];

	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK_EQ(chdir("/tmp"), 0);
	CHECK_EQ(parse("unix://rel.sock", 0, &u), 0);
	CHECK_STR(u.path, "/tmp/rel.sock");
	CHECK_STR(u.canon, "unix:///tmp/rel.sock");
	CHECK_EQ(chdir("/"), 0);
	CHECK_EQ(parse("unix://rel.sock", 0, &u), 0);
	CHECK_STR(u.path, "/rel.sock");
	CHECK_EQ(chdir(cwd), 0);
	snprintf(want, sizeof(want), "%s/x", cwd);
	if (strlen(want) < 108) {
		CHECK_EQ(parse("unix://x", 0, &u), 0);
		CHECK_STR(u.path, want);
	}
}

TEST(url_unix_too_long)
{
	char url[300];
	struct sp_url u;
	char cwd[256];

	memset(url, 0, sizeof(url));
	memcpy(url, "unix:///", 8);
	memset(url + 8, 'p', 106);		/* "/" + 106 = 107: fits */
	CHECK_EQ(parse(url, 1, &u), 0);
	url[8 + 106] = 'p';			/* 108: does not */
	CHECK_EQ(parse(url, 1, &u), ENAMETOOLONG);
	/* relative, too long once the cwd is in front */
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK_EQ(chdir("/tmp"), 0);
	memset(url, 0, sizeof(url));
	memcpy(url, "unix://", 7);
	memset(url + 7, 'r', 103);		/* "/tmp/" + 103 = 108 */
	CHECK_EQ(parse(url, 1, &u), ENAMETOOLONG);
	CHECK_EQ(chdir(cwd), 0);
	CHECK_EQ(parse("unix://", 1, &u), EINVAL);
}

TEST(url_tcp6)
{
	struct sp_url u;

	CHECK_EQ(parse("tcp6://[::1]:3755/", 0, &u), 0);
	CHECK_EQ(u.family, AF_INET6);
	CHECK_EQ(u.addrlen, sizeof(struct sockaddr_in6));
	CHECK_EQ(port_of(&u), 3755);
	CHECK(IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&u.addr)->sin6_addr));
	CHECK_STR(u.canon, "tcp6://[::1]:3755");
	CHECK_EQ(parse("tcp6://[fe80::1%1]:80", 0, &u), 0);
	CHECK_EQ(((struct sockaddr_in6 *)&u.addr)->sin6_scope_id, 1);
	CHECK_EQ(parse("tcp6://[::]:80", 1, &u), 0);
	CHECK_EQ(parse("tcp6://[::]:80", 0, &u), EINVAL);
	CHECK_EQ(parse("tcp6://::1:80", 1, &u), EINVAL);
	CHECK_EQ(parse("tcp6://[::1]", 1, &u), EINVAL);
	CHECK_EQ(parse("tcp6://[::1]80", 1, &u), EINVAL);
	CHECK_EQ(parse("tcp6://[::1]:70000", 1, &u), ERANGE);
	CHECK_EQ(parse("tcp6://[127.0.0.1]:80", 1, &u), EINVAL);
	CHECK_EQ(parse("tcp6://[::1%nosuchif0]:80", 1, &u), EINVAL);
}

TEST(url_scheme_errors)
{
	struct sp_url u;

	CHECK_EQ(parse("noscheme", 1, &u), EINVAL);
	CHECK_EQ(parse("", 1, &u), EINVAL);
	CHECK_EQ(parse("udp://1.2.3.4:5", 1, &u), EINVAL);
	CHECK_EQ(parse("TCP://1.2.3.4:5", 1, &u), EINVAL);
	CHECK_EQ(parse("0123456789abcdef://x", 1, &u), EINVAL); /* 16 */
	CHECK_EQ(parse("0123456789abcde://x", 1, &u), EINVAL);	/* unknown */
}

/* §2: the banner, at most 95 bytes as seen by a client, ends in \n. */
TEST(banner_text)
{
	char buf[SP_MAXBANNER], big[300];
	size_t n;

	n = sp_banner(buf, sizeof(buf), "NetBSD", "7.99.34", "amd64");
	CHECK_EQ(n, 32);
	CHECK(memcmp(buf, "RUMPSP-0.4-NetBSD-7.99.34/amd64\n", 32) == 0);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	n = sp_banner(buf, sizeof(buf), big, "1", "m");
	CHECK_EQ(n, SP_MAXBANNER - 1);
	CHECK_EQ(buf[n - 1], '\n');
}

/* §3: one frame out through sp_send, in through sp_recv_frame; the
 * length field is computed; header-only frames have no body. */
TEST(frame_send_recv)
{
	struct sp_hdr h = { .len = 999, .reqno = 77, .class = SP_RESP,
	    .type = SP_SYSCALL, .u = 5 }, g;
	uint8_t *body;
	int sv[2];

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(sp_send(sv[0], &h, "abc", 3), 0);
	CHECK_EQ(sp_recv_frame(sv[1], &g, &body, 1000), 0);
	CHECK_EQ(g.len, 27);
	CHECK_EQ(g.reqno, 77);
	CHECK_EQ(g.class, SP_RESP);
	CHECK_EQ(g.type, SP_SYSCALL);
	CHECK_EQ(g.u, 5);
	CHECK(body != NULL && memcmp(body, "abc", 3) == 0);
	free(body);
	CHECK_EQ(sp_send2(sv[0], &h, "ab", 2, "cd", 2), 0);
	CHECK_EQ(sp_recv_frame(sv[1], &g, &body, 1000), 0);
	CHECK_EQ(g.len, 28);
	CHECK(memcmp(body, "abcd", 4) == 0);
	free(body);
	CHECK_EQ(sp_send(sv[0], &h, NULL, 0), 0);
	CHECK_EQ(sp_recv_frame(sv[1], &g, &body, 1000), 0);
	CHECK_EQ(g.len, 24);
	CHECK(body == NULL);
	close(sv[0]);
	CHECK_EQ(sp_recv_frame(sv[1], &g, &body, 1000), ECONNRESET);
	close(sv[1]);
}

TEST(recv_frame_bad_lengths)
{
	struct tc_hdr h = { 23, 1, 0, 0, 0 };
	struct sp_hdr g;
	uint8_t *body;
	int sv[2];

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(tc_writen(sv[0], &h, 24), 0);
	CHECK_EQ(sp_recv_frame(sv[1], &g, &body, 1000), EBADMSG);
	h.len = 1001;
	CHECK_EQ(tc_writen(sv[0], &h, 24), 0);
	CHECK_EQ(sp_recv_frame(sv[1], &g, &body, 1000), EMSGSIZE);
	close(sv[0]);
	close(sv[1]);
}

/* A large frame through a small non-blocking socket: sp_send waits
 * (poll) and loops on short writes. */
struct drain {
	int	fd;
	size_t	got;
	uint8_t	*buf;
};

static void *
drain_thread(void *arg)
{
	struct drain *d = arg;
	ssize_t n;

	while ((n = read(d->fd, d->buf + d->got, 65536)) > 0)
		d->got += (size_t)n;
	return NULL;
}

TEST(send_large_nonblocking)
{
	size_t len = 4 << 20, i;
	uint8_t *data = malloc(len);
	struct sp_hdr h = { .reqno = 1, .class = SP_REQ, .type = SP_COPYOUT };
	struct drain d;
	pthread_t th;
	int sv[2], sz = 4096;

	for (i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 13);
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	d.fd = sv[1];
	d.got = 0;
	d.buf = malloc(len + 64 + 65536);
	pthread_create(&th, NULL, drain_thread, &d);
	CHECK_EQ(sp_send2(sv[0], &h, "0123456789abcdef", 16, data, len), 0);
	close(sv[0]);
	pthread_join(th, NULL);
	CHECK_EQ(d.got, 24 + 16 + len);
	CHECK(memcmp(d.buf + 40, data, len) == 0);
	close(sv[1]);
	free(d.buf);
	free(data);
}

/* Sending to a closed peer: an error, no SIGPIPE. */
TEST(send_to_closed_peer_no_sigpipe)
{
	struct sp_hdr h = { .class = SP_REQ };
	int sv[2];

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	CHECK_EQ(sp_send(sv[0], &h, "x", 1), EPIPE);
	close(sv[0]);
}

/* The incremental reader: a frame in dribbles, then the next. */
TEST(reader_incremental)
{
	uint8_t buf[24 + 5 + 24];
	struct tc_hdr h1 = { 29, 1, 1, 2, 0 }, h2 = { 24, 2, 0, 7, 0 };
	struct sp_reader r;
	size_t i;
	int sv[2], got = 0;

	memcpy(buf, &h1, 24);
	memcpy(buf + 24, "hello", 5);
	memcpy(buf + 29, &h2, 24);
	memset(&r, 0, sizeof(r));
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	CHECK_EQ(sp_reader_fill(sv[1], &r, 1000), 0);	/* nothing yet */
	for (i = 0; i < 29; i++) {
		CHECK_EQ(tc_writen(sv[0], buf + i, 1), 0);
		got = sp_reader_fill(sv[1], &r, 1000);
		if (i < 28)
			CHECK_EQ(got, 0);
	}
	CHECK_EQ(got, 1);
	CHECK_EQ(r.hdr.len, 29);
	CHECK_EQ(r.hdr.reqno, 1);
	CHECK(memcmp(r.body, "hello", 5) == 0);
	sp_reader_reset(&r);
	CHECK_EQ(tc_writen(sv[0], buf + 29, 24), 0);
	CHECK_EQ(sp_reader_fill(sv[1], &r, 1000), 1);
	CHECK_EQ(r.hdr.reqno, 2);
	CHECK(r.body == NULL);
	sp_reader_reset(&r);
	close(sv[0]);
	CHECK_EQ(sp_reader_fill(sv[1], &r, 1000), -ECONNRESET);
	close(sv[1]);
}

static uint64_t
limit_by_class(const struct sp_hdr *h, void *arg)
{
	(void)arg;
	return h->class == SP_RESP ? 100 : 30;
}

TEST(reader_lengths_and_limit_hook)
{
	struct tc_hdr h = { 10, 0, 0, 0, 0 };
	struct sp_reader r;
	int sv[2];

	memset(&r, 0, sizeof(r));
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	CHECK_EQ(tc_writen(sv[0], &h, 24), 0);
	CHECK_EQ(sp_reader_fill(sv[1], &r, 1000), -EBADMSG);
	sp_reader_reset(&r);
	h.len = 2000;
	CHECK_EQ(tc_writen(sv[0], &h, 24), 0);
	CHECK_EQ(sp_reader_fill(sv[1], &r, 1000), -EMSGSIZE);
	sp_reader_reset(&r);
	/* the hook decides by header, and survives a reset */
	r.limit = limit_by_class;
	h.len = 50;
	h.class = SP_REQ;
	CHECK_EQ(tc_writen(sv[0], &h, 24), 0);
	CHECK_EQ(sp_reader_fill(sv[1], &r, 1000), -EMSGSIZE);
	sp_reader_reset(&r);
	CHECK(r.limit == limit_by_class);
	h.class = SP_RESP;
	CHECK_EQ(tc_writen(sv[0], &h, 24), 0);
	CHECK_EQ(tc_writen(sv[0], "12345678901234567890123456", 26), 0);
	CHECK_EQ(sp_reader_fill(sv[1], &r, 1000), 1);
	sp_reader_reset(&r);
	close(sv[0]);
	close(sv[1]);
}
