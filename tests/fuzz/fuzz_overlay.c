/* libFuzzer: arbitrary bytes as a theme's overlay.ini (next to a valid frame.png). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "log.h"
#include "overlay.h"

static char dir[4096], ini[4200];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char theme[4160], frame[4200];
	(void)argc;
	(void)argv;
	fuzz_setup(dir, sizeof(dir), "overlay");
	snprintf(theme, sizeof(theme), "%s/t", dir);
	mkdir(theme, 0755);
	snprintf(ini, sizeof(ini), "%s/overlay.ini", theme);
	/* a 64x48 frame, transparent inside, for themes that get that far */
	snprintf(frame, sizeof(frame), "%s/frame.png", theme);
	static const unsigned char png[] = {
#include "frame64x48.inc"
	};
	FILE *f = fopen(frame, "wb");
	if (!f)
		abort();
	fwrite(png, 1, sizeof(png), f);
	fclose(f);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pb_overlay *ov = NULL;
	char err[4096];
	FILE *f = fopen(ini, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (pb_overlay_load(dir, "t", &ov, err, sizeof(err)) == PB_OK) {
		/* a theme that loads must be internally consistent */
		for (int i = 0; i < ov->nslots; i++)
			if (ov->slots[i].x + ov->slots[i].w > ov->width ||
			    ov->slots[i].y + ov->slots[i].h > ov->height)
				abort();
		pb_overlay_destroy(ov);
	}
	return 0;
}
