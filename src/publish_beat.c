/* publish_beat.c - the publisher's heartbeat (publish.h): the per-hour counts (dir/hours),
 * what a store's answer means for staff (shared with publish.c's channel),
 * this booth's beat PUT to EVENT/_booths/BOOTH.json, the other booths' read back for the
 * fleet, each parsed once into fleet.h's bounded struct. The round runs on the heartbeat's
 * own thread (publish_beat_main), the accessors on any. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "deadline.h"
#include "file.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "publish_priv.h"

void
publish_store_answer(struct pb_publish *p, enum pb_s3_outcome o, const struct pb_s3_result *r)
{
	if (o == PB_S3_OK || o == PB_S3_OBJECT) { /* the store is there and takes this booth */
		p->stats.blocked[0] = '\0';
		if (o == PB_S3_OK)
			p->stats.last_error[0] = '\0';
	}
	if (o == PB_S3_OK)
		return;
	p->stats.failures++;
	snprintf(p->stats.last_error, sizeof(p->stats.last_error), "%s", r->error);
	if (o == PB_S3_STORE) {
		if (!p->stats.blocked[0])
			pb_err("publish: the store refuses this booth: %s%s", r->error,
			       !strcmp(r->code, "RequestTimeTooSkewed")
				       ? ""
				       : " (check [publish] bucket, access_key and secret_file)");
		snprintf(p->stats.blocked, sizeof(p->stats.blocked), "%s", r->error);
	}
}

void
publish_hours_load(struct pb_publish *p)
{
	char *path = pb_xasprintf("%s/hours", p->dir);
	unsigned char *data = NULL;
	size_t len = 0;
	if (access(path, F_OK) == 0 && pb_file_read(path, 64u << 10, &data, &len) == PB_OK) {
		char *line = (char *)data, *nl;
		for (; line && *line && p->nhours < HOURS_MAX; line = nl ? nl + 1 : NULL) {
			struct hour *h = &p->hours[p->nhours];
			nl = strchr(line, '\n');
			if (sscanf(line, "%lld %u %u %u %u", &h->start, &h->n[0], &h->n[1],
				   &h->n[2], &h->n[3]) == 5 &&
			    h->start % 3600 == 0)
				p->nhours++;
		}
	}
	free(data);
	free(path);
}

static void
hours_save(struct pb_publish *p, const struct hour *hours, int n)
{
	char *path = pb_xasprintf("%s/hours", p->dir);
	struct pb_buf b;
	pb_buf_init(&b);
	for (int i = 0; i < n; i++)
		pb_buf_printf(&b, "%lld %u %u %u %u\n", hours[i].start, hours[i].n[0],
			      hours[i].n[1], hours[i].n[2], hours[i].n[3]);
	if (pb_file_write_atomic(path, b.data ? b.data : "", b.len, 0640) != PB_OK)
		pb_err("publish: cannot save the hourly counts to %s", path);
	pb_buf_fini(&b);
	free(path);
}

/* What happened since the last beat goes to the current hour. Under lock. */
static int
tally(struct pb_publish *p, time_t now)
{
	const unsigned *cur = &p->counts.sessions, *was = &p->counted.sessions;
	long long start = (long long)now / 3600 * 3600;
	unsigned d[4];
	int any = 0;
	for (int i = 0; i < 4; i++) {
		/* a count below the last one: the kiosk restarted and counts from 0 again */
		d[i] = cur[i] >= was[i] ? cur[i] - was[i] : cur[i];
		any |= d[i] != 0;
	}
	p->counted = p->counts;
	if (!any)
		return 0;
	if (!p->nhours || p->hours[p->nhours - 1].start != start) {
		if (p->nhours == HOURS_MAX) {
			memmove(p->hours, p->hours + 1, sizeof(p->hours[0]) * (HOURS_MAX - 1));
			p->nhours--;
		}
		p->hours[p->nhours++] = (struct hour){ .start = start };
	}
	for (int i = 0; i < 4; i++)
		p->hours[p->nhours - 1].n[i] += d[i];
	return 1;
}

void
publish_hours_flush(struct pb_publish *p)
{
	if (tally(p, time(NULL)))
		hours_save(p, p->hours, p->nhours);
}

