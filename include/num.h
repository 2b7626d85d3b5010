/* num.h - the one integer parser: a whole decimal number in a string, checked against bounds.
 * Pure; any thread. */
#ifndef PB_NUM_H
#define PB_NUM_H

enum pb_num {
	PB_NUM_OK = 0,
	PB_NUM_SYNTAX = -1, /* empty, trailing characters, or too large for a long */
	PB_NUM_RANGE = -2,  /* a number, outside min..max (*out holds it) */
};

/* Parses s as strtol does in base 10 (leading blanks and a sign allowed), but the whole string
 * must be the number. Sets *out on PB_NUM_OK and PB_NUM_RANGE. */
enum pb_num pb_parse_long(const char *s, long min, long max, long *out);
/* The same for an int; *out is set only on PB_NUM_OK. */
enum pb_num pb_parse_int(const char *s, int min, int max, int *out);

#endif
