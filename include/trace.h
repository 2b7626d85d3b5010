/* trace.h - where a session's time went, stage by stage: a plain value the shell fills as
 * the stages end (camera thread results, worker jobs, the first review frame) and writes into
 * status, session.json and the log. Times in microseconds; -1 for a stage that did not run.
 * No threads of its own; whoever holds the value owns it. */
#ifndef PB_TRACE_H
#define PB_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "buf.h"
#include "slots.h"

/* One shot of the session (a strip has one per slot). */
struct pb_trace_shot {
	int64_t shutter_us;  /* end of the countdown to the shutter call */
	int64_t capture_us;  /* the shutter call until the camera has the photo */
	int64_t download_us; /* the photo from the camera into memory */
	int64_t save_us;     /* capture-N.jpg written and fsync'ed */
	int64_t decode_us;   /* decoded and resampled into its slot */
};

struct pb_trace {
	int shots; /* how many of shot[] are filled */
	struct pb_trace_shot shot[PB_MAX_SLOTS];
	int64_t compose_us; /* frame and text over the slots (the other copies too) */
	int64_t encode_us;  /* final.jpg, share.jpg and the preview made */
	int64_t write_us;   /* final.jpg, share.jpg and session.json written and fsync'ed */
	int64_t review_us;  /* the result in the main loop until the first review frame shown */
	int64_t total_us;   /* end of the last countdown to the first review frame */
};

static inline int64_t
pb_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Every stage -1, no shots. */
void pb_trace_clear(struct pb_trace *t);

/* The trace as a JSON object under key (NULL inside an array): milliseconds with one decimal,
 * null for a stage that did not run. */
void pb_trace_json(const struct pb_trace *t, const char *key, struct pb_buf *out);

/* One line for the log: "shot 1: shutter 0.1 capture 480.2 ... ms; compose 9.8 ...". */
void pb_trace_line(const struct pb_trace *t, char *out, size_t n);

/* The software's part of total_us: all but the camera's capture and download. */
int64_t pb_trace_software_us(const struct pb_trace *t);

#endif
