/* print.h - printing through CUPS (libcups, no lp process) on a thread of its own.
 *
 * The main thread hands over prints with pb_print_submit and never waits on CUPS. The print
 * thread spools each copy durably (spool.h) before CUPS sees it, submits the spool in order,
 * follows every job over IPP to completion, and watches the queue's printer-state and
 * printer-state-reasons once a second. Jobs CUPS loses (cupsd restarted with its spool gone,
 * the queue deleted, a job aborted) are sent again; jobs staff cancel in CUPS are not. When
 * the kiosk starts, the spool is reconciled with CUPS' job list by job-name, so a print that
 * reached CUPS just before a crash is tracked, not printed twice.
 *
 * All functions are for the main thread unless noted; they return at once. */
#ifndef PB_PRINT_H
#define PB_PRINT_H

#include "printer.h"
#include "status.h"

enum pb_print_quality { PB_QUALITY_DRAFT, PB_QUALITY_NORMAL, PB_QUALITY_HIGH };
enum pb_print_scaling { PB_SCALING_FILL, PB_SCALING_FIT }; /* fill: crop to the page */

struct pb_print_config {
	const char *printer; /* CUPS queue; "" for CUPS' default */
	const char *media;   /* PWG media name, e.g. na_index-4x6_4x6in */
	int quality;	     /* enum pb_print_quality (IPP print-quality 3, 4, 5) */
	int scaling;	     /* enum pb_print_scaling */
	int borderless;
	const char *options;   /* extra CUPS options, "name=value, name=value" */
	int seconds_per_print; /* the estimate until a print has been timed */
	int paper_warn;	       /* warn staff when this few prints are left */
	const char *spool_dir;
	int poll_ms;	     /* how often CUPS is asked (1000) */
	int refused_retry_s; /* a print the printer refused goes again after this, then 3x it;
			      * after that it is held for staff (30) */
};

/* Where a session's prints stand in the spool. */
struct pb_print_position {
	int ahead;  /* prints of earlier sessions still to come out */
	int mine;   /* this session's prints still to come out */
	int eta_s;  /* until this session's last print is out */
	int failed; /* a print of this session could not be spooled (disk full, photo gone) */
};

struct pb_print;

/* Opens the spool (creating spool_dir) and starts the print thread. NULL (logged) when the
 * spool folder is unusable. */
struct pb_print *pb_print_create(const struct pb_print_config *cfg);

/* Finishes spooling what was handed over (so nothing is lost), stops the thread. NULL ok. */
void pb_print_destroy(struct pb_print *p);

/* Hands over `copies` prints of photo (normally the session's final.jpg) for session.
 * PB_ERR_INPUT when copies is not 1..99. */
enum pb_status pb_print_submit(struct pb_print *p, const char *session, const char *photo,
			       int copies);

/* Staff fixed the printer: enable the queue, accept jobs, release our held jobs. */
void pb_print_resume(struct pb_print *p);

/* Staff cancel a stuck print: job is its CUPS job id (health.jobs), or 0 for the first print
 * in the booth's queue, sent to CUPS or not. The print thread does it; health.last_action
 * says how it went. A canceled print is not sent again. */
void pb_print_cancel(struct pb_print *p, int job);
/* Staff send held prints again: job is the CUPS job id of one (health.held_prints), or 0 for
 * all. retry takes refused prints, reprint unconfirmed ones; health.last_action says how it
 * went. */
void pb_print_retry(struct pb_print *p, int job);
void pb_print_reprint(struct pb_print *p, int job);

/* Staff loaded paper: n prints left. */
void pb_print_set_paper(struct pb_print *p, int n);

/* A copy of the latest health. */
void pb_print_health(struct pb_print *p, struct pb_printer_health *out);

/* Fills pos for session; returns 0 when none of its prints are owed any more (all printed,
 * or pos->failed). */
int pb_print_position(struct pb_print *p, const char *session, struct pb_print_position *pos);

#endif
