/*
 * sysctl.c: the sysctl tree and the __sysctl system call.
 *
 * The tree is nodes (CTLTYPE_NODE, with children kept sorted by
 * number) and leaves (int, quad, string) that point at kernel
 * variables.  Components add leaves with sysctl_add_*() at init; the
 * kernel's own (kern.*, hw.*) are made by sysctl_init().  Names work
 * too: CTL_QUERY as the last MIB component returns the children of
 * the node before it as struct sysctlnode records, which is how
 * NetBSD's sysctlbyname() finds numbers.
 *
 * hw.physmem64 reports the memory limit (RUMP_MEMLIMIT) when there is
 * one, else NetBSD's fixed rump default of 512 MiB; hw.physmem is the
 * same clamped to 32 bits.  (NetBSD's own rump kernel always says
 * 512 MiB; a limit is the more useful answer.)
 *
 * Locks: sysctl_lock (rwlock) guards the tree's shape and the values
 * of int and quad leaves: readers share it, a write takes it
 * exclusively.  A string leaf may name its own lock (kern.hostname's
 * is hostname_lock), because code outside sysctl reads it.
 */
#include <stdio.h>

#include "kern/sys_kern.h"

#define CTL_MAXNAME	RUMP_CTL_MAXNAME
#define NAMELEN		RUMP_SYSCTL_NAMELEN
#define STRMAX		1024		/* longest string leaf */
#define PHYSMEM		536870912LL	/* without RUMP_MEMLIMIT: 131072
					 * pages of 4096 bytes */

struct sysctl_node {
	int	sn_num;
	int	sn_type;		/* RUMP_CTLTYPE_* */
	bool	sn_writable;
	uint32_t sn_ver;
	char	sn_name[NAMELEN];
	void	*sn_data;		/* leaves: the variable */
	size_t	sn_size;		/* 4, 8, or the string's buffer */
	kmutex_t *sn_lock;		/* string leaves: guards sn_data */
	struct sysctl_node *sn_child;	/* nodes: sorted by sn_num */
	int	sn_nchild;
	struct sysctl_node *sn_parent;
	struct sysctl_node *sn_next;	/* siblings */
};

static krwlock_t sysctl_lock;
static struct sysctl_node sysctl_root = {
	.sn_type = RUMP_CTLTYPE_NODE,
};
static uint32_t sysctl_gen;		/* sysctl_lock: last version given */

char hostname[256];
kmutex_t hostname_lock;

static char ostype[] = "NetBSD";
static char osrelease[] = "7.99.34";
static int osrevision = 799003400;
static char machine[] = "amd64";
static char machine_arch[] = "x86_64";
static int byteorder = 1234;
static int pagesize = PAGE_SIZE;
static int physmem32;
static int64_t physmem64;

/* --- building the tree ------------------------------------------------ */

static struct sysctl_node *
child_bynum(struct sysctl_node *node, int num)
{
	struct sysctl_node *c;

	for (c = node->sn_child; c != NULL; c = c->sn_next)
		if (c->sn_num == num)
			return c;
	return NULL;
}

static bool
child_byname(struct sysctl_node *node, const char *name)
{
	struct sysctl_node *c;

	for (c = node->sn_child; c != NULL; c = c->sn_next)
		if (strcmp(c->sn_name, name) == 0)
			return true;
	return false;
}

/* A new version for n and every node above it.  sysctl_lock held. */
static void
bump_version(struct sysctl_node *n)
{
	uint32_t v = ++sysctl_gen;

	for (; n != NULL; n = n->sn_parent)
		n->sn_ver = v;
}

/* Link a new child under parent, in number order.  sysctl_lock held. */
static int
add_child(struct sysctl_node *parent, int num, const char *name, int type,
    struct sysctl_node **np)
{
	struct sysctl_node *n, **pp;

