/*
 * t_tmpfs_mem.c: tmpfs in a kernel with little memory (RUMP_MEMLIMIT):
 * running out is ENOSPC, never a crash, and freeing makes room again.
 */
#include <stdlib.h>

#include "t.h"

#define KIB	1024LL
#define MIB	(1024 * KIB)

int
t_boot(void)
{
	setenv("RUMP_MEMLIMIT", "8m", 1);
	return rump_init();
}

/* Write chunks into path until an error; returns the bytes written. */
static long long
fill_file(const char *path, long long cap, int *errp)
{
	static char chunk[64 * 1024];
	long long done = 0;
	ssize_t n;
	int fd;

	memset(chunk, 'm', sizeof(chunk));
	*errp = 0;
	if ((fd = rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT, 0644)) ==
	    -1) {
		*errp = errno;
		return 0;
	}
	while (done < cap) {
		n = rump_sys_write(fd, chunk, sizeof(chunk));
		if (n == -1) {
			*errp = errno;
			break;
		}
		if (n == 0) {
			*errp = -1;
			break;
		}
		done += n;
		if (n < (ssize_t)sizeof(chunk)) {
			/* a short write: the next one says why */
			continue;
		}
	}
	rump_sys_close(fd);
	return done;
}

TEST(memlimit_write_is_enospc_then_recovers)
{
	long long first, second;
	int err;

	CHECK_OK(t_mount_tmpfs("mnt"));
	first = fill_file("mnt/big", 32 * MIB, &err);
	CHECK_EQ(err, RUMP_ENOSPC);
	CHECK(first > 1 * MIB);
	CHECK(first < 8 * MIB);
	/* Nothing else breaks while it is full. */
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	CHECK_OK(rump_sys_unlink("mnt/big"));
	second = fill_file("mnt/again", 1 * MIB, &err);
	CHECK_EQ(err, 0);
	CHECK_EQ(second, 1 * MIB);
	CHECK_OK(rump_sys_unlink("mnt/again"));
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(memlimit_repeat_fill_and_free)
{
	long long got[3];
	int err, i;

	CHECK_OK(t_mount_tmpfs("mnt"));
	for (i = 0; i < 3; i++) {
		got[i] = fill_file("mnt/f", 32 * MIB, &err);
		CHECK_EQ(err, RUMP_ENOSPC);
		CHECK_OK(rump_sys_unlink("mnt/f"));
	}
	/* no leak: each round gets about as far as the first */
	CHECK(got[2] >= got[0] - 256 * KIB);
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(memlimit_statvfs_reports_kernel_memory)
{
	struct rump_statvfs sv;

	CHECK_OK(t_mount_tmpfs("mnt"));
	memset(&sv, 0, sizeof(sv));
	CHECK_OK(rump_sys_statvfs1("mnt", (struct statvfs *)(void *)&sv,
	    RUMP_ST_WAIT));
	CHECK(sv.f_blocks <= 8 * MIB / 4096);
	CHECK(sv.f_bfree > 0);
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(memlimit_sparse_file_is_cheap)
{
	int fd;

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(fd = rump_sys_open("mnt/s", RUMP_O_RDWR | RUMP_O_CREAT,
	    0644));
	CHECK_EQ(rump_sys_pwrite(fd, "x", 1, 64LL << 30), 1);
	CHECK_EQ(rump_sys_pwrite(fd, "y", 1, 1LL << 40), 1);
	CHECK_OK(rump_sys_close(fd));
	CHECK_OK(rump_sys_unlink("mnt/s"));
	CHECK_OK(rump_sys_unmount("mnt", 0));
}

TEST(memlimit_many_small_files)
{
	char name[32];
	int i, made = 0, err = 0;

	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(rump_sys_mkdir("mnt/d", 0755));
	for (i = 0; i < 4000; i++) {
		snprintf(name, sizeof(name), "mnt/d/%d", i);
		if (t_write_file(name, "0123456789", 10) == -1) {
			err = errno;
			break;
		}
		made++;
	}
	/* 4000 one-page files do not fit in 8 MiB */
	CHECK(made < 4000);
	CHECK_EQ(err, RUMP_ENOSPC);
	for (i = 0; i < made; i++) {
		snprintf(name, sizeof(name), "mnt/d/%d", i);
		CHECK_OK(rump_sys_unlink(name));
	}
	CHECK_OK(t_write_file("mnt/d/after", "ok", 2));
	CHECK_OK(rump_sys_unmount("mnt", 0));
}
