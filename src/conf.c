#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "address.h"
#include "address.h"
#include "conf.h"
#include "inifile.h"
#include "json.h"
#include "mem.h"
#include "num.h"
#include "staff.h"

enum type {
	T_STR,	    /* a string that must not be empty */
	T_OPTSTR,   /* a string that may be empty */
	T_SETTINGS, /* camera settings: "name=value, name=value", may be empty */
	T_URL,	    /* a URL with one of the schemes in choices; a trailing slash is dropped;
		     * min 1: may be empty */
	T_INT,
	T_ENUM,
};

struct key {
	const char *section;
	const char *name;
	enum type type;
	size_t offset;
	const char *def;
	int min, max;		    /* T_INT bounds */
	const char *const *choices; /* T_ENUM names, NULL-terminated; value is the index */
	const char *help;
};

static const char *const delivery_names[] = { "print", "share", "both", NULL };
static const char *const backend_names[] = { "sim", "gphoto2", NULL };
static const char *const target_names[] = { "ram", "card", NULL };
static const char *const viewfinder_names[] = { "auto", "on", "off", NULL };
static const char *const quality_names[] = { "draft", "normal", "high", NULL };
static const char *const scaling_names[] = { "fill", "fit", NULL };
static const char *const yes_no[] = { "no", "yes", NULL };
static const char *const web_schemes[] = { "http", "https", NULL };
static const char *const addressing_names[] = { "virtual-host", "path", NULL };
static const char *const mail_schemes[] = { "smtp", "smtps", NULL };
const char *const pb_languages[] = { "en", "ko", NULL };

#define OFF(f) offsetof(struct pb_config, f)

