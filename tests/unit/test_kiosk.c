/* State-machine tests: a fake clock, no sleeps, no SDL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiosk.h"

struct rig {
	struct pb_kiosk k;
	uint64_t now;
	struct pb_action act[PB_MAX_ACTIONS];
	int n;
};

static const struct pb_kiosk_config base_cfg = {
	.slots = 1,
	.retakes = 1,
	.email = 1,
	.timeout_ms = {
		[PB_COUNTDOWN] = 3000, [PB_CAPTURE] = 15000, [PB_PROCESSING] = 30000,
		[PB_REVIEW] = 15000,   [PB_DELIVER] = 30000, [PB_THANKS] = 5000,
		[PB_ERROR] = 10000,    [PB_EMAIL] = 60000,  [PB_PIN] = 30000,
		[PB_STAFF] = 120000,
	},
};

static void
rig_init(struct rig *r, int slots, int retakes)
{
	struct pb_kiosk_config cfg = base_cfg;
	cfg.slots = slots;
	cfg.retakes = retakes;
	r->now = 1000;
	pb_kiosk_init(&r->k, &cfg, r->now);
}

static int
send(struct rig *r, enum pb_event_type t)
{
	struct pb_event ev = { .type = t, .session = r->k.session, .job = r->k.job };
	r->n = pb_kiosk_handle(&r->k, &ev, r->now, r->act);
	return r->n;
}

static int
send_result(struct rig *r, enum pb_event_type t, uint32_t session, uint32_t job)
{
	struct pb_event ev = { .type = t, .session = session, .job = job };
	r->n = pb_kiosk_handle(&r->k, &ev, r->now, r->act);
	return r->n;
}

/* Advances the fake clock to the current state's deadline and ticks. */
static void
expire(struct rig *r)
{
	int64_t left = pb_kiosk_remaining_ms(&r->k, r->now);
	assert_true(left >= 0);
	r->now += (uint64_t)left;
	send(r, PB_EV_TICK);
}

static int
has_action(const struct rig *r, enum pb_action_type t)
{
	for (int i = 0; i < r->n; i++)
		if (r->act[i].type == t)
			return i + 1;
	return 0;
}

/* Drives a fresh single-slot session to state s along the normal path (error via a failed
 * capture). */
static void
drive_to(struct rig *r, enum pb_state s)
{
	if (s == PB_ATTRACT)
		return;
	if (s == PB_PIN || s == PB_STAFF) {
		send(r, PB_EV_STAFF);
		if (s == PB_STAFF)
			send(r, PB_EV_PIN_OK);
		return;
	}
	send(r, PB_EV_TRIGGER);
	if (s == PB_COUNTDOWN)
		return;
	expire(r);
	if (s == PB_CAPTURE)
		return;
	if (s == PB_ERROR) {
		send(r, PB_EV_CAPTURE_FAILED);
		return;
	}
	send(r, PB_EV_CAPTURED);
	if (s == PB_PROCESSING)
		return;
	send(r, PB_EV_COMPOSED);
	if (s == PB_REVIEW)
		return;
	send(r, PB_EV_ACCEPT);
	if (s == PB_DELIVER)
		return;
	if (s == PB_EMAIL) {
		send(r, PB_EV_EMAIL);
		return;
	}
	send(r, PB_EV_TRIGGER);
}

