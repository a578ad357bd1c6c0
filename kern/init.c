/*
 * init.c: booting the kernel, components, the console, and halting.
 *
 * rump_init() reads the environment (RUMP_NCPU, RUMP_MEMLIMIT,
 * RUMP_VERBOSE), sets up memory, CPUs and init (pid 1, "rumplocal",
 * which hosts the implicit lwps of threads that call in without one),
 * then initialises every registered component in type order: kernel
 * extensions, the VFS, file systems, devices, servers.  Components
 * register themselves from ELF constructors, so linking (or dlopening)
 * a library is enough to add it; one loaded after boot is initialised
 * on the spot.
 *
 * comp_lock (a host mutex) guards the component list and `booted`.
 */
#include <stdio.h>

#include "kern/kern.h"

#include <rump/rump.h>

int boot_verbose;			/* fixed at boot */
static struct rumpuser_mtx *comp_lock;
static struct rump_component *components;	/* comp_lock */
static bool booted;				/* comp_lock */
static bool booting;				/* comp_lock */
static struct shutdown_hook *shutdown_hooks;	/* comp_lock */
static int init_error;				/* first failed init */

void
panic(const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rumpuser_dprintf("panic: %s\n", buf);
	rumpuser_abort();
}

void
kprintf(const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rumpuser_dprintf("%s", buf);
}

void
aprint_verbose(const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	if (!boot_verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rumpuser_dprintf("%s", buf);
}

/* comp_lock is created on first use: constructors run before boot. */
static void
comp_lock_init(void)
{
	if (comp_lock == NULL && rumpuser_mutex_init(&comp_lock) != 0)
		panic("no memory for the component lock");
}

static int
component_init(struct rump_component *rc)
{
	int error = 0;

	if (rc->rc_inited)
		return 0;
	rc->rc_inited = true;
	if (rc->rc_init != NULL && (error = rc->rc_init()) != 0)
		kprintf("rump: component %s failed to initialise: %d\n",
		    rc->rc_name, error);
	return error;
}

void
rump_component_register(struct rump_component *rc)
{
	bool now;

	comp_lock_init();
	rumpuser_mutex_enter(comp_lock);
	rc->rc_next = components;
	components = rc;
	now = booted;
	rumpuser_mutex_exit(comp_lock);
	if (now) {
		sched_enter();
		component_init(rc);
		sched_exit();
	}
}

void
rump_component_foreach(void (*fn)(const struct rump_component *, void *),
    void *arg)
{
	struct rump_component *rc;

	comp_lock_init();
	rumpuser_mutex_enter(comp_lock);
	for (rc = components; rc != NULL; rc = rc->rc_next)
		fn(rc, arg);
	rumpuser_mutex_exit(comp_lock);
}

static int
components_init(void)
{
	struct rump_component *rc;
	int type, error = 0;

	for (type = 0; type < RUMP_COMPONENT_MAX; type++)
		for (rc = components; rc != NULL; rc = rc->rc_next)
			if ((int)rc->rc_type == type && !rc->rc_inited) {
				int e = component_init(rc);

				if (e != 0 && error == 0)
					error = e;
			}
	return error;
}

void
shutdown_hook_register(struct shutdown_hook *sh)
{
	comp_lock_init();
	rumpuser_mutex_enter(comp_lock);
	struct shutdown_hook **shp;

	/* in registration order: file systems sync before servers close */
	for (shp = &shutdown_hooks; *shp != NULL; shp = &(*shp)->sh_next)
		continue;
	sh->sh_next = NULL;
	*shp = sh;
	rumpuser_mutex_exit(comp_lock);
}

bool
rump_booted(void)
{
	return booted;
}

/* Parse a decimal number with an optional k/m/g suffix (powers of 1024). */
static int
parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0, mul = 1;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case '\0': break;
	case 'k': case 'K': mul = 1024; p++; break;
	case 'm': case 'M': mul = 1024 * 1024; p++; break;
	case 'g': case 'G': mul = 1024 * 1024 * 1024; p++; break;
	default: return EINVAL;
	}
	if (*p != '\0')
		return EINVAL;
	if (v > UINT64_MAX / mul)
		return ERANGE;
	*out = v * mul;
	return 0;
}

static int
getparam_num(const char *name, char *buf, size_t len)
{
	return rumpuser_getparam(name, buf, len);
}

