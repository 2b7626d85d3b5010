/* photobooth: argument parsing and wiring only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "booth.h"
#include "conf.h"
#include "i18n.h"
#include "log.h"
#include "overlay.h"

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: photobooth [--config FILE] [--windowed] [--verbose]\n"
		"       photobooth [--config FILE] --check-config\n"
		"       photobooth screens [--config FILE] --out DIR [--size WxH] [--lang en|ko]\n"
		"       photobooth --print-default-config | --version | --help\n"
		"\n"
		"  --config FILE          configuration (default " PB_DEFAULT_CONFIG ")\n"
		"  --windowed             a window instead of fullscreen (desktops)\n"
		"  --check-config         validate the configuration and the theme, then exit\n"
		"                         (exit code 78 when they are wrong)\n"
		"  --print-default-config print every key with its default and help\n"
		"  screens                render every screen to DIR/<state>.bmp, no display needed\n");
}

/* Loads the config and checks what start-up would refuse. Returns 0 or the exit code. */
static int
load(struct pb_config *cfg, const char *path)
{
	char err[4096];
	struct pb_overlay *ov;

	pb_config_init(cfg);
	if (pb_config_load(cfg, path, err, sizeof(err)) != PB_OK) {
		fprintf(stderr, "%s", err);
		return PB_EXIT_CONFIG;
	}
	if (pb_overlay_load(cfg->overlays_dir, cfg->overlay, &ov, err, sizeof(err)) != PB_OK) {
		fprintf(stderr, "%s: [kiosk] overlay = %s: the theme is broken:\n%s", path,
			cfg->overlay, err);
		return PB_EXIT_CONFIG;
	}
	pb_overlay_destroy(ov);
	FILE *f = fopen(cfg->font, "rb");
	if (!f) {
		fprintf(stderr, "%s: [display] font = %s: cannot open the font\n", path, cfg->font);
		return PB_EXIT_CONFIG;
	}
	fclose(f);
	return 0;
}

static int
screens(int argc, char **argv, const char *config)
{
	const char *out = NULL, *lang = NULL;
	int w = 1920, h = 1080, rc;
	struct pb_config cfg;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--lang") && i + 1 < argc)
			lang = argv[++i];
		else if (!strcmp(argv[i], "--size") && i + 1 < argc) {
			if (sscanf(argv[++i], "%dx%d", &w, &h) != 2 || w < 320 || h < 240 ||
			    w > 7680 || h > 4320) {
				fprintf(stderr, "--size: expected WxH between 320x240 and 7680x4320\n");
				return 2;
			}
		} else if (!strcmp(argv[i], "--config") && i + 1 < argc)
			config = argv[++i];
		else {
			usage(stderr);
			return 2;
		}
	}
	if (!out) {
		usage(stderr);
		return 2;
	}
	rc = load(&cfg, config);
	if (rc == 0)
		rc = pb_booth_screens(&cfg, out, w, h, lang ? lang : cfg.language);
	pb_config_fini(&cfg);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *config = PB_DEFAULT_CONFIG;
	struct pb_booth_options opt = { 0 };
	int check = 0, rc;
	struct pb_config cfg;

	pb_i18n_init(argv[0]);
	if (argc > 1 && !strcmp(argv[1], "screens"))
		return screens(argc, argv, config);
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
	if (rc == 0 && check)
		printf("%s: ok\n", config);
	else if (rc == 0)
		rc = pb_booth_run(&cfg, &opt);
	pb_config_fini(&cfg);
	return rc;
}
