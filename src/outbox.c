/* outbox.c - the outbox's sender thread and its API (outbox.h); its files are
 * outbox_store.c's. The thread owns the sending; the main thread queues, lists, retries and
 * drops under the lock, and never waits on the network. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "address.h"
#include "backoff.h"
#include "clock.h"
#include "deadline.h"
#include "file.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "outbox_priv.h"

/* The server has accepted m: its sent marker, at once. An empty file needs no write and
 * no rename: its creation is one system call, so a kill right after the server's "250"
 * finds it; the folder's fsync makes it survive a power cut too. */
struct accepted {
	struct pb_outbox *o;
	const struct msg *m;
	int marked;
};

static void
mark_accepted(void *ctx)
{
	struct accepted *a = ctx;
	char *sent = outbox_path(a->o, a->m->id, "sent");
	if (a->m->saved) {
		int fd = open(sent, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd >= 0) {
			close(fd);
			pb_file_fsync_dir(a->o->dir);
			a->marked = 1;
		} else {
			pb_err("outbox: no sent marker for %s (%s); a crash now would send it twice",
			       a->m->id, strerror(errno));
		}
	}
	free(sent);
}

/* Sent: the marker first, then the message, so a crash in between never sends it twice. */
static void
mark_sent(struct pb_outbox *o, const struct msg *m, int marked)
{
	char *sent = outbox_path(o, m->id, "sent"), *msg = outbox_path(o, m->id, "msg");
	if (m->saved) {
		if (!marked) {
			struct accepted a = { o, m, 0 };
			mark_accepted(&a);
		}
		if (unlink(msg) < 0 && errno != ENOENT)
			pb_err("outbox: cannot delete %s: %s", msg, strerror(errno));
		pb_file_fsync_dir(o->dir);
		unlink(sent);
	}
	free(sent);
	free(msg);
}

/* The thread */

static int
cancelled(void *ctx)
{
	struct pb_outbox *o = ctx;
	return __atomic_load_n(&o->stop, __ATOMIC_RELAXED);
}

static void
unlink_msg(struct pb_outbox *o, struct msg *m)
{
	for (struct msg **p = &o->queue; *p; p = &(*p)->next)
		if (*p == m) {
			*p = m->next;
			return;
		}
}

static uint64_t
backoff_ms(const struct pb_outbox *o, int failures)
{
	return pb_backoff_delay((uint64_t)o->retry_first_s * 1000u,
				(uint64_t)o->retry_max_s * 1000u, (unsigned)failures);
}

static void
free_msg(struct msg *m)
{
	explicit_bzero(m->to, sizeof(m->to));
	free(m);
}

static void
unlink_dead(struct pb_outbox *o, struct msg *m)
{
	for (struct msg **p = &o->dead; *p; p = &(*p)->next)
		if (*p == m) {
			*p = m->next;
			o->stats.dead--;
			return;
		}
}

/* The server refused m for good: it moves to the dead letters (the new file first, so a
 * crash in between leaves both and outbox_recover() keeps the dead one). Under the lock; the file
 * is a few lines. When it cannot be written, m stays queued at the longest backoff. */
static void
bury(struct pb_outbox *o, struct msg *m, const char *why, const char *masked)
{
	m->failed = time(NULL);
	snprintf(m->error, sizeof(m->error), "%s", why);
	if (m->saved && outbox_save(o, m, 1) != PB_OK) {
		pb_err("outbox: %s cannot be moved to the dead letters; kept in the queue", m->id);
		m->next_try_ms = pb_now_ms() + (uint64_t)o->retry_max_s * 1000u;
		return;
	}
	if (m->saved) {
		outbox_unlink_file(o, m);
		pb_file_fsync_dir(o->dir);
	}
	unlink_msg(o, m);
	m->next = o->dead;
	o->dead = m;
	o->stats.dead++;
	o->stats.refused++;
	snprintf(o->stats.last_dead, sizeof(o->stats.last_dead), "%.50s: %.200s", masked, why);
	pb_err("outbox: %s to %s refused for good, moved to the dead letters (session %s): %s",
	       m->id, masked, m->session, why);
}

