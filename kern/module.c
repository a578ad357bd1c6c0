/*
 * module.c: the list of loaded kernel modules; loading (with the
 * modules a module requires), unloading, autoloading, and the records
 * modctl(MODCTL_STAT) reports.
 *
 * Loading a module, in NetBSD's order (sys/kern/kern_module.c):
 *   1. a name already loaded, or built in, is EEXIST
 *   2. read the file through the VFS (module_reader, vfs/vfs_module.c):
 *      a path as given, a name from MODULE_BASE/name/name.kmod
 *   3. kobj_load: check and lay out the object, local relocations
 *   4. read its modinfo (checked: inside the object, strings ending
 *      there, the control function in its code), the version, name
 *   5. load each required module (recursively; EDEADLK for a cycle,
 *      EMLINK past MODULE_MAXDEPTH)
 *   6. kobj_affix: resolve the rest against the required modules, then
 *      the kernel's exported symbols
 *   7. MODULE_CMD_INIT; on success the module joins the list and each
 *      required module gains a reference
 * Any failure undoes everything before it: the kernel is left as it
 * was, and every byte allocated is freed.  Reasons go to the console
 * ("module: ...") as NetBSD's module_error does; the caller gets the
 * errno.
 *
 * module_lock guards module_list, module_reader and every struct
 * module; it is held across a whole load or unload (see module.h for
 * its place in the lock order).
 */
#include <stdio.h>

#include "kern/kobj.h"
#include "kern/module.h"

#define EPROGMISMATCH	75	/* NetBSD errno.h */
#define MODULE_MAXDEPTH	6
#define MODULE_MAXFILE	((size_t)64 << 20)

/*
 * A loaded module.  mod_refcnt counts the loaded modules that require
 * this one (unload is EBUSY while any do).
 */
struct module {
	const struct modinfo *mod_info;	/* inside mod_kobj */
	struct kobj *mod_kobj;
	modsrc_t mod_source;
	unsigned mod_refcnt;
	int	mod_flags;		/* RUMP_MODFLG_* */
	struct module *mod_required[MAXMODDEPS];
	unsigned mod_nrequired;
	struct module *mod_next;
};

static kmutex_t module_lock;
static struct module *module_list;	/* module_lock, oldest first */
static module_read_fn module_reader;	/* module_lock */

/* A load in progress, for cycle detection: one per depth. */
struct pending {
	const char *names[MODULE_MAXDEPTH + 1];
	int	depth;
};

static void __attribute__((format(printf, 1, 2)))
module_error(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprintf("module: %s\n", buf);
}

void
module_init(void)
{
	mutex_init(&module_lock);
}

void
module_set_reader(module_read_fn fn)
{
	mutex_enter(&module_lock);
	module_reader = fn;
	mutex_exit(&module_lock);
}

static struct module *
module_lookup(const char *name)
{
	struct module *mod;

	for (mod = module_list; mod != NULL; mod = mod->mod_next)
		if (strcmp(mod->mod_info->mi_name, name) == 0)
			return mod;
	return NULL;
}

/* --- built-in modules: the kernel's components ------------------------ */

struct builtin_find {
	const char *name;
	bool	found;
};

static void
builtin_match(const struct rump_component *rc, void *arg)
{
	struct builtin_find *bf = arg;

	if (rc->rc_name != NULL && strcmp(rc->rc_name, bf->name) == 0)
		bf->found = true;
}

static bool
builtin_exists(const char *name)
{
	struct builtin_find bf = { name, false };

	rump_component_foreach(builtin_match, &bf);
	return bf.found;
}

/* --- reading and checking a module ----------------------------------- */

/* The file for name: a path as given, else from the module directory. */
static int
module_read(const char *name, bool autoload, void **bufp, size_t *lenp)
{
	char path[MAXPATHLEN];
	int error = ENOENT;

	if (module_reader == NULL)
		return ENOSYS;	/* no vfs faction */
	if (!autoload && strchr(name, '/') != NULL)
		return module_reader(name, bufp, lenp);
	if (strchr(name, '/') != NULL)
		return error;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s.kmod", MODULE_BASE,
	    name, name) >= sizeof(path))
		return ENAMETOOLONG;
	return module_reader(path, bufp, lenp);
}

/* A string inside the object's memory, ending there, of at most max. */
static bool
kstring_ok(struct kobj *ko, const char *s, size_t max)
{
	for (size_t i = 0; i <= max; i++) {
		if (!kobj_contains(ko, s + i, 1))
			return false;
		if (s[i] == '\0')
			return true;
	}
	return false;
}

