/* Config tests: good files, bad files, unknown keys, out-of-range values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "conf.h"
#include "helpers.h"

static char *dir;
static char path[4200];
static char err[4096];

static int
setup(void **state)
{
	(void)state;
	dir = make_tmpdir();
	snprintf(path, sizeof(path), "%s/photobooth.conf", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	rm_tree(dir);
	free(dir);
	return 0;
}

static enum pb_status
load(struct pb_config *cfg, const char *text)
{
	write_text(path, text);
	pb_config_init(cfg);
	return pb_config_load(cfg, path, err, sizeof(err));
}

/* err must contain "<path>:<line>: <what>" */
static void
assert_error_at(int line, const char *what)
{
	char where[4300];
	snprintf(where, sizeof(where), "%s:%d: ", path, line);
	if (!strstr(err, where) || !strstr(err, what))
		fail_msg("expected '%s%s' in: %s", where, what, err);
}

static void
test_defaults(void **state)
{
	struct pb_config cfg;
	(void)state;
	pb_config_init(&cfg);
	assert_string_equal(cfg.overlay, "certification-lounge");
	assert_int_equal(cfg.delivery, PB_DELIVERY_SHARE);
	assert_int_equal(cfg.countdown, 3);
	assert_string_equal(cfg.language, "en");
	assert_int_equal(cfg.retakes, 1);
	assert_int_equal(cfg.camera_backend, PB_CAMERA_SIM);
	assert_int_equal(cfg.sim.width, 6000);
	assert_int_equal(cfg.sim.height, 4000);
	assert_string_equal(cfg.data_dir, "/var/lib/photobooth");
	assert_string_equal(cfg.socket, "/run/photobooth/control.sock");
	pb_config_fini(&cfg);
}

static void
test_good_file(void **state)
{
	struct pb_config cfg;
	(void)state;
	assert_int_equal(load(&cfg, "; a comment\n"
				    "[kiosk]\n"
				    "overlay = replay\n"
				    "delivery = both\n"
				    "countdown = 5\n"
				    "language = ko\n"
				    "retakes = 0\n"
				    "\n"
				    "[camera]\n"
				    "backend = sim\n"
				    "sim_fail_every = 7\n"
				    "[storage]\n"
				    "data_dir = /srv/booth\n"
				    "[control]\n"
				    "socket = /tmp/x.sock\n"),
			 PB_OK);
	assert_string_equal(cfg.overlay, "replay");
	assert_int_equal(cfg.delivery, PB_DELIVERY_BOTH);
	assert_int_equal(cfg.countdown, 5);
	assert_string_equal(cfg.language, "ko");
	assert_int_equal(cfg.retakes, 0);
	assert_int_equal(cfg.sim.fail_every, 7);
	assert_string_equal(cfg.data_dir, "/srv/booth");
	assert_string_equal(cfg.socket, "/tmp/x.sock");
	/* untouched keys keep their defaults */
	assert_int_equal(cfg.review_timeout, 10);
	pb_config_fini(&cfg);
}

static void
test_unknown_key(void **state)
{
	struct pb_config cfg;
	(void)state;
	assert_int_equal(load(&cfg, "[kiosk]\ncountdown = 3\ncoutndown = 4\n"), PB_ERR_CONFIG);
	assert_error_at(3, "unknown key 'coutndown' in [kiosk]");
	pb_config_fini(&cfg);
}

static void
test_unknown_section(void **state)
{
	struct pb_config cfg;
	(void)state;
	assert_int_equal(load(&cfg, "[kiosk]\n\n[printer]\nqueue = x\n"), PB_ERR_CONFIG);
	assert_error_at(4, "unknown section [printer]");
	pb_config_fini(&cfg);
}

