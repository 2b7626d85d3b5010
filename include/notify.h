/* notify.h - telling systemd how the kiosk is (sd_notify, libsystemd): READY once it serves,
 * a STATUS line when what staff should know changes, WATCHDOG pings from the main loop, and
 * STOPPING. Without NOTIFY_SOCKET (not started by systemd) every call does nothing. Main
 * thread. */
#ifndef PB_NOTIFY_H
#define PB_NOTIFY_H

#include <stdint.h>

/* Reads the watchdog interval systemd asked for (WATCHDOG_USEC), if any. */
void pb_notify_init(void);
/* The kiosk serves guests and photoboothctl. */
void pb_notify_ready(const char *status);
/* "camera: connected · printer: media-empty": sent only when it changed. */
void pb_notify_status(const char *status);
/* Called every loop turn: pings at half the watchdog interval, so a hung loop is restarted. */
void pb_notify_watchdog(uint64_t now_ms);
void pb_notify_stopping(void);
/* The watchdog interval in ms, 0 when systemd asked for none. */
uint64_t pb_notify_watchdog_ms(void);

#endif