static void
test_whole_session(void **state)
{
	struct rig r;
	(void)state;
	rig_init(&r, 1, 1);
	assert_int_equal(r.k.state, PB_ATTRACT);
	assert_int_equal(pb_kiosk_remaining_ms(&r.k, r.now), -1);

	send(&r, PB_EV_TRIGGER);
	assert_int_equal(r.k.state, PB_COUNTDOWN);
	assert_true(has_action(&r, PB_ACT_BEGIN));
	uint32_t session = r.k.session;
	assert_int_not_equal(session, 0);

	/* one millisecond early: still counting down */
	r.now += 2999;
	send(&r, PB_EV_TICK);
	assert_int_equal(r.k.state, PB_COUNTDOWN);
	r.now += 1;
	send(&r, PB_EV_TICK);
	assert_int_equal(r.k.state, PB_CAPTURE);
	int i = has_action(&r, PB_ACT_CAPTURE);
	assert_true(i);
	assert_int_equal(r.act[i - 1].slot, 0);
	assert_int_equal(r.act[i - 1].session, session);

	send(&r, PB_EV_CAPTURED);
	assert_int_equal(r.k.state, PB_PROCESSING);
	assert_true(has_action(&r, PB_ACT_STORE));
	assert_true(has_action(&r, PB_ACT_COMPOSE));

	send(&r, PB_EV_COMPOSED);
	assert_int_equal(r.k.state, PB_REVIEW);
	send(&r, PB_EV_ACCEPT);
	assert_int_equal(r.k.state, PB_DELIVER);
	assert_true(has_action(&r, PB_ACT_DELIVER));
	send(&r, PB_EV_TRIGGER);
	assert_int_equal(r.k.state, PB_THANKS);
	/* the thanks screen times out to attract */
	r.now += 5000;
	send(&r, PB_EV_TICK);
	assert_int_equal(r.k.state, PB_ATTRACT);
	i = has_action(&r, PB_ACT_END);
	assert_true(i);
	assert_int_equal(r.act[i - 1].keep, 1);
	assert_int_equal(r.act[i - 1].session, session);
	assert_int_equal(r.k.session, 0);
	assert_int_equal(r.k.counters.sessions, 1);
	assert_int_equal(r.k.counters.photos, 1);
	assert_int_equal(r.k.counters.accepted, 1);
}

/* One guest to the thanks screen, photo kept. */
static uint32_t
to_thanks(struct rig *r)
{
	send(r, PB_EV_TRIGGER);
	uint32_t session = r->k.session;
	r->now += 3000;
	send(r, PB_EV_TICK);
	send(r, PB_EV_CAPTURED);
	send(r, PB_EV_COMPOSED);
	send(r, PB_EV_ACCEPT);
	send(r, PB_EV_TRIGGER);
	assert_int_equal(r->k.state, PB_THANKS);
	return session;
}

/* The line: a tap on thanks ends this guest's session (photo kept) and starts the next one's
 * countdown at once; out of service (disk full), it only ends the session. */
static void
test_thanks_tap_starts_next_guest(void **state)
{
	struct rig r;
	(void)state;
	rig_init(&r, 1, 1);
	uint32_t first = to_thanks(&r);
	send(&r, PB_EV_TRIGGER);
	assert_int_equal(r.k.state, PB_COUNTDOWN);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.act[0].type, PB_ACT_END);
	assert_int_equal(r.act[0].session, first);
	assert_int_equal(r.act[0].keep, 1);
	assert_int_equal(r.act[1].type, PB_ACT_BEGIN);
	assert_int_not_equal(r.act[1].session, first);
	assert_int_equal(r.act[1].session, r.k.session);
	assert_int_equal(r.k.slot, 0);
	assert_int_equal(r.k.counters.sessions, 2);
	assert_int_equal(pb_kiosk_retakes_left(&r.k), 1); /* the next guest's own retake */
	assert_int_equal(pb_kiosk_remaining_ms(&r.k, r.now), 3000);

	rig_init(&r, 1, 1);
	first = to_thanks(&r);
	pb_kiosk_set_out_of_service(&r.k, 1);
	send(&r, PB_EV_TRIGGER);
	assert_int_equal(r.k.state, PB_ATTRACT);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.act[0].type, PB_ACT_END);
	assert_int_equal(r.act[0].keep, 1);
	assert_int_equal(r.k.session, 0);
}

static void
test_every_state_reachable(void **state)
{
	(void)state;
	for (int s = 0; s < PB_STATE_COUNT; s++) {
		struct rig r;
		rig_init(&r, 1, 1);
		drive_to(&r, (enum pb_state)s);
		assert_int_equal(r.k.state, s);
	}
}

