/*
 * t_sp_bulk: bulk data through the server (sysproxy.md §7): how many
 * copy requests a big write costs, answers read straight into the
 * kernel's memory arriving in any order, cut short, or short, and big
 * reads arriving whole.  The fake client is t_sp_util.h's; file
 * contents are checked from inside the kernel (t_read_file).
 */
#include "t_sp_util.h"

/* The files live on a tmpfs, which moves data a page at a time. */
int
t_boot(void)
{
	struct rump_tmpfs_args ta = { .ta_version = RUMP_TMPFS_ARGS_VERSION,
	    .ta_root_mode = 0777 };
	int error;

	if ((error = tc_boot("bulk")) != 0)
		return error;
	if (rump_sys_mkdir("/bulk", 0777) != 0 ||
	    rump_sys_mount(RUMP_MOUNT_TMPFS, "/bulk", 0, &ta, sizeof(ta)) != 0)
		return errno;
	return 0;
}

#define MIB	(1 << 20)
#define SYS_pread	173

static char *
pattern(size_t len, unsigned seed)
{
	char *b = malloc(len);
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (char)(i * seed + (i >> 12) + 1);
	return b;
}

static int
open_rw(struct tc *t, const char *path)
{
	uint64_t o[3] = { P(path), I(RUMP_O_RDWR | RUMP_O_CREAT |
	    RUMP_O_TRUNC), I(0644) };
	int64_t rv[2];

	if (tc_call(t, SYS_open, o, 3, rv) != 0)
		return -1;
	return (int)rv[0];
}

/* Write len bytes of a pattern in one call; the COPYIN count, or -1. */
static int
copyins_for_write(const char *path, size_t len)
{
	char *buf = pattern(len, 13), *back = malloc(len + 1);
	uint64_t a[3];
	int64_t rv[2];
	struct tc t;
	int fd, n = -1;

	if (tc_open(&t, "bulkw") != 0 || (fd = open_rw(&t, path)) < 0)
		goto out;
	a[0] = I(fd); a[1] = P(buf); a[2] = len;
	t.ncopyin = 0;
	if (tc_call(&t, SYS_write, a, 3, rv) != 0 || rv[0] != (int64_t)len)
		goto out;
	if (t_read_file(path, back, len + 1) != (long)len ||
	    memcmp(buf, back, len) != 0)
		goto out;
	n = t.ncopyin;
out:
	tc_close(&t);
	rump_sys_unlink(path);
	free(buf);
	free(back);
	return n;
}

/* A write is fetched in 1 MiB windows, one COPYIN each: the tail of a
 * window, however small, comes from the window, not from the client. */
TEST(write_one_copyin_per_megabyte)
{
	CHECK_EQ(copyins_for_write("/bulk/a", MIB), 1);
	CHECK_EQ(copyins_for_write("/bulk/b", 3 * MIB), 3);
	CHECK_EQ(copyins_for_write("/bulk/c", 3 * MIB + 123), 4);
	CHECK_EQ(copyins_for_write("/bulk/d", 3 * 4096), 1);
	CHECK_EQ(copyins_for_write("/bulk/e", 100), 1);
}

/* Answer one COPYIN request from our memory, as a client does. */
static void
answer_copyin(struct tc *t, const struct tc_hdr *h, const uint8_t *body)
{
	uint64_t len, addr;

	memcpy(&len, body, 8);
	memcpy(&addr, body + 8, 8);
	tc_send(t->fd, h->reqno, TC_RESP, TC_COPYIN, 0,
	    (const void *)(uintptr_t)addr, (size_t)len);
}

/* Four big writes in flight on one connection, their COPYINs answered
 * in reverse order: each answer lands in its own call's memory. */
