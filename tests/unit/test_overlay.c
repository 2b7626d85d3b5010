/* Theme loading. Broken themes tried: no overlay.ini, no frame, a frame of the wrong size, a
 * frame with no alpha channel, a frame that is not a PNG, a slot outside the canvas, a gap in
 * slot numbering, no slots, an unknown key, a bad number, a bad colour, a text box outside the
 * canvas, a missing font, paper of another shape, copies that do not divide the width, a
 * folder name with a slash. Hostile frame.png bytes: a chunk whose length claims 1 GB, a file
 * cut short inside its pixel data, a damaged checksum, an empty file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "helpers.h"
#include "file.h"
#include "overlay.h"
#include "pngfile.h"

static char err[4096];

static void
test_shipped_themes(void **state)
{
	char dir[4096];
	struct pb_overlay *ov;
	(void)state;
	snprintf(dir, sizeof(dir), "%s/overlays", srcdir());
	assert_int_equal(pb_overlay_load(dir, "certification-lounge", &ov, err, sizeof(err)),
			 PB_OK);
	assert_int_equal(ov->width, 1800);
	assert_int_equal(ov->height, 1200);
	assert_int_equal(ov->dpi, 300);
	assert_string_equal(ov->paper, "6x4");
	assert_int_equal(ov->copies, 1);
	assert_int_equal(ov->nslots, 1);
	assert_int_equal(ov->ntexts, 2);
	assert_non_null(ov->frame);
	assert_int_equal(ov->frame->width, 1800);
	/* the photo window is transparent, the band below it is not */
	assert_int_equal(pb_image_row(ov->frame, 500)[900] >> 24, 0);
	assert_int_equal(pb_image_row(ov->frame, 1150)[900] >> 24, 255);
	assert_string_equal(ov->title, "Certification Lounge");
	pb_overlay_destroy(ov);
	assert_int_equal(pb_overlay_load(dir, "replay", &ov, err, sizeof(err)), PB_OK);
	assert_int_equal(ov->nslots, 3);
	assert_int_equal(ov->copies, 2);
	assert_string_equal(ov->paper, "4x6");
	struct pb_rect second = pb_overlay_copy_rect(ov, 1);
	assert_int_equal(second.x, 600);
	assert_int_equal(second.w, 600);
	for (int i = 1; i < ov->nslots; i++)
		assert_true(ov->slots[i].y >
			    ov->slots[i - 1].y); /* shot order runs down the strip */
	/* both strips have transparent windows at the same places */
	assert_int_equal(pb_image_row(ov->frame, 200)[300] >> 24, 0);
	assert_int_equal(pb_image_row(ov->frame, 200)[900] >> 24, 0);
	pb_overlay_destroy(ov);
	assert_int_equal(pb_overlay_check_all(dir), 2);
}

#define OUT "[output]\nwidth = 1000\nheight = 500\n"
#define SLOT "[slot.1]\nx=0\ny=0\nwidth=100\nheight=100\n"

/* Loads a theme made of text (NULL: no overlay.ini) and a frame (fw x fh; 0: none). */
static enum pb_status
load_theme(const char *text, int fw, int fh, int alpha)
{
	char *dir = make_tmpdir(), theme[4200], path[4300];
	struct pb_overlay *ov = NULL;
	enum pb_status st;
	snprintf(theme, sizeof(theme), "%s/t", dir);
	mkdir(theme, 0755);
	snprintf(path, sizeof(path), "%s/overlay.ini", theme);
	if (text)
		write_text(path, text);
	snprintf(path, sizeof(path), "%s/frame.png", theme);
	if (fw)
		write_png(path, fw, fh, alpha);
	else if (fh < 0)
		write_text(path, "not a png");
	st = pb_overlay_load(dir, "t", &ov, err, sizeof(err));
	if (st == PB_OK)
		assert_non_null(ov);
	else
		assert_null(ov);
	pb_overlay_destroy(ov);
	rm_tree(dir);
	free(dir);
	return st;
}

