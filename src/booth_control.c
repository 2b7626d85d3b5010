/* Status, photoboothctl's commands, the staff screen and reload: everything staff do. Each
 * action is one function that both the staff screen and photoboothctl call, so they cannot
 * drift apart. Main thread. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "booth_priv.h"
#include "clock.h"
#include "file.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "num.h"
#include "share.h"

/* Writes the answer of an action: 0 done, 1 refused or failed, 2 usage. Returns code. */
static int __attribute__((format(printf, 4, 5)))
say(char *msg, size_t n, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, n, fmt, ap);
	va_end(ap);
	return code;
}

struct booth_disk
booth_disk_space(const struct booth *b)
{
	struct statvfs sv;
	struct booth_disk d = { 0 };
	if (statvfs(b->cfg->data_dir, &sv) == 0) {
		d.free_mb = (long long)(sv.f_bavail * (unsigned long long)sv.f_frsize >> 20);
		d.total_mb = (long long)(sv.f_blocks * (unsigned long long)sv.f_frsize >> 20);
		d.ok = 1;
	}
	return d;
}

static void
disk_json(const struct booth *b, struct pb_buf *out)
{
	struct booth_disk d = booth_disk_space(b);
	pb_json_open(out, "disk");
	pb_json_int(out, "free_mb", d.ok ? d.free_mb : -1);
	pb_json_int(out, "total_mb", d.ok ? d.total_mb : -1);
	pb_json_int(out, "min_free_mb", b->cfg->min_free_mb);
	pb_json_bool(out, "low", b->disk_low); /* no new sessions until space is freed */
	pb_json_close(out);
}

static void
status_json(struct booth *b, struct pb_buf *out)
{
	struct pb_camera_health ch;
	const struct pb_kiosk_counters *c = &b->kiosk.counters;
	int w = 0, h = 0;

	if (b->display)
		pb_display_size(b->display, &w, &h);
	pb_json_open(out, NULL);
	pb_json_str(out, "state", pb_state_name(b->kiosk.state));
	pb_json_str(out, "session", b->kiosk.session ? b->session.id : NULL);
	pb_json_int(out, "slot", b->kiosk.session ? b->kiosk.slot + 1 : 0);
	pb_json_int(out, "slots", b->kiosk.cfg.slots);
	pb_json_int(out, "retakes_left", pb_kiosk_retakes_left(&b->kiosk));
	pb_json_str(out, "overlay", b->overlay->name);
	pb_json_str(out, "delivery", pb_delivery_name(b->delivery));
	pb_json_str(out, "pending_overlay", b->pending_overlay[0] ? b->pending_overlay : NULL);
	pb_json_str(out, "pending_delivery", b->pending_delivery >= 0
					     ? pb_delivery_name(b->pending_delivery) : NULL);
	pb_json_str(out, "language", b->language);
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
	if (b->print) {
		struct pb_printer_health ph;
		pb_print_health(b->print, &ph);
		pb_printer_health_json(&ph, out);
		/* the current guest's prints, as the deliver screen shows them */
		pb_json_open(out, "print_position");
		pb_json_int(out, "ahead", b->position.ahead);
		pb_json_int(out, "mine", b->position.mine);
		pb_json_int(out, "eta_s", b->position.eta_s);
		pb_json_bool(out, "failed", b->position.failed);
		pb_json_close(out);
	} else {
		pb_json_str(out, "printer", NULL);
	}
	if (b->outbox) {
		struct pb_outbox_stats os;
		pb_outbox_stats(b->outbox, &os);
		pb_json_open(out, "outbox");
		pb_json_int(out, "depth", os.depth);
		pb_json_int(out, "oldest_age_s", os.oldest_age_s);
		pb_json_int(out, "retry_in_s", os.retry_in_s);
		pb_json_int(out, "sent", os.sent);
		pb_json_int(out, "failures", os.failures);
		pb_json_int(out, "expired", os.expired);
		pb_json_int(out, "unsaved", os.unsaved);
		pb_json_str(out, "last_error", os.last_error[0] ? os.last_error : NULL);
		pb_json_close(out);
	} else {
		pb_json_str(out, "outbox", NULL);
	}
	if (b->kiosk.state == PB_EMAIL) {
		/* what the email screen shows, without the address itself */
		pb_json_open(out, "email");
		pb_json_int(out, "typed_chars", (int64_t)strlen(b->email));
		pb_json_bool(out, "consent", b->consent);
		pb_json_str(out, "problem",
			    b->email_problem == PB_EMAIL_NEED_CONSENT ? "consent"
			    : b->email_problem ? pb_address_problem(b->email_problem) : NULL);
		pb_json_close(out);
	}
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
	pb_settings_counters_json(&b->settings, out);
	pb_json_int(out, "downloads", pb_gallery_opened(b->gallery));
	disk_json(b, out);
	pb_json_open(out, "staff");
	pb_json_bool(out, "enabled", pb_pin_enabled(&b->pin));
	pb_json_int(out, "locked_s", (int64_t)((pb_pin_locked_ms(&b->pin, pb_now_ms()) + 999) / 1000));
	pb_json_int(out, "lockouts", b->pin.lockouts);
	pb_json_str(out, "last_action", b->toast[0] ? b->toast : NULL);
	pb_json_array(out, "themes");
	for (int i = 0; i < b->nthemes; i++)
		pb_json_str(out, NULL, b->themes[i]);
	pb_json_close(out);
	pb_json_close(out);
	pb_json_str(out, "last_session", b->last_session[0] ? b->last_session : NULL);
	pb_json_int(out, "last_capture_to_review_ms", b->last_capture_to_review_ms);
	pb_json_int(out, "pending_jobs", pb_worker_pending(b->worker));
	pb_json_int(out, "text_overflows", b->render ? pb_render_overflows(b->render) : 0);
	pb_json_open(out, "display");
	pb_json_str(out, "state", b->display ? "ok" : "missing");
	pb_json_str(out, "reason", b->display ? NULL : b->display_why);
	pb_json_int(out, "width", w);
	pb_json_int(out, "height", h);
	pb_json_close(out);
	/* Where the buttons of the screen on display are: [x, y, w, h] in output pixels. */
	pb_json_str(out, "screen", b->render ? pb_state_name(pb_render_layout(b->render)->state)
					    : NULL);
	pb_json_open(out, "buttons");
	if (b->render) {
		const struct pb_layout *l = pb_render_layout(b->render);
		for (int i = 1; i < PB_BTN_COUNT; i++) {
			struct pb_rect r = l->button[i];
			if (!r.w)
				continue;
			pb_json_array(out, pb_button_name((enum pb_button)i));
			pb_json_int(out, NULL, r.x);
			pb_json_int(out, NULL, r.y);
			pb_json_int(out, NULL, r.w);
			pb_json_int(out, NULL, r.h);
			pb_json_close(out);
		}
	}
	pb_json_close(out);
	/* the email keyboard's keys, by what they type ("backspace" for the one that erases) */
	if (b->render && pb_render_layout(b->render)->nkeys &&
	    (pb_render_layout(b->render)->state == PB_EMAIL ||
	     pb_render_layout(b->render)->state == PB_PIN)) {
		const struct pb_layout *l = pb_render_layout(b->render);
		pb_json_open(out, "keys");
		for (int i = 0; i < l->nkeys; i++) {
			struct pb_rect r = l->keys[i].r;
			pb_json_array(out, l->keys[i].text ? l->keys[i].text : "backspace");
			pb_json_int(out, NULL, r.x);
			pb_json_int(out, NULL, r.y);
			pb_json_int(out, NULL, r.w);
			pb_json_int(out, NULL, r.h);
			pb_json_close(out);
		}
		pb_json_close(out);
	}
	pb_json_str(out, "version", PB_VERSION);
	pb_json_int(out, "uptime_s", (int64_t)((pb_now_ms() - b->started_ms) / 1000));
	pb_json_close(out);
	pb_buf_append(out, "\n", 1);
}

