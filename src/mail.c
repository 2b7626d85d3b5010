#include <curl/curl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "address.h"
#include "compose.h"
#include "file.h"
#include "jpeg.h"
#include "json.h"
#include "log.h"
#include "mail.h"
#include "mem.h"
#include "pngfile.h"
#include "qr.h"

#define THUMB_PX 640   /* the thumbnail's long side */
#define QR_MODULE_PX 6 /* pixels per module of the QR code image in the mail */
#define PHOTO_MAX (32u << 20)

/* libcurl's memory, wiped when freed: its buffers hold the guest's address (RCPT TO, the
 * To: header) and the SMTP password, and a core dump or a later allocation must not find
 * them. malloc_usable_size gives the block's whole size. */
static void
wipe_free(void *p)
{
	if (p) {
		explicit_bzero(p, malloc_usable_size(p));
		free(p);
	}
}

static void *
wipe_realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	size_t old = malloc_usable_size(p);
	if (n && n <= old)
		return p;
	void *q = malloc(n ? n : 1);
	if (!q)
		return NULL;
	memcpy(q, p, old < n ? old : n);
	wipe_free(p);
	return q;
}

void
pb_mail_global_init(void)
{
	curl_global_init_mem(CURL_GLOBAL_DEFAULT, malloc, wipe_free, wipe_realloc, strdup, calloc);
}

void
pb_mail_global_fini(void)
{
	curl_global_cleanup();
}

/* A header value as RFC 2047 encoded-words when it is not plain printable ASCII. */
static void
header_text(struct pb_buf *b, const char *s)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	int plain = 1;
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			plain = 0;
	if (plain) {
		pb_buf_append(b, s, n);
		return;
	}
	/* 45 bytes per word: 60 characters of base64, under the 75 an encoded-word may have.
	 * A word never splits a UTF-8 character. */
	for (size_t i = 0; i < n;) {
		size_t len = n - i < 45 ? n - i : 45;
		while (i + len < n && ((unsigned char)s[i + len] & 0xc0) == 0x80)
			len--;
		pb_buf_printf(b, "%s=?UTF-8?B?", i ? "\r\n " : "");
		for (size_t j = 0; j < len; j += 3) {
			unsigned v = (unsigned char)s[i + j] << 16;
			if (j + 1 < len)
				v |= (unsigned char)s[i + j + 1] << 8;
			if (j + 2 < len)
				v |= (unsigned char)s[i + j + 2];
			char q[4] = { b64[v >> 18], b64[(v >> 12) & 63],
				      j + 1 < len ? b64[(v >> 6) & 63] : '=',
				      j + 2 < len ? b64[v & 63] : '=' };
			pb_buf_append(b, q, 4);
		}
		pb_buf_append(b, "?=", 2);
		i += len;
	}
}

/* The photo at THUMB_PX on the long side, as JPEG. */
static enum pb_status
thumbnail(const char *path, unsigned char **out, size_t *len, char *why, size_t whylen)
{
	unsigned char *data = NULL;
	size_t n = 0;
	struct pb_jpeg *j = pb_jpeg_create();
	struct pb_image *full = NULL, *small = NULL;
	enum pb_status st = pb_file_read(path, PHOTO_MAX, &data, &n);

	if (st != PB_OK)
		snprintf(why, whylen, "the photo %s cannot be read", path);
	if (st == PB_OK) {
		/* at least THUMB_PX, then down to it: a DCT scale alone stops short (600 of a
		 * 1600 px share.jpg) */
		st = pb_jpeg_decode(j, data, n, THUMB_PX, THUMB_PX, &full);
		if (st != PB_OK)
			snprintf(why, whylen, "the photo %s cannot be decoded: %s", path,
				 pb_jpeg_error(j));
	}
	if (st == PB_OK)
		st = pb_image_scale_fit(full, THUMB_PX, THUMB_PX, &small);
	if (st == PB_OK)
		st = pb_jpeg_encode(j, small, 82, 0, out, len);
	if (st != PB_OK && !*why)
		snprintf(why, whylen, "no thumbnail of %s: %s", path, pb_status_str(st));
	pb_image_destroy(small);
	pb_image_destroy(full);
	pb_jpeg_destroy(j);
	free(data);
	return st == PB_ERR_NOMEM ? st : st ? PB_ERR_INPUT : PB_OK;
}

