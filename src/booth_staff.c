/* booth_staff.c - the PIN keypad (after the hidden gesture or the staff key) and the staff
 * screen: their input, and what they show each frame. The actions are booth_actions.c's.
 * Main thread. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "booth_priv.h"
#include "clock.h"
#include "fleet.h"
#include "log.h"

static void
toast(struct pb_booth *b, int code, const char *msg)
{
	snprintf(b->staff.toast, sizeof(b->staff.toast), "%s", msg);
	b->staff.toast_bad = code != 0;
}

/* The keypad's tries and lock into settings.ini at once: pulling the plug gives no more
 * tries. */
static void
pin_persist(struct pb_booth *b, uint64_t now)
{
	struct pb_settings *s = &b->store.settings;
	uint64_t left = pb_pin_locked_ms(&b->staff.pin, now);
	s->pin_wrong = (uint64_t)b->staff.pin.wrong;
	s->pin_streak = b->staff.pin.streak;
	s->pin_locked_until = left ? time(NULL) + (time_t)((left + 999) / 1000) : 0;
	pb_settings_store_save(&b->store, b->worker, now);
}

static void
pin_submit(struct pb_booth *b)
{
	uint64_t now = pb_now_ms();
	unsigned lockouts = b->staff.pin.lockouts;
	enum pb_pin_result r = pb_pin_submit(&b->staff.pin, now);
	if (r != PB_PIN_LOCKED || b->staff.pin.lockouts != lockouts)
		pin_persist(b, now); /* typing while locked changes nothing */

	if (r == PB_PIN_OK) {
		pb_notice("staff: staff screen opened");
		b->staff.pin_wrong = 0;
		b->staff.toast[0] = '\0';
		booth_list_themes(b);
		booth_feed(b, PB_EV_PIN_OK, 0, 0);
		return;
	}
	b->staff.pin_wrong = 1;
	if (b->staff.pin.lockouts != lockouts)
		pb_warn("staff: %d wrong PINs in a row: the keypad is locked for %llu s (lock %u "
			"in a row; each doubles, up to an hour)",
			PB_PIN_TRIES,
			(unsigned long long)(pb_pin_locked_ms(&b->staff.pin, now) / 1000),
			b->staff.pin.streak);
	else if (r == PB_PIN_WRONG)
		pb_info("staff: wrong PIN (%d of %d before the keypad locks)", b->staff.pin.wrong,
			PB_PIN_TRIES);
	booth_feed(b, PB_EV_TYPED, 0, 0);
}

int
booth_act_pin_unlock(struct pb_booth *b, char *msg, size_t n)
{
	uint64_t now = pb_now_ms();
	uint64_t left = pb_pin_locked_ms(&b->staff.pin, now);
	if (!pb_pin_enabled(&b->staff.pin))
		return pb_control_say(msg, n, 1,
				      "pin unlock: the staff screen has no PIN ([staff] pin)");
	b->staff.pin.locked_until = 0;
	b->staff.pin.wrong = 0;
	b->staff.pin.streak = 0;
	pin_persist(b, now);
	pb_notice("staff: keypad unlocked from photoboothctl (%llu s of lock left)",
		  (unsigned long long)(left / 1000));
	return pb_control_say(msg, n, 0, "keypad unlocked%s", left ? "" : " (it was not locked)");
}

void
booth_pin_restore(struct pb_booth *b)
{
	const struct pb_settings *s = &b->store.settings;
	time_t now = time(NULL);
	uint64_t left =
		s->pin_locked_until > now ? (uint64_t)(s->pin_locked_until - now) * 1000u : 0;
	pb_pin_restore(&b->staff.pin, (int)(s->pin_wrong < 100 ? s->pin_wrong : 0),
		       (unsigned)(s->pin_streak < 100 ? s->pin_streak : 64), left, pb_now_ms());
	if (pb_pin_locked_ms(&b->staff.pin, pb_now_ms()))
		pb_warn("staff: the keypad is still locked for %llu s (wrong PINs before the "
			"restart)",
			(unsigned long long)(pb_pin_locked_ms(&b->staff.pin, pb_now_ms()) / 1000));
}

/* Keypad input: digits typed (keys or a USB keyboard), erased, sent, or the keypad closed. */
static void
pin_type(struct pb_booth *b, const char *digits)
{
	for (const char *c = digits; *c; c++)
		pb_pin_digit(&b->staff.pin, *c);
	b->staff.pin_wrong = 0;
	booth_feed(b, PB_EV_TYPED, 0, 0);
}

static void
pin_erase(struct pb_booth *b)
{
	pb_pin_backspace(&b->staff.pin);
	b->staff.pin_wrong = 0;
	booth_feed(b, PB_EV_TYPED, 0, 0);
}

static void
pin_cancel(struct pb_booth *b)
{
	pb_pin_clear(&b->staff.pin);
	booth_feed(b, PB_EV_CANCEL, 0, 0);
}

static void
pin_input(struct pb_booth *b, struct pb_input in)
{
	const struct pb_key *k;

	switch (in.kind) {
	case PB_IN_TEXT:
		pin_type(b, in.text);
		break;
	case PB_IN_BACKSPACE:
		pin_erase(b);
		break;
	case PB_IN_ENTER:
		pin_submit(b);
		break;
	case PB_IN_ESCAPE:
		pin_cancel(b);
		break;
	case PB_IN_TOUCH:
		switch (pb_render_hit(b->render, in.x, in.y)) {
		case PB_BTN_KEY:
			k = pb_render_key(b->render, in.x, in.y);
			if (k && k->text)
				pin_type(b, k->text);
			else if (k)
				pin_erase(b);
			break;
		case PB_BTN_OK:
			pin_submit(b);
			break;
		case PB_BTN_CANCEL:
			pin_cancel(b);
			break;
		default:
			break;
		}
		break;
	default:
		break;
	}
}

