/*
 * module.h: kernel modules, as NetBSD has them (sys/sys/module.h).
 *
 * A module is a .kmod file: an ELF relocatable object linked into the
 * running kernel by kern/kobj.c.  It defines one struct modinfo under
 * the symbol name rump_modinfo (the MODULE() macro does it): its name,
 * class, the modules it requires (comma separated) and its control
 * function, called with MODULE_CMD_INIT (argument: the properties
 * given to modctl, an XML property list as a NUL-terminated string, or
 * NULL) and MODULE_CMD_FINI (which may refuse, e.g. EBUSY while a file
 * system it provides is mounted).  Module sources are compiled with
 * -DRUMP_KMOD, so that code which registers a component from an ELF
 * constructor when linked into a library does not do so in a module.
 *
 * Components built into the kernel (kern/init.c) are its built-in
 * modules: they are listed by MODCTL_STAT, and a module of the same
 * name cannot be loaded (EEXIST).
 *
 * kern/module.c keeps the list; kern/module_sys.c is modctl(2).
 * Lock: module_lock (a kmutex) is held across a whole load or unload,
 * including reading the file and the module's INIT/FINI; it comes
 * before every vfs lock.  A load, autoload or unload asked for while
 * the caller holds it (a module's INIT mounting a file system of a type
 * not yet known, say) is EDEADLK instead of a hang.
 */
#ifndef KERN_MODULE_H
#define KERN_MODULE_H

#include "kern/kern.h"
#include "kern/modstat.h"

#define MAXMODNAME	32
#define MAXMODDEPS	RUMP_MAXMODDEPS
#define MODULE_VERSION	799003400	/* the kernel's __NetBSD_Version__ */

typedef enum modclass {
	MODULE_CLASS_ANY,
	MODULE_CLASS_MISC,
	MODULE_CLASS_VFS,
	MODULE_CLASS_DRIVER,
	MODULE_CLASS_EXEC,
	MODULE_CLASS_SECMODEL
} modclass_t;

typedef enum modsrc {
	MODULE_SOURCE_KERNEL,
	MODULE_SOURCE_BOOT,
	MODULE_SOURCE_FILESYS
} modsrc_t;

typedef enum modcmd {
	MODULE_CMD_INIT,
	MODULE_CMD_FINI,
	MODULE_CMD_STAT,
	MODULE_CMD_AUTOUNLOAD
} modcmd_t;

struct modinfo {
	unsigned mi_version;
	modclass_t mi_class;
	int	(*mi_modcmd)(modcmd_t, void *);
	const char *mi_name;
	const char *mi_required;
};

#define MODULE_INFO_SYMBOL	"rump_modinfo"

#define MODULE(class, name, required)					\
	static int name##_modcmd(modcmd_t, void *);			\
	const struct modinfo rump_modinfo = {				\
		.mi_version = MODULE_VERSION,				\
		.mi_class = (class),					\
		.mi_modcmd = name##_modcmd,				\
		.mi_name = #name,					\
		.mi_required = (required),				\
	}

/* Where modules are looked for by name inside the kernel's namespace:
 * <module_base>/<name>/<name>.kmod (NetBSD's path for amd64). */
#define MODULE_BASE	"/stand/amd64/7.99.34/modules"

/* modctl's load flags */
#define MODCTL_LOAD_FORCE	0x1
#define MODCTL_NO_PROP		0x2

/*
 * The vfs faction reads module files for us (vfs/vfs_module.c): the
 * whole file at path, into *bufp (kmem, *lenp bytes; the caller frees).
 * Without it, loading from a file is ENOSYS.
 */
typedef int (*module_read_fn)(const char *path, void **bufp, size_t *lenp);
void	module_set_reader(module_read_fn fn);

/* Load by name (from MODULE_BASE) or by path (a name with '/'). */
int	module_load(const char *name, int flags, const char *props);
/* Load by name only, as the kernel does for an unknown fs type. */
int	module_autoload(const char *name, modclass_t class);
int	module_unload(const char *name);
/* Fill stats (room for max records; a NULL array just counts) and
 * return how many there are. */
size_t	module_stat(struct rump_modstat *stats, size_t max);
void	module_init(void);
/* modctl(2) (kern/module_sys.c). */
int	sys_modctl(struct lwp *, const void *, register_t *);

#endif
