/* json.h - a growable string buffer with a minimal JSON writer (objects, strings, numbers).
 * Not thread-safe per buffer; any thread may own one. */
#ifndef PB_JSON_H
#define PB_JSON_H

#include <stddef.h>
#include <stdint.h>

struct pb_buf {
	char *data; /* always NUL-terminated once anything was appended */
	size_t len;
	size_t cap;
	/* JSON writer state: which brackets are open, and whether a value was written at
	 * the current level (so the next one needs a comma). */
	char open[16];
	int depth;
	int need_comma;
};

void pb_buf_init(struct pb_buf *b);
void pb_buf_fini(struct pb_buf *b);
void pb_buf_append(struct pb_buf *b, const char *s, size_t n);
void pb_buf_printf(struct pb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s with &, <, >, " and ' escaped for HTML text and attribute values. */
void pb_buf_html(struct pb_buf *b, const char *s);

/* JSON: open an object or array ("key": { / "key": [), close the innermost one. key is NULL
 * at the top level and inside arrays. Nesting deeper than 16 aborts (a programming error). */
void pb_json_open(struct pb_buf *b, const char *key);
void pb_json_array(struct pb_buf *b, const char *key);
void pb_json_close(struct pb_buf *b);
void pb_json_str(struct pb_buf *b, const char *key, const char *val); /* NULL -> null */
void pb_json_int(struct pb_buf *b, const char *key, int64_t val);
void pb_json_bool(struct pb_buf *b, const char *key, int val);

#endif
