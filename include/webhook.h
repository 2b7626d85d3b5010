/* webhook.h - the webhook channel: for each finished session the booth POSTs a JSON body,
 * signed (X-Photobooth-Signature: sha256=<hex HMAC-SHA256 of the body under the secret>),
 * durably and once through a send queue (sendq.h) in data_dir/webhook. Each POST carries
 * X-Photobooth-Delivery: <the job's id>, the same on every try: a receiver that sees an id
 * twice (the booth killed between the POST and its answer) drops the second.
 *
 * What the receiver's answer means (pb_webhook_outcome):
 *  - 2xx: delivered;
 *  - 408, 429, 5xx, a timeout or a connection cut mid-answer: this delivery, later;
 *  - no connection at all, 401 or 403 (a wrong secret): the whole channel waits;
 *  - any other answer (3xx: redirects are never followed; 4xx): a dead letter.
 * Threads: pb_webhook_create and _destroy on the main thread; the POSTs run on the queue's
 * thread; the rest any thread, never waiting on the network. */
#ifndef PB_WEBHOOK_H
#define PB_WEBHOOK_H

#include <stddef.h>

#include "sendq.h"

struct pb_webhook_config {
	const char *url;	 /* http:// or https:// */
	const char *secret_file; /* its first line is the HMAC key */
	const char *dir;	 /* the queue's folder */
	int timeout_s;		 /* a whole POST (10) */
	int retry_first_s, retry_max_s;
};

struct pb_webhook;

/* NULL with why when the secret cannot be read or the queue cannot start. */
struct pb_webhook *pb_webhook_create(const struct pb_webhook_config *cfg, char *why, size_t n);
void pb_webhook_destroy(struct pb_webhook *w); /* NULL ok; what was handed over is on disk */

/* Queues one delivery of body (JSON). */
enum pb_status pb_webhook_post(struct pb_webhook *w, const char *json, size_t len);

/* The queue, for stats, listing, retry and drop (sendq.h). */
struct pb_sendq *pb_webhook_queue(struct pb_webhook *w);

/* "sha256=" and the hex HMAC-SHA256 of body under key: out holds 72 bytes. Pure. */
void pb_webhook_sign(const char *key, const void *body, size_t len, char out[72]);

/* What an answer means (above): http is the status (0: none), transport_failed whether the
 * transfer failed, connected whether a connection was made. Pure. */
enum pb_send_result pb_webhook_outcome(long http, int transport_failed, int connected);

#endif
