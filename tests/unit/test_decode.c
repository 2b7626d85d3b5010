/* Captures as cameras and guests' files really are. Inputs tried: all 8 EXIF orientations
 * (little- and big-endian EXIF), a truncated EXIF block, CMYK (YCCK) JPEG, greyscale JPEG,
 * progressive JPEG, a 100 MP JPEG, and headers that claim 60000x60000 (baseline and
 * progressive: a progressive one would need gigabytes held whole). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

#include "compose.h"
#include "jpeg_fixture.h"

/* The upright test card: red top-left, green top-right, blue bottom-left, white bottom-right. */
static const uint32_t quad[4] = { 0xffe02020u, 0xff20e020u, 0xff2020e0u, 0xffffffffu };

static uint32_t
card(int u, int v, int w, int h)
{
	return quad[(v >= h / 2) * 2 + (u >= w / 2)];
}

/* Where upright pixel (u, v) sits in the stored image (ws x hs), per the EXIF spec. */
static void
stored_of(int o, int u, int v, int ws, int hs, int *x, int *y)
{
	switch (o) {
	case 1:
		*x = u;
		*y = v;
		break;
	case 2:
		*x = ws - 1 - u;
		*y = v;
		break; /* mirrored */
	case 3:
		*x = ws - 1 - u;
		*y = hs - 1 - v;
		break; /* upside down */
	case 4:
		*x = u;
		*y = hs - 1 - v;
		break; /* mirrored vertically */
	case 5:
		*x = v;
		*y = u;
		break; /* transposed */
	case 6:
		*x = v;
		*y = hs - 1 - u;
		break; /* needs 90 degrees clockwise */
	case 7:
		*x = ws - 1 - v;
		*y = hs - 1 - u;
		break; /* transverse */
	default:
		*x = ws - 1 - v;
		*y = u;
		break; /* 8: needs 90 degrees anticlockwise */
	}
}

/* A JPEG whose stored pixels, turned by EXIF orientation o, show the upright card. */
static void
oriented_jpeg(int o, int big_endian, struct pb_blob *out)
{
	const int uw = 400, uh = 300;
	int ws = o >= 5 ? uh : uw, hs = o >= 5 ? uw : uh;
	struct pb_image *img;
	unsigned char *plain;
	size_t len;

	assert_int_equal(pb_image_create(ws, hs, 0, &img), PB_OK);
	for (int v = 0; v < uh; v++)
		for (int u = 0; u < uw; u++) {
			int x, y;
			stored_of(o, u, v, ws, hs, &x, &y);
			pb_image_row(img, y)[x] = card(u, v, uw, uh);
		}
	assert_int_equal(pb_jpeg_encode(j, img, 95, 0, &plain, &len), PB_OK);
	pb_image_destroy(img);

	/* SOI, then an APP1 Exif block with IFD0 holding only Orientation, then the rest */
	unsigned char app1[36] = { 0xFF, 0xE1, 0, 34, 'E', 'x', 'i', 'f', 0, 0 };
	unsigned char *t = app1 + 10;
	if (big_endian)
		memcpy(t,
		       (const unsigned char[]){ 'M',  'M',  0, 42, 0, 0, 0, 8, 0, 1,
						0x01, 0x12, 0, 3,  0, 0, 0, 1, 0, (unsigned char)o,
						0,    0,    0, 0,  0, 0 },
		       26);
	else
		memcpy(t, (const unsigned char[]){ 'I',
						   'I',
						   42,
						   0,
						   8,
						   0,
						   0,
						   0,
						   1,
						   0,
						   0x12,
						   0x01,
						   3,
						   0,
						   1,
						   0,
						   0,
						   0,
						   (unsigned char)o,
						   0,
						   0,
						   0,
						   0,
						   0,
						   0,
						   0 },
		       26);
	out->len = len + sizeof(app1);
	out->data = malloc(out->len);
	memcpy(out->data, plain, 2);
	memcpy(out->data + 2, app1, sizeof(app1));
	memcpy(out->data + 2 + sizeof(app1), plain + 2, len - 2);
	free(plain);
}

static int
near(uint32_t a, uint32_t b)
{
	for (int s = 0; s < 24; s += 8) {
		int d = (int)((a >> s) & 255) - (int)((b >> s) & 255);
		if (d < -40 || d > 40)
			return 0;
	}
	return 1;
}

