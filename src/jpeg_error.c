/* jpeg_error.c - see jpeg_error.h. */
#include "jpeg_error.h"

static void
on_error(j_common_ptr ci)
{
	struct pb_jpeg_error *e = (struct pb_jpeg_error *)ci->err;
	ci->err->format_message(ci, e->msg);
	longjmp(e->jmp, 1);
}

static void
on_warning(j_common_ptr ci, int level)
{
	if (level < 0)
		on_error(ci);
}

struct jpeg_error_mgr *
pb_jpeg_error_init(struct pb_jpeg_error *e, int warnings_fatal)
{
	jpeg_std_error(&e->mgr);
	e->mgr.error_exit = on_error;
	if (warnings_fatal)
		e->mgr.emit_message = on_warning;
	e->msg[0] = '\0';
	return &e->mgr;
}

void
pb_jpeg_compress_native(struct jpeg_compress_struct *ci, int width, int height, int quality)
{
	ci->image_width = (JDIMENSION)width;
	ci->image_height = (JDIMENSION)height;
	ci->input_components = 4;
	ci->in_color_space = PB_JPEG_NATIVE;
	jpeg_set_defaults(ci);
	jpeg_set_quality(ci, quality, TRUE);
}
