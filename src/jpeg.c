#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <setjmp.h>

#include <jpeglib.h> /* after stdio.h */

#include "jpeg.h"
#include "jpeg_error.h"
#include "mem.h"

/* pb_image is native-endian 0xAARRGGBB: in memory that is B,G,R,A on little-endian hosts. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_PF TJPF_BGRX
#else
#define NATIVE_PF TJPF_XRGB
#endif

struct pb_jpeg {
	tjhandle dec;
	tjhandle enc;
	int colorspace; /* of the last header read */
	char error[256];
};

/* In place, 4 bytes per pixel either way. JPEG CMYK from Adobe software stores inverted inks
 * (255 = no ink), which is what libjpeg hands back for both CMYK and YCCK files. */
static void
cmyk_to_rgb(struct pb_image *img)
{
	for (int y = 0; y < img->height; y++) {
		uint32_t *row = pb_image_row(img, y);
		unsigned char *p = (unsigned char *)row;
		for (int x = 0; x < img->width; x++, p += 4) {
			unsigned c = p[0], m = p[1], yl = p[2], k = p[3];
			uint32_t r = c * k / 255, g = m * k / 255, b = yl * k / 255;
			row[x] = 0xff000000u | r << 16 | g << 8 | b;
		}
	}
}

struct pb_jpeg *
pb_jpeg_create(void)
{
	return pb_xcalloc(1, sizeof(struct pb_jpeg));
}

void
pb_jpeg_destroy(struct pb_jpeg *j)
{
	if (!j)
		return;
	if (j->dec)
		tjDestroy(j->dec);
	if (j->enc)
		tjDestroy(j->enc);
	free(j);
}

const char *
pb_jpeg_error(const struct pb_jpeg *j)
{
	return j->error[0] ? j->error : "no error";
}

/* The error in j->error, and the handle that failed thrown away: TurboJPEG (2.1) leaves a
 * decompressor that refused a header mid-read, so it refuses every later header too ("Bogus
 * Huffman table definition" for a good JPEG). A fresh handle costs microseconds; one broken
 * capture must not fail every guest after it. */
static enum pb_status
fail(struct pb_jpeg *j, tjhandle h, const char *what)
{
	snprintf(j->error, sizeof(j->error), "%s: %s", what, h ? tjGetErrorStr2(h) : "no handle");
	if (h && h == j->dec) {
		tjDestroy(j->dec);
		j->dec = NULL;
	} else if (h && h == j->enc) {
		tjDestroy(j->enc);
		j->enc = NULL;
	}
	return PB_ERR_INPUT;
}

static tjhandle
decoder(struct pb_jpeg *j)
{
	if (!j->dec)
		j->dec = tjInitDecompress();
	return j->dec;
}

enum pb_status
pb_jpeg_info(struct pb_jpeg *j, const unsigned char *data, size_t len, int *width, int *height)
{
	int subsamp, colorspace;
	tjhandle h = decoder(j);

	j->error[0] = '\0';
	if (!h)
		return fail(j, NULL, "cannot start the JPEG decoder");
	if (!data || len < 4 || data[0] != 0xFF || data[1] != 0xD8) {
		snprintf(j->error, sizeof(j->error), "not a JPEG file");
		return PB_ERR_INPUT;
	}
	if (tjDecompressHeader3(h, data, (unsigned long)len, width, height, &subsamp, &colorspace) <
	    0)
		return fail(j, h, "bad JPEG header");
	j->colorspace = colorspace;
	if (*width <= 0 || *height <= 0)
		return fail(j, h, "bad JPEG size");
	if ((uint64_t)*width * (uint64_t)*height > PB_JPEG_MAX_PIXELS) {
		snprintf(j->error, sizeof(j->error),
			 "the JPEG is %dx%d, larger than any camera makes (limit %u MP)", *width,
			 *height, PB_JPEG_MAX_PIXELS / 1000000u);
		return PB_ERR_INPUT;
	}
	return PB_OK;
}

enum pb_status
pb_jpeg_decode(struct pb_jpeg *j, const unsigned char *data, size_t len, int min_w, int min_h,
	       struct pb_image **out)
{
	int w, h, n, sw, sh;
	enum pb_status st;
	const tjscalingfactor *sf;
	tjscalingfactor best = { 1, 1 };

