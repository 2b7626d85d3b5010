/* publish.c - the publisher's queue, its thread and its API (publish.h); the heartbeat is
 * publish_beat.c's. The thread owns the requests; callers queue, forget, list and retry under
 * the lock and never wait on the network. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "file.h"
#include "landing.h"
#include "log.h"
#include "mem.h"
#include "publish_priv.h"

#define PHOTO_MAX (64u << 20)

static char *
job_path(const struct pb_publish *p, const char *token, const char *ext)
{
	return pb_xasprintf("%s/%s.%s", p->dir, token, ext);
}

static const char *
ext_of(const struct job *j)
{
	return j->dead ? "dead" : j->kind == JOB_DELETE ? "del" : "job";
}

/* The job's file, written atomically. Under io. */
static enum pb_status
save(const struct pb_publish *p, const struct job *j)
{
	char *path = job_path(p, j->token, ext_of(j));
	char *body = pb_xasprintf("%s %lld %d %s\n%s\n", j->session, (long long)j->expires,
				  j->stage, j->lang[0] ? j->lang : "en", j->dead ? j->error : "");
	enum pb_status st = pb_file_write_atomic(path, body, strlen(body), 0640);
	free(body);
	free(path);
	return st;
}

static void
unlink_file(const struct pb_publish *p, const char *token, const char *ext)
{
	char *path = job_path(p, token, ext);
	if (unlink(path) < 0 && errno != ENOENT)
		pb_err("publish: cannot delete %s: %s", path, strerror(errno));
	free(path);
}

static struct job *
find(struct pb_publish *p, const char *token)
{
	for (struct job *j = p->jobs; j; j = j->next)
		if (!strcmp(j->token, token))
			return j;
	return NULL;
}

static void
drop(struct pb_publish *p, struct job *j)
{
	for (struct job **q = &p->jobs; *q; q = &(*q)->next)
		if (*q == j) {
			*q = j->next;
			free(j);
			return;
		}
}

static void
count(struct pb_publish *p)
{
	uint64_t now = pb_now_ms(), oldest = now;
	int depth = 0, dead = 0;
	for (struct job *j = p->jobs; j; j = j->next) {
		if (j->dead) {
			dead++;
			continue;
		}
		depth++;
		if (j->queued_ms < oldest)
			oldest = j->queued_ms;
	}
	p->stats.depth = depth;
	p->stats.dead = dead;
	p->oldest_ms = depth ? oldest : 0;
}

/* Picks up a job file a previous run left. */
static void
recover_one(struct pb_publish *p, const char *name)
{
	char token[PB_TOKEN_LEN + 1], ext[8], *path;
	unsigned char *data = NULL;
	struct job *j;
	struct stat st;
	long long expires;
	size_t len;

	if (strlen(name) < PB_TOKEN_LEN + 2 || name[PB_TOKEN_LEN] != '.')
		return;
	snprintf(token, sizeof(token), "%.*s", PB_TOKEN_LEN, name);
	snprintf(ext, sizeof(ext), "%s", name + PB_TOKEN_LEN + 1);
	path = pb_xasprintf("%s/%s", p->dir, name);
	if (strstr(name, ".tmp.")) { /* a write a kill cut short: its old file is in place */
		unlink(path);
		free(path);
		return;
	}
	if (!pb_share_token_valid(token) ||
	    (strcmp(ext, "job") && strcmp(ext, "del") && strcmp(ext, "dead")) ||
	    pb_file_read(path, 4096, &data, &len) != PB_OK || stat(path, &st) != 0) {
		free(data);
		free(path);
		return;
	}
	j = find(p, token);
	if (j && j->kind == JOB_DELETE) { /* a deletion wins over the upload it replaced */
		if (strcmp(ext, "del"))
			unlink(path);
		free(data);
		free(path);
		return;
	}
	if (j && !strcmp(ext, "del")) {
		unlink_file(p, token, ext_of(j));
	} else if (!j) {
		j = pb_xcalloc(1, sizeof(*j));
		snprintf(j->token, sizeof(j->token), "%s", token);
		j->next = p->jobs;
		p->jobs = j;
	}
	j->kind = strcmp(ext, "del") ? JOB_UPLOAD : JOB_DELETE;
	j->dead = !strcmp(ext, "dead");
	j->stage = 0;
	/* (a job from before the language was kept has three fields) */
	if (sscanf((char *)data, "%63s %lld %d %7s", j->session, &expires, &j->stage, j->lang) < 2)
		snprintf(j->session, sizeof(j->session), "?");
	if (strspn(j->lang, "abcdefghijklmnopqrstuvwxyz") != strlen(j->lang))
		j->lang[0] = '\0';
	j->expires = (time_t)expires;
	if (j->dead) {
		char *nl = strchr((char *)data, '\n');
		snprintf(j->error, sizeof(j->error), "%s", nl ? nl + 1 : "");
		j->error[strcspn(j->error, "\n")] = '\0';
	}
	time_t age = time(NULL) - st.st_mtime;
	j->queued_ms = pb_now_ms() - (uint64_t)(age > 0 ? age : 0) * 1000u;
	free(data);
	free(path);
}