static enum pb_status
load_text(const char *text)
{
	return load_theme(text, 1000, 500, 1);
}

static void
expect(const char *what)
{
	if (!strstr(err, what))
		fail_msg("expected '%s' in: %s", what, err);
}

static void
test_broken_themes(void **state)
{
	(void)state;
	assert_int_equal(load_text(NULL), PB_ERR_CONFIG);
	expect("overlay.ini: cannot open");

	assert_int_equal(load_text(OUT "[slot.1]\nx = 900\ny = 0\nwidth = 200\nheight = 100\n"),
			 PB_ERR_CONFIG);
	expect("[slot.1]: the slot lies outside the 1000x500 output canvas");
	assert_int_equal(load_text(OUT SLOT "[slot.3]\nx=0\ny=0\nwidth=100\nheight=100\n"),
			 PB_ERR_CONFIG);
	expect("without gaps");
	assert_int_equal(load_text(OUT), PB_ERR_CONFIG);
	expect("no photo slots");
	assert_int_equal(load_text(OUT "colour = red\n"), PB_ERR_CONFIG);
	expect("overlay.ini:4: unknown key 'colour' in [output]");
	assert_int_equal(load_text("[output]\nwidth = wide\n"), PB_ERR_CONFIG);
	expect("overlay.ini:2: width = wide");
	assert_int_equal(load_text("[slot.9]\nx = 1\n"), PB_ERR_CONFIG);
	expect("numbered 1 to 8");
	assert_int_equal(load_text(OUT SLOT "[output]\ncopies = 3\n"), PB_ERR_CONFIG);
	expect("does not split into 3 equal copies");
	assert_int_equal(load_text(OUT SLOT "[output]\npaper = 4x6\n"), PB_ERR_CONFIG);
	expect("does not have the shape of 4x6 paper");
	assert_int_equal(load_text(OUT SLOT "[output]\npaper = A4\n"), PB_ERR_CONFIG);
	expect("paper = A4: must be 6x4, 4x6 or 2x6");

	/* text fields */
	assert_int_equal(load_text(OUT SLOT "[text.1]\ntext=x\nx=0\ny=0\nwidth=10\nheight=10\n"
					    "colour = blue\n"),
			 PB_ERR_CONFIG);
	expect("colour = blue: expected #rrggbb");
	assert_int_equal(load_text(OUT SLOT "[text.1]\ntext=x\nx=900\ny=0\nwidth=200\nheight=10\n"),
			 PB_ERR_CONFIG);
	expect("[text.1]: the box lies outside");
	assert_int_equal(load_text(OUT SLOT "[text.1]\ntext=x\nx=0\ny=0\nwidth=20\nheight=10\n"
					    "font = missing.ttf\n"),
			 PB_ERR_CONFIG);
	expect("cannot read font");
	assert_int_equal(load_text(OUT SLOT "[text.1]\ntext=%Y\nx=0\ny=0\nwidth=20\nheight=10\n"
					    "colour = #ff00aa\nalign = right\n"),
			 PB_OK);

	/* the frame */
	assert_int_equal(load_theme(OUT SLOT, 0, 0, 0), PB_ERR_CONFIG);
	expect("frame.png: the frame is missing or unreadable");
	assert_int_equal(load_theme(OUT SLOT, 800, 500, 1), PB_ERR_CONFIG);
	expect("frame.png: the frame is 800x500 but the output is 1000x500");
	assert_int_equal(load_theme(OUT SLOT, 1000, 500, 0), PB_ERR_CONFIG);
	expect("frame.png: the frame has no transparency");
	assert_int_equal(load_theme(OUT SLOT, 0, -1, 0), PB_ERR_CONFIG);
	expect("not a PNG file");

	assert_int_equal(load_text(OUT SLOT), PB_OK);
}

