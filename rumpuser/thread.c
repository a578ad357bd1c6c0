/*
 * thread.c: host threads and the thread-local current lwp.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rumpuser_int.h"

struct rumpuser_thread {
	pthread_t pt;
};

static __thread void *curlwp;

int
rumpuser_thread_create(void *(*fn)(void *), void *arg, const char *name,
    bool joinable, struct rumpuser_thread **tp)
{
	struct rumpuser_thread *t;
	pthread_attr_t attr;
	int error;

	if ((error = rumpuser_fault(RUMPUSER_THREAD_CREATE)) != 0)
		return error;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return 12;
	pthread_attr_init(&attr);
	if (!joinable)
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	error = pthread_create(&t->pt, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (error != 0) {
		free(t);
		return rumpuser_errtrans(error);
	}
	if (name != NULL) {
		char buf[16];

		strncpy(buf, name, sizeof(buf) - 1);
		buf[sizeof(buf) - 1] = '\0';
		pthread_setname_np(t->pt, buf);
	}
	if (!joinable) {
		free(t);
		t = NULL;
	}
	if (tp != NULL)
		*tp = t;
	return 0;
}

void
rumpuser_thread_exit(void)
{
	pthread_exit(NULL);
}

int
rumpuser_thread_join(struct rumpuser_thread *t)
{
	int error = pthread_join(t->pt, NULL);

	free(t);
	return rumpuser_errtrans(error);
}

void
rumpuser_curlwp_set(void *l)
{
	curlwp = l;
}

void *
rumpuser_curlwp(void)
{
	return curlwp;
}
