#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "inifile.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "num.h"
#include "spool.h"

#define INI "spool.ini"

char *
pb_spool_photo(const struct pb_spool *s, int i)
{
	return pb_xasprintf("%s/%s.jpg", s->dir, s->jobs[i].id);
}

static int
find(const struct pb_spool *s, const char *id)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->jobs[i].id, id))
			return i;
	return -1;
}

static struct pb_spool_job *
append(struct pb_spool *s, const char *id)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->jobs = pb_xrealloc(s->jobs, (size_t)s->cap * sizeof(*s->jobs));
	}
	struct pb_spool_job *j = &s->jobs[s->n++];
	memset(j, 0, sizeof(*j));
	snprintf(j->id, sizeof(j->id), "%s", id);
	j->copy = j->copies = 1;
	return j;
}

/* An id names a file in our folder and goes to CUPS: keep it to safe characters. */
static int
valid_id(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n >= PB_SPOOL_ID_MAX || id[0] == '.')
		return 0;
	return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == n;
}

static void
on_key(struct pb_ini *ini, const char *section, const char *name, const char *value)
{
	struct pb_spool *s = ini->user;
	long n;

	if (!strcmp(section, "counters")) {
		struct pb_spool_counters *c = &s->c;
		if (!strcmp(name, "seconds_per_print")) {
			char *end;
			double d = strtod(value, &end);
			if (*end || d < 0 || d > 3600)
				pb_ini_error(ini, "seconds_per_print = %s: not a duration", value);
			else
				c->seconds_per_print = d;
			return;
		}
		if (pb_parse_long(value, !strcmp(name, "prints_remaining") ? -1 : 0, 1000000000,
				  &n)) {
			pb_ini_error(ini, "%s = %s: not a count", name, value);
			return;
		}
		if (!strcmp(name, "prints_remaining"))
			c->prints_remaining = (int)n;
		else if (!strcmp(name, "completed"))
			c->completed = (unsigned)n;
		else if (!strcmp(name, "submitted"))
			c->submitted = (unsigned)n;
		else if (!strcmp(name, "resubmitted"))
			c->resubmitted = (unsigned)n;
		else if (!strcmp(name, "canceled"))
			c->canceled = (unsigned)n;
		else if (!strcmp(name, "refused"))
			c->refused = (unsigned)n;
		else if (!strcmp(name, "unconfirmed"))
			c->unconfirmed = (unsigned)n;
		else
			pb_ini_error(ini, "unknown counter '%s'", name);
		return;
	}
	if (strncmp(section, "job.", 4) || !valid_id(section + 4)) {
		pb_ini_error(ini, "unknown section [%s]", section);
		return;
	}
	int i = find(s, section + 4);
	struct pb_spool_job *j = i >= 0 ? &s->jobs[i] : append(s, section + 4);
	if (!strcmp(name, "session")) {
		snprintf(j->session, sizeof(j->session), "%s", value);
		return;
	}
	if (!strcmp(name, "words")) {
		snprintf(j->words, sizeof(j->words), "%s", value);
		return;
	}
	if (!strcmp(name, "hold")) {
		if (!strcmp(value, "refused"))
			j->hold = PB_SPOOL_REFUSED;
		else if (!strcmp(value, "unconfirmed"))
			j->hold = PB_SPOOL_UNCONFIRMED;
		else if (strcmp(value, "no"))
			pb_ini_error(ini, "hold = %s: not no, refused or unconfirmed", value);
		return;
	}
	if (pb_parse_long(value, 0, INT64_MAX / 2, &n)) {
		pb_ini_error(ini, "%s = %s: not a number", name, value);
		return;
	}
	if (!strcmp(name, "copy"))
		j->copy = (int)(n > 99 ? 99 : n);
	else if (!strcmp(name, "copies"))
		j->copies = (int)(n > 99 ? 99 : n);
	else if (!strcmp(name, "cups_job"))
		j->cups_job = n > 0x7fffffff ? 0 : (int)n;
	else if (!strcmp(name, "spooled"))
		j->spooled = n;
	else if (!strcmp(name, "resubmits"))
		j->resubmits = (int)(n > 1000000 ? 1000000 : n);
	else if (!strcmp(name, "refusals"))
		j->refusals = (int)(n > 1000 ? 1000 : n);
	else
		pb_ini_error(ini, "unknown key '%s' in [%s]", name, section);
}

