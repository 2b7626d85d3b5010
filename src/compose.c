#include <pixman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caption.h"
#include "compose.h"
#include "icc.h"
#include "stream.h"
#include "log.h"
#include "mem.h"

static pixman_image_t *
wrap(const struct pb_image *img, pixman_format_code_t fmt)
{
	return pixman_image_create_bits(fmt, img->width, img->height, img->pixels, img->stride);
}

enum pb_status
pb_image_draw_oriented(const struct pb_image *src, int orientation, struct pb_rect src_r,
		       struct pb_image *dst, struct pb_rect dst_r)
{
	/* upright (u, v) -> stored (x, y), for each EXIF orientation: x = a*u + b*v + c*W,
	 * y = d*u + e*v + f*H */
	static const signed char turn[9][6] = {
		[1] = { 1, 0, 0, 0, 1, 0 },   [2] = { -1, 0, 1, 0, 1, 0 },
		[3] = { -1, 0, 1, 0, -1, 1 }, [4] = { 1, 0, 0, 0, -1, 1 },
		[5] = { 0, 1, 0, 1, 0, 0 },   [6] = { 0, 1, 0, -1, 0, 1 },
		[7] = { 0, -1, 1, -1, 0, 1 }, [8] = { 0, -1, 1, 1, 0, 0 },
	};
	pixman_image_t *s = wrap(src, PIXMAN_x8r8g8b8);
	pixman_image_t *d = wrap(dst, PIXMAN_a8r8g8b8);
	pixman_transform_t t;
	double sx = (double)src_r.w / dst_r.w, sy = (double)src_r.h / dst_r.h;
	const signed char *o;
	pixman_fixed_t *params = NULL;
	int nparams = 0;

	if (orientation < 1 || orientation > 8)
		orientation = 1;
	o = turn[orientation];
	if (!s || !d) {
		if (s)
			pixman_image_unref(s);
		if (d)
			pixman_image_unref(d);
		return PB_ERR_NOMEM;
	}
	/* Destination pixel centres map to the matching points of the crop rectangle (u, v),
	 * then to where those points are stored. */
	pixman_transform_init_identity(&t);
	t.matrix[0][0] = pixman_double_to_fixed(o[0] * sx);
	t.matrix[0][1] = pixman_double_to_fixed(o[1] * sy);
	t.matrix[0][2] =
		pixman_double_to_fixed(o[0] * src_r.x + o[1] * src_r.y + o[2] * (double)src->width);
	t.matrix[1][0] = pixman_double_to_fixed(o[3] * sx);
	t.matrix[1][1] = pixman_double_to_fixed(o[4] * sy);
	t.matrix[1][2] = pixman_double_to_fixed(o[3] * src_r.x + o[4] * src_r.y +
						o[5] * (double)src->height);
	pixman_image_set_transform(s, &t);
	pixman_image_set_repeat(s, PIXMAN_REPEAT_PAD);
	if (orientation >= 5) {
		/* turned a quarter: the stored x axis is the upright y axis */
		double tmp = sx;
		sx = sy;
		sy = tmp;
	}
	if (sx > 1.0 || sy > 1.0) {
		/* Downscaling: average over the footprint of each output pixel (a tent filter
		 * over box-reconstructed pixels), so fine patterns do not alias into moire. */
		params = pixman_filter_create_separable_convolution(
			&nparams, pixman_double_to_fixed(sx > 1.0 ? sx : 1.0),
			pixman_double_to_fixed(sy > 1.0 ? sy : 1.0), PIXMAN_KERNEL_BOX,
			PIXMAN_KERNEL_BOX, PIXMAN_KERNEL_LINEAR, PIXMAN_KERNEL_LINEAR, 2, 2);
		if (!params) {
			pixman_image_unref(s);
			pixman_image_unref(d);
			return PB_ERR_NOMEM;
		}
		pixman_image_set_filter(s, PIXMAN_FILTER_SEPARABLE_CONVOLUTION, params, nparams);
		free(params);
	} else {
		pixman_image_set_filter(s, PIXMAN_FILTER_BILINEAR, NULL, 0);
	}
	pixman_image_composite32(PIXMAN_OP_SRC, s, NULL, d, 0, 0, 0, 0, dst_r.x, dst_r.y, dst_r.w,
				 dst_r.h);
	pixman_image_unref(s);
	pixman_image_unref(d);
	return PB_OK;
}

enum pb_status
pb_image_draw_scaled(const struct pb_image *src, struct pb_rect src_r, struct pb_image *dst,
		     struct pb_rect dst_r)
{
	return pb_image_draw_oriented(src, 1, src_r, dst, dst_r);
}

enum pb_status
pb_image_scale_region(const struct pb_image *src, struct pb_rect r, int max_w, int max_h,
		      struct pb_image **out)
{
	int w = r.w, h = r.h;
	enum pb_status st;

