/*
 * t_ffs_random: randomized operation sequences on a read-write FFS,
 * mirrored on a host directory.  Creates, writes at random offsets
 * (up into the double indirect range), truncates, renames, links,
 * unlinks, mkdirs and rmdirs over a small set of names, so that names
 * collide and files grow, shrink and move.  Every operation must
 * succeed or fail on both sides alike; after each round the trees are
 * compared, then the image is unmounted, checked (its own counts, the
 * clean flag, rump.fsck_ffs) and mounted again.  The seed is printed;
 * FFS_SEED=n repeats a run.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "t.h"
#include "t_ffs_util.h"

#define MNT	"/mnt"
#define KEY	"/dev/ffsr"
#define ROUNDS	4
#define OPS	250

static const char *const dirs[] = { "", "d0/", "d1/", "d0/e/" };
static const char *const files[] = { "a", "b", "c", "dd", "e0", "long_name_f" };

static uint64_t rng;

static uint32_t
rnd(uint32_t n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng >> 33) % n;
}

struct ctx {
	char	host[256];
	char	image[256];
	size_t	maxoff;
	int	ops, mismatches;
};

static void
paths(const struct ctx *c, const char *rel, char *rp, char *hp, size_t len)
{
	snprintf(rp, len, MNT "/%s", rel);
	snprintf(hp, len, "%s/%s", c->host, rel);
}

static void
random_file(char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", dirs[rnd(4)], files[rnd(6)]);
}

/* Both sides must agree on success. */
static void
agree(struct ctx *c, const char *what, const char *rel, int r, int h)
{
	if ((r == -1) != (h == -1)) {
		fprintf(stderr, "  op %d %s %s: rump %d, host %d\n", c->ops,
		    what, rel, r, h);
		c->mismatches++;
	}
}

static void
op_write(struct ctx *c)
{
	char rel[64], rp[320], hp[320];
	size_t off = rnd(8) == 0 ? rnd((uint32_t)c->maxoff) : rnd(200000);
	size_t len = rnd(4) == 0 ? rnd(300000) : rnd(9000);
	unsigned seed = rnd(1000);
	char *buf = malloc(len + 1);
	int rfd, hfd, r = -1, h = -1;

	random_file(rel, sizeof(rel));
	paths(c, rel, rp, hp, sizeof(rp));
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)ffs_pat(off + i, seed);
	rfd = rump_sys_open(rp, RUMP_O_WRONLY | RUMP_O_CREAT, 0644);
	hfd = open(hp, O_WRONLY | O_CREAT, 0644);
	agree(c, "open", rel, rfd, hfd);
	if (rfd != -1)
		r = (int)rump_sys_pwrite(rfd, buf, len, (off_t)off);
	if (hfd != -1)
		h = (int)pwrite(hfd, buf, len, (off_t)off);
	if (rfd != -1 && hfd != -1 && r != h) {
		fprintf(stderr, "  op %d write %s: %d vs %d\n", c->ops, rel, r,
		    h);
		c->mismatches++;
	}
	if (rfd != -1)
		rump_sys_close(rfd);
	if (hfd != -1)
		close(hfd);
	free(buf);
}

static void
op_truncate(struct ctx *c)
{
	char rel[64], rp[320], hp[320];
	off_t size = rnd(3) == 0 ? 0 : (off_t)rnd(400000);

	random_file(rel, sizeof(rel));
	paths(c, rel, rp, hp, sizeof(rp));
	agree(c, "truncate", rel, rump_sys_truncate(rp, size),
	    truncate(hp, size));
}

static void
op_unlink(struct ctx *c)
{
	char rel[64], rp[320], hp[320];

	random_file(rel, sizeof(rel));
	paths(c, rel, rp, hp, sizeof(rp));
	agree(c, "unlink", rel, rump_sys_unlink(rp), unlink(hp));
}

static void
op_rename(struct ctx *c)
{
	char a[64], b[64], ra[320], ha[320], rb[320], hb[320];
	struct stat sa, sb;

	random_file(a, sizeof(a));
	random_file(b, sizeof(b));
	paths(c, a, ra, ha, sizeof(ra));
	paths(c, b, rb, hb, sizeof(rb));
	/* two links of one file: BSD drops the source, Linux does
	 * nothing; skip that case */
	if (stat(ha, &sa) == 0 && stat(hb, &sb) == 0 && sa.st_ino == sb.st_ino)
		return;
	agree(c, "rename", a, rump_sys_rename(ra, rb), rename(ha, hb));
}

