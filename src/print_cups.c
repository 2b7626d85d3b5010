/* print_cups.c - the print queue's conversation with CUPS over IPP: the queue's state, sending
 * spooled prints, following them to completion, staff's resume and cancel. Print thread only;
 * blocks on CUPS (see print_priv.h). */
#include <cups/cups.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "log.h"
#include "mem.h"
#include "print_priv.h"

/* What CUPS' IPP backend adds to the printer's reasons when the printer no longer knows a job
 * it was printing (it restarted): CUPS then completes the job. The reason stays on the queue
 * afterwards, so only a job sent before it appeared can tell. */
#define MISSING_HISTORY "cups-ipp-missing-job-history"

/* IPP plumbing */

static ipp_t *
new_request(ipp_op_t op, const char *resource_kind, const char *name, int id)
{
	char uri[HTTP_MAX_URI];
	ipp_t *req = ippNewRequest(op);

	if (id > 0) {
		httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof(uri), "ipp", NULL, "localhost", 0,
				 "/jobs/%d", id);
		ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", NULL, uri);
	} else {
		httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof(uri), "ipp", NULL, "localhost", 0,
				 "/%s/%s", resource_kind, name);
		ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
	}
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
		     cupsUser());
	return req;
}

/* The connection broke or the server went away: start over next cycle. */
static int
transport_error(ipp_status_t st)
{
	return st == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE || st == IPP_STATUS_ERROR_INTERNAL ||
	       st == IPP_STATUS_ERROR_CUPS_AUTHENTICATION_CANCELED;
}

void
pb_print_disconnect(struct pb_print *p)
{
	if (p->http)
		httpClose(p->http);
	p->http = NULL;
}

static int
connect_cups(struct pb_print *p)
{
	if (p->http)
		return 1;
	p->http = httpConnect2(cupsServer(), ippPort(), NULL, AF_UNSPEC, cupsEncryption(), 1, 5000,
			       NULL);
	if (!p->http) {
		p->h.state = PB_PRINTER_UNREACHABLE;
		/* libcups keeps no reason for a failed connect worth showing */
		snprintf(p->h.message, sizeof(p->h.message),
			 "cannot reach CUPS at %s: nothing answers there (is cupsd running?)",
			 cupsServer());
		return 0;
	}
	/* a hung cupsd must not hang the print thread for ever */
	httpSetTimeout(p->http, 10.0, NULL, NULL);
	return 1;
}

static void
lost_connection(struct pb_print *p, const char *what)
{
	p->h.state = PB_PRINTER_UNREACHABLE;
	snprintf(p->h.message, sizeof(p->h.message), "CUPS at %s stopped answering (%s): %s",
		 cupsServer(), what, cupsLastErrorString());
	pb_print_disconnect(p);
}