	if (child_byname(parent, name))
		return EEXIST;
	if ((n = kmem_zalloc(sizeof(*n), KM_SLEEP)) == NULL)
		return ENOMEM;
	n->sn_num = num;
	n->sn_type = type;
	strcpy(n->sn_name, name);
	n->sn_parent = parent;
	for (pp = &parent->sn_child; *pp != NULL && (*pp)->sn_num < num;
	    pp = &(*pp)->sn_next)
		continue;
	n->sn_next = *pp;
	*pp = n;
	parent->sn_nchild++;
	bump_version(n);
	*np = n;
	return 0;
}

/* Component i of a dotted name into buf; false if malformed. */
static bool
name_part(const char *names, int i, char buf[NAMELEN])
{
	const char *s = names, *e;

	for (; i > 0; i--)
		if ((s = strchr(s, '.')) == NULL)
			return false;
		else
			s++;
	e = strchr(s, '.');
	if (e == NULL)
		e = s + strlen(s);
	if (e == s || e - s >= NAMELEN)
		return false;
	memcpy(buf, s, (size_t)(e - s));
	buf[e - s] = '\0';
	return true;
}

/*
 * Add a leaf at mib[0..len-1], named by the dotted `names` (one name
 * per component, e.g. "hw.ncpu"), creating missing parent nodes.
 * EEXIST if the number or name is taken, ENOTDIR if a parent is a
 * leaf, EINVAL for a malformed request.
 */
static int
sysctl_add(const int *mib, int len, const char *names, int type, void *data,
    size_t size, bool writable, kmutex_t *lock)
{
	struct sysctl_node *node = &sysctl_root, *c;
	char name[NAMELEN];
	int i, error = 0;

	if (len < 1 || len > CTL_MAXNAME || names == NULL)
		return EINVAL;
	for (i = 0; i < len; i++)
		if (mib[i] < 0 || !name_part(names, i, name))
			return EINVAL;
	if (name_part(names, len, name))
		return EINVAL;		/* more names than numbers */
	rw_enter(&sysctl_lock, RW_WRITER);
	for (i = 0; i < len - 1 && error == 0; i++) {
		name_part(names, i, name);
		if ((c = child_bynum(node, mib[i])) == NULL)
			error = add_child(node, mib[i], name,
			    RUMP_CTLTYPE_NODE, &c);
		else if (c->sn_type != RUMP_CTLTYPE_NODE)
			error = ENOTDIR;
		node = c;
	}
	if (error == 0) {
		name_part(names, len - 1, name);
		if (child_bynum(node, mib[len - 1]) != NULL)
			error = EEXIST;
		else if ((error = add_child(node, mib[len - 1], name, type,
		    &c)) == 0) {
			c->sn_data = data;
			c->sn_size = size;
			c->sn_writable = writable;
			c->sn_lock = lock;
		}
	}
	rw_exit(&sysctl_lock);
	return error;
}

int
sysctl_add_int(const int *mib, int len, const char *names, int *valp,
    bool writable)
{
	return sysctl_add(mib, len, names, RUMP_CTLTYPE_INT, valp,
	    sizeof(int), writable, NULL);
}

int
sysctl_add_quad(const int *mib, int len, const char *names, int64_t *valp,
    bool writable)
{
	return sysctl_add(mib, len, names, RUMP_CTLTYPE_QUAD, valp,
	    sizeof(int64_t), writable, NULL);
}

int
sysctl_add_string(const int *mib, int len, const char *names, char *buf,
    size_t bufsize, bool writable, kmutex_t *lock)
{
	if (bufsize == 0 || bufsize > STRMAX)
		return EINVAL;
	return sysctl_add(mib, len, names, RUMP_CTLTYPE_STRING, buf, bufsize,
	    writable, lock);
}

/* kern.hostname starts as "rump-<pid>.<host name>". */
static void
hostname_init(void)
{
	char buf[32], host[200];
	const char *s;
	int pid = 0;

	mutex_init(&hostname_lock);
	if (rumpuser_getparam("_RUMPUSER_PID", buf, sizeof(buf)) == 0)
		for (s = buf; *s >= '0' && *s <= '9' && pid < 100000000; s++)
			pid = pid * 10 + (*s - '0');
	if (rumpuser_getparam("_RUMPUSER_HOSTNAME", host, sizeof(host)) == 0)
		snprintf(hostname, sizeof(hostname), "rump-%05d.%s", pid,
		    host);
	else
		snprintf(hostname, sizeof(hostname), "rump-%05d", pid);
}

