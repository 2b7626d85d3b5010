/* photobooth: the front door. `photobooth render` (reprints) runs here, in a process that
 * loads only what a print needs (libjpeg-turbo, pixman, libpng, inih; SDL_ttf, for the text, on
 * its layer thread while the photo decodes): the kiosk's 99 libraries take about 19 ms to load,
 * a sixth of a whole 24 MP render. Everything else is the kiosk's: photobooth-kiosk beside this
 * binary (a build tree) or in PB_LIBEXECDIR (installed), exec'd with the same arguments, so it
 * is the same process (systemd's main PID, the watchdog, the notify socket). The commands are
 * main_commands.h's rows; `photobooth --help` prints them all here. Single-threaded until
 * render starts its threads. */
#define _XOPEN_SOURCE 700 /* strptime */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "conf.h"
#include "main_commands.h"
#include "offline.h"
#include "slots.h"

#ifndef PB_LIBEXECDIR
#define PB_LIBEXECDIR "/usr/local/lib/photobooth"
#endif

static int render(void *ctx, int argc, char **argv);

/* photobooth's whole table: the front's rows run here, the kiosk's (run NULL) are exec'd. */
#define ROW_kiosk(h, n, a, t) { n, a, t, NULL },
#define ROW_front(h, n, a, t) { n, a, t, h },
#define ROW(w, h, n, a, t) ROW_##w(h, n, a, t)
#define OPT(n, a, t) { n, a, t, NULL },
static const struct pb_command commands[] = { PB_MAIN_COMMANDS(ROW){ NULL, NULL, NULL, NULL } };
static const struct pb_command options[] = { PB_MAIN_OPTIONS(OPT){ NULL, NULL, NULL, NULL } };

/* the whole usage (all), or render's forms alone */
static void
usage(FILE *f, int all)
{
	struct pb_buf out;

	pb_buf_init(&out);
	if (all) {
		pb_command_help(&out, "photobooth", commands, options, 26, 79);
		pb_buf_printf(&out, "\nthe default config: " PB_DEFAULT_CONFIG "\n");
	} else {
		pb_buf_printf(&out, "usage: photobooth ");
		pb_command_forms(&out, commands, "render");
		pb_buf_append(&out, "\n", 1);
	}
	fputs(out.data, f);
	pb_buf_fini(&out);
}

static int
render(void *ctx, int argc, char **argv)
{
	const char *config = NULL, *overlay = NULL, *out = NULL, *date = NULL;
	char *inputs[PB_MAX_SLOTS + 1];
	int n = 0;
	time_t when = time(NULL);
	struct pb_config cfg;
	char why[1024];

	(void)ctx;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--overlay") && i + 1 < argc)
			overlay = argv[++i];
		else if (!strcmp(argv[i], "--config") && i + 1 < argc)
			config = argv[++i];
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--date") && i + 1 < argc)
			date = argv[++i];
		else if (argv[i][0] == '-') {
			usage(stderr, 0);
			return 2;
		} else if (n <= PB_MAX_SLOTS)
			inputs[n++] = argv[i];
	}
	if (!out || n == 0 || n > PB_MAX_SLOTS) {
		usage(stderr, 0);
		return 2;
	}
	if (date) {
		struct tm tm = { 0 };
		char *end = strptime(date, "%Y-%m-%d", &tm);
		if (!end || *end) {
			fprintf(stderr, "photobooth render: --date %s: expected YYYY-MM-DD\n",
				date);
			return 2;
		}
		tm.tm_hour = 12;
		tm.tm_isdst = -1;
		when = mktime(&tm);
	}
	pb_config_init(&cfg);
	/* the config is optional here: its overlays_dir and default theme are used if given */
	if (config && pb_config_load(&cfg, config, why, sizeof(why)) != PB_OK) {
		fprintf(stderr, "%s", why);
		pb_config_fini(&cfg);
		return PB_EXIT_CONFIG;
	}
	if (!config)
		pb_config_checkout_overlays(&cfg);
	enum pb_status st = pb_offline_render(cfg.overlays_dir, overlay ? overlay : cfg.overlay,
					      out, inputs, n, when, why, sizeof(why));
	pb_config_fini(&cfg);
	if (st) {
		fprintf(stderr, "photobooth render: %s\n", why);
		return st == PB_ERR_CONFIG ? PB_EXIT_CONFIG : 1;
	}
	return 0;
}

/* The kiosk: beside this binary when there is one (a build tree), else where it is installed. */
static void
kiosk_path(char *out, size_t n)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(out, n, "%s/photobooth-kiosk", exe);
			if (access(out, X_OK) == 0)
				return;
		}
	}
	snprintf(out, n, "%s/photobooth-kiosk", PB_LIBEXECDIR);
}

int
main(int argc, char **argv)
{
	char kiosk[PATH_MAX + 32];

	const struct pb_command *cmd = argc > 1 ? pb_command_find(commands, argv[1]) : NULL;

	if (cmd && cmd->run)
		return cmd->run(NULL, argc, argv);
	/* the kiosk's own --help would leave render out: the whole table is here */
	for (int i = 1; !cmd && i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout, 1);
			return 0;
		}
	kiosk_path(kiosk, sizeof(kiosk));
	execv(kiosk, argv);
	fprintf(stderr, "photobooth: cannot run the kiosk %s: %s\n", kiosk, strerror(errno));
	return 127;
}
