/* The event cloud's pure parts: reading heartbeats (json_read.h) including malformed and
 * hostile ones, the fleet's words and flags (fleet.h), the per-hour report, the landing page
 * (a hostile event title), the payload hash every signed request carries (s3.h), and the
 * purge telling the publisher which links went (share.h). The store itself is tested for
 * real in tests/e2e/publish.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fleet.h"
#include "helpers.h"
#include "json_read.h"
#include "landing.h"
#include "mem.h"
#include "s3.h"
#include "share.h"

static void
test_json_read(void **state)
{
	const char *j = "{\"a\": {\"b\": [1, {\"c\": \"x\\\"y\\u00e9\"}], \"n\": -42.5},"
			" \"s\": \"}{\", \"t\": true, \"a2\": null}";
	long long v;
	char s[32];
	(void)state;
	assert_int_equal(pb_json_int_of(pb_json_at(j, "a.n"), &v), 0);
	assert_int_equal(v, -42);
	assert_int_equal(pb_json_int_of(pb_json_elem(pb_json_at(j, "a.b"), 0), &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(pb_json_str_of(pb_json_at(pb_json_elem(pb_json_at(j, "a.b"), 1), "c"), s,
					sizeof(s)),
			 0);
	assert_string_equal(s, "x\"y?");
	assert_int_equal(pb_json_str_of(pb_json_at(j, "s"), s, sizeof(s)), 0);
	assert_string_equal(s, "}{"); /* brackets inside a string are text */
	assert_null(pb_json_at(j, "missing"));
	assert_null(pb_json_at(j, "a.b.c")); /* an array has no members */
	assert_null(pb_json_elem(pb_json_at(j, "a.b"), 2));
	assert_int_equal(pb_json_str_of(pb_json_at(j, "t"), s, sizeof(s)), -1);
	assert_string_equal(s, "");
	/* malformed and hostile texts read as missing, never past their end */
	static const char *const bad[] = {
		"",
		"{",
		"{\"a\"",
		"{\"a\":",
		"{\"a\":1",
		"{\"a\":\"open",
		"[1,2",
		"{\"a\":tru}",
		"{\"a\" 1}",
		"{\"a\":1,,\"b\":2}",
		"{\"x\":\"\\",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *p = pb_json_at(bad[i], "b");
		assert_null(p);
	}
	/* nesting deeper than the reader goes: missing, not a stack overflow */
	struct pb_buf deep;
	pb_buf_init(&deep);
	pb_buf_append(&deep, "{\"x\":", 5);
	for (int i = 0; i < 100000; i++)
		pb_buf_append(&deep, "[", 1);
	pb_buf_append(&deep, "}", 1);
	pb_buf_append(&deep, ",\"b\":1}", 7);
	assert_null(pb_json_at(deep.data, "b"));
	pb_buf_fini(&deep);
	/* a string truncated to the buffer */
	assert_int_equal(pb_json_str_of("\"abcdef\"", s, 4), 0);
	assert_string_equal(s, "abc");
}

static const char beat[] =
	"{\"booth\":\"party-2\",\"event\":\"expo\",\"version\":\"0.9\",\"time\":1000,\"every_s\":30,"
	"\"publish\":{\"depth\":3,\"oldest_age_s\":40,\"dead\":0,\"blocked\":null},"
	"\"hours\":[[3600,10,4,2,7],[7200,5,1,0,3]],"
	"\"status\":{\"state\":\"review\",\"camera\":{\"state\":\"connected\"},"
	"\"printer\":{\"state\":\"idle\",\"prints_remaining\":212},\"outbox\":{\"depth\":1},"
	"\"disk\":{\"free_mb\":9000},\"counters\":{\"sessions\":15}}}";

