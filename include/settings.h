/* settings.h - what staff change at the booth (theme, delivery mode) and the counters, kept in
 * data_dir/settings.ini apart from the read-only config file, so a restart keeps the venue's
 * choices. Written atomically (file.h): after a crash the file holds the old values or the
 * new ones, never a mix. Load and format on the main thread; save on any thread.
 *
 * struct pb_settings_store is the running booth's copy: it counts what the kiosk and the
 * gallery did, holds staff's switches that wait for the guest on screen, and queues the file
 * to the worker (in order, so the last one written wins). Main thread. */
#ifndef PB_SETTINGS_H
#define PB_SETTINGS_H

#include <limits.h>
#include <stdint.h>
#include <time.h>
#include "json.h"
#include "kiosk.h"
#include "status.h"
#include "worker.h"

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
	char overlay[64]; /* staff's theme; "" for the config file's */
	int delivery;	  /* staff's enum pb_delivery; -1 for the config file's */
	uint64_t since_reset[PB_COUNT_N];
	uint64_t total[PB_COUNT_N]; /* all-time: a counters reset leaves these */
	time_t reset_at;	    /* when the counters were last reset; 0 never */
	/* the staff keypad's lockout (staff.h), so a restart does not give more tries */
	uint64_t pin_wrong, pin_streak;
	time_t pin_locked_until; /* wall clock; 0: not locked */
};

void pb_settings_init(struct pb_settings *s);

/* Reads path into s. A missing file leaves the defaults (PB_OK). A damaged one is moved to
 * path.bad and reported in why (PB_ERR_INPUT): values read before the damage are kept. */
enum pb_status pb_settings_load(const char *path, struct pb_settings *s, char *why, size_t whylen);

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

struct pb_settings_store {
	char path[PATH_MAX]; /* data_dir/settings.ini */
	struct pb_settings settings;
	int dirty; /* changed since the last save */
	uint64_t saved_ms;
	struct pb_kiosk_counters counted; /* the kiosk's counters already added */
	unsigned opened_counted;	  /* the gallery's downloads already added */
	char pending_overlay[64];	  /* a theme switch waiting for the session to end */
	int pending_delivery;		  /* the same for the delivery mode; -1 none */
};

void pb_settings_store_init(struct pb_settings_store *st, const char *data_dir);
/* pb_settings_load on the store's path. */
enum pb_status pb_settings_store_load(struct pb_settings_store *st, char *why, size_t whylen);
/* Adds what the kiosk's counters and the gallery's download count grew by since the last call. */
void pb_settings_store_count(struct pb_settings_store *st, const struct pb_kiosk_counters *k,
			     unsigned downloads);
/* Queues the file's text to w now (staff's choices: a power cut a moment later keeps them). */
void pb_settings_store_save(struct pb_settings_store *st, struct pb_worker *w, uint64_t now);
/* Whether counters changed and the last save is a second old (a busy party must not wear out
 * the SD card). */
int pb_settings_store_due(const struct pb_settings_store *st, uint64_t now);

#endif
