/*
 * tc_tools.c: the client tools rump.mount, rump.umount and
 * rump.sysctl, run as a user runs them (posix_spawn, RUMP_SERVER set)
 * against a rump_allserver -s this program starts.  Each test checks
 * the tool's exit status and exact output, then looks at the kernel
 * through its own rump_sys_* calls: the mount is there with the
 * flags asked for, the sysctl value changed, nothing changed after
 * an error.  Expected texts are NetBSD's (sbin/mount, sbin/umount,
 * sbin/sysctl); values come from the spec (netbsd-abi.md section 10)
 * or from the test's own system calls, never from the tool.
 */
#include <spawn.h>
#include <stdbool.h>
#include <sys/stat.h>

#define TC_HARNESS_CLIENT	/* t_boot connects us to the server */
#include "tc_util.h"

#define MAKEFS	"/usr/sbin/makefs"
#define HELLO	"hello from the host\n"

extern char **environ;

static char tmpdir[64] = "/tmp/tc_tools.XXXXXX";
static const char *bindir;
static struct tc_srv srv;

/* What a tool printed and how it ended. */
struct out {
	int	status;		/* exit code; 128 + signal if killed */
	size_t	outlen;		/* bytes in out, for binary output */
	char	out[16384];
	char	err[4096];
};

/* An FFS image holding hello (HELLO) and sub/, and a zeroed "disk". */
static int
make_images(void)
{
	char p[200], cmd[600];
	int fd;

	snprintf(p, sizeof(p), "%s/tree", tmpdir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/tree/sub", tmpdir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/tree/hello", tmpdir);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd == -1 || write(fd, HELLO, strlen(HELLO)) !=
	    (ssize_t)strlen(HELLO))
		return -1;
	close(fd);
	snprintf(p, sizeof(p), "%s/zero.img", tmpdir);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 ||
	    ftruncate(fd, 1 << 20) != 0)
		return -1;
	close(fd);
	snprintf(cmd, sizeof(cmd), MAKEFS " -t ffs -s 4m '%s/ffs.img' "
	    "'%s/tree' >/dev/null 2>&1", tmpdir, tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
t_boot(void)
{
	char d1[200], d2[200];
	int r;

	if ((r = tc_boot_mkdir(tmpdir, &srv)) != 0)
		return r;
	if (make_images() != 0) {
		fprintf(stderr, "tc_tools: cannot make the images\n");
		return 1;
	}
	bindir = tc_bin_dir();
	snprintf(d1, sizeof(d1), "key=/dev/img,hostpath=%s/ffs.img,size=host",
	    tmpdir);
	snprintf(d2, sizeof(d2), "key=/dev/zero0,hostpath=%s/zero.img,"
	    "size=host", tmpdir);
	return tc_boot_connect(&srv, tmpdir, "rump_allserver", "-d", d1,
	    "-d", d2, NULL);
}

static size_t
slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd == -1 ? 0 : read(fd, buf, cap - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd != -1)
		close(fd);
	return n > 0 ? (size_t)n : 0;
}

/* Run bin/argv[0] (or argv[0], a path) in environment envp. */
static int
spawn_tool(struct out *o, char **envp, char **argv)
{
	char path[PATH_MAX + 16], fo[100], fe[100];
	posix_spawn_file_actions_t fa;
	int st;
	pid_t pid;

	if (strchr(argv[0], '/') != NULL)
		snprintf(path, sizeof(path), "%s", argv[0]);
	else
		snprintf(path, sizeof(path), "%s/%s", bindir, argv[0]);
	snprintf(fo, sizeof(fo), "%s/out", tmpdir);
	snprintf(fe, sizeof(fe), "%s/err", tmpdir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, fo, O_WRONLY | O_CREAT |
	    O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, fe, O_WRONLY | O_CREAT |
	    O_TRUNC, 0644);
	o->status = -1;
	if (posix_spawn(&pid, path, &fa, NULL, argv, envp) == 0 &&
	    waitpid(pid, &st, 0) == pid)
		o->status = WIFEXITED(st) ? WEXITSTATUS(st) :
		    128 + WTERMSIG(st);
	posix_spawn_file_actions_destroy(&fa);
	o->outlen = slurp(fo, o->out, sizeof(o->out));
	slurp(fe, o->err, sizeof(o->err));
	return o->status;
}

/* Run a tool with the arguments (NULL-terminated); its exit status. */
static int __attribute__((sentinel))
run(struct out *o, const char *tool, ...)
{
	char *argv[32];
	va_list ap;
	int i = 0;

	argv[i++] = (char *)tool;
	va_start(ap, tool);
	while (i < 31 && (argv[i] = va_arg(ap, char *)) != NULL)
		i++;
	va_end(ap);
	argv[i] = NULL;
	return spawn_tool(o, environ, argv);
}

/* A directory for a mount point, absolute (tools start in "/"). */
static const char *
make_dir(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "/t/%s/%s", t_current, name);
	rump_sys_mkdir(path, 0755);
	return path;
}

static bool
is_mounted(const char *dir, const char *type, struct rump_statvfs *sf)
{
	return rump_sys_statvfs1(dir, (void *)sf, RUMP_ST_WAIT) == 0 &&
	    strcmp(sf->f_mntonname, dir) == 0 &&
	    strcmp(sf->f_fstypename, type) == 0;
}

