/*
 * rumpdefs.h: NetBSD constants under a RUMP_ prefix.
 *
 * A program on Linux talks to a NetBSD kernel, so flags, errno values
 * and command numbers it passes to rump_sys_* must be NetBSD's, and
 * they must not collide with the host's <errno.h> or <fcntl.h>.  The
 * names are those of NetBSD's own rumpdefs.h, so code written for it
 * compiles unchanged; constants past that list (marked "beyond NetBSD")
 * are ones our tests and tools need.  Values: netbsd-abi.md, or the
 * NetBSD sys/ header named in each section.
 *
 * The structures these constants go with live in rump_types.h.
 */
#ifndef _RUMP_RUMPDEFS_H_
#define _RUMP_RUMPDEFS_H_

#include <rump/rump_types.h>

/*
 * open(2) flags (sys/fcntl.h).
 */
#define RUMP_O_RDONLY		0x00000000
#define RUMP_O_WRONLY		0x00000001
#define RUMP_O_RDWR		0x00000002
#define RUMP_O_ACCMODE		0x00000003
#define RUMP_O_NONBLOCK		0x00000004
#define RUMP_O_APPEND		0x00000008
#define RUMP_O_SHLOCK		0x00000010
#define RUMP_O_EXLOCK		0x00000020
#define RUMP_O_ASYNC		0x00000040
#define RUMP_O_SYNC		0x00000080
#define RUMP_O_FSYNC		RUMP_O_SYNC
#define RUMP_O_NOFOLLOW		0x00000100
#define RUMP_O_CREAT		0x00000200
#define RUMP_O_TRUNC		0x00000400
#define RUMP_O_EXCL		0x00000800
#define RUMP_O_NOCTTY		0x00008000
#define RUMP_O_DSYNC		0x00010000
#define RUMP_O_RSYNC		0x00020000
#define RUMP_O_ALT_IO		0x00040000
#define RUMP_O_DIRECT		0x00080000
#define RUMP_O_DIRECTORY	0x00200000
#define RUMP_O_CLOEXEC		0x00400000
#define RUMP_O_SEARCH		0x00800000
#define RUMP_O_NOSIGPIPE	0x01000000

/* Kernel file flags are the open flags plus one: FREAD 1, FWRITE 2. */
#define RUMP_FREAD		0x00000001
#define RUMP_FWRITE		0x00000002

/*
 * fcntl(2) commands and arguments (sys/fcntl.h); beyond NetBSD,
 * except the lock-semantics and fs-control bits below.
 */
#define RUMP_F_DUPFD		0
#define RUMP_F_GETFD		1
#define RUMP_F_SETFD		2
#define RUMP_F_GETFL		3
#define RUMP_F_SETFL		4
#define RUMP_F_GETOWN		5
#define RUMP_F_SETOWN		6
#define RUMP_F_GETLK		7
#define RUMP_F_SETLK		8
#define RUMP_F_SETLKW		9
#define RUMP_F_CLOSEM		10
#define RUMP_F_MAXFD		11
#define RUMP_F_DUPFD_CLOEXEC	12
#define RUMP_F_GETNOSIGPIPE	13
#define RUMP_F_SETNOSIGPIPE	14

#define RUMP_FD_CLOEXEC		1

/* struct rump_flock l_type */
#define RUMP_F_RDLCK		1
#define RUMP_F_UNLCK		2
#define RUMP_F_WRLCK		3

/* Lock semantics, kernel-internal (VOP_ADVLOCK). */
#define RUMP_F_WAIT		0x010
#define RUMP_F_FLOCK		0x020
#define RUMP_F_POSIX		0x040

/* File-system-specific fcntls: direction | len << 16 | [fs << 8] | num. */
#define RUMP_F_PARAM_MASK	0xfff
#define RUMP_F_PARAM_LEN(x)	(((x) >> 16) & RUMP_F_PARAM_MASK)
#define RUMP_F_PARAM_MAX	4095
#define RUMP_F_FSCTL		(int)0x80000000
#define RUMP_F_FSVOID		(int)0x40000000
#define RUMP_F_FSOUT		(int)0x20000000
#define RUMP_F_FSIN		(int)0x10000000
#define RUMP_F_FSINOUT		(RUMP_F_FSIN | RUMP_F_FSOUT)
#define RUMP_F_FSDIRMASK	(int)0x70000000
#define RUMP_F_FSPRIV		(int)0x00008000
#define RUMP__FCN(inout, num, len) \
	(RUMP_F_FSCTL | (inout) | (((len) & RUMP_F_PARAM_MASK) << 16) | (num))
#define RUMP__FCNO(c)		RUMP__FCN(RUMP_F_FSVOID, (c), 0)
#define RUMP__FCNR(c, t)	RUMP__FCN(RUMP_F_FSIN, (c), (int)sizeof(t))
#define RUMP__FCNW(c, t)	RUMP__FCN(RUMP_F_FSOUT, (c), (int)sizeof(t))
#define RUMP__FCNRW(c, t)	RUMP__FCN(RUMP_F_FSINOUT, (c), (int)sizeof(t))
#define RUMP__FCN_FSPRIV(inout, fs, num, len) \
	(RUMP_F_FSCTL | RUMP_F_FSPRIV | (inout) | \
	(((len) & RUMP_F_PARAM_MASK) << 16) | ((fs) << 8) | (num))
#define RUMP__FCNO_FSPRIV(f, c) \
	RUMP__FCN_FSPRIV(RUMP_F_FSVOID, (f), (c), 0)
#define RUMP__FCNR_FSPRIV(f, c, t) \
	RUMP__FCN_FSPRIV(RUMP_F_FSIN, (f), (c), (int)sizeof(t))
#define RUMP__FCNW_FSPRIV(f, c, t) \
	RUMP__FCN_FSPRIV(RUMP_F_FSOUT, (f), (c), (int)sizeof(t))
#define RUMP__FCNRW_FSPRIV(f, c, t) \
	RUMP__FCN_FSPRIV(RUMP_F_FSINOUT, (f), (c), (int)sizeof(t))

