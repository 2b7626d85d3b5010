/* The print spool on a real file system: what is spooled survives a restart, a crash between
 * the link and the save, a damaged spool.ini, and a full or missing photo. Also the printer
 * side that needs no CUPS: which printer-state-reasons stop printing, and a print thread with
 * no CUPS server at all (a real unanswered socket path, not a mock), which must keep the
 * print and say why. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <time.h>

#include "helpers.h"
#include "print.h"
#include "spool.h"

static char *
path_in(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static int
exists(const char *dir, const char *name)
{
	char *p = path_in(dir, name);
	int there = access(p, F_OK) == 0;
	free(p);
	return there;
}

static void
test_round_trip(void **state)
{
	char *tmp = make_tmpdir(), *spool = path_in(tmp, "spool"),
	     *photo = path_in(tmp, "final.jpg");
	struct pb_spool s;
	(void)state;

	write_text(photo, "not really a jpeg, the spool does not care");
	assert_int_equal(pb_spool_open(&s, spool), PB_OK);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.c.prints_remaining, -1);
	assert_int_equal(pb_spool_add(&s, "20261122-101010-0a0b0c0d", 1, 2, photo), PB_OK);
	assert_int_equal(pb_spool_add(&s, "20261122-101010-0a0b0c0d", 2, 2, photo), PB_OK);
	/* the same print twice is refused, as is an id that is not a file name */
	assert_int_equal(pb_spool_add(&s, "20261122-101010-0a0b0c0d", 2, 2, photo), PB_ERR_INPUT);
	assert_int_equal(pb_spool_add(&s, "../../etc", 1, 1, photo), PB_ERR_INPUT);
	assert_int_equal(pb_spool_add(&s, "a b", 1, 1, photo), PB_ERR_INPUT);
	/* a photo that is not there: nothing spooled */
	assert_int_equal(
		pb_spool_add(&s, "20261122-101011-00000000", 1, 1, "/nonexistent/final.jpg"),
		PB_ERR_INPUT);
	assert_int_equal(s.n, 2);
	assert_true(exists(spool, "20261122-101010-0a0b0c0d-1.jpg"));
	s.jobs[0].cups_job = 41;
	s.c.prints_remaining = 120;
	s.c.completed = 7;
	s.c.seconds_per_print = 12.5;
	assert_int_equal(pb_spool_save(&s), PB_OK);
	pb_spool_close(&s);

	assert_int_equal(pb_spool_open(&s, spool), PB_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.jobs[0].id, "20261122-101010-0a0b0c0d-1");
	assert_string_equal(s.jobs[1].session, "20261122-101010-0a0b0c0d");
	assert_int_equal(s.jobs[0].cups_job, 41);
	assert_int_equal(s.jobs[1].cups_job, 0);
	assert_int_equal(s.jobs[1].copy, 2);
	assert_int_equal(s.jobs[1].copies, 2);
	assert_false(s.jobs[0].uncertain);
	assert_int_equal(s.c.prints_remaining, 120);
	assert_int_equal(s.c.completed, 7);
	assert_true(s.c.seconds_per_print > 12.4 && s.c.seconds_per_print < 12.6);
	/* removing a job removes its photo, and the removal survives a restart */
	assert_int_equal(pb_spool_remove(&s, 0), PB_OK);
	assert_false(exists(spool, "20261122-101010-0a0b0c0d-1.jpg"));
	pb_spool_close(&s);
	assert_int_equal(pb_spool_open(&s, spool), PB_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.jobs[0].id, "20261122-101010-0a0b0c0d-2");
	pb_spool_close(&s);
	/* a photo on another file system (no hard link possible) is copied */
	char *shm = strdup("/dev/shm/pbtest-photo-XXXXXX");
	int fd = mkstemp(shm);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "from tmpfs", 10), 10);
	close(fd);
	assert_int_equal(pb_spool_open(&s, spool), PB_OK);
	assert_int_equal(pb_spool_add(&s, "20261122-101012-0e0e0e0e", 1, 1, shm), PB_OK);
	unlink(shm);
	free(shm);
	char *copied = path_in(spool, "20261122-101012-0e0e0e0e-1.jpg");
	unsigned char *data;
	size_t len;
	assert_int_equal(pb_file_read(copied, 100, &data, &len), PB_OK);
	assert_int_equal(len, 10);
	assert_memory_equal(data, "from tmpfs", 10);
	free(data);
	free(copied);
	pb_spool_close(&s);
	/* the session's own photo is untouched throughout */
	assert_int_equal(access(photo, F_OK), 0);
	free(photo);
	free(spool);
	rm_tree(tmp);
	free(tmp);
}

/* The kiosk died after linking a photo and before saving spool.ini: the photo is adopted,
 * marked uncertain (CUPS may have it), in name order after the listed jobs. */
