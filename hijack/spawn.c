/*
 * spawn.c: system, popen and pclose for programs that hold rump state.
 * glibc starts the shell with posix_spawn, whose child runs none of
 * our code before exec, so a rump cwd or rump descriptors would not
 * reach it; with such state these are redone on our fork and execl
 * (proc.c), which hand both over.  Without it, glibc's own run.
 *
 * Lock: hj_popenlock guards the table of popen'ed streams and their
 * children.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hijack/hijack.h"

#define HJ_MAXPOPEN	32

static pthread_mutex_t hj_popenlock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	FILE	*fp;
	pid_t	pid;
} hj_popen[HJ_MAXPOPEN];		/* hj_popenlock */

static bool
have_state(void)
{
	return !hj_inside() && hj_connected() && (fd_any() || hj_cwd_rump());
}

int
system(const char *cmd)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	sigset_t chld, omask;
	pid_t pid;
	int st, saved;

	if (cmd == NULL || !have_state())
		return HOST(system)(cmd);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &omask);
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	if ((pid = fork()) == 0) {
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
		sigprocmask(SIG_SETMASK, &omask, NULL);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	saved = errno;
	if (pid > 0) {
		while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
			;
		saved = errno;
	} else
		st = -1;
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	sigprocmask(SIG_SETMASK, &omask, NULL);
	errno = saved;
	return st;
}

FILE *
popen(const char *cmd, const char *mode)
{
	int p[2], mine, theirs, i, rd;
	FILE *fp;
	pid_t pid;

	if (!have_state() || (mode[0] != 'r' && mode[0] != 'w'))
		return HOST(popen)(cmd, mode);
	rd = mode[0] == 'r';
	if (pipe2(p, O_CLOEXEC) == -1)
		return NULL;
	mine = rd ? p[0] : p[1];
	theirs = rd ? p[1] : p[0];
	if ((pid = fork()) == 0) {
		if (dup2(theirs, rd ? 1 : 0) == -1)
			_exit(127);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(theirs);
	if (pid == -1 || (fp = fdopen(mine, rd ? "r" : "w")) == NULL) {
		close(mine);
		return NULL;
	}
	pthread_mutex_lock(&hj_popenlock);
	for (i = 0; i < HJ_MAXPOPEN && hj_popen[i].fp != NULL; i++)
		;
	if (i < HJ_MAXPOPEN) {
		hj_popen[i].fp = fp;
		hj_popen[i].pid = pid;
	}
	pthread_mutex_unlock(&hj_popenlock);
	return fp;
}

int
pclose(FILE *fp)
{
	pid_t pid = -1;
	int i, st;

	pthread_mutex_lock(&hj_popenlock);
	for (i = 0; i < HJ_MAXPOPEN; i++) {
		if (hj_popen[i].fp == fp && fp != NULL) {
			pid = hj_popen[i].pid;
			hj_popen[i].fp = NULL;
			break;
		}
	}
	pthread_mutex_unlock(&hj_popenlock);
	if (pid == -1)
		return HOST(pclose)(fp);
	fclose(fp);
	while (waitpid(pid, &st, 0) == -1) {
		if (errno != EINTR)
			return -1;
	}
	return st;
}
