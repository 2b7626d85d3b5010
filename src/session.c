#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <unistd.h>

#include "file.h"
#include "jpeg.h"
#include "log.h"
#include "mem.h"
#include "icc.h"
#include "session.h"
#include "trace.h"

void
pb_session_info_init(struct pb_session_info *info, const char *data_dir, time_t now)
{
	uint32_t rnd = 0;
	struct tm tm;
	char stamp[32];

	memset(info, 0, sizeof(*info));
	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
		rnd = (uint32_t)now ^ ((uint32_t)getpid() << 16); /* entropy pool not ready yet */
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(info->id, sizeof(info->id), "%s-%08x", stamp, rnd);
	snprintf(info->dir, sizeof(info->dir), "%s/sessions/%s", data_dir, info->id);
	info->created = now;
	pb_trace_clear(&info->trace);
	snprintf(info->status, sizeof(info->status), "started");
}

void
pb_session_json(const struct pb_session_info *info, struct pb_buf *out)
{
	char created[32];
	struct tm tm;

	gmtime_r(&info->created, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	pb_json_open(out, NULL);
	pb_json_str(out, "id", info->id);
	pb_json_str(out, "created", created);
	pb_json_str(out, "status", info->status);
	pb_json_str(out, "overlay", info->overlay);
	pb_json_str(out, "delivery", info->delivery);
	if (info->language[0])
		pb_json_str(out, "language", info->language);
	pb_json_int(out, "retakes", info->retakes);
	pb_json_array(out, "captures");
	for (int i = 0; i < info->nslots; i++) {
		char name[32];
		snprintf(name, sizeof(name), "capture-%d.jpg", i + 1);
		pb_json_str(out, NULL, name);
	}
	pb_json_close(out);
	pb_json_str(out, "final", "final.jpg");
	pb_json_str(out, "share", "share.jpg");
	if (info->note[0])
		pb_json_str(out, "note", info->note);
	if (info->trace.shots)
		pb_trace_json(&info->trace, "trace", out);
	pb_json_close(out);
	pb_buf_append(out, "\n", 1);
}

enum pb_status
pb_session_write_json(const struct pb_session_info *info)
{
	struct pb_buf b;
	enum pb_status st;
	char path[PATH_MAX + 16];

	pb_buf_init(&b);
	pb_session_json(info, &b);
	snprintf(path, sizeof(path), "%s/session.json", info->dir);
	st = pb_file_write_atomic(path, b.data, b.len, 0644);
	pb_buf_fini(&b);
	return st;
}

enum pb_status
pb_session_save_shot(const struct pb_session_info *info, int i, const struct pb_blob *capture,
		     char *err, size_t errlen)
{
	char path[PATH_MAX + 32];
	enum pb_status st = pb_file_mkdirs(info->dir, 0750);
	if (st) {
		snprintf(err, errlen, "cannot create %s", info->dir);
		return st;
	}
	snprintf(path, sizeof(path), "%s/capture-%d.jpg", info->dir, i + 1);
	st = pb_file_write_atomic(path, capture->data, capture->len, 0640);
	if (st)
		snprintf(err, errlen, "cannot save photo %d (%s)", i + 1, pb_status_str(st));
	return st;
}

enum pb_status
pb_session_finish(struct pb_jpeg *j, const struct pb_overlay *ov, struct pb_session_info *info,
		  struct pb_image *canvas, int preview_w, int preview_h, struct pb_image **preview,
		  struct pb_trace *trace, char *err, size_t errlen)
{
	char path[PATH_MAX + 32];
	struct pb_image *share = NULL;
	unsigned char *jpg = NULL, *sjpg = NULL;
	size_t len, slen;
	int64_t t0 = pb_now_us(), t1, t2;
	enum pb_status st;

	*preview = NULL;
	st = pb_compose_finish(ov, canvas, info->created, 0, err, errlen);
	if (st)
		return st;
	t1 = pb_now_us();
	st = pb_jpeg_encode(j, canvas, PB_FINAL_QUALITY, ov->dpi, &jpg, &len);
	if (st) {
		snprintf(err, errlen, "%s", pb_jpeg_error(j));
		goto out;
	}
	/* the pixels are sRGB (icc.h): say so, for labs and printers that read the tag */
	if ((st = pb_icc_tag_srgb(&jpg, &len))) {
		snprintf(err, errlen, "cannot tag final.jpg as sRGB (%s)", pb_status_str(st));
		goto out;
	}
	/* The share copy: one strip of a two-strip sheet, sized for phones. */
	st = pb_image_scale_region(canvas, pb_overlay_copy_rect(ov, 0), PB_SHARE_SIZE,
				   PB_SHARE_SIZE, &share);
	if (st == PB_OK)
		st = pb_jpeg_encode(j, share, PB_SHARE_QUALITY, 0, &sjpg, &slen);
	if (st == PB_OK)
		st = pb_icc_tag_srgb(&sjpg, &slen);
	if (st) {
		snprintf(err, errlen, "cannot make share.jpg (%s)", pb_status_str(st));
		goto out;
	}
	st = pb_image_scale_region(canvas, pb_overlay_copy_rect(ov, 0), preview_w, preview_h,
				   preview);
	if (st) {
		snprintf(err, errlen, "cannot make the preview (%s)", pb_status_str(st));
		goto out;
	}
	t2 = pb_now_us();
	snprintf(path, sizeof(path), "%s/final.jpg", info->dir);
	st = pb_file_write_atomic(path, jpg, len, 0640);
	if (st) {
		snprintf(err, errlen, "cannot save final.jpg (%s)", pb_status_str(st));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/share.jpg", info->dir);
	st = pb_file_write_atomic(path, sjpg, slen, 0640);
	if (st) {
		snprintf(err, errlen, "cannot save share.jpg (%s)", pb_status_str(st));
		goto out;
	}
	info->nslots = ov->nslots;
	snprintf(info->status, sizeof(info->status), "composed");
	if (trace) {
		trace->compose_us = t1 - t0;
		trace->encode_us = t2 - t1;
		info->trace = *trace; /* what is known so far goes into session.json */
	}
	st = pb_session_write_json(info);
	if (st) {
		snprintf(err, errlen, "cannot save session.json (%s)", pb_status_str(st));
		goto out;
	}
	if (trace) {
		trace->write_us = pb_now_us() - t2;
		info->trace.write_us = trace->write_us;
	}
out:
	if (st) {
		pb_image_destroy(*preview);
		*preview = NULL;
	}
	free(jpg);
	free(sjpg);
	pb_image_destroy(share);
	return st;
}

enum pb_status
pb_session_compose(struct pb_jpeg *j, const struct pb_overlay *ov, struct pb_session_info *info,
		   const struct pb_blob *captures, int n, int preview_w, int preview_h,
		   struct pb_image **preview, char *err, size_t errlen)
{
	struct pb_image *canvas = NULL;
	enum pb_status st;

	*preview = NULL;
	for (int i = 0; i < n; i++) {
		st = pb_session_save_shot(info, i, &captures[i], err, errlen);
		if (st)
			return st;
	}
	st = pb_compose_canvas(ov, &canvas);
	if (st) {
		snprintf(err, errlen, "cannot allocate the %dx%d canvas", ov->width, ov->height);
		return st;
	}
	st = pb_compose_photos(j, ov, captures, n, canvas, NULL, err, errlen);
	if (st == PB_OK)
		st = pb_session_finish(j, ov, info, canvas, preview_w, preview_h, preview, NULL,
				       err, errlen);
	pb_image_destroy(canvas);
	return st;
}

enum pb_status
pb_session_discard(const struct pb_session_info *info)
{
	return pb_file_remove_dir(info->dir);
}

int
pb_session_purge(const char *data_dir, time_t before, const char *keep)
{
	char *dir = pb_xasprintf("%s/sessions", data_dir);
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d) {
		pb_err("purge: cannot read %s", dir);
		free(dir);
		return -1;
	}
	while ((e = readdir(d))) {
		struct stat st;
		if (e->d_name[0] == '.' || (keep && !strcmp(keep, e->d_name)))
			continue;
		char *path = pb_xasprintf("%s/%s", dir, e->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_mtime < before &&
		    pb_file_remove_dir(path) == PB_OK)
			n++;
		free(path);
	}
	closedir(d);
	free(dir);
	return n;
}
