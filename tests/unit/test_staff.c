/* The PIN keypad (lockout, constant-time check), the settings file (round trip, damage,
 * torn writes), config reload, the paper presets and the staff screen's health text: pure
 * code, a fake clock. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"
#include "staff_health.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf.h"
#include "file.h"
#include "settings.h"
#include "staff.h"

static void
type(struct pb_pin *p, const char *digits)
{
	for (const char *d = digits; *d; d++)
		pb_pin_digit(p, *d);
}

static void
test_pin(void **state)
{
	struct pb_pin p;
	(void)state;

	pb_pin_init(&p, "2468");
	assert_true(pb_pin_enabled(&p));
	type(&p, "2468");
	assert_int_equal(pb_pin_submit(&p, 1000), PB_PIN_OK);
	/* a prefix, a longer PIN, backspace, letters */
	type(&p, "246");
	assert_int_equal(pb_pin_submit(&p, 1000), PB_PIN_WRONG);
	type(&p, "24680");
	assert_int_equal(pb_pin_submit(&p, 1000), PB_PIN_WRONG);
	type(&p, "24699");
	pb_pin_backspace(&p);
	pb_pin_backspace(&p);
	pb_pin_digit(&p, 'x');
	pb_pin_digit(&p, '8');
	assert_string_equal(p.typed, "2468");
	assert_int_equal(pb_pin_submit(&p, 1000), PB_PIN_OK);
	assert_int_equal(p.wrong, 0);	  /* a right PIN forgives the wrong ones */
	assert_string_equal(p.typed, ""); /* submit forgets the digits */
	/* nine digits: the ninth is ignored */
	type(&p, "123456789");
	assert_int_equal(strlen(p.typed), PB_PIN_MAX);
	pb_pin_clear(&p);
	assert_string_equal(p.typed, "");
}

static void
test_lockout(void **state)
{
	struct pb_pin p;
	(void)state;

	pb_pin_init(&p, "1234");
	for (int i = 1; i < PB_PIN_TRIES; i++) {
		type(&p, "0000");
		assert_int_equal(pb_pin_submit(&p, 5000), PB_PIN_WRONG);
	}
	type(&p, "0000");
	assert_int_equal(pb_pin_submit(&p, 5000), PB_PIN_LOCKED);
	assert_int_equal(p.lockouts, 1);
	assert_int_equal(pb_pin_locked_ms(&p, 5000), PB_PIN_LOCK_MS);
	/* while locked even the right PIN is refused */
	type(&p, "1234");
	assert_int_equal(pb_pin_submit(&p, 5000 + PB_PIN_LOCK_MS - 1), PB_PIN_LOCKED);
	assert_int_equal(pb_pin_locked_ms(&p, 5000 + PB_PIN_LOCK_MS - 1), 1);
	/* then it works again, with five fresh tries */
	assert_int_equal(pb_pin_locked_ms(&p, 5000 + PB_PIN_LOCK_MS), 0);
	type(&p, "1234");
	assert_int_equal(pb_pin_submit(&p, 5000 + PB_PIN_LOCK_MS), PB_PIN_OK);
	type(&p, "9");
	assert_int_equal(pb_pin_submit(&p, 70000), PB_PIN_WRONG);
	assert_int_equal(p.wrong, 1);
}

/* A keyboard trying every PIN: each lock doubles, up to an hour; the right PIN ends the
 * streak. A restart restores it, clamped: a clock set back never lengthens a lock. */
