/* trace.c - a session's stages as JSON and as a log line (trace.h). Plain functions. */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "trace.h"

void
pb_trace_clear(struct pb_trace *t)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < PB_MAX_SLOTS; i++)
		t->shot[i] = (struct pb_trace_shot){ -1, -1, -1, -1, -1 };
	t->compose_us = t->encode_us = t->write_us = t->review_us = t->total_us = -1;
}

void
pb_trace_json(const struct pb_trace *t, const char *key, struct pb_buf *out)
{
	pb_json_open(out, key);
	pb_json_array(out, "shots");
	for (int i = 0; i < t->shots && i < PB_MAX_SLOTS; i++) {
		const struct pb_trace_shot *s = &t->shot[i];
		pb_json_open(out, NULL);
		pb_json_ms(out, "shutter_ms", s->shutter_us);
		pb_json_ms(out, "capture_ms", s->capture_us);
		pb_json_ms(out, "download_ms", s->download_us);
		pb_json_ms(out, "save_ms", s->save_us);
		pb_json_ms(out, "decode_ms", s->decode_us);
		pb_json_close(out);
	}
	pb_json_close(out);
	pb_json_ms(out, "compose_ms", t->compose_us);
	pb_json_ms(out, "encode_ms", t->encode_us);
	pb_json_ms(out, "write_ms", t->write_us);
	pb_json_ms(out, "review_frame_ms", t->review_us);
	pb_json_ms(out, "capture_to_review_ms", t->total_us);
	pb_json_ms(out, "software_ms", pb_trace_software_us(t));
	pb_json_close(out);
}

/* " name 12.3" for a stage that ran, nothing for one that did not. */
static size_t
stage(char *out, size_t n, size_t at, const char *name, int64_t us)
{
	if (us < 0 || at >= n)
		return at;
	int64_t tenths = (us + 50) / 100; /* rounded, as in the JSON */
	int k = snprintf(out + at, n - at, " %s %lld.%lld", name, (long long)(tenths / 10),
			 (long long)(tenths % 10));
	return k < 0 ? at : at + (size_t)k;
}

void
pb_trace_line(const struct pb_trace *t, char *out, size_t n)
{
	size_t at = 0;
	if (!n)
		return;
	out[0] = '\0';
	for (int i = 0; i < t->shots && i < PB_MAX_SLOTS; i++) {
		const struct pb_trace_shot *s = &t->shot[i];
		if (at < n) {
			int k = snprintf(out + at, n - at, "%sshot %d:", i ? "; " : "", i + 1);
			at = k < 0 ? at : at + (size_t)k;
		}
		at = stage(out, n, at, "shutter", s->shutter_us);
		at = stage(out, n, at, "capture", s->capture_us);
		at = stage(out, n, at, "download", s->download_us);
		at = stage(out, n, at, "save", s->save_us);
		at = stage(out, n, at, "decode", s->decode_us);
	}
	if (at < n) {
		int k = snprintf(out + at, n - at, "%s", t->shots ? ";" : "");
		at = k < 0 ? at : at + (size_t)k;
	}
	at = stage(out, n, at, "compose", t->compose_us);
	at = stage(out, n, at, "encode", t->encode_us);
	at = stage(out, n, at, "write", t->write_us);
	at = stage(out, n, at, "review-frame", t->review_us);
	at = stage(out, n, at, "total", t->total_us);
	stage(out, n, at, "software", pb_trace_software_us(t));
	if (at < n)
		snprintf(out + strlen(out), n - strlen(out), " ms");
}

int64_t
pb_trace_software_us(const struct pb_trace *t)
{
	if (t->total_us < 0)
		return -1;
	int64_t camera = 0;
	if (t->shots > 0) {
		const struct pb_trace_shot *s = &t->shot[t->shots - 1];
		camera = (s->capture_us > 0 ? s->capture_us : 0) +
			 (s->download_us > 0 ? s->download_us : 0);
	}
	int64_t sw = t->total_us - camera;
	return sw < 0 ? 0 : sw;
}