/* flock(2), lseek(2), access(2), posix_fadvise(2); beyond NetBSD. */
#define RUMP_LOCK_SH		0x01
#define RUMP_LOCK_EX		0x02
#define RUMP_LOCK_NB		0x04
#define RUMP_LOCK_UN		0x08

#define RUMP_SEEK_SET		0
#define RUMP_SEEK_CUR		1
#define RUMP_SEEK_END		2

#define RUMP_F_OK		0
#define RUMP_X_OK		0x01
#define RUMP_W_OK		0x02
#define RUMP_R_OK		0x04

#define RUMP_POSIX_FADV_NORMAL		0
#define RUMP_POSIX_FADV_RANDOM		1
#define RUMP_POSIX_FADV_SEQUENTIAL	2
#define RUMP_POSIX_FADV_WILLNEED	3
#define RUMP_POSIX_FADV_DONTNEED	4
#define RUMP_POSIX_FADV_NOREUSE		5

/* *at() calls; beyond NetBSD.  Several differ from Linux. */
#define RUMP_AT_FDCWD		-100
#define RUMP_AT_EACCESS		0x100
#define RUMP_AT_SYMLINK_NOFOLLOW 0x200
#define RUMP_AT_SYMLINK_FOLLOW	0x400
#define RUMP_AT_REMOVEDIR	0x800

/* utimensat/futimens tv_nsec values (sys/stat.h); beyond NetBSD. */
#define RUMP_UTIME_NOW		0x3fffffff
#define RUMP_UTIME_OMIT		0x3ffffffe

/*
 * Vnode types and lock flags (sys/vnode.h).
 */
enum rump_vtype {
	RUMP_VNON, RUMP_VREG, RUMP_VDIR, RUMP_VBLK, RUMP_VCHR,
	RUMP_VLNK, RUMP_VSOCK, RUMP_VFIFO, RUMP_VBAD
};
#define RUMP_LK_SHARED		0x00000001
#define RUMP_LK_EXCLUSIVE	0x00000002
#define RUMP_LK_NOWAIT		0x00000010
#define RUMP_LK_RETRY		0x00020000

/*
 * errno (sys/errno.h).  What rump_sys_* leave in errno on Linux is one
 * of these, not the host's number.  rumperr.h has the messages.
 */
#define RUMP_EPERM		1
#define RUMP_ENOENT		2
#define RUMP_ESRCH		3
#define RUMP_EINTR		4
#define RUMP_EIO		5
#define RUMP_ENXIO		6
#define RUMP_E2BIG		7
#define RUMP_ENOEXEC		8
#define RUMP_EBADF		9
#define RUMP_ECHILD		10
#define RUMP_EDEADLK		11
#define RUMP_ENOMEM		12
#define RUMP_EACCES		13
#define RUMP_EFAULT		14
#define RUMP_ENOTBLK		15
#define RUMP_EBUSY		16
#define RUMP_EEXIST		17
#define RUMP_EXDEV		18
#define RUMP_ENODEV		19
#define RUMP_ENOTDIR		20
#define RUMP_EISDIR		21
#define RUMP_EINVAL		22
#define RUMP_ENFILE		23
#define RUMP_EMFILE		24
#define RUMP_ENOTTY		25
#define RUMP_ETXTBSY		26
#define RUMP_EFBIG		27
#define RUMP_ENOSPC		28
#define RUMP_ESPIPE		29
#define RUMP_EROFS		30
#define RUMP_EMLINK		31
#define RUMP_EPIPE		32
#define RUMP_EDOM		33
#define RUMP_ERANGE		34
#define RUMP_EAGAIN		35
#define RUMP_EWOULDBLOCK	RUMP_EAGAIN
#define RUMP_EINPROGRESS	36
#define RUMP_EALREADY		37
#define RUMP_ENOTSOCK		38
#define RUMP_EDESTADDRREQ	39
#define RUMP_EMSGSIZE		40
#define RUMP_EPROTOTYPE		41
#define RUMP_ENOPROTOOPT	42
#define RUMP_EPROTONOSUPPORT	43
#define RUMP_ESOCKTNOSUPPORT	44
#define RUMP_EOPNOTSUPP		45
#define RUMP_EPFNOSUPPORT	46
#define RUMP_EAFNOSUPPORT	47
#define RUMP_EADDRINUSE		48
#define RUMP_EADDRNOTAVAIL	49
#define RUMP_ENETDOWN		50
#define RUMP_ENETUNREACH	51
#define RUMP_ENETRESET		52
#define RUMP_ECONNABORTED	53
#define RUMP_ECONNRESET		54
#define RUMP_ENOBUFS		55
#define RUMP_EISCONN		56
#define RUMP_ENOTCONN		57
#define RUMP_ESHUTDOWN		58
#define RUMP_ETOOMANYREFS	59
#define RUMP_ETIMEDOUT		60
#define RUMP_ECONNREFUSED	61
#define RUMP_ELOOP		62
#define RUMP_ENAMETOOLONG	63
#define RUMP_EHOSTDOWN		64
#define RUMP_EHOSTUNREACH	65
#define RUMP_ENOTEMPTY		66
#define RUMP_EPROCLIM		67
#define RUMP_EUSERS		68
#define RUMP_EDQUOT		69
#define RUMP_ESTALE		70
#define RUMP_EREMOTE		71
#define RUMP_EBADRPC		72
#define RUMP_ERPCMISMATCH	73
#define RUMP_EPROGUNAVAIL	74
#define RUMP_EPROGMISMATCH	75
#define RUMP_EPROCUNAVAIL	76
#define RUMP_ENOLCK		77
#define RUMP_ENOSYS		78
#define RUMP_EFTYPE		79
#define RUMP_EAUTH		80
#define RUMP_ENEEDAUTH		81
#define RUMP_EIDRM		82
#define RUMP_ENOMSG		83
#define RUMP_EOVERFLOW		84
#define RUMP_EILSEQ		85
#define RUMP_ENOTSUP		86
#define RUMP_ECANCELED		87
#define RUMP_EBADMSG		88
#define RUMP_ENODATA		89
#define RUMP_ENOSR		90
#define RUMP_ENOSTR		91
#define RUMP_ETIME		92
#define RUMP_ENOATTR		93
#define RUMP_EMULTIHOP		94
#define RUMP_ENOLINK		95
#define RUMP_EPROTO		96
#define RUMP_ELAST		96