static void
op_link(struct ctx *c)
{
	char a[64], b[64], ra[320], ha[320], rb[320], hb[320];

	random_file(a, sizeof(a));
	random_file(b, sizeof(b));
	paths(c, a, ra, ha, sizeof(ra));
	paths(c, b, rb, hb, sizeof(rb));
	agree(c, "link", a, rump_sys_link(ra, rb), link(ha, hb));
}

static void
op_dir(struct ctx *c)
{
	static const char *const d[] = { "d0", "d1", "d0/e", "d1/x" };
	const char *rel = d[rnd(4)];
	char rp[320], hp[320];

	paths(c, rel, rp, hp, sizeof(rp));
	if (rnd(2))
		agree(c, "mkdir", rel, rump_sys_mkdir(rp, 0755), mkdir(hp, 0755));
	else
		agree(c, "rmdir", rel, rump_sys_rmdir(rp), rmdir(hp));
}

static void
op_random(struct ctx *c)
{
	switch (rnd(10)) {
	case 0:
	case 1:
	case 2:
	case 3:
		op_write(c);
		break;
	case 4:
		op_truncate(c);
		break;
	case 5:
		op_unlink(c);
		break;
	case 6:
	case 7:
		op_rename(c);
		break;
	case 8:
		op_link(c);
		break;
	default:
		op_dir(c);
		break;
	}
	c->ops++;
}

static void
run(const char *opts, int bsize, bool ufs2)
{
	struct ctx c;
	char src[300], mopts[256], *e = getenv("FFS_SEED");
	uint64_t seed = e != NULL ? strtoull(e, NULL, 0) :
	    (uint64_t)time(NULL) ^ (uint64_t)getpid();
	size_t nindir = (size_t)bsize / (ufs2 ? 8 : 4);

	memset(&c, 0, sizeof(c));
	printf("  %s: seed %llu\n", t_current, (unsigned long long)seed);
	rng = seed;
	/* offsets reach into the double indirect blocks */
	c.maxoff = (12 + nindir + 3) * (size_t)bsize;
	snprintf(c.image, sizeof(c.image), "%s/%s.img", ffs_tmpdir(),
	    t_current);
	snprintf(c.host, sizeof(c.host), "%s/%s.host", ffs_tmpdir(),
	    t_current);
	snprintf(src, sizeof(src), "%s/%s.src", ffs_tmpdir(), t_current);
	mkdir(src, 0755);
	mkdir(c.host, 0755);
	snprintf(mopts, sizeof(mopts), "-f 2000 %s", opts);
	if (ffs_makefs(mopts, "64m", c.image, src) != 0 ||
	    ffs_mount_flags(c.image, KEY, MNT, 0) != 0) {
		t_fail(__FILE__, __LINE__, "setup: %d", errno);
		return;
	}
	for (int round = 0; round < ROUNDS; round++) {
		for (int i = 0; i < OPS; i++)
			op_random(&c);
		CHECK_EQ(c.mismatches, 0);
		CHECK_EQ(ffs_compare_tree_meta(c.host, MNT, false), 0);
		ffs_unmount_image(KEY, MNT);
		CHECK_EQ(ffs_image_ok(c.image), 0);
		CHECK_OK(ffs_mount_flags(c.image, KEY, MNT, 0));
		CHECK_EQ(ffs_compare_tree_meta(c.host, MNT, false), 0);
		if (c.mismatches != 0)
			break;
	}
	ffs_unmount_image(KEY, MNT);
	CHECK_EQ(ffs_image_ok(c.image), 0);
	unlink(c.image);
}

TEST(random_ufs2_8k)
{
	run("-o version=2,bsize=8192,fsize=1024", 8192, true);
}

TEST(random_ufs1_4k_be)
{
	run("-o version=1,bsize=4096,fsize=512 -B be", 4096, false);
}

TEST(random_ufs2_64k_be)
{
	run("-o version=2,bsize=65536,fsize=8192 -B be", 65536, true);
}
