/* test_webhook.c - the webhook's signature (RFC 4231's HMAC-SHA256 vectors) and what each
 * answer from a receiver means. The POSTs themselves are tested against a real receiver in
 * tests/e2e/webhook.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "webhook.h"

static void
test_sign(void **state)
{
	(void)state;
	char sig[72];
	/* RFC 4231, test case 2 */
	pb_webhook_sign("Jefe", "what do ya want for nothing?", 28, sig);
	assert_string_equal(
		sig, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* one byte of the body changed: another signature */
	pb_webhook_sign("Jefe", "what do ya want for nothing!", 28, sig);
	assert_string_not_equal(
		sig, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	assert_int_equal(strlen(sig), 71);
}

static void
test_outcome(void **state)
{
	(void)state;
	assert_int_equal(pb_webhook_outcome(200, 0, 1), PB_SEND_OK);
	assert_int_equal(pb_webhook_outcome(204, 0, 1), PB_SEND_OK);
	assert_int_equal(pb_webhook_outcome(200, 1, 1), PB_SEND_RETRY); /* cut mid-answer */
	assert_int_equal(pb_webhook_outcome(500, 0, 1), PB_SEND_RETRY);
	assert_int_equal(pb_webhook_outcome(503, 0, 1), PB_SEND_RETRY);
	assert_int_equal(pb_webhook_outcome(408, 0, 1), PB_SEND_RETRY);
	assert_int_equal(pb_webhook_outcome(429, 0, 1), PB_SEND_RETRY);
	assert_int_equal(pb_webhook_outcome(0, 1, 1), PB_SEND_RETRY);	/* timed out */
	assert_int_equal(pb_webhook_outcome(0, 1, 0), PB_SEND_BLOCKED); /* no connection */
	assert_int_equal(pb_webhook_outcome(401, 0, 1), PB_SEND_BLOCKED);
	assert_int_equal(pb_webhook_outcome(403, 0, 1), PB_SEND_BLOCKED);
	assert_int_equal(pb_webhook_outcome(400, 0, 1), PB_SEND_DEAD);
	assert_int_equal(pb_webhook_outcome(404, 0, 1), PB_SEND_DEAD);
	assert_int_equal(pb_webhook_outcome(422, 0, 1), PB_SEND_DEAD);
	assert_int_equal(pb_webhook_outcome(302, 0, 1), PB_SEND_DEAD); /* never followed */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign),
		cmocka_unit_test(test_outcome),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
