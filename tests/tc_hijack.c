/*
 * tc_hijack.c: librumphijack and rump.run with real Debian programs.
 *
 * t_boot starts `rump_allserver -s` on a fresh socket (with a makefs
 * FFS image as a drive when makefs exists) and builds a host source
 * tree.  Each test mounts a fresh tmpfs at /t/<name> in the server and
 * runs one bash script twice: plainly in a host directory, and as
 * `rump.run bash -c 'cd /rump/t/<name> && SCRIPT'`, where bash, every
 * program it starts and everything they open are hijacked.  Exit
 * status and output (stdout and stderr) must be identical; the
 * scripts print only what must agree (names, modes, sizes, contents,
 * link counts, mtimes set on purpose), never inode or device numbers
 * or directory sizes, which differ between file systems.
 *
 * The multithreaded program is this binary itself, run with
 * TC_HIJACK_MT=<dir>; with TC_HIJACK_CALLS it calls library entry
 * points no Debian program here reaches (glob, scandir, __xstat...).
 */
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <dirent.h>
#include <dlfcn.h>
#include <glob.h>
#include <utime.h>

#define TC_HARNESS_CLIENT	/* t_boot connects us to the server */
#include "tc_util.h"

#define MAKEFS	"/usr/sbin/makefs"
#define OUTMAX	(1 << 20)

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif

static char tmpdir[64] = "/tmp/tc_hijack.XXXXXX";
static const char *bindir;
static char selfexe[PATH_MAX], image[128], rwimage[128];
static bool have_ffs;
static struct tc_srv srv;

/* ------------------------------------------------------------ helpers */

/*
 * Run argv with cwd `dir` and extra environment `env` (NULL-ended
 * "K=V" list); its stdout and stderr into out.  Returns the exit
 * status, or 1000 + signal.
 */
