/*
 * lockf.c: advisory record locks, fcntl(2) and flock(2) style.
 *
 * Every vnode that has ever been locked owns a lock head (v_lockf): a
 * list of granted locks sorted by start offset.  A lock belongs to an
 * owner `id`: the process for POSIX (fcntl) locks, the open file for
 * flock locks.  Locks of one owner never overlap; locks of different
 * owners overlap only when both are shared.  POSIX and flock locks
 * share the list, so they conflict with each other as on NetBSD.
 *
 * Setting a lock takes out of the owner's existing locks the range it
 * covers (trimming or splitting them) and inserts the new one, unless
 * a lock of the same type already covers the range.  Adjacent or
 * overlapping locks of one owner are not merged, which is what F_GETLK
 * shows, as on NetBSD.
 *
 * A request that conflicts sleeps (F_SETLKW, flock without LOCK_NB) on
 * the one condvar, lockf_cv, after recording what it waits for in the
 * waiter list; every release broadcasts and sleepers look again.
 * Before a POSIX request sleeps it follows the waits-for chain from the
 * owner in its way: if the chain comes back to the requester, EDEADLK.
 * Like NetBSD it gives up (no deadlock) at a process with more than one
 * lwp, whose other lwps might still release the lock.
 *
 * Locks: lockf_lock guards every lock head, every v_lockf pointer, the
 * head list and the waiter list.  It is taken with no vnode lock held
 * by sleepers; the order is vnode locks < lockf_lock < p_lock.
 *
 * Life cycle: a head lives until its vnode is reclaimed
 * (lf_vnode_gone).  POSIX locks go when their process closes any
 * descriptor of the file (vnops.c, F_CLOSEPOSIX) or exits
 * (proc_vfs_hooks.lf_procexit); flock locks go with the last close of
 * their open file (vnops.c).
 */
#include "vfs/vfs.h"

#define LF_EOF		INT64_MAX	/* lf_end of a lock "to end of file" */
#define LF_MAXDEPTH	50		/* longest waits-for chain followed */

#define LF_POSIX	0x1
#define LF_FLOCK	0x2

struct lockf {
	struct lockf *lf_next;		/* on the head, by lf_start */
	void	*lf_id;			/* owner: proc or file */
	off_t	lf_start, lf_end;	/* inclusive byte range */
	short	lf_type;		/* RUMP_F_RDLCK or RUMP_F_WRLCK */
	short	lf_flags;		/* LF_POSIX or LF_FLOCK */
};

struct lf_head {
	struct vnode *lh_vp;
	struct lockf *lh_locks;
	struct lf_head *lh_next;	/* lf_heads */
	struct lf_head **lh_prevp;
};

/* A sleeping request, on the sleeper's stack. */
struct lf_waiter {
	void	*lw_id;			/* who sleeps */
	void	*lw_blocker;		/* owner of the lock in the way */
	short	lw_flags, lw_bflags;	/* LF_* of both */
	struct lf_waiter *lw_next;
};

/* A parsed request. */
enum lf_cmd { LF_GET, LF_SET, LF_CLEAR };
struct lf_req {
	enum lf_cmd lr_cmd;
	void	*lr_id;
	off_t	lr_start, lr_end;
	short	lr_type;
	short	lr_flags;
	bool	lr_wait;
};

/* Memory allocated before lockf_lock is taken; what is left is freed. */
struct lf_spare {
	struct lockf *ls_lock[2];
	struct lf_head *ls_head;
};

static kmutex_t lockf_lock;
static kcondvar_t lockf_cv;			/* any lock released */
static struct lf_head *lf_heads;		/* lockf_lock */
static struct lf_waiter *lf_waiters;		/* lockf_lock */

/* --- ranges and requests ------------------------------------------------ */

static bool
lf_overlaps(const struct lockf *lf, off_t start, off_t end)
{
	return lf->lf_start <= end && start <= lf->lf_end;
}

