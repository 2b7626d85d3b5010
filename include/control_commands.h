/* control_commands.h - the kiosk's control commands, one row per form, as an X macro:
 * X(handler, name, arguments, help). The kiosk (booth_control.c) builds its dispatch table
 * from it with a handler per row; photoboothctl, its usage; tools/mancommands.c, the
 * COMMANDS section of photoboothctl(1) (man/photoboothctl.commands, which make check diffs).
 * A new command is a row here and its handler in booth_control.c.
 *
 * Owner: none (data). Pure; included by both programs. */
#ifndef PB_CONTROL_COMMANDS_H
#define PB_CONTROL_COMMANDS_H

/* clang-format off */
#define PB_CONTROL_COMMANDS(X) \
X(status, "status", "", \
  "The kiosk's state as one JSON object: screen, session, camera, printer, email outbox, " \
  "display, theme, delivery mode and counters.") \
X(trigger, "trigger", "", "What the big button does now (start, accept, next).") \
X(reset, "reset", "", \
  "Abort any session and go back to the attract screen. A finished photo is kept.") \
X(overlay, "overlay", "[NAME]", \
  "List the installed themes, or switch to NAME. A switch waits for the guest on screen, " \
  "if any, and is kept across restarts.") \
X(delivery, "delivery", "print|share|both", \
  "Switch how guests get their photo (kept across restarts).") \
X(printer, "printer", "", \
  "The printer in words, the booth's prints in CUPS, and the prints held for staff: " \
  "refused by the printer three times, or unconfirmed (the printer restarted mid-print " \
  "and forgot the job, so nothing proves it came out). Exits 1 while the printer is not " \
  "printing.") \
X(printer, "printer", "resume", \
  "After fixing the printer (paper, ribbon, jam): enable the queue and print what " \
  "waited, in order.") \
X(printer, "printer", "paper N", "Paper loaded: N prints left, counted down per print.") \
X(printer, "printer", "cancel [JOB]", \
  "Cancel a stuck print: CUPS job JOB (status: printer.jobs), or the first in the " \
  "queue. A held print is removed.") \
X(printer, "printer", "retry JOB|all", \
  "Send again a print the printer refused 3 times (after fixing what it said).") \
X(printer, "printer", "reprint JOB|all", \
  "Print again one that may not have come out (the printer restarted mid-print and " \
  "forgot it).") \
X(camera, "camera", "reconnect", "Close the camera and open it again now.") \
X(counters, "counters", "[reset]", \
  "Sessions, photos, prints, emails, QR downloads and failures since the last reset and " \
  "all-time; reset zeroes the since-reset ones.") \
X(purge, "purge", "HOURS", "Delete photos, and their download links, older than HOURS.") \
X(resend, "resend", "SESSION ADDRESS", \
  "Email the session's download link (again) to ADDRESS, when a guest says it never " \
  "came.") \
X(outbox, "outbox", "[list]", \
  "The emails waiting and the dead letters (refused for good by the server), with the " \
  "server's words; addresses masked.") \
X(outbox, "outbox", "retry ID|dead|all", \
  "Try again now (a dead letter goes back in the queue).") \
X(outbox, "outbox", "drop ID|dead", "Delete a message, or every dead letter.") \
X(webhook, "webhook", "[list]", \
  "The webhook's deliveries waiting and its dead letters (refused for good by the " \
  "receiver), with the receiver's words ([webhook] url).") \
X(webhook, "webhook", "retry ID|dead|all", \
  "Try again now (a dead letter goes back in the queue).") \
X(webhook, "webhook", "drop ID|dead", "Delete a delivery, or every dead letter.") \
X(publish, "publish", "[retry]", \
  "The cloud upload queue ([publish]): waiting, oldest, refused for good, the store's " \
  "last error; retry tries everything now.") \
X(fleet, "fleet", "[json]", \
  "Every booth of the event, from their heartbeats in the bucket; a booth silent for 4 " \
  "heartbeats (2 min) is flagged. json (or --json) for scripts.") \
X(report, "report", "[json]", \
  "Sessions, prints, emails and downloads per booth and per hour, with totals, for the " \
  "organiser.") \
X(pin, "pin", "unlock", "End the staff keypad's lock after wrong PINs.") \
X(reload, "reload", "", \
  "Read the configuration file again (as SIGHUP) and say what took effect and what " \
  "needs a restart. A file with errors is refused and the running configuration stays.") \
X(help, "help", "", "The commands' names, in one line.")
/* clang-format on */

#endif
