/* test_booth.c - the guests' flow (booth.c, booth_shots.c, booth_actions.c) played as whole
 * sessions without a screen, a camera, a printer or a mail server: the shell's services are
 * fakes defined here (the camera, the worker run in place, the screen's hit test, delivery),
 * the clock is the test's, and results come back through the booth's posting function. The
 * photos are real JPEGs, composed for real (a 900x600 theme of its own, written by the test)
 * into the session's folder; nothing is read from the tree, so it runs from any folder.
 * Sessions played: print, share with an email, a failed capture, a retake, staff's reset in
 * the middle of one. Bad input tried: a capture answering a session already reset (stale),
 * an address the form refuses, the outbox refusing the email. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sys/stat.h>

#include "booth_priv.h"
#include "conf.h"
#include "file.h"
#include "helpers.h"
#include "image.h"
#include "jpeg.h"
#include "mem.h"
#include "pngfile.h"

/* The fakes' record of what the flow asked for */
static struct {
	enum pb_button hit; /* what the next touch lands on */
	int captures;
	uint32_t cap_session, cap_job;
	int cap_slot;
	int prints, copies;
	char print_session[64], print_photo[PATH_MAX];
	int emails;
	enum pb_status email_answer;
	char email_to[PB_ADDRESS_MAX + 1], email_session[64], email_link[512];
	int links, finished;
	char done_session[64], done_link[512];
	int done_prints, done_emails;
} fk;

static uint64_t clock_ms = 1000000;
static uint64_t
fake_now(void)
{
	return clock_ms;
}

/* camera.h */
void
pb_camera_request_capture(struct pb_camera *cam, uint32_t session, uint32_t job, int slot)
{
	(void)cam;
	fk.captures++;
	fk.cap_session = session, fk.cap_job = job, fk.cap_slot = slot;
}

void
pb_camera_result_destroy(struct pb_camera_result *res)
{
	if (res)
		free(res->photo.data);
	free(res);
}

void
pb_camera_reconnect(struct pb_camera *cam)
{
	(void)cam;
}

/* worker.h: the job runs at once, on this thread */
void
pb_worker_submit(struct pb_worker *w, struct pb_job *job)
{
	(void)w;
	job->run(job);
	job->destroy(job);
}

/* render.h, display.h */
enum pb_button
pb_render_hit(const struct pb_render *rd, int x, int y)
{
	(void)rd, (void)x, (void)y;
	return fk.hit;
}

const struct pb_key *
pb_render_key(const struct pb_render *rd, int x, int y)
{
	(void)rd, (void)x, (void)y;
	return NULL;
}

enum pb_status
pb_render_set_photo(struct pb_render *rd, const struct pb_image *img)
{
	(void)rd, (void)img;
	return PB_OK;
}

enum pb_status
pb_render_set_qr(struct pb_render *rd, const struct pb_image *qr)
{
	(void)rd, (void)qr;
	return PB_OK;
}

enum pb_status
pb_render_set_thumb(struct pb_render *rd, const struct pb_image *img)
{
	(void)rd, (void)img;
	return PB_OK;
}

void
pb_display_size(struct pb_display *d, int *w, int *h)
{
	(void)d;
	*w = 1280, *h = 800;
}

void
booth_status_json(struct pb_booth *b, struct pb_buf *out)
{
	(void)b, (void)out;
}

/* delivery.h */
int
pb_delivery_apply(struct pb_delivery_svc *d, const struct pb_config *cfg, const char *title,
		  int mode, char *why, size_t whylen)
{
	(void)cfg, (void)title, (void)why, (void)whylen;
	d->mode = mode;
	return 0;
}

int
pb_delivery_links(const struct pb_delivery_svc *d)
{
	return d->mode != PB_DELIVERY_PRINT;
}

const char *
pb_delivery_note(const struct pb_delivery_svc *d, int print_offered)
{
	(void)d, (void)print_offered;
	return "delivered";
}

enum pb_status
pb_delivery_new_link(const struct pb_delivery_svc *d, const struct pb_config *cfg,
		     char token[PB_TOKEN_LEN + 1], char *link, size_t n, struct pb_image **qr)
{
	(void)d, (void)cfg;
	fk.links++;
	memset(token, 'a', PB_TOKEN_LEN);
	token[PB_TOKEN_LEN] = '\0';
	snprintf(link, n, "https://booth.example/s/%s", token);
	*qr = NULL;
	return PB_OK;
}

