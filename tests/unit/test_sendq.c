/* test_sendq.c - the durable send queue (sendq.h) with a fake backend and a fake clock, in
 * manual mode (the test drives each step), and once with its own thread.
 * Bad input tried: a body over 1 MB, a job file over 1 MB and an unreadable one at start, a
 * crash (the folder copied) after every step, one inside send(), one between the .sent marker
 * and the job's deletion, one right after the receiver's acceptance (pb_sendq_accepted), a
 * write cut short (.tmp.), a job both queued and dead, a body the channel refuses, jobs whose
 * time ran out (queued and dead). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include "helpers.h"
#include "sendq.h"

static uint64_t fake_ms;
static uint64_t
fake_now(void)
{
	return fake_ms;
}

#define MAX_SENT 64
struct backend {
	enum pb_send_result script[MAX_SENT]; /* the answer to each call in turn; then OK */
	int calls;
	char sent[MAX_SENT][PB_SENDQ_ID_MAX]; /* ids delivered (OK), in order */
	char bodies[MAX_SENT][32];
	int nsent;
	const char *snapshot_to; /* copy the folder inside the send() that says OK */
	const char *dir;
	uint64_t takes_ms; /* each send() takes this long on the fake clock */
	struct pb_sendq *q;
	int accept; /* say pb_sendq_accepted before the snapshot */
};

static void copy_dir(const char *from, const char *to);

static enum pb_send_result
fake_send(void *ctx, const char *id, const char *body, size_t len, char *why, size_t n)
{
	struct backend *b = ctx;
	enum pb_send_result r = b->calls < MAX_SENT ? b->script[b->calls] : PB_SEND_OK;
	b->calls++;
	fake_ms += b->takes_ms;
	if (r == PB_SEND_OK) {
		snprintf(b->sent[b->nsent], PB_SENDQ_ID_MAX, "%s", id);
		snprintf(b->bodies[b->nsent], 32, "%.*s", (int)len, body);
		b->nsent++;
		if (b->accept)
			pb_sendq_accepted(b->q);
		if (b->snapshot_to) { /* the receiver has it; the booth dies before it knows */
			copy_dir(b->dir, b->snapshot_to);
			b->snapshot_to = NULL;
		}
	} else {
		snprintf(why, n, "%s",
			 r == PB_SEND_RETRY  ? "503 try later"
			 : r == PB_SEND_DEAD ? "400 bad request"
					     : "connection refused");
	}
	return r;
}

static struct pb_sendq *
open_q(const char *dir, struct backend *b)
{
	char why[256] = "";
	struct pb_sendq_config cfg = { .name = "test",
				       .dir = dir,
				       .send = fake_send,
				       .ctx = b,
				       .retry_first_s = 2,
				       .retry_max_s = 60,
				       .now_ms = fake_now,
				       .manual = 1 };
	b->dir = dir;
	struct pb_sendq *q = pb_sendq_open(&cfg, why, sizeof(why));
	assert_non_null(q);
	b->q = q;
	return q;
}

/* A channel's describe: bodies "until=<wall seconds>;<label>" only. */
static int
fake_describe(void *ctx, const char *body, size_t len, struct pb_send_facts *f)
{
	(void)ctx;
	(void)len;
	char label[64] = "";
	long long until = 0;
	if (sscanf(body, "until=%lld;%63s", &until, label) != 2)
		return 0;
	f->expires = until;
	snprintf(f->label, sizeof(f->label), "%s", label);
	snprintf(f->about, sizeof(f->about), "about-%s", label);
	snprintf(f->key, sizeof(f->key), "key-%s", label);
	return 1;
}

static struct pb_sendq *
open_described(const char *dir, struct backend *b)
{
	char why[256] = "";
	struct pb_sendq_config cfg = { .name = "test",
				       .dir = dir,
				       .ext = "msg",
				       .send = fake_send,
				       .describe = fake_describe,
				       .ctx = b,
				       .now_ms = fake_now,
				       .manual = 1 };
	b->dir = dir;
	struct pb_sendq *q = pb_sendq_open(&cfg, why, sizeof(why));
	assert_non_null(q);
	b->q = q;
	return q;
}

static int
run_all(struct pb_sendq *q)
{
	int steps = 0;
	while (pb_sendq_step(q) && steps < 1000)
		steps++;
	return steps;
}

