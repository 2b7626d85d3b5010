#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "file.h"
#include "log.h"
#include "mem.h"
#include "share.h"

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

enum pb_status
pb_share_token(char out[PB_TOKEN_LEN + 1])
{
	unsigned char r[17]; /* 128 bits, plus one byte so 22 characters divide evenly */
	size_t got = 0;

	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			pb_err("share: getrandom: %s", strerror(errno));
			return PB_ERR_IO;
		}
		got += (size_t)n;
	}
	/* 22 characters of 6 bits: 132 bits, all random */
	for (int i = 0, bit = 0; i < PB_TOKEN_LEN; i++, bit += 6) {
		int byte = bit / 8, off = bit % 8;
		unsigned v = ((unsigned)r[byte] << 8 | r[byte + 1]) >> (10 - off);
		out[i] = b64url[v & 63];
	}
	out[PB_TOKEN_LEN] = '\0';
	return PB_OK;
}

int
pb_share_token_valid(const char *s)
{
	size_t n = strlen(s);
	return n == PB_TOKEN_LEN && strspn(s, b64url) == n;
}

static char *
link_path(const char *data_dir, const char *token)
{
	return pb_xasprintf("%s/links/%s", data_dir, token);
}

enum pb_status
pb_share_link_write(const char *data_dir, const char *token, const char *session, time_t expires,
		    const char *lang)
{
	char *dir = pb_xasprintf("%s/links", data_dir), *path, body[128];
	enum pb_status st;
	int n;

	if (!pb_share_token_valid(token) || strchr(session, '/') || strchr(session, '\n') ||
	    !*session || session[0] == '.') {
		free(dir);
		return PB_ERR_INPUT;
	}
	st = pb_file_mkdirs(dir, 0750);
	free(dir);
	if (st != PB_OK)
		return st;
	if (!lang || !*lang || strlen(lang) > 7 ||
	    strspn(lang, "abcdefghijklmnopqrstuvwxyz") != strlen(lang))
		lang = "en";
	n = snprintf(body, sizeof(body), "%s %lld %s\n", session, (long long)expires, lang);
	if (n < 0 || (size_t)n >= sizeof(body))
		return PB_ERR_INPUT;
	path = link_path(data_dir, token);
	st = pb_file_write_atomic(path, body, (size_t)n, 0640);
	free(path);
	return st;
}

/* Reads a link file: session, expiry and (since links kept it) the guest's language. */
static enum pb_status
read_link_lang(const char *path, char *session, size_t n, long long *expires, char lang[8])
{
	unsigned char *data;
	size_t len;
	char sess[128], l[8] = "en";

	if (pb_file_read(path, 256, &data, &len) != PB_OK)
		return PB_ERR_INPUT;
	int ok = sscanf((char *)data, "%127s %lld %7s", sess, expires, l) >= 2 &&
		 !strchr(sess, '/') && sess[0] != '.' && strlen(sess) < n;
	if (lang)
		snprintf(lang, 8, "%s",
			 strspn(l, "abcdefghijklmnopqrstuvwxyz") == strlen(l) ? l : "en");
	free(data);
	if (!ok)
		return PB_ERR_INPUT;
	snprintf(session, n, "%s", sess);
	return PB_OK;
}

static enum pb_status
read_link(const char *path, char *session, size_t n, long long *expires)
{
	return read_link_lang(path, session, n, expires, NULL);
}

enum pb_status
pb_share_link_lookup(const char *data_dir, const char *token, time_t now, char *session, size_t n)
{
	return pb_share_link_read(data_dir, token, now, session, n, NULL, NULL);
}

