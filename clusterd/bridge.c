/*
 * bridge.c - hands work from FUSE threads to the loop thread, which alone
 * owns the tree, and wakes each caller when its work is done.
 *
 * Lock: b->lock guards queue, closed and every queued job's finished and
 * result; nothing else is taken while holding it.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <qb/qbloop.h>

#include "clusterd/clusterd.h"

struct cd_bridge {
	qb_loop_t *loop;
	int event_fd; /* counts submissions; wakes the loop */
	pthread_mutex_t lock;
	pthread_cond_t done;
	struct cd_job *head, *tail;
	bool closed;
};

static int32_t
bridge_on_event(int32_t fd, int32_t revents, void *data)
{
	cd_bridge_t *b = data;
	struct cd_job *job;
	uint64_t count;

	(void)!read(fd, &count, sizeof(count));
	pthread_mutex_lock(&b->lock);
	job = b->head;
	b->head = b->tail = NULL;
	pthread_mutex_unlock(&b->lock);
	while (job) {
		struct cd_job *next = job->next;

		job->run(job);
		job = next;
	}
	return 0;
}

int
cd_bridge_new(qb_loop_t *loop, cd_bridge_t **ret_bridge)
{
	cd_bridge_t *b = calloc(1, sizeof(*b));
	int r;

	if (!b)
		return -ENOMEM;
	b->loop = loop;
	b->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->event_fd < 0) {
		r = -errno;
		free(b);
		return r;
	}
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->done, NULL);
	r = qb_loop_poll_add(loop, QB_LOOP_HIGH, b->event_fd, POLLIN, b, bridge_on_event);
	if (r < 0) {
		close(b->event_fd);
		free(b);
		return r;
	}
	*ret_bridge = b;
	return 0;
}

static int
enqueue(cd_bridge_t *b, struct cd_job *job)
{
	uint64_t one = 1;

	job->finished = false;
	job->next = NULL;
	pthread_mutex_lock(&b->lock);
	if (b->closed) {
		pthread_mutex_unlock(&b->lock);
		return -ESHUTDOWN;
	}
	if (b->tail)
		b->tail->next = job;
	else
		b->head = job;
	b->tail = job;
	pthread_mutex_unlock(&b->lock);
	(void)!write(b->event_fd, &one, sizeof(one));
	return 0;
}

int
cd_bridge_post(cd_bridge_t *b, struct cd_job *job)
{
	return enqueue(b, job);
}

int
cd_bridge_call(cd_bridge_t *b, struct cd_job *job)
{
	int r = enqueue(b, job);

	if (r < 0)
		return r;
	pthread_mutex_lock(&b->lock);
	while (!job->finished)
		pthread_cond_wait(&b->done, &b->lock);
	pthread_mutex_unlock(&b->lock);
	return job->result;
}

void
cd_job_finish(cd_bridge_t *b, struct cd_job *job, int result)
{
	pthread_mutex_lock(&b->lock);
	job->result = result;
	job->finished = true;
	pthread_cond_broadcast(&b->done);
	pthread_mutex_unlock(&b->lock);
}

void
cd_bridge_close(cd_bridge_t *b)
{
	struct cd_job *job, *posted = NULL, *next;

	pthread_mutex_lock(&b->lock);
	b->closed = true;
	for (job = b->head; job; job = next) {
		next = job->next;
		if (job->abandon) {
			job->next = posted;
			posted = job;
		} else {
			job->result = -ESHUTDOWN;
			job->finished = true;
		}
	}
	b->head = b->tail = NULL;
	pthread_cond_broadcast(&b->done);
	pthread_mutex_unlock(&b->lock);
	/* Outside the lock: abandon() may free the job or wake others. */
	for (job = posted; job; job = next) {
		next = job->next;
		job->abandon(job, -ESHUTDOWN);
	}
}

void
cd_bridge_free(cd_bridge_t *b)
{
	if (!b)
		return;
	qb_loop_poll_del(b->loop, b->event_fd);
	close(b->event_fd);
	pthread_cond_destroy(&b->done);
	pthread_mutex_destroy(&b->lock);
	free(b);
}
