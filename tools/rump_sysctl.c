/*
 * rump.sysctl: read and write the sysctl tree of the rump kernel
 * server named by RUMP_SERVER (rump.sysctl(8)), as NetBSD's sysctl(8).
 *
 * Names become numbers the way NetBSD's sysctlgetmibinfo(3) makes
 * them: one CTL_QUERY per level asks the server for a node's children
 * (struct rump_sysctlnode records) and the component is matched by
 * name or number.  -a walks the whole tree the same way.  Output,
 * messages and exit codes are NetBSD's:
 *
 *	kern.ostype = NetBSD			read
 *	kern.hostname: old -> new		write
 *	rump.sysctl: second level name 'foo' in 'kern.foo' is invalid
 *
 * Single-threaded: the option flags and the name being printed are
 * file-level state (struct state), touched by nothing else.
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rumpclient.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>
#include <rump/rumperr.h>

#define CTL_MAXNAME	RUMP_CTL_MAXNAME
#define NAMEMAX		(RUMP_SYSCTL_NAMELEN * CTL_MAXNAME + CTL_MAXNAME)
#define TYPE(f)		((f) & RUMP_CTLTYPE_MASK)
#define MAXCHILDREN	100000		/* a larger answer is nonsense */
#define MAXVALUE	(16 << 20)	/* the same for a value's size */
#define MIN(a, b)	((a) < (b) ? (a) : (b))

/* Node flags beyond rumpdefs.h (sys/sysctl.h). */
#define CTLFLAG_HEX		0x00001000
#define CTLFLAG_HIDDEN		0x00008000
#define CTLFLAG_ALIAS		0x00010000
#define CTLFLAG_UNSIGNED	0x00080000

enum show { SHOW_VALUE, SHOW_OLD, SHOW_NEW };

static struct state {
	bool	Aflag, aflag, nflag, qflag, rflag, wflag, xflag;
	const char *eq;		/* between name and value: " = " or "=" */
	char	sep;		/* '.' or '/', as the name was written */
	bool	req;		/* printing what was asked for by name */
	int	errs;
	FILE	*warnfp;
	char	gsname[NAMEMAX];	/* the name being printed */
} S = { .eq = " = ", .sep = '.' };

static const char *const lname[CTL_MAXNAME] = {
	"top", "second", "third", "fourth", "fifth", "sixth",
	"seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"
};

static _Noreturn void
usage(void)
{
	const char *p = program_invocation_short_name;

	fprintf(stderr, "usage:\t%s [-enq] [-x|-r] variable ...\n"
	    "\t%s [-en] [-q] -w variable=value ...\n"
	    "\t%s [-en] -a\n"
	    "\t%s [-en] -A\n", p, p, p, p);
	exit(1);
}

/* A message, counted as an error, on stderr (stdout with -A). */
static void __attribute__((format(printf, 1, 2)))
sysctl_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(S.warnfp, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(S.warnfp, fmt, ap);
	va_end(ap);
	S.errs++;
}

/*
 * A failed read or write of S.gsname.  Soft failures (reading while
 * walking the tree) of the "not there" kind are reported only for
 * names asked for; a hard failure ends the program.
 */
static void
sysctl_error(int error, bool soft)
{
	if (soft) {
		switch (error) {
		case RUMP_ENOENT:
		case RUMP_ENOPROTOOPT:
		case RUMP_ENOTDIR:
		case RUMP_EINVAL:
		case RUMP_EOPNOTSUPP:
		case RUMP_EPROTONOSUPPORT:
			if (S.Aflag || S.req)
				sysctl_warn("%s: the value is not available "
				    "(%s)\n", S.gsname, rump_strerror(error));
			return;
		}
	}
	if (S.Aflag || S.req)
		sysctl_warn("%s: %s\n", S.gsname, rump_strerror(error));
	if (!soft)
		exit(1);
}

/* --- the tree, learned from the server ------------------------------------ */

/*
 * The children of the node at mib[0..len-1], in a malloc'd array.
 * Returns the count, or -1 with a NetBSD errno in errno.
 */
