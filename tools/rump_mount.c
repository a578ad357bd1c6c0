/*
 * rump.mount: mount a file system in the rump kernel server named by
 * RUMP_SERVER, or list its mounts (rump.mount(8)).
 *
 * NetBSD splits this between mount(8), which parses -o and runs a
 * mount_TYPE program, and mount_tmpfs(8)/mount_ffs(8), which fill the
 * file system's argument block and call mount(2).  Here one program
 * does both, with the same option words, messages and exit codes:
 *
 *	options -> flags + tmpfs_args/ufs_args -> mount(2) in the server
 *
 * Paths (SPECIAL, NODE) are in the server's name space, so they are
 * not made canonical with the host's realpath(3) as NetBSD does.
 * Exit 0 on success, 1 on any error, with a message naming the tool.
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <inttypes.h>
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

/* What statvfs flags print as, in NetBSD's order (sys/fstypes.h). */
static const struct flagname {
	uint32_t	flag;
	bool		silent;		/* only with -v */
	const char	*name;
} flagnames[] = {
	{ RUMP_MNT_ASYNC, false, "asynchronous" },
	{ RUMP_MNT_DISCARD, false, "discard" },
	{ RUMP_MNT_EXTATTR, false, "extattr" },
	{ RUMP_MNT_IGNORE, false, "hidden" },
	{ RUMP_MNT_LOG, false, "log" },
	{ RUMP_MNT_NOATIME, false, "noatime" },
	{ RUMP_MNT_NOCOREDUMP, false, "nocoredump" },
	{ RUMP_MNT_NODEV, false, "nodev" },
	{ RUMP_MNT_NODEVMTIME, false, "nodevmtime" },
	{ RUMP_MNT_NOEXEC, false, "noexec" },
	{ RUMP_MNT_NOSUID, false, "nosuid" },
	{ RUMP_MNT_RDONLY, false, "read-only" },
	{ RUMP_MNT_RELATIME, false, "relatime" },
	{ RUMP_MNT_SOFTDEP, false, "soft dependencies" },
	{ RUMP_MNT_SYMPERM, false, "symperm" },
	{ RUMP_MNT_SYNCHRONOUS, false, "synchronous" },
	{ RUMP_MNT_UNION, false, "union" },
	{ RUMP_MNT_EXRDONLY, true, "exported read-only" },
	{ RUMP_MNT_EXPORTED, false, "NFS exported" },
	{ RUMP_MNT_DEFEXPORTED, true, "exported to the world" },
	{ RUMP_MNT_EXPORTANON, true, "anon uid mapping" },
	{ RUMP_MNT_EXKERB, true, "kerberos uid mapping" },
	{ RUMP_MNT_EXNORESPORT, false, "non-reserved ports" },
	{ RUMP_MNT_EXPUBLIC, false, "WebNFS exports" },
	{ RUMP_MNT_LOCAL, false, "local" },
	{ RUMP_MNT_QUOTA, false, "with quotas" },
	{ RUMP_MNT_ROOTFS, true, "root file system" },
	{ RUMP_MNT_UPDATE, true, "being updated" },
	{ RUMP_MNT_RELOAD, true, "reload filesystem data" },
	{ RUMP_MNT_FORCE, true, "force unmount or readonly change" },
	{ RUMP_MNT_GETARGS, true, "retrieve mount arguments" },
};

/*
 * The -o words every type takes (NetBSD's getmntopts tables for ffs
 * and tmpfs together).  "no" before a word inverts it; inverse words
 * ("exec") set their flag when negated ("noexec").
 */
