/* publish_priv.h - the publisher's state, shared by publish.c (the channel of the send queue
 * and the API) and publish_beat.c (the heartbeat, the per-hour counts, the fleet). lock
 * guards every field the threads and the callers share; it is never held while calling
 * into the queue. Not for other modules. */
#ifndef PB_PUBLISH_PRIV_H
#define PB_PUBLISH_PRIV_H

#include <pthread.h>
#include <stdint.h>
#include "fleet.h"
#include "publish.h"
#include "sendq.h"

#define HOURS_MAX 168 /* a week of hours in the report */

struct hour {
	long long start; /* wall clock, a multiple of 3600 */
	unsigned n[4];	 /* sessions, prints, emails, downloads */
};

struct pb_publish {
	struct pb_sendq *q; /* the uploads and deletions: the channel "publish" */
	pthread_mutex_t lock;
	int stop;
	char *dir, *sessions_dir, *prefix, *event, *booth, *title, *version, *public_url;
	char fleet_error[320]; /* under lock: why the last round has no fleet; "" when it has */
	int fleet_known;       /* under lock: a round has listed the fleet since the last error */
	char *endpoint, *region, *bucket, *access_key, *secret;
	struct pb_s3 s3;
	int beat_s;
	struct pb_publish_stats stats; /* under lock: the counts and the store's answers */
	/* the heartbeat */
	char *status_json;
	struct pb_publish_counts counts, counted;
	struct hour hours[HOURS_MAX];
	int nhours;
	uint64_t beat_due_ms, beat_ok_ms;
	struct pb_fleet fleet; /* under lock: the last round's, this booth among them */
	/* the heartbeat's own thread, so a slow listing never holds a guest's upload */
	pthread_t beat_thread;
	pthread_cond_t beat_cond;
	int beat_started;
};

/* publish_beat.c: the heartbeat's thread (a round every beat_s: PUT, list, GETs); started
 * by pb_publish_create, stopped with the publisher (p->stop and beat_cond). */
void *publish_beat_main(void *arg);
void publish_hours_load(struct pb_publish *p);
void publish_fleet_free(struct pb_publish *p);
/* At the end, the thread stopped: the counts since the last heartbeat go to the hours file. */
void publish_hours_flush(struct pb_publish *p);

/* publish_beat.c: a store's answer in the stats (under lock): the last error, and whether the
 * store refuses this booth. */
void publish_store_answer(struct pb_publish *p, enum pb_s3_outcome o, const struct pb_s3_result *r);

#endif
