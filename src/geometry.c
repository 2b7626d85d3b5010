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

int
pb_rect_visible_mirrored(struct pb_rect frame, int w, int h, int tw, int th, struct pb_rect *src,
			 struct pb_rect *dst)
{
	if (tw < 1 || th < 1 || frame.w < 1 || frame.h < 1)
		return -1;
	int64_t x0 = frame.x > 0 ? frame.x : 0, y0 = frame.y > 0 ? frame.y : 0;
	int64_t x1 = (int64_t)frame.x + frame.w < w ? (int64_t)frame.x + frame.w : w;
	int64_t y1 = (int64_t)frame.y + frame.h < h ? (int64_t)frame.y + frame.h : h;
	if (x1 <= x0 || y1 <= y0)
		return -1;
	/* mirrored: the screen's left edge shows the picture's right */
	int64_t sx0 = (int64_t)tw * ((int64_t)frame.x + frame.w - x1) / frame.w;
	int64_t sx1 = (int64_t)tw * ((int64_t)frame.x + frame.w - x0) / frame.w;
	int64_t sy0 = (int64_t)th * (y0 - frame.y) / frame.h;
	int64_t sy1 = (int64_t)th * (y1 - frame.y) / frame.h;
	if (sx0 >= tw)
		sx0 = tw - 1;
	if (sy0 >= th)
		sy0 = th - 1;
	*src = (struct pb_rect){ (int)sx0, (int)sy0, (int)(sx1 > sx0 ? sx1 - sx0 : 1),
				 (int)(sy1 > sy0 ? sy1 - sy0 : 1) };
	*dst = (struct pb_rect){ (int)x0, (int)y0, (int)(x1 - x0), (int)(y1 - y0) };
	return 0;
}
