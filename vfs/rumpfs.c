/*
 * rumpfs.c: the root file system, "/" of every rump kernel.
 *
 * A small in-memory file system: directories, regular files (data in
 * one growable buffer), symbolic links, device nodes and fifos.  At
 * boot it holds /dev with null and zero.  Scratch space belongs on
 * tmpfs; this one exists so that there is a namespace to mount on and
 * to hold device nodes and etfs keys.
 *
 * etfs (etfs.c) makes its keys real nodes here (rumpfs_etfs_attach),
 * marked RFS_ETKEY: they cannot be unlinked, renamed or linked
 * (EBUSY), only removed by etfs (rumpfs_etfs_detach).  Such a node may
 * be backed by the host (n->host):
 *   VREG   reads and writes go to a window of a host file; n->size is
 *          the file's size, at most the window's
 *   VDIR   RFS_HOSTDIR: a name is looked up in the host directory and
 *          becomes an ephemeral node (RFS_EPHEMERAL, freed when its
 *          vnode goes): a host-backed VREG, a mapped VDIR
 *          (RFS_HOSTSUBDIRS) or an empty, immutable one (RFS_HOSTSTUB).
 *          Readdir shows only "." and ".." (the host has no directory
 *          reading hypercall); ".." below the key is EOPNOTSUPP; making
 *          or removing names there is EOPNOTSUPP.
 * A key's ephemeral nodes count in its etchildren, so that a key is
 * not removed while a file under it is in use, and are listed on it
 * (hostkids) while referenced, so that looking a host name up twice
 * gives the same vnode (rename, for one, relies on that).  A node
 * leaves the list in vop_inactive, before its vnode can be reclaimed;
 * a lookup that finds it listed takes its vnode with rfs_hostlock
 * held, so it never revives a node being freed.
 *
 * Locks: the VFS holds vnode locks as vfs.h says, which covers a
 * node's data and a directory's entries.  rfs_lock guards the node
 * counter and every node's link count.  rfs_hostlock guards the
 * hostkids lists (order: vnode locks < rfs_hostlock < vcache).  A
 * node's flags, host and etroot are fixed once it is reachable.
 */
#include <stdio.h>

#include "vfs/etfs.h"

#define RFS_MAXFILE	((int64_t)1 << 30)	/* one buffer: keep it sane */

struct rfs_dirent {
	struct rfs_dirent *next;
	uint64_t cookie;
	struct rfs_node *node;
	size_t	namelen;
	char	name[];
};

struct rfs_node {
	enum vtype type;
	uint64_t fileid;
	uint32_t nlink;		/* rfs_lock */
	int	flags;		/* RFS_*, fixed once reachable */
	struct vattr attr;	/* mode, uid, gid, times, flags, rdev */
	struct rfs_node *parent;	/* directories; etfs keys: theirs */
	struct rfs_dirent *entries;	/* directories, by cookie */
	uint64_t nextcookie;
	char	*data;		/* VREG contents / VLNK target */
	size_t	size, cap;	/* host-backed VREG: size only */
	uint64_t devsize;	/* etfs VBLK/VCHR: the size stat reports */
	struct etfs_file *host;	/* host-backed VREG; RFS_HOSTDIR: path */
	struct rfs_node *etroot;	/* RFS_EPHEMERAL: its DIR key */
	_Atomic int etchildren;	/* DIR key: its live ephemeral nodes */
	struct rfs_node *hostkids;	/* rfs_hostlock: DIR key's listed
					   ephemeral nodes */
	struct rfs_node *hostnext;	/* rfs_hostlock: on etroot's list */
	bool	hostlisted;		/* rfs_hostlock */
};
#define RFS_ETKEY	0x01	/* an etfs key's node (or its raw node) */
#define RFS_ETAUTO	0x02	/* a directory made on the way to a key */
#define RFS_HOSTDIR	0x04	/* names are looked up on the host */
#define RFS_HOSTSUBDIRS	0x08	/* ...and host subdirectories mapped */
#define RFS_HOSTSTUB	0x10	/* an unmapped host subdirectory */
#define RFS_EPHEMERAL	0x20	/* made by a host lookup, in no directory */
#define RFS_HOSTNS	(RFS_HOSTDIR | RFS_HOSTSTUB)

static kmutex_t rfs_lock;
static kmutex_t rfs_hostlock;
static uint64_t rfs_nextid = 2;		/* rfs_lock */
static struct rfs_node *rfs_root;	/* fixed after mount */
static struct mount *rfs_mp;		/* fixed after mount */
static const struct vnodeops rfs_vnodeops;

static struct rfs_node *
node_alloc(enum vtype type, const struct vattr *va)
{
	struct rfs_node *n = kmem_zalloc(sizeof(*n), KM_SLEEP);
	struct rump_timespec now;

	if (n == NULL)
		return NULL;
	n->type = type;
	vfs_timestamp(&now);
	n->attr.va_mode = va ? va->va_mode & 07777 : 0755;
	n->attr.va_uid = va ? va->va_uid : 0;
	n->attr.va_gid = va ? va->va_gid : 0;
	n->attr.va_rdev = va && va->va_rdev != (uint64_t)VNOVAL ?
	    va->va_rdev : 0;
	n->attr.va_atime = n->attr.va_mtime = n->attr.va_ctime =
	    n->attr.va_birthtime = now;
	n->nextcookie = 2;
	n->nlink = type == VDIR ? 2 : 1;
	mutex_enter(&rfs_lock);
	n->fileid = rfs_nextid++;
	mutex_exit(&rfs_lock);
	return n;
}

