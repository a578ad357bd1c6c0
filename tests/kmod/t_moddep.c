/* t_moddep: requires a module that exists nowhere. */
#include "kern/module.h"

MODULE(MODULE_CLASS_MISC, t_moddep, "t_nosuchmod");

static int
t_moddep_modcmd(modcmd_t cmd, void *arg)
{
	(void)cmd;
	(void)arg;
	return 0;
}
