#define _GNU_SOURCE /* pthread_setname_np */
#include <limits.h>
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
#include "restart.h"
#include "stream.h"

#define FRAC 14	 /* weights are fixed point with 14 fraction bits */
#define RING 256 /* decoded rows in flight: room for the resampler to fall behind a while */

/* For each output pixel: the first source pixel and its weights. */
struct taps {
	int n;	    /* taps per output pixel (the widest) */
	int *first; /* [out]: the first source pixel with a weight */
	int *count; /* [out]: taps from there with weights, all inside the source */
	int16_t *w; /* [out][n] */
};

static void
taps_free(struct taps *t)
{
	free(t->first);
	free(t->count);
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
	t->count = NULL;
	t->w = NULL;
	if (t->n > 64)
		return -1; /* more than an 8x reduction: DCT scaling has done most of it already */
	t->first = malloc(sizeof(int) * (size_t)out);
	t->count = malloc(sizeof(int) * (size_t)out);
	t->w = calloc((size_t)out * (size_t)t->n, sizeof(int16_t));
	if (!t->first || !t->count || !t->w)
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
		/* from the first weighted tap to the last: the folded edges leave zero weights
		 * outside [0, in), which must not even be read */
		int k0 = 0, k1 = t->n - 1;
		while (k0 < k1 && !w[k0])
			k0++;
		while (k1 > k0 && !w[k1])
			k1--;
		memmove(w, w + k0, (size_t)(k1 - k0 + 1) * sizeof(int16_t));
		memset(w + (k1 - k0 + 1), 0, (size_t)(t->n - (k1 - k0 + 1)) * sizeof(int16_t));
		t->first[i] = a + k0;
		t->count[i] = k1 - k0 + 1;
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
		int k = 0, n = t->count[i];
		for (; k + 1 < n; k += 2)
			acc = _mm_add_epi32(acc, taps2(p[k], p[k + 1], w[k], w[k + 1]));
		if (k < n)
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
		for (int k = 0; k < t->count[i]; k++) {
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
	int next_out, end_out; /* output rows: the next one due, and one past the last */
	const struct pb_progress *progress;
};

static int
rs_init(struct resampler *rs, struct pb_rect crop, struct pb_image *dst, struct pb_rect d)
{
	memset(rs, 0, sizeof(*rs));
	rs->crop = crop;
	rs->dst = dst;
	rs->d = d;
	rs->end_out = d.h;
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
	while (rs->next_out < rs->end_out) {
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

/* Restart intervals on every core (restart.h): the pieces decode at once into one buffer of
 * the crop's rows, then bands of the slot's rows are resampled at once. */
struct par {
	const unsigned char *data;
	const struct pb_restart_plan *plan;
	int scale;	     /* n of n/8 */
	JDIMENSION cx, cw;   /* the crop's columns as asked of jpeg_crop_scanline */
	int width;	     /* the cropped output width every piece must give */
	int rows_per_mcu;    /* output rows per MCU row */
	int y0, y1;	     /* output rows wanted: buf row 0 is y0 */
	uint32_t *buf;	     /* (y1 - y0) rows of width */
	struct pb_rect crop; /* in buf's columns, rows from 0 */
	struct pb_image *dst;
	struct pb_rect d;
	int nbands;
	pthread_mutex_t lock;
	int next; /* the next piece, then the next band, to take */
	enum pb_status st;
	char why[320];
};

static void
par_fail(struct par *p, enum pb_status st, const char *why)
{
	pthread_mutex_lock(&p->lock);
	if (!p->st) {
		p->st = st;
		snprintf(p->why, sizeof(p->why), "%s", why);
	}
	pthread_mutex_unlock(&p->lock);
}

static void
decode_piece(struct par *p, int i)
{
	const struct pb_restart_piece *pc = &p->plan->piece[i];
	struct jpeg_decompress_struct ci;
	struct pb_jpeg_error err;
	volatile int inited = 0;
	int g0 = pc->row0 * p->rows_per_mcu; /* the piece's first output row */

	ci.err = pb_jpeg_error_init(&err, 1);
	if (setjmp(err.jmp)) {
		char why[300];
		snprintf(why, sizeof(why), "cannot decode JPEG: %s", err.msg);
		par_fail(p, PB_ERR_INPUT, why);
		if (inited)
			jpeg_destroy_decompress(&ci);
		return;
	}
	jpeg_create_decompress(&ci);
	inited = 1;
	pb_restart_src(&ci, p->plan, i, p->data);
	ci.mem->max_memory_to_use = PB_JPEG_MAX_MEMORY;
	jpeg_read_header(&ci, TRUE);
	ci.scale_num = (unsigned)p->scale;
	ci.scale_denom = 8;
	ci.out_color_space = PB_JPEG_NATIVE;
	jpeg_start_decompress(&ci);
	JDIMENSION cx = p->cx, cw = p->cw;
	jpeg_crop_scanline(&ci, &cx, &cw);
	int from = p->y0 > g0 ? p->y0 - g0 : 0; /* rows of the piece */
	int to = p->y1 - g0 < (int)ci.output_height ? p->y1 - g0 : (int)ci.output_height;
	if ((int)ci.output_width != p->width) {
		par_fail(p, PB_ERR_INPUT, "cannot decode JPEG: a restart piece differs in width");
	} else if (from < to) {
		if (from > 0)
			jpeg_skip_scanlines(&ci, (JDIMENSION)from);
		while ((int)ci.output_scanline < to && !p->st) {
			JSAMPROW rows[8];
			int y = (int)ci.output_scanline, k = to - y < 8 ? to - y : 8;
			for (int r = 0; r < k; r++)
				rows[r] = (JSAMPROW)(p->buf +
						     (size_t)(g0 + y + r - p->y0) * p->width);
			jpeg_read_scanlines(&ci, rows, (JDIMENSION)k);
		}
	}
	jpeg_abort_decompress(&ci);
	jpeg_destroy_decompress(&ci);
}

static void
resample_band(struct par *p, int band)
{
	struct resampler rs;
	int o0 = (int)((int64_t)p->d.h * band / p->nbands);
	int o1 = (int)((int64_t)p->d.h * (band + 1) / p->nbands);
	struct pb_image src = { p->width, p->y1 - p->y0, p->width * 4, p->buf };

	if (o0 >= o1)
		return;
	if (rs_init(&rs, p->crop, p->dst, p->d)) {
		rs_fini(&rs);
		par_fail(p, PB_ERR_NOMEM, "out of memory for the resampler");
		return;
	}
	rs.next_out = o0;
	rs.end_out = o1;
	int a = rs.v.first[o0], b = rs.v.first[o1 - 1] + rs.v.n - 1;
	if (a < 0)
		a = 0;
	if (b > p->crop.h - 1)
		b = p->crop.h - 1;
	for (int y = a; y <= b && rs.next_out < o1; y++)
		rs_row(&rs, p->crop.y + y, pb_image_row(&src, p->crop.y + y));
	rs_fini(&rs);
}

static void *
par_worker(void *arg)
{
	struct par *p = arg;
	int npieces = p->plan->npieces;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		int i = p->st ? npieces + p->nbands : p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i < npieces)
			decode_piece(p, i);
		else
			break;
	}
	return NULL;
}

static void *
band_worker(void *arg)
{
	struct par *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		int i = p->st ? p->nbands : p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->nbands)
			break;
		resample_band(p, i);
	}
	return NULL;
}

