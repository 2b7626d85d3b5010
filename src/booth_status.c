/* booth_status.c - what the booth says about itself: photoboothctl status's JSON and the
 * service's one-line STATUS for systemctl. Reads the booth, changes nothing. Main thread. */
#include <stdio.h>
#include <string.h>

#include "booth_priv.h"
#include "clock.h"
#include "json.h"

static void
disk_json(const struct pb_booth *b, struct pb_buf *out)
{
	struct pb_disk d = pb_disk_space(b->cfg->data_dir);
	pb_json_open(out, "disk");
	pb_json_int(out, "free_mb", d.ok ? d.free_mb : -1);
	pb_json_int(out, "total_mb", d.ok ? d.total_mb : -1);
	pb_json_int(out, "min_free_mb", b->cfg->min_free_mb);
	pb_json_bool(out, "low", b->disk.low); /* no new sessions until space is freed */
	pb_json_close(out);
}

static void
camera_json(struct pb_booth *b, struct pb_buf *out)
{
	struct pb_camera_health ch;
	pb_camera_health(b->camera, &ch);
	pb_json_open(out, "camera");
	pb_json_str(out, "backend", pb_camera_backend_name(b->cfg->camera_backend));
	pb_json_str(out, "state", pb_camera_state_name(ch.state));
	pb_json_str(out, "reason", ch.reason);
	pb_json_str(out, "model", ch.model[0] ? ch.model : NULL);
	pb_json_int(out, "fps", (int64_t)(ch.fps + 0.5));
	pb_json_str(out, "live_view", ch.live_view < 0 ? "unknown" : ch.live_view ? "yes" : "no");
	pb_json_int(out, "shutter_lag_ms", ch.shutter_lag_ms);
	pb_json_int(out, "capture_ms", ch.capture_ms);
	pb_json_int(out, "captures", ch.captures);
	pb_json_int(out, "failures", ch.failures);
	pb_json_int(out, "retries", ch.retries);
	pb_json_int(out, "reconnects", ch.reconnects);
	pb_json_int(out, "liveview_restarts", ch.liveview_restarts);
	pb_json_close(out);
}

static void
counters_json(const struct pb_kiosk_counters *c, struct pb_buf *out)
{
	pb_json_open(out, "counters");
	pb_json_int(out, "sessions", c->sessions);
	pb_json_int(out, "photos", c->photos);
	pb_json_int(out, "accepted", c->accepted);
	pb_json_int(out, "prints", c->prints);
	pb_json_int(out, "emails", c->emails);
	pb_json_int(out, "retakes", c->retakes);
	pb_json_int(out, "failures", c->failures);
	pb_json_int(out, "timeouts", c->timeouts);
	pb_json_close(out);
}

static void
staff_json(struct pb_booth *b, struct pb_buf *out)
{
	pb_json_open(out, "staff");
	pb_json_bool(out, "enabled", pb_pin_enabled(&b->staff.pin));
	pb_json_int(out, "locked_s",
		    (int64_t)((pb_pin_locked_ms(&b->staff.pin, pb_now_ms()) + 999) / 1000));
	pb_json_int(out, "lockouts", b->staff.pin.lockouts);
	pb_json_int(out, "lockouts_in_a_row", b->staff.pin.streak);
	pb_json_str(out, "last_action", b->staff.toast[0] ? b->staff.toast : NULL);
	pb_json_array(out, "themes");
	for (int i = 0; i < b->staff.nthemes; i++)
		pb_json_str(out, NULL, b->staff.themes[i]);
	pb_json_close(out);
	pb_json_close(out);
}

/* key: [x, y, w, h] */
static void
rect_json(struct pb_buf *out, const char *key, struct pb_rect r)
{
	pb_json_array(out, key);
	pb_json_int(out, NULL, r.x);
	pb_json_int(out, NULL, r.y);
	pb_json_int(out, NULL, r.w);
	pb_json_int(out, NULL, r.h);
	pb_json_close(out);
}

/* The display, and where the buttons and keys of the screen on display are, in output
 * pixels (the tests tap them). */