/* Staff: a guest says the email never came. The session's live link goes to the address
 * (the guest's own, or a corrected one) through the outbox like any other email. */
static void
resend_command(struct booth *b, int argc, char **argv, struct pb_buf *reply)
{
	char token[PB_TOKEN_LEN + 1], masked[PB_ADDRESS_MAX + 8], *link;
	time_t expires;
	enum pb_address_check c;

	if (argc != 3) {
		pb_control_reply(reply, 2, "usage: resend SESSION ADDRESS");
		return;
	}
	if (!b->outbox) {
		pb_control_reply(reply, 1, "email is not set up on this booth ([mail] smtp_url, "
					   "[kiosk] delivery = share or both)");
		return;
	}
	c = pb_address_check(argv[2]);
	if (c != PB_ADDR_OK) {
		pb_control_reply(reply, 1, "resend: the address %s", pb_address_problem(c));
		return;
	}
	if (strlen(argv[1]) >= 64 || strchr(argv[1], '/') ||
	    pb_share_link_find(b->cfg->data_dir, argv[1], time(NULL), token, &expires) != PB_OK) {
		pb_control_reply(reply, 1, "resend: session '%.64s' has no live download link (wrong "
					   "id, or it expired and its photo is deleted)", argv[1]);
		return;
	}
	link = pb_xasprintf("%s/p/%s", b->cfg->public_url, token);
	pb_address_mask(argv[2], masked, sizeof(masked));
	if (pb_outbox_add(b->outbox, argv[2], argv[1], link, expires) == PB_OK) {
		pb_info("staff: resend of session %s to %s", argv[1], masked);
		pb_control_reply(reply, 0, "session %s: email to %s queued (see status: outbox)",
				 argv[1], masked);
	} else {
		pb_control_reply(reply, 1, "resend: session %s could not be queued", argv[1]);
	}
	free(link);
}


/* The actions */

