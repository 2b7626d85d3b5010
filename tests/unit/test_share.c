/* Download links and the gallery server, over real HTTP on loopback (libcurl as the phone,
 * raw sockets as the attacker). Bad requests tried: "..", %2e%2e and %2f, an overlong path,
 * a wrong and an expired token, a token one character short, a POST, 1000 connections at
 * once, a slowloris that never finishes its headers. After each, the server must still
 * answer a good request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "gallery.h"
#include "helpers.h"
#include "json.h"
#include "mem.h"
#include "share.h"

static void
test_tokens(void **state)
{
	char a[PB_TOKEN_LEN + 1], b[PB_TOKEN_LEN + 1];
	int seen[64] = { 0 };
	(void)state;
	assert_int_equal(pb_share_token(a), PB_OK);
	assert_int_equal(strlen(a), PB_TOKEN_LEN);
	assert_true(pb_share_token_valid(a));
	for (int i = 0; i < 2000; i++) {
		assert_int_equal(pb_share_token(b), PB_OK);
		assert_true(pb_share_token_valid(b));
		assert_string_not_equal(a, b);
		for (int k = 0; k < PB_TOKEN_LEN; k++) {
			const char *alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					    "0123456789-_";
			seen[strchr(alpha, b[k]) - alpha]++;
		}
	}
	/* every one of the 64 characters turns up: no stuck bits */
	for (int k = 0; k < 64; k++)
		assert_true(seen[k] > 0);
	assert_false(pb_share_token_valid(""));
	assert_false(pb_share_token_valid("short"));
	assert_false(pb_share_token_valid("AAAAAAAAAAAAAAAAAAAA/A"));
	assert_false(pb_share_token_valid("AAAAAAAAAAAAAAAAAAA..A"));
	assert_false(pb_share_token_valid("AAAAAAAAAAAAAAAAAAAAAAA"));
}

static char *
session_with_photo(const char *data, const char *id, const char *bytes)
{
	size_t n = strlen(data) + strlen(id) + 64;
	char *dir = malloc(n), *f = malloc(n);
	snprintf(dir, n, "%s/sessions/%s", data, id);
	assert_int_equal(pb_file_mkdirs(dir, 0750), PB_OK);
	snprintf(f, n, "%s/share.jpg", dir);
	write_text(f, bytes);
	free(f);
	return dir;
}

static void
test_links(void **state)
{
	char *tmp = make_tmpdir(), tok[PB_TOKEN_LEN + 1], sess[64];
	time_t now = 1800000000;
	(void)state;
	char *dir = session_with_photo(tmp, "20261122-101010-0a0b0c0d", "jpeg bytes");
	assert_int_equal(pb_share_token(tok), PB_OK);
	assert_int_equal(
		pb_share_link_write(tmp, tok, "20261122-101010-0a0b0c0d", now + 3600, NULL), PB_OK);
	assert_int_equal(pb_share_link_lookup(tmp, tok, now, sess, sizeof(sess)), PB_OK);
	assert_string_equal(sess, "20261122-101010-0a0b0c0d");
	/* expired, unknown, malformed: all the same answer */
	assert_int_equal(pb_share_link_lookup(tmp, tok, now + 3600, sess, sizeof(sess)),
			 PB_ERR_INPUT);
	assert_int_equal(
		pb_share_link_lookup(tmp, "AAAAAAAAAAAAAAAAAAAAAA", now, sess, sizeof(sess)),
		PB_ERR_INPUT);
	assert_int_equal(pb_share_link_lookup(tmp, "../sessions", now, sess, sizeof(sess)),
			 PB_ERR_INPUT);
	/* a link cannot be made to point outside sessions/ */
	assert_int_equal(pb_share_link_write(tmp, tok, "../../etc", now, NULL), PB_ERR_INPUT);
	assert_int_equal(pb_share_link_write(tmp, tok, ".hidden", now, NULL), PB_ERR_INPUT);
	assert_int_equal(pb_share_link_write(tmp, "not-a-token", "x", now, NULL), PB_ERR_INPUT);
	/* purge: nothing before expiry, the link and the photos after */
	assert_int_equal(pb_share_purge(tmp, now, NULL, NULL), 0);
	assert_int_equal(access(dir, F_OK), 0);
	assert_int_equal(pb_share_purge(tmp, now + 3600, NULL, NULL), 1);
	assert_int_not_equal(access(dir, F_OK), 0);
	assert_int_equal(pb_share_purge(tmp, now + 7200, NULL, NULL), 0);
	free(dir);
	rm_tree(tmp);
	free(tmp);
}

/* A kill between a link's write and its rename leaves <token>.tmp.<pid>: the next purge
 * removes it (another process's), and leaves this process's own (a write in progress). */