	/* keep the aspect, to the nearest pixel */
	if (w > max_w) {
		h = (int)(((int64_t)h * max_w + w / 2) / w);
		w = max_w;
	}
	if (h > max_h) {
		w = (int)(((int64_t)w * max_h + h / 2) / h);
		h = max_h;
	}
	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	st = pb_image_create(w, h, 0xff000000u, out);
	if (st)
		return st;
	/* a reduction: the streaming path's tent filter (stream.h), several times pixman's
	 * speed; pixman for the rest */
	if (w <= r.w && h <= r.h)
		st = pb_resample(src, r, *out, (struct pb_rect){ 0, 0, w, h });
	else
		st = PB_ERR_INPUT;
	if (st)
		st = pb_image_draw_scaled(src, r, *out, (struct pb_rect){ 0, 0, w, h });
	if (st) {
		pb_image_destroy(*out);
		*out = NULL;
	}
	return st;
}

enum pb_status
pb_image_scale_fit(const struct pb_image *src, int max_w, int max_h, struct pb_image **out)
{
	return pb_image_scale_region(src, (struct pb_rect){ 0, 0, src->width, src->height }, max_w,
				     max_h, out);
}

/* The photos are in the first copy: repeat it, lay the frame over everything, then the text
 * of each copy. */
enum pb_status
pb_compose_finish(const struct pb_overlay *ov, struct pb_image *canvas, time_t when,
		  int text_on_frame, char *err, size_t errlen)
{
	struct pb_rect first = pb_overlay_copy_rect(ov, 0);

	for (int c = 1; c < ov->copies; c++) {
		struct pb_rect r = pb_overlay_copy_rect(ov, c);
		for (int y = 0; y < ov->height; y++)
			memcpy(pb_image_row(canvas, y) + r.x, pb_image_row(canvas, y) + first.x,
			       (size_t)first.w * 4);
	}
	if (ov->frame) {
		pixman_image_t *f = wrap(ov->frame, PIXMAN_a8r8g8b8);
		pixman_image_t *d = wrap(canvas, PIXMAN_a8r8g8b8);
		if (f && d)
			pixman_image_composite32(PIXMAN_OP_OVER, f, NULL, d, 0, 0, 0, 0, 0, 0,
						 canvas->width, canvas->height);
		if (f)
			pixman_image_unref(f);
		if (d)
			pixman_image_unref(d);
		if (!f || !d) {
			snprintf(err, errlen, "out of memory laying the frame");
			return PB_ERR_NOMEM;
		}
	}
	for (int c = 0; c < ov->copies && !text_on_frame; c++) {
		char why[256];
		enum pb_status st = pb_caption_draw(ov, canvas, c, when, why, sizeof(why));
		if (st) {
			snprintf(err, errlen, "text: %s", why);
			return st;
		}
	}
	return PB_OK;
}

enum pb_status
pb_compose_canvas_alloc(const struct pb_overlay *ov, struct pb_image **out)
{
	struct pb_image *c;
	size_t n = (size_t)ov->width * (size_t)ov->height;

	*out = NULL;
	if (ov->width <= 0 || ov->height <= 0 || n > PB_IMAGE_MAX_PIXELS)
		return PB_ERR_INPUT;
	c = pb_xcalloc(1, sizeof(*c));
	c->pixels = malloc(n * 4);
	if (!c->pixels) {
		free(c);
		return PB_ERR_NOMEM;
	}
	c->width = ov->width;
	c->height = ov->height;
	c->stride = ov->width * 4;
	*out = c;
	return PB_OK;
}

void
pb_compose_whiten(const struct pb_overlay *ov, struct pb_image *c)
{
	for (int y = 0; y < c->height; y++) {
		uint32_t *row = pb_image_row(c, y);
		/* white, skipping over the slots crossing this row */
		int x = 0;
		while (x < c->width) {
			int skip_to = -1;
			for (int i = 0; i < ov->nslots; i++) {
				const struct pb_rect *s = &ov->slots[i];
				if (y >= s->y && y < s->y + s->h && x >= s->x && x < s->x + s->w &&
				    s->x + s->w > skip_to)
					skip_to = s->x + s->w;
			}
			if (skip_to > x) {
				x = skip_to;
				continue;
			}
			row[x++] = 0xffffffffu;
		}
	}
}

enum pb_status
pb_compose_canvas(const struct pb_overlay *ov, struct pb_image **out)
{
	enum pb_status st = pb_compose_canvas_alloc(ov, out);
	if (st == PB_OK)
		pb_compose_whiten(ov, *out);
	return st;
}

enum pb_status
pb_compose(struct pb_jpeg *j, const struct pb_overlay *ov, const struct pb_blob *captures, int n,
	   time_t when, struct pb_image **out, char *err, size_t errlen)
{
	struct pb_image *canvas;
	enum pb_status st;

	*out = NULL;
	st = pb_compose_canvas(ov, &canvas);
	if (st) {
		snprintf(err, errlen, "cannot allocate the %dx%d canvas", ov->width, ov->height);
		return st;
	}
	st = pb_compose_photos(j, ov, captures, n, canvas, NULL, err, errlen);
	if (st == PB_OK)
		st = pb_compose_finish(ov, canvas, when, 0, err, errlen);
	if (st) {
		pb_image_destroy(canvas);
		return st;
	}
	*out = canvas;
	return PB_OK;
}

