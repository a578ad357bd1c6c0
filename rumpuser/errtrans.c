/*
 * errtrans.c: host (Linux) errno to NetBSD errno.
 *
 * The kernel speaks NetBSD numbers everywhere; this table is the one
 * place where the host's numbers are seen.  Unknown host errors map to
 * EINVAL, as NetBSD's hypervisor does.
 */
#include <errno.h>

#include "rumpuser.h"

static const struct {
	int host;
	int netbsd;
} errtab[] = {
	{ EPERM, 1 }, { ENOENT, 2 }, { ESRCH, 3 }, { EINTR, 4 },
	{ EIO, 5 }, { ENXIO, 6 }, { E2BIG, 7 }, { ENOEXEC, 8 },
	{ EBADF, 9 }, { ECHILD, 10 }, { EDEADLK, 11 }, { ENOMEM, 12 },
	{ EACCES, 13 }, { EFAULT, 14 }, { ENOTBLK, 15 }, { EBUSY, 16 },
	{ EEXIST, 17 }, { EXDEV, 18 }, { ENODEV, 19 }, { ENOTDIR, 20 },
	{ EISDIR, 21 }, { EINVAL, 22 }, { ENFILE, 23 }, { EMFILE, 24 },
	{ ENOTTY, 25 }, { ETXTBSY, 26 }, { EFBIG, 27 }, { ENOSPC, 28 },
	{ ESPIPE, 29 }, { EROFS, 30 }, { EMLINK, 31 }, { EPIPE, 32 },
	{ EDOM, 33 }, { ERANGE, 34 }, { EAGAIN, 35 }, { EINPROGRESS, 36 },
	{ EALREADY, 37 }, { ENOTSOCK, 38 }, { EDESTADDRREQ, 39 },
	{ EMSGSIZE, 40 }, { EPROTOTYPE, 41 }, { ENOPROTOOPT, 42 },
	{ EPROTONOSUPPORT, 43 }, { ESOCKTNOSUPPORT, 44 }, { EOPNOTSUPP, 45 },
	{ EPFNOSUPPORT, 46 }, { EAFNOSUPPORT, 47 }, { EADDRINUSE, 48 },
	{ EADDRNOTAVAIL, 49 }, { ENETDOWN, 50 }, { ENETUNREACH, 51 },
	{ ENETRESET, 52 }, { ECONNABORTED, 53 }, { ECONNRESET, 54 },
	{ ENOBUFS, 55 }, { EISCONN, 56 }, { ENOTCONN, 57 }, { ESHUTDOWN, 58 },
	{ ETOOMANYREFS, 59 }, { ETIMEDOUT, 60 }, { ECONNREFUSED, 61 },
	{ ELOOP, 62 }, { ENAMETOOLONG, 63 }, { EHOSTDOWN, 64 },
	{ EHOSTUNREACH, 65 }, { ENOTEMPTY, 66 }, { EUSERS, 68 },
	{ EDQUOT, 69 }, { ESTALE, 70 }, { EREMOTE, 71 }, { ENOLCK, 77 },
	{ ENOSYS, 78 }, { EIDRM, 82 }, { ENOMSG, 83 }, { EOVERFLOW, 84 },
	{ EILSEQ, 85 }, { ECANCELED, 87 }, { EBADMSG, 88 }, { ENODATA, 89 },
	{ ENOSR, 90 }, { ENOSTR, 91 }, { ETIME, 92 }, { EMULTIHOP, 94 },
	{ ENOLINK, 95 }, { EPROTO, 96 },
};

int
rumpuser_errtrans(int hosterr)
{
	unsigned i;

	if (hosterr == 0)
		return 0;
	for (i = 0; i < sizeof(errtab) / sizeof(errtab[0]); i++)
		if (errtab[i].host == hosterr)
			return errtab[i].netbsd;
	return 22;	/* EINVAL */
}
