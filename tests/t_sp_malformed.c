/*
 * t_sp_malformed: every row of the spec's malformed-input table
 * (sysproxy.md §10) has its defined outcome: an ERROR frame and the
 * connection kept, an ERROR frame and the connection closed, a silent
 * drop, or a disconnect.  Whatever one client sends, the others and
 * the server carry on (checked at the end of each test).
 */
#include "t_sp_util.h"

int
t_boot(void)
{
	return tc_boot("malf");
}

/* The server still serves a fresh client. */
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

/* Expect an ERROR frame with `code` for `reqno`. */
static void
expect_error(struct tc *t, uint64_t reqno, int code)
{
	struct tc_frame f;

	CHECK_EQ(tc_await(t, reqno, &f, TC_MS), 0);
	CHECK_EQ(f.h.class, TC_ERROR);
	CHECK_EQ(f.h.len, 24);
	CHECK_EQ(f.h.type, 0);
	CHECK_EQ(f.h.u, code);
	free(f.body);
}

/* A new, banner-read connection (state NEW). */
static void
open_new(struct tc *t)
{
	CHECK_EQ(tc_open_path(t, tc_path), 0);
}

/* ----------------------------------------------------- lengths */

/* rsp_len < 24: disconnect, in NEW and in RUNNING. */
TEST(len_below_24_disconnects_new)
{
	struct tc t;

	open_new(&t);
	tc_send_raw(t.fd, 23, 1, TC_REQ, TC_HANDSHAKE, 0, NULL, 0);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
	CHECK(server_alive());
}

TEST(len_below_24_disconnects_running)
{
	struct tc t;
	int pid;

	CHECK_EQ(tc_open(&t, "short"), 0);
	pid = t.pid;
	tc_send_raw(t.fd, 0, 5, TC_REQ, TC_SYSCALL, SYS_getpid, NULL, 0);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
	CHECK(tc_proc_gone(pid));
	CHECK(server_alive());
}

/* A request frame above the cap (24 + 64 KiB) is refused before its
 * body is read: disconnect. */
TEST(oversized_request_disconnects)
{
	struct tc t;

	CHECK_EQ(tc_open(&t, "big"), 0);
	tc_send_raw(t.fd, 24 + 65536 + 1, 9, TC_REQ, TC_SYSCALL, SYS_getpid,
	    NULL, 0);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
	CHECK(server_alive());
}

TEST(oversized_handshake_disconnects)
{
	struct tc t;

	open_new(&t);
	tc_send_raw(t.fd, 24 + 65536 + 1, 1, TC_REQ, TC_HANDSHAKE,
	    TC_HS_GUEST, NULL, 0);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
}

TEST(huge_length_disconnects)
{
	struct tc t;

	CHECK_EQ(tc_open(&t, "huge"), 0);
	tc_send_raw(t.fd, UINT64_MAX, 9, TC_REQ, TC_SYSCALL, SYS_getpid,
	    NULL, 0);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
	CHECK(server_alive());
}

/* Exactly at the cap: accepted (excess argument bytes ignored). */
TEST(request_at_cap_accepted)
{
	uint8_t *body = calloc(1, 65536);
	int64_t rv[2];
	struct tc_frame f;
	struct tc t;

	CHECK_EQ(tc_open(&t, "cap"), 0);
	tc_send(t.fd, 77, TC_REQ, TC_SYSCALL, SYS_getpid, body, 65536);
	CHECK_EQ(tc_await(&t, 77, &f, TC_MS), 0);
	CHECK_EQ(tc_result(&f, rv), 0);
	CHECK_EQ(rv[0], t.pid);
	free(f.body);
	tc_close(&t);
	free(body);
}

/* ------------------------------------------------------ classes */

/* An ERROR frame from the client: MALFORMED_REQUEST, kept. */
TEST(error_class_from_client_malformed_kept)
{
	struct tc t;

	CHECK_EQ(tc_open(&t, "errc"), 0);
	tc_send(t.fd, 42, TC_ERROR, 0, TC_E_AUTH, NULL, 0);
	expect_error(&t, 42, TC_E_MALFORMED);
	CHECK_EQ(tc_getpid(&t), t.pid);
	tc_close(&t);
}

