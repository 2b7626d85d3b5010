/* The email screen's form (email_form.h): typing, domain keys, UTF-8 backspace, consent,
 * the checks before sending, and that the address is wiped once queued. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "email_form.h"

static void
test_typing_and_domain_keys(void **state)
{
	struct pb_email_form f;
	(void)state;
	pb_email_form_clear(&f);
	pb_email_form_type(&f, "ann");
	pb_email_form_type(&f, "@gmail.com");
	assert_string_equal(f.typed, "ann@gmail.com");
	/* a second domain key replaces the first domain, not appends to it */
	pb_email_form_type(&f, "@naver.com");
	assert_string_equal(f.typed, "ann@naver.com");
	/* a lone "@" is a character, not a domain */
	pb_email_form_clear(&f);
	pb_email_form_type(&f, "a");
	pb_email_form_type(&f, "@");
	pb_email_form_type(&f, "b.kr");
	assert_string_equal(f.typed, "a@b.kr");
}

static void
test_backspace_takes_whole_characters(void **state)
{
	struct pb_email_form f;
	(void)state;
	pb_email_form_clear(&f);
	pb_email_form_type(&f, "a\xed\x95\x9c"); /* "a" and one Hangul syllable (3 bytes) */
	pb_email_form_backspace(&f);
	assert_string_equal(f.typed, "a");
	pb_email_form_backspace(&f);
	pb_email_form_backspace(&f); /* on an empty field: nothing */
	assert_string_equal(f.typed, "");
}

static void
test_overlong_input_is_ignored(void **state)
{
	struct pb_email_form f;
	char big[PB_ADDRESS_MAX + 2];
	(void)state;
	pb_email_form_clear(&f);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pb_email_form_type(&f, big); /* would not fit: ignored whole */
	assert_string_equal(f.typed, "");
	memset(big, 'y', PB_ADDRESS_MAX);
	big[PB_ADDRESS_MAX] = '\0';
	pb_email_form_type(&f, big); /* exactly fits */
	assert_int_equal(strlen(f.typed), PB_ADDRESS_MAX);
	pb_email_form_type(&f, "z");
	assert_int_equal(strlen(f.typed), PB_ADDRESS_MAX);
}

static void
test_checks_before_sending(void **state)
{
	struct pb_email_form f;
	(void)state;
	pb_email_form_clear(&f);
	/* bad addresses a careless guest types */
	const char *bad[] = { "",
			      "ann",
			      "ann@",
			      "@example.com",
			      "ann@example",
			      "a b@example.com",
			      "ann@@example.com" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pb_email_form_clear(&f);
		pb_email_form_type(&f, bad[i]);
		assert_int_equal(pb_email_form_ready(&f, 0), 0);
		assert_int_not_equal(f.problem, 0);
		assert_int_not_equal(f.problem, PB_EMAIL_NEED_CONSENT);
		assert_non_null(pb_email_form_problem(&f));
	}
	pb_email_form_clear(&f);
	pb_email_form_type(&f, "ann@example.com");
	assert_int_equal(pb_email_form_ready(&f, 1), 0); /* the box is not ticked */
	assert_int_equal(f.problem, PB_EMAIL_NEED_CONSENT);
	assert_string_equal(pb_email_form_problem(&f), "consent");
	pb_email_form_toggle_consent(&f); /* ticking it clears that problem */
	assert_int_equal(f.problem, 0);
	assert_null(pb_email_form_problem(&f));
	assert_int_equal(pb_email_form_ready(&f, 1), 1);
	pb_email_form_toggle_consent(&f);
	assert_int_equal(pb_email_form_ready(&f, 0), 1); /* consent not required */
	/* typing clears a problem */
	pb_email_form_type(&f, "@");
	assert_int_equal(pb_email_form_ready(&f, 0), 0);
	pb_email_form_backspace(&f);
	assert_int_equal(f.problem, 0);
}

static void
test_sent_wipes_the_address(void **state)
{
	struct pb_email_form f;
	(void)state;
	pb_email_form_clear(&f);
	pb_email_form_type(&f, "someone@example.com");
	pb_email_form_sent(&f);
	/* not a byte of the address is left in the field */
	for (size_t i = 0; i < sizeof(f.typed); i++)
		assert_int_equal(f.typed[i], 0);
	assert_null(strstr(f.sent_to, "someone"));
	assert_non_null(strstr(f.sent_to, "example.com"));
	/* a fresh field keeps what was sent and the box; clear forgets everything */
	f.consent = 1;
	pb_email_form_type(&f, "x");
	pb_email_form_open(&f);
	assert_string_equal(f.typed, "");
	assert_int_equal(f.consent, 1);
	assert_int_not_equal(f.sent_to[0], '\0');
	pb_email_form_clear(&f);
	assert_int_equal(f.consent, 0);
	assert_string_equal(f.sent_to, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typing_and_domain_keys),
		cmocka_unit_test(test_backspace_takes_whole_characters),
		cmocka_unit_test(test_overlong_input_is_ignored),
		cmocka_unit_test(test_checks_before_sending),
		cmocka_unit_test(test_sent_wipes_the_address),
	};
	return cmocka_run_group_tests_name("email_form", tests, NULL, NULL);
}
