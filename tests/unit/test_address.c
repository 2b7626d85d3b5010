/* Addresses: validation and masking (address.h). Addresses tried: spaces, several @, CR/LF
 * header injection, 300 characters, unicode (accents, hangul), dots in the wrong places,
 * domains without a dot or with bad labels, internationalised top-level domains. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "address.h"

/* Addresses */

static void
test_address_valid(void **state)
{
	static const char *const good[] = {
		"guest@example.com",
		"first.last+tag@sub.example.co.kr",
		"a@b.io",
		"o'neil@example.ie",
		"x_y-z@my-domain.example",
		"UPPER@EXAMPLE.COM",
		"a@example.xn--p1ai", /* .рф, an internationalised top-level domain */
		"guest@xn--80ak6aa92e.XN--3E0B707E", /* Korea's .한국 */
		"1234567890123456789012345678901234567890123456789012345678901234@example.com",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(pb_address_check(good[i]), PB_ADDR_OK);
}

static void
test_address_invalid(void **state)
{
	static const struct {
		const char *s;
		enum pb_address_check want;
	} bad[] = {
		{ "", PB_ADDR_EMPTY },
		{ "guest @example.com", PB_ADDR_SPACE },
		{ " guest@example.com", PB_ADDR_SPACE },
		{ "guest@example.com\tx", PB_ADDR_CONTROL },
		{ "a@b@example.com", PB_ADDR_MANY_AT },
		{ "guest@@example.com", PB_ADDR_MANY_AT },
		{ "guest@example.com\r\nBcc: all@example.com", PB_ADDR_CONTROL },
		{ "guest@example.com\n", PB_ADDR_CONTROL },
		{ "g\xc3\xa9st@example.com", PB_ADDR_NOT_ASCII },
		{ "\xea\xb2\x8c\xec\x8a\xa4\xed\x8a\xb8@example.com", PB_ADDR_NOT_ASCII },
		{ "guest@\xd0\xb5xample.com", PB_ADDR_NOT_ASCII }, /* a Cyrillic look-alike e */
		{ "guestexample.com", PB_ADDR_NO_AT },
		{ ".guest@example.com", PB_ADDR_LOCAL },
		{ "guest.@example.com", PB_ADDR_LOCAL },
		{ "gu..est@example.com", PB_ADDR_LOCAL },
		{ "@example.com", PB_ADDR_LOCAL },
		{ "gu(est)@example.com", PB_ADDR_LOCAL },
		{ "\"guest\"@example.com", PB_ADDR_LOCAL },
		{ "guest@", PB_ADDR_DOMAIN },
		{ "guest@example", PB_ADDR_DOMAIN },
		{ "guest@example.", PB_ADDR_DOMAIN },
		{ "guest@example.com.", PB_ADDR_DOMAIN },
		{ "guest@.example.com", PB_ADDR_DOMAIN },
		{ "guest@-example.com", PB_ADDR_DOMAIN },
		{ "guest@example-.com", PB_ADDR_DOMAIN },
		{ "guest@exam_ple.com", PB_ADDR_DOMAIN },
		{ "guest@example.c", PB_ADDR_DOMAIN },
		{ "guest@example.c0m", PB_ADDR_DOMAIN },
		{ "guest@example.xn--", PB_ADDR_DOMAIN },      /* a prefix with nothing after it */
		{ "guest@example.xn--p1ai-", PB_ADDR_DOMAIN }, /* a label ending in a hyphen */
		{ "guest@example.xn--p_1ai", PB_ADDR_DOMAIN },
		{ "guest@example.x1--p1ai", PB_ADDR_DOMAIN }, /* digits, not the IDN prefix */
		{ "guest@[127.0.0.1]", PB_ADDR_DOMAIN },
		{ "12345678901234567890123456789012345678901234567890123456789012345@example.com",
		  PB_ADDR_TOO_LONG },
	};
	char longest[400];
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum pb_address_check got = pb_address_check(bad[i].s);
		if (got != bad[i].want)
			fail_msg("'%s': got %d (%s), want %d", bad[i].s, got,
				 pb_address_problem(got), bad[i].want);
		assert_string_not_equal(pb_address_problem(got), "valid");
	}
	/* 300 characters: a long domain of valid labels */
	memset(longest, 'a', 300);
	longest[300] = '\0';
	longest[10] = '@';
	for (int i = 60; i < 290; i += 60)
		longest[i] = '.';
	memcpy(longest + 296, ".com", 5);
	assert_int_equal(pb_address_check(longest), PB_ADDR_TOO_LONG);
	/* a 63-character label is fine, 64 is not */
	char label[128] = "g@";
	memset(label + 2, 'd', 63);
	strcpy(label + 65, ".com");
	assert_int_equal(pb_address_check(label), PB_ADDR_OK);
	memset(label + 2, 'd', 64);
	strcpy(label + 66, ".com");
	assert_int_equal(pb_address_check(label), PB_ADDR_DOMAIN);
}

static void
test_address_mask(void **state)
{
	char out[300];
	(void)state;
	pb_address_mask("guest@example.com", out, sizeof(out));
	assert_string_equal(out, "g***@example.com");
	pb_address_mask("x@b.io", out, sizeof(out));
	assert_string_equal(out, "x***@b.io");
	pb_address_mask("guest@example.com\r\nBcc: a@b.io", out, sizeof(out));
	assert_string_equal(out, "***");
	pb_address_mask("not an address", out, sizeof(out));
	assert_string_equal(out, "***");
	pb_address_mask("guest@example.com", out, 5);
	assert_string_equal(out, "g***");
}

/* The hourly limit counts one inbox once, however its address is spelt. */
static void
test_address_mailbox(void **state)
{
	char out[128];
	(void)state;
	static const char *const same[][2] = {
		{ "victim+1@example.org", "victim@example.org" },
		{ "Victim+a+b@Example.ORG", "victim@example.org" },
		{ "v.ictim@gmail.com", "victim@gmail.com" },
		{ "V.I.C.T.I.M+x@GoogleMail.com", "victim@gmail.com" },
		{ "v.ictim@example.org", "v.ictim@example.org" }, /* dots count elsewhere */
		{ "+@example.org", "@example.org" },
	};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		pb_address_mailbox(same[i][0], out, sizeof(out));
		assert_string_equal(out, same[i][1]);
	}
	pb_address_mailbox("victim@example.org", out, 8); /* cut, never overrun */
	assert_string_equal(out, "victim@");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_valid),
		cmocka_unit_test(test_address_invalid),
		cmocka_unit_test(test_address_mask),
		cmocka_unit_test(test_address_mailbox),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
