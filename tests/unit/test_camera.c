/* The camera thread with the simulated camera and a scripted backend: live view, capture,
 * injected faults (failed, busy and unplugged captures, a camera without live view whose
 * keepalive finds it gone, reopen failures), recovery, live-view restarts, and the reconnect
 * backoff on a fake clock. Waits are bounded conditions, never fixed sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
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

static void
sink_init(struct sink *s)
{
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->res = NULL;
}

static struct pb_camera *
start(struct sink *s, struct pb_camera_sim_config cfg)
{
	sink_init(s);
	return pb_camera_create(&pb_camera_sim_ops, pb_camera_sim_create(&cfg), NULL, sink_post, s);
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
	.width = 640,
	.height = 426,
	.preview_width = 320,
	.fps = 60,
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
			assert_int_equal(r->status, PB_ERR_IO);
			assert_null(r->photo.data);
			assert_non_null(strstr(r->why, "simulated capture failure"));
		} else {
			assert_int_equal(r->status, PB_OK);
		}
		pb_camera_result_destroy(r);
	}
	/* a failed capture gets a fresh session: the camera is reopened and is there again */
	assert_true(wait_state(cam, PB_CAM_CONNECTED));
	struct pb_camera_health h;
	pb_camera_health(cam, &h);
	assert_int_equal(h.captures, 2);
	assert_int_equal(h.failures, 2);
	assert_int_equal(h.reconnects, 2);
	assert_true(h.shutter_lag_ms >= 0);
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
	assert_int_equal(pb_camera_state(cam, why, sizeof(why), NULL), PB_CAM_RECONNECTING);
	assert_non_null(strstr(why, "unplugged"));
	/* asked while it is gone: an immediate NODEV answer, not a hang */
	pb_camera_request_capture(cam, 1, 2, 0);
	r = sink_wait(&s);
	assert_int_equal(r->job, 2);
	assert_int_equal(r->status, PB_ERR_NODEV);
	pb_camera_result_destroy(r);
	/* it comes back by itself */
	assert_true(wait_state(cam, PB_CAM_CONNECTED));
	struct pb_camera_health h;
	pb_camera_health(cam, &h);
	assert_int_equal(h.reconnects, 1);
	assert_string_equal(h.reason, "");
	stop(&s, cam);
}

static void
test_busy_is_retried(void **state)
{
	struct pb_camera_sim_config cfg = small;
	struct pb_camera_options opts = { .capture_retries = 2, .retry_delay_ms = 10 };
	struct pb_camera_health h;
	struct sink s;
	struct pb_camera *cam;
	(void)state;
	/* every other attempt is busy: each capture succeeds on its retry */
	cfg.busy_every = 2;
	sink_init(&s);
	cam = pb_camera_create(&pb_camera_sim_ops, pb_camera_sim_create(&cfg), &opts, sink_post,
			       &s);
	for (int i = 1; i <= 3; i++) {
		pb_camera_request_capture(cam, 1, (uint32_t)i, 0);
		struct pb_camera_result *r = sink_wait(&s);
		assert_int_equal(r->status, PB_OK);
		pb_camera_result_destroy(r);
	}
	pb_camera_health(cam, &h);
	assert_int_equal(h.captures, 3);
	assert_int_equal(h.retries, 2); /* attempts 1 ok; 2 busy, 3 ok; 4 busy, 5 ok */
	stop(&s, cam);

	/* always busy: N retries, then the error, and the camera stays connected */
	cfg.busy_every = 1;
	sink_init(&s);
	cam = pb_camera_create(&pb_camera_sim_ops, pb_camera_sim_create(&cfg), &opts, sink_post,
			       &s);
	pb_camera_request_capture(cam, 1, 1, 0);
	struct pb_camera_result *r = sink_wait(&s);
	assert_int_equal(r->status, PB_ERR_BUSY);
	assert_non_null(strstr(r->why, "attempt 3"));
	pb_camera_result_destroy(r);
	pb_camera_health(cam, &h);
	assert_int_equal(h.retries, 2);
	assert_int_equal(h.failures, 1);
	assert_int_equal(h.state, PB_CAM_CONNECTED);
	stop(&s, cam);
}

/* A scripted backend: no live view or short live view, keepalive and open failures on cue. */
struct script {
	pthread_mutex_t lock;
	int has_preview;
	int opens, open_fail_from, open_fail_count; /* opens numbered from 1 */
	int keepalives, keepalive_fail_at;
	int stops, closes, destroyed;
	int frames, frame_fail_from, frame_fail_count; /* frames numbered from 1 */
};

