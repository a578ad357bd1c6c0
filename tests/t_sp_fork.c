/*
 * t_sp_fork: a client's fork (PREFORK, then the child's FORK
 * handshake on a new connection) and exec (the EXEC handshake on the
 * same connection), sysproxy.md §9.1-§9.2, against the real kernel.
 */
#include "t_sp_util.h"

int
t_boot(void)
{
	return tc_boot("fork");
}

/* PREFORK on p; the 16-byte cookie into hs (rf_cancel = cancel). */
static int
prefork(struct tc *p, uint8_t hs[20], int32_t cancel)
{
	struct tc_frame f;
	uint64_t r = p->reqno++;
	int ok;

	tc_send(p->fd, r, TC_REQ, TC_PREFORK, 0, NULL, 0);
	if (tc_await(p, r, &f, TC_MS) != 0)
		return -1;
	ok = f.h.class == TC_RESP && f.h.type == TC_PREFORK &&
	    f.h.len == 40 && f.h.u == 0;
	if (ok) {
		memcpy(hs, f.body, 16);
		memcpy(hs + 16, &cancel, 4);
	}
	free(f.body);
	return ok ? 0 : -1;
}

/* The child's connection: banner, FORK handshake, pid. */
static int
claim(struct tc *c, const uint8_t hs[20])
{
	int r;

	if (tc_open_path(c, tc_path) != 0)
		return -1;
	if ((r = tc_handshake(c, TC_HS_FORK, hs, 20)) != 0)
		return r;
	c->pid = tc_getpid(c);
	return 0;
}

static int
fcntl_of(struct tc *t, int fd, int cmd, int arg, int64_t *rv)
{
	uint64_t a[3] = { I(fd), I(cmd), I(arg) };

	return tc_call(t, SYS_fcntl, a, 3, rv);
}

/* §9.1: the 40-byte PREFORK reply; cookies differ. */
TEST(prefork_cookie)
{
	uint8_t a[20], b[20];
	struct tc p;

	CHECK_EQ(tc_open(&p, "pf"), 0);
	CHECK_EQ(prefork(&p, a, 0), 0);
	CHECK_EQ(prefork(&p, b, 0), 0);
	CHECK(memcmp(a, b, 16) != 0);
	tc_close(&p);
}

/* The child is a new process with its own pid, a child of the client's
 * process tree, named like its parent. */
TEST(fork_child_new_pid)
{
	uint8_t hs[20];
	char comm[17];
	struct tc p, c;

	CHECK_EQ(tc_open(&p, "forker"), 0);
	CHECK_EQ(prefork(&p, hs, 0), 0);
	CHECK_EQ(claim(&c, hs), 0);
	CHECK(c.pid > 1);
	CHECK(c.pid != p.pid);
	tc_comm(c.pid, comm);
	CHECK_STR(comm, "forker");
	tc_close(&c);
	tc_close(&p);
}

/* The child has a copy of the parent's descriptors as of PREFORK:
 * same open files, but its own table. */
TEST(fork_copies_descriptors)
{
	uint8_t hs[20];
	char in[8] = { 0 }, out[] = "fork";
	uint64_t a[3];
	int64_t rv[2];
	int rfd, wfd;
	struct tc p, c;

	CHECK_EQ(tc_open(&p, "fdparent"), 0);
	CHECK_EQ(tc_call(&p, SYS_pipe, NULL, 0, rv), 0);
	rfd = (int)rv[0];
	wfd = (int)rv[1];
	CHECK_EQ(prefork(&p, hs, 0), 0);
	CHECK_EQ(claim(&c, hs), 0);
	/* the child writes, the parent reads: one pipe */
	a[0] = I(wfd); a[1] = P(out); a[2] = 4;
	CHECK_EQ(tc_call(&c, SYS_write, a, 3, rv), 0);
	a[0] = I(rfd); a[1] = P(in); a[2] = 4;
	CHECK_EQ(tc_call(&p, SYS_read, a, 3, rv), 0);
	CHECK_STR(in, "fork");
	/* closing in the parent leaves the child's descriptor */
	a[0] = I(wfd);
	CHECK_EQ(tc_call(&p, SYS_close, a, 1, NULL), 0);
	CHECK_EQ(fcntl_of(&c, wfd, RUMP_F_GETFL, 0, rv), 0);
	/* a descriptor opened in the child is not the parent's */
	CHECK_EQ(tc_call(&c, SYS_pipe, NULL, 0, rv), 0);
	CHECK_EQ(fcntl_of(&p, (int)rv[0], RUMP_F_GETFL, 0, NULL), 9);
	tc_close(&c);
	tc_close(&p);
}

/* Descriptors opened after PREFORK are not the child's. */
TEST(fork_table_as_of_prefork)
{
	uint8_t hs[20];
	int64_t rv[2];
	struct tc p, c;

	CHECK_EQ(tc_open(&p, "late"), 0);
	CHECK_EQ(prefork(&p, hs, 0), 0);
	CHECK_EQ(tc_call(&p, SYS_pipe, NULL, 0, rv), 0);
	CHECK_EQ(claim(&c, hs), 0);
	CHECK_EQ(fcntl_of(&c, (int)rv[0], RUMP_F_GETFL, 0, NULL), 9);
	tc_close(&c);
	tc_close(&p);
}

