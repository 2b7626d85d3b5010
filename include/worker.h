/* worker.h - one background thread running jobs in the order they were submitted, so the jobs
 * of a session (compose, then accept or discard) never overtake each other.
 * Submit from any thread; the job's run and destroy are called on the worker thread. */
#ifndef PB_WORKER_H
#define PB_WORKER_H

struct pb_job {
	void (*run)(struct pb_job *job);     /* does the work and reports the result */
	void (*destroy)(struct pb_job *job); /* frees the job */
	struct pb_job *next;		     /* the queue's; leave it alone */
};

struct pb_worker;

/* Starts the thread. Returns NULL (logged) if it cannot. */
struct pb_worker *pb_worker_create(const char *name);

/* Queues job; the worker owns it from now on. */
void pb_worker_submit(struct pb_worker *w, struct pb_job *job);

/* Jobs submitted and not yet finished. */
int pb_worker_pending(struct pb_worker *w);

/* Runs the jobs already queued (they are durable writes), then joins the thread. NULL is
 * fine. */
void pb_worker_destroy(struct pb_worker *w);

#endif
