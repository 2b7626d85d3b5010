/* s3.h - requests to an S3-compatible object store (AWS S3, Ceph, Swift's s3api, MinIO),
 * signed with AWS Signature V4 by libcurl (CURLOPT_AWS_SIGV4). Every request carries
 * x-amz-content-sha256 with its body's SHA-256, which real stores require and check.
 *
 * Each call is one blocking HTTP request with one deadline for all of it: timeout_s (30 s by
 * default) plus 1 s per 64 kB it uploads, so a store that drips its answer cannot hold the
 * caller's thread (connect 5 s, and given up sooner when it moves under 1 kB/s for 15 s);
 * redirects are never followed. The caller owns the thread. No shared state: any thread, one call
 * at a time per struct pb_s3_result. */
#ifndef PB_S3_H
#define PB_S3_H

#include <stddef.h>
#include "buf.h"

struct pb_s3 {
	const char *endpoint; /* http(s)://host[:port], no trailing slash */
	const char *region;   /* us-east-1 */
	const char *bucket;
	const char *access_key; /* may hold a colon (Swift's tempauth: account:user) */
	const char *secret;
	int path_style;		  /* 1: ENDPOINT/BUCKET/KEY; 0: BUCKET.HOST/KEY */
	int (*cancelled)(void *); /* NULL, or nonzero to cut a request short */
	void *cancelled_ctx;
	int timeout_s; /* the whole request's deadline before its upload's share; 0: 30 s */
};

/* What a failed request means for the caller's queue. */
enum pb_s3_outcome {
	PB_S3_OK,
	PB_S3_AWAY,   /* no answer, a 5xx, throttling (503, 429, SlowDown), a request past its
		       * deadline, 307 TemporaryRedirect (a new bucket's DNS settling): later */
	PB_S3_STORE,  /* the store refuses this booth (wrong key or secret, no such bucket,
		       * access denied): every request will fail the same way until staff fix it */
	PB_S3_OBJECT, /* this request is refused for good (another 4xx) */
};

struct pb_s3_result {
	long http;	 /* the HTTP status; 0 when there was no answer */
	char code[64];	 /* the store's error <Code>, "" when none */
	char error[320]; /* for staff, in the store's words: "403 SignatureDoesNotMatch: ..."
			  * or the transfer's failure; "" on success */
	long skew_s;	 /* RequestTimeTooSkewed: the booth's clock minus the store's (from its
			  * <ServerTime> or Date), in seconds; 0 otherwise */
};

/* key: the object's key, characters [A-Za-z0-9._/-] only (PB_S3_OBJECT otherwise). */
enum pb_s3_outcome pb_s3_put(const struct pb_s3 *s, const char *key, const void *body, size_t len,
			     const char *content_type, const char *cache_control,
			     struct pb_s3_result *r);

/* The object into out (at most max bytes; more is PB_S3_OBJECT). A missing object is
 * PB_S3_OBJECT with http 404. */
enum pb_s3_outcome pb_s3_get(const struct pb_s3 *s, const char *key, struct pb_buf *out, size_t max,
			     struct pb_s3_result *r);

/* Deletes the object; one already gone is PB_S3_OK. */
enum pb_s3_outcome pb_s3_delete(const struct pb_s3 *s, const char *key, struct pb_s3_result *r);

/* Calls fn for the key of every object under prefix (ListObjectsV2, page by page). */
enum pb_s3_outcome pb_s3_list(const struct pb_s3 *s, const char *prefix,
			      void (*fn)(void *ctx, const char *key), void *ctx,
			      struct pb_s3_result *r);

/* The SHA-256 of data as 64 lowercase hex digits. */
void pb_s3_sha256_hex(const void *data, size_t len, char out[65]);

#endif
