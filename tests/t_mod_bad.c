/*
 * t_mod_bad: modules that must not load, and modctl's argument checks.
 * Every refused load must leave the kernel as it was: no module
 * listed, kernel memory back to its count before the attempt.
 *
 * The modules are the tests/kmod sources (built by mk/modules.mk); corrupt
 * images are made here from a good one (tmpfs.kmod), with the host's
 * <elf.h> to find the fields to damage.
 */
#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "t.h"
#include "t_mod_util.h"

#define EPROGMISMATCH_NB	RUMP_EPROGMISMATCH

static size_t
count_modules(void)
{
	struct rump_modstat *ms;
	size_t n = 0;

	if ((ms = t_modstat_all(&n)) != NULL)
		free(ms);
	return n;
}

/*
 * Load test module `name` by path; expect error `want`, nothing listed.
 * Twice: the second attempt must leave kernel memory exactly where it
 * was (the first may leave lookup caches behind, as any file access).
 */
static void
check_refused(const char *name, int want)
{
	char host[PATH_MAX];
	size_t n0 = count_modules();
	struct rump_modstat ms;
	uint64_t k0;

	t_tmod_path(host, sizeof(host), name);
	CHECK_ERR(t_modload_host("/bad.kmod", host), want);
	k0 = kmem_inuse();
	CHECK_ERR(t_modload_host("/bad.kmod", host), want);
	CHECK(!t_modstat_find(name, &ms));
	CHECK_EQ(count_modules(), n0);
	CHECK_EQ(kmem_inuse(), k0);
}

/* The module directory, for loads by name (dependencies). */
static void
map_testmods(void)
{
	char host[PATH_MAX];

	t_tmod_path(host, sizeof(host), "x");
	*strrchr(host, '/') = '\0';
	*strrchr(host, '/') = '\0';
	CHECK_EQ(rump_pub_etfs_register(T_MODBASE, host,
	    RUMP_ETFS_DIR_SUBDIRS), 0);
}

TEST(init_fails)
{
	check_refused("t_modfail", RUMP_EIO);
}

TEST(unresolved_symbol)
{
	check_refused("t_modundef", RUMP_ENOEXEC);
}

TEST(host_symbol_is_not_kernel)
{
	check_refused("t_modhost", RUMP_ENOEXEC);
}

TEST(constructor_refused)
{
	check_refused("t_modctor", RUMP_ENOEXEC);
}

TEST(no_module_info)
{
	check_refused("t_modnoinfo", RUMP_ENOEXEC);
}

TEST(name_too_long)
{
	check_refused("t_modname", RUMP_EINVAL);
}

TEST(version_mismatch_unless_forced)
{
	char host[PATH_MAX];
	struct rump_modstat ms;

	check_refused("t_modver", EPROGMISMATCH_NB);
	t_tmod_path(host, sizeof(host), "t_modver");
	CHECK_EQ(rump_pub_etfs_register("/v.kmod", host, RUMP_ETFS_REG), 0);
	CHECK_OK(t_modload("/v.kmod", RUMP_MODCTL_LOAD_FORCE, NULL));
	CHECK(t_modstat_find("t_modver", &ms));
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "t_modver"));
	CHECK_EQ(rump_pub_etfs_remove("/v.kmod"), 0);
}

TEST(missing_dependency)
{
	map_testmods();
	check_refused("t_moddep", RUMP_ENOENT);
	CHECK_EQ(rump_pub_etfs_remove(T_MODBASE), 0);
}

TEST(circular_dependency)
{
	size_t n0 = count_modules();
	uint64_t k0;

	map_testmods();
	CHECK_ERR(t_modload("t_modcyca", 0, NULL), RUMP_EDEADLK);
	k0 = kmem_inuse();
	CHECK_ERR(t_modload("t_modcyca", 0, NULL), RUMP_EDEADLK);
	CHECK_EQ(count_modules(), n0);
	CHECK_EQ(kmem_inuse(), k0);
	CHECK_EQ(rump_pub_etfs_remove(T_MODBASE), 0);
}