static void
test_fleet(void **state)
{
	struct pb_fleet_booth b;
	char line[256], why[96];
	(void)state;
	assert_int_equal(pb_fleet_read("party-2", beat, &b, why, sizeof(why)), 0);
	assert_string_equal(b.booth, "party-2");
	assert_string_equal(b.state, "review");
	assert_string_equal(b.camera, "connected");
	assert_int_equal(b.paper_left, 212);
	assert_int_equal(b.uploads, 3);
	assert_int_equal(b.outbox, 1);
	assert_int_equal(b.sessions, 15);
	assert_int_equal(b.nhours, 2);
	/* silent after 4 heartbeats (120 s at 30 s), not before */
	assert_false(pb_fleet_silent(&b, 1120));
	assert_true(pb_fleet_silent(&b, 1121));
	pb_fleet_line(&b, 1004, line, sizeof(line));
	assert_string_equal(line, "party-2: review · 212 prints left · 1 email waiting · 3 uploads "
				  "waiting · 4 s ago");
	snprintf(b.camera, sizeof(b.camera), "reconnecting");
	snprintf(b.printer, sizeof(b.printer), "stopped");
	b.uploads = 0;
	pb_fleet_line(&b, 1004, line, sizeof(line));
	assert_string_equal(line, "party-2: review · camera reconnecting · printer stopped · 212 "
				  "prints left · 1 email waiting · 4 s ago");
	pb_fleet_booth_fini(&b);
	assert_int_equal(pb_fleet_read("party-2", beat, &b, why, sizeof(why)), 0);
	pb_fleet_line(&b, 1300, line, sizeof(line));
	assert_string_equal(line, "party-2: SILENT for 5 min (last seen review)");
	/* no name or no time: not a beat */
	struct pb_fleet_booth junk;
	assert_int_equal(pb_fleet_read("x", "{\"time\":5}", &junk, why, sizeof(why)), -1);
	assert_int_equal(pb_fleet_read("x", "{\"booth\":\"x\"}", &junk, why, sizeof(why)), -1);
	assert_string_equal(why, "no \"time\"");
	assert_int_equal(pb_fleet_read("x", "not json", &junk, why, sizeof(why)), -1);

	struct pb_fleet f = { 0 };
	struct pb_fleet_booth lounge;
	struct pb_buf out;
	pb_fleet_add(&f, &b);
	assert_null(b.hours); /* moved */
	assert_int_equal(pb_fleet_read("lounge", "{\"booth\":\"lounge\",\"time\":1290}", &lounge,
				       why, sizeof(why)),
			 0);
	pb_fleet_add(&f, &lounge);
	pb_fleet_add_unreadable(&f, "expo/_booths/junk.json", "not one JSON object");
	pb_buf_init(&out);
	assert_int_equal(pb_fleet_list(&f, 1300, 0, &out), 1);
	assert_non_null(strstr(out.data, "party-2: SILENT for 5 min"));
	assert_non_null(strstr(out.data, "lounge: ? · camera ? · 10 s ago"));
	assert_non_null(
		strstr(out.data, "expo/_booths/junk.json: unreadable (not one JSON object)"));
	assert_non_null(strstr(out.data, "2 booths, 1 silent, 1 unreadable\n"));
	pb_buf_fini(&out);
	pb_buf_init(&out);
	assert_int_equal(pb_fleet_list(&f, 1300, 1, &out), 1);
	assert_non_null(strstr(out.data, "\"booth\":\"party-2\",\"age_s\":300,\"silent\":true"));
	assert_non_null(strstr(out.data, "\"silent\":1,\"unreadable\":[{\"key\":"));
	pb_buf_fini(&out);
	/* the report: each hour, each booth's total, the event's */
	pb_buf_init(&out);
	pb_fleet_report(&f, 1, &out);
	assert_non_null(strstr(out.data,
			       "{\"start\":3600,\"sessions\":10,\"prints\":4,\"emails\":2,"
			       "\"downloads\":7}"));
	assert_non_null(strstr(out.data, "],\"sessions\":15,\"prints\":5,\"emails\":2,"
					 "\"downloads\":10}"));
	assert_non_null(strstr(out.data, "\"event\":{\"sessions\":15,\"prints\":5,\"emails\":2,"
					 "\"downloads\":10}"));
	pb_buf_fini(&out);
	pb_buf_init(&out);
	pb_fleet_report(&f, 0, &out);
	assert_non_null(
		strstr(out.data,
		       "party-2          total                  15        5        2        10"));
	assert_non_null(strstr(out.data, "(not counted: 1 unreadable beat, 0 not read)"));
	pb_buf_fini(&out);
	/* a copy is deep: freeing one leaves the other whole */
	struct pb_fleet c;
	pb_fleet_copy(&c, &f);
	pb_fleet_free(&f);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.booths[0].nhours, 2);
	assert_int_equal(c.booths[0].hours[1].n[0], 5);
	pb_fleet_free(&c);
}

/* The audit's poisoned beats: each is read alone, none hides another, none costs more than one
 * pass over its text (a quadratic walk of these took 25 to 40 s). */
