#include <stddef.h>
#include <string.h>

#include "kiosk.h"

struct out {
	struct pb_action *a;
	int n;
};

typedef int (*guard_fn)(const struct pb_kiosk *k, const struct pb_event *ev);
typedef void (*action_fn)(struct pb_kiosk *k, const struct pb_event *ev, struct out *o);

/* A row whose from is PB_ANY applies in every state. */
#define PB_ANY PB_KIOSK_ANY

struct transition {
	unsigned from; /* enum pb_state, or PB_ANY */
	enum pb_event_type event;
	guard_fn guard;
	const char *guard_name;
	action_fn action;
	const char *action_name;
	enum pb_state to;
};

static void
emit(struct out *o, enum pb_action_type type, const struct pb_kiosk *k)
{
	if (o->n >= PB_MAX_ACTIONS)
		return; /* cannot happen: no transition emits more than PB_MAX_ACTIONS */
	o->a[o->n++] = (struct pb_action){
		.type = type,
		.session = k->session,
		.job = k->job,
		.slot = k->slot,
		.keep = k->composed,
	};
}

static uint32_t
new_id(struct pb_kiosk *k)
{
	if (++k->next_id == 0)
		k->next_id = 1; /* 0 means "none" */
	return k->next_id;
}

/* Guards */

static int
more_slots(const struct pb_kiosk *k, const struct pb_event *ev)
{
	(void)ev;
	return k->slot + 1 < k->cfg.slots;
}

static int
retakes_left(const struct pb_kiosk *k, const struct pb_event *ev)
{
	(void)ev;
	return pb_kiosk_retakes_left(k) > 0;
}

static int
print_open(const struct pb_kiosk *k, const struct pb_event *ev)
{
	(void)ev;
	return k->print_offered && k->copies == 0;
}

static int
print_request_ok(const struct pb_kiosk *k, const struct pb_event *ev)
{
	return print_open(k, ev) && ev->arg >= 1 && ev->arg <= k->cfg.max_copies;
}

int
pb_kiosk_email_open(const struct pb_kiosk *k)
{
	return k->state == PB_DELIVER && k->cfg.email && !k->emailed && !print_open(k, NULL);
}

static int
email_open(const struct pb_kiosk *k, const struct pb_event *ev)
{
	(void)ev;
	return pb_kiosk_email_open(k);
}

static int
failed_in_capture(const struct pb_kiosk *k, const struct pb_event *ev)
{
	(void)ev;
	return k->failed_in == PB_CAPTURE;
}

/* Actions */

static void
session_begin(struct pb_kiosk *k, const struct pb_event *ev, struct out *o)
{
	(void)ev;
	k->session = new_id(k);
	k->slot = 0;
	k->retakes_used = 0;
	k->composed = 0;
	k->counters.sessions++;
	emit(o, PB_ACT_BEGIN, k);
}

static void
capture_start(struct pb_kiosk *k, const struct pb_event *ev, struct out *o)
{
	(void)ev;
	k->job = new_id(k);
	emit(o, PB_ACT_CAPTURE, k);
}

static void
slot_next(struct pb_kiosk *k, const struct pb_event *ev, struct out *o)
{
	(void)ev;
	k->counters.photos++;
	emit(o, PB_ACT_STORE, k);
	k->slot++;
}

static void
compose_start(struct pb_kiosk *k, const struct pb_event *ev, struct out *o)
{
	(void)ev;
	k->counters.photos++;
	emit(o, PB_ACT_STORE, k);
	k->job = new_id(k);
	emit(o, PB_ACT_COMPOSE, k);
}

static void
composed(struct pb_kiosk *k, const struct pb_event *ev, struct out *o)
{
	(void)ev;
	(void)o;
	k->composed = 1;
}

static void
fail(struct pb_kiosk *k, const struct pb_event *ev, struct out *o)
{
	(void)ev;
	(void)o;
	k->failed_in = k->state;
	k->job = 0; /* whatever was outstanding is stale now */
	k->counters.failures++;
}

static void
retry_slot(struct pb_kiosk *k, const struct pb_event *ev, struct out *o)
{
	(void)ev;
	(void)k;
	(void)o; /* the countdown for the same slot starts again */
}

static void
retake(struct pb_kiosk *k, const struct pb_event *ev, struct out *o)
{
	(void)ev;
	(void)o;
	k->retakes_used++;
	k->counters.retakes++;
	k->slot = 0;
	k->composed = 0;
}