struct slot_relay {
	const struct pb_slot_progress *up; /* NULL: nobody listens */
	int slot;
	struct pb_icc *icc; /* the capture's colour space to sRGB, or NULL */
	struct pb_image *canvas;
	struct pb_rect r;
	int done; /* rows converted */
};

/* Rows of the slot are finished: convert them to sRGB before anyone (the print's encoder)
 * takes them. */
static void
relay(void *ctx, int rows)
{
	struct slot_relay *r = ctx;
	if (rows > r->done) {
		pb_icc_convert(
			r->icc, r->canvas,
			(struct pb_rect){ r->r.x, r->r.y + r->done, r->r.w, rows - r->done });
		r->done = rows;
	}
	if (r->up)
		r->up->slot_rows(r->up->ctx, r->slot, rows);
}

enum pb_status
pb_compose_slot(struct pb_jpeg *j, const struct pb_overlay *ov, const struct pb_blob *capture,
		int i, struct pb_image *canvas, const struct pb_slot_progress *progress, char *err,
		size_t errlen)
{
	enum pb_status st;
	const struct pb_rect *slot = &ov->slots[i];
	struct slot_relay r = { progress, i, NULL, canvas, *slot, 0 };
	struct pb_progress rows = { relay, &r };
	struct pb_image *photo;
	int w, h;
	int handled = 0;
	enum pb_icc_kind kind;
	char warn[200];

	r.icc = pb_icc_for(capture->data, capture->len, &kind, warn, sizeof(warn));
	st = pb_stream_to_slot(capture->data, capture->len, canvas, *slot,
			       progress || r.icc ? &rows : NULL, &handled, err, errlen);
	if (st || handled) {
		if (!st && r.done < slot->h) /* rows the decoder did not report */
			pb_icc_convert(r.icc, canvas,
				       (struct pb_rect){ slot->x, slot->y + r.done, slot->w,
							 slot->h - r.done });
		pb_icc_release(r.icc);
		if (st) {
			char why[512];
			snprintf(why, sizeof(why), "%s", err);
			snprintf(err, errlen, "photo %d: %s", i + 1, why);
		}
		return st;
	}
	/* the general path: captures stored turned, CMYK */
	int turned = pb_jpeg_orientation(capture->data, capture->len);
	int quarter = turned >= 5; /* stored on its side */

	st = pb_jpeg_info(j, capture->data, capture->len, &w, &h);
	if (st == PB_OK) {
		/* Decode just large enough that the upright crop still covers the slot. */
		int uw = quarter ? h : w, uh = quarter ? w : h;
		struct pb_rect crop = pb_crop_to_fill(uw, uh, *slot);
		int min_w = (int)((int64_t)slot->w * uw / crop.w);
		int min_h = (int)((int64_t)slot->h * uh / crop.h);
		st = pb_jpeg_decode(j, capture->data, capture->len, quarter ? min_h : min_w,
				    quarter ? min_w : min_h, &photo);
	}
	if (st) {
		pb_icc_release(r.icc);
		snprintf(err, errlen, "photo %d: %s", i + 1, pb_jpeg_error(j));
		return st;
	}
	int uw = quarter ? photo->height : photo->width;
	int uh = quarter ? photo->width : photo->height;
	st = pb_image_draw_oriented(photo, turned, pb_crop_to_fill(uw, uh, *slot), canvas, *slot);
	pb_image_destroy(photo);
	if (st) {
		pb_icc_release(r.icc);
		snprintf(err, errlen, "photo %d: out of memory while scaling", i + 1);
		return st;
	}
	relay(&r, slot->h);
	pb_icc_release(r.icc);
	return PB_OK;
}

enum pb_status
pb_compose_photos(struct pb_jpeg *j, const struct pb_overlay *ov, const struct pb_blob *captures,
		  int n, struct pb_image *canvas, const struct pb_slot_progress *progress,
		  char *err, size_t errlen)
{
	if (n != ov->nslots) {
		snprintf(err, errlen, "%d photos for %d slots", n, ov->nslots);
		return PB_ERR_INPUT;
	}
	for (int i = 0; i < n; i++) {
		enum pb_status st =
			pb_compose_slot(j, ov, &captures[i], i, canvas, progress, err, errlen);
		if (st)
			return st;
	}
	return PB_OK;
}

enum pb_status
pb_compose_preview(const struct pb_overlay *ov, int max, struct pb_image **out)
{
	struct pb_image *canvas = NULL;
	char err[256];
	enum pb_status st = pb_image_create(ov->width, ov->height, 0xff8a90a4, &canvas);

	*out = NULL;
	if (st == PB_OK)
		st = pb_compose_finish(ov, canvas, time(NULL), 0, err, sizeof(err));
	if (st == PB_OK)
		st = pb_image_scale_fit(canvas, max, max, out);
	pb_image_destroy(canvas);
	return st;
}
