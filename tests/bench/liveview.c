/* Live-view cost per frame: decode a 1024x680 preview JPEG into the streaming texture and
 * upload it, through the kiosk's own renderer and display code. Baseline in the same
 * process: TurboJPEG decoding the same frames into plain memory. Prints medians in ms. */
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <turbojpeg.h>

#include "bench.h"
#include "camera.h"
#include "display.h"
#include "jpeg.h"
#include "render.h"

#define FRAMES 16
#define RUNS 400

int
main(int argc, char **argv)
{
	const char *font =
		argc > 1 ? argv[1] : "/usr/share/fonts/truetype/nanum/NanumBarunGothicBold.ttf";
	struct pb_display_config dc = { 1, 1024, 680 };
	struct pb_display *d;
	struct pb_render *rd;
	struct pb_jpeg *j = pb_jpeg_create();
	struct pb_blob f[FRAMES];
	struct pb_image *img;
	static double ours[RUNS], base[RUNS];
	char why[512];

	if (pb_display_open(&dc, &d, why, sizeof(why)) != PB_OK ||
	    !(rd = pb_render_create(pb_display_renderer(d), font, 0, why, sizeof(why)))) {
		fprintf(stderr, "liveview: %s\n", why);
		return 1;
	}
	pb_image_create(1024, 680, 0, &img);
	for (int i = 0; i < FRAMES; i++) {
		pb_camera_sim_scene(img, 1000u + 33u * (unsigned)i);
		pb_jpeg_encode(j, img, 80, 0, &f[i].data, &f[i].len); /* as the camera sends */
	}
	for (int i = 0; i < 20; i++)
		pb_render_live_frame(rd, f[i % FRAMES].data, f[i % FRAMES].len);
	unsigned char *buf = malloc(1024 * 680 * 3);
	tjhandle t = tjInitDecompress();
	for (int i = 0; i < RUNS; i++) {
		const struct pb_blob *b = &f[i % FRAMES];
		double t0 = now_ms();
		if (pb_render_live_frame(rd, b->data, b->len) != PB_OK)
			return 1;
		double t1 = now_ms();
		tjDecompress2(t, b->data, (unsigned long)b->len, buf, 1024, 0, 680, TJPF_RGB,
			      TJFLAG_FASTDCT | TJFLAG_FASTUPSAMPLE);
		double t2 = now_ms();
		ours[i] = t1 - t0;
		base[i] = t2 - t1;
	}
	printf("%.2f %.2f %s\n", median(ours, RUNS), median(base, RUNS),
	       SDL_GetCurrentVideoDriver());
	tjDestroy(t);
	free(buf);
	for (int i = 0; i < FRAMES; i++)
		free(f[i].data);
	pb_image_destroy(img);
	pb_jpeg_destroy(j);
	pb_render_destroy(rd);
	pb_display_close(d);
	SDL_Quit();
	return 0;
}