static int
exists(const char *dir, const char *sub, const char *id, const char *ext)
{
	char path[1024];
	struct stat st;
	snprintf(path, sizeof(path), "%s%s/%s.%s", dir, sub, id, ext);
	return stat(path, &st) == 0;
}

static int
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.' && strcmp(e->d_name, "dead");
	closedir(d);
	return n;
}

static void
copy_dir(const char *from, const char *to)
{
	char cmd[2600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && cp -a '%s' '%s'", to, from, to);
	assert_int_equal(system(cmd), 0);
}

static void
add(struct pb_sendq *q, const char *body, char id[PB_SENDQ_ID_MAX])
{
	assert_int_equal(pb_sendq_add(q, body, strlen(body), id), PB_OK);
}

/* Each job sent once, in the order added; its files gone after. */
static void
test_sent_in_order(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), ids[3][PB_SENDQ_ID_MAX];
	struct backend b = { 0 };
	struct pb_sendq *q = open_q(dir, &b);
	struct pb_sendq_stats st;
	add(q, "one", ids[0]);
	add(q, "two", ids[1]);
	add(q, "three", ids[2]);
	assert_true(strcmp(ids[0], ids[1]) < 0 && strcmp(ids[1], ids[2]) < 0);
	pb_sendq_stats(q, &st);
	assert_int_equal(st.depth, 3);
	run_all(q);
	assert_int_equal(b.nsent, 3);
	for (int i = 0; i < 3; i++)
		assert_string_equal(b.sent[i], ids[i]);
	assert_string_equal(b.bodies[2], "three");
	pb_sendq_stats(q, &st);
	assert_int_equal(st.depth, 0);
	assert_int_equal(st.sent, 3);
	assert_int_equal(count_files(dir), 0);
	pb_sendq_close(q);
	rm_tree(dir);
	free(dir);
}

/* A permanent refusal: a dead letter with the words, the next job goes on; staff retry it. */
static void
test_dead_letter(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), a[PB_SENDQ_ID_MAX], c[PB_SENDQ_ID_MAX];
	struct backend b = { .script = { PB_SEND_DEAD } };
	struct pb_sendq *q = open_q(dir, &b);
	struct pb_sendq_stats st;
	struct pb_sendq_entry e[4];
	add(q, "refused", a);
	add(q, "fine", c);
	run_all(q);
	assert_int_equal(b.nsent, 1);
	assert_string_equal(b.sent[0], c);
	assert_true(exists(dir, "/dead", a, "job") && exists(dir, "/dead", a, "why"));
	assert_false(exists(dir, "", a, "job"));
	pb_sendq_stats(q, &st);
	assert_int_equal(st.dead, 1);
	assert_int_equal(st.refused, 1);
	assert_non_null(strstr(st.last_dead, "400 bad request"));
	assert_int_equal(pb_sendq_list(q, e, 4), 1);
	assert_true(e[0].dead);
	assert_string_equal(e[0].error, "400 bad request");
	/* held across a restart, with its words */
	pb_sendq_close(q);
	q = open_q(dir, &b);
	assert_int_equal(pb_sendq_list(q, e, 4), 1);
	assert_true(e[0].dead);
	assert_string_equal(e[0].error, "400 bad request");
	assert_int_equal(pb_sendq_retry(q, "dead"), 1);
	run_all(q);
	assert_int_equal(b.nsent, 2);
	assert_string_equal(b.sent[1], a);
	assert_int_equal(count_files(dir), 0);
	assert_false(exists(dir, "/dead", a, "job") || exists(dir, "/dead", a, "why"));
	pb_sendq_close(q);
	rm_tree(dir);
	free(dir);
}

