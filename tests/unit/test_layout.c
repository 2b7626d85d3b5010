/* Layout at every size booths use: buttons on screen, at least 10 mm, apart, and a touch on
 * a button's centre lands on that button. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "layout.h"

static const int sizes[][2] = { { 800, 480 },	{ 1024, 600 }, { 1280, 720 }, { 1920, 1080 },
				{ 3840, 2160 }, { 480, 800 },  { 1080, 1920 } };

static int
overlap(struct pb_rect a, struct pb_rect b)
{
	return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static int
whole_screen(enum pb_button b)
{
	return b == PB_BTN_START || b == PB_BTN_CONTINUE;
}

static void
test_buttons(void **state)
{
	(void)state;
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int w = sizes[i][0], h = sizes[i][1];
		for (int s = 0; s < PB_STATE_COUNT; s++) {
			for (int variant = 0; variant <= 4 * (2 + PB_MAX_COPY_BUTTONS); variant++) {
				/* Retake offered or not; then 1..4 print buttons; email flags */
				int v = variant % (3 + PB_MAX_COPY_BUTTONS),
				    email = variant / (3 + PB_MAX_COPY_BUTTONS);
				int retake = v & 1, copies = v >= 2 ? v - 1 : 0;
				struct pb_layout l;
				pb_layout_compute(&l, (enum pb_state)s, w, h, 0, retake, copies,
						  email);
				/* 10 mm at the 7" Pi touchscreen's 133 dpi */
				assert_int_equal(l.touch_min, 52);
				for (int b = 1; b < PB_BTN_COUNT; b++) {
					struct pb_rect r = l.button[b];
					if (!r.w)
						continue;
					assert_true(r.x >= 0 && r.y >= 0);
					assert_true(r.x + r.w <= w && r.y + r.h <= h);
					assert_true(r.w >= l.touch_min && r.h >= l.touch_min);
					enum pb_button hit = pb_layout_hit(
						&l, (enum pb_state)s, r.x + r.w / 2, r.y + r.h / 2);
					assert_int_equal(hit, b);
					if (whole_screen((enum pb_button)b))
						continue;
					for (int o = b + 1; o < PB_BTN_COUNT; o++)
						if (l.button[o].w &&
						    !whole_screen((enum pb_button)o))
							assert_false(overlap(r, l.button[o]));
				}
			}
		}
	}
}

/* The email keyboard: every key on screen, 7 mm wide and 10 mm tall at least, apart from
 * each other and from the buttons, and a touch on its centre types it. */
static void
test_keyboard(void **state)
{
	(void)state;
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int w = sizes[i][0], h = sizes[i][1];
		struct pb_layout l;
		pb_layout_compute(&l, PB_EMAIL, w, h, 0, 0, 0, PB_LAYOUT_CONSENT);
		assert_true(l.nkeys >= 46);
		assert_true(l.button[PB_BTN_SEND].w && l.button[PB_BTN_CANCEL].w &&
			    l.button[PB_BTN_CONSENT].w);
		int seven_mm = (int)(133 * 7 / 25.4);
		for (int k = 0; k < l.nkeys; k++) {
			struct pb_rect r = l.keys[k].r;
			assert_true(r.x >= 0 && r.y >= 0 && r.x + r.w <= w && r.y + r.h <= h);
			if (r.w < seven_mm || r.h < l.touch_min)
				fail_msg("%dx%d: key '%s' is %dx%d", w, h, l.keys[k].label, r.w,
					 r.h);
			assert_int_equal(pb_layout_hit(&l, PB_EMAIL, r.x + r.w / 2, r.y + r.h / 2),
					 PB_BTN_KEY);
			assert_int_equal(pb_layout_key(&l, r.x + r.w / 2, r.y + r.h / 2), k);
			for (int o = k + 1; o < l.nkeys; o++)
				assert_false(overlap(r, l.keys[o].r));
			for (int b = 1; b < PB_BTN_COUNT; b++)
				if (l.button[b].w)
					assert_false(overlap(r, l.button[b]));
		}
		assert_false(overlap(l.title, l.keyboard));
		/* the keys that type an address's characters are all there */
		const char *need = "abcdefghijklmnopqrstuvwxyz0123456789@.-_";
		for (const char *c = need; *c; c++) {
			int found = 0;
			for (int k = 0; k < l.nkeys; k++)
				found |= l.keys[k].text && l.keys[k].text[0] == *c &&
					 !l.keys[k].text[1];
			if (!found)
				fail_msg("no key for '%c'", *c);
		}
		/* deliver: Email me beside Done, both big enough */
		pb_layout_compute(&l, PB_DELIVER, w, h, 0, 0, 0, PB_LAYOUT_EMAIL);
		assert_true(l.button[PB_BTN_EMAIL].w >= l.touch_min);
		assert_false(overlap(l.button[PB_BTN_EMAIL], l.button[PB_BTN_DONE]));
	}
}

