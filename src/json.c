#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mem.h"

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
pb_json_ms(struct pb_buf *b, const char *key, int64_t us)
{
	member(b, key);
	if (us < 0) {
		pb_buf_append(b, "null", 4);
		return;
	}
	int64_t tenths = (us + 50) / 100;
	pb_buf_printf(b, "%lld.%lld", (long long)(tenths / 10), (long long)(tenths % 10));
}

void
pb_json_bool(struct pb_buf *b, const char *key, int val)
{
	member(b, key);
	pb_buf_append(b, val ? "true" : "false", val ? 4 : 5);
}
