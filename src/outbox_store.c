/* outbox_store.c - the outbox's files (outbox_priv.h): one file per message, written
 * atomically; parsing with every field checked (a damaged file is moved aside as .bad);
 * recovery after a restart. Called by outbox.c: on its thread, or at start before the thread
 * runs, or by the main thread under the outbox's lock (retry, drop). Blocks on the disk only. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "address.h"
#include "file.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "outbox_priv.h"

char *
outbox_path(const struct pb_outbox *o, const char *id, const char *ext)
{
	return pb_xasprintf("%s/%s.%s", o->dir, id, ext);
}

char *
outbox_dead_path(const struct pb_outbox *o, const char *id)
{
	return pb_xasprintf("%s/%s.msg", o->dead_dir, id);
}

int
outbox_session_ok(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n < 64 &&
	       strspn(s, "0123456789abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_") == n;
}

/* Outbox files */

/* m as <id>.msg in the outbox, or in the dead-letter folder with the server's words. */
enum pb_status
outbox_save(struct pb_outbox *o, struct msg *m, int dead)
{
	char text[MSG_MAX]; /* on the stack, wiped after: the address leaves no copy */
	char *path = dead ? outbox_dead_path(o, m->id) : outbox_path(o, m->id, "msg");
	enum pb_status st;
	int n = snprintf(text, sizeof(text),
			 "to=%s\nsession=%s\nlink=%s\ncreated=%lld\nexpires=%lld\n", m->to,
			 m->session, m->link, (long long)m->created, (long long)m->expires);
	if (dead && n > 0 && (size_t)n < sizeof(text))
		n += snprintf(text + n, sizeof(text) - (size_t)n, "failed=%lld\nerror=%s\n",
			      (long long)m->failed, m->error);
	st = n > 0 && (size_t)n < sizeof(text) ? pb_file_write_atomic(path, text, (size_t)n, 0600)
					       : PB_ERR_INPUT;
	explicit_bzero(text, sizeof(text));
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
	char *path = dead ? outbox_dead_path(o, id) : outbox_path(o, id, "msg");
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
	if (data)
		explicit_bzero(data, len);
	free(data);
	if (have != 31 || pb_address_check(m->to) != PB_ADDR_OK || !outbox_session_ok(m->session) ||
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

void
outbox_enqueue(struct pb_outbox *o, struct msg *m)
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
void
outbox_recover(struct pb_outbox *o)
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
			char *msg = outbox_path(o, id, "msg");
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
			char *buried = outbox_dead_path(o, id);
			if (access(buried, F_OK) == 0) {
				/* moved to the dead letters, cut off before the original went */
				char *p = outbox_path(o, id, "msg");
				unlink(p);
				free(p);
			} else {
				struct msg *m = msg_load(o, id, 0);
				if (m) {
					outbox_enqueue(o, m);
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

void
outbox_unlink_file(struct pb_outbox *o, const struct msg *m)
{
	char *msg = outbox_path(o, m->id, "msg");
	if (unlink(msg) < 0 && errno != ENOENT)
		pb_err("outbox: cannot delete %s: %s", msg, strerror(errno));
	free(msg);
}
