/*
 * rump.modstat: list the kernel modules of the rump kernel server named
 * by RUMP_SERVER (NetBSD's modstat(8), through librumpclient).
 *
 *	-a	say whether modules can be autoloaded (-A: the same; this
 *		kernel has no kern.module.autoload switch: always on)
 *	-e	say whether modules can be loaded
 *	-k	show each module's address
 *	-n name, or one operand: only that module
 *
 * The records come from modctl(MODCTL_STAT) (kern/modstat.h): the
 * kernel says how many bytes it needs, we ask again with room until
 * they fit.  Each record's strings are terminated before use: they
 * crossed a socket.  Exit 0, or 1 with a message.
 */
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

#include "kern/modstat.h"

#define STAT_MAX	(64u << 20)	/* more is a confused server */

static const char *const classes[] = {
	"any", "misc", "vfs", "driver", "exec", "secmodel"
};
static const char *const sources[] = { "builtin", "boot", "filesys" };
static const char *const modflags[] = { "-", "f", "a", "af" };

static _Noreturn void
usage(void)
{
	fprintf(stderr, "usage: %s [-Aaek] [-n name | name]\n",
	    program_invocation_short_name);
	exit(1);
}

/* modctl(MODCTL_EXISTS, 1 or 0) and what NetBSD's modstat says. */
static _Noreturn void
report_exists(bool autoload)
{
	if (rump_sys_modctl(RUMP_MODCTL_EXISTS,
	    (void *)(uintptr_t)(autoload ? 1 : 0)) == 0) {
		printf(autoload ? "Modules can be autoloaded.\n" :
		    "You can load modules.\n");
		exit(0);
	}
	if (errno == RUMP_ENOSYS)
		errx(1, "The kernel was compiled without options MODULAR.");
	if (errno == RUMP_EPERM)
		errx(1, autoload ? "Modules can not be autoloaded right now." :
		    "You are not allowed to load modules right now.");
	errx(1, "modctl_exists: %s", rump_strerror(errno));
}

/* Every record, malloc'd; *np of them. */
static struct rump_modstat *
fetch_stats(size_t *np)
{
	struct rump_modiovec iov;
	size_t len = 8192;
	void *buf;

	for (;;) {
		if ((buf = malloc(len)) == NULL)
			errx(1, "out of memory");
		iov.iov_base = buf;
		iov.iov_len = len;
		if (rump_sys_modctl(RUMP_MODCTL_STAT, &iov) == -1)
			errx(1, "modctl(MODCTL_STAT): %s",
			    rump_strerror(errno));
		if (iov.iov_len <= len)
			break;
		free(buf);
		if (iov.iov_len > STAT_MAX)
			errx(1, "modctl(MODCTL_STAT): %" PRIu64 " bytes is "
			    "not believable", iov.iov_len);
		len = iov.iov_len;
	}
	*np = iov.iov_len / sizeof(struct rump_modstat);
	return buf;
}

static void
terminate(struct rump_modstat *ms)
{
	ms->ms_name[sizeof(ms->ms_name) - 1] = '\0';
	ms->ms_required[sizeof(ms->ms_required) - 1] = '\0';
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct rump_modstat *)a)->ms_name,
	    ((const struct rump_modstat *)b)->ms_name);
}

static void
print_one(const struct rump_modstat *ms, int namew, bool addr)
{
	char size[16];

	if (ms->ms_size == 0)
		snprintf(size, sizeof(size), "-");
	else
		snprintf(size, sizeof(size), "%u", ms->ms_size);
	printf("%-*s %-8s %-8s %-4s %-5d ", namew, ms->ms_name,
	    (unsigned)ms->ms_class < 6 ? classes[ms->ms_class] : "UNKNOWN",
	    (unsigned)ms->ms_source < 3 ? sources[ms->ms_source] : "UNKNOWN",
	    modflags[ms->ms_flags & 3], (int)ms->ms_refcnt);
	if (addr)
		printf("%-16" PRIx64 " ", ms->ms_addr);
	printf("%-7s %s\n", size, ms->ms_required[0] ? ms->ms_required : "-");
}

int
main(int argc, char *argv[])
{
	struct rump_modstat *ms;
	const char *name = NULL;
	bool addr = false;
	char exists = 0;
	size_t n, i;
	int ch, namew = 16;

	while ((ch = getopt(argc, argv, "Aaekn:")) != -1) {
		switch (ch) {
		case 'A': case 'a': case 'e': exists = (char)ch; break;
		case 'k': addr = true; break;
		case 'n': name = optarg; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 1 && name == NULL)
		name = argv[0];
	else if (argc != 0)
		usage();

	if (rumpclient_init() == -1)
		err(1, "init failed");
	if (exists)
		report_exists(exists != 'e');
	ms = fetch_stats(&n);
	for (i = 0; i < n; i++) {
		terminate(&ms[i]);
		if ((int)strlen(ms[i].ms_name) > namew)
			namew = (int)strlen(ms[i].ms_name);
	}
	qsort(ms, n, sizeof(*ms), by_name);
	printf("%-*s %-8s %-8s %-4s %-5s ", namew, "NAME", "CLASS", "SOURCE",
	    "FLAG", "REFS");
	if (addr)
		printf("%-16s ", "ADDRESS");
	printf("%-7s %s \n", "SIZE", "REQUIRES");
	for (i = 0; i < n; i++)
		if (name == NULL || strcmp(ms[i].ms_name, name) == 0)
			print_one(&ms[i], namew, addr);
	free(ms);
	return 0;
}