static void
node_free(struct rfs_node *n)
{
	if (n->data != NULL)
		kmem_free(n->data, n->cap);
	if (n->host != NULL)
		etfs_file_free(n->host);
	if (n->etroot != NULL)
		atomic_fetch_sub(&n->etroot->etchildren, 1);
	kmem_free(n, sizeof(*n));
}

static int
node_vget(struct rfs_node *n, struct vnode **vpp)
{
	return vcache_get(rfs_mp, (uint64_t)(uintptr_t)n, vpp);
}

static void
touch(struct rfs_node *n, bool mod)
{
	struct rump_timespec now;

	vfs_timestamp(&now);
	n->attr.va_ctime = now;
	if (mod)
		n->attr.va_mtime = now;
}

/* --- directories --------------------------------------------------------- */

static struct rfs_dirent *
dir_find(struct rfs_node *d, const char *name, size_t len)
{
	struct rfs_dirent *e;

	for (e = d->entries; e != NULL; e = e->next)
		if (e->namelen == len && memcmp(e->name, name, len) == 0)
			return e;
	return NULL;
}

static int
dir_add(struct rfs_node *d, const struct componentname *cn,
    struct rfs_node *n)
{
	struct rfs_dirent *e, **ep;

	e = kmem_alloc(sizeof(*e) + cn->cn_namelen, KM_SLEEP);
	if (e == NULL)
		return ENOSPC;
	e->node = n;
	e->namelen = cn->cn_namelen;
	memcpy(e->name, cn->cn_nameptr, cn->cn_namelen);
	e->cookie = d->nextcookie++;
	e->next = NULL;
	for (ep = &d->entries; *ep != NULL; ep = &(*ep)->next)
		continue;
	*ep = e;
	touch(d, true);
	return 0;
}

static void
dir_remove(struct rfs_node *d, struct rfs_dirent *e)
{
	struct rfs_dirent **ep;

	for (ep = &d->entries; *ep != e; ep = &(*ep)->next)
		continue;
	*ep = e->next;
	kmem_free(e, sizeof(*e) + e->namelen);
	touch(d, true);
}

/* --- host directories (etfs DIR keys) ------------------------------------------ */

/* A new ephemeral node for the host file path, of host type hft, seen
 * in host directory d; NULL with *errorp. */
static struct rfs_node *
host_node(struct rfs_node *d, const char *path, uint64_t size, int hft,
    int *errorp)
{
	struct rfs_node *n, *root = d->etroot != NULL ? d->etroot : d;
	enum vtype type = hft == RUMPUSER_FT_DIR ? VDIR : VREG;

	if ((n = node_alloc(type, NULL)) == NULL) {
		*errorp = ENOMEM;
		return NULL;
	}
	n->flags = RFS_EPHEMERAL | (type == VREG ? 0 :
	    (d->flags & RFS_HOSTSUBDIRS) ? RFS_HOSTDIR | RFS_HOSTSUBDIRS :
	    RFS_HOSTSTUB);
	n->etroot = root;
	atomic_fetch_add(&root->etchildren, 1);
	n->size = type == VREG ? (size_t)size : 0;
	if ((*errorp = etfs_file_new(path, 0, ETFS_UNLIMITED, false,
	    &n->host)) != 0) {
		node_free(n);
		return NULL;
	}
	return n;
}

/* The listed node of root for host path; rfs_hostlock held. */
static struct rfs_node *
host_find(struct rfs_node *root, const char *path)
{
	struct rfs_node *n;

	KASSERT(mutex_owned(&rfs_hostlock));
	for (n = root->hostkids; n != NULL; n = n->hostnext)
		if (strcmp(n->host->ef_path, path) == 0)
			return n;
	return NULL;
}

static void
host_unlist(struct rfs_node *n)
{
	struct rfs_node **np;

	KASSERT(mutex_owned(&rfs_hostlock));
	if (!n->hostlisted)
		return;
	for (np = &n->etroot->hostkids; *np != n; np = &(*np)->hostnext)
		continue;
	*np = n->hostnext;
	n->hostlisted = false;
}

/* The vnode of the listed node for path, if there is one. */
static bool
host_cached(struct rfs_node *root, const char *path, struct vnode **vpp,
    int *errorp)
{
	struct rfs_node *n;

	mutex_enter(&rfs_hostlock);
	if ((n = host_find(root, path)) != NULL)
		*errorp = node_vget(n, vpp);
	mutex_exit(&rfs_hostlock);
	return n != NULL;
}

/* List n (unless another lookup listed the same path first) and take
 * the listed node's vnode. */
