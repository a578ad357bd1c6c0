/*
 * ffs_dirhash.c: an in-memory index of a big directory (NetBSD's
 * dirhash idea), so that lookup and create do not read the whole
 * directory.
 *
 * What it offers (ffs.h): for a directory of at least FFS_DH_MINSIZE
 * bytes, a table from a name's hash to the byte offsets of the entries
 * with that hash (candidates: ffs_dir.c reads the chunk and compares
 * the name), and per 512-byte chunk the slack it holds (what an insert
 * can use, 12.7) and how many entries are live (for cutting empty
 * chunks off the end).  ffs_dir.c builds it by reading the directory
 * once and tells it every change of a chunk (the entries before and
 * after), so it stays exact; anything unexpected (a size that does not
 * match, an entry it does not know, a full table) drops the index and
 * the next lookup builds it again.  What it uses: kmem (every table is
 * counted, so RUMP_MEMLIMIT bounds it), and nothing of the disk.
 *
 * Memory: all indexes together hold at most dh_cap bytes (1/16 of
 * the kernel's memory limit, 32 MiB without one); installing a new one
 * drops the least recently used first.  Under memory pressure the kmem
 * reclaim hook drops them all, oldest first (a module build has no
 * hook: kmem cannot forget a hook, so it keeps to dh_cap alone).
 *
 * Locks: ffs_dh_lock (global, a leaf: nothing is allocated, read or
 * written while it is held) guards every index's contents, the LRU
 * list, dh_bytes and the fi_dirhash pointer of every inode.  The
 * directory's vnode lock orders the changes: they come under the
 * exclusive lock, so candidates handed to a lookup (shared lock) stay
 * true until it lets go; only the reclaim hook may drop an index under
 * a reader's feet, which costs that reader nothing (it has copies).
 */
#include "fs/ffs/ffs.h"

#define DH_EMPTY	0u
#define DH_DELETED	UINT32_MAX
#define DH_CHUNKS_MIN	16

struct dh_slot {
	uint32_t s_hash;
	uint32_t s_off1;	/* entry offset + 1; DH_EMPTY, DH_DELETED */
};

struct ffs_dh {
	struct ffs_inode *dh_owner;	/* NULL while being built */
	struct ffs_dh *dh_next, *dh_prev;	/* LRU, most recent first */
	uint64_t dh_size;		/* directory size it describes */
	struct dh_slot *dh_tab;
	uint32_t dh_mask;		/* slots - 1 (power of two) */
	uint32_t dh_used;		/* live + deleted slots */
	uint16_t *dh_slack;		/* [dh_chunkcap] */
	uint16_t *dh_live;		/* [dh_chunkcap] */
	uint32_t dh_chunkcap;
	size_t	dh_bytes;		/* all of it, for dh_cap */
};

static kmutex_t ffs_dh_lock;
static struct ffs_dh *dh_lru, *dh_lrutail;	/* ffs_dh_lock */
static size_t dh_bytes;			/* ffs_dh_lock */
static size_t dh_cap;			/* fixed at attach */

uint32_t
ffs_dh_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

static void
dh_destroy(struct ffs_dh *dh)
{
	if (dh->dh_tab != NULL)
		kmem_free(dh->dh_tab, ((size_t)dh->dh_mask + 1) *
		    sizeof(struct dh_slot));
	if (dh->dh_slack != NULL)
		kmem_free(dh->dh_slack, dh->dh_chunkcap * sizeof(uint16_t));
	if (dh->dh_live != NULL)
		kmem_free(dh->dh_live, dh->dh_chunkcap * sizeof(uint16_t));
	kmem_free(dh, sizeof(*dh));
}

/*
 * A new, empty index for a directory of dirsize bytes, with room to
 * grow by half before it must be rebuilt.  NULL without memory.
 */