static const char *
fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static const char *
fmt(const char *f, ...)
{
	static char buf[4][1024];
	static int k;
	va_list ap;

	k = (k + 1) % 4;
	va_start(ap, f);
	vsnprintf(buf[k], sizeof(buf[k]), f, ap);
	va_end(ap);
	return buf[k];
}

/* --- rump.mount ------------------------------------------------------------ */

TEST(mount_lists_mounts_like_netbsd)
{
	struct out o;
	const char *dir = make_dir("m");

	CHECK_EQ(run(&o, "rump.mount", NULL), 0);
	CHECK(strncmp(o.out, "rumpfs on / type rumpfs (local)\n", 32) == 0);
	CHECK_STR(o.err, "");
	CHECK_EQ(run(&o, "rump.mount", "-t", "tmpfs", "-o", "nosuid,noexec",
	    "tmpfs", dir, NULL), 0);
	CHECK_STR(o.out, "");
	CHECK_STR(o.err, "");
	/* Only the tmpfs: -t filters the list. */
	CHECK_EQ(run(&o, "rump.mount", "-t", "tmpfs", NULL), 0);
	CHECK_STR(o.out, fmt("tmpfs on %s type tmpfs (noexec, nosuid, "
	    "local)\n", dir));
	/* -t noTYPE: all but. */
	CHECK_EQ(run(&o, "rump.mount", "-t", "notmpfs,ffs", NULL), 0);
	CHECK(strstr(o.out, "rumpfs on / type rumpfs (local)\n") != NULL);
	CHECK(strstr(o.out, dir) == NULL);
	/* -v: silent flags, fsid and counters too. */
	CHECK_EQ(run(&o, "rump.mount", "-v", NULL), 0);
	CHECK(strncmp(o.out, "rumpfs on / type rumpfs (local, root file "
	    "system, fsid: 0x", 48) == 0);
	CHECK(strstr(o.out, ", reads: sync ") != NULL);
	CHECK_OK(rump_sys_unmount(dir, 0));
}

TEST(mount_tmpfs_options_fill_tmpfs_args)
{
	struct rump_statvfs sf;
	struct rump_stat st;
	struct out o;
	const char *dir = make_dir("m");

	CHECK_EQ(run(&o, "rump.mount", "-t", "tmpfs", "-o",
	    "nosuid,noexec,nodev,noatime,sync", "-o",
	    "size=1m,mode=0710,uid=5,gid=6", "tmpfs", dir, NULL), 0);
	CHECK_STR(o.err, "");
	CHECK(is_mounted(dir, "tmpfs", &sf));
	CHECK_EQ(sf.f_flag & (RUMP_MNT_NOSUID | RUMP_MNT_NOEXEC |
	    RUMP_MNT_NODEV | RUMP_MNT_NOATIME | RUMP_MNT_SYNCHRONOUS |
	    RUMP_MNT_RDONLY), RUMP_MNT_NOSUID | RUMP_MNT_NOEXEC |
	    RUMP_MNT_NODEV | RUMP_MNT_NOATIME | RUMP_MNT_SYNCHRONOUS);
	CHECK_EQ(sf.f_blocks * sf.f_frsize, 1 << 20);
	CHECK_OK(rump_sys_stat(dir, (struct stat *)(void *)&st));
	CHECK_EQ(st.st_mode, RUMP_S_IFDIR | 0710);
	CHECK_EQ(st.st_uid, 5);
	CHECK_EQ(st.st_gid, 6);
	/* -u by node alone: a new size, the flags as given now. */
	CHECK_EQ(run(&o, "rump.mount", "-u", "-o", "size=4m", dir, NULL), 0);
	CHECK_STR(o.err, "");
	CHECK(is_mounted(dir, "tmpfs", &sf));
	CHECK_EQ(sf.f_blocks * sf.f_frsize, 4 << 20);
	CHECK_EQ(sf.f_flag & (RUMP_MNT_NOSUID | RUMP_MNT_NOEXEC), 0);
	CHECK_OK(rump_sys_unmount(dir, 0));

	/* NetBSD's fstab spelling of mount_tmpfs's own flags: -o -s=... */
	CHECK_EQ(run(&o, "rump.mount", "-t", "tmpfs", "-o", "-s=2m,-m=700",
	    "tmpfs", dir, NULL), 0);
	CHECK(is_mounted(dir, "tmpfs", &sf));
	CHECK_EQ(sf.f_blocks * sf.f_frsize, 2 << 20);
	CHECK_OK(rump_sys_stat(dir, (struct stat *)(void *)&st));
	CHECK_EQ(st.st_mode & 07777, 0700);
	CHECK_OK(rump_sys_unmount(dir, 0));
}

/* Without mode/uid/gid the root copies the directory it covers. */
TEST(mount_tmpfs_root_from_mount_point)
{
	struct rump_stat st;
	struct out o;
	const char *dir = make_dir("m");

	CHECK_OK(rump_sys_chmod(dir, 0751));
	CHECK_OK(rump_sys_chown(dir, 7, 8));
	CHECK_EQ(run(&o, "rump.mount", "-t", "tmpfs", "tmpfs", dir, NULL), 0);
	CHECK_OK(rump_sys_stat(dir, (struct stat *)(void *)&st));
	CHECK_EQ(st.st_mode, RUMP_S_IFDIR | 0751);
	CHECK_EQ(st.st_uid, 7);
	CHECK_EQ(st.st_gid, 8);
	CHECK_OK(rump_sys_unmount(dir, 0));
}

