/* share.h - download links: an unguessable token per session, and where it leads.
 *
 * A token is 128 random bits from getrandom(), base64url without padding (22 characters).
 * data_dir/links/<token> (written atomically) names the session and when the link expires;
 * the gallery server resolves a token through it and nothing else, so no request can name a
 * file. Blocking file I/O; any thread. */
#ifndef PB_SHARE_H
#define PB_SHARE_H

#include <stddef.h>
#include <time.h>
#include "status.h"

#define PB_TOKEN_LEN 22

/* A fresh token into out (PB_TOKEN_LEN + 1 bytes). PB_ERR_IO when the kernel gives no
 * randomness (never a weak token instead). */
enum pb_status pb_share_token(char out[PB_TOKEN_LEN + 1]);

/* Whether s has the form of a token (22 base64url characters). */
int pb_share_token_valid(const char *s);

/* Records that token leads to session until expires (wall clock), for a guest who spoke lang
 * ("en", "ko": the landing page's language). */
enum pb_status pb_share_link_write(const char *data_dir, const char *token, const char *session,
				   time_t expires, const char *lang);

/* Resolves token at wall-clock now: writes the session id (at most n bytes). PB_ERR_INPUT
 * for a malformed, unknown or expired token (all alike to the caller, so a guesser learns
 * nothing). */
enum pb_status pb_share_link_lookup(const char *data_dir, const char *token, time_t now,
				    char *session, size_t n);
/* The same, with the link's expiry and language ("en" for a link from before languages). */
enum pb_status pb_share_link_read(const char *data_dir, const char *token, time_t now,
				  char *session, size_t n, time_t *expires, char lang[8]);

/* The live link of session (for a resend): its token and expiry. PB_ERR_INPUT when the
 * session has none, or it expired. Reads every link: for staff, not for guests. */
enum pb_status pb_share_link_find(const char *data_dir, const char *session, time_t now,
				  char token[PB_TOKEN_LEN + 1], time_t *expires);

/* Deletes expired links and their sessions' folders, and links whose session folder is gone
 * (staff purged it). gone (may be NULL) is called with each such link's token before it is
 * deleted, for the copies published elsewhere. Returns how many links went. */
int pb_share_purge(const char *data_dir, time_t now, void (*gone)(void *ctx, const char *token),
		   void *ctx);

/* Whether data_dir holds a download link (expired or not: the gallery's purge deals with
 * those). A booth restarted in print mode still serves them. */
int pb_share_any_link(const char *data_dir);

#endif
