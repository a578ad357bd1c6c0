/*
 * sp_int.h: the sysproxy server's internals, shared by its files.
 *
 *   sp_wire.c    URLs, banner, frame send/receive (also in the client)
 *   sp_server.c  listeners, the poll thread, the per-connection state
 *                machine that reads frames and acts on them
 *   sp_conn.c    connections: references and teardown, the output
 *                queue, the server's requests to the client (copyin,
 *                copyinstr, copyout, anonmmap, raise)
 *   sp_work.c    the worker pool that runs system calls, exec and
 *                prefork, and the table of preforked processes
 *
 * The kernel is reached only through struct rumpuser_sp_hyp (see
 * rumpuser_sp.h), from host threads that are not in the kernel.
 * Errors inside these files are host errnos unless named SP_E*
 * (NetBSD numbers, for replies and for the rumpuser_sp_* interface).
 */
#ifndef RUMPUSER_SP_INT_H
#define RUMPUSER_SP_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "rumpuser_int.h"
#include "rumpuser_sp.h"
#include "sp_wire.h"

/* NetBSD errno values the server itself produces. */
#define SP_ESRCH	3
#define SP_ENOMEM	12
#define SP_EFAULT	14
#define SP_EBUSY	16
#define SP_EINVAL	22
#define SP_ENOSYS	78

/*
 * Limits.
 *
 * Frame cap: a request frame (SYSCALL, HANDSHAKE, PREFORK, and any
 * other REQ or ERROR a client sends) may be at most SP_MAXREQ bytes,
 * 64 KiB of body: NetBSD's clients never send more than 24 + 64 for a
 * system call.  A RESP that answers one of our copyin/copyinstr/
 * anonmmap requests may be as long as what we asked for and no longer;
 * a RESP that answers nothing is read (up to SP_MAXREQ) and dropped.
 * Anything longer disconnects the client.
 */
#define SP_MAXREQ	(SP_HDRSZ + 65536)
#define SP_MAXCONN	255		/* connections per listener */
#define SP_MAXWORKER	128		/* worker threads, all listeners */
#define SP_IDLEWORKER	16		/* idle workers kept */
#define SP_MAXPREFORK	256		/* unclaimed preforked processes */
#define SP_FRAMEBURST	64		/* frames read per connection per poll */
/* Output queue: copyout data is sent in chunks of SP_COPYCHUNK and a
 * worker waits while more than SP_OUTQ_HIWAT bytes are queued; other
 * frames never wait, and a client that lets SP_OUTQ_MAX bytes pile up
 * unread is disconnected. */
#define SP_SOCKBUF	(1024 * 1024)	/* socket buffers asked for */
#define SP_COPYCHUNK	(256 * 1024)
#define SP_OUTQ_HIWAT	(256 * 1024)
#define SP_OUTQ_MAX	(4 * 1024 * 1024)

struct sp_server;

/*
 * A worker waiting for the client's answer to one of our requests.
 * If it names a destination (w_dst), the poll thread reads the answer
 * straight into it: it takes the waiter off c_waiters when the header
 * comes (c_rdwait), and from then on only the poll thread ends the
 * wait, once the body is in (answered) or the connection is dropped
 * (gone), so the memory is never written after the worker has left.
 */
struct sp_wait {
	uint64_t w_reqno;		/* fixed */
	size_t	w_len;			/* fixed: most bytes accepted */
	void	*w_dst;			/* fixed: where the answer goes, or
					 * NULL (then w_data) */
	pthread_cond_t w_cv;
	int	w_done;			/* c_lock: 0 waiting, 1 answered,
					 * -1 connection gone */
	uint8_t	*w_data;		/* c_lock: the answer (malloc'ed),
					 * NULL if it went to w_dst */
	size_t	w_dlen;			/* c_lock */
	struct sp_wait *w_next;		/* c_lock: on c_waiters */
};

/*
 * A client connection.
 *
 * States (c_state, under c_lock):
 *   NEW      accepted, banner sent; only a GUEST or FORK handshake is
 *            accepted; a worker makes or claims the kernel process
 *            (c_proc) and moves to RUNNING, while the poll thread
 *            reads nothing more from the client (c_hold).
 *   RUNNING  requests go to workers; many may be in flight; copy
 *            requests are answered by RESP frames the poll thread
 *            hands to the waiting worker (c_waiters).  An EXEC sets
 *            c_inexec (poll thread): calls then get EBUSY and copies
 *            fail at once, while a worker cancels the old image's
 *            calls, waits for them, renames the process and clears it.
 *   DYING    EOF, read error, a bad length, a protocol error that
 *            ends the connection, or an unanswerable send.  Waiters
 *            are woken (their copies fail with EFAULT), sends fail;
 *            the poll thread forgets the connection and the reaper
 *            cancels the process's sleeps.  When the last reference
 *            goes (the poll table's and one per work item), the
 *            process is released and the socket closed.
 *   NEW -> DYING directly when the handshake is refused.
 *
 * Locks: c_lock guards c_state, c_inexec, c_refs, c_nwork, c_nextreq,
 * c_waiters and the waiters' w_done/w_data/w_dlen.  c_sendlock guards
 * the output queue (c_out*) and c_broken and orders the bytes on the
 * socket: a frame is queued or written whole under it.  The two are
 * never held together.  c_rd and c_closing belong to the poll thread.
 * c_proc is set once, under c_lock, by the handshake worker (NEW ->
 * RUNNING) and read-only afterwards; whoever drops the last reference
 * releases it.
 */
