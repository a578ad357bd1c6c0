/*
 * client.h: librumpclient's insides, shared by its three files:
 *
 *	conn.c		a connection's life: dialling (connect + banner),
 *			sending frames, reconnecting per the retry policy
 *	recv.c		the receive side: whichever calling thread owns it
 *			reads frames, hands responses to their waiters and
 *			serves the server's copy, mmap and raise requests
 *	rumpclient.c	the public calls: init, syscall, fork, exec, ...
 *
 * One connection serves every thread of the program.  A call is a
 * waiter: it takes a request number, sends its frame and waits for the
 * response with its number.  There is no reader thread: a waiting
 * thread that finds nobody receiving becomes the receiver, reads frames
 * until its own response has come (serving whatever else arrives), and
 * then passes the job to another waiter.
 *
 * Connection states and transitions (cl_conn.state):
 *
 *	UP ---- EOF, read/send error -----------> DEAD
 *	DEAD -- a call, retry policy allows ----> RECONNECTING
 *	RECONNECTING -- dial + GUEST handshake -> UP (gen has moved on)
 *	RECONNECTING -- policy gives up --------> DEAD
 *
 * gen counts connections: a waiter or sender belongs to the generation
 * it started in, and a changed gen or state DEAD ends its wait with
 * ENOTCONN (the call is then resent or fails, per policy).
 *
 * Locks.  mtx protects state, nextreq, the waiter list, receiving and
 * each waiter's fields; smtx serialises senders, so frames never
 * interleave.  fd is written only with both held (by the reconnector,
 * when nobody receives) and read with either.  The receive buffer and
 * the copyout stream are owned by the receiving thread, without lock.
 * Lock order: mtx before smtx.  Calls run with every signal blocked;
 * the receiver waits in ppoll() with the caller's own mask, the only
 * place a signal handler can run (and call back into the library).
 */
#ifndef CLIENT_CLIENT_H
#define CLIENT_CLIENT_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "rumpuser/sp_wire.h"

/* None of this is librumpclient's interface. */
#pragma GCC visibility push(hidden)

#define CL_RBUFSZ	65536	/* receive buffer; caps frames except COPYOUT */
#define CL_READ		4096	/* most read into it at once: COPYOUT data
				 * beyond goes straight to its destination */
#define CL_RESPMAX	32	/* response body bytes a waiter keeps */

enum cl_state { CONN_UP, CONN_DEAD, CONN_RECONNECTING };

struct cl_waiter {
	struct cl_waiter *next;
	uint64_t reqno;
	unsigned gen;
	atomic_int done;		/* response (or error frame) arrived */
	struct sp_hdr hdr;		/* the response's header */
	uint8_t	body[CL_RESPMAX];	/* its first bytes */
	size_t	blen;			/* its whole body length */
	pthread_cond_t cv;
};

struct cl_conn {
	pthread_mutex_t mtx;
	pthread_mutex_t smtx;
	pthread_cond_t gatecv;		/* state left RECONNECTING, receiver left */
	int	fd;
	enum cl_state state;
	atomic_uint gen;
	uint64_t nextreq;
	struct cl_waiter *waiters;
	bool	receiving;

	/* Receiver-owned. */
	uint8_t	*rbuf;
	size_t	roff, rend;		/* unparsed bytes: rbuf[roff..rend) */
	bool	rdrained;		/* last read left the socket empty */
	uint8_t	*co_dst;		/* COPYOUT being streamed in */
	size_t	co_left;		/* its data bytes still on the wire */
	size_t	co_room;		/* of which still to be stored */
};

/* The server's answer to a request. */
struct cl_resp {
	struct sp_hdr hdr;
	uint8_t	body[CL_RESPMAX];
	size_t	blen;
};

/* Library-wide settings (rumpclient.c). */
extern struct sp_url cl_url;
extern atomic_llong cl_retry;		/* setconnretry() */
extern sigset_t cl_fullset;

/* conn.c */
struct cl_conn *cl_conn_new(int fd, uint64_t firstreq);
int	cl_dial(const struct sp_url *u, int *fdp);
int	cl_send(struct cl_conn *c, unsigned gen, const struct sp_hdr *h,
	    const void *body, size_t blen);
int	cl_send_copy(struct cl_conn *c, const struct sp_hdr *h,
	    const void *data, size_t len);
void	cl_fail_locked(struct cl_conn *c, unsigned gen);
int	cl_gate_locked(struct cl_conn *c, const sigset_t *omask);
int	cl_request(struct cl_conn *c, struct sp_hdr *h, const void *body,
	    size_t blen, struct cl_resp *r, const sigset_t *omask);
int	cl_request_once(struct cl_conn *c, struct sp_hdr *h,
	    const void *body, size_t blen, struct cl_resp *r,
	    const sigset_t *omask);
int	cl_handshake(struct cl_conn *c, int kind, const void *body,
	    size_t blen, const sigset_t *omask);
const char *cl_progname(char *buf, size_t len);
int	cl_errframe(uint32_t code);

/* recv.c */
int	cl_wait(struct cl_conn *c, struct cl_waiter *w, const sigset_t *omask);
bool	cl_am_receiver(struct cl_conn *c);
void	cl_rbuf_reset(struct cl_conn *c);
int	cl_sig_netbsd2host(int sig);
void	cl_waiter_add_locked(struct cl_conn *c, struct cl_waiter *w);
void	cl_waiter_remove_locked(struct cl_conn *c, struct cl_waiter *w);

#pragma GCC visibility pop

#endif
