/*
 * t_kern_ktrace: ktrace, fktrace and utrace: argument errors, the
 * records written (struct ktr_header and KTR_SYSCALL, KTR_SYSRET,
 * KTR_USER, KTR_EMUL, byte for byte as NetBSD amd64), clearing,
 * tracing to a pipe, process groups, inheritance and permission.
 */
#include <stddef.h>

#include "t.h"

#define KTROP_SET	RUMP_KTROP_SET
#define KTROP_CLEAR	RUMP_KTROP_CLEAR
#define KTROP_CLEARFILE	RUMP_KTROP_CLEARFILE
#define V2		RUMP_KTRFACv2
#define SYSCALLS	(RUMP_KTRFAC_SYSCALL | RUMP_KTRFAC_SYSRET)

/* NetBSD's struct ktr_header, version 2, amd64. */
struct ktr_header {
	int32_t	ktr_len;
	int16_t	ktr_type;
	int16_t	ktr_version;
	int32_t	ktr_pid;
	char	ktr_comm[17];
	int64_t	ktr_sec;
	int64_t	ktr_nsec;
	int32_t	ktr_lid;
};
_Static_assert(sizeof(struct ktr_header) == 56, "ktr_header");
_Static_assert(offsetof(struct ktr_header, ktr_pid) == RUMP_KTR_SHIMLEN,
    "KTR_SHIMLEN");
_Static_assert(offsetof(struct ktr_header, ktr_sec) == 32, "ktr_ts");
_Static_assert(offsetof(struct ktr_header, ktr_lid) == 48, "ktr_lid");

struct ktr_sysret {
	int16_t	ktr_code;
	int16_t	ktr_eosys;
	int32_t	ktr_error;
	int64_t	ktr_retval;
	int64_t	ktr_retval_1;
};

struct rec {
	struct ktr_header h;
	const unsigned char *data;
};

static unsigned char tbuf[65536];

/* Split the trace file into records; returns how many (max n). */
static int
records(const char *path, struct rec *r, int n)
{
	long len = t_read_file(path, tbuf, sizeof(tbuf)), at = 0;
	int i = 0;

	if (len < 0)
		return -1;
	while (at + 56 <= len && i < n) {
		memcpy(&r[i].h, tbuf + at, sizeof(r[i].h));
		r[i].data = tbuf + at + 56;
		at += 56 + r[i].h.ktr_len;
		if (at > len)
			return -2;	/* a torn record */
		i++;
	}
	return i;
}

/* The first record of type and code (code -1: any), or NULL. */
static const struct rec *
find(const struct rec *r, int n, int type, int code)
{
	int32_t c32;
	int16_t c16;
	int i;

	for (i = 0; i < n; i++) {
		if (r[i].h.ktr_type != type)
			continue;
		if (code < 0)
			return &r[i];
		if (type == RUMP_KTR_SYSCALL) {
			memcpy(&c32, r[i].data, 4);
			if (c32 == code)
				return &r[i];
		} else if (type == RUMP_KTR_SYSRET) {
			memcpy(&c16, r[i].data, 2);
			if (c16 == code)
				return &r[i];
		}
	}
	return NULL;
}

static void
make_file(const char *path, int mode)
{
	int fd = rump_sys_open(path, RUMP_O_RDWR | RUMP_O_CREAT, mode);

	CHECK_OK(fd);
	CHECK_OK(rump_sys_fchmod(fd, mode));	/* past the umask */
	rump_sys_close(fd);
}

TEST(utrace_untraced_succeeds)
{
	char buf[2048];

	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(rump_sys_utrace("label", NULL, 0), 0);
	CHECK_EQ(rump_sys_utrace("label", buf, sizeof(buf)), 0);
	/* nothing is read when nothing is traced */
	CHECK_EQ(rump_sys_utrace(NULL, (void *)8, 16), 0);
}

TEST(utrace_longer_than_ktr_user_maxlen_is_einval)
{
	static char buf[2049];

	CHECK_ERR(rump_sys_utrace("label", buf, sizeof(buf)), RUMP_EINVAL);
	CHECK_ERR(rump_sys_utrace("label", buf, (size_t)-1), RUMP_EINVAL);
}

TEST(ktrace_missing_file_is_enoent)
{
	CHECK_ERR(rump_sys_ktrace("nonexistent", KTROP_SET, SYSCALLS,
	    rump_sys_getpid()), RUMP_ENOENT);
	CHECK_ERR(rump_sys_ktrace("", KTROP_SET, SYSCALLS, rump_sys_getpid()),
	    RUMP_ENOENT);
}

