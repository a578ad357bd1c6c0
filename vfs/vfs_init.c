/*
 * vfs_init.c: the VFS faction as a component: boot order, and what
 * halting does to file systems.
 *
 * Boot: mount table and vnode cache, the device switch, the root file
 * system with /dev, per-process cwd state (init gets "/"), then the
 * faction's system calls.  Halt: sync, then unmount everything,
 * newest first, unless RB_NOSYNC.
 */
#include "vfs/vfs.h"

static void
vfs_shutdown(int howto)
{
	if (howto & (RUMP_RB_NOSYNC | RUMP_RB_DUMP))
		return;
	kprintf("syncing disks... ");
	vfs_syncall(RUMP_MNT_WAIT);
	kprintf("done\n");
	vfs_unmountall();
	kprintf("unmounting file systems... done\n");
}

static struct shutdown_hook vfs_shutdown_hook = { vfs_shutdown, NULL };

static int
vfs_init(void)
{
	int error;

	mount_init();
	vcache_init();
	dev_init();
	if ((error = rumpfs_mountroot()) != 0)
		return error;
	cwd_init();
	if (initproc->p_cwdi == NULL &&
	    (initproc->p_cwdi = proc_vfs_hooks.cwdi_fork(NULL)) == NULL)
		return ENOMEM;
	if ((error = vfs_syscalls_init()) != 0)
		return error;
	shutdown_hook_register(&vfs_shutdown_hook);
	return 0;
}

static struct rump_component vfs_component = {
	.rc_type = RUMP_COMPONENT_VFS,
	.rc_name = "vfs",
	.rc_init = vfs_init,
};

/*
 * Referenced by the tiny object that -lrumpvfs brings into a program
 * (see the Makefile), so that linkers defaulting to --as-needed keep
 * this library even though the program calls none of its functions.
 */
const int rumpvfs_linked = 1;

__attribute__((constructor)) static void
vfs_register_component(void)
{
	rump_component_register(&vfs_component);
}

/* etfs arrives with the drives work; until then, say so clearly. */
int
rump_pub_etfs_register(const char *key, const char *hostpath,
    enum rump_etfs_type type)
{
	(void)key;
	(void)hostpath;
	(void)type;
	return EOPNOTSUPP;
}

int
rump_pub_etfs_register_withsize(const char *key, const char *hostpath,
    enum rump_etfs_type type, uint64_t begin, uint64_t size)
{
	(void)key;
	(void)hostpath;
	(void)type;
	(void)begin;
	(void)size;
	return EOPNOTSUPP;
}

int
rump_pub_etfs_remove(const char *key)
{
	(void)key;
	return EOPNOTSUPP;
}
