/* The simulated camera. Same picture at every size, moving with time, with a little sensor
 * noise so its JPEGs cost what a real photo costs to decode. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "camera.h"
#include "clock.h"
#include "file.h"
#include "jpeg.h"
#include "mem.h"

struct sim {
	struct pb_camera_sim_config cfg;
	struct pb_jpeg *jpeg;
	struct pb_image *preview; /* reused frame buffer */
	uint64_t start_ms;
	uint64_t next_frame_ms;
	uint64_t unplugged_until;
	unsigned captures;
	unsigned attempts;  /* with busy ones */
	char *capture_file; /* NULL: the scene */
};

static uint32_t
rgb(int r, int g, int b)
{
	r = r < 0 ? 0 : r > 255 ? 255 : r;
	g = g < 0 ? 0 : g > 255 ? 255 : g;
	b = b < 0 ? 0 : b > 255 ? 255 : b;
	return 0xff000000u | (uint32_t)r << 16 | (uint32_t)g << 8 | (uint32_t)b;
}

static void
fill(uint32_t *row, int x0, int x1, int w, uint32_t c)
{
	if (x0 < 0)
		x0 = 0;
	if (x1 > w)
		x1 = w;
	for (int x = x0; x < x1; x++)
		row[x] = c;
}

void
pb_camera_sim_scene(struct pb_image *img, uint64_t t_ms)
{
	const int w = img->width, h = img->height;
	const double t = (double)t_ms / 1000.0;
	static const int colours[3][3] = { { 232, 72, 85 }, { 255, 200, 60 }, { 60, 200, 220 } };
	double cx[3], cy[3], r = 0.1 * h;
	double floor_y = 0.74 * h, tile = h / 14.0, scroll = fmod(t * 0.05 * w, 2 * tile);
	uint32_t noise = 2463534242u;

	for (int i = 0; i < 3; i++) {
		cx[i] = w * (0.25 + 0.25 * i) + 0.08 * w * sin(t * 0.9 + i * 2.1);
		cy[i] = h * 0.45 + 0.12 * h * sin(t * 1.3 + i * 1.7);
	}
	for (int y = 0; y < h; y++) {
		uint32_t *row = pb_image_row(img, y);
		double v = (double)y / h;
		if (y < floor_y) {
			/* dusk sky: deep blue to warm orange */
			fill(row, 0, w, w,
			     rgb((int)(40 + 190 * v), (int)(60 + 80 * v), (int)(120 - 30 * v)));
		} else {
			int ty = (int)((y - floor_y) / tile);
			for (int x = 0; x < w; x++) {
				int tx = (int)((x + scroll) / tile);
				row[x] = ((tx + ty) & 1) ? rgb(70, 52, 48) : rgb(150, 120, 96);
			}
		}
		for (int i = 0; i < 3; i++) {
			double dy = y - cy[i];
			if (fabs(dy) >= r)
				continue;
			double half = sqrt(r * r - dy * dy);
			const int *c = colours[i];
			fill(row, (int)(cx[i] - half), (int)(cx[i] + half), w,
			     rgb(c[0], c[1], c[2]));
			/* a highlight up and to the left */
			double hy = y - (cy[i] - 0.35 * r), hr = 0.3 * r;
			if (fabs(hy) < hr) {
				double hh = sqrt(hr * hr - hy * hy), hx = cx[i] - 0.35 * r;
				fill(row, (int)(hx - hh), (int)(hx + hh), w,
				     rgb(c[0] + 60, c[1] + 50, c[2] + 50));
			}
		}
		/* sensor noise: the two low bits of every channel */
		for (int x = 0; x < w; x++) {
			noise ^= noise << 13;
			noise ^= noise >> 17;
			noise ^= noise << 5;
			row[x] = (row[x] & 0xfffcfcfcu) + (noise & 0x030303u);
		}
	}
}

static enum pb_status
sim_open(void *impl, char *why, size_t whylen)
{
	struct sim *s = impl;
	uint64_t now = pb_now_ms();

	if (now < s->unplugged_until) {
		snprintf(why, whylen, "simulated camera unplugged (back in %llu ms)",
			 (unsigned long long)(s->unplugged_until - now));
		return PB_ERR_NODEV;
	}
	s->next_frame_ms = now;
	return PB_OK;
}

