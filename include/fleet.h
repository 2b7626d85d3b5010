/* fleet.h - the event's booths, read from their heartbeats (publish.h: EVENT/_booths/BOOTH.json):
 * photoboothctl fleet and report, and the staff screen's line per other booth.
 *
 * Anyone holding a booth's key can write there, so each beat is read once, by the publisher's
 * heartbeat thread, into a bounded struct: one JSON object of at most PB_FLEET_BEAT_MAX bytes,
 * whose "booth" is the name in its key (1 to 64 letters, digits, - or _), with at most
 * PB_FLEET_HOURS hours. A beat that is not is "unreadable", named by its key, and hides no
 * other. At most PB_FLEET_MAX booths are read; the rest are counted. Text from the bucket is
 * kept with its control characters and bidirectional overrides escaped, so no terminal or
 * screen line shows what a beat's writer chose to hide. The main thread only formats these
 * structs: it never parses JSON from the bucket.
 *
 * Pure; any thread, one struct pb_fleet per caller. */
#ifndef PB_FLEET_H
#define PB_FLEET_H

#include <stddef.h>
#include <time.h>
#include "buf.h"

/* A booth not heard from for 4 of its heartbeats is flagged: 2 min at the default 30 s. */
#define PB_FLEET_SILENT_BEATS 4
#define PB_FLEET_MAX 256	       /* booths read in one round, this one among them */
#define PB_FLEET_HOURS 168	       /* hours kept per booth: a week */
#define PB_FLEET_UNREADABLE 16	       /* unreadable beats named; more are counted */
#define PB_FLEET_BEAT_MAX (256u << 10) /* one beat's bytes */

struct pb_fleet_hour {
	long long start;
	long long n[4]; /* sessions, prints, emails, downloads */
};

struct pb_fleet_booth {
	char booth[65];
	char state[32];	  /* the kiosk's screen: attract, countdown, ... */
	char camera[32];  /* connected, reconnecting, ... */
	char printer[32]; /* idle, processing, stopped; "" without a printer */
	char version[32];
	char blocked[160]; /* the store refusing that booth, in its words; "" when not */
	long long time;	   /* when it wrote the beat (its clock) */
	long long every_s; /* its heartbeat interval */
	long long paper_left, outbox, uploads, disk_free_mb, sessions; /* -1: unknown */
	struct pb_fleet_hour *hours;				       /* owned; NULL when none */
	int nhours;
};

struct pb_fleet_unreadable {
	char key[160]; /* the object's key, escaped */
	char why[96];
};

struct pb_fleet {
	struct pb_fleet_booth *booths; /* owned */
	int n;
	struct pb_fleet_unreadable unreadable[PB_FLEET_UNREADABLE];
	int nunreadable;     /* named above */
	int unreadable_more; /* unreadable past the ones named */
	int not_read;	     /* beats past PB_FLEET_MAX, listed but not read */
};

/* 1 when name is a booth's name: 1 to 64 letters, digits, - or _. */
int pb_fleet_name_valid(const char *name);

/* Reads one beat, the object stored under name (its key without the folder and ".json"):
 * 0, or -1 with the reason in why (not one JSON object, no time, a booth name other than
 * name). out owns its hours: pb_fleet_booth_fini. */
int pb_fleet_read(const char *name, const char *beat, struct pb_fleet_booth *out, char *why,
		  size_t n);
void pb_fleet_booth_fini(struct pb_fleet_booth *b);

/* Into f: b (moved: f owns its hours now), or an unreadable key with why. */
void pb_fleet_add(struct pb_fleet *f, struct pb_fleet_booth *b);
void pb_fleet_add_unreadable(struct pb_fleet *f, const char *key, const char *why);

/* dst (zeroed or freed) becomes a deep copy of src. */
void pb_fleet_copy(struct pb_fleet *dst, const struct pb_fleet *src);
void pb_fleet_free(struct pb_fleet *f);

/* in, as text a terminal or a screen line shows as it is: C0 and C1 controls, DEL, bidi
 * controls (U+061C, U+200E-F, U+202A-E, U+2066-9) and bytes that are not UTF-8 become \xNN
 * or \u{NNNN} in hex (\x9B, \u{202E}); cut at n - 1 bytes, never inside a character or an
 * escape. */
void pb_fleet_escape(const char *in, char *out, size_t n);

/* Whether b has been silent for over PB_FLEET_SILENT_BEATS heartbeats at now. */
int pb_fleet_silent(const struct pb_fleet_booth *b, time_t now);

/* The staff screen's line for b: "lounge: attract · 212 prints left · 4 s ago" (the camera
 * and the printer only when not fine), or "lounge: SILENT for 3 min (last seen attract)". */
void pb_fleet_line(const struct pb_fleet_booth *b, time_t now, char *out, size_t n);

/* photoboothctl fleet: one line per booth, then the unreadable beats by key and the count of
 * those not read; or as JSON ({"booths":[...],"silent":N,"unreadable":[...],...}). Returns
 * how many are silent. */
int pb_fleet_list(const struct pb_fleet *f, time_t now, int json, struct pb_buf *out);

/* photoboothctl report: sessions, prints, emails and downloads per booth and per hour (local
 * time), with each booth's and the event's totals; or as JSON. */
void pb_fleet_report(const struct pb_fleet *f, int json, struct pb_buf *out);

#endif
