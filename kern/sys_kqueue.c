/*
 * sys_kqueue.c: kqueue, kqueue1 and kevent.
 *
 * A kqueue holds knotes, one per (ident, filter) registration.
 * Nothing pushes events into a knote: a scan evaluates each knote when
 * it runs, asking the watched object directly (fo_poll for readiness,
 * FIONREAD, FIONSPACE and fo_stat for the data, the monotonic clock
 * for a timer, an exit mark for a process).  A kevent() waiter sleeps
 * on the poll generation (selwait, kern/sys_poll.c), so every
 * selnotify() makes it scan again; timer knotes and knotes on vnodes
 * (whose changes call no selnotify) bound its sleep.  A kernel thread,
 * kq_callout, does selwakeup() when a timer expires or a vnode knote
 * wants a look, so poll() on a kqueue and nested kqueues see them too.
 *
 * Filters: EVFILT_READ and EVFILT_WRITE on pipes, fifos, kqueues
 * (READ only) and the console; EVFILT_READ and EVFILT_VNODE on regular
 * files, directories and links (READ: data = size - offset, ready when
 * not zero, as NetBSD's genfs); EVFILT_TIMER (data: period in ms;
 * reports the count of expirations); EVFILT_PROC (NOTE_EXIT);
 * EVFILT_SIGNAL registers but never fires (a rump kernel delivers no
 * signals).  EVFILT_AIO is EINVAL.  EVFILT_VNODE compares attributes
 * (fo_stat) with those at the last report: NOTE_DELETE (no links
 * left), NOTE_WRITE (mtime), NOTE_EXTEND (size grew), NOTE_ATTRIB
 * (ctime alone), NOTE_LINK (link count); never NOTE_RENAME or
 * NOTE_REVOKE.  EV_CLEAR on READ/WRITE reports again only after a
 * selnotify() or a change of data, the closest a scan can come to
 * NetBSD's "a new event arrived".
 *
 * Knote life cycle: created by EV_ADD and linked on the one list of
 * every kqueue's knotes, kq_first..kq_last (live);
 * deleted (KN_DEAD) by EV_DELETE, by a report of an EV_ONESHOT knote,
 * by the close of its descriptor (knote_fdclose, from kern/file.c) or
 * of its kqueue; unlinked and freed as soon as no scan pins it
 * (kn_busy).
 *
 * Locking: kq_lock, one mutex for every kqueue and knote, guards all
 * the fields below and the knote list.  It comes after fd_lock and
 * before f_lock: a live fd knote's kn_fp is kept open by its
 * descriptor slot (knote_fdclose runs under fd_lock before a slot lets
 * go of its file), so a scan may file_hold() it under kq_lock.  Files
 * are polled and released with no kq_lock held; a scan pins the knote
 * (kn_busy) and works on a copy, and keeps its place in the list with
 * markers (knotes with no kqueue) so that it can drop the lock around
 * each evaluation.  A kevent scan also marks the knote KN_SCANNING, so
 * two threads waiting on one kqueue never both take the same event.
 */
#include "kern/sys_kern.h"

#define NSEC		1000000000LL
#define FOREVER		INT64_MAX
#define KQ_NEVENTS	8		/* changes copied in at a time */
#define KQ_SCANMAX	256		/* events returned by one call, at most */
#define KQ_MAXDEPTH	4		/* kqueues watching kqueues */
#define KQ_MAXTIMERS	4096		/* NetBSD's kq_calloutmax */
#define KQ_POLL_NS	(10 * 1000 * 1000)	/* vnode knotes: rescan */

#define EV_SYSFLAGS	0xf000U
#define EVFILT_NFILTERS	7U

#define NOTE_DELETE	0x0001U
#define NOTE_WRITE	0x0002U
#define NOTE_EXTEND	0x0004U
#define NOTE_ATTRIB	0x0008U
#define NOTE_LINK	0x0010U
#define NOTE_EXIT	0x80000000U

/* ioctls on a kqueue (sys/event.h): struct kfilter_mapping, 24 bytes. */
#define KFILTER_BYFILTER	0xc0186b00UL
#define KFILTER_BYNAME		0xc0186b01UL
#define KFILTER_MAXNAME		256

struct kfilter_mapping {
	char	*name;
	size_t	len;
	uint32_t filter;
};

/* What a watched file is, decided when the knote is made. */
enum kn_kind {
	KK_NONE,		/* not a descriptor filter */
	KK_PIPE,
	KK_FIFO,
	KK_VNODE,		/* regular file, directory, link */
	KK_KQUEUE,
	KK_OTHER,		/* the console and the like: fo_poll only */
};

struct kqueue {
	int	kq_nknotes;		/* kq_lock: live knotes */
};

/* The attributes EVFILT_VNODE compares. */
struct kn_attr {
	int64_t	size;
	struct rump_timespec mtime, ctime;
	uint32_t nlink;
};