static void
test_lockout_doubles(void **state)
{
	struct pb_pin p;
	uint64_t now = 1000, want = PB_PIN_LOCK_MS;
	(void)state;

	pb_pin_init(&p, "1234");
	for (int lock = 1; lock <= 9; lock++) {
		for (int i = 0; i < PB_PIN_TRIES; i++) {
			type(&p, "0000");
			pb_pin_submit(&p, now);
		}
		assert_int_equal(p.streak, lock);
		assert_int_equal(pb_pin_locked_ms(&p, now), want);
		now += want;
		want = want * 2 < PB_PIN_LOCK_MAX_MS ? want * 2 : PB_PIN_LOCK_MAX_MS;
	}
	assert_int_equal(pb_pin_lock_ms(1), 60000);
	assert_int_equal(pb_pin_lock_ms(2), 120000);
	assert_int_equal(pb_pin_lock_ms(6), 1920000);
	assert_int_equal(pb_pin_lock_ms(7), 3600000);
	assert_int_equal(pb_pin_lock_ms(1000), 3600000);
	type(&p, "1234");
	assert_int_equal(pb_pin_submit(&p, now), PB_PIN_OK);
	assert_int_equal(p.streak, 0);

	/* restored: 3 wrong, lock 2 in a row with 50 s left */
	pb_pin_init(&p, "1234");
	pb_pin_restore(&p, 3, 2, 50000, 7000);
	assert_int_equal(p.wrong, 3);
	assert_int_equal(pb_pin_locked_ms(&p, 7000), 50000);
	type(&p, "1234");
	assert_int_equal(pb_pin_submit(&p, 8000), PB_PIN_LOCKED);
	/* the next lock is the third in a row: 240 s */
	pb_pin_restore(&p, 4, 2, 0, 100000);
	type(&p, "0000");
	assert_int_equal(pb_pin_submit(&p, 100000), PB_PIN_LOCKED);
	assert_int_equal(pb_pin_locked_ms(&p, 100000), 240000);
	/* a file claiming a week's lock, or nonsense counts: clamped */
	pb_pin_init(&p, "1234");
	pb_pin_restore(&p, 99, 1, 7 * 86400000ull, 0);
	assert_int_equal(pb_pin_locked_ms(&p, 0), PB_PIN_LOCK_MS);
	assert_int_equal(p.wrong, 0);
	pb_pin_init(&p, "1234");
	pb_pin_restore(&p, -5, 0, 50000, 0); /* a lock without a streak: none */
	assert_int_equal(pb_pin_locked_ms(&p, 0), 0);
	assert_int_equal(p.wrong, 0);
}

static void
test_pin_config(void **state)
{
	struct pb_pin p;
	(void)state;
	static const char *const bad[] = { "",	    "123",  "123456789", "12a4",    " 1234",
					   "1234 ", "-123", "12.4",	 "１２３４" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_false(pb_pin_valid(bad[i]));
		pb_pin_init(&p, bad[i]);
		assert_false(pb_pin_enabled(&p));
		/* nothing opens a disabled keypad, not even an empty PIN */
		assert_int_equal(pb_pin_submit(&p, 0), PB_PIN_WRONG);
	}
	assert_true(pb_pin_valid("0000"));
	assert_true(pb_pin_valid("12345678"));
}

static char dir[64];

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_settings_round_trip(void **state)
{
	struct pb_settings s, t;
	struct pb_buf text;
	char path[128], why[512];
	(void)state;

	snprintf(path, sizeof(path), "%s/settings.ini", dir);
	unlink(path);
	pb_settings_init(&s);
	assert_int_equal(pb_settings_load(path, &s, why, sizeof(why)), PB_OK); /* missing: ok */
	assert_int_equal(s.delivery, -1);
	assert_string_equal(s.overlay, "");
	snprintf(s.overlay, sizeof(s.overlay), "replay");
	s.delivery = PB_DELIVERY_BOTH;
	pb_settings_count(&s, PB_COUNT_SESSIONS, 3);
	pb_settings_count(&s, PB_COUNT_DOWNLOADS, 5000000000ull); /* past 32 bits */
	pb_settings_reset_counters(&s, 1700000000);
	pb_settings_count(&s, PB_COUNT_PRINTS, 2);
	s.pin_wrong = 3;
	s.pin_streak = 4;
	s.pin_locked_until = 1800000000;
	pb_buf_init(&text);
	pb_settings_format(&s, &text);
	assert_int_equal(pb_file_write_atomic(path, text.data, text.len, 0640), PB_OK);
	pb_buf_fini(&text);

	pb_settings_init(&t);
	assert_int_equal(pb_settings_load(path, &t, why, sizeof(why)), PB_OK);
	assert_string_equal(t.overlay, "replay");
	assert_int_equal(t.delivery, PB_DELIVERY_BOTH);
	assert_int_equal(t.since_reset[PB_COUNT_SESSIONS], 0);
	assert_int_equal(t.total[PB_COUNT_SESSIONS], 3);
	assert_int_equal(t.since_reset[PB_COUNT_PRINTS], 2);
	assert_true(t.total[PB_COUNT_DOWNLOADS] == 5000000000ull);
	assert_int_equal(t.reset_at, 1700000000);
	assert_int_equal(t.pin_wrong, 3);
	assert_int_equal(t.pin_streak, 4);
	assert_int_equal(t.pin_locked_until, 1800000000);
}

