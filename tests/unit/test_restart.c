/* JPEGs with restart markers decoded piece by piece on several cores (restart.h, stream.h).
 * Inputs tried: restart markers every MCU row and every 3 rows, 4:2:0; no markers; progressive;
 * a header cut short; a marker out of sequence; a file truncated at 60 %; a foreign marker in
 * the middle of a piece; a piece's bytes overwritten. Each must give the serial decode's
 * pixels or a clear PB_ERR_INPUT, never a crash or a grey photo. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

#include "compose.h"
#include "jpeg_fixture.h"
#include "restart.h"
#include "stream.h"

#define W 1200
#define H 800

/* Smooth gradients with fine stripes: enough detail that a misplaced row shows. */
static struct pb_image *
scene(void)
{
	struct pb_image *img;
	assert_int_equal(pb_image_create(W, H, 0xff000000u, &img), PB_OK);
	for (int y = 0; y < H; y++) {
		uint32_t *row = pb_image_row(img, y);
		for (int x = 0; x < W; x++) {
			unsigned r = (unsigned)(x * 255 / W), g = (unsigned)(y * 255 / H);
			unsigned b = ((x / 3 + y / 5) & 1) ? 200 : 40;
			row[x] = 0xff000000u | r << 16 | g << 8 | b;
		}
	}
	return img;
}

static void
encode_rst(int rows, unsigned char **out, size_t *len)
{
	struct pb_image *img = scene();
	char why[256];
	assert_int_equal(pb_jpeg_encode_restart(img, 90, rows, out, len, why, sizeof(why)), PB_OK);
	pb_image_destroy(img);
}

/* Decodes into a slot of w x h on `cores` cores; *out is the canvas. */
static enum pb_status
decode(const unsigned char *d, size_t len, int cores, int w, int h, struct pb_image **out,
       char *why, size_t whylen)
{
	int handled = 0;
	assert_int_equal(pb_image_create(w, h, 0xff000000u, out), PB_OK);
	pb_stream_set_cores(cores);
	enum pb_status st = pb_stream_to_slot(d, len, *out, (struct pb_rect){ 0, 0, w, h }, NULL,
					      &handled, why, whylen);
	pb_stream_set_cores(0);
	assert_true(handled || st);
	return st;
}

static void
max_diff(const struct pb_image *a, const struct pb_image *b, int *maxd, double *mean)
{
	long sum = 0;
	*maxd = 0;
	for (int y = 0; y < a->height; y++)
		for (int x = 0; x < a->width; x++) {
			uint32_t p = pb_image_row(a, y)[x], q = pb_image_row(b, y)[x];
			for (int s = 0; s < 24; s += 8) {
				int d = abs((int)((p >> s) & 255) - (int)((q >> s) & 255));
				sum += d;
				if (d > *maxd)
					*maxd = d;
			}
		}
	*mean = (double)sum / ((double)a->width * a->height * 3);
}

