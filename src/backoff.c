/* backoff.c - see backoff.h. */
#include <string.h>

#include "backoff.h"

uint64_t
pb_backoff_delay(uint64_t first_ms, uint64_t max_ms, unsigned n)
{
	uint64_t d = first_ms;
	for (unsigned i = 1; i < n && d < max_ms; i++)
		d *= 2;
	return d < max_ms ? d : max_ms;
}

void
pb_backoff_init(struct pb_backoff *b, uint32_t min_ms, uint32_t max_ms)
{
	memset(b, 0, sizeof(*b));
	b->min_ms = min_ms;
	b->max_ms = max_ms < min_ms ? min_ms : max_ms;
}

uint64_t
pb_backoff_fail(struct pb_backoff *b, uint64_t now)
{
	b->failures++;
	b->next_ms = now + pb_backoff_delay(b->min_ms, b->max_ms, b->failures);
	return b->next_ms;
}

void
pb_backoff_reset(struct pb_backoff *b)
{
	b->failures = 0;
	b->next_ms = 0;
}

uint64_t
pb_backoff_wait(const struct pb_backoff *b, uint64_t now)
{
	return b->next_ms > now ? b->next_ms - now : 0;
}