static void
test_settings_damaged(void **state)
{
	static const char *const bad[] = {
		"[kiosk]\ndelivery = fax\n",
		"[kiosk]\noverlay = ../../etc\n",
		"[counters]\nsessions = -4\n",
		"[totals]\nphotos = 12abc\n",
		"[counters]\nreset_at = yesterday\n",
		"[kiosk]\ncolour = red\n",
		"[pin]\nwrong = -1\n",
		"[pin]\nguesses = 3\n",
		"[kiosk\noverlay = replay\n", /* torn: half a section header */
		"\x01\x02\xff binary garbage\n",
	};
	char path[128], bad_path[140], why[512];
	(void)state;

	snprintf(path, sizeof(path), "%s/settings.ini", dir);
	snprintf(bad_path, sizeof(bad_path), "%s.bad", path);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct pb_settings s;
		unlink(bad_path);
		write_file(path, bad[i]);
		pb_settings_init(&s);
		assert_int_equal(pb_settings_load(path, &s, why, sizeof(why)), PB_ERR_INPUT);
		assert_non_null(strstr(why, "settings.ini:")); /* file:line */
		/* moved aside, so the next start does not trip on it again */
		assert_int_equal(access(path, F_OK), -1);
		assert_int_equal(access(bad_path, F_OK), 0);
	}
}

/* A writer killed at any moment leaves the old file or the new one, never a mix: a child
 * rewrites the file in a loop and is SIGKILLed; every file the parent reads parses. */
static void
test_settings_kill(void **state)
{
	char path[128], why[512];
	(void)state;

	snprintf(path, sizeof(path), "%s/kill.ini", dir);
	for (int round = 0; round < 20; round++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct pb_settings s;
			pb_settings_init(&s);
			for (uint64_t i = 0;; i++) {
				struct pb_buf text;
				s.delivery = (int)(i % 3);
				snprintf(s.overlay, sizeof(s.overlay), i % 2 ? "replay" : "lounge");
				pb_settings_count(&s, PB_COUNT_PHOTOS, 1);
				pb_buf_init(&text);
				pb_settings_format(&s, &text);
				pb_file_write_atomic(path, text.data, text.len, 0640);
				pb_buf_fini(&text);
			}
		}
		usleep(2000 + (useconds_t)round * 1500);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (access(path, F_OK) != 0)
			continue; /* killed before the first rename */
		struct pb_settings s;
		pb_settings_init(&s);
		assert_int_equal(pb_settings_load(path, &s, why, sizeof(why)), PB_OK);
		/* consistent: photos counts writes; overlay and delivery follow from it */
		uint64_t i = s.total[PB_COUNT_PHOTOS] - 1;
		assert_int_equal(s.delivery, (int)(i % 3));
		assert_string_equal(s.overlay, i % 2 ? "replay" : "lounge");
	}
}

static void
test_paper_presets(void **state)
{
	int v[PB_MAX_PAPER_PRESETS];
	(void)state;
	assert_int_equal(pb_config_paper_presets("36, 108, 400", v, PB_MAX_PAPER_PRESETS), 3);
	assert_int_equal(v[0], 36);
	assert_int_equal(v[2], 400);
	assert_int_equal(pb_config_paper_presets("", v, PB_MAX_PAPER_PRESETS), 0);
	assert_int_equal(pb_config_paper_presets("50", NULL, 0), 1);
	assert_int_equal(pb_config_paper_presets("1,2,3,4,5", v, PB_MAX_PAPER_PRESETS), -1);
	assert_int_equal(pb_config_paper_presets("36 108", v, PB_MAX_PAPER_PRESETS), -1);
	assert_int_equal(pb_config_paper_presets("0", v, PB_MAX_PAPER_PRESETS), -1);
	assert_int_equal(pb_config_paper_presets("36, lots", v, PB_MAX_PAPER_PRESETS), -1);
	assert_int_equal(pb_config_paper_presets("100001", v, PB_MAX_PAPER_PRESETS), -1);
}

struct seen {
	char names[16][48];
	int how[16];
	int n;
};

static void
note(void *ctx, const char *section, const char *name, int how)
{
	struct seen *s = ctx;
	snprintf(s->names[s->n], sizeof(s->names[0]), "%s.%s", section, name);
	s->how[s->n++] = how;
}

static int
how_of(const struct seen *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], name))
			return s->how[i];
	return -1;
}

