/* conf.h - the configuration: one table of every key (section, key, type, default, bounds,
 * help), read from an INI file by inih. Unknown sections and keys, bad values and keys set
 * twice are errors naming file:line. config/photobooth.conf is generated from the table.
 * The rows point into the modules' own config structs, embedded here (the camera backends,
 * print, outbox, publish, webhook), which start with a copy of theirs and add only what is
 * derived (folders, the booth's id): a new key is one row in conf.c and its use.
 * Load on the main thread at start-up; the struct is then read-only. */
#ifndef PB_CONF_H
#define PB_CONF_H

#define PB_EXIT_CONFIG 78 /* EX_CONFIG: systemd's RestartPreventExitStatus stops a restart loop */

#include <stdio.h>
#include "camera.h"
#include "outbox.h"
#include "print.h"
#include "publish.h"
#include "status.h"
#include "webhook.h"

#ifndef PB_DATADIR
#define PB_DATADIR "/usr/local/share/photobooth"
#endif
#define PB_DEFAULT_CONFIG "/etc/photobooth/photobooth.conf"

enum pb_delivery { PB_DELIVERY_PRINT, PB_DELIVERY_SHARE, PB_DELIVERY_BOTH };
enum pb_camera_backend { PB_CAMERA_SIM, PB_CAMERA_GPHOTO2 };
enum pb_capture_target { PB_TARGET_RAM, PB_TARGET_CARD };
enum pb_viewfinder { PB_VIEWFINDER_AUTO, PB_VIEWFINDER_ON, PB_VIEWFINDER_OFF };

struct pb_config {
	/* [kiosk] */
	char *overlay;
	char *overlays_dir;
	int delivery; /* enum pb_delivery */
	int countdown;
	char *language;
	int retakes;
	int capture_timeout;
	int processing_timeout;
	int review_timeout;
	int deliver_timeout;
	int email_timeout;
	int thanks_timeout;
	int error_timeout;
	/* [display] */
	char *font;
	int window_width;
	int window_height;
	/* [camera] */
	int camera_backend; /* enum pb_camera_backend */
	/* model, port ("" autodetects), capture_target, viewfinder, settings ("name=value, ...") */
	struct pb_camera_gphoto2_config gphoto2;
	int capture_retries;
	int liveview_restart_minutes;
	struct pb_camera_sim_config sim; /* the sim_* keys; busy_every is the tests' alone */
	/* [print]: the print thread's own config, filled by the table: printer ("" for CUPS'
	 * default), media, quality, scaling, borderless, options, seconds_per_print, paper_warn,
	 * refused_retry_s. */
	struct pb_print_config print;
	int max_copies;
	/* [share] */
	char *public_url;   /* http(s)://host[:port][/path], no trailing slash */
	char *share_listen; /* ADDRESS:PORT of the gallery server */
	int retention_hours;
	/* [mail]: the outbox's own config, filled by the table: server.url ("" when email is
	 * off), starttls, username, from, helo ("" for pb_mail_helo's), subject, reply_to;
	 * password_file, retry_max_s, per_address_per_hour, per_booth_per_hour (0: no limit). */
	struct pb_outbox_config mail;
	int require_consent;
	/* [publish]: the publisher's own config, filled by the table: store.endpoint ("" when
	 * off), store.region, store.bucket, store.path_style, store.access_key, store.timeout_s,
	 * secret_file, event, booth and prefix ("" when unset: delivery.c derives them),
	 * public_url, retry_max_s, beat_s. */
	struct pb_publish_config publish;
	/* [webhook]: url ("" when off), secret_file, timeout_s, retry_max_s */
	struct pb_webhook_config webhook;
	int webhook_include_email; /* the guest's address too, when they ticked consent */
	/* [storage] */
	char *data_dir;
	int min_free_mb; /* below this, no new sessions (staff are called) */
	/* [control] */
	char *socket;
	char *control_group; /* "" for the kiosk's own */
	/* [staff] */
	char *staff_pin; /* "" when there is no staff screen */
	char *staff_key; /* SDL key name */
	int staff_timeout;
	char *paper_presets; /* "36, 108, 400" */
	int purge_hours;
	char *shutdown_command; /* "" for no button */
	char *reboot_command;
};

#define PB_MAX_PAPER_PRESETS 4

/* Fills cfg with the defaults. Strings are owned by cfg; free with pb_config_fini. */
void pb_config_init(struct pb_config *cfg);
void pb_config_fini(struct pb_config *cfg);

/* Reads path over the defaults already in cfg. On any error returns PB_ERR_CONFIG and writes
 * one "file:line: reason" line per error (at most errlen bytes, NUL-terminated) to err. */
enum pb_status pb_config_load(struct pb_config *cfg, const char *path, char *err, size_t errlen);

/* Writes the documented default configuration: every key, its default, one line of help. */
void pb_config_write_default(FILE *f);

/* Run from a checkout (build/photobooth, not installed), the default overlays_dir does not
 * exist but the checkout's overlays/ beside build/ does: the tools use that. */
void pb_config_checkout_overlays(struct pb_config *cfg);

/* Calls fn for each "name=value" in a camera settings list (comma-separated, spaces around
 * names and values ignored). Returns 0, or -1 with the reason in why at the first malformed
 * entry (fn is then not called for it). */
int pb_config_each_setting(const char *list,
			   void (*fn)(void *ctx, const char *name, const char *value), void *ctx,
			   char *why, size_t whylen);

const char *pb_camera_backend_name(int backend);

/* The names of enum values, for status output ("print", "share", "both"). */
const char *pb_delivery_name(int delivery);

/* The enum pb_delivery value of "print", "share" or "both"; -1 for anything else. */
int pb_delivery_parse(const char *name);

/* Parses "36, 108, 400" into out (up to max; out may be NULL). Returns how many there are, or
 * -1 when the list is malformed or longer than PB_MAX_PAPER_PRESETS. */
int pb_config_paper_presets(const char *list, int *out, int max);

/* What a reload does with a key whose value changed. */
enum {
	PB_RELOAD_APPLIED, /* copied into running: it takes effect now */
	PB_RELOAD_RESTART, /* left alone: it takes a restart (a thread or a device uses it) */
	PB_RELOAD_CALLER,  /* copied into running; the caller applies it ([kiosk] overlay,
			    * delivery: staff's choices in the settings file may win) */
};

/* Compares a freshly loaded config with the running one. Each key that differs is copied
 * into running unless it needs a restart, and reported to fn (may be NULL). Returns how many
 * keys differ. Main thread: the copied values are those only the main thread reads. */
int pb_config_reload(struct pb_config *running, const struct pb_config *fresh,
		     void (*fn)(void *ctx, const char *section, const char *name, int how),
		     void *ctx);

/* The languages with translations, NULL-terminated ("en", "ko"). */
extern const char *const pb_languages[];

#endif
