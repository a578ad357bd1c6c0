/*
 * kobj.h: the kernel's object linker (kern/kobj.c), which turns the
 * bytes of an ELF64 x86-64 relocatable object (a .kmod) into code and
 * data in memory.  kern/module.c is its only user.
 *
 * The image is untrusted: every header, section, symbol and relocation
 * field is checked before use, and anything wrong is ENOEXEC with a
 * reason in the caller's buffer.  Undefined symbols are resolved by
 * the caller's function (modules this one requires, then the kernel).
 * A kobj is owned by one module; no locking inside.
 */
#ifndef KERN_KOBJ_H
#define KERN_KOBJ_H

#include "kern/kern.h"

struct kobj;

/* Address of an undefined symbol, or NULL (ENOEXEC for the module). */
typedef void *(*kobj_resolve_fn)(const char *name, void *arg);

#define KOBJ_ERRLEN	160

/*
 * Two phases, as in NetBSD: kobj_load checks image[0..len), lays it out
 * in new memory and applies the relocations against its own symbols
 * (so its module info can be read); kobj_affix, once the modules it
 * requires are in, resolves the undefined symbols, applies the rest,
 * then makes text read+execute and read-only data read-only.  The
 * image must stay until kobj_affix or kobj_unload.  A failed
 * kobj_affix leaves the object to kobj_unload.
 */
int	kobj_load(const void *image, size_t len, struct kobj **kop, char *why,
	    size_t whylen);
int	kobj_affix(struct kobj *ko, kobj_resolve_fn resolve, void *arg,
	    char *why, size_t whylen);
void	kobj_unload(struct kobj *ko);
/* Does [p, p + len) lie in the object's memory / p in its code? */
bool	kobj_contains(struct kobj *ko, const void *p, size_t len);
bool	kobj_in_text(struct kobj *ko, const void *p);
/* A global symbol the object defines, or NULL. */
void	*kobj_lookup(struct kobj *ko, const char *name);
/* Where the object's memory starts and how big it is. */
void	kobj_stat(struct kobj *ko, uintptr_t *addrp, size_t *sizep);
/* A kernel symbol a module may use: one from a rump kernel library,
 * or one of the few C library functions kernel code calls. */
void	*kobj_kernel_sym(const char *name);

#endif