static void
staff_touch(struct pb_booth *b, enum pb_button btn)
{
	char msg[480];
	int code = -1, presets[PB_MAX_PAPER_PRESETS];
	int npresets =
		pb_config_paper_presets(b->cfg->paper_presets, presets, PB_MAX_PAPER_PRESETS);

	switch (btn) {
	case PB_BTN_S_EXIT:
		pb_info("staff: staff screen closed");
		b->staff.toast[0] = '\0';
		booth_feed(b, PB_EV_RESET, 0, 0);
		return;
	case PB_BTN_S_RESET:
		booth_act_reset(b, msg, sizeof(msg));
		b->staff.toast[0] = '\0';
		pb_render_live_frame(b->render, NULL, 0);
		return;
	case PB_BTN_S_THEME_PREV:
	case PB_BTN_S_THEME_NEXT:
		code = booth_act_overlay_step(b, btn == PB_BTN_S_THEME_NEXT ? 1 : -1, msg,
					      sizeof(msg));
		break;
	case PB_BTN_S_PRINT:
	case PB_BTN_S_SHARE:
	case PB_BTN_S_BOTH:
		code = booth_act_delivery(b,
					  btn == PB_BTN_S_PRINT	  ? PB_DELIVERY_PRINT
					  : btn == PB_BTN_S_SHARE ? PB_DELIVERY_SHARE
								  : PB_DELIVERY_BOTH,
					  msg, sizeof(msg));
		break;
	case PB_BTN_S_PAPER_1:
	case PB_BTN_S_PAPER_2:
	case PB_BTN_S_PAPER_3:
	case PB_BTN_S_PAPER_4:
		if ((int)(btn - PB_BTN_S_PAPER_1) < npresets)
			code = pb_delivery_printer_paper(
				&b->deliver, presets[btn - PB_BTN_S_PAPER_1], msg, sizeof(msg));
		break;
	case PB_BTN_S_RESUME:
		code = pb_delivery_printer_resume(&b->deliver, msg, sizeof(msg));
		break;
	case PB_BTN_S_CANCEL_JOB:
		code = pb_delivery_printer_cancel(&b->deliver, 0, msg, sizeof(msg));
		break;
	case PB_BTN_S_REPRINT:
		code = pb_delivery_printer_held(&b->deliver, 1, 0, msg, sizeof(msg));
		break;
	case PB_BTN_S_RECONNECT:
		code = booth_act_reconnect(b, msg, sizeof(msg));
		break;
	case PB_BTN_S_COUNTERS:
		code = booth_act_counters_reset(b, msg, sizeof(msg));
		break;
	case PB_BTN_S_PURGE:
		code = booth_act_purge(b, b->cfg->purge_hours, msg, sizeof(msg));
		break;
	case PB_BTN_S_SHUTDOWN:
	case PB_BTN_S_REBOOT:
		code = booth_act_power(b, btn == PB_BTN_S_REBOOT, msg, sizeof(msg));
		break;
	default:
		break;
	}
	if (code >= 0)
		toast(b, code, msg);
	booth_feed(b, PB_EV_TYPED, 0, 0); /* staff are still there */
}

void
booth_staff_input(struct pb_booth *b, struct pb_input in)
{
	if (in.kind == PB_IN_QUIT) {
		b->quit = 1;
		return;
	}
	if (b->kiosk.state == PB_PIN) {
		pin_input(b, in);
		return;
	}
	if (in.kind == PB_IN_ESCAPE)
		staff_touch(b, PB_BTN_S_EXIT);
	else if (in.kind == PB_IN_TOUCH)
		staff_touch(b, pb_render_hit(b->render, in.x, in.y));
}

void
booth_staff_view(struct pb_booth *b, struct pb_view_staff *v, char *buf, size_t buflen)
{
	struct pb_staff_facts f = {
		.uptime_s = (pb_now_ms() - b->started_ms) / 1000,
		.since_reset = b->store.settings.since_reset,
		.total = b->store.settings.total,
	};
	struct pb_disk d = pb_disk_space(b->cfg->data_dir);
	uint64_t now = pb_now_ms();

	char fleet[PB_STAFF_FLEET][200], fleet_why[320];
	pb_camera_health(b->camera, &f.camera);
	pb_delivery_staff_facts(&b->deliver, &f, fleet, fleet_why, sizeof(fleet_why));
	f.disk_free_mb = d.ok ? d.free_mb : -1;
	f.disk_total_mb = d.total_mb;
	f.disk_low = b->disk.low;
	memset(v, 0, sizeof(*v));
	pb_staff_describe(&f, b->kiosk.state == PB_STAFF, &v->text, buf, buflen);
	v->toast = b->staff.toast[0] ? b->staff.toast : NULL;
	v->toast_bad = b->staff.toast_bad;
	v->typed = (int)strlen(b->staff.pin.typed);
	v->wrong = b->staff.pin_wrong;
	v->locked_ms = (int64_t)pb_pin_locked_ms(&b->staff.pin, now);
	v->theme = b->overlay->title ? b->overlay->title : b->overlay->name;
	v->delivery = b->deliver.mode;
	v->npaper = pb_config_paper_presets(b->cfg->paper_presets, v->paper, PB_MAX_PAPER_BUTTONS);
	if (v->npaper < 0)
		v->npaper = 0;
	v->power = (b->cfg->shutdown_command[0] ? PB_LAYOUT_SHUTDOWN : 0) |
		   (b->cfg->reboot_command[0] ? PB_LAYOUT_REBOOT : 0);
	v->purge_hours = b->cfg->purge_hours;
	v->unconfirmed = b->deliver.print ? b->deliver.printer.unconfirmed : 0;
}