static int
host_publish(struct rfs_node *root, struct rfs_node *n, struct vnode **vpp)
{
	struct rfs_node *other;
	int error;

	mutex_enter(&rfs_hostlock);
	if ((other = host_find(root, n->host->ef_path)) != NULL) {
		error = node_vget(other, vpp);
		mutex_exit(&rfs_hostlock);
		node_free(n);
		return error;
	}
	n->hostnext = root->hostkids;
	root->hostkids = n;
	n->hostlisted = true;
	if ((error = node_vget(n, vpp)) != 0)
		host_unlist(n);
	mutex_exit(&rfs_hostlock);
	if (error != 0)
		node_free(n);
	return error;
}

/* Look name up in the host directory behind d: only host regular files
 * and directories are visible. */
static int
host_lookup(struct rfs_node *d, const struct componentname *cn,
    struct vnode **vpp)
{
	struct rfs_node *n, *root = d->etroot != NULL ? d->etroot : d;
	uint64_t size;
	size_t len;
	char *path;
	int error, hft;

	if (d->flags & RFS_HOSTSTUB)
		return ENOENT;
	len = strlen(d->host->ef_path) + 1 + cn->cn_namelen + 1;
	if (len > MAXPATHLEN)
		return ENAMETOOLONG;
	if ((path = kmem_alloc(len, KM_SLEEP)) == NULL)
		return ENOMEM;
	snprintf(path, len, "%s/%.*s", d->host->ef_path, (int)cn->cn_namelen,
	    cn->cn_nameptr);
	if (host_cached(root, path, vpp, &error)) {
		kmem_free(path, len);
		return error;
	}
	error = etfs_host_getfileinfo(path, &size, &hft);
	if (error == 0 && hft != RUMPUSER_FT_REG && hft != RUMPUSER_FT_DIR)
		error = ENOENT;
	n = error == 0 ? host_node(d, path, size, hft, &error) : NULL;
	kmem_free(path, len);
	if (n == NULL)
		return error;
	return host_publish(root, n, vpp);
}

/* --- vnode operations -------------------------------------------------------- */

static int
rfs_lookup(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn)
{
	struct rfs_node *d = dvp->v_data, *n;
	struct rfs_dirent *e;

	if (cn->cn_namelen == 1 && cn->cn_nameptr[0] == '.') {
		vref(dvp);
		*vpp = dvp;
		return 0;
	}
	if (cn->cn_namelen == 2 && cn->cn_nameptr[0] == '.' &&
	    cn->cn_nameptr[1] == '.') {
		/* below a DIR key the host's ".." is not followed */
		if ((d->flags & RFS_HOSTNS) && d->parent == NULL)
			return EOPNOTSUPP;
		n = d->parent != NULL ? d->parent : d;
		return node_vget(n, vpp);
	}
	if (d->flags & RFS_HOSTNS)
		return host_lookup(d, cn, vpp);
	if ((e = dir_find(d, cn->cn_nameptr, cn->cn_namelen)) == NULL)
		return ENOENT;
	return node_vget(e->node, vpp);
}

static int
rfs_makenode(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn, struct vattr *va, const char *target)
{
	struct rfs_node *d = dvp->v_data, *n;
	int error;

	if (d->flags & RFS_HOSTNS)
		return EOPNOTSUPP;
	if (dir_find(d, cn->cn_nameptr, cn->cn_namelen) != NULL)
		return EEXIST;
	if ((n = node_alloc(va->va_type, va)) == NULL)
		return ENOSPC;
	if (target != NULL) {
		n->size = n->cap = strlen(target);
		if (n->cap > 0 && (n->data = kmem_alloc(n->cap, KM_SLEEP)) ==
		    NULL) {
			node_free(n);
			return ENOSPC;
		}
		if (n->size > 0)	/* an empty target has no buffer */
			memcpy(n->data, target, n->size);
	}
	if (va->va_type == VDIR)
		n->parent = d;
	if ((error = dir_add(d, cn, n)) != 0) {
		node_free(n);
		return error;
	}
	if ((error = node_vget(n, vpp)) != 0) {
		/* no vnode: the new name must not outlive the failure */
		dir_remove(d, dir_find(d, cn->cn_nameptr, cn->cn_namelen));
		node_free(n);
		return error;
	}
	if (va->va_type == VDIR) {
		mutex_enter(&rfs_lock);
		d->nlink++;
		mutex_exit(&rfs_lock);
	}
	return 0;
}

static int
rfs_create(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn, struct vattr *va)
{
	return rfs_makenode(dvp, vpp, cn, va, NULL);
}

static int
rfs_mkdir(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn, struct vattr *va)
{
	va->va_type = VDIR;
	return rfs_makenode(dvp, vpp, cn, va, NULL);
}

static int
rfs_symlink(struct vnode *dvp, struct vnode **vpp,
    const struct componentname *cn, struct vattr *va, const char *target)
{
	va->va_type = VLNK;
	return rfs_makenode(dvp, vpp, cn, va, target);
}

static void
unlink_node(struct rfs_node *n)
{
	mutex_enter(&rfs_lock);
	n->nlink--;
	mutex_exit(&rfs_lock);
	touch(n, false);
}

