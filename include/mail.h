/* mail.h - one email with the guest's download link, sent over SMTP with libcurl.
 *
 * The message is MIME, built by libcurl's MIME API: multipart/related holding a
 * multipart/alternative (a plain-text part and an HTML part) and, inline, a thumbnail of the
 * photo and the link's QR code, which the HTML shows by Content-ID. It is made from the
 * session's share.jpg at send time, so the outbox only keeps the address and the link.
 * Blocking (network, up to timeout_s); any thread; no shared state. */
#ifndef PB_MAIL_H
#define PB_MAIL_H

#include <stddef.h>
#include <time.h>
#include "status.h"

struct pb_mail_server {
	const char *url;      /* smtp://host[:port] or smtps://host[:port] */
	int starttls;	      /* smtp://: insist on STARTTLS */
	const char *username; /* "" for no login */
	const char *password;
	const char *from;
	const char *helo;     /* the EHLO name: a fully-qualified host name (pb_mail_helo) */
	const char *reply_to; /* "" for none */
	const char *subject;  /* UTF-8; encoded for the header when it is not plain ASCII */
	int timeout_s;
	/* Polled during a transfer; non-zero cuts it off (PB_ERR_BUSY). NULL: never. */
	int (*cancelled)(void *ctx);
	void *cancel_ctx;
};

struct pb_mail_message {
	const char *to;		/* a valid address (address.h) */
	const char *link;	/* the download link */
	const char *title;	/* the event's name, shown in the message */
	const char *photo;	/* path of the share JPEG, for the thumbnail */
	const char *message_id; /* unique and the same on every attempt, without <> */
	time_t expires;		/* when the link stops working */
	/* Called (may be NULL) the moment the server has accepted the message, before the
	 * connection is closed: the caller records it there, so a crash in the goodbye that
	 * follows does not send it again. On the sending thread. */
	void (*accepted)(void *ctx);
	void *accepted_ctx;
};

/* What became of one attempt, as a mail server's queue sorts it. */
enum pb_mail_fate {
	PB_MAIL_SENT,	     /* the server accepted it */
	PB_MAIL_SERVER_AWAY, /* the same for every message: no connection, a timeout before
			      * the message, login refused, the greeting or MAIL FROM refused,
			      * or a 5xx at RCPT that is about the booth, not the address
			      * (504 5.5.2 EHLO name, 5.7.x relay or login, 530) */
	PB_MAIL_TRY_LATER,   /* this message only, for now: a 4xx at RCPT or DATA, the
			      * connection dropped mid-message, the photo not readable yet */
	PB_MAIL_REFUSED,     /* this message, for good: a 5xx at RCPT or DATA (no such
			      * mailbox, content refused); it would bounce every time */
};

/* Sends m. why says what went wrong, quoting the server's last reply, with the guest's
 * address masked wherever the server repeated it. */
enum pb_mail_fate pb_mail_send(const struct pb_mail_server *srv, const struct pb_mail_message *m,
			       char *why, size_t whylen);

/* The EHLO name: configured if not "", else the host's name when it has a dot, else the
 * domain of from. Strict servers (Postfix's reject_non_fqdn_helo_hostname) refuse a bare
 * host name at RCPT. Any thread; reads the host name. */
void pb_mail_helo(const char *configured, const char *from, char *out, size_t n);

/* Whether an SMTP refusal at RCPT (code and reply) is about the booth (its EHLO name, relay,
 * login, policy) rather than the recipient's address. Pure; any thread. */
int pb_mail_refusal_is_booth(long code, const char *reply);

/* Initialises libcurl once per process (not thread-safe: call from main before threads). */
void pb_mail_global_init(void);
void pb_mail_global_fini(void);

#endif
