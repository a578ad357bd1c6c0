/*
 * file.c: open files and descriptor tables.
 *
 * A descriptor slot holds one reference to its file.  fd_getfile()
 * takes another for the duration of a call, so a close() racing with
 * a read() on the same descriptor only drops the slot's reference and
 * the file lives until the read is done.
 *
 * Locks: fd_lock guards a table's slots; f_lock a file's count, flags
 * and offset.  Order: fd_lock before f_lock.  fo_close is called with
 * no lock held.
 */
#include "kern/kern.h"

#define NDFILE	20	/* initial slots */

int
file_alloc(const struct fileops *ops, enum dtype type, int flag, void *data,
    struct file **fpp)
{
	struct file *fp;

	if ((fp = kmem_zalloc(sizeof(*fp), KM_SLEEP)) == NULL)
		return ENOMEM;
	mutex_init(&fp->f_lock);
	mutex_init(&fp->f_iolock);
	fp->f_count = 1;
	fp->f_flag = flag;
	fp->f_type = type;
	fp->f_ops = ops;
	fp->f_data = data;
	fp->f_cred = curcred();
	cred_hold(fp->f_cred);
	*fpp = fp;
	return 0;
}

void
file_hold(struct file *fp)
{
	mutex_enter(&fp->f_lock);
	fp->f_count++;
	mutex_exit(&fp->f_lock);
}

int
file_rele(struct file *fp)
{
	int n, error = 0;

	mutex_enter(&fp->f_lock);
	n = --fp->f_count;
	mutex_exit(&fp->f_lock);
	if (n > 0)
		return 0;
	if (fp->f_ops->fo_close != NULL)
		error = fp->f_ops->fo_close(fp);
	cred_free(fp->f_cred);
	mutex_destroy(&fp->f_iolock);
	mutex_destroy(&fp->f_lock);
	kmem_free(fp, sizeof(*fp));
	return error;
}

struct filedesc *
fd_init(void)
{
	struct filedesc *fdp;

	if ((fdp = kmem_zalloc(sizeof(*fdp), KM_SLEEP)) == NULL)
		return NULL;
	fdp->fd_ofiles = kmem_zalloc(NDFILE * sizeof(struct fdfile), KM_SLEEP);
	if (fdp->fd_ofiles == NULL) {
		kmem_free(fdp, sizeof(*fdp));
		return NULL;
	}
	mutex_init(&fdp->fd_lock);
	fdp->fd_nfiles = NDFILE;
	fdp->fd_refcnt = 1;
	return fdp;
}

struct filedesc *
fd_copy(struct filedesc *src)
{
	struct filedesc *fdp;
	struct fdfile *nf;
	int i;

	if ((fdp = fd_init()) == NULL)
		return NULL;
	mutex_enter(&src->fd_lock);
	if (src->fd_nfiles > fdp->fd_nfiles) {
		nf = kmem_zalloc((size_t)src->fd_nfiles * sizeof(*nf),
		    KM_SLEEP);
		if (nf == NULL) {
			mutex_exit(&src->fd_lock);
			fd_free(fdp);
			return NULL;
		}
		kmem_free(fdp->fd_ofiles, (size_t)fdp->fd_nfiles *
		    sizeof(*nf));
		fdp->fd_ofiles = nf;
		fdp->fd_nfiles = src->fd_nfiles;
	}
	for (i = 0; i < src->fd_nfiles; i++) {
		fdp->fd_ofiles[i] = src->fd_ofiles[i];
		if (fdp->fd_ofiles[i].ff_file != NULL)
			file_hold(fdp->fd_ofiles[i].ff_file);
	}
	mutex_exit(&src->fd_lock);
	return fdp;
}

void
fd_share(struct filedesc *fdp)
{
	mutex_enter(&fdp->fd_lock);
	fdp->fd_refcnt++;
	mutex_exit(&fdp->fd_lock);
}

void
fd_free(struct filedesc *fdp)
{
	int i, n;

	if (fdp == NULL)
		return;
	mutex_enter(&fdp->fd_lock);
	n = --fdp->fd_refcnt;
	mutex_exit(&fdp->fd_lock);
	if (n > 0)
		return;
	mutex_enter(&fdp->fd_lock);
	knote_fdclose(fdp, -1);
	mutex_exit(&fdp->fd_lock);
	for (i = 0; i < fdp->fd_nfiles; i++)
		if (fdp->fd_ofiles[i].ff_file != NULL)
			file_rele(fdp->fd_ofiles[i].ff_file);
	kmem_free(fdp->fd_ofiles, (size_t)fdp->fd_nfiles *
	    sizeof(struct fdfile));
	mutex_destroy(&fdp->fd_lock);
	kmem_free(fdp, sizeof(*fdp));
}

int
fd_maxfiles(struct proc *p)
{
	uint64_t lim;

	mutex_enter(&p->p_lock);
	lim = p->p_rlimit[RLIMIT_NOFILE].rlim_cur;
	mutex_exit(&p->p_lock);
	return lim > 65536 ? 65536 : (int)lim;
}

