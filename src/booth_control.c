/* booth_control.c - photoboothctl's commands, answered on the main loop (control.h calls
 * booth_on_control), and reload (photoboothctl reload, SIGHUP). The actions themselves are
 * booth_actions.c's. Main thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "booth_priv.h"
#include "clock.h"
#include "fleet.h"
#include "i18n.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "num.h"
#include "share.h"

/* Staff: a guest says the email never came. The session's live link goes to the address
 * (the guest's own, or a corrected one) through the outbox like any other email. */
static void
resend_command(struct pb_booth *b, int argc, char **argv, struct pb_buf *reply)
{
	char token[PB_TOKEN_LEN + 1], masked[PB_ADDRESS_MAX + 8], link[512];
	time_t expires;
	enum pb_address_check c;

	if (argc != 3) {
		pb_control_reply(reply, 2, "usage: resend SESSION ADDRESS");
		return;
	}
	if (!b->deliver.outbox) {
		pb_control_reply(reply, 1,
				 "email is not set up on this booth ([mail] smtp_url, "
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
		pb_control_reply(reply, 1,
				 "resend: session '%.64s' has no live download link (wrong "
				 "id, or it expired and its photo is deleted)",
				 argv[1]);
		return;
	}
	booth_share_link(b, token, link, sizeof(link));
	pb_address_mask(argv[2], masked, sizeof(masked));
	if (pb_outbox_add(b->deliver.outbox, argv[2], argv[1], link, expires) == PB_OK) {
		pb_info("staff: resend of session %s to %s", argv[1], masked);
		pb_control_reply(reply, 0, "session %s: email to %s queued (see status: outbox)",
				 argv[1], masked);
	} else {
		pb_control_reply(reply, 1, "resend: session %s could not be queued", argv[1]);
	}
}

/* Staff: what the outbox holds (addresses masked), and retry or drop by id. */
static void
outbox_command(struct pb_booth *b, int argc, char **argv, struct pb_buf *reply)
{
	enum { SHOWN = 50 };
	struct pb_outbox_entry e[SHOWN];
	const char *which = argc == 3 ? argv[2] : "";
	int n;

	if (!b->deliver.outbox) {
		pb_control_reply(reply, 1, "email is not set up on this booth ([mail] smtp_url)");
		return;
	}
	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "list"))) {
		size_t all = pb_outbox_list(b->deliver.outbox, e, SHOWN);
		int dead = 0;
		for (size_t i = 0; i < all && i < SHOWN; i++)
			dead += e[i].dead;
		pb_control_reply(reply, 0, "outbox: %zu message%s%s", all, all == 1 ? "" : "s",
				 all > SHOWN ? " (the first 50 shown)" : "");
		for (size_t i = 0; i < all && i < SHOWN; i++) {
			pb_buf_printf(reply, "%s  %-7s %s  session %s  %d min old, %d tr%s",
				      e[i].id, e[i].dead ? "dead" : "waiting", e[i].to,
				      e[i].session, e[i].age_s / 60, e[i].attempts,
				      e[i].attempts == 1 ? "y" : "ies");
			if (!e[i].dead && e[i].retry_in_s)
				pb_buf_printf(reply, ", next in %d s", e[i].retry_in_s);
			pb_buf_printf(reply, "%s%s\n", e[i].error[0] ? "\n    " : "", e[i].error);
		}
		if (dead)
			pb_buf_printf(reply,
				      "retry a dead letter once the address is fixed at the "
				      "server, or drop it: photoboothctl outbox retry|drop ID\n");
		return;
	}
	if (argc == 3 && (!strcmp(argv[1], "retry") || !strcmp(argv[1], "drop"))) {
		int retry = !strcmp(argv[1], "retry");
		if (strlen(which) > 47 || (!retry && !strcmp(which, "all"))) {
			pb_control_reply(reply, 2, "outbox drop: give an id or 'dead'");
			return;
		}
		n = retry ? pb_outbox_retry(b->deliver.outbox, which)
			  : pb_outbox_drop(b->deliver.outbox, which);
		if (n)
			pb_control_reply(reply, 0, "outbox: %d message%s %s", n, n == 1 ? "" : "s",
					 retry ? "to be tried again now" : "dropped");
		else
			pb_control_reply(reply, 1,
					 "outbox: no message '%.47s' (see photoboothctl "
					 "outbox)",
					 which);
		return;
	}
	pb_control_reply(reply, 2,
			 "usage: outbox [list] | outbox retry ID|dead|all | outbox "
			 "drop ID|dead");
}

