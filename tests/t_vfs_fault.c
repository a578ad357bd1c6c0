/*
 * t_vfs_fault: every allocation inside a file system call may fail.
 * Sweep an injected ENOMEM over each allocation of an operation in
 * turn: the call fails cleanly (an errno, never a crash), leaves the
 * name space as it was, and gives back every byte of kernel memory it
 * took; and once the fault is cleared the same call works.
 */
#include <stdbool.h>

#include "t.h"
#include "rumpuser/rumpuser.h"

uint64_t kmem_inuse(void);	/* kernel memory accounting (kern/kmem.c) */

/* One operation and how to undo it; op returns -1 with errno set. */
struct fop {
	const char *name;
	int	(*op)(void);
	void	(*undo)(void);
	int	(*exists)(void);	/* did op leave its result behind? */
	bool	partial_ok;		/* a failure may leave part done */
};

static int
lexists(const char *path)
{
	struct rump_stat st;

	return rump_sys_lstat(path, (struct stat *)&st) == 0;
}

static int op_create(void)
{
	int fd = rump_sys_open("f", RUMP_O_CREAT | RUMP_O_EXCL | RUMP_O_RDWR,
	    0644);

	if (fd == -1)
		return -1;
	if (rump_sys_write(fd, "hello", 5) != 5) {
		int e = errno;

		rump_sys_close(fd);
		rump_sys_unlink("f");
		errno = e;
		return -1;
	}
	return rump_sys_close(fd);
}
static void undo_create(void) { rump_sys_unlink("f"); }
static int ex_create(void) { return lexists("f"); }

static int op_mkdir(void) { return rump_sys_mkdir("d", 0755); }
static void undo_mkdir(void) { rump_sys_rmdir("d"); }
static int ex_mkdir(void) { return lexists("d"); }

static int op_symlink(void) { return rump_sys_symlink("target", "l"); }
static void undo_symlink(void) { rump_sys_unlink("l"); }
static int ex_symlink(void) { return lexists("l"); }

static int op_link(void) { return rump_sys_link("base", "h"); }
static void undo_link(void) { rump_sys_unlink("h"); }
static int ex_link(void) { return lexists("h"); }

static int op_rename(void) { return rump_sys_rename("base", "moved"); }
static void undo_rename(void) { rump_sys_rename("moved", "base"); }
static int ex_rename(void) { return lexists("moved"); }

static int op_bigwrite(void)
{
	static char buf[64 * 1024];
	int fd = rump_sys_open("base", RUMP_O_WRONLY, 0);
	ssize_t n;

	if (fd == -1)
		return -1;
	memset(buf, 'x', sizeof(buf));
	n = rump_sys_pwrite(fd, buf, sizeof(buf), 4096);
	rump_sys_close(fd);
	return n == (ssize_t)sizeof(buf) ? 0 : -1;
}
static void undo_bigwrite(void) { rump_sys_truncate("base", 0); }
static int ex_bigwrite(void) { return 0; }	/* a short write is legal */

static const struct fop fops[] = {
	{ "create+write", op_create, undo_create, ex_create, false },
	{ "mkdir", op_mkdir, undo_mkdir, ex_mkdir, false },
	{ "symlink", op_symlink, undo_symlink, ex_symlink, false },
	{ "link", op_link, undo_link, ex_link, false },
	{ "rename", op_rename, undo_rename, ex_rename, false },
	{ "write 64k", op_bigwrite, undo_bigwrite, ex_bigwrite, true },
};

static void
sweep(const struct fop *f)
{
	unsigned long after;
	uint64_t before;
	int failures = 0, r = -1;

	/* warm the caches: one clean run, undone */
	CHECK_EQ(f->op(), 0);
	f->undo();
	for (after = 0; after < 64; after++) {
		before = kmem_inuse();
		rumpuser_fault_set(RUMPUSER_MALLOC, after, 1, RUMP_ENOMEM);
		r = f->op();
		rumpuser_fault_clear();
		if (r == 0) {
			f->undo();
			if (rumpuser_fault_calls(RUMPUSER_MALLOC) == 0)
				break;
			continue;
		}
		failures++;
		if (f->partial_ok)	/* a short write keeps what it wrote */
			f->undo();
		if (errno != RUMP_ENOMEM && errno != RUMP_ENOSPC)
			t_fail(__FILE__, __LINE__, "%s: fault %lu gave errno %d",
			    f->name, after, errno);
		if (f->exists()) {
			t_fail(__FILE__, __LINE__, "%s: fault %lu left its "
			    "result behind", f->name, after);
			f->undo();
			continue;
		}
		if (kmem_inuse() != before)
			t_fail(__FILE__, __LINE__, "%s: fault %lu kept %lld "
			    "bytes", f->name, after,
			    (long long)(kmem_inuse() - before));
	}
	CHECK(failures > 0);
	CHECK_EQ(f->op(), 0);	/* and it works again */
	f->undo();
}

static void
sweep_all(void)
{
	size_t i;

	CHECK(t_write_file("base", "base", 4) == 0);
	for (i = 0; i < sizeof(fops) / sizeof(fops[0]); i++)
		sweep(&fops[i]);
}

TEST(enomem_sweep_rumpfs)
{
	sweep_all();
}

TEST(enomem_sweep_tmpfs)
{
	CHECK_OK(t_mount_tmpfs("mnt"));
	CHECK_OK(rump_sys_chdir("mnt"));
	sweep_all();
}

TEST(mount_enomem_sweep)
{
	struct rump_tmpfs_args ta = { .ta_version = 1, .ta_root_mode = 0755 };
	unsigned long after;
	int r = -1;

	CHECK_OK(rump_sys_mkdir("m", 0755));
	for (after = 0; after < 64; after++) {
		rumpuser_fault_set(RUMPUSER_MALLOC, after, 1, RUMP_ENOMEM);
		r = rump_sys_mount(RUMP_MOUNT_TMPFS, "m", 0, &ta, sizeof(ta));
		rumpuser_fault_clear();
		if (r == 0)
			break;
		CHECK(errno == RUMP_ENOMEM || errno == RUMP_ENOSPC);
	}
	CHECK_EQ(r, 0);
	CHECK_OK(t_write_file("m/x", "x", 1));
	CHECK_OK(rump_sys_unmount("m", 0));
}