enum pb_status
pb_delivery_record_link(struct pb_publish *publish, const char *data_dir, const char *token,
			const char *session, time_t expires, const char *language)
{
	(void)publish, (void)data_dir, (void)token, (void)session, (void)expires, (void)language;
	return PB_OK;
}

void
pb_delivery_print(struct pb_delivery_svc *d, const char *session, const char *photo, int copies)
{
	(void)d;
	fk.prints++;
	fk.copies = copies;
	snprintf(fk.print_session, sizeof(fk.print_session), "%s", session);
	snprintf(fk.print_photo, sizeof(fk.print_photo), "%s", photo);
}

enum pb_outbox_limit
pb_delivery_email_limit(struct pb_delivery_svc *d, const char *to)
{
	(void)d, (void)to;
	return PB_LIMIT_NONE;
}

enum pb_status
pb_delivery_email(struct pb_delivery_svc *d, const char *to, const char *session, const char *link,
		  time_t expires)
{
	(void)d, (void)expires;
	fk.emails++;
	snprintf(fk.email_to, sizeof(fk.email_to), "%s", to);
	snprintf(fk.email_session, sizeof(fk.email_session), "%s", session);
	snprintf(fk.email_link, sizeof(fk.email_link), "%s", link);
	return fk.email_answer;
}

void
pb_delivery_finished(struct pb_delivery_svc *d, const struct pb_config *cfg,
		     const struct pb_delivery_done *s)
{
	(void)d, (void)cfg;
	fk.finished++;
	snprintf(fk.done_session, sizeof(fk.done_session), "%s", s->session);
	snprintf(fk.done_link, sizeof(fk.done_link), "%s", s->link);
	fk.done_prints = s->prints, fk.done_emails = s->emails;
}

int
pb_delivery_watch_printer(struct pb_delivery_svc *d, uint64_t now, const char *session)
{
	(void)d, (void)now, (void)session;
	return 0;
}

int
pb_delivery_beat_due(struct pb_delivery_svc *d, uint64_t now)
{
	(void)d, (void)now;
	return 0;
}

void
pb_delivery_beat(struct pb_delivery_svc *d, const char *status_json,
		 const struct pb_publish_counts *n)
{
	(void)d, (void)status_json, (void)n;
}

int
pb_delivery_purge_due(struct pb_delivery_svc *d, uint64_t now)
{
	(void)d, (void)now;
	return 0;
}

int
pb_delivery_purge_links(struct pb_publish *publish, const char *data_dir, time_t now)
{
	(void)publish, (void)data_dir, (void)now;
	return 0;
}

unsigned
pb_delivery_downloads(struct pb_delivery_svc *d)
{
	(void)d;
	return 0;
}

/* The booth under test, and the results posted to its loop */

#define MAX_POSTED 16
struct world {
	struct pb_config cfg;
	struct pb_booth b;
	char *dir;
	unsigned char *jpeg; /* what the camera "shoots" */
	size_t jpeg_len;
	struct {
		int kind;
		void *data;
	} posted[MAX_POSTED];
	int nposted;
	int outbox; /* stands in for the outbox: email is offered */
};

static void
post(void *ctx, int kind, void *data, void (*destroy)(void *))
{
	struct world *w = ctx;
	(void)destroy;
	assert_true(w->nposted < MAX_POSTED);
	w->posted[w->nposted].kind = kind;
	w->posted[w->nposted++].data = data;
}

/* The main loop's turn: every result posted, in order. */
static void
drain(struct world *w)
{
	for (int i = 0; i < w->nposted; i++)
		booth_on_result(&w->b, w->posted[i].kind, w->posted[i].data);
	w->nposted = 0;
}

