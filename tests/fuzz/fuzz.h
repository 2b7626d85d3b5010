/* fuzz.h - what every libFuzzer target here does first: the log quiet, and a private folder
 * for the files it writes, made in $TMPDIR (tests/fuzz/run.sh points that at its own work
 * folder, which it deletes afterwards). */
#ifndef PB_FUZZ_H
#define PB_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#include "log.h"

/* Makes the folder (at most n bytes of path into dir) or aborts. */
static inline void
fuzz_setup(char *dir, size_t n, const char *name)
{
	const char *tmp = getenv("TMPDIR");
	pb_log_set_level(PB_LOG_ERR - 1); /* quiet */
	/* mkdtemp's template: it replaces the six X with a unique suffix */
	snprintf(dir, n, "%s/pbfuzz-%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
	if (!mkdtemp(dir))
		abort();
}

#endif
