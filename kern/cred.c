/*
 * cred.c: credentials.
 *
 * A credential is immutable once shared: changing ids means building
 * a new one (cred_dup) and swapping it into the process
 * (proc_setcred).  The reference count is the only mutable field and
 * is atomic, so readers need no lock.
 */
#include "kern/kern.h"

kauth_cred_t
cred_alloc(void)
{
	kauth_cred_t c = kmem_zalloc(sizeof(*c), KM_SLEEP);

	if (c != NULL)
		c->cr_refcnt = 1;
	return c;
}

kauth_cred_t
cred_dup(kauth_cred_t src)
{
	kauth_cred_t c = kmem_alloc(sizeof(*c), KM_SLEEP);

	if (c != NULL) {
		*c = *src;
		c->cr_refcnt = 1;
	}
	return c;
}

void
cred_hold(kauth_cred_t c)
{
	__atomic_add_fetch(&c->cr_refcnt, 1, __ATOMIC_RELAXED);
}

void
cred_free(kauth_cred_t c)
{
	if (c != NULL && __atomic_sub_fetch(&c->cr_refcnt, 1,
	    __ATOMIC_ACQ_REL) == 0)
		kmem_free(c, sizeof(*c));
}

bool
cred_groupmember(kauth_cred_t c, gid_t gid)
{
	int i;

	if (c->cr_egid == gid)
		return true;
	for (i = 0; i < c->cr_ngroups; i++)
		if (c->cr_groups[i] == gid)
			return true;
	return false;
}

kauth_cred_t
curcred(void)
{
	struct lwp *l = curlwp;

	return l->l_cred != NULL ? l->l_cred : l->l_proc->p_cred;
}
