/* fleet.h - the event's booths, read from their heartbeats (publish.h: EVENT/_booths/BOOTH.json):
 * photoboothctl fleet and report, and the staff screen's line per other booth. A beat is the
 * JSON a booth wrote; one that cannot be read is skipped. Pure; any thread. */
#ifndef PB_FLEET_H
#define PB_FLEET_H

#include <stddef.h>
#include <time.h>
#include "buf.h"

/* A booth not heard from for 4 of its heartbeats is flagged: 2 min at the default 30 s. */
#define PB_FLEET_SILENT_BEATS 4

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
};

/* Reads one beat. 0, or -1 when it has no booth name or time. */
int pb_fleet_read(const char *beat, struct pb_fleet_booth *out);

/* Whether b has been silent for over PB_FLEET_SILENT_BEATS heartbeats at now. */
int pb_fleet_silent(const struct pb_fleet_booth *b, time_t now);

/* The staff screen's line for b: "lounge: attract · 212 prints left · 4 s ago" (the camera
 * and the printer only when not fine), or "lounge: SILENT for 3 min (last seen attract)". */
void pb_fleet_line(const struct pb_fleet_booth *b, time_t now, char *out, size_t n);

/* beats: a JSON array of beats (pb_publish_fleet). photoboothctl fleet: one line per booth,
 * or as JSON ({"booths":[...]} with age_s and silent). Returns how many are silent. */
int pb_fleet_list(const char *beats, time_t now, int json, struct pb_buf *out);

/* photoboothctl report: sessions, prints, emails and downloads per booth and per hour (local
 * time), with each booth's and the event's totals; or as JSON. */
void pb_fleet_report(const char *beats, int json, struct pb_buf *out);

#endif
