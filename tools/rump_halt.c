/*
 * rump.halt: halt the rump kernel server named by RUMP_SERVER, by
 * calling reboot(2) in it through librumpclient (rump.halt(1)).
 *
 *	-d	dump core (RB_DUMP): the server aborts
 *	-h	halt (RB_HALT): the server stops serving but stays
 *	-n	no sync (RB_NOSYNC): file systems are not synced first
 *
 * Exit 0 once the server has acknowledged the reboot; 1 with a message
 * if no server answers or the reboot is refused.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rump/rumpclient.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>
#include <rump/rumperr.h>

static _Noreturn void
usage(void)
{
	fprintf(stderr, "usage: %s [-dhn]\n", program_invocation_short_name);
	exit(1);
}

int
main(int argc, char *argv[])
{
	int ch, flags = 0;

	while ((ch = getopt(argc, argv, "dhn")) != -1) {
		switch (ch) {
		case 'd':
			flags |= RUMP_RB_DUMP;
			break;
		case 'h':
			flags |= RUMP_RB_HALT;
			break;
		case 'n':
			flags |= RUMP_RB_NOSYNC;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	if (rumpclient_init() == -1)
		err(1, "init failed");
	/* errno from a rump_sys call is NetBSD's: print NetBSD's text. */
	if (rump_sys_reboot(flags, NULL) == -1)
		errx(1, "reboot: %s", rump_strerror(errno));
	return 0;
}
