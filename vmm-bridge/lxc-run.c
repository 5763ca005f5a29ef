/*
 * lxc-run.c - running containers with Debian's liblxc: the LXC config a
 * container gets (built here from our config, never from
 * /etc/lxc/default.conf, whose lxcbr0 Debian does not create), start,
 * power-off with a timeout, hard stop, and the state as LXC's monitor
 * reports it.  Each node keeps its containers in its own LXC "lxcpath"
 * <run-dir>/lxc, so two nodes on one host never see each other's.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/magic.h>
#include <lxc/lxccontainer.h>

#include "vmm-bridge/vmm-int.h"

int
vmm_lxc_run_paths(vmm_ctx_t *ctx, unsigned id, struct vmm_lxc_run *ret, vmm_error_t *err)
{
	const char *run = vmm_ctx_run_dir(ctx);

	snprintf(ret->name, sizeof(ret->name), "%u", id);
	if (snprintf(ret->lxcpath, sizeof(ret->lxcpath), "%s/lxc", run) >=
		    (int)sizeof(ret->lxcpath) ||
	    snprintf(ret->log, sizeof(ret->log), "%s/%u.log", ret->lxcpath, id) >=
		    (int)sizeof(ret->log) ||
	    snprintf(ret->lock, sizeof(ret->lock), "%s/%u.lock", ret->lxcpath, id) >=
		    (int)sizeof(ret->lock))
		return vmm_err(err, -ENAMETOOLONG, "run directory %s is too long", run);
	return 0;
}

static int
container(const struct vmm_lxc_run *run, struct lxc_container **ret, vmm_error_t *err)
{
	/* liblxc takes non-const strings it does not change. */
	char name[sizeof(run->name)], path[sizeof(run->lxcpath)];

	memcpy(name, run->name, sizeof(name));
	memcpy(path, run->lxcpath, sizeof(path));
	*ret = lxc_container_new(name, path);
	if (!*ret)
		return vmm_err(err, -ENOMEM, "container %s: liblxc cannot make a container object",
			       run->name);
	return 0;
}

int
vmm_lxc_status_run(const struct vmm_lxc_run *run, struct vmm_status *ret, vmm_error_t *err)
{
	struct lxc_container *c;
	const char *state;
	int r;

	*ret = (struct vmm_status){ .state = VMM_STATE_STOPPED };
	r = container(run, &c, err);
	if (r < 0)
		return r;
	state = c->state(c);
	snprintf(ret->detail, sizeof(ret->detail), "%s", state ? state : "STOPPED");
	if (state && strcmp(state, "STOPPED")) {
		ret->state = !strcmp(state, "FROZEN") || !strcmp(state, "FREEZING")
				     ? VMM_STATE_PAUSED
				     : VMM_STATE_RUNNING;
		ret->pid = c->init_pid(c);
		if (ret->pid < 0)
			ret->pid = 0;
	}
	lxc_container_put(c);
	return 0;
}

/* @s into @buf, cut to fit. */
static void
copy_cut(char *buf, size_t size, const char *s)
{
	size_t n = strnlen(s, size - 1);

	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* The first ERROR line LXC logged (the cause; later ones are its
 * consequences), without its time stamp and source. */
static void
first_error(const struct vmm_lxc_run *run, char *buf, size_t size)
{
	char line[1024], *msg;
	FILE *fp = fopen(run->log, "re");

	copy_cut(buf, size, run->log);
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		if (!strstr(line, " ERROR "))
			continue;
		line[strcspn(line, "\n")] = '\0';
		msg = strstr(line, " - ");
		msg = msg && strstr(msg + 3, " - ") ? strstr(msg + 3, " - ") + 3 : line;
		copy_cut(buf, size, msg);
		break;
	}
	fclose(fp);
}

