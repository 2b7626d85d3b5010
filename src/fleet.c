/* fleet.c - the event's booths from their heartbeats (fleet.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "json.h"
#include "json_read.h"
#include "mem.h"

#define COUNT_MAX 4000000000LL /* an hour's start (to 2096) and any hour's count */

int
pb_fleet_name_valid(const char *name)
{
	size_t n = strlen(name);
	return n > 0 && n <= 64 &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") ==
		       n;
}

/* The length of the UTF-8 character at s (1 to 4) and its code point, or 0 when the bytes
 * are not one (overlong forms and surrogates included). */
static int
utf8_char(const unsigned char *s, unsigned *cp)
{
	int len = s[0] < 0x80		  ? 1
		  : (s[0] & 0xe0) == 0xc0 ? 2
		  : (s[0] & 0xf0) == 0xe0 ? 3
		  : (s[0] & 0xf8) == 0xf0 ? 4
					  : 0;
	static const unsigned min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (!len)
		return 0;
	*cp = len == 1 ? s[0] : s[0] & (0x7fu >> len);
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3fu);
	}
	if (*cp < min[len] || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

static int
hidden(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x61c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

void
pb_fleet_escape(const char *in, char *out, size_t n)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;
	if (!n)
		return;
	while (*s) {
		unsigned cp;
		char esc[16];
		int len = utf8_char(s, &cp);
		size_t add;
		if (!len) {
			snprintf(esc, sizeof(esc), "\\x%02X", *s);
			len = 1;
		} else if (hidden(cp)) {
			snprintf(esc, sizeof(esc), cp < 0x100 ? "\\x%02X" : "\\u{%04X}", cp);
		} else {
			memcpy(esc, s, (size_t)len);
			esc[len] = '\0';
		}
		add = strlen(esc);
		if (o + add >= n)
			break;
		memcpy(out + o, esc, add);
		o += add;
		s += len;
	}
	out[o] = '\0';
}

static long long
num_at(const char *beat, const char *path)
{
	long long v;
	return pb_json_int_of(pb_json_at(beat, path), &v) == 0 ? v : -1;
}

static void
text_at(const char *beat, const char *path, char *out, size_t n)
{
	char raw[512];
	pb_json_str_of(pb_json_at(beat, path), raw, sizeof(raw));
	pb_fleet_escape(raw, out, n);
}

/* The beat's hours, each [start, sessions, prints, emails, downloads] in range; others are
 * skipped. One pass over the array, at most PB_FLEET_HOURS kept. */
static void
read_hours(const char *beat, struct pb_fleet_booth *b)
{
	const char *h = pb_json_elem(pb_json_at(beat, "hours"), 0);
	for (; h && b->nhours < PB_FLEET_HOURS; h = pb_json_next(h)) {
		long long row[5];
		const char *c = pb_json_elem(h, 0);
		int ok = 1, k = 0;
		for (; c && k < 5; c = pb_json_next(c), k++)
			ok &= pb_json_int_of(c, &row[k]) == 0 && row[k] >= 0 && row[k] <= COUNT_MAX;
		if (!ok || k != 5 || c)
			continue; /* not an hour a booth counted: no sum can overflow */
		if (!b->hours)
			b->hours = pb_xcalloc(PB_FLEET_HOURS, sizeof(*b->hours));
		b->hours[b->nhours].start = row[0];
		memcpy(b->hours[b->nhours].n, row + 1, sizeof(b->hours[0].n));
		b->nhours++;
	}
}

int
pb_fleet_read(const char *name, const char *beat, struct pb_fleet_booth *b, char *why, size_t n)
{
	char booth[128];
	memset(b, 0, sizeof(*b));
	if (strlen(beat) > PB_FLEET_BEAT_MAX || !pb_json_is_object(beat)) {
		snprintf(why, n, "not one JSON object");
		return -1;
	}
	if (pb_json_str_of(pb_json_at(beat, "booth"), booth, sizeof(booth)) < 0 ||
	    strcmp(booth, name) || !pb_fleet_name_valid(booth)) {
		snprintf(why, n, "its \"booth\" is not the name in its key");
		return -1;
	}
	if ((b->time = num_at(beat, "time")) < 0) {
		snprintf(why, n, "no \"time\"");
		return -1;
	}
	snprintf(b->booth, sizeof(b->booth), "%s", booth);
	text_at(beat, "version", b->version, sizeof(b->version));
	text_at(beat, "status.state", b->state, sizeof(b->state));
	text_at(beat, "status.camera.state", b->camera, sizeof(b->camera));
	text_at(beat, "status.printer.state", b->printer, sizeof(b->printer));
	text_at(beat, "publish.blocked", b->blocked, sizeof(b->blocked));
	b->paper_left = num_at(beat, "status.printer.prints_remaining");
	b->outbox = num_at(beat, "status.outbox.depth");
	b->uploads = num_at(beat, "publish.depth");
	b->disk_free_mb = num_at(beat, "status.disk.free_mb");
	b->sessions = num_at(beat, "status.counters.sessions");
	b->every_s = num_at(beat, "every_s");
	if (b->every_s <= 0 || b->every_s > 86400) /* absent, or not a heartbeat's interval */
		b->every_s = 30;
	read_hours(beat, b);
	return 0;
}

void
pb_fleet_booth_fini(struct pb_fleet_booth *b)
{
	free(b->hours);
	b->hours = NULL;
	b->nhours = 0;
}

void
pb_fleet_add(struct pb_fleet *f, struct pb_fleet_booth *b)
{
	if (f->n >= PB_FLEET_MAX) {
		f->not_read++;
		pb_fleet_booth_fini(b);
		return;
	}
	f->booths = pb_xrealloc(f->booths, (size_t)(f->n + 1) * sizeof(*f->booths));
	f->booths[f->n++] = *b;
	b->hours = NULL;
	b->nhours = 0;
}

void
pb_fleet_add_unreadable(struct pb_fleet *f, const char *key, const char *why)
{
	if (f->nunreadable >= PB_FLEET_UNREADABLE) {
		f->unreadable_more++;
		return;
	}
	struct pb_fleet_unreadable *u = &f->unreadable[f->nunreadable++];
	pb_fleet_escape(key, u->key, sizeof(u->key));
	pb_fleet_escape(why, u->why, sizeof(u->why));
}

void
pb_fleet_copy(struct pb_fleet *dst, const struct pb_fleet *src)
{
	*dst = *src;
	dst->booths = src->n ? pb_xcalloc((size_t)src->n, sizeof(*dst->booths)) : NULL;
	for (int i = 0; i < src->n; i++) {
		dst->booths[i] = src->booths[i];
		if (src->booths[i].hours) {
			dst->booths[i].hours =
				pb_xcalloc(PB_FLEET_HOURS, sizeof(struct pb_fleet_hour));
			memcpy(dst->booths[i].hours, src->booths[i].hours,
			       (size_t)src->booths[i].nhours * sizeof(struct pb_fleet_hour));
		}
	}
}

void
pb_fleet_free(struct pb_fleet *f)
{
	for (int i = 0; i < f->n; i++)
		pb_fleet_booth_fini(&f->booths[i]);
	free(f->booths);
	memset(f, 0, sizeof(*f));
}

int
pb_fleet_silent(const struct pb_fleet_booth *b, time_t now)
{
	return (long long)now - b->time > PB_FLEET_SILENT_BEATS * b->every_s;
}

static void
age_words(long long s, char *out, size_t n)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(out, n, "%lld s", s);
	else if (s < 7200)
		snprintf(out, n, "%lld min", s / 60);
	else
		snprintf(out, n, "%lld h", s / 3600);
}

