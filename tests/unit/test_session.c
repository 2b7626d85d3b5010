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

/* The trace: milliseconds with one decimal, null for what did not happen, the software's
 * share without the last shot's camera time, and the same stages in the log line. */
static void
test_trace(void **state)
{
	(void)state;
	struct pb_trace t;
	struct pb_buf b;
	char line[512];

	pb_trace_clear(&t);
	assert_int_equal(pb_trace_software_us(&t), -1); /* not on screen yet */
	t.shots = 2;
	t.shot[0] = (struct pb_trace_shot){ 1000, 200000, 0, 2500, 40049 };
	t.shot[1] = (struct pb_trace_shot){ 950, 180000, 30000, 2000, 40050 };
	t.compose_us = 5000;
	t.encode_us = 20000;
	t.write_us = 3000;
	t.review_us = 16000;
	t.total_us = 300000;
	/* 300 ms less the last shot's 180 + 30 ms of camera; the first shot's ran earlier */
	assert_int_equal(pb_trace_software_us(&t), 90000);
	pb_buf_init(&b);
	pb_trace_json(&t, NULL, &b);
	assert_string_equal(
		b.data, "{\"shots\":[{\"shutter_ms\":1.0,\"capture_ms\":200.0,\"download_ms\":0.0,"
			"\"save_ms\":2.5,\"decode_ms\":40.0},{\"shutter_ms\":1.0,\"capture_ms\":"
			"180.0,\"download_ms\":30.0,\"save_ms\":2.0,\"decode_ms\":40.1}],"
			"\"compose_ms\":5.0,\"encode_ms\":20.0,\"write_ms\":3.0,"
			"\"review_frame_ms\":16.0,\"capture_to_review_ms\":300.0,"
			"\"software_ms\":90.0}");
	pb_buf_fini(&b);
	pb_trace_line(&t, line, sizeof(line));
	assert_string_equal(line, "shot 1: shutter 1.0 capture 200.0 download 0.0 save 2.5 "
				  "decode 40.0; shot 2: shutter 1.0 capture 180.0 download 30.0 "
				  "save 2.0 decode 40.1; compose 5.0 encode 20.0 write 3.0 "
				  "review-frame 16.0 total 300.0 software 90.0 ms");
	/* a stage that did not run is null, and left out of the line */
	t.shot[1].decode_us = -1;
	t.write_us = -1;
	pb_buf_init(&b);
	pb_trace_json(&t, "trace", &b);
	assert_non_null(strstr(b.data, "\"save_ms\":2.0,\"decode_ms\":null}"));
	assert_non_null(strstr(b.data, "\"write_ms\":null,"));
	pb_buf_fini(&b);
	pb_trace_line(&t, line, sizeof(line));
	assert_null(strstr(line, "write"));
	assert_non_null(strstr(line, "save 2.0; compose"));
	/* a line too short for it all is cut, never overrun */
	char tiny[12];
	memset(tiny, 'x', sizeof(tiny));
	pb_trace_line(&t, tiny, 8);
	assert_int_equal(strlen(tiny), 7);
	assert_int_equal(tiny[11], 'x');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_compose_writes_the_folder),
		cmocka_unit_test(test_bad_capture_leaves_no_final),
		cmocka_unit_test(test_unwritable_data_dir),
	};
	return cmocka_run_group_tests_name("session", tests, setup, teardown);
}
