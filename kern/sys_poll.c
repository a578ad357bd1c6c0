/*
 * sys_poll.c: poll, pollts, select, pselect over any open file's
 * fo_poll.
 *
 * Waiting is one global generation count: every file whose readiness
 * changes calls selnotify(), which bumps poll_gen and wakes every
 * sleeping poller; each rescans its descriptors.  A poller reads the
 * generation before it scans, so a change that lands during the scan
 * is never slept through.  This trades some needless rescans for
 * having no per-file wait lists at all.  kqueues (sys_kqueue.c) sleep
 * the same way (selgen, selwait); selwakeup() wakes every sleeper
 * without claiming that a file changed, and selchanges() counts only
 * the selnotify() calls, which is what an EV_CLEAR knote compares.
 *
 * poll_lock guards poll_gen's sleepers (poll_cv) and is a leaf: it is
 * taken last, so selnotify() may be called with any other lock held.
 *
 * Timeouts are relative and run on the monotonic clock.  A negative
 * or malformed timeout is EINVAL; the signal masks of pollts/pselect
 * are read (EFAULT if unreadable) and otherwise ignored, since a rump
 * kernel delivers no signals.  A sleeper whose lwp is cancelled (its
 * sysproxy client died) returns EINTR.
 */
#include "kern/sys_kern.h"

#define NSEC		1000000000LL
#define FOREVER		INT64_MAX
#define SIGSET_SIZE	16		/* NetBSD sigset_t */
#define SEL_WORDBITS		32		/* NetBSD fd_mask */

static kmutex_t poll_lock;
static kcondvar_t poll_cv;
static _Atomic uint64_t poll_gen;	/* written under poll_lock */
static _Atomic uint64_t poll_changes;	/* selnotify() calls */

void
poll_init(void)
{
	mutex_init(&poll_lock);
	cv_init(&poll_cv);
}

void
selnotify(void)
{
	atomic_fetch_add(&poll_changes, 1);
	selwakeup();
}

void
selwakeup(void)
{
	mutex_enter(&poll_lock);
	atomic_fetch_add(&poll_gen, 1);
	cv_broadcast(&poll_cv);
	mutex_exit(&poll_lock);
}

uint64_t
selgen(void)
{
	return atomic_load(&poll_gen);
}

uint64_t
selchanges(void)
{
	return atomic_load(&poll_changes);
}

