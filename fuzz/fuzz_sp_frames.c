/*
 * fuzz_sp_frames: libFuzzer target for the sysproxy server's frame
 * decoder and dispatch (make fuzz; not part of make test).
 *
 * The kernel boots once with a server on a unix socket.  Each input is
 * one client connection: after the banner, the input's bytes are
 * written as the client's stream.  The first byte picks how:
 *
 *   bit 0  start with a valid GUEST handshake, so the rest reaches the
 *          RUNNING state (system calls, prefork, exec, copy replies)
 *   bit 1  behave as a live client: answer the server's COPYIN,
 *          COPYINSTR and ANONMMAP requests from the input's bytes
 *          until the server is quiet, then hang up; otherwise hang up
 *          (shutdown) right after the input and read until the end
 *
 * Whatever comes, the server must not crash, must greet every new
 * connection, and must close a connection once its client has gone.
 * Some calls are turned into getpid: reboot (208), so an input cannot
 * halt the kernel, and ktrace (45) and fktrace (288), whose walk of the
 * process tree under proc_lock is quadratic in the number of processes
 * (the fuzzer makes hundreds) and stalls every handshake meanwhile.
 * The kernel's memory is capped (RUMP_MEMLIMIT) so files cannot grow
 * without bound.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>

#define QUIET_MS	5	/* live client: the server is done */
#define MAXANSWERS	256	/* live client: then it hangs up */
#define END_MS		20000	/* the server must answer by then */

static char sockpath[108];

static void
cleanup(void)
{
	unlink(sockpath);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char url[128];
	int error, fd;

	(void)argc;
	(void)argv;
	setenv("RUMP_MEMLIMIT", "256m", 0);
	snprintf(sockpath, sizeof(sockpath), "/tmp/fuzz_sp_%d.sock",
	    (int)getpid());
	snprintf(url, sizeof(url), "unix://%s", sockpath);
	unlink(sockpath);
	if ((error = rump_init()) != 0 || (error = rump_init_server(url)) != 0) {
		fprintf(stderr, "fuzz_sp_frames: boot failed: %d\n", error);
		abort();
	}
	atexit(cleanup);
	/* what clients write to the console (fds 1 and 2 of every client
	 * process) would drown libFuzzer's report, which is on stderr */
	if ((fd = open("/dev/null", O_WRONLY)) >= 0) {
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
	return 0;
}

/* Before giving up: what this process has open, for the report. */
static void
dump_fds(void)
{
	char path[64], target[256];
	ssize_t n;
	int fd;

	for (fd = 0; fd < 64; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if ((n = readlink(path, target, sizeof(target) - 1)) < 0)
			continue;
		target[n] = '\0';
		fprintf(stderr, "fuzz_sp_frames: fd %d: %s\n", fd, target);
	}
}

static int
connect_server(void)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, sockpath, strlen(sockpath) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		abort();
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		abort();
	return fd;
}

/* Readable within ms?  libFuzzer's timer (SIGALRM) interrupts poll:
 * wait again for what is left. */
static int
wait_in(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec t0, t1;
	int n, left = ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((n = poll(&pfd, 1, left)) < 0 && errno == EINTR) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = ms - (int)((t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return 0;
	}
	return n == 1;
}

static void
write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;		/* the server may hang up first */
		p += n;
		len -= (size_t)n;
	}
}

/* Walk the frames as the server will and defuse the calls above. */
static void
defuse(uint8_t *s, size_t len)
{
	size_t off = 0;
	uint64_t flen;
	uint16_t class, type;
	uint32_t num;

	while (off + 24 <= len) {
		memcpy(&flen, s + off, 8);
		memcpy(&class, s + off + 16, 2);
		memcpy(&type, s + off + 18, 2);
		memcpy(&num, s + off + 20, 4);
		if (class == 0 && type == 1 &&
		    (num == 208 || num == 45 || num == 288)) {
			num = 20;
			memcpy(s + off + 20, &num, 4);
		}
		if (flen < 24 || flen > len - off)
			return;
		off += (size_t)flen;
	}
}

