/* jpeg_error.h - the one libjpeg error manager: a libjpeg error becomes a longjmp back to the
 * caller with libjpeg's own words kept, instead of libjpeg's default exit(). Any thread; each
 * (de)compression has its own.
 *
 *	struct pb_jpeg_error err;
 *	ci.err = pb_jpeg_error_init(&err, 1);
 *	if (setjmp(err.jmp)) { ... err.msg says why ...; jpeg_destroy_...(&ci); }
 */
#ifndef PB_JPEG_ERROR_H
#define PB_JPEG_ERROR_H

#include <setjmp.h>
#include <stdio.h> /* jpeglib.h needs FILE */
#include <jpeglib.h>

struct pb_jpeg_error {
	struct jpeg_error_mgr mgr; /* first: libjpeg's ci->err points here */
	jmp_buf jmp;
	char msg[JMSG_LENGTH_MAX];
};

/* Sets e up and returns the manager for ci.err. With warnings_fatal, a libjpeg warning (a
 * truncated file, corrupt data) is an error too: never a grey-filled photo. */
struct jpeg_error_mgr *pb_jpeg_error_init(struct pb_jpeg_error *e, int warnings_fatal);

#endif