static int64_t
now_ns(void)
{
	struct rump_timespec ts;

	nanouptime(&ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

/* Absolute deadline for a timeout (NULL: none); EINVAL if malformed. */
static int
deadline_of(const struct rump_timespec *ts, int64_t *deadline)
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
		*deadline = now_ns() + ts->tv_sec * NSEC + ts->tv_nsec;
	return 0;
}

/* Sleep until a selnotify() after generation gen, or the deadline. */
static int
poll_sleep(uint64_t gen, int64_t deadline)
{
	int64_t left;
	int error = 0;

	mutex_enter(&poll_lock);
	while (atomic_load(&poll_gen) == gen) {
		if (deadline == FOREVER)
			error = cv_wait_sig(&poll_cv, &poll_lock);
		else if ((left = deadline - now_ns()) <= 0)
			error = EWOULDBLOCK;
		else
			error = cv_timedwait_ns(&poll_cv, &poll_lock, left,
			    true);
		if (error != 0)
			break;
	}
	mutex_exit(&poll_lock);
	return error == EWOULDBLOCK ? 0 : error;
}

int
selwait(uint64_t gen, int64_t deadline)
{
	return poll_sleep(gen, deadline);
}

/* fo_poll, or "always ready" for files without one. */
static int
file_poll(struct file *fp, int events)
{
	if (fp->f_ops->fo_poll == NULL)
		return events & (RUMP_POLLIN | RUMP_POLLRDNORM |
		    RUMP_POLLOUT | RUMP_POLLWRNORM);
	return fp->f_ops->fo_poll(fp, events);
}

/* One pass over a set of descriptors; *nready counts hits. */
typedef int (*scan_fn)(void *arg, int *nready);

/* Scan until something is ready, the deadline passes, or an error. */
static int
scan_wait(scan_fn scan, void *arg, int64_t deadline, register_t *retval)
{
	uint64_t gen;
	int error, n = 0;

	for (;;) {
		gen = atomic_load(&poll_gen);
		if ((error = scan(arg, &n)) != 0 || n > 0)
			break;
		if (deadline != FOREVER && now_ns() >= deadline)
			break;
		if ((error = poll_sleep(gen, deadline)) != 0)
			break;
	}
	retval[0] = error == 0 ? n : 0;
	return error;
}

/* --- poll ------------------------------------------------------------- */

struct pollset {
	struct rump_pollfd *fds;
	unsigned nfds;
};

static int
pollscan(void *arg, int *nready)
{
	struct pollset *ps = arg;
	struct rump_pollfd *pfd;
	struct file *fp;
	unsigned i;
	int n = 0, revents;

	for (i = 0; i < ps->nfds; i++) {
		pfd = &ps->fds[i];
		if (pfd->fd < 0)
			revents = 0;
		else if ((fp = fd_getfile(pfd->fd)) == NULL)
			revents = RUMP_POLLNVAL;
		else {
			revents = file_poll(fp, (uint16_t)pfd->events |
			    RUMP_POLLERR | RUMP_POLLHUP);
			file_rele(fp);
		}
		pfd->revents = (int16_t)revents;
		if (revents != 0)
			n++;
	}
	*nready = n;
	return 0;
}

static int
fd_nfiles_of(struct proc *p)
{
	int n;

	mutex_enter(&p->p_fd->fd_lock);
	n = p->p_fd->fd_nfiles;
	mutex_exit(&p->p_fd->fd_lock);
	return n;
}

/* An absurd nfds is EINVAL, as NetBSD (more than 1000 past the table). */
static int
pollcommon(struct lwp *l, void *ufds, unsigned nfds,
    const struct rump_timespec *ts, register_t *retval)
{
	struct rump_pollfd small[32];
	struct pollset ps = { small, nfds };
	size_t len = (size_t)nfds * sizeof(struct rump_pollfd);
	int64_t deadline;
	int error;

	if (nfds > 1000 + (unsigned)fd_nfiles_of(l->l_proc))
		return EINVAL;
	if (nfds > sizeof(small) / sizeof(small[0]) &&
	    (ps.fds = kmem_alloc(len, KM_SLEEP)) == NULL)
		return ENOMEM;
	if ((error = copyin(ufds, ps.fds, len)) == 0 &&
	    (error = deadline_of(ts, &deadline)) == 0 &&
	    (error = scan_wait(pollscan, &ps, deadline, retval)) == 0)
		error = copyout(ps.fds, ufds, len);
	if (ps.fds != small)
		kmem_free(ps.fds, len);
	return error;
}

/* poll(fds, nfds, timeout): timeout in ms, INFTIM (-1) for none. */
int
sys_poll(struct lwp *l, const void *args, register_t *retval)
{
	int timeout = SARG_INT(args, 2);
	struct rump_timespec ts, *tsp = NULL;

	if (timeout != RUMP_INFTIM) {
		ts.tv_sec = timeout / 1000;
		ts.tv_nsec = (int64_t)(timeout % 1000) * 1000000;
		tsp = &ts;
	}
	return pollcommon(l, SARG_PTR(args, 0), SARG_UINT(args, 1), tsp,
	    retval);
}

/* Read the optional timespec and signal mask of pollts/pselect. */
static int
copyin_ts_mask(const void *uts, const void *umask, struct rump_timespec *ts,
    struct rump_timespec **tsp)
{
	uint8_t mask[SIGSET_SIZE];
	int error;

	*tsp = NULL;
	if (uts != NULL) {
		if ((error = copyin(uts, ts, sizeof(*ts))) != 0)
			return error;
		*tsp = ts;
	}
	return umask != NULL ? copyin(umask, mask, sizeof(mask)) : 0;
}

int
sys_pollts(struct lwp *l, const void *args, register_t *retval)
{
	struct rump_timespec ts, *tsp;
	int error;

	if ((error = copyin_ts_mask(SARG_PTR(args, 2), SARG_PTR(args, 3),
	    &ts, &tsp)) != 0)
		return error;
	return pollcommon(l, SARG_PTR(args, 0), SARG_UINT(args, 1), tsp,
	    retval);
}

/* --- select ----------------------------------------------------------- */

/*
 * Bit sets as NetBSD lays them out: 32-bit words, fd n is bit n%32 of
 * word n/32 (on a little-endian host, bit n%8 of byte n/8).  bits
 * holds the three input sets then the three output sets, ni bytes each.
 */
struct selset {
	uint8_t	*bits;
	size_t	ni;
	int	nd;
};

static bool
bit_isset(const uint8_t *set, int fd)
{
	return (set[fd >> 3] >> (fd & 7)) & 1;
}

static int
selscan(void *arg, int *nready)
{
	static const int flag[3] = {
		RUMP_POLLRDNORM | RUMP_POLLHUP | RUMP_POLLERR,
		RUMP_POLLWRNORM | RUMP_POLLHUP | RUMP_POLLERR,
		RUMP_POLLRDBAND,
	};
	struct selset *ss = arg;
	uint8_t *in, *out;
	struct file *fp;
	int msk, fd, n = 0;

	memset(ss->bits + 3 * ss->ni, 0, 3 * ss->ni);
	for (msk = 0; msk < 3; msk++) {
		in = ss->bits + msk * ss->ni;
		out = ss->bits + (3 + msk) * ss->ni;
		for (fd = 0; fd < ss->nd; fd++) {
			if (!bit_isset(in, fd))
				continue;
			if ((fp = fd_getfile(fd)) == NULL)
				return EBADF;
			if (file_poll(fp, flag[msk]) != 0) {
				out[fd >> 3] |= (uint8_t)(1 << (fd & 7));
				n++;
			}
			file_rele(fp);
		}
	}
	*nready = n;
	return 0;
}

/*
 * nd beyond the descriptor table is quietly cut to its size (NetBSD's
 * "forgiving" rule); a set bit for a closed descriptor is EBADF.
 */
static int
selcommon(struct lwp *l, int nd, void *uin, void *uou, void *uex,
    const struct rump_timespec *ts, register_t *retval)
{
	void *uset[3] = { uin, uou, uex };
	uint8_t small[6 * 32];
	struct selset ss;
	int64_t deadline;
	size_t len;
	int i, error = 0;

	if (nd < 0)
		return EINVAL;
	ss.nd = MIN(nd, fd_nfiles_of(l->l_proc));
	ss.ni = (size_t)howmany(ss.nd, SEL_WORDBITS) * 4;
	len = 6 * ss.ni;
	ss.bits = small;
	if (len > sizeof(small) &&
	    (ss.bits = kmem_alloc(len, KM_SLEEP)) == NULL)
		return ENOMEM;
	for (i = 0; i < 3 && error == 0; i++) {
		if (uset[i] != NULL)
			error = copyin(uset[i], ss.bits + i * ss.ni, ss.ni);
		else
			memset(ss.bits + i * ss.ni, 0, ss.ni);
	}
	if (error == 0 && (error = deadline_of(ts, &deadline)) == 0)
		error = scan_wait(selscan, &ss, deadline, retval);
	for (i = 0; i < 3 && error == 0; i++)
		if (uset[i] != NULL)
			error = copyout(ss.bits + (3 + i) * ss.ni, uset[i],
			    ss.ni);
	if (ss.bits != small)
		kmem_free(ss.bits, len);
	return error;
}

/* select(nd, in, ou, ex, tv): tv is a timeval (32-bit tv_usec). */
int
sys_select(struct lwp *l, const void *args, register_t *retval)
{
	struct rump_timespec ts, *tsp = NULL;
	struct rump_timeval tv;
	void *utv = SARG_PTR(args, 4);
	int error;

	if (utv != NULL) {
		if ((error = copyin(utv, &tv, sizeof(tv))) != 0)
			return error;
		ts.tv_sec = tv.tv_sec;
		ts.tv_nsec = (int64_t)tv.tv_usec * 1000;
		tsp = &ts;
	}
	return selcommon(l, SARG_INT(args, 0), SARG_PTR(args, 1),
	    SARG_PTR(args, 2), SARG_PTR(args, 3), tsp, retval);
}

int
sys_pselect(struct lwp *l, const void *args, register_t *retval)
{
	struct rump_timespec ts, *tsp;
	int error;

	if ((error = copyin_ts_mask(SARG_PTR(args, 4), SARG_PTR(args, 5),
	    &ts, &tsp)) != 0)
		return error;
	return selcommon(l, SARG_INT(args, 0), SARG_PTR(args, 1),
	    SARG_PTR(args, 2), SARG_PTR(args, 3), tsp, retval);
}
