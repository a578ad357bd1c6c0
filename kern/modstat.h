/*
 * modstat.h: what modctl(MODCTL_STAT) fills in, one record per module,
 * in NetBSD's amd64 layout (sys/sys/module.h, 392 bytes).  Shared by
 * the kernel (kern/module_sys.c) and the programs that read it
 * (tools/rump_modstat.c, tests); it needs nothing but <stdint.h>.
 */
#ifndef KERN_MODSTAT_H
#define KERN_MODSTAT_H

#include <stdint.h>

#define RUMP_MAXMODDEPS		10

/* ms_class */
#define RUMP_MODULE_CLASS_ANY		0
#define RUMP_MODULE_CLASS_MISC		1
#define RUMP_MODULE_CLASS_VFS		2
#define RUMP_MODULE_CLASS_DRIVER	3
#define RUMP_MODULE_CLASS_EXEC		4
#define RUMP_MODULE_CLASS_SECMODEL	5
/* ms_source */
#define RUMP_MODULE_SOURCE_KERNEL	0	/* built in */
#define RUMP_MODULE_SOURCE_BOOT		1
#define RUMP_MODULE_SOURCE_FILESYS	2
/* ms_flags */
#define RUMP_MODFLG_MUST_FORCE		0x01
#define RUMP_MODFLG_AUTO_LOADED		0x02

struct rump_modstat {
	char	ms_name[32];			/* MAXMODNAME */
	char	ms_required[32 * RUMP_MAXMODDEPS]; /* comma separated */
	uint64_t ms_addr;
	int32_t	ms_source;
	int32_t	ms_class;
	uint32_t ms_size;
	uint32_t ms_refcnt;			/* -1: a disabled builtin */
	uint32_t ms_flags;
	uint32_t ms_reserved[3];
};
_Static_assert(sizeof(struct rump_modstat) == 392, "modstat_t is 392 bytes");

/* The module-control iovec (struct iovec on amd64). */
struct rump_modiovec {
	void	*iov_base;
	uint64_t iov_len;
};

#endif
