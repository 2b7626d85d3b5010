/* Colour: captures with embedded ICC profiles (Ghostscript's a98.icc and srgb.icc from
 * Debian's libgs-common, a Display P3 profile made here with LittleCMS, and broken ones) come
 * out of compose as sRGB; the booth's own JPEGs carry the sRGB tag. Bad input tried: a
 * profile cut in half, one with a garbled header, a CMYK profile on an RGB photo, 20
 * different profiles (more than the cache holds). */
#include <lcms2.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "compose.h"
#include "file.h"
#include "icc.h"
#include "jpeg_fixture.h"
#include "overlay.h"

#define GS "/usr/share/color/icc/ghostscript/"

/* sRGB (0,161,48), the green the issue measured, and a skin tone */
static const int want[2][3] = { { 0, 161, 48 }, { 224, 172, 140 } };

static unsigned char *
load(const char *path, size_t *n)
{
	unsigned char *d = NULL;
	assert_int_equal(pb_file_read(path, 1 << 20, &d, n), PB_OK);
	return d;
}

/* A P3 profile: the DCI-P3 primaries at D65 with sRGB's curve, as phones write. */
static unsigned char *
p3_profile(size_t *n)
{
	cmsCIExyY d65 = { 0.3127, 0.3290, 1.0 };
	cmsCIExyYTRIPLE p3 = { { 0.680, 0.320, 1.0 },
			       { 0.265, 0.690, 1.0 },
			       { 0.150, 0.060, 1.0 } };
	cmsFloat64Number srgb[5] = { 2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045 };
	cmsToneCurve *c = cmsBuildParametricToneCurve(NULL, 4, srgb);
	cmsToneCurve *curves[3] = { c, c, c };
	cmsHPROFILE h = cmsCreateRGBProfile(&d65, &p3, curves);
	cmsUInt32Number len = 0;
	assert_non_null(h);
	assert_true(cmsSaveProfileToMem(h, NULL, &len));
	unsigned char *d = malloc(len);
	assert_true(cmsSaveProfileToMem(h, d, &len));
	cmsCloseProfile(h);
	cmsFreeToneCurve(c);
	*n = len;
	return d;
}

/* The sRGB colours as a camera in profile's space writes them (LittleCMS, the other way). */
static void
encode_in(const unsigned char *icc, size_t n, int out[2][3])
{
	cmsHPROFILE src = cmsCreate_sRGBProfile(), dst = cmsOpenProfileFromMem(icc, (unsigned)n);
	assert_non_null(dst);
	cmsHTRANSFORM x = cmsCreateTransform(src, TYPE_RGB_8, dst, TYPE_RGB_8,
					     INTENT_RELATIVE_COLORIMETRIC, 0);
	for (int k = 0; k < 2; k++) {
		unsigned char in[3] = { (unsigned char)want[k][0], (unsigned char)want[k][1],
					(unsigned char)want[k][2] },
			      o[3];
		cmsDoTransform(x, in, o, 1);
		for (int c = 0; c < 3; c++)
			out[k][c] = o[c];
	}
	cmsDeleteTransform(x);
	cmsCloseProfile(src);
	cmsCloseProfile(dst);
}

/* A 600x400 capture: the left half colour 0, the right half colour 1, with icc (n bytes, or
 * none) embedded as one APP2 chunk. */