/* Keeps a printer's words for spool.ini and status: one line, no INI comment characters. */
static void
set_words(struct pb_spool_job *j, const char *prefix, const char *words)
{
	size_t n = strlen(prefix) < sizeof(j->words) ? strlen(prefix) : sizeof(j->words) - 1;
	memcpy(j->words, prefix, n);
	j->words[n] = '\0';
	/* cut to fit: the printer's words may be longer than spool.ini keeps */
	size_t w = words ? strnlen(words, sizeof(j->words) - 1 - n) : 0;
	memcpy(j->words + n, words ? words : "", w);
	j->words[n + w] = '\0';
	for (char *c = j->words; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t' || *c == ';' || *c == '#')
			*c = ' ';
}

/* What CUPS' network backends (ipp, socket, lpd) say while they cannot reach the printer,
 * as printer-state-message: no printer-state-reason says so. */
static int
unreachable_words(const char *msg)
{
	static const char *const words[] = {
		"may not exist or is unavailable",
		"is not responding",
		"is unreachable",
		"Unable to locate printer",
		"Connection refused",
		"Host is down",
		"No route to host",
		NULL,
	};
	for (int i = 0; msg && words[i]; i++)
		if (strstr(msg, words[i]))
			return 1;
	return 0;
}

/* The queue: asks CUPS for its state. Returns 0 when the connection failed. */
static int
query_printer(struct pb_print *p)
{
	static const char *const want[] = { "printer-state", "printer-state-reasons",
					    "printer-state-message", "printer-is-accepting-jobs" };
	ipp_t *resp;
	ipp_attribute_t *a;

	if (p->printer[0]) {
		snprintf(p->queue, sizeof(p->queue), "%s", p->printer);
	} else {
		const char *def = cupsGetDefault2(p->http);
		if (!def) {
			if (transport_error(cupsLastError())) {
				lost_connection(p, "default printer");
				return 0;
			}
			p->queue[0] = '\0';
			p->h.state = PB_PRINTER_MISSING;
			snprintf(p->h.message, sizeof(p->h.message),
				 "CUPS has no default printer: set [print] printer or "
				 "lpadmin -d QUEUE");
			return 1;
		}
		snprintf(p->queue, sizeof(p->queue), "%s", def);
	}
	snprintf(p->h.queue, sizeof(p->h.queue), "%s", p->queue);
	ipp_t *req = new_request(IPP_OP_GET_PRINTER_ATTRIBUTES, "printers", p->queue, 0);
	ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
		      (int)(sizeof(want) / sizeof(*want)), NULL, want);
	resp = cupsDoRequest(p->http, req, "/");
	if (!resp || cupsLastError() > IPP_STATUS_OK_CONFLICTING) {
		ipp_status_t st = cupsLastError();
		ippDelete(resp);
		if (transport_error(st) || !resp) {
			lost_connection(p, "printer state");
			return 0;
		}
		p->h.state = PB_PRINTER_MISSING;
		snprintf(p->h.message, sizeof(p->h.message), "no print queue '%s' in CUPS: %s",
			 p->queue, cupsLastErrorString());
		return 1;
	}
	a = ippFindAttribute(resp, "printer-state", IPP_TAG_ENUM);
	switch (a ? ippGetInteger(a, 0) : IPP_PSTATE_IDLE) {
	case IPP_PSTATE_PROCESSING:
		p->h.state = PB_PRINTER_PRINTING;
		break;
	case IPP_PSTATE_STOPPED:
		p->h.state = PB_PRINTER_STOPPED;
		break;
	default:
		p->h.state = PB_PRINTER_IDLE;
	}
	a = ippFindAttribute(resp, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
	p->h.accepting = a ? ippGetBoolean(a, 0) : 1;
	int blocked = 0;
	size_t off = 0;
	a = ippFindAttribute(resp, "printer-state-reasons", IPP_TAG_KEYWORD);
	for (int i = 0; a && i < ippGetCount(a); i++) {
		const char *r = ippGetString(a, i, NULL);
		if (!r || !strcmp(r, "none"))
			continue;
		blocked |= pb_printer_reason_blocks(r);
		int n = snprintf(p->h.reasons + off, sizeof(p->h.reasons) - off, "%s%s",
				 off ? "," : "", r);
		if (n > 0 && (size_t)n < sizeof(p->h.reasons) - off)
			off += (size_t)n;
	}
	a = ippFindAttribute(resp, "printer-state-message", IPP_TAG_TEXT);
	const char *msg = a ? ippGetString(a, 0, NULL) : NULL;
	snprintf(p->printer_words, sizeof(p->printer_words), "%s", msg ? msg : "");
	if (p->h.state == PB_PRINTER_STOPPED || blocked || !p->h.accepting) {
		/* printer-state-message is whatever a filter or backend said last (often a
		 * command line), so the reasons speak first, in words staff act on */
		const char *words = pb_printer_reason_words(p->h.reasons);
		snprintf(p->h.message, sizeof(p->h.message), "%s",
			 words		   ? words
			 : !p->h.accepting ? "the queue is not accepting jobs (cupsaccept)"
			 : msg && *msg	   ? msg
					   : "CUPS stopped the queue");
	}
	p->h.ready = !blocked && p->h.accepting && p->h.state != PB_PRINTER_STOPPED;
	ippDelete(resp);
	return 1;
}

static int
simple_request(struct pb_print *p, ipp_op_t op, int job, const char *what)
{
	ipp_t *req = new_request(op, "printers", p->queue, job);
	ippDelete(cupsDoRequest(p->http, req, "/admin/"));
	ipp_status_t st = cupsLastError();
	if (st > IPP_STATUS_OK_CONFLICTING) {
		int denied = st == IPP_STATUS_ERROR_FORBIDDEN ||
			     st == IPP_STATUS_ERROR_NOT_AUTHORIZED ||
			     st == IPP_STATUS_ERROR_NOT_AUTHENTICATED;
		snprintf(p->last_action, sizeof(p->last_action), "%s %s failed: %s%s", what,
			 p->queue, cupsLastErrorString(),
			 denied ? " (the kiosk's user must be a CUPS admin: adduser USER lpadmin)"
				: "");
		pb_err("print: %s", p->last_action);
		return -1;
	}
	return 0;
}

/* Staff fixed the printer. */
static void
resume(struct pb_print *p)
{
	int ok = 1;
	p->resume_wanted = 0;
	if (!p->queue[0] || p->h.state == PB_PRINTER_MISSING) {
		snprintf(p->last_action, sizeof(p->last_action), "resume failed: %s", p->h.message);
		pb_err("print: %s", p->last_action);
		return;
	}
	ok &= simple_request(p, IPP_OP_RESUME_PRINTER, 0, "resume") == 0;
	ok &= simple_request(p, IPP_OP_CUPS_ACCEPT_JOBS, 0, "accept jobs on") == 0;
	for (int i = 0; i < p->spool.n; i++) {
		const struct pb_spool_job *j = &p->spool.jobs[i];
		if (j->cups_job <= 0)
			continue;
		/* held jobs are released; jobs a filter or backend error stopped start over */
		if (j->cups_state == IPP_JSTATE_HELD)
			ok &= simple_request(p, IPP_OP_RELEASE_JOB, j->cups_job,
					     "release job on") == 0;
		else if (j->cups_state == IPP_JSTATE_STOPPED)
			ok &= simple_request(p, IPP_OP_RESTART_JOB, j->cups_job,
					     "restart job on") == 0;
	}
	if (ok) {
		snprintf(p->last_action, sizeof(p->last_action),
			 "resumed %s with %d print%s waiting", p->queue, p->spool.n,
			 p->spool.n == 1 ? "" : "s");
		pb_notice("print: queue %s resumed by staff; %d print%s waiting", p->queue,
			  p->spool.n, p->spool.n == 1 ? "" : "s");
	}
}

/* Staff cancel a print. One sent to CUPS is canceled there and leaves the spool when track()
 * sees it canceled by the user; one not sent yet leaves the spool here. */
static void
cancel_job(struct pb_print *p)
{
	int job = p->cancel_wanted, i;

	p->cancel_wanted = -1;
	for (i = 0; i < p->spool.n; i++)
		if (!job || p->spool.jobs[i].cups_job == job)
			break;
	if (i == p->spool.n) {
		if (job)
			snprintf(p->last_action, sizeof(p->last_action),
				 "cancel: CUPS job %d is not one of the booth's prints", job);
		else
			snprintf(p->last_action, sizeof(p->last_action),
				 "cancel: no print is waiting");
		pb_warn("print: %s", p->last_action);
		return;
	}
	struct pb_spool_job *j = &p->spool.jobs[i];
	if (j->cups_job <= 0 || j->hold != PB_SPOOL_SEND) {
		snprintf(p->last_action, sizeof(p->last_action), "canceled print %s (%s)", j->id,
			 j->hold == PB_SPOOL_REFUSED	   ? "refused by the printer"
			 : j->hold == PB_SPOOL_UNCONFIRMED ? "it may have come out"
							   : "not yet sent to CUPS");
		pb_notice("print: %s, by staff", p->last_action);
		p->spool.c.canceled++;
		pb_spool_remove(&p->spool, i);
		return;
	}
	if (simple_request(p, IPP_OP_CANCEL_JOB, j->cups_job, "cancel job on") == 0) {
		p->canceled_ids[p->ncanceled++ % 16] = j->cups_job;
		snprintf(p->last_action, sizeof(p->last_action), "canceled CUPS job %d (print %s)",
			 j->cups_job, j->id);
		pb_notice("print: %s, by staff", p->last_action);
	}
}

/* Looks a print up in CUPS' job history by its name. Returns its id, 0 when CUPS never had
 * it, -1 when CUPS could not be asked. */
static int
find_by_name(struct pb_print *p, const char *name, int *state)
{
	cups_job_t *jobs;
	int n = cupsGetJobs2(p->http, &jobs, NULL, 0, CUPS_WHICHJOBS_ALL), best = 0;
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (jobs[i].title && !strcmp(jobs[i].title, name) && jobs[i].id > best) {
			best = jobs[i].id;
			*state = jobs[i].state;
		}
	cupsFreeJobs(n, jobs);
	return best;
}

struct optlist {
	int n;
	cups_option_t *opts;
};

static void
add_one(void *ctx, const char *name, const char *value)
{
	struct optlist *l = ctx;
	l->n = cupsAddOption(name, value, l->n, &l->opts);
}

static void
add_options(struct pb_print *p, int *n, cups_option_t **opts)
{
	char quality[8];
	pwg_media_t *m = pwgMediaForPWG(p->media);

	if (!m)
		m = pwgMediaForPPD(p->media);
	if (p->borderless && m) {
		/* a size with zero margins: CUPS picks the driver's borderless page size */
		char col[256];
		snprintf(col, sizeof(col),
			 "{media-size={x-dimension=%d y-dimension=%d} media-top-margin=0 "
			 "media-bottom-margin=0 media-left-margin=0 media-right-margin=0}",
			 m->width, m->length);
		*n = cupsAddOption("media-col", col, *n, opts);
	} else {
		*n = cupsAddOption("media", p->media, *n, opts);
	}
	snprintf(quality, sizeof(quality), "%d", p->quality);
	*n = cupsAddOption("print-quality", quality, *n, opts);
	*n = cupsAddOption("print-scaling", p->fill ? "fill" : "fit", *n, opts);
	/* a driverless (IPP Everywhere) queue defaults to monochrome when the printer's
	 * print-color-mode-default is not in CUPS' list: ask for colour */
	*n = cupsAddOption("print-color-mode", "color", *n, opts);
	/* the configured extras last, so staff can override any of the above */
	struct optlist l = { *n, *opts };
	char why[200];
	pb_config_each_setting(p->options, add_one, &l, why, sizeof(why)); /* checked at load */
	*n = l.n;
	*opts = l.opts;
}

/* Sends job i to CUPS. Returns 0 when it could not (and later jobs must wait their turn). */
static int
submit(struct pb_print *p, int i)
{
	struct pb_spool_job *j = &p->spool.jobs[i];
	char *photo = pb_spool_photo(&p->spool, i);
	cups_option_t *opts = NULL;
	int nopts = 0, id;

	if (j->uncertain) {
		int state = 0;
		id = find_by_name(p, j->id, &state);
		if (id < 0) {
			free(photo);
			return 0;
		}
		j->uncertain = 0;
		if (id > 0 && state != IPP_JSTATE_CANCELED && state != IPP_JSTATE_ABORTED) {
			pb_notice("print %s: CUPS already has it as job %d; not sending it again",
				  j->id, id);
			j->cups_job = id;
			pb_spool_save(&p->spool);
			free(photo);
			return 1;
		}
	}
	add_options(p, &nopts, &opts);
	id = cupsPrintFile2(p->http, p->queue, photo, j->id, nopts, opts);
	cupsFreeOptions(nopts, opts);
	free(photo);
	if (id <= 0) {
		ipp_status_t st = cupsLastError();
		/* the request may have reached CUPS before the answer was lost */
		j->uncertain = 1;
		pb_err("print %s: CUPS did not take it: %s", j->id, cupsLastErrorString());
		if (transport_error(st))
			lost_connection(p, "submit");
		return 0;
	}
	j->cups_job = id;
	j->forgot_before = strstr(p->h.reasons, MISSING_HISTORY) != NULL;
	p->spool.c.submitted++;
	pb_spool_save(&p->spool);
	if (j->asked_ms) {
		p->last_submit_ms = (int)(pb_now_ms() - j->asked_ms);
		pb_info("print %s: CUPS job %d on %s (copy %d of %d), %d ms after it was asked for",
			j->id, id, p->queue, j->copy, j->copies, p->last_submit_ms);
	} else {
		pb_info("print %s: CUPS job %d on %s (copy %d of %d)", j->id, id, p->queue, j->copy,
			j->copies);
	}
	return 1;
}

static void
completed(struct pb_print *p, int i, ipp_t *resp)
{
	struct pb_spool_job *j = &p->spool.jobs[i];
	struct pb_spool_counters *c = &p->spool.c;
	ipp_attribute_t *a0 = ippFindAttribute(resp, "time-at-processing", IPP_TAG_INTEGER);
	ipp_attribute_t *a1 = ippFindAttribute(resp, "time-at-completed", IPP_TAG_INTEGER);
	int t0 = a0 ? ippGetInteger(a0, 0) : 0, t1 = a1 ? ippGetInteger(a1, 0) : 0;

	if (t0 <= 0 || t1 < t0)
		t0 = t1 = 0; /* not timed */

	if (t1 > 0) {
		double dt = t1 - t0 > 0 ? t1 - t0 : 1; /* CUPS counts whole seconds */
		/* a moving average: the printer's pace changes with ribbon, heat and size */
		c->seconds_per_print =
			c->seconds_per_print > 0 ? 0.7 * c->seconds_per_print + 0.3 * dt : dt;
	}
	c->completed++;
	if (c->prints_remaining > 0)
		c->prints_remaining--;
	if (c->prints_remaining >= 0)
		pb_info("print %s: CUPS job %d completed (%d s); %d print%s left on the printer",
			j->id, j->cups_job, t1 - t0, c->prints_remaining,
			c->prints_remaining == 1 ? "" : "s");
	else
		pb_info("print %s: CUPS job %d completed (%d s)", j->id, j->cups_job, t1 - t0);
	pb_spool_remove(&p->spool, i);
}

/* CUPS completed the job, but the printer restarted and forgot it: nothing proves a print came
 * out, so it is neither counted nor sent again by itself. */
static void
unconfirmed(struct pb_print *p, struct pb_spool_job *j)
{
	set_words(j, "",
		  "the printer restarted during the print and forgot it: it may not have "
		  "come out (cups-ipp-missing-job-history)");
	j->hold = PB_SPOOL_UNCONFIRMED;
	p->spool.c.unconfirmed++;
	pb_warn("print %s: CUPS job %d completed, but the printer forgot it "
		"(cups-ipp-missing-job-history): held as unconfirmed for staff to reprint",
		j->id, j->cups_job);
	pb_spool_save(&p->spool);
}

/* The printer (or its backend, or a filter) ended the job itself: sending it again at once
 * would make a storm, so twice more with backoff, then it waits for staff. */
static void
refused(struct pb_print *p, struct pb_spool_job *j, int state, const char *job_words)
{
	const char *words = job_words && *job_words ? job_words : p->printer_words;

	j->refusals++;
	p->spool.c.refused++;
	set_words(j, state == IPP_JSTATE_ABORTED ? "aborted: " : "",
		  words[0] ? words : "CUPS ended the job without saying why");
	if (j->refusals > 2) {
		j->hold = PB_SPOOL_REFUSED;
		pb_err("print %s: CUPS job %d refused by the printer %d times (%s); held for staff "
		       "(photoboothctl printer retry %d, or cancel %d)",
		       j->id, j->cups_job, j->refusals, j->words, j->cups_job, j->cups_job);
	} else {
		int wait_s = p->refused_retry_s * (j->refusals == 1 ? 1 : 3);
		j->retry_ms = pb_now_ms() + (uint64_t)wait_s * 1000;
		pb_warn("print %s: CUPS job %d refused by the printer (%s); sending it again in %d s "
			"(refusal %d of 3)",
			j->id, j->cups_job, j->words, wait_s, j->refusals);
		j->cups_job = 0;
		j->resubmits++;
		p->spool.c.resubmitted++;
	}
	pb_spool_save(&p->spool);
}

static int
canceled_by_booth(const struct pb_print *p, int job)
{
	for (int i = 0; i < 16 && i < p->ncanceled; i++)
		if (p->canceled_ids[i] == job)
			return 1;
	return 0;
}

/* Follows job i. Returns 1 when it left the spool (i now names the next job). */
static int
track(struct pb_print *p, int i)
{
	static const char *const want[] = { "job-state",
					    "job-state-reasons",
					    "job-name",
					    "time-at-processing",
					    "time-at-completed",
					    "job-printer-state-message",
					    "job-printer-state-reasons" };
	struct pb_spool_job *j = &p->spool.jobs[i];
	ipp_t *req = new_request(IPP_OP_GET_JOB_ATTRIBUTES, NULL, NULL, j->cups_job);
	ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
		      (int)(sizeof(want) / sizeof(*want)), NULL, want);
	ipp_t *resp = cupsDoRequest(p->http, req, "/");
	ipp_status_t st = cupsLastError();
	const char *why = NULL;

	if (!resp || st > IPP_STATUS_OK_CONFLICTING) {
		ippDelete(resp);
		if (transport_error(st) || !resp) {
			lost_connection(p, "job state");
			return 0;
		}
		why = "CUPS no longer knows it";
	} else {
		ipp_attribute_t *a = ippFindAttribute(resp, "job-name", IPP_TAG_NAME);
		const char *name = a ? ippGetString(a, 0, NULL) : NULL;
		a = ippFindAttribute(resp, "job-state", IPP_TAG_ENUM);
		int state = a ? ippGetInteger(a, 0) : 0;
		ipp_attribute_t *reasons =
			ippFindAttribute(resp, "job-state-reasons", IPP_TAG_KEYWORD);
		if (!name || strcmp(name, j->id)) {
			why = "CUPS has another job under its id (a new CUPS spool)";
		} else if (state == IPP_JSTATE_COMPLETED && !j->forgot_before &&
			   ippContainsString(ippFindAttribute(resp, "job-printer-state-reasons",
							      IPP_TAG_KEYWORD),
					     MISSING_HISTORY)) {
			unconfirmed(p, j);
		} else if (state == IPP_JSTATE_COMPLETED) {
			completed(p, i, resp);
			ippDelete(resp);
			return 1;
		} else if (state == IPP_JSTATE_CANCELED &&
			   (canceled_by_booth(p, j->cups_job) ||
			    ippContainsString(reasons, "job-canceled-by-user") ||
			    ippContainsString(reasons, "job-canceled-by-operator"))) {
			pb_notice("print %s: CUPS job %d was canceled by staff; not printing it",
				  j->id, j->cups_job);
			p->spool.c.canceled++;
			pb_spool_remove(&p->spool, i);
			ippDelete(resp);
			return 1;
		} else if (state == IPP_JSTATE_CANCELED || state == IPP_JSTATE_ABORTED) {
			a = ippFindAttribute(resp, "job-printer-state-message", IPP_TAG_TEXT);
			refused(p, j, state, a ? ippGetString(a, 0, NULL) : NULL);
		} else {
			j->cups_state = state;
			if (state == IPP_JSTATE_HELD || state == IPP_JSTATE_STOPPED ||
			    (state == IPP_JSTATE_PENDING && p->h.state == PB_PRINTER_STOPPED))
				p->h.held++;
		}
		ippDelete(resp);
	}
	if (why) {
		pb_warn("print %s: CUPS job %d is lost: %s; sending it again", j->id, j->cups_job,
			why);
		j->cups_job = 0;
		j->resubmits++;
		p->spool.c.resubmitted++;
		pb_spool_save(&p->spool);
	}
	return 0;
}