/* ram/N and ram%N are fractions of the server's hw.physmem64. */
TEST(mount_tmpfs_size_from_ram)
{
	int mib[2] = { RUMP_CTL_HW, RUMP_HW_PHYSMEM64 };
	struct rump_statvfs sf;
	uint64_t ram, want;
	size_t len = sizeof(ram);
	struct out o;
	const char *dir = make_dir("m");

	CHECK_OK(rump_sys___sysctl(mib, 2, &ram, &len, NULL, 0));
	CHECK_EQ(run(&o, "rump.mount", "-t", "tmpfs", "-o", "size=ram/4",
	    "tmpfs", dir, NULL), 0);
	CHECK(is_mounted(dir, "tmpfs", &sf));
	want = (ram / 4 + 4095) / 4096 * 4096;
	CHECK_EQ(sf.f_blocks * sf.f_frsize, want);
	CHECK_OK(rump_sys_unmount(dir, 0));
	CHECK_EQ(run(&o, "rump.mount", "-t", "tmpfs", "-o", "size=ram%0",
	    "tmpfs", dir, NULL), 1);
	CHECK_STR(o.err, "rump.mount: ram percentage must be a between 0 "
	    "and 100 ram%0\n");
}

TEST(mount_getargs_prints_tmpfs_args)
{
	struct rump_tmpfs_args ta = { .ta_version = RUMP_TMPFS_ARGS_VERSION };
	struct out o;
	const char *dir = make_dir("m");

	CHECK_EQ(run(&o, "rump.mount", "-t", "tmpfs", "-o",
	    "size=64k,mode=750,uid=3,gid=4", "tmpfs", dir, NULL), 0);
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_TMPFS, dir, RUMP_MNT_GETARGS, &ta,
	    sizeof(ta)));
	CHECK_EQ(run(&o, "rump.mount", "-t", "tmpfs", "-o", "getargs",
	    "tmpfs", dir, NULL), 0);
	CHECK_STR(o.out, fmt("version=1, size_max=65536, nodes_max=%llu, "
	    "root_uid=3, root_gid=4, root_mode=%o\n",
	    (unsigned long long)ta.ta_nodes_max, ta.ta_root_mode));
	CHECK_OK(rump_sys_unmount(dir, 0));
}

/* -r, then -u -w by node, then -u -o ro: the flag follows each time. */
TEST(mount_update_read_only_and_back)
{
	struct rump_statvfs sf;
	struct out o;
	const char *dir = make_dir("m");
	char f[300];

	snprintf(f, sizeof(f), "%s/f", dir);
	CHECK_EQ(run(&o, "rump.mount", "-r", "-t", "tmpfs", "tmpfs", dir,
	    NULL), 0);
	CHECK(is_mounted(dir, "tmpfs", &sf));
	CHECK(sf.f_flag & RUMP_MNT_RDONLY);
	CHECK_ERR(rump_sys_open(f, RUMP_O_CREAT | RUMP_O_RDWR, 0644),
	    RUMP_EROFS);
	CHECK_EQ(run(&o, "rump.mount", "-u", "-w", dir, NULL), 0);
	CHECK_STR(o.err, "");
	CHECK(is_mounted(dir, "tmpfs", &sf));
	CHECK(!(sf.f_flag & RUMP_MNT_RDONLY));
	CHECK_OK(t_write_file(f, "x", 1));
	CHECK_EQ(run(&o, "rump.mount", "-u", "-o", "ro,noexec", "tmpfs", dir,
	    NULL), 0);
	CHECK(is_mounted(dir, "tmpfs", &sf));
	CHECK_EQ(sf.f_flag & (RUMP_MNT_RDONLY | RUMP_MNT_NOEXEC),
	    RUMP_MNT_RDONLY | RUMP_MNT_NOEXEC);
	CHECK_ERR(rump_sys_unlink(f), RUMP_EROFS);
	/* The file survived both updates. */
	CHECK_OK(rump_sys_access(f, RUMP_F_OK));
	CHECK_OK(rump_sys_unmount(dir, 0));
	/* -u on something not mounted. */
	CHECK_EQ(run(&o, "rump.mount", "-u", "/t/nothere", NULL), 1);
	CHECK_STR(o.err, "rump.mount: Unknown special file or file system "
	    "`/t/nothere'\n");
}

