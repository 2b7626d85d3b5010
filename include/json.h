/* json.h - a minimal JSON writer (objects, arrays, strings, numbers) into a pb_buf (buf.h).
 * Not thread-safe per buffer; any thread may own one. */
#ifndef PB_JSON_H
#define PB_JSON_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"

/* JSON: open an object or array ("key": { / "key": [), close the innermost one. key is NULL
 * at the top level and inside arrays. Nesting deeper than 16 aborts (a programming error). */
void pb_json_open(struct pb_buf *b, const char *key);
void pb_json_array(struct pb_buf *b, const char *key);
void pb_json_close(struct pb_buf *b);
void pb_json_str(struct pb_buf *b, const char *key, const char *val); /* NULL -> null */
void pb_json_int(struct pb_buf *b, const char *key, int64_t val);
/* A duration given in microseconds, written in milliseconds with one decimal (12.3); null
 * when negative (did not happen). */
void pb_json_ms(struct pb_buf *b, const char *key, int64_t us);
void pb_json_bool(struct pb_buf *b, const char *key, int val);

#endif