struct ffs_dh *
ffs_dh_alloc(uint64_t dirsize)
{
	uint64_t nchunks = dirsize / FFS_DIRBLKSIZ, slots = 64;
	struct ffs_dh *dh;

	if (dirsize > INT32_MAX)
		return NULL;
	/* entries take 16 bytes or more but "." and ".."; load <= 3/4 */
	while (slots < dirsize / 8)
		slots *= 2;
	if ((dh = kmem_zalloc(sizeof(*dh), KM_SLEEP)) == NULL)
		return NULL;
	dh->dh_mask = (uint32_t)slots - 1;
	dh->dh_chunkcap = (uint32_t)(nchunks + nchunks / 2 + DH_CHUNKS_MIN);
	dh->dh_tab = kmem_zalloc(slots * sizeof(struct dh_slot), KM_SLEEP);
	dh->dh_slack = kmem_zalloc(dh->dh_chunkcap * sizeof(uint16_t),
	    KM_SLEEP);
	dh->dh_live = kmem_zalloc(dh->dh_chunkcap * sizeof(uint16_t),
	    KM_SLEEP);
	if (dh->dh_tab == NULL || dh->dh_slack == NULL ||
	    dh->dh_live == NULL) {
		dh_destroy(dh);
		return NULL;
	}
	dh->dh_bytes = sizeof(*dh) + slots * sizeof(struct dh_slot) +
	    2 * dh->dh_chunkcap * sizeof(uint16_t);
	return dh;
}

void
ffs_dh_free(struct ffs_dh *dh)
{
	dh_destroy(dh);
}

static bool
dh_add(struct ffs_dh *dh, uint32_t hash, uint32_t off)
{
	uint32_t i = hash & dh->dh_mask;

	if ((dh->dh_used + 1) * 4 > (dh->dh_mask + 1) * 3)
		return false;
	while (dh->dh_tab[i].s_off1 != DH_EMPTY &&
	    dh->dh_tab[i].s_off1 != DH_DELETED)
		i = (i + 1) & dh->dh_mask;
	if (dh->dh_tab[i].s_off1 == DH_EMPTY)
		dh->dh_used++;
	dh->dh_tab[i].s_hash = hash;
	dh->dh_tab[i].s_off1 = off + 1;
	return true;
}

static bool
dh_remove(struct ffs_dh *dh, uint32_t hash, uint32_t off)
{
	uint32_t i = hash & dh->dh_mask;

	for (; dh->dh_tab[i].s_off1 != DH_EMPTY; i = (i + 1) & dh->dh_mask)
		if (dh->dh_tab[i].s_off1 == off + 1) {
			if (dh->dh_tab[i].s_hash != hash)
				return false;
			dh->dh_tab[i].s_off1 = DH_DELETED;
			return true;
		}
	return false;
}

/*
 * Record chunk `off`: forget the entries it held (old[0..nold)) and
 * learn those it holds now.  False if the index cannot follow (the
 * caller drops it).
 */
static bool
dh_chunk(struct ffs_dh *dh, uint64_t off, const struct ffs_dhent *old,
    int nold, const struct ffs_dhent *new, int nnew, size_t slack)
{
	uint64_t c = off / FFS_DIRBLKSIZ;

	if (off % FFS_DIRBLKSIZ != 0 || off > dh->dh_size ||
	    c >= dh->dh_chunkcap)
		return false;
	for (int i = 0; i < nold; i++)
		if (!dh_remove(dh, old[i].de_hash, old[i].de_off))
			return false;
	for (int i = 0; i < nnew; i++)
		if (!dh_add(dh, new[i].de_hash, new[i].de_off))
			return false;
	dh->dh_slack[c] = (uint16_t)slack;
	dh->dh_live[c] = (uint16_t)nnew;
	if (off == dh->dh_size)
		dh->dh_size += FFS_DIRBLKSIZ;
	return true;
}

/* Building (the index is private to its builder): the next chunk. */
bool
ffs_dh_fill(struct ffs_dh *dh, uint64_t off, const struct ffs_dhent *ents,
    int n, size_t slack)
{
	return off == dh->dh_size && dh_chunk(dh, off, NULL, 0, ents, n,
	    slack);
}

