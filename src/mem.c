#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static void *
check(void *p, size_t n)
{
	if (!p && n) {
		fprintf(stderr, "<2>out of memory allocating %zu bytes\n", n);
		abort();
	}
	return p;
}

void *
pb_xmalloc(size_t n)
{
	return check(malloc(n ? n : 1), n);
}

void *
pb_xcalloc(size_t nmemb, size_t size)
{
	return check(calloc(nmemb ? nmemb : 1, size ? size : 1), nmemb * size);
}

void *
pb_xrealloc(void *p, size_t n)
{
	return check(realloc(p, n ? n : 1), n);
}

char *
pb_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(pb_xmalloc(n), s, n);
}

char *
pb_xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = pb_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}
