/* sendq.c - the durable send queue (sendq.h). Owns its folder, its jobs and its thread. The
 * lock guards the lists and the stats; the files are written and the backend called outside
 * it, on the queue's thread, with the job marked busy (a job busy is never freed: a drop
 * while it is marks it and the thread finishes the drop). */
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
#include "sendq.h"

struct job {
	struct job *next;
	char id[PB_SENDQ_ID_MAX];
	char *body;
	size_t len;
	long long added_ms; /* real time, from the id */
	long long expires;  /* wall seconds; 0: never */
	char label[128], about[64];
	unsigned attempts;
	struct pb_backoff bo;
	char error[256];
	int dead;    /* in the dead list */
	int saved;   /* its file is where its state says (dir/ or dir/dead/) */
	int busy;    /* the thread works on it outside the lock */
	int dropped; /* dropped while busy: the thread deletes it */
	int memory;  /* could not be written: kept in memory */
	int marked;  /* its sent marker is written (pb_sendq_accepted) */
};

struct pb_sendq {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	int started, stop;
	char *name, *dir, *dead_dir, *ext;
	pb_send_fn send;
	pb_describe_fn describe;
	void *ctx;
	struct job *sending; /* the job inside send(), for pb_sendq_accepted */
	uint64_t (*now_ms)(void);
	uint32_t first_ms, max_ms;
	struct pb_backoff channel;
	struct job *jobs, *dead, *trash; /* the queue (oldest first), dead letters, to delete */
	struct pb_sendq_stats stats;
	unsigned seq;
};

static uint64_t
real_now_ms(void)
{
	return pb_now_ms();
}

static long long
wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* dir/<id>.<ext>; ext NULL: the job file's */
static char *
job_path(const struct pb_sendq *q, const struct job *j, int dead, const char *ext)
{
	return pb_xasprintf("%s/%s.%s", dead ? q->dead_dir : q->dir, j->id, ext ? ext : q->ext);
}

/* Whether the channel takes body; f gets what it says (zeroed when it has no describe). */
static int
describe(const struct pb_sendq *q, const char *body, size_t len, struct pb_send_facts *f)
{
	memset(f, 0, sizeof(*f));
	return !q->describe || q->describe(q->ctx, body, len, f);
}

/* What staff call a job: its label, else its id. */
static const char *
job_name(const struct job *j)
{
	return j->label[0] ? j->label : j->id;
}

static void
unlink_path(char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		pb_warn("sendq: cannot delete %s: %s", path, strerror(errno));
	free(path);
}

