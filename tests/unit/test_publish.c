/* test_publish.c - the publisher's jobs on the send queue, with a store that is not there
 * (127.0.0.1 port 9, nothing listening): what is queued, dropped and kept on disk, without a
 * network. Uploads against a real store (Swift's S3 API, signatures checked) are
 * tests/e2e/publish.sh's.
 * Bad input tried: a token that is not one, a session id with a '/', job files from a booth
 * before the send queue (.job, .del and .dead, one of them damaged), a secret file missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <sys/stat.h>

#include "helpers.h"
#include "publish.h"

#define TOKEN_A "AAAAAAAAAAAAAAAAAAAAAA"
#define TOKEN_B "BBBBBBBBBBBBBBBBBBBBBB"
#define TOKEN_C "CCCCCCCCCCCCCCCCCCCCCC"

struct fixture {
	char *dir, queue[600], secret[600];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->dir = make_tmpdir();
	snprintf(f->queue, sizeof(f->queue), "%s/publish", f->dir);
	snprintf(f->secret, sizeof(f->secret), "%s/secret", f->dir);
	write_text(f->secret, "not-a-real-secret\n");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	rm_tree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static struct pb_publish *
publisher(struct fixture *f, const char *secret)
{
	char why[512] = "";
	struct pb_publish_config c = {
		.dir = f->queue,
		.sessions_dir = f->dir,
		.store = { .endpoint = "http://127.0.0.1:9",
			   .region = "us-east-1",
			   .bucket = "photos",
			   .access_key = "booth",
			   .path_style = 1,
			   .timeout_s = 2 },
		.secret_file = secret,
		.prefix = "expo/lounge/",
		.event = "expo",
		.booth = "lounge",
		.title = "Expo",
		.version = "test",
		.retry_first_s = 60, /* one try, then it waits: the queue holds still */
		.retry_max_s = 60,
	};
	struct pb_publish *p = pb_publish_create(&c, why, sizeof(why));
	if (!p)
		print_message("publish: %s\n", why);
	return p;
}

/* Files of the queue's folder ending with ext (the jobs: ".job"). */
static int
count(const char *dir, const char *ext)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name), x = strlen(ext);
		n += l > x && !strcmp(e->d_name + l - x, ext);
	}
	closedir(d);
	return n;
}

/* Until the queue's thread has tried and found the store away (it then waits 60 s). */
static void
wait_tried(struct pb_publish *p)
{
	struct pb_publish_stats st;
	for (int i = 0; i < 500; i++) {
		pb_publish_stats(p, &st);
		if (st.failures >= 1 && st.retry_in_s > 0)
			return;
		usleep(10000);
	}
	fail_msg("the publisher never tried the store");
}

static void
test_promise_and_forget(void **state)
{
	struct fixture *f = *state;
	struct pb_publish_stats st;
	assert_null(publisher(f, "/nonexistent/secret"));
	struct pb_publish *p = publisher(f, f->secret);
	assert_non_null(p);
	time_t later = time(NULL) + 3600;
	assert_int_equal(pb_publish_promise(p, "short", "s1", later, "en"), PB_ERR_INPUT);
	assert_int_equal(pb_publish_promise(p, TOKEN_A, "a/b", later, "en"), PB_ERR_INPUT);
	assert_int_equal(pb_publish_promise(p, TOKEN_A, "s1", later, "ko"), PB_OK);
	assert_int_equal(count(f->queue, ".job"), 1); /* on disk when it returns */
	assert_int_equal(pb_publish_promise(p, TOKEN_B, "s2", later, NULL), PB_OK);
	wait_tried(p);
	pb_publish_stats(p, &st);
	assert_int_equal(st.depth, 2);
	assert_true(strstr(st.last_error, "onnect") != NULL); /* the store's absence, in words */
	assert_string_equal(st.blocked, "");		      /* away is not "refuses this booth" */
	/* A's link is gone: its upload goes, its deletion is queued */
	pb_publish_forget(p, TOKEN_A);
	pb_publish_forget(p, "not a token");
	pb_publish_stats(p, &st);
	assert_int_equal(st.depth, 2);
	assert_int_equal(st.uploaded, 0);
	pb_publish_destroy(p);
	assert_int_equal(count(f->queue, ".job"), 2); /* B's upload, A's deletion */

	p = publisher(f, f->secret); /* a restart: the same two */
	pb_publish_stats(p, &st);
	assert_int_equal(st.depth, 2);
	assert_int_equal(st.dead, 0);
	assert_int_equal(pb_publish_retry(p), 2);
	pb_publish_destroy(p);
}

/* A booth upgraded with uploads waiting in the old format: queued again, old files gone. */
static void
test_old_jobs_adopted(void **state)
{
	struct fixture *f = *state;
	char path[700];
	struct pb_publish_stats st;
	mkdir(f->queue, 0700);
	snprintf(path, sizeof(path), "%s/%s.job", f->queue, TOKEN_A);
	write_text(path, "s1 9999999999 1 ko\n\n");
	snprintf(path, sizeof(path), "%s/%s.del", f->queue, TOKEN_B);
	write_text(path, "- 0 0 en\n\n");
	snprintf(path, sizeof(path), "%s/%s.dead", f->queue, TOKEN_C);
	write_text(path, "s3 9999999999 0 en\n403 AccessDenied\n");
	snprintf(path, sizeof(path), "%s/short.job", f->queue);
	write_text(path, "not ours\n");
	struct pb_publish *p = publisher(f, f->secret);
	assert_non_null(p);
	pb_publish_stats(p, &st);
	assert_int_equal(st.depth, 3); /* the dead letter gets another try */
	snprintf(path, sizeof(path), "%s/%s.job", f->queue, TOKEN_A);
	assert_int_not_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/%s.dead", f->queue, TOKEN_C);
	assert_int_not_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/short.job", f->queue);
	assert_int_equal(access(path, F_OK), 0); /* not a job of ours: left alone */
	pb_publish_destroy(p);
	assert_int_equal(count(f->queue, ".job"), 4); /* three of the queue's, and short.job */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_promise_and_forget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_jobs_adopted, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
