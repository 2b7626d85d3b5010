#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "log.h"
#include "notify.h"

static uint64_t watchdog_ms; /* 0: no watchdog */
static uint64_t pinged_ms;
static char last_status[256];

void
pb_notify_init(void)
{
	uint64_t usec = 0;
	/* 0: keep WATCHDOG_USEC in the environment (nothing we start cares) */
	if (sd_watchdog_enabled(0, &usec) > 0 && usec >= 1000)
		watchdog_ms = usec / 1000;
	if (watchdog_ms)
		pb_info("systemd watchdog: %llu ms; pinging every %llu ms",
			(unsigned long long)watchdog_ms, (unsigned long long)watchdog_ms / 2);
}

uint64_t
pb_notify_watchdog_ms(void)
{
	return watchdog_ms;
}

void
pb_notify_ready(const char *status)
{
	snprintf(last_status, sizeof(last_status), "%s", status);
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void
pb_notify_status(const char *status)
{
	if (!strcmp(status, last_status))
		return;
	snprintf(last_status, sizeof(last_status), "%s", status);
	sd_notifyf(0, "STATUS=%s", status);
}

void
pb_notify_watchdog(uint64_t now_ms)
{
	if (!watchdog_ms || now_ms - pinged_ms < watchdog_ms / 2)
		return;
	pinged_ms = now_ms;
	sd_notify(0, "WATCHDOG=1");
}

void
pb_notify_stopping(void)
{
	sd_notify(0, "STOPPING=1\nSTATUS=shutting down");
}
