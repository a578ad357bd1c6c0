/*
 * newfs.c: rump.newfs -- options, the disk, and what is printed; the
 * work is in mkfs.c.  With RUMP_SERVER set the special file is a
 * device in that rump kernel (normally a raw /dev/rX of rump_server
 * -d), otherwise, or with -F, a host file created or extended to -s.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tools/ffs/mkfs.h"

static void
usage(void)
{
	fprintf(stderr, "usage: rump.newfs [-Fn] [-B be|le] [-b block-size] "
	    "[-f frag-size] [-i bytes-per-inode] [-O 1|2] [-s size] "
	    "special\n");
	exit(1);
}

static void
die(const char *fmt, const char *arg)
{
	fprintf(stderr, "rump.newfs: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

/* A number with an optional unit; sizes default to 512-byte sectors. */
static int64_t
parse_num(const char *what, const char *s, int64_t unit, int64_t max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || v <= 0)
		die("bad %s", what);
	switch (tolower((unsigned char)*end)) {
	case '\0': break;
	case 's': unit = 512; end++; break;
	case 'b': unit = 1; end++; break;
	case 'k': unit = 1LL << 10; end++; break;
	case 'm': unit = 1LL << 20; end++; break;
	case 'g': unit = 1LL << 30; end++; break;
	case 't': unit = 1LL << 40; end++; break;
	default: die("bad %s", what);
	}
	if (*end != '\0' || v > max / unit)
		die("bad %s", what);
	return v * unit;
}

static void
print_fs(const char *special, const struct fs *fs)
{
	double mb = 1024.0 * 1024.0;

	printf("%s: %.1fMB (%lld sectors) block size %d, fragment size %d\n",
	    special, (double)fs->fs_size * fs->fs_fsize / mb,
	    (long long)(fs->fs_size * (fs->fs_fsize / DEV_BSIZE)),
	    fs->fs_bsize, fs->fs_fsize);
	printf("\tusing %d cylinder groups of %.2fMB, %d blks, %d inodes.\n",
	    fs->fs_ncg, (double)fs->fs_fpg * fs->fs_fsize / mb,
	    fs->fs_fpg / fs->fs_frag, fs->fs_ipg);
	printf("super-block backups (for fsck_ffs -b #) at:\n");
	for (int64_t c = 0; c < fs->fs_ncg; c++)
		printf("%lld%s", (long long)(cgsblock(fs, c) *
		    (fs->fs_fsize / DEV_BSIZE)),
		    c + 1 == fs->fs_ncg || c % 8 == 7 ? "\n" : ", ");
}

int
main(int argc, char **argv)
{
	struct mkfs_params p = { .version = 1 };
	struct ffs_dev d;
	struct fs fs;
	char err[256];
	bool nowrite = false, host = false;
	int64_t size = 0;
	int ch;

	while ((ch = getopt(argc, argv, "B:b:Ff:i:nO:s:")) != -1) {
		switch (ch) {
		case 'B':
			if (strcmp(optarg, "be") != 0 && strcmp(optarg, "le"))
				die("-B %s: byte order must be be or le",
				    optarg);
			p.swap = strcmp(optarg, __BYTE_ORDER__ ==
			    __ORDER_LITTLE_ENDIAN__ ? "be" : "le") == 0;
			break;
		case 'b':
			p.bsize = (int)parse_num("block size", optarg, 1,
			    MAXBSIZE);
			break;
		case 'F': host = true; break;
		case 'f':
			p.fsize = (int)parse_num("fragment size", optarg, 1,
			    MAXBSIZE);
			break;
		case 'i':
			p.density = parse_num("bytes per inode", optarg, 1,
			    1LL << 40);
			break;
		case 'n': nowrite = true; break;
		case 'O':
			if (strcmp(optarg, "1") != 0 && strcmp(optarg, "2") != 0)
				die("-O %s: format must be 1 or 2", optarg);
			p.version = optarg[0] - '0';
			break;
		case 's':
			size = parse_num("size", optarg, DEV_BSIZE, 1LL << 60);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	p.now = (int64_t)time(NULL);
	p.uid = (uint32_t)geteuid();
	p.gid = (uint32_t)getegid();
	srandom((unsigned)p.now ^ (unsigned)getpid());
	host = host || getenv("RUMP_SERVER") == NULL;
	if (nowrite && host && size > 0 && access(argv[optind], F_OK) != 0)
		d.size = (uint64_t)size;	/* nothing to open */
	else if (dev_open(&d, argv[optind], nowrite, host,
	    nowrite ? 0 : (uint64_t)size) != 0)
		die("%s", d.err);
	if (size > 0 && (uint64_t)size > d.size)
		die("%s: -s is larger than the disk", argv[optind]);
	p.bytes = size > 0 ? (uint64_t)size : d.size;
	if (mkfs_geometry(&p, &fs, err, sizeof(err)) != 0)
		die("%s", err);
	print_fs(argv[optind], &fs);
	if (nowrite)
		return 0;
	if (mkfs_write(&p, &fs, &d, err, sizeof(err)) != 0)
		die("%s", err);
	if (dev_close(&d) != 0)
		die("%s", d.err);
	return 0;
}
