/*
 * t_ffs_util.h: helpers for the FFS tests: a scratch directory on the
 * host, makefs images of host trees, mounting an image through etfs,
 * comparing a mounted tree with the host tree, and walking a tree
 * that may be corrupt.
 */
#ifndef TESTS_T_FFS_UTIL_H
#define TESTS_T_FFS_UTIL_H

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

#define MAKEFS	"/usr/sbin/makefs"

static char ffs_tmp[64];
static pid_t ffs_tmp_owner;	/* children that exit leave it alone */

__attribute__((unused)) static void
ffs_tmp_cleanup(void)
{
	char cmd[128];

	if (getpid() != ffs_tmp_owner)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", ffs_tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", ffs_tmp);
}

__attribute__((unused)) static const char *
ffs_tmpdir(void)
{
	if (ffs_tmp[0] == '\0') {
		snprintf(ffs_tmp, sizeof(ffs_tmp), "/tmp/t_ffs.XXXXXX");
		if (mkdtemp(ffs_tmp) == NULL)
			abort();
		ffs_tmp_owner = getpid();
		atexit(ffs_tmp_cleanup);
	}
	return ffs_tmp;
}

__attribute__((unused)) static uint8_t
ffs_pat(size_t off, unsigned seed)
{
	return (uint8_t)((off * 131 + seed * 7919 + (off >> 10)) % 251);
}

__attribute__((unused)) static int
ffs_host_file(const char *path, size_t size, unsigned seed)
{
	char *buf = malloc(size ? size : 1);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), rc = 0;

	for (size_t i = 0; i < size; i++)
		buf[i] = (char)ffs_pat(i, seed);
	if (fd == -1 || write(fd, buf, size) != (ssize_t)size)
		rc = -1;
	if (fd != -1)
		close(fd);
	free(buf);
	return rc;
}

/* Run fn (a kernel that dies with it, e.g. killed) in a child: its
 * exit status, or 128 + the signal; no core file. */
