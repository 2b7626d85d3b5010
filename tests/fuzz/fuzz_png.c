/* libFuzzer: arbitrary bytes as a theme's frame.png. */
#include <stdint.h>
#include <stdlib.h>

#include "pngfile.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pb_image *img = NULL;
	char why[256];
	int alpha;

	/* IHDR's size is at bytes 16..23: skip giant claims, they only cost time */
	if (size >= 24) {
		uint32_t w = (uint32_t)data[16] << 24 | (uint32_t)data[17] << 16 |
			     (uint32_t)data[18] << 8 | data[19];
		uint32_t h = (uint32_t)data[20] << 24 | (uint32_t)data[21] << 16 |
			     (uint32_t)data[22] << 8 | data[23];
		if ((uint64_t)w * h > (1u << 20))
			return 0;
	}
	if (pb_png_decode(data, size, &img, &alpha, why, sizeof(why)) == PB_OK)
		pb_image_destroy(img);
	return 0;
}
