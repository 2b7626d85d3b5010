#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pngfile.h"

/* libpng's row API with its own transforms: the simplified API is about 3x slower here. */
struct source {
	const unsigned char *data;
	size_t len, pos;
	char *why;
	size_t whylen;
};

static void
read_fn(png_structp png, png_bytep out, png_size_t n)
{
	struct source *s = png_get_io_ptr(png);
	if (n > s->len - s->pos)
		png_error(png, "file ends too early");
	memcpy(out, s->data + s->pos, n);
	s->pos += n;
}

static void
error_fn(png_structp png, png_const_charp msg)
{
	struct source *s = png_get_error_ptr(png);
	snprintf(s->why, s->whylen, "cannot decode PNG: %s", msg);
	png_longjmp(png, 1);
}

static void
warning_fn(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg; /* a frame with an odd chunk is still a frame */
}

/* (c * a) / 255, rounded, without a division */
static inline uint32_t
mul255(uint32_t c, uint32_t a)
{
	uint32_t t = c * a + 128;
	return (t + (t >> 8)) >> 8;
}

/*
 * A hostile file can give a chunk a length of up to 2 GB; libpng allocates the claimed size
 * for some chunks (sPLT, for one) before it finds the file is short, and its chunk size limit
 * does not cover them all. The whole file is in memory, so a length that runs past its end is
 * refused here, before libpng sees it.
 */
static enum pb_status
check_chunks(const unsigned char *data, size_t len, char *why, size_t whylen)
{
	size_t at = 8;
	while (len - at >= 8) {
		uint32_t n = (uint32_t)data[at] << 24 | (uint32_t)data[at + 1] << 16 |
			     (uint32_t)data[at + 2] << 8 | data[at + 3];
		char type[5];
		for (int i = 0; i < 4; i++) {
			unsigned char c = data[at + 4 + i];
			type[i] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ? (char)c : '?';
		}
		type[4] = '\0';
		size_t left = len - at >= 12 ? len - at - 12 : 0;
		if (len - at < 12 || n > left) {
			snprintf(
				why, whylen,
				"cannot decode PNG: chunk %s at byte %zu claims %u bytes, but only "
				"%zu are left in the file",
				type, at, (unsigned)n, left);
			return PB_ERR_INPUT;
		}
		if (!memcmp(type, "IEND", 4))
			break;
		at += 12 + (size_t)n;
	}
	return PB_OK;
}

enum pb_status
pb_png_decode(const unsigned char *data, size_t len, struct pb_image **out, int *has_alpha,
	      char *why, size_t whylen)
{
	struct source src = { data, len, 0, why, whylen };
	png_structp png;
	png_infop info = NULL;
	png_bytep *volatile rows = NULL;
	struct pb_image *volatile img = NULL;
	png_uint_32 w, h;
	int depth, type;

	*out = NULL;
	if (!data || len < 8 || png_sig_cmp(data, 0, 8)) {
		snprintf(why, whylen, "not a PNG file");
		return PB_ERR_INPUT;
	}
	if (check_chunks(data, len, why, whylen) != PB_OK)
		return PB_ERR_INPUT;
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, error_fn, warning_fn);
	if (png)
		info = png_create_info_struct(png);
	if (!png || !info) {
		png_destroy_read_struct(&png, NULL, NULL);
		snprintf(why, whylen, "out of memory reading PNG");
		return PB_ERR_NOMEM;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		free(rows);
		pb_image_destroy(img);
		return PB_ERR_INPUT;
	}
	png_set_read_fn(png, &src, read_fn);
	png_set_chunk_malloc_max(png, 8u << 20);
	png_set_chunk_cache_max(png, 256);
	png_set_user_limits(png, 32768, 32768);
	png_read_info(png, info);
	png_get_IHDR(png, info, &w, &h, &depth, &type, NULL, NULL, NULL);
	*has_alpha = (type & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS);
	if ((uint64_t)w * h > PB_IMAGE_MAX_PIXELS) {
		snprintf(why, whylen, "%ux%u PNG is too large", (unsigned)w, (unsigned)h);
		png_destroy_read_struct(&png, &info, NULL);
		return PB_ERR_INPUT;
	}
	png_set_expand(png); /* palette, low-bit grey and tRNS to 8-bit with alpha */
	png_set_strip_16(png);
	png_set_gray_to_rgb(png);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	png_set_bgr(png);
	png_set_filler(png, 0xff, PNG_FILLER_AFTER);
#else
	png_set_swap_alpha(png);
	png_set_filler(png, 0xff, PNG_FILLER_BEFORE);
#endif
	png_set_interlace_handling(png);
	png_read_update_info(png, info);
	if (pb_image_create((int)w, (int)h, 0, (struct pb_image **)&img) != PB_OK ||
	    !(rows = malloc(sizeof(png_bytep) * h))) {
		snprintf(why, whylen, "out of memory for a %ux%u PNG", (unsigned)w, (unsigned)h);
		png_destroy_read_struct(&png, &info, NULL);
		free(rows);
		pb_image_destroy(img);
		return PB_ERR_NOMEM;
	}
	for (png_uint_32 y = 0; y < h; y++)
		rows[y] = (png_bytep)pb_image_row(img, (int)y);
	png_read_image(png, rows);
	png_read_end(png, NULL);
	png_destroy_read_struct(&png, &info, NULL);
	free(rows);
	/* pixman composites premultiplied colour */
	for (int y = 0; y < img->height; y++) {
		uint32_t *row = pb_image_row(img, y);
		for (int x = 0; x < img->width; x++) {
			uint32_t p = row[x], a = p >> 24;
			if (a == 255)
				continue;
			row[x] = a << 24 | mul255((p >> 16) & 255, a) << 16 |
				 mul255((p >> 8) & 255, a) << 8 | mul255(p & 255, a);
		}
	}
	*out = img;
	return PB_OK;
}

enum pb_status
pb_png_encode(const struct pb_image *img, unsigned char **out, size_t *len)
{
	png_image pi;
	png_alloc_size_t n = 0;

	*out = NULL;
	*len = 0;
	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	pi.width = (png_uint_32)img->width;
	pi.height = (png_uint_32)img->height;
	/* 0xAARRGGBB words are B, G, R, A bytes in memory on the little-endian targets */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	pi.format = PNG_FORMAT_BGRA;
#else
	pi.format = PNG_FORMAT_ARGB;
#endif
	if (!png_image_write_to_memory(&pi, NULL, &n, 0, img->pixels, img->stride, NULL))
		return PB_ERR_INPUT;
	*out = malloc(n);
	if (!*out)
		return PB_ERR_NOMEM;
	if (!png_image_write_to_memory(&pi, *out, &n, 0, img->pixels, img->stride, NULL)) {
		free(*out);
		*out = NULL;
		return PB_ERR_INPUT;
	}
	*len = n;
	return PB_OK;
}
