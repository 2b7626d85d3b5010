#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "log.h"
#include "mem.h"

static enum pb_status
from_errno(int e)
{
	switch (e) {
	case ENOSPC:
	case EDQUOT:
	case EROFS:
		return PB_ERR_MEDIA; /* disk full or read-only: staff must act */
	case ENOMEM:
		return PB_ERR_NOMEM;
	default:
		return PB_ERR_IO;
	}
}

int
pb_file_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = -1;

	if (fd >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	return rc;
}

static int
fsync_dir_of(const char *path)
{
	char *copy = pb_xstrdup(path);
	int rc = pb_file_fsync_dir(dirname(copy));
	free(copy);
	return rc;
}

enum pb_status
pb_file_write_atomic(const char *path, const void *data, size_t len, int mode)
{
	char *tmp = pb_xasprintf("%s.tmp.%ld", path, (long)getpid());
	const unsigned char *p = data;
	int fd, e;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		e = errno;
		pb_err("cannot create %s: %s", tmp, strerror(e));
		free(tmp);
		return from_errno(e);
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : EIO;
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0) {
		e = errno;
		goto fail;
	}
	if (close(fd) < 0) {
		e = errno;
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		e = errno;
		goto fail;
	}
	free(tmp);
	/* The rename is durable only once the directory entry is on disk. */
	if (fsync_dir_of(path) < 0)
		pb_warn("fsync of the directory of %s failed: %s", path, strerror(errno));
	return PB_OK;
fail:
	pb_err("cannot write %s: %s", path, strerror(e));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return from_errno(e);
}

enum pb_status
pb_file_read(const char *path, size_t max, unsigned char **data, size_t *len)
{
	struct stat st;
	unsigned char *buf;
	size_t got = 0;
	int fd;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		pb_err("cannot open %s: %s", path, strerror(e));
		return e == ENOENT ? PB_ERR_INPUT : from_errno(e);
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		pb_err("%s: not a regular file", path);
		close(fd);
		return PB_ERR_INPUT;
	}
	if ((unsigned long long)st.st_size > max) {
		pb_err("%s: %lld bytes is larger than the limit of %zu", path,
		       (long long)st.st_size, max);
		close(fd);
		return PB_ERR_INPUT;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return PB_ERR_NOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			pb_err("cannot read %s: %s", path, strerror(e));
			free(buf);
			close(fd);
			return from_errno(e);
		}
		if (n == 0)
			break; /* the file shrank under us: return what is there */
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return PB_OK;
}

enum pb_status
pb_file_map(const char *path, size_t max, unsigned char **data, size_t *len)
{
	struct stat st;
	void *p;
	int fd;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) /* not logged: the caller names the file in its own message */
		return errno == ENOENT ? PB_ERR_INPUT : from_errno(errno);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0 ||
	    (unsigned long long)st.st_size > max) {
		close(fd);
		return PB_ERR_INPUT;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return from_errno(errno);
	*data = p;
	*len = (size_t)st.st_size;
	return PB_OK;
}

void
pb_file_unmap(unsigned char *data, size_t len)
{
	if (data)
		munmap(data, len);
}

enum pb_status
pb_file_mkdirs(const char *path, int mode)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return PB_ERR_INPUT;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST) {
				int e = errno;
				pb_err("cannot create directory %s: %s", buf, strerror(e));
				return from_errno(e);
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return PB_OK;
}

enum pb_status
pb_file_remove_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (!d)
		return errno == ENOENT ? PB_OK : from_errno(errno);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) < 0)
			pb_warn("cannot remove %s/%s: %s", path, de->d_name, strerror(errno));
	}
	closedir(d);
	if (rmdir(path) < 0) {
		pb_warn("cannot remove %s: %s", path, strerror(errno));
		return from_errno(errno);
	}
	return PB_OK;
}

enum pb_status
pb_file_read_secret(const char *path, char **out)
{
	unsigned char *data = NULL;
	size_t len = 0;
	*out = NULL;
	if (pb_file_read(path, 4096, &data, &len) != PB_OK)
		return PB_ERR_IO;
	data[strcspn((char *)data, "\r\n")] = '\0';
	if (!data[0]) {
		free(data);
		return PB_ERR_INPUT;
	}
	*out = (char *)data;
	return PB_OK;
}