static const struct mntopt {
	const char	*name;
	bool		inverse;
	int		flag;
} mntopts[] = {
	{ "userquota", false, 0 },
	{ "groupquota", false, 0 },
	{ "ro", false, RUMP_MNT_RDONLY },
	{ "rw", true, RUMP_MNT_RDONLY },
	{ "auto", false, 0 },
	{ "coredump", true, RUMP_MNT_NOCOREDUMP },
	{ "dev", true, RUMP_MNT_NODEV },
	{ "exec", true, RUMP_MNT_NOEXEC },
	{ "suid", true, RUMP_MNT_NOSUID },
	{ "rdonly", false, RUMP_MNT_RDONLY },
	{ "union", false, RUMP_MNT_UNION },
	{ "hidden", false, RUMP_MNT_IGNORE },
	{ "symperm", false, RUMP_MNT_SYMPERM },
	{ "rump", false, 0 },
	{ "async", false, RUMP_MNT_ASYNC },
	{ "sync", false, RUMP_MNT_SYNCHRONOUS },
	{ "update", false, RUMP_MNT_UPDATE },
	{ "reload", false, RUMP_MNT_RELOAD },
	{ "atime", true, RUMP_MNT_NOATIME },
	{ "relatime", false, RUMP_MNT_RELATIME },
	{ "devmtime", true, RUMP_MNT_NODEVMTIME },
	{ "force", false, RUMP_MNT_FORCE },
	{ "softdep", false, RUMP_MNT_SOFTDEP },
	{ "log", false, RUMP_MNT_LOG },
	{ "getargs", false, RUMP_MNT_GETARGS },
	{ "extattr", false, RUMP_MNT_EXTATTR },
	{ "discard", false, RUMP_MNT_DISCARD },
};

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* A mount request as the options leave it. */
struct req {
	const char	*type;
	const char	*spec;
	const char	*node;
	int		flags;
	/* tmpfs: which root attributes were given, and the limits. */
	bool		uid_set, gid_set, mode_set;
	uint32_t	uid, gid, mode;
	int64_t		size, nodes;
};

static bool verbose;

static _Noreturn void
usage(void)
{
	const char *p = program_invocation_short_name;

	fprintf(stderr, "Usage: %s [-uv] [-t type]\n"
	    "\t%s [-fruvw] [-o options] node\n"
	    "\t%s [-fruvw] [-o options] [-t type] special node\n", p, p, p);
	exit(1);
}

/* --- listing ------------------------------------------------------------- */

static void
print_mount(const struct rump_statvfs *sf)
{
	uint32_t flags = (uint32_t)sf->f_flag;
	const char *sep = " (";
	size_t i;

	printf("%s on %s type %.*s", sf->f_mntfromname, sf->f_mntonname,
	    (int)sizeof(sf->f_fstypename), sf->f_fstypename);
	for (i = 0; i < N(flagnames) && flags != 0; i++) {
		if (!(flags & flagnames[i].flag))
			continue;
		if (!flagnames[i].silent || verbose) {
			printf("%s%s", sep, flagnames[i].name);
			sep = ", ";
		}
		flags &= ~flagnames[i].flag;
	}
	if (flags != 0) {
		printf("%sunknown flag%s %#x", sep,
		    (flags & (flags - 1)) ? "s" : "", flags);
		sep = ", ";
	}
	/* The owner is a uid of the server's kernel: no host name for it. */
	if (sf->f_owner != 0) {
		printf("%smounted by %u", sep, sf->f_owner);
		sep = ", ";
	}
	if (!verbose) {
		printf("%s\n", sep[0] == ',' ? ")" : "");
		return;
	}
	printf("%sfsid: 0x%x/0x%x", sep, (unsigned)sf->f_fsidx.fsid_val[0],
	    (unsigned)sf->f_fsidx.fsid_val[1]);
	printf(", reads: sync %" PRIu64 " async %" PRIu64,
	    sf->f_syncreads, sf->f_asyncreads);
	printf(", writes: sync %" PRIu64 " async %" PRIu64 ")\n",
	    sf->f_syncwrites, sf->f_asyncwrites);
}

static int
list_mounts(const struct vfs_list *vl)
{
	struct rump_statvfs *sf;
	int i, n;

	if ((n = mnt_getinfo(&sf)) == -1)
		errx(1, "getmntinfo: %s", rump_strerror(errno));
	for (i = 0; i < n; i++)
		if (vfs_list_has(vl, sf[i].f_fstypename))
			print_mount(&sf[i]);
	free(sf);
	return 0;
}

/* The newest mount whose special or node is name; NULL if none. */
static struct rump_statvfs *
find_mount(const char *name, struct rump_statvfs *sf, int n)
{
	for (int i = n - 1; i >= 0; i--)
		if (strcmp(sf[i].f_mntfromname, name) == 0 ||
		    strcmp(sf[i].f_mntonname, name) == 0)
			return &sf[i];
	return NULL;
}

/* --- options ------------------------------------------------------------- */

/*
 * NetBSD's dehumanize_number(3): digits and an optional b, k, m or g.
 * Returns 0 or a NetBSD errno, for NetBSD's message.
 */