TEST(ktrace_file_must_be_regular)
{
	CHECK_OK(rump_sys_mkdir("d", 0755));
	CHECK_ERR(rump_sys_ktrace("d", KTROP_SET, SYSCALLS,
	    rump_sys_getpid()), RUMP_EISDIR);
	CHECK_OK(rump_sys_mkfifo("p", 0600));
	CHECK_ERR(rump_sys_ktrace("p", KTROP_SET, SYSCALLS,
	    rump_sys_getpid()), RUMP_EACCES);
	CHECK_ERR(rump_sys_ktrace("/dev/null", KTROP_SET, SYSCALLS,
	    rump_sys_getpid()), RUMP_EACCES);
}

TEST(ktrace_file_needs_read_and_write_permission)
{
	make_file("ro", 0644);
	CHECK_OK(rump_sys_setuid(1000));
	CHECK_ERR(rump_sys_ktrace("ro", KTROP_SET, SYSCALLS,
	    rump_sys_getpid()), RUMP_EACCES);
}

TEST(ktrace_bad_operation_is_einval)
{
	pid_t pid = rump_sys_getpid();

	make_file("tr", 0600);
	CHECK_ERR(rump_sys_ktrace("tr", 3, SYSCALLS, pid), RUMP_EINVAL);
	/* nothing to trace */
	CHECK_ERR(rump_sys_ktrace("tr", KTROP_SET, 0, pid), RUMP_EINVAL);
	CHECK_ERR(rump_sys_ktrace(NULL, KTROP_CLEAR, 0, pid), RUMP_EINVAL);
	CHECK_ERR(rump_sys_ktrace("tr", KTROP_SET, RUMP_KTRFAC_PERSISTENT,
	    pid), RUMP_EINVAL);
}

TEST(ktrace_bad_record_version_is_eperm)
{
	make_file("tr", 0600);
	CHECK_ERR(rump_sys_ktrace("tr", KTROP_SET | (3 << 24), SYSCALLS,
	    rump_sys_getpid()), RUMP_EPERM);
}

TEST(ktrace_no_such_process_is_esrch)
{
	make_file("tr", 0600);
	CHECK_ERR(rump_sys_ktrace("tr", KTROP_SET, SYSCALLS, 99999),
	    RUMP_ESRCH);
	CHECK_ERR(rump_sys_ktrace("tr", KTROP_SET, SYSCALLS, -99999),
	    RUMP_ESRCH);
	CHECK_ERR(rump_sys_ktrace(NULL, KTROP_CLEAR, SYSCALLS, 99999),
	    RUMP_ESRCH);
}

TEST(ktrace_clear_needs_no_file)
{
	CHECK_EQ(rump_sys_ktrace(NULL, KTROP_CLEAR, SYSCALLS,
	    rump_sys_getpid()), 0);
}

TEST(ktrace_clearfile_of_an_unused_file_is_a_no_op)
{
	make_file("tr", 0600);
	CHECK_EQ(rump_sys_ktrace("tr", KTROP_CLEARFILE, 0, 0), 0);
}

TEST(fktrace_needs_a_descriptor_open_for_writing)
{
	int fd;

	CHECK_ERR(rump_sys_fktrace(-1, KTROP_SET, SYSCALLS,
	    rump_sys_getpid()), RUMP_EBADF);
	CHECK_ERR(rump_sys_fktrace(77, KTROP_CLEAR, SYSCALLS,
	    rump_sys_getpid()), RUMP_EBADF);
	make_file("tr", 0600);
	CHECK_OK(fd = rump_sys_open("tr", RUMP_O_RDONLY, 0));
	CHECK_ERR(rump_sys_fktrace(fd, KTROP_SET, SYSCALLS,
	    rump_sys_getpid()), RUMP_EBADF);
}

