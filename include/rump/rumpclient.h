/*
 * rumpclient.h: librumpclient, system calls made in a remote rump
 * kernel over a socket (see rumpclient(3)).
 *
 * The names, prototypes and constants are NetBSD's, so programs written
 * for NetBSD's librumpclient build against this header unchanged.  The
 * one difference: rumpclient_vfork() is a function here (it forks; see
 * the manual page), not a macro around vfork().
 */
#ifndef _RUMP_RUMPCLIENT_H_
#define _RUMP_RUMPCLIENT_H_

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The state a forked child needs to claim its copy of the process. */
struct rumpclient_fork;

/* Connect to the server named by RUMP_SERVER.  0, or -1 and errno. */
int	rumpclient_init(void);

/* Run system call `num` in the server; 0 or a NetBSD errno. */
int	rumpclient_syscall(int num, const void *data, size_t dlen,
	    register_t *retval);

/* The fork family: a copy of the rump process for the host child. */
struct rumpclient_fork *rumpclient_prefork(void);
int	rumpclient_fork_init(struct rumpclient_fork *);
void	rumpclient_fork_cancel(struct rumpclient_fork *);
void	rumpclient_fork_vparent(struct rumpclient_fork *);
pid_t	rumpclient_fork(void);
pid_t	rumpclient_vfork(void);
int	rumpclient_daemon(int nochdir, int noclose);

/* execve() keeping the rump process and its descriptors. */
int	rumpclient_exec(const char *path, char *const argv[],
	    char *const envp[]);

/* What to do when the connection to the server is lost. */
#define RUMPCLIENT_RETRYCONN_INFTIME	((time_t)-1)
#define RUMPCLIENT_RETRYCONN_ONCE	((time_t)-2)
#define RUMPCLIENT_RETRYCONN_DIE	((time_t)-3)
void	rumpclient_setconnretry(time_t timeout);

/* For librumphijack: the application is about to close or dup2 over
 * *fdp, or close every descriptor from *fdp up. */
enum rumpclient_closevariant {
	RUMPCLIENT_CLOSE_CLOSE,
	RUMPCLIENT_CLOSE_DUP2,
	RUMPCLIENT_CLOSE_FCLOSEM
};
int	rumpclient__closenotify(int *fdp, enum rumpclient_closevariant);

#ifdef __cplusplus
}
#endif

#endif /* _RUMP_RUMPCLIENT_H_ */