static int
by_id(const void *a, const void *b)
{
	return strcmp(((const struct pb_spool_job *)a)->id, ((const struct pb_spool_job *)b)->id);
}

/* Photos the kiosk linked but never listed: they were spooled, so they must print. */
static void
adopt_orphans(struct pb_spool *s)
{
	DIR *d = opendir(s->dir);
	struct dirent *e;
	int first = s->n;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char id[PB_SPOOL_ID_MAX];
		if (n < 5 || n - 4 >= sizeof(id) || strcmp(e->d_name + n - 4, ".jpg"))
			continue;
		memcpy(id, e->d_name, n - 4);
		id[n - 4] = '\0';
		if (!valid_id(id) || find(s, id) >= 0)
			continue;
		struct pb_spool_job *j = append(s, id);
		/* <session>-<copy>: the session is everything before the last dash */
		char *dash = strrchr(id, '-');
		long copy = 1;
		if (dash && pb_parse_long(dash + 1, 1, 99, &copy) == 0)
			*dash = '\0';
		snprintf(j->session, sizeof(j->session), "%s", id);
		j->copy = j->copies = (int)copy;
		j->uncertain = 1;
		pb_warn("spool: %s.jpg was spooled but not recorded; checking CUPS before printing it",
			j->id);
	}
	closedir(d);
	if (s->n > first) /* (qsort must not be given a NULL array, even to sort nothing) */
		qsort(s->jobs + first, (size_t)(s->n - first), sizeof(*s->jobs), by_id);
}

/* Drops listed jobs whose photo is gone (already printed and removed). */
static void
drop_missing(struct pb_spool *s)
{
	int k = 0;
	for (int i = 0; i < s->n; i++) {
		char *p = pb_spool_photo(s, i);
		int there = access(p, F_OK) == 0;
		free(p);
		if (there)
			s->jobs[k++] = s->jobs[i];
		else
			pb_info("spool: %s has no photo any more; it was printed", s->jobs[i].id);
	}
	s->n = k;
}

enum pb_status
pb_spool_open(struct pb_spool *s, const char *dir)
{
	char *ini_path;
	struct pb_ini ini = { .user = s, .handler = on_key };

	memset(s, 0, sizeof(*s));
	s->dir = pb_xstrdup(dir);
	s->c.prints_remaining = -1;
	if (pb_file_mkdirs(dir, 0750) != PB_OK)
		return PB_ERR_IO;
	ini_path = pb_xasprintf("%s/" INI, dir);
	ini.path = ini_path;
	if (access(ini_path, F_OK) == 0 && pb_ini_parse(&ini) != PB_OK) {
		char *bad = pb_xasprintf("%s.bad", ini_path);
		pb_err("spool: %s is damaged; moved to %s, the photos in the spool are kept:\n%s",
		       ini_path, bad, ini.msg.data);
		if (rename(ini_path, bad) < 0)
			pb_err("spool: cannot move %s aside: %s", ini_path, strerror(errno));
		free(bad);
		/* what was read before the damage may be wrong too: trust only the photos */
		s->n = 0;
		s->c = (struct pb_spool_counters){ .prints_remaining = -1 };
	}
	pb_buf_fini(&ini.msg);
	free(ini_path);
	drop_missing(s);
	int listed = s->n;
	adopt_orphans(s);
	if (s->n > listed)
		pb_spool_save(s);
	return PB_OK;
}

void
pb_spool_close(struct pb_spool *s)
{
	free(s->dir);
	free(s->jobs);
	memset(s, 0, sizeof(*s));
}

