/*
 * sp_wire.c: the sysproxy wire, shared by the server (librumpuser) and
 * the client library (librumpclient compiles this file a second time).
 *
 * What it offers: URL parsing (spec §1), the banner (§2), and frame
 * I/O (§3): sending a frame in one sendmsg, reading frames
 * incrementally from a non-blocking socket (the server's poll thread),
 * and reading one whole frame from a socket (the client).
 *
 * This is host code: every error here is a host errno.  The server
 * translates to NetBSD numbers at the rumpuser_sp_* boundary.
 * Nothing here takes locks; callers serialise senders per socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "sp_wire.h"

#define SP_MAXSCHEME	16	/* the scheme must be shorter than this */
#define SP_MAXADDR	64	/* an address text must be shorter than this */

_Static_assert(sizeof(((struct sockaddr_un *)0)->sun_path) ==
    sizeof(((struct sp_url *)0)->path), "sp_url.path is a sun_path");

/* ---------------------------------------------------------------- URLs */

/*
 * PORT[/...]: decimal digits, then '/' or the end.  0..65535.
 */
static int
url_port(const char *s, in_port_t *portp, const char **why)
{
	unsigned long v = 0;
	const char *p;

	if (*s < '0' || *s > '9') {
		*why = "port number missing";
		return EINVAL;
	}
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 65535) {
			*why = "port number out of range";
			return ERANGE;
		}
	}
	if (*p != '\0' && *p != '/') {
		*why = "garbage after port number";
		return EINVAL;
	}
	*portp = (in_port_t)v;
	return 0;
}

/* tcp://ADDR:PORT[/...]; ADDR is a dotted quad, or 0 or * (servers). */
static int
url_tcp(const char *a, int server, struct sp_url *u, const char **why)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&u->addr;
	char host[SP_MAXADDR];
	const char *colon;
	in_port_t port;
	int error;

	colon = strchr(a, ':');
	if (colon == NULL) {
		*why = "missing port specifier";
		return EINVAL;
	}
	if ((size_t)(colon - a) >= sizeof(host)) {
		*why = "address too long";
		return EINVAL;
	}
	memcpy(host, a, (size_t)(colon - a));
	host[colon - a] = '\0';

	sin->sin_family = AF_INET;
	if (strcmp(host, "0") == 0 || strcmp(host, "*") == 0) {
		sin->sin_addr.s_addr = htonl(INADDR_ANY);
	} else if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
		*why = "invalid IPv4 address";
		return EINVAL;
	}
	if (sin->sin_addr.s_addr == htonl(INADDR_ANY) && !server) {
		*why = "client needs !INADDR_ANY";
		return EINVAL;
	}
	if ((error = url_port(colon + 1, &port, why)) != 0)
		return error;
	sin->sin_port = htons(port);
	u->family = AF_INET;
	u->addrlen = sizeof(*sin);
	inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
	snprintf(u->canon, sizeof(u->canon), "tcp://%s:%u", host, port);
	return 0;
}

/* The scope of a link-local address: an interface name or number. */
static int
url_scope(const char *s, uint32_t *idp)
{
	char *end;
	unsigned long v;

	if (*s >= '0' && *s <= '9') {
		v = strtoul(s, &end, 10);
		if (*end != '\0' || v > UINT32_MAX)
			return EINVAL;
		*idp = (uint32_t)v;
		return 0;
	}
	*idp = if_nametoindex(s);
	return *idp == 0 ? EINVAL : 0;
}

/* tcp6://[ADDR]:PORT[/...]; ADDR may carry %scope; [::] is any (servers). */
static int
url_tcp6(const char *a, int server, struct sp_url *u, const char **why)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&u->addr;
	char host[SP_MAXADDR], text[INET6_ADDRSTRLEN];
	const char *rbr;
	char *pct;
	in_port_t port;
	int error;

	if (*a != '[' || (rbr = strchr(a, ']')) == NULL) {
		*why = "IPv6 address must be in brackets";
		return EINVAL;
	}
	a++;
	if ((size_t)(rbr - a) >= sizeof(host)) {
		*why = "address too long";
		return EINVAL;
	}
	memcpy(host, a, (size_t)(rbr - a));
	host[rbr - a] = '\0';
	if (rbr[1] != ':') {
		*why = "missing port specifier";
		return EINVAL;
	}

	sin6->sin6_family = AF_INET6;
	if ((pct = strchr(host, '%')) != NULL) {
		*pct++ = '\0';
		if (url_scope(pct, &sin6->sin6_scope_id) != 0) {
			*why = "invalid IPv6 scope";
			return EINVAL;
		}
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1) {
		*why = "invalid IPv6 address";
		return EINVAL;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr) && !server) {
		*why = "client needs an address other than [::]";
		return EINVAL;
	}
	if ((error = url_port(rbr + 2, &port, why)) != 0)
		return error;
	sin6->sin6_port = htons(port);
	u->family = AF_INET6;
	u->addrlen = sizeof(*sin6);
	inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text));
	snprintf(u->canon, sizeof(u->canon), "tcp6://[%s]:%u", text, port);
	return 0;
}

