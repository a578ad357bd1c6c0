/*
 * rump.h: booting a rump kernel in this process and managing its
 * processes.  The names are NetBSD's, so programs written for
 * NetBSD's rump kernels compile unchanged.
 */
#ifndef _RUMP_RUMP_H_
#define _RUMP_RUMP_H_

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <rump/rumpdefs.h>

#ifdef __cplusplus
extern "C" {
#endif

struct lwp;
struct vnode;
struct mount;

/* flags to rump_pub_lwproc_rfork */
#define RUMP_RFFDG	0x01	/* copy the descriptor table */
#define RUMP_RFCFDG	0x02	/* start with an empty descriptor table */
#define RUMP_RFFD_SHARE	0x00	/* share the parent's table */
#define RUMP_RFFD_COPY	RUMP_RFFDG
#define RUMP_RFFD_CLEAR	RUMP_RFCFDG

#define RUMP_ETFS_SIZE_ENDOFF	((uint64_t)-1)
enum rump_etfs_type {
	RUMP_ETFS_REG,
	RUMP_ETFS_BLK,
	RUMP_ETFS_CHR,
	RUMP_ETFS_DIR,		/* only the registered directory */
	RUMP_ETFS_DIR_SUBDIRS	/* and its subdirectories */
};

enum rump_uiorw { RUMPUIO_READ, RUMPUIO_WRITE };

int	rump_init(void);
int	rump_getversion(void);
int	rump_pub_getversion(void);
int	rump_nativeabi_p(void);

/* Serve this kernel's system calls on url (librumpkern_sysproxy). */
int	rump_init_server(const char *url);

/* Detach into the background (rump_server without -s): begin forks
 * and the parent waits; done(0) releases it with exit status 0, or
 * with `error` after a failure. */
#define RUMP_DAEMONIZE_SUCCESS	0
int	rump_daemonize_begin(void);
int	rump_daemonize_done(int error);

void	rump_schedule(void);
void	rump_unschedule(void);

/* Processes and lwps: a host thread becomes any lwp of any process. */
int	rump_pub_lwproc_rfork(int flags);
int	rump_pub_lwproc_newlwp(pid_t pid);
void	rump_pub_lwproc_switch(struct lwp *l);
void	rump_pub_lwproc_releaselwp(void);
struct lwp *rump_pub_lwproc_curlwp(void);
void	rump_pub_lwproc_sysent_usenative(void);

/* Host files in the kernel's namespace (etfs). */
int	rump_pub_etfs_register(const char *key, const char *hostpath,
	    enum rump_etfs_type type);
int	rump_pub_etfs_register_withsize(const char *key, const char *hostpath,
	    enum rump_etfs_type type, uint64_t begin, uint64_t size);
int	rump_pub_etfs_remove(const char *key);

/* A registration made before rump_init(); the boot makes it and sets
 * eb_status: -1 not yet, 0 done, else the error. */
struct rump_boot_etfs {
	/* set by the caller */
	const char *eb_key;
	const char *eb_hostpath;
	enum rump_etfs_type eb_type;
	uint64_t eb_begin;
	uint64_t eb_size;
	/* set by the kernel */
	struct rump_boot_etfs *_eb_next;
	int	eb_status;
};
void	rump_boot_etfs_register(struct rump_boot_etfs *eb);

#ifdef __cplusplus
}
#endif

#endif