static void
retake_free(struct pb_kiosk *k, const struct pb_event *ev, struct out *o)
{
	(void)ev;
	/* After a failed compose the photos themselves are suspect: shoot them all again,
	 * without spending the guest's retake. */
	(void)o;
	k->slot = 0;
	k->composed = 0;
}

static void
deliver(struct pb_kiosk *k, const struct pb_event *ev, struct out *o)
{
	(void)ev;
	k->counters.accepted++;
	/* decided once, so the screen does not change under the guest's finger */
	k->print_offered = k->cfg.max_copies > 0 && (k->printer_ready || !k->cfg.print_fallback);
	k->copies = 0;
	emit(o, PB_ACT_DELIVER, k);
}

static void
print_copies(struct pb_kiosk *k, struct out *o, int copies)
{
	k->copies = copies;
	k->counters.prints += (uint32_t)copies;
	emit(o, PB_ACT_PRINT, k);
	o->a[o->n - 1].copies = copies;
}

static void
print_chosen(struct pb_kiosk *k, const struct pb_event *ev, struct out *o)
{
	print_copies(k, o, ev->arg);
}

static void
print_one(struct pb_kiosk *k, const struct pb_event *ev, struct out *o)
{
	(void)ev;
	/* the big button, or a guest who walked off: the print is what they came for */
	print_copies(k, o, 1);
}

static void
email_send(struct pb_kiosk *k, const struct pb_event *ev, struct out *o)
{
	(void)ev;
	k->emailed = 1;
	k->counters.emails++;
	emit(o, PB_ACT_EMAIL, k);
}

static void
session_end(struct pb_kiosk *k, const struct pb_event *ev, struct out *o)
{
	(void)ev;
	emit(o, PB_ACT_END, k);
	k->session = 0;
	k->job = 0;
	k->slot = 0;
	k->composed = 0;
	k->print_offered = 0;
	k->copies = 0;
	k->emailed = 0;
}

/* A tap on thanks: this guest is done, the next one in line is already posing. */
static void
next_guest(struct pb_kiosk *k, const struct pb_event *ev, struct out *o)
{
	session_end(k, ev, o);
	session_begin(k, ev, o);
}

static int
in_service(const struct pb_kiosk *k, const struct pb_event *ev)
{
	(void)ev;
	return !k->out_of_service;
}

static int
out_of_service(const struct pb_kiosk *k, const struct pb_event *ev)
{
	(void)ev;
	return k->out_of_service; /* a retry would only fail again */
}

/* Staff: any running session ends; a finished photo is kept, an unfinished one is not. */
static void
abort_session(struct pb_kiosk *k, const struct pb_event *ev, struct out *o)
{
	if (k->session)
		session_end(k, ev, o);
}

/* Staff take over from any guest screen, not from their own. */
static int
guest_screen(const struct pb_kiosk *k, const struct pb_event *ev)
{
	(void)ev;
	return k->state != PB_PIN && k->state != PB_STAFF;
}

/* The table reads as a table: clang-format leaves it as it is. */
/* clang-format off */
/* A row, with its functions' names for the drawing of the flow (pb_kiosk_row). */
#define T(from, event, guard, action, to) { from, event, guard, #guard, action, #action, to }