TEST(mount_ffs_image_read_only)
{
	struct rump_statvfs sf;
	const char *want;
	struct out o;
	const char *dir = make_dir("m");
	char f[300], buf[64];
	long n;

	CHECK_EQ(run(&o, "rump.mount", "-t", "ffs", "-o", "ro", "/dev/img",
	    dir, NULL), 0);
	CHECK_STR(o.err, "");
	CHECK(is_mounted(dir, "ffs", &sf));
	CHECK(sf.f_flag & RUMP_MNT_RDONLY);
	snprintf(f, sizeof(f), "%s/hello", dir);
	n = t_read_file(f, buf, sizeof(buf));
	CHECK_EQ(n, (long)strlen(HELLO));
	CHECK(n > 0 && memcmp(buf, HELLO, (size_t)n) == 0);
	/* In the list, with the read-only flag. */
	CHECK_EQ(run(&o, "rump.mount", "-t", "ffs", NULL), 0);
	CHECK_STR(o.out, fmt("/dev/img on %s type ffs (read-only, local)\n",
	    dir));
	/* Unmount by the special. */
	CHECK(is_mounted(dir, "ffs", &sf));
	CHECK_STR(sf.f_mntfromname, "/dev/img");
	CHECK_EQ(run(&o, "rump.umount", "/dev/img", NULL), 0);
	CHECK_STR(o.err, "");
	CHECK(!is_mounted(dir, "ffs", &sf));
	/* -v: the new mount, as the list shows it. */
	CHECK_EQ(run(&o, "rump.mount", "-v", "-r", "/dev/img", dir, NULL), 0);
	CHECK(is_mounted(dir, "ffs", &sf));
	/* (the counters may move between its statvfs and ours) */
	want = fmt("%s on %s type ffs (read-only, local, fsid: 0x%x/0x%x, "
	    "reads: sync ", sf.f_mntfromname, dir,
	    (unsigned)sf.f_fsidx.fsid_val[0],
	    (unsigned)sf.f_fsidx.fsid_val[1]);
	CHECK(strncmp(o.out, want, strlen(want)) == 0);
	CHECK(strstr(o.out, ", writes: sync ") != NULL);
	CHECK_EQ(run(&o, "rump.umount", dir, NULL), 0);
	CHECK(!is_mounted(dir, "ffs", &sf));
}

/* A read-write mount does what mount(2) itself does with it. */
TEST(mount_ffs_read_write_as_the_kernel_allows)
{
	struct rump_ufs_args ua = { .fspec = (char *)"/dev/img" };
	struct rump_statvfs sf;
	struct out o;
	const char *dir = make_dir("m");
	int rv, error;

	errno = 0;
	rv = rump_sys_mount(RUMP_MOUNT_FFS, dir, 0, &ua, sizeof(ua));
	error = errno;
	if (rv == 0)
		CHECK_OK(rump_sys_unmount(dir, 0));
	CHECK_EQ(run(&o, "rump.mount", "/dev/img", dir, NULL), rv == 0 ? 0 : 1);
	if (rv == 0) {
		CHECK(is_mounted(dir, "ffs", &sf));
		CHECK(!(sf.f_flag & RUMP_MNT_RDONLY));
		CHECK_OK(rump_sys_unmount(dir, 0));
	} else
		CHECK_STR(o.err, fmt("rump.mount: /dev/img on %s: %s\n", dir,
		    rump_strerror(error)));
}

TEST(mount_errors_are_netbsds)
{
	struct rump_statvfs sf;
	struct out o;
	const char *dir = make_dir("m");

	CHECK_EQ(run(&o, "rump.mount", "-t", "tmpfs", "-o", "bogus", "tmpfs",
	    dir, NULL), 1);
	CHECK_STR(o.err, "rump.mount: -o bogus: option not supported\n");
	CHECK_EQ(run(&o, "rump.mount", "-t", "tmpfs", "-o", "mode=9z",
	    "tmpfs", dir, NULL), 1);
	CHECK_STR(o.err, "rump.mount: invalid file mode: 9z\n");
	CHECK_EQ(run(&o, "rump.mount", "-t", "tmpfs", "-o", "size=12q",
	    "tmpfs", dir, NULL), 1);
	CHECK_STR(o.err, "rump.mount: failed to parse size `12q': "
	    "Invalid argument\n");
	CHECK_EQ(run(&o, "rump.mount", "-t", "tmpfs", "-o", "uid=-1",
	    "tmpfs", dir, NULL), 1);
	CHECK_STR(o.err, "rump.mount: unknown user id: -1\n");
	CHECK_EQ(run(&o, "rump.mount", "-t", "tmpfs", "tmpfs", "/t/nothere",
	    NULL), 1);
	CHECK_STR(o.err, "rump.mount: cannot stat `/t/nothere': No such file "
	    "or directory\n");
	CHECK_EQ(run(&o, "rump.mount", "-t", "nfs", "host:/x", dir, NULL), 1);
	CHECK_STR(o.err, fmt("rump.mount: mount_nfs not found for %s\n", dir));
	CHECK_EQ(run(&o, "rump.mount", "-t", "ffs", "-o", "ro", "/dev/nothere",
	    dir, NULL), 1);
	CHECK_STR(o.err, fmt("rump.mount: /dev/nothere on %s: No such file or "
	    "directory\n", dir));
	/* Not a file system: EINVAL, which mount_ffs words its own way. */
	CHECK_EQ(run(&o, "rump.mount", "-t", "ffs", "-o", "ro", "/dev/zero0",
	    dir, NULL), 1);
	CHECK_STR(o.err, fmt("rump.mount: /dev/zero0 on %s: incorrect super "
	    "block\n", dir));
	CHECK_EQ(run(&o, "rump.mount", "-t", "ffs", "-t", "tmpfs", NULL), 1);
	CHECK_STR(o.err, "rump.mount: Only one -t option may be specified.\n");
	CHECK_EQ(run(&o, "rump.mount", dir, NULL), 1);
	CHECK_STR(o.err, fmt("rump.mount: Unknown special file or file system "
	    "`%s'\n", dir));
	/* Usage: -h, unknown flags, too many arguments. */
	CHECK_EQ(run(&o, "rump.mount", "-h", NULL), 1);
	CHECK(strncmp(o.err, "Usage: rump.mount [-uv] [-t type]\n", 34) == 0);
	CHECK_EQ(run(&o, "rump.mount", "-Z", NULL), 1);
	CHECK(strncmp(o.err, "rump.mount: unknown option -- Z\nUsage: ",
	    39) == 0);
	CHECK_EQ(run(&o, "rump.mount", "a", "b", "c", NULL), 1);
	CHECK(strncmp(o.err, "Usage: ", 7) == 0);
	/* Nothing got mounted on the way. */
	CHECK(!is_mounted(dir, "tmpfs", &sf) && !is_mounted(dir, "ffs", &sf));
}