static void
test_out_of_range(void **state)
{
	struct pb_config cfg;
	(void)state;
	assert_int_equal(load(&cfg, "[kiosk]\ncountdown = 11\n"), PB_ERR_CONFIG);
	assert_error_at(2, "out of range 0..10");
	pb_config_fini(&cfg);
	assert_int_equal(load(&cfg, "[kiosk]\nretakes = 6\n"), PB_ERR_CONFIG);
	assert_error_at(2, "out of range 0..5");
	pb_config_fini(&cfg);
	assert_int_equal(load(&cfg, "[camera]\nsim_width = 99999999999999999999\n"), PB_ERR_CONFIG);
	assert_error_at(2, "not a whole number");
	pb_config_fini(&cfg);
	/* print floods: a guest never gets more than 4 buttons' worth */
	assert_int_equal(load(&cfg, "[print]\nmax_copies = 10\n"), PB_ERR_CONFIG);
	assert_error_at(2, "[print] max_copies = 10: out of range 1..4");
	pb_config_fini(&cfg);
	assert_int_equal(load(&cfg, "[print]\nmax_copies = 0\n"), PB_ERR_CONFIG);
	assert_error_at(2, "out of range 1..4");
	pb_config_fini(&cfg);
	assert_int_equal(load(&cfg, "[print]\nmax_copies = -3\nquality = best\nborderless = maybe\n"
				    "options = ColorModel\n"),
			 PB_ERR_CONFIG);
	assert_error_at(2, "out of range 1..4");
	assert_error_at(3, "must be one of draft, normal, high");
	assert_error_at(4, "must be one of no, yes");
	assert_error_at(5, "'ColorModel' is not name=value");
	pb_config_fini(&cfg);
	assert_int_equal(load(&cfg,
			      "[print]\nprinter = dnp\nmax_copies = 4\nquality = draft\n"
			      "scaling = fit\nborderless = no\noptions = StpLaminate=Glossy\n"),
			 PB_OK);
	assert_string_equal(cfg.print.printer, "dnp");
	assert_int_equal(cfg.max_copies, 4);
	assert_int_equal(cfg.print.quality, PB_QUALITY_DRAFT);
	assert_int_equal(cfg.print.scaling, PB_SCALING_FIT);
	assert_int_equal(cfg.print.borderless, 0);
	assert_string_equal(cfg.print.options, "StpLaminate=Glossy");
	pb_config_fini(&cfg);
}

static void
test_bad_values(void **state)
{
	struct pb_config cfg;
	(void)state;
	assert_int_equal(load(&cfg, "[kiosk]\ncountdown = 3s\n"), PB_ERR_CONFIG);
	assert_error_at(2, "not a whole number");
	pb_config_fini(&cfg);
	assert_int_equal(load(&cfg, "[kiosk]\ndelivery = fax\n"), PB_ERR_CONFIG);
	assert_error_at(2, "must be one of print, share, both");
	pb_config_fini(&cfg);
	assert_int_equal(load(&cfg, "[kiosk]\nlanguage = fr\n"), PB_ERR_CONFIG);
	assert_error_at(2, "must be one of en, ko");
	pb_config_fini(&cfg);
	assert_int_equal(load(&cfg, "[camera]\nbackend = webcam\n"), PB_ERR_CONFIG);
	assert_error_at(2, "must be one of sim, gphoto2");
	pb_config_fini(&cfg);
	assert_int_equal(load(&cfg, "[storage]\ndata_dir =\n"), PB_ERR_CONFIG);
	assert_error_at(2, "must not be empty");
	pb_config_fini(&cfg);
	assert_int_equal(load(&cfg, "[camera]\ncapture_target = sdcard\n"), PB_ERR_CONFIG);
	assert_error_at(2, "must be one of ram, card");
	pb_config_fini(&cfg);
	assert_int_equal(load(&cfg, "[camera]\nsettings = iso=400, whitebalance\n"), PB_ERR_CONFIG);
	assert_error_at(2, "[camera] settings: 'whitebalance' is not name=value");
	pb_config_fini(&cfg);
	assert_int_equal(load(&cfg, "[camera]\nsettings = iso=\n"), PB_ERR_CONFIG);
	assert_error_at(2, "needs both a name and a value");
	pb_config_fini(&cfg);
	assert_int_equal(load(&cfg, "[camera]\n\nsettings = =5\n"), PB_ERR_CONFIG);
	assert_error_at(3, "needs both a name and a value");
	pb_config_fini(&cfg);
}