static void
capture(const int colours[2][3], const unsigned char *icc, size_t n, struct pb_blob *cap)
{
	struct pb_image *img;
	assert_int_equal(pb_image_create(600, 400, 0, &img), PB_OK);
	for (int y = 0; y < 400; y++)
		for (int x = 0; x < 600; x++) {
			const int *c = colours[x >= 300];
			pb_image_row(img, y)[x] = 0xff000000u | (uint32_t)c[0] << 16 |
						  (uint32_t)c[1] << 8 | (uint32_t)c[2];
		}
	assert_int_equal(pb_jpeg_encode(j, img, 98, 0, &cap->data, &cap->len), PB_OK);
	pb_image_destroy(img);
	if (!icc)
		return;
	/* SOI, then APP2 "ICC_PROFILE\0" 1 1 <profile>, then the rest */
	size_t seg = 2 + 2 + 12 + 2 + n;
	unsigned char *out = malloc(cap->len + seg), *p = out;
	memcpy(p, cap->data, 2);
	p += 2;
	*p++ = 0xFF;
	*p++ = 0xE2;
	*p++ = (unsigned char)((seg - 2) >> 8);
	*p++ = (unsigned char)(seg - 2);
	memcpy(p, "ICC_PROFILE", 12);
	p += 12;
	*p++ = 1;
	*p++ = 1;
	memcpy(p, icc, n);
	p += n;
	memcpy(p, cap->data + 2, cap->len - 2);
	free(cap->data);
	cap->data = out;
	cap->len += seg;
}

/* The capture composed into a 300x200 print; the pixel at the middle of each half. */
static void
compose_pixels(const struct pb_blob *cap, int got[2][3])
{
	struct pb_overlay ov = { .width = 300, .height = 200, .dpi = 300, .nslots = 1 };
	struct pb_image *out;
	char err[256];
	ov.slots[0] = (struct pb_rect){ 0, 0, 300, 200 };
	assert_int_equal(pb_compose(j, &ov, cap, 1, 0, &out, err, sizeof(err)), PB_OK);
	for (int k = 0; k < 2; k++) {
		uint32_t px = pb_image_row(out, 100)[k ? 225 : 75];
		got[k][0] = (int)(px >> 16 & 255);
		got[k][1] = (int)(px >> 8 & 255);
		got[k][2] = (int)(px & 255);
	}
	pb_image_destroy(out);
}

static void
assert_near(const int a[2][3], const int b[2][3], int tol)
{
	for (int k = 0; k < 2; k++)
		for (int c = 0; c < 3; c++)
			if (abs(a[k][c] - b[k][c]) > tol)
				fail_msg("colour %d channel %d: %d, wanted %d (+-%d)", k, c,
					 a[k][c], b[k][c], tol);
}

/* A wide-gamut capture comes out as the sRGB colours it meant, not its raw numbers. */
static void
check_converted(const unsigned char *icc, size_t n)
{
	int raw[2][3], got[2][3];
	struct pb_blob cap;
	encode_in(icc, n, raw);
	/* the raw numbers differ from sRGB: read as sRGB they would be wrong */
	assert_true(abs(raw[0][0] - want[0][0]) > 20 || abs(raw[0][2] - want[0][2]) > 10);
	capture(raw, icc, n, &cap);
	enum pb_icc_kind kind;
	struct pb_icc *x = pb_icc_for(cap.data, cap.len, &kind, NULL, 0);
	assert_int_equal(kind, PB_ICC_CONVERTED);
	pb_icc_release(x);
	compose_pixels(&cap, got);
	/* 8-bit steps in a wider space, then JPEG at q98: a few levels */
	assert_near(got, want, 6);
	free(cap.data);
}

static void
test_adobe_rgb(void **state)
{
	size_t n;
	unsigned char *icc = load(GS "a98.icc", &n);
	(void)state;
	check_converted(icc, n);
	free(icc);
}

static void
test_display_p3(void **state)
{
	size_t n;
	unsigned char *icc = p3_profile(&n);
	(void)state;
	check_converted(icc, n);
	free(icc);
}