static int
module_fetch_info(struct module *mod, const char *what)
{
	const struct modinfo *mi;

	mi = kobj_lookup(mod->mod_kobj, MODULE_INFO_SYMBOL);
	if (mi == NULL || !kobj_contains(mod->mod_kobj, mi, sizeof(*mi))) {
		module_error("%s: no module information (%s)", what,
		    MODULE_INFO_SYMBOL);
		return ENOEXEC;
	}
	if (mi->mi_name == NULL || !kstring_ok(mod->mod_kobj, mi->mi_name,
	    MAXPATHLEN) || (mi->mi_required != NULL &&
	    !kstring_ok(mod->mod_kobj, mi->mi_required, MAXPATHLEN)) ||
	    !kobj_in_text(mod->mod_kobj, (const void *)mi->mi_modcmd)) {
		module_error("%s: module information malformed", what);
		return ENOEXEC;
	}
	if (strlen(mi->mi_name) >= MAXMODNAME || mi->mi_name[0] == '\0') {
		module_error("%s: module name `%s' empty or longer than %d",
		    what, mi->mi_name, MAXMODNAME - 1);
		return EINVAL;
	}
	if ((unsigned)mi->mi_class > MODULE_CLASS_SECMODEL) {
		module_error("%s: unknown module class %d", what,
		    (int)mi->mi_class);
		return EINVAL;
	}
	mod->mod_info = mi;
	return 0;
}

/* --- loading ------------------------------------------------------------- */

static int module_do_load(const char *name, bool isdep, int flags,
    const char *props, bool autoload, modclass_t class,
    struct pending *pd, struct module **modp);

/* Undefined symbols: the required modules first, then the kernel. */
static void *
module_resolve(const char *sym, void *arg)
{
	struct module *mod = arg;
	void *p;

	for (unsigned i = 0; i < mod->mod_nrequired; i++)
		if (mod->mod_required[i]->mod_kobj != NULL &&
		    (p = kobj_lookup(mod->mod_required[i]->mod_kobj, sym)) !=
		    NULL)
			return p;
	return kobj_kernel_sym(sym);
}

