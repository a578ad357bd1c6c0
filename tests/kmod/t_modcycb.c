/* t_modcycb and t_modcyca require each other. */
#include "kern/module.h"

MODULE(MODULE_CLASS_MISC, t_modcycb, "t_modcyca");

static int
t_modcycb_modcmd(modcmd_t cmd, void *arg)
{
	(void)cmd;
	(void)arg;
	return 0;
}