/* Staff: the webhook's deliveries waiting and its dead letters, and retry or drop by id. */
static void
webhook_command(struct pb_booth *b, int argc, char **argv, struct pb_buf *reply)
{
	enum { SHOWN = 50 };
	struct pb_sendq_entry e[SHOWN];
	struct pb_sendq *q = b->deliver.webhook ? pb_webhook_queue(b->deliver.webhook) : NULL;
	int retry = argc == 3 && !strcmp(argv[1], "retry");
	if (!q) {
		pb_control_reply(reply, 1, "no webhook on this booth ([webhook] url)");
		return;
	}
	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "list"))) {
		size_t all = pb_sendq_list(q, e, SHOWN);
		pb_control_reply(reply, 0, "webhook: %zu deliver%s%s", all, all == 1 ? "y" : "ies",
				 all > SHOWN ? " (the first 50 shown)" : "");
		for (size_t i = 0; i < all && i < SHOWN; i++) {
			pb_buf_printf(reply, "%s  %-7s %d min old, %u tr%s", e[i].id,
				      e[i].dead ? "dead" : "waiting", e[i].age_s / 60,
				      e[i].attempts, e[i].attempts == 1 ? "y" : "ies");
			if (!e[i].dead && e[i].retry_in_s)
				pb_buf_printf(reply, ", next in %d s", e[i].retry_in_s);
			pb_buf_printf(reply, "%s%s\n", e[i].error[0] ? "\n    " : "", e[i].error);
		}
		return;
	}
	if (argc == 3 && (retry || !strcmp(argv[1], "drop")) && strlen(argv[2]) < 48 &&
	    (retry || strcmp(argv[2], "all"))) {
		int n = retry ? pb_sendq_retry(q, argv[2]) : pb_sendq_drop(q, argv[2]);
		if (n)
			pb_control_reply(reply, 0, "webhook: %d deliver%s %s", n,
					 n == 1 ? "y" : "ies",
					 retry ? "to be tried again now" : "dropped");
		else
			pb_control_reply(reply, 1,
					 "webhook: no delivery '%s' (see photoboothctl "
					 "webhook)",
					 argv[2]);
		return;
	}
	pb_control_reply(
		reply, 2,
		"usage: webhook [list] | webhook retry ID|dead|all | webhook drop ID|dead");
}

#define COMMANDS                                                                                    \
	"status, trigger, reset, overlay [NAME], delivery print|share|both, printer resume, "       \
	"printer paper N, printer cancel|retry|reprint [JOB], camera reconnect, counters [reset], " \
	"purge HOURS, resend SESSION ADDRESS, outbox [retry|drop ID], webhook [retry|drop ID], "    \
	"publish [retry], "                                                                         \
	"fleet [json], report [json], pin unlock, reload"

/* Staff: the cloud upload queue, the event's booths, the organiser's figures. */
static void
cloud_command(struct pb_booth *b, int argc, char **argv, struct pb_buf *reply)
{
	struct pb_publish *p = b->deliver.publish;
	int json = argc == 2 && !strcmp(argv[1], "json");
	struct pb_fleet fleet;
	struct pb_buf body;

	if (!p) {
		pb_control_reply(reply, 1, "%s: publishing is off ([publish] endpoint)", argv[0]);
		return;
	}
	if (!strcmp(argv[0], "publish")) {
		struct pb_publish_stats s;
		if (argc == 2 && !strcmp(argv[1], "retry")) {
			int n = pb_publish_retry(p);
			pb_control_reply(reply, 0, "publish: trying %d job%s now", n,
					 n == 1 ? "" : "s");
			return;
		}
		if (argc != 1) {
			pb_control_reply(reply, 2, "usage: publish [retry]");
			return;
		}
		pb_publish_stats(p, &s);
		pb_control_reply(reply, s.blocked[0] || s.dead ? 1 : 0,
				 "publish: %d waiting (oldest %d s), %d refused for good, %u "
				 "uploaded, %u deleted%s%s%s%s",
				 s.depth, s.oldest_age_s, s.dead, s.uploaded, s.deleted,
				 s.blocked[0] ? "; the store refuses this booth: " : "", s.blocked,
				 !s.blocked[0] && s.last_error[0] ? "; last error: " : "",
				 s.blocked[0] ? "" : s.last_error);
		return;
	}
	if (argc > 2 || (argc == 2 && !json)) {
		pb_control_reply(reply, 2, "usage: %s [json]", argv[0]);
		return;
	}
	pb_buf_init(&body);
	char why[320];
	if (pb_publish_fleet(p, &fleet, why, sizeof(why)) < 0) {
		/* never "0 booths": that would read as a quiet event */
		pb_control_reply(reply, 1,
				 "%s: the event's booths are unknown: the store did not "
				 "list them: %s",
				 argv[0], why);
		pb_buf_fini(&body);
		return;
	}
	if (!strcmp(argv[0], "fleet")) {
		int silent = pb_fleet_list(&fleet, time(NULL), json, &body);
		pb_control_reply(reply, 0, "fleet: %d silent", silent);
	} else {
		pb_fleet_report(&fleet, json, &body);
		pb_control_reply(reply, 0, "report");
	}
	pb_buf_append(reply, body.data, body.len);
	pb_buf_fini(&body);
	pb_fleet_free(&fleet);
}