/* One attempt at m, with the lock released while it runs. */
static void
attempt(struct pb_outbox *o, struct msg *m)
{
	struct msg copy = *m;
	char why[256], masked[PB_ADDRESS_MAX + 8], photo[PATH_MAX], mid[200];
	enum pb_mail_fate fate;

	o->busy = m;
	m->tried_ms = pb_now_ms();
	pthread_mutex_unlock(&o->lock);
	pb_address_mask(copy.to, masked, sizeof(masked));
	snprintf(photo, sizeof(photo), "%s/%s/share.jpg", o->sessions_dir, copy.session);
	snprintf(mid, sizeof(mid), "%s@%s", copy.id, o->domain);
	struct accepted acc = { o, &copy, 0 };
	struct pb_mail_message mm = {
		.to = copy.to,
		.link = copy.link,
		.title = o->title,
		.photo = photo,
		.message_id = mid,
		.expires = copy.expires,
		.accepted = mark_accepted,
		.accepted_ctx = &acc,
	};
	uint64_t t0 = pb_now_ms();
	fate = pb_mail_send(&o->server, &mm, why, sizeof(why));
	explicit_bzero(copy.to, sizeof(copy.to));
	if (fate == PB_MAIL_SENT) {
		mark_sent(o, &copy, acc.marked);
		pb_info("outbox: %s sent to %s in %llu ms (session %s)", copy.id, masked,
			(unsigned long long)(pb_now_ms() - t0), copy.session);
	} else if (!cancelled(o) && fate != PB_MAIL_REFUSED) {
		pb_warn("outbox: %s to %s not sent (attempt %d), %s: %s", copy.id, masked,
			copy.attempts + 1,
			fate == PB_MAIL_SERVER_AWAY ? "every message waits"
						    : "it waits, others go on",
			why);
	}
	pthread_mutex_lock(&o->lock);
	o->busy = NULL;

	uint64_t now = pb_now_ms();
	if (fate == PB_MAIL_SENT) {
		unlink_msg(o, m);
		free_msg(m);
		o->stats.sent++;
		o->stats.last_error[0] = '\0';
		o->server_failures = 0;
		o->server_next_ms = 0;
		return;
	}
	if (cancelled(o))
		return;
	if (m->drop_asked) { /* staff dropped it while it was being tried */
		outbox_unlink_file(o, m);
		unlink_msg(o, m);
		free_msg(m);
		return;
	}
	o->stats.failures++;
	memcpy(o->stats.last_error, why, sizeof(o->stats.last_error));
	snprintf(m->error, sizeof(m->error), "%s", why);
	m->attempts++;
	if (fate == PB_MAIL_REFUSED) {
		bury(o, m, why, masked);
	} else if (fate == PB_MAIL_TRY_LATER) {
		m->next_try_ms = now + backoff_ms(o, m->attempts);
	} else {
		o->server_failures++;
		o->server_next_ms = now + backoff_ms(o, o->server_failures);
	}
}

static void
expire(struct pb_outbox *o, struct msg *m, int dead)
{
	char masked[PB_ADDRESS_MAX + 8];
	pb_address_mask(m->to, masked, sizeof(masked));
	if (dead) {
		char *path = outbox_dead_path(o, m->id);
		unlink(path);
		free(path);
		unlink_dead(o, m);
		pb_info("outbox: dead letter %s to %s deleted with its link", m->id, masked);
	} else {
		pb_warn("outbox: %s to %s dropped: its link expired before it could be sent", m->id,
			masked);
		outbox_unlink_file(o, m);
		unlink_msg(o, m);
		o->stats.expired++;
	}
	free_msg(m);
}