static void
test_every_non_attract_state_times_out(void **state)
{
	(void)state;
	for (int s = 1; s < PB_STATE_COUNT; s++) {
		struct rig r;
		rig_init(&r, 1, 1);
		drive_to(&r, (enum pb_state)s);
		assert_int_equal(r.k.state, s);
		int64_t left = pb_kiosk_remaining_ms(&r.k, r.now);
		assert_true(left > 0);
		expire(&r);
		assert_int_not_equal(r.k.state, s);
		/* With nobody touching anything, the booth finds its way back to attract. */
		/* (a stuck camera or worker: results never come, only time passes) */
		for (int steps = 0; r.k.state != PB_ATTRACT && steps < 10; steps++)
			expire(&r);
		assert_int_equal(r.k.state, PB_ATTRACT);
		assert_int_equal(r.k.session, 0);
	}
}

static void
test_review_timeout_auto_accepts(void **state)
{
	struct rig r;
	(void)state;
	rig_init(&r, 1, 1);
	drive_to(&r, PB_REVIEW);
	expire(&r);
	assert_int_equal(r.k.state, PB_DELIVER);
	assert_true(has_action(&r, PB_ACT_DELIVER));
}

static void
test_retake_limit(void **state)
{
	struct rig r;
	(void)state;
	rig_init(&r, 1, 1);
	drive_to(&r, PB_REVIEW);
	assert_int_equal(pb_kiosk_retakes_left(&r.k), 1);
	send(&r, PB_EV_RETAKE);
	assert_int_equal(r.k.state, PB_COUNTDOWN);
	assert_int_equal(r.k.slot, 0);
	assert_int_equal(pb_kiosk_retakes_left(&r.k), 0);
	expire(&r);
	send(&r, PB_EV_CAPTURED);
	send(&r, PB_EV_COMPOSED);
	assert_int_equal(r.k.state, PB_REVIEW);
	/* the limit is spent: retake does nothing */
	assert_int_equal(send(&r, PB_EV_RETAKE), 0);
	assert_int_equal(r.k.state, PB_REVIEW);
	assert_int_equal(r.k.counters.retakes, 1);

	rig_init(&r, 1, 0);
	drive_to(&r, PB_REVIEW);
	send(&r, PB_EV_RETAKE);
	assert_int_equal(r.k.state, PB_REVIEW);

	rig_init(&r, 1, 3);
	drive_to(&r, PB_REVIEW);
	for (int i = 0; i < 3; i++) {
		send(&r, PB_EV_RETAKE);
		assert_int_equal(r.k.state, PB_COUNTDOWN);
		expire(&r);
		send(&r, PB_EV_CAPTURED);
		send(&r, PB_EV_COMPOSED);
	}
	send(&r, PB_EV_RETAKE);
	assert_int_equal(r.k.state, PB_REVIEW);
}

static void
test_stale_results_ignored(void **state)
{
	struct rig r;
	(void)state;
	rig_init(&r, 1, 1);
	drive_to(&r, PB_CAPTURE);
	uint32_t s = r.k.session, j = r.k.job;

	/* wrong job, wrong session, no session at all */
	assert_int_equal(send_result(&r, PB_EV_CAPTURED, s, j + 1), 0);
	assert_int_equal(send_result(&r, PB_EV_CAPTURED, s + 1, j), 0);
	assert_int_equal(send_result(&r, PB_EV_CAPTURE_FAILED, 0, 0), 0);
	assert_int_equal(r.k.state, PB_CAPTURE);
	assert_int_equal(r.k.counters.stale, 3);

	/* the camera is stuck: timeout to error; its late answer is stale */
	expire(&r);
	assert_int_equal(r.k.state, PB_ERROR);
	assert_int_equal(send_result(&r, PB_EV_CAPTURED, s, j), 0);
	assert_int_equal(r.k.state, PB_ERROR);

	/* a retry issues a new job; the old answer still does not count */
	send(&r, PB_EV_TRIGGER);
	expire(&r);
	assert_int_equal(r.k.state, PB_CAPTURE);
	assert_int_not_equal(r.k.job, j);
	assert_int_equal(send_result(&r, PB_EV_CAPTURED, s, j), 0);
	assert_int_equal(r.k.state, PB_CAPTURE);

	/* a compose result from an earlier attempt after a retake is stale */
	send(&r, PB_EV_CAPTURED);
	uint32_t old_compose = r.k.job;
	send(&r, PB_EV_COMPOSED);
	send(&r, PB_EV_RETAKE);
	expire(&r);
	send(&r, PB_EV_CAPTURED);
	assert_int_equal(r.k.state, PB_PROCESSING);
	assert_int_equal(send_result(&r, PB_EV_COMPOSED, s, old_compose), 0);
	assert_int_equal(r.k.state, PB_PROCESSING);

	/* results of a session that has ended are stale */
	send(&r, PB_EV_RESET);
	send(&r, PB_EV_TRIGGER);
	expire(&r);
	assert_int_equal(send_result(&r, PB_EV_CAPTURED, s, r.k.job), 0);
	assert_int_equal(r.k.state, PB_CAPTURE);
}

