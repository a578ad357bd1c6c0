/*
 * mount.c: file system types, the mount list, mounting and
 * unmounting, sync and statvfs.
 *
 * A mount is linked on the directory it covers (v_mountedhere) and on
 * the mount list.  Lookups step into it through vfs_mountroot_of(),
 * which holds mnt_updating shared while it fetches the root; unmount
 * and update hold it exclusive, so no lookup can enter a mount while
 * its vnodes are being flushed.  Every other operation inside a mount
 * holds a reference on one of its vnodes, which is what vflush
 * checks.  The struct itself lives until mnt_refcnt drops to zero.
 *
 * mountlist_lock guards the mount list, the registered file system
 * types, every v_mountedhere, mnt_refcnt and mnt_gone.  Lock order:
 * mnt_updating < vnode locks < mountlist_lock < vcache_lock.
 */
#include "kern/module.h"
#include "vfs/vfs.h"

static kmutex_t mountlist_lock;
static struct mount *mountlist;		/* oldest first */
static struct vfsops *vfs_list;
static uint64_t nextfsid = 1;

struct mount *rootmount;		/* set once at boot */

void
mount_init(void)
{
	mutex_init(&mountlist_lock);
}

int
vfs_register(struct vfsops *vfs)
{
	struct vfsops *v;

	mutex_enter(&mountlist_lock);
	for (v = vfs_list; v != NULL; v = v->vfs_next)
		if (strcmp(v->vfs_name, vfs->vfs_name) == 0) {
			mutex_exit(&mountlist_lock);
			return EEXIST;
		}
	vfs->vfs_next = vfs_list;
	vfs_list = vfs;
	mutex_exit(&mountlist_lock);
	return 0;
}

int
vfs_unregister(struct vfsops *vfs)
{
	struct vfsops **vp;
	int error = ENOENT;

	mutex_enter(&mountlist_lock);
	for (vp = &vfs_list; *vp != NULL; vp = &(*vp)->vfs_next)
		if (*vp == vfs) {
			error = vfs->vfs_refcount > 0 ? EBUSY : 0;
			if (error == 0)
				*vp = vfs->vfs_next;
			break;
		}
	mutex_exit(&mountlist_lock);
	return error;
}

/* Find a type; with hold, count a mount being made (under the lock, so
 * that a module cannot unregister it in between). */
static struct vfsops *
vfs_findops(const char *name, bool hold)
{
	struct vfsops *v;

	mutex_enter(&mountlist_lock);
	for (v = vfs_list; v != NULL; v = v->vfs_next)
		if (strcmp(v->vfs_name, name) == 0)
			break;
	if (v != NULL && hold)
		v->vfs_refcount++;
	mutex_exit(&mountlist_lock);
	return v;
}

/* An unknown type may be a module in the module directory (NetBSD
 * autoloads file systems the same way); no locks may be held. */
static struct vfsops *
vfs_getops(const char *name, bool hold)
{
	struct vfsops *v;

	if ((v = vfs_findops(name, hold)) == NULL &&
	    module_autoload(name, MODULE_CLASS_VFS) == 0)
		v = vfs_findops(name, hold);
	return v;
}

struct vfsops *
vfs_getopsbyname(const char *name)
{
	return vfs_getops(name, false);
}

static void
vfs_ops_rele(struct vfsops *v)
{
	mutex_enter(&mountlist_lock);
	KASSERT(v->vfs_refcount > 0);
	v->vfs_refcount--;
	mutex_exit(&mountlist_lock);
}

int
vfs_getopscopy(const char *name, struct vfsops *copy)
{
	struct vfsops *v;

	if ((v = vfs_getops(name, true)) == NULL)
		return ENODEV;
	*copy = *v;
	vfs_ops_rele(v);
	return 0;
}

static void
mount_hold(struct mount *mp)
{
	mp->mnt_refcnt++;	/* under mountlist_lock */
}

void
vfs_mount_rele(struct mount *mp)
{
	bool last;

	mutex_enter(&mountlist_lock);
	last = --mp->mnt_refcnt == 0;
	mutex_exit(&mountlist_lock);
	if (!last)
		return;
	rw_destroy(&mp->mnt_updating);
	mutex_destroy(&mp->mnt_renamelock);
	kmem_free(mp, sizeof(*mp));
}

