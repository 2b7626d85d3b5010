/* delivery.c - see delivery.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "delivery.h"
#include "json.h"
#include "log.h"
#include "mem.h"

static struct pb_print *
start_print(const struct pb_config *c)
{
	char *spool = pb_xasprintf("%s/spool", c->data_dir);
	struct pb_print_config pc = c->print;
	pc.spool_dir = spool;
	pc.poll_ms = 1000;
	struct pb_print *p = pb_print_create(&pc);
	free(spool);
	return p;
}

static struct pb_outbox *
start_outbox(const struct pb_config *c, const char *title)
{
	char *dir = pb_xasprintf("%s/outbox", c->data_dir);
	char *sessions = pb_xasprintf("%s/sessions", c->data_dir);
	struct pb_outbox_config oc = c->mail;
	oc.dir = dir;
	oc.sessions_dir = sessions;
	oc.server.timeout_s = 60;
	oc.title = title;
	oc.retry_first_s = 2;
	struct pb_outbox *o = pb_outbox_create(&oc);
	free(dir);
	free(sessions);
	return o;
}

void
pb_delivery_init(struct pb_delivery_svc *d, int mode)
{
	*d = (struct pb_delivery_svc){ .mode = mode };
}

void
pb_delivery_fini(struct pb_delivery_svc *d)
{
	pb_print_destroy(d->print);   /* spools what was handed over */
	pb_outbox_destroy(d->outbox); /* writes what was handed over */
	pb_gallery_stop(d->gallery);
	pb_publish_destroy(d->publish); /* its queue is on disk already */
	pb_webhook_destroy(d->webhook); /* writes what was handed over */
	d->webhook = NULL;
	d->publish = NULL;
	d->print = NULL;
	d->outbox = NULL;
	d->gallery = NULL;
}

int
pb_delivery_start_sharing(struct pb_delivery_svc *d, const struct pb_config *cfg, const char *title,
			  char *why, size_t whylen)
{
	char err[2048];
	struct pb_gallery_config gc = {
		.listen = cfg->share_listen,
		.data_dir = cfg->data_dir,
		.title = title,
		.public_url = cfg->public_url,
	};

	d->gallery = pb_gallery_start(&gc, err, sizeof(err));
	if (!d->gallery) {
		snprintf(why, whylen, "[share] %s", err);
		return -1;
	}
	if (cfg->mail.server.url[0]) {
		d->outbox = start_outbox(cfg, title);
		if (!d->outbox) {
			snprintf(why, whylen, "the email outbox cannot start (see the log)");
			return -1;
		}
	}
	return 0;
}

/* The booth's id: [publish] booth, else the host name with anything but letters, digits, - and
 * _ made a -. */
