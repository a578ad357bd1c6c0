/*
 * sys_ktrace.c: process tracing: fktrace, utrace, and the common part
 * of ktrace (whose file name the vfs faction resolves:
 * vfs/vfs_ktrace.c).
 *
 * A traced process has trace points (p_traceflag: KTRFAC_* bits, the
 * record version, KTRFAC_INHERIT, KTRFAC_PERSISTENT) and a trace
 * descriptor (p_tracep): an open file that several processes may
 * share.  Records are NetBSD's, byte for byte (sys/ktrace.h, amd64):
 * a 56-byte struct ktr_header, then KTR_SYSCALL (code, argument size,
 * the 8-byte argument slots), KTR_SYSRET (code, error, two return
 * values), KTR_USER (a 20-byte label, then the caller's bytes) or
 * KTR_EMUL ("netbsd", before the first record after KTRFAC_EMUL is
 * set).  No other points produce records yet (NAMEI, GENIO, PSIG,
 * CSW, MIB).
 *
 * NetBSD queues records for a writer thread; here the traced lwp
 * writes each record itself, at the point it happens, under the
 * descriptor's ktd_wlock so records never interleave.  A record that
 * would not fit in a pipe or fifo without waiting is dropped (NetBSD
 * drops past its queue limit); a write that fails stops all tracing
 * to that file, as NetBSD's does.
 *
 * Permission (NetBSD's ktrcanset): the superuser traces anything, and
 * its traces become KTRFAC_PERSISTENT; others trace a process whose
 * real and saved ids are their own (effective uid = its real uid,
 * real uid = its saved uid, real gid = its real and saved gid), that
 * is not set-id and not under a persistent trace.
 *
 * Locking: ktrace_lock guards ktd_list, ktd_zombies, every ktd_ref
 * and each process's p_tracep and p_traceflag (read without it only
 * as a hint).  Order: proc_lock < p_lock < ktrace_lock.  A descriptor
 * whose last reference goes while locks are held waits on
 * ktd_zombies until ktd_reap() closes its file with none held.
 * ktd_wlock is taken with no other lock and comes before the file's
 * own (f_iolock, vnode locks).
 */
#include "kern/sys_kern.h"

#define KTRFLAG_DESCEND		4
#define KTRFAC_VER(f)		(((f) & RUMP_KTRFAC_VER_MASK) >> \
				 RUMP_KTRFAC_VER_SHIFT)

/* NetBSD's struct ktr_header on amd64, as the three versions fill it. */
struct ktr_header {
	int32_t	ktr_len;		/* bytes after the header */
	int16_t	ktr_type;
	int16_t	ktr_version;
	int32_t	ktr_pid;
	char	ktr_comm[MAXCOMLEN + 1];
	char	ktr_pad[3];
	int64_t	ktr_sec;		/* v0, v1: an int32 in the low half */
	int64_t	ktr_nsec;		/* v0: microseconds */
	int32_t	ktr_lid;		/* v0: low half of a NULL pointer */
	int32_t	ktr_pad2;
};
_Static_assert(sizeof(struct ktr_header) == 56, "NetBSD ktr_header");
_Static_assert(offsetof(struct ktr_header, ktr_pid) == RUMP_KTR_SHIMLEN,
    "KTR_SHIMLEN");
_Static_assert(offsetof(struct ktr_header, ktr_sec) == 32, "ktr_time");
_Static_assert(offsetof(struct ktr_header, ktr_lid) == 48, "ktr_lid");

struct ktr_syscall {
	int32_t	ktr_code;
	int32_t	ktr_argsize;
	uint64_t ktr_args[8];
};

struct ktr_sysret {
	int16_t	ktr_code;
	int16_t	ktr_eosys;
	int32_t	ktr_error;
	int64_t	ktr_retval;
	int64_t	ktr_retval_1;
};
_Static_assert(sizeof(struct ktr_sysret) == 24, "NetBSD ktr_sysret");

struct ktr_desc {
	struct file *ktd_fp;		/* fixed, held */
	int	ktd_ref;		/* ktrace_lock: processes, users */
	kmutex_t ktd_wlock;		/* one record at a time */
	struct ktr_desc *ktd_next;	/* ktd_list or ktd_zombies */
};

static kmutex_t ktrace_lock;
static struct ktr_desc *ktd_list;	/* ktrace_lock: in use */
static struct ktr_desc *ktd_zombies;	/* ktrace_lock: to close */

void
ktrace_init(void)
{
	mutex_init(&ktrace_lock);
}

/* --- trace descriptors ------------------------------------------------- */