static const struct key keys[] = {
	{ "kiosk", "overlay", T_STR, OFF(overlay), "certification-lounge", 0, 0, NULL,
	  "Theme: the name of a folder in overlays_dir." },
	{ "kiosk", "overlays_dir", T_STR, OFF(overlays_dir), PB_DATADIR "/overlays", 0, 0, NULL,
	  "Where themes live; staff add a theme by dropping a folder here." },
	{ "kiosk", "delivery", T_ENUM, OFF(delivery), "share", 0, 0, delivery_names,
	  "How guests get their photo: print, share (QR link and email) or both." },
	{ "kiosk", "countdown", T_INT, OFF(countdown), "3", 0, 10, NULL,
	  "Seconds of countdown before each shot (0: none, for burn-in runs; guests need 2 or more)." },
	{ "kiosk", "language", T_STR, OFF(language), "en", 0, 0, pb_languages,
	  "Language shown at start-up: en or ko. Guests can switch on the attract screen." },
	{ "kiosk", "retakes", T_INT, OFF(retakes), "1", 0, 5, NULL,
	  "How many times a guest may retake on the review screen." },
	{ "kiosk", "capture_timeout", T_INT, OFF(capture_timeout), "15", 2, 120, NULL,
	  "Seconds to wait for the camera before the error screen." },
	{ "kiosk", "processing_timeout", T_INT, OFF(processing_timeout), "30", 2, 300, NULL,
	  "Seconds to wait for the photo to be composed before the error screen." },
	{ "kiosk", "review_timeout", T_INT, OFF(review_timeout), "10", 3, 300, NULL,
	  "Seconds on the review screen before the photo is accepted for the guest (shown counting down; a guest decides in about 2)." },
	{ "kiosk", "deliver_timeout", T_INT, OFF(deliver_timeout), "20", 3, 600, NULL,
	  "Seconds on the delivery screen before the thank-you screen (shown counting down; scanning the QR code takes about 4). Left choosing prints, the guest gets one." },
	{ "kiosk", "email_timeout", T_INT, OFF(email_timeout), "60", 10, 600, NULL,
	  "Seconds the email keyboard waits for the next key before the guest is taken as gone." },
	{ "kiosk", "thanks_timeout", T_INT, OFF(thanks_timeout), "5", 1, 60, NULL,
	  "Seconds on the thank-you screen before the attract screen (a touch there starts the next guest's countdown)." },
	{ "kiosk", "error_timeout", T_INT, OFF(error_timeout), "10", 2, 120, NULL,
	  "Seconds on the error screen before the attract screen." },

	{ "display", "font", T_STR, OFF(font),
	  "/usr/share/fonts/truetype/nanum/NanumBarunGothicBold.ttf", 0, 0, NULL,
	  "TrueType font for all text; it must cover Hangul (Debian fonts-nanum does)." },
	{ "display", "window_width", T_INT, OFF(window_width), "1280", 320, 7680, NULL,
	  "Window width with --windowed; fullscreen uses the display's own resolution." },
	{ "display", "window_height", T_INT, OFF(window_height), "720", 240, 4320, NULL,
	  "Window height with --windowed." },

	{ "camera", "backend", T_ENUM, OFF(camera_backend), "sim", 0, 0, backend_names,
	  "Camera backend: gphoto2 (a DSLR over USB) or sim (the built-in simulated camera)." },
	{ "camera", "model", T_OPTSTR, OFF(gphoto2.model), "", 0, 0, NULL,
	  "gphoto2: the camera model as libgphoto2 names it (gphoto2 --auto-detect); empty finds it." },
	{ "camera", "port", T_OPTSTR, OFF(gphoto2.port), "", 0, 0, NULL,
	  "gphoto2: the port, such as usb:001,004; empty takes the first camera found." },
	{ "camera", "capture_target", T_ENUM, OFF(gphoto2.capture_target), "ram", 0, 0,
	  target_names,
	  "gphoto2: ram (each photo is deleted from the camera once downloaded) or card (kept)." },
	{ "camera", "viewfinder", T_ENUM, OFF(gphoto2.viewfinder), "auto", 0, 0, viewfinder_names,
	  "gphoto2: set the camera's viewfinder widget on or off at connect; auto leaves it." },
	{ "camera", "settings", T_SETTINGS, OFF(gphoto2.settings), "", 0, 0, NULL,
	  "gphoto2: camera settings applied at every connect, e.g. iso=400, whitebalance=Daylight." },
	{ "camera", "capture_retries", T_INT, OFF(capture_retries), "2", 0, 10, NULL,
	  "gphoto2: retries when the camera is busy or cannot focus, before the error screen." },
	{ "camera", "liveview_restart_minutes", T_INT, OFF(liveview_restart_minutes), "25", 1, 29,
	  NULL, "gphoto2: restart live view this often; cameras stop it after about 30 minutes." },
	{ "camera", "sim_width", T_INT, OFF(sim.width), "6000", 320, 12000, NULL,
	  "Simulated camera: capture width in pixels." },
	{ "camera", "sim_height", T_INT, OFF(sim.height), "4000", 240, 12000, NULL,
	  "Simulated camera: capture height in pixels." },
	{ "camera", "sim_preview_width", T_INT, OFF(sim.preview_width), "1024", 160, 1920, NULL,
	  "Simulated camera: live-view frame width (height follows the capture's aspect)." },
	{ "camera", "sim_fps", T_INT, OFF(sim.fps), "30", 1, 60, NULL,
	  "Simulated camera: live-view frames per second." },
	{ "camera", "sim_fail_every", T_INT, OFF(sim.fail_every), "0", 0, 1000000, NULL,
	  "Simulated camera: every Nth capture fails (0: never)." },
	{ "camera", "sim_corrupt_every", T_INT, OFF(sim.corrupt_every), "0", 0, 1000000, NULL,
	  "Simulated camera: every Nth capture delivers a truncated, corrupt JPEG (0: never)." },
	{ "camera", "sim_latency_ms", T_INT, OFF(sim.latency_ms), "0", 0, 60000, NULL,
	  "Simulated camera: extra milliseconds each capture takes." },
	{ "camera", "sim_restart_rows", T_INT, OFF(sim.restart_rows), "0", 0, 64, NULL,
	  "Simulated camera: a restart marker every N MCU rows in each capture, as some cameras write (0: none)." },
	{ "camera", "sim_disconnect_every", T_INT, OFF(sim.disconnect_every), "0", 0, 1000000, NULL,
	  "Simulated camera: the camera unplugs itself at every Nth capture (0: never)." },
	{ "camera", "sim_disconnect_ms", T_INT, OFF(sim.disconnect_ms), "3000", 0, 600000, NULL,
	  "Simulated camera: how long it stays unplugged." },
	{ "camera", "sim_capture_file", T_OPTSTR, OFF(sim.capture_file), "", 0, 0, NULL,
	  "Simulated camera: each capture is this JPEG file's bytes (tests); empty: a rendered scene." },

	{ "print", "printer", T_OPTSTR, OFF(print.printer), "", 0, 0, NULL,
	  "CUPS queue to print to (lpstat -p lists them); empty uses CUPS' default printer." },
	{ "print", "max_copies", T_INT, OFF(max_copies), "2", 1, 4, NULL,
	  "Prints a guest may ask for, per session: the Deliver screen offers 1 up to this." },
	{ "print", "media", T_STR, OFF(print.media), "na_index-4x6_4x6in", 0, 0, NULL,
	  "Paper size, as a PWG media name (na_index-4x6_4x6in is 4x6 inch photo paper)." },
	{ "print", "quality", T_ENUM, OFF(print.quality), "high", 0, 0, quality_names,
	  "IPP print-quality: draft, normal or high." },
	{ "print", "scaling", T_ENUM, OFF(print.scaling), "fill", 0, 0, scaling_names,
	  "fill: the photo covers the page (edges may be cropped); fit: all of it, maybe with margins." },
	{ "print", "borderless", T_ENUM, OFF(print.borderless), "yes", 0, 0, yes_no,
	  "yes: ask the driver for the borderless version of the paper size." },
	{ "print", "options", T_SETTINGS, OFF(print.options), "", 0, 0, NULL,
	  "More CUPS options for every print, e.g. ColorModel=RGB, StpLaminate=Glossy." },
	{ "print", "seconds_per_print", T_INT, OFF(print.seconds_per_print), "15", 1, 600, NULL,
	  "Time one print takes, for the queue estimate until the booth has timed a real one." },
	{ "print", "paper_warn", T_INT, OFF(print.paper_warn), "20", 0, 10000, NULL,
	  "Warn staff when this few prints are left (staff set the count when loading paper)." },
	{ "print", "refused_retry_s", T_INT, OFF(print.refused_retry_s), "30", 1, 3600, NULL,
	  "A print the printer refuses goes again after this many seconds, then 3x as long; then staff decide." },

	{ "share", "public_url", T_URL, OFF(public_url), "http://photobooth.local:8080", 0, 0,
	  web_schemes, "Where phones reach the gallery: download links are public_url/p/<token>." },
	{ "share", "listen", T_STR, OFF(share_listen), "0.0.0.0:8080", 0, 0, NULL,
	  "ADDRESS:PORT the built-in gallery server listens on." },
	{ "share", "retention_hours", T_INT, OFF(retention_hours), "72", 1, 8760, NULL,
	  "Download links expire after this many hours, and every session's photos (printed ones too) are then deleted." },

	{ "mail", "smtp_url", T_URL, OFF(mail.server.url), "", 1, 0, mail_schemes,
	  "SMTP server for emailing photos, smtp://host:587 or smtps://host:465; empty: no email." },
	{ "mail", "starttls", T_ENUM, OFF(mail.server.starttls), "yes", 0, 0, yes_no,
	  "yes: smtp:// must upgrade to TLS (STARTTLS) before logging in; no: plain (local relay)." },
	{ "mail", "username", T_OPTSTR, OFF(mail.server.username), "", 0, 0, NULL,
	  "SMTP login name; empty: no login." },
	{ "mail", "password_file", T_OPTSTR, OFF(mail.password_file), "", 0, 0, NULL,
	  "File holding the SMTP password (first line), readable by the service only." },
	{ "mail", "from", T_OPTSTR, OFF(mail.server.from), "", 0, 0, NULL,
	  "Sender address, e.g. photos@example.com (required with smtp_url)." },
	{ "mail", "helo_name", T_OPTSTR, OFF(mail.server.helo), "", 0, 0, NULL,
	  "Name the booth gives in EHLO; empty: the host's name if it has a dot, else from's domain." },
	{ "mail", "subject", T_STR, OFF(mail.server.subject), "Your photo", 0, 0, NULL,
	  "Subject line of the email." },
	{ "mail", "reply_to", T_OPTSTR, OFF(mail.server.reply_to), "", 0, 0, NULL,
	  "Reply-To address; empty: none." },
	{ "mail", "require_consent", T_ENUM, OFF(require_consent), "yes", 0, 0, yes_no,
	  "yes: the guest must tick \"We'll use your address only to send this photo\" first." },
	{ "mail", "retry_max_seconds", T_INT, OFF(mail.retry_max_s), "300", 1, 3600, NULL,
	  "Longest wait between attempts while the SMTP server cannot be reached." },
	{ "mail", "per_address_per_hour", T_INT, OFF(mail.per_address_per_hour), "3", 0, 1000, NULL,
	  "Emails one address may be sent in an hour (a guest's own retakes); 0: no limit." },
	{ "mail", "per_booth_per_hour", T_INT, OFF(mail.per_booth_per_hour), "120", 0, 10000, NULL,
	  "Emails the booth sends in an hour, to anyone; 0: no limit." },

	{ "publish", "endpoint", T_URL, OFF(publish.store.endpoint), "", 1, 0, web_schemes,
	  "S3 store the booth publishes photos to, e.g. https://s3.eu-west-1.amazonaws.com; empty: off." },
	{ "publish", "region", T_STR, OFF(publish.store.region), "us-east-1", 0, 0, NULL,
	  "The store's region, for the requests' AWS Signature V4." },
	{ "publish", "bucket", T_OPTSTR, OFF(publish.store.bucket), "", 0, 0, NULL,
	  "Bucket the photos, their pages and the booths' heartbeats go to (required with endpoint)." },
	{ "publish", "addressing", T_ENUM, OFF(publish.store.path_style), "virtual-host", 0, 0,
	  addressing_names,
	  "virtual-host: https://BUCKET.HOST/KEY (AWS); path: https://HOST/BUCKET/KEY (most other stores)." },
	{ "publish", "access_key", T_OPTSTR, OFF(publish.store.access_key), "", 0, 0, NULL,
	  "Access key id of the store's account (required with endpoint)." },
	{ "publish", "secret_file", T_OPTSTR, OFF(publish.secret_file), "", 0, 0, NULL,
	  "File holding the secret access key (first line), readable by the service only." },
	{ "publish", "event", T_STR, OFF(publish.event), "event", 0, 0, NULL,
	  "The event's name: every booth of one event shares it (letters, digits, - and _)." },
	{ "publish", "booth", T_OPTSTR, OFF(publish.booth), "", 0, 0, NULL,
	  "This booth's id among the event's booths (letters, digits, - and _); empty: the host name." },
	{ "publish", "prefix", T_OPTSTR, OFF(publish.prefix), "", 0, 0, NULL,
	  "Key prefix of this booth's photos and pages; empty: EVENT/BOOTH/." },
	{ "publish", "public_base_url", T_URL, OFF(publish.public_url), "", 1, 0, web_schemes,
	  "Where phones read the bucket (a CDN or the bucket's public address): links are URL/KEY." },
	{ "publish", "retry_max_seconds", T_INT, OFF(publish.retry_max_s), "300", 1, 3600, NULL,
	  "Longest wait between attempts while the store cannot be reached." },
	{ "publish", "heartbeat_seconds", T_INT, OFF(publish.beat_s), "30", 1, 600, NULL,
	  "How often the booth writes EVENT/_booths/BOOTH.json; silent for 4 times this: flagged." },
	{ "publish", "request_timeout_seconds", T_INT, OFF(publish.store.timeout_s), "30", 2, 600,
	  NULL, "Longest one store request may take, plus 1 s per 64 kB it uploads; then cut." },

	{ "webhook", "url", T_URL, OFF(webhook.url), "", 1, 0, web_schemes,
	  "Where the booth POSTs each finished session as signed JSON (durable, once); empty: off." },
	{ "webhook", "secret_file", T_OPTSTR, OFF(webhook.secret_file), "", 0, 0, NULL,
	  "File holding the HMAC-SHA256 key (first line) of X-Photobooth-Signature (required with url)." },
	{ "webhook", "include_email", T_ENUM, OFF(webhook_include_email), "no", 0, 0, yes_no,
	  "yes: the guest's address goes in the JSON too, only when they ticked the consent box." },
	{ "webhook", "timeout_seconds", T_INT, OFF(webhook.timeout_s), "10", 1, 120, NULL,
	  "Longest one POST may take; then it is tried again later." },
	{ "webhook", "retry_max_seconds", T_INT, OFF(webhook.retry_max_s), "300", 1, 3600, NULL,
	  "Longest wait between attempts while the receiver fails or cannot be reached." },

	{ "storage", "data_dir", T_STR, OFF(data_dir), "/var/lib/photobooth", 0, 0, NULL,
	  "Where sessions are kept (data_dir/sessions/<id>/) and prints spooled (data_dir/spool/)." },
	{ "storage", "min_free_mb", T_INT, OFF(min_free_mb), "300", 0, 1000000, NULL,
	  "With less free space than this in data_dir the booth starts no new session and calls staff." },

	{ "control", "socket", T_STR, OFF(socket), "/run/photobooth/control.sock", 0, 0, NULL,
	  "Unix socket for photoboothctl (created with mode 0660)." },
	{ "control", "group", T_OPTSTR, OFF(control_group), "", 0, 0, NULL,
	  "Group that may use photoboothctl (owns the socket); empty: the kiosk's own group." },

	{ "staff", "pin", T_OPTSTR, OFF(staff_pin), "", 0, 0, NULL,
	  "PIN of the staff screen, 4 to 8 digits; empty: no staff screen (photoboothctl only)." },
	{ "staff", "key", T_STR, OFF(staff_key), "F12", 0, 0, NULL,
	  "Keyboard key that opens the PIN keypad (an SDL key name); a 3 s press top-left does too." },
	{ "staff", "timeout", T_INT, OFF(staff_timeout), "120", 15, 3600, NULL,
	  "Seconds without a touch before the staff screen closes itself." },
	{ "staff", "paper_presets", T_OPTSTR, OFF(paper_presets), "36, 108, 400", 0, 0, NULL,
	  "Paper loaded buttons: prints per roll or pack (Selphy 36 and 108, DNP and Mitsubishi 400)." },
	{ "staff", "purge_hours", T_INT, OFF(purge_hours), "24", 1, 8760, NULL,
	  "The staff screen's purge button deletes photos older than this many hours." },
	{ "staff", "shutdown_command", T_OPTSTR, OFF(shutdown_command), "", 0, 0, NULL,
	  "Command of the staff screen's Shut down button, e.g. systemctl poweroff; empty: no button." },
	{ "staff", "reboot_command", T_OPTSTR, OFF(reboot_command), "", 0, 0, NULL,
	  "Command of the staff screen's Restart button, e.g. systemctl reboot; empty: no button." },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static char **
str_field(struct pb_config *cfg, const struct key *k)
{
	return (char **)((char *)cfg + k->offset);
}

static int *
int_field(struct pb_config *cfg, const struct key *k)
{
	return (int *)((char *)cfg + k->offset);
}

static int
choice_index(const char *const *choices, const char *v)
{
	for (int i = 0; choices[i]; i++)
		if (!strcmp(choices[i], v))
			return i;
	return -1;
}

/* A yes/no key takes what systemd's booleans take, in any case: 1 yes, 0 no, -1 neither. */
static int
boolean(const char *v)
{
	static const char *const yes[] = { "yes", "y", "true", "t", "on", "1" };
	static const char *const no[] = { "no", "n", "false", "f", "off", "0" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(v, yes[i]))
			return 1;
		if (!strcasecmp(v, no[i]))
			return 0;
	}
	return -1;
}

