#define _GNU_SOURCE /* pthread_setname_np */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mem.h"
#include "worker.h"

struct pb_worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct pb_job *head, *tail;
	int pending;
	int stopping;
	char name[16];
};

static void *
loop(void *arg)
{
	struct pb_worker *w = arg;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->wake, &w->lock);
		if (!w->head)
			break; /* stopping, and nothing left to do */
		struct pb_job *job = w->head;
		w->head = job->next;
		if (!w->head)
			w->tail = NULL;
		pthread_mutex_unlock(&w->lock);
		job->run(job);
		job->destroy(job);
		pthread_mutex_lock(&w->lock);
		w->pending--;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct pb_worker *
pb_worker_create(const char *name)
{
	struct pb_worker *w = pb_xcalloc(1, sizeof(*w));
	int rc;

	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	snprintf(w->name, sizeof(w->name), "%s", name);
	rc = pthread_create(&w->thread, NULL, loop, w);
	if (rc) {
		pb_err("cannot start the %s thread: %s", name, strerror(rc));
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->wake);
		free(w);
		return NULL;
	}
	pthread_setname_np(w->thread, w->name);
	return w;
}

void
pb_worker_submit(struct pb_worker *w, struct pb_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&w->lock);
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	w->pending++;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

int
pb_worker_pending(struct pb_worker *w)
{
	int n;
	pthread_mutex_lock(&w->lock);
	n = w->pending;
	pthread_mutex_unlock(&w->lock);
	return n;
}

void
pb_worker_destroy(struct pb_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	free(w);
}
