#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "file.h"
#include "offline.h"
#include "session.h"

/* Captures larger than this are not photos from any camera we support. */
#define MAX_CAPTURE_BYTES (256u << 20)

enum pb_status
pb_offline_render(const char *overlays_dir, const char *overlay, const char *out,
		  char *const *inputs, int n, time_t when, char *why, size_t whylen)
{
	struct pb_overlay *ov = NULL;
	struct pb_blob caps[PB_MAX_SLOTS] = { 0 };
	struct pb_image *print = NULL;
	struct pb_jpeg *j = NULL;
	unsigned char *jpg = NULL;
	size_t len;
	char err[2048];
	enum pb_status st;

	st = pb_overlay_load(overlays_dir, overlay, &ov, err, sizeof(err));
	if (st) {
		char *nl = strchr(err, '\n');
		if (nl)
			*nl = '\0';
		snprintf(why, whylen, "theme %s: %s", overlay, err);
		return st;
	}
	if (n != ov->nslots) {
		snprintf(why, whylen, "theme %s takes %d photo%s, %d given", overlay, ov->nslots,
			 ov->nslots == 1 ? "" : "s", n);
		st = PB_ERR_INPUT;
		goto done;
	}
	for (int i = 0; i < n; i++) {
		st = pb_file_read(inputs[i], MAX_CAPTURE_BYTES, &caps[i].data, &caps[i].len);
		if (st) {
			snprintf(why, whylen, "%s: cannot read it (%s)", inputs[i],
				 pb_status_str(st));
			goto done;
		}
		if (caps[i].len == 0) {
			snprintf(why, whylen, "%s: empty file", inputs[i]);
			st = PB_ERR_INPUT;
			goto done;
		}
	}
	j = pb_jpeg_create();
	st = pb_compose(j, ov, caps, n, when, &print, err, sizeof(err));
	if (st) {
		/* err starts "photo N: ..." — name the file instead */
		int k = 0;
		const char *reason = err;
		if (sscanf(err, "photo %d: ", &k) == 1 && k >= 1 && k <= n) {
			reason = strchr(err, ':') + 2;
			snprintf(why, whylen, "%s: %s", inputs[k - 1], reason);
		} else {
			snprintf(why, whylen, "%s", err);
		}
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
	for (int i = 0; i < PB_MAX_SLOTS; i++)
		free(caps[i].data);
	free(jpg);
	pb_image_destroy(print);
	pb_jpeg_destroy(j);
	pb_overlay_destroy(ov);
	return st;
}
