/* t_modundef: calls a function no kernel library defines. */
#include "kern/module.h"

MODULE(MODULE_CLASS_MISC, t_modundef, NULL);

int	t_no_such_kernel_function(void);

static int
t_modundef_modcmd(modcmd_t cmd, void *arg)
{
	(void)arg;
	if (cmd == MODULE_CMD_INIT)
		return t_no_such_kernel_function();
	return 0;
}