static int
in_session(const struct booth *b)
{
	return b->kiosk.session != 0;
}

/* Staff's choices are saved at once (by the worker, in order with the counters' saves), not
 * with the next second's counters: a power cut a moment after a switch keeps it. */
static void save_settings(struct booth *b);

static int
act_reset(struct booth *b, char *msg, size_t n)
{
	enum pb_state before = b->kiosk.state;
	booth_feed(b, PB_EV_RESET, 0, 0);
	pb_info("staff: reset from %s", pb_state_name(before));
	return say(msg, n, 0, "%s -> attract", pb_state_name(before));
}

void
booth_list_themes(struct booth *b)
{
	DIR *d = opendir(b->cfg->overlays_dir);
	struct dirent *e;

	b->nthemes = 0;
	if (!d)
		return;
	while ((e = readdir(d)) && b->nthemes < MAX_THEMES) {
		char *ini;
		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(b->themes[0]))
			continue;
		ini = pb_xasprintf("%s/%s/overlay.ini", b->cfg->overlays_dir, e->d_name);
		if (access(ini, R_OK) == 0)
			snprintf(b->themes[b->nthemes++], sizeof(b->themes[0]), "%s", e->d_name);
		free(ini);
	}
	closedir(d);
	qsort(b->themes, (size_t)b->nthemes, sizeof(b->themes[0]),
	      (int (*)(const void *, const void *))strcmp);
}

static int
act_overlay(struct booth *b, const char *name, char *msg, size_t n)
{
	char why[400];

	if (in_session(b)) {
		/* checked now, switched when the guest is done */
		struct pb_overlay *ov;
		char err[1024];
		if (strchr(name, '/') || name[0] == '.' ||
		    pb_overlay_load_layout(b->cfg->overlays_dir, name, &ov, err, sizeof(err))) {
			char *nl = strchr(err, '\n');
			if (nl)
				*nl = '\0';
			return say(msg, n, 1, "theme %.64s cannot be used: %s", name, err);
		}
		pb_overlay_destroy(ov);
		snprintf(b->pending_overlay, sizeof(b->pending_overlay), "%s", name);
		pb_info("staff: theme %s once the session ends", name);
		return say(msg, n, 0, "theme %s: switching when the guest on screen is done (%s)",
			   name, pb_state_name(b->kiosk.state));
	}
	if (booth_apply_overlay(b, name, why, sizeof(why)) < 0)
		return say(msg, n, 1, "%s", why);
	b->pending_overlay[0] = '\0';
	snprintf(b->settings.overlay, sizeof(b->settings.overlay), "%s", name);
	save_settings(b);
	pb_notice("staff: theme %s (%d photo%s)", name, b->overlay->nslots,
		  b->overlay->nslots == 1 ? "" : "s");
	return say(msg, n, 0, "theme %s (%d photo%s)", name, b->overlay->nslots,
		   b->overlay->nslots == 1 ? "" : "s");
}

/* The staff screen's arrows: the next installed theme that loads, either way round. */
static int
act_overlay_step(struct booth *b, int dir, char *msg, size_t n)
{
	int cur = -1;
	booth_list_themes(b);
	if (b->nthemes == 0)
		return say(msg, n, 1, "no themes in %s", b->cfg->overlays_dir);
	for (int i = 0; i < b->nthemes; i++)
		if (!strcmp(b->themes[i], b->overlay->name))
			cur = i;
	for (int step = 1; step <= b->nthemes; step++) {
		int i = ((cur < 0 ? 0 : cur) + dir * step + b->nthemes * 2) % b->nthemes;
		if (i == cur)
			break;
		if (act_overlay(b, b->themes[i], msg, n) == 0)
			return 0;
		pb_warn("staff: %s", msg);
	}
	return say(msg, n, 1, "no other theme can be used (see the log)");
}

static int
act_delivery(struct booth *b, int delivery, char *msg, size_t n)
{
	char why[400];
	const char *name = pb_delivery_name(delivery);

	if (in_session(b)) {
		b->pending_delivery = delivery;
		pb_info("staff: delivery %s once the session ends", name);
		return say(msg, n, 0, "delivery %s: switching when the guest on screen is done (%s)",
			   name, pb_state_name(b->kiosk.state));
	}
	if (booth_apply_delivery(b, delivery, why, sizeof(why)) < 0)
		return say(msg, n, 1, "delivery %s: %s", name, why);
	b->pending_delivery = -1;
	b->settings.delivery = delivery;
	save_settings(b);
	pb_notice("staff: delivery %s", name);
	if (delivery != PB_DELIVERY_PRINT && !b->outbox)
		return say(msg, n, 0, "delivery %s (QR link only: [mail] smtp_url is not set)", name);
	return say(msg, n, 0, "delivery %s", name);
}

static int
no_printer(struct booth *b, char *msg, size_t n)
{
	return say(msg, n, 1, "this booth has not printed since start-up (delivery %s): switch "
			      "delivery to print or both first", pb_delivery_name(b->delivery));
}

