/*
 * rumpclient.c: librumpclient's public calls (rumpclient(3)): system
 * calls in a rump kernel that runs in another process, over the
 * sysproxy protocol (spec sysproxy.md).  The connection machinery is
 * in conn.c and recv.c (overview in client.h); the rump_sys_* stubs are
 * kern/rump_syscalls.c compiled to call rumpclient_syscall().
 *
 * Process model, as NetBSD's: a connection is a process in the kernel.
 * rumpclient_init() connects as a GUEST (a new process), or, in a
 * program started by rumpclient_exec(), takes over the socket it
 * inherited and announces the EXEC (same process, same descriptors).
 * The fork calls ask the server for a copy of the process (PREFORK,
 * answered with a cookie) and let the host child claim it on a new
 * connection (FORK handshake with that cookie).
 *
 * Errors.  rumpclient_syscall() returns NetBSD errno numbers, those of
 * the kernel and its own (ENOTCONN 57 for a lost server, EPROTO 96
 * for a broken answer); the other calls set the host's errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rump/rumpclient.h>
#include <rump/rumpdefs.h>

#include "client/client.h"

struct sp_url cl_url;
atomic_llong cl_retry;			/* 0: do not reconnect */
sigset_t cl_fullset;

static struct cl_conn *_Atomic cl_cur;
static pid_t cl_initpid;		/* the process cl_cur belongs to */
static char cl_parsedurl[sizeof(cl_url.canon)];	/* for exec'd programs */

#define ENV_EXECFD	"RUMPCLIENT__EXECFD"
#define ENV_PARSED	"RUMP__PARSEDSERVER"
#define ENV_SERVER	"RUMP_SERVER"

struct rumpclient_fork {
	uint32_t auth[4];		/* the server's cookie */
	struct cl_conn *parent;		/* for rumpclient_fork_vparent */
	pid_t	parentpid;
};

/* ------------------------------------------------------------- errors */

/* The client's own errors, in NetBSD's numbering for the stubs. */
static int
err_netbsd(int error)
{
	switch (error) {
	case EAGAIN:	return RUMP_EAGAIN;
	case ENOTCONN:	return RUMP_ENOTCONN;
	case EPROTO:	return RUMP_EPROTO;
	case ENOMEM:	return RUMP_ENOMEM;
	case EINVAL:	return RUMP_EINVAL;
	case EPERM:	return RUMP_EPERM;
	case ESRCH:	return RUMP_ESRCH;
	case EIO:	return RUMP_EIO;
	case EBUSY:	return RUMP_EBUSY;
	default:	return RUMP_EPROTO;
	}
}

/* -------------------------------------------------------------- setup */

/* Forget a connection a host fork left us (the parent's, or none). */
static void
drop_inherited(void)
{
	struct cl_conn *old = atomic_load(&cl_cur);

	if (old != NULL && old->fd >= 0)
		close(old->fd);
	atomic_store(&cl_cur, NULL);
}

/* Which server, from the environment, parsed into cl_url. */
static int
pick_server(void)
{
	const char *url, *why;
	int error;

	if ((url = getenv(ENV_PARSED)) == NULL &&
	    (url = getenv(ENV_SERVER)) == NULL) {
		fprintf(stderr, "error: RUMP_SERVER not set\n");
		return ENOENT;
	}
	if ((error = sp_url_parse(url, 0, &cl_url, &why)) != 0) {
		fprintf(stderr, "rump_sp: %s: %s\n", url, why);
		return error;
	}
	/* A relative unix path: the absolute one goes to exec'd programs. */
	cl_parsedurl[0] = '\0';
	if (cl_url.family == AF_UNIX && strncmp(url, "unix://", 7) == 0 &&
	    url[7] != '/')
		snprintf(cl_parsedurl, sizeof(cl_parsedurl), "%s",
		    cl_url.canon);
	return 0;
}

