/*
 * qemu-run.c - the life of a QEMU guest process: start, status, graceful
 * shutdown with a hard stop after the timeout, and hard stop.  QEMU writes
 * and locks <run>/qemu/<id>.pid itself, so the lock's holder is the live
 * QEMU of that guest (never a recycled pid); its state comes from QMP
 * query-status on <run>/qemu/<id>.qmp.  Operations on one guest are
 * serialised by a flock on <run>/qemu/<id>.lock.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/pidfd.h>

#include "vmm-bridge/vmm-int.h"

/* How long QMP may take to answer a command; QEMU answers in ms. */
#define QMP_TIMEOUT_MS 5000
/* How long a hard stop may take before it is an error. */
#define KILL_WAIT_MS 10000

int
vmm_qemu_run_paths(vmm_ctx_t *ctx, unsigned id, struct vmm_qemu_run *ret, vmm_error_t *err)
{
	const char *run = vmm_ctx_run_dir(ctx);

	if (snprintf(ret->dir, sizeof(ret->dir), "%s/qemu", run) >= (int)sizeof(ret->dir) ||
	    snprintf(ret->qmp, sizeof(ret->qmp), "%s/%u.qmp", ret->dir, id) >=
		    (int)sizeof(ret->qmp) ||
	    snprintf(ret->pid, sizeof(ret->pid), "%s/%u.pid", ret->dir, id) >=
		    (int)sizeof(ret->pid) ||
	    snprintf(ret->lock, sizeof(ret->lock), "%s/%u.lock", ret->dir, id) >=
		    (int)sizeof(ret->lock))
		return vmm_err(err, -ENAMETOOLONG,
			       "run directory %s is too long for a QMP socket path", run);
	return 0;
}

/* The pid of the QEMU holding the pid file's lock, or 0. */
static pid_t
locked_pid(const struct vmm_qemu_run *run)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(run->pid, O_RDONLY | O_CLOEXEC);
	pid_t pid = 0;

	if (fd < 0)
		return 0;
	/* QEMU takes a write lock (lockf) on the whole file. */
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		pid = fl.l_pid;
	close(fd);
	return pid;
}

/*
 * A pidfd on the QEMU holding the pid file's lock, or -1 when none holds
 * it.  It is opened right after the lock named the pid, so it is that
 * QEMU: a pid is not recycled within microseconds.
 */
static int
open_qemu(const struct vmm_qemu_run *run, pid_t *pid)
{
	*pid = locked_pid(run);
	return *pid ? pidfd_open(*pid, 0) : -1;
}

/*
 * Wait until the QEMU of @pidfd has exited; -ETIMEDOUT.  Its pid file's
 * lock is not enough: QEMU removes the pid file at exit and then goes on
 * tearing down, its disk images still open.  Without a pidfd (the QEMU had
 * gone already, or the kernel has none) the lock is all there is.
 */
static int
wait_exit(const struct vmm_qemu_run *run, int pidfd, long timeout_ms)
{
	struct pollfd exited = { .fd = pidfd, .events = POLLIN };
	int r;

	if (pidfd >= 0) {
		do
			r = poll(&exited, 1, (int)timeout_ms);
		while (r < 0 && errno == EINTR);
		if (r == 0)
			return -ETIMEDOUT;
	} else {
		for (long waited = 0; locked_pid(run); waited += 20) {
			if (waited >= timeout_ms)
				return -ETIMEDOUT;
			vmm_sleep_ms(20);
		}
	}
	/* A killed QEMU leaves its files behind. */
	(void)unlink(run->pid);
	(void)unlink(run->qmp);
	return 0;
}

static void
map_state(const char *status, struct vmm_status *ret)
{
	snprintf(ret->detail, sizeof(ret->detail), "%s", status);
	if (!strcmp(status, "running"))
		ret->state = VMM_STATE_RUNNING;
	else if (!strcmp(status, "shutdown"))
		ret->state = VMM_STATE_STOPPED;
	else
		/* prelaunch, paused, inmigrate, postmigrate, suspended, ...:
		 * QEMU holds the guest but does not run it. */
		ret->state = VMM_STATE_PAUSED;
}

int
vmm_qemu_status_run(const struct vmm_qemu_run *run, unsigned id, struct vmm_status *ret,
		    vmm_error_t *err)
{
	json_object *reply = NULL, *status;
	vmm_qmp_t *qmp = NULL;
	pid_t pid = locked_pid(run);
	int r;

	*ret = (struct vmm_status){ .state = VMM_STATE_STOPPED };
	if (!pid)
		return 0;
	r = vmm_qmp_connect(run->qmp, QMP_TIMEOUT_MS, &qmp, err);
	if (r == 0)
		r = vmm_qmp_execute(qmp, "query-status", NULL, &reply, err);
	vmm_qmp_free(qmp);
	if (r < 0) {
		/* It may have exited between the two looks. */
		if (!locked_pid(run))
			return 0;
		return vmm_err_prefix(err, -EIO, "guest %u: QEMU pid %d runs but QMP fails", id,
				      (int)pid);
	}
	if (!json_object_object_get_ex(reply, "status", &status)) {
		json_object_put(reply);
		return vmm_err(err, -EPROTO, "guest %u: query-status without a status", id);
	}
	map_state(json_object_get_string(status), ret);
	ret->pid = pid;
	json_object_put(reply);
	return 0;
}