static enum pb_status
qr_png(const char *link, unsigned char **out, size_t *len)
{
	struct pb_image *qr = NULL, *big = NULL;
	enum pb_status st = pb_qr_encode(link, &qr);

	if (st == PB_OK)
		st = pb_image_create(qr->width * QR_MODULE_PX, qr->height * QR_MODULE_PX,
				     0xffffffffu, &big);
	if (st == PB_OK) {
		for (int y = 0; y < big->height; y++) {
			uint32_t *d = pb_image_row(big, y), *s = pb_image_row(qr, y / QR_MODULE_PX);
			for (int x = 0; x < big->width; x++)
				d[x] = s[x / QR_MODULE_PX];
		}
		st = pb_png_encode(big, out, len);
	}
	pb_image_destroy(big);
	pb_image_destroy(qr);
	return st;
}

static void
text_body(struct pb_buf *b, const struct pb_mail_message *m, const char *until)
{
	pb_buf_printf(b,
		      "Hello!\r\n\r\n"
		      "Here is your photo from %s.\r\n\r\n"
		      "Download it here:\r\n%s\r\n\r\n"
		      "The link works until %s; after that the photo is deleted.\r\n\r\n"
		      "You get this email because you typed your address at the photo booth. "
		      "We use it only to send this photo.\r\n",
		      m->title, m->link, until);
}

static void
html_body(struct pb_buf *b, const struct pb_mail_message *m, const char *until, const char *ids)
{
	pb_buf_printf(b, "<!DOCTYPE html>\r\n<html><head><meta charset=\"utf-8\">"
			 "<meta name=\"viewport\" content=\"width=device-width\"></head>\r\n"
			 "<body style=\"margin:0;padding:24px;background:#f2f2f4;"
			 "font-family:Helvetica,Arial,sans-serif;color:#222\">\r\n"
			 "<table role=\"presentation\" width=\"100%%\" cellpadding=\"0\" "
			 "cellspacing=\"0\"><tr><td align=\"center\">\r\n"
			 "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" "
			 "style=\"max-width:520px;width:100%%;background:#fff;border-radius:12px\">"
			 "\r\n<tr><td style=\"padding:24px;text-align:center\">\r\n<h1 style=\""
			 "font-size:22px;margin:0 0 16px\">");
	pb_buf_html(b, m->title);
	pb_buf_printf(b,
		      "</h1>\r\n<img src=\"cid:photo.%s\" alt=\"Your photo\" width=\"472\" "
		      "style=\"width:100%%;max-width:472px;height:auto;border:0\">\r\n"
		      "<p style=\"margin:24px 0\"><a href=\"",
		      ids);
	pb_buf_html(b, m->link);
	pb_buf_printf(b,
		      "\" style=\"display:inline-block;padding:14px 28px;background:#ff9900;"
		      "color:#fff;font-weight:bold;text-decoration:none;border-radius:24px\">"
		      "Download your photo</a></p>\r\n"
		      "<p style=\"font-size:13px;color:#666\">Or scan this code with your phone:"
		      "</p>\r\n<img src=\"cid:qr.%s\" alt=\"QR code of the download link\" "
		      "width=\"160\" height=\"160\" style=\"border:0\">\r\n"
		      "<p style=\"font-size:12px;color:#888\">The link works until ",
		      ids);
	pb_buf_html(b, until);
	pb_buf_printf(b, "; after that the photo is deleted.<br>You get this email because you "
			 "typed your address at the photo booth. We use it only to send this photo."
			 "</p>\r\n</td></tr></table>\r\n</td></tr></table>\r\n</body></html>\r\n");
}

static int
add_part(curl_mime *mime, const char *type, const void *data, size_t len, const char *encoder,
	 struct curl_slist *headers)
{
	curl_mimepart *p = curl_mime_addpart(mime);
	return !p || curl_mime_data(p, data, len) || curl_mime_type(p, type) ||
	       (encoder && curl_mime_encoder(p, encoder)) ||
	       (headers && curl_mime_headers(p, headers, 1));
}

static int
progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	const struct pb_mail_server *srv = ctx;
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return srv->cancelled && srv->cancelled(srv->cancel_ctx);
}

/* The SMTP dialogue as libcurl sees it: the last command sent and the server's last reply
 * line, so a failure can say which step failed and quote the server. */
struct dialogue {
	char cmd[8];	 /* "MAIL", "RCPT", "DATA", "AUTH", ... ; "" before the first */
	char reply[200]; /* the last reply line, without its line break */
	int quitting;	 /* QUIT sent: what follows is the goodbye */
};

