/*
 * stdio.c: FILE streams on rump descriptors.  glibc's stdio reads and
 * writes through internal calls (spec §4.4), so a stream on a rump
 * file is a fopencookie() stream whose functions call our read, write
 * and lseek; fileno() on it returns the descriptor (CPython builds
 * sys.stdout from fileno(stdout)).
 *
 * The standard streams: when descriptor 0, 1 or 2 comes to stand for
 * a rump file (bash's "echo x > /rump/f" dup2s onto 1, then prints
 * with printf), the stdin/stdout/stderr variable is switched to a
 * cookie stream on that number, and switched back when it stops; both
 * switches flush first.  The variables are copy-relocated into the
 * executable, so the assignment is seen by the program and libc.
 *
 * Locks: hj_stdiolock guards the registry of cookie streams (which
 * FILE is ours, its descriptor) and the saved standard streams.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hijack/hijack.h"

#define HJ_MAXFILES	256
#define HJ_STDIOBUF	65536

struct hj_cookie {
	int	fd;
	bool	owned;			/* fclose closes fd */
};

struct hj_file {
	FILE	*fp;
	struct hj_cookie *ck;
};

static pthread_mutex_t hj_stdiolock = PTHREAD_MUTEX_INITIALIZER;
static struct hj_file hj_files[HJ_MAXFILES];	/* hj_stdiolock */
static FILE *hj_stdorig[3];			/* hj_stdiolock */
static FILE *hj_stdck[3];			/* hj_stdiolock */

static ssize_t
ck_read(void *c, char *buf, size_t n)
{
	return hj_read(((struct hj_cookie *)c)->fd, buf, n);
}

static ssize_t
ck_write(void *c, const char *buf, size_t n)
{
	ssize_t r = hj_write(((struct hj_cookie *)c)->fd, buf, n);

	return r < 0 ? 0 : r;		/* cookie writes report 0 on error */
}

static int
ck_seek(void *c, off64_t *off, int whence)
{
	off_t r = lseek(((struct hj_cookie *)c)->fd, *off, whence);

	if (r == -1)
		return -1;
	*off = r;
	return 0;
}

static int
ck_close(void *c)
{
	struct hj_cookie *ck = c;
	int r = 0;

	if (ck->owned)
		r = close(ck->fd);
	free(ck);
	return r;
}

static FILE **std_var(int fd);

static const cookie_io_functions_t ck_funcs = {
	ck_read, ck_write, ck_seek, ck_close
};

static FILE *
file_new(int fd, const char *mode, bool owned)
{
	struct hj_cookie *ck;
	FILE *fp;
	int i;

	if ((ck = malloc(sizeof(*ck))) == NULL)
		return NULL;
	ck->fd = fd;
	ck->owned = owned;
	if ((fp = fopencookie(ck, mode, ck_funcs)) == NULL) {
		free(ck);
		return NULL;
	}
	/* Each refill is a round trip to the server: fewer, larger. */
	if (owned)
		setvbuf(fp, NULL, _IOFBF, HJ_STDIOBUF);
	pthread_mutex_lock(&hj_stdiolock);
	for (i = 0; i < HJ_MAXFILES && hj_files[i].fp != NULL; i++)
		;
	if (i < HJ_MAXFILES) {
		hj_files[i].fp = fp;
		hj_files[i].ck = ck;
	}
	pthread_mutex_unlock(&hj_stdiolock);
	return fp;
}

/* The registry slot of fp, or -1.  Caller holds hj_stdiolock. */
static int
file_slot(FILE *fp)
{
	int i;

	for (i = 0; i < HJ_MAXFILES; i++) {
		if (hj_files[i].fp == fp && fp != NULL)
			return i;
	}
	return -1;
}

/* fopen's mode string as open flags (spec §4.4). */
static int
mode_flags(const char *m)
{
	int fl, plus = strchr(m, '+') != NULL;

	switch (m[0]) {
	case 'r': fl = plus ? O_RDWR : O_RDONLY; break;
	case 'w': fl = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC; break;
	case 'a': fl = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND; break;
	default: return -1;
	}
	if (strchr(m, 'e') != NULL)
		fl |= O_CLOEXEC;
	if (strchr(m, 'x') != NULL)
		fl |= O_EXCL;
	return fl;
}

FILE *
fopen(const char *path, const char *mode)
{
	struct hj_path hp;
	FILE *fp;
	int fl, fd, saved;

	if (hj_inside())
		return HOST(fopen)(path, mode);
	if (hj_path(path, &hp) == -1)
		return NULL;
	if (!hp.rump)
		return HOST(fopen)(hp.p, mode);
	if ((fl = mode_flags(mode)) == -1) {
		errno = EINVAL;
		return NULL;
	}
	if ((fd = openat(AT_FDCWD, path, fl, 0666)) == -1)
		return NULL;
	if ((fp = file_new(fd, mode, true)) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
	}
	return fp;
}

ALIAS(fopen64, fopen);

FILE *
fdopen(int fd, const char *mode)
{
	if (hj_inside() || fd_rump(fd) < 0)
		return HOST(fdopen)(fd, mode);
	return file_new(fd, mode, true);
}

