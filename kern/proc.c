/*
 * proc.c: processes and lwps, and the lwproc interface that lets a
 * host thread become any lwp of any process.
 *
 * Life cycle.  A proc is born with proc_create() (no lwps yet), gains
 * lwps with lwp_create(), and exits when its last lwp is released:
 * its descriptors are closed, its cwd dropped, its children given to
 * init, and it leaves allproc.  The memory itself goes when p_refcnt
 * (lwps plus proc_find() holders) reaches zero.
 *
 * Locks: proc_lock guards allproc, pid allocation, p_pptr, p_pgid,
 * p_sid.  p_lock guards the fields marked so in kern.h.  Order:
 * proc_lock before p_lock.
 */
#include "kern/kern.h"

#define PID_MAX		30000

struct proc *initproc;		/* set once at boot */
struct proc_vfs_hooks proc_vfs_hooks;	/* set at vfs component init */

kmutex_t proc_lock;
struct proc *allproc;	/* proc_lock */
static pid_t nextpid = 1;	/* proc_lock */
static int nprocs;		/* proc_lock */


void
proc_init(void)
{
	mutex_init(&proc_lock);
}

struct lwp *
curlwp_get(void)
{
	return rumpuser_curlwp();
}

static struct proc *
proc_find_locked(pid_t pid)
{
	struct proc *p;

	for (p = allproc; p != NULL; p = p->p_next)
		if (p->p_pid == pid)
			return p;
	return NULL;
}

static pid_t
pid_alloc(void)
{
	int tries;

	for (tries = 0; tries < PID_MAX; tries++) {
		pid_t pid = nextpid++;

		if (nextpid > PID_MAX)
			nextpid = 2;
		if (proc_find_locked(pid) == NULL)
			return pid;
	}
	return -1;
}

static void
proc_free(struct proc *p)
{
	if (p->p_cred != NULL)
		cred_free(p->p_cred);
	mutex_destroy(&p->p_lock);
	kmem_free(p, sizeof(*p));
}

static int
proc_fdsetup(struct proc *p, struct proc *parent, int fdflags)
{
	if (fdflags & RUMP_RFCFDG)
		p->p_fd = fd_init();
	else if (fdflags & RUMP_RFFDG)
		p->p_fd = fd_copy(parent->p_fd);
	else {
		p->p_fd = parent->p_fd;
		fd_share(p->p_fd);
	}
	return p->p_fd == NULL ? ENOMEM : 0;
}

int
proc_create(struct proc *parent, int fdflags, const struct vmspace *vm,
    struct proc **pp)
{
	struct proc *p;
	int error;

	if ((p = kmem_zalloc(sizeof(*p), KM_SLEEP)) == NULL)
		return ENOMEM;
	mutex_init(&p->p_lock);
	p->p_vmspace = vm;
	if (parent != NULL) {
		mutex_enter(&parent->p_lock);
		p->p_cred = parent->p_cred;
		cred_hold(p->p_cred);
		memcpy(p->p_comm, parent->p_comm, sizeof(p->p_comm));
		memcpy(p->p_login, parent->p_login, sizeof(p->p_login));
		memcpy(p->p_rlimit, parent->p_rlimit, sizeof(p->p_rlimit));
		mutex_exit(&parent->p_lock);
	} else {
		int i;

		if ((p->p_cred = cred_alloc()) == NULL) {
			proc_free(p);
			return ENOMEM;
		}
		strcpy(p->p_comm, "rumproc");
		for (i = 0; i < RLIM_NLIMITS; i++)
			p->p_rlimit[i].rlim_cur = p->p_rlimit[i].rlim_max =
			    UINT64_MAX >> 1;
		p->p_rlimit[RLIMIT_NOFILE].rlim_cur = NOFILE_DEFAULT;
		p->p_rlimit[RLIMIT_NOFILE].rlim_max = NOFILE_DEFAULT;
	}
	if ((error = proc_fdsetup(p, parent, parent ? fdflags :
	    RUMP_RFCFDG)) != 0) {
		proc_free(p);
		return error;
	}
	if (proc_vfs_hooks.cwdi_fork != NULL) {
		p->p_cwdi = proc_vfs_hooks.cwdi_fork(parent ? parent->p_cwdi :
		    NULL);
		if (p->p_cwdi == NULL) {
			fd_free(p->p_fd);
			proc_free(p);
			return ENOMEM;
		}
	}
	mutex_enter(&proc_lock);
	if ((p->p_pid = pid_alloc()) < 0) {
		mutex_exit(&proc_lock);
		if (p->p_cwdi != NULL)
			proc_vfs_hooks.cwdi_free(p->p_cwdi);
		fd_free(p->p_fd);
		proc_free(p);
		return EAGAIN;
	}
	p->p_pptr = parent;
	p->p_pgid = parent ? parent->p_pgid : p->p_pid;
	p->p_sid = parent ? parent->p_sid : p->p_pid;
	p->p_next = allproc;
	allproc = p;
	nprocs++;
	mutex_exit(&proc_lock);
	if (parent != NULL)
		ktrace_fork(parent, p);
	*pp = p;
	return 0;
}

