/* s3.c - signed requests to an S3-compatible store (s3.h): libcurl does the transfer and the
 * AWS Signature V4, libcrypto the payload's SHA-256. Blocking; the caller's thread. */
#define _XOPEN_SOURCE 700 /* strptime */
#include <curl/curl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "s3.h"

#define ERROR_BODY_MAX (64u << 10)
#define LIST_MAX (4u << 20)

static const char key_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-";

void
pb_s3_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

struct req {
	const char *method;
	const char *key;   /* "" for the bucket */
	const char *query; /* "" or "?a=b&c=d", names sorted (the signature needs them so) */
	const void *body;
	size_t len, sent;
	const char *content_type, *cache_control;
	struct pb_buf *out;
	size_t max;
	int too_big;
};

static size_t
read_body(char *p, size_t size, size_t n, void *ctx)
{
	struct req *q = ctx;
	size_t left = q->len - q->sent, take = size * n < left ? size * n : left;
	memcpy(p, (const char *)q->body + q->sent, take);
	q->sent += take;
	return take;
}

static size_t
write_body(char *p, size_t size, size_t n, void *ctx)
{
	struct req *q = ctx;
	if (q->out->len + size * n > q->max) {
		q->too_big = 1;
		return 0;
	}
	pb_buf_append(q->out, p, size * n);
	return size * n;
}

static int
progress(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	const struct pb_s3 *s = ctx;
	(void)dt, (void)dn, (void)ut, (void)un;
	return s->cancelled && s->cancelled(s->cancelled_ctx);
}

static char *
url_of(const struct pb_s3 *s, const char *key, const char *query)
{
	const char *host = strstr(s->endpoint, "://");
	if (s->path_style || !host)
		return pb_xasprintf("%s/%s/%s%s", s->endpoint, s->bucket, key, query);
	return pb_xasprintf("%.*s://%s.%s/%s%s", (int)(host - s->endpoint), s->endpoint, s->bucket,
			    host + 3, key, query);
}

/* The text of the first <tag>...</tag> in xml, into out. */
static void
xml_text(const char *xml, const char *tag, char *out, size_t n)
{
	char open[48], close[48];
	const char *a, *b;
	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	out[0] = '\0';
	if (!xml || !(a = strstr(xml, open)) || !(b = strstr(a += strlen(open), close)))
		return;
	snprintf(out, n, "%.*s", (int)(b - a), a);
}

/* The store's clock: <ServerTime> (2026-12-06T23:00:00Z, maybe with .000), else the Date
 * header (Sun, 06 Dec 2026 23:00:00 GMT). 0 when neither says. */
static time_t
store_time(CURL *c, const char *body)
{
	char iso[64];
	struct tm tm;
	struct curl_header *h = NULL;

	xml_text(body, "ServerTime", iso, sizeof(iso));
	memset(&tm, 0, sizeof(tm));
	if (iso[0] && strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm))
		return timegm(&tm);
	memset(&tm, 0, sizeof(tm));
	if (curl_easy_header(c, "Date", 0, CURLH_HEADER, -1, &h) == CURLHE_OK && h->value &&
	    strptime(h->value, "%a, %d %b %Y %H:%M:%S", &tm))
		return timegm(&tm);
	return 0;
}

/* "the booth's clock is 31 minutes ahead of the store's" */
static void
skew_words(long skew, char *out, size_t n)
{
	long a = skew < 0 ? -skew : skew;
	if (a >= 5400)
		snprintf(out, n, "%ld hours", (a + 1800) / 3600);
	else if (a >= 60)
		snprintf(out, n, "%ld minute%s", (a + 30) / 60, (a + 30) / 60 == 1 ? "" : "s");
	else
		snprintf(out, n, "%ld seconds", a);
}

