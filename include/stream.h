/* stream.h - the fast path from JPEG bytes to a filled slot: libjpeg decodes rows at the
 * smallest DCT scale that covers the slot while a second thread resamples them, as they
 * arrive, straight into the slot (crop to fill, centred; a separable tent filter as wide as
 * the reduction, so fine patterns do not alias). Two small row rings instead of whole-image
 * buffers. Blocking; any thread (it starts and joins one helper thread). */
#ifndef PB_STREAM_H
#define PB_STREAM_H

#include <stddef.h>
#include "image.h"
#include "overlay.h"

/* Told after each finished output row of the slot: rows is how many are done (called on the
 * resampling thread). */
struct pb_progress {
	void (*rows)(void *ctx, int rows);
	void *ctx;
};

/* Fills slot of canvas from the JPEG. Sets *handled = 0 and returns PB_OK without touching
 * the canvas for captures this path does not take (EXIF-turned, CMYK): use the general path
 * for those. Corrupt or truncated data is PB_ERR_INPUT with libjpeg's text in why. */
enum pb_status pb_stream_to_slot(const unsigned char *data, size_t len, struct pb_image *canvas,
				 struct pb_rect slot, const struct pb_progress *progress,
				 int *handled, char *why, size_t whylen);

/* A baseline JPEG with restart markers (restart.h) decodes its pieces on this many cores at
 * once: 0 (the default) for every core online, 1 for one (the serial path, for tests and
 * benchmarks). Process-wide; any thread. */
void pb_stream_set_cores(int n);
/* Restart pieces decoded that way since start-up (for tests and benchmarks). */
unsigned long pb_stream_pieces(void);

/* The filter on its own, for tests and benchmarks: src rect r into dst rect d. */
enum pb_status pb_resample(const struct pb_image *src, struct pb_rect r, struct pb_image *dst,
			   struct pb_rect d);

#endif