static void
test_all_eight_orientations(void **state)
{
	struct pb_overlay ov = { .width = 200, .height = 150, .dpi = 300, .nslots = 1 };
	(void)state;
	ov.slots[0] = (struct pb_rect){ 0, 0, 200, 150 };
	for (int be = 0; be <= 1; be++)
		for (int o = 1; o <= 8; o++) {
			struct pb_blob cap;
			struct pb_image *out;
			char err[256];
			oriented_jpeg(o, be, &cap);
			assert_int_equal(pb_jpeg_orientation(cap.data, cap.len), o);
			assert_int_equal(pb_compose(j, &ov, &cap, 1, 0, &out, err, sizeof(err)),
					 PB_OK);
			uint32_t tl = pb_image_row(out, 37)[50], tr = pb_image_row(out, 37)[150];
			uint32_t bl = pb_image_row(out, 112)[50], br = pb_image_row(out, 112)[150];
			if (!near(tl, quad[0]) || !near(tr, quad[1]) || !near(bl, quad[2]) ||
			    !near(br, quad[3]))
				fail_msg("orientation %d (%s): got %08x %08x / %08x %08x", o,
					 be ? "MM" : "II", tl, tr, bl, br);
			pb_image_destroy(out);
			free(cap.data);
		}
}

static void
test_orientation_parser_is_careful(void **state)
{
	struct pb_blob cap;
	(void)state;
	oriented_jpeg(6, 0, &cap);
	/* every truncation of the file still answers, and never reads past the end */
	for (size_t n = 0; n < 60; n++) {
		int o = pb_jpeg_orientation(cap.data, n);
		assert_true(o == 1 || (o == 6 && n >= 36));
	}
	/* a bad IFD offset, an orientation out of range */
	cap.data[2 + 14] = 0xF0;
	assert_int_equal(pb_jpeg_orientation(cap.data, cap.len), 1);
	free(cap.data);
	oriented_jpeg(6, 0, &cap);
	cap.data[2 + 28] = 9;
	assert_int_equal(pb_jpeg_orientation(cap.data, cap.len), 1);
	free(cap.data);
	assert_int_equal(pb_jpeg_orientation((const unsigned char *)"hello", 5), 1);
}

/* Encodes raw pixels with TurboJPEG directly, for colour models pb_jpeg_encode does not make. */
static void
raw_jpeg(const unsigned char *px, int w, int h, int pf, int samp, int flags, struct pb_blob *out)
{
	tjhandle t = tjInitCompress();
	unsigned char *buf = NULL;
	unsigned long size = 0;
	assert_int_equal(tjCompress2(t, px, w, 0, h, pf, &buf, &size, samp, 90, flags), 0);
	out->data = malloc(size);
	memcpy(out->data, buf, size);
	out->len = size;
	tjFree(buf);
	tjDestroy(t);
}

static uint32_t
decode_centre(const struct pb_blob *b)
{
	struct pb_image *img;
	uint32_t p;
	assert_int_equal(pb_jpeg_decode(j, b->data, b->len, 0, 0, &img), PB_OK);
	p = pb_image_row(img, img->height / 2)[img->width / 2];
	pb_image_destroy(img);
	return p;
}

static void
test_cmyk_grey_progressive(void **state)
{
	enum { W = 64, H = 48 };
	unsigned char cmyk[W * H * 4], grey[W * H], rgb[W * H * 3];
	struct pb_blob b;
	(void)state;
	/* Adobe-style inverted CMYK: 255 = no ink. Full cyan ink, no other ink: cyan. */
	for (int i = 0; i < W * H; i++) {
		cmyk[4 * i] = 0;
		cmyk[4 * i + 1] = 255;
		cmyk[4 * i + 2] = 255;
		cmyk[4 * i + 3] = 255;
	}
	raw_jpeg(cmyk, W, H, TJPF_CMYK, TJSAMP_444, 0, &b);
	assert_true(near(decode_centre(&b), 0xff00ffffu));
	free(b.data);

	memset(grey, 128, sizeof(grey));
	raw_jpeg(grey, W, H, TJPF_GRAY, TJSAMP_GRAY, 0, &b);
	assert_true(near(decode_centre(&b), 0xff808080u));
	free(b.data);

	for (int i = 0; i < W * H; i++) {
		rgb[3 * i] = 200;
		rgb[3 * i + 1] = 100;
		rgb[3 * i + 2] = 50;
	}
	raw_jpeg(rgb, W, H, TJPF_RGB, TJSAMP_420, TJFLAG_PROGRESSIVE, &b);
	assert_true(near(decode_centre(&b), 0xffc86432u));
	free(b.data);
}