/* An unknown class (say 7): MALFORMED_REQUEST, kept; even in NEW. */
TEST(unknown_class_malformed_kept)
{
	struct tc t;

	open_new(&t);
	tc_send(t.fd, 43, 7, TC_SYSCALL, SYS_getpid, NULL, 0);
	expect_error(&t, 43, TC_E_MALFORMED);
	CHECK_EQ(tc_handshake(&t, TC_HS_GUEST, "late", 5), 0);
	CHECK(tc_getpid(&t) > 1);
	tc_close(&t);
}

/* A RESP nobody asked for is dropped silently, in NEW and RUNNING. */
TEST(unsolicited_resp_dropped)
{
	char junk[100];
	struct tc t;

	memset(junk, 'j', sizeof(junk));
	open_new(&t);
	tc_send(t.fd, 12345, TC_RESP, TC_COPYIN, 0, junk, sizeof(junk));
	CHECK(tc_quiet(t.fd, 100));
	CHECK_EQ(tc_handshake(&t, TC_HS_GUEST, "resp", 5), 0);
	tc_send(t.fd, 999, TC_RESP, TC_SYSCALL, 0, junk, sizeof(junk));
	tc_send(t.fd, 0, TC_RESP, TC_ANONMMAP, 0, NULL, 0);
	CHECK(tc_quiet(t.fd, 100));
	CHECK(tc_getpid(&t) > 1);
	tc_close(&t);
}

/* An unsolicited RESP is still held to the request cap. */
TEST(unsolicited_resp_oversized_disconnects)
{
	struct tc t;

	CHECK_EQ(tc_open(&t, "bigresp"), 0);
	tc_send_raw(t.fd, 24 + 65536 + 1, 31337, TC_RESP, TC_COPYIN, 0,
	    NULL, 0);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
	CHECK(server_alive());
}

/* An answer longer than the copy asked for: disconnect; the call that
 * waited is cancelled, and the server carries on. */
TEST(copy_answer_longer_than_asked_disconnects)
{
	static char path[] = "/long_answer";
	uint64_t a[2] = { P(path), I(0755) };
	struct tc t;
	int pid;

	CHECK_EQ(tc_open(&t, "longans"), 0);
	pid = t.pid;
	t.mode = TC_LONG;
	CHECK_EQ(tc_call(&t, SYS_mkdir, a, 2, NULL), TC_EOF);
	tc_close(&t);
	CHECK(tc_proc_gone(pid));
	CHECK_ERR(rump_sys_rmdir(path), RUMP_ENOENT);
	CHECK(server_alive());
}

/* ---------------------------------------------------- state NEW */

/* NEW + a non-handshake request: ERROR AUTH, then shutdown. */
TEST(new_syscall_auth_shutdown)
{
	struct tc t;

	open_new(&t);
	tc_send(t.fd, 5, TC_REQ, TC_SYSCALL, SYS_getpid, NULL, 0);
	expect_error(&t, 5, TC_E_AUTH);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
	CHECK(server_alive());
}

TEST(new_prefork_auth_shutdown)
{
	struct tc t;

	open_new(&t);
	tc_send(t.fd, 6, TC_REQ, TC_PREFORK, 0, NULL, 0);
	expect_error(&t, 6, TC_E_AUTH);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
}

TEST(new_req_copyin_auth_shutdown)
{
	struct tc t;

	open_new(&t);
	tc_send(t.fd, 7, TC_REQ, TC_COPYIN, 0, NULL, 0);
	expect_error(&t, 7, TC_E_AUTH);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
}

/* NEW + handshake AUTH, EXEC or unknown: ERROR AUTH, shutdown. */
TEST(new_handshake_auth_refused)
{
	struct tc t;

	open_new(&t);
	CHECK_EQ(tc_handshake(&t, TC_HS_AUTH, "x", 2),
	    TC_ERRFRAME + TC_E_AUTH);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
}

TEST(new_handshake_exec_refused)
{
	struct tc t;

	open_new(&t);
	CHECK_EQ(tc_handshake(&t, TC_HS_EXEC, "x", 2),
	    TC_ERRFRAME + TC_E_AUTH);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
}

