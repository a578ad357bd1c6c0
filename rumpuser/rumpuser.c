/*
 * rumpuser.c: memory, clocks, parameters, random bytes, dynamic
 * loading and the console.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "rumpuser_int.h"

int
rumpuser_init(void)
{
	rumpuser_fault_env();
	rumpuser_copy_init();
	return 0;
}

static int
copyparam(const char *val, char *buf, size_t buflen)
{
	if (strlen(val) >= buflen)
		return 63;	/* ENAMETOOLONG */
	strcpy(buf, val);
	return 0;
}

int
rumpuser_getparam(const char *name, char *buf, size_t buflen)
{
	char tmp[256];
	const char *v;

	if (strcmp(name, "_RUMPUSER_NCPU") == 0) {
		snprintf(tmp, sizeof(tmp), "%ld", sysconf(_SC_NPROCESSORS_ONLN));
		return copyparam(tmp, buf, buflen);
	}
	if (strcmp(name, "_RUMPUSER_HOSTNAME") == 0) {
		if (gethostname(tmp, sizeof(tmp)) != 0)
			return rumpuser_errtrans(errno);
		tmp[sizeof(tmp) - 1] = '\0';
		return copyparam(tmp, buf, buflen);
	}
	if (strcmp(name, "_RUMPUSER_PID") == 0) {
		snprintf(tmp, sizeof(tmp), "%d", (int)getpid());
		return copyparam(tmp, buf, buflen);
	}
	if (strcmp(name, "_RUMPUSER_PHYSMEM") == 0) {
		snprintf(tmp, sizeof(tmp), "%lld",
		    (long long)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE));
		return copyparam(tmp, buf, buflen);
	}
	if ((v = getenv(name)) == NULL)
		return 2;	/* ENOENT */
	return copyparam(v, buf, buflen);
}

int
rumpuser_malloc(size_t len, size_t align, void **memp)
{
	void *p;
	int error;

	if ((error = rumpuser_fault(RUMPUSER_MALLOC)) != 0)
		return error;
	if (align > sizeof(void *)) {
		if (posix_memalign(&p, align, len) != 0)
			return 12;
	} else if ((p = malloc(len ? len : 1)) == NULL)
		return 12;
	*memp = p;
	return 0;
}

void
rumpuser_free(void *mem, size_t len)
{
	(void)len;
	free(mem);
}

int
rumpuser_clock_gettime(enum rumpuser_clock c, int64_t *sec, long *nsec)
{
	struct timespec ts;

	clock_gettime(c == RUMPUSER_CLOCK_MONOTONIC ? CLOCK_MONOTONIC :
	    CLOCK_REALTIME, &ts);
	*sec = ts.tv_sec;
	*nsec = ts.tv_nsec;
	return 0;
}

int
rumpuser_clock_sleep(int64_t sec, long nsec)
{
	struct timespec ts = { .tv_sec = sec, .tv_nsec = nsec };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
	return 0;
}

int
rumpuser_getrandom(void *buf, size_t len, size_t *donep)
{
	ssize_t n;
	int error;

	if ((error = rumpuser_fault(RUMPUSER_GETRANDOM)) != 0)
		return error;
	do
		n = getrandom(buf, len, 0);
	while (n == -1 && errno == EINTR);
	if (n < 0)
		return rumpuser_errtrans(errno);
	*donep = (size_t)n;
	return 0;
}

int
rumpuser_dl_open(const char *path, void **handlep)
{
	void *h;
	int error;

	if ((error = rumpuser_fault(RUMPUSER_DLOPEN)) != 0)
		return error;
	if ((h = dlopen(path, RTLD_NOW | RTLD_GLOBAL)) == NULL)
		return 2;	/* ENOENT; rumpuser_dl_error() says why */
	*handlep = h;
	return 0;
}

void *
rumpuser_dl_sym(void *handle, const char *sym)
{
	return dlsym(handle, sym);
}

const char *
rumpuser_dl_error(void)
{
	return dlerror();
}

void
rumpuser_putchar(int c)
{
	putchar(c);
	if (c == '\n')
		fflush(stdout);
}

void
rumpuser_dprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fflush(stdout);
}

void
rumpuser_exit(int status)
{
	fflush(stdout);
	exit(status);
}

void
rumpuser_abort(void)
{
	fflush(stdout);
	abort();
}