static void
test_100_megapixels(void **state)
{
	enum { W = 12000, H = 8400 };
	unsigned char *grey = malloc((size_t)W * H);
	struct pb_overlay ov = { .width = 1800, .height = 1200, .dpi = 300, .nslots = 1 };
	struct pb_image *out;
	struct pb_blob b;
	char err[256];
	(void)state;
	for (int y = 0; y < H; y++)
		memset(grey + (size_t)y * W, y < H / 2 ? 40 : 220, W);
	raw_jpeg(grey, W, H, TJPF_GRAY, TJSAMP_GRAY, 0, &b);
	free(grey);
	ov.slots[0] = (struct pb_rect){ 0, 0, 1800, 1200 };
	/* composed: decoded at a small DCT scale, correct output */
	assert_int_equal(pb_compose(j, &ov, &b, 1, 0, &out, err, sizeof(err)), PB_OK);
	assert_true(near(pb_image_row(out, 100)[900], 0xff282828u));
	assert_true(near(pb_image_row(out, 1100)[900], 0xffdcdcdcu));
	pb_image_destroy(out);
	/* at full size it is refused with a reason, not a crash or an abort */
	assert_int_equal(pb_jpeg_decode(j, b.data, b.len, 0, 0, &out), PB_ERR_INPUT);
	assert_null(out);
	assert_non_null(strstr(pb_jpeg_error(j), "too large"));
	free(b.data);
}

/* Rewrites the frame header (SOF0 or SOF2) to claim w x h. */
static void
claim_size(struct pb_blob *b, int w, int h)
{
	for (size_t i = 2; i + 9 < b->len; i++) {
		unsigned char *m = (unsigned char *)b->data + i;
		if (m[0] == 0xff && (m[1] == 0xc0 || m[1] == 0xc2)) {
			m[5] = (unsigned char)(h >> 8);
			m[6] = (unsigned char)h;
			m[7] = (unsigned char)(w >> 8);
			m[8] = (unsigned char)w;
			return;
		}
	}
	fail_msg("no frame header");
}

static void
test_giant_header(void **state)
{
	enum { W = 64, H = 48 };
	unsigned char rgb[W * H * 3];
	struct pb_overlay ov = { .width = 1800, .height = 1200, .dpi = 300, .nslots = 1 };
	struct pb_image *out = NULL;
	struct pb_blob b;
	char err[256];
	int w, h;
	(void)state;
	ov.slots[0] = (struct pb_rect){ 0, 0, 1800, 1200 };
	memset(rgb, 120, sizeof(rgb));
	for (int progressive = 0; progressive < 2; progressive++) {
		raw_jpeg(rgb, W, H, TJPF_RGB, TJSAMP_420, progressive ? TJFLAG_PROGRESSIVE : 0, &b);
		claim_size(&b, 60000, 60000);
		assert_int_equal(pb_jpeg_info(j, b.data, b.len, &w, &h), PB_ERR_INPUT);
		assert_non_null(strstr(pb_jpeg_error(j), "60000x60000, larger than any camera"));
		/* the streaming path (upright captures) refuses it too, before allocating */
		assert_int_equal(pb_compose(j, &ov, &b, 1, 0, &out, err, sizeof(err)),
				 PB_ERR_INPUT);
		assert_null(out);
		if (!strstr(err, "photo 1: the JPEG is 60000x60000, larger than any camera"))
			fail_msg("compose said \"%s\"", err);
		free(b.data);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_eight_orientations),
		cmocka_unit_test(test_orientation_parser_is_careful),
		cmocka_unit_test(test_cmyk_grey_progressive),
		cmocka_unit_test(test_100_megapixels),
		cmocka_unit_test(test_giant_header),
	};
	return cmocka_run_group_tests_name("decode", tests, setup, teardown);
}
