/*
 * tmpfs_vfsops.c: tmpfs, a file system kept in kernel memory.
 *
 * Layers (each file's first comment says more):
 *   tmpfs_vfsops.c  mount, unmount, statvfs, loading vnodes, the
 *                   mount's limits and registration (this file)
 *   tmpfs_vnops.c   the vnode operations the VFS calls
 *   tmpfs_node.c    nodes: allocation, freeing, timestamps
 *   tmpfs_dir.c     directory entries, cookies and getdents
 *   tmpfs_pages.c   file data: a radix tree of 4096-byte pages
 * Below: the VFS (vfs/vfs.h: vcache_get, vfs_dirent_put,
 * vfs_timestamp) and kmem_alloc, from which every byte comes, so a
 * tmpfs counts against RUMP_MEMLIMIT.
 *
 * Nodes.  Every file is a struct tmpfs_node on its mount's tm_nodes
 * list.  The vcache key of a node is its address.  A node lives while
 * it has links (directory entries; the root holds one of its own) or
 * a vnode:
 *   allocated (nlink 0, vcache_get'ed at once by its creator)
 *     -> linked (nlink > 0): reachable from directory entries; its
 *        vnode may be reclaimed and reloaded any number of times
 *     -> unlinked (nlink 0) but still open: only its vnode reaches it,
 *        data stays readable
 *     -> freed, by vop_reclaim when nlink is 0 (inactive asks for the
 *        vnode to be recycled as soon as the last reference goes), or
 *        by unmount, which frees whatever is left after vflush.
 * vcache_get on a node is called only with a lock that keeps it alive:
 * the parent directory's vnode lock (lookup, create), the node's own
 * vnode (nothing reaches an unlinked node but that vnode).
 *
 * Lock rules:
 *  - The node's vnode lock guards its fields (tmpfs.h lists them): S
 *    to read, X to change.  The VFS holds these locks as vfs.h says
 *    for each operation; an operation changes only nodes whose vnodes
 *    it was given locked, so this holds across reclaim and reload (a
 *    node has at most one vnode at a time, and while it has none
 *    nobody changes it).  A directory's entries and cookies are its
 *    node's fields.  d_parent changes under the directory's vnode X:
 *    rename also holds mnt_renamelock, and rmdir clears it only in an
 *    empty directory, which no chain of parents passes through; so
 *    walking up parents under mnt_renamelock is safe.
 *  - tm_lock (a leaf: nothing is called under it that can sleep or
 *    allocate) guards the mount's node list and counters, the byte
 *    charge, the next fileid, each directory's readdir hint and each
 *    node's atime, which reads update under a shared vnode lock.
 *  - kmem_alloc may reclaim vnodes (and so call tmpfs_reclaim), so it
 *    is never called with tm_lock held.
 *
 * Limits: tm_nodes_max bounds the nodes (ENOSPC on create); tm_bytes
 * counts nodes, data pages, directory entries and link targets
 * against tm_bytes_max (ENOSPC).  Kernel memory running out is ENOSPC
 * too.
 */
#include "fs/tmpfs/tmpfs.h"

#define TMPFS_NODES_CAP		((uint64_t)0x7fffffff)	/* INT_MAX */

/* statvfs of an unlimited tmpfs in an unlimited kernel: 1 TiB free. */
#define TMPFS_UNLIMITED_PAGES	(((uint64_t)1 << 40) / PAGE_SIZE)

bool
tmpfs_mem_charge(struct tmpfs_mount *tm, uint64_t bytes)
{
	bool ok;

	mutex_enter(&tm->tm_lock);
	ok = tm->tm_bytes <= tm->tm_bytes_max &&
	    bytes <= tm->tm_bytes_max - tm->tm_bytes;
	if (ok)
		tm->tm_bytes += bytes;
	mutex_exit(&tm->tm_lock);
	return ok;
}

void
tmpfs_mem_uncharge(struct tmpfs_mount *tm, uint64_t bytes)
{
	mutex_enter(&tm->tm_lock);
	KASSERT(tm->tm_bytes >= bytes);
	tm->tm_bytes -= bytes;
	mutex_exit(&tm->tm_lock);
}

/* The limits a tmpfs_args asks for. */
static void
args_limits(const struct rump_tmpfs_args *args, uint64_t *bytesp,
    uint64_t *nodesp, bool *set_bytes, bool *set_nodes)
{
	uint64_t bytes, nodes;

	*set_bytes = args->ta_size_max >= PAGE_SIZE;
	if (*set_bytes)
		bytes = roundup((uint64_t)args->ta_size_max, PAGE_SIZE);
	else
		bytes = UINT64_MAX;
	*set_nodes = args->ta_nodes_max > 3;
	nodes = *set_nodes ? args->ta_nodes_max : 3 + bytes / 1024;
	*bytesp = bytes;
	*nodesp = MIN(nodes, TMPFS_NODES_CAP);
}

