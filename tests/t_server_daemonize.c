/*
 * t_server_daemonize.c: rump_daemonize_begin() and rump_daemonize_done()
 * (sysproxy.md §12), called directly.
 *
 * Each test forks a process P that calls the functions.  After begin,
 * P is the waiting parent: it exits with what its child D reports.  D
 * records what it saw in a file, since its stdout may be /dev/null.
 */
#include "t_server_util.h"

static char note_path[64];

static void
note_reset(void)
{
	snprintf(note_path, sizeof(note_path), "/tmp/rs-%d-note",
	    (int)getpid());
	unlink(note_path);
}

/* Append a line to the note file (from D or P). */
static void
note(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((fd = open(note_path, O_WRONLY | O_CREAT | O_APPEND, 0644)) == -1)
		return;
	if (write(fd, buf, (size_t)n) != n)
		n = 0;
	close(fd);
}

static void
note_read(char *buf, size_t cap)
{
	double end = srv_now() + 5;

	/* D may still be writing after P exits */
	do
		srv_slurp(note_path, buf, cap);
	while (strstr(buf, "end\n") == NULL && srv_now() < end &&
	    (srv_sleep_ms(5), 1));
}

/* Run fn in a new process P; P's exit status (-1: killed). */
static int
in_process(void (*fn)(void))
{
	pid_t pid;
	int sig;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		fn();
		_exit(100);
	}
	int st = srv_waitpid(pid, 10, &sig);
	return st;
}

static void
begin_after_boot(void)
{
	int error;

	if (rump_init() != 0)
		_exit(90);
	error = rump_daemonize_begin();
	_exit(error);
}

TEST(begin_after_boot_is_ealready)
{
	CHECK_EQ(in_process(begin_after_boot), RUMP_EALREADY);
	srv_reap();
}

static void
done_without_begin(void)
{
	_exit(rump_daemonize_done(0));
}

TEST(done_without_begin_is_enoent)
{
	CHECK_EQ(in_process(done_without_begin), RUMP_ENOENT);
	srv_reap();
}

static void
begin_twice(void)
{
	if (rump_daemonize_begin() != 0)
		_exit(91);
	note("second %d\n", rump_daemonize_begin());
	note("end\n");
	rump_daemonize_done(7);
	_exit(0);
}

TEST(begin_twice_is_einprogress)
{
	char buf[256];

	note_reset();
	CHECK_EQ(in_process(begin_twice), 7);
	note_read(buf, sizeof(buf));
	CHECK_STR(buf, "second 36\nend\n");
	srv_reap();
	unlink(note_path);
}

/* D starts a session of its own and is not P. */
static void
child_in_new_session(void)
{
	pid_t p = getpid();

	if (rump_daemonize_begin() != 0)
		_exit(91);
	note("pid differs %d\n", getpid() != p);
	note("session leader %d\n", getsid(0) == getpid());
	note("end\n");
	rump_daemonize_done(0);
	_exit(0);
}

TEST(child_leads_new_session)
{
	char buf[256];

	note_reset();
	CHECK_EQ(in_process(child_in_new_session), 0);
	note_read(buf, sizeof(buf));
	CHECK_STR(buf, "pid differs 1\nsession leader 1\nend\n");
	srv_reap();
	unlink(note_path);
}

/* done(0): P exits 0, and D's stdio is /dev/null afterwards. */
static void
done_success(void)
{
	char target[64];
	ssize_t n;
	int i;

	if (rump_daemonize_begin() != 0)
		_exit(91);
	if (rump_daemonize_done(0) != 0)
		_exit(92);
	for (i = 0; i <= 2; i++) {
		char link[32];

		snprintf(link, sizeof(link), "/proc/self/fd/%d", i);
		n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		note("%d %s\n", i, target);
	}
	note("end\n");
	_exit(0);
}

TEST(done_success_parent_exits_zero)
{
	char buf[256];

	note_reset();
	CHECK_EQ(in_process(done_success), 0);
	note_read(buf, sizeof(buf));
	CHECK_STR(buf, "0 /dev/null\n1 /dev/null\n2 /dev/null\nend\n");
	srv_reap();
	unlink(note_path);
}

/* done(error): P exits with it; D keeps its stdio for the message. */
static void
done_error(void)
{
	struct stat st;

	if (rump_daemonize_begin() != 0)
		_exit(91);
	fstat(1, &st);
	note("stdout still a file %d\n", S_ISREG(st.st_mode));
	note("end\n");
	rump_daemonize_done(RUMP_EADDRINUSE);
	fstat(1, &st);
	note("after %d\n", S_ISREG(st.st_mode));
	_exit(1);
}