static struct world *
start(int delivery)
{
	struct world *w = pb_xcalloc(1, sizeof(*w));
	char why[512];
	memset(&fk, 0, sizeof(fk));
	fk.email_answer = PB_OK;
	w->dir = make_tmpdir();
	pb_config_init(&w->cfg);
	free(w->cfg.data_dir);
	w->cfg.data_dir = pb_xstrdup(w->dir);
	/* a small theme of its own: one photo on a 900x600 print */
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/themes/test", w->dir);
	assert_int_equal(pb_file_mkdirs(path, 0700), PB_OK);
	snprintf(path, sizeof(path), "%s/themes/test/overlay.ini", w->dir);
	write_text(path, "[overlay]\ntitle = Test\n[output]\nwidth = 900\nheight = 600\n"
			 "dpi = 150\npaper = 6x4\n[frame]\nfile = frame.png\n[slot.1]\nx = 30\n"
			 "y = 30\nwidth = 840\nheight = 540\n");
	struct pb_image *frame = NULL; /* transparent: the photo shows through */
	unsigned char *png = NULL;
	size_t png_len = 0;
	assert_int_equal(pb_image_create(900, 600, 0x00000000u, &frame), PB_OK);
	assert_int_equal(pb_png_encode(frame, &png, &png_len), PB_OK);
	snprintf(path, sizeof(path), "%s/themes/test/frame.png", w->dir);
	assert_int_equal(pb_file_write_atomic(path, png, png_len, 0600), PB_OK);
	free(png);
	pb_image_destroy(frame);
	free(w->cfg.overlays_dir);
	w->cfg.overlays_dir = pb_xasprintf("%s/themes", w->dir);
	free(w->cfg.overlay);
	w->cfg.overlay = pb_xstrdup("test");
	w->cfg.countdown = 3;
	w->cfg.require_consent = 1;
	struct pb_booth *b = &w->b;
	b->cfg = &w->cfg;
	b->post = post;
	b->post_ctx = w;
	b->now_ms = fake_now;
	b->worker = (struct pb_worker *)w; /* not a worker: the fake runs jobs in place */
	assert_int_equal(
		pb_overlay_load(w->cfg.overlays_dir, w->cfg.overlay, &b->overlay, why, sizeof(why)),
		PB_OK);
	pb_kiosk_init(&b->kiosk, &(struct pb_kiosk_config){ 0 }, clock_ms);
	if (delivery != PB_DELIVERY_PRINT)
		b->deliver.outbox = (struct pb_outbox *)&w->outbox;
	assert_int_equal(booth_apply_delivery(b, delivery, why, sizeof(why)), 0);

	struct pb_image *img = NULL;
	assert_int_equal(pb_image_create(600, 400, 0xff336699u, &img), PB_OK);
	struct pb_jpeg *j = pb_jpeg_create();
	assert_int_equal(pb_jpeg_encode(j, img, 85, 0, &w->jpeg, &w->jpeg_len), PB_OK);
	pb_jpeg_destroy(j);
	pb_image_destroy(img);
	return w;
}

static void
stop(struct world *w)
{
	pb_overlay_destroy(w->b.overlay);
	pb_config_fini(&w->cfg);
	free(w->jpeg);
	rm_tree(w->dir);
	free(w->dir);
	free(w);
}

static void
tap(struct world *w, enum pb_button btn)
{
	fk.hit = btn;
	booth_guest_input(&w->b, (struct pb_input){ .kind = PB_IN_TOUCH, .x = 10, .y = 10 });
}

static void
wait_ms(struct world *w, uint64_t ms)
{
	clock_ms += ms;
	booth_feed(&w->b, PB_EV_TICK, 0, 0);
}

/* The camera answers its last request (ok: a photo; else a failure), then the loop turns. */
static void
shoot(struct world *w, int ok)
{
	struct pb_camera_result *r = pb_xcalloc(1, sizeof(*r));
	r->session = fk.cap_session, r->job = fk.cap_job, r->slot = fk.cap_slot;
	r->status = ok ? PB_OK : PB_ERR_IO;
	if (ok) {
		r->photo.data = pb_xmalloc(w->jpeg_len);
		memcpy(r->photo.data, w->jpeg, w->jpeg_len);
		r->photo.len = w->jpeg_len;
	}
	booth_on_result(&w->b, EV_CAMERA, r);
	drain(w);
}

/* attract -> countdown -> capture -> review, with the photo composed on disk */
static void
to_review(struct world *w)
{
	int before = fk.captures;
	tap(w, PB_BTN_START);
	assert_int_equal(w->b.kiosk.state, PB_COUNTDOWN);
	wait_ms(w, 2900);
	assert_int_equal(fk.captures, before); /* not before the countdown ends */
	wait_ms(w, 200);
	assert_int_equal(w->b.kiosk.state, PB_CAPTURE);
	assert_int_equal(fk.captures, before + 1);
	shoot(w, 1);
	assert_int_equal(w->b.kiosk.state, PB_REVIEW);
}

