/*
 * t_mod_mem: a module's memory counts against the kernel's limit
 * (RUMP_MEMLIMIT, rump_server -r): loading fails with ENOMEM when the
 * kernel is full, leaves nothing behind, and works again once memory
 * is freed; unloading gives back what loading took.
 */
#include "t.h"
#include "t_mod_util.h"

int
t_boot(void)
{
	setenv("RUMP_MEMLIMIT", "2m", 1);
	return rump_init();
}

static int
load(const char *name)
{
	char host[PATH_MAX];

	if (strcmp(name, "tmpfs") == 0)
		t_fsmod_path(host, sizeof(host), name);
	else
		t_tmod_path(host, sizeof(host), name);
	return t_modload_host("/m.kmod", host);
}

TEST(module_memory_is_kernel_memory)
{
	struct rump_tmpfs_args ta = { .ta_version = 1, .ta_root_mode = 0755 };
	static char chunk[65536];
	uint64_t k0, k1;
	int fd, f, n = 0, files;
	char name[32];

	k0 = kmem_inuse();
	CHECK_OK(load("tmpfs"));
	k1 = kmem_inuse();
	/* at least the code and data the module occupies */
	CHECK(k1 - k0 >= 24 * 1024 / 2);
	CHECK_OK(rump_sys_mkdir("mnt", 0755));
	CHECK_OK(rump_sys_mount(RUMP_MOUNT_TMPFS, "mnt", 0, &ta, sizeof(ta)));
	/* fill the kernel with file data */
	CHECK_OK(fd = rump_sys_open("mnt/fill", RUMP_O_CREAT | RUMP_O_RDWR,
	    0644));
	while (rump_sys_write(fd, chunk, sizeof(chunk)) > 0 && n < 1000)
		n++;
	CHECK(n < 1000);
	/* and the rest with files, whose nodes take the last bytes */
	for (files = 0; files < 100000; files++) {
		snprintf(name, sizeof(name), "mnt/%d", files);
		if ((f = rump_sys_open(name, RUMP_O_CREAT | RUMP_O_RDWR,
		    0644)) == -1)
			break;
		rump_sys_close(f);
	}
	CHECK(files < 100000);
	k1 = kmem_inuse();
	CHECK_ERR(load("t_moda"), RUMP_ENOMEM);
	CHECK_EQ(kmem_inuse(), k1);
	CHECK_OK(rump_sys_close(fd));
	CHECK_OK(rump_sys_unlink("mnt/fill"));
	for (int i = 0; i < files; i++) {
		snprintf(name, sizeof(name), "mnt/%d", i);
		rump_sys_unlink(name);
	}
	CHECK_OK(load("t_moda"));
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "t_moda"));
	CHECK_OK(rump_sys_unmount("mnt", 0));
	CHECK_OK(rump_sys_modctl(RUMP_MODCTL_UNLOAD, "tmpfs"));
}
