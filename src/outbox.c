/* outbox.c - the email channel (outbox.h): a send queue (sendq.h) in data_dir/outbox whose
 * jobs are messages, sent by SMTP (mail.h), and the guests' hourly limits. The queue owns the
 * files, the thread, the backoff and the dead letters; this file owns what a message is, what
 * the server's answer means, and the counts of guests turned away (under its own lock).
 * pb_outbox_create and _destroy on the main thread; the sending on the queue's thread; the
 * rest any thread, never waiting on the network. */
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "address.h"
#include "clock.h"
#include "file.h"
#include "log.h"
#include "mem.h"
#include "outbox.h"
#include "sendq.h"

#define MSG_MAX 4096 /* a message is a few lines; anything bigger is not ours */

/* One message: what its job body says. */
struct msg {
	char to[PB_ADDRESS_MAX + 1];
	char session[64];
	char link[512];
	long long created, expires;
};

struct pb_outbox {
	struct pb_sendq *q;
	char *sessions_dir, *title;
	char *url, *username, *password, *from, *helo, *reply_to, *subject;
	struct pb_mail_server server;
	char domain[128]; /* for Message-IDs: the sender's domain */
	int stop;	  /* cuts an SMTP transfer short at pb_outbox_destroy */

	/* the rate limits, under lock: the last sends, a ring of (time, salted hash of the
	 * address) */
	pthread_mutex_t lock;
	unsigned limited_booth, limited_address;
	int per_address, per_booth;
	uint64_t salt;
	struct recent {
		time_t t;
		uint64_t h;
	} * recent;
	size_t nrecent, ring;
};

/* Messages */

/* Whether s can be a session id (and so a folder name). */
static int
session_ok(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n < 64 && s[0] != '.' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == n;
}

static int
field(const char *line, size_t len, const char *key, char *out, size_t n)
{
	size_t k = strlen(key);
	if (len <= k || strncmp(line, key, k) || line[k] != '=' || len - k - 1 >= n)
		return 0;
	memcpy(out, line + k + 1, len - k - 1);
	out[len - k - 1] = '\0';
	return 1;
}

/* Parses a message body (to=, session=, link=, created=, expires= lines; a dead letter
 * written before the send queue also has failed= and error=). 1 when every field is there
 * and checks out. */
static int
msg_parse(const char *body, size_t len, struct msg *m)
{
	char num[32];
	int have = 0;
	memset(m, 0, sizeof(*m));
	if (len >= MSG_MAX || strlen(body) != len)
		return 0;
	for (const char *line = body, *end; *line; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		size_t l = (size_t)(end - line);
		if (field(line, l, "to", m->to, sizeof(m->to)))
			have |= 1;
		else if (field(line, l, "session", m->session, sizeof(m->session)))
			have |= 2;
		else if (field(line, l, "link", m->link, sizeof(m->link)))
			have |= 4;
		else if (field(line, l, "created", num, sizeof(num)))
			m->created = strtoll(num, NULL, 10), have |= 8;
		else if (field(line, l, "expires", num, sizeof(num)))
			m->expires = strtoll(num, NULL, 10), have |= 16;
	}
	return have == 31 && pb_address_check(m->to) == PB_ADDR_OK && session_ok(m->session) &&
	       !strncmp(m->link, "http", 4);
}

static int
describe(void *ctx, const char *body, size_t len, struct pb_send_facts *f)
{
	(void)ctx;
	struct msg m;
	int ok = msg_parse(body, len, &m);
	if (ok) {
		pb_address_mask(m.to, f->label, sizeof(f->label));
		snprintf(f->about, sizeof(f->about), "%s", m.session);
		f->created = m.created;
		f->expires = m.expires; /* its photo is deleted by then */
	}
	explicit_bzero(m.to, sizeof(m.to));
	return ok;
}

/* Sending, on the queue's thread */

static int
cancelled(void *ctx)
{
	struct pb_outbox *o = ctx;
	return __atomic_load_n(&o->stop, __ATOMIC_RELAXED);
}

/* The server's "250": the sent marker at once, before QUIT. */
static void
accepted(void *ctx)
{
	struct pb_outbox *o = ctx;
	pb_sendq_accepted(o->q);
}

