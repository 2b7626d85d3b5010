/* status.h - the one status type: each value says what the caller does next. */
#ifndef PB_STATUS_H
#define PB_STATUS_H

enum pb_status {
	PB_OK = 0,
	PB_ERR_BUSY,	/* retry soon: the device or resource is busy */
	PB_ERR_TIMEOUT, /* retry: it took too long */
	PB_ERR_NODEV,	/* call staff: the device is gone (unplugged, off) */
	PB_ERR_MEDIA,	/* call staff: paper, ribbon, disk */
	PB_ERR_CONFIG,	/* refuse to start: the configuration is wrong */
	PB_ERR_INPUT,	/* the data is bad (corrupt JPEG, bad request): reject it */
	PB_ERR_NOMEM,	/* a large allocation failed */
	PB_ERR_IO,	/* a read or write failed; errno was logged */
};

/* Short, stable, lower-case name of a status ("ok", "nodev", ...). Never NULL. */
const char *pb_status_str(enum pb_status st);

#endif
