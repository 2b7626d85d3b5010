/* sendq.h - one durable send queue: job files, recovery after a crash, per-job backoff, dead
 * letters, retry and drop, stats, and a thread, written once. A channel (a webhook; email and
 * publish next) is a backend: one send() that says what happened.
 *
 * Every job is a body of bytes under an id that names it for good: dir/<id>.job (the
 * channel may name the extension), written atomically (write, fsync, rename), mode 0600,
 * before it is first sent. Ids sort in the order jobs were
 * added, and jobs are tried oldest first. What a send() returns decides what follows:
 *  - PB_SEND_OK: dir/<id>.sent is written, then <id>.job deleted, then <id>.sent; a crash
 *    between the first two never sends it again (recovery deletes a job that has a .sent);
 *  - PB_SEND_RETRY: this job waits with its own backoff (retry_first_s doubling up to
 *    retry_max_s); the others go on;
 *  - PB_SEND_DEAD: refused for good: moved to dir/dead/<id>.job with the words in
 *    dir/dead/<id>.why, held until staff retry or drop it;
 *  - PB_SEND_BLOCKED: the whole channel is refused or away (a wrong secret, the server down):
 *    every job waits, with the channel's backoff, and none is counted against or made dead.
 * A crash after the receiver took a job and before <id>.sent is written sends it once more,
 * under the same id: a receiver de-duplicates by it. A backend that knows the moment the
 * receiver took it (SMTP's 250) calls pb_sendq_accepted then, and closes that window.
 * A job whose channel gave it an end (pb_send_facts.expires) is dropped unsent once that
 * time has passed, counted as expired; a dead letter is deleted then too. A job file that cannot be
 * read (too large, unreadable) is moved aside as <id>.bad and logged.
 *
 * Threads: pb_sendq_open starts the queue's thread unless cfg.manual is set; then the caller
 * drives it with pb_sendq_step (unit tests, with their own clock). send() runs on that thread,
 * never under the queue's lock. Every other function is for any thread and waits on no
 * network; add and retry never wait on the disk either (the thread writes the files), while
 * add_now writes its job and drop deletes its files before they return. */
#ifndef PB_SENDQ_H
#define PB_SENDQ_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"

#define PB_SENDQ_ID_MAX 40
#define PB_SENDQ_BODY_MAX (1u << 20)

enum pb_send_result {
	PB_SEND_OK,	 /* delivered */
	PB_SEND_RETRY,	 /* this job, later */
	PB_SEND_DEAD,	 /* this job, never */
	PB_SEND_BLOCKED, /* every job of the channel, later */
};

/* Sends one job. why (n bytes) gets the words of a failure, for staff. Called on the
 * queue's thread, never under its lock; it may block (its own timeouts). */
typedef enum pb_send_result (*pb_send_fn)(void *ctx, const char *id, const char *body, size_t len,
					  char *why, size_t n);

/* What a channel says about one of its jobs, once, when it is added or found on disk. */
struct pb_send_facts {
	char label[128];   /* who it is for: the listing, last_dead and the log; "" for none */
	char about[64];	   /* what it is about (a session), for the listing and the log */
	char key[64];	   /* the channel's own name for it (pb_sendq_drop_key); never shown */
	long long created; /* wall seconds it was made; 0: when it was added */
	long long expires; /* wall seconds after which it is dropped unsent; 0: never */
};

/* 1 and out filled when body is a job of the channel; 0 refuses it (pb_sendq_add's
 * PB_ERR_INPUT; a file on disk is moved aside as .bad). */
typedef int (*pb_describe_fn)(void *ctx, const char *body, size_t len, struct pb_send_facts *out);

struct pb_sendq_config {
	const char *name; /* the channel, for the log: "webhook" */
	const char *dir;  /* created if missing; dead letters in dir/dead */
	const char *ext;  /* the job files' extension; NULL: "job" */
	pb_send_fn send;
	pb_describe_fn describe; /* NULL: every body is fine, no label, no end */
	void *ctx;
	int retry_first_s;	  /* the first wait after a failure (2) */
	int retry_max_s;	  /* the longest (300) */
	uint64_t (*now_ms)(void); /* a monotonic clock; NULL: clock.h's */
	int manual;		  /* no thread: the caller calls pb_sendq_step */
};

