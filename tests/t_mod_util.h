/*
 * t_mod_util.h: helpers for the kernel module tests (t_mod_*.c):
 * where the built modules are, loading them through the kernel's VFS
 * (a host file registered as an etfs key), modstat records, and the
 * memory the kernel and the host process use.
 */
#ifndef TESTS_T_MOD_UTIL_H
#define TESTS_T_MOD_UTIL_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kern/modstat.h"

#define T_MODBASE	"/stand/amd64/7.99.34/modules"

/* The kernel's own count (kern/kmem.c, exported by librump). */
uint64_t kmem_inuse(void);

/* dirname(/proc/self/exe) */
static inline void
t_exedir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	buf[n > 0 ? n : 0] = '\0';
	if ((slash = strrchr(buf, '/')) != NULL)
		*slash = '\0';
}

/* A file system module: build/lib/rump/modules/NAME/NAME.kmod */
static inline void
t_fsmod_path(char *buf, size_t len, const char *name)
{
	char dir[PATH_MAX];

	t_exedir(dir, sizeof(dir));
	if (snprintf(buf, len, "%s/../lib/rump/modules/%s/%s.kmod", dir,
	    name, name) >= (int)len)
		buf[0] = '\0';
}

/* A test module: build/tests/kmod/NAME/NAME.kmod */
static inline void
t_tmod_path(char *buf, size_t len, const char *name)
{
	char dir[PATH_MAX];

	t_exedir(dir, sizeof(dir));
	if (snprintf(buf, len, "%s/kmod/%s/%s.kmod", dir, name, name) >=
	    (int)len)
		buf[0] = '\0';
}

/* modctl(MODCTL_LOAD) of a path or name, with optional properties. */
static inline int
t_modload(const char *path, int flags, const char *props)
{
	struct rump_modctl_load ml = { path, flags, props,
	    props ? strlen(props) : 0 };

	return rump_sys_modctl(RUMP_MODCTL_LOAD, &ml);
}

/* Expose host file `host` as the kernel file `key`, load it, remove
 * the key: -1 with errno like modctl, or 0. */
static inline int
t_modload_host(const char *key, const char *host)
{
	int rv, e;

	if ((e = rump_pub_etfs_register(key, host, RUMP_ETFS_REG)) != 0) {
		errno = e;
		return -1;
	}
	rv = t_modload(key, 0, NULL);
	e = errno;
	rump_pub_etfs_remove(key);
	errno = e;
	return rv;
}

/* Every modstat record (malloc'ed, *np of them), or NULL. */
static inline struct rump_modstat *
t_modstat_all(size_t *np)
{
	struct rump_modiovec iov = { NULL, 0 };
	struct rump_modstat *ms;

	if (rump_sys_modctl(RUMP_MODCTL_STAT, &iov) == -1)
		return NULL;
	if ((ms = malloc(iov.iov_len + 1)) == NULL)
		return NULL;
	iov.iov_base = ms;
	if (rump_sys_modctl(RUMP_MODCTL_STAT, &iov) == -1) {
		free(ms);
		return NULL;
	}
	*np = iov.iov_len / sizeof(*ms);
	return ms;
}

/* The record of one module: 1 found, 0 not. */
static inline int
t_modstat_find(const char *name, struct rump_modstat *out)
{
	struct rump_modstat *ms;
	size_t n, i;
	int found = 0;

	memset(out, 0, sizeof(*out));
	if ((ms = t_modstat_all(&n)) == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(ms[i].ms_name, name) == 0) {
			*out = ms[i];
			found = 1;
		}
	free(ms);
	return found;
}

/* Host resident set size in KiB. */
static inline long
t_rss_kib(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = -1;
	fclose(f);
	return rss < 0 ? -1 : rss * (sysconf(_SC_PAGESIZE) / 1024);
}

#endif