static const struct transition transitions[] = {
/*	   from           event                 guard              action          to            */
	T( PB_ANY,        PB_EV_RESET,          NULL,              abort_session,  PB_ATTRACT    ),
	T( PB_ANY,        PB_EV_STAFF,          guest_screen,      abort_session,  PB_PIN        ),
	T( PB_ATTRACT,    PB_EV_TRIGGER,        in_service,        session_begin,  PB_COUNTDOWN  ),
	T( PB_COUNTDOWN,  PB_EV_TIMEOUT,        NULL,              capture_start,  PB_CAPTURE    ),
	T( PB_CAPTURE,    PB_EV_CAPTURED,       more_slots,        slot_next,      PB_COUNTDOWN  ),
	T( PB_CAPTURE,    PB_EV_CAPTURED,       NULL,              compose_start,  PB_PROCESSING ),
	T( PB_CAPTURE,    PB_EV_CAPTURE_FAILED, NULL,              fail,           PB_ERROR      ),
	T( PB_CAPTURE,    PB_EV_TIMEOUT,        NULL,              fail,           PB_ERROR      ),
	T( PB_PROCESSING, PB_EV_COMPOSED,       NULL,              composed,       PB_REVIEW     ),
	T( PB_PROCESSING, PB_EV_COMPOSE_FAILED, NULL,              fail,           PB_ERROR      ),
	T( PB_PROCESSING, PB_EV_TIMEOUT,        NULL,              fail,           PB_ERROR      ),
	T( PB_REVIEW,     PB_EV_RETAKE,         retakes_left,      retake,         PB_COUNTDOWN  ),
	T( PB_REVIEW,     PB_EV_ACCEPT,         NULL,              deliver,        PB_DELIVER    ),
	T( PB_REVIEW,     PB_EV_TRIGGER,        NULL,              deliver,        PB_DELIVER    ),
	T( PB_REVIEW,     PB_EV_TIMEOUT,        NULL,              deliver,        PB_DELIVER    ),
	T( PB_DELIVER,    PB_EV_PRINT,          print_request_ok,  print_chosen,   PB_DELIVER    ),
	T( PB_DELIVER,    PB_EV_TRIGGER,        print_open,        print_one,      PB_DELIVER    ),
	T( PB_DELIVER,    PB_EV_TIMEOUT,        print_open,        print_one,      PB_THANKS     ),
	T( PB_DELIVER,    PB_EV_EMAIL,          email_open,        NULL,           PB_EMAIL      ),
	T( PB_DELIVER,    PB_EV_TRIGGER,        NULL,              NULL,           PB_THANKS     ),
	T( PB_DELIVER,    PB_EV_TIMEOUT,        NULL,              NULL,           PB_THANKS     ),
	T( PB_EMAIL,      PB_EV_TYPED,          NULL,              NULL,           PB_EMAIL      ),
	T( PB_EMAIL,      PB_EV_EMAIL_SEND,     NULL,              email_send,     PB_DELIVER    ),
	T( PB_EMAIL,      PB_EV_CANCEL,         NULL,              NULL,           PB_DELIVER    ),
	T( PB_EMAIL,      PB_EV_TIMEOUT,        NULL,              NULL,           PB_THANKS     ),
	T( PB_PIN,        PB_EV_TYPED,          NULL,              NULL,           PB_PIN        ),
	T( PB_PIN,        PB_EV_PIN_OK,         NULL,              NULL,           PB_STAFF      ),
	T( PB_PIN,        PB_EV_CANCEL,         NULL,              NULL,           PB_ATTRACT    ),
	T( PB_PIN,        PB_EV_TIMEOUT,        NULL,              NULL,           PB_ATTRACT    ),
	T( PB_STAFF,      PB_EV_TYPED,          NULL,              NULL,           PB_STAFF      ),
	T( PB_STAFF,      PB_EV_TIMEOUT,        NULL,              NULL,           PB_ATTRACT    ),
	T( PB_THANKS,     PB_EV_TRIGGER,        in_service,        next_guest,     PB_COUNTDOWN  ),
	T( PB_THANKS,     PB_EV_TRIGGER,        NULL,              session_end,    PB_ATTRACT    ),
	T( PB_THANKS,     PB_EV_TIMEOUT,        NULL,              session_end,    PB_ATTRACT    ),
	T( PB_ERROR,      PB_EV_TRIGGER,        out_of_service,    session_end,    PB_ATTRACT    ),
	T( PB_ERROR,      PB_EV_TRIGGER,        failed_in_capture, retry_slot,     PB_COUNTDOWN  ),
	T( PB_ERROR,      PB_EV_TRIGGER,        NULL,              retake_free,    PB_COUNTDOWN  ),
	T( PB_ERROR,      PB_EV_TIMEOUT,        NULL,              session_end,    PB_ATTRACT    ),
};
/* clang-format on */

static void
enter(struct pb_kiosk *k, enum pb_state s, uint64_t now_ms)
{
	uint32_t t = k->cfg.timeout_ms[s];

	k->state = s;
	k->entered_ms = now_ms;
	k->deadline_ms = (s == PB_ATTRACT || t == 0) ? UINT64_MAX : now_ms + t;
}

void
pb_kiosk_configure(struct pb_kiosk *k, const struct pb_kiosk_config *cfg)
{
	k->cfg = *cfg;
	if (k->cfg.slots < 1)
		k->cfg.slots = 1;
	if (k->cfg.slots > PB_MAX_SLOTS)
		k->cfg.slots = PB_MAX_SLOTS;
}

void
pb_kiosk_init(struct pb_kiosk *k, const struct pb_kiosk_config *cfg, uint64_t now_ms)
{
	memset(k, 0, sizeof(*k));
	pb_kiosk_configure(k, cfg);
	enter(k, PB_ATTRACT, now_ms);
}

