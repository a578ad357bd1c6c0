/* t_modnoinfo: an object without module information. */
#include "kern/module.h"

int	t_modnoinfo_value(void);

int
t_modnoinfo_value(void)
{
	return 1;
}
