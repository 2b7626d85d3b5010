/* print_priv.h - the print queue's state, shared by its two halves: print.c (the thread, the
 * spool, what the main thread asks and is told) and print_cups.c (the conversation with CUPS
 * over IPP). Not a public interface: print.h is. The print thread owns everything not marked
 * "under lock". */
#ifndef PB_PRINT_PRIV_H
#define PB_PRINT_PRIV_H

#include <cups/cups.h>
#include <pthread.h>
#include <stdint.h>

#include "print.h"
#include "spool.h"

struct request {
	struct request *next;
	char session[48];
	char *photo;
	int copies;
	uint64_t asked_ms; /* when the main thread handed it over */
};

struct owed {
	char session[48];
};

struct pb_print {
	/* set at create, read-only */
	char *printer, *media, *options, *spool_dir;
	int quality, fill, borderless, seconds_per_print, paper_warn, poll_ms, refused_retry_s;

	pthread_t thread;
	int started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* under lock: requests from the main thread */
	int quit;
	struct request *req_head, **req_tail;
	int resume;
	int paper;	    /* -2: no request */
	int cancel;	    /* -1: no request; 0 the first print; else a CUPS job id */
	int retry, reprint; /* -1: no request; 0 all held prints; else a CUPS job id */
	/* under lock: published by the print thread */
	struct pb_printer_health health;
	struct owed *owed;
	int nowed, capowed;
	char failed_session[48]; /* the last session a print of which could not be spooled */

	/* print thread only */
	struct pb_spool spool;
	http_t *http;
	char queue[128];
	struct pb_printer_health h; /* being gathered */
	char last_logged[600];
	int warned_low;
	int last_submit_ms; /* hand-over to CUPS job id, spooling included, of the last print */
	int resume_wanted;  /* staff asked; done once CUPS answers */
	int cancel_wanted;  /* as cancel, once CUPS answers */
	int retry_wanted, reprint_wanted; /* as retry and reprint (handled without CUPS) */
	int canceled_ids[16]; /* CUPS jobs staff canceled through the booth (whatever CUPS
			       * gives as the reason, they are not sent again) */
	int ncanceled;
	char last_action[320];
	char printer_words[256]; /* printer-state-message as CUPS last gave it */
};

/* print_cups.c, on the print thread: one look at CUPS (the queue's state, our jobs, then
 * whatever is waiting to be sent, with staff's resume and cancel), gathering p->h; and
 * closing the connection. Block on CUPS for up to its timeouts. */
void pb_print_cycle(struct pb_print *p);
void pb_print_disconnect(struct pb_print *p);

#endif