/* Kernel-internal pseudo-errors; they never reach a caller. */
#define RUMP_EJUSTRETURN	-2
#define RUMP_ERESTART		-3
#define RUMP_EPASSTHROUGH	-4
#define RUMP_EDUPFD		-5
#define RUMP_EMOVEFD		-6

/*
 * reboot(2) howto bits (sys/reboot.h).  A rump kernel acts on
 * RUMP_RB_DUMP, RUMP_RB_NOSYNC and RUMP_RB_HALT only.
 */
#define RUMP_RB_AUTOBOOT	0
#define RUMP_RB_ASKNAME		0x00000001
#define RUMP_RB_SINGLE		0x00000002
#define RUMP_RB_NOSYNC		0x00000004
#define RUMP_RB_HALT		0x00000008
#define RUMP_RB_INITNAME	0x00000010
#define __RUMP_RB_UNUSED1	0x00000020
#define RUMP_RB_KDB		0x00000040
#define RUMP_RB_RDONLY		0x00000080
#define RUMP_RB_DUMP		0x00000100
#define RUMP_RB_MINIROOT	0x00000200
#define RUMP_RB_STRING		0x00000400
#define RUMP_RB_POWERDOWN	(RUMP_RB_HALT | 0x800)
#define RUMP_RB_USERCONF	0x00001000
#define RUMP_RB_MD1		0x10000000
#define RUMP_RB_MD2		0x20000000
#define RUMP_RB_MD3		0x40000000
#define RUMP_RB_MD4		0x80000000
#define RUMP_AB_NORMAL		0x00000000
#define RUMP_AB_QUIET		0x00010000
#define RUMP_AB_VERBOSE		0x00020000
#define RUMP_AB_SILENT		0x00040000
#define RUMP_AB_DEBUG		0x00080000

/*
 * Sockets (sys/socket.h).  NetBSD sockaddrs begin with a length byte
 * and a family byte, unlike Linux's two-byte family.
 */
#define RUMP_SOCK_STREAM	1
#define RUMP_SOCK_DGRAM		2
#define RUMP_SOCK_RAW		3
#define RUMP_SOCK_RDM		4
#define RUMP_SOCK_SEQPACKET	5
#define RUMP_SOCK_CONN_DGRAM	6
#define RUMP_SOCK_DCCP		RUMP_SOCK_CONN_DGRAM
#define RUMP_SOCK_CLOEXEC	0x10000000
#define RUMP_SOCK_NONBLOCK	0x20000000
#define RUMP_SOCK_NOSIGPIPE	0x40000000
#define RUMP_SOCK_FLAGS_MASK	0xf0000000

#define RUMP_AF_UNSPEC		0
#define RUMP_AF_LOCAL		1
#define RUMP_AF_UNIX		RUMP_AF_LOCAL
#define RUMP_AF_INET		2
#define RUMP_AF_IMPLINK		3
#define RUMP_AF_PUP		4
#define RUMP_AF_CHAOS		5
#define RUMP_AF_NS		6
#define RUMP_AF_ISO		7
#define RUMP_AF_OSI		RUMP_AF_ISO
#define RUMP_AF_ECMA		8
#define RUMP_AF_DATAKIT		9
#define RUMP_AF_CCITT		10
#define RUMP_AF_SNA		11
#define RUMP_AF_DECnet		12
#define RUMP_AF_DLI		13
#define RUMP_AF_LAT		14
#define RUMP_AF_HYLINK		15
#define RUMP_AF_APPLETALK	16
#define RUMP_AF_OROUTE		17
#define RUMP_AF_LINK		18
#define RUMP_AF_COIP		20
#define RUMP_AF_CNT		21
#define RUMP_AF_IPX		23
#define RUMP_AF_INET6		24
#define RUMP_AF_ISDN		26
#define RUMP_AF_E164		RUMP_AF_ISDN
#define RUMP_AF_NATM		27
#define RUMP_AF_ARP		28
#define RUMP_AF_BLUETOOTH	31
#define RUMP_AF_IEEE80211	32
#define RUMP_AF_MPLS		33
#define RUMP_AF_ROUTE		34
#define RUMP_AF_MAX		35

/* Protocol families without an address family of their own. */
#define RUMP_pseudo_AF_XTP	19
#define RUMP_pseudo_AF_RTIP	22
#define RUMP_pseudo_AF_PIP	25
#define RUMP_pseudo_AF_KEY	29