/* Answer a request of the server from the input's bytes. */
static void
answer(int fd, const uint8_t *hdr, const uint8_t *body, size_t blen,
    const uint8_t *pool, size_t plen)
{
	uint8_t out[24 + 4096];
	uint64_t want = 0, len, reqno;
	uint16_t class, type;
	size_t n, i;

	memcpy(&reqno, hdr + 8, 8);
	memcpy(&class, hdr + 16, 2);
	memcpy(&type, hdr + 18, 2);
	if (class != 0 || (type != 2 && type != 3 && type != 6))
		return;
	if (blen >= 8)
		memcpy(&want, body, 8);
	if (type == 6)
		want = 8;
	n = want < 4096 ? (size_t)want : 4096;
	for (i = 0; i < n; i++)
		out[24 + i] = plen ? pool[i % plen] : 0;
	if (type == 3 && n > 0 && plen > 0 && pool[0] & 1)
		out[24 + n - 1] = 0;	/* sometimes a proper string */
	len = 24 + n;
	memcpy(out, &len, 8);
	memcpy(out + 8, &reqno, 8);
	memset(out + 16, 0, 8);
	out[16] = 1;			/* RESP */
	out[18] = type == 6 ? 6 : 2;
	write_all(fd, out, (size_t)len);
}

/* Read frames until the server is quiet or gone, answering.  An
 * input may ask for an endless stream of copies (a write of 2^60
 * bytes): after MAXANSWERS the client hangs up, mid-call. */
static void
live_client(int fd, const uint8_t *pool, size_t plen)
{
	uint8_t hdr[24], *body;
	uint64_t flen;
	ssize_t n;
	size_t got;
	int i;

	for (i = 0; i < MAXANSWERS; i++) {
		if (!wait_in(fd, QUIET_MS))
			return;
		for (got = 0; got < 24; got += (size_t)n)
			if (!wait_in(fd, END_MS) ||
			    (n = read(fd, hdr + got, 24 - got)) <= 0)
				return;
		memcpy(&flen, hdr, 8);
		if (flen < 24 || flen > (64u << 20))
			abort();	/* the server sent garbage */
		body = malloc((size_t)flen - 24 + 1);
		for (got = 0; got < flen - 24; got += (size_t)n)
			if (!wait_in(fd, END_MS) || (n = read(fd, body + got,
			    (size_t)flen - 24 - got)) <= 0) {
				free(body);
				return;
			}
		answer(fd, hdr, body, (size_t)flen - 24, pool, plen);
		free(body);
	}
}

/* After the client has gone the server must close: read to the end. */
static void
drain_to_end(int fd)
{
	char buf[65536];

	for (;;) {
		if (!wait_in(fd, END_MS)) {
			fprintf(stderr, "fuzz_sp_frames: server did not close "
			    "the connection\n");
			dump_fds();
			abort();
		}
		if (read(fd, buf, sizeof(buf)) <= 0)
			return;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t guest[] = {
		0x1f, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 'f', 'u', 'z', 'z', 'e', 'r', 0 };
	char banner[128];
	uint8_t mode, *s;
	int fd;

	if (size < 1)
		return 0;
	mode = data[0];
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	defuse(s, size - 1);

	fd = connect_server();
	if (!wait_in(fd, END_MS)) {
		fprintf(stderr, "fuzz_sp_frames: no banner\n");
		dump_fds();
		abort();
	}
	if (read(fd, banner, sizeof(banner)) <= 0) {
		/* closed at once: 255 connections, though we hold one */
		fprintf(stderr, "fuzz_sp_frames: connection refused\n");
		abort();
	}
	if (mode & 1)
		write_all(fd, guest, sizeof(guest));
	write_all(fd, s, size - 1);
	if (mode & 2)
		live_client(fd, s, size - 1);
	shutdown(fd, SHUT_WR);
	drain_to_end(fd);
	close(fd);
	free(s);
	return 0;
}
