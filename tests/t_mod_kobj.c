/*
 * t_mod_kobj: the kernel's object linker (kern/kobj.c) fed random
 * damage.  Module files cross a trust boundary, so every field is
 * checked before use: with any bytes changed anywhere, linking either
 * works or fails with ENOEXEC (ENOMEM for absurd sizes), never reads or
 * writes outside what it was given or allocated (run it under SAN=1),
 * and gives back every byte.  No module code runs here: the test calls
 * the linker directly, both phases, and unloads.
 *
 * The seed is printed; T_SEED=n repeats a run.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "t.h"
#include "t_mod_util.h"

/* kern/kobj.h, declared here: the kernel's headers use NetBSD's errno
 * numbers, which clash with the host's. */
struct kobj;
typedef void *(*kobj_resolve_fn)(const char *, void *);
int	kobj_load(const void *, size_t, struct kobj **, char *, size_t);
int	kobj_affix(struct kobj *, kobj_resolve_fn, void *, char *, size_t);
void	kobj_unload(struct kobj *);
void	*kobj_kernel_sym(const char *);

#define MIN(a, b)	((a) < (b) ? (a) : (b))

static unsigned char *
read_host(const char *path, size_t *lenp)
{
	struct stat st;
	unsigned char *buf;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) != 0)
		return NULL;
	buf = malloc((size_t)st.st_size);
	if (buf == NULL || read(fd, buf, (size_t)st.st_size) != st.st_size) {
		free(buf);
		close(fd);
		return NULL;
	}
	close(fd);
	*lenp = (size_t)st.st_size;
	return buf;
}

static void *
resolve_kernel(const char *name, void *arg)
{
	(void)arg;
	return kobj_kernel_sym(name);
}

/* Both phases; the error, or 0 (then unloaded). */
static int
link_image(const unsigned char *img, size_t len)
{
	struct kobj *ko;
	char why[160];
	int error;

	rump_schedule();
	if ((error = kobj_load(img, len, &ko, why, sizeof(why))) == 0) {
		error = kobj_affix(ko, resolve_kernel, NULL, why, sizeof(why));
		kobj_unload(ko);
	}
	rump_unschedule();
	return error;
}

static unsigned
seed_get(void)
{
	const char *s = getenv("T_SEED");

	return s != NULL ? (unsigned)strtoul(s, NULL, 0) :
	    (unsigned)time(NULL) ^ (unsigned)getpid();
}

static void
fuzz_module(const char *name, int rounds)
{
	char host[PATH_MAX];
	unsigned char *good, *img;
	size_t len;
	unsigned seed = seed_get();
	uint64_t k0;
	int linked = 0, refused = 0, odd = 0, leaks = 0;

	t_fsmod_path(host, sizeof(host), name);
	CHECK((good = read_host(host, &len)) != NULL);
	if (good == NULL)
		return;
	img = malloc(len);
	CHECK_EQ(link_image(good, len), 0);	/* undamaged: links */
	k0 = kmem_inuse();
	srandom(seed);
	for (int r = 0; r < rounds; r++) {
		int n = 1 + (int)(random() % 8), error;

		memcpy(img, good, len);
		for (int i = 0; i < n; i++) {
			size_t at = (size_t)random() % len;

			/* half the time a byte, else a whole 0xff run */
			if (random() & 1)
				img[at] = (unsigned char)random();
			else
				memset(img + at, 0xff, MIN(len - at, 4));
		}
		error = link_image(img, len);
		if (error == 0)
			linked++;
		else if (error == RUMP_ENOEXEC || error == RUMP_ENOMEM)
			refused++;
		else
			odd++;
		if (kmem_inuse() != k0)
			leaks++;
		k0 = kmem_inuse();
	}
	printf("  %s, seed %u: %d rounds, %d linked, %d refused\n", name, seed,
	    rounds, linked, refused);
	CHECK_EQ(odd, 0);
	CHECK_EQ(leaks, 0);
	CHECK(refused > 0);
	free(img);
	free(good);
}

TEST(random_damage_tmpfs)
{
	fuzz_module("tmpfs", 3000);
}

TEST(random_damage_ffs)
{
	fuzz_module("ffs", 1000);
}

/* Every truncation of a small module, through both phases. */
TEST(every_truncation)
{
	char host[PATH_MAX];
	unsigned char *good;
	size_t len;
	uint64_t k0;
	int bad = 0;

	t_tmod_path(host, sizeof(host), "t_moda");
	CHECK((good = read_host(host, &len)) != NULL);
	if (good == NULL)
		return;
	k0 = kmem_inuse();
	for (size_t l = 0; l < len; l++)
		bad += link_image(good, l) != RUMP_ENOEXEC;
	CHECK_EQ(bad, 0);
	CHECK_EQ(kmem_inuse(), k0);
	CHECK_EQ(link_image(good, len), 0);
	free(good);
}
