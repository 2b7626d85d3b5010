/* email_form.c - see email_form.h. */
#include <string.h>

#include "email_form.h"

void
pb_email_form_clear(struct pb_email_form *f)
{
	explicit_bzero(f->typed, sizeof(f->typed));
	f->consent = 0;
	f->problem = 0;
	f->sent_to[0] = '\0';
}

void
pb_email_form_open(struct pb_email_form *f)
{
	explicit_bzero(f->typed, sizeof(f->typed));
	f->problem = 0;
}

void
pb_email_form_type(struct pb_email_form *f, const char *text)
{
	size_t n = strlen(f->typed), t = strlen(text);
	/* a domain key replaces whatever domain was typed */
	if (text[0] == '@' && t > 1) {
		char *at = strchr(f->typed, '@');
		if (at)
			n = (size_t)(at - f->typed);
	}
	if (n + t < sizeof(f->typed))
		memcpy(f->typed + n, text, t + 1);
	f->problem = 0;
}

void
pb_email_form_backspace(struct pb_email_form *f)
{
	size_t n = strlen(f->typed);
	/* one character, not one byte: drop UTF-8 continuation bytes with it */
	while (n > 0 && ((unsigned char)f->typed[n - 1] & 0xc0) == 0x80)
		f->typed[--n] = '\0';
	if (n > 0)
		f->typed[--n] = '\0';
	f->problem = 0;
}

void
pb_email_form_toggle_consent(struct pb_email_form *f)
{
	f->consent = !f->consent;
	if (f->problem == PB_EMAIL_NEED_CONSENT)
		f->problem = 0;
}

int
pb_email_form_ready(struct pb_email_form *f, int require_consent)
{
	enum pb_address_check c = pb_address_check(f->typed);
	if (c != PB_ADDR_OK) {
		f->problem = (int)c;
		return 0;
	}
	if (require_consent && !f->consent) {
		f->problem = PB_EMAIL_NEED_CONSENT;
		return 0;
	}
	return 1;
}

void
pb_email_form_sent(struct pb_email_form *f)
{
	pb_address_mask(f->typed, f->sent_to, sizeof(f->sent_to));
	explicit_bzero(f->typed, sizeof(f->typed));
}

const char *
pb_email_form_problem(const struct pb_email_form *f)
{
	if (f->problem == PB_EMAIL_NEED_CONSENT)
		return "consent";
	if (f->problem == PB_EMAIL_LIMIT_ADDRESS)
		return "over the limit for this address ([mail] per_address_per_hour)";
	if (f->problem == PB_EMAIL_LIMIT_BOOTH)
		return "over the booth's hourly limit ([mail] per_booth_per_hour)";
	return f->problem ? pb_address_problem((enum pb_address_check)f->problem) : NULL;
}