TEST(done_error_is_parent_status)
{
	struct srv s;
	char buf[256];
	int fd;

	note_reset();
	/* give P a regular file as stdout, as srv_start would */
	snprintf(s.outpath, sizeof(s.outpath), "/tmp/rs-out-XXXXXX");
	fd = mkstemp(s.outpath);
	fflush(NULL);
	int saved = dup(1);
	dup2(fd, 1);
	int st = in_process(done_error);
	dup2(saved, 1);
	close(saved);
	close(fd);
	unlink(s.outpath);
	CHECK_EQ(st, 48);
	srv_sleep_ms(50);
	srv_slurp(note_path, buf, sizeof(buf));
	CHECK(srv_has(buf, "stdout still a file 1\n"));
	srv_reap();
	unlink(note_path);
}

/* D dies without a word: P exits with ESRCH (3). */
static void
child_dies_silently(void)
{
	if (rump_daemonize_begin() != 0)
		_exit(91);
	_exit(0);
}

TEST(silent_child_death_is_esrch)
{
	CHECK_EQ(in_process(child_dies_silently), 3);
	srv_reap();
}

static void
child_aborts(void)
{
	if (rump_daemonize_begin() != 0)
		_exit(91);
	signal(SIGABRT, SIG_DFL);
	abort();
}

TEST(child_abort_is_esrch)
{
	CHECK_EQ(in_process(child_aborts), 3);
	srv_reap();
}

/* A boot failure after begin: rump_init's error reaches P. */
static void
boot_fails(void)
{
	int error;

	if (rump_daemonize_begin() != 0)
		_exit(91);
	setenv("RUMP_NCPU", "0", 1);
	error = rump_init();
	note("init %d\n", error);
	note("end\n");
	rump_daemonize_done(error);
	_exit(1);
}

TEST(boot_failure_reaches_parent)
{
	char buf[256];

	note_reset();
	CHECK_EQ(in_process(boot_fails), RUMP_EINVAL);
	note_read(buf, sizeof(buf));
	CHECK_STR(buf, "init 22\nend\n");
	srv_reap();
	unlink(note_path);
}

/* After done, done again has nobody to tell (ENOENT); begin cannot
 * start over (EINPROGRESS). */
static void
done_twice(void)
{
	if (rump_daemonize_begin() != 0)
		_exit(91);
	rump_daemonize_done(5);
	note("again %d\n", rump_daemonize_done(0));
	note("begin %d\n", rump_daemonize_begin());
	note("end\n");
	_exit(0);
}

TEST(done_twice_is_enoent)
{
	char buf[256];

	note_reset();
	CHECK_EQ(in_process(done_twice), 5);
	note_read(buf, sizeof(buf));
	CHECK_STR(buf, "again 2\nbegin 36\nend\n");
	srv_reap();
	unlink(note_path);
}

/* A status that would wrap to 0 does not claim success. */
static void
done_256(void)
{
	if (rump_daemonize_begin() != 0)
		_exit(91);
	rump_daemonize_done(256);
	_exit(1);
}

TEST(status_never_wraps_to_success)
{
	CHECK_EQ(in_process(done_256), 1);
	srv_reap();
}

/* The parent is gone: done reports EPIPE. */
static void
parent_gone(void)
{
	pid_t p = getpid();

	if (rump_daemonize_begin() != 0)
		_exit(91);
	if (getppid() == p)	/* only the waiting parent, never anyone else */
		kill(p, SIGKILL);
	srv_sleep_ms(100);
	note("done %d\n", rump_daemonize_done(0));
	note("end\n");
	_exit(0);
}

TEST(done_after_parent_died_is_epipe)
{
	char buf[256];

	note_reset();
	CHECK_EQ(in_process(parent_gone), -1);
	note_read(buf, sizeof(buf));
	CHECK_STR(buf, "done 32\nend\n");
	srv_reap();
	unlink(note_path);
}

/* Output buffered before begin is not written twice. */
static void
buffered_output(void)
{
	setvbuf(stdout, NULL, _IOFBF, 4096);
	printf("once\n");
	if (rump_daemonize_begin() != 0)
		_exit(91);
	printf("child\n");
	rump_daemonize_done(9);
	fflush(stdout);
	_exit(0);
}

TEST(buffered_output_not_duplicated)
{
	char path[64], buf[256];
	int fd, saved, st;

	snprintf(path, sizeof(path), "/tmp/rs-out-XXXXXX");
	fd = mkstemp(path);
	fflush(NULL);
	saved = dup(1);
	dup2(fd, 1);
	st = in_process(buffered_output);
	dup2(saved, 1);
	close(saved);
	close(fd);
	CHECK_EQ(st, 9);
	srv_sleep_ms(50);
	srv_slurp(path, buf, sizeof(buf));
	CHECK_STR(buf, "once\nchild\n");
	unlink(path);
	srv_reap();
}
