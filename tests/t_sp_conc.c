/*
 * t_sp_conc: many clients at once, many calls in flight on one
 * connection, replies out of order, clients that vanish mid-call, and
 * the connection limit (sysproxy.md §5.2, §9.4, §10).
 */
#include <signal.h>
#include <sys/wait.h>

#include "t_sp_util.h"

int
t_boot(void)
{
	return tc_boot("conc");
}

static int
server_alive(void)
{
	struct tc t;
	int ok;

	if (tc_open(&t, "alive") != 0)
		return 0;
	ok = tc_getpid(&t) == t.pid;
	tc_close(&t);
	return ok;
}

/* ------------------------------------------- 64 clients at once */

struct worker_arg {
	int	id;
	int	errors;
	int	pid;
};

static void *
client_worker(void *arg)
{
	struct worker_arg *w = arg;
	char path[64];
	uint64_t m[2] = { P(path), I(0755) }, r[1] = { P(path) };
	struct tc t;
	int i;

	snprintf(path, sizeof(path), "/conc_%d", w->id);
	if (tc_open(&t, "worker") != 0) {
		w->errors++;
		return NULL;
	}
	w->pid = t.pid;
	for (i = 0; i < 50; i++) {
		if (tc_getpid(&t) != t.pid)
			w->errors++;
		if (tc_call(&t, SYS_mkdir, m, 2, NULL) != 0)
			w->errors++;
		if (tc_call(&t, SYS_mkdir, m, 2, NULL) != 17)
			w->errors++;
		if (tc_call(&t, SYS_rmdir, r, 1, NULL) != 0)
			w->errors++;
	}
	tc_close(&t);
	return NULL;
}

TEST(concurrent_64_clients)
{
	pthread_t th[64];
	struct worker_arg w[64];
	int i, j;

	for (i = 0; i < 64; i++) {
		w[i] = (struct worker_arg){ .id = i };
		pthread_create(&th[i], NULL, client_worker, &w[i]);
	}
	for (i = 0; i < 64; i++) {
		pthread_join(th[i], NULL);
		CHECK_EQ(w[i].errors, 0);
	}
	for (i = 0; i < 64; i++)
		for (j = i + 1; j < 64; j++)
			CHECK(w[i].pid != w[j].pid);
	CHECK(server_alive());
}

/* ----------------------------------------- calls in flight, order */

/* A read on an empty pipe waits; a getpid sent after it is answered
 * first; the write then completes the read. */
TEST(pipelined_replies_out_of_order)
{
	char in[8] = { 0 }, out[] = "ping";
	uint64_t r[3], w[3];
	int64_t rv[2];
	struct tc_frame f;
	uint64_t rr, rg, rw;
	int i;
	struct tc t;

	CHECK_EQ(tc_open(&t, "order"), 0);
	CHECK_EQ(tc_call(&t, SYS_pipe, NULL, 0, rv), 0);
	r[0] = I(rv[0]); r[1] = P(in); r[2] = 4;
	w[0] = I(rv[1]); w[1] = P(out); w[2] = 4;
	rr = tc_start(&t, SYS_read, r, 3);
	rg = tc_start(&t, SYS_getpid, NULL, 0);
	CHECK_EQ(tc_await(&t, rg, &f, TC_MS), 0);	/* before the read */
	CHECK_EQ(tc_result(&f, rv), 0);
	CHECK_EQ(rv[0], t.pid);
	free(f.body);
	for (i = 0; i < t.nstash; i++)
		CHECK(t.stash[i].h.reqno != rr);
	rw = tc_start(&t, SYS_write, w, 3);
	CHECK_EQ(tc_await(&t, rr, &f, TC_MS), 0);
	CHECK_EQ(tc_result(&f, rv), 0);
	CHECK_EQ(rv[0], 4);
	CHECK_STR(in, "ping");
	free(f.body);
	CHECK_EQ(tc_await(&t, rw, &f, TC_MS), 0);
	CHECK_EQ(tc_result(&f, rv), 0);
	free(f.body);
	tc_close(&t);
}

/* 64 reads waiting on 64 pipes of one client, then 64 writes. */
TEST(many_calls_in_flight_one_connection)
{
	enum { N = 64 };
	int rfd[N], wfd[N], i;
	char in[N][4], out[] = "abc";
	uint64_t reads[N], a[3];
	int64_t rv[2];
	struct tc_frame f;
	struct tc t;

	CHECK_EQ(tc_open(&t, "inflight"), 0);
	for (i = 0; i < N; i++) {
		CHECK_EQ(tc_call(&t, SYS_pipe, NULL, 0, rv), 0);
		rfd[i] = (int)rv[0];
		wfd[i] = (int)rv[1];
	}
	memset(in, 0, sizeof(in));
	for (i = 0; i < N; i++) {
		a[0] = I(rfd[i]); a[1] = P(in[i]); a[2] = 3;
		reads[i] = tc_start(&t, SYS_read, a, 3);
	}
	usleep(20000);
	for (i = N - 1; i >= 0; i--) {
		a[0] = I(wfd[i]); a[1] = P(out); a[2] = 3;
		CHECK_EQ(tc_call(&t, SYS_write, a, 3, rv), 0);
	}
	for (i = 0; i < N; i++) {
		CHECK_EQ(tc_await(&t, reads[i], &f, TC_MS), 0);
		CHECK_EQ(tc_result(&f, rv), 0);
		CHECK_EQ(rv[0], 3);
		CHECK_STR(in[i], "abc");
		free(f.body);
	}
	tc_close(&t);
}