static enum pb_send_result
send_msg(void *ctx, const char *id, const char *body, size_t len, char *why, size_t n)
{
	struct pb_outbox *o = ctx;
	char masked[PB_ADDRESS_MAX + 8], photo[PATH_MAX], mid[200];
	struct msg m;
	if (!msg_parse(body, len, &m)) {
		snprintf(why, n, "not a message");
		return PB_SEND_DEAD;
	}
	pb_address_mask(m.to, masked, sizeof(masked));
	snprintf(photo, sizeof(photo), "%s/%s/share.jpg", o->sessions_dir, m.session);
	snprintf(mid, sizeof(mid), "%s@%s", id, o->domain); /* the same on every try */
	struct pb_mail_message mm = {
		.to = m.to,
		.link = m.link,
		.title = o->title,
		.photo = photo,
		.message_id = mid,
		.expires = (time_t)m.expires,
		.accepted = accepted,
		.accepted_ctx = o,
	};
	uint64_t t0 = pb_now_ms();
	enum pb_mail_fate fate = pb_mail_send(&o->server, &mm, why, n);
	explicit_bzero(m.to, sizeof(m.to));
	switch (fate) {
	case PB_MAIL_SENT:
		pb_info("outbox: %s sent to %s in %llu ms (session %s)", id, masked,
			(unsigned long long)(pb_now_ms() - t0), m.session);
		return PB_SEND_OK;
	case PB_MAIL_REFUSED:
		pb_err("outbox: %s to %s refused for good, moved to the dead letters (session %s): "
		       "%s",
		       id, masked, m.session, why);
		return PB_SEND_DEAD;
	case PB_MAIL_TRY_LATER:
		if (!cancelled(o))
			pb_warn("outbox: %s to %s not sent, it waits, others go on: %s", id, masked,
				why);
		return PB_SEND_RETRY;
	case PB_MAIL_SERVER_AWAY:
		break;
	}
	if (!cancelled(o))
		pb_warn("outbox: %s to %s not sent, every message waits: %s", id, masked, why);
	return PB_SEND_BLOCKED;
}

/* The API */

static char *
read_password(const char *path)
{
	unsigned char *data = NULL;
	size_t len = 0;
	if (!path || !*path)
		return pb_xstrdup("");
	if (pb_file_read(path, 4096, &data, &len) != PB_OK) {
		pb_err("[mail] password_file %s cannot be read; logging in without a password",
		       path);
		return pb_xstrdup("");
	}
	data[strcspn((char *)data, "\r\n")] = '\0';
	return (char *)data;
}

