/*
 * proc.c: processes.  fork keeps the rump process: the child claims a
 * copy of it (rumpclient_prefork + rumpclient_fork_init, the sysproxy
 * PREFORK/FORK handshake), so rump descriptors and the rump cwd stay
 * valid in both.  vfork is fork: the child of a real vfork would run
 * our bookkeeping in the parent's memory (spec §6.3).  exec keeps it
 * too: a process holding rump descriptors or a rump cwd execs through
 * rumpclient_exec (same process in the kernel) with the descriptor
 * table and cwd flag in RUMPHIJACK__FDS / RUMPHIJACK__CWD, which
 * init.c reads in the new image.  glibc's execvp and friends call
 * execve internally, so they (execv, execvp, execvpe, execl, execlp,
 * execle) are redone here on top of our execve.
 * umask is mirrored into the rump process.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rumpclient.h>

#include "hijack/hijack.h"

extern char **environ;

pid_t
fork(void)
{
	struct rumpclient_fork *rf;
	pid_t pid;
	int r, saved;

	if (hj_inside() || !hj_connected())
		return HOST(fork)();
	hj_enter();
	rf = rumpclient_prefork();
	hj_leave();
	if (rf == NULL)
		return -1;
	pid = HOST(fork)();		/* init.c's atfork handlers lock */
	saved = errno;
	if (pid == 0) {
		hj_enter();
		r = rumpclient_fork_init(rf);
		if (r == 0)
			hj_raise_socket();
		hj_leave();
		if (r == 0)
			hj_connected_child();
		free(rf);
	} else if (pid == -1) {
		hj_enter();
		rumpclient_fork_cancel(rf);
		hj_leave();
	} else
		free(rf);
	errno = saved;
	return pid;
}

pid_t
vfork(void)
{
	return fork();
}

static bool
env_ours(const char *e)
{
	return strncmp(e, "RUMPHIJACK__FDS=", 16) == 0 ||
	    strncmp(e, "RUMPHIJACK__CWD=", 16) == 0;
}

/* envp less our variables, plus the current table and cwd flag. */
static char **
handover_env(char *const envp[], char *fds, size_t fdslen, char *cwd)
{
	size_t n = 0, i, j = 0;
	char **env;

	while (envp != NULL && envp[n] != NULL)
		n++;
	if ((env = malloc((n + 3) * sizeof(*env))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (!env_ours(envp[i]))
			env[j++] = envp[i];
	}
	memcpy(fds, "RUMPHIJACK__FDS=", 16);
	if (fd_encode(fds + 16, fdslen - 16) == -1) {
		free(env);
		errno = E2BIG;
		return NULL;
	}
	env[j++] = fds;
	if (hj_cwd_rump())
		env[j++] = cwd;
	env[j] = NULL;
	return env;
}

int
execve(const char *path, char *const argv[], char *const envp[])
{
	const size_t fdslen = HJ_MAXFD * 24;
	char cwd[] = "RUMPHIJACK__CWD=1", *fds;
	char **env;
	int saved;

	if (hj_inside() || !hj_connected() || (!fd_any() && !hj_cwd_rump()))
		return HOST(execve)(path, argv, envp);
	if ((fds = malloc(fdslen)) == NULL)
		return -1;
	if ((env = handover_env(envp, fds, fdslen, cwd)) == NULL) {
		saved = errno;
		free(fds);
		errno = saved;
		return -1;
	}
	fflush(stdout);
	hj_enter();
	rumpclient_exec(path, argv, env);
	saved = errno;
	hj_leave();
	free(env);
	free(fds);
	errno = saved;
	return -1;
}

int
execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

/* A file that is not an executable format: the shell runs it. */
static void
exec_script(const char *path, char *const argv[], char *const envp[])
{
	size_t n = 0;
	char **nargv;

	while (argv[n] != NULL)
		n++;
	if ((nargv = malloc((n + 2) * sizeof(*nargv))) == NULL)
		return;
	nargv[0] = (char *)"/bin/sh";
	nargv[1] = (char *)path;
	memcpy(nargv + 2, argv + 1, n * sizeof(*nargv));
	execve("/bin/sh", nargv, envp);
	free(nargv);
}

int
execvpe(const char *file, char *const argv[], char *const envp[])
{
	const char *path, *p, *e;
	char buf[PATH_MAX];
	bool eacces = false;
	size_t dl, fl;

	if (strchr(file, '/') != NULL) {
		execve(file, argv, envp);
		if (errno == ENOEXEC)
			exec_script(file, argv, envp);
		return -1;
	}
	if (*file == '\0') {
		errno = ENOENT;
		return -1;
	}
	if ((path = getenv("PATH")) == NULL)
		path = "/bin:/usr/bin";
	fl = strlen(file);
	for (p = path;; p = e + 1) {
		e = strchr(p, ':');
		dl = e != NULL ? (size_t)(e - p) : strlen(p);
		if (dl + fl + 2 <= sizeof(buf)) {
			memcpy(buf, p, dl);
			buf[dl] = '/';
			memcpy(buf + (dl ? dl + 1 : 0), file, fl + 1);
			execve(buf, argv, envp);
			if (errno == ENOEXEC)
				exec_script(buf, argv, envp);
			if (errno == EACCES)
				eacces = true;
			else if (errno != ENOENT && errno != ENOTDIR &&
			    errno != ESTALE)
				return -1;
		}
		if (e == NULL)
			break;
	}
	if (eacces)
		errno = EACCES;
	return -1;
}

int
execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

mode_t
umask(mode_t m)
{
	mode_t old = HOST(umask)(m);

	if (!hj_inside() && hj_connected())
		RCALL(rump_sys_umask(m));
	return old;
}

/* The execl family, redone on our execve (glibc's call it inside). */
static char **
list_argv(const char *arg0, va_list ap, char ***envp)
{
	va_list aq;
	size_t n = 1, i;
	char **argv;

	va_copy(aq, ap);
	while (va_arg(aq, char *) != NULL)
		n++;
	va_end(aq);
	if ((argv = malloc((n + 1) * sizeof(*argv))) == NULL)
		return NULL;
	argv[0] = (char *)arg0;
	for (i = 1; i <= n; i++)
		argv[i] = va_arg(ap, char *);	/* the last is NULL */
	if (envp != NULL)
		*envp = va_arg(ap, char **);
	return argv;
}

int
execl(const char *path, const char *arg0, ...)
{
	va_list ap;
	char **argv;
	int saved;

	va_start(ap, arg0);
	argv = list_argv(arg0, ap, NULL);
	va_end(ap);
	if (argv == NULL)
		return -1;
	execve(path, argv, environ);
	saved = errno;
	free(argv);
	errno = saved;
	return -1;
}

int
execlp(const char *file, const char *arg0, ...)
{
	va_list ap;
	char **argv;
	int saved;

	va_start(ap, arg0);
	argv = list_argv(arg0, ap, NULL);
	va_end(ap);
	if (argv == NULL)
		return -1;
	execvpe(file, argv, environ);
	saved = errno;
	free(argv);
	errno = saved;
	return -1;
}

int
execle(const char *path, const char *arg0, ...)
{
	va_list ap;
	char **argv, **envp;
	int saved;

	va_start(ap, arg0);
	argv = list_argv(arg0, ap, &envp);
	va_end(ap);
	if (argv == NULL)
		return -1;
	execve(path, argv, envp);
	saved = errno;
	free(argv);
	errno = saved;
	return -1;
}