static int
file_in(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 && st.st_size > 0;
}

static void
test_print_session(void **state)
{
	(void)state;
	struct world *w = start(PB_DELIVERY_PRINT);
	to_review(w);
	char id[64];
	snprintf(id, sizeof(id), "%s", w->b.guest.session.id);
	tap(w, PB_BTN_ACCEPT);
	assert_int_equal(w->b.kiosk.state, PB_DELIVER);
	assert_int_equal(fk.links, 0); /* print only: no link */
	tap(w, PB_BTN_COPIES_2);
	assert_int_equal(fk.prints, 1);
	assert_int_equal(fk.copies, 2);
	assert_string_equal(fk.print_session, id);
	struct stat st;
	assert_int_equal(stat(fk.print_photo, &st), 0); /* final.jpg, composed for real */
	assert_true(st.st_size > 1000);
	assert_int_equal(w->b.kiosk.state, PB_DELIVER); /* the queue's place on screen */
	tap(w, PB_BTN_DONE);
	assert_int_equal(w->b.kiosk.state, PB_THANKS);
	wait_ms(w, (uint64_t)w->cfg.thanks_timeout * 1000u + 1);
	assert_int_equal(w->b.kiosk.state, PB_ATTRACT);
	assert_int_equal(fk.finished, 1);
	assert_string_equal(fk.done_session, id); /* one id from capture to the webhook */
	assert_int_equal(fk.done_prints, 2);
	assert_string_equal(fk.done_link, "");
	assert_true(file_in(w->b.guest.session.dir, "session.json"));
	assert_int_equal(fk.emails, 0);
	stop(w);
}

static void
test_share_and_email(void **state)
{
	(void)state;
	struct world *w = start(PB_DELIVERY_SHARE);
	to_review(w);
	char id[64];
	snprintf(id, sizeof(id), "%s", w->b.guest.session.id);
	tap(w, PB_BTN_ACCEPT);
	assert_int_equal(w->b.kiosk.state, PB_DELIVER);
	assert_int_equal(fk.links, 1);
	tap(w, PB_BTN_EMAIL);
	assert_int_equal(w->b.kiosk.state, PB_EMAIL);
	struct pb_input in = { .kind = PB_IN_TEXT };
	snprintf(in.text, sizeof(in.text), "a@@example");
	booth_guest_input(&w->b, in);
	booth_guest_input(&w->b, (struct pb_input){ .kind = PB_IN_ENTER });
	assert_int_equal(fk.emails, 0); /* refused by the form: still typing */
	assert_int_equal(w->b.kiosk.state, PB_EMAIL);
	pb_email_form_clear(&w->b.email);
	snprintf(in.text, sizeof(in.text), "guest@example.com");
	booth_guest_input(&w->b, in);
	booth_guest_input(&w->b, (struct pb_input){ .kind = PB_IN_ENTER });
	assert_int_equal(fk.emails, 0); /* consent not ticked yet */
	tap(w, PB_BTN_CONSENT);
	tap(w, PB_BTN_SEND);
	assert_int_equal(fk.emails, 1);
	assert_string_equal(fk.email_to, "guest@example.com");
	assert_string_equal(fk.email_session, id);
	assert_string_equal(fk.email_link, "https://booth.example/s/aaaaaaaaaaaaaaaaaaaaaa");
	assert_int_equal(w->b.kiosk.state, PB_DELIVER);
	tap(w, PB_BTN_DONE);
	wait_ms(w, (uint64_t)w->cfg.thanks_timeout * 1000u + 1);
	assert_int_equal(w->b.kiosk.state, PB_ATTRACT);
	assert_int_equal(fk.finished, 1);
	assert_string_equal(fk.done_session, id);
	assert_string_equal(fk.done_link, fk.email_link);
	assert_int_equal(fk.done_emails, 1);
	assert_int_equal(fk.prints, 0);
	assert_string_equal(w->b.email.typed, ""); /* the address is not kept */
	stop(w);
}

