/* The fast path's resampler against pixman's separable convolution (the anti-aliasing filter
 * pixman offers) on the same job, in one process: the crop of a 3/8-scale decode of a
 * 6000x4000 photo (2250x1284) into the certification lounge's 1704x972 slot. Medians in ms. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"
#include "camera.h"
#include "compose.h"
#include "stream.h"

int
main(void)
{
	enum { RUNS = 15 };
	struct pb_image *src, *dst;
	struct pb_rect from = { 0, 108, 2250, 1284 }, to = { 0, 0, 1704, 972 };
	double ours[RUNS], pix[RUNS];

	pb_image_create(2250, 1500, 0, &src);
	pb_camera_sim_scene(src, 1234);
	pb_image_create(1704, 972, 0, &dst);
	for (int i = 0; i < RUNS; i++) {
		double t0 = now_ms();
		pb_resample(src, from, dst, to);
		double t1 = now_ms();
		pb_image_draw_scaled(src, from, dst, to);
		double t2 = now_ms();
		ours[i] = t1 - t0;
		pix[i] = t2 - t1;
	}
	printf("%.1f %.1f\n", median(ours, RUNS), median(pix, RUNS));
	pb_image_destroy(src);
	pb_image_destroy(dst);
	return 0;
}
