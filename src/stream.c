#define _GNU_SOURCE /* pthread_setname_np */
#include <math.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h> /* after stdio.h: it uses FILE and size_t */
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "compose.h"
#include "jpeg.h"
#include "jpeg_error.h"
#include "stream.h"

#define FRAC 14	 /* weights are fixed point with 14 fraction bits */
#define RING 256 /* decoded rows in flight: room for the resampler to fall behind a while */

/* For each output pixel: the first source pixel and its weights. */
struct taps {
	int n;	    /* taps per output pixel (the widest) */
	int *first; /* [out] */
	int16_t *w; /* [out][n] */
};

static void
taps_free(struct taps *t)
{
	free(t->first);
	free(t->w);
}

/* A tent half a source pixel wider than the reduction (plain linear interpolation when
 * enlarging), over source pixels [0, in), for out pixels. Exactly as wide as the reduction
 * lets one-pixel stripes through at small reductions (about 1.1x to 1.5x, which is what DCT
 * scaling leaves): +-30 grey levels of moire at 1.32x; half a pixel more keeps it under 10 at
 * every ratio (tests/unit/test_compose.c). Weights sum to exactly 1 << FRAC. */
static int
taps_make(struct taps *t, int in, int out)
{
	double s = (double)in / out, r = s > 1.0 ? s + 0.5 : 1.0;
	t->n = (int)ceil(2 * r) + 1;
	t->first = NULL;
	t->w = NULL;
	if (t->n > 64)
		return -1; /* more than an 8x reduction: DCT scaling has done most of it already */
	t->first = malloc(sizeof(int) * (size_t)out);
	t->w = calloc((size_t)out * (size_t)t->n, sizeof(int16_t));
	if (!t->first || !t->w)
		return -1;
	for (int i = 0; i < out; i++) {
		double c = (i + 0.5) * s - 0.5;
		int a = (int)ceil(c - r), sum = 0, big = 0;
		double wsum = 0;
		double wt[64];
		int k;
		for (k = 0; k < t->n && k < 64; k++) {
			double d = fabs(a + k - c) / r;
			wt[k] = d < 1.0 ? 1.0 - d : 0.0;
			wsum += wt[k];
		}
		/* clamp taps that fall off the edge onto the edge pixel */
		if (a < 0) {
			for (k = 0; k < -a && k < t->n; k++) {
				wt[-a] += wt[k];
				wt[k] = 0;
			}
		}
		for (k = 0; k < t->n; k++) {
			if (a + k >= in && wt[k] > 0) {
				int last = in - 1 - a;
				wt[last] += wt[k];
				wt[k] = 0;
			}
		}
		int16_t *w = t->w + (size_t)i * t->n;
		for (k = 0; k < t->n; k++) {
			w[k] = (int16_t)lround(wt[k] / wsum * (1 << FRAC));
			sum += w[k];
			if (w[k] > w[big])
				big = k;
		}
		w[big] = (int16_t)(w[big] + (1 << FRAC) - sum); /* exact sum, no drift */
		t->first[i] = a;
	}
	return 0;
}

#ifdef __SSE2__
/* Two taps at a time with SSE2 (every x86-64): pixels p and q interleaved into 16-bit lanes
 * (B B G G R R X X) times their weights (w, v), summed pairwise into 32-bit channels. The
 * same sums as the portable code below, so the same pixels. */
static inline __m128i
taps2(uint32_t p, uint32_t q, int16_t w, int16_t v)
{
	__m128i a = _mm_unpacklo_epi8(_mm_cvtsi32_si128((int)p), _mm_cvtsi32_si128((int)q));
	a = _mm_unpacklo_epi8(a, _mm_setzero_si128());
	return _mm_madd_epi16(a, _mm_set1_epi32((int)((uint32_t)(uint16_t)v << 16 | (uint16_t)w)));
}

static inline uint32_t
pack(__m128i acc)
{
	acc = _mm_srai_epi32(_mm_add_epi32(acc, _mm_set1_epi32(1 << (FRAC - 1))), FRAC);
	acc = _mm_packs_epi32(acc, acc);
	acc = _mm_packus_epi16(acc, acc); /* clamps to 0..255 */
	return 0xff000000u | (uint32_t)_mm_cvtsi128_si32(acc);
}

