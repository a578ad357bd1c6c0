/*
 * fsck.c: rump.fsck_ffs -- options, setup, the passes in order,
 * questions and writes, the superblock at the end (clean marking) and
 * the closing summary (see fsck.h for the layers).  Exit status as
 * NetBSD's fsck_ffs: 0 clean or repaired, 1 usage, 2 inconsistencies
 * remain, 8 the check could not be made (or, preening, a problem
 * preen may not repair).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tools/ffs/fsck.h"

#define EXIT_UNRESOLVED	2
#define EXIT_FAILED	8

static void
usage(void)
{
	fprintf(stderr, "usage: rump.fsck_ffs [-fFnpy] special\n");
	exit(1);
}

/* NetBSD's pfatal while preening: the run stops, exit 8. */
static void __attribute__((noreturn))
stop_preen(struct fsck *f)
{
	printf("%s: UNEXPECTED INCONSISTENCY; RUN rump.fsck_ffs MANUALLY.\n",
	    f->name);
	fflush(stdout);
	exit(EXIT_FAILED);
}

void
fsck_problem(struct fsck *f, const char *question, const char *fmt, ...)
{
	va_list ap;

	if (f->preen)
		printf("%s: ", f->name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (f->preen)
		stop_preen(f);
	if (question != NULL)
		printf("%s\n\n", question);
	f->problems++;
}

void
fsck_note(struct fsck *f, const char *fmt, ...)
{
	va_list ap;

	if (f->preen)
		printf("%s: ", f->name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (f->preen)
		stop_preen(f);
}

bool
fsck_ask(struct fsck *f, const char *preen, const char *question,
    const char *fmt, ...)
{
	va_list ap;

	if (f->preen)
		printf("%s: ", f->name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (f->preen) {
		if (preen == NULL) {
			printf("\n");
			stop_preen(f);
		}
		printf(" (%s)\n", preen);
		return true;
	}
	printf("\n%s? %s\n\n", question, f->yes ? "yes" : "no");
	if (!f->yes)
		f->problems++;
	return f->yes;
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
fsck_write(struct fsck *f, const void *buf, size_t len, int64_t frag)
{
	if (dev_write(&f->dev, buf, len, (uint64_t)frag *
	    (uint64_t)f->fs.fs_fsize) == 0) {
		f->modified = true;
		return 0;
	}
	fsck_problem(f, NULL, "CANNOT WRITE: BLK %lld (%s)", (long long)frag,
	    f->dev.err);
	return -1;
}

/* Read inode ino raw, let fn change it, write it back. */
static int
patch_inode(struct fsck *f, uint64_t ino, void (*fn)(struct fsck *,
    uint8_t *, uint64_t), uint64_t arg)
{
	uint8_t raw[256];
	size_t len = (size_t)fs_dinode_size(&f->fs);
	uint64_t off = ino_offset(&f->fs, ino);

	if (dev_read(&f->dev, raw, len, off) != 0) {
		fsck_problem(f, NULL, "CANNOT READ: I=%llu (%s)",
		    (unsigned long long)ino, f->dev.err);
		return -1;
	}
	fn(f, raw, arg);
	if (dev_write(&f->dev, raw, len, off) != 0) {
		fsck_problem(f, NULL, "CANNOT WRITE: I=%llu (%s)",
		    (unsigned long long)ino, f->dev.err);
		return -1;
	}
	f->modified = true;
	return 0;
}

/* di_nlink is the 16 bits at byte 2 in both inode formats. */
static void
put_nlink(struct fsck *f, uint8_t *raw, uint64_t n)
{
	uint16_t v = (uint16_t)n;

	if (f->swapped)
		v = __builtin_bswap16(v);
	memcpy(raw + 2, &v, 2);
}

/* di_blocks: 64 bits at 24 (UFS2), 32 bits at 104 (UFS1). */
static void
put_blocks(struct fsck *f, uint8_t *raw, uint64_t n)
{
	if (fs_is_ufs2(&f->fs)) {
		if (f->swapped)
			n = __builtin_bswap64(n);
		memcpy(raw + 24, &n, 8);
		return;
	}
	uint32_t v = (uint32_t)n;

	if (f->swapped)
		v = __builtin_bswap32(v);
	memcpy(raw + 104, &v, 4);
}

static void
put_zero(struct fsck *f, uint8_t *raw, uint64_t unused)
{
	(void)unused;
	memset(raw, 0, (size_t)fs_dinode_size(&f->fs));
}

int
fsck_set_nlink(struct fsck *f, uint64_t ino, int16_t nlink)
{
	return patch_inode(f, ino, put_nlink, (uint64_t)(uint16_t)nlink);
}

int
fsck_set_blocks(struct fsck *f, uint64_t ino, uint64_t blocks)
{
	return patch_inode(f, ino, put_blocks, blocks);
}

int
fsck_clear_inode(struct fsck *f, uint64_t ino)
{
	return patch_inode(f, ino, put_zero, 0);
}

/*
 * Start from the disk's own bytes, so fields this program does not
 * model survive, and set what fsck maintains: totals, clean flag,
 * pending counters, time.  An old-layout UFS1 superblock keeps its
 * totals and time only in the 32-bit fields; a new-layout one in
 * both (NetBSD keeps them equal).
 */
int
fsck_sb_image(struct fsck *f, uint8_t *buf)
{
	const struct fs *fs = &f->fs;
	struct fs t;
	bool old = fs->fs_magic == FS_UFS1_MAGIC;

	if (dev_read(&f->dev, buf, (size_t)fs->fs_sbsize,
	    (uint64_t)f->sbloc) != 0)
		return -1;
	memcpy(&t, buf, sizeof(t));
	if (f->swapped)
		swap_sb(&t);
	t.fs_clean = fs->fs_clean;
	t.fs_fmod = 0;
	t.fs_ronly = 0;
	if (old) {
		t.fs_old_cstotal.cs_ndir = (int32_t)fs->fs_cstotal.cs_ndir;
		t.fs_old_cstotal.cs_nbfree = (int32_t)fs->fs_cstotal.cs_nbfree;
		t.fs_old_cstotal.cs_nifree = (int32_t)fs->fs_cstotal.cs_nifree;
		t.fs_old_cstotal.cs_nffree = (int32_t)fs->fs_cstotal.cs_nffree;
		t.fs_old_time = (int32_t)fs->fs_time;
	}
	if (!old || (t.fs_old_flags & FS_FLAGS_UPDATED)) {
		t.fs_cstotal = fs->fs_cstotal;
		t.fs_time = fs->fs_time;
		t.fs_pendingblocks = fs->fs_pendingblocks;
		t.fs_pendinginodes = fs->fs_pendinginodes;
	}
	if (f->swapped)
		swap_sb(&t);
	memcpy(buf, &t, sizeof(t));
	return 0;
}

static void
flush_sb(struct fsck *f)
{
	static uint8_t buf[SBLOCKSIZE];

	if (!f->sbdirty)
		return;
	if (fsck_sb_image(f, buf) != 0 || dev_write(&f->dev, buf,
	    (size_t)f->fs.fs_sbsize, (uint64_t)f->sbloc) != 0) {
		fsck_problem(f, NULL, "CANNOT WRITE THE SUPERBLOCK (%s)",
		    f->dev.err);
		return;
	}
	f->modified = true;
	f->sbdirty = false;
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
		fsck_note(f, "BAD SUPER BLOCK: VALUES IN SUPER BLOCK DISAGREE "
		    "WITH THOSE IN FIRST ALTERNATE");	/* pass 5 asks */
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
	f->sbloc = where;
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
	if (!f->preen)
		printf("** Phase 1 - Check Blocks and Sizes\n");
	pass1(f);
	if (f->ndups > 0) {
		printf("** Phase 1b - Rescan For More DUPS\n");
		pass1b(f);
	}
	if (!f->preen)
		printf("** Phase 2 - Check Pathnames\n");
	pass2(f);
	if (!f->preen)
		printf("** Phase 3 - Check Connectivity\n");
	pass3(f);
	if (!f->preen)
		printf("** Phase 4 - Check Reference Counts\n");
	pass4(f);
	if (!f->preen)
		printf("** Phase 5 - Check Cyl groups\n");
	pass5(f);
}

/*
 * NetBSD's ckfini: a file system with nothing unresolved is marked
 * clean (pending counters zeroed); the superblock goes out last, with
 * the time of this run if anything was written.
 */
static void
finish(struct fsck *f)
{
	bool mark = false;

	if (!f->rw)
		return;
	if (f->modified || f->sbdirty)
		f->fs.fs_time = (int64_t)time(NULL);
	if (f->problems == 0 && !(f->fs.fs_clean & FS_ISCLEAN)) {
		if (f->preen)
			printf("%s: MARKING FILE SYSTEM CLEAN\n", f->name);
		else
			printf("\nMARK FILE SYSTEM CLEAN? yes\n\n");
		f->fs.fs_clean = FS_ISCLEAN;
		f->fs.fs_pendingblocks = 0;
		f->fs.fs_pendinginodes = 0;
		f->sbdirty = true;
		mark = !f->preen;
	}
	flush_sb(f);
	if (mark && !f->sbdirty)
		printf("\n***** FILE SYSTEM MARKED CLEAN *****\n");
}

static void
parse_options(int argc, char **argv, struct fsck *f, bool *force,
    bool *host)
{
	int ch;

	while ((ch = getopt(argc, argv, "fFnpy")) != -1) {
		switch (ch) {
		case 'f': *force = true; break;
		case 'F': *host = true; break;
		case 'n': f->yes = false; break;
		case 'p': f->preen = true; break;
		case 'y': f->yes = true; break;
		default: usage();
		}
	}
	if (argc - optind != 1)
		usage();
	if (f->preen)
		f->yes = false;
	f->rw = f->yes || f->preen;
	f->name = argv[optind];
}

int
main(int argc, char **argv)
{
	static struct fsck f;
	bool force = false, host = false;
	int rc = 0;

	parse_options(argc, argv, &f, &force, &host);
	if (dev_open(&f.dev, f.name, !f.rw, host, 0) != 0) {
		fprintf(stderr, "rump.fsck_ffs: %s\n", f.dev.err);
		return EXIT_FAILED;
	}
	if (!f.preen)
		printf("** %s%s\n", f.name, f.rw ? "" : " (NO WRITE)");
	setup(&f);
	if (f.preen && !force && (f.fs.fs_clean & FS_ISCLEAN)) {
		printf("%s: file system is clean; not checking\n", f.name);
		return 0;
	}
	if (!f.preen && (f.fs.fs_clean & FS_ISCLEAN))
		printf("** File system is already clean\n");
	f.fs.fs_fsmnt[sizeof(f.fs.fs_fsmnt) - 1] = '\0';
	if (!f.preen)
		printf("** Last Mounted on %s\n", f.fs.fs_fsmnt);
	check_superblock(&f);
	run_passes(&f);
	if (f.preen)
		printf("%s: ", f.name);
	summary(&f);
	finish(&f);
	if (dev_close(&f.dev) != 0) {
		fprintf(stderr, "rump.fsck_ffs: %s\n", f.dev.err);
		rc = EXIT_FAILED;
	}
	if (f.problems > 0) {
		printf("\n***** UNRESOLVED INCONSISTENCIES REMAIN *****\n");
		return EXIT_UNRESOLVED;
	}
	if (f.modified && !f.preen)
		printf("\n***** FILE SYSTEM WAS MODIFIED *****\n");
	return rc;
}
