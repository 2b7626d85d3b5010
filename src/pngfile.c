#include <png.h>
#include <stdio.h>
#include <string.h>

#include "pngfile.h"

enum pb_status
pb_png_decode(const unsigned char *data, size_t len, struct pb_image **out, int *has_alpha,
	      char *why, size_t whylen)
{
	png_image png;
	enum pb_status st;

	*out = NULL;
	memset(&png, 0, sizeof(png));
	png.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&png, data, len)) {
		snprintf(why, whylen, "not a PNG file: %s", png.message);
		return PB_ERR_INPUT;
	}
	*has_alpha = (png.format & PNG_FORMAT_FLAG_ALPHA) != 0;
	/* BGRA in memory is native 0xAARRGGBB on little-endian hosts */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	png.format = PNG_FORMAT_BGRA;
#else
	png.format = PNG_FORMAT_ARGB;
#endif
	st = pb_image_create((int)png.width, (int)png.height, 0, out);
	if (st) {
		snprintf(why, whylen, "%ux%u PNG is too large", png.width, png.height);
		png_image_free(&png);
		return st;
	}
	if (!png_image_finish_read(&png, NULL, (*out)->pixels, (*out)->stride, NULL)) {
		snprintf(why, whylen, "cannot decode PNG: %s", png.message);
		png_image_free(&png);
		pb_image_destroy(*out);
		*out = NULL;
		return PB_ERR_INPUT;
	}
	/* pixman composites premultiplied colour */
	for (int y = 0; y < (*out)->height; y++) {
		uint32_t *row = pb_image_row(*out, y);
		for (int x = 0; x < (*out)->width; x++) {
			uint32_t p = row[x], a = p >> 24;
			if (a == 255)
				continue;
			uint32_t r = ((p >> 16) & 255) * a / 255, g = ((p >> 8) & 255) * a / 255,
				 b = (p & 255) * a / 255;
			row[x] = a << 24 | r << 16 | g << 8 | b;
		}
	}
	return PB_OK;
}
