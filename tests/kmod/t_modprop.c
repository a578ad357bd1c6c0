/* t_modprop: INIT wants the property list modctl was given to carry
 * <key>magic</key> (EINVAL otherwise), as a module reads its options. */
#include "kern/module.h"

MODULE(MODULE_CLASS_MISC, t_modprop, NULL);

static int
t_modprop_modcmd(modcmd_t cmd, void *arg)
{
	const char *props = arg;

	if (cmd != MODULE_CMD_INIT)
		return 0;
	if (props == NULL || strstr(props, "<key>magic</key>") == NULL)
		return EINVAL;
	return 0;
}
