/*
 * cwd.c: a process's current directory, root directory and umask,
 * and getcwd.
 *
 * Each process has its own cwdinfo (copied, never shared, at fork).
 * cwdi_lock guards its fields; the vnodes it names are referenced.
 * getcwd walks ".." to the process root, finding each directory's
 * name by reading its parent, so it works on any file system.
 */
#include "vfs/vfs.h"

struct vnode *rootvnode;	/* set once at boot, always referenced */

static struct cwdinfo *
cwdi_fork(struct cwdinfo *parent)
{
	struct cwdinfo *cw = kmem_zalloc(sizeof(*cw), KM_SLEEP);

	if (cw == NULL)
		return NULL;
	rw_init(&cw->cwdi_lock);
	if (parent == NULL) {
		cw->cwdi_cdir = rootvnode;
		vref(rootvnode);
		cw->cwdi_cmask = 022;
		return cw;
	}
	rw_enter(&parent->cwdi_lock, RW_READER);
	cw->cwdi_cdir = parent->cwdi_cdir;
	vref(cw->cwdi_cdir);
	if ((cw->cwdi_rdir = parent->cwdi_rdir) != NULL)
		vref(cw->cwdi_rdir);
	cw->cwdi_cmask = parent->cwdi_cmask;
	rw_exit(&parent->cwdi_lock);
	return cw;
}

static void
cwdi_free(struct cwdinfo *cw)
{
	vrele(cw->cwdi_cdir);
	if (cw->cwdi_rdir != NULL)
		vrele(cw->cwdi_rdir);
	rw_destroy(&cw->cwdi_lock);
	kmem_free(cw, sizeof(*cw));
}

void
cwd_init(void)
{
	proc_vfs_hooks.cwdi_fork = cwdi_fork;
	proc_vfs_hooks.cwdi_free = cwdi_free;
}

void
cwd_getstart(struct vnode **cdirp, struct vnode **rdirp)
{
	struct cwdinfo *cw = curproc->p_cwdi;

	rw_enter(&cw->cwdi_lock, RW_READER);
	*cdirp = cw->cwdi_cdir;
	vref(*cdirp);
	*rdirp = cw->cwdi_rdir != NULL ? cw->cwdi_rdir : rootvnode;
	vref(*rdirp);
	rw_exit(&cw->cwdi_lock);
}

/* Find the name under which dvp lists fileid; ENOENT if it does not. */
static int
scan_for(struct vnode *dvp, uint64_t fileid, char *name, size_t *namelen)
{
	enum { BUFSZ = 8192 };
	char *buf;
	struct iovec_k iov;
	struct uio uio;
	off_t cookie = 0;
	int eof = 0, error = 0;

	if ((buf = kmem_alloc(BUFSZ, KM_SLEEP)) == NULL)
		return ENOMEM;
	vn_lock(dvp, RW_READER);
	while (!eof) {
		size_t got, pos;

		iov.iov_base = buf;
		iov.iov_len = BUFSZ;
		uio = (struct uio){ &iov, 1, cookie, BUFSZ, UIO_READ,
		    UIO_SYSSPACE };
		if ((error = dvp->v_op->vop_readdir(dvp, &uio, &eof)) != 0)
			break;
		cookie = uio.uio_offset;
		got = BUFSZ - uio.uio_resid;
		if (got == 0)
			break;
		for (pos = 0; pos < got;) {
			struct rump_dirent *d = (void *)(buf + pos);

			if (d->d_fileno == fileid &&
			    !(d->d_namlen == 1 && d->d_name[0] == '.') &&
			    !(d->d_namlen == 2 && d->d_name[0] == '.' &&
			    d->d_name[1] == '.')) {
				memcpy(name, d->d_name, d->d_namlen);
				*namelen = d->d_namlen;
				vn_unlock(dvp);
				kmem_free(buf, BUFSZ);
				return 0;
			}
			pos += d->d_reclen;
		}
	}
	vn_unlock(dvp);
	kmem_free(buf, BUFSZ);
	return error != 0 ? error : ENOENT;
}

static int
parent_of(struct vnode *vp, struct vnode **pvp)
{
	struct componentname cn = { "..", 2, curcred() };
	int error;

	vn_lock(vp, RW_READER);
	error = vp->v_op->vop_lookup(vp, pvp, &cn);
	vn_unlock(vp);
	return error;
}

int
vfs_getcwd(struct vnode *vp, char *out, size_t len, size_t *outlen)
{
	struct vnode *cdir, *rdir, *cur, *parent;
	struct vattr va;
	char *buf, name[MAXNAMLEN + 1];
	size_t pos, nlen;
	int error = 0;

	if ((buf = kmem_alloc(len, KM_SLEEP)) == NULL)
		return ENOMEM;
	cwd_getstart(&cdir, &rdir);
	vrele(cdir);
	pos = len - 1;
	buf[pos] = '\0';
	cur = vp;
	vref(cur);
	while (cur != rdir && cur != rootvnode) {
		if ((cur->v_vflag & VV_ROOT) &&
		    cur->v_mount->mnt_vnodecovered != NULL) {
			parent = cur->v_mount->mnt_vnodecovered;
			vref(parent);
			vrele(cur);
			cur = parent;
			continue;
		}
		vn_lock(cur, RW_READER);
		error = cur->v_op->vop_getattr(cur, &va);
		vn_unlock(cur);
		if (error != 0 || (error = parent_of(cur, &parent)) != 0)
			break;
		if (parent == cur) {	/* a detached root */
			vrele(parent);
			error = ENOENT;
			break;
		}
		error = scan_for(parent, va.va_fileid, name, &nlen);
		vrele(cur);
		cur = parent;
		if (error != 0)
			break;
		if (nlen + 1 > pos) {
			error = ERANGE;
			break;
		}
		pos -= nlen;
		memcpy(buf + pos, name, nlen);
		buf[--pos] = '/';
	}
	vrele(cur);
	vrele(rdir);
	if (error == 0 && pos == len - 1) {
		if (pos == 0)
			error = ERANGE;
		else
			buf[--pos] = '/';
	}
	if (error == 0) {
		*outlen = len - pos;
		memcpy(out, buf + pos, *outlen);
	}
	kmem_free(buf, len);
	return error;
}
