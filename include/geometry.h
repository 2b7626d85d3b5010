/* geometry.h - rectangles in pixels, and how a picture of one shape goes into a box of another:
 * cropped to fill it, scaled to cover it or to fit inside it. Pure; any thread. */
#ifndef PB_GEOMETRY_H
#define PB_GEOMETRY_H

struct pb_rect {
	int x, y, w, h;
};

/* The centred crop of a w x h picture that has the aspect of slot. */
struct pb_rect pb_crop_to_fill(int w, int h, struct pb_rect slot);

/* The rectangle of size w x h scaled to cover (fill) or fit inside box, centred. */
struct pb_rect pb_rect_cover(int w, int h, struct pb_rect box);
struct pb_rect pb_rect_fit(int w, int h, struct pb_rect box);

/* Whether (x, y) is inside r (an empty r holds nothing). */
int pb_rect_contains(struct pb_rect r, int x, int y);

#endif