static int
boot_params(int *ncpup, uint64_t *limitp)
{
	char buf[64];
	uint64_t v;
	int error;

	boot_verbose = getparam_num("RUMP_VERBOSE", buf, sizeof(buf)) == 0 &&
	    buf[0] != '0' && buf[0] != '\0';

	if (rumpuser_getparam("_RUMPUSER_NCPU", buf, sizeof(buf)) != 0 ||
	    parse_size(buf, &v) != 0 || v < 1)
		v = 1;
	if (getparam_num("RUMP_NCPU", buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "host") != 0) {
		if (parse_size(buf, &v) != 0 || v < 1) {
			kprintf("rump: RUMP_NCPU: invalid value \"%s\": "
			    "need a positive number of CPUs\n", buf);
			return EINVAL;
		}
	}
	if (v > 256) {
		aprint_verbose("rump: RUMP_NCPU %llu capped to 256\n",
		    (unsigned long long)v);
		v = 256;
	}
	*ncpup = (int)v;

	*limitp = 0;
	if (getparam_num("RUMP_MEMLIMIT", buf, sizeof(buf)) == 0) {
		if ((error = parse_size(buf, limitp)) != 0) {
			kprintf("rump: RUMP_MEMLIMIT: invalid value \"%s\"\n",
			    buf);
			return EINVAL;
		}
		if (*limitp <= 131072) {
			kprintf("rump: RUMP_MEMLIMIT %s too small: must exceed "
			    "131072 bytes\n", buf);
			return EINVAL;
		}
	}
	return 0;
}

int
rump_init(void)
{
	struct lwp *l;
	uint64_t limit;
	int n, error;

	comp_lock_init();
	rumpuser_mutex_enter(comp_lock);
	if (booted || booting) {
		rumpuser_mutex_exit(comp_lock);
		return 0;	/* NetBSD: a second rump_init is a no-op */
	}
	booting = true;
	rumpuser_mutex_exit(comp_lock);

	if ((error = rumpuser_init()) != 0)
		return error;
	if ((error = boot_params(&n, &limit)) != 0)
		goto fail;
	kmem_init(limit);
	sched_init(n);
	proc_init();
	sysctl_init();

	aprint_verbose("Copyright (c) the rump kernel server authors.\n");
	aprint_verbose("NetBSD 7.99.34 (RUMP-ROAST)\n");
	aprint_verbose("total memory = %s%llu bytes\n", limit ? "" :
	    "unlimited, reporting ", (unsigned long long)(limit ? limit :
	    536870912ULL));
	for (int i = 0; i < n; i++)
		aprint_verbose("cpu%d at thinair0: rump virtual cpu\n", i);

	if ((error = proc_create(NULL, RUMP_RFCFDG, &vmspace_local,
	    &initproc)) != 0)
		goto fail;
	strcpy(initproc->p_comm, "rumplocal");
	if ((error = lwp_create(initproc, &l)) != 0)
		goto fail;
	lwp_switch(l);
	sched_enter();
	if ((error = kern_syscalls_init()) == 0 &&
	    (error = cons_init()) == 0)
		error = components_init();
	sched_exit();
	l->l_flag |= LW_RELEASED;
	lwp_switch(NULL);
	if (error != 0)
		goto fail;

	rumpuser_mutex_enter(comp_lock);
	booted = true;
	booting = false;
	rumpuser_mutex_exit(comp_lock);
	/* components registered during boot but after the scan */
	rumpuser_mutex_enter(comp_lock);
	rumpuser_mutex_exit(comp_lock);
	sched_enter();
	components_init();
	sched_exit();
	aprint_verbose("rump kernel booted\n");
	return 0;

fail:
	init_error = error;
	rumpuser_mutex_enter(comp_lock);
	booting = false;
	rumpuser_mutex_exit(comp_lock);
	return error;
}

/*
 * Halt.  Sync and unmount unless RB_NOSYNC, run the shutdown hooks
 * (the sysproxy server answers its caller and closes its socket
 * there), then leave the process, or dump core for RB_DUMP.
 */
int
cpu_reboot(int howto)
{
	struct shutdown_hook *sh;

	kprintf("rump kernel halting...\n");
	/* Each hook reads howto: the VFS skips syncing for RB_NOSYNC and
	 * RB_DUMP, the sysproxy server always answers and closes. */
	rumpuser_mutex_enter(comp_lock);
	sh = shutdown_hooks;
	rumpuser_mutex_exit(comp_lock);
	for (; sh != NULL; sh = sh->sh_next)
		sh->sh_fn(howto);
	if (howto & RUMP_RB_DUMP) {
		kprintf("halted\n");
		rumpuser_abort();
	}
	if ((howto & RUMP_RB_HALT) == RUMP_RB_HALT) {
		kprintf("rump kernel halted (with RB_HALT, not exiting)\n");
		sched_unschedule();
		for (;;)
			rumpuser_clock_sleep(3600, 0);
	}
	kprintf("halted\n");
	rumpuser_exit(0);
}

int
rump_getversion(void)
{
	return 799003400;
}

int rump_pub_getversion(void) __attribute__((alias("rump_getversion")));

int
rump_nativeabi_p(void)
{
	return 0;
}
