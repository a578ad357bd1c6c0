/*
 * t_modpic: built -fPIC in the small code model (mk/modules.mk), so its
 * calls into the kernel are R_X86_64_PLT32 (the linker's stubs) and its
 * reads of kernel data go through the GOT (GOTPCRELX): INIT fails with
 * EDOM unless each of them reached the right place.
 */
#include "kern/module.h"

MODULE(MODULE_CLASS_MISC, t_modpic, NULL);

static int inits;

static int
t_modpic_modcmd(modcmd_t cmd, void *arg)
{
	char *p;
	int ok;

	(void)arg;
	if (cmd != MODULE_CMD_INIT)
		return 0;
	if ((p = kmem_zalloc(64, KM_SLEEP)) == NULL)
		return ENOMEM;
	memset(p, 7, 63);
	ok = p[62] == 7 && p[63] == 0 && strlen(p) == 63;
	kmem_free(p, 64);
	inits++;
	return ok && ncpu >= 1 && cpus != NULL && inits >= 1 ? 0 : EDOM;
}
