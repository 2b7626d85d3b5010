#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "control.h"
#include "log.h"
#include "mem.h"

#define CLIENT_TIMEOUT_MS 2000

struct client {
	int fd; /* -1: free */
	uint64_t since;
	long uid, pid; /* who asked (SO_PEERCRED); -1 when the kernel did not say */
	char in[PB_CONTROL_MAX_LINE + 1];
	size_t got;
	struct pb_buf out;
	size_t sent;
	int answering;
};

struct pb_control {
	int fd;
	int spare;		  /* held open for the moment the process is out of descriptors */
	uint64_t accept_pause_ms; /* after an accept error, until then */
	char *path;
	struct client clients[PB_CONTROL_MAX_CLIENTS];
};

static int
make_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -1;
	strcpy(sa->sun_path, path);
	return 0;
}

enum pb_status
pb_control_open(const char *path, const char *group, struct pb_control **out)
{
	struct sockaddr_un sa;
	struct pb_control *ctl;
	int fd, probe;

	*out = NULL;
	if (make_addr(path, &sa) < 0) {
		pb_err("control socket path too long: %s", path);
		return PB_ERR_CONFIG;
	}
	/* Is somebody already listening there? */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe >= 0) {
		int live = connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		close(probe);
		if (live) {
			pb_err("another photobooth is already running on %s", path);
			return PB_ERR_BUSY;
		}
	}
	unlink(path); /* stale socket from a crash */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		pb_err("socket: %s", strerror(errno));
		return PB_ERR_IO;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0660) < 0 ||
	    listen(fd, 8) < 0) {
		pb_err("cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		return PB_ERR_IO;
	}
	if (group && *group) {
		/* the socket's group is who may use photoboothctl; everyone else is refused by
		 * the kernel at connect (mode 0660) */
		struct group *gr = getgrnam(group);
		if (!gr || chown(path, (uid_t)-1, gr->gr_gid) < 0) {
			int e = errno;
			if (gr && e == EPERM)
				pb_err("[control] group = %s: the kiosk's user is not in that group, "
				       "so it cannot give it the socket: usermod -aG %s photobooth, "
				       "then restart",
				       group, group);
			else
				pb_err("[control] group = %s: %s", group,
				       gr ? strerror(e) : "no such group");
			close(fd);
			unlink(path);
			return PB_ERR_CONFIG;
		}
	}
	ctl = pb_xcalloc(1, sizeof(*ctl));
	ctl->fd = fd;
	ctl->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ctl->path = pb_xstrdup(path);
	for (int i = 0; i < PB_CONTROL_MAX_CLIENTS; i++)
		ctl->clients[i].fd = -1;
	*out = ctl;
	return PB_OK;
}

static void
drop(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	pb_buf_fini(&c->out);
}

void
pb_control_reply(struct pb_buf *reply, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pb_buf_printf(reply, "%d %s\n", code, msg);
}

int
pb_control_say(char *msg, size_t n, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, n, fmt, ap);
	va_end(ap);
	return code;
}

int
pb_control_split(char *line, char **argv, int max)
{
	int argc = 0;
	char *save = NULL;

	for (char *w = strtok_r(line, " \t\r\n", &save); w && argc < max;
	     w = strtok_r(NULL, " \t\r\n", &save))
		argv[argc++] = w;
	return argc;
}

size_t
pb_control_printable(char *s, size_t len)
{
	size_t fixed = 0;
	for (size_t i = 0; i < len;) {
		unsigned char ch = (unsigned char)s[i];
		size_t n = ch < 0x80		      ? 1
			   : ch >= 0xc2 && ch <= 0xdf ? 2
			   : ch >= 0xe0 && ch <= 0xef ? 3
			   : ch >= 0xf0 && ch <= 0xf4 ? 4
						      : 0;
		int ok = n > 0 && i + n <= len;
		for (size_t k = 1; ok && k < n; k++)
			ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
		/* no overlong three-byte forms, no surrogates, nothing above U+10FFFF */
		if (ok && n == 3)
			ok = !(ch == 0xe0 && (unsigned char)s[i + 1] < 0xa0) &&
			     !(ch == 0xed && (unsigned char)s[i + 1] >= 0xa0);
		if (ok && n == 4)
			ok = !(ch == 0xf0 && (unsigned char)s[i + 1] < 0x90) &&
			     !(ch == 0xf4 && (unsigned char)s[i + 1] >= 0x90);
		if (ok && n == 1)
			ok = (ch >= 0x20 && ch != 0x7f) || ch == '\n' || ch == '\t';
		/* C1 controls (U+0080-009F: U+009B is a terminal's CSI) and the bidi controls
		 * (U+061C, U+200E-F, U+202A-E, U+2066-9), which make a line read other than
		 * it is */
		unsigned char c1 = n > 1 ? (unsigned char)s[i + 1] : 0,
			      c2 = n > 2 ? (unsigned char)s[i + 2] : 0;
		if (ok && n == 2)
			ok = !(ch == 0xc2 && c1 <= 0x9f) && !(ch == 0xd8 && c1 == 0x9c);
		if (ok && n == 3 && ch == 0xe2)
			ok = !(c1 == 0x80 &&
			       (c2 == 0x8e || c2 == 0x8f || (c2 >= 0xaa && c2 <= 0xae))) &&
			     !(c1 == 0x81 && c2 >= 0xa6 && c2 <= 0xa9);
		if (!ok) {
			s[i] = '?';
			fixed++;
			i++;
			continue;
		}
		i += n;
	}
	return fixed;
}

