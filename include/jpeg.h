/* jpeg.h - JPEG decode and encode through libjpeg-turbo's TurboJPEG.
 * A struct pb_jpeg holds TurboJPEG handles; use one per thread. Blocking (CPU only). */
#ifndef PB_JPEG_H
#define PB_JPEG_H

#include <stddef.h>
#include "image.h"
#include "status.h"

struct pb_jpeg;

struct pb_jpeg *pb_jpeg_create(void);
void pb_jpeg_destroy(struct pb_jpeg *j);

/* The reason for the last failure on this handle (TurboJPEG's own text), never NULL. */
const char *pb_jpeg_error(const struct pb_jpeg *j);

/* The largest capture we decode: above every camera made (102 MP medium format), below what
 * a hostile header can claim (65535 x 65535). A progressive JPEG is held whole in memory
 * while it decodes, so this also bounds that memory. */
#define PB_JPEG_MAX_PIXELS (120u * 1000u * 1000u)
/* libjpeg's own memory cap for one decode (the progressive coefficient buffer). */
#define PB_JPEG_MAX_MEMORY (512l * 1024 * 1024)

/* Reads the header only. PB_ERR_INPUT if it is not a JPEG we can decode, or it is larger
 * than PB_JPEG_MAX_PIXELS. */
enum pb_status pb_jpeg_info(struct pb_jpeg *j, const unsigned char *data, size_t len, int *width,
			    int *height);

/* Decodes at the smallest DCT scale whose result is still at least min_w x min_h (0, 0 for
 * full size); never scales up. Colour, greyscale and CMYK/YCCK JPEGs, baseline or
 * progressive. Corrupt or truncated data is an error (PB_ERR_INPUT), never a grey-filled
 * picture. The pixels are as stored: apply pb_jpeg_orientation yourself. *out is a new
 * opaque image. */
enum pb_status pb_jpeg_decode(struct pb_jpeg *j, const unsigned char *data, size_t len, int min_w,
			      int min_h, struct pb_image **out);

/* Decodes at full size into caller memory as 24-bit RGB rows of pitch bytes (a locked SDL
 * texture). The caller learned width x height from pb_jpeg_info. */
enum pb_status pb_jpeg_decode_rgb(struct pb_jpeg *j, const unsigned char *data, size_t len,
				  unsigned char *dst, int width, int pitch, int height);

/* The EXIF orientation (1..8) of a JPEG: how the stored pixels must be turned to stand
 * upright. 1 when there is no EXIF block or it is unreadable; never reads out of bounds. */
int pb_jpeg_orientation(const unsigned char *data, size_t len);

/* Encodes img (alpha ignored) with 4:2:0 chroma. dpi > 0 is written into the JFIF header.
 * *out is malloc'd; caller frees. */
enum pb_status pb_jpeg_encode(struct pb_jpeg *j, const struct pb_image *img, int quality, int dpi,
			      unsigned char **out, size_t *len);

/* The same with libjpeg and a restart marker every restart_rows MCU rows (0: none), as some
 * cameras write (the simulated camera's [camera] sim_restart_rows); why says what failed. */
enum pb_status pb_jpeg_encode_restart(const struct pb_image *img, int quality, int restart_rows,
				      unsigned char **out, size_t *len, char *why, size_t whylen);

#endif
