/* Golden images: the shipped themes composed from fixed inputs, dated a fixed day, compared
 * with reviewed prints in tests/golden/ (lossless PNG at half size; PSNR at least 40 dB, so a
 * different FreeType or libjpeg-turbo build does not fail it, while a shifted slot, a missing frame
 * or text does). `build/tests/test_golden --update` (make golden) writes them anew; look at them
 * before committing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>

#include "camera.h"
#include "compose.h"
#include "helpers.h"
#include "pngfile.h"

static int update;

/* 2026-11-22 12:00 UTC */
#define WHEN ((time_t)1795348800)

static void
inputs(struct pb_jpeg *j, int n, int w, int h, struct pb_blob *caps)
{
	struct pb_image *img;
	assert_int_equal(pb_image_create(w, h, 0, &img), PB_OK);
	for (int i = 0; i < n; i++) {
		pb_camera_sim_scene(img, 1000u + 1700u * (unsigned)i);
		assert_int_equal(pb_jpeg_encode(j, img, 95, 0, &caps[i].data, &caps[i].len), PB_OK);
	}
	pb_image_destroy(img);
}

/* 2x2 box average: half size, and sensor noise averages out */
static struct pb_image *
half(const struct pb_image *a)
{
	struct pb_image *h;
	assert_int_equal(pb_image_create(a->width / 2, a->height / 2, 0, &h), PB_OK);
	for (int y = 0; y < h->height; y++)
		for (int x = 0; x < h->width; x++) {
			uint32_t out = 0xff000000u;
			for (int s = 0; s < 24; s += 8) {
				uint32_t sum = ((pb_image_row(a, 2 * y)[2 * x] >> s) & 255) +
					       ((pb_image_row(a, 2 * y)[2 * x + 1] >> s) & 255) +
					       ((pb_image_row(a, 2 * y + 1)[2 * x] >> s) & 255) +
					       ((pb_image_row(a, 2 * y + 1)[2 * x + 1] >> s) & 255);
				out |= ((sum + 2) / 4) << s;
			}
			pb_image_row(h, y)[x] = out;
		}
	return h;
}

static void
write_golden(const char *path, const struct pb_image *img)
{
	png_image png;
	memset(&png, 0, sizeof(png));
	png.version = PNG_IMAGE_VERSION;
	png.width = (unsigned)img->width;
	png.height = (unsigned)img->height;
	png.format = PNG_FORMAT_BGRA; /* native 0xAARRGGBB on little-endian */
	if (!png_image_write_to_file(&png, path, 0, img->pixels, img->stride, NULL))
		fail_msg("cannot write %s: %s", path, png.message);
}

static double
psnr(const struct pb_image *a, const struct pb_image *b)
{
	double se = 0;
	for (int y = 0; y < a->height; y++)
		for (int x = 0; x < a->width; x++) {
			uint32_t p = pb_image_row(a, y)[x], q = pb_image_row(b, y)[x];
			for (int s = 0; s < 24; s += 8) {
				double d = (double)((p >> s) & 255) - (double)((q >> s) & 255);
				se += d * d;
			}
		}
	double mse = se / (3.0 * a->width * a->height);
	return mse == 0 ? 99.0 : 10.0 * log10(255.0 * 255.0 / mse);
}

static void
golden(const char *theme, int w, int h)
{
	char dir[4096], path[4200], err[2048];
	struct pb_jpeg *j = pb_jpeg_create();
	struct pb_overlay *ov;
	struct pb_blob caps[PB_MAX_SLOTS] = { 0 };
	struct pb_image *out, *want;
	unsigned char *data;
	size_t len;

	snprintf(dir, sizeof(dir), "%s/overlays", srcdir());
	assert_int_equal(pb_overlay_load(dir, theme, &ov, err, sizeof(err)), PB_OK);
	inputs(j, ov->nslots, w, h, caps);
	assert_int_equal(pb_compose(j, ov, caps, ov->nslots, WHEN, &out, err, sizeof(err)), PB_OK);
	snprintf(path, sizeof(path), "%s/tests/golden/%s.png", srcdir(), theme);
	struct pb_image *small = half(out);
	if (update) {
		write_golden(path, small);
		printf("wrote %s\n", path);
	} else {
		int alpha;
		assert_int_equal(pb_file_read(path, 1 << 24, &data, &len), PB_OK);
		assert_int_equal(pb_png_decode(data, len, &want, &alpha, err, sizeof(err)), PB_OK);
		free(data);
		assert_int_equal(want->width, small->width);
		assert_int_equal(want->height, small->height);
		double db = psnr(small, want);
		printf("# %s: %.1f dB against the golden print\n", theme, db);
		if (db < 40.0)
			fail_msg("%s differs from %s: PSNR %.1f dB < 40", theme, path, db);
		pb_image_destroy(want);
	}
	pb_image_destroy(small);
	for (int i = 0; i < ov->nslots; i++)
		free(caps[i].data);
	pb_image_destroy(out);
	pb_overlay_destroy(ov);
	pb_jpeg_destroy(j);
}

/* one photo, the fast path (a 3:2 capture into a wider slot) */
static void
test_certification_lounge(void **state)
{
	(void)state;
	golden("certification-lounge", 3000, 2000);
}

/* three photos into 4:3 slots, two strips on one sheet */
static void
test_replay(void **state)
{
	(void)state;
	golden("replay", 2400, 1600);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_certification_lounge),
		cmocka_unit_test(test_replay),
	};
	update = argc > 1 && !strcmp(argv[1], "--update");
	setenv("TZ", "UTC", 1); /* the printed date */
	tzset();
	return cmocka_run_group_tests_name("golden", tests, NULL, NULL);
}
