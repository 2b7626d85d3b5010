/* session.h - a session on disk: data_dir/sessions/<id>/ holds capture-N.jpg (the originals),
 * final.jpg and session.json. Every file is written atomically (file.h). The functions here
 * block on the disk and run on the worker thread; pb_session_info is a plain value. */
#ifndef PB_SESSION_H
#define PB_SESSION_H

#include <limits.h>
#include <stdint.h>
#include <time.h>
#include "compose.h"
#include "json.h"
#include "overlay.h"
#include "trace.h"

#define PB_FINAL_QUALITY 92
#define PB_SHARE_QUALITY 88
#define PB_SHARE_SIZE 1600

struct pb_session_info {
	char id[48];	    /* folder name, sortable: 20261122-031502-1a2b3c4d */
	char dir[PATH_MAX]; /* data_dir/sessions/<id> */
	time_t created;	    /* wall clock, for people */
	char overlay[64];
	char delivery[8]; /* print, share or both */
	char language[8]; /* the guest's, when the session was written ("en", "ko") */
	int nslots;
	int retakes;
	char status[16];       /* composed, accepted */
	char note[128];	       /* what happened to delivery, for staff */
	struct pb_trace trace; /* where the time went, once composed (trace.h) */
};

/* Fills id and dir for a new session started at wall-clock time now. The id is unique across
 * restarts (it ends in 32 random bits) and sorts by time. */
void pb_session_info_init(struct pb_session_info *info, const char *data_dir, time_t now);

/* Writes the JSON for info into out. */
void pb_session_json(const struct pb_session_info *info, struct pb_buf *out);

/* Creates the folder, saves the originals, composes them with ov into final.jpg and
 * share.jpg and writes session.json (status "composed"). Gives back a preview of one copy of
 * the layout scaled to fit preview_w x preview_h.
 * On failure err says why; nothing half-written is left under the final names. */
enum pb_status pb_session_compose(struct pb_jpeg *j, const struct pb_overlay *ov,
				  struct pb_session_info *info, const struct pb_blob *captures,
				  int n, int preview_w, int preview_h, struct pb_image **preview,
				  char *err, size_t errlen);

/* The steps of pb_session_compose, for a shell that fills the slots as the photos come:
 * pb_session_save_shot creates the folder and saves photo i (capture-<i+1>.jpg);
 * pb_session_finish lays the frame and text over a canvas whose slots are filled
 * (compose.h), writes final.jpg, share.jpg and session.json, gives back the preview and
 * fills trace's compose, encode and write times (trace may be NULL). */
enum pb_status pb_session_save_shot(const struct pb_session_info *info, int i,
				    const struct pb_blob *capture, char *err, size_t errlen);
enum pb_status pb_session_finish(struct pb_jpeg *j, const struct pb_overlay *ov,
				 struct pb_session_info *info, struct pb_image *canvas,
				 int preview_w, int preview_h, struct pb_image **preview,
				 struct pb_trace *trace, char *err, size_t errlen);

/* Rewrites session.json from info (after the guest accepted). */
enum pb_status pb_session_write_json(const struct pb_session_info *info);

/* Deletes an unfinished session's folder. */
enum pb_status pb_session_discard(const struct pb_session_info *info);

/* Staff: deletes the folders in data_dir/sessions last changed before `before`, except keep
 * (the session on screen; may be NULL). Returns how many went, or -1 when the folder cannot
 * be read. Blocking (worker). */
int pb_session_purge(const char *data_dir, time_t before, const char *keep);

#endif
