/* kiosk.h - the attendee flow as a pure state machine.
 *
 * The core takes events and now_ms and returns actions for the shell to carry out. It never
 * calls SDL, the clock, the camera or the disk, so tests drive it with a fake clock and no
 * sleeps. Results from other threads carry the session and job ids they were started for;
 * the core drops stale ones. Not thread-safe: the main thread owns the kiosk.
 */
#ifndef PB_KIOSK_H
#define PB_KIOSK_H

#include <stddef.h>
#include <stdint.h>
#include "slots.h"

enum pb_state {
	PB_ATTRACT,
	PB_COUNTDOWN,
	PB_CAPTURE,
	PB_PROCESSING,
	PB_REVIEW,
	PB_DELIVER,
	PB_THANKS,
	PB_ERROR,
	PB_EMAIL, /* the guest types their address on the deliver screen's keyboard */
	PB_PIN,	  /* staff: the PIN keypad, after the hidden gesture */
	PB_STAFF, /* staff: health and actions, after the right PIN */
	PB_STATE_COUNT
};

enum pb_event_type {
	PB_EV_TICK,	/* time passed: fires PB_EV_TIMEOUT once the state's deadline is due */
	PB_EV_TRIGGER,	/* the big button: touch, Space/Enter, photoboothctl trigger */
	PB_EV_RETAKE,	/* the Retake button on the review screen */
	PB_EV_ACCEPT,	/* the Looks good button */
	PB_EV_RESET,	/* staff: abort any session, back to attract */
	PB_EV_CAPTURED, /* result: the camera delivered a photo for (session, job) */
	PB_EV_CAPTURE_FAILED, /* result: the camera failed */
	PB_EV_COMPOSED,	      /* result: the worker made final.jpg for (session, job) */
	PB_EV_COMPOSE_FAILED, /* result: the worker failed (bad capture, disk) */
	PB_EV_PRINT,	      /* the guest picked how many prints (arg) on the deliver screen */
	PB_EV_EMAIL,	      /* the Email me button on the deliver screen */
	PB_EV_TYPED,	      /* a key on the email keyboard: the guest is still there */
	PB_EV_EMAIL_SEND,     /* the shell checked the typed address (and consent): send it */
	PB_EV_CANCEL,	      /* the Cancel button on the email keyboard or the PIN keypad */
	PB_EV_STAFF,   /* the hidden gesture: any running session ends, the PIN keypad opens */
	PB_EV_PIN_OK,  /* the shell checked the PIN: the staff screen opens */
	PB_EV_TIMEOUT, /* made by the core from TICK; callers need not send it */
	PB_EV_COUNT
};

struct pb_event {
	enum pb_event_type type;
	uint32_t session; /* results only: the session they belong to (pb_kiosk.session) */
	uint32_t job;	  /* results only: the request they answer */
	int arg;	  /* PB_EV_PRINT: copies */
};

enum pb_action_type {
	PB_ACT_BEGIN,	/* a new session: create its record */
	PB_ACT_CAPTURE, /* ask the camera for a photo for slot, answering with job */
	PB_ACT_STORE,	/* keep the capture just received as the photo of slot */
	PB_ACT_COMPOSE, /* compose the stored photos into final.jpg, answering with job */
	PB_ACT_DELIVER, /* the guest accepted: save the session and deliver it */
	PB_ACT_PRINT,	/* print copies of the session's photo */
	PB_ACT_EMAIL,	/* queue an email of the session's link to the address the shell holds */
	PB_ACT_END,	/* the session is over: keep its folder if keep, else delete it */
	PB_ACT_COUNT
};

struct pb_action {
	enum pb_action_type type;
	uint32_t session;
	uint32_t job;
	int slot;
	int keep;
	int copies;
};

#define PB_MAX_ACTIONS 4

struct pb_kiosk_config {
	int slots;	    /* photos per session, from the overlay (1..PB_MAX_SLOTS) */
	int retakes;	    /* retakes allowed on the review screen */
	int max_copies;	    /* prints a guest may pick on the deliver screen; 0: no printing */
	int print_fallback; /* delivery "both": skip printing while the printer is not ready */
	int email;	    /* the deliver screen offers "Email me" */
	uint32_t timeout_ms[PB_STATE_COUNT]; /* per state; 0 = none (attract only) */
};