int
vfs_busy(struct mount *mp)
{
	rw_enter(&mp->mnt_updating, RW_READER);
	if (mp->mnt_gone) {
		rw_exit(&mp->mnt_updating);
		return ENOENT;
	}
	return 0;
}

void
vfs_unbusy(struct mount *mp)
{
	rw_exit(&mp->mnt_updating);
}

int
vfs_mountroot_of(struct vnode *vp, struct vnode **rootp)
{
	struct mount *mp;
	int error;

	if (vp->v_type != VDIR)
		return ENOENT;
	mutex_enter(&mountlist_lock);
	if ((mp = vp->v_mountedhere) == NULL || mp->mnt_gone) {
		mutex_exit(&mountlist_lock);
		return ENOENT;
	}
	mount_hold(mp);
	mutex_exit(&mountlist_lock);
	if ((error = vfs_busy(mp)) == 0) {
		error = mp->mnt_op->vfs_root(mp, rootp);
		vfs_unbusy(mp);
	}
	vfs_mount_rele(mp);
	return error;
}

struct mount *
vfs_mount_next(struct mount *prev)
{
	struct mount *mp;

	mutex_enter(&mountlist_lock);
	mp = prev != NULL ? prev->mnt_next : mountlist;
	while (mp != NULL && mp->mnt_gone)
		mp = mp->mnt_next;
	if (mp != NULL)
		mount_hold(mp);
	mutex_exit(&mountlist_lock);
	if (prev != NULL)
		vfs_mount_rele(prev);
	return mp;
}

static struct mount *
mount_alloc(struct vfsops *ops, int flags)
{
	struct mount *mp = kmem_zalloc(sizeof(*mp), KM_SLEEP);

	if (mp == NULL)
		return NULL;
	mp->mnt_op = ops;
	mp->mnt_flag = flags;
	mp->mnt_refcnt = 1;
	mutex_init(&mp->mnt_renamelock);
	rw_init(&mp->mnt_updating);
	mutex_enter(&mountlist_lock);
	mp->mnt_fsid = nextfsid++;
	mutex_exit(&mountlist_lock);
	strncpy(mp->mnt_fromname, ops->vfs_name, sizeof(mp->mnt_fromname) - 1);
	return mp;
}

static void
mount_link(struct mount *mp, struct vnode *covered)
{
	struct mount **mpp;

	for (mpp = &mountlist; *mpp != NULL; mpp = &(*mpp)->mnt_next)
		continue;
	*mpp = mp;
	mp->mnt_next = NULL;
	if (covered != NULL)
		covered->v_mountedhere = mp;
}

/* Mount the root file system ("/"); done once at boot. */
int
vfs_mountroot(struct vfsops *ops, struct vnode **rootp)
{
	struct mount *mp;
	int error;

	if ((mp = mount_alloc(ops, RUMP_MNT_LOCAL | RUMP_MNT_ROOTFS)) == NULL)
		return ENOMEM;
	strcpy(mp->mnt_onname, "/");
	if ((error = ops->vfs_mount(mp, NULL, NULL)) != 0 ||
	    (error = ops->vfs_root(mp, rootp)) != 0) {
		vfs_mount_rele(mp);
		return error;
	}
	mutex_enter(&mountlist_lock);
	mount_link(mp, NULL);
	mutex_exit(&mountlist_lock);
	rootmount = mp;
	return 0;
}

/* rw -> ro needs no file open for writing, unless forced. */
static int
mount_writers(struct mount *mp)
{
	struct vnode *root;
	int error;

	if ((error = mp->mnt_op->vfs_root(mp, &root)) != 0)
		return error;
	error = vfs_anywriters(mp) ? EBUSY : 0;
	vrele(root);
	return error;
}

