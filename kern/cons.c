/*
 * cons.c: the console, init's descriptors 0, 1 and 2.
 *
 * Writes go to the host's standard output; reads see end of file.
 * The sysproxy server gives each client process the same three.
 */
#include "kern/kern.h"

static int
cons_read(struct file *fp, off_t *off, struct uio *uio, kauth_cred_t cred,
    int flags)
{
	(void)fp; (void)off; (void)uio; (void)cred; (void)flags;
	return 0;
}

static int
cons_write(struct file *fp, off_t *off, struct uio *uio, kauth_cred_t cred,
    int flags)
{
	char buf[256];
	size_t n, i;
	int error;

	(void)fp; (void)off; (void)cred; (void)flags;
	while (uio->uio_resid > 0) {
		n = MIN(sizeof(buf), uio->uio_resid);
		if ((error = uiomove(buf, n, uio)) != 0)
			return error;
		for (i = 0; i < n; i++)
			rumpuser_putchar(buf[i]);
	}
	return 0;
}

static int
cons_poll(struct file *fp, int events)
{
	(void)fp;
	return events & (RUMP_POLLOUT | RUMP_POLLWRNORM);
}

static int
cons_stat(struct file *fp, struct rump_stat *st)
{
	(void)fp;
	memset(st, 0, sizeof(*st));
	st->st_mode = 0020000 | 0600;	/* S_IFCHR */
	st->st_blksize = 1024;
	return 0;
}

static const struct fileops cons_ops = {
	.fo_read = cons_read,
	.fo_write = cons_write,
	.fo_poll = cons_poll,
	.fo_stat = cons_stat,
};

/* Give the current process descriptors 0, 1, 2 on the console. */
int
cons_open012(void)
{
	struct file *fp;
	int fd, error;

	if ((error = file_alloc(&cons_ops, DTYPE_MISC, FWRITE, NULL, &fp)) != 0)
		return error;
	error = fd_install(curproc, fp, 0, false, &fd);
	if (error == 0)
		error = fd_dup2(fp, 1, false);
	if (error == 0)
		error = fd_dup2(fp, 2, false);
	file_rele(fp);
	return error;
}

int
cons_init(void)
{
	return cons_open012();
}
