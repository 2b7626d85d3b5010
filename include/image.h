/* image.h - a pixel buffer: 32 bits per pixel, native-endian 0xAARRGGBB (pixman a8r8g8b8 /
 * x8r8g8b8, SDL ARGB8888), premultiplied alpha. Pixel memory is malloc'd and checked, so a
 * huge image is PB_ERR_NOMEM, not an abort. Any thread; one owner at a time. */
#ifndef PB_IMAGE_H
#define PB_IMAGE_H

#include <stdint.h>
#include "status.h"

struct pb_image {
	int width;
	int height;
	int stride; /* bytes per row, a multiple of 4 */
	uint32_t *pixels;
};

/* The largest image we agree to hold in memory, in pixels (about 128 MB of pixels). */
#define PB_IMAGE_MAX_PIXELS (32u * 1024u * 1024u)

/* A new image, every pixel set to argb. */
enum pb_status pb_image_create(int width, int height, uint32_t argb, struct pb_image **out);
void pb_image_destroy(struct pb_image *img);

static inline uint32_t *
pb_image_row(const struct pb_image *img, int y)
{
	return (uint32_t *)((unsigned char *)img->pixels + (size_t)y * (size_t)img->stride);
}

#endif