TEST(copyin_answers_in_reverse_order)
{
	static char path[4][16] = { "/bulk/r0", "/bulk/r1", "/bulk/r2",
	    "/bulk/r3" };
	struct tc_hdr req[4];
	uint8_t *body[4];
	uint64_t reqno[4], a[3];
	struct tc_frame f;
	char *buf[4], *back = malloc(MIB + 1);
	int64_t rv[2];
	int fd[4], i, got;
	struct tc t;

	CHECK_EQ(tc_open(&t, "rev"), 0);
	for (i = 0; i < 4; i++) {
		buf[i] = pattern(MIB, 3 + 2 * (unsigned)i);
		CHECK((fd[i] = open_rw(&t, path[i])) >= 0);
	}
	for (i = 0; i < 4; i++) {
		a[0] = I(fd[i]); a[1] = P(buf[i]); a[2] = MIB;
		reqno[i] = tc_start(&t, SYS_write, a, 3);
	}
	for (got = 0; got < 4; got++) {
		if (tc_recv(t.fd, &req[got], &body[got], TC_MS) != 0)
			break;
		CHECK_EQ(req[got].class, TC_REQ);
		CHECK_EQ(req[got].type, TC_COPYIN);
		CHECK_EQ(req[got].len, 24 + 16);
		if (req[got].len != 24 + 16) {
			free(body[got]);
			break;
		}
	}
	CHECK_EQ(got, 4);
	for (i = got - 1; i >= 0; i--) {
		answer_copyin(&t, &req[i], body[i]);
		free(body[i]);
	}
	for (i = 0; i < got; i++) {
		CHECK_EQ(tc_await(&t, reqno[i], &f, TC_MS), 0);
		CHECK_EQ(tc_result(&f, rv), 0);
		CHECK_EQ(rv[0], MIB);
		free(f.body);
		CHECK_EQ(t_read_file(path[i], back, MIB + 1), MIB);
		CHECK(memcmp(back, buf[i], MIB) == 0);
	}
	tc_close(&t);
	for (i = 0; i < 4; i++) {
		rump_sys_unlink(path[i]);
		free(buf[i]);
	}
	free(back);
}

/* A big answer one byte short is EFAULT, and nothing is written. */
TEST(short_big_answer_efault)
{
	static char path[] = "/bulk/short";
	char *buf = pattern(2 * MIB, 5), back[16];
	uint64_t a[3];
	int64_t rv[2];
	struct tc t;
	int fd;

	CHECK_EQ(tc_open(&t, "short"), 0);
	CHECK((fd = open_rw(&t, path)) >= 0);
	a[0] = I(fd); a[1] = P(buf); a[2] = 2 * MIB;
	t.mode = TC_SHORT;
	CHECK_EQ(tc_call(&t, SYS_write, a, 3, rv), 14);
	CHECK_EQ(t_read_file(path, back, sizeof(back)), 0);
	t.mode = TC_OK;
	CHECK(tc_getpid(&t) == t.pid);		/* the stream is intact */
	tc_close(&t);
	rump_sys_unlink(path);
	free(buf);
}

/* A client that hangs up halfway through a 1 MiB answer: the call
 * ends (the process goes), and the server serves on.  Under ASan, the
 * kernel memory the answer was going into is not written afterwards. */
TEST(answer_cut_halfway)
{
	static char path[] = "/bulk/cut";
	char *buf = pattern(MIB, 7);
	struct tc_hdr h;
	uint8_t *body;
	uint64_t a[3];
	struct tc t, other;
	int fd, pid, i;

	CHECK_EQ(tc_open(&other, "other"), 0);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(tc_open(&t, "cutter"), 0);
		pid = t.pid;
		CHECK((fd = open_rw(&t, path)) >= 0);
		a[0] = I(fd); a[1] = P(buf); a[2] = MIB;
		tc_start(&t, SYS_write, a, 3);
		CHECK_EQ(tc_recv(t.fd, &h, &body, TC_MS), 0);
		CHECK_EQ(h.type, TC_COPYIN);
		free(body);
		/* the header promises 1 MiB; half of it (or none) follows */
		tc_send_raw(t.fd, 24 + MIB, h.reqno, TC_RESP, TC_COPYIN, 0,
		    buf, i == 0 ? 0 : i == 1 ? 1 : MIB / 2);
		tc_close(&t);
		CHECK(tc_proc_gone(pid));
		CHECK_EQ(tc_getpid(&other), other.pid);
	}
	tc_close(&other);
	rump_sys_unlink(path);
	free(buf);
}

