/* delivery_queues.c - staff's commands on the delivery queues (delivery.h): resend, the
 * email outbox, the webhook's queue, the uploads, the fleet and the report, answered in
 * photoboothctl's words (control.h). The queues' own threads do the work; nothing here waits
 * on the network. Main thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control.h"
#include "delivery.h"
#include "fleet.h"
#include "log.h"
#include "share.h"

/* Staff: a guest says the email never came. The session's live link goes to the address
 * (the guest's own, or a corrected one) through the outbox like any other email. */
int
pb_delivery_cmd_resend(struct pb_delivery_svc *d, const struct pb_config *cfg, int argc,
		       char **argv, struct pb_buf *reply)
{
	char token[PB_TOKEN_LEN + 1], masked[PB_ADDRESS_MAX + 8], link[512];
	time_t expires;
	enum pb_address_check c;

	if (argc != 3)
		return -1;
	if (!d->outbox) {
		pb_control_reply(reply, 1,
				 "email is not set up on this booth ([mail] smtp_url, "
				 "[kiosk] delivery = share or both)");
		return 0;
	}
	c = pb_address_check(argv[2]);
	if (c != PB_ADDR_OK) {
		pb_control_reply(reply, 1, "resend: the address %s", pb_address_problem(c));
		return 0;
	}
	if (strlen(argv[1]) >= 64 || strchr(argv[1], '/') ||
	    pb_share_link_find(cfg->data_dir, argv[1], time(NULL), token, &expires) != PB_OK) {
		pb_control_reply(reply, 1,
				 "resend: session '%.64s' has no live download link (wrong "
				 "id, or it expired and its photo is deleted)",
				 argv[1]);
		return 0;
	}
	pb_delivery_link(d, cfg, token, link, sizeof(link));
	pb_address_mask(argv[2], masked, sizeof(masked));
	if (pb_delivery_email(d, argv[2], argv[1], link, expires) == PB_OK) {
		pb_info("staff: resend of session %s to %s", argv[1], masked);
		pb_control_reply(reply, 0, "session %s: email to %s queued (see status: outbox)",
				 argv[1], masked);
	} else {
		pb_control_reply(reply, 1, "resend: session %s could not be queued", argv[1]);
	}
	return 0;
}

/* Staff: what the outbox holds (addresses masked), and retry or drop by id. */
int
pb_delivery_cmd_outbox(struct pb_delivery_svc *d, int argc, char **argv, struct pb_buf *reply)
{
	enum { SHOWN = 50 };
	struct pb_outbox_entry e[SHOWN];
	const char *which = argc == 3 ? argv[2] : "";
	int n;

	if (!d->outbox) {
		pb_control_reply(reply, 1, "email is not set up on this booth ([mail] smtp_url)");
		return 0;
	}
	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "list"))) {
		size_t all = pb_outbox_list(d->outbox, e, SHOWN);
		int dead = 0;
		for (size_t i = 0; i < all && i < SHOWN; i++)
			dead += e[i].dead;
		pb_control_reply(reply, 0, "outbox: %zu message%s%s", all, all == 1 ? "" : "s",
				 all > SHOWN ? " (the first 50 shown)" : "");
		for (size_t i = 0; i < all && i < SHOWN; i++) {
			pb_buf_printf(reply, "%s  %-7s %s  session %s  %d min old, %d tr%s",
				      e[i].id, e[i].dead ? "dead" : "waiting", e[i].to,
				      e[i].session, e[i].age_s / 60, e[i].attempts,
				      e[i].attempts == 1 ? "y" : "ies");
			if (!e[i].dead && e[i].retry_in_s)
				pb_buf_printf(reply, ", next in %d s", e[i].retry_in_s);
			pb_buf_printf(reply, "%s%s\n", e[i].error[0] ? "\n    " : "", e[i].error);
		}
		if (dead)
			pb_buf_printf(reply,
				      "retry a dead letter once the address is fixed at the "
				      "server, or drop it: photoboothctl outbox retry|drop ID\n");
		return 0;
	}
	if (argc == 3 && (!strcmp(argv[1], "retry") || !strcmp(argv[1], "drop"))) {
		int retry = !strcmp(argv[1], "retry");
		if (strlen(which) > 47 || (!retry && !strcmp(which, "all"))) {
			pb_control_reply(reply, 2, "outbox drop: give an id or 'dead'");
			return 0;
		}
		n = retry ? pb_outbox_retry(d->outbox, which) : pb_outbox_drop(d->outbox, which);
		if (n)
			pb_control_reply(reply, 0, "outbox: %d message%s %s", n, n == 1 ? "" : "s",
					 retry ? "to be tried again now" : "dropped");
		else
			pb_control_reply(reply, 1,
					 "outbox: no message '%.47s' (see photoboothctl "
					 "outbox)",
					 which);
		return 0;
	}
	return -1;
}

