/*
 * fsck.c: rump.fsck_ffs -- options, setup, the passes in order, and
 * the closing summary (see fsck.h for the layers).  Exit status as
 * NetBSD's fsck_ffs: 0 clean, 1 usage, 2 inconsistencies remain
 * (every question is answered no), 8 the check could not be made.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/ffs/fsck.h"

#define EXIT_UNRESOLVED	2
#define EXIT_FAILED	8

static void
usage(void)
{
	fprintf(stderr, "usage: rump.fsck_ffs [-fFnp] special\n");
	exit(1);
}

void
fsck_problem(struct fsck *f, const char *question, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (question != NULL)
		printf("%s\n\n", question);
	f->problems++;
}

void
fsck_fatal(struct fsck *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	fprintf(stderr, "rump.fsck_ffs: %s: cannot check the file system\n",
	    f->name);
	exit(EXIT_FAILED);
}

int
fsck_read(struct fsck *f, void *buf, size_t len, int64_t frag)
{
	if (dev_read(&f->dev, buf, len, (uint64_t)frag *
	    (uint64_t)f->fs.fs_fsize) == 0)
		return 0;
	fsck_problem(f, "CONTINUE? no", "CANNOT READ: BLK %lld (%s)",
	    (long long)frag, f->dev.err);
	return -1;
}

int
fsck_inode(struct fsck *f, uint64_t ino, struct dino *di)
{
	uint8_t raw[256];

	if (dev_read(&f->dev, raw, (size_t)fs_dinode_size(&f->fs),
	    ino_offset(&f->fs, ino)) != 0) {
		fsck_problem(f, "CONTINUE? no", "CANNOT READ: I=%llu (%s)",
		    (unsigned long long)ino, f->dev.err);
		return -1;
	}
	dino_load(&f->fs, raw, f->swapped, di);
	return 0;
}

/* The superblock rules fsck_ffs's setup applies beyond the kernel's. */
static void
check_superblock(struct fsck *f)
{
	const struct fs *fs = &f->fs;
	uint64_t maxfile = (uint64_t)fs->fs_bsize * NDADDR - 1, sz = 1;
	struct fs alt;

	if (fs->fs_flags & ~(uint32_t)(FS_KNOWN_FLAGS | 0x80000000u))
		fsck_problem(f, "CLEAR? no", "UNKNOWN FLAGS=%#x IN SUPERBLOCK",
		    fs->fs_flags);
	if (fs->fs_optim != 0 && fs->fs_optim != 1)
		fsck_problem(f, "SET TO DEFAULT? no", "UNDEFINED OPTIMIZATION "
		    "IN SUPERBLOCK");
	if (fs->fs_minfree < 0 || fs->fs_minfree > 99)
		fsck_problem(f, "SET TO DEFAULT? no", "IMPOSSIBLE MINFREE=%d IN "
		    "SUPERBLOCK", fs->fs_minfree);
	if (!fs_is_ufs2(fs) && (fs->fs_old_interleave < 1 ||
	    fs->fs_old_interleave > fs->fs_old_nsect))
		fsck_problem(f, "SET TO DEFAULT? no", "IMPOSSIBLE INTERLEAVE=%d "
		    "IN SUPERBLOCK", fs->fs_old_interleave);
	if (!fs_is_ufs2(fs) && (fs->fs_old_npsect < fs->fs_old_nsect ||
	    fs->fs_old_npsect > 2LL * fs->fs_old_nsect))
		fsck_problem(f, "SET TO DEFAULT? no", "IMPOSSIBLE NPSECT=%d IN "
		    "SUPERBLOCK", fs->fs_old_npsect);
	for (int i = 0; i < NIADDR; i++) {
		sz *= (uint64_t)fs->fs_nindir;
		maxfile += sz * (uint64_t)fs->fs_bsize;
	}
	if ((fs_is_ufs2(fs) || fs->fs_old_inodefmt >= FS_44INODEFMT) &&
	    (fs->fs_maxfilesize != maxfile ||
	    fs->fs_maxsymlinklen != (fs_is_ufs2(fs) ? 120 : 60) ||
	    fs->fs_qbmask != fs->fs_bsize - 1 ||
	    fs->fs_qfmask != fs->fs_fsize - 1))
		fsck_problem(f, "FIX? no", "INCORRECT MAXFILESIZE, MAXSYMLINKLEN, "
		    "QBMASK OR QFMASK IN SUPERBLOCK");
	if (fsck_read_copy(f, fs->fs_ncg - 1, &alt) &&
	    (alt.fs_sblkno != fs->fs_sblkno || alt.fs_ncg != fs->fs_ncg ||
	    alt.fs_bsize != fs->fs_bsize || alt.fs_fsize != fs->fs_fsize ||
	    alt.fs_ipg != fs->fs_ipg || alt.fs_fpg != fs->fs_fpg ||
	    alt.fs_dblkno != fs->fs_dblkno || alt.fs_magic != fs->fs_magic))
		fsck_problem(f, NULL, "VALUES IN SUPER BLOCK DISAGREE WITH THOSE "
		    "IN FIRST ALTERNATE");
}