static int
tmpfs_getargs(struct mount *mp, struct rump_tmpfs_args *args,
    size_t *data_len)
{
	struct tmpfs_mount *tm = VFS_TO_TMPFS(mp);
	struct tmpfs_node *root;

	if (tm == NULL)
		return EIO;
	root = tm->tm_root;
	memset(args, 0, sizeof(*args));
	args->ta_version = RUMP_TMPFS_ARGS_VERSION;
	mutex_enter(&tm->tm_lock);
	args->ta_nodes_max = tm->tm_nodes_max;
	args->ta_size_max = tm->tm_size_arg;
	mutex_exit(&tm->tm_lock);
	args->ta_root_uid = root->tn_uid;
	args->ta_root_gid = root->tn_gid;
	args->ta_root_mode = root->tn_mode;
	*data_len = sizeof(*args);
	return 0;
}

/* MNT_UPDATE: new limits, if given, that the contents still fit. */
static int
tmpfs_update(struct tmpfs_mount *tm, const struct rump_tmpfs_args *args)
{
	uint64_t bytes, nodes;
	bool set_bytes, set_nodes;
	int error = 0;

	args_limits(args, &bytes, &nodes, &set_bytes, &set_nodes);
	mutex_enter(&tm->tm_lock);
	if ((set_nodes && nodes < tm->tm_nnodes) ||
	    (set_bytes && bytes < tm->tm_bytes))
		error = EBUSY;
	else {
		if (set_nodes)
			tm->tm_nodes_max = nodes;
		if (set_bytes) {
			tm->tm_bytes_max = bytes;
			tm->tm_size_arg = (int64_t)bytes;
		}
	}
	mutex_exit(&tm->tm_lock);
	return error;
}

static int
tmpfs_mount(struct mount *mp, void *data, size_t *data_len)
{
	struct rump_tmpfs_args *args = data;
	struct tmpfs_mount *tm;
	struct tmpfs_node *root;
	uint64_t bytes, nodes;
	bool set_bytes, set_nodes;
	int error;

	/* An update without arguments only changes flags (the VFS's). */
	if ((mp->mnt_flag & RUMP_MNT_UPDATE) &&
	    !(mp->mnt_flag & RUMP_MNT_GETARGS) && args == NULL)
		return VFS_TO_TMPFS(mp) != NULL ? 0 : EINVAL;
	if (args == NULL || data_len == NULL || *data_len < sizeof(*args) ||
	    args->ta_version != RUMP_TMPFS_ARGS_VERSION)
		return EINVAL;
	if (mp->mnt_flag & RUMP_MNT_GETARGS)
		return tmpfs_getargs(mp, args, data_len);
	if (args->ta_root_uid == (uint32_t)VNOVAL ||
	    args->ta_root_gid == (uint32_t)VNOVAL)
		return EINVAL;
	if (mp->mnt_flag & RUMP_MNT_UPDATE) {
		if ((tm = VFS_TO_TMPFS(mp)) == NULL)
			return EINVAL;
		return tmpfs_update(tm, args);
	}

	args_limits(args, &bytes, &nodes, &set_bytes, &set_nodes);
	if ((tm = kmem_zalloc(sizeof(*tm), KM_SLEEP)) == NULL)
		return ENOMEM;
	mutex_init(&tm->tm_lock);
	tm->tm_nodes_max = nodes;
	tm->tm_bytes_max = bytes;
	tm->tm_size_arg = (int64_t)bytes;	/* -1 when unlimited */
	tm->tm_nextid = TMPFS_ROOT_ID;
	error = tmpfs_node_alloc(tm, VDIR, args->ta_root_mode & 07777,
	    args->ta_root_uid, args->ta_root_gid, 0, &root);
	if (error != 0) {
		mutex_destroy(&tm->tm_lock);
		kmem_free(tm, sizeof(*tm));
		return ENOMEM;
	}
	/* The root is its own parent and holds a link of its own. */
	root->tn_nlink = 2;
	root->tn_dir.d_parent = root;
	tm->tm_root = root;
	mp->mnt_data = tm;
	mp->mnt_flag |= RUMP_MNT_LOCAL;
	return 0;
}

