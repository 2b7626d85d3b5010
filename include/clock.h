/* clock.h - the monotonic clock, in milliseconds. Only the shell reads it: the kiosk core
 * gets now_ms passed in. */
#ifndef PB_CLOCK_H
#define PB_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
pb_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

#endif
