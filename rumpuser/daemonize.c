/*
 * daemonize.c: the host half of detaching a server from its terminal.
 *
 * A server must fork before the kernel boots (a process with threads
 * cannot fork safely), yet the shell that started it should learn
 * whether the boot worked.  So the process forks early and the two
 * halves keep a socket pair between them:
 *
 *	parent	waits for one 4-byte int (host byte order) from the child
 *		and exits with it as its status; if the child goes away
 *		without sending one, the status is ESRCH (3).
 *	child	starts a new session and carries on booting.  When it is
 *		serving (error 0) it points stdin, stdout and stderr at
 *		/dev/null and sends 0; after a failure it sends the error
 *		with the terminal still attached, so its message is seen.
 *
 * The number sent is a NetBSD errno (the kernel's and the hypervisor's
 * numbering); the shell sees it modulo 256, so a value that would wrap
 * to 0 is sent as 1 instead.  kern/daemonize.c keeps the state (begun,
 * done) and its errors; this file only holds the child's end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rumpuser_int.h"

static int dmz_fd = -1;		/* the child's end, until done */

/* Parent: wait for the child's verdict and leave with it. */
static void __attribute__((noreturn))
parent_wait(int fd)
{
	unsigned char buf[sizeof(int)];
	size_t got = 0;
	ssize_t n = 0;
	int status;

	while (got < sizeof(buf)) {
		n = recv(fd, buf + got, sizeof(buf) - got, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got == sizeof(buf))
		memcpy(&status, buf, sizeof(status));
	else if (n == -1)
		status = rumpuser_errtrans(errno);
	else
		status = 3;	/* ESRCH: the child died without a word */
	if (status != 0 && (status & 0xff) == 0)
		status = 1;
	_exit(status);
}

int
rumpuser_daemonize_begin(void)
{
	int sv[2], error;

	if (dmz_fd != -1)
		return 36;	/* EINPROGRESS */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return rumpuser_errtrans(errno);
	fflush(NULL);		/* or buffered output would appear twice */
	switch (fork()) {
	case -1:
		error = rumpuser_errtrans(errno);
		close(sv[0]);
		close(sv[1]);
		return error;
	case 0:
		close(sv[0]);
		dmz_fd = sv[1];
		if (setsid() == -1) {
			error = rumpuser_errtrans(errno);
			rumpuser_daemonize_done(error);
			return error;
		}
		return 0;
	default:
		close(sv[1]);
		parent_wait(sv[0]);
	}
}

/* Point stdin, stdout and stderr at /dev/null. */
static int
detach_stdio(void)
{
	int fd, i;

	fflush(NULL);
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		return rumpuser_errtrans(errno);
	for (i = 0; i <= 2; i++)
		if (fd != i && dup2(fd, i) == -1) {
			int error = rumpuser_errtrans(errno);

			if (fd > 2)
				close(fd);
			return error;
		}
	if (fd > 2)
		close(fd);
	return 0;
}

int
rumpuser_daemonize_done(int error)
{
	ssize_t n;

	if (dmz_fd == -1)
		return 2;	/* ENOENT: nobody is waiting */
	if (error == 0)
		error = detach_stdio();
	do
		n = send(dmz_fd, &error, sizeof(error), MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	close(dmz_fd);
	dmz_fd = -1;
	return n == (ssize_t)sizeof(error) ? 0 : 32;	/* EPIPE */
}
