/* booth_actions.c - everything staff do, one function an action, which both the staff screen
 * and photoboothctl call, so they cannot drift apart; and the saved settings: counting, the
 * switches that wait for the guest on screen, saving. Main thread; saves and purges run on
 * the worker. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "booth_priv.h"
#include "clock.h"
#include "log.h"
#include "mem.h"
#include "share.h"

static int
in_session(const struct pb_booth *b)
{
	return b->kiosk.session != 0;
}

static void save_settings(struct pb_booth *b);

int
booth_act_reset(struct pb_booth *b, char *msg, size_t n)
{
	enum pb_state before = b->kiosk.state;
	booth_feed(b, PB_EV_RESET, 0, 0);
	pb_info("staff: reset from %s", pb_state_name(before));
	return pb_control_say(msg, n, 0, "%s -> attract", pb_state_name(before));
}

void
booth_list_themes(struct pb_booth *b)
{
	DIR *d = opendir(b->cfg->overlays_dir);
	struct dirent *e;

	b->staff.nthemes = 0;
	if (!d)
		return;
	while ((e = readdir(d)) && b->staff.nthemes < MAX_THEMES) {
		char *ini;
		if (!pb_overlay_name_ok(e->d_name))
			continue;
		ini = pb_xasprintf("%s/%s/overlay.ini", b->cfg->overlays_dir, e->d_name);
		if (access(ini, R_OK) == 0) /* fits: pb_overlay_name_ok */
			memcpy(b->staff.themes[b->staff.nthemes++], e->d_name,
			       strlen(e->d_name) + 1);
		free(ini);
	}
	closedir(d);
	qsort(b->staff.themes, (size_t)b->staff.nthemes, sizeof(b->staff.themes[0]),
	      (int (*)(const void *, const void *))strcmp);
}

int
booth_act_overlay(struct pb_booth *b, const char *name, char *msg, size_t n)
{
	char why[400];

	if (in_session(b)) {
		/* checked now, switched when the guest is done */
		struct pb_overlay *ov;
		char err[1024] = "not a theme's name";
		if (!pb_overlay_name_ok(name) ||
		    pb_overlay_load_layout(b->cfg->overlays_dir, name, &ov, err, sizeof(err))) {
			char *nl = strchr(err, '\n');
			if (nl)
				*nl = '\0';
			return pb_control_say(msg, n, 1, "theme %.64s cannot be used: %s", name,
					      err);
		}
		pb_overlay_destroy(ov);
		snprintf(b->store.pending_overlay, sizeof(b->store.pending_overlay), "%s", name);
		pb_info("staff: theme %s once the session ends", name);
		return pb_control_say(msg, n, 0,
				      "theme %s: switching when the guest on screen is done (%s)",
				      name, pb_state_name(b->kiosk.state));
	}
	if (booth_apply_overlay(b, name, why, sizeof(why)) < 0)
		return pb_control_say(msg, n, 1, "%s", why);
	b->store.pending_overlay[0] = '\0';
	snprintf(b->store.settings.overlay, sizeof(b->store.settings.overlay), "%s", name);
	save_settings(b);
	pb_notice("staff: theme %s (%d photo%s)", name, b->overlay->nslots,
		  b->overlay->nslots == 1 ? "" : "s");
	return pb_control_say(msg, n, 0, "theme %s (%d photo%s)", name, b->overlay->nslots,
			      b->overlay->nslots == 1 ? "" : "s");
}

/* The staff screen's arrows: the next installed theme that loads, either way round. */
int
booth_act_overlay_step(struct pb_booth *b, int dir, char *msg, size_t n)
{
	int cur = -1;
	booth_list_themes(b);
	if (b->staff.nthemes == 0)
		return pb_control_say(msg, n, 1, "no themes in %s", b->cfg->overlays_dir);
	for (int i = 0; i < b->staff.nthemes; i++)
		if (!strcmp(b->staff.themes[i], b->overlay->name))
			cur = i;
	for (int step = 1; step <= b->staff.nthemes; step++) {
		int i = ((cur < 0 ? 0 : cur) + dir * step + b->staff.nthemes * 2) %
			b->staff.nthemes;
		if (i == cur)
			break;
		if (booth_act_overlay(b, b->staff.themes[i], msg, n) == 0)
			return 0;
		pb_warn("staff: %s", msg);
	}
	return pb_control_say(msg, n, 1, "no other theme can be used (see the log)");
}

