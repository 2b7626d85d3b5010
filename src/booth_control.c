/* booth_control.c - photoboothctl's commands, answered on the main loop (control.h calls
 * booth_on_control), and reload (photoboothctl reload, SIGHUP). The commands are a table
 * (control_commands.h): one handler per name here; a handler that finds its arguments wrong
 * returns -1 and the usage is said from the table's forms. The actions themselves are
 * booth_actions.c's. Main thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "booth_priv.h"
#include "clock.h"
#include "command.h"
#include "control_commands.h"
#include "fleet.h"
#include "i18n.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "num.h"
#include "share.h"

/* Staff: a guest says the email never came. The session's live link goes to the address
 * (the guest's own, or a corrected one) through the outbox like any other email. */
/* What a handler answers with: the reply itself, or (left empty) the code it returns, msg and
 * body. */
struct call {
	struct pb_booth *b;
	struct pb_buf *reply;
	char msg[480];
	struct pb_buf body;
};

static int
cmd_resend(void *ctx, int argc, char **argv)
{
	struct call *call = ctx;
	struct pb_booth *b = call->b;
	struct pb_buf *reply = call->reply;
	char token[PB_TOKEN_LEN + 1], masked[PB_ADDRESS_MAX + 8], link[512];
	time_t expires;
	enum pb_address_check c;

	if (argc != 3)
		return -1;
	if (!b->deliver.outbox) {
		pb_control_reply(reply, 1,
				 "email is not set up on this booth ([mail] smtp_url, "
				 "[kiosk] delivery = share or both)");
		return 0;
	}
	c = pb_address_check(argv[2]);
	if (c != PB_ADDR_OK) {
		pb_control_reply(reply, 1, "resend: the address %s", pb_address_problem(c));
		return 0;
	}
	if (strlen(argv[1]) >= 64 || strchr(argv[1], '/') ||
	    pb_share_link_find(b->cfg->data_dir, argv[1], time(NULL), token, &expires) != PB_OK) {
		pb_control_reply(reply, 1,
				 "resend: session '%.64s' has no live download link (wrong "
				 "id, or it expired and its photo is deleted)",
				 argv[1]);
		return 0;
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
	return 0;
}

/* Staff: what the outbox holds (addresses masked), and retry or drop by id. */
static int
cmd_outbox(void *ctx, int argc, char **argv)
{
	struct call *call = ctx;
	struct pb_booth *b = call->b;
	struct pb_buf *reply = call->reply;
	enum { SHOWN = 50 };
	struct pb_outbox_entry e[SHOWN];
	const char *which = argc == 3 ? argv[2] : "";
	int n;

	if (!b->deliver.outbox) {
		pb_control_reply(reply, 1, "email is not set up on this booth ([mail] smtp_url)");
		return 0;
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
		return 0;
	}
	if (argc == 3 && (!strcmp(argv[1], "retry") || !strcmp(argv[1], "drop"))) {
		int retry = !strcmp(argv[1], "retry");
		if (strlen(which) > 47 || (!retry && !strcmp(which, "all"))) {
			pb_control_reply(reply, 2, "outbox drop: give an id or 'dead'");
			return 0;
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
		return 0;
	}
	return -1;
}

/* Staff: the webhook's deliveries waiting and its dead letters, and retry or drop by id. */
static int
cmd_webhook(void *ctx, int argc, char **argv)
{
	struct call *call = ctx;
	struct pb_booth *b = call->b;
	struct pb_buf *reply = call->reply;
	enum { SHOWN = 50 };
	struct pb_sendq_entry e[SHOWN];
	struct pb_sendq *q = b->deliver.webhook ? pb_webhook_queue(b->deliver.webhook) : NULL;
	int retry = argc == 3 && !strcmp(argv[1], "retry");
	if (!q) {
		pb_control_reply(reply, 1, "no webhook on this booth ([webhook] url)");
		return 0;
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
		return 0;
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
		return 0;
	}
	return -1;
}

/* Staff: the cloud upload queue, the event's booths, the organiser's figures. */
static int
cmd_cloud(void *ctx, int argc, char **argv)
{
	struct call *call = ctx;
	struct pb_booth *b = call->b;
	struct pb_buf *reply = call->reply;
	struct pb_publish *p = b->deliver.publish;
	int json = argc == 2 && !strcmp(argv[1], "json");
	struct pb_fleet fleet;
	struct pb_buf body;

	if (!p) {
		pb_control_reply(reply, 1, "%s: publishing is off ([publish] endpoint)", argv[0]);
		return 0;
	}
	if (!strcmp(argv[0], "publish")) {
		struct pb_publish_stats s;
		if (argc == 2 && !strcmp(argv[1], "retry")) {
			int n = pb_publish_retry(p);
			pb_control_reply(reply, 0, "publish: trying %d job%s now", n,
					 n == 1 ? "" : "s");
			return 0;
		}
		if (argc != 1)
			return -1;
		pb_publish_stats(p, &s);
		pb_control_reply(reply, s.blocked[0] || s.dead ? 1 : 0,
				 "publish: %d waiting (oldest %d s), %d refused for good, %u "
				 "uploaded, %u deleted%s%s%s%s",
				 s.depth, s.oldest_age_s, s.dead, s.uploaded, s.deleted,
				 s.blocked[0] ? "; the store refuses this booth: " : "", s.blocked,
				 !s.blocked[0] && s.last_error[0] ? "; last error: " : "",
				 s.blocked[0] ? "" : s.last_error);
		return 0;
	}
	if (argc > 2 || (argc == 2 && !json))
		return -1;
	pb_buf_init(&body);
	char why[320];
	if (pb_publish_fleet(p, &fleet, why, sizeof(why)) < 0) {
		/* never "0 booths": that would read as a quiet event */
		pb_control_reply(reply, 1,
				 "%s: the event's booths are unknown: the store did not "
				 "list them: %s",
				 argv[0], why);
		pb_buf_fini(&body);
		return 0;
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
	return 0;
}

#define cmd_publish cmd_cloud
#define cmd_fleet cmd_cloud
#define cmd_report cmd_cloud

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
cmd_printer(void *ctx, int argc, char **argv)
{
	struct call *call = ctx;
	struct pb_booth *b = call->b;
	char *msg = call->msg;
	size_t n = sizeof(call->msg);
	struct pb_buf *body = &call->body;
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
	return -1;
}

#define CALL                                                                                       \
	struct call *call = ctx;                                                                   \
	struct pb_booth *b = call->b;                                                              \
	char *msg = call->msg;                                                                     \
	size_t n = sizeof(call->msg);                                                              \
	(void)argv, (void)b, (void)msg, (void)n
static int
cmd_reset(void *ctx, int argc, char **argv)
{
	CALL;
	return argc == 1 ? booth_act_reset(b, msg, n) : -1;
}

static int
cmd_overlay(void *ctx, int argc, char **argv)
{
	CALL;
	if (argc == 2)
		return booth_act_overlay(b, argv[1], msg, n);
	if (argc != 1)
		return -1;
	booth_list_themes(b);
	for (int i = 0; i < b->staff.nthemes; i++)
		pb_buf_printf(&call->body, "%s%s\n", b->staff.themes[i],
			      strcmp(b->staff.themes[i], b->overlay->name) ? "" : " (in use)");
	return booth_say(msg, n, 0, "theme %s; installed themes:", b->overlay->name);
}

static int
cmd_delivery(void *ctx, int argc, char **argv)
{
	CALL;
	int d = argc == 2 ? pb_delivery_parse(argv[1]) : -1;
	return d < 0 ? -1 : booth_act_delivery(b, d, msg, n);
}

static int
cmd_pin(void *ctx, int argc, char **argv)
{
	CALL;
	return argc == 2 && !strcmp(argv[1], "unlock") ? booth_act_pin_unlock(b, msg, n) : -1;
}

static int
cmd_camera(void *ctx, int argc, char **argv)
{
	CALL;
	return argc == 2 && !strcmp(argv[1], "reconnect") ? booth_act_reconnect(b, msg, n) : -1;
}

static int
cmd_counters(void *ctx, int argc, char **argv)
{
	CALL;
	if (argc == 2 && !strcmp(argv[1], "reset"))
		return booth_act_counters_reset(b, msg, n);
	if (argc != 1)
		return -1;
	booth_staff_tick(b, pb_now_ms());
	pb_json_open(&call->body, NULL);
	pb_settings_counters_json(&b->store.settings, &call->body);
	pb_json_close(&call->body);
	pb_buf_append(&call->body, "\n", 1);
	return booth_say(msg, n, 0, "counters");
}

static int
cmd_purge(void *ctx, int argc, char **argv)
{
	CALL;
	int v;
	if (argc != 2)
		return -1;
	if (pb_parse_int(argv[1], 0, 87600, &v) < 0)
		return booth_say(msg, n, 2, "purge: '%.32s' is not a number of hours", argv[1]);
	return booth_act_purge(b, v, msg, n);
}

static int
cmd_status(void *ctx, int argc, char **argv)
{
	CALL;
	if (argc != 1)
		return -1;
	pb_control_reply(call->reply, 0, "ok");
	booth_status_json(b, call->reply);
	return 0;
}

static int
cmd_trigger(void *ctx, int argc, char **argv)
{
	CALL;
	enum pb_state before = b->kiosk.state;
	int copies = b->kiosk.copies;
	if (argc != 1)
		return -1;
	booth_feed(b, PB_EV_TRIGGER, 0, 0);
	if (b->kiosk.copies != copies)
		return booth_say(msg, n, 0, "%s: %d print%s", pb_state_name(before),
				 b->kiosk.copies, b->kiosk.copies == 1 ? "" : "s");
	if (b->kiosk.state != before)
		return booth_say(msg, n, 0, "%s -> %s", pb_state_name(before),
				 pb_state_name(b->kiosk.state));
	return booth_say(msg, n, 1, "nothing to trigger in %s", pb_state_name(before));
}

static int
cmd_reload(void *ctx, int argc, char **argv)
{
	CALL;
	if (argc != 1)
		return -1;
	booth_reload(b, call->reply);
	return 0;
}

static int cmd_help(void *ctx, int argc, char **argv);

#define ROW(h, name, args, help) { name, args, help, cmd_##h },
static const struct pb_command commands[] = { PB_CONTROL_COMMANDS(ROW){ NULL, NULL, NULL, NULL } };

static int
cmd_help(void *ctx, int argc, char **argv)
{
	CALL;
	struct pb_buf names;
	(void)argc;
	(void)b;
	pb_buf_init(&names);
	pb_command_names(&names, commands);
	booth_say(msg, n, 0, "commands: %s", names.data);
	pb_buf_fini(&names);
	return 0;
}

void
booth_on_control(void *ctx, int argc, char **argv, struct pb_buf *reply)
{
	struct call call = { .b = ctx, .reply = reply };
	const struct pb_command *cmd = pb_command_find(commands, argv[0]);
	struct pb_buf words;
	int code;

	pb_buf_init(&words);
	if (!cmd) {
		pb_command_names(&words, commands);
		pb_control_reply(reply, 2, "unknown command '%.64s' (commands: %s)", argv[0],
				 words.data);
		pb_buf_fini(&words);
		return;
	}
	pb_buf_init(&call.body);
	code = cmd->run(&call, argc, argv);
	if (code < 0) {
		pb_command_forms(&words, commands, cmd->name);
		pb_control_reply(reply, 2, "usage: %s", words.data);
	} else if (!reply->len) {
		pb_control_reply(reply, code, "%s", call.msg);
		if (call.body.len)
			pb_buf_append(reply, call.body.data, call.body.len);
	}
	pb_buf_fini(&call.body);
	pb_buf_fini(&words);
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
		int k = pb_display_key(b->cfg->staff_key);
		if (!k)
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
