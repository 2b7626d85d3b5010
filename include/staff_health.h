/* staff_health.h - the staff screen's health panel in words: the camera, the printer, email,
 * the cloud uploads, the event's other booths, the disk and the counters, each line with how urgent
 * it is. Pure (the facts are gathered by the shell), translated with the language in use; main
 * thread (gettext's language). */
#ifndef PB_STAFF_HEALTH_H
#define PB_STAFF_HEALTH_H

#include <stddef.h>
#include <stdint.h>

#include "camera.h"
#include "outbox.h"
#include "printer.h"
#include "publish.h"
#include "settings.h"

#define PB_STAFF_LINES 24
#define PB_STAFF_FLEET 4 /* other booths shown */

/* What the staff screen's health panel tells, gathered by the shell. */
struct pb_staff_facts {
	uint64_t uptime_s;
	struct pb_camera_health camera;
	int printing; /* printer is meaningful */
	struct pb_printer_health printer;
	int sharing, email; /* outbox is meaningful with email */
	struct pb_outbox_stats outbox;
	int publishing; /* publish is meaningful */
	struct pb_publish_stats publish;
	const char *fleet[PB_STAFF_FLEET]; /* the other booths, a line each (fleet.h) */
	int fleet_silent[PB_STAFF_FLEET];
	int nfleet;
	const char *fleet_unknown; /* why the other booths are not known; NULL when they are */
	long long disk_free_mb, disk_total_mb; /* -1: unknown */
	int disk_low;			       /* under min_free_mb: no new sessions */
	const uint64_t *since_reset, *total;   /* PB_COUNT_N counters each (settings.h) */
};

/* The panel's texts; they point into the buffer given to pb_staff_describe. */
struct pb_staff_text {
	const char *header;		   /* "Staff · photobooth 0.7 · up 2 h 5 min" */
	const char *lines[PB_STAFF_LINES]; /* health and counters, top to bottom */
	int level[PB_STAFF_LINES];	   /* 0 fine, 1 look at it, 2 needs staff; -1 a heading */
	int nlines;
};

/* Fills t's header and, with health, its lines from f (the texts live in buf; lines that do
 * not fit are left out). */
void pb_staff_describe(const struct pb_staff_facts *f, int health, struct pb_staff_text *t,
		       char *buf, size_t buflen);

#endif
