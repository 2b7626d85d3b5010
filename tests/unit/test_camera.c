/* The camera thread with the simulated camera: live view, capture, injected faults, and
 * recovery after an unplug. Waits are bounded conditions, never fixed sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "camera.h"
#include "clock.h"
#include "jpeg.h"

struct sink {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct pb_camera_result *res;
};

static void
sink_post(void *ctx, struct pb_camera_result *res)
{
	struct sink *s = ctx;
	pthread_mutex_lock(&s->lock);
	pb_camera_result_destroy(s->res);
	s->res = res;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/* The next result, waiting at most 10 s. */
static struct pb_camera_result *
sink_wait(struct sink *s)
{
	struct timespec ts;
	struct pb_camera_result *r;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	pthread_mutex_lock(&s->lock);
	while (!s->res)
		if (pthread_cond_timedwait(&s->cond, &s->lock, &ts))
			break;
	r = s->res;
	s->res = NULL;
	pthread_mutex_unlock(&s->lock);
	assert_non_null(r);
	return r;
}

static void
nap(void)
{
	struct timespec ts = { 0, 5000000 };
	nanosleep(&ts, NULL);
}

static int
wait_state(struct pb_camera *cam, enum pb_camera_state want)
{
	uint64_t until = pb_now_ms() + 10000;
	while (pb_now_ms() < until) {
		if (pb_camera_state(cam, NULL, 0, NULL) == want)
			return 1;
		nap();
	}
	return 0;
}

static struct pb_camera *
start(struct sink *s, struct pb_camera_sim_config cfg)
{
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->res = NULL;
	return pb_camera_create(&pb_camera_sim_ops, pb_camera_sim_create(&cfg), sink_post, s);
}

static void
stop(struct sink *s, struct pb_camera *cam)
{
	pb_camera_destroy(cam);
	pb_camera_result_destroy(s->res);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
}

static const struct pb_camera_sim_config small = {
	.width = 640, .height = 426, .preview_width = 320, .fps = 60,
};

static void
test_live_view_and_capture(void **state)
{
	struct sink s;
	struct pb_camera *cam = start(&s, small);
	struct pb_jpeg *j = pb_jpeg_create();
	struct pb_blob frame;
	uint64_t seq = 0, until = pb_now_ms() + 10000;
	int got = 0, w, h;
	(void)state;

	assert_non_null(cam);
	assert_true(wait_state(cam, PB_CAM_CONNECTED));
	while (got < 3 && pb_now_ms() < until) {
		if (pb_camera_take_frame(cam, &frame, &seq)) {
			assert_int_equal(pb_jpeg_info(j, frame.data, frame.len, &w, &h), PB_OK);
			assert_int_equal(w, 320);
			assert_int_equal(h, 213);
			free(frame.data);
			got++;
		} else {
			nap();
		}
	}
	assert_int_equal(got, 3);
	/* the same frame is never handed out twice */
	uint64_t before = seq;
	if (pb_camera_take_frame(cam, &frame, &seq)) {
		assert_true(seq > before);
		free(frame.data);
	}

	pb_camera_request_capture(cam, 7, 42, 1);
	struct pb_camera_result *r = sink_wait(&s);
	assert_int_equal(r->status, PB_OK);
	assert_int_equal(r->session, 7);
	assert_int_equal(r->job, 42);
	assert_int_equal(r->slot, 1);
	assert_int_equal(pb_jpeg_info(j, r->photo.data, r->photo.len, &w, &h), PB_OK);
	assert_int_equal(w, 640);
	assert_int_equal(h, 426);
	pb_camera_result_destroy(r);
	pb_jpeg_destroy(j);
	stop(&s, cam);
}

static void
test_capture_failure_every_nth(void **state)
{
	struct pb_camera_sim_config cfg = small;
	struct sink s;
	struct pb_camera *cam;
	(void)state;
	cfg.fail_every = 2;
	cam = start(&s, cfg);
	for (int i = 1; i <= 4; i++) {
		pb_camera_request_capture(cam, 1, (uint32_t)i, 0);
		struct pb_camera_result *r = sink_wait(&s);
		assert_int_equal(r->job, i);
		if (i % 2 == 0) {
			assert_int_equal(r->status, PB_ERR_BUSY);
			assert_null(r->photo.data);
			assert_non_null(strstr(r->why, "simulated capture failure"));
		} else {
			assert_int_equal(r->status, PB_OK);
		}
		pb_camera_result_destroy(r);
	}
	/* a failed capture does not disconnect the camera */
	assert_int_equal(pb_camera_state(cam, NULL, 0, NULL), PB_CAM_CONNECTED);
	stop(&s, cam);
}

static void
test_unplug_and_recover(void **state)
{
	struct pb_camera_sim_config cfg = small;
	struct sink s;
	struct pb_camera *cam;
	char why[160];
	(void)state;
	cfg.disconnect_every = 1;
	cfg.disconnect_ms = 300;
	cam = start(&s, cfg);
	assert_true(wait_state(cam, PB_CAM_CONNECTED));
	pb_camera_request_capture(cam, 1, 1, 0);
	struct pb_camera_result *r = sink_wait(&s);
	assert_int_equal(r->status, PB_ERR_NODEV);
	pb_camera_result_destroy(r);
	assert_int_equal(pb_camera_state(cam, why, sizeof(why), NULL), PB_CAM_ABSENT);
	assert_non_null(strstr(why, "unplugged"));
	/* asked while it is gone: an immediate NODEV answer, not a hang */
	pb_camera_request_capture(cam, 1, 2, 0);
	r = sink_wait(&s);
	assert_int_equal(r->job, 2);
	assert_int_equal(r->status, PB_ERR_NODEV);
	pb_camera_result_destroy(r);
	/* it comes back by itself */
	assert_true(wait_state(cam, PB_CAM_CONNECTED));
	stop(&s, cam);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_view_and_capture),
		cmocka_unit_test(test_capture_failure_every_nth),
		cmocka_unit_test(test_unplug_and_recover),
	};
	return cmocka_run_group_tests_name("camera", tests, NULL, NULL);
}
