/*
 * tmpfs_pages.c: the bytes of regular files.
 *
 * A file's data lives in 4096-byte pages found through a radix tree
 * keyed by page index (struct tmpfs_pt).  Every level above the data
 * is one page holding 512 pointers, so a tree of height h spans 512^h
 * pages: a file with one byte at offset 1 GiB costs three pointer
 * pages and one data page, a file of one page no pointer page at all.
 * A missing page is a hole and reads as zeros.
 *
 * Invariant: the bytes of a page beyond tn_size are zero, and no page
 * lies wholly beyond tn_size.  Shrinking zeroes the tail of the last
 * page and frees the rest, so growing the file again uncovers zeros.
 *
 * Accounting: a write charges the mount (tmpfs_mem_charge) for every
 * data page it will add before it adds any, so the mount's size limit
 * fails a write whole with ENOSPC.  Pointer pages count as kernel
 * memory only, not against the mount.  Kernel memory running out (kmem_alloc returning NULL) also
 * ends a write with ENOSPC, after the bytes already stored: the caller
 * then sees a short write.
 *
 * Locking: the caller holds the file's vnode lock, shared to read and
 * exclusive to change; nothing here takes other locks but tm_lock
 * inside the accounting calls.
 */
#include "fs/tmpfs/tmpfs.h"

/* Kernel memory kept free for the rest of the kernel when data pages
 * are allocated from a kernel with a memory limit. */
#define TMPFS_KMEM_SPARE	((uint64_t)2 << 20)

/* Pages spanned by a tree (or subtree) of height h. */
static inline uint64_t
pt_span(int h)
{
	return (uint64_t)1 << (TMPFS_PT_SHIFT * h);
}

/* Which pointer of a height-h map leads toward page idx. */
static inline unsigned
pt_slot(uint64_t idx, int h)
{
	return (unsigned)(idx >> (TMPFS_PT_SHIFT * (h - 1))) &
	    (TMPFS_PT_FANOUT - 1);
}

static void *
pt_lookup(const struct tmpfs_pt *pt, uint64_t idx)
{
	void *node = pt->pt_root;
	int h;

	if (node == NULL || idx >= pt_span(pt->pt_height))
		return NULL;
	for (h = pt->pt_height; h > 0 && node != NULL; h--)
		node = ((void **)node)[pt_slot(idx, h)];
	return node;
}

/* Pointer pages are kernel memory but, as NetBSD's page lists, not
 * charged to the mount: only file data, nodes and names are. */
static void **
map_alloc(struct tmpfs_pt *pt)
{
	void **map = kmem_zalloc(PAGE_SIZE, KM_SLEEP);

	if (map != NULL)
		pt->pt_nmaps++;
	return map;
}

static void
map_free(struct tmpfs_pt *pt, void **map)
{
	kmem_free(map, PAGE_SIZE);
	pt->pt_nmaps--;
}

/* A zeroed data page, leaving some kernel memory for everyone else. */
static void *
page_alloc(void)
{
	uint64_t lim = kmem_limit(), spare;

	if (lim != 0) {
		spare = MIN(lim / 8, TMPFS_KMEM_SPARE);
		if (!kmem_reserve(PAGE_SIZE + spare))
			return NULL;
		kmem_unreserve(PAGE_SIZE + spare);
	}
	return kmem_zalloc(PAGE_SIZE, KM_SLEEP);
}

/* Free a data page; its charge goes back to the mount. */
static void
page_free(struct tmpfs_mount *tm, struct tmpfs_pt *pt, void *page)
{
	kmem_free(page, PAGE_SIZE);
	tmpfs_mem_uncharge(tm, PAGE_SIZE);
	pt->pt_npages--;
}

/*
 * Put page at idx, which must be a hole.  Height 0 is a lone page at
 * index 0; the tree grows by putting the old root in slot 0 of a new
 * one.
 */
