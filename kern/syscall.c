/*
 * syscall.c: the system call table and its single entry point.
 *
 * The table is indexed by NetBSD system call number.  Factions fill
 * in their rows when their component initialises; a row nobody filled
 * answers ENOSYS, as a NetBSD kernel without that faction does.
 * Arguments arrive as NetBSD's sys_<call>_args: an array of 8-byte
 * slots, whatever the caller (a linked program or a sysproxy client).
 *
 * sysent[] rows are written only by syscall_register, at component
 * init; rows are single pointers, published with release stores so a
 * call racing with a late component load sees either ENOSYS or the
 * whole row.
 *
 * A process being traced (ktrace, kern/sys_ktrace.c) has records
 * written on the way in and out; the test is one relaxed load.
 */
#include "kern/kern.h"

static _Atomic(sy_call_t) sysent_call[SYS_MAXSYSCALL];
static int sysent_narg[SYS_MAXSYSCALL];

void
syscall_register(const struct syscall_reg *tab, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		KASSERT(tab[i].num > 0 && tab[i].num < SYS_MAXSYSCALL);
		sysent_narg[tab[i].num] = tab[i].narg;
		atomic_store_explicit(&sysent_call[tab[i].num], tab[i].call,
		    memory_order_release);
	}
}

int
rump_syscall(int num, void *data, size_t dlen, rump_register_t *retval)
{
	uint64_t args[8] = { 0 };
	register_t rv[2] = { 0, 0 };
	struct lwp *l;
	struct proc *p;
	sy_call_t call;
	int error;

	if (initproc == NULL) {		/* rump_init() has not run */
		retval[0] = retval[1] = 0;
		return ENXIO;
	}
	if (num <= 0 || num >= SYS_MAXSYSCALL ||
	    (call = atomic_load_explicit(&sysent_call[num],
	    memory_order_acquire)) == NULL) {
		retval[0] = retval[1] = 0;
		return ENOSYS;
	}
	/* Short bodies read as zero-filled, never past the caller's. */
	if (dlen > 0)		/* argument-less calls may pass NULL */
		memcpy(args, data, MIN(dlen, sizeof(args)));

	sched_enter();
	l = curlwp;
	p = l->l_proc;
	mutex_enter(&p->p_lock);
	l->l_cred = p->p_cred;
	cred_hold(l->l_cred);
	mutex_exit(&p->p_lock);

	if (atomic_load_explicit(&p->p_traceflag, memory_order_relaxed))
		ktr_syscall(l, num, args, sysent_narg[num]);
	error = call(l, args, rv);
	if (atomic_load_explicit(&p->p_traceflag, memory_order_relaxed))
		ktr_sysret(l, num, error, rv);

	uio_prefetch_reset(l);
	cred_free(l->l_cred);
	l->l_cred = NULL;
	sched_exit();

	if (error == ERESTART)
		error = EINTR;
	if (error == EJUSTRETURN)
		error = 0;
	retval[0] = rv[0];
	retval[1] = rv[1];
	return error;
}