static int
run(const char *dir, char *const env[], char *const argv[], char *out,
    size_t cap)
{
	int p[2], st, i;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(p) == -1)
		return -1;
	if ((pid = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		if (dir != NULL && chdir(dir) == -1)
			_exit(125);
		for (i = 0; env != NULL && env[i] != NULL; i++)
			putenv(env[i]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], out + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(p[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

static char *
path_in(char *buf, size_t len, const char *a, const char *b)
{
	if (snprintf(buf, len, "%s/%s", a, b) >= (int)len)
		abort();
	return buf;
}

/* A fresh tmpfs at /t/<test> in the server: the test's rump side. */
static int
mount_test_tmpfs(void)
{
	struct rump_tmpfs_args ta = { .ta_version = 1, .ta_root_mode = 0755 };
	char dir[128];

	snprintf(dir, sizeof(dir), "/t/%s", t_current);
	return rump_sys_mount(RUMP_MOUNT_TMPFS, dir, 0, &ta, sizeof(ta));
}

/* Environment for one side: OUT (a host directory of that side's own),
 * SRC, TC_SELF; plus the caller's extra entry. */
static void
side_env(char *env[], char bufs[][PATH_MAX + 16], const char *side,
    const char *extra)
{
	char out[PATH_MAX];

	snprintf(out, sizeof(out), "%s/out.%s.%s", tmpdir, t_current, side);
	mkdir(out, 0755);
	snprintf(bufs[0], PATH_MAX + 16, "OUT=%s", out);
	snprintf(bufs[1], PATH_MAX + 16, "SRC=%s/src", tmpdir);
	snprintf(bufs[2], PATH_MAX + 16, "TC_SELF=%s", selfexe);
	env[0] = bufs[0];
	env[1] = bufs[1];
	env[2] = bufs[2];
	env[3] = (char *)extra;
	env[4] = NULL;
}

/*
 * The heart of the tests: script run on the host in a fresh host
 * directory, and through rump.run in rump directory `rdir` (NULL: the
 * test's tmpfs).  Both outputs and statuses must agree.
 */
static void
compare_in(const char *rdir, const char *script, const char *extra)
{
	static char hout[OUTMAX], rout[OUTMAX];
	char hdir[PATH_MAX], rr[PATH_MAX], rscript[8192], rd[200];
	char envb[2][3][PATH_MAX + 16], *env[2][5];
	int hrc, rrc;

	if (rdir == NULL) {
		if (mount_test_tmpfs() == -1) {
			t_fail(__FILE__, __LINE__, "mount tmpfs: %d", errno);
			return;
		}
		snprintf(rd, sizeof(rd), "/rump/t/%s", t_current);
		rdir = rd;
	}
	path_in(hdir, sizeof(hdir), tmpdir, t_current);
	mkdir(hdir, 0755);
	side_env(env[0], envb[0], "host", extra);
	side_env(env[1], envb[1], "rump", extra);
	hrc = run(hdir, env[0], (char *[]){ (char *)"/usr/bin/timeout",
	    (char *)"120", (char *)"/bin/bash", (char *)"-c",
	    (char *)script, NULL }, hout, sizeof(hout));
	path_in(rr, sizeof(rr), bindir, "rump.run");
	snprintf(rscript, sizeof(rscript), "cd %s && %s", rdir, script);
	rrc = run("/", env[1], (char *[]){ (char *)"/usr/bin/timeout",
	    (char *)"120", rr, (char *)"/bin/bash", (char *)"-c", rscript,
	    NULL }, rout, sizeof(rout));
	if (hrc != rrc || strcmp(hout, rout) != 0)
		t_fail(__FILE__, __LINE__, "host and rump differ:\n"
		    "--- host (status %d):\n%s--- rump (status %d):\n%s---",
		    hrc, hout, rrc, rout);
	if (strlen(hout) < 2)
		t_fail(__FILE__, __LINE__, "the script printed nothing");
}

/* Unmount once the hijacked processes that used the mount are gone:
 * the server reaps a process after its connection closes, so the
 * mount can be busy for a moment after the program exited. */
static int
unmount_when_free(const char *path)
{
	int i, r;

	for (i = 0; (r = rump_sys_unmount(path, 0)) == -1 &&
	    errno == RUMP_EBUSY && i < 500; i++)
		usleep(10000);
	return r;
}

/* The test's rump directory, seen from this process (not through the
 * hijack): path's size there, or -1.  (Our cwd is the directory the
 * test's tmpfs covers, so the path is made absolute.) */
static long long
rump_size(const char *path)
{
	struct rump_stat st;
	char p[256];

	snprintf(p, sizeof(p), "/t/%s/%s", t_current, path);
	if (rump_sys_stat(p, (struct stat *)(void *)&st) == -1)
		return -1;
	return st.st_size;
}

static void
compare(const char *script)
{
	compare_in(NULL, script, NULL);
}

/* Is prog on PATH?  Tests that need it skip, saying so, if not. */
static bool
have_prog(const char *prog)
{
	const char *path = getenv("PATH"), *e;
	char p[PATH_MAX];

	for (; path != NULL && *path != '\0'; path = e + 1) {
		e = strchr(path, ':');
		snprintf(p, sizeof(p), "%.*s/%s",
		    (int)(e ? e - path : (long)strlen(path)), path, prog);
		if (access(p, X_OK) == 0)
			return true;
		if (e == NULL)
			break;
	}
	fprintf(stderr, "  %s: skipped (no %s on PATH)\n", t_current, prog);
	return false;
}

/* ----------------------------------------------------------- fixtures */

/* A host tree the tests copy from: files with set modes and mtimes, a
 * symlink, a hard link, an empty directory, a 300 KB random file. */
static int
make_src(void)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd),
	    "set -e; cd '%s' && mkdir -p src/sub/deep src/empty && "
	    "cd src && printf 'alpha\\nbeta\\ngamma\\n' > a.txt && "
	    "head -c 300000 /dev/urandom > sub/big.bin && "
	    "printf 'deep\\n' > sub/deep/d.txt && ln -s a.txt link && "
	    "ln sub/deep/d.txt hard && chmod 640 a.txt && "
	    "chmod 700 sub/deep && "
	    "touch -h -d '2021-02-03 04:05:06.5' a.txt link sub/big.bin "
	    "sub/deep/d.txt sub/deep sub empty .", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
make_image(void)
{
	char cmd[512];

	if (access(MAKEFS, X_OK) != 0)
		return -1;
	snprintf(image, sizeof(image), "%s/ffs.img", tmpdir);
	snprintf(cmd, sizeof(cmd), MAKEFS " -t ffs -s 8m -o version=2 "
	    "'%s' '%s/src' >/dev/null 2>&1", image, tmpdir);
	if (system(cmd) != 0)
		return -1;
	/* An empty UFS2 file system for the read-write test. */
	snprintf(rwimage, sizeof(rwimage), "%s/ffsrw.img", tmpdir);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/empty' && " MAKEFS
	    " -t ffs -s 32m -o version=2 '%s' '%s/empty' >/dev/null 2>&1",
	    tmpdir, rwimage, tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
start_server(void)
{
	char drive[300], rwdrive[300];

	snprintf(drive, sizeof(drive),
	    "key=/dev/ffsimg,hostpath=%s,size=host", image);
	snprintf(rwdrive, sizeof(rwdrive),
	    "key=/dev/ffsrw,hostpath=%s,size=host", rwimage);
	if (have_ffs)
		return tc_boot_connect(&srv, tmpdir, "rump_allserver", "-d",
		    drive, "-d", rwdrive, NULL);
	return tc_boot_connect(&srv, tmpdir, "rump_allserver", NULL);
}

/* --------------------------------------------- the multithreaded helper */

#define MT_THREADS	8
#define MT_CHUNKS	48

struct mt_arg {
	int	i;
	char	dir[PATH_MAX];
	char	line[200];
};

static void *
mt_thread(void *v)
{
	struct mt_arg *a = v;
	char p[PATH_MAX + 16], buf[4096], rd[4096];
	unsigned long sum = 0;
	struct stat st;
	int fd, c, ents = 0;
	FILE *fp;
	DIR *d;

	snprintf(p, sizeof(p), "%s/t%d.dat", a->dir, a->i);
	if ((fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644)) == -1)
		goto bad;
	for (c = 0; c < MT_CHUNKS; c++) {
		memset(buf, 'a' + (a->i + c) % 26, sizeof(buf));
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			goto bad;
	}
	if (fsync(fd) == -1 || fstat(fd, &st) == -1 ||
	    st.st_size != MT_CHUNKS * 4096)
		goto bad;
	for (c = MT_CHUNKS - 1; c >= 0; c--) {
		if (pread(fd, rd, sizeof(rd), (off_t)c * 4096) != 4096 ||
		    rd[17] != 'a' + (a->i + c) % 26)
			goto bad;
	}
	if (lseek(fd, 0, SEEK_SET) != 0 || close(fd) == -1)
		goto bad;
	if ((fp = fopen(p, "r")) == NULL)
		goto bad;
	while ((c = fgetc(fp)) != EOF)
		sum = sum * 31 + (unsigned long)c;
	fclose(fp);
	if ((d = opendir(a->dir)) == NULL)
		goto bad;
	while (readdir(d) != NULL)
		ents++;
	closedir(d);
	snprintf(a->line, sizeof(a->line), "t%d size %lld sum %lx %s\n",
	    a->i, (long long)st.st_size, sum, ents >= 2 ? "dir ok" : "dir?");
	return NULL;
 bad:
	snprintf(a->line, sizeof(a->line), "t%d failed: %s\n", a->i,
	    strerror(errno));
	return NULL;
}

static int
mt_main(const char *dir)
{
	static struct mt_arg args[MT_THREADS];
	pthread_t th[MT_THREADS];
	int i;

	for (i = 0; i < MT_THREADS; i++) {
		args[i].i = i;
		snprintf(args[i].dir, sizeof(args[i].dir), "%s", dir);
		pthread_create(&th[i], NULL, mt_thread, &args[i]);
	}
	for (i = 0; i < MT_THREADS; i++) {
		pthread_join(th[i], NULL);
		fputs(args[i].line, stdout);
	}
	return 0;
}

/* ---------------------------------------------- the calls helper */

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
no_dots(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/*
 * Library entry points no Debian program here reaches on its own:
 * glob, scandir, the old __xstat family (binaries built before glibc
 * 2.33), faccessat(AT_EACCESS), telldir/seekdir, stdio modes, getcwd
 * after fchdir.  Prints what it sees; run in the test's directory.
 */
static int
calls_main(void)
{
	typedef int (*xstat_fn)(int, const char *, struct stat *);
	typedef int (*fxstat_fn)(int, int, struct stat *);
	xstat_fn xs = (xstat_fn)dlsym(RTLD_DEFAULT, "__xstat");
	xstat_fn lxs = (xstat_fn)dlsym(RTLD_DEFAULT, "__lxstat");
	fxstat_fn fxs = (fxstat_fn)dlsym(RTLD_DEFAULT, "__fxstat");
	struct dirent **list, *e;
	char buf[PATH_MAX], line[64];
	struct stat st;
	glob_t g;
	FILE *fp;
	DIR *d;
	long pos;
	int fd, n, i, r, here;

	mkdir("sub", 0755);
	for (i = 0; i < 3; i++) {
		snprintf(buf, sizeof(buf), "%c.%s", 'a' + i, i < 2 ? "txt" : "dat");
		if ((fd = open(buf, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
			return 1;
		if (write(fd, buf, (size_t)i + 1) != i + 1)
			return 1;
		close(fd);
	}
	memset(&g, 0, sizeof(g));
	printf("glob %d", glob("*.txt", 0, NULL, &g));
	for (i = 0; i < (int)g.gl_pathc; i++)
		printf(" %s", g.gl_pathv[i]);
	globfree(&g);
	getcwd(buf, sizeof(buf));
	strcat(buf, "/*.dat");
	memset(&g, 0, sizeof(g));
	r = glob(buf, 0, NULL, &g);
	printf("; abs %d %zu %s\n", r, g.gl_pathc,
	    g.gl_pathc ? strrchr(g.gl_pathv[0], '/') + 1 : "-");
	globfree(&g);
	n = scandir(".", &list, no_dots, by_name);
	printf("scandir %d:", n);
	for (i = 0; i < n; i++) {
		printf(" %s/%d", list[i]->d_name, list[i]->d_type);
		free(list[i]);
	}
	free(n >= 0 ? list : NULL);
	{
		/* getdents64 called directly, with a small buffer */
		char dbuf[1024] __attribute__((aligned(8)));
		struct dirent64 *de;
		long nb, off;
		int cnt = 0, saw = 0;

		fd = open(".", O_RDONLY | O_DIRECTORY);
		while ((nb = getdents64(fd, dbuf, sizeof(dbuf))) > 0) {
			for (off = 0; off < nb; off += de->d_reclen) {
				de = (struct dirent64 *)(dbuf + off);
				cnt++;
				saw += strcmp(de->d_name, "b.txt") == 0 &&
				    de->d_type == DT_REG;
			}
		}
		printf("\ngetdents64 %d %d %ld", cnt, saw, nb);
		close(fd);
	}
	r = xs(1, "b.txt", &st);
	printf("\nxstat %d %lld", r, (long long)st.st_size);
	r = lxs(1, "c.dat", &st);
	printf(" lxstat %d %lld", r, (long long)st.st_size);
	fd = open("a.txt", O_RDONLY);
	r = fxs(1, fd, &st);
	printf(" fxstat %d %lld", r, (long long)st.st_size);
	close(fd);
	errno = 0;
	r = xs(7, "a.txt", &st);
	printf(" badver %d %d\n", r, errno);
#ifndef SANITIZED	/* UBSan stops at the nonnull argument first */
	{
		/* a bad buffer is EFAULT, as from the host kernel */
		struct stat *volatile nobuf = NULL;

		r = stat("a.txt", nobuf);
		printf("nullbuf %d %d ", r, errno);
	}
#endif
	r = faccessat(AT_FDCWD, "a.txt", R_OK, AT_EACCESS);
	printf("eaccess %d", r);
	r = faccessat(AT_FDCWD, "nope", R_OK, AT_EACCESS);
	printf(" %d %d\n", r, errno);
	if ((fp = fopen("a.txt", "a+")) == NULL)
		return 1;
	fprintf(fp, "-%d-", 42);
	fseek(fp, 0, SEEK_SET);
	if (fgets(line, sizeof(line), fp) == NULL)
		return 1;
	printf("stdio %s %ld %d\n", line, ftell(fp), fileno(fp) > 2);
	fclose(fp);
	d = opendir(".");
	while ((e = readdir(d)) != NULL && strcmp(e->d_name, "b.txt") != 0)
		;
	pos = telldir(d);
	n = 0;
	while (readdir(d) != NULL)
		n++;
	seekdir(d, pos);
	i = 0;
	while (readdir(d) != NULL)
		i++;
	rewinddir(d);
	printf("seekdir %d %d", n == i, readdir(d) != NULL);
	closedir(d);
	here = open(".", O_RDONLY | O_DIRECTORY);
	chdir("sub");
	getcwd(buf, sizeof(buf));
	printf(" cwd %s", strrchr(buf, '/') + 1);
	fchdir(here);
	getcwd(buf, sizeof(buf));
	printf(" back %d\n", strcmp(strrchr(buf, '/') + 1, "sub") != 0);
	close(here);
	r = mknod("fifo", S_IFIFO | 0640, 0);
	printf("mknod %d %d", r, stat("fifo", &st) == 0 && S_ISFIFO(st.st_mode));
	r = utime("b.txt", &(struct utimbuf){ 1000000000, 1000000001 });
	stat("b.txt", &st);
	printf(" utime %d %lld\n", r, (long long)st.st_mtime);
	sync();
	fflush(stdout);
	/* the shell runs in our directory (in the rump kernel or not) */
	r = system("ls | sort | tr '\\n' ' '; echo");
	printf("system %d\n", r);
	if ((fp = popen("cat a.txt; echo", "r")) == NULL ||
	    fgets(line, sizeof(line), fp) == NULL)
		return 1;
	printf("popen %s", line);
	printf(" pclose %d\n", pclose(fp));
	if ((fp = popen("wc -c > wc.out", "w")) == NULL)
		return 1;
	fputs("twelve bytes", fp);
	printf("pclose %d\n", pclose(fp));
	if ((fd = open("dp.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		return 1;
	dprintf(fd, "dprintf %d\n", 7);
	{
		struct pollfd pf = { .fd = fd, .events = POLLOUT };
		struct timespec one = { 1, 0 };

		r = ppoll(&pf, 1, &one, NULL);
		printf("ppoll %d %d\n", r, pf.revents & POLLOUT);
	}
	close(fd);
	fflush(stdout);
	if (freopen("fr.txt", "w", stdout) == NULL)
		return 1;
	printf("freopened\n");
	return 0;
}

/* ---------------------------------------------------------------- boot */

int
t_boot(void)
{
	const char *mt = getenv("TC_HIJACK_MT");
	ssize_t n;
	int r;

	if (mt != NULL)
		exit(mt_main(mt));
	if (getenv("TC_HIJACK_CALLS") != NULL)
		exit(calls_main());
	n = readlink("/proc/self/exe", selfexe, sizeof(selfexe) - 1);
	selfexe[n > 0 ? n : 0] = '\0';
	bindir = tc_bin_dir();
	if ((r = tc_boot_mkdir(tmpdir, &srv)) != 0)
		return r;
	setenv("LC_ALL", "C", 1);
	/* run by make test: the scripts' own make must not see it */
	unsetenv("MAKEFLAGS");
	unsetenv("MAKELEVEL");
	unsetenv("MFLAGS");
	setenv("TZ", "UTC", 1);
	umask(022);
	if (make_src() != 0) {
		fprintf(stderr, "tc_hijack: cannot build the source tree\n");
		return 1;
	}
	have_ffs = make_image() == 0;
	if (!have_ffs)
		fprintf(stderr, "tc_hijack: no %s: FFS tests skipped\n",
		    MAKEFS);
	return start_server();
}

/* ---------------------------------------------------------------- tests */

/*
 * The listing columns that must agree: type and mode, links, size,
 * name.  Not a directory's size (each file system has its own) nor a
 * symlink's mode (NetBSD applies the umask to it, Linux does not).
 */
#define LSCOLS "grep -v -e '^total' -e ' \\.\\.$' | awk '{ " \
	"if ($1 ~ /^d/) $5 = \"-\"; if ($1 ~ /^l/) $1 = \"l\"; " \
	"print $1, $2, $5, $NF }'"
/* The same for find: type, mode, size, links, mtime, name, target. */
#define FINDCOLS(dir) "find " dir " -printf '%y %m %s %n %T@ %p %l\\n' | " \
	"awk '{ if ($1 == \"d\") $3 = \"-\"; if ($1 == \"l\") $2 = \"-\"; " \
	"print }' | sort"

TEST(ls_la)
{
	compare("cp -a \"$SRC\" s && ls -la s | " LSCOLS " && "
	    "ls -la s/sub s/sub/deep | " LSCOLS " && ls s && ls -1 s/sub && "
	    "ls -l s/link | awk '{print substr($1, 1, 1), $(NF-2), $(NF-1), $NF}' && "
	    "ls -d s/*.txt && ls -ld s/empty | awk '{print $1, $2}'");
}

TEST(cp_a_both_ways)
{
	compare("cp -a \"$SRC\" c && "
	    FINDCOLS("c") " && "
	    "sha256sum $(find c -type f | sort) && "
	    "cp -a c \"$OUT/back\" && cd \"$OUT\" && "
	    FINDCOLS("back") " && "
	    "sha256sum $(find back -type f | sort)");
	CHECK_EQ(rump_size("c/sub/big.bin"), 300000);
	CHECK_EQ(rump_size("c/a.txt"), 17);
}

TEST(mv_rm_mkdir_p)
{
	compare("mkdir -p x/y/z && touch x/y/z/f && mv x/y x/w && "
	    "ls -R x && mv x/w/z/f x/g && ls x x/w/z && "
	    "mkdir -p \"$PWD/p/q/r\" && mkdir -p p/q/s/ && ls -R p && "
	    "rm -r x/w && ls x && rm -r p && ls && rmdir x/g; echo $?; "
	    "rm -r x; ls");
}

TEST(links_stat_touch_chmod)
{
	compare("echo data > f && ln -s f lnk && ln -s nowhere dangling && "
	    "readlink lnk dangling && ln f hard && "
	    "stat -c '%n %h %s %a %F' f hard && "
	    "stat -c '%n %h %s %F' lnk dangling && "
	    "stat -L -c '%n %s %F' lnk && "
	    "touch -d '2020-01-02 03:04:05' f && stat -c '%Y %y' f hard && "
	    "touch new && stat -c '%s %a' new && chmod 751 f && "
	    "chmod u-w new && stat -c '%a' f new && "
	    "readlink -f lnk | xargs basename && cat lnk && "
	    "(umask 077 && touch um && mkdir umd && stat -c '%a' um umd) && "
	    "umask 002 && echo > um2 && stat -c '%a' um2");
}

TEST(du_find)
{
	compare("cp -a \"$SRC\" d && du -ab d/a.txt d/sub/big.bin && "
	    "du -b d/sub/big.bin && find d | sort && "
	    "find d -type f -name '*.txt' | sort && find d -type l && "
	    "find d -type d -empty && find d -newer d/a.txt | sort; "
	    "find d -size +100k");
}

TEST(text_tools)
{
	compare("cp \"$SRC\"/sub/big.bin b && cp \"$SRC\"/a.txt a && "
	    "cat a && head -n 2 a && tail -n 1 a && tail -c 5 a && "
	    "wc a b && sha256sum a b && head -c 1000 b | sha256sum && "
	    "tail -c 1000 b | sha256sum && "
	    "dd if=b of=c bs=4k status=none && cmp b c && "
	    "dd if=b bs=1000 skip=3 count=5 status=none | sha256sum && "
	    "dd if=a of=c bs=1 seek=2 conv=notrunc status=none && "
	    "sha256sum c && cat a a > aa && wc -c aa");
	CHECK_EQ(rump_size("aa"), 34);
	CHECK_EQ(rump_size("c"), 300000);
}

TEST(tar_c_x)
{
	compare("tar cf t.tar -C \"$SRC\" . && tar tf t.tar | sort && "
	    "mkdir x && tar xf t.tar -C x && "
	    FINDCOLS("x") " && "
	    "sha256sum $(find x -type f | sort) && "
	    "tar cf - x | tar tf - | sort | head -5 && "
	    "tar cf \"$OUT/o.tar\" x && tar tf \"$OUT/o.tar\" | sort | tail -3");
}

/* Programs that start with a rump file as stdin, stdout or stderr and
 * use them through stdio (sha256sum, sort, ls, stat) or write(2)
 * (Python's sys.stdout is built from fileno(stdout)). */
TEST(std_streams_at_exec)
{
	if (!have_prog("python3"))
		return;
	compare("printf 'b\\na\\nc\\n' > a && sha256sum < a && sort < a > s && "
	    "cat s && ls -1 > l && cat l && stat -c '%s %n' a > st && cat st && "
	    "python3 -c 'import sys; sys.stdout.write(sys.stdin.read().upper()); "
	    "print(\"to err\", file=sys.stderr)' < a > up 2> err && cat up err && "
	    "ls nonexist 2> e; cat e && (echo sub; ls -d .) > both 2>&1 && "
	    "cat both && wc -c < s");
}

/* tail -f on a growing file: quietly polling in the rump kernel, as
 * it uses inotify on the host. */
TEST(tail_follow)
{
	compare("echo one > f; (sleep 0.5; echo two >> f) & "
	    "timeout 4 tail -s 0.1 -f f; echo $?; wait");
}

/* Bigger programs: gcc's driver spawning cc1, as and ld in a rump
 * directory (the binary is copied out to run it), git, sqlite3 (the
 * last two when installed). */
TEST(gcc_git_sqlite)
{
	char script[2048];

	snprintf(script, sizeof(script), "%s%s%s",
	    "printf 'int main(void) { return 42; }\\n' > h.c && "
	    "gcc -o h h.c && cp h \"$OUT/h\" && { \"$OUT/h\"; echo $?; } && ",
	    /* rump files belong to root, the rump process's user: git's
	     * ownership check would refuse them when we are not root */
	    have_prog("git") ? "g() { git -c safe.directory='*' "
	    "-c user.email=t@t -c user.name=t \"$@\"; } && "
	    "g init -q r && cd r && printf 'a\\n' > f && "
	    "g add f && g commit -qm m && "
	    "g log --format=%s && echo b >> f && g diff --stat && "
	    "g status --short && g cat-file -p HEAD:f && cd .. && " : "",
	    have_prog("sqlite3") ? "sqlite3 db 'create table t(a); "
	    "insert into t values (1), (2); select sum(a) from t;' && "
	    "sqlite3 db 'select count(*) from t;' && " : "");
	strcat(script, "ls");
	compare(script);
}

/* Temporary files beside the target (sed -i, mktemp, Python), a
 * compressor exec'd by tar with the archive as its stdout. */
TEST(sed_gzip_mktemp)
{
	if (!have_prog("python3"))
		return;
	compare("printf 'a\\nb\\nc\\n' > f && sed -i 's/b/B/' f && cat f && "
	    "ls && sort -r -o f f && cat f && "
	    "tar czf t.tgz -C \"$SRC\" . && tar tzf t.tgz | sort && "
	    "mkdir u && tar xzf t.tgz -C u && cmp u/sub/big.bin "
	    "\"$SRC/sub/big.bin\" && gzip -c f > f.gz && zcat f.gz && "
	    "d=$(mktemp -d ./dXXXXXX) && [ -d \"$d\" ] && "
	    "stat -c %a \"$d\" && t=$(mktemp ./tXXXXXX.txt --suffix=) && "
	    "stat -c '%a %s' \"$t\" && python3 -c '\n"
	    "import tempfile, os\n"
	    "with tempfile.NamedTemporaryFile(dir=\".\", delete=False) as f:\n"
	    "    f.write(b\"xyz\")\n"
	    "print(os.path.getsize(f.name)); os.unlink(f.name)\n"
	    "with tempfile.TemporaryDirectory(dir=\".\") as d:\n"
	    "    open(os.path.join(d, \"x\"), \"w\").write(\"1\")\n"
	    "    print(os.listdir(d))\n"
	    "' && rm -r \"$d\" \"$t\" && ls");
}

/* Programs started with posix_spawn keep the rump cwd and descriptors:
 * make's recipes, Python's os.posix_spawn with file actions. */
TEST(make_and_posix_spawn)
{
	if (!have_prog("make") || !have_prog("python3"))
		return;
	compare("printf 'all: out.txt\\n\\nout.txt: in.txt\\n"
	    "\\tcat in.txt in.txt > out.txt\\n\\tls -1 > listing\\n' > Makefile "
	    "&& echo hello > in.txt && make -s --no-print-directory && "
	    "cat out.txt listing && make --no-print-directory; echo $? && "
	    "python3 -c '\n"
	    "import os\n"
	    "fa = [(os.POSIX_SPAWN_OPEN, 1, \"sp.txt\", os.O_WRONLY | os.O_CREAT, 0o644),\n"
	    "      (os.POSIX_SPAWN_DUP2, 1, 2)]\n"
	    "pid = os.posix_spawnp(\"sh\", [\"sh\", \"-c\", \"ls; echo err >&2\"],\n"
	    "    os.environ, file_actions=fa)\n"
	    "print(os.waitpid(pid, 0)[1]); print(open(\"sp.txt\").read(), end=\"\")\n"
	    "try:\n"
	    "    os.posix_spawn(\"/nonexistent\", [\"x\"], os.environ)\n"
	    "except OSError as e: print(\"error\", e.errno)\n"
	    "'");
}

TEST(bash_redirections_globbing)
{
	compare("echo one > f && echo two >> f && cat < f && "
	    "printf '%s\\n' three >> f && wc -l < f && "
	    "exec 3> g && echo via3 >&3 && exec 3>&- && cat g && "
	    "exec 4< f && read -r l <&4 && echo \"l=$l\" && exec 4<&- && "
	    "x=$(cat f) && echo \"$x\" | tail -1 && "
	    "touch a.c b.c c.h && echo *.c && echo *.[ch] && "
	    "for i in *; do [ -f \"$i\" ] && echo \"file $i\"; done; "
	    "test -r f && test -w f && ! test -x f && echo perms; "
	    "[ -s f ] && [ ! -s a.c ] && echo sizes; "
	    "mkdir d && cd d && pwd | sed 's|.*/||' && echo in > ../h && "
	    "cd .. && cat h && { echo grouped; echo err >&2; } > k 2>&1 && "
	    "cat k && ls nonexist 2>/dev/null; echo $?");
}

TEST(python_io_walk)
{
	if (!have_prog("python3"))
		return;
	compare("python3 -c '\n"
	    "import os, shutil\n"
	    "with open(\"f.txt\", \"w\") as f: f.write(\"abc\\n\" * 1000)\n"
	    "with open(\"f.txt\", \"a\") as f: print(\"tail\", file=f)\n"
	    "print(open(\"f.txt\").read()[-9:], os.stat(\"f.txt\").st_size)\n"
	    "with open(\"b.bin\", \"wb\") as f: f.write(bytes(range(256)) * 40)\n"
	    "with open(\"b.bin\", \"rb\") as f:\n"
	    "    f.seek(1000); print(f.read(4).hex(), f.tell())\n"
	    "shutil.copytree(os.environ[\"SRC\"], \"tree\", symlinks=True)\n"
	    "for d, ds, fs in sorted(os.walk(\"tree\")):\n"
	    "    print(d, sorted(ds), sorted(fs))\n"
	    "print(os.readlink(\"tree/link\"), os.path.islink(\"tree/link\"))\n"
	    "os.rename(\"tree/a.txt\", \"tree/z.txt\")\n"
	    "print(sorted(os.listdir(\"tree\")))\n"
	    "shutil.rmtree(\"tree\")\n"
	    "print(sorted(os.listdir(\".\")), os.path.exists(\"tree\"))\n"
	    "os.mkdir(\"m\"); os.chdir(\"m\"); print(os.path.basename(os.getcwd()))\n"
	    "try:\n"
	    "    os.rmdir(\"/nonexistent-dir-xyz\" if False else \"..\")\n"
	    "except OSError as e: print(type(e).__name__)\n"
	    "'");
}

/* Descriptor calls one by one, from Python: pread/pwrite, readv/
 * writev, fsync, ftruncate, fchmod, fcntl flags, dup2 across worlds,
 * mmap (a copy), select and poll over a rump file and a host pipe. */
TEST(python_descriptor_calls)
{
	if (!have_prog("python3"))
		return;
	compare("python3 -c '\n"
	    "import os, fcntl, mmap, select\n"
	    "fd = os.open(\"f\", os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o640)\n"
	    "os.write(fd, b\"0123456789\")\n"
	    "fl = fcntl.fcntl(fd, fcntl.F_GETFL)\n"
	    "print(fl & os.O_ACCMODE == os.O_RDWR, bool(fl & os.O_APPEND))\n"
	    "fcntl.fcntl(fd, fcntl.F_SETFL, fl & ~os.O_APPEND)\n"
	    "print(bool(fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_APPEND))\n"
	    "print(os.pread(fd, 4, 3), os.pwrite(fd, b\"AB\", 1))\n"
	    "os.lseek(fd, 0, 0); print(os.readv(fd, [bytearray(3), bytearray(4)]))\n"
	    "os.lseek(fd, 0, 2); print(os.writev(fd, [b\"xy\", b\"z\"]))\n"
	    "os.fsync(fd); os.ftruncate(fd, 12); os.fchmod(fd, 0o600)\n"
	    "st = os.fstat(fd); print(st.st_size, oct(st.st_mode & 0o777))\n"
	    "print(fcntl.fcntl(fd, fcntl.F_GETFD) & 1, os.get_inheritable(fd))\n"
	    "d = os.dup(fd); d2 = fcntl.fcntl(fd, fcntl.F_DUPFD, 20)\n"
	    "print(d2 >= 20, os.pread(d, 3, 0), os.pread(d2, 3, 9))\n"
	    "r, w = os.pipe(); os.dup2(fd, w); os.write(w, b\"!\")\n"
	    "os.dup2(r, d2); os.close(r)\n"
	    "print(os.pread(fd, 20, 0))\n"
	    "m = mmap.mmap(fd, 0, access=mmap.ACCESS_READ); print(m[:5], len(m)); m.close()\n"
	    "m = mmap.mmap(fd, 0, access=mmap.ACCESS_COPY); m[0:1] = b\"#\"\n"
	    "print(m[:3], os.pread(fd, 3, 0)); m.close()\n"
	    "p0, p1 = os.pipe()\n"
	    "print(select.select([fd, p0], [fd], [], 0))\n"
	    "os.write(p1, b\"x\"); print(select.select([fd, p0], [], [], 1)[0])\n"
	    "po = select.poll(); po.register(fd, select.POLLIN); po.register(p0, select.POLLIN)\n"
	    "print(sorted(po.poll(1000)))\n"
	    "os.posix_fallocate(fd, 0, 10000); print(os.fstat(fd).st_size)\n"
	    "try: os.posix_fadvise(fd, 0, 0, 99)\n"
	    "except OSError as e: print(\"fadvise\", e.errno)\n"
	    "os.lockf(fd, os.F_LOCK, 0); os.lockf(fd, os.F_TEST, 0)\n"
	    "os.lockf(fd, os.F_ULOCK, 0); fcntl.flock(fd, fcntl.LOCK_EX)\n"
	    "fcntl.flock(fd, fcntl.LOCK_UN); print(\"locks\")\n"
	    "ro = os.open(\"f\", os.O_RDONLY)\n"
	    "try: os.posix_fallocate(ro, 0, 1)\n"
	    "except OSError as e: print(\"read-only\", e.errno)\n"
	    "os.close(ro)\n"
	    "for x in (fd, d, d2, w, p0, p1): os.close(x)\n"
	    "print(sorted(os.listdir(\".\")))\n"
	    "'");
}

/*
 * This binary run under the hijack.  A sanitized build's runtime wants
 * to come first in the process; the preloaded hijack comes before it,
 * which ASan accepts when told not to check.  The hijack is never
 * instrumented (it must load into ordinary programs), so ThreadSanitizer
 * cannot see the synchronisation inside it and would report its
 * receiver thread filling a waiter's buffer as a race: its reports are
 * off for this program, whose results are still compared.
 */
static const char *
helper_env(void)
{
	static char env[512];
#if defined(__SANITIZE_THREAD__)
	const char *old = getenv("TSAN_OPTIONS");

	snprintf(env, sizeof(env), "TSAN_OPTIONS=%s%sreport_bugs=0",
	    old ? old : "", old ? ":" : "");
#else
	const char *old = getenv("ASAN_OPTIONS");

	snprintf(env, sizeof(env), "ASAN_OPTIONS=%s%sverify_asan_link_order=0",
	    old ? old : "", old ? ":" : "");
#endif
	return env;
}

TEST(multithreaded_c)
{
	compare_in(NULL, "TC_HIJACK_MT=$PWD \"$TC_SELF\" && ls | sort | wc -l",
	    helper_env());
}

TEST(library_entry_points)
{
	compare_in(NULL, "TC_HIJACK_CALLS=1 \"$TC_SELF\" && cat wc.out fr.txt dp.txt",
	    helper_env());
}

TEST(python_threads)
{
	if (!have_prog("python3"))
		return;
	compare("python3 -c '\n"
	    "import threading, os\n"
	    "def work(i):\n"
	    "    p = \"t%d.dat\" % i\n"
	    "    with open(p, \"wb\") as f:\n"
	    "        for c in range(64): f.write(bytes([65 + (i + c) % 26]) * 4096)\n"
	    "    with open(p, \"rb\") as f: data = f.read()\n"
	    "    res[i] = (len(data), data[4096 * 5], len(os.listdir(\".\")) >= 1)\n"
	    "res = {}\n"
	    "ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]\n"
	    "[t.start() for t in ts]; [t.join() for t in ts]\n"
	    "print(sorted(res.items()))\n"
	    "'");
}

TEST(errors_translated)
{
	compare("ls nonexist; echo $?; mkdir d; mkdir d; echo $?; "
	    "touch d/f; rmdir d; echo $?; rm d; echo $?; "
	    "cat d; echo $?; ln -s loop1 loop2; ln -s loop2 loop1; "
	    "cat loop1; echo $?; mv d d/sub; echo $?; "
	    "echo x > d/f/g; echo $?; cd nonexist; echo $?");
}

TEST(host_paths_untouched)
{
	compare("wc -c < /etc/passwd && ls -d /etc /usr/bin && "
	    "cat /etc/hostname | wc -l && echo h > \"$OUT/h\" && "
	    "cat \"$OUT/h\" && cp \"$OUT/h\" here && cat here && "
	    "cp here \"$OUT/back\" && cat \"$OUT/back\"");
}

TEST(fd_numbers_cross_worlds)
{
	/* descriptors above 2, dup onto a host fd and back, redirection of
	 * a whole compound command, a subshell that inherits a rump fd */
	compare("exec 5> f7 && echo a >&5 && (echo b >&5) && "
	    "exec 6>&5 && exec 5>&- && echo c >&6 && exec 6>&- && cat f7 && "
	    "exec 7< f7 && head -n1 <&7 && exec 7<&- && "
	    "{ cat f7; cat \"$SRC/a.txt\"; } > both && wc -l both && "
	    "cat f7 | sort -r && sort -r < f7 > s && cat s");
}

TEST(df_statvfs)
{
	struct rump_statvfs sv;
	char dir[128], rr[PATH_MAX], out[4096], want[256], rd[160];
	char env[200];
	int rc;

	CHECK_OK(mount_test_tmpfs());
	snprintf(dir, sizeof(dir), "/t/%s", t_current);
	CHECK_OK(rump_sys_statvfs1(dir, (struct statvfs *)(void *)&sv, 1));
	path_in(rr, sizeof(rr), bindir, "rump.run");
	snprintf(rd, sizeof(rd), "/rump/t/%s", t_current);
	snprintf(env, sizeof(env), "POSIXLY_CORRECT=");
	rc = run("/", (char *[]){ env, NULL }, (char *[]){ rr,
	    (char *)"df", (char *)"-B1", (char *)"--output=size,avail",
	    rd, NULL }, out, sizeof(out));
	CHECK_EQ(rc, 0);
	snprintf(want, sizeof(want), "%llu %llu",
	    (unsigned long long)(sv.f_blocks * sv.f_frsize),
	    (unsigned long long)(sv.f_bavail * sv.f_frsize));
	{
		unsigned long long a = 0, b = 0;
		char *nl = strchr(out, '\n');
		char got[256];

		if (nl == NULL || sscanf(nl + 1, "%llu %llu", &a, &b) != 2)
			t_fail(__FILE__, __LINE__, "df said: %s", out);
		snprintf(got, sizeof(got), "%llu %llu", a, b);
		CHECK_STR(got, want);
	}
}

TEST(ffs_read_only)
{
	struct rump_ufs_args args = { .fspec = (char *)"/dev/ffsimg" };

	if (!have_ffs) {
		fprintf(stderr, "  ffs_read_only: skipped (no makefs)\n");
		return;
	}
	rump_sys_mkdir("/ffs", 0755);
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_FFS, "/ffs", RUMP_MNT_RDONLY,
	    &args, sizeof(args)));
	/* The host side reads the tree makefs was made from. */
	compare_in("/rump/ffs", "[ \"$PWD\" = /rump/ffs ] || cd \"$SRC\"; "
	    "ls -la | " LSCOLS " && ls -la sub | " LSCOLS " && "
	    FINDCOLS(".") " | sed 's/[.][0-9]\\{10\\} / /' && "
	    "sha256sum $(find . -type f | sort) && du -ab a.txt sub/big.bin && "
	    "tar cf - . | tar tf - | sort | tail -3 && readlink link", NULL);
	CHECK_OK(unmount_when_free("/ffs"));
}

/*
 * Read-write FFS: the same work as on tmpfs, compared with the host;
 * then the image, unmounted, must be clean for rump.fsck_ffs.
 */
TEST(ffs_read_write)
{
	struct rump_ufs_args args = { .fspec = (char *)"/dev/ffsrw" };
	char fsck[PATH_MAX], out[8192];
	int rc;

	if (!have_ffs) {
		fprintf(stderr, "  ffs_read_write: skipped (no makefs)\n");
		return;
	}
	rump_sys_mkdir("/ffsrw", 0755);
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_FFS, "/ffsrw", 0, &args,
	    sizeof(args)));
	CHECK_OK(rump_sys_mkdir("/ffsrw/w", 0755));
	/* (No symbolic links here: the kernel's FFS answers EIO to
	 * symlink() on a read-write mount today.) */
	compare_in("/rump/ffsrw/w", "cp -a \"$SRC/sub\" c && " FINDCOLS("c")
	    " && sha256sum $(find c -type f | sort) && ln c/big.bin c/hl && "
	    "tar cf t.tar -C \"$SRC/sub\" . && mkdir x && tar xf t.tar -C x && "
	    "diff -r c/deep x/deep && cmp c/big.bin x/big.bin && "
	    "mv c/deep c/moved && stat -c '%h %s' c/hl && "
	    "dd if=/dev/zero of=z bs=64k count=40 status=none && "
	    "ls -la . c | " LSCOLS " && rm -r c x && "
	    "truncate -s 1000 z && wc -c z && ls && rm z t.tar && ls -a",
	    NULL);
	CHECK_OK(unmount_when_free("/ffsrw"));
	CHECK_ERR(rump_sys_rmdir("/ffsrw/w"), RUMP_ENOENT);
	path_in(fsck, sizeof(fsck), bindir, "rump.fsck_ffs");
	rc = run("/", (char *[]){ (char *)"RUMP_SERVER", NULL },
	    (char *[]){ fsck, (char *)"-n", rwimage, NULL }, out, sizeof(out));
	if (rc != 0)
		t_fail(__FILE__, __LINE__, "fsck: %d: %s", rc, out);
}

/* ---------------------------------------------- rump.run and no server */

/* RUMPHIJACK: another prefix, blanket paths, NetBSD's other keys and
 * malformed entries ignored. */
TEST(rumphijack_config)
{
	static const char *const cfg[][2] = {
		{ "RUMPHIJACK=path=/elsewhere", "/elsewhere/t/%s/f" },
		{ "RUMPHIJACK=path=/elsewhere/,blanket=/t/%s", "/t/%s/f" },
		{ "RUMPHIJACK=socket=all:nolocal,vfs=nofifo,sysctl=yes,"
		  "bogus,path=,path=relative", "/rump/t/%s/f" },
		{ "RUMPHIJACK=blanket=/t:/nonexistent", "/t/%s/f" },
	};
	char rr[PATH_MAX], out[4096], env[256], file[256], path[256];
	int rc;
	size_t i;

	CHECK_OK(mount_test_tmpfs());
	snprintf(file, sizeof(file), "/t/%s/f", t_current);
	CHECK_OK(t_write_file(file, "cfg\n", 4));
	path_in(rr, sizeof(rr), bindir, "rump.run");
	for (i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++) {
		snprintf(env, sizeof(env), cfg[i][0], t_current);
		snprintf(path, sizeof(path), cfg[i][1], t_current);
		rc = run("/", (char *[]){ env, NULL }, (char *[]){ rr,
		    (char *)"/bin/cat", path, NULL }, out, sizeof(out));
		if (rc != 0 || strcmp(out, "cfg\n") != 0)
			t_fail(__FILE__, __LINE__, "%s: cat %s: %d %s", env,
			    path, rc, out);
	}
	/* With another prefix, /rump is a host path again. */
	snprintf(env, sizeof(env), "RUMPHIJACK=path=/elsewhere");
	snprintf(path, sizeof(path), "/rump/t/%s/f", t_current);
	rc = run("/", (char *[]){ env, NULL }, (char *[]){ rr,
	    (char *)"/bin/cat", path, NULL }, out, sizeof(out));
	CHECK_EQ(rc, 1);
	CHECK(strstr(out, "No such file or directory") != NULL);
}

/* A hand-over that does not hold (no socket behind it, garbage table):
 * the program starts as a plain process and connects afresh. */
TEST(malformed_handover)
{
	static const char *const bad[][3] = {
		{ "RUMPHIJACK__FDS=1:x,,:", "RUMPHIJACK__CWD=1",
		  "RUMPCLIENT__EXECFD=abc" },
		{ "RUMPHIJACK__FDS=0:3,1:4,2:5", "RUMPHIJACK__CWD=yes",
		  "RUMPCLIENT__EXECFD=0,-1" },
		{ "RUMPHIJACK__FDS=99999999999:1", "RUMPHIJACK__CWD=1",
		  "RUMPCLIENT__EXECFD=-5" },
	};
	char rr[PATH_MAX], out[4096], script[256], want[256];
	size_t i;
	int rc;

	CHECK_OK(mount_test_tmpfs());
	snprintf(script, sizeof(script), "echo x > /rump/t/%s/f && echo ok "
	    "&& ls /rump/t/%s && /bin/pwd -P", t_current, t_current);
	snprintf(want, sizeof(want), "ok\nf\n/\n");
	path_in(rr, sizeof(rr), bindir, "rump.run");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rc = run("/", (char *[]){ (char *)bad[i][0],
		    (char *)bad[i][1], (char *)bad[i][2], NULL },
		    (char *[]){ rr, (char *)"/bin/sh", (char *)"-c", script,
		    NULL }, out, sizeof(out));
		if (rc != 0 || strcmp(out, want) != 0)
			t_fail(__FILE__, __LINE__, "%s %s %s: %d %s", bad[i][0],
			    bad[i][1], bad[i][2], rc, out);
	}
}

/* RUMP_SERVER=unix://sock, relative to where rump.run starts: still the
 * same server after the program changes its host directory. */
TEST(relative_server_url)
{
	char rr[PATH_MAX], out[4096], file[256], script[300];
	int rc;

	CHECK_OK(mount_test_tmpfs());
	snprintf(file, sizeof(file), "/t/%s/f", t_current);
	CHECK_OK(t_write_file(file, "rel\n", 4));
	path_in(rr, sizeof(rr), bindir, "rump.run");
	snprintf(script, sizeof(script), "cd / && cat /rump%s", file);
	rc = run(tmpdir, (char *[]){ (char *)"RUMP_SERVER=unix://sock", NULL },
	    (char *[]){ rr, (char *)"/bin/bash", (char *)"-c", script, NULL },
	    out, sizeof(out));
	CHECK_EQ(rc, 0);
	CHECK_STR(out, "rel\n");
}

/* A path that climbs out of the prefix ("/rump/..") is the host's,
 * resolved: ls -la /rump shows the host's / as "..". */
TEST(dotdot_leaves_prefix)
{
	char rr[PATH_MAX], out[4096];
	int rc;

	path_in(rr, sizeof(rr), bindir, "rump.run");
	rc = run("/", NULL, (char *[]){ rr, (char *)"/bin/bash", (char *)"-c",
	    (char *)"[ \"$(stat -c %i /rump/..)\" = \"$(stat -c %i /)\" ] && "
	    "echo same; ls -d /rump/../etc //rump/x/../../etc; "
	    "realpath /rump/../etc; ls -la /rump 2>&1 | grep -c ' \\.\\.$'; "
	    "cd /rump/.. && pwd", NULL }, out, sizeof(out));
	CHECK_EQ(rc, 0);
	CHECK_STR(out, "same\n//rump/x/../../etc\n/rump/../etc\n/etc\n1\n/\n");
}

TEST(rump_run_usage)
{
	char rr[PATH_MAX], out[4096];
	int rc;

	path_in(rr, sizeof(rr), bindir, "rump.run");
	rc = run("/", NULL, (char *[]){ rr, NULL }, out, sizeof(out));
	CHECK_EQ(rc, 1);
	CHECK(strstr(out, "usage: rump.run") != NULL);
	rc = run("/", NULL, (char *[]){ rr, (char *)"/nonexistent/prog",
	    NULL }, out, sizeof(out));
	CHECK_EQ(rc, 127);
	CHECK(strncmp(out, "rump.run: /nonexistent/prog: ", 29) == 0);
	rc = run("/", (char *[]){ (char *)"RUMP_SERVER", NULL },
	    (char *[]){ (char *)"/usr/bin/env", (char *)"-u",
	    (char *)"RUMP_SERVER", rr, (char *)"true", NULL }, out,
	    sizeof(out));
	CHECK_EQ(rc, 1);
	CHECK(strstr(out, "RUMP_SERVER is not set") != NULL);
}

TEST(no_server_host_still_works)
{
	char rr[PATH_MAX], out[4096], env[200];
	int rc;

	path_in(rr, sizeof(rr), bindir, "rump.run");
	snprintf(env, sizeof(env), "RUMP_SERVER=unix://%s/nosuchsock",
	    tmpdir);
	rc = run("/", (char *[]){ env, NULL }, (char *[]){ rr,
	    (char *)"/bin/sh", (char *)"-c", (char *)"cat /etc/hostname "
	    ">/dev/null && echo host-ok && ls /rump/x; echo rc=$?", NULL },
	    out, sizeof(out));
	CHECK_EQ(rc, 0);
	CHECK(strstr(out, "host-ok\n") != NULL);
	CHECK(strstr(out, "Transport endpoint is not connected") != NULL);
	CHECK(strstr(out, "rc=2\n") != NULL);
}