/* Drop a reference; ktrace_lock held.  The last moves it to zombies. */
static void
ktd_drop(struct ktr_desc *ktd)
{
	struct ktr_desc **pp;

	KASSERT(ktd->ktd_ref > 0);
	if (--ktd->ktd_ref > 0)
		return;
	for (pp = &ktd_list; *pp != NULL; pp = &(*pp)->ktd_next)
		if (*pp == ktd) {
			*pp = ktd->ktd_next;
			break;
		}
	ktd->ktd_next = ktd_zombies;
	ktd_zombies = ktd;
}

/* Close the descriptors nobody uses any more; no locks held. */
static void
ktd_reap(void)
{
	struct ktr_desc *ktd, *next;

	mutex_enter(&ktrace_lock);
	ktd = ktd_zombies;
	ktd_zombies = NULL;
	mutex_exit(&ktrace_lock);
	for (; ktd != NULL; ktd = next) {
		next = ktd->ktd_next;
		(void)file_rele(ktd->ktd_fp);
		mutex_destroy(&ktd->ktd_wlock);
		kmem_free(ktd, sizeof(*ktd));
	}
}

static void
ktd_rele(struct ktr_desc *ktd)
{
	mutex_enter(&ktrace_lock);
	ktd_drop(ktd);
	mutex_exit(&ktrace_lock);
	ktd_reap();
}

/* NetBSD's ktrsamefile: the same open file or the same object. */
static bool
ktd_samefile(const struct file *a, const struct file *b)
{
	return a == b || (a->f_type == b->f_type && a->f_data == b->f_data);
}

/* The descriptor writing to fp, referenced, or NULL; ktrace_lock. */
static struct ktr_desc *
ktd_lookup(struct file *fp)
{
	struct ktr_desc *ktd;

	for (ktd = ktd_list; ktd != NULL; ktd = ktd->ktd_next)
		if (ktd_samefile(ktd->ktd_fp, fp)) {
			ktd->ktd_ref++;
			return ktd;
		}
	return NULL;
}

/* The descriptor for fp, made if need be; referenced. */
static int
ktd_get(struct file *fp, struct ktr_desc **ktdp)
{
	struct ktr_desc *ktd, *old;

	mutex_enter(&ktrace_lock);
	ktd = ktd_lookup(fp);
	mutex_exit(&ktrace_lock);
	if (ktd != NULL) {
		*ktdp = ktd;
		return 0;
	}
	if ((ktd = kmem_zalloc(sizeof(*ktd), KM_SLEEP)) == NULL)
		return ENOMEM;
	mutex_init(&ktd->ktd_wlock);
	file_hold(fp);
	ktd->ktd_fp = fp;
	ktd->ktd_ref = 1;
	mutex_enter(&ktrace_lock);
	if ((old = ktd_lookup(fp)) == NULL) {
		ktd->ktd_next = ktd_list;
		ktd_list = ktd;
	}
	mutex_exit(&ktrace_lock);
	if (old != NULL) {		/* another thread made it first */
		(void)file_rele(fp);
		mutex_destroy(&ktd->ktd_wlock);
		kmem_free(ktd, sizeof(*ktd));
		ktd = old;
	}
	*ktdp = ktd;
	return 0;
}

/* --- per-process state ----------------------------------------------------- */

/* Stop tracing p; ktrace_lock held. */
static void
ktr_deref(struct proc *p)
{
	struct ktr_desc *ktd = p->p_tracep;

	atomic_store(&p->p_traceflag, 0);
	p->p_tracep = NULL;
	if (ktd != NULL)
		ktd_drop(ktd);
}

/* May cred change p's tracing?  p_lock and ktrace_lock held. */
static bool
ktr_canset(kauth_cred_t cred, struct proc *p)
{
	kauth_cred_t pc = p->p_cred;

	if (cred_isroot(cred))
		return true;
	if ((atomic_load(&p->p_traceflag) & RUMP_KTRFAC_PERSISTENT) ||
	    p->p_setid)
		return false;
	return cred->cr_euid == pc->cr_uid && cred->cr_uid == pc->cr_svuid &&
	    cred->cr_gid == pc->cr_gid && cred->cr_gid == pc->cr_svgid;
}

/*
 * Set or clear facs on p (NetBSD's ktrops).  Returns whether p could
 * be changed; proc_lock held.
 */
static bool
ktr_ops(kauth_cred_t cred, struct proc *p, int ops, int facs,
    struct ktr_desc *ktd)
{
	int vers = ops & RUMP_KTRFAC_VER_MASK, flag;
	bool done = false;

