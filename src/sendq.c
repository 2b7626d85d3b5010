/* sendq.c - the durable send queue (sendq.h): its lists, its thread and its API; the files
 * are sendq_store.c's. The lock guards the lists and the stats; the files are written and
 * the backend called outside it, on the queue's thread, with the job marked busy (a job busy
 * is never freed: a drop while it is marks it and the thread finishes the drop). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "backoff.h"
#include "clock.h"
#include "deadline.h"
#include "file.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "sendq_priv.h"

static uint64_t
real_now_ms(void)
{
	return pb_now_ms();
}

/* What staff call a job: its label, else its id. */
static const char *
job_name(const struct job *j)
{
	return j->label[0] ? j->label : j->id;
}

/* List helpers, under the lock */

static void
append(struct job **list, struct job *j)
{
	while (*list)
		list = &(*list)->next;
	j->next = NULL;
	*list = j;
}

static void
unlink_job(struct job **list, struct job *j)
{
	for (; *list; list = &(*list)->next)
		if (*list == j) {
			*list = j->next;
			return;
		}
}

/* Files, outside the lock (the job busy, or before the thread runs) */

void
pb_sendq_accepted(struct pb_sendq *q)
{
	struct job *j = q->sending;
	if (j && !j->memory && !j->marked)
		sendq_mark(q, j);
}

/* One step */

static void
drop_or_keep(struct pb_sendq *q, struct job *j)
{
	if (j->dropped) {
		unlink_job(j->dead ? &q->dead : &q->jobs, j);
		append(&q->trash, j);
	}
}

static int
step_files(struct pb_sendq *q)
{
	struct job *j = q->trash;
	if (j) {
		q->trash = j->next;
		pthread_mutex_unlock(&q->lock);
		sendq_delete_files(q, j);
		sendq_job_free(j);
		pthread_mutex_lock(&q->lock);
		return 1;
	}
	for (int dead = 0; dead < 2; dead++)
		for (j = dead ? q->dead : q->jobs; j; j = j->next) {
			if (j->saved || j->busy)
				continue;
			char error[256];
			snprintf(error, sizeof(error), "%s", j->error);
			j->busy = 1;
			pthread_mutex_unlock(&q->lock);
			int r = sendq_save(q, j, dead, error);
			pthread_mutex_lock(&q->lock);
			j->busy = 0;
			j->saved = 1;
			if (r < 0 && !j->memory) {
				j->memory = 1;
				q->stats.unsaved++;
				pb_err("sendq %s: cannot write job %s to %s (kept in memory)",
				       q->name, j->id, q->dir);
			} else if (r == 0) {
				j->memory = 0;
			}
			drop_or_keep(q, j);
			return 1;
		}
	return 0;
}

/* Under the lock: jobs whose time ran out go to the trash. 1 when one did. */
static int
expire(struct pb_sendq *q)
{
	long long wall = sendq_wall_ms() / 1000;
	int did = 0;
	for (int dead = 0; dead < 2; dead++)
		for (struct job **p = dead ? &q->dead : &q->jobs; *p;) {
			struct job *j = *p;
			if (!j->expires || j->expires > wall || j->busy || j->dropped) {
				p = &j->next;
				continue;
			}
			*p = j->next;
			append(&q->trash, j);
			did = 1;
			if (dead) {
				pb_info("sendq %s: dead letter %s deleted: its time ran out",
					q->name, job_name(j));
			} else {
				q->stats.expired++;
				pb_warn("sendq %s: %s dropped: its time ran out before it could go",
					q->name, job_name(j));
			}
		}
	return did;
}

static void
note_failure(struct pb_sendq *q, struct job *j, const char *why)
{
	snprintf(j->error, sizeof(j->error), "%s", why);
	snprintf(q->stats.last_error, sizeof(q->stats.last_error), "%s", why);
	q->stats.failures++;
}

