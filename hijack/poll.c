/*
 * poll.c: poll and select over host and rump descriptors together.
 * The rump descriptors a program reaches through the hijack are files
 * and directories, which are always ready for reading and writing
 * (as on any kernel); so a call that names one answers at once, with
 * the host descriptors polled without waiting.  Rump pipes and
 * sockets are not served (they cannot be opened through the hijack).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>

#include "hijack/hijack.h"

#define READY_BITS	(POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM)

int
poll(struct pollfd *fds, nfds_t n, int timeout)
{
	struct pollfd small[16], *host;
	nfds_t i;
	int ready = 0, r;

	if (hj_inside() || !fd_any())
		return HOST(poll)(fds, n, timeout);
	for (i = 0; i < n && fd_rump(fds[i].fd) < 0; i++)
		;
	if (i == n)
		return HOST(poll)(fds, n, timeout);
	host = n <= 16 ? small : malloc(n * sizeof(*host));
	if (host == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		host[i] = fds[i];
		if (fd_rump(fds[i].fd) >= 0)
			host[i].fd = -1;
	}
	if ((r = HOST(poll)(host, n, 0)) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if (fd_rump(fds[i].fd) >= 0)
			fds[i].revents = fds[i].events & READY_BITS;
		else
			fds[i].revents = host[i].revents;
		if (fds[i].revents != 0)
			ready++;
	}
	r = ready;
 out:
	if (host != small)
		free(host);
	return r;
}

int
select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
	fd_set hr, hw, he;
	struct timeval zero = { 0, 0 };
	int fd, r, ready = 0, any = 0;

	if (hj_inside() || !fd_any())
		return HOST(select)(nfds, rd, wr, ex, tv);
	for (fd = 0; fd < nfds && fd < HJ_MAXFD; fd++) {
		if (fd_rump(fd) >= 0 && ((rd && FD_ISSET(fd, rd)) ||
		    (wr && FD_ISSET(fd, wr)) || (ex && FD_ISSET(fd, ex))))
			any = 1;
	}
	if (!any)
		return HOST(select)(nfds, rd, wr, ex, tv);
	FD_ZERO(&hr);
	FD_ZERO(&hw);
	FD_ZERO(&he);
	for (fd = 0; fd < nfds && fd < HJ_MAXFD; fd++) {
		if (fd_rump(fd) >= 0)
			continue;
		if (rd && FD_ISSET(fd, rd))
			FD_SET(fd, &hr);
		if (wr && FD_ISSET(fd, wr))
			FD_SET(fd, &hw);
		if (ex && FD_ISSET(fd, ex))
			FD_SET(fd, &he);
	}
	if ((r = HOST(select)(nfds, &hr, &hw, &he, &zero)) == -1)
		return -1;
	for (fd = 0; fd < nfds && fd < HJ_MAXFD; fd++) {
		bool rump = fd_rump(fd) >= 0;

		if (rd && FD_ISSET(fd, rd) && !rump && !FD_ISSET(fd, &hr))
			FD_CLR(fd, rd);
		if (wr && FD_ISSET(fd, wr) && !rump && !FD_ISSET(fd, &hw))
			FD_CLR(fd, wr);
		if (ex && FD_ISSET(fd, ex) && (rump || !FD_ISSET(fd, &he)))
			FD_CLR(fd, ex);
		ready += (rd && FD_ISSET(fd, rd)) + (wr && FD_ISSET(fd, wr)) +
		    (ex && FD_ISSET(fd, ex));
	}
	return ready;
}

/* pselect on rump descriptors answers at once, so the mask is moot. */
int
pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
    const struct timespec *ts, const sigset_t *mask)
{
	struct timeval tv;
	int fd;

	if (hj_inside() || !fd_any())
		return HOST(pselect)(nfds, rd, wr, ex, ts, mask);
	for (fd = 0; fd < nfds && fd < HJ_MAXFD; fd++) {
		if (fd_rump(fd) >= 0 && ((rd && FD_ISSET(fd, rd)) ||
		    (wr && FD_ISSET(fd, wr)) || (ex && FD_ISSET(fd, ex))))
			break;
	}
	if (fd == nfds || fd == HJ_MAXFD)
		return HOST(pselect)(nfds, rd, wr, ex, ts, mask);
	if (ts != NULL) {
		tv.tv_sec = ts->tv_sec;
		tv.tv_usec = ts->tv_nsec / 1000;
	}
	return select(nfds, rd, wr, ex, ts != NULL ? &tv : NULL);
}

/* FORTIFY's poll checks the array size first. */
int
__poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen)
{
	if (fdslen / sizeof(*fds) < n)
		abort();	/* what glibc's __chk_fail does */
	return poll(fds, n, timeout);
}

/* ppoll: as poll (rump descriptors answer at once, so the mask is
 * moot); host-only sets go to the host untouched. */
int
ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
    const sigset_t *mask)
{
	nfds_t i;
	int ms;

	if (hj_inside() || !fd_any())
		return HOST(ppoll)(fds, n, ts, mask);
	for (i = 0; i < n && fd_rump(fds[i].fd) < 0; i++)
		;
	if (i == n)
		return HOST(ppoll)(fds, n, ts, mask);
	ms = ts == NULL ? -1 : (int)(ts->tv_sec * 1000 + ts->tv_nsec / 1000000);
	return poll(fds, n, ms);
}
