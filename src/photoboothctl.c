/* photoboothctl: talks to the running kiosk over its control socket. Its usage is read from
 * the kiosk's command table (control_commands.h). One thread; blocks on the socket. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "conf.h"
#include "control_commands.h"
#include "control.h"
#include "json.h"

#define ROW(h, n, a, t) { n, a, t, NULL },
/* every command goes to the kiosk as typed: the table is for the usage */
static const struct pb_command commands[] = { PB_CONTROL_COMMANDS(ROW){ NULL, NULL, NULL, NULL } };

static void
usage(FILE *f)
{
	struct pb_buf out;

	pb_buf_init(&out);
	pb_buf_printf(&out, "usage: photoboothctl [--json] [--socket PATH | --config FILE] "
			    "COMMAND\n\ncommands:\n");
	pb_command_usage(&out, commands, 30, 79);
	pb_buf_printf(&out, "\n--json prints {\"code\": N, \"message\": \"...\", \"data\": ...} "
			    "for scripts.\nexit codes: 0 done, 1 refused or failed, 2 usage\n");
	fputs(out.data, f);
	pb_buf_fini(&out);
}

/* --json: one object, whatever the command. A JSON body (status, counters) is embedded as
 * is; any other body (overlay's list) as a string. */
static void
print_json(int code, const char *msg, const char *body)
{
	struct pb_buf out;
	size_t n = body ? strlen(body) : 0;

	while (n && (body[n - 1] == '\n' || body[n - 1] == ' '))
		n--;
	pb_buf_init(&out);
	pb_json_open(&out, NULL);
	pb_json_int(&out, "code", code);
	pb_json_str(&out, "message", msg);
	if (n && body[0] == '{') {
		pb_buf_append(&out, ",\"data\":", 8);
		pb_buf_append(&out, body, n);
	} else if (n) {
		char *copy = strndup(body, n);
		pb_json_str(&out, "data", copy);
		free(copy);
	} else {
		pb_json_str(&out, "data", NULL);
	}
	pb_buf_append(&out, "}\n", 2);
	fputs(out.data, stdout);
	pb_buf_fini(&out);
}

int
main(int argc, char **argv)
{
	const char *socket = NULL, *config = NULL;
	int json = 0;
	char line[PB_CONTROL_MAX_LINE], why[512];
	struct pb_config cfg;
	struct pb_buf reply;
	size_t off = 0;
	int i, code;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--socket") && i + 1 < argc)
			socket = argv[++i];
		else if (!strcmp(argv[i], "--config") && i + 1 < argc)
			config = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	int first = i;
	for (; i < argc; i++) {
		int n = snprintf(line + off, sizeof(line) - off, "%s%s", off ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(line) - off - 1) {
			fprintf(stderr, "photoboothctl: command too long\n");
			return 2;
		}
		off += (size_t)n;
	}
	/* fleet and report answer in JSON when asked: embedded as data */
	if (json && argc - first == 1 &&
	    (!strcmp(argv[first], "fleet") || !strcmp(argv[first], "report")) &&
	    off + 6 < sizeof(line))
		off += (size_t)snprintf(line + off, sizeof(line) - off, " json");
	line[off++] = '\n';
	line[off] = '\0';

	pb_config_init(&cfg);
	if (!socket && config) {
		if (pb_config_load(&cfg, config, why, sizeof(why)) != PB_OK) {
			fprintf(stderr, "%s", why);
			pb_config_fini(&cfg);
			return 1;
		}
	}
	if (!socket)
		socket = cfg.socket;
	pb_buf_init(&reply);
	if (pb_control_request(socket, line, &reply, 5000, why, sizeof(why)) != PB_OK) {
		if (json)
			print_json(1, why, NULL);
		else
			fprintf(stderr, "photoboothctl: %s\n", why);
		pb_buf_fini(&reply);
		pb_config_fini(&cfg);
		return 1;
	}
	/* "<code> <message>\n[body]": the body, if any, is what scripts read. */
	char *body = strchr(reply.data, '\n');
	code = atoi(reply.data);
	if (json) {
		char *msg = strchr(reply.data, ' ');
		if (body)
			*body++ = '\0';
		print_json(code, msg && (!body || msg < body) ? msg + 1 : "", body);
	} else if (body && body[1]) {
		fputs(body + 1, stdout);
	} else {
		char *msg = strchr(reply.data, ' ');
		if (body)
			*body = '\0';
		fprintf(code ? stderr : stdout, "%s\n", msg ? msg + 1 : reply.data);
	}
	pb_buf_fini(&reply);
	pb_config_fini(&cfg);
	return code >= 0 && code <= 2 ? code : 1;
}