static void
test_orphans_adopted(void **state)
{
	char *tmp = make_tmpdir(), *spool = path_in(tmp, "spool"),
	     *photo = path_in(tmp, "final.jpg");
	struct pb_spool s;
	(void)state;

	write_text(photo, "x");
	assert_int_equal(pb_spool_open(&s, spool), PB_OK);
	assert_int_equal(pb_spool_add(&s, "20261122-090000-11111111", 1, 1, photo), PB_OK);
	pb_spool_close(&s);
	char *o2 = path_in(spool, "20261122-090200-33333333-2.jpg");
	char *o1 = path_in(spool, "20261122-090100-22222222-1.jpg");
	assert_int_equal(link(photo, o2), 0);
	assert_int_equal(link(photo, o1), 0);
	char *notes = path_in(spool, "notes.txt"), *hidden = path_in(spool, ".hidden.jpg");
	write_text(notes, "not a print");
	write_text(hidden, "not ours");
	free(notes);
	free(hidden);

	assert_int_equal(pb_spool_open(&s, spool), PB_OK);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.jobs[0].id, "20261122-090000-11111111-1");
	assert_false(s.jobs[0].uncertain);
	assert_string_equal(s.jobs[1].id, "20261122-090100-22222222-1");
	assert_string_equal(s.jobs[1].session, "20261122-090100-22222222");
	assert_true(s.jobs[1].uncertain);
	assert_int_equal(s.jobs[1].cups_job, 0);
	assert_string_equal(s.jobs[2].session, "20261122-090200-33333333");
	assert_int_equal(s.jobs[2].copy, 2);
	pb_spool_close(&s);
	/* adoption was saved: now they are listed */
	assert_int_equal(pb_spool_open(&s, spool), PB_OK);
	assert_int_equal(s.n, 3);
	assert_false(s.jobs[2].uncertain);
	pb_spool_close(&s);
	free(o1);
	free(o2);
	free(photo);
	free(spool);
	rm_tree(tmp);
	free(tmp);
}

/* A damaged spool.ini is moved aside with a clear log line; the photos still print. A listed
 * job whose photo is gone was printed and removed: it is dropped. */
static void
test_damaged_ini(void **state)
{
	static const char *const bad[] = {
		"[counters]\nprints_remaining = lots\n",
		"[job.x y]\ncopy = 1\n",
		"this is not ini\n",
		"[counters]\ncompleted = -5\n",
		"[job.20261122-090000-11111111-1]\ncups_job = 12abc\n",
		"[elsewhere]\nkey = 1\n",
		"\xff\xfe\x00garbage",
	};
	(void)state;
	for (unsigned k = 0; k < sizeof(bad) / sizeof(*bad); k++) {
		char *tmp = make_tmpdir(), *spool = path_in(tmp, "spool");
		char *photo = path_in(tmp, "final.jpg");
		struct pb_spool s;
		write_text(photo, "x");
		assert_int_equal(pb_spool_open(&s, spool), PB_OK);
		assert_int_equal(pb_spool_add(&s, "20261122-090000-11111111", 1, 1, photo), PB_OK);
		pb_spool_close(&s);
		char *ini = path_in(spool, "spool.ini");
		write_text(ini, bad[k]);
		assert_int_equal(pb_spool_open(&s, spool), PB_OK);
		assert_true(exists(spool, "spool.ini.bad"));
		assert_int_equal(s.n, 1); /* adopted from its photo */
		assert_true(s.jobs[0].uncertain);
		assert_int_equal(s.c.prints_remaining, -1);
		pb_spool_close(&s);
		free(ini);
		free(photo);
		free(spool);
		rm_tree(tmp);
		free(tmp);
	}
	/* listed but its photo gone */
	char *tmp = make_tmpdir(), *spool = path_in(tmp, "spool"), *photo = path_in(tmp, "f.jpg");
	struct pb_spool s;
	write_text(photo, "x");
	assert_int_equal(pb_spool_open(&s, spool), PB_OK);
	assert_int_equal(pb_spool_add(&s, "20261122-090000-11111111", 1, 1, photo), PB_OK);
	assert_int_equal(pb_spool_add(&s, "20261122-090000-11111111", 2, 2, photo), PB_OK);
	pb_spool_close(&s);
	char *gone = path_in(spool, "20261122-090000-11111111-1.jpg");
	assert_int_equal(unlink(gone), 0);
	assert_int_equal(pb_spool_open(&s, spool), PB_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.jobs[0].id, "20261122-090000-11111111-2");
	pb_spool_close(&s);
	free(gone);
	free(photo);
	free(spool);
	rm_tree(tmp);
	free(tmp);
}

/* A spool folder that cannot be made is an error, not a crash. */
static void
test_unusable_folder(void **state)
{
	char *tmp = make_tmpdir(), *file = path_in(tmp, "file");
	char *spool = path_in(file, "spool");
	struct pb_spool s;
	(void)state;
	write_text(file, "a file where a folder should be");
	assert_int_equal(pb_spool_open(&s, spool), PB_ERR_IO);
	pb_spool_close(&s);
	free(spool);
	free(file);
	rm_tree(tmp);
	free(tmp);
}

