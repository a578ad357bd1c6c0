/*
 * t_moda: a test module other modules require.  Its code exercises
 * what the linker must get right: a switch (jump table), a table of
 * pointers in initialised data, a string, a counter in bss, calls
 * between its own functions and into the kernel.  t_moda_value() is
 * exported to modules that require this one.
 */
#include "kern/module.h"

MODULE(MODULE_CLASS_MISC, t_moda, NULL);

static int inits;				/* bss */
static const char greeting[] = "moda";
static int one(void) { return 1; }
static int two(void) { return 2; }
static int (*const fns[])(void) = { one, two };	/* data relocations */

static int __attribute__((noinline))
pick(int i)
{
	switch (i) {			/* a jump table at -O2 */
	case 0: return 11;
	case 1: return 23;
	case 2: return 37;
	case 3: return 41;
	case 4: return 53;
	case 5: return 67;
	default: return -1;
	}
}

/* 7 * pick(i) + fns[i % 2]() + strlen(greeting) */
int
t_moda_value(int i)
{
	return 7 * pick(i) + fns[i % 2]() + (int)strlen(greeting);
}

static int
t_moda_modcmd(modcmd_t cmd, void *arg)
{
	void *p;

	(void)arg;
	switch (cmd) {
	case MODULE_CMD_INIT:
		if ((p = kmem_alloc(100, KM_SLEEP)) == NULL)
			return ENOMEM;
		kmem_free(p, 100);
		inits++;
		return inits == 1 || inits > 1 ? 0 : EINVAL;
	case MODULE_CMD_FINI:
		return 0;
	default:
		return ENOTTY;
	}
}
