/* t_modb: requires t_moda and calls into it; INIT fails (EDOM) if the
 * answer is not what t_moda's code computes. */
#include "kern/module.h"

MODULE(MODULE_CLASS_MISC, t_modb, "t_moda");

int	t_moda_value(int);

static int
t_modb_modcmd(modcmd_t cmd, void *arg)
{
	(void)arg;
	switch (cmd) {
	case MODULE_CMD_INIT:
		/* 7 * 41 + 2 + 4 and 7 * 11 + 1 + 4 */
		if (t_moda_value(3) != 293 || t_moda_value(0) != 82)
			return EDOM;
		return 0;
	case MODULE_CMD_FINI:
		return 0;
	default:
		return ENOTTY;
	}
}
