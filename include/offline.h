/* offline.h - `photobooth render`: photos to a framed print file without a kiosk, for
 * reprints, re-rendering after a theme change, and benchmarks. Blocking; one thread. */
#ifndef PB_OFFLINE_H
#define PB_OFFLINE_H

#include <stddef.h>
#include <time.h>
#include "status.h"

/* Reads n JPEG files (one per slot of the theme at overlays_dir/overlay), composes them dated
 * `when` and writes the print JPEG (quality 92, the theme's DPI) to out, atomically. On
 * failure why holds one line: which file and what is wrong with it. */
enum pb_status pb_offline_render(const char *overlays_dir, const char *overlay, const char *out,
				 char *const *inputs, int n, time_t when, char *why, size_t whylen);

#endif
