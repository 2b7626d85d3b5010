/* booth.h - the running kiosk: the main thread's loop that owns SDL and the kiosk state, and
 * wires the state machine to the camera thread, the worker, the control socket and the
 * screen. Everything that can block runs elsewhere and reports back as an SDL event. */
#ifndef PB_BOOTH_H
#define PB_BOOTH_H

#include "conf.h"

struct pb_booth_options {
	int windowed;
	const char *config_path; /* what photoboothctl reload and SIGHUP read again */
};

struct pb_booth;

/* Starts the booth: data_dir, staff's saved settings, the theme, the screen (retried later
 * when there is none), the worker, the delivery services, the camera and the control socket.
 * cfg stays the caller's and must outlive the booth; a reload changes the keys of cfg that
 * apply without a restart. Returns 0 and *out, or the process exit code: 78 when the
 * configuration cannot work (theme, font, data_dir, key, socket), 1 for other failures. Main
 * thread; blocks while the services start. The process must ignore SIGPIPE first (main.c). */
int pb_booth_create(struct pb_config *cfg, const struct pb_booth_options *opt,
		    struct pb_booth **out);
/* Runs the main loop until SIGTERM, SIGINT or the window closes. SIGHUP reloads the config
 * (as photoboothctl reload). Main thread. */
void pb_booth_loop(struct pb_booth *b);
/* Stops the camera, finishes the worker's jobs, spools the prints and writes the emails handed
 * over, closes the screen. NULL is fine. */
void pb_booth_destroy(struct pb_booth *b);

/* Renders every screen at w x h in lang into dir/<state>.bmp with the real renderer and a
 * simulated scene, without a display (translation and layout review). Returns an exit code. */
int pb_booth_screens(const struct pb_config *cfg, const char *dir, int w, int h, const char *lang);

#endif