/* photoboothctl printer: the printer in words and every print waiting or held. */
static int
printer_list(struct pb_booth *b, char *msg, size_t n, struct pb_buf *body)
{
	const struct pb_printer_health *h = &b->deliver.printer;

	if (!b->deliver.print)
		return booth_say(msg, n, 1, "printing is off (delivery share)");
	pb_print_health(b->deliver.print, &b->deliver.printer);
	if (h->message[0])
		pb_buf_printf(body, "%s\n", h->message);
	for (int i = 0; i < h->njobs; i++)
		pb_buf_printf(body, "%-6d in CUPS\n", h->jobs[i]);
	for (int i = 0; i < h->nheld_prints; i++)
		pb_buf_printf(body, "%-6d %-11s %s: %s\n", h->held_prints[i].job,
			      h->held_prints[i].unconfirmed ? "unconfirmed" : "refused",
			      h->held_prints[i].id, h->held_prints[i].words);
	if (h->unconfirmed)
		pb_buf_printf(body,
			      "%d print%s may not have come out: photoboothctl printer reprint "
			      "JOB|all\n",
			      h->unconfirmed, h->unconfirmed == 1 ? "" : "s");
	if (h->refused)
		pb_buf_printf(body,
			      "%d print%s refused: photoboothctl printer retry JOB|all, or "
			      "printer cancel JOB\n",
			      h->refused, h->refused == 1 ? "" : "s");
	return booth_say(msg, n, h->ready ? 0 : 1, "printer %s: %s%s, %d queued, %d held",
			 h->queue[0] ? h->queue : "?", pb_printer_state_name(h->state),
			 h->ready ? "" : " (not printing)", h->pending,
			 h->refused + h->unconfirmed);
}

static int
printer_command(struct pb_booth *b, int argc, char **argv, char *msg, size_t n, struct pb_buf *body)
{
	int v;
	if (argc == 1)
		return printer_list(b, msg, n, body);
	if ((argc == 2 || argc == 3) &&
	    (!strcmp(argv[1], "retry") || !strcmp(argv[1], "reprint"))) {
		v = 0;
		if (argc == 3 && strcmp(argv[2], "all") &&
		    pb_parse_int(argv[2], 1, 1 << 30, &v) < 0)
			return booth_say(msg, n, 2,
					 "printer %s: '%.32s' is not a CUPS job id or all", argv[1],
					 argv[2]);
		return booth_act_held(b, !strcmp(argv[1], "reprint"), v, msg, n);
	}
	if (argc == 2 && !strcmp(argv[1], "resume"))
		return booth_act_resume(b, msg, n);
	if (argc == 3 && !strcmp(argv[1], "paper")) {
		if (pb_parse_int(argv[2], 0, 100000, &v) < 0)
			return booth_say(msg, n, 2,
					 "printer paper: '%.32s' is not a count of prints "
					 "(0..100000)",
					 argv[2]);
		return booth_act_paper(b, v, msg, n);
	}
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "cancel")) {
		if (argc == 3 && pb_parse_int(argv[2], 1, 1 << 30, &v) < 0)
			return booth_say(msg, n, 2, "printer cancel: '%.32s' is not a CUPS job id",
					 argv[2]);
		return booth_act_cancel(b, argc == 3 ? v : 0, msg, n);
	}
	return booth_say(msg, n, 2,
			 "usage: printer | printer resume | printer paper N | printer cancel [JOB] "
			 "| printer retry JOB|all | printer reprint JOB|all");
}