static void
test_purge_stale_temp(void **state)
{
	char *tmp = make_tmpdir(), tok[PB_TOKEN_LEN + 1];
	(void)state;
	free(session_with_photo(tmp, "20261122-101010-0a0b0c0d", "jpeg bytes"));
	assert_int_equal(pb_share_token(tok), PB_OK);
	assert_int_equal(
		pb_share_link_write(tmp, tok, "20261122-101010-0a0b0c0d", 1800003600, NULL), PB_OK);
	char *dead = pb_xasprintf("%s/links/%s.tmp.%ld", tmp, tok, (long)getpid() + 1);
	char *mine = pb_xasprintf("%s/links/%s.tmp.%ld", tmp, tok, (long)getpid());
	char *other = pb_xasprintf("%s/links/notes.tmp.1", tmp);
	write_text(dead, "20261122-101010-0a0b0c0d 18000");
	write_text(mine, "20261122-101010-0a0b0c0d 1800003600\n");
	write_text(other, "x");
	assert_int_equal(pb_share_purge(tmp, 1800000000, NULL, NULL), 0); /* no link expired */
	assert_int_not_equal(access(dead, F_OK), 0);
	assert_int_equal(access(mine, F_OK), 0);
	assert_int_equal(access(other, F_OK), 0); /* not a link's: not ours to judge */
	char sess[64];
	assert_int_equal(pb_share_link_lookup(tmp, tok, 1800000000, sess, sizeof(sess)), PB_OK);
	free(dead);
	free(mine);
	free(other);
	rm_tree(tmp);
	free(tmp);
}

/* The links a booth restarted in print mode still serves. */
static void
test_any_link(void **state)
{
	char *tmp = make_tmpdir(), tok[PB_TOKEN_LEN + 1];
	(void)state;
	assert_false(pb_share_any_link(tmp)); /* a new booth: no folder at all */
	char *links = pb_xasprintf("%s/links", tmp), *bad = pb_xasprintf("%s/not-a-token", links);
	assert_int_equal(mkdir(links, 0700), 0);
	write_text(bad, "x");
	assert_false(pb_share_any_link(tmp));
	assert_int_equal(pb_share_token(tok), PB_OK);
	assert_int_equal(
		pb_share_link_write(tmp, tok, "20261122-101010-0a0b0c0d", 1800000000, NULL), PB_OK);
	assert_true(pb_share_any_link(tmp));
	free(links);
	free(bad);
	rm_tree(tmp);
	free(tmp);
}

struct fetched {
	long code;
	struct pb_buf body;
	char type[64];
	char disposition[128];
};

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	pb_buf_append(&((struct fetched *)ctx)->body, p, size * n);
	return size * n;
}

static size_t
on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct fetched *f = ctx;
	size_t len = size * n;
	if (len > 14 && !strncasecmp(p, "Content-Type: ", 14))
		snprintf(f->type, sizeof(f->type), "%.*s", (int)(len - 16), p + 14);
	if (len > 21 && !strncasecmp(p, "Content-Disposition: ", 21))
		snprintf(f->disposition, sizeof(f->disposition), "%.*s", (int)(len - 23), p + 21);
	return len;
}

static void
fetch(int port, const char *path, const char *method, struct fetched *f)
{
	char url[4096];
	CURL *c = curl_easy_init();
	memset(f, 0, sizeof(*f));
	pb_buf_init(&f->body);
	pb_buf_append(&f->body, "", 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L); /* send ".." as written */
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, f);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	if (method && !strcmp(method, "HEAD"))
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (method)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &f->code);
	curl_easy_cleanup(c);
}

