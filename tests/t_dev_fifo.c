/*
 * t_dev_fifo: named pipes made with mkfifo(2): open rules, data,
 * end of file, EPIPE, non-blocking behaviour, PIPE_BUF atomicity.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "t.h"

#define PIPE_BUF_NETBSD	512

/* Reader (non-blocking open, so no writer is needed) and writer. */
static void
fifo_pair(const char *name, int *rd, int *wr)
{
	CHECK_OK(rump_sys_mkfifo(name, 0600));
	*rd = rump_sys_open(name, RUMP_O_RDONLY | RUMP_O_NONBLOCK, 0);
	CHECK(*rd != -1);
	*wr = rump_sys_open(name, RUMP_O_WRONLY, 0);
	CHECK(*wr != -1);
}

/* Write until the pipe is full; returns the bytes written. */
static long
fill(int wr)
{
	char buf[1000];
	long total = 0;
	ssize_t n;

	memset(buf, 'f', sizeof(buf));
	CHECK_OK(rump_sys_fcntl(wr, RUMP_F_SETFL, RUMP_O_NONBLOCK));
	while ((n = rump_sys_write(wr, buf, sizeof(buf))) > 0)
		total += n;
	CHECK_EQ(n, -1);
	CHECK_EQ(errno, RUMP_EAGAIN);
	return total;
}

TEST(mkfifo_makes_a_fifo)
{
	struct rump_stat st;

	CHECK_OK(rump_sys_mkfifo("p", 0640));
	memset(&st, 0, sizeof(st));
	CHECK_OK(rump_sys_stat("p", (struct stat *)&st));
	CHECK(RUMP_S_ISFIFO(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 0640);
	CHECK_EQ(st.st_size, 0);
	CHECK_ERR(rump_sys_mkfifo("p", 0640), RUMP_EEXIST);
}

TEST(fifo_data_flows)
{
	char buf[16];
	int rd, wr;

	fifo_pair("p", &rd, &wr);
	CHECK_EQ(rump_sys_write(wr, "hello", 5), 5);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(rump_sys_read(rd, buf, sizeof(buf)), 5);
	CHECK_STR(buf, "hello");
}

TEST(fifo_read_takes_what_is_there)
{
	char buf[16];
	int rd, wr;

	fifo_pair("p", &rd, &wr);
	CHECK_EQ(rump_sys_write(wr, "abcdef", 6), 6);
	CHECK_EQ(rump_sys_read(rd, buf, 4), 4);
	CHECK(memcmp(buf, "abcd", 4) == 0);
	CHECK_EQ(rump_sys_write(wr, "gh", 2), 2);
	CHECK_EQ(rump_sys_read(rd, buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "efgh", 4) == 0);
}

TEST(fifo_eof_after_writer_closes)
{
	char buf[16];
	int rd, wr;

	fifo_pair("p", &rd, &wr);
	CHECK_EQ(rump_sys_write(wr, "xy", 2), 2);
	CHECK_OK(rump_sys_close(wr));
	CHECK_EQ(rump_sys_read(rd, buf, sizeof(buf)), 2);
	CHECK_EQ(rump_sys_read(rd, buf, sizeof(buf)), 0);
	CHECK_EQ(rump_sys_read(rd, buf, sizeof(buf)), 0);
}

TEST(fifo_eof_when_no_writer_ever)
{
	char buf[4];
	int rd;

	CHECK_OK(rump_sys_mkfifo("p", 0600));
	rd = rump_sys_open("p", RUMP_O_RDONLY | RUMP_O_NONBLOCK, 0);
	CHECK(rd != -1);
	CHECK_EQ(rump_sys_read(rd, buf, sizeof(buf)), 0);
}

TEST(fifo_nonblock_read_empty_eagain)
{
	char buf[4];
	int rd, wr;

	fifo_pair("p", &rd, &wr);
	CHECK_ERR(rump_sys_read(rd, buf, sizeof(buf)), RUMP_EAGAIN);
}

TEST(fifo_wronly_nonblock_without_reader_enxio)
{
	CHECK_OK(rump_sys_mkfifo("p", 0600));
	CHECK_ERR(rump_sys_open("p", RUMP_O_WRONLY | RUMP_O_NONBLOCK, 0),
	    RUMP_ENXIO);
}

TEST(fifo_wronly_nonblock_with_reader_opens)
{
	int rd, wr;

	CHECK_OK(rump_sys_mkfifo("p", 0600));
	rd = rump_sys_open("p", RUMP_O_RDONLY | RUMP_O_NONBLOCK, 0);
	CHECK(rd != -1);
	wr = rump_sys_open("p", RUMP_O_WRONLY | RUMP_O_NONBLOCK, 0);
	CHECK(wr != -1);
	CHECK_EQ(rump_sys_write(wr, "a", 1), 1);
}

TEST(fifo_lseek_espipe)
{
	int rd, wr;

	fifo_pair("p", &rd, &wr);
	CHECK_ERR(rump_sys_lseek(rd, 0, RUMP_SEEK_SET), RUMP_ESPIPE);
	CHECK_ERR(rump_sys_lseek(wr, 0, RUMP_SEEK_CUR), RUMP_ESPIPE);
	CHECK_ERR(rump_sys_lseek(wr, 0, RUMP_SEEK_END), RUMP_ESPIPE);
}

TEST(fifo_pread_espipe)
{
	char buf[4];
	int rd, wr;

	fifo_pair("p", &rd, &wr);
	CHECK_ERR(rump_sys_pread(rd, buf, sizeof(buf), 0), RUMP_ESPIPE);
	CHECK_ERR(rump_sys_pwrite(wr, buf, sizeof(buf), 0), RUMP_ESPIPE);
}

TEST(fifo_write_without_reader_epipe)
{
	int rd, wr;

	fifo_pair("p", &rd, &wr);
	CHECK_OK(rump_sys_close(rd));
	CHECK_ERR(rump_sys_write(wr, "x", 1), RUMP_EPIPE);
}

TEST(fifo_rdwr_open_does_not_wait)
{
	char buf[8];
	int fd;

	CHECK_OK(rump_sys_mkfifo("p", 0600));
	fd = rump_sys_open("p", RUMP_O_RDWR, 0);
	CHECK(fd != -1);
	CHECK_EQ(rump_sys_write(fd, "loop", 4), 4);
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "loop", 4) == 0);
}

