/* deadline.h - timed waits on the monotonic clock, for the threads that nap between polls
 * (camera, print, outbox). The real-time clock would stall them when it steps: a Raspberry Pi
 * has no battery clock and jumps years ahead at the first NTP sync. Any thread. */
#ifndef PB_DEADLINE_H
#define PB_DEADLINE_H

#include <pthread.h>
#include <stdint.h>

/* Initialises c to time its waits on CLOCK_MONOTONIC. Every cond waited on with
 * pb_cond_wait_ms must be made by this. */
void pb_cond_init_monotonic(pthread_cond_t *c);

/* The moment ms milliseconds from now, for pthread_cond_timedwait on such a cond. */
struct timespec pb_deadline_in(uint64_t ms);

/* Waits on c (m held) until signalled or ms pass. Returns 0 or ETIMEDOUT. */
int pb_cond_wait_ms(pthread_cond_t *c, pthread_mutex_t *m, uint64_t ms);

#endif