static int
on_debug(CURL *c, curl_infotype type, char *data, size_t size, void *ctx)
{
	struct dialogue *d = ctx;
	(void)c;
	if (d->quitting)
		return 0; /* the goodbye after a failure says nothing about it */
	if (type == CURLINFO_HEADER_OUT && size >= 4 && !strncmp(data, "QUIT", 4)) {
		d->quitting = 1;
	} else if (type == CURLINFO_HEADER_OUT && size >= 4) {
		size_t n = strcspn(data, " \r\n");
		if (n > size)
			n = size;
		if (n >= sizeof(d->cmd))
			n = sizeof(d->cmd) - 1;
		memcpy(d->cmd, data, n);
		d->cmd[n] = '\0';
	} else if (type == CURLINFO_HEADER_IN) {
		size_t n = 0;
		while (n < size && n < sizeof(d->reply) - 1 && data[n] != '\r' && data[n] != '\n')
			n++;
		memcpy(d->reply, data, n);
		d->reply[n] = '\0';
		for (size_t i = 0; i < n; i++) /* the server's words go to logs and screens */
			if ((unsigned char)d->reply[i] < 0x20 || (unsigned char)d->reply[i] >= 0x7f)
				d->reply[i] = '?';
	}
	return 0;
}

/* why, with every copy of the guest's address in the server's words masked. */
static void
quote_masked(char *why, size_t whylen, const char *prefix, const char *words, const char *to)
{
	char masked[PB_ADDRESS_MAX + 8];
	size_t tl = strlen(to), o = 0;
	pb_address_mask(to, masked, sizeof(masked));
	o = (size_t)snprintf(why, whylen, "%s", prefix);
	for (const char *p = words; *p && o + 1 < whylen;) {
		if (tl && !strncasecmp(p, to, tl)) {
			o += (size_t)snprintf(why + o, whylen - o, "%s", masked);
			p += tl;
		} else {
			why[o++] = *p++;
			why[o] = '\0';
		}
	}
	if (o >= whylen)
		why[whylen - 1] = '\0';
}

void
pb_mail_helo(const char *configured, const char *from, char *out, size_t n)
{
	char host[256] = "";
	const char *at = from ? strrchr(from, '@') : NULL;

	if (configured && *configured) {
		snprintf(out, n, "%s", configured);
		return;
	}
	if (gethostname(host, sizeof(host) - 1) == 0 && pb_address_domain_valid(host)) {
		snprintf(out, n, "%s", host);
		return;
	}
	/* a Pi is "photobooth": the sender's domain is a name the mail server can check */
	if (at && pb_address_domain_valid(at + 1))
		snprintf(out, n, "%s", at + 1);
	else
		snprintf(out, n, "localhost.localdomain");
}

int
pb_mail_refusal_is_booth(long code, const char *reply)
{
	const char *p = reply;
	int cls = 0, subject = -1, detail = -1;

	/* the enhanced status code (RFC 3463) after the three digits: 5.S.D */
	while (*p && *p >= '0' && *p <= '9')
		p++;
	while (*p == ' ' || *p == '-')
		p++;
	if (sscanf(p, "%d.%d.%d", &cls, &subject, &detail) == 3 && cls >= 4 && cls <= 5) {
		if (subject == 1) /* addressing: the recipient, unless it is the sender (5.1.7/8) */
			return detail == 7 || detail == 8;
		if (subject == 2 || subject == 4) /* the mailbox, or routing to its domain */
			return 0;
		return 1; /* 5.3 system, 5.5 protocol (EHLO), 5.6 content, 5.7 policy: the booth */
	}
	/* no enhanced code: 530/535/538 login, 504 parameter, 521 no mail at all */
	return code == 530 || code == 535 || code == 538 || code == 504 || code == 521;
}

