/* booth.h - the running kiosk: the main thread's loop that owns SDL and the kiosk state, and
 * wires the state machine to the camera thread, the worker, the control socket and the
 * screen. Everything that can block runs elsewhere and reports back as an SDL event. */
#ifndef PB_BOOTH_H
#define PB_BOOTH_H

#include "conf.h"

#define PB_EXIT_CONFIG 78 /* EX_CONFIG: systemd's RestartPreventExitStatus stops a restart loop */

struct pb_booth_options {
	int windowed;
	const char *config_path; /* what photoboothctl reload and SIGHUP read again */
};

/* Runs until SIGTERM, SIGINT or the window closes. SIGHUP reloads the config (as
 * photoboothctl reload). A reload changes the keys of cfg that apply without a restart. Returns the process exit code: 0, 78 when
 * the configuration cannot work (theme, font, data_dir), 1 for other start-up failures. */
int pb_booth_run(struct pb_config *cfg, const struct pb_booth_options *opt);

/* Renders every screen at w x h in lang into dir/<state>.bmp with the real renderer and a
 * simulated scene, without a display (translation and layout review). Returns an exit code. */
int pb_booth_screens(const struct pb_config *cfg, const char *dir, int w, int h, const char *lang);

#endif
