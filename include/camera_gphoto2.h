/* camera_gphoto2.h - the parts of the libgphoto2 backend that stand alone: translating its
 * errors into our status, and naming the program that holds a device. The backend itself is
 * pb_camera_gphoto2_ops in camera.h. */
#ifndef PB_CAMERA_GPHOTO2_H
#define PB_CAMERA_GPHOTO2_H

#include <stddef.h>
#include <sys/types.h>
#include "status.h"

/* A libgphoto2 result (GP_OK or a negative GP_ERROR_*) as our status. msg is the text the
 * library reported through its context for that call (may be NULL): a camera that could not
 * focus says so only there, and that is worth a retry (PB_ERR_BUSY) like a busy camera. */
enum pb_status pb_gphoto2_status(int gp_result, const char *msg);

/* The device file for a libgphoto2 USB port ("usb:001,005" -> "/dev/bus/usb/001/005"), or
 * -1 when the port names no bus and device. */
int pb_gphoto2_usb_device(const char *port, char *path, size_t len);

/* Looks through /proc for another process with path open, and writes "name (pid N)" to out.
 * Returns 1 when found, 0 when not (or when /proc does not let us see: not root). */
int pb_device_holder(const char *path, char *out, size_t outlen);

#endif