TEST(new_handshake_unknown_refused)
{
	struct tc t;

	open_new(&t);
	CHECK_EQ(tc_handshake(&t, 99, "x", 2), TC_ERRFRAME + TC_E_AUTH);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
	open_new(&t);
	CHECK_EQ(tc_handshake(&t, 0x80000000u, NULL, 0),
	    TC_ERRFRAME + TC_E_AUTH);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
}

/* FORK with a body of other than 20 bytes: MALFORMED, shutdown. */
TEST(fork_body_not_20_malformed)
{
	uint8_t body[21];
	size_t sizes[] = { 0, 16, 19, 21 };
	unsigned i;
	struct tc t;

	memset(body, 0, sizeof(body));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		open_new(&t);
		CHECK_EQ(tc_handshake(&t, TC_HS_FORK, sizes[i] ? body : NULL,
		    sizes[i]), TC_ERRFRAME + TC_E_MALFORMED);
		CHECK(tc_eof(t.fd, TC_MS));
		tc_close(&t);
	}
	CHECK(server_alive());
}

/* FORK with a cookie nobody issued: INVALID_PREFORK, shutdown. */
TEST(fork_unknown_cookie_invalid_prefork)
{
	uint8_t body[20];
	struct tc t;

	memset(body, 0x5a, sizeof(body));
	memset(body + 16, 0, 4);
	open_new(&t);
	CHECK_EQ(tc_handshake(&t, TC_HS_FORK, body, sizeof(body)),
	    TC_ERRFRAME + TC_E_INVALID_PREFORK);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
}

/* ------------------------------------------------ state RUNNING */

/* RUNNING + GUEST again: MALFORMED, shutdown. */
TEST(running_guest_again_malformed_shutdown)
{
	struct tc t;
	int pid;

	CHECK_EQ(tc_open(&t, "again"), 0);
	pid = t.pid;
	CHECK_EQ(tc_handshake(&t, TC_HS_GUEST, "again", 6),
	    TC_ERRFRAME + TC_E_MALFORMED);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
	CHECK(tc_proc_gone(pid));
}

TEST(running_fork_and_auth_malformed_shutdown)
{
	uint8_t body[20];
	struct tc t;

	memset(body, 0, sizeof(body));
	CHECK_EQ(tc_open(&t, "fork2"), 0);
	CHECK_EQ(tc_handshake(&t, TC_HS_FORK, body, sizeof(body)),
	    TC_ERRFRAME + TC_E_MALFORMED);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
	CHECK_EQ(tc_open(&t, "auth2"), 0);
	CHECK_EQ(tc_handshake(&t, TC_HS_AUTH, NULL, 0),
	    TC_ERRFRAME + TC_E_MALFORMED);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
}

/* RUNNING + a REQ of one of the server's own types (or unknown):
 * MALFORMED, connection kept. */
TEST(running_server_request_types_malformed_kept)
{
	uint16_t types[] = { TC_COPYIN, TC_COPYINSTR, TC_COPYOUT,
	    TC_COPYOUTSTR, TC_ANONMMAP, TC_RAISE, 9, 99, 0xffff };
	uint8_t body[16];
	unsigned i;
	struct tc t;

	memset(body, 0, sizeof(body));
	CHECK_EQ(tc_open(&t, "types"), 0);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		tc_send(t.fd, 100 + i, TC_REQ, types[i], 0, body,
		    sizeof(body));
		expect_error(&t, 100 + i, TC_E_MALFORMED);
	}
	CHECK_EQ(tc_getpid(&t), t.pid);
	tc_close(&t);
}

/* §5.2: system call numbers >= 512, and "negative" ones: ENOSYS. */
TEST(sysnum_out_of_table_enosys)
{
	uint32_t nums[] = { 512, 513, 4096, 0x7fffffff, 0x80000000u,
	    0xffffffffu };
	unsigned i;
	int64_t rv[2];
	struct tc t;

	CHECK_EQ(tc_open(&t, "enosys"), 0);
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		rv[0] = rv[1] = 7;
		CHECK_EQ(tc_call(&t, (int)nums[i], NULL, 0, rv), 78);
		CHECK_EQ(rv[0], 0);
		CHECK_EQ(rv[1], 0);
	}
	CHECK_EQ(tc_getpid(&t), t.pid);
	tc_close(&t);
}