static void
answer(struct client *c, pb_control_handler handler, void *ctx)
{
	char *argv[PB_CONTROL_MAX_WORDS + 1];
	int argc;

	pb_buf_init(&c->out);
	c->answering = 1;
	c->sent = 0;
	argc = pb_control_split(c->in, argv, PB_CONTROL_MAX_WORDS + 1);
	if (argc == 0)
		pb_control_reply(&c->out, 2, "empty command");
	else if (argc > PB_CONTROL_MAX_WORDS) /* never run a command with words cut off */
		pb_control_reply(&c->out, 2, "more than %d words", PB_CONTROL_MAX_WORDS);
	else {
		/* who asked: read-only questions are frequent, so only at debug level */
		int quiet = !strcmp(argv[0], "status") || !strcmp(argv[0], "help") ||
			    (!strcmp(argv[0], "counters") && argc == 1) ||
			    (!strcmp(argv[0], "outbox") && argc == 1);
		pb_log(quiet ? PB_LOG_DEBUG : PB_LOG_INFO,
		       "control: uid %ld (pid %ld) asks: %.64s%s", c->uid, c->pid, argv[0],
		       argc > 1 ? " ..." : "");
		handler(ctx, argc, argv, &c->out);
	}
	if (!c->out.len)
		pb_control_reply(&c->out, 1, "no answer");
	/* whatever a command wrote (a theme's name, a server's words), the client gets text */
	if (pb_control_printable(c->out.data, c->out.len))
		pb_warn("control: the answer to %.32s held bytes that are not text; replaced",
			argc ? argv[0] : "?");
}

static void
serve(struct client *c, uint64_t now, pb_control_handler handler, void *ctx)
{
	if (!c->answering) {
		ssize_t n = read(c->fd, c->in + c->got, sizeof(c->in) - 1 - c->got);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			drop(c);
			return;
		}
		if (n > 0) {
			c->got += (size_t)n;
			c->in[c->got] = '\0';
			char *nl = memchr(c->in, '\n', c->got);
			if (nl) {
				*nl = '\0';
				answer(c, handler, ctx);
			} else if (c->got >= sizeof(c->in) - 1) {
				pb_buf_init(&c->out);
				pb_control_reply(&c->out, 2, "command longer than %d bytes",
						 PB_CONTROL_MAX_LINE);
				c->answering = 1;
				c->sent = 0;
			}
		}
	}
	if (c->answering) {
		/* a client gone before reading its answer: EPIPE, never SIGPIPE */
		ssize_t n = send(c->fd, c->out.data + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);
		if (n > 0)
			c->sent += (size_t)n;
		if (c->sent >= c->out.len || (n < 0 && errno != EAGAIN && errno != EINTR))
			drop(c);
	}
	if (c->fd >= 0 && now - c->since > CLIENT_TIMEOUT_MS)
		drop(c); /* slow or silent clients do not hold a slot */
}