static void
test_fleet_hostile(void **state)
{
	struct pb_fleet_booth b;
	char why[96], out[64];
	(void)state;
	/* two objects in one beat, an object then junk, a lone "{", an array */
	assert_int_equal(pb_fleet_read("a",
				       "{\"booth\":\"a\",\"time\":1},{\"booth\":\"b\","
				       "\"time\":1}",
				       &b, why, sizeof(why)),
			 -1);
	assert_string_equal(why, "not one JSON object");
	assert_int_equal(pb_fleet_read("a", "{", &b, why, sizeof(why)), -1);
	assert_int_equal(pb_fleet_read("a", "[{\"booth\":\"a\",\"time\":1}]", &b, why, sizeof(why)),
			 -1);
	/* a name other than its key's, or outside the booth alphabet (a newline: a fake line) */
	assert_int_equal(pb_fleet_read("a", "{\"booth\":\"b\",\"time\":1}", &b, why, sizeof(why)),
			 -1);
	assert_string_equal(why, "its \"booth\" is not the name in its key");
	assert_int_equal(pb_fleet_read("a\nb: attract", "{\"booth\":\"a\\nb: attract\",\"time\":1}",
				       &b, why, sizeof(why)),
			 -1);
	/* 250 kB of "hours":[0,0,...] and of {},{},...: read in one pass, no hour kept */
	size_t n = 250000;
	char *big = pb_xcalloc(1, n + 64);
	size_t o = (size_t)sprintf(big, "{\"booth\":\"a\",\"time\":1,\"hours\":[0");
	while (o < n)
		o += (size_t)sprintf(big + o, ",0");
	strcpy(big + o, "]}");
	assert_int_equal(pb_fleet_read("a", big, &b, why, sizeof(why)), 0);
	assert_int_equal(b.nhours, 0);
	pb_fleet_booth_fini(&b);
	o = (size_t)sprintf(big, "{}");
	while (o < n)
		o += (size_t)sprintf(big + o, ",{}");
	assert_int_equal(pb_fleet_read("a", big, &b, why, sizeof(why)), -1);
	/* more hours than a week: a week kept */
	o = (size_t)sprintf(big, "{\"booth\":\"a\",\"time\":1,\"hours\":[[0,1,1,1,1]");
	for (int i = 1; i < 500; i++)
		o += (size_t)sprintf(big + o, ",[%d,1,1,1,1]", i * 3600);
	strcpy(big + o, "]}");
	assert_int_equal(pb_fleet_read("a", big, &b, why, sizeof(why)), 0);
	assert_int_equal(b.nhours, PB_FLEET_HOURS);
	pb_fleet_booth_fini(&b);
	free(big);
	/* text from the bucket: C0, C1 (U+009B, the terminal's CSI), U+202E, bad UTF-8 escaped */
	assert_int_equal(pb_fleet_read("a",
				       "{\"booth\":\"a\",\"time\":1,\"status\":{\"state\":"
				       "\"x\xc2\x9b"
				       "2J\xe2\x80\xae"
				       "y\xff\\u001b\"}}",
				       &b, why, sizeof(why)),
			 0);
	assert_string_equal(b.state, "x\\x9B2J\\u{202E}y\\xFF?");
	pb_fleet_escape("caf\xc3\xa9 \xe2\x80\x8f\x7f", out, sizeof(out));
	assert_string_equal(out, "caf\xc3\xa9 \\u{200F}\\x7F");
	pb_fleet_escape("\x1b\x1b\x1b", out, 9); /* never half an escape */
	assert_string_equal(out, "\\x1B\\x1B");
	/* the caps: PB_FLEET_MAX booths, the rest counted; PB_FLEET_UNREADABLE named */
	struct pb_fleet f = { 0 };
	for (int i = 0; i < PB_FLEET_MAX + 5; i++) {
		assert_int_equal(
			pb_fleet_read("a", "{\"booth\":\"a\",\"time\":1}", &b, why, sizeof(why)),
			0);
		pb_fleet_add(&f, &b);
	}
	for (int i = 0; i < PB_FLEET_UNREADABLE + 3; i++)
		pb_fleet_add_unreadable(&f, "k\n", "bad");
	assert_int_equal(f.n, PB_FLEET_MAX);
	assert_int_equal(f.not_read, 5);
	assert_int_equal(f.unreadable_more, 3);
	assert_string_equal(f.unreadable[0].key, "k\\x0A");
	struct pb_buf text;
	pb_buf_init(&text);
	pb_fleet_list(&f, 1, 0, &text);
	assert_non_null(strstr(text.data, "256 booths, 0 silent, 19 unreadable, 5 more not read "
					  "(over 256)\n"));
	pb_buf_fini(&text);
	pb_fleet_free(&f);
}