static enum pb_status
sc_open(void *impl, char *why, size_t whylen)
{
	struct script *c = impl;
	pthread_mutex_lock(&c->lock);
	int n = ++c->opens;
	pthread_mutex_unlock(&c->lock);
	if (c->open_fail_count && n >= c->open_fail_from &&
	    n < c->open_fail_from + c->open_fail_count) {
		snprintf(why, whylen, "scripted: no camera (open %d)", n);
		return PB_ERR_NODEV;
	}
	return PB_OK;
}

static enum pb_status
sc_preview(void *impl, struct pb_blob *frame, char *why, size_t whylen)
{
	struct script *c = impl;
	if (!c->has_preview) {
		snprintf(why, whylen, "scripted: no live view");
		return PB_ERR_CONFIG;
	}
	pthread_mutex_lock(&c->lock);
	int n = ++c->frames;
	pthread_mutex_unlock(&c->lock);
	if (c->frame_fail_count && n >= c->frame_fail_from &&
	    n < c->frame_fail_from + c->frame_fail_count) {
		snprintf(why, whylen, "scripted: live view error (frame %d)", n);
		return PB_ERR_IO;
	}
	frame->data = malloc(4);
	memcpy(frame->data, "\xff\xd8\xff\xd9", 4);
	frame->len = 4;
	struct timespec ts = { 0, 2000000 };
	nanosleep(&ts, NULL);
	return PB_OK;
}

static void
sc_stop_preview(void *impl)
{
	struct script *c = impl;
	pthread_mutex_lock(&c->lock);
	c->stops++;
	pthread_mutex_unlock(&c->lock);
}

static enum pb_status
sc_capture(void *impl, struct pb_blob *photo, int64_t *taken_us, char *why, size_t whylen)
{
	(void)impl;
	(void)taken_us;
	(void)photo;
	snprintf(why, whylen, "scripted: no captures");
	return PB_ERR_IO;
}

static enum pb_status
sc_keepalive(void *impl, char *why, size_t whylen)
{
	struct script *c = impl;
	pthread_mutex_lock(&c->lock);
	int n = ++c->keepalives;
	pthread_mutex_unlock(&c->lock);
	if (n == c->keepalive_fail_at) {
		snprintf(why, whylen, "scripted: camera stopped answering");
		return PB_ERR_NODEV;
	}
	return PB_OK;
}

static void
sc_close(void *impl)
{
	struct script *c = impl;
	c->closes++;
}

static void
sc_destroy(void *impl)
{
	struct script *c = impl;
	c->destroyed = 1;
}

static const struct pb_camera_ops script_ops = {
	.name = "script",
	.open = sc_open,
	.preview = sc_preview,
	.stop_preview = sc_stop_preview,
	.capture = sc_capture,
	.keepalive = sc_keepalive,
	.close = sc_close,
	.destroy = sc_destroy,
};

static int
script_count(struct script *c, int *field, int want)
{
	uint64_t until = pb_now_ms() + 10000;
	while (pb_now_ms() < until) {
		pthread_mutex_lock(&c->lock);
		int n = *field;
		pthread_mutex_unlock(&c->lock);
		if (n >= want)
			return 1;
		nap();
	}
	return 0;
}

static void
test_no_live_view_keepalive_finds_it_gone(void **state)
{
	struct script c = {
		.has_preview = 0, .keepalive_fail_at = 3, .open_fail_from = 2, .open_fail_count = 2
	};
	struct sink s;
	struct pb_camera_health h;
	struct pb_camera *cam;
	(void)state;
	pthread_mutex_init(&c.lock, NULL);
	sink_init(&s);
	cam = pb_camera_create(&script_ops, &c, NULL, sink_post, &s);
	assert_true(wait_state(cam, PB_CAM_CONNECTED));
	/* the third keepalive finds it gone; two reopens fail; the fourth open works */
	assert_true(script_count(&c, &c.opens, 4));
	assert_true(wait_state(cam, PB_CAM_CONNECTED));
	pb_camera_health(cam, &h);
	assert_int_equal(h.live_view, 0);
	assert_int_equal(h.reconnects, 1);
	assert_true(c.keepalives >= 3);
	stop(&s, cam);
	assert_int_equal(c.destroyed, 1);
	assert_int_equal(c.closes, 2); /* once when lost, once at the end */
	pthread_mutex_destroy(&c.lock);
}

