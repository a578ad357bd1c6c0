/*
 * t_sp_util.h: a hand-made sysproxy client for the server's tests.
 *
 * Each t_sp_* program boots the kernel in-process with a server on a
 * unix socket of its own (t_boot below) and talks to it with raw
 * sockets and frames built from the spec (sysproxy.md), not with the
 * server's code.  The fake client answers the server's copy requests
 * from its own memory, like a real client, unless told to misbehave
 * (tc.mode).
 */
#ifndef TESTS_T_SP_UTIL_H
#define TESTS_T_SP_UTIL_H

#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "t.h"

#define TCF	static __attribute__((unused))
#define TC_MS	5000		/* no answer within this: a failure */

/* Wire constants, spelled out from the spec (not from sp_wire.h). */
enum { TC_REQ = 0, TC_RESP = 1, TC_ERROR = 2 };
enum { TC_HANDSHAKE = 0, TC_SYSCALL = 1, TC_COPYIN = 2, TC_COPYINSTR = 3,
	TC_COPYOUT = 4, TC_COPYOUTSTR = 5, TC_ANONMMAP = 6, TC_PREFORK = 7,
	TC_RAISE = 8 };
enum { TC_HS_GUEST = 0, TC_HS_AUTH = 1, TC_HS_FORK = 2, TC_HS_EXEC = 3 };
enum { TC_E_TRYAGAIN = 1, TC_E_AUTH = 2, TC_E_INVALID_PREFORK = 3,
	TC_E_RFORK_FAILED = 4, TC_E_INEXEC = 5, TC_E_NOMEM = 6,
	TC_E_MALFORMED = 7 };
#define TC_ERRFRAME	1000	/* tc_call: 1000 + code for an ERROR frame */
#define TC_TIMEOUT	(-1)
#define TC_EOF		(-2)

/* NetBSD system call numbers used here. */
enum { SYS_read = 3, SYS_write = 4, SYS_open = 5, SYS_close = 6,
	SYS_chdir = 12, SYS_getpid = 20, SYS_getuid = 24, SYS_getppid = 39,
	SYS_pipe = 42, SYS_umask = 60, SYS_dup2 = 90, SYS_fcntl = 92,
	SYS_mkdir = 136, SYS_rmdir = 137, SYS_lseek = 199, SYS_reboot = 208,
	SYS_fstat = 440 };

struct tc_hdr {
	uint64_t len, reqno;
	uint16_t class, type;
	uint32_t u;
};

/* How the fake client answers copy requests. */
enum tc_mode {
	TC_OK,		/* as a real client */
	TC_SHORT,	/* COPYIN/COPYINSTR: one byte less than asked */
	TC_NONUL,	/* COPYINSTR: all bytes asked, none of them NUL */
	TC_LONG,	/* one byte more than asked */
	TC_SILENT,	/* never answer */
	TC_EMPTY,	/* an empty answer (ANONMMAP: a NULL address) */
};

struct tc_frame {
	struct tc_hdr h;
	uint8_t *body;
};

struct tc {
	int	fd;
	uint64_t reqno;		/* our next request number */
	int	pid;		/* rump pid after the handshake */
	enum tc_mode mode;
	int	ncopyin, ncopyinstr, ncopyout, nmmap, nraise, lastsig;
	uint64_t lastsrvreq;	/* reqno of the last server request */
	void	*lastmmap;	/* what we answered the last ANONMMAP */
	uint64_t mmaplen;	/* and the length it asked for */
	struct tc_frame stash[256];	/* replies to other requests */
	int	nstash;
	/* log of frame types, in arrival order (server -> client) */
	uint16_t log[4096];
	int	nlog;
};

static char tc_url[160], tc_path[108];

TCF void
tc_unlink(void)
{
	unlink(tc_path);
}

/* The socket path of this program: /tmp/t_sp_<tag>_<pid>.sock. */
TCF void
tc_name(const char *tag)
{
	snprintf(tc_path, sizeof(tc_path), "/tmp/t_sp_%s_%d.sock", tag,
	    (int)getpid());
	snprintf(tc_url, sizeof(tc_url), "unix://%s", tc_path);
}

/* Boot the kernel and serve it on this program's socket. */
TCF int
tc_boot(const char *tag)
{
	int error;

	tc_name(tag);
	unlink(tc_path);
	if ((error = rump_init()) != 0)
		return error;
	if ((error = rump_init_server(tc_url)) != 0)
		return error;
	atexit(tc_unlink);
	return 0;
}

