/* outbox.h - the durable email outbox and its sender thread.
 *
 * Every email is first written to data_dir/outbox/<id>.msg (write, fsync, rename; one file
 * per message, holding the address, the session and the link), then sent by a background
 * thread, oldest first. While the SMTP server cannot be reached (or refuses), the outbox
 * waits with exponential backoff, from retry_first_s up to retry_max_s, and wakes at once for
 * a new message. After the server accepts a message, <id>.sent is written before <id>.msg is
 * deleted, so a crash between the two never sends it twice; the address is gone with the
 * file. A message whose link has expired is dropped (its photo is deleted by then).
 *
 * Functions are for the main thread unless noted; none waits on the network. */
#ifndef PB_OUTBOX_H
#define PB_OUTBOX_H

#include <time.h>
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
};

struct pb_outbox_stats {
	int depth;	      /* messages waiting, including one being sent */
	int oldest_age_s;     /* age of the oldest waiting message; 0 when none */
	int retry_in_s;	      /* until the next attempt, while waiting after a failure */
	unsigned sent;	      /* since start */
	unsigned failures;    /* failed attempts since start */
	unsigned expired;     /* dropped because their link expired before they could go */
	unsigned unsaved;     /* could not be written to disk (kept in memory, retried) */
	char last_error[256]; /* the last failure, "" once a message goes through */
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

/* Whether the outbox folder dir holds a message waiting to be sent (without starting
 * anything): a booth restarted in print mode still sends these. */
int pb_outbox_waiting(const char *dir);

/* A copy of the counters. Any thread. */
void pb_outbox_stats(struct pb_outbox *o, struct pb_outbox_stats *out);

#endif
