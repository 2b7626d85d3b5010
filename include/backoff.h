/* backoff.h - retry pacing for the camera's reconnects and the outbox's retries: the first
 * wait, doubling after each failure in a row up to a longest one. Pure, over the caller's
 * clock; not thread-safe per struct. */
#ifndef PB_BACKOFF_H
#define PB_BACKOFF_H

#include <stdint.h>

/* The wait after the nth failure in a row (n >= 1): first_ms, doubling up to max_ms. */
uint64_t pb_backoff_delay(uint64_t first_ms, uint64_t max_ms, unsigned n);

struct pb_backoff {
	uint32_t min_ms, max_ms; /* first delay, longest delay */
	uint64_t next_ms;	 /* no attempt before this */
	unsigned failures;	 /* in a row */
};
void pb_backoff_init(struct pb_backoff *b, uint32_t min_ms, uint32_t max_ms);
/* Records a failed attempt at now and returns the time of the next one: min_ms after the
 * first failure, doubling up to max_ms. */
uint64_t pb_backoff_fail(struct pb_backoff *b, uint64_t now);
/* A success: the next failure starts again from min_ms, and an attempt is due at once. */
void pb_backoff_reset(struct pb_backoff *b);
/* Milliseconds until the next attempt is due (0: now). */
uint64_t pb_backoff_wait(const struct pb_backoff *b, uint64_t now);

#endif
