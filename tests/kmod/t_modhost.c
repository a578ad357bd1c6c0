/* t_modhost: calls a host C library function that is not kernel code
 * (system(3)): the linker must not hand it out. */
#include <stdlib.h>

#include "kern/module.h"

MODULE(MODULE_CLASS_MISC, t_modhost, NULL);

static int
t_modhost_modcmd(modcmd_t cmd, void *arg)
{
	(void)arg;
	if (cmd == MODULE_CMD_INIT)
		return system("true") == 0 ? EDOM : EDOM;
	return 0;
}