TEST(fifo_full_nonblock_write_eagain)
{
	char buf[100];
	long total;
	int rd, wr;

	fifo_pair("p", &rd, &wr);
	total = fill(wr);
	CHECK(total >= PIPE_BUF_NETBSD);
	CHECK_ERR(rump_sys_write(wr, "x", 1), RUMP_EAGAIN);
	CHECK_EQ(rump_sys_read(rd, buf, sizeof(buf)), 100);
	CHECK_EQ(rump_sys_write(wr, buf, 100), 100);
}

TEST(fifo_small_write_is_atomic)
{
	char buf[PIPE_BUF_NETBSD];
	int rd, wr;

	fifo_pair("p", &rd, &wr);
	(void)fill(wr);
	/* 100 bytes of room: a 512-byte write must not go in part */
	CHECK_EQ(rump_sys_read(rd, buf, 100), 100);
	memset(buf, 'a', sizeof(buf));
	CHECK_ERR(rump_sys_write(wr, buf, sizeof(buf)), RUMP_EAGAIN);
	CHECK_EQ(rump_sys_write(wr, buf, 100), 100);
}

TEST(fifo_large_nonblock_write_is_partial)
{
	static char big[20000];
	ssize_t n;
	int rd, wr;

	fifo_pair("p", &rd, &wr);
	CHECK_OK(rump_sys_fcntl(wr, RUMP_F_SETFL, RUMP_O_NONBLOCK));
	n = rump_sys_write(wr, big, sizeof(big));
	CHECK(n > 0 && n < (ssize_t)sizeof(big));
}

TEST(fifo_data_order_across_wrap)
{
	char out[700], in[700];
	int rd, wr, round, i;

	fifo_pair("p", &rd, &wr);
	for (round = 0; round < 40; round++) {
		for (i = 0; i < (int)sizeof(out); i++)
			out[i] = (char)(round * 7 + i);
		CHECK_EQ(rump_sys_write(wr, out, sizeof(out)),
		    (ssize_t)sizeof(out));
		CHECK_EQ(rump_sys_read(rd, in, sizeof(in)), (ssize_t)sizeof(in));
		CHECK(memcmp(in, out, sizeof(in)) == 0);
	}
}

