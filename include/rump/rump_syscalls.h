/*
 * rump_syscalls.h: the system calls of a rump kernel, one C function
 * each, with NetBSD's names, argument order and types.
 *
 * The kernel behind them is NetBSD, whatever the host:
 *  - flags, modes and command numbers are NetBSD's: use the RUMP_*
 *    constants of <rump/rumpdefs.h>, not the host's O_CREAT and friends;
 *  - on failure a call returns -1 and leaves a NetBSD errno number in
 *    errno (print it with rump_strerror() from <rump/rumperr.h>);
 *  - on Linux the struct pointers receive NetBSD layouts, declared in
 *    <rump/rump_types.h>.  rump_sys_stat() writes 152 bytes (a
 *    struct rump_stat) where Linux's struct stat has 144;
 *    rump_sys_statvfs1() writes a 2256-byte struct rump_statvfs;
 *    rump_sys_getdents() fills its buffer with struct rump_dirent
 *    records; fcntl locks take a struct rump_flock; dev_t values are
 *    NetBSD-encoded (RUMP_MAKEDEV).  Host structs that happen to share
 *    NetBSD's layout on amd64 (timespec, iovec, rlimit, pollfd) work
 *    as they are, and a host timeval works because the kernel reads
 *    only the low 32 bits of tv_usec.  sockaddrs (which start with a
 *    length byte) and signal numbers in a sigset_t are NetBSD's.
 *
 * Each rump_sys_X binds to the assembler name rump___sysimpl_X<version>,
 * the same name NetBSD's header gives it (stat -> stat50, mount ->
 * mount50, getdents -> getdents30, ...), so objects compiled against
 * either header link with this library.  The library also exports the
 * plain rump_sys_X names.  rump_sys_pipe is the one call NetBSD leaves
 * unrenamed.
 */
#ifndef _RUMP_RUMP_SYSCALLS_H_
#define _RUMP_RUMP_SYSCALLS_H_

#include <stdint.h>
#include <sys/types.h>
#include <sys/select.h>		/* fd_set, sigset_t */
#include <sys/socket.h>		/* socklen_t */

