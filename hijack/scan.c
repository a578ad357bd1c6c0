/*
 * scan.c: glob and scandir on rump directories.  glibc's versions
 * open and read directories with internal calls; glob takes
 * GLOB_ALTDIRFUNC, so a pattern under the prefix is globbed by glibc
 * with our opendir/readdir/stat (dir.c, path.c), and scandir is
 * rebuilt on them.  No state of its own.
 */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hijack/hijack.h"

static void *
alt_opendir(const char *path)
{
	return opendir(path);
}

static void *
alt_readdir(void *dp)
{
	return readdir(dp);
}

static void
alt_closedir(void *dp)
{
	closedir(dp);
}

static int
alt_stat(const char *path, void *st)
{
	return stat(path, st);
}

static int
alt_lstat(const char *path, void *st)
{
	return lstat(path, st);
}

int
glob(const char *pat, int flags, int (*errfn)(const char *, int),
    glob_t *g)
{
	struct hj_path hp;

	if (hj_inside() || (flags & GLOB_ALTDIRFUNC) ||
	    hj_path(pat, &hp) == -1 || !hp.rump)
		return HOST(glob)(pat, flags, errfn, g);
	g->gl_opendir = alt_opendir;
	g->gl_readdir = (struct dirent *(*)(void *))alt_readdir;
	g->gl_closedir = alt_closedir;
	g->gl_stat = (int (*)(const char *, struct stat *))alt_stat;
	g->gl_lstat = (int (*)(const char *, struct stat *))alt_lstat;
	return HOST(glob)(pat, flags | GLOB_ALTDIRFUNC, errfn, g);
}

ALIAS(glob64, glob);

/* scandir's list: every entry `keep` accepts, copied, then sorted. */
static int
scan_rump(DIR *d, struct dirent ***list, int (*keep)(const struct dirent *),
    int (*cmp)(const struct dirent **, const struct dirent **))
{
	struct dirent *e, *c, **v = NULL, **nv;
	size_t n = 0, cap = 0;
	int saved = errno;

	while ((e = readdir(d)) != NULL) {
		if (keep != NULL && !keep(e))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				goto fail;
			v = nv;
		}
		if ((c = malloc(e->d_reclen)) == NULL)
			goto fail;
		memcpy(c, e, e->d_reclen);
		v[n++] = c;
	}
	if (cmp != NULL && n > 1)
		qsort(v, n, sizeof(*v),
		    (int (*)(const void *, const void *))cmp);
	*list = v;
	errno = saved;
	return (int)n;
 fail:
	while (n > 0)
		free(v[--n]);
	free(v);
	errno = ENOMEM;
	return -1;
}

int
scandir(const char *path, struct dirent ***list,
    int (*keep)(const struct dirent *),
    int (*cmp)(const struct dirent **, const struct dirent **))
{
	struct hj_path hp;
	DIR *d;
	int n, saved;

	if (hj_inside() || hj_path(path, &hp) == -1)
		return HOST(scandir)(path, list, keep, cmp);
	if (!hp.rump)
		return HOST(scandir)(hp.p, list, keep, cmp);
	if ((d = opendir(path)) == NULL)
		return -1;
	n = scan_rump(d, list, keep, cmp);
	saved = errno;
	closedir(d);
	errno = saved;
	return n;
}

ALIAS(scandir64, scandir);
