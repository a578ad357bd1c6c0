/*
 * t_sp_proto: the sysproxy server speaks the protocol of the spec
 * byte for byte (sysproxy.md §2-§8): banner, handshake, system calls
 * with their copy round trips, and the per-client process.
 */
#include "t_sp_util.h"

int
t_boot(void)
{
	return tc_boot("proto");
}

static const uint8_t spec_banner[32] = {
	0x52, 0x55, 0x4d, 0x50, 0x53, 0x50, 0x2d, 0x30, 0x2e, 0x34, 0x2d,
	0x4e, 0x65, 0x74, 0x42, 0x53, 0x44, 0x2d, 0x37, 0x2e, 0x39, 0x39,
	0x2e, 0x33, 0x34, 0x2f, 0x61, 0x6d, 0x64, 0x36, 0x34, 0x0a,
};

/* §8: "RUMPSP-0.4-NetBSD-7.99.34/amd64\n", 32 bytes, one write. */
TEST(banner_is_spec_bytes)
{
	char buf[128];
	int fd = tc_connect_path(tc_path);

	CHECK(fd >= 0);
	CHECK_EQ(tc_banner(fd, buf, sizeof(buf)), 32);
	CHECK(memcmp(buf, spec_banner, 32) == 0);
	close(fd);
}

/* §2: nothing follows the banner until the client speaks. */
TEST(banner_then_silence)
{
	char buf[128];
	int fd = tc_connect_path(tc_path);

	CHECK(fd >= 0);
	CHECK_EQ(tc_banner(fd, buf, sizeof(buf)), 32);
	CHECK(tc_quiet(fd, 200));
	close(fd);
}

