/* print.c - the print queue's thread: it spools what the main thread hands over, runs the
 * CUPS cycle (print_cups.c) every poll, and publishes the printer's health. See print.h. */
#include <cups/cups.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "deadline.h"
#include "conf.h"
#include "log.h"
#include "mem.h"
#include "print_priv.h"

static void
log_changes(struct pb_print *p)
{
	char line[sizeof(p->last_logged)];
	const struct pb_printer_health *h = &p->h;

	snprintf(line, sizeof(line), "%s%s%s%s%s", pb_printer_state_name(h->state),
		 h->reasons[0] ? " (" : "", h->reasons, h->reasons[0] ? ")" : "",
		 h->ready ? "" : " - not printing");
	if (strcmp(line, p->last_logged)) {
		if (h->ready)
			pb_notice("printer %s: %s", h->queue[0] ? h->queue : "?", line);
		else
			pb_warn("printer %s: %s: %s", h->queue[0] ? h->queue : "?", line,
				h->message);
		snprintf(p->last_logged, sizeof(p->last_logged), "%s", line);
	}
	if (h->paper_low && !p->warned_low)
		pb_warn("printer %s: only %d prints left: load paper and set the count "
			"(photoboothctl printer paper N)",
			h->queue, h->prints_remaining);
	p->warned_low = h->paper_low;
}

/* The spool's order of sessions, for pb_print_position. Under the lock. */
static void
copy_owed(struct pb_print *p)
{
	if (p->capowed < p->spool.n) {
		p->capowed = p->spool.n + 16;
		p->owed = pb_xrealloc(p->owed, (size_t)p->capowed * sizeof(*p->owed));
	}
	p->nowed = 0;
	for (int i = 0; i < p->spool.n; i++)
		if (p->spool.jobs[i].hold == PB_SPOOL_SEND) /* held prints wait for staff */
			memcpy(p->owed[p->nowed++].session, p->spool.jobs[i].session,
			       sizeof(p->owed[0].session));
}

static void
publish(struct pb_print *p)
{
	struct pb_spool_counters *c = &p->spool.c;
	struct pb_printer_health *h = &p->h;

	h->pending = 0;
	h->refused = h->unconfirmed = h->nheld_prints = 0;
	for (int i = 0; i < p->spool.n; i++) {
		const struct pb_spool_job *j = &p->spool.jobs[i];
		if (j->hold == PB_SPOOL_SEND) {
			h->pending++;
			continue;
		}
		if (j->hold == PB_SPOOL_REFUSED)
			h->refused++;
		else
			h->unconfirmed++;
		if (h->nheld_prints < PB_PRINTER_HELD_MAX) {
			struct pb_printer_held *e = &h->held_prints[h->nheld_prints++];
			e->job = j->cups_job;
			e->unconfirmed = j->hold == PB_SPOOL_UNCONFIRMED;
			snprintf(e->id, sizeof(e->id), "%s", j->id);
			snprintf(e->words, sizeof(e->words), "%s", j->words);
		}
	}
	h->refusals_total = c->refused;
	h->unconfirmed_total = c->unconfirmed;
	if (h->refused) {
		/* a printer that refuses prints does not print the next one either */
		h->ready = 0;
		if (!h->message[0] || h->state == PB_PRINTER_IDLE ||
		    h->state == PB_PRINTER_PRINTING)
			snprintf(h->message, sizeof(h->message),
				 "%d print%s refused by the printer: %.150s (fix it, then Resume "
				 "printer, or cancel it)",
				 h->refused, h->refused == 1 ? "" : "s", h->held_prints[0].words);
	}
	h->prints_remaining = c->prints_remaining;
	h->paper_low = c->prints_remaining >= 0 && c->prints_remaining <= p->paper_warn;
	h->seconds_per_print =
		c->seconds_per_print > 0 ? c->seconds_per_print : p->seconds_per_print;
	h->completed = c->completed;
	h->submitted = c->submitted;
	h->resubmitted = c->resubmitted;
	h->canceled = c->canceled;
	h->last_submit_ms = p->last_submit_ms;
	h->njobs = 0;
	for (int i = 0; i < p->spool.n && h->njobs < (int)(sizeof(h->jobs) / sizeof(*h->jobs)); i++)
		if (p->spool.jobs[i].cups_job > 0 && p->spool.jobs[i].hold == PB_SPOOL_SEND)
			h->jobs[h->njobs++] = p->spool.jobs[i].cups_job;
	snprintf(h->last_action, sizeof(h->last_action), "%s", p->last_action);
	if (!h->queue[0])
		snprintf(h->queue, sizeof(h->queue), "%s", p->printer);
	log_changes(p);

	pthread_mutex_lock(&p->lock);
	unsigned failed = p->health.failed;
	p->health = *h;
	p->health.failed = failed;
	copy_owed(p);
	pthread_mutex_unlock(&p->lock);
}