static void
list_choices(struct pb_buf *b, const char *const *choices)
{
	for (int i = 0; choices[i]; i++)
		pb_buf_printf(b, "%s%s", i ? ", " : "", choices[i]);
}

/* Parses v into the key's field; on failure appends the reason to why and returns -1. */
static int
set_value(struct pb_config *cfg, const struct key *k, const char *v, struct pb_buf *why)
{
	switch (k->type) {
	case T_SETTINGS: {
		char reason[200];
		if (pb_config_each_setting(v, NULL, NULL, reason, sizeof(reason)) < 0) {
			pb_buf_printf(why, "[%s] %s: %s", k->section, k->name, reason);
			return -1;
		}
	}
		/* fall through */
	case T_OPTSTR:
		free(*str_field(cfg, k));
		*str_field(cfg, k) = pb_xstrdup(v);
		return 0;
	case T_URL: {
		size_t n = strlen(v), scheme = 0;
		if (!n && k->min) {
			free(*str_field(cfg, k));
			*str_field(cfg, k) = pb_xstrdup("");
			return 0;
		}
		for (int i = 0; k->choices[i]; i++) {
			size_t sl = strlen(k->choices[i]);
			if (!strncmp(v, k->choices[i], sl) && !strncmp(v + sl, "://", 3))
				scheme = sl + 3;
		}
		if (!scheme) {
			pb_buf_printf(why, "[%s] %s = %s: must start with ", k->section, k->name,
				      v);
			for (int i = 0; k->choices[i]; i++)
				pb_buf_printf(why, "%s%s://", i ? " or " : "", k->choices[i]);
			return -1;
		}
		if (strpbrk(v, " \t\"<>\r\n") || n <= scheme || v[scheme] == '/' || n > 200) {
			pb_buf_printf(why,
				      "[%s] %s = %s: not a usable URL (host missing, or spaces)",
				      k->section, k->name, v);
			return -1;
		}
		free(*str_field(cfg, k));
		*str_field(cfg, k) = pb_xstrdup(v);
		for (char *e = *str_field(cfg, k) + n; e[-1] == '/'; e--)
			e[-1] = '\0';
		return 0;
	}
	case T_STR:
		if (!*v) {
			pb_buf_printf(why, "[%s] %s must not be empty", k->section, k->name);
			return -1;
		}
		if (k->choices && choice_index(k->choices, v) < 0) {
			pb_buf_printf(why, "[%s] %s = %s: must be one of ", k->section, k->name, v);
			list_choices(why, k->choices);
			return -1;
		}
		free(*str_field(cfg, k));
		*str_field(cfg, k) = pb_xstrdup(v);
		return 0;
	case T_INT: {
		long n;
		enum pb_num r = pb_parse_long(v, k->min, k->max, &n);
		if (r == PB_NUM_SYNTAX) {
			pb_buf_printf(why, "[%s] %s = %s: not a whole number", k->section, k->name,
				      v);
			return -1;
		}
		if (r == PB_NUM_RANGE) {
			pb_buf_printf(why, "[%s] %s = %ld: out of range %d..%d", k->section,
				      k->name, n, k->min, k->max);
			return -1;
		}
		*int_field(cfg, k) = (int)n;
		return 0;
	}
	case T_ENUM: {
		int i = k->choices == yes_no ? boolean(v) : choice_index(k->choices, v);
		if (i < 0) {
			pb_buf_printf(why, "[%s] %s = %s: must be one of ", k->section, k->name, v);
			list_choices(why, k->choices);
			if (k->choices == yes_no)
				pb_buf_printf(why, " (or true, false, on, off, 1, 0)");
			return -1;
		}
		*int_field(cfg, k) = i;
		return 0;
	}
	}
	return -1;
}

