/*
 * kmem.c: kernel memory.
 *
 * Every allocation carries a 16-byte header with its size, so the
 * accounting cannot drift and a wrong size passed to kmem_free is
 * caught.  kmem_inuse counts bytes handed out (headers included);
 * when an allocation would cross kmem_limit (RUMP_MEMLIMIT), the
 * registered caches (vnodes, buffers) are asked to shrink, and if
 * that is not enough the allocation fails.  Nothing here aborts.
 *
 * Globals: kmem_used is atomic; reclaimers[] is append-only under
 * reclaim_lock (a host mutex: reclaim runs with or without a CPU).
 */
#include "kern/kern.h"

#define KMEM_MAGIC	0x6b6d656d6b6d656dULL
#define HDR		16
#define MAXRECLAIM	16

struct kmem_hdr {
	uint64_t size;
	uint64_t magic;
};

static _Atomic uint64_t kmem_used;
static uint64_t limit;			/* fixed at boot; 0 = none */
static struct rumpuser_mtx *reclaim_lock;
static kmem_reclaim_fn reclaimers[MAXRECLAIM];
static _Atomic int nreclaimers;

void
kmem_init(uint64_t lim)
{
	limit = lim;
	if (rumpuser_mutex_init(&reclaim_lock) != 0)
		panic("kmem_init: no host memory");
}

uint64_t
kmem_limit(void)
{
	return limit;
}

uint64_t
kmem_inuse(void)
{
	return atomic_load(&kmem_used);
}

void
kmem_register_reclaim(kmem_reclaim_fn fn)
{
	rumpuser_mutex_enter(reclaim_lock);
	if (nreclaimers < MAXRECLAIM)
		reclaimers[nreclaimers++] = fn;
	rumpuser_mutex_exit(reclaim_lock);
}

/* Ask every cache to give back memory until `want` is freed. */
static void
reclaim(size_t want)
{
	int i, n = atomic_load(&nreclaimers);
	size_t got = 0;

	for (i = 0; i < n && got < want; i++)
		got += reclaimers[i](want - got);
}

/* Charge size bytes against the limit; false if they do not fit. */
static bool
charge(size_t size)
{
	uint64_t old;
	int tries;

	if (limit == 0) {
		atomic_fetch_add(&kmem_used, size);
		return true;
	}
	for (tries = 0; tries < 3; tries++) {
		old = atomic_load(&kmem_used);
		while (old + size <= limit)
			if (atomic_compare_exchange_weak(&kmem_used, &old,
			    old + size))
				return true;
		reclaim(size + (limit / 32));
	}
	return false;
}

bool
kmem_reserve(size_t size)
{
	return charge(size);
}

void
kmem_unreserve(size_t size)
{
	atomic_fetch_sub(&kmem_used, size);
}

void *
kmem_alloc(size_t size, int flags)
{
	struct kmem_hdr *h;
	void *p;

	(void)flags;
	if (size > ((size_t)1 << 40) || !charge(size + HDR))
		return NULL;
	if (rumpuser_malloc(size + HDR, 0, &p) != 0) {
		atomic_fetch_sub(&kmem_used, size + HDR);
		return NULL;
	}
	h = p;
	h->size = size;
	h->magic = KMEM_MAGIC;
	return (char *)p + HDR;
}

void *
kmem_zalloc(size_t size, int flags)
{
	void *p = kmem_alloc(size, flags);

	if (p != NULL)
		memset(p, 0, size);
	return p;
}

void
kmem_free(void *p, size_t size)
{
	struct kmem_hdr *h;

	if (p == NULL)
		return;
	h = (struct kmem_hdr *)((char *)p - HDR);
	if (h->magic != KMEM_MAGIC || h->size != size)
		panic("kmem_free: %p size %zu, allocated %llu", p, size,
		    (unsigned long long)h->size);
	h->magic = 0;
	atomic_fetch_sub(&kmem_used, size + HDR);
	rumpuser_free(h, size + HDR);
}

char *
kmem_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = kmem_alloc(n, KM_SLEEP);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

void
kmem_strfree(char *s)
{
	if (s != NULL)
		kmem_free(s, strlen(s) + 1);
}
