/* outbox_priv.h - the outbox's insides, shared by its two files: outbox.c (the sender
 * thread, the API) and outbox_store.c (its files on disk: writing, parsing, recovering
 * after a restart). Not for other modules. The lock rules are outbox.c's: every field of
 * struct pb_outbox after `lock` is under it. */
#ifndef PB_OUTBOX_PRIV_H
#define PB_OUTBOX_PRIV_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "outbox.h"

#define MSG_MAX 4096 /* an outbox file is a few lines; anything bigger is not ours */

struct msg {
	char id[48];
	char to[PB_ADDRESS_MAX + 1];
	char session[64];
	char link[512];
	time_t created, expires;
	int saved;	 /* on disk */
	int save_failed; /* counted in stats.unsaved */
	int attempts;
	uint64_t next_try_ms; /* this message's own backoff (deferred recipient, no photo) */
	uint64_t tried_ms;    /* the last attempt's start: the longest untried goes next */
	time_t failed;	      /* a dead letter: when the server refused it for good */
	int drop_asked;	      /* staff dropped it while it was being tried */
	char error[256];      /* a dead letter: the server's words (address masked) */
	struct msg *next;
};

struct pb_outbox {
	char *dir, *dead_dir, *sessions_dir, *title;
	char *url, *username, *password, *from, *helo, *reply_to, *subject;
	struct pb_mail_server server;
	int retry_first_s, retry_max_s;
	char domain[128]; /* for Message-IDs: the sender's domain */

	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop;
	struct msg *queue;   /* oldest first */
	struct msg *dead;    /* refused for good, in dead_dir until their link expires */
	struct msg *busy;    /* the one being tried, lock released */
	int server_failures; /* in a row, for the server-wide backoff */
	uint64_t server_next_ms;
	unsigned seq;
	struct pb_outbox_stats stats;
	/* the rate limits: the last sends, a ring of (time, salted hash of the address) */
	int per_address, per_booth;
	uint64_t salt;
	struct recent {
		time_t t;
		uint64_t h;
	} * recent;
	size_t nrecent, ring;
};

/* data_dir/outbox/<id>.<ext>, and a dead letter's data_dir/outbox/dead/<id>.msg (malloc'd) */
char *outbox_path(const struct pb_outbox *o, const char *id, const char *ext);
char *outbox_dead_path(const struct pb_outbox *o, const char *id);

/* Whether s can be a session id (and so a folder name). */
int outbox_session_ok(const char *s);

/* m as <id>.msg in the outbox, or as a dead letter with its error (write, fsync, rename). */
enum pb_status outbox_save(struct pb_outbox *o, struct msg *m, int dead);

/* m into the queue, oldest first. */
void outbox_enqueue(struct pb_outbox *o, struct msg *m);

/* At start, before the thread: what a previous run left (sent markers finish their
 * deletion, cut-off writes go, messages and dead letters are loaded). */
void outbox_recover(struct pb_outbox *o);

/* Deletes m's <id>.msg from the outbox (not its dead letter). */
void outbox_unlink_file(struct pb_outbox *o, const struct msg *m);

#endif