static __attribute__((unused)) int
ffs_child(void (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == 0) {
		struct rlimit nocore = { 0, 0 };

		setrlimit(RLIMIT_CORE, &nocore);
		fn();
		_exit(100);
	}
	if (pid == -1 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Write len pattern bytes (ffs_pat, seed) to path; fsync if sync. */
static __attribute__((unused)) int
ffs_write_file(const char *path, size_t len, unsigned seed, bool sync)
{
	char *buf = malloc(len);
	int fd, rc = -1;

	if (buf == NULL)
		return -1;
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)ffs_pat(i, seed);
	fd = rump_sys_open(path, RUMP_O_CREAT | RUMP_O_WRONLY | RUMP_O_TRUNC,
	    0644);
	if (fd != -1 && rump_sys_write(fd, buf, len) == (ssize_t)len &&
	    (!sync || rump_sys_fsync(fd) == 0))
		rc = 0;
	if (fd != -1)
		rump_sys_close(fd);
	free(buf);
	return rc;
}

__attribute__((unused)) static int
ffs_makefs(const char *opts, const char *size, const char *image,
    const char *dir)
{
	char cmd[1024];

	unlink(image);
	snprintf(cmd, sizeof(cmd), MAKEFS " -t ffs -s %s %s '%s' '%s' "
	    ">/dev/null 2>&1", size, opts, image, dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Register image as block device key and mount it read-only at mnt. */
__attribute__((unused)) static int
ffs_mount_image(const char *image, const char *key, const char *mnt)
{
	struct rump_ufs_args args = { .fspec = (char *)key };
	int e;

	if ((e = rump_pub_etfs_register(key, image, RUMP_ETFS_BLK)) != 0) {
		errno = e;
		return -1;
	}
	rump_sys_mkdir(mnt, 0755);
	if (rump_sys_mount("ffs", mnt, RUMP_MNT_RDONLY, &args,
	    sizeof(args)) == -1) {
		e = errno;
		rump_pub_etfs_remove(key);
		errno = e;
		return -1;
	}
	return 0;
}

__attribute__((unused)) static void
ffs_unmount_image(const char *key, const char *mnt)
{
	if (rump_sys_unmount(mnt, 0) == -1)
		t_fail(__FILE__, __LINE__, "unmount %s: %d", mnt, errno);
	if (rump_pub_etfs_remove(key) != 0)
		t_fail(__FILE__, __LINE__, "etfs_remove %s", key);
}

/* The head of a getdents record. */
struct ffs_drec {
	uint64_t d_fileno;
	uint16_t d_reclen;
	uint16_t d_namlen;
	uint8_t	d_type;
	char	d_name[];
};

__attribute__((unused)) static int
ffs_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct ffs_names {
	char	**v;
	size_t	n, cap;
};

__attribute__((unused)) static void
ffs_names_add(struct ffs_names *nm, const char *name, size_t len)
{
	if (nm->n == nm->cap) {
		nm->cap = nm->cap ? 2 * nm->cap : 64;
		nm->v = realloc(nm->v, nm->cap * sizeof(char *));
	}
	nm->v[nm->n++] = strndup(name, len);
}

__attribute__((unused)) static void
ffs_names_free(struct ffs_names *nm)
{
	for (size_t i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
}

/* Names in a rump directory (without "." and ".."); -1 on error. */
__attribute__((unused)) static int
ffs_rump_names(const char *path, struct ffs_names *nm, size_t bufsize)
{
	char *buf = malloc(bufsize);
	int fd = rump_sys_open(path, RUMP_O_RDONLY | RUMP_O_DIRECTORY, 0);
	long n = -1;
	int dots = 0;

	if (fd == -1) {
		free(buf);
		return -1;
	}
	while ((n = rump_sys_getdents(fd, buf, bufsize)) > 0) {
		for (long off = 0; off < n;) {
			const struct ffs_drec *d = (const void *)(buf + off);

			if (d->d_reclen == 0)
				break;
			if ((d->d_namlen == 1 && d->d_name[0] == '.') ||
			    (d->d_namlen == 2 && d->d_name[0] == '.' &&
			    d->d_name[1] == '.'))
				dots++;
			else
				ffs_names_add(nm, d->d_name, d->d_namlen);
			off += d->d_reclen;
		}
	}
	rump_sys_close(fd);
	free(buf);
	return n == 0 && dots == 2 ? 0 : -1;
}

__attribute__((unused)) static int
ffs_host_names(const char *path, struct ffs_names *nm)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			ffs_names_add(nm, de->d_name, strlen(de->d_name));
	closedir(d);
	return 0;
}

#define FFS_ERR(...) do {						\
	fprintf(stderr, "  mismatch: " __VA_ARGS__);			\
	fputc('\n', stderr);						\
	errors++;							\
} while (0)

/* Compare a regular file's bytes. */
__attribute__((unused)) static int
ffs_compare_data(const char *host, const char *rpath, off_t size)
{
	int hfd = open(host, O_RDONLY), rfd, errors = 0;
	size_t chunk = 70000;	/* not a block multiple */
	char *hb = malloc(chunk), *rb = malloc(chunk);
	off_t off = 0;

	rfd = rump_sys_open(rpath, RUMP_O_RDONLY, 0);
	if (hfd == -1 || rfd == -1)
		FFS_ERR("%s: open", rpath);
	while (errors == 0) {
		ssize_t hn = read(hfd, hb, chunk);
		ssize_t rn = rump_sys_read(rfd, rb, chunk);

		if (hn != rn) {
			FFS_ERR("%s: read at %lld: %zd vs %zd (errno %d)",
			    rpath, (long long)off, hn, rn, errno);
			break;
		}
		if (hn <= 0)
			break;
		if (memcmp(hb, rb, (size_t)hn) != 0)
			FFS_ERR("%s: bytes differ at %lld", rpath,
			    (long long)off);
		off += hn;
	}
	if (errors == 0 && off != size)
		FFS_ERR("%s: read %lld of %lld", rpath, (long long)off,
		    (long long)size);
	/* a read at an offset inside a block */
	if (errors == 0 && size > 16) {
		char a[7], b[7];

		if (pread(hfd, a, 7, size / 2) != 7 ||
		    rump_sys_pread(rfd, b, 7, size / 2) != 7 ||
		    memcmp(a, b, 7) != 0)
			FFS_ERR("%s: pread", rpath);
	}
	if (hfd != -1)
		close(hfd);
	if (rfd != -1)
		rump_sys_close(rfd);
	free(hb);
	free(rb);
	return errors;
}

/* Compare the mounted tree at rpath with the host tree at host; meta:
 * also modes, owners and mtimes (makefs copies them). */
__attribute__((unused)) static int
ffs_compare_tree_meta(const char *host, const char *rpath, bool meta)
{
	struct ffs_names hn = { 0 }, rn = { 0 };
	int errors = 0;

	if (ffs_host_names(host, &hn) != 0 ||
	    ffs_rump_names(rpath, &rn, 4096) != 0) {
		FFS_ERR("%s: cannot list (errno %d)", rpath, errno);
		goto out;
	}
	if (hn.n > 1)
		qsort(hn.v, hn.n, sizeof(char *), ffs_strcmp);
	if (rn.n > 1)
		qsort(rn.v, rn.n, sizeof(char *), ffs_strcmp);
	if (hn.n != rn.n) {
		FFS_ERR("%s: %zu entries vs %zu", rpath, rn.n, hn.n);
		goto out;
	}
	for (size_t i = 0; i < hn.n; i++) {
		char hp[1024], rp[1024];
		struct stat hs;
		struct rump_stat rs;

		if (strcmp(hn.v[i], rn.v[i]) != 0) {
			FFS_ERR("%s: name %s vs %s", rpath, rn.v[i], hn.v[i]);
			break;
		}
		snprintf(hp, sizeof(hp), "%s/%s", host, hn.v[i]);
		snprintf(rp, sizeof(rp), "%s/%s", rpath, rn.v[i]);
		if (lstat(hp, &hs) != 0 ||
		    rump_sys_lstat(rp, (struct stat *)(void *)&rs) != 0) {
			FFS_ERR("%s: lstat (errno %d)", rp, errno);
			continue;
		}
		if (meta ? rs.st_mode != hs.st_mode :
		    (rs.st_mode & 0170000) != (hs.st_mode & 0170000))
			FFS_ERR("%s: mode %o vs %o", rp, rs.st_mode,
			    hs.st_mode);
		if (rs.st_nlink != hs.st_nlink)
			FFS_ERR("%s: nlink %u vs %u", rp, rs.st_nlink,
			    (unsigned)hs.st_nlink);
		if (meta && (rs.st_uid != hs.st_uid || rs.st_gid != hs.st_gid))
			FFS_ERR("%s: owner", rp);
		if (!S_ISDIR(hs.st_mode) && rs.st_size != hs.st_size)
			FFS_ERR("%s: size %lld vs %lld", rp,
			    (long long)rs.st_size, (long long)hs.st_size);
		if (meta && rs.st_mtim.tv_sec != hs.st_mtim.tv_sec)
			FFS_ERR("%s: mtime", rp);
		if (S_ISREG(hs.st_mode))
			errors += ffs_compare_data(hp, rp, hs.st_size);
		else if (S_ISLNK(hs.st_mode)) {
			char ht[1024], rt[1024];
			ssize_t hl = readlink(hp, ht, sizeof(ht));
			ssize_t rl = rump_sys_readlink(rp, rt, sizeof(rt));

			if (hl != rl || hl < 0 || memcmp(ht, rt, (size_t)hl))
				FFS_ERR("%s: link target (%zd vs %zd)", rp,
				    rl, hl);
		} else if (S_ISDIR(hs.st_mode))
			errors += ffs_compare_tree_meta(hp, rp, meta);
	}
out:
	ffs_names_free(&hn);
	ffs_names_free(&rn);
	return errors;
}

__attribute__((unused)) static int
ffs_compare_tree(const char *host, const char *rpath)
{
	return ffs_compare_tree_meta(host, rpath, true);
}

/* Walk whatever is readable under rpath; errors are expected. */
__attribute__((unused)) static void
ffs_walk(const char *rpath, int depth)
{
	struct ffs_names rn = { 0 };
	static char buf[65536];

	if (depth > 6)
		return;
	(void)ffs_rump_names(rpath, &rn, 1024);
	for (size_t i = 0; i < rn.n && i < 64; i++) {
		char rp[1024];
		struct rump_stat rs;
		int fd;

		snprintf(rp, sizeof(rp), "%s/%s", rpath, rn.v[i]);
		if (rump_sys_lstat(rp, (struct stat *)(void *)&rs) != 0)
			continue;
		if ((rs.st_mode & 0170000) == 0040000)
			ffs_walk(rp, depth + 1);
		else if ((rs.st_mode & 0170000) == 0120000)
			(void)rump_sys_readlink(rp, buf, sizeof(buf));
		else if ((rs.st_mode & 0170000) == 0100000 &&
		    (fd = rump_sys_open(rp, RUMP_O_RDONLY, 0)) != -1) {
			for (int n = 0; n < 16 &&
			    rump_sys_read(fd, buf, sizeof(buf)) > 0; n++)
				continue;
			rump_sys_close(fd);
		}
	}
	ffs_names_free(&rn);
}

/* Superblock fields read straight from a little-endian makefs image
 * (the superblock is at 8192 for both formats). */
struct ffs_sbinfo {
	int64_t	dsize, nbfree, nifree, nffree;
	int32_t	ncg, ipg, iblkno, fsize, bsize, fpg, inopb, frag;
};

__attribute__((unused)) static int
ffs_read_sbinfo(const char *image, struct ffs_sbinfo *sb)
{
	unsigned char b[1376];
	int fd = open(image, O_RDONLY);
	bool ok = fd != -1 && pread(fd, b, sizeof(b), 8192) == sizeof(b);

	if (fd != -1)
		close(fd);
	if (!ok)
		return -1;
#define LE32(o)	((int32_t)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | \
	(uint32_t)b[o + 3] << 24))
#define LE64(o)	((int64_t)((uint64_t)(uint32_t)LE32(o) | \
	(uint64_t)(uint32_t)LE32(o + 4) << 32))
	sb->ncg = LE32(44);
	sb->bsize = LE32(48);
	sb->fsize = LE32(52);
	sb->iblkno = LE32(16);
	sb->ipg = LE32(184);
	sb->fpg = LE32(188);
	sb->inopb = LE32(120);
	sb->frag = LE32(56);
	sb->nbfree = LE64(1016);
	sb->nifree = LE64(1024);
	sb->nffree = LE64(1032);
	sb->dsize = LE64(1088);
