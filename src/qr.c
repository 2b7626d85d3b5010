#include <errno.h>
#include <qrencode.h>
#include <string.h>

#include "log.h"
#include "qr.h"

enum pb_status
pb_qr_encode(const char *text, struct pb_image **out)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	struct pb_image *img;
	enum pb_status st;

	*out = NULL;
	if (!q) {
		pb_err("qr: cannot encode %zu characters: %s", strlen(text), strerror(errno));
		return errno == ENOMEM ? PB_ERR_NOMEM : PB_ERR_INPUT;
	}
	int side = q->width + 2 * PB_QR_QUIET;
	st = pb_image_create(side, side, 0xffffffffu, &img);
	if (st == PB_OK) {
		for (int y = 0; y < q->width; y++) {
			uint32_t *row = pb_image_row(img, y + PB_QR_QUIET) + PB_QR_QUIET;
			for (int x = 0; x < q->width; x++)
				if (q->data[y * q->width + x] & 1) /* bit 0: a dark module */
					row[x] = 0xff000000u;
		}
		*out = img;
	}
	QRcode_free(q);
	return st;
}
