/*
 * spawnfa.c: posix_spawn and posix_spawnp for programs that hold rump
 * state (GNU make starts every recipe's shell this way).  glibc's
 * child runs none of our code before exec, so with a rump cwd or rump
 * descriptors the spawn is redone here: fork (which copies the rump
 * process), the attributes (read back with the public getters), the
 * file actions, then our execve, which hands the state over.  The
 * file actions are opaque, so the add functions are interposed too and
 * each action is recorded beside the object, keyed by its address.
 * An exec failure reaches the parent through a close-on-exec pipe,
 * as the error glibc's posix_spawn returns.
 *
 * Lock: hj_spawnlock guards the recorded actions (hj_fas).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hijack/hijack.h"

enum fa_kind { FA_OPEN, FA_CLOSE, FA_DUP2, FA_CHDIR, FA_FCHDIR, FA_CLOSEFROM };

struct fa_act {
	enum fa_kind kind;
	int	fd, fd2, oflag;
	mode_t	mode;
	char	*path;
};

struct fa_rec {
	struct fa_rec *next;
	const void *obj;		/* the program's file actions */
	struct fa_act *acts;
	int	n;
};

static pthread_mutex_t hj_spawnlock = PTHREAD_MUTEX_INITIALIZER;
static struct fa_rec *hj_fas;		/* hj_spawnlock */

int	posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *,
	    const char *);
int	posix_spawn_file_actions_addfchdir_np(posix_spawn_file_actions_t *,
	    int);
int	posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *,
	    int);

/* ------------------------------------------------------ the records */

static void
rec_free(struct fa_rec *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		free(r->acts[i].path);
	free(r->acts);
	free(r);
}

/* Forget obj's record (a new init or destroy of that address). */
static void
rec_drop(const void *obj)
{
	struct fa_rec **pp, *r;

	pthread_mutex_lock(&hj_spawnlock);
	for (pp = &hj_fas; *pp != NULL && (*pp)->obj != obj; pp = &(*pp)->next)
		;
	r = *pp;
	if (r != NULL)
		*pp = r->next;
	pthread_mutex_unlock(&hj_spawnlock);
	if (r != NULL)
		rec_free(r);
}

static void
rec_add(const void *obj, struct fa_act a)
{
	struct fa_rec *r;
	struct fa_act *na;

	if (a.path != NULL && (a.path = strdup(a.path)) == NULL)
		return;
	pthread_mutex_lock(&hj_spawnlock);
	for (r = hj_fas; r != NULL && r->obj != obj; r = r->next)
		;
	if (r == NULL && (r = calloc(1, sizeof(*r))) != NULL) {
		r->obj = obj;
		r->next = hj_fas;
		hj_fas = r;
	}
	if (r != NULL &&
	    (na = realloc(r->acts, (size_t)(r->n + 1) * sizeof(*na))) != NULL) {
		r->acts = na;
		r->acts[r->n++] = a;
		a.path = NULL;
	}
	pthread_mutex_unlock(&hj_spawnlock);
	free(a.path);
}

/* A copy of obj's actions (the child must not take our lock). */
static int
rec_copy(const void *obj, struct fa_act **acts)
{
	struct fa_rec *r;
	int n = 0;

	*acts = NULL;
	if (obj == NULL)
		return 0;
	pthread_mutex_lock(&hj_spawnlock);
	for (r = hj_fas; r != NULL && r->obj != obj; r = r->next)
		;
	if (r != NULL && r->n > 0 &&
	    (*acts = malloc((size_t)r->n * sizeof(**acts))) != NULL) {
		memcpy(*acts, r->acts, (size_t)r->n * sizeof(**acts));
		n = r->n;
	}
	pthread_mutex_unlock(&hj_spawnlock);
	return n;
}

/* --------------------------------------------- the add functions */

int
posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
	rec_drop(fa);
	return HOST(posix_spawn_file_actions_init)(fa);
}

int
posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa)
{
	rec_drop(fa);
	return HOST(posix_spawn_file_actions_destroy)(fa);
}

int
posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd,
    const char *path, int oflag, mode_t mode)
{
	int r = HOST(posix_spawn_file_actions_addopen)(fa, fd, path, oflag,
	    mode);

	if (r == 0)
		rec_add(fa, (struct fa_act){ FA_OPEN, fd, -1, oflag, mode,
		    (char *)path });
	return r;
}

int
posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd)
{
	int r = HOST(posix_spawn_file_actions_addclose)(fa, fd);

	if (r == 0)
		rec_add(fa, (struct fa_act){ FA_CLOSE, fd, -1, 0, 0, NULL });
	return r;
}

int
posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd,
    int fd2)
{
	int r = HOST(posix_spawn_file_actions_adddup2)(fa, fd, fd2);

	if (r == 0)
		rec_add(fa, (struct fa_act){ FA_DUP2, fd, fd2, 0, 0, NULL });
	return r;
}

int
posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *fa,
    const char *path)
{
	int r = HOST(posix_spawn_file_actions_addchdir_np)(fa, path);

	if (r == 0)
		rec_add(fa, (struct fa_act){ FA_CHDIR, -1, -1, 0, 0,
		    (char *)path });
	return r;
}

int
posix_spawn_file_actions_addfchdir_np(posix_spawn_file_actions_t *fa,
    int fd)
{
	int r = HOST(posix_spawn_file_actions_addfchdir_np)(fa, fd);

	if (r == 0)
		rec_add(fa, (struct fa_act){ FA_FCHDIR, fd, -1, 0, 0, NULL });
	return r;
}