/* --- rump.umount ----------------------------------------------------------- */

TEST(umount_by_node_special_and_same_directory)
{
	struct rump_statvfs sf;
	struct out o;
	char dir[256], slash[260];

	snprintf(dir, sizeof(dir), "%s", make_dir("m"));
	snprintf(slash, sizeof(slash), "%s/", dir);
	CHECK_OK(t_mount_tmpfs(dir));
	CHECK_EQ(run(&o, "rump.umount", dir, NULL), 0);
	CHECK_STR(o.out, "");
	CHECK_STR(o.err, "");
	CHECK(!is_mounted(dir, "tmpfs", &sf));
	/* By special: the newest tmpfs is this one. */
	CHECK_OK(t_mount_tmpfs(dir));
	CHECK_EQ(run(&o, "rump.umount", "-v", "tmpfs", NULL), 0);
	CHECK_STR(o.out, fmt("tmpfs: unmount from %s\n", dir));
	CHECK(!is_mounted(dir, "tmpfs", &sf));
	/* -F: found and reported, not unmounted. */
	CHECK_OK(t_mount_tmpfs(dir));
	CHECK_EQ(run(&o, "rump.umount", "-F", "-v", dir, NULL), 0);
	CHECK_STR(o.out, fmt("tmpfs: unmount from %s\n", dir));
	CHECK(is_mounted(dir, "tmpfs", &sf));
	CHECK_OK(rump_sys_unmount(dir, 0));
	/* Another spelling of the same directory. */
	CHECK_OK(t_mount_tmpfs(dir));
	CHECK_EQ(run(&o, "rump.umount", slash, NULL), 0);
	CHECK(!is_mounted(dir, "tmpfs", &sf));
	/* -R hands the name to unmount(2) as it is. */
	CHECK_OK(t_mount_tmpfs(dir));
	CHECK_EQ(run(&o, "rump.umount", "-R", slash, NULL), 0);
	CHECK(!is_mounted(dir, "tmpfs", &sf));
}

TEST(umount_busy_then_forced)
{
	struct rump_statvfs sf;
	struct out o;
	char dir[256], f[300];
	int fd;

	snprintf(dir, sizeof(dir), "%s", make_dir("m"));
	snprintf(f, sizeof(f), "%s/open", dir);
	CHECK_OK(t_mount_tmpfs(dir));
	CHECK_OK(fd = rump_sys_open(f, RUMP_O_CREAT | RUMP_O_RDWR, 0644));
	CHECK_EQ(run(&o, "rump.umount", dir, NULL), 1);
	CHECK_STR(o.err, fmt("rump.umount: %s: Device busy\n", dir));
	CHECK(is_mounted(dir, "tmpfs", &sf));
	CHECK_EQ(run(&o, "rump.umount", "-f", dir, NULL), 0);
	CHECK_STR(o.err, "");
	CHECK(!is_mounted(dir, "tmpfs", &sf));
	rump_sys_close(fd);
}

#define UMOUNT_USAGE \
	"Usage: rump.umount [-fvFR] [-t fstypelist] special | node\n"

TEST(umount_errors_are_netbsds)
{
	struct out o;
	const char *dir = make_dir("m");

	CHECK_EQ(run(&o, "rump.umount", dir, NULL), 1);
	CHECK_STR(o.err, fmt("rump.umount: %s: not currently mounted\n", dir));
	CHECK_EQ(run(&o, "rump.umount", "/t/nothere", NULL), 1);
	CHECK_STR(o.err, "rump.umount: /t/nothere: not currently mounted\n");
	/* The root cannot go. */
	CHECK_EQ(run(&o, "rump.umount", "/", NULL), 1);
	CHECK_STR(o.err, "rump.umount: /: Invalid argument\n");
	CHECK_EQ(run(&o, "rump.umount", NULL), 1);
	CHECK(strncmp(o.err, UMOUNT_USAGE, strlen(UMOUNT_USAGE)) == 0);
	CHECK_EQ(run(&o, "rump.umount", "-h", NULL), 1);
	CHECK_STR(o.err, UMOUNT_USAGE "\t rump.umount -a[fvF] [-t fstypelist]\n");
	CHECK_EQ(run(&o, "rump.umount", "-a", dir, NULL), 1);
	CHECK(strncmp(o.err, "Usage: ", 7) == 0);
}