int
pb_sendq_step(struct pb_sendq *q)
{
	char why[256] = "";
	struct job *j;
	uint64_t now;

	pthread_mutex_lock(&q->lock);
	if (expire(q) || step_files(q)) {
		pthread_mutex_unlock(&q->lock);
		return 1;
	}
	now = q->now_ms();
	if (pb_backoff_wait(&q->channel, now) > 0) {
		pthread_mutex_unlock(&q->lock);
		return 0;
	}
	for (j = q->jobs; j && (j->busy || j->bo.next_ms > now); j = j->next)
		;
	if (!j) {
		pthread_mutex_unlock(&q->lock);
		return 0;
	}
	j->busy = 1;
	j->attempts++;
	q->sending = j;
	pthread_mutex_unlock(&q->lock);

	enum pb_send_result r = q->send(q->ctx, j->id, j->body, j->len, why, sizeof(why));
	q->sending = NULL;
	if (r != PB_SEND_OK && !why[0])
		snprintf(why, sizeof(why), "refused, without a reason");
	if (r == PB_SEND_OK)
		sendq_forget_sent(q, j);
	else if (r == PB_SEND_DEAD && sendq_save(q, j, 1, why) < 0)
		j->memory = 1;

	pthread_mutex_lock(&q->lock);
	j->busy = 0;
	now = q->now_ms(); /* the wait runs from the answer: a send may take its whole timeout */
	switch (r) {
	case PB_SEND_OK:
		q->stats.sent++;
		q->stats.last_error[0] = q->stats.blocked[0] = '\0';
		pb_backoff_reset(&q->channel);
		unlink_job(&q->jobs, j);
		pb_info("sendq %s: %s sent (try %u)", q->name, j->id, j->attempts);
		sendq_job_free(j);
		j = NULL;
		break;
	case PB_SEND_RETRY:
		note_failure(q, j, why);
		pb_backoff_fail(&j->bo, now);
		pb_warn("sendq %s: %s: %s (try %u; again in %llu s)", q->name, j->id, why,
			j->attempts, (unsigned long long)(pb_backoff_wait(&j->bo, now) / 1000));
		q->stats.blocked[0] = '\0';
		pb_backoff_reset(&q->channel);
		break;
	case PB_SEND_DEAD:
		note_failure(q, j, why);
		unlink_job(&q->jobs, j);
		j->dead = 1;
		append(&q->dead, j);
		q->stats.refused++;
		snprintf(q->stats.last_dead, sizeof(q->stats.last_dead), "%.60s: %.190s",
			 job_name(j), why);
		pb_err("sendq %s: %s refused for good, kept as a dead letter: %s", q->name,
		       job_name(j), why);
		break;
	case PB_SEND_BLOCKED:
		j->attempts--; /* the channel's fault, not this job's */
		snprintf(j->error, sizeof(j->error), "%s", why);
		snprintf(q->stats.last_error, sizeof(q->stats.last_error), "%s", why);
		q->stats.failures++;
		if (strcmp(q->stats.blocked, why))
			pb_err("sendq %s: blocked, every job waits: %s", q->name, why);
		snprintf(q->stats.blocked, sizeof(q->stats.blocked), "%s", why);
		pb_backoff_fail(&q->channel, now);
		break;
	}
	if (j)
		drop_or_keep(q, j);
	pthread_mutex_unlock(&q->lock);
	return 1;
}

/* The thread */

static uint64_t
next_wake_ms(struct pb_sendq *q, uint64_t now)
{
	uint64_t wait = 60000;
	if (q->trash)
		return 0;
	for (int dead = 0; dead < 2; dead++)
		for (struct job *j = dead ? q->dead : q->jobs; j; j = j->next)
			if (!j->saved && !j->busy)
				return 0;
	uint64_t ch = pb_backoff_wait(&q->channel, now);
	for (struct job *j = q->jobs; j; j = j->next) {
		uint64_t w = pb_backoff_wait(&j->bo, now);
		w = w > ch ? w : ch;
		if (!j->busy && w < wait)
			wait = w;
	}
	return wait;
}