/* Whether a name operation may touch directory d and node n (NULL). */
static int
etfs_guard(struct rfs_node *d, struct rfs_node *n)
{
	if (d->flags & RFS_HOSTNS)
		return EOPNOTSUPP;
	if (n != NULL && (n->flags & RFS_ETKEY))
		return EBUSY;
	return 0;
}

static int
rfs_remove(struct vnode *dvp, struct vnode *vp,
    const struct componentname *cn)
{
	struct rfs_node *d = dvp->v_data;
	struct rfs_dirent *e = dir_find(d, cn->cn_nameptr, cn->cn_namelen);
	int error;

	if ((error = etfs_guard(d, vp->v_data)) != 0)
		return error;
	if (e == NULL || e->node != vp->v_data)
		return ENOENT;
	dir_remove(d, e);
	unlink_node(vp->v_data);
	return 0;
}

static int
rfs_rmdir(struct vnode *dvp, struct vnode *vp,
    const struct componentname *cn)
{
	struct rfs_node *d = dvp->v_data, *n = vp->v_data;
	struct rfs_dirent *e = dir_find(d, cn->cn_nameptr, cn->cn_namelen);
	int error;

	if ((error = etfs_guard(d, n)) != 0)
		return error;
	if (e == NULL || e->node != n)
		return ENOENT;
	if (n->entries != NULL)
		return ENOTEMPTY;
	dir_remove(d, e);
	mutex_enter(&rfs_lock);
	n->nlink = 0;
	d->nlink--;
	mutex_exit(&rfs_lock);
	n->parent = NULL;
	return 0;
}

static int
rfs_link(struct vnode *dvp, struct vnode *vp, const struct componentname *cn)
{
	struct rfs_node *n = vp->v_data;
	int error;

	if ((error = etfs_guard(dvp->v_data, n)) != 0)
		return error;
	if (dir_find(dvp->v_data, cn->cn_nameptr, cn->cn_namelen) != NULL)
		return EEXIST;
	if (n->nlink >= 32767)
		return EMLINK;
	if ((error = dir_add(dvp->v_data, cn, n)) != 0)
		return error;
	mutex_enter(&rfs_lock);
	n->nlink++;
	mutex_exit(&rfs_lock);
	touch(n, false);
	return 0;
}

static int
rfs_rename(struct vnode *fdvp, struct vnode *fvp,
    const struct componentname *fcn, struct vnode *tdvp, struct vnode *tvp,
    const struct componentname *tcn)
{
	struct rfs_node *fd = fdvp->v_data, *td = tdvp->v_data;
	struct rfs_node *n = fvp->v_data;
	struct rfs_dirent *fe, *te;
	int error;

	if ((error = etfs_guard(fd, n)) != 0 || (error = etfs_guard(td,
	    tvp != NULL ? tvp->v_data : NULL)) != 0)
		return error;
	if ((fe = dir_find(fd, fcn->cn_nameptr, fcn->cn_namelen)) == NULL ||
	    fe->node != n)
		return ENOENT;
	te = dir_find(td, tcn->cn_nameptr, tcn->cn_namelen);
	if (tvp != NULL) {
		struct rfs_node *t = tvp->v_data;

		if (te == NULL || te->node != t)
			return ENOENT;
		if (t->type == VDIR && t->entries != NULL)
			return ENOTEMPTY;
		/* Repoint the target entry rather than add a new one. */
		te->node = n;
		touch(td, true);
		mutex_enter(&rfs_lock);
		if (t->type == VDIR) {
			t->nlink = 0;
			td->nlink--;
		} else
			t->nlink--;
		mutex_exit(&rfs_lock);
		touch(t, false);
	} else if ((error = dir_add(td, tcn, n)) != 0)
		return error;
	dir_remove(fd, fe);
	if (n->type == VDIR && fd != td) {
		n->parent = td;
		mutex_enter(&rfs_lock);
		fd->nlink--;
		td->nlink++;
		mutex_exit(&rfs_lock);
	}
	touch(n, false);
	return 0;
}

static int
rfs_getattr(struct vnode *vp, struct vattr *va)
{
	struct rfs_node *n = vp->v_data;

	*va = n->attr;
	va->va_type = n->type;
	mutex_enter(&rfs_lock);
	va->va_nlink = n->nlink;
	mutex_exit(&rfs_lock);
	va->va_fsid = vp->v_mount->mnt_fsid;
	va->va_fileid = n->fileid;
	va->va_size = n->type == VDIR ? 512 : (int64_t)n->size;
	va->va_blocksize = 512;
	va->va_bytes = (int64_t)n->cap;
	if (n->host != NULL && n->type == VREG)
		va->va_bytes = (int64_t)roundup((uint64_t)n->size, 512);
	if ((n->flags & RFS_ETKEY) && (n->type == VBLK || n->type == VCHR))
		va->va_size = (int64_t)n->devsize;
	va->va_gen = 1;
	return 0;
}

