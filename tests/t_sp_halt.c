/*
 * t_sp_halt: halting a served kernel (sysproxy.md §11).  A client's
 * reboot call is answered (error 0, retval {0, 0}) before the server
 * closes; a local halt answers nobody; either way the socket file is
 * removed and every client sees the end.  Each test boots a kernel in
 * a child process, since halting ends it.
 */
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "t_sp_util.h"

int t_no_kernel = 1;

struct child {
	pid_t	pid;
	int	go;		/* write a byte: the child halts locally */
};

/*
 * A child with a kernel serving on tc_path; returns once it listens.
 * With `local`, the child halts itself (howto) when told to.
 */
static int
child_start(struct child *c, int local, int howto)
{
	int ready[2], go[2];
	char b;

	tc_name("halt");
	unlink(tc_path);
	if (pipe(ready) != 0 || pipe(go) != 0)
		return -1;
	fflush(stdout);
	if ((c->pid = fork()) == 0) {
		struct rlimit rl = { 0, 0 };

		setrlimit(RLIMIT_CORE, &rl);
		close(ready[0]);
		close(go[1]);
		if (rump_init() != 0 || rump_init_server(tc_url) != 0)
			_exit(90);
		if (write(ready[1], "r", 1) != 1)
			_exit(91);
		if (read(go[0], &b, 1) == 1 && local)
			rump_sys_reboot(howto, NULL);
		for (;;)
			pause();
	}
	close(ready[1]);
	close(go[0]);
	c->go = go[1];
	if (read(ready[0], &b, 1) != 1) {
		close(ready[0]);
		return -1;
	}
	close(ready[0]);
	return 0;
}

/* Exit status (or 128 + signal) of the child, waiting up to TC_MS;
 * -1 if it is still running (it is then killed). */
static int
child_wait(struct child *c)
{
	int st, i;

	for (i = 0; i < TC_MS / 10; i++) {
		if (waitpid(c->pid, &st, WNOHANG) == c->pid) {
			close(c->go);
			return WIFEXITED(st) ? WEXITSTATUS(st) :
			    128 + WTERMSIG(st);
		}
		usleep(10000);
	}
	kill(c->pid, SIGKILL);
	waitpid(c->pid, &st, 0);
	close(c->go);
	return -1;
}

static void
child_kill(struct child *c)
{
	int st;

	kill(c->pid, SIGKILL);
	waitpid(c->pid, &st, 0);
	close(c->go);
}

/* reboot(howto) from a client: its reply, then the end. */
static void
remote_reboot(int howto, int want_status)
{
	struct child c;
	uint64_t a[2] = { I(howto), 0 };
	int64_t rv[2] = { 5, 5 };
	struct tc t, other;

	CHECK_EQ(child_start(&c, 0, 0), 0);
	CHECK_EQ(tc_open(&other, "bystander"), 0);
	CHECK_EQ(tc_open(&t, "rump.halt"), 0);
	CHECK_EQ(tc_call(&t, SYS_reboot, a, 2, rv), 0);
	CHECK_EQ(rv[0], 0);
	CHECK_EQ(rv[1], 0);
	CHECK(tc_eof(t.fd, TC_MS));
	CHECK(tc_eof(other.fd, TC_MS));
	CHECK(access(tc_path, F_OK) != 0);
	tc_close(&t);
	tc_close(&other);
	if (want_status >= 0)
		CHECK_EQ(child_wait(&c), want_status);
	else
		child_kill(&c);		/* RB_HALT: it stays */
}

TEST(remote_reboot_answered_then_exit)
{
	remote_reboot(0, 0);
}

TEST(remote_reboot_nosync_answered)
{
	remote_reboot(RUMP_RB_NOSYNC, 0);
}

TEST(remote_reboot_halt_answered_stays)
{
	remote_reboot(RUMP_RB_HALT, -1);
}

TEST(remote_reboot_dump_answered_then_abort)
{
	remote_reboot(RUMP_RB_DUMP, 128 + SIGABRT);
}

/* A local halt: the client's call in flight gets no reply, the
 * connection ends, the socket file goes. */
TEST(local_halt_unlinks_and_closes)
{
	struct child c;
	struct tc_hdr h;
	uint8_t *body;
	struct tc t;

	CHECK_EQ(child_start(&c, 1, 0), 0);
	CHECK_EQ(tc_open(&t, "client"), 0);
	CHECK_EQ(write(c.go, "g", 1), 1);
	CHECK_EQ(tc_recv(t.fd, &h, &body, TC_MS), TC_EOF);
	CHECK_EQ(child_wait(&c), 0);
	CHECK(access(tc_path, F_OK) != 0);
	tc_close(&t);
}

/* Only root may halt: a client that dropped root gets EPERM and the
 * server goes on. */
TEST(remote_reboot_needs_root)
{
	struct child c;
	uint64_t u[1] = { I(1000) }, a[2] = { 0, 0 };
	struct tc t;

	CHECK_EQ(child_start(&c, 0, 0), 0);
	CHECK_EQ(tc_open(&t, "user"), 0);
	CHECK_EQ(tc_call(&t, 23, u, 1, NULL), 0);		/* setuid */
	CHECK_EQ(tc_call(&t, SYS_reboot, a, 2, NULL), 1);	/* EPERM */
	CHECK_EQ(tc_getpid(&t), t.pid);
	tc_close(&t);
	CHECK(access(tc_path, F_OK) == 0);
	child_kill(&c);
	unlink(tc_path);
}
