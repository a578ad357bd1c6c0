/*
 * rump.modunload: unload a kernel module from the rump kernel server
 * named by RUMP_SERVER (NetBSD's modunload(8), through librumpclient):
 * modctl(MODCTL_UNLOAD, name).  Exit 0, or 1 with the kernel's error
 * (EBUSY while the module is in use, ENOENT if it is not loaded).
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rump/rumpclient.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>
#include <rump/rumperr.h>

static _Noreturn void
usage(void)
{
	fprintf(stderr, "usage: %s module_name\n",
	    program_invocation_short_name);
	exit(1);
}

int
main(int argc, char *argv[])
{
	if (argc != 2 || argv[1][0] == '-')
		usage();
	if (rumpclient_init() == -1)
		err(1, "init failed");
	if (rump_sys_modctl(RUMP_MODCTL_UNLOAD, argv[1]) == -1)
		errx(1, "%s: %s", argv[1], rump_strerror(errno));
	return 0;
}
