/* The control socket: round trips, permissions, refusals. Hostile clients tried: an
 * overlong line, an empty line, a client that connects and says nothing, a second server
 * on a live socket, a handler whose answer holds stack garbage (control bytes, broken
 * UTF-8), a process out of file descriptors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <grp.h>
#include <poll.h>
#include <unistd.h>

#include "clock.h"
#include "control.h"
#include "helpers.h"

static char *dir;
static char sock[4200];

static int
setup(void **state)
{
	(void)state;
	dir = make_tmpdir();
	snprintf(sock, sizeof(sock), "%s/ctl.sock", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	rm_tree(dir);
	free(dir);
	return 0;
}

static void
handler(void *ctx, int argc, char **argv, struct pb_buf *reply)
{
	int *calls = ctx;
	(*calls)++;
	if (!strcmp(argv[0], "garbage")) {
		/* what an uninitialised buffer looks like: NULs, escapes, a cut-off sequence */
		static const char junk[] = "0 th\xe9me \x1b[2J\x00\x7f\xc3\xa9\xe2\x82\n";
		pb_buf_append(reply, junk, sizeof(junk) - 1);
	} else if (!strcmp(argv[0], "echo")) {
		pb_control_reply(reply, 0, "ok");
		for (int i = 1; i < argc; i++)
			pb_buf_printf(reply, "%s\n", argv[i]);
	} else {
		pb_control_reply(reply, 2, "unknown command '%s'", argv[0]);
	}
}

struct client {
	pthread_t t;
	const char *line;
	struct pb_buf reply;
	enum pb_status st;
	char why[256];
	volatile int done;
};

static void *
client_run(void *arg)
{
	struct client *c = arg;
	c->st = pb_control_request(sock, c->line, &c->reply, 5000, c->why, sizeof(c->why));
	c->done = 1;
	return NULL;
}

/* Sends line from a thread while this thread serves the socket, like the main loop does. */
static void
roundtrip(struct pb_control *ctl, int *calls, const char *line, struct client *c)
{
	memset(c, 0, sizeof(*c));
	pb_buf_init(&c->reply);
	c->line = line;
	pthread_create(&c->t, NULL, client_run, c);
	uint64_t until = pb_now_ms() + 5000;
	while (!c->done && pb_now_ms() < until)
		pb_control_poll(ctl, pb_now_ms(), handler, calls);
	pthread_join(c->t, NULL);
}