#define MIB(...)	(const int[]){ __VA_ARGS__ }, \
	(int)(sizeof((const int[]){ __VA_ARGS__ }) / sizeof(int))

void
sysctl_init(void)
{
	static int ncpuonline;
	int error = 0;

	rw_init(&sysctl_lock);
	hostname_init();
	ncpuonline = ncpu;
	physmem64 = kmem_limit() != 0 ? (int64_t)kmem_limit() : PHYSMEM;
	physmem32 = (int)(uint32_t)MIN((uint64_t)physmem64, UINT32_MAX);
	error |= sysctl_add_string(MIB(RUMP_CTL_KERN, RUMP_KERN_OSTYPE),
	    "kern.ostype", ostype, sizeof(ostype), false, NULL);
	error |= sysctl_add_string(MIB(RUMP_CTL_KERN, RUMP_KERN_OSRELEASE),
	    "kern.osrelease", osrelease, sizeof(osrelease), false, NULL);
	error |= sysctl_add_int(MIB(RUMP_CTL_KERN, RUMP_KERN_OSREV),
	    "kern.osrevision", &osrevision, false);
	error |= sysctl_add_string(MIB(RUMP_CTL_KERN, RUMP_KERN_HOSTNAME),
	    "kern.hostname", hostname, sizeof(hostname), true,
	    &hostname_lock);
	error |= sysctl_add_string(MIB(RUMP_CTL_HW, RUMP_HW_MACHINE),
	    "hw.machine", machine, sizeof(machine), false, NULL);
	error |= sysctl_add_int(MIB(RUMP_CTL_HW, RUMP_HW_NCPU), "hw.ncpu",
	    &ncpu, false);
	error |= sysctl_add_int(MIB(RUMP_CTL_HW, RUMP_HW_BYTEORDER),
	    "hw.byteorder", &byteorder, false);
	error |= sysctl_add_int(MIB(RUMP_CTL_HW, RUMP_HW_PHYSMEM),
	    "hw.physmem", &physmem32, false);
	error |= sysctl_add_int(MIB(RUMP_CTL_HW, RUMP_HW_PAGESIZE),
	    "hw.pagesize", &pagesize, false);
	error |= sysctl_add_string(MIB(RUMP_CTL_HW, RUMP_HW_MACHINE_ARCH),
	    "hw.machine_arch", machine_arch, sizeof(machine_arch), false,
	    NULL);
	error |= sysctl_add_quad(MIB(RUMP_CTL_HW, RUMP_HW_PHYSMEM64),
	    "hw.physmem64", &physmem64, false);
	error |= sysctl_add_int(MIB(RUMP_CTL_HW, RUMP_HW_NCPUONLINE),
	    "hw.ncpuonline", &ncpuonline, false);
	if (error != 0)
		panic("sysctl_init: cannot build the tree");
}

/* --- the system call -------------------------------------------------- */

/*
 * Walk name[] from the root.  Returns 0 with *np the node named;
 * ENOENT with *np the last node found and *nip the index of the
 * missing component; ENOTDIR when the walk tries to descend into a
 * leaf.
 */
static int
sysctl_locate(const int *name, int namelen, struct sysctl_node **np,
    int *nip)
{
	struct sysctl_node *node = &sysctl_root, *c;
	int ni;

	for (ni = 0; ni < namelen; ni++) {
		if (node->sn_type != RUMP_CTLTYPE_NODE) {
			*np = node;
			*nip = ni;
			return ENOTDIR;
		}
		if ((c = child_bynum(node, name[ni])) == NULL) {
			*np = node;
			*nip = ni;
			return ENOENT;
		}
		node = c;
	}
	*np = node;
	*nip = ni;
	return 0;
}

