/*
 * ffs_module.c: ffs as a kernel module (ffs.kmod, mk/modules.mk).
 * Only compiled with -DRUMP_KMOD: in librumpfs_ffs the file system
 * registers itself from a constructor instead.  INIT registers the
 * file system type, FINI removes it (EBUSY while anything is mounted).
 */
#ifdef RUMP_KMOD
#include "kern/module.h"

int	ffs_vfs_attach(void);
int	ffs_vfs_detach(void);

MODULE(MODULE_CLASS_VFS, ffs, NULL);

static int
ffs_modcmd(modcmd_t cmd, void *arg)
{
	(void)arg;
	switch (cmd) {
	case MODULE_CMD_INIT:
		return ffs_vfs_attach();
	case MODULE_CMD_FINI:
		return ffs_vfs_detach();
	default:
		return ENOTTY;
	}
}
#else
typedef int ffs_module_unused;	/* ISO C: no empty translation unit */
#endif