/* Turn whence/start/len into an inclusive range; `size` for SEEK_END. */
static int
lf_range(const struct rump_flock *fl, off_t size, off_t *startp,
    off_t *endp)
{
	off_t start, len = fl->l_len;

	switch (fl->l_whence) {
	case RUMP_SEEK_SET:
	case RUMP_SEEK_CUR:		/* the caller added the offset */
		start = fl->l_start;
		break;
	case RUMP_SEEK_END:
		if (__builtin_add_overflow(size, fl->l_start, &start))
			return EOVERFLOW;
		break;
	default:
		return EINVAL;
	}
	if (start < 0)
		return EINVAL;
	if (len == 0) {
		*startp = start;
		*endp = LF_EOF;
	} else if (len > 0) {
		if (start > LF_EOF - (len - 1))
			return EOVERFLOW;
		*startp = start;
		*endp = start + (len - 1);
	} else {
		/* a negative length names the bytes before start */
		*endp = start - 1;
		*startp = start + len;
		if (*startp < 0)
			return EINVAL;
	}
	return 0;
}

static int
lf_parse_posix(int op, const struct rump_flock *fl, off_t size,
    struct lf_req *rq)
{
	rq->lr_flags = LF_POSIX;
	rq->lr_type = fl->l_type;
	rq->lr_wait = op == RUMP_F_SETLKW;
	switch (op) {
	case RUMP_F_GETLK:
		if (fl->l_type != RUMP_F_RDLCK && fl->l_type != RUMP_F_WRLCK &&
		    fl->l_type != RUMP_F_UNLCK)
			return EINVAL;
		rq->lr_cmd = LF_GET;
		break;
	case RUMP_F_SETLK:
	case RUMP_F_SETLKW:
		if (fl->l_type == RUMP_F_UNLCK)
			rq->lr_cmd = LF_CLEAR;
		else if (fl->l_type == RUMP_F_RDLCK ||
		    fl->l_type == RUMP_F_WRLCK)
			rq->lr_cmd = LF_SET;
		else
			return EINVAL;
		break;
	default:
		return EINVAL;
	}
	return lf_range(fl, size, &rq->lr_start, &rq->lr_end);
}

/* flock(2): `how` is LOCK_SH, LOCK_EX or LOCK_UN, maybe with LOCK_NB. */
static int
lf_parse_flock(int how, struct lf_req *rq)
{
	rq->lr_flags = LF_FLOCK;
	rq->lr_start = 0;
	rq->lr_end = LF_EOF;
	rq->lr_wait = (how & RUMP_LOCK_NB) == 0;
	switch (how & ~RUMP_LOCK_NB) {
	case RUMP_LOCK_UN:
		rq->lr_cmd = LF_CLEAR;
		rq->lr_type = RUMP_F_UNLCK;
		return 0;
	case RUMP_LOCK_SH:
		rq->lr_cmd = LF_SET;
		rq->lr_type = RUMP_F_RDLCK;
		return 0;
	case RUMP_LOCK_EX:
		rq->lr_cmd = LF_SET;
		rq->lr_type = RUMP_F_WRLCK;
		return 0;
	default:
		return EINVAL;
	}
}

/* --- spare memory ---------------------------------------------------------- */

static int
lf_spare_get(struct lf_spare *sp, int nlocks, bool head)
{
	int i;

	memset(sp, 0, sizeof(*sp));
	for (i = 0; i < nlocks; i++)
		if ((sp->ls_lock[i] = kmem_alloc(sizeof(struct lockf),
		    KM_SLEEP)) == NULL)
			return ENOMEM;
	if (head && (sp->ls_head = kmem_zalloc(sizeof(struct lf_head),
	    KM_SLEEP)) == NULL)
		return ENOMEM;
	return 0;
}

static void
lf_spare_put(struct lf_spare *sp)
{
	int i;

	for (i = 0; i < 2; i++)
		if (sp->ls_lock[i] != NULL)
			kmem_free(sp->ls_lock[i], sizeof(struct lockf));
	if (sp->ls_head != NULL)
		kmem_free(sp->ls_head, sizeof(struct lf_head));
}

static struct lockf *
lf_spare_lock(struct lf_spare *sp)
{
	struct lockf *lf;
	int i;

	for (i = 0; i < 2; i++)
		if ((lf = sp->ls_lock[i]) != NULL) {
			sp->ls_lock[i] = NULL;
			return lf;
		}
	panic("lockf: out of spare locks");
}

/* --- the lock list ---------------------------------------------------------- */