#ifdef __cplusplus
extern "C" {
#endif

struct aiocb;
struct iovec;
struct itimerspec;
struct itimerval;
struct kevent;
struct mmsghdr;
struct msghdr;
struct pollfd;
struct quotactl_args;
struct rlimit;
struct sigevent;
struct sockaddr;
struct stat;
struct statvfs;
struct timespec;
struct timeval;

ssize_t rump_sys_read(int, void *, size_t) __asm__("rump___sysimpl_read");
ssize_t rump_sys_write(int, const void *, size_t)
    __asm__("rump___sysimpl_write");
int rump_sys_open(const char *, int, ...) __asm__("rump___sysimpl_open");
int rump_sys_close(int) __asm__("rump___sysimpl_close");
int rump_sys_link(const char *, const char *) __asm__("rump___sysimpl_link");
int rump_sys_unlink(const char *) __asm__("rump___sysimpl_unlink");
int rump_sys_chdir(const char *) __asm__("rump___sysimpl_chdir");
int rump_sys_fchdir(int) __asm__("rump___sysimpl_fchdir");
int rump_sys_chmod(const char *, mode_t) __asm__("rump___sysimpl_chmod");
int rump_sys_chown(const char *, uid_t, gid_t) __asm__("rump___sysimpl_chown");
pid_t rump_sys_getpid(void) __asm__("rump___sysimpl_getpid");
int rump_sys_unmount(const char *, int) __asm__("rump___sysimpl_unmount");
int rump_sys_setuid(uid_t) __asm__("rump___sysimpl_setuid");
uid_t rump_sys_getuid(void) __asm__("rump___sysimpl_getuid");
uid_t rump_sys_geteuid(void) __asm__("rump___sysimpl_geteuid");
ssize_t rump_sys_recvmsg(int, struct msghdr *, int)
    __asm__("rump___sysimpl_recvmsg");
ssize_t rump_sys_sendmsg(int, const struct msghdr *, int)
    __asm__("rump___sysimpl_sendmsg");
ssize_t rump_sys_recvfrom(int, void *, size_t, int, struct sockaddr *,
    socklen_t *)
    __asm__("rump___sysimpl_recvfrom");
int rump_sys_accept(int, struct sockaddr *, socklen_t *)
    __asm__("rump___sysimpl_accept");
int rump_sys_getpeername(int, struct sockaddr *, socklen_t *)
    __asm__("rump___sysimpl_getpeername");
int rump_sys_getsockname(int, struct sockaddr *, socklen_t *)
    __asm__("rump___sysimpl_getsockname");
int rump_sys_access(const char *, int) __asm__("rump___sysimpl_access");
int rump_sys_chflags(const char *, unsigned long)
    __asm__("rump___sysimpl_chflags");
int rump_sys_fchflags(int, unsigned long) __asm__("rump___sysimpl_fchflags");
void rump_sys_sync(void) __asm__("rump___sysimpl_sync");
pid_t rump_sys_getppid(void) __asm__("rump___sysimpl_getppid");
int rump_sys_dup(int) __asm__("rump___sysimpl_dup");
gid_t rump_sys_getegid(void) __asm__("rump___sysimpl_getegid");
int rump_sys_ktrace(const char *, int, int, pid_t)
    __asm__("rump___sysimpl_ktrace");
gid_t rump_sys_getgid(void) __asm__("rump___sysimpl_getgid");
int rump_sys___getlogin(char *, size_t) __asm__("rump___sysimpl___getlogin");
int rump_sys___setlogin(const char *) __asm__("rump___sysimpl___setlogin");
int rump_sys_ioctl(int, unsigned long, ...) __asm__("rump___sysimpl_ioctl");
int rump_sys_revoke(const char *) __asm__("rump___sysimpl_revoke");
int rump_sys_symlink(const char *, const char *)
    __asm__("rump___sysimpl_symlink");
ssize_t rump_sys_readlink(const char *, char *, size_t)
    __asm__("rump___sysimpl_readlink");
mode_t rump_sys_umask(mode_t) __asm__("rump___sysimpl_umask");
int rump_sys_chroot(const char *) __asm__("rump___sysimpl_chroot");
int rump_sys_getgroups(int, gid_t *) __asm__("rump___sysimpl_getgroups");
int rump_sys_setgroups(int, const gid_t *) __asm__("rump___sysimpl_setgroups");
int rump_sys_getpgrp(void) __asm__("rump___sysimpl_getpgrp");
int rump_sys_setpgid(pid_t, pid_t) __asm__("rump___sysimpl_setpgid");
int rump_sys_dup2(int, int) __asm__("rump___sysimpl_dup2");
int rump_sys_fcntl(int, int, ...) __asm__("rump___sysimpl_fcntl");
int rump_sys_fsync(int) __asm__("rump___sysimpl_fsync");
int rump_sys_connect(int, const struct sockaddr *, socklen_t)
    __asm__("rump___sysimpl_connect");
int rump_sys_bind(int, const struct sockaddr *, socklen_t)
    __asm__("rump___sysimpl_bind");
int rump_sys_setsockopt(int, int, int, const void *, socklen_t)
    __asm__("rump___sysimpl_setsockopt");
int rump_sys_listen(int, int) __asm__("rump___sysimpl_listen");
int rump_sys_getsockopt(int, int, int, void *, socklen_t *)
    __asm__("rump___sysimpl_getsockopt");
ssize_t rump_sys_readv(int, const struct iovec *, int)
    __asm__("rump___sysimpl_readv");
ssize_t rump_sys_writev(int, const struct iovec *, int)
    __asm__("rump___sysimpl_writev");
int rump_sys_fchown(int, uid_t, gid_t) __asm__("rump___sysimpl_fchown");
int rump_sys_fchmod(int, mode_t) __asm__("rump___sysimpl_fchmod");
int rump_sys_setreuid(uid_t, uid_t) __asm__("rump___sysimpl_setreuid");
int rump_sys_setregid(gid_t, gid_t) __asm__("rump___sysimpl_setregid");
int rump_sys_rename(const char *, const char *)
    __asm__("rump___sysimpl_rename");
int rump_sys_flock(int, int) __asm__("rump___sysimpl_flock");
int rump_sys_mkfifo(const char *, mode_t) __asm__("rump___sysimpl_mkfifo");
ssize_t rump_sys_sendto(int, const void *, size_t, int,
    const struct sockaddr *, socklen_t)
    __asm__("rump___sysimpl_sendto");
int rump_sys_shutdown(int, int) __asm__("rump___sysimpl_shutdown");
int rump_sys_socketpair(int, int, int, int *)
    __asm__("rump___sysimpl_socketpair");
int rump_sys_mkdir(const char *, mode_t) __asm__("rump___sysimpl_mkdir");
int rump_sys_rmdir(const char *) __asm__("rump___sysimpl_rmdir");
int rump_sys_setsid(void) __asm__("rump___sysimpl_setsid");
int rump_sys_nfssvc(int, void *) __asm__("rump___sysimpl_nfssvc");
ssize_t rump_sys_pread(int, void *, size_t, off_t)
    __asm__("rump___sysimpl_pread");
ssize_t rump_sys_pwrite(int, const void *, size_t, off_t)
    __asm__("rump___sysimpl_pwrite");
int rump_sys_setgid(gid_t) __asm__("rump___sysimpl_setgid");
int rump_sys_setegid(gid_t) __asm__("rump___sysimpl_setegid");
int rump_sys_seteuid(uid_t) __asm__("rump___sysimpl_seteuid");
long rump_sys_pathconf(const char *, int) __asm__("rump___sysimpl_pathconf");
long rump_sys_fpathconf(int, int) __asm__("rump___sysimpl_fpathconf");
int rump_sys_getrlimit(int, struct rlimit *)
    __asm__("rump___sysimpl_getrlimit");
int rump_sys_setrlimit(int, const struct rlimit *)
    __asm__("rump___sysimpl_setrlimit");
off_t rump_sys_lseek(int, off_t, int) __asm__("rump___sysimpl_lseek");
int rump_sys_truncate(const char *, off_t) __asm__("rump___sysimpl_truncate");
int rump_sys_ftruncate(int, off_t) __asm__("rump___sysimpl_ftruncate");
int rump_sys___sysctl(const int *, unsigned int, void *, size_t *,
    const void *, size_t)
    __asm__("rump___sysimpl___sysctl");
pid_t rump_sys_getpgid(pid_t) __asm__("rump___sysimpl_getpgid");
int rump_sys_reboot(int, char *) __asm__("rump___sysimpl_reboot");
int rump_sys_poll(struct pollfd *, unsigned int, int)
    __asm__("rump___sysimpl_poll");
int rump_sys_timer_create(clockid_t, struct sigevent *, timer_t *)
    __asm__("rump___sysimpl_timer_create");
int rump_sys_timer_delete(timer_t) __asm__("rump___sysimpl_timer_delete");
int rump_sys_timer_getoverrun(timer_t)
    __asm__("rump___sysimpl_timer_getoverrun");
int rump_sys_fdatasync(int) __asm__("rump___sysimpl_fdatasync");
int rump_sys_modctl(int, void *) __asm__("rump___sysimpl_modctl");
int rump_sys__ksem_init(unsigned int, intptr_t *)
    __asm__("rump___sysimpl__ksem_init");
int rump_sys__ksem_open(const char *, int, mode_t, unsigned int, intptr_t *)
    __asm__("rump___sysimpl__ksem_open");
int rump_sys__ksem_unlink(const char *) __asm__("rump___sysimpl__ksem_unlink");
int rump_sys__ksem_close(intptr_t) __asm__("rump___sysimpl__ksem_close");
int rump_sys__ksem_post(intptr_t) __asm__("rump___sysimpl__ksem_post");
int rump_sys__ksem_wait(intptr_t) __asm__("rump___sysimpl__ksem_wait");
int rump_sys__ksem_trywait(intptr_t) __asm__("rump___sysimpl__ksem_trywait");
int rump_sys__ksem_getvalue(intptr_t, unsigned int *)
    __asm__("rump___sysimpl__ksem_getvalue");
int rump_sys__ksem_destroy(intptr_t) __asm__("rump___sysimpl__ksem_destroy");
int rump_sys__ksem_timedwait(intptr_t, const struct timespec *)
    __asm__("rump___sysimpl__ksem_timedwait");
int rump_sys___posix_rename(const char *, const char *)
    __asm__("rump___sysimpl___posix_rename");
int rump_sys_lchmod(const char *, mode_t) __asm__("rump___sysimpl_lchmod");
int rump_sys_lchown(const char *, uid_t, gid_t)
    __asm__("rump___sysimpl_lchown");
int rump_sys___posix_chown(const char *, uid_t, gid_t)
    __asm__("rump___sysimpl___posix_chown");
int rump_sys___posix_fchown(int, uid_t, gid_t)
    __asm__("rump___sysimpl___posix_fchown");
int rump_sys___posix_lchown(const char *, uid_t, gid_t)
    __asm__("rump___sysimpl___posix_lchown");
pid_t rump_sys_getsid(pid_t) __asm__("rump___sysimpl_getsid");
int rump_sys_fktrace(int, int, int, pid_t) __asm__("rump___sysimpl_fktrace");
ssize_t rump_sys_preadv(int, const struct iovec *, int, off_t)
    __asm__("rump___sysimpl_preadv");
ssize_t rump_sys_pwritev(int, const struct iovec *, int, off_t)
    __asm__("rump___sysimpl_pwritev");
int rump_sys___getcwd(char *, size_t) __asm__("rump___sysimpl___getcwd");
int rump_sys_fchroot(int) __asm__("rump___sysimpl_fchroot");
int rump_sys_lchflags(const char *, unsigned long)
    __asm__("rump___sysimpl_lchflags");
int rump_sys_issetugid(void) __asm__("rump___sysimpl_issetugid");
int rump_sys_utrace(const char *, void *, size_t)
    __asm__("rump___sysimpl_utrace");
int rump_sys_kqueue(void) __asm__("rump___sysimpl_kqueue");
int rump_sys_fsync_range(int, int, off_t, off_t)
    __asm__("rump___sysimpl_fsync_range");
int rump_sys_getvfsstat(struct statvfs *, size_t, int)
    __asm__("rump___sysimpl_getvfsstat");
int rump_sys_statvfs1(const char *, struct statvfs *, int)
    __asm__("rump___sysimpl_statvfs1");
int rump_sys_fstatvfs1(int, struct statvfs *, int)
    __asm__("rump___sysimpl_fstatvfs1");
int rump_sys_extattrctl(const char *, int, const char *, int, const char *)
    __asm__("rump___sysimpl_extattrctl");
int rump_sys_extattr_set_file(const char *, int, const char *, const void *,
    size_t)
    __asm__("rump___sysimpl_extattr_set_file");
ssize_t rump_sys_extattr_get_file(const char *, int, const char *, void *,
    size_t)
    __asm__("rump___sysimpl_extattr_get_file");
int rump_sys_extattr_delete_file(const char *, int, const char *)
    __asm__("rump___sysimpl_extattr_delete_file");
int rump_sys_extattr_set_fd(int, int, const char *, const void *, size_t)
    __asm__("rump___sysimpl_extattr_set_fd");
ssize_t rump_sys_extattr_get_fd(int, int, const char *, void *, size_t)
    __asm__("rump___sysimpl_extattr_get_fd");
int rump_sys_extattr_delete_fd(int, int, const char *)
    __asm__("rump___sysimpl_extattr_delete_fd");
int rump_sys_extattr_set_link(const char *, int, const char *, const void *,
    size_t)
    __asm__("rump___sysimpl_extattr_set_link");
ssize_t rump_sys_extattr_get_link(const char *, int, const char *, void *,
    size_t)
    __asm__("rump___sysimpl_extattr_get_link");
int rump_sys_extattr_delete_link(const char *, int, const char *)
    __asm__("rump___sysimpl_extattr_delete_link");
ssize_t rump_sys_extattr_list_fd(int, int, void *, size_t)
    __asm__("rump___sysimpl_extattr_list_fd");
ssize_t rump_sys_extattr_list_file(const char *, int, void *, size_t)
    __asm__("rump___sysimpl_extattr_list_file");
ssize_t rump_sys_extattr_list_link(const char *, int, void *, size_t)
    __asm__("rump___sysimpl_extattr_list_link");
int rump_sys_setxattr(const char *, const char *, const void *, size_t, int)
    __asm__("rump___sysimpl_setxattr");
int rump_sys_lsetxattr(const char *, const char *, const void *, size_t, int)
    __asm__("rump___sysimpl_lsetxattr");
int rump_sys_fsetxattr(int, const char *, const void *, size_t, int)
    __asm__("rump___sysimpl_fsetxattr");
int rump_sys_getxattr(const char *, const char *, void *, size_t)
    __asm__("rump___sysimpl_getxattr");
int rump_sys_lgetxattr(const char *, const char *, void *, size_t)
    __asm__("rump___sysimpl_lgetxattr");
int rump_sys_fgetxattr(int, const char *, void *, size_t)
    __asm__("rump___sysimpl_fgetxattr");
int rump_sys_listxattr(const char *, char *, size_t)
    __asm__("rump___sysimpl_listxattr");
int rump_sys_llistxattr(const char *, char *, size_t)
    __asm__("rump___sysimpl_llistxattr");
int rump_sys_flistxattr(int, char *, size_t)
    __asm__("rump___sysimpl_flistxattr");
int rump_sys_removexattr(const char *, const char *)
    __asm__("rump___sysimpl_removexattr");
int rump_sys_lremovexattr(const char *, const char *)
    __asm__("rump___sysimpl_lremovexattr");
int rump_sys_fremovexattr(int, const char *)
    __asm__("rump___sysimpl_fremovexattr");
int rump_sys_getdents(int, char *, size_t)
    __asm__("rump___sysimpl_getdents30");
int rump_sys_socket(int, int, int) __asm__("rump___sysimpl_socket30");
int rump_sys_getfh(const char *, void *, size_t *)
    __asm__("rump___sysimpl_getfh30");
int rump_sys_fhopen(const void *, size_t, int)
    __asm__("rump___sysimpl_fhopen40");
int rump_sys_fhstatvfs1(const void *, size_t, struct statvfs *, int)
    __asm__("rump___sysimpl_fhstatvfs140");
int rump_sys_aio_cancel(int, struct aiocb *)
    __asm__("rump___sysimpl_aio_cancel");
int rump_sys_aio_error(const struct aiocb *)
    __asm__("rump___sysimpl_aio_error");
int rump_sys_aio_fsync(int, struct aiocb *)
    __asm__("rump___sysimpl_aio_fsync");
int rump_sys_aio_read(struct aiocb *) __asm__("rump___sysimpl_aio_read");
int rump_sys_aio_return(struct aiocb *) __asm__("rump___sysimpl_aio_return");
int rump_sys_aio_write(struct aiocb *) __asm__("rump___sysimpl_aio_write");
int rump_sys_lio_listio(int, struct aiocb *const *, int, struct sigevent *)
    __asm__("rump___sysimpl_lio_listio");
int rump_sys_mount(const char *, const char *, int, void *, size_t)
    __asm__("rump___sysimpl_mount50");
int rump_sys_posix_fadvise(int, off_t, off_t, int)
    __asm__("rump___sysimpl_posix_fadvise50");
int rump_sys_select(int, fd_set *, fd_set *, fd_set *, struct timeval *)
    __asm__("rump___sysimpl_select50");
int rump_sys_gettimeofday(struct timeval *, void *)
    __asm__("rump___sysimpl_gettimeofday50");
int rump_sys_settimeofday(const struct timeval *, const void *)
    __asm__("rump___sysimpl_settimeofday50");
int rump_sys_utimes(const char *, const struct timeval *)
    __asm__("rump___sysimpl_utimes50");
int rump_sys_adjtime(const struct timeval *, struct timeval *)
    __asm__("rump___sysimpl_adjtime50");
int rump_sys_futimes(int, const struct timeval *)
    __asm__("rump___sysimpl_futimes50");
int rump_sys_lutimes(const char *, const struct timeval *)
    __asm__("rump___sysimpl_lutimes50");
int rump_sys_setitimer(int, const struct itimerval *, struct itimerval *)
    __asm__("rump___sysimpl_setitimer50");
int rump_sys_getitimer(int, struct itimerval *)
    __asm__("rump___sysimpl_getitimer50");
int rump_sys_clock_gettime(clockid_t, struct timespec *)
    __asm__("rump___sysimpl_clock_gettime50");
int rump_sys_clock_settime(clockid_t, const struct timespec *)
    __asm__("rump___sysimpl_clock_settime50");
int rump_sys_clock_getres(clockid_t, struct timespec *)
    __asm__("rump___sysimpl_clock_getres50");
int rump_sys_nanosleep(const struct timespec *, struct timespec *)
    __asm__("rump___sysimpl_nanosleep50");
int rump_sys_kevent(int, const struct kevent *, size_t, struct kevent *,
    size_t, const struct timespec *)
    __asm__("rump___sysimpl_kevent50");
int rump_sys_pselect(int, fd_set *, fd_set *, fd_set *,
    const struct timespec *, const sigset_t *)
    __asm__("rump___sysimpl_pselect50");
int rump_sys_pollts(struct pollfd *, unsigned int, const struct timespec *,
    const sigset_t *)
    __asm__("rump___sysimpl_pollts50");
int rump_sys_aio_suspend(const struct aiocb *const *, int,
    const struct timespec *)
    __asm__("rump___sysimpl_aio_suspend50");
int rump_sys_stat(const char *, struct stat *)
    __asm__("rump___sysimpl_stat50");
int rump_sys_fstat(int, struct stat *) __asm__("rump___sysimpl_fstat50");
int rump_sys_lstat(const char *, struct stat *)
    __asm__("rump___sysimpl_lstat50");
int rump_sys_timer_settime(timer_t, int, const struct itimerspec *,
    struct itimerspec *)
    __asm__("rump___sysimpl_timer_settime50");
int rump_sys_timer_gettime(timer_t, struct itimerspec *)
    __asm__("rump___sysimpl_timer_gettime50");
int rump_sys_mknod(const char *, mode_t, dev_t)
    __asm__("rump___sysimpl_mknod50");
int rump_sys_fhstat(const void *, size_t, struct stat *)
    __asm__("rump___sysimpl_fhstat50");
int rump_sys_pipe2(int *, int) __asm__("rump___sysimpl_pipe2");
int rump_sys_dup3(int, int, int) __asm__("rump___sysimpl_dup3");
int rump_sys_kqueue1(int) __asm__("rump___sysimpl_kqueue1");
int rump_sys_paccept(int, struct sockaddr *, socklen_t *, const sigset_t *,
    int)
    __asm__("rump___sysimpl_paccept");
int rump_sys_linkat(int, const char *, int, const char *, int)
    __asm__("rump___sysimpl_linkat");
int rump_sys_renameat(int, const char *, int, const char *)
    __asm__("rump___sysimpl_renameat");
int rump_sys_mkfifoat(int, const char *, mode_t)
    __asm__("rump___sysimpl_mkfifoat");
int rump_sys_mknodat(int, const char *, mode_t, dev_t)
    __asm__("rump___sysimpl_mknodat");
int rump_sys_mkdirat(int, const char *, mode_t)
    __asm__("rump___sysimpl_mkdirat");
int rump_sys_faccessat(int, const char *, int, int)
    __asm__("rump___sysimpl_faccessat");
int rump_sys_fchmodat(int, const char *, mode_t, int)
    __asm__("rump___sysimpl_fchmodat");
int rump_sys_fchownat(int, const char *, uid_t, gid_t, int)
    __asm__("rump___sysimpl_fchownat");
int rump_sys_fstatat(int, const char *, struct stat *, int)
    __asm__("rump___sysimpl_fstatat");
int rump_sys_utimensat(int, const char *, const struct timespec *, int)
    __asm__("rump___sysimpl_utimensat");
int rump_sys_openat(int, const char *, int, ...)
    __asm__("rump___sysimpl_openat");
ssize_t rump_sys_readlinkat(int, const char *, char *, size_t)
    __asm__("rump___sysimpl_readlinkat");
int rump_sys_symlinkat(const char *, int, const char *)
    __asm__("rump___sysimpl_symlinkat");
int rump_sys_unlinkat(int, const char *, int)
    __asm__("rump___sysimpl_unlinkat");
int rump_sys_futimens(int, const struct timespec *)
    __asm__("rump___sysimpl_futimens");
int rump_sys___quotactl(const char *, struct quotactl_args *)
    __asm__("rump___sysimpl___quotactl");
int rump_sys_recvmmsg(int, struct mmsghdr *, unsigned int, unsigned int,
    struct timespec *)
    __asm__("rump___sysimpl_recvmmsg");
int rump_sys_sendmmsg(int, struct mmsghdr *, unsigned int, unsigned int)
    __asm__("rump___sysimpl_sendmmsg");
int rump_sys_clock_nanosleep(clockid_t, int, const struct timespec *,
    struct timespec *)
    __asm__("rump___sysimpl_clock_nanosleep");
int rump_sys_posix_fallocate(int, off_t, off_t)
    __asm__("rump___sysimpl_posix_fallocate");
int rump_sys_fdiscard(int, off_t, off_t) __asm__("rump___sysimpl_fdiscard");
int rump_sys_pipe(int *);

#ifdef __cplusplus
}
#endif

#endif /* _RUMP_RUMP_SYSCALLS_H_ */
