/*
 * vnode.c: vnode life cycle and the vnode cache.
 *
 * The cache maps (mount, key) to a vnode.  vcache_get finds a vnode or
 * makes a new one in state LOADING and asks the file system to attach
 * its object (vfs_loadvnode); other threads wanting the same vnode
 * wait on v_cv until it is ACTIVE.  When the last reference goes
 * (vrele), the file system's vop_inactive decides whether the vnode is
 * worth keeping: if not it is reclaimed at once, else it joins the
 * free list, from which vcache_get can revive it and vcache_reclaim
 * (memory pressure, or too many vnodes) can evict it.
 *
 * vcache_lock guards the hash, the free list, every mount's vnode list
 * and numvnodes/numfree.  v_interlock guards v_usecount and v_state.
 * Order: vcache_lock before v_interlock.
 */
#include "vfs/vfs.h"

#define VCACHE_HASHSIZE	4096
#define DESIREDVNODES	8192	/* free-list length before eviction */

static kmutex_t vcache_lock;
static struct vnode *vcache_hash[VCACHE_HASHSIZE];	/* vcache_lock */
static struct vnode *freehead, *freetail;		/* vcache_lock */
static int numfree;					/* vcache_lock */

static unsigned
vhash(struct mount *mp, uint64_t key)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ULL ^ (uintptr_t)mp;

	return (unsigned)(h >> 40) % VCACHE_HASHSIZE;
}

static size_t
vcache_reclaim_hook(size_t want)
{
	/* a vnode is a few hundred bytes; ask for enough of them */
	return vcache_reclaim(want / 256 + 16) * 256;
}

void
vcache_init(void)
{
	mutex_init(&vcache_lock);
	kmem_register_reclaim(vcache_reclaim_hook);
}

/* --- lists, all under vcache_lock --------------------------------------- */

static void
free_insert(struct vnode *vp)
{
	vp->v_lrunext = NULL;
	vp->v_lruprev = freetail;
	if (freetail != NULL)
		freetail->v_lrunext = vp;
	else
		freehead = vp;
	freetail = vp;
	numfree++;
}

static void
free_remove(struct vnode *vp)
{
	if (vp->v_lruprev != NULL)
		vp->v_lruprev->v_lrunext = vp->v_lrunext;
	else
		freehead = vp->v_lrunext;
	if (vp->v_lrunext != NULL)
		vp->v_lrunext->v_lruprev = vp->v_lruprev;
	else
		freetail = vp->v_lruprev;
	vp->v_lrunext = vp->v_lruprev = NULL;
	numfree--;
}

static bool
onfree(struct vnode *vp)
{
	return vp->v_lruprev != NULL || freehead == vp;
}

static void
hash_insert(struct vnode *vp)
{
	unsigned h = vhash(vp->v_mount, vp->v_key);
	struct mount *mp = vp->v_mount;

	vp->v_hashnext = vcache_hash[h];
	vcache_hash[h] = vp;
	vp->v_mntprev = NULL;
	vp->v_mntnext = mp->mnt_vnodes;
	if (mp->mnt_vnodes != NULL)
		mp->mnt_vnodes->v_mntprev = vp;
	mp->mnt_vnodes = vp;
}

static void
hash_remove(struct vnode *vp)
{
	struct vnode **vpp = &vcache_hash[vhash(vp->v_mount, vp->v_key)];
	struct mount *mp = vp->v_mount;

	for (; *vpp != NULL; vpp = &(*vpp)->v_hashnext)
		if (*vpp == vp) {
			*vpp = vp->v_hashnext;
			break;
		}
	if (vp->v_mntprev != NULL)
		vp->v_mntprev->v_mntnext = vp->v_mntnext;
	else
		mp->mnt_vnodes = vp->v_mntnext;
	if (vp->v_mntnext != NULL)
		vp->v_mntnext->v_mntprev = vp->v_mntprev;
	vp->v_mntnext = vp->v_mntprev = NULL;
}

static struct vnode *
hash_find(struct mount *mp, uint64_t key)
{
	struct vnode *vp;

	for (vp = vcache_hash[vhash(mp, key)]; vp != NULL; vp = vp->v_hashnext)
		if (vp->v_mount == mp && vp->v_key == key)
			return vp;
	return NULL;
}

/* --- allocation ------------------------------------------------------------- */

static struct vnode *
vnode_alloc(struct mount *mp, uint64_t key)
{
	struct vnode *vp = kmem_zalloc(sizeof(*vp), KM_SLEEP);

	if (vp == NULL)
		return NULL;
	mutex_init(&vp->v_interlock);
	rw_init(&vp->v_lock);
	cv_init(&vp->v_cv);
	vp->v_mount = mp;
	vp->v_key = key;
	vp->v_usecount = 1;
	vp->v_state = VS_LOADING;
	return vp;
}

static void
vnode_free(struct vnode *vp)
{
	cv_destroy(&vp->v_cv);
	rw_destroy(&vp->v_lock);
	mutex_destroy(&vp->v_interlock);
	kmem_free(vp, sizeof(*vp));
}