/* Spools what the main thread handed over. Called without the lock. */
static void
spool_requests(struct pb_print *p, struct request *r)
{
	while (r) {
		struct request *next = r->next;
		for (int k = 1; k <= r->copies; k++) {
			enum pb_status st =
				pb_spool_add(&p->spool, r->session, k, r->copies, r->photo);
			if (st == PB_OK)
				p->spool.jobs[p->spool.n - 1].asked_ms = r->asked_ms;
			if (st != PB_OK) {
				pb_err("print: session %s copy %d of %d could not be spooled (%s); "
				       "it will not print",
				       r->session, k, r->copies, pb_status_str(st));
				pthread_mutex_lock(&p->lock);
				p->health.failed++;
				memcpy(p->failed_session, r->session, sizeof(p->failed_session));
				pthread_mutex_unlock(&p->lock);
			}
		}
		free(r->photo);
		free(r);
		r = next;
	}
	/* the spool now holds them; the owed list must not lose them meanwhile */
	pthread_mutex_lock(&p->lock);
	copy_owed(p);
	pthread_mutex_unlock(&p->lock);
}

static void *
run(void *arg)
{
	struct pb_print *p = arg;
	struct timespec until;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct request *reqs = p->req_head;
		int resume_now = p->resume, paper = p->paper, quit = p->quit, cancel = p->cancel;
		int retry = p->retry, reprint = p->reprint;
		p->retry = p->reprint = -1;
		p->req_head = NULL;
		p->req_tail = &p->req_head;
		p->resume = 0;
		p->paper = -2;
		p->cancel = -1;
		pthread_mutex_unlock(&p->lock);

		spool_requests(p, reqs); /* even when quitting: a handed-over print is owed */
		if (quit)
			break;
		if (paper >= -1) {
			p->spool.c.prints_remaining = paper;
			pb_spool_save(&p->spool);
			pb_notice("printer: staff set %d prints left", paper);
		}
		if (resume_now)
			p->resume_wanted = 1;
		if (cancel >= 0)
			p->cancel_wanted = cancel;
		if (retry >= 0)
			p->retry_wanted = retry;
		if (reprint >= 0)
			p->reprint_wanted = reprint;
		pb_print_cycle(p);
		publish(p);

		pthread_mutex_lock(&p->lock);
		until = pb_deadline_in((uint64_t)p->poll_ms);
		while (!p->quit && !p->req_head && !p->resume && p->paper == -2 && p->cancel < 0 &&
		       p->retry < 0 && p->reprint < 0)
			if (pthread_cond_timedwait(&p->cond, &p->lock, &until) == ETIMEDOUT)
				break;
	}
	pb_print_disconnect(p);
	return NULL;
}

struct pb_print *
pb_print_create(const struct pb_print_config *cfg)
{
	struct pb_print *p = pb_xcalloc(1, sizeof(*p));

	p->printer = pb_xstrdup(cfg->printer ? cfg->printer : "");
	p->media = pb_xstrdup(cfg->media);
	p->options = pb_xstrdup(cfg->options ? cfg->options : "");
	p->spool_dir = pb_xstrdup(cfg->spool_dir);
	p->quality = 3 + (cfg->quality >= PB_QUALITY_DRAFT && cfg->quality <= PB_QUALITY_HIGH
				  ? cfg->quality
				  : PB_QUALITY_HIGH);
	p->fill = cfg->scaling == PB_SCALING_FILL;
	p->borderless = cfg->borderless;
	p->seconds_per_print = cfg->seconds_per_print > 0 ? cfg->seconds_per_print : 15;
	p->paper_warn = cfg->paper_warn;
	p->poll_ms = cfg->poll_ms > 0 ? cfg->poll_ms : 1000;
	p->req_tail = &p->req_head;
	p->paper = -2;
	p->cancel = -1;
	p->cancel_wanted = -1;
	p->retry = p->reprint = p->retry_wanted = p->reprint_wanted = -1;
	p->refused_retry_s = cfg->refused_retry_s > 0 ? cfg->refused_retry_s : 30;
	p->warned_low = 0;
	pthread_mutex_init(&p->lock, NULL);
	pb_cond_init_monotonic(&p->cond);
	if (pb_spool_open(&p->spool, p->spool_dir) != PB_OK) {
		pb_err("print: the spool folder %s is not usable", p->spool_dir);
		pb_print_destroy(p);
		return NULL;
	}
	/* what the spool owes, before the thread has looked at CUPS */
	p->h.prints_remaining = p->spool.c.prints_remaining;
	snprintf(p->h.queue, sizeof(p->h.queue), "%s", p->printer);
	p->h.pending = p->spool.n;
	p->h.seconds_per_print = p->spool.c.seconds_per_print > 0 ? p->spool.c.seconds_per_print
								  : p->seconds_per_print;
	p->health = p->h;
	spool_requests(p, NULL);
	if (p->spool.n)
		pb_notice("print: %d print%s still owed from before; reconciling with CUPS",
			  p->spool.n, p->spool.n == 1 ? "" : "s");
	for (int i = 0; i < p->spool.n; i++)
		if (p->spool.jobs[i].cups_job <= 0)
			p->spool.jobs[i].uncertain = 1; /* a crash may have hidden its id */
	if (pthread_create(&p->thread, NULL, run, p) != 0) {
		pb_err("print: cannot start the print thread");
		pb_print_destroy(p);
		return NULL;
	}
	p->started = 1;
	return p;
}