static void
test_roundtrip(void **state)
{
	struct pb_control *ctl;
	struct client c;
	struct stat st;
	int calls = 0;
	(void)state;
	assert_int_equal(pb_control_open(sock, NULL, &ctl), PB_OK);
	assert_int_equal(stat(sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);

	roundtrip(ctl, &calls, "echo a b\n", &c);
	assert_int_equal(c.st, PB_OK);
	assert_string_equal(c.reply.data, "0 ok\na\nb\n");
	pb_buf_fini(&c.reply);

	roundtrip(ctl, &calls, "frobnicate", &c); /* the client adds the newline */
	assert_string_equal(c.reply.data, "2 unknown command 'frobnicate'\n");
	pb_buf_fini(&c.reply);

	roundtrip(ctl, &calls, "\n", &c);
	assert_string_equal(c.reply.data, "2 empty command\n");
	pb_buf_fini(&c.reply);
	assert_int_equal(calls, 2); /* the empty line never reached the handler */

	char big[3000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	roundtrip(ctl, &calls, big, &c);
	assert_non_null(strstr(c.reply.data, "2 command longer than"));
	pb_buf_fini(&c.reply);
	assert_int_equal(calls, 2);

	/* a second kiosk on the same socket is refused while the first one lives */
	struct pb_control *other;
	assert_int_equal(pb_control_open(sock, NULL, &other), PB_ERR_BUSY);
	pb_control_close(ctl);
	assert_int_equal(stat(sock, &st), -1); /* removed on close */
}

static void
test_silent_client_is_dropped(void **state)
{
	struct pb_control *ctl;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct client c;
	int calls = 0, fd;
	char buf[64];
	(void)state;
	assert_int_equal(pb_control_open(sock, NULL, &ctl), PB_OK);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(sa.sun_path, sock);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	/* it says nothing; others are still served, and after the client timeout (driven by
	 * the clock we pass in) it is hung up on */
	roundtrip(ctl, &calls, "echo still-here", &c);
	assert_string_equal(c.reply.data, "0 ok\nstill-here\n");
	pb_buf_fini(&c.reply);
	pb_control_poll(ctl, pb_now_ms() + 60000, handler, &calls);
	assert_int_equal(read(fd, buf, sizeof(buf)), 0);
	close(fd);
	pb_control_close(ctl);
}

/* A member of the control group holding every slot it can: the last one is kept for root
 * (or the kiosk's own user), so staff still get in. Run as root (make check is). */
static void
test_reserved_slot(void **state)
{
	struct pb_control *ctl;
	struct group *gr = getgrnam("nogroup");
	int calls = 0, ready[2], go[2];
	(void)state;
	if (geteuid() != 0 || !gr) {
		skip();
		return;
	}
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(pb_control_open(sock, "nogroup", &ctl), PB_OK);
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid_t pid = fork();
	if (pid == 0) { /* nobody, in the group: PB_CONTROL_MAX_CLIENTS connections */
		int fds[PB_CONTROL_MAX_CLIENTS], busy = 0;
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		char buf[64];
		strcpy(sa.sun_path, sock);
		alarm(20); /* never outlive a failed test */
		if (setgid(gr->gr_gid) || setuid(65534))
			_exit(100);
		for (int i = 0; i < PB_CONTROL_MAX_CLIENTS; i++) {
			fds[i] = socket(AF_UNIX, SOCK_STREAM, 0);
			if (connect(fds[i], (struct sockaddr *)&sa, sizeof(sa)) < 0)
				_exit(101);
		}
		if (write(ready[1], "r", 1) != 1 || read(go[0], buf, 1) != 1)
			_exit(102);
		for (int i = 0; i < PB_CONTROL_MAX_CLIENTS; i++) {
			struct pollfd p = { fds[i], POLLIN, 0 };
			ssize_t n = poll(&p, 1, 0) == 1 ? read(fds[i], buf, sizeof(buf) - 1) : 0;
			busy += n > 0 && !strncmp(buf, "1 busy", 6);
		}
		_exit(busy);
	}
	struct pollfd pr = { ready[0], POLLIN, 0 };
	uint64_t until = pb_now_ms() + 1500;
	while (poll(&pr, 1, 0) == 0 && pb_now_ms() < until)
		pb_control_poll(ctl, pb_now_ms(), handler, &calls);
	for (int i = 0; i < 20; i++) /* every connection accepted or turned away */
		pb_control_poll(ctl, pb_now_ms(), handler, &calls);
	struct client c;
	roundtrip(ctl, &calls, "echo staff", &c); /* root: the kept slot */
	assert_int_equal(c.st, PB_OK);
	assert_string_equal(c.reply.data, "0 ok\nstaff\n");
	pb_buf_fini(&c.reply);
	assert_int_equal(write(go[1], "g", 1), 1);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1); /* exactly one of nobody's turned away */
	close(ready[0]), close(ready[1]), close(go[0]), close(go[1]);
	pb_control_close(ctl);
}

static void
test_stale_socket_and_no_server(void **state)
{
	struct pb_control *ctl;
	struct pb_buf reply;
	char why[256];
	(void)state;
	/* nobody listening: a clear error */
	pb_buf_init(&reply);
	assert_int_equal(pb_control_request(sock, "status\n", &reply, 1000, why, sizeof(why)),
			 PB_ERR_NODEV);
	assert_non_null(strstr(why, "is photobooth running?"));
	pb_buf_fini(&reply);
	/* a socket file left by a crash is replaced */
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	strcpy(sa.sun_path, sock);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	assert_int_equal(pb_control_open(sock, NULL, &ctl), PB_OK);
	pb_control_close(ctl);
}

static void
test_printable(void **state)
{
	(void)state;
	char a[] = "0 caf\xc3\xa9 \xea\xb0\x80 \xf0\x9f\x93\xb7\tok\n";
	assert_int_equal(pb_control_printable(a, strlen(a)), 0); /* é, 가, 📷 stay */
	char b[] = "x\x01\x1b\x7f\xff\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe2\x82";
	size_t n = sizeof(b) - 1;
	assert_int_equal(pb_control_printable(b, n), n - 1);
	for (size_t i = 1; i < n; i++)
		assert_int_equal(b[i], '?');
	char z[3] = { 'a', 0, 'b' };
	assert_int_equal(pb_control_printable(z, 3), 1);
	assert_memory_equal(z, "a?b", 3);
	/* U+009B (CSI), U+202E (right-to-left override), U+2066 (isolate): each byte a '?' */
	char c[] = "a\xc2\x9b"
		   "b\xe2\x80\xae"
		   "c\xe2\x81\xa6"
		   "d\xe2\x80\x94";
	assert_int_equal(pb_control_printable(c, strlen(c)), 8);
	assert_string_equal(c, "a??b???c???d\xe2\x80\x94"); /* the em dash stays */
}

static void
test_answers_are_text(void **state)
{
	struct pb_control *ctl;
	struct client c;
	int calls = 0;
	(void)state;
	assert_int_equal(pb_control_open(sock, NULL, &ctl), PB_OK);
	roundtrip(ctl, &calls, "garbage", &c);
	assert_int_equal(c.st, PB_OK);
	assert_string_equal(c.reply.data, "0 th?me ?[2J??\xc3\xa9??\n");
	pb_buf_fini(&c.reply);

	/* out of descriptors: the spare one lets the command in all the same */
	struct rlimit old, low;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	int fds[4096], nfd = 0;
	low = old;
	low.rlim_cur = 64;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	while (nfd < 4096 && (fds[nfd] = open("/dev/null", O_RDONLY)) >= 0)
		nfd++;
	assert_true(nfd > 0 && nfd < 64);
	/* the client needs one descriptor of its own: give one back for it */
	close(fds[--nfd]);
	roundtrip(ctl, &calls, "echo full", &c);
	assert_int_equal(c.st, PB_OK);
	assert_string_equal(c.reply.data, "0 ok\nfull\n");
	pb_buf_fini(&c.reply);
	while (nfd)
		close(fds[--nfd]);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	/* and again once there is room: the spare is taken back */
	roundtrip(ctl, &calls, "echo again", &c);
	assert_string_equal(c.reply.data, "0 ok\nagain\n");
	pb_buf_fini(&c.reply);
	pb_control_close(ctl);
}

static void
test_split(void **state)
{
	char line[] = "  printer   paper\t20 \r\n";
	char *argv[4];
	(void)state;
	assert_int_equal(pb_control_split(line, argv, 4), 3);
	assert_string_equal(argv[0], "printer");
	assert_string_equal(argv[1], "paper");
	assert_string_equal(argv[2], "20");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_silent_client_is_dropped),
		cmocka_unit_test(test_reserved_slot),
		cmocka_unit_test(test_stale_socket_and_no_server),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_answers_are_text),
	};
	return cmocka_run_group_tests_name("control", tests, setup, teardown);
}