static int
query_children(int *mib, unsigned len, struct rump_sysctlnode **out)
{
	struct rump_sysctlnode q, *buf;
	size_t sz, alloc;
	int tries;

	memset(&q, 0, sizeof(q));
	q.sysctl_flags = RUMP_SYSCTL_VERSION;
	mib[len] = RUMP_CTL_QUERY;
	for (tries = 0; tries < 100; tries++) {
		sz = 0;
		if (rump_sys___sysctl(mib, len + 1, NULL, &sz, &q,
		    sizeof(q)) == -1)
			return -1;
		if (sz > MAXCHILDREN * sizeof(*buf))
			break;
		alloc = sz + sizeof(*buf);	/* room for one more */
		if ((buf = malloc(alloc)) == NULL)
			err(1, "malloc");
		sz = alloc;
		if (rump_sys___sysctl(mib, len + 1, buf, &sz, &q,
		    sizeof(q)) == 0) {
			*out = buf;
			return (int)(MIN(sz, alloc) / sizeof(*buf));
		}
		free(buf);
		if (errno != RUMP_ENOMEM)
			return -1;
		/* more than one appeared between the two calls: again */
	}
	errno = RUMP_EPROTO;
	return -1;
}

/*
 * Add a component to S.gsname, after the separator if sep.  A name
 * from the server fills its 32 bytes at most, NUL or not.
 */
static void
append_name(bool sep, const char *name)
{
	size_t l = strlen(S.gsname);

	snprintf(S.gsname + l, sizeof(S.gsname) - l, "%s%.*s",
	    sep ? (char[]){ S.sep, '\0' } : "", RUMP_SYSCTL_NAMELEN, name);
}

/* A number as a name component: decimal, octal or hex; -1 if not. */
static bool
component_number(const char *s, int *np)
{
	long long v;
	char *ep;

	errno = 0;
	v = strtoll(s, &ep, 0);
	if (ep == s || *ep != '\0' || errno != 0 || v < INT32_MIN ||
	    v > UINT32_MAX)
		return false;
	*np = (int)v;
	return true;
}

/*
 * Name to MIB, as sysctlgetmibinfo(3).  On success *node is the node
 * named and S.gsname its canonical name.  On failure *lenp is the
 * level that failed and S.gsname that level's component.
 */
static int
resolve(const char *name, int *mib, unsigned *lenp,
    struct rump_sysctlnode *node)
{
	struct rump_sysctlnode *kids;
	char token[RUMP_SYSCTL_NAMELEN];
	const char *piece = name, *dot;
	unsigned nl = 0;
	int i, n, num;
	bool isnum;

	memset(node, 0, sizeof(*node));
	node->sysctl_flags = RUMP_SYSCTL_VERSION | RUMP_CTLTYPE_NODE;
	S.gsname[0] = '\0';
	if (*piece == S.sep) {
		append_name(true, "");
		piece++;
	}
	while (piece != NULL && *piece != '\0') {
		dot = strchr(piece, S.sep);
		n = dot != NULL ? (int)(dot - piece) : (int)strlen(piece);
		if (n >= (int)sizeof(token)) {
			snprintf(S.gsname, sizeof(S.gsname), "%.*s", n, piece);
			*lenp = nl;
			return RUMP_ENAMETOOLONG;
		}
		memcpy(token, piece, (size_t)n);
		token[n] = '\0';
		isnum = component_number(token, &num);
		if (TYPE(node->sysctl_flags) != RUMP_CTLTYPE_NODE) {
			snprintf(S.gsname, sizeof(S.gsname), "%s", token);
			*lenp = nl;
			return RUMP_ENOTDIR;
		}
		if ((n = query_children(mib, nl, &kids)) == -1) {
			snprintf(S.gsname, sizeof(S.gsname), "%s", token);
			*lenp = nl;
			return errno;
		}
		for (i = 0; i < n; i++)
			if ((isnum && kids[i].sysctl_num == num) ||
			    strncmp(kids[i].sysctl_name, token,
			    RUMP_SYSCTL_NAMELEN) == 0)
				break;
		if (i == n) {
			free(kids);
			snprintf(S.gsname, sizeof(S.gsname), "%s", token);
			*lenp = nl;
			return RUMP_ENOENT;
		}
		*node = kids[i];
		free(kids);
		append_name(nl > 0, node->sysctl_name);
		mib[nl++] = node->sysctl_num;
		piece = dot != NULL ? dot + 1 : NULL;
		if (nl == CTL_MAXNAME) {
			snprintf(S.gsname, sizeof(S.gsname), "%s", token);
			*lenp = nl;
			return RUMP_ERANGE;
		}
	}
	*lenp = nl;
	if (nl == 0) {
		S.gsname[0] = '\0';	/* no component to name */
		return RUMP_EINVAL;
	}
	return 0;
}

