/* The delivery services' decisions (delivery.h) and the disk watch (disk.h): what a guest is
 * offered in each mode, when purges are due, and the booth going out of service on a full disk
 * and back. No service is started: the decisions read only which ones run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "delivery.h"
#include "disk.h"

/* Stand-ins for running services: the decisions only ask whether one runs. */
static char print_runs, gallery_runs;
#define RUNNING_PRINT ((struct pb_print *)&print_runs)
#define RUNNING_GALLERY ((struct pb_gallery *)&gallery_runs)

static void
test_what_each_mode_offers(void **state)
{
	struct pb_delivery_svc d;
	(void)state;

	pb_delivery_init(&d, PB_DELIVERY_PRINT);
	d.print = RUNNING_PRINT;
	assert_int_equal(pb_delivery_print_choice(&d), 1);
	assert_int_equal(pb_delivery_links(&d), 0);
	assert_string_equal(pb_delivery_note(&d, 1), "print offered");
	assert_string_equal(pb_delivery_note(&d, 0), "printer not ready; photo kept on the booth");
	/* print only with the gallery kept for earlier guests: still no link for this one */
	d.gallery = RUNNING_GALLERY;
	assert_int_equal(pb_delivery_links(&d), 0);

	d.mode = PB_DELIVERY_BOTH;
	assert_int_equal(pb_delivery_print_choice(&d), 2);
	assert_int_equal(pb_delivery_links(&d), 1);
	assert_string_equal(pb_delivery_note(&d, 0), "printer not ready; download link shown");

	d.mode = PB_DELIVERY_SHARE;
	assert_int_equal(pb_delivery_print_choice(&d), 0); /* the print thread may still run */
	assert_int_equal(pb_delivery_links(&d), 1);
	d.print = NULL;
	assert_string_equal(pb_delivery_note(&d, 0), "download link shown");
	d.mode = PB_DELIVERY_BOTH; /* both, but the print queue never started */
	assert_int_equal(pb_delivery_print_choice(&d), 0);
}

static void
test_purges_every_ten_minutes(void **state)
{
	struct pb_delivery_svc d;
	(void)state;
	/* print only, no gallery: print-only sessions expire too, the first purge at once */
	pb_delivery_init(&d, PB_DELIVERY_PRINT);
	assert_int_equal(pb_delivery_purge_due(&d, 1000), 1);
	assert_int_equal(pb_delivery_purge_due(&d, 1000 + 599999), 0);
	assert_int_equal(pb_delivery_purge_due(&d, 1000 + 600000), 1);
	pb_delivery_init(&d, PB_DELIVERY_SHARE);
	d.gallery = RUNNING_GALLERY;
	assert_int_equal(pb_delivery_purge_due(&d, 1000), 1); /* the first at once */
	assert_int_equal(pb_delivery_purge_due(&d, 1000 + 599999), 0);
	assert_int_equal(pb_delivery_purge_due(&d, 1000 + 600000), 1);
	assert_int_equal(pb_delivery_purge_due(&d, 1000 + 600001), 0);
	/* the printer is asked at most every 200 ms, and never without a print queue */
	assert_int_equal(pb_delivery_watch_printer(&d, 5000, NULL), 0);
}

static void
test_disk_watch(void **state)
{
	struct pb_disk_watch w;
	(void)state;
	pb_disk_watch_init(&w);
	struct pb_disk d = pb_disk_space(".");
	assert_true(d.ok);
	assert_true(d.total_mb > 0 && d.free_mb <= d.total_mb);
	/* a minimum above the whole disk: out of service */
	int over = (int)(d.total_mb + 1 > 1 << 30 ? 1 << 30 : d.total_mb + 1);
	assert_int_equal(pb_disk_watch(&w, ".", over, 10000, 0), 1);
	assert_true(w.free_mb >= 0);
	/* within 2 s nothing is looked at again unless forced */
	assert_int_equal(pb_disk_watch(&w, ".", 0, 11000, 0), 1);
	assert_int_equal(pb_disk_watch(&w, ".", 0, 11000, 1), 0); /* forced: back in service */
	assert_int_equal(pb_disk_watch(&w, ".", over, 13001, 0), 1);
	/* a folder that is not there: unknown, and the last state stands */
	assert_int_equal(pb_disk_watch(&w, "/nonexistent/photobooth", 0, 20000, 1), 1);
	assert_int_equal(w.free_mb, -1);
	assert_false(pb_disk_space("/nonexistent/photobooth").ok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_what_each_mode_offers),
		cmocka_unit_test(test_purges_every_ten_minutes),
		cmocka_unit_test(test_disk_watch),
	};
	return cmocka_run_group_tests_name("delivery", tests, NULL, NULL);
}
