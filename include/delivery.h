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

/* Whether this mode's guests get a download link (not print only, the gallery running). */
int pb_delivery_links(const struct pb_delivery_svc *d);
/* The deliver screen's print choice: 0 none, 1 print only, 2 print with a link. */
int pb_delivery_print_choice(const struct pb_delivery_svc *d);
/* What a guest who accepted their photo is offered, in the session record's words. */
const char *pb_delivery_note(const struct pb_delivery_svc *d, int print_offered);

#endif
