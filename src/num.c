/* num.c - see num.h. */
#include <errno.h>
#include <stdlib.h>

#include "num.h"

enum pb_num
pb_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!*s)
		return PB_NUM_SYNTAX;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || errno || end == s)
		return PB_NUM_SYNTAX;
	*out = v;
	return v < min || v > max ? PB_NUM_RANGE : PB_NUM_OK;
}

enum pb_num
pb_parse_int(const char *s, int min, int max, int *out)
{
	long v;
	enum pb_num r = pb_parse_long(s, min, max, &v);
	if (r == PB_NUM_OK)
		*out = (int)v;
	return r;
}