static void
test_reload(void **state)
{
	struct pb_config running, fresh;
	struct seen seen = { .n = 0 };
	char path[128], err[1024];
	(void)state;

	snprintf(path, sizeof(path), "%s/reload.conf", dir);
	pb_config_init(&running);
	pb_config_init(&fresh);
	write_file(path, "[kiosk]\ncountdown = 5\noverlay = replay\n[staff]\npin = 9876\n"
			 "[camera]\nbackend = gphoto2\n[print]\nmax_copies = 4\n");
	assert_int_equal(pb_config_load(&fresh, path, err, sizeof(err)), PB_OK);
	assert_int_equal(pb_config_reload(&running, &fresh, note, &seen), 5);
	assert_int_equal(how_of(&seen, "kiosk.countdown"), PB_RELOAD_APPLIED);
	assert_int_equal(how_of(&seen, "staff.pin"), PB_RELOAD_APPLIED);
	assert_int_equal(how_of(&seen, "print.max_copies"), PB_RELOAD_APPLIED);
	assert_int_equal(how_of(&seen, "kiosk.overlay"), PB_RELOAD_CALLER);
	assert_int_equal(how_of(&seen, "camera.backend"), PB_RELOAD_RESTART);
	assert_int_equal(running.countdown, 5);
	assert_string_equal(running.staff_pin, "9876");
	assert_string_equal(running.overlay, "replay");
	assert_int_equal(running.camera_backend, 0); /* left for a restart */
	/* the same again: only the key that needs a restart still differs */
	seen.n = 0;
	assert_int_equal(pb_config_reload(&running, &fresh, note, &seen), 1);
	assert_string_equal(seen.names[0], "camera.backend");
	pb_config_fini(&running);
	pb_config_fini(&fresh);
}

static void
test_staff_config(void **state)
{
	static const char *const bad[] = {
		"[staff]\npin = 12\n",
		"[staff]\npin = abcd\n",
		"[staff]\npaper_presets = 36, 0\n",
		"[staff]\npaper_presets = 1, 2, 3, 4, 5\n",
		"[staff]\ntimeout = 5\n",
		"[staff]\npurge_hours = 0\n",
		"[control]\ngroup\n",
	};
	char path[128], err[1024];
	(void)state;
	snprintf(path, sizeof(path), "%s/staff.conf", dir);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct pb_config c;
		pb_config_init(&c);
		write_file(path, bad[i]);
		assert_int_equal(pb_config_load(&c, path, err, sizeof(err)), PB_ERR_CONFIG);
		assert_non_null(strstr(err, path));
		pb_config_fini(&c);
	}
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/pb-staff.XXXXXX"); /* mkdtemp replaces the Xs */
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* The line that contains needle, or -1. */
static int
find_line(const struct pb_staff_text *t, const char *needle)
{
	for (int i = 0; i < t->nlines; i++)
		if (strstr(t->lines[i], needle))
			return i;
	return -1;
}

