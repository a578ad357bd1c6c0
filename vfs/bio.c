/*
 * bio.c: the buffer cache.
 *
 * What it offers (vfs.h): buffers named (dev, blkno in DEV_BSIZE
 * units) holding b_bcount bytes of a block device: getblk, bread with
 * read-ahead, bwrite, bdwrite, brelse, bflush, binval.  Block device
 * files (bdev.c) and, later, disk file systems read and write through
 * it.  What it uses below: the block device switch (d_rw, d_sync) and
 * kmem, against whose limit every buffer counts.
 *
 * A buffer's states:
 *   BUSY    owned by one thread (the caller of getblk/bread until it
 *           calls brelse/bwrite/bdwrite, or the cache itself while it
 *           reads or writes the buffer); on no queue
 *   CLEAN   not busy, contents equal the device's; on bc_clean, least
 *           recently released first
 *   DIRTY   not busy, B_DELWRI: written by a caller, not yet by the
 *           driver; on bc_dirty, in the order they were released
 *   PARTIAL a DIRTY buffer without B_DONE: block device files
 *           (bget_overwrite) wrote sectors [bh_vstart, bh_vend) of a
 *           block that was not cached, without reading the rest; only
 *           that range is written out.  Any other use of the buffer
 *           (getblk, bread, a write elsewhere in it) first reads the
 *           rest from the device (bc_complete).
 * Every buffer is in the hash from creation to destruction.  Releasing
 * a buffer that holds nothing worth keeping (neither B_DONE nor
 * B_DELWRI, or B_INVAL, or a failed read) destroys it.  A write that fails leaves the buffer
 * DIRTY with B_ERROR: nothing written is ever dropped silently; the
 * next bflush tries again and reports the error.
 *
 * Memory: buffers come from kmem_alloc.  The data kept is capped at
 * bc_cap (15% of RUMP_MEMLIMIT as NetBSD's BUFCACHE, at least 256 KiB
 * and at most a quarter of the limit; 64 MiB without a limit).  A new
 * buffer past the cap first reuses or frees the oldest CLEAN one, and
 * when dirty data passes half the cap the oldest DIRTY ones are
 * written out first.  Under kmem pressure the reclaim hook frees CLEAN
 * buffers at once and asks the syncer to write DIRTY ones: the hook
 * runs inside arbitrary allocations, perhaps under a driver's own
 * lock, so it never calls a driver itself.
 *
 * The syncer, a kernel thread started with the first dirty buffer,
 * wakes every second and writes the buffers dirty for longer than
 * bc_syncdelay (5 s: NetBSD waits 30 s, but an emulated disk is more
 * often a host file someone is about to look at).  Every two delays it
 * also calls the hooks file systems registered (bio_hook_add), as
 * NetBSD's syncer calls VFS_SYNC: FFS writes its superblock there, so
 * a crash leaves the totals at most ~15 s old.  Halting stops it.
 *
 * Reads: a bread that misses right after a bread of the preceding
 * block of the same device also reads the following blocks in the
 * same driver call (read-ahead, up to BC_CLUSTER bytes, the window
 * doubling while the stream stays sequential).  Writes of neighbouring
 * dirty buffers go out in one driver call too.
 *
 * Locks: bc_lock guards the hash, the queues, the counters and every
 * field of a buffer that is not busy; a busy buffer's b_data, b_flags,
 * b_error and b_bcount belong to its owner, who touches them without
 * the lock.  b_dev and b_blkno are fixed while the buffer is hashed.
 * Waiting for a busy buffer sleeps on one of BC_NWAIT condvars chosen
 * by the buffer's name.  Order: vnode locks < bdev_lock (bdev.c) <
 * bc_lock < kern locks.  bc_lock is never held across a driver call,
 * kmem_alloc (the reclaim hook takes it), or uiomove.  A thread may
 * hold several busy buffers, but must not call bflush or binval while
 * holding one of that device (they wait for busy buffers).
 */
#include "vfs/vfs.h"

#define BC_NHASH	4096		/* hash chains (power of two) */
#define BC_NWAIT	64		/* wait channels */
#define BC_MAXBSIZE	(1024 * 1024)	/* largest buffer */
#define BC_CLUSTER	(256 * 1024)	/* most bytes in one driver call */
#define BC_MAXRUN	64		/* most buffers in one driver call */
#define BC_RAFIRST	4		/* first read-ahead window, blocks */
#define BC_NSTREAM	16		/* devices whose reads we follow */
#define BC_NUNSYNCED	64		/* devices written since d_sync */
#define BC_CAPMIN	(256 * 1024)
#define BC_CAPNOLIMIT	((size_t)64 * 1024 * 1024)
#define NSEC		1000000000LL
#define BC_SYNCDELAY	(5 * NSEC)
#define BC_SYNCTICK	NSEC
#define BC_NHOOK	4		/* periodic sync hooks */

enum bqueue_id { BQ_BUSY, BQ_CLEAN, BQ_DIRTY };

struct bufhdr {
	struct buf bh_buf;		/* what the owner sees */
	struct bufhdr *bh_hnext;	/* hash chain */
	struct bufhdr *bh_next, *bh_prev;	/* queue */
	enum bqueue_id bh_queue;
	int64_t	bh_dirtied;		/* first released dirty, ns; 0 clean */
	uint64_t bh_seq;		/* creation order */
	uint64_t bh_visit;		/* last flush/syncer pass that wrote it */
	uint64_t bh_waited;		/* last bflush pass that waited on it */
	size_t	bh_vstart, bh_vend;	/* PARTIAL: the bytes that are valid */
};

struct bqueue {
	struct bufhdr *bq_head, *bq_tail;
	size_t	bq_bytes;
	size_t	bq_count;
};

/* A device's read stream, for read-ahead. */
struct bstream {
	uint64_t st_dev;
	int64_t	st_last;		/* the block read last */
	int64_t	st_next;		/* the block a sequential read wants */
	int	st_window;		/* blocks to read ahead on a miss */
	bool	st_used;
};