void
pb_control_poll(struct pb_control *ctl, uint64_t now_ms, pb_control_handler handler, void *ctx)
{
	struct pollfd pfd[PB_CONTROL_MAX_CLIENTS + 1];
	int map[PB_CONTROL_MAX_CLIENTS + 1], n = 0;

	pfd[n] = (struct pollfd){ .fd = ctl->fd, .events = POLLIN };
	map[n++] = -1;
	for (int i = 0; i < PB_CONTROL_MAX_CLIENTS; i++) {
		struct client *c = &ctl->clients[i];
		if (c->fd < 0)
			continue;
		pfd[n] = (struct pollfd){ .fd = c->fd, .events = c->answering ? POLLOUT : POLLIN };
		map[n++] = i;
	}
	if (poll(pfd, (nfds_t)n, 0) < 0)
		return;
	for (int k = 1; k < n; k++) {
		struct client *c = &ctl->clients[map[k]];
		if (pfd[k].revents)
			serve(c, now_ms, handler, ctx);
		else if (now_ms - c->since > CLIENT_TIMEOUT_MS)
			drop(c);
	}
	if (ctl->spare < 0) /* given up at the last shortage: take it back once there is room */
		ctl->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if ((pfd[0].revents & POLLIN) && now_ms >= ctl->accept_pause_ms) {
		for (;;) {
			int fd = accept4(ctl->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (fd < 0 && (errno == EMFILE || errno == ENFILE) && ctl->spare >= 0) {
				/* out of descriptors (a gallery under attack): the spare makes room
				 * for staff's command */
				close(ctl->spare);
				ctl->spare = -1;
				fd = accept4(ctl->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
			}
			if (fd < 0) {
				if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
					/* never spin on an error that will come straight back */
					pb_warn("control: accept: %s; trying again in 100 ms",
						strerror(errno));
					ctl->accept_pause_ms = now_ms + 100;
				}
				break;
			}
			struct ucred cred;
			socklen_t cl = sizeof(cred);
			long uid = -1, pid = -1;
			if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0) {
				uid = (long)cred.uid;
				pid = (long)cred.pid;
			}
			/* the last slot is kept for root and the service's own user: a member of
			 * the control group holding every other one cannot lock staff out */
			struct client *c = NULL;
			int free_slots = 0;
			for (int i = 0; i < PB_CONTROL_MAX_CLIENTS; i++)
				if (ctl->clients[i].fd < 0 && (free_slots++, !c))
					c = &ctl->clients[i];
			if (c && free_slots == 1 && uid != 0 && uid != (long)geteuid())
				c = NULL;
			if (!c) {
				static const char busy[] = "1 busy: too many control clients\n";
				ssize_t ignored = send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL);
				(void)ignored;
				close(fd);
				continue;
			}
			memset(c, 0, sizeof(*c));
			c->fd = fd;
			c->since = now_ms;
			c->uid = uid;
			c->pid = pid;
			/* most commands arrive with the connection: answer without waiting a frame
			 */
			serve(c, now_ms, handler, ctx);
		}
	}
}

void
pb_control_close(struct pb_control *ctl)
{
	if (!ctl)
		return;
	for (int i = 0; i < PB_CONTROL_MAX_CLIENTS; i++)
		drop(&ctl->clients[i]);
	close(ctl->fd);
	if (ctl->spare >= 0)
		close(ctl->spare);
	unlink(ctl->path);
	free(ctl->path);
	free(ctl);
}

enum pb_status
pb_control_request(const char *path, const char *line, struct pb_buf *reply, int timeout_ms,
		   char *why, size_t whylen)
{
	struct sockaddr_un sa;
	uint64_t deadline = pb_now_ms() + (uint64_t)timeout_ms;
	size_t len = strlen(line), off = 0;
	int fd;

	if (make_addr(path, &sa) < 0) {
		snprintf(why, whylen, "socket path too long: %s", path);
		return PB_ERR_CONFIG;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, whylen, "socket: %s", strerror(errno));
		return PB_ERR_IO;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		snprintf(why, whylen, "cannot connect to %s: %s%s", path, strerror(e),
			 e == ENOENT || e == ECONNREFUSED ? " (is photobooth running?)"
			 : e == EACCES
				 ? " (not in the group that may use it: [control] group, or the "
				   "service's own)"
				 : "");
		close(fd);
		return e == EACCES ? PB_ERR_CONFIG : PB_ERR_NODEV;
	}
	while (off < len) {
		ssize_t n = send(fd, line + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(why, whylen, "write: %s", strerror(errno));
			close(fd);
			return PB_ERR_IO;
		}
		off += (size_t)n;
	}
	if (len == 0 || line[len - 1] != '\n') {
		ssize_t ignored = send(fd, "\n", 1, MSG_NOSIGNAL);
		(void)ignored;
	}
	for (;;) {
		char buf[4096];
		uint64_t now = pb_now_ms();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (now >= deadline || poll(&p, 1, (int)(deadline - now)) == 0) {
			snprintf(why, whylen, "no answer from %s within %d ms", path, timeout_ms);
			close(fd);
			return PB_ERR_TIMEOUT;
		}
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(why, whylen, "read: %s", strerror(errno));
			close(fd);
			return PB_ERR_IO;
		}
		if (n == 0)
			break;
		pb_buf_append(reply, buf, (size_t)n);
	}
	close(fd);
	if (!reply->len) {
		snprintf(why, whylen, "empty answer from %s", path);
		return PB_ERR_IO;
	}
	return PB_OK;
}
