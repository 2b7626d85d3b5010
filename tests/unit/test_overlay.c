/* Theme loading. Broken themes tried: no overlay.ini, a slot outside the canvas, a gap in
 * slot numbering, no slots, an unknown key, a bad number, a folder name with a slash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "helpers.h"
#include "overlay.h"

static char err[4096];

static void
test_shipped_themes(void **state)
{
	char dir[4096];
	struct pb_overlay *ov;
	(void)state;
	snprintf(dir, sizeof(dir), "%s/overlays", srcdir());
	assert_int_equal(pb_overlay_load(dir, "certification-lounge", &ov, err, sizeof(err)), PB_OK);
	assert_int_equal(ov->width, 1800);
	assert_int_equal(ov->height, 1200);
	assert_int_equal(ov->dpi, 300);
	assert_int_equal(ov->nslots, 1);
	assert_string_equal(ov->title, "Certification Lounge");
	pb_overlay_destroy(ov);
	assert_int_equal(pb_overlay_load(dir, "replay", &ov, err, sizeof(err)), PB_OK);
	assert_int_equal(ov->nslots, 3);
	for (int i = 1; i < ov->nslots; i++)
		assert_true(ov->slots[i].y > ov->slots[i - 1].y); /* shot order runs down the strip */
	pb_overlay_destroy(ov);
}

static enum pb_status
load_text(const char *text)
{
	char *dir = make_tmpdir(), theme[4200], ini[4300];
	struct pb_overlay *ov = NULL;
	enum pb_status st;
	snprintf(theme, sizeof(theme), "%s/t", dir);
	mkdir(theme, 0755);
	snprintf(ini, sizeof(ini), "%s/overlay.ini", theme);
	if (text)
		write_text(ini, text);
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

#define OUT "[output]\nwidth = 1000\nheight = 500\n"

static void
test_broken_themes(void **state)
{
	(void)state;
	assert_int_equal(load_text(NULL), PB_ERR_CONFIG);
	assert_non_null(strstr(err, "overlay.ini: cannot open"));

	assert_int_equal(load_text(OUT "[slot.1]\nx = 900\ny = 0\nwidth = 200\nheight = 100\n"),
			 PB_ERR_CONFIG);
	assert_non_null(strstr(err, "[slot.1]: the slot lies outside the 1000x500 output canvas"));

	assert_int_equal(load_text(OUT "[slot.1]\nx=0\ny=0\nwidth=100\nheight=100\n"
				       "[slot.3]\nx=0\ny=0\nwidth=100\nheight=100\n"),
			 PB_ERR_CONFIG);
	assert_non_null(strstr(err, "without gaps"));

	assert_int_equal(load_text(OUT), PB_ERR_CONFIG);
	assert_non_null(strstr(err, "no photo slots"));

	assert_int_equal(load_text(OUT "colour = red\n"), PB_ERR_CONFIG);
	assert_non_null(strstr(err, "overlay.ini:4: unknown key 'colour' in [output]"));

	assert_int_equal(load_text("[output]\nwidth = wide\n"), PB_ERR_CONFIG);
	assert_non_null(strstr(err, "overlay.ini:2: width = wide"));

	assert_int_equal(load_text("[slot.9]\nx = 1\n"), PB_ERR_CONFIG);
	assert_non_null(strstr(err, "numbered 1 to 8"));

	assert_int_equal(load_text(OUT "[slot.1]\nx=0\ny=0\nwidth=100\nheight=100\n"), PB_OK);
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
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_themes),
		cmocka_unit_test(test_broken_themes),
		cmocka_unit_test(test_bad_names),
	};
	return cmocka_run_group_tests_name("overlay", tests, NULL, NULL);
}
