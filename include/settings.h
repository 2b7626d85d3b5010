/* settings.h - what staff change at the booth (theme, delivery mode) and the counters, kept in
 * data_dir/settings.ini apart from the read-only config file, so a restart keeps the venue's
 * choices. Written atomically (file.h): after a crash the file holds the old values or the
 * new ones, never a mix. Load and format on the main thread; save on any thread. */
#ifndef PB_SETTINGS_H
#define PB_SETTINGS_H

#include <stdint.h>
#include <time.h>
#include "json.h"
#include "status.h"

enum pb_count {
	PB_COUNT_SESSIONS,  /* sessions started */
	PB_COUNT_PHOTOS,    /* photos kept */
	PB_COUNT_PRINTS,    /* prints asked for */
	PB_COUNT_EMAILS,    /* emails queued */
	PB_COUNT_DOWNLOADS, /* photos downloaded through a QR link */
	PB_COUNT_FAILURES,  /* error screens */
	PB_COUNT_N
};

struct pb_settings {
	char overlay[64];  /* staff's theme; "" for the config file's */
	int delivery;      /* staff's enum pb_delivery; -1 for the config file's */
	uint64_t since_reset[PB_COUNT_N];
	uint64_t total[PB_COUNT_N]; /* all-time: a counters reset leaves these */
	time_t reset_at;   /* when the counters were last reset; 0 never */
};

void pb_settings_init(struct pb_settings *s);

/* Reads path into s. A missing file leaves the defaults (PB_OK). A damaged one is moved to
 * path.bad and reported in why (PB_ERR_INPUT): values read before the damage are kept. */
enum pb_status pb_settings_load(const char *path, struct pb_settings *s, char *why,
				size_t whylen);

/* The file's text. */
void pb_settings_format(const struct pb_settings *s, struct pb_buf *out);

/* Adds n to a counter (both the since-reset and the all-time one). */
void pb_settings_count(struct pb_settings *s, enum pb_count c, uint64_t n);

/* Zeroes the since-reset counters. */
void pb_settings_reset_counters(struct pb_settings *s, time_t now);

/* Stable lower-case names ("sessions", ...) used in the file and in status output. */
const char *pb_count_name(enum pb_count c);

/* The counters as the "totals" member of the JSON object open in out:
 * {"since_reset": {...}, "reset_at": T, "all_time": {...}}. */
void pb_settings_counters_json(const struct pb_settings *s, struct pb_buf *out);

#endif
