/* webhook.c - the webhook channel (webhook.h): a send queue whose backend is one signed
 * POST with libcurl. Owns the secret and the queue; the POSTs run on the queue's thread. */
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "log.h"
#include "mem.h"
#include "webhook.h"

struct pb_webhook {
	char *url;
	char *secret;
	long timeout_s;
	struct pb_sendq *q;
};

void
pb_webhook_sign(const char *key, const void *body, size_t len, char out[72])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	static const char hex[] = "0123456789abcdef";
	HMAC(EVP_sha256(), key, (int)strlen(key), body, len, md, &n);
	memcpy(out, "sha256=", 7);
	for (unsigned i = 0; i < n && i < 32; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[8 + 2 * i] = hex[md[i] & 15];
	}
	out[7 + 2 * (n < 32 ? n : 32)] = '\0';
}

enum pb_send_result
pb_webhook_outcome(long http, int transport_failed, int connected)
{
	if (http >= 200 && http < 300 && !transport_failed)
		return PB_SEND_OK;
	if (!http)
		return connected ? PB_SEND_RETRY : PB_SEND_BLOCKED;
	if (http == 401 || http == 403)
		return PB_SEND_BLOCKED;
	if (http == 408 || http == 429 || http >= 500)
		return PB_SEND_RETRY;
	return transport_failed && http >= 200 && http < 300 ? PB_SEND_RETRY : PB_SEND_DEAD;
}

static size_t
discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p, (void)ctx;
	return size * n;
}

static enum pb_send_result
post(void *ctx, const char *id, const char *body, size_t len, char *why, size_t n)
{
	struct pb_webhook *w = ctx;
	char sig[72], curlerr[CURL_ERROR_SIZE] = "";
	char *h_sig, *h_id;
	struct curl_slist *h = NULL;
	long http = 0, connect = 0;
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(why, n, "cannot start a transfer (out of memory)");
		return PB_SEND_RETRY;
	}
	pb_webhook_sign(w->secret, body, len, sig);
	h_sig = pb_xasprintf("X-Photobooth-Signature: %s", sig);
	h_id = pb_xasprintf("X-Photobooth-Delivery: %s", id);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, h_sig);
	h = curl_slist_append(h, h_id);
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, w->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, w->timeout_s);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curlerr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "photobooth-webhook");
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http);
	curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connect);
	int connected = rc != CURLE_COULDNT_CONNECT && rc != CURLE_COULDNT_RESOLVE_HOST &&
			rc != CURLE_COULDNT_RESOLVE_PROXY &&
			!(rc == CURLE_OPERATION_TIMEDOUT && !connect);
	enum pb_send_result r = pb_webhook_outcome(http, rc != CURLE_OK, connected);
	if (r != PB_SEND_OK) {
		if (rc != CURLE_OK)
			snprintf(why, n, "%s", curlerr[0] ? curlerr : curl_easy_strerror(rc));
		else
			snprintf(why, n, "the receiver answered %ld%s", http,
				 http >= 300 && http < 400 ? " (redirects are not followed)" : "");
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(h_sig);
	free(h_id);
	return r;
}

struct pb_webhook *
pb_webhook_create(const struct pb_webhook_config *cfg, char *why, size_t n)
{
	char *secret;
	enum pb_status st = pb_file_read_secret(cfg->secret_file, &secret);
	if (st != PB_OK) {
		snprintf(why, n, "[webhook] secret_file %s: %s", cfg->secret_file,
			 st == PB_ERR_INPUT ? "its first line is empty" : "cannot read it");
		return NULL;
	}
	struct pb_webhook *w = pb_xcalloc(1, sizeof(*w));
	w->secret = secret;
	w->url = pb_xstrdup(cfg->url);
	w->timeout_s = cfg->timeout_s > 0 ? cfg->timeout_s : 10;
	struct pb_sendq_config qc = { .name = "webhook",
				      .dir = cfg->dir,
				      .send = post,
				      .ctx = w,
				      .retry_first_s = cfg->retry_first_s,
				      .retry_max_s = cfg->retry_max_s };
	w->q = pb_sendq_open(&qc, why, n);
	if (!w->q) {
		pb_webhook_destroy(w);
		return NULL;
	}
	pb_info("webhook: each finished session is posted to %s, signed", w->url);
	return w;
}

void
pb_webhook_destroy(struct pb_webhook *w)
{
	if (!w)
		return;
	pb_sendq_close(w->q);
	if (w->secret)
		explicit_bzero(w->secret, strlen(w->secret));
	free(w->secret);
	free(w->url);
	free(w);
}

enum pb_status
pb_webhook_post(struct pb_webhook *w, const char *json, size_t len)
{
	return pb_sendq_add(w->q, json, len, NULL);
}

struct pb_sendq *
pb_webhook_queue(struct pb_webhook *w)
{
	return w->q;
}