/* A temporary refusal: that job waits 2 s, then 4 s; the others go on meanwhile. */
static void
test_backoff(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), a[PB_SENDQ_ID_MAX], c[PB_SENDQ_ID_MAX];
	struct backend b = { .script = { PB_SEND_RETRY, PB_SEND_OK, PB_SEND_RETRY } };
	struct pb_sendq *q = open_q(dir, &b);
	struct pb_sendq_entry e[2];
	fake_ms = 100000;
	add(q, "flaky", a);
	add(q, "fine", c);
	run_all(q);
	assert_int_equal(b.nsent, 1);
	assert_string_equal(b.sent[0], c);
	assert_int_equal(pb_sendq_list(q, e, 2), 1);
	assert_int_equal(e[0].retry_in_s, 2);
	assert_int_equal(e[0].attempts, 1);
	assert_string_equal(e[0].error, "503 try later");
	fake_ms += 1999;
	assert_int_equal(pb_sendq_step(q), 0);
	fake_ms += 1;
	assert_int_equal(pb_sendq_step(q), 1); /* the second refusal: 4 s now */
	pb_sendq_list(q, e, 2);
	assert_int_equal(e[0].retry_in_s, 4);
	fake_ms += 3999;
	assert_int_equal(pb_sendq_step(q), 0);
	fake_ms += 1;
	run_all(q);
	assert_int_equal(b.nsent, 2);
	assert_string_equal(b.sent[1], a);
	pb_sendq_close(q);
	rm_tree(dir);
	free(dir);
}

/* A send that takes its whole timeout: the wait runs from the answer, not from the start. */
static void
test_backoff_after_slow_send(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	struct backend b = { .script = { PB_SEND_RETRY }, .takes_ms = 10000 };
	struct pb_sendq *q = open_q(dir, &b);
	struct pb_sendq_entry e[1];
	fake_ms = 700000;
	add(q, "slow", NULL);
	run_all(q);
	assert_int_equal(b.calls, 1);
	pb_sendq_list(q, e, 1);
	assert_int_equal(e[0].retry_in_s, 2);
	pb_sendq_close(q);
	rm_tree(dir);
	free(dir);
}

/* A blocked channel holds every job, makes none dead and counts no attempt against them. */
static void
test_blocked(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), a[PB_SENDQ_ID_MAX];
	struct backend b = { .script = { PB_SEND_BLOCKED, PB_SEND_BLOCKED } };
	struct pb_sendq *q = open_q(dir, &b);
	struct pb_sendq_stats st;
	struct pb_sendq_entry e[3];
	fake_ms = 500000;
	add(q, "a", a);
	add(q, "b", NULL);
	add(q, "c", NULL);
	run_all(q);
	assert_int_equal(b.calls, 1); /* one try, then the whole channel waits */
	pb_sendq_stats(q, &st);
	assert_string_equal(st.blocked, "connection refused");
	assert_int_equal(st.depth, 3);
	assert_int_equal(st.dead, 0);
	assert_int_equal(st.retry_in_s, 2);
	fake_ms += 2000;
	run_all(q);
	assert_int_equal(b.calls, 2);
	pb_sendq_list(q, e, 3);
	assert_int_equal(e[0].attempts, 0);
	assert_int_equal(e[0].retry_in_s, 4); /* the channel's wait, doubled */
	fake_ms += 4000;
	run_all(q);
	assert_int_equal(b.nsent, 3);
	assert_string_equal(b.sent[0], a);
	pb_sendq_stats(q, &st);
	assert_string_equal(st.blocked, "");
	assert_int_equal(st.dead, 0);
	pb_sendq_close(q);
	rm_tree(dir);
	free(dir);
}

/* A crash after every step once the jobs are written (the folder copied then, and a second
 * queue started on the copy): every job is delivered exactly once between the two runs. */
static void
test_crash_every_step(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), copy[600];
	snprintf(copy, sizeof(copy), "%s.crash", dir);
	/* the first three steps write the three jobs (a job is durable once written, within
	 * milliseconds of pb_sendq_add); then every step after */
	for (int crash_at = 3; crash_at <= 9; crash_at++) {
		struct backend b = { .script = { PB_SEND_OK, PB_SEND_RETRY } };
		struct pb_sendq *q = open_q(dir, &b);
		add(q, "j0", NULL);
		add(q, "j1", NULL);
		add(q, "j2", NULL);
		for (int i = 0; i < crash_at; i++)
			pb_sendq_step(q);
		int before = b.nsent; /* delivered when it crashed */
		copy_dir(dir, copy);
		for (int i = 0; i < 2; i++) { /* past the retry's wait */
			fake_ms += 100000;
			run_all(q);
		}
		assert_int_equal(b.nsent, 3);
		/* the second life, on the folder as the crash left it */
		struct backend b2 = { 0 };
		struct pb_sendq *q2 = open_q(copy, &b2);
		run_all(q2);
		pb_sendq_close(q2);
		/* delivered before the crash + after it = j0, j1, j2, each once */
		int seen[3] = { 0 };
		for (int s = 0; s < before; s++)
			seen[b.bodies[s][1] - '0']++;
		for (int s = 0; s < b2.nsent; s++)
			seen[b2.bodies[s][1] - '0']++;
		for (int k = 0; k < 3; k++)
			assert_int_equal(seen[k], 1);
		pb_sendq_close(q);
		rm_tree(dir);
		rm_tree(copy);
		assert_int_equal(mkdir(dir, 0700), 0);
	}
	rm_tree(dir);
	free(dir);
}

