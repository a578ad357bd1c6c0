/*
 * fsck.h: rump.fsck_ffs, a checker following NetBSD's fsck_ffs
 * passes (spec section 15), which with -y or -p also repairs.
 *
 *   fsck.c        options, setup (superblock, first alternate), output
 *   fsck_pass1.c  inodes: types, sizes, block ranges, duplicates,
 *                 block counts (and pass 1b: every owner of a dup)
 *   fsck_pass2.c  directories (pass 2), connectivity (pass 3),
 *                 link counts (pass 4)
 *   fsck_pass5.c  cylinder groups recomputed and compared; summary
 *                 array, totals, alternate superblocks
 *   fsck_dir.c    directory edits for repairs: adding a name,
 *                 lost+found, reconnecting an inode there
 *
 * State per inode lives in arrays indexed by inode number, sized by
 * the geometry, which setup bounds by the size of the disk.  A
 * problem this checker cannot repair goes through fsck_problem, which
 * prints it and counts it as unresolved (in preen mode it ends the
 * run, as NetBSD's pfatal does).  A repairable one goes through
 * fsck_ask, which answers the question from the options (-n no, -y
 * yes, -p yes if NetBSD's preen would) and says whether to repair.
 * Repairs are written at once with fsck_write/fsck_write_inode; the
 * superblock and the summary array are written once, at the end
 * (fsck_flush_sb), when sbdirty is set.  Single-threaded: no locks.
 */
#ifndef TOOLS_FFS_FSCK_H
#define TOOLS_FFS_FSCK_H

#include "tools/ffs/ffs_dev.h"
#include "tools/ffs/ffs_fmt.h"

/* Inode states after pass 1: unallocated, file, directory, bad
 * (reported, left alone), to be cleared (bad or duplicate blocks:
 * its names are removed in pass 2, the inode cleared in pass 4). */
enum { USTATE, FSTATE, DSTATE, BADSTATE, CLEARSTATE };

struct fsck {
	struct ffs_dev dev;
	struct fs fs;
	bool	swapped;
	bool	badsum;	/* the summary array's place is wrong */
	const char *name;
	uint64_t maxino;
	uint8_t	*blockmap;	/* a bit per frag: in use */
	uint8_t	*state;		/* per inode: *STATE */
	uint8_t	*itype;		/* per inode: (mode & IFMT) >> 12 */
	int16_t	*nlink;		/* per inode: di_nlink */
	int32_t	*found;		/* per inode: references found */
	uint32_t *parent;	/* per directory: entry naming it */
	uint32_t *dotdot;	/* per directory: its ".." */
	int32_t	*initedi;	/* per cg: inodes worth reading */
	int64_t	*dups;		/* frags claimed twice */
	uint8_t	*dupfreed;	/* per dups entry: an owner was cleared */
	size_t	ndups, capdups;
	int64_t	nfiles, nused;
	int	problems;	/* unresolved */
	bool	yes;		/* -y: repair everything we can */
	bool	preen;		/* -p: repair what a crash leaves */
	bool	rw;		/* the device is open for writing */
	bool	modified;	/* something was written */
	bool	sbdirty;	/* the superblock must be written */
	int64_t	sbloc;		/* byte offset of the primary superblock */
	uint64_t lfdir;		/* lost+found (pass 2 finds it), or 0 */
	int	asked[4];	/* pass 5's questions: ASK_* (once a run) */
};

enum { ASK_NOT, ASK_YES, ASK_NO };

void	fsck_problem(struct fsck *f, const char *question, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));
/* A finding that a later question settles (NetBSD's pfatal outside
 * preen): printed, not counted; preening, it ends the run. */
void	fsck_note(struct fsck *f, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* A repairable problem: prints it and the question; true: repair.
 * preen: the word NetBSD's preen prints ("SALVAGED"), NULL if preen
 * must stop here. */
bool	fsck_ask(struct fsck *f, const char *preen, const char *question,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	fsck_fatal(struct fsck *f, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
/* Read raw bytes; a failure is reported (CANNOT READ) and -1. */
int	fsck_read(struct fsck *f, void *buf, size_t len, int64_t frag);
/* Write raw bytes (disk order); a failure is an unresolved problem. */
int	fsck_write(struct fsck *f, const void *buf, size_t len, int64_t frag);
/* Set the nlink of inode ino; clear inode ino (all zero); set its
 * di_blocks. */
int	fsck_set_nlink(struct fsck *f, uint64_t ino, int16_t nlink);
int	fsck_clear_inode(struct fsck *f, uint64_t ino);
int	fsck_set_blocks(struct fsck *f, uint64_t ino, uint64_t blocks);
/* The primary superblock as it should be on disk now (sbsize bytes,
 * disk order), from the disk's copy with the fields fsck keeps. */
int	fsck_sb_image(struct fsck *f, uint8_t *buf);
/* Inode ino in host form; -1 if unreadable. */
int	fsck_inode(struct fsck *f, uint64_t ino, struct dino *di);

/* Visit the data blocks of an inode: fn(frag, nfrags, lbn, arg) for
 * every non-hole block in logical order; indirect blocks too
 * (lbn -1).  Returns -1 if fn asked to stop. */
typedef int (*blk_fn)(struct fsck *f, int64_t frag, int nfrags,
    int64_t lbn, void *arg);

void	pass1(struct fsck *f);
void	pass1b(struct fsck *f);
void	pass2(struct fsck *f);
void	pass3(struct fsck *f);
void	pass4(struct fsck *f);
void	pass5(struct fsck *f);
/* Directory data walk used by pass 2. */
int	dir_blocks(struct fsck *f, uint64_t ino, const struct dino *di,
	    blk_fn fn, void *arg);
/* Free the frags of an inode being cleared in the in-core map
 * (pass 1b must have sorted the dups). */
void	fsck_release(struct fsck *f, const struct dino *di);
bool	fsck_chkrange(const struct fsck *f, int64_t frag, int n);
/* The superblock copy in cg c (host order); false if unreadable. */
bool	fsck_read_copy(struct fsck *f, int64_t c, struct fs *copy);

/* Directory blocks (host order, len bytes) back to the disk. */
int	fsck_dir_write(struct fsck *f, int64_t frag, const uint8_t *buf,
	    size_t len);
/* The length of an entry's name in this file system's format. */
int	fsck_namlen(const struct fsck *f, const struct direct *d);
/* Name inode ino "#ino" in lost+found (made when missing); a
 * directory's ".." then names lost+found.  false: not done. */
bool	fsck_linkup(struct fsck *f, uint64_t ino);
void	fsck_fix_dotdot(struct fsck *f, uint64_t ino);

#endif
