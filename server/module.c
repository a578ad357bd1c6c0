/*
 * module.c: -m, loading kernel modules after the boot, and the module
 * directory the kernel looks in for modules named without a path.
 *
 * -m PATH, as NetBSD does it: the host file becomes the etfs key
 * /module.mod, modctl(MODCTL_LOAD) reads it through the kernel's VFS
 * and links it, the key is removed.  Unlike NetBSD, which loads the
 * first -m as many times as -m is given, every -m is loaded, in order.
 *
 * The module directory: the host directory RUMP_MODULEBASE names
 * (empty, or starting with 0: none), else this installation's
 * lib/rump/modules beside bin/ (where make install puts the .kmod
 * files), is mapped with its subdirectories at the kernel's module path
 * (/stand/amd64/7.99.34/modules), as NetBSD's rump kernels map
 * RUMP_MODULEBASE.  A directory that does not exist is skipped; so is
 * the mapping without the vfs faction.
 *
 * rump_server has no etfs until -l rumpvfs loads it: its entry points
 * are looked up when needed (ENOSYS without them, as in drive.c).
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/rumperr.h>

#include "server/server.h"

#define MODULE_PATH	"/stand/amd64/7.99.34/modules"
#define MODULE_KEY	"/module.mod"

typedef int (*etfs_register_fn)(const char *, const char *,
    enum rump_etfs_type);
typedef int (*etfs_remove_fn)(const char *);

static int
etfs_register(const char *key, const char *host, enum rump_etfs_type type)
{
	etfs_register_fn fn;

	fn = (etfs_register_fn)dlsym(RTLD_DEFAULT, "rump_pub_etfs_register");
	return fn != NULL ? fn(key, host, type) : RUMP_ENOSYS;
}

static void
etfs_remove(const char *key)
{
	etfs_remove_fn fn;

	fn = (etfs_remove_fn)dlsym(RTLD_DEFAULT, "rump_pub_etfs_remove");
	if (fn != NULL)
		(void)fn(key);
}

/* dirname(dirname(/proc/self/exe))/lib/rump/modules, or "". */
static void
own_moddir(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	buf[0] = '\0';
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return;
	*slash = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';
	if (snprintf(buf, len, "%s/lib/rump/modules", exe) >= (int)len)
		buf[0] = '\0';
}

void
srv_map_moddir(void)
{
	char dir[PATH_MAX];
	const char *env = getenv("RUMP_MODULEBASE");
	struct stat st;

	if (env != NULL) {
		if (env[0] == '\0' || env[0] == '0')
			return;
		snprintf(dir, sizeof(dir), "%s", env);
	} else
		own_moddir(dir, sizeof(dir));
	if (dir[0] == '\0' || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	(void)etfs_register(MODULE_PATH, dir, RUMP_ETFS_DIR_SUBDIRS);
}

int
srv_load_module(const char *path, const char **whyp)
{
	struct rump_modctl_load ml = { MODULE_KEY, 0, NULL, 0 };
	int error;

	if ((error = etfs_register(MODULE_KEY, path, RUMP_ETFS_REG)) != 0) {
		*whyp = "module etfs register failed";
		return error;
	}
	error = rump_sys_modctl(RUMP_MODCTL_LOAD, &ml) == -1 ? errno : 0;
	etfs_remove(MODULE_KEY);
	*whyp = "module load failed";
	return error;
}
