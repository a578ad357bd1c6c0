/*
 * rump_types.h: NetBSD amd64 structure layouts, spelled in fixed-width
 * types so that a Linux program and the kernel agree on every byte.
 *
 * The rump kernel is a NetBSD kernel whatever the host is, so a
 * rump_sys_stat() writes a NetBSD struct stat (152 bytes), not the
 * host's (144 bytes on Linux x86_64).  Programs on Linux pass these
 * structs where the syscall prototypes say "struct stat *" and so on;
 * the kernel uses them as its wire format.  Layouts come from the
 * spec, netbsd-abi.md section 4; the assertions at the bottom pin them.
 *
 * Member lists follow NetBSD's own, so code written for NetBSD needs
 * only the rump_ prefix on the struct name.  Padding stays implicit
 * where NetBSD leaves it implicit: whoever fills a struct for the other
 * side memsets it first.  The one exception is rump_timeval, whose
 * 32-bit tv_usec is followed by 4 bytes a Linux caller must know about.
 *
 * Pointer members are addresses in the caller's address space; a
 * remote (sysproxy) caller's pointers are not valid in the server.
 */
#ifndef _RUMP_RUMP_TYPES_H_
#define _RUMP_RUMP_TYPES_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define RUMP_STATIC_ASSERT	static_assert
#else
#define RUMP_STATIC_ASSERT	_Static_assert
#endif

RUMP_STATIC_ASSERT(sizeof(void *) == 8, "rump_types.h describes an LP64 ABI");

/* NetBSD dev_t: 12-bit major in bits 8..19, minor split around it. */
#define RUMP_MAKEDEV(maj, min) \
	((uint64_t)((((uint64_t)(maj) << 8) & 0x000fff00) | \
	    (((uint64_t)(min) << 12) & 0xfff00000) | \
	    ((uint64_t)(min) & 0x000000ff)))
#define RUMP_MAJOR(d)	((uint32_t)(((uint64_t)(d) & 0x000fff00) >> 8))
#define RUMP_MINOR(d) \
	((uint32_t)((((uint64_t)(d) & 0xfff00000) >> 12) | \
	    ((uint64_t)(d) & 0x000000ff)))

/* Size of a getdents record holding a name of namlen bytes (8-aligned). */
#define RUMP_DIRENT_RECLEN(namlen)	((13 + (namlen) + 1 + 7) & ~7)

struct rump_timespec {
	int64_t	tv_sec;
	int64_t	tv_nsec;
};

/* NetBSD's suseconds_t is an int: read only the low 4 bytes, zero tv_pad. */
struct rump_timeval {
	int64_t	tv_sec;
	int32_t	tv_usec;
	int32_t	tv_pad;
};

struct rump_itimerval {
	struct rump_timeval	it_interval;
	struct rump_timeval	it_value;
};

struct rump_itimerspec {
	struct rump_timespec	it_interval;
	struct rump_timespec	it_value;
};

struct rump_stat {
	uint64_t	st_dev;
	uint32_t	st_mode;
	uint64_t	st_ino;
	uint32_t	st_nlink;
	uint32_t	st_uid;
	uint32_t	st_gid;
	uint64_t	st_rdev;
	struct rump_timespec	st_atim;
	struct rump_timespec	st_mtim;
	struct rump_timespec	st_ctim;
	struct rump_timespec	st_birthtim;
	int64_t		st_size;
	int64_t		st_blocks;	/* 512-byte units */
	int32_t		st_blksize;
	uint32_t	st_flags;	/* RUMP_UF_* / RUMP_SF_* */
	uint32_t	st_gen;
	uint32_t	st_spare[2];
};

/* One getdents record; records are RUMP_DIRENT_RECLEN(d_namlen) long. */
struct rump_dirent {
	uint64_t	d_fileno;
	uint16_t	d_reclen;
	uint16_t	d_namlen;	/* without the NUL */
	uint8_t		d_type;		/* RUMP_DT_* */
	char		d_name[511 + 1];
};

struct rump_fsid {
	int32_t	fsid_val[2];
};

struct rump_statvfs {
	uint64_t	f_flag;		/* visible RUMP_MNT_* flags */
	uint64_t	f_bsize;
	uint64_t	f_frsize;
	uint64_t	f_iosize;
	uint64_t	f_blocks;	/* in f_frsize units */
	uint64_t	f_bfree;
	uint64_t	f_bavail;
	uint64_t	f_bresvd;
	uint64_t	f_files;
	uint64_t	f_ffree;
	uint64_t	f_favail;
	uint64_t	f_fresvd;
	uint64_t	f_syncreads;
	uint64_t	f_syncwrites;
	uint64_t	f_asyncreads;
	uint64_t	f_asyncwrites;
	struct rump_fsid	f_fsidx;
	uint64_t	f_fsid;
	uint64_t	f_namemax;
	uint32_t	f_owner;
	uint32_t	f_spare[4];
	char		f_fstypename[32];
	char		f_mntonname[1024];
	char		f_mntfromname[1024];
};