static void
test_staff_describe(void **state)
{
	uint64_t since[PB_COUNT_N] = { 3, 5, 2, 1, 4, 0 },
		 total[PB_COUNT_N] = { 30, 50, 20, 10, 40, 7 };
	struct pb_staff_facts f = { .uptime_s = 2 * 3600 + 5 * 60,
				    .since_reset = since,
				    .total = total,
				    .disk_free_mb = 100000,
				    .disk_total_mb = 200000 };
	struct pb_staff_text t;
	char buf[4096];
	int i;
	(void)state;

	/* the keypad shows the header only */
	pb_staff_describe(&f, 0, &t, buf, sizeof(buf));
	assert_non_null(strstr(t.header, "up 2 h 05 min"));
	assert_int_equal(t.nlines, 0);

	/* all fine: a connected camera, no printer, a roomy disk */
	f.camera.state = PB_CAM_CONNECTED;
	snprintf(f.camera.model, sizeof(f.camera.model), "Nikon DSC D750");
	f.camera.fps = 29.6;
	pb_staff_describe(&f, 1, &t, buf, sizeof(buf));
	i = find_line(&t, "Camera: Nikon DSC D750, connected, 30 fps");
	assert_true(i >= 0);
	assert_int_equal(t.level[i], 0);
	assert_int_equal(find_line(&t, "Printer"), -1); /* not printing: no printer line */
	assert_int_equal(find_line(&t, "Disk full"), -1);
	i = find_line(&t, "Sessions: 3 · 30");
	assert_true(i >= 0);
	assert_int_equal(t.level[i], 0);
	i = find_line(&t, "Failures: 0 · 7");
	assert_int_equal(t.level[i], 0); /* none since the reset: not flagged */
	assert_int_equal(t.level[find_line(&t, "Since reset")], -1);

	/* everything wrong at once: each says so at the right level */
	f.camera.state = PB_CAM_RECONNECTING;
	snprintf(f.camera.reason, sizeof(f.camera.reason), "USB cable out");
	f.printing = 1;
	f.printer.ready = 0;
	f.printer.prints_remaining = 0;
	f.printer.pending = 2;
	snprintf(f.printer.queue, sizeof(f.printer.queue), "dyesub");
	snprintf(f.printer.message, sizeof(f.printer.message), "out of paper: load paper");
	f.email = 1;
	f.outbox.depth = 3;
	snprintf(f.outbox.last_error, sizeof(f.outbox.last_error), "SMTP server unreachable");
	f.disk_free_mb = 200;
	f.disk_low = 1;
	since[PB_COUNT_FAILURES] = 2;
	pb_staff_describe(&f, 1, &t, buf, sizeof(buf));
	assert_int_equal(t.level[find_line(&t, "Camera: unplugged? reconnecting — USB cable out")],
			 2);
	i = find_line(&t, "Printer dyesub:");
	assert_true(i >= 0);
	assert_int_equal(t.level[i], 2);
	assert_non_null(strstr(t.lines[i], "2 queued, 0 prints left"));
	assert_int_equal(t.level[find_line(&t, "out of paper: load paper")], 2);
	assert_int_equal(t.level[find_line(&t, "Email: 3 waiting")], 2);
	assert_int_equal(t.level[find_line(&t, "SMTP server unreachable")], 2);
	assert_int_equal(t.level[find_line(&t, "Disk: 0.2 GB free")], 2);
	assert_int_equal(t.level[find_line(&t, "Disk full")], 2);
	assert_int_equal(t.level[find_line(&t, "Failures: 2 · 7")], 1);

	/* a print the printer forgot mid-job: staff are told to reprint, at the error level */
	f.printer.unconfirmed = 1;
	pb_staff_describe(&f, 1, &t, buf, sizeof(buf));
	assert_int_equal(t.level[find_line(&t, "1 print may not have come out: tap Reprint")], 2);
	f.printer.unconfirmed = 3;
	pb_staff_describe(&f, 1, &t, buf, sizeof(buf));
	assert_true(find_line(&t, "3 prints may not have come out") >= 0);
	f.printer.unconfirmed = 0;
	pb_staff_describe(&f, 1, &t, buf, sizeof(buf));
	assert_int_equal(find_line(&t, "may not have come out"), -1);

	/* the store failed the listing: the other booths are unknown, not "none" */
	f.publishing = 1;
	f.fleet_unknown = "403 AccessDenied: Access Denied.";
	pb_staff_describe(&f, 1, &t, buf, sizeof(buf));
	assert_int_equal(
		t.level[find_line(&t, "Other booths: unknown (403 AccessDenied: Access Denied.)")],
		2);
	f.fleet_unknown = NULL;
	pb_staff_describe(&f, 1, &t, buf, sizeof(buf));
	assert_int_equal(find_line(&t, "Other booths: unknown"), -1);
	f.publishing = 0;

	/* a dead letter (the server said 550 for one guest): flagged, in the server's words */
	f.outbox.dead = 1;
	snprintf(f.outbox.last_dead, sizeof(f.outbox.last_dead),
		 "b***@example.com: 550 5.1.1 User unknown");
	pb_staff_describe(&f, 1, &t, buf, sizeof(buf));
	assert_int_equal(t.level[find_line(&t, "Email: 1 refused by the server, not sent")], 2);
	assert_int_equal(t.level[find_line(&t, "b***@example.com: 550 5.1.1 User unknown")], 2);
	f.outbox.dead = 0;

	/* guests turned away by the booth's hourly email limit: staff are told, and where */
	assert_int_equal(find_line(&t, "turned away"), -1);
	f.outbox.limited_booth = 3;
	pb_staff_describe(&f, 1, &t, buf, sizeof(buf));
	assert_int_equal(t.level[find_line(&t, "Email: 3 guests turned away by the hourly limit "
					       "([mail] per_booth_per_hour)")],
			 1);
	f.outbox.limited_booth = 0;

	/* a buffer too small for every line: the lines that fit, none torn or past the end */
	char small[120];
	pb_staff_describe(&f, 1, &t, small, sizeof(small));
	assert_true(t.nlines < PB_STAFF_LINES);
	for (i = 0; i < t.nlines; i++) {
		assert_true(t.lines[i] >= small && t.lines[i] < small + sizeof(small));
		assert_true(t.lines[i] + strlen(t.lines[i]) < small + sizeof(small));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pin),
		cmocka_unit_test(test_lockout),
		cmocka_unit_test(test_lockout_doubles),
		cmocka_unit_test(test_pin_config),
		cmocka_unit_test(test_settings_round_trip),
		cmocka_unit_test(test_settings_damaged),
		cmocka_unit_test(test_settings_kill),
		cmocka_unit_test(test_paper_presets),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_staff_config),
		cmocka_unit_test(test_staff_describe),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
