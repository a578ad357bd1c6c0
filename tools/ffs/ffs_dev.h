/*
 * ffs_dev.h: the disk under rump.newfs and rump.fsck_ffs.
 *
 * A special file is either a host file (or host block device), or,
 * when RUMP_SERVER is set and the caller did not ask for the host, a
 * device node in a rump kernel (normally the raw /dev/rX of a
 * rump_server -d drive) reached with librumpclient: open, pread,
 * pwrite and the disk-size ioctls go to the server.  Transfers are
 * whole 512-byte sectors, as a raw disk wants.  Errors come back as
 * messages; nothing here prints.
 */
#ifndef TOOLS_FFS_DEV_H
#define TOOLS_FFS_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ffs_dev {
	int	fd;
	bool	remote;		/* fd is a descriptor in the rump kernel */
	bool	rdonly;
	uint64_t size;		/* bytes */
	char	err[160];	/* the last error */
};

/*
 * Open path.  host: use the host even if RUMP_SERVER is set.
 * create_size (host files only): create the file if missing and
 * extend it to that many bytes (0: leave it).  0 or -1 (d->err).
 */
int	dev_open(struct ffs_dev *d, const char *path, bool rdonly, bool host,
	    uint64_t create_size);
int	dev_read(struct ffs_dev *d, void *buf, size_t len, uint64_t off);
int	dev_write(struct ffs_dev *d, const void *buf, size_t len, uint64_t off);
int	dev_close(struct ffs_dev *d);

#endif
