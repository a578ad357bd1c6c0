/*
 * t_mod_ffs: ffs as a kernel module, in a kernel linked without it:
 * unknown until loaded (ENODEV); ffs.kmod loaded through the VFS; a
 * makefs image mounted read-only and a file compared with the host's;
 * unload refused while mounted; 100 load/mount/unmount/unload cycles
 * at constant kernel memory.
 */
#include "t.h"
#include "t_ffs_util.h"
#include "t_mod_util.h"

static char image[128];

static int
make_image(void)
{
	char tree[128], file[160];

	if (image[0] != '\0')
		return 0;
	snprintf(tree, sizeof(tree), "%s/tree", ffs_tmpdir());
	snprintf(file, sizeof(file), "%s/data", tree);
	snprintf(image, sizeof(image), "%s/ffs.img", ffs_tmpdir());
	atexit(ffs_tmp_cleanup);
	if (mkdir(tree, 0755) != 0 || ffs_host_file(file, 100000, 3) != 0 ||
	    ffs_makefs("-o version=2", "2m", image, tree) != 0) {
		image[0] = '\0';
		return -1;
	}
	return 0;
}

static int
load_ffs(void)
{
	char host[PATH_MAX];

	t_fsmod_path(host, sizeof(host), "ffs");
	return t_modload_host("/ffs.kmod", host);
}

static void
check_data(const char *path)
{
	char *buf = malloc(100001);
	long n = t_read_file(path, buf, 100001);
	long bad = 0;

	CHECK_EQ(n, 100000);
	for (long i = 0; i < n; i++)
		bad += (uint8_t)buf[i] != ffs_pat((size_t)i, 3);
	CHECK_EQ(bad, 0);
	free(buf);
}

TEST(ffs_module_mount_read_unload)
{
	struct rump_ufs_args args = { .fspec = "/dev/img" };
	struct rump_modstat ms;

	CHECK_OK(make_image());
	CHECK_OK(rump_sys_mkdir("mnt", 0755));
	CHECK_ERR(rump_sys_mount("ffs", "mnt", RUMP_MNT_RDONLY, &args,
	    sizeof(args)), RUMP_ENODEV);
	CHECK_OK(load_ffs());
	CHECK(t_modstat_find("ffs", &ms));
	CHECK_EQ(ms.ms_class, RUMP_MODULE_CLASS_VFS);
	CHECK_OK(ffs_mount_image(image, "/dev/img", "mnt"));
	check_data("mnt/data");
	CHECK_ERR(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "ffs"), RUMP_EBUSY);
	ffs_unmount_image("/dev/img", "mnt");
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "ffs"));
	CHECK_ERR(rump_sys_mount("ffs", "mnt", RUMP_MNT_RDONLY, &args,
	    sizeof(args)), RUMP_ENODEV);
}

TEST(ffs_module_cycles)
{
	uint64_t k0 = 0;
	int fails = 0;

	CHECK_OK(make_image());
	CHECK_OK(rump_sys_mkdir("mnt", 0755));
	for (int i = 0; i < 110; i++) {
		if (i == 10)
			k0 = kmem_inuse();
		fails += load_ffs() != 0;
		fails += ffs_mount_image(image, "/dev/img", "mnt") != 0;
		fails += t_read_file("mnt/data", (char[16]){ 0 }, 16) != 16;
		ffs_unmount_image("/dev/img", "mnt");
		fails += rump_sys_modctl(RUMP_MODCTL_UNLOAD, "ffs") != 0;
	}
	CHECK_EQ(fails, 0);
	CHECK_EQ(kmem_inuse(), k0);
}