static void
lru_unlink(struct ffs_dh *dh)
{
	if (dh->dh_prev != NULL)
		dh->dh_prev->dh_next = dh->dh_next;
	else
		dh_lru = dh->dh_next;
	if (dh->dh_next != NULL)
		dh->dh_next->dh_prev = dh->dh_prev;
	else
		dh_lrutail = dh->dh_prev;
	dh->dh_next = dh->dh_prev = NULL;
}

static void
lru_front(struct ffs_dh *dh)
{
	dh->dh_next = dh_lru;
	dh->dh_prev = NULL;
	if (dh_lru != NULL)
		dh_lru->dh_prev = dh;
	else
		dh_lrutail = dh;
	dh_lru = dh;
}

/* Take dh away from its owner (ffs_dh_lock held); the caller frees. */
static void
dh_detach(struct ffs_dh *dh)
{
	lru_unlink(dh);
	dh->dh_owner->fi_dirhash = NULL;
	dh->dh_owner = NULL;
	dh_bytes -= dh->dh_bytes;
}

/* The oldest index (ffs_dh_lock held), or NULL. */
static struct ffs_dh *
lru_oldest(void)
{
	return dh_lrutail;
}

/*
 * Give dp the index dh built for it (consumed).  Older indexes go to
 * make room; one bigger than everything allowed is not kept.
 */
void
ffs_dh_install(struct ffs_inode *dp, struct ffs_dh *dh)
{
	struct ffs_dh *victims = NULL, *v;

	mutex_enter(&ffs_dh_lock);
	if (dp->fi_dirhash != NULL || dh->dh_size != dp->fi_size ||
	    dh->dh_bytes > dh_cap) {
		mutex_exit(&ffs_dh_lock);
		dh_destroy(dh);
		return;
	}
	while (dh_bytes + dh->dh_bytes > dh_cap &&
	    (v = lru_oldest()) != NULL) {
		dh_detach(v);
		v->dh_next = victims;
		victims = v;
	}
	dh->dh_owner = dp;
	dp->fi_dirhash = dh;
	dh_bytes += dh->dh_bytes;
	lru_front(dh);
	mutex_exit(&ffs_dh_lock);
	while ((v = victims) != NULL) {
		victims = v->dh_next;
		dh_destroy(v);
	}
}

/* dp's index, checked against the directory (ffs_dh_lock held). */
static struct ffs_dh *
dh_of(struct ffs_inode *dp)
{
	struct ffs_dh *dh = dp->fi_dirhash;

	if (dh == NULL || dh->dh_size == dp->fi_size)
		return dh;
	return NULL;
}

void
ffs_dh_drop(struct ffs_inode *dp)
{
	struct ffs_dh *dh;

	mutex_enter(&ffs_dh_lock);
	if ((dh = dp->fi_dirhash) != NULL)
		dh_detach(dh);
	mutex_exit(&ffs_dh_lock);
	if (dh != NULL)
		dh_destroy(dh);
}

bool
ffs_dh_present(struct ffs_inode *dp)
{
	bool r;

	mutex_enter(&ffs_dh_lock);
	r = dp->fi_dirhash != NULL;
	mutex_exit(&ffs_dh_lock);
	return r;
}

/*
 * Offsets of the entries whose name hashes like name's, up to max:
 * the count, or -1 without a usable index (scan the directory).
 */
int
ffs_dh_find(struct ffs_inode *dp, uint32_t hash, uint64_t *offs, int max)
{
	struct ffs_dh *dh;
	uint32_t i;
	int n = 0;

	mutex_enter(&ffs_dh_lock);
	if ((dh = dh_of(dp)) == NULL) {
		mutex_exit(&ffs_dh_lock);
		return -1;
	}
	lru_unlink(dh);
	lru_front(dh);
	for (i = hash & dh->dh_mask; dh->dh_tab[i].s_off1 != DH_EMPTY;
	    i = (i + 1) & dh->dh_mask) {
		if (dh->dh_tab[i].s_off1 == DH_DELETED ||
		    dh->dh_tab[i].s_hash != hash)
			continue;
		if (n == max) {
			n = -1;
			break;
		}
		offs[n++] = dh->dh_tab[i].s_off1 - 1;
	}
	mutex_exit(&ffs_dh_lock);
	return n;
}