static void
test_live_view_is_restarted(void **state)
{
	struct script c = { .has_preview = 1 };
	struct pb_camera_options opts = { .liveview_restart_ms = 40 };
	struct pb_camera_health h;
	struct sink s;
	struct pb_camera *cam;
	(void)state;
	pthread_mutex_init(&c.lock, NULL);
	sink_init(&s);
	cam = pb_camera_create(&script_ops, &c, &opts, sink_post, &s);
	assert_true(script_count(&c, &c.stops, 3));
	pb_camera_health(cam, &h);
	assert_true(h.liveview_restarts >= 3);
	assert_int_equal(h.live_view, 1);
	assert_int_equal(h.state, PB_CAM_CONNECTED);
	stop(&s, cam);
	pthread_mutex_destroy(&c.lock);
}

static void
test_live_view_errors(void **state)
{
	struct pb_camera_health h;
	struct sink s;
	struct pb_camera *cam;
	(void)state;
	/* two bad frames in a row: passing trouble, the session stays */
	struct script c = { .has_preview = 1, .frame_fail_from = 5, .frame_fail_count = 2 };
	pthread_mutex_init(&c.lock, NULL);
	sink_init(&s);
	cam = pb_camera_create(&script_ops, &c, NULL, sink_post, &s);
	assert_true(script_count(&c, &c.frames, 30));
	pb_camera_health(cam, &h);
	assert_int_equal(c.opens, 1);
	assert_int_equal(h.reconnects, 0);
	stop(&s, cam);
	pthread_mutex_destroy(&c.lock);
	/* three in a row: a fresh session */
	struct script d = { .has_preview = 1, .frame_fail_from = 5, .frame_fail_count = 3 };
	pthread_mutex_init(&d.lock, NULL);
	sink_init(&s);
	cam = pb_camera_create(&script_ops, &d, NULL, sink_post, &s);
	assert_true(script_count(&d, &d.opens, 2));
	assert_true(wait_state(cam, PB_CAM_CONNECTED));
	pb_camera_health(cam, &h);
	assert_int_equal(h.reconnects, 1);
	stop(&s, cam);
	pthread_mutex_destroy(&d.lock);
}

static void
test_backoff(void **state)
{
	struct pb_backoff b;
	uint64_t now = 1000000;
	(void)state;
	pb_backoff_init(&b, 250, 2000);
	assert_int_equal(pb_backoff_wait(&b, now), 0); /* the first attempt is at once */
	assert_int_equal(pb_backoff_fail(&b, now), now + 250);
	assert_int_equal(pb_backoff_wait(&b, now), 250);
	assert_int_equal(pb_backoff_wait(&b, now + 100), 150);
	assert_int_equal(pb_backoff_wait(&b, now + 300), 0);
	now += 250;
	assert_int_equal(pb_backoff_fail(&b, now), now + 500);
	now += 500;
	assert_int_equal(pb_backoff_fail(&b, now), now + 1000);
	now += 1000;
	assert_int_equal(pb_backoff_fail(&b, now), now + 2000);
	now += 2000;
	/* capped: a camera that is off for an hour is still tried every 2 s */
	for (int i = 0; i < 100; i++) {
		assert_int_equal(pb_backoff_fail(&b, now), now + 2000);
		now += 2000;
	}
	assert_int_equal(b.failures, 104);
	pb_backoff_reset(&b);
	assert_int_equal(pb_backoff_wait(&b, now), 0);
	assert_int_equal(pb_backoff_fail(&b, now), now + 250);
	/* a camera plugged back in at any moment is found within 2 s plus its open time */
	pb_backoff_init(&b, 250, 2000);
	uint64_t t = 0, worst = 0, last = 0;
	for (int i = 0; i < 20; i++) {
		t = pb_backoff_fail(&b, t);
		if (t - last > worst)
			worst = t - last;
		last = t;
	}
	assert_true(worst <= 2000);
	/* odd bounds: max below min is min */
	pb_backoff_init(&b, 500, 100);
	assert_int_equal(pb_backoff_fail(&b, 0), 500);
	assert_int_equal(pb_backoff_fail(&b, 500), 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_view_and_capture),
		cmocka_unit_test(test_capture_failure_every_nth),
		cmocka_unit_test(test_unplug_and_recover),
		cmocka_unit_test(test_busy_is_retried),
		cmocka_unit_test(test_no_live_view_keepalive_finds_it_gone),
		cmocka_unit_test(test_live_view_is_restarted),
		cmocka_unit_test(test_live_view_errors),
		cmocka_unit_test(test_backoff),
	};
	return cmocka_run_group_tests_name("camera", tests, NULL, NULL);
}
