#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
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

static void
quote(struct pb_buf *b, const char *s)
{
	pb_buf_append(b, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			pb_buf_append(b, "\\\"", 2);
			break;
		case '\\':
			pb_buf_append(b, "\\\\", 2);
			break;
		case '\n':
			pb_buf_append(b, "\\n", 2);
			break;
		case '\r':
			pb_buf_append(b, "\\r", 2);
			break;
		case '\t':
			pb_buf_append(b, "\\t", 2);
			break;
		default:
			if (*p < 0x20)
				pb_buf_printf(b, "\\u%04x", *p);
			else
				pb_buf_append(b, (const char *)p, 1);
		}
	}
	pb_buf_append(b, "\"", 1);
}

static void
member(struct pb_buf *b, const char *key)
{
	if (b->need_comma)
		pb_buf_append(b, ",", 1);
	b->need_comma = 1;
	if (key) {
		quote(b, key);
		pb_buf_append(b, ":", 1);
	}
}

static void
open_bracket(struct pb_buf *b, const char *key, char c)
{
	if (b->depth >= (int)sizeof(b->open))
		abort();
	member(b, key);
	b->open[b->depth++] = c;
	pb_buf_append(b, &c, 1);
	b->need_comma = 0;
}

void
pb_json_open(struct pb_buf *b, const char *key)
{
	open_bracket(b, key, '{');
}

void
pb_json_array(struct pb_buf *b, const char *key)
{
	open_bracket(b, key, '[');
}

void
pb_json_close(struct pb_buf *b)
{
	if (b->depth <= 0)
		abort();
	char c = b->open[--b->depth] == '{' ? '}' : ']';
	pb_buf_append(b, &c, 1);
	b->need_comma = 1;
}

void
pb_json_str(struct pb_buf *b, const char *key, const char *val)
{
	member(b, key);
	if (val)
		quote(b, val);
	else
		pb_buf_append(b, "null", 4);
}

void
pb_json_int(struct pb_buf *b, const char *key, int64_t val)
{
	member(b, key);
	pb_buf_printf(b, "%lld", (long long)val);
}

void
pb_json_bool(struct pb_buf *b, const char *key, int val)
{
	member(b, key);
	pb_buf_append(b, val ? "true" : "false", val ? 4 : 5);
}

void
pb_buf_html(struct pb_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': pb_buf_append(b, "&amp;", 5); break;
		case '<': pb_buf_append(b, "&lt;", 4); break;
		case '>': pb_buf_append(b, "&gt;", 4); break;
		case '"': pb_buf_append(b, "&quot;", 6); break;
		case '\'': pb_buf_append(b, "&#39;", 5); break;
		default: pb_buf_append(b, s, 1);
		}
	}
}