/* The socket an exec'ing rumpclient_exec() left in the environment. */
static int
take_execfd(const char *val, int *fdp)
{
	struct stat st;
	int fd, holy, fl;

	if (sscanf(val, "%d,%d", &fd, &holy) < 1 || fd < 0)
		return EINVAL;
	if (fstat(fd, &st) == -1 || !S_ISSOCK(st.st_mode))
		return EBADF;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    (fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return errno;
	*fdp = fd;
	return 0;
}

/* A connection on fd, introduced to the server by handshake `kind`. */
static int
open_conn(int fd, int kind, const void *body, size_t blen,
    struct cl_conn **cp)
{
	struct cl_conn *c;
	sigset_t omask;
	int error;

	/* A fresh connection numbers from 1, as NetBSD's (its dial takes
	 * number 0); the EXEC handshake goes out as number 0. */
	if ((c = cl_conn_new(fd, kind == SP_HS_EXEC ? 0 : 1)) == NULL)
		return ENOMEM;
	pthread_sigmask(SIG_SETMASK, &cl_fullset, &omask);
	error = cl_handshake(c, kind, body, blen, &omask);
	pthread_sigmask(SIG_SETMASK, &omask, NULL);
	if (error != 0) {
		/* c has no other user: nothing else can hold its locks */
		free(c->rbuf);
		free(c);
		return error;
	}
	*cp = c;
	return 0;
}

int
rumpclient_init(void)
{
	struct cl_conn *c;
	const char *execfd;
	int error, fd, kind;

	if (cl_initpid == getpid() && atomic_load(&cl_cur) != NULL)
		return 0;
	sigfillset(&cl_fullset);
	drop_inherited();
	if ((error = pick_server()) != 0)
		goto fail;
	if ((execfd = getenv(ENV_EXECFD)) != NULL) {
		error = take_execfd(execfd, &fd);
		unsetenv(ENV_EXECFD);
		kind = SP_HS_EXEC;
	} else {
		error = cl_dial(&cl_url, &fd);
		kind = SP_HS_GUEST;
	}
	if (error != 0)
		goto fail;
	if ((error = open_conn(fd, kind, NULL, 0, &c)) != 0) {
		close(fd);
		goto fail;
	}
	atomic_store(&cl_cur, c);
	cl_initpid = getpid();
	return 0;
 fail:
	errno = error;
	return -1;
}

void
rumpclient_setconnretry(time_t timeout)
{
	if (timeout < RUMPCLIENT_RETRYCONN_DIE)
		return;		/* not a policy: ignored, as NetBSD does */
	atomic_store(&cl_retry, (long long)timeout);
}

/* --------------------------------------------------------- system calls */

int
rumpclient_syscall(int num, const void *data, size_t dlen,
    register_t *retval)
{
	struct sp_hdr h = { .class = SP_REQ, .type = SP_SYSCALL,
	    .u = (uint32_t)num };
	struct cl_conn *c = atomic_load(&cl_cur);
	struct sp_sysresp resp;
	struct cl_resp r;
	sigset_t omask;
	int error, saved = errno;

	if (c == NULL)
		return RUMP_ENOTCONN;
	pthread_sigmask(SIG_SETMASK, &cl_fullset, &omask);
	error = cl_request(c, &h, data, dlen, &r, &omask);
	pthread_sigmask(SIG_SETMASK, &omask, NULL);
	errno = saved;
	if (error != 0)
		return err_netbsd(error);
	if (r.hdr.class == SP_ERROR)
		return err_netbsd(cl_errframe(r.hdr.u));
	if (r.hdr.type != SP_SYSCALL || r.blen < sizeof(resp))
		return RUMP_EPROTO;
	memcpy(&resp, r.body, sizeof(resp));
	retval[0] = (register_t)resp.rsys_retval[0];
	retval[1] = (register_t)resp.rsys_retval[1];
	return resp.rsys_error;
}

/* ---------------------------------------------------------------- fork */

struct rumpclient_fork *
rumpclient_prefork(void)
{
	struct sp_hdr h = { .class = SP_REQ, .type = SP_PREFORK };
	struct cl_conn *c = atomic_load(&cl_cur);
	struct rumpclient_fork *rf;
	struct cl_resp r;
	sigset_t omask;
	int error;

	if (c == NULL) {
		errno = ENOTCONN;
		return NULL;
	}
	if ((rf = malloc(sizeof(*rf))) == NULL)
		return NULL;
	pthread_sigmask(SIG_SETMASK, &cl_fullset, &omask);
	error = cl_request(c, &h, NULL, 0, &r, &omask);
	pthread_sigmask(SIG_SETMASK, &omask, NULL);
	if (error == 0 && r.hdr.class == SP_ERROR)
		error = cl_errframe(r.hdr.u);
	else if (error == 0 && r.blen < sizeof(rf->auth))
		error = EPROTO;
	if (error != 0) {
		free(rf);
		errno = error;
		return NULL;
	}
	memcpy(rf->auth, r.body, sizeof(rf->auth));
	rf->parent = c;
	rf->parentpid = getpid();
	return rf;
}

/* In the host child: claim the copy of the process on a new connection. */
int
rumpclient_fork_init(struct rumpclient_fork *rf)
{
	struct sp_handshake_fork hf;
	struct cl_conn *c;
	int error, fd;

	drop_inherited();
	memcpy(hf.rf_auth, rf->auth, sizeof(hf.rf_auth));
	hf.rf_cancel = 0;
	if ((error = cl_dial(&cl_url, &fd)) != 0)
		goto fail;
	if ((error = open_conn(fd, SP_HS_FORK, &hf, sizeof(hf), &c)) != 0) {
		close(fd);
		goto fail;
	}
	atomic_store(&cl_cur, c);
	cl_initpid = getpid();
	return 0;
 fail:
	errno = error;
	return -1;
}

/* The host fork failed: tell the server to drop the copy.  Frees rf. */
void
rumpclient_fork_cancel(struct rumpclient_fork *rf)
{
	struct sp_hdr h = { .class = SP_REQ, .type = SP_HANDSHAKE,
	    .u = SP_HS_FORK };
	struct sp_handshake_fork hf;
	int fd, saved = errno;

	if (rf == NULL)
		return;
	memcpy(hf.rf_auth, rf->auth, sizeof(hf.rf_auth));
	hf.rf_cancel = 1;
	if (cl_dial(&cl_url, &fd) == 0) {
		(void)sp_send(fd, &h, &hf, sizeof(hf));	/* no answer comes */
		close(fd);
	}
	free(rf);
	errno = saved;
}

/* After a real vfork(): the child ran in our memory; take ours back. */
void
rumpclient_fork_vparent(struct rumpclient_fork *rf)
{
	atomic_store(&cl_cur, rf->parent);
	cl_initpid = rf->parentpid;
}

pid_t
rumpclient_fork(void)
{
	struct rumpclient_fork *rf;
	pid_t pid;
	int saved;

	if ((rf = rumpclient_prefork()) == NULL)
		return -1;
	switch ((pid = fork())) {
	case -1:
		saved = errno;
		rumpclient_fork_cancel(rf);
		errno = saved;
		return -1;
	case 0:
		if (rumpclient_fork_init(rf) == -1)
			pid = -1;
		break;
	}
	saved = errno;
	free(rf);
	errno = saved;
	return pid;
}

/*
 * vfork() shares the parent's memory, where the child would rebuild the
 * connection; so this one forks.  (NetBSD's header makes it a macro
 * around vfork() and rumpclient_fork_vparent(); that works too.)
 */
pid_t
rumpclient_vfork(void)
{
	return rumpclient_fork();
}

int
rumpclient_daemon(int nochdir, int noclose)
{
	struct rumpclient_fork *rf;
	int fd, saved;

	if ((rf = rumpclient_prefork()) == NULL)
		return -1;
	switch (fork()) {
	case -1:
		goto fail;
	case 0:
		break;
	default:
		_exit(0);
	}
	if (setsid() == -1 || (!nochdir && chdir("/") == -1))
		goto fail;
	if (!noclose && (fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	if (rumpclient_fork_init(rf) == -1) {
		saved = errno;
		free(rf);
		errno = saved;
		return -1;
	}
	free(rf);
	return 0;
 fail:
	saved = errno;
	rumpclient_fork_cancel(rf);
	errno = saved;
	return -1;
}

/* ---------------------------------------------------------------- exec */

static bool
env_is(const char *entry, const char *name)
{
	size_t n = strlen(name);

	return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

/* envp without our own variables, plus the two that carry us over. */
static char **
exec_env(char *const envp[], char *execfd, char *parsed)
{
	size_t n = 0, i, j = 0;
	char **env;

	while (envp != NULL && envp[n] != NULL)
		n++;
	if ((env = malloc((n + 3) * sizeof(*env))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (!env_is(envp[i], ENV_EXECFD) && !env_is(envp[i], ENV_PARSED))
			env[j++] = envp[i];
	}
	env[j++] = execfd;
	if (parsed[0] != '\0')
		env[j++] = parsed;
	env[j] = NULL;
	return env;
}

/*
 * execve() with the connection handed over: the new program's
 * rumpclient_init() finds the socket in RUMPCLIENT__EXECFD and stays
 * the same process in the kernel.
 */
int
rumpclient_exec(const char *path, char *const argv[], char *const envp[])
{
	struct cl_conn *c = atomic_load(&cl_cur);
	char execfd[64], parsed[sizeof(cl_parsedurl) + 32];
	char **env;
	int saved;

	if (c == NULL) {
		errno = ENOTCONN;
		return -1;
	}
	snprintf(execfd, sizeof(execfd), ENV_EXECFD "=%d,%d", c->fd, -1);
	parsed[0] = '\0';
	if (cl_parsedurl[0] != '\0')
		snprintf(parsed, sizeof(parsed), ENV_PARSED "=%s",
		    cl_parsedurl);
	if ((env = exec_env(envp, execfd, parsed)) == NULL)
		return -1;
	if (fcntl(c->fd, F_SETFD, 0) == -1) {
		saved = errno;
		free(env);
		errno = saved;
		return -1;
	}
	execve(path, argv, env);
	saved = errno;
	(void)fcntl(c->fd, F_SETFD, FD_CLOEXEC);
	free(env);
	errno = saved;
	return -1;
}

/* -------------------------------------------------------- for hijack */

/*
 * The program is about to close or dup2 over *fdp (move our socket out
 * of the way), or close everything from *fdp up (close what is not
 * ours, leave *fdp past our socket).
 */
int
rumpclient__closenotify(int *fdp, enum rumpclient_closevariant variant)
{
	struct cl_conn *c = atomic_load(&cl_cur);
	int fd, nfd;

	if (c == NULL)
		return 0;
	if (variant == RUMPCLIENT_CLOSE_FCLOSEM) {
		for (fd = *fdp; fd <= c->fd; fd++) {
			if (fd != c->fd)
				(void)close(fd);
		}
		*fdp = fd;
		return 0;
	}
	if (*fdp != c->fd)
		return 0;
	/* Out of the way: high, where programs rarely ask for numbers
	 * (3 and up if the descriptor limit is lower). */
	if ((nfd = fcntl(c->fd, F_DUPFD_CLOEXEC, 512)) == -1 &&
	    (nfd = fcntl(c->fd, F_DUPFD_CLOEXEC, 3)) == -1)
		return -1;
	pthread_mutex_lock(&c->mtx);
	pthread_mutex_lock(&c->smtx);
	c->fd = nfd;
	pthread_mutex_unlock(&c->smtx);
	pthread_mutex_unlock(&c->mtx);
	return 0;
}