static void *
zalloc(struct fsck *f, uint64_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL)
		fsck_fatal(f, "CANNOT ALLOCATE %llu ENTRIES",
		    (unsigned long long)n);
	return p;
}

static void
setup(struct fsck *f)
{
	const char *e;
	uint64_t bytes;
	int64_t where;

	if ((e = sb_find(&f->dev, &f->fs, &f->swapped, &where)) != NULL)
		fsck_fatal(f, "BAD SUPER BLOCK: %s", e);
	if (f->fs.fs_sblockloc != where)
		fsck_problem(f, "FIX? no", "SUPERBLOCK AT %lld CLAIMS TO BE AT "
		    "%lld (THE KERNEL WILL NOT MOUNT IT)", (long long)where,
		    (long long)f->fs.fs_sblockloc);
	if ((e = sb_check_summary(&f->fs)) != NULL) {
		fsck_problem(f, "SALVAGE? no", "BAD SUMMARY INFORMATION: %s", e);
		f->badsum = true;
	}
	bytes = (uint64_t)f->fs.fs_size * (uint64_t)f->fs.fs_fsize;
	if (bytes > f->dev.size)
		fsck_fatal(f, "FILE SYSTEM SIZE %llu BYTES EXCEEDS THE DISK "
		    "(%llu BYTES)", (unsigned long long)bytes,
		    (unsigned long long)f->dev.size);
	f->maxino = (uint64_t)f->fs.fs_ncg * (uint64_t)f->fs.fs_ipg;
	f->blockmap = zalloc(f, (uint64_t)f->fs.fs_size / 8 + 1, 1);
	f->state = zalloc(f, f->maxino, 1);
	f->itype = zalloc(f, f->maxino, 1);
	f->nlink = zalloc(f, f->maxino, sizeof(*f->nlink));
	f->found = zalloc(f, f->maxino, sizeof(*f->found));
	f->parent = zalloc(f, f->maxino, sizeof(*f->parent));
	f->dotdot = zalloc(f, f->maxino, sizeof(*f->dotdot));
	f->initedi = zalloc(f, (uint64_t)f->fs.fs_ncg, sizeof(*f->initedi));
}

static void
summary(struct fsck *f)
{
	const struct fs *fs = &f->fs;
	int64_t nffree = fs->fs_cstotal.cs_nffree;
	int64_t nbfree = fs->fs_cstotal.cs_nbfree, dsize = fs->fs_dsize;

	if (dsize <= 0)
		dsize = 1;
	printf("%lld files, %lld used, %lld free (%lld frags, %lld blocks, "
	    "%lld.%lld%% fragmentation)\n", (long long)f->nfiles,
	    (long long)f->nused, (long long)(nffree + fs->fs_frag * nbfree),
	    (long long)nffree, (long long)nbfree,
	    (long long)(nffree * 100 / dsize),
	    (long long)(((nffree * 1000 + dsize / 2) / dsize) % 10));
}

static void
run_passes(struct fsck *f)
{
	printf("** Phase 1 - Check Blocks and Sizes\n");
	pass1(f);
	if (f->ndups > 0) {
		printf("** Phase 1b - Rescan For More DUPS\n");
		pass1b(f);
	}
	printf("** Phase 2 - Check Pathnames\n");
	pass2(f);
	printf("** Phase 3 - Check Connectivity\n");
	pass3(f);
	printf("** Phase 4 - Check Reference Counts\n");
	pass4(f);
	printf("** Phase 5 - Check Cyl groups\n");
	pass5(f);
}

int
main(int argc, char **argv)
{
	static struct fsck f;
	bool force = false, host = false, preen = false;
	int ch;

	while ((ch = getopt(argc, argv, "fFnpy")) != -1) {
		switch (ch) {
		case 'f': force = true; break;
		case 'F': host = true; break;
		case 'n': break;	/* always: repairs are not made */
		case 'p': preen = true; break;
		case 'y':
			fprintf(stderr, "rump.fsck_ffs: -y: repairs are not "
			    "supported; use -n\n");
			return 1;
		default: usage();
		}
	}
	if (argc - optind != 1)
		usage();
	f.name = argv[optind];
	if (dev_open(&f.dev, f.name, true, host, 0) != 0) {
		fprintf(stderr, "rump.fsck_ffs: %s\n", f.dev.err);
		return EXIT_FAILED;
	}
	printf("** %s (NO WRITE)\n", f.name);
	setup(&f);
	if (preen && !force && (f.fs.fs_clean & FS_ISCLEAN)) {
		printf("%s: file system is clean; not checking\n", f.name);
		return 0;
	}
	if (f.fs.fs_clean & FS_ISCLEAN)
		printf("** File system is already clean\n");
	f.fs.fs_fsmnt[sizeof(f.fs.fs_fsmnt) - 1] = '\0';
	printf("** Last Mounted on %s\n", f.fs.fs_fsmnt);
	check_superblock(&f);
	run_passes(&f);
	summary(&f);
	dev_close(&f.dev);
	if (f.problems > 0) {
		printf("\n***** UNRESOLVED INCONSISTENCIES REMAIN *****\n");
		return EXIT_UNRESOLVED;
	}
	return 0;
}
