/*
 * node.c - this node's files and services for clusterctl: path options,
 * the "already in a cluster" check, the start hook (systemd on a real
 * host, the lab's own command in the lab), waiting for corosync and the
 * tree, and the directory for this node's key and certificates.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <corosync/cmap.h>
#include <json-c/json.h>

#include "clusterctl/cconf.h"
#include "clusterctl/node.h"

void
ctl_paths_init(struct ctl_paths *p)
{
	const char *hook = getenv("CLUSTERCTL_START_HOOK");

	*p = (struct ctl_paths){.corosync_dir = "/etc/corosync",
	                        .state_dir = "/var/lib/clusterha",
	                        .mount = "/etc/cluster",
	                        .start_hook = hook && *hook ? hook : NULL};
}

bool
ctl_paths_option(struct ctl_paths *p, int c, const char *arg)
{
	switch (c) {
	case CTL_OPT_COROSYNC_DIR:
		p->corosync_dir = arg;
		return true;
	case CTL_OPT_STATE_DIR:
		p->state_dir = arg;
		return true;
	case CTL_OPT_MOUNT:
		p->mount = arg;
		return true;
	case CTL_OPT_START_HOOK:
		p->start_hook = arg;
		return true;
	default:
		return false;
	}
}

void
ctl_path(char *buf, size_t size, const char *dir, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

bool
ctl_node_has_config(const struct ctl_paths *p, char *why, size_t size)
{
	const char *files[][2] = {{p->corosync_dir, "corosync.conf"},
	                          {p->corosync_dir, "authkey"},
	                          {p->state_dir, "pki/node.crt"}};
	char path[4096];
	glob_t g;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		ctl_path(path, sizeof(path), files[i][0], files[i][1]);
		if (access(path, F_OK) == 0) {
			snprintf(why, size, "%s exists", path);
			return true;
		}
	}
	snprintf(path, sizeof(path), "%s/nodes/*/*/*.conf", p->mount);
	if (glob(path, 0, NULL, &g) == 0) {
		snprintf(why, size, "it has guests (%s)", g.gl_pathv[0]);
		globfree(&g);
		return true;
	}
	return false;
}

int
ctl_node_start(const struct ctl_paths *p, const char *service)
{
	int status = 0;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (p->start_hook)
			execl(p->start_hook, p->start_hook, "start", service, (char *)NULL);
		else
			execlp("systemctl", "systemctl", "start", service, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "clusterctl: starting %s failed (%s start %s exited with %d)\n",
		        service, p->start_hook ? p->start_hook : "systemctl", service,
		        WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -EIO;
	}
	return 0;
}

static void
nap(void)
{
	nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
}

int
ctl_node_wait_corosync(unsigned timeout_s)
{
	time_t deadline = time(NULL) + timeout_s;
	cmap_handle_t h;

	while (cmap_initialize(&h) != CS_OK) {
		if (time(NULL) > deadline)
			return -ETIMEDOUT;
		nap();
	}
	cmap_finalize(h);
	return 0;
}

/* Is @path a mount point (another device than its parent)? */
static bool
mounted(const char *path)
{
	char parent[4096];
	struct stat a, b;

	snprintf(parent, sizeof(parent), "%s/..", path);
	return stat(path, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev;
}

int
ctl_node_wait_tree(const struct ctl_paths *p, unsigned timeout_s)
{
	time_t deadline = time(NULL) + timeout_s;
	char probe[4096];
	int fd;

	ctl_path(probe, sizeof(probe), p->mount, ".clusterctl-probe");
	for (;;) {
		if (mounted(p->mount)) {
			fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			if (fd >= 0) {
				close(fd);
				(void)unlink(probe);
				return 0;
			}
		}
		if (time(NULL) > deadline)
			return -ETIMEDOUT;
		nap();
	}
}

/* Does the tree's corosync.conf have at least @version?  Else say what it has. */
static bool
tree_has_version(const struct ctl_paths *p, uint64_t version, char *why, size_t size)
{
	char path[4096], *text = NULL;
	uint64_t v = 0;
	int r;

	ctl_path(path, sizeof(path), p->mount, "corosync.conf");
	r = ctl_read_file(path, &text, NULL);
	if (r == 0)
		r = ctl_cconf_version(text, &v);
	free(text);
	if (r == 0 && v >= version)
		return true;
	if (r < 0)
		snprintf(why, size, "%s cannot be read: %s", path, strerror(-r));
	else
		snprintf(why, size, "%s has config_version %llu, not yet %llu", path,
		         (unsigned long long)v, (unsigned long long)version);
	return false;
}

/* Does the tree's .members list @name online in a quorate cluster?  Else say why not. */
static bool
members_list(const struct ctl_paths *p, const char *name, char *why, size_t size)
{
	char path[4096], *text = NULL;
	json_object *root = NULL, *cluster, *quorate, *nodes;
	bool found = false, online = false;

	ctl_path(path, sizeof(path), p->mount, ".members");
	if (ctl_read_file(path, &text, NULL) == 0)
		root = json_tokener_parse(text);
	free(text);
	if (!root) {
		snprintf(why, size, "%s cannot be read", path);
		return false;
	}
	if (!json_object_object_get_ex(root, "cluster", &cluster) ||
	    !json_object_object_get_ex(cluster, "quorate", &quorate) ||
	    !json_object_get_boolean(quorate)) {
		snprintf(why, size, "%s says the cluster is not quorate", path);
		json_object_put(root);
		return false;
	}
	if (json_object_object_get_ex(root, "nodes", &nodes) &&
	    json_object_is_type(nodes, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(nodes); i++) {
			json_object *n = json_object_array_get_idx(nodes, i), *v;

			if (!json_object_object_get_ex(n, "name", &v) ||
			    strcmp(json_object_get_string(v), name))
				continue;
			found = true;
			online = json_object_object_get_ex(n, "online", &v) &&
			         json_object_get_boolean(v);
		}
	}
	json_object_put(root);
	if (!online)
		snprintf(why, size, "%s %s", path,
		         found ? "lists this node offline" : "does not list this node");
	return online;
}

int
ctl_node_wait_member(const struct ctl_paths *p, const char *name, uint64_t version,
                     unsigned timeout_s, char *why, size_t size)
{
	time_t deadline = time(NULL) + timeout_s;

	for (;;) {
		if (!mounted(p->mount))
			snprintf(why, size, "%s is not mounted (is clusterd running?)", p->mount);
		else if (tree_has_version(p, version, why, size) && members_list(p, name, why, size))
			return 0;
		if (time(NULL) >= deadline)
			return -ETIMEDOUT;
		nap();
	}
}

int
ctl_write_file(const char *dir, const char *name, const void *data, size_t len, int mode)
{
	char path[4096], tmp[4200];
	int fd, r = 0;

	ctl_path(path, sizeof(path), dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.clusterctl-new", dir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, (mode_t)mode) < 0 || write(fd, data, len) != (ssize_t)len || fsync(fd) < 0)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		(void)unlink(tmp);
	return r;
}

int
ctl_read_file(const char *path, char **ret_text, size_t *ret_len)
{
	size_t cap = 1 << 20, len = 0;
	char *buf;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (len < cap && (n = read(fd, buf + len, cap - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	*ret_text = buf;
	if (ret_len)
		*ret_len = len;
	return 0;
}

int
ctl_node_make_pki_dir(const struct ctl_paths *p, char *pki, size_t size)
{
	ctl_path(pki, size, p->state_dir, "pki");
	if ((mkdir(p->state_dir, 0700) < 0 && errno != EEXIST) ||
	    (mkdir(pki, 0700) < 0 && errno != EEXIST))
		return -errno;
	return 0;
}
