/*
 * file.c: host file access, for etfs and block devices.
 *
 * Every transfer loops over short reads and writes and EINTR, so the
 * kernel sees either the whole transfer, end of file, or an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <unistd.h>

#include "rumpuser_int.h"

int
rumpuser_open(const char *path, int flags, int *fdp)
{
	int hflags = 0, fd, error;

	if ((error = rumpuser_fault(RUMPUSER_OPEN)) != 0)
		return error;
	switch (flags & RUMPUSER_OPEN_ACCMODE) {
	case RUMPUSER_OPEN_RDONLY: hflags = O_RDONLY; break;
	case RUMPUSER_OPEN_WRONLY: hflags = O_WRONLY; break;
	case RUMPUSER_OPEN_RDWR: hflags = O_RDWR; break;
	default: return 22;
	}
	if (flags & RUMPUSER_OPEN_CREATE)
		hflags |= O_CREAT;
	if (flags & RUMPUSER_OPEN_EXCL)
		hflags |= O_EXCL;
	if ((fd = open(path, hflags | O_CLOEXEC, 0644)) == -1)
		return rumpuser_errtrans(errno);
	*fdp = fd;
	return 0;
}

int
rumpuser_close(int fd)
{
	return close(fd) == -1 ? rumpuser_errtrans(errno) : 0;
}

int
rumpuser_getfileinfo(const char *path, uint64_t *sizep, int *typep)
{
	struct stat st;
	int error;

	if ((error = rumpuser_fault(RUMPUSER_GETFILEINFO)) != 0)
		return error;
	if (stat(path, &st) == -1)
		return rumpuser_errtrans(errno);
	*sizep = (uint64_t)st.st_size;
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR: *typep = RUMPUSER_FT_DIR; break;
	case S_IFREG: *typep = RUMPUSER_FT_REG; break;
	case S_IFBLK: *typep = RUMPUSER_FT_BLK; break;
	case S_IFCHR: *typep = RUMPUSER_FT_CHR; break;
	default: *typep = RUMPUSER_FT_OTHER; break;
	}
	if (S_ISBLK(st.st_mode)) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		uint64_t sz;

		if (fd != -1) {
			if (ioctl(fd, BLKGETSIZE64, &sz) == 0)
				*sizep = sz;
			close(fd);
		}
	}
	return 0;
}

int
rumpuser_pread(int fd, void *buf, size_t len, int64_t off, size_t *donep)
{
	size_t done = 0;
	ssize_t n;
	int error;

	if ((error = rumpuser_fault(RUMPUSER_PREAD)) != 0)
		return error;
	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done, off + (off_t)done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*donep = done;
			return rumpuser_errtrans(errno);
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	*donep = done;
	return 0;
}

int
rumpuser_pwrite(int fd, const void *buf, size_t len, int64_t off,
    size_t *donep)
{
	size_t done = 0;
	ssize_t n;
	int error;

	if ((error = rumpuser_fault(RUMPUSER_PWRITE)) != 0)
		return error;
	while (done < len) {
		n = pwrite(fd, (const char *)buf + done, len - done,
		    off + (off_t)done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*donep = done;
			return rumpuser_errtrans(errno);
		}
		done += (size_t)n;
	}
	*donep = done;
	return 0;
}

int
rumpuser_fsync(int fd)
{
	int error;

	if ((error = rumpuser_fault(RUMPUSER_FSYNC)) != 0)
		return error;
	return fdatasync(fd) == -1 ? rumpuser_errtrans(errno) : 0;
}
