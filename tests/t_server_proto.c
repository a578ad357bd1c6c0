/*
 * t_server_proto.c: what a client sees of the servers' kernels, over
 * hand-built frames (sysproxy.md §4, §5, §8.2, §11): -l loading the VFS
 * into rump_server, rump_allserver having it built in, and a client's
 * reboot halting the server.
 */
#include "t_server_util.h"

#define SYS_MKDIR	136
#define SYS_RMDIR	137
#define EEXIST_NB	17
#define ENOENT_NB	2

/* `prog -s args... unix://path`, connected and past the handshake. */
static int
start_guest(struct srv *s, const char *prog, const char *path,
    const char *const *args)
{
	const char *argv[32];
	char url[128];
	int i = 0, j, fd;

	snprintf(url, sizeof(url), "unix://%s", path);
	argv[i++] = "-s";
	for (j = 0; args != NULL && args[j] != NULL; j++)
		argv[i++] = args[j];
	argv[i++] = url;
	argv[i] = NULL;
	srv_startv(s, prog, NULL, NULL, argv);
	if ((fd = srv_await_unix(path, 10)) == -1)
		return -1;
	if (srv_guest(fd, "t_server") != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
halt_and_check(struct srv *s, const char *path)
{
	srv_kill(s->pid, SIGTERM);
	CHECK_EQ(srv_wait(s, 10), 0);
	CHECK(srv_has(s->out, "halted\n"));
	CHECK(!srv_exists(path));
	srv_cleanup_files(s);
	srv_reap();
}

/* mkdir /x works once, then EEXIST; the kernel has a file system. */
static void
check_has_vfs(struct srv *s, const char *path, int fd)
{
	CHECK(fd != -1);
	CHECK_EQ(srv_syscall_path(fd, 2, SYS_MKDIR, "/x", 0755), 0);
	CHECK_EQ(srv_syscall_path(fd, 3, SYS_MKDIR, "/x", 0755), EEXIST_NB);
	CHECK_EQ(srv_syscall_path(fd, 4, SYS_RMDIR, "/x", 0), 0);
	CHECK_EQ(srv_syscall_path(fd, 5, SYS_RMDIR, "/x", 0), ENOENT_NB);
	close(fd);
	halt_and_check(s, path);
}

TEST(guest_handshake_on_rump_server)
{
	struct srv s;
	const char *path = srv_sockpath("guest");
	int fd = start_guest(&s, "rump_server", path, NULL);

	CHECK(fd != -1);
	close(fd);
	halt_and_check(&s, path);
}

/* rump_server alone has no file system: mkdir is not there. */
TEST(rump_server_has_no_vfs)
{
	struct srv s;
	const char *path = srv_sockpath("novfs");
	int fd = start_guest(&s, "rump_server", path, NULL);
	int error;

	CHECK(fd != -1);
	error = srv_syscall_path(fd, 2, SYS_MKDIR, "/x", 0755);
	CHECK(error > 0);
	close(fd);
	halt_and_check(&s, path);
}

TEST(allserver_has_vfs)
{
	struct srv s;
	const char *path = srv_sockpath("allvfs");

	check_has_vfs(&s, path, start_guest(&s, "rump_allserver", path,
	    NULL));
}

TEST(library_rumpvfs_by_name)
{
	struct srv s;
	const char *path = srv_sockpath("lvfs");

	check_has_vfs(&s, path, start_guest(&s, "rump_server", path,
	    (const char *const[]){ "-l", "rumpvfs", NULL }));
}

/* Dependencies given in the wrong order still resolve. */
TEST(library_order_does_not_matter)
{
	struct srv s;
	const char *path = srv_sockpath("lorder");

	check_has_vfs(&s, path, start_guest(&s, "rump_server", path,
	    (const char *const[]){ "-l", "rumpfs_tmpfs", "-l", "rumpvfs",
	    NULL }));
}

/* libX.so is a linker script; its libX.so.0 is what loads. */
TEST(library_by_path_to_linker_script)
{
	struct srv s;
	const char *path = srv_sockpath("lpath");
	char lib[PATH_MAX];

	snprintf(lib, sizeof(lib), "%.4000s/librumpvfs.so", srv_libdir());
	check_has_vfs(&s, path, start_guest(&s, "rump_server", path,
	    (const char *const[]){ "-l", lib, NULL }));
}

TEST(library_by_file_name)
{
	struct srv s;
	const char *path = srv_sockpath("lfile");

	check_has_vfs(&s, path, start_guest(&s, "rump_server", path,
	    (const char *const[]){ "-l", "librumpvfs.so.0", NULL }));
}

/* Loading what is linked in already is harmless. */
TEST(library_already_linked)
{
	struct srv s;
	const char *path = srv_sockpath("ldup");

	check_has_vfs(&s, path, start_guest(&s, "rump_allserver", path,
	    (const char *const[]){ "-l", "rumpvfs", "-l", "rumpfs_tmpfs",
	    NULL }));
}

/* A client's reboot: answered with error 0, then the server halts,
 * exit 0, and the socket is gone (sysproxy.md §11). */
TEST(client_reboot_halts_server)
{
	struct srv s;
	const char *path = srv_sockpath("reboot");
	int fd = start_guest(&s, "rump_allserver", path, NULL);

	CHECK(fd != -1);
	CHECK_EQ(srv_syscall_reboot(fd, 2, 0), 0);
	CHECK_EQ(srv_wait(&s, 10), 0);
	CHECK(srv_has_in_order(s.out, "rump kernel halting...\n",
	    "halted\n"));
	CHECK(!srv_exists(path));
	close(fd);
	srv_cleanup_files(&s);
	srv_reap();
}

/* The same for a detached server, which we can still wait for. */
TEST(client_reboot_halts_detached_server)
{
	struct srv s;
	const char *path = srv_sockpath("rebootbg");
	char url[128];
	int fd;
	pid_t dpid;

	snprintf(url, sizeof(url), "unix://%s", path);
	srv_start(&s, "rump_server", url);
	CHECK_EQ(srv_wait(&s, 10), 0);
	fd = srv_connect_unix(path);
	dpid = srv_peer_pid(fd);
	CHECK_EQ(srv_guest(fd, "t_server"), 0);
	CHECK_EQ(srv_syscall_reboot(fd, 2, 0), 0);
	CHECK_EQ(srv_waitpid(dpid, 10, NULL), 0);
	CHECK(!srv_exists(path));
	close(fd);
	srv_cleanup_files(&s);
	srv_reap();
}

/* RB_NOSYNC (4): halts without syncing. */
TEST(client_reboot_nosync)
{
	struct srv s;
	const char *path = srv_sockpath("nosync");
	int fd = start_guest(&s, "rump_allserver", path, NULL);

	CHECK(fd != -1);
	CHECK_EQ(srv_syscall_reboot(fd, 2, 4), 0);
	CHECK_EQ(srv_wait(&s, 10), 0);
	CHECK(srv_has(s.out, "halted\n"));
	CHECK(!srv_has(s.out, "syncing disks"));
	close(fd);
	srv_cleanup_files(&s);
	srv_reap();
}

/* Two clients of one server are two processes: a directory one makes
 * is seen by the other (one kernel), and each call is answered on its
 * own connection. */
TEST(two_clients_one_kernel)
{
	struct srv s;
	const char *path = srv_sockpath("two");
	int a = start_guest(&s, "rump_allserver", path, NULL), b;

	CHECK(a != -1);
	b = srv_connect_unix(path);
	CHECK_EQ(srv_guest(b, "second"), 0);
	CHECK_EQ(srv_syscall_path(a, 2, SYS_MKDIR, "/shared", 0755), 0);
	CHECK_EQ(srv_syscall_path(b, 2, SYS_MKDIR, "/shared", 0755),
	    EEXIST_NB);
	close(a);
	close(b);
	halt_and_check(&s, path);
}
