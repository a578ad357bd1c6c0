/*
 * sysproxy.c: the kernel half of the remote system call server
 * (librumpkern_sysproxy).
 *
 * The host half (rumpuser/sp_*.c) owns the sockets and threads and
 * calls up into the kernel through the table below.  Here a client is
 * a process with a vmspace whose copies travel over the client's
 * connection (p_vmarg is the connection), anchored by one lwp that
 * runs nothing: it keeps the process alive between calls, since a
 * process exits when its last lwp goes.  Each system call runs on a
 * fresh lwp of the process, released afterwards.  Cancelling the
 * process (the client died, or execs) marks its lwps and the anchor;
 * an lwp created after that inherits the mark, so no call of a dead
 * client sleeps for ever.
 *
 * The upcalls come from host threads outside the kernel; each enters
 * and leaves the kernel itself.  The copy functions are called inside
 * the kernel and give up their CPU while the client answers.
 */
#include "kern/kern.h"

#include <rump/rump.h>

#include "rumpuser/rumpuser_sp.h"

/* ---------------------------------------------------------- vmspace */

static int
sp_copyin(struct proc *p, const void *uaddr, void *kaddr, size_t len)
{
	int error;

	sched_unschedule();
	error = rumpuser_sp_copyin(p->p_vmarg, uaddr, kaddr, len);
	sched_reschedule();
	return error;
}

static int
sp_copyout(struct proc *p, const void *kaddr, void *uaddr, size_t len)
{
	int error;

	sched_unschedule();
	error = rumpuser_sp_copyout(p->p_vmarg, kaddr, uaddr, len);
	sched_reschedule();
	return error;
}

/* Fetch up to len bytes; the string is what precedes the first NUL. */
static int
sp_copyinstr(struct proc *p, const void *uaddr, char *kaddr, size_t len,
    size_t *done)
{
	size_t got = len;
	char *nul;
	int error;

	sched_unschedule();
	error = rumpuser_sp_copyinstr(p->p_vmarg, uaddr, kaddr, &got);
	sched_reschedule();
	if (error != 0)
		return error;
	if ((nul = memchr(kaddr, '\0', MIN(got, len))) == NULL)
		return ENAMETOOLONG;
	if (done != NULL)
		*done = (size_t)(nul - kaddr) + 1;
	return 0;
}

/* A signal for the client (SIGPIPE on a broken pipe): a RAISE frame;
 * it is queued, never waited for. */
static int
sp_raise(struct proc *p, int sig)
{
	return rumpuser_sp_raise(p->p_vmarg, sig);
}

static const struct vmspace sp_vmspace = {
	.copyin = sp_copyin,
	.copyout = sp_copyout,
	.copyinstr = sp_copyinstr,
	.vm_remote = true,
	.raise = sp_raise,
};

/* ----------------------------------------------------------- upcalls */

/* Run the current thread as a fresh lwp of p, on a CPU. */
static int
sp_enter(struct proc *p, struct lwp **lp)
{
	int error;

	if ((error = lwp_create(p, lp)) != 0)
		return error;
	lwp_switch(*lp);
	sched_enter();
	return 0;
}

static void
sp_leave(struct lwp *l)
{
	sched_exit();
	l->l_flag |= LW_RELEASED;
	lwp_switch(NULL);
}

static void
sp_setcomm(struct proc *p, const char *comm)
{
	mutex_enter(&p->p_lock);
	strncpy(p->p_comm, comm, MAXCOMLEN);
	p->p_comm[MAXCOMLEN] = '\0';
	mutex_exit(&p->p_lock);
}

/*
 * A new client process: p's anchor lwp.  proc_create leaves a process
 * without lwps if lwp_create then fails (ENOMEM): it stays, unused,
 * as the kernel has no way to destroy an lwp-less process.
 */
static int
sp_anchor(struct proc *parent, int fdflags, void *spc, struct lwp **anchorp)
{
	struct proc *p;
	int error;

	sched_enter();
	error = proc_create(parent, fdflags, &sp_vmspace, &p);
	if (error == 0) {
		p->p_vmarg = spc;
		error = lwp_create(p, anchorp);
	}
	sched_exit();
	return error;
}

static void
hyp_releaseproc(void *proc)
{
	struct lwp *anchor = proc;

	sched_enter();
	lwp_release(anchor);
	sched_exit();
}

/* GUEST: a child of init with a fresh table, the console on 0-2 (set
 * up with the anchor current: nobody else uses it yet). */