/* -a -t tmpfs: every tmpfs, newest first; the root and others stay. */
TEST(umount_all_of_a_type)
{
	struct rump_statvfs sf;
	struct out o;
	char a[256], b[300], c[256];

	snprintf(a, sizeof(a), "%s", make_dir("a"));
	snprintf(b, sizeof(b), "%s/b", a);
	snprintf(c, sizeof(c), "%s", make_dir("c"));
	CHECK_OK(t_mount_tmpfs(a));
	CHECK_OK(t_mount_tmpfs(b));	/* stacked: must go first */
	CHECK_EQ(run(&o, "rump.mount", "-t", "ffs", "-r", "/dev/img", c, NULL),
	    0);
	CHECK_EQ(run(&o, "rump.umount", "-a", "-t", "tmpfs", NULL), 0);
	CHECK_STR(o.err, "");
	CHECK(!is_mounted(a, "tmpfs", &sf));
	CHECK(is_mounted(c, "ffs", &sf));
	CHECK_EQ(run(&o, "rump.mount", NULL), 0);
	CHECK(strstr(o.out, "type tmpfs") == NULL);
	CHECK(strstr(o.out, "rumpfs on / type rumpfs (local)\n") != NULL);
	CHECK_EQ(run(&o, "rump.umount", "-t", "tmpfs", c, NULL), 1);
	CHECK(is_mounted(c, "ffs", &sf));
	CHECK_EQ(run(&o, "rump.umount", c, NULL), 0);
	CHECK(!is_mounted(c, "ffs", &sf));
}

/* --- rump.sysctl ----------------------------------------------------------- */

/* The leaves the kernel serves (netbsd-abi.md section 10). */
static const struct leaf {
	const char	*name;
	int		mib[2];
	int		type;
} leaves[] = {
	{ "kern.ostype", { 1, 1 }, RUMP_CTLTYPE_STRING },
	{ "kern.osrelease", { 1, 2 }, RUMP_CTLTYPE_STRING },
	{ "kern.osrevision", { 1, 3 }, RUMP_CTLTYPE_INT },
	{ "kern.hostname", { 1, 10 }, RUMP_CTLTYPE_STRING },
	{ "hw.machine", { 6, 1 }, RUMP_CTLTYPE_STRING },
	{ "hw.ncpu", { 6, 3 }, RUMP_CTLTYPE_INT },
	{ "hw.physmem", { 6, 5 }, RUMP_CTLTYPE_INT },
	{ "hw.pagesize", { 6, 7 }, RUMP_CTLTYPE_INT },
	{ "hw.physmem64", { 6, 13 }, RUMP_CTLTYPE_QUAD },
	{ "hw.ncpuonline", { 6, 16 }, RUMP_CTLTYPE_INT },
};

/* A leaf's value as text, read by number. */
static const char *
leaf_value(const struct leaf *l)
{
	static char buf[1024];
	size_t len = sizeof(buf);
	int32_t i;
	int64_t q;

	memset(buf, 0, sizeof(buf));
	if (rump_sys___sysctl(l->mib, 2, buf, &len, NULL, 0) == -1)
		return "(error)";
	if (l->type == RUMP_CTLTYPE_INT) {
		memcpy(&i, buf, sizeof(i));
		snprintf(buf, sizeof(buf), "%d", i);
	} else if (l->type == RUMP_CTLTYPE_QUAD) {
		memcpy(&q, buf, sizeof(q));
		snprintf(buf, sizeof(buf), "%lld", (long long)q);
	}
	return buf;
}

TEST(sysctl_reads_by_name)
{
	struct out o;

	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		char *name = (char *)leaves[i].name;

		CHECK_EQ(run(&o, "rump.sysctl", name, NULL), 0);
		CHECK_STR(o.out, fmt("%s = %s\n", name,
		    leaf_value(&leaves[i])));
		CHECK_STR(o.err, "");
	}
	CHECK_EQ(run(&o, "rump.sysctl", "kern.ostype", NULL), 0);
	CHECK_STR(o.out, "kern.ostype = NetBSD\n");
	CHECK_EQ(run(&o, "rump.sysctl", "-n", "kern.ostype", "hw.pagesize",
	    NULL), 0);
	CHECK_STR(o.out, "NetBSD\n4096\n");
	CHECK_EQ(run(&o, "rump.sysctl", "-e", "kern.osrevision", NULL), 0);
	CHECK_STR(o.out, "kern.osrevision=799003400\n");
	/* Numbers and '/' work as names too; the name printed is as given. */
	CHECK_EQ(run(&o, "rump.sysctl", "1.1", "/hw/pagesize", NULL), 0);
	CHECK_STR(o.out, "kern.ostype = NetBSD\n/hw/pagesize = 4096\n");
	CHECK_EQ(run(&o, "rump.sysctl", "-x", "hw.pagesize", NULL), 0);
	CHECK_STR(o.out, "hw.pagesize = 0x00001000\n");
	/* -r: the kernel's bytes, NUL of a string included, no newline. */
	CHECK_EQ(run(&o, "rump.sysctl", "-r", "hw.pagesize", "kern.ostype",
	    NULL), 0);
	CHECK_EQ(o.outlen, 4 + 7);
	CHECK(memcmp(o.out, "\0\x10\0\0NetBSD\0", 11) == 0);
}

