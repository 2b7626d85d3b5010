/* geometry.c - see geometry.h. */
#include <stdint.h>

#include "geometry.h"

struct pb_rect
pb_crop_to_fill(int w, int h, struct pb_rect slot)
{
	struct pb_rect r = { 0, 0, w, h };

	/* compare w/h with slot.w/slot.h without rounding */
	if ((int64_t)w * slot.h > (int64_t)h * slot.w) {
		r.w = (int)(((int64_t)h * slot.w + slot.h / 2) / slot.h);
		r.x = (w - r.w) / 2;
	} else {
		r.h = (int)(((int64_t)w * slot.h + slot.w / 2) / slot.w);
		r.y = (h - r.h) / 2;
	}
	if (r.w < 1)
		r.w = 1;
	if (r.h < 1)
		r.h = 1;
	return r;
}

int
pb_rect_contains(struct pb_rect r, int x, int y)
{
	return r.w > 0 && x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

static struct pb_rect
scale_centred(int w, int h, struct pb_rect box, int cover)
{
	struct pb_rect r;
	/* compare aspects without rounding: does the picture run wider than the box? */
	int wider = (long long)w * box.h > (long long)h * box.w;
	if (w <= 0 || h <= 0)
		return box;
	if (wider != cover) {
		r.w = box.w;
		r.h = (int)((long long)h * box.w / w);
	} else {
		r.h = box.h;
		r.w = (int)((long long)w * box.h / h);
	}
	r.x = box.x + (box.w - r.w) / 2;
	r.y = box.y + (box.h - r.h) / 2;
	return r;
}

struct pb_rect
pb_rect_cover(int w, int h, struct pb_rect box)
{
	return scale_centred(w, h, box, 1);
}

struct pb_rect
pb_rect_fit(int w, int h, struct pb_rect box)
{
	return scale_centred(w, h, box, 0);
}
