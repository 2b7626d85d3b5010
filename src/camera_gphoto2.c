/* The libgphoto2 backend. One Camera session stays open on the camera thread for as long as
 * the camera is there: never a process or a fresh session per shot, which is what costs other
 * booths seconds of shutter lag. Every gp_* call happens on the camera thread. */
#define _GNU_SOURCE /* strcasestr */
#include <ctype.h>
#include <dirent.h>
#include <gphoto2/gphoto2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "camera.h"
#include "camera_gphoto2.h"
#include "conf.h"
#include "log.h"
#include "mem.h"
#include "trace.h"

struct gp {
	char *model, *port, *settings;
	int capture_target, viewfinder;
	GPContext *ctx;
	CameraAbilitiesList *abilities;
	Camera *cam;
	char port_used[128]; /* the port of the open camera, or the one last tried */
	char model_used[128];
	int has_preview;
	char msg[256]; /* the library's last error text, for the call in progress */
};

enum pb_status
pb_gphoto2_status(int rc, const char *msg)
{
	if (rc >= GP_OK)
		return PB_OK;
	switch (rc) {
	case GP_ERROR_CAMERA_BUSY:
	case GP_ERROR_IO_USB_CLAIM: /* another program has it: it may let go */
	case GP_ERROR_IO_LOCK:
		return PB_ERR_BUSY;
	case GP_ERROR_TIMEOUT:
		return PB_ERR_TIMEOUT;
	case GP_ERROR_IO_USB_FIND:
	case GP_ERROR_MODEL_NOT_FOUND:
	case GP_ERROR_IO_INIT:
	case GP_ERROR_IO_READ:
	case GP_ERROR_IO_WRITE:
	case GP_ERROR_IO_UPDATE:
	case GP_ERROR_IO_USB_CLEAR_HALT:
	case GP_ERROR_IO:
		return PB_ERR_NODEV;
	case GP_ERROR_NO_SPACE:
		return PB_ERR_MEDIA;
	case GP_ERROR_NO_MEMORY:
		return PB_ERR_NOMEM;
	case GP_ERROR_NOT_SUPPORTED:
	case GP_ERROR_BAD_PARAMETERS:
	case GP_ERROR_UNKNOWN_PORT:
	case GP_ERROR_LIBRARY:
	case GP_ERROR_IO_SUPPORTED_SERIAL:
	case GP_ERROR_IO_SUPPORTED_USB:
		return PB_ERR_CONFIG;
	case GP_ERROR_CORRUPTED_DATA:
		return PB_ERR_INPUT;
	case GP_ERROR:
	case GP_ERROR_CAMERA_ERROR:
		/* Cameras report a failed autofocus as a plain error with words of their own. */
		if (msg && strcasestr(msg, "focus"))
			return PB_ERR_BUSY;
		return PB_ERR_IO;
	default:
		return PB_ERR_IO;
	}
}

int
pb_gphoto2_usb_device(const char *port, char *path, size_t len)
{
	unsigned bus, dev;
	char end;
	if (!port || sscanf(port, "usb:%u,%u%c", &bus, &dev, &end) != 2 || bus > 999 || dev > 999)
		return -1;
	snprintf(path, len, "/dev/bus/usb/%03u/%03u", bus, dev);
	return 0;
}

int
pb_device_holder(const char *path, char *out, size_t outlen)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;
	pid_t self = getpid();
	int found = 0;

	if (!proc)
		return 0;
	while (!found && (p = readdir(proc))) {
		char *end, dir[300];
		long pid = strtol(p->d_name, &end, 10);
		if (*end || pid <= 0 || pid == self)
			continue;
		snprintf(dir, sizeof(dir), "/proc/%ld/fd", pid);
		DIR *fds = opendir(dir);
		if (!fds)
			continue; /* gone, or not ours to see */
		struct dirent *f;
		while ((f = readdir(fds))) {
			char link[600], target[PATH_MAX];
			ssize_t n;
			if (f->d_name[0] == '.')
				continue;
			snprintf(link, sizeof(link), "%s/%s", dir, f->d_name);
			n = readlink(link, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			if (strcmp(target, path))
				continue;
			char comm_path[300], comm[64] = "?";
			snprintf(comm_path, sizeof(comm_path), "/proc/%ld/comm", pid);
			FILE *c = fopen(comm_path, "r");
			if (c) {
				if (fgets(comm, sizeof(comm), c))
					comm[strcspn(comm, "\n")] = '\0';
				fclose(c);
			}
			snprintf(out, outlen, "%s (pid %ld)", comm, pid);
			found = 1;
			break;
		}
		closedir(fds);
	}
	closedir(proc);
	return found;
}