/* A chain that works: t_modb requires t_moda and calls into it (its
 * INIT checks the values t_moda's code computes). */
TEST(dependency_loaded_and_held)
{
	struct rump_modstat ms;

	map_testmods();
	CHECK_OK(t_modload("t_modb", 0, NULL));
	CHECK(t_modstat_find("t_moda", &ms));
	CHECK_EQ(ms.ms_refcnt, 1);
	CHECK(t_modstat_find("t_modb", &ms));
	CHECK_STR(ms.ms_required, "t_moda");
	CHECK_EQ(ms.ms_refcnt, 0);
	CHECK_ERR(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "t_moda"), RUMP_EBUSY);
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "t_modb"));
	CHECK(t_modstat_find("t_moda", &ms));
	CHECK_EQ(ms.ms_refcnt, 0);
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "t_moda"));
	CHECK_EQ(rump_pub_etfs_remove(T_MODBASE), 0);
}

/* Position-independent code: calls through stubs, data through the
 * GOT (t_modpic's INIT checks what it reached). */
TEST(pic_module_links)
{
	char host[PATH_MAX];
	struct rump_modstat ms;

	t_tmod_path(host, sizeof(host), "t_modpic");
	CHECK_OK(t_modload_host("/pic.kmod", host));
	CHECK(t_modstat_find("t_modpic", &ms));
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "t_modpic"));
}

/* The bytes come through the kernel's file system: a module written
 * into a file of the kernel's own root file system (no host file
 * behind it) loads from there. */
TEST(loads_from_kernel_file)
{
	char host[PATH_MAX];
	static char img[1 << 16];
	struct rump_modstat ms;
	FILE *f;
	size_t n;

	t_tmod_path(host, sizeof(host), "t_moda");
	CHECK((f = fopen(host, "r")) != NULL);
	if (f == NULL)
		return;
	n = fread(img, 1, sizeof(img), f);
	fclose(f);
	CHECK(n > 0 && n < sizeof(img));
	CHECK_OK(t_write_file("a.kmod", img, n));
	CHECK_OK(t_modload("./a.kmod", 0, NULL));
	CHECK(t_modstat_find("t_moda", &ms));
	CHECK_EQ(ms.ms_source, RUMP_MODULE_SOURCE_FILESYS);
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "t_moda"));
	/* one byte short is no module */
	CHECK_OK(t_write_file("short.kmod", img, n - 1));
	CHECK_ERR(t_modload("./short.kmod", 0, NULL), RUMP_ENOEXEC);
}

/* A module's INIT or FINI calling back into the module code. */
TEST(reentry_is_edeadlk)
{
	char host[PATH_MAX];

	t_tmod_path(host, sizeof(host), "t_modreent");
	CHECK_OK(t_modload_host("/re.kmod", host));
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "t_modreent"));
}

TEST(properties_reach_init)
{
	char host[PATH_MAX];
	const char *good = "<?xml version=\"1.0\"?><plist version=\"1.0\">"
	    "<dict><key>magic</key><true/></dict></plist>";
	char big[5000];

	t_tmod_path(host, sizeof(host), "t_modprop");
	CHECK_EQ(rump_pub_etfs_register("/p.kmod", host, RUMP_ETFS_REG), 0);
	CHECK_ERR(t_modload("/p.kmod", 0, NULL), RUMP_EINVAL);
	CHECK_ERR(t_modload("/p.kmod", 0, "<dict></dict>"), RUMP_EINVAL);
	CHECK_ERR(t_modload("/p.kmod", 0, "not a plist"), RUMP_EINVAL);
	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_ERR(t_modload("/p.kmod", 0, big), RUMP_ENOMEM);
	{
		struct rump_modctl_load ml = { "/p.kmod", 0, NULL, 5 };

		CHECK_ERR(rump_sys_modctl(RUMP_MODCTL_LOAD, &ml), RUMP_EINVAL);
	}
	CHECK_OK(t_modload("/p.kmod", 0, good));
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "t_modprop"));
	CHECK_EQ(rump_pub_etfs_remove("/p.kmod"), 0);
}

