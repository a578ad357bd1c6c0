/*
 * tool_util.h: what rump.mount and rump.umount share: the mount list
 * of the server's kernel (NetBSD's getmntinfo(3) over getvfsstat(2))
 * and NetBSD's -t type lists (makevfslist/checkvfsname).
 *
 * Uses librumpclient only; the caller has called rumpclient_init().
 * No state: every function works on what its caller passes in, so
 * there is nothing to lock.
 */
#ifndef TOOLS_TOOL_UTIL_H
#define TOOLS_TOOL_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>
#include <rump/rump_types.h>

/*
 * The names in a statvfs record end in NUL whatever the server sent:
 * the one check on what crosses the socket, so callers may use them
 * as strings.
 */
static inline void
statvfs_terminate(struct rump_statvfs *sf)
{
	sf->f_fstypename[sizeof(sf->f_fstypename) - 1] = '\0';
	sf->f_mntonname[sizeof(sf->f_mntonname) - 1] = '\0';
	sf->f_mntfromname[sizeof(sf->f_mntfromname) - 1] = '\0';
}

/*
 * The mounts, oldest first, in a malloc'd array (*sfp, freed by the
 * caller).  Returns how many, or -1 with a NetBSD errno in errno.  A
 * mount may come or go between the count and the fetch, so ask again
 * while the array fills up (a bounded number of times: a server that
 * never settles, or answers more records than there was room for, is
 * an error).
 */
static inline int
mnt_getinfo(struct rump_statvfs **sfp)
{
	struct rump_statvfs *sf;
	int n, got, i, tries;

	for (tries = 0; tries < 100; tries++) {
		n = rump_sys_getvfsstat(NULL, 0, RUMP_ST_NOWAIT);
		if (n < 0 || n > 1000000)
			return -1;
		sf = calloc((size_t)n + 1, sizeof(*sf));
		if (sf == NULL) {
			errno = RUMP_ENOMEM;
			return -1;
		}
		got = rump_sys_getvfsstat((void *)sf,
		    ((size_t)n + 1) * sizeof(*sf), RUMP_ST_NOWAIT);
		if (got >= 0 && got <= n) {
			for (i = 0; i < got; i++)
				statvfs_terminate(&sf[i]);
			*sfp = sf;
			return got;
		}
		free(sf);
		if (got != n + 1)
			break;
	}
	errno = RUMP_EPROTO;
	return -1;
}

/*
 * A -t list: "tmpfs,ffs" selects those types, "notmpfs,ffs" every
 * type but those (the "no" on the first name negates the whole list,
 * as in NetBSD).  Empty (NULL) selects everything.
 */
struct vfs_list {
	bool	neg;
	char	*names;		/* comma-separated, the "no" removed */
};

static inline void
vfs_list_make(struct vfs_list *vl, char *arg)
{
	vl->neg = arg[0] == 'n' && arg[1] == 'o';
	vl->names = vl->neg ? arg + 2 : arg;
}

/* True if type is selected (vl may be NULL: all are). */
static inline bool
vfs_list_has(const struct vfs_list *vl, const char *type)
{
	const char *s, *e;
	size_t len;

	if (vl == NULL)
		return true;
	for (s = vl->names; *s != '\0'; s = *e != '\0' ? e + 1 : e) {
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		len = (size_t)(e - s);
		if (len == strlen(type) && strncmp(s, type, len) == 0)
			return !vl->neg;
	}
	return vl->neg;
}

#endif /* TOOLS_TOOL_UTIL_H */