void
pb_publish_beat(struct pb_publish *p, const char *status_json,
		const struct pb_publish_counts *counts)
{
	char *copy = pb_xstrdup(status_json);
	pthread_mutex_lock(&p->lock);
	free(p->status_json);
	p->status_json = copy;
	p->counts = *counts;
	pthread_cond_signal(&p->beat_cond);
	pthread_mutex_unlock(&p->lock);
}

/* The beat: who, when, the status handed over, the queue (qs), the hours. Under lock. */
static void
beat_json(struct pb_publish *p, time_t now, const struct pb_sendq_stats *qs, struct pb_buf *b)
{
	pb_json_open(b, NULL);
	pb_json_str(b, "booth", p->booth);
	pb_json_str(b, "event", p->event);
	pb_json_str(b, "version", p->version);
	pb_json_int(b, "time", (int64_t)now);
	pb_json_int(b, "every_s", p->beat_s);
	pb_json_open(b, "publish");
	pb_json_int(b, "depth", qs->depth);
	pb_json_int(b, "oldest_age_s", qs->oldest_age_s);
	pb_json_int(b, "dead", qs->dead);
	pb_json_str(b, "blocked", p->stats.blocked[0] ? p->stats.blocked : NULL);
	pb_json_close(b);
	pb_json_array(b, "hours"); /* [start, sessions, prints, emails, downloads] */
	for (int i = 0; i < p->nhours; i++) {
		pb_json_array(b, NULL);
		pb_json_int(b, NULL, p->hours[i].start);
		for (int k = 0; k < 4; k++)
			pb_json_int(b, NULL, p->hours[i].n[k]);
		pb_json_close(b);
	}
	pb_json_close(b);
	pb_buf_printf(b, ",\"status\":%s", p->status_json);
	pb_json_close(b);
}

/* The listing: the keys under EVENT/_booths/ that may be a booth's beat, up to the cap; the
 * others are unreadable by their key alone. */
struct listing {
	const char *prefix, *own;
	char **names; /* the booths' names, from their keys */
	size_t n;
	struct pb_fleet *fleet;
};

static void
listed(void *ctx, const char *key)
{
	struct listing *l = ctx;
	size_t plen = strlen(l->prefix), len = strlen(key);
	char name[80];
	if (!strcmp(key, l->own))
		return;
	if (strncmp(key, l->prefix, plen) || len < plen + 6 || strcmp(key + len - 5, ".json") ||
	    len - plen - 5 >= sizeof(name)) {
		pb_fleet_add_unreadable(l->fleet, key, "not BOOTH.json");
		return;
	}
	memcpy(name, key + plen, len - plen - 5);
	name[len - plen - 5] = '\0';
	if (!pb_fleet_name_valid(name)) {
		pb_fleet_add_unreadable(l->fleet, key, "not a booth's name");
		return;
	}
	if (l->n + 1 >= PB_FLEET_MAX) { /* this booth's own is the one more */
		l->fleet->not_read++;
		return;
	}
	l->names = pb_xrealloc(l->names, (l->n + 1) * sizeof(*l->names));
	l->names[l->n++] = pb_xstrdup(name);
}

void
publish_fleet_free(struct pb_publish *p)
{
	pb_fleet_free(&p->fleet);
}

/* One beat read into fleet: a booth, or unreadable with why. */
static void
read_beat(struct pb_fleet *fleet, const char *key, const char *name, const char *text)
{
	struct pb_fleet_booth b;
	char why[96];
	if (pb_fleet_read(name, text, &b, why, sizeof(why)) == 0)
		pb_fleet_add(fleet, &b);
	else
		pb_fleet_add_unreadable(fleet, key, why);
}

