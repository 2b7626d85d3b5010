/* control.h - the control socket behind photoboothctl.
 *
 * Protocol: the client sends one line, "command [args...]\n" (at most 1024 bytes). The server
 * answers "<code> <message>\n", optionally followed by a body, and closes. Codes: 0 done,
 * 1 refused or failed (message says why), 2 usage (unknown command or bad arguments).
 *
 * The server side is polled from the main loop and never blocks it: a slow or silent client
 * is dropped after 2 s, and at most PB_CONTROL_MAX_CLIENTS are served at once, the last of
 * them only to root or the kiosk's own user (so a member of the control group holding all
 * the others cannot lock staff out). Every answer
 * is printable UTF-8, and the log names the uid that asked (SO_PEERCRED). A spare descriptor
 * is kept so staff's command is accepted even while the process is out of descriptors;
 * other accept errors pause accepting for 100 ms rather than spin. */
#ifndef PB_CONTROL_H
#define PB_CONTROL_H

#include <stdint.h>
#include "json.h"
#include "status.h"

#define PB_CONTROL_MAX_LINE 1024
#define PB_CONTROL_MAX_CLIENTS 16
#define PB_CONTROL_MAX_WORDS 16 /* a longer command is refused (code 2) */

struct pb_control;

/* Handles one command line (argv-split, argc >= 1) on the main thread: writes code, message
 * and body into reply with pb_control_reply. */
typedef void (*pb_control_handler)(void *ctx, int argc, char **argv, struct pb_buf *reply);

/* Binds path with mode 0660, owned by group when it is not NULL or "" (PB_ERR_CONFIG when
 * there is no such group). A stale socket file (nobody listening) is replaced; a live one
 * means another kiosk runs: PB_ERR_BUSY. Main thread. */
enum pb_status pb_control_open(const char *path, const char *group, struct pb_control **out);

/* Accepts, reads and answers whatever is ready; returns at once. now_ms for timeouts. */
void pb_control_poll(struct pb_control *ctl, uint64_t now_ms, pb_control_handler handler,
		     void *ctx);

/* Closes all clients and removes the socket file. NULL is fine. */
void pb_control_close(struct pb_control *ctl);

/* Starts a reply: "<code> <message>\n". Append any body after it. */
void pb_control_reply(struct pb_buf *reply, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An answer's words into msg (n bytes), for whoever replies later (the staff screen or
 * pb_control_reply): code is 0 done, 1 refused or failed, 2 usage. Returns code. */
int pb_control_say(char *msg, size_t n, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Client: sends line, reads the whole answer into reply (NUL-terminated). PB_ERR_NODEV when
 * nothing listens at path, PB_ERR_TIMEOUT after timeout_ms. Blocking. */
enum pb_status pb_control_request(const char *path, const char *line, struct pb_buf *reply,
				  int timeout_ms, char *why, size_t whylen);

/* Makes s[0..len) printable UTF-8 in place: every byte of a control character (but newline
 * and tab; C1 controls and the bidi controls too) or not part of a well-formed UTF-8
 * sequence becomes '?'. Returns how many
 * were replaced. Every answer goes through it. Pure. */
size_t pb_control_printable(char *s, size_t len);

/* Splits line on blanks into at most max words (in place). Returns argc. */
int pb_control_split(char *line, char **argv, int max);

#endif