struct knote {
	struct knote *kn_next, *kn_prev;	/* the knote list */
	struct kqueue *kn_kq;		/* fixed; NULL for a scan's marker */
	struct filedesc *kn_fdp;	/* fixed: table of an fd knote */
	struct file *kn_fp;		/* fixed: its file, NULL if no fd */
	enum kn_kind kn_kind;		/* fixed */
	struct rump_kevent kn_ev;	/* ident, filter, flags, udata */
	uint32_t kn_sfflags;		/* fflags asked for */
	int64_t	kn_sdata;		/* data given */
	int	kn_status;		/* KN_* */
	int	kn_busy;		/* scans evaluating it */
	/* EV_CLEAR on READ/WRITE: what the last report saw */
	uint64_t kn_cgen;
	int64_t	kn_cdata;
	/* EVFILT_TIMER */
	int64_t	kn_tbase, kn_tperiod;	/* ns, monotonic */
	int64_t	kn_tseen;		/* expirations reported */
	int64_t	kn_textra;		/* pending from an earlier period */
	/* EVFILT_VNODE: attributes at the last report */
	struct kn_attr kn_attr;
};
#define KN_DISABLED	0x01
#define KN_DEAD		0x02
#define KN_CLEARED	0x04	/* EV_CLEAR knote reported */
#define KN_EXITED	0x08	/* EVFILT_PROC: the process is gone */
#define KN_SCANNING	0x10	/* a kevent scan has it: others skip it */

/* One evaluation of a knote. */
struct kn_result {
	bool	ready;
	int64_t	data;
	uint32_t fflags;
	uint32_t eflags;		/* EV_EOF, EV_ONESHOT */
	int64_t	tcount;			/* timer: expirations so far */
	struct kn_attr attr;		/* vnode: attributes now */
	int64_t	wake;			/* when to look again, if not ready */
};

static kmutex_t kq_lock;
static kcondvar_t kq_callout_cv;	/* kq_lock: timers changed */
static struct knote *kq_first, *kq_last;	/* kq_lock: every knote */
static int kq_ntimers;			/* kq_lock */
static bool kq_callout_running;		/* kq_lock */
static _Atomic int kq_nfdknotes;	/* knotes with a kn_fp */
static _Thread_local int kq_depth;	/* nested evaluations */

static const struct fileops kqueueops;
static const char *const kfilter_names[EVFILT_NFILTERS] = {
	"EVFILT_READ", "EVFILT_WRITE", "EVFILT_AIO", "EVFILT_VNODE",
	"EVFILT_PROC", "EVFILT_SIGNAL", "EVFILT_TIMER",
};

void
kqueue_init(void)
{
	mutex_init(&kq_lock);
	cv_init(&kq_callout_cv);
}

