/* publish.c - the event cloud's uploads and deletions as a channel of the send queue (sendq.h)
 * in data_dir/publish, and the publisher's API (publish.h); the heartbeat is publish_beat.c's.
 * The queue owns the job files, the thread, the backoff and the dead letters; this file owns
 * what a job is and what the store's answer means. The sending runs on the queue's thread;
 * callers never wait on the network. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "file.h"
#include "landing.h"
#include "log.h"
#include "mem.h"
#include "publish_priv.h"

#define PHOTO_MAX (64u << 20)
#define JOB_MAX 256 /* "upload TOKEN SESSION EXPIRES LANG\n" */

/* One job: what its body says. The log names it by its session (the id staff see everywhere)
 * and the first characters of its link, never the whole token: the link is the guest's. */
struct job {
	int upload; /* else a deletion */
	char token[PB_TOKEN_LEN + 1];
	char session[64];
	long long expires;
	char lang[8]; /* the guest's language, for the landing page */
};

static int
session_valid(const char *s)
{
	return *s && s[0] != '.' && strlen(s) < 64 && !strpbrk(s, "/ \n");
}

static int
lang_valid(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n < 8 && strspn(s, "abcdefghijklmnopqrstuvwxyz") == n;
}

static int
job_parse(const char *body, size_t len, struct job *j)
{
	char kind[8];
	memset(j, 0, sizeof(*j));
	if (len >= JOB_MAX || strlen(body) != len ||
	    sscanf(body, "%7s %22s %63s %lld %7s", kind, j->token, j->session, &j->expires,
		   j->lang) != 5)
		return 0;
	j->upload = !strcmp(kind, "upload");
	return (j->upload || !strcmp(kind, "delete")) && pb_share_token_valid(j->token) &&
	       (session_valid(j->session) || !strcmp(j->session, "-")) && lang_valid(j->lang);
}

static int
job_body(const struct job *j, char *out, size_t n)
{
	int w = snprintf(out, n, "%s %s %s %lld %s\n", j->upload ? "upload" : "delete", j->token,
			 j->session, j->expires, j->lang);
	return w > 0 && (size_t)w < n ? w : -1;
}

/* The token is the job's key (pb_publish_forget finds a token's jobs by it, and it is never
 * shown); staff see the session. */
static int
describe(void *ctx, const char *body, size_t len, struct pb_send_facts *f)
{
	(void)ctx;
	struct job j;
	if (!job_parse(body, len, &j))
		return 0;
	snprintf(f->key, sizeof(f->key), "%s", j.token);
	snprintf(f->label, sizeof(f->label), "session %s (link %.4s…)", j.session, j.token);
	snprintf(f->about, sizeof(f->about), "%s", j.session);
	return 1;
}

/* Sending, on the queue's thread */

static int
is_stopping(void *ctx)
{
	struct pb_publish *p = ctx;
	return __atomic_load_n(&p->stop, __ATOMIC_RELAXED);
}

/* What the store's answer means for this job, and for staff. */
static enum pb_send_result
answer(struct pb_publish *p, const struct job *j, enum pb_s3_outcome o,
       const struct pb_s3_result *r, char *why, size_t n)
{
	pthread_mutex_lock(&p->lock);
	publish_store_answer(p, o, r);
	pthread_mutex_unlock(&p->lock);
	if (o == PB_S3_OK)
		return PB_SEND_OK;
	snprintf(why, n, "%s", r->error);
	if (o == PB_S3_OBJECT) {
		pb_err("publish: session %s (link %.4s…) refused for good: %s", j->session,
		       j->token, r->error);
		return PB_SEND_DEAD;
	}
	return PB_SEND_BLOCKED; /* away, or refusing this booth: every job waits */
}

static char *
key_of(const struct pb_publish *p, const struct job *j, const char *ext)
{
	return pb_xasprintf("%s%s.%s", p->prefix, j->token, ext);
}

/* Both objects; one already gone is fine. */
static enum pb_s3_outcome
delete_both(struct pb_publish *p, const struct job *j, struct pb_s3_result *r)
{
	enum pb_s3_outcome o = PB_S3_OK;
	for (int photo = 0; photo < 2 && o == PB_S3_OK; photo++) {
		char *key = key_of(p, j, photo ? "jpg" : "html");
		o = pb_s3_delete(&p->s3, key, r);
		if (o == PB_S3_OK)
			pb_info("publish: deleted the %s of session %s (link %.4s…)",
				photo ? "photo (.jpg)" : "page (.html)", j->session, j->token);
		free(key);
	}
	return o;
}