void
pb_fleet_line(const struct pb_fleet_booth *b, time_t now, char *out, size_t n)
{
	char age[32];
	size_t len;
	age_words((long long)now - b->time, age, sizeof(age));
	if (pb_fleet_silent(b, now)) {
		snprintf(out, n, "%s: SILENT for %s (last seen %s)", b->booth, age,
			 b->state[0] ? b->state : "?");
		return;
	}
	/* short enough for the staff panel of a 800x480 screen: what is fine goes unsaid */
	len = (size_t)snprintf(out, n, "%s: %s", b->booth, b->state[0] ? b->state : "?");
	if (strcmp(b->camera, "connected") && len < n)
		len += (size_t)snprintf(out + len, n - len, " · camera %s",
					b->camera[0] ? b->camera : "?");
	if (b->printer[0] && strcmp(b->printer, "idle") && strcmp(b->printer, "printing") &&
	    len < n)
		len += (size_t)snprintf(out + len, n - len, " · printer %s", b->printer);
	if (b->paper_left >= 0 && len < n)
		len += (size_t)snprintf(out + len, n - len, " · %lld prints left", b->paper_left);
	if (b->outbox > 0 && len < n)
		len += (size_t)snprintf(out + len, n - len, " · %lld email%s waiting", b->outbox,
					b->outbox == 1 ? "" : "s");
	if (b->uploads > 0 && len < n)
		len += (size_t)snprintf(out + len, n - len, " · %lld upload%s waiting", b->uploads,
					b->uploads == 1 ? "" : "s");
	if (b->blocked[0] && len < n)
		len += (size_t)snprintf(out + len, n - len, " · store refuses it");
	if (len < n)
		snprintf(out + len, n - len, " · %s ago", age);
}