static struct lf_head *
lf_head_of(struct vnode *vp, struct lf_spare *sp)
{
	struct lf_head *lh = vp->v_lockf;

	if (lh != NULL || sp == NULL || sp->ls_head == NULL)
		return lh;
	lh = sp->ls_head;
	sp->ls_head = NULL;
	lh->lh_vp = vp;
	lh->lh_locks = NULL;
	lh->lh_next = lf_heads;
	lh->lh_prevp = &lf_heads;
	if (lf_heads != NULL)
		lf_heads->lh_prevp = &lh->lh_next;
	lf_heads = lh;
	vp->v_lockf = lh;
	return lh;
}

static void
lf_insert(struct lf_head *lh, struct lockf *lf)
{
	struct lockf **pp = &lh->lh_locks;

	while (*pp != NULL && (*pp)->lf_start <= lf->lf_start)
		pp = &(*pp)->lf_next;
	lf->lf_next = *pp;
	*pp = lf;
}

/* The first lock of another owner that conflicts with rq. */
static struct lockf *
lf_getblock(const struct lf_head *lh, const struct lf_req *rq)
{
	struct lockf *lf;

	if (lh == NULL)
		return NULL;
	for (lf = lh->lh_locks; lf != NULL; lf = lf->lf_next) {
		if (lf->lf_start > rq->lr_end)
			break;
		if (lf->lf_id == rq->lr_id ||
		    !lf_overlaps(lf, rq->lr_start, rq->lr_end))
			continue;
		if (rq->lr_type == RUMP_F_WRLCK || lf->lf_type == RUMP_F_WRLCK)
			return lf;
	}
	return NULL;
}

/*
 * Take [start, end] out of id's locks: a lock inside goes, one across
 * an edge is trimmed, one around the range is split (using a spare).
 * Returns whether anything changed.
 */
static bool
lf_clear_range(struct lf_head *lh, void *id, off_t start, off_t end,
    struct lf_spare *sp)
{
	struct lockf **pp = &lh->lh_locks, *lf, *cut = NULL, *tail;

	/* unhook the affected locks, then put back what is left of them */
	while ((lf = *pp) != NULL) {
		if (lf->lf_id == id && lf_overlaps(lf, start, end)) {
			*pp = lf->lf_next;
			lf->lf_next = cut;
			cut = lf;
		} else
			pp = &lf->lf_next;
	}
	if (cut == NULL)
		return false;
	while ((lf = cut) != NULL) {
		cut = lf->lf_next;
		if (lf->lf_start < start && lf->lf_end > end) {
			tail = lf_spare_lock(sp);
			*tail = *lf;
			tail->lf_start = end + 1;
			lf->lf_end = start - 1;
			lf_insert(lh, lf);
			lf_insert(lh, tail);
		} else if (lf->lf_start < start) {
			lf->lf_end = start - 1;
			lf_insert(lh, lf);
		} else if (lf->lf_end > end) {
			lf->lf_start = end + 1;
			lf_insert(lh, lf);
		} else
			kmem_free(lf, sizeof(*lf));
	}
	return true;
}

static bool
lf_covered(const struct lf_head *lh, const struct lf_req *rq)
{
	const struct lockf *lf;

	for (lf = lh->lh_locks; lf != NULL; lf = lf->lf_next)
		if (lf->lf_id == rq->lr_id && lf->lf_type == rq->lr_type &&
		    lf->lf_start <= rq->lr_start && lf->lf_end >= rq->lr_end)
			return true;
	return false;
}

/* Grant rq: no conflicting lock is in the way. */
static void
lf_grant(struct lf_head *lh, const struct lf_req *rq, struct lf_spare *sp)
{
	struct lockf *lf;

	if (lf_covered(lh, rq))
		return;
	if (lf_clear_range(lh, rq->lr_id, rq->lr_start, rq->lr_end, sp))
		cv_broadcast(&lockf_cv);	/* a downgrade lets others in */
	lf = lf_spare_lock(sp);
	lf->lf_id = rq->lr_id;
	lf->lf_start = rq->lr_start;
	lf->lf_end = rq->lr_end;
	lf->lf_type = rq->lr_type;
	lf->lf_flags = rq->lr_flags;
	lf_insert(lh, lf);
}

