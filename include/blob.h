/* blob.h - bytes in one heap block, owned by whoever holds the struct (a photo on its way from
 * the camera to the worker); free(data) gives them back. */
#ifndef PB_BLOB_H
#define PB_BLOB_H

#include <stddef.h>

struct pb_blob {
	unsigned char *data; /* malloc'd, or NULL */
	size_t len;
};

#endif