static void
on_error(GPContext *context, const char *text, void *data)
{
	struct gp *g = data;
	(void)context;
	snprintf(g->msg, sizeof(g->msg), "%s", text);
	/* one line: the library's texts can carry newlines */
	for (char *c = g->msg; *c; c++)
		if (*c == '\n')
			*c = ' ';
}

/* why = "what: libgphoto2's result (its own words)"; returns our status for rc. */
static enum pb_status
fail(struct gp *g, int rc, const char *what, char *why, size_t whylen)
{
	enum pb_status st = pb_gphoto2_status(rc, g->msg);
	snprintf(why, whylen, "%s: %s%s%s%s", what, gp_result_as_string(rc), g->msg[0] ? " (" : "",
		 g->msg, g->msg[0] ? ")" : "");
	return st;
}

static void
drop_camera(struct gp *g)
{
	if (!g->cam)
		return;
	gp_camera_exit(g->cam, g->ctx);
	gp_camera_unref(g->cam);
	g->cam = NULL;
}

/* Chooses the camera: the configured model and port, or the first one detected. */
static enum pb_status
choose(struct gp *g, GPPortInfoList *ports, char *why, size_t whylen)
{
	CameraAbilities a;
	GPPortInfo pi;
	int rc, m, p;
	const char *model = g->model, *port = g->port;
	CameraList *found = NULL;

	if (!*model || !*port) {
		gp_list_new(&found);
		rc = gp_abilities_list_detect(g->abilities, ports, found, g->ctx);
		int n = rc < GP_OK ? 0 : gp_list_count(found);
		for (int i = 0; i < n; i++) {
			const char *fm, *fp;
			gp_list_get_name(found, i, &fm);
			gp_list_get_value(found, i, &fp);
			if ((*model && strcmp(model, fm)) || (*port && strcmp(port, fp)))
				continue;
			snprintf(g->model_used, sizeof(g->model_used), "%s", fm);
			snprintf(g->port_used, sizeof(g->port_used), "%s", fp);
			break;
		}
		gp_list_free(found);
		if (!g->model_used[0]) {
			snprintf(why, whylen,
				 "no camera found%s%s%s: is it switched on and plugged in "
				 "by USB?",
				 *model ? " (looking for " : "", model, *model ? ")" : "");
			return PB_ERR_NODEV;
		}
	} else {
		snprintf(g->model_used, sizeof(g->model_used), "%s", model);
		snprintf(g->port_used, sizeof(g->port_used), "%s", port);
	}
	m = gp_abilities_list_lookup_model(g->abilities, g->model_used);
	if (m < GP_OK) {
		snprintf(why, whylen,
			 "libgphoto2 does not know the model '%s' (see gphoto2 "
			 "--list-cameras)",
			 g->model_used);
		return PB_ERR_CONFIG;
	}
	gp_abilities_list_get_abilities(g->abilities, m, &a);
	g->has_preview = (a.operations & GP_OPERATION_CAPTURE_PREVIEW) != 0;
	p = gp_port_info_list_lookup_path(ports, g->port_used);
	if (p < GP_OK) {
		snprintf(why, whylen, "no such port '%s'", g->port_used);
		return p == GP_ERROR_UNKNOWN_PORT ? PB_ERR_CONFIG : PB_ERR_NODEV;
	}
	gp_port_info_list_get_info(ports, p, &pi);
	if ((rc = gp_camera_set_abilities(g->cam, a)) < GP_OK ||
	    (rc = gp_camera_set_port_info(g->cam, pi)) < GP_OK)
		return fail(g, rc, "cannot set up the camera", why, whylen);
	return PB_OK;
}