void
pb_config_init(struct pb_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < NKEYS; i++) {
		struct pb_buf why;
		pb_buf_init(&why);
		if (set_value(cfg, &keys[i], keys[i].def, &why) < 0)
			abort(); /* a default that fails its own bounds is a programming error */
		pb_buf_fini(&why);
	}
}

void
pb_config_fini(struct pb_config *cfg)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].type == T_STR || keys[i].type == T_OPTSTR ||
		    keys[i].type == T_SETTINGS || keys[i].type == T_URL) {
			free(*str_field(cfg, &keys[i]));
			*str_field(cfg, &keys[i]) = NULL;
		}
}

struct parse {
	struct pb_config *cfg;
	unsigned char seen[NKEYS];
};

static void
handler(struct pb_ini *ini, const char *section, const char *name, const char *value)
{
	struct parse *p = ini->user;
	int section_known = 0;
	struct pb_buf why;

	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].section, section))
			continue;
		section_known = 1;
		if (strcmp(keys[i].name, name))
			continue;
		pb_buf_init(&why);
		if (p->seen[i])
			pb_ini_error(ini, "[%s] %s is set twice", section, name);
		else if (set_value(p->cfg, &keys[i], value, &why) < 0)
			pb_ini_error(ini, "%s", why.data);
		p->seen[i] = 1;
		pb_buf_fini(&why);
		return;
	}
	if (!section_known)
		pb_ini_error(ini, "unknown section [%s]", section);
	else
		pb_ini_error(ini, "unknown key '%s' in [%s]", name, section);
}

