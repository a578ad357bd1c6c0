/*
 * fuzz_ffs_image: libFuzzer target for the kernel's FFS reader
 * (make fuzz; not part of make test).
 *
 * The kernel boots once, in process.  Each input is a disk image: its
 * bytes go to a host file that an etfs key presents as a block device
 * (registered and removed around every input, so no cached buffer of
 * one input is seen by the next), FFS is mounted read-only and the
 * whole tree is walked -- readdir, stat, every file read, every
 * symlink read -- then unmounted.  If the kernel mounts FFS read-write
 * the image is also mounted so and changed (a file made, written,
 * renamed, removed; a directory made and removed).  Whatever the
 * image holds, calls may fail (EIO, EFTYPE, EINVAL...) but the kernel
 * must not crash, hang, or touch the host file beyond the image.
 *
 * Seeds: fuzz/mk_ffs_seeds.sh makes small makefs images (UFS1/UFS2,
 * both byte orders) of a tree with every kind of file:
 *   make fuzz && sh fuzz/mk_ffs_seeds.sh build-fuzz/seeds_ffs
 *   build-fuzz/fuzz/fuzz_ffs_image -max_len=400000 build-fuzz/corpus_ffs \
 *       build-fuzz/seeds_ffs
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>
#include <rump/rump_types.h>

#define KEY	"/dev/fuzzffs"
#define MNT	"/mnt"
#define MAXDEPTH 8
#define MAXENTRIES 512		/* per directory */
#define MAXREAD	(256 * 1024)	/* per file */

static char imgpath[64];
static char iobuf[65536];

static void
cleanup(void)
{
	unlink(imgpath);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("RUMP_MEMLIMIT", "256m", 0);
	snprintf(imgpath, sizeof(imgpath), "/tmp/fuzz_ffs_%d.img",
	    (int)getpid());
	atexit(cleanup);
	if (rump_init() != 0) {
		fprintf(stderr, "fuzz_ffs_image: rump_init failed\n");
		exit(1);
	}
	rump_sys_mkdir(MNT, 0755);
	return 0;
}

static void
read_file(const char *path)
{
	int fd = rump_sys_open(path, RUMP_O_RDONLY, 0);
	long total = 0, n;

	if (fd == -1)
		return;
	while (total < MAXREAD &&
	    (n = rump_sys_read(fd, iobuf, sizeof(iobuf))) > 0)
		total += n;
	(void)rump_sys_pread(fd, iobuf, 100, 1LL << 32);	/* far out */
	rump_sys_close(fd);
}

/* The names in one getdents buffer; recurse into each. */
static void walk(const char *dir, int depth);

static void
visit(const char *dir, const char *name, size_t namlen, int depth)
{
	char path[1200];
	struct rump_stat st;

	if ((namlen == 1 && name[0] == '.') ||
	    (namlen == 2 && name[0] == '.' && name[1] == '.'))
		return;
	snprintf(path, sizeof(path), "%s/%.*s", dir, (int)namlen, name);
	if (rump_sys_lstat(path, (struct stat *)(void *)&st) != 0)
		return;
	switch (st.st_mode & 0170000) {
	case 0040000:
		walk(path, depth + 1);
		break;
	case 0120000:
		(void)rump_sys_readlink(path, iobuf, sizeof(iobuf));
		break;
	case 0100000:
		read_file(path);
		break;
	}
}

static void
walk(const char *dir, int depth)
{
	static char buf[8192];	/* names are copied out before recursing */
	int fd, seen = 0;
	long n;

	if (depth > MAXDEPTH || strlen(dir) > 900)
		return;
	if ((fd = rump_sys_open(dir, RUMP_O_RDONLY | RUMP_O_DIRECTORY, 0)) ==
	    -1)
		return;
	while (seen < MAXENTRIES &&
	    (n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
		char names[64][256];
		size_t lens[64];
		int k = 0;

		/* copy the names out first: the walk below reuses buf */
		for (long off = 0; off + 12 <= n && k < 64;) {
			uint16_t reclen, namlen;

			memcpy(&reclen, buf + off + 8, 2);
			memcpy(&namlen, buf + off + 10, 2);
			if (reclen == 0 || off + reclen > n || namlen > 255 ||
			    13 + (long)namlen > reclen)
				break;
			memcpy(names[k], buf + off + 13, namlen);
			lens[k++] = namlen;
			off += reclen;
		}
		for (int i = 0; i < k && seen < MAXENTRIES; i++, seen++)
			visit(dir, names[i], lens[i], depth);
	}
	rump_sys_close(fd);
}

/* On a read-write mount: make, write, rename and remove things. */
static void
change_tree(void)
{
	int fd = rump_sys_open(MNT "/fuzz.new", RUMP_O_CREAT | RUMP_O_RDWR,
	    0644);

	if (fd != -1) {
		memset(iobuf, 'f', 20000);
		(void)rump_sys_write(fd, iobuf, 20000);
		(void)rump_sys_ftruncate(fd, 5000);
		rump_sys_close(fd);
	}
	(void)rump_sys_rename(MNT "/fuzz.new", MNT "/fuzz.old");
	(void)rump_sys_mkdir(MNT "/fuzz.dir", 0755);
	(void)rump_sys_rmdir(MNT "/fuzz.dir");
	(void)rump_sys_unlink(MNT "/fuzz.old");
	(void)rump_sys_symlink("target", MNT "/fuzz.lnk");
}

static void
mount_and_walk(int flags)
{
	struct rump_ufs_args args = { .fspec = (char *)KEY };

	if (rump_sys_mount(RUMP_MOUNT_FFS, MNT, flags, &args,
	    sizeof(args)) != 0)
		return;
	walk(MNT, 0);
	if (!(flags & RUMP_MNT_RDONLY))
		change_tree();
	if (rump_sys_unmount(MNT, 0) != 0 &&
	    rump_sys_unmount(MNT, RUMP_MNT_FORCE) != 0) {
		fprintf(stderr, "fuzz_ffs_image: cannot unmount (%d)\n", errno);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = open(imgpath, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd == -1 || (size > 0 && write(fd, data, size) != (ssize_t)size)) {
		fprintf(stderr, "fuzz_ffs_image: %s: %s\n", imgpath,
		    strerror(errno));
		abort();
	}
	close(fd);
	if (rump_pub_etfs_register(KEY, imgpath, RUMP_ETFS_BLK) != 0)
		return 0;
	mount_and_walk(RUMP_MNT_RDONLY);
	mount_and_walk(0);
	if (rump_pub_etfs_remove(KEY) != 0) {
		fprintf(stderr, "fuzz_ffs_image: etfs_remove failed\n");
		abort();
	}
	return 0;
}
