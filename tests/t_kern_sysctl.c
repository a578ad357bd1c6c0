/*
 * t_kern_sysctl: __sysctl(2) against netbsd-abi.md section 10: the
 * kern and hw values, kern.hostname, the old-length protocol, errors,
 * and CTL_QUERY name lookups.  Booted with RUMP_NCPU=3.
 */
#include <stdlib.h>
#include <unistd.h>

#include "t.h"

int
t_boot(void)
{
	setenv("RUMP_NCPU", "3", 1);
	return rump_init();
}

static int
get_int(int a, int b, int *v)
{
	int mib[2] = { a, b };
	size_t len = sizeof(*v);

	return rump_sys___sysctl(mib, 2, v, &len, NULL, 0);
}

static int
get_str(int a, int b, char *buf, size_t size)
{
	int mib[2] = { a, b };
	size_t len = size;

	return rump_sys___sysctl(mib, 2, buf, &len, NULL, 0);
}

TEST(kern_ostype_osrelease_osrevision)
{
	char buf[64];
	int rev = 0;

	CHECK_OK(get_str(RUMP_CTL_KERN, RUMP_KERN_OSTYPE, buf, sizeof(buf)));
	CHECK_STR(buf, "NetBSD");
	CHECK_OK(get_str(RUMP_CTL_KERN, RUMP_KERN_OSRELEASE, buf,
	    sizeof(buf)));
	CHECK_STR(buf, "7.99.34");
	CHECK_OK(get_int(RUMP_CTL_KERN, RUMP_KERN_OSREV, &rev));
	CHECK_EQ(rev, 799003400);
}

TEST(string_length_includes_nul)
{
	int mib[2] = { RUMP_CTL_KERN, RUMP_KERN_OSTYPE };
	size_t len = 0;

	CHECK_OK(rump_sys___sysctl(mib, 2, NULL, &len, NULL, 0));
	CHECK_EQ(len, 7);
}

TEST(hw_values)
{
	char buf[32];
	int64_t mem = 0;
	int v = 0, mib[2] = { RUMP_CTL_HW, RUMP_HW_PHYSMEM64 };
	size_t len = sizeof(mem);

	CHECK_OK(get_str(RUMP_CTL_HW, RUMP_HW_MACHINE, buf, sizeof(buf)));
	CHECK_STR(buf, "amd64");
	CHECK_OK(get_int(RUMP_CTL_HW, RUMP_HW_NCPU, &v));
	CHECK_EQ(v, 3);
	CHECK_OK(get_int(RUMP_CTL_HW, RUMP_HW_NCPUONLINE, &v));
	CHECK_EQ(v, 3);
	CHECK_OK(get_int(RUMP_CTL_HW, RUMP_HW_PAGESIZE, &v));
	CHECK_EQ(v, 4096);
	CHECK_OK(rump_sys___sysctl(mib, 2, &mem, &len, NULL, 0));
	CHECK_EQ(len, 8);
	CHECK_EQ(mem, 536870912);
	CHECK_OK(get_int(RUMP_CTL_HW, RUMP_HW_PHYSMEM, &v));
	CHECK_EQ(v, 536870912);
}

TEST(hostname_default_form)
{
	char buf[256], want[32];

	CHECK_OK(get_str(RUMP_CTL_KERN, RUMP_KERN_HOSTNAME, buf,
	    sizeof(buf)));
	snprintf(want, sizeof(want), "rump-%05d.", (int)getpid());
	CHECK(strncmp(buf, want, strlen(want)) == 0);
	CHECK(strlen(buf) > strlen(want));
}

TEST(hostname_set_by_root)
{
	int mib[2] = { RUMP_CTL_KERN, RUMP_KERN_HOSTNAME };
	char old[256], buf[256];
	size_t len = sizeof(old);

	CHECK_OK(rump_sys___sysctl(mib, 2, old, &len, "rumpy", 6));
	CHECK_EQ(len, strlen(old) + 1);		/* the old value came back */
	CHECK(strncmp(old, "rump-", 5) == 0);
	CHECK_OK(get_str(RUMP_CTL_KERN, RUMP_KERN_HOSTNAME, buf,
	    sizeof(buf)));
	CHECK_STR(buf, "rumpy");
	/* without the NUL is fine too */
	CHECK_OK(rump_sys___sysctl(mib, 2, NULL, NULL, "abc", 3));
	CHECK_OK(get_str(RUMP_CTL_KERN, RUMP_KERN_HOSTNAME, buf,
	    sizeof(buf)));
	CHECK_STR(buf, "abc");
	CHECK_OK(rump_sys___sysctl(mib, 2, NULL, NULL, old, strlen(old) + 1));
}

