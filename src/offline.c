#define _GNU_SOURCE /* gettid */
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caption.h"
#include "compose.h"
#include "file.h"
#include "offline.h"
#include "session.h"

/* Captures larger than this are not photos from any camera we support. */
#define MAX_CAPTURE_BYTES (256u << 20)

/* The frame and its text are prepared on a second thread while the photos decode. */
struct layer {
	struct pb_overlay *ov;
	time_t when;
	enum pb_status st;
	char why[1024];
};

static void *
prepare_layer(void *arg)
{
	struct layer *l = arg;
	/* off the critical path (the photo decode): yield the core when both are busy */
	setpriority(PRIO_PROCESS, (id_t)gettid(), 10);
	l->st = pb_overlay_load_frame(l->ov, l->why, sizeof(l->why));
	for (int c = 0; l->st == PB_OK && c < l->ov->copies; c++)
		l->st = pb_caption_draw(l->ov, l->ov->frame, c, l->when, l->why, sizeof(l->why));
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
	struct pb_jpeg *j = NULL;
	struct layer layer = { 0 };
	pthread_t thread;
	int threaded = 0;
	unsigned char *jpg = NULL;
	size_t len;
	char err[2048];
	enum pb_status st;

	st = pb_overlay_load_layout(overlays_dir, overlay, &ov, err, sizeof(err));
	if (st) {
		first_line(err);
		snprintf(why, whylen, "theme %s: %s", overlay, err);
		return st;
	}
	if (n != ov->nslots) {
		snprintf(why, whylen, "theme %s takes %d photo%s, %d given", overlay, ov->nslots,
			 ov->nslots == 1 ? "" : "s", n);
		st = PB_ERR_INPUT;
		goto done;
	}
	layer.ov = ov;
	layer.when = when;
	threaded = pthread_create(&thread, NULL, prepare_layer, &layer) == 0;
	if (!threaded)
		prepare_layer(&layer);
	for (int i = 0; i < n; i++) {
		st = pb_file_map(inputs[i], MAX_CAPTURE_BYTES, &caps[i].data, &caps[i].len);
		if (st) {
			snprintf(why, whylen, "%s: cannot read it as a photo (%s)", inputs[i],
				 st == PB_ERR_INPUT ? "empty, missing or not a file" :
						      pb_status_str(st));
			goto done;
		}
	}
	j = pb_jpeg_create();
	st = pb_compose_canvas(ov, &print);
	if (st) {
		snprintf(why, whylen, "cannot allocate the %dx%d print", ov->width, ov->height);
		goto done;
	}
	st = pb_compose_photos(j, ov, caps, n, print, err, sizeof(err));
	if (st) {
		/* err starts "photo N: ..." — name the file instead */
		int k = 0;
		if (sscanf(err, "photo %d: ", &k) == 1 && k >= 1 && k <= n)
			snprintf(why, whylen, "%s: %s", inputs[k - 1], strchr(err, ':') + 2);
		else
			snprintf(why, whylen, "%s", err);
		goto done;
	}
	if (threaded) {
		pthread_join(thread, NULL);
		threaded = 0;
	}
	if (layer.st) {
		st = layer.st;
		first_line(layer.why);
		snprintf(why, whylen, "theme %s: %s", overlay, layer.why);
		goto done;
	}
	st = pb_compose_finish(ov, print, when, 1, err, sizeof(err));
	if (st) {
		snprintf(why, whylen, "%s", err);
		goto done;
	}
	st = pb_jpeg_encode(j, print, PB_FINAL_QUALITY, ov->dpi, &jpg, &len);
	if (st) {
		snprintf(why, whylen, "%s", pb_jpeg_error(j));
		goto done;
	}
	st = pb_file_write_atomic(out, jpg, len, 0644);
	if (st)
		snprintf(why, whylen, "%s: cannot write it (%s)", out, pb_status_str(st));
done:
	if (threaded)
		pthread_join(thread, NULL);
	for (int i = 0; i < PB_MAX_SLOTS; i++)
		pb_file_unmap(caps[i].data, caps[i].len);
	free(jpg);
	pb_image_destroy(print);
	pb_jpeg_destroy(j);
	pb_overlay_destroy(ov);
	return st;
}