static void
unreadable_json(const struct pb_fleet *f, struct pb_buf *out)
{
	pb_json_array(out, "unreadable");
	for (int i = 0; i < f->nunreadable; i++) {
		pb_json_open(out, NULL);
		pb_json_str(out, "key", f->unreadable[i].key);
		pb_json_str(out, "why", f->unreadable[i].why);
		pb_json_close(out);
	}
	pb_json_close(out);
	pb_json_int(out, "unreadable_more", f->unreadable_more);
	pb_json_int(out, "not_read", f->not_read);
	pb_json_int(out, "max", PB_FLEET_MAX);
}

int
pb_fleet_list(const struct pb_fleet *f, time_t now, int json, struct pb_buf *out)
{
	int silent = 0;
	if (json) {
		pb_json_open(out, NULL);
		pb_json_int(out, "time", (int64_t)now);
		pb_json_array(out, "booths");
	}
	for (int i = 0; i < f->n; i++) {
		const struct pb_fleet_booth *b = &f->booths[i];
		char line[512];
		silent += pb_fleet_silent(b, now);
		if (!json) {
			pb_fleet_line(b, now, line, sizeof(line));
			pb_buf_printf(out, "%s\n", line);
			continue;
		}
		pb_json_open(out, NULL);
		pb_json_str(out, "booth", b->booth);
		pb_json_int(out, "age_s", (long long)now - b->time);
		pb_json_bool(out, "silent", pb_fleet_silent(b, now));
		pb_json_int(out, "every_s", b->every_s);
		pb_json_str(out, "state", b->state);
		pb_json_str(out, "camera", b->camera);
		pb_json_str(out, "printer", b->printer[0] ? b->printer : NULL);
		pb_json_int(out, "paper_left", b->paper_left);
		pb_json_int(out, "outbox", b->outbox);
		pb_json_int(out, "uploads", b->uploads);
		pb_json_str(out, "blocked", b->blocked[0] ? b->blocked : NULL);
		pb_json_int(out, "disk_free_mb", b->disk_free_mb);
		pb_json_int(out, "sessions", b->sessions);
		pb_json_str(out, "version", b->version);
		pb_json_close(out);
	}
	if (json) {
		pb_json_close(out);
		pb_json_int(out, "silent", silent);
		unreadable_json(f, out);
		pb_json_close(out);
		pb_buf_append(out, "\n", 1);
		return silent;
	}
	for (int i = 0; i < f->nunreadable; i++)
		pb_buf_printf(out, "%s: unreadable (%s)\n", f->unreadable[i].key,
			      f->unreadable[i].why);
	pb_buf_printf(out, "%d booth%s, %d silent", f->n, f->n == 1 ? "" : "s", silent);
	if (f->nunreadable + f->unreadable_more)
		pb_buf_printf(out, ", %d unreadable", f->nunreadable + f->unreadable_more);
	if (f->not_read)
		pb_buf_printf(out, ", %d more not read (over %d)", f->not_read, PB_FLEET_MAX);
	pb_buf_append(out, "\n", 1);
	return silent;
}