static int
command(struct pb_booth *b, int argc, char **argv, char *msg, size_t n, struct pb_buf *body)
{
	const char *cmd = argv[0];
	int v;

	if (!strcmp(cmd, "reset") && argc == 1)
		return booth_act_reset(b, msg, n);
	if (!strcmp(cmd, "overlay") && argc == 1) {
		booth_list_themes(b);
		for (int i = 0; i < b->staff.nthemes; i++)
			pb_buf_printf(body, "%s%s\n", b->staff.themes[i],
				      strcmp(b->staff.themes[i], b->overlay->name) ? ""
										   : " (in use)");
		return booth_say(msg, n, 0, "theme %s; installed themes:", b->overlay->name);
	}
	if (!strcmp(cmd, "overlay") && argc == 2)
		return booth_act_overlay(b, argv[1], msg, n);
	if (!strcmp(cmd, "delivery") && argc == 2) {
		int d = pb_delivery_parse(argv[1]);
		if (d < 0)
			return booth_say(msg, n, 2, "usage: delivery print|share|both");
		return booth_act_delivery(b, d, msg, n);
	}
	if (!strcmp(cmd, "printer"))
		return printer_command(b, argc, argv, msg, n, body);
	if (!strcmp(cmd, "pin") && argc == 2 && !strcmp(argv[1], "unlock"))
		return booth_act_pin_unlock(b, msg, n);
	if (!strcmp(cmd, "camera") && argc == 2 && !strcmp(argv[1], "reconnect"))
		return booth_act_reconnect(b, msg, n);
	if (!strcmp(cmd, "counters") && argc == 2 && !strcmp(argv[1], "reset"))
		return booth_act_counters_reset(b, msg, n);
	if (!strcmp(cmd, "counters") && argc == 1) {
		booth_staff_tick(b, pb_now_ms());
		pb_json_open(body, NULL);
		pb_settings_counters_json(&b->store.settings, body);
		pb_json_close(body);
		pb_buf_append(body, "\n", 1);
		return booth_say(msg, n, 0, "counters");
	}
	if (!strcmp(cmd, "purge") && argc == 2) {
		if (pb_parse_int(argv[1], 0, 87600, &v) < 0)
			return booth_say(msg, n, 2, "purge: '%.32s' is not a number of hours",
					 argv[1]);
		return booth_act_purge(b, v, msg, n);
	}
	if (!strcmp(cmd, "purge"))
		return booth_say(msg, n, 2,
				 "usage: purge HOURS (photos older than that are deleted)");
	if (!strcmp(cmd, "camera") || !strcmp(cmd, "counters") || !strcmp(cmd, "overlay") ||
	    !strcmp(cmd, "delivery") || !strcmp(cmd, "reset") || !strcmp(cmd, "pin"))
		return booth_say(msg, n, 2, "usage: %s",
				 !strcmp(cmd, "camera")	    ? "camera reconnect"
				 : !strcmp(cmd, "counters") ? "counters [reset]"
				 : !strcmp(cmd, "overlay")  ? "overlay [NAME]"
				 : !strcmp(cmd, "delivery") ? "delivery print|share|both"
				 : !strcmp(cmd, "pin")	    ? "pin unlock"
							    : "reset");
	return -1;
}

void
booth_on_control(void *ctx, int argc, char **argv, struct pb_buf *reply)
{
	struct pb_booth *b = ctx;
	enum pb_state before = b->kiosk.state;
	char msg[480] = "";
	struct pb_buf body;
	int code;

	if (!strcmp(argv[0], "status") && argc == 1) {
		pb_control_reply(reply, 0, "ok");
		booth_status_json(b, reply);
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
	if (!strcmp(argv[0], "webhook")) {
		webhook_command(b, argc, argv, reply);
		return;
	}
	if (!strcmp(argv[0], "outbox")) {
		outbox_command(b, argc, argv, reply);
		return;
	}
	if (!strcmp(argv[0], "publish") || !strcmp(argv[0], "fleet") ||
	    !strcmp(argv[0], "report")) {
		cloud_command(b, argc, argv, reply);
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

struct reload {
	struct pb_booth *b;
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
booth_reload(struct pb_booth *b, struct pb_buf *reply)
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
		pb_pin_init(&b->staff.pin, b->cfg->staff_pin);
	if (r.key) {
		SDL_Keycode k = SDL_GetKeyFromName(b->cfg->staff_key);
		if (k == SDLK_UNKNOWN)
			pb_err("reload: [staff] key = %s: not a key name; keeping the old one",
			       b->cfg->staff_key);
		else
			b->staff.key = k;
	}
	if (r.language && !b->kiosk.session) {
		snprintf(b->language, sizeof(b->language), "%s", b->cfg->language);
		pb_i18n_set_language(b->language);
	}
	/* the file's theme and mode were changed on purpose: they win over staff's last choice */
	if (r.overlay)
		code |= booth_act_overlay(b, b->cfg->overlay, msg, sizeof(msg));
	if (r.delivery)
		code |= booth_act_delivery(b, b->cfg->delivery, msg + strlen(msg),
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
					 r.restart.len ? r.restart.data : "none",
					 msg[0] ? "; " : "", msg);
	}
	pb_buf_fini(&r.applied);
	pb_buf_fini(&r.restart);
}
