/*
 * kobj.c: what the kernel's module linker (kern/kobj.c) needs from the
 * host: page-aligned memory whose protection it can change (a module's
 * code must end up executable, nothing else should), the address of a
 * symbol the kernel's libraries export, and where those libraries
 * live (the default module directory is found beside them).
 *
 * Symbols: dlsym over everything loaded, then dladdr tells which
 * object defines the symbol.  Only a rump kernel library counts as
 * "kernel" (librump*.so*, but not the client or hijack libraries);
 * anything else is reported as a host symbol and the kernel decides
 * whether a module may have it.  No state, no locks.
 */
#include <dlfcn.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "rumpuser_int.h"

int
rumpuser_kobj_map(size_t len, void **addrp)
{
	void *p;
	int error;

	if ((error = rumpuser_fault(RUMPUSER_MALLOC)) != 0)
		return error;
	if (len == 0)
		return 22;	/* EINVAL */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return 12;	/* ENOMEM */
	*addrp = p;
	return 0;
}

int
rumpuser_kobj_protect(void *addr, size_t len, int prot)
{
	int hp = PROT_NONE;

	if (prot & RUMPUSER_PROT_READ)
		hp |= PROT_READ;
	if (prot & RUMPUSER_PROT_WRITE)
		hp |= PROT_WRITE;
	if (prot & RUMPUSER_PROT_EXEC)
		hp |= PROT_EXEC;
	if (len == 0)
		return 0;
	if (mprotect(addr, len, hp) != 0)
		return rumpuser_errtrans(errno);
	return 0;
}

void
rumpuser_kobj_unmap(void *addr, size_t len)
{
	if (addr != NULL && len != 0)
		munmap(addr, len);
}

/* Is this object file one of the kernel's libraries? */
static bool
is_kernel_object(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base != NULL ? base + 1 : path;
	if (strncmp(base, "librump", 7) != 0)
		return false;
	return strncmp(base, "librumpclient", 13) != 0 &&
	    strncmp(base, "librumphijack", 13) != 0;
}

int
rumpuser_kobj_sym(const char *name, void **addrp, bool *kernelp)
{
	Dl_info info;
	void *p;

	dlerror();
	if ((p = dlsym(RTLD_DEFAULT, name)) == NULL)
		return 2;	/* ENOENT */
	*addrp = p;
	*kernelp = dladdr(p, &info) != 0 && info.dli_fname != NULL &&
	    is_kernel_object(info.dli_fname);
	return 0;
}

int
rumpuser_kobj_libdir(char *buf, size_t len)
{
	char real[PATH_MAX], *dir;
	Dl_info info;

	if (dladdr((void *)rumpuser_kobj_libdir, &info) == 0 ||
	    info.dli_fname == NULL)
		return 2;	/* ENOENT */
	if (realpath(info.dli_fname, real) == NULL)
		return rumpuser_errtrans(errno);
	dir = dirname(real);
	if (strlen(dir) >= len)
		return 63;	/* ENAMETOOLONG */
	strcpy(buf, dir);
	return 0;
}