/* The SMTP password's file: refused while anyone on the machine may read it. */
static void
test_password_file_mode(void **state)
{
	struct pb_config cfg;
	char pw[4200], text[4400];
	(void)state;
	snprintf(pw, sizeof(pw), "%s/smtp.password", dir);
	write_text(pw, "s3cret\n");
	snprintf(
		text, sizeof(text),
		"[mail]\nsmtp_url = smtp://127.0.0.1:25\nfrom = a@example.com\npassword_file = %s\n",
		pw);
	static const mode_t bad[] = { 0644, 0604, 0666, 0601 };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(chmod(pw, bad[i]), 0);
		assert_int_equal(load(&cfg, text), PB_ERR_CONFIG);
		if (!strstr(err, "password_file") || !strstr(err, "other users can read it") ||
		    !strstr(err, "chmod 0640"))
			fail_msg("mode %04o: %s", (unsigned)bad[i], err);
		pb_config_fini(&cfg);
	}
	static const mode_t good[] = { 0640, 0600, 0400 };
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		assert_int_equal(chmod(pw, good[i]), 0);
		assert_int_equal(load(&cfg, text), PB_OK);
		pb_config_fini(&cfg);
	}
}

struct pairs {
	int n;
	char text[256];
};

static void
collect(void *ctx, const char *name, const char *value)
{
	struct pairs *p = ctx;
	size_t used = strlen(p->text);
	snprintf(p->text + used, sizeof(p->text) - used, "[%s|%s]", name, value);
	p->n++;
}

static void
test_camera_settings(void **state)
{
	struct pb_config cfg;
	struct pairs p = { 0 };
	char why[200];
	(void)state;
	assert_int_equal(load(&cfg,
			      "[camera]\nbackend = gphoto2\nmodel = Nikon DSC D750\n"
			      "port = usb:001,004\ncapture_target = card\nviewfinder = on\n"
			      "settings = iso=400 ,  whitebalance = Daylight,f-number=f/5.6,\n"),
			 PB_OK);
	assert_int_equal(cfg.camera_backend, PB_CAMERA_GPHOTO2);
	assert_string_equal(cfg.gphoto2.model, "Nikon DSC D750");
	assert_string_equal(cfg.gphoto2.port, "usb:001,004");
	assert_int_equal(cfg.gphoto2.capture_target, PB_TARGET_CARD);
	assert_int_equal(cfg.gphoto2.viewfinder, PB_VIEWFINDER_ON);
	assert_int_equal(
		pb_config_each_setting(cfg.gphoto2.settings, collect, &p, why, sizeof(why)), 0);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.text, "[iso|400][whitebalance|Daylight][f-number|f/5.6]");
	pb_config_fini(&cfg);
	/* the defaults: autodetect, RAM, viewfinder left alone, nothing to set */
	pb_config_init(&cfg);
	assert_string_equal(cfg.gphoto2.model, "");
	assert_string_equal(cfg.gphoto2.port, "");
	assert_int_equal(cfg.gphoto2.capture_target, PB_TARGET_RAM);
	assert_int_equal(cfg.gphoto2.viewfinder, PB_VIEWFINDER_AUTO);
	assert_int_equal(cfg.capture_retries, 2);
	p.n = 0;
	assert_int_equal(
		pb_config_each_setting(cfg.gphoto2.settings, collect, &p, why, sizeof(why)), 0);
	assert_int_equal(p.n, 0);
	pb_config_fini(&cfg);
	/* an empty item in the middle is an error, not silently skipped */
	assert_int_equal(pb_config_each_setting("a=1,,b=2", NULL, NULL, why, sizeof(why)), -1);
	assert_string_equal(pb_camera_backend_name(PB_CAMERA_GPHOTO2), "gphoto2");
	assert_string_equal(pb_camera_backend_name(7), "unknown");
}

