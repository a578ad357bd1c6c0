/*
 * sp_wire.h: the sysproxy wire protocol, shared by the server (in
 * librumpuser) and the client library (librumpclient); the one source
 * file sp_wire.c is compiled into both.
 *
 * The protocol is NetBSD's, byte for byte (see the spec's sysproxy.md):
 * an ASCII banner from the server, then frames in both directions, each
 * a 24-byte header and a body.  Integers are little-endian (amd64).
 */
#ifndef RUMPUSER_SP_WIRE_H
#define RUMPUSER_SP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Banner: "RUMPSP-0.4-NetBSD-7.99.34/amd64\n" */
#define SP_PROTOMAJOR	0
#define SP_PROTOMINOR	4
#define SP_MAXBANNER	96

struct sp_hdr {
	uint64_t len;		/* whole frame, header included */
	uint64_t reqno;
	uint16_t class;		/* SP_REQ, SP_RESP, SP_ERROR */
	uint16_t type;		/* SP_HANDSHAKE ... SP_RAISE */
	uint32_t u;		/* sysnum / error / handshake / signo */
};
_Static_assert(sizeof(struct sp_hdr) == 24, "sysproxy header is 24 bytes");
#define SP_HDRSZ	24

enum sp_class { SP_REQ = 0, SP_RESP = 1, SP_ERROR = 2 };
enum sp_type {
	SP_HANDSHAKE = 0, SP_SYSCALL = 1, SP_COPYIN = 2, SP_COPYINSTR = 3,
	SP_COPYOUT = 4, SP_COPYOUTSTR = 5, SP_ANONMMAP = 6, SP_PREFORK = 7,
	SP_RAISE = 8
};
enum sp_handshake { SP_HS_GUEST = 0, SP_HS_AUTH = 1, SP_HS_FORK = 2,
	SP_HS_EXEC = 3 };
enum sp_err {
	SP_ERR_NONE = 0, SP_ERR_TRYAGAIN = 1, SP_ERR_AUTH = 2,
	SP_ERR_INVALID_PREFORK = 3, SP_ERR_RFORK_FAILED = 4,
	SP_ERR_INEXEC = 5, SP_ERR_NOMEM = 6, SP_ERR_MALFORMED_REQUEST = 7
};

/* Bodies. */
struct sp_copydata {		/* COPYIN/COPYINSTR/COPYOUT requests */
	uint64_t rcp_len;
	uint64_t rcp_addr;
	/* COPYOUT: rcp_len data bytes follow */
};
struct sp_sysresp {		/* SYSCALL response */
	int32_t	rsys_error;
	int32_t	rsys_pad;	/* zero (NetBSD leaves it uninitialised) */
	int64_t	rsys_retval[2];
};
struct sp_handshake_fork {	/* FORK handshake body: exactly 20 bytes */
	uint32_t rf_auth[4];
	int32_t	rf_cancel;
};
_Static_assert(sizeof(struct sp_copydata) == 16, "copydata");
_Static_assert(sizeof(struct sp_sysresp) == 24, "sysresp");
_Static_assert(sizeof(struct sp_handshake_fork) == 20, "handshake_fork");

/*
 * A parsed URL: tcp://ADDR:PORT[/...], tcp6://[ADDR]:PORT[/...] (ours,
 * NetBSD lacks it), unix://PATH (relative paths made absolute against
 * the cwd).  `server` allows the any-address forms (0, *, [::]).
 */
struct sp_url {
	int	family;				/* AF_INET, AF_INET6, AF_UNIX */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char	path[108];			/* AF_UNIX: absolute path */
	char	canon[160];			/* "unix:///abs/path" etc. */
};
/* 0 or a host errno (EINVAL, ENAMETOOLONG, ERANGE ...); *why gets a
 * short reason for messages. */
int	sp_url_parse(const char *url, int server, struct sp_url *u,
	    const char **why);

/* The banner text for this kernel, with its length. */
size_t	sp_banner(char *buf, size_t len, const char *ostype,
	    const char *osrelease, const char *machine);

/*
 * Frame I/O on a socket.  sp_send writes header and body with one
 * sendmsg (MSG_NOSIGNAL), looping on short writes and EINTR, waiting
 * with poll when the socket is non-blocking; the caller serialises
 * senders.  h->len is ignored: the frame's length is computed from the
 * body lengths.  Returns 0 or a host errno.
 */
int	sp_send(int fd, const struct sp_hdr *h, const void *body, size_t blen);
int	sp_send2(int fd, const struct sp_hdr *h, const void *b1, size_t l1,
	    const void *b2, size_t l2);

/*
 * An incremental frame reader for non-blocking sockets: call
 * sp_reader_fill when the socket is readable; it returns 1 when a whole
 * frame is in r->hdr/r->body (the caller takes r->body and calls
 * sp_reader_reset), 0 when more is needed, or -errno on EOF (ECONNRESET),
 * error, a length below 24 (EBADMSG) or above maxlen (EMSGSIZE), or a
 * body that cannot be allocated (ENOMEM).  A zeroed struct is ready.
 */
#define SP_READAHEAD	1024
struct sp_reader {
	struct sp_hdr hdr;
	size_t	hgot;		/* header bytes read */
	uint8_t	*body;		/* malloc'ed (or target's), len - 24 bytes */
	size_t	bgot;
	bool	direct;		/* body is the target's, not ours */
	/* Bytes read beyond the frame being assembled, kept by
	 * sp_reader_reset: ibuf[ioff, iend). */
	uint8_t	ibuf[SP_READAHEAD];
	size_t	ioff, iend;
	bool	dry;		/* the last read took all the socket had */
	/* Optional, kept by sp_reader_reset: the largest length allowed
	 * for this header, asked once the header is in (instead of
	 * maxlen); lets a server size a reply by what it asked for. */
	uint64_t (*limit)(const struct sp_hdr *h, void *arg);
	/* Optional, kept too: asked once the length has passed, where
	 * this body goes (NULL: a malloc'ed buffer).  Lets a server read
	 * an answer straight into the memory that asked for it, saving a
	 * copy.  Such a body is the caller's: `direct` is set, and
	 * sp_reader_reset forgets it without freeing it. */
	void	*(*target)(const struct sp_hdr *h, void *arg);
	void	*limit_arg;	/* for both hooks */
};
int	sp_reader_fill(int fd, struct sp_reader *r, uint64_t maxlen);
/* Forget the frame just handed over (freeing a malloc'ed body); bytes
 * read ahead stay for the next. */
void	sp_reader_reset(struct sp_reader *r);
/* Bytes of following frames are buffered: poll will not report them. */
bool	sp_reader_ahead(const struct sp_reader *r);
/* Nothing buffered and the last read emptied the socket: no need to
 * read again (and hear EAGAIN) before poll reports more. */
bool	sp_reader_dry(const struct sp_reader *r);

/* Read one whole frame (client side); waits with poll if the socket is
 * non-blocking.  *bodyp is NULL for a header-only frame, else malloc'ed.
 * 0 or a host errno: ECONNRESET on EOF, EBADMSG, EMSGSIZE, ENOMEM. */
int	sp_recv_frame(int fd, struct sp_hdr *h, uint8_t **bodyp,
	    uint64_t maxlen);

#endif