static int
act_resume(struct booth *b, char *msg, size_t n)
{
	if (!b->print)
		return no_printer(b, msg, n);
	pb_print_resume(b->print);
	pb_info("staff: printer resume");
	return say(msg, n, 0, "resuming %s: enabling the queue and releasing %d waiting print%s",
		   b->printer.queue[0] ? b->printer.queue : "the printer", b->printer.pending,
		   b->printer.pending == 1 ? "" : "s");
}

static int
act_paper(struct booth *b, int prints, char *msg, size_t n)
{
	if (!b->print)
		return no_printer(b, msg, n);
	pb_print_set_paper(b->print, prints);
	b->printer.prints_remaining = prints; /* shown at once; the thread confirms */
	pb_info("staff: printer paper %d", prints);
	return say(msg, n, 0, "paper loaded: %d prints left", prints);
}

static int
act_cancel(struct booth *b, int job, char *msg, size_t n)
{
	int known = 0;
	if (!b->print)
		return no_printer(b, msg, n);
	pb_print_health(b->print, &b->printer);
	for (int i = 0; i < b->printer.njobs; i++)
		known |= b->printer.jobs[i] == job;
	if (job && !known)
		return say(msg, n, 1, "CUPS job %d is not one of the booth's prints (status: "
				      "printer.jobs lists them)", job);
	if (!job && b->printer.pending == 0)
		return say(msg, n, 1, "no print is waiting");
	pb_print_cancel(b->print, job);
	pb_info("staff: cancel print %d", job);
	if (job)
		return say(msg, n, 0, "canceling CUPS job %d", job);
	return say(msg, n, 0, "canceling the first print in the queue%s",
		   b->printer.njobs ? "" : " (not yet sent to CUPS)");
}

static int
act_reconnect(struct booth *b, char *msg, size_t n)
{
	pb_camera_reconnect(b->camera);
	pb_info("staff: camera reconnect");
	return say(msg, n, 0, "camera: reconnecting");
}

static int
act_counters_reset(struct booth *b, char *msg, size_t n)
{
	const uint64_t *c = b->settings.since_reset;
	pb_notice("staff: counters reset (were: %llu sessions, %llu photos, %llu prints, "
		  "%llu emails, %llu downloads, %llu failures)",
		  (unsigned long long)c[PB_COUNT_SESSIONS], (unsigned long long)c[PB_COUNT_PHOTOS],
		  (unsigned long long)c[PB_COUNT_PRINTS], (unsigned long long)c[PB_COUNT_EMAILS],
		  (unsigned long long)c[PB_COUNT_DOWNLOADS],
		  (unsigned long long)c[PB_COUNT_FAILURES]);
	pb_settings_reset_counters(&b->settings, time(NULL));
	save_settings(b);
	return say(msg, n, 0, "counters reset (all-time totals kept)");
}

struct purge_job {
	struct pb_job job;
	char data_dir[PATH_MAX];
	char keep[48];
	time_t before;
	int hours;
};

static void
purge_run(struct pb_job *job)
{
	struct purge_job *pj = (struct purge_job *)job;
	int n = pb_session_purge(pj->data_dir, pj->before, pj->keep[0] ? pj->keep : NULL);
	pb_share_purge(pj->data_dir, time(NULL)); /* their download links go with them */
	pb_notice("staff: purge: %d session%s older than %d h deleted", n < 0 ? 0 : n,
		  n == 1 ? "" : "s", pj->hours);
}

static void
purge_destroy(struct pb_job *job)
{
	free(job);
}

static int
act_purge(struct booth *b, int hours, char *msg, size_t n)
{
	struct purge_job *pj = pb_xcalloc(1, sizeof(*pj));
	pj->job.run = purge_run;
	pj->job.destroy = purge_destroy;
	snprintf(pj->data_dir, sizeof(pj->data_dir), "%s", b->cfg->data_dir);
	if (b->kiosk.session)
		snprintf(pj->keep, sizeof(pj->keep), "%s", b->session.id);
	pj->before = time(NULL) - (time_t)hours * 3600;
	pj->hours = hours;
	pb_worker_submit(b->worker, &pj->job);
	return say(msg, n, 0, "deleting photos older than %d h (the log says how many)", hours);
}

/* Shut down or restart: the configured command, run by /bin/sh without waiting for it. A child
 * forks the shell and exits at once, and is reaped here: the shell is then init's to reap, and
 * no zombie stays behind when the command fails or returns (a reboot that polkit refused). */