static void
sleep_until(uint64_t when)
{
	uint64_t now = pb_now_ms();
	if (when > now) {
		struct timespec ts = { (time_t)((when - now) / 1000),
				       (long)((when - now) % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
}

static enum pb_status
sim_preview(void *impl, struct pb_blob *frame, char *why, size_t whylen)
{
	struct sim *s = impl;
	enum pb_status st;

	if (pb_now_ms() < s->unplugged_until) {
		snprintf(why, whylen, "simulated camera unplugged");
		return PB_ERR_NODEV;
	}
	sleep_until(s->next_frame_ms);
	s->next_frame_ms += 1000u / (unsigned)s->cfg.fps;
	if (s->next_frame_ms < pb_now_ms())
		s->next_frame_ms = pb_now_ms(); /* fell behind: do not try to catch up */
	pb_camera_sim_scene(s->preview, pb_now_ms() - s->start_ms);
	st = pb_jpeg_encode(s->jpeg, s->preview, 80, 0, &frame->data, &frame->len);
	return st;
}

static enum pb_status
sim_capture(void *impl, struct pb_blob *photo, int64_t *taken_us, char *why, size_t whylen)
{
	struct sim *s = impl;
	struct pb_image *img;
	enum pb_status st;
	unsigned n;

	(void)taken_us; /* rendered and encoded in memory: all of it is the capture */
	if (s->cfg.busy_every && ++s->attempts % (unsigned)s->cfg.busy_every == 0) {
		snprintf(why, whylen, "simulated camera busy (attempt %u)", s->attempts);
		return PB_ERR_BUSY;
	}
	n = ++s->captures;

	if (pb_now_ms() < s->unplugged_until) {
		snprintf(why, whylen, "simulated camera unplugged");
		return PB_ERR_NODEV;
	}
	if (s->cfg.disconnect_every && n % (unsigned)s->cfg.disconnect_every == 0) {
		s->unplugged_until = pb_now_ms() + (uint64_t)s->cfg.disconnect_ms;
		snprintf(why, whylen, "simulated camera unplugged during capture %u", n);
		return PB_ERR_NODEV;
	}
	if (s->cfg.latency_ms > 0)
		sleep_until(pb_now_ms() + (uint64_t)s->cfg.latency_ms);
	if (s->cfg.fail_every && n % (unsigned)s->cfg.fail_every == 0) {
		snprintf(why, whylen, "simulated capture failure (capture %u)", n);
		return PB_ERR_IO;
	}
	if (s->capture_file) {
		st = pb_file_read(s->capture_file, 256u << 20, &photo->data, &photo->len);
		if (st)
			snprintf(why, whylen, "simulated camera: cannot read %s", s->capture_file);
		return st;
	}
	st = pb_image_create(s->cfg.width, s->cfg.height, 0xff000000u, &img);
	if (st) {
		snprintf(why, whylen, "cannot allocate a %dx%d frame", s->cfg.width, s->cfg.height);
		return st;
	}
	pb_camera_sim_scene(img, pb_now_ms() - s->start_ms);
	if (s->cfg.restart_rows > 0)
		st = pb_jpeg_encode_restart(img, 92, s->cfg.restart_rows, &photo->data, &photo->len,
					    why, whylen);
	else if ((st = pb_jpeg_encode(s->jpeg, img, 92, 0, &photo->data, &photo->len)))
		snprintf(why, whylen, "%s", pb_jpeg_error(s->jpeg));
	if (st == PB_OK && s->cfg.corrupt_every && n % (unsigned)s->cfg.corrupt_every == 0)
		photo->len /= 3; /* as if the transfer broke off: the kiosk must notice */
	pb_image_destroy(img);
	return st;
}

static void
sim_close(void *impl)
{
	(void)impl;
}

static void
sim_destroy(void *impl)
{
	struct sim *s = impl;
	if (!s)
		return;
	pb_jpeg_destroy(s->jpeg);
	pb_image_destroy(s->preview);
	free(s->capture_file);
	free(s);
}

static void
sim_model(void *impl, char *out, size_t outlen)
{
	struct sim *s = impl;
	snprintf(out, outlen, "simulated camera %dx%d", s->cfg.width, s->cfg.height);
}

const struct pb_camera_ops pb_camera_sim_ops = {
	.name = "sim",
	.open = sim_open,
	.preview = sim_preview,
	.capture = sim_capture,
	.close = sim_close,
	.destroy = sim_destroy,
	.model = sim_model,
};

void *
pb_camera_sim_create(const struct pb_camera_sim_config *cfg)
{
	struct sim *s = pb_xcalloc(1, sizeof(*s));
	int pw = cfg->preview_width;
	int ph = (int)((int64_t)cfg->height * pw / cfg->width);

	s->cfg = *cfg;
	s->capture_file =
		cfg->capture_file && *cfg->capture_file ? pb_xstrdup(cfg->capture_file) : NULL;
	s->cfg.capture_file = NULL;
	if (s->cfg.fps < 1)
		s->cfg.fps = 1;
	s->jpeg = pb_jpeg_create();
	if (pb_image_create(pw, ph > 0 ? ph : 1, 0xff000000u, &s->preview) != PB_OK) {
		sim_destroy(s);
		return NULL;
	}
	s->start_ms = pb_now_ms();
	return s;
}
