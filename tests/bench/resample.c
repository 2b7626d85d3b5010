/* The fast path's resampler against pixman's separable convolution (the anti-aliasing filter
 * pixman offers) on the same job, in one process: the crop of a 3/8-scale decode of a
 * 6000x4000 photo (2250x1284) into the certification lounge's 1704x972 slot. Medians in ms. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "camera.h"
#include "compose.h"
#include "stream.h"

static double
now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

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
	qsort(ours, RUNS, sizeof(double), cmp);
	qsort(pix, RUNS, sizeof(double), cmp);
	printf("%.1f %.1f\n", ours[RUNS / 2], pix[RUNS / 2]);
	pb_image_destroy(src);
	pb_image_destroy(dst);
	return 0;
}