static enum pb_mail_fate
classify(CURL *c, CURLcode rc, const char *errbuf, const struct dialogue *d, const char *to,
	 char *why, size_t whylen)
{
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	const char *detail = *errbuf ? errbuf : curl_easy_strerror(rc);
	int for_message = !strcmp(d->cmd, "RCPT") || !strcmp(d->cmd, "DATA");
	char prefix[160];

	if (rc == CURLE_LOGIN_DENIED) {
		quote_masked(why, whylen, "SMTP login refused: ", *d->reply ? d->reply : detail,
			     to);
		return PB_MAIL_SERVER_AWAY;
	}
	if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
	    (rc == CURLE_OPERATION_TIMEDOUT && !for_message)) {
		snprintf(why, whylen, "SMTP server unreachable: %s", detail);
		return PB_MAIL_SERVER_AWAY;
	}
	if (!strcmp(d->cmd, "RCPT") && code >= 500 && code < 600 &&
	    pb_mail_refusal_is_booth(code, d->reply)) {
		/* every guest would get the same answer: the booth is at fault, not the address */
		snprintf(prefix, sizeof(prefix),
			 "SMTP server refuses the booth at RCPT (check [mail] helo_name, from, "
			 "username, relay): ");
		quote_masked(why, whylen, prefix, *d->reply ? d->reply : detail, to);
		return PB_MAIL_SERVER_AWAY;
	}
	if (for_message && code >= 500 && code < 600) {
		/* the server will never take this message (no such mailbox, refused content):
		 * a bounce, as a mail server's queue treats it */
		snprintf(prefix, sizeof(prefix), "SMTP server refused the message at %s: ", d->cmd);
		quote_masked(why, whylen, prefix, *d->reply ? d->reply : detail, to);
		return PB_MAIL_REFUSED;
	}
	if (for_message) {
		/* 4xx for this recipient or message (greylisting, a full mailbox), or the
		 * connection dropped mid-message: this message waits, the others go on */
		snprintf(prefix, sizeof(prefix),
			 "SMTP server deferred the message at %s: ", d->cmd);
		quote_masked(why, whylen, prefix, code >= 400 && *d->reply ? d->reply : detail, to);
		return PB_MAIL_TRY_LATER;
	}
	/* the greeting, EHLO, STARTTLS or MAIL FROM failed: the same for every message */
	if (code >= 400)
		snprintf(prefix, sizeof(prefix), "SMTP server refused%s%s: ", *d->cmd ? " " : "",
			 d->cmd);
	else
		snprintf(prefix, sizeof(prefix), "SMTP: ");
	quote_masked(why, whylen, prefix, code >= 400 && *d->reply ? d->reply : detail, to);
	return PB_MAIL_SERVER_AWAY;
}