static int
resize(struct rfs_node *n, size_t size)
{
	char *p;
	size_t cap;

	if (size > n->cap) {
		for (cap = n->cap ? n->cap : 512; cap < size; cap *= 2)
			continue;
		if ((p = kmem_zalloc(cap, KM_SLEEP)) == NULL)
			return ENOSPC;
		if (n->data != NULL) {
			memcpy(p, n->data, n->size);
			kmem_free(n->data, n->cap);
		}
		n->data = p;
		n->cap = cap;
	} else if (size < n->size)
		memset(n->data + size, 0, n->size - size);
	n->size = size;
	return 0;
}

/*
 * A host-backed file's new size: growing writes zeros over the new
 * part (the host may hold old bytes there); shrinking only moves the
 * end, as the host file cannot be shortened from here.
 */
static int
host_truncate(struct rfs_node *n, int64_t size)
{
	int error;

	if (size < 0)
		return EINVAL;
	if ((uint64_t)size > n->host->ef_limit)
		return EFBIG;
	if ((uint64_t)size > n->size &&
	    (error = etfs_file_zero(n->host, n->size, (uint64_t)size)) != 0)
		return error;
	n->size = (size_t)size;
	return 0;
}

static int
rfs_setattr(struct vnode *vp, const struct vattr *va)
{
	struct rfs_node *n = vp->v_data;
	int error;

	if (va->va_size != VNOVAL) {
		if (n->type == VDIR)
			return EISDIR;
		if (n->host != NULL && n->type == VREG) {
			if ((error = host_truncate(n, va->va_size)) != 0)
				return error;
			touch(n, true);
		} else if (va->va_size < 0 || va->va_size > RFS_MAXFILE)
			return va->va_size < 0 ? EINVAL : EFBIG;
		else if (n->type == VREG) {
			if ((error = resize(n, (size_t)va->va_size)) != 0)
				return error;
			touch(n, true);
		}
	}
	if (va->va_mode != (mode_t)VNOVAL)
		n->attr.va_mode = va->va_mode & 07777;
	if (va->va_uid != (uid_t)VNOVAL)
		n->attr.va_uid = va->va_uid;
	if (va->va_gid != (gid_t)VNOVAL)
		n->attr.va_gid = va->va_gid;
	if (va->va_flags != (uint64_t)VNOVAL)
		n->attr.va_flags = va->va_flags;
	if (va->va_atime.tv_sec != VNOVAL)
		n->attr.va_atime = va->va_atime;
	if (va->va_mtime.tv_sec != VNOVAL)
		n->attr.va_mtime = va->va_mtime;
	if (va->va_birthtime.tv_sec != VNOVAL)
		n->attr.va_birthtime = va->va_birthtime;
	touch(n, false);
	return 0;
}

static int
rfs_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct rfs_node *n = vp->v_data;
	size_t len;

	(void)ioflag;
	if (n->host != NULL && n->type == VREG)
		return etfs_file_read(n->host, uio, n->size);
	if (uio->uio_offset < 0)
		return EINVAL;
	if ((uint64_t)uio->uio_offset >= n->size)
		return 0;
	len = MIN(uio->uio_resid, n->size - (size_t)uio->uio_offset);
	return uiomove(n->data + uio->uio_offset, len, uio);
}

static int
host_write(struct rfs_node *n, struct uio *uio, int ioflag)
{
	uint64_t size = n->size;
	size_t count = uio->uio_resid;
	int error;

	error = etfs_file_write(n->host, uio, &size);
	n->size = (size_t)size;
	if (uio->uio_resid != count)
		touch(n, true);
	if (error == 0 && (ioflag & (IO_SYNC | IO_DSYNC)))
		error = etfs_file_sync(n->host);
	return error;
}

static int
rfs_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct rfs_node *n = vp->v_data;
	size_t end;
	int error;

	if (ioflag & IO_APPEND)
		uio->uio_offset = (off_t)n->size;
	if (n->host != NULL && n->type == VREG)
		return host_write(n, uio, ioflag);
	if (uio->uio_offset < 0)
		return EINVAL;
	if (uio->uio_resid == 0)
		return 0;
	if ((uint64_t)uio->uio_offset + uio->uio_resid > RFS_MAXFILE)
		return EFBIG;
	end = (size_t)uio->uio_offset + uio->uio_resid;
	if (end > n->size && (error = resize(n, end)) != 0)
		return error;
	error = uiomove(n->data + uio->uio_offset, uio->uio_resid, uio);
	touch(n, true);
	return error;
}