/* -a lists every leaf, each with the value read by number. */
TEST(sysctl_all_lists_the_tree)
{
	struct out o;
	int lines = 0;

	CHECK_EQ(run(&o, "rump.sysctl", "-a", NULL), 0);
	CHECK_STR(o.err, "");
	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++)
		CHECK(strstr(o.out, fmt("%s = %s\n", leaves[i].name,
		    leaf_value(&leaves[i]))) != NULL);
	for (char *p = o.out; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	CHECK(lines >= (int)(sizeof(leaves) / sizeof(leaves[0])));
	/* -A: the same list (nothing here fails to read). */
	static char all[sizeof(o.out)];
	snprintf(all, sizeof(all), "%s", o.out);
	CHECK_EQ(run(&o, "rump.sysctl", "-A", NULL), 0);
	CHECK_STR(o.out, all);
	/* A node by name: its leaves, in the same format. */
	CHECK_EQ(run(&o, "rump.sysctl", "kern", NULL), 0);
	CHECK(strncmp(o.out, "kern.ostype = NetBSD\n", 21) == 0);
	CHECK(strstr(o.out, "hw.") == NULL);
}

TEST(sysctl_writes_hostname)
{
	const struct leaf *hn = &leaves[3];
	char old[300];
	struct out o;

	snprintf(old, sizeof(old), "%s", leaf_value(hn));
	CHECK_EQ(run(&o, "rump.sysctl", "-w", "kern.hostname=tc-tools", NULL),
	    0);
	CHECK_STR(o.out, fmt("kern.hostname: %s -> tc-tools\n", old));
	CHECK_STR(leaf_value(hn), "tc-tools");
	/* Newer NetBSD: name=value alone writes. */
	CHECK_EQ(run(&o, "rump.sysctl", "kern.hostname=second", NULL), 0);
	CHECK_STR(o.out, "kern.hostname: tc-tools -> second\n");
	CHECK_STR(leaf_value(hn), "second");
	/* -n: only the new value. */
	CHECK_EQ(run(&o, "rump.sysctl", "-n", "-w", "kern.hostname=third",
	    NULL), 0);
	CHECK_STR(o.out, "third\n");
	CHECK_STR(leaf_value(hn), "third");
	/* Longer than the 256-byte buffer: refused before the kernel. */
	char big[320] = "kern.hostname=";
	memset(big + 14, 'x', 300);
	big[314] = '\0';
	CHECK_EQ(run(&o, "rump.sysctl", "-w", big, NULL), 1);
	CHECK_STR(o.err, fmt("rump.sysctl: %s: string too long\n", big + 14));
	CHECK_STR(leaf_value(hn), "third");
	snprintf(big, sizeof(big), "kern.hostname=%s", old);
	CHECK_EQ(run(&o, "rump.sysctl", "-q", "-w", big, NULL), 0);
	CHECK_STR(o.out, "");
	CHECK_STR(leaf_value(hn), old);
}

TEST(sysctl_errors_are_netbsds)
{
	struct out o;

	CHECK_EQ(run(&o, "rump.sysctl", "kern.foo", NULL), 1);
	CHECK_STR(o.err, "rump.sysctl: second level name 'foo' in 'kern.foo' "
	    "is invalid\n");
	CHECK_STR(o.out, "");
	CHECK_EQ(run(&o, "rump.sysctl", "nosuch", NULL), 1);
	CHECK_STR(o.err, "rump.sysctl: top level name 'nosuch' in 'nosuch' is "
	    "invalid\n");
	CHECK_EQ(run(&o, "rump.sysctl", ".", NULL), 1);
	CHECK_STR(o.err, "rump.sysctl: top level name '' in '.' is invalid\n");
	CHECK_EQ(run(&o, "rump.sysctl", "kern..ostype", NULL), 1);
	CHECK_STR(o.err, "rump.sysctl: second level name '' in 'kern..ostype' "
	    "is invalid\n");
	CHECK_EQ(run(&o, "rump.sysctl", "kern.ostype.x", NULL), 1);
	CHECK_STR(o.err, "rump.sysctl: third level name 'x' in 'kern.ostype.x' "
	    "is invalid\n");
	/* Read-only leaf: the kernel's EPERM, the value unchanged. */
	CHECK_EQ(run(&o, "rump.sysctl", "-w", "kern.ostype=Linux", NULL), 1);
	CHECK_STR(o.err, "rump.sysctl: kern.ostype: Operation not permitted\n");
	CHECK_STR(leaf_value(&leaves[0]), "NetBSD");
	CHECK_EQ(run(&o, "rump.sysctl", "-w", "hw.ncpu=many", NULL), 1);
	CHECK_STR(o.err, "rump.sysctl: many: not a number\n");
	CHECK_EQ(run(&o, "rump.sysctl", "-w", "hw.ncpu=99999999999", NULL), 1);
	CHECK_STR(o.err, "rump.sysctl: 99999999999: Result too large or too "
	    "small\n");
	/* -q: no message, same status; name?=value: quietly nothing. */
	CHECK_EQ(run(&o, "rump.sysctl", "-q", "kern.foo", NULL), 1);
	CHECK_STR(o.err, "");
	CHECK_EQ(run(&o, "rump.sysctl", "kern.foo?=1", NULL), 0);
	CHECK_STR(o.err, "");
	/* The first bad name stops the rest. */
	CHECK_EQ(run(&o, "rump.sysctl", "kern.foo", "kern.ostype", NULL), 1);
	CHECK_STR(o.out, "");
	CHECK_EQ(run(&o, "rump.sysctl", NULL), 1);
	CHECK(strncmp(o.err, "usage:\trump.sysctl [-enq]", 25) == 0);
	CHECK_EQ(run(&o, "rump.sysctl", "-h", NULL), 1);
	CHECK_STR(o.err, "usage:\trump.sysctl [-enq] [-x|-r] variable ...\n"
	    "\trump.sysctl [-en] [-q] -w variable=value ...\n"
	    "\trump.sysctl [-en] -a\n\trump.sysctl [-en] -A\n");
	CHECK_EQ(run(&o, "rump.sysctl", "-x", "-r", "kern", NULL), 1);
	CHECK(strncmp(o.err, "usage:", 6) == 0);
}

