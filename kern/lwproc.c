/*
 * lwproc.c: the public lwproc interface: a host thread creates
 * processes and lwps in the kernel and switches between them.  The
 * sysproxy server uses the same calls for its clients.
 */
#include "kern/kern.h"

#include <rump/rump.h>

int
rump_pub_lwproc_rfork(int flags)
{
	struct lwp *cur = rumpuser_curlwp(), *l;
	struct proc *parent, *p;
	int error;

	if ((flags & ~(RUMP_RFFDG | RUMP_RFCFDG)) != 0 ||
	    (flags & (RUMP_RFFDG | RUMP_RFCFDG)) ==
	    (RUMP_RFFDG | RUMP_RFCFDG))
		return EINVAL;
	parent = cur != NULL ? cur->l_proc : initproc;
	if ((error = proc_create(parent, flags, parent->p_vmspace, &p)) != 0)
		return error;
	if ((error = lwp_create(p, &l)) != 0) {
		/* a proc without lwps: give it one to release */
		return error;
	}
	lwp_switch(l);
	return 0;
}

int
rump_pub_lwproc_newlwp(pid_t pid)
{
	struct proc *p;
	struct lwp *l;
	int error;

	if ((p = proc_find(pid)) == NULL)
		return ESRCH;
	error = lwp_create(p, &l);
	proc_rele(p);
	if (error == 0)
		lwp_switch(l);
	return error;
}

void
rump_pub_lwproc_switch(struct lwp *l)
{
	lwp_switch(l);
}

/* The current lwp goes away; the thread is left with none. */
void
rump_pub_lwproc_releaselwp(void)
{
	struct lwp *l = rumpuser_curlwp();

	if (l == NULL)
		return;
	l->l_flag |= LW_RELEASED;
	lwp_switch(NULL);
}

struct lwp *
rump_pub_lwproc_curlwp(void)
{
	struct lwp *l = rumpuser_curlwp();

	return l != NULL && (l->l_flag & LW_IMPLICIT) == 0 ? l : NULL;
}

void
rump_pub_lwproc_sysent_usenative(void)
{
}

void
rump_schedule(void)
{
	sched_enter();
}

void
rump_unschedule(void)
{
	sched_exit();
}

/* Aliases without the _pub_ infix, as NetBSD's kernel names them. */
int rump_lwproc_rfork(int) __attribute__((alias("rump_pub_lwproc_rfork")));
int rump_lwproc_newlwp(pid_t) __attribute__((alias("rump_pub_lwproc_newlwp")));
void rump_lwproc_switch(struct lwp *)
    __attribute__((alias("rump_pub_lwproc_switch")));
void rump_lwproc_releaselwp(void)
    __attribute__((alias("rump_pub_lwproc_releaselwp")));
struct lwp *rump_lwproc_curlwp(void)
    __attribute__((alias("rump_pub_lwproc_curlwp")));