#undef LE32
#undef LE64
	return 0;
}


/* --- read-write helpers ------------------------------------------------ */

/* Register image as block device key and mount it at mnt with flags. */
__attribute__((unused)) static int
ffs_mount_flags(const char *image, const char *key, const char *mnt,
    int flags)
{
	struct rump_ufs_args args = { .fspec = (char *)key };
	int e;

	if ((e = rump_pub_etfs_register(key, image, RUMP_ETFS_BLK)) != 0) {
		errno = e;
		return -1;
	}
	rump_sys_mkdir(mnt, 0755);
	if (rump_sys_mount("ffs", mnt, flags, &args, sizeof(args)) == -1) {
		e = errno;
		rump_pub_etfs_remove(key);
		errno = e;
		return -1;
	}
	return 0;
}

/* The checker built beside the tests (build/bin/rump.fsck_ffs). */
__attribute__((unused)) static const char *
ffs_fsck_path(void)
{
	static char path[1100];
	char exe[1024];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return NULL;
	*slash = '\0';
	snprintf(path, sizeof(path), "%s/../bin/rump.fsck_ffs", exe);
	return access(path, X_OK) == 0 ? path : NULL;
}

/*
 * Run rump.fsck_ffs -n on image: 0 if it finds the file system
 * consistent (and, with want_clean, marked clean).  Without the
 * checker, 0 (the tests' own image checks still run).
 */
