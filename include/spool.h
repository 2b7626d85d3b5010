/* spool.h - the durable print spool: data_dir/spool/.
 *
 * A print is spooled when its photo is hard-linked into the spool folder as <id>.jpg (id is
 * "<session>-<copy>", which is also the CUPS job-name). That file is the promise that the
 * print will come out: it is removed only once CUPS reports the job completed. spool.ini,
 * rewritten atomically on every change, adds what CUPS told us (each print's CUPS job id) and
 * the counters. A photo in the folder that spool.ini does not list (the kiosk died between
 * the link and the save) is adopted at open, marked uncertain: before it is submitted, CUPS'
 * job history is searched for its name, so it is never printed twice.
 *
 * Owned by one thread (the print thread); blocking file I/O. */
#ifndef PB_SPOOL_H
#define PB_SPOOL_H

#include <stdint.h>
#include "status.h"

#define PB_SPOOL_ID_MAX 64

/* A print that waits for staff instead of going to CUPS. */
enum pb_spool_hold {
	PB_SPOOL_SEND,	      /* not held: sent, or to be sent */
	PB_SPOOL_REFUSED,     /* the printer refused it three times; staff retry or cancel */
	PB_SPOOL_UNCONFIRMED, /* CUPS says completed, but the printer forgot it: nothing proves it
			       * came out; staff reprint or cancel */
};

struct pb_spool_job {
	char id[PB_SPOOL_ID_MAX]; /* <session>-<copy>: <id>.jpg and the CUPS job-name */
	char session[48];
	int copy, copies;  /* this is copy `copy` (1-based) of `copies` for the session */
	int cups_job;	   /* CUPS' job id once CUPS accepted it; 0 before */
	int64_t spooled;   /* wall clock, seconds */
	int resubmits;	   /* times CUPS lost or dropped it and it was sent again */
	int refusals;	   /* times in a row the printer canceled or aborted it itself */
	int hold;	   /* enum pb_spool_hold */
	char words[200];   /* why it is held, the printer's own words where it gave any */
	uint64_t retry_ms; /* (not saved) a refused print is not sent again before this */
	int forgot_before; /* (not saved) the printer already had cups-ipp-missing-job-history,
			    * which CUPS keeps, when this was sent */
	int uncertain;	   /* (not saved) may be in CUPS without our knowing its id */
	int cups_state;	   /* (not saved) the IPP job-state last seen; 0 unknown */
	uint64_t asked_ms; /* (not saved) when the guest asked, monotonic; 0 unknown */
};

struct pb_spool_counters {
	int prints_remaining;	  /* paper left, as staff set it; -1 when never set */
	unsigned completed;	  /* prints CUPS reported completed */
	unsigned submitted;	  /* jobs CUPS accepted */
	unsigned resubmitted;	  /* jobs sent again after CUPS lost or dropped them */
	unsigned canceled;	  /* jobs staff canceled in CUPS (not sent again) */
	unsigned refused;	  /* times the printer refused a job itself */
	unsigned unconfirmed;	  /* jobs CUPS completed that the printer had forgotten */
	double seconds_per_print; /* measured average; 0 until the first print */
};

struct pb_spool {
	char *dir;
	struct pb_spool_job *jobs; /* in the order they were spooled */
	int n, cap;
	struct pb_spool_counters c;
};

/* Creates dir if needed, reads spool.ini and adopts unlisted photos. A damaged spool.ini is
 * logged with file:line and moved aside (spool.ini.bad); the photos are kept and adopted.
 * PB_ERR_IO (logged) when the folder is unusable. */
enum pb_status pb_spool_open(struct pb_spool *s, const char *dir);
void pb_spool_close(struct pb_spool *s);

/* Spools one print of photo (a path on the same file system, normally the session's
 * final.jpg) and saves. PB_ERR_MEDIA when the disk is full; nothing is half-added. */
enum pb_status pb_spool_add(struct pb_spool *s, const char *session, int copy, int copies,
			    const char *photo);

/* Forgets job i: its photo is removed, then spool.ini saved. */
enum pb_status pb_spool_remove(struct pb_spool *s, int i);

/* Saves spool.ini (after changing a job or the counters). */
enum pb_status pb_spool_save(struct pb_spool *s);

/* The path of job i's photo; caller frees. */
char *pb_spool_photo(const struct pb_spool *s, int i);

#endif
