/*
 * watchdog.c - the table of watchdog drivers, looked up by name.
 */
#include <config.h>

#include <string.h>

#include "watchdog.h"

static const struct wd_driver *const wd_drivers[] = {
	&wd_driver_linux,
	&wd_driver_lab,
};

const struct wd_driver *
wd_driver_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof(wd_drivers) / sizeof(wd_drivers[0]); i++) {
		if (strcmp(wd_drivers[i]->name, name) == 0)
			return wd_drivers[i];
	}
	return NULL;
}

const char *
wd_driver_names(void)
{
	return "linux, lab";
}