static int
pt_insert(struct tmpfs_pt *pt, uint64_t idx, void *page)
{
	void **map, **slot;
	int h;

	KASSERT(idx < pt_span(TMPFS_PT_MAXHEIGHT));
	if (pt->pt_root == NULL) {
		for (h = 0; idx >= pt_span(h); h++)
			continue;
		pt->pt_height = h;
		if (h > 0 && (pt->pt_root = map_alloc(pt)) == NULL)
			return ENOSPC;
	}
	while (idx >= pt_span(pt->pt_height)) {
		if ((map = map_alloc(pt)) == NULL)
			return ENOSPC;
		map[0] = pt->pt_root;
		pt->pt_root = map;
		pt->pt_height++;
	}
	slot = &pt->pt_root;
	for (h = pt->pt_height; h > 0; h--) {
		if (*slot == NULL && (*slot = map_alloc(pt)) == NULL)
			return ENOSPC;
		slot = &((void **)*slot)[pt_slot(idx, h)];
	}
	KASSERT(*slot == NULL);
	*slot = page;
	pt->pt_npages++;
	return 0;
}

/*
 * Free the pages at index >= first in the subtree `node` of height h
 * whose first index is base, and every pointer page left empty.
 * Returns whether node itself was freed.
 */
static bool
pt_free_from(struct tmpfs_mount *tm, struct tmpfs_pt *pt, void *node,
    int h, uint64_t base, uint64_t first)
{
	void **map = node;
	uint64_t span, lo;
	unsigned i, left = 0;

	if (h == 0) {
		if (base < first)
			return false;
		page_free(tm, pt, node);
		return true;
	}
	span = pt_span(h - 1);
	for (i = 0; i < TMPFS_PT_FANOUT; i++) {
		lo = base + i * span;
		if (map[i] != NULL && lo + span > first &&
		    pt_free_from(tm, pt, map[i], h - 1, lo, first))
			map[i] = NULL;
		if (map[i] != NULL)
			left++;
	}
	if (left > 0)
		return false;
	map_free(pt, map);
	return true;
}

/* Lower the tree while only slot 0 of the root is in use. */
static void
pt_shrink(struct tmpfs_pt *pt)
{
	void **map;
	unsigned i;

	while (pt->pt_height > 0) {
		map = pt->pt_root;
		for (i = 1; i < TMPFS_PT_FANOUT; i++)
			if (map[i] != NULL)
				return;
		pt->pt_root = map[0];
		pt->pt_height--;
		map_free(pt, map);
		if (pt->pt_root == NULL) {
			pt->pt_height = 0;
			return;
		}
	}
}

/* Free every page at index >= first. */
static void
pt_truncate(struct tmpfs_mount *tm, struct tmpfs_pt *pt, uint64_t first)
{
	if (pt->pt_root == NULL || first >= pt_span(pt->pt_height))
		return;
	if (pt_free_from(tm, pt, pt->pt_root, pt->pt_height, 0, first)) {
		pt->pt_root = NULL;
		pt->pt_height = 0;
	} else
		pt_shrink(pt);
}

/* Holes among the pages first..last. */
static uint64_t
pt_count_holes(const struct tmpfs_pt *pt, uint64_t first, uint64_t last)
{
	uint64_t idx, n = 0;

	for (idx = first; idx <= last; idx++)
		if (pt_lookup(pt, idx) == NULL)
			n++;
	return n;
}

/* Copy out file bytes from uio_offset up to EOF; holes read zeros. */
int
tmpfs_reg_read(struct tmpfs_node *n, struct uio *uio)
{
	uint64_t off, pgoff;
	size_t len;
	char *page;
	int error = 0;

	while (error == 0 && uio->uio_resid > 0 &&
	    uio->uio_offset < n->tn_size) {
		off = (uint64_t)uio->uio_offset;
		pgoff = off & TMPFS_PAGE_MASK;
		len = (size_t)MIN(PAGE_SIZE - pgoff,
		    (uint64_t)n->tn_size - off);
		len = MIN(len, uio->uio_resid);
		page = pt_lookup(&n->tn_pt, off >> TMPFS_PAGE_SHIFT);
		if (page != NULL)
			error = uiomove(page + pgoff, len, uio);
		else
			error = uiozero(len, uio);
	}
	return error;
}

