#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

#include "jpeg.h"
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
	char error[256];
};

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

static enum pb_status
fail(struct pb_jpeg *j, tjhandle h, const char *what)
{
	snprintf(j->error, sizeof(j->error), "%s: %s", what, h ? tjGetErrorStr2(h) : "no handle");
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
	if (tjDecompressHeader3(h, data, (unsigned long)len, width, height, &subsamp,
				&colorspace) < 0)
		return fail(j, h, "bad JPEG header");
	if (*width <= 0 || *height <= 0)
		return fail(j, h, "bad JPEG size");
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
	/* STOPONWARNING: a truncated file is an error, not a grey-filled photo. */
	if (tjDecompress2(j->dec, data, (unsigned long)len, (unsigned char *)(*out)->pixels, sw,
			  (*out)->stride, sh, NATIVE_PF,
			  TJFLAG_STOPONWARNING) < 0) {
		pb_image_destroy(*out);
		*out = NULL;
		return fail(j, j->dec, "cannot decode JPEG");
	}
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
