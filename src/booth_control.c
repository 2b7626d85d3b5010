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
	return pb_delivery_cmd_resend(&call->b->deliver, call->b->cfg, argc, argv, call->reply);
}

static int
cmd_outbox(void *ctx, int argc, char **argv)
{
	struct call *call = ctx;
	return pb_delivery_cmd_outbox(&call->b->deliver, argc, argv, call->reply);
}

static int
cmd_webhook(void *ctx, int argc, char **argv)
{
	struct call *call = ctx;
	return pb_delivery_cmd_webhook(&call->b->deliver, argc, argv, call->reply);
}

/* publish, fleet and report */
static int
cmd_cloud(void *ctx, int argc, char **argv)
{
	struct call *call = ctx;
	return pb_delivery_cmd_cloud(&call->b->deliver, argc, argv, call->reply);
}

#define cmd_publish cmd_cloud
#define cmd_fleet cmd_cloud
#define cmd_report cmd_cloud

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
		return pb_delivery_printer_list(&b->deliver, msg, n, body);
	if ((argc == 2 || argc == 3) &&
	    (!strcmp(argv[1], "retry") || !strcmp(argv[1], "reprint"))) {
		v = 0;
		if (argc == 3 && strcmp(argv[2], "all") &&
		    pb_parse_int(argv[2], 1, 1 << 30, &v) < 0)
			return pb_control_say(msg, n, 2,
					      "printer %s: '%.32s' is not a CUPS job id or all",
					      argv[1], argv[2]);
		return pb_delivery_printer_held(&b->deliver, !strcmp(argv[1], "reprint"), v, msg,
						n);
	}
	if (argc == 2 && !strcmp(argv[1], "resume"))
		return pb_delivery_printer_resume(&b->deliver, msg, n);
	if (argc == 3 && !strcmp(argv[1], "paper")) {
		if (pb_parse_int(argv[2], 0, 100000, &v) < 0)
			return pb_control_say(msg, n, 2,
					      "printer paper: '%.32s' is not a count of prints "
					      "(0..100000)",
					      argv[2]);
		return pb_delivery_printer_paper(&b->deliver, v, msg, n);
	}
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "cancel")) {
		if (argc == 3 && pb_parse_int(argv[2], 1, 1 << 30, &v) < 0)
			return pb_control_say(
				msg, n, 2, "printer cancel: '%.32s' is not a CUPS job id", argv[2]);
		return pb_delivery_printer_cancel(&b->deliver, argc == 3 ? v : 0, msg, n);
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
	return pb_control_say(msg, n, 0, "theme %s; installed themes:", b->overlay->name);
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
	return pb_control_say(msg, n, 0, "counters");
}

static int
cmd_purge(void *ctx, int argc, char **argv)
{
	CALL;
	int v;
	if (argc != 2)
		return -1;
	if (pb_parse_int(argv[1], 0, 87600, &v) < 0)
		return pb_control_say(msg, n, 2, "purge: '%.32s' is not a number of hours",
				      argv[1]);
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
		return pb_control_say(msg, n, 0, "%s: %d print%s", pb_state_name(before),
				      b->kiosk.copies, b->kiosk.copies == 1 ? "" : "s");
	if (b->kiosk.state != before)
		return pb_control_say(msg, n, 0, "%s -> %s", pb_state_name(before),
				      pb_state_name(b->kiosk.state));
	return pb_control_say(msg, n, 1, "nothing to trigger in %s", pb_state_name(before));
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
	pb_control_say(msg, n, 0, "commands: %s", names.data);
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
