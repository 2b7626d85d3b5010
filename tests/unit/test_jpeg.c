/* JPEG tests. Bad inputs tried: truncated JPEG, bytes flipped in the entropy data, a PNG
 * signature, a text file, an empty buffer, a NULL buffer, a Huffman table counting more than
 * 256 codes (which left TurboJPEG's handle refusing every good JPEG after it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "jpeg.h"
#include "jpeg_fixture.h"

/* A test card: four coloured quadrants. */
static struct pb_image *
card(int w, int h)
{
	struct pb_image *img;
	assert_int_equal(pb_image_create(w, h, 0, &img), PB_OK);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			pb_image_row(img, y)[x] = y < h / 2
							  ? (x < w / 2 ? 0xffff0000u : 0xff00ff00u)
							  : (x < w / 2 ? 0xff0000ffu : 0xffffffffu);
	return img;
}

static void
encode(struct pb_image *img, unsigned char **out, size_t *len)
{
	assert_int_equal(pb_jpeg_encode(j, img, 90, 300, out, len), PB_OK);
	assert_true(*len > 100);
}

static int
near(uint32_t a, uint32_t b, int tol)
{
	for (int s = 0; s < 24; s += 8) {
		int d = (int)((a >> s) & 255) - (int)((b >> s) & 255);
		if (d < -tol || d > tol)
			return 0;
	}
	return 1;
}

static void
test_round_trip(void **state)
{
	struct pb_image *img = card(640, 480), *back;
	unsigned char *buf;
	size_t len;
	int w, h;
	(void)state;
	encode(img, &buf, &len);
	assert_int_equal(pb_jpeg_info(j, buf, len, &w, &h), PB_OK);
	assert_int_equal(w, 640);
	assert_int_equal(h, 480);
	assert_int_equal(pb_jpeg_decode(j, buf, len, 0, 0, &back), PB_OK);
	assert_int_equal(back->width, 640);
	assert_true(near(pb_image_row(back, 100)[100], 0xffff0000u, 8));
	assert_true(near(pb_image_row(back, 100)[540], 0xff00ff00u, 8));
	assert_true(near(pb_image_row(back, 380)[100], 0xff0000ffu, 8));
	assert_true(near(pb_image_row(back, 380)[540], 0xffffffffu, 8));
	/* the JFIF header carries 300 DPI */
	assert_int_equal(buf[13], 1);
	assert_int_equal(buf[14] << 8 | buf[15], 300);
	assert_int_equal(buf[16] << 8 | buf[17], 300);
	pb_image_destroy(back);
	pb_image_destroy(img);
	free(buf);
}

static void
test_scaled_decode_covers_request(void **state)
{
	struct pb_image *img = card(1600, 1200), *back;
	unsigned char *buf;
	size_t len;
	(void)state;
	encode(img, &buf, &len);
	/* 1/4 gives 400x300: the smallest scale at least 390x290 */
	assert_int_equal(pb_jpeg_decode(j, buf, len, 390, 290, &back), PB_OK);
	assert_int_equal(back->width, 400);
	assert_int_equal(back->height, 300);
	pb_image_destroy(back);
	/* 401 wide no longer fits 1/4: 3/8 gives 600x450 */
	assert_int_equal(pb_jpeg_decode(j, buf, len, 401, 10, &back), PB_OK);
	assert_int_equal(back->width, 600);
	pb_image_destroy(back);
	/* never upscales */
	assert_int_equal(pb_jpeg_decode(j, buf, len, 5000, 5000, &back), PB_OK);
	assert_int_equal(back->width, 1600);
	pb_image_destroy(back);
	pb_image_destroy(img);
	free(buf);
}

