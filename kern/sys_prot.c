/*
 * sys_prot.c: who a process is: process, group and session ids; user
 * and group ids; supplementary groups; the login name; resource limits.
 *
 * Credential rules (NetBSD's kern_prot.c): the superuser (effective
 * uid 0) may set any id; anyone else may only set an id to one of the
 * values the call allows (its real, effective or saved id), else
 * EPERM.  Credentials are never edited in place: a change builds a
 * copy and installs it with proc_setcred(), which also marks the
 * process set-id tainted (issetugid).  crmod_lock serialises those
 * read-copy-install sequences so two lwps of one process cannot lose
 * each other's change.
 *
 * Process groups and sessions live in p_pgid/p_sid under proc_lock;
 * a group exists while some process has it as p_pgid.
 */
#include "kern/sys_kern.h"

#define NOID		((uint32_t)-1)	/* "leave unchanged" */
#define LOGINLEN	16		/* NetBSD MAXLOGNAME */

/* Which existing ids a new one may equal (NetBSD's ID_*_EQ_*). */
#define R_EQ_R	0x001
#define R_EQ_E	0x002
#define R_EQ_S	0x004
#define E_EQ_R	0x008
#define E_EQ_E	0x010
#define E_EQ_S	0x020
#define S_EQ_R	0x040
#define S_EQ_E	0x080
#define S_EQ_S	0x100

static kmutex_t crmod_lock;

void
prot_init(void)
{
	mutex_init(&crmod_lock);
}

/* --- process ids ------------------------------------------------------ */

static pid_t
parent_pid(struct proc *p)
{
	pid_t ppid;

	mutex_enter(&proc_lock);
	ppid = p->p_pptr != NULL ? p->p_pptr->p_pid : 0;
	mutex_exit(&proc_lock);
	return ppid;
}

/* getpid: retval[0] the pid, retval[1] the parent's (NetBSD ABI). */
int
sys_getpid(struct lwp *l, const void *args, register_t *retval)
{
	(void)args;
	retval[0] = l->l_proc->p_pid;
	retval[1] = parent_pid(l->l_proc);
	return 0;
}

int
sys_getppid(struct lwp *l, const void *args, register_t *retval)
{
	(void)args;
	retval[0] = parent_pid(l->l_proc);
	return 0;
}

/* --- user and group ids ----------------------------------------------- */

/* getuid: retval[0] the real uid, retval[1] the effective one. */
int
sys_getuid(struct lwp *l, const void *args, register_t *retval)
{
	(void)args;
	retval[0] = l->l_cred->cr_uid;
	retval[1] = l->l_cred->cr_euid;
	return 0;
}

int
sys_geteuid(struct lwp *l, const void *args, register_t *retval)
{
	(void)args;
	retval[0] = l->l_cred->cr_euid;
	return 0;
}

int
sys_getgid(struct lwp *l, const void *args, register_t *retval)
{
	(void)args;
	retval[0] = l->l_cred->cr_gid;
	retval[1] = l->l_cred->cr_egid;
	return 0;
}

int
sys_getegid(struct lwp *l, const void *args, register_t *retval)
{
	(void)args;
	retval[0] = l->l_cred->cr_egid;
	return 0;
}

/* The process's credentials, held; cred_free when done. */
static kauth_cred_t
proc_cred(struct proc *p)
{
	kauth_cred_t c;

	mutex_enter(&p->p_lock);
	c = p->p_cred;
	cred_hold(c);
	mutex_exit(&p->p_lock);
	return c;
}

/* May the new id n replace one, given the current (r, e, s) triple? */
static bool
id_allowed(uint32_t n, uint32_t r, uint32_t e, uint32_t s, int eqr, int eqe,
    int eqs)
{
	return n == NOID || (eqr && n == r) || (eqe && n == e) ||
	    (eqs && n == s);
}

/* What set*id applies: new real, effective, saved ids, or NOID. */
struct idset {
	uint32_t r, e, s;
};

/* The permission check shared by the uid and gid calls. */
static int
ids_check(const struct idset *n, uint32_t cr, uint32_t ce, uint32_t cs,
    int flags, kauth_cred_t cred)
{
	if (id_allowed(n->r, cr, ce, cs, flags & R_EQ_R, flags & R_EQ_E,
	    flags & R_EQ_S) &&
	    id_allowed(n->e, cr, ce, cs, flags & E_EQ_R, flags & E_EQ_E,
	    flags & E_EQ_S) &&
	    id_allowed(n->s, cr, ce, cs, flags & S_EQ_R, flags & S_EQ_E,
	    flags & S_EQ_S))
		return 0;
	return cred_isroot(cred) ? 0 : EPERM;
}

