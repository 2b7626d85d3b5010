/* booth_shots.c - a session's photos on their way to the review screen. Each shot is saved and
 * decoded into its slot on the worker while the guest poses for the next one, so a strip is on
 * screen about as soon after its last shot as a single photo is; the compose job then lays the
 * frame and text over the slots and writes the files. The trace of every stage (trace.h).
 * Main thread; the jobs run on the worker, in order. A strip is made on the main thread and
 * from then on touched only by the worker's jobs, the last of which frees it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "booth_priv.h"
#include "clock.h"
#include "compose.h"
#include "jpeg.h"
#include "log.h"
#include "mem.h"

/* The print being filled, slot by slot. */
struct booth_strip {
	const struct pb_overlay *overlay;
	struct pb_image *canvas; /* made by the first slot job */
	int filled[PB_MAX_SLOTS];
	struct pb_trace_shot shot[PB_MAX_SLOTS]; /* save and decode times */
	char err[PB_MAX_SLOTS][256];		 /* why a slot is not filled */
};

struct slot_job {
	struct pb_job job;
	struct booth_strip *strip;
	struct pb_session_info info;
	int slot;
	struct pb_blob photo; /* the job's */
};

struct compose_job {
	struct pb_job job;
	booth_post_fn post; /* the booth's, copied: the job never touches the booth */
	void *post_ctx;
	struct booth_strip *strip; /* the job's: freed with it */
	struct pb_session_info info;
	int preview_w, preview_h;
	uint32_t session, id;
};

struct strip_job {
	struct pb_job job;
	struct booth_strip *strip;
};

static void
strip_free(struct booth_strip *s)
{
	if (!s)
		return;
	pb_image_destroy(s->canvas);
	free(s);
}

static void
slot_run(struct pb_job *job)
{
	struct slot_job *sj = (struct slot_job *)job;
	struct booth_strip *s = sj->strip;
	int i = sj->slot;
	int64_t t0 = pb_now_us(), t1;
	char *err = s->err[i];
	enum pb_status st;

	s->filled[i] = 0;
	st = pb_session_save_shot(&sj->info, i, &sj->photo, err, sizeof(s->err[i]));
	t1 = pb_now_us();
	if (st == PB_OK && !s->canvas) {
		st = pb_compose_canvas(s->overlay, &s->canvas);
		if (st)
			snprintf(err, sizeof(s->err[i]), "cannot allocate the %dx%d canvas",
				 s->overlay->width, s->overlay->height);
	}
	if (st == PB_OK) {
		struct pb_jpeg *j = pb_jpeg_create();
		st = pb_compose_slot(j, s->overlay, &sj->photo, i, s->canvas, NULL, err,
				     sizeof(s->err[i]));
		pb_jpeg_destroy(j);
	}
	s->shot[i].save_us = t1 - t0;
	s->shot[i].decode_us = st == PB_OK ? pb_now_us() - t1 : -1;
	s->filled[i] = st == PB_OK;
	if (st)
		pb_err("session %s: %s", sj->info.id, err);
	else
		pb_debug("session %s: photo %d in its slot (save %lld us, decode %lld us)",
			 sj->info.id, i + 1, (long long)s->shot[i].save_us,
			 (long long)s->shot[i].decode_us);
}

static void
slot_destroy(struct pb_job *job)
{
	struct slot_job *sj = (struct slot_job *)job;
	free(sj->photo.data);
	free(sj);
}

void
booth_shot_store(struct pb_booth *b, int slot)
{
	struct slot_job *sj;

	if (slot < 0 || slot >= b->overlay->nslots) {
		free(b->guest.incoming.data);
		b->guest.incoming = (struct pb_blob){ 0 };
		return;
	}
	if (!b->guest.strip) {
		b->guest.strip = pb_xcalloc(1, sizeof(*b->guest.strip));
		b->guest.strip->overlay = b->overlay;
	}
	sj = pb_xcalloc(1, sizeof(*sj));
	sj->job.run = slot_run;
	sj->job.destroy = slot_destroy;
	sj->strip = b->guest.strip;
	sj->info = b->guest.session;
	sj->slot = slot;
	sj->photo = b->guest.incoming; /* the job owns the photo now */
	b->guest.incoming = (struct pb_blob){ 0 };
	/* the trace: the camera's part of this shot */
	struct pb_trace *t = &b->guest.session.trace;
	t->shot[slot].shutter_us = b->guest.shot.shutter_us;
	t->shot[slot].capture_us = b->guest.shot.capture_us;
	t->shot[slot].download_us = b->guest.shot.download_us;
	if (t->shots < slot + 1)
		t->shots = slot + 1;
	b->guest.on_disk = 1; /* the folder exists from the first saved photo */
	pb_worker_submit(b->worker, &sj->job);
}

static void
strip_run(struct pb_job *job)
{
	(void)job;
}