enum pb_mail_fate
pb_mail_send(const struct pb_mail_server *srv, const struct pb_mail_message *m, char *why,
	     size_t whylen)
{
	struct dialogue dlg = { "", "", 0 };
	enum pb_mail_fate fate = PB_MAIL_TRY_LATER;
	unsigned char *thumb = NULL, *qr = NULL;
	size_t thumb_len = 0, qr_len = 0;
	char until[64], date[64], ids[96], errbuf[CURL_ERROR_SIZE] = "";
	struct pb_buf text, html, hdr, url;
	struct curl_slist *headers = NULL, *rcpt = NULL, *photo_h = NULL, *qr_h = NULL;
	curl_mime *top = NULL, *related = NULL, *alt = NULL;
	curl_mimepart *part;
	CURL *c = NULL;
	enum pb_status st;
	struct tm tm;
	time_t now = time(NULL);

	*why = '\0';
	st = thumbnail(m->photo, &thumb, &thumb_len, why, whylen);
	if (st != PB_OK)
		return PB_MAIL_TRY_LATER;
	if (qr_png(m->link, &qr, &qr_len) != PB_OK) {
		snprintf(why, whylen, "no QR code for the link");
		free(thumb);
		return PB_MAIL_TRY_LATER;
	}
	strftime(until, sizeof(until), "%Y-%m-%d %H:%M UTC", gmtime_r(&m->expires, &tm));
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", gmtime_r(&now, &tm));
	/* Content-IDs unique to this message, so clients never mix two booths' photos up */
	snprintf(ids, sizeof(ids), "%s", m->message_id);
	pb_buf_init(&text);
	pb_buf_init(&html);
	pb_buf_init(&hdr);
	pb_buf_init(&url);
	text_body(&text, m, until);
	html_body(&html, m, until, ids);

	c = curl_easy_init();
	if (!c) {
		snprintf(why, whylen, "libcurl: no handle");
		st = PB_ERR_NOMEM;
		goto out;
	}
	pb_buf_printf(&hdr, "Date: %s", date);
	headers = curl_slist_append(headers, hdr.data);
	hdr.len = 0;
	pb_buf_printf(&hdr, "From: %s", srv->from);
	headers = curl_slist_append(headers, hdr.data);
	hdr.len = 0;
	pb_buf_printf(&hdr, "To: %s", m->to);
	headers = curl_slist_append(headers, hdr.data);
	explicit_bzero(hdr.data, hdr.len); /* the address: only in curl's (wiped) memory */
	if (srv->reply_to && *srv->reply_to) {
		hdr.len = 0;
		pb_buf_printf(&hdr, "Reply-To: %s", srv->reply_to);
		headers = curl_slist_append(headers, hdr.data);
	}
	hdr.len = 0;
	pb_buf_printf(&hdr, "Subject: ");
	header_text(&hdr, srv->subject);
	headers = curl_slist_append(headers, hdr.data);
	hdr.len = 0;
	pb_buf_printf(&hdr, "Message-ID: <%s>", m->message_id);
	headers = curl_slist_append(headers, hdr.data);
	hdr.len = 0;
	pb_buf_printf(&hdr, "Content-ID: <photo.%s>", ids);
	photo_h = curl_slist_append(photo_h, hdr.data);
	photo_h = curl_slist_append(photo_h, "Content-Disposition: inline; filename=\"photo.jpg\"");
	hdr.len = 0;
	pb_buf_printf(&hdr, "Content-ID: <qr.%s>", ids);
	qr_h = curl_slist_append(qr_h, hdr.data);
	qr_h = curl_slist_append(qr_h, "Content-Disposition: inline; filename=\"qr.png\"");
	rcpt = curl_slist_append(rcpt, m->to);

	/* top (mixed) > related > { alternative > { text, html }, photo, qr } */
	top = curl_mime_init(c);
	related = curl_mime_init(c);
	alt = curl_mime_init(c);
	int bad = !top || !related || !alt;
	bad = bad || add_part(alt, "text/plain; charset=utf-8", text.data, text.len,
			      "quoted-printable", NULL);
	bad = bad || add_part(alt, "text/html; charset=utf-8", html.data, html.len,
			      "quoted-printable", NULL);
	part = bad ? NULL : curl_mime_addpart(related);
	bad = bad || !part || curl_mime_subparts(part, alt) ||
	      curl_mime_type(part, "multipart/alternative");
	if (!bad)
		alt = NULL; /* the part owns it now */
	bad = bad || add_part(related, "image/jpeg", thumb, thumb_len, "base64", photo_h);
	photo_h = bad ? photo_h : NULL;
	bad = bad || add_part(related, "image/png", qr, qr_len, "base64", qr_h);
	qr_h = bad ? qr_h : NULL;
	part = bad ? NULL : curl_mime_addpart(top);
	bad = bad || !part || curl_mime_subparts(part, related) ||
	      curl_mime_type(part, "multipart/related");
	if (!bad)
		related = NULL;
	if (bad || !headers || !rcpt) {
		snprintf(why, whylen, "libcurl could not build the message");
		st = PB_ERR_NOMEM;
		goto out;
	}

	/* libcurl says EHLO with the URL's path, or else the bare host name: smtp://host/name */
	const char *host = strstr(srv->url, "://");
	host = host ? host + 3 : srv->url;
	const char *path = strchr(host, '/');
	if (path && path[1])
		pb_buf_printf(&url, "%s", srv->url); /* the operator's own EHLO name */
	else
		pb_buf_printf(&url, "%.*s/%s",
			      (int)(path ? path - srv->url : (long)strlen(srv->url)), srv->url,
			      srv->helo && *srv->helo ? srv->helo : "localhost.localdomain");
	curl_easy_setopt(c, CURLOPT_URL, url.data);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, srv->from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, top);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(c, CURLOPT_DEBUGDATA, &dlg);
	curl_easy_setopt(c, CURLOPT_VERBOSE, 1L); /* to on_debug only */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)(srv->timeout_s > 0 ? srv->timeout_s : 60));
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)srv);
	if (!strncmp(srv->url, "smtp://", 7))
		curl_easy_setopt(c, CURLOPT_USE_SSL,
				 (long)(srv->starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
	if (srv->username && *srv->username) {
		curl_easy_setopt(c, CURLOPT_USERNAME, srv->username);
		curl_easy_setopt(c, CURLOPT_PASSWORD, srv->password ? srv->password : "");
	}
	CURLcode rc = curl_easy_perform(c);
	fate = rc == CURLE_OK ? PB_MAIL_SENT : classify(c, rc, errbuf, &dlg, m->to, why, whylen);
	if (fate == PB_MAIL_SENT && m->accepted)
		m->accepted(m->accepted_ctx); /* before QUIT, which curl_easy_cleanup sends */
out:
	curl_mime_free(alt);
	curl_mime_free(related);
	curl_mime_free(top);
	curl_slist_free_all(headers);
	curl_slist_free_all(rcpt);
	curl_slist_free_all(photo_h);
	curl_slist_free_all(qr_h);
	curl_easy_cleanup(c);
	pb_buf_fini(&text);
	pb_buf_fini(&html);
	pb_buf_fini(&hdr);
	pb_buf_fini(&url);
	explicit_bzero(&dlg, sizeof(dlg)); /* the server may have repeated the address */
	free(thumb);
	free(qr);
	return fate;
}
