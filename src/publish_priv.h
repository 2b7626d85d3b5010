/* publish_priv.h - the publisher's state, shared by publish.c (the queue, the thread and the
 * API) and publish_beat.c (the heartbeat, the per-hour counts, the fleet). lock guards every
 * field the thread and the callers share; io serialises the job files, and is taken before
 * lock, never while holding it. Not for other modules. */
#ifndef PB_PUBLISH_PRIV_H
#define PB_PUBLISH_PRIV_H

#include <pthread.h>
#include <stdint.h>
#include "fleet.h"
#include "publish.h"

#define HOURS_MAX 168 /* a week of hours in the report */

enum job_kind { JOB_UPLOAD, JOB_DELETE };

struct job {
	char token[PB_TOKEN_LEN + 1];
	char session[64];
	char lang[8]; /* the guest's language, for the landing page */
	time_t expires;
	int kind;  /* enum job_kind */
	int stage; /* the object next: 0 the page (upload) or the photo (delete), 1 the other */
	int dead;
	int attempts;
	unsigned gen; /* bumped when a caller changes the job under the thread */
	uint64_t queued_ms, due_ms, tried_ms;
	char error[320];
	struct job *next;
};

struct hour {
	long long start; /* wall clock, a multiple of 3600 */
	unsigned n[4];	 /* sessions, prints, emails, downloads */
};

struct pb_publish {
	pthread_mutex_t lock, io;
	pthread_cond_t cond;
	pthread_t thread;
	int started, stop;
	char *dir, *sessions_dir, *prefix, *event, *booth, *title, *version, *public_url;
	char fleet_error[320]; /* under lock: why the last round has no fleet; "" when it has */
	int fleet_known;       /* under lock: a round has listed the fleet since the last error */
	char *endpoint, *region, *bucket, *access_key, *secret;
	struct pb_s3 s3;
	int retry_first_s, retry_max_s, beat_s;
	struct job *jobs;
	unsigned store_failures;
	uint64_t store_due_ms;
	uint64_t oldest_ms; /* when the oldest job waiting was queued; 0 when none */
	struct pb_publish_stats stats;
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

/* publish_beat.c: what a store's answer means for every job (under lock). */
void publish_store_answer(struct pb_publish *p, enum pb_s3_outcome o, const struct pb_s3_result *r,
			  uint64_t now);

#endif