#define RUMP_PF_UNSPEC		RUMP_AF_UNSPEC
#define RUMP_PF_LOCAL		RUMP_AF_LOCAL
#define RUMP_PF_UNIX		RUMP_PF_LOCAL
#define RUMP_PF_INET		RUMP_AF_INET
#define RUMP_PF_IMPLINK		RUMP_AF_IMPLINK
#define RUMP_PF_PUP		RUMP_AF_PUP
#define RUMP_PF_CHAOS		RUMP_AF_CHAOS
#define RUMP_PF_NS		RUMP_AF_NS
#define RUMP_PF_ISO		RUMP_AF_ISO
#define RUMP_PF_OSI		RUMP_AF_ISO
#define RUMP_PF_ECMA		RUMP_AF_ECMA
#define RUMP_PF_DATAKIT		RUMP_AF_DATAKIT
#define RUMP_PF_CCITT		RUMP_AF_CCITT
#define RUMP_PF_SNA		RUMP_AF_SNA
#define RUMP_PF_DECnet		RUMP_AF_DECnet
#define RUMP_PF_DLI		RUMP_AF_DLI
#define RUMP_PF_LAT		RUMP_AF_LAT
#define RUMP_PF_HYLINK		RUMP_AF_HYLINK
#define RUMP_PF_APPLETALK	RUMP_AF_APPLETALK
#define RUMP_PF_OROUTE		RUMP_AF_OROUTE
#define RUMP_PF_LINK		RUMP_AF_LINK
#define RUMP_PF_XTP		RUMP_pseudo_AF_XTP
#define RUMP_PF_COIP		RUMP_AF_COIP
#define RUMP_PF_CNT		RUMP_AF_CNT
#define RUMP_PF_INET6		RUMP_AF_INET6
#define RUMP_PF_IPX		RUMP_AF_IPX
#define RUMP_PF_RTIP		RUMP_pseudo_AF_RTIP
#define RUMP_PF_PIP		RUMP_pseudo_AF_PIP
#define RUMP_PF_ISDN		RUMP_AF_ISDN
#define RUMP_PF_E164		RUMP_AF_E164
#define RUMP_PF_NATM		RUMP_AF_NATM
#define RUMP_PF_ARP		RUMP_AF_ARP
#define RUMP_PF_KEY		RUMP_pseudo_AF_KEY
#define RUMP_PF_BLUETOOTH	RUMP_AF_BLUETOOTH
#define RUMP_PF_MPLS		RUMP_AF_MPLS
#define RUMP_PF_ROUTE		RUMP_AF_ROUTE
#define RUMP_PF_MAX		RUMP_AF_MAX

#define RUMP_SOL_SOCKET		0xffff

#define RUMP_SO_DEBUG		0x0001
#define RUMP_SO_ACCEPTCONN	0x0002
#define RUMP_SO_REUSEADDR	0x0004
#define RUMP_SO_KEEPALIVE	0x0008
#define RUMP_SO_DONTROUTE	0x0010
#define RUMP_SO_BROADCAST	0x0020
#define RUMP_SO_USELOOPBACK	0x0040
#define RUMP_SO_LINGER		0x0080
#define RUMP_SO_OOBINLINE	0x0100
#define RUMP_SO_REUSEPORT	0x0200
#define RUMP_SO_NOSIGPIPE	0x0800
#define RUMP_SO_ACCEPTFILTER	0x1000
#define RUMP_SO_TIMESTAMP	0x2000
#define RUMP_SO_SNDBUF		0x1001
#define RUMP_SO_RCVBUF		0x1002
#define RUMP_SO_SNDLOWAT	0x1003
#define RUMP_SO_RCVLOWAT	0x1004
#define RUMP_SO_ERROR		0x1007
#define RUMP_SO_TYPE		0x1008
#define RUMP_SO_OVERFLOWED	0x1009
#define RUMP_SO_NOHEADER	0x100a
#define RUMP_SO_SNDTIMEO	0x100b
#define RUMP_SO_RCVTIMEO	0x100c

#define RUMP_MSG_OOB		0x0001
#define RUMP_MSG_PEEK		0x0002
#define RUMP_MSG_DONTROUTE	0x0004
#define RUMP_MSG_EOR		0x0008
#define RUMP_MSG_TRUNC		0x0010
#define RUMP_MSG_CTRUNC		0x0020
#define RUMP_MSG_WAITALL	0x0040
#define RUMP_MSG_DONTWAIT	0x0080
#define RUMP_MSG_BCAST		0x0100
#define RUMP_MSG_MCAST		0x0200
#define RUMP_MSG_NOSIGNAL	0x0400
#define RUMP_MSG_CMSG_CLOEXEC	0x0800
/* NetBSD's generated header misspells the one above; keep its name too. */
#define RUMP_MSG_CRUMP_MSG_CLOEXEC RUMP_MSG_CMSG_CLOEXEC
#define RUMP_MSG_NBIO		0x1000
#define RUMP_MSG_WAITFORONE	0x2000
#define RUMP_MSG_NOTIFICATION	0x4000
#define RUMP_MSG_USERFLAGS	0x0ffffff
#define RUMP_MSG_NAMEMBUF	0x1000000
#define RUMP_MSG_CONTROLMBUF	0x2000000
#define RUMP_MSG_IOVUSRSPACE	0x4000000
#define RUMP_MSG_LENUSRSPACE	0x8000000

/*
 * IP and TCP options (netinet/in.h, netinet/tcp.h).
 */
#define RUMP_IP_OPTIONS			1
#define RUMP_IP_HDRINCL			2
#define RUMP_IP_TOS			3
#define RUMP_IP_TTL			4
#define RUMP_IP_RECVOPTS		5
#define RUMP_IP_RECVRETOPTS		6
#define RUMP_IP_RECVDSTADDR		7
#define RUMP_IP_RETOPTS			8
#define RUMP_IP_MULTICAST_IF		9
#define RUMP_IP_MULTICAST_TTL		10
#define RUMP_IP_MULTICAST_LOOP		11
#define RUMP_IP_ADD_MEMBERSHIP		12
#define RUMP_IP_DROP_MEMBERSHIP		13
#define RUMP_IP_PORTALGO		18
#define RUMP_IP_PORTRANGE		19
#define RUMP_IP_RECVIF			20
#define RUMP_IP_ERRORMTU		21
#define RUMP_IP_IPSEC_POLICY		22
#define RUMP_IP_RECVTTL			23
#define RUMP_IP_MINTTL			24
#define RUMP_IP_PKTINFO			25
#define RUMP_IP_RECVPKTINFO		26
#define RUMP_IP_DEFAULT_MULTICAST_TTL	1
#define RUMP_IP_DEFAULT_MULTICAST_LOOP	1
#define RUMP_IP_MAX_MEMBERSHIPS		20
#define RUMP_IP_PORTRANGE_DEFAULT	0
#define RUMP_IP_PORTRANGE_HIGH		1
#define RUMP_IP_PORTRANGE_LOW		2