static void
test_screen_specifics(void **state)
{
	struct pb_layout l;
	(void)state;
	pb_layout_compute(&l, PB_REVIEW, 1920, 1080, 0, 0, 0, 0);
	assert_int_equal(l.button[PB_BTN_RETAKE].w, 0); /* no retakes left: no button */
	assert_true(l.button[PB_BTN_ACCEPT].w > 0);
	pb_layout_compute(&l, PB_REVIEW, 1920, 1080, 0, 1, 0, 0);
	assert_true(l.button[PB_BTN_RETAKE].w > 0);
	/* the photo does not run under the buttons */
	assert_false(overlap(l.media, l.button[PB_BTN_ACCEPT]));
	/* attract: anywhere starts, except the language button */
	pb_layout_compute(&l, PB_ATTRACT, 800, 480, 0, 1, 0, 0);
	assert_int_equal(pb_layout_hit(&l, PB_ATTRACT, 400, 240), PB_BTN_START);
	assert_int_equal(pb_layout_hit(&l, PB_ATTRACT, 5, 470), PB_BTN_START);
	/* nothing to press during the countdown */
	pb_layout_compute(&l, PB_COUNTDOWN, 800, 480, 0, 1, 0, 0);
	assert_int_equal(pb_layout_hit(&l, PB_COUNTDOWN, 400, 240), PB_BTN_NONE);
	/* the error screen: tap anywhere to try again */
	pb_layout_compute(&l, PB_ERROR, 800, 480, 0, 1, 0, 0);
	assert_int_equal(pb_layout_hit(&l, PB_ERROR, 10, 10), PB_BTN_RETRY);
	/* a big screen with a known DPI: 10 mm at 96 dpi is 38 px, buttons far larger */
	pb_layout_compute(&l, PB_REVIEW, 3840, 2160, 96, 1, 0, 0);
	assert_int_equal(l.touch_min, 38);
	assert_true(l.button[PB_BTN_ACCEPT].h >= 300);
	/* deliver with printing: one button per number of prints instead of Done */
	for (int portrait = 0; portrait <= 1; portrait++) {
		int w = portrait ? 480 : 800, h = portrait ? 800 : 480;
		pb_layout_compute(&l, PB_DELIVER, w, h, 0, 1, 2, 0);
		assert_int_equal(l.button[PB_BTN_DONE].w, 0);
		assert_true(l.button[PB_BTN_COPIES_1].w > 0 && l.button[PB_BTN_COPIES_2].w > 0);
		assert_int_equal(l.button[PB_BTN_COPIES_3].w, 0);
		assert_true(l.button[PB_BTN_COPIES_1].x < l.button[PB_BTN_COPIES_2].x);
		assert_false(overlap(l.media, l.button[PB_BTN_COPIES_1]));
		assert_false(overlap(l.body, l.button[PB_BTN_COPIES_2]));
		pb_layout_compute(&l, PB_DELIVER, w, h, 0, 1, 0, 0);
		assert_true(l.button[PB_BTN_DONE].w > 0);
		assert_int_equal(l.button[PB_BTN_COPIES_1].w, 0);
	}
}

static void
test_fit_and_cover(void **state)
{
	struct pb_rect box = { 10, 20, 800, 480 }, r;
	(void)state;
	r = pb_rect_fit(1800, 1200, box); /* 3:2 in 5:3 */
	assert_int_equal(r.h, 480);
	assert_int_equal(r.w, 720);
	assert_int_equal(r.x, 10 + 40);
	r = pb_rect_cover(1800, 1200, box);
	assert_int_equal(r.w, 800);
	assert_int_equal(r.h, 533);
	assert_int_equal(r.y, 20 - 26);
}

/* The live view of a 6000x1 capture: its frame is millions of pixels wide; what is drawn is
 * the screen's part only, from the matching part of the picture, mirrored. */
static void
test_visible_mirrored(void **state)
{
	struct pb_rect src, dst;
	(void)state;
	/* all on screen: the whole picture, as it is */
	assert_int_equal(pb_rect_visible_mirrored((struct pb_rect){ 10, 20, 400, 300 }, 800, 480,
						  1024, 680, &src, &dst),
			 0);
	assert_true(src.x == 0 && src.y == 0 && src.w == 1024 && src.h == 680);
	assert_true(dst.x == 10 && dst.y == 20 && dst.w == 400 && dst.h == 300);
	/* 2.8 million pixels wide, centred on an 800x480 screen */
	struct pb_rect huge = { 400 - 1400000, 0, 2800000, 466 };
	assert_int_equal(pb_rect_visible_mirrored(huge, 800, 480, 6000, 1, &src, &dst), 0);
	assert_true(dst.x == 0 && dst.y == 0 && dst.w == 800 && dst.h == 466);
	assert_true(src.w >= 1 && src.h == 1 && src.x + src.w <= 6000 && src.x >= 2990);
	/* only the frame's left part on screen: mirrored, that is the picture's right part */
	assert_int_equal(pb_rect_visible_mirrored((struct pb_rect){ -300, 0, 400, 100 }, 800, 480,
						  400, 100, &src, &dst),
			 0);
	assert_true(dst.x == 0 && dst.w == 100 && src.x == 0 && src.w == 100);
	assert_int_equal(pb_rect_visible_mirrored((struct pb_rect){ 700, 0, 400, 100 }, 800, 480,
						  400, 100, &src, &dst),
			 0);
	assert_true(dst.x == 700 && dst.w == 100 && src.x == 300 && src.w == 100);
	/* off screen, or nothing to draw */
	assert_int_equal(pb_rect_visible_mirrored((struct pb_rect){ 900, 0, 10, 10 }, 800, 480, 4,
						  4, &src, &dst),
			 -1);
	assert_int_equal(pb_rect_visible_mirrored((struct pb_rect){ 0, 0, 10, 10 }, 800, 480, 0, 4,
						  &src, &dst),
			 -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_visible_mirrored), cmocka_unit_test(test_buttons),
		cmocka_unit_test(test_keyboard),	 cmocka_unit_test(test_screen_specifics),
		cmocka_unit_test(test_fit_and_cover),
	};
	return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