static void
job_free(struct job *j)
{
	if (j->body)
		explicit_bzero(j->body, j->len); /* a body may hold an address */
	free(j->body);
	free(j);
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

/* The job's file where its state says, the other place's removed. 0 or -1. */
static int
save(struct pb_sendq *q, struct job *j, int dead, const char *error)
{
	char *path = job_path(q, j, dead, NULL);
	int ok = pb_file_write_atomic(path, j->body ? j->body : "", j->len, 0600) == PB_OK;
	free(path);
	if (ok && dead) {
		path = job_path(q, j, 1, "why");
		ok = pb_file_write_atomic(path, error, strlen(error), 0600) == PB_OK;
		free(path);
	}
	if (!ok)
		return -1;
	unlink_path(job_path(q, j, !dead, NULL));
	if (!dead)
		unlink_path(job_path(q, j, 1, "why"));
	return 0;
}

/* The sent marker: an empty file needs no write and no rename, so its creation is one
 * system call; the folder's fsync makes it survive a power cut too. 0 or -1. */
static int
mark(struct pb_sendq *q, struct job *j)
{
	char *sent = job_path(q, j, 0, "sent");
	int fd = open(sent, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
		pb_file_fsync_dir(q->dir);
		j->marked = 1;
	} else {
		pb_err("sendq %s: cannot mark %s sent (%s): it may go twice after a crash", q->name,
		       j->id, strerror(errno));
	}
	free(sent);
	return fd >= 0 ? 0 : -1;
}

void
pb_sendq_accepted(struct pb_sendq *q)
{
	struct job *j = q->sending;
	if (j && !j->memory && !j->marked)
		mark(q, j);
}

/* Sent: the marker first, so a crash before the job's file is gone never sends it again. */
static void
forget_sent(struct pb_sendq *q, struct job *j)
{
	char *sent = job_path(q, j, 0, "sent");
	if (!j->memory && !j->marked)
		mark(q, j);
	unlink_path(job_path(q, j, 0, NULL));
	pb_file_fsync_dir(q->dir);
	unlink_path(sent);
}

static void
delete_files(struct pb_sendq *q, struct job *j)
{
	unlink_path(job_path(q, j, 0, NULL));
	unlink_path(job_path(q, j, 1, NULL));
	unlink_path(job_path(q, j, 1, "why"));
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
		delete_files(q, j);
		job_free(j);
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
			int r = save(q, j, dead, error);
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
	long long wall = wall_ms() / 1000;
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
		forget_sent(q, j);
	else if (r == PB_SEND_DEAD && save(q, j, 1, why) < 0)
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
		job_free(j);
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

static int
id_ok(const char *id, size_t n)
{
	return n > 0 && n < PB_SENDQ_ID_MAX && strspn(id, "0123456789abcdef-") == n && id[0] != '-';
}

static struct job *
load(struct pb_sendq *q, const char *dir, const char *id, int dead)
{
	char *path = pb_xasprintf("%s/%s.%s", dir, id, q->ext);
	unsigned char *data = NULL;
	size_t len = 0;
	struct job *j = NULL;
	struct pb_send_facts f;
	if (pb_file_read(path, PB_SENDQ_BODY_MAX, &data, &len) != PB_OK ||
	    !describe(q, (char *)data, len, &f)) {
		if (data)
			explicit_bzero(data, len);
		free(data);
		char *bad = pb_xasprintf("%s/%s.bad", dir, id);
		pb_err("sendq %s: cannot read %s (too large or damaged): moved aside as %s",
		       q->name, path, bad);
		if (rename(path, bad) < 0)
			pb_err("sendq %s: cannot move %s aside: %s", q->name, path,
			       strerror(errno));
		free(bad);
	} else {
		j = pb_xcalloc(1, sizeof(*j));
		snprintf(j->id, sizeof(j->id), "%s", id);
		j->body = (char *)data;
		j->len = len;
		j->added_ms = f.created ? f.created * 1000 : strtoll(id, NULL, 16);
		j->expires = f.expires;
		memcpy(j->label, f.label, sizeof(j->label));
		memcpy(j->about, f.about, sizeof(j->about));
		j->dead = dead;
		j->saved = 1;
		pb_backoff_init(&j->bo, q->first_ms, q->max_ms);
		if (dead) {
			char *why = pb_xasprintf("%s/%s.why", dir, id);
			unsigned char *w = NULL;
			size_t wl = 0;
			if (pb_file_read(why, sizeof(j->error) - 1, &w, &wl) == PB_OK)
				snprintf(j->error, sizeof(j->error), "%.*s", (int)wl, (char *)w);
			free(w);
			free(why);
		}
	}
	free(path);
	return j;
}

static int
by_id(const void *a, const void *b)
{
	return strcmp((*(struct job *const *)a)->id, (*(struct job *const *)b)->id);
}

/* The id of a file named <id>.<ext> into id; 0 when it is not one. */
static int
file_id(const char *name, const char *ext, char id[PB_SENDQ_ID_MAX])
{
	size_t l = strlen(name), e = strlen(ext);
	if (l <= e + 1 || name[l - e - 1] != '.' || strcmp(name + l - e, ext) ||
	    !id_ok(name, l - e - 1))
		return 0;
	snprintf(id, PB_SENDQ_ID_MAX, "%.*s", (int)(l - e - 1), name);
	return 1;
}

/* Every <id>.<ext> of dir, oldest first. A job with a <id>.sent was sent before a crash; one
 * that is a dead letter too was being buried (the dead letter is kept); a write cut short
 * (pb_file_write_atomic's .tmp.) was never handed over. */
static struct job *
recover(struct pb_sendq *q, const char *dir, int dead)
{
	DIR *d = opendir(dir);
	struct job **v = NULL, *list = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	char id[PB_SENDQ_ID_MAX];
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (strstr(e->d_name, ".tmp.")) {
			unlink_path(pb_xasprintf("%s/%s", dir, e->d_name));
		} else if (!dead && file_id(e->d_name, "sent", id)) {
			unlink_path(pb_xasprintf("%s/%s.%s", dir, id, q->ext));
			unlink_path(pb_xasprintf("%s/%s.sent", dir, id));
			pb_info("sendq %s: %s was sent before a stop: not sent again", q->name, id);
		} else if (!dead && file_id(e->d_name, q->ext, id)) {
			char *buried = pb_xasprintf("%s/%s.%s", q->dead_dir, id, q->ext);
			if (access(buried, F_OK) == 0)
				unlink_path(pb_xasprintf("%s/%s", dir, e->d_name));
			free(buried);
		}
	}
	pb_file_fsync_dir(dir);
	rewinddir(d);
	while ((e = readdir(d))) {
		if (!file_id(e->d_name, q->ext, id))
			continue;
		struct job *j = load(q, dir, id, dead);
		if (!j)
			continue;
		if (n == cap)
			v = pb_xrealloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));
		v[n++] = j;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), by_id);
	for (size_t i = n; i-- > 0;) {
		v[i]->next = list;
		list = v[i];
	}
	free(v);
	return list;
}

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
	q->jobs = recover(q, q->dir, 0);
	q->dead = recover(q, q->dead_dir, 1);
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
		job_free(j);
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

enum pb_status
pb_sendq_add(struct pb_sendq *q, const void *body, size_t len, char id[PB_SENDQ_ID_MAX])
{
	uint32_t rnd = 0;
	struct pb_send_facts f;
	if (len > PB_SENDQ_BODY_MAX || !describe(q, body, len, &f))
		return PB_ERR_INPUT;
	struct job *j = pb_xcalloc(1, sizeof(*j));
	j->body = pb_xmalloc(len + 1);
	memcpy(j->body, body, len);
	j->body[len] = '\0';
	j->len = len;
	j->added_ms = wall_ms();
	j->expires = f.expires;
	memcpy(j->label, f.label, sizeof(j->label));
	memcpy(j->about, f.about, sizeof(j->about));
	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
		rnd = (uint32_t)j->added_ms ^ (uint32_t)getpid();
	pthread_mutex_lock(&q->lock);
	pb_backoff_init(&j->bo, q->first_ms, q->max_ms);
	/* the time, then a count: ids sort in the order added */
	snprintf(j->id, sizeof(j->id), "%011llx-%04x-%08x", j->added_ms, q->seq++ & 0xffffu, rnd);
	append(&q->jobs, j);
	if (id)
		snprintf(id, PB_SENDQ_ID_MAX, "%s", j->id);
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	return PB_OK;
}

static int
age_s(const struct job *j)
{
	long long a = (wall_ms() - j->added_ms) / 1000;
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
	int n = 0;
	pthread_mutex_lock(&q->lock);
	for (int dead = 0; dead < 2; dead++)
		for (struct job **p = dead ? &q->dead : &q->jobs; *p;) {
			struct job *j = *p;
			if (!matches(j, which, dead) || j->dropped) {
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
			append(&q->trash, j);
		}
	if (n)
		pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	return n;
}
