/* gallery.h - the download page guests reach from the QR code (libmicrohttpd).
 *
 *   GET /p/<token>      a small mobile-first page (no JavaScript): the photo, a download
 *                       button, the event's name
 *   GET /p/<token>.jpg  the session's share.jpg, as a download
 *   anything else       404 (HEAD is answered like GET; other methods 405)
 *
 * A token is resolved through share.h only; a request never names a file. Limits keep the
 * server up under abuse from the venue's network:
 *  - a deadline for the whole request header (header_timeout_s): a client that trickles a
 *    byte at a time is cut then, however often it sends (the idle timeout alone is reset
 *    by every byte);
 *  - connections per address (max_per_address, 64): a phone's browser opens at most 6 to
 *    one site, so ten phones loading at once behind one NAT address (a venue router
 *    between the guests' Wi-Fi and the booth) fit, while five rogue addresses hold at most
 *    320 of the 1000;
 *  - connections in all (max_connections, 1000), lowered to leave 256 descriptors under
 *    the process's limit (the unit's LimitNOFILE) for photos, CUPS, SMTP and photoboothctl,
 *    so a flood never makes link look-ups or the control socket fail with EMFILE;
 *  - an idle timeout for a stalled download (idle_timeout_s), and a small per-connection
 *    memory budget (overlong requests).
 * The server runs on libmicrohttpd's threads plus one that enforces the header deadline;
 * start and stop from the main thread. */
#ifndef PB_GALLERY_H
#define PB_GALLERY_H

#include <stddef.h>
#include "share.h"
#include "status.h"

struct pb_gallery_config {
	const char *listen; /* "ADDRESS:PORT"; port 0 picks a free one (tests) */
	const char *data_dir;
	const char *title;	   /* the event's name on the page */
	const char *public_url;	   /* [share] public_url: absolute links for previews */
	unsigned max_connections;  /* in all (1000; lowered to fit the descriptor limit) */
	unsigned max_per_address;  /* from one address (64) */
	unsigned idle_timeout_s;   /* a silent connection is closed (10) */
	unsigned header_timeout_s; /* a request's whole header must arrive within (5) */
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

/* Connections cut at the header deadline since start. Any thread. */
unsigned pb_gallery_cut(struct pb_gallery *g);

/* The connection cap in force (after fitting it under the descriptor limit). */
unsigned pb_gallery_max_connections(const struct pb_gallery *g);

/* What a request path (already %xx-decoded) asks for: PB_ROUTE_PAGE for "/p/<token>",
 * PB_ROUTE_PHOTO for "/p/<token>.jpg" (token is then written), PB_ROUTE_NONE for anything
 * else, including a token of the wrong form. Pure; any thread. */
enum { PB_ROUTE_NONE, PB_ROUTE_PAGE, PB_ROUTE_PHOTO };
int pb_gallery_route(const char *url, char token[PB_TOKEN_LEN + 1]);

#endif
