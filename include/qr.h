/* qr.h - QR codes for the download link (libqrencode, level M). Any thread. */
#ifndef PB_QR_H
#define PB_QR_H

#include "image.h"

#define PB_QR_QUIET 4 /* modules of white border: the standard quiet zone */

/* Encodes text at error-correction level M into an image of one pixel per module, black on
 * white, quiet zone included (scale it up with nearest-neighbour sampling when drawing).
 * PB_ERR_INPUT when text does not fit a QR code. */
enum pb_status pb_qr_encode(const char *text, struct pb_image **out);

#endif
