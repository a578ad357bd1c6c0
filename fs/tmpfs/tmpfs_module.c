/*
 * tmpfs_module.c: tmpfs as a kernel module (tmpfs.kmod, mk/modules.mk).
 * Only compiled with -DRUMP_KMOD: in librumpfs_tmpfs the file system
 * registers itself from a constructor instead.  INIT registers the
 * file system type, FINI removes it (EBUSY while anything is mounted).
 */
#ifdef RUMP_KMOD
#include "kern/module.h"

int	tmpfs_vfs_attach(void);
int	tmpfs_vfs_detach(void);

MODULE(MODULE_CLASS_VFS, tmpfs, NULL);

static int
tmpfs_modcmd(modcmd_t cmd, void *arg)
{
	(void)arg;
	switch (cmd) {
	case MODULE_CMD_INIT:
		return tmpfs_vfs_attach();
	case MODULE_CMD_FINI:
		return tmpfs_vfs_detach();
	default:
		return ENOTTY;
	}
}
#else
typedef int tmpfs_module_unused;	/* ISO C: no empty translation unit */
#endif
