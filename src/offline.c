/* photobooth render. Three things run at once on a 2-core machine:
 *   this thread:      decode the photos (libjpeg), the critical path;
 *   the layer thread: whiten the canvas outside the slots, decode frame.png, draw the text
 *                     onto it, then encode rows of the finished print as they become ready;
 *   the resampler:    (inside pb_stream_to_slot) resample decoded rows into the slot.
 * So after the last photo row only the last few print rows remain to encode. */
#define _GNU_SOURCE /* gettid */
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <jpeglib.h> /* after stdio.h */
#include <turbojpeg.h>

#include "caption.h"
#include "compose.h"
#include "file.h"
#include "icc.h"
#include "offline.h"
#include "jpeg_error.h"
#include "session.h"

/* Captures larger than this are not photos from any camera we support. */
#define MAX_CAPTURE_BYTES (256u << 20)

struct job {
	struct pb_overlay *ov;
	struct pb_image *canvas;
	time_t when;
	/* progress of the photos: slots are filled in order */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int slot, rows; /* rows done in slot `slot`; slot == nslots when all are done */
	int failed;	/* the photos failed: stop */
	/* results */
	enum pb_status st;
	char why[1024];
	unsigned char *jpg;
	unsigned long len;
};

static void
slot_rows(void *ctx, int slot, int rows)
{
	struct job *j = ctx;
	pthread_mutex_lock(&j->lock);
	j->slot = slot;
	j->rows = rows;
	if (rows >= j->ov->slots[slot].h) {
		j->slot = slot + 1;
		j->rows = 0;
	}
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->lock);
}

/* Is canvas row y final (every slot crossing it filled that far)? Called with lock held. */
static int
row_ready(const struct job *j, int y)
{
	for (int i = 0; i < j->ov->nslots; i++) {
		const struct pb_rect *s = &j->ov->slots[i];
		if (y < s->y || y >= s->y + s->h)
			continue;
		if (i > j->slot || (i == j->slot && y - s->y >= j->rows))
			return 0;
	}
	return 1;
}

/* One finished row: repeat the first copy, then the frame (premultiplied) over it. */
static void
finish_row(const struct pb_overlay *ov, struct pb_image *canvas, int y)
{
	uint32_t *row = pb_image_row(canvas, y);
	const uint32_t *f = pb_image_row(ov->frame, y);
	int cw = ov->width / ov->copies;

	for (int c = 1; c < ov->copies; c++)
		memcpy(row + c * cw, row, (size_t)cw * 4);
	for (int x = 0; x < ov->width; x++) {
		uint32_t p = f[x], a = p >> 24;
		if (a == 255) {
			row[x] = p;
		} else if (a) {
			uint32_t d = row[x], k = 255 - a, out = 0xff000000u;
			for (int s = 0; s < 24; s += 8) {
				uint32_t v = ((p >> s) & 255) + (((d >> s) & 255) * k + 127) / 255;
				out |= (v > 255 ? 255 : v) << s;
			}
			row[x] = out;
		}
	}
}