/* Runs fn on the calling thread and n - 1 helpers. */
static void
on_cores(int n, void *(*fn)(void *), struct par *p)
{
	pthread_t t[PB_RESTART_MAX_PIECES];
	int started = 0;
	for (int i = 1; i < n && i < PB_RESTART_MAX_PIECES; i++)
		if (pthread_create(&t[started], NULL, fn, p) == 0)
			started++;
	fn(p);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
}

static _Atomic int cores_wanted;
static _Atomic unsigned long pieces_done;

unsigned long
pb_stream_pieces(void)
{
	return pieces_done;
}

void
pb_stream_set_cores(int n)
{
	cores_wanted = n < 0 ? 0 : n;
}

static int
cores(void)
{
	long n = cores_wanted ? cores_wanted : sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > PB_RESTART_MAX_PIECES ? PB_RESTART_MAX_PIECES : (int)n;
}

/* Returns 1 when done this way (st says how it went), 0 when the file cannot be split. */
static int
decode_restart(const unsigned char *data, size_t len, int scale, JDIMENSION cx, JDIMENSION cw,
	       int width, struct pb_rect crop, struct pb_image *canvas, struct pb_rect slot,
	       const struct pb_progress *progress, enum pb_status *st, char *why, size_t whylen)
{
	struct pb_restart_plan plan;
	struct par p;
	int ncores = cores();

	if (ncores < 2)
		return 0;
	memset(&p, 0, sizeof(p));
	/* output rows per MCU row: mcu_h * scale / 8, exact for every sampling */
	if (pb_restart_plan(data, len, 0, INT_MAX, 2, &plan))
		return 0; /* cannot be split at all */
	p.rows_per_mcu = plan.mcu_h * scale / 8;
	pb_restart_plan_free(&plan);
	if (p.rows_per_mcu < 1 ||
	    pb_restart_plan(data, len, crop.y / p.rows_per_mcu,
			    (crop.y + crop.h + p.rows_per_mcu - 1) / p.rows_per_mcu,
			    2 * ncores < PB_RESTART_MAX_PIECES ? 2 * ncores : PB_RESTART_MAX_PIECES,
			    &plan))
		return 0;
	p.data = data;
	p.plan = &plan;
	p.scale = scale;
	p.cx = cx;
	p.cw = cw;
	p.width = width;
	p.y0 = crop.y;
	p.y1 = crop.y + crop.h;
	p.crop = crop;
	p.crop.y = 0;
	p.dst = canvas;
	p.d = slot;
	p.nbands = 2 * ncores;
	if ((uint64_t)width * (uint64_t)crop.h > PB_IMAGE_MAX_PIXELS ||
	    !(p.buf = malloc((size_t)width * (size_t)crop.h * 4))) {
		pb_restart_plan_free(&plan);
		snprintf(why, whylen, "out of memory for a %dx%d decode", width, crop.h);
		*st = PB_ERR_NOMEM;
		return 1;
	}
	pthread_mutex_init(&p.lock, NULL);
	on_cores(ncores, par_worker, &p);
	p.next = 0;
	if (!p.st)
		on_cores(ncores, band_worker, &p);
	pthread_mutex_destroy(&p.lock);
	free(p.buf);
	pieces_done += (unsigned long)plan.npieces;
	pb_restart_plan_free(&plan);
	*st = p.st;
	if (p.st)
		snprintf(why, whylen, "%s", p.why);
	else if (progress)
		progress->rows(progress->ctx, slot.h);
	return 1;
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
	ci.out_color_space = PB_JPEG_NATIVE;
	jpeg_start_decompress(&ci);
	*handled = 1;
	/* Only the crop is shown: columns outside it skip the IDCT, rows above it skip all but
	 * entropy decoding, and rows below it are never decoded. */
	struct pb_rect crop = pb_crop_to_fill((int)ci.output_width, (int)ci.output_height, slot);
	JDIMENSION cx = (JDIMENSION)crop.x, cw = (JDIMENSION)crop.w;
	jpeg_crop_scanline(&ci, &cx, &cw); /* widens to iMCU boundaries */
	crop.x -= (int)cx;
	/* a file with restart markers: its pieces on every core */
	enum pb_status pst = PB_OK;
	/* (not when chroma is upsampled vertically from rows a piece does not have: at 5/8 and
	 * up, 4:2:0's chroma may be interpolated across MCU rows) */
	if (!ci.progressive_mode && (n <= 4 || ci.max_v_samp_factor == 1) &&
	    decode_restart(data, len, n, cx, cw, (int)ci.output_width, crop, canvas, slot, progress,
			   &pst, why, whylen)) {
		jpeg_abort_decompress(&ci);
		st = pst;
		goto out;
	}
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
