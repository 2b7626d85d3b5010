#include <stdio.h>
#include <string.h>

#include "json.h"
#include "printer.h"

const char *
pb_printer_state_name(enum pb_printer_state s)
{
	static const char *const names[] = {
		[PB_PRINTER_UNKNOWN] = "unknown",   [PB_PRINTER_IDLE] = "idle",
		[PB_PRINTER_PRINTING] = "printing", [PB_PRINTER_STOPPED] = "stopped",
		[PB_PRINTER_MISSING] = "missing",   [PB_PRINTER_UNREACHABLE] = "unreachable",
		[PB_PRINTER_OFFLINE] = "offline",
	};
	return (unsigned)s <= PB_PRINTER_OFFLINE ? names[s] : "unknown";
}

void
pb_printer_health_json(const struct pb_printer_health *h, struct pb_buf *out)
{
	char reasons[sizeof(h->reasons)];
	char *save = NULL;

	pb_json_open(out, "printer");
	pb_json_str(out, "queue", h->queue);
	pb_json_str(out, "state", pb_printer_state_name(h->state));
	pb_json_array(out, "reasons");
	memcpy(reasons, h->reasons, sizeof(reasons));
	for (char *r = strtok_r(reasons, ",", &save); r; r = strtok_r(NULL, ",", &save))
		pb_json_str(out, NULL, r);
	pb_json_close(out);
	pb_json_str(out, "message", h->message);
	pb_json_bool(out, "ready", h->ready);
	pb_json_bool(out, "accepting", h->accepting);
	pb_json_int(out, "pending", h->pending);
	pb_json_int(out, "held", h->held);
	pb_json_int(out, "prints_remaining", h->prints_remaining);
	pb_json_bool(out, "paper_low", h->paper_low);
	pb_json_int(out, "seconds_per_print", (int64_t)(h->seconds_per_print + 0.5));
	pb_json_int(out, "completed", h->completed);
	pb_json_int(out, "submitted", h->submitted);
	pb_json_int(out, "resubmitted", h->resubmitted);
	pb_json_int(out, "canceled", h->canceled);
	pb_json_int(out, "failed", h->failed);
	pb_json_int(out, "refused", h->refused);
	pb_json_int(out, "unconfirmed", h->unconfirmed);
	pb_json_int(out, "refusals_total", h->refusals_total);
	pb_json_int(out, "unconfirmed_total", h->unconfirmed_total);
	pb_json_array(out, "held_prints");
	for (int i = 0; i < h->nheld_prints; i++) {
		const struct pb_printer_held *e = &h->held_prints[i];
		pb_json_open(out, NULL);
		pb_json_int(out, "job", e->job);
		pb_json_str(out, "id", e->id);
		pb_json_str(out, "state", e->unconfirmed ? "unconfirmed" : "refused");
		pb_json_str(out, "words", e->words);
		pb_json_close(out);
	}
	pb_json_close(out);
	pb_json_int(out, "last_submit_ms", h->last_submit_ms);
	pb_json_str(out, "last_action", h->last_action);
	pb_json_array(out, "jobs");
	for (int i = 0; i < h->njobs; i++)
		pb_json_int(out, NULL, h->jobs[i]);
	pb_json_close(out);
	pb_json_close(out);
}

int
pb_printer_reason_blocks(const char *reason)
{
	static const char *const stops[] = {
		"media-empty",	      "media-needed",	  "media-jam",	"marker-supply-empty",
		"toner-empty",	      "door-open",	  "cover-open", "interlock-open",
		"input-tray-missing", "output-area-full", "paused",	"shutdown",
		"spool-area-full",    "offline",	  NULL,
	};
	char word[128];
	size_t n = strlen(reason);
	int severity_error = 1;

	if (!strcmp(reason, "none") || n >= sizeof(word))
		return 0;
	memcpy(word, reason, n + 1);
	/* RFC 8011: a reason may end in -error, -warning or -report */
	if (n > 6 && !strcmp(word + n - 6, "-error")) {
		word[n - 6] = '\0';
	} else if (n > 8 && !strcmp(word + n - 8, "-warning")) {
		word[n - 8] = '\0';
		severity_error = 0;
	} else if (n > 7 && !strcmp(word + n - 7, "-report")) {
		word[n - 7] = '\0';
		severity_error = 0;
	}
	/* CUPS says "offline-report" for a printer its backend cannot reach: that stops prints */
	if (!strcmp(word, "offline"))
		return 1;
	for (int i = 0; stops[i]; i++)
		if (!strcmp(word, stops[i]))
			return severity_error;
	return severity_error && n > 6 && !strcmp(reason + n - 6, "-error");
}

/* What to do about the most pressing printer-state-reason, for staff. NULL for none. */
const char *
pb_printer_reason_words(const char *reasons)
{
	static const struct {
		const char *reason, *words;
	} table[] = {
		{ "media-empty", "out of paper: load paper (and ribbon), then resume" },
		{ "media-needed", "out of paper: load paper (and ribbon), then resume" },
		{ "marker-supply-empty", "the ribbon or ink is used up: replace it, then resume" },
		{ "media-jam", "paper jam: clear it, then resume" },
		{ "door-open", "a door is open: close it, then resume" },
		{ "cover-open", "a cover is open: close it, then resume" },
		{ "input-tray-missing", "the paper tray is out: put it back, then resume" },
		{ "output-area-full", "the output tray is full: empty it, then resume" },
		{ "offline", "the printer is offline: check its power and cable" },
		{ "paused", "the queue is stopped: resume it once the printer is fine" },
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(*table); i++)
		if (strstr(reasons, table[i].reason))
			return table[i].words;
	return NULL;
}