static void
test_reset_from_every_state(void **state)
{
	(void)state;
	for (int s = 0; s < PB_STATE_COUNT; s++) {
		struct rig r;
		rig_init(&r, 1, 1);
		drive_to(&r, (enum pb_state)s);
		uint32_t session = r.k.session;
		int composed = r.k.composed;
		send(&r, PB_EV_RESET);
		assert_int_equal(r.k.state, PB_ATTRACT);
		assert_int_equal(r.k.session, 0);
		if (s == PB_ATTRACT || s == PB_PIN || s == PB_STAFF) {
			assert_int_equal(r.n, 0);
			continue;
		}
		int i = has_action(&r, PB_ACT_END);
		assert_true(i);
		assert_int_equal(r.act[i - 1].session, session);
		/* a finished photo is kept; an unfinished session is not */
		assert_int_equal(r.act[i - 1].keep, composed);
		assert_int_equal(composed, s == PB_REVIEW || s == PB_DELIVER || s == PB_THANKS ||
						   s == PB_EMAIL);
	}
}

/* The hidden gesture from every guest screen: the session ends as a reset would (a finished
 * photo kept), the keypad opens; only the PIN reaches the staff screen; staff who walk away
 * are timed out back to attract. */
static void
test_staff(void **state)
{
	(void)state;
	for (int s = 0; s < PB_STATE_COUNT; s++) {
		struct rig r;
		if (s == PB_PIN || s == PB_STAFF)
			continue;
		rig_init(&r, 1, 1);
		drive_to(&r, (enum pb_state)s);
		uint32_t session = r.k.session;
		int composed = r.k.composed;
		send(&r, PB_EV_STAFF);
		assert_int_equal(r.k.state, PB_PIN);
		assert_int_equal(r.k.session, 0);
		if (session) {
			int i = has_action(&r, PB_ACT_END);
			assert_true(i);
			assert_int_equal(r.act[i - 1].session, session);
			assert_int_equal(r.act[i - 1].keep, composed);
		} else {
			assert_int_equal(r.n, 0);
		}
	}
	struct rig r;
	rig_init(&r, 1, 1);
	send(&r, PB_EV_STAFF);
	/* nothing a guest can send gets past the keypad */
	static const enum pb_event_type guest[] = { PB_EV_TRIGGER, PB_EV_ACCEPT,   PB_EV_RETAKE,
						    PB_EV_PRINT,   PB_EV_EMAIL,	   PB_EV_EMAIL_SEND,
						    PB_EV_STAFF,   PB_EV_CAPTURED, PB_EV_COMPOSED };
	for (size_t i = 0; i < sizeof(guest) / sizeof(*guest); i++) {
		send(&r, guest[i]);
		assert_int_equal(r.k.state, PB_PIN);
		assert_int_equal(r.n, 0);
	}
	send(&r, PB_EV_CANCEL);
	assert_int_equal(r.k.state, PB_ATTRACT);
	send(&r, PB_EV_STAFF);
	/* typing keeps the keypad open; 30 s without a key closes it */
	r.now += 29000;
	send(&r, PB_EV_TYPED);
	r.now += 29000;
	send(&r, PB_EV_TICK);
	assert_int_equal(r.k.state, PB_PIN);
	send(&r, PB_EV_PIN_OK);
	assert_int_equal(r.k.state, PB_STAFF);
	for (size_t i = 0; i < sizeof(guest) / sizeof(*guest); i++) {
		send(&r, guest[i]);
		assert_int_equal(r.k.state, PB_STAFF);
	}
	assert_int_equal(pb_kiosk_remaining_ms(&r.k, r.now), 120000);
	expire(&r);
	assert_int_equal(r.k.state, PB_ATTRACT);
	/* a session can start again at once */
	send(&r, PB_EV_TRIGGER);
	assert_int_equal(r.k.state, PB_COUNTDOWN);
}