static void
test_bad_inputs(void **state)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0 };
	static const char text[] = "this is a text file named photo.jpg\n";
	struct pb_image *img = card(800, 600), *back = (void *)1;
	unsigned char *buf;
	size_t len;
	(void)state;
	encode(img, &buf, &len);

	assert_int_equal(pb_jpeg_decode(j, buf, len / 2, 0, 0, &back), PB_ERR_INPUT);
	assert_null(back); /* truncated: an error, never a grey-filled picture */
	assert_int_not_equal(strcmp(pb_jpeg_error(j), "no error"), 0);

	assert_int_equal(pb_jpeg_decode(j, png, sizeof(png), 0, 0, &back), PB_ERR_INPUT);
	assert_string_equal(pb_jpeg_error(j), "not a JPEG file");
	assert_int_equal(pb_jpeg_decode(j, (const unsigned char *)text, sizeof(text), 0, 0, &back),
			 PB_ERR_INPUT);
	assert_int_equal(pb_jpeg_decode(j, buf, 0, 0, 0, &back), PB_ERR_INPUT);
	assert_int_equal(pb_jpeg_decode(j, NULL, 0, 0, 0, &back), PB_ERR_INPUT);
	/* a valid header followed by garbage */
	unsigned char *bad = malloc(len);
	memcpy(bad, buf, len);
	for (size_t i = len / 3; i < len - 2; i += 7)
		bad[i] = 0xff;
	assert_int_equal(pb_jpeg_decode(j, bad, len, 0, 0, &back), PB_ERR_INPUT);
	assert_null(back);
	free(bad);
	pb_image_destroy(img);
	free(buf);
}

/* One hostile header must not spoil the decoder for the photos after it: TurboJPEG's handle,
 * after a header it refused, refused every later header too ("Bogus Huffman table
 * definition" for a good JPEG), so one broken capture would stop every guest after it. */
static void
test_bad_header_spoils_nothing(void **state)
{
	struct pb_image *img = card(640, 480), *back = NULL;
	unsigned char *buf, *bad;
	size_t len, dht = 0;
	int w = 0, h = 0;
	(void)state;
	encode(img, &buf, &len);
	bad = malloc(len);
	memcpy(bad, buf, len);
	for (size_t i = 2; i + 21 < len && !dht; i++)
		if (bad[i] == 0xff && bad[i + 1] == 0xc4)
			dht = i;
	assert_true(dht > 0);
	memset(bad + dht + 5, 0x20, 16); /* 16 lengths of 32 codes: 512 codes, over 256 */
	for (int round = 0; round < 3; round++) {
		assert_int_equal(pb_jpeg_info(j, bad, len, &w, &h), PB_ERR_INPUT);
		assert_non_null(strstr(pb_jpeg_error(j), "Huffman"));
		assert_int_equal(pb_jpeg_decode(j, bad, len, 0, 0, &back), PB_ERR_INPUT);
		assert_null(back);
		/* the next, good photo reads and decodes */
		assert_int_equal(pb_jpeg_info(j, buf, len, &w, &h), PB_OK);
		assert_int_equal(w, 640);
		assert_int_equal(h, 480);
		assert_int_equal(pb_jpeg_decode(j, buf, len, 0, 0, &back), PB_OK);
		assert_true(near(pb_image_row(back, 10)[10], 0xffff0000u, 40));
		pb_image_destroy(back);
		back = NULL;
		/* and the encoder still encodes */
		unsigned char *again;
		size_t again_len;
		encode(img, &again, &again_len);
		free(again);
	}
	free(bad);
	free(buf);
	pb_image_destroy(img);
}

static void
test_decode_rgb_checks_size(void **state)
{
	struct pb_image *img = card(64, 48);
	unsigned char *buf, rgb[64 * 48 * 3];
	size_t len;
	(void)state;
	encode(img, &buf, &len);
	assert_int_equal(pb_jpeg_decode_rgb(j, buf, len, rgb, 64, 64 * 3, 48), PB_OK);
	assert_true(rgb[0] > 200 && rgb[1] < 40 && rgb[2] < 40); /* red, top left */
	assert_int_equal(pb_jpeg_decode_rgb(j, buf, len, rgb, 32, 32 * 3, 48), PB_ERR_INPUT);
	pb_image_destroy(img);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_scaled_decode_covers_request),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_bad_header_spoils_nothing),
		cmocka_unit_test(test_decode_rgb_checks_size),
	};
	return cmocka_run_group_tests_name("jpeg", tests, setup, teardown);
}
