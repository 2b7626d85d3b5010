/* fleet.c - the event's booths from their heartbeats (fleet.h). */
#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "json.h"
#include "json_read.h"

static long long
num_at(const char *beat, const char *path)
{
	long long v;
	return pb_json_int_of(pb_json_at(beat, path), &v) == 0 ? v : -1;
}

int
pb_fleet_read(const char *beat, struct pb_fleet_booth *b)
{
	memset(b, 0, sizeof(*b));
	if (pb_json_str_of(pb_json_at(beat, "booth"), b->booth, sizeof(b->booth)) < 0 ||
	    !b->booth[0] || (b->time = num_at(beat, "time")) < 0)
		return -1;
	pb_json_str_of(pb_json_at(beat, "version"), b->version, sizeof(b->version));
	pb_json_str_of(pb_json_at(beat, "status.state"), b->state, sizeof(b->state));
	pb_json_str_of(pb_json_at(beat, "status.camera.state"), b->camera, sizeof(b->camera));
	pb_json_str_of(pb_json_at(beat, "status.printer.state"), b->printer, sizeof(b->printer));
	pb_json_str_of(pb_json_at(beat, "publish.blocked"), b->blocked, sizeof(b->blocked));
	b->paper_left = num_at(beat, "status.printer.prints_remaining");
	b->outbox = num_at(beat, "status.outbox.depth");
	b->uploads = num_at(beat, "publish.depth");
	b->disk_free_mb = num_at(beat, "status.disk.free_mb");
	b->sessions = num_at(beat, "status.counters.sessions");
	b->every_s = num_at(beat, "every_s");
	if (b->every_s <= 0 || b->every_s > 86400) /* absent, or not a heartbeat's interval */
		b->every_s = 30;
	return 0;
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

int
pb_fleet_list(const char *beats, time_t now, int json, struct pb_buf *out)
{
	const char *v;
	int silent = 0, n = 0;
	if (json) {
		pb_json_open(out, NULL);
		pb_json_int(out, "time", (int64_t)now);
		pb_json_array(out, "booths");
	}
	for (int i = 0; (v = pb_json_elem(beats, i)); i++) {
		struct pb_fleet_booth b;
		char line[512];
		if (pb_fleet_read(v, &b) < 0)
			continue;
		n++;
		silent += pb_fleet_silent(&b, now);
		if (!json) {
			pb_fleet_line(&b, now, line, sizeof(line));
			pb_buf_printf(out, "%s\n", line);
			continue;
		}
		pb_json_open(out, NULL);
		pb_json_str(out, "booth", b.booth);
		pb_json_int(out, "age_s", (long long)now - b.time);
		pb_json_bool(out, "silent", pb_fleet_silent(&b, now));
		pb_json_int(out, "every_s", b.every_s);
		pb_json_str(out, "state", b.state);
		pb_json_str(out, "camera", b.camera);
		pb_json_str(out, "printer", b.printer[0] ? b.printer : NULL);
		pb_json_int(out, "paper_left", b.paper_left);
		pb_json_int(out, "outbox", b.outbox);
		pb_json_int(out, "uploads", b.uploads);
		pb_json_str(out, "blocked", b.blocked[0] ? b.blocked : NULL);
		pb_json_int(out, "disk_free_mb", b.disk_free_mb);
		pb_json_int(out, "sessions", b.sessions);
		pb_json_str(out, "version", b.version);
		pb_json_close(out);
	}
	if (json) {
		pb_json_close(out);
		pb_json_int(out, "silent", silent);
		pb_json_close(out);
		pb_buf_append(out, "\n", 1);
	} else {
		pb_buf_printf(out, "%d booth%s, %d silent\n", n, n == 1 ? "" : "s", silent);
	}
	return silent;
}

#define COUNT_MAX 4000000000LL /* an hour's start (to 2096) and any hour's count */

static const char *const kinds[4] = { "sessions", "prints", "emails", "downloads" };

void
pb_fleet_report(const char *beats, int json, struct pb_buf *out)
{
	long long event[4] = { 0 };
	const char *v;
	if (json) {
		pb_json_open(out, NULL);
		pb_json_array(out, "booths");
	} else {
		pb_buf_printf(out, "%-16s %-16s %8s %8s %8s %9s\n", "booth", "hour", "sessions",
			      "prints", "emails", "downloads");
	}
	for (int i = 0; (v = pb_json_elem(beats, i)); i++) {
		struct pb_fleet_booth b;
		long long total[4] = { 0 };
		const char *h, *hours = pb_json_at(v, "hours");
		if (pb_fleet_read(v, &b) < 0)
			continue;
		if (json) {
			pb_json_open(out, NULL);
			pb_json_str(out, "booth", b.booth);
			pb_json_array(out, "hours");
		}
		for (int k = 0; (h = pb_json_elem(hours, k)); k++) {
			long long row[5];
			int ok = 1;
			for (int c = 0; c < 5; c++)
				ok &= pb_json_int_of(pb_json_elem(h, c), &row[c]) == 0 &&
				      row[c] >= 0 && row[c] <= COUNT_MAX;
			if (!ok) /* not an hour a booth counted: no sum can overflow */
				continue;
			for (int c = 0; c < 4; c++)
				total[c] += row[c + 1];
			if (json) {
				pb_json_open(out, NULL);
				pb_json_int(out, "start", row[0]);
				for (int c = 0; c < 4; c++)
					pb_json_int(out, kinds[c], row[c + 1]);
				pb_json_close(out);
				continue;
			}
			char when[32];
			time_t t = (time_t)row[0];
			struct tm tm;
			if (!localtime_r(&t, &tm) ||
			    !strftime(when, sizeof(when), "%Y-%m-%d %H:00", &tm))
				snprintf(when, sizeof(when), "?");
			pb_buf_printf(out, "%-16s %-16s %8lld %8lld %8lld %9lld\n", b.booth, when,
				      row[1], row[2], row[3], row[4]);
		}
		for (int c = 0; c < 4; c++)
			event[c] += total[c];
		if (json) {
			pb_json_close(out);
			for (int c = 0; c < 4; c++)
				pb_json_int(out, kinds[c], total[c]);
			pb_json_close(out);
		} else {
			pb_buf_printf(out, "%-16s %-16s %8lld %8lld %8lld %9lld\n", b.booth,
				      "total", total[0], total[1], total[2], total[3]);
		}
	}
	if (json) {
		pb_json_close(out);
		pb_json_open(out, "event");
		for (int c = 0; c < 4; c++)
			pb_json_int(out, kinds[c], event[c]);
		pb_json_close(out);
		pb_json_close(out);
		pb_buf_append(out, "\n", 1);
	} else {
		pb_buf_printf(out, "%-16s %-16s %8lld %8lld %8lld %9lld\n", "event", "total",
			      event[0], event[1], event[2], event[3]);
	}
}