/* A cookie is good for one child. */
TEST(fork_cookie_single_use)
{
	uint8_t hs[20];
	struct tc p, c, d;

	CHECK_EQ(tc_open(&p, "once"), 0);
	CHECK_EQ(prefork(&p, hs, 0), 0);
	CHECK_EQ(claim(&c, hs), 0);
	CHECK_EQ(claim(&d, hs), TC_ERRFRAME + TC_E_INVALID_PREFORK);
	CHECK(tc_eof(d.fd, TC_MS));
	tc_close(&d);
	tc_close(&c);
	tc_close(&p);
}

/* rf_cancel != 0: no reply, the connection is shut, the cookie spent. */
TEST(fork_cancel)
{
	uint8_t hs[20];
	struct tc p, c;

	CHECK_EQ(tc_open(&p, "cancel"), 0);
	CHECK_EQ(prefork(&p, hs, 1), 0);
	CHECK_EQ(tc_open_path(&c, tc_path), 0);
	tc_send(c.fd, 1, TC_REQ, TC_HANDSHAKE, TC_HS_FORK, hs, 20);
	CHECK(tc_eof(c.fd, TC_MS));
	tc_close(&c);
	hs[16] = 0;
	CHECK_EQ(claim(&c, hs), TC_ERRFRAME + TC_E_INVALID_PREFORK);
	tc_close(&c);
	tc_close(&p);
}

/* daemon(3): the parent goes before the child connects; the child
 * still gets the parent's descriptors. */
TEST(fork_after_parent_gone)
{
	uint8_t hs[20];
	int64_t rv[2];
	int rfd;
	struct tc p, c;

	CHECK_EQ(tc_open(&p, "daemon"), 0);
	CHECK_EQ(tc_call(&p, SYS_pipe, NULL, 0, rv), 0);
	rfd = (int)rv[0];
	CHECK_EQ(prefork(&p, hs, 0), 0);
	tc_close(&p);
	CHECK(tc_proc_gone(p.pid));
	CHECK_EQ(claim(&c, hs), 0);
	CHECK_EQ(fcntl_of(&c, rfd, RUMP_F_GETFL, 0, rv), 0);
	tc_close(&c);
}

/* §9.2: exec keeps the pid and the descriptors, except close-on-exec
 * ones; the name changes. */
TEST(exec_keeps_pid_closes_cloexec)
{
	int64_t rv[2];
	char comm[17];
	int keep, drop;
	struct tc t;

	CHECK_EQ(tc_open(&t, "oldimage"), 0);
	CHECK_EQ(tc_call(&t, SYS_pipe, NULL, 0, rv), 0);
	keep = (int)rv[0];
	drop = (int)rv[1];
	CHECK_EQ(fcntl_of(&t, drop, RUMP_F_SETFD, RUMP_FD_CLOEXEC, NULL), 0);
	t.reqno = 0;			/* the exec'd client starts again */
	CHECK_EQ(tc_handshake(&t, TC_HS_EXEC, "newimage", 9), 0);
	CHECK_EQ(tc_getpid(&t), t.pid);
	CHECK_EQ(fcntl_of(&t, keep, RUMP_F_GETFL, 0, rv), 0);
	CHECK_EQ(fcntl_of(&t, drop, RUMP_F_GETFL, 0, rv), 9);
	CHECK_EQ(fcntl_of(&t, 1, RUMP_F_GETFL, 0, rv), 0);	/* console */
	tc_comm(t.pid, comm);
	CHECK_STR(comm, "newimage");
	tc_close(&t);
}

/* A call of the old image sleeping in the kernel is cancelled (EINTR)
 * so the exec can proceed. */
TEST(exec_cancels_sleeping_call)
{
	char in[4];
	uint64_t a[3];
	int64_t rv[2];
	struct tc_frame f;
	uint64_t r;
	struct tc t;

	CHECK_EQ(tc_open(&t, "sleepy"), 0);
	CHECK_EQ(tc_call(&t, SYS_pipe, NULL, 0, rv), 0);
	a[0] = I(rv[0]); a[1] = P(in); a[2] = 4;
	r = tc_start(&t, SYS_read, a, 3);
	usleep(20000);
	CHECK_EQ(tc_handshake(&t, TC_HS_EXEC, "woken", 6), 0);
	CHECK_EQ(tc_await(&t, r, &f, TC_MS), 0);
	CHECK_EQ(tc_result(&f, NULL), 4);		/* EINTR */
	free(f.body);
	/* and the process is usable afterwards: sleeps work again */
	CHECK_EQ(tc_call(&t, SYS_pipe, NULL, 0, rv), 0);
	CHECK_EQ(tc_getpid(&t), t.pid);
	tc_close(&t);
}

/* After an exec, a fork works as before. */
TEST(exec_then_fork)
{
	uint8_t hs[20];
	struct tc p, c;

	CHECK_EQ(tc_open(&p, "ef"), 0);
	CHECK_EQ(tc_handshake(&p, TC_HS_EXEC, "ef2", 4), 0);
	CHECK_EQ(prefork(&p, hs, 0), 0);
	CHECK_EQ(claim(&c, hs), 0);
	CHECK(c.pid != p.pid);
	tc_close(&c);
	tc_close(&p);
}