TEST(hostname_too_long_einval)
{
	int mib[2] = { RUMP_CTL_KERN, RUMP_KERN_HOSTNAME };
	char big[300], buf[256], old[256];

	CHECK_OK(get_str(RUMP_CTL_KERN, RUMP_KERN_HOSTNAME, old,
	    sizeof(old)));
	memset(big, 'h', sizeof(big));
	CHECK_ERR(rump_sys___sysctl(mib, 2, NULL, NULL, big, 257),
	    RUMP_EINVAL);
	/* 256 bytes fill the buffer: only with a NUL at the end */
	CHECK_ERR(rump_sys___sysctl(mib, 2, NULL, NULL, big, 256),
	    RUMP_EINVAL);
	big[255] = '\0';
	CHECK_OK(rump_sys___sysctl(mib, 2, NULL, NULL, big, 256));
	CHECK_OK(get_str(RUMP_CTL_KERN, RUMP_KERN_HOSTNAME, buf,
	    sizeof(buf)));
	CHECK_EQ(strlen(buf), 255);
	CHECK_OK(rump_sys___sysctl(mib, 2, NULL, NULL, old, strlen(old) + 1));
}

TEST(hostname_set_needs_root)
{
	int mib[2] = { RUMP_CTL_KERN, RUMP_KERN_HOSTNAME };
	char buf[256];

	CHECK_OK(rump_sys_setuid(1000));
	CHECK_ERR(rump_sys___sysctl(mib, 2, NULL, NULL, "evil", 5),
	    RUMP_EPERM);
	CHECK_OK(get_str(RUMP_CTL_KERN, RUMP_KERN_HOSTNAME, buf,
	    sizeof(buf)));
	CHECK(strcmp(buf, "evil") != 0);
}

TEST(readonly_node_write_eperm)
{
	int mib[2] = { RUMP_CTL_HW, RUMP_HW_NCPU }, v = 8;

	CHECK_ERR(rump_sys___sysctl(mib, 2, NULL, NULL, &v, sizeof(v)),
	    RUMP_EPERM);
	CHECK_OK(get_int(RUMP_CTL_HW, RUMP_HW_NCPU, &v));
	CHECK_EQ(v, 3);
	/* a zero-length new value is a plain read */
	CHECK_OK(rump_sys___sysctl(mib, 2, &v, &(size_t){ 4 }, &v, 0));
}

TEST(short_buffer_enomem_with_full_length)
{
	int mib[2] = { RUMP_CTL_KERN, RUMP_KERN_OSTYPE };
	char buf[8];
	size_t len = 3;

	memset(buf, 0, sizeof(buf));
	CHECK_ERR(rump_sys___sysctl(mib, 2, buf, &len, NULL, 0),
	    RUMP_ENOMEM);
	CHECK_EQ(len, 7);		/* what it would have needed */
	CHECK(memcmp(buf, "Net", 3) == 0 && buf[3] == '\0');
}

TEST(int_into_short_buffer_enomem)
{
	int mib[2] = { RUMP_CTL_HW, RUMP_HW_PAGESIZE };
	int64_t mem;
	size_t len = 2;

	CHECK_ERR(rump_sys___sysctl(mib, 2, &mem, &len, NULL, 0),
	    RUMP_ENOMEM);
	CHECK_EQ(len, 4);
	/* no old buffer: just the size, no error */
	len = 0;
	CHECK_OK(rump_sys___sysctl(mib, 2, NULL, &len, NULL, 0));
	CHECK_EQ(len, 4);
}

TEST(unknown_names_enoent)
{
	int mib[3] = { RUMP_CTL_KERN, 9999, 0 }, v;
	size_t len = sizeof(v);

	CHECK_ERR(rump_sys___sysctl(mib, 2, &v, &len, NULL, 0), RUMP_ENOENT);
	mib[0] = 77;
	CHECK_ERR(rump_sys___sysctl(mib, 1, &v, &len, NULL, 0), RUMP_ENOENT);
	mib[0] = RUMP_CTL_MACHDEP;	/* no such subtree in a rump kernel */
	mib[1] = 1;
	CHECK_ERR(rump_sys___sysctl(mib, 2, &v, &len, NULL, 0), RUMP_ENOENT);
}