struct pb_kiosk_counters {
	uint32_t sessions; /* sessions started */
	uint32_t photos;   /* captures stored */
	uint32_t accepted; /* sessions that reached delivery */
	uint32_t prints;   /* prints asked for */
	uint32_t emails;   /* emails queued */
	uint32_t retakes;
	uint32_t failures; /* error screens shown */
	uint32_t timeouts; /* states left by timeout, other than countdown */
	uint32_t stale;	   /* results dropped as stale */
};

struct pb_kiosk {
	struct pb_kiosk_config cfg;
	enum pb_state state;
	uint64_t entered_ms;  /* when the current state was entered */
	uint64_t deadline_ms; /* when it times out; UINT64_MAX for never */
	uint32_t session;     /* the kiosk's count of sessions, 0 in attract: it matches results
			       * to the session that asked, and never leaves the process; the
			       * session's one id, in files, logs, status and messages, is
			       * session.h's */
	uint32_t job;	      /* the outstanding request's id */
	uint32_t next_id;
	int slot; /* the slot being shot (0-based) */
	int retakes_used;
	int composed;		 /* final.jpg exists for this session */
	enum pb_state failed_in; /* where the error screen came from */
	int printer_ready;	 /* as the shell last reported it */
	int out_of_service;	 /* the shell cannot keep new photos (disk full): attract waits */
	int print_offered;	 /* this session's deliver screen offers prints */
	int copies;		 /* prints this session asked for; 0 before the choice */
	int emailed;		 /* this session's email is queued */
	struct pb_kiosk_counters counters;
};

void pb_kiosk_init(struct pb_kiosk *k, const struct pb_kiosk_config *cfg, uint64_t now_ms);

/* Replaces the settings (a theme, mode or config change), clamped as pb_kiosk_init does. The
 * state and the running session stay; new timeouts apply from the next state entered. */
void pb_kiosk_configure(struct pb_kiosk *k, const struct pb_kiosk_config *cfg);

/* Feeds one event. Writes up to PB_MAX_ACTIONS actions to out and returns their count.
 * Events that do not apply in the current state, and stale results, change nothing. */
int pb_kiosk_handle(struct pb_kiosk *k, const struct pb_event *ev, uint64_t now_ms,
		    struct pb_action out[PB_MAX_ACTIONS]);

/* Changes the number of slots (an overlay switch). Applies only in attract; returns 0 then,
 * -1 when a session is running. */
int pb_kiosk_set_slots(struct pb_kiosk *k, int slots);

/* Milliseconds until the current state times out (0 when due), or -1 for never. */
int64_t pb_kiosk_remaining_ms(const struct pb_kiosk *k, uint64_t now_ms);

int pb_kiosk_retakes_left(const struct pb_kiosk *k);

/* The shell reports whether a print would come out now. With print_fallback, a guest who
 * reaches the deliver screen while it is not is not offered prints. */
void pb_kiosk_set_printer_ready(struct pb_kiosk *k, int ready);

/* The shell reports that a new session could not be kept (data_dir nearly full). While on,
 * a trigger on attract starts nothing; a running session goes on. */
void pb_kiosk_set_out_of_service(struct pb_kiosk *k, int on);

/* Whether the deliver screen offers "Email me" now (once per session, after any print choice). */
int pb_kiosk_email_open(const struct pb_kiosk *k);

/* The transition table, for drawing the flow (make states). Rows are tried in order; the first
 * whose state, event and guard match is taken. */
#define PB_KIOSK_ANY PB_STATE_COUNT /* a row's from: every state */
struct pb_kiosk_row {
	unsigned from; /* enum pb_state, or PB_KIOSK_ANY */
	enum pb_event_type event;
	const char *guard;  /* the guard's name, NULL for none */
	const char *action; /* the action's name, NULL for none */
	enum pb_state to;
};
/* Row i into out; 0 past the last row. */
int pb_kiosk_row(size_t i, struct pb_kiosk_row *out);

/* Stable lower-case names used in status JSON and logs ("attract", "countdown", ...). */
const char *pb_state_name(enum pb_state s);
const char *pb_event_name(enum pb_event_type e);

#endif
