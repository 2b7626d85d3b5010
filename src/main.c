/* photobooth-kiosk: the kiosk's argument parsing, process set-up and wiring only. The
 * photobooth front (front.c) runs `render` itself and execs this for everything else; the
 * commands are main_commands.h's rows (this program's: not render). Main thread, before the
 * booth starts its own. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "booth.h"
#include "command.h"
#include "mail.h"
#include "conf.h"
#include "i18n.h"
#include "landing.h"
#include "log.h"
#include "main_commands.h"
#include "mem.h"
#include "overlay.h"

/* The gallery holds up to 1000 connections; the soft limit on open files is often 1024 (for
 * select(), which nothing here uses). Raise it to the hard limit, at most 4096. */
static void
raise_open_files(void)
{
	struct rlimit r;
	if (getrlimit(RLIMIT_NOFILE, &r) < 0)
		return;
	rlim_t want = r.rlim_max == RLIM_INFINITY || r.rlim_max > 4096 ? 4096 : r.rlim_max;
	if (r.rlim_cur < want) {
		r.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &r) < 0)
			pb_warn("cannot raise the open-file limit to %lu: %s", (unsigned long)want,
				strerror(errno));
	}
}

/* The process the kiosk runs in, before any thread starts. */
static void
kiosk_process(void)
{
	/* A peer gone mid-write (photoboothctl, a phone, the SMTP server, cupsd) is an EPIPE to
	 * handle where it happens, never the end of the booth. */
	signal(SIGPIPE, SIG_IGN);
	raise_open_files();
#ifdef __GLIBC__
	/* Photos pass through buffers of tens of MB. glibc raises its mmap threshold each time
	 * one is freed, so later ones come from the heap and stay there: the booth then idles
	 * 25 MB higher after some sessions than after others. A fixed threshold sends every
	 * pixel buffer to mmap and back to the system when freed. */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

static int main_run(void *ctx, int argc, char **argv);
static int main_screens(void *ctx, int argc, char **argv);

/* This program's rows of photobooth's table: render is the front's alone (front.c). */
#define ROW_kiosk(h, n, a, t) { n, a, t, main_##h },
#define ROW_front(h, n, a, t)
#define ROW(w, h, n, a, t) ROW_##w(h, n, a, t)
#define OPT(n, a, t) { n, a, t, NULL },
static const struct pb_command commands[] = { PB_MAIN_COMMANDS(ROW){ NULL, NULL, NULL, NULL } };
static const struct pb_command options[] = { PB_MAIN_OPTIONS(OPT){ NULL, NULL, NULL, NULL } };
static const char *program = "photobooth";

static void
usage(FILE *f)
{
	struct pb_buf out;

	pb_buf_init(&out);
	pb_command_help(&out, program, commands, options, 26, 79);
	pb_buf_printf(&out, "\nthe default config: " PB_DEFAULT_CONFIG "\n");
	fputs(out.data, f);
	pb_buf_fini(&out);
}

/* Loads the config (path NULL: the defaults) and checks what start-up would refuse. Returns 0
 * or the exit code. */
static int
load(struct pb_config *cfg, const char *path)
{
	char err[4096];
	struct pb_overlay *ov;

	pb_config_init(cfg);
	if (path && pb_config_load(cfg, path, err, sizeof(err)) != PB_OK) {
		fprintf(stderr, "%s", err);
		return PB_EXIT_CONFIG;
	}
	struct stat cs;
	if (path && cfg->staff_pin[0] && stat(path, &cs) == 0 && (cs.st_mode & 0004))
		pb_warn("%s holds [staff] pin and every user on this machine can read it (mode "
			"%04o): chmod 0640 it, group photobooth (the package does)",
			path, (unsigned)(cs.st_mode & 07777));
	if (!path) {
		pb_config_checkout_overlays(cfg);
		path = "the defaults";
	}
	if (pb_overlay_load(cfg->overlays_dir, cfg->overlay, &ov, err, sizeof(err)) != PB_OK) {
		fprintf(stderr, "%s: [kiosk] overlay = %s: the theme is broken:\n%s", path,
			cfg->overlay, err);
		return PB_EXIT_CONFIG;
	}
	pb_overlay_destroy(ov);
	/* Other themes may be broken too: say so now, but only the configured one stops us. */
	pb_overlay_check_all(cfg->overlays_dir);
	FILE *f = fopen(cfg->font, "rb");
	if (!f) {
		fprintf(stderr, "%s: [display] font = %s: cannot open the font\n", path, cfg->font);
		return PB_EXIT_CONFIG;
	}
	fclose(f);
	return 0;
}

static int
main_screens(void *ctx, int argc, char **argv)
{
	const char *config = PB_DEFAULT_CONFIG, *out = NULL, *lang = NULL;
	int w = 1920, h = 1080, rc, config_given = 0;
	struct pb_config cfg;

	(void)ctx;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--lang") && i + 1 < argc)
			lang = argv[++i];
		else if (!strcmp(argv[i], "--size") && i + 1 < argc) {
			if (sscanf(argv[++i], "%dx%d", &w, &h) != 2 || w < 320 || h < 240 ||
			    w > 7680 || h > 4320) {
				fprintf(stderr,
					"--size: expected WxH between 320x240 and 7680x4320\n");
				return 2;
			}
		} else if (!strcmp(argv[i], "--config") && i + 1 < argc) {
			config = argv[++i];
			config_given = 1;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!out) {
		usage(stderr);
		return 2;
	}
	/* without --config and with no installed config, the defaults (a checkout's overlays) */
	if (!config_given && access(config, F_OK) != 0)
		config = NULL;
	rc = load(&cfg, config);
	if (rc == 0)
		rc = pb_booth_screens(&cfg, out, w, h, lang ? lang : cfg.language);
	pb_config_fini(&cfg);
	return rc;
}

/* The kiosk itself, or --check-config, --version and the like. */
static int
main_run(void *ctx, int argc, char **argv)
{
	const char *config = PB_DEFAULT_CONFIG;
	struct pb_booth_options opt = { 0 };
	int check = 0, rc;
	struct pb_config cfg;

	(void)ctx;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			config = argv[++i];
		else if (!strcmp(argv[i], "--windowed"))
			opt.windowed = 1;
		else if (!strcmp(argv[i], "--check-config"))
			check = 1;
		else if (!strcmp(argv[i], "--verbose"))
			pb_log_set_level(PB_LOG_DEBUG);
		else if (!strcmp(argv[i], "--print-default-config")) {
			pb_config_write_default(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("photobooth %s\n", PB_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "photobooth: unknown argument '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	rc = load(&cfg, config);
	if (rc == 0) /* before any thread: the landing page's words in every language */
		pb_landing_init(cfg.language);
	if (rc == 0 && check)
		printf("%s: ok\n", config);
	else if (rc == 0) {
		struct pb_booth *booth;
		kiosk_process();
		pb_mail_global_init(); /* libcurl, before any thread starts */
		opt.config_path = config;
		rc = pb_booth_create(&cfg, &opt, &booth);
		if (rc == 0) {
			pb_booth_loop(booth);
			pb_booth_destroy(booth);
		}
		pb_mail_global_fini();
	}
	pb_config_fini(&cfg);
	return rc;
}

int
main(int argc, char **argv)
{
	const struct pb_command *cmd = argc > 1 ? pb_command_find(commands, argv[1]) : NULL;
	const char *slash = strrchr(argv[0], '/');

	program = slash ? slash + 1 : argv[0];
	pb_i18n_init(argv[0]);
	if (!cmd || !cmd->name[0])
		cmd = commands; /* the row named "": options only */
	return cmd->run(NULL, argc, argv);
}