static int64_t
mono_ns(void)
{
	struct rump_timespec ts;

	nanouptime(&ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

static bool
filter_isfd(uint32_t filter)
{
	return filter == RUMP_EVFILT_READ || filter == RUMP_EVFILT_WRITE ||
	    filter == RUMP_EVFILT_VNODE;
}

/* Knotes nothing wakes for: a waiter looks every KQ_POLL_NS. */
static bool
kn_polled(const struct knote *kn)
{
	return kn->kn_kind == KK_VNODE;
}

/* --- the knote list (kq_lock) ------------------------------------------ */

static void
kn_link(struct knote *kn)
{
	kn->kn_next = NULL;
	kn->kn_prev = kq_last;
	if (kq_last != NULL)
		kq_last->kn_next = kn;
	else
		kq_first = kn;
	kq_last = kn;
}

/* Put a marker right after kn. */
static void
kn_link_after(struct knote *kn, struct knote *marker)
{
	marker->kn_prev = kn;
	marker->kn_next = kn->kn_next;
	if (kn->kn_next != NULL)
		kn->kn_next->kn_prev = marker;
	else
		kq_last = marker;
	kn->kn_next = marker;
}

static void
kn_unlink(struct knote *kn)
{
	if (kn->kn_prev != NULL)
		kn->kn_prev->kn_next = kn->kn_next;
	else
		kq_first = kn->kn_next;
	if (kn->kn_next != NULL)
		kn->kn_next->kn_prev = kn->kn_prev;
	else
		kq_last = kn->kn_prev;
}

static void
kn_free(struct knote *kn)
{
	kn_unlink(kn);
	kmem_free(kn, sizeof(*kn));
}

/* Delete a live knote; it goes now unless a scan holds it. */
static void
kn_kill(struct knote *kn)
{
	KASSERT(!(kn->kn_status & KN_DEAD));
	kn->kn_status |= KN_DEAD;
	kn->kn_kq->kq_nknotes--;
	if (kn->kn_fp != NULL)
		atomic_fetch_sub(&kq_nfdknotes, 1);
	if (kn->kn_ev.filter == RUMP_EVFILT_TIMER)
		kq_ntimers--;
	if (kn->kn_busy == 0)
		kn_free(kn);
}

static struct knote *
kn_lookup(struct kqueue *kq, struct filedesc *fdt, uint64_t ident,
    uint32_t filter)
{
	struct knote *kn;

	for (kn = kq_first; kn != NULL; kn = kn->kn_next) {
		if (kn->kn_kq != kq || (kn->kn_status & KN_DEAD) ||
		    kn->kn_ev.ident != ident || kn->kn_ev.filter != filter)
			continue;
		if (filter_isfd(filter) && kn->kn_fdp != fdt)
			continue;
		return kn;
	}
	return NULL;
}

void
knote_fdclose(struct filedesc *fdt, int fd)
{
	struct knote *kn, *next;

	if (atomic_load(&kq_nfdknotes) == 0)
		return;
	mutex_enter(&kq_lock);
	for (kn = kq_first; kn != NULL; kn = next) {
		next = kn->kn_next;
		if (kn->kn_kq == NULL || (kn->kn_status & KN_DEAD) ||
		    kn->kn_fp == NULL || kn->kn_fdp != fdt)
			continue;
		if (fd < 0 || kn->kn_ev.ident == (uint64_t)fd)
			kn_kill(kn);
	}
	mutex_exit(&kq_lock);
}

void
knote_procexit(struct proc *p)
{
	struct knote *kn;
	bool any = false;

	mutex_enter(&kq_lock);
	for (kn = kq_first; kn != NULL; kn = kn->kn_next)
		if (kn->kn_kq != NULL && kn->kn_ev.filter ==
		    RUMP_EVFILT_PROC && kn->kn_ev.ident == (uint64_t)p->p_pid &&
		    !(kn->kn_status & KN_EXITED)) {
			kn->kn_status |= KN_EXITED;
			any = true;
		}
	mutex_exit(&kq_lock);
	if (any)
		selnotify();
}

/* --- the callout thread --------------------------------------------------- */

/* Next expiry of a timer knote after `total` expirations. */
static int64_t
timer_next(const struct knote *kn, int64_t total)
{
	if ((kn->kn_ev.flags & RUMP_EV_ONESHOT) && total >= 1)
		return FOREVER;
	return kn->kn_tbase + (total + 1) * kn->kn_tperiod;
}

static int64_t
timer_total(const struct knote *kn, int64_t now)
{
	int64_t total;

	if (now < kn->kn_tbase + kn->kn_tperiod)
		return 0;
	total = (now - kn->kn_tbase) / kn->kn_tperiod;
	if ((kn->kn_ev.flags & RUMP_EV_ONESHOT) && total > 1)
		total = 1;
	return total;
}

/* When some knote needs a scan to run again; kq_lock held. */
static int64_t
kq_nextwake(int64_t now)
{
	struct knote *kn;
	int64_t wake = FOREVER, t;

	for (kn = kq_first; kn != NULL; kn = kn->kn_next) {
		if (kn->kn_kq == NULL || (kn->kn_status & (KN_DEAD |
		    KN_DISABLED)))
			continue;
		if (kn->kn_ev.filter == RUMP_EVFILT_TIMER)
			t = timer_next(kn, timer_total(kn, now));
		else if (kn_polled(kn))
			t = now + KQ_POLL_NS;
		else
			continue;
		wake = MIN(wake, t);
	}
	return wake;
}

/*
 * Sleep until the next timer expiry or vnode look, then wake every
 * poller.  Started with the first such knote; never ends.  It has no
 * lwp: it only takes locks and sleeps.
 */
static void *
kq_callout(void *arg)
{
	int64_t now, wake;

	(void)arg;
	mutex_enter(&kq_lock);
	for (;;) {
		now = mono_ns();
		wake = kq_nextwake(now);
		if (wake == FOREVER)
			cv_wait(&kq_callout_cv, &kq_lock);
		else if (wake > now)
			(void)cv_timedwait_ns(&kq_callout_cv, &kq_lock,
			    wake - now, false);
		if (wake != FOREVER && mono_ns() >= wake)
			selwakeup();
	}
	return NULL;
}

/* A timer or vnode knote was added or changed; kq_lock held. */
static void
kq_callout_kick(void)
{
	if (!kq_callout_running) {
		if (rumpuser_thread_create(kq_callout, NULL, "kqcallout",
		    false, NULL) != 0)
			return;		/* kevent waiters still see it */
		kq_callout_running = true;
	}
	cv_signal(&kq_callout_cv);
}

/* --- filters: evaluating a knote (no locks held) --------------------------- */

static int
file_nbytes(struct file *fp, unsigned long cmd)
{
	int n = 0;

	if (fp->f_ops->fo_ioctl == NULL || fp->f_ops->fo_ioctl(fp, cmd, &n))
		return 0;
	return n;
}

static int
file_poll(struct file *fp, int events)
{
	if (fp->f_ops->fo_poll == NULL)
		return events;
	return fp->f_ops->fo_poll(fp, events);
}

static int
file_attr(struct file *fp, struct kn_attr *a, uint32_t *mode)
{
	struct rump_stat st;
	int error;

	if (fp->f_ops->fo_stat == NULL)
		return EOPNOTSUPP;
	if ((error = fp->f_ops->fo_stat(fp, &st)) != 0)
		return error;
	a->size = st.st_size;
	a->mtime = st.st_mtim;
	a->ctime = st.st_ctim;
	a->nlink = st.st_nlink;
	if (mode != NULL)
		*mode = st.st_mode;
	return 0;
}

static off_t
file_offset(struct file *fp)
{
	off_t off;

	mutex_enter(&fp->f_iolock);
	off = fp->f_offset;
	mutex_exit(&fp->f_iolock);
	return off;
}

static int	kq_count(struct kqueue *kq, int max);

static void
filt_read(const struct knote *kn, struct kn_result *r)
{
	struct file *fp = kn->kn_fp;
	struct kn_attr a;
	int rev;

	switch (kn->kn_kind) {
	case KK_KQUEUE:
		r->data = kq_count(fp->f_data, INT32_MAX);
		r->ready = r->data > 0;
		break;
	case KK_VNODE:
		if (file_attr(fp, &a, NULL) != 0)
			break;
		r->data = a.size - file_offset(fp);
		r->ready = r->data != 0;
		r->wake = mono_ns() + KQ_POLL_NS;
		break;
	case KK_PIPE:
	case KK_FIFO:
		rev = file_poll(fp, RUMP_POLLIN | RUMP_POLLRDNORM);
		r->data = file_nbytes(fp, RUMP_FIONREAD);
		/* a readable pipe or fifo with nothing in it is at its end */
		if ((rev & RUMP_POLLHUP) || (rev != 0 && r->data == 0))
			r->eflags |= RUMP_EV_EOF;
		r->ready = r->data > 0 || (r->eflags & RUMP_EV_EOF);
		break;
	default:
		r->ready = file_poll(fp, RUMP_POLLIN | RUMP_POLLRDNORM) != 0;
		break;
	}
}

static void
filt_write(const struct knote *kn, struct kn_result *r)
{
	struct file *fp = kn->kn_fp;
	int rev;

	rev = file_poll(fp, RUMP_POLLOUT | RUMP_POLLWRNORM);
	switch (kn->kn_kind) {
	case KK_PIPE:
	case KK_FIFO:
		if (kn->kn_kind == KK_PIPE && (rev & RUMP_POLLHUP)) {
			r->eflags |= RUMP_EV_EOF;	/* no reader */
			r->ready = true;
			break;
		}
		r->data = file_nbytes(fp, RUMP_FIONSPACE);
		r->ready = (rev & RUMP_POLLOUT) != 0;
		break;
	default:
		r->ready = (rev & RUMP_POLLOUT) != 0;
		break;
	}
}

static bool
ts_differ(const struct rump_timespec *a, const struct rump_timespec *b)
{
	return a->tv_sec != b->tv_sec || a->tv_nsec != b->tv_nsec;
}

static void
filt_vnode(const struct knote *kn, struct kn_result *r)
{
	const struct kn_attr *o = &kn->kn_attr;
	struct kn_attr *a = &r->attr;
	uint32_t f = 0;

	r->wake = mono_ns() + KQ_POLL_NS;
	if (file_attr(kn->kn_fp, a, NULL) != 0) {
		r->attr = *o;
		return;
	}
	if (a->nlink == 0 && o->nlink != 0)
		f |= NOTE_DELETE;
	else if (a->nlink != o->nlink)
		f |= NOTE_LINK;
	if (ts_differ(&a->mtime, &o->mtime))
		f |= NOTE_WRITE;
	else if (ts_differ(&a->ctime, &o->ctime))
		f |= NOTE_ATTRIB;
	if (a->size > o->size)
		f |= NOTE_EXTEND;
	r->fflags = f & kn->kn_sfflags;
	r->ready = r->fflags != 0;
}

static void
filt_timer(const struct knote *kn, struct kn_result *r)
{
	int64_t now = mono_ns();

	r->tcount = timer_total(kn, now);
	r->data = kn->kn_textra + r->tcount - kn->kn_tseen;
	r->ready = r->data > 0;
	r->wake = timer_next(kn, r->tcount);
}

static void
filt_proc(const struct knote *kn, struct kn_result *r)
{
	if (!(kn->kn_status & KN_EXITED))
		return;
	r->eflags = RUMP_EV_EOF | RUMP_EV_ONESHOT;
	r->fflags = kn->kn_sfflags & NOTE_EXIT;
	r->data = 0;			/* exit status: rump processes have none */
	r->ready = r->fflags != 0;
}

/* Evaluate a copy of a knote (its file held by the caller). */
static void
kn_eval(const struct knote *kn, struct kn_result *r)
{
	memset(r, 0, sizeof(*r));
	r->wake = FOREVER;
	switch (kn->kn_ev.filter) {
	case RUMP_EVFILT_READ:
		filt_read(kn, r);
		break;
	case RUMP_EVFILT_WRITE:
		filt_write(kn, r);
		break;
	case RUMP_EVFILT_VNODE:
		filt_vnode(kn, r);
		break;
	case RUMP_EVFILT_TIMER:
		filt_timer(kn, r);
		break;
	case RUMP_EVFILT_PROC:
		filt_proc(kn, r);
		break;
	default:			/* EVFILT_SIGNAL: never */
		break;
	}
}

/* Is a ready knote to be reported?  EV_CLEAR wants something new. */
static bool
kn_news(const struct knote *kn, const struct kn_result *r, uint64_t changes)
{
	if (!r->ready)
		return false;
	if (!(kn->kn_status & KN_CLEARED))
		return true;
	if (r->data != kn->kn_cdata)
		return true;
	return kn->kn_kind != KK_VNODE && changes != kn->kn_cgen;
}

/* A knote was reported: what its flags say happens next.  kq_lock. */
static void
kn_consume(struct knote *kn, const struct kn_result *r, uint64_t changes)
{
	uint32_t flags = kn->kn_ev.flags | r->eflags;

	kn->kn_tseen = r->tcount;
	kn->kn_textra = 0;
	if (kn->kn_ev.filter == RUMP_EVFILT_VNODE && (flags & RUMP_EV_CLEAR))
		kn->kn_attr = r->attr;
	if (flags & RUMP_EV_ONESHOT) {
		kn_kill(kn);
		return;
	}
	/* timers, vnodes and processes keep their own account */
	if ((flags & RUMP_EV_CLEAR) && (kn->kn_ev.filter == RUMP_EVFILT_READ ||
	    kn->kn_ev.filter == RUMP_EVFILT_WRITE)) {
		kn->kn_status |= KN_CLEARED;
		kn->kn_cgen = changes;
		kn->kn_cdata = r->data;
	}
	if (flags & RUMP_EV_DISPATCH)
		kn->kn_status |= KN_DISABLED;
	/* to the back, so that a short eventlist sees every knote in turn */
	kn_unlink(kn);
	kn_link(kn);
}

/* --- scanning ------------------------------------------------------------- */

/*
 * One pass over kq's knotes.  With evs, report up to max ready ones
 * there and consume them; without, only count up to max.  *wake gets
 * the earliest time a knote that is not ready wants another look.
 *
 * The end of the pass is a marker put at the tail first; knotes
 * reported go behind it.  While the lock is down for an evaluation a
 * second marker holds the place, since other scans may move the
 * knote being evaluated (markers never move).
 */
static int
kq_scan1(struct kqueue *kq, struct rump_kevent *evs, int max, int64_t *wake)
{
	struct knote end, cursor, copy, *kn, *next;
	struct kn_result r;
	struct file *fp;
	uint64_t changes = selchanges();
	int n = 0;

	memset(&end, 0, sizeof(end));
	memset(&cursor, 0, sizeof(cursor));
	mutex_enter(&kq_lock);
	kn_link(&end);
	for (kn = kq_first; kn != &end && n < max; kn = next) {
		next = kn->kn_next;
		if (kn->kn_kq != kq || (kn->kn_status & (KN_DEAD |
		    KN_DISABLED)))
			continue;
		/* one event goes to one of several kevent callers */
		if (evs != NULL && (kn->kn_status & KN_SCANNING))
			continue;
		if (evs != NULL)
			kn->kn_status |= KN_SCANNING;
		kn->kn_busy++;
		copy = *kn;
		if ((fp = kn->kn_fp) != NULL)
			file_hold(fp);
		kn_link_after(kn, &cursor);
		mutex_exit(&kq_lock);
		kn_eval(&copy, &r);
		if (fp != NULL)
			file_rele(fp);
		mutex_enter(&kq_lock);
		next = cursor.kn_next;
		kn_unlink(&cursor);
		kn->kn_busy--;
		if (evs != NULL)
			kn->kn_status &= ~KN_SCANNING;
		if (kn->kn_status & KN_DEAD) {
			if (kn->kn_busy == 0)
				kn_free(kn);
			continue;
		}
		if ((kn->kn_status & KN_DISABLED) || !kn_news(kn, &r, changes)) {
			if (wake != NULL)
				*wake = MIN(*wake, r.wake);
			continue;
		}
		if (evs != NULL) {
			evs[n] = kn->kn_ev;
			evs[n].flags |= r.eflags;
			evs[n].fflags = r.fflags;
			evs[n].data = r.data;
			kn_consume(kn, &r, changes);
		}
		n++;
	}
	kn_unlink(&end);
	mutex_exit(&kq_lock);
	return n;
}

/* Ready knotes of kq (up to max), without consuming any. */
static int
kq_count(struct kqueue *kq, int max)
{
	int n;

	if (kq_depth >= KQ_MAXDEPTH)
		return 0;
	kq_depth++;
	n = kq_scan1(kq, NULL, max, NULL);
	kq_depth--;
	return n;
}

/* Deadline for a kevent timeout; EINVAL as NetBSD's inittimeleft. */
static int
kq_deadline(const struct rump_timespec *ts, int64_t *deadline)
{
	if (ts == NULL) {
		*deadline = FOREVER;
		return 0;
	}
	if (ts->tv_nsec < 0 || ts->tv_nsec >= NSEC || ts->tv_sec < 0)
		return EINVAL;
	if (ts->tv_sec > (FOREVER - NSEC) / NSEC / 2)
		*deadline = FOREVER;
	else
		*deadline = mono_ns() + ts->tv_sec * NSEC + ts->tv_nsec;
	return 0;
}

static int
kqueue_scan(struct kqueue *kq, struct rump_kevent *ulist, size_t maxevents,
    const struct rump_timespec *ts, register_t *retval)
{
	struct rump_kevent *buf;
	int64_t deadline, wake;
	uint64_t gen;
	size_t len;
	int n, max, error;

	retval[0] = 0;
	if (maxevents == 0)
		return 0;
	if ((error = kq_deadline(ts, &deadline)) != 0)
		return error;
	max = (int)MIN(maxevents, KQ_SCANMAX);
	len = (size_t)max * sizeof(*buf);
	if ((buf = kmem_alloc(len, KM_SLEEP)) == NULL)
		return ENOMEM;
	for (;;) {
		gen = selgen();
		wake = FOREVER;
		if ((n = kq_scan1(kq, buf, max, &wake)) > 0)
			break;
		if (deadline != FOREVER && mono_ns() >= deadline)
			break;
		if ((error = selwait(gen, MIN(deadline, wake))) != 0)
			break;
	}
	if (n > 0 && (error = copyout(buf, ulist, (size_t)n *
	    sizeof(*buf))) == 0)
		retval[0] = n;
	kmem_free(buf, len);
	return error;
}

/* --- registering ------------------------------------------------------------ */

/* What a descriptor is, and whether filter may watch it. */
static int
kn_kindof(struct file *fp, uint32_t filter, enum kn_kind *kind,
    struct kn_attr *attr)
{
	uint32_t mode = 0;
	int error;

	if (fp->f_ops == &kqueueops) {
		*kind = KK_KQUEUE;
		/* NetBSD's kqueue_kqfilter answers 1 to anything else */
		return filter == RUMP_EVFILT_READ ? 0 : EPERM;
	}
	if (fp->f_type == DTYPE_PIPE) {
		*kind = KK_PIPE;
		if (filter == RUMP_EVFILT_VNODE)
			return EINVAL;
		/* writing to a pipe whose other end is gone: no peer */
		if (filter == RUMP_EVFILT_WRITE &&
		    (file_poll(fp, RUMP_POLLOUT) & RUMP_POLLHUP))
			return EBADF;
		return 0;
	}
	if (fp->f_type != DTYPE_VNODE) {
		*kind = KK_OTHER;
		return filter == RUMP_EVFILT_VNODE ? EINVAL : 0;
	}
	if ((error = file_attr(fp, attr, &mode)) != 0)
		return error;
	switch (mode & RUMP_S_IFMT) {
	case RUMP_S_IFIFO:
		*kind = KK_FIFO;
		return filter == RUMP_EVFILT_VNODE ? EINVAL : 0;
	case RUMP_S_IFCHR:
		return ENODEV;		/* the memory devices: nokqfilter */
	case RUMP_S_IFBLK:
	case RUMP_S_IFSOCK:
		return EOPNOTSUPP;
	default:
		*kind = KK_VNODE;	/* genfs: READ and VNODE */
		return filter == RUMP_EVFILT_WRITE ? EINVAL : 0;
	}
}

/* May the caller watch process pid?  (NetBSD's filt_procattach.) */
static int
kn_procok(pid_t pid)
{
	struct proc *p;
	kauth_cred_t cred = curcred();
	int error = 0;

	if ((p = proc_find(pid)) == NULL)
		return ESRCH;
	mutex_enter(&p->p_lock);
	if (p->p_cred->cr_uid != cred->cr_uid && !cred_isroot(cred))
		error = EACCES;
	mutex_exit(&p->p_lock);
	proc_rele(p);
	return error;
}

/* Make a new knote for kev (not yet linked). */
static int
kn_create(struct kqueue *kq, const struct rump_kevent *kev,
    struct filedesc *fdt, struct file *fp, struct knote **knp)
{
	struct knote *kn;
	int error = 0;

	if ((kn = kmem_zalloc(sizeof(*kn), KM_SLEEP)) == NULL)
		return ENOMEM;
	kn->kn_kq = kq;
	kn->kn_sfflags = kev->fflags;
	kn->kn_sdata = kev->data;
	kn->kn_ev = *kev;
	kn->kn_ev.fflags = 0;
	kn->kn_ev.data = 0;
	switch (kev->filter) {
	case RUMP_EVFILT_READ:
	case RUMP_EVFILT_WRITE:
	case RUMP_EVFILT_VNODE:
		kn->kn_fdp = fdt;
		kn->kn_fp = fp;
		error = kn_kindof(fp, kev->filter, &kn->kn_kind, &kn->kn_attr);
		break;
	case RUMP_EVFILT_TIMER:
		/* NetBSD: 0 ms is EINVAL; we take a negative period so too */
		if (kn->kn_sdata <= 0 || kn->kn_sdata > INT64_MAX / 1000000)
			error = EINVAL;
		kn->kn_tperiod = kn->kn_sdata * 1000000;
		kn->kn_tbase = mono_ns();
		kn->kn_ev.flags |= RUMP_EV_CLEAR;
		break;
	case RUMP_EVFILT_PROC:
		if (kev->ident > INT32_MAX)
			error = ESRCH;
		else
			error = kn_procok((pid_t)kev->ident);
		kn->kn_ev.flags |= RUMP_EV_CLEAR;
		break;
	case RUMP_EVFILT_SIGNAL:
		kn->kn_ev.flags |= RUMP_EV_CLEAR;
		break;
	default:
		error = EINVAL;
		break;
	}
	if (error != 0) {
		kmem_free(kn, sizeof(*kn));
		return error;
	}
	*knp = kn;
	return 0;
}

/* Link a new knote; kq_lock held.  EEXIST if another thread won. */
static int
kn_insert(struct knote *kn)
{
	if (kn_lookup(kn->kn_kq, kn->kn_fdp, kn->kn_ev.ident,
	    kn->kn_ev.filter) != NULL)
		return EEXIST;
	if (kn->kn_ev.filter == RUMP_EVFILT_TIMER) {
		if (kq_ntimers >= KQ_MAXTIMERS)
			return ENOMEM;
		kq_ntimers++;
	}
	kn_link(kn);
	kn->kn_kq->kq_nknotes++;
	if (kn->kn_fp != NULL)
		atomic_fetch_add(&kq_nfdknotes, 1);
	if (kn->kn_ev.filter == RUMP_EVFILT_TIMER || kn_polled(kn))
		kq_callout_kick();
	return 0;
}

/*
 * An fd knote goes in only while its descriptor still holds the file
 * it was made for; fd_lock then kq_lock, the documented order.
 */
static int
kn_insert_fd(struct knote *kn)
{
	struct filedesc *fdt = kn->kn_fdp;
	int fd = (int)kn->kn_ev.ident, error;

	mutex_enter(&fdt->fd_lock);
	if (fd >= fdt->fd_nfiles || fdt->fd_ofiles[fd].ff_file != kn->kn_fp)
		error = EBADF;
	else {
		mutex_enter(&kq_lock);
		error = kn_insert(kn);
		mutex_exit(&kq_lock);
	}
	mutex_exit(&fdt->fd_lock);
	return error;
}

/* EV_ADD on a knote that exists: new fflags, data and udata.  kq_lock. */
static void
kn_modify(struct knote *kn, const struct rump_kevent *kev)
{
	int64_t now;

	kn->kn_sfflags = kev->fflags;
	kn->kn_sdata = kev->data;
	kn->kn_ev.udata = kev->udata;
	kn->kn_status &= ~KN_CLEARED;
	if (kn->kn_ev.filter == RUMP_EVFILT_TIMER && kev->data > 0 &&
	    kev->data <= INT64_MAX / 1000000) {
		/* a new period starts now; expirations so far stay due */
		now = mono_ns();
		kn->kn_textra += timer_total(kn, now) - kn->kn_tseen;
		kn->kn_tseen = 0;
		kn->kn_tbase = now;
		kn->kn_tperiod = kev->data * 1000000;
		kq_callout_kick();
	}
}

/* Apply the change to a knote that exists; kq_lock held. */
static void
kn_change(struct knote *kn, const struct rump_kevent *kev)
{
	if (kev->flags & RUMP_EV_ADD)
		kn_modify(kn, kev);
	else if (kev->flags & RUMP_EV_DELETE) {
		kn_kill(kn);
		return;
	}
	if (kev->flags & RUMP_EV_DISABLE)
		kn->kn_status |= KN_DISABLED;
	if (kev->flags & RUMP_EV_ENABLE)
		kn->kn_status &= ~KN_DISABLED;
}

/* Apply one change (NetBSD's kqueue_register). */
static int
kqueue_register(struct kqueue *kq, struct rump_kevent *kev)
{
	struct filedesc *fdt = curproc->p_fd;
	struct file *fp = NULL;
	struct knote *kn;
	int error;

	if (kev->filter >= EVFILT_NFILTERS || kev->filter == RUMP_EVFILT_AIO)
		return EINVAL;
	if (filter_isfd(kev->filter) && (kev->ident > INT32_MAX ||
	    (fp = fd_getfile((int)kev->ident)) == NULL))
		return EBADF;
	for (;;) {
		mutex_enter(&kq_lock);
		if ((kn = kn_lookup(kq, fdt, kev->ident, kev->filter)) !=
		    NULL) {
			kn_change(kn, kev);
			mutex_exit(&kq_lock);
			error = 0;
			break;
		}
		mutex_exit(&kq_lock);
		if (!(kev->flags & RUMP_EV_ADD)) {
			error = ENOENT;
			break;
		}
		if ((error = kn_create(kq, kev, fdt, fp, &kn)) != 0)
			break;
		if (kev->flags & RUMP_EV_DISABLE)
			kn->kn_status |= KN_DISABLED;
		if (fp != NULL)
			error = kn_insert_fd(kn);
		else {
			mutex_enter(&kq_lock);
			error = kn_insert(kn);
			mutex_exit(&kq_lock);
		}
		if (error == 0) {
			/* as NetBSD, a receipt for a new knote shows zeros */
			kev->fflags = 0;
			kev->data = 0;
			break;
		}
		kmem_free(kn, sizeof(*kn));
		if (error != EEXIST)
			break;
	}
	if (fp != NULL)
		file_rele(fp);
	/* a waiter in another thread must look at the new knote */
	if (error == 0 && (kev->flags & (RUMP_EV_ADD | RUMP_EV_ENABLE)))
		selwakeup();
	return error;
}

/* --- the kqueue file ----------------------------------------------------- */

static int
kqueue_rw(struct file *fp, off_t *off, struct uio *uio, kauth_cred_t cred,
    int flags)
{
	(void)fp; (void)off; (void)uio; (void)cred; (void)flags;
	return ENXIO;
}

static int
kfilter_byname(struct kfilter_mapping *km)
{
	char name[KFILTER_MAXNAME];
	uint32_t i;
	int error;

	if ((error = copyinstr(km->name, name, sizeof(name), NULL)) != 0)
		return error;
	for (i = 0; i < EVFILT_NFILTERS; i++)
		if (strcmp(name, kfilter_names[i]) == 0) {
			km->filter = i;
			return 0;
		}
	return ENOENT;
}

static int
kfilter_byfilter(struct kfilter_mapping *km)
{
	const char *name;
	size_t len;

	if (km->filter >= EVFILT_NFILTERS)
		return ENOENT;
	name = kfilter_names[km->filter];
	len = strlen(name) + 1;
	if (len > km->len)
		return ENAMETOOLONG;
	return copyout(name, km->name, len);
}

static int
kqueue_ioctl(struct file *fp, unsigned long cmd, void *data)
{
	(void)fp;
	switch (cmd) {
	case KFILTER_BYFILTER:
		return kfilter_byfilter(data);
	case KFILTER_BYNAME:
		return kfilter_byname(data);
	default:
		return EPASSTHROUGH;
	}
}

static int
kqueue_poll(struct file *fp, int events)
{
	if (!(events & (RUMP_POLLIN | RUMP_POLLRDNORM)))
		return 0;
	if (kq_count(fp->f_data, 1) == 0)
		return 0;
	return events & (RUMP_POLLIN | RUMP_POLLRDNORM);
}

/* As NetBSD: a fifo-like thing whose size is the events pending. */
static int
kqueue_stat(struct file *fp, struct rump_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_size = kq_count(fp->f_data, INT32_MAX);
	st->st_blksize = sizeof(struct rump_kevent);
	st->st_mode = RUMP_S_IFIFO;
	return 0;
}

static int
kqueue_close(struct file *fp)
{
	struct kqueue *kq = fp->f_data;
	struct knote *kn, *next;

	mutex_enter(&kq_lock);
	for (kn = kq_first; kn != NULL; kn = next) {
		next = kn->kn_next;
		if (kn->kn_kq == kq && !(kn->kn_status & KN_DEAD))
			kn_kill(kn);
	}
	mutex_exit(&kq_lock);
	kmem_free(kq, sizeof(*kq));
	return 0;
}

static const struct fileops kqueueops = {
	.fo_read = kqueue_rw,
	.fo_write = kqueue_rw,
	.fo_ioctl = kqueue_ioctl,
	.fo_poll = kqueue_poll,
	.fo_stat = kqueue_stat,
	.fo_close = kqueue_close,
};

/* --- system calls ------------------------------------------------------- */

/* kqueue1(flags): NetBSD looks only at O_CLOEXEC, O_NONBLOCK and
 * O_NOSIGPIPE and ignores any other bit. */
static int
kqueue1(struct lwp *l, int flags, register_t *retval)
{
	struct kqueue *kq;
	struct file *fp;
	int fd, error;

	if ((kq = kmem_zalloc(sizeof(*kq), KM_SLEEP)) == NULL)
		return ENOMEM;
	if ((error = file_alloc(&kqueueops, DTYPE_MISC, FREAD | FWRITE |
	    (flags & (RUMP_O_NONBLOCK | RUMP_O_NOSIGPIPE)), kq, &fp)) != 0) {
		kmem_free(kq, sizeof(*kq));
		return error;
	}
	error = fd_install(l->l_proc, fp, 0, (flags & RUMP_O_CLOEXEC) != 0,
	    &fd);
	file_rele(fp);
	if (error == 0)
		retval[0] = fd;
	return error;
}

int
sys_kqueue(struct lwp *l, const void *args, register_t *retval)
{
	(void)args;
	return kqueue1(l, 0, retval);
}

int
sys_kqueue1(struct lwp *l, const void *args, register_t *retval)
{
	return kqueue1(l, SARG_INT(args, 0), retval);
}

/*
 * Apply the changes in order.  A change that fails (or asks for
 * EV_RECEIPT) becomes an EV_ERROR record at the front of the
 * eventlist while there is room; with no room the call stops there
 * (*stop) and fails with that error, if any.  Any record means no
 * scan.
 */
static int
kevent_changes(struct kqueue *kq, const struct rump_kevent *uchanges,
    size_t nchanges, struct rump_kevent *uevents, size_t *nevents,
    int *nerrors, bool *stop)
{
	struct rump_kevent kevs[KQ_NEVENTS], *kev;
	size_t i, n, at = 0;
	int error;

	while (at < nchanges) {
		n = MIN(nchanges - at, KQ_NEVENTS);
		if ((error = copyin(uchanges + at, kevs, n * sizeof(*kevs))))
			return error;
		for (i = 0; i < n; i++) {
			kev = &kevs[i];
			kev->flags &= ~EV_SYSFLAGS;
			error = kqueue_register(kq, kev);
			if (error == 0 && !(kev->flags & RUMP_EV_RECEIPT))
				continue;
			if (*nevents == 0) {
				*stop = true;
				return error;
			}
			kev->flags = RUMP_EV_ERROR;
			kev->data = error;
			if ((error = copyout(kev, uevents + *nerrors,
			    sizeof(*kev))) != 0)
				return error;
			(*nevents)--;
			(*nerrors)++;
		}
		at += n;
	}
	return 0;
}

int
sys___kevent50(struct lwp *l, const void *args, register_t *retval)
{
	struct rump_kevent *uevents = SARG_PTR(args, 3);
	size_t nevents = SARG(args, 4);
	const void *uts = SARG_PTR(args, 5);
	struct rump_timespec ts;
	struct file *fp;
	int nerrors = 0, error;
	bool stop = false;

	(void)l;
	retval[0] = 0;
	if ((fp = fd_getfile(SARG_INT(args, 0))) == NULL)
		return EBADF;
	if (fp->f_ops != &kqueueops)
		error = EBADF;
	else if (uts != NULL && (error = copyin(uts, &ts, sizeof(ts))) != 0)
		;
	else if ((error = kevent_changes(fp->f_data, SARG_PTR(args, 1),
	    SARG(args, 2), uevents, &nevents, &nerrors, &stop)) == 0 &&
	    !stop) {
		if (nerrors > 0)
			retval[0] = nerrors;
		else
			error = kqueue_scan(fp->f_data, uevents, nevents,
			    uts != NULL ? &ts : NULL, retval);
	}
	file_rele(fp);
	return error;
}