static bool
ids_unchanged(const struct idset *n, uint32_t cr, uint32_t ce, uint32_t cs)
{
	return (n->r == NOID || n->r == cr) && (n->e == NOID || n->e == ce) &&
	    (n->s == NOID || n->s == cs);
}

static int
do_setresid(struct lwp *l, struct idset n, int flags, bool gid)
{
	struct proc *p = l->l_proc;
	kauth_cred_t cred, ncred;
	uint32_t cr, ce, cs;
	int error;

	mutex_enter(&crmod_lock);
	cred = proc_cred(p);
	cr = gid ? cred->cr_gid : cred->cr_uid;
	ce = gid ? cred->cr_egid : cred->cr_euid;
	cs = gid ? cred->cr_svgid : cred->cr_svuid;
	if ((error = ids_check(&n, cr, ce, cs, flags, cred)) != 0 ||
	    ids_unchanged(&n, cr, ce, cs))
		goto out;
	if ((ncred = cred_dup(cred)) == NULL) {
		error = ENOMEM;
		goto out;
	}
	if (gid) {
		if (n.r != NOID)
			ncred->cr_gid = n.r;
		if (n.s != NOID)
			ncred->cr_svgid = n.s;
		if (n.e != NOID)
			ncred->cr_egid = n.e;
	} else {
		if (n.r != NOID)
			ncred->cr_uid = n.r;
		if (n.s != NOID)
			ncred->cr_svuid = n.s;
		if (n.e != NOID)
			ncred->cr_euid = n.e;
	}
	proc_setcred(p, ncred);
out:
	cred_free(cred);
	mutex_exit(&crmod_lock);
	return error;
}

int
sys_setuid(struct lwp *l, const void *args, register_t *retval)
{
	uint32_t id = SARG_UINT(args, 0);

	(void)retval;
	return do_setresid(l, (struct idset){ id, id, id },
	    R_EQ_R | E_EQ_R | S_EQ_R, false);
}

int
sys_seteuid(struct lwp *l, const void *args, register_t *retval)
{
	(void)retval;
	return do_setresid(l, (struct idset){ NOID, SARG_UINT(args, 0), NOID },
	    E_EQ_R | E_EQ_S, false);
}

int
sys_setgid(struct lwp *l, const void *args, register_t *retval)
{
	uint32_t id = SARG_UINT(args, 0);

	(void)retval;
	return do_setresid(l, (struct idset){ id, id, id },
	    R_EQ_R | E_EQ_R | S_EQ_R, true);
}

int
sys_setegid(struct lwp *l, const void *args, register_t *retval)
{
	(void)retval;
	return do_setresid(l, (struct idset){ NOID, SARG_UINT(args, 0), NOID },
	    E_EQ_R | E_EQ_S, true);
}

/*
 * setreuid/setregid: -1 keeps an id; the saved id follows the new
 * effective id when the real id changes.
 */
static int
do_setreid(struct lwp *l, uint32_t r, uint32_t e, bool gid)
{
	kauth_cred_t c = l->l_cred;
	uint32_t cur_r = gid ? c->cr_gid : c->cr_uid;
	uint32_t cur_e = gid ? c->cr_egid : c->cr_euid;

	if (r == NOID)
		r = cur_r;
	if (e == NOID)
		e = cur_e;
	return do_setresid(l, (struct idset){ r, e, r == cur_r ? NOID : e },
	    R_EQ_R | R_EQ_E | E_EQ_R | E_EQ_E | E_EQ_S |
	    S_EQ_R | S_EQ_E | S_EQ_S, gid);
}

int
sys_setreuid(struct lwp *l, const void *args, register_t *retval)
{
	(void)retval;
	return do_setreid(l, SARG_UINT(args, 0), SARG_UINT(args, 1), false);
}

int
sys_setregid(struct lwp *l, const void *args, register_t *retval)
{
	(void)retval;
	return do_setreid(l, SARG_UINT(args, 0), SARG_UINT(args, 1), true);
}

/* getgroups(size, set): size 0 asks for the count only. */
int
sys_getgroups(struct lwp *l, const void *args, register_t *retval)
{
	int size = SARG_INT(args, 0), n = l->l_cred->cr_ngroups;

	retval[0] = n;
	if (size == 0)
		return 0;
	if (size < n)
		return EINVAL;
	return copyout(l->l_cred->cr_groups, SARG_PTR(args, 1),
	    (size_t)n * sizeof(gid_t));
}