#define RUMP_IPPROTO_IP		0
#define RUMP_IPPROTO_HOPOPTS	0
#define RUMP_IPPROTO_ICMP	1
#define RUMP_IPPROTO_IGMP	2
#define RUMP_IPPROTO_GGP	3
#define RUMP_IPPROTO_IPV4	4
#define RUMP_IPPROTO_IPIP	4
#define RUMP_IPPROTO_TCP	6
#define RUMP_IPPROTO_EGP	8
#define RUMP_IPPROTO_PUP	12
#define RUMP_IPPROTO_UDP	17
#define RUMP_IPPROTO_IDP	22
#define RUMP_IPPROTO_TP		29
#define RUMP_IPPROTO_DCCP	33
#define RUMP_IPPROTO_IPV6	41
#define RUMP_IPPROTO_ROUTING	43
#define RUMP_IPPROTO_FRAGMENT	44
#define RUMP_IPPROTO_RSVP	46
#define RUMP_IPPROTO_GRE	47
#define RUMP_IPPROTO_ESP	50
#define RUMP_IPPROTO_AH		51
#define RUMP_IPPROTO_MOBILE	55
#define RUMP_IPPROTO_IPV6_ICMP	58
#define RUMP_IPPROTO_ICMPV6	58
#define RUMP_IPPROTO_NONE	59
#define RUMP_IPPROTO_DSTOPTS	60
#define RUMP_IPPROTO_EON	80
#define RUMP_IPPROTO_ETHERIP	97
#define RUMP_IPPROTO_ENCAP	98
#define RUMP_IPPROTO_PIM	103
#define RUMP_IPPROTO_IPCOMP	108
#define RUMP_IPPROTO_VRRP	112
#define RUMP_IPPROTO_CARP	112
#define RUMP_IPPROTO_SCTP	132
#define RUMP_IPPROTO_PFSYNC	240
#define RUMP_IPPROTO_RAW	255
#define RUMP_IPPROTO_MAX	256
#define RUMP_IPPROTO_DONE	257
#define RUMP_IPPROTO_MAXID	(RUMP_IPPROTO_AH + 1)

#define RUMP_TCP_MSS		536
#define RUMP_TCP_MINMSS		216
#define RUMP_TCP_MAXWIN		65535
#define RUMP_TCP_MAX_WINSHIFT	14
#define RUMP_TCP_MAXBURST	4
#define RUMP_TCP_NODELAY	1
#define RUMP_TCP_MAXSEG		2
#define RUMP_TCP_KEEPIDLE	3
#define RUMP_TCP_NOPUSH		4
#define RUMP_TCP_KEEPINTVL	5
#define RUMP_TCP_KEEPCNT	6
#define RUMP_TCP_KEEPINIT	7
#define RUMP_TCP_NOOPT		8
#define RUMP_TCP_INFO		9
#define RUMP_TCP_MD5SIG		0x10
#define RUMP_TCP_CONGCTL	0x20

/*
 * File system type names for mount(2) (sys/mount.h).
 */
#define RUMP_MOUNT_FFS		"ffs"
#define RUMP_MOUNT_UFS		RUMP_MOUNT_FFS
#define RUMP_MOUNT_NFS		"nfs"
#define RUMP_MOUNT_MFS		"mfs"
#define RUMP_MOUNT_MSDOS	"msdos"
#define RUMP_MOUNT_LFS		"lfs"
#define RUMP_MOUNT_FDESC	"fdesc"
#define RUMP_MOUNT_NULL		"null"
#define RUMP_MOUNT_OVERLAY	"overlay"
#define RUMP_MOUNT_UMAP		"umap"
#define RUMP_MOUNT_KERNFS	"kernfs"
#define RUMP_MOUNT_PROCFS	"procfs"
#define RUMP_MOUNT_AFS		"afs"
#define RUMP_MOUNT_CD9660	"cd9660"
#define RUMP_MOUNT_UNION	"union"
#define RUMP_MOUNT_ADOSFS	"adosfs"
#define RUMP_MOUNT_EXT2FS	"ext2fs"
#define RUMP_MOUNT_CFS		"coda"
#define RUMP_MOUNT_CODA		RUMP_MOUNT_CFS
#define RUMP_MOUNT_FILECORE	"filecore"
#define RUMP_MOUNT_NTFS		"ntfs"
#define RUMP_MOUNT_SMBFS	"smbfs"
#define RUMP_MOUNT_PTYFS	"ptyfs"
#define RUMP_MOUNT_TMPFS	"tmpfs"
#define RUMP_MOUNT_UDF		"udf"
#define RUMP_MOUNT_SYSVBFS	"sysvbfs"
#define RUMP_MOUNT_PUFFS	"puffs"
#define RUMP_MOUNT_HFS		"hfs"
#define RUMP_MOUNT_EFS		"efs"
#define RUMP_MOUNT_ZFS		"zfs"
#define RUMP_MOUNT_NILFS	"nilfs"
#define RUMP_MOUNT_RUMPFS	"rumpfs"
#define RUMP_MOUNT_V7FS		"v7fs"

/* struct rump_tmpfs_args ta_version; beyond NetBSD. */
#define RUMP_TMPFS_ARGS_VERSION	1

/*
 * Mount flags (sys/fstypes.h).
 */
#define RUMP_MNT_RDONLY		0x00000001
#define RUMP_MNT_SYNCHRONOUS	0x00000002
#define RUMP_MNT_NOEXEC		0x00000004
#define RUMP_MNT_NOSUID		0x00000008
#define RUMP_MNT_NODEV		0x00000010
#define RUMP_MNT_UNION		0x00000020
#define RUMP_MNT_ASYNC		0x00000040
#define RUMP_MNT_NOCOREDUMP	0x00008000
#define RUMP_MNT_RELATIME	0x00020000
#define RUMP_MNT_IGNORE		0x00100000
#define RUMP_MNT_DISCARD	0x00800000
#define RUMP_MNT_EXTATTR	0x01000000
#define RUMP_MNT_LOG		0x02000000
#define RUMP_MNT_NOATIME	0x04000000
#define RUMP_MNT_SYMPERM	0x20000000
#define RUMP_MNT_NODEVMTIME	0x40000000
#define RUMP_MNT_SOFTDEP	0x80000000

