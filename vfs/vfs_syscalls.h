/*
 * vfs_syscalls.h: what the files of the vfs faction's system calls
 * share.  Not for use outside vfs/vfs_sys*.c and vfs/vfs_xattr.c.
 *
 * Each file holds one group of calls and a table of them; the tables
 * are installed together by vfs_syscalls_init() (vfs_syscalls.c).
 */
#ifndef VFS_VFS_SYSCALLS_H
#define VFS_VFS_SYSCALLS_H

#include "vfs/vfs.h"

#define ALLPERMS	07777
#define ACCESSPERMS	0777

/* chflags bits that forbid changing a file's name or contents. */
#define IMMUTABLE	(RUMP_UF_IMMUTABLE | RUMP_SF_IMMUTABLE)
#define APPEND		(RUMP_UF_APPEND | RUMP_SF_APPEND)

/* The groups' tables. */
extern const struct syscall_reg vfs_sys_names[];	/* vfs_syscalls.c */
extern const size_t vfs_sys_names_n;
extern const struct syscall_reg vfs_sys_attrs[];	/* vfs_sysattr.c */
extern const size_t vfs_sys_attrs_n;
extern const struct syscall_reg vfs_sys_files[];	/* vfs_sysfile.c */
extern const size_t vfs_sys_files_n;
extern const struct syscall_reg vfs_sys_mounts[];	/* vfs_sysmount.c */
extern const size_t vfs_sys_mounts_n;
extern const struct syscall_reg vfs_sys_xattrs[];	/* vfs_xattr.c */
extern const size_t vfs_sys_xattrs_n;

/*
 * Path arguments.  sys_path_in copies a user path into a MAXPATHLEN
 * kernel buffer (free it with pathbuf_free): EFAULT for a bad pointer,
 * ENAMETOOLONG past 1023 bytes, ENOENT for "".
 */
int	sys_path_in(const void *upath, char **kpathp);
/* Copy in and resolve: the vnode comes back referenced, unlocked. */
int	sys_lookup(int dirfd, const void *upath, int niflags,
	    struct vnode **vpp);

/*
 * Descriptors naming vnodes: a held file (file_rele when done) and its
 * vnode.  EBADF for a closed descriptor, EINVAL for a non-vnode.
 */
int	sys_getvnode(int fd, struct file **fpp, struct vnode **vpp);

/* Attributes of a vnode the caller holds locked (any mode). */
int	sys_getattr(struct vnode *vp, struct vattr *va);
/* EROFS when a write to vp's contents or name space is refused. */
int	sys_rdonly(struct vnode *vp);

#endif
