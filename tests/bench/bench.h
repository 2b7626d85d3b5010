/* bench.h - what every benchmark program needs: a monotonic clock in ms and a median. */
#ifndef PB_BENCH_H
#define PB_BENCH_H

#include <stdlib.h>
#include <time.h>

static inline double
now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static inline int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The median of v[0..n) (sorts v). */
static inline double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return v[n / 2];
}

#endif