/* exports */
#define RUMP_MNT_EXRDONLY	0x00000080
#define RUMP_MNT_EXPORTED	0x00000100
#define RUMP_MNT_DEFEXPORTED	0x00000200
#define RUMP_MNT_EXPORTANON	0x00000400
#define RUMP_MNT_EXKERB		0x00000800
#define RUMP_MNT_EXNORESPORT	0x08000000
#define RUMP_MNT_EXPUBLIC	0x10000000

/* set by the kernel */
#define RUMP_MNT_LOCAL		0x00001000
#define RUMP_MNT_QUOTA		0x00002000
#define RUMP_MNT_ROOTFS		0x00004000

/* what mount(2) should do */
#define RUMP_MNT_UPDATE		0x00010000
#define RUMP_MNT_RELOAD		0x00040000
#define RUMP_MNT_FORCE		0x00080000
#define RUMP_MNT_GETARGS	0x00400000
#define RUMP_MNT_OP_FLAGS \
	(RUMP_MNT_UPDATE | RUMP_MNT_RELOAD | RUMP_MNT_FORCE | RUMP_MNT_GETARGS)

/* sync, getvfsstat and statvfs1 wait modes */
#define RUMP_MNT_WAIT		1
#define RUMP_MNT_NOWAIT		2
#define RUMP_MNT_LAZY		3
#define RUMP_ST_WAIT		RUMP_MNT_WAIT
#define RUMP_ST_NOWAIT		RUMP_MNT_NOWAIT

/*
 * ioctl command encoding (sys/ioccom.h): direction in the top three
 * bits, a 13-bit parameter length, group and number.
 */
#define RUMP_IOCPARM_MASK	0x1fff
#define RUMP_IOCPARM_SHIFT	16
#define RUMP_IOCGROUP_SHIFT	8
#define RUMP_IOCPARM_LEN(x) \
	(((x) >> RUMP_IOCPARM_SHIFT) & RUMP_IOCPARM_MASK)
#define RUMP_IOCBASECMD(x) \
	((x) & ~(RUMP_IOCPARM_MASK << RUMP_IOCPARM_SHIFT))
#define RUMP_IOCGROUP(x)	(((x) >> RUMP_IOCGROUP_SHIFT) & 0xff)
#define RUMP_IOCPARM_MAX	4096	/* NBPG on amd64 */
#define RUMP_IOC_VOID		(unsigned long)0x20000000
#define RUMP_IOC_OUT		(unsigned long)0x40000000
#define RUMP_IOC_IN		(unsigned long)0x80000000
#define RUMP_IOC_INOUT		(RUMP_IOC_IN | RUMP_IOC_OUT)
#define RUMP_IOC_DIRMASK	(unsigned long)0xe0000000
#define _RUMP_IOC(inout, group, num, len) \
	((inout) | (((len) & RUMP_IOCPARM_MASK) << RUMP_IOCPARM_SHIFT) | \
	((group) << RUMP_IOCGROUP_SHIFT) | (num))
#define _RUMP_IO(g, n)		_RUMP_IOC(RUMP_IOC_VOID, (g), (n), 0)
#define _RUMP_IOR(g, n, t)	_RUMP_IOC(RUMP_IOC_OUT, (g), (n), sizeof(t))
#define _RUMP_IOW(g, n, t)	_RUMP_IOC(RUMP_IOC_IN, (g), (n), sizeof(t))
#define _RUMP_IOWR(g, n, t) \
	_RUMP_IOC(RUMP_IOC_INOUT, (g), (n), sizeof(t))

/* Generic file ioctls (sys/filio.h); beyond NetBSD. */
#define RUMP_FIOCLEX		0x20006601UL
#define RUMP_FIONCLEX		0x20006602UL
#define RUMP_FIONREAD		0x4004667fUL
#define RUMP_FIONBIO		0x8004667eUL
#define RUMP_FIOASYNC		0x8004667dUL
#define RUMP_FIOSETOWN		0x8004667cUL
#define RUMP_FIOGETOWN		0x4004667bUL
#define RUMP_FIONWRITE		0x40046679UL
#define RUMP_FIONSPACE		0x40046678UL

/*
 * ktrace(2) (sys/ktrace.h).
 */
#define RUMP_KTROP_SET		0
#define RUMP_KTROP_CLEAR	1
#define RUMP_KTROP_CLEARFILE	2
#define RUMP_KTROP_MASK		0x3
#define RUMP_KTR_SHIMLEN	8	/* where ktr_pid sits in a header */
#define RUMP_KTR_SYSCALL	1
#define RUMP_KTR_SYSRET		2
#define RUMP_KTR_NAMEI		3
#define RUMP_KTR_GENIO		4
#define RUMP_KTR_PSIG		5
#define RUMP_KTR_CSW		6
#define RUMP_KTR_EMUL		7
#define RUMP_KTR_USER		8
#define RUMP_KTR_USER_MAXIDLEN	20
#define RUMP_KTR_USER_MAXLEN	2048
#define RUMP_KTR_EXEC_ARG	10
#define RUMP_KTR_EXEC_ENV	11
#define RUMP_KTR_SAUPCALL	13
#define RUMP_KTR_MIB		14
#define RUMP_KTR_EXEC_FD	15
#define RUMP_KTRFAC_MASK	0x00ffffff
#define RUMP_KTRFAC_SYSCALL	(1 << RUMP_KTR_SYSCALL)
#define RUMP_KTRFAC_SYSRET	(1 << RUMP_KTR_SYSRET)
#define RUMP_KTRFAC_NAMEI	(1 << RUMP_KTR_NAMEI)
#define RUMP_KTRFAC_GENIO	(1 << RUMP_KTR_GENIO)
#define RUMP_KTRFAC_PSIG	(1 << RUMP_KTR_PSIG)
#define RUMP_KTRFAC_CSW		(1 << RUMP_KTR_CSW)
#define RUMP_KTRFAC_EMUL	(1 << RUMP_KTR_EMUL)
#define RUMP_KTRFAC_USER	(1 << RUMP_KTR_USER)
#define RUMP_KTRFAC_EXEC_ARG	(1 << RUMP_KTR_EXEC_ARG)
#define RUMP_KTRFAC_EXEC_ENV	(1 << RUMP_KTR_EXEC_ENV)
#define RUMP_KTRFAC_MIB		(1 << RUMP_KTR_MIB)
#define RUMP_KTRFAC_EXEC_FD	(1 << RUMP_KTR_EXEC_FD)
#define RUMP_KTRFAC_PERSISTENT	0x80000000
#define RUMP_KTRFAC_INHERIT	0x40000000
#define RUMP_KTRFAC_TRC_EMUL	0x10000000
#define RUMP_KTRFAC_VER_MASK	0x0f000000
#define RUMP_KTRFAC_VER_SHIFT	24
#define RUMP_KTRFAC_VERSION(tf) \
	(((tf) & RUMP_KTRFAC_VER_MASK) >> RUMP_KTRFAC_VER_SHIFT)