/* setgroups: the size and the array are checked before the caller. */
int
sys_setgroups(struct lwp *l, const void *args, register_t *retval)
{
	unsigned n = SARG_UINT(args, 0);
	gid_t groups[NGROUPS_MAX];
	kauth_cred_t cred, ncred;
	int error;

	(void)retval;
	if (n > NGROUPS_MAX)
		return EINVAL;
	if ((error = copyin(SARG_PTR(args, 1), groups,
	    n * sizeof(gid_t))) != 0)
		return error;
	mutex_enter(&crmod_lock);
	cred = proc_cred(l->l_proc);
	if (!cred_isroot(cred))
		error = EPERM;
	else if ((ncred = cred_dup(cred)) == NULL)
		error = ENOMEM;
	else {
		memset(ncred->cr_groups, 0xff, sizeof(ncred->cr_groups));
		memcpy(ncred->cr_groups, groups, n * sizeof(gid_t));
		ncred->cr_ngroups = (int)n;
		proc_setcred(l->l_proc, ncred);
	}
	cred_free(cred);
	mutex_exit(&crmod_lock);
	return error;
}

int
sys_issetugid(struct lwp *l, const void *args, register_t *retval)
{
	struct proc *p = l->l_proc;

	(void)args;
	mutex_enter(&p->p_lock);
	retval[0] = p->p_setid ? 1 : 0;
	mutex_exit(&p->p_lock);
	return 0;
}

/* --- login name ------------------------------------------------------- */

/* __getlogin(buf, len): at most len bytes of the name, NUL padded. */
int
sys___getlogin(struct lwp *l, const void *args, register_t *retval)
{
	struct proc *p = l->l_proc;
	char login[sizeof(p->p_login)];
	size_t len = MIN((size_t)SARG(args, 1), sizeof(login));

	(void)retval;
	mutex_enter(&p->p_lock);
	memcpy(login, p->p_login, sizeof(login));
	mutex_exit(&p->p_lock);
	return copyout(login, SARG_PTR(args, 0), len);
}

/* __setlogin(name): superuser only; a name over 16 bytes is EINVAL. */
int
sys___setlogin(struct lwp *l, const void *args, register_t *retval)
{
	struct proc *p = l->l_proc;
	char name[LOGINLEN + 1];
	int error;

	(void)retval;
	if (!cred_isroot(l->l_cred))
		return EPERM;
	memset(name, 0, sizeof(name));
	if ((error = copyinstr(SARG_PTR(args, 0), name, sizeof(name),
	    NULL)) != 0)
		return error == ENAMETOOLONG ? EINVAL : error;
	mutex_enter(&p->p_lock);
	memset(p->p_login, 0, sizeof(p->p_login));
	memcpy(p->p_login, name, LOGINLEN);
	mutex_exit(&p->p_lock);
	return 0;
}

/* --- process groups and sessions -------------------------------------- */

/* Called with proc_lock held. */
static struct proc *
pfind_locked(pid_t pid)
{
	struct proc *p;

	for (p = allproc; p != NULL; p = p->p_next)
		if (p->p_pid == pid)
			return p;
	return NULL;
}

/* A member of group pgid, or NULL if the group does not exist. */
static struct proc *
pgrp_member(pid_t pgid)
{
	struct proc *p;

	for (p = allproc; p != NULL; p = p->p_next)
		if (p->p_pgid == pgid)
			return p;
	return NULL;
}

static bool
p_inferior(struct proc *p, struct proc *ancestor)
{
	for (; p != NULL; p = p->p_pptr)
		if (p == ancestor)
			return true;
	return false;
}

int
sys_getpgrp(struct lwp *l, const void *args, register_t *retval)
{
	(void)args;
	mutex_enter(&proc_lock);
	retval[0] = l->l_proc->p_pgid;
	mutex_exit(&proc_lock);
	return 0;
}

/* getpgid/getsid: pid 0 is the caller; an unknown pid ESRCH. */
static int
getid_of(struct lwp *l, pid_t pid, bool sid, register_t *retval)
{
	struct proc *p;
	int error = 0;

	mutex_enter(&proc_lock);
	p = pid == 0 ? l->l_proc : pfind_locked(pid);
	if (p == NULL)
		error = ESRCH;
	else
		retval[0] = sid ? p->p_sid : p->p_pgid;
	mutex_exit(&proc_lock);
	return error;
}

