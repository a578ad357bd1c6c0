/*
 * daemonize.c: rump_daemonize_begin() and rump_daemonize_done(), the
 * kernel's side of a server detaching from its terminal (the host side,
 * fork and the status socket, is rumpuser/daemonize.c).
 *
 * States: IDLE -> BEGUN (begin, in the child that carries on) -> DONE
 * (done, whatever the error).  begin is only legal in IDLE and before
 * the kernel boots (a process with threads cannot fork safely); done
 * only in BEGUN.  Both are called by the program's main thread, so the
 * state needs no lock; it is atomic only to make misuse harmless.
 */
#include "kern/kern.h"

enum dmz_state { DMZ_IDLE, DMZ_BEGUN, DMZ_DONE };
static _Atomic int dmz_state = DMZ_IDLE;

int
rump_daemonize_begin(void)
{
	int expect = DMZ_IDLE, error;

	if (rump_booted())
		return RUMP_EALREADY;
	if (!atomic_compare_exchange_strong(&dmz_state, &expect, DMZ_BEGUN))
		return RUMP_EINPROGRESS;
	if ((error = rumpuser_daemonize_begin()) != 0)
		atomic_store(&dmz_state, DMZ_DONE);
	return error;
}

int
rump_daemonize_done(int error)
{
	int expect = DMZ_BEGUN;

	if (!atomic_compare_exchange_strong(&dmz_state, &expect, DMZ_DONE))
		return RUMP_ENOENT;
	return rumpuser_daemonize_done(error);
}
