#define _GNU_SOURCE /* pthread_setname_np */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "camera.h"
#include "clock.h"
#include "log.h"
#include "mem.h"

#define REOPEN_MS 1000

struct pb_camera {
	const struct pb_camera_ops *ops;
	void *impl;
	pb_camera_post_fn post;
	void *ctx;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stopping;
	/* capture request */
	int want_capture;
	uint32_t req_session, req_job;
	int req_slot;
	/* live view: latest frame wins */
	struct pb_blob frame;
	uint64_t frame_seq;
	/* health */
	enum pb_camera_state state;
	char why[160];
	double fps;
};

const char *
pb_camera_state_name(enum pb_camera_state st)
{
	switch (st) {
	case PB_CAM_CONNECTING:
		return "connecting";
	case PB_CAM_CONNECTED:
		return "connected";
	case PB_CAM_ABSENT:
		return "absent";
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
	if (cam->state != st)
		pb_log(st == PB_CAM_CONNECTED ? PB_LOG_NOTICE : PB_LOG_WARNING, "camera %s: %s%s%s",
		       cam->ops->name, pb_camera_state_name(st), why && *why ? ": " : "",
		       why ? why : "");
	cam->state = st;
	snprintf(cam->why, sizeof(cam->why), "%s", why ? why : "");
	if (st != PB_CAM_CONNECTED)
		cam->fps = 0;
	pthread_mutex_unlock(&cam->lock);
}

/* Waits until ms pass, a capture is requested or the camera stops. Called with lock held. */
static void
wait_locked(struct pb_camera *cam, int ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (!cam->stopping && !cam->want_capture)
		if (pthread_cond_timedwait(&cam->wake, &cam->lock, &ts) == ETIMEDOUT)
			break;
}

static void
do_capture(struct pb_camera *cam, int *open)
{
	struct pb_camera_result *res = pb_xcalloc(1, sizeof(*res));
	uint64_t t0;

	pthread_mutex_lock(&cam->lock);
	res->session = cam->req_session;
	res->job = cam->req_job;
	res->slot = cam->req_slot;
	cam->want_capture = 0;
	pthread_mutex_unlock(&cam->lock);

	if (!*open) {
		res->status = PB_ERR_NODEV;
		snprintf(res->why, sizeof(res->why), "camera not connected");
	} else {
		t0 = pb_now_ms();
		res->status = cam->ops->capture(cam->impl, &res->photo, res->why, sizeof(res->why));
		if (res->status == PB_OK)
			pb_info("capture: %zu bytes in %llu ms", res->photo.len,
				(unsigned long long)(pb_now_ms() - t0));
		else
			pb_warn("capture failed (%s): %s", pb_status_str(res->status), res->why);
		if (res->status == PB_ERR_NODEV) {
			cam->ops->close(cam->impl);
			*open = 0;
			set_state(cam, PB_CAM_ABSENT, res->why);
		}
	}
	cam->post(cam->ctx, res);
}

static void *
loop(void *arg)
{
	struct pb_camera *cam = arg;
	int open = 0, frames = 0;
	uint64_t window = pb_now_ms();
	char why[160];

	for (;;) {
		pthread_mutex_lock(&cam->lock);
		int stop = cam->stopping, want = cam->want_capture;
		pthread_mutex_unlock(&cam->lock);
		if (stop)
			break;
		if (!open) {
			/* Try to connect before answering a capture, so a guest who is quicker than
			 * the camera's start-up is not told it is missing. */
			why[0] = '\0';
			if (cam->ops->open(cam->impl, why, sizeof(why)) == PB_OK) {
				open = 1;
				set_state(cam, PB_CAM_CONNECTED, "");
				frames = 0;
				window = pb_now_ms();
				continue;
			}
			set_state(cam, PB_CAM_ABSENT, why);
			if (want) {
				do_capture(cam, &open); /* answers at once: the camera is gone */
				continue;
			}
			pthread_mutex_lock(&cam->lock);
			wait_locked(cam, REOPEN_MS);
			pthread_mutex_unlock(&cam->lock);
			continue;
		}
		if (want) {
			do_capture(cam, &open);
			continue;
		}
		struct pb_blob f = { 0 };
		enum pb_status st = cam->ops->preview(cam->impl, &f);
		if (st == PB_OK) {
			pthread_mutex_lock(&cam->lock);
			free(cam->frame.data); /* nobody took the last one: it is stale now */
			cam->frame = f;
			cam->frame_seq++;
			frames++;
			uint64_t now = pb_now_ms();
			if (now - window >= 1000) {
				cam->fps = frames * 1000.0 / (double)(now - window);
				frames = 0;
				window = now;
			}
			pthread_mutex_unlock(&cam->lock);
		} else if (st == PB_ERR_NODEV) {
			cam->ops->close(cam->impl);
			open = 0;
			set_state(cam, PB_CAM_ABSENT, "live view stopped: camera gone");
		} else {
			/* A backend without live view, or a passing error: do not spin. */
			pthread_mutex_lock(&cam->lock);
			wait_locked(cam, 100);
			pthread_mutex_unlock(&cam->lock);
		}
	}
	if (open)
		cam->ops->close(cam->impl);
	return NULL;
}

struct pb_camera *
pb_camera_create(const struct pb_camera_ops *ops, void *impl, pb_camera_post_fn post, void *ctx)
{
	struct pb_camera *cam = pb_xcalloc(1, sizeof(*cam));
	int rc;

	cam->ops = ops;
	cam->impl = impl;
	cam->post = post;
	cam->ctx = ctx;
	cam->state = PB_CAM_CONNECTING;
	pthread_mutex_init(&cam->lock, NULL);
	pthread_cond_init(&cam->wake, NULL);
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
pb_camera_request_capture(struct pb_camera *cam, uint32_t session, uint32_t job, int slot)
{
	pthread_mutex_lock(&cam->lock);
	cam->want_capture = 1;
	cam->req_session = session;
	cam->req_job = job;
	cam->req_slot = slot;
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

enum pb_camera_state
pb_camera_state(struct pb_camera *cam, char *why, size_t whylen, double *fps)
{
	enum pb_camera_state st;
	pthread_mutex_lock(&cam->lock);
	st = cam->state;
	if (why)
		snprintf(why, whylen, "%s", cam->why);
	if (fps)
		*fps = cam->fps;
	pthread_mutex_unlock(&cam->lock);
	return st;
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