static void
screen_json(struct pb_booth *b, struct pb_buf *out)
{
	const struct pb_layout *l = b->render ? pb_render_layout(b->render) : NULL;
	int w = 0, h = 0;

	if (b->screen.display)
		pb_display_size(b->screen.display, &w, &h);
	pb_json_open(out, "display");
	pb_json_str(out, "state", b->screen.display ? "ok" : "missing");
	pb_json_str(out, "reason", b->screen.display ? NULL : b->screen.why);
	pb_json_int(out, "width", w);
	pb_json_int(out, "height", h);
	pb_json_close(out);
	pb_json_str(out, "screen", l ? pb_state_name(l->state) : NULL);
	pb_json_open(out, "buttons");
	for (int i = 1; l && i < PB_BTN_COUNT; i++)
		if (l->button[i].w)
			rect_json(out, pb_button_name((enum pb_button)i), l->button[i]);
	pb_json_close(out);
	/* the email keyboard's keys, by what they type ("backspace" for the one that erases) */
	if (l && l->nkeys && (l->state == PB_EMAIL || l->state == PB_PIN)) {
		pb_json_open(out, "keys");
		for (int i = 0; i < l->nkeys; i++)
			rect_json(out, l->keys[i].text ? l->keys[i].text : "backspace",
				  l->keys[i].r);
		pb_json_close(out);
	}
}

void
booth_status_json(struct pb_booth *b, struct pb_buf *out)
{
	pb_json_open(out, NULL);
	pb_json_str(out, "state", pb_state_name(b->kiosk.state));
	pb_json_str(out, "session", b->kiosk.session ? b->guest.session.id : NULL);
	pb_json_int(out, "slot", b->kiosk.session ? b->kiosk.slot + 1 : 0);
	pb_json_int(out, "slots", b->kiosk.cfg.slots);
	pb_json_int(out, "retakes_left", pb_kiosk_retakes_left(&b->kiosk));
	pb_json_str(out, "overlay", b->overlay->name);
	pb_json_str(out, "delivery", pb_delivery_name(b->deliver.mode));
	pb_json_str(out, "pending_overlay",
		    b->store.pending_overlay[0] ? b->store.pending_overlay : NULL);
	pb_json_str(out, "pending_delivery",
		    b->store.pending_delivery >= 0 ? pb_delivery_name(b->store.pending_delivery)
						   : NULL);
	pb_json_str(out, "language", b->language);
	camera_json(b, out);
	pb_delivery_status_json(&b->deliver, out);
	if (b->kiosk.state == PB_EMAIL) {
		/* what the email screen shows, without the address itself */
		pb_json_open(out, "email");
		pb_json_int(out, "typed_chars", (int64_t)strlen(b->email.typed));
		pb_json_bool(out, "consent", b->email.consent);
		pb_json_str(out, "problem", pb_email_form_problem(&b->email));
		pb_json_close(out);
	}
	counters_json(&b->kiosk.counters, out);
	pb_settings_counters_json(&b->store.settings, out);
	pb_delivery_gallery_json(&b->deliver, out);
	disk_json(b, out);
	staff_json(b, out);
	pb_json_str(out, "last_session", b->last_session[0] ? b->last_session : NULL);
	pb_json_int(out, "last_capture_to_review_ms", b->last_capture_to_review_ms);
	if (b->last_trace.shots)
		pb_trace_json(&b->last_trace, "last_trace", out);
	else
		pb_json_str(out, "last_trace", NULL);
	pb_json_int(out, "pending_jobs", pb_worker_pending(b->worker));
	pb_json_int(out, "text_overflows", b->render ? pb_render_overflows(b->render) : 0);
	screen_json(b, out);
	pb_json_str(out, "version", PB_VERSION);
	pb_json_int(out, "uptime_s", (int64_t)((pb_now_ms() - b->started_ms) / 1000));
	pb_json_close(out);
	pb_buf_append(out, "\n", 1);
}

void
booth_service_status(struct pb_booth *b, char *out, size_t n)
{
	size_t len =
		(size_t)snprintf(out, n, "camera: %s",
				 pb_camera_state_name(pb_camera_state(b->camera, NULL, 0, NULL)));
	len = pb_delivery_service_status(&b->deliver, out, n, len);
	if (b->disk.low && len < n)
		len += (size_t)snprintf(out + len, n - len, " · disk: full, no new sessions");
	if (len < n)
		snprintf(out + len, n - len, " · %s, %s", b->overlay->name,
			 pb_delivery_name(b->deliver.mode));
}