TEST(descend_into_leaf_enotdir)
{
	int mib[3] = { RUMP_CTL_KERN, RUMP_KERN_OSTYPE, 1 };
	char buf[16];
	size_t len = sizeof(buf);

	CHECK_ERR(rump_sys___sysctl(mib, 3, buf, &len, NULL, 0),
	    RUMP_ENOTDIR);
}

TEST(read_a_node_einval)
{
	int mib[1] = { RUMP_CTL_KERN };
	char buf[16];
	size_t len = sizeof(buf);

	CHECK_ERR(rump_sys___sysctl(mib, 1, buf, &len, NULL, 0), RUMP_EINVAL);
}

TEST(bad_namelen_einval)
{
	int mib[13] = { RUMP_CTL_KERN, RUMP_KERN_OSTYPE };
	char buf[16];
	size_t len = sizeof(buf);

	CHECK_ERR(rump_sys___sysctl(mib, 0, buf, &len, NULL, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys___sysctl(mib, 13, buf, &len, NULL, 0),
	    RUMP_EINVAL);
}

TEST(bad_pointers_efault)
{
	int mib[2] = { RUMP_CTL_KERN, RUMP_KERN_OSTYPE };
	char buf[16];
	size_t len = sizeof(buf);

	CHECK_ERR(rump_sys___sysctl(NULL, 2, buf, &len, NULL, 0),
	    RUMP_EFAULT);
	CHECK_ERR(rump_sys___sysctl((void *)0x7ff0dead0000, 2, buf, &len,
	    NULL, 0), RUMP_EFAULT);
	CHECK_ERR(rump_sys___sysctl(mib, 2, buf, (void *)1, NULL, 0),
	    RUMP_EFAULT);
	CHECK_ERR(rump_sys___sysctl(mib, 2, (void *)1, &len, NULL, 0),
	    RUMP_EFAULT);
	mib[1] = RUMP_KERN_HOSTNAME;
	CHECK_ERR(rump_sys___sysctl(mib, 2, NULL, NULL, (void *)1, 5),
	    RUMP_EFAULT);
}

/* The children of a node, as sysctlbyname() asks for them. */
static int
query(const int *mib, unsigned n, struct rump_sysctlnode *out, size_t *len)
{
	int q[RUMP_CTL_MAXNAME];
	struct rump_sysctlnode qn;

	if (n > 0)
		memcpy(q, mib, n * sizeof(int));
	q[n] = RUMP_CTL_QUERY;
	memset(&qn, 0, sizeof(qn));
	qn.sysctl_flags = RUMP_SYSCTL_VERSION;
	return rump_sys___sysctl(q, n + 1, out, len, &qn, sizeof(qn));
}

static const struct rump_sysctlnode *
find(const struct rump_sysctlnode *n, size_t cnt, const char *name)
{
	size_t i;

	for (i = 0; i < cnt; i++)
		if (strcmp(n[i].sysctl_name, name) == 0)
			return &n[i];
	return NULL;
}

TEST(query_root_lists_kern_and_hw)
{
	struct rump_sysctlnode n[16];
	const struct rump_sysctlnode *k, *h;
	size_t len = sizeof(n);

	CHECK_OK(query(NULL, 0, n, &len));
	CHECK(len % sizeof(n[0]) == 0 && len >= 2 * sizeof(n[0]));
	k = find(n, len / sizeof(n[0]), "kern");
	h = find(n, len / sizeof(n[0]), "hw");
	CHECK(k != NULL && h != NULL);
	if (k == NULL || h == NULL)
		return;
	CHECK_EQ(k->sysctl_num, RUMP_CTL_KERN);
	CHECK_EQ(k->sysctl_flags & RUMP_CTLTYPE_MASK, RUMP_CTLTYPE_NODE);
	CHECK_EQ(k->sysctl_flags & RUMP_SYSCTL_VERS_MASK, RUMP_SYSCTL_VERSION);
	CHECK_EQ(h->sysctl_num, RUMP_CTL_HW);
}

TEST(query_resolves_hw_ncpu_by_name)
{
	struct rump_sysctlnode n[32];
	const struct rump_sysctlnode *c;
	int mib[2] = { RUMP_CTL_HW, 0 }, v = 0;
	size_t len = sizeof(n), vlen = sizeof(v);

	CHECK_OK(query(mib, 1, n, &len));
	c = find(n, len / sizeof(n[0]), "ncpu");
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_EQ(c->sysctl_flags & RUMP_CTLTYPE_MASK, RUMP_CTLTYPE_INT);
	CHECK_EQ(c->sysctl_size, sizeof(int));
	mib[1] = c->sysctl_num;
	CHECK_OK(rump_sys___sysctl(mib, 2, &v, &vlen, NULL, 0));
	CHECK_EQ(v, 3);
	c = find(n, len / sizeof(n[0]), "physmem64");
	CHECK(c != NULL && (c->sysctl_flags & RUMP_CTLTYPE_MASK) ==
	    RUMP_CTLTYPE_QUAD);
}

TEST(query_shows_hostname_writable)
{
	struct rump_sysctlnode n[32];
	const struct rump_sysctlnode *c;
	int mib[1] = { RUMP_CTL_KERN };
	size_t len = sizeof(n);

	CHECK_OK(query(mib, 1, n, &len));
	c = find(n, len / sizeof(n[0]), "hostname");
	CHECK(c != NULL && c->sysctl_num == RUMP_KERN_HOSTNAME);
	if (c != NULL)
		CHECK_EQ(c->sysctl_flags & RUMP_CTLFLAG_READWRITE,
		    RUMP_CTLFLAG_READWRITE);
	c = find(n, len / sizeof(n[0]), "ostype");
	CHECK(c != NULL && (c->sysctl_flags & RUMP_CTLFLAG_READWRITE) == 0);
}

TEST(query_size_probe_and_short_buffer)
{
	struct rump_sysctlnode n[1];
	int mib[1] = { RUMP_CTL_HW };
	size_t len = 0, full;

	CHECK_OK(query(mib, 1, NULL, &len));
	full = len;
	CHECK(full >= 5 * sizeof(n[0]));
	len = sizeof(n);
	CHECK_ERR(query(mib, 1, n, &len), RUMP_ENOMEM);
	CHECK_EQ(len, full);
}

TEST(query_needs_versioned_node)
{
	int q[2] = { RUMP_CTL_HW, RUMP_CTL_QUERY };
	struct rump_sysctlnode n[16], qn;
	size_t len = sizeof(n);

	CHECK_ERR(rump_sys___sysctl(q, 2, n, &len, NULL, 0), RUMP_EINVAL);
	memset(&qn, 0, sizeof(qn));		/* version 0 */
	len = sizeof(n);
	CHECK_ERR(rump_sys___sysctl(q, 2, n, &len, &qn, sizeof(qn)),
	    RUMP_EINVAL);
	qn.sysctl_flags = RUMP_SYSCTL_VERSION;
	len = sizeof(n);
	CHECK_ERR(rump_sys___sysctl(q, 2, n, &len, &qn, 40), RUMP_EINVAL);
	qn.sysctl_ver = 0x7fffffff;		/* stale tree version */
	len = sizeof(n);
	CHECK_ERR(rump_sys___sysctl(q, 2, n, &len, &qn, sizeof(qn)),
	    RUMP_EINVAL);
}

TEST(query_on_leaf_enotdir)
{
	int mib[2] = { RUMP_CTL_HW, RUMP_HW_NCPU };
	struct rump_sysctlnode n[4];
	size_t len = sizeof(n);

	CHECK_ERR(query(mib, 2, n, &len), RUMP_ENOTDIR);
}

TEST(create_and_describe_unsupported)
{
	int q[2] = { RUMP_CTL_KERN, RUMP_CTL_CREATE };
	struct rump_sysctlnode qn;

	CHECK_ERR(rump_sys___sysctl(q, 2, NULL, NULL, NULL, 0), RUMP_EINVAL);
	memset(&qn, 0, sizeof(qn));
	qn.sysctl_flags = RUMP_SYSCTL_VERSION | RUMP_CTLTYPE_INT;
	CHECK_ERR(rump_sys___sysctl(q, 2, NULL, NULL, &qn, sizeof(qn)),
	    RUMP_EOPNOTSUPP);
	q[1] = RUMP_CTL_DESCRIBE;
	CHECK_ERR(rump_sys___sysctl(q, 2, NULL, NULL, NULL, 0),
	    RUMP_EOPNOTSUPP);
}