static int
act_power(struct booth *b, int reboot, char *msg, size_t n)
{
	const char *cmd = reboot ? b->cfg->reboot_command : b->cfg->shutdown_command;
	if (!cmd[0])
		return say(msg, n, 1, "no [staff] %s_command is set", reboot ? "reboot" : "shutdown");
	pb_notice("staff: %s: %s", reboot ? "restart" : "shut down", cmd);
	booth_settings_flush(b);
	pid_t pid = fork();
	if (pid == 0) {
		pid_t sh = fork();
		if (sh == 0) {
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
			_exit(127);
		}
		_exit(sh < 0 ? 1 : 0);
	}
	if (pid < 0)
		return say(msg, n, 1, "cannot run %s: %s", cmd, strerror(errno));
	int child;
	while (waitpid(pid, &child, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(child) || WEXITSTATUS(child))
		return say(msg, n, 1, "cannot run %s: fork failed", cmd);
	return say(msg, n, 0, "%s: %s", reboot ? "restarting" : "shutting down", cmd);
}

/* Counting, saving, and switches that waited for a guest */

struct settings_job {
	struct pb_job job;
	char path[PATH_MAX];
	struct pb_buf text;
};

static void
settings_run(struct pb_job *job)
{
	struct settings_job *sj = (struct settings_job *)job;
	if (pb_file_write_atomic(sj->path, sj->text.data, sj->text.len, 0640) != PB_OK)
		pb_err("settings: cannot save %s (see above); staff's choices last until restart",
		       sj->path);
}

static void
settings_destroy(struct pb_job *job)
{
	struct settings_job *sj = (struct settings_job *)job;
	pb_buf_fini(&sj->text);
	free(sj);
}

static void
save_settings(struct booth *b)
{
	struct settings_job *sj = pb_xcalloc(1, sizeof(*sj));
	sj->job.run = settings_run;
	sj->job.destroy = settings_destroy;
	snprintf(sj->path, sizeof(sj->path), "%s", b->settings_path);
	pb_buf_init(&sj->text);
	pb_settings_format(&b->settings, &sj->text);
	pb_worker_submit(b->worker, &sj->job); /* in order: the last one written wins */
	b->settings_dirty = 0;
	b->settings_saved_ms = pb_now_ms();
}

void
booth_settings_flush(struct booth *b)
{
	booth_staff_tick(b, pb_now_ms());
	if (b->settings_dirty)
		save_settings(b);
}

static void
add(struct booth *b, enum pb_count c, uint32_t now, uint32_t *seen)
{
	if (now != *seen) {
		pb_settings_count(&b->settings, c, (uint64_t)(uint32_t)(now - *seen));
		*seen = now;
		b->settings_dirty = 1;
	}
}

void
booth_staff_tick(struct booth *b, uint64_t now)
{
	const struct pb_kiosk_counters *k = &b->kiosk.counters;
	struct pb_kiosk_counters *s = &b->counted;
	unsigned opened = pb_gallery_opened(b->gallery);
	char msg[400];

	add(b, PB_COUNT_SESSIONS, k->sessions, &s->sessions);
	add(b, PB_COUNT_PHOTOS, k->photos, &s->photos);
	add(b, PB_COUNT_PRINTS, k->prints, &s->prints);
	add(b, PB_COUNT_EMAILS, k->emails, &s->emails);
	add(b, PB_COUNT_FAILURES, k->failures, &s->failures);
	add(b, PB_COUNT_DOWNLOADS, opened, &b->opened_counted);
	if (!in_session(b) && b->pending_overlay[0]) {
		char name[64];
		snprintf(name, sizeof(name), "%s", b->pending_overlay);
		b->pending_overlay[0] = '\0';
		if (act_overlay(b, name, msg, sizeof(msg)))
			pb_err("staff: %s", msg);
	}
	if (!in_session(b) && b->pending_delivery >= 0) {
		int d = b->pending_delivery;
		b->pending_delivery = -1;
		if (act_delivery(b, d, msg, sizeof(msg)))
			pb_err("staff: %s", msg);
	}
	/* at most once a second: a busy party must not wear out the SD card */
	if (b->settings_dirty && now - b->settings_saved_ms >= 1000)
		save_settings(b);
}

/* photoboothctl */

#define COMMANDS                                                                            \
	"status, trigger, reset, overlay [NAME], delivery print|share|both, printer resume, "  \
	"printer paper N, printer cancel [JOB], camera reconnect, counters [reset], "         \
	"purge HOURS, resend SESSION ADDRESS, reload"

static int
printer_command(struct booth *b, int argc, char **argv, char *msg, size_t n)
{
	int v;
	if (argc == 2 && !strcmp(argv[1], "resume"))
		return act_resume(b, msg, n);
	if (argc == 3 && !strcmp(argv[1], "paper")) {
		if (pb_parse_int(argv[2], 0, 100000, &v) < 0)
			return say(msg, n, 2, "printer paper: '%.32s' is not a count of prints "
					      "(0..100000)", argv[2]);
		return act_paper(b, v, msg, n);
	}
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "cancel")) {
		if (argc == 3 && pb_parse_int(argv[2], 1, 1 << 30, &v) < 0)
			return say(msg, n, 2, "printer cancel: '%.32s' is not a CUPS job id",
				   argv[2]);
		return act_cancel(b, argc == 3 ? v : 0, msg, n);
	}
	return say(msg, n, 2, "usage: printer resume | printer paper N | printer cancel [JOB]");
}

