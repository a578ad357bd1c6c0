/*
 * namei.c: path name lookup.
 *
 * A path is walked one component at a time from the process's root
 * (absolute paths), its cwd, or a directory descriptor (the *at
 * calls).  Each step needs search (x) permission on the directory,
 * asks the file system with vop_lookup under a shared lock, steps
 * down into mounted file systems and, for "..", up out of them.
 * Symbolic links are spliced into the remaining path, at most
 * MAXSYMLINKS times (ELOOP), never growing it past MAXPATHLEN
 * (ENAMETOOLONG).  A trailing slash demands a directory.
 */
#include "vfs/vfs.h"

struct walk {
	char	*buf;		/* remaining path, MAXPATHLEN bytes */
	char	*cp;		/* next unread character in buf */
	struct vnode *dvp;	/* current directory, referenced */
	struct vnode *rdir;	/* process root, referenced */
	int	nlinks;		/* symlinks followed so far */
	kauth_cred_t cred;
};

/* The start directory for a relative path: cwd or dirfd. */
static int
start_dir(int dirfd, struct vnode *cdir, struct vnode **dvpp)
{
	struct file *fp;
	struct vnode *vp;

	if (dirfd == RUMP_AT_FDCWD) {
		vref(cdir);
		*dvpp = cdir;
		return 0;
	}
	if ((fp = fd_getfile(dirfd)) == NULL)
		return EBADF;
	if (fp->f_type != DTYPE_VNODE) {
		file_rele(fp);
		return ENOTDIR;
	}
	vp = fp->f_data;
	if (vp->v_type != VDIR) {
		file_rele(fp);
		return ENOTDIR;
	}
	vref(vp);
	file_rele(fp);
	*dvpp = vp;
	return 0;
}

static void
walk_done(struct walk *w)
{
	if (w->dvp != NULL)
		vrele(w->dvp);
	if (w->rdir != NULL)
		vrele(w->rdir);
	if (w->buf != NULL)
		kmem_free(w->buf, MAXPATHLEN);
}

static int
walk_init(struct walk *w, int dirfd, const char *kpath)
{
	struct vnode *cdir, *rdir;
	size_t len = strlen(kpath);
	int error;

	memset(w, 0, sizeof(*w));
	if (len == 0)
		return ENOENT;
	if (len >= MAXPATHLEN)
		return ENAMETOOLONG;
	if ((w->buf = kmem_alloc(MAXPATHLEN, KM_SLEEP)) == NULL)
		return ENOMEM;
	memcpy(w->buf, kpath, len + 1);
	w->cp = w->buf;
	w->cred = curcred();
	cwd_getstart(&cdir, &rdir);
	w->rdir = rdir;
	if (kpath[0] == '/') {
		vref(rdir);
		w->dvp = rdir;
		error = 0;
	} else
		error = start_dir(dirfd, cdir, &w->dvp);
	vrele(cdir);
	return error;
}

/* Replace w->dvp by vp (which carries a reference). */
static void
walk_setdir(struct walk *w, struct vnode *vp)
{
	vrele(w->dvp);
	w->dvp = vp;
}

/* Step into whatever is mounted on *vpp, repeatedly. */
int
vfs_crossmount(struct vnode **vpp)
{
	struct vnode *root;
	int error;

	while ((error = vfs_mountroot_of(*vpp, &root)) == 0) {
		vrele(*vpp);
		*vpp = root;
	}
	return error == ENOENT ? 0 : error;
}

/*
 * Look up one component in w->dvp.  ".." above a mount's root goes to
 * the directory it covers first; ".." at the process root stays.
 */
static int
walk_lookup(struct walk *w, const char *name, size_t len, struct vnode **vpp)
{
	struct componentname cn = { name, len, w->cred };
	int error;

	if (len == 2 && name[0] == '.' && name[1] == '.') {
		for (;;) {
			if (w->dvp == w->rdir || w->dvp == rootvnode) {
				vref(w->dvp);
				*vpp = w->dvp;
				return 0;
			}
			if (!(w->dvp->v_vflag & VV_ROOT) ||
			    w->dvp->v_mount->mnt_vnodecovered == NULL)
				break;
			vref(w->dvp->v_mount->mnt_vnodecovered);
			walk_setdir(w, w->dvp->v_mount->mnt_vnodecovered);
		}
	}
	vn_lock(w->dvp, RW_READER);
	if (w->dvp->v_type != VDIR)
		error = ENOTDIR;
	else if ((error = vn_access(w->dvp, VEXEC, w->cred)) == 0)
		error = w->dvp->v_op->vop_lookup(w->dvp, vpp, &cn);
	vn_unlock(w->dvp);
	return error;
}