/* Drop every lock of id on lh. */
static void
lf_drop_owner(struct lf_head *lh, void *id)
{
	struct lockf **pp = &lh->lh_locks, *lf;
	bool any = false;

	while ((lf = *pp) != NULL) {
		if (lf->lf_id == id) {
			*pp = lf->lf_next;
			kmem_free(lf, sizeof(*lf));
			any = true;
		} else
			pp = &lf->lf_next;
	}
	if (any)
		cv_broadcast(&lockf_cv);
}

/* --- deadlock detection --------------------------------------------------- */

static struct lf_waiter *
lf_waiter_of(void *id)
{
	struct lf_waiter *w;

	for (w = lf_waiters; w != NULL; w = w->lw_next)
		if (w->lw_id == id)
			return w;
	return NULL;
}

static void
lf_waiter_remove(struct lf_waiter *w)
{
	struct lf_waiter **wp;

	for (wp = &lf_waiters; *wp != NULL; wp = &(*wp)->lw_next)
		if (*wp == w) {
			*wp = w->lw_next;
			return;
		}
}

static bool
lf_single_lwp(struct proc *p)
{
	bool one;

	mutex_enter(&p->p_lock);
	one = p->p_nlwps <= 1;
	mutex_exit(&p->p_lock);
	return one;
}

/*
 * Would `me` waiting for `owner` close a cycle?  Follow what owner
 * waits for, and what that one waits for, while the chain is made of
 * single-lwp processes sleeping on POSIX locks.
 */
static bool
lf_deadlock(void *me, void *owner)
{
	struct lf_waiter *w;
	int depth;

	for (depth = 0; depth < LF_MAXDEPTH; depth++) {
		if (!lf_single_lwp(owner))
			return false;
		if ((w = lf_waiter_of(owner)) == NULL ||
		    (w->lw_bflags & LF_POSIX) == 0)
			return false;
		owner = w->lw_blocker;
		if (owner == me)
			return true;
	}
	return true;	/* a chain this long: assume a cycle */
}

/* --- the operations --------------------------------------------------------- */

static void
lf_getlock(struct lf_head *lh, const struct lf_req *rq, struct rump_flock *fl)
{
	struct lockf *block = lf_getblock(lh, rq);

	if (block == NULL) {
		fl->l_type = RUMP_F_UNLCK;
		return;
	}
	fl->l_type = block->lf_type;
	fl->l_whence = RUMP_SEEK_SET;
	fl->l_start = block->lf_start;
	fl->l_len = block->lf_end == LF_EOF ? 0 :
	    block->lf_end - block->lf_start + 1;
	fl->l_pid = (block->lf_flags & LF_POSIX) ?
	    ((struct proc *)block->lf_id)->p_pid : -1;
}

/* Called and returns with lockf_lock held; may sleep. */
static int
lf_setlock(struct vnode *vp, const struct lf_req *rq, struct lf_spare *sp)
{
	struct lf_waiter w;
	struct lf_head *lh;
	struct lockf *block;
	int error;

	while ((block = lf_getblock(vp->v_lockf, rq)) != NULL) {
		if (!rq->lr_wait)
			return EAGAIN;
		if ((rq->lr_flags & LF_POSIX) && (block->lf_flags & LF_POSIX) &&
		    lf_deadlock(rq->lr_id, block->lf_id))
			return EDEADLK;
		/* an flock upgrade gives up its shared lock while it waits,
		 * so two upgraders cannot wait for each other */
		if ((rq->lr_flags & LF_FLOCK) && rq->lr_type == RUMP_F_WRLCK &&
		    lf_clear_range(vp->v_lockf, rq->lr_id, 0, LF_EOF, sp))
			cv_broadcast(&lockf_cv);
		w.lw_id = rq->lr_id;
		w.lw_flags = rq->lr_flags;
		w.lw_blocker = block->lf_id;
		w.lw_bflags = block->lf_flags;
		w.lw_next = lf_waiters;
		lf_waiters = &w;
		error = cv_wait_sig(&lockf_cv, &lockf_lock);
		lf_waiter_remove(&w);
		if (error != 0)
			return error;
	}
	if ((lh = lf_head_of(vp, sp)) == NULL)
		return EBADF;		/* the vnode was reclaimed meanwhile */
	lf_grant(lh, rq, sp);
	return 0;
}

