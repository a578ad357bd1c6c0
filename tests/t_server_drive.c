/*
 * t_server_drive.c: rump_server -d (rump-server.md §3.1, §4, §7, §10,
 * §12): drives registered after the boot and before the socket, host
 * files created and extended, windows, size suffixes, size=host,
 * NetBSD disklabels in either byte order, every failure's message and
 * exit status.  The drives are checked from outside, as a client
 * sees them: raw sysproxy system calls (open, pread, pwrite, stat)
 * whose copies this file answers itself.
 */
#include "t_server_util.h"

static char hostdir[64];

static const char *
H(const char *name)
{
	static char bufs[8][256];
	static int next;
	char *b = bufs[next++ & 7];

	snprintf(b, sizeof(bufs[0]), "%s/%s", hostdir, name);
	return b;
}

__attribute__((constructor)) static void
make_hostdir(void)
{
	snprintf(hostdir, sizeof(hostdir), "/tmp/t_server_drive-XXXXXX");
	if (mkdtemp(hostdir) == NULL)
		hostdir[0] = '\0';
}

__attribute__((destructor)) static void
remove_hostdir(void)
{
	char cmd[128];

	if (hostdir[0] != '\0' && strncmp(hostdir, "/tmp/t_server_drive-",
	    20) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", hostdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", hostdir);
	}
}

static uint8_t
pat(uint64_t off)
{
	return (uint8_t)(off % 251 ^ (off >> 12));
}

static void
host_mkfile(const char *name, size_t size)
{
	char *buf = malloc(size ? size : 1);
	int fd = open(H(name), O_RDWR | O_CREAT | O_TRUNC, 0644);

	for (size_t i = 0; i < size; i++)
		buf[i] = (char)pat(i);
	if (fd == -1 || write(fd, buf, size) != (ssize_t)size)
		t_fail(__FILE__, __LINE__, "cannot make host file %s", name);
	if (fd != -1)
		close(fd);
	free(buf);
}

static void
host_pwrite(const char *name, const void *buf, size_t len, off_t off)
{
	int fd = open(H(name), O_RDWR | O_CREAT, 0644);

	if (fd == -1 || pwrite(fd, buf, len, off) != (ssize_t)len)
		t_fail(__FILE__, __LINE__, "cannot write host file %s", name);
	if (fd != -1)
		close(fd);
}

static ssize_t
host_pread(const char *name, void *buf, size_t len, off_t off)
{
	int fd = open(H(name), O_RDONLY);
	ssize_t n;

	if (fd == -1)
		return -1;
	n = pread(fd, buf, len, off);
	close(fd);
	return n;
}

static struct stat
host_stat(const char *name)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	if (stat(H(name), &st) != 0)
		st.st_mode = 0;
	return st;
}

static bool
is_pattern(const uint8_t *buf, size_t len, uint64_t off)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != pat(off + i))
			return false;
	return true;
}

/* --- raw system calls over sysproxy ------------------------------------------ */

#define BUF_ADDR	0x00007f0000100000ULL	/* our fake data buffer */
#define RS_BODYMAX	(70 * 1024)

/* What a call's pointers point at, in this process. */
struct rcall {
	const char *path;		/* at SRV_CLIENT_ADDR */
	const void *in;			/* at BUF_ADDR: data the server reads */
	size_t	inlen;
	void	*out;			/* at BUF_ADDR: data it writes back */
	size_t	outcap;
};

static int
rs_send(int fd, uint64_t reqno, uint16_t class, uint16_t type, uint32_t u,
    const void *body, size_t blen)
{
	struct srv_hdr h = { 24 + blen, reqno, class, type, u };
	uint8_t *buf = malloc(24 + blen);
	ssize_t n;

	memcpy(buf, &h, 24);
	if (blen > 0)
		memcpy(buf + 24, body, blen);
	n = write(fd, buf, 24 + blen);
	free(buf);
	return n == (ssize_t)(24 + blen) ? 0 : -1;
}

/* Answer a COPYIN/COPYINSTR request from what c points at. */
static int
rs_copyin(int fd, const struct srv_hdr *h, const uint8_t *body,
    const struct rcall *c)
{
	uint64_t len, addr;
	const uint8_t *src = NULL;
	size_t avail = 0;

	memcpy(&len, body, 8);
	memcpy(&addr, body + 8, 8);
	if (c->path != NULL && addr >= SRV_CLIENT_ADDR &&
	    addr < SRV_CLIENT_ADDR + strlen(c->path) + 1) {
		src = (const uint8_t *)c->path + (addr - SRV_CLIENT_ADDR);
		avail = strlen((const char *)src) + 1;
	} else if (c->in != NULL && addr >= BUF_ADDR &&
	    addr < BUF_ADDR + c->inlen) {
		src = (const uint8_t *)c->in + (addr - BUF_ADDR);
		avail = c->inlen - (addr - BUF_ADDR);
	}
	if (src == NULL || (h->type == SRV_T_COPYIN && len > avail))
		return -1;
	if (h->type == SRV_T_COPYINSTR && len > avail)
		len = avail;
	return rs_send(fd, h->reqno, SRV_RESP, SRV_T_COPYIN, 0, src,
	    (size_t)len);
}

