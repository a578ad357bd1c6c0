/*
 * sysentry.h: the one door into the kernel's system call table.
 *
 * Callers outside the kernel (the rump_sys_* stubs, the sysproxy
 * server) pack arguments exactly as NetBSD's struct sys_<call>_args:
 * one 8-byte little-endian slot per argument, PAD slots included.
 * The call runs in the context of the calling thread's current lwp
 * (an implicit one in the "rumplocal" process, pid 1, if the thread
 * has none).  Returns 0 or a NetBSD errno; retval[0..1] as NetBSD's
 * register_t pair.  This header is safe to include from userland-side
 * code: it pulls in no kernel definitions.
 */
#ifndef KERN_SYSENTRY_H
#define KERN_SYSENTRY_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t rump_register_t;

int	rump_syscall(int num, void *data, size_t dlen, rump_register_t *retval);

#endif