TEST(fifo_fionread_counts_bytes)
{
	int rd, wr, n = -1;

	fifo_pair("p", &rd, &wr);
	CHECK_OK(rump_sys_ioctl(rd, RUMP_FIONREAD, &n));
	CHECK_EQ(n, 0);
	CHECK_EQ(rump_sys_write(wr, "12345", 5), 5);
	CHECK_OK(rump_sys_ioctl(rd, RUMP_FIONREAD, &n));
	CHECK_EQ(n, 5);
}

TEST(fifo_poll_readable_with_data)
{
	struct rump_pollfd pfd;
	int rd, wr;

	fifo_pair("p", &rd, &wr);
	pfd.fd = rd;
	pfd.events = RUMP_POLLIN;
	pfd.revents = 0;
	CHECK_EQ(rump_sys_poll((struct pollfd *)&pfd, 1, 0), 0);
	CHECK_EQ(rump_sys_write(wr, "z", 1), 1);
	CHECK_EQ(rump_sys_poll((struct pollfd *)&pfd, 1, 0), 1);
	CHECK_EQ(pfd.revents, RUMP_POLLIN);
	pfd.fd = wr;
	pfd.events = RUMP_POLLOUT;
	CHECK_EQ(rump_sys_poll((struct pollfd *)&pfd, 1, 0), 1);
	CHECK_EQ(pfd.revents, RUMP_POLLOUT);
}

TEST(fifo_fstat)
{
	struct rump_stat st;
	int rd, wr;

	fifo_pair("p", &rd, &wr);
	memset(&st, 0, sizeof(st));
	CHECK_OK(rump_sys_fstat(rd, (struct stat *)&st));
	CHECK(RUMP_S_ISFIFO(st.st_mode));
}

TEST(fifo_data_gone_after_last_close)
{
	char buf[8];
	int rd, wr;

	fifo_pair("p", &rd, &wr);
	CHECK_EQ(rump_sys_write(wr, "old", 3), 3);
	CHECK_OK(rump_sys_close(wr));
	CHECK_OK(rump_sys_close(rd));
	rd = rump_sys_open("p", RUMP_O_RDONLY | RUMP_O_NONBLOCK, 0);
	wr = rump_sys_open("p", RUMP_O_WRONLY, 0);
	CHECK_ERR(rump_sys_read(rd, buf, sizeof(buf)), RUMP_EAGAIN);
}