/* A secret anyone on the machine can read is no secret: refuse, and say how. */
static enum pb_status
secret_mode(const char *path, const char *what, const char *file, char *err, size_t errlen)
{
	struct stat pw;
	if (!file[0] || stat(file, &pw) != 0 || !(pw.st_mode & 0007))
		return PB_OK;
	snprintf(err, errlen,
		 "%s: %s = %s: other users can read it (mode %04o); "
		 "chmod 0640 it (group photobooth) and start again\n",
		 path, what, file, (unsigned)(pw.st_mode & 07777));
	return PB_ERR_CONFIG;
}

static int
id_valid(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n <= 64 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == n;
}

/* [publish]: with an endpoint, everything a signed request and a link need. */
static enum pb_status
publish_check(const struct pb_config *cfg, const char *path, char *err, size_t errlen)
{
	const char *missing = NULL;
	if (!id_valid(cfg->publish.event) ||
	    (cfg->publish.booth[0] && !id_valid(cfg->publish.booth))) {
		snprintf(err, errlen,
			 "%s: [publish] event and booth: 1 to 64 letters, digits, - or _\n", path);
		return PB_ERR_CONFIG;
	}
	if (cfg->publish.prefix[0] &&
	    (strlen(cfg->publish.prefix) > 128 || cfg->publish.prefix[0] == '/' ||
	     strstr(cfg->publish.prefix, "..") ||
	     strspn(cfg->publish.prefix, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					 "0123456789-_./") != strlen(cfg->publish.prefix))) {
		snprintf(err, errlen,
			 "%s: [publish] prefix = %s: up to 128 letters, digits, - _ . and /, not "
			 "starting with /\n",
			 path, cfg->publish.prefix);
		return PB_ERR_CONFIG;
	}
	if (!cfg->publish.store.endpoint[0])
		return PB_OK;
	if (!cfg->publish.store.bucket[0])
		missing = "bucket";
	else if (!cfg->publish.store.access_key[0])
		missing = "access_key";
	else if (!cfg->publish.secret_file[0])
		missing = "secret_file";
	else if (!cfg->publish.public_url[0])
		missing = "public_base_url";
	if (missing) {
		snprintf(err, errlen, "%s: [publish] %s must be set when endpoint is\n", path,
			 missing);
		return PB_ERR_CONFIG;
	}
	return secret_mode(path, "[publish] secret_file", cfg->publish.secret_file, err, errlen);
}

