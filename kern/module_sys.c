/*
 * module_sys.c: modctl(2), system call 246, as NetBSD serves it
 * (sys/kern/sys_module.c): MODCTL_LOAD, MODCTL_UNLOAD, MODCTL_STAT,
 * MODCTL_EXISTS; anything else is EINVAL.  Loading and unloading are
 * for root (EPERM), as kauth allows only it on NetBSD.  The work is in
 * kern/module.c; this file moves arguments across the boundary.
 */
#include "kern/module.h"
#include "kern/sys_kern.h"

#define MAXPROPSLEN	4096	/* NetBSD's cap on a property list */

/* A property list must be an XML dictionary (we pass it on as text). */
static bool
props_ok(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return *p == '<' && strstr(p, "<dict") != NULL;
}

static int
modctl_load(const void *uarg)
{
	struct rump_modctl_load ml;
	char *path, *props = NULL;
	size_t propslen = 0;
	int error;

	if ((error = copyin(uarg, &ml, sizeof(ml))) != 0)
		return error;
	if ((ml.ml_props != NULL) != (ml.ml_propslen != 0))
		return EINVAL;
	if ((error = pathbuf_copyin(ml.ml_filename, &path)) != 0)
		return error;
	if (ml.ml_props != NULL) {
		error = ENOMEM;
		if (ml.ml_propslen > MAXPROPSLEN)
			goto out;
		propslen = ml.ml_propslen + 1;
		if ((props = kmem_alloc(propslen, KM_SLEEP)) == NULL)
			goto out;
		if ((error = copyinstr(ml.ml_props, props, propslen,
		    NULL)) != 0)
			goto out;
		error = EINVAL;
		if (!props_ok(props))
			goto out;
	}
	error = module_load(path, ml.ml_flags, props);
out:
	if (props != NULL)
		kmem_free(props, propslen);
	pathbuf_free(path);
	return error;
}

static int
modctl_unload(const void *uarg)
{
	char name[MAXMODNAME];
	int error;

	if ((error = copyinstr(uarg, name, sizeof(name), NULL)) != 0)
		return error;
	return module_unload(name);
}

/*
 * The records, then the iovec written back with the size they need;
 * what does not fit in the caller's buffer is left out.
 */
static int
modctl_stat(void *uarg)
{
	struct rump_modiovec iov;
	struct rump_modstat *ms;
	size_t n, max, bytes;
	int error;

	if ((error = copyin(uarg, &iov, sizeof(iov))) != 0)
		return error;
	for (max = module_stat(NULL, 0) + 4;; max = n + 4) {
		if ((ms = kmem_zalloc(max * sizeof(*ms), KM_SLEEP)) == NULL)
			return ENOMEM;
		if ((n = module_stat(ms, max)) <= max)
			break;
		kmem_free(ms, max * sizeof(*ms));	/* grew meanwhile */
	}
	bytes = n * sizeof(*ms);
	error = copyout(ms, iov.iov_base, MIN(bytes, iov.iov_len));
	kmem_free(ms, max * sizeof(*ms));
	if (error != 0)
		return error;
	iov.iov_len = bytes;
	return copyout(&iov, uarg, sizeof(iov));
}

int
sys_modctl(struct lwp *l, const void *args, register_t *retval)
{
	int cmd = SARG_INT(args, 0);
	void *arg = SARG_PTR(args, 1);

	(void)l;
	(void)retval;
	switch (cmd) {
	case RUMP_MODCTL_LOAD:
		if (!cred_isroot(curcred()))
			return EPERM;
		return modctl_load(arg);
	case RUMP_MODCTL_UNLOAD:
		if (!cred_isroot(curcred()))
			return EPERM;
		return modctl_unload(arg);
	case RUMP_MODCTL_STAT:
		return modctl_stat(arg);
	case RUMP_MODCTL_EXISTS:
		if ((uintptr_t)arg > 1)
			return EINVAL;
		return cred_isroot(curcred()) ? 0 : EPERM;
	default:
		return EINVAL;
	}
}
