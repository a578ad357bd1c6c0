/*
 * t_mod_tmpfs: tmpfs as a kernel module, in a kernel linked without
 * it (mk/modules.mk links t_mod_* with librumpvfs only): no tmpfs
 * until the module is loaded (ENODEV, NetBSD's unknown-type error);
 * loaded from bytes read through the kernel's VFS; mounted and used;
 * unload refused while mounted; modstat's record; autoload on mount
 * from the module directory; 1000 load/unload cycles without growth.
 *
 * The tests share one kernel and run in order; each leaves no module
 * loaded behind it.
 */
#include <pthread.h>
#include <sys/stat.h>

#include "t.h"
#include "t_mod_util.h"

static void
tmpfs_host(char *buf, size_t len)
{
	t_fsmod_path(buf, len, "tmpfs");
}

static int
mount_tmpfs_at(const char *dir)
{
	struct rump_tmpfs_args ta = { .ta_version = 1, .ta_root_mode = 0755 };

	rump_sys_mkdir(dir, 0755);
	return rump_sys_mount(RUMP_MOUNT_TMPFS, dir, 0, &ta, sizeof(ta));
}

TEST(no_tmpfs_without_module)
{
	struct rump_modstat ms;

	CHECK_ERR(mount_tmpfs_at("mnt"), RUMP_ENODEV);
	CHECK(!t_modstat_find("tmpfs", &ms));
	CHECK(t_modstat_find("vfs", &ms));	/* the faction is built in */
	CHECK_EQ(ms.ms_source, RUMP_MODULE_SOURCE_KERNEL);
}

TEST(load_mount_use_unload)
{
	char host[PATH_MAX], buf[64];
	struct rump_statvfs sv;
	int fd;

	tmpfs_host(host, sizeof(host));
	CHECK_OK(t_modload_host("/tmpfs.kmod", host));
	CHECK_OK(mount_tmpfs_at("mnt"));
	CHECK_OK(fd = rump_sys_open("mnt/f", RUMP_O_CREAT | RUMP_O_RDWR,
	    0644));
	CHECK_EQ(rump_sys_write(fd, "hello, module", 13), 13);
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), 13);
	CHECK(memcmp(buf, "hello, module", 13) == 0);
	CHECK_OK(rump_sys_close(fd));
	CHECK_OK(rump_sys_mkdir("mnt/d", 0700));
	CHECK_OK(rump_sys_statvfs1("mnt", (struct statvfs *)(void *)&sv,
	    RUMP_ST_WAIT));
	CHECK_STR(sv.f_fstypename, "tmpfs");

	/* a mounted file system holds its module */
	CHECK_ERR(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "tmpfs"), RUMP_EBUSY);
	CHECK_OK(rump_sys_unmount("mnt", 0));
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "tmpfs"));
	CHECK_ERR(mount_tmpfs_at("mnt"), RUMP_ENODEV);
	CHECK_ERR(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "tmpfs"), RUMP_ENOENT);
}

TEST(load_twice_eexist)
{
	char host[PATH_MAX];

	tmpfs_host(host, sizeof(host));
	CHECK_OK(t_modload_host("/tmpfs.kmod", host));
	CHECK_ERR(t_modload_host("/tmpfs.kmod", host), RUMP_EEXIST);
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "tmpfs"));
}

TEST(modstat_record)
{
	char host[PATH_MAX];
	struct rump_modstat ms;
	struct stat st;

	tmpfs_host(host, sizeof(host));
	CHECK_OK(stat(host, &st));
	CHECK_OK(t_modload_host("/tmpfs.kmod", host));
	CHECK(t_modstat_find("tmpfs", &ms));
	CHECK_EQ(ms.ms_class, RUMP_MODULE_CLASS_VFS);
	CHECK_EQ(ms.ms_source, RUMP_MODULE_SOURCE_FILESYS);
	CHECK_EQ(ms.ms_refcnt, 0);
	CHECK_EQ(ms.ms_flags, 0);
	CHECK_STR(ms.ms_required, "");
	CHECK(ms.ms_addr != 0);
	/* the code and data in memory: at least the object's text, at
	 * most the file rounded to pages per section run */
	CHECK(ms.ms_size >= 4096 && ms.ms_size <= st.st_size + 4 * 4096);
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "tmpfs"));
	CHECK(!t_modstat_find("tmpfs", &ms));
}

/* NetBSD: a file system type nobody registered is looked for as
 * <module path>/<type>/<type>.kmod when mounting. */
TEST(autoload_on_mount)
{
	char host[PATH_MAX], dir[PATH_MAX];
	struct rump_modstat ms;

	tmpfs_host(host, sizeof(host));
	snprintf(dir, sizeof(dir), "%s", host);
	*strrchr(dir, '/') = '\0';
	*strrchr(dir, '/') = '\0';	/* .../lib/rump/modules */
	CHECK_EQ(rump_pub_etfs_register(T_MODBASE, dir,
	    RUMP_ETFS_DIR_SUBDIRS), 0);
	CHECK_OK(mount_tmpfs_at("mnt"));
	CHECK(t_modstat_find("tmpfs", &ms));
	CHECK_EQ(ms.ms_flags, RUMP_MODFLG_AUTO_LOADED);
	CHECK_EQ(ms.ms_source, RUMP_MODULE_SOURCE_FILESYS);
	/* modload by name reads the same place */
	CHECK_ERR(t_modload("tmpfs", 0, NULL), RUMP_EEXIST);
	CHECK_OK(rump_sys_unmount("mnt", 0));
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "tmpfs"));
	CHECK_OK(t_modload("tmpfs", 0, NULL));
	CHECK(t_modstat_find("tmpfs", &ms));
	CHECK_EQ(ms.ms_flags, 0);
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "tmpfs"));
	/* unknown types stay unknown */
	CHECK_ERR(rump_sys_mount("nosuchfs", "mnt", 0, NULL, 0), RUMP_ENODEV);
	CHECK_EQ(rump_pub_etfs_remove(T_MODBASE), 0);
}

