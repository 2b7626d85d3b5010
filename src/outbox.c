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
#include "outbox.h"

#define MSG_MAX 4096 /* an outbox file is a few lines; anything bigger is not ours */

struct msg {
	char id[48];
	char to[PB_ADDRESS_MAX + 1];
	char session[64];
	char link[512];
	time_t created, expires;
	int saved;	 /* on disk */
	int save_failed; /* counted in stats.unsaved */
	int attempts;
	uint64_t next_try_ms; /* this message's own backoff (deferred recipient, no photo) */
	uint64_t tried_ms;    /* the last attempt's start: the longest untried goes next */
	time_t failed;	      /* a dead letter: when the server refused it for good */
	int drop_asked;	      /* staff dropped it while it was being tried */
	char error[256];      /* a dead letter: the server's words (address masked) */
	struct msg *next;
};

struct pb_outbox {
	char *dir, *dead_dir, *sessions_dir, *title;
	char *url, *username, *password, *from, *reply_to, *subject;
	struct pb_mail_server server;
	int retry_first_s, retry_max_s;
	char domain[128]; /* for Message-IDs: the sender's domain */

	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop;
	struct msg *queue;   /* oldest first */
	struct msg *dead;    /* refused for good, in dead_dir until their link expires */
	struct msg *busy;    /* the one being tried, lock released */
	int server_failures; /* in a row, for the server-wide backoff */
	uint64_t server_next_ms;
	unsigned seq;
	struct pb_outbox_stats stats;
};

static char *
path_of(const struct pb_outbox *o, const char *id, const char *ext)
{
	return pb_xasprintf("%s/%s.%s", o->dir, id, ext);
}

static char *
dead_path(const struct pb_outbox *o, const char *id)
{
	return pb_xasprintf("%s/%s.msg", o->dead_dir, id);
}

static int
session_id_ok(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n < 64 &&
	       strspn(s, "0123456789abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_") == n;
}

/* Outbox files */

/* m as <id>.msg in the outbox, or in the dead-letter folder with the server's words. */
static enum pb_status
msg_save(struct pb_outbox *o, struct msg *m, int dead)
{
	struct pb_buf b;
	char *path = dead ? dead_path(o, m->id) : path_of(o, m->id, "msg");
	enum pb_status st;

	pb_buf_init(&b);
	pb_buf_printf(&b, "to=%s\nsession=%s\nlink=%s\ncreated=%lld\nexpires=%lld\n", m->to,
		      m->session, m->link, (long long)m->created, (long long)m->expires);
	if (dead)
		pb_buf_printf(&b, "failed=%lld\nerror=%s\n", (long long)m->failed, m->error);
	st = pb_file_write_atomic(path, b.data, b.len, 0600);
	pb_buf_fini(&b);
	free(path);
	return st;
}

static int
field(const char *line, const char *key, char *out, size_t n)
{
	size_t k = strlen(key);
	if (strncmp(line, key, k) || line[k] != '=' || strlen(line + k + 1) >= n)
		return 0;
	snprintf(out, n, "%s", line + k + 1);
	return 1;
}

/* Parses <id>.msg (of the dead-letter folder when dead); NULL when it is not a message we
 * wrote (moved aside as .bad). */
