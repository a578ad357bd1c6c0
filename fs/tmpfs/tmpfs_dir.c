/*
 * tmpfs_dir.c: directory entries.
 *
 * A directory keeps its entries twice: on a list sorted by cookie, for
 * readdir, and (once it has a few) in a hash table by name, for
 * lookup.  Each entry gets the directory's next cookie when attached;
 * cookies only grow and are never reused, so appending keeps the list
 * sorted.  Cookies 0 and 1 stand for "." and "..", which have no
 * entries.  readdir resumes at the first entry whose cookie is >= the
 * offset it is given, which stays right whatever was inserted or
 * removed in between: a surviving entry is returned exactly once.
 *
 * To make sequential reads cheap the directory remembers where the
 * last readdir stopped (d_hint).
 *
 * Locking: the directory's vnode lock guards its lists (X to change,
 * S to read).  d_hint is written by readdir under a shared lock, so it
 * is guarded by tm_lock; an entry it points at is alive as long as the
 * reader holds the vnode lock, because removal needs it exclusive.
 */
#include "fs/tmpfs/tmpfs.h"

#define HASH_MIN_ENTRIES	8	/* below this, scan the list */
#define HASH_MIN_SIZE		16

static uint32_t
name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (uint8_t)name[i];
		h *= 16777619u;
	}
	return h;
}

static size_t
dirent_size(size_t namelen)
{
	return sizeof(struct tmpfs_dirent) + namelen;
}

int
tmpfs_dirent_alloc(struct tmpfs_mount *tm, const char *name, size_t len,
    struct tmpfs_dirent **dep)
{
	struct tmpfs_dirent *de;

	KASSERT(len > 0 && len <= TMPFS_NAME_MAX);
	if (!tmpfs_mem_charge(tm, dirent_size(len)))
		return ENOSPC;
	if ((de = kmem_alloc(dirent_size(len), KM_SLEEP)) == NULL) {
		tmpfs_mem_uncharge(tm, dirent_size(len));
		return ENOSPC;
	}
	memset(de, 0, sizeof(*de));
	memcpy(de->td_name, name, len);
	de->td_namelen = (uint16_t)len;
	de->td_hash = name_hash(name, len);
	*dep = de;
	return 0;
}

void
tmpfs_dirent_free(struct tmpfs_mount *tm, struct tmpfs_dirent *de)
{
	size_t size = dirent_size(de->td_namelen);

	kmem_free(de, size);
	tmpfs_mem_uncharge(tm, size);
}

struct tmpfs_dirent *
tmpfs_dir_lookup(struct tmpfs_node *dn, const char *name, size_t len)
{
	struct tmpfs_dir *d = &dn->tn_dir;
	struct tmpfs_dirent *de;
	uint32_t h;

	KASSERT(dn->tn_type == VDIR);
	if (d->d_hash == NULL) {
		for (de = d->d_head; de != NULL; de = de->td_next)
			if (de->td_namelen == len &&
			    memcmp(de->td_name, name, len) == 0)
				return de;
		return NULL;
	}
	h = name_hash(name, len);
	for (de = d->d_hash[h & (d->d_hashsize - 1)]; de != NULL;
	    de = de->td_hnext)
		if (de->td_hash == h && de->td_namelen == len &&
		    memcmp(de->td_name, name, len) == 0)
			return de;
	return NULL;
}

static void
hash_insert(struct tmpfs_dir *d, struct tmpfs_dirent *de)
{
	struct tmpfs_dirent **bucket = &d->d_hash[de->td_hash &
	    (d->d_hashsize - 1)];

	de->td_hnext = *bucket;
	*bucket = de;
}

/* Rebuild the hash table at twice the size; on no memory, keep the
 * old one (chains just get longer).  Tables are not charged to the
 * mount (NetBSD's directories have none). */
static void
hash_grow(struct tmpfs_dir *d)
{
	size_t nsize = d->d_hashsize ? d->d_hashsize * 2 : HASH_MIN_SIZE;
	struct tmpfs_dirent **ntab, *de;

	ntab = kmem_zalloc(nsize * sizeof(*ntab), KM_SLEEP);
	if (ntab == NULL)
		return;
	if (d->d_hash != NULL)
		kmem_free(d->d_hash, d->d_hashsize * sizeof(*ntab));
	d->d_hash = ntab;
	d->d_hashsize = nsize;
	for (de = d->d_head; de != NULL; de = de->td_next)
		hash_insert(d, de);
}

/* Give de (for node n) the next cookie and link it into dn. */
void
tmpfs_dir_attach(struct tmpfs_node *dn, struct tmpfs_dirent *de,
    struct tmpfs_node *n)
{
	struct tmpfs_dir *d = &dn->tn_dir;

	de->td_node = n;
	de->td_cookie = d->d_nextcookie++;
	de->td_next = NULL;
	de->td_prev = d->d_tail;
	if (d->d_tail != NULL)
		d->d_tail->td_next = de;
	else
		d->d_head = de;
	d->d_tail = de;
	d->d_count++;
	if (d->d_hash != NULL)
		hash_insert(d, de);
	if (d->d_count >= HASH_MIN_ENTRIES && d->d_count > d->d_hashsize)
		hash_grow(d);
}