	mutex_enter(&p->p_lock);
	mutex_enter(&ktrace_lock);
	if (p->p_exiting || !ktr_canset(cred, p) ||
	    vers > RUMP_KTRFACv2)
		goto out;
	flag = atomic_load(&p->p_traceflag);
	if ((ops & RUMP_KTROP_MASK) == RUMP_KTROP_SET) {
		if (p->p_tracep != ktd) {
			ktr_deref(p);
			p->p_tracep = ktd;
			ktd->ktd_ref++;
		}
		flag |= facs;
		if (cred_isroot(cred))
			flag |= RUMP_KTRFAC_PERSISTENT;
	} else if (((flag &= ~facs) & RUMP_KTRFAC_MASK) == 0) {
		ktr_deref(p);		/* nothing left to trace */
		flag = 0;
	}
	if (flag != 0)
		flag |= vers;
	if (flag & RUMP_KTRFAC_EMUL)
		flag |= RUMP_KTRFAC_TRC_EMUL;
	atomic_store(&p->p_traceflag, flag);
	done = true;
out:
	mutex_exit(&ktrace_lock);
	mutex_exit(&p->p_lock);
	return done;
}

/* Is p top itself or below it?  proc_lock held. */
static bool
proc_isdescendant(struct proc *p, struct proc *top)
{
	for (; p != NULL; p = p->p_pptr)
		if (p == top)
			return true;
	return false;
}

/* ktr_ops on top, and with descend on every process below it too. */
static bool
ktr_opstree(kauth_cred_t cred, struct proc *top, int ops, int facs,
    struct ktr_desc *ktd, bool descend)
{
	struct proc *p;
	bool any = false;

	if (!descend)
		return ktr_ops(cred, top, ops, facs, ktd);
	for (p = allproc; p != NULL; p = p->p_next)
		if (proc_isdescendant(p, top))
			any |= ktr_ops(cred, p, ops, facs, ktd);
	return any;
}

/* Apply to process pid, or to process group -pid. */
static int
ktr_apply(kauth_cred_t cred, int ops, int facs, pid_t pid,
    struct ktr_desc *ktd)
{
	bool descend = (ops & KTRFLAG_DESCEND) != 0, found = false;
	bool any = false;
	int64_t want = pid < 0 ? -(int64_t)pid : pid;
	struct proc *p;

	mutex_enter(&proc_lock);
	for (p = allproc; p != NULL; p = p->p_next) {
		if ((pid < 0 ? p->p_pgid : p->p_pid) != want)
			continue;
		found = true;
		any |= ktr_opstree(cred, p, ops, facs, ktd, descend);
		if (pid >= 0)
			break;
	}
	mutex_exit(&proc_lock);
	if (!found)
		return ESRCH;
	return any ? 0 : EPERM;
}

/* Stop every trace to ktd (auth: only those cred may change). */
static int
ktr_derefall(struct ktr_desc *ktd, kauth_cred_t cred)
{
	struct proc *p;
	int error = 0;

	mutex_enter(&proc_lock);
	for (p = allproc; p != NULL; p = p->p_next) {
		mutex_enter(&p->p_lock);
		mutex_enter(&ktrace_lock);
		if (p->p_tracep == ktd) {
			if (cred == NULL || ktr_canset(cred, p))
				ktr_deref(p);
			else
				error = EPERM;
		}
		mutex_exit(&ktrace_lock);
		mutex_exit(&p->p_lock);
	}
	mutex_exit(&proc_lock);
	ktd_reap();
	return error;
}

int
ktrace_common(struct lwp *l, int ops, int facs, pid_t pid, struct file *fp)
{
	struct ktr_desc *ktd = NULL;
	int error;

	facs &= ~RUMP_KTRFAC_PERSISTENT;
	switch (ops & RUMP_KTROP_MASK) {
	case RUMP_KTROP_CLEARFILE:
		mutex_enter(&ktrace_lock);
		ktd = ktd_lookup(fp);
		mutex_exit(&ktrace_lock);
		if (ktd == NULL)
			return 0;
		error = ktr_derefall(ktd, l->l_cred);
		ktd_rele(ktd);
		return error;
	case RUMP_KTROP_SET:
		if ((error = ktd_get(fp, &ktd)) != 0)
			return error;
		break;
	case RUMP_KTROP_CLEAR:
		break;
	default:
		return EINVAL;		/* no such operation */
	}
	/* as NetBSD: something to (un)trace, checked after the file */
	if (facs == 0)
		error = EINVAL;
	else
		error = ktr_apply(l->l_cred, ops, facs, pid, ktd);
	if (ktd != NULL)
		ktd_rele(ktd);
	else
		ktd_reap();
	return error;
}