static enum pb_s3_outcome
classify(const char *method, long http, const char *code)
{
	static const char *const store_codes[] = {
		"InvalidAccessKeyId",
		"SignatureDoesNotMatch",
		"AccessDenied",
		"NoSuchBucket",
		"AllAccessDisabled",
		"AccountProblem",
		"RequestTimeTooSkewed",
		"InvalidBucketName",
		"AuthorizationHeaderMalformed",
		"PermanentRedirect",
		NULL,
	};
	if (http >= 200 && http < 300)
		return PB_S3_OK;
	for (int i = 0; store_codes[i]; i++)
		if (!strcmp(code, store_codes[i]))
			return PB_S3_STORE;
	if (http == 404 && !strcmp(method, "DELETE"))
		return PB_S3_OK;
	/* 307 TemporaryRedirect: AWS's answer while a new bucket's name spreads in DNS; the
	 * redirect is not followed (the signature is for this host), the request is redone */
	if (http >= 500 || http == 429 || http == 408 || http == 307 || !strcmp(code, "SlowDown") ||
	    !strcmp(code, "RequestTimeout") || !strcmp(code, "TemporaryRedirect"))
		return PB_S3_AWAY;
	if (http == 401 || http == 403 || http == 301)
		return PB_S3_STORE;
	return PB_S3_OBJECT;
}

static enum pb_s3_outcome
request(const struct pb_s3 *s, struct req *q, struct pb_s3_result *r)
{
	char sigv4[96], hash[65], hdr[128], curlerr[CURL_ERROR_SIZE] = "";
	struct curl_slist *h = NULL;
	struct pb_buf scratch;
	enum pb_s3_outcome out;
	CURLcode res;
	CURL *c;
	char *url;

	memset(r, 0, sizeof(*r));
	if (strspn(q->key, key_chars) != strlen(q->key) || q->key[0] == '/') {
		snprintf(r->error, sizeof(r->error), "key %s: not a key this booth writes", q->key);
		return PB_S3_OBJECT;
	}
	if (!(c = curl_easy_init())) {
		snprintf(r->error, sizeof(r->error), "no memory for a request");
		return PB_S3_AWAY;
	}
	pb_buf_init(&scratch);
	if (!q->out) {
		q->out = &scratch;
		q->max = ERROR_BODY_MAX;
	}
	pb_s3_sha256_hex(q->body ? q->body : "", q->len, hash);
	snprintf(hdr, sizeof(hdr), "x-amz-content-sha256: %s", hash);
	h = curl_slist_append(h, hdr);
	if (q->content_type) {
		snprintf(hdr, sizeof(hdr), "Content-Type: %s", q->content_type);
		h = curl_slist_append(h, hdr);
	}
	if (q->cache_control) {
		snprintf(hdr, sizeof(hdr), "Cache-Control: %s", q->cache_control);
		h = curl_slist_append(h, hdr);
	}
	snprintf(sigv4, sizeof(sigv4), "aws:amz:%s:s3", s->region);
	url = url_of(s, q->key, q->query);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4);
	curl_easy_setopt(c, CURLOPT_USERNAME, s->access_key);
	curl_easy_setopt(c, CURLOPT_PASSWORD, s->secret);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 15L);
	/* one deadline for the whole request: a trickle just over the low-speed limit would
	 * otherwise hold the thread for as long as the store likes */
	curl_easy_setopt(c, CURLOPT_TIMEOUT,
			 (long)(s->timeout_s > 0 ? s->timeout_s : 30) + (long)(q->len >> 16));
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curlerr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, q);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)s);
	if (!strcmp(q->method, "PUT")) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, read_body);
		curl_easy_setopt(c, CURLOPT_READDATA, q);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)q->len);
	} else if (strcmp(q->method, "GET")) {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
		if (!strcmp(q->method, "DELETE"))
			curl_easy_setopt(c, CURLOPT_NOBODY, 0L);
	}
	res = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->http);
	if (q->too_big) {
		snprintf(r->error, sizeof(r->error), "%s %s: the answer is over %zu bytes",
			 q->method, q->key, q->max);
		out = PB_S3_OBJECT;
	} else if (res != CURLE_OK) {
		r->http = 0;
		snprintf(r->error, sizeof(r->error), "%s",
			 curlerr[0] ? curlerr : curl_easy_strerror(res));
		out = PB_S3_AWAY;
	} else {
		char message[200];
		const char *body = q->out->len ? q->out->data : NULL;
		if (r->http < 200 || r->http >= 300) {
			xml_text(body, "Code", r->code, sizeof(r->code));
			xml_text(body, "Message", message, sizeof(message));
			snprintf(r->error, sizeof(r->error), "%ld %s%s%s", r->http,
				 r->code[0] ? r->code : "", r->code[0] && message[0] ? ": " : "",
				 message);
			time_t theirs =
				!strcmp(r->code, "RequestTimeTooSkewed") ? store_time(c, body) : 0;
			if (theirs > 0) {
				char by[32];
				r->skew_s = (long)(time(NULL) - theirs);
				skew_words(r->skew_s, by, sizeof(by));
				/* the signature is fine: the booth's clock is not */
				snprintf(r->error, sizeof(r->error),
					 "%ld RequestTimeTooSkewed: the booth's clock is %s %s the "
					 "store's: check NTP (timedatectl status)",
					 r->http, by, r->skew_s > 0 ? "ahead of" : "behind");
			} else if (!strcmp(r->code, "RequestTimeTooSkewed")) {
				snprintf(
					r->error, sizeof(r->error),
					"%ld RequestTimeTooSkewed: the booth's clock is off: check "
					"NTP (timedatectl status)",
					r->http);
			}
		}
		out = classify(q->method, r->http, r->code);
	}
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	pb_buf_fini(&scratch);
	free(url);
	return out;
}

