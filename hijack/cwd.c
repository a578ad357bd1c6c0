/*
 * cwd.c: the current directory and names resolved against it.  While
 * the program's cwd is in the rump kernel (init.c's hj_cwdrump), the
 * kernel holds which directory it is: chdir and fchdir are forwarded,
 * getcwd asks the kernel and puts the prefix in front.  realpath on a
 * rump path walks the path in the kernel, reading symlinks there; a
 * symlink's absolute target is absolute within the rump kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hijack/hijack.h"

char	*__realpath_chk(const char *, char *, size_t);
char	*__getcwd_chk(char *, size_t, size_t);

int
chdir(const char *path)
{
	struct hj_path hp;
	int r;

	if (hj_inside())
		return HOST(chdir)(path);
	if (hj_path(path, &hp) == -1)
		return -1;
	if (!hp.rump) {
		if ((r = HOST(chdir)(hp.p)) == 0)
			hj_set_cwd_rump(false);
		return r;
	}
	if ((r = RCALL(rump_sys_chdir(hp.p))) == 0)
		hj_set_cwd_rump(true);
	return r;
}

int
fchdir(int fd)
{
	int r, rfd;

	if (hj_inside())
		return HOST(fchdir)(fd);
	if ((rfd = fd_rump(fd)) < 0) {
		if ((r = HOST(fchdir)(fd)) == 0)
			hj_set_cwd_rump(false);
		return r;
	}
	if ((r = RCALL(rump_sys_fchdir(rfd))) == 0)
		hj_set_cwd_rump(true);
	return r;
}

/* The rump cwd as the program sees it: prefix + kernel path. */
static int
rump_cwd(char *out, size_t cap)
{
	char k[PATH_MAX];
	const char *pfx = hj_prefix();
	int n;

	if (hj_connect() == -1)
		return -1;
	if (RCALL(rump_sys___getcwd(k, sizeof(k))) == -1)
		return -1;
	if (strcmp(pfx, "/") == 0)
		n = snprintf(out, cap, "%s", k);
	else
		n = snprintf(out, cap, "%s%s", pfx, strcmp(k, "/") ? k : "");
	if (n < 0 || (size_t)n >= cap) {
		errno = ERANGE;
		return -1;
	}
	return n;
}

char *
getcwd(char *buf, size_t size)
{
	char tmp[PATH_MAX];
	int n;

	if (hj_inside() || !hj_cwd_rump())
		return HOST(getcwd)(buf, size);
	if ((n = rump_cwd(tmp, sizeof(tmp))) == -1)
		return NULL;
	if (buf == NULL) {
		if (size == 0)
			size = (size_t)n + 1;
		if ((buf = malloc(size)) == NULL)
			return NULL;
		if ((size_t)n + 1 > size) {
			free(buf);
			errno = ERANGE;
			return NULL;
		}
	} else if ((size_t)n + 1 > size) {
		errno = size == 0 ? EINVAL : ERANGE;
		return NULL;
	}
	memcpy(buf, tmp, (size_t)n + 1);
	return buf;
}

char *
__getcwd_chk(char *buf, size_t size, size_t buflen)
{
	if (size > buflen)
		abort();	/* what glibc's __chk_fail does */
	return getcwd(buf, size);
}

char *
get_current_dir_name(void)
{
	if (hj_inside() || !hj_cwd_rump())
		return HOST(get_current_dir_name)();
	return getcwd(NULL, 0);
}

/* out = a "/" b; -1 (ENAMETOOLONG) if it does not fit. */
static int
join(char *out, size_t cap, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la + lb + 2 > cap) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memmove(out + la + 1, b, lb + 1);
	memmove(out, a, la);
	out[la] = '/';
	return 0;
}

/*
 * Resolve kernel path `in` (absolute in the kernel) into `out`: every
 * component looked up, every symlink read, at most 40 of them.
 */
static int
resolve_rump(const char *in, char *out, size_t cap)
{
	char rest[PATH_MAX], link[PATH_MAX], tmp[PATH_MAX + 1];
	struct rump_stat ns;
	size_t olen = 0, n;
	ssize_t ln;
	char *comp, *p;
	int loops = 0;

	snprintf(rest, sizeof(rest), "%s", in);
	out[0] = '\0';
	p = rest;
	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		comp = p;
		while (*p != '\0' && *p != '/')
			p++;
		n = (size_t)(p - comp);
		if (n == 1 && comp[0] == '.')
			continue;
		if (n == 2 && comp[0] == '.' && comp[1] == '.') {
			while (olen > 0 && out[olen - 1] != '/')
				olen--;
			if (olen > 0)
				olen--;
			out[olen] = '\0';
			continue;
		}
		if (olen + n + 2 > cap) {
			errno = ENAMETOOLONG;
			return -1;
		}
		out[olen] = '/';
		memcpy(out + olen + 1, comp, n);
		out[olen + 1 + n] = '\0';
		if (RCALL(rump_sys_fstatat(RUMP_AT_FDCWD, out,
		    (struct stat *)&ns, RUMP_AT_SYMLINK_NOFOLLOW)) == -1)
			return -1;
		if ((ns.st_mode & 0170000) != 0120000) {
			olen += n + 1;
			continue;
		}
		if (++loops > 40) {
			errno = ELOOP;
			return -1;
		}
		ln = RCALL(rump_sys_readlink(out, link, sizeof(link) - 1));
		if (ln == -1)
			return -1;
		link[ln] = '\0';
		if (join(tmp, sizeof(rest), link, p) == -1)
			return -1;
		memcpy(rest, tmp, strlen(tmp) + 1);
		p = rest;
		if (link[0] == '/')
			olen = 0;
		out[olen] = '\0';
	}
	if (olen == 0)
		snprintf(out, cap, "/");
	return 0;
}

char *
realpath(const char *path, char *resolved)
{
	struct hj_path hp;
	char full[PATH_MAX], k[PATH_MAX], res[PATH_MAX];
	const char *pfx;

	if (hj_inside())
		return HOST(realpath)(path, resolved);
	if (path == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (hj_path(path, &hp) == -1)
		return NULL;
	if (!hp.rump)
		return HOST(realpath)(hp.p, resolved);
	if (hp.p[0] != '/') {
		if (RCALL(rump_sys___getcwd(k, sizeof(k))) == -1)
			return NULL;
		if (join(full, sizeof(full), k, hp.p) == -1)
			return NULL;
	} else
		snprintf(full, sizeof(full), "%s", hp.p);
	if (resolve_rump(full, k, sizeof(k)) == -1)
		return NULL;
	pfx = hj_prefix();
	if (hp.blanket || strcmp(pfx, "/") == 0)
		snprintf(res, sizeof(res), "%s", k);
	else
		snprintf(res, sizeof(res), "%s%s", pfx, strcmp(k, "/") ? k : "");
	if (resolved == NULL)
		return strdup(res);
	memcpy(resolved, res, strlen(res) + 1);
	return resolved;
}

char *
__realpath_chk(const char *path, char *resolved, size_t len)
{
	if (resolved != NULL && len < PATH_MAX)
		abort();
	return realpath(path, resolved);
}

char *
canonicalize_file_name(const char *path)
{
	if (hj_inside())
		return HOST(canonicalize_file_name)(path);
	return realpath(path, NULL);
}
