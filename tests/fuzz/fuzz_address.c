/* libFuzzer: arbitrary bytes as the email address a guest typed. Checks what the validator
 * promises: an accepted address is short, printable ASCII without blanks, has exactly one @
 * and a dotted domain, and its masked form for logs never carries the local part. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[512], masked[512];
	if (size >= sizeof(s))
		size = sizeof(s) - 1;
	memcpy(s, data, size);
	s[size] = '\0';

	enum pb_address_check c = pb_address_check(s);
	const char *why = pb_address_problem(c);
	if (!why || !why[0])
		abort();
	pb_address_mask(s, masked, sizeof(masked));
	if (c != PB_ADDR_OK) {
		if (strcmp(masked, "***"))
			abort(); /* a bad address is never logged, not even in part */
		return 0;
	}
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	if (n == 0 || n > PB_ADDRESS_MAX || !at || strchr(at + 1, '@') || at == s || at - s > 64 ||
	    !strchr(at + 1, '.'))
		abort();
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || (unsigned char)s[i] >= 0x7f) /* CR/LF: header injection */
			abort();
	/* "g***@example.com": the first character, the stars, the domain, nothing more */
	if (masked[0] != s[0] || strncmp(masked + 1, "***@", 4) || strcmp(masked + 5, at + 1))
		abort();
	return 0;
}