TEST(fifo_on_tmpfs)
{
	char buf[8];
	int rd, wr;

	CHECK_OK(t_mount_tmpfs("mnt"));
	fifo_pair("mnt/p", &rd, &wr);
	CHECK_EQ(rump_sys_write(wr, "tmp", 3), 3);
	CHECK_EQ(rump_sys_read(rd, buf, sizeof(buf)), 3);
	CHECK_OK(rump_sys_close(rd));
	CHECK_OK(rump_sys_close(wr));
	CHECK_OK(rump_sys_unlink("mnt/p"));
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

/* --- blocking ------------------------------------------------------------ */

struct opener {
	pid_t	pid;
	const char *path;
	int	flags;
	int	fd;
	ssize_t	nread;
	char	buf[16];
	atomic_int done;
};

/* Open (and maybe read) as a new lwp of the test's process. */
static void *
opener_thread(void *arg)
{
	struct opener *o = arg;

	if (rump_pub_lwproc_newlwp(o->pid) != 0) {
		o->fd = -2;
		atomic_store(&o->done, 1);
		return NULL;
	}
	o->fd = rump_sys_open(o->path, o->flags, 0);
	if (o->fd != -1 && (o->flags & RUMP_O_ACCMODE) == RUMP_O_RDONLY)
		o->nread = rump_sys_read(o->fd, o->buf, sizeof(o->buf));
	atomic_store(&o->done, 1);
	rump_pub_lwproc_releaselwp();
	return NULL;
}

static void
start(struct opener *o, pthread_t *t, const char *path, int flags)
{
	memset(o, 0, sizeof(*o));
	o->pid = rump_sys_getpid();
	o->path = path;
	o->flags = flags;
	CHECK_EQ(pthread_create(t, NULL, opener_thread, o), 0);
}

TEST(fifo_rdonly_open_waits_for_writer)
{
	struct opener o;
	pthread_t t;
	int wr;

	CHECK_OK(rump_sys_mkfifo("p", 0600));
	start(&o, &t, "p", RUMP_O_RDONLY);
	usleep(200 * 1000);
	CHECK_EQ(atomic_load(&o.done), 0);
	wr = rump_sys_open("p", RUMP_O_WRONLY, 0);
	CHECK(wr != -1);
	CHECK_EQ(rump_sys_write(wr, "hi", 2), 2);
	pthread_join(t, NULL);
	CHECK(o.fd >= 0);
	CHECK_EQ(o.nread, 2);
	CHECK(memcmp(o.buf, "hi", 2) == 0);
}

TEST(fifo_wronly_open_waits_for_reader)
{
	struct opener o;
	pthread_t t;
	int rd;

	CHECK_OK(rump_sys_mkfifo("p", 0600));
	start(&o, &t, "p", RUMP_O_WRONLY);
	usleep(200 * 1000);
	CHECK_EQ(atomic_load(&o.done), 0);
	rd = rump_sys_open("p", RUMP_O_RDONLY | RUMP_O_NONBLOCK, 0);
	CHECK(rd != -1);
	pthread_join(t, NULL);
	CHECK(o.fd >= 0);
}

TEST(fifo_blocking_read_waits_for_data)
{
	struct opener o;
	pthread_t t;
	int wr, rd;

	/* keep a reader so the writer's open does not wait */
	CHECK_OK(rump_sys_mkfifo("p", 0600));
	rd = rump_sys_open("p", RUMP_O_RDONLY | RUMP_O_NONBLOCK, 0);
	wr = rump_sys_open("p", RUMP_O_WRONLY, 0);
	CHECK(rd != -1 && wr != -1);
	start(&o, &t, "p", RUMP_O_RDONLY);
	usleep(200 * 1000);
	CHECK_EQ(atomic_load(&o.done), 0);
	CHECK_EQ(rump_sys_write(wr, "data", 4), 4);
	pthread_join(t, NULL);
	/* one of the two readers got it; the thread's read returned */
	CHECK(o.nread == 4 || o.nread == -1);
	CHECK_OK(rump_sys_close(rd));
}

TEST(fifo_blocking_read_ends_when_writer_closes)
{
	struct opener o;
	pthread_t t;
	int wr, rd;

	CHECK_OK(rump_sys_mkfifo("p", 0600));
	rd = rump_sys_open("p", RUMP_O_RDONLY | RUMP_O_NONBLOCK, 0);
	wr = rump_sys_open("p", RUMP_O_WRONLY, 0);
	start(&o, &t, "p", RUMP_O_RDONLY);
	usleep(200 * 1000);
	CHECK_EQ(atomic_load(&o.done), 0);
	CHECK_OK(rump_sys_close(wr));
	pthread_join(t, NULL);
	CHECK(o.fd >= 0);
	CHECK_EQ(o.nread, 0);
	CHECK_OK(rump_sys_close(rd));
}

struct writer {
	pid_t	pid;
	int	fd;
	ssize_t	n;
	atomic_int done;
};

static void *
writer_thread(void *arg)
{
	static char big[30000];
	struct writer *w = arg;

	if (rump_pub_lwproc_newlwp(w->pid) != 0) {
		w->n = -2;
		return NULL;
	}
	memset(big, 'w', sizeof(big));
	w->n = rump_sys_write(w->fd, big, sizeof(big));
	atomic_store(&w->done, 1);
	rump_pub_lwproc_releaselwp();
	return NULL;
}

TEST(fifo_blocking_write_waits_for_room)
{
	static char sink[40000];
	struct writer w;
	pthread_t t;
	ssize_t got = 0, n;
	int rd, wr;

	fifo_pair("p", &rd, &wr);
	memset(&w, 0, sizeof(w));
	w.pid = rump_sys_getpid();
	w.fd = wr;
	CHECK_EQ(pthread_create(&t, NULL, writer_thread, &w), 0);
	usleep(100 * 1000);
	CHECK_EQ(atomic_load(&w.done), 0);	/* more than fits */
	while (got < 30000) {
		n = rump_sys_read(rd, sink + got, sizeof(sink) - (size_t)got);
		if (n == -1 && errno == RUMP_EAGAIN) {
			usleep(1000);
			continue;
		}
		CHECK(n > 0);
		if (n <= 0)
			break;
		got += n;
	}
	pthread_join(t, NULL);
	CHECK_EQ(w.n, 30000);
	CHECK_EQ(got, 30000);
}