/* --- showing values ------------------------------------------------------ */

/* "name = " before a value, "name: " before an old one; -n: neither. */
static bool
show_name(enum show how)
{
	if (S.qflag || ((S.nflag || S.rflag) && how == SHOW_OLD))
		return false;
	if (!S.nflag && !S.rflag) {
		if (how == SHOW_VALUE)
			printf("%s%s", S.gsname, S.eq);
		else if (how == SHOW_OLD)
			printf("%s: ", S.gsname);
	}
	return true;
}

static void
show_end(enum show how)
{
	printf(how == SHOW_OLD ? " -> " : "\n");
}

static void
show_number(const struct rump_sysctlnode *node, const void *data, size_t sz,
    enum show how)
{
	uint32_t flags = node->sysctl_flags;
	uint64_t q = 0;
	int32_t i = 0;
	uint8_t b = 0;

	if (!show_name(how))
		return;
	if (S.rflag) {
		fwrite(data, sz, 1, stdout);
		return;
	}
	switch (TYPE(flags)) {
	case RUMP_CTLTYPE_INT:
		memcpy(&i, data, sizeof(i));
		if (S.xflag)
			printf("0x%0*x", (int)sz * 2, (unsigned)i);
		else if (flags & CTLFLAG_HEX)
			printf("%#x", (unsigned)i);
		else if (flags & CTLFLAG_UNSIGNED)
			printf("%u", (unsigned)i);
		else
			printf("%d", i);
		break;
	case RUMP_CTLTYPE_BOOL:
		memcpy(&b, data, sizeof(b));
		if (S.xflag)
			printf("0x%0*x", (int)sz * 2, b);
		else if (flags & CTLFLAG_HEX)
			printf("%#x", b);
		else
			printf("%d", b);
		break;
	case RUMP_CTLTYPE_QUAD:
		memcpy(&q, data, sizeof(q));
		if (S.xflag)
			printf("0x%0*" PRIx64, (int)sz * 2, q);
		else if (flags & CTLFLAG_HEX)
			printf("%#" PRIx64, q);
		else
			printf("%" PRIu64, q);
		break;
	}
	show_end(how);
}

static void
show_string(const struct rump_sysctlnode *node, const char *data, size_t sz,
    enum show how)
{
	size_t i;

	if (!show_name(how))
		return;
	if (S.rflag) {
		fwrite(data, sz, 1, stdout);
		return;
	}
	if (S.xflag || (node->sysctl_flags & CTLFLAG_HEX)) {
		for (i = 0; i < sz && data[i] != '\0'; i++)
			printf(S.xflag ? "%02x" : "\\x%2.2x",
			    (unsigned char)data[i]);
		if (S.xflag && i < sz)
			printf("00");
	} else
		printf("%.*s", (int)strnlen(data, sz), data);
	show_end(how);
}

/* Structures this program has no format for: only -x or -r show them. */
static void
show_struct(const unsigned char *data, size_t sz)
{
	size_t i;

	if (S.qflag)
		return;
	if (!S.xflag && !S.rflag) {
		if (S.Aflag || S.req)
			sysctl_warn("%s: this type is unknown to this "
			    "program\n", S.gsname);
		return;
	}
	if (!show_name(SHOW_VALUE))
		return;
	if (S.rflag) {
		fwrite(data, sz, 1, stdout);
		return;
	}
	for (i = 0; i < sz && i < 16; i++)
		printf("%02x", data[i]);
	if (sz > 16)
		printf("...(%zu more bytes)", sz - 16);
	printf("\n");
}

/* Read a leaf into a malloc'd buffer (*sz bytes to start). */
static void *
read_leaf(int *mib, unsigned len, size_t *sz, int *error)
{
	size_t alloc;
	void *buf;

	for (int tries = 0; tries < 100 && *sz <= MAXVALUE; tries++) {
		alloc = *sz > 0 ? *sz : 1;
		if ((buf = calloc(1, alloc)) == NULL)
			err(1, "malloc");
		*sz = alloc;
		if (rump_sys___sysctl(mib, len, buf, sz, NULL, 0) == 0) {
			*sz = MIN(*sz, alloc);
			return buf;
		}
		free(buf);
		if (errno != RUMP_ENOMEM) {
			*error = errno;
			return NULL;
		}
	}
	*error = RUMP_EPROTO;
	return NULL;
}