static void
test_multi_slot(void **state)
{
	struct rig r;
	(void)state;
	rig_init(&r, 3, 1);
	send(&r, PB_EV_TRIGGER);
	for (int slot = 0; slot < 3; slot++) {
		assert_int_equal(r.k.state, PB_COUNTDOWN);
		assert_int_equal(r.k.slot, slot);
		expire(&r);
		int i = has_action(&r, PB_ACT_CAPTURE);
		assert_true(i);
		assert_int_equal(r.act[i - 1].slot, slot);
		send(&r, PB_EV_CAPTURED);
		i = has_action(&r, PB_ACT_STORE);
		assert_true(i);
		assert_int_equal(r.act[i - 1].slot, slot);
	}
	assert_int_equal(r.k.state, PB_PROCESSING);
	assert_true(has_action(&r, PB_ACT_COMPOSE));
	assert_int_equal(r.k.counters.photos, 3);

	/* overlays can change the slot count only between sessions */
	assert_int_equal(pb_kiosk_set_slots(&r.k, 1), -1);
	send(&r, PB_EV_RESET);
	assert_int_equal(pb_kiosk_set_slots(&r.k, 1), 0);
	assert_int_equal(pb_kiosk_set_slots(&r.k, 0), -1);
	assert_int_equal(pb_kiosk_set_slots(&r.k, PB_MAX_SLOTS + 1), -1);
}

static void
test_error_retry(void **state)
{
	struct rig r;
	(void)state;
	/* a failed capture in slot 2 of 3 retries slot 2 */
	rig_init(&r, 3, 1);
	send(&r, PB_EV_TRIGGER);
	expire(&r);
	send(&r, PB_EV_CAPTURED);
	expire(&r);
	send(&r, PB_EV_CAPTURE_FAILED);
	assert_int_equal(r.k.state, PB_ERROR);
	assert_int_equal(r.k.counters.failures, 1);
	send(&r, PB_EV_TRIGGER);
	assert_int_equal(r.k.state, PB_COUNTDOWN);
	assert_int_equal(r.k.slot, 1);

	/* a failed compose reshoots every slot, without spending the guest's retake */
	expire(&r);
	send(&r, PB_EV_CAPTURED);
	expire(&r);
	send(&r, PB_EV_CAPTURED);
	assert_int_equal(r.k.state, PB_PROCESSING);
	send(&r, PB_EV_COMPOSE_FAILED);
	assert_int_equal(r.k.state, PB_ERROR);
	send(&r, PB_EV_TRIGGER);
	assert_int_equal(r.k.state, PB_COUNTDOWN);
	assert_int_equal(r.k.slot, 0);
	assert_int_equal(pb_kiosk_retakes_left(&r.k), 1);

	/* the error screen left alone ends the session and discards it */
	expire(&r);
	send(&r, PB_EV_CAPTURE_FAILED);
	expire(&r);
	assert_int_equal(r.k.state, PB_ATTRACT);
	int i = has_action(&r, PB_ACT_END);
	assert_true(i);
	assert_int_equal(r.act[i - 1].keep, 0);
}