int
vcache_get(struct mount *mp, uint64_t key, struct vnode **vpp)
{
	struct vnode *vp, *nvp;
	int error;

again:
	mutex_enter(&vcache_lock);
	if ((vp = hash_find(mp, key)) != NULL) {
		mutex_enter(&vp->v_interlock);
		if (vp->v_state == VS_LOADING ||
		    vp->v_state == VS_RECLAIMING) {
			mutex_exit(&vcache_lock);
			cv_wait(&vp->v_cv, &vp->v_interlock);
			mutex_exit(&vp->v_interlock);
			goto again;
		}
		if (vp->v_usecount++ == 0 && onfree(vp))
			free_remove(vp);
		mutex_exit(&vp->v_interlock);
		mutex_exit(&vcache_lock);
		*vpp = vp;
		return 0;
	}
	mutex_exit(&vcache_lock);

	if ((nvp = vnode_alloc(mp, key)) == NULL)
		return ENOMEM;
	mutex_enter(&vcache_lock);
	if (hash_find(mp, key) != NULL) {	/* lost a race */
		mutex_exit(&vcache_lock);
		vnode_free(nvp);
		goto again;
	}
	hash_insert(nvp);
	mutex_exit(&vcache_lock);

	error = mp->mnt_op->vfs_loadvnode(mp, nvp, key);

	mutex_enter(&vcache_lock);
	mutex_enter(&nvp->v_interlock);
	if (error != 0) {
		hash_remove(nvp);
		nvp->v_state = VS_RECLAIMING;
	} else
		nvp->v_state = VS_ACTIVE;
	cv_broadcast(&nvp->v_cv);
	mutex_exit(&nvp->v_interlock);
	mutex_exit(&vcache_lock);
	if (error != 0) {
		vnode_free(nvp);
		return error;
	}
	*vpp = nvp;
	return 0;
}

void
vref(struct vnode *vp)
{
	mutex_enter(&vp->v_interlock);
	KASSERT(vp->v_usecount > 0);
	vp->v_usecount++;
	mutex_exit(&vp->v_interlock);
}

void
vn_lock(struct vnode *vp, krw_t op)
{
	rw_enter(&vp->v_lock, op);
}

void
vn_unlock(struct vnode *vp)
{
	rw_exit(&vp->v_lock);
}

void
vn_lock2(struct vnode *a, struct vnode *b)
{
	if (a == b) {
		vn_lock(a, RW_WRITER);
		return;
	}
	if ((uintptr_t)a > (uintptr_t)b) {
		struct vnode *t = a;

		a = b;
		b = t;
	}
	vn_lock(a, RW_WRITER);
	vn_lock(b, RW_WRITER);
}

/* vp is unreferenced, off every list and in state RECLAIMING. */
static void
vnode_destroy(struct vnode *vp)
{
	vn_lock(vp, RW_WRITER);
	if (vp->v_op != NULL && vp->v_op != &dead_vnodeops)
		vp->v_op->vop_reclaim(vp);
	lf_vnode_gone(vp);
	vn_unlock(vp);
	mutex_enter(&vp->v_interlock);
	cv_broadcast(&vp->v_cv);
	mutex_exit(&vp->v_interlock);
	vnode_free(vp);
}

void
vrele(struct vnode *vp)
{
	bool recycle = false;
	int excess;

	mutex_enter(&vp->v_interlock);
	KASSERT(vp->v_usecount > 0);
	if (vp->v_usecount > 1 || vp->v_state != VS_ACTIVE) {
		if (--vp->v_usecount == 0 && vp->v_state == VS_DEAD) {
			mutex_exit(&vp->v_interlock);
			vnode_free(vp);	/* reclaimed when forced out */
			return;
		}
		mutex_exit(&vp->v_interlock);
		return;
	}
	mutex_exit(&vp->v_interlock);

	/* Last reference: let the file system decide, holding one ref. */
	vn_lock(vp, RW_WRITER);
	if (vp->v_op->vop_inactive != NULL)
		vp->v_op->vop_inactive(vp, &recycle);
	vn_unlock(vp);

	mutex_enter(&vcache_lock);
	mutex_enter(&vp->v_interlock);
	if (--vp->v_usecount > 0 || vp->v_state != VS_ACTIVE) {
		bool dead = vp->v_usecount == 0 && vp->v_state == VS_DEAD;

		mutex_exit(&vp->v_interlock);
		mutex_exit(&vcache_lock);
		if (dead)
			vnode_free(vp);
		return;
	}
	if (recycle) {
		vp->v_state = VS_RECLAIMING;
		hash_remove(vp);
		mutex_exit(&vp->v_interlock);
		mutex_exit(&vcache_lock);
		vnode_destroy(vp);
		return;
	}
	free_insert(vp);
	excess = numfree - DESIREDVNODES;	/* read under vcache_lock */
	mutex_exit(&vp->v_interlock);
	mutex_exit(&vcache_lock);
	if (excess > 0)
		vcache_reclaim((size_t)excess);
}

void
vput(struct vnode *vp)
{
	vn_unlock(vp);
	vrele(vp);
}

