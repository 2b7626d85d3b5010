/* sendq_store.c - the send queue's files (sendq_priv.h): a job's file written atomically (mode
 * 0600), its sent marker, dead letters with their words, and recovery after a crash. Called by
 * sendq.c outside its lock: on the queue's thread for a job marked busy, on a caller's thread
 * for a job not yet queued (pb_sendq_add_now), or at open before the thread. Blocks on the
 * disk only. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "log.h"
#include "mem.h"
#include "sendq_priv.h"

/* dir/<id>.<ext>; ext NULL: the job file's */
char *
sendq_path(const struct pb_sendq *q, const struct job *j, int dead, const char *ext)
{
	return pb_xasprintf("%s/%s.%s", dead ? q->dead_dir : q->dir, j->id, ext ? ext : q->ext);
}

/* Whether the channel takes body; f gets what it says (zeroed when it has no describe). */
int
sendq_describe(const struct pb_sendq *q, const char *body, size_t len, struct pb_send_facts *f)
{
	memset(f, 0, sizeof(*f));
	return !q->describe || q->describe(q->ctx, body, len, f);
}

void
sendq_unlink(char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		pb_warn("sendq: cannot delete %s: %s", path, strerror(errno));
	free(path);
}

void
sendq_job_free(struct job *j)
{
	if (j->body)
		explicit_bzero(j->body, j->len); /* a body may hold an address */
	free(j->body);
	free(j);
}

/* The job's file where its state says, the other place's removed. 0 or -1. */
int
sendq_save(struct pb_sendq *q, struct job *j, int dead, const char *error)
{
	char *path = sendq_path(q, j, dead, NULL);
	int ok = pb_file_write_atomic(path, j->body ? j->body : "", j->len, 0600) == PB_OK;
	free(path);
	if (ok && dead) {
		path = sendq_path(q, j, 1, "why");
		ok = pb_file_write_atomic(path, error, strlen(error), 0600) == PB_OK;
		free(path);
	}
	if (!ok)
		return -1;
	sendq_unlink(sendq_path(q, j, !dead, NULL));
	if (!dead)
		sendq_unlink(sendq_path(q, j, 1, "why"));
	return 0;
}

/* The sent marker: an empty file needs no write and no rename, so its creation is one
 * system call; the folder's fsync makes it survive a power cut too. 0 or -1. */
int
sendq_mark(struct pb_sendq *q, struct job *j)
{
	char *sent = sendq_path(q, j, 0, "sent");
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

/* Sent: the marker first, so a crash before the job's file is gone never sends it again. */
void
sendq_forget_sent(struct pb_sendq *q, struct job *j)
{
	char *sent = sendq_path(q, j, 0, "sent");
	if (!j->memory && !j->marked)
		sendq_mark(q, j);
	sendq_unlink(sendq_path(q, j, 0, NULL));
	pb_file_fsync_dir(q->dir);
	sendq_unlink(sent);
}

void
sendq_delete_files(struct pb_sendq *q, struct job *j)
{
	sendq_unlink(sendq_path(q, j, 0, NULL));
	sendq_unlink(sendq_path(q, j, 1, NULL));
	sendq_unlink(sendq_path(q, j, 1, "why"));
}

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
	    !sendq_describe(q, (char *)data, len, &f)) {
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
		memcpy(j->key, f.key, sizeof(j->key));
		j->dead = dead;
		j->saved = 1;
		pb_backoff_init(&j->bo, q->first_ms, q->max_ms);
		if (dead) {
			char *why = pb_xasprintf("%s/%s.why", dir, id);
			unsigned char *w = NULL;
			size_t wl = 0;
			if (access(why, F_OK) == 0 &&
			    pb_file_read(why, sizeof(j->error) - 1, &w, &wl) == PB_OK)
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
struct job *
sendq_recover(struct pb_sendq *q, const char *dir, int dead)
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
			sendq_unlink(pb_xasprintf("%s/%s", dir, e->d_name));
		} else if (!dead && file_id(e->d_name, "sent", id)) {
			sendq_unlink(pb_xasprintf("%s/%s.%s", dir, id, q->ext));
			sendq_unlink(pb_xasprintf("%s/%s.sent", dir, id));
			pb_info("sendq %s: %s was sent before a stop: not sent again", q->name, id);
		} else if (!dead && file_id(e->d_name, q->ext, id)) {
			char *buried = pb_xasprintf("%s/%s.%s", q->dead_dir, id, q->ext);
			if (access(buried, F_OK) == 0)
				sendq_unlink(pb_xasprintf("%s/%s", dir, e->d_name));
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

long long
sendq_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
