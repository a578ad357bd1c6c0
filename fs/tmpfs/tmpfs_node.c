/*
 * tmpfs_node.c: allocating, freeing and stamping nodes.
 *
 * A node is counted against the mount's node limit from allocation to
 * tmpfs_node_free.  The node itself and everything it owns (pages,
 * link target, directory entries) are charged to the mount's byte
 * count and given back when it is freed.  See tmpfs_vfsops.c for when nodes are freed.
 */
#include "fs/tmpfs/tmpfs.h"

int
tmpfs_node_alloc(struct tmpfs_mount *tm, enum vtype type, mode_t mode,
    uid_t uid, gid_t gid, uint64_t rdev, struct tmpfs_node **np)
{
	struct tmpfs_node *n;
	struct rump_timespec now;

	mutex_enter(&tm->tm_lock);
	if (tm->tm_nnodes >= tm->tm_nodes_max) {
		mutex_exit(&tm->tm_lock);
		return ENOSPC;
	}
	tm->tm_nnodes++;
	mutex_exit(&tm->tm_lock);

	if (!tmpfs_mem_charge(tm, sizeof(*n)))
		goto nospace;
	if ((n = kmem_zalloc(sizeof(*n), KM_SLEEP)) == NULL) {
		tmpfs_mem_uncharge(tm, sizeof(*n));
		goto nospace;
	}
	n->tn_type = type;
	n->tn_gen = kern_random();
	n->tn_rdev = (type == VCHR || type == VBLK) ? rdev :
	    (uint64_t)VNOVAL;
	n->tn_mode = mode & 07777;
	n->tn_uid = uid;
	n->tn_gid = gid;
	n->tn_nlink = 0;
	vfs_timestamp(&now);
	n->tn_atime = n->tn_mtime = n->tn_ctime = n->tn_birthtime = now;
	if (type == VDIR)
		n->tn_dir.d_nextcookie = TMPFS_FIRST_COOKIE;

	mutex_enter(&tm->tm_lock);
	n->tn_id = tm->tm_nextid++;
	n->tn_prev = NULL;
	n->tn_next = tm->tm_nodes;
	if (tm->tm_nodes != NULL)
		tm->tm_nodes->tn_prev = n;
	tm->tm_nodes = n;
	mutex_exit(&tm->tm_lock);
	*np = n;
	return 0;

nospace:
	mutex_enter(&tm->tm_lock);
	tm->tm_nnodes--;
	mutex_exit(&tm->tm_lock);
	return ENOSPC;
}

/* Free n and all it owns.  Nothing may refer to it any more. */
void
tmpfs_node_free(struct tmpfs_mount *tm, struct tmpfs_node *n)
{
	switch (n->tn_type) {
	case VREG:
		tmpfs_reg_destroy(tm, n);
		break;
	case VLNK:
		if (n->tn_link.target != NULL) {
			kmem_free(n->tn_link.target, n->tn_link.len + 1);
			tmpfs_mem_uncharge(tm, n->tn_link.len + 1);
		}
		break;
	case VDIR:
		tmpfs_dir_destroy(tm, n);
		break;
	default:
		break;
	}
	mutex_enter(&tm->tm_lock);
	if (n->tn_prev != NULL)
		n->tn_prev->tn_next = n->tn_next;
	else
		tm->tm_nodes = n->tn_next;
	if (n->tn_next != NULL)
		n->tn_next->tn_prev = n->tn_prev;
	tm->tm_nnodes--;
	mutex_exit(&tm->tm_lock);
	kmem_free(n, sizeof(*n));
	tmpfs_mem_uncharge(tm, sizeof(*n));
}

/* Store a symbolic link's target (charged to the mount). */
int
tmpfs_link_set(struct tmpfs_mount *tm, struct tmpfs_node *n,
    const char *target)
{
	size_t len = strlen(target);
	char *p;

	if (!tmpfs_mem_charge(tm, len + 1))
		return ENOSPC;
	if ((p = kmem_alloc(len + 1, KM_SLEEP)) == NULL) {
		tmpfs_mem_uncharge(tm, len + 1);
		return ENOSPC;
	}
	memcpy(p, target, len + 1);
	n->tn_link.target = p;
	n->tn_link.len = len;
	n->tn_size = (int64_t)len;
	return 0;
}

/* Stamp mtime and/or ctime with now (vnode locked X). */
void
tmpfs_times_update(struct tmpfs_node *n, bool mtime, bool ctime)
{
	struct rump_timespec now;

	vfs_timestamp(&now);
	if (mtime)
		n->tn_mtime = now;
	if (ctime)
		n->tn_ctime = now;
}

/* Stamp atime after a read, unless the mount says noatime. */
void
tmpfs_atime_update(struct tmpfs_mount *tm, struct tmpfs_node *n,
    struct mount *mp)
{
	struct rump_timespec now;

	if (mp->mnt_flag & RUMP_MNT_NOATIME)
		return;
	vfs_timestamp(&now);
	mutex_enter(&tm->tm_lock);
	n->tn_atime = now;
	mutex_exit(&tm->tm_lock);
}
