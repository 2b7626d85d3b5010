#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static int level = PB_LOG_INFO;

void
pb_log_set_level(int prio)
{
	level = prio;
}

void
pb_log(int prio, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	size_t n;

	if (prio > level)
		return;
	n = (size_t)snprintf(line, sizeof(line), "<%d>", prio);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	n = strlen(line);
	line[n++] = '\n';
	/* One fwrite of the whole line: stdio locks the stream, so threads never interleave. */
	fwrite(line, 1, n, stderr);
}