static int
rfs_readdir(struct vnode *vp, struct uio *uio, int *eofp)
{
	struct rfs_node *d = vp->v_data;
	struct rfs_dirent *e;
	uint64_t c = (uint64_t)uio->uio_offset;
	int error, n = 0;

	*eofp = 0;
	if (c == 0) {
		if ((error = vfs_dirent_put(uio, d->fileid, ".", 1, 4)) != 0)
			return error == VFS_DIRENT_FULL ? EINVAL : error;
		uio->uio_offset = c = 1;
		n++;
	}
	if (c == 1) {
		struct rfs_node *p = d->parent ? d->parent : d;

		if ((error = vfs_dirent_put(uio, p->fileid, "..", 2, 4)) != 0)
			return error == VFS_DIRENT_FULL ? (n ? 0 : EINVAL) : error;
		uio->uio_offset = c = 2;
		n++;
	}
	for (e = d->entries; e != NULL; e = e->next) {
		if (e->cookie < c)
			continue;
		error = vfs_dirent_put(uio, e->node->fileid, e->name,
		    e->namelen, vtype_to_dt(e->node->type));
		if (error == VFS_DIRENT_FULL)
			return n ? 0 : EINVAL;
		if (error != 0)
			return error;
		uio->uio_offset = (off_t)e->cookie + 1;
		n++;
	}
	*eofp = 1;
	return 0;
}

static int
rfs_readlink(struct vnode *vp, struct uio *uio)
{
	struct rfs_node *n = vp->v_data;

	return uiomove(n->data, MIN(n->size, uio->uio_resid), uio);
}

/*
 * Host-backed files reach the host's fdatasync.  A character device
 * that is the raw side of a disk (a block driver of the same major)
 * syncs the medium.  (Block devices never get here: bdev.c flushes
 * their buffers.)
 */
static int
rfs_fsync(struct vnode *vp, int flags)
{
	struct rfs_node *n = vp->v_data;
	const struct bdevsw *sw;

	(void)flags;
	if (n->host != NULL && n->type == VREG)
		return etfs_file_sync(n->host);
	if (vp->v_type == VCHR && (sw = bdevsw_lookup(vp->v_rdev)) != NULL &&
	    sw->d_sync != NULL)
		return sw->d_sync(vp->v_rdev);
	return 0;
}

static int
rfs_inactive(struct vnode *vp, bool *recycle)
{
	struct rfs_node *n = vp->v_data;

	if (n->flags & RFS_EPHEMERAL) {
		/* no lookup finds it from now on */
		mutex_enter(&rfs_hostlock);
		host_unlist(n);
		mutex_exit(&rfs_hostlock);
		*recycle = true;
		return 0;
	}
	mutex_enter(&rfs_lock);
	*recycle = n->nlink == 0;
	mutex_exit(&rfs_lock);
	return 0;
}

static int
rfs_reclaim(struct vnode *vp)
{
	struct rfs_node *n = vp->v_data;

	if (n != NULL && (n->nlink == 0 || (n->flags & RFS_EPHEMERAL)))
		node_free(n);
	vp->v_data = NULL;
	return 0;
}

static int
rfs_pathconf(struct vnode *vp, int name, register_t *retval)
{
	(void)vp;
	switch (name) {
	case 1: *retval = 32767; return 0;	/* _PC_LINK_MAX */
	case 4: *retval = MAXNAMLEN; return 0;	/* _PC_NAME_MAX */
	case 5: *retval = MAXPATHLEN; return 0;	/* _PC_PATH_MAX */
	case 6: *retval = 512; return 0;	/* _PC_PIPE_BUF */
	case 7: *retval = 1; return 0;		/* _PC_CHOWN_RESTRICTED */
	case 8: *retval = 1; return 0;		/* _PC_NO_TRUNC */
	default: return EINVAL;
	}
}

static const struct vnodeops rfs_vnodeops = {
	.vop_lookup = rfs_lookup,
	.vop_create = rfs_create,
	.vop_mkdir = rfs_mkdir,
	.vop_symlink = rfs_symlink,
	.vop_remove = rfs_remove,
	.vop_rmdir = rfs_rmdir,
	.vop_link = rfs_link,
	.vop_rename = rfs_rename,
	.vop_getattr = rfs_getattr,
	.vop_setattr = rfs_setattr,
	.vop_read = rfs_read,
	.vop_write = rfs_write,
	.vop_readdir = rfs_readdir,
	.vop_readlink = rfs_readlink,
	.vop_fsync = rfs_fsync,
	.vop_inactive = rfs_inactive,
	.vop_reclaim = rfs_reclaim,
	.vop_pathconf = rfs_pathconf,
};

/* --- vfs operations ------------------------------------------------------------ */

static int
rfs_mount(struct mount *mp, void *data, size_t *len)
{
	(void)data;
	(void)len;
	if (rfs_root != NULL)
		return EBUSY;
	if ((rfs_root = node_alloc(VDIR, NULL)) == NULL)
		return ENOMEM;
	rfs_mp = mp;
	strcpy(mp->mnt_fromname, "rumpfs");
	return 0;
}

static int
rfs_unmount(struct mount *mp, int flags)
{
	(void)mp;
	(void)flags;
	return EBUSY;
}

static int
rfs_root_get(struct mount *mp, struct vnode **vpp)
{
	(void)mp;
	return node_vget(rfs_root, vpp);
}

static int
rfs_statvfs(struct mount *mp, struct rump_statvfs *sb)
{
	(void)mp;
	sb->f_bsize = sb->f_frsize = sb->f_iosize = 512;
	mutex_enter(&rfs_lock);
	sb->f_files = rfs_nextid;
	mutex_exit(&rfs_lock);
	return 0;
}

