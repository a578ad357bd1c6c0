/*
 * bench_ffs: FFS in a server, through librumpclient, against the same
 * work done by the host on the host's file system, in one run:
 *
 *   seq write   256 MiB in 1 MiB writes, then fsync; host: pwrite into
 *               a file beside the image, then fsync.  The image file is
 *               written in full by makefs, so the host's file is too
 *               (untimed) before: both sides overwrite allocated space
 *   seq read    the same 256 MiB read back in 1 MiB reads, cold on
 *               both sides: the host's page cache is told to drop the
 *               host file, and the image file (posix_fadvise DONTNEED),
 *               and the rump side remounts, so the kernel's buffer
 *               cache is cold too
 *   files       create, stat and unlink 10,000 empty files in one
 *               directory
 *   extract     a tar-like extraction: 40 directories of 50 files of
 *               0..64 KiB each (mkdir, create, write, fchmod, utimens),
 *               then sync
 *
 * The image is an empty UFS2 file system made by makefs (room for
 * 20,000 more inodes); the server is
 * `rump_allserver -s -d key=/dev/ffs0,hostpath=IMAGE,size=host`.
 * Ratios are host time / rump time for the same work (1.0 = as fast
 * as the host; the goal for sequential I/O is 0.8).  BENCH_DIR
 * names the directory for the image and the host files (default
 * /tmp); BENCH_MB the sequential size.  Skips without makefs or the
 * server.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rump/rumpclient.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>
#include <rump/rump_types.h>
#include <rump/rumperr.h>

#define MIB		(1024 * 1024)
#define MAKEFS		"/usr/sbin/makefs"
#define NFILES		10000
#define XDIRS		40
#define XFILES		50

static char dir[64], bindir[PATH_MAX], sock[80], image[96];
static pid_t srvpid = -1;
static int rumping;	/* errno now holds NetBSD numbers (main only) */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
die(const char *what)
{
	fprintf(stderr, "bench_ffs: %s: %s\n", what,
	    rumping ? rump_strerror(errno) : strerror(errno));
	exit(1);
}

/* The bin directory beside ours (build/bench -> build/bin). */
static void
find_bindir(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = '\0';
	snprintf(bindir, sizeof(bindir), "%s/bin", dirname(dirname(exe)));
	if (getenv("BENCH_BINDIR") != NULL)
		snprintf(bindir, sizeof(bindir), "%s", getenv("BENCH_BINDIR"));
}

static int
accepting(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), ok;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock);
	ok = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	close(fd);
	return ok;
}