int
booth_act_delivery(struct pb_booth *b, int delivery, char *msg, size_t n)
{
	char why[400];
	const char *name = pb_delivery_name(delivery);

	if (in_session(b)) {
		b->store.pending_delivery = delivery;
		pb_info("staff: delivery %s once the session ends", name);
		return pb_control_say(
			msg, n, 0, "delivery %s: switching when the guest on screen is done (%s)",
			name, pb_state_name(b->kiosk.state));
	}
	if (booth_apply_delivery(b, delivery, why, sizeof(why)) < 0)
		return pb_control_say(msg, n, 1, "delivery %s: %s", name, why);
	b->store.pending_delivery = -1;
	b->store.settings.delivery = delivery;
	save_settings(b);
	pb_notice("staff: delivery %s", name);
	if (delivery != PB_DELIVERY_PRINT && !b->deliver.outbox)
		return pb_control_say(
			msg, n, 0, "delivery %s (QR link only: [mail] smtp_url is not set)", name);
	return pb_control_say(msg, n, 0, "delivery %s", name);
}

int
booth_act_reconnect(struct pb_booth *b, char *msg, size_t n)
{
	pb_camera_reconnect(b->camera);
	pb_info("staff: camera reconnect");
	return pb_control_say(msg, n, 0, "camera: reconnecting");
}

int
booth_act_counters_reset(struct pb_booth *b, char *msg, size_t n)
{
	const uint64_t *c = b->store.settings.since_reset;
	pb_notice("staff: counters reset (were: %llu sessions, %llu photos, %llu prints, "
		  "%llu emails, %llu downloads, %llu failures)",
		  (unsigned long long)c[PB_COUNT_SESSIONS], (unsigned long long)c[PB_COUNT_PHOTOS],
		  (unsigned long long)c[PB_COUNT_PRINTS], (unsigned long long)c[PB_COUNT_EMAILS],
		  (unsigned long long)c[PB_COUNT_DOWNLOADS],
		  (unsigned long long)c[PB_COUNT_FAILURES]);
	pb_settings_reset_counters(&b->store.settings, time(NULL));
	save_settings(b);
	return pb_control_say(msg, n, 0, "counters reset (all-time totals kept)");
}

int
booth_act_purge(struct pb_booth *b, int hours, char *msg, size_t n)
{
	booth_queue_purge(b, hours, 1);
	return pb_control_say(msg, n, 0, "deleting photos older than %d h (the log says how many)",
			      hours);
}

/* Shut down or restart: the configured command, run by /bin/sh without waiting for it. A child
 * forks the shell and exits at once, and is reaped here: the shell is then init's to reap, and
 * no zombie stays behind when the command fails or returns (a reboot that polkit refused). */
int
booth_act_power(struct pb_booth *b, int reboot, char *msg, size_t n)
{
	const char *cmd = reboot ? b->cfg->reboot_command : b->cfg->shutdown_command;
	if (!cmd[0])
		return pb_control_say(msg, n, 1, "no [staff] %s_command is set",
				      reboot ? "reboot" : "shutdown");
	pb_notice("staff: %s: %s", reboot ? "restart" : "shut down", cmd);
	booth_settings_flush(b);
	pid_t pid = fork();
	if (pid == 0) {
		pid_t sh = fork();
		if (sh == 0) {
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
			_exit(127);
		}
		_exit(sh < 0 ? 1 : 0);
	}
	if (pid < 0)
		return pb_control_say(msg, n, 1, "cannot run %s: %s", cmd, strerror(errno));
	int child;
	while (waitpid(pid, &child, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(child) || WEXITSTATUS(child))
		return pb_control_say(msg, n, 1, "cannot run %s: fork failed", cmd);
	return pb_control_say(msg, n, 0, "%s: %s", reboot ? "restarting" : "shutting down", cmd);
}

/* Staff's choices are saved at once (by the worker, in order with the counters' saves), not
 * with the next second's counters: a power cut a moment after a switch keeps it. */
static void
save_settings(struct pb_booth *b)
{
	pb_settings_store_save(&b->store, b->worker, booth_now(b));
}

void
booth_settings_flush(struct pb_booth *b)
{
	booth_staff_tick(b, booth_now(b));
	if (b->store.dirty)
		save_settings(b);
}

void
booth_staff_tick(struct pb_booth *b, uint64_t now)
{
	char msg[400];

	pb_settings_store_count(&b->store, &b->kiosk.counters, pb_delivery_downloads(&b->deliver));
	if (!in_session(b) && b->store.pending_overlay[0]) {
		char name[64];
		snprintf(name, sizeof(name), "%s", b->store.pending_overlay);
		b->store.pending_overlay[0] = '\0';
		if (booth_act_overlay(b, name, msg, sizeof(msg)))
			pb_err("staff: %s", msg);
	}
	if (!in_session(b) && b->store.pending_delivery >= 0) {
		int d = b->store.pending_delivery;
		b->store.pending_delivery = -1;
		if (booth_act_delivery(b, d, msg, sizeof(msg)))
			pb_err("staff: %s", msg);
	}
	/* at most once a second: a busy party must not wear out the SD card */
	if (pb_settings_store_due(&b->store, now))
		save_settings(b);
}