/* No profile, or an sRGB one: no transform, the numbers as they are. */
static void
test_srgb_and_none_untouched(void **state)
{
	size_t n, ln;
	unsigned char *gs = load(GS "srgb.icc", &n);
	const unsigned char *lcms = pb_icc_srgb(&ln);
	int got[2][3];
	struct pb_blob cap;
	enum pb_icc_kind kind;
	(void)state;

	assert_non_null(lcms);
	assert_true(ln > 100 && ln < 4096); /* compact */
	const unsigned char *profiles[3] = { NULL, gs, lcms };
	size_t lens[3] = { 0, n, ln };
	enum pb_icc_kind kinds[3] = { PB_ICC_NONE, PB_ICC_SRGB, PB_ICC_SRGB };
	for (int i = 0; i < 3; i++) {
		capture(want, profiles[i], lens[i], &cap);
		assert_null(pb_icc_for(cap.data, cap.len, &kind, NULL, 0));
		assert_int_equal(kind, kinds[i]);
		compose_pixels(&cap, got);
		assert_near(got, want, 3);
		free(cap.data);
	}
	free(gs);
}

/* Broken profiles are ignored with a warning: the photo is used as sRGB, never refused. */
static void
test_broken_profiles_ignored(void **state)
{
	size_t n;
	unsigned char *a98 = load(GS "a98.icc", &n);
	unsigned char garbled[512];
	cmsHPROFILE cmyk = cmsCreateLab4Profile(NULL); /* not RGB */
	cmsUInt32Number ln = 0;
	char warn[200];
	int got[2][3];
	struct pb_blob cap;
	enum pb_icc_kind kind;
	(void)state;

	memset(garbled, 0x5a, sizeof(garbled));
	assert_true(cmsSaveProfileToMem(cmyk, NULL, &ln));
	unsigned char *lab = malloc(ln);
	assert_true(cmsSaveProfileToMem(cmyk, lab, &ln));
	cmsCloseProfile(cmyk);
	const unsigned char *bad[3] = { a98, garbled, lab };
	size_t lens[3] = { n / 2, sizeof(garbled), ln };
	for (int i = 0; i < 3; i++) {
		capture(want, bad[i], lens[i], &cap);
		assert_null(pb_icc_for(cap.data, cap.len, &kind, warn, sizeof(warn)));
		assert_int_equal(kind, PB_ICC_IGNORED);
		assert_non_null(strstr(warn, "used as sRGB"));
		compose_pixels(&cap, got);
		assert_near(got, want, 3);
		free(cap.data);
	}
	free(lab);
	free(a98);
}

/* More distinct profiles than the cache holds: each still converts. */
static void
test_many_profiles(void **state)
{
	size_t n;
	unsigned char *p3 = p3_profile(&n);
	(void)state;
	for (int i = 0; i < 20; i++) {
		p3[n - 1] = (unsigned char)i; /* padding: the same colours, another profile */
		check_converted(p3, n);
	}
	free(p3);
}

/* The booth's JPEGs say sRGB: the tag reads back as the profile, and the image still decodes. */
static void
test_tag(void **state)
{
	struct pb_blob cap;
	size_t ln;
	const unsigned char *lcms = pb_icc_srgb(&ln);
	int got[2][3];
	enum pb_icc_kind kind;
	(void)state;

	capture(want, NULL, 0, &cap);
	assert_int_equal(pb_icc_tag_srgb(&cap.data, &cap.len), PB_OK);
	assert_null(pb_icc_for(cap.data, cap.len, &kind, NULL, 0));
	assert_int_equal(kind, PB_ICC_SRGB);
	int found = 0;
	for (size_t at = 0; at + ln <= cap.len && at < 64 && !found; at++)
		found = !memcmp(cap.data + at, lcms, ln);
	assert_true(found); /* right after SOI and the JFIF header */
	compose_pixels(&cap, got);
	assert_near(got, want, 3);
	free(cap.data);

	unsigned char *junk = malloc(4);
	size_t jl = 4;
	memcpy(junk, "GIF8", 4);
	assert_int_equal(pb_icc_tag_srgb(&junk, &jl), PB_ERR_INPUT);
	free(junk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adobe_rgb),
		cmocka_unit_test(test_display_p3),
		cmocka_unit_test(test_srgb_and_none_untouched),
		cmocka_unit_test(test_broken_profiles_ignored),
		cmocka_unit_test(test_many_profiles),
		cmocka_unit_test(test_tag),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
