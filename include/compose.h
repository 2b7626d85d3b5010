/* compose.h - captures to a finished picture. Blocking, CPU only; worker threads. */
#ifndef PB_COMPOSE_H
#define PB_COMPOSE_H

#include <stddef.h>
#include <time.h>
#include "blob.h"
#include "geometry.h"
#include "image.h"
#include "jpeg.h"
#include "overlay.h"

/* Decodes captures[i] for slot i of ov (n must equal ov->nslots) at the smallest DCT scale
 * that still covers the slot, stands it upright (EXIF orientation), crops it to fill the slot
 * (centred), downscales it with an
 * anti-aliasing filter and draws it onto a white canvas of the output size; repeats the
 * layout for each copy, lays the frame over it and draws the text fields (dated `when`). On
 * failure err says which photo and why. *out is a new image. */
enum pb_status pb_compose(struct pb_jpeg *j, const struct pb_overlay *ov,
			  const struct pb_blob *captures, int n, time_t when, struct pb_image **out,
			  char *err, size_t errlen);

/* The two halves of pb_compose, for callers that prepare the frame elsewhere meanwhile:
 * fills every slot of the first copy of canvas, then repeats that copy, lays the frame over
 * it and, unless text_on_frame says the text is already drawn on ov->frame, the text. */
/* A new canvas for ov: white wherever the photos of the first copy will not be drawn (the
 * slots are left for pb_compose_photos to fill, which saves touching them twice). */
enum pb_status pb_compose_canvas(const struct pb_overlay *ov, struct pb_image **out);
/* The two steps of pb_compose_canvas: memory with unspecified pixels, then white outside the
 * slots. Photos and whitening touch disjoint pixels, so two threads may do them at once. */
enum pb_status pb_compose_canvas_alloc(const struct pb_overlay *ov, struct pb_image **out);
void pb_compose_whiten(const struct pb_overlay *ov, struct pb_image *canvas);
struct pb_progress;
/* progress (may be NULL) hears of finished rows of slot i as slot_rows(ctx, i, rows). */
struct pb_slot_progress {
	void (*slot_rows)(void *ctx, int slot, int rows);
	void *ctx;
};
/* One photo into slot i of canvas (what pb_compose_photos does for each); err starts
 * "photo i+1: ". */
enum pb_status pb_compose_slot(struct pb_jpeg *j, const struct pb_overlay *ov,
			       const struct pb_blob *capture, int i, struct pb_image *canvas,
			       const struct pb_slot_progress *progress, char *err, size_t errlen);
enum pb_status pb_compose_photos(struct pb_jpeg *j, const struct pb_overlay *ov,
				 const struct pb_blob *captures, int n, struct pb_image *canvas,
				 const struct pb_slot_progress *progress, char *err, size_t errlen);
enum pb_status pb_compose_finish(const struct pb_overlay *ov, struct pb_image *canvas, time_t when,
				 int text_on_frame, char *err, size_t errlen);

/* Draws the crop rectangle src_r of src into dst_r of dst, scaled (SRC operator). */
enum pb_status pb_image_draw_scaled(const struct pb_image *src, struct pb_rect src_r,
				    struct pb_image *dst, struct pb_rect dst_r);

/* The same for a picture stored turned: src_r is in upright coordinates of src as EXIF
 * orientation (1..8) says it should stand. */
enum pb_status pb_image_draw_oriented(const struct pb_image *src, int orientation,
				      struct pb_rect src_r, struct pb_image *dst,
				      struct pb_rect dst_r);

/* A copy of src scaled to fit inside max_w x max_h, keeping its aspect; never larger. */
enum pb_status pb_image_scale_fit(const struct pb_image *src, int max_w, int max_h,
				  struct pb_image **out);

/* The same for the region r of src. */
enum pb_status pb_image_scale_region(const struct pb_image *src, struct pb_rect r, int max_w,
				     int max_h, struct pb_image **out);

/* A small picture of the theme for staff: the print with grey where the photos go, dated
 * today, scaled to fit max x max. */
enum pb_status pb_compose_preview(const struct pb_overlay *ov, int max, struct pb_image **out);

#endif
