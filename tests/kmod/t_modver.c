/* t_modver: built for another kernel version (EPROGMISMATCH unless
 * forced). */
#include "kern/module.h"

static int t_modver_modcmd(modcmd_t, void *);

const struct modinfo rump_modinfo = {
	.mi_version = 600000000,
	.mi_class = MODULE_CLASS_MISC,
	.mi_modcmd = t_modver_modcmd,
	.mi_name = "t_modver",
	.mi_required = NULL,
};

static int
t_modver_modcmd(modcmd_t cmd, void *arg)
{
	(void)cmd;
	(void)arg;
	return 0;
}