static int
rs_copyout(const uint8_t *body, size_t blen, const struct rcall *c)
{
	uint64_t len, addr;

	memcpy(&len, body, 8);
	memcpy(&addr, body + 8, 8);
	if (blen < 16 + len || c->out == NULL || addr < BUF_ADDR ||
	    addr - BUF_ADDR + len > c->outcap)
		return -1;
	memcpy((uint8_t *)c->out + (addr - BUF_ADDR), body + 16, len);
	return 0;
}

/*
 * System call num with the given argument slots; pointers are
 * SRV_CLIENT_ADDR (c->path) and BUF_ADDR (c->in / c->out).  Returns
 * the NetBSD errno, or -1 when the conversation broke; *rv the result.
 */
static int
rsys(int fd, uint32_t num, const uint64_t *slots, size_t nslots,
    const struct rcall *c, int64_t *rv)
{
	static uint64_t reqno = 1000;
	uint64_t me = reqno++;
	static uint8_t body[RS_BODYMAX];
	struct srv_hdr h;
	size_t blen;
	int32_t error;

	if (rs_send(fd, me, SRV_REQ, SRV_T_SYSCALL, num, slots,
	    nslots * 8) != 0)
		return -1;
	for (;;) {
		if (srv_read_frame(fd, &h, body, sizeof(body), &blen) != 0)
			return -1;
		if (h.class == SRV_RESP && h.type == SRV_T_SYSCALL &&
		    h.reqno == me) {
			if (blen != 24)
				return -1;
			memcpy(&error, body, 4);
			if (rv != NULL)
				memcpy(rv, body + 8, 8);
			return error;
		}
		if (h.class != SRV_REQ || blen < 16)
			return -1;
		if (h.type == SRV_T_COPYIN || h.type == SRV_T_COPYINSTR) {
			if (rs_copyin(fd, &h, body, c) != 0)
				return -1;
		} else if (h.type == SRV_T_COPYOUT) {
			if (rs_copyout(body, blen, c) != 0)
				return -1;
		} else
			return -1;
	}
}

#define NB_O_RDONLY	0
#define NB_O_RDWR	2

static int
r_open(int fd, const char *path, int flags)
{
	struct rcall c = { .path = path };
	uint64_t slots[3] = { SRV_CLIENT_ADDR, (uint32_t)flags, 0 };
	int64_t rv = -1;

	return rsys(fd, 5, slots, 3, &c, &rv) == 0 ? (int)rv : -1;
}

/* pread: bytes read, or -(errno). */
static int64_t
r_pread(int fd, int kfd, void *buf, size_t len, int64_t off)
{
	struct rcall c = { .out = buf, .outcap = len };
	uint64_t slots[5] = { (uint32_t)kfd, BUF_ADDR, len, 0, (uint64_t)off };
	int64_t rv = 0;
	int error = rsys(fd, 173, slots, 5, &c, &rv);

	return error == 0 ? rv : -(int64_t)(error ? error : 1);
}

static int64_t
r_pwrite(int fd, int kfd, const void *buf, size_t len, int64_t off)
{
	struct rcall c = { .in = buf, .inlen = len };
	uint64_t slots[5] = { (uint32_t)kfd, BUF_ADDR, len, 0, (uint64_t)off };
	int64_t rv = 0;
	int error = rsys(fd, 174, slots, 5, &c, &rv);

	return error == 0 ? rv : -(int64_t)(error ? error : 1);
}

static int
r_fsync(int fd, int kfd)
{
	uint64_t slots[1] = { (uint32_t)kfd };
	struct rcall c = { 0 };

	return rsys(fd, 95, slots, 1, &c, NULL);
}

/* stat(2): mode, size and rdev from NetBSD's struct stat. */
struct rstat {
	uint32_t mode;
	uint64_t rdev;
	int64_t	size;
};

static int
r_stat(int fd, const char *path, struct rstat *st)
{
	uint8_t sb[152];
	struct rcall c = { .path = path, .out = sb, .outcap = sizeof(sb) };
	uint64_t slots[2] = { SRV_CLIENT_ADDR, BUF_ADDR };
	int error;

	memset(st, 0, sizeof(*st));
	if ((error = rsys(fd, 439, slots, 2, &c, NULL)) != 0)
		return error;
	memcpy(&st->mode, sb + 8, 4);
	memcpy(&st->rdev, sb + 40, 8);
	memcpy(&st->size, sb + 112, 8);
	return 0;
}

#define NB_S_IFMT	0170000
#define NB_S_IFCHR	0020000
#define NB_S_IFBLK	0060000
#define NB_S_IFREG	0100000

/* --- running servers with drives ------------------------------------------------ */

/*
 * Start prog -s -v [args...] unix://sock in the host directory and
 * connect as a client; the connection (handshaken) or -1.
 */