static int
rfs_sync(struct mount *mp, int waitfor)
{
	(void)mp;
	(void)waitfor;
	return 0;
}

static int
rfs_loadvnode(struct mount *mp, struct vnode *vp, uint64_t key)
{
	struct rfs_node *n = (struct rfs_node *)(uintptr_t)key;

	(void)mp;
	vp->v_type = n->type;
	vp->v_op = &rfs_vnodeops;
	vp->v_data = n;
	vp->v_rdev = n->attr.va_rdev;
	if (n == rfs_root)
		vp->v_vflag |= VV_ROOT;
	return 0;
}

static struct vfsops rumpfs_vfsops = {
	.vfs_name = "rumpfs",
	.vfs_mount = rfs_mount,
	.vfs_unmount = rfs_unmount,
	.vfs_root = rfs_root_get,
	.vfs_statvfs = rfs_statvfs,
	.vfs_sync = rfs_sync,
	.vfs_loadvnode = rfs_loadvnode,
};

/* --- etfs keys ------------------------------------------------------------------ */

/* The entry of d naming node n, or NULL. */
static struct rfs_dirent *
dir_find_node(struct rfs_node *d, struct rfs_node *n)
{
	struct rfs_dirent *e;

	for (e = d->entries; e != NULL; e = e->next)
		if (e->node == n)
			return e;
	return NULL;
}

/* Take n's entry out of d (both locked X); n goes with its vnode. */
static void
dir_unlink_node(struct rfs_node *d, struct rfs_node *n)
{
	struct rfs_dirent *e = dir_find_node(d, n);

	KASSERT(e != NULL);
	dir_remove(d, e);
	mutex_enter(&rfs_lock);
	if (n->type == VDIR) {
		n->nlink = 0;
		d->nlink--;
	} else
		n->nlink--;
	mutex_exit(&rfs_lock);
	n->parent = NULL;
}

/*
 * Remove the directory of vp, then its parent and so on, while each is
 * one etfs made (RFS_ETAUTO), empty and unused.  Consumes vp's
 * reference.  Locks parent, then child, as everywhere.
 */
static void
etfs_prune(struct vnode *vp)
{
	struct rfs_node *n, *p;
	struct vnode *pvp;
	bool gone;

	for (;;) {
		n = vp->v_data;
		if (!(n->flags & RFS_ETAUTO) || (p = n->parent) == NULL ||
		    node_vget(p, &pvp) != 0)
			break;
		vn_lock(pvp, RW_WRITER);
		vn_lock(vp, RW_WRITER);
		gone = n->parent == p && n->entries == NULL &&
		    vn_usecount(vp) == 1 && vp->v_mountedhere == NULL &&
		    dir_find_node(p, n) != NULL;
		if (gone)
			dir_unlink_node(p, n);
		vn_unlock(vp);
		vn_unlock(pvp);
		vrele(vp);
		vp = pvp;
		if (!gone)
			break;
	}
	vrele(vp);
}

/*
 * One step of the walk to a key: name in dvp (locked X), a directory,
 * made for the key if missing.  A DIR key on the way is EEXIST (its
 * names belong to the host), a file ENOTDIR.
 */
static int
etfs_step(struct vnode *dvp, const struct componentname *cn,
    struct vnode **vpp)
{
	struct rfs_node *d = dvp->v_data;
	struct rfs_dirent *e;
	struct vattr va;
	int error;

	if (d->flags & RFS_HOSTNS)
		return EEXIST;
	if ((e = dir_find(d, cn->cn_nameptr, cn->cn_namelen)) != NULL) {
		if (e->node->type != VDIR)
			return ENOTDIR;
		return node_vget(e->node, vpp);
	}
	vattr_null(&va);
	va.va_type = VDIR;
	va.va_mode = 0755;
	va.va_uid = 0;
	va.va_gid = 0;
	if ((error = rfs_makenode(dvp, vpp, cn, &va, NULL)) != 0)
		return error;
	/* unseen until dvp is unlocked */
	((struct rfs_node *)(*vpp)->v_data)->flags |= RFS_ETAUTO;
	return 0;
}

/* The directory holding key's last component (*lastp), referenced;
 * on failure the deepest directory reached, for pruning. */
static int
etfs_walk(const char *key, struct vnode **dvpp, const char **lastp)
{
	struct componentname cn = { NULL, 0, NULL };
	struct vnode *dvp, *vp;
	const char *p = key, *slash;
	int error;

	*dvpp = NULL;
	if ((error = node_vget(rfs_root, &dvp)) != 0)
		return error;
	while ((slash = strchr(p, '/')) != NULL) {
		cn.cn_nameptr = p;
		cn.cn_namelen = (size_t)(slash - p);
		vn_lock(dvp, RW_WRITER);
		error = etfs_step(dvp, &cn, &vp);
		vn_unlock(dvp);
		if (error != 0)
			break;
		vrele(dvp);
		dvp = vp;
		p = slash + 1;
	}
	*dvpp = dvp;
	*lastp = p;
	return error;
}

