/* libFuzzer: arbitrary bytes as a capture. The EXIF reader, the streaming decode into a slot,
 * the scaled decode, and `photobooth render`'s whole path (decode into a theme's slot,
 * compose, the frame and text layer, the streaming encoder, the atomic write) must answer or
 * refuse, never crash, read out of bounds or free twice: a JPEG truncated late, or with
 * repeated progressive scans, once made the encoder's buffer be freed twice; the print is
 * read back with the same decoder handle, which a hostile header once spoiled for every JPEG
 * after it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "compose.h"
#include "fuzz.h"
#include "jpeg.h"
#include "offline.h"
#include "pngfile.h"
#include "stream.h"

static char dir[4096], photo[4200], print[4200];

/* A 96x64 theme (the smallest a theme may be) with one slot and a line of text, so a render
 * of the input is quick. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char theme[4160], path[4200];
	(void)argc;
	(void)argv;
	fuzz_setup(dir, sizeof(dir), "jpeg");
	snprintf(theme, sizeof(theme), "%s/t", dir);
	mkdir(theme, 0755);
	/* the frame: transparent, with an opaque band along the top */
	struct pb_image *frame = NULL;
	unsigned char *png = NULL;
	size_t len = 0;
	if (pb_image_create(96, 64, 0x00000000u, &frame) != PB_OK)
		abort();
	for (int y = 0; y < 3; y++)
		for (int x = 0; x < 96; x++)
			pb_image_row(frame, y)[x] = 0xff203040u;
	if (pb_png_encode(frame, &png, &len) != PB_OK)
		abort();
	snprintf(path, sizeof(path), "%s/frame.png", theme);
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(png, 1, len, f);
	fclose(f);
	free(png);
	pb_image_destroy(frame);
	snprintf(path, sizeof(path), "%s/overlay.ini", theme);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs("[overlay]\ntitle = t\n[output]\nwidth = 96\nheight = 64\ndpi = 100\n"
	      "[slot.1]\nx = 4\ny = 4\nwidth = 88\nheight = 44\n"
	      "[text.1]\ntext = %Y\nx = 4\ny = 50\nwidth = 88\nheight = 12\nsize = 8\n",
	      f);
	fclose(f);
	snprintf(photo, sizeof(photo), "%s/in.jpg", dir);
	snprintf(print, sizeof(print), "%s/out.jpg", dir);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pb_jpeg *j;
	static struct pb_image *canvas;
	struct pb_image *img = NULL;
	int w, h, handled;
	char why[1024];

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
	/* the whole render path, encoder included */
	FILE *f = fopen(photo, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	char *inputs[] = { photo };
	if (pb_offline_render(dir, "t", print, inputs, 1, (time_t)1764000000, why, sizeof(why)) ==
	    PB_OK) {
		/* a print that was written is a JPEG of the theme's size */
		unsigned char *out = NULL;
		struct stat st;
		if (stat(print, &st) != 0 || st.st_size < 4)
			abort();
		out = malloc((size_t)st.st_size);
		f = fopen(print, "rb");
		if (!out || !f || fread(out, 1, (size_t)st.st_size, f) != (size_t)st.st_size)
			abort();
		fclose(f);
		if (pb_jpeg_info(j, out, (size_t)st.st_size, &w, &h) != PB_OK || w != 96 || h != 64)
			abort();
		free(out);
		unlink(print);
	}
	return 0;
}
