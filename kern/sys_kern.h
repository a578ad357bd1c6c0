/*
 * sys_kern.h: the kern faction's system calls, private to kern/.
 *
 * Each sys_X below implements NetBSD system call X with the table
 * signature (sy_call_t): arguments arrive as 8-byte slots read with
 * SARG_*, results go to retval[0..1], the return value is 0 or a
 * NetBSD errno.  kern/kern_syscalls.c holds the one table that maps
 * numbers to these functions.
 *
 *   sys_descrip.c  descriptors: close, dup*, fcntl, flock, fstat,
 *                  fpathconf, posix_fadvise
 *   sys_generic.c  read, write, readv, writev, ioctl
 *   sys_prot.c     ids, groups, login, process groups, rlimits
 *   sys_time.c     clocks, sleeping, interval timers
 *   pipe.c         pipe, pipe2
 *   sys_poll.c     poll, pollts, select, pselect
 *   sys_kqueue.c   kqueue, kqueue1, kevent
 *   sys_timer.c    timer_create, timer_delete, timer_settime,
 *                  timer_gettime, timer_getoverrun
 *   sys_ktrace.c   fktrace, utrace (ktrace itself, which names a
 *                  file, is the vfs faction's: vfs/vfs_sysktrace.c)
 *   sysctl.c       __sysctl
 *   sys_reboot.c   reboot
 */
#ifndef KERN_SYS_KERN_H
#define KERN_SYS_KERN_H

#include "kern/kern.h"

#define SYSCALL_DECL(name) \
	int name(struct lwp *, const void *, register_t *)

/* sys_descrip.c */
SYSCALL_DECL(sys_close);
SYSCALL_DECL(sys_dup);
SYSCALL_DECL(sys_dup2);
SYSCALL_DECL(sys_dup3);
SYSCALL_DECL(sys_fcntl);
SYSCALL_DECL(sys_flock);
SYSCALL_DECL(sys_fstat);
SYSCALL_DECL(sys_fpathconf);
SYSCALL_DECL(sys_posix_fadvise);

/* sys_generic.c */
SYSCALL_DECL(sys_read);
SYSCALL_DECL(sys_write);
SYSCALL_DECL(sys_readv);
SYSCALL_DECL(sys_writev);
SYSCALL_DECL(sys_ioctl);

/* sys_prot.c */
SYSCALL_DECL(sys_getpid);
SYSCALL_DECL(sys_getppid);
SYSCALL_DECL(sys_getuid);
SYSCALL_DECL(sys_geteuid);
SYSCALL_DECL(sys_getgid);
SYSCALL_DECL(sys_getegid);
SYSCALL_DECL(sys_setuid);
SYSCALL_DECL(sys_seteuid);
SYSCALL_DECL(sys_setreuid);
SYSCALL_DECL(sys_setgid);
SYSCALL_DECL(sys_setegid);
SYSCALL_DECL(sys_setregid);
SYSCALL_DECL(sys_getgroups);
SYSCALL_DECL(sys_setgroups);
SYSCALL_DECL(sys___getlogin);
SYSCALL_DECL(sys___setlogin);
SYSCALL_DECL(sys_getpgrp);
SYSCALL_DECL(sys_setpgid);
SYSCALL_DECL(sys_getpgid);
SYSCALL_DECL(sys_getsid);
SYSCALL_DECL(sys_setsid);
SYSCALL_DECL(sys_issetugid);
SYSCALL_DECL(sys_getrlimit);
SYSCALL_DECL(sys_setrlimit);

/* sys_time.c */
SYSCALL_DECL(sys_gettimeofday);
SYSCALL_DECL(sys_settimeofday);
SYSCALL_DECL(sys_adjtime);
SYSCALL_DECL(sys_clock_gettime);
SYSCALL_DECL(sys_clock_settime);
SYSCALL_DECL(sys_clock_getres);
SYSCALL_DECL(sys_nanosleep);
SYSCALL_DECL(sys_clock_nanosleep);
SYSCALL_DECL(sys_getitimer);
SYSCALL_DECL(sys_setitimer);

/* pipe.c */
SYSCALL_DECL(sys_pipe);
SYSCALL_DECL(sys_pipe2);

/* sys_poll.c */
SYSCALL_DECL(sys_poll);
SYSCALL_DECL(sys_pollts);
SYSCALL_DECL(sys_select);
SYSCALL_DECL(sys_pselect);

/* sys_kqueue.c */
SYSCALL_DECL(sys_kqueue);
SYSCALL_DECL(sys_kqueue1);
SYSCALL_DECL(sys___kevent50);

/* sys_timer.c */
SYSCALL_DECL(sys_timer_create);
SYSCALL_DECL(sys_timer_delete);
SYSCALL_DECL(sys_timer_getoverrun);
SYSCALL_DECL(sys___timer_settime50);
SYSCALL_DECL(sys___timer_gettime50);

/* sys_ktrace.c */
SYSCALL_DECL(sys_fktrace);
SYSCALL_DECL(sys_utrace);

/* sysctl.c */
SYSCALL_DECL(sys___sysctl);

/* sys_reboot.c */
SYSCALL_DECL(sys_reboot);

/* Helpers shared between the files above. */

/* Boot-time set-up, from kern_syscalls_init(). */
void	prot_init(void);	/* sys_prot.c */
void	poll_init(void);	/* sys_poll.c */
void	kqueue_init(void);	/* sys_kqueue.c */
void	ptimer_init(void);	/* sys_timer.c */
void	ktrace_init(void);	/* sys_ktrace.c */

/* The system-wide descriptor ceiling (NetBSD maxfiles); fd_maxfiles()
 * caps RLIMIT_NOFILE at the same value. */
#define MAXFILES	65536
#define IOV_MAX		1024
#ifndef SSIZE_MAX
#define SSIZE_MAX	INT64_MAX
#endif
#define PIPE_BUF	512
#define _PC_PIPE_BUF	6

/* A file's flags, read under f_lock (sys_descrip.c). */
int	file_getflags(struct file *fp);
/* fo_ioctl, with EPASSTHROUGH and a missing fo_ioctl as ENOTTY. */
int	file_ioctl(struct file *fp, unsigned long cmd, void *data);
/* fo_ioctl for FIONBIO/FIOASYNC: a file that does not know them has
 * nothing to do for them (sys_generic.c). */
int	file_flagioctl(struct file *fp, unsigned long cmd, int on);

#endif
