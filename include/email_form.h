/* email_form.h - the email screen's form: the address being typed, the consent box, and what
 * the screen tells the guest about them. Pure (no I/O, no clock), so tests drive it directly.
 * The typed address is wiped as soon as it is queued or the form closes: it never outlives the
 * guest's use of the screen. Main thread. */
#ifndef PB_EMAIL_FORM_H
#define PB_EMAIL_FORM_H

#include "address.h"

#define PB_EMAIL_NEED_CONSENT 100  /* problem: the consent box is not ticked */
#define PB_EMAIL_LIMIT_ADDRESS 101 /* problem: this address had its emails for the hour */
#define PB_EMAIL_LIMIT_BOOTH 102   /* problem: the booth sent all it may this hour */

struct pb_email_form {
	char typed[PB_ADDRESS_MAX + 1];	  /* the address being typed, UTF-8 */
	int consent;			  /* the guest ticked the consent box */
	int problem;			  /* 0, an enum pb_address_check value, or PB_EMAIL_* */
	char sent_to[PB_ADDRESS_MAX + 8]; /* masked, for the deliver screen; "" none yet */
};

/* Forgets everything: the address (wiped), the box, the problem and the masked address. */
void pb_email_form_clear(struct pb_email_form *f);
/* A fresh address field (the Email me button): the address and the problem go; the box and
 * what was sent stay. */
void pb_email_form_open(struct pb_email_form *f);
/* Appends text (a key); a domain key ("@gmail.com") replaces any domain typed. Text that would
 * not fit is ignored. Clears the problem. */
void pb_email_form_type(struct pb_email_form *f, const char *text);
/* Erases the last character (all the bytes of a UTF-8 one). Clears the problem. */
void pb_email_form_backspace(struct pb_email_form *f);
/* Ticks or unticks the box; a consent problem goes with a tick. */
void pb_email_form_toggle_consent(struct pb_email_form *f);
/* Whether the form may be sent: 1, or 0 with problem set (a bad address, or the box not
 * ticked while require_consent). */
int pb_email_form_ready(struct pb_email_form *f, int require_consent);
/* The address was handed to the outbox: keeps its masked form in sent_to, wipes the address. */
void pb_email_form_sent(struct pb_email_form *f);
/* The problem in words for status output ("consent", the address problem), NULL for none. */
const char *pb_email_form_problem(const struct pb_email_form *f);

#endif