/* The value of a leaf, as its reader sees it; returns its length. */
static size_t
leaf_read(struct sysctl_node *n, char *buf)
{
	if (n->sn_type != RUMP_CTLTYPE_STRING) {
		memcpy(buf, n->sn_data, n->sn_size);
		return n->sn_size;
	}
	if (n->sn_lock != NULL)
		mutex_enter(n->sn_lock);
	memcpy(buf, n->sn_data, n->sn_size);
	if (n->sn_lock != NULL)
		mutex_exit(n->sn_lock);
	buf[n->sn_size - 1] = '\0';
	return strlen(buf) + 1;
}

/*
 * A new value for a leaf.  Numbers must come in at exactly their
 * size; a string may be shorter than its buffer, and must end in NUL
 * if it fills it.
 */
static int
leaf_write(struct sysctl_node *n, const void *newp, size_t newlen)
{
	char *buf;
	int error;

	if (n->sn_type != RUMP_CTLTYPE_STRING) {
		uint64_t v;

		if (newlen != n->sn_size)
			return EINVAL;
		if ((error = copyin(newp, &v, newlen)) == 0)
			memcpy(n->sn_data, &v, newlen);
		return error;
	}
	if (newlen > n->sn_size)
		return EINVAL;
	if ((buf = kmem_alloc(newlen, KM_SLEEP)) == NULL)
		return ENOMEM;
	if ((error = copyin(newp, buf, newlen)) == 0 &&
	    buf[newlen - 1] != '\0' && newlen == n->sn_size)
		error = EINVAL;
	if (error == 0) {
		if (n->sn_lock != NULL)
			mutex_enter(n->sn_lock);
		memcpy(n->sn_data, buf, newlen);
		memset((char *)n->sn_data + newlen, 0, n->sn_size - newlen);
		if (n->sn_lock != NULL)
			mutex_exit(n->sn_lock);
	}
	kmem_free(buf, newlen);
	return error;
}

/*
 * Read and perhaps write a leaf.  A node cannot be read (EINVAL);
 * writing needs the superuser and a writable leaf (EPERM).  The
 * current value goes out first, cut to *oldlenp; *oldlenp becomes
 * the full length.
 */
static int
sysctl_lookup(struct sysctl_node *n, void *oldp, size_t *oldlenp,
    const void *newp, size_t newlen, kauth_cred_t cred)
{
	char buf[STRMAX];
	size_t sz;
	int error;

	if (newlen == 0)
		newp = NULL;
	if (n->sn_type == RUMP_CTLTYPE_NODE)
		return EINVAL;
	if (newp != NULL && (!cred_isroot(cred) || !n->sn_writable))
		return EPERM;
	sz = leaf_read(n, buf);
	if (oldp != NULL && (error = copyout(buf, oldp,
	    MIN(sz, *oldlenp))) != 0)
		return error;
	*oldlenp = sz;
	return newp != NULL ? leaf_write(n, newp, newlen) : 0;
}

/* A node as CTL_QUERY describes it. */
static void
node_record(const struct sysctl_node *n, struct rump_sysctlnode *r)
{
	memset(r, 0, sizeof(*r));
	r->sysctl_flags = RUMP_SYSCTL_VERSION | (uint32_t)n->sn_type |
	    (n->sn_writable ? RUMP_CTLFLAG_READWRITE : 0);
	r->sysctl_num = n->sn_num;
	strcpy(r->sysctl_name, n->sn_name);
	r->sysctl_ver = n->sn_ver;
	if (n->sn_type == RUMP_CTLTYPE_NODE) {
		r->sysctl_un.scu_child.suc_csize = (uint32_t)n->sn_nchild;
		r->sysctl_un.scu_child.suc_clen = (uint32_t)n->sn_nchild;
	}
	r->sysctl_size = n->sn_size;
}

/*
 * CTL_QUERY: newp must hold a struct sysctlnode of this version (its
 * sysctl_ver, if set, must match the node's or the root's); oldp
 * receives one record per child, as many as fit.
 */
