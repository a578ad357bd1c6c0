/*
 * t_mod_server: modules and components in the real servers, used by
 * the client tools: the manual page's first example verbatim, -m
 * (several, bad ones, without the vfs faction, over a built-in
 * component), the module directory (autoload, RUMP_MODULEBASE), -l in
 * reverse dependency order, and rump.modstat, rump.modload and
 * rump.modunload with their messages and exit codes.
 *
 * No kernel in this program: servers are started as processes (with
 * -s, or detached and then halted), clients are the built tools and
 * rumpdemo_remote, run with RUMP_SERVER pointing at them.
 */
#include "t_server_util.h"

/* build/lib/rump/modules/tmpfs/tmpfs.kmod: the installed layout. */
static const char *
tmpfs_kmod(void)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%.4000s/rump/modules/tmpfs/tmpfs.kmod",
	    srv_libdir());
	return path;
}

/* build/tests/kmod (a test module's directory holds NAME.kmod). */
static const char *
tkmod_dir(void)
{
	static char path[PATH_MAX];
	const char *lib = srv_libdir();

	snprintf(path, sizeof(path), "%.*s/tests/kmod",
	    (int)(strlen(lib) > 4000 ? 4000 : strlen(lib) - 4), lib);
	return path;
}

static const char *
tkmod(const char *name)
{
	static char path[4][PATH_MAX];
	static int n;
	char *p = path[n++ % 4];

	snprintf(p, PATH_MAX, "%.3000s/%.30s/%.30s.kmod", tkmod_dir(), name,
	    name);
	return p;
}

/* Run a client program against the server at sockpath. */
static int
client(struct srv *c, const char *sockpath, const char *prog,
    const char *const *args)
{
	static char env[160];
	const char *envv[3] = { env, "RUMP_MODULEBASE", NULL };

	snprintf(env, sizeof(env), "RUMP_SERVER=unix://%s", sockpath);
	srv_startv(c, prog, envv, NULL, args);
	return srv_wait(c, 20);
}
#define CLIENT(c, path, prog, ...) \
	client((c), (path), (prog), (const char *const[]){ __VA_ARGS__ NULL })

/* Has our child pid exited (a zombie not yet reaped)? */
static bool
exited(pid_t pid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY)) == -1)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return (p = strrchr(buf, ')')) != NULL && p[1] == ' ' && p[2] == 'Z';
}

/* A foreground server (-s) with args; the socket fd, or -1 (at once
 * when the server exits instead of serving). */
static int
start_fg(struct srv *s, const char *prog, const char *path,
    const char *const *env, const char *const *args)
{
	const char *argv[32];
	char url[128];
	int i = 0, j;

	snprintf(url, sizeof(url), "unix://%s", path);
	argv[i++] = "-s";
	for (j = 0; args[j] != NULL; j++)
		argv[i++] = args[j];
	argv[i++] = url;
	argv[i] = NULL;
	srv_startv(s, prog, env, NULL, argv);
	for (i = 0; i < 2000; i++) {
		int fd = srv_connect_unix(path);

		if (fd != -1)
			return fd;
		if (exited(s->pid))
			return -1;
		srv_sleep_ms(5);
	}
	return -1;
}

static void
halt_fg(struct srv *s, const char *path)
{
	struct srv h;

	CHECK_EQ(CLIENT(&h, path, "rump.halt"), 0);
	CHECK_EQ(srv_wait(s, 10), 0);
	srv_cleanup_files(s);
}

/* The first example of rump_server(1), with the module's installed
 * path: the server detaches; a client mounts tmpfs and uses it;
 * rump.halt ends the server. */
