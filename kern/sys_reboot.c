/*
 * sys_reboot.c: reboot(2), the way a rump kernel is halted from
 * inside (rump.halt sends it over sysproxy).
 *
 * Only the superuser may halt.  With RB_STRING the boot string is
 * read (at most 128 bytes) and otherwise ignored, as a rump kernel
 * boots nothing.  cpu_reboot() (kern/init.c) does the rest and does
 * not come back: the process exits, dumps core, or sleeps (RB_HALT).
 */
#include "kern/sys_kern.h"

#define BOOTSTR_MAX	128

int
sys_reboot(struct lwp *l, const void *args, register_t *retval)
{
	int howto = SARG_INT(args, 0), error;
	char bootstr[BOOTSTR_MAX];

	(void)retval;
	if (!cred_isroot(l->l_cred))
		return EPERM;
	if ((howto & RUMP_RB_STRING) &&
	    (error = copyinstr(SARG_PTR(args, 1), bootstr, sizeof(bootstr),
	    NULL)) != 0)
		return error;
	return cpu_reboot(howto);
}
