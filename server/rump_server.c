/*
 * rump_server.c: rump_server and rump_allserver, a rump kernel that
 * serves its system calls on a socket (sysproxy).
 *
 * One source, two programs: rump_server is linked with the kernel core
 * and the sysproxy server only, rump_allserver with every component we
 * have (-DRUMP_ALLSERVER).  Anything else comes in with -l.
 *
 * Startup, in NetBSD's order:
 *	1. options; a usage error prints the usage line and exits 1
 *	2. -l libraries (libload.c); a failure exits 1
 *	3. unless -s, rump_daemonize_begin(): the parent waits and exits
 *	   with the child's verdict; from here on a failure is reported
 *	   to it (die_boot)
 *	4. rump_init()
 *	5. the module directory is mapped (module.c), then -m modules
 *	   are loaded in order; the first failure ends the boot
 *	6. -d drives, in command-line order (drive.c): each host file
 *	   becomes an etfs key; the first failure ends the boot
 *	7. rump_init_server(url)
 *	8. unless -s, rump_daemonize_done(0): the parent exits 0, the
 *	   child's stdio goes to /dev/null
 *	9. wait for SIGTERM or SIGINT, then halt the kernel as a reboot
 *	   would: sync, unmount, shutdown hooks (the sysproxy server
 *	   removes its socket), "halted", exit 0.  A client's reboot
 *	   (rump.halt) ends the process the same way.
 *
 * The halting signals are blocked before the kernel starts its threads,
 * so whichever thread they are sent to, the main thread takes them in
 * sigwait and does the halting outside any signal handler.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/rumperr.h>

#include "server/server.h"

#ifdef RUMP_ALLSERVER
#define PROGNAME	"rump_allserver"
#else
#define PROGNAME	"rump_server"
#endif

#define NCPU_MAX	256	/* the kernel caps RUMP_NCPU here */

const char *srv_prog = PROGNAME;

struct srv_opts {
	bool	foreground;		/* -s */
	const char **libs;		/* -l, in command-line order */
	int	nlibs;
	const char **mods;		/* -m */
	int	nmods;
	struct srv_drive *drives;	/* -d */
	int	ndrives;
	const char *url;
};

static bool daemonizing;	/* a parent waits for our verdict */

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: %s [-s] [-c ncpu] [-d drivespec] [-l library] "
	    "[-m module] [-r total_ram] [-v] url\n", srv_prog);
	exit(1);
}

/* Before the fork: a message and exit 1. */
static void __attribute__((noreturn, format(printf, 1, 2)))
die_opt(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", srv_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* After the fork: the message goes to the terminal (still ours until
 * the boot has succeeded), the error to the waiting parent, and this
 * process exits 1.  error is a NetBSD errno. */
static void __attribute__((noreturn))
die_boot(const char *reason, int error, const char *hint)
{
	fprintf(stderr, "%s: %s: %s%s\n", srv_prog, reason,
	    rump_strerror(error), hint);
	if (daemonizing)
		rump_daemonize_done(error);
	exit(1);
}

/* -c: a positive number of CPUs, or "host". */
static void
set_ncpu(const char *arg)
{
	const char *p;

	if (strcmp(arg, "host") != 0) {
		for (p = arg; *p >= '0' && *p <= '9'; p++)
			continue;
		if (p == arg || *p != '\0' || strtoll(arg, NULL, 10) < 1)
			die_opt("-c %s: invalid number of CPUs (a positive "
			    "number, or \"host\")", arg);
		if (strlen(arg) > 9 || strtoll(arg, NULL, 10) > NCPU_MAX)
			arg = "256";	/* as the kernel would cap it */
	}
	setenv("RUMP_NCPU", arg, 1);
}

/* -r: the kernel's memory limit. */
static void
set_memlimit(const char *arg)
{
	char msg[SRV_MSGLEN];
	uint64_t limit;

	if (srv_parse_memlimit(arg, &limit, msg, sizeof(msg)) != 0)
		die_opt("%s", msg);
	setenv("RUMP_MEMLIMIT", arg, 1);
}

/* -d: parse now, so that a bad drivespec is a usage error. */
static void
add_drive(struct srv_opts *o, char *spec)
{
	char msg[SRV_MSGLEN], *orig;
	bool want_usage;

	if ((orig = strdup(spec)) == NULL)
		die_opt("out of memory");
	if (srv_parse_drive(spec, &o->drives[o->ndrives], &want_usage, msg,
	    sizeof(msg)) != 0) {
		/* a bad number names itself, as strsuftoll's do */
		if (!want_usage)
			die_opt("%s", msg);
		fprintf(stderr, "%s: -d %s: %s\n", srv_prog, orig, msg);
		usage();
	}
	free(orig);
	o->ndrives++;
}

