/* Shared helpers for unit tests: temporary directories and small files. */
#ifndef PB_TEST_HELPERS_H
#define PB_TEST_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <png.h>

#include "file.h"

/* A fresh directory under $TMPDIR; removed by rm_tree. */
static inline char *
make_tmpdir(void)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	size_t n = strlen(base) + 32;
	char *tmpl = malloc(n);
	if (!tmpl)
		abort();
	snprintf(tmpl, n, "%s/pbtest.XXXXXX", base);
	if (!mkdtemp(tmpl))
		abort();
	return tmpl;
}

static inline void
rm_tree(const char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static inline void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

/* Where the source tree is (tests run from the top of it unless PB_SRCDIR says otherwise). */
static inline const char *
srcdir(void)
{
	return getenv("PB_SRCDIR") ? getenv("PB_SRCDIR") : ".";
}

/* A w x h PNG: transparent in the middle (opaque border) when alpha, else opaque RGB. */
static inline void
write_png(const char *path, int w, int h, int alpha)
{
	png_image png;
	unsigned char *px = calloc((size_t)w * h, 4);
	memset(&png, 0, sizeof(png));
	png.version = PNG_IMAGE_VERSION;
	png.width = (unsigned)w;
	png.height = (unsigned)h;
	png.format = alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned char *p = px + ((size_t)y * w + x) * (alpha ? 4 : 3);
			int border = x < 10 || y < 10 || x >= w - 10 || y >= h - 10;
			p[0] = 20, p[1] = 40, p[2] = 200;
			if (alpha)
				p[3] = border ? 255 : 0;
		}
	if (!png_image_write_to_file(&png, path, 0, px, 0, NULL))
		abort();
	free(px);
}

#endif
