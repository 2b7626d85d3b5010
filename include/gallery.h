/* gallery.h - the download page guests reach from the QR code (libmicrohttpd).
 *
 *   GET /p/<token>      a small mobile-first page (no JavaScript): the photo, a download
 *                       button, the event's name
 *   GET /p/<token>.jpg  the session's share.jpg, as a download
 *   anything else       404 (HEAD is answered like GET; other methods 405)
 *
 * A token is resolved through share.h only; a request never names a file. Limits keep the
 * server up under abuse: connections in all and per address, an idle timeout (slowloris),
 * a small per-connection memory budget (overlong requests). The server runs on
 * libmicrohttpd's own thread; start and stop from the main thread. */
#ifndef PB_GALLERY_H
#define PB_GALLERY_H

#include <stddef.h>
#include "share.h"
#include "status.h"

struct pb_gallery_config {
	const char *listen; /* "ADDRESS:PORT"; port 0 picks a free one (tests) */
	const char *data_dir;
	const char *title;	  /* the event's name on the page */
	unsigned max_connections; /* in all (1000) */
	unsigned max_per_address; /* from one address (256: phones behind one NAT or a
				   * venue proxy share an address; a slow client from one
				   * address cannot take every connection) */
	unsigned idle_timeout_s;  /* a silent connection is closed (10) */
};

struct pb_gallery;

/* NULL with the reason in why (a bad listen address, the port taken). */
struct pb_gallery *pb_gallery_start(const struct pb_gallery_config *cfg, char *why, size_t n);

/* The port it listens on. */
int pb_gallery_port(const struct pb_gallery *g);

/* Stops and frees it. NULL is fine. */
void pb_gallery_stop(struct pb_gallery *g);

/* Download pages served since start (a guest opened their link: a QR scan). Any thread. */
unsigned pb_gallery_opened(struct pb_gallery *g);

/* What a request path (already %xx-decoded) asks for: PB_ROUTE_PAGE for "/p/<token>",
 * PB_ROUTE_PHOTO for "/p/<token>.jpg" (token is then written), PB_ROUTE_NONE for anything
 * else, including a token of the wrong form. Pure; any thread. */
enum { PB_ROUTE_NONE, PB_ROUTE_PAGE, PB_ROUTE_PHOTO };
int pb_gallery_route(const char *url, char token[PB_TOKEN_LEN + 1]);

#endif
