/* delivery_session.c - the door a guest's session goes through after review (delivery.h):
 * the download link (token, address, QR code), its record and its cloud promise, the prints,
 * the email, the link purge, the publisher's heartbeat. The shell calls these and never the
 * services behind them. Main thread, except where a function says any thread. */
#include <stdio.h>
#include <time.h>

#include "delivery.h"
#include "log.h"
#include "qr.h"
#include "share.h"

enum pb_status
pb_delivery_new_link(const struct pb_delivery_svc *d, const struct pb_config *cfg,
		     char token[PB_TOKEN_LEN + 1], char *link, size_t n, struct pb_image **qr)
{
	*qr = NULL;
	link[0] = '\0';
	if (pb_share_token(token) != PB_OK) {
		token[0] = '\0';
		return PB_ERR_IO;
	}
	pb_delivery_link(d, cfg, token, link, n);
	if (pb_qr_encode(link, qr) != PB_OK)
		*qr = NULL;
	return PB_OK;
}

enum pb_status
pb_delivery_record_link(struct pb_publish *publish, const char *data_dir, const char *token,
			const char *session, time_t expires, const char *language)
{
	enum pb_status st = pb_share_link_write(data_dir, token, session, expires, language);
	if (st != PB_OK)
		return st;
	pb_info("session %s: download link %.4s… valid until %lld", session, token,
		(long long)expires);
	/* the cloud copy's promise, before the guest can use the link */
	pb_publish_promise(publish, token, session, expires, language);
	return PB_OK;
}

/* A link gone at the booth: its published copies go too. */
static void
unpublish(void *ctx, const char *token)
{
	pb_publish_forget(ctx, token);
}

int
pb_delivery_purge_links(struct pb_publish *publish, const char *data_dir, time_t now)
{
	return pb_share_purge(data_dir, now, unpublish, publish);
}

int
pb_delivery_owed(const char *data_dir)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/outbox", data_dir);
	return pb_share_any_link(data_dir) || pb_outbox_waiting(path);
}

void
pb_delivery_print(struct pb_delivery_svc *d, const char *session, const char *photo, int copies)
{
	pb_print_submit(d->print, session, photo, copies);
	pb_delivery_printer_stale(d); /* the queue position, from the next frame */
}

enum pb_status
pb_delivery_email(struct pb_delivery_svc *d, const char *to, const char *session, const char *link,
		  time_t expires)
{
	return pb_outbox_add(d->outbox, to, session, link, expires);
}

enum pb_outbox_limit
pb_delivery_email_limit(struct pb_delivery_svc *d, const char *to)
{
	return d->outbox ? pb_outbox_limit(d->outbox, to) : PB_LIMIT_NONE;
}

unsigned
pb_delivery_downloads(struct pb_delivery_svc *d)
{
	return pb_gallery_opened(d->gallery);
}

void
pb_delivery_beat(struct pb_delivery_svc *d, const char *status_json,
		 const struct pb_publish_counts *n)
{
	pb_publish_beat(d->publish, status_json, n);
}
