/*
 * rumpuser_sp.h: the sysproxy server, the host half.
 *
 * NetBSD splits its remote system call server the same way: the
 * sockets, threads and protocol live with the hypercalls (here,
 * rumpuser/sp_server.c); the kernel's sysproxy component
 * (sysproxy/sysproxy.c, librumpkern_sysproxy) supplies the upcalls
 * below and a vmspace whose copies come back here.
 *
 * Client processes.  The kernel hands the server an opaque handle per
 * client process (in our kernel: an lwp that anchors the process, so
 * it lives between calls).  `spc` is the server's per-connection
 * cookie; the kernel stores it with the process and passes it back to
 * the copy functions.  All upcalls are made from host threads that are
 * not inside the kernel.
 */
#ifndef RUMPUSER_RUMPUSER_SP_H
#define RUMPUSER_RUMPUSER_SP_H

#include <stddef.h>
#include <stdint.h>

struct rumpuser_sp_hyp {
	/* GUEST: a new process, child of init, fresh descriptors with the
	 * console on 0-2, p_comm = comm. */
	int	(*hyp_newproc)(void *spc, const char *comm, void **procp);
	/* PREFORK (spc NULL, descriptors copied) and FORK handshake (spc
	 * of the new connection, descriptors shared with `parent`). */
	int	(*hyp_forkproc)(void *parent, void *spc, int share,
		    void **procp);
	int	(*hyp_getpid)(void *proc);
	/* EXEC handshake, once no call of the process is in flight:
	 * close its close-on-exec descriptors and rename it. */
	void	(*hyp_execproc)(void *proc, const char *comm);
	/* The client is gone: abandon sleeps (calls end with EINTR). */
	void	(*hyp_cancelproc)(void *proc);
	/* No call in flight any more: the process exits. */
	void	(*hyp_releaseproc)(void *proc);
	/* Run system call num in proc on a fresh lwp; returns NetBSD errno
	 * (ESRCH if the process is gone). */
	int	(*hyp_syscall)(void *proc, int num, void *data, size_t dlen,
		    int64_t retval[2]);
};

/* Bind, listen and start serving.  0 or a NetBSD errno. */
int	rumpuser_sp_init(const char *url, const struct rumpuser_sp_hyp *hyp,
	    const char *ostype, const char *osrelease, const char *machine);

/* The kernel reaching into a client's memory during one of its calls.
 * NetBSD errnos: EFAULT when the client is gone or the address bad. */
int	rumpuser_sp_copyin(void *spc, const void *raddr, void *laddr,
	    size_t len);
/* *lenp in: max bytes; out: bytes received (the string incl. NUL). */
int	rumpuser_sp_copyinstr(void *spc, const void *raddr, void *laddr,
	    size_t *lenp);
int	rumpuser_sp_copyout(void *spc, const void *laddr, void *raddr,
	    size_t len);
int	rumpuser_sp_anonmmap(void *spc, size_t len, void **resp);
int	rumpuser_sp_raise(void *spc, int netbsd_signo);

/* Halting: unlink the socket, answer the reboot call of client `spc`
 * (NULL: a local halt), stop accepting, close the connections. */
void	rumpuser_sp_fini(void *spc);

#endif
