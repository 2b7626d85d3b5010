/* libFuzzer: arbitrary bytes as a capture. The EXIF reader, the streaming decode into a slot
 * and the scaled decode must answer or refuse, never crash or read out of bounds. */
#include <stdint.h>
#include <stdlib.h>

#include "compose.h"
#include "jpeg.h"
#include "stream.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pb_jpeg *j;
	static struct pb_image *canvas;
	struct pb_image *img = NULL;
	int w, h, handled;
	char why[256];

	if (!j) {
		j = pb_jpeg_create();
		pb_image_create(96, 64, 0xffffffffu, &canvas);
	}
	pb_jpeg_orientation(data, size);
	/* keep each run quick: a header claiming a giant picture is fine, decoding it is slow */
	if (pb_jpeg_info(j, data, size, &w, &h) == PB_OK && (uint64_t)w * h > (4u << 20))
		return 0;
	pb_stream_to_slot(data, size, canvas, (struct pb_rect){ 8, 8, 64, 40 }, NULL, &handled, why,
			  sizeof(why));
	if (pb_jpeg_decode(j, data, size, 32, 32, &img) == PB_OK)
		pb_image_destroy(img);
	return 0;
}
