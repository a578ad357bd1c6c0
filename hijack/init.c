/*
 * init.c: the hijack's footing.  Host functions are found lazily with
 * dlsym(RTLD_NEXT), because libselinux's constructor calls statfs,
 * fopen and access through us before our own constructor runs.  The
 * guard is a thread-local depth: while it is non-zero (we are inside
 * librumpclient or our own bookkeeping) every interposer passes the
 * call to the host.  The connection to the server is made on the
 * first call that needs it, once per host process (hj_connpid).
 *
 * Configuration (RUMPHIJACK, NetBSD's syntax): "path=/rump" names the
 * prefix that is stripped before a path goes to the kernel;
 * "blanket=/a:/b" names paths that go to the kernel unchanged.  Other
 * NetBSD keys (socket, vfs, sysctl, modctl, fdoff) are accepted and
 * ignored.  Read once (hj_once); never changes afterwards.
 *
 * The emulated current directory: hj_cwdrump says the program's cwd is
 * in the rump kernel; the kernel itself keeps which directory (the
 * hijack forwards chdir/fchdir), so relative paths are sent as they
 * are.  After an exec, RUMPHIJACK__CWD and RUMPHIJACK__FDS (put there
 * by proc.c) hand the cwd and the descriptor table to the new image.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rump/rumpclient.h>

#include "hijack/hijack.h"

#define HJ_MAXBLANKET	16

static __thread int hj_depth __attribute__((tls_model("initial-exec")));

static pthread_once_t hj_once = PTHREAD_ONCE_INIT;
static char hj_pfx[PATH_MAX] = "/rump";		/* hj_once */
static size_t hj_pfxlen = 5;
static char hj_blanket[HJ_MAXBLANKET][PATH_MAX];	/* hj_once */
static int hj_nblanket;

static pthread_mutex_t hj_connlock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic pid_t hj_connpid;		/* written under hj_connlock */
static atomic_bool hj_cwdrump;			/* atomic: cwd is in rump */

/* --------------------------------------------------------------- host */

static void
die(const char *what, const char *name)
{
	char msg[256];
	int n = snprintf(msg, sizeof(msg), "librumphijack: %s %s\n", what,
	    name);

	syscall(SYS_write, 2, msg, (size_t)(n > 0 ? n : 0));
	abort();
}

void *
host_fn(void *_Atomic *slot, const char *name)
{
	void *p = atomic_load(slot);

	if (p == NULL) {
		if ((p = dlsym(RTLD_NEXT, name)) == NULL)
			die("no host function", name);
		atomic_store(slot, p);
	}
	return p;
}

bool
hj_inside(void)
{
	return hj_depth > 0;
}

void
hj_enter(void)
{
	hj_depth++;
}

void
hj_leave(void)
{
	hj_depth--;
}

/* ------------------------------------------------------ configuration */

static void
set_prefix(const char *v, size_t n)
{
	if (n == 0 || n >= sizeof(hj_pfx) || v[0] != '/')
		return;
	memcpy(hj_pfx, v, n);
	while (n > 1 && hj_pfx[n - 1] == '/')
		n--;
	hj_pfx[n] = '\0';
	hj_pfxlen = n;
}

static void
add_blankets(const char *v, size_t n)
{
	const char *e;
	size_t len;

	while (n > 0 && hj_nblanket < HJ_MAXBLANKET) {
		e = memchr(v, ':', n);
		len = e != NULL ? (size_t)(e - v) : n;
		if (len > 0 && len < PATH_MAX && v[0] == '/') {
			memcpy(hj_blanket[hj_nblanket], v, len);
			hj_blanket[hj_nblanket++][len] = '\0';
		}
		if (e == NULL)
			break;
		n -= len + 1;
		v = e + 1;
	}
}

static void
parse_config(void)
{
	const char *s = getenv("RUMPHIJACK"), *e, *eq;
	size_t len;

	for (; s != NULL && *s != '\0'; s = e + 1) {
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		len = (size_t)(e - s);
		eq = memchr(s, '=', len);
		if (eq != NULL && eq - s == 4 && strncmp(s, "path", 4) == 0)
			set_prefix(eq + 1, (size_t)(e - eq - 1));
		else if (eq != NULL && eq - s == 7 &&
		    strncmp(s, "blanket", 7) == 0)
			add_blankets(eq + 1, (size_t)(e - eq - 1));
		if (*e == '\0')
			break;
	}
}