static void
load_not_modules(void)
{
	CHECK_ERR(t_modload("text", 0, NULL), RUMP_ENOENT); /* a name */
	CHECK_ERR(t_modload("./text", 0, NULL), RUMP_ENOEXEC);
	CHECK_ERR(t_modload("./empty", 0, NULL), RUMP_ENOEXEC);
	CHECK_ERR(t_modload("./dir", 0, NULL), RUMP_EISDIR);
	CHECK_ERR(t_modload("./missing.kmod", 0, NULL), RUMP_ENOENT);
	CHECK_ERR(t_modload("/dev/null", 0, NULL), RUMP_EFTYPE);
	CHECK_ERR(t_modload("", 0, NULL), RUMP_ENOENT);
}

TEST(not_a_module_file)
{
	uint64_t k0;

	CHECK_OK(t_write_file("text", "#!/bin/sh\n", 10));
	CHECK_OK(t_write_file("empty", "", 0));
	CHECK_OK(rump_sys_mkdir("dir", 0755));
	load_not_modules();
	k0 = kmem_inuse();
	load_not_modules();
	CHECK_EQ(kmem_inuse(), k0);
}

/* --- damaged images ------------------------------------------------------ */

static unsigned char *good_img;
static size_t good_len;

static void
read_good(void)
{
	char host[PATH_MAX];
	struct stat st;
	int fd;

	if (good_img != NULL)
		return;
	t_fsmod_path(host, sizeof(host), "tmpfs");
	if ((fd = open(host, O_RDONLY)) == -1 || fstat(fd, &st) != 0)
		return;
	good_len = (size_t)st.st_size;
	good_img = malloc(good_len);
	if (read(fd, good_img, good_len) != (ssize_t)good_len)
		good_len = 0;
	close(fd);
}

/* Load img through a host file; expect `want`; kernel unchanged. */
static int
load_image(const unsigned char *img, size_t len, int want, const char *what)
{
	char host[64];
	size_t n0 = count_modules();
	uint64_t k0 = kmem_inuse();
	FILE *f;
	int rv, err, ok = 1;

	snprintf(host, sizeof(host), "/tmp/t_mod_bad.%d", (int)getpid());
	if ((f = fopen(host, "w")) == NULL)
		return 0;
	fwrite(img, 1, len, f);
	fclose(f);
	rv = t_modload_host("/img.kmod", host);
	err = errno;
	unlink(host);
	if (rv != -1 || err != want) {
		t_fail(__FILE__, __LINE__, "%s: want error %d, got %d errno %d",
		    what, want, rv, err);
		ok = 0;
		if (rv == 0)
			rump_sys_modctl(RUMP_MODCTL_UNLOAD, "tmpfs");
	}
	if (count_modules() != n0 || kmem_inuse() != k0) {
		t_fail(__FILE__, __LINE__, "%s: kernel changed", what);
		ok = 0;
	}
	return ok;
}

/* The undamaged image loads (so the failures below are the damage's). */
TEST(good_image_loads)
{
	char host[64];
	FILE *f;

	read_good();
	CHECK(good_len > 0);
	snprintf(host, sizeof(host), "/tmp/t_mod_good.%d", (int)getpid());
	CHECK((f = fopen(host, "w")) != NULL);
	if (f == NULL)
		return;
	fwrite(good_img, 1, good_len, f);
	fclose(f);
	CHECK_OK(t_modload_host("/img.kmod", host));
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "tmpfs"));
	unlink(host);
}