static enum pb_s3_outcome
put_page(struct pb_publish *p, const struct job *j, struct pb_s3_result *r)
{
	struct pb_buf page;
	pb_buf_init(&page);
	char *page_url = pb_xasprintf("%s/%s%s.html", p->public_url, p->prefix, j->token);
	char *photo_url = pb_xasprintf("%s/%s%s.jpg", p->public_url, p->prefix, j->token);
	struct pb_landing l = { p->title,
				j->token,
				j->lang,
				(time_t)j->expires,
				p->public_url[0] ? page_url : NULL,
				photo_url,
				1 };
	pb_landing_page(&page, &l);
	char *key = key_of(p, j, "html");
	enum pb_s3_outcome o = pb_s3_put(&p->s3, key, page.data, page.len,
					 "text/html; charset=utf-8", "no-cache", r);
	if (o == PB_S3_OK)
		pb_info("publish: uploaded the page (.html) of session %s (link %.4s…)", j->session,
			j->token);
	free(key);
	free(page_url);
	free(photo_url);
	pb_buf_fini(&page);
	return o;
}

/* The page first (a few kB: the link works at once and says "on its way"), then the photo.
 * A PUT is whole or absent, so a try cut short is redone whole: each key is written whole. */
static enum pb_send_result
upload(struct pb_publish *p, const struct job *j, char *why, size_t n)
{
	struct pb_s3_result r;
	char *path = pb_xasprintf("%s/%s/share.jpg", p->sessions_dir, j->session);
	unsigned char *data = NULL;
	size_t len = 0;
	enum pb_s3_outcome o = PB_S3_OK;
	enum pb_status st = access(path, R_OK) == 0 ? PB_OK : PB_ERR_IO;
	if (st == PB_OK && (o = put_page(p, j, &r)) == PB_S3_OK)
		st = pb_file_read(path, PHOTO_MAX, &data, &len);
	if (o == PB_S3_OK && st != PB_OK) {
		/* the session's photo is gone (discarded or purged): its page goes too */
		pb_warn("publish: session %s: %s: %s; deleting its page", j->session, path,
			pb_status_str(st));
		o = delete_both(p, j, &r);
	} else if (o == PB_S3_OK) {
		char *key = key_of(p, j, "jpg");
		o = pb_s3_put(&p->s3, key, data, len, "image/jpeg", "max-age=3600", &r);
		if (o == PB_S3_OK)
			pb_info("publish: uploaded the photo (.jpg) of session %s (link %.4s…)",
				j->session, j->token);
		free(key);
	}
	if (o == PB_S3_OK && st == PB_OK) {
		pthread_mutex_lock(&p->lock);
		p->stats.uploaded += 2;
		pthread_mutex_unlock(&p->lock);
	}
	free(data);
	free(path);
	return answer(p, j, o, &r, why, n);
}

static enum pb_send_result
send_job(void *ctx, const char *id, const char *body, size_t len, char *why, size_t n)
{
	struct pb_publish *p = ctx;
	struct pb_s3_result r;
	struct job j;
	(void)id;
	if (!job_parse(body, len, &j)) {
		snprintf(why, n, "not a publishing job");
		return PB_SEND_DEAD;
	}
	if (j.upload && j.expires > time(NULL))
		return upload(p, &j, why, n);
	if (j.upload) /* too late for the guest: nothing stays */
		pb_info("publish: session %s expired before it went up; deleting what is there",
			j.session);
	enum pb_send_result res = answer(p, &j, delete_both(p, &j, &r), &r, why, n);
	if (res == PB_SEND_OK) {
		pthread_mutex_lock(&p->lock);
		p->stats.deleted++;
		pthread_mutex_unlock(&p->lock);
	}
	return res;
}

/* Jobs written before the send queue (dir/<token>.job, .del or .dead: "SESSION EXPIRES STAGE
 * LANG"): queued again as the queue's jobs, then their files go. */
static void
adopt_old_jobs(struct pb_publish *p, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d)
		return;
	while ((e = readdir(d))) {
		const char *ext = e->d_name + PB_TOKEN_LEN + 1;
		struct job j = { 0 };
		if (strlen(e->d_name) < PB_TOKEN_LEN + 4 || e->d_name[PB_TOKEN_LEN] != '.' ||
		    (strcmp(ext, "job") && strcmp(ext, "del") && strcmp(ext, "dead")))
			continue;
		snprintf(j.token, sizeof(j.token), "%.*s", PB_TOKEN_LEN, e->d_name);
		char *path = pb_xasprintf("%s/%s", dir, e->d_name), body[JOB_MAX];
		unsigned char *data = NULL;
		size_t len = 0;
		int stage;
		if (pb_share_token_valid(j.token) &&
		    pb_file_read(path, 4096, &data, &len) == PB_OK &&
		    sscanf((char *)data, "%63s %lld %d %7s", j.session, &j.expires, &stage,
			   j.lang) >= 2) {
			j.upload = strcmp(ext, "del") != 0;
			if (!lang_valid(j.lang))
				snprintf(j.lang, sizeof(j.lang), "en");
			if (!session_valid(j.session))
				snprintf(j.session, sizeof(j.session), "-");
			if (job_body(&j, body, sizeof(body)) > 0 &&
			    pb_sendq_add_now(p->q, body, strlen(body), NULL) == PB_OK &&
			    unlink(path) == 0)
				n++;
		}
		free(data);
		free(path);
	}
	closedir(d);
	if (n)
		pb_info("publish: %d job%s from before the send queue queued again", n,
			n == 1 ? "" : "s");
}