static int
vfs_update(struct mount *mp, int flags, void *data, size_t *data_len)
{
	int oflags, error;

	rw_enter(&mp->mnt_updating, RW_WRITER);
	oflags = mp->mnt_flag;
	if ((flags & RUMP_MNT_GETARGS) == 0 && (flags & RUMP_MNT_RDONLY) &&
	    !(oflags & RUMP_MNT_RDONLY) && !(flags & RUMP_MNT_FORCE) &&
	    (error = mount_writers(mp)) != 0) {
		rw_exit(&mp->mnt_updating);
		return error;
	}
	if (flags & RUMP_MNT_GETARGS)
		mp->mnt_flag |= RUMP_MNT_GETARGS;
	else {
		if (!(oflags & RUMP_MNT_RDONLY) && (flags & RUMP_MNT_RDONLY))
			mp->mnt_op->vfs_sync(mp, RUMP_MNT_WAIT);
		mp->mnt_flag = (oflags & (RUMP_MNT_LOCAL | RUMP_MNT_ROOTFS)) |
		    (flags & ~(RUMP_MNT_FORCE | RUMP_MNT_GETARGS)) |
		    RUMP_MNT_UPDATE;
	}
	error = mp->mnt_op->vfs_mount(mp, data, data_len);
	if (error != 0 || (flags & RUMP_MNT_GETARGS))
		mp->mnt_flag = oflags;
	else
		mp->mnt_flag &= ~RUMP_MNT_UPDATE;
	rw_exit(&mp->mnt_updating);
	return error;
}

/*
 * Mount fstype on `covered` (a referenced directory the caller keeps
 * its reference to).  With MNT_UPDATE or MNT_GETARGS, covered must be
 * the root of an existing mount, which is changed or described.
 */
int
vfs_domount(struct vnode *covered, const char *fstype, int flags,
    void *data, size_t *data_len, const char *path)
{
	struct vfsops *ops;
	struct mount *mp;
	struct vnode *root;
	struct vattr va;
	size_t len;
	int error;

	(void)path;
	if (flags & (RUMP_MNT_UPDATE | RUMP_MNT_GETARGS)) {
		if (!(covered->v_vflag & VV_ROOT))
			return EINVAL;
		return vfs_update(covered->v_mount, flags, data, data_len);
	}
	if ((ops = vfs_getops(fstype, true)) == NULL)
		return ENODEV;
	/* the hold on ops is the mount's until it is unmounted */
	error = ENOTDIR;
	if (covered->v_type != VDIR)
		goto fail;
	error = ENOMEM;
	if ((mp = mount_alloc(ops, (flags & ~RUMP_MNT_FORCE) |
	    RUMP_MNT_LOCAL)) == NULL)
		goto fail;
	error = vfs_getcwd(covered, mp->mnt_onname, sizeof(mp->mnt_onname),
	    &len);
	if (error != 0 || (error = ops->vfs_mount(mp, data, data_len)) != 0) {
		vfs_mount_rele(mp);
		goto fail;
	}
	/*
	 * Link under the covered directory's lock, which rmdir and rename
	 * hold while they check for a mount point: a directory being
	 * removed cannot get a mount, nor a mount point be removed.
	 */
	vn_lock(covered, RW_WRITER);
	if ((error = vn_getattr_locked(covered, &va)) == 0 && va.va_nlink == 0)
		error = ENOENT;
	mutex_enter(&mountlist_lock);
	if (error == 0 && covered->v_mountedhere != NULL)
		error = EBUSY;
	if (error == 0) {
		vref(covered);
		mp->mnt_vnodecovered = covered;
		mount_link(mp, covered);
	}
	mutex_exit(&mountlist_lock);
	vn_unlock(covered);
	if (error != 0)
		goto undo;
	return 0;

undo:
	if (ops->vfs_root(mp, &root) == 0)
		vrele(root);
	vflush(mp, NULL, true);
	ops->vfs_unmount(mp, RUMP_MNT_FORCE);
	vfs_mount_rele(mp);
fail:
	vfs_ops_rele(ops);
	return error;
}

int
vn_getattr_locked(struct vnode *vp, struct vattr *va)
{
	return vp->v_op->vop_getattr(vp, va);
}

/* Is any other mount stacked on a vnode of mp? */
static bool
mount_hascovered(struct mount *mp)
{
	struct mount *m;
	bool busy = false;

	mutex_enter(&mountlist_lock);
	for (m = mountlist; m != NULL; m = m->mnt_next)
		if (!m->mnt_gone && m->mnt_vnodecovered != NULL &&
		    m->mnt_vnodecovered->v_mount == mp)
			busy = true;
	mutex_exit(&mountlist_lock);
	return busy;
}