TEST(truncated_images)
{
	size_t len;
	int bad = 0;

	read_good();
	CHECK(good_len > 0);
	for (len = 0; len < good_len; len += len < 128 ? 1 : 509)
		bad += !load_image(good_img, len, RUMP_ENOEXEC, "truncated");
	CHECK_EQ(bad, 0);
}

/* A copy with one field changed. */
static unsigned char *
damaged(size_t off, const void *val, size_t vlen)
{
	unsigned char *img = malloc(good_len);

	memcpy(img, good_img, good_len);
	if (off + vlen <= good_len)
		memcpy(img + off, val, vlen);
	return img;
}

static void
try_field(size_t off, uint64_t v, size_t width, const char *what)
{
	unsigned char *img = damaged(off, &v, width);

	load_image(img, good_len, RUMP_ENOEXEC, what);
	free(img);
}

TEST(damaged_headers)
{
	Elf64_Ehdr eh;

	read_good();
	CHECK(good_len > sizeof(eh));
	memcpy(&eh, good_img, sizeof(eh));
	try_field(0, 0x7f454c47, 4, "magic");
	try_field(EI_CLASS, ELFCLASS32, 1, "class");
	try_field(EI_DATA, ELFDATA2MSB, 1, "byte order");
	try_field(offsetof(Elf64_Ehdr, e_type), ET_DYN, 2, "type");
	try_field(offsetof(Elf64_Ehdr, e_machine), EM_AARCH64, 2, "machine");
	try_field(offsetof(Elf64_Ehdr, e_shoff), good_len, 8, "shoff end");
	try_field(offsetof(Elf64_Ehdr, e_shoff), UINT64_MAX - 8, 8,
	    "shoff wrap");
	try_field(offsetof(Elf64_Ehdr, e_shnum), 0xffff, 2, "shnum");
	try_field(offsetof(Elf64_Ehdr, e_shnum), 0, 2, "no sections");
	try_field(offsetof(Elf64_Ehdr, e_shentsize), 32, 2, "shentsize");
	try_field(offsetof(Elf64_Ehdr, e_shstrndx), eh.e_shnum, 2,
	    "shstrndx");
}

/* Damage each field of each section header that matters. */
TEST(damaged_sections)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh;
	size_t i, base;

	read_good();
	memcpy(&eh, good_img, sizeof(eh));
	for (i = 1; i < eh.e_shnum; i++) {
		base = eh.e_shoff + i * sizeof(sh);
		memcpy(&sh, good_img + base, sizeof(sh));
		if (sh.sh_type != SHT_NOBITS && sh.sh_size > 0)
			try_field(base + offsetof(Elf64_Shdr, sh_offset),
			    good_len - sh.sh_size / 2, 8, "sh_offset");
		if (sh.sh_type != SHT_NOBITS)
			try_field(base + offsetof(Elf64_Shdr, sh_size),
			    UINT64_MAX, 8, "sh_size");
		try_field(base + offsetof(Elf64_Shdr, sh_addralign), 24, 8,
		    "sh_addralign");
		if (sh.sh_type == SHT_SYMTAB) {
			try_field(base + offsetof(Elf64_Shdr, sh_link), 0, 4,
			    "symtab link");
			try_field(base + offsetof(Elf64_Shdr, sh_entsize), 20,
			    8, "symtab entsize");
			try_field(base + offsetof(Elf64_Shdr, sh_type),
			    SHT_PROGBITS, 4, "no symtab");
		}
		if (sh.sh_type == SHT_RELA) {
			try_field(base + offsetof(Elf64_Shdr, sh_info), 60000,
			    4, "rela info");
			try_field(base + offsetof(Elf64_Shdr, sh_type),
			    SHT_REL, 4, "rel");
		}
	}
}

