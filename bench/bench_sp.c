/*
 * bench_sp: the sysproxy server's cost per call.
 *
 * Prints, in one run:
 *   - the floor: a 24-byte request and a 48-byte reply bounced between
 *     two threads over a unix socket pair (what any server must pay);
 *   - getpid through the server, from a raw client on a unix socket
 *     (banner, handshake and frames written by hand, one call at a
 *     time), so the figure is the server's alone;
 *   - the same with 8 connections at once (calls per second);
 *   - 64 MiB written and read back in 1 MiB calls (COPYIN/COPYOUT).
 * Client and server threads may run on any CPU.  The benchmarks link
 * the kernel without the sysproxy component, so it is loaded here.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rumpdefs.h>

#define N	20000

struct hdr {
	uint64_t len, reqno;
	uint16_t class, type;
	uint32_t u;
};

static char path[108];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
readn(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		if ((n = read(fd, (char *)buf + got, len - got)) <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static int
writen(int fd, const void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		if ((n = write(fd, (const char *)buf + done, len - done)) <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* ------------------------------------------------------------ floor */

static void *
echo(void *arg)
{
	int fd = *(int *)arg;
	uint8_t in[24], out[48];

	memset(out, 0, sizeof(out));
	while (readn(fd, in, sizeof(in)) == 0)
		if (writen(fd, out, sizeof(out)) != 0)
			break;
	return NULL;
}

static double
floor_us(void)
{
	uint8_t req[24], resp[48];
	pthread_t th;
	int sv[2], i;
	double t0;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pthread_create(&th, NULL, echo, &sv[1]);
	memset(req, 0, sizeof(req));
	for (i = 0; i < 1000; i++) {
		writen(sv[0], req, sizeof(req));
		readn(sv[0], resp, sizeof(resp));
	}
	t0 = now();
	for (i = 0; i < N; i++) {
		writen(sv[0], req, sizeof(req));
		readn(sv[0], resp, sizeof(resp));
	}
	t0 = (now() - t0) / N * 1e6;
	close(sv[0]);
	pthread_join(th, NULL);
	close(sv[1]);
	return t0;
}

/* ----------------------------------------------------------- client */

struct cl {
	int	fd;
	uint64_t reqno;
};

static int
cl_open(struct cl *c)
{
	struct sockaddr_un sun;
	uint8_t buf[128], hs[24 + 6] = { 0 };
	struct hdr h = { sizeof(hs), 1, 0, 0, 0 };

	int sz = 4 << 20;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	/* a unix socket's capacity is its sender's buffer */
	setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	c->reqno = 2;
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    read(c->fd, buf, sizeof(buf)) <= 0)
		return -1;
	memcpy(hs, &h, 24);
	memcpy(hs + 24, "bench", 6);
	if (writen(c->fd, hs, sizeof(hs)) != 0 || readn(c->fd, buf, 28) != 0)
		return -1;
	return 0;
}

/* One call, serving copy requests from our own memory. */
static int
cl_call(struct cl *c, int num, const uint64_t *args, int nargs, int64_t *rv)
{
	uint8_t frame[24 + 64];
	struct hdr h = { 24 + (uint64_t)nargs * 8, c->reqno++, 0, 1,
	    (uint32_t)num }, r;
	uint64_t cd[2];
	static __thread uint8_t *buf;
	static __thread size_t cap;
	int32_t err;

	memcpy(frame, &h, 24);
	memcpy(frame + 24, args, (size_t)nargs * 8);
	writen(c->fd, frame, 24 + (size_t)nargs * 8);
	for (;;) {
		if (readn(c->fd, &r, 24) != 0)
			return -1;
		if (r.len - 24 > cap) {
			cap = r.len - 24;
			buf = realloc(buf, cap);
		}
		if (readn(c->fd, buf, r.len - 24) != 0)
			return -1;
		if (r.class == 1 && r.type == 1 && r.reqno == h.reqno)
			break;
		memcpy(cd, buf, 16);
		if (r.class == 0 && (r.type == 2 || r.type == 3)) {
			/* COPYIN, COPYINSTR (the string and its NUL) */
			size_t n = cd[0];
			struct hdr a = { 0, r.reqno, 1, 2, 0 };

			if (r.type == 3)
				n = strnlen((char *)(uintptr_t)cd[1], n - 1) + 1;
			a.len = 24 + n;
			writen(c->fd, &a, 24);
			writen(c->fd, (void *)(uintptr_t)cd[1], n);
		} else if (r.class == 0 && r.type == 4)	/* COPYOUT */
			memcpy((void *)(uintptr_t)cd[1], buf + 16, cd[0]);
	}
	memcpy(&err, buf, 4);
	if (rv != NULL)
		memcpy(rv, buf + 8, 16);
	return err;
}

