/* t_modname: a module whose name is longer than MAXMODNAME - 1. */
#include "kern/module.h"

static int t_modname_modcmd(modcmd_t, void *);

const struct modinfo rump_modinfo = {
	.mi_version = MODULE_VERSION,
	.mi_class = MODULE_CLASS_MISC,
	.mi_modcmd = t_modname_modcmd,
	.mi_name = "t_modname_is_much_too_long_for_modstat",
	.mi_required = NULL,
};

static int
t_modname_modcmd(modcmd_t cmd, void *arg)
{
	(void)cmd;
	(void)arg;
	return 0;
}
