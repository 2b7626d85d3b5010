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
#include "backoff.h"
#include "compose.h"
#include "status.h"

struct pb_camera_ops {
	const char *name;
	/* Connects. why gets the reason on failure: PB_ERR_NODEV when no camera is there, any
	 * other status when one is there but cannot be used (held by another program, ...). */
	enum pb_status (*open)(void *impl, char *why, size_t whylen);
	/* One live-view JPEG frame (malloc'd, caller frees); may block up to one frame time.
	 * PB_ERR_CONFIG when the camera has no live view. */
	enum pb_status (*preview)(void *impl, struct pb_blob *frame, char *why, size_t whylen);
	/* Ends live view, so the next preview starts it afresh (cameras stop it on their own
	 * after about 30 minutes). Optional. */
	void (*stop_preview)(void *impl);
	/* Takes a photo and gives back its JPEG bytes (malloc'd, caller frees). PB_ERR_BUSY for
	 * a failure worth retrying at once (camera busy, could not focus). Sets *taken_us
	 * (trace.h's clock) when the camera has the photo, before it is downloaded; left 0,
	 * the whole call counts as the capture. */
	enum pb_status (*capture)(void *impl, struct pb_blob *photo, int64_t *taken_us, char *why,
				  size_t whylen);
	/* Keeps an idle connection awake and notices a camera that went away, for cameras
	 * without live view. Blocks at most about 20 ms. Optional. */
	enum pb_status (*keepalive)(void *impl, char *why, size_t whylen);
	void (*close)(void *impl);
	void (*destroy)(void *impl);
	/* The connected camera's model name, for staff. Optional. */
	void (*model)(void *impl, char *out, size_t outlen);
};

enum pb_camera_state {
	PB_CAM_CONNECTING, /* not yet found since start-up */
	PB_CAM_CONNECTED,
	PB_CAM_RECONNECTING, /* was connected, went away; the thread keeps trying */
	PB_CAM_ABSENT,	     /* never found since start-up; the thread keeps trying */
	PB_CAM_ERROR,	     /* there, but cannot be used (see the reason); keeps trying */
};

struct pb_camera_options {
	int capture_retries;	      /* extra tries for PB_ERR_BUSY captures */
	uint32_t retry_delay_ms;      /* between them */
	uint32_t liveview_restart_ms; /* stop_preview after this long in live view; 0 never */
};

/* What status output and the screen show about the camera. */
struct pb_camera_health {
	enum pb_camera_state state;
	char reason[200];	/* the last problem, with the library's own words; may be "" */
	char model[128];	/* the camera last connected ("" before any) */
	double fps;		/* live-view frames per second, measured */
	int live_view;		/* 1 streaming, 0 the camera has none, -1 not known yet */
	int64_t shutter_lag_ms; /* last capture request to the shutter call; -1 none yet */
	int64_t capture_ms;	/* how long the last capture call took; -1 none yet */
	unsigned captures, failures, retries, reconnects, liveview_restarts;
};

struct pb_camera_result {
	uint32_t session, job;
	int slot;
	enum pb_status status;
	struct pb_blob photo; /* owned by the result when status is PB_OK */
	/* where the time went (trace.h): request to shutter call, the call until the camera
	 * had the photo, then its download; -1 when the call did not happen */
	int64_t shutter_us, capture_us, download_us;
	char why[200];
};

/* Called on the camera thread; takes ownership of res (free it with
 * pb_camera_result_destroy). */
typedef void (*pb_camera_post_fn)(void *ctx, struct pb_camera_result *res);

struct pb_camera;

/* Starts the camera thread with a backend; the camera owns impl from now on. opts may be
 * NULL for defaults. NULL if the thread cannot start. */
struct pb_camera *pb_camera_create(const struct pb_camera_ops *ops, void *impl,
				   const struct pb_camera_options *opts, pb_camera_post_fn post,
				   void *ctx);

/* Asks for a photo; the answer comes through post with the same session, job and slot.
 * Never blocks. A request made while one is pending replaces it. Any thread. The time of
 * this call is the start of the shutter lag that health reports. */
void pb_camera_request_capture(struct pb_camera *cam, uint32_t session, uint32_t job, int slot);

/* If a frame newer than *seq is there, moves it to *frame (caller frees frame->data), updates
 * *seq and returns 1; else returns 0. Never blocks on the camera. Any thread. */
int pb_camera_take_frame(struct pb_camera *cam, struct pb_blob *frame, uint64_t *seq);

/* Current connection state, the last problem (may be empty) and the measured live-view rate.
 * Any thread. */
enum pb_camera_state pb_camera_state(struct pb_camera *cam, char *why, size_t whylen, double *fps);
void pb_camera_health(struct pb_camera *cam, struct pb_camera_health *h);
/* Staff: close the camera and open it again now (no backoff wait). Returns at once. */
void pb_camera_reconnect(struct pb_camera *cam);
const char *pb_camera_state_name(enum pb_camera_state st);

/* Stops and joins the thread, closes and destroys the backend. NULL is fine. */
void pb_camera_destroy(struct pb_camera *cam);

void pb_camera_result_destroy(struct pb_camera_result *res);

/* The simulated camera: a product feature for demos and burn-in. It renders a moving scene,
 * streams live view at fps and captures real JPEGs of width x height. Faults on demand. */
struct pb_camera_sim_config {
	int width, height; /* capture size */
	int preview_width; /* live-view width; height follows the aspect */
	int fps;
	int fail_every;		  /* every Nth capture fails (PB_ERR_IO); 0 never */
	int busy_every;		  /* every Nth capture attempt is busy (PB_ERR_BUSY); 0 never */
	int corrupt_every;	  /* every Nth capture is a truncated JPEG; 0 never */
	int latency_ms;		  /* extra time per capture */
	int restart_rows;	  /* a restart marker every N MCU rows; 0 none */
	int disconnect_every;	  /* every Nth capture unplugs the camera; 0 never */
	int disconnect_ms;	  /* for this long */
	const char *capture_file; /* "" or NULL: render the scene; else each capture is this
				   * file's bytes as read then (tests swap it: hostile JPEGs
				   * through the kiosk's own capture path); copied */
};
extern const struct pb_camera_ops pb_camera_sim_ops;
void *pb_camera_sim_create(const struct pb_camera_sim_config *cfg);

/* Renders the simulated scene at time t_ms into img (any size; same picture at every size). */
void pb_camera_sim_scene(struct pb_image *img, uint64_t t_ms);

/* The libgphoto2 backend: one session kept open on the camera thread. */
struct pb_camera_gphoto2_config {
	const char *model, *port; /* "" or NULL: the first camera found */
	int capture_target;	  /* enum pb_capture_target */
	int viewfinder;		  /* enum pb_viewfinder */
	const char *settings;	  /* "name=value, ..." applied at every connect */
};
extern const struct pb_camera_ops pb_camera_gphoto2_ops;
/* Copies what it needs from cfg. NULL if libgphoto2 cannot start (its camera drivers are
 * missing); the reason is logged. */
void *pb_camera_gphoto2_create(const struct pb_camera_gphoto2_config *cfg);

#endif