/* The booth dies inside send(), after the receiver took the job: sent once more, same id. A
 * crash between the .sent marker and the job's deletion: never sent again. */
static void
test_crash_in_send(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), copy[600], id[PB_SENDQ_ID_MAX], path[700];
	snprintf(copy, sizeof(copy), "%s.crash", dir);
	struct backend b = { .snapshot_to = copy };
	struct pb_sendq *q = open_q(dir, &b);
	add(q, "once", id);
	run_all(q);
	pb_sendq_close(q);
	struct backend b2 = { 0 };
	q = open_q(copy, &b2);
	run_all(q);
	pb_sendq_close(q);
	assert_int_equal(b2.nsent, 1);
	assert_string_equal(b2.sent[0], id); /* the receiver de-duplicates by it */

	/* the marker written, the job not yet deleted */
	q = open_q(dir, &b);
	add(q, "marked", id);
	pb_sendq_step(q); /* written */
	pb_sendq_close(q);
	snprintf(path, sizeof(path), "%s/%s.sent", dir, id);
	write_text(path, "");
	struct backend b3 = { 0 };
	q = open_q(dir, &b3);
	run_all(q);
	assert_int_equal(b3.calls, 0);
	assert_int_equal(count_files(dir), 0);
	pb_sendq_close(q);
	rm_tree(copy);
	rm_tree(dir);
	free(dir);
}

/* The receiver's acceptance marks the job at once: a crash right after never sends it again,
 * even before send() returns. */
static void
test_accepted_marks_at_once(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), copy[600], id[PB_SENDQ_ID_MAX];
	snprintf(copy, sizeof(copy), "%s.crash", dir);
	struct backend b = { .snapshot_to = copy, .accept = 1 };
	struct pb_sendq *q = open_q(dir, &b);
	add(q, "taken", id);
	run_all(q);
	pb_sendq_close(q);
	assert_int_equal(b.nsent, 1);
	assert_true(exists(copy, "", id, "sent")); /* the crash found the marker */
	struct backend b2 = { 0 };
	q = open_q(copy, &b2);
	run_all(q);
	assert_int_equal(b2.calls, 0);
	assert_int_equal(count_files(copy), 0);
	pb_sendq_close(q);
	rm_tree(copy);
	rm_tree(dir);
	free(dir);
}

/* A channel's describe: what it refuses is never queued (nor loaded: moved aside), its labels
 * are what staff see, and jobs whose time ran out go unsent, queued or dead. */
static void
test_describe_and_expiry(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), body[128], id[PB_SENDQ_ID_MAX], late[PB_SENDQ_ID_MAX];
	struct backend b = { .script = { PB_SEND_DEAD } };
	struct pb_sendq_stats st;
	struct pb_sendq_entry e[4];
	struct pb_sendq *q = open_described(dir, &b);
	assert_int_equal(pb_sendq_add(q, "no facts", 8, NULL), PB_ERR_INPUT);
	snprintf(body, sizeof(body), "until=%lld;g***@x", (long long)time(NULL) + 3600);
	add(q, body, id);
	run_all(q); /* refused for good */
	pb_sendq_stats(q, &st);
	assert_int_equal(st.dead, 1);
	assert_string_equal(st.last_dead, "g***@x: 400 bad request");
	assert_true(exists(dir, "/dead", id, "msg"));
	snprintf(body, sizeof(body), "until=%lld;w***@x", (long long)time(NULL) + 3600);
	add(q, body, late);
	assert_int_equal(pb_sendq_list(q, e, 4), 2);
	assert_string_equal(e[0].label, "w***@x");
	assert_string_equal(e[0].about, "about-w***@x");
	assert_string_equal(e[1].label, "g***@x");
	pb_sendq_close(q); /* the second written, not sent */
	assert_true(exists(dir, "", late, "msg"));

	/* both ran out while the booth was off */
	snprintf(body, sizeof(body), "until=%lld;w***@x", (long long)time(NULL) - 1);
	char path[700];
	snprintf(path, sizeof(path), "%s/%s.msg", dir, late);
	write_text(path, body);
	snprintf(path, sizeof(path), "%s/dead/%s.msg", dir, id);
	write_text(path, body);
	snprintf(path, sizeof(path), "%s/00000000001-0000-00000000.msg", dir);
	write_text(path, "not a job of this channel");
	struct backend b2 = { 0 };
	q = open_described(dir, &b2);
	run_all(q);
	pb_sendq_stats(q, &st);
	assert_int_equal(b2.calls, 0);
	assert_int_equal(st.depth, 0);
	assert_int_equal(st.dead, 0);
	assert_int_equal(st.expired, 1); /* the queued one; a dead letter is not counted */
	assert_false(exists(dir, "", late, "msg"));
	assert_false(exists(dir, "/dead", id, "msg"));
	assert_true(exists(dir, "", "00000000001-0000-00000000", "bad"));
	pb_sendq_close(q);
	rm_tree(dir);
	free(dir);
}

