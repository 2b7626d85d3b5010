/* Email: the outbox against a real SMTP server (the aiosmtpd sink of tests/mail/smtpsink.py
 * on loopback); address checks are test_address.c's. Outbox faults tried: the server down,
 * then back (each message exactly once); a restart with messages waiting; a crash between
 * the send and the delete (sent marker); a damaged outbox file; an expired link; a missing
 * photo; a refused SMTP login. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "address.h"
#include "helpers.h"
#include "image.h"
#include "jpeg.h"
#include "json.h"
#include "mem.h"
#include "outbox.h"

/* tmp/rel: a folder (text NULL) or a file holding text */
static void
put(const char *tmp, const char *rel, const char *text)
{
	char *p = pb_xasprintf("%s/%s", tmp, rel);
	if (text)
		write_text(p, text);
	else
		assert_int_equal(mkdir(p, 0700), 0);
	free(p);
}

/* The messages a booth restarted in print mode still sends: only whole .msg files count. */
static void
test_outbox_waiting(void **state)
{
	char *tmp = make_tmpdir(), *dir = pb_xasprintf("%s/outbox", tmp), *msg;
	(void)state;
	assert_false(pb_outbox_waiting(dir)); /* a new booth: no folder at all */
	put(tmp, "outbox", NULL);
	put(tmp, "outbox/20261122-101010-0a0b0c0d-1.msg.tmp.Xy12ab", "a write cut short");
	put(tmp, "outbox/notes.txt", "not a message");
	assert_false(pb_outbox_waiting(dir)); /* neither is a message */
	put(tmp, "outbox/20261122-101010-0a0b0c0d-1.msg", "to=a@example.com");
	assert_true(pb_outbox_waiting(dir));
	msg = pb_xasprintf("%s/20261122-101010-0a0b0c0d-1.msg", dir);
	assert_int_equal(unlink(msg), 0);
	assert_false(pb_outbox_waiting(dir));
	free(msg);
	free(dir);
	rm_tree(tmp);
	free(tmp);
}

/* The outbox against the SMTP sink */

struct fixture {
	char *dir; /* temp: outbox/, sessions/, mail/ */
	char outbox[512], sessions[512], mail[512];
	int port;
	pid_t sink;
	int sink_out;	      /* the sink's stdout, kept open while it runs */
	const char *password; /* the sink's, NULL for no AUTH */
	const char *args[8];  /* more smtpsink.py options (--refuse ADDR, --defer ADDR) */
};

static int
free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t n = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &n) < 0)
		abort();
	close(fd);
	return ntohs(a.sin_port);
}