static void print_tree(int *mib, unsigned len,
    const struct rump_sysctlnode *node, bool add);

static void
print_children(int *mib, unsigned len, const struct rump_sysctlnode *node)
{
	struct rump_sysctlnode *kids;
	int i, n;

	if ((n = query_children(mib, len, &kids)) == -1) {
		sysctl_error(errno, true);
		return;
	}
	if (n == 0 && (S.Aflag || S.req))
		printf("%s: no children\n", S.gsname);
	(void)node;
	S.req = false;
	for (i = 0; i < n; i++) {
		if ((kids[i].sysctl_flags & CTLFLAG_HIDDEN) && !S.Aflag)
			continue;
		mib[len] = kids[i].sysctl_num;
		print_tree(mib, len + 1, &kids[i], true);
	}
	free(kids);
}

/* Print a node: a leaf's value, or every leaf below a node. */
static void
print_tree(int *mib, unsigned len, const struct rump_sysctlnode *node,
    bool add)
{
	char *end = S.gsname + strlen(S.gsname);
	uint32_t type = TYPE(node->sysctl_flags);
	size_t sz = node->sysctl_size;
	void *data;
	int error = 0;

	if (add && len > 0)
		append_name(len > 1, node->sysctl_name);
	/* An alias met while walking is shown under its own name only. */
	if ((node->sysctl_flags & CTLFLAG_ALIAS) && add)
		goto out;
	if (type == RUMP_CTLTYPE_NODE) {
		print_children(mib, len, node);
		goto out;
	}
	if (type == RUMP_CTLTYPE_INT)
		sz = 4;
	else if (type == RUMP_CTLTYPE_BOOL)
		sz = 1;
	else if (type == RUMP_CTLTYPE_QUAD)
		sz = 8;
	else if (type == RUMP_CTLTYPE_STRING && sz == 0)
		sz = 1024;
	if ((data = read_leaf(mib, len, &sz, &error)) == NULL) {
		sysctl_error(error, true);
		goto out;
	}
	if (sz == 0 && (S.Aflag || S.req))
		printf("%s: node contains no data\n", S.gsname);
	else if (type == RUMP_CTLTYPE_STRING)
		show_string(node, data, sz, SHOW_VALUE);
	else if (type == RUMP_CTLTYPE_STRUCT)
		show_struct(data, sz);
	else if (sz > 0)
		show_number(node, data, sz, SHOW_VALUE);
	free(data);
out:
	*end = '\0';
}

/* --- writing ------------------------------------------------------------- */

static void
write_number(int *mib, unsigned len, const struct rump_sysctlnode *node,
    const char *value)
{
	unsigned long long qi;
	uint64_t qo = 0, qnew;
	uint32_t ii, io = 0;
	uint8_t bi, bo = 0;
	void *in, *out;
	size_t si, so;
	char *t;

	errno = 0;
	qi = strtoull(value, &t, 0);
	if (qi == ULLONG_MAX && errno == ERANGE) {
		sysctl_warn("%s: %s\n", value, rump_strerror(RUMP_ERANGE));
		exit(1);
	}
	if (t == value || *t != '\0') {
		sysctl_warn("%s: not a number\n", value);
		exit(1);
	}
	switch (TYPE(node->sysctl_flags)) {
	case RUMP_CTLTYPE_INT:
		ii = (uint32_t)qi;
		if ((qi >> 32) != 0 && (qi >> 32) != 0xffffffffULL) {
			sysctl_warn("%s: %s\n", value,
			    rump_strerror(RUMP_ERANGE));
			exit(1);
		}
		in = &ii, si = sizeof(ii), out = &io, so = sizeof(io);
		break;
	case RUMP_CTLTYPE_BOOL:
		bi = qi != 0;
		in = &bi, si = sizeof(bi), out = &bo, so = sizeof(bo);
		break;
	default:
		qnew = qi;
		in = &qnew, si = sizeof(qnew), out = &qo, so = sizeof(qo);
		break;
	}
	if (rump_sys___sysctl(mib, len, out, &so, in, si) == -1) {
		sysctl_error(errno, false);
		return;
	}
	show_number(node, out, si, SHOW_OLD);
	show_number(node, in, si, SHOW_NEW);
}