TEST(ktrace_writes_syscall_and_sysret_records)
{
	struct rec r[64];
	const struct rec *call, *ret;
	struct ktr_sysret sr;
	int32_t code, argsize;
	pid_t pid = rump_sys_getpid(), ppid;
	int n;

	make_file("tr", 0600);
	CHECK_EQ(rump_sys_ktrace("tr", KTROP_SET | V2, SYSCALLS, pid), 0);
	ppid = rump_sys_getppid();
	CHECK_EQ(rump_sys_ktrace(NULL, KTROP_CLEAR, SYSCALLS, pid), 0);
	n = records("tr", r, 64);
	CHECK(n >= 3);
	/* the ktrace call itself returns traced */
	ret = find(r, n, RUMP_KTR_SYSRET, 45);
	CHECK(ret != NULL);
	call = find(r, n, RUMP_KTR_SYSCALL, 39);
	CHECK(call != NULL);
	if (call != NULL) {
		CHECK_EQ(call->h.ktr_len, 8);
		CHECK_EQ(call->h.ktr_version, 2);
		CHECK_EQ(call->h.ktr_pid, pid);
		CHECK(call->h.ktr_lid > 0);
		CHECK(call->h.ktr_sec > 1000000000);
		CHECK(call->h.ktr_nsec >= 0 && call->h.ktr_nsec < 1000000000);
		CHECK_EQ(call->h.ktr_comm[16], '\0');
		CHECK_STR(call->h.ktr_comm, "rumplocal");
		memcpy(&code, call->data, 4);
		memcpy(&argsize, call->data + 4, 4);
		CHECK_EQ(code, 39);
		CHECK_EQ(argsize, 0);
	}
	ret = find(r, n, RUMP_KTR_SYSRET, 39);
	CHECK(ret != NULL);
	if (ret != NULL) {
		CHECK_EQ(ret->h.ktr_len, 24);
		memcpy(&sr, ret->data, sizeof(sr));
		CHECK_EQ(sr.ktr_error, 0);
		CHECK_EQ(sr.ktr_retval, ppid);
		CHECK(ret > call);
	}
	/* the clearing call is seen going in, not coming out */
	CHECK(find(r, n, RUMP_KTR_SYSCALL, 45) != NULL);
	CHECK_EQ(r[n - 1].h.ktr_type, RUMP_KTR_SYSCALL);
}

TEST(ktrace_records_arguments_and_errors)
{
	struct rec r[64];
	const struct rec *call, *ret;
	struct ktr_sysret sr;
	int32_t argsize;
	uint64_t args[2];
	pid_t pid = rump_sys_getpid();
	int n;

	make_file("tr", 0600);
	CHECK_EQ(rump_sys_ktrace("tr", KTROP_SET | V2, SYSCALLS, pid), 0);
	CHECK_ERR(rump_sys_dup2(777, 888), RUMP_EBADF);
	CHECK_EQ(rump_sys_ktrace(NULL, KTROP_CLEAR, SYSCALLS, pid), 0);
	n = records("tr", r, 64);
	call = find(r, n, RUMP_KTR_SYSCALL, 90);
	CHECK(call != NULL);
	if (call != NULL) {
		CHECK_EQ(call->h.ktr_len, 8 + 16);
		memcpy(&argsize, call->data + 4, 4);
		CHECK_EQ(argsize, 16);
		memcpy(args, call->data + 8, sizeof(args));
		CHECK_EQ(args[0], 777);
		CHECK_EQ(args[1], 888);
	}
	ret = find(r, n, RUMP_KTR_SYSRET, 90);
	CHECK(ret != NULL);
	if (ret != NULL) {
		memcpy(&sr, ret->data, sizeof(sr));
		CHECK_EQ(sr.ktr_error, RUMP_EBADF);
		CHECK_EQ(sr.ktr_retval, 0);
	}
}

TEST(utrace_writes_a_ktr_user_record)
{
	struct rec r[16];
	const struct rec *u;
	pid_t pid = rump_sys_getpid();
	static char big[2049];
	int n;

	make_file("tr", 0600);
	CHECK_EQ(rump_sys_ktrace("tr", KTROP_SET | V2, RUMP_KTRFAC_USER, pid),
	    0);
	CHECK_EQ(rump_sys_utrace("mylabel", "hello", 5), 0);
	CHECK_ERR(rump_sys_utrace("mylabel", big, sizeof(big)), RUMP_EINVAL);
	CHECK_ERR(rump_sys_utrace("bad", (void *)8, 4), RUMP_EFAULT);
	CHECK_EQ(rump_sys_ktrace(NULL, KTROP_CLEAR, RUMP_KTRFAC_USER, pid), 0);
	n = records("tr", r, 16);
	CHECK_EQ(n, 2);			/* no syscall records were asked for */
	u = find(r, n, RUMP_KTR_USER, -1);
	CHECK(u != NULL);
	if (u != NULL) {
		CHECK_EQ(u->h.ktr_len, RUMP_KTR_USER_MAXIDLEN + 5);
		CHECK_STR((const char *)u->data, "mylabel");
		CHECK(memcmp(u->data + RUMP_KTR_USER_MAXIDLEN, "hello", 5) ==
		    0);
	}
	if (n == 2) {
		CHECK_EQ(r[1].h.ktr_len, RUMP_KTR_USER_MAXIDLEN + 4);
		CHECK_STR((const char *)r[1].data, "bad");
	}
}