static int
command(struct booth *b, int argc, char **argv, char *msg, size_t n, struct pb_buf *body)
{
	const char *cmd = argv[0];
	int v;

	if (!strcmp(cmd, "reset") && argc == 1)
		return act_reset(b, msg, n);
	if (!strcmp(cmd, "overlay") && argc == 1) {
		booth_list_themes(b);
		for (int i = 0; i < b->nthemes; i++)
			pb_buf_printf(body, "%s%s\n", b->themes[i],
				      strcmp(b->themes[i], b->overlay->name) ? "" : " (in use)");
		return say(msg, n, 0, "theme %s; installed themes:", b->overlay->name);
	}
	if (!strcmp(cmd, "overlay") && argc == 2)
		return act_overlay(b, argv[1], msg, n);
	if (!strcmp(cmd, "delivery") && argc == 2) {
		int d = pb_delivery_parse(argv[1]);
		if (d < 0)
			return say(msg, n, 2, "usage: delivery print|share|both");
		return act_delivery(b, d, msg, n);
	}
	if (!strcmp(cmd, "printer"))
		return printer_command(b, argc, argv, msg, n);
	if (!strcmp(cmd, "camera") && argc == 2 && !strcmp(argv[1], "reconnect"))
		return act_reconnect(b, msg, n);
	if (!strcmp(cmd, "counters") && argc == 2 && !strcmp(argv[1], "reset"))
		return act_counters_reset(b, msg, n);
	if (!strcmp(cmd, "counters") && argc == 1) {
		booth_staff_tick(b, pb_now_ms());
		pb_json_open(body, NULL);
		pb_settings_counters_json(&b->settings, body);
		pb_json_close(body);
		pb_buf_append(body, "\n", 1);
		return say(msg, n, 0, "counters");
	}
	if (!strcmp(cmd, "purge") && argc == 2) {
		if (pb_parse_int(argv[1], 0, 87600, &v) < 0)
			return say(msg, n, 2, "purge: '%.32s' is not a number of hours", argv[1]);
		return act_purge(b, v, msg, n);
	}
	if (!strcmp(cmd, "purge"))
		return say(msg, n, 2, "usage: purge HOURS (photos older than that are deleted)");
	if (!strcmp(cmd, "camera") || !strcmp(cmd, "counters") || !strcmp(cmd, "overlay") ||
	    !strcmp(cmd, "delivery") || !strcmp(cmd, "reset"))
		return say(msg, n, 2, "usage: %s", !strcmp(cmd, "camera") ? "camera reconnect"
						   : !strcmp(cmd, "counters") ? "counters [reset]"
						   : !strcmp(cmd, "overlay") ? "overlay [NAME]"
						   : !strcmp(cmd, "delivery") ? "delivery print|share|both"
						   : "reset");
	return -1;
}

void
booth_on_control(void *ctx, int argc, char **argv, struct pb_buf *reply)
{
	struct booth *b = ctx;
	enum pb_state before = b->kiosk.state;
	char msg[480];
	struct pb_buf body;
	int code;

	if (!strcmp(argv[0], "status") && argc == 1) {
		pb_control_reply(reply, 0, "ok");
		status_json(b, reply);
		return;
	}
	if (!strcmp(argv[0], "trigger") && argc == 1) {
		int copies = b->kiosk.copies;
		booth_feed(b, PB_EV_TRIGGER, 0, 0);
		if (b->kiosk.copies != copies)
			pb_control_reply(reply, 0, "%s: %d print%s", pb_state_name(before),
					 b->kiosk.copies, b->kiosk.copies == 1 ? "" : "s");
		else if (b->kiosk.state != before)
			pb_control_reply(reply, 0, "%s -> %s", pb_state_name(before),
					 pb_state_name(b->kiosk.state));
		else
			pb_control_reply(reply, 1, "nothing to trigger in %s",
					 pb_state_name(before));
		return;
	}
	if (!strcmp(argv[0], "resend")) {
		resend_command(b, argc, argv, reply);
		return;
	}
	if (!strcmp(argv[0], "reload") && argc == 1) {
		booth_reload(b, reply);
		return;
	}
	if (!strcmp(argv[0], "help")) {
		pb_control_reply(reply, 0, "commands: " COMMANDS);
		return;
	}
	pb_buf_init(&body);
	code = command(b, argc, argv, msg, sizeof(msg), &body);
	if (code < 0) {
		pb_control_reply(reply, 2, "unknown command '%.64s' (commands: " COMMANDS ")",
				 argv[0]);
	} else {
		pb_control_reply(reply, code, "%s", msg);
		if (body.len)
			pb_buf_append(reply, body.data, body.len);
	}
	pb_buf_fini(&body);
}

/* The staff screen */

static void
toast(struct booth *b, int code, const char *msg)
{
	snprintf(b->toast, sizeof(b->toast), "%s", msg);
	b->toast_bad = code != 0;
}