/* The outbox refuses the email: the guest is not counted as emailed, the session ends. */
static void
test_email_refused(void **state)
{
	(void)state;
	struct world *w = start(PB_DELIVERY_SHARE);
	w->cfg.require_consent = 0;
	fk.email_answer = PB_ERR_IO;
	to_review(w);
	tap(w, PB_BTN_ACCEPT);
	tap(w, PB_BTN_EMAIL);
	struct pb_input in = { .kind = PB_IN_TEXT };
	snprintf(in.text, sizeof(in.text), "guest@example.com");
	booth_guest_input(&w->b, in);
	tap(w, PB_BTN_SEND);
	assert_int_equal(fk.emails, 1);
	tap(w, PB_BTN_DONE);
	wait_ms(w, (uint64_t)w->cfg.thanks_timeout * 1000u + 1);
	assert_int_equal(fk.finished, 1);
	assert_int_equal(fk.done_emails, 0);
	stop(w);
}

static void
test_failed_capture(void **state)
{
	(void)state;
	struct world *w = start(PB_DELIVERY_PRINT);
	tap(w, PB_BTN_START);
	wait_ms(w, 3100);
	assert_int_equal(fk.captures, 1);
	shoot(w, 0);
	assert_int_equal(w->b.kiosk.state, PB_ERROR);
	tap(w, PB_BTN_RETRY); /* "let's try that again" */
	assert_int_equal(w->b.kiosk.state, PB_COUNTDOWN);
	wait_ms(w, 3100);
	assert_int_equal(fk.captures, 2);
	shoot(w, 1);
	assert_int_equal(w->b.kiosk.state, PB_REVIEW);
	tap(w, PB_BTN_ACCEPT);
	tap(w, PB_BTN_COPIES_1);
	assert_int_equal(fk.prints, 1);
	assert_int_equal(fk.copies, 1);
	stop(w);
}

static void
test_retake(void **state)
{
	(void)state;
	struct world *w = start(PB_DELIVERY_PRINT);
	to_review(w);
	char id[64];
	snprintf(id, sizeof(id), "%s", w->b.guest.session.id);
	int left = pb_kiosk_retakes_left(&w->b.kiosk);
	assert_true(left > 0);
	tap(w, PB_BTN_RETAKE);
	assert_int_equal(w->b.kiosk.state, PB_COUNTDOWN);
	wait_ms(w, 3100);
	assert_int_equal(fk.captures, 2);
	shoot(w, 1);
	assert_int_equal(w->b.kiosk.state, PB_REVIEW);
	assert_int_equal(pb_kiosk_retakes_left(&w->b.kiosk), left - 1);
	assert_string_equal(w->b.guest.session.id, id); /* the same session */
	tap(w, PB_BTN_ACCEPT);
	tap(w, PB_BTN_COPIES_1);
	tap(w, PB_BTN_DONE);
	wait_ms(w, (uint64_t)w->cfg.thanks_timeout * 1000u + 1);
	assert_int_equal(fk.prints, 1);
	assert_int_equal(fk.finished, 1);
	assert_string_equal(fk.done_session, id);
	stop(w);
}

/* Staff reset mid-session: back to attract, nothing delivered, the folder gone; the camera's
 * late answer for that session is ignored. */
static void
test_staff_reset(void **state)
{
	(void)state;
	struct world *w = start(PB_DELIVERY_PRINT);
	to_review(w);
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", w->b.guest.session.dir);
	tap(w, PB_BTN_RETAKE);
	wait_ms(w, 3100);
	assert_int_equal(w->b.kiosk.state, PB_CAPTURE);
	char msg[256];
	assert_int_equal(booth_act_reset(&w->b, msg, sizeof(msg)), 0);
	assert_int_equal(w->b.kiosk.state, PB_ATTRACT);
	shoot(w, 1); /* stale: its session is over */
	assert_int_equal(w->b.kiosk.state, PB_ATTRACT);
	assert_int_equal(fk.prints, 0);
	assert_int_equal(fk.finished, 0);
	struct stat st;
	assert_int_not_equal(stat(dir, &st), 0); /* discarded */
	/* the next guest starts afresh */
	to_review(w);
	assert_string_not_equal(w->b.guest.session.dir, dir);
	stop(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_print_session), cmocka_unit_test(test_share_and_email),
		cmocka_unit_test(test_email_refused), cmocka_unit_test(test_failed_capture),
		cmocka_unit_test(test_retake),	      cmocka_unit_test(test_staff_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
