/*
 * vfs_module.c: reading kernel module files for kern/module.c, through
 * the VFS as NetBSD's kobj_load_vfs does: a path is looked up from the
 * calling process's cwd and root, must name a regular file it may
 * read, and is read whole into kernel memory (at most 64 MiB: EFBIG).
 * A directory is EISDIR, any other type EFTYPE.  The reader is handed
 * to the module code when this faction initialises; no state here.
 */
#include "kern/module.h"
#include "vfs/vfs.h"

#define MODFILE_MAX	((size_t)64 << 20)
#define MODFILE_CHUNK	((size_t)64 << 10)

/* Read [off, off + len) of a locked vnode into buf; *donep bytes. */
static int
modfile_pread(struct vnode *vp, char *buf, size_t len, off_t off,
    size_t *donep)
{
	struct iovec_k iov = { buf, len };
	struct uio uio = { &iov, 1, off, len, UIO_READ, UIO_SYSSPACE };
	int error;

	error = vp->v_op->vop_read(vp, &uio, 0);
	*donep = len - uio.uio_resid;
	return error;
}

/* Grow *bufp from *capp to at least need bytes (kmem). */
static int
modfile_grow(char **bufp, size_t *capp, size_t used, size_t need)
{
	size_t cap = *capp ? *capp : MODFILE_CHUNK;
	char *nbuf;

	while (cap < need)
		cap *= 2;
	if (cap > MODFILE_MAX)
		cap = MODFILE_MAX;
	if ((nbuf = kmem_alloc(cap, KM_SLEEP)) == NULL)
		return ENOMEM;
	if (*bufp != NULL) {
		memcpy(nbuf, *bufp, used);
		kmem_free(*bufp, *capp);
	}
	*bufp = nbuf;
	*capp = cap;
	return 0;
}

/* The whole file; the size attribute is only a first guess (a host
 * file seen through etfs may have grown). */
static int
modfile_readall(struct vnode *vp, size_t hint, void **bufp, size_t *lenp)
{
	char *buf = NULL;
	size_t cap = 0, len = 0, done;
	int error;

	for (;;) {
		if (len == cap) {
			if (cap == MODFILE_MAX) {
				error = EFBIG;
				break;
			}
			if ((error = modfile_grow(&buf, &cap, len,
			    MAX(hint + 1, len + 1))) != 0)
				break;
		}
		if ((error = modfile_pread(vp, buf + len, cap - len,
		    (off_t)len, &done)) != 0 || done == 0)
			break;
		len += done;
	}
	if (error != 0) {
		if (buf != NULL)
			kmem_free(buf, cap);
		return error;
	}
	/* hand back exactly len bytes, so that the caller can free it */
	if (len == 0) {
		kmem_free(buf, cap);
		return ENOEXEC;		/* an empty file is no object */
	}
	if (len != cap) {
		char *exact = kmem_alloc(len, KM_SLEEP);

		if (exact == NULL) {
			kmem_free(buf, cap);
			return ENOMEM;
		}
		memcpy(exact, buf, len);
		kmem_free(buf, cap);
		buf = exact;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

static int
vfs_module_read(const char *path, void **bufp, size_t *lenp)
{
	struct vnode *vp;
	struct vattr va;
	int error;

	if ((error = namei(RUMP_AT_FDCWD, path, NI_FOLLOW, &vp)) != 0)
		return error;
	vn_lock(vp, RW_READER);
	if (vp->v_type == VDIR)
		error = EISDIR;
	else if (vp->v_type != VREG)
		error = EFTYPE;
	else if ((error = vn_access(vp, VREAD, curcred())) == 0 &&
	    (error = vn_getattr_locked(vp, &va)) == 0)
		error = modfile_readall(vp, va.va_size > 0 &&
		    (uint64_t)va.va_size < MODFILE_MAX ? (size_t)va.va_size :
		    0, bufp, lenp);
	vn_unlock(vp);
	vrele(vp);
	return error;
}

static int
vfs_module_init(void)
{
	module_set_reader(vfs_module_read);
	return 0;
}

static struct rump_component vfs_module_component = {
	.rc_type = RUMP_COMPONENT_VFS,
	.rc_name = "vfs.module",
	.rc_init = vfs_module_init,
};

__attribute__((constructor)) static void
vfs_module_register(void)
{
	rump_component_register(&vfs_module_component);
}
