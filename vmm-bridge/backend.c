/*
 * backend.c - the table of guest backends, chosen by guest type or by the
 * config directory they own, and the table of storage plugins.  Adding a
 * backend is one line here.
 */
#include <config.h>

#include <string.h>

#include "vmm-bridge/vmm-int.h"

static const struct vmm_backend *const backends[] = {
	&vmm_backend_qemu,
	&vmm_backend_lxc,
	&vmm_backend_exec,
};

static const struct vmm_storage_plugin *const plugins[] = {
	&vmm_storage_dir,
	&vmm_storage_nfs,
	&vmm_storage_iscsi,
};

const struct vmm_backend *
vmm_backend_by_type(const char *type)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(*backends); i++)
		if (!strcmp(backends[i]->type, type))
			return backends[i];
	return NULL;
}

const struct vmm_backend *
vmm_backend_by_dir(const char *conf_dir)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(*backends); i++)
		if (!strcmp(backends[i]->conf_dir, conf_dir))
			return backends[i];
	return NULL;
}

const struct vmm_storage_plugin *
vmm_storage_plugin_by_type(const char *type)
{
	for (size_t i = 0; i < sizeof(plugins) / sizeof(*plugins); i++)
		if (!strcmp(plugins[i]->type, type))
			return plugins[i];
	return NULL;
}

const char *
vmm_state_name(enum vmm_state state)
{
	switch (state) {
	case VMM_STATE_RUNNING:
		return "running";
	case VMM_STATE_PAUSED:
		return "paused";
	case VMM_STATE_STOPPED:
		break;
	}
	return "stopped";
}
