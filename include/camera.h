/* camera.h - a camera backend behind a small ops table, driven by one dedicated thread.
 *
 * The thread owns the backend: every backend call happens there. It streams live view into a
 * latest-frame-wins slot that the UI takes from without waiting, takes captures on request and
 * reports them through a callback, and reopens the camera when it goes away. Hardware never
 * ends the program: a failure is a result or a state, never an exit.
 */
#ifndef PB_CAMERA_H
#define PB_CAMERA_H

#include <stddef.h>
#include <stdint.h>
#include "compose.h"
#include "status.h"

struct pb_camera_ops {
	const char *name;
	/* Connects. why gets the reason on failure. */
	enum pb_status (*open)(void *impl, char *why, size_t whylen);
	/* One live-view JPEG frame (malloc'd, caller frees); may block up to one frame time. */
	enum pb_status (*preview)(void *impl, struct pb_blob *frame);
	/* Takes a photo and gives back its JPEG bytes (malloc'd, caller frees). */
	enum pb_status (*capture)(void *impl, struct pb_blob *photo, char *why, size_t whylen);
	void (*close)(void *impl);
	void (*destroy)(void *impl);
};

enum pb_camera_state {
	PB_CAM_CONNECTING, /* not yet tried */
	PB_CAM_CONNECTED,
	PB_CAM_ABSENT,     /* not there; the thread keeps trying */
};

struct pb_camera_result {
	uint32_t session, job;
	int slot;
	enum pb_status status;
	struct pb_blob photo; /* owned by the result when status is PB_OK */
	char why[160];
};

/* Called on the camera thread; takes ownership of res (free it with
 * pb_camera_result_destroy). */
typedef void (*pb_camera_post_fn)(void *ctx, struct pb_camera_result *res);

struct pb_camera;

/* Starts the camera thread with a backend; the camera owns impl from now on. NULL if the
 * thread cannot start. */
struct pb_camera *pb_camera_create(const struct pb_camera_ops *ops, void *impl,
				   pb_camera_post_fn post, void *ctx);

/* Asks for a photo; the answer comes through post with the same session, job and slot.
 * Never blocks. A request made while one is pending replaces it. Any thread. */
void pb_camera_request_capture(struct pb_camera *cam, uint32_t session, uint32_t job, int slot);

/* If a frame newer than *seq is there, moves it to *frame (caller frees frame->data), updates
 * *seq and returns 1; else returns 0. Never blocks on the camera. Any thread. */
int pb_camera_take_frame(struct pb_camera *cam, struct pb_blob *frame, uint64_t *seq);

/* Current connection state, the last problem (may be empty) and the measured live-view rate.
 * Any thread. */
enum pb_camera_state pb_camera_state(struct pb_camera *cam, char *why, size_t whylen,
				     double *fps);
const char *pb_camera_state_name(enum pb_camera_state st);

/* Stops and joins the thread, closes and destroys the backend. NULL is fine. */
void pb_camera_destroy(struct pb_camera *cam);

void pb_camera_result_destroy(struct pb_camera_result *res);

/* The simulated camera: a product feature for demos and burn-in. It renders a moving scene,
 * streams live view at fps and captures real JPEGs of width x height. Faults on demand. */
struct pb_camera_sim_config {
	int width, height;   /* capture size */
	int preview_width;   /* live-view width; height follows the aspect */
	int fps;
	int fail_every;      /* every Nth capture fails; 0 never */
	int corrupt_every;   /* every Nth capture is a truncated JPEG; 0 never */
	int latency_ms;      /* extra time per capture */
	int disconnect_every; /* every Nth capture unplugs the camera; 0 never */
	int disconnect_ms;   /* for this long */
};
extern const struct pb_camera_ops pb_camera_sim_ops;
void *pb_camera_sim_create(const struct pb_camera_sim_config *cfg);

/* Renders the simulated scene at time t_ms into img (any size; same picture at every size). */
void pb_camera_sim_scene(struct pb_image *img, uint64_t t_ms);

#endif