static void
hpass(const uint32_t *src, uint32_t *dst, const struct taps *t, int out)
{
	for (int i = 0; i < out; i++) {
		const int16_t *w = t->w + (size_t)i * t->n;
		const uint32_t *p = src + t->first[i];
		__m128i acc = _mm_setzero_si128();
		int k = 0;
		for (; k + 1 < t->n; k += 2)
			acc = _mm_add_epi32(acc, taps2(p[k], p[k + 1], w[k], w[k + 1]));
		if (k < t->n)
			acc = _mm_add_epi32(acc, taps2(p[k], 0, w[k], 0));
		dst[i] = pack(acc);
	}
}

static void
vpass(uint32_t *const *rows, const int16_t *w, int n, uint32_t *dst, int width)
{
	for (int x = 0; x < width; x++) {
		__m128i acc = _mm_setzero_si128();
		int k = 0;
		for (; k + 1 < n; k += 2)
			acc = _mm_add_epi32(acc, taps2(rows[k][x], rows[k + 1][x], w[k], w[k + 1]));
		if (k < n)
			acc = _mm_add_epi32(acc, taps2(rows[k][x], 0, w[k], 0));
		dst[x] = pack(acc);
	}
}
#else
static inline uint32_t
clamp8(int32_t v)
{
	v = (v + (1 << (FRAC - 1))) >> FRAC;
	return v < 0 ? 0 : v > 255 ? 255 : (uint32_t)v;
}

/* Horizontal pass of one source row (already offset to the crop's left edge). Edge taps were
 * folded inward, so reads stay inside [0, in). */
static void
hpass(const uint32_t *src, uint32_t *dst, const struct taps *t, int out)
{
	for (int i = 0; i < out; i++) {
		const int16_t *w = t->w + (size_t)i * t->n;
		int32_t b = 0, g = 0, r = 0;
		for (int k = 0; k < t->n; k++) {
			if (!w[k])
				continue;
			uint32_t p = src[t->first[i] + k];
			b += w[k] * (int32_t)(p & 255);
			g += w[k] * (int32_t)((p >> 8) & 255);
			r += w[k] * (int32_t)((p >> 16) & 255);
		}
		dst[i] = 0xff000000u | clamp8(r) << 16 | clamp8(g) << 8 | clamp8(b);
	}
}

/* Vertical pass: rows[k] are the horizontally filtered source rows of this output row. */
static void
vpass(uint32_t *const *rows, const int16_t *w, int n, uint32_t *dst, int width)
{
	for (int x = 0; x < width; x++) {
		int32_t b = 0, g = 0, r = 0;
		for (int k = 0; k < n; k++) {
			if (!w[k])
				continue;
			uint32_t p = rows[k][x];
			b += w[k] * (int32_t)(p & 255);
			g += w[k] * (int32_t)((p >> 8) & 255);
			r += w[k] * (int32_t)((p >> 16) & 255);
		}
		dst[x] = 0xff000000u | clamp8(r) << 16 | clamp8(g) << 8 | clamp8(b);
	}
}
#endif

/* The resampler: consumes source rows in order (from any producer), keeps the horizontally
 * filtered ones in a small ring, and writes each output row once its rows are in. */
struct resampler {
	struct taps h, v;
	struct pb_rect crop; /* in source pixels */
	struct pb_image *dst;
	struct pb_rect d;
	uint32_t **hrows; /* ring of v.n + 1 filtered rows, indexed by source row */
	int nring;
	int next_out;
	const struct pb_progress *progress;
};

static int
rs_init(struct resampler *rs, struct pb_rect crop, struct pb_image *dst, struct pb_rect d)
{
	memset(rs, 0, sizeof(*rs));
	rs->crop = crop;
	rs->dst = dst;
	rs->d = d;
	if (taps_make(&rs->h, crop.w, d.w) || taps_make(&rs->v, crop.h, d.h))
		return -1;
	rs->nring = rs->v.n + 1;
	rs->hrows = calloc((size_t)rs->nring, sizeof(uint32_t *));
	if (!rs->hrows)
		return -1;
	for (int i = 0; i < rs->nring; i++)
		if (!(rs->hrows[i] = malloc((size_t)d.w * 4)))
			return -1;
	return 0;
}

static void
rs_fini(struct resampler *rs)
{
	taps_free(&rs->h);
	taps_free(&rs->v);
	for (int i = 0; rs->hrows && i < rs->nring; i++)
		free(rs->hrows[i]);
	free(rs->hrows);
}