static void *
run(void *arg)
{
	struct pb_sendq *q = arg;
	pthread_mutex_lock(&q->lock);
	while (!q->stop) {
		pthread_mutex_unlock(&q->lock);
		int did = pb_sendq_step(q);
		pthread_mutex_lock(&q->lock);
		if (!did && !q->stop) {
			uint64_t w = next_wake_ms(q, q->now_ms());
			if (w)
				pb_cond_wait_ms(&q->cond, &q->lock, w);
		}
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/* Recovery */

struct pb_sendq *
pb_sendq_open(const struct pb_sendq_config *cfg, char *why, size_t n)
{
	struct pb_sendq *q = pb_xcalloc(1, sizeof(*q));
	q->name = pb_xstrdup(cfg->name ? cfg->name : "queue");
	q->dir = pb_xstrdup(cfg->dir);
	q->dead_dir = pb_xasprintf("%s/dead", cfg->dir);
	q->ext = pb_xstrdup(cfg->ext ? cfg->ext : "job");
	q->send = cfg->send;
	q->describe = cfg->describe;
	q->ctx = cfg->ctx;
	q->now_ms = cfg->now_ms ? cfg->now_ms : real_now_ms;
	q->first_ms = (uint32_t)(cfg->retry_first_s > 0 ? cfg->retry_first_s : 2) * 1000u;
	q->max_ms = (uint32_t)(cfg->retry_max_s > 0 ? cfg->retry_max_s : 300) * 1000u;
	pb_backoff_init(&q->channel, q->first_ms, q->max_ms);
	pthread_mutex_init(&q->lock, NULL);
	pb_cond_init_monotonic(&q->cond);
	if (pb_file_mkdirs(q->dead_dir, 0700) != PB_OK) {
		snprintf(why, n, "cannot create %s: %s", q->dead_dir, strerror(errno));
		pb_sendq_close(q);
		return NULL;
	}
	q->jobs = sendq_recover(q, q->dir, 0);
	q->dead = sendq_recover(q, q->dead_dir, 1);
	if (!cfg->manual) {
		if (pthread_create(&q->thread, NULL, run, q) != 0) {
			snprintf(why, n, "cannot start the %s thread", q->name);
			pb_sendq_close(q);
			return NULL;
		}
		q->started = 1;
	}
	return q;
}

static void
free_list(struct job *j)
{
	while (j) {
		struct job *next = j->next;
		sendq_job_free(j);
		j = next;
	}
}

void
pb_sendq_close(struct pb_sendq *q)
{
	if (!q)
		return;
	if (q->started) {
		pthread_mutex_lock(&q->lock);
		q->stop = 1;
		pthread_cond_signal(&q->cond);
		pthread_mutex_unlock(&q->lock);
		pthread_join(q->thread, NULL);
	}
	/* what was handed over is written; what was dropped is deleted */
	pthread_mutex_lock(&q->lock);
	while (step_files(q))
		;
	pthread_mutex_unlock(&q->lock);
	free_list(q->jobs);
	free_list(q->dead);
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
	free(q->name);
	free(q->dir);
	free(q->dead_dir);
	free(q->ext);
	free(q);
}

/* A new job (not queued yet); NULL when the channel refuses the body. */
static struct job *
job_new(struct pb_sendq *q, const void *body, size_t len)
{
	uint32_t rnd = 0;
	struct pb_send_facts f;
	if (len > PB_SENDQ_BODY_MAX || !sendq_describe(q, body, len, &f))
		return NULL;
	struct job *j = pb_xcalloc(1, sizeof(*j));
	j->body = pb_xmalloc(len + 1);
	memcpy(j->body, body, len);
	j->body[len] = '\0';
	j->len = len;
	j->added_ms = sendq_wall_ms();
	j->expires = f.expires;
	memcpy(j->label, f.label, sizeof(j->label));
	memcpy(j->about, f.about, sizeof(j->about));
	memcpy(j->key, f.key, sizeof(j->key));
	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
		rnd = (uint32_t)j->added_ms ^ (uint32_t)getpid();
	pthread_mutex_lock(&q->lock);
	pb_backoff_init(&j->bo, q->first_ms, q->max_ms);
	/* the time, then a count: ids sort in the order added */
	snprintf(j->id, sizeof(j->id), "%011llx-%04x-%08x", j->added_ms, q->seq++ & 0xffffu, rnd);
	pthread_mutex_unlock(&q->lock);
	return j;
}

static void
enqueue(struct pb_sendq *q, struct job *j, char id[PB_SENDQ_ID_MAX])
{
	pthread_mutex_lock(&q->lock);
	append(&q->jobs, j);
	if (id)
		snprintf(id, PB_SENDQ_ID_MAX, "%s", j->id);
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

enum pb_status
pb_sendq_add(struct pb_sendq *q, const void *body, size_t len, char id[PB_SENDQ_ID_MAX])
{
	struct job *j = job_new(q, body, len);
	if (!j)
		return PB_ERR_INPUT;
	enqueue(q, j, id);
	return PB_OK;
}

enum pb_status
pb_sendq_add_now(struct pb_sendq *q, const void *body, size_t len, char id[PB_SENDQ_ID_MAX])
{
	struct job *j = job_new(q, body, len);
	if (!j)
		return PB_ERR_INPUT;
	if (sendq_save(q, j, 0, "") < 0) {
		pb_err("sendq %s: cannot write job %s to %s", q->name, j->id, q->dir);
		sendq_job_free(j);
		return PB_ERR_IO;
	}
	j->saved = 1;
	enqueue(q, j, id);
	return PB_OK;
}

static int
age_s(const struct job *j)
{
	long long a = (sendq_wall_ms() - j->added_ms) / 1000;
	return a < 0 ? 0 : a > 1000000000 ? 1000000000 : (int)a;
}

void
pb_sendq_stats(struct pb_sendq *q, struct pb_sendq_stats *out)
{
	pthread_mutex_lock(&q->lock);
	uint64_t now = q->now_ms();
	*out = q->stats;
	out->depth = out->dead = 0;
	out->oldest_age_s = 0;
	uint64_t soonest = UINT64_MAX;
	for (struct job *j = q->jobs; j; j = j->next) {
		if (!out->depth++)
			out->oldest_age_s = age_s(j);
		uint64_t w = pb_backoff_wait(&j->bo, now);
		soonest = w < soonest ? w : soonest;
	}
	for (struct job *j = q->dead; j; j = j->next)
		out->dead++;
	uint64_t ch = pb_backoff_wait(&q->channel, now);
	if (out->depth)
		soonest = soonest > ch ? soonest : ch;
	out->retry_in_s = out->depth && soonest ? (int)((soonest + 999) / 1000) : 0;
	out->blocked_in_s = out->depth && ch ? (int)((ch + 999) / 1000) : 0;
	pthread_mutex_unlock(&q->lock);
}

void
pb_sendq_json(struct pb_sendq *q, const char *key, struct pb_buf *out)
{
	struct pb_sendq_stats st;
	pb_sendq_stats(q, &st);
	pb_json_open(out, key);
	pb_json_int(out, "depth", st.depth);
	pb_json_int(out, "oldest_age_s", st.oldest_age_s);
	pb_json_int(out, "retry_in_s", st.retry_in_s);
	pb_json_int(out, "sent", st.sent);
	pb_json_int(out, "failures", st.failures);
	pb_json_int(out, "unsaved", st.unsaved);
	pb_json_int(out, "expired", st.expired);
	pb_json_str(out, "last_error", st.last_error[0] ? st.last_error : NULL);
	pb_json_str(out, "blocked", st.blocked[0] ? st.blocked : NULL);
	pb_json_int(out, "dead", st.dead);
	pb_json_int(out, "refused", st.refused);
	pb_json_str(out, "last_dead", st.last_dead[0] ? st.last_dead : NULL);
	pb_json_close(out);
}

size_t
pb_sendq_list(struct pb_sendq *q, struct pb_sendq_entry *out, size_t max)
{
	size_t n = 0;
	pthread_mutex_lock(&q->lock);
	uint64_t now = q->now_ms(), ch = pb_backoff_wait(&q->channel, now);
	for (int dead = 0; dead < 2; dead++)
		for (struct job *j = dead ? q->dead : q->jobs; j; j = j->next, n++) {
			if (n >= max)
				continue;
			struct pb_sendq_entry *e = &out[n];
			snprintf(e->id, sizeof(e->id), "%s", j->id);
			e->dead = dead;
			e->age_s = age_s(j);
			e->attempts = j->attempts;
			uint64_t w = pb_backoff_wait(&j->bo, now);
			w = w > ch ? w : ch; /* a blocked channel holds every job */
			e->retry_in_s = dead ? 0 : (int)((w + 999) / 1000);
			snprintf(e->error, sizeof(e->error), "%s", j->error);
			memcpy(e->label, j->label, sizeof(e->label));
			memcpy(e->about, j->about, sizeof(e->about));
		}
	pthread_mutex_unlock(&q->lock);
	return n;
}

static int
matches(const struct job *j, const char *which, int dead)
{
	return !strcmp(which, "all") || (dead && !strcmp(which, "dead")) || !strcmp(which, j->id);
}

/* Drops the jobs which (or, by_key, whose key is which) names. */
static int
drop(struct pb_sendq *q, const char *which, int by_key)
{
	int n = 0;
	struct job *gone = NULL;
	pthread_mutex_lock(&q->lock);
	for (int dead = 0; dead < 2; dead++)
		for (struct job **p = dead ? &q->dead : &q->jobs; *p;) {
			struct job *j = *p;
			int hit = by_key ? !strcmp(j->key, which) : matches(j, which, dead);
			if (!hit || j->dropped) {
				p = &j->next;
				continue;
			}
			n++;
			if (j->busy) { /* the thread finishes the drop */
				j->dropped = 1;
				p = &j->next;
				continue;
			}
			*p = j->next;
			j->next = gone;
			gone = j;
		}
	if (n)
		pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	/* out of the lists, so the thread no longer sees them: their files go now, and staff's
	 * next look finds them gone */
	while (gone) {
		struct job *j = gone;
		gone = j->next;
		sendq_delete_files(q, j);
		sendq_job_free(j);
	}
	return n;
}

int
pb_sendq_retry(struct pb_sendq *q, const char *which)
{
	int n = 0;
	pthread_mutex_lock(&q->lock);
	for (struct job *j = q->jobs; j; j = j->next)
		if (matches(j, which, 0)) {
			pb_backoff_reset(&j->bo);
			n++;
		}
	for (struct job **p = &q->dead; *p;) {
		struct job *j = *p;
		if (!j->busy && matches(j, which, 1)) {
			*p = j->next;
			j->dead = 0;
			j->saved = 0; /* the thread moves its file back */
			j->error[0] = '\0';
			pb_backoff_reset(&j->bo);
			append(&q->jobs, j);
			n++;
		} else {
			p = &j->next;
		}
	}
	if (n) {
		pb_backoff_reset(&q->channel);
		pthread_cond_signal(&q->cond);
	}
	pthread_mutex_unlock(&q->lock);
	return n;
}

int
pb_sendq_drop(struct pb_sendq *q, const char *which)
{
	return drop(q, which, 0);
}

int
pb_sendq_drop_key(struct pb_sendq *q, const char *key)
{
	return *key ? drop(q, key, 1) : 0;
}