static void
test_irrelevant_events_change_nothing(void **state)
{
	struct rig r;
	(void)state;
	rig_init(&r, 1, 1);
	/* buttons of other screens, pressed in attract */
	assert_int_equal(send(&r, PB_EV_ACCEPT), 0);
	assert_int_equal(send(&r, PB_EV_RETAKE), 0);
	assert_int_equal(r.k.state, PB_ATTRACT);
	/* the big button during the countdown does not skip it */
	send(&r, PB_EV_TRIGGER);
	uint32_t session = r.k.session;
	assert_int_equal(send(&r, PB_EV_TRIGGER), 0);
	assert_int_equal(r.k.state, PB_COUNTDOWN);
	assert_int_equal(r.k.session, session);
	assert_string_equal(pb_state_name(PB_PROCESSING), "processing");
	assert_string_equal(pb_event_name(PB_EV_COMPOSE_FAILED), "compose-failed");
}

static void
rig_print(struct rig *r, int max_copies, int fallback, int printer_ready)
{
	struct pb_kiosk_config cfg = base_cfg;
	cfg.max_copies = max_copies;
	cfg.print_fallback = fallback;
	r->now = 1000;
	pb_kiosk_init(&r->k, &cfg, r->now);
	pb_kiosk_set_printer_ready(&r->k, printer_ready);
}

static int
send_print(struct rig *r, int copies)
{
	struct pb_event ev = { .type = PB_EV_PRINT, .arg = copies };
	r->n = pb_kiosk_handle(&r->k, &ev, r->now, r->act);
	return r->n;
}

/* Copies are picked once per session, within 1..max_copies: no print floods. */
static void
test_print_copies_limits(void **state)
{
	struct rig r;
	(void)state;
	rig_print(&r, 2, 0, 1);
	drive_to(&r, PB_DELIVER);
	assert_true(r.k.print_offered);
	/* out of range: ignored, still choosing */
	assert_int_equal(send_print(&r, 3), 0);
	assert_int_equal(send_print(&r, 0), 0);
	assert_int_equal(send_print(&r, -1), 0);
	assert_int_equal(r.k.copies, 0);
	/* two copies: one PRINT action for this session */
	assert_int_equal(send_print(&r, 2), 1);
	assert_int_equal(r.act[0].type, PB_ACT_PRINT);
	assert_int_equal(r.act[0].copies, 2);
	assert_int_equal(r.act[0].session, r.k.session);
	assert_int_equal(r.k.state, PB_DELIVER);
	/* a second pick, or the big button, prints nothing more */
	assert_int_equal(send_print(&r, 1), 0);
	send(&r, PB_EV_TRIGGER);
	assert_false(has_action(&r, PB_ACT_PRINT));
	assert_int_equal(r.k.state, PB_THANKS);
	assert_int_equal(r.k.counters.prints, 2);
	/* the next session may print again, and starts from zero */
	r.now += 5000; /* thanks times out */
	send(&r, PB_EV_TICK);
	assert_int_equal(r.k.state, PB_ATTRACT);
	drive_to(&r, PB_DELIVER);
	assert_int_equal(r.k.copies, 0);
	assert_int_equal(send_print(&r, 1), 1);
	assert_int_equal(r.k.counters.prints, 3);
	/* prints are not asked for anywhere but on the deliver screen */
	send(&r, PB_EV_TRIGGER);
	assert_int_equal(send_print(&r, 1), 0); /* thanks */
	r.now += 5000;
	send(&r, PB_EV_TICK);
	assert_int_equal(r.k.state, PB_ATTRACT);
	assert_int_equal(send_print(&r, 1), 0);
	send(&r, PB_EV_TRIGGER);
	assert_int_equal(send_print(&r, 1), 0);
}

/* The big button, or a guest who walked away, prints one copy. */
static void
test_print_default_one(void **state)
{
	struct rig r;
	(void)state;
	rig_print(&r, 4, 0, 1);
	drive_to(&r, PB_DELIVER);
	send(&r, PB_EV_TRIGGER);
	assert_int_equal(has_action(&r, PB_ACT_PRINT) ? r.act[0].copies : 0, 1);
	assert_int_equal(r.k.state, PB_DELIVER);
	send(&r, PB_EV_TRIGGER);
	assert_int_equal(r.k.state, PB_THANKS);

	rig_print(&r, 4, 0, 1);
	drive_to(&r, PB_DELIVER);
	expire(&r);
	assert_true(has_action(&r, PB_ACT_PRINT));
	assert_int_equal(r.act[has_action(&r, PB_ACT_PRINT) - 1].copies, 1);
	assert_int_equal(r.k.state, PB_THANKS);
}