static kmutex_t bc_lock;
static kcondvar_t bc_waitcv[BC_NWAIT];
static int bc_nwaiters[BC_NWAIT];		/* bc_lock */
static struct bufhdr *bc_hash[BC_NHASH];	/* bc_lock */
static struct bqueue bc_clean, bc_dirty;	/* bc_lock */
static size_t bc_bytes;			/* bc_lock: data of all buffers */
static size_t bc_nbuf;			/* bc_lock */
static size_t bc_cap;			/* fixed at init */
static uint64_t bc_seq;			/* bc_lock */
static uint64_t bc_passgen;		/* bc_lock */
static struct bstream bc_streams[BC_NSTREAM];	/* bc_lock */
static unsigned bc_streamnext;		/* bc_lock */
static uint64_t bc_unsynced[BC_NUNSYNCED];	/* bc_lock */
static int bc_nunsynced;		/* bc_lock */
static struct bio_stats bc_stats;	/* bc_lock (bs_cap..bs_dirty computed) */

/* The syncer. */
static kcondvar_t bc_syncer_cv;		/* bc_lock: wake it */
static int64_t bc_syncdelay = BC_SYNCDELAY;	/* bc_lock */
static bool bc_syncer_urgent;		/* bc_lock: memory is short */
static bool bc_syncer_stop;		/* bc_lock */
static void (*bc_hooks[BC_NHOOK])(void);	/* bc_lock */
static int bc_hookrun;			/* bc_lock: syncer inside hooks */
static kcondvar_t bc_hookcv;		/* bc_lock: bc_hookrun fell to 0 */
static int64_t bc_hooklast;		/* bc_lock: when hooks last ran */
static _Atomic bool bc_syncer_started;
static struct rumpuser_thread *bc_syncer_thread;	/* bc_lock */
static bool bc_inited;