/* The VFS has flushed every vnode: free what is left. */
static int
tmpfs_unmount(struct mount *mp, int mntflags)
{
	struct tmpfs_mount *tm = VFS_TO_TMPFS(mp);

	(void)mntflags;
	if (tm == NULL)
		return 0;
	while (tm->tm_nodes != NULL)
		tmpfs_node_free(tm, tm->tm_nodes);
	KASSERT(tm->tm_nnodes == 0 && tm->tm_bytes == 0);
	mutex_destroy(&tm->tm_lock);
	kmem_free(tm, sizeof(*tm));
	mp->mnt_data = NULL;
	return 0;
}

static int
tmpfs_root(struct mount *mp, struct vnode **vpp)
{
	struct tmpfs_mount *tm = VFS_TO_TMPFS(mp);

	return vcache_get(mp, (uint64_t)(uintptr_t)tm->tm_root, vpp);
}

/* Free kernel memory in pages, or UINT64_MAX without a limit. */
static uint64_t
kmem_free_pages(void)
{
	uint64_t lim = kmem_limit(), used = kmem_inuse();

	if (lim == 0)
		return UINT64_MAX;
	return lim > used ? (lim - used) / PAGE_SIZE : 0;
}

static int
tmpfs_statvfs(struct mount *mp, struct rump_statvfs *sbp)
{
	struct tmpfs_mount *tm = VFS_TO_TMPFS(mp);
	uint64_t used, total, avail, kfree = kmem_free_pages();

	mutex_enter(&tm->tm_lock);
	used = howmany(tm->tm_bytes, PAGE_SIZE);
	if (tm->tm_bytes_max != UINT64_MAX)
		total = tm->tm_bytes_max / PAGE_SIZE;
	else if (kfree != UINT64_MAX)
		total = used + kfree;
	else
		total = used + TMPFS_UNLIMITED_PAGES;
	avail = total > used ? MIN(total - used, kfree) : 0;
	sbp->f_files = tm->tm_nodes_max;
	sbp->f_ffree = tm->tm_nodes_max > tm->tm_nnodes ?
	    tm->tm_nodes_max - tm->tm_nnodes : 0;
	mutex_exit(&tm->tm_lock);

	sbp->f_bsize = PAGE_SIZE;
	sbp->f_frsize = PAGE_SIZE;
	sbp->f_iosize = PAGE_SIZE;
	sbp->f_blocks = total;
	sbp->f_bfree = avail;
	sbp->f_bavail = avail;
	sbp->f_bresvd = 0;
	sbp->f_favail = sbp->f_ffree;
	sbp->f_fresvd = 0;
	sbp->f_namemax = TMPFS_NAME_MAX;
	return 0;
}

static int
tmpfs_sync(struct mount *mp, int waitfor)
{
	(void)mp;
	(void)waitfor;
	return 0;
}

static int
tmpfs_loadvnode(struct mount *mp, struct vnode *vp, uint64_t key)
{
	struct tmpfs_node *n = (struct tmpfs_node *)(uintptr_t)key;

	if (n == NULL)
		return EINVAL;
	vp->v_type = n->tn_type;
	vp->v_op = &tmpfs_vnodeops;
	vp->v_data = n;
	vp->v_vflag = n == VFS_TO_TMPFS(mp)->tm_root ? VV_ROOT : 0;
	vp->v_rdev = (n->tn_type == VCHR || n->tn_type == VBLK) ?
	    n->tn_rdev : 0;
	return 0;
}

static struct vfsops tmpfs_vfsops = {
	.vfs_name = "tmpfs",
	.vfs_mount = tmpfs_mount,
	.vfs_unmount = tmpfs_unmount,
	.vfs_root = tmpfs_root,
	.vfs_statvfs = tmpfs_statvfs,
	.vfs_sync = tmpfs_sync,
	.vfs_loadvnode = tmpfs_loadvnode,
	.vfs_min_mount_data = sizeof(struct rump_tmpfs_args),
};

static int
tmpfs_modinit(void)
{
	return vfs_register(&tmpfs_vfsops);
}

#ifdef RUMP_KMOD
/* Built into tmpfs.kmod: fs/tmpfs/tmpfs_module.c attaches it. */
int
tmpfs_vfs_attach(void)
{
	return tmpfs_modinit();
}

int
tmpfs_vfs_detach(void)
{
	return vfs_unregister(&tmpfs_vfsops);
}
#else
static struct rump_component tmpfs_component = {
	.rc_type = RUMP_COMPONENT_VFS_FS,
	.rc_name = "tmpfs",
	.rc_init = tmpfs_modinit,
};

/* Keeps -lrumpfs_tmpfs linked under --as-needed; see the Makefile. */
const int rumpfs_tmpfs_linked = 1;

__attribute__((constructor)) static void
tmpfs_register(void)
{
	rump_component_register(&tmpfs_component);
}
#endif
