/* photobooth: the front door. `photobooth render` (reprints) runs here, in a process that
 * loads only what a print needs (libjpeg-turbo, pixman, libpng, inih; SDL_ttf, for the text, on
 * its layer thread while the photo decodes): the kiosk's 99 libraries take about 19 ms to load,
 * a sixth of a whole 24 MP render. Everything else is the kiosk's: photobooth-kiosk beside this
 * binary (a build tree) or in PB_LIBEXECDIR (installed), exec'd with the same arguments, so it
 * is the same process (systemd's main PID, the watchdog, the notify socket). Single-threaded
 * until render starts its threads. */
#define _XOPEN_SOURCE 700 /* strptime */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "offline.h"
#include "slots.h"

#ifndef PB_LIBEXECDIR
#define PB_LIBEXECDIR "/usr/local/lib/photobooth"
#endif

static void
render_usage(void)
{
	fprintf(stderr,
		"usage: photobooth render --overlay NAME [--config FILE] [--date YYYY-MM-DD]\n"
		"                         -o OUT.jpg IN.jpg [IN.jpg ...]\n");
}

static int
render(int argc, char **argv, const char *config)
{
	const char *overlay = NULL, *out = NULL, *date = NULL;
	char *inputs[PB_MAX_SLOTS + 1];
	int n = 0;
	time_t when = time(NULL);
	struct pb_config cfg;
	char why[1024];

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
			render_usage();
			return 2;
		} else if (n <= PB_MAX_SLOTS)
			inputs[n++] = argv[i];
	}
	if (!out || n == 0 || n > PB_MAX_SLOTS) {
		render_usage();
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

	if (argc > 1 && !strcmp(argv[1], "render"))
		return render(argc, argv, NULL);
	kiosk_path(kiosk, sizeof(kiosk));
	execv(kiosk, argv);
	fprintf(stderr, "photobooth: cannot run the kiosk %s: %s\n", kiosk, strerror(errno));
	return 127;
}