static void
test_bad_names(void **state)
{
	struct pb_overlay *ov;
	(void)state;
	assert_int_equal(pb_overlay_load("/tmp", "../etc", &ov, err, sizeof(err)), PB_ERR_CONFIG);
	assert_int_equal(pb_overlay_load("/tmp", "..", &ov, err, sizeof(err)), PB_ERR_CONFIG);
	assert_int_equal(pb_overlay_load("/tmp", "", &ov, err, sizeof(err)), PB_ERR_CONFIG);
	assert_int_equal(pb_overlay_load("/nonexistent", "x", &ov, err, sizeof(err)),
			 PB_ERR_CONFIG);
	/* the one rule every place that takes a theme's name asks */
	char longest[PB_THEME_NAME_MAX + 2];
	memset(longest, 'a', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	assert_false(pb_overlay_name_ok(longest)); /* 64 bytes */
	longest[PB_THEME_NAME_MAX] = '\0';
	assert_true(pb_overlay_name_ok(longest)); /* 63 */
	assert_true(pb_overlay_name_ok("certification-lounge"));
	assert_true(pb_overlay_name_ok("re play 2"));
	const char *bad[] = { "",     ".",	   "..",   ".hidden", "a/b",
			      "/etc", "tab\there", "nl\n", "del\x7f" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(pb_overlay_name_ok(bad[i]));
		assert_int_equal(pb_overlay_load("/tmp", bad[i], &ov, err, sizeof(err)),
				 PB_ERR_CONFIG);
		assert_non_null(strstr(err, "not a theme folder name"));
	}
}

static void
expect_png_error(const unsigned char *data, size_t len, const char *want)
{
	struct pb_image *img = (struct pb_image *)1;
	int alpha = 0;
	char why[256] = "";
	assert_int_equal(pb_png_decode(data, len, &img, &alpha, why, sizeof(why)), PB_ERR_INPUT);
	assert_null(img);
	if (!strstr(why, want))
		fail_msg("PNG error \"%s\" does not say \"%s\"", why, want);
}

static void
test_hostile_png(void **state)
{
	char *dir = make_tmpdir(), path[4200];
	unsigned char *png, *bad;
	size_t len;
	struct pb_image *img;
	int alpha;
	char why[256];
	(void)state;
	snprintf(path, sizeof(path), "%s/f.png", dir);
	write_png(path, 64, 48, 1);
	assert_int_equal(pb_file_read(path, 1 << 20, &png, &len), PB_OK);
	assert_int_equal(pb_png_decode(png, len, &img, &alpha, why, sizeof(why)), PB_OK);
	assert_int_equal(img->width, 64);
	assert_true(alpha);
	pb_image_destroy(img);

	/* an sPLT chunk after IHDR that claims 0x3c000000 bytes: libpng would allocate them */
	static const unsigned char splt[12] = { 0x3c, 0, 0, 0, 's', 'P', 'L', 'T', 0, 0, 0, 0 };
	bad = malloc(len + sizeof(splt));
	assert_non_null(bad);
	memcpy(bad, png, 33); /* signature + IHDR */
	memcpy(bad + 33, splt, sizeof(splt));
	memcpy(bad + 33 + sizeof(splt), png + 33, len - 33);
	expect_png_error(bad, len + sizeof(splt), "chunk sPLT at byte 33 claims 1006632960 bytes");
	/* cut short inside the pixel data */
	expect_png_error(png, len - 20, "cannot decode PNG");
	/* a damaged checksum on IHDR */
	memcpy(bad, png, len);
	bad[29] ^= 0xff;
	expect_png_error(bad, len, "cannot decode PNG");
	expect_png_error(png, 0, "not a PNG file");
	free(bad);
	free(png);
	rm_tree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_themes),
		cmocka_unit_test(test_broken_themes),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_hostile_png),
	};
	return cmocka_run_group_tests_name("overlay", tests, NULL, NULL);
}
