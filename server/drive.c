/*
 * drive.c: -d, startup step 7: each drivespec, in command-line order,
 * becomes an etfs key (NetBSD's order of steps and messages):
 *   1. open the host file read-write, creating it (0644 less the
 *      umask) unless size=host        "etfs hostpath open"
 *   2. disklabel=P: the partition's window (disklabel.c)
 *                                     "could not read disk device",
 *                                     "disklabel not found",
 *                                     "partition not available"
 *   3. fstat; size=host takes the file's size, which must not be 0
 *      (a disklabel wins over size=host, as over size and offset)
 *                                     "fstat etfs hostpath",
 *                                     "size=host, but cannot query
 *                                      non-zero size"
 *   4. a regular file shorter than offset + size is extended
 *                                     "truncate"
 *   5. rump_pub_etfs_register_withsize  "etfs register"
 * Errors are NetBSD errnos: host ones are translated.  A reg drive
 * without a size maps the whole file from its offset (NetBSD registers
 * size 0, so that stat says 0 while reads go past it).
 *
 * rump_server has no file system layer until -l rumpvfs loads one, so
 * the etfs entry point is looked up when needed: without it, ENOSYS,
 * as NetBSD's kernel says then.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rumperr.h>

#include "rumpuser/rumpuser.h"
#include "server/server.h"

typedef int (*etfs_register_fn)(const char *, const char *,
    enum rump_etfs_type, uint64_t, uint64_t);

static int
etfs_register(const struct srv_drive *d, uint64_t off, uint64_t size)
{
	etfs_register_fn fn;

	fn = (etfs_register_fn)dlsym(RTLD_DEFAULT,
	    "rump_pub_etfs_register_withsize");
	if (fn == NULL)
		return RUMP_ENOSYS;
	return fn(d->key, d->hostpath, (enum rump_etfs_type)d->type, off,
	    size);
}

/* Steps 1-4 on the host; the host errno, translated. */
static int
prepare_host(const struct srv_drive *d, uint64_t *offp, uint64_t *sizep,
    const char **whyp)
{
	struct stat st;
	int fd, error = 0;

	fd = open(d->hostpath, O_RDWR | O_CLOEXEC | (d->size_host ? 0 :
	    O_CREAT), 0644);
	if (fd == -1) {
		*whyp = "etfs hostpath open";
		return rumpuser_errtrans(errno);
	}
	if (d->label != 0 &&
	    (error = srv_disklabel(fd, d->label, offp, sizep, whyp)) != 0)
		goto out;
	if (fstat(fd, &st) == -1) {
		*whyp = "fstat etfs hostpath";
		error = errno;
		goto out;
	}
	if (d->size_host && d->label == 0 &&
	    (*sizep = (uint64_t)st.st_size) == 0) {
		*whyp = "size=host, but cannot query non-zero size";
		error = EINVAL;
		goto out;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < *offp + *sizep) {
		if (*offp + *sizep > (uint64_t)INT64_MAX)
			error = EFBIG;
		else if (ftruncate(fd, (off_t)(*offp + *sizep)) == -1)
			error = errno;
		if (error != 0)
			*whyp = "truncate";
	}
out:
	close(fd);
	return error != 0 ? rumpuser_errtrans(error) : 0;
}

int
srv_attach_drive(const struct srv_drive *d, const char **whyp)
{
	uint64_t off = (uint64_t)d->offset, size = (uint64_t)d->size;
	int error;

	if ((error = prepare_host(d, &off, &size, whyp)) != 0)
		return error;
	if (d->type == SRV_DT_REG && size == 0 && d->label == 0)
		size = RUMP_ETFS_SIZE_ENDOFF;
	*whyp = "etfs register";
	return etfs_register(d, off, size);
}