static struct msg *
msg_load(struct pb_outbox *o, const char *id, int dead)
{
	char *path = dead ? dead_path(o, id) : path_of(o, id, "msg");
	unsigned char *data = NULL;
	size_t len = 0;
	struct msg *m = pb_xcalloc(1, sizeof(*m));
	char num[32];
	int have = 0;

	if (pb_file_read(path, MSG_MAX, &data, &len) == PB_OK && strlen((char *)data) == len) {
		char *save = NULL;
		for (char *line = strtok_r((char *)data, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (field(line, "to", m->to, sizeof(m->to)))
				have |= 1;
			else if (field(line, "session", m->session, sizeof(m->session)))
				have |= 2;
			else if (field(line, "link", m->link, sizeof(m->link)))
				have |= 4;
			else if (field(line, "created", num, sizeof(num)))
				m->created = (time_t)strtoll(num, NULL, 10), have |= 8;
			else if (field(line, "expires", num, sizeof(num)))
				m->expires = (time_t)strtoll(num, NULL, 10), have |= 16;
			else if (dead && field(line, "failed", num, sizeof(num)))
				m->failed = (time_t)strtoll(num, NULL, 10);
			else if (dead)
				field(line, "error", m->error, sizeof(m->error));
		}
	}
	free(data);
	if (have != 31 || pb_address_check(m->to) != PB_ADDR_OK || !session_id_ok(m->session) ||
	    strncmp(m->link, "http", 4)) {
		char *bad = pb_xasprintf("%s/%s.bad", dead ? o->dead_dir : o->dir, id);
		pb_err("outbox: %s is damaged or not a message; moved to %s", path, bad);
		rename(path, bad);
		free(bad);
		free(path);
		free(m);
		return NULL;
	}
	snprintf(m->id, sizeof(m->id), "%s", id);
	m->saved = 1;
	free(path);
	return m;
}

static void
enqueue_sorted(struct pb_outbox *o, struct msg *m)
{
	struct msg **p = &o->queue;
	while (*p && ((*p)->created < m->created ||
		      ((*p)->created == m->created && strcmp((*p)->id, m->id) < 0)))
		p = &(*p)->next;
	m->next = *p;
	*p = m;
}

static int
ends_with(const char *s, const char *ext)
{
	size_t n = strlen(s), e = strlen(ext);
	return n > e && !strcmp(s + n - e, ext);
}

/* What a previous run left: sent markers finish their deletion, messages are queued. */
static void
recover(struct pb_outbox *o)
{
	DIR *d = opendir(o->dir);
	struct dirent *e;
	int finished = 0, loaded = 0;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char id[48];
		size_t n = strlen(e->d_name);
		if (ends_with(e->d_name, ".sent") && n - 5 < sizeof(id)) {
			memcpy(id, e->d_name, n - 5);
			id[n - 5] = '\0';
			char *msg = path_of(o, id, "msg");
			if (unlink(msg) == 0)
				finished++;
			free(msg);
		} else if (strstr(e->d_name, ".tmp.")) {
			/* a write cut short: its message was never handed to SMTP */
			char *p = pb_xasprintf("%s/%s", o->dir, e->d_name);
			unlink(p);
			free(p);
		}
	}
	pb_file_fsync_dir(o->dir);
	rewinddir(d);
	while ((e = readdir(d))) {
		char id[48];
		size_t n = strlen(e->d_name);
		if (ends_with(e->d_name, ".sent")) {
			char *p = pb_xasprintf("%s/%s", o->dir, e->d_name);
			unlink(p);
			free(p);
		} else if (ends_with(e->d_name, ".msg") && n - 4 < sizeof(id)) {
			memcpy(id, e->d_name, n - 4);
			id[n - 4] = '\0';
			char *buried = dead_path(o, id);
			if (access(buried, F_OK) == 0) {
				/* moved to the dead letters, cut off before the original went */
				char *p = path_of(o, id, "msg");
				unlink(p);
				free(p);
			} else {
				struct msg *m = msg_load(o, id, 0);
				if (m) {
					enqueue_sorted(o, m);
					loaded++;
				}
			}
			free(buried);
		}
	}
	closedir(d);
	if ((d = opendir(o->dead_dir))) {
		while ((e = readdir(d))) {
			char id[48];
			size_t n = strlen(e->d_name);
			if (ends_with(e->d_name, ".msg") && n - 4 < sizeof(id)) {
				memcpy(id, e->d_name, n - 4);
				id[n - 4] = '\0';
				struct msg *m = msg_load(o, id, 1);
				if (m) {
					m->next = o->dead;
					o->dead = m;
					o->stats.dead++;
				}
			} else if (strstr(e->d_name, ".tmp.")) {
				char *p = pb_xasprintf("%s/%s", o->dead_dir, e->d_name);
				unlink(p);
				free(p);
			}
		}
		closedir(d);
	}
	if (o->stats.dead)
		pb_warn("outbox: %d dead letter%s the server refused for good (photoboothctl "
			"outbox)",
			o->stats.dead, o->stats.dead == 1 ? "" : "s");
	if (finished)
		pb_info("outbox: %d message%s sent before a restart, not sent again", finished,
			finished == 1 ? " was" : "s were");
	if (loaded)
		pb_info("outbox: %d message%s waiting from before", loaded, loaded == 1 ? "" : "s");
}