	*out = NULL;
	st = pb_jpeg_info(j, data, len, &w, &h);
	if (st)
		return st;
	sf = tjGetScalingFactors(&n);
	if (min_w <= 0 && min_h <= 0)
		n = 0; /* full size asked for */
	for (int i = 0; sf && i < n; i++) {
		if (sf[i].num > sf[i].denom)
			continue; /* never scale up here */
		sw = TJSCALED(w, sf[i]);
		sh = TJSCALED(h, sf[i]);
		if (sw >= min_w && sh >= min_h &&
		    (uint64_t)sw * (uint64_t)sh <
			    (uint64_t)TJSCALED(w, best) * (uint64_t)TJSCALED(h, best))
			best = sf[i];
	}
	sw = TJSCALED(w, best);
	sh = TJSCALED(h, best);
	st = pb_image_create(sw, sh, 0xff000000u, out);
	if (st) {
		snprintf(j->error, sizeof(j->error), "%dx%d JPEG is too large to decode", w, h);
		return st;
	}
	/* libjpeg-turbo cannot turn CMYK into RGB: take the inks and convert them here. */
	int cmyk = j->colorspace == TJCS_CMYK || j->colorspace == TJCS_YCCK;
	/* STOPONWARNING: a truncated file is an error, not a grey-filled photo. */
	if (tjDecompress2(j->dec, data, (unsigned long)len, (unsigned char *)(*out)->pixels, sw,
			  (*out)->stride, sh, cmyk ? TJPF_CMYK : NATIVE_PF,
			  TJFLAG_STOPONWARNING) < 0) {
		pb_image_destroy(*out);
		*out = NULL;
		return fail(j, j->dec, "cannot decode JPEG");
	}
	if (cmyk)
		cmyk_to_rgb(*out);
	return PB_OK;
}

enum pb_status
pb_jpeg_decode_rgb(struct pb_jpeg *j, const unsigned char *data, size_t len, unsigned char *dst,
		   int width, int pitch, int height)
{
	int w, h;
	enum pb_status st = pb_jpeg_info(j, data, len, &w, &h);

	if (st)
		return st;
	if (w != width || h != height) {
		snprintf(j->error, sizeof(j->error), "frame is %dx%d, expected %dx%d", w, h, width,
			 height);
		return PB_ERR_INPUT;
	}
	if (tjDecompress2(j->dec, data, (unsigned long)len, dst, width, pitch, height, TJPF_RGB,
			  TJFLAG_FASTDCT | TJFLAG_FASTUPSAMPLE) < 0)
		return fail(j, j->dec, "cannot decode live-view frame");
	return PB_OK;
}

/* TurboJPEG writes a JFIF APP0 with 1:1 aspect and no unit; set units = dots per inch. */
static void
set_jfif_dpi(unsigned char *buf, size_t len, int dpi)
{
	if (len < 18 || buf[2] != 0xFF || buf[3] != 0xE0 || memcmp(buf + 6, "JFIF", 5) != 0)
		return;
	buf[13] = 1;
	buf[14] = (unsigned char)(dpi >> 8);
	buf[15] = (unsigned char)dpi;
	buf[16] = (unsigned char)(dpi >> 8);
	buf[17] = (unsigned char)dpi;
}

enum pb_status
pb_jpeg_encode(struct pb_jpeg *j, const struct pb_image *img, int quality, int dpi,
	       unsigned char **out, size_t *len)
{
	unsigned char *buf = NULL;
	unsigned long size = 0;

	*out = NULL;
	*len = 0;
	j->error[0] = '\0';
	if (!j->enc)
		j->enc = tjInitCompress();
	if (!j->enc)
		return fail(j, NULL, "cannot start the JPEG encoder");
	if (tjCompress2(j->enc, (const unsigned char *)img->pixels, img->width, img->stride,
			img->height, NATIVE_PF, &buf, &size, TJSAMP_420, quality, 0) < 0) {
		tjFree(buf);
		fail(j, j->enc, "cannot encode JPEG");
		return PB_ERR_NOMEM;
	}
	/* Hand the caller plain malloc memory, so it is freed like every other buffer. */
	*out = malloc(size);
	if (!*out) {
		tjFree(buf);
		return PB_ERR_NOMEM;
	}
	memcpy(*out, buf, size);
	tjFree(buf);
	*len = size;
	if (dpi > 0)
		set_jfif_dpi(*out, *len, dpi);
	return PB_OK;
}