static int
hyp_newproc(void *spc, const char *comm, void **procp)
{
	struct lwp *anchor;
	int error;

	if ((error = sp_anchor(initproc, RUMP_RFCFDG, spc, &anchor)) != 0)
		return error;
	sp_setcomm(anchor->l_proc, comm);
	lwp_switch(anchor);
	sched_enter();
	error = cons_open012();
	sched_exit();
	lwp_switch(NULL);
	if (error != 0) {
		hyp_releaseproc(anchor);
		return error;
	}
	*procp = anchor;
	return 0;
}

static int
hyp_forkproc(void *parent, void *spc, int share, void **procp)
{
	struct lwp *pa = parent, *anchor;
	int error;

	error = sp_anchor(pa->l_proc, share ? RUMP_RFFD_SHARE : RUMP_RFFD_COPY,
	    spc, &anchor);
	if (error == 0)
		*procp = anchor;
	return error;
}

static int
hyp_getpid(void *proc)
{
	return ((struct lwp *)proc)->l_proc->p_pid;
}

/* Exec: close-on-exec descriptors go, the name changes, and the
 * cancellation of the old image's calls is lifted. */
static void
hyp_execproc(void *proc, const char *comm)
{
	struct lwp *anchor = proc, *l;
	struct filedesc *fdt = anchor->l_proc->p_fd;
	bool cloexec;
	int fd, n;

	if (sp_enter(anchor->l_proc, &l) == 0) {
		mutex_enter(&fdt->fd_lock);
		n = fdt->fd_nfiles;
		mutex_exit(&fdt->fd_lock);
		for (fd = 0; fd < n; fd++)
			if (fd_getcloexec(fd, &cloexec) == 0 && cloexec)
				fd_close(fd);
		sp_leave(l);
	}
	sp_setcomm(anchor->l_proc, comm);
	atomic_store(&anchor->l_cancel, 0);
}

static void
hyp_cancelproc(void *proc)
{
	struct lwp *anchor = proc;

	proc_cancel(anchor->l_proc);
}

static int
hyp_syscall(void *proc, int num, void *data, size_t dlen, int64_t retval[2])
{
	struct lwp *anchor = proc, *l;
	int error;

	retval[0] = retval[1] = 0;
	if ((error = lwp_create(anchor->l_proc, &l)) != 0) {
		retval[0] = -1;
		return error == ESRCH ? ESRCH : error;
	}
	if (lwp_cancelled(anchor))	/* cancelled before we were listed */
		atomic_store(&l->l_cancel, 1);
	lwp_switch(l);
	error = rump_syscall(num, data, dlen, retval);
	l->l_flag |= LW_RELEASED;
	lwp_switch(NULL);
	return error;
}

static const struct rumpuser_sp_hyp sp_hyp = {
	.hyp_newproc = hyp_newproc,
	.hyp_forkproc = hyp_forkproc,
	.hyp_getpid = hyp_getpid,
	.hyp_execproc = hyp_execproc,
	.hyp_cancelproc = hyp_cancelproc,
	.hyp_releaseproc = hyp_releaseproc,
	.hyp_syscall = hyp_syscall,
};

/* ------------------------------------------------------------ server */

/*
 * Halting: answer the client whose reboot call this is (if the halt
 * came over the wire), close the socket.  Runs after the file systems
 * are synced, on the halting thread, which gives its CPU up while the
 * server shuts down.
 */
static void
sp_shutdown(int howto)
{
	struct lwp *l = curlwp;
	void *spc = NULL;

	(void)howto;
	if (l != NULL && l->l_proc->p_vmspace == &sp_vmspace)
		spc = l->l_proc->p_vmarg;
	sched_unschedule();
	rumpuser_sp_fini(spc);
	sched_reschedule();
}

static struct shutdown_hook sp_shutdown_hook = { .sh_fn = sp_shutdown };
static _Atomic bool sp_hooked;

int
rump_init_server(const char *url)
{
	int error;

	if (!rump_booted())
		return ENXIO;
	/* Hooked before the socket listens: a client may connect and
	 * halt the kernel at once, and its reboot call must find the hook
	 * that answers it.  Without a server the hook has nothing to do. */
	if (!atomic_exchange(&sp_hooked, true))
		shutdown_hook_register(&sp_shutdown_hook);
	error = rumpuser_sp_init(url, &sp_hyp, "NetBSD", "7.99.34", "amd64");
	return error;
}