/* add_now: the file is on disk when it returns; drop_key drops that key's jobs only. */
static void
test_add_now_and_drop_key(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), body[128], a[PB_SENDQ_ID_MAX], b2[PB_SENDQ_ID_MAX];
	struct backend b = { 0 };
	struct pb_sendq_stats st;
	struct pb_sendq *q = open_described(dir, &b);
	snprintf(body, sizeof(body), "until=%lld;tokenA", (long long)time(NULL) + 3600);
	assert_int_equal(pb_sendq_add_now(q, body, strlen(body), a), PB_OK);
	assert_true(exists(dir, "", a, "msg")); /* before any step */
	assert_int_equal(pb_sendq_add_now(q, "refused", 7, NULL), PB_ERR_INPUT);
	snprintf(body, sizeof(body), "until=%lld;tokenB", (long long)time(NULL) + 3600);
	assert_int_equal(pb_sendq_add_now(q, body, strlen(body), b2), PB_OK);
	assert_int_equal(pb_sendq_drop_key(q, "tokenA"), 0); /* a label is not a key */
	assert_int_equal(pb_sendq_drop_key(q, "key-tokenA"), 1);
	assert_int_equal(pb_sendq_drop_key(q, "key-tokenC"), 0);
	assert_int_equal(pb_sendq_drop_key(q, ""), 0);
	run_all(q);
	pb_sendq_stats(q, &st);
	assert_int_equal(b.nsent, 1);
	assert_string_equal(b.sent[0], b2);
	assert_int_equal(st.depth, 0);
	assert_false(exists(dir, "", a, "msg"));
	pb_sendq_close(q);
	/* the folder gone (even root cannot write there): PB_ERR_IO, nothing queued */
	q = open_described(dir, &b);
	rm_tree(dir);
	assert_int_equal(pb_sendq_add_now(q, body, strlen(body), NULL), PB_ERR_IO);
	pb_sendq_stats(q, &st);
	assert_int_equal(st.depth, 0);
	pb_sendq_close(q);
	rm_tree(dir);
	free(dir);
}

/* What a crash leaves mid-write: a .tmp. goes; a job both queued and dead (cut off while
 * being buried) is one dead letter, never sent. */
static void
test_recover_leftovers(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), path[700];
	struct backend b = { 0 };
	struct pb_sendq *q = open_q(dir, &b); /* creates dir/dead */
	pb_sendq_close(q);
	snprintf(path, sizeof(path), "%s/00000000001-0000-00000000.job.tmp.123", dir);
	write_text(path, "half");
	snprintf(path, sizeof(path), "%s/00000000002-0000-00000000.job", dir);
	write_text(path, "buried");
	snprintf(path, sizeof(path), "%s/dead/00000000002-0000-00000000.job", dir);
	write_text(path, "buried");
	q = open_q(dir, &b);
	run_all(q);
	struct pb_sendq_stats st;
	pb_sendq_stats(q, &st);
	assert_int_equal(b.calls, 0);
	assert_int_equal(st.depth, 0);
	assert_int_equal(st.dead, 1);
	assert_int_equal(count_files(dir), 0);
	pb_sendq_close(q);
	rm_tree(dir);
	free(dir);
}