static void *
run(void *arg)
{
	struct pb_outbox *o = arg;

	pthread_mutex_lock(&o->lock);
	while (!o->stop) {
		uint64_t now = pb_now_ms(), wake = UINT64_MAX;
		time_t wall = time(NULL);
		struct msg *due = NULL;

		for (struct msg *m = o->dead, *next; m; m = next) {
			next = m->next;
			if (m->expires <= wall)
				expire(o, m, 1);
		}
		for (struct msg *m = o->queue, *next; m; m = next) {
			next = m->next;
			if (!m->saved) {
				struct msg copy = *m;
				pthread_mutex_unlock(&o->lock);
				enum pb_status st = outbox_save(o, &copy, 0);
				explicit_bzero(copy.to, sizeof(copy.to));
				pthread_mutex_lock(&o->lock);
				if (st == PB_OK)
					m->saved = 1;
				else if (!m->save_failed++)
					o->stats.unsaved++;
			}
			if (m->expires <= wall) {
				expire(o, m, 0);
				continue;
			}
			/* round-robin: of the messages due, the one tried longest ago */
			uint64_t t = m->next_try_ms > o->server_next_ms ? m->next_try_ms
									: o->server_next_ms;
			if (t <= now && (!due || m->tried_ms < due->tried_ms))
				due = m;
			else if (t > now && t < wake)
				wake = t;
		}
		if (due) {
			attempt(o, due);
			continue;
		}
		if (o->dead && wake - now > 3600000u)
			wake = now + 3600000u; /* dead letters expire too */
		if (wake == UINT64_MAX) {
			pthread_cond_wait(&o->cond, &o->lock);
		} else {
			pb_cond_wait_ms(&o->cond, &o->lock, wake - now);
		}
	}
	/* whatever was handed over reaches the disk before the thread goes */
	for (struct msg *m = o->queue; m; m = m->next)
		if (!m->saved && outbox_save(o, m, 0) == PB_OK)
			m->saved = 1;
	pthread_mutex_unlock(&o->lock);
	return NULL;
}

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
	struct pb_outbox *o;
	const char *at;

	char *dead = pb_xasprintf("%s/dead", cfg->dir);
	if (pb_file_mkdirs(dead, 0700) != PB_OK) {
		free(dead);
		return NULL;
	}
	o = pb_xcalloc(1, sizeof(*o));
	o->dir = pb_xstrdup(cfg->dir);
	o->dead_dir = dead;
	o->sessions_dir = pb_xstrdup(cfg->sessions_dir);
	o->title = pb_xstrdup(cfg->title ? cfg->title : "the event");
	o->url = pb_xstrdup(cfg->server.url);
	o->username = pb_xstrdup(cfg->server.username ? cfg->server.username : "");
	o->password = read_password(cfg->password_file);
	o->from = pb_xstrdup(cfg->server.from);
	char helo[256];
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
	o->retry_first_s = cfg->retry_first_s > 0 ? cfg->retry_first_s : 2;
	o->retry_max_s = cfg->retry_max_s >= o->retry_first_s ? cfg->retry_max_s : o->retry_first_s;
	o->per_address = cfg->per_address_per_hour > 0 ? cfg->per_address_per_hour : 0;
	o->per_booth = cfg->per_booth_per_hour > 0 ? cfg->per_booth_per_hour : 0;
	o->ring = o->per_booth ? (size_t)o->per_booth : o->per_address ? 1000 : 0;
	o->recent = o->ring ? pb_xcalloc(o->ring, sizeof(*o->recent)) : NULL;
	if (getrandom(&o->salt, sizeof(o->salt), GRND_NONBLOCK) != (ssize_t)sizeof(o->salt))
		o->salt = (uint64_t)pb_now_ms() * 0x9e3779b97f4a7c15ull;
	at = strchr(o->from, '@');
	snprintf(o->domain, sizeof(o->domain), "%s", at ? at + 1 : "photobooth.invalid");
	pthread_mutex_init(&o->lock, NULL);
	pb_cond_init_monotonic(&o->cond);
	outbox_recover(o);
	if (pthread_create(&o->thread, NULL, run, o) != 0) {
		pb_err("outbox: cannot start its thread");
		o->stop = 1;
		pb_outbox_destroy(o);
		return NULL;
	}
	return o;
}

void
pb_outbox_destroy(struct pb_outbox *o)
{
	if (!o)
		return;
	if (!o->stop) {
		pthread_mutex_lock(&o->lock);
		__atomic_store_n(&o->stop, 1, __ATOMIC_RELAXED);
		pthread_cond_signal(&o->cond);
		pthread_mutex_unlock(&o->lock);
		pthread_join(o->thread, NULL);
	}
	for (struct msg **list = &o->queue; list; list = list == &o->queue ? &o->dead : NULL)
		while (*list) {
			struct msg *m = *list;
			*list = m->next;
			free_msg(m);
		}
	pthread_mutex_destroy(&o->lock);
	pthread_cond_destroy(&o->cond);
	explicit_bzero(o->password, strlen(o->password));
	free(o->password);
	free(o->dir);
	free(o->dead_dir);
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
		o->stats.limited_booth++;
	else if (l == PB_LIMIT_ADDRESS)
		o->stats.limited_address++;
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
	struct msg *m;
	unsigned char rnd[4] = { 0 };

	if (pb_address_check(to) != PB_ADDR_OK || !outbox_session_ok(session) ||
	    strlen(link) >= sizeof(m->link))
		return PB_ERR_INPUT;
	m = pb_xcalloc(1, sizeof(*m));
	snprintf(m->to, sizeof(m->to), "%s", to);
	snprintf(m->session, sizeof(m->session), "%s", session);
	snprintf(m->link, sizeof(m->link), "%s", link);
	m->created = time(NULL);
	m->expires = expires;
	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
		memset(rnd, 0, sizeof(rnd)); /* the sequence number keeps ids unique anyway */
	pthread_mutex_lock(&o->lock);
	/* names sort by creation: the wall clock, a sequence, then a random tail so two
	 * booths' (or two runs') messages never share an id */
	snprintf(m->id, sizeof(m->id), "%010lld-%04u-%02x%02x%02x%02x", (long long)m->created,
		 o->seq++ % 10000u, rnd[0], rnd[1], rnd[2], rnd[3]);
	count_send(o, to, m->created);
	outbox_enqueue(o, m);
	pthread_cond_signal(&o->cond);
	pthread_mutex_unlock(&o->lock);
	return PB_OK;
}