/* Sets one configuration widget from text, whatever its type. */
static int
set_widget(struct gp *g, const char *name, const char *value)
{
	CameraWidget *w = NULL;
	CameraWidgetType type;
	int rc = gp_camera_get_single_config(g->cam, name, &w, g->ctx);

	if (rc < GP_OK)
		return rc;
	gp_widget_get_type(w, &type);
	switch (type) {
	case GP_WIDGET_TOGGLE: {
		int on = !strcmp(value, "1") || !strcasecmp(value, "on") ||
			 !strcasecmp(value, "true") || !strcasecmp(value, "yes");
		rc = gp_widget_set_value(w, &on);
		break;
	}
	case GP_WIDGET_RANGE: {
		float f = strtof(value, NULL);
		rc = gp_widget_set_value(w, &f);
		break;
	}
	case GP_WIDGET_DATE: {
		int t = (int)strtol(value, NULL, 10);
		rc = gp_widget_set_value(w, &t);
		break;
	}
	case GP_WIDGET_TEXT:
	case GP_WIDGET_RADIO:
	case GP_WIDGET_MENU:
		rc = gp_widget_set_value(w, value);
		break;
	default:
		rc = GP_ERROR_BAD_PARAMETERS;
	}
	if (rc >= GP_OK)
		rc = gp_camera_set_single_config(g->cam, name, w, g->ctx);
	gp_widget_free(w);
	return rc;
}

static void
apply_setting(void *ctx, const char *name, const char *value)
{
	struct gp *g = ctx;
	int rc;
	g->msg[0] = '\0';
	rc = set_widget(g, name, value);
	if (rc < GP_OK)
		pb_warn("camera setting %s=%s: %s%s%s%s", name, value, gp_result_as_string(rc),
			g->msg[0] ? " (" : "", g->msg, g->msg[0] ? ")" : "");
	else
		pb_info("camera setting %s=%s applied", name, value);
}

/* The capture target's choice for RAM or card, by its words ("Internal RAM", "Memory card"). */
static void
apply_target(struct gp *g)
{
	CameraWidget *w = NULL;
	const char *want = NULL;
	int rc = gp_camera_get_single_config(g->cam, "capturetarget", &w, g->ctx);

	if (rc < GP_OK) {
		pb_info("camera has no capture target setting: it keeps its own");
		return;
	}
	for (int i = 0; i < gp_widget_count_choices(w); i++) {
		const char *c;
		if (gp_widget_get_choice(w, i, &c) < GP_OK)
			continue;
		if (g->capture_target == PB_TARGET_RAM ? strcasestr(c, "RAM") != NULL
						       : strcasestr(c, "card") != NULL)
			want = c;
	}
	if (want) {
		char value[64];
		snprintf(value, sizeof(value), "%s", want);
		gp_widget_free(w);
		apply_setting(g, "capturetarget", value);
		return;
	}
	pb_warn("camera capture target: no choice for %s",
		g->capture_target == PB_TARGET_RAM ? "RAM" : "the card");
	gp_widget_free(w);
}

static void
apply_settings(struct gp *g)
{
	char why[200];
	apply_target(g);
	if (g->viewfinder != PB_VIEWFINDER_AUTO)
		apply_setting(g, "viewfinder", g->viewfinder == PB_VIEWFINDER_ON ? "1" : "0");
	if (pb_config_each_setting(g->settings, apply_setting, g, why, sizeof(why)) < 0)
		pb_warn("camera settings: %s", why); /* checked at start-up; cannot happen */
}

