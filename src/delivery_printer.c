/* delivery_printer.c - staff's printer commands (delivery.h): the list, resume, paper, cancel,
 * retry and reprint, each answered in words for the staff screen and photoboothctl alike.
 * Requests go to the print thread, which never blocks the caller. Main thread. */
#include <stdio.h>

#include "control.h"
#include "delivery.h"
#include "log.h"

/* photoboothctl printer: the printer in words and every print waiting or held. */
int
pb_delivery_printer_list(struct pb_delivery_svc *d, char *msg, size_t n, struct pb_buf *body)
{
	const struct pb_printer_health *h = &d->printer;

	if (!d->print)
		return pb_control_say(msg, n, 1, "printing is off (delivery share)");
	pb_print_health(d->print, &d->printer);
	if (h->message[0])
		pb_buf_printf(body, "%s\n", h->message);
	for (int i = 0; i < h->njobs; i++)
		pb_buf_printf(body, "%-6d in CUPS\n", h->jobs[i]);
	for (int i = 0; i < h->nheld_prints; i++)
		pb_buf_printf(body, "%-6d %-11s %s: %s\n", h->held_prints[i].job,
			      h->held_prints[i].unconfirmed ? "unconfirmed" : "refused",
			      h->held_prints[i].id, h->held_prints[i].words);
	if (h->unconfirmed)
		pb_buf_printf(body,
			      "%d print%s may not have come out: photoboothctl printer reprint "
			      "JOB|all\n",
			      h->unconfirmed, h->unconfirmed == 1 ? "" : "s");
	if (h->refused)
		pb_buf_printf(body,
			      "%d print%s refused: photoboothctl printer retry JOB|all, or "
			      "printer cancel JOB\n",
			      h->refused, h->refused == 1 ? "" : "s");
	return pb_control_say(msg, n, h->ready ? 0 : 1, "printer %s: %s%s, %d queued, %d held",
			      h->queue[0] ? h->queue : "?", pb_printer_state_name(h->state),
			      h->ready ? "" : " (not printing)", h->pending,
			      h->refused + h->unconfirmed);
}

static int
no_printer(struct pb_delivery_svc *d, char *msg, size_t n)
{
	return pb_control_say(msg, n, 1,
			      "this booth has not printed since start-up (delivery %s): switch "
			      "delivery to print or both first",
			      pb_delivery_name(d->mode));
}

int
pb_delivery_printer_resume(struct pb_delivery_svc *d, char *msg, size_t n)
{
	if (!d->print)
		return no_printer(d, msg, n);
	pb_print_resume(d->print);
	pb_info("staff: printer resume");
	return pb_control_say(msg, n, 0,
			      "resuming %s: enabling the queue and releasing %d waiting print%s",
			      d->printer.queue[0] ? d->printer.queue : "the printer",
			      d->printer.pending, d->printer.pending == 1 ? "" : "s");
}

int
pb_delivery_printer_held(struct pb_delivery_svc *d, int reprint, int job, char *msg, size_t n)
{
	const struct pb_printer_health *h = &d->printer;
	int found = 0;

	if (!d->print)
		return no_printer(d, msg, n);
	pb_print_health(d->print, &d->printer);
	for (int i = 0; i < h->nheld_prints; i++)
		found += h->held_prints[i].unconfirmed == reprint &&
			 (!job || h->held_prints[i].job == job);
	if (!found)
		return pb_control_say(msg, n, 1, "%s: %s", reprint ? "reprint" : "retry",
				      job ? "no such held print (photoboothctl printer lists them)"
				      : reprint ? "no print is unconfirmed"
						: "no print was refused");
	if (reprint)
		pb_print_reprint(d->print, job);
	else
		pb_print_retry(d->print, job);
	pb_info("staff: printer %s %d", reprint ? "reprint" : "retry", job);
	return pb_control_say(msg, n, 0, "%s %d print%s", reprint ? "reprinting" : "sending again",
			      job ? 1 : found, (job ? 1 : found) == 1 ? "" : "s");
}

int
pb_delivery_printer_paper(struct pb_delivery_svc *d, int prints, char *msg, size_t n)
{
	if (!d->print)
		return no_printer(d, msg, n);
	pb_print_set_paper(d->print, prints);
	d->printer.prints_remaining = prints; /* shown at once; the thread confirms */
	pb_info("staff: printer paper %d", prints);
	return pb_control_say(msg, n, 0, "paper loaded: %d prints left", prints);
}

int
pb_delivery_printer_cancel(struct pb_delivery_svc *d, int job, char *msg, size_t n)
{
	int known = 0;
	if (!d->print)
		return no_printer(d, msg, n);
	pb_print_health(d->print, &d->printer);
	for (int i = 0; i < d->printer.njobs; i++)
		known |= d->printer.jobs[i] == job;
	for (int i = 0; i < d->printer.nheld_prints; i++)
		known |= d->printer.held_prints[i].job == job;
	if (job && !known)
		return pb_control_say(msg, n, 1,
				      "CUPS job %d is not one of the booth's prints (photoboothctl "
				      "printer lists them)",
				      job);
	if (!job && d->printer.pending == 0 && d->printer.nheld_prints == 0)
		return pb_control_say(msg, n, 1, "no print is waiting");
	pb_print_cancel(d->print, job);
	pb_info("staff: cancel print %d", job);
	if (job)
		return pb_control_say(msg, n, 0, "canceling CUPS job %d", job);
	return pb_control_say(msg, n, 0, "canceling the first print in the queue%s",
			      d->printer.njobs ? "" : " (not yet sent to CUPS)");
}
