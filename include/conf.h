/* conf.h - the configuration: one table of every key (section, key, type, default, bounds,
 * help), read from an INI file by inih. Unknown sections and keys, bad values and keys set
 * twice are errors naming file:line. config/photobooth.conf is generated from the table.
 * Load on the main thread at start-up; the struct is then read-only. */
#ifndef PB_CONF_H
#define PB_CONF_H

#define PB_EXIT_CONFIG 78 /* EX_CONFIG: systemd's RestartPreventExitStatus stops a restart loop */

#include <stdio.h>
#include "status.h"

#ifndef PB_DATADIR
#define PB_DATADIR "/usr/local/share/photobooth"
#endif
#define PB_DEFAULT_CONFIG "/etc/photobooth/photobooth.conf"

enum pb_delivery { PB_DELIVERY_PRINT, PB_DELIVERY_SHARE, PB_DELIVERY_BOTH };
enum pb_camera_backend { PB_CAMERA_SIM, PB_CAMERA_GPHOTO2 };
enum pb_capture_target { PB_TARGET_RAM, PB_TARGET_CARD };
enum pb_viewfinder { PB_VIEWFINDER_AUTO, PB_VIEWFINDER_ON, PB_VIEWFINDER_OFF };
enum pb_print_quality { PB_QUALITY_DRAFT, PB_QUALITY_NORMAL, PB_QUALITY_HIGH };
enum pb_print_scaling { PB_SCALING_FILL, PB_SCALING_FIT };

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
	int camera_backend;    /* enum pb_camera_backend */
	char *camera_model;    /* "" autodetects */
	char *camera_port;     /* "" autodetects */
	int capture_target;    /* enum pb_capture_target */
	int viewfinder;	       /* enum pb_viewfinder */
	char *camera_settings; /* "name=value, name=value" */
	int capture_retries;
	int liveview_restart_minutes;
	int sim_width;
	int sim_height;
	int sim_preview_width;
	int sim_fps;
	int sim_fail_every;
	int sim_corrupt_every;
	int sim_latency_ms;
	int sim_restart_rows;	/* restart markers every N MCU rows; 0 none */
	char *sim_capture_file; /* "": render the scene */
	int sim_disconnect_every;
	int sim_disconnect_ms;
	/* [print] */
	char *printer; /* "" for CUPS' default */
	int max_copies;
	char *media;
	int print_quality;   /* enum pb_print_quality */
	int print_scaling;   /* enum pb_print_scaling */
	int borderless;	     /* 0 no, 1 yes */
	char *print_options; /* "name=value, name=value" */
	int seconds_per_print;
	int paper_warn;
	int refused_retry_s;
	/* [share] */
	char *public_url;   /* http(s)://host[:port][/path], no trailing slash */
	char *share_listen; /* ADDRESS:PORT of the gallery server */
	int retention_hours;
	/* [mail] */
	char *smtp_url; /* "" when email is off */
	int starttls;
	char *mail_username;
	char *mail_password_file;
	char *mail_from;
	char *mail_helo_name; /* "" for the default (pb_mail_helo) */
	char *mail_subject;
	char *mail_reply_to;
	int require_consent;
	int retry_max_seconds;
	int per_address_per_hour; /* guests' emails to one address in an hour; 0: no limit */
	int per_booth_per_hour;	  /* guests' emails from this booth in an hour; 0: no limit */
	/* [publish] */
	char *publish_endpoint; /* http(s)://host[:port] of the S3 store; "" when off */
	char *publish_region;
	char *publish_bucket;
	int publish_path_style; /* 1: ENDPOINT/BUCKET/KEY; 0: BUCKET.HOST/KEY */
	char *publish_access_key;
	char *publish_secret_file;
	char *publish_event;	  /* the event's name: the first part of every key */
	char *publish_booth;	  /* this booth's id; "" when unset (the host name is used) */
	char *publish_prefix;	  /* "" when unset (EVENT/BOOTH/ is used) */
	char *publish_public_url; /* where phones read the bucket, no trailing slash */
	int publish_retry_max_seconds;
	int publish_heartbeat_seconds;
	int publish_request_timeout_seconds;
	/* [webhook] */
	char *webhook_url; /* http(s):// the booth POSTs each finished session to; "" when off */
	char *webhook_secret_file;
	int webhook_include_email; /* the guest's address too, when they ticked consent */
	int webhook_timeout_seconds;
	int webhook_retry_max_seconds;
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