int
sys_getpgid(struct lwp *l, const void *args, register_t *retval)
{
	return getid_of(l, SARG_INT(args, 0), false, retval);
}

int
sys_getsid(struct lwp *l, const void *args, register_t *retval)
{
	return getid_of(l, SARG_INT(args, 0), true, retval);
}

/*
 * Move process pid into group pgid, or (mksess) make the caller the
 * leader of a new session and group.  The rules are POSIX's, checked
 * in NetBSD's order; most failures are EPERM.  proc_lock held.
 */
static int
enterpgrp(struct proc *cur, pid_t pid, pid_t pgid, bool mksess)
{
	struct proc *p, *member = pgrp_member(pgid);

	if (pid != cur->p_pid) {
		p = pfind_locked(pid);
		if (p == NULL || !p_inferior(p, cur))
			return ESRCH;
		if (p->p_sid != cur->p_sid)
			return EPERM;
	} else {
		if (mksess && (cur->p_pgid == cur->p_pid ||
		    pgrp_member(cur->p_pid) != NULL))
			return EPERM;
		p = cur;
	}
	if (member != NULL && member->p_sid != p->p_sid && !mksess)
		return EPERM;
	if (p->p_sid == p->p_pid)	/* a session leader stays put */
		return !mksess && p->p_pgid == pgid ? 0 : EPERM;
	if (member == NULL && pgid != pid)
		return EPERM;
	if (mksess && member != NULL)
		return EPERM;
	if (mksess)
		p->p_sid = p->p_pid;
	p->p_pgid = pgid;
	return 0;
}

int
sys_setpgid(struct lwp *l, const void *args, register_t *retval)
{
	pid_t pid = SARG_INT(args, 0), pgid = SARG_INT(args, 1);
	int error;

	(void)retval;
	if (pgid < 0)
		return EINVAL;
	if (pid == 0)
		pid = l->l_proc->p_pid;
	if (pgid == 0)
		pgid = pid;
	mutex_enter(&proc_lock);
	error = enterpgrp(l->l_proc, pid, pgid, false);
	mutex_exit(&proc_lock);
	return error;
}

int
sys_setsid(struct lwp *l, const void *args, register_t *retval)
{
	struct proc *p = l->l_proc;
	int error;

	(void)args;
	mutex_enter(&proc_lock);
	error = enterpgrp(p, p->p_pid, p->p_pid, true);
	mutex_exit(&proc_lock);
	retval[0] = p->p_pid;
	return error;
}

/* --- resource limits -------------------------------------------------- */

int
sys_getrlimit(struct lwp *l, const void *args, register_t *retval)
{
	struct proc *p = l->l_proc;
	unsigned which = SARG_UINT(args, 0);
	struct rump_rlimit rl;

	(void)retval;
	if (which >= RLIM_NLIMITS)
		return EINVAL;
	mutex_enter(&p->p_lock);
	rl = p->p_rlimit[which];
	mutex_exit(&p->p_lock);
	return copyout(&rl, SARG_PTR(args, 1), sizeof(rl));
}

/*
 * setrlimit: cur above max is EINVAL; raising the hard limit needs the
 * superuser (EPERM).  RLIMIT_NOFILE is clamped to the system ceiling
 * and at once bounds new descriptors (fd_maxfiles reads it).
 */
int
sys_setrlimit(struct lwp *l, const void *args, register_t *retval)
{
	struct proc *p = l->l_proc;
	unsigned which = SARG_UINT(args, 0);
	struct rump_rlimit rl;
	int error;

	(void)retval;
	if ((error = copyin(SARG_PTR(args, 1), &rl, sizeof(rl))) != 0)
		return error;
	if (which >= RLIM_NLIMITS || rl.rlim_cur > rl.rlim_max)
		return EINVAL;
	if (which == RLIMIT_NOFILE) {
		rl.rlim_cur = MIN(rl.rlim_cur, (uint64_t)MAXFILES);
		rl.rlim_max = MIN(rl.rlim_max, (uint64_t)MAXFILES);
	}
	mutex_enter(&p->p_lock);
	if (rl.rlim_max > p->p_rlimit[which].rlim_max &&
	    !cred_isroot(l->l_cred))
		error = EPERM;
	else
		p->p_rlimit[which] = rl;
	mutex_exit(&p->p_lock);
	return error;
}