static int
is_result(enum pb_event_type t)
{
	return t == PB_EV_CAPTURED || t == PB_EV_CAPTURE_FAILED || t == PB_EV_COMPOSED ||
	       t == PB_EV_COMPOSE_FAILED;
}

int
pb_kiosk_handle(struct pb_kiosk *k, const struct pb_event *ev, uint64_t now_ms,
		struct pb_action out[PB_MAX_ACTIONS])
{
	struct out o = { out, 0 };
	enum pb_event_type type = ev->type;

	if (type == PB_EV_TICK) {
		if (now_ms < k->deadline_ms)
			return 0;
		type = PB_EV_TIMEOUT;
		if (k->state != PB_COUNTDOWN)
			k->counters.timeouts++;
	}
	if (is_result(type) &&
	    (k->session == 0 || ev->session != k->session || ev->job != k->job)) {
		k->counters.stale++;
		return 0;
	}
	struct pb_event e = *ev; /* TICK made TIMEOUT */
	e.type = type;
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++) {
		const struct transition *t = &transitions[i];
		if ((t->from != PB_ANY && t->from != k->state) || t->event != type)
			continue;
		if (t->guard && !t->guard(k, &e))
			continue;
		if (t->action)
			t->action(k, &e, &o);
		enter(k, t->to, now_ms);
		return o.n;
	}
	return 0;
}

int
pb_kiosk_set_slots(struct pb_kiosk *k, int slots)
{
	if (k->state != PB_ATTRACT || slots < 1 || slots > PB_MAX_SLOTS)
		return -1;
	k->cfg.slots = slots;
	return 0;
}

int64_t
pb_kiosk_remaining_ms(const struct pb_kiosk *k, uint64_t now_ms)
{
	if (k->deadline_ms == UINT64_MAX)
		return -1;
	return now_ms >= k->deadline_ms ? 0 : (int64_t)(k->deadline_ms - now_ms);
}

void
pb_kiosk_set_printer_ready(struct pb_kiosk *k, int ready)
{
	k->printer_ready = ready;
}

void
pb_kiosk_set_out_of_service(struct pb_kiosk *k, int on)
{
	k->out_of_service = on;
}

int
pb_kiosk_retakes_left(const struct pb_kiosk *k)
{
	int left = k->cfg.retakes - k->retakes_used;
	return left > 0 ? left : 0;
}

const char *
pb_state_name(enum pb_state s)
{
	static const char *const names[PB_STATE_COUNT] = {
		[PB_ATTRACT] = "attract", [PB_COUNTDOWN] = "countdown",
		[PB_CAPTURE] = "capture", [PB_PROCESSING] = "processing",
		[PB_REVIEW] = "review",	  [PB_DELIVER] = "deliver",
		[PB_THANKS] = "thanks",	  [PB_ERROR] = "error",
		[PB_EMAIL] = "email",	  [PB_PIN] = "pin",
		[PB_STAFF] = "staff",
	};
	return (unsigned)s < PB_STATE_COUNT ? names[s] : "unknown";
}

const char *
pb_event_name(enum pb_event_type e)
{
	static const char *const names[PB_EV_COUNT] = {
		[PB_EV_TICK] = "tick",
		[PB_EV_TRIGGER] = "trigger",
		[PB_EV_RETAKE] = "retake",
		[PB_EV_ACCEPT] = "accept",
		[PB_EV_RESET] = "reset",
		[PB_EV_CAPTURED] = "captured",
		[PB_EV_CAPTURE_FAILED] = "capture-failed",
		[PB_EV_COMPOSED] = "composed",
		[PB_EV_COMPOSE_FAILED] = "compose-failed",
		[PB_EV_PRINT] = "print",
		[PB_EV_EMAIL] = "email",
		[PB_EV_TYPED] = "typed",
		[PB_EV_EMAIL_SEND] = "email-send",
		[PB_EV_CANCEL] = "cancel",
		[PB_EV_STAFF] = "staff",
		[PB_EV_PIN_OK] = "pin-ok",
		[PB_EV_TIMEOUT] = "timeout",
	};
	return (unsigned)e < PB_EV_COUNT ? names[e] : "unknown";
}

int
pb_kiosk_row(size_t i, struct pb_kiosk_row *out)
{
	if (i >= sizeof(transitions) / sizeof(transitions[0]))
		return 0;
	const struct transition *t = &transitions[i];
	*out = (struct pb_kiosk_row){
		.from = t->from,
		.event = t->event,
		.guard = t->guard ? t->guard_name : NULL,
		.action = t->action ? t->action_name : NULL,
		.to = t->to,
	};
	return 1;
}