/* unix://PATH; a relative PATH is made absolute against the cwd. */
static int
url_unix(const char *a, struct sp_url *u, const char **why)
{
	struct sockaddr_un *sunp = (struct sockaddr_un *)&u->addr;
	char cwd[PATH_MAX];
	size_t alen = strlen(a), clen;

	if (alen == 0) {
		*why = "empty socket path";
		return EINVAL;
	}
	if (alen >= sizeof(sunp->sun_path)) {
		*why = "socket path too long";
		return ENAMETOOLONG;
	}
	if (a[0] == '/') {
		memcpy(u->path, a, alen + 1);
	} else if (getcwd(cwd, sizeof(cwd)) == NULL) {
		/* NetBSD's choice: go on relative, no cleanup possible. */
		fprintf(stderr, "rump_sp: cannot determine cwd, "
		    "omitting socket cleanup\n");
		memcpy(u->path, a, alen + 1);
	} else {
		clen = strlen(cwd);
		if (clen > 0 && cwd[clen - 1] == '/')
			clen--;		/* cwd is "/" */
		if (clen + 1 + alen >= sizeof(u->path)) {
			*why = "socket path too long";
			return ENAMETOOLONG;
		}
		memcpy(u->path, cwd, clen);
		u->path[clen] = '/';
		memcpy(u->path + clen + 1, a, alen + 1);
	}
	sunp->sun_family = AF_UNIX;
	memcpy(sunp->sun_path, u->path, strlen(u->path) + 1);
	u->family = AF_UNIX;
	u->addrlen = sizeof(*sunp);
	snprintf(u->canon, sizeof(u->canon), "unix://%s", u->path);
	return 0;
}

int
sp_url_parse(const char *url, int server, struct sp_url *u, const char **why)
{
	const char *sep;
	size_t slen;

	memset(u, 0, sizeof(*u));
	*why = "";
	if (url == NULL || (sep = strstr(url, "://")) == NULL) {
		*why = "invalid locator";
		return EINVAL;
	}
	slen = (size_t)(sep - url);
	if (slen >= SP_MAXSCHEME) {
		*why = "identifier too long";
		return EINVAL;
	}
	if (slen == 3 && strncmp(url, "tcp", 3) == 0)
		return url_tcp(sep + 3, server, u, why);
	if (slen == 4 && strncmp(url, "unix", 4) == 0)
		return url_unix(sep + 3, u, why);
	if (slen == 4 && strncmp(url, "tcp6", 4) == 0)
		return url_tcp6(sep + 3, server, u, why);
	*why = "invalid identifier";
	return EINVAL;
}

/* -------------------------------------------------------------- banner */

size_t
sp_banner(char *buf, size_t len, const char *ostype, const char *osrelease,
    const char *machine)
{
	int n;

	if (len < 2)
		return 0;
	n = snprintf(buf, len, "RUMPSP-%d.%d-%s-%s/%s\n", SP_PROTOMAJOR,
	    SP_PROTOMINOR, ostype, osrelease, machine);
	if (n < 0)
		return 0;
	if ((size_t)n >= len) {		/* truncated: keep the newline */
		n = (int)len - 1;
		buf[n - 1] = '\n';
	}
	return (size_t)n;
}

/* ------------------------------------------------------------- sending */

/* Wait until fd is ready for `events`; 0 or a host errno. */
static int
sp_wait(int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n;

	for (;;) {
		n = poll(&pfd, 1, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (pfd.revents & POLLNVAL)
			return EBADF;
		return 0;	/* ready, or an error the next call reports */
	}
}

/* Skip `n` sent bytes in the iovec array. */
static void
iov_advance(struct iovec **iovp, int *cntp, size_t n)
{
	struct iovec *iov = *iovp;
	int cnt = *cntp;

	while (cnt > 0 && n >= iov->iov_len) {
		n -= iov->iov_len;
		iov++;
		cnt--;
	}
	if (cnt > 0) {
		iov->iov_base = (char *)iov->iov_base + n;
		iov->iov_len -= n;
	}
	*iovp = iov;
	*cntp = cnt;
}

int
sp_send2(int fd, const struct sp_hdr *h, const void *b1, size_t l1,
    const void *b2, size_t l2)
{
	struct iovec vec[3], *iov = vec;
	struct msghdr msg;
	struct sp_hdr hdr = *h;
	int cnt = 0, error;
	ssize_t n;

	/* The length field always tells the truth about what follows. */
	hdr.len = SP_HDRSZ + l1 + l2;
	vec[cnt++] = (struct iovec){ &hdr, SP_HDRSZ };
	if (l1 > 0)
		vec[cnt++] = (struct iovec){ (void *)(uintptr_t)b1, l1 };
	if (l2 > 0)
		vec[cnt++] = (struct iovec){ (void *)(uintptr_t)b2, l2 };

	while (cnt > 0) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		msg.msg_iovlen = (size_t)cnt;
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if ((error = sp_wait(fd, POLLOUT)) != 0)
					return error;
				continue;
			}
			return errno;
		}
		iov_advance(&iov, &cnt, (size_t)n);
	}
	return 0;
}