/* Staff send held prints again (refused ones with retry, unconfirmed ones with reprint). Needs
 * no CUPS: they are sent in their turn. */
static void
release_held(struct pb_print *p, int which, enum pb_spool_hold hold)
{
	const char *verb = hold == PB_SPOOL_REFUSED ? "retry" : "reprint";
	int n = 0;

	for (int i = 0; i < p->spool.n; i++) {
		struct pb_spool_job *j = &p->spool.jobs[i];
		if (j->hold != (int)hold || (which && j->cups_job != which))
			continue;
		pb_notice("print %s: %s by staff (CUPS job %d was %s)", j->id, verb, j->cups_job,
			  hold == PB_SPOOL_REFUSED ? "refused" : "unconfirmed");
		j->hold = PB_SPOOL_SEND;
		j->cups_job = 0;
		j->refusals = 0;
		j->retry_ms = 0;
		j->words[0] = '\0';
		j->resubmits++;
		p->spool.c.resubmitted++;
		n++;
	}
	if (n) {
		pb_spool_save(&p->spool);
		snprintf(p->last_action, sizeof(p->last_action), "%s: %d print%s sent again", verb,
			 n, n == 1 ? "" : "s");
	} else if (which) {
		snprintf(p->last_action, sizeof(p->last_action),
			 "%s: CUPS job %d is not a print %s", verb, which,
			 hold == PB_SPOOL_REFUSED ? "the printer refused"
						  : "that may not have come out");
	} else {
		snprintf(p->last_action, sizeof(p->last_action), "%s: no print %s", verb,
			 hold == PB_SPOOL_REFUSED ? "was refused" : "is unconfirmed");
	}
	pb_notice("print: %s", p->last_action);
}

