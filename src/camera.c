#define _GNU_SOURCE /* pthread_setname_np */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "camera.h"
#include "clock.h"
#include "deadline.h"
#include "trace.h"
#include "log.h"
#include "mem.h"

/* A camera that went away is tried again after 250 ms, then 0.5, 1 and every 2 s: back in
 * live view well within 5 s of being plugged in, without hammering the USB bus meanwhile. */
#define BACKOFF_MIN_MS 250
#define BACKOFF_MAX_MS 2000
#define KEEPALIVE_MS 250
#define FPS_LOG_MS (10 * 60 * 1000)

struct pb_camera {
	const struct pb_camera_ops *ops;
	void *impl;
	struct pb_camera_options opts;
	pb_camera_post_fn post;
	void *ctx;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stopping;
	/* capture request */
	int want_capture;
	int want_reconnect; /* staff asked */
	uint32_t req_session, req_job;
	int req_slot;
	uint64_t req_ms;
	int64_t req_us;
	/* live view: latest frame wins */
	struct pb_blob frame;
	uint64_t frame_seq;
	/* health, under lock */
	struct pb_camera_health health;
	int ever_connected;
	/* camera thread only */
	int open;
	struct pb_backoff backoff;
	uint64_t lv_since; /* when live view (re)started; 0 not streaming */
	uint64_t next_keepalive;
	uint64_t fps_logged; /* when the rate was last logged */
	int preview_errors;  /* in a row */
};

const char *
pb_camera_state_name(enum pb_camera_state st)
{
	switch (st) {
	case PB_CAM_CONNECTING:
		return "connecting";
	case PB_CAM_CONNECTED:
		return "connected";
	case PB_CAM_RECONNECTING:
		return "reconnecting";
	case PB_CAM_ABSENT:
		return "absent";
	case PB_CAM_ERROR:
		return "error";
	}
	return "unknown";
}

void
pb_camera_result_destroy(struct pb_camera_result *res)
{
	if (!res)
		return;
	free(res->photo.data);
	free(res);
}

static void
set_state(struct pb_camera *cam, enum pb_camera_state st, const char *why)
{
	pthread_mutex_lock(&cam->lock);
	struct pb_camera_health *h = &cam->health;
	if (h->state != st || (why && *why && strcmp(h->reason, why)))
		pb_log(st == PB_CAM_CONNECTED ? PB_LOG_NOTICE : PB_LOG_WARNING, "camera %s: %s%s%s",
		       cam->ops->name, pb_camera_state_name(st), why && *why ? ": " : "",
		       why ? why : "");
	if (st == PB_CAM_CONNECTED) {
		if (cam->ever_connected && h->state != PB_CAM_CONNECTED)
			h->reconnects++;
		cam->ever_connected = 1;
	}
	h->state = st;
	if (why)
		snprintf(h->reason, sizeof(h->reason), "%s", why);
	if (st != PB_CAM_CONNECTED) {
		h->fps = 0;
		h->live_view = -1;
	}
	pthread_mutex_unlock(&cam->lock);
}

/* Waits until ms pass, a capture is requested or the camera stops. Called with lock held. */
static void
wait_locked(struct pb_camera *cam, uint64_t ms)
{
	struct timespec ts = pb_deadline_in(ms);
	while (!cam->stopping && !cam->want_capture && !cam->want_reconnect)
		if (pthread_cond_timedwait(&cam->wake, &cam->lock, &ts) == ETIMEDOUT)
			break;
}

static void
nap(struct pb_camera *cam, uint64_t ms)
{
	pthread_mutex_lock(&cam->lock);
	wait_locked(cam, ms);
	pthread_mutex_unlock(&cam->lock);
}

/* The camera went away or is wedged: close it; the loop reopens it with backoff. */
static void
lose(struct pb_camera *cam, const char *why)
{
	if (cam->open)
		cam->ops->close(cam->impl);
	cam->open = 0;
	cam->lv_since = 0;
	pb_backoff_fail(&cam->backoff, pb_now_ms());
	set_state(cam, cam->ever_connected ? PB_CAM_RECONNECTING : PB_CAM_ABSENT, why);
}

