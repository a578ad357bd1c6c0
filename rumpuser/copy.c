/*
 * copy.c: checked copies to and from the memory of a program that
 * links the kernel in.
 *
 * A wild pointer handed to rump_sys_read() must give EFAULT, not
 * bring the program down.  process_vm_readv/writev on our own pid let
 * the host kernel do the checking: an unmapped or protected page makes
 * the call come up short with EFAULT.  Where the host forbids it (some
 * sandboxes), we fall back to rejecting only obviously bad pointers
 * (NULL page, non-canonical addresses) and copying directly.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "rumpuser_int.h"

static int usevm;	/* set once at init, read-only after */
static pid_t self;

void
rumpuser_copy_init(void)
{
	char probe = 1, dst = 0;
	struct iovec l = { &dst, 1 }, r = { &probe, 1 };

	self = getpid();
	usevm = process_vm_readv(self, &l, 1, &r, 1, 0) == 1 && dst == 1;
}

/* A cheap test for addresses that can never be valid user memory. */
static int
obviouslybad(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;

	if (a < 4096 || a + len < a)
		return 1;
	return a + len > ((uintptr_t)1 << 47);
}

static int
vmcopy(int out, void *local, void *remote, size_t len)
{
	struct iovec l, r;
	ssize_t n;

	while (len > 0) {
		l.iov_base = local;
		l.iov_len = len;
		r.iov_base = remote;
		r.iov_len = len;
		if (out)
			n = process_vm_writev(self, &l, 1, &r, 1, 0);
		else
			n = process_vm_readv(self, &l, 1, &r, 1, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return 14;	/* EFAULT */
		local = (char *)local + n;
		remote = (char *)remote + n;
		len -= (size_t)n;
	}
	return 0;
}

int
rumpuser_copyin_local(const void *uaddr, void *kaddr, size_t len)
{
	int error;

	if (len == 0)
		return 0;
	if ((error = rumpuser_fault(RUMPUSER_COPYIN)) != 0)
		return error;
	if (obviouslybad(uaddr, len))
		return 14;
	if (!usevm) {
		memcpy(kaddr, uaddr, len);
		return 0;
	}
	return vmcopy(0, kaddr, (void *)(uintptr_t)uaddr, len);
}

int
rumpuser_copyout_local(const void *kaddr, void *uaddr, size_t len)
{
	int error;

	if (len == 0)
		return 0;
	if ((error = rumpuser_fault(RUMPUSER_COPYOUT)) != 0)
		return error;
	if (obviouslybad(uaddr, len))
		return 14;
	if (!usevm) {
		memcpy(uaddr, kaddr, len);
		return 0;
	}
	return vmcopy(1, (void *)(uintptr_t)kaddr, uaddr, len);
}

/*
 * Strings are fetched a page-bounded chunk at a time, so that a string
 * ending just before an unmapped page is still read in full.
 */
int
rumpuser_copyinstr_local(const void *uaddr, char *kaddr, size_t len,
    size_t *donep)
{
	const char *u = uaddr;
	size_t done = 0, chunk;
	char *nul;
	int error;

	if ((error = rumpuser_fault(RUMPUSER_COPYIN)) != 0)
		return error;
	if (obviouslybad(uaddr, 1))
		return 14;
	while (done < len) {
		chunk = 4096 - ((uintptr_t)(u + done) & 4095);
		if (chunk > len - done)
			chunk = len - done;
		if (!usevm) {
			/* never read past the NUL: the next byte may fault */
			size_t n = strnlen(u + done, chunk);

			memcpy(kaddr + done, u + done, n < chunk ? n + 1 : n);
		} else if (vmcopy(0, kaddr + done, (void *)(uintptr_t)(u + done),
		    chunk) != 0)
			return 14;
		if ((nul = memchr(kaddr + done, '\0', chunk)) != NULL) {
			if (donep != NULL)
				*donep = (size_t)(nul - kaddr) + 1;
			return 0;
		}
		done += chunk;
	}
	return 63;	/* ENAMETOOLONG */
}
