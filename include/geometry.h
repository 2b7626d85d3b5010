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

/* A tw x th picture drawn mirrored left to right into frame, on a w x h screen: the part on
 * screen, as *dst, and the picture's pixels it shows, as *src (at least 1 x 1). 0, or -1 when
 * none of frame is on screen. However large frame is, *dst is within the screen. */
int pb_rect_visible_mirrored(struct pb_rect frame, int w, int h, int tw, int th,
			     struct pb_rect *src, struct pb_rect *dst);

/* Whether (x, y) is inside r (an empty r holds nothing). */
int pb_rect_contains(struct pb_rect r, int x, int y);

#endif