#define RUMP_KTRFACv0		(0 << RUMP_KTRFAC_VER_SHIFT)
#define RUMP_KTRFACv1		(1 << RUMP_KTRFAC_VER_SHIFT)
#define RUMP_KTRFACv2		(2 << RUMP_KTRFAC_VER_SHIFT)

/*
 * modctl(2) (sys/module.h).  RUMP_MODCTL_LOAD takes a
 * struct rump_modctl_load; RUMP_MODCTL_EXISTS takes the integer
 * 0 (load) or 1 (autoload) in place of the pointer.
 */
enum rump_modctl {
	RUMP_MODCTL_LOAD,
	RUMP_MODCTL_UNLOAD,
	RUMP_MODCTL_STAT,
	RUMP_MODCTL_EXISTS
};
#define RUMP_MODCTL_LOAD_FORCE	0x1
#define RUMP_MODCTL_NO_PROP	0x2
#define RUMP_MAXMODNAME		32

/*
 * File types, permissions and chflags bits (sys/stat.h); beyond NetBSD.
 */
#define RUMP_S_IFMT		0170000
#define RUMP_S_IFIFO		0010000
#define RUMP_S_IFCHR		0020000
#define RUMP_S_IFDIR		0040000
#define RUMP_S_IFBLK		0060000
#define RUMP_S_IFREG		0100000
#define RUMP_S_IFLNK		0120000
#define RUMP_S_IFSOCK		0140000
#define RUMP_S_IFWHT		0160000
#define RUMP_S_ARCH1		0200000
#define RUMP_S_ARCH2		0400000
#define RUMP_S_ISUID		0004000
#define RUMP_S_ISGID		0002000
#define RUMP_S_ISVTX		0001000
#define RUMP_S_ISTXT		RUMP_S_ISVTX
#define RUMP_S_IRWXU		0000700
#define RUMP_S_IRUSR		0000400
#define RUMP_S_IWUSR		0000200
#define RUMP_S_IXUSR		0000100
#define RUMP_S_IRWXG		0000070
#define RUMP_S_IRGRP		0000040
#define RUMP_S_IWGRP		0000020
#define RUMP_S_IXGRP		0000010
#define RUMP_S_IRWXO		0000007
#define RUMP_S_IROTH		0000004
#define RUMP_S_IWOTH		0000002
#define RUMP_S_IXOTH		0000001
#define RUMP_ACCESSPERMS	0000777
#define RUMP_ALLPERMS		0007777
#define RUMP_DEFFILEMODE	0000666
#define RUMP_S_BLKSIZE		512
#define RUMP_S_ISDIR(m)		(((m) & RUMP_S_IFMT) == RUMP_S_IFDIR)
#define RUMP_S_ISCHR(m)		(((m) & RUMP_S_IFMT) == RUMP_S_IFCHR)
#define RUMP_S_ISBLK(m)		(((m) & RUMP_S_IFMT) == RUMP_S_IFBLK)
#define RUMP_S_ISREG(m)		(((m) & RUMP_S_IFMT) == RUMP_S_IFREG)
#define RUMP_S_ISFIFO(m)	(((m) & RUMP_S_IFMT) == RUMP_S_IFIFO)
#define RUMP_S_ISLNK(m)		(((m) & RUMP_S_IFMT) == RUMP_S_IFLNK)
#define RUMP_S_ISSOCK(m)	(((m) & RUMP_S_IFMT) == RUMP_S_IFSOCK)
#define RUMP_S_ISWHT(m)		(((m) & RUMP_S_IFMT) == RUMP_S_IFWHT)

#define RUMP_UF_SETTABLE	0x0000ffff
#define RUMP_UF_NODUMP		0x00000001
#define RUMP_UF_IMMUTABLE	0x00000002
#define RUMP_UF_APPEND		0x00000004
#define RUMP_UF_OPAQUE		0x00000008
#define RUMP_SF_SETTABLE	0xffff0000
#define RUMP_SF_ARCHIVED	0x00010000
#define RUMP_SF_IMMUTABLE	0x00020000
#define RUMP_SF_APPEND		0x00040000
#define RUMP_SF_SNAPSHOT	0x00200000
#define RUMP_SF_LOG		0x00400000
#define RUMP_SF_SNAPINVAL	0x00800000

/* struct rump_dirent d_type (sys/dirent.h); beyond NetBSD. */
#define RUMP_DT_UNKNOWN		0
#define RUMP_DT_FIFO		1
#define RUMP_DT_CHR		2
#define RUMP_DT_DIR		4
#define RUMP_DT_BLK		6
#define RUMP_DT_REG		8
#define RUMP_DT_LNK		10
#define RUMP_DT_SOCK		12
#define RUMP_DT_WHT		14
#define RUMP_IFTODT(mode)	(((mode) & 0170000) >> 12)
#define RUMP_DTTOIF(dt)		((dt) << 12)

/* Path limits (sys/syslimits.h, sys/dirent.h); beyond NetBSD. */
#define RUMP_MAXPATHLEN		1024
#define RUMP_MAXNAMLEN		511

/*
 * poll(2) and kqueue(2) (sys/poll.h, sys/event.h); beyond NetBSD.
 */