TEST(manpage_first_example)
{
	struct srv s, c;
	const char *path = srv_sockpath("ex1");
	char url[128];
	pid_t dpid;
	int fd;

	snprintf(url, sizeof(url), "unix://%s", path);
	srv_run(&s, "rump_server", "-lrumpvfs", "-m", tmpfs_kmod(), url);
	CHECK_EQ(s.status, 0);
	CHECK_STR(s.err, "");
	fd = srv_connect_unix(path);
	dpid = srv_peer_pid(fd);
	close(fd);
	CHECK(dpid > 0);
	CHECK_EQ(CLIENT(&c, path, "rumpdemo_remote"), 0);
	CHECK(srv_has(c.out, "/mnt/link says: hello from a rump kernel\n"));
	CHECK(srv_has(c.out, "/mnt is tmpfs,"));
	CHECK_EQ(CLIENT(&c, path, "rump.modstat", "tmpfs",), 0);
	CHECK(srv_has(c.out, "\ntmpfs            vfs      filesys  -    0 "));
	/* mounted: the module is held */
	CHECK_EQ(CLIENT(&c, path, "rump.modunload", "tmpfs",), 1);
	CHECK_STR(c.err, "rump.modunload: tmpfs: Device busy\n");
	CHECK_EQ(CLIENT(&c, path, "rump.halt"), 0);
	CHECK_EQ(srv_waitpid(dpid, 10, NULL), 0);
	CHECK(!srv_exists(path));
	srv_cleanup_files(&s);
	srv_reap();
}

/* rump_server alone has no file system layer; with -l rumpvfs it has
 * no file systems (the module directory turned off): mount is ENODEV. */
TEST(no_filesystems_without_libraries)
{
	struct srv s, c;
	const char *path = srv_sockpath("nofs");
	const char *off[] = { "RUMP_MODULEBASE=0", NULL };

	CHECK(start_fg(&s, "rump_server", path, NULL,
	    (const char *const[]){ NULL }) != -1);
	CHECK_EQ(CLIENT(&c, path, "rumpdemo_remote"), 1);
	CHECK_STR(c.err, "rumpdemo: mkdir /mnt: Function not implemented\n");
	halt_fg(&s, path);

	path = srv_sockpath("nofs2");
	CHECK(start_fg(&s, "rump_server", path, off,
	    (const char *const[]){ "-lrumpvfs", NULL }) != -1);
	CHECK_EQ(CLIENT(&c, path, "rumpdemo_remote"), 1);
	CHECK_STR(c.err, "rumpdemo: mount tmpfs: Operation not supported "
	    "by device\n");
	halt_fg(&s, path);
	srv_reap();
}

/* The install's module directory is the kernel's module path: an
 * unknown type at mount loads its module (flag "a" in modstat). */
TEST(autoload_from_module_directory)
{
	struct srv s, c;
	const char *path = srv_sockpath("auto");

	CHECK(start_fg(&s, "rump_server", path, NULL,
	    (const char *const[]){ "-lrumpvfs", NULL }) != -1);
	CHECK_EQ(CLIENT(&c, path, "rumpdemo_remote"), 0);
	CHECK_EQ(CLIENT(&c, path, "rump.modstat", "-n", "tmpfs",), 0);
	CHECK(srv_has(c.out, "\ntmpfs            vfs      filesys  a    0 "));
	halt_fg(&s, path);
	srv_reap();
}

/* Several -m: all load (NetBSD would load the first one each time),
 * a dependency first; RUMP_MODULEBASE names the module directory. */
