/* t_modcyca and t_modcycb require each other. */
#include "kern/module.h"

MODULE(MODULE_CLASS_MISC, t_modcyca, "t_modcycb");

static int
t_modcyca_modcmd(modcmd_t cmd, void *arg)
{
	(void)cmd;
	(void)arg;
	return 0;
}