__attribute__((unused)) static int
ffs_fsck(const char *image, bool want_clean)
{
	const char *fsck = ffs_fsck_path();
	char cmd[2400], out[16384];
	size_t len = 0, n;
	FILE *p;
	int rc;

	if (fsck == NULL)
		return 0;
	snprintf(cmd, sizeof(cmd), "env -u RUMP_SERVER '%s' -n '%s' 2>&1",
	    fsck, image);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (len < sizeof(out) - 1 &&
	    (n = fread(out + len, 1, sizeof(out) - 1 - len, p)) > 0)
		len += n;
	out[len] = '\0';
	rc = pclose(p);
	if (rc == 0 && (!want_clean || strstr(out, "already clean") != NULL))
		return 0;
	fprintf(stderr, "  fsck of %s (status %d):\n%s", image, rc, out);
	return -1;
}

/* What our own reading of an image's metadata found. */
struct ffs_imgcheck {
	int	clean;		/* fs_clean */
	int	swapped;
	int64_t	ndir, nbfree, nifree, nffree;	/* recounted from the maps */
};

__attribute__((unused)) static uint64_t
ffs_img_get(const unsigned char *p, int size, int swapped)
{
	uint64_t v = 0;

	for (int i = 0; i < size; i++)
		v |= (uint64_t)p[swapped ? size - 1 - i : i] << (8 * i);
	return v;
}