/*
 * freopen onto a rump file.  A standard stream keeps its number: the
 * file is dup2'ed onto 0, 1 or 2 and the stream variable switches to
 * the cookie stream (std_sync), which is what is returned; any other
 * stream is closed and a new one returned.
 */
FILE *
freopen(const char *path, const char *mode, FILE *fp)
{
	struct hj_path hp;
	int fl, fd, n, saved;
	FILE *nfp;

	if (hj_inside() || path == NULL || hj_path(path, &hp) == -1 ||
	    !hp.rump)
		return HOST(freopen)(path, mode, fp);
	if ((fl = mode_flags(mode)) == -1) {
		errno = EINVAL;
		return NULL;
	}
	if ((fd = openat(AT_FDCWD, path, fl, 0666)) == -1)
		return NULL;
	n = fileno(fp);
	fflush(fp);
	if (n >= 0 && n <= 2) {
		if (dup2(fd, n) == -1) {
			saved = errno;
			close(fd);
			errno = saved;
			return NULL;
		}
		close(fd);
		return *std_var(n);
	}
	fclose(fp);
	if ((nfp = file_new(fd, mode, true)) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
	}
	return nfp;
}

ALIAS(freopen64, freopen);

int
fileno(FILE *fp)
{
	int i, fd = -1;

	if (hj_inside())
		return HOST(fileno)(fp);
	pthread_mutex_lock(&hj_stdiolock);
	if ((i = file_slot(fp)) >= 0)
		fd = hj_files[i].ck->fd;
	pthread_mutex_unlock(&hj_stdiolock);
	return i >= 0 ? fd : HOST(fileno)(fp);
}

ALIAS(fileno_unlocked, fileno);

int
fclose(FILE *fp)
{
	int i, j;

	if (!hj_inside()) {
		pthread_mutex_lock(&hj_stdiolock);
		if ((i = file_slot(fp)) >= 0) {
			hj_files[i].fp = NULL;
			for (j = 0; j < 3; j++) {
				if (hj_stdck[j] == fp)
					hj_stdck[j] = NULL;
			}
		}
		pthread_mutex_unlock(&hj_stdiolock);
	}
	return HOST(fclose)(fp);
}

/* dprintf formats with glibc's own stream on the descriptor, whose
 * writes are internal: for a rump descriptor it is formatted here. */
int
vdprintf(int fd, const char *fmt, va_list ap)
{
	char *buf;
	int n, off = 0;
	ssize_t w;

	if (hj_inside() || fd_rump(fd) < 0)
		return HOST(vdprintf)(fd, fmt, ap);
	if ((n = vasprintf(&buf, fmt, ap)) < 0)
		return -1;
	while (off < n) {
		if ((w = hj_write(fd, buf + off, (size_t)(n - off))) <= 0) {
			free(buf);
			return -1;
		}
		off += (int)w;
	}
	free(buf);
	return n;
}

int
dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}

int	__dprintf_chk(int, int, const char *, ...);
int	__vdprintf_chk(int, int, const char *, va_list);

/* The FORTIFY variants: the flag only asks for %n checks. */
int
__vdprintf_chk(int fd, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	return vdprintf(fd, fmt, ap);
}

int
__dprintf_chk(int fd, int flag, const char *fmt, ...)
{
	va_list ap;
	int n;

	(void)flag;
	va_start(ap, fmt);
	n = vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}

/* -------------------------------------------------- standard streams */

static FILE **
std_var(int fd)
{
	return fd == 0 ? &stdin : fd == 1 ? &stdout : &stderr;
}

void
std_flush(int fd)
{
	if (fd == 1 || fd == 2)
		fflush(*std_var(fd));
}

void
std_sync(int fd)
{
	FILE **var, *ck;
	bool rump;

	if (fd < 0 || fd > 2)
		return;
	var = std_var(fd);
	rump = fd_rump(fd) >= 0;
	pthread_mutex_lock(&hj_stdiolock);
	ck = hj_stdck[fd];
	pthread_mutex_unlock(&hj_stdiolock);
	if (rump && ck == NULL) {
		if ((ck = file_new(fd, fd == 0 ? "r" : "w", false)) == NULL)
			return;
		if (fd == 2)
			setvbuf(ck, NULL, _IONBF, 0);
		pthread_mutex_lock(&hj_stdiolock);
		hj_stdck[fd] = ck;
		pthread_mutex_unlock(&hj_stdiolock);
	}
	if (rump && *var != ck) {
		pthread_mutex_lock(&hj_stdiolock);
		hj_stdorig[fd] = *var;
		pthread_mutex_unlock(&hj_stdiolock);
		*var = ck;
	} else if (!rump && ck != NULL && *var == ck) {
		fflush(ck);
		pthread_mutex_lock(&hj_stdiolock);
		*var = hj_stdorig[fd];
		pthread_mutex_unlock(&hj_stdiolock);
	}
}

void
std_sync_all(void)
{
	std_sync(0);
	std_sync(1);
	std_sync(2);
}