/* --- all three ------------------------------------------------------------- */

TEST(tools_without_a_server_fail_cleanly)
{
	static const char *tools[] = { "rump.mount", "rump.umount",
	    "rump.sysctl" };
	char env[200], *envp[] = { env, NULL };
	struct out o;

	snprintf(env, sizeof(env), "RUMP_SERVER=unix://%s/nosock", tmpdir);
	for (int i = 0; i < 3; i++) {
		char *argv[] = { (char *)tools[i],
		    (char *)(i == 2 ? "kern.ostype" : "/mnt"), NULL };

		spawn_tool(&o, envp, argv);
		CHECK_EQ(o.status, 1);
		CHECK(strncmp(o.err, fmt("%s: init failed: ", tools[i]),
		    strlen(tools[i]) + 15) == 0);
	}
}

/* --- the README ------------------------------------------------------------ */

/* Replace every from in buf (a string of at most cap bytes) by to. */
static bool
replace_all(char *buf, size_t cap, const char *from, const char *to)
{
	size_t lf = strlen(from), lt = strlen(to);
	char *p = buf;

	while ((p = strstr(p, from)) != NULL) {
		if (strlen(buf) + lt - lf >= cap)
			return false;
		memmove(p + lt, p + lf, strlen(p + lf) + 1);
		memcpy(p, to, lt);
		p += lt;
	}
	return true;
}

/*
 * The README's walk-through, every command as written, in a scratch
 * directory instead of /tmp/ffsdemo and with this build's programs on
 * the path.  Returns the script's length, 0 if the section is gone.
 */
static size_t
readme_script(char *buf, size_t cap)
{
	static char readme[65536];
	char path[PATH_MAX + 64], *sec, *end, *p, *q;
	size_t n;

	snprintf(path, sizeof(path), "%s/../../README.md", bindir);
	slurp(path, readme, sizeof(readme));
	if ((sec = strstr(readme, "## Looking inside an FFS image")) == NULL)
		return 0;
	if ((end = strstr(sec + 1, "\n## ")) != NULL)
		*end = '\0';
	/* On exit, halt whatever server the script started. */
	n = (size_t)snprintf(buf, cap, "set -e\n"
	    "trap 'rump.halt >/dev/null 2>&1 || true' EXIT\n");
	for (p = sec; (p = strstr(p, "```sh\n")) != NULL; p = q + 3) {
		p += 6;
		if ((q = strstr(p, "```")) == NULL ||
		    n + (size_t)(q - p) >= cap)
			return 0;
		memcpy(buf + n, p, (size_t)(q - p));
		n += (size_t)(q - p);
		buf[n] = '\0';
	}
	snprintf(path, sizeof(path), "export PATH=%s:$PATH", bindir);
	if (!replace_all(buf, cap, "export PATH=$PWD/build/bin:$PATH", path))
		return 0;
	snprintf(path, sizeof(path), "%s/ffsdemo", tmpdir);
	if (!replace_all(buf, cap, "/tmp/ffsdemo", path))
		return 0;
	return strlen(buf);
}

TEST(readme_walk_through_runs_as_written)
{
	static char script[16384];
	char spath[100], *argv[] = { (char *)"/usr/bin/timeout",
	    (char *)"120", (char *)"/bin/sh", spath, NULL };
	char *envp[256];
	struct out o;
	size_t n;
	int fd, k = 0;

	n = readme_script(script, sizeof(script));
	CHECK(n > 0);
	CHECK(strstr(script, bindir) != NULL &&
	    strstr(script, "/tmp/ffsdemo") == NULL);
	snprintf(spath, sizeof(spath), "%s/walk.sh", tmpdir);
	CHECK_OK(fd = open(spath, O_WRONLY | O_CREAT | O_TRUNC, 0644));
	CHECK_EQ(write(fd, script, n), (ssize_t)n);
	close(fd);
	/* Not our server: the walk-through starts its own. */
	for (char **e = environ; *e != NULL && k < 255; e++)
		if (strncmp(*e, "RUMP_SERVER=", 12) != 0)
			envp[k++] = *e;
	envp[k] = NULL;
	spawn_tool(&o, envp, argv);
	CHECK_EQ(o.status, 0);
	if (o.status != 0)
		fprintf(stderr, "  script:\n%s  stdout:\n%s  stderr:\n%s", script,
		    o.out, o.err);
	/* No tool complained on the way. */
	CHECK(strstr(o.err, "rump.") == NULL);
	CHECK(strstr(o.out, "greeting.txt") != NULL);
}