TEST(several_modules_all_load)
{
	struct srv s, c;
	const char *path = srv_sockpath("many");
	char base[PATH_MAX + 20];
	const char *env[] = { base, NULL };

	snprintf(base, sizeof(base), "RUMP_MODULEBASE=%s", tkmod_dir());
	/* t_modb requires t_moda: found by name in RUMP_MODULEBASE */
	CHECK(start_fg(&s, "rump_server", path, env,
	    (const char *const[]){ "-lrumpvfs", "-m", tkmod("t_modb"), "-m",
	    tmpfs_kmod(), "-m", tkmod("t_modprop"), NULL }) == -1);
	/* t_modprop wants properties: -m gives none, the boot fails */
	CHECK_EQ(srv_wait(&s, 10), 1);
	CHECK(srv_has(s.err, "rump_server: module load failed: Invalid "
	    "argument (-m "));
	CHECK(srv_has(s.out, "module: `t_modprop': initialisation failed: "
	    "error 22\n"));

	path = srv_sockpath("many2");
	CHECK(start_fg(&s, "rump_server", path, env,
	    (const char *const[]){ "-lrumpvfs", "-m", tkmod("t_modb"), "-m",
	    tmpfs_kmod(), NULL }) != -1);
	CHECK_EQ(CLIENT(&c, path, "rump.modstat"), 0);
	CHECK(srv_has(c.out, "\nt_moda           misc     filesys  -    1 "));
	CHECK(srv_has(c.out, "\nt_modb           misc     filesys  -    0 "));
	CHECK(srv_has(c.out, " t_moda\n"));
	CHECK(srv_has(c.out, "\ntmpfs            vfs      filesys  -    0 "));
	/* the tools load and unload by name and by path */
	CHECK_EQ(CLIENT(&c, path, "rump.modunload", "t_moda",), 1);
	CHECK_STR(c.err, "rump.modunload: t_moda: Device busy\n");
	CHECK_EQ(CLIENT(&c, path, "rump.modunload", "t_modb",), 0);
	CHECK_EQ(CLIENT(&c, path, "rump.modunload", "t_moda",), 0);
	CHECK_EQ(CLIENT(&c, path, "rump.modload", "t_modb",), 0);
	CHECK_EQ(CLIENT(&c, path, "rump.modload", "-s", "x=1", "t_modprop",),
	    1);
	CHECK_STR(c.err, "rump.modload: t_modprop: Invalid argument\n");
	CHECK_EQ(CLIENT(&c, path, "rump.modload", "-b", "magic=true",
	    "t_modprop",), 0);
	CHECK_EQ(CLIENT(&c, path, "rump.modload", "t_modver",), 1);
	CHECK_STR(c.err, "rump.modload: t_modver: Program version wrong\n");
	CHECK_EQ(CLIENT(&c, path, "rump.modload", "-f", "t_modver",), 0);
	CHECK_EQ(CLIENT(&c, path, "rump.modload", "nosuch",), 1);
	CHECK_STR(c.err, "rump.modload: nosuch: No such file or directory\n");
	CHECK_EQ(CLIENT(&c, path, "rump.modstat", "-n", "t_modver",), 0);
	CHECK(srv_has(c.out, "\nt_modver         misc     filesys  -    0 "));
	halt_fg(&s, path);
	srv_reap();
}

/* A module whose name is built in: EEXIST, and the boot fails. */
TEST(module_over_builtin_eexist)
{
	struct srv s;
	const char *path = srv_sockpath("exist");

	CHECK_EQ(start_fg(&s, "rump_allserver", path, NULL,
	    (const char *const[]){ "-m", tmpfs_kmod(), NULL }), -1);
	CHECK_EQ(srv_wait(&s, 10), 1);
	CHECK(srv_has(s.err, "rump_allserver: module load failed: File "
	    "exists (-m "));
	CHECK(srv_has(s.err, "a module of that name is loaded or built "
	    "in)\n"));
	srv_reap();
}

TEST(module_needs_vfs)
{
	struct srv s;
	const char *path = srv_sockpath("novfs");

	CHECK_EQ(start_fg(&s, "rump_server", path, NULL,
	    (const char *const[]){ "-m", tmpfs_kmod(), NULL }), -1);
	CHECK_EQ(srv_wait(&s, 10), 1);
	CHECK(srv_has(s.err, "rump_server: module etfs register failed: "
	    "Function not implemented (-m "));
	CHECK(srv_has(s.err, ": no file system layer: load it with -l "
	    "rumpvfs)\n"));
	srv_reap();
}