TEST(ktrfac_emul_writes_the_emulation_first)
{
	struct rec r[16];
	pid_t pid = rump_sys_getpid();
	int n;

	make_file("tr", 0600);
	CHECK_EQ(rump_sys_ktrace("tr", KTROP_SET | V2,
	    RUMP_KTRFAC_EMUL | RUMP_KTRFAC_SYSRET, pid), 0);
	rump_sys_getpid();
	CHECK_EQ(rump_sys_ktrace(NULL, KTROP_CLEAR, RUMP_KTRFAC_EMUL |
	    RUMP_KTRFAC_SYSRET, pid), 0);
	n = records("tr", r, 16);
	CHECK(n >= 2);
	if (n >= 2) {
		CHECK_EQ(r[0].h.ktr_type, RUMP_KTR_EMUL);
		CHECK_EQ(r[0].h.ktr_len, 6);
		CHECK(memcmp(r[0].data, "netbsd", 6) == 0);
		CHECK_EQ(r[1].h.ktr_type, RUMP_KTR_SYSRET);
	}
	CHECK(find(r, n, RUMP_KTR_EMUL, -1) == &r[0]);
}

TEST(version_0_headers_carry_microseconds)
{
	struct rec r[16];
	pid_t pid = rump_sys_getpid();
	int n;

	make_file("tr", 0600);
	CHECK_EQ(rump_sys_ktrace("tr", KTROP_SET, RUMP_KTRFAC_SYSRET, pid), 0);
	CHECK_EQ(rump_sys_ktrace(NULL, KTROP_CLEAR, RUMP_KTRFAC_SYSRET, pid),
	    0);
	n = records("tr", r, 16);
	CHECK_EQ(n, 1);
	if (n == 1) {
		CHECK_EQ(r[0].h.ktr_version, 0);
		CHECK(r[0].h.ktr_nsec < 1000000);	/* tv_usec */
		CHECK_EQ(r[0].h.ktr_lid, 0);		/* NULL _buf */
	}
}

TEST(fktrace_writes_to_a_pipe)
{
	unsigned char buf[4096];
	struct ktr_header h;
	struct ktr_sysret sr;
	pid_t pid = rump_sys_getpid();
	int p[2];
	ssize_t len;

	CHECK_OK(rump_sys_pipe(p));
	CHECK_EQ(rump_sys_fktrace(p[1], KTROP_SET | V2, RUMP_KTRFAC_SYSRET,
	    pid), 0);
	CHECK_OK(rump_sys_fktrace(p[1], KTROP_CLEAR, RUMP_KTRFAC_SYSRET, pid));
	len = rump_sys_read(p[0], buf, sizeof(buf));
	CHECK_EQ(len, 56 + 24);
	memcpy(&h, buf, sizeof(h));
	memcpy(&sr, buf + 56, sizeof(sr));
	CHECK_EQ(h.ktr_type, RUMP_KTR_SYSRET);
	CHECK_EQ(sr.ktr_code, 288);
}

TEST(fktrace_to_a_full_pipe_drops_records)
{
	static char big[16384];
	pid_t pid = rump_sys_getpid();
	int p[2];

	CHECK_OK(rump_sys_pipe(p));
	CHECK_EQ(rump_sys_write(p[1], big, sizeof(big) - 40), 16344);
	CHECK_EQ(rump_sys_fktrace(p[1], KTROP_SET | V2, SYSCALLS, pid), 0);
	/* these would block on a full pipe; they must not */
	rump_sys_getpid();
	CHECK_OK(rump_sys_fktrace(p[1], KTROP_CLEAR, SYSCALLS, pid));
}