int
sp_send(int fd, const struct sp_hdr *h, const void *body, size_t blen)
{
	return sp_send2(fd, h, body, blen, NULL, 0);
}

/* ------------------------------------------------------------- reading */

/* Check a just-completed header; allocate the body. 0 or host errno. */
static int
hdr_accept(struct sp_reader *r, uint64_t maxlen)
{
	if (r->limit != NULL)
		maxlen = r->limit(&r->hdr, r->limit_arg);
	if (r->hdr.len < SP_HDRSZ)
		return EBADMSG;
	if (r->hdr.len > maxlen)
		return EMSGSIZE;
	if (r->hdr.len == SP_HDRSZ)
		return 0;
	if (r->target != NULL &&
	    (r->body = r->target(&r->hdr, r->limit_arg)) != NULL) {
		r->direct = true;
		return 0;
	}
	/* not zeroed: a body is handed on only once wholly read */
	r->body = malloc((size_t)(r->hdr.len - SP_HDRSZ));
	return r->body == NULL ? ENOMEM : 0;
}

/*
 * One read into buf: bytes (> 0), 0 if the socket has nothing now, or
 * -errno (ECONNRESET at end of file).  A read that returns less than
 * asked took all the socket had: r->dry.
 */
static ssize_t
reader_read(int fd, struct sp_reader *r, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return -ECONNRESET;
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		n = 0;
	}
	r->dry = (size_t)n < len;
	return n;
}

/* Move up to len read-ahead bytes to dst; how many moved. */
static size_t
reader_take(struct sp_reader *r, void *dst, size_t len)
{
	size_t n = r->iend - r->ioff < len ? r->iend - r->ioff : len;

	memcpy(dst, r->ibuf + r->ioff, n);
	r->ioff += n;
	return n;
}

/*
 * Headers come through the read-ahead buffer, which takes whatever
 * the socket has (a small frame, header and body, in one read; often
 * the next frames too).  A body's remainder is read straight into the
 * body: big COPYIN answers are not copied twice.
 */
int
sp_reader_fill(int fd, struct sp_reader *r, uint64_t maxlen)
{
	size_t want;
	ssize_t n;
	int error;

	while (r->hgot < SP_HDRSZ) {
		if (r->ioff == r->iend) {
			n = reader_read(fd, r, r->ibuf, sizeof(r->ibuf));
			if (n <= 0)
				return (int)n;
			r->ioff = 0;
			r->iend = (size_t)n;
		}
		r->hgot += reader_take(r, (char *)&r->hdr + r->hgot,
		    SP_HDRSZ - r->hgot);
		if (r->hgot == SP_HDRSZ &&
		    (error = hdr_accept(r, maxlen)) != 0)
			return -error;
	}
	want = (size_t)(r->hdr.len - SP_HDRSZ);
	while (r->bgot < want) {
		if (r->ioff < r->iend) {
			r->bgot += reader_take(r, r->body + r->bgot,
			    want - r->bgot);
			continue;
		}
		n = reader_read(fd, r, r->body + r->bgot, want - r->bgot);
		if (n <= 0)
			return (int)n;
		r->bgot += (size_t)n;
	}
	return 1;
}

bool
sp_reader_ahead(const struct sp_reader *r)
{
	return r->ioff < r->iend;
}

bool
sp_reader_dry(const struct sp_reader *r)
{
	return r->ioff == r->iend && r->dry;
}

/* The frame is the caller's now; what was read ahead stays. */
void
sp_reader_reset(struct sp_reader *r)
{
	if (!r->direct)
		free(r->body);
	memset(&r->hdr, 0, sizeof(r->hdr));
	r->hgot = r->bgot = 0;
	r->body = NULL;
	r->direct = false;
}

/* Read exactly len bytes, waiting if the socket is non-blocking. */
static int
read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int error;

	while (got < len) {
		n = read(fd, (char *)buf + got, len - got);
		if (n == 0)
			return ECONNRESET;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if ((error = sp_wait(fd, POLLIN)) != 0)
					return error;
				continue;
			}
			return errno;
		}
		got += (size_t)n;
	}
	return 0;
}

int
sp_recv_frame(int fd, struct sp_hdr *h, uint8_t **bodyp, uint64_t maxlen)
{
	uint8_t *body = NULL;
	size_t blen;
	int error;

	*bodyp = NULL;
	if ((error = read_full(fd, h, SP_HDRSZ)) != 0)
		return error;
	if (h->len < SP_HDRSZ)
		return EBADMSG;
	if (h->len > maxlen)
		return EMSGSIZE;
	blen = (size_t)(h->len - SP_HDRSZ);
	if (blen == 0)
		return 0;
	if ((body = calloc(1, blen)) == NULL)
		return ENOMEM;
	if ((error = read_full(fd, body, blen)) != 0) {
		free(body);
		return error;
	}
	*bodyp = body;
	return 0;
}
