/* jpeg_error.h - what every libjpeg user here shares. The one error manager: a libjpeg error
 * becomes a longjmp back to the caller with libjpeg's own words kept, instead of libjpeg's
 * default exit(). The booth's pixel layout as libjpeg names it, and one compressor set-up for
 * it. Any thread; each (de)compression has its own; nothing blocks.
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

/* pb_image's pixels (4 bytes, B G R X in memory) as a libjpeg colour space. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PB_JPEG_NATIVE JCS_EXT_BGRX
#else
#define PB_JPEG_NATIVE JCS_EXT_XRGB
#endif

/* A created compressor takes width x height pb_image rows at quality (libjpeg's defaults:
 * 4:2:0). The caller sets anything else before jpeg_start_compress. */
void pb_jpeg_compress_native(struct jpeg_compress_struct *ci, int width, int height, int quality);

#endif