/* Feeds source row y (absolute); rows outside the crop are skipped. */
static void
rs_row(struct resampler *rs, int y, const uint32_t *row)
{
	int cy = y - rs->crop.y;
	if (cy < 0 || cy >= rs->crop.h)
		return;
	hpass(row + rs->crop.x, rs->hrows[cy % rs->nring], &rs->h, rs->d.w);
	/* every output row whose last tap is this row (or before) can be written now */
	while (rs->next_out < rs->d.h) {
		int o = rs->next_out, a = rs->v.first[o], n = rs->v.n;
		const int16_t *w = rs->v.w + (size_t)o * n;
		int last = a + n - 1;
		while (last > a && w[last - a] == 0)
			last--;
		if (last > cy && last < rs->crop.h)
			break;
		uint32_t *rows[64];
		for (int k = 0; k < n && k < 64; k++) {
			int sy = a + k;
			if (sy < 0)
				sy = 0;
			if (sy > cy)
				sy = cy; /* zero-weight taps past the data */
			rows[k] = rs->hrows[sy % rs->nring];
		}
		vpass(rows, w, n, pb_image_row(rs->dst, rs->d.y + o) + rs->d.x, rs->d.w);
		rs->next_out++;
		if (rs->progress)
			rs->progress->rows(rs->progress->ctx, rs->next_out);
	}
}

enum pb_status
pb_resample(const struct pb_image *src, struct pb_rect r, struct pb_image *dst, struct pb_rect d)
{
	struct resampler rs;
	if (rs_init(&rs, r, dst, d)) {
		rs_fini(&rs);
		return PB_ERR_NOMEM;
	}
	for (int y = r.y; y < r.y + r.h; y++)
		rs_row(&rs, y, pb_image_row(src, y));
	rs_fini(&rs);
	return PB_OK;
}

/* The two threads share a ring of decoded rows. */
struct pipe {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint32_t *ring; /* RING rows of width pixels */
	int width;
	int produced, consumed; /* rows */
	int failed;		/* the decoder gave up: stop */
	int total;
	struct resampler rs;
};

