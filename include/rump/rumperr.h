/*
 * rumperr.h: rump_strerror(), NetBSD's message for a NetBSD errno.
 *
 * rump_sys_* calls leave NetBSD errno numbers in errno, which the
 * host's strerror() would misread (NetBSD's 35 is EAGAIN, Linux's is
 * EDEADLK).  Print them with this instead.
 */
#ifndef _RUMP_RUMPERR_H_
#define _RUMP_RUMPERR_H_

#include <stddef.h>

#include <rump/rumpdefs.h>

static inline const char *
rump_strerror(int error)
{
	static const char *const msg[RUMP_ELAST + 1] = {
		[0] = "No error",
		[RUMP_EPERM] = "Operation not permitted",
		[RUMP_ENOENT] = "No such file or directory",
		[RUMP_ESRCH] = "No such process",
		[RUMP_EINTR] = "Interrupted system call",
		[RUMP_EIO] = "Input/output error",
		[RUMP_ENXIO] = "Device not configured",
		[RUMP_E2BIG] = "Argument list too long",
		[RUMP_ENOEXEC] = "Exec format error",
		[RUMP_EBADF] = "Bad file descriptor",
		[RUMP_ECHILD] = "No child processes",
		[RUMP_EDEADLK] = "Resource deadlock avoided",
		[RUMP_ENOMEM] = "Cannot allocate memory",
		[RUMP_EACCES] = "Permission denied",
		[RUMP_EFAULT] = "Bad address",
		[RUMP_ENOTBLK] = "Block device required",
		[RUMP_EBUSY] = "Device busy",
		[RUMP_EEXIST] = "File exists",
		[RUMP_EXDEV] = "Cross-device link",
		[RUMP_ENODEV] = "Operation not supported by device",
		[RUMP_ENOTDIR] = "Not a directory",
		[RUMP_EISDIR] = "Is a directory",
		[RUMP_EINVAL] = "Invalid argument",
		[RUMP_ENFILE] = "Too many open files in system",
		[RUMP_EMFILE] = "Too many open files",
		[RUMP_ENOTTY] = "Inappropriate ioctl for device",
		[RUMP_ETXTBSY] = "Text file busy",
		[RUMP_EFBIG] = "File too large",
		[RUMP_ENOSPC] = "No space left on device",
		[RUMP_ESPIPE] = "Illegal seek",
		[RUMP_EROFS] = "Read-only file system",
		[RUMP_EMLINK] = "Too many links",
		[RUMP_EPIPE] = "Broken pipe",
		[RUMP_EDOM] = "Numerical argument out of domain",
		[RUMP_ERANGE] = "Result too large or too small",
		[RUMP_EAGAIN] = "Resource temporarily unavailable",
		[RUMP_EINPROGRESS] = "Operation now in progress",
		[RUMP_EALREADY] = "Operation already in progress",
		[RUMP_ENOTSOCK] = "Socket operation on non-socket",
		[RUMP_EDESTADDRREQ] = "Destination address required",
		[RUMP_EMSGSIZE] = "Message too long",
		[RUMP_EPROTOTYPE] = "Protocol wrong type for socket",
		[RUMP_ENOPROTOOPT] = "Protocol option not available",
		[RUMP_EPROTONOSUPPORT] = "Protocol not supported",
		[RUMP_ESOCKTNOSUPPORT] = "Socket type not supported",
		[RUMP_EOPNOTSUPP] = "Operation not supported",
		[RUMP_EPFNOSUPPORT] = "Protocol family not supported",
		[RUMP_EAFNOSUPPORT] =
		    "Address family not supported by protocol family",
		[RUMP_EADDRINUSE] = "Address already in use",
		[RUMP_EADDRNOTAVAIL] = "Can't assign requested address",
		[RUMP_ENETDOWN] = "Network is down",
		[RUMP_ENETUNREACH] = "Network is unreachable",
		[RUMP_ENETRESET] = "Network dropped connection on reset",
		[RUMP_ECONNABORTED] = "Software caused connection abort",
		[RUMP_ECONNRESET] = "Connection reset by peer",
		[RUMP_ENOBUFS] = "No buffer space available",
		[RUMP_EISCONN] = "Socket is already connected",
		[RUMP_ENOTCONN] = "Socket is not connected",
		[RUMP_ESHUTDOWN] = "Can't send after socket shutdown",
		[RUMP_ETOOMANYREFS] = "Too many references: can't splice",
		[RUMP_ETIMEDOUT] = "Operation timed out",
		[RUMP_ECONNREFUSED] = "Connection refused",
		[RUMP_ELOOP] = "Too many levels of symbolic links",
		[RUMP_ENAMETOOLONG] = "File name too long",
		[RUMP_EHOSTDOWN] = "Host is down",
		[RUMP_EHOSTUNREACH] = "No route to host",
		[RUMP_ENOTEMPTY] = "Directory not empty",
		[RUMP_EPROCLIM] = "Too many processes",
		[RUMP_EUSERS] = "Too many users",
		[RUMP_EDQUOT] = "Disc quota exceeded",
		[RUMP_ESTALE] = "Stale NFS file handle",
		[RUMP_EREMOTE] = "Too many levels of remote in path",
		[RUMP_EBADRPC] = "RPC struct is bad",
		[RUMP_ERPCMISMATCH] = "RPC version wrong",
		[RUMP_EPROGUNAVAIL] = "RPC prog. not avail",
		[RUMP_EPROGMISMATCH] = "Program version wrong",
		[RUMP_EPROCUNAVAIL] = "Bad procedure for program",
		[RUMP_ENOLCK] = "No locks available",
		[RUMP_ENOSYS] = "Function not implemented",
		[RUMP_EFTYPE] = "Inappropriate file type or format",
		[RUMP_EAUTH] = "Authentication error",
		[RUMP_ENEEDAUTH] = "Need authenticator",
		[RUMP_EIDRM] = "Identifier removed",
		[RUMP_ENOMSG] = "No message of desired type",
		[RUMP_EOVERFLOW] = "Value too large to be stored in data type",
		[RUMP_EILSEQ] = "Illegal byte sequence",
		[RUMP_ENOTSUP] = "Not supported",
		[RUMP_ECANCELED] = "Operation canceled",
		[RUMP_EBADMSG] = "Bad or Corrupt message",
		[RUMP_ENODATA] = "No message available",
		[RUMP_ENOSR] = "No STREAM resources",
		[RUMP_ENOSTR] = "Not a STREAM",
		[RUMP_ETIME] = "STREAM ioctl timeout",
		[RUMP_ENOATTR] = "Attribute not found",
		[RUMP_EMULTIHOP] = "Multihop attempted",
		[RUMP_ENOLINK] = "Link has been severed",
		[RUMP_EPROTO] = "Protocol error",
	};

	if (error < 0 || error > RUMP_ELAST || msg[error] == NULL)
		return "Invalid error";
	return msg[error];
}

#endif /* _RUMP_RUMPERR_H_ */
