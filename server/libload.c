/*
 * libload.c: -l, loading component libraries before the kernel boots.
 *
 * Components register themselves from ELF constructors, so loading a
 * library is all it takes; rump_init() then initialises them.  A name
 * is tried in this order, stopping at the first that loads:
 *
 *	a name with a '/'	that path, then path.0 if it ends in .so
 *	any other name N	in the install's own lib directory
 *				(dirname(/proc/self/exe)/../lib): N,
 *				libN.so, libN.so.0; then the same three
 *				through the normal search path
 *
 * The .so.0 forms matter: our libN.so is a linker script naming the
 * real libN.so.0, and dlopen cannot read linker scripts.  Libraries
 * are opened with every symbol bound now, so one whose dependencies
 * are missing fails; passes over the failures repeat while a pass
 * loads something (NetBSD's way of resolving dependencies given in
 * any order).  What still fails is reported with the most telling
 * error seen: a file that exists but will not load beats "not found".
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rumpuser/rumpuser.h"
#include "server/server.h"

/* How telling an error is: the one with the highest rank is reported. */
enum lib_rank { RANK_NONE, RANK_NOTFOUND, RANK_NOTELF, RANK_BROKEN };

struct lib {
	const char *name;
	bool	loaded;
	enum lib_rank rank;
	char	why[SRV_MSGLEN];
};

/* dirname(/proc/self/exe)/../lib (spelled without the ..), or "". */
static void
own_libdir(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	buf[0] = '\0';
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return;
	*slash = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';		/* the bin directory's parent */
	if (snprintf(buf, len, "%s/lib", exe) >= (int)len)
		buf[0] = '\0';
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* Rank a dlopen failure of path. */
static enum lib_rank
rank_error(const char *path, const char *err)
{
	if (strchr(path, '/') != NULL ? access(path, F_OK) != 0 :
	    strstr(err, "No such file") != NULL)
		return RANK_NOTFOUND;
	if (strstr(err, "invalid ELF header") != NULL ||
	    strstr(err, "file too short") != NULL)
		return RANK_NOTELF;
	return RANK_BROKEN;
}

/* Try one candidate; on failure remember the error if it is the most
 * telling so far. */
static bool
try_open(struct lib *lib, const char *path)
{
	const char *err;
	enum lib_rank rank;
	void *h;

	if (rumpuser_dl_open(path, &h) == 0)
		return true;
	if ((err = rumpuser_dl_error()) == NULL)
		err = "cannot load";
	rank = rank_error(path, err);
	if (rank > lib->rank) {
		lib->rank = rank;
		snprintf(lib->why, sizeof(lib->why), "%s", err);
	}
	return false;
}

/* Try base in dir (NULL: the search path), and base.0 for a .so. */
static bool
try_base(struct lib *lib, const char *dir, const char *base)
{
	char path[PATH_MAX + 8];

	snprintf(path, sizeof(path), "%s%s%s", dir ? dir : "",
	    dir ? "/" : "", base);
	if (try_open(lib, path))
		return true;
	if (!ends_with(base, ".so"))
		return false;
	strncat(path, ".0", sizeof(path) - strlen(path) - 1);
	return try_open(lib, path);
}

static bool
load_one(struct lib *lib, const char *libdir)
{
	char libname[PATH_MAX];
	const char *dirs[2] = { libdir[0] ? libdir : NULL, NULL };
	int i;

	if (strchr(lib->name, '/') != NULL)
		return try_base(lib, NULL, lib->name);
	snprintf(libname, sizeof(libname), "lib%s.so", lib->name);
	for (i = libdir[0] ? 0 : 1; i < 2; i++)
		if (try_base(lib, dirs[i], lib->name) ||
		    try_base(lib, dirs[i], libname))
			return true;
	return false;
}

static void
report_failure(const struct lib *lib, const char *libdir)
{
	if (lib->rank > RANK_NOTFOUND)
		fprintf(stderr, "%s: -l %s: %s\n", srv_prog, lib->name,
		    lib->why);
	else if (strchr(lib->name, '/') != NULL)
		fprintf(stderr, "%s: -l %s: no such library (%s)\n",
		    srv_prog, lib->name, lib->why);
	else
		fprintf(stderr, "%s: -l %s: no such library: looked for %s, "
		    "lib%s.so and lib%s.so.0 in %s and the library search "
		    "path\n", srv_prog, lib->name, lib->name, lib->name,
		    lib->name, libdir[0] ? libdir : "(unknown)");
}

int
srv_load_libraries(const char *const *names, int n)
{
	char libdir[PATH_MAX];
	struct lib *libs;
	bool progress = true;
	int i, left = n;

	if (n == 0)
		return 0;
	if ((libs = calloc((size_t)n, sizeof(*libs))) == NULL) {
		fprintf(stderr, "%s: -l: out of memory\n", srv_prog);
		return -1;
	}
	own_libdir(libdir, sizeof(libdir));
	for (i = 0; i < n; i++)
		libs[i].name = names[i];
	while (left > 0 && progress) {
		progress = false;
		for (i = 0; i < n; i++) {
			if (libs[i].loaded)
				continue;
			libs[i].rank = RANK_NONE;
			if (load_one(&libs[i], libdir)) {
				libs[i].loaded = true;
				left--;
				progress = true;
			}
		}
	}
	for (i = 0; i < n; i++)
		if (!libs[i].loaded)
			report_failure(&libs[i], libdir);
	free(libs);
	return left == 0 ? 0 : -1;
}