/* print mode queues even while the printer is down; both mode falls back to sharing. */
static void
test_print_when_printer_down(void **state)
{
	struct rig r;
	(void)state;
	rig_print(&r, 2, 0, 0);
	drive_to(&r, PB_DELIVER);
	assert_true(r.k.print_offered);
	assert_int_equal(send_print(&r, 1), 1);

	rig_print(&r, 2, 1, 0);
	drive_to(&r, PB_DELIVER);
	assert_false(r.k.print_offered);
	assert_int_equal(send_print(&r, 1), 0);
	expire(&r);
	assert_false(has_action(&r, PB_ACT_PRINT));
	assert_int_equal(r.k.state, PB_THANKS);
	/* the printer came back: the next guest is offered prints, decided on arrival */
	pb_kiosk_set_printer_ready(&r.k, 1);
	send(&r, PB_EV_TRIGGER);
	drive_to(&r, PB_DELIVER);
	assert_true(r.k.print_offered);
	pb_kiosk_set_printer_ready(&r.k, 0); /* going down now does not take the offer away */
	assert_int_equal(send_print(&r, 2), 1);

	/* share only: never a print */
	rig_print(&r, 0, 0, 1);
	drive_to(&r, PB_DELIVER);
	assert_false(r.k.print_offered);
	assert_int_equal(send_print(&r, 1), 0);
	send(&r, PB_EV_TRIGGER);
	assert_false(has_action(&r, PB_ACT_PRINT));
	assert_int_equal(r.k.state, PB_THANKS);
}

/* Out of service (the disk is nearly full): attract refuses to start a session, a session
 * already running finishes, and the booth takes guests again once it is back in service. */
static void
test_out_of_service(void **state)
{
	struct rig r;
	(void)state;
	rig_init(&r, 1, 1);
	pb_kiosk_set_out_of_service(&r.k, 1);
	assert_int_equal(send(&r, PB_EV_TRIGGER), 0);
	assert_int_equal(r.k.state, PB_ATTRACT);
	assert_int_equal(r.k.counters.sessions, 0);

	pb_kiosk_set_out_of_service(&r.k, 0);
	assert_int_equal(send(&r, PB_EV_TRIGGER), 1);
	assert_true(has_action(&r, PB_ACT_BEGIN));
	assert_int_equal(r.k.state, PB_COUNTDOWN);
	/* the disk fills mid-session: this guest still gets to the end */
	pb_kiosk_set_out_of_service(&r.k, 1);
	drive_to(&r, PB_DELIVER);
	send(&r, PB_EV_TRIGGER);
	assert_int_equal(r.k.state, PB_THANKS);
	send(&r, PB_EV_TRIGGER);
	assert_true(has_action(&r, PB_ACT_END));
	assert_int_equal(r.k.state, PB_ATTRACT);
	assert_int_equal(send(&r, PB_EV_TRIGGER), 0);
	assert_int_equal(r.k.state, PB_ATTRACT);
	/* the disk filled during a session that then failed: no retry, back to attract */
	pb_kiosk_set_out_of_service(&r.k, 0);
	drive_to(&r, PB_ERROR);
	pb_kiosk_set_out_of_service(&r.k, 1);
	send(&r, PB_EV_TRIGGER);
	assert_true(has_action(&r, PB_ACT_END));
	assert_int_equal(r.k.state, PB_ATTRACT);
	/* staff can still reach their screen */
	send(&r, PB_EV_STAFF);
	assert_int_equal(r.k.state, PB_PIN);
}

/* Email: offered once per session, after any print choice; typing keeps the keyboard up;
 * a send queues exactly one email; cancel and timeout send nothing. */
