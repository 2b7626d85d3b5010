/* delivery.h - how guests get their photos: the delivery mode in use (print, share, both) and
 * the services behind it, started when a mode first needs them and kept for the run: the print
 * queue (print.h), the gallery (gallery.h) and, with [mail] smtp_url, the outbox (outbox.h).
 * A switch to print only keeps the gallery and the outbox, so earlier guests' links and emails
 * still work. With [publish], the publisher (publish.h) runs from start to end in every mode, and
 * with [webhook] url the webhook (webhook.h). Main thread; starting a service blocks briefly (a
 * thread, a listening socket). */
#ifndef PB_DELIVERY_H
#define PB_DELIVERY_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "gallery.h"
#include "outbox.h"
#include "print.h"
#include "publish.h"
#include "webhook.h"

struct pb_delivery_svc {
	int mode;			   /* enum pb_delivery in use */
	struct pb_print *print;		   /* NULL until printing is first used */
	struct pb_printer_health printer;  /* as last asked */
	struct pb_print_position position; /* the current session's prints */
	uint64_t printer_asked_ms;
	struct pb_gallery *gallery; /* NULL until sharing is first used */
	struct pb_outbox *outbox;   /* NULL without [mail] smtp_url or sharing */
	uint64_t purged_ms;	    /* the last purge of expired links */
	struct pb_publish *publish; /* NULL without [publish] endpoint */
	char booth_id[65];	    /* [publish] booth, or the host name */
	char prefix[256];	    /* [publish] prefix, or EVENT/BOOTH/ */
	uint64_t beat_ms;	    /* the last status handed to the publisher */
	struct pb_webhook *webhook; /* NULL without [webhook] url */
};

/* A finished session, as the webhook tells it. Strings are the caller's. */
struct pb_delivery_done {
	const char *session; /* the session's id */
	const char *theme;
	const char *delivery; /* print, share or both */
	const char *link;     /* "" when the guest got none */
	int prints;	      /* copies asked for */
	int emails;	      /* emails queued */
	const char *email;    /* the address, or NULL: only with include_email and consent */
};

void pb_delivery_init(struct pb_delivery_svc *d, int mode);
/* Stops the services; what was handed over is spooled (prints) or written (emails) first.
 * After the worker has finished its jobs. */
void pb_delivery_fini(struct pb_delivery_svc *d);

/* The gallery and, with [mail] set up, the outbox (title: the theme's, for the pages and the
 * mail). Returns 0, or -1 with the reason in why. */
int pb_delivery_start_sharing(struct pb_delivery_svc *d, const struct pb_config *cfg,
			      const char *title, char *why, size_t whylen);
/* With [publish] endpoint: the publisher (its queue and heartbeat run in every mode).
 * Returns 0 (also when publishing is off), or -1 with the reason in why. */
int pb_delivery_start_publish(struct pb_delivery_svc *d, const struct pb_config *cfg,
			      const char *title, char *why, size_t whylen);
/* With [webhook] url: the webhook and its queue. Returns 0 (also when off), or -1 with the
 * reason in why. */
int pb_delivery_start_webhook(struct pb_delivery_svc *d, const struct pb_config *cfg, char *why,
			      size_t whylen);
/* A session finished: the webhook is told (queued; nothing when it is off). */
void pb_delivery_finished(struct pb_delivery_svc *d, const struct pb_config *cfg,
			  const struct pb_delivery_done *s);
/* Whether the publisher is due the kiosk's status (every 2 s). */
int pb_delivery_beat_due(struct pb_delivery_svc *d, uint64_t now);

/* Starts what mode needs and is not running yet, then makes mode the one in use. Returns 0,
 * or -1 with the reason in why (the mode in use stays). */
int pb_delivery_apply(struct pb_delivery_svc *d, const struct pb_config *cfg, const char *title,
		      int mode, char *why, size_t whylen);

/* Asks the print thread (a copy under its lock, at most every 200 ms) for the printer's health
 * and, when session is not NULL, that session's place in the queue. Returns 1 when it asked. */
int pb_delivery_watch_printer(struct pb_delivery_svc *d, uint64_t now, const char *session);
/* Asks again at the next pb_delivery_watch_printer (a print was just submitted). */
void pb_delivery_printer_stale(struct pb_delivery_svc *d);

/* Whether a purge of expired links is due (every 10 minutes while the gallery runs); the
 * caller queues it. */
int pb_delivery_purge_due(struct pb_delivery_svc *d, uint64_t now);

/* A download link's address for token: the bucket's with [publish] (it works off the venue's
 * network too), else the gallery's under [share] public_url. */
void pb_delivery_link(const struct pb_delivery_svc *d, const struct pb_config *cfg,
		      const char *token, char *out, size_t n);

/* Whether this mode's guests get a download link (not print only, the gallery running). */
int pb_delivery_links(const struct pb_delivery_svc *d);
/* The deliver screen's print choice: 0 none, 1 print only, 2 print with a link. */
int pb_delivery_print_choice(const struct pb_delivery_svc *d);
/* What a guest who accepted their photo is offered, in the session record's words. */
const char *pb_delivery_note(const struct pb_delivery_svc *d, int print_offered);