/* What an exec'ing parent handed over (only with its socket). */
static void
take_handover(void)
{
	const char *fds = getenv("RUMPHIJACK__FDS");
	const char *cwd = getenv("RUMPHIJACK__CWD");

	if (getenv("RUMPCLIENT__EXECFD") != NULL) {
		if (fds != NULL)
			fd_decode(fds);
		if (cwd != NULL && strcmp(cwd, "1") == 0)
			atomic_store(&hj_cwdrump, true);
	}
	unsetenv("RUMPHIJACK__FDS");
	unsetenv("RUMPHIJACK__CWD");
}

static void
init_once(void)
{
	hj_enter();
	parse_config();
	take_handover();
	hj_leave();
}

static void
config(void)
{
	pthread_once(&hj_once, init_once);
}

const char *
hj_prefix(void)
{
	config();
	return hj_pfx;
}

/* ---------------------------------------------------------- connection */

bool
hj_connected(void)
{
	return atomic_load(&hj_connpid) == getpid();
}

/*
 * librumpclient's socket, moved out of the numbers the program gets:
 * it was dialled at the lowest free number, which the program would
 * otherwise have had (its own first open returns 4 instead of 3).
 * The number is found without side effects: closenotify(FCLOSEM)
 * with a start above the socket returns the start unchanged, and with
 * the socket's own number returns one more, closing nothing; so the
 * probe walks down from the highest open descriptor (never from below
 * the socket, where FCLOSEM would close).  Called before any other
 * thread can be using the new connection.
 */
void
hj_raise_socket(void)
{
	int fd, probe;

	for (fd = fd_highest(); fd >= 3; fd--) {
		probe = fd;
		rumpclient__closenotify(&probe, RUMPCLIENT_CLOSE_FCLOSEM);
		if (probe != fd)
			break;
	}
	if (fd < 3 || fd >= 512)
		return;
	probe = fd;
	if (rumpclient__closenotify(&probe, RUMPCLIENT_CLOSE_CLOSE) == 0)
		syscall(SYS_close, fd);		/* the client uses the copy */
}

/* Connect (once per host process); the rump umask follows the host's. */
int
hj_connect(void)
{
	pid_t me = getpid();
	mode_t m;
	int r = 0, e = 0;

	if (atomic_load(&hj_connpid) == me)
		return 0;
	config();
	pthread_mutex_lock(&hj_connlock);
	if (atomic_load(&hj_connpid) != me) {
		hj_enter();
		r = rumpclient_init();
		e = errno;
		if (r == 0) {
			hj_raise_socket();
			m = HOST(umask)(0);
			HOST(umask)(m);
			rump_sys_umask(m);
			atomic_store(&hj_connpid, me);
		}
		hj_leave();
	}
	pthread_mutex_unlock(&hj_connlock);
	if (r != 0) {
		errno = e == ENOENT ? ENOTCONN : e;
		return -1;
	}
	return 0;
}

/* A forked child that claimed its own copy of the rump process. */
void
hj_connected_child(void)
{
	atomic_store(&hj_connpid, getpid());
}

/* ---------------------------------------------------------------- paths */

bool
hj_cwd_rump(void)
{
	config();
	return atomic_load(&hj_cwdrump);
}

void
hj_set_cwd_rump(bool on)
{
	atomic_store(&hj_cwdrump, on);
}

/* Is component-wise prefix p (length n) at the start of s? */
static bool
has_prefix(const char *s, const char *p, size_t n)
{
	if (n == 1 && p[0] == '/')
		return true;
	return strncmp(s, p, n) == 0 && (s[n] == '\0' || s[n] == '/');
}