static void
test_reasons(void **state)
{
	(void)state;
	static const char *const stop[] = {
		"media-empty",
		"media-empty-error",
		"media-jam",
		"media-jam-error",
		"marker-supply-empty-error",
		"door-open",
		"cover-open-error",
		"offline",
		"offline-report",
		"paused",
		"media-needed",
		"input-tray-missing",
		"some-new-thing-error",
	};
	static const char *const go[] = {
		"none",
		"media-low-report",
		"media-empty-warning",
		"marker-supply-low-warning",
		"cups-insecure-filter-warning",
		"connecting-to-device",
		"other-report",
		"",
	};
	for (unsigned i = 0; i < sizeof(stop) / sizeof(*stop); i++)
		assert_true(pb_printer_reason_blocks(stop[i]));
	for (unsigned i = 0; i < sizeof(go) / sizeof(*go); i++)
		assert_false(pb_printer_reason_blocks(go[i]));
	/* staff get words, the most pressing reason first */
	assert_non_null(
		strstr(pb_printer_reason_words("media-empty-error,paused"), "out of paper"));
	assert_non_null(strstr(pb_printer_reason_words("paused,media-jam"), "paper jam"));
	assert_non_null(strstr(pb_printer_reason_words("marker-supply-empty-error"), "ribbon"));
	assert_non_null(strstr(pb_printer_reason_words("offline-report"), "offline"));
	assert_non_null(strstr(pb_printer_reason_words("paused"), "resume"));
	assert_null(pb_printer_reason_words(""));
	assert_null(pb_printer_reason_words("cups-waiting-for-job-completed"));
}

/* No CUPS server answers: the print is spooled, the status says why, nothing is lost when the
 * kiosk stops. */
static void
test_no_cups_server(void **state)
{
	char *tmp = make_tmpdir(), *spool = path_in(tmp, "spool"),
	     *photo = path_in(tmp, "final.jpg");
	char *sock = path_in(tmp, "no-cupsd.sock");
	struct pb_printer_health h;
	struct pb_print_position pos;
	(void)state;

	write_text(photo, "x");
	setenv("CUPS_SERVER", sock, 1);
	struct pb_print_config cfg = {
		.printer = "booth",
		.media = "na_index-4x6_4x6in",
		.quality = PB_QUALITY_HIGH,
		.scaling = PB_SCALING_FILL,
		.borderless = 1,
		.options = "",
		.seconds_per_print = 20,
		.paper_warn = 5,
		.spool_dir = spool,
		.poll_ms = 50,
	};
	struct pb_print *p = pb_print_create(&cfg);
	assert_non_null(p);
	assert_int_equal(pb_print_submit(p, "20261122-120000-abcdef01", photo, 0), PB_ERR_INPUT);
	assert_int_equal(pb_print_submit(p, "20261122-120000-abcdef01", photo, 2), PB_OK);
	pb_print_set_paper(p, 5);
	/* the thread answers within a few polls; wait for it without assuming a speed */
	for (int i = 0; i < 400; i++) {
		pb_print_health(p, &h);
		if (h.state == PB_PRINTER_UNREACHABLE && h.prints_remaining == 5)
			break;
		nanosleep(&(struct timespec){ 0, 25000000 }, NULL);
	}
	assert_int_equal(h.state, PB_PRINTER_UNREACHABLE);
	assert_false(h.ready);
	assert_non_null(strstr(h.message, "cannot reach CUPS"));
	assert_non_null(strstr(h.message, sock));
	assert_int_equal(h.pending, 2);
	assert_true(h.paper_low);
	assert_true(pb_print_position(p, "20261122-120000-abcdef01", &pos));
	assert_int_equal(pos.mine, 2);
	assert_int_equal(pos.ahead, 0);
	assert_int_equal(pos.eta_s, 40); /* 2 prints at the configured 20 s */
	assert_false(pb_print_position(p, "20261122-120000-00000000", &pos));
	assert_false(pos.failed);
	/* a photo that is gone cannot be spooled: the guest's screen must not say printed */
	assert_int_equal(
		pb_print_submit(p, "20261122-120001-abcdef02", "/nonexistent/final.jpg", 1), PB_OK);
	for (int i = 0; i < 400 && !pos.failed; i++) {
		pb_print_position(p, "20261122-120001-abcdef02", &pos);
		nanosleep(&(struct timespec){ 0, 25000000 }, NULL);
	}
	assert_true(pos.failed);
	assert_int_equal(pos.mine, 0);
	pb_print_health(p, &h);
	assert_int_equal(h.failed, 1);
	assert_int_equal(h.pending, 2);
	pb_print_destroy(p);
	/* both prints are in the spool for the next start */
	assert_true(exists(spool, "20261122-120000-abcdef01-1.jpg"));
	assert_true(exists(spool, "20261122-120000-abcdef01-2.jpg"));
	struct pb_spool s;
	assert_int_equal(pb_spool_open(&s, spool), PB_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.c.prints_remaining, 5);
	pb_spool_close(&s);
	unsetenv("CUPS_SERVER");
	free(sock);
	free(photo);
	free(spool);
	rm_tree(tmp);
	free(tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),  cmocka_unit_test(test_orphans_adopted),
		cmocka_unit_test(test_damaged_ini), cmocka_unit_test(test_unusable_folder),
		cmocka_unit_test(test_reasons),	    cmocka_unit_test(test_no_cups_server),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