static void
pin_submit(struct booth *b)
{
	uint64_t now = pb_now_ms();
	unsigned lockouts = b->pin.lockouts;
	enum pb_pin_result r = pb_pin_submit(&b->pin, now);

	if (r == PB_PIN_OK) {
		pb_notice("staff: staff screen opened");
		b->pin_wrong = 0;
		b->toast[0] = '\0';
		booth_list_themes(b);
		booth_feed(b, PB_EV_PIN_OK, 0, 0);
		return;
	}
	b->pin_wrong = 1;
	if (b->pin.lockouts != lockouts)
		pb_warn("staff: %d wrong PINs in a row: the keypad is locked for %u s",
			PB_PIN_TRIES, PB_PIN_LOCK_MS / 1000);
	else if (r == PB_PIN_WRONG)
		pb_info("staff: wrong PIN (%d of %d before the keypad locks)", b->pin.wrong,
			PB_PIN_TRIES);
	booth_feed(b, PB_EV_TYPED, 0, 0);
}

/* Keypad input: digits typed (keys or a USB keyboard), erased, sent, or the keypad closed. */
static void
pin_type(struct booth *b, const char *digits)
{
	for (const char *c = digits; *c; c++)
		pb_pin_digit(&b->pin, *c);
	b->pin_wrong = 0;
	booth_feed(b, PB_EV_TYPED, 0, 0);
}

static void
pin_erase(struct booth *b)
{
	pb_pin_backspace(&b->pin);
	b->pin_wrong = 0;
	booth_feed(b, PB_EV_TYPED, 0, 0);
}

static void
pin_cancel(struct booth *b)
{
	pb_pin_clear(&b->pin);
	booth_feed(b, PB_EV_CANCEL, 0, 0);
}

static void
pin_input(struct booth *b, struct pb_input in)
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
staff_touch(struct booth *b, enum pb_button btn)
{
	char msg[480];
	int code = -1, presets[PB_MAX_PAPER_PRESETS];
	int npresets = pb_config_paper_presets(b->cfg->paper_presets, presets,
					       PB_MAX_PAPER_PRESETS);

	switch (btn) {
	case PB_BTN_S_EXIT:
		pb_info("staff: staff screen closed");
		b->toast[0] = '\0';
		booth_feed(b, PB_EV_RESET, 0, 0);
		return;
	case PB_BTN_S_RESET:
		act_reset(b, msg, sizeof(msg));
		b->toast[0] = '\0';
		pb_render_live_frame(b->render, NULL, 0);
		return;
	case PB_BTN_S_THEME_PREV:
	case PB_BTN_S_THEME_NEXT:
		code = act_overlay_step(b, btn == PB_BTN_S_THEME_NEXT ? 1 : -1, msg, sizeof(msg));
		break;
	case PB_BTN_S_PRINT:
	case PB_BTN_S_SHARE:
	case PB_BTN_S_BOTH:
		code = act_delivery(b, btn == PB_BTN_S_PRINT ? PB_DELIVERY_PRINT
				       : btn == PB_BTN_S_SHARE ? PB_DELIVERY_SHARE
							       : PB_DELIVERY_BOTH,
				    msg, sizeof(msg));
		break;
	case PB_BTN_S_PAPER_1:
	case PB_BTN_S_PAPER_2:
	case PB_BTN_S_PAPER_3:
	case PB_BTN_S_PAPER_4:
		if ((int)(btn - PB_BTN_S_PAPER_1) < npresets)
			code = act_paper(b, presets[btn - PB_BTN_S_PAPER_1], msg, sizeof(msg));
		break;
	case PB_BTN_S_RESUME:
		code = act_resume(b, msg, sizeof(msg));
		break;
	case PB_BTN_S_CANCEL_JOB:
		code = act_cancel(b, 0, msg, sizeof(msg));
		break;
	case PB_BTN_S_RECONNECT:
		code = act_reconnect(b, msg, sizeof(msg));
		break;
	case PB_BTN_S_COUNTERS:
		code = act_counters_reset(b, msg, sizeof(msg));
		break;
	case PB_BTN_S_PURGE:
		code = act_purge(b, b->cfg->purge_hours, msg, sizeof(msg));
		break;
	case PB_BTN_S_SHUTDOWN:
	case PB_BTN_S_REBOOT:
		code = act_power(b, btn == PB_BTN_S_REBOOT, msg, sizeof(msg));
		break;
	default:
		break;
	}
	if (code >= 0)
		toast(b, code, msg);
	booth_feed(b, PB_EV_TYPED, 0, 0); /* staff are still there */
}

