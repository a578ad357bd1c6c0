/* t_modctor: built without -DRUMP_KMOD, so it keeps an ELF constructor
 * (as a component library would): the linker refuses it. */
#include "kern/module.h"

MODULE(MODULE_CLASS_MISC, t_modctor, NULL);

static int registered;

__attribute__((constructor)) static void
t_modctor_register(void)
{
	registered = 1;
}

static int
t_modctor_modcmd(modcmd_t cmd, void *arg)
{
	(void)cmd;
	(void)arg;
	return registered ? 0 : EINVAL;
}
