/*
 * rumpdemo: mount a tmpfs, make a small tree, and show it with
 * getdents and stat, as any NetBSD program using rump_sys_*() would.
 *
 * Built twice: rumpdemo boots a kernel inside this process with
 * rump_init(); rumpdemo_remote (-DREMOTE) uses the kernel of a running
 * rump_allserver named by RUMP_SERVER, through librumpclient.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef REMOTE
#include <rump/rumpclient.h>
#define rump_init()	(rumpclient_init() == 0 ? 0 : errno)
#else
#include <rump/rump.h>
#endif
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>
#include <rump/rumperr.h>
#include <rump/rump_types.h>

static void
die(const char *what)
{
	fprintf(stderr, "rumpdemo: %s: %s\n", what, rump_strerror(errno));
	exit(1);
}

int
main(void)
{
	struct rump_tmpfs_args ta = { .ta_version = RUMP_TMPFS_ARGS_VERSION,
	    .ta_root_mode = 0755 };
	struct rump_statvfs sv;
	struct rump_stat st;
	char buf[4096], path[600];
	const char *msg = "hello from a rump kernel\n";
	int fd, n, off, error;

	if ((error = rump_init()) != 0) {
		fprintf(stderr, "rumpdemo: rump_init: %s\n",
		    rump_strerror(error));
		return 1;
	}
	if (rump_sys_mkdir("/mnt", 0755) == -1 && errno != RUMP_EEXIST)
		die("mkdir /mnt");
	if (rump_sys_mount(RUMP_MOUNT_TMPFS, "/mnt", 0, &ta, sizeof(ta)) == -1)
		die("mount tmpfs");
	if (rump_sys_mkdir("/mnt/dir", 0755) == -1)
		die("mkdir");
	if ((fd = rump_sys_open("/mnt/dir/hello", RUMP_O_CREAT |
	    RUMP_O_WRONLY, 0644)) == -1)
		die("open");
	if (rump_sys_write(fd, msg, strlen(msg)) != (ssize_t)strlen(msg))
		die("write");
	rump_sys_close(fd);
	if (rump_sys_symlink("dir/hello", "/mnt/link") == -1)
		die("symlink");

	if ((fd = rump_sys_open("/mnt", RUMP_O_RDONLY | RUMP_O_DIRECTORY, 0))
	    == -1)
		die("open /mnt");
	printf("contents of /mnt:\n");
	while ((n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n;) {
			struct rump_dirent *d = (void *)(buf + off);

			snprintf(path, sizeof(path), "/mnt/%s", d->d_name);
			if (rump_sys_lstat(path, (struct stat *)&st) == -1)
				die("lstat");
			printf("  %-8s mode %06o size %5lld ino %llu\n",
			    d->d_name, st.st_mode, (long long)st.st_size,
			    (unsigned long long)st.st_ino);
			off += d->d_reclen;
		}
	}
	rump_sys_close(fd);
	if ((fd = rump_sys_open("/mnt/link", RUMP_O_RDONLY, 0)) == -1)
		die("open through symlink");
	n = (int)rump_sys_read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	printf("/mnt/link says: %s", buf);
	rump_sys_close(fd);
	if (rump_sys_statvfs1("/mnt", (struct statvfs *)&sv, RUMP_ST_WAIT) == -1)
		die("statvfs");
	printf("/mnt is %s, %llu of %llu blocks free, pid %d\n",
	    sv.f_fstypename, (unsigned long long)sv.f_bfree,
	    (unsigned long long)sv.f_blocks, (int)rump_sys_getpid());
	return 0;
}