void
booth_staff_input(struct booth *b, struct pb_input in)
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
booth_staff_view(struct booth *b, struct pb_view_staff *v, char *buf, size_t buflen)
{
	struct pb_staff_facts f = {
		.uptime_s = (pb_now_ms() - b->started_ms) / 1000,
		.printing = b->print != NULL,
		.printer = b->printer,
		.sharing = b->gallery != NULL,
		.email = b->outbox != NULL,
		.since_reset = b->settings.since_reset,
		.total = b->settings.total,
	};
	struct booth_disk d = booth_disk_space(b);
	uint64_t now = pb_now_ms();

	pb_camera_health(b->camera, &f.camera);
	if (b->outbox)
		pb_outbox_stats(b->outbox, &f.outbox);
	f.disk_free_mb = d.ok ? d.free_mb : -1;
	f.disk_total_mb = d.total_mb;
	f.disk_low = b->disk_low;
	pb_staff_describe(&f, b->kiosk.state == PB_STAFF, v, buf, buflen);
	v->toast = b->toast[0] ? b->toast : NULL;
	v->toast_bad = b->toast_bad;
	v->typed = (int)strlen(b->pin.typed);
	v->wrong = b->pin_wrong;
	v->locked_ms = (int64_t)pb_pin_locked_ms(&b->pin, now);
	v->theme = b->overlay->title ? b->overlay->title : b->overlay->name;
	v->delivery = b->delivery;
	v->npaper = pb_config_paper_presets(b->cfg->paper_presets, v->paper, PB_MAX_PAPER_BUTTONS);
	if (v->npaper < 0)
		v->npaper = 0;
	v->power = (b->cfg->shutdown_command[0] ? PB_LAYOUT_SHUTDOWN : 0) |
		   (b->cfg->reboot_command[0] ? PB_LAYOUT_REBOOT : 0);
	v->purge_hours = b->cfg->purge_hours;
}

/* reload */

struct reload {
	struct booth *b;
	struct pb_buf applied, restart;
	int overlay, delivery, pin, key, language;
};

static void
reload_note(void *ctx, const char *section, const char *name, int how)
{
	struct reload *r = ctx;
	struct pb_buf *to = how == PB_RELOAD_RESTART ? &r->restart : &r->applied;
	pb_buf_printf(to, "%s[%s] %s", to->len ? ", " : "", section, name);
	r->overlay |= !strcmp(name, "overlay") && !strcmp(section, "kiosk");
	r->delivery |= !strcmp(name, "delivery") && !strcmp(section, "kiosk");
	r->pin |= !strcmp(name, "pin");
	r->key |= !strcmp(name, "key");
	r->language |= !strcmp(name, "language");
}

void
booth_reload(struct booth *b, struct pb_buf *reply)
{
	struct pb_config fresh;
	struct reload r = { .b = b };
	char err[4096], msg[480] = "";
	int code = 0;

	if (!b->config_path) {
		if (reply)
			pb_control_reply(reply, 1, "no config file to reload");
		return;
	}
	pb_config_init(&fresh);
	if (pb_config_load(&fresh, b->config_path, err, sizeof(err)) != PB_OK) {
		char *nl = strchr(err, '\n');
		pb_err("reload: %s is not valid; keeping the running config:\n%s", b->config_path,
		       err);
		if (nl && nl[1] == '\0')
			*nl = '\0';
		if (reply)
			pb_control_reply(reply, 1, "not reloaded, the running config stays: %s",
					 err);
		pb_config_fini(&fresh);
		return;
	}
	pb_buf_init(&r.applied);
	pb_buf_init(&r.restart);
	int changed = pb_config_reload(b->cfg, &fresh, reload_note, &r);
	pb_config_fini(&fresh);
	if (r.pin)
		pb_pin_init(&b->pin, b->cfg->staff_pin);
	if (r.key) {
		SDL_Keycode k = SDL_GetKeyFromName(b->cfg->staff_key);
		if (k == SDLK_UNKNOWN)
			pb_err("reload: [staff] key = %s: not a key name; keeping the old one",
			       b->cfg->staff_key);
		else
			b->staff_key = k;
	}
	if (r.language && !in_session(b)) {
		snprintf(b->language, sizeof(b->language), "%s", b->cfg->language);
		pb_i18n_set_language(b->language);
	}
	/* the file's theme and mode were changed on purpose: they win over staff's last choice */
	if (r.overlay)
		code |= act_overlay(b, b->cfg->overlay, msg, sizeof(msg));
	if (r.delivery)
		code |= act_delivery(b, b->cfg->delivery, msg + strlen(msg),
				     sizeof(msg) - strlen(msg));
	booth_kiosk_config(b);
	pb_notice("reload: %d key%s changed; applied: %s; need a restart: %s", changed,
		  changed == 1 ? "" : "s", r.applied.len ? r.applied.data : "none",
		  r.restart.len ? r.restart.data : "none");
	if (reply) {
		if (!changed)
			pb_control_reply(reply, 0, "reloaded %s: nothing changed", b->config_path);
		else
			pb_control_reply(reply, code ? 1 : 0,
					 "reloaded %s: applied: %s; needs a restart: %s%s%s",
					 b->config_path, r.applied.len ? r.applied.data : "none",
					 r.restart.len ? r.restart.data : "none", msg[0] ? "; " : "",
					 msg);
	}
	pb_buf_fini(&r.applied);
	pb_buf_fini(&r.restart);
}
