/*
 * errno.h: NetBSD error numbers, as the kernel uses them everywhere.
 *
 * Kernel files never include the host's <errno.h>; rumpuser
 * translates host errors into these once, at the boundary.
 */
#ifndef KERN_ERRNO_H
#define KERN_ERRNO_H

#define EPERM		1
#define ENOENT		2
#define ESRCH		3
#define EINTR		4
#define EIO		5
#define ENXIO		6
#define E2BIG		7
#define ENOEXEC		8
#define EBADF		9
#define ECHILD		10
#define EDEADLK		11
#define ENOMEM		12
#define EACCES		13
#define EFAULT		14
#define ENOTBLK		15
#define EBUSY		16
#define EEXIST		17
#define EXDEV		18
#define ENODEV		19
#define ENOTDIR		20
#define EISDIR		21
#define EINVAL		22
#define ENFILE		23
#define EMFILE		24
#define ENOTTY		25
#define ETXTBSY		26
#define EFBIG		27
#define ENOSPC		28
#define ESPIPE		29
#define EROFS		30
#define EMLINK		31
#define EPIPE		32
#define EDOM		33
#define ERANGE		34
#define EAGAIN		35
#define EWOULDBLOCK	EAGAIN
#define EINPROGRESS	36
#define EOPNOTSUPP	45
#define ETIMEDOUT	60
#define ELOOP		62
#define ENAMETOOLONG	63
#define ENOTEMPTY	66
#define ENOLCK		77
#define ENOSYS		78
#define EFTYPE		79
#define EOVERFLOW	84
#define ENOTSUP		86
#define ENOATTR		93

/* Kernel-internal: never leave the kernel. */
#define ERESTART	(-3)
#define EJUSTRETURN	(-2)
#define EPASSTHROUGH	(-4)	/* ioctl: not mine, try the generic code */

#endif
