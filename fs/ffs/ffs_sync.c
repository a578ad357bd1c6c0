/*
 * ffs_sync.c: fsync of one file.
 *
 * What it offers (ffs.h): ffs_fsync_file writes the file's own dirty
 * data and every dirty metadata buffer of its device (inode blocks,
 * directories, indirect blocks, cylinder groups, the summary array and
 * the superblock), then asks the device to reach its medium.  Other
 * files' data (buffers ffs_write marked B_FILEDATA) stays in the cache
 * for the syncer: an fsync no longer waits for every byte anyone wrote.
 * All metadata goes, not just the file's, because that is what keeps a
 * crash after fsync checkable by fsck with nothing to repair: the
 * inodes and cylinder groups the file's allocations touched share
 * their blocks with other files'.
 *
 * How: the file's block map is walked once into a sorted list of
 * sector runs; bflush_some asks, for each dirty buffer of the device,
 * "metadata, or inside a run?" (a binary search, under the cache's
 * lock: no sleeping there).  Without memory for the list, the whole
 * device is flushed, as before.  The caller holds the vnode lock
 * exclusively, so the map does not change meanwhile.
 */
#include "fs/ffs/ffs.h"

#define RUNS_MIN	16
#define RUNS_MAX	(1 << 20)	/* past this, flush the device */

struct runs {
	int64_t	(*r_v)[2];		/* [start, end) in sectors, sorted */
	size_t	r_n, r_cap;
	bool	r_full;			/* gave up: flush everything */
};

static void
runs_add(struct runs *r, int64_t start, int64_t len)
{
	size_t lo = 0, hi = r->r_n;

	if (r->r_full)
		return;
	if (r->r_n > 0 && r->r_v[r->r_n - 1][1] == start) {
		r->r_v[r->r_n - 1][1] += len;	/* the common case */
		return;
	}
	if (r->r_n == r->r_cap) {
		size_t ncap = r->r_cap ? 2 * r->r_cap : RUNS_MIN;
		int64_t (*nv)[2];

		if (ncap > RUNS_MAX ||
		    (nv = kmem_alloc(ncap * sizeof(*nv), KM_SLEEP)) == NULL) {
			r->r_full = true;
			return;
		}
		if (r->r_n > 0)
			memcpy(nv, r->r_v, r->r_n * sizeof(*nv));
		if (r->r_v != NULL)
			kmem_free(r->r_v, r->r_cap * sizeof(*nv));
		r->r_v = nv;
		r->r_cap = ncap;
	}
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r->r_v[mid][0] < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(r->r_v + lo + 1, r->r_v + lo, (r->r_n - lo) * sizeof(*r->r_v));
	r->r_v[lo][0] = start;
	r->r_v[lo][1] = start + len;
	r->r_n++;
}

/* bflush_some's question: metadata, or one of the file's sectors? */
static bool
runs_want(void *arg, int64_t blkno, int flags)
{
	const struct runs *r = arg;
	size_t lo = 0, hi = r->r_n;

	if (!(flags & B_FILEDATA))
		return true;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r->r_v[mid][1] <= blkno)
			lo = mid + 1;
		else if (r->r_v[mid][0] > blkno)
			hi = mid;
		else
			return true;
	}
	return false;
}

/* The sectors of every block ip's map holds. */
static int
runs_collect(struct ffs_inode *ip, struct runs *r)
{
	struct ffs_mount *fm = ip->fi_fm;
	int64_t nblk = (int64_t)((ip->fi_size + (uint64_t)fm->fm_bsize - 1) >>
	    fm->fm_bshift), frag;
	int error;

	for (int64_t lbn = 0; lbn < nblk && !r->r_full; lbn++) {
		if ((error = ffs_bmap(ip, lbn, &frag)) != 0)
			return error;
		if (frag != 0)
			runs_add(r, FFS_FSBTODB(fm, frag),
			    (int64_t)(ffs_blksize(ip, lbn) / DEV_BSIZE));
	}
	return 0;
}

int
ffs_fsync_file(struct ffs_inode *ip)
{
	struct ffs_mount *fm = ip->fi_fm;
	struct runs r = { 0 };
	int error;

	if ((error = ffs_inode_update(ip, false)) != 0)
		return error;
	mutex_enter(&fm->fm_lock);
	if (fm->fm_fmod)
		error = ffs_sbupdate(fm, false);
	mutex_exit(&fm->fm_lock);
	if (error != 0)
		return error;
	if (ffs_mode_vtype(ip->fi_mode) == VREG)
		error = runs_collect(ip, &r);
	else
		r.r_full = true;	/* only regular files' data is marked */
	if (error == 0 && !r.r_full)
		error = bflush_some(fm->fm_dev, runs_want, &r);
	else {
		int e = bflush(fm->fm_dev);

		if (error == 0)
			error = e;
	}
	if (r.r_v != NULL)
		kmem_free(r.r_v, r.r_cap * sizeof(*r.r_v));
	return error;
}