enum pb_status
pb_config_load(struct pb_config *cfg, const char *path, char *err, size_t errlen)
{
	struct parse p = { .cfg = cfg };
	struct pb_ini ini = { .path = path, .user = &p, .handler = handler };
	enum pb_status st = pb_ini_parse(&ini);

	snprintf(err, errlen, "%s", st ? ini.msg.data : "");
	pb_buf_fini(&ini.msg);
	if (st == PB_OK && cfg->mail.server.url[0] && !cfg->mail.server.from[0]) {
		snprintf(err, errlen, "%s: [mail] from must be set when smtp_url is\n", path);
		st = PB_ERR_CONFIG;
	}
	if (st == PB_OK && cfg->mail.server.helo[0] &&
	    !pb_address_domain_valid(cfg->mail.server.helo)) {
		snprintf(err, errlen,
			 "%s: [mail] helo_name = %.100s: not a fully-qualified host name "
			 "(letters, digits, dashes, with a dot)\n",
			 path, cfg->mail.server.helo);
		st = PB_ERR_CONFIG;
	}
	if (st == PB_OK && cfg->staff_pin[0] && !pb_pin_valid(cfg->staff_pin)) {
		snprintf(err, errlen,
			 "%s: [staff] pin must be 4 to 8 digits (or empty for no "
			 "staff screen)\n",
			 path);
		st = PB_ERR_CONFIG;
	}
	if (st == PB_OK && pb_config_paper_presets(cfg->paper_presets, NULL, 0) < 0) {
		snprintf(err, errlen,
			 "%s: [staff] paper_presets = %s: at most %d counts of prints "
			 "(1..100000), separated by commas\n",
			 path, cfg->paper_presets, PB_MAX_PAPER_PRESETS);
		st = PB_ERR_CONFIG;
	}
	if (st == PB_OK)
		st = secret_mode(path, "[mail] password_file", cfg->mail.password_file, err,
				 errlen);
	if (st == PB_OK)
		st = publish_check(cfg, path, err, errlen);
	if (st == PB_OK && cfg->webhook.url[0] && !cfg->webhook.secret_file[0]) {
		snprintf(err, errlen, "%s: [webhook] secret_file must be set when url is\n", path);
		st = PB_ERR_CONFIG;
	}
	if (st == PB_OK)
		st = secret_mode(path, "[webhook] secret_file", cfg->webhook.secret_file, err,
				 errlen);
	for (int i = 0; st == PB_OK && i < 2; i++) {
		const char *a = i ? cfg->mail.server.reply_to : cfg->mail.server.from;
		enum pb_address_check c = pb_address_check(a);
		if (*a && c != PB_ADDR_OK) {
			snprintf(err, errlen, "%s: [mail] %s = %s: %s\n", path,
				 i ? "reply_to" : "from", a, pb_address_problem(c));
			st = PB_ERR_CONFIG;
		}
	}
	return st;
}