/* The key's node, entered as cn in d (locked X). */
static int
etfs_mknode(struct rfs_node *d, const struct componentname *cn,
    const struct rumpfs_etfs_spec *spec, struct rfs_node **np)
{
	struct rfs_node *n;
	struct vattr va;
	int error;

	vattr_null(&va);
	va.va_mode = 0755;
	va.va_uid = 0;
	va.va_gid = 0;
	va.va_rdev = spec->rdev;
	if ((n = node_alloc(spec->type, &va)) == NULL)
		return ENOMEM;
	n->flags = RFS_ETKEY;
	if (spec->type == VDIR)
		n->flags |= RFS_HOSTDIR | (spec->subdirs ? RFS_HOSTSUBDIRS : 0);
	if (spec->type == VREG)
		n->size = (size_t)spec->size;
	n->devsize = spec->size;
	n->parent = d;
	if ((error = dir_add(d, cn, n)) != 0) {
		node_free(n);
		return error;
	}
	n->host = spec->file;
	if (spec->type == VDIR) {
		mutex_enter(&rfs_lock);
		d->nlink++;
		mutex_exit(&rfs_lock);
	}
	*np = n;
	return 0;
}

int
rumpfs_etfs_attach(const char *key, const struct rumpfs_etfs_spec *spec,
    struct rfs_node **np)
{
	struct componentname cn = { NULL, 0, NULL };
	struct vnode *dvp;
	struct rfs_node *d;
	const char *last;
	int error;

	if ((error = etfs_walk(key, &dvp, &last)) == 0) {
		cn.cn_nameptr = last;
		cn.cn_namelen = strlen(last);
		vn_lock(dvp, RW_WRITER);
		d = dvp->v_data;
		if ((d->flags & RFS_HOSTNS) ||
		    dir_find(d, cn.cn_nameptr, cn.cn_namelen) != NULL)
			error = EEXIST;
		else
			error = etfs_mknode(d, &cn, spec, np);
		vn_unlock(dvp);
	}
	if (error != 0 && dvp != NULL)
		etfs_prune(dvp);
	else if (dvp != NULL)
		vrele(dvp);
	return error;
}

/* Whether anyone but the caller (holding one reference) uses vp. */
static bool
etfs_inuse(struct vnode *vp)
{
	struct rfs_node *n = vp->v_data;

	return vn_usecount(vp) > 1 || atomic_load(&n->etchildren) > 0;
}

int
rumpfs_etfs_detach(struct rfs_node *n, struct rfs_node *raw)
{
	struct vnode *dvp, *vp, *rvp = NULL;
	struct rfs_node *d = n->parent;
	int error;

	if ((error = node_vget(d, &dvp)) != 0)
		return error;
	vn_lock(dvp, RW_WRITER);
	if ((error = node_vget(n, &vp)) != 0) {
		vn_unlock(dvp);
		vrele(dvp);
		return error;
	}
	if (raw != NULL && (error = node_vget(raw, &rvp)) != 0)
		rvp = NULL;
	if (error == 0 && (etfs_inuse(vp) || (rvp != NULL && etfs_inuse(rvp))))
		error = EBUSY;
	if (error == 0) {
		dir_unlink_node(d, n);
		if (rvp != NULL)
			dir_unlink_node(d, raw);
	}
	vn_unlock(dvp);
	vrele(vp);		/* the last reference: n goes */
	if (rvp != NULL)
		vrele(rvp);
	if (error == 0)
		etfs_prune(dvp);
	else
		vrele(dvp);
	return error;
}

/* Make a device node in /dev at boot. */
static int
mkdevnode(struct vnode *devdir, const char *name, int maj, int min)
{
	struct componentname cn = { name, strlen(name), NULL };
	struct vattr va;
	struct vnode *vp;
	int error;

	vattr_null(&va);
	va.va_type = VCHR;
	va.va_mode = 0666;
	va.va_uid = 0;
	va.va_gid = 0;
	va.va_rdev = NETBSD_MAKEDEV(maj, min);
	vn_lock(devdir, RW_WRITER);
	error = rfs_create(devdir, &vp, &cn, &va);
	vn_unlock(devdir);
	if (error == 0)
		vrele(vp);
	return error;
}

int
rumpfs_mountroot(void)
{
	struct componentname cn = { "dev", 3, NULL };
	struct vnode *devdir;
	struct vattr va;
	int error;

	mutex_init(&rfs_lock);
	mutex_init(&rfs_hostlock);
	vfs_register(&rumpfs_vfsops);
	if ((error = vfs_mountroot(&rumpfs_vfsops, &rootvnode)) != 0)
		return error;
	vattr_null(&va);
	va.va_mode = 0755;
	va.va_uid = 0;
	va.va_gid = 0;
	vn_lock(rootvnode, RW_WRITER);
	error = rfs_mkdir(rootvnode, &devdir, &cn, &va);
	vn_unlock(rootvnode);
	if (error != 0)
		return error;
	if ((error = mkdevnode(devdir, "null", 2, 2)) == 0)
		error = mkdevnode(devdir, "zero", 2, 12);
	vrele(devdir);
	return error;
}