static void
parse_options(int argc, char **argv, struct srv_opts *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->libs = calloc((size_t)argc, sizeof(*o->libs));
	o->mods = calloc((size_t)argc, sizeof(*o->mods));
	o->drives = calloc((size_t)argc, sizeof(*o->drives));
	if (o->libs == NULL || o->mods == NULL || o->drives == NULL)
		die_opt("out of memory");
	/* '+': options end at the url, as on NetBSD; ':': we report */
	opterr = 0;
	while ((ch = getopt(argc, argv, "+:c:d:l:m:r:sv")) != -1) {
		switch (ch) {
		case 'c': set_ncpu(optarg); break;
		case 'd': add_drive(o, optarg); break;
		case 'l': o->libs[o->nlibs++] = optarg; break;
		case 'm': o->mods[o->nmods++] = optarg; break;
		case 'r': set_memlimit(optarg); break;
		case 's': o->foreground = true; break;
		case 'v': setenv("RUMP_VERBOSE", "1", 1); break;
		case ':':
			fprintf(stderr, "%s: option -%c needs an argument\n",
			    srv_prog, optopt);
			usage();
		default:
			fprintf(stderr, "%s: unknown option -%c\n", srv_prog,
			    optopt);
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	o->url = argv[optind];
}

/* A word on why a module could not be loaded, where we can tell. */
static void
module_hint(int error, const char *why, const char *path, char *buf,
    size_t len)
{
	if (strcmp(why, "module etfs register failed") == 0 &&
	    error == RUMP_ENOSYS)
		snprintf(buf, len, " (-m %s: no file system layer: load it "
		    "with -l rumpvfs)", path);
	else if (error == RUMP_EEXIST)
		snprintf(buf, len, " (-m %s: a module of that name is "
		    "loaded or built in)", path);
	else
		snprintf(buf, len, " (-m %s)", path);
}

/* -m: every module, in order; the first failure ends the boot. */
static void
load_modules(const struct srv_opts *o)
{
	char hint[SRV_MSGLEN];
	const char *why;
	int error;

	srv_map_moddir();
	for (int i = 0; i < o->nmods; i++) {
		if ((error = srv_load_module(o->mods[i], &why)) == 0)
			continue;
		module_hint(error, why, o->mods[i], hint, sizeof(hint));
		die_boot(why, error, hint);
	}
}

/* A word on why a drive could not be registered, where we can tell. */
static void
drive_hint(int error, const char *why, const struct srv_drive *d, char *buf,
    size_t len)
{
	buf[0] = '\0';
	if (strcmp(why, "etfs register") != 0)
		return;
	if (error == RUMP_ENOSYS)
		snprintf(buf, len, " (no file system layer: load it with "
		    "-l rumpvfs)");
	else if (error == RUMP_EEXIST)
		snprintf(buf, len, " (%s is taken)", d->key);
	else if (error == RUMP_EBUSY)
		snprintf(buf, len, " (all 16 disk slots are taken)");
	else if (error == RUMP_EINVAL && d->key[0] != '/')
		snprintf(buf, len, " (key %s does not start with /)", d->key);
}

/* -d: every drive, in order; the first failure ends the boot. */
static void
attach_drives(const struct srv_opts *o)
{
	char hint[SRV_MSGLEN];
	const char *why;
	int error;

	for (int i = 0; i < o->ndrives; i++) {
		if ((error = srv_attach_drive(&o->drives[i], &why)) == 0)
			continue;
		drive_hint(error, why, &o->drives[i], hint, sizeof(hint));
		die_boot(why, error, hint);
	}
}

/* A word on why the socket could not be set up, where we can tell. */
static void
server_hint(int error, const char *url, char *buf, size_t len)
{
	struct stat st;

	buf[0] = '\0';
	if (error == RUMP_EADDRINUSE && strncmp(url, "unix://", 7) == 0)
		snprintf(buf, len, lstat(url + 7, &st) == 0 &&
		    !S_ISSOCK(st.st_mode) ? " (%s exists and is not a socket)" :
		    " (another server is listening on %s)", url + 7);
	else if (error == RUMP_EADDRINUSE)
		snprintf(buf, len, " (another program is bound to %s)", url);
	else if (error == RUMP_ENAMETOOLONG && strncmp(url, "unix://", 7) == 0)
		snprintf(buf, len, " (socket path longer than 107 bytes)");
	else if (error == RUMP_EINVAL || error == RUMP_EOPNOTSUPP)
		snprintf(buf, len, " (url \"%s\": expected unix://PATH, "
		    "tcp://ADDR:PORT or tcp6://[ADDR]:PORT)", url);
}

static void
start_server(const char *url)
{
	char hint[SRV_MSGLEN];
	int error;

	if ((error = rump_init_server(url)) != 0) {
		server_hint(error, url, hint, sizeof(hint));
		die_boot("rump server init failed", error, hint);
	}
}

/* Block the halting signals for every thread the kernel will start. */
static void
block_halt_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a vanished client is no reason
					   to die */
}

/* Halt the kernel; it ends the process, normally with status 0. */
static void __attribute__((noreturn))
halt(const char *why)
{
	rump_sys_reboot(0, NULL);
	fprintf(stderr, "%s: halt (%s) failed: %s\n", srv_prog, why,
	    rump_strerror(errno));
	exit(1);
}

static void __attribute__((noreturn))
serve_until_signal(const sigset_t *set)
{
	int sig;

	while (sigwait(set, &sig) != 0)
		continue;
	halt(sig == SIGTERM ? "SIGTERM" : "SIGINT");
}

int
main(int argc, char **argv)
{
	struct srv_opts o;
	sigset_t set;
	int error;

	if (argc > 0 && argv[0] != NULL && argv[0][0] != '\0')
		srv_prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 :
		    argv[0];
	parse_options(argc, argv, &o);
	if (srv_load_libraries(o.libs, o.nlibs) != 0)
		exit(1);

	if (!o.foreground) {
		if ((error = rump_daemonize_begin()) != 0)
			die_boot("rump daemonize", error, "");
		daemonizing = true;
	}
	block_halt_signals(&set);
	if ((error = rump_init()) != 0)
		die_boot("rump init failed", error, "");
	load_modules(&o);
	attach_drives(&o);
	start_server(o.url);
	if (daemonizing) {
		daemonizing = false;
		if ((error = rump_daemonize_done(RUMP_DAEMONIZE_SUCCESS)) != 0)
			halt("the starting process is gone");
	}
	serve_until_signal(&set);
}
