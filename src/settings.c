#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "file.h"
#include "inifile.h"
#include "log.h"
#include "mem.h"
#include "overlay.h"
#include "settings.h"

_Static_assert(sizeof(((struct pb_settings *)0)->overlay) > PB_THEME_NAME_MAX &&
		       sizeof(((struct pb_settings_store *)0)->pending_overlay) > PB_THEME_NAME_MAX,
	       "a theme's name fits settings.ini's fields");

static const char *const count_names[PB_COUNT_N] = {
	[PB_COUNT_SESSIONS] = "sessions",   [PB_COUNT_PHOTOS] = "photos",
	[PB_COUNT_PRINTS] = "prints",	    [PB_COUNT_EMAILS] = "emails",
	[PB_COUNT_DOWNLOADS] = "downloads", [PB_COUNT_FAILURES] = "failures",
};

const char *
pb_count_name(enum pb_count c)
{
	return (unsigned)c < PB_COUNT_N ? count_names[c] : "unknown";
}

void
pb_settings_init(struct pb_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->delivery = -1;
}

void
pb_settings_count(struct pb_settings *s, enum pb_count c, uint64_t n)
{
	s->since_reset[c] += n;
	s->total[c] += n;
}

void
pb_settings_reset_counters(struct pb_settings *s, time_t now)
{
	memset(s->since_reset, 0, sizeof(s->since_reset));
	s->reset_at = now;
}

static int
parse_u64(const char *v, uint64_t *out)
{
	char *end;
	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || *end)
		return -1;
	*out = n;
	return 0;
}

static void
on_key(struct pb_ini *ini, const char *section, const char *name, const char *value)
{
	struct pb_settings *s = ini->user;
	uint64_t n;

	if (!strcmp(section, "kiosk") && !strcmp(name, "overlay")) {
		if (!pb_overlay_name_ok(value))
			pb_ini_error(ini, "overlay: '%s' is not a theme name", value);
		else
			snprintf(s->overlay, sizeof(s->overlay), "%s", value);
		return;
	}
	if (!strcmp(section, "kiosk") && !strcmp(name, "delivery")) {
		int d = pb_delivery_parse(value);
		if (d < 0)
			pb_ini_error(ini, "delivery: '%s' is not print, share or both", value);
		else
			s->delivery = d;
		return;
	}
	if (!strcmp(section, "counters") && !strcmp(name, "reset_at")) {
		if (parse_u64(value, &n))
			pb_ini_error(ini, "reset_at: '%s' is not a time", value);
		else
			s->reset_at = (time_t)n;
		return;
	}
	if (!strcmp(section, "pin")) {
		uint64_t *slot = !strcmp(name, "wrong")		      ? &s->pin_wrong
				 : !strcmp(name, "lockouts_in_a_row") ? &s->pin_streak
				 : !strcmp(name, "locked_until")      ? &n
								      : NULL;
		if (!slot)
			pb_ini_error(ini, "unknown setting [pin] %s", name);
		else if (parse_u64(value, slot))
			pb_ini_error(ini, "%s: '%s' is not a number", name, value);
		else if (slot == &n)
			s->pin_locked_until = (time_t)n;
		return;
	}
	for (int c = 0; c < PB_COUNT_N; c++) {
		uint64_t *slot = !strcmp(section, "counters") ? &s->since_reset[c]
				 : !strcmp(section, "totals") ? &s->total[c]
							      : NULL;
		if (!slot || strcmp(name, count_names[c]))
			continue;
		if (parse_u64(value, slot))
			pb_ini_error(ini, "%s: '%s' is not a count", name, value);
		return;
	}
	pb_ini_error(ini, "unknown setting [%s] %s", section, name);
}

enum pb_status
pb_settings_load(const char *path, struct pb_settings *s, char *why, size_t whylen)
{
	struct pb_ini ini = { .path = path, .user = s, .handler = on_key };
	FILE *f = fopen(path, "r");

	why[0] = '\0';
	if (!f)
		return errno == ENOENT ? PB_OK : PB_ERR_IO;
	fclose(f);
	pb_buf_init(&ini.msg);
	enum pb_status st = pb_ini_parse(&ini);
	if (st != PB_OK) {
		char *bad = pb_xasprintf("%s.bad", path);
		snprintf(why, whylen, "%s", ini.msg.data ? ini.msg.data : path);
		rename(path, bad);
		free(bad);
		st = PB_ERR_INPUT;
	}
	pb_buf_fini(&ini.msg);
	return st;
}