static void
write_string(int *mib, unsigned len, const struct rump_sysctlnode *node,
    const char *value)
{
	size_t si = strlen(value) + 1, so = node->sysctl_size, alloc;
	char *old;

	if (si > so && so != 0) {
		sysctl_warn("%s: string too long\n", value);
		exit(1);
	}
	if (so == 0 || so > MAXVALUE)
		so = 1024;
	alloc = so;
	if ((old = calloc(1, alloc)) == NULL)
		err(1, "malloc");
	if (rump_sys___sysctl(mib, len, old, &so, value, si) == -1) {
		free(old);
		sysctl_error(errno, false);
		return;
	}
	show_string(node, old, MIN(so, alloc), SHOW_OLD);
	show_string(node, value, si, SHOW_NEW);
	free(old);
}

/* --- one argument -------------------------------------------------------- */

static void
parse(char *arg)
{
	struct rump_sysctlnode node;
	int mib[CTL_MAXNAME + 1];
	char *value, *dot;
	bool optional = false;
	unsigned len;

	S.req = true;
	if ((value = strchr(arg, '=')) != NULL) {
		if (value > arg && value[-1] == '?') {
			value[-1] = '\0';
			optional = true;
		}
		*value++ = '\0';
	}
	dot = strpbrk(arg, "./");
	S.sep = dot != NULL ? *dot : '.';
	if (resolve(arg, mib, &len, &node) != 0) {
		if (optional)
			return;
		if (S.qflag)
			S.errs++;
		else
			sysctl_warn("%s level name '%s' in '%s' is invalid\n",
			    lname[len < CTL_MAXNAME ? len : CTL_MAXNAME - 1],
			    S.gsname, arg);
		exit(1);
	}
	/* NetBSD wants -w before name=value; newer versions do not. */
	switch (value == NULL ? RUMP_CTLTYPE_NODE : TYPE(node.sysctl_flags)) {
	case RUMP_CTLTYPE_INT:
	case RUMP_CTLTYPE_BOOL:
	case RUMP_CTLTYPE_QUAD:
		write_number(mib, len, &node, value);
		break;
	case RUMP_CTLTYPE_STRING:
		write_string(mib, len, &node, value);
		break;
	default:
		/* A node or structure given a value is printed, as NetBSD. */
		print_tree(mib, len, &node, false);
	}
	S.gsname[0] = '\0';
}

int
main(int argc, char *argv[])
{
	struct rump_sysctlnode root;
	int ch, mib[CTL_MAXNAME + 1];

	S.warnfp = stderr;
	opterr = 0;
	while ((ch = getopt(argc, argv, "+Aaenqrwx")) != -1) {
		switch (ch) {
		case 'A':
			S.Aflag = true;
			break;
		case 'a':
			S.aflag = true;
			break;
		case 'e':
			S.eq = "=";
			break;
		case 'n':
			S.nflag = true;
			break;
		case 'q':
			S.qflag = true;
			break;
		case 'r':
			S.rflag = true;
			break;
		case 'w':
			S.wflag = true;
			break;
		case 'x':
			S.xflag = true;
			break;
		default:
			if (optopt != 'h')
				warnx("unknown option -- %c", optopt);
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if ((S.xflag && S.rflag) || ((S.aflag || S.Aflag) && S.qflag))
		usage();
	if (S.Aflag && argc == 0)
		S.aflag = true;
	if (!S.aflag && argc == 0)
		usage();

	if (rumpclient_init() == -1)
		err(1, "init failed");
	if (S.Aflag)
		S.warnfp = stdout;
	if (S.aflag) {
		memset(&root, 0, sizeof(root));
		root.sysctl_flags = RUMP_SYSCTL_VERSION | RUMP_CTLTYPE_NODE;
		S.req = false;
		print_tree(mib, 0, &root, true);
		return 0;
	}
	for (; *argv != NULL; argv++)
		parse(*argv);
	return S.errs != 0 ? 1 : 0;
}