void
pb_config_write_default(FILE *f)
{
	const char *section = NULL;

	fprintf(f, "# photobooth configuration.\n"
		   "# Every key is listed with its default value. Generated by\n"
		   "# 'photobooth --print-default-config'; CI checks that this file agrees.\n");
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		if (!section || strcmp(section, k->section)) {
			section = k->section;
			fprintf(f, "\n[%s]\n", section);
		}
		fprintf(f, "# %s", k->help);
		if (k->type == T_INT)
			fprintf(f, " (%d..%d)", k->min, k->max);
		fprintf(f, "\n%s = %s\n", k->name, k->def);
	}
}

const char *
pb_delivery_name(int delivery)
{
	if (delivery < 0 || delivery > PB_DELIVERY_BOTH)
		return "unknown";
	return delivery_names[delivery];
}

int
pb_delivery_parse(const char *name)
{
	return choice_index(delivery_names, name);
}

int
pb_config_paper_presets(const char *list, int *out, int max)
{
	int n = 0;
	const char *p = list;

	while (*p) {
		char *end;
		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		errno = 0;
		long v = strtol(p, &end, 10);
		if (end == p || errno || v < 1 || v > 100000 || n >= PB_MAX_PAPER_PRESETS)
			return -1;
		if (out && n < max)
			out[n] = (int)v;
		n++;
		p = end;
		while (*p == ' ')
			p++;
		if (*p && *p != ',')
			return -1;
	}
	return n;
}

