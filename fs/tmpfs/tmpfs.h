/*
 * tmpfs.h: tmpfs internals, shared by the files of fs/tmpfs.
 *
 * The overview, the node life cycle and the lock rules are in the
 * first comment of tmpfs_vfsops.c; each field below names the lock
 * that guards it.
 */
#ifndef FS_TMPFS_TMPFS_H
#define FS_TMPFS_TMPFS_H

#include "vfs/vfs.h"

#define TMPFS_PAGE_SHIFT	12
#define TMPFS_PAGE_MASK		((uint64_t)PAGE_SIZE - 1)
#define TMPFS_LINK_MAX		32767
#define TMPFS_NAME_MAX		511
#define TMPFS_MAXFILESIZE	((int64_t)1 << 62)
#define TMPFS_FIRST_COOKIE	2	/* 0 is ".", 1 is ".." */
#define TMPFS_ROOT_ID		2	/* fileid of the root */

/* Page table: a radix tree of 512-way pointer pages. */
#define TMPFS_PT_SHIFT		9
#define TMPFS_PT_FANOUT		(1u << TMPFS_PT_SHIFT)
#define TMPFS_PT_MAXHEIGHT	6	/* 54 bits of page index */

/*
 * A regular file's pages.  A tree of height h covers page indices
 * below 512^h: its root is a 4096-byte page of 512 pointers to trees
 * of height h - 1, and a tree of height 0 is one data page (so a file
 * of one page needs no pointer page).  pt_root NULL: no pages.
 */
struct tmpfs_pt {
	void	*pt_root;
	int	pt_height;
	uint64_t pt_npages;		/* data pages present */
	uint64_t pt_nmaps;		/* pointer pages present */
};

/* One directory entry.  Lives in its directory's lists. */
struct tmpfs_dirent {
	struct tmpfs_dirent *td_next, *td_prev;	/* cookie order */
	struct tmpfs_dirent *td_hnext;		/* name hash chain */
	struct tmpfs_node *td_node;
	uint64_t td_cookie;			/* fixed once attached */
	uint32_t td_hash;			/* fixed */
	uint16_t td_namelen;			/* fixed */
	char	td_name[];			/* not NUL-terminated */
};

struct tmpfs_dir {
	struct tmpfs_dirent *d_head, *d_tail;	/* sorted by cookie */
	struct tmpfs_dirent **d_hash;		/* NULL: scan the list */
	size_t	d_hashsize;			/* power of two */
	size_t	d_count;			/* entries, "." ".." apart */
	uint64_t d_nextcookie;			/* never reused */
	struct tmpfs_node *d_parent;		/* NULL once removed */
	struct tmpfs_dirent *d_hint;		/* tm_lock: readdir resume */
};

struct tmpfs_node {
	struct tmpfs_node *tn_next, *tn_prev;	/* tm_lock: tm_nodes */
	enum vtype tn_type;			/* fixed */
	uint64_t tn_id;				/* fixed: the fileid */
	uint32_t tn_gen;			/* fixed */
	uint64_t tn_rdev;			/* fixed */
	/* The vnode lock (X to change, S to read) guards these: */
	mode_t	tn_mode;
	uid_t	tn_uid;
	gid_t	tn_gid;
	uint32_t tn_nlink;
	uint64_t tn_flags;
	int64_t	tn_size;
	struct rump_timespec tn_mtime, tn_ctime, tn_birthtime;
	struct rump_timespec tn_atime;		/* tm_lock */
	union {
		struct tmpfs_pt reg;		/* VREG */
		struct {
			char	*target;	/* VLNK, NUL-terminated */
			size_t	len;
		} lnk;
		struct tmpfs_dir dir;		/* VDIR */
	} tn_u;
};
#define tn_pt		tn_u.reg
#define tn_dir		tn_u.dir
#define tn_link		tn_u.lnk

struct tmpfs_mount {
	kmutex_t tm_lock;
	struct tmpfs_node *tm_root;		/* fixed */
	struct tmpfs_node *tm_nodes;		/* tm_lock: every node */
	uint64_t tm_nnodes;			/* tm_lock */
	uint64_t tm_nodes_max;			/* tm_lock */
	uint64_t tm_bytes;			/* tm_lock: charged bytes */
	uint64_t tm_bytes_max;			/* tm_lock; UINT64_MAX: none */
	int64_t	tm_size_arg;			/* tm_lock: for GETARGS */
	uint64_t tm_nextid;			/* tm_lock */
};

static inline struct tmpfs_mount *
VFS_TO_TMPFS(struct mount *mp)
{
	return mp->mnt_data;
}

static inline struct tmpfs_node *
VP_TO_TMPFS(struct vnode *vp)
{
	return vp->v_data;
}

extern const struct vnodeops tmpfs_vnodeops;

/* tmpfs_vfsops.c: accounting against the mount's limits. */
bool	tmpfs_mem_charge(struct tmpfs_mount *tm, uint64_t bytes);
void	tmpfs_mem_uncharge(struct tmpfs_mount *tm, uint64_t bytes);

/* tmpfs_node.c: nodes. */
int	tmpfs_node_alloc(struct tmpfs_mount *tm, enum vtype type,
	    mode_t mode, uid_t uid, gid_t gid, uint64_t rdev,
	    struct tmpfs_node **np);
void	tmpfs_node_free(struct tmpfs_mount *tm, struct tmpfs_node *n);
int	tmpfs_link_set(struct tmpfs_mount *tm, struct tmpfs_node *n,
	    const char *target);
void	tmpfs_times_update(struct tmpfs_node *n, bool mtime, bool ctime);
void	tmpfs_atime_update(struct tmpfs_mount *tm, struct tmpfs_node *n,
	    struct mount *mp);

/* tmpfs_dir.c: directory entries. */
int	tmpfs_dirent_alloc(struct tmpfs_mount *tm, const char *name,
	    size_t len, struct tmpfs_dirent **dep);
void	tmpfs_dirent_free(struct tmpfs_mount *tm, struct tmpfs_dirent *de);
struct tmpfs_dirent *tmpfs_dir_lookup(struct tmpfs_node *dn,
	    const char *name, size_t len);
void	tmpfs_dir_attach(struct tmpfs_node *dn, struct tmpfs_dirent *de,
	    struct tmpfs_node *n);
void	tmpfs_dir_detach(struct tmpfs_mount *tm, struct tmpfs_node *dn,
	    struct tmpfs_dirent *de);
int	tmpfs_dir_getdents(struct tmpfs_mount *tm, struct tmpfs_node *dn,
	    struct uio *uio, int *eofp);
void	tmpfs_dir_destroy(struct tmpfs_mount *tm, struct tmpfs_node *dn);
int64_t	tmpfs_dir_size(const struct tmpfs_node *dn);

/* tmpfs_pages.c: file data. */
int	tmpfs_reg_read(struct tmpfs_node *n, struct uio *uio);
int	tmpfs_reg_write(struct tmpfs_mount *tm, struct tmpfs_node *n,
	    struct uio *uio);
int	tmpfs_reg_truncate(struct tmpfs_mount *tm, struct tmpfs_node *n,
	    int64_t size);
void	tmpfs_reg_destroy(struct tmpfs_mount *tm, struct tmpfs_node *n);

#endif
