/* staff_health.c - see staff_health.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "staff_health.h"

/* Appends one line to the staff view's text buffer. */
struct lines {
	struct pb_staff_text *v;
	char *buf;
	size_t len, cap;
};

static void __attribute__((format(printf, 3, 4)))
line(struct lines *ls, int level, const char *fmt, ...)
{
	va_list ap;
	if (ls->v->nlines >= PB_STAFF_LINES || ls->len + 2 >= ls->cap)
		return;
	char *at = ls->buf + ls->len;
	va_start(ap, fmt);
	int n = vsnprintf(at, ls->cap - ls->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	ls->len += (size_t)n + 1 < ls->cap - ls->len ? (size_t)n + 1 : ls->cap - ls->len;
	ls->v->lines[ls->v->nlines] = at;
	ls->v->level[ls->v->nlines++] = level;
}

static const char *
camera_words(enum pb_camera_state s)
{
	switch (s) {
	case PB_CAM_CONNECTED:
		return _("connected");
	case PB_CAM_CONNECTING:
		return _("connecting");
	case PB_CAM_RECONNECTING:
		return _("unplugged? reconnecting");
	case PB_CAM_ABSENT:
		return _("not found");
	case PB_CAM_ERROR:
		return _("cannot be used");
	}
	return "";
}

void
pb_staff_describe(const struct pb_staff_facts *f, int health, struct pb_staff_text *v, char *buf,
		  size_t buflen)
{
	struct lines ls = { v, buf, 0, buflen };
	const struct pb_camera_health *ch = &f->camera;
	const uint64_t *r = f->since_reset, *t = f->total;

	memset(v, 0, sizeof(*v));
	v->header = buf;
	ls.len = (size_t)snprintf(buf, buflen, _("Staff · photobooth %s · up %d h %02d min"),
				  PB_VERSION, (int)(f->uptime_s / 3600),
				  (int)(f->uptime_s / 60 % 60)) +
		 1;
	if (!health)
		return;
	if (ch->state == PB_CAM_CONNECTED)
		line(&ls, 0, _("Camera: %s, %s, %.0f fps"), ch->model[0] ? ch->model : "?",
		     camera_words(ch->state), ch->fps);
	else
		line(&ls, 2, _("Camera: %s — %s"), camera_words(ch->state), ch->reason);
	if (f->printing) {
		const struct pb_printer_health *p = &f->printer;
		char left[64] = "";
		if (p->prints_remaining >= 0)
			snprintf(left, sizeof(left), _(", %d prints left"), p->prints_remaining);
		line(&ls,
		     !p->ready	    ? 2
		     : p->paper_low ? 1
				    : 0,
		     _("Printer %s: %s, %d queued%s"), p->queue[0] ? p->queue : "?",
		     pb_printer_state_name(p->state), p->pending, left);
		if (p->message[0] || p->reasons[0])
			line(&ls, p->ready ? 1 : 2, "   %s",
			     p->message[0] ? p->message : p->reasons);
		if (p->unconfirmed == 1)
			line(&ls, 2, "%s", _("   1 print may not have come out: tap Reprint"));
		else if (p->unconfirmed)
			line(&ls, 2, _("   %d prints may not have come out: tap Reprint"),
			     p->unconfirmed);
	}
	if (f->email) {
		const struct pb_outbox_stats *os = &f->outbox;
		line(&ls,
		     os->last_error[0] && os->depth ? 2
		     : os->depth		    ? 1
						    : 0,
		     _("Email: %d waiting (oldest %d min), %u sent"), os->depth,
		     (int)(os->oldest_age_s / 60), os->sent);
		if (os->last_error[0] && os->depth)
			line(&ls, 2, "   %s", os->last_error);
		if (os->limited_booth)
			line(&ls, 1,
			     _("Email: %u guests turned away by the hourly limit ([mail] per_booth_per_hour)"),
			     os->limited_booth);
		if (os->dead) {
			line(&ls, 2, _("Email: %d refused by the server, not sent"), os->dead);
			if (os->last_dead[0])
				line(&ls, 2, "   %s", os->last_dead);
		}
	} else if (f->sharing) {
		line(&ls, 0, _("Download links on; email off"));
	}
	if (f->publishing) {
		const struct pb_publish_stats *ps = &f->publish;
		if (ps->blocked[0]) {
			line(&ls, 2, "%s",
			     _("Cloud: the store refuses this booth; nothing uploads"));
			line(&ls, 2, "   %s", ps->blocked);
		} else {
			line(&ls,
			     ps->last_error[0] && ps->depth ? 2
			     : ps->depth		    ? 1
							    : 0,
			     _("Cloud: %d waiting (oldest %d min), %u uploaded"), ps->depth,
			     (int)(ps->oldest_age_s / 60), ps->uploaded);
			if (ps->last_error[0] && ps->depth)
				line(&ls, 2, "   %s", ps->last_error);
		}
		if (ps->dead)
			line(&ls, 2, _("Cloud: %d refused by the store (photoboothctl publish)"),
			     ps->dead);
		if (f->fleet_unknown)
			line(&ls, 2, _("Other booths: unknown (%s)"), f->fleet_unknown);
		for (int i = 0; i < f->nfleet; i++)
			line(&ls, f->fleet_silent[i] ? 2 : 0, "%s", f->fleet[i]);
	}
	if (f->disk_free_mb >= 0)
		line(&ls,
		     f->disk_free_mb < 500    ? 2
		     : f->disk_free_mb < 2048 ? 1
					      : 0,
		     _("Disk: %.1f GB free of %.1f GB"), (double)f->disk_free_mb / 1024.0,
		     (double)f->disk_total_mb / 1024.0);
	if (f->disk_low)
		line(&ls, 2, "%s", _("Disk full: no new guests until photos are purged"));
	line(&ls, -1, _("Since reset · all-time"));
	static const char *const names[PB_COUNT_N] = {
		[PB_COUNT_SESSIONS] = N_("Sessions"),	   [PB_COUNT_PHOTOS] = N_("Photos"),
		[PB_COUNT_PRINTS] = N_("Prints"),	   [PB_COUNT_EMAILS] = N_("Emails"),
		[PB_COUNT_DOWNLOADS] = N_("QR downloads"), [PB_COUNT_FAILURES] = N_("Failures"),
	};
	for (int c = 0; c < PB_COUNT_N; c++)
		line(&ls, c == PB_COUNT_FAILURES && r[c] ? 1 : 0, "%s: %llu · %llu", _(names[c]),
		     (unsigned long long)r[c], (unsigned long long)t[c]);
}