static unsigned
get16(const unsigned char *p, int le)
{
	return le ? (unsigned)p[0] | (unsigned)p[1] << 8 : (unsigned)p[0] << 8 | p[1];
}

static uint32_t
get32(const unsigned char *p, int le)
{
	return le ? (uint32_t)get16(p, 1) | (uint32_t)get16(p + 2, 1) << 16
		  : (uint32_t)get16(p, 0) << 16 | get16(p + 2, 0);
}

/* Walks the markers before the image data to the APP1 "Exif" block, then IFD0 for tag 0x0112.
 * Every offset is checked against the block's end. */
int
pb_jpeg_orientation(const unsigned char *data, size_t len)
{
	size_t pos = 2;

	if (!data || len < 4 || data[0] != 0xFF || data[1] != 0xD8)
		return 1;
	while (pos + 4 <= len) {
		if (data[pos] != 0xFF)
			return 1;
		unsigned marker = data[pos + 1];
		if (marker == 0xFF) {
			pos++; /* fill byte */
			continue;
		}
		if (marker == 0xDA || marker == 0xD9)
			return 1; /* image data: no EXIF before it */
		size_t seg = get16(data + pos + 2, 0);
		if (seg < 2 || pos + 2 + seg > len)
			return 1;
		const unsigned char *b = data + pos + 4;
		size_t blen = seg - 2;
		if (marker == 0xE1 && blen >= 14 && memcmp(b, "Exif\0\0", 6) == 0) {
			const unsigned char *t = b + 6;
			size_t tlen = blen - 6;
			int le;
			if (!memcmp(t, "II*\0", 4))
				le = 1;
			else if (!memcmp(t, "MM\0*", 4))
				le = 0;
			else
				return 1;
			uint32_t ifd = get32(t + 4, le);
			if (ifd > tlen - 2)
				return 1;
			unsigned n = get16(t + ifd, le);
			for (unsigned i = 0; i < n; i++) {
				size_t e = ifd + 2 + (size_t)i * 12;
				if (e + 12 > tlen)
					return 1;
				if (get16(t + e, le) == 0x0112 && get16(t + e + 2, le) == 3) {
					unsigned o = get16(t + e + 8, le);
					return o >= 1 && o <= 8 ? (int)o : 1;
				}
			}
			return 1;
		}
		pos += 2 + seg;
	}
	return 1;
}

enum pb_status
pb_jpeg_encode_restart(const struct pb_image *img, int quality, int restart_rows,
		       unsigned char **out, size_t *len, char *why, size_t whylen)
{
	struct jpeg_compress_struct ci;
	struct pb_jpeg_error err;
	/* our buffer, sized for the worst case, so libjpeg never grows (and frees) it */
	unsigned long cap = tjBufSize(img->width, img->height, TJSAMP_420);
	unsigned char *volatile mine = cap == (unsigned long)-1 ? NULL : malloc(cap);
	unsigned char *buf = mine;
	unsigned long n = cap;

	*out = NULL;
	*len = 0;
	if (!mine) {
		snprintf(why, whylen, "out of memory for a %dx%d JPEG", img->width, img->height);
		return PB_ERR_NOMEM;
	}
	ci.err = pb_jpeg_error_init(&err, 0);
	if (setjmp(err.jmp)) {
		snprintf(why, whylen, "cannot encode: %s", err.msg);
		jpeg_destroy_compress(&ci);
		free(mine);
		return PB_ERR_NOMEM;
	}
	jpeg_create_compress(&ci);
	jpeg_mem_dest(&ci, &buf, &n);
	pb_jpeg_compress_native(&ci, img->width, img->height, quality); /* 4:2:0 */
	ci.restart_in_rows = restart_rows;
	jpeg_start_compress(&ci, TRUE);
	while (ci.next_scanline < ci.image_height) {
		JSAMPROW row = (JSAMPROW)pb_image_row(img, (int)ci.next_scanline);
		jpeg_write_scanlines(&ci, &row, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	if (buf != mine) { /* grew past the bound after all: that buffer is the JPEG */
		free(mine);
		mine = NULL;
	}
	*out = buf;
	*len = n;
	return PB_OK;
}
