/*
 * vfs_init.c: the VFS faction as a component: boot order, and what
 * halting does to file systems.
 *
 * Boot: mount table and vnode cache, the device switch, the buffer
 * cache, the root file system with /dev, per-process cwd state (init
 * gets "/"), then the faction's system calls.  Halt: sync the file
 * systems and write the buffer cache (saying what could not be
 * written), unmount everything, newest first, then write what the
 * unmounts left and stop the syncer; with RB_NOSYNC or RB_DUMP only
 * the syncer is stopped.
 */
#include "vfs/etfs.h"

static void
vfs_shutdown(int howto)
{
	struct bio_stats st;
	int error;

	if (howto & (RUMP_RB_NOSYNC | RUMP_RB_DUMP)) {
		bio_shutdown(false);
		return;
	}
	kprintf("syncing disks... ");
	vfs_syncall(RUMP_MNT_WAIT);
	if ((error = bflush(NODEV)) == 0)
		kprintf("done\n");
	else {
		bio_getstats(&st);
		kprintf("giving up: %llu bytes not written: error %d\n",
		    (unsigned long long)st.bs_dirty, error);
	}
	vfs_unmountall();
	kprintf("unmounting file systems... done\n");
	bio_shutdown(true);
}

static struct shutdown_hook vfs_shutdown_hook = { vfs_shutdown, NULL };

static int
vfs_init(void)
{
	int error;

	mount_init();
	vcache_init();
	dev_init();
	bio_init();
	if ((error = rumpfs_mountroot()) != 0)
		return error;
	if ((error = etfs_init()) != 0)
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