static int
parse_size(const char *s, int64_t *out)
{
	size_t len = strlen(s), end = len;
	int64_t mult = 1;
	long long v;
	char *ep;

	if (len == 0)
		return RUMP_EINVAL;
	switch (tolower((unsigned char)s[len - 1])) {
	case 'b': mult = 1; end--; break;
	case 'k': mult = 1024; end--; break;
	case 'm': mult = 1024 * 1024; end--; break;
	case 'g': mult = 1024 * 1024 * 1024; end--; break;
	default:
		if (isalpha((unsigned char)s[len - 1]))
			return RUMP_EINVAL;
	}
	errno = 0;
	v = strtoll(s, &ep, 10);
	if (ep == s || ep != s + end)
		return RUMP_EINVAL;
	if (errno == ERANGE || v > INT64_MAX / mult || v < INT64_MIN / mult)
		return RUMP_ERANGE;
	*out = v * mult;
	return 0;
}

/* A fraction of the server's memory (hw.physmem64), as ram/N or ram%N. */
static int64_t
ram_part(const char *arg, bool percent)
{
	int mib[2] = { RUMP_CTL_HW, RUMP_HW_PHYSMEM64 };
	uint64_t ram;
	size_t len = sizeof(ram);
	char *ep;
	double v;
	float f;

	f = strtof(arg, &ep);
	if (*ep != '\0')
		errx(1, "syntax error in ram %s: ram%s%s at %s",
		    percent ? "percentage" : "fraction", percent ? "%" : "/",
		    arg, ep);
	/* Written so that NaN fails too. */
	if (percent && !(f > 0.0f && f < 100.0f))
		errx(1, "ram percentage must be a between 0 and 100 ram%%%s",
		    arg);
	if (!percent && !(f > 0.0f))
		errx(1, "ram fraction must be a positive number: ram/%s", arg);
	if (rump_sys___sysctl(mib, 2, &ram, &len, NULL, 0) == -1)
		errx(1, "can't get \"hw.physmem64\": %s", rump_strerror(errno));
	v = (double)ram * (percent ? f / 100.0 : 1.0 / f);
	/* ram/1e-30 asks for more than any size: the most there is. */
	return v < 9.2e18 ? (int64_t)v : INT64_MAX;
}

static uint32_t
parse_id(const char *s, const char *what)
{
	char *ep;
	long v;

	errno = 0;
	v = strtol(s, &ep, 0);
	if (*ep != '\0' || ep == s || v < 0 || v > UINT32_MAX - 1 ||
	    errno != 0)
		errx(1, "unknown %s id: %s", what, s);
	return (uint32_t)v;
}

static uint32_t
parse_mode(const char *s)
{
	char *ep;
	long v;

	v = strtol(s, &ep, 8);
	if (ep == s || *ep != '\0' || v < 0 || v > 07777)
		errx(1, "invalid file mode: %s", s);
	return (uint32_t)v;
}

/*
 * A tmpfs value option: key is the word (size, mode, uid, gid, nodes)
 * or NetBSD's mount_tmpfs letter (-s, -m, -u, -g, -n).  False if key
 * is neither.
 */
static bool
tmpfs_value(struct req *r, const char *key, const char *val)
{
	int e;

	if (strcmp(key, "size") == 0 || strcmp(key, "-s") == 0) {
		if (strncmp(val, "ram/", 4) == 0)
			r->size = ram_part(val + 4, false);
		else if (strncmp(val, "ram%", 4) == 0)
			r->size = ram_part(val + 4, true);
		else if ((e = parse_size(val, &r->size)) != 0)
			errx(1, "failed to parse size `%s': %s", val,
			    rump_strerror(e));
	} else if (strcmp(key, "nodes") == 0 || strcmp(key, "-n") == 0) {
		if ((e = parse_size(val, &r->nodes)) != 0)
			errx(1, "failed to parse nodes `%s': %s", val,
			    rump_strerror(e));
	} else if (strcmp(key, "mode") == 0 || strcmp(key, "-m") == 0) {
		r->mode = parse_mode(val);
		r->mode_set = true;
	} else if (strcmp(key, "uid") == 0 || strcmp(key, "-u") == 0) {
		r->uid = parse_id(val, "user");
		r->uid_set = true;
	} else if (strcmp(key, "gid") == 0 || strcmp(key, "-g") == 0) {
		r->gid = parse_id(val, "group");
		r->gid_set = true;
	} else
		return false;
	return true;
}