static void
encode(struct job *j)
{
	struct jpeg_compress_struct ci;
	struct pb_jpeg_error err;
	struct pb_overlay *ov = j->ov;

	/* The output buffer is ours, sized for the worst case of this print (TurboJPEG's bound),
	 * so libjpeg never grows it: a buffer it grew is freed by libjpeg itself and, on an abort,
	 * lost or freed twice. Should it grow anyway, ours is kept apart and freed once. */
	unsigned long cap = tjBufSize(ov->width, ov->height, TJSAMP_420);
	unsigned char *volatile mine = cap == (unsigned long)-1 ? NULL : malloc(cap);
	if (!mine) {
		snprintf(j->why, sizeof(j->why), "cannot encode the print: out of memory");
		j->st = PB_ERR_NOMEM;
		return;
	}
	j->jpg = mine;
	j->len = cap;

	ci.err = pb_jpeg_error_init(&err, 0);
	if (setjmp(err.jmp)) {
		snprintf(j->why, sizeof(j->why), "cannot encode the print: %s", err.msg);
		jpeg_destroy_compress(&ci);
		j->jpg = mine; /* the caller frees it */
		j->len = 0;
		j->st = PB_ERR_NOMEM;
		return;
	}
	jpeg_create_compress(&ci);
	jpeg_mem_dest(&ci, &j->jpg, &j->len);
	/* 4:2:0, as the kiosk's TurboJPEG prints */
	pb_jpeg_compress_native(&ci, ov->width, ov->height, PB_FINAL_QUALITY);
	ci.density_unit = 1; /* dots per inch, in the JFIF header */
	ci.X_density = ci.Y_density = (UINT16)ov->dpi;
	jpeg_start_compress(&ci, TRUE);
	size_t icc_len;
	const unsigned char *icc = pb_icc_srgb(&icc_len); /* the pixels are sRGB (icc.h) */
	if (icc)
		jpeg_write_icc_profile(&ci, icc, (unsigned)icc_len);
	while (ci.next_scanline < ci.image_height) {
		int y = (int)ci.next_scanline, n = 0;
		pthread_mutex_lock(&j->lock);
		while (!j->failed && !row_ready(j, y))
			pthread_cond_wait(&j->cond, &j->lock);
		/* take every ready row up to 16 at once */
		while (n < 16 && y + n < ov->height && row_ready(j, y + n))
			n++;
		int failed = j->failed;
		pthread_mutex_unlock(&j->lock);
		if (failed) {
			jpeg_abort_compress(&ci);
			jpeg_destroy_compress(&ci);
			j->jpg = mine; /* the caller frees it */
			j->len = 0;
			j->st = PB_ERR_INPUT;
			return;
		}
		JSAMPROW rows[16];
		for (int i = 0; i < n; i++) {
			finish_row(ov, j->canvas, y + i);
			rows[i] = (JSAMPROW)pb_image_row(j->canvas, y + i);
		}
		jpeg_write_scanlines(&ci, rows, (JDIMENSION)n);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	/* libjpeg grew past the bound into a buffer of its own: that one is the print */
	if (j->jpg != mine)
		free(mine);
}

static void *
layer_and_encode(void *arg)
{
	struct job *j = arg;
	/* off the critical path (the photo decode): yield the core when both are busy */
	setpriority(PRIO_PROCESS, (id_t)gettid(), 10);
	pb_compose_whiten(j->ov, j->canvas);
	j->st = pb_overlay_load_frame(j->ov, j->why, sizeof(j->why));
	for (int c = 0; j->st == PB_OK && c < j->ov->copies; c++)
		j->st = pb_caption_draw(j->ov, j->ov->frame, c, j->when, j->why, sizeof(j->why));
	if (j->st) {
		char *nl = strchr(j->why, '\n');
		if (nl)
			*nl = '\0';
		return NULL;
	}
	encode(j);
	return NULL;
}

static void
first_line(char *s)
{
	char *nl = strchr(s, '\n');
	if (nl)
		*nl = '\0';
}

enum pb_status
pb_offline_render(const char *overlays_dir, const char *overlay, const char *out,
		  char *const *inputs, int n, time_t when, char *why, size_t whylen)
{
	struct pb_overlay *ov = NULL;
	struct pb_blob caps[PB_MAX_SLOTS] = { 0 };
	struct pb_image *print = NULL;
	struct pb_jpeg *jp = NULL;
	struct job job = { 0 };
	struct pb_slot_progress progress = { slot_rows, &job };
	pthread_t thread;
	int threaded = 0;
	char err[2048];
	enum pb_status st;

	pthread_mutex_init(&job.lock, NULL);
	pthread_cond_init(&job.cond, NULL);
	st = pb_overlay_load_layout(overlays_dir, overlay, &ov, err, sizeof(err));
	if (st) {
		first_line(err);
		snprintf(why, whylen, "theme %s: %s", overlay, err);
		goto done;
	}
	if (n != ov->nslots) {
		snprintf(why, whylen, "theme %s takes %d photo%s, %d given", overlay, ov->nslots,
			 ov->nslots == 1 ? "" : "s", n);
		st = PB_ERR_INPUT;
		goto done;
	}
	for (int i = 0; i < n; i++) {
		st = pb_file_map(inputs[i], MAX_CAPTURE_BYTES, &caps[i].data, &caps[i].len);
		if (st) {
			snprintf(why, whylen, "%s: cannot read it as a photo (%s)", inputs[i],
				 st == PB_ERR_INPUT ? "empty, missing or not a file"
						    : pb_status_str(st));
			goto done;
		}
	}
	st = pb_compose_canvas_alloc(ov, &print);
	if (st) {
		snprintf(why, whylen, "cannot allocate the %dx%d print", ov->width, ov->height);
		goto done;
	}
	job.ov = ov;
	job.canvas = print;
	job.when = when;
	if (pthread_create(&thread, NULL, layer_and_encode, &job)) {
		snprintf(why, whylen, "cannot start a thread");
		st = PB_ERR_NOMEM;
		goto done;
	}
	threaded = 1;
	jp = pb_jpeg_create();
	st = pb_compose_photos(jp, ov, caps, n, print, &progress, err, sizeof(err));
	if (st) {
		pthread_mutex_lock(&job.lock);
		job.failed = 1;
		pthread_cond_broadcast(&job.cond);
		pthread_mutex_unlock(&job.lock);
		/* err starts "photo N: ..." — name the file instead */
		int k = 0;
		if (sscanf(err, "photo %d: ", &k) == 1 && k >= 1 && k <= n)
			snprintf(why, whylen, "%s: %s", inputs[k - 1], strchr(err, ':') + 2);
		else
			snprintf(why, whylen, "%s", err);
		goto done;
	}
	pthread_join(thread, NULL);
	threaded = 0;
	if (job.st) {
		st = job.st;
		snprintf(why, whylen, "theme %s: %s", overlay, job.why);
		goto done;
	}
	st = pb_file_write_atomic(out, job.jpg, job.len, 0644);
	if (st)
		snprintf(why, whylen, "%s: cannot write it (%s)", out, pb_status_str(st));
done:
	if (threaded)
		pthread_join(thread, NULL);
	for (int i = 0; i < PB_MAX_SLOTS; i++)
		pb_file_unmap(caps[i].data, caps[i].len);
	free(job.jpg);
	pthread_mutex_destroy(&job.lock);
	pthread_cond_destroy(&job.cond);
	pb_image_destroy(print);
	pb_jpeg_destroy(jp);
	pb_overlay_destroy(ov);
	return st;
}