/*
 * The one entry for both kinds of lock.  op is F_GETLK, F_SETLK or
 * F_SETLKW with fl (l_whence SEEK_CUR already resolved by the caller),
 * or F_FLOCK | LOCK_* (fl unused).  size is the file size, for
 * SEEK_END.  The caller holds no vnode lock: F_SETLKW may sleep.
 */
int
lf_advlock(struct vnode *vp, void *id, int op, struct rump_flock *fl,
    off_t size)
{
	struct lf_req rq;
	struct lf_spare sp;
	int error;

	if (op & F_FLOCK)
		error = lf_parse_flock(op & ~F_FLOCK, &rq);
	else if (fl == NULL)
		error = EINVAL;
	else
		error = lf_parse_posix(op, fl, size, &rq);
	if (error != 0)
		return error;
	rq.lr_id = id;

	switch (rq.lr_cmd) {
	case LF_GET:
		mutex_enter(&lockf_lock);
		lf_getlock(vp->v_lockf, &rq, fl);
		mutex_exit(&lockf_lock);
		return 0;
	case LF_CLEAR:
		/* one spare: unlocking the middle of a lock splits it */
		if ((error = lf_spare_get(&sp, 1, false)) == 0) {
			mutex_enter(&lockf_lock);
			if (vp->v_lockf != NULL && lf_clear_range(vp->v_lockf,
			    id, rq.lr_start, rq.lr_end, &sp))
				cv_broadcast(&lockf_cv);
			mutex_exit(&lockf_lock);
		}
		lf_spare_put(&sp);
		return error;
	case LF_SET:
	default:
		/* the new lock, and one for a split */
		if ((error = lf_spare_get(&sp, 2, false)) != 0) {
			lf_spare_put(&sp);
			return error;
		}
		mutex_enter(&lockf_lock);
		while (vp->v_lockf == NULL && sp.ls_head == NULL) {
			mutex_exit(&lockf_lock);
			sp.ls_head = kmem_zalloc(sizeof(struct lf_head),
			    KM_SLEEP);
			mutex_enter(&lockf_lock);
			if (sp.ls_head == NULL) {
				error = ENOMEM;
				break;
			}
		}
		if (error == 0)
			error = lf_setlock(vp, &rq, &sp);
		mutex_exit(&lockf_lock);
		lf_spare_put(&sp);
		return error;
	}
}

void
lf_releaseall(struct vnode *vp, void *id)
{
	mutex_enter(&lockf_lock);
	if (vp->v_lockf != NULL)
		lf_drop_owner(vp->v_lockf, id);
	mutex_exit(&lockf_lock);
}

void
lf_vnode_gone(struct vnode *vp)
{
	struct lf_head *lh;
	struct lockf *lf;

	mutex_enter(&lockf_lock);
	if ((lh = vp->v_lockf) != NULL) {
		vp->v_lockf = NULL;
		*lh->lh_prevp = lh->lh_next;
		if (lh->lh_next != NULL)
			lh->lh_next->lh_prevp = lh->lh_prevp;
		while ((lf = lh->lh_locks) != NULL) {
			lh->lh_locks = lf->lf_next;
			kmem_free(lf, sizeof(*lf));
		}
		cv_broadcast(&lockf_cv);
	}
	mutex_exit(&lockf_lock);
	if (lh != NULL)
		kmem_free(lh, sizeof(*lh));
}

/* Process exit: its POSIX locks go, on every vnode. */
static void
lf_procexit(struct proc *p)
{
	struct lf_head *lh;

	mutex_enter(&lockf_lock);
	for (lh = lf_heads; lh != NULL; lh = lh->lh_next)
		lf_drop_owner(lh, p);
	mutex_exit(&lockf_lock);
}

static int
lf_init(void)
{
	mutex_init(&lockf_lock);
	cv_init(&lockf_cv);
	proc_vfs_hooks.lf_procexit = lf_procexit;
	return 0;
}

/* Kernel-extension stage: before any file can be opened. */
static struct rump_component lf_component = {
	.rc_type = RUMP_COMPONENT_KERN,
	.rc_name = "vfs.lockf",
	.rc_init = lf_init,
};

__attribute__((constructor)) static void
lf_register(void)
{
	rump_component_register(&lf_component);
}