enum sp_state { SPC_NEW, SPC_RUNNING, SPC_DYING };

struct sp_conn {
	struct sp_server *c_srv;		/* fixed */
	const struct rumpuser_sp_hyp *c_hyp;	/* fixed */
	int	c_fd;				/* fixed until freed */
	void	*c_proc;			/* see above */

	pthread_mutex_t c_lock;
	pthread_cond_t c_cv;		/* c_nwork went down */
	enum sp_state c_state;
	bool	c_inexec;
	int	c_refs;
	int	c_nwork;		/* work items queued or running */
	uint64_t c_nextreq;		/* our request numbers */
	struct sp_wait *c_waiters;

	pthread_mutex_t c_sendlock;
	pthread_cond_t c_sendcv;	/* queue shrank or broke */
	uint8_t	*c_out;			/* unsent bytes [c_outoff, c_outlen) */
	size_t	c_outoff, c_outlen, c_outcap;
	bool	c_broken;		/* socket shut: no more sends */
	_Atomic bool c_wantout;		/* queue non-empty: poll POLLOUT */

	struct sp_reader c_rd;		/* poll thread */
	struct sp_wait *c_rdwait;	/* poll thread: the waiter whose
					 * answer c_rd reads into w_dst */
	bool	c_closing;		/* poll thread: flush, then drop */
	_Atomic bool c_hold;		/* a worker does the handshake: the
					 * poll thread reads nothing */
	struct sp_conn *c_reapnext;	/* on the reaper's queue */
};

/* A listener and its poll thread. */
struct sp_server {
	const struct rumpuser_sp_hyp *s_hyp;	/* fixed */
	struct sp_url s_url;			/* fixed */
	int	s_lfd;				/* fixed */
	int	s_wakefd;			/* eventfd: poll thread wake-up */
	char	s_banner[SP_MAXBANNER];		/* fixed */
	size_t	s_bannerlen;
	struct sp_conn *s_conns[SP_MAXCONN];	/* poll thread */
	_Atomic bool s_stop;			/* fini: leave the loop */
	pthread_mutex_t s_lock;			/* guards s_done */
	pthread_cond_t s_cv;
	bool	s_done;				/* poll thread has left */
	struct sp_server *s_next;		/* sp_servers, sp_glock */
};

/* sp_conn.c */
struct sp_conn *conn_alloc(struct sp_server *s, int fd);
void	conn_hold(struct sp_conn *c);
void	conn_rele(struct sp_conn *c);
void	conn_kill(struct sp_conn *c);
/* The poll thread lets go of a killed connection (and its reference). */
void	reap_queue(struct sp_conn *c);
void	conn_fail_waiters_locked(struct sp_conn *c);
bool	conn_dying(struct sp_conn *c);
#define SP_SEND_WAIT	0x1	/* wait while the queue is above HIWAT */
int	conn_send(struct sp_conn *c, const struct sp_hdr *h, const void *b1,
	    size_t l1, const void *b2, size_t l2, int flags);
int	conn_send_error(struct sp_conn *c, uint64_t reqno, enum sp_err code);
int	conn_send_sysresp(struct sp_conn *c, uint64_t reqno, int error,
	    const int64_t rv[2]);
int	conn_send_hsresp(struct sp_conn *c, uint64_t reqno, int error);
/* Send a frame after everything queued, waiting up to ms (halt). */
int	conn_send_sync(struct sp_conn *c, const struct sp_hdr *h,
	    const void *body, size_t blen, int ms);
void	conn_flush(struct sp_conn *c);
uint64_t conn_frame_limit(const struct sp_hdr *h, void *arg);
void	*conn_frame_target(const struct sp_hdr *h, void *arg);
void	conn_deliver(struct sp_conn *c, const struct sp_hdr *h,
	    uint8_t *body, size_t blen);
/* The poll thread is done reading into c_rdwait's memory: the body is
 * in (ok) or the connection is being dropped. */
void	conn_deliver_direct(struct sp_conn *c, size_t blen, bool ok);
void	server_wake(struct sp_server *s);

/* sp_work.c */
enum sp_workkind { SPW_SYSCALL, SPW_EXEC, SPW_PREFORK, SPW_HANDSHAKE };
struct sp_work {
	struct sp_conn *w_conn;		/* holds a reference */
	enum sp_workkind w_kind;
	struct sp_hdr w_hdr;
	uint8_t	*w_body;		/* malloc'ed or NULL */
	size_t	w_blen;
	bool	w_answered;		/* rumpuser_sp_fini replied for us */
	struct sp_work *w_next;
};
/* Queue a request for a worker (takes the body).  0, or EAGAIN when
 * no worker exists and none can be started (reply TRYAGAIN), ENOMEM. */
int	work_dispatch(struct sp_conn *c, enum sp_workkind kind,
	    const struct sp_hdr *h, uint8_t *body, size_t blen);
/* The request this thread is serving, or NULL. */
struct sp_work *work_current(void);
/* Preforked processes waiting for their FORK handshake. */
int	prefork_put(const uint32_t cookie[4], void *proc);
void	*prefork_take(const uint32_t cookie[4]);

/* A process name from a handshake body: up to 16 chars, NUL-safe. */
void	sp_comm(char comm[17], const uint8_t *body, size_t blen);

#endif
