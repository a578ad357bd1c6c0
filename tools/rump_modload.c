/*
 * rump.modload: load a kernel module into the rump kernel server named
 * by RUMP_SERVER (NetBSD's modload(8), through librumpclient).
 *
 *	module		a name (looked for in the kernel's module directory)
 *			or a path in the server kernel's namespace (has a /)
 *	-f		force (MODCTL_LOAD_FORCE: a module built for another
 *			kernel version)
 *	-P		ignore the module's own property list (MODCTL_NO_PROP)
 *	-b var=bool, -i var=int, -s var=string
 *			properties handed to the module's initialisation
 *	-p		print the property list instead of loading
 *
 * Properties travel as an XML property list, as prop_dictionary
 * externalises them on NetBSD.  Exit 0, or 1 with a message.
 */
#include <err.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <rump/rumpclient.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>
#include <rump/rump_types.h>
#include <rump/rumperr.h>

#define PLIST_MAX	65536

struct plist {
	char	buf[PLIST_MAX];
	size_t	len;
};

static _Noreturn void
usage(void)
{
	const char *p = program_invocation_short_name;

	fprintf(stderr, "usage: %s [-fP] [-b var=boolean] [-i var=integer] "
	    "[-s var=string] module\n"
	    "       %s -p [-b var=boolean] [-i var=integer] "
	    "[-s var=string]\n", p, p);
	exit(1);
}

static void
plist_add(struct plist *pl, const char *s)
{
	size_t n = strlen(s);

	if (pl->len + n >= sizeof(pl->buf))
		errx(1, "Failed to process properties: too long");
	memcpy(pl->buf + pl->len, s, n + 1);
	pl->len += n;
}

/* Text with the XML specials escaped. */
static void
plist_add_text(struct plist *pl, const char *s)
{
	char c[2] = { 0, 0 };

	for (; *s != '\0'; s++) {
		if (*s == '<')
			plist_add(pl, "&lt;");
		else if (*s == '>')
			plist_add(pl, "&gt;");
		else if (*s == '&')
			plist_add(pl, "&amp;");
		else {
			c[0] = *s;
			plist_add(pl, c);
		}
	}
}

/* "name=value": the name into the list as a key; returns the value. */
static const char *
plist_key(struct plist *pl, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char name[256];

	if (eq == NULL || eq == arg || (size_t)(eq - arg) >= sizeof(name))
		errx(1, "Invalid parameter `%s'", arg);
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	plist_add(pl, "\t<key>");
	plist_add_text(pl, name);
	plist_add(pl, "</key>\n");
	return eq + 1;
}

static void
add_bool(struct plist *pl, const char *arg)
{
	const char *v = plist_key(pl, arg);

	if (!strcasecmp(v, "1") || !strcasecmp(v, "true") ||
	    !strcasecmp(v, "yes"))
		plist_add(pl, "\t<true/>\n");
	else if (!strcasecmp(v, "0") || !strcasecmp(v, "false") ||
	    !strcasecmp(v, "no"))
		plist_add(pl, "\t<false/>\n");
	else
		errx(1, "Invalid boolean value `%s'", v);
}

/* Integers as dehumanize_number(3) reads them: an optional suffix
 * k, m, g, t, p, e (powers of 1024). */
static void
add_int(struct plist *pl, const char *arg)
{
	const char *v = plist_key(pl, arg), *units = "kmgtpe", *u;
	char *end, num[32];
	long long n;

	errno = 0;
	n = strtoll(v, &end, 0);
	if (end == v || errno != 0)
		errx(1, "Invalid integer value `%s'", v);
	if (*end != '\0') {
		if (end[1] != '\0' || (u = strchr(units,
		    end[0] | 0x20)) == NULL)
			errx(1, "Invalid integer value `%s'", v);
		for (long i = 0; i <= u - units; i++) {
			if (n > INT64_MAX / 1024 || n < INT64_MIN / 1024)
				errx(1, "Invalid integer value `%s'", v);
			n *= 1024;
		}
	}
	snprintf(num, sizeof(num), "%lld", n);
	plist_add(pl, "\t<integer>");
	plist_add(pl, num);
	plist_add(pl, "</integer>\n");
}

static void
add_string(struct plist *pl, const char *arg)
{
	const char *v = plist_key(pl, arg);

	plist_add(pl, "\t<string>");
	plist_add_text(pl, v);
	plist_add(pl, "</string>\n");
}

int
main(int argc, char *argv[])
{
	static struct plist pl;
	struct rump_modctl_load ml;
	bool print = false;
	int ch, flags = 0;

	plist_add(&pl, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
	    "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
	    "<plist version=\"1.0\">\n<dict>\n");
	while ((ch = getopt(argc, argv, "Pb:fi:ps:")) != -1) {
		switch (ch) {
		case 'P': flags |= RUMP_MODCTL_NO_PROP; break;
		case 'b': add_bool(&pl, optarg); break;
		case 'f': flags |= RUMP_MODCTL_LOAD_FORCE; break;
		case 'i': add_int(&pl, optarg); break;
		case 'p': print = true; break;
		case 's': add_string(&pl, optarg); break;
		default: usage();
		}
	}
	plist_add(&pl, "</dict>\n</plist>\n");
	argc -= optind;
	argv += optind;
	if (print) {
		if (argc != 0)
			usage();
		fputs(pl.buf, stdout);
		return 0;
	}
	if (argc != 1)
		usage();
	if (rumpclient_init() == -1)
		err(1, "init failed");
	ml.ml_filename = argv[0];
	ml.ml_flags = flags;
	ml.ml_props = pl.buf;
	ml.ml_propslen = pl.len;
	if (rump_sys_modctl(RUMP_MODCTL_LOAD, &ml) == -1)
		errx(1, "%s: %s", argv[0], rump_strerror(errno));
	return 0;
}