int
posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *fa,
    int from)
{
	int r = HOST(posix_spawn_file_actions_addclosefrom_np)(fa, from);

	if (r == 0)
		rec_add(fa, (struct fa_act){ FA_CLOSEFROM, from, -1, 0, 0,
		    NULL });
	return r;
}

/* ------------------------------------------------------- the child */

static int
child_attrs(const posix_spawnattr_t *at)
{
	struct sched_param sp;
	sigset_t set;
	short fl;
	pid_t pg;
	int sig, pol;

	if (at == NULL || posix_spawnattr_getflags(at, &fl) != 0)
		return 0;
	if ((fl & POSIX_SPAWN_SETSID) && setsid() == -1)
		return -1;
	if ((fl & POSIX_SPAWN_SETPGROUP) &&
	    (posix_spawnattr_getpgroup(at, &pg) != 0 || setpgid(0, pg) == -1))
		return -1;
	if ((fl & POSIX_SPAWN_RESETIDS) &&
	    (setegid(getgid()) == -1 || seteuid(getuid()) == -1))
		return -1;
	if ((fl & POSIX_SPAWN_SETSIGDEF) &&
	    posix_spawnattr_getsigdefault(at, &set) == 0) {
		for (sig = 1; sig < NSIG; sig++) {
			if (sigismember(&set, sig) == 1)
				signal(sig, SIG_DFL);
		}
	}
	if ((fl & POSIX_SPAWN_SETSCHEDULER) &&
	    (posix_spawnattr_getschedpolicy(at, &pol) != 0 ||
	    posix_spawnattr_getschedparam(at, &sp) != 0 ||
	    sched_setscheduler(0, pol, &sp) == -1))
		return -1;
	else if ((fl & POSIX_SPAWN_SETSCHEDPARAM) &&
	    (posix_spawnattr_getschedparam(at, &sp) != 0 ||
	    sched_setparam(0, &sp) == -1))
		return -1;
	if ((fl & POSIX_SPAWN_SETSIGMASK) &&
	    posix_spawnattr_getsigmask(at, &set) == 0)
		sigprocmask(SIG_SETMASK, &set, NULL);
	return 0;
}

/* One action; errfd (our report pipe) is kept out of every close. */
static int
child_act(const struct fa_act *a, int errfd)
{
	int fd;

	switch (a->kind) {
	case FA_OPEN:
		if ((fd = open(a->path, a->oflag, a->mode)) == -1)
			return -1;
		if (fd != a->fd) {
			if (dup2(fd, a->fd) == -1)
				return -1;
			close(fd);
		}
		return 0;
	case FA_CLOSE:
		if (a->fd != errfd)
			close(a->fd);
		return 0;
	case FA_DUP2:
		if (a->fd == a->fd2)
			return fcntl(a->fd, F_SETFD, 0) == -1 ? -1 : 0;
		return dup2(a->fd, a->fd2) == -1 ? -1 : 0;
	case FA_CHDIR:
		return chdir(a->path);
	case FA_FCHDIR:
		return fchdir(a->fd);
	case FA_CLOSEFROM:
		if (a->fd < errfd)
			close_range((unsigned)a->fd, (unsigned)errfd - 1, 0);
		close_range((unsigned)(a->fd > errfd ? a->fd : errfd + 1),
		    ~0U, 0);
		return 0;
	}
	return 0;
}

static void __attribute__((noreturn))
child_run(int errfd, const char *path, bool search,
    const struct fa_act *acts, int n, const posix_spawnattr_t *at,
    char *const argv[], char *const envp[])
{
	int i, e;

	if (child_attrs(at) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		if (child_act(&acts[i], errfd) == -1)
			goto fail;
	}
	if (search)
		execvpe(path, argv, envp);
	else
		execve(path, argv, envp);
 fail:
	e = errno;
	(void)!write(errfd, &e, sizeof(e));
	_exit(127);
}

/* ------------------------------------------------------- the spawn */

static int
spawn(pid_t *pidp, const char *path, bool search,
    const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *at,
    char *const argv[], char *const envp[])
{
	struct fa_act *acts;
	int p[2], hi, n, e = 0, st, saved = errno;
	ssize_t r;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) == -1)
		return errno;
	/* out of the numbers file actions name */
	if ((hi = fcntl(p[1], F_DUPFD_CLOEXEC, 256)) != -1) {
		close(p[1]);
		p[1] = hi;
	}
	n = rec_copy(fa, &acts);
	if ((pid = fork()) == 0)
		child_run(p[1], path, search, acts, n, at, argv,
		    envp != NULL ? envp : environ);
	free(acts);
	close(p[1]);
	if (pid == -1) {
		e = errno;
		close(p[0]);
		return e;
	}
	while ((r = read(p[0], &e, sizeof(e))) == -1 && errno == EINTR)
		;
	close(p[0]);
	if (r == (ssize_t)sizeof(e)) {
		while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
			;
		return e;
	}
	if (pidp != NULL)
		*pidp = pid;
	errno = saved;
	return 0;
}

static bool
have_state(void)
{
	return !hj_inside() && hj_connected() && (fd_any() || hj_cwd_rump());
}

int
posix_spawn(pid_t *pidp, const char *path,
    const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *at,
    char *const argv[], char *const envp[])
{
	if (!have_state())
		return HOST(posix_spawn)(pidp, path, fa, at, argv, envp);
	return spawn(pidp, path, false, fa, at, argv, envp);
}

int
posix_spawnp(pid_t *pidp, const char *file,
    const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *at,
    char *const argv[], char *const envp[])
{
	if (!have_state())
		return HOST(posix_spawnp)(pidp, file, fa, at, argv, envp);
	return spawn(pidp, file, true, fa, at, argv, envp);
}