/* Start rump_allserver on the image; exit if it does not come up. */
static void
srv_start(void)
{
	char path[PATH_MAX + 32], drive[PATH_MAX + 64], url[PATH_MAX + 16];
	struct timespec d = { 0, 1000000 };
	int fd;

	snprintf(path, sizeof(path), "%s/rump_allserver", bindir);
	snprintf(url, sizeof(url), "unix://%s", sock);
	snprintf(drive, sizeof(drive), "key=/dev/ffs0,hostpath=%s,size=host",
	    image);
	if ((srvpid = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);	/* never outlive us */
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		execl(path, "rump_allserver", "-s", "-d", drive, url,
		    (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 10000; i++) {
		if (accepting())
			return;
		if (waitpid(srvpid, NULL, WNOHANG) == srvpid) {
			fprintf(stderr, "bench_ffs: server exited\n");
			exit(1);
		}
		nanosleep(&d, NULL);
	}
	fprintf(stderr, "bench_ffs: server did not start\n");
	exit(1);
}

static void
cleanup(void)
{
	char cmd[128];

	if (srvpid > 0) {
		kill(srvpid, SIGKILL);
		waitpid(srvpid, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_ffs: cannot remove %s\n", dir);
}

static void
rump_mount_ffs(void)
{
	struct rump_ufs_args ua = { .fspec = "/dev/ffs0" };

	if (rump_sys_mount(RUMP_MOUNT_FFS, "/mnt", 0, &ua, sizeof(ua)) == -1)
		die("mount ffs");
}

/* --- the work, once for each side ----------------------------------------- */

/* Operations both sides do, so each bench is written once. */
struct side {
	const char *root;
	int	(*open)(const char *, int, ...);
	ssize_t	(*pwrite)(int, const void *, size_t, off_t);
	ssize_t	(*pread)(int, void *, size_t, off_t);
	int	(*fsync)(int);
	int	(*close)(int);
	int	(*mkdir)(const char *, mode_t);
	int	(*unlink)(const char *);
	int	(*fchmod)(int, mode_t);
	int	(*stat)(const char *, void *);
	int	(*futimens)(int, const void *);
	void	(*sync)(void);
	int	oflags_create;	/* O_WRONLY|O_CREAT|O_TRUNC on this side */
	int	oflags_read;
};

static int host_stat(const char *p, void *st) { return stat(p, st); }
static int host_futimens(int fd, const void *ts) { return futimens(fd, ts); }
static int rump_stat(const char *p, void *st) { return rump_sys_stat(p, st); }
static int rump_futimens(int fd, const void *ts) { return rump_sys_futimens(fd, ts); }
static void rump_sync(void) { rump_sys_sync(); }
static int host_open(const char *p, int fl, ...) { return open(p, fl, 0644); }
static int rump_open(const char *p, int fl, ...) { return rump_sys_open(p, fl, 0644); }

static const struct side host_side = {
	NULL, host_open, pwrite, pread, fsync, close, mkdir, unlink, fchmod,
	host_stat, host_futimens, sync,
	O_WRONLY | O_CREAT | O_TRUNC, O_RDONLY,
};
static const struct side rump_side = {
	"/mnt", rump_open, rump_sys_pwrite, rump_sys_pread, rump_sys_fsync,
	rump_sys_close, rump_sys_mkdir, rump_sys_unlink, rump_sys_fchmod,
	rump_stat, rump_futimens, rump_sync,
	RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC, RUMP_O_RDONLY,
};

static void
path(const struct side *s, char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", s->root != NULL ? s->root : dir, name);
}

static double
seq_write(const struct side *s, char *buf, size_t mb)
{
	char p[PATH_MAX + 32];
	double t = now();
	int fd;

	path(s, p, sizeof(p), "big");
	if ((fd = s->open(p, s->oflags_create)) == -1)
		die("open big");
	for (size_t i = 0; i < mb; i++) {
		buf[0] = (char)i;
		if (s->pwrite(fd, buf, MIB, (off_t)i * MIB) != MIB)
			die("write big");
	}
	if (s->fsync(fd) == -1)
		die("fsync big");
	s->close(fd);
	return now() - t;
}

/* Ask the host to forget its cached pages of a (synced) file. */
static void
drop_cache(const char *file)
{
	int fd = open(file, O_RDONLY);

	if (fd != -1) {
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
}

/* The host's timed write: over the allocated file, as the image is. */
static double
seq_write_over(char *buf, size_t mb)
{
	char p[PATH_MAX];
	double t = now();
	int fd;

	snprintf(p, sizeof(p), "%s/big", dir);
	if ((fd = open(p, O_WRONLY)) == -1)
		die("open big");
	for (size_t i = 0; i < mb; i++) {
		buf[0] = (char)i;
		if (pwrite(fd, buf, MIB, (off_t)i * MIB) != MIB)
			die("write big");
	}
	if (fsync(fd) == -1)
		die("fsync big");
	close(fd);
	return now() - t;
}

static double
seq_read(const struct side *s, char *buf, size_t mb)
{
	char p[PATH_MAX + 32];
	double t = now();
	int fd;

	path(s, p, sizeof(p), "big");
	if ((fd = s->open(p, s->oflags_read)) == -1)
		die("open big for reading");
	for (size_t i = 0; i < mb; i++) {
		if (s->pread(fd, buf, MIB, (off_t)i * MIB) != MIB)
			die("read big");
		if (buf[0] != (char)i) {
			fprintf(stderr, "bench_ffs: MiB %zu reads back wrong\n",
			    i);
			exit(1);
		}
	}
	s->close(fd);
	return now() - t;
}

static double
files(const struct side *s)
{
	char p[PATH_MAX + 64], d[PATH_MAX + 32];
	char st[256];	/* either side's struct stat */
	double t;
	int fd;

	path(s, d, sizeof(d), "files");
	if (s->mkdir(d, 0755) == -1)
		die("mkdir files");
	t = now();
	for (int i = 0; i < NFILES; i++) {
		snprintf(p, sizeof(p), "%s/f%05d", d, i);
		if ((fd = s->open(p, s->oflags_create)) == -1)
			die("create");
		s->close(fd);
	}
	for (int i = 0; i < NFILES; i++) {
		snprintf(p, sizeof(p), "%s/f%05d", d, i);
		if (s->stat(p, st) == -1)
			die("stat");
	}
	for (int i = 0; i < NFILES; i++) {
		snprintf(p, sizeof(p), "%s/f%05d", d, i);
		if (s->unlink(p) == -1)
			die("unlink");
	}
	return now() - t;
}

static double
extract(const struct side *s, const char *buf)
{
	char p[PATH_MAX + 64], d[PATH_MAX + 32];
	struct { int64_t sec; long nsec; } ts[2] = {
		{ 1000000000, 0 }, { 1000000000, 0 },
	};
	double t = now();
	int fd;

	for (int i = 0; i < XDIRS; i++) {
		snprintf(d, sizeof(d), "%s/x%02d", s->root != NULL ? s->root :
		    dir, i);
		if (s->mkdir(d, 0755) == -1)
			die("mkdir x");
		for (int j = 0; j < XFILES; j++) {
			size_t len = ((size_t)(i * XFILES + j) * 1237) %
			    (64 * 1024);
			snprintf(p, sizeof(p), "%s/f%02d", d, j);
			if ((fd = s->open(p, s->oflags_create)) == -1)
				die("create x");
			if (len > 0 && s->pwrite(fd, buf, len, 0) !=
			    (ssize_t)len)
				die("write x");
			s->fchmod(fd, 0640);
			s->futimens(fd, ts);
			s->close(fd);
		}
	}
	s->sync();
	return now() - t;
}

int
main(void)
{
	const char *e = getenv("BENCH_MB");
	size_t mb = e != NULL ? (size_t)atol(e) : 256;
	double h[4], r[4];
	char cmd[PATH_MAX + 64], empty[96], *buf;
	const char *names[4] = { "seq write", "seq read", "files",
	    "extract" };

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	find_bindir();
	snprintf(cmd, sizeof(cmd), "%s/rump_allserver", bindir);
	if (access(cmd, X_OK) != 0 || access(MAKEFS, X_OK) != 0) {
		printf("bench_ffs: needs %s and " MAKEFS ": skipped\n", cmd);
		return 0;
	}
	e = getenv("BENCH_DIR");
	if (snprintf(dir, sizeof(dir), "%s/bench_ffs.XXXXXX", e != NULL ? e :
	    "/tmp") >= (int)sizeof(dir)) {
		fprintf(stderr, "bench_ffs: BENCH_DIR too long\n");
		return 1;
	}
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	atexit(cleanup);
	if ((buf = malloc(MIB)) == NULL)
		die("malloc");
	for (size_t i = 0; i < MIB; i++)
		buf[i] = (char)(i * 7 + (i >> 12));

	/* The host's side. */
	(void)seq_write(&host_side, buf, mb);	/* allocate, untimed */
	h[0] = seq_write_over(buf, mb);
	snprintf(cmd, sizeof(cmd), "%s/big", dir);
	drop_cache(cmd);
	h[1] = seq_read(&host_side, buf, mb);
	h[2] = files(&host_side);
	h[3] = extract(&host_side, buf);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'/big '%s'/files '%s'/x*", dir,
	    dir, dir);
	if (system(cmd) != 0)
		die("rm");

	/* An empty image with room for the file and the trees. */
	snprintf(empty, sizeof(empty), "%s/empty", dir);
	snprintf(image, sizeof(image), "%s/ffs.img", dir);
	snprintf(sock, sizeof(sock), "%s/sock", dir);
	mkdir(empty, 0755);
	snprintf(cmd, sizeof(cmd), MAKEFS " -t ffs -o version=2 -f 20000 -s %zum "
	    "'%s' '%s' >/dev/null", mb + mb / 4 + 256, image, empty);
	if (system(cmd) != 0)
		die("makefs");
	srv_start();
	rumping = 1;
	snprintf(cmd, sizeof(cmd), "unix://%s", sock);
	setenv("RUMP_SERVER", cmd, 1);
	if (rumpclient_init() == -1)
		die("rumpclient_init");
	if (rump_sys_mkdir("/mnt", 0755) == -1 && errno != RUMP_EEXIST)
		die("mkdir /mnt");
	rump_mount_ffs();
	r[0] = seq_write(&rump_side, buf, mb);
	if (rump_sys_unmount("/mnt", 0) == -1)
		die("unmount");
	drop_cache(image);
	rump_mount_ffs();
	r[1] = seq_read(&rump_side, buf, mb);
	r[2] = files(&rump_side);
	r[3] = extract(&rump_side, buf);
	if (rump_sys_unmount("/mnt", 0) == -1)
		die("unmount");

	for (int i = 0; i < 4; i++) {
		if (i < 2)
			printf("bench_ffs: %-9s %zu MiB: host %.0f MB/s, rump "
			    "%.0f MB/s, ratio %.2f\n", names[i], mb,
			    mb * MIB / h[i] / 1e6, mb * MIB / r[i] / 1e6,
			    h[i] / r[i]);
		else
			printf("bench_ffs: %-9s host %.3f s, rump %.3f s, "
			    "ratio %.2f\n", names[i], h[i], r[i], h[i] / r[i]);
	}
	free(buf);
	return 0;
}
