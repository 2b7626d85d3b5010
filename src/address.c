#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "address.h"

static int
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

static int
is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int
local_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (i == 0 || i == n - 1 || s[i + 1] == '.')
				return 0;
		} else if (!is_atext((unsigned char)s[i])) {
			return 0;
		}
	}
	return n > 0;
}

static int
domain_ok(const char *s)
{
	if (strlen(s) > PB_ADDRESS_MAX)
		return 0;
	size_t labels = 0;
	const char *last = s;

	for (const char *p = s;; p++) {
		if (*p != '.' && *p != '\0')
			continue;
		size_t n = (size_t)(p - last);
		if (n == 0 || n > 63 || last[0] == '-' || last[n - 1] == '-')
			return 0;
		for (size_t i = 0; i < n; i++)
			if (!is_alnum((unsigned char)last[i]) && last[i] != '-')
				return 0;
		labels++;
		if (*p == '\0') {
			/* the top-level domain: letters only, two or more, or an
			 * internationalised one in its ASCII form (xn--p1ai) */
			if (n < 2)
				return 0;
			if (n > 4 && strncasecmp(last, "xn--", 4) == 0)
				break;
			for (size_t i = 0; i < n; i++)
				if (!((last[i] | 0x20) >= 'a' && (last[i] | 0x20) <= 'z'))
					return 0;
			break;
		}
		last = p + 1;
	}
	return labels >= 2;
}

enum pb_address_check
pb_address_check(const char *s)
{
	size_t n = strlen(s), ats = 0;
	const char *at = NULL;

	if (n == 0)
		return PB_ADDR_EMPTY;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80)
			return PB_ADDR_NOT_ASCII;
		if (c < 0x20 || c == 0x7f)
			return PB_ADDR_CONTROL;
	}
	if (strpbrk(s, " \t"))
		return PB_ADDR_SPACE;
	if (n > PB_ADDRESS_MAX)
		return PB_ADDR_TOO_LONG;
	for (const char *p = s; (p = strchr(p, '@')); p++, ats++)
		at = p;
	if (ats == 0)
		return PB_ADDR_NO_AT;
	if (ats > 1)
		return PB_ADDR_MANY_AT;
	if (at - s > 64)
		return PB_ADDR_TOO_LONG;
	if (!local_ok(s, (size_t)(at - s)))
		return PB_ADDR_LOCAL;
	if (!domain_ok(at + 1))
		return PB_ADDR_DOMAIN;
	return PB_ADDR_OK;
}

const char *
pb_address_problem(enum pb_address_check c)
{
	switch (c) {
	case PB_ADDR_OK:
		return "valid";
	case PB_ADDR_EMPTY:
		return "is empty";
	case PB_ADDR_TOO_LONG:
		return "is too long";
	case PB_ADDR_NOT_ASCII:
		return "has letters other than plain a-z (unicode)";
	case PB_ADDR_SPACE:
		return "has a space";
	case PB_ADDR_CONTROL:
		return "has a control character (line break)";
	case PB_ADDR_NO_AT:
		return "has no @";
	case PB_ADDR_MANY_AT:
		return "has more than one @";
	case PB_ADDR_LOCAL:
		return "has a character or dot before the @ that addresses cannot have";
	case PB_ADDR_DOMAIN:
		return "does not end in a domain name like example.com";
	}
	return "is not an address";
}

void
pb_address_mask(const char *s, char *out, size_t n)
{
	if (!n)
		return;
	if (pb_address_check(s) != PB_ADDR_OK) {
		snprintf(out, n, "***");
		return;
	}
	snprintf(out, n, "%c***%s", s[0], strchr(s, '@'));
}

int
pb_address_domain_valid(const char *s)
{
	return domain_ok(s);
}

void
pb_address_mailbox(const char *s, char *out, size_t n)
{
	const char *at = strrchr(s, '@');
	size_t o = 0;
	if (!n)
		return;
	if (!at) {
		snprintf(out, n, "%s", s);
		at = "";
	}
	const char *domain = *at ? at + 1 : "";
	int gmail = !strcasecmp(domain, "gmail.com") || !strcasecmp(domain, "googlemail.com");
	for (const char *p = s; *at && p < at && *p != '+' && o + 1 < n; p++)
		if (!(gmail && *p == '.'))
			out[o++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	if (*at)
		snprintf(out + o, n - o, "@%s", gmail ? "gmail.com" : domain);
	for (char *p = out + o; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
}