int
vfs_dounmount(struct mount *mp, int flags)
{
	bool force = (flags & RUMP_MNT_FORCE) != 0;
	struct vnode *root, *covered;
	struct mount **mpp;
	int error;

	if (mp == rootmount)
		return EBUSY;
	if (mount_hascovered(mp))
		return EBUSY;
	rw_enter(&mp->mnt_updating, RW_WRITER);
	if (mp->mnt_gone) {
		rw_exit(&mp->mnt_updating);
		return ENOENT;
	}
	if (!force && !(mp->mnt_flag & RUMP_MNT_RDONLY) &&
	    (error = mp->mnt_op->vfs_sync(mp, RUMP_MNT_WAIT)) != 0) {
		rw_exit(&mp->mnt_updating);
		return error;
	}
	if ((error = mp->mnt_op->vfs_root(mp, &root)) != 0) {
		rw_exit(&mp->mnt_updating);
		return error;
	}
	if ((error = vflush(mp, root, force)) == 0 && !force &&
	    vn_usecount(root) > 1)
		error = EBUSY;
	vrele(root);
	if (error == 0)
		error = vflush(mp, NULL, force);
	if (error == 0)
		error = mp->mnt_op->vfs_unmount(mp, flags);
	if (error != 0) {
		rw_exit(&mp->mnt_updating);
		return error;
	}
	mutex_enter(&mountlist_lock);
	mp->mnt_gone = true;
	covered = mp->mnt_vnodecovered;
	if (covered != NULL)
		covered->v_mountedhere = NULL;
	for (mpp = &mountlist; *mpp != NULL; mpp = &(*mpp)->mnt_next)
		if (*mpp == mp) {
			*mpp = mp->mnt_next;
			break;
		}
	mutex_exit(&mountlist_lock);
	rw_exit(&mp->mnt_updating);
	if (covered != NULL)
		vrele(covered);
	vfs_ops_rele((struct vfsops *)mp->mnt_op);
	vfs_mount_rele(mp);
	return 0;
}

void
vfs_syncall(int waitfor)
{
	struct mount *mp = NULL;

	while ((mp = vfs_mount_next(mp)) != NULL)
		if (!(mp->mnt_flag & RUMP_MNT_RDONLY))
			mp->mnt_op->vfs_sync(mp, waitfor);
	(void)bflush(NODEV);	/* block devices; errors stay for fsync */
}

/* Newest first, so that stacked mounts come off before their base. */
void
vfs_unmountall(void)
{
	struct mount *mp, *last;
	int error;

	for (;;) {
		mutex_enter(&mountlist_lock);
		last = NULL;
		for (mp = mountlist; mp != NULL; mp = mp->mnt_next)
			if (!mp->mnt_gone && mp != rootmount)
				last = mp;
		if (last != NULL)
			mount_hold(last);
		mutex_exit(&mountlist_lock);
		if (last == NULL)
			break;
		error = vfs_dounmount(last, 0);
		if (error != 0)
			error = vfs_dounmount(last, RUMP_MNT_FORCE);
		if (error != 0)
			kprintf("unmount of %s failed: %d\n",
			    last->mnt_onname, error);
		vfs_mount_rele(last);
		if (error != 0)
			break;
	}
}

int
vfs_statvfs(struct mount *mp, struct rump_statvfs *sbp, int flags)
{
	int error;

	(void)flags;
	memset(sbp, 0, sizeof(*sbp));
	if ((error = mp->mnt_op->vfs_statvfs(mp, sbp)) != 0)
		return error;
	sbp->f_flag = (uint64_t)(mp->mnt_flag & MNT_VISFLAGMASK);
	sbp->f_fsidx.fsid_val[0] = (int32_t)mp->mnt_fsid;
	sbp->f_fsidx.fsid_val[1] = (int32_t)NETBSD_MAKEDEV(0, 0);
	sbp->f_fsid = mp->mnt_fsid;
	if (sbp->f_namemax == 0)
		sbp->f_namemax = MAXNAMLEN;
	sbp->f_syncreads = atomic_load(&mp->mnt_syncreads);
	sbp->f_syncwrites = atomic_load(&mp->mnt_syncwrites);
	strncpy(sbp->f_fstypename, mp->mnt_op->vfs_name,
	    sizeof(sbp->f_fstypename) - 1);
	memcpy(sbp->f_mntonname, mp->mnt_onname, sizeof(sbp->f_mntonname));
	memcpy(sbp->f_mntfromname, mp->mnt_fromname,
	    sizeof(sbp->f_mntfromname));
	return 0;
}