/* Stop the QEMU of @pidfd (pid @pid) now: QMP quit, and SIGKILL when QMP fails. */
static int
kill_qemu(const struct vmm_qemu_run *run, unsigned id, pid_t pid, int pidfd,
	  vmm_error_t *err)
{
	vmm_qmp_t *qmp = NULL;
	int r;

	if (!pid)
		return wait_exit(run, -1, 0);
	if (vmm_qmp_connect(run->qmp, QMP_TIMEOUT_MS, &qmp, NULL) == 0 &&
	    vmm_qmp_execute(qmp, "quit", NULL, NULL, NULL) == 0)
		(void)vmm_qmp_wait_closed(qmp, QMP_TIMEOUT_MS);
	vmm_qmp_free(qmp);
	if (wait_exit(run, pidfd, 1000) == 0)
		return 0;
	/* The pidfd, or the live holder of QEMU's own pid file lock: ours. */
	r = pidfd >= 0 ? pidfd_send_signal(pidfd, SIGKILL, NULL, 0) : kill(pid, SIGKILL);
	if (r < 0 && errno != ESRCH)
		return vmm_err(err, -errno, "guest %u: kill QEMU pid %d: %s", id, (int)pid,
			       strerror(errno));
	if (wait_exit(run, pidfd, KILL_WAIT_MS) < 0)
		return vmm_err(err, -ETIMEDOUT, "guest %u: QEMU pid %d does not die", id,
			       (int)pid);
	return 0;
}

int
vmm_qemu_kill(const struct vmm_qemu_run *run, unsigned id, vmm_error_t *err)
{
	pid_t pid;
	int pidfd = open_qemu(run, &pid);
	int r = kill_qemu(run, id, pid, pidfd, err);

	if (pidfd >= 0)
		close(pidfd);
	return r;
}

int
vmm_qemu_powerdown(const struct vmm_qemu_run *run, unsigned id, unsigned timeout_ms,
		   vmm_error_t *err)
{
	vmm_qmp_t *qmp = NULL;
	pid_t pid;
	int pidfd = open_qemu(run, &pid);
	int r;

	if (!pid)
		return 0;
	r = vmm_qmp_connect(run->qmp, QMP_TIMEOUT_MS, &qmp, err);
	if (r == 0)
		r = vmm_qmp_execute(qmp, "system_powerdown", NULL, NULL, err);
	/* QEMU serves one QMP client at a time: let go of it while waiting,
	 * so status keeps answering.  QEMU exits when the guest powers off. */
	vmm_qmp_free(qmp);
	if (r < 0 || wait_exit(run, pidfd, (long)timeout_ms) < 0) {
		/* 1: it took a hard stop. */
		r = kill_qemu(run, id, pid, pidfd, err);
		if (r == 0)
			r = 1;
	}
	if (pidfd >= 0)
		close(pidfd);
	return r;
}

/* A kernel or initrd the node lacks: say so before QEMU does, by key. */
static int
check_boot_files(const struct vmm_qemu_conf *qc, vmm_error_t *err)
{
	const char *const files[][2] = { { "kernel", qc->kernel }, { "initrd", qc->initrd } };

	for (size_t i = 0; i < 2; i++)
		if (files[i][1][0] && access(files[i][1], R_OK) < 0)
			return vmm_err(err, -errno, "%s: '%s' is not readable on this node: %s",
				       files[i][0], files[i][1], strerror(errno));
	return 0;
}

int
vmm_qemu_launch(vmm_ctx_t *ctx, const struct vmm_qemu_run *run, unsigned id,
		const struct vmm_qemu_conf *qc, const vmm_storage_cfg_t *storage,
		enum vmm_launch how, vmm_error_t *err)
{
	struct vmm_qemu_paths paths = {
		.binary = vmm_ctx_qemu_binary(ctx),
		.qmp = run->qmp,
		.pidfile = run->pid,
		.kvm = !qc->no_kvm && access("/dev/kvm", R_OK | W_OK) == 0,
		.paused = how == VMM_LAUNCH_PAUSED,
		.incoming = how == VMM_LAUNCH_INCOMING,
	};
	struct vmm_argv argv;
	char out[512];
	int r;

	r = vmm_net_check(qc, err);
	if (r == 0)
		r = check_boot_files(qc, err);
	if (r < 0)
		return vmm_err_prefix(err, r, "guest %u", id);
	r = vmm_qemu_cmdline(ctx, id, qc, storage, &paths, &argv, err);
	if (r < 0)
		return vmm_err_prefix(err, r, "guest %u", id);
	/* A stale socket of a killed QEMU would be in the way. */
	(void)unlink(run->qmp);
	r = vmm_proc_run(argv.v, out, sizeof(out));
	vmm_argv_free(&argv);
	if (r != 0) {
		(void)wait_exit(run, -1, 0);
		return vmm_err(err, r < 0 ? r : -EIO, "guest %u: QEMU did not start: %s", id,
			       r < 0 ? strerror(-r) : out);
	}
	r = vmm_net_plug(id, qc, err);
	if (r < 0) {
		vmm_err_prefix(err, r, "guest %u", id);
		(void)vmm_qemu_kill(run, id, NULL);
		return r;
	}
	return 0;
}