/* The API */

struct pb_publish *
pb_publish_create(const struct pb_publish_config *cfg, char *why, size_t n)
{
	struct pb_publish *p;
	pthread_condattr_t ca;
	char *secret;
	enum pb_status st = pb_file_read_secret(cfg->secret_file, &secret);
	if (st != PB_OK) {
		snprintf(why, n, "[publish] secret_file %s: %s", cfg->secret_file,
			 st == PB_ERR_INPUT ? "its first line is empty" : "cannot read it");
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
	p->beat_s = cfg->beat_s > 0 ? cfg->beat_s : 30;
	p->stats.beat_age_s = -1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->beat_cond, &ca);
	pthread_condattr_destroy(&ca);
	publish_hours_load(p);

	char qwhy[300];
	struct pb_sendq_config qc = {
		.name = "publish",
		.dir = cfg->dir,
		.send = send_job,
		.describe = describe,
		.ctx = p,
		.retry_first_s = cfg->retry_first_s > 0 ? cfg->retry_first_s : 2,
		.retry_max_s = cfg->retry_max_s > 0 ? cfg->retry_max_s : 300,
	};
	p->q = pb_sendq_open(&qc, qwhy, sizeof(qwhy));
	if (!p->q) {
		snprintf(why, n, "publish: %s", qwhy);
		pb_publish_destroy(p);
		return NULL;
	}
	adopt_old_jobs(p, cfg->dir);
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
	pthread_mutex_lock(&p->lock);
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELAXED); /* cuts a request short: redone */
	pthread_cond_signal(&p->beat_cond);
	pthread_mutex_unlock(&p->lock);
	if (p->beat_started)
		pthread_join(p->beat_thread, NULL);
	pb_sendq_close(p->q);
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
	pthread_cond_destroy(&p->beat_cond);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

enum pb_status
pb_publish_promise(struct pb_publish *p, const char *token, const char *session, time_t expires,
		   const char *lang)
{
	struct job j = { .upload = 1, .expires = (long long)expires };
	char body[JOB_MAX];
	if (!p)
		return PB_OK;
	if (!pb_share_token_valid(token) || !session_valid(session))
		return PB_ERR_INPUT;
	snprintf(j.token, sizeof(j.token), "%s", token);
	snprintf(j.session, sizeof(j.session), "%s", session);
	snprintf(j.lang, sizeof(j.lang), "%s", lang && lang_valid(lang) ? lang : "en");
	enum pb_status st = job_body(&j, body, sizeof(body)) > 0
				    ? pb_sendq_add_now(p->q, body, strlen(body), NULL)
				    : PB_ERR_INPUT;
	if (st != PB_OK)
		pb_err("publish: session %s: the upload could not be queued (%s)", session,
		       pb_status_str(st));
	return st;
}

void
pb_publish_forget(struct pb_publish *p, const char *token)
{
	struct job j = { .upload = 0 };
	char body[JOB_MAX];
	if (!p || !pb_share_token_valid(token))
		return;
	snprintf(j.token, sizeof(j.token), "%s", token);
	snprintf(j.session, sizeof(j.session), "-");
	snprintf(j.lang, sizeof(j.lang), "en");
	/* an upload waiting (or in flight: it finishes first) goes; the deletion comes after */
	pb_sendq_drop_key(p->q, token);
	if (job_body(&j, body, sizeof(body)) < 0 ||
	    pb_sendq_add_now(p->q, body, strlen(body), NULL) != PB_OK)
		pb_err("publish: link %.4s…: its deletion could not be queued", token);
}

void
pb_publish_link(const char *public_url, const char *prefix, const char *token, char *out, size_t n)
{
	snprintf(out, n, "%s/%s%s.html", public_url, prefix, token);
}

void
pb_publish_stats(struct pb_publish *p, struct pb_publish_stats *out)
{
	struct pb_sendq_stats qs;
	uint64_t now = pb_now_ms();
	pb_sendq_stats(p->q, &qs);
	pthread_mutex_lock(&p->lock);
	*out = p->stats;
	snprintf(out->fleet_error, sizeof(out->fleet_error), "%s",
		 p->fleet_known	     ? ""
		 : p->fleet_error[0] ? p->fleet_error
				     : "not listed yet (the first heartbeat)");
	out->beat_age_s = p->beat_ok_ms ? (int)((now - p->beat_ok_ms) / 1000u) : -1;
	pthread_mutex_unlock(&p->lock);
	out->depth = qs.depth;
	out->dead = qs.dead;
	/* the age now: a request in flight for minutes must not read as "nothing waiting" */
	out->oldest_age_s = qs.oldest_age_s;
	out->retry_in_s = qs.blocked_in_s;
}

int
pb_publish_retry(struct pb_publish *p)
{
	struct pb_sendq_stats qs;
	pb_sendq_stats(p->q, &qs);
	pb_sendq_retry(p->q, "all");
	return qs.depth + qs.dead;
}