void
tmpfs_dir_detach(struct tmpfs_mount *tm, struct tmpfs_node *dn,
    struct tmpfs_dirent *de)
{
	struct tmpfs_dir *d = &dn->tn_dir;
	struct tmpfs_dirent **pp;

	if (d->d_hash != NULL) {
		pp = &d->d_hash[de->td_hash & (d->d_hashsize - 1)];
		while (*pp != de)
			pp = &(*pp)->td_hnext;
		*pp = de->td_hnext;
	}
	if (de->td_prev != NULL)
		de->td_prev->td_next = de->td_next;
	else
		d->d_head = de->td_next;
	if (de->td_next != NULL)
		de->td_next->td_prev = de->td_prev;
	else
		d->d_tail = de->td_prev;
	d->d_count--;
	mutex_enter(&tm->tm_lock);
	if (d->d_hint == de)
		d->d_hint = de->td_next;
	mutex_exit(&tm->tm_lock);
	de->td_next = de->td_prev = de->td_hnext = NULL;
}

/* The first entry whose cookie is >= off. */
static struct tmpfs_dirent *
dir_seek(struct tmpfs_mount *tm, struct tmpfs_dir *d, uint64_t off)
{
	struct tmpfs_dirent *de;

	mutex_enter(&tm->tm_lock);
	de = d->d_hint;
	mutex_exit(&tm->tm_lock);
	if (de == NULL || de->td_cookie > off)
		de = d->d_head;
	while (de != NULL && de->td_cookie < off)
		de = de->td_next;
	return de;
}

/* Store one record, or say VFS_DIRENT_FULL (EINVAL if it is the
 * first: the caller's buffer cannot hold even one). */
static int
dir_emit(struct uio *uio, uint64_t fileno, const char *name, size_t len,
    enum vtype type, int *count)
{
	int error;

	if (uio->uio_resid < RUMP_DIRENT_RECLEN(len))
		error = VFS_DIRENT_FULL;
	else
		error = vfs_dirent_put(uio, fileno, name, len,
		    vtype_to_dt(type));
	if (error == 0)
		(*count)++;
	else if (error == VFS_DIRENT_FULL && *count == 0)
		error = EINVAL;
	return error;
}

/*
 * readdir: records from cookie uio_offset on; leaves uio_offset at the
 * cookie of the first record not returned.
 */
int
tmpfs_dir_getdents(struct tmpfs_mount *tm, struct tmpfs_node *dn,
    struct uio *uio, int *eofp)
{
	struct tmpfs_dir *d = &dn->tn_dir;
	struct tmpfs_node *parent;
	struct tmpfs_dirent *de = NULL;
	uint64_t off;
	int error = 0, count = 0;

	*eofp = 0;
	if (uio->uio_offset < 0)
		return EINVAL;
	off = (uint64_t)uio->uio_offset;
	if (off == 0) {
		if ((error = dir_emit(uio, dn->tn_id, ".", 1, VDIR,
		    &count)) != 0)
			goto out;
		off = 1;
	}
	if (off == 1) {
		parent = d->d_parent != NULL ? d->d_parent : dn;
		if ((error = dir_emit(uio, parent->tn_id, "..", 2, VDIR,
		    &count)) != 0)
			goto out;
		off = TMPFS_FIRST_COOKIE;
	}
	for (de = dir_seek(tm, d, off); de != NULL; de = de->td_next) {
		off = de->td_cookie;
		if ((error = dir_emit(uio, de->td_node->tn_id, de->td_name,
		    de->td_namelen, de->td_node->tn_type, &count)) != 0)
			goto out;
	}
	off = MAX(off, d->d_nextcookie);
	*eofp = 1;
out:
	if (error == VFS_DIRENT_FULL)
		error = 0;
	uio->uio_offset = (off_t)off;
	if (de != NULL || *eofp) {
		mutex_enter(&tm->tm_lock);
		d->d_hint = de;
		mutex_exit(&tm->tm_lock);
	}
	return error;
}

/* Free every entry and the hash table (unmount, or node freeing). */
void
tmpfs_dir_destroy(struct tmpfs_mount *tm, struct tmpfs_node *dn)
{
	struct tmpfs_dir *d = &dn->tn_dir;
	struct tmpfs_dirent *de;

	while ((de = d->d_head) != NULL) {
		d->d_head = de->td_next;
		tmpfs_dirent_free(tm, de);
	}
	d->d_tail = NULL;
	d->d_count = 0;
	d->d_hint = NULL;
	if (d->d_hash != NULL) {
		kmem_free(d->d_hash, d->d_hashsize * sizeof(*d->d_hash));
		d->d_hash = NULL;
		d->d_hashsize = 0;
	}
}

/* st_size of a directory: grows with its entries, as NetBSD's. */
int64_t
tmpfs_dir_size(const struct tmpfs_node *dn)
{
	return (int64_t)(dn->tn_dir.d_count * sizeof(struct tmpfs_dirent));
}
