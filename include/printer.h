/* printer.h - a printer's health as the kiosk reports it, and what CUPS' printer-state-reasons
 * mean for printing. Plain values and pure functions; any thread. */
#ifndef PB_PRINTER_H
#define PB_PRINTER_H

enum pb_printer_state {
	PB_PRINTER_UNKNOWN, /* not asked yet */
	PB_PRINTER_IDLE,
	PB_PRINTER_PRINTING,
	PB_PRINTER_STOPPED,	/* CUPS stopped the queue (paper out, a jam, staff) */
	PB_PRINTER_MISSING,	/* no such queue, or no default printer */
	PB_PRINTER_UNREACHABLE, /* no CUPS server answers */
	PB_PRINTER_OFFLINE,	/* CUPS answers, but its backend cannot reach the printer */
};

/* A print held for staff (spool.h's enum pb_spool_hold): refused or unconfirmed. */
struct pb_printer_held {
	int job;	 /* its last CUPS job id (photoboothctl printer retry|reprint|cancel JOB) */
	int unconfirmed; /* 1: CUPS completed it but the printer forgot it; 0: refused */
	char id[64];	 /* the spool's <session>-<copy> */
	char words[200]; /* why, the printer's own words where it gave any */
};
#define PB_PRINTER_HELD_MAX 8

struct pb_printer_health {
	enum pb_printer_state state;
	int ready;		  /* a print submitted now would come out */
	int accepting;		  /* printer-is-accepting-jobs */
	char queue[128];	  /* the queue in use */
	char reasons[256];	  /* printer-state-reasons, comma-separated; "" for none */
	char message[256];	  /* what is wrong and what to do, in words; "" when fine */
	int pending;		  /* prints spooled and not yet completed */
	int held;		  /* of those, prints CUPS holds or keeps on a stopped queue */
	int prints_remaining;	  /* paper left as staff set it; -1 when never set */
	int paper_low;		  /* prints_remaining has fallen to the warning level */
	double seconds_per_print; /* measured, or the configured estimate */
	unsigned completed, submitted, resubmitted, canceled, failed;
	unsigned refusals_total; /* times the printer refused a job itself, ever */
	unsigned
		unconfirmed_total; /* jobs completed by CUPS that the printer had forgotten, ever */
	int refused;		   /* prints held now because the printer refused them */
	int unconfirmed;	   /* prints held now that may not have come out */
	struct pb_printer_held held_prints[PB_PRINTER_HELD_MAX]; /* the first of those */
	int nheld_prints;
	int last_submit_ms;    /* the last print: handed over to accepted by CUPS, spool included */
	char last_action[320]; /* how staff's last resume or cancel went, in words; "" before any */
	int jobs[8];	       /* CUPS job ids of the booth's prints in CUPS, oldest first */
	int njobs;
};

/* Writes h as the "printer" member of the JSON object open in out (status output). */
struct pb_buf;
void pb_printer_health_json(const struct pb_printer_health *h, struct pb_buf *out);

/* What staff should do about the most pressing of reasons (comma-separated keywords), in
 * words: "out of paper: load paper (and ribbon), then resume". NULL when none needs them. */
const char *pb_printer_reason_words(const char *reasons);

/* Stable lower-case names ("idle", "stopped", ...). */
const char *pb_printer_state_name(enum pb_printer_state s);

/* Whether a printer-state-reasons keyword stops printing (media-empty, media-jam-error,
 * offline-report, ...), as opposed to a warning or report (media-low-warning). Any thread. */
int pb_printer_reason_blocks(const char *reason);

#endif