/* A flag word, as NetBSD's getmntopts(3) reads it. */
static void
flag_word(struct req *r, char *opt)
{
	bool neg = opt[0] == 'n' && opt[1] == 'o';
	char *eq;
	size_t i;

	if (neg)
		opt += 2;
	if ((eq = strchr(opt, '=')) != NULL)
		*eq = '\0';	/* a value after a flag word is ignored */
	for (i = 0; i < N(mntopts); i++)
		if (strcasecmp(opt, mntopts[i].name) == 0)
			break;
	if (i == N(mntopts))
		errx(1, "-o %s: option not supported", opt);
	if (neg == mntopts[i].inverse)
		r->flags |= mntopts[i].flag;
	else
		r->flags &= ~mntopts[i].flag;
}

/*
 * Apply one comma-separated option string.  As NetBSD's mount(8)
 * passes them on, "rw" is dropped (so a later -r or "ro" wins) and
 * "-x=value" is a mount_TYPE option.
 */
static void
apply_options(struct req *r, const char *opts)
{
	char *buf, *s, *word, *eq;

	if ((buf = strdup(opts)) == NULL)
		err(1, "strdup");
	for (s = buf; (word = strsep(&s, ",")) != NULL;) {
		if (*word == '\0' || strcmp(word, "rw") == 0)
			continue;
		eq = strchr(word, '=');
		if (eq != NULL && strcmp(r->type, RUMP_MOUNT_TMPFS) == 0) {
			*eq = '\0';
			if (tmpfs_value(r, word, eq + 1))
				continue;
			*eq = '=';
		}
		if (word[0] == '-')
			errx(1, "-o %s: option not supported", word);
		flag_word(r, word);
	}
	free(buf);
}

/* --- mounting ------------------------------------------------------------ */

static int
mount_tmpfs(struct req *r)
{
	struct rump_tmpfs_args ta;
	struct rump_stat st;

	memset(&ta, 0, sizeof(ta));
	ta.ta_version = RUMP_TMPFS_ARGS_VERSION;
	ta.ta_size_max = r->size;
	ta.ta_nodes_max = (uint64_t)r->nodes;
	/* The root takes the covered directory's owner and mode by default. */
	if (rump_sys_stat(r->node, (struct stat *)(void *)&st) == -1)
		errx(1, "cannot stat `%s': %s", r->node, rump_strerror(errno));
	ta.ta_root_uid = r->uid_set ? r->uid : st.st_uid;
	ta.ta_root_gid = r->gid_set ? r->gid : st.st_gid;
	ta.ta_root_mode = r->mode_set ? r->mode : st.st_mode;
	if (rump_sys_mount(RUMP_MOUNT_TMPFS, r->node, r->flags, &ta,
	    sizeof(ta)) == -1)
		errx(1, "tmpfs on %s: %s", r->node, rump_strerror(errno));
	if (r->flags & RUMP_MNT_GETARGS)
		printf("version=%d, size_max=%" PRIuMAX ", nodes_max=%"
		    PRIuMAX ", root_uid=%u, root_gid=%u, root_mode=%o\n",
		    ta.ta_version, (uintmax_t)ta.ta_size_max,
		    (uintmax_t)ta.ta_nodes_max, ta.ta_root_uid,
		    ta.ta_root_gid, ta.ta_root_mode);
	return 0;
}

static int
mount_ffs(struct req *r)
{
	struct rump_ufs_args ua = { .fspec = (char *)r->spec };
	const char *cause;

	if (rump_sys_mount(RUMP_MOUNT_FFS, r->node, r->flags, &ua,
	    sizeof(ua)) == 0)
		return 0;
	switch (errno) {
	case RUMP_EMFILE:
		cause = "mount table full";
		break;
	case RUMP_EINVAL:
		cause = (r->flags & RUMP_MNT_UPDATE) ?
		    "specified device does not match mounted device" :
		    "incorrect super block";
		break;
	default:
		cause = rump_strerror(errno);
	}
	errx(1, "%s on %s: %s", r->spec, r->node, cause);
}

