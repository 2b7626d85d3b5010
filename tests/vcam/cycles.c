/* Drives the camera thread with the libgphoto2 backend against libgphoto2's virtual camera
 * through N unplug/replug cycles, for a leak check under valgrind. Each cycle: a capture that
 * works, the camera is unplugged (its ">rec" USB id file goes: tests/vcam/vusb.patch), the
 * idle keepalive notices and the state goes to reconnecting, a capture fails at once and the
 * state stays reconnecting while it is gone, the camera comes back, the state returns to
 * connected. Exits 0 only if every step held.
 *
 * Usage (in a directory holding ">rec"): vcam_cycles N
 * with CAMLIBS, IOLIBS and LD_LIBRARY_PATH pointing at tests/vcam/build.sh's prefix. */
#include <gphoto2/gphoto2-port-log.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "camera.h"
#include "clock.h"
#include "conf.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct pb_camera_result *last;

static void
post(void *ctx, struct pb_camera_result *res)
{
	(void)ctx;
	pthread_mutex_lock(&lock);
	pb_camera_result_destroy(last);
	last = res;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
}

static struct pb_camera_result *
capture(struct pb_camera *cam, uint32_t job)
{
	struct timespec ts;
	struct pb_camera_result *r;
	pb_camera_request_capture(cam, 1, job, 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 60; /* valgrind is slow */
	pthread_mutex_lock(&lock);
	while (!last || last->job != job)
		if (pthread_cond_timedwait(&cond, &lock, &ts))
			break;
	r = last;
	last = NULL;
	pthread_mutex_unlock(&lock);
	return r;
}

static int
wait_state(struct pb_camera *cam, enum pb_camera_state want, int seconds)
{
	uint64_t until = pb_now_ms() + (uint64_t)seconds * 1000;
	while (pb_now_ms() < until) {
		if (pb_camera_state(cam, NULL, 0, NULL) == want)
			return 1;
		struct timespec ts = { 0, 20000000 };
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* VCAM_DEBUG=FILE: libgphoto2's own debug log, for when a step fails */
static void
gp_debug(GPLogLevel level, const char *domain, const char *str, void *data)
{
	(void)level;
	fprintf(data, "%llu %s: %s\n", (unsigned long long)pb_now_ms(), domain, str);
}

static int
step(int ok, int cycle, const char *what)
{
	if (!ok)
		fprintf(stderr, "vcam_cycles: cycle %d: %s\n", cycle, what);
	return ok;
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: vcam_cycles N\n");
		return 2;
	}
	FILE *debug = getenv("VCAM_DEBUG") ? fopen(getenv("VCAM_DEBUG"), "w") : NULL;
	if (debug)
		gp_log_add_func(GP_LOG_DEBUG, gp_debug, debug);
	int n = atoi(argv[1]), good = 1;
	struct pb_camera_gphoto2_config gc = {
		.model = "Nikon DSC D750",
		.port = "usb:>rec",
		.capture_target = PB_TARGET_RAM,
	};
	struct pb_camera_options opts = { .capture_retries = 1, .retry_delay_ms = 50 };
	void *impl = pb_camera_gphoto2_create(&gc);
	if (!impl)
		return 1;
	struct pb_camera *cam = pb_camera_create(&pb_camera_gphoto2_ops, impl, &opts, post, NULL);
	good &= step(wait_state(cam, PB_CAM_CONNECTED, 60), 0, "never connected");
	for (int i = 1; good && i <= n; i++) {
		struct pb_camera_result *r = capture(cam, (uint32_t)(2 * i));
		good &= step(r && r->status == PB_OK && r->photo.len > 0, i, "capture failed");
		pb_camera_result_destroy(r);
		/* unplug: noticed while idle */
		good &= step(rename(">rec", ">rec.gone") == 0, i, "cannot unplug the camera");
		good &= step(wait_state(cam, PB_CAM_RECONNECTING, 30), i, "not reconnecting");
		r = capture(cam, (uint32_t)(2 * i + 1));
		good &= step(r && r->status == PB_ERR_NODEV, i, "a capture with the camera gone");
		pb_camera_result_destroy(r);
		good &= step(pb_camera_state(cam, NULL, 0, NULL) == PB_CAM_RECONNECTING, i,
			     "did not stay reconnecting while gone");
		/* replug */
		good &= step(rename(">rec.gone", ">rec") == 0, i, "cannot plug the camera back");
		good &= step(wait_state(cam, PB_CAM_CONNECTED, 60), i, "did not reconnect");
	}
	struct pb_camera_health h;
	pb_camera_health(cam, &h);
	printf("vcam_cycles: %d cycles, %u captures, %u failures, %u reconnects: %s\n", n,
	       h.captures, h.failures, h.reconnects, good ? "ok" : "FAILED");
	good &= step((int)h.reconnects == n, n, "reconnect count is wrong");
	pb_camera_destroy(cam);
	pb_camera_result_destroy(last);
	if (debug)
		fclose(debug);
	return good ? 0 : 1;
}