enum pb_status
pb_share_link_read(const char *data_dir, const char *token, time_t now, char *session, size_t n,
		   time_t *expires_out, char lang[8])
{
	long long expires;
	enum pb_status st;

	if (!pb_share_token_valid(token))
		return PB_ERR_INPUT;
	char *path = link_path(data_dir, token);
	/* pb_file_read logs a missing file; a wrong guess is not worth a log line */
	if (access(path, F_OK) < 0) {
		free(path);
		return PB_ERR_INPUT;
	}
	st = read_link_lang(path, session, n, &expires, lang);
	free(path);
	if (st != PB_OK || expires <= (long long)now)
		return PB_ERR_INPUT;
	if (expires_out)
		*expires_out = (time_t)expires;
	return PB_OK;
}

enum pb_status
pb_share_link_find(const char *data_dir, const char *session, time_t now,
		   char token[PB_TOKEN_LEN + 1], time_t *expires)
{
	char *dir = pb_xasprintf("%s/links", data_dir);
	DIR *d = opendir(dir);
	struct dirent *e;
	enum pb_status st = PB_ERR_INPUT;

	while (d && (e = readdir(d))) {
		char s[128];
		long long exp;
		if (!pb_share_token_valid(e->d_name))
			continue;
		char *path = pb_xasprintf("%s/%s", dir, e->d_name);
		if (read_link(path, s, sizeof(s), &exp) == PB_OK && !strcmp(s, session) &&
		    exp > (long long)now) {
			snprintf(token, PB_TOKEN_LEN + 1, "%s", e->d_name);
			*expires = (time_t)exp;
			st = PB_OK;
		}
		free(path);
		if (st == PB_OK)
			break;
	}
	if (d)
		closedir(d);
	free(dir);
	return st;
}

/* A link's temporary file left by a kill before its rename (pb_file_write_atomic names it
 * <token>.tmp.<pid>): the guest never saw that link. Our own pid's may be a write in
 * progress on another thread. */
static void
stale_temp(const char *dir, const char *name)
{
	const char *t = strstr(name, ".tmp.");
	if (!t || t - name != PB_TOKEN_LEN || strtol(t + 5, NULL, 10) == (long)getpid())
		return;
	char *path = pb_xasprintf("%s/%s", dir, name);
	if (unlink(path) == 0)
		pb_info("share: removed %s, a link never finished before a restart", name);
	free(path);
}

int
pb_share_purge(const char *data_dir, time_t now, void (*gone)(void *ctx, const char *token),
	       void *ctx)
{
	char *dir = pb_xasprintf("%s/links", data_dir);
	DIR *d = opendir(dir);
	struct dirent *e;
	int purged = 0;

	if (!d) {
		free(dir);
		return 0;
	}
	while ((e = readdir(d))) {
		char session[128];
		long long expires;
		if (!pb_share_token_valid(e->d_name)) {
			stale_temp(dir, e->d_name);
			continue;
		}
		char *path = pb_xasprintf("%s/%s", dir, e->d_name);
		if (read_link(path, session, sizeof(session), &expires) == PB_OK) {
			char *sdir = pb_xasprintf("%s/sessions/%s", data_dir, session);
			/* a link whose photos staff deleted goes too */
			if (expires > (long long)now && access(sdir, F_OK) == 0) {
				free(sdir);
				free(path);
				continue;
			}
			if (gone) /* copies elsewhere go too: queued before the link */
				gone(ctx, e->d_name);
			/* the photos first: a link left behind leads nowhere */
			if (access(sdir, F_OK) == 0 && pb_file_remove_dir(sdir) != PB_OK)
				pb_err("share: cannot remove expired session %s", session);
			else if (unlink(path) == 0)
				purged++;
			free(sdir);
		}
		free(path);
	}
	closedir(d);
	free(dir);
	if (purged)
		pb_info("share: %d expired link%s and photos removed", purged,
			purged == 1 ? "" : "s");
	return purged;
}

int
pb_share_any_link(const char *data_dir)
{
	char *dir = pb_xasprintf("%s/links", data_dir);
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	free(dir);
	if (!d)
		return 0;
	while (!found && (e = readdir(d)))
		found = pb_share_token_valid(e->d_name);
	closedir(d);
	return found;
}