static int
sysctl_query(struct sysctl_node *n, char *oldp, size_t *oldlenp,
    const void *newp, size_t newlen)
{
	struct rump_sysctlnode q, r;
	struct sysctl_node *c;
	size_t out = 0, left = *oldlenp;
	uint32_t flags;
	int error;

	if (n->sn_type != RUMP_CTLTYPE_NODE)
		return ENOTDIR;
	if (newp == NULL || newlen < sizeof(flags))
		return EINVAL;
	if ((error = copyin(newp, &flags, sizeof(flags))) != 0)
		return error;
	if (newlen != sizeof(q) ||
	    (flags & RUMP_SYSCTL_VERS_MASK) != RUMP_SYSCTL_VERSION)
		return EINVAL;
	if ((error = copyin(newp, &q, sizeof(q))) != 0)
		return error;
	if (q.sysctl_ver != 0 && q.sysctl_ver != n->sn_ver &&
	    q.sysctl_ver != sysctl_root.sn_ver)
		return EINVAL;
	for (c = n->sn_child; c != NULL; c = c->sn_next) {
		node_record(c, &r);
		if (oldp != NULL && left >= sizeof(r) &&
		    (error = copyout(&r, oldp, sizeof(r))) != 0)
			return error;
		if (oldp != NULL)
			oldp += sizeof(r);
		out += sizeof(r);
		left -= MIN(left, sizeof(r));
	}
	*oldlenp = out;
	return 0;
}

static int
sysctl_dispatch(const int *name, int namelen, void *oldp, size_t *oldlenp,
    const void *newp, size_t newlen, kauth_cred_t cred)
{
	struct sysctl_node *n;
	int ni, error;

	error = sysctl_locate(name, namelen, &n, &ni);
	if (error == 0)
		return sysctl_lookup(n, oldp, oldlenp, newp, newlen, cred);
	if (error != ENOENT || ni + 1 != namelen || name[ni] >= 0)
		return error;
	switch (name[ni]) {
	case RUMP_CTL_QUERY:
		return sysctl_query(n, oldp, oldlenp, newp, newlen);
	case RUMP_CTL_CREATE:
	case RUMP_CTL_CREATESYM:
	case RUMP_CTL_DESTROY:
		return newp == NULL ? EINVAL : EOPNOTSUPP;
	default:
		return EOPNOTSUPP;
	}
}

/*
 * __sysctl(name, namelen, oldv, oldlenp, newv, newlen), in the steps
 * of netbsd-abi.md section 10: old length in; MIB in (1..CTL_MAXNAME
 * components); dispatch; old length out even on error; ENOMEM if
 * the buffer given was too small for the value.
 */
int
sys___sysctl(struct lwp *l, const void *args, register_t *retval)
{
	const int *uname = SARG_PTR(args, 0);
	unsigned namelen = SARG_UINT(args, 1);
	void *oldv = SARG_PTR(args, 2);
	size_t *uoldlenp = SARG_PTR(args, 3);
	const void *newv = SARG_PTR(args, 4);
	size_t newlen = (size_t)SARG(args, 5), oldlen = 0, savelen;
	int name[CTL_MAXNAME], error, nerror;

	(void)retval;
	if (uoldlenp != NULL &&
	    (error = copyin(uoldlenp, &oldlen, sizeof(oldlen))) != 0)
		return error;
	savelen = oldlen;
	if (namelen < 1 || namelen > CTL_MAXNAME)
		return EINVAL;
	if ((error = copyin(uname, name, namelen * sizeof(int))) != 0)
		return error;
	rw_enter(&sysctl_lock, newv != NULL ? RW_WRITER : RW_READER);
	error = sysctl_dispatch(name, (int)namelen, oldv, &oldlen, newv,
	    newlen, l->l_cred);
	rw_exit(&sysctl_lock);
	if (uoldlenp != NULL) {
		nerror = copyout(&oldlen, uoldlenp, sizeof(oldlen));
		if (error == 0)
			error = nerror;
	}
	if (error == 0 && oldv != NULL && savelen < oldlen)
		error = ENOMEM;
	return error;
}
