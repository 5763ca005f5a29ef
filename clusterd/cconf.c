/*
 * cconf.c - corosync.conf follows the tree: when /corosync.conf there has a
 * higher config_version than the installed file, every node installs it
 * (write, fsync, rename), and one node - the lowest member - asks corosync
 * to reload, once for the whole cluster.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <qb/qblog.h>

#include "clusterd/clusterd.h"

#define TREE_PATH "/corosync.conf"
/* Give every node time to install before the reload: they install at delivery. */
#define RELOAD_DELAY_NS (1000ull * 1000 * 1000)

struct cd_cconf {
	qb_loop_t *loop;
	cfs_replica_t *replica;
	cd_group_t *group;
	char *installed;
	uint32_t nodeid;
	qb_loop_timer_handle reload_timer;
	bool reload_pending;
};

/* The config_version of the installed file; 0 when missing or without one. */
static uint64_t
installed_version(const char *path)
{
	char buf[65536];
	uint64_t version = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n > 0 && cd_cconf_version(buf, (size_t)n, &version) < 0)
		version = 0;
	return version;
}

/* Write @len bytes of @data to @path atomically: a reader sees old or new. */
static int
install(const char *path, const char *data, size_t len)
{
	char tmp[4096];
	int fd, r = 0;

	snprintf(tmp, sizeof(tmp), "%s.clusterd-new", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len || fsync(fd) < 0)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		(void)unlink(tmp);
	return r;
}

static void
reload_now(void *data)
{
	cd_cconf_t *c = data;
	int status = 0;
	pid_t pid;

	c->reload_pending = false;
	pid = fork();
	if (pid == 0) {
		execlp("corosync-cfgtool", "corosync-cfgtool", "-R", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		qb_log(LOG_ERR, "asking corosync to reload its configuration failed "
				"(corosync-cfgtool -R); run it by hand on one node");
	else
		qb_log(LOG_NOTICE, "asked corosync to reload corosync.conf on every node");
}

void
cd_cconf_changed(void *cconf, const char *path)
{
	cd_cconf_t *c = cconf;
	const cfs_tree_t *tree = cfs_replica_tree(c->replica);
	uint64_t version = 0, installed;
	struct cfs_stat st;
	char *text;
	int r;

	if (strcmp(path, TREE_PATH) && strcmp(path, "/"))
		return;
	if (cfs_tree_stat(tree, TREE_PATH, &st) < 0 || st.type != CFS_FILE || !st.size)
		return;
	text = malloc(st.size);
	if (!text || cfs_tree_read(tree, TREE_PATH, text, st.size, 0) != (ssize_t)st.size) {
		free(text);
		return;
	}
	r = cd_cconf_version(text, st.size, &version);
	installed = installed_version(c->installed);
	if (r < 0) {
		qb_log(LOG_WARNING, "%s in the tree has %s config_version; not installing it",
		       TREE_PATH, r == -ENOENT ? "no" : "an invalid");
	} else if (version > installed) {
		r = install(c->installed, text, st.size);
		if (r < 0)
			qb_log(LOG_ERR, "cannot install corosync.conf version %" PRIu64 " at '%s': %s",
			       version, c->installed, strerror(-r));
		else
			qb_log(LOG_NOTICE, "installed corosync.conf version %" PRIu64 " (was %" PRIu64
					   ") from the tree",
			       version, installed);
		if (r == 0 && cd_group_lowest_member(c->group) == c->nodeid && !c->reload_pending &&
		    qb_loop_timer_add(c->loop, QB_LOOP_LOW, RELOAD_DELAY_NS, c, reload_now,
				      &c->reload_timer) == 0)
			c->reload_pending = true;
	}
	free(text);
}

int
cd_cconf_new(qb_loop_t *loop, cfs_replica_t *replica, cd_group_t *group, const char *installed,
	     uint32_t nodeid, cd_cconf_t **ret_cconf)
{
	cd_cconf_t *c = calloc(1, sizeof(*c));

	if (!c || !(c->installed = strdup(installed))) {
		free(c);
		return -ENOMEM;
	}
	c->loop = loop;
	c->replica = replica;
	c->group = group;
	c->nodeid = nodeid;
	*ret_cconf = c;
	return 0;
}

void
cd_cconf_free(cd_cconf_t *c)
{
	if (!c)
		return;
	if (c->reload_pending)
		(void)qb_loop_timer_del(c->loop, c->reload_timer);
	free(c->installed);
	free(c);
}