static enum pb_status
gp_open(void *impl, char *why, size_t whylen)
{
	struct gp *g = impl;
	GPPortInfoList *ports = NULL;
	enum pb_status st;
	int rc;

	drop_camera(g);
	g->msg[0] = '\0';
	g->model_used[0] = g->port_used[0] = '\0';
	/* Ports are listed afresh: a camera plugged back in has a new USB device number. */
	if ((rc = gp_port_info_list_new(&ports)) < GP_OK ||
	    (rc = gp_port_info_list_load(ports)) < GP_OK) {
		st = fail(g, rc, "cannot list ports", why, whylen);
		gp_port_info_list_free(ports);
		return st;
	}
	if ((rc = gp_camera_new(&g->cam)) < GP_OK) {
		gp_port_info_list_free(ports);
		return fail(g, rc, "cannot start libgphoto2", why, whylen);
	}
	st = choose(g, ports, why, whylen);
	gp_port_info_list_free(ports);
	if (st) {
		drop_camera(g);
		return st;
	}
	rc = gp_camera_init(g->cam, g->ctx);
	if (rc < GP_OK) {
		char dev[64], holder[128];
		if (rc == GP_ERROR_IO_USB_CLAIM || rc == GP_ERROR_IO_LOCK) {
			if (!pb_gphoto2_usb_device(g->port_used, dev, sizeof(dev)) &&
			    pb_device_holder(dev, holder, sizeof(holder)))
				snprintf(why, whylen,
					 "the camera on %s is held by another program: "
					 "%s; stop it",
					 g->port_used, holder);
			else
				snprintf(why, whylen,
					 "the camera on %s is held by another program "
					 "(gvfs or another gphoto2?): %s",
					 g->port_used, gp_result_as_string(rc));
			st = PB_ERR_BUSY;
		} else {
			char what[200];
			snprintf(what, sizeof(what), "cannot open %.90s on %.90s", g->model_used,
				 g->port_used);
			st = fail(g, rc, what, why, whylen);
		}
		/* Not gp_camera_unref: when the device is not found, gp_camera_init (2.5.30)
		 * leaves the camera's use count below zero and unref would never free it; an
		 * unplugged camera retried every 2 s would leak ~8 kB each time. */
		gp_camera_free(g->cam);
		g->cam = NULL;
		return st;
	}
	pb_notice("camera: %s on %s%s", g->model_used, g->port_used,
		  g->has_preview ? "" : " (no live view)");
	apply_settings(g);
	return PB_OK;
}

/* Copies a CameraFile's bytes into a blob we own. */
static enum pb_status
take_file(CameraFile *file, struct pb_blob *out, char *why, size_t whylen)
{
	const char *data;
	unsigned long size;
	if (gp_file_get_data_and_size(file, &data, &size) < GP_OK || !size) {
		snprintf(why, whylen, "the camera sent an empty file");
		return PB_ERR_INPUT;
	}
	out->data = malloc(size);
	if (!out->data) {
		snprintf(why, whylen, "out of memory for a %lu-byte photo", size);
		return PB_ERR_NOMEM;
	}
	memcpy(out->data, data, size);
	out->len = size;
	return PB_OK;
}

static enum pb_status
gp_preview(void *impl, struct pb_blob *frame, char *why, size_t whylen)
{
	struct gp *g = impl;
	CameraFile *file;
	enum pb_status st;
	int rc;

	if (!g->has_preview) {
		snprintf(why, whylen, "%s has no live view", g->model_used);
		return PB_ERR_CONFIG;
	}
	g->msg[0] = '\0';
	if (gp_file_new(&file) < GP_OK) {
		snprintf(why, whylen, "out of memory");
		return PB_ERR_NOMEM;
	}
	rc = gp_camera_capture_preview(g->cam, file, g->ctx);
	if (rc == GP_ERROR_NOT_SUPPORTED) {
		g->has_preview = 0; /* the driver promised it, the camera does not have it */
		st = fail(g, rc, "live view", why, whylen);
	} else if (rc < GP_OK) {
		st = fail(g, rc, "live view", why, whylen);
	} else {
		st = take_file(file, frame, why, whylen);
	}
	gp_file_unref(file);
	return st;
}

static void
gp_stop_preview(void *impl)
{
	struct gp *g = impl;
	g->msg[0] = '\0';
	if (set_widget(g, "viewfinder", "0") < GP_OK)
		pb_debug("camera: no viewfinder setting to stop live view with");
}

/* Takes what the camera says after a shot (file added, capture complete) off the line, so
 * the next call does not trip over it. */
static void
drain_events(struct gp *g, int timeout_ms)
{
	for (int i = 0; i < 10; i++) {
		CameraEventType type;
		void *data = NULL;
		if (gp_camera_wait_for_event(g->cam, timeout_ms, &type, &data, g->ctx) < GP_OK)
			return;
		free(data);
		if (type == GP_EVENT_TIMEOUT)
			return;
		timeout_ms = 0;
	}
}