/* The next name in a comma-separated list, into buf; NULL at the end. */
static const char *
next_required(const char *s, char *buf, int *errorp)
{
	size_t len;

	while (*s == ',')
		s++;
	if (*s == '\0')
		return NULL;
	for (len = 0; s[len] != '\0' && s[len] != ','; len++)
		continue;
	if (len >= MAXMODNAME) {
		*errorp = EINVAL;
		return NULL;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	return s + len;
}

static int
module_load_required(struct module *mod, int flags, struct pending *pd)
{
	const struct modinfo *mi = mod->mod_info;
	char buf[MAXMODNAME];
	struct module *req;
	const char *s = mi->mi_required;
	int error = 0;

	if (s == NULL)
		return 0;
	while ((s = next_required(s, buf, &error)) != NULL) {
		if (mod->mod_nrequired == MAXMODDEPS - 1) {
			module_error("`%s': too many required modules",
			    mi->mi_name);
			return EINVAL;
		}
		if (strcmp(buf, mi->mi_name) == 0) {
			module_error("`%s' requires itself", mi->mi_name);
			return EDEADLK;
		}
		error = module_do_load(buf, true, flags, NULL, true,
		    MODULE_CLASS_ANY, pd, &req);
		if (error == EEXIST && req == NULL)
			error = 0;	/* built in: nothing to link against */
		else if (error != 0 && error != EEXIST) {
			module_error("`%s' requires `%s', which cannot be "
			    "loaded: error %d", mi->mi_name, buf, error);
			return error;
		}
		if (req != NULL)
			mod->mod_required[mod->mod_nrequired++] = req;
	}
	if (error != 0)
		module_error("`%s': a required module name is longer than %d",
		    mi->mi_name, MAXMODNAME - 1);
	return error;
}

/* Is name being loaded at a depth below `upto`? */
static bool
pending_has(const struct pending *pd, const char *name, int upto)
{
	for (int i = 0; i < upto; i++)
		if (pd->names[i] != NULL && strcmp(pd->names[i], name) == 0)
			return true;
	return false;
}

/* Steps 4-7 for a linked object. */
static int
module_link(struct module *mod, const char *what, int flags,
    const char *props, bool isdep, const char *name, modclass_t class,
    struct pending *pd)
{
	const struct modinfo *mi;
	char why[KOBJ_ERRLEN];
	int error;

	if ((error = module_fetch_info(mod, what)) != 0)
		return error;
	mi = mod->mod_info;
	if (mi->mi_version != MODULE_VERSION) {
		module_error("`%s' built for %u, kernel is %u%s", mi->mi_name,
		    mi->mi_version, MODULE_VERSION,
		    (flags & MODCTL_LOAD_FORCE) ? " (forced)" : "");
		if (!(flags & MODCTL_LOAD_FORCE))
			return EPROGMISMATCH;
	}
	if (class != MODULE_CLASS_ANY && mi->mi_class != class) {
		module_error("`%s' is not of the class asked for", mi->mi_name);
		return ENOENT;
	}
	if (isdep && strcmp(mi->mi_name, name) != 0) {
		module_error("module file for `%s' is named `%s'", name,
		    mi->mi_name);
		return ENOENT;
	}
	if (module_lookup(mi->mi_name) != NULL ||
	    builtin_exists(mi->mi_name)) {
		module_error("`%s' is already loaded", mi->mi_name);
		return EEXIST;
	}
	if (pending_has(pd, mi->mi_name, pd->depth - 1)) {
		module_error("circular dependency for `%s'", mi->mi_name);
		return EDEADLK;
	}
	pd->names[pd->depth - 1] = mi->mi_name;
	if ((error = module_load_required(mod, flags, pd)) != 0)
		return error;
	if ((error = kobj_affix(mod->mod_kobj, module_resolve, mod, why,
	    sizeof(why))) != 0) {
		module_error("`%s': %s", mi->mi_name, why[0] ? why :
		    "cannot link");
		return error;
	}
	if ((error = mi->mi_modcmd(MODULE_CMD_INIT, (void *)props)) != 0) {
		module_error("`%s': initialisation failed: error %d",
		    mi->mi_name, error);
		return error;
	}
	return 0;
}

static void
module_free(struct module *mod)
{
	if (mod->mod_kobj != NULL)
		kobj_unload(mod->mod_kobj);
	kmem_free(mod, sizeof(*mod));
}

/* Join the list; required modules gain a reference.  (When a load
 * fails, modules loaded for it stay loaded, as in NetBSD.) */
static void
module_enqueue(struct module *mod)
{
	struct module **mp;

	for (mp = &module_list; *mp != NULL; mp = &(*mp)->mod_next)
		continue;
	mod->mod_next = NULL;
	*mp = mod;
	for (unsigned i = 0; i < mod->mod_nrequired; i++)
		mod->mod_required[i]->mod_refcnt++;
}

static int
module_do_load(const char *name, bool isdep, int flags, const char *props,
    bool autoload, modclass_t class, struct pending *pd, struct module **modp)
{
	struct module *mod;
	char why[KOBJ_ERRLEN];
	void *image = NULL;
	size_t len = 0;
	int error;

	*modp = NULL;
	if (pd->depth >= MODULE_MAXDEPTH) {
		module_error("`%s': modules required too deep", name);
		return EMLINK;
	}
	if (strchr(name, '/') == NULL) {
		if ((*modp = module_lookup(name)) != NULL ||
		    builtin_exists(name))
			return EEXIST;
		if (pending_has(pd, name, pd->depth)) {
			module_error("circular dependency for `%s'", name);
			return EDEADLK;
		}
	}
	if ((error = module_read(name, autoload || isdep, &image, &len)) != 0) {
		if (!autoload || isdep)
			module_error("`%s': cannot read: error %d", name,
			    error);
		return error;
	}
	if ((mod = kmem_zalloc(sizeof(*mod), KM_SLEEP)) == NULL) {
		kmem_free(image, len);
		return ENOMEM;
	}
	mod->mod_source = MODULE_SOURCE_FILESYS;
	pd->names[pd->depth++] = strchr(name, '/') ? NULL : name;
	if ((error = kobj_load(image, len, &mod->mod_kobj, why,
	    sizeof(why))) != 0)
		module_error("`%s': %s", name, why[0] ? why : "cannot load");
	else
		error = module_link(mod, name, flags, props, isdep, name,
		    class, pd);
	pd->depth--;
	kmem_free(image, len);
	if (error != 0) {
		module_free(mod);
		return error;
	}
	if (autoload && !isdep)
		mod->mod_flags |= RUMP_MODFLG_AUTO_LOADED;
	module_enqueue(mod);
	*modp = mod;
	return 0;
}

int
module_load(const char *name, int flags, const char *props)
{
	struct pending pd = { .depth = 0 };
	struct module *mod;
	int error;

	if (name[0] == '\0')
		return ENOENT;
	if (mutex_owned(&module_lock))
		return EDEADLK;		/* from a module's INIT or FINI */
	mutex_enter(&module_lock);
	error = module_do_load(name, false, flags, props, false,
	    MODULE_CLASS_ANY, &pd, &mod);
	mutex_exit(&module_lock);
	return error;
}

int
module_autoload(const char *name, modclass_t class)
{
	struct pending pd = { .depth = 0 };
	struct module *mod;
	int error;

	/* no paths, no magic symlinks, no dots (NetBSD's rule) */
	if (strpbrk(name, "/@.") != NULL || name[0] == '\0')
		return EPERM;
	if (mutex_owned(&module_lock))
		return EDEADLK;		/* e.g. a module's INIT mounting */
	mutex_enter(&module_lock);
	error = module_do_load(name, false, 0, NULL, true, class, &pd, &mod);
	mutex_exit(&module_lock);
	return error;
}

/* --- unloading --------------------------------------------------------- */

int
module_unload(const char *name)
{
	struct module *mod, **mp;
	int error;

	if (mutex_owned(&module_lock))
		return EDEADLK;
	mutex_enter(&module_lock);
	if ((mod = module_lookup(name)) == NULL) {
		error = builtin_exists(name) ? EBUSY : ENOENT;
		mutex_exit(&module_lock);
		return error;
	}
	if (mod->mod_refcnt != 0) {
		mutex_exit(&module_lock);
		return EBUSY;
	}
	if ((error = mod->mod_info->mi_modcmd(MODULE_CMD_FINI, NULL)) != 0) {
		mutex_exit(&module_lock);
		return error;
	}
	for (mp = &module_list; *mp != mod; mp = &(*mp)->mod_next)
		continue;
	*mp = mod->mod_next;
	for (unsigned i = 0; i < mod->mod_nrequired; i++)
		mod->mod_required[i]->mod_refcnt--;
	mutex_exit(&module_lock);
	module_free(mod);
	return 0;
}

/* --- statistics ---------------------------------------------------------- */

static void
stat_one(struct rump_modstat *ms, const char *name, const char *required,
    int class, int source, uint32_t refcnt, int flags)
{
	memset(ms, 0, sizeof(*ms));
	strncpy(ms->ms_name, name, sizeof(ms->ms_name) - 1);
	if (required != NULL)
		strncpy(ms->ms_required, required,
		    sizeof(ms->ms_required) - 1);
	ms->ms_class = class;
	ms->ms_source = source;
	ms->ms_refcnt = refcnt;
	ms->ms_flags = (uint32_t)flags;
}

struct stat_walk {
	struct rump_modstat *stats;
	size_t	max, n;
};

static int
component_class(enum rump_component_type t)
{
	switch (t) {
	case RUMP_COMPONENT_VFS_FS: return MODULE_CLASS_VFS;
	case RUMP_COMPONENT_DEV: return MODULE_CLASS_DRIVER;
	default: return MODULE_CLASS_MISC;
	}
}

static void
stat_builtin(const struct rump_component *rc, void *arg)
{
	struct stat_walk *sw = arg;

	if (rc->rc_name == NULL)
		return;
	if (sw->stats != NULL && sw->n < sw->max)
		stat_one(&sw->stats[sw->n], rc->rc_name, NULL,
		    component_class(rc->rc_type), MODULE_SOURCE_KERNEL, 0, 0);
	sw->n++;
}

size_t
module_stat(struct rump_modstat *stats, size_t max)
{
	struct stat_walk sw = { stats, max, 0 };
	struct module *mod;
	uintptr_t addr;
	size_t size;

	mutex_enter(&module_lock);
	for (mod = module_list; mod != NULL; mod = mod->mod_next, sw.n++) {
		struct rump_modstat *ms;

		if (stats == NULL || sw.n >= max)
			continue;
		ms = &stats[sw.n];
		stat_one(ms, mod->mod_info->mi_name,
		    mod->mod_info->mi_required, mod->mod_info->mi_class,
		    mod->mod_source, mod->mod_refcnt, mod->mod_flags);
		kobj_stat(mod->mod_kobj, &addr, &size);
		ms->ms_addr = addr;
		ms->ms_size = (uint32_t)size;
	}
	rump_component_foreach(stat_builtin, &sw);
	mutex_exit(&module_lock);
	return sw.n;
}
