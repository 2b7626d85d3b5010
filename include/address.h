/* address.h - email addresses as guests type them: validation and masking for logs. Pure
 * functions, any thread.
 *
 * We accept what mail systems deliver in practice: ASCII dot-atom local parts (letters,
 * digits and !#$%&'*+/=?^_`{|}~-, dots not leading, trailing or doubled; at most 64) at a
 * domain of at least two labels (letters, digits, inner hyphens; at most 63 each) whose last
 * label is letters only, 254 characters in all. Quoted local parts, IP literals and non-ASCII
 * addresses (SMTPUTF8) are refused: a guest at a kiosk who types one almost certainly made a
 * typo, and many relays refuse them anyway. */
#ifndef PB_ADDRESS_H
#define PB_ADDRESS_H

#include <stddef.h>

#define PB_ADDRESS_MAX 254

enum pb_address_check {
	PB_ADDR_OK,
	PB_ADDR_EMPTY,
	PB_ADDR_TOO_LONG,  /* over PB_ADDRESS_MAX, or a local part over 64 */
	PB_ADDR_NOT_ASCII, /* unicode: accents, hangul, look-alike letters */
	PB_ADDR_SPACE,	   /* a space or tab */
	PB_ADDR_CONTROL,   /* CR, LF or another control character: header injection */
	PB_ADDR_NO_AT,
	PB_ADDR_MANY_AT,
	PB_ADDR_LOCAL,	/* the part before @ has a character or dot where it cannot */
	PB_ADDR_DOMAIN, /* the part after @ is not a domain name (example.com) */
};

enum pb_address_check pb_address_check(const char *s);

/* Whether s is a domain name as an address's part after @ must be (two labels or more, a
 * top-level domain of letters): also what a fully-qualified EHLO name is. */
int pb_address_domain_valid(const char *s);

/* What is wrong, in a few words of English for staff and logs ("has a space"). */
const char *pb_address_problem(enum pb_address_check c);

/* The address for logs: first character of the local part, then ***, then the domain
 * ("g***@example.com"). Anything that is not a valid address becomes "***". */
void pb_address_mask(const char *s, char *out, size_t n);

/* The mailbox a limit counts s under (s valid): lower-cased, a sub-address ("+tag") dropped
 * for every domain, and for gmail.com and googlemail.com the dots of the local part too
 * (Gmail delivers them all to one inbox). Into out (n bytes). */
void pb_address_mailbox(const char *s, char *out, size_t n);

#endif