static enum pb_status
gp_capture(void *impl, struct pb_blob *photo, int64_t *taken_us, char *why, size_t whylen)
{
	struct gp *g = impl;
	CameraFilePath path;
	CameraFile *file;
	enum pb_status st;
	int rc;

	g->msg[0] = '\0';
	memset(&path, 0, sizeof(path));
	rc = gp_camera_capture(g->cam, GP_CAPTURE_IMAGE, &path, g->ctx);
	if (rc < GP_OK)
		return fail(g, rc, "capture", why, whylen);
	*taken_us = pb_now_us(); /* on the card or in the camera's RAM: now the download */
	if (gp_file_new(&file) < GP_OK) {
		snprintf(why, whylen, "out of memory");
		return PB_ERR_NOMEM;
	}
	rc = gp_camera_file_get(g->cam, path.folder, path.name, GP_FILE_TYPE_NORMAL, file, g->ctx);
	if (rc < GP_OK) {
		char what[256];
		snprintf(what, sizeof(what), "download of %.100s/%.60s", path.folder, path.name);
		st = fail(g, rc, what, why, whylen);
	} else {
		st = take_file(file, photo, why, whylen);
	}
	gp_file_unref(file);
	if (rc >= GP_OK && g->capture_target == PB_TARGET_RAM) {
		/* The camera's RAM holds a few shots: free it for the next guest. */
		g->msg[0] = '\0';
		int drc = gp_camera_file_delete(g->cam, path.folder, path.name, g->ctx);
		if (drc < GP_OK)
			pb_warn("camera: cannot delete %s/%s from the camera: %s", path.folder,
				path.name, gp_result_as_string(drc));
	}
	drain_events(g, 0);
	return st;
}

static enum pb_status
gp_keepalive(void *impl, char *why, size_t whylen)
{
	struct gp *g = impl;
	CameraEventType type;
	void *data = NULL;
	int rc;

	g->msg[0] = '\0';
	rc = gp_camera_wait_for_event(g->cam, 20, &type, &data, g->ctx);
	free(data);
	if (rc < GP_OK)
		return fail(g, rc, "camera stopped answering", why, whylen);
	return PB_OK;
}

static void
gp_close(void *impl)
{
	drop_camera(impl);
}

static void
gp_destroy(void *impl)
{
	struct gp *g = impl;
	if (!g)
		return;
	drop_camera(g);
	if (g->abilities)
		gp_abilities_list_free(g->abilities);
	if (g->ctx)
		gp_context_unref(g->ctx);
	free(g->model);
	free(g->port);
	free(g->settings);
	free(g);
}

static void
gp_model(void *impl, char *out, size_t outlen)
{
	struct gp *g = impl;
	snprintf(out, outlen, "%s", g->model_used);
}

const struct pb_camera_ops pb_camera_gphoto2_ops = {
	.name = "gphoto2",
	.open = gp_open,
	.preview = gp_preview,
	.stop_preview = gp_stop_preview,
	.capture = gp_capture,
	.keepalive = gp_keepalive,
	.close = gp_close,
	.destroy = gp_destroy,
	.model = gp_model,
};

void *
pb_camera_gphoto2_create(const struct pb_camera_gphoto2_config *cfg)
{
	struct gp *g = pb_xcalloc(1, sizeof(*g));
	int rc;

	g->model = pb_xstrdup(cfg->model ? cfg->model : "");
	g->port = pb_xstrdup(cfg->port ? cfg->port : "");
	g->settings = pb_xstrdup(cfg->settings ? cfg->settings : "");
	g->capture_target = cfg->capture_target;
	g->viewfinder = cfg->viewfinder;
	g->ctx = gp_context_new();
	if (!g->ctx) {
		pb_err("libgphoto2: cannot create a context");
		gp_destroy(g);
		return NULL;
	}
	gp_context_set_error_func(g->ctx, on_error, g);
	/* Loading every camera driver takes a while: once, not at every reconnect. */
	if ((rc = gp_abilities_list_new(&g->abilities)) < GP_OK ||
	    (rc = gp_abilities_list_load(g->abilities, g->ctx)) < GP_OK ||
	    gp_abilities_list_count(g->abilities) <= 0) {
		pb_err("libgphoto2 has no camera drivers (%s; CAMLIBS=%s): install libgphoto2-6",
		       rc < GP_OK ? gp_result_as_string(rc) : "none found",
		       getenv("CAMLIBS") ? getenv("CAMLIBS") : "unset");
		gp_destroy(g);
		return NULL;
	}
	return g;
}