TCF int
tc_connect_path(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -1;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Wait until fd is readable; 0 or TC_TIMEOUT. */
TCF int
tc_wait(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 1 ? 0 : TC_TIMEOUT;
}

/* Read exactly len bytes; 0, TC_TIMEOUT or TC_EOF. */
TCF int
tc_readn(int fd, void *buf, size_t len, int ms)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		if (tc_wait(fd, ms) != 0)
			return TC_TIMEOUT;
		n = read(fd, (char *)buf + got, len - got);
		if (n <= 0)
			return TC_EOF;
		got += (size_t)n;
	}
	return 0;
}

TCF int
tc_writen(int fd, const void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = send(fd, (const char *)buf + done, len - done,
		    MSG_NOSIGNAL);
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* A frame with an explicit length field (which may lie). */
TCF int
tc_send_raw(int fd, uint64_t len, uint64_t reqno, uint16_t class,
    uint16_t type, uint32_t u, const void *body, size_t blen)
{
	uint8_t buf[24 + 256];
	struct tc_hdr h = { len, reqno, class, type, u };

	if (blen <= 256) {		/* one write, as clients do */
		memcpy(buf, &h, 24);
		if (blen > 0)
			memcpy(buf + 24, body, blen);
		return tc_writen(fd, buf, 24 + blen);
	}
	if (tc_writen(fd, &h, 24) != 0)
		return -1;
	return blen ? tc_writen(fd, body, blen) : 0;
}

TCF int
tc_send(int fd, uint64_t reqno, uint16_t class, uint16_t type, uint32_t u,
    const void *body, size_t blen)
{
	return tc_send_raw(fd, 24 + blen, reqno, class, type, u, body, blen);
}

/* One frame; body malloc'ed (NULL if none).  0, TC_TIMEOUT, TC_EOF. */
TCF int
tc_recv(int fd, struct tc_hdr *h, uint8_t **body, int ms)
{
	int r;

	*body = NULL;
	if ((r = tc_readn(fd, h, 24, ms)) != 0)
		return r;
	if (h->len < 24 || h->len > (64u << 20))
		return TC_EOF;
	if (h->len == 24)
		return 0;
	*body = malloc((size_t)h->len - 24);
	if ((r = tc_readn(fd, *body, (size_t)h->len - 24, ms)) != 0) {
		free(*body);
		*body = NULL;
	}
	return r;
}

/* True when the server has closed (or shut down) the connection;
 * frames before the end are skipped. */
TCF int
tc_eof(int fd, int ms)
{
	char buf[4096];
	ssize_t n;

	for (;;) {
		if (tc_wait(fd, ms) != 0)
			return 0;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return 1;
	}
}

/* Nothing arrives within ms. */
TCF int
tc_quiet(int fd, int ms)
{
	return tc_wait(fd, ms) == TC_TIMEOUT;
}

/* Read the banner with one read, as librumpclient does. */
TCF int
tc_banner(int fd, char *buf, size_t cap)
{
	ssize_t n;

	if (tc_wait(fd, TC_MS) != 0)
		return -1;
	n = read(fd, buf, cap - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

/* Answer a request from the server, as t->mode says. */
TCF void
tc_serve(struct tc *t, const struct tc_hdr *h, const uint8_t *body)
{
	uint64_t len = 0, addr = 0;
	uint8_t *reply = NULL;
	size_t rlen = 0, avail;

	if (t->nlog < 4096)
		t->log[t->nlog++] = h->type;
	t->lastsrvreq = h->reqno;
	if (h->len >= 24 + 16 && body != NULL) {
		memcpy(&len, body, 8);
		memcpy(&addr, body + 8, 8);
	}
	switch (h->type) {
	case TC_COPYIN:
	case TC_COPYINSTR:
		if (h->type == TC_COPYIN)
			t->ncopyin++;
		else
			t->ncopyinstr++;
		if (t->mode == TC_SILENT)
			return;
		/* what the client's memory holds for this request */
		avail = addr < 4096 ? 0 : (size_t)len;
		if (h->type == TC_COPYINSTR && avail > 0) {
			size_t sl = strnlen((const char *)(uintptr_t)addr,
			    avail);

			avail = sl + 1 < avail ? sl + 1 : avail;
		}
		rlen = avail;
		if (t->mode == TC_SHORT && rlen > 0)
			rlen--;
		if (t->mode == TC_LONG)
			rlen = (size_t)len + 1;
		if (t->mode == TC_NONUL)
			rlen = (size_t)len;
		if (t->mode == TC_EMPTY)
			rlen = 0;
		reply = calloc(1, rlen + 1);
		if (t->mode == TC_NONUL)
			memset(reply, 'a', rlen);
		else if (avail > 0)
			memcpy(reply, (void *)(uintptr_t)addr,
			    rlen < avail ? rlen : avail);
		tc_send(t->fd, h->reqno, TC_RESP, TC_COPYIN, 0, reply, rlen);
		free(reply);
		break;
	case TC_COPYOUT:
	case TC_COPYOUTSTR:
		t->ncopyout++;
		if (addr >= 4096 && h->len == 24 + 16 + len)
			memcpy((void *)(uintptr_t)addr, body + 16, (size_t)len);
		break;
	case TC_ANONMMAP: {
		void *p[2] = { NULL, NULL };

		t->nmmap++;
		if (t->mode == TC_SILENT)
			return;
		if (body != NULL && h->len >= 24 + 8)
			memcpy(&len, body, 8);
		t->mmaplen = len;
		if (t->mode != TC_EMPTY) {
			p[0] = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE,
			    MAP_ANON | MAP_PRIVATE, -1, 0);
			if (p[0] == MAP_FAILED)
				p[0] = NULL;
		}
		t->lastmmap = p[0];
		tc_send(t->fd, h->reqno, TC_RESP, TC_ANONMMAP, 0, p,
		    t->mode == TC_SHORT ? 4 : t->mode == TC_LONG ? 9 : 8);
		break;
	}
	case TC_RAISE:
		t->nraise++;
		t->lastsig = (int)h->u;
		break;
	}
}

/*
 * Wait for the reply to our request `reqno`, answering the server's
 * requests meanwhile and keeping replies to other requests.  The
 * frame is returned in *f (body malloc'ed).  0, TC_TIMEOUT, TC_EOF.
 */
TCF int
tc_await(struct tc *t, uint64_t reqno, struct tc_frame *f, int ms)
{
	uint8_t *body;
	int i, r;

	for (i = 0; i < t->nstash; i++)
		if (t->stash[i].h.reqno == reqno) {
			*f = t->stash[i];
			t->stash[i] = t->stash[--t->nstash];
			return 0;
		}
	for (;;) {
		if ((r = tc_recv(t->fd, &f->h, &body, ms)) != 0)
			return r;
		f->body = body;
		if (f->h.class == TC_REQ) {
			tc_serve(t, &f->h, body);
			free(body);
			continue;
		}
		if (t->nlog < 4096)
			t->log[t->nlog++] = 100 + f->h.type;
		if (f->h.reqno == reqno)
			return 0;
		if (t->nstash < 256)
			t->stash[t->nstash++] = *f;
		else
			free(body);
	}
}

/* Decode a system call reply: NetBSD errno, or TC_ERRFRAME + code. */
TCF int
tc_result(const struct tc_frame *f, int64_t rv[2])
{
	int32_t err;

	if (f->h.class == TC_ERROR)
		return TC_ERRFRAME + (int)f->h.u;
	if (f->h.len != 48 || f->body == NULL)
		return -100;
	memcpy(&err, f->body, 4);
	if (rv != NULL)
		memcpy(rv, f->body + 8, 16);
	return err;
}

TCF uint64_t
tc_start(struct tc *t, int num, const uint64_t *args, int nargs)
{
	uint64_t reqno = t->reqno++;

	tc_send(t->fd, reqno, TC_REQ, TC_SYSCALL, (uint32_t)num, args,
	    (size_t)nargs * 8);
	return reqno;
}

/* Run a call to completion: NetBSD errno (0), TC_ERRFRAME + code,
 * TC_TIMEOUT or TC_EOF.  rv may be NULL. */
TCF int
tc_call(struct tc *t, int num, const uint64_t *args, int nargs, int64_t *rv)
{
	struct tc_frame f;
	uint64_t reqno = tc_start(t, num, args, nargs);
	int r;

	if ((r = tc_await(t, reqno, &f, TC_MS)) != 0)
		return r;
	r = tc_result(&f, rv);
	free(f.body);
	return r;
}

/* Handshake (GUEST with name, NULL: no body at all); 0 or the error /
 * TC_ERRFRAME + code / TC_EOF. */
TCF int
tc_handshake(struct tc *t, uint32_t kind, const void *body, size_t blen)
{
	struct tc_frame f;
	uint64_t reqno = t->reqno++;
	int32_t v;
	int r;

	tc_send(t->fd, reqno, TC_REQ, TC_HANDSHAKE, kind, body, blen);
	if ((r = tc_await(t, reqno, &f, TC_MS)) != 0)
		return r;
	if (f.h.class == TC_ERROR)
		r = TC_ERRFRAME + (int)f.h.u;
	else if (f.h.len != 28 || f.body == NULL)
		r = -100;
	else {
		memcpy(&v, f.body, 4);
		r = v;
	}
	free(f.body);
	return r;
}

/* Connect to path and read the banner.  0 or -1. */
TCF int
tc_open_path(struct tc *t, const char *path)
{
	char banner[128];

	memset(t, 0, sizeof(*t));
	t->reqno = 1;
	if ((t->fd = tc_connect_path(path)) < 0)
		return -1;
	if (tc_banner(t->fd, banner, sizeof(banner)) <= 0) {
		close(t->fd);
		t->fd = -1;
		return -1;
	}
	return 0;
}

TCF int
tc_getpid(struct tc *t)
{
	int64_t rv[2];

	if (tc_call(t, SYS_getpid, NULL, 0, rv) != 0)
		return -1;
	return (int)rv[0];
}

/* A connected, handshaken client with its pid.  0 or -1. */
TCF int
tc_open(struct tc *t, const char *name)
{
	if (tc_open_path(t, tc_path) != 0)
		return -1;
	if (tc_handshake(t, TC_HS_GUEST, name, strlen(name) + 1) != 0)
		return -1;
	t->pid = tc_getpid(t);
	return t->pid > 0 ? 0 : -1;
}

TCF void
tc_close(struct tc *t)
{
	int i;

	for (i = 0; i < t->nstash; i++)
		free(t->stash[i].body);
	t->nstash = 0;
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

/* Argument slots. */
#define P(x)	((uint64_t)(uintptr_t)(x))
#define I(x)	((uint64_t)(uint32_t)(x))

/*
 * White-box looks into the kernel, through the few kernel functions
 * this needs (kern.h cannot be included next to the host's errno).
 * struct proc begins { pid_t p_pid; struct proc *p_pptr; pid_t p_pgid,
 * p_sid; char p_comm[17]; ... }; tc_comm checks p_pid first, so a
 * layout change fails loudly instead of reading garbage.  tc_comm is
 * for live processes only (proc_find).
 */
struct proc;
struct proc *proc_find(pid_t pid);
void	proc_rele(struct proc *p);
struct tc_proc_prefix {
	pid_t	p_pid;
	void	*p_pptr;
	pid_t	p_pgid, p_sid;
	char	p_comm[17];
};

/*
 * Whether the kernel still lists pid.  getpgid looks the pid up under
 * proc_lock only; proc_find would take the process's own lock, which
 * is unsafe to race with its exit (see the report on proc_find).
 */
TCF int
tc_pid_alive(int pid)
{
	errno = 0;
	return rump_sys_getpgid(pid) != -1 || errno != RUMP_ESRCH;
}

/* The process name of pid, or "" (and a failure) if unknown. */
TCF void
tc_comm(int pid, char comm[17])
{
	struct proc *p = proc_find(pid);
	const struct tc_proc_prefix *pp = (const void *)p;

	comm[0] = '\0';
	if (p == NULL)
		return;
	if (pp->p_pid == pid)
		memcpy(comm, pp->p_comm, 17);
	else
		t_fail(__FILE__, __LINE__, "struct proc layout changed");
	proc_rele(p);
}

/* Wait (up to TC_MS) until the kernel has no process `pid`. */
TCF int
tc_proc_gone(int pid)
{
	int i;

	for (i = 0; i < TC_MS / 10; i++) {
		if (!tc_pid_alive(pid))
			return 1;
		usleep(10000);
	}
	return 0;
}

/*
 * Run the caller as an lwp of client process pid (to look at its
 * descriptors with rump_sys_*), and back.  tc_enter returns 0 or an
 * errno; tc_leave restores the test's own process.
 */
static struct lwp *tc_saved;

TCF int
tc_enter(int pid)
{
	tc_saved = rump_pub_lwproc_curlwp();
	return rump_pub_lwproc_newlwp(pid);
}

TCF void
tc_leave(void)
{
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(tc_saved);
}

#endif