/* Staff: the webhook's deliveries waiting and its dead letters, and retry or drop by id. */
int
pb_delivery_cmd_webhook(struct pb_delivery_svc *d, int argc, char **argv, struct pb_buf *reply)
{
	enum { SHOWN = 50 };
	struct pb_sendq_entry e[SHOWN];
	struct pb_sendq *q = d->webhook ? pb_webhook_queue(d->webhook) : NULL;
	int retry = argc == 3 && !strcmp(argv[1], "retry");
	if (!q) {
		pb_control_reply(reply, 1, "no webhook on this booth ([webhook] url)");
		return 0;
	}
	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "list"))) {
		size_t all = pb_sendq_list(q, e, SHOWN);
		pb_control_reply(reply, 0, "webhook: %zu deliver%s%s", all, all == 1 ? "y" : "ies",
				 all > SHOWN ? " (the first 50 shown)" : "");
		for (size_t i = 0; i < all && i < SHOWN; i++) {
			pb_buf_printf(reply, "%s  %-7s %d min old, %u tr%s", e[i].id,
				      e[i].dead ? "dead" : "waiting", e[i].age_s / 60,
				      e[i].attempts, e[i].attempts == 1 ? "y" : "ies");
			if (!e[i].dead && e[i].retry_in_s)
				pb_buf_printf(reply, ", next in %d s", e[i].retry_in_s);
			pb_buf_printf(reply, "%s%s\n", e[i].error[0] ? "\n    " : "", e[i].error);
		}
		return 0;
	}
	if (argc == 3 && (retry || !strcmp(argv[1], "drop")) && strlen(argv[2]) < 48 &&
	    (retry || strcmp(argv[2], "all"))) {
		int n = retry ? pb_sendq_retry(q, argv[2]) : pb_sendq_drop(q, argv[2]);
		if (n)
			pb_control_reply(reply, 0, "webhook: %d deliver%s %s", n,
					 n == 1 ? "y" : "ies",
					 retry ? "to be tried again now" : "dropped");
		else
			pb_control_reply(reply, 1,
					 "webhook: no delivery '%s' (see photoboothctl "
					 "webhook)",
					 argv[2]);
		return 0;
	}
	return -1;
}

/* Staff: the cloud upload queue, the event's booths, the organiser's figures. */
int
pb_delivery_cmd_cloud(struct pb_delivery_svc *d, int argc, char **argv, struct pb_buf *reply)
{
	struct pb_publish *p = d->publish;
	int json = argc == 2 && !strcmp(argv[1], "json");
	struct pb_fleet fleet;
	struct pb_buf body;

	if (!p) {
		pb_control_reply(reply, 1, "%s: publishing is off ([publish] endpoint)", argv[0]);
		return 0;
	}
	if (!strcmp(argv[0], "publish")) {
		struct pb_publish_stats s;
		if (argc == 2 && !strcmp(argv[1], "retry")) {
			int n = pb_publish_retry(p);
			pb_control_reply(reply, 0, "publish: trying %d job%s now", n,
					 n == 1 ? "" : "s");
			return 0;
		}
		if (argc != 1)
			return -1;
		pb_publish_stats(p, &s);
		pb_control_reply(reply, s.blocked[0] || s.dead ? 1 : 0,
				 "publish: %d waiting (oldest %d s), %d refused for good, %u "
				 "uploaded, %u deleted%s%s%s%s",
				 s.depth, s.oldest_age_s, s.dead, s.uploaded, s.deleted,
				 s.blocked[0] ? "; the store refuses this booth: " : "", s.blocked,
				 !s.blocked[0] && s.last_error[0] ? "; last error: " : "",
				 s.blocked[0] ? "" : s.last_error);
		return 0;
	}
	if (argc > 2 || (argc == 2 && !json))
		return -1;
	pb_buf_init(&body);
	char why[320];
	if (pb_publish_fleet(p, &fleet, why, sizeof(why)) < 0) {
		/* never "0 booths": that would read as a quiet event */
		pb_control_reply(reply, 1,
				 "%s: the event's booths are unknown: the store did not "
				 "list them: %s",
				 argv[0], why);
		pb_buf_fini(&body);
		return 0;
	}
	if (!strcmp(argv[0], "fleet")) {
		int silent = pb_fleet_list(&fleet, time(NULL), json, &body);
		pb_control_reply(reply, 0, "fleet: %d silent", silent);
	} else {
		pb_fleet_report(&fleet, json, &body);
		pb_control_reply(reply, 0, "report");
	}
	pb_buf_append(reply, body.data, body.len);
	pb_buf_fini(&body);
	pb_fleet_free(&fleet);
	return 0;
}
