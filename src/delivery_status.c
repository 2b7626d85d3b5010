/* delivery_status.c - what the delivery services say in photoboothctl status and in the
 * service's STATUS line (delivery.h). Reads the services' stats, changes nothing. Main
 * thread. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "delivery.h"
#include "fleet.h"
#include "json.h"
#include "staff_health.h"

/* The publisher's queue and heartbeat; null when [publish] is off. */
static void
publish_json(struct pb_delivery_svc *d, struct pb_buf *out)
{
	struct pb_publish_stats ps;
	if (!d->publish) {
		pb_json_str(out, "publish", NULL);
		return;
	}
	pb_publish_stats(d->publish, &ps);
	pb_json_open(out, "publish");
	pb_json_str(out, "booth", d->booth_id);
	pb_json_str(out, "prefix", d->prefix);
	pb_json_int(out, "depth", ps.depth);
	pb_json_int(out, "oldest_age_s", ps.oldest_age_s);
	pb_json_int(out, "retry_in_s", ps.retry_in_s);
	pb_json_int(out, "uploaded", ps.uploaded);
	pb_json_int(out, "deleted", ps.deleted);
	pb_json_int(out, "failures", ps.failures);
	pb_json_int(out, "dead", ps.dead);
	pb_json_str(out, "last_error", ps.last_error[0] ? ps.last_error : NULL);
	pb_json_str(out, "blocked", ps.blocked[0] ? ps.blocked : NULL);
	pb_json_int(out, "heartbeat_age_s", ps.beat_age_s);
	pb_json_int(out, "booths", ps.booths);
	pb_json_str(out, "fleet_error", ps.fleet_error[0] ? ps.fleet_error : NULL);
	pb_json_close(out);
}

/* The printer (with the current guest's prints, as the deliver screen shows them) and the
 * outbox; null for a service not running. */
void
pb_delivery_status_json(struct pb_delivery_svc *d, struct pb_buf *out)
{
	if (d->print) {
		struct pb_printer_health ph;
		pb_print_health(d->print, &ph);
		pb_printer_health_json(&ph, out);
		pb_json_open(out, "print_position");
		pb_json_int(out, "ahead", d->position.ahead);
		pb_json_int(out, "mine", d->position.mine);
		pb_json_int(out, "eta_s", d->position.eta_s);
		pb_json_bool(out, "failed", d->position.failed);
		pb_json_close(out);
	} else {
		pb_json_str(out, "printer", NULL);
	}
	if (d->outbox) {
		struct pb_outbox_stats os;
		pb_outbox_stats(d->outbox, &os);
		pb_json_open(out, "outbox");
		pb_json_int(out, "depth", os.depth);
		pb_json_int(out, "oldest_age_s", os.oldest_age_s);
		pb_json_int(out, "retry_in_s", os.retry_in_s);
		pb_json_int(out, "sent", os.sent);
		pb_json_int(out, "failures", os.failures);
		pb_json_int(out, "expired", os.expired);
		pb_json_int(out, "unsaved", os.unsaved);
		pb_json_int(out, "limited_booth", os.limited_booth);
		pb_json_int(out, "limited_address", os.limited_address);
		pb_json_str(out, "last_error", os.last_error[0] ? os.last_error : NULL);
		pb_json_int(out, "dead", os.dead);
		pb_json_int(out, "refused", os.refused);
		pb_json_str(out, "last_dead", os.last_dead[0] ? os.last_dead : NULL);
		pb_json_close(out);
	} else {
		pb_json_str(out, "outbox", NULL);
	}
	if (d->webhook)
		pb_sendq_json(pb_webhook_queue(d->webhook), "webhook", out);
	else
		pb_json_str(out, "webhook", NULL);
	publish_json(d, out);
}

void
pb_delivery_gallery_json(struct pb_delivery_svc *d, struct pb_buf *out)
{
	pb_json_int(out, "downloads", pb_gallery_opened(d->gallery));
	pb_json_int(out, "slow_clients_cut", pb_gallery_cut(d->gallery));
}

size_t
pb_delivery_service_status(struct pb_delivery_svc *d, char *out, size_t n, size_t len)
{
	if (d->print && len < n) {
		char reason[sizeof(d->printer.reasons)];
		memcpy(reason, d->printer.reasons, sizeof(reason));
		reason[strcspn(reason, ",")] = '\0';
		len += (size_t)snprintf(out + len, n - len, " · printer: %s",
					reason[0] ? reason
						  : pb_printer_state_name(d->printer.state));
	}
	if (d->outbox && len < n) {
		struct pb_outbox_stats os;
		pb_outbox_stats(d->outbox, &os);
		if (os.depth)
			len += (size_t)snprintf(out + len, n - len, " · email: %d waiting",
						os.depth);
		else
			len += (size_t)snprintf(out + len, n - len, " · email: ok");
		if (os.dead && len < n)
			len += (size_t)snprintf(out + len, n - len,
						", %d refused for good (photoboothctl outbox)",
						os.dead);
	}
	if (d->publish && len < n) {
		struct pb_publish_stats ps;
		pb_publish_stats(d->publish, &ps);
		if (ps.blocked[0])
			len += (size_t)snprintf(out + len, n - len, " · uploads: refused (%.80s)",
						ps.blocked);
		else
			len += (size_t)snprintf(out + len, n - len, " · uploads: %d waiting",
						ps.depth);
	}
	return len;
}

void
pb_delivery_staff_facts(struct pb_delivery_svc *d, struct pb_staff_facts *f, char fleet[][200],
			char *fleet_why, size_t whylen)
{
	f->printing = d->print != NULL;
	f->printer = d->printer;
	f->sharing = d->gallery != NULL;
	f->email = d->outbox != NULL;
	if (d->outbox)
		pb_outbox_stats(d->outbox, &f->outbox);
	if (d->publish) {
		struct pb_fleet fl;
		f->publishing = 1;
		pb_publish_stats(d->publish, &f->publish);
		if (pb_publish_fleet(d->publish, &fl, fleet_why, whylen) < 0)
			f->fleet_unknown = fleet_why;
		for (int i = 0; f->nfleet < PB_STAFF_FLEET && i < fl.n; i++) {
			const struct pb_fleet_booth *fb = &fl.booths[i];
			if (!strcmp(fb->booth, d->booth_id))
				continue;
			pb_fleet_line(fb, time(NULL), fleet[f->nfleet], sizeof(fleet[0]));
			f->fleet_silent[f->nfleet] = pb_fleet_silent(fb, time(NULL));
			f->fleet[f->nfleet] = fleet[f->nfleet];
			f->nfleet++;
		}
		/* a beat nobody can read is a booth staff cannot see: say so */
		if (f->nfleet < PB_STAFF_FLEET && fl.nunreadable + fl.unreadable_more) {
			snprintf(fleet[f->nfleet], sizeof(fleet[0]),
				 "%d unreadable heartbeat%s (%.100s): photoboothctl fleet",
				 fl.nunreadable + fl.unreadable_more,
				 fl.nunreadable + fl.unreadable_more == 1 ? "" : "s",
				 fl.unreadable[0].key);
			f->fleet_silent[f->nfleet] = 1;
			f->fleet[f->nfleet] = fleet[f->nfleet];
			f->nfleet++;
		}
		pb_fleet_free(&fl);
	}
}