static bool
cgroup2(void)
{
	struct statfs sfs;

	return statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

/* Set LXC config item @key; false (with @err set) when liblxc refuses it. */
static bool
set(struct lxc_container *c, const char *key, const char *value, vmm_error_t *err)
{
	if (c->set_config_item(c, key, value))
		return true;
	vmm_err(err, -EINVAL, "container %s: LXC refused '%s = %s'", c->name, key, value);
	return false;
}

static bool
set_nic(struct lxc_container *c, unsigned id, size_t slot, const struct vmm_lxc_nic *n,
	vmm_error_t *err)
{
	char key[64], value[64];
	const char *items[][2] = { { "type", "veth" },
				   { "flags", "up" },
				   { "name", n->name },
				   { "veth.pair", value } };

	/* The host side is named as Proxmox VE names it: veth<id>i<n>.  No
	 * lxc.net.N.link: LXC looks bridges up in /sys/class/net, which shows
	 * the network namespace /sys was mounted in, not ours (a lab node, a
	 * host's netns); vmm_lxc_launch plugs the veth in with an ioctl. */
	snprintf(value, sizeof(value), "veth%ui%u", id, n->index);
	for (size_t i = 0; i < sizeof(items) / sizeof(*items); i++) {
		snprintf(key, sizeof(key), "lxc.net.%zu.%s", slot, items[i][0]);
		if (!set(c, key, items[i][1], err))
			return false;
	}
	snprintf(key, sizeof(key), "lxc.net.%zu.hwaddr", slot);
	if (n->hwaddr[0])
		snprintf(value, sizeof(value), "%s", n->hwaddr);
	else /* Stable across starts and nodes: locally administered, from the id. */
		snprintf(value, sizeof(value), "02:%02x:%02x:%02x:%02x:%02x", (id >> 24) & 0xff,
			 (id >> 16) & 0xff, (id >> 8) & 0xff, id & 0xff, n->index);
	if (!set(c, key, value, err))
		return false;
	snprintf(key, sizeof(key), "lxc.net.%zu.ipv4.address", slot);
	if (n->ip[0] && !set(c, key, n->ip, err))
		return false;
	snprintf(key, sizeof(key), "lxc.net.%zu.ipv4.gateway", slot);
	return !n->gw[0] || set(c, key, n->gw, err);
}

/* Every LXC config item of the container; false with @err set. */
static bool
configure(struct lxc_container *c, const struct vmm_lxc_run *run, unsigned id,
	  const struct vmm_lxc_conf *lc, const char *rootfs, vmm_error_t *err)
{
	bool v2 = cgroup2();
	char value[PATH_MAX + 8];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (lc->hostname[0])
		snprintf(value, sizeof(value), "%s", lc->hostname);
	else
		snprintf(value, sizeof(value), "ct%u", id);
	if (!set(c, "lxc.uts.name", value, err))
		return false;
	snprintf(value, sizeof(value), "dir:%s", rootfs);
	if (!set(c, "lxc.rootfs.path", value, err) ||
	    !set(c, "lxc.mount.auto", "proc:mixed sys:ro cgroup:mixed", err) ||
	    !set(c, "lxc.autodev", "1", err) || !set(c, "lxc.log.file", run->log, err) ||
	    !set(c, "lxc.log.level", "WARN", err))
		return false;
	snprintf(value, sizeof(value), "%luM", lc->memory_mib);
	if (!set(c, v2 ? "lxc.cgroup2.memory.max" : "lxc.cgroup.memory.limit_in_bytes", value,
		 err))
		return false;
	/* cores: the first N CPUs; as many as the host has is no limit. */
	if (lc->cores && ncpu > 0 && lc->cores < (unsigned long)ncpu) {
		snprintf(value, sizeof(value), lc->cores == 1 ? "0" : "0-%lu", lc->cores - 1);
		if (!set(c, v2 ? "lxc.cgroup2.cpuset.cpus" : "lxc.cgroup.cpuset.cpus", value, err))
			return false;
	}
	for (size_t i = 0; i < lc->nnics; i++)
		if (!set_nic(c, id, i, &lc->nics[i], err))
			return false;
	return true;
}

int
vmm_lxc_launch(const struct vmm_lxc_run *run, unsigned id, const struct vmm_lxc_conf *lc,
	       const char *rootfs, vmm_error_t *err)
{
	struct lxc_container *c = NULL;
	char dir[sizeof(run->lxcpath) + 32], conf[sizeof(dir) + 8], why[512];
	int fd, r;

	/* A config left from an earlier start would add its items to ours. */
	snprintf(dir, sizeof(dir), "%s/%s", run->lxcpath, run->name);
	snprintf(conf, sizeof(conf), "%s/config", dir);
	if (unlink(conf) < 0 && errno != ENOENT)
		return vmm_err(err, -errno, "%s: %s", conf, strerror(errno));
	r = vmm_mkdir_p(dir);
	if (r < 0)
		return vmm_err(err, r, "mkdir %s: %s", dir, strerror(-r));
	/* One log per start: its ERROR lines explain a failure. */
	fd = open(run->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	r = container(run, &c, err);
	if (r < 0)
		return r;
	if (!configure(c, run, id, lc, rootfs, err)) {
		r = -EINVAL;
		goto put;
	}
	/* Saved so that lxc-attach -P <run-dir>/lxc -n <id> and lxc-info work. */
	if (!c->save_config(c, NULL)) {
		r = vmm_err(err, -EIO, "container %u: cannot save its LXC config %s", id, conf);
		goto put;
	}
	c->want_daemonize(c, true);
	if (!c->start(c, 0, NULL)) {
		first_error(run, why, sizeof(why));
		r = vmm_err(err, -EIO, "container %u did not start: %s", id, why);
		goto put;
	}
	for (size_t i = 0; i < lc->nnics && r == 0; i++) {
		snprintf(dir, sizeof(dir), "veth%ui%u", id, lc->nics[i].index);
		r = vmm_net_plug_dev(dir, lc->nics[i].bridge, lc->nics[i].key, err);
	}
	/* Never a half-started container: one without its network goes. */
	if (r < 0 && !c->stop(c))
		vmm_err_prefix(err, r, "container %u runs unplugged, stop it", id);
put:
	lxc_container_put(c);
	return r;
}

int
vmm_lxc_kill(const struct vmm_lxc_run *run, unsigned id, vmm_error_t *err)
{
	struct lxc_container *c;
	char why[512];
	int r;

	r = container(run, &c, err);
	if (r < 0)
		return r;
	if (c->is_running(c) && !c->stop(c) && c->is_running(c)) {
		first_error(run, why, sizeof(why));
		r = vmm_err(err, -EIO, "container %u: LXC could not stop it: %s", id, why);
	}
	lxc_container_put(c);
	return r;
}

int
vmm_lxc_powerdown(const struct vmm_lxc_run *run, unsigned id, unsigned timeout_ms,
		  vmm_error_t *err)
{
	struct lxc_container *c;
	int r = 0;

	r = container(run, &c, err);
	if (r < 0)
		return r;
	/* LXC waits in whole seconds; round up so the guest gets at least
	 * what was asked.  0 sends the signal and does not wait. */
	if (c->is_running(c) && !c->shutdown(c, (int)((timeout_ms + 999) / 1000)))
		r = 1;
	lxc_container_put(c);
	if (r == 1) {
		r = vmm_lxc_kill(run, id, err);
		if (r == 0)
			r = 1;
	}
	return r;
}
