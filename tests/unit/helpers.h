/* Shared helpers for unit tests: temporary directories and small files. */
#ifndef PB_TEST_HELPERS_H
#define PB_TEST_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

#endif
