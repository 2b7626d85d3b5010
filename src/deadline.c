/* deadline.c - see deadline.h. */
#include <time.h>

#include "deadline.h"

void
pb_cond_init_monotonic(pthread_cond_t *c)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(c, &ca);
	pthread_condattr_destroy(&ca);
}

struct timespec
pb_deadline_in(uint64_t ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

int
pb_cond_wait_ms(pthread_cond_t *c, pthread_mutex_t *m, uint64_t ms)
{
	struct timespec until = pb_deadline_in(ms);
	return pthread_cond_timedwait(c, m, &until);
}
