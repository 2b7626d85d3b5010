/* json_read.h - reading values out of a JSON text in place (the other booths' heartbeats).
 * No tree is built: a lookup walks the text, and a malformed text reads as missing values.
 * Pure functions; any thread. */
#ifndef PB_JSON_READ_H
#define PB_JSON_READ_H

#include <stddef.h>

/* The value at path ("status.camera.state": object members by name, dot-separated; "" is
 * json itself), or NULL when absent or the text is malformed up to it. */
const char *pb_json_at(const char *json, const char *path);

/* The i-th element of the array at v, or NULL. Walks from the start: to visit every element,
 * take the first this way and the rest with pb_json_next. */
const char *pb_json_elem(const char *v, int i);

/* The element after elem in its array, or NULL after the last (or when malformed). */
const char *pb_json_next(const char *elem);

/* 1 when the whole of text is one JSON object (and white space around it), 0 otherwise. */
int pb_json_is_object(const char *text);

/* v as an integer (a JSON number, its fraction dropped): 0 and *out set, -1 otherwise. */
int pb_json_int_of(const char *v, long long *out);

/* v as a string, unescaped, into out (n bytes, truncated). Each \uXXXX reads as '?' on
 * purpose: booths write UTF-8 as it is and escape only control characters, which no screen
 * line should show. Returns 0, or -1 when v is not a string (out is then ""). */
int pb_json_str_of(const char *v, char *out, size_t n);

#endif