static void
test_syntax_and_duplicates(void **state)
{
	struct pb_config cfg;
	(void)state;
	assert_int_equal(load(&cfg, "[kiosk]\ncountdown = 3\nthis line has no equals sign\n"),
			 PB_ERR_CONFIG);
	assert_error_at(3, "syntax error");
	pb_config_fini(&cfg);
	assert_int_equal(load(&cfg, "[kiosk]\ncountdown = 3\n[kiosk]\ncountdown = 4\n"),
			 PB_ERR_CONFIG);
	assert_error_at(4, "set twice");
	pb_config_fini(&cfg);
}

static void
test_every_error_reported(void **state)
{
	struct pb_config cfg;
	(void)state;
	assert_int_equal(load(&cfg, "[kiosk]\nfoo = 1\ncountdown = 99\n[bar]\nx = y\n"),
			 PB_ERR_CONFIG);
	assert_error_at(2, "unknown key 'foo'");
	assert_error_at(3, "out of range");
	assert_error_at(5, "unknown section [bar]");
	pb_config_fini(&cfg);
}

static void
test_missing_file(void **state)
{
	struct pb_config cfg;
	(void)state;
	pb_config_init(&cfg);
	assert_int_equal(pb_config_load(&cfg, "/nonexistent/photobooth.conf", err, sizeof(err)),
			 PB_ERR_CONFIG);
	assert_non_null(strstr(err, "/nonexistent/photobooth.conf: cannot open"));
	pb_config_fini(&cfg);
}

static void
test_default_file_round_trips(void **state)
{
	struct pb_config cfg;
	FILE *f;
	(void)state;
	f = fopen(path, "w");
	assert_non_null(f);
	pb_config_write_default(f);
	fclose(f);
	pb_config_init(&cfg);
	assert_int_equal(pb_config_load(&cfg, path, err, sizeof(err)), PB_OK);
	assert_string_equal(cfg.overlay, "certification-lounge");
	assert_int_equal(cfg.countdown, 3);
	pb_config_fini(&cfg);
}

/* Yes/no keys take systemd's words for true and false, in any case. */
static void
test_booleans(void **state)
{
	struct pb_config cfg;
	(void)state;
	static const char *const yes[] = { "yes", "Yes", "true", "TRUE", "on", "1", "y", "t" };
	static const char *const no[] = { "no", "NO", "false", "False", "off", "0", "n", "f" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		char text[200];
		snprintf(text, sizeof(text),
			 "[print]\nborderless = %s\n[mail]\nstarttls = %s\n"
			 "require_consent = %s\n",
			 no[i], yes[i], no[i]);
		assert_int_equal(load(&cfg, text), PB_OK);
		assert_int_equal(cfg.print.borderless, 0);
		assert_int_equal(cfg.mail.server.starttls, 1);
		assert_int_equal(cfg.require_consent, 0);
		pb_config_fini(&cfg);
	}
	/* words that are not booleans, or only nearly */
	static const char *const bad[] = { "maybe", "2", "-1", "yess", "", "o", "nope", "on1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[200];
		snprintf(text, sizeof(text), "[print]\nborderless = %s\n", bad[i]);
		assert_int_equal(load(&cfg, text), PB_ERR_CONFIG);
		assert_error_at(2, "must be one of no, yes (or true, false, on, off, 1, 0)");
		pb_config_fini(&cfg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_camera_settings),
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_unknown_section),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_syntax_and_duplicates),
		cmocka_unit_test(test_every_error_reported),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_default_file_round_trips),
		cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_password_file_mode),
	};
	return cmocka_run_group_tests_name("conf", tests, setup, teardown);
}
