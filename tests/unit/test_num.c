/* The one integer parser (num.h), the monotonic timed wait (deadline.h) and retry pacing
 * (backoff.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>

#include "backoff.h"
#include "clock.h"
#include "deadline.h"
#include "num.h"

static void
test_whole_numbers(void **state)
{
	long l = 0;
	int i = 0;
	(void)state;
	assert_int_equal(pb_parse_long("42", 0, 100, &l), PB_NUM_OK);
	assert_int_equal(l, 42);
	assert_int_equal(pb_parse_long("-7", -10, 10, &l), PB_NUM_OK);
	assert_int_equal(l, -7);
	assert_int_equal(pb_parse_long(" 8", 0, 10, &l), PB_NUM_OK); /* as strtol: blanks first */
	assert_int_equal(l, 8);
	assert_int_equal(pb_parse_int("65535", 0, 65535, &i), PB_NUM_OK);
	assert_int_equal(i, 65535);
}

static void
test_bad_input(void **state)
{
	long l = 5;
	int i = 5;
	(void)state;
	/* empty, trailing text, a bare sign, blanks only, hex, a float, overflow */
	const char *bad[] = { "", "12x", "-", "  ", "0x10", "1.5", "99999999999999999999", "8 " };
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		assert_int_equal(pb_parse_long(bad[k], LONG_MIN, LONG_MAX, &l), PB_NUM_SYNTAX);
	assert_int_equal(l, 5); /* untouched */
	assert_int_equal(pb_parse_int("101", 0, 100, &i), PB_NUM_RANGE);
	assert_int_equal(i, 5); /* an int is set only when in range */
	assert_int_equal(pb_parse_long("-1", 0, 100, &l), PB_NUM_RANGE);
	assert_int_equal(l, -1); /* the long says what was out of range */
}

static void
test_wait_times_out_on_the_monotonic_clock(void **state)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c;
	(void)state;
	pb_cond_init_monotonic(&c);
	pthread_mutex_lock(&m);
	uint64_t t0 = pb_now_ms();
	int rc;
	do /* a spurious wake-up returns 0 early: wait again */
		rc = pb_cond_wait_ms(&c, &m, 30);
	while (rc == 0 && pb_now_ms() - t0 < 30);
	assert_int_equal(rc, ETIMEDOUT);
	assert_true(pb_now_ms() - t0 >= 29);
	pthread_mutex_unlock(&m);
	pthread_cond_destroy(&c);
}

static void
test_backoff_delay(void **state)
{
	(void)state;
	/* the outbox's pacing: 2 s, doubling up to 300 s */
	assert_int_equal(pb_backoff_delay(2000, 300000, 1), 2000);
	assert_int_equal(pb_backoff_delay(2000, 300000, 2), 4000);
	assert_int_equal(pb_backoff_delay(2000, 300000, 8), 256000);
	assert_int_equal(pb_backoff_delay(2000, 300000, 9), 300000);
	assert_int_equal(pb_backoff_delay(2000, 300000, 4000000000u), 300000); /* no overflow */
	assert_int_equal(pb_backoff_delay(2000, 300000, 0), 2000);
	assert_int_equal(pb_backoff_delay(5000, 5000, 3), 5000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_numbers),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_wait_times_out_on_the_monotonic_clock),
		cmocka_unit_test(test_backoff_delay),
	};
	return cmocka_run_group_tests_name("num", tests, NULL, NULL);
}