static int
raw_socket(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
assert_serves(int port, const char *token)
{
	char path[64];
	struct fetched f;
	snprintf(path, sizeof(path), "/p/%s.jpg", token);
	fetch(port, path, NULL, &f);
	assert_int_equal(f.code, 200);
	assert_string_equal(f.body.data, "the guest's JPEG");
	pb_buf_fini(&f.body);
}

static void
test_gallery(void **state)
{
	char *tmp = make_tmpdir(), tok[PB_TOKEN_LEN + 1], old[PB_TOKEN_LEN + 1], why[256];
	struct fetched f;
	(void)state;
	char *dir = session_with_photo(tmp, "20261122-101010-0a0b0c0d", "the guest's JPEG");
	free(dir);
	assert_int_equal(pb_share_token(tok), PB_OK);
	assert_int_equal(pb_share_token(old), PB_OK);
	assert_int_equal(
		pb_share_link_write(tmp, tok, "20261122-101010-0a0b0c0d", time(NULL) + 3600, NULL),
		PB_OK);
	assert_int_equal(
		pb_share_link_write(tmp, old, "20261122-101010-0a0b0c0d", time(NULL) - 1, NULL),
		PB_OK);

	struct pb_gallery_config bad = { .listen = "8080", .data_dir = tmp };
	assert_null(pb_gallery_start(&bad, why, sizeof(why)));
	assert_non_null(strstr(why, "not ADDRESS:PORT"));
	struct pb_gallery_config cfg = { .listen = "127.0.0.1:0",
					 .data_dir = tmp,
					 .title = "re:Play <Closing> & \"Party\"",
					 .idle_timeout_s = 1 }; /* default connection limits */
	struct pb_gallery *g = pb_gallery_start(&cfg, why, sizeof(why));
	assert_non_null(g);
	int port = pb_gallery_port(g);
	assert_true(port > 0);

	/* the page: the photo, a download link, the title escaped */
	char path[128];
	snprintf(path, sizeof(path), "/p/%s", tok);
	fetch(port, path, NULL, &f);
	assert_int_equal(f.code, 200);
	assert_non_null(strstr(f.type, "text/html"));
	assert_non_null(strstr(f.body.data, "name=viewport"));
	assert_non_null(strstr(f.body.data, "re:Play &lt;Closing&gt; &amp; &quot;Party&quot;"));
	assert_null(strstr(f.body.data, "<Closing>"));
	assert_null(strstr(f.body.data, "<script"));
	char img[64];
	snprintf(img, sizeof(img), "href=\"%s.jpg\" download", tok);
	assert_non_null(strstr(f.body.data, img));
	pb_buf_fini(&f.body);
	/* the photo, as a download */
	snprintf(path, sizeof(path), "/p/%s.jpg", tok);
	fetch(port, path, NULL, &f);
	assert_int_equal(f.code, 200);
	assert_string_equal(f.type, "image/jpeg");
	assert_non_null(strstr(f.disposition, "attachment"));
	assert_string_equal(f.body.data, "the guest's JPEG");
	pb_buf_fini(&f.body);

	/* everything else is 404, and says nothing about why */
	char overlong[3000];
	memset(overlong, 'a', sizeof(overlong) - 1);
	overlong[0] = '/';
	overlong[sizeof(overlong) - 1] = '\0';
	char wrong[64], expired[64], shortened[64];
	snprintf(wrong, sizeof(wrong), "/p/%c%s", tok[0] == 'A' ? 'B' : 'A', tok + 1);
	snprintf(expired, sizeof(expired), "/p/%s", old);
	snprintf(shortened, sizeof(shortened), "/p/%.*s", PB_TOKEN_LEN - 1, tok);
	const char *hostile[] = {
		"/",
		"/p/",
		"/links/",
		"/sessions/",
		"/p/../links",
		"/p/../../etc/passwd",
		"/p/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"/p/..%2flinks",
		"/p%2f..%2f..%2fetc",
		wrong,
		expired,
		shortened,
		overlong,
		"/p/AAAAAAAAAAAAAAAAAAAAAA.jpg/..",
	};
	for (unsigned i = 0; i < sizeof(hostile) / sizeof(*hostile); i++) {
		fetch(port, hostile[i], NULL, &f);
		/* an overlong request line may be refused before routing (414) */
		assert_true(f.code == 404 || (hostile[i] == overlong && f.code == 414));
		assert_null(strstr(f.body.data, "the guest's JPEG"));
		pb_buf_fini(&f.body);
	}
	fetch(port, path, "POST", &f);
	assert_int_equal(f.code, 405);
	pb_buf_fini(&f.body);
	fetch(port, path, "HEAD", &f);
	assert_int_equal(f.code, 200);
	pb_buf_fini(&f.body);
	assert_serves(port, tok);

	/* slowloris: half a request line, then silence. It is dropped after the idle timeout
	 * while good requests go on being served. */
	int slow = raw_socket(port);
	assert_true(slow >= 0);
	assert_int_equal(write(slow, "GET /p/", 7), 7);
	assert_serves(port, tok);
	struct pollfd pfd = { slow, POLLIN, 0 };
	assert_int_equal(poll(&pfd, 1, 5000), 1); /* closed by the server */
	char buf[16];
	assert_true(read(slow, buf, sizeof(buf)) <= 0);
	close(slow);

	/* 1000 connections at once, none saying anything: past the limits they are refused,
	 * and once they are gone the guests are served again */
	static int fds[1000];
	int open_fds = 0;
	for (int i = 0; i < 1000; i++) {
		fds[i] = raw_socket(port);
		if (fds[i] >= 0)
			open_fds++;
	}
	assert_true(open_fds >= 900); /* the process's file limit may cut a few */
	for (int i = 0; i < 1000; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	/* the server notices the closes on its own threads: give it a moment (a busy CI
	 * machine once took longer than the next request) */
	for (int tries = 0; tries < 100; tries++) {
		char p[64];
		snprintf(p, sizeof(p), "/p/%s.jpg", tok);
		fetch(port, p, NULL, &f);
		pb_buf_fini(&f.body);
		if (f.code == 200)
			break;
		usleep(20000);
	}
	assert_serves(port, tok);

	pb_gallery_stop(g);
	rm_tree(tmp);
	free(tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),		 cmocka_unit_test(test_links),
		cmocka_unit_test(test_purge_stale_temp), cmocka_unit_test(test_any_link),
		cmocka_unit_test(test_gallery),
	};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
