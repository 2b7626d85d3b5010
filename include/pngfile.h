/* pngfile.h - reads PNG files (libpng's simplified API) into premultiplied images. Any thread. */
#ifndef PB_PNGFILE_H
#define PB_PNGFILE_H

#include <stddef.h>
#include "image.h"

/* Decodes a PNG from memory into a premultiplied ARGB image. *has_alpha says whether the
 * file itself has transparency (an alpha channel or a transparent colour). Errors carry
 * libpng's own text in why. */
enum pb_status pb_png_decode(const unsigned char *data, size_t len, struct pb_image **out,
			     int *has_alpha, char *why, size_t whylen);

/* Encodes an opaque image (alpha is written as is, so premultiplied colours only come out
 * right where alpha is 255) as an 8-bit RGBA PNG. *out is malloc'd; caller frees. */
enum pb_status pb_png_encode(const struct pb_image *img, unsigned char **out, size_t *len);

#endif