void
pb_print_destroy(struct pb_print *p)
{
	if (!p)
		return;
	if (p->started) {
		pthread_mutex_lock(&p->lock);
		p->quit = 1;
		pthread_cond_signal(&p->cond);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
	}
	for (struct request *r = p->req_head, *next; r; r = next) {
		next = r->next;
		free(r->photo);
		free(r);
	}
	pb_spool_close(&p->spool);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p->owed);
	free(p->printer);
	free(p->media);
	free(p->options);
	free(p->spool_dir);
	free(p);
}

enum pb_status
pb_print_submit(struct pb_print *p, const char *session, const char *photo, int copies)
{
	if (copies < 1 || copies > 99)
		return PB_ERR_INPUT;
	struct request *r = pb_xcalloc(1, sizeof(*r));
	snprintf(r->session, sizeof(r->session), "%s", session);
	r->photo = pb_xstrdup(photo);
	r->copies = copies;
	r->asked_ms = pb_now_ms();
	pthread_mutex_lock(&p->lock);
	*p->req_tail = r;
	p->req_tail = &r->next;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return PB_OK;
}

/* One of staff's requests for the print thread: *field = value, under the lock, and wake it. */
static void
ask(struct pb_print *p, int *field, int value)
{
	pthread_mutex_lock(&p->lock);
	*field = value;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

void
pb_print_resume(struct pb_print *p)
{
	ask(p, &p->resume, 1);
}

void
pb_print_cancel(struct pb_print *p, int job)
{
	ask(p, &p->cancel, job < 0 ? 0 : job);
}

void
pb_print_retry(struct pb_print *p, int job)
{
	ask(p, &p->retry, job < 0 ? 0 : job);
}

void
pb_print_reprint(struct pb_print *p, int job)
{
	ask(p, &p->reprint, job < 0 ? 0 : job);
}

void
pb_print_set_paper(struct pb_print *p, int n)
{
	ask(p, &p->paper, n < -1 ? -1 : n);
}

void
pb_print_health(struct pb_print *p, struct pb_printer_health *out)
{
	pthread_mutex_lock(&p->lock);
	*out = p->health;
	for (struct request *r = p->req_head; r; r = r->next)
		out->pending += r->copies;
	pthread_mutex_unlock(&p->lock);
}

int
pb_print_position(struct pb_print *p, const char *session, struct pb_print_position *pos)
{
	int first = -1;

	memset(pos, 0, sizeof(*pos));
	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < p->nowed; i++) {
		if (!strcmp(p->owed[i].session, session)) {
			if (first < 0)
				first = i;
			pos->mine++;
		}
	}
	pos->ahead = first >= 0 ? first : p->nowed;
	pos->failed = !strcmp(p->failed_session, session);
	for (struct request *r = p->req_head; r; r = r->next) {
		if (!strcmp(r->session, session)) {
			pos->mine += r->copies;
			first = p->nowed;
		} else if (first < 0) {
			pos->ahead += r->copies;
		}
	}
	double spp = p->health.seconds_per_print > 0 ? p->health.seconds_per_print : 15;
	pthread_mutex_unlock(&p->lock);
	pos->eta_s = (int)((pos->ahead + pos->mine) * spp + 0.999);
	return pos->mine > 0;
}