struct rump_flock {
	int64_t	l_start;
	int64_t	l_len;
	int32_t	l_pid;
	int16_t	l_type;		/* RUMP_F_RDLCK, _UNLCK, _WRLCK */
	int16_t	l_whence;	/* RUMP_SEEK_* */
};

struct rump_pollfd {
	int32_t	fd;
	int16_t	events;		/* RUMP_POLL* */
	int16_t	revents;
};

struct rump_iovec {
	void		*iov_base;
	uint64_t	iov_len;
};

struct rump_rlimit {
	uint64_t	rlim_cur;
	uint64_t	rlim_max;
};

struct rump_kevent {
	uint64_t	ident;
	uint32_t	filter;		/* RUMP_EVFILT_* */
	uint32_t	flags;		/* RUMP_EV_* */
	uint32_t	fflags;
	int64_t		data;
	int64_t		udata;
};

/* mount(RUMP_MOUNT_TMPFS, ...) data; ta_version is RUMP_TMPFS_ARGS_VERSION. */
struct rump_tmpfs_args {
	int32_t		ta_version;
	uint64_t	ta_nodes_max;
	int64_t		ta_size_max;
	uint32_t	ta_root_uid;
	uint32_t	ta_root_gid;
	uint32_t	ta_root_mode;
};

/* mount(RUMP_MOUNT_FFS, ...) data: a device path in the rump namespace. */
struct rump_ufs_args {
	char	*fspec;
};

struct rump_sysvbfs_args {
	char	*fspec;
};

/* modctl(RUMP_MODCTL_LOAD, &ml) argument. */
struct rump_modctl_load {
	const char	*ml_filename;
	int32_t		ml_flags;	/* RUMP_MODCTL_LOAD_FORCE, _NO_PROP */
	const char	*ml_props;	/* XML property list, or NULL */
	uint64_t	ml_propslen;
};

/*
 * A sysctl tree node as CTL_QUERY returns it.  NetBSD pads every
 * pointer-sized member to 8 bytes; here they are plain uint64_t.
 */
struct rump_sysctlnode {
	uint32_t	sysctl_flags;	/* type: low 4 bits; version: top 8 */
	int32_t		sysctl_num;
	char		sysctl_name[32];
	uint32_t	sysctl_ver;
	uint32_t	sysctl_rsvd;
	union {
		struct {
			uint32_t	suc_csize;
			uint32_t	suc_clen;
			uint64_t	suc_child;
		} scu_child;
		struct {
			uint64_t	sud_data;
			uint64_t	sud_offset;
		} scu_data;
		int32_t		scu_alias;
		int32_t		scu_idata;
		uint64_t	scu_qdata;
		uint8_t		scu_bdata;
	} sysctl_un;
	uint64_t	sysctl_size;
	uint64_t	sysctl_func;
	uint64_t	sysctl_parent;
	uint64_t	sysctl_desc;
};