static int
up(struct srv *s, const char *prog, const char *const *args)
{
	const char *argv[40], *sock = srv_sockpath("drv");
	static char url[128];
	int i = 0, fd;

	snprintf(url, sizeof(url), "unix://%s", sock);
	argv[i++] = "-s";
	argv[i++] = "-v";
	for (int j = 0; args[j] != NULL && i < 37; j++)
		argv[i++] = args[j];
	argv[i++] = url;
	argv[i] = NULL;
	srv_startv(s, prog, NULL, hostdir, argv);
	if ((fd = srv_await_unix(sock, 10)) == -1)
		return -1;
	if (srv_guest(fd, "drivetest") != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Halt with SIGTERM: exit 0 after "halted". */
static void
down(struct srv *s, int fd)
{
	if (fd != -1)
		close(fd);
	CHECK_EQ(srv_kill(s->pid, SIGTERM), 0);
	CHECK_EQ(srv_wait(s, 20), 0);
	CHECK(srv_has(s->out, "halted\n"));
	srv_reap();
}

/* A run that must fail at boot: exit status and the exact message. */
static void
check_fails(const char *prog, bool foreground, const char *const *args,
    int status, const char *msg)
{
	const char *argv[40], *sock = srv_sockpath("drvf");
	char url[128];
	struct srv s;
	int i = 0;

	snprintf(url, sizeof(url), "unix://%s", sock);
	if (foreground)
		argv[i++] = "-s";
	for (int j = 0; args[j] != NULL && i < 37; j++)
		argv[i++] = args[j];
	argv[i++] = url;
	argv[i] = NULL;
	srv_startv(&s, prog, NULL, hostdir, argv);
	srv_wait(&s, 20);
	if (s.status != status || strcmp(s.err, msg) != 0)
		t_fail(__FILE__, __LINE__, "status %d (want %d), stderr \"%s\" "
		    "(want \"%s\")", s.status, status, s.err, msg);
	CHECK(!srv_exists(sock));	/* drives come before the socket */
	srv_reap();
}

#define ARGS(...)	((const char *const[]){ __VA_ARGS__, NULL })

/* --- host files ------------------------------------------------------------------- */

TEST(missing_host_file_created_and_extended)
{
	struct srv s;
	struct rstat st;
	uint8_t buf[512];
	mode_t old = umask(027);
	int fd, kfd;

	unlink(H("new.img"));
	fd = up(&s, "rump_allserver",
	    ARGS("-d", "key=/dev/dk,hostpath=new.img,size=1m"));
	umask(old);
	CHECK(fd != -1);
	CHECK_EQ(host_stat("new.img").st_mode & 07777, 0640);
	CHECK_EQ(host_stat("new.img").st_size, 1048576);
	CHECK_EQ(r_stat(fd, "/dev/dk", &st), 0);
	CHECK_EQ(st.mode & NB_S_IFMT, NB_S_IFBLK);
	CHECK_EQ(st.size, 1048576);
	CHECK_EQ((st.rdev & 0x000fff00) >> 8, 197);
	CHECK_EQ(r_stat(fd, "/dev/rdk", &st), 0);
	CHECK_EQ(st.mode & NB_S_IFMT, NB_S_IFCHR);
	kfd = r_open(fd, "/dev/rdk", NB_O_RDONLY);
	CHECK(kfd >= 0);
	memset(buf, 0xff, sizeof(buf));
	CHECK_EQ(r_pread(fd, kfd, buf, 512, 1048576 - 512), 512);
	CHECK(buf[0] == 0 && buf[511] == 0);
	down(&s, fd);
	CHECK(srv_has(s.out, "/dev/dk: hostpath new.img (1024 KB)\n"));
}

/* size=1g is a gibibyte (NetBSD's Linux build makes it one byte). */
TEST(size_suffix_gibibyte)
{
	struct srv s;
	struct rstat st;
	int fd;

	unlink(H("g.img"));
	fd = up(&s, "rump_allserver",
	    ARGS("-d", "key=/dev/g,hostpath=g.img,size=1g"));
	CHECK(fd != -1);
	CHECK_EQ(host_stat("g.img").st_size, 1073741824);
	CHECK_EQ(r_stat(fd, "/dev/g", &st), 0);
	CHECK_EQ(st.size, 1073741824);
	down(&s, fd);
	CHECK(srv_has(s.out, "/dev/g: hostpath g.img (1024 MB)\n"));
}

TEST(size_products_and_blocks)
{
	struct srv s;
	int fd;

	unlink(H("p.img"));
	unlink(H("q.img"));
	fd = up(&s, "rump_allserver",
	    ARGS("-d", "key=/dev/p,hostpath=p.img,size=16bx2",
	    "-d", "key=/dev/q,hostpath=q.img,size=3x4k"));
	CHECK(fd != -1);
	CHECK_EQ(host_stat("p.img").st_size, 16384);
	CHECK_EQ(host_stat("q.img").st_size, 12288);
	down(&s, fd);
	CHECK(srv_has(s.out, "/dev/p: hostpath p.img (16384)\n"));
	CHECK(srv_has(s.out, "/dev/q: hostpath q.img (12288)\n"));
}

/* An existing file: the window starts at offset, the file is kept. */
TEST(offset_window_on_existing_file)
{
	struct srv s;
	uint8_t buf[4096];
	int fd, kfd;

	host_mkfile("win.img", 4 * 1048576);
	fd = up(&s, "rump_allserver",
	    ARGS("-d", "key=/dev/win,hostpath=win.img,size=1m,offset=1m"));
	CHECK(fd != -1);
	CHECK_EQ(host_stat("win.img").st_size, 4 * 1048576);
	kfd = r_open(fd, "/dev/rwin", NB_O_RDONLY);
	CHECK_EQ(r_pread(fd, kfd, buf, 4096, 8192), 4096);
	CHECK(is_pattern(buf, 4096, 1048576 + 8192));
	CHECK_EQ(r_pread(fd, kfd, buf, 4096, 1048576 - 2048), 2048);
	CHECK_EQ(r_pread(fd, kfd, buf, 512, 1048576), 0);
	down(&s, fd);
}

TEST(short_file_extended_to_offset_plus_size)
{
	struct srv s;
	int fd;

	host_mkfile("short.img", 1000);
	fd = up(&s, "rump_allserver",
	    ARGS("-d", "key=/dev/sh,hostpath=short.img,offset=4k,size=4k"));
	CHECK(fd != -1);
	CHECK_EQ(host_stat("short.img").st_size, 8192);
	down(&s, fd);
}

TEST(size_host_takes_file_size)
{
	struct srv s;
	struct rstat st;
	int fd;

	host_mkfile("host.img", 65536);
	fd = up(&s, "rump_allserver",
	    ARGS("-d", "key=/dev/h,hostpath=host.img,size=host"));
	CHECK(fd != -1);
	CHECK_EQ(r_stat(fd, "/dev/h", &st), 0);
	CHECK_EQ(st.size, 65536);
	down(&s, fd);
	CHECK(srv_has(s.out, "/dev/h: hostpath host.img (65536)\n"));
}

/* Writes through the buffered device reach the file by the halt. */
TEST(block_writes_reach_host_by_halt)
{
	struct srv s;
	uint8_t buf[3000], got[3000];
	int fd, kfd;

	host_mkfile("bw.img", 1048576);
	memset(buf, 0xd7, sizeof(buf));
	fd = up(&s, "rump_allserver",
	    ARGS("-d", "key=/dev/bw,hostpath=bw.img,size=512k,offset=512k"));
	CHECK(fd != -1);
	kfd = r_open(fd, "/dev/bw", NB_O_RDWR);
	CHECK(kfd >= 0);
	CHECK_EQ(r_pwrite(fd, kfd, buf, 3000, 12345), 3000);
	down(&s, fd);
	CHECK_EQ(host_pread("bw.img", got, 3000, 524288 + 12345), 3000);
	CHECK(memcmp(got, buf, 3000) == 0);
}

TEST(raw_writes_reach_host_at_once)
{
	struct srv s;
	uint8_t buf[1024], got[1024];
	int fd, kfd;

	host_mkfile("rw.img", 1048576);
	memset(buf, 0x3c, sizeof(buf));
	fd = up(&s, "rump_allserver",
	    ARGS("-d", "key=/dev/rw1,hostpath=rw.img,size=64k,offset=64k"));
	kfd = r_open(fd, "/dev/rrw1", NB_O_RDWR);
	CHECK_EQ(r_pwrite(fd, kfd, buf, 1024, 2048), 1024);
	CHECK_EQ(host_pread("rw.img", got, 1024, 65536 + 2048), 1024);
	CHECK(memcmp(got, buf, 1024) == 0);
	CHECK_EQ(r_fsync(fd, kfd), 0);
	down(&s, fd);
}

TEST(type_reg_without_size_maps_whole_file)
{
	struct srv s;
	struct rstat st;
	uint8_t buf[100];
	int fd, kfd;

	host_mkfile("reg.img", 5000);
	fd = up(&s, "rump_allserver",
	    ARGS("-d", "key=/r/file,hostpath=reg.img,type=reg"));
	CHECK(fd != -1);
	CHECK_EQ(r_stat(fd, "/r/file", &st), 0);
	CHECK_EQ(st.mode & NB_S_IFMT, NB_S_IFREG);
	CHECK_EQ(st.size, 5000);
	kfd = r_open(fd, "/r/file", NB_O_RDWR);
	CHECK_EQ(r_pread(fd, kfd, buf, 100, 4950), 50);
	CHECK(is_pattern(buf, 50, 4950));
	CHECK_EQ(r_pwrite(fd, kfd, "more", 4, 5000), 4);
	CHECK_EQ(host_stat("reg.img").st_size, 5004);
	down(&s, fd);
	/* only block devices are announced */
	CHECK(!srv_has(s.out, "/r/file: hostpath"));
}

TEST(type_reg_with_window)
{
	struct srv s;
	struct rstat st;
	uint8_t buf[100];
	int fd, kfd;

	host_mkfile("regw.img", 65536);
	fd = up(&s, "rump_allserver",
	    ARGS("-d", "key=/rw,hostpath=regw.img,type=reg,size=8k,offset=8k"));
	CHECK_EQ(r_stat(fd, "/rw", &st), 0);
	CHECK_EQ(st.size, 8192);
	kfd = r_open(fd, "/rw", NB_O_RDONLY);
	CHECK_EQ(r_pread(fd, kfd, buf, 100, 0), 100);
	CHECK(is_pattern(buf, 100, 8192));
	down(&s, fd);
}

TEST(type_chr_is_raw_only)
{
	struct rstat st;
	struct srv s;
	int fd;

	host_mkfile("chr.img", 65536);
	fd = up(&s, "rump_allserver",
	    ARGS("-d", "key=/dev/c,hostpath=chr.img,size=64k,type=chr"));
	CHECK_EQ(r_stat(fd, "/dev/c", &st), 0);
	CHECK_EQ(st.mode & NB_S_IFMT, NB_S_IFCHR);
	CHECK_EQ(r_stat(fd, "/dev/rc", &st), RUMP_ENOENT);
	down(&s, fd);
	CHECK(!srv_has(s.out, "/dev/c: hostpath"));
}

/* The NetBSD way: a blk key and a chr key on one file share a slot. */
TEST(blk_and_chr_keys_on_one_file)
{
	struct rstat b, c;
	struct srv s;
	int fd;

	host_mkfile("two.img", 65536);
	fd = up(&s, "rump_allserver",
	    ARGS("-d", "key=/dev/two,hostpath=two.img,size=64k",
	    "-d", "key=/dev/rtwo,hostpath=two.img,size=64k,type=chr"));
	CHECK(fd != -1);
	CHECK_EQ(r_stat(fd, "/dev/two", &b), 0);
	CHECK_EQ(r_stat(fd, "/dev/rtwo", &c), 0);
	CHECK_EQ(c.mode & NB_S_IFMT, NB_S_IFCHR);
	CHECK_EQ(b.rdev, c.rdev);
	down(&s, fd);
}

/* rump_server has no file systems until -l rumpvfs. */
TEST(rump_server_with_vfs_library)
{
	struct rstat st;
	struct srv s;
	int fd;

	host_mkfile("l.img", 8192);
	fd = up(&s, "rump_server",
	    ARGS("-l", "rumpvfs", "-d", "key=/dev/l,hostpath=l.img,size=8k"));
	CHECK(fd != -1);
	CHECK_EQ(r_stat(fd, "/dev/l", &st), 0);
	CHECK_EQ(st.size, 8192);
	down(&s, fd);
}

TEST(absolute_hostpath)
{
	struct rstat st;
	struct srv s;
	char spec[300];
	int fd;

	host_mkfile("abs.img", 8192);
	snprintf(spec, sizeof(spec), "key=/dev/abs,hostpath=%s,size=4k",
	    H("abs.img"));
	fd = up(&s, "rump_allserver", ARGS("-d", spec));
	CHECK_EQ(r_stat(fd, "/dev/abs", &st), 0);
	CHECK_EQ(st.size, 4096);
	down(&s, fd);
}

/* Every spelling of a valid drivespec registers: the boot gets as far
 * as the socket, which cannot be made. */
TEST(valid_forms_register)
{
	static const char *const specs[] = {
		"key=/dk,hostpath=vf.img,size=1g",
		"key=/dk,hostpath=vf.img,size=2x512",
		"key=/dk,hostpath=vf.img,size=16bx2,offset=1k",
		"key=/dk,hostpath=vf.img,size=1m,type=chr",
		"key=/dk,hostpath=vf.img,type=reg",
		"key=/dk,hostpath=vf.img,size=host",
		"key=/dk hostpath=vf.img\tsize=4k",
		",,key=/dk,,hostpath=vf.img,size=1t,",
		"key=/dk,hostpath=vf.img,size=0,size=8w",
	};
	struct srv s;

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		host_mkfile("vf.img", 4096);
		srv_startv(&s, "rump_allserver", NULL, hostdir,
		    ARGS("-s", "-d", specs[i], "unix:///nonexistent/dir/s"));
		srv_wait(&s, 20);
		if (s.status != 1 || !srv_has(s.err, "rump server init failed"))
			t_fail(__FILE__, __LINE__, "%s: %d %s", specs[i],
			    s.status, s.err);
		srv_reap();
	}
	unlink(H("vf.img"));
}

/* --- failures ---------------------------------------------------------------------- */

TEST(size_host_missing_file)
{
	unlink(H("none.img"));
	check_fails("rump_allserver", true,
	    ARGS("-d", "key=/dev/n,hostpath=none.img,size=host"), 1,
	    "rump_allserver: etfs hostpath open: No such file or directory\n");
	check_fails("rump_allserver", false,
	    ARGS("-d", "key=/dev/n,hostpath=none.img,size=host"), 2,
	    "rump_allserver: etfs hostpath open: No such file or directory\n");
	CHECK_EQ(host_stat("none.img").st_mode, 0);
}

TEST(size_host_empty_file)
{
	host_mkfile("empty.img", 0);
	check_fails("rump_allserver", true,
	    ARGS("-d", "key=/dev/e,hostpath=empty.img,size=host"), 1,
	    "rump_allserver: size=host, but cannot query non-zero size: "
	    "Invalid argument\n");
	check_fails("rump_allserver", false,
	    ARGS("-d", "key=/dev/e,hostpath=empty.img,size=host"), 22,
	    "rump_allserver: size=host, but cannot query non-zero size: "
	    "Invalid argument\n");
}

TEST(hostpath_is_a_directory)
{
	mkdir(H("adir"), 0755);
	check_fails("rump_allserver", false,
	    ARGS("-d", "key=/dev/d,hostpath=adir,size=1m"), 21,
	    "rump_allserver: etfs hostpath open: Is a directory\n");
}

TEST(hostpath_in_missing_directory)
{
	check_fails("rump_allserver", false,
	    ARGS("-d", "key=/dev/d,hostpath=no/such/dir.img,size=1m"), 2,
	    "rump_allserver: etfs hostpath open: No such file or directory\n");
}

TEST(window_too_large_to_extend)
{
	host_mkfile("big.img", 0);
	check_fails("rump_allserver", false,
	    ARGS("-d", "key=/dev/b,hostpath=big.img,size=1,"
	    "offset=9223372036854775807"), 27,
	    "rump_allserver: truncate: File too large\n");
	check_fails("rump_allserver", true,
	    ARGS("-d", "key=/dev/b,hostpath=big.img,size=100t"), 1,
	    "rump_allserver: truncate: File too large\n");
}

TEST(register_key_without_slash)
{
	host_mkfile("k.img", 4096);
	check_fails("rump_allserver", false,
	    ARGS("-d", "key=dev/k,hostpath=k.img,size=4k"), 22,
	    "rump_allserver: etfs register: Invalid argument (key dev/k does "
	    "not start with /)\n");
}

TEST(register_same_key_twice)
{
	host_mkfile("k1.img", 4096);
	host_mkfile("k2.img", 4096);
	check_fails("rump_allserver", false,
	    ARGS("-d", "key=/dev/k,hostpath=k1.img,size=4k",
	    "-d", "key=/dev/k,hostpath=k2.img,size=4k"), 17,
	    "rump_allserver: etfs register: File exists (/dev/k is taken)\n");
	check_fails("rump_allserver", false,
	    ARGS("-d", "key=/dev/null,hostpath=k1.img,size=4k"), 17,
	    "rump_allserver: etfs register: File exists (/dev/null is "
	    "taken)\n");
}

TEST(register_seventeen_disks)
{
	const char *argv[40];
	char specs[17][64];
	int i, n = 0;

	for (i = 0; i < 17; i++) {
		char name[16];

		snprintf(name, sizeof(name), "m%d.img", i);
		host_mkfile(name, 0);
		snprintf(specs[i], sizeof(specs[i]),
		    "key=/dev/m%d,hostpath=%s,size=4k", i, name);
		argv[n++] = "-d";
		argv[n++] = specs[i];
	}
	argv[n] = NULL;
	check_fails("rump_allserver", false, argv, 16,
	    "rump_allserver: etfs register: Device busy (all 16 disk slots "
	    "are taken)\n");
}

/* Drives are registered in order; the third one fails. */
TEST(third_drive_fails_after_two)
{
	host_mkfile("w.img", 4096);
	check_fails("rump_allserver", false,
	    ARGS("-d", "key=/dev/w,hostpath=w.img,size=host",
	    "-d", "key=/dev/w2,hostpath=w.img,size=host,type=reg",
	    "-d", "key=/dev/w,hostpath=w.img,size=1k"), 17,
	    "rump_allserver: etfs register: File exists (/dev/w is taken)\n");
}

TEST(rump_server_without_vfs_enosys)
{
	host_mkfile("nv.img", 4096);
	check_fails("rump_server", false,
	    ARGS("-d", "key=/dev/nv,hostpath=nv.img,size=4k"), 78,
	    "rump_server: etfs register: Function not implemented (no file "
	    "system layer: load it with -l rumpvfs)\n");
	check_fails("rump_server", true,
	    ARGS("-d", "key=/dev/nv,hostpath=nv.img,size=4k"), 1,
	    "rump_server: etfs register: Function not implemented (no file "
	    "system layer: load it with -l rumpvfs)\n");
}

/* --- disklabels ---------------------------------------------------------------------- */

#define DL_MAGIC	0x82564557U

static void
put32(uint8_t *p, uint32_t v, bool be)
{
	if (be)
		v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}

static void
put16(uint8_t *p, uint16_t v, bool be)
{
	if (be)
		v = __builtin_bswap16(v);
	memcpy(p, &v, 2);
}

/*
 * A NetBSD disklabel (sys/sys/disklabel.h, amd64 layout, room for 22
 * partitions: 504 bytes) at img + at, with npart partitions of
 * (size, offset) sectors, in big-endian order if be.  cksum_ok false
 * spoils the checksum.
 */
static void
mklabel(uint8_t *img, size_t at, const uint32_t parts[][2], int npart,
    bool be, bool cksum_ok)
{
	uint8_t *l = img + at;
	uint16_t sum = 0, w;

	memset(l, 0, 504);
	put32(l + 0, DL_MAGIC, be);		/* d_magic */
	put16(l + 4, 4, be);			/* d_type: SCSI */
	memcpy(l + 8, "testdisk", 8);		/* d_typename */
	put32(l + 40, 512, be);			/* d_secsize */
	put32(l + 44, 32, be);			/* d_nsectors */
	put32(l + 48, 64, be);			/* d_ntracks */
	put32(l + 52, 100, be);			/* d_ncylinders */
	put32(l + 56, 2048, be);		/* d_secpercyl */
	put32(l + 60, 204800, be);		/* d_secperunit */
	put16(l + 72, 3600, be);		/* d_rpm */
	put32(l + 132, DL_MAGIC, be);		/* d_magic2 */
	put16(l + 138, (uint16_t)npart, be);	/* d_npartitions */
	put32(l + 140, 8192, be);		/* d_bbsize */
	put32(l + 144, 8192, be);		/* d_sbsize */
	for (int i = 0; i < npart; i++) {
		put32(l + 148 + 16 * i, parts[i][0], be);
		put32(l + 148 + 16 * i + 4, parts[i][1], be);
		l[148 + 16 * i + 12] = 7;	/* 4.2BSD */
	}
	for (int i = 0; i < 148 + 16 * npart; i += 2) {
		memcpy(&w, l + i, 2);
		sum ^= w;
	}
	if (!cksum_ok)
		sum ^= 1;
	memcpy(l + 136, &sum, 2);		/* d_checksum */
}

/* Partitions a..e: a, b, c, d (whole), e at 3 MiB, 1 MiB long. */
static const uint32_t parts5[5][2] = {
	{ 2048, 64 }, { 2048, 2112 }, { 1024, 4160 }, { 20480, 0 },
	{ 2048, 6144 },
};

/* A 10 MiB image: the label at `at`, and each partition's first
 * bytes say which it is. */
static void
mkimage(const char *name, size_t at, bool be, bool cksum_ok)
{
	static uint8_t head[65536];
	char tag[16];

	host_mkfile(name, 0);
	memset(head, 0, sizeof(head));
	mklabel(head, at, parts5, 5, be, cksum_ok);
	host_pwrite(name, head, sizeof(head), 0);
	for (int i = 0; i < 5; i++) {
		if (i == 3)
			continue;
		snprintf(tag, sizeof(tag), "part-%c", 'a' + i);
		host_pwrite(name, tag, strlen(tag), (off_t)parts5[i][1] * 512);
	}
	if (truncate(H(name), 10 * 1048576) != 0)
		t_fail(__FILE__, __LINE__, "truncate");
}

/* Partition letter's window, seen by a client through /dev/rlab. */
static void
check_partition(const char *image, char letter, uint32_t size,
    uint32_t offset)
{
	char spec[128], want[128], tag[16];
	uint8_t buf[512];
	struct rstat st;
	struct srv s;
	int fd, kfd;

	snprintf(spec, sizeof(spec), "key=/dev/lab,hostpath=%s,disklabel=%c",
	    image, letter);
	fd = up(&s, "rump_allserver", ARGS("-d", spec));
	CHECK(fd != -1);
	CHECK_EQ(r_stat(fd, "/dev/lab", &st), 0);
	CHECK_EQ(st.size, (int64_t)size * 512);
	kfd = r_open(fd, "/dev/rlab", NB_O_RDONLY);
	CHECK_EQ(r_pread(fd, kfd, buf, 512, 0), 512);
	snprintf(tag, sizeof(tag), "part-%c", letter);
	if (letter != 'd' && memcmp(buf, tag, strlen(tag)) != 0)
		t_fail(__FILE__, __LINE__, "partition %c: wrong bytes at %u",
		    letter, offset);
	down(&s, fd);
	snprintf(want, sizeof(want), "/dev/lab: hostpath %s (", image);
	CHECK(srv_has(s.out, want));
}

TEST(disklabel_partitions_little_endian)
{
	mkimage("le.img", 512, false, true);
	check_partition("le.img", 'e', 2048, 6144);
	check_partition("le.img", 'a', 2048, 64);
	check_partition("le.img", 'c', 1024, 4160);
}

TEST(disklabel_partitions_big_endian)
{
	mkimage("be.img", 512, true, true);
	check_partition("be.img", 'e', 2048, 6144);
	check_partition("be.img", 'b', 2048, 2112);
}

/* The label may sit at any 4-byte boundary of the first 64 KiB. */
TEST(disklabel_found_anywhere_in_64k)
{
	mkimage("any.img", 4, false, true);
	check_partition("any.img", 'e', 2048, 6144);
	mkimage("any2.img", 65536 - 504, true, true);
	check_partition("any2.img", 'a', 2048, 64);
}

TEST(disklabel_bad_checksum_not_found)
{
	mkimage("bad.img", 512, false, false);
	check_fails("rump_allserver", false,
	    ARGS("-d", "key=/dev/lab,hostpath=bad.img,disklabel=e"), 2,
	    "rump_allserver: disklabel not found: No such file or directory\n");
	check_fails("rump_allserver", true,
	    ARGS("-d", "key=/dev/lab,hostpath=bad.img,disklabel=e"), 1,
	    "rump_allserver: disklabel not found: No such file or directory\n");
}

/* The first candidate decides; a good label after a bad one is not
 * looked for. */
TEST(disklabel_first_candidate_decides)
{
	static uint8_t head[65536];

	memset(head, 0, sizeof(head));
	mklabel(head, 512, parts5, 5, false, false);
	mklabel(head, 8192, parts5, 5, false, true);
	host_mkfile("first.img", 0);
	host_pwrite("first.img", head, sizeof(head), 0);
	check_fails("rump_allserver", false,
	    ARGS("-d", "key=/dev/lab,hostpath=first.img,disklabel=a"), 2,
	    "rump_allserver: disklabel not found: No such file or directory\n");
}

TEST(disklabel_too_many_partitions)
{
	static uint8_t head[65536];
	uint32_t parts[23][2];

	memset(parts, 0, sizeof(parts));
	memset(head, 0, sizeof(head));
	mklabel(head, 512, parts, 23, false, true);
	host_mkfile("many.img", 0);
	host_pwrite("many.img", head, sizeof(head), 0);
	check_fails("rump_allserver", false,
	    ARGS("-d", "key=/dev/lab,hostpath=many.img,disklabel=a"), 2,
	    "rump_allserver: disklabel not found: No such file or directory\n");
}

TEST(disklabel_beyond_64k_not_found)
{
	static uint8_t head[65536];

	memset(head, 0, sizeof(head));
	mklabel(head, 0, parts5, 5, false, true);
	host_mkfile("far.img", 0);
	host_pwrite("far.img", head, 504, 65536);
	check_fails("rump_allserver", false,
	    ARGS("-d", "key=/dev/lab,hostpath=far.img,disklabel=a"), 2,
	    "rump_allserver: disklabel not found: No such file or directory\n");
}

/* A missing image is created empty, and has no label. */
TEST(disklabel_on_new_file_not_found)
{
	unlink(H("fresh.img"));
	check_fails("rump_allserver", false,
	    ARGS("-d", "key=/dev/lab,hostpath=fresh.img,disklabel=a"), 2,
	    "rump_allserver: disklabel not found: No such file or directory\n");
	CHECK_EQ(host_stat("fresh.img").st_size, 0);
}

TEST(disklabel_partition_not_available)
{
	mkimage("pna.img", 512, false, true);
	check_fails("rump_allserver", false,
	    ARGS("-d", "key=/dev/lab,hostpath=pna.img,disklabel=f"), 2,
	    "rump_allserver: partition not available: No such file or "
	    "directory\n");
	check_fails("rump_allserver", true,
	    ARGS("-d", "key=/dev/lab,hostpath=pna.img,disklabel=z"), 1,
	    "rump_allserver: partition not available: No such file or "
	    "directory\n");
}

/* Offsets past 4 GiB: NetBSD's server shifts in 32 bits. */
TEST(disklabel_partition_past_4g)
{
	static uint8_t head[65536];
	const uint32_t parts[2][2] = { { 2048, 64 }, { 2048, 9437184 } };
	char spec[128];
	uint8_t buf[512];
	struct rstat st;
	struct srv s;
	int fd, kfd;

	memset(head, 0, sizeof(head));
	mklabel(head, 512, parts, 2, true, true);
	host_mkfile("huge.img", 0);
	host_pwrite("huge.img", head, sizeof(head), 0);
	host_pwrite("huge.img", "past-4g", 7, (off_t)9437184 * 512);
	snprintf(spec, sizeof(spec), "key=/dev/lab,hostpath=huge.img,"
	    "disklabel=b");
	fd = up(&s, "rump_allserver", ARGS("-d", spec));
	CHECK_EQ(r_stat(fd, "/dev/lab", &st), 0);
	CHECK_EQ(st.size, 1048576);
	kfd = r_open(fd, "/dev/rlab", NB_O_RDONLY);
	CHECK_EQ(r_pread(fd, kfd, buf, 512, 0), 512);
	CHECK(memcmp(buf, "past-4g", 7) == 0);
	down(&s, fd);
	/* extended to the partition's end */
	CHECK_EQ(host_stat("huge.img").st_size, (off_t)9437184 * 512 + 1048576);
}

/* size or offset after disklabel= are ignored: the label wins. */
TEST(disklabel_wins_over_later_size)
{
	struct rstat st;
	struct srv s;
	int fd;

	mkimage("later.img", 512, false, true);
	fd = up(&s, "rump_allserver",
	    ARGS("-d", "key=/dev/lab,hostpath=later.img,disklabel=c,size=8m"));
	CHECK_EQ(r_stat(fd, "/dev/lab", &st), 0);
	CHECK_EQ(st.size, 1024 * 512);
	down(&s, fd);
}

/* A fifo opens read-write on Linux, but cannot be read at an offset. */
TEST(disklabel_unreadable_image)
{
	unlink(H("fifo"));
	CHECK_EQ(mkfifo(H("fifo"), 0644), 0);
	check_fails("rump_allserver", false,
	    ARGS("-d", "key=/dev/lab,hostpath=fifo,disklabel=a"), 29,
	    "rump_allserver: could not read disk device: Illegal seek\n");
}

/* Only regular files and devices can be disks: the kernel says so. */
TEST(register_fifo_as_disk_einval)
{
	unlink(H("fifo2"));
	CHECK_EQ(mkfifo(H("fifo2"), 0644), 0);
	check_fails("rump_allserver", false,
	    ARGS("-d", "key=/dev/ff,hostpath=fifo2,size=4k"), 22,
	    "rump_allserver: etfs register: Invalid argument\n");
}
