/*
 * copy.c: moving bytes between the kernel and a process's memory.
 *
 * Each process has a vmspace: a table of copy functions.  Programs
 * that link the kernel use vmspace_local (checked host copies, so a
 * wild pointer is EFAULT); the sysproxy server gives its clients a
 * vmspace that fetches over the socket.  uio transfers in user space
 * go through the same table.
 *
 * Locks: none.  The copy windows belong to their lwp; the one global,
 * win_cache (spare window buffers), is a set of atomic slots.
 */
#include "kern/kern.h"

static int
local_copyin(struct proc *p, const void *uaddr, void *kaddr, size_t len)
{
	(void)p;
	return rumpuser_copyin_local(uaddr, kaddr, len);
}

static int
local_copyout(struct proc *p, const void *kaddr, void *uaddr, size_t len)
{
	(void)p;
	return rumpuser_copyout_local(kaddr, uaddr, len);
}

static int
local_copyinstr(struct proc *p, const void *uaddr, char *kaddr, size_t len,
    size_t *done)
{
	(void)p;
	return rumpuser_copyinstr_local(uaddr, kaddr, len, done);
}

const struct vmspace vmspace_local = {
	.copyin = local_copyin,
	.copyout = local_copyout,
	.copyinstr = local_copyinstr,
};

static int copyout_flush(struct lwp *l);

int
copyin(const void *uaddr, void *kaddr, size_t len)
{
	struct proc *p = curproc;
	int ferr;

	/* data read earlier in this call goes out first */
	if (curlwp->l_colen > 0 && (ferr = copyout_flush(curlwp)) != 0)
		return ferr;

	if (len == 0)
		return 0;
	if (uaddr == NULL)
		return EFAULT;
	return p->p_vmspace->copyin(p, uaddr, kaddr, len);
}

int
copyout(const void *kaddr, void *uaddr, size_t len)
{
	struct proc *p = curproc;
	int ferr;

	/* data read earlier in this call goes out first */
	if (curlwp->l_colen > 0 && (ferr = copyout_flush(curlwp)) != 0)
		return ferr;

	if (len == 0)
		return 0;
	if (uaddr == NULL)
		return EFAULT;
	return p->p_vmspace->copyout(p, kaddr, uaddr, len);
}

int
copyinstr(const void *uaddr, char *kaddr, size_t len, size_t *done)
{
	struct proc *p = curproc;
	int ferr;

	/* data read earlier in this call goes out first */
	if (curlwp->l_colen > 0 && (ferr = copyout_flush(curlwp)) != 0)
		return ferr;

	if (uaddr == NULL)
		return EFAULT;
	return p->p_vmspace->copyinstr(p, uaddr, kaddr, len, done);
}

int
pathbuf_copyin(const void *upath, char **kpathp)
{
	char *buf;
	int error;

	if ((buf = kmem_alloc(MAXPATHLEN, KM_SLEEP)) == NULL)
		return ENOMEM;
	if ((error = copyinstr(upath, buf, MAXPATHLEN, NULL)) != 0) {
		kmem_free(buf, MAXPATHLEN);
		return error;
	}
	*kpathp = buf;
	return 0;
}

void
pathbuf_free(char *kpath)
{
	kmem_free(kpath, MAXPATHLEN);
}

/*
 * Fetching data being written from a remote client page by page would
 * cost a round trip per page.  For vmspaces marked vm_remote, uiomove
 * copies in a window of up to PF_MAX bytes of the iovec at once and
 * serves the following pieces from it.  The window belongs to the lwp
 * and lasts one system call (uio_prefetch_reset at its end), so it
 * never returns bytes from an earlier call.
 */
#define PF_MAX	(1024 * 1024)

/*
 * Window buffers outlive their lwps.  Each remote system call runs on
 * a fresh lwp, and a megabyte fresh from the host costs a page fault
 * and a zeroed page for every 4 KiB on first touch: more than the copy
 * itself.  So a freed window waits in win_cache for the next call.
 * Every buffer is win_size() bytes (fixed at boot).  The slots are
 * swapped atomically (no lock: a slot holds one buffer or NULL), and
 * memory pressure empties them (win_reclaim, a kmem reclaimer).
 */
#define WIN_KEEP	4
static _Atomic(char *) win_cache[WIN_KEEP];
static atomic_bool win_hooked;		/* win_reclaim registered */

/* The window size: PF_MAX, or a sixteenth of a kernel memory limit. */
static size_t
win_size(void)
{
	uint64_t lim = kmem_limit();

	return lim != 0 ? MIN((size_t)PF_MAX, (size_t)(lim / 16)) : PF_MAX;
}

static size_t
win_reclaim(size_t want)
{
	size_t got = 0;
	char *p;
	int i;

	for (i = 0; i < WIN_KEEP && got < want; i++)
		if ((p = atomic_exchange(&win_cache[i], NULL)) != NULL) {
			kmem_free(p, win_size());
			got += win_size();
		}
	return got;
}

static char *
win_get(void)
{
	char *p;
	int i;

	if (!atomic_exchange(&win_hooked, true))
		kmem_register_reclaim(win_reclaim);
	for (i = 0; i < WIN_KEEP; i++)
		if ((p = atomic_exchange(&win_cache[i], NULL)) != NULL)
			return p;
	return kmem_alloc(win_size(), KM_SLEEP);
}

static void
win_put(char *p)
{
	char *empty;
	int i;

	for (i = 0; i < WIN_KEEP; i++) {
		empty = NULL;
		if (atomic_compare_exchange_strong(&win_cache[i], &empty, p))
			return;
	}
	kmem_free(p, win_size());
}