static void
recover(struct pb_publish *p)
{
	DIR *d = opendir(p->dir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			recover_one(p, e->d_name);
	closedir(d);
	count(p);
	if (p->stats.depth || p->stats.dead)
		pb_info("publish: %d job%s left by the last run%s", p->stats.depth,
			p->stats.depth == 1 ? "" : "s", p->stats.dead ? " (and dead letters)" : "");
}

/* The job's next request, without the lock: a copy of the job. */
static enum pb_s3_outcome
run(struct pb_publish *p, struct job *j, struct pb_s3_result *r)
{
	int photo = j->kind == JOB_UPLOAD ? j->stage == 1 : j->stage == 0;
	char *key = pb_xasprintf("%s%s.%s", p->prefix, j->token, photo ? "jpg" : "html");
	enum pb_s3_outcome o;

	if (j->kind == JOB_DELETE) {
		o = pb_s3_delete(&p->s3, key, r);
	} else if (!photo) {
		struct pb_buf page;
		pb_buf_init(&page);
		char *page_url = pb_xasprintf("%s/%s%s.html", p->public_url, p->prefix, j->token);
		char *photo_url = pb_xasprintf("%s/%s%s.jpg", p->public_url, p->prefix, j->token);
		struct pb_landing l = { p->title,
					j->token,
					j->lang,
					j->expires,
					p->public_url[0] ? page_url : NULL,
					photo_url,
					1 };
		pb_landing_page(&page, &l);
		free(page_url);
		free(photo_url);
		o = pb_s3_put(&p->s3, key, page.data, page.len, "text/html; charset=utf-8",
			      "no-cache", r);
		pb_buf_fini(&page);
	} else {
		char *path = pb_xasprintf("%s/%s/share.jpg", p->sessions_dir, j->session);
		unsigned char *data = NULL;
		size_t len = 0;
		enum pb_status st = pb_file_read(path, PHOTO_MAX, &data, &len);
		if (st == PB_OK) {
			o = pb_s3_put(&p->s3, key, data, len, "image/jpeg", "max-age=3600", r);
		} else {
			memset(r, 0, sizeof(*r));
			snprintf(r->error, sizeof(r->error), "%s: %s", path, pb_status_str(st));
			o = PB_S3_OBJECT;
			r->http = -1; /* the photo itself is gone or unreadable */
		}
		free(data);
		free(path);
	}
	if (o == PB_S3_OK)
		pb_info("publish: %s %s", j->kind == JOB_DELETE ? "deleted" : "uploaded", key);
	free(key);
	return o;
}

/* The store's answer to j's request (under io, then lock). */
static void
advance(struct pb_publish *p, struct job *j, unsigned gen, enum pb_s3_outcome o,
	const struct pb_s3_result *r, uint64_t now)
{
	pthread_mutex_lock(&p->lock);
	publish_store_answer(p, o, r, now);
	j->tried_ms = now;
	j->attempts++;
	if (j->gen != gen) { /* forgotten or retried meanwhile: the caller's change stands */
		pthread_mutex_unlock(&p->lock);
		return;
	}
	if (o == PB_S3_OK) {
		j->attempts = 0;
		j->error[0] = '\0';
		if (j->kind == JOB_UPLOAD)
			p->stats.uploaded++;
		if (j->stage == 0) {
			j->stage = 1;
			pthread_mutex_unlock(&p->lock);
			if (save(p, j) != PB_OK) /* the last step is redone: the same object */
				pb_err("publish: cannot record %s's progress", j->token);
			return;
		}
		if (j->kind == JOB_DELETE)
			p->stats.deleted++;
		unlink_file(p, j->token, ext_of(j));
		pb_file_fsync_dir(p->dir);
		drop(p, j);
	} else if (o == PB_S3_OBJECT && j->kind == JOB_UPLOAD && r->http == -1) {
		/* the session's photo is gone (discarded or purged): its page goes too */
		pb_warn("publish: %s: %s; deleting its page", j->token, r->error);
		pthread_mutex_unlock(&p->lock);
		j->kind = JOB_DELETE;
		j->stage = 1;
		if (save(p, j) == PB_OK)
			unlink_file(p, j->token, "job");
		return;
	} else if (o == PB_S3_OBJECT) {
		snprintf(j->error, sizeof(j->error), "%s", r->error);
		pb_err("publish: %s refused for good: %s", j->token, r->error);
		j->dead = 1;
		pthread_mutex_unlock(&p->lock);
		if (save(p, j) == PB_OK)
			unlink_file(p, j->token, j->kind == JOB_DELETE ? "del" : "job");
		return;
	} else {
		snprintf(j->error, sizeof(j->error), "%s", r->error);
	}
	pthread_mutex_unlock(&p->lock);
}

/* Of the jobs due, the one tried longest ago; an upload whose link expired becomes a
 * deletion first. Under lock. */
static struct job *
pick(struct pb_publish *p, uint64_t now, uint64_t *wake)
{
	struct job *best = NULL;
	*wake = now + 60000u;
	if (p->store_due_ms > now) {
		*wake = p->store_due_ms;
		return NULL;
	}
	for (struct job *j = p->jobs; j; j = j->next) {
		if (j->dead)
			continue;
		if (j->due_ms > now) {
			if (j->due_ms < *wake)
				*wake = j->due_ms;
			continue;
		}
		if (!best || j->tried_ms < best->tried_ms)
			best = j;
	}
	return best;
}

static int
is_stopping(void *ctx)
{
	struct pb_publish *p = ctx;
	return __atomic_load_n(&p->stop, __ATOMIC_RELAXED);
}

static void *
thread_main(void *arg)
{
	struct pb_publish *p = arg;
	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		uint64_t now = pb_now_ms(), wake;
		struct job *j = pick(p, now, &wake);
		if (!j) {
			count(p);
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			uint64_t ms = wake > now ? wake - now : 0;
			ts.tv_sec += (time_t)(ms / 1000u);
			ts.tv_nsec += (long)(ms % 1000u) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&p->cond, &p->lock, &ts);
			continue;
		}
		if (j->kind == JOB_UPLOAD && j->expires <= time(NULL)) {
			pthread_mutex_unlock(&p->lock);
			pb_publish_forget(p, j->token); /* too late for the guest: nothing stays */
			pthread_mutex_lock(&p->lock);
			continue;
		}
		struct job copy = *j;
		unsigned gen = j->gen;
		struct pb_s3_result r;
		pthread_mutex_unlock(&p->lock);
		enum pb_s3_outcome o = run(p, &copy, &r);
		if (is_stopping(p))
			return NULL; /* cut off: redone next start */
		pthread_mutex_lock(&p->io);
		advance(p, j, gen, o, &r, pb_now_ms());
		pthread_mutex_unlock(&p->io);
		pthread_mutex_lock(&p->lock);
		count(p);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* The API */

static char *
read_secret(const char *file, char *why, size_t n)
{
	char *secret;
	enum pb_status st = pb_file_read_secret(file, &secret);
	if (st != PB_OK)
		snprintf(why, n, "[publish] secret_file %s: %s", file,
			 st == PB_ERR_INPUT ? "its first line is empty" : "cannot read it");
	return secret;
}

struct pb_publish *
pb_publish_create(const struct pb_publish_config *cfg, char *why, size_t n)
{
	struct pb_publish *p;
	pthread_condattr_t ca;
	char *secret = read_secret(cfg->secret_file, why, n);

	if (!secret)
		return NULL;
	if (pb_file_mkdirs(cfg->dir, 0750) != PB_OK) {
		snprintf(why, n, "publish: cannot create %s", cfg->dir);
		explicit_bzero(secret, strlen(secret));
		free(secret);
		return NULL;
	}
	p = pb_xcalloc(1, sizeof(*p));
	p->secret = secret;
	p->dir = pb_xstrdup(cfg->dir);
	p->sessions_dir = pb_xstrdup(cfg->sessions_dir);
	p->prefix = pb_xstrdup(cfg->prefix);
	p->event = pb_xstrdup(cfg->event);
	p->booth = pb_xstrdup(cfg->booth);
	p->title = pb_xstrdup(cfg->title);
	p->public_url = pb_xstrdup(cfg->public_url ? cfg->public_url : "");
	p->version = pb_xstrdup(cfg->version);
	p->endpoint = pb_xstrdup(cfg->store.endpoint);
	p->region = pb_xstrdup(cfg->store.region);
	p->bucket = pb_xstrdup(cfg->store.bucket);
	p->access_key = pb_xstrdup(cfg->store.access_key);
	p->s3 = (struct pb_s3){ p->endpoint,   p->region, p->bucket,
				p->access_key, p->secret, cfg->store.path_style,
				is_stopping,   p,	  cfg->store.timeout_s };
	p->retry_first_s = cfg->retry_first_s > 0 ? cfg->retry_first_s : 2;
	p->retry_max_s = cfg->retry_max_s > 0 ? cfg->retry_max_s : 300;
	p->beat_s = cfg->beat_s > 0 ? cfg->beat_s : 30;
	p->stats.beat_age_s = -1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_mutex_init(&p->io, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cond, &ca);
	pthread_cond_init(&p->beat_cond, &ca);
	pthread_condattr_destroy(&ca);
	recover(p);
	publish_hours_load(p);
	if (pthread_create(&p->thread, NULL, thread_main, p) != 0) {
		snprintf(why, n, "publish: cannot start its thread");
		pb_publish_destroy(p);
		return NULL;
	}
	p->started = 1;
	if (pthread_create(&p->beat_thread, NULL, publish_beat_main, p) != 0) {
		snprintf(why, n, "publish: cannot start its heartbeat thread");
		pb_publish_destroy(p);
		return NULL;
	}
	p->beat_started = 1;
	pb_info("publish: to %s, bucket %s, keys %s<token>.html and .jpg", p->endpoint, p->bucket,
		p->prefix);
	return p;
}

void
pb_publish_destroy(struct pb_publish *p)
{
	if (!p)
		return;
	if (p->started) {
		pthread_mutex_lock(&p->lock);
		__atomic_store_n(&p->stop, 1, __ATOMIC_RELAXED);
		pthread_cond_signal(&p->cond);
		pthread_cond_signal(&p->beat_cond);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
		if (p->beat_started)
			pthread_join(p->beat_thread, NULL);
	}
	while (p->jobs) {
		struct job *j = p->jobs;
		p->jobs = j->next;
		free(j);
	}
	publish_hours_flush(p);
	publish_fleet_free(p);
	explicit_bzero(p->secret, strlen(p->secret));
	free(p->secret);
	free(p->status_json);
	char **strs[] = { &p->dir,    &p->sessions_dir, &p->prefix,	&p->event,
			  &p->booth,  &p->title,	&p->version,	&p->endpoint,
			  &p->region, &p->bucket,	&p->access_key, &p->public_url };
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free(*strs[i]);
	pthread_cond_destroy(&p->cond);
	pthread_cond_destroy(&p->beat_cond);
	pthread_mutex_destroy(&p->io);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static int
session_valid(const char *s)
{
	return *s && s[0] != '.' && strlen(s) < 64 && !strpbrk(s, "/ \n");
}

enum pb_status
pb_publish_promise(struct pb_publish *p, const char *token, const char *session, time_t expires,
		   const char *lang)
{
	struct job *j;
	enum pb_status st;

	if (!p)
		return PB_OK;
	if (!pb_share_token_valid(token) || !session_valid(session))
		return PB_ERR_INPUT;
	j = pb_xcalloc(1, sizeof(*j));
	snprintf(j->token, sizeof(j->token), "%s", token);
	snprintf(j->session, sizeof(j->session), "%s", session);
	snprintf(j->lang, sizeof(j->lang), "%s", lang && !strpbrk(lang, " \n/") ? lang : "en");
	j->expires = expires;
	j->kind = JOB_UPLOAD;
	j->queued_ms = pb_now_ms();
	pthread_mutex_lock(&p->io);
	st = save(p, j);
	pthread_mutex_lock(&p->lock);
	if (st == PB_OK) {
		j->next = p->jobs;
		p->jobs = j;
		count(p);
		pthread_cond_signal(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	pthread_mutex_unlock(&p->io);
	if (st != PB_OK) {
		pb_err("publish: session %s: the upload could not be queued (%s)", session,
		       pb_status_str(st));
		free(j);
	}
	return st;
}

void
pb_publish_forget(struct pb_publish *p, const char *token)
{
	struct job *j, fresh = { 0 };
	int existed;

	if (!p || !pb_share_token_valid(token))
		return;
	pthread_mutex_lock(&p->io);
	pthread_mutex_lock(&p->lock);
	j = find(p, token);
	existed = j != NULL;
	if (j && j->kind == JOB_DELETE && !j->dead) {
		pthread_mutex_unlock(&p->lock);
		pthread_mutex_unlock(&p->io);
		return;
	}
	fresh = j ? *j : (struct job){ 0 };
	pthread_mutex_unlock(&p->lock);
	snprintf(fresh.token, sizeof(fresh.token), "%s", token);
	if (!fresh.session[0])
		snprintf(fresh.session, sizeof(fresh.session), "-");
	const char *old = existed ? ext_of(&fresh) : NULL;
	int was_upload = existed && fresh.kind == JOB_UPLOAD && !fresh.dead;
	fresh.kind = JOB_DELETE;
	fresh.dead = 0;
	/* an upload that never got past its page: only the page can be there */
	fresh.stage = was_upload && fresh.stage == 0 ? 1 : 0;
	fresh.error[0] = '\0';
	if (save(p, &fresh) == PB_OK && old && strcmp(old, "del"))
		unlink_file(p, token, old);
	pthread_mutex_lock(&p->lock);
	j = find(p, token);
	if (!j) {
		j = pb_xcalloc(1, sizeof(*j));
		j->next = p->jobs;
		p->jobs = j;
		fresh.queued_ms = pb_now_ms();
	}
	fresh.next = j->next;
	fresh.gen = j->gen + 1;
	fresh.due_ms = 0;
	fresh.attempts = 0;
	*j = fresh;
	count(p);
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_mutex_unlock(&p->io);
}

void
pb_publish_link(const char *public_url, const char *prefix, const char *token, char *out, size_t n)
{
	snprintf(out, n, "%s/%s%s.html", public_url, prefix, token);
}

void
pb_publish_stats(struct pb_publish *p, struct pb_publish_stats *out)
{
	uint64_t now = pb_now_ms();
	pthread_mutex_lock(&p->lock);
	*out = p->stats;
	snprintf(out->fleet_error, sizeof(out->fleet_error), "%s",
		 p->fleet_known	     ? ""
		 : p->fleet_error[0] ? p->fleet_error
				     : "not listed yet (the first heartbeat)");
	out->retry_in_s = p->store_due_ms > now ? (int)((p->store_due_ms - now + 999u) / 1000u) : 0;
	out->beat_age_s = p->beat_ok_ms ? (int)((now - p->beat_ok_ms) / 1000u) : -1;
	/* the age now, not when the queue was last counted: a request in flight for minutes
	 * must not read as "nothing waiting long" */
	out->oldest_age_s = p->oldest_ms ? (int)((now - p->oldest_ms) / 1000u) : 0;
	pthread_mutex_unlock(&p->lock);
}

int
pb_publish_retry(struct pb_publish *p)
{
	int n = 0;
	pthread_mutex_lock(&p->io);
	pthread_mutex_lock(&p->lock);
	p->store_due_ms = 0;
	p->store_failures = 0;
	for (struct job *j = p->jobs; j; j = j->next) {
		j->due_ms = 0;
		n++;
		if (j->dead) {
			struct job copy = *j;
			copy.dead = 0;
			j->gen++;
			pthread_mutex_unlock(&p->lock);
			if (save(p, &copy) == PB_OK)
				unlink_file(p, j->token, "dead");
			pthread_mutex_lock(&p->lock);
			j->dead = 0;
			j->error[0] = '\0';
		}
	}
	count(p);
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_mutex_unlock(&p->io);
	return n;
}