/* The last lwp is gone: tear the process down. */
static void
proc_exit(struct proc *p)
{
	struct proc **pp, *q;
	bool last;

	if (p->p_cwdi != NULL)
		proc_vfs_hooks.cwdi_free(p->p_cwdi);
	p->p_cwdi = NULL;
	if (proc_vfs_hooks.lf_procexit != NULL)
		proc_vfs_hooks.lf_procexit(p);
	ptimers_exit(p);
	ktrace_procexit(p);
	fd_free(p->p_fd);
	p->p_fd = NULL;
	knote_procexit(p);	/* while no other process has its pid */

	mutex_enter(&proc_lock);
	for (pp = &allproc; *pp != NULL; pp = &(*pp)->p_next)
		if (*pp == p) {
			*pp = p->p_next;
			break;
		}
	for (q = allproc; q != NULL; q = q->p_next)
		if (q->p_pptr == p)
			q->p_pptr = initproc;
	nprocs--;
	mutex_exit(&proc_lock);

	mutex_enter(&p->p_lock);
	last = --p->p_refcnt == 0;
	mutex_exit(&p->p_lock);
	if (last)
		proc_free(p);
}

struct proc *
proc_find(pid_t pid)
{
	struct proc *p;

	mutex_enter(&proc_lock);
	if ((p = proc_find_locked(pid)) != NULL) {
		mutex_enter(&p->p_lock);
		if (p->p_exiting) {
			mutex_exit(&p->p_lock);
			p = NULL;
		} else {
			p->p_refcnt++;
			mutex_exit(&p->p_lock);
		}
	}
	mutex_exit(&proc_lock);
	return p;
}

void
proc_rele(struct proc *p)
{
	bool last;

	mutex_enter(&p->p_lock);
	last = --p->p_refcnt == 0;
	mutex_exit(&p->p_lock);
	if (last)
		proc_free(p);
}

int
lwp_create(struct proc *p, struct lwp **lp)
{
	struct lwp *l;

	if ((l = kmem_zalloc(sizeof(*l), KM_SLEEP)) == NULL)
		return ENOMEM;
	l->l_proc = p;
	mutex_enter(&p->p_lock);
	if (p->p_exiting) {
		mutex_exit(&p->p_lock);
		kmem_free(l, sizeof(*l));
		return ESRCH;
	}
	l->l_lid = (int32_t)++p->p_nextlid;
	l->l_next = p->p_lwps;
	p->p_lwps = l;
	p->p_nlwps++;
	p->p_refcnt++;
	mutex_exit(&p->p_lock);
	*lp = l;
	return 0;
}

void
lwp_release(struct lwp *l)
{
	struct proc *p = l->l_proc;
	struct lwp **lp;
	bool exiting;

	mutex_enter(&p->p_lock);
	for (lp = &p->p_lwps; *lp != NULL; lp = &(*lp)->l_next)
		if (*lp == l) {
			*lp = l->l_next;
			break;
		}
	exiting = --p->p_nlwps == 0 && p != initproc;
	if (exiting)
		p->p_exiting = true;
	else
		p->p_refcnt--;
	mutex_exit(&p->p_lock);
	if (l->l_cred != NULL)
		cred_free(l->l_cred);
	uio_prefetch_free(l);
	kmem_free(l, sizeof(*l));
	if (exiting)
		proc_exit(p);
}

void
proc_setcred(struct proc *p, kauth_cred_t newcred)
{
	kauth_cred_t old;

	mutex_enter(&p->p_lock);
	old = p->p_cred;
	p->p_cred = newcred;
	p->p_setid = true;
	mutex_exit(&p->p_lock);
	cred_free(old);
}

void
proc_cancel(struct proc *p)
{
	struct lwp *l;

	mutex_enter(&p->p_lock);
	for (l = p->p_lwps; l != NULL; l = l->l_next)
		atomic_store(&l->l_cancel, 1);
	mutex_exit(&p->p_lock);
}

void
proc_raise(struct proc *p, int sig)
{
	if (p->p_vmspace->raise != NULL)
		(void)p->p_vmspace->raise(p, sig);
}

bool
lwp_cancelled(struct lwp *l)
{
	return l != NULL && atomic_load_explicit(&l->l_cancel,
	    memory_order_relaxed) != 0;
}

/*
 * Make l the current lwp of this thread (NULL: none).  The lwp being
 * left is freed if it was released or implicit; when that ends its
 * process, the teardown (closing files, dropping the cwd) runs on a
 * CPU as an implicit lwp of init, like any other kernel work.
 */
void
lwp_switch(struct lwp *l)
{
	struct lwp *old = rumpuser_curlwp();

	rumpuser_curlwp_set(NULL);
	if (old != NULL && old != l &&
	    (old->l_flag & (LW_RELEASED | LW_IMPLICIT))) {
		sched_enter();
		lwp_release(old);
		sched_exit();
	}
	rumpuser_curlwp_set(l);
}