/*
 * The first chunk with `need` bytes of slack (*offp, or the directory
 * size if none) and the end of the last chunk holding a live entry
 * (*endp).  False without a usable index.
 */
bool
ffs_dh_room(struct ffs_inode *dp, size_t need, uint64_t *offp,
    uint64_t *endp)
{
	struct ffs_dh *dh;
	uint64_t n, c;

	mutex_enter(&ffs_dh_lock);
	if ((dh = dh_of(dp)) == NULL) {
		mutex_exit(&ffs_dh_lock);
		return false;
	}
	n = dh->dh_size / FFS_DIRBLKSIZ;
	for (c = 0; c < n && dh->dh_slack[c] < need; c++)
		;
	*offp = c * FFS_DIRBLKSIZ;
	for (c = n; c > 0 && dh->dh_live[c - 1] == 0; c--)
		;
	*endp = c * FFS_DIRBLKSIZ;
	mutex_exit(&ffs_dh_lock);
	return true;
}

/*
 * Chunk off of dp changed (or was appended: off is the old size) from
 * old to new; the directory's size is already the new one.  Drops
 * the index if it cannot follow.
 */
void
ffs_dh_update(struct ffs_inode *dp, uint64_t off, const struct ffs_dhent *old,
    int nold, const struct ffs_dhent *new, int nnew, size_t slack)
{
	struct ffs_dh *dh;
	bool ok;

	mutex_enter(&ffs_dh_lock);
	if ((dh = dp->fi_dirhash) == NULL) {
		mutex_exit(&ffs_dh_lock);
		return;
	}
	ok = dh_chunk(dh, off, old, nold, new, nnew, slack) &&
	    dh->dh_size == dp->fi_size;
	if (!ok)
		dh_detach(dh);
	mutex_exit(&ffs_dh_lock);
	if (!ok)
		dh_destroy(dh);
}

/* dp was cut to size bytes (the chunks past it held nothing live). */
void
ffs_dh_truncate(struct ffs_inode *dp, uint64_t size)
{
	struct ffs_dh *dh;
	bool ok = true;

	mutex_enter(&ffs_dh_lock);
	if ((dh = dp->fi_dirhash) != NULL) {
		for (uint64_t c = size / FFS_DIRBLKSIZ;
		    c < dh->dh_size / FFS_DIRBLKSIZ; c++)
			if (dh->dh_live[c] != 0)
				ok = false;
		if (size % FFS_DIRBLKSIZ != 0 || size > dh->dh_size ||
		    size != dp->fi_size)
			ok = false;
		if (ok)
			dh->dh_size = size;
		else
			dh_detach(dh);
	}
	mutex_exit(&ffs_dh_lock);
	if (dh != NULL && !ok)
		dh_destroy(dh);
}

/* kmem pressure: drop indexes, least recently used first. */
static size_t
dh_reclaim(size_t want)
{
	struct ffs_dh *victims = NULL, *v;
	size_t got = 0;

	mutex_enter(&ffs_dh_lock);
	while (got < want && (v = lru_oldest()) != NULL) {
		got += v->dh_bytes;
		dh_detach(v);
		v->dh_next = victims;
		victims = v;
	}
	mutex_exit(&ffs_dh_lock);
	while ((v = victims) != NULL) {
		victims = v->dh_next;
		dh_destroy(v);
	}
	return got;
}

void
ffs_dh_attach(void)
{
	uint64_t limit = kmem_limit();

	mutex_init(&ffs_dh_lock);
	dh_cap = limit != 0 ? (size_t)(limit / 16) : (size_t)32 << 20;
#ifndef RUMP_KMOD
	kmem_register_reclaim(dh_reclaim);
#else
	(void)dh_reclaim;
#endif
}

void
ffs_dh_detach(void)
{
	mutex_destroy(&ffs_dh_lock);
}

/* How many bytes the indexes hold now (tests). */
size_t
ffs_dh_inuse(void)
{
	size_t n;

	mutex_enter(&ffs_dh_lock);
	n = dh_bytes;
	mutex_exit(&ffs_dh_lock);
	return n;
}