TEST(bad_module_fails_boot)
{
	struct srv s;
	const char *path = srv_sockpath("badm");

	CHECK_EQ(start_fg(&s, "rump_server", path, NULL,
	    (const char *const[]){ "-lrumpvfs", "-m", tkmod("t_modundef"),
	    NULL }), -1);
	CHECK_EQ(srv_wait(&s, 10), 1);
	CHECK(srv_has(s.err, "rump_server: module load failed: Exec format "
	    "error (-m "));
	CHECK(srv_has(s.out, "symbol `t_no_such_kernel_function' not "
	    "found\n"));
	CHECK_EQ(start_fg(&s, "rump_server", path, NULL,
	    (const char *const[]){ "-lrumpvfs", "-m", "/nonexistent.kmod",
	    NULL }), -1);
	CHECK_EQ(srv_wait(&s, 10), 1);
	CHECK(srv_has(s.err, "rump_server: module etfs register failed: No "
	    "such file or directory (-m /nonexistent.kmod)\n"));
	srv_reap();
}

/* -l in reverse dependency order: tmpfs needs vfs; the server retries.
 * The libraries' components are built-in modules. */
TEST(libraries_reverse_order)
{
	struct srv s, c;
	const char *path = srv_sockpath("rev");

	CHECK(start_fg(&s, "rump_server", path, NULL,
	    (const char *const[]){ "-lrumpfs_tmpfs", "-lrumpvfs", NULL }) !=
	    -1);
	CHECK_EQ(CLIENT(&c, path, "rumpdemo_remote"), 0);
	CHECK_EQ(CLIENT(&c, path, "rump.modstat"), 0);
	CHECK(srv_has(c.out, "\ntmpfs            vfs      builtin  -    0 "
	    "    -       -\n"));
	CHECK(srv_has(c.out, "\nvfs              misc     builtin  -    0 "));
	halt_fg(&s, path);
	srv_reap();
}

/* rump.modstat's table, NetBSD's columns. */
TEST(modstat_output)
{
	struct srv s, c;
	const char *path = srv_sockpath("stat");

	CHECK(start_fg(&s, "rump_server", path, NULL,
	    (const char *const[]){ "-lrumpvfs", "-m", tmpfs_kmod(), NULL }) !=
	    -1);
	CHECK_EQ(CLIENT(&c, path, "rump.modstat"), 0);
	CHECK(strncmp(c.out, "NAME             CLASS    SOURCE   FLAG REFS  "
	    "SIZE    REQUIRES \n", 64) == 0);
	CHECK_EQ(CLIENT(&c, path, "rump.modstat", "-k", "tmpfs",), 0);
	CHECK(strncmp(c.out, "NAME             CLASS    SOURCE   FLAG REFS  "
	    "ADDRESS          SIZE    REQUIRES \n", 81) == 0);
	CHECK_EQ(CLIENT(&c, path, "rump.modstat", "-e",), 0);
	CHECK_STR(c.out, "You can load modules.\n");
	CHECK_EQ(CLIENT(&c, path, "rump.modstat", "-a",), 0);
	CHECK_STR(c.out, "Modules can be autoloaded.\n");
	CHECK_EQ(CLIENT(&c, path, "rump.modstat", "-x",), 1);
	CHECK(srv_has(c.err, "usage: rump.modstat [-Aaek] [-n name | name]\n"));
	CHECK_EQ(CLIENT(&c, path, "rump.modunload",), 1);
	CHECK_STR(c.err, "usage: rump.modunload module_name\n");
	CHECK_EQ(CLIENT(&c, path, "rump.modload",), 1);
	CHECK(srv_has(c.err, "usage: rump.modload [-fP] "));
	CHECK_EQ(CLIENT(&c, path, "rump.modload", "-b", "x=maybe", "m",), 1);
	CHECK_STR(c.err, "rump.modload: Invalid boolean value `maybe'\n");
	halt_fg(&s, path);
	srv_reap();
}