TEST(ktrace_clearfile_stops_every_trace_to_the_file)
{
	struct rec r[64];
	pid_t pid = rump_sys_getpid();
	int n, m;

	make_file("tr", 0600);
	CHECK_EQ(rump_sys_ktrace("tr", KTROP_SET | V2, SYSCALLS, pid), 0);
	CHECK_EQ(rump_sys_ktrace("tr", KTROP_CLEARFILE, 0, 0), 0);
	n = records("tr", r, 64);
	rump_sys_getpid();
	rump_sys_getppid();
	m = records("tr", r, 64);
	CHECK(n > 0);
	/* only the reads of the file, made by t_read_file, were traced?
	 * no: nothing is traced any more */
	CHECK_EQ(m, n);
}

TEST(ktrace_by_process_group)
{
	struct rec r[16];
	pid_t pid = rump_sys_getpid();
	int n;

	make_file("tr", 0600);
	CHECK_OK(rump_sys_setsid());
	CHECK_EQ(rump_sys_ktrace("tr", KTROP_SET | V2, RUMP_KTRFAC_SYSRET,
	    -pid), 0);
	CHECK_EQ(rump_sys_ktrace(NULL, KTROP_CLEAR, RUMP_KTRFAC_SYSRET, -pid),
	    0);
	n = records("tr", r, 16);
	CHECK_EQ(n, 1);
	if (n == 1)
		CHECK_EQ(r[0].h.ktr_pid, pid);
}

TEST(ktrfac_inherit_passes_tracing_to_children)
{
	struct lwp *me = rump_pub_lwproc_curlwp();
	struct rec r[64];
	pid_t pid = rump_sys_getpid(), child;
	int n, i, seen = 0;

	make_file("tr", 0600);
	CHECK_EQ(rump_sys_ktrace("tr", KTROP_SET | V2, RUMP_KTRFAC_SYSRET |
	    RUMP_KTRFAC_INHERIT, pid), 0);
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	child = rump_sys_getpid();
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(me);
	CHECK_EQ(rump_sys_ktrace(NULL, KTROP_CLEAR, RUMP_KTRFAC_SYSRET, pid),
	    0);
	n = records("tr", r, 64);
	for (i = 0; i < n; i++)
		if (r[i].h.ktr_pid == child)
			seen++;
	CHECK_EQ(seen, 1);
}

TEST(ktrace_of_anothers_process_is_eperm)
{
	struct lwp *me = rump_pub_lwproc_curlwp();

	make_file("tr", 0666);
	CHECK_OK(rump_sys_setuid(1000));
	CHECK_ERR(rump_sys_ktrace("tr", KTROP_SET, SYSCALLS, 1), RUMP_EPERM);
	/* having changed its ids, this process is set-id: not even itself */
	CHECK_ERR(rump_sys_ktrace("tr", KTROP_SET, SYSCALLS,
	    rump_sys_getpid()), RUMP_EPERM);
	/* its child is plainly uid 1000 and may trace itself */
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	CHECK_ERR(rump_sys_ktrace("tr", KTROP_SET, SYSCALLS, 1), RUMP_EPERM);
	CHECK_EQ(rump_sys_ktrace("tr", KTROP_SET, SYSCALLS,
	    rump_sys_getpid()), 0);
	CHECK_EQ(rump_sys_ktrace(NULL, KTROP_CLEAR, SYSCALLS,
	    rump_sys_getpid()), 0);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(me);
}

TEST(a_root_trace_is_persistent_against_users)
{
	struct lwp *me = rump_pub_lwproc_curlwp(), *c, *g;
	pid_t gpid;

	make_file("tr", 0666);
	/* g: a plain uid 1000 process, the child of a set-id one */
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	c = rump_pub_lwproc_curlwp();
	CHECK_OK(rump_sys_setuid(1000));
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	g = rump_pub_lwproc_curlwp();
	gpid = rump_sys_getpid();
	rump_pub_lwproc_switch(me);
	CHECK_EQ(rump_sys_ktrace("tr", KTROP_SET, RUMP_KTRFAC_SYSRET, gpid),
	    0);
	/* root's trace: g may not lift it, nor add to it */
	rump_pub_lwproc_switch(g);
	CHECK_ERR(rump_sys_ktrace(NULL, KTROP_CLEAR, RUMP_KTRFAC_SYSRET, gpid),
	    RUMP_EPERM);
	CHECK_ERR(rump_sys_ktrace("tr", KTROP_CLEARFILE, 0, 0), RUMP_EPERM);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(c);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(me);
}