static void
test_plan(void **state)
{
	(void)state;
	unsigned char *rst, *plain;
	size_t rlen, plen;
	struct pb_restart_plan p;

	encode_rst(1, &rst, &rlen);
	assert_int_equal(pb_restart_plan(rst, rlen, 0, 1 << 30, 4, &p), 0);
	assert_int_equal(p.width, W);
	assert_int_equal(p.height, H);
	assert_int_equal(p.mcu_h, 16); /* 4:2:0 */
	assert_int_equal(p.mcu_rows, H / 16);
	assert_int_equal(p.npieces, 4);
	/* the pieces are the image's rows in order, end to end, inside the file */
	assert_int_equal(p.piece[0].row0, 0);
	for (int i = 0; i < p.npieces; i++) {
		assert_true(p.piece[i].rows > 0);
		assert_true(p.piece[i].start >= p.hdr_len && p.piece[i].start < p.piece[i].end);
		assert_true(p.piece[i].end <= rlen);
		if (i + 1 < p.npieces) {
			assert_int_equal(p.piece[i].row0 + p.piece[i].rows, p.piece[i + 1].row0);
			assert_int_equal(p.piece[i].end + 2, p.piece[i + 1].start); /* the RST */
			assert_int_equal(rst[p.piece[i].end], 0xFF);
			/* the marker before interval 8k is RST7: the piece reads RST0 next */
			assert_int_equal(rst[p.piece[i].end + 1], 0xD7);
		}
	}
	assert_int_equal(p.piece[3].row0 + p.piece[3].rows, p.mcu_rows);
	pb_restart_plan_free(&p);
	/* only the rows asked for: what lies above row 20 and below row 30 is left out */
	assert_int_equal(pb_restart_plan(rst, rlen, 20, 30, 2, &p), 0);
	assert_true(p.piece[0].row0 <= 20 && p.piece[0].row0 > 8);
	assert_true(p.piece[p.npieces - 1].row0 + p.piece[p.npieces - 1].rows >= 30);
	assert_true(p.piece[p.npieces - 1].row0 + p.piece[p.npieces - 1].rows < p.mcu_rows);
	pb_restart_plan_free(&p);
	/* what cannot be split: a header cut short, nothing to split into, one piece asked */
	assert_int_equal(pb_restart_plan(rst, 300, 0, 1 << 30, 4, &p), -1);
	assert_int_equal(pb_restart_plan(rst, rlen, 0, 1 << 30, 1, &p), -1);
	assert_int_equal(pb_restart_plan(rst, 2, 0, 1 << 30, 2, &p), -1);
	/* no restart markers; progressive */
	struct pb_image *img = scene();
	assert_int_equal(pb_jpeg_encode(j, img, 90, 0, &plain, &plen), PB_OK);
	assert_int_equal(pb_restart_plan(plain, plen, 0, 1 << 30, 2, &p), -1);
	free(plain);
	tjhandle tj = tjInitCompress();
	unsigned char *prog = NULL;
	unsigned long proglen = 0;
	assert_int_equal(tjCompress2(tj, (unsigned char *)img->pixels, W, img->stride, H, TJPF_BGRX,
				     &prog, &proglen, TJSAMP_420, 90, TJFLAG_PROGRESSIVE),
			 0);
	assert_int_equal(pb_restart_plan(prog, proglen, 0, 1 << 30, 2, &p), -1);
	tjFree(prog);
	tjDestroy(tj);
	pb_image_destroy(img);
	free(rst);
}

/* The pieces on 2 and 4 cores give the serial decode's pixels exactly: scaled, 4:2:0's chroma
 * is scaled in the IDCT and no row crosses a piece; at full size, where its upsampling would
 * read the next piece's rows, the file is decoded whole. */
static void
test_same_pixels(void **state)
{
	(void)state;
	static const int rows[] = { 1, 3 };
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		unsigned char *rst;
		size_t len;
		char why[256];
		encode_rst(rows[r], &rst, &len);
		static const int size[][2] = { { 300, 200 }, { 450, 300 }, { 640, 360 }, { W, H } };
		for (size_t s = 0; s < 4; s++) {
			struct pb_image *serial, *par;
			int w = size[s][0], h = size[s][1], maxd;
			double mean;
			assert_int_equal(decode(rst, len, 1, w, h, &serial, why, sizeof(why)),
					 PB_OK);
			for (int cores = 2; cores <= 4; cores += 2) {
				unsigned long before = pb_stream_pieces();
				assert_int_equal(
					decode(rst, len, cores, w, h, &par, why, sizeof(why)),
					PB_OK);
				/* in pieces at 2/8 and 3/8; 5/8 and 8/8 whole */
				if (s < 2)
					assert_true(pb_stream_pieces() >= before + 2);
				else
					assert_int_equal(pb_stream_pieces(), before);
				max_diff(serial, par, &maxd, &mean);
				assert_int_equal(maxd, 0);
				assert_true(mean == 0.0);
				pb_image_destroy(par);
			}
			pb_image_destroy(serial);
		}
		free(rst);
	}
}