/* Damage symbols and relocations. */
TEST(damaged_symbols_and_relocations)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh;
	size_t i, j, base;

	read_good();
	memcpy(&eh, good_img, sizeof(eh));
	for (i = 1; i < eh.e_shnum; i++) {
		memcpy(&sh, good_img + eh.e_shoff + i * sizeof(sh), sizeof(sh));
		if (sh.sh_type == SHT_SYMTAB)
			for (j = 1; j < sh.sh_size / sizeof(Elf64_Sym);
			    j += 7) {
				base = sh.sh_offset + j * sizeof(Elf64_Sym);
				try_field(base + offsetof(Elf64_Sym, st_name),
				    0xfffffff0, 4, "st_name");
				try_field(base + offsetof(Elf64_Sym,
				    st_shndx), eh.e_shnum + 1, 2, "st_shndx");
			}
		if (sh.sh_type == SHT_RELA)
			for (j = 0; j < sh.sh_size / sizeof(Elf64_Rela);
			    j += 13) {
				base = sh.sh_offset + j * sizeof(Elf64_Rela);
				try_field(base + offsetof(Elf64_Rela,
				    r_offset), 1ULL << 40, 8, "r_offset");
				try_field(base + offsetof(Elf64_Rela, r_info),
				    ELF64_R_INFO(1u << 30, R_X86_64_64), 8,
				    "r_info symbol");
				try_field(base + offsetof(Elf64_Rela, r_info),
				    ELF64_R_INFO(1, 99), 8, "r_info type");
			}
	}
}

TEST(modctl_arguments)
{
	struct rump_modiovec iov;
	struct rump_modstat ms[1];
	size_t n = 0;
	char name[64];

	CHECK_ERR(rump_sys_modctl(RUMP_MODCTL_LOAD, NULL), RUMP_EFAULT);
	CHECK_ERR(rump_sys_modctl(RUMP_MODCTL_UNLOAD, NULL), RUMP_EFAULT);
	CHECK_ERR(rump_sys_modctl(RUMP_MODCTL_STAT, NULL), RUMP_EFAULT);
	CHECK_ERR(rump_sys_modctl(7, NULL), RUMP_EINVAL);
	CHECK_ERR(rump_sys_modctl(-1, NULL), RUMP_EINVAL);
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_EXISTS, (void *)0));
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_EXISTS, (void *)1));
	CHECK_ERR(rump_sys_modctl(RUMP_MODCTL_EXISTS, (void *)2), RUMP_EINVAL);
	CHECK_ERR(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "nosuchmodule"),
	    RUMP_ENOENT);
	CHECK_ERR(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "vfs"), RUMP_EBUSY);
	memset(name, 'a', sizeof(name));
	name[sizeof(name) - 1] = '\0';
	CHECK_ERR(rump_sys_modctl(RUMP_MODCTL_UNLOAD, name),
	    RUMP_ENAMETOOLONG);
	/* a buffer too small: what fits, and the size needed */
	free(t_modstat_all(&n));
	memset(ms, 0, sizeof(ms));
	iov.iov_base = ms;
	iov.iov_len = sizeof(ms[0]) - 1;
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_STAT, &iov));
	CHECK_EQ(iov.iov_len, n * sizeof(struct rump_modstat));
	CHECK(n >= 2);
	CHECK(ms[0].ms_name[0] != '\0');
}

TEST(only_root_loads)
{
	char host[PATH_MAX];
	struct rump_modstat ms;

	t_tmod_path(host, sizeof(host), "t_moda");
	CHECK_EQ(rump_pub_etfs_register("/a.kmod", host, RUMP_ETFS_REG), 0);
	CHECK_OK(rump_sys_setuid(1000));
	CHECK_ERR(t_modload("/a.kmod", 0, NULL), RUMP_EPERM);
	CHECK_ERR(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "vfs"), RUMP_EPERM);
	CHECK_ERR(rump_sys_modctl(RUMP_MODCTL_EXISTS, (void *)0), RUMP_EPERM);
	CHECK(t_modstat_find("vfs", &ms));	/* anyone may look */
	CHECK_EQ(rump_pub_etfs_remove("/a.kmod"), 0);
}