void
ktrace_procexit(struct proc *p)
{
	if (atomic_load(&p->p_traceflag) == 0 && p->p_tracep == NULL)
		return;
	mutex_enter(&ktrace_lock);
	ktr_deref(p);
	mutex_exit(&ktrace_lock);
	ktd_reap();
}

void
ktrace_fork(struct proc *parent, struct proc *child)
{
	int flag = atomic_load(&parent->p_traceflag);

	if (!(flag & RUMP_KTRFAC_INHERIT))
		return;
	mutex_enter(&ktrace_lock);
	flag = atomic_load(&parent->p_traceflag);
	if ((flag & RUMP_KTRFAC_INHERIT) && parent->p_tracep != NULL) {
		child->p_tracep = parent->p_tracep;
		child->p_tracep->ktd_ref++;
		atomic_store(&child->p_traceflag, flag);
	}
	mutex_exit(&ktrace_lock);
}

/* --- writing records ------------------------------------------------------ */

static void
ktr_header(struct lwp *l, int flag, int type, size_t len,
    struct ktr_header *kth)
{
	struct proc *p = l->l_proc;
	struct rump_timespec ts;
	int vers = KTRFAC_VER(flag);

	memset(kth, 0, sizeof(*kth));
	kth->ktr_len = (int32_t)len;
	kth->ktr_type = (int16_t)type;
	kth->ktr_version = (int16_t)vers;
	kth->ktr_pid = p->p_pid;
	mutex_enter(&p->p_lock);
	memcpy(kth->ktr_comm, p->p_comm, MAXCOMLEN);
	mutex_exit(&p->p_lock);
	nanotime(&ts);
	if (vers == 0) {
		kth->ktr_sec = (uint32_t)ts.tv_sec;
		kth->ktr_nsec = ts.tv_nsec / 1000;
	} else {
		kth->ktr_sec = vers == 1 ? (uint32_t)ts.tv_sec : ts.tv_sec;
		kth->ktr_nsec = ts.tv_nsec;
		kth->ktr_lid = l->l_lid;
	}
}

/* Would writing n bytes to a pipe or fifo have to wait? */
static bool
ktd_nospace(struct file *fp, size_t n)
{
	int space = 0;

	if (fp->f_type != DTYPE_PIPE && !(file_getflags(fp) & FNOIOLOCK))
		return false;
	if (fp->f_ops->fo_ioctl == NULL ||
	    fp->f_ops->fo_ioctl(fp, RUMP_FIONSPACE, &space) != 0)
		return false;
	return (size_t)space < n;
}

/* Write one record; ktd referenced, no locks held. */
static int
ktd_write(struct ktr_desc *ktd, const struct ktr_header *kth,
    const void *data, size_t len)
{
	struct file *fp = ktd->ktd_fp;
	struct iovec_k iov[2] = {
		{ (void *)(uintptr_t)kth, sizeof(*kth) },
		{ (void *)(uintptr_t)data, len },
	};
	struct uio uio = { iov, len > 0 ? 2 : 1, 0, sizeof(*kth) + len,
	    UIO_WRITE, UIO_SYSSPACE };
	bool serial = fp->f_type == DTYPE_VNODE &&
	    !(file_getflags(fp) & FNOIOLOCK);
	size_t before;
	int error = 0;

	mutex_enter(&ktd->ktd_wlock);
	if (ktd_nospace(fp, uio.uio_resid))
		goto out;
	while (error == 0 && uio.uio_resid > 0) {
		before = uio.uio_resid;
		if (serial)
			mutex_enter(&fp->f_iolock);
		error = fp->f_ops->fo_write(fp, &fp->f_offset, &uio,
		    fp->f_cred, FOF_UPDATE_OFFSET);
		if (serial)
			mutex_exit(&fp->f_iolock);
		if (error == 0 && uio.uio_resid == before)
			error = EIO;		/* no progress */
	}
out:
	mutex_exit(&ktd->ktd_wlock);
	return error;
}