static void *
consumer(void *arg)
{
	struct pipe *p = arg;
	/* The decoder is the critical path: when the cores are busy, it goes first. */
	setpriority(PRIO_PROCESS, (id_t)gettid(), 5);
	for (int y = p->rs.crop.y; y < p->total; y++) {
		pthread_mutex_lock(&p->lock);
		while (p->produced <= y && !p->failed)
			pthread_cond_wait(&p->cond, &p->lock);
		int stop = p->failed;
		pthread_mutex_unlock(&p->lock);
		if (stop)
			break;
		rs_row(&p->rs, y, p->ring + (size_t)(y % RING) * p->width);
		pthread_mutex_lock(&p->lock);
		p->consumed = y + 1;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

enum pb_status
pb_stream_to_slot(const unsigned char *data, size_t len, struct pb_image *canvas,
		  struct pb_rect slot, const struct pb_progress *progress, int *handled, char *why,
		  size_t whylen)
{
	struct jpeg_decompress_struct ci;
	struct pb_jpeg_error err;
	struct pipe p;
	pthread_t thread;
	volatile int started = 0, inited = 0;
	volatile enum pb_status st = PB_OK;

	*handled = 0;
	if (!data || len < 4 || data[0] != 0xFF || data[1] != 0xD8) {
		snprintf(why, whylen, "not a JPEG file");
		return PB_ERR_INPUT;
	}
	if (pb_jpeg_orientation(data, len) != 1)
		return PB_OK; /* turned: the general path */
	memset(&p, 0, sizeof(p));
	/* a warning (a truncated file, corrupt data) is an error here: never a grey-filled photo */
	ci.err = pb_jpeg_error_init(&err, 1);
	if (setjmp(err.jmp)) {
		snprintf(why, whylen, "cannot decode JPEG: %s", err.msg);
		st = PB_ERR_INPUT;
		goto out;
	}
	jpeg_create_decompress(&ci);
	inited = 1;
	jpeg_mem_src(&ci, data, (unsigned long)len);
	ci.mem->max_memory_to_use = PB_JPEG_MAX_MEMORY;
	jpeg_read_header(&ci, TRUE);
	if ((uint64_t)ci.image_width * ci.image_height > PB_JPEG_MAX_PIXELS) {
		snprintf(why, whylen,
			 "the JPEG is %ux%u, larger than any camera makes (limit %u MP)",
			 (unsigned)ci.image_width, (unsigned)ci.image_height,
			 PB_JPEG_MAX_PIXELS / 1000000u);
		st = PB_ERR_INPUT;
		goto out;
	}
	if (ci.jpeg_color_space == JCS_CMYK || ci.jpeg_color_space == JCS_YCCK)
		goto out; /* not handled: the general path converts inks */
	/* the smallest n/8 whose crop still covers the slot */
	int w = (int)ci.image_width, h = (int)ci.image_height;
	struct pb_rect full = pb_crop_to_fill(w, h, slot);
	int n = 8;
	while (n > 1 && (int64_t)full.w * (n - 1) >= (int64_t)slot.w * 8 &&
	       (int64_t)full.h * (n - 1) >= (int64_t)slot.h * 8)
		n--;
	ci.scale_num = (unsigned)n;
	ci.scale_denom = 8;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	ci.out_color_space = JCS_EXT_BGRX;
#else
	ci.out_color_space = JCS_EXT_XRGB;
#endif
	jpeg_start_decompress(&ci);
	*handled = 1;
	/* Only the crop is shown: columns outside it skip the IDCT, rows above it skip all but
	 * entropy decoding, and rows below it are never decoded. */
	struct pb_rect crop = pb_crop_to_fill((int)ci.output_width, (int)ci.output_height, slot);
	JDIMENSION cx = (JDIMENSION)crop.x, cw = (JDIMENSION)crop.w;
	jpeg_crop_scanline(&ci, &cx, &cw); /* widens to iMCU boundaries */
	crop.x -= (int)cx;
	p.width = (int)ci.output_width; /* the cropped width now */
	p.total = crop.y + crop.h;
	if ((uint64_t)p.width * RING > PB_IMAGE_MAX_PIXELS ||
	    !(p.ring = malloc((size_t)p.width * RING * 4)) || rs_init(&p.rs, crop, canvas, slot)) {
		p.rs.progress = NULL;
		snprintf(why, whylen, "out of memory for a %dx%d decode", p.width, p.total);
		st = PB_ERR_NOMEM;
		goto out;
	}
	p.rs.progress = progress;
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	if (pthread_create(&thread, NULL, consumer, &p)) {
		snprintf(why, whylen, "cannot start the resampling thread");
		st = PB_ERR_NOMEM;
		goto out;
	}
	started = 1;
	if (crop.y > 0) {
		jpeg_skip_scanlines(&ci, (JDIMENSION)crop.y);
		pthread_mutex_lock(&p.lock);
		p.produced = p.consumed = crop.y; /* nothing to resample there */
		pthread_mutex_unlock(&p.lock);
	}
	while ((int)ci.output_scanline < p.total) {
		int y = (int)ci.output_scanline;
		/* wait for room in the ring */
		pthread_mutex_lock(&p.lock);
		while (y - p.consumed >= RING - 8)
			pthread_cond_wait(&p.cond, &p.lock);
		pthread_mutex_unlock(&p.lock);
		JSAMPROW rows[8];
		int k = p.total - y < 8 ? p.total - y : 8;
		for (int i = 0; i < k; i++)
			rows[i] = (JSAMPROW)(p.ring + (size_t)((y + i) % RING) * p.width);
		int got = (int)jpeg_read_scanlines(&ci, rows, (JDIMENSION)k);
		pthread_mutex_lock(&p.lock);
		p.produced = y + got;
		pthread_cond_broadcast(&p.cond);
		pthread_mutex_unlock(&p.lock);
	}
	/* the rows below the crop are not needed: stop without decoding them */
	jpeg_abort_decompress(&ci);
out:
	if (started) {
		pthread_mutex_lock(&p.lock);
		if (st)
			p.failed = 1;
		pthread_cond_broadcast(&p.cond);
		pthread_mutex_unlock(&p.lock);
		pthread_join(thread, NULL);
		pthread_mutex_destroy(&p.lock);
		pthread_cond_destroy(&p.cond);
	}
	if (*handled)
		rs_fini(&p.rs);
	free(p.ring);
	if (inited)
		jpeg_destroy_decompress(&ci);
	return st;
}
