/* Sessions on disk: ids, the folder's files, failures that leave nothing half-written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "helpers.h"
#include "session.h"

static char *dir;
static struct pb_jpeg *j;
static struct pb_overlay ov = { .name = "t", .width = 900, .height = 600, .dpi = 300, .nslots = 2 };

static int
setup(void **state)
{
	(void)state;
	dir = make_tmpdir();
	j = pb_jpeg_create();
	ov.slots[0] = (struct pb_rect){ 10, 10, 430, 580 };
	ov.slots[1] = (struct pb_rect){ 460, 10, 430, 580 };
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pb_jpeg_destroy(j);
	rm_tree(dir);
	free(dir);
	return 0;
}

static void
photo(struct pb_blob *b, uint32_t argb)
{
	struct pb_image *img;
	assert_int_equal(pb_image_create(1200, 800, argb, &img), PB_OK);
	assert_int_equal(pb_jpeg_encode(j, img, 90, 0, &b->data, &b->len), PB_OK);
	pb_image_destroy(img);
}

static int
exists(const char *d, const char *name)
{
	char p[4400];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", d, name);
	return stat(p, &st) == 0;
}

static void
test_ids(void **state)
{
	struct pb_session_info a, b;
	(void)state;
	pb_session_info_init(&a, "/data", 1795000000);
	pb_session_info_init(&b, "/data", 1795000000);
	/* 2026-11-18 11:06:40 UTC, then 8 hex digits of randomness */
	assert_int_equal(strncmp(a.id, "20261118-110640-", 16), 0);
	assert_int_equal(strlen(a.id), 24);
	assert_string_not_equal(a.id, b.id);
	assert_int_equal(strncmp(a.dir, "/data/sessions/20261118-110640-", 31), 0);
}

static void
test_compose_writes_the_folder(void **state)
{
	struct pb_session_info info;
	struct pb_blob caps[2];
	struct pb_image *preview;
	char err[256], path[4400];
	unsigned char *data;
	size_t len;
	int w, h;
	(void)state;
	pb_session_info_init(&info, dir, time(NULL));
	snprintf(info.overlay, sizeof(info.overlay), "t");
	snprintf(info.delivery, sizeof(info.delivery), "share");
	photo(&caps[0], 0xffff0000u);
	photo(&caps[1], 0xff00ff00u);
	assert_int_equal(
		pb_session_compose(j, &ov, &info, caps, 2, 320, 320, &preview, err, sizeof(err)),
		PB_OK);
	/* the preview fits the box and keeps the aspect */
	assert_int_equal(preview->width, 320);
	assert_int_equal(preview->height, 213);
	pb_image_destroy(preview);
	assert_true(exists(info.dir, "capture-1.jpg"));
	assert_true(exists(info.dir, "capture-2.jpg"));
	assert_true(exists(info.dir, "final.jpg"));
	assert_true(exists(info.dir, "share.jpg"));
	assert_true(exists(info.dir, "session.json"));
	/* final.jpg is the output size, at the theme's DPI */
	snprintf(path, sizeof(path), "%s/final.jpg", info.dir);
	assert_int_equal(pb_file_read(path, 1 << 24, &data, &len), PB_OK);
	assert_int_equal(pb_jpeg_info(j, data, len, &w, &h), PB_OK);
	assert_int_equal(w, 900);
	assert_int_equal(h, 600);
	assert_int_equal(data[14] << 8 | data[15], 300);
	free(data);
	/* the original is byte for byte what the camera gave */
	snprintf(path, sizeof(path), "%s/capture-2.jpg", info.dir);
	assert_int_equal(pb_file_read(path, 1 << 24, &data, &len), PB_OK);
	assert_int_equal(len, caps[1].len);
	assert_memory_equal(data, caps[1].data, len);
	free(data);
	snprintf(path, sizeof(path), "%s/session.json", info.dir);
	assert_int_equal(pb_file_read(path, 1 << 16, &data, &len), PB_OK);
	assert_non_null(strstr((char *)data, "\"status\":\"composed\""));
	assert_non_null(strstr((char *)data, "\"captures\":[\"capture-1.jpg\",\"capture-2.jpg\"]"));
	assert_non_null(strstr((char *)data, info.id));
	free(data);
	/* the share copy: the whole 900x600 layout is under 1600 px, so it keeps its size */
	snprintf(path, sizeof(path), "%s/share.jpg", info.dir);
	assert_int_equal(pb_file_read(path, 1 << 24, &data, &len), PB_OK);
	assert_int_equal(pb_jpeg_info(j, data, len, &w, &h), PB_OK);
	assert_int_equal(w, 900);
	free(data);
	snprintf(path, sizeof(path), "%s/session.json", info.dir);

	/* accepted, then discarded */
	snprintf(info.status, sizeof(info.status), "accepted");
	assert_int_equal(pb_session_write_json(&info), PB_OK);
	assert_int_equal(pb_file_read(path, 1 << 16, &data, &len), PB_OK);
	assert_non_null(strstr((char *)data, "\"status\":\"accepted\""));
	free(data);
	assert_int_equal(pb_session_discard(&info), PB_OK);
	assert_false(exists(info.dir, "."));
	free(caps[0].data);
	free(caps[1].data);
}

static void
test_bad_capture_leaves_no_final(void **state)
{
	struct pb_session_info info;
	struct pb_blob caps[2];
	struct pb_image *preview;
	char err[256];
	(void)state;
	pb_session_info_init(&info, dir, time(NULL) + 1);
	photo(&caps[0], 0xffff0000u);
	caps[1].data = (unsigned char *)strdup("not a jpeg at all");
	caps[1].len = strlen((char *)caps[1].data);
	assert_int_equal(
		pb_session_compose(j, &ov, &info, caps, 2, 320, 320, &preview, err, sizeof(err)),
		PB_ERR_INPUT);
	assert_null(preview);
	assert_non_null(strstr(err, "photo 2"));
	assert_false(exists(info.dir, "final.jpg"));
	assert_false(exists(info.dir, "session.json"));
	free(caps[0].data);
	free(caps[1].data);
}

static void
test_unwritable_data_dir(void **state)
{
	struct pb_session_info info;
	struct pb_blob caps[2];
	struct pb_image *preview;
	char err[256];
	(void)state;
	pb_session_info_init(&info, "/proc/no-such-place", time(NULL));
	photo(&caps[0], 0xffff0000u);
	photo(&caps[1], 0xffff0000u);
	assert_int_not_equal(
		pb_session_compose(j, &ov, &info, caps, 2, 320, 320, &preview, err, sizeof(err)),
		PB_OK);
	assert_null(preview);
	assert_non_null(strstr(err, "cannot"));
	free(caps[0].data);
	free(caps[1].data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_compose_writes_the_folder),
		cmocka_unit_test(test_bad_capture_leaves_no_final),
		cmocka_unit_test(test_unwritable_data_dir),
	};
	return cmocka_run_group_tests_name("session", tests, setup, teardown);
}