/* Emit a record of l's process, if it is (still) traced. */
static void
ktr_emit(struct lwp *l, int type, const void *data, size_t len)
{
	static const char emul[] = "netbsd";
	struct proc *p = l->l_proc;
	struct ktr_header kth;
	struct ktr_desc *ktd;
	int flag, error = 0;

	mutex_enter(&ktrace_lock);
	if ((ktd = p->p_tracep) == NULL) {
		mutex_exit(&ktrace_lock);
		return;
	}
	flag = atomic_load(&p->p_traceflag);
	if (flag & RUMP_KTRFAC_TRC_EMUL)
		atomic_store(&p->p_traceflag, flag & ~RUMP_KTRFAC_TRC_EMUL);
	ktd->ktd_ref++;
	mutex_exit(&ktrace_lock);
	if (flag & RUMP_KTRFAC_TRC_EMUL) {
		ktr_header(l, flag, RUMP_KTR_EMUL, sizeof(emul) - 1, &kth);
		error = ktd_write(ktd, &kth, emul, sizeof(emul) - 1);
	}
	if (error == 0) {
		ktr_header(l, flag, type, len, &kth);
		error = ktd_write(ktd, &kth, data, len);
	}
	if (error != 0) {
		/* NetBSD stops tracing to a file it cannot write */
		if (error != EPIPE)
			kprintf("ktrace write failed, errno %d, tracing "
			    "stopped\n", error);
		(void)ktr_derefall(ktd, NULL);
	}
	ktd_rele(ktd);
}

void
ktr_syscall(struct lwp *l, int code, const uint64_t *args, int narg)
{
	struct ktr_syscall ktp;
	size_t n = (size_t)MIN(MAX(narg, 0), 8);

	if (!(atomic_load(&l->l_proc->p_traceflag) & RUMP_KTRFAC_SYSCALL))
		return;
	ktp.ktr_code = code;
	ktp.ktr_argsize = (int32_t)(n * sizeof(args[0]));
	memcpy(ktp.ktr_args, args, n * sizeof(args[0]));
	ktr_emit(l, RUMP_KTR_SYSCALL, &ktp, 8 + n * sizeof(args[0]));
}

void
ktr_sysret(struct lwp *l, int code, int error, const register_t *rv)
{
	struct ktr_sysret ktp;

	if (!(atomic_load(&l->l_proc->p_traceflag) & RUMP_KTRFAC_SYSRET))
		return;
	memset(&ktp, 0, sizeof(ktp));
	ktp.ktr_code = (int16_t)code;
	ktp.ktr_error = error;
	if (error == 0) {
		ktp.ktr_retval = rv[0];
		ktp.ktr_retval_1 = rv[1];
	}
	ktr_emit(l, RUMP_KTR_SYSRET, &ktp, sizeof(ktp));
}

/* --- system calls --------------------------------------------------------- */

int
sys_fktrace(struct lwp *l, const void *args, register_t *retval)
{
	struct file *fp;
	int error;

	(void)retval;
	if ((fp = fd_getfile(SARG_INT(args, 0))) == NULL)
		return EBADF;
	if (!(file_getflags(fp) & FWRITE))
		error = EBADF;
	else
		error = ktrace_common(l, SARG_INT(args, 1), SARG_INT(args, 2),
		    (pid_t)SARG_INT(args, 3), fp);
	file_rele(fp);
	return error;
}

/*
 * utrace(label, addr, len): a KTR_USER record of len bytes at addr,
 * labelled with up to 19 bytes of the string label.  As utrace(2)
 * says, len above KTR_USER_MAXLEN is EINVAL (NetBSD's kernel answers
 * ENOSPC, and only while tracing).  Untraced, nothing is read.
 */
int
sys_utrace(struct lwp *l, const void *args, register_t *retval)
{
	size_t len = SARG(args, 2);
	size_t size = RUMP_KTR_USER_MAXIDLEN + len;
	char *buf;
	int error;

	(void)retval;
	if (len > RUMP_KTR_USER_MAXLEN)
		return EINVAL;
	if (!(atomic_load(&l->l_proc->p_traceflag) & RUMP_KTRFAC_USER))
		return 0;
	if ((buf = kmem_zalloc(size, KM_SLEEP)) == NULL)
		return ENOMEM;
	if (copyinstr(SARG_PTR(args, 0), buf, RUMP_KTR_USER_MAXIDLEN,
	    NULL) != 0)
		buf[0] = '\0';
	buf[RUMP_KTR_USER_MAXIDLEN - 1] = '\0';
	/* as NetBSD, unreadable data still leaves a record (zeros here) */
	if ((error = copyin(SARG_PTR(args, 1), buf +
	    RUMP_KTR_USER_MAXIDLEN, len)) != 0)
		memset(buf + RUMP_KTR_USER_MAXIDLEN, 0, len);
	ktr_emit(l, RUMP_KTR_USER, buf, size);
	kmem_free(buf, size);
	return error;
}
