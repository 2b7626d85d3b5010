/* outbox.h - the email channel: a durable send queue (sendq.h) of messages, with a mail
 * queue's rules.
 *
 * Every email is first written to data_dir/outbox/<id>.msg (write, fsync, rename; one file
 * per message, mode 0600, holding the address, the session and the link), then sent by the
 * queue's thread, oldest first, each message with its own backoff, so none blocks another.
 * What a failure means comes from the SMTP step that failed (mail.h):
 *  - the server away (no connection, login or sender refused): every message waits, with
 *    exponential backoff from retry_first_s up to retry_max_s;
 *  - a 4xx for one recipient or message, or a connection dropped mid-message: that message
 *    waits with its own backoff, the others go on;
 *  - a 5xx for one recipient or message: it would bounce every time, so it moves to
 *    data_dir/outbox/dead/<id>.msg (the server's words in <id>.why), counted and logged,
 *    until staff retry or drop it or its link expires.
 * A new message wakes the thread at once. The moment the server accepts a message (its
 * "250"), <id>.sent is created, before QUIT and before <id>.msg is deleted, so a crash
 * after it never sends it twice; the address is gone with the file. The Message-ID is the
 * job's id, the same on every try. A message whose link has expired is dropped (its photo
 * is deleted by then).
 *
 * Functions are for the main thread unless noted; none waits on the network. */
#ifndef PB_OUTBOX_H
#define PB_OUTBOX_H

#include <time.h>
#include "address.h"
#include "mail.h"
#include "status.h"

struct pb_outbox_config {
	const char *dir;	      /* data_dir/outbox, created if missing */
	const char *sessions_dir;     /* data_dir/sessions: <session>/share.jpg is the photo */
	struct pb_mail_server server; /* strings are copied; password and cancelled unused */
	const char *password_file;    /* first line is the SMTP password; "" for none */
	const char *title;	      /* the event's name, for the message */
	int retry_first_s;	      /* first wait after a failure (2) */
	int retry_max_s;	      /* longest wait ([mail] retry_max_seconds) */
	int per_address_per_hour;     /* pb_outbox_limit's; 0: no limit */
	int per_booth_per_hour;	      /* pb_outbox_limit's; 0: no limit */
};

struct pb_outbox_stats {
	int depth;		  /* messages waiting, including one being sent */
	int oldest_age_s;	  /* age of the oldest waiting message; 0 when none */
	int retry_in_s;		  /* until the next attempt, while waiting after a failure */
	unsigned sent;		  /* since start */
	unsigned failures;	  /* failed attempts since start */
	unsigned expired;	  /* dropped because their link expired before they could go */
	unsigned unsaved;	  /* could not be written to disk (kept in memory, retried) */
	char last_error[256];	  /* the last failure, "" once a message goes through */
	int dead;		  /* dead letters held (refused for good; kept until they expire) */
	unsigned refused;	  /* messages the server refused for good since start */
	char last_dead[256];	  /* the last one refused: masked address and the server's words */
	unsigned limited_booth;	  /* guests told the booth's hourly limit was reached */
	unsigned limited_address; /* guests told their address's hourly limit was reached */
};

/* One message, as photoboothctl outbox lists it. */
struct pb_outbox_entry {
	char id[48];
	char to[PB_ADDRESS_MAX + 8]; /* masked: g***@example.com */
	char session[64];
	int dead;	 /* a dead letter */
	int age_s;	 /* since it was queued */
	int attempts;	 /* tries so far */
	int retry_in_s;	 /* until its next try; 0: due (or a dead letter) */
	char error[256]; /* its last failure, in the server's words; "" when none */
};

struct pb_outbox;

/* Creates the folder, picks up the messages a previous run left (finishing any it had sent
 * but not yet deleted), starts the thread. NULL (logged) when the folder is unusable. */
struct pb_outbox *pb_outbox_create(const struct pb_outbox_config *cfg);

/* Stops the thread (an SMTP transfer in flight is cut off and retried next start) after
 * writing every message handed over. NULL ok. */
void pb_outbox_destroy(struct pb_outbox *o);

/* Queues an email of session's link to `to`. PB_ERR_INPUT when `to` is not a valid address
 * (address.h) or session is not a session id. The message is on disk within milliseconds
 * (the thread writes it); pb_outbox_destroy writes any not yet written. */
enum pb_status pb_outbox_add(struct pb_outbox *o, const char *to, const char *session,
			     const char *link, time_t expires);

/* Rate limits, for guests' emails: whether one more to `to` would go over the booth's or
 * the address's hourly limit. Every pb_outbox_add counts (staff's resends too), for an hour,
 * in memory only: an address is kept as a salted hash (of its mailbox: pb_address_mailbox),
 * never in the clear; a restart starts the count again. Each answer over a limit is counted
 * in the stats (limited_booth, limited_address), so staff see guests being turned away. */
enum pb_outbox_limit {
	PB_LIMIT_NONE,
	PB_LIMIT_ADDRESS, /* per_address_per_hour reached for this address */
	PB_LIMIT_BOOTH,	  /* per_booth_per_hour reached */
};
enum pb_outbox_limit pb_outbox_limit(struct pb_outbox *o, const char *to);

/* Whether the outbox folder dir holds a message waiting to be sent (without starting
 * anything): a booth restarted in print mode still sends these. */
int pb_outbox_waiting(const char *dir);

/* A copy of the counters. Any thread. */
void pb_outbox_stats(struct pb_outbox *o, struct pb_outbox_stats *out);

/* Up to max entries, the queue (oldest first) then the dead letters; returns how many
 * there are in all. Any thread. */
size_t pb_outbox_list(struct pb_outbox *o, struct pb_outbox_entry *out, size_t max);

/* Staff: which is an id, "dead" (every dead letter) or "all" (retry only). Retry tries
 * queued messages at once and puts dead letters back in the queue; drop deletes messages
 * and dead letters (their files and addresses). Return how many they applied to. */
int pb_outbox_retry(struct pb_outbox *o, const char *which);
int pb_outbox_drop(struct pb_outbox *o, const char *which);

#endif