static void
booth_id(const struct pb_config *cfg, char *out, size_t n)
{
	char host[256] = "";
	if (cfg->publish.booth[0]) {
		snprintf(out, n, "%s", cfg->publish.booth);
		return;
	}
	if (gethostname(host, sizeof(host) - 1) != 0 || !host[0])
		snprintf(host, sizeof(host), "booth");
	host[strcspn(host, ".")] = '\0';
	for (char *c = host; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", *c))
			*c = '-';
	snprintf(out, n, "%.64s", host);
}

int
pb_delivery_start_publish(struct pb_delivery_svc *d, const struct pb_config *cfg, const char *title,
			  char *why, size_t whylen)
{
	char err[512];
	if (!cfg->publish.store.endpoint[0] || d->publish)
		return 0;
	booth_id(cfg, d->booth_id, sizeof(d->booth_id));
	if (cfg->publish.prefix[0])
		snprintf(d->prefix, sizeof(d->prefix), "%s", cfg->publish.prefix);
	else
		snprintf(d->prefix, sizeof(d->prefix), "%s/%s/", cfg->publish.event, d->booth_id);
	char *dir = pb_xasprintf("%s/publish", cfg->data_dir);
	char *sessions = pb_xasprintf("%s/sessions", cfg->data_dir);
	struct pb_publish_config pc = cfg->publish;
	pc.dir = dir;
	pc.sessions_dir = sessions;
	pc.prefix = d->prefix;
	pc.booth = d->booth_id;
	pc.title = title;
	pc.version = PB_VERSION;
	pc.retry_first_s = 2;
	d->publish = pb_publish_create(&pc, err, sizeof(err));
	free(dir);
	free(sessions);
	if (!d->publish) {
		snprintf(why, whylen, "%s", err);
		return -1;
	}
	return 0;
}

int
pb_delivery_start_webhook(struct pb_delivery_svc *d, const struct pb_config *cfg, char *why,
			  size_t whylen)
{
	if (!cfg->webhook.url[0] || d->webhook)
		return 0;
	if (!d->booth_id[0])
		booth_id(cfg, d->booth_id, sizeof(d->booth_id));
	char *dir = pb_xasprintf("%s/webhook", cfg->data_dir);
	struct pb_webhook_config wc = cfg->webhook;
	wc.dir = dir;
	wc.retry_first_s = 2;
	d->webhook = pb_webhook_create(&wc, why, whylen);
	free(dir);
	return d->webhook ? 0 : -1;
}

void
pb_delivery_finished(struct pb_delivery_svc *d, const struct pb_config *cfg,
		     const struct pb_delivery_done *s)
{
	struct pb_buf b;
	if (!d->webhook)
		return;
	pb_buf_init(&b);
	pb_json_open(&b, NULL);
	pb_json_str(&b, "type", "session.finished");
	pb_json_str(&b, "session", s->session);
	pb_json_str(&b, "event", cfg->publish.event);
	pb_json_str(&b, "booth", d->booth_id);
	pb_json_str(&b, "theme", s->theme);
	pb_json_str(&b, "delivery", s->delivery);
	pb_json_str(&b, "link", s->link[0] ? s->link : NULL);
	pb_json_int(&b, "prints", s->prints);
	pb_json_int(&b, "emails", s->emails);
	if (cfg->webhook_include_email && s->email && s->email[0])
		pb_json_str(&b, "email", s->email);
	pb_json_int(&b, "finished_at", (int64_t)time(NULL));
	pb_json_close(&b);
	if (pb_webhook_post(d->webhook, b.data, b.len) != PB_OK)
		pb_err("session %s: the webhook's delivery was not queued", s->session);
	pb_buf_fini(&b);
}

int
pb_delivery_beat_due(struct pb_delivery_svc *d, uint64_t now)
{
	if (!d->publish || (d->beat_ms && now - d->beat_ms < 2000u))
		return 0;
	d->beat_ms = now;
	return 1;
}

int
pb_delivery_apply(struct pb_delivery_svc *d, const struct pb_config *cfg, const char *title,
		  int mode, char *why, size_t whylen)
{
	if (mode != PB_DELIVERY_PRINT && !d->gallery &&
	    pb_delivery_start_sharing(d, cfg, title, why, whylen) < 0)
		return -1;
	if (mode != PB_DELIVERY_SHARE && !d->print) {
		d->print = start_print(cfg);
		if (!d->print) {
			snprintf(why, whylen, "the print spool cannot start (see the log)");
			return -1;
		}
	}
	d->mode = mode;
	return 0;
}

int
pb_delivery_watch_printer(struct pb_delivery_svc *d, uint64_t now, const char *session)
{
	if (!d->print || now - d->printer_asked_ms < 200)
		return 0;
	d->printer_asked_ms = now;
	pb_print_health(d->print, &d->printer);
	if (session)
		pb_print_position(d->print, session, &d->position);
	else
		d->position = (struct pb_print_position){ 0 };
	return 1;
}

void
pb_delivery_printer_stale(struct pb_delivery_svc *d)
{
	d->printer_asked_ms = 0; /* show the queue position from the next frame on */
}

/* Expired links and their photos, and every session older than retention_hours (print-only
 * ones too, with or without the gallery), go within PURGE_MS of expiring (the worker does
 * it); the first purge runs at start. */
#define PURGE_MS (10u * 60u * 1000u)

int
pb_delivery_purge_due(struct pb_delivery_svc *d, uint64_t now)
{
	if (d->purged_ms && now - d->purged_ms < PURGE_MS)
		return 0;
	d->purged_ms = now;
	return 1;
}

int
pb_delivery_links(const struct pb_delivery_svc *d)
{
	/* print only: no link, even with the gallery kept for earlier guests */
	return d->gallery && d->mode != PB_DELIVERY_PRINT;
}

int
pb_delivery_print_choice(const struct pb_delivery_svc *d)
{
	if (!d->print || d->mode == PB_DELIVERY_SHARE)
		return 0;
	return d->mode == PB_DELIVERY_BOTH ? 2 : 1;
}

const char *
pb_delivery_note(const struct pb_delivery_svc *d, int print_offered)
{
	if (print_offered)
		return "print offered";
	if (d->gallery && d->print)
		return "printer not ready; download link shown";
	if (d->gallery)
		return "download link shown";
	return "printer not ready; photo kept on the booth";
}

void
pb_delivery_link(const struct pb_delivery_svc *d, const struct pb_config *cfg, const char *token,
		 char *out, size_t n)
{
	if (d->publish) /* a link that works off the venue network too */
		pb_publish_link(cfg->publish.public_url, d->prefix, token, out, n);
	else
		snprintf(out, n, "%s/p/%s", cfg->public_url, token);
}