static const char *const kinds[4] = { "sessions", "prints", "emails", "downloads" };

void
pb_fleet_report(const struct pb_fleet *f, int json, struct pb_buf *out)
{
	long long event[4] = { 0 };
	if (json) {
		pb_json_open(out, NULL);
		pb_json_array(out, "booths");
	} else {
		pb_buf_printf(out, "%-16s %-16s %8s %8s %8s %9s\n", "booth", "hour", "sessions",
			      "prints", "emails", "downloads");
	}
	for (int i = 0; i < f->n; i++) {
		const struct pb_fleet_booth *b = &f->booths[i];
		long long total[4] = { 0 };
		if (json) {
			pb_json_open(out, NULL);
			pb_json_str(out, "booth", b->booth);
			pb_json_array(out, "hours");
		}
		for (int k = 0; k < b->nhours; k++) {
			const struct pb_fleet_hour *h = &b->hours[k];
			for (int c = 0; c < 4; c++)
				total[c] += h->n[c];
			if (json) {
				pb_json_open(out, NULL);
				pb_json_int(out, "start", h->start);
				for (int c = 0; c < 4; c++)
					pb_json_int(out, kinds[c], h->n[c]);
				pb_json_close(out);
				continue;
			}
			char when[32];
			time_t t = (time_t)h->start;
			struct tm tm;
			if (!localtime_r(&t, &tm) ||
			    !strftime(when, sizeof(when), "%Y-%m-%d %H:00", &tm))
				snprintf(when, sizeof(when), "?");
			pb_buf_printf(out, "%-16s %-16s %8lld %8lld %8lld %9lld\n", b->booth, when,
				      h->n[0], h->n[1], h->n[2], h->n[3]);
		}
		for (int c = 0; c < 4; c++)
			event[c] += total[c];
		if (json) {
			pb_json_close(out);
			for (int c = 0; c < 4; c++)
				pb_json_int(out, kinds[c], total[c]);
			pb_json_close(out);
		} else {
			pb_buf_printf(out, "%-16s %-16s %8lld %8lld %8lld %9lld\n", b->booth,
				      "total", total[0], total[1], total[2], total[3]);
		}
	}
	if (json) {
		pb_json_close(out);
		pb_json_open(out, "event");
		for (int c = 0; c < 4; c++)
			pb_json_int(out, kinds[c], event[c]);
		pb_json_close(out);
		unreadable_json(f, out);
		pb_json_close(out);
		pb_buf_append(out, "\n", 1);
	} else {
		pb_buf_printf(out, "%-16s %-16s %8lld %8lld %8lld %9lld\n", "event", "total",
			      event[0], event[1], event[2], event[3]);
		if (f->nunreadable + f->unreadable_more || f->not_read)
			pb_buf_printf(out, "(not counted: %d unreadable beat%s, %d not read)\n",
				      f->nunreadable + f->unreadable_more,
				      f->nunreadable + f->unreadable_more == 1 ? "" : "s",
				      f->not_read);
	}
}
