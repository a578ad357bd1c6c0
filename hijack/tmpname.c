/*
 * tmpname.c: mkstemp and friends for templates under the prefix
 * (sed -i makes its temporary file beside the file it edits).  glibc
 * creates the file with internal calls, so a rump template is filled
 * here and created with our own openat/mkdir, O_EXCL, retrying on
 * EEXIST as glibc does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hijack/hijack.h"

#define TRIES	238328		/* 62^3, glibc's bound */

int	mkostemps(char *, int, int);

/* Does tmpl go to rump?  1 yes, 0 no, -1 error. */
static int
rump_template(const char *tmpl)
{
	struct hj_path hp;

	if (hj_inside())
		return 0;
	if (hj_path(tmpl, &hp) == -1)
		return -1;
	return hp.rump;
}

/* The six X's before the suffix, or NULL (EINVAL). */
static char *
template_xs(char *tmpl, int suffixlen)
{
	size_t len = strlen(tmpl);
	char *x;

	if (suffixlen < 0 || len < (size_t)suffixlen + 6)
		goto bad;
	x = tmpl + len - suffixlen - 6;
	if (strncmp(x, "XXXXXX", 6) != 0)
		goto bad;
	return x;
 bad:
	errno = EINVAL;
	return NULL;
}

static void
fill_xs(char *x)
{
	static const char set[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[6];
	int i;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		for (i = 0; i < 6; i++)
			r[i] = (unsigned char)(rand() & 0xff);
	}
	for (i = 0; i < 6; i++)
		x[i] = set[r[i] % (sizeof(set) - 1)];
}

int
mkostemps(char *tmpl, int suffixlen, int flags)
{
	char *x;
	int r, fd, i, saved = errno;

	if ((r = rump_template(tmpl)) == 0)
		return HOST(mkostemps)(tmpl, suffixlen, flags);
	if (r < 0 || (x = template_xs(tmpl, suffixlen)) == NULL)
		return -1;
	for (i = 0; i < TRIES; i++) {
		fill_xs(x);
		fd = openat(AT_FDCWD, tmpl, (flags & ~O_ACCMODE) | O_RDWR |
		    O_CREAT | O_EXCL, 0600);
		if (fd >= 0) {
			errno = saved;
			return fd;
		}
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

int
mkstemp(char *tmpl)
{
	return mkostemps(tmpl, 0, 0);
}

int
mkostemp(char *tmpl, int flags)
{
	return mkostemps(tmpl, 0, flags);
}

int
mkstemps(char *tmpl, int suffixlen)
{
	return mkostemps(tmpl, suffixlen, 0);
}

ALIAS(mkstemp64, mkstemp);
ALIAS(mkostemp64, mkostemp);
ALIAS(mkstemps64, mkstemps);
ALIAS(mkostemps64, mkostemps);

char *
mkdtemp(char *tmpl)
{
	char *x;
	int r, i, saved = errno;

	if ((r = rump_template(tmpl)) == 0)
		return HOST(mkdtemp)(tmpl);
	if (r < 0 || (x = template_xs(tmpl, 0)) == NULL)
		return NULL;
	for (i = 0; i < TRIES; i++) {
		fill_xs(x);
		if (mkdir(tmpl, 0700) == 0) {
			errno = saved;
			return tmpl;
		}
		if (errno != EEXIST)
			return NULL;
	}
	errno = EEXIST;
	return NULL;
}
