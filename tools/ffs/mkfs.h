/*
 * mkfs.h: making a file system (rump.newfs's engine).
 *
 * mkfs_geometry fills a superblock from the parameters following
 * NetBSD's newfs (spec section 18.1); mkfs_write lays it on a disk:
 * stale superblocks zapped, every cylinder group (superblock copy, cg
 * header with maps, initialised inodes), the root directory, then the
 * primary superblock and the summary array.
 */
#ifndef TOOLS_FFS_MKFS_H
#define TOOLS_FFS_MKFS_H

#include "tools/ffs/ffs_dev.h"
#include "tools/ffs/ffs_fmt.h"

struct mkfs_params {
	int	version;	/* 1 or 2 */
	int	bsize, fsize;	/* 0: by size class */
	int64_t	density;	/* bytes per inode, 0: 4 * fsize */
	uint64_t bytes;		/* file system size */
	bool	swap;		/* opposite byte order */
	int64_t	now;		/* creation time */
	uint32_t uid, gid;	/* root's owner */
};

/* 0 or -1 with a message in err. */
int	mkfs_geometry(const struct mkfs_params *p, struct fs *fs,
	    char *err, size_t errlen);
int	mkfs_write(const struct mkfs_params *p, struct fs *fs,
	    struct ffs_dev *d, char *err, size_t errlen);

#endif