/* Big reads: every COPYOUT before the reply, the data whole. */
TEST(big_read_whole_before_reply)
{
	static char path[] = "/bulk/read";
	size_t len = 5 * MIB + 4097;
	char *buf = pattern(len, 11), *in = calloc(1, len);
	uint64_t a[5] = { 0 };
	int64_t rv[2];
	struct tc t;
	int fd;

	CHECK_EQ(tc_open(&t, "bigr"), 0);
	CHECK((fd = open_rw(&t, path)) >= 0);
	a[0] = I(fd); a[1] = P(buf); a[2] = len;
	CHECK_EQ(tc_call(&t, SYS_write, a, 3, rv), 0);
	CHECK_EQ(rv[0], (int64_t)len);
	/* pread(fd, in, len, 0): a pad slot before the offset */
	a[0] = I(fd); a[1] = P(in); a[2] = len; a[3] = 0;
	t.nlog = 0;
	t.ncopyout = 0;
	CHECK_EQ(tc_call(&t, SYS_pread, a, 5, rv), 0);
	CHECK_EQ(rv[0], (int64_t)len);
	CHECK(memcmp(buf, in, len) == 0);
	CHECK(t.ncopyout >= 6);
	CHECK_EQ(t.nlog, t.ncopyout + 1);
	CHECK_EQ(t.log[t.nlog - 1], 100 + TC_SYSCALL);
	tc_close(&t);
	rump_sys_unlink(path);
	free(buf);
	free(in);
}

/* A client that sends its first call right behind its handshake, in
 * one write: the call waits for the handshake and is answered. */
TEST(call_right_behind_handshake)
{
	uint8_t buf[2 * 24 + 8];
	struct tc_hdr hs = { 24 + 8, 1, TC_REQ, TC_HANDSHAKE, TC_HS_GUEST },
	    gp = { 24, 2, TC_REQ, TC_SYSCALL, SYS_getpid };
	struct tc_frame f;
	int64_t rv[2];
	struct tc t;
	int i;

	for (i = 0; i < 20; i++) {
		CHECK_EQ(tc_open_path(&t, tc_path), 0);
		memcpy(buf, &hs, 24);
		memcpy(buf + 24, "behind\0", 8);
		memcpy(buf + 32, &gp, 24);
		CHECK_EQ(tc_writen(t.fd, buf, sizeof(buf)), 0);
		CHECK_EQ(tc_await(&t, 1, &f, TC_MS), 0);
		CHECK_EQ(f.h.class, TC_RESP);
		free(f.body);
		CHECK_EQ(tc_await(&t, 2, &f, TC_MS), 0);
		CHECK_EQ(tc_result(&f, rv), 0);
		CHECK(rv[0] > 1);
		free(f.body);
		tc_close(&t);
	}
}

/* Three hundred calls in one write (more than the server reads from
 * one client per round, and more than its read-ahead holds): every
 * one is answered. */
TEST(three_hundred_calls_in_one_write)
{
	enum { N = 300 };
	static struct tc_hdr h[N];
	struct tc_frame f;
	int64_t rv[2];
	struct tc t;
	int i, ok = 0;

	CHECK_EQ(tc_open(&t, "burst"), 0);
	for (i = 0; i < N; i++)
		h[i] = (struct tc_hdr){ 24, t.reqno + (uint64_t)i, TC_REQ,
		    TC_SYSCALL, SYS_getpid };
	CHECK_EQ(tc_writen(t.fd, h, sizeof(h)), 0);
	for (i = 0; i < N; i++) {
		if (tc_await(&t, t.reqno + (uint64_t)i, &f, TC_MS) != 0)
			break;
		if (tc_result(&f, rv) == 0 && rv[0] == t.pid)
			ok++;
		free(f.body);
	}
	CHECK_EQ(ok, N);
	tc_close(&t);
}