/* delivery_session.c: the door after review.
 * new_link: a fresh token, its address (pb_delivery_link) and its QR code (*qr NULL when it
 * cannot be drawn); PB_ERR_IO without a token (link "").
 * record_link: the link's record in data_dir and, with publish, its cloud promise. Any thread
 * (the worker's write job).
 * purge_links: every expired link and its photos deleted, their cloud copies with them;
 * returns how many. Any thread.
 * owed: whether earlier guests still have a live link or an email waiting (the gallery must
 * run even in print mode).
 * print: copies of photo spooled for the session; email: queued (PB_ERR_INPUT for a bad
 * address); email_limit: whether to would be over an hourly limit (PB_LIMIT_NONE without
 * email); downloads: photos downloaded since start; beat: the status for the publisher's next
 * heartbeat. */
enum pb_status pb_delivery_new_link(const struct pb_delivery_svc *d, const struct pb_config *cfg,
				    char token[PB_TOKEN_LEN + 1], char *link, size_t n,
				    struct pb_image **qr);
enum pb_status pb_delivery_record_link(struct pb_publish *publish, const char *data_dir,
				       const char *token, const char *session, time_t expires,
				       const char *language);
int pb_delivery_purge_links(struct pb_publish *publish, const char *data_dir, time_t now);
int pb_delivery_owed(const char *data_dir);
void pb_delivery_print(struct pb_delivery_svc *d, const char *session, const char *photo,
		       int copies);
enum pb_status pb_delivery_email(struct pb_delivery_svc *d, const char *to, const char *session,
				 const char *link, time_t expires);
enum pb_outbox_limit pb_delivery_email_limit(struct pb_delivery_svc *d, const char *to);
unsigned pb_delivery_downloads(struct pb_delivery_svc *d);
void pb_delivery_beat(struct pb_delivery_svc *d, const char *status_json,
		      const struct pb_publish_counts *n);

/* delivery_printer.c: staff's printer commands. Each writes its answer to msg (n bytes) and
 * returns 0 done, 1 refused or failed. list: the printer in words and every print waiting or
 * held (a line each in body; 1 while the printer is not printing). held: reprint 1 sends the
 * unconfirmed prints again, 0 the refused ones; job 0: all of them. cancel job 0: the first
 * in the queue. */
int pb_delivery_printer_list(struct pb_delivery_svc *d, char *msg, size_t n, struct pb_buf *body);
int pb_delivery_printer_resume(struct pb_delivery_svc *d, char *msg, size_t n);
int pb_delivery_printer_paper(struct pb_delivery_svc *d, int prints, char *msg, size_t n);
int pb_delivery_printer_cancel(struct pb_delivery_svc *d, int job, char *msg, size_t n);
int pb_delivery_printer_held(struct pb_delivery_svc *d, int reprint, int job, char *msg, size_t n);

/* delivery_queues.c: staff's commands on the queues, answered into reply as photoboothctl's
 * "<code> <words>\n[body]"; -1 when the arguments are wrong (the caller says the usage).
 * resend SESSION ADDRESS: the session's live link emailed (again); outbox and webhook [list],
 * retry ID|dead|all, drop ID|dead; publish [retry], fleet [json], report [json] (argv[0]
 * says which). */
int pb_delivery_cmd_resend(struct pb_delivery_svc *d, const struct pb_config *cfg, int argc,
			   char **argv, struct pb_buf *reply);
int pb_delivery_cmd_outbox(struct pb_delivery_svc *d, int argc, char **argv, struct pb_buf *reply);
int pb_delivery_cmd_webhook(struct pb_delivery_svc *d, int argc, char **argv, struct pb_buf *reply);
int pb_delivery_cmd_cloud(struct pb_delivery_svc *d, int argc, char **argv, struct pb_buf *reply);

/* delivery_status.c: photoboothctl status's "printer", "print_position", "outbox",
 * "webhook" and "publish" members (null for a service not running), in that order. */
void pb_delivery_status_json(struct pb_delivery_svc *d, struct pb_buf *out);
/* Its "downloads" and "slow_clients_cut" members: the gallery's counts (0 without it). */
void pb_delivery_gallery_json(struct pb_delivery_svc *d, struct pb_buf *out);
/* Appends " · printer: ...", " · email: ..." and " · uploads: ..." for the services running
 * to the STATUS line out (n bytes) from len on; returns the new length. */
size_t pb_delivery_service_status(struct pb_delivery_svc *d, char *out, size_t n, size_t len);
/* The staff screen's facts about the printer, the gallery, the outbox, the uploads and the
 * other booths (a line each in fleet, why the fleet is unknown in fleet_why). */
struct pb_staff_facts;
void pb_delivery_staff_facts(struct pb_delivery_svc *d, struct pb_staff_facts *f, char fleet[][200],
			     char *fleet_why, size_t whylen);

#endif