static void
beat_round(struct pb_publish *p)
{
	char *prefix = pb_xasprintf("%s/_booths/", p->event);
	char *own = pb_xasprintf("%s%s.json", prefix, p->booth);
	struct hour hours[HOURS_MAX];
	struct pb_fleet fleet = { 0 };
	struct listing l = { prefix, own, NULL, 0, &fleet };
	struct pb_s3_result r;
	enum pb_s3_outcome o;
	struct pb_buf b;
	time_t now = time(NULL);
	int changed, nh;

	struct pb_sendq_stats qs;
	pb_buf_init(&b);
	pb_sendq_stats(p->q, &qs);
	pthread_mutex_lock(&p->lock);
	changed = tally(p, now);
	nh = p->nhours;
	memcpy(hours, p->hours, sizeof(hours[0]) * (size_t)nh);
	beat_json(p, now, &qs, &b);
	pthread_mutex_unlock(&p->lock);
	if (changed)
		hours_save(p, hours, nh);

	o = pb_s3_put(&p->s3, own, b.data, b.len, "application/json", "no-cache", &r);
	pthread_mutex_lock(&p->lock);
	/* staff see a refusal of this booth at once; the store merely away is the uploads' to
	 * find out for themselves */
	if (o != PB_S3_AWAY)
		publish_store_answer(p, o, &r);
	if (o == PB_S3_OK)
		p->beat_ok_ms = pb_now_ms();
	pthread_mutex_unlock(&p->lock);
	if (o != PB_S3_OK)
		pb_warn("publish: heartbeat %s: %s", own, r.error);

	if (o == PB_S3_OK)
		o = pb_s3_list(&p->s3, prefix, listed, &l, &r);
	read_beat(&fleet, own, p->booth, b.data); /* this booth's, as just written */
	for (size_t i = 0; o == PB_S3_OK && i < l.n && !__atomic_load_n(&p->stop, __ATOMIC_RELAXED);
	     i++) {
		struct pb_buf other;
		struct pb_s3_result gr;
		char *key = pb_xasprintf("%s%s.json", prefix, l.names[i]);
		pb_buf_init(&other);
		if (pb_s3_get(&p->s3, key, &other, PB_FLEET_BEAT_MAX, &gr) == PB_S3_OK)
			read_beat(&fleet, key, l.names[i], other.data ? other.data : "");
		else if (gr.http != 404) /* one deleted since the listing is simply gone */
			pb_fleet_add_unreadable(&fleet, key, gr.error);
		pb_buf_fini(&other);
		free(key);
	}
	pthread_mutex_lock(&p->lock);
	if (o == PB_S3_OK) {
		publish_fleet_free(p);
		p->fleet = fleet;
		p->stats.booths = fleet.n;
		p->fleet_known = 1;
		p->fleet_error[0] = '\0';
		memset(&fleet, 0, sizeof(fleet));
	} else {
		/* the booths as last listed would pass for the fleet now: say it is unknown */
		if (p->fleet_known || strcmp(p->fleet_error, r.error))
			pb_warn("publish: cannot list the event's booths (%s): %s", prefix,
				r.error);
		p->fleet_known = 0;
		snprintf(p->fleet_error, sizeof(p->fleet_error), "%s", r.error);
	}
	pthread_mutex_unlock(&p->lock);
	pb_fleet_free(&fleet);
	for (size_t i = 0; i < l.n; i++)
		free(l.names[i]);
	free(l.names);
	pb_buf_fini(&b);
	free(own);
	free(prefix);
}

void *
publish_beat_main(void *arg)
{
	struct pb_publish *p = arg;
	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		uint64_t now = pb_now_ms();
		if (p->status_json && now >= p->beat_due_ms) {
			p->beat_due_ms = now + (uint64_t)p->beat_s * 1000u;
			pthread_mutex_unlock(&p->lock);
			beat_round(p);
			pthread_mutex_lock(&p->lock);
			continue;
		}
		/* the first status wakes it; then the next beat's time */
		pb_cond_wait_ms(&p->beat_cond, &p->lock,
				p->status_json ? (unsigned)(p->beat_due_ms - now) : 60000u);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int
pb_publish_fleet(struct pb_publish *p, struct pb_fleet *out, char *why, size_t n)
{
	int known;
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&p->lock);
	known = p->fleet_known;
	if (!known)
		snprintf(why, n, "%s",
			 p->fleet_error[0] ? p->fleet_error
					   : "not listed yet (the first heartbeat)");
	else
		pb_fleet_copy(out, &p->fleet);
	pthread_mutex_unlock(&p->lock);
	return known ? 0 : -1;
}
