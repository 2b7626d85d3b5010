/* Compositing: crop-to-fill geometry, slots landing where the theme says, and a downscale
 * that does not alias fine patterns into moire. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "stream.h"
#include "jpeg_fixture.h"

static int
channel(uint32_t p, int shift)
{
	return (int)((p >> shift) & 255);
}

static void
test_crop_to_fill(void **state)
{
	struct pb_rect r;
	(void)state;
	/* a 3:2 photo into a square slot: the centre square */
	r = pb_crop_to_fill(6000, 4000, (struct pb_rect){ 0, 0, 500, 500 });
	assert_int_equal(r.w, 4000);
	assert_int_equal(r.h, 4000);
	assert_int_equal(r.x, 1000);
	assert_int_equal(r.y, 0);
	/* a 3:2 photo into a wide slot: full width, centred band */
	r = pb_crop_to_fill(6000, 4000, (struct pb_rect){ 0, 0, 1680, 840 });
	assert_int_equal(r.w, 6000);
	assert_int_equal(r.h, 3000);
	assert_int_equal(r.y, 500);
	/* same aspect: everything */
	r = pb_crop_to_fill(6000, 4000, (struct pb_rect){ 0, 0, 1800, 1200 });
	assert_int_equal(r.w, 6000);
	assert_int_equal(r.h, 4000);
}

static void
solid_jpeg(int w, int h, uint32_t argb, struct pb_blob *out)
{
	struct pb_image *img;
	assert_int_equal(pb_image_create(w, h, argb, &img), PB_OK);
	assert_int_equal(pb_jpeg_encode(j, img, 95, 0, &out->data, &out->len), PB_OK);
	pb_image_destroy(img);
}

static void
test_slots_land_in_place(void **state)
{
	struct pb_overlay ov = { .width = 600, .height = 400, .dpi = 300, .nslots = 2 };
	struct pb_blob caps[2];
	struct pb_image *out;
	char err[256];
	(void)state;
	ov.slots[0] = (struct pb_rect){ 20, 20, 260, 300 };
	ov.slots[1] = (struct pb_rect){ 320, 20, 260, 300 };
	solid_jpeg(1200, 800, 0xffdd2020u, &caps[0]);
	solid_jpeg(1200, 800, 0xff2020ddu, &caps[1]);
	assert_int_equal(pb_compose(j, &ov, caps, 2, 0, &out, err, sizeof(err)), PB_OK);
	assert_int_equal(out->width, 600);
	assert_int_equal(out->height, 400);
	uint32_t a = pb_image_row(out, 170)[150], b = pb_image_row(out, 170)[450];
	assert_true(channel(a, 16) > 200 && channel(a, 0) < 60); /* red in slot 1 */
	assert_true(channel(b, 0) > 200 && channel(b, 16) < 60); /* blue in slot 2 */
	/* outside the slots the canvas stays white, and the slot edges are sharp */
	assert_int_equal(pb_image_row(out, 370)[300] & 0xffffffu, 0xffffffu);
	assert_int_equal(pb_image_row(out, 10)[10] & 0xffffffu, 0xffffffu);
	assert_int_equal(pb_image_row(out, 170)[300] & 0xffffffu, 0xffffffu);
	pb_image_destroy(out);

	/* the wrong number of photos is refused */
	assert_int_equal(pb_compose(j, &ov, caps, 1, 0, &out, err, sizeof(err)), PB_ERR_INPUT);
	/* a corrupt second photo names itself */
	caps[1].len /= 3;
	assert_int_equal(pb_compose(j, &ov, caps, 2, 0, &out, err, sizeof(err)), PB_ERR_INPUT);
	assert_null(out);
	assert_non_null(strstr(err, "photo 2"));
	free(caps[0].data);
	free(caps[1].data);
}

static void
test_crop_is_centred(void **state)
{
	/* a 3000x1000 picture: black sides, a red centre third; a square slot shows only red */
	struct pb_overlay ov = { .width = 300, .height = 300, .dpi = 300, .nslots = 1 };
	struct pb_image *img, *out;
	struct pb_blob cap;
	char err[256];
	(void)state;
	ov.slots[0] = (struct pb_rect){ 0, 0, 300, 300 };
	assert_int_equal(pb_image_create(3000, 1000, 0xff000000u, &img), PB_OK);
	for (int y = 0; y < 1000; y++)
		for (int x = 1000; x < 2000; x++)
			pb_image_row(img, y)[x] = 0xffe01010u;
	assert_int_equal(pb_jpeg_encode(j, img, 95, 0, &cap.data, &cap.len), PB_OK);
	assert_int_equal(pb_compose(j, &ov, &cap, 1, 0, &out, err, sizeof(err)), PB_OK);
	for (int x = 5; x < 295; x += 29)
		assert_true(channel(pb_image_row(out, 150)[x], 16) > 180);
	pb_image_destroy(out);
	pb_image_destroy(img);
	free(cap.data);
}