#define RUMP_POLLIN		0x0001
#define RUMP_POLLPRI		0x0002
#define RUMP_POLLOUT		0x0004
#define RUMP_POLLERR		0x0008
#define RUMP_POLLHUP		0x0010
#define RUMP_POLLNVAL		0x0020
#define RUMP_POLLRDNORM		0x0040
#define RUMP_POLLWRNORM		RUMP_POLLOUT
#define RUMP_POLLRDBAND		0x0080
#define RUMP_POLLWRBAND		0x0100
#define RUMP_INFTIM		-1

#define RUMP_EVFILT_READ	0U
#define RUMP_EVFILT_WRITE	1U
#define RUMP_EVFILT_AIO		2U
#define RUMP_EVFILT_VNODE	3U
#define RUMP_EVFILT_PROC	4U
#define RUMP_EVFILT_SIGNAL	5U
#define RUMP_EVFILT_TIMER	6U
#define RUMP_EV_ADD		0x0001U
#define RUMP_EV_DELETE		0x0002U
#define RUMP_EV_ENABLE		0x0004U
#define RUMP_EV_DISABLE		0x0008U
#define RUMP_EV_ONESHOT		0x0010U
#define RUMP_EV_CLEAR		0x0020U
#define RUMP_EV_RECEIPT		0x0040U
#define RUMP_EV_DISPATCH	0x0080U
#define RUMP_EV_ERROR		0x4000U
#define RUMP_EV_EOF		0x8000U

/*
 * sysctl(3) (sys/sysctl.h); beyond NetBSD.
 */
#define RUMP_CTL_MAXNAME	12
#define RUMP_SYSCTL_NAMELEN	32
#define RUMP_CTL_UNSPEC		0
#define RUMP_CTL_KERN		1
#define RUMP_CTL_VM		2
#define RUMP_CTL_VFS		3
#define RUMP_CTL_NET		4
#define RUMP_CTL_DEBUG		5
#define RUMP_CTL_HW		6
#define RUMP_CTL_MACHDEP	7
#define RUMP_CTL_USER		8
#define RUMP_CTL_DDB		9
#define RUMP_CTL_PROC		10
#define RUMP_CTL_VENDOR		11
#define RUMP_CTL_EMUL		12
#define RUMP_CTL_SECURITY	13
#define RUMP_CTL_MAXID		14

/* As the last MIB component: an operation rather than a node. */
#define RUMP_CTL_EOL		(-1)
#define RUMP_CTL_QUERY		(-2)
#define RUMP_CTL_CREATE		(-3)
#define RUMP_CTL_CREATESYM	(-4)
#define RUMP_CTL_DESTROY	(-5)
#define RUMP_CTL_MMAP		(-6)
#define RUMP_CTL_DESCRIBE	(-7)

#define RUMP_KERN_OSTYPE	1
#define RUMP_KERN_OSRELEASE	2
#define RUMP_KERN_OSREV		3
#define RUMP_KERN_VERSION	4
#define RUMP_KERN_HOSTNAME	10
#define RUMP_HW_MACHINE		1
#define RUMP_HW_MODEL		2
#define RUMP_HW_NCPU		3
#define RUMP_HW_BYTEORDER	4
#define RUMP_HW_PHYSMEM		5
#define RUMP_HW_USERMEM		6
#define RUMP_HW_PAGESIZE	7
#define RUMP_HW_MACHINE_ARCH	10
#define RUMP_HW_PHYSMEM64	13
#define RUMP_HW_USERMEM64	14
#define RUMP_HW_NCPUONLINE	16

/* struct rump_sysctlnode sysctl_flags */
#define RUMP_CTLTYPE_NODE	1
#define RUMP_CTLTYPE_INT	2
#define RUMP_CTLTYPE_STRING	3
#define RUMP_CTLTYPE_QUAD	4
#define RUMP_CTLTYPE_STRUCT	5
#define RUMP_CTLTYPE_BOOL	6
#define RUMP_CTLTYPE_MASK	0x0000000f
#define RUMP_CTLFLAG_READONLY	0x00000000
#define RUMP_CTLFLAG_READWRITE	0x00000070
#define RUMP_SYSCTL_VERS_MASK	0xff000000
#define RUMP_SYSCTL_VERS_1	0x01000000
#define RUMP_SYSCTL_VERSION	RUMP_SYSCTL_VERS_1

/*
 * Resource limits, clocks and timers (sys/resource.h, sys/time.h);
 * beyond NetBSD.
 */
#define RUMP_RLIMIT_CPU		0
#define RUMP_RLIMIT_FSIZE	1
#define RUMP_RLIMIT_DATA	2
#define RUMP_RLIMIT_STACK	3
#define RUMP_RLIMIT_CORE	4
#define RUMP_RLIMIT_RSS		5
#define RUMP_RLIMIT_MEMLOCK	6
#define RUMP_RLIMIT_NPROC	7
#define RUMP_RLIMIT_NOFILE	8
#define RUMP_RLIMIT_SBSIZE	9
#define RUMP_RLIMIT_AS		10
#define RUMP_RLIMIT_VMEM	RUMP_RLIMIT_AS
#define RUMP_RLIMIT_NTHR	11
#define RUMP_RLIM_NLIMITS	12
#define RUMP_RLIM_INFINITY	(~((uint64_t)1 << 63))

#define RUMP_CLOCK_REALTIME	0
#define RUMP_CLOCK_VIRTUAL	1
#define RUMP_CLOCK_PROF		2
#define RUMP_CLOCK_MONOTONIC	3
#define RUMP_CLOCK_THREAD_CPUTIME_ID	0x80000000
#define RUMP_CLOCK_PROCESS_CPUTIME_ID	0x40000000
#define RUMP_TIMER_RELTIME	0x0
#define RUMP_TIMER_ABSTIME	0x1
#define RUMP_ITIMER_REAL	0
#define RUMP_ITIMER_VIRTUAL	1
#define RUMP_ITIMER_PROF	2
#define RUMP_ITIMER_MONOTONIC	3

#endif /* _RUMP_RUMPDEFS_H_ */
