/*
 * access.c: who may do what to a vnode.
 *
 * The policy is NetBSD's (genfs_can_* under the superuser secmodel,
 * with tmpfs's flag rules), kept here so that every file system gets
 * the same answers and file systems only store what they are told:
 *
 *   vn_access           read/write/execute/admin permission
 *   vn_may_delete       the sticky-directory and file-flag rules for
 *                       unlink, rmdir and rename
 *   vn_setattr_checked  chmod, chown, chflags, utimes and truncate
 *                       rules, then the file system's vop_setattr
 *
 * The superuser is effective uid 0; it may do anything except execute
 * a non-directory with no execute bit at all, write to an immutable
 * file, or write to a read-only mount.  All functions read attributes
 * with vop_getattr, so the caller holds the vnode lock (shared for
 * vn_access, exclusive for the others, as vfs.h says).
 */
#include "vfs/vfs.h"

#define IMMUTABLE	(RUMP_UF_IMMUTABLE | RUMP_SF_IMMUTABLE)
#define APPEND		(RUMP_UF_APPEND | RUMP_SF_APPEND)
#define EXECBITS	0111

static bool
vn_rdonly(struct vnode *vp)
{
	return vp->v_mount != NULL &&
	    (vp->v_mount->mnt_flag & RUMP_MNT_RDONLY) != 0;
}

/* The owner, group or other bits that apply to cred, as rwx in 0-7. */
static mode_t
vn_permbits(const struct vattr *va, kauth_cred_t cred)
{
	if (cred->cr_euid == va->va_uid)
		return (va->va_mode >> 6) & 7;
	if (cred_groupmember(cred, va->va_gid))
		return (va->va_mode >> 3) & 7;
	return va->va_mode & 7;
}

/* The permission check proper, on attributes already read. */
static int
vn_access_va(struct vnode *vp, const struct vattr *va, int mode,
    kauth_cred_t cred)
{
	mode_t want = 0;

	if (mode & VWRITE) {
		switch (vp->v_type) {
		case VDIR:
		case VLNK:
		case VREG:
			if (vn_rdonly(vp))
				return EROFS;
			break;
		default:
			break;	/* the device or pipe, not the fs, changes */
		}
		if (va->va_flags & IMMUTABLE)
			return EPERM;
	}
	if (cred_isroot(cred)) {
		if ((mode & VEXEC) && vp->v_type != VDIR &&
		    (va->va_mode & EXECBITS) == 0)
			return EACCES;
		return 0;
	}
	if ((mode & VADMIN) && cred->cr_euid != va->va_uid)
		return EPERM;
	if (mode & VREAD)
		want |= 4;
	if (mode & VWRITE)
		want |= 2;
	if (mode & VEXEC)
		want |= 1;
	return (vn_permbits(va, cred) & want) == want ? 0 : EACCES;
}

int
vn_access(struct vnode *vp, int mode, kauth_cred_t cred)
{
	struct vattr va;
	int error;

	if ((error = vp->v_op->vop_getattr(vp, &va)) != 0)
		return error;
	return vn_access_va(vp, &va, mode, cred);
}

/*
 * May cred remove vp's entry from dvp (unlink, rmdir, rename)?  Needs
 * write access to dvp; in a sticky directory only the owner of the
 * directory or of the file (or root) may; immutable or append-only
 * files, and entries of append-only directories, stay.
 */
int
vn_may_delete(struct vnode *dvp, struct vnode *vp, kauth_cred_t cred)
{
	struct vattr dva, va;
	int error;

	if ((error = dvp->v_op->vop_getattr(dvp, &dva)) != 0 ||
	    (error = vp->v_op->vop_getattr(vp, &va)) != 0)
		return error;
	if ((error = vn_access_va(dvp, &dva, VWRITE, cred)) != 0)
		return error;
	if ((dva.va_mode & RUMP_S_ISTXT) && !cred_isroot(cred) &&
	    cred->cr_euid != dva.va_uid && cred->cr_euid != va.va_uid)
		return EPERM;
	if ((va.va_flags & (IMMUTABLE | APPEND)) || (dva.va_flags & APPEND))
		return EPERM;
	return 0;
}

/* --- setattr policy -------------------------------------------------------- */

static bool
va_set_times(const struct vattr *va)
{
	return va->va_atime.tv_sec != VNOVAL ||
	    va->va_mtime.tv_sec != VNOVAL ||
	    va->va_birthtime.tv_sec != VNOVAL;
}

/* Attributes nobody sets: type, link count, ids, ctime... */
static bool
va_unsettable(const struct vattr *va)
{
	return va->va_type != VNON || va->va_nlink != (uint32_t)VNOVAL ||
	    va->va_fsid != (uint64_t)VNOVAL ||
	    va->va_fileid != (uint64_t)VNOVAL ||
	    va->va_blocksize != VNOVAL || va->va_ctime.tv_sec != VNOVAL ||
	    va->va_gen != (uint64_t)VNOVAL ||
	    va->va_rdev != (uint64_t)VNOVAL || va->va_bytes != VNOVAL;
}

/* chflags: the owner sets user flags; only root changes system flags. */
static int
check_flags(struct vnode *vp, struct vattr *va, const struct vattr *cur,
    kauth_cred_t cred)
{
	bool sysflags = (va->va_flags & RUMP_SF_SETTABLE) !=
	    (cur->va_flags & RUMP_SF_SETTABLE);

	if (vn_rdonly(vp))
		return EROFS;
	if (cred_isroot(cred))
		return 0;
	if (cred->cr_euid != cur->va_uid || sysflags ||
	    vp->v_type == VCHR || vp->v_type == VBLK)
		return EPERM;
	/* keep the system flags as they are */
	va->va_flags = (cur->va_flags & RUMP_SF_SETTABLE) |
	    (va->va_flags & RUMP_UF_SETTABLE);
	return 0;
}