static void
try_open(struct pb_camera *cam)
{
	char why[200] = "";
	enum pb_status st = cam->ops->open(cam->impl, why, sizeof(why));

	if (st == PB_OK) {
		cam->open = 1;
		pb_backoff_reset(&cam->backoff);
		if (cam->ops->model) {
			char model[128] = "";
			cam->ops->model(cam->impl, model, sizeof(model));
			pthread_mutex_lock(&cam->lock);
			snprintf(cam->health.model, sizeof(cam->health.model), "%s", model);
			pthread_mutex_unlock(&cam->lock);
		}
		cam->next_keepalive = 0;
		cam->fps_logged = 0;
		set_state(cam, PB_CAM_CONNECTED, "");
		return;
	}
	pb_backoff_fail(&cam->backoff, pb_now_ms());
	if (st == PB_ERR_NODEV)
		set_state(cam, cam->ever_connected ? PB_CAM_RECONNECTING : PB_CAM_ABSENT, why);
	else
		set_state(cam, PB_CAM_ERROR, why);
}

static void
do_capture(struct pb_camera *cam)
{
	struct pb_camera_result *res = pb_xcalloc(1, sizeof(*res));
	uint64_t req_ms, t0 = 0;
	int64_t req_us, first_us = 0, taken_us = 0;
	int tries = 0;

	pthread_mutex_lock(&cam->lock);
	res->session = cam->req_session;
	res->job = cam->req_job;
	res->slot = cam->req_slot;
	req_ms = cam->req_ms;
	req_us = cam->req_us;
	cam->want_capture = 0;
	pthread_mutex_unlock(&cam->lock);

	if (!cam->open) {
		pthread_mutex_lock(&cam->lock);
		res->status = PB_ERR_NODEV;
		snprintf(res->why, sizeof(res->why), "camera not connected%s%.170s",
			 cam->health.reason[0] ? ": " : "", cam->health.reason);
		cam->health.failures++;
		pthread_mutex_unlock(&cam->lock);
		cam->post(cam->ctx, res);
		return;
	}
	for (;;) {
		res->why[0] = '\0';
		t0 = pb_now_ms();
		if (!tries) {
			first_us = pb_now_us();
			pthread_mutex_lock(&cam->lock);
			cam->health.shutter_lag_ms = (int64_t)(t0 - req_ms);
			pthread_mutex_unlock(&cam->lock);
			pb_info("capture: countdown end to shutter call %llu ms",
				(unsigned long long)(t0 - req_ms));
		}
		taken_us = 0;
		res->status = cam->ops->capture(cam->impl, &res->photo, &taken_us, res->why,
						sizeof(res->why));
		if (res->status != PB_ERR_BUSY || tries >= cam->opts.capture_retries)
			break;
		tries++;
		pb_warn("capture: %s; retry %d of %d", res->why, tries, cam->opts.capture_retries);
		pthread_mutex_lock(&cam->lock);
		cam->health.retries++;
		pthread_mutex_unlock(&cam->lock);
		struct timespec ts = { (time_t)(cam->opts.retry_delay_ms / 1000),
				       (long)(cam->opts.retry_delay_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	int64_t done_us = pb_now_us();
	res->shutter_us = first_us - req_us;
	if (taken_us < first_us || taken_us > done_us)
		taken_us = done_us; /* the backend could not tell: all of it was the capture */
	res->capture_us = taken_us - first_us;
	res->download_us = done_us - taken_us;
	pthread_mutex_lock(&cam->lock);
	cam->health.capture_ms = (int64_t)(pb_now_ms() - t0);
	if (res->status == PB_OK)
		cam->health.captures++;
	else
		cam->health.failures++;
	pthread_mutex_unlock(&cam->lock);
	if (res->status == PB_OK) {
		pb_info("capture: %zu bytes, shutter call to photo in hand %llu ms", res->photo.len,
			(unsigned long long)(pb_now_ms() - t0));
	} else {
		pb_warn("capture failed (%s): %s", pb_status_str(res->status), res->why);
		/* A fresh session is the cure for a wedged one; a busy camera just said so. */
		if (res->status != PB_ERR_BUSY && res->status != PB_ERR_INPUT)
			lose(cam, res->why);
	}
	cam->post(cam->ctx, res);
}

static void
store_frame(struct pb_camera *cam, struct pb_blob f, uint64_t now, unsigned *frames,
	    uint64_t *window)
{
	pthread_mutex_lock(&cam->lock);
	free(cam->frame.data); /* nobody took the last one: it is stale now */
	cam->frame = f;
	cam->frame_seq++;
	cam->health.live_view = 1;
	(*frames)++;
	if (now - *window >= 1000) {
		cam->health.fps = *frames * 1000.0 / (double)(now - *window);
		*frames = 0;
		*window = now;
		if (!cam->fps_logged || now - cam->fps_logged >= FPS_LOG_MS) {
			pb_info("camera %s: live view %.1f fps", cam->ops->name, cam->health.fps);
			cam->fps_logged = now;
		}
	}
	pthread_mutex_unlock(&cam->lock);
}

/* No live view: keep the connection awake and notice an unplug. */
static void
idle(struct pb_camera *cam)
{
	uint64_t now = pb_now_ms();
	char why[200] = "";

	if (cam->ops->keepalive && now >= cam->next_keepalive) {
		cam->next_keepalive = now + KEEPALIVE_MS;
		enum pb_status st = cam->ops->keepalive(cam->impl, why, sizeof(why));
		if (st == PB_ERR_NODEV || st == PB_ERR_IO) {
			lose(cam, why);
			return;
		}
	}
	nap(cam, 100);
}

static void *
loop(void *arg)
{
	struct pb_camera *cam = arg;
	unsigned frames = 0;
	uint64_t window = pb_now_ms();

	for (;;) {
		pthread_mutex_lock(&cam->lock);
		int stop = cam->stopping, want = cam->want_capture, again = cam->want_reconnect;
		cam->want_reconnect = 0;
		pthread_mutex_unlock(&cam->lock);
		if (stop)
			break;
		if (again) {
			pb_notice("camera %s: reconnecting (staff asked)", cam->ops->name);
			if (cam->open)
				cam->ops->close(cam->impl);
			cam->open = 0;
			cam->lv_since = 0;
			pb_backoff_reset(&cam->backoff);
			pthread_mutex_lock(&cam->lock);
			cam->health.reconnects++;
			pthread_mutex_unlock(&cam->lock);
			set_state(cam,
				  cam->ever_connected ? PB_CAM_RECONNECTING : PB_CAM_CONNECTING,
				  "reconnecting (staff asked)");
		}
		if (!cam->open) {
			uint64_t wait = pb_backoff_wait(&cam->backoff, pb_now_ms());
			/* A guest quicker than the reconnect gets one more try before an answer,
			 * so a camera just plugged back in is not reported missing. */
			if (wait && !want) {
				nap(cam, wait);
				continue;
			}
			try_open(cam);
			if (cam->open) {
				frames = 0;
				window = pb_now_ms();
			} else if (want) {
				do_capture(cam); /* answers at once: the camera is not there */
			}
			continue;
		}
		if (want) {
			do_capture(cam);
			continue;
		}
		uint64_t now = pb_now_ms();
		if (cam->lv_since && cam->opts.liveview_restart_ms && cam->ops->stop_preview &&
		    now - cam->lv_since >= cam->opts.liveview_restart_ms) {
			pb_info("camera %s: restarting live view after %llu s", cam->ops->name,
				(unsigned long long)((now - cam->lv_since) / 1000));
			cam->ops->stop_preview(cam->impl);
			cam->lv_since = 0;
			pthread_mutex_lock(&cam->lock);
			cam->health.liveview_restarts++;
			pthread_mutex_unlock(&cam->lock);
		}
		struct pb_blob f = { 0 };
		char why[200] = "";
		enum pb_status st = cam->ops->preview(cam->impl, &f, why, sizeof(why));
		if (st != PB_OK && st != PB_ERR_CONFIG)
			cam->preview_errors++;
		else
			cam->preview_errors = 0;
		if (st == PB_OK) {
			if (!cam->lv_since)
				cam->lv_since = pb_now_ms();
			store_frame(cam, f, pb_now_ms(), &frames, &window);
		} else if (st == PB_ERR_CONFIG) {
			pthread_mutex_lock(&cam->lock);
			if (cam->health.live_view != 0)
				pb_notice("camera %s: no live view (%s); showing the photo guide",
					  cam->ops->name, why);
			cam->health.live_view = 0;
			pthread_mutex_unlock(&cam->lock);
			idle(cam);
		} else if (st == PB_ERR_NODEV || (st == PB_ERR_IO && cam->preview_errors >= 3)) {
			/* gone, or a plain error three frames running: a fresh session. A single
			 * one is common enough on real cameras (autofocus, a busy moment). */
			free(f.data);
			cam->preview_errors = 0;
			lose(cam, why[0] ? why : "live view stopped: camera gone");
		} else {
			/* a passing error (busy, timeout): do not spin */
			free(f.data);
			nap(cam, 100);
		}
	}
	if (cam->open)
		cam->ops->close(cam->impl);
	return NULL;
}

struct pb_camera *
pb_camera_create(const struct pb_camera_ops *ops, void *impl, const struct pb_camera_options *opts,
		 pb_camera_post_fn post, void *ctx)
{
	struct pb_camera *cam = pb_xcalloc(1, sizeof(*cam));
	int rc;

	cam->ops = ops;
	cam->impl = impl;
	cam->opts =
		opts ? *opts
		     : (struct pb_camera_options){ .capture_retries = 2, .retry_delay_ms = 300 };
	cam->post = post;
	cam->ctx = ctx;
	cam->health.state = PB_CAM_CONNECTING;
	cam->health.live_view = -1;
	cam->health.shutter_lag_ms = -1;
	cam->health.capture_ms = -1;
	pb_backoff_init(&cam->backoff, BACKOFF_MIN_MS, BACKOFF_MAX_MS);
	pthread_mutex_init(&cam->lock, NULL);
	pb_cond_init_monotonic(&cam->wake);
	rc = pthread_create(&cam->thread, NULL, loop, cam);
	if (rc) {
		pb_err("cannot start the camera thread: %s", strerror(rc));
		ops->destroy(impl);
		pthread_mutex_destroy(&cam->lock);
		pthread_cond_destroy(&cam->wake);
		free(cam);
		return NULL;
	}
	pthread_setname_np(cam->thread, "camera");
	return cam;
}

void
pb_camera_reconnect(struct pb_camera *cam)
{
	pthread_mutex_lock(&cam->lock);
	cam->want_reconnect = 1;
	pthread_cond_signal(&cam->wake);
	pthread_mutex_unlock(&cam->lock);
}

void
pb_camera_request_capture(struct pb_camera *cam, uint32_t session, uint32_t job, int slot)
{
	pthread_mutex_lock(&cam->lock);
	cam->want_capture = 1;
	cam->req_session = session;
	cam->req_job = job;
	cam->req_slot = slot;
	cam->req_ms = pb_now_ms();
	cam->req_us = pb_now_us();
	pthread_cond_signal(&cam->wake);
	pthread_mutex_unlock(&cam->lock);
}

int
pb_camera_take_frame(struct pb_camera *cam, struct pb_blob *frame, uint64_t *seq)
{
	int got = 0;
	pthread_mutex_lock(&cam->lock);
	if (cam->frame.data && cam->frame_seq != *seq) {
		*frame = cam->frame;
		cam->frame = (struct pb_blob){ 0 };
		*seq = cam->frame_seq;
		got = 1;
	}
	pthread_mutex_unlock(&cam->lock);
	return got;
}

void
pb_camera_health(struct pb_camera *cam, struct pb_camera_health *h)
{
	pthread_mutex_lock(&cam->lock);
	*h = cam->health;
	pthread_mutex_unlock(&cam->lock);
}

enum pb_camera_state
pb_camera_state(struct pb_camera *cam, char *why, size_t whylen, double *fps)
{
	struct pb_camera_health h;
	pb_camera_health(cam, &h);
	if (why)
		snprintf(why, whylen, "%s", h.reason);
	if (fps)
		*fps = h.fps;
	return h.state;
}

void
pb_camera_destroy(struct pb_camera *cam)
{
	if (!cam)
		return;
	pthread_mutex_lock(&cam->lock);
	cam->stopping = 1;
	pthread_cond_signal(&cam->wake);
	pthread_mutex_unlock(&cam->lock);
	pthread_join(cam->thread, NULL);
	cam->ops->destroy(cam->impl);
	free(cam->frame.data);
	pthread_mutex_destroy(&cam->lock);
	pthread_cond_destroy(&cam->wake);
	free(cam);
}