/* Splice the target of symlink vp in front of the rest of the path. */
static int
walk_symlink(struct walk *w, struct vnode *vp)
{
	char *link;
	size_t rest = strlen(w->cp), linklen;
	struct iovec_k iov;
	struct uio uio;
	int error;

	if (++w->nlinks > MAXSYMLINKS)
		return ELOOP;
	if ((link = kmem_alloc(MAXPATHLEN, KM_SLEEP)) == NULL)
		return ENOMEM;
	iov.iov_base = link;
	iov.iov_len = MAXPATHLEN;
	uio = (struct uio){ &iov, 1, 0, MAXPATHLEN, UIO_READ, UIO_SYSSPACE };
	vn_lock(vp, RW_READER);
	error = vp->v_op->vop_readlink(vp, &uio);
	vn_unlock(vp);
	linklen = MAXPATHLEN - uio.uio_resid;
	if (error == 0 && linklen == 0)
		error = ENOENT;
	if (error == 0 && linklen + (rest ? rest + 1 : 0) >= MAXPATHLEN)
		error = ENAMETOOLONG;
	if (error == 0) {
		/* rest may overlap the buffer: move it first */
		if (rest) {
			memmove(w->buf + linklen + 1, w->cp, rest + 1);
			w->buf[linklen] = '/';
		} else
			w->buf[linklen] = '\0';
		memcpy(w->buf, link, linklen);
		w->cp = w->buf;
		if (link[0] == '/') {
			vref(w->rdir);
			walk_setdir(w, w->rdir);
		}
	}
	kmem_free(link, MAXPATHLEN);
	return error;
}

int
namei(int dirfd, const char *kpath, int flags, struct vnode **vpp)
{
	struct walk w;
	struct vnode *vp;
	const char *name;
	size_t len;
	bool last, slash;
	int error;

	if ((error = walk_init(&w, dirfd, kpath)) != 0)
		goto out;
	for (;;) {
		while (*w.cp == '/')
			w.cp++;
		if (*w.cp == '\0') {
			/* "/", "dir/", or the end after a symlink to a dir */
			if (w.dvp->v_type != VDIR) {
				error = ENOTDIR;
				break;
			}
			*vpp = w.dvp;
			w.dvp = NULL;
			break;
		}
		name = w.cp;
		while (*w.cp != '\0' && *w.cp != '/')
			w.cp++;
		len = (size_t)(w.cp - name);
		if (len > MAXNAMLEN) {
			error = ENAMETOOLONG;
			break;
		}
		slash = *w.cp == '/';
		while (*w.cp == '/')
			w.cp++;
		last = *w.cp == '\0';
		/* the name must survive symlink splicing: NUL it in place */
		{
			char save = name[len];

			((char *)name)[len] = '\0';
			error = walk_lookup(&w, name, len, &vp);
			((char *)name)[len] = save;
		}
		if (error != 0)
			break;
		if (!last || !(flags & NI_NOCROSSMOUNT)) {
			if ((error = vfs_crossmount(&vp)) != 0) {
				vrele(vp);
				break;
			}
		}
		if (vp->v_type == VLNK && (!last || slash ||
		    (flags & NI_FOLLOW))) {
			/* the rest starts after the name (slashes kept) */
			w.cp = (char *)name + len;
			error = walk_symlink(&w, vp);
			vrele(vp);
			if (error != 0)
				break;
			continue;
		}
		if (last) {
			if (slash && vp->v_type != VDIR) {
				vrele(vp);
				error = ENOTDIR;
				break;
			}
			*vpp = vp;
			break;
		}
		walk_setdir(&w, vp);
	}
out:
	walk_done(&w);
	return error;
}

/*
 * Split off the last component and resolve the rest.  "a/b//" gives
 * parent "a", name "b", trailing slash.  "/" alone has no last
 * component (np_isroot).
 */
int
namei_parent(int dirfd, const char *kpath, struct nameparent *np)
{
	size_t len = strlen(kpath), end, start;
	char *prefix;
	int error;

	memset(np, 0, sizeof(*np));
	if (len == 0)
		return ENOENT;
	if (len >= MAXPATHLEN)
		return ENAMETOOLONG;
	for (end = len; end > 0 && kpath[end - 1] == '/'; end--)
		continue;
	np->np_trailslash = end < len;
	if (end == 0) {
		np->np_isroot = true;
		return namei(dirfd, "/", NI_FOLLOW, &np->np_dvp);
	}
	for (start = end; start > 0 && kpath[start - 1] != '/'; start--)
		continue;
	if (end - start > MAXNAMLEN)
		return ENAMETOOLONG;
	np->np_cn.cn_nameptr = kpath + start;
	np->np_cn.cn_namelen = end - start;
	np->np_cn.cn_cred = curcred();
	if (start == 0)
		return namei(dirfd, ".", NI_FOLLOW, &np->np_dvp);
	if ((prefix = kmem_alloc(start + 1, KM_SLEEP)) == NULL)
		return ENOMEM;
	memcpy(prefix, kpath, start);
	prefix[start] = '\0';
	error = namei(dirfd, prefix, NI_FOLLOW, &np->np_dvp);
	kmem_free(prefix, start + 1);
	if (error == 0 && np->np_dvp->v_type != VDIR) {
		vrele(np->np_dvp);
		np->np_dvp = NULL;
		error = ENOTDIR;
	}
	return error;
}

/* The caller holds np_dvp locked; needs search permission on it. */
int
namei_lookuplast(struct nameparent *np, struct vnode **vpp)
{
	struct vnode *dvp = np->np_dvp;
	int error;

	if ((error = vn_access(dvp, VEXEC, np->np_cn.cn_cred)) != 0)
		return error;
	return dvp->v_op->vop_lookup(dvp, vpp, &np->np_cn);
}