/* Keys whose new value a reload applies at once: read only by the main thread, when used. */
static const char *const live_keys[] = {
	"kiosk.countdown",
	"kiosk.language",
	"kiosk.retakes",
	"kiosk.capture_timeout",
	"kiosk.processing_timeout",
	"kiosk.review_timeout",
	"kiosk.deliver_timeout",
	"kiosk.email_timeout",
	"kiosk.thanks_timeout",
	"kiosk.error_timeout",
	"print.max_copies",
	"share.public_url",
	"share.retention_hours",
	"mail.require_consent",
	"staff.pin",
	"staff.key",
	"staff.timeout",
	"staff.paper_presets",
	"staff.purge_hours",
	"staff.shutdown_command",
	"staff.reboot_command",
	"storage.min_free_mb",
	NULL,
};

static int
is_live(const struct key *k)
{
	char name[64];
	snprintf(name, sizeof(name), "%s.%s", k->section, k->name);
	for (int i = 0; live_keys[i]; i++)
		if (!strcmp(live_keys[i], name))
			return 1;
	return 0;
}

static int
differs(const struct pb_config *a, const struct pb_config *b, const struct key *k)
{
	if (k->type == T_INT || k->type == T_ENUM)
		return *int_field((struct pb_config *)a, k) != *int_field((struct pb_config *)b, k);
	return strcmp(*str_field((struct pb_config *)a, k), *str_field((struct pb_config *)b, k));
}

int
pb_config_reload(struct pb_config *running, const struct pb_config *fresh,
		 void (*fn)(void *ctx, const char *section, const char *name, int how), void *ctx)
{
	int changed = 0;
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		int how;
		if (!differs(running, fresh, k))
			continue;
		changed++;
		if (!strcmp(k->section, "kiosk") &&
		    (!strcmp(k->name, "overlay") || !strcmp(k->name, "delivery")))
			how = PB_RELOAD_CALLER;
		else
			how = is_live(k) ? PB_RELOAD_APPLIED : PB_RELOAD_RESTART;
		if (how != PB_RELOAD_RESTART) {
			if (k->type == T_INT || k->type == T_ENUM) {
				*int_field(running, k) = *int_field((struct pb_config *)fresh, k);
			} else {
				free(*str_field(running, k));
				*str_field(running, k) =
					pb_xstrdup(*str_field((struct pb_config *)fresh, k));
			}
		}
		if (fn)
			fn(ctx, k->section, k->name, how);
	}
	return changed;
}

int
pb_config_each_setting(const char *list, void (*fn)(void *ctx, const char *name, const char *value),
		       void *ctx, char *why, size_t whylen)
{
	const char *p = list ? list : "";
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char item[256], *eq, *name, *value;
		if (n >= sizeof(item)) {
			snprintf(why, whylen, "'%.40s...' is longer than %zu characters", p,
				 sizeof(item) - 1);
			return -1;
		}
		memcpy(item, p, n);
		item[n] = '\0';
		p = end ? end + 1 : p + n;
		eq = strchr(item, '=');
		name = item;
		while (*name == ' ' || *name == '\t')
			name++;
		if (!eq) {
			if (!*name && !end)
				break; /* a trailing comma */
			snprintf(why, whylen, "'%s' is not name=value", name);
			return -1;
		}
		*eq = '\0';
		value = eq + 1;
		for (char *t = eq; t > name && (t[-1] == ' ' || t[-1] == '\t'); t--)
			t[-1] = '\0';
		while (*value == ' ' || *value == '\t')
			value++;
		for (char *t = value + strlen(value); t > value && (t[-1] == ' ' || t[-1] == '\t');
		     t--)
			t[-1] = '\0';
		if (!*name || !*value) {
			snprintf(why, whylen, "'%s=%s' needs both a name and a value", name, value);
			return -1;
		}
		if (fn)
			fn(ctx, name, value);
	}
	return 0;
}

const char *
pb_camera_backend_name(int backend)
{
	return backend >= 0 && backend < (int)(sizeof(backend_names) / sizeof(*backend_names)) - 1
		       ? backend_names[backend]
		       : "unknown";
}

/* Run from a checkout (build/photobooth, not installed), the default overlays_dir does not
 * exist but the checkout's overlays/ beside build/ does: the tools use that. */
void
pb_config_checkout_overlays(struct pb_config *cfg)
{
	struct stat st;
	char exe[PATH_MAX], *slash, *dir, *real;
	ssize_t n;

	if (strcmp(cfg->overlays_dir, PB_DATADIR "/overlays") || stat(cfg->overlays_dir, &st) == 0)
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	dir = pb_xasprintf("%s/../overlays", exe);
	real = realpath(dir, NULL);
	if (real && stat(real, &st) == 0 && S_ISDIR(st.st_mode)) {
		free(cfg->overlays_dir);
		cfg->overlays_dir = pb_xstrdup(real);
	}
	free(real);
	free(dir);
}