/* Absolute path s with //, /./ and /../ resolved lexically. */
static int
normalise(const char *s, char *out, size_t cap)
{
	size_t o = 0, n;
	const char *e;

	for (;;) {
		while (*s == '/')
			s++;
		if (*s == '\0')
			break;
		e = strchr(s, '/');
		n = e != NULL ? (size_t)(e - s) : strlen(s);
		if (n == 1 && s[0] == '.') {
			/* nothing */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			if (o + n + 2 > cap)
				return -1;
			out[o++] = '/';
			memcpy(out + o, s, n);
			o += n;
		}
		s += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return (int)o;
}

/* Does absolute path s start with the prefix (repeated slashes
 * allowed)? */
static bool
enters_prefix(const char *s)
{
	const char *p = hj_pfx;

	if (hj_pfxlen == 1)
		return false;		/* prefix "/": everything is rump */
	while (*p != '\0') {
		if (*p == '/') {
			if (*s != '/')
				return false;
			while (*s == '/')
				s++;
			p++;
		} else if (*s++ != *p++)
			return false;
	}
	return *s == '\0' || *s == '/';
}

int
hj_path(const char *path, struct hj_path *hp)
{
	size_t plen;
	int n, i;

	config();
	hp->rump = 0;
	hp->blanket = 0;
	hp->dirfd = RUMP_AT_FDCWD;
	hp->p = path;
	if (path == NULL)
		return 0;
	if (path[0] != '/') {
		if (!atomic_load(&hj_cwdrump))
			return 0;
		hp->rump = 1;
		return hj_connect();
	}
	plen = strlen(path);
	if ((n = normalise(path, hp->buf, sizeof(hp->buf) - 1)) < 0)
		return 0;
	for (i = 0; i < hj_nblanket; i++) {
		if (has_prefix(hp->buf, hj_blanket[i], strlen(hj_blanket[i]))) {
			hp->blanket = 1;
			goto rump;
		}
	}
	if (!has_prefix(hp->buf, hj_pfx, hj_pfxlen)) {
		/* "/rump/.." climbs out of the kernel: the host gets the
		 * resolved path, since its own /rump is not the kernel's */
		if (enters_prefix(path))
			hp->p = hp->buf;
		return 0;
	}
	if (hj_pfxlen > 1) {
		memmove(hp->buf, hp->buf + hj_pfxlen, (size_t)n - hj_pfxlen + 1);
		n -= (int)hj_pfxlen;
		if (n == 0) {
			hp->buf[0] = '/';
			hp->buf[1] = '\0';
			n = 1;
		}
	}
 rump:
	/* A trailing slash means "a directory": keep it. */
	if (plen > 1 && path[plen - 1] == '/' && n > 1) {
		hp->buf[n] = '/';
		hp->buf[n + 1] = '\0';
	}
	hp->p = hp->buf;
	hp->rump = 1;
	return hj_connect();
}

int
hj_at(int dirfd, const char *path, struct hj_path *hp)
{
	int rfd;

	if (path == NULL || path[0] == '/' || dirfd == AT_FDCWD)
		return hj_path(path, hp);
	config();
	hp->rump = 0;
	hp->blanket = 0;
	hp->dirfd = dirfd;
	hp->p = path;
	if ((rfd = fd_rump(dirfd)) < 0)
		return 0;
	hp->rump = 1;
	hp->dirfd = rfd;
	return 0;
}

/* --------------------------------------------------------- start-up */

/* A child of fork must not inherit the connection or table lock held
 * by another thread of its parent. */
static void
atfork_prepare(void)
{
	pthread_mutex_lock(&hj_connlock);
	fd_lock();
}

static void
atfork_release(void)
{
	fd_unlock();
	pthread_mutex_unlock(&hj_connlock);
}

/*
 * Runs after every library the program links (spec §6.1), before
 * main.  A program exec'd with rump descriptors or a rump cwd takes
 * its connection back now, so that its standard streams work from the
 * first line of main; if it cannot, it starts as a plain process.
 */
__attribute__((constructor)) static void
hijack_init(void)
{
	int saved = errno;

	pthread_atfork(atfork_prepare, atfork_release, atfork_release);
	config();
	if (fd_any() || atomic_load(&hj_cwdrump)) {
		if (hj_connect() == 0)
			std_sync_all();
		else {
			/* The hand-over is void without its connection. */
			fd_forget_all();
			atomic_store(&hj_cwdrump, false);
		}
	}
	errno = saved;
}