static double
getpid_us(void)
{
	struct cl c;
	int i;
	double t0;

	if (cl_open(&c) != 0)
		return -1;
	for (i = 0; i < 1000; i++)
		cl_call(&c, 20, NULL, 0, NULL);
	t0 = now();
	for (i = 0; i < N; i++)
		cl_call(&c, 20, NULL, 0, NULL);
	t0 = (now() - t0) / N * 1e6;
	close(c.fd);
	return t0;
}

static void *
getpid_loop(void *arg)
{
	struct cl c;
	int i;

	(void)arg;
	if (cl_open(&c) != 0)
		return NULL;
	for (i = 0; i < N; i++)
		cl_call(&c, 20, NULL, 0, NULL);
	close(c.fd);
	return NULL;
}

static double
parallel_rate(int nthr)
{
	pthread_t th[64];
	double t0;
	int i;

	t0 = now();
	for (i = 0; i < nthr; i++)
		pthread_create(&th[i], NULL, getpid_loop, NULL);
	for (i = 0; i < nthr; i++)
		pthread_join(th[i], NULL);
	return (double)nthr * N / (now() - t0);
}

/* 64 MiB in 1 MiB calls; MB/s written and read. */
static void
io_rate(double *wr, double *rd)
{
	static char file[] = "/bench_sp_file";
	size_t chunk = 1 << 20, total = 64u << 20, i;
	char *buf = malloc(chunk);
	uint64_t o[3] = { (uintptr_t)file, RUMP_O_RDWR | RUMP_O_CREAT, 0644 };
	uint64_t a[3], s[4] = { 0, 0, 0, 0 };
	int64_t rv[2];
	struct cl c;
	double t0;

	memset(buf, 'b', chunk);
	if (cl_open(&c) != 0 || cl_call(&c, 5, o, 3, rv) != 0) {
		*wr = *rd = -1;
		return;
	}
	a[0] = (uint64_t)rv[0];
	a[1] = (uintptr_t)buf;
	a[2] = chunk;
	t0 = now();
	for (i = 0; i < total; i += chunk)
		cl_call(&c, 4, a, 3, rv);
	*wr = (double)total / (now() - t0) / 1e6;
	s[0] = a[0];
	cl_call(&c, 199, s, 4, rv);		/* lseek 0 */
	t0 = now();
	for (i = 0; i < total; i += chunk)
		cl_call(&c, 3, a, 3, rv);
	*rd = (double)total / (now() - t0) / 1e6;
	close(c.fd);
	free(buf);
}

int
main(void)
{
	int (*init_server)(const char *);
	char url[160];
	double f, g, w, r;
	void *lib;
	int error;

	snprintf(path, sizeof(path), "/tmp/bench_sp_%d.sock", (int)getpid());
	snprintf(url, sizeof(url), "unix://%s", path);
	if ((lib = dlopen("librumpkern_sysproxy.so", RTLD_NOW | RTLD_GLOBAL))
	    == NULL || (init_server = (int (*)(const char *))dlsym(lib,
	    "rump_init_server")) == NULL) {
		fprintf(stderr, "bench_sp: %s\n", dlerror());
		return 1;
	}
	if ((error = rump_init()) != 0 || (error = init_server(url)) != 0) {
		fprintf(stderr, "bench_sp: boot failed: %d\n", error);
		return 1;
	}
	f = floor_us();
	g = getpid_us();
	printf("bench_sp: socket ping-pong floor      %8.2f us\n", f);
	printf("bench_sp: getpid through the server   %8.2f us (%.2fx)\n", g,
	    g / f);
	printf("bench_sp: getpid, 8 connections       %8.0f calls/s\n",
	    parallel_rate(8));
	io_rate(&w, &r);
	printf("bench_sp: 64 MiB write, 1 MiB calls   %8.0f MB/s\n", w);
	printf("bench_sp: 64 MiB read, 1 MiB calls    %8.0f MB/s\n", r);
	unlink(path);
	return 0;
}