struct pb_outbox *
pb_outbox_create(const struct pb_outbox_config *cfg)
{
	struct pb_outbox *o = pb_xcalloc(1, sizeof(*o));
	char helo[256], why[300];
	o->sessions_dir = pb_xstrdup(cfg->sessions_dir);
	o->title = pb_xstrdup(cfg->title ? cfg->title : "the event");
	o->url = pb_xstrdup(cfg->server.url);
	o->username = pb_xstrdup(cfg->server.username ? cfg->server.username : "");
	o->password = read_password(cfg->password_file);
	o->from = pb_xstrdup(cfg->server.from);
	pb_mail_helo(cfg->server.helo, o->from, helo, sizeof(helo));
	o->helo = pb_xstrdup(helo);
	o->reply_to = pb_xstrdup(cfg->server.reply_to ? cfg->server.reply_to : "");
	o->subject = pb_xstrdup(cfg->server.subject ? cfg->server.subject : "Your photo");
	o->server = cfg->server;
	o->server.url = o->url;
	o->server.username = o->username;
	o->server.password = o->password;
	o->server.from = o->from;
	o->server.helo = o->helo;
	o->server.reply_to = o->reply_to;
	o->server.subject = o->subject;
	o->server.cancelled = cancelled;
	o->server.cancel_ctx = o;
	o->per_address = cfg->per_address_per_hour > 0 ? cfg->per_address_per_hour : 0;
	o->per_booth = cfg->per_booth_per_hour > 0 ? cfg->per_booth_per_hour : 0;
	o->ring = o->per_booth ? (size_t)o->per_booth : o->per_address ? 1000 : 0;
	o->recent = o->ring ? pb_xcalloc(o->ring, sizeof(*o->recent)) : NULL;
	if (getrandom(&o->salt, sizeof(o->salt), GRND_NONBLOCK) != (ssize_t)sizeof(o->salt))
		o->salt = (uint64_t)pb_now_ms() * 0x9e3779b97f4a7c15ull;
	const char *at = strchr(o->from, '@');
	snprintf(o->domain, sizeof(o->domain), "%s", at ? at + 1 : "photobooth.invalid");
	pthread_mutex_init(&o->lock, NULL);

	int first = cfg->retry_first_s > 0 ? cfg->retry_first_s : 2;
	struct pb_sendq_config qc = {
		.name = "email",
		.dir = cfg->dir,
		.ext = "msg",
		.send = send_msg,
		.describe = describe,
		.ctx = o,
		.retry_first_s = first,
		.retry_max_s = cfg->retry_max_s >= first ? cfg->retry_max_s : first,
	};
	o->q = pb_sendq_open(&qc, why, sizeof(why));
	if (!o->q) {
		pb_err("outbox: %s", why);
		pb_outbox_destroy(o);
		return NULL;
	}
	struct pb_sendq_stats st;
	pb_sendq_stats(o->q, &st);
	if (st.dead)
		pb_warn("outbox: %d dead letter%s the server refused for good (photoboothctl "
			"outbox)",
			st.dead, st.dead == 1 ? "" : "s");
	if (st.depth)
		pb_info("outbox: %d message%s waiting from before", st.depth,
			st.depth == 1 ? "" : "s");
	return o;
}

void
pb_outbox_destroy(struct pb_outbox *o)
{
	if (!o)
		return;
	__atomic_store_n(&o->stop, 1, __ATOMIC_RELAXED);
	pb_sendq_close(o->q); /* writes what was handed over */
	pthread_mutex_destroy(&o->lock);
	explicit_bzero(o->password, strlen(o->password));
	free(o->password);
	free(o->recent);
	free(o->sessions_dir);
	free(o->title);
	free(o->url);
	free(o->username);
	free(o->from);
	free(o->helo);
	free(o->reply_to);
	free(o->subject);
	free(o);
}

/* FNV-1a of the address's mailbox (victim+1@ and v.ictim@gmail.com are victim@gmail.com),
 * keyed by a random salt drawn at start */
static uint64_t
address_hash(const struct pb_outbox *o, const char *to)
{
	uint64_t h = 1469598103934665603ull ^ o->salt;
	char box[320];
	pb_address_mailbox(to, box, sizeof(box));
	for (const unsigned char *p = (const unsigned char *)box; *p; p++) {
		h ^= (uint64_t)*p;
		h *= 1099511628211ull;
	}
	explicit_bzero(box, sizeof(box));
	return h;
}

/* Under the lock. */
static enum pb_outbox_limit
over_limit(const struct pb_outbox *o, uint64_t h, time_t now)
{
	int booth = 0, address = 0;
	for (size_t i = 0; i < o->nrecent; i++) {
		if (now - o->recent[i].t >= 3600)
			continue;
		booth++;
		address += o->recent[i].h == h;
	}
	if (o->per_booth && booth >= o->per_booth)
		return PB_LIMIT_BOOTH;
	if (o->per_address && address >= o->per_address)
		return PB_LIMIT_ADDRESS;
	return PB_LIMIT_NONE;
}

enum pb_outbox_limit
pb_outbox_limit(struct pb_outbox *o, const char *to)
{
	pthread_mutex_lock(&o->lock);
	enum pb_outbox_limit l = over_limit(o, address_hash(o, to), time(NULL));
	if (l == PB_LIMIT_BOOTH)
		o->limited_booth++;
	else if (l == PB_LIMIT_ADDRESS)
		o->limited_address++;
	pthread_mutex_unlock(&o->lock);
	return l;
}

/* Under the lock: one more send to count. The ring holds the booth's limit (or 1000 sends
 * when it has none), which covers the address limit too. */
