/* publish.h - the event cloud: every shared session's photo and landing page published to an
 * S3-compatible store (s3.h), and this booth's heartbeat beside the other booths'.
 *
 * The uploads and deletions are a channel of the durable send queue (sendq.h) in dir, with
 * its guarantees. pb_publish_promise() writes the upload's job (write, fsync, rename) when
 * the session's download link is recorded, before the guest can use the link; the queue's
 * thread then PUTs PREFIX<token>.html (a few kB: the link works at once and says "on its
 * way") and PREFIX<token>.jpg. A PUT is whole or absent in the store, so a kill mid-upload
 * leaves no torn object: the next start redoes the job, and each key ends up whole. Jobs go
 * oldest first, each with its own backoff:
 *  - the store away (no answer, 5xx, throttled, 307): every job waits, exponential backoff
 *    from retry_first_s to retry_max_s;
 *  - the store refusing this booth (wrong key or secret, no such bucket, access denied):
 *    "blocked", with the store's own words for staff; every job waits the same way, or is
 *    tried at once on pb_publish_retry();
 *  - another 4xx for one object: that job becomes a dead letter (dir/dead/) with the store's
 *    words, until staff retry it.
 * Deletion is queued the same way (both objects deleted, a missing one is fine):
 * pb_publish_forget() when a link expires or its session is purged drops the token's upload
 * and queues its deletion; an upload whose link expired before it went up, or whose photo is
 * gone, deletes what is there instead. Jobs written by a booth before the send queue
 * (dir/<token>.job, .del, .dead) are queued again at start. The log and staff name a job by
 * its session and the link's first four characters, never the whole token.
 *
 * The heartbeat: the main thread hands over its status every few seconds (pb_publish_beat);
 * every beat_s a thread of its own (so a slow store's listing never holds a guest's upload)
 * PUTs EVENT/_booths/BOOTH.json, then lists EVENT/_booths/ and reads the other booths',
 * each parsed there, once, into a bounded struct (fleet.h; pb_publish_fleet). The beat carries
 * per-hour counts for the organiser's report, kept in dir/hours across restarts.
 *
 * Functions are for any thread unless noted; none waits on the network. */
#ifndef PB_PUBLISH_H
#define PB_PUBLISH_H

#include <stddef.h>
#include <time.h>
#include "buf.h"
#include "fleet.h"
#include "s3.h"
#include "share.h"
#include "status.h"

struct pb_publish_config {
	const char *dir;	  /* data_dir/publish, created if missing */
	const char *sessions_dir; /* data_dir/sessions: <session>/share.jpg is the photo */
	struct pb_s3 store;	  /* strings copied; secret from secret_file */
	const char *secret_file;  /* first line is the secret access key */
	const char *prefix;	  /* this booth's keys: PREFIX<token>.html and .jpg */
	const char *event;	  /* heartbeats: EVENT/_booths/BOOTH.json */
	const char *booth;
	const char *title;	/* the event's name on the landing page */
	const char *public_url; /* [publish] public_url: the page's absolute URL for previews */
	const char *version;
	int retry_first_s; /* 2 */
	int retry_max_s;   /* [publish] retry_max_seconds */
	int beat_s;	   /* 30 */
};

struct pb_publish_stats {
	int depth;	       /* uploads and deletions waiting, including one in flight */
	int oldest_age_s;      /* age of the oldest; 0 when none */
	int retry_in_s;	       /* until the next attempt, while waiting after a failure */
	unsigned uploaded;     /* objects written since start */
	unsigned deleted;      /* sessions' objects deleted since start */
	unsigned failures;     /* failed requests since start */
	int dead;	       /* dead letters held */
	char last_error[320];  /* the last failure, "" once a request goes through */
	char blocked[320];     /* the store refuses this booth, in its words; "" when not */
	int beat_age_s;	       /* since the heartbeat last went up; -1 before the first */
	int booths;	       /* the event's booths seen in the last listing, this one too */
	char fleet_error[320]; /* why the fleet is unknown (publish_fleet's why); "" when known */
};

/* The counts a heartbeat reports, since the kiosk started. */
struct pb_publish_counts {
	unsigned sessions, prints, emails, downloads;
};

struct pb_publish;

/* Reads the secret, creates the folder, picks up the jobs a previous run left, starts the
 * thread. NULL with the reason in why (a missing or empty secret file, an unusable folder). */
struct pb_publish *pb_publish_create(const struct pb_publish_config *cfg, char *why, size_t n);

/* Stops the thread (a request in flight is cut off and redone next start). NULL ok. */
void pb_publish_destroy(struct pb_publish *p);

/* Writes the promise to publish session's photo under token (its page in the guest's
 * language lang) (blocking file I/O: the worker's
 * job, right after the link), then wakes the thread. PB_ERR_INPUT for a bad token or session
 * id, PB_ERR_IO when it cannot be written. p NULL: PB_OK, nothing to do. */
enum pb_status pb_publish_promise(struct pb_publish *p, const char *token, const char *session,
				  time_t expires, const char *lang);

/* The objects of token are to go (its link expired, or its session was purged): an upload
 * still waiting is dropped and a deletion queued. Blocking file I/O. p NULL: no-op. */
void pb_publish_forget(struct pb_publish *p, const char *token);

/* The guest's link: PUBLIC_URL/PREFIX<token>.html, into out (n bytes). */
void pb_publish_link(const char *public_url, const char *prefix, const char *token, char *out,
		     size_t n);

/* The latest status (a JSON object's text, copied) and counts for the next heartbeat. */
void pb_publish_beat(struct pb_publish *p, const char *status_json,
		     const struct pb_publish_counts *counts);

/* Every booth's last heartbeat (this one's too), as read by the heartbeat's thread: a copy
 * into out (pb_fleet_free it), no JSON left to parse. Returns 0, or -1 when the fleet is
 * unknown: the last round could not write this booth's beat or list the others (why says so
 * in the store's words), or none has run yet; out is then empty. */
int pb_publish_fleet(struct pb_publish *p, struct pb_fleet *out, char *why, size_t n);

void pb_publish_stats(struct pb_publish *p, struct pb_publish_stats *out);

/* Staff: dead letters back in the queue, and every job (blocked or waiting) tried now.
 * Returns how many jobs that touched. */
int pb_publish_retry(struct pb_publish *p);

#endif