/* Evict up to n vnodes from the free list; returns how many. */
size_t
vcache_reclaim(size_t n)
{
	struct vnode *vp;
	size_t done = 0;

	while (done < n) {
		mutex_enter(&vcache_lock);
		if ((vp = freehead) == NULL) {
			mutex_exit(&vcache_lock);
			break;
		}
		mutex_enter(&vp->v_interlock);
		free_remove(vp);
		KASSERT(vp->v_usecount == 0);
		vp->v_state = VS_RECLAIMING;
		hash_remove(vp);
		mutex_exit(&vp->v_interlock);
		mutex_exit(&vcache_lock);
		vnode_destroy(vp);
		done++;
	}
	return done;
}

/*
 * Reclaim the vnodes of a mount being unmounted.  Busy vnodes (other
 * than `skip`, the root, which the caller holds) make it fail unless
 * forced; forced, they are reclaimed under their users, who from then
 * on see a dead vnode (EBADF/EIO).
 */
int
vflush(struct mount *mp, struct vnode *skip, bool force)
{
	struct vnode *vp;

	mutex_enter(&vcache_lock);
	if (!force) {
		for (vp = mp->mnt_vnodes; vp != NULL; vp = vp->v_mntnext) {
			if (vp == skip)
				continue;
			mutex_enter(&vp->v_interlock);
			if (vp->v_usecount > 0 || vp->v_state != VS_ACTIVE) {
				mutex_exit(&vp->v_interlock);
				mutex_exit(&vcache_lock);
				return EBUSY;
			}
			mutex_exit(&vp->v_interlock);
		}
	}
	for (;;) {
		bool busy;

		for (vp = mp->mnt_vnodes; vp != NULL; vp = vp->v_mntnext)
			if (vp != skip)
				break;
		if (vp == NULL)
			break;
		mutex_enter(&vp->v_interlock);
		if (vp->v_state == VS_LOADING) {
			mutex_exit(&vcache_lock);
			cv_wait(&vp->v_cv, &vp->v_interlock);
			mutex_exit(&vp->v_interlock);
			mutex_enter(&vcache_lock);
			continue;
		}
		busy = vp->v_usecount > 0;
		if (onfree(vp))
			free_remove(vp);
		hash_remove(vp);
		vp->v_state = busy ? VS_DEAD : VS_RECLAIMING;
		mutex_exit(&vp->v_interlock);
		mutex_exit(&vcache_lock);
		if (busy) {
			/* users keep the memory; the fs forgets it now */
			vn_lock(vp, RW_WRITER);
			vp->v_op->vop_reclaim(vp);
			lf_vnode_gone(vp);
			vp->v_op = &dead_vnodeops;
			vp->v_data = NULL;
			vp->v_mount = &dead_mount;
			vn_unlock(vp);
		} else
			vnode_destroy(vp);
		mutex_enter(&vcache_lock);
	}
	mutex_exit(&vcache_lock);
	return 0;
}

/* --- dead vnodes: what a forcibly unmounted file's users see ------------ */

/* Where dead vnodes live once their mount is gone: read-only, empty. */
struct mount dead_mount = { .mnt_flag = RUMP_MNT_RDONLY };

static int dead_badf(void) { return EBADF; }
static int dead_io(void) { return EIO; }
static int
dead_inactive(struct vnode *vp, bool *recycle)
{
	(void)vp;
	*recycle = false;
	return 0;
}
static int
dead_getattr(struct vnode *vp, struct vattr *va)
{
	(void)vp;
	(void)va;
	return EBADF;
}

const struct vnodeops dead_vnodeops = {
	.vop_lookup = (void *)dead_badf,
	.vop_create = (void *)dead_badf,
	.vop_mkdir = (void *)dead_badf,
	.vop_symlink = (void *)dead_badf,
	.vop_remove = (void *)dead_badf,
	.vop_rmdir = (void *)dead_badf,
	.vop_link = (void *)dead_badf,
	.vop_rename = (void *)dead_badf,
	.vop_getattr = dead_getattr,
	.vop_setattr = (void *)dead_badf,
	.vop_read = (void *)dead_io,
	.vop_write = (void *)dead_io,
	.vop_readdir = (void *)dead_io,
	.vop_readlink = (void *)dead_io,
	.vop_fsync = (void *)dead_badf,
	.vop_inactive = dead_inactive,
	.vop_reclaim = (void *)dead_badf,
	.vop_pathconf = (void *)dead_badf,
};

int
vn_usecount(struct vnode *vp)
{
	int n;

	mutex_enter(&vp->v_interlock);
	n = vp->v_usecount;
	mutex_exit(&vp->v_interlock);
	return n;
}

/* Does any vnode of mp have a file open for writing? */
bool
vfs_anywriters(struct mount *mp)
{
	struct vnode *vp;
	bool any = false;

	mutex_enter(&vcache_lock);
	for (vp = mp->mnt_vnodes; vp != NULL && !any; vp = vp->v_mntnext) {
		mutex_enter(&vp->v_interlock);
		any = vp->v_writecount > 0 && vp->v_type == VREG;
		mutex_exit(&vp->v_interlock);
	}
	mutex_exit(&vcache_lock);
	return any;
}