static void
count_send(struct pb_outbox *o, const char *to, time_t now)
{
	if (!o->ring)
		return;
	struct recent r = { now, address_hash(o, to) };
	if (o->nrecent < o->ring) {
		o->recent[o->nrecent++] = r;
		return;
	}
	size_t oldest = 0;
	for (size_t i = 1; i < o->nrecent; i++)
		if (o->recent[i].t < o->recent[oldest].t)
			oldest = i;
	o->recent[oldest] = r;
}

enum pb_status
pb_outbox_add(struct pb_outbox *o, const char *to, const char *session, const char *link,
	      time_t expires)
{
	char text[MSG_MAX]; /* on the stack, wiped after: the job is the one copy */
	time_t now = time(NULL);
	if (pb_address_check(to) != PB_ADDR_OK || !session_ok(session) || strlen(link) >= 512 ||
	    strchr(link, '\n'))
		return PB_ERR_INPUT;
	int n = snprintf(text, sizeof(text),
			 "to=%s\nsession=%s\nlink=%s\ncreated=%lld\nexpires=%lld\n", to, session,
			 link, (long long)now, (long long)expires);
	enum pb_status st = n > 0 && (size_t)n < sizeof(text)
				    ? pb_sendq_add(o->q, text, (size_t)n, NULL)
				    : PB_ERR_INPUT;
	explicit_bzero(text, sizeof(text));
	if (st == PB_OK) {
		pthread_mutex_lock(&o->lock);
		count_send(o, to, now);
		pthread_mutex_unlock(&o->lock);
	}
	return st;
}

void
pb_outbox_stats(struct pb_outbox *o, struct pb_outbox_stats *out)
{
	struct pb_sendq_stats s;
	pb_sendq_stats(o->q, &s);
	memset(out, 0, sizeof(*out));
	out->depth = s.depth;
	out->oldest_age_s = s.oldest_age_s;
	out->retry_in_s = s.blocked_in_s; /* a message's own wait is in its listing */
	out->sent = s.sent;
	out->failures = s.failures;
	out->expired = s.expired;
	out->unsaved = s.unsaved;
	memcpy(out->last_error, s.last_error, sizeof(out->last_error));
	out->dead = s.dead;
	out->refused = s.refused;
	memcpy(out->last_dead, s.last_dead, sizeof(out->last_dead));
	pthread_mutex_lock(&o->lock);
	out->limited_booth = o->limited_booth;
	out->limited_address = o->limited_address;
	pthread_mutex_unlock(&o->lock);
}

size_t
pb_outbox_list(struct pb_outbox *o, struct pb_outbox_entry *out, size_t max)
{
	struct pb_sendq_entry *e = max ? pb_xcalloc(max, sizeof(*e)) : NULL;
	size_t all = pb_sendq_list(o->q, e, max);
	for (size_t i = 0; i < all && i < max; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		snprintf(out[i].id, sizeof(out[i].id), "%s", e[i].id);
		snprintf(out[i].to, sizeof(out[i].to), "%s", e[i].label);
		snprintf(out[i].session, sizeof(out[i].session), "%s", e[i].about);
		out[i].dead = e[i].dead;
		out[i].age_s = e[i].age_s;
		out[i].attempts = (int)e[i].attempts;
		out[i].retry_in_s = e[i].retry_in_s;
		memcpy(out[i].error, e[i].error, sizeof(out[i].error));
	}
	free(e);
	return all;
}

int
pb_outbox_retry(struct pb_outbox *o, const char *which)
{
	int n = pb_sendq_retry(o->q, which);
	if (n)
		pb_info("outbox: staff asked to retry %d message%s (%s)", n, n == 1 ? "" : "s",
			which);
	return n;
}

int
pb_outbox_drop(struct pb_outbox *o, const char *which)
{
	if (!strcmp(which, "all"))
		return 0; /* by id, or every dead letter: never the whole queue at once */
	int n = pb_sendq_drop(o->q, which);
	if (n)
		pb_info("outbox: staff dropped %d message%s (%s)", n, n == 1 ? "" : "s", which);
	return n;
}

int
pb_outbox_waiting(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;
	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		found = e->d_name[0] != '.' && n > 4 && !strcmp(e->d_name + n - 4, ".msg");
	}
	closedir(d);
	return found;
}
