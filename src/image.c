#include <stdlib.h>

#include "image.h"
#include "mem.h"

enum pb_status
pb_image_create(int width, int height, uint32_t argb, struct pb_image **out)
{
	struct pb_image *img;
	size_t n;

	*out = NULL;
	if (width <= 0 || height <= 0 || (uint64_t)width * (uint64_t)height > PB_IMAGE_MAX_PIXELS)
		return PB_ERR_INPUT;
	n = (size_t)width * (size_t)height;
	img = pb_xcalloc(1, sizeof(*img));
	img->pixels = malloc(n * 4);
	if (!img->pixels) {
		free(img);
		return PB_ERR_NOMEM;
	}
	img->width = width;
	img->height = height;
	img->stride = width * 4;
	for (size_t i = 0; i < n; i++)
		img->pixels[i] = argb;
	*out = img;
	return PB_OK;
}

void
pb_image_destroy(struct pb_image *img)
{
	if (!img)
		return;
	free(img->pixels);
	free(img);
}