/* Numbers inside the table that nothing implements: ENOSYS; 0 too. */
TEST(sysnum_unimplemented_enosys)
{
	struct tc t;

	CHECK_EQ(tc_open(&t, "unimpl"), 0);
	CHECK_EQ(tc_call(&t, 0, NULL, 0, NULL), 78);
	CHECK_EQ(tc_call(&t, 511, NULL, 0, NULL), 78);
	tc_close(&t);
}

/* PREFORK with a body: the body is ignored. */
TEST(prefork_body_ignored)
{
	struct tc_frame f;
	uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct tc t;

	CHECK_EQ(tc_open(&t, "pfbody"), 0);
	tc_send(t.fd, 50, TC_REQ, TC_PREFORK, 0, junk, sizeof(junk));
	CHECK_EQ(tc_await(&t, 50, &f, TC_MS), 0);
	CHECK_EQ(f.h.class, TC_RESP);
	CHECK_EQ(f.h.type, TC_PREFORK);
	CHECK_EQ(f.h.len, 40);
	free(f.body);
	tc_close(&t);
}

/* A client that sends half a frame and hangs up. */
TEST(truncated_frame_then_eof)
{
	struct tc t;
	int pid;

	CHECK_EQ(tc_open(&t, "trunc"), 0);
	pid = t.pid;
	tc_send_raw(t.fd, 24 + 16, 3, TC_REQ, TC_SYSCALL, SYS_mkdir,
	    "12345678", 8);
	shutdown(t.fd, SHUT_WR);
	CHECK(tc_eof(t.fd, TC_MS));
	tc_close(&t);
	CHECK(tc_proc_gone(pid));
	CHECK(server_alive());
}

/* A frame sent one byte per write is read like any other. */
TEST(frame_byte_by_byte)
{
	static char path[] = "/bytewise";
	uint64_t a[2] = { P(path), I(0755) };
	struct tc_hdr h = { 24 + 16, 61, TC_REQ, TC_SYSCALL, SYS_mkdir };
	uint8_t buf[40];
	struct tc_frame f;
	unsigned i;
	struct tc t;

	memcpy(buf, &h, 24);
	memcpy(buf + 24, a, 16);
	CHECK_EQ(tc_open(&t, "bytes"), 0);
	for (i = 0; i < sizeof(buf); i++) {
		CHECK_EQ(tc_writen(t.fd, buf + i, 1), 0);
		usleep(500);
	}
	CHECK_EQ(tc_await(&t, 61, &f, TC_MS), 0);
	CHECK_EQ(tc_result(&f, NULL), 0);
	free(f.body);
	tc_close(&t);
	CHECK_OK(rump_sys_rmdir(path));
}

/* A client that floods malformed frames without reading its replies
 * is cut off when they pile up; the server stays responsive. */
TEST(error_flood_without_reading)
{
	uint8_t frame[24];
	struct tc_hdr h = { 24, 1, TC_ERROR, 0, 0 };
	struct tc t;
	int i, n = 0, sndbuf = 1 << 20;

	CHECK_EQ(tc_open(&t, "flood"), 0);
	setsockopt(t.fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	memcpy(frame, &h, 24);
	/* 400000 frames: 9.6 MB of ERROR replies nobody reads */
	for (i = 0; i < 400000; i++) {
		if (send(t.fd, frame, 24, MSG_NOSIGNAL | MSG_DONTWAIT) != 24) {
			struct pollfd pfd = { t.fd, POLLOUT, 0 };

			if (poll(&pfd, 1, 2000) != 1 ||
			    (pfd.revents & (POLLERR | POLLHUP)))
				break;
			i--;
			continue;
		}
		n++;
		if (i % 50000 == 0)
			CHECK(server_alive());
	}
	CHECK(n > 0);
	CHECK(i < 400000);		/* cut off before the end */
	CHECK(server_alive());
	tc_close(&t);
}
