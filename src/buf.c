/* buf.c - see buf.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

void
pb_buf_init(struct pb_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
pb_buf_fini(struct pb_buf *b)
{
	free(b->data);
	pb_buf_init(b);
}

void
pb_buf_append(struct pb_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = pb_xrealloc(b->data, cap);
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
pb_buf_printf(struct pb_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		pb_buf_append(b, small, (size_t)n);
		return;
	}
	char *big = pb_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	pb_buf_append(b, big, (size_t)n);
	free(big);
}

void
pb_buf_html(struct pb_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			pb_buf_append(b, "&amp;", 5);
			break;
		case '<':
			pb_buf_append(b, "&lt;", 4);
			break;
		case '>':
			pb_buf_append(b, "&gt;", 4);
			break;
		case '"':
			pb_buf_append(b, "&quot;", 6);
			break;
		case '\'':
			pb_buf_append(b, "&#39;", 5);
			break;
		default:
			pb_buf_append(b, s, 1);
		}
	}
}