/* §8: the GUEST handshake for "getpid" and its 28-byte answer. */
TEST(guest_handshake_spec_bytes)
{
	static const uint8_t req[31] = {
		0x1f, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 'g', 'e', 't', 'p', 'i', 'd', 0 };
	static const uint8_t resp[28] = {
		0x1c, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0,
		0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t got[28];
	char buf[128];
	int fd = tc_connect_path(tc_path);

	CHECK(fd >= 0);
	CHECK_EQ(tc_banner(fd, buf, sizeof(buf)), 32);
	CHECK_EQ(tc_writen(fd, req, sizeof(req)), 0);
	CHECK_EQ(tc_readn(fd, got, sizeof(got), TC_MS), 0);
	CHECK(memcmp(got, resp, sizeof(resp)) == 0);
	CHECK(tc_quiet(fd, 100));
	close(fd);
}

/* §8.1: getpid with an empty body; error 0, pad 0, {pid, 1}. */
TEST(getpid_spec_bytes)
{
	static const uint8_t req[24] = {
		0x18, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0x01, 0, 0x14, 0, 0, 0 };
	static const uint8_t head[32] = {
		0x30, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0,
		0x01, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t got[48];
	int64_t pid, ppid;
	struct tc t;

	CHECK_EQ(tc_open_path(&t, tc_path), 0);
	CHECK_EQ(tc_handshake(&t, TC_HS_GUEST, "getpid", 7), 0);
	CHECK_EQ(tc_writen(t.fd, req, sizeof(req)), 0);
	CHECK_EQ(tc_readn(t.fd, got, sizeof(got), TC_MS), 0);
	CHECK(memcmp(got, head, sizeof(head)) == 0);
	memcpy(&pid, got + 32, 8);
	memcpy(&ppid, got + 40, 8);
	CHECK(pid > 1);
	CHECK_EQ(ppid, 1);
	tc_close(&t);
}

/* §8.2: mkdir("/x"-like path, 0755): the COPYINSTR request asks for
 * 1024 bytes at the client's address with the server's reqno 0; the
 * answer is a COPYIN-typed RESP; then the call's reply. */
TEST(mkdir_copyinstr_spec_bytes)
{
	static char path[] = "/spec_x";
	uint64_t args[2] = { P(path), I(0755) };
	uint8_t got[40], exp[40], resp[48];
	uint64_t v;
	struct tc t;

	CHECK_EQ(tc_open(&t, "mkdir"), 0);
	tc_send(t.fd, 3, TC_REQ, TC_SYSCALL, SYS_mkdir, args, sizeof(args));
	CHECK_EQ(tc_readn(t.fd, got, sizeof(got), TC_MS), 0);
	memset(exp, 0, sizeof(exp));
	exp[0] = 0x28;			/* len 40 */
	/* reqno 0: the server's first request on this connection */
	exp[18] = 0x03;			/* class REQ, type COPYINSTR */
	v = 1024;
	memcpy(exp + 24, &v, 8);
	v = P(path);
	memcpy(exp + 32, &v, 8);
	CHECK(memcmp(got, exp, sizeof(exp)) == 0);
	/* answer: reqno 0, class RESP, type COPYIN, "/spec_x\0" */
	tc_send(t.fd, 0, TC_RESP, TC_COPYIN, 0, path, sizeof(path));
	CHECK_EQ(tc_readn(t.fd, resp, sizeof(resp), TC_MS), 0);
	memset(exp, 0, sizeof(exp));
	exp[0] = 0x30;
	exp[8] = 0x03;
	exp[16] = 0x01;
	exp[18] = 0x01;
	CHECK(memcmp(resp, exp, 24) == 0);
	memset(exp, 0, sizeof(exp));
	CHECK(memcmp(resp + 24, exp, 24) == 0);	/* error 0, pad, {0, 0} */
	tc_close(&t);
	CHECK_OK(rump_sys_rmdir(path));
}

/* §8.2: the same mkdir again: error 17 (EEXIST), NetBSD's number. */
TEST(mkdir_twice_eexist_17)
{
	static char path[] = "/spec_eexist";
	uint64_t args[2] = { P(path), I(0755) };
	struct tc t;

	CHECK_EQ(tc_open(&t, "mkdir"), 0);
	CHECK_EQ(tc_call(&t, SYS_mkdir, args, 2, NULL), 0);
	CHECK_EQ(tc_call(&t, SYS_mkdir, args, 2, NULL), 17);
	CHECK_EQ(t.ncopyinstr, 2);
	tc_close(&t);
	CHECK_OK(rump_sys_rmdir(path));
}

/* §3.1: the padding after rsys_error is zero (NetBSD leaves it
 * uninitialised; we do not). */
TEST(sysresp_pad_zero)
{
	struct tc_frame f;
	uint64_t r;
	int32_t pad;
	struct tc t;

	CHECK_EQ(tc_open(&t, "pad"), 0);
	r = tc_start(&t, SYS_getuid, NULL, 0);
	CHECK_EQ(tc_await(&t, r, &f, TC_MS), 0);
	CHECK_EQ(f.h.len, 48);
	CHECK_EQ(f.h.u, 0);
	memcpy(&pad, f.body + 4, 4);
	CHECK_EQ(pad, 0);
	free(f.body);
	tc_close(&t);
}

/* §3: the reply carries the request's reqno, whatever it is. */
TEST(reqno_echoed)
{
	struct tc_frame f;
	struct tc t;

	CHECK_EQ(tc_open(&t, "reqno"), 0);
	tc_send(t.fd, 0xdeadbeef12345678ULL, TC_REQ, TC_SYSCALL, SYS_getpid,
	    NULL, 0);
	CHECK_EQ(tc_await(&t, 0xdeadbeef12345678ULL, &f, TC_MS), 0);
	CHECK_EQ(f.h.class, TC_RESP);
	CHECK_EQ(f.h.type, TC_SYSCALL);
	free(f.body);
	tc_close(&t);
}

/* §3: the server numbers its own requests 0, 1, 2 ... per connection. */
TEST(server_reqnos_count_from_zero)
{
	static char a[] = "/reqno_a", b[] = "/reqno_b";
	uint64_t x[2] = { P(a), I(0755) }, y[2] = { P(b), I(0755) };
	struct tc t;

	CHECK_EQ(tc_open(&t, "reqnos"), 0);
	CHECK_EQ(tc_call(&t, SYS_mkdir, x, 2, NULL), 0);
	CHECK_EQ(t.lastsrvreq, 0);
	CHECK_EQ(tc_call(&t, SYS_mkdir, y, 2, NULL), 0);
	CHECK_EQ(t.lastsrvreq, 1);
	tc_close(&t);
	rump_sys_rmdir(a);
	rump_sys_rmdir(b);
}

/* §5.3: getuid gives {0, 0} (root, euid root); getppid 1. */
TEST(getuid_and_getppid)
{
	int64_t rv[2] = { -1, -1 };
	struct tc t;

	CHECK_EQ(tc_open(&t, "uid"), 0);
	CHECK_EQ(tc_call(&t, SYS_getuid, NULL, 0, rv), 0);
	CHECK_EQ(rv[0], 0);
	CHECK_EQ(rv[1], 0);
	CHECK_EQ(tc_call(&t, SYS_getppid, NULL, 0, rv), 0);
	CHECK_EQ(rv[0], 1);
	tc_close(&t);
}

/* §5.3: pipe returns both descriptors in retval. */
TEST(pipe_two_retvals)
{
	int64_t rv[2] = { -1, -1 };
	struct tc t;

	CHECK_EQ(tc_open(&t, "pipe"), 0);
	CHECK_EQ(tc_call(&t, SYS_pipe, NULL, 0, rv), 0);
	CHECK_EQ(rv[0], 3);		/* 0-2 are the console */
	CHECK_EQ(rv[1], 4);
	tc_close(&t);
}

/* §4.1: fds 0, 1 and 2 are the console, write-only. */
TEST(console_on_012)
{
	uint64_t a[3];
	int64_t rv[2];
	int fd;
	struct tc t;

	CHECK_EQ(tc_open(&t, "cons"), 0);
	for (fd = 0; fd < 3; fd++) {
		a[0] = I(fd);
		a[1] = I(RUMP_F_GETFL);
		a[2] = 0;
		CHECK_EQ(tc_call(&t, SYS_fcntl, a, 3, rv), 0);
		CHECK_EQ(rv[0] & RUMP_O_ACCMODE, RUMP_O_WRONLY);
	}
	a[0] = I(3);
	CHECK_EQ(tc_call(&t, SYS_fcntl, a, 3, rv), 9);	/* EBADF */
	tc_close(&t);
}

/* §8.2: new processes inherit init's umask 022. */
TEST(umask_022)
{
	uint64_t a[1] = { I(0) };
	int64_t rv[2];
	struct tc t;

	CHECK_EQ(tc_open(&t, "umask"), 0);
	CHECK_EQ(tc_call(&t, SYS_umask, a, 1, rv), 0);
	CHECK_EQ(rv[0], 022);
	tc_close(&t);
}

/* §7: write's data is fetched with COPYIN, read's returned with
 * COPYOUT before the call's reply. */
TEST(write_read_copy_round_trip)
{
	static char path[] = "/rw_file";
	char out[] = "hello, sysproxy", in[64];
	uint64_t o[3] = { P(path), I(RUMP_O_RDWR | RUMP_O_CREAT), I(0644) };
	uint64_t w[3], s[4], r[3];
	int64_t rv[2];
	int i, fd;
	struct tc t;

	CHECK_EQ(tc_open(&t, "rw"), 0);
	CHECK_EQ(tc_call(&t, SYS_open, o, 3, rv), 0);
	fd = (int)rv[0];
	w[0] = I(fd); w[1] = P(out); w[2] = sizeof(out);
	CHECK_EQ(tc_call(&t, SYS_write, w, 3, rv), 0);
	CHECK_EQ(rv[0], (int64_t)sizeof(out));
	CHECK(t.ncopyin >= 1);
	s[0] = I(fd); s[1] = 0; s[2] = 0; s[3] = I(0);	/* PAD slot */
	CHECK_EQ(tc_call(&t, SYS_lseek, s, 4, rv), 0);
	memset(in, 0, sizeof(in));
	t.nlog = 0;
	r[0] = I(fd); r[1] = P(in); r[2] = sizeof(in);
	CHECK_EQ(tc_call(&t, SYS_read, r, 3, rv), 0);
	CHECK_EQ(rv[0], (int64_t)sizeof(out));
	CHECK_STR(in, out);
	/* every COPYOUT came before the reply */
	CHECK(t.nlog >= 2);
	for (i = 0; i < t.nlog - 1; i++)
		CHECK_EQ(t.log[i], TC_COPYOUT);
	CHECK_EQ(t.log[t.nlog - 1], 100 + TC_SYSCALL);
	tc_close(&t);
	rump_sys_unlink(path);
}

/* Big reads arrive as several COPYOUT frames, all before the reply. */
TEST(large_read_copyout_chunks)
{
	static char path[] = "/big_file";
	size_t len = 1 << 20;
	char *buf = malloc(len), *in = malloc(len);
	uint64_t o[3] = { P(path), I(RUMP_O_RDWR | RUMP_O_CREAT), I(0644) };
	uint64_t a[3], s[4];
	int64_t rv[2];
	size_t i;
	int fd;
	struct tc t;

	for (i = 0; i < len; i++)
		buf[i] = (char)(i * 7 + 3);
	memset(in, 0, len);
	CHECK_EQ(tc_open(&t, "big"), 0);
	CHECK_EQ(tc_call(&t, SYS_open, o, 3, rv), 0);
	fd = (int)rv[0];
	a[0] = I(fd); a[1] = P(buf); a[2] = len;
	CHECK_EQ(tc_call(&t, SYS_write, a, 3, rv), 0);
	CHECK_EQ(rv[0], (int64_t)len);
	s[0] = I(fd); s[1] = 0; s[2] = 0; s[3] = I(0);
	CHECK_EQ(tc_call(&t, SYS_lseek, s, 4, rv), 0);
	t.nlog = 0;
	t.ncopyout = 0;
	a[1] = P(in);
	CHECK_EQ(tc_call(&t, SYS_read, a, 3, rv), 0);
	CHECK_EQ(rv[0], (int64_t)len);
	CHECK(memcmp(buf, in, len) == 0);
	CHECK(t.ncopyout >= 4);		/* at most 256 KiB each */
	CHECK_EQ(t.log[t.nlog - 1], 100 + TC_SYSCALL);
	tc_close(&t);
	rump_sys_unlink(path);
	free(buf);
	free(in);
}

/* Each connection is its own process with its own pid and cwd. */
TEST(each_connection_own_process)
{
	static char d[] = "/own_cwd", dot[] = ".", sub[] = "sub";
	uint64_t m[2] = { P(d), I(0755) }, c[1] = { P(d) };
	uint64_t ms[2] = { P(sub), I(0755) };
	struct tc a, b;

	CHECK_EQ(tc_open(&a, "a"), 0);
	CHECK_EQ(tc_open(&b, "b"), 0);
	CHECK(a.pid != b.pid);
	CHECK_EQ(tc_call(&a, SYS_mkdir, m, 2, NULL), 0);
	CHECK_EQ(tc_call(&a, SYS_chdir, c, 1, NULL), 0);
	CHECK_EQ(tc_call(&a, SYS_mkdir, ms, 2, NULL), 0);	/* /own_cwd/sub */
	CHECK_EQ(tc_call(&b, SYS_mkdir, ms, 2, NULL), 0);	/* /sub */
	(void)dot;
	tc_close(&a);
	tc_close(&b);
	CHECK_OK(rump_sys_rmdir("/own_cwd/sub"));
	CHECK_OK(rump_sys_rmdir("/own_cwd"));
	CHECK_OK(rump_sys_rmdir("/sub"));
}

/* §4.1: p_comm is the handshake's name, at most 16 characters. */
TEST(guest_comm_truncated_16)
{
	static const char name[] = "a_very_long_program_name_indeed";
	char comm[17];
	struct tc t;

	CHECK_EQ(tc_open(&t, name), 0);
	tc_comm(t.pid, comm);
	CHECK_STR(comm, "a_very_long_prog");
	tc_close(&t);
}

/* §4.1: an empty GUEST body is an empty name, not a crash. */
TEST(guest_empty_body)
{
	char comm[17] = "x";
	struct tc t;

	CHECK_EQ(tc_open_path(&t, tc_path), 0);
	CHECK_EQ(tc_handshake(&t, TC_HS_GUEST, NULL, 0), 0);
	t.pid = tc_getpid(&t);
	CHECK(t.pid > 1);
	tc_comm(t.pid, comm);
	CHECK_STR(comm, "");
	tc_close(&t);
}

/* §4.1: a name without its NUL is taken as is. */
TEST(guest_body_without_nul)
{
	char comm[17];
	struct tc t;

	CHECK_EQ(tc_open_path(&t, tc_path), 0);
	CHECK_EQ(tc_handshake(&t, TC_HS_GUEST, "abc", 3), 0);
	t.pid = tc_getpid(&t);
	tc_comm(t.pid, comm);
	CHECK_STR(comm, "abc");
	tc_close(&t);
}

/* §9.4: when the client goes, its process exits, descriptors closed. */
TEST(disconnect_releases_process)
{
	int64_t rv[2];
	int pid;
	struct tc t;

	CHECK_EQ(tc_open(&t, "bye"), 0);
	CHECK_EQ(tc_call(&t, SYS_pipe, NULL, 0, rv), 0);
	pid = t.pid;
	CHECK(tc_pid_alive(pid));
	tc_close(&t);
	CHECK(tc_proc_gone(pid));
}

/* §5.1: missing argument slots read as zero: mkdir with only the
 * path slot makes a directory with mode 0. */
TEST(short_body_slots_zero)
{
	static char path[] = "/short_body";
	uint64_t a[1] = { P(path) };
	struct rump_stat st;
	struct tc t;

	CHECK_EQ(tc_open(&t, "short"), 0);
	CHECK_EQ(tc_call(&t, SYS_mkdir, a, 1, NULL), 0);
	CHECK_OK(rump_sys_stat(path, (struct stat *)&st));
	CHECK_EQ(st.st_mode & 07777, 0);
	tc_close(&t);
	CHECK_OK(rump_sys_rmdir(path));
}

/* §5.1: bytes past the arguments are ignored. */
TEST(excess_body_ignored)
{
	static char path[] = "/excess_body";
	uint64_t a[8] = { P(path), I(0700), 1, 2, 3, 4, 5, 6 };
	struct rump_stat st;
	struct tc t;

	CHECK_EQ(tc_open(&t, "excess"), 0);
	CHECK_EQ(tc_call(&t, SYS_mkdir, a, 8, NULL), 0);
	CHECK_OK(rump_sys_stat(path, (struct stat *)&st));
	CHECK_EQ(st.st_mode & 07777, 0700);
	tc_close(&t);
	CHECK_OK(rump_sys_rmdir(path));
}

/* §5.1 / §10: an empty body for a call that needs arguments is all
 * zero arguments: open(NULL) is EFAULT, without a copy request. */
TEST(empty_body_zero_args)
{
	struct tc t;

	CHECK_EQ(tc_open(&t, "empty"), 0);
	CHECK_EQ(tc_call(&t, SYS_open, NULL, 0, NULL), 14);
	CHECK_EQ(tc_call(&t, SYS_mkdir, NULL, 0, NULL), 14);
	CHECK(tc_call(&t, SYS_write, NULL, 0, NULL) >= 0);	/* fd 0, 0 bytes */
	CHECK_EQ(t.ncopyin + t.ncopyinstr, 0);
	CHECK(tc_getpid(&t) == t.pid);
	tc_close(&t);
}

/* §7: a NULL address with a length is EFAULT with no frame sent; a
 * zero length sends nothing and succeeds. */
TEST(copyin_null_and_zero_length)
{
	uint64_t a[3];
	int64_t rv[2];
	struct tc t;

	CHECK_EQ(tc_open(&t, "null"), 0);
	CHECK_EQ(tc_call(&t, SYS_pipe, NULL, 0, rv), 0);
	a[0] = I(rv[1]); a[1] = 0; a[2] = 10;
	CHECK_EQ(tc_call(&t, SYS_write, a, 3, rv), 14);
	a[1] = P(&a); a[2] = 0;
	CHECK_EQ(tc_call(&t, SYS_write, a, 3, rv), 0);
	CHECK_EQ(rv[0], 0);
	CHECK_EQ(t.ncopyin, 0);
	tc_close(&t);
}

/* A client that answers a COPYIN with fewer bytes than asked (it
 * could not read its memory): EFAULT. */
TEST(copyin_short_answer_efault)
{
	char data[100];
	uint64_t a[3];
	int64_t rv[2];
	struct tc t;

	memset(data, 'z', sizeof(data));
	CHECK_EQ(tc_open(&t, "shortans"), 0);
	CHECK_EQ(tc_call(&t, SYS_pipe, NULL, 0, rv), 0);
	a[0] = I(rv[1]); a[1] = P(data); a[2] = sizeof(data);
	t.mode = TC_SHORT;
	CHECK_EQ(tc_call(&t, SYS_write, a, 3, rv), 14);
	t.mode = TC_EMPTY;
	CHECK_EQ(tc_call(&t, SYS_write, a, 3, rv), 14);
	/* a wild address (page 0) gets an empty answer from our client */
	t.mode = TC_OK;
	a[1] = 16;
	CHECK_EQ(tc_call(&t, SYS_write, a, 3, rv), 14);
	CHECK(t.ncopyin >= 3);
	CHECK(tc_getpid(&t) == t.pid);
	tc_close(&t);
}

/* §7: COPYINSTR answered without a NUL: ENAMETOOLONG; empty: the same. */
TEST(copyinstr_no_nul_enametoolong)
{
	static char path[] = "/nonul";
	uint64_t a[2] = { P(path), I(0755) };
	struct tc t;

	CHECK_EQ(tc_open(&t, "nonul"), 0);
	t.mode = TC_NONUL;
	CHECK_EQ(tc_call(&t, SYS_mkdir, a, 2, NULL), 63);
	t.mode = TC_EMPTY;
	CHECK_EQ(tc_call(&t, SYS_mkdir, a, 2, NULL), 63);
	t.mode = TC_OK;
	a[0] = 8;		/* wild: our client answers nothing */
	CHECK_EQ(tc_call(&t, SYS_mkdir, a, 2, NULL), 63);
	CHECK(tc_getpid(&t) == t.pid);
	tc_close(&t);
}

/* A COPYINSTR answered with a short string (no NUL in what came) after
 * a partial answer: the name is what precedes the NUL. */
TEST(copyinstr_answer_shorter_than_max)
{
	static char path[] = "/partial_ok";
	uint64_t a[2] = { P(path), I(0755) };
	struct tc t;

	CHECK_EQ(tc_open(&t, "partial"), 0);
	CHECK_EQ(tc_call(&t, SYS_mkdir, a, 2, NULL), 0);
	CHECK_OK(rump_sys_rmdir(path));
	tc_close(&t);
}

/* §7 RAISE: a write to a pipe nobody reads posts SIGPIPE (13) to the
 * client before the call's EPIPE; O_NOSIGPIPE spares it. */
TEST(broken_pipe_raises_sigpipe)
{
	char data[] = "x";
	uint64_t a[3];
	int64_t rv[2];
	int rfd, wfd, i;
	struct tc t;

	CHECK_EQ(tc_open(&t, "sigpipe"), 0);
	CHECK_EQ(tc_call(&t, SYS_pipe, NULL, 0, rv), 0);
	rfd = (int)rv[0];
	wfd = (int)rv[1];
	a[0] = I(rfd);
	CHECK_EQ(tc_call(&t, SYS_close, a, 1, NULL), 0);
	t.nlog = 0;
	a[0] = I(wfd); a[1] = P(data); a[2] = 1;
	CHECK_EQ(tc_call(&t, SYS_write, a, 3, rv), 32);	/* EPIPE */
	CHECK_EQ(t.nraise, 1);
	CHECK_EQ(t.lastsig, 13);
	for (i = 0; i < t.nlog && t.log[i] != TC_RAISE; i++)
		continue;
	CHECK(i < t.nlog - 1);		/* before the reply */
	a[0] = I(wfd); a[1] = I(RUMP_F_SETFL); a[2] = I(RUMP_O_NOSIGPIPE);
	CHECK_EQ(tc_call(&t, SYS_fcntl, a, 3, NULL), 0);
	a[0] = I(wfd); a[1] = P(data); a[2] = 1;
	CHECK_EQ(tc_call(&t, SYS_write, a, 3, rv), 32);
	CHECK_EQ(t.nraise, 1);
	tc_close(&t);
}

/* Data written in one call, megabytes of it, arrives whole: an answer
 * may be as long as the copy asked for, beyond the request cap. */
TEST(large_write_copyin)
{
	static char path[] = "/big_write";
	size_t len = (3 << 20) + 123, i;
	char *buf = malloc(len), *back = malloc(len);
	uint64_t o[3] = { P(path), I(RUMP_O_RDWR | RUMP_O_CREAT), I(0644) };
	uint64_t a[3];
	int64_t rv[2];
	int fd;
	struct tc t;

	for (i = 0; i < len; i++)
		buf[i] = (char)(i * 31 + 7);
	CHECK_EQ(tc_open(&t, "bigw"), 0);
	CHECK_EQ(tc_call(&t, SYS_open, o, 3, rv), 0);
	fd = (int)rv[0];
	a[0] = I(fd); a[1] = P(buf); a[2] = len;
	CHECK_EQ(tc_call(&t, SYS_write, a, 3, rv), 0);
	CHECK_EQ(rv[0], (int64_t)len);
	CHECK(t.ncopyin >= 1);
	tc_close(&t);
	CHECK_EQ(t_read_file(path, back, len), (long)len);
	CHECK(memcmp(buf, back, len) == 0);
	rump_sys_unlink(path);
	free(buf);
	free(back);
}
