/*
 * fault.c: fault injection for every hypercall.
 *
 * Each armed call has a countdown: `after` calls pass, then `count`
 * calls fail with `error`.  The counters are atomics so that threads
 * hitting the same hypercall never need a lock on the fast path.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "rumpuser.h"
#include "rumpuser_int.h"

struct fault {
	atomic_ulong calls;	/* calls seen, armed or not */
	atomic_ulong after;	/* calls left to pass before failing */
	atomic_ulong count;	/* failures left to inject */
	atomic_int error;
};

static struct fault faults[RUMPUSER_NCALLS];
static atomic_int anyarmed;	/* fast exit when nothing is armed */

static const char *const names[RUMPUSER_NCALLS] = {
	[RUMPUSER_MALLOC] = "malloc",
	[RUMPUSER_THREAD_CREATE] = "thread_create",
	[RUMPUSER_OPEN] = "open",
	[RUMPUSER_PREAD] = "pread",
	[RUMPUSER_PWRITE] = "pwrite",
	[RUMPUSER_FSYNC] = "fsync",
	[RUMPUSER_GETFILEINFO] = "getfileinfo",
	[RUMPUSER_DLOPEN] = "dlopen",
	[RUMPUSER_GETRANDOM] = "getrandom",
	[RUMPUSER_COPYIN] = "copyin",
	[RUMPUSER_COPYOUT] = "copyout",
};

int
rumpuser_fault_set(enum rumpuser_call which, unsigned long after,
    unsigned long count, int error)
{
	struct fault *f;

	if ((unsigned)which >= RUMPUSER_NCALLS)
		return 22;
	f = &faults[which];
	atomic_store(&f->error, error);
	atomic_store(&f->after, after);
	atomic_store(&f->count, count);
	if (count)
		atomic_store(&anyarmed, 1);
	return 0;
}

int
rumpuser_fault_byname(const char *name, unsigned long after,
    unsigned long count, int error)
{
	int i;

	for (i = 0; i < RUMPUSER_NCALLS; i++)
		if (strcmp(names[i], name) == 0)
			return rumpuser_fault_set(i, after, count, error);
	return 22;
}

unsigned long
rumpuser_fault_calls(enum rumpuser_call which)
{
	if ((unsigned)which >= RUMPUSER_NCALLS)
		return 0;
	return atomic_load(&faults[which].calls);
}

void
rumpuser_fault_clear(void)
{
	int i;

	for (i = 0; i < RUMPUSER_NCALLS; i++)
		atomic_store(&faults[i].count, 0);
	atomic_store(&anyarmed, 0);
}

/* Decrement *v if it is non-zero; true if it was. */
static int
take(atomic_ulong *v)
{
	unsigned long old = atomic_load(v);

	while (old != 0)
		if (atomic_compare_exchange_weak(v, &old, old - 1))
			return 1;
	return 0;
}

int
rumpuser_fault(enum rumpuser_call which)
{
	struct fault *f = &faults[which];

	atomic_fetch_add_explicit(&f->calls, 1, memory_order_relaxed);
	if (!atomic_load_explicit(&anyarmed, memory_order_relaxed))
		return 0;
	if (atomic_load(&f->count) == 0)
		return 0;
	if (take(&f->after))
		return 0;
	if (take(&f->count))
		return atomic_load(&f->error);
	return 0;
}

/*
 * RUMPUSER_FAULT="name:after:count:errno[,name:...]" arms faults from
 * the environment, for programs (servers) a test cannot reach into.
 */
void
rumpuser_fault_env(void)
{
	char *s, *save, *tok, *copy;
	const char *env = getenv("RUMPUSER_FAULT");

	if (env == NULL || (copy = strdup(env)) == NULL)
		return;
	for (s = copy; (tok = strtok_r(s, ",", &save)) != NULL; s = NULL) {
		char name[32];
		unsigned long after, count;
		int error;

		if (sscanf(tok, "%31[^:]:%lu:%lu:%d", name, &after, &count,
		    &error) == 4)
			rumpuser_fault_byname(name, after, count, error);
	}
	free(copy);
}
