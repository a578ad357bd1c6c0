/*
 * rump.umount: unmount file systems in the rump kernel server named by
 * RUMP_SERVER (rump.umount(8)), as NetBSD's umount(8) does.
 *
 * Each argument names a mount by its node (mount point) or its
 * special (what f_mntfromname says); -R passes the argument to
 * unmount(2) as it is.  The newest matching mount is the one taken.
 * The server's names are its own, so a node is matched as given and,
 * failing that, as the directory it is (same file as a mount point).
 *
 * Exit 0 if every unmount succeeded, 1 otherwise.
 */
#include <err.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rumpclient.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>
#include <rump/rumperr.h>

#include "tools/tool_util.h"

static int fflag;
static bool verbose, fake;

static _Noreturn void
usage(void)
{
	const char *p = program_invocation_short_name;

	fprintf(stderr, "Usage: %s [-fvFR] [-t fstypelist] special | node\n"
	    "\t %s -a[fvF] [-t fstypelist]\n", p, p);
	exit(1);
}

static bool
same_file(const char *a, const char *b)
{
	struct rump_stat sa, sb;

	return rump_sys_stat(a, (struct stat *)(void *)&sa) == 0 &&
	    rump_sys_stat(b, (struct stat *)(void *)&sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * The mount name refers to, newest first: by node, by special, then
 * by being the same directory as a node.  -1 if none.
 */
static int
find_mount(const char *name, const struct rump_statvfs *sf, int n)
{
	struct rump_stat st;
	int i;

	for (i = n - 1; i >= 0; i--)
		if (strcmp(sf[i].f_mntonname, name) == 0)
			return i;
	for (i = n - 1; i >= 0; i--)
		if (strcmp(sf[i].f_mntfromname, name) == 0)
			return i;
	if (rump_sys_stat(name, (struct stat *)(void *)&st) == -1 ||
	    (st.st_mode & RUMP_S_IFMT) != RUMP_S_IFDIR)
		return -1;
	for (i = n - 1; i >= 0; i--)
		if (same_file(name, sf[i].f_mntonname))
			return i;
	return -1;
}

static int
unmount_node(const char *name, const char *node)
{
	if (verbose)
		printf("%s: unmount from %s\n", name, node);
	if (fake)
		return 0;
	if (rump_sys_unmount(node, fflag) == -1) {
		warnx("%s: %s", node, rump_strerror(errno));
		return 1;
	}
	return 0;
}

static int
unmount_name(const char *name, const struct vfs_list *vl, bool raw)
{
	struct rump_statvfs *sf;
	int i, n, rv;

	if (raw)
		return unmount_node(name, name);
	if ((n = mnt_getinfo(&sf)) == -1) {
		warnx("getmntinfo: %s", rump_strerror(errno));
		return 1;
	}
	if ((i = find_mount(name, sf, n)) == -1) {
		warnx("%s: not currently mounted", name);
		rv = 1;
	} else if (!vfs_list_has(vl, sf[i].f_fstypename))
		rv = 1;
	else
		rv = unmount_node(sf[i].f_mntfromname, sf[i].f_mntonname);
	free(sf);
	return rv;
}

/* -a: everything but the root, newest first. */
static int
unmount_all(const struct vfs_list *vl)
{
	struct rump_statvfs *sf;
	int i, n, rv = 0;

	if ((n = mnt_getinfo(&sf)) == -1) {
		warnx("getmntinfo: %s", rump_strerror(errno));
		return 1;
	}
	for (i = n - 1; i > 0; i--)
		if (vfs_list_has(vl, sf[i].f_fstypename) &&
		    unmount_node(sf[i].f_mntfromname, sf[i].f_mntonname) != 0)
			rv = 1;
	free(sf);
	return rv;
}

int
main(int argc, char *argv[])
{
	struct vfs_list vl, *vlp = NULL;
	bool all = false, raw = false;
	int ch, rv = 0;

	opterr = 0;
	while ((ch = getopt(argc, argv, "+AaFfRt:v")) != -1) {
		switch (ch) {
		case 'A':
		case 'a':
			all = true;
			break;
		case 'F':
			fake = true;
			break;
		case 'f':
			fflag = RUMP_MNT_FORCE;
			break;
		case 'R':
			raw = true;
			break;
		case 't':
			if (vlp != NULL)
				errx(1, "only one -t option may be specified.");
			vfs_list_make(&vl, optarg);
			vlp = &vl;
			break;
		case 'v':
			verbose = true;
			break;
		default:
			if (optopt != 'h')
				warnx("unknown option -- %c", optopt);
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if ((argc == 0 && !all) || (argc != 0 && all) || (all && raw))
		usage();

	if (rumpclient_init() == -1)
		err(1, "init failed");
	if (all)
		return unmount_all(vlp);
	for (; *argv != NULL; argv++)
		if (unmount_name(*argv, vlp, raw) != 0)
			rv = 1;
	return rv;
}