/*
 * The same for data being read: pieces going to consecutive user
 * addresses gather in the lwp's copyout window and leave in one copy,
 * when a piece does not follow on, before any other copy of the call,
 * and at the end of the call (uio_prefetch_reset, before the reply),
 * so the client sees them in order and before the call returns.
 */
static int
copyout_flush(struct lwp *l)
{
	struct proc *p = l->l_proc;
	size_t len = l->l_colen;

	if (len == 0)
		return 0;
	l->l_colen = 0;
	return p->p_vmspace->copyout(p, l->l_cobuf, l->l_coaddr, len);
}

void
uio_prefetch_reset(struct lwp *l)
{
	(void)copyout_flush(l);
	l->l_coaddr = NULL;
	l->l_pflen = 0;
	l->l_pfaddr = NULL;
}

void
uio_prefetch_free(struct lwp *l)
{
	l->l_colen = 0;		/* the call is over: nobody to tell */
	if (l->l_pfbuf != NULL)
		win_put(l->l_pfbuf);
	if (l->l_cobuf != NULL)
		win_put(l->l_cobuf);
	l->l_pfbuf = l->l_cobuf = NULL;
	l->l_pfcap = l->l_cocap = 0;
	uio_prefetch_reset(l);
}

/* Send cnt bytes of cp to user address uaddr (inside an iovec with
 * `left` bytes from uaddr on), through the window when it pays. */
static int
copyout_window(const char *cp, char *uaddr, size_t cnt, size_t left)
{
	struct lwp *l = curlwp;
	int error;

	if (!curproc->p_vmspace->vm_remote)
		return copyout(cp, uaddr, cnt);
	if (l->l_colen > 0 && (uaddr != l->l_coaddr + l->l_colen ||
	    l->l_colen + cnt > l->l_cocap) &&
	    (error = copyout_flush(l)) != 0)
		return error;
	if (l->l_colen == 0) {
		if (left <= PAGE_SIZE || win_size() < cnt)
			return copyout(cp, uaddr, cnt);
		if (l->l_cobuf == NULL) {
			if ((l->l_cobuf = win_get()) == NULL)
				return copyout(cp, uaddr, cnt);
			l->l_cocap = win_size();
		}
		l->l_coaddr = uaddr;
	}
	memcpy(l->l_cobuf + l->l_colen, cp, cnt);
	l->l_colen += cnt;
	return 0;
}

/* Copy cnt bytes at user address uaddr (inside an iovec with `left`
 * bytes from uaddr on) into cp, through the window when it pays. */
static int
copyin_window(const char *uaddr, char *cp, size_t cnt, size_t left)
{
	struct lwp *l = curlwp;
	size_t want;
	int error;

	if (!curproc->p_vmspace->vm_remote)
		return copyin(uaddr, cp, cnt);
	if (l->l_pfaddr == NULL || uaddr < l->l_pfaddr ||
	    uaddr + cnt > l->l_pfaddr + l->l_pflen) {
		/* a window's tail is served from it, even when small */
		if (left <= PAGE_SIZE)
			return copyin(uaddr, cp, cnt);
		want = MIN(left, win_size());
		if (want < cnt)
			return copyin(uaddr, cp, cnt);
		if (l->l_pfbuf == NULL) {
			if ((l->l_pfbuf = win_get()) == NULL)
				return copyin(uaddr, cp, cnt);
			l->l_pfcap = win_size();
		}
		uio_prefetch_reset(l);
		if ((error = copyin(uaddr, l->l_pfbuf, want)) != 0)
			return error;
		l->l_pfaddr = uaddr;
		l->l_pflen = want;
	}
	memcpy(cp, l->l_pfbuf + (uaddr - l->l_pfaddr), cnt);
	return 0;
}

/* Move n bytes between kbuf and the uio's memory, advancing it. */
int
uiomove(void *kbuf, size_t n, struct uio *uio)
{
	char *cp = kbuf;
	size_t cnt;
	int error;

	while (n > 0 && uio->uio_resid > 0) {
		struct iovec_k *iov = uio->uio_iov;

		if (iov->iov_len == 0) {
			KASSERT(uio->uio_iovcnt > 0);
			uio->uio_iov++;
			uio->uio_iovcnt--;
			continue;
		}
		cnt = MIN(n, iov->iov_len);
		if (uio->uio_seg == UIO_SYSSPACE) {
			if (uio->uio_rw == UIO_READ)
				memcpy(iov->iov_base, cp, cnt);
			else
				memcpy(cp, iov->iov_base, cnt);
			error = 0;
		} else if (uio->uio_rw == UIO_READ)
			error = copyout_window(cp, iov->iov_base, cnt,
			    iov->iov_len);
		else
			error = copyin_window(iov->iov_base, cp, cnt,
			    iov->iov_len);
		if (error != 0)
			return error;
		iov->iov_base = (char *)iov->iov_base + cnt;
		iov->iov_len -= cnt;
		uio->uio_resid -= cnt;
		uio->uio_offset += (off_t)cnt;
		cp += cnt;
		n -= cnt;
	}
	return 0;
}

int
uiozero(size_t n, struct uio *uio)
{
	static const char zeros[PAGE_SIZE];
	size_t cnt;
	int error;

	while (n > 0 && uio->uio_resid > 0) {
		cnt = MIN(n, sizeof(zeros));
		if ((error = uiomove((void *)(uintptr_t)zeros, cnt, uio)) != 0)
			return error;
		n -= cnt;
	}
	return 0;
}