static void
sink_start(struct fixture *f)
{
	int p[2];
	char script[600], port[16], line[16] = "";
	snprintf(script, sizeof(script), "%s/tests/mail/smtpsink.py", srcdir());
	snprintf(port, sizeof(port), "%d", f->port);
	assert_int_equal(pipe(p), 0);
	f->sink = fork();
	assert_true(f->sink >= 0);
	if (f->sink == 0) {
		dup2(p[1], 1);
		close(p[0]);
		const char *argv[16] = { "python3", script, port, f->mail };
		int n = 4;
		if (f->password) {
			argv[n++] = "--password";
			argv[n++] = f->password;
		}
		for (int i = 0; i < 8 && f->args[i]; i++)
			argv[n++] = f->args[i];
		execv("/usr/bin/python3", (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	struct pollfd pfd = { p[0], POLLIN, 0 };
	size_t got = 0;
	while (got < 6 && poll(&pfd, 1, 15000) == 1) {
		ssize_t n = read(p[0], line + got, sizeof(line) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	f->sink_out = p[0];
	if (strncmp(line, "ready\n", 6))
		fail_msg("the SMTP sink did not start on port %d (said '%s')", f->port, line);
}

static void
sink_stop(struct fixture *f)
{
	if (f->sink > 0) {
		kill(f->sink, SIGTERM);
		waitpid(f->sink, NULL, 0);
		close(f->sink_out);
		f->sink = 0;
	}
}

static int
count_files(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && e->d_type != DT_DIR &&
		    (!suffix || strstr(e->d_name, suffix)))
			n++;
	closedir(d);
	return n;
}

static int
mails(struct fixture *f)
{
	char d[600];
	snprintf(d, sizeof(d), "%s/new", f->mail);
	return count_files(d, NULL);
}

/* Every message the sink holds, concatenated. */
static char *
all_mail(struct fixture *f)
{
	char d[600];
	struct pb_buf b;
	DIR *dir;
	struct dirent *e;
	snprintf(d, sizeof(d), "%s/new", f->mail);
	pb_buf_init(&b);
	pb_buf_append(&b, "", 0);
	dir = opendir(d);
	while (dir && (e = readdir(dir))) {
		char p[1200];
		unsigned char *data;
		size_t len;
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", d, e->d_name);
		if (pb_file_read(p, 1 << 24, &data, &len) == PB_OK) {
			pb_buf_append(&b, (char *)data, len);
			free(data);
		}
	}
	if (dir)
		closedir(dir);
	return b.data;
}

static void
make_photo(struct fixture *f, const char *session)
{
	char p[800];
	struct pb_image *img;
	struct pb_jpeg *j = pb_jpeg_create();
	unsigned char *data;
	size_t len;
	snprintf(p, sizeof(p), "%s/%s", f->sessions, session);
	assert_int_equal(pb_file_mkdirs(p, 0755), PB_OK);
	snprintf(p, sizeof(p), "%s/%s/share.jpg", f->sessions, session);
	assert_int_equal(pb_image_create(1600, 1067, 0xff336699u, &img), PB_OK);
	assert_int_equal(pb_jpeg_encode(j, img, 85, 0, &data, &len), PB_OK);
	assert_int_equal(pb_file_write_atomic(p, data, len, 0644), PB_OK);
	free(data);
	pb_image_destroy(img);
	pb_jpeg_destroy(j);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->dir = make_tmpdir();
	snprintf(f->outbox, sizeof(f->outbox), "%s/outbox", f->dir);
	snprintf(f->sessions, sizeof(f->sessions), "%s/sessions", f->dir);
	snprintf(f->mail, sizeof(f->mail), "%s/mail", f->dir);
	f->port = free_port();
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	sink_stop(f);
	rm_tree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static struct pb_outbox *
outbox(struct fixture *f, const char *username, const char *password_file)
{
	char url[64];
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", f->port);
	struct pb_outbox_config c = {
		.dir = f->outbox,
		.sessions_dir = f->sessions,
		.server = { .url = url,
			    .starttls = 0,
			    .username = username,
			    .from = "photos@booth.example",
			    .reply_to = "help@booth.example",
			    .subject = "Your photo \xec\x82\xac\xec\xa7\x84",
			    .timeout_s = 10 },
		.password_file = password_file,
		.title = "re:Play <2026>",
		.retry_first_s = 1,
		.retry_max_s = 1,
	};
	struct pb_outbox *o = pb_outbox_create(&c);
	assert_non_null(o);
	return o;
}

/* Bounded poll: until the outbox's stats satisfy cond, at most 20 s. */
static int
wait_stats(struct pb_outbox *o, int (*cond)(const struct pb_outbox_stats *, int), int arg)
{
	struct pb_outbox_stats s;
	for (int i = 0; i < 400; i++) {
		pb_outbox_stats(o, &s);
		if (cond(&s, arg))
			return 1;
		usleep(50000);
	}
	return 0;
}

static int
sent_is(const struct pb_outbox_stats *s, int n)
{
	return (int)s->sent == n && s->depth == 0;
}

static int
failures_at_least(const struct pb_outbox_stats *s, int n)
{
	return (int)s->failures >= n;
}

static int
expired_is(const struct pb_outbox_stats *s, int n)
{
	return (int)s->expired == n && s->depth == 0;
}

#define LINK "http://booth.example:8080/p/AAAAAAAAAAAAAAAAAAAAAA"

/* Which refusals at RCPT are the booth's (every guest would get them) and which the address's */
static void
test_refusal_is_booth(void **state)
{
	(void)state;
	assert_true(pb_mail_refusal_is_booth(
		504, "504 5.5.2 <vm>: Helo command rejected: need fully-qualified hostname"));
	assert_true(pb_mail_refusal_is_booth(554, "554 5.7.1 <x@y.org>: Relay access denied"));
	assert_true(pb_mail_refusal_is_booth(530, "530 5.7.0 Authentication required"));
	assert_true(pb_mail_refusal_is_booth(530, "530 Must issue a STARTTLS command first"));
	assert_true(
		pb_mail_refusal_is_booth(553, "553 5.1.8 <photos@booth>: Sender address rejected"));
	assert_true(pb_mail_refusal_is_booth(552, "552 5.3.4 Message size exceeds fixed limit"));
	assert_false(pb_mail_refusal_is_booth(
		550, "550 5.1.1 <n@guests.example>: Recipient address rejected: User unknown"));
	assert_false(pb_mail_refusal_is_booth(550, "550-5.1.1 The email account does not exist"));
	assert_false(pb_mail_refusal_is_booth(552, "552 5.2.2 Mailbox full"));
	assert_false(pb_mail_refusal_is_booth(550, "550 5.4.4 Unable to route"));
	assert_false(pb_mail_refusal_is_booth(550, "550 No such user here"));
	assert_false(pb_mail_refusal_is_booth(550, ""));

	char helo[256];
	pb_mail_helo("booth.example.org", "photos@other.example", helo, sizeof(helo));
	assert_string_equal(helo, "booth.example.org");
	pb_mail_helo("", "photos@other.example", helo, sizeof(helo));
	char host[256] = "";
	gethostname(host, sizeof(host) - 1);
	/* the host's name when it is fully qualified, else from's domain */
	assert_string_equal(
		helo, strchr(host, '.') && pb_address_domain_valid(host) ? host : "other.example");
	pb_mail_helo("", "no-at-sign", helo, sizeof(helo));
	assert_true(pb_address_domain_valid(helo) || strchr(host, '.') == NULL);
}

static void
test_send(void **state)
{
	struct fixture *f = *state;
	struct pb_outbox_stats s;
	sink_start(f);
	make_photo(f, "s1");
	struct pb_outbox *o = outbox(f, "", "");
	assert_int_equal(pb_outbox_add(o, "guest@example.com", "s1", LINK, time(NULL) + 3600),
			 PB_OK);
	/* refused at the door: nothing queued */
	assert_int_equal(
		pb_outbox_add(o, "guest@example.com\r\nBcc: x@y.io", "s1", LINK, time(NULL) + 3600),
		PB_ERR_INPUT);
	assert_int_equal(pb_outbox_add(o, "guest@example.com", "../etc", LINK, time(NULL) + 3600),
			 PB_ERR_INPUT);
	assert_true(wait_stats(o, sent_is, 1));
	pb_outbox_stats(o, &s);
	assert_string_equal(s.last_error, "");
	pb_outbox_destroy(o);
	assert_int_equal(mails(f), 1);
	char *m = all_mail(f);
	assert_non_null(strstr(m, LINK));
	assert_non_null(strstr(m, "To: guest@example.com"));
	assert_non_null(strstr(m, "From: photos@booth.example"));
	assert_non_null(strstr(m, "Reply-To: help@booth.example"));
	assert_non_null(strstr(m, "Subject: =?UTF-8?B?"));
	assert_non_null(strstr(m, "multipart/related"));
	assert_non_null(strstr(m, "multipart/alternative"));
	assert_non_null(strstr(m, "image/jpeg"));
	assert_non_null(strstr(m, "image/png"));
	assert_non_null(strstr(m, "re:Play &lt;2026&gt;")); /* the title, escaped in HTML */
	assert_null(strstr(m, "Bcc"));
	free(m);
	/* the address is gone from the booth once sent */
	assert_int_equal(count_files(f->outbox, NULL), 0);
}

static void
test_server_down_then_back(void **state)
{
	struct fixture *f = *state;
	struct pb_outbox_stats s;
	make_photo(f, "s1");
	make_photo(f, "s2");
	struct pb_outbox *o = outbox(f, "", "");
	assert_int_equal(pb_outbox_add(o, "one@example.com", "s1", LINK, time(NULL) + 3600), PB_OK);
	assert_int_equal(pb_outbox_add(o, "two@example.com", "s2", LINK, time(NULL) + 3600), PB_OK);
	assert_true(wait_stats(o, failures_at_least, 2));
	pb_outbox_stats(o, &s);
	assert_int_equal(s.depth, 2);
	assert_int_equal(s.sent, 0);
	assert_non_null(strstr(s.last_error, "unreachable"));
	assert_int_equal(count_files(f->outbox, ".msg"), 2); /* on disk */
	/* the kiosk restarts while the server is still away */
	pb_outbox_destroy(o);
	o = outbox(f, "", "");
	pb_outbox_stats(o, &s);
	assert_int_equal(s.depth, 2);
	sink_start(f);
	assert_true(wait_stats(o, sent_is, 2));
	pb_outbox_destroy(o);
	assert_int_equal(mails(f), 2);
	/* a third start sends nothing more */
	o = outbox(f, "", "");
	usleep(300000);
	pb_outbox_stats(o, &s);
	assert_int_equal(s.sent, 0);
	pb_outbox_destroy(o);
	assert_int_equal(mails(f), 2);
	char *m = all_mail(f);
	assert_non_null(strstr(m, "To: one@example.com"));
	assert_non_null(strstr(m, "To: two@example.com"));
	free(m);
}

static void
count_accepted(void *ctx)
{
	(*(int *)ctx)++;
}

/* The accepted callback runs once when the server took the message, never when it did not:
 * the outbox writes its sent marker there, before the goodbye. */
static void
test_accepted_callback(void **state)
{
	struct fixture *f = *state;
	char url[64], photo[700], why[256];
	int accepted = 0;
	make_photo(f, "s1");
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", f->port);
	snprintf(photo, sizeof(photo), "%s/s1/share.jpg", f->sessions);
	struct pb_mail_server srv = { .url = url,
				      .username = "",
				      .from = "photos@booth.example",
				      .reply_to = "",
				      .subject = "Your photo",
				      .timeout_s = 10 };
	struct pb_mail_message m = { .to = "guest@example.com",
				     .link = LINK,
				     .title = "t",
				     .photo = photo,
				     .message_id = "1-0000-00000000@booth.example",
				     .expires = time(NULL) + 3600,
				     .accepted = count_accepted,
				     .accepted_ctx = &accepted };
	/* no server */
	assert_int_equal(pb_mail_send(&srv, &m, why, sizeof(why)), PB_MAIL_SERVER_AWAY);
	assert_int_equal(accepted, 0);
	sink_start(f);
	assert_int_equal(pb_mail_send(&srv, &m, why, sizeof(why)), PB_MAIL_SENT);
	assert_int_equal(accepted, 1);
	assert_int_equal(mails(f), 1);
}

static void
test_sent_marker(void **state)
{
	struct fixture *f = *state;
	char p[700];
	struct pb_outbox_stats s;
	make_photo(f, "s1");
	assert_int_equal(pb_file_mkdirs(f->outbox, 0700), PB_OK);
	/* a crash after the server took it, before the file was deleted */
	snprintf(p, sizeof(p), "%s/0000000001-0000-00000000.msg", f->outbox);
	write_text(p, "to=guest@example.com\nsession=s1\nlink=" LINK
		      "\ncreated=1\nexpires=99999999999\n");
	snprintf(p, sizeof(p), "%s/0000000001-0000-00000000.sent", f->outbox);
	write_text(p, "");
	/* and a damaged file next to a good one */
	snprintf(p, sizeof(p), "%s/0000000002-0000-00000000.msg", f->outbox);
	write_text(p, "to=guest@example.com\nsession=s1\n\x01garbage");
	snprintf(p, sizeof(p), "%s/0000000003-0000-00000000.msg", f->outbox);
	write_text(p, "to=other@example.com\nsession=s1\nlink=" LINK
		      "\ncreated=3\nexpires=99999999999\n");
	sink_start(f);
	struct pb_outbox *o = outbox(f, "", "");
	assert_true(wait_stats(o, sent_is, 1));
	pb_outbox_stats(o, &s);
	pb_outbox_destroy(o);
	assert_int_equal(mails(f), 1);
	char *m = all_mail(f);
	assert_non_null(strstr(m, "To: other@example.com"));
	assert_null(strstr(m, "To: guest@example.com"));
	free(m);
	assert_int_equal(count_files(f->outbox, ".bad"), 1);
	assert_int_equal(count_files(f->outbox, ".msg"), 0);
	assert_int_equal(count_files(f->outbox, ".sent"), 0);
}

static void
test_expired_and_missing_photo(void **state)
{
	struct fixture *f = *state;
	struct pb_outbox_stats s;
	sink_start(f);
	make_photo(f, "s1");
	struct pb_outbox *o = outbox(f, "", "");
	/* expired: dropped, never sent */
	assert_int_equal(pb_outbox_add(o, "late@example.com", "s1", LINK, time(NULL) - 1), PB_OK);
	assert_true(wait_stats(o, expired_is, 1));
	/* no photo yet: waits, and goes once the photo is there */
	assert_int_equal(pb_outbox_add(o, "early@example.com", "s2", LINK, time(NULL) + 3600),
			 PB_OK);
	assert_true(wait_stats(o, failures_at_least, 1));
	pb_outbox_stats(o, &s);
	assert_int_equal(s.depth, 1);
	assert_non_null(strstr(s.last_error, "s2/share.jpg"));
	make_photo(f, "s2");
	assert_true(wait_stats(o, sent_is, 1));
	pb_outbox_destroy(o);
	assert_int_equal(mails(f), 1);
	char *m = all_mail(f);
	assert_null(strstr(m, "late@example.com"));
	free(m);
}

static void
test_login_refused(void **state)
{
	struct fixture *f = *state;
	struct pb_outbox_stats s;
	char pw[700];
	f->password = "s3cret";
	sink_start(f);
	make_photo(f, "s1");
	snprintf(pw, sizeof(pw), "%s/password", f->dir);
	write_text(pw, "wrong\n");
	struct pb_outbox *o = outbox(f, "booth", pw);
	assert_int_equal(pb_outbox_add(o, "guest@example.com", "s1", LINK, time(NULL) + 3600),
			 PB_OK);
	assert_true(wait_stats(o, failures_at_least, 2));
	pb_outbox_stats(o, &s);
	assert_int_equal(s.depth, 1);
	assert_non_null(strstr(s.last_error, "login refused"));
	pb_outbox_destroy(o);
	assert_int_equal(mails(f), 0);
	/* staff fix the password: the queued message goes */
	write_text(pw, "s3cret\n");
	o = outbox(f, "booth", pw);
	assert_true(wait_stats(o, sent_is, 1));
	pb_outbox_destroy(o);
	assert_int_equal(mails(f), 1);
}

static int
sent_at_least(const struct pb_outbox_stats *s, int n)
{
	return (int)s->sent >= n;
}

static int
dead_is(const struct pb_outbox_stats *s, int n)
{
	return s->dead == n;
}

static const struct pb_outbox_entry *
entry_of(const struct pb_outbox_entry *e, size_t n, const char *masked)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(e[i].to, masked))
			return &e[i];
	return NULL;
}

/* A mail queue's rules against a server that answers 550 for one recipient (a mistyped
 * mailbox) and 451 twice for another (greylisting): the bounce moves to the dead letters with
 * the server's words, the greylisted one waits on its own, and the guests queued after both
 * get their email at once. Before, the bounce held the whole queue until its link expired. */
static void
test_bounce_and_deferral_block_nobody(void **state)
{
	struct fixture *f = *state;
	struct pb_outbox_stats s;
	struct pb_outbox_entry e[8];
	const struct pb_outbox_entry *x;
	char p[700];
	f->args[0] = "--refuse", f->args[1] = "bounce@example.com";
	f->args[2] = "--defer", f->args[3] = "grey@example.com";
	sink_start(f);
	make_photo(f, "s1");
	struct pb_outbox *o = outbox(f, "", "");
	assert_int_equal(pb_outbox_add(o, "bounce@example.com", "s1", LINK, time(NULL) + 3600),
			 PB_OK);
	assert_int_equal(pb_outbox_add(o, "grey@example.com", "s1", LINK, time(NULL) + 3600),
			 PB_OK);
	assert_int_equal(pb_outbox_add(o, "one@example.com", "s1", LINK, time(NULL) + 3600), PB_OK);
	assert_int_equal(pb_outbox_add(o, "two@example.com", "s1", LINK, time(NULL) + 3600), PB_OK);
	assert_true(wait_stats(o, sent_at_least, 2));
	pb_outbox_stats(o, &s);
	assert_int_equal(s.dead, 1);
	assert_int_equal(s.refused, 1);
	assert_non_null(strstr(s.last_dead, "550 5.1.1"));
	assert_non_null(strstr(s.last_dead, "b***@example.com"));
	assert_null(strstr(s.last_dead, "bounce@"));
	assert_int_equal(count_files(f->outbox, ".msg"), s.depth);
	snprintf(p, sizeof(p), "%s/dead", f->outbox);
	assert_int_equal(count_files(p, ".msg"), 1);
	/* the greylisted one waits on its own, with the server's words */
	if (s.sent == 2) {
		size_t n = pb_outbox_list(o, e, 8);
		assert_non_null(x = entry_of(e, n, "g***@example.com"));
		assert_false(x->dead);
		assert_non_null(strstr(x->error, "451 4.7.1"));
	}
	assert_true(wait_stats(o, sent_is, 3));
	pb_outbox_destroy(o);
	char *m = all_mail(f);
	assert_non_null(strstr(m, "To: one@example.com"));
	assert_non_null(strstr(m, "To: two@example.com"));
	assert_non_null(strstr(m, "To: grey@example.com"));
	assert_null(strstr(m, "To: bounce@example.com"));
	free(m);
	assert_int_equal(mails(f), 3);

	/* a restart keeps the dead letter, and staff see it */
	o = outbox(f, "", "");
	pb_outbox_stats(o, &s);
	assert_int_equal(s.dead, 1);
	assert_int_equal(s.depth, 0);
	assert_int_equal(pb_outbox_list(o, e, 8), 1);
	assert_true(e[0].dead);
	assert_string_equal(e[0].to, "b***@example.com");
	assert_non_null(strstr(e[0].error, "Recipient address rejected"));
	/* retried, refused again: back to the dead letters, counted once more */
	assert_int_equal(pb_outbox_retry(o, "nosuchid"), 0);
	assert_int_equal(pb_outbox_retry(o, "dead"), 1);
	assert_true(wait_stats(o, failures_at_least, 1));
	assert_true(wait_stats(o, dead_is, 1));
	pb_outbox_stats(o, &s);
	assert_int_equal(s.refused, 1);
	/* dropped: file and address gone */
	assert_int_equal(pb_outbox_drop(o, "all"), 0); /* never the whole queue at once */
	assert_int_equal(pb_outbox_drop(o, e[0].id), 1);
	pb_outbox_stats(o, &s);
	assert_int_equal(s.dead, 0);
	assert_int_equal(pb_outbox_list(o, e, 8), 0);
	pb_outbox_destroy(o);
	assert_int_equal(count_files(p, NULL), 0);
	assert_int_equal(mails(f), 3);
}

/* A dead letter goes with its link, like a queued message. */
static void
test_dead_letter_expires(void **state)
{
	struct fixture *f = *state;
	char p[700];
	f->args[0] = "--refuse", f->args[1] = "bounce@example.com";
	sink_start(f);
	make_photo(f, "s1");
	struct pb_outbox *o = outbox(f, "", "");
	assert_int_equal(pb_outbox_add(o, "bounce@example.com", "s1", LINK, time(NULL) + 2), PB_OK);
	assert_true(wait_stats(o, dead_is, 1));
	pb_outbox_destroy(o);
	snprintf(p, sizeof(p), "%s/dead", f->outbox);
	assert_int_equal(count_files(p, ".msg"), 1);
	sleep(3);
	o = outbox(f, "", "");
	assert_true(wait_stats(o, dead_is, 0));
	pb_outbox_destroy(o);
	assert_int_equal(count_files(p, NULL), 0);
}

/* A connection that drops mid-message, every time, for one recipient: that message waits with
 * its own backoff (not a dead letter: nothing was refused), the guest after it is sent. */
static void
test_dropped_connection_waits_alone(void **state)
{
	struct fixture *f = *state;
	struct pb_outbox_stats s;
	struct pb_outbox_entry e[4];
	f->args[0] = "--drop", f->args[1] = "flaky@example.com";
	sink_start(f);
	make_photo(f, "s1");
	struct pb_outbox *o = outbox(f, "", "");
	assert_int_equal(pb_outbox_add(o, "flaky@example.com", "s1", LINK, time(NULL) + 3600),
			 PB_OK);
	assert_int_equal(pb_outbox_add(o, "next@example.com", "s1", LINK, time(NULL) + 3600),
			 PB_OK);
	assert_true(wait_stats(o, sent_at_least, 1));
	assert_true(wait_stats(o, failures_at_least, 2));
	pb_outbox_stats(o, &s);
	assert_int_equal(s.depth, 1);
	assert_int_equal(s.dead, 0);
	assert_int_equal(s.retry_in_s, 0); /* no server-wide wait: only this message waits */
	assert_int_equal(pb_outbox_list(o, e, 4), 1);
	assert_string_equal(e[0].to, "f***@example.com");
	assert_true(e[0].attempts >= 2);
	assert_non_null(strstr(e[0].error, "deferred the message at DATA"));
	pb_outbox_destroy(o);
	char *m = all_mail(f);
	assert_non_null(strstr(m, "To: next@example.com"));
	assert_null(strstr(m, "To: flaky@example.com"));
	free(m);
}

/* The hourly limits: per address (any letter case) and per booth; staff's resends count. */
static void
test_rate_limits(void **state)
{
	struct fixture *f = *state;
	char url[64];
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", f->port); /* no server: nothing goes */
	struct pb_outbox_config c = {
		.dir = f->outbox,
		.sessions_dir = f->sessions,
		.server = { .url = url, .username = "", .from = "photos@booth.example" },
		.retry_first_s = 60,
		.retry_max_s = 60,
		.per_address_per_hour = 2,
		.per_booth_per_hour = 3,
	};
	struct pb_outbox *o = pb_outbox_create(&c);
	assert_non_null(o);
	assert_int_equal(pb_outbox_limit(o, "victim@example.com"), PB_LIMIT_NONE);
	assert_int_equal(pb_outbox_add(o, "victim@example.com", "s1", LINK, time(NULL) + 60),
			 PB_OK);
	assert_int_equal(pb_outbox_limit(o, "victim@example.com"), PB_LIMIT_NONE);
	assert_int_equal(pb_outbox_add(o, "Victim@Example.com", "s1", LINK, time(NULL) + 60),
			 PB_OK);
	assert_int_equal(pb_outbox_limit(o, "victim@example.com"), PB_LIMIT_ADDRESS);
	assert_int_equal(pb_outbox_limit(o, "VICTIM@EXAMPLE.COM"), PB_LIMIT_ADDRESS);
	/* one inbox however spelt: a sub-address anywhere, Gmail's dots */
	assert_int_equal(pb_outbox_limit(o, "victim+1@example.com"), PB_LIMIT_ADDRESS);
	assert_int_equal(pb_outbox_limit(o, "other@example.com"), PB_LIMIT_NONE);
	assert_int_equal(pb_outbox_add(o, "other@example.com", "s1", LINK, time(NULL) + 60), PB_OK);
	assert_int_equal(pb_outbox_limit(o, "third@example.com"), PB_LIMIT_BOOTH);
	pb_outbox_destroy(o);
	/* no limits: never refused */
	c.per_address_per_hour = c.per_booth_per_hour = 0;
	o = pb_outbox_create(&c);
	for (int i = 0; i < 5; i++)
		assert_int_equal(pb_outbox_add(o, "v@example.com", "s1", LINK, time(NULL) + 60),
				 PB_OK);
	assert_int_equal(pb_outbox_limit(o, "v@example.com"), PB_LIMIT_NONE);
	pb_outbox_destroy(o);
	c.per_address_per_hour = 1;
	c.per_booth_per_hour = 100;
	o = pb_outbox_create(&c);
	assert_int_equal(pb_outbox_add(o, "victim@gmail.com", "s1", LINK, time(NULL) + 60), PB_OK);
	assert_int_equal(pb_outbox_limit(o, "v.ictim@gmail.com"), PB_LIMIT_ADDRESS);
	assert_int_equal(pb_outbox_limit(o, "V.ictim+x@googlemail.com"), PB_LIMIT_ADDRESS);
	assert_int_equal(pb_outbox_limit(o, "v.ictim@example.com"), PB_LIMIT_NONE);
	pb_outbox_destroy(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outbox_waiting),
		cmocka_unit_test(test_refusal_is_booth),
		cmocka_unit_test_setup_teardown(test_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_down_then_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accepted_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sent_marker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expired_and_missing_photo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounce_and_deferral_block_nobody, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dead_letter_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dropped_connection_waits_alone, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