int
pb_outbox_waiting(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (e = readdir(d)))
		found = e->d_name[0] != '.' && ends_with(e->d_name, ".msg");
	closedir(d);
	return found;
}

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
	char *sent = path_of(a->o, a->m->id, "sent");
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
	char *sent = path_of(o, m->id, "sent"), *msg = path_of(o, m->id, "msg");
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

static void
drop(struct pb_outbox *o, const struct msg *m)
{
	char *msg = path_of(o, m->id, "msg");
	if (unlink(msg) < 0 && errno != ENOENT)
		pb_err("outbox: cannot delete %s: %s", msg, strerror(errno));
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
 * crash in between leaves both and recover() keeps the dead one). Under the lock; the file
 * is a few lines. When it cannot be written, m stays queued at the longest backoff. */
static void
bury(struct pb_outbox *o, struct msg *m, const char *why, const char *masked)
{
	m->failed = time(NULL);
	snprintf(m->error, sizeof(m->error), "%s", why);
	if (m->saved && msg_save(o, m, 1) != PB_OK) {
		pb_err("outbox: %s cannot be moved to the dead letters; kept in the queue", m->id);
		m->next_try_ms = pb_now_ms() + (uint64_t)o->retry_max_s * 1000u;
		return;
	}
	if (m->saved) {
		drop(o, m);
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
		drop(o, m);
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
		char *path = dead_path(o, m->id);
		unlink(path);
		free(path);
		unlink_dead(o, m);
		pb_info("outbox: dead letter %s to %s deleted with its link", m->id, masked);
	} else {
		pb_warn("outbox: %s to %s dropped: its link expired before it could be sent", m->id,
			masked);
		drop(o, m);
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
				enum pb_status st = msg_save(o, &copy, 0);
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
		if (!m->saved && msg_save(o, m, 0) == PB_OK)
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
	o->reply_to = pb_xstrdup(cfg->server.reply_to ? cfg->server.reply_to : "");
	o->subject = pb_xstrdup(cfg->server.subject ? cfg->server.subject : "Your photo");
	o->server = cfg->server;
	o->server.url = o->url;
	o->server.username = o->username;
	o->server.password = o->password;
	o->server.from = o->from;
	o->server.reply_to = o->reply_to;
	o->server.subject = o->subject;
	o->server.cancelled = cancelled;
	o->server.cancel_ctx = o;
	o->retry_first_s = cfg->retry_first_s > 0 ? cfg->retry_first_s : 2;
	o->retry_max_s = cfg->retry_max_s >= o->retry_first_s ? cfg->retry_max_s : o->retry_first_s;
	at = strchr(o->from, '@');
	snprintf(o->domain, sizeof(o->domain), "%s", at ? at + 1 : "photobooth.invalid");
	pthread_mutex_init(&o->lock, NULL);
	pb_cond_init_monotonic(&o->cond);
	recover(o);
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
	free(o->sessions_dir);
	free(o->title);
	free(o->url);
	free(o->username);
	free(o->from);
	free(o->reply_to);
	free(o->subject);
	free(o);
}

enum pb_status
pb_outbox_add(struct pb_outbox *o, const char *to, const char *session, const char *link,
	      time_t expires)
{
	struct msg *m;
	unsigned char rnd[4] = { 0 };

	if (pb_address_check(to) != PB_ADDR_OK || !session_id_ok(session) ||
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
	enqueue_sorted(o, m);
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
		if (msg_save(o, m, 0) != PB_OK) {
			pb_err("outbox: %s cannot go back to the queue (disk)", m->id);
			continue;
		}
		char *path = dead_path(o, m->id);
		unlink(path);
		free(path);
		unlink_dead(o, m);
		m->saved = 1;
		enqueue_sorted(o, m);
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
		drop(o, m);
		unlink_msg(o, m);
		free_msg(m);
	}
	for (struct msg *m = o->dead, *next; m; m = next) {
		next = m->next;
		if (!matches(m, which, 1))
			continue;
		char *path = dead_path(o, m->id);
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