static void
test_email(void **state)
{
	struct rig r;
	(void)state;
	rig_init(&r, 1, 1);
	drive_to(&r, PB_DELIVER);
	assert_true(pb_kiosk_email_open(&r.k));
	send(&r, PB_EV_EMAIL);
	assert_int_equal(r.k.state, PB_EMAIL);
	/* a key a little before the timeout keeps the keyboard for another full timeout */
	r.now += 59000;
	send(&r, PB_EV_TYPED);
	r.now += 59000;
	send(&r, PB_EV_TICK);
	assert_int_equal(r.k.state, PB_EMAIL);
	send(&r, PB_EV_CANCEL);
	assert_int_equal(r.k.state, PB_DELIVER);
	assert_false(has_action(&r, PB_ACT_EMAIL));
	send(&r, PB_EV_EMAIL);
	assert_int_equal(send(&r, PB_EV_EMAIL_SEND), 1);
	assert_true(has_action(&r, PB_ACT_EMAIL));
	assert_int_equal(r.k.state, PB_DELIVER);
	assert_int_equal(r.k.counters.emails, 1);
	/* once per session */
	assert_false(pb_kiosk_email_open(&r.k));
	assert_int_equal(send(&r, PB_EV_EMAIL), 0);
	assert_int_equal(r.k.state, PB_DELIVER);
	send(&r, PB_EV_TRIGGER);
	r.now += 5000; /* thanks times out */
	send(&r, PB_EV_TICK);
	assert_int_equal(r.k.state, PB_ATTRACT);
	/* the next guest may email again; walking away from the keyboard sends nothing */
	drive_to(&r, PB_EMAIL);
	expire(&r);
	assert_int_equal(r.k.state, PB_THANKS);
	assert_false(has_action(&r, PB_ACT_EMAIL));
	assert_int_equal(r.k.counters.emails, 1);
	/* EMAIL_SEND outside the keyboard does nothing */
	send(&r, PB_EV_EMAIL_SEND);
	assert_int_equal(r.k.state, PB_THANKS);

	/* both mode: the print choice comes first */
	rig_print(&r, 2, 1, 1);
	r.k.cfg.email = 1;
	drive_to(&r, PB_DELIVER);
	assert_false(pb_kiosk_email_open(&r.k));
	assert_int_equal(send(&r, PB_EV_EMAIL), 0);
	send_print(&r, 1);
	assert_true(pb_kiosk_email_open(&r.k));
	/* print only: no email */
	rig_print(&r, 2, 0, 1);
	r.k.cfg.email = 0;
	drive_to(&r, PB_DELIVER);
	send_print(&r, 1);
	assert_false(pb_kiosk_email_open(&r.k));
}

static void
test_configure_clamps(void **state)
{
	struct pb_kiosk k;
	struct pb_kiosk_config c = { .slots = 4, .retakes = 2 };
	(void)state;
	pb_kiosk_init(&k, &c, 1000);
	c.slots = 0; /* a theme with no slots: one photo */
	pb_kiosk_configure(&k, &c);
	assert_int_equal(k.cfg.slots, 1);
	c.slots = PB_MAX_SLOTS + 5;
	pb_kiosk_configure(&k, &c);
	assert_int_equal(k.cfg.slots, PB_MAX_SLOTS);
	assert_int_equal(k.cfg.retakes, 2);
	assert_int_equal(k.state, PB_ATTRACT); /* the state and its timer stay */
	assert_int_equal(k.entered_ms, 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_session),
		cmocka_unit_test(test_thanks_tap_starts_next_guest),
		cmocka_unit_test(test_every_state_reachable),
		cmocka_unit_test(test_staff),
		cmocka_unit_test(test_every_non_attract_state_times_out),
		cmocka_unit_test(test_review_timeout_auto_accepts),
		cmocka_unit_test(test_retake_limit),
		cmocka_unit_test(test_stale_results_ignored),
		cmocka_unit_test(test_reset_from_every_state),
		cmocka_unit_test(test_multi_slot),
		cmocka_unit_test(test_error_retry),
		cmocka_unit_test(test_irrelevant_events_change_nothing),
		cmocka_unit_test(test_print_copies_limits),
		cmocka_unit_test(test_print_default_one),
		cmocka_unit_test(test_print_when_printer_down),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_out_of_service),
		cmocka_unit_test(test_configure_clamps),
	};
	return cmocka_run_group_tests_name("kiosk", tests, NULL, NULL);
}