/*
 * Copy uio into the file at uio_offset, growing it.  The caller has
 * checked the offset against TMPFS_MAXFILESIZE.  A short write (some
 * bytes stored, then memory ran out) returns 0 with uio_resid left.
 */
int
tmpfs_reg_write(struct tmpfs_mount *tm, struct tmpfs_node *n,
    struct uio *uio)
{
	struct tmpfs_pt *pt = &n->tn_pt;
	size_t resid0 = uio->uio_resid, len;
	uint64_t off, pgoff, idx, first, last, reserved;
	char *page;
	int error = 0;

	if (uio->uio_resid == 0)
		return 0;
	first = (uint64_t)uio->uio_offset >> TMPFS_PAGE_SHIFT;
	last = ((uint64_t)uio->uio_offset + uio->uio_resid - 1) >>
	    TMPFS_PAGE_SHIFT;
	reserved = pt_count_holes(pt, first, last) * PAGE_SIZE;
	if (!tmpfs_mem_charge(tm, reserved))
		return ENOSPC;

	while (uio->uio_resid > 0) {
		off = (uint64_t)uio->uio_offset;
		idx = off >> TMPFS_PAGE_SHIFT;
		pgoff = off & TMPFS_PAGE_MASK;
		len = (size_t)MIN(PAGE_SIZE - pgoff, uio->uio_resid);
		if ((page = pt_lookup(pt, idx)) == NULL) {
			KASSERT(reserved >= PAGE_SIZE);
			if ((page = page_alloc()) == NULL) {
				error = ENOSPC;
				break;
			}
			if ((error = pt_insert(pt, idx, page)) != 0) {
				kmem_free(page, PAGE_SIZE);
				break;
			}
			reserved -= PAGE_SIZE;
		}
		error = uiomove(page + pgoff, len, uio);
		if (uio->uio_offset > n->tn_size)
			n->tn_size = uio->uio_offset;
		if (error != 0)
			break;
	}
	tmpfs_mem_uncharge(tm, reserved);
	if (error != 0) {
		/* Pages added past what got written hold nothing. */
		pt_truncate(tm, pt, howmany((uint64_t)n->tn_size, PAGE_SIZE));
		if (uio->uio_resid < resid0)
			error = 0;
	}
	return error;
}

/* Set the size: shrinking frees pages and zeroes the last one's tail. */
int
tmpfs_reg_truncate(struct tmpfs_mount *tm, struct tmpfs_node *n,
    int64_t size)
{
	uint64_t pgoff;
	char *page;

	if (size < 0)
		return EINVAL;
	if (size > TMPFS_MAXFILESIZE)
		return EFBIG;
	if (size < n->tn_size) {
		pgoff = (uint64_t)size & TMPFS_PAGE_MASK;
		page = pt_lookup(&n->tn_pt, (uint64_t)size >> TMPFS_PAGE_SHIFT);
		if (pgoff != 0 && page != NULL)
			memset(page + pgoff, 0, PAGE_SIZE - pgoff);
		pt_truncate(tm, &n->tn_pt,
		    howmany((uint64_t)size, PAGE_SIZE));
	}
	n->tn_size = size;
	return 0;
}

/* Free all of a file's pages (the node is going away). */
void
tmpfs_reg_destroy(struct tmpfs_mount *tm, struct tmpfs_node *n)
{
	pt_truncate(tm, &n->tn_pt, 0);
	KASSERT(n->tn_pt.pt_npages == 0 && n->tn_pt.pt_nmaps == 0);
}