static void
test_downscale_does_not_alias(void **state)
{
	/* one-pixel black and white stripes scaled down by 3.3: a good filter gives an even grey;
	 * point sampling gives bands of black and white (moire). */
	struct pb_image *img, *out;
	double sum = 0, sum2 = 0;
	int n = 0;
	(void)state;
	assert_int_equal(pb_image_create(990, 660, 0, &img), PB_OK);
	for (int y = 0; y < 660; y++)
		for (int x = 0; x < 990; x++)
			pb_image_row(img, y)[x] = (x & 1) ? 0xffffffffu : 0xff000000u;
	assert_int_equal(pb_image_scale_fit(img, 300, 300, &out), PB_OK);
	assert_int_equal(out->width, 300);
	assert_int_equal(out->height, 200);
	for (int y = 10; y < 190; y += 7)
		for (int x = 10; x < 290; x++) {
			double g = channel(pb_image_row(out, y)[x], 8);
			sum += g;
			sum2 += g * g;
			n++;
		}
	double mean = sum / n, sd = sqrt(sum2 / n - mean * mean);
	assert_true(mean > 100 && mean < 155);
	if (sd > 12)
		fail_msg("downscaled stripes vary by %.1f grey levels: aliasing", sd);
	pb_image_destroy(out);
	pb_image_destroy(img);
}

/* The fast path's own filter: the same stripes, reduced by what DCT scaling leaves (1.1x to
 * 2x) and more, stay an even grey; and a flat picture stays exactly flat. */
static void
test_stream_resampler_does_not_alias(void **state)
{
	static const double ratios[] = { 1.1, 1.32, 1.5, 1.9, 2.5, 3.3 };
	(void)state;
	for (unsigned r = 0; r < sizeof(ratios) / sizeof(ratios[0]); r++) {
		struct pb_image *img, *out;
		int ow = (int)(990 / ratios[r]), oh = (int)(660 / ratios[r]);
		double sum = 0, sum2 = 0;
		int n = 0;
		assert_int_equal(pb_image_create(990, 660, 0, &img), PB_OK);
		for (int y = 0; y < 660; y++)
			for (int x = 0; x < 990; x++)
				pb_image_row(img, y)[x] = (x & 1) ? 0xffffffffu : 0xff000000u;
		assert_int_equal(pb_image_create(ow, oh, 0, &out), PB_OK);
		assert_int_equal(pb_resample(img, (struct pb_rect){ 0, 0, 990, 660 }, out,
					     (struct pb_rect){ 0, 0, ow, oh }),
				 PB_OK);
		for (int y = 5; y < oh - 5; y += 7)
			for (int x = 5; x < ow - 5; x++) {
				double g = channel(pb_image_row(out, y)[x], 8);
				sum += g;
				sum2 += g * g;
				n++;
			}
		double mean = sum / n, sd = sqrt(sum2 / n - mean * mean);
		if (mean < 110 || mean > 145 || sd > 12)
			fail_msg("reduced %.2fx: mean %.1f, varies by %.1f grey levels", ratios[r],
				 mean, sd);
		pb_image_destroy(out);
		/* flat in, flat out, to the last pixel and the edges */
		for (int y = 0; y < 660; y++)
			for (int x = 0; x < 990; x++)
				pb_image_row(img, y)[x] = 0xff336699u;
		assert_int_equal(pb_image_create(ow, oh, 0, &out), PB_OK);
		pb_resample(img, (struct pb_rect){ 0, 0, 990, 660 }, out,
			    (struct pb_rect){ 0, 0, ow, oh });
		for (int y = 0; y < oh; y++)
			for (int x = 0; x < ow; x++)
				assert_int_equal(pb_image_row(out, y)[x], 0xff336699u);
		pb_image_destroy(out);
		pb_image_destroy(img);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crop_to_fill),
		cmocka_unit_test(test_slots_land_in_place),
		cmocka_unit_test(test_crop_is_centred),
		cmocka_unit_test(test_downscale_does_not_alias),
		cmocka_unit_test(test_stream_resampler_does_not_alias),
	};
	return cmocka_run_group_tests_name("compose", tests, setup, teardown);
}
