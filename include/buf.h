/* buf.h - a growable string buffer (replies, file texts, JSON). Small allocations abort when
 * memory runs out (pb_xmalloc). Not thread-safe per buffer; any thread may own one. */
#ifndef PB_BUF_H
#define PB_BUF_H

#include <stddef.h>

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

#endif
