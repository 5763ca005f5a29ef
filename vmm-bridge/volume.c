/*
 * volume.c - volume ids "<storage>:<volume>", the names guest configs use
 * for disks on any storage.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vmm-bridge/vmm-int.h"

int
vmm_volid_split(const char *volid, char *ret_storage, size_t storage_size,
		const char **ret_volume)
{
	const char *colon = strchr(volid, ':');
	size_t len;

	if (!colon || colon == volid || !colon[1])
		return -EINVAL;
	len = (size_t)(colon - volid);
	if (len >= storage_size)
		return -EINVAL;
	memcpy(ret_storage, volid, len);
	ret_storage[len] = '\0';
	*ret_volume = colon + 1;
	return 0;
}