/* Load and unload 1000 times (a mount every 100th): the kernel's
 * memory returns to where it was, the process does not grow. */
TEST(load_unload_1000_cycles)
{
	char host[PATH_MAX];
	uint64_t k0, k1;
	long r0, r1;
	int i, fails = 0;

	tmpfs_host(host, sizeof(host));
	CHECK_EQ(rump_pub_etfs_register("/tmpfs.kmod", host, RUMP_ETFS_REG),
	    0);
	CHECK_OK(rump_sys_mkdir("mnt", 0755));
	for (i = 0; i < 50; i++) {	/* warm up caches and allocators */
		fails += t_modload("/tmpfs.kmod", 0, NULL) != 0;
		if (i % 10 == 0) {
			fails += mount_tmpfs_at("mnt") != 0;
			fails += t_write_file("mnt/f", "x", 1) != 0;
			fails += rump_sys_unmount("mnt", 0) != 0;
		}
		fails += rump_sys_modctl(RUMP_MODCTL_UNLOAD, "tmpfs") != 0;
	}
	k0 = kmem_inuse();
	r0 = t_rss_kib();
	for (i = 0; i < 1000; i++) {
		fails += t_modload("/tmpfs.kmod", 0, NULL) != 0;
		if (i % 100 == 0) {
			fails += mount_tmpfs_at("mnt") != 0;
			fails += t_write_file("mnt/f", "x", 1) != 0;
			fails += rump_sys_unmount("mnt", 0) != 0;
		}
		fails += rump_sys_modctl(RUMP_MODCTL_UNLOAD, "tmpfs") != 0;
	}
	k1 = kmem_inuse();
	r1 = t_rss_kib();
	CHECK_EQ(fails, 0);
	CHECK_EQ(k1, k0);
	printf("  kmem %llu -> %llu bytes, rss %ld -> %ld KiB\n",
	    (unsigned long long)k0, (unsigned long long)k1, r0, r1);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	/* the sanitizers hold freed memory back (ASan's quarantine keeps
	 * up to 256 MiB); LeakSanitizer checks the frees at exit */
	(void)r0;
	(void)r1;
#else
	CHECK(r1 - r0 < 1024);
#endif
	CHECK_EQ(rump_pub_etfs_remove("/tmpfs.kmod"), 0);
}

/*
 * Mounting and unmounting in one thread while another unloads and
 * loads the module: every call either works or fails the expected way
 * (ENODEV without the module, EBUSY unloading while mounted, EEXIST
 * loading twice), and nothing crashes (a mount holds the module's
 * type from lookup to unmount).
 */
static char race_mnt[128];
static int race_bad;

static void *
race_mounter(void *arg)
{
	struct rump_tmpfs_args ta = { .ta_version = 1, .ta_root_mode = 0755 };
	int bad = 0;

	(void)arg;
	for (int i = 0; i < 300; i++) {
		if (rump_sys_mount(RUMP_MOUNT_TMPFS, race_mnt, 0, &ta,
		    sizeof(ta)) == -1) {
			bad += errno != RUMP_ENODEV;
			continue;
		}
		bad += rump_sys_unmount(race_mnt, 0) != 0;
	}
	__atomic_add_fetch(&race_bad, bad, __ATOMIC_RELAXED);
	return NULL;
}

static void *
race_loader(void *arg)
{
	int bad = 0;

	(void)arg;
	for (int i = 0; i < 300; i++) {
		if (rump_sys_modctl(RUMP_MODCTL_UNLOAD, "tmpfs") == -1)
			bad += errno != RUMP_EBUSY && errno != RUMP_ENOENT;
		if (t_modload("/tmpfs.kmod", 0, NULL) == -1)
			bad += errno != RUMP_EEXIST;
	}
	__atomic_add_fetch(&race_bad, bad, __ATOMIC_RELAXED);
	return NULL;
}

TEST(unload_races_mount)
{
	char host[PATH_MAX], cwd[100];
	pthread_t a, b;

	tmpfs_host(host, sizeof(host));
	CHECK_EQ(rump_pub_etfs_register("/tmpfs.kmod", host, RUMP_ETFS_REG),
	    0);
	CHECK_OK(rump_sys_mkdir("mnt", 0755));
	CHECK(rump_sys___getcwd(cwd, sizeof(cwd)) != -1);
	snprintf(race_mnt, sizeof(race_mnt), "%s/mnt", cwd);
	CHECK_OK(t_modload("/tmpfs.kmod", 0, NULL));
	pthread_create(&a, NULL, race_mounter, NULL);
	pthread_create(&b, NULL, race_loader, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	CHECK_EQ(race_bad, 0);
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "tmpfs"));
	CHECK_EQ(rump_pub_etfs_remove("/tmpfs.kmod"), 0);
}