/*
 * Check an image by its bytes, offsets from spec sections 3, 8 and 9:
 * for every cg, recount free blocks, free frags in partial blocks and
 * used inodes from its maps, and compare with cg_cs, the summary
 * array and fs_cstotal.  -1 (with a message) on any disagreement.
 */
__attribute__((unused)) static int
ffs_image_check(const char *image, struct ffs_imgcheck *ic)
{
	static const long locs[] = { 65536, 8192, 0, 262144 };
	unsigned char sb[1376], *cg = NULL, *cs = NULL;
	int fd = open(image, O_RDONLY), errors = 0, sw = -1;
	long loc = 0;

	memset(ic, 0, sizeof(*ic));
	for (size_t i = 0; fd != -1 && i < 4 && sw < 0; i++) {
		if (pread(fd, sb, sizeof(sb), locs[i]) != sizeof(sb))
			continue;
		for (int s = 0; s < 2; s++) {
			uint64_t m = ffs_img_get(sb + 1372, 4, s);

			if ((m == 0x19540119 || m == 0x00011954) &&
			    (int64_t)ffs_img_get(sb + 1000, 8, s) == locs[i]) {
				sw = s;
				loc = locs[i];
			}
		}
	}
	if (sw < 0) {
		fprintf(stderr, "  %s: no superblock\n", image);
		if (fd != -1)
			close(fd);
		return -1;
	}
	(void)loc;
#define G(p, o, n)	((int64_t)(int32_t)ffs_img_get((p) + (o), (n), sw))
#define G64(p, o)	((int64_t)ffs_img_get((p) + (o), 8, sw))
	int64_t ncg = G(sb, 44, 4), fsize = G(sb, 52, 4), frag = G(sb, 56, 4);
	int64_t ipg = G(sb, 184, 4), fpg = G(sb, 188, 4), cblkno = G(sb, 12, 4);
	int64_t cgsize = G(sb, 160, 4), size = G64(sb, 1080);
	int64_t csaddr = G64(sb, 1096), cssize = G(sb, 156, 4);
	int64_t tot[4] = { 0, 0, 0, 0 };

	ic->clean = sb[209];
	ic->swapped = sw;
	cg = malloc((size_t)cgsize);
	cs = malloc((size_t)cssize);
	if (pread(fd, cs, (size_t)cssize, csaddr * fsize) != cssize)
		errors++;
	for (int64_t c = 0; c < ncg && errors == 0; c++) {
		int64_t ndblk = fpg < size - c * fpg ? fpg : size - c * fpg;
		int64_t nb = 0, nf = 0, ni = 0, nd;
		const unsigned char *fmap, *imap;

		if (pread(fd, cg, (size_t)cgsize, (c * fpg + cblkno) * fsize) !=
		    cgsize) {
			errors++;
			break;
		}
		imap = cg + G(cg, 92, 4);
		fmap = cg + G(cg, 96, 4);
		for (int64_t b = 0; b + frag <= ndblk; b += frag) {
			int64_t f = 0;

			for (int64_t k = 0; k < frag; k++)
				f += (fmap[(b + k) / 8] >> ((b + k) % 8)) & 1;
			if (f == frag)
				nb++;
			else
				nf += f;
		}
		for (int64_t b = ndblk - ndblk % frag; b < ndblk; b++)
			nf += (fmap[b / 8] >> (b % 8)) & 1;
		for (int64_t k = 0; k < ipg; k++)
			ni += (imap[k / 8] >> (k % 8)) & 1;
		nd = G(cg, 24, 4);
		if (G(cg, 28, 4) != nb || G(cg, 36, 4) != nf ||
		    G(cg, 32, 4) != ipg - ni) {
			fprintf(stderr, "  cg %lld: cs nbfree %lld nffree %lld "
			    "nifree %lld, maps say %lld %lld %lld\n",
			    (long long)c, (long long)G(cg, 28, 4),
			    (long long)G(cg, 36, 4), (long long)G(cg, 32, 4),
			    (long long)nb, (long long)nf, (long long)(ipg - ni));
			errors++;
		}
		if (G(cs, 16 * c, 4) != nd || G(cs, 16 * c + 4, 4) != nb ||
		    G(cs, 16 * c + 8, 4) != ipg - ni ||
		    G(cs, 16 * c + 12, 4) != nf) {
			fprintf(stderr, "  cg %lld: summary array differs\n",
			    (long long)c);
			errors++;
		}
		tot[0] += nd;
		tot[1] += nb;
		tot[2] += ipg - ni;
		tot[3] += nf;
	}
	if (errors == 0 && (G64(sb, 1008) != tot[0] || G64(sb, 1016) !=
	    tot[1] || G64(sb, 1024) != tot[2] || G64(sb, 1032) != tot[3])) {
		fprintf(stderr, "  fs_cstotal %lld %lld %lld %lld, cgs say "
		    "%lld %lld %lld %lld\n", (long long)G64(sb, 1008),
		    (long long)G64(sb, 1016), (long long)G64(sb, 1024),
		    (long long)G64(sb, 1032), (long long)tot[0],
		    (long long)tot[1], (long long)tot[2], (long long)tot[3]);
		errors++;
	}
#undef G
#undef G64
	ic->ndir = tot[0];
	ic->nbfree = tot[1];
	ic->nifree = tot[2];
	ic->nffree = tot[3];
	free(cg);
	free(cs);
	close(fd);
	return errors == 0 ? 0 : -1;
}

/* After an orderly unmount: our check, clean flag 1, fsck clean. */
__attribute__((unused)) static int
ffs_image_ok(const char *image)
{
	struct ffs_imgcheck ic;
	int rc = 0;

	if (ffs_image_check(image, &ic) != 0)
		rc = -1;
	if (ic.clean != 1) {
		fprintf(stderr, "  %s: fs_clean %d after unmount\n", image,
		    ic.clean);
		rc = -1;
	}
	if (ffs_fsck(image, true) != 0)
		rc = -1;
	return rc;
}

#endif