/* ------------------------------------------------ vanishing clients */

/* §9.4: a client that disconnects while its call waits for a copyin:
 * the call fails, the process goes, another client is served all the
 * while. */
TEST(disconnect_while_copyin_pending)
{
	static char path[] = "/never_made";
	uint64_t a[2] = { P(path), I(0755) };
	struct tc_hdr h;
	uint8_t *body;
	struct tc t, other;
	int pid;

	CHECK_EQ(tc_open(&other, "other"), 0);
	CHECK_EQ(tc_open(&t, "leaver"), 0);
	pid = t.pid;
	tc_start(&t, SYS_mkdir, a, 2);
	CHECK_EQ(tc_recv(t.fd, &h, &body, TC_MS), 0);
	CHECK_EQ(h.type, TC_COPYINSTR);
	free(body);
	CHECK_EQ(tc_getpid(&other), other.pid);	/* meanwhile */
	tc_close(&t);
	CHECK(tc_proc_gone(pid));
	CHECK_ERR(rump_sys_rmdir(path), RUMP_ENOENT);
	CHECK_EQ(tc_getpid(&other), other.pid);
	tc_close(&other);
}

/* A client gone while its call sleeps in the kernel: the sleep is
 * cancelled, the process exits, its pipe end closes. */
TEST(disconnect_while_call_sleeps)
{
	char in[4];
	uint64_t a[3];
	int64_t rv[2];
	struct tc t;
	int pid;

	CHECK_EQ(tc_open(&t, "sleeper"), 0);
	pid = t.pid;
	CHECK_EQ(tc_call(&t, SYS_pipe, NULL, 0, rv), 0);
	a[0] = I(rv[0]); a[1] = P(in); a[2] = sizeof(in);
	tc_start(&t, SYS_read, a, 3);
	usleep(20000);
	tc_close(&t);
	CHECK(tc_proc_gone(pid));
	CHECK(server_alive());
}

/* A client whose host process dies (SIGKILL) in the middle of calls. */
TEST(killed_client_process)
{
	int p[2], pid = 0, st;
	pid_t child;

	CHECK_EQ(pipe(p), 0);
	if ((child = fork()) == 0) {
		struct tc t;
		char in[4];
		uint64_t a[3];
		int64_t rv[2];

		if (tc_open(&t, "victim") != 0)
			_exit(1);
		tc_call(&t, SYS_pipe, NULL, 0, rv);
		a[0] = I(rv[0]); a[1] = P(in); a[2] = 4;
		tc_start(&t, SYS_read, a, 3);
		if (write(p[1], &t.pid, sizeof(t.pid)) != sizeof(t.pid))
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	CHECK_EQ(tc_readn(p[0], &pid, sizeof(pid), TC_MS), 0);
	CHECK(pid > 1);
	usleep(20000);
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
	close(p[0]);
	CHECK(tc_proc_gone(pid));
	CHECK(server_alive());
}

/* ------------------------------------------------- connection limit */

/* §10: 255 connections at most; the 256th is accepted and closed
 * without a banner; a freed slot takes a new client. */
TEST(connection_limit_255)
{
	static int fds[256];
	char buf[128];
	int i, n = 0, extra, ok = 0;

	for (i = 0; i < 255; i++) {
		fds[i] = tc_connect_path(tc_path);
		if (fds[i] >= 0 && tc_banner(fds[i], buf, sizeof(buf)) == 32)
			n++;
	}
	CHECK_EQ(n, 255);
	extra = tc_connect_path(tc_path);
	CHECK(extra >= 0);
	CHECK(tc_wait(extra, TC_MS) == 0);
	CHECK(read(extra, buf, sizeof(buf)) == 0);	/* no banner, EOF */
	close(extra);
	close(fds[0]);
	for (i = 0; i < 100 && !ok; i++) {	/* the server notices */
		usleep(10000);
		extra = tc_connect_path(tc_path);
		ok = extra >= 0 && tc_banner(extra, buf, sizeof(buf)) == 32;
		if (extra >= 0)
			close(extra);
	}
	CHECK(ok);
	for (i = 1; i < 255; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	for (i = 0; i < 100; i++) {
		if (server_alive())
			break;
		usleep(10000);
	}
	CHECK(server_alive());
}

/* Connections that hang up at once, many times over. */
TEST(connect_and_hang_up_churn)
{
	int i, fd;
	struct tc t;

	for (i = 0; i < 300; i++) {
		fd = tc_connect_path(tc_path);
		if (fd >= 0)
			close(fd);
	}
	for (i = 0; i < 50; i++) {
		CHECK_EQ(tc_open(&t, "churn"), 0);
		tc_close(&t);
	}
	CHECK(server_alive());
}
