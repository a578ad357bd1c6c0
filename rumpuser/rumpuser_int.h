/* rumpuser_int.h: internals shared by the files of the hypercall layer. */
#ifndef RUMPUSER_INT_H
#define RUMPUSER_INT_H

#include <stdio.h>

#include "rumpuser.h"

/* 0 to proceed, or the NetBSD errno the call must fail with. */
int	rumpuser_fault(enum rumpuser_call which);
void	rumpuser_fault_env(void);
void	rumpuser_copy_init(void);

#endif