/* Jobs written but not sent come back in the same order; bad files are moved aside. */
static void
test_restart_order_and_bad_files(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), ids[5][PB_SENDQ_ID_MAX], path[700];
	struct backend b = { .script = { PB_SEND_BLOCKED } };
	struct pb_sendq *q = open_q(dir, &b);
	fake_ms = 900000;
	for (int i = 0; i < 5; i++) {
		char body[8];
		snprintf(body, sizeof(body), "n%d", i);
		add(q, body, ids[i]);
	}
	run_all(q); /* all written, one blocked try */
	pb_sendq_close(q);
	/* a job file too large, and one unreadable (a directory) */
	snprintf(path, sizeof(path), "%s/00000000001-0000-00000000.job", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fseek(f, PB_SENDQ_BODY_MAX + 1, SEEK_SET), 0);
	fputc('x', f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/00000000002-0000-00000000.job", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	struct backend b2 = { 0 };
	q = open_q(dir, &b2);
	run_all(q);
	assert_int_equal(b2.nsent, 5);
	for (int i = 0; i < 5; i++)
		assert_string_equal(b2.sent[i], ids[i]);
	assert_true(exists(dir, "", "00000000001-0000-00000000", "bad"));
	assert_true(exists(dir, "", "00000000002-0000-00000000", "bad"));
	char big[16];
	assert_int_equal(pb_sendq_add(q, big, (size_t)PB_SENDQ_BODY_MAX + 1, NULL), PB_ERR_INPUT);
	pb_sendq_close(q);
	rm_tree(dir);
	free(dir);
}

/* Drop deletes a queued job and a dead letter, files and all. */
static void
test_drop(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), a[PB_SENDQ_ID_MAX], c[PB_SENDQ_ID_MAX];
	struct backend b = { .script = { PB_SEND_DEAD, PB_SEND_BLOCKED } };
	struct pb_sendq *q = open_q(dir, &b);
	struct pb_sendq_stats st;
	add(q, "dead", a);
	add(q, "waiting", c);
	run_all(q);
	assert_int_equal(pb_sendq_drop(q, c), 1);
	assert_int_equal(pb_sendq_drop(q, "dead"), 1);
	assert_int_equal(pb_sendq_drop(q, "no-such-id"), 0);
	/* the files are gone when drop returns: staff's next look finds nothing */
	assert_int_equal(count_files(dir), 0);
	assert_false(exists(dir, "/dead", a, "job"));
	assert_false(exists(dir, "/dead", a, "why"));
	run_all(q);
	pb_sendq_stats(q, &st);
	assert_int_equal(st.depth + st.dead, 0);
	assert_int_equal(count_files(dir), 0);
	assert_false(exists(dir, "/dead", a, "job"));
	pb_sendq_close(q);
	rm_tree(dir);
	free(dir);
}

/* With its own thread: a job added is sent without a step. */
static void
test_thread(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), why[256];
	struct backend b = { 0 };
	struct pb_sendq_config cfg = { .name = "thread", .dir = dir, .send = fake_send, .ctx = &b };
	struct pb_sendq *q = pb_sendq_open(&cfg, why, sizeof(why));
	struct pb_sendq_stats st = { 0 };
	assert_non_null(q);
	add(q, "by itself", NULL);
	for (int i = 0; i < 500 && st.sent == 0; i++) {
		struct timespec ts = { 0, 10 * 1000000 };
		nanosleep(&ts, NULL);
		pb_sendq_stats(q, &st);
	}
	assert_int_equal(st.sent, 1);
	pb_sendq_close(q);
	assert_int_equal(b.nsent, 1);
	assert_int_equal(count_files(dir), 0);
	rm_tree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sent_in_order),
		cmocka_unit_test(test_dead_letter),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_backoff_after_slow_send),
		cmocka_unit_test(test_blocked),
		cmocka_unit_test(test_crash_every_step),
		cmocka_unit_test(test_crash_in_send),
		cmocka_unit_test(test_accepted_marks_at_once),
		cmocka_unit_test(test_describe_and_expiry),
		cmocka_unit_test(test_recover_leftovers),
		cmocka_unit_test(test_add_now_and_drop_key),
		cmocka_unit_test(test_restart_order_and_bad_files),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_thread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