/* Layout checks against netbsd-abi.md section 4. */
#define RUMP_ASSERT_SIZE(t, n) \
	RUMP_STATIC_ASSERT(sizeof(t) == (n), #t " is " #n " bytes")
#define RUMP_ASSERT_OFF(t, f, n) \
	RUMP_STATIC_ASSERT(offsetof(t, f) == (n), #t "." #f " at " #n)

RUMP_ASSERT_SIZE(struct rump_timespec, 16);
RUMP_ASSERT_SIZE(struct rump_timeval, 16);
RUMP_ASSERT_OFF(struct rump_timeval, tv_usec, 8);
RUMP_ASSERT_SIZE(struct rump_itimerval, 32);
RUMP_ASSERT_SIZE(struct rump_itimerspec, 32);

RUMP_ASSERT_SIZE(struct rump_stat, 152);
RUMP_ASSERT_OFF(struct rump_stat, st_mode, 8);
RUMP_ASSERT_OFF(struct rump_stat, st_ino, 16);
RUMP_ASSERT_OFF(struct rump_stat, st_nlink, 24);
RUMP_ASSERT_OFF(struct rump_stat, st_uid, 28);
RUMP_ASSERT_OFF(struct rump_stat, st_gid, 32);
RUMP_ASSERT_OFF(struct rump_stat, st_rdev, 40);
RUMP_ASSERT_OFF(struct rump_stat, st_atim, 48);
RUMP_ASSERT_OFF(struct rump_stat, st_mtim, 64);
RUMP_ASSERT_OFF(struct rump_stat, st_ctim, 80);
RUMP_ASSERT_OFF(struct rump_stat, st_birthtim, 96);
RUMP_ASSERT_OFF(struct rump_stat, st_size, 112);
RUMP_ASSERT_OFF(struct rump_stat, st_blocks, 120);
RUMP_ASSERT_OFF(struct rump_stat, st_blksize, 128);
RUMP_ASSERT_OFF(struct rump_stat, st_flags, 132);
RUMP_ASSERT_OFF(struct rump_stat, st_gen, 136);
RUMP_ASSERT_OFF(struct rump_stat, st_spare, 140);

RUMP_ASSERT_SIZE(struct rump_dirent, 528);
RUMP_ASSERT_OFF(struct rump_dirent, d_reclen, 8);
RUMP_ASSERT_OFF(struct rump_dirent, d_namlen, 10);
RUMP_ASSERT_OFF(struct rump_dirent, d_type, 12);
RUMP_ASSERT_OFF(struct rump_dirent, d_name, 13);
RUMP_STATIC_ASSERT(RUMP_DIRENT_RECLEN(1) == 16 && RUMP_DIRENT_RECLEN(2) == 16 &&
    RUMP_DIRENT_RECLEN(3) == 24, "dirent record lengths");

RUMP_ASSERT_SIZE(struct rump_statvfs, 2256);
RUMP_ASSERT_OFF(struct rump_statvfs, f_bsize, 8);
RUMP_ASSERT_OFF(struct rump_statvfs, f_blocks, 32);
RUMP_ASSERT_OFF(struct rump_statvfs, f_files, 64);
RUMP_ASSERT_OFF(struct rump_statvfs, f_syncreads, 96);
RUMP_ASSERT_OFF(struct rump_statvfs, f_fsidx, 128);
RUMP_ASSERT_OFF(struct rump_statvfs, f_fsid, 136);
RUMP_ASSERT_OFF(struct rump_statvfs, f_namemax, 144);
RUMP_ASSERT_OFF(struct rump_statvfs, f_owner, 152);
RUMP_ASSERT_OFF(struct rump_statvfs, f_spare, 156);
RUMP_ASSERT_OFF(struct rump_statvfs, f_fstypename, 172);
RUMP_ASSERT_OFF(struct rump_statvfs, f_mntonname, 204);
RUMP_ASSERT_OFF(struct rump_statvfs, f_mntfromname, 1228);

RUMP_ASSERT_SIZE(struct rump_flock, 24);
RUMP_ASSERT_OFF(struct rump_flock, l_pid, 16);
RUMP_ASSERT_OFF(struct rump_flock, l_type, 20);
RUMP_ASSERT_OFF(struct rump_flock, l_whence, 22);

RUMP_ASSERT_SIZE(struct rump_pollfd, 8);
RUMP_ASSERT_OFF(struct rump_pollfd, revents, 6);
RUMP_ASSERT_SIZE(struct rump_iovec, 16);
RUMP_ASSERT_OFF(struct rump_iovec, iov_len, 8);
RUMP_ASSERT_SIZE(struct rump_rlimit, 16);

RUMP_ASSERT_SIZE(struct rump_kevent, 40);
RUMP_ASSERT_OFF(struct rump_kevent, filter, 8);
RUMP_ASSERT_OFF(struct rump_kevent, flags, 12);
RUMP_ASSERT_OFF(struct rump_kevent, fflags, 16);
RUMP_ASSERT_OFF(struct rump_kevent, data, 24);
RUMP_ASSERT_OFF(struct rump_kevent, udata, 32);

RUMP_ASSERT_SIZE(struct rump_tmpfs_args, 40);
RUMP_ASSERT_OFF(struct rump_tmpfs_args, ta_nodes_max, 8);
RUMP_ASSERT_OFF(struct rump_tmpfs_args, ta_size_max, 16);
RUMP_ASSERT_OFF(struct rump_tmpfs_args, ta_root_uid, 24);
RUMP_ASSERT_OFF(struct rump_tmpfs_args, ta_root_gid, 28);
RUMP_ASSERT_OFF(struct rump_tmpfs_args, ta_root_mode, 32);
RUMP_ASSERT_SIZE(struct rump_ufs_args, 8);

RUMP_ASSERT_SIZE(struct rump_modctl_load, 32);
RUMP_ASSERT_OFF(struct rump_modctl_load, ml_flags, 8);
RUMP_ASSERT_OFF(struct rump_modctl_load, ml_props, 16);
RUMP_ASSERT_OFF(struct rump_modctl_load, ml_propslen, 24);

RUMP_ASSERT_SIZE(struct rump_sysctlnode, 96);
RUMP_ASSERT_OFF(struct rump_sysctlnode, sysctl_name, 8);
RUMP_ASSERT_OFF(struct rump_sysctlnode, sysctl_ver, 40);
RUMP_ASSERT_OFF(struct rump_sysctlnode, sysctl_un, 48);
RUMP_ASSERT_OFF(struct rump_sysctlnode, sysctl_size, 64);
RUMP_ASSERT_OFF(struct rump_sysctlnode, sysctl_func, 72);
RUMP_ASSERT_OFF(struct rump_sysctlnode, sysctl_parent, 80);
RUMP_ASSERT_OFF(struct rump_sysctlnode, sysctl_desc, 88);

#undef RUMP_ASSERT_SIZE
#undef RUMP_ASSERT_OFF
#undef RUMP_STATIC_ASSERT

#endif /* _RUMP_RUMP_TYPES_H_ */