enum pb_status
pb_spool_save(struct pb_spool *s)
{
	struct pb_buf b;
	char *path = pb_xasprintf("%s/" INI, s->dir);
	enum pb_status st;

	pb_buf_init(&b);
	pb_buf_printf(&b,
		      "; photobooth print spool, rewritten by the kiosk on every change.\n"
		      "; Each <id>.jpg here is a print still owed; see README.md.\n"
		      "[counters]\nprints_remaining = %d\ncompleted = %u\nsubmitted = %u\n"
		      "resubmitted = %u\ncanceled = %u\nrefused = %u\nunconfirmed = %u\n"
		      "seconds_per_print = %.2f\n",
		      s->c.prints_remaining, s->c.completed, s->c.submitted, s->c.resubmitted,
		      s->c.canceled, s->c.refused, s->c.unconfirmed, s->c.seconds_per_print);
	for (int i = 0; i < s->n; i++) {
		const struct pb_spool_job *j = &s->jobs[i];
		pb_buf_printf(&b,
			      "\n[job.%s]\nsession = %s\ncopy = %d\ncopies = %d\ncups_job = %d\n"
			      "spooled = %lld\nresubmits = %d\nrefusals = %d\nhold = %s\n",
			      j->id, j->session, j->copy, j->copies, j->cups_job,
			      (long long)j->spooled, j->resubmits, j->refusals,
			      j->hold == PB_SPOOL_REFUSED	? "refused"
			      : j->hold == PB_SPOOL_UNCONFIRMED ? "unconfirmed"
								: "no");
		if (j->words[0])
			pb_buf_printf(&b, "words = %s\n", j->words);
	}
	st = pb_file_write_atomic(path, b.data, b.len, 0640);
	pb_buf_fini(&b);
	free(path);
	return st;
}

static enum pb_status
copy_file(const char *from, const char *to)
{
	unsigned char *data;
	size_t len;
	enum pb_status st = pb_file_read(from, (size_t)256 << 20, &data, &len);
	if (st != PB_OK) {
		pb_err("spool: cannot read %s: %s", from, pb_status_str(st));
		return st == PB_ERR_IO && access(from, F_OK) < 0 ? PB_ERR_INPUT : st;
	}
	st = pb_file_write_atomic(to, data, len, 0640);
	free(data);
	return st;
}

enum pb_status
pb_spool_add(struct pb_spool *s, const char *session, int copy, int copies, const char *photo)
{
	char id[PB_SPOOL_ID_MAX];
	char *path;
	enum pb_status st;

	snprintf(id, sizeof(id), "%s-%d", session, copy);
	if (!valid_id(id) || find(s, id) >= 0) {
		pb_err("spool: refusing print id '%s' (malformed or already spooled)", id);
		return PB_ERR_INPUT;
	}
	path = pb_xasprintf("%s/%s.jpg", s->dir, id);
	/* A hard link: no copy, and the print survives whatever happens to the session. */
	if (link(photo, path) < 0) {
		int e = errno;
		if (e == EXDEV || e == EPERM || e == EMLINK) {
			/* another file system, or one without hard links: a copy will do */
			st = copy_file(photo, path);
			free(path);
			if (st != PB_OK)
				return st;
			goto listed;
		}
		pb_err("spool: cannot link %s to %s: %s", photo, path, strerror(e));
		free(path);
		return e == ENOSPC || e == EDQUOT ? PB_ERR_MEDIA
		       : e == ENOENT		  ? PB_ERR_INPUT
						  : PB_ERR_IO;
	}
	free(path);
listed:;
	struct pb_spool_job *j = append(s, id);
	snprintf(j->session, sizeof(j->session), "%s", session);
	j->copy = copy;
	j->copies = copies;
	j->spooled = (int64_t)time(NULL);
	st = pb_spool_save(s);
	if (st != PB_OK) {
		/* The link is on disk even if the list is not: the next open adopts it, so the
		 * print is still owed. Keep it in memory too. */
		pb_err("spool: %s is spooled but spool.ini could not be saved", id);
	}
	return PB_OK;
}

enum pb_status
pb_spool_remove(struct pb_spool *s, int i)
{
	char *p = pb_spool_photo(s, i);
	if (unlink(p) < 0 && errno != ENOENT)
		pb_err("spool: cannot remove %s: %s", p, strerror(errno));
	free(p);
	memmove(&s->jobs[i], &s->jobs[i + 1], (size_t)(s->n - i - 1) * sizeof(*s->jobs));
	s->n--;
	return pb_spool_save(s);
}