/* truncate: the caller checked write access. */
static int
check_size(struct vnode *vp, struct vattr *va, const struct vattr *cur)
{
	switch (vp->v_type) {
	case VDIR:
		return EISDIR;
	case VREG:
		if (vn_rdonly(vp))
			return EROFS;
		break;
	case VCHR:
	case VBLK:
	case VFIFO:
		/* the size of a device or pipe is no file's: ignore it */
		va->va_size = VNOVAL;
		return 0;
	default:
		return EOPNOTSUPP;
	}
	if (cur->va_flags & (IMMUTABLE | APPEND))
		return EPERM;
	if (va->va_size < 0)
		return EINVAL;
	return 0;
}

/* chown: root, or the owner giving the file to one of its groups. */
static int
check_owner(struct vnode *vp, struct vattr *va, const struct vattr *cur,
    kauth_cred_t cred)
{
	uid_t uid = va->va_uid == (uid_t)VNOVAL ? cur->va_uid : va->va_uid;
	gid_t gid = va->va_gid == (gid_t)VNOVAL ? cur->va_gid : va->va_gid;

	if (vn_rdonly(vp))
		return EROFS;
	if (cur->va_flags & (IMMUTABLE | APPEND))
		return EPERM;
	if (cred_isroot(cred))
		return 0;
	if (cred->cr_euid != cur->va_uid || uid != cur->va_uid)
		return EPERM;
	if (gid != cur->va_gid && !cred_groupmember(cred, gid))
		return EPERM;
	/* a change of owner by a user drops the set-id bits */
	if ((uid != cur->va_uid || gid != cur->va_gid) &&
	    (cur->va_mode & (RUMP_S_ISUID | RUMP_S_ISGID)) &&
	    va->va_mode == (mode_t)VNOVAL)
		va->va_mode = cur->va_mode & 07777 &
		    ~(mode_t)(RUMP_S_ISUID | RUMP_S_ISGID);
	return 0;
}

/* chmod: the owner (or root); sticky only on directories for users. */
static int
check_mode(struct vnode *vp, const struct vattr *va, const struct vattr *cur,
    kauth_cred_t cred)
{
	mode_t added;

	if (vn_rdonly(vp))
		return EROFS;
	if (cur->va_flags & (IMMUTABLE | APPEND))
		return EPERM;
	if (cred_isroot(cred))
		return 0;
	if (cred->cr_euid != cur->va_uid)
		return EPERM;
	/*
	 * Only bits being added are judged: a set-id or sticky bit the
	 * file already has may stay (chown passes the mode on with just
	 * the set-id bits it must drop).
	 */
	added = va->va_mode & ~cur->va_mode;
	if (vp->v_type != VDIR && (added & RUMP_S_ISTXT))
		return EFTYPE;
	if ((added & RUMP_S_ISGID) && !cred_groupmember(cred, cur->va_gid))
		return EPERM;
	return 0;
}

/* utimes: the owner any times; with write access, "now" only. */
static int
check_times(struct vnode *vp, const struct vattr *va, const struct vattr *cur,
    kauth_cred_t cred)
{
	if (vn_rdonly(vp))
		return EROFS;
	if (cur->va_flags & (IMMUTABLE | APPEND))
		return EPERM;
	if (cred_isroot(cred) || cred->cr_euid == cur->va_uid)
		return 0;
	if ((va->va_vaflags & VA_UTIMES_NULL) == 0)
		return EPERM;
	return vn_access_va(vp, cur, VWRITE, cred);
}

/*
 * Check a setattr against the policy (in NetBSD's order: flags, size,
 * owner, mode, times), adjust what the policy adjusts, and apply it.
 */
int
vn_setattr_checked(struct vnode *vp, struct vattr *va, kauth_cred_t cred)
{
	struct vattr cur;
	int error;

	if (va_unsettable(va))
		return EINVAL;
	if ((error = vp->v_op->vop_getattr(vp, &cur)) != 0)
		return error;
	if (va->va_flags != (uint64_t)VNOVAL &&
	    (error = check_flags(vp, va, &cur, cred)) != 0)
		return error;
	if (va->va_size != VNOVAL && (error = check_size(vp, va, &cur)) != 0)
		return error;
	if ((va->va_uid != (uid_t)VNOVAL || va->va_gid != (gid_t)VNOVAL) &&
	    (error = check_owner(vp, va, &cur, cred)) != 0)
		return error;
	if (va->va_mode != (mode_t)VNOVAL &&
	    (error = check_mode(vp, va, &cur, cred)) != 0)
		return error;
	if (va_set_times(va) && (error = check_times(vp, va, &cur, cred)) != 0)
		return error;
	if (va->va_mode != (mode_t)VNOVAL)
		va->va_mode &= 07777;
	if (va->va_flags == (uint64_t)VNOVAL && va->va_size == VNOVAL &&
	    va->va_uid == (uid_t)VNOVAL && va->va_gid == (gid_t)VNOVAL &&
	    va->va_mode == (mode_t)VNOVAL && !va_set_times(va))
		return 0;	/* nothing left to do */
	return vp->v_op->vop_setattr(vp, va);
}