static int64_t
mono_ns(void)
{
	struct rump_timespec ts;

	nanouptime(&ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

#define BH(bp)	((struct bufhdr *)(bp)->b_private)

/* Does bh hold only some written sectors (PARTIAL)?  Owner or lock. */
static bool
bc_partial(const struct bufhdr *bh)
{
	return !(bh->bh_buf.b_flags & B_DONE) && bh->bh_vend > bh->bh_vstart;
}

/* --- hash, queues, wait channels (bc_lock held) -------------------------- */

static size_t
bc_hashidx(uint64_t dev, int64_t blkno)
{
	uint64_t h = dev * 0x9e3779b97f4a7c15ULL ^
	    (uint64_t)blkno * 0xc2b2ae3d27d4eb4fULL;

	return (size_t)(h >> 40) & (BC_NHASH - 1);
}

static size_t
bc_chan(uint64_t dev, int64_t blkno)
{
	return bc_hashidx(dev, blkno) % BC_NWAIT;
}

static struct bufhdr *
bc_lookup(uint64_t dev, int64_t blkno)
{
	struct bufhdr *bh;

	for (bh = bc_hash[bc_hashidx(dev, blkno)]; bh != NULL;
	    bh = bh->bh_hnext)
		if (bh->bh_buf.b_dev == dev && bh->bh_buf.b_blkno == blkno)
			return bh;
	return NULL;
}

static void
bc_hash_insert(struct bufhdr *bh)
{
	size_t i = bc_hashidx(bh->bh_buf.b_dev, bh->bh_buf.b_blkno);

	bh->bh_hnext = bc_hash[i];
	bc_hash[i] = bh;
}

static void
bc_hash_remove(struct bufhdr *bh)
{
	struct bufhdr **p;

	p = &bc_hash[bc_hashidx(bh->bh_buf.b_dev, bh->bh_buf.b_blkno)];
	while (*p != bh)
		p = &(*p)->bh_hnext;
	*p = bh->bh_hnext;
}

static struct bqueue *
bq_of(enum bqueue_id id)
{
	return id == BQ_CLEAN ? &bc_clean : id == BQ_DIRTY ? &bc_dirty : NULL;
}

static void
bq_append(enum bqueue_id id, struct bufhdr *bh)
{
	struct bqueue *q = bq_of(id);

	bh->bh_queue = id;
	bh->bh_next = NULL;
	bh->bh_prev = q->bq_tail;
	if (q->bq_tail != NULL)
		q->bq_tail->bh_next = bh;
	else
		q->bq_head = bh;
	q->bq_tail = bh;
	q->bq_bytes += bh->bh_buf.b_bcount;
	q->bq_count++;
}

static void
bq_remove(struct bufhdr *bh)
{
	struct bqueue *q = bq_of(bh->bh_queue);

	if (q == NULL)
		return;
	if (bh->bh_prev != NULL)
		bh->bh_prev->bh_next = bh->bh_next;
	else
		q->bq_head = bh->bh_next;
	if (bh->bh_next != NULL)
		bh->bh_next->bh_prev = bh->bh_prev;
	else
		q->bq_tail = bh->bh_prev;
	q->bq_bytes -= bh->bh_buf.b_bcount;
	q->bq_count--;
	bh->bh_queue = BQ_BUSY;
	bh->bh_next = bh->bh_prev = NULL;
}

/* Make a queued buffer busy: the caller now owns it. */
static void
bc_take(struct bufhdr *bh)
{
	KASSERT(bh->bh_queue != BQ_BUSY);
	bq_remove(bh);
	bh->bh_buf.b_flags |= B_BUSY;
}

/* Sleep until bh (busy) is released; it may be gone after. */
static void
bc_wait(struct bufhdr *bh)
{
	size_t c = bc_chan(bh->bh_buf.b_dev, bh->bh_buf.b_blkno);

	bc_nwaiters[c]++;
	cv_wait(&bc_waitcv[c], &bc_lock);
	bc_nwaiters[c]--;
}

static void
bc_wakeup(struct bufhdr *bh)
{
	size_t c = bc_chan(bh->bh_buf.b_dev, bh->bh_buf.b_blkno);

	if (bc_nwaiters[c] > 0)
		cv_broadcast(&bc_waitcv[c]);
}

/* Take bh out of the cache for good; the caller frees it unlocked. */
static void
bc_unhash(struct bufhdr *bh)
{
	bq_remove(bh);
	bc_hash_remove(bh);
	bc_bytes -= bh->bh_buf.b_bcount;
	bc_nbuf--;
}

static void
bc_free(struct bufhdr *bh)
{
	kmem_free(bh->bh_buf.b_data, bh->bh_buf.b_bcount);
	kmem_free(bh, sizeof(*bh));
}

/* Free a list of unhashed buffers linked through bh_next. */
static void
bc_freelist(struct bufhdr *list)
{
	struct bufhdr *next;

	for (; list != NULL; list = next) {
		next = list->bh_next;
		bc_free(list);
	}
}

/*
 * Give a busy buffer back (bc_lock held).  Returns the buffer if it
 * is to be destroyed (the caller frees it after unlocking), else NULL.
 */
static struct bufhdr *
bc_release_locked(struct bufhdr *bh)
{
	struct buf *bp = &bh->bh_buf;
	bool drop;

	KASSERT(bh->bh_queue == BQ_BUSY);
	bp->b_flags &= ~B_BUSY;
	bc_wakeup(bh);
	if (bp->b_flags & B_INVAL)
		drop = true;
	else if (bp->b_flags & B_DELWRI)
		drop = false;
	else
		drop = (bp->b_flags & (B_DONE | B_ERROR)) != B_DONE;
	if (drop) {
		bc_unhash(bh);
		return bh;
	}
	if (bp->b_flags & B_DELWRI) {
		if (bh->bh_dirtied == 0)
			bh->bh_dirtied = mono_ns();
		bq_append(BQ_DIRTY, bh);
	} else {
		bh->bh_dirtied = 0;
		bq_append(BQ_CLEAN, bh);
	}
	return NULL;
}

static void
bc_release(struct bufhdr *bh)
{
	struct bufhdr *dead;

	mutex_enter(&bc_lock);
	dead = bc_release_locked(bh);
	mutex_exit(&bc_lock);
	if (dead != NULL)
		bc_free(dead);
}

/* --- talking to the driver (no lock held) ------------------------------- */

/* Note that dev has writes its d_sync has not yet covered. */
static bool
bc_note_unsynced(uint64_t dev)
{
	int i;
	bool ok = true;

	mutex_enter(&bc_lock);
	for (i = 0; i < bc_nunsynced; i++)
		if (bc_unsynced[i] == dev)
			break;
	if (i == bc_nunsynced) {
		if (bc_nunsynced < BC_NUNSYNCED)
			bc_unsynced[bc_nunsynced++] = dev;
		else
			ok = false;
	}
	mutex_exit(&bc_lock);
	return ok;
}

/* One driver transfer of exactly len bytes: a short one is EIO. */
static int
bc_driver_rw(uint64_t dev, enum uio_rw rw, void *data, size_t len,
    int64_t off, size_t *donep)
{
	const struct bdevsw *sw = bdevsw_lookup(dev);
	size_t done = 0;
	int error;

	if (sw == NULL || sw->d_rw == NULL)
		return ENXIO;
	error = sw->d_rw(dev, rw, data, len, off, &done);
	if (done > len)
		done = len;		/* a confused driver */
	*donep = done;
	mutex_enter(&bc_lock);
	if (rw == UIO_READ)
		bc_stats.bs_reads++;
	else
		bc_stats.bs_writes++;
	mutex_exit(&bc_lock);
	if (error == 0 && done != len && rw == UIO_WRITE)
		error = EIO;
	return error;
}

static void
bc_sync_dev(uint64_t dev)
{
	const struct bdevsw *sw = bdevsw_lookup(dev);

	if (sw != NULL && sw->d_sync != NULL)
		(void)sw->d_sync(dev);
}

/*
 * Write n busy buffers that follow each other on one device in one
 * driver call (one at a time if no memory for gathering); a PARTIAL
 * buffer, always alone, writes its valid range.  Each ends clean (a
 * clean PARTIAL one is dropped at release), or dirty with B_ERROR;
 * none is released.
 */
static int
bc_write_run(struct bufhdr **v, int n)
{
	struct buf *first = &v[0]->bh_buf;
	size_t total = 0, at, done, skip = 0;
	char *tmp = NULL;
	int i, error;

	if (n == 1 && bc_partial(v[0])) {
		skip = v[0]->bh_vstart;
		total = v[0]->bh_vend - skip;
	} else
		for (i = 0; i < n; i++)
			total += v[i]->bh_buf.b_bcount;
	if (n > 1 && (tmp = kmem_alloc(total, KM_NOSLEEP)) == NULL) {
		for (i = 0, error = 0; i < n; i++) {
			int e = bc_write_run(&v[i], 1);

			if (error == 0)
				error = e;
		}
		return error;
	}
	if (tmp != NULL)
		for (i = 0, at = 0; i < n; at += v[i]->bh_buf.b_bcount, i++)
			memcpy(tmp + at, v[i]->bh_buf.b_data,
			    v[i]->bh_buf.b_bcount);
	error = bc_driver_rw(first->b_dev, UIO_WRITE,
	    tmp != NULL ? tmp : first->b_data + skip, total,
	    first->b_blkno * DEV_BSIZE + (int64_t)skip, &done);
	if (tmp != NULL)
		kmem_free(tmp, total);
	for (i = 0; i < n; i++) {
		struct buf *bp = &v[i]->bh_buf;
		int done_flag = bc_partial(v[i]) ? 0 : B_DONE;

		if (error == 0) {
			bp->b_flags &= ~(B_DELWRI | B_ERROR);
			bp->b_flags |= done_flag;
			bp->b_error = 0;
			v[i]->bh_dirtied = 0;
		} else {
			/* what the owner wrote is the valid contents */
			bp->b_flags |= B_DELWRI | B_ERROR | done_flag;
			bp->b_error = error;
		}
	}
	if (error == 0 && !bc_note_unsynced(first->b_dev))
		bc_sync_dev(first->b_dev);
	return error;
}

/* Can nb join a run of dirty buffers (bc_lock held)?  A selective
 * flush (want) takes only what it wants. */
static bool
bc_joinable(struct bufhdr *nb, size_t total, bflush_want_t want, void *arg)
{
	return nb != NULL && nb->bh_queue == BQ_DIRTY &&
	    (want == NULL || want(arg, nb->bh_buf.b_blkno,
	    nb->bh_buf.b_flags)) &&
	    (nb->bh_buf.b_flags & B_DONE) &&
	    total + nb->bh_buf.b_bcount <= BC_CLUSTER &&
	    nb->bh_buf.b_bcount % DEV_BSIZE == 0;
}

/*
 * bh is busy and dirty, owned by the caller: gather the dirty buffers
 * around it on the device (not busy, BC_CLUSTER bytes in all) into v
 * in block order, marking them with pass; bc_lock held.  Returns how
 * many are in v.
 */
static int
bc_gather(struct bufhdr *bh, struct bufhdr **v, uint64_t pass,
    bflush_want_t want, void *arg)
{
	struct bufhdr *run[BC_MAXRUN], *nb;
	struct buf *bp = &bh->bh_buf;
	size_t total = bp->b_bcount;
	int64_t next, prev, step;
	int nback = 0, n = 0, i;

	v[0] = bh;
	if (bp->b_bcount % DEV_BSIZE != 0 || bc_partial(bh))
		return 1;
	/* backwards, over buffers of the same size */
	step = (int64_t)(bp->b_bcount / DEV_BSIZE);
	for (prev = bp->b_blkno - step; prev >= 0 && nback < BC_MAXRUN / 2;
	    prev -= step) {
		nb = bc_lookup(bp->b_dev, prev);
		if (!bc_joinable(nb, total, want, arg) ||
		    nb->bh_buf.b_bcount !=
		    bp->b_bcount)
			break;
		bc_take(nb);
		run[nback++] = nb;
		total += nb->bh_buf.b_bcount;
	}
	for (i = nback - 1; i >= 0; i--)
		v[n++] = run[i];
	v[n++] = bh;
	/* forwards, over any sizes */
	next = bp->b_blkno + step;
	while (n < BC_MAXRUN) {
		nb = bc_lookup(bp->b_dev, next);
		if (!bc_joinable(nb, total, want, arg))
			break;
		bc_take(nb);
		v[n++] = nb;
		total += nb->bh_buf.b_bcount;
		next += (int64_t)(nb->bh_buf.b_bcount / DEV_BSIZE);
	}
	for (i = 0; i < n; i++)
		if (pass != 0)
			v[i]->bh_visit = pass;
	return n;
}

/*
 * Write out bh (busy and dirty, taken by the cache from bc_dirty) and
 * its dirty neighbours, then release them all.  bc_lock held on entry
 * and return; dropped meanwhile.
 */
static int
bc_writeback_locked(struct bufhdr *bh, uint64_t pass, bflush_want_t want,
    void *arg)
{
	struct bufhdr *v[BC_MAXRUN], *dead = NULL, *d;
	int n, i, error;

	n = bc_gather(bh, v, pass, want, arg);
	mutex_exit(&bc_lock);
	error = bc_write_run(v, n);
	mutex_enter(&bc_lock);
	for (i = 0; i < n; i++)
		if ((d = bc_release_locked(v[i])) != NULL) {
			d->bh_next = dead;
			dead = d;
		}
	if (dead != NULL) {
		mutex_exit(&bc_lock);
		bc_freelist(dead);
		mutex_enter(&bc_lock);
	}
	return error;
}

/* --- getting a buffer ------------------------------------------------------ */

#define NB_READAHEAD	0x01	/* no waiting, no write-back, no overshoot */

/* Give a buffer its (new) name and make it busy; bc_lock held. */
static void
bc_name(struct bufhdr *bh, uint64_t dev, int64_t blkno)
{
	struct buf *bp = &bh->bh_buf;

	bp->b_dev = dev;
	bp->b_blkno = blkno;
	bp->b_flags = B_BUSY;
	bp->b_error = 0;
	bp->b_private = bh;
	bh->bh_queue = BQ_BUSY;
	bh->bh_dirtied = 0;
	bh->bh_seq = ++bc_seq;
	bh->bh_visit = bh->bh_waited = 0;
	bh->bh_vstart = bh->bh_vend = 0;
	bc_hash_insert(bh);
}

/*
 * Make room for size more bytes (bc_lock held).  Returns 0 when there
 * is room (or nothing more can be done), EAGAIN when the lock was
 * dropped and the caller must look again, *reuse set when a clean
 * buffer of the right size can be renamed, or a write-back error when
 * the cache is full of data that cannot be written.
 */
static int
bc_makeroom(size_t size, int flags, bool *wrote, struct bufhdr **reuse)
{
	struct bufhdr *bh;
	int error;

	*reuse = NULL;
	for (;;) {
		if (!(flags & NB_READAHEAD) && !*wrote &&
		    bc_dirty.bq_bytes > bc_cap / 2) {
			/* too much unwritten: the oldest goes out first */
			*wrote = true;
			bh = bc_dirty.bq_head;
			bc_take(bh);
			error = bc_writeback_locked(bh, 0, NULL, NULL);
			if (error != 0 && bc_dirty.bq_bytes + size > bc_cap)
				return error;
			return EAGAIN;
		}
		if (bc_bytes + size <= bc_cap)
			return 0;
		if ((bh = bc_clean.bq_head) != NULL) {
			if (bh->bh_buf.b_bcount == size) {
				bc_unhash(bh);
				bc_nbuf++;
				bc_bytes += size;
				*reuse = bh;
				return 0;
			}
			bc_unhash(bh);
			mutex_exit(&bc_lock);
			bc_free(bh);
			mutex_enter(&bc_lock);
			return EAGAIN;
		}
		if ((flags & NB_READAHEAD) || *wrote ||
		    bc_dirty.bq_head == NULL)
			return (flags & NB_READAHEAD) ? ENOMEM : 0;
		*wrote = true;
		bh = bc_dirty.bq_head;
		bc_take(bh);
		error = bc_writeback_locked(bh, 0, NULL, NULL);
		if (error != 0 && bc_dirty.bq_bytes + size > bc_cap)
			return error;
		return EAGAIN;
	}
}

/*
 * A new busy buffer for (dev, blkno), which is not in the cache
 * (bc_lock held, and held again on return).  EAGAIN: look again.
 */
static int
bc_newbuf(uint64_t dev, int64_t blkno, size_t size, int flags, bool *wrote,
    struct bufhdr **bhp)
{
	struct bufhdr *bh;
	char *data;
	int error;

	if ((error = bc_makeroom(size, flags, wrote, &bh)) != 0)
		return error;
	if (bh != NULL) {
		/* renamed in one go: no one can have taken the name */
		bc_name(bh, dev, blkno);
		*bhp = bh;
		return 0;
	}
	mutex_exit(&bc_lock);
	bh = kmem_zalloc(sizeof(*bh), KM_SLEEP);
	data = bh != NULL ? kmem_alloc(size, KM_SLEEP) : NULL;
	if (data == NULL) {
		kmem_free(bh, sizeof(*bh));
		mutex_enter(&bc_lock);
		return ENOMEM;
	}
	mutex_enter(&bc_lock);
	if (bc_lookup(dev, blkno) != NULL) {
		mutex_exit(&bc_lock);
		kmem_free(data, size);
		kmem_free(bh, sizeof(*bh));
		mutex_enter(&bc_lock);
		return EAGAIN;
	}
	bh->bh_buf.b_data = data;
	bh->bh_buf.b_bcount = size;
	bc_name(bh, dev, blkno);
	bc_bytes += size;
	bc_nbuf++;
	*bhp = bh;
	return 0;
}

/*
 * The caller owns bh and wants it size bytes long.  Dirty contents go
 * to the device first; a buffer that grows no longer holds valid data
 * (B_DONE cleared), one that shrinks keeps its first size bytes.  On
 * failure the buffer is released.
 */
static int
bc_resize(struct bufhdr *bh, size_t size)
{
	struct buf *bp = &bh->bh_buf;
	char *data;
	size_t old = bp->b_bcount;
	int error;

	if ((bp->b_flags & B_DELWRI) && (error = bc_write_run(&bh, 1)) != 0) {
		bc_release(bh);
		return error;
	}
	if ((data = kmem_alloc(size, KM_SLEEP)) == NULL) {
		bc_release(bh);
		return ENOMEM;
	}
	memcpy(data, bp->b_data, MIN(old, size));
	kmem_free(bp->b_data, old);
	bp->b_data = data;
	bp->b_bcount = size;
	if (size > old)
		bp->b_flags &= ~B_DONE;
	mutex_enter(&bc_lock);
	bc_bytes = bc_bytes - old + size;
	mutex_exit(&bc_lock);
	return 0;
}

/*
 * Read the sectors a PARTIAL buffer (owned by the caller) lacks from
 * the device, keeping the ones written: it becomes whole (B_DONE).
 */
static int
bc_complete(struct bufhdr *bh)
{
	struct buf *bp = &bh->bh_buf;
	size_t done;
	char *tmp;
	int error;

	if ((tmp = kmem_alloc(bp->b_bcount, KM_SLEEP)) == NULL)
		return ENOMEM;
	error = bc_driver_rw(bp->b_dev, UIO_READ, tmp, bp->b_bcount,
	    bp->b_blkno * DEV_BSIZE, &done);
	if (error == 0 && done != bp->b_bcount)
		error = EIO;
	if (error == 0) {
		memcpy(bp->b_data, tmp, bh->bh_vstart);
		memcpy(bp->b_data + bh->bh_vend, tmp + bh->bh_vend,
		    bp->b_bcount - bh->bh_vend);
		bp->b_flags |= B_DONE;
		bh->bh_vstart = bh->bh_vend = 0;
	}
	kmem_free(tmp, bp->b_bcount);
	return error;
}

/*
 * getblk; keep_partial hands out a PARTIAL buffer as it is (to
 * bget_overwrite) unless its size changes; otherwise it is completed
 * first.  On failure the buffer is released.
 */
static int
bc_getblk(uint64_t dev, int64_t blkno, size_t size, bool keep_partial,
    struct buf **bpp)
{
	struct bufhdr *bh;
	bool wrote = false;
	int error;

	*bpp = NULL;
	if (size == 0 || size > BC_MAXBSIZE || blkno < 0 || dev == NODEV)
		return EINVAL;
	mutex_enter(&bc_lock);
	for (;;) {
		if ((bh = bc_lookup(dev, blkno)) != NULL) {
			if (bh->bh_queue == BQ_BUSY) {
				bc_wait(bh);
				continue;
			}
			bc_take(bh);
			mutex_exit(&bc_lock);
			if (bc_partial(bh) && (!keep_partial ||
			    bh->bh_buf.b_bcount != size) &&
			    (error = bc_complete(bh)) != 0) {
				bc_release(bh);
				return error;
			}
			if (bh->bh_buf.b_bcount != size &&
			    (error = bc_resize(bh, size)) != 0)
				return error;
			*bpp = &bh->bh_buf;
			return 0;
		}
		error = bc_newbuf(dev, blkno, size, 0, &wrote, &bh);
		if (error == EAGAIN)
			continue;
		mutex_exit(&bc_lock);
		if (error != 0)
			return error;
		*bpp = &bh->bh_buf;
		return 0;
	}
}

int
getblk(uint64_t dev, int64_t blkno, size_t size, struct buf **bpp)
{
	return bc_getblk(dev, blkno, size, false, bpp);
}

int
bget_overwrite(uint64_t dev, int64_t blkno, size_t size, size_t on,
    size_t n, struct buf **bpp)
{
	struct bufhdr *bh;
	int error;

	if (on > size || n > size - on)
		return EINVAL;
	if ((error = bc_getblk(dev, blkno, size, true, bpp)) != 0)
		return error;
	bh = BH(*bpp);
	/* a write that does not touch the sectors held needs the rest */
	if (bc_partial(bh) && (on > bh->bh_vend || on + n < bh->bh_vstart) &&
	    (error = bc_complete(bh)) != 0) {
		bc_release(bh);
		*bpp = NULL;
		return error;
	}
	return 0;
}

void
bmark_written(struct buf *bp, size_t on, size_t n)
{
	struct bufhdr *bh = BH(bp);

	if ((bp->b_flags & B_DONE) || n == 0)
		return;
	if (bh->bh_vend == bh->bh_vstart) {
		bh->bh_vstart = on;
		bh->bh_vend = on + n;
	} else {
		bh->bh_vstart = MIN(bh->bh_vstart, on);
		bh->bh_vend = MAX(bh->bh_vend, on + n);
	}
	if (bh->bh_vstart == 0 && bh->bh_vend == bp->b_bcount) {
		bp->b_flags |= B_DONE;		/* written whole */
		bh->bh_vstart = bh->bh_vend = 0;
	}
}

/* --- reading ------------------------------------------------------------------ */

/*
 * Note a bread of (dev, blkno, size); returns how many blocks to read
 * ahead should it miss (bc_lock held).
 */
static int
bc_stream_note(uint64_t dev, int64_t blkno, size_t size, bool miss)
{
	struct bstream *st = NULL;
	int i, maxwin, ra = 0;

	for (i = 0; i < BC_NSTREAM; i++)
		if (bc_streams[i].st_used && bc_streams[i].st_dev == dev) {
			st = &bc_streams[i];
			break;
		}
	if (st == NULL) {
		st = &bc_streams[bc_streamnext++ % BC_NSTREAM];
		st->st_used = true;
		st->st_dev = dev;
		st->st_last = st->st_next = -1;
		st->st_window = 0;
	}
	if (blkno == st->st_last)
		return 0;		/* more of the same block */
	maxwin = (int)MIN(BC_CLUSTER / size, (size_t)BC_MAXRUN) - 1;
	if (st->st_next != blkno || size % DEV_BSIZE != 0 || maxwin < 1)
		st->st_window = 0;
	else if (miss) {
		st->st_window = st->st_window == 0 ? BC_RAFIRST :
		    st->st_window * 2;
		st->st_window = MIN(st->st_window, maxwin);
		ra = st->st_window;
	}
	if (size > bc_cap / 8)
		ra = 0;
	else
		ra = MIN(ra, (int)(bc_cap / 8 / size));
	st->st_last = blkno;
	st->st_next = blkno + (int64_t)(size / DEV_BSIZE);
	return ra;
}

/*
 * New busy buffers for the ra blocks after v[0], as long as they are
 * absent from the cache and fit; returns how many were added to v.
 */
static int
bc_ra_collect(struct bufhdr **v, int ra)
{
	struct buf *bp = &v[0]->bh_buf;
	struct bufhdr *bh;
	int64_t blkno = bp->b_blkno;
	bool wrote = true;
	int n;

	mutex_enter(&bc_lock);
	for (n = 1; n <= ra; n++) {
		blkno += (int64_t)(bp->b_bcount / DEV_BSIZE);
		if (bc_lookup(bp->b_dev, blkno) != NULL ||
		    bc_newbuf(bp->b_dev, blkno, bp->b_bcount, NB_READAHEAD,
		    &wrote, &bh) != 0)
			break;
		v[n] = bh;
	}
	mutex_exit(&bc_lock);
	return n - 1;
}

/*
 * Read n new busy buffers that follow each other, in one driver call.
 * v[0] must come back whole (else the error); the others are marked
 * valid when the driver filled them.
 */
static int
bc_read_run(struct bufhdr **v, int n)
{
	struct buf *first = &v[0]->bh_buf;
	size_t total = 0, at, done;
	char *tmp = NULL;
	int i, error;

	for (i = 0; i < n; i++)
		total += v[i]->bh_buf.b_bcount;
	if (n > 1 && (tmp = kmem_alloc(total, KM_NOSLEEP)) == NULL) {
		n = 1;
		total = first->b_bcount;
	}
	error = bc_driver_rw(first->b_dev, UIO_READ,
	    tmp != NULL ? tmp : first->b_data, total,
	    first->b_blkno * DEV_BSIZE, &done);
	for (i = 0, at = 0; i < n; at += v[i]->bh_buf.b_bcount, i++) {
		struct buf *bp = &v[i]->bh_buf;

		if (error != 0 || at + bp->b_bcount > done)
			continue;
		if (tmp != NULL)
			memcpy(bp->b_data, tmp + at, bp->b_bcount);
		bp->b_flags |= B_DONE;
	}
	if (tmp != NULL)
		kmem_free(tmp, total);
	if (error == 0 && !(first->b_flags & B_DONE))
		error = EIO;		/* the device ended inside the block */
	return error;
}

int
bread(uint64_t dev, int64_t blkno, size_t size, struct buf **bpp)
{
	struct bufhdr *v[BC_MAXRUN];
	struct buf *bp;
	int error, ra, n, i;
	bool miss;

	*bpp = NULL;
	if ((error = bc_getblk(dev, blkno, size, false, &bp)) != 0)
		return error;
	miss = (bp->b_flags & B_DONE) == 0;
	mutex_enter(&bc_lock);
	ra = bc_stream_note(dev, blkno, size, miss);
	if (miss)
		bc_stats.bs_misses++;
	else
		bc_stats.bs_hits++;
	mutex_exit(&bc_lock);
	if (!miss) {
		*bpp = bp;
		return 0;
	}
	v[0] = BH(bp);
	n = 1 + (ra > 0 ? bc_ra_collect(v, ra) : 0);
	error = bc_read_run(v, n);
	mutex_enter(&bc_lock);
	for (i = 1; i < n; i++)
		if (v[i]->bh_buf.b_flags & B_DONE)
			bc_stats.bs_rablocks++;
	mutex_exit(&bc_lock);
	for (i = 1; i < n; i++)
		bc_release(v[i]);	/* unfilled ones are dropped */
	if (error != 0) {
		bp->b_flags |= B_ERROR;
		bp->b_error = error;
		brelse(bp);
		return error;
	}
	*bpp = bp;
	return 0;
}

/* --- writing and releasing ------------------------------------------------ */

/* Start the syncer with the first dirty buffer. */
static void
bc_syncer_need(void);

void
brelse(struct buf *bp)
{
	bool dirty = (bp->b_flags & (B_DELWRI | B_INVAL)) == B_DELWRI;

	bc_release(BH(bp));
	if (dirty)
		bc_syncer_need();
}

void
bdwrite(struct buf *bp)
{
	bp->b_flags |= B_DELWRI;
	if (!bc_partial(BH(bp)))
		bp->b_flags |= B_DONE;
	brelse(bp);
}

int
bwrite(struct buf *bp)
{
	struct bufhdr *bh = BH(bp);
	int error;

	bp->b_flags &= ~B_INVAL;
	error = bc_write_run(&bh, 1);
	brelse(bp);
	return error;
}

void
bawrite(struct buf *bp)
{
	(void)bwrite(bp);
}

/* --- flushing and forgetting ------------------------------------------------ */

/* The first dirty buffer of dev (any: NODEV) this pass has not
 * visited, created before seqlimit, that want (if any) wants (bc_lock
 * held). */
static struct bufhdr *
bc_next_dirty(uint64_t dev, uint64_t pass, uint64_t seqlimit,
    bflush_want_t want, void *arg)
{
	struct bufhdr *bh;

	for (bh = bc_dirty.bq_head; bh != NULL; bh = bh->bh_next)
		if ((dev == NODEV || bh->bh_buf.b_dev == dev) &&
		    bh->bh_visit != pass && bh->bh_seq <= seqlimit &&
		    (want == NULL || want(arg, bh->bh_buf.b_blkno,
		    bh->bh_buf.b_flags)))
			return bh;
	return NULL;
}

/* A busy buffer of dev this pass has not waited for. */
static struct bufhdr *
bc_next_busy(uint64_t dev, uint64_t pass, uint64_t seqlimit)
{
	struct bufhdr *bh;
	size_t i;

	for (i = 0; i < BC_NHASH; i++)
		for (bh = bc_hash[i]; bh != NULL; bh = bh->bh_hnext)
			if (bh->bh_queue == BQ_BUSY &&
			    (dev == NODEV || bh->bh_buf.b_dev == dev) &&
			    bh->bh_waited != pass && bh->bh_seq <= seqlimit)
				return bh;
	return NULL;
}

/* d_sync the devices written since their last one (dev, or all). */
static int
bc_sync_devs(uint64_t dev)
{
	uint64_t devs[BC_NUNSYNCED];
	const struct bdevsw *sw;
	int i, n = 0, j, error = 0, e;

	mutex_enter(&bc_lock);
	for (i = 0, j = 0; i < bc_nunsynced; i++) {
		if (dev == NODEV || bc_unsynced[i] == dev)
			devs[n++] = bc_unsynced[i];
		else
			bc_unsynced[j++] = bc_unsynced[i];
	}
	bc_nunsynced = j;
	mutex_exit(&bc_lock);
	if (dev != NODEV && n == 0)
		devs[n++] = dev;	/* fsync reaches the medium anyway */
	for (i = 0; i < n; i++) {
		sw = bdevsw_lookup(devs[i]);
		if (sw != NULL && sw->d_sync != NULL &&
		    (e = sw->d_sync(devs[i])) != 0 && error == 0)
			error = e;
	}
	return error;
}

int
bflush(uint64_t dev)
{
	return bflush_some(dev, NULL, NULL);
}

/*
 * bflush of the buffers want says yes to (and only those: neighbours
 * join a driver call only if wanted too).  Busy buffers are waited
 * for all the same: their flags are their owner's until released.
 */
int
bflush_some(uint64_t dev, bflush_want_t want, void *arg)
{
	struct bufhdr *bh;
	uint64_t pass, seqlimit;
	int error = 0, e;

	mutex_enter(&bc_lock);
	pass = ++bc_passgen;
	seqlimit = bc_seq;
	for (;;) {
		if ((bh = bc_next_dirty(dev, pass, seqlimit, want, arg)) !=
		    NULL) {
			bh->bh_visit = pass;
			bc_take(bh);
			e = bc_writeback_locked(bh, pass, want, arg);
			if (error == 0)
				error = e;
			continue;
		}
		if ((bh = bc_next_busy(dev, pass, seqlimit)) != NULL) {
			/* its owner may make it dirty: wait and look again */
			bh->bh_waited = pass;
			bc_wait(bh);
			continue;
		}
		break;
	}
	mutex_exit(&bc_lock);
	e = bc_sync_devs(dev);
	return error != 0 ? error : e;
}

void
binval(uint64_t dev)
{
	struct bufhdr *bh, *next, *dead = NULL;
	size_t i;
	int s;

	mutex_enter(&bc_lock);
again:
	for (i = 0; i < BC_NHASH; i++)
		for (bh = bc_hash[i]; bh != NULL; bh = next) {
			next = bh->bh_hnext;
			if (bh->bh_buf.b_dev != dev)
				continue;
			if (bh->bh_queue == BQ_BUSY) {
				bc_wait(bh);
				goto again;
			}
			if (bh->bh_queue == BQ_DIRTY)
				continue;	/* unwritten data stays */
			bc_unhash(bh);
			bh->bh_next = dead;
			dead = bh;
		}
	for (s = 0; s < BC_NSTREAM; s++)
		if (bc_streams[s].st_dev == dev)
			bc_streams[s].st_used = false;
	mutex_exit(&bc_lock);
	bc_freelist(dead);
}

/*
 * Forget every buffer of dev that starts in [blkno, blkno + n), dirty
 * or not: a file system freed those sectors, so what the buffers hold
 * must neither be read back nor written over the next owner's data.
 */
void
binvalrange(uint64_t dev, int64_t blkno, int64_t n)
{
	struct bufhdr *bh, *dead = NULL;
	int64_t b;

	mutex_enter(&bc_lock);
	for (b = blkno; b < blkno + n; b++) {
		if ((bh = bc_lookup(dev, b)) == NULL)
			continue;
		if (bh->bh_queue == BQ_BUSY) {
			bc_wait(bh);
			b--;		/* look at this one again */
			continue;
		}
		bc_unhash(bh);
		bh->bh_next = dead;
		dead = bh;
	}
	mutex_exit(&bc_lock);
	bc_freelist(dead);
}

/* --- the syncer ----------------------------------------------------------------- */

/* Write what has been dirty too long, or, when memory is short, the
 * oldest dirty buffers until a quarter of the cap is left dirty. */
static void
bc_syncer_pass(void)
{
	struct bufhdr *bh;
	uint64_t pass;
	int64_t now = mono_ns();
	bool urgent;

	mutex_enter(&bc_lock);
	pass = ++bc_passgen;
	urgent = bc_syncer_urgent;
	bc_syncer_urgent = false;
	for (;;) {
		for (bh = bc_dirty.bq_head; bh != NULL; bh = bh->bh_next)
			if (bh->bh_visit != pass &&
			    (now - bh->bh_dirtied >= bc_syncdelay ||
			    (urgent && bc_dirty.bq_bytes > bc_cap / 4)))
				break;
		if (bh == NULL || bc_syncer_stop)
			break;
		bh->bh_visit = pass;
		bc_take(bh);
		(void)bc_writeback_locked(bh, pass, NULL, NULL);
	}
	mutex_exit(&bc_lock);
}

/*
 * Every two sync delays (10 s by default), the hooks: file systems
 * write what they keep outside buffers (FFS: superblock and summary)
 * as delayed writes, which then leave with the buffers.  bc_lock held
 * on entry and return, dropped around the calls.
 */
static void
bc_run_hooks(void)
{
	void (*fns[BC_NHOOK])(void);
	int64_t now = mono_ns();
	int i;

	if (now - bc_hooklast < 2 * bc_syncdelay)
		return;
	bc_hooklast = now;
	memcpy(fns, bc_hooks, sizeof(fns));
	bc_hookrun++;
	mutex_exit(&bc_lock);
	for (i = 0; i < BC_NHOOK; i++)
		if (fns[i] != NULL)
			fns[i]();
	mutex_enter(&bc_lock);
	if (--bc_hookrun == 0)
		cv_broadcast(&bc_hookcv);
}

int
bio_hook_add(void (*fn)(void))
{
	int i, error = ENOSPC;

	mutex_enter(&bc_lock);
	for (i = 0; i < BC_NHOOK && error != 0; i++)
		if (bc_hooks[i] == NULL) {
			bc_hooks[i] = fn;
			error = 0;
		}
	mutex_exit(&bc_lock);
	return error;
}

void
bio_hook_remove(void (*fn)(void))
{
	mutex_enter(&bc_lock);
	for (int i = 0; i < BC_NHOOK; i++)
		if (bc_hooks[i] == fn)
			bc_hooks[i] = NULL;
	while (bc_hookrun > 0)		/* it may be running it now */
		cv_wait(&bc_hookcv, &bc_lock);
	mutex_exit(&bc_lock);
}

static void *
bc_syncer_main(void *arg)
{
	struct lwp *l = arg;
	int64_t tick;

	rumpuser_curlwp_set(l);
	sched_enter();
	mutex_enter(&bc_lock);
	while (!bc_syncer_stop) {
		tick = MIN(BC_SYNCTICK, MAX(bc_syncdelay / 2, NSEC / 100));
		(void)cv_timedwait_ns(&bc_syncer_cv, &bc_lock, tick, false);
		if (bc_syncer_stop)
			break;
		bc_run_hooks();
		if (bc_dirty.bq_head == NULL)
			continue;
		mutex_exit(&bc_lock);
		bc_syncer_pass();
		mutex_enter(&bc_lock);
	}
	mutex_exit(&bc_lock);
	sched_exit();
	l->l_flag |= LW_RELEASED;
	lwp_switch(NULL);
	return NULL;
}

static void
bc_syncer_need(void)
{
	struct rumpuser_thread *t;
	struct lwp *l;
	bool expect = false;

	if (atomic_load_explicit(&bc_syncer_started, memory_order_acquire))
		return;
	if (!atomic_compare_exchange_strong(&bc_syncer_started, &expect,
	    true))
		return;
	if (lwp_create(initproc, &l) != 0) {
		atomic_store(&bc_syncer_started, false);
		return;
	}
	if (rumpuser_thread_create(bc_syncer_main, l, "bufsyncer", true,
	    &t) != 0) {
		lwp_release(l);
		atomic_store(&bc_syncer_started, false);
		return;
	}
	mutex_enter(&bc_lock);
	bc_syncer_thread = t;
	mutex_exit(&bc_lock);
}

void
bio_setsyncdelay(int64_t ns)
{
	mutex_enter(&bc_lock);
	bc_syncdelay = ns > 0 ? ns : BC_SYNCDELAY;
	cv_signal(&bc_syncer_cv);
	mutex_exit(&bc_lock);
}

/* Memory is short: free clean buffers, have the syncer write dirty. */
static size_t
bc_reclaim(size_t want)
{
	struct bufhdr *bh, *dead = NULL;
	size_t got = 0;

	if (!bc_inited)
		return 0;
	mutex_enter(&bc_lock);
	while (got < want && (bh = bc_clean.bq_head) != NULL) {
		got += bh->bh_buf.b_bcount + sizeof(*bh);
		bc_unhash(bh);
		bh->bh_next = dead;
		dead = bh;
	}
	if (got < want && bc_dirty.bq_head != NULL) {
		bc_syncer_urgent = true;
		cv_signal(&bc_syncer_cv);
	}
	mutex_exit(&bc_lock);
	bc_freelist(dead);
	return got;
}

/*
 * Halt: stop the syncer; with flush, first write everything and say
 * what could not be written.
 */
void
bio_shutdown(bool flush)
{
	struct rumpuser_thread *t;
	size_t n;
	int error = 0;

	if (!bc_inited)
		return;
	if (flush)
		error = bflush(NODEV);
	atomic_store(&bc_syncer_started, true);	/* no new syncer */
	mutex_enter(&bc_lock);
	bc_syncer_stop = true;
	cv_broadcast(&bc_syncer_cv);
	n = bc_dirty.bq_count;
	t = bc_syncer_thread;
	bc_syncer_thread = NULL;
	mutex_exit(&bc_lock);
	if (t != NULL) {
		sched_unschedule();
		(void)rumpuser_thread_join(t);
		sched_reschedule();
	}
	if (flush && n > 0)
		kprintf("bio: %zu dirty buffers could not be written: "
		    "error %d\n", n, error);
}

void
bio_getstats(struct bio_stats *st)
{
	mutex_enter(&bc_lock);
	*st = bc_stats;
	st->bs_cap = bc_cap;
	st->bs_bytes = bc_bytes;
	st->bs_nbuf = bc_nbuf;
	st->bs_dirty = bc_dirty.bq_bytes;
	mutex_exit(&bc_lock);
}

/* --- boot ------------------------------------------------------------------------- */

static size_t
bc_capsize(void)
{
	uint64_t lim = kmem_limit(), cap;

	if (lim == 0)
		return BC_CAPNOLIMIT;
	cap = MAX(lim / 100 * 15, (uint64_t)BC_CAPMIN);
	return (size_t)MIN(cap, lim / 4);
}

void
bio_init(void)
{
	int i;

	if (bc_inited)
		return;
	mutex_init(&bc_lock);
	for (i = 0; i < BC_NWAIT; i++)
		cv_init(&bc_waitcv[i]);
	cv_init(&bc_syncer_cv);
	cv_init(&bc_hookcv);
	bc_cap = bc_capsize();
	bdev_init();
	bc_inited = true;
	kmem_register_reclaim(bc_reclaim);
}