struct pb_sendq_stats {
	int depth;	      /* jobs waiting, one being sent included */
	int dead;	      /* dead letters held */
	int oldest_age_s;     /* the oldest waiting job's age; 0 when none */
	int retry_in_s;	      /* until the next try, while every due job waits */
	int blocked_in_s;     /* until the channel's next try while it is blocked; 0 otherwise */
	unsigned sent;	      /* since start */
	unsigned failures;    /* failed tries since start (blocked ones too) */
	unsigned refused;     /* jobs made dead letters since start */
	unsigned unsaved;     /* jobs that could not be written to disk (kept, retried) */
	unsigned expired;     /* jobs dropped unsent when their time ran out, since start */
	char last_error[256]; /* the last failure; "" once a job goes through */
	char last_dead[256];  /* the last dead letter: its label (else id) and the words */
	char blocked[256];    /* the channel's fault while it is blocked; "" otherwise */
};

struct pb_sendq_entry {
	char id[PB_SENDQ_ID_MAX];
	int dead;  /* a dead letter */
	int age_s; /* since it was added */
	unsigned attempts;
	int retry_in_s;	 /* until its next try; 0: due (or dead) */
	char error[256]; /* its last failure */
	char label[128]; /* pb_send_facts.label */
	char about[64];	 /* pb_send_facts.about */
};

struct pb_sendq;

/* Creates the folders, picks up what a previous run left (deleting jobs already sent),
 * starts the thread. NULL with why when the folder is unusable. */
struct pb_sendq *pb_sendq_open(const struct pb_sendq_config *cfg, char *why, size_t n);

/* Stops the thread (a send in flight finishes first: send() has its own timeouts), writes
 * every job handed over, frees the queue. NULL ok. */
void pb_sendq_close(struct pb_sendq *q);

/* Queues a copy of body (at most PB_SENDQ_BODY_MAX bytes and one the channel's describe
 * accepts, else PB_ERR_INPUT); id, when not
 * NULL, gets the job's id. Wakes the thread. */
enum pb_status pb_sendq_add(struct pb_sendq *q, const void *body, size_t len,
			    char id[PB_SENDQ_ID_MAX]);

/* pb_sendq_add, the job's file written before it returns, on the caller's thread (blocking
 * file I/O): for a promise that must be on disk before anyone acts on it. PB_ERR_IO (nothing
 * queued) when it cannot be written. */
enum pb_status pb_sendq_add_now(struct pb_sendq *q, const void *body, size_t len,
				char id[PB_SENDQ_ID_MAX]);

/* From inside send(), on the queue's thread: the receiver has taken the job being sent;
 * its sent marker is written now, before the rest of the exchange. */
void pb_sendq_accepted(struct pb_sendq *q);

/* Manual queues: writes one job not yet on disk, else tries the oldest due one. Returns 1
 * when it did something, 0 when nothing was due. */
int pb_sendq_step(struct pb_sendq *q);

void pb_sendq_stats(struct pb_sendq *q, struct pb_sendq_stats *out);

/* The stats as a JSON object named key (status.h's "webhook": {...}). */
void pb_sendq_json(struct pb_sendq *q, const char *key, struct pb_buf *out);

/* Up to max entries, the queue (oldest first) then the dead letters; returns how many there
 * are in all. */
size_t pb_sendq_list(struct pb_sendq *q, struct pb_sendq_entry *out, size_t max);

/* Staff: which is an id, "dead" (every dead letter) or "all". Retry makes queued jobs due at
 * once (the channel's wait too) and puts dead letters back in the queue; drop deletes jobs
 * and dead letters, their files before it returns (a few unlinks; a job being sent goes
 * when its send ends). Return how many they applied to. */
int pb_sendq_retry(struct pb_sendq *q, const char *which);
int pb_sendq_drop(struct pb_sendq *q, const char *which);

/* Drops every job and dead letter whose key (pb_send_facts.key: the publisher's token) is
 * key. Returns how many. */
int pb_sendq_drop_key(struct pb_sendq *q, const char *key);

#endif