static int
mount_one(struct req *r, const char *options)
{
	struct rump_statvfs sf;
	bool getargs = options != NULL && strstr(options, "getargs") != NULL;

	if (options != NULL)
		apply_options(r, options);
	/* "/" is always there: mounting on it means updating it. */
	if (!getargs && strcmp(r->node, "/") == 0 &&
	    !(r->flags & RUMP_MNT_UNION))
		r->flags |= RUMP_MNT_UPDATE;
	if (strcmp(r->type, RUMP_MOUNT_TMPFS) == 0)
		mount_tmpfs(r);
	else if (strcmp(r->type, RUMP_MOUNT_FFS) == 0)
		mount_ffs(r);
	else
		errx(1, "mount_%s not found for %s", r->type, r->node);
	if (verbose && !(r->flags & RUMP_MNT_GETARGS)) {
		if (rump_sys_statvfs1(r->node, (void *)&sf, RUMP_ST_WAIT) == -1)
			errx(1, "statvfs %s: %s", r->node,
			    rump_strerror(errno));
		statvfs_terminate(&sf);
		print_mount(&sf);
	}
	return 0;
}

/* Join -o strings the way NetBSD's catopt does. */
static void
add_option(char **sp, const char *o)
{
	char *n;

	if (*sp == NULL)
		n = strdup(o);
	else if (asprintf(&n, "%s,%s", *sp, o) == -1)
		n = NULL;
	if (n == NULL)
		err(1, "out of memory");
	free(*sp);
	*sp = n;
}

/* rump.mount -u node: the mount's own special and type. */
static int
update_by_name(struct req *r, const char *name, char *options)
{
	struct rump_statvfs *sf, *m;
	int n;

	if ((n = mnt_getinfo(&sf)) == -1)
		errx(1, "getmntinfo: %s", rump_strerror(errno));
	if ((m = find_mount(name, sf, n)) == NULL)
		errx(1, "Unknown special file or file system `%s'", name);
	r->spec = m->f_mntfromname;
	r->node = m->f_mntonname;
	r->type = m->f_fstypename;
	mount_one(r, options);
	free(sf);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct req r = { .type = RUMP_MOUNT_FFS };
	struct vfs_list vl, *vlp = NULL;
	struct rump_statvfs sf;
	char *options = NULL;
	int ch, rv, initflags = 0;
	bool typeset = false;

	opterr = 0;
	while ((ch = getopt(argc, argv, "+fo:rt:uvw")) != -1) {
		switch (ch) {
		case 'f':
			initflags |= RUMP_MNT_FORCE;
			break;
		case 'o':
			if (*optarg != '\0')
				add_option(&options, optarg);
			break;
		case 'r':
			initflags |= RUMP_MNT_RDONLY;
			break;
		case 't':
			if (typeset)
				errx(1, "Only one -t option may be specified.");
			typeset = true;
			vfs_list_make(&vl, optarg);
			vlp = &vl;
			r.type = optarg;
			break;
		case 'u':
			initflags |= RUMP_MNT_UPDATE;
			break;
		case 'v':
			verbose = true;
			break;
		case 'w':
			initflags &= ~RUMP_MNT_RDONLY;
			break;
		default:
			if (optopt != 'h')
				warnx("unknown option -- %c", optopt);
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 2 || (argc == 1 && typeset))
		usage();
	/* -f, -r and -u reach the options as mount(8) passes them on. */
	if (initflags & RUMP_MNT_FORCE)
		add_option(&options, "force");
	if (initflags & RUMP_MNT_RDONLY)
		add_option(&options, "ro");
	if (initflags & RUMP_MNT_UPDATE)
		add_option(&options, "update");

	if (rumpclient_init() == -1)
		err(1, "init failed");
	if (argc == 0)
		rv = list_mounts(vlp);
	else if (argc == 1) {
		if (!(initflags & RUMP_MNT_UPDATE))
			errx(1, "Unknown special file or file system `%s'",
			    argv[0]);
		rv = update_by_name(&r, argv[0], options);
	} else {
		r.spec = argv[0];
		r.node = argv[1];
		/* An update keeps the type it has unless -t says. */
		if ((initflags & RUMP_MNT_UPDATE) && !typeset &&
		    rump_sys_statvfs1(r.node, (void *)&sf, RUMP_ST_WAIT) == 0) {
			statvfs_terminate(&sf);
			r.type = sf.f_fstypename;
		}
		rv = mount_one(&r, options);
	}
	free(options);
	return rv;
}
