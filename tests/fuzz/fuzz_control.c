/* libFuzzer: the control socket protocol, server side, over a real Unix socket. The input is
 * what a client writes, cut into separate writes at each 0xff byte (so lines arrive in
 * pieces); the server is polled between writes as the main loop polls it. Checks: the
 * handler sees exactly the words of the first line (nothing dropped, nothing from after the
 * newline), every answer is "<0|1|2> message\n", and every client is let go. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "json.h"
#include "fuzz.h"
#include "log.h"

static char dir[64], path[96];
static struct pb_control *ctl;
static uint64_t now = 1000;

struct seen {
	int calls, argc;
	char words[17][PB_CONTROL_MAX_LINE + 1];
};

static void
handler(void *ctx, int argc, char **argv, struct pb_buf *reply)
{
	struct seen *s = ctx;
	s->calls++;
	s->argc = argc;
	for (int i = 0; i < argc && i < 17; i++)
		snprintf(s->words[i], sizeof(s->words[i]), "%s", argv[i]);
	pb_control_reply(reply, 0, "%d words", argc);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup(dir, sizeof(dir), "ctl");
	snprintf(path, sizeof(path), "%s/ctl.sock", dir);
	if (pb_control_open(path, NULL, &ctl) != PB_OK)
		abort();
	return 0;
}

/* The words of line as the protocol defines them: separated by blanks, tabs and CRs. */
static int
words_of(const char *line, size_t len, char out[][PB_CONTROL_MAX_LINE + 1], int max)
{
	int n = 0;
	size_t i = 0;
	while (i < len && line[i]) {
		while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i >= len || !line[i])
			break;
		size_t start = i;
		while (i < len && line[i] && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			i++;
		if (n < max)
			snprintf(out[n], PB_CONTROL_MAX_LINE + 1, "%.*s", (int)(i - start),
				 line + start);
		n++;
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct seen seen;
	static char want[17][PB_CONTROL_MAX_LINE + 1];
	char reply[8192];
	size_t got = 0;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (size > 4096)
		size = 4096; /* well inside the socket buffer: writes never block */
	memset(&seen, 0, sizeof(seen));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		abort();
	/* the bytes the server receives: the input without the 0xff cut marks */
	static uint8_t sent[4096];
	size_t nsent = 0, start = 0;
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != 0xff)
			continue;
		if (i > start) {
			/* the server may have answered and hung up already (a line too long) */
			ssize_t w = send(fd, data + start, i - start, MSG_NOSIGNAL);
			if (w != (ssize_t)(i - start) && !(w < 0 && errno == EPIPE))
				abort();
			if (w < 0)
				break;
			memcpy(sent + nsent, data + start, i - start);
			nsent += i - start;
		}
		start = i + 1;
		pb_control_poll(ctl, now, handler, &seen);
	}
	shutdown(fd, SHUT_WR);
	/* the server must let this client go: at the latest when it times out */
	int done = 0;
	for (int round = 0; round < 64 && !done; round++) {
		pb_control_poll(ctl, round < 32 ? now : now + 5000, handler, &seen);
		for (;;) {
			ssize_t n = read(fd, reply + got, sizeof(reply) - 1 - got);
			if (n > 0) {
				got += (size_t)n;
				continue;
			}
			if (n == 0 || (n < 0 && errno == ECONNRESET))
				done = 1; /* (a reset: it hung up on input it did not read) */
			else if (errno != EAGAIN)
				abort();
			break;
		}
	}
	now += 10000;
	pb_control_poll(ctl, now, handler, &seen); /* forget any client of this input */
	close(fd);
	if (!done)
		abort();
	reply[got] = '\0';

	const uint8_t *nl = memchr(sent, '\n', nsent);
	int complete = nl && nl - sent < PB_CONTROL_MAX_LINE;
	if (got) {
		if ((reply[0] != '0' && reply[0] != '1' && reply[0] != '2') || reply[1] != ' ' ||
		    reply[got - 1] != '\n')
			abort();
	} else if (complete || nsent >= PB_CONTROL_MAX_LINE) {
		abort(); /* a whole line, or one too long, is always answered */
	}
	if (!complete) {
		if (seen.calls)
			abort(); /* no command runs without its newline */
		return 0;
	}
	int n = words_of((const char *)sent, (size_t)(nl - sent), want, 17);
	if (n == 0 || n > 16) {
		if (seen.calls || reply[0] != '2')
			abort(); /* empty or overlong commands are usage errors */
		return 0;
	}
	if (seen.calls != 1 || seen.argc != n)
		abort();
	for (int i = 0; i < n; i++)
		if (strcmp(seen.words[i], want[i]))
			abort();
	return 0;
}
