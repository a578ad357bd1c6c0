/*
 * t_modreent: INIT and FINI call back into the module code (as a
 * module that mounts something would, through autoload): EDEADLK, not
 * a hang.  INIT fails with EDOM unless each call says so.
 */
#include "kern/module.h"

MODULE(MODULE_CLASS_MISC, t_modreent, NULL);

static int
t_modreent_modcmd(modcmd_t cmd, void *arg)
{
	(void)arg;
	if (cmd == MODULE_CMD_FINI)
		return module_unload("t_modreent") == EDEADLK ? 0 : EDOM;
	if (cmd != MODULE_CMD_INIT)
		return ENOTTY;
	if (module_autoload("tmpfs", MODULE_CLASS_VFS) != EDEADLK ||
	    module_load("t_moda", 0, NULL) != EDEADLK)
		return EDOM;
	return 0;
}