void
pb_settings_format(const struct pb_settings *s, struct pb_buf *out)
{
	pb_buf_printf(out, "# photobooth: staff's choices and the counters, written by the kiosk.\n"
			   "# Everything else is in the config file; keys here win over it.\n"
			   "[kiosk]\n");
	if (s->overlay[0])
		pb_buf_printf(out, "overlay = %s\n", s->overlay);
	if (s->delivery >= 0)
		pb_buf_printf(out, "delivery = %s\n", pb_delivery_name(s->delivery));
	pb_buf_printf(out, "\n[counters]\nreset_at = %lld\n", (long long)s->reset_at);
	for (int c = 0; c < PB_COUNT_N; c++)
		pb_buf_printf(out, "%s = %" PRIu64 "\n", count_names[c], s->since_reset[c]);
	pb_buf_printf(out, "\n[totals]\n");
	for (int c = 0; c < PB_COUNT_N; c++)
		pb_buf_printf(out, "%s = %" PRIu64 "\n", count_names[c], s->total[c]);
	if (s->pin_wrong || s->pin_streak || s->pin_locked_until)
		pb_buf_printf(out,
			      "\n[pin]\nwrong = %" PRIu64 "\nlockouts_in_a_row = %" PRIu64
			      "\nlocked_until = %lld\n",
			      s->pin_wrong, s->pin_streak, (long long)s->pin_locked_until);
}

void
pb_settings_counters_json(const struct pb_settings *s, struct pb_buf *out)
{
	pb_json_open(out, "totals");
	pb_json_open(out, "since_reset");
	for (int c = 0; c < PB_COUNT_N; c++)
		pb_json_int(out, count_names[c], (int64_t)s->since_reset[c]);
	pb_json_close(out);
	pb_json_int(out, "reset_at", (int64_t)s->reset_at);
	pb_json_open(out, "all_time");
	for (int c = 0; c < PB_COUNT_N; c++)
		pb_json_int(out, count_names[c], (int64_t)s->total[c]);
	pb_json_close(out);
	pb_json_close(out);
}

/* The running booth's copy */

void
pb_settings_store_init(struct pb_settings_store *st, const char *data_dir)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->path, sizeof(st->path), "%s/settings.ini", data_dir);
	pb_settings_init(&st->settings);
	st->pending_delivery = -1;
}

enum pb_status
pb_settings_store_load(struct pb_settings_store *st, char *why, size_t whylen)
{
	return pb_settings_load(st->path, &st->settings, why, whylen);
}

static void
add(struct pb_settings_store *st, enum pb_count c, uint32_t now, uint32_t *seen)
{
	if (now != *seen) {
		pb_settings_count(&st->settings, c, (uint64_t)(uint32_t)(now - *seen));
		*seen = now;
		st->dirty = 1;
	}
}

void
pb_settings_store_count(struct pb_settings_store *st, const struct pb_kiosk_counters *k,
			unsigned downloads)
{
	struct pb_kiosk_counters *s = &st->counted;
	add(st, PB_COUNT_SESSIONS, k->sessions, &s->sessions);
	add(st, PB_COUNT_PHOTOS, k->photos, &s->photos);
	add(st, PB_COUNT_PRINTS, k->prints, &s->prints);
	add(st, PB_COUNT_EMAILS, k->emails, &s->emails);
	add(st, PB_COUNT_FAILURES, k->failures, &s->failures);
	add(st, PB_COUNT_DOWNLOADS, downloads, &st->opened_counted);
}

struct save_job {
	struct pb_job job;
	char path[PATH_MAX];
	struct pb_buf text;
};

static void
save_run(struct pb_job *job)
{
	struct save_job *sj = (struct save_job *)job;
	if (pb_file_write_atomic(sj->path, sj->text.data, sj->text.len, 0640) != PB_OK)
		pb_err("settings: cannot save %s (see above); staff's choices last until restart",
		       sj->path);
}

static void
save_destroy(struct pb_job *job)
{
	struct save_job *sj = (struct save_job *)job;
	pb_buf_fini(&sj->text);
	free(sj);
}

void
pb_settings_store_save(struct pb_settings_store *st, struct pb_worker *w, uint64_t now)
{
	struct save_job *sj = pb_xcalloc(1, sizeof(*sj));
	sj->job.run = save_run;
	sj->job.destroy = save_destroy;
	snprintf(sj->path, sizeof(sj->path), "%s", st->path);
	pb_buf_init(&sj->text);
	pb_settings_format(&st->settings, &sj->text);
	pb_worker_submit(w, &sj->job); /* in order: the last one written wins */
	st->dirty = 0;
	st->saved_ms = now;
}

int
pb_settings_store_due(const struct pb_settings_store *st, uint64_t now)
{
	return st->dirty && now - st->saved_ms >= 1000;
}
