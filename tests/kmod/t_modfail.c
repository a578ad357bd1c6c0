/* t_modfail: INIT allocates, frees and fails with EIO. */
#include "kern/module.h"

MODULE(MODULE_CLASS_MISC, t_modfail, NULL);

static int
t_modfail_modcmd(modcmd_t cmd, void *arg)
{
	void *p;

	(void)arg;
	if (cmd != MODULE_CMD_INIT)
		return cmd == MODULE_CMD_FINI ? 0 : ENOTTY;
	if ((p = kmem_alloc(4096, KM_SLEEP)) != NULL)
		kmem_free(p, 4096);
	return EIO;
}
