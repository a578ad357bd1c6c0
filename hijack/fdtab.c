/*
 * fdtab.c: descriptors across the two worlds (spec §7.1, the
 * placeholder model).  A rump descriptor is shown to the program as a
 * host descriptor open on /dev/null, the placeholder, so numbers behave
 * as the program expects: lowest free, any dup2 target, kept over
 * exec unless close-on-exec, never reused by the host while the rump
 * descriptor lives, and below FD_SETSIZE (bash and Python abort in
 * __fdelt_chk above it).  fdt[n] is 1 + the rump descriptor behind
 * host number n, or 0 for a plain host descriptor.
 *
 * Lock: hj_fdlock serialises updates of fdt, never held across a
 * remote call.  Lookups read the atomic entries without it, so a
 * signal handler that writes or closes while its thread is updating
 * the table cannot deadlock.  Host descriptor operations on a placeholder
 * (dup2 onto it, close) are made by dup.c in the same order as the
 * table updates, under the lock where a race would leave a stale entry.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "hijack/hijack.h"

static pthread_mutex_t hj_fdlock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int fdt[HJ_MAXFD];	/* written under hj_fdlock */
static atomic_int fdt_count;		/* entries in use, same */

void
fd_lock(void)
{
	pthread_mutex_lock(&hj_fdlock);
}

void
fd_unlock(void)
{
	pthread_mutex_unlock(&hj_fdlock);
}

int
fd_rump(int fd)
{
	if (fd < 0 || fd >= HJ_MAXFD)
		return -1;
	return atomic_load(&fdt[fd]) - 1;
}

bool
fd_any(void)
{
	return atomic_load(&fdt_count) > 0;
}

/* A new placeholder standing for rump descriptor rfd; its number. */
int
fd_new(int rfd, bool cloexec)
{
	int fd;

	fd = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null",
	    O_RDWR | (cloexec ? O_CLOEXEC : 0));
	if (fd == -1)
		return -1;
	if (fd >= HJ_MAXFD) {
		syscall(SYS_close, fd);
		errno = EMFILE;
		return -1;
	}
	fd_install(fd, rfd);
	return fd;
}

/* Host number fd (a placeholder now) stands for rfd. */
int
fd_install(int fd, int rfd)
{
	if (fd < 0 || fd >= HJ_MAXFD)
		return -1;
	pthread_mutex_lock(&hj_fdlock);
	if (fdt[fd] == 0)
		fdt_count++;
	fdt[fd] = rfd + 1;
	pthread_mutex_unlock(&hj_fdlock);
	return 0;
}

/* fd no longer stands for anything rump; the rump descriptor it had. */
int
fd_forget(int fd)
{
	int r;

	if (fd < 0 || fd >= HJ_MAXFD)
		return -1;
	pthread_mutex_lock(&hj_fdlock);
	r = fdt[fd] - 1;
	if (fdt[fd] != 0)
		fdt_count--;
	fdt[fd] = 0;
	pthread_mutex_unlock(&hj_fdlock);
	return r;
}

/* The highest open host descriptor, from /proc/self/fd; -1 if
 * unreadable. */
int
fd_highest(void)
{
	char buf[4096], *end;
	struct dirent64 *de;
	long n, off, v;
	int d, max = -1;

	d = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/fd",
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d == -1)
		return -1;
	while ((n = syscall(SYS_getdents64, d, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += de->d_reclen) {
			de = (struct dirent64 *)(buf + off);
			v = strtol(de->d_name, &end, 10);
			if (*end == '\0' && de->d_name[0] != '.' && v != d &&
			    v > max && v < INT_MAX)
				max = (int)v;
		}
	}
	syscall(SYS_close, d);
	return max;
}

/* Forget every mapping (placeholders stay open, as /dev/null). */
void
fd_forget_all(void)
{
	int fd;

	pthread_mutex_lock(&hj_fdlock);
	for (fd = 0; fd < HJ_MAXFD; fd++)
		atomic_store(&fdt[fd], 0);
	atomic_store(&fdt_count, 0);
	pthread_mutex_unlock(&hj_fdlock);
}

bool
fd_is_placeholder(int fd)
{
	struct stat st;

	if (syscall(SYS_fstat, fd, &st) == -1)
		return false;
	return S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

/* "host:rump,..." for the descriptors an exec keeps. */
int
fd_encode(char *buf, size_t len)
{
	size_t o = 0;
	int fd, n, fl;

	buf[0] = '\0';
	pthread_mutex_lock(&hj_fdlock);
	for (fd = 0; fd < HJ_MAXFD; fd++) {
		if (fdt[fd] == 0)
			continue;
		fl = (int)syscall(SYS_fcntl, fd, F_GETFD);
		if (fl == -1 || (fl & FD_CLOEXEC))
			continue;
		n = snprintf(buf + o, len - o, "%s%d:%d", o ? "," : "", fd,
		    fdt[fd] - 1);
		if (n < 0 || (size_t)n >= len - o) {
			pthread_mutex_unlock(&hj_fdlock);
			return -1;
		}
		o += (size_t)n;
	}
	pthread_mutex_unlock(&hj_fdlock);
	return (int)o;
}

/* The table an exec'ing parent encoded; entries the host closed since
 * (Python's close_range in a child) are dropped. */
void
fd_decode(const char *s)
{
	char *end;
	long h, r;

	while (*s != '\0') {
		h = strtol(s, &end, 10);
		if (*end != ':')
			return;
		r = strtol(end + 1, &end, 10);
		if (h >= 0 && h < HJ_MAXFD && r >= 0 && r < INT_MAX &&
		    fd_is_placeholder((int)h))
			fd_install((int)h, (int)r);
		if (*end != ',')
			return;
		s = end + 1;
	}
}