enum pb_s3_outcome
pb_s3_put(const struct pb_s3 *s, const char *key, const void *body, size_t len,
	  const char *content_type, const char *cache_control, struct pb_s3_result *r)
{
	struct req q = { "PUT", key, "", body, len, 0, content_type, cache_control, NULL, 0, 0 };
	if (!key[0]) {
		memset(r, 0, sizeof(*r));
		snprintf(r->error, sizeof(r->error), "an object needs a key");
		return PB_S3_OBJECT;
	}
	return request(s, &q, r);
}

enum pb_s3_outcome
pb_s3_get(const struct pb_s3 *s, const char *key, struct pb_buf *out, size_t max,
	  struct pb_s3_result *r)
{
	struct req q = { "GET", key, "", NULL, 0, 0, NULL, NULL, out, max, 0 };
	size_t start = out->len;
	enum pb_s3_outcome o = request(s, &q, r);
	if (o != PB_S3_OK) {
		out->len = start; /* no error page where the object was asked for */
		if (out->data)
			out->data[start] = '\0';
	}
	return o;
}

enum pb_s3_outcome
pb_s3_delete(const struct pb_s3 *s, const char *key, struct pb_s3_result *r)
{
	struct req q = { "DELETE", key, "", NULL, 0, 0, NULL, NULL, NULL, 0, 0 };
	return request(s, &q, r);
}

enum pb_s3_outcome
pb_s3_list(const struct pb_s3 *s, const char *prefix, void (*fn)(void *ctx, const char *key),
	   void *ctx, struct pb_s3_result *r)
{
	char token[1024] = "", truncated[8];
	enum pb_s3_outcome o;

	for (int page = 0; page < 100; page++) {
		struct pb_buf xml;
		CURL *esc = curl_easy_init();
		char *p = esc ? curl_easy_escape(esc, prefix, 0) : NULL;
		char *t = esc ? curl_easy_escape(esc, token, 0) : NULL;
		char *query;
		if (!p || !t) {
			curl_free(p);
			curl_free(t);
			curl_easy_cleanup(esc);
			snprintf(r->error, sizeof(r->error), "no memory for a request");
			return PB_S3_AWAY;
		}
		/* names in order: the canonical request of Signature V4 sorts them */
		query = token[0]
				? pb_xasprintf("?continuation-token=%s&list-type=2&prefix=%s", t, p)
				: pb_xasprintf("?list-type=2&prefix=%s", p);
		curl_free(p);
		curl_free(t);
		curl_easy_cleanup(esc);
		pb_buf_init(&xml);
		struct req q = { "GET", "", query, NULL, 0, 0, NULL, NULL, &xml, LIST_MAX, 0 };
		o = request(s, &q, r);
		free(query);
		if (o == PB_S3_OK) {
			const char *at = xml.data ? xml.data : "";
			char key[1024];
			while ((at = strstr(at, "<Key>"))) {
				xml_text(at, "Key", key, sizeof(key));
				fn(ctx, key);
				at += 5;
			}
			xml_text(xml.data, "IsTruncated", truncated, sizeof(truncated));
			xml_text(xml.data, "NextContinuationToken", token, sizeof(token));
		}
		pb_buf_fini(&xml);
		if (o != PB_S3_OK || strcmp(truncated, "true") || !token[0])
			return o;
	}
	return PB_S3_OK;
}