/* Damage anywhere is an error, on the parallel path as on the serial one. */
static void
test_damaged(void **state)
{
	(void)state;
	unsigned char *rst, *bad;
	size_t len;
	struct pb_restart_plan p;
	struct pb_image *out;
	char why[256];

	encode_rst(1, &rst, &len);
	assert_int_equal(pb_restart_plan(rst, len, 0, 1 << 30, 2, &p), 0);
	size_t mid = (p.piece[1].start + p.piece[1].end) / 2, hdr = p.hdr_len;
	pb_restart_plan_free(&p);
	bad = malloc(len);

	/* a restart marker out of sequence */
	memcpy(bad, rst, len);
	size_t at = 0;
	for (size_t i = hdr, seen = 0; i + 1 < len; i++)
		if (bad[i] == 0xFF && bad[i + 1] >= 0xD0 && bad[i + 1] <= 0xD7 && ++seen == 11) {
			at = i + 1;
			break;
		}
	assert_true(at > 0);
	bad[at] = (unsigned char)(0xD0 + ((bad[at] - 0xD0 + 3) & 7));
	for (int cores = 1; cores <= 2; cores++) {
		assert_int_equal(decode(bad, len, cores, 640, 360, &out, why, sizeof(why)),
				 PB_ERR_INPUT);
		assert_non_null(strstr(why, "JPEG"));
		pb_image_destroy(out);
	}
	/* 8 markers missing, then 8 extra, above the crop: in sequence mod 8, but every later
	 * piece would shift (PSNR 22.7 dB); refused as the serial decode refuses it */
	size_t m8[9], k = 0;
	for (size_t i = hdr; i + 1 < len && k < 9; i++)
		if (rst[i] == 0xFF && rst[i + 1] >= 0xD0 && rst[i + 1] <= 0xD7)
			m8[k++] = i;
	assert_int_equal(k, 9);
	size_t cut = m8[8] - m8[0]; /* RST0..RST7 and the intervals they end */
	memcpy(bad, rst, m8[0]);
	memcpy(bad + m8[0], rst + m8[8], len - m8[8]);
	assert_int_equal(pb_restart_plan(bad, len - cut, 0, 1 << 30, 2, &p), -1);
	for (int cores = 1; cores <= 2; cores++) {
		assert_int_equal(decode(bad, len - cut, cores, 640, 360, &out, why, sizeof(why)),
				 PB_ERR_INPUT);
		pb_image_destroy(out);
	}
	unsigned char *more = malloc(len + 16);
	memcpy(more, rst, m8[0]);
	for (int i = 0; i < 8; i++) { /* 8 empty intervals, numbered on */
		more[m8[0] + 2 * (size_t)i] = 0xFF;
		more[m8[0] + 2 * (size_t)i + 1] = (unsigned char)(0xD0 + i);
	}
	memcpy(more + m8[0] + 16, rst + m8[0], len - m8[0]);
	assert_int_equal(pb_restart_plan(more, len + 16, 0, 1 << 30, 2, &p), -1);
	for (int cores = 1; cores <= 2; cores++) {
		assert_int_equal(decode(more, len + 16, cores, 640, 360, &out, why, sizeof(why)),
				 PB_ERR_INPUT);
		pb_image_destroy(out);
	}
	free(more);
	/* truncated at 60 % */
	for (int cores = 1; cores <= 2; cores++) {
		assert_int_equal(decode(rst, len * 6 / 10, cores, 640, 360, &out, why, sizeof(why)),
				 PB_ERR_INPUT);
		pb_image_destroy(out);
	}
	/* a foreign marker in the middle of the second piece */
	memcpy(bad, rst, len);
	bad[mid] = 0xFF;
	bad[mid + 1] = 0xC4;
	for (int cores = 1; cores <= 2; cores++) {
		assert_int_equal(decode(bad, len, cores, 640, 360, &out, why, sizeof(why)),
				 PB_ERR_INPUT);
		pb_image_destroy(out);
	}
	/* the second piece's bytes overwritten (no marker): garbage to the Huffman decoder */
	memcpy(bad, rst, len);
	for (size_t i = mid; i < mid + 4000 && i < len - 2; i++)
		bad[i] = (unsigned char)(i * 37 % 251 == 0xFF ? 0 : i * 37 % 251);
	for (int cores = 1; cores <= 2; cores++) {
		enum pb_status st = decode(bad, len, cores, 640, 360, &out, why, sizeof(why));
		/* libjpeg notices most such garbage; what it decodes instead is a photo with a
		 * damaged band, never a crash or a read outside the file (ASan, valgrind) */
		assert_true(st == PB_OK || st == PB_ERR_INPUT);
		pb_image_destroy(out);
	}
	free(bad);
	free(rst);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_same_pixels),
		cmocka_unit_test(test_damaged),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