/* Grow the table to hold slot `want`; called and returns with fd_lock. */
static int
fd_grow(struct filedesc *fdp, int want)
{
	struct fdfile *nf;
	int n = fdp->fd_nfiles;

	while (n <= want)
		n *= 2;
	if ((nf = kmem_zalloc((size_t)n * sizeof(*nf), KM_NOSLEEP)) == NULL)
		return ENOMEM;
	memcpy(nf, fdp->fd_ofiles, (size_t)fdp->fd_nfiles * sizeof(*nf));
	kmem_free(fdp->fd_ofiles, (size_t)fdp->fd_nfiles * sizeof(*nf));
	fdp->fd_ofiles = nf;
	fdp->fd_nfiles = n;
	return 0;
}

int
fd_install(struct proc *p, struct file *fp, int minfd, bool cloexec, int *fdp)
{
	struct filedesc *fdt = p->p_fd;
	int fd, max = fd_maxfiles(p), error;

	if (minfd < 0 || minfd >= max)
		return EINVAL;
	mutex_enter(&fdt->fd_lock);
	fd = MAX(minfd, fdt->fd_freefile);
	for (; fd < fdt->fd_nfiles; fd++)
		if (fdt->fd_ofiles[fd].ff_file == NULL)
			break;
	if (fd >= max) {
		mutex_exit(&fdt->fd_lock);
		return EMFILE;
	}
	if (fd >= fdt->fd_nfiles && (error = fd_grow(fdt, fd)) != 0) {
		mutex_exit(&fdt->fd_lock);
		return error;
	}
	file_hold(fp);
	fdt->fd_ofiles[fd].ff_file = fp;
	fdt->fd_ofiles[fd].ff_exclose = cloexec;
	if (minfd <= fdt->fd_freefile)
		fdt->fd_freefile = fd + 1;
	mutex_exit(&fdt->fd_lock);
	*fdp = fd;
	return 0;
}

struct file *
fd_getfile(int fd)
{
	struct filedesc *fdt = curproc->p_fd;
	struct file *fp = NULL;

	mutex_enter(&fdt->fd_lock);
	if (fd >= 0 && fd < fdt->fd_nfiles &&
	    (fp = fdt->fd_ofiles[fd].ff_file) != NULL)
		file_hold(fp);
	mutex_exit(&fdt->fd_lock);
	return fp;
}

/* Empty slot fd (knotes on it go too); returns its file (the slot's
 * reference) or NULL.  fd_lock held. */
static struct file *
fd_detach(struct filedesc *fdt, int fd)
{
	struct file *fp;

	if (fd < 0 || fd >= fdt->fd_nfiles ||
	    (fp = fdt->fd_ofiles[fd].ff_file) == NULL)
		return NULL;
	knote_fdclose(fdt, fd);
	fdt->fd_ofiles[fd].ff_file = NULL;
	fdt->fd_ofiles[fd].ff_exclose = false;
	if (fd < fdt->fd_freefile)
		fdt->fd_freefile = fd;
	return fp;
}

/*
 * A process closing any descriptor of a file loses its POSIX advisory
 * locks on it, even if other descriptors stay open (POSIX).
 */
static void
fd_closeposix(struct file *fp)
{
	if (fp->f_ops->fo_advlock != NULL)
		(void)fp->f_ops->fo_advlock(fp, F_CLOSEPOSIX, NULL);
}

int
fd_close(int fd)
{
	struct filedesc *fdt = curproc->p_fd;
	struct file *fp;

	mutex_enter(&fdt->fd_lock);
	fp = fd_detach(fdt, fd);
	mutex_exit(&fdt->fd_lock);
	if (fp == NULL)
		return EBADF;
	fd_closeposix(fp);
	return file_rele(fp);
}

/* Put fp at newfd, closing what was there. */
int
fd_dup2(struct file *fp, int newfd, bool cloexec)
{
	struct proc *p = curproc;
	struct filedesc *fdt = p->p_fd;
	struct file *old;
	int error;

	if (newfd < 0 || newfd >= fd_maxfiles(p))
		return EBADF;
	mutex_enter(&fdt->fd_lock);
	if (newfd >= fdt->fd_nfiles && (error = fd_grow(fdt, newfd)) != 0) {
		mutex_exit(&fdt->fd_lock);
		return error;
	}
	old = fd_detach(fdt, newfd);
	file_hold(fp);
	fdt->fd_ofiles[newfd].ff_file = fp;
	fdt->fd_ofiles[newfd].ff_exclose = cloexec;
	mutex_exit(&fdt->fd_lock);
	if (old != NULL) {
		if (old != fp)
			fd_closeposix(old);
		file_rele(old);
	}
	return 0;
}

int
fd_getcloexec(int fd, bool *cloexec)
{
	struct filedesc *fdt = curproc->p_fd;
	int error = EBADF;

	mutex_enter(&fdt->fd_lock);
	if (fd >= 0 && fd < fdt->fd_nfiles &&
	    fdt->fd_ofiles[fd].ff_file != NULL) {
		*cloexec = fdt->fd_ofiles[fd].ff_exclose;
		error = 0;
	}
	mutex_exit(&fdt->fd_lock);
	return error;
}

int
fd_setcloexec(int fd, bool cloexec)
{
	struct filedesc *fdt = curproc->p_fd;
	int error = EBADF;

	mutex_enter(&fdt->fd_lock);
	if (fd >= 0 && fd < fdt->fd_nfiles &&
	    fdt->fd_ofiles[fd].ff_file != NULL) {
		fdt->fd_ofiles[fd].ff_exclose = cloexec;
		error = 0;
	}
	mutex_exit(&fdt->fd_lock);
	return error;
}