void
pb_outbox_stats(struct pb_outbox *o, struct pb_outbox_stats *out)
{
	uint64_t now = pb_now_ms();
	time_t wall = time(NULL);

	pthread_mutex_lock(&o->lock);
	*out = o->stats;
	out->depth = 0;
	out->oldest_age_s = 0;
	for (struct msg *m = o->queue; m; m = m->next) {
		out->depth++;
		if (wall - m->created > out->oldest_age_s)
			out->oldest_age_s = (int)(wall - m->created);
	}
	out->retry_in_s = o->queue && o->server_next_ms > now
				  ? (int)((o->server_next_ms - now + 999) / 1000)
				  : 0;
	pthread_mutex_unlock(&o->lock);
}

static int
matches(const struct msg *m, const char *which, int dead)
{
	return !strcmp(which, "all") || (dead && !strcmp(which, "dead")) || !strcmp(which, m->id);
}

size_t
pb_outbox_list(struct pb_outbox *o, struct pb_outbox_entry *out, size_t max)
{
	uint64_t now = pb_now_ms();
	time_t wall = time(NULL);
	size_t n = 0;

	pthread_mutex_lock(&o->lock);
	for (int dead = 0; dead < 2; dead++)
		for (struct msg *m = dead ? o->dead : o->queue; m; m = m->next, n++) {
			if (n >= max)
				continue;
			struct pb_outbox_entry *e = &out[n];
			uint64_t t =
				dead ? 0
				     : (m->next_try_ms > o->server_next_ms ? m->next_try_ms
									   : o->server_next_ms);
			memset(e, 0, sizeof(*e));
			snprintf(e->id, sizeof(e->id), "%s", m->id);
			pb_address_mask(m->to, e->to, sizeof(e->to));
			snprintf(e->session, sizeof(e->session), "%s", m->session);
			e->dead = dead;
			e->age_s = (int)(wall - m->created);
			e->attempts = m->attempts;
			e->retry_in_s = t > now ? (int)((t - now + 999) / 1000) : 0;
			snprintf(e->error, sizeof(e->error), "%s", m->error);
		}
	pthread_mutex_unlock(&o->lock);
	return n;
}

int
pb_outbox_retry(struct pb_outbox *o, const char *which)
{
	int n = 0;

	pthread_mutex_lock(&o->lock);
	for (struct msg *m = o->queue; m; m = m->next)
		if (matches(m, which, 0)) {
			m->next_try_ms = 0;
			n++;
		}
	if (n) {
		o->server_failures = 0;
		o->server_next_ms = 0;
	}
	for (struct msg *m = o->dead, *next; m; m = next) {
		next = m->next;
		if (!matches(m, which, 1))
			continue;
		/* back in the queue: its file first, then the dead letter goes */
		m->attempts = 0;
		m->next_try_ms = 0;
		m->tried_ms = 0;
		if (outbox_save(o, m, 0) != PB_OK) {
			pb_err("outbox: %s cannot go back to the queue (disk)", m->id);
			continue;
		}
		char *path = outbox_dead_path(o, m->id);
		unlink(path);
		free(path);
		unlink_dead(o, m);
		m->saved = 1;
		outbox_enqueue(o, m);
		n++;
	}
	if (n)
		pthread_cond_signal(&o->cond);
	pthread_mutex_unlock(&o->lock);
	if (n)
		pb_info("outbox: staff asked to retry %d message%s (%s)", n, n == 1 ? "" : "s",
			which);
	return n;
}

int
pb_outbox_drop(struct pb_outbox *o, const char *which)
{
	int n = 0;

	if (!strcmp(which, "all"))
		return 0; /* by id, or every dead letter: never the whole queue at once */
	pthread_mutex_lock(&o->lock);
	for (struct msg *m = o->queue, *next; m; m = next) {
		next = m->next;
		if (!matches(m, which, 0))
			continue;
		n++;
		if (m == o->busy) {
			m->drop_asked = 1;
			continue;
		}
		outbox_unlink_file(o, m);
		unlink_msg(o, m);
		free_msg(m);
	}
	for (struct msg *m = o->dead, *next; m; m = next) {
		next = m->next;
		if (!matches(m, which, 1))
			continue;
		char *path = outbox_dead_path(o, m->id);
		unlink(path);
		free(path);
		unlink_dead(o, m);
		free_msg(m);
		n++;
	}
	pthread_mutex_unlock(&o->lock);
	if (n)
		pb_info("outbox: staff dropped %d message%s (%s)", n, n == 1 ? "" : "s", which);
	return n;
}