/* A job of ours is processing while the backend says it cannot reach the printer: CUPS keeps
 * the queue "processing" and retrying, with no reason keyword, so only its words tell. */
static void
check_reachable(struct pb_print *p)
{
	int processing = 0;
	for (int i = 0; i < p->spool.n; i++)
		processing |= p->spool.jobs[i].hold == PB_SPOOL_SEND &&
			      p->spool.jobs[i].cups_job > 0 &&
			      p->spool.jobs[i].cups_state == IPP_JSTATE_PROCESSING;
	if (!processing || p->h.state != PB_PRINTER_PRINTING ||
	    !unreachable_words(p->printer_words))
		return;
	p->h.state = PB_PRINTER_OFFLINE;
	p->h.ready = 0;
	snprintf(p->h.message, sizeof(p->h.message),
		 "%.140s (CUPS cannot reach the printer: check its power and cable; the print "
		 "comes out once it is back)",
		 p->printer_words);
}

void
pb_print_cycle(struct pb_print *p)
{
	memset(&p->h, 0, sizeof(p->h));
	p->h.accepting = 0;
	if (p->retry_wanted >= 0)
		release_held(p, p->retry_wanted, PB_SPOOL_REFUSED);
	if (p->reprint_wanted >= 0)
		release_held(p, p->reprint_wanted, PB_SPOOL_UNCONFIRMED);
	p->retry_wanted = p->reprint_wanted = -1;
	if (!connect_cups(p) || !query_printer(p)) {
		if (p->resume_wanted || p->cancel_wanted >= 0)
			snprintf(p->last_action, sizeof(p->last_action), "%s waits: %s",
				 p->resume_wanted ? "resume" : "cancel", p->h.message);
		return;
	}
	if (p->resume_wanted) {
		/* staff fixed the printer: what it refused goes again too */
		if (p->spool.c.refused)
			for (int i = 0; i < p->spool.n; i++)
				if (p->spool.jobs[i].hold == PB_SPOOL_REFUSED) {
					release_held(p, 0, PB_SPOOL_REFUSED);
					break;
				}
		resume(p);
		memset(&p->h, 0, sizeof(p->h));
		if (!query_printer(p))
			return;
	}
	if (p->cancel_wanted >= 0)
		cancel_job(p);
	for (int i = 0; i < p->spool.n && p->http;) {
		struct pb_spool_job *j = &p->spool.jobs[i];
		if (j->cups_job > 0 && j->hold == PB_SPOOL_SEND && track(p, i))
			continue;
		i++;
	}
	check_reachable(p);
	if (!p->http || p->h.state == PB_PRINTER_MISSING || !p->h.accepting)
		return;
	uint64_t now = pb_now_ms();
	for (int i = 0; i < p->spool.n && p->http; i++) {
		struct pb_spool_job *j = &p->spool.jobs[i];
		if (j->hold != PB_SPOOL_SEND || j->cups_job > 0)
			continue; /* held prints wait for staff, not in anyone's way */
		if (j->retry_ms > now || !submit(p, i))
			break; /* keep the order: nothing overtakes a print that is waiting */
	}
}