static void
strip_destroy(struct pb_job *job)
{
	struct strip_job *xj = (struct strip_job *)job;
	strip_free(xj->strip);
	free(xj);
}

void
booth_shots_drop(struct pb_booth *b)
{
	if (!b->guest.strip)
		return;
	if (!b->worker) { /* no jobs left to use it */
		strip_free(b->guest.strip);
		b->guest.strip = NULL;
		return;
	}
	struct strip_job *xj = pb_xcalloc(1, sizeof(*xj));
	xj->job.run = strip_run;
	xj->job.destroy = strip_destroy;
	xj->strip = b->guest.strip;
	b->guest.strip = NULL;
	pb_worker_submit(b->worker, &xj->job);
}

void
booth_compose_result_destroy(void *p)
{
	struct booth_compose_result *r = p;
	if (r)
		pb_image_destroy(r->preview);
	free(r);
}

static void
compose_run(struct pb_job *job)
{
	struct compose_job *cj = (struct compose_job *)job;
	struct booth_compose_result *r = pb_xcalloc(1, sizeof(*r));
	struct booth_strip *s = cj->strip;
	int n = s ? s->overlay->nslots : 0;
	uint64_t t0 = pb_now_ms();

	r->session = cj->session;
	r->id = cj->id;
	r->trace = cj->info.trace; /* the camera's part, from the main thread */
	r->status = n > 0 ? PB_OK : PB_ERR_INPUT;
	if (!n)
		snprintf(r->err, sizeof(r->err), "no photos to compose");
	for (int i = 0; i < n && r->status == PB_OK; i++) {
		r->trace.shot[i] = s->shot[i];
		if (!s->filled[i]) {
			r->status = PB_ERR_INPUT;
			snprintf(r->err, sizeof(r->err), "%s",
				 s->err[i][0] ? s->err[i] : "a photo is missing");
		}
	}
	r->trace.shots = n;
	if (r->status == PB_OK) {
		struct pb_jpeg *j = pb_jpeg_create();
		r->status = pb_session_finish(j, s->overlay, &cj->info, s->canvas, cj->preview_w,
					      cj->preview_h, &r->preview, &r->trace, r->err,
					      sizeof(r->err));
		pb_jpeg_destroy(j);
	}
	if (r->status == PB_OK)
		pb_info("session %s: composed in %llu ms", cj->info.id,
			(unsigned long long)(pb_now_ms() - t0));
	else
		pb_err("session %s: %s", cj->info.id, r->err);
	cj->post(cj->post_ctx, EV_COMPOSED, r, booth_compose_result_destroy);
}

static void
compose_destroy(struct pb_job *job)
{
	struct compose_job *cj = (struct compose_job *)job;
	strip_free(cj->strip);
	free(cj);
}

void
booth_shots_compose(struct pb_booth *b, uint32_t session, uint32_t id)
{
	struct compose_job *cj = pb_xcalloc(1, sizeof(*cj));
	int w = 1280, h = 1280;
	if (b->screen.display)
		pb_display_size(b->screen.display, &w, &h);
	cj->job.run = compose_run;
	cj->job.destroy = compose_destroy;
	cj->post = b->post;
	cj->post_ctx = b->post_ctx;
	b->guest.session.nslots = b->overlay->nslots;
	cj->info = b->guest.session;
	cj->strip = b->guest.strip; /* the job owns the filled slots now */
	b->guest.strip = NULL;
	cj->preview_w = w;
	cj->preview_h = h;
	cj->session = session;
	cj->id = id;
	b->guest.on_disk = 1;
	pb_worker_submit(b->worker, &cj->job);
}

void
booth_shots_composed(struct pb_booth *b, const struct booth_compose_result *r)
{
	struct pb_trace *t = &b->guest.session.trace;
	for (int i = 0; i < r->trace.shots && i < PB_MAX_SLOTS; i++) {
		t->shot[i].save_us = r->trace.shot[i].save_us;
		t->shot[i].decode_us = r->trace.shot[i].decode_us;
	}
	t->compose_us = r->trace.compose_us;
	t->encode_us = r->trace.encode_us;
	t->write_us = r->trace.write_us;
	b->guest.review_from_us = pb_now_us(); /* the first review frame ends the trace */
}

void
booth_shots_frame_shown(struct pb_booth *b)
{
	if (!b->guest.review_from_us || b->kiosk.state != PB_REVIEW)
		return;
	int64_t now = pb_now_us();
	struct pb_trace *t = &b->guest.session.trace;
	char line[512];
	t->review_us = now - b->guest.review_from_us;
	t->total_us = now - b->guest.countdown_end_us;
	b->guest.review_from_us = 0;
	b->last_trace = *t;
	pb_trace_line(t, line, sizeof(line));
	pb_info("session %s: trace: %s", b->guest.session.id, line);
}