static void
test_landing(void **state)
{
	struct pb_buf b;
	(void)state;
	pb_buf_init(&b);
	struct pb_landing l = { "<script>alert(1)</script> & \"Co\"",
				"AbCdEfGhIjKlMnOpQrStUv",
				NULL,
				0,
				NULL,
				NULL,
				1 };
	pb_landing_page(&b, &l);
	assert_null(strstr(b.data, "<script>alert"));
	assert_non_null(
		strstr(b.data, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"));
	assert_non_null(strstr(b.data, "src=\"AbCdEfGhIjKlMnOpQrStUv.jpg\""));
	assert_non_null(strstr(b.data, "download=\"photo.jpg\""));
	assert_non_null(strstr(b.data, "navigator.share"));
	assert_non_null(strstr(b.data, "window.isSecureContext")); /* the share sheet: HTTPS only */
	assert_non_null(strstr(b.data, "Content-Security-Policy"));
	assert_non_null(strstr(b.data, "<link rel=icon href=\"data:,\">")); /* no favicon 404 */
	assert_null(strstr(b.data, "og:image")); /* no absolute URL: no previews */
	assert_null(strstr(b.data, "id=until")); /* no expiry: not said */
	pb_buf_fini(&b);

	/* previews for chat apps, and the expiry date, on the LAN page too */
	struct tm tm = { .tm_year = 126, .tm_mon = 11, .tm_mday = 13, .tm_hour = 12 };
	struct pb_landing lan = { "Cloud Summit",
				  "AbCdEfGhIjKlMnOpQrStUv",
				  "xx",
				  mktime(&tm),
				  "http://booth.example/p/AbCdEfGhIjKlMnOpQrStUv",
				  "http://booth.example/p/AbCdEfGhIjKlMnOpQrStUv.jpg",
				  0 };
	pb_buf_init(&b);
	pb_landing_page(&b, &lan);
	assert_non_null(strstr(b.data, "<html lang=en>")); /* an unknown language: English */
	assert_non_null(strstr(b.data, "<meta property=\"og:title\" content=\"Cloud Summit\">"));
	assert_non_null(strstr(b.data,
			       "<meta property=\"og:image\" "
			       "content=\"http://booth.example/p/AbCdEfGhIjKlMnOpQrStUv.jpg\">"));
	assert_non_null(strstr(b.data, "<meta property=\"og:description\" content=\"Your photo "
				       "from Cloud Summit\">"));
	assert_non_null(strstr(b.data, "<meta name=\"twitter:card\" "
				       "content=\"summary_large_image\">"));
	assert_non_null(strstr(b.data, "This link works until December 13, 2026"));
	assert_null(strstr(b.data, "<script>")); /* the LAN page needs none */
	assert_null(strstr(b.data, " hidden>")); /* the photo is there already */
	pb_buf_fini(&b);
}

static void
test_sha256(void **state)
{
	char h[65];
	(void)state;
	/* the empty body's hash, which every GET and DELETE sends; and FIPS 180-2's "abc" */
	pb_s3_sha256_hex("", 0, h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	pb_s3_sha256_hex("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* data/sessions/ID/ with a share.jpg */
static void
session(const char *data, const char *id)
{
	char *dir = pb_xasprintf("%s/sessions/%s", data, id), *f;
	assert_int_equal(pb_file_mkdirs(dir, 0750), PB_OK);
	f = pb_xasprintf("%s/share.jpg", dir);
	write_text(f, "jpeg");
	free(f);
	free(dir);
}

struct gone {
	char tokens[4][PB_TOKEN_LEN + 1];
	int n;
};

static void
on_gone(void *ctx, const char *token)
{
	struct gone *g = ctx;
	if (g->n < 4)
		snprintf(g->tokens[g->n++], PB_TOKEN_LEN + 1, "%s", token);
}

static void
test_purge_tells_publisher(void **state)
{
	char *tmp = make_tmpdir(), a[PB_TOKEN_LEN + 1], b[PB_TOKEN_LEN + 1], c[PB_TOKEN_LEN + 1];
	struct gone g = { 0 };
	(void)state;
	session(tmp, "20261203-100000-aaaaaaaa");
	session(tmp, "20261203-100000-bbbbbbbb");
	assert_int_equal(pb_share_token(a), PB_OK);
	assert_int_equal(pb_share_token(b), PB_OK);
	assert_int_equal(pb_share_token(c), PB_OK);
	assert_int_equal(pb_share_link_write(tmp, a, "20261203-100000-aaaaaaaa", 1000, NULL),
			 PB_OK);
	assert_int_equal(pb_share_link_write(tmp, b, "20261203-100000-bbbbbbbb", 5000, NULL),
			 PB_OK);
	/* c's session was deleted at the booth */
	assert_int_equal(pb_share_link_write(tmp, c, "20261203-100000-cccccccc", 5000, NULL),
			 PB_OK);
	assert_int_equal(pb_share_purge(tmp, 2000, on_gone, &g), 2);
	assert_int_equal(g.n, 2);
	assert_true((!strcmp(g.tokens[0], a) && !strcmp(g.tokens[1], c)) ||
		    (!strcmp(g.tokens[0], c) && !strcmp(g.tokens[1], a)));
	rm_tree(tmp);
	free(tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_read),     cmocka_unit_test(test_fleet),
		cmocka_unit_test(test_fleet_hostile), cmocka_unit_test(test_landing),
		cmocka_unit_test(test_sha256),	      cmocka_unit_test(test_purge_tells_publisher),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
