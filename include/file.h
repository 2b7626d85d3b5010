/* file.h - durable file operations. Every write is atomic: a temporary file in the same
 * directory, fsync, rename over the target, fsync of the directory. A reader sees the old
 * file or the new one, never a torn one. Blocking; any thread. */
#ifndef PB_FILE_H
#define PB_FILE_H

#include <stddef.h>
#include "status.h"

/* Writes len bytes to path atomically with the given mode (e.g. 0644). Logs errno text. */
enum pb_status pb_file_write_atomic(const char *path, const void *data, size_t len, int mode);

/* Reads a whole file into a new buffer (NUL-terminated, not counted in *len); caller frees.
 * Refuses files larger than max bytes with PB_ERR_INPUT. */
enum pb_status pb_file_read(const char *path, size_t max, unsigned char **data, size_t *len);

/* A secret kept in a file (a key, a password): its first line, without the line end, in a new
 * string (caller wipes and frees). PB_ERR_IO when it cannot be read (or is over 4 kB),
 * PB_ERR_INPUT when the first line is empty (*out is then NULL). */
enum pb_status pb_file_read_secret(const char *path, char **out);

/* Maps a whole file read-only (no copy; for large inputs read once). Refuses files larger than
 * max and empty files with PB_ERR_INPUT. Logs nothing. Undo with pb_file_unmap. */
enum pb_status pb_file_map(const char *path, size_t max, unsigned char **data, size_t *len);
void pb_file_unmap(unsigned char *data, size_t len);

/* fsync of a directory, so entries created, renamed or removed in it are on disk. Returns 0,
 * or -1 with errno. */
int pb_file_fsync_dir(const char *dir);

/* mkdir -p with mode for each created directory. */
enum pb_status pb_file_mkdirs(const char *path, int mode);

/* Removes a directory and the regular files directly inside it (session folders are flat). */
enum pb_status pb_file_remove_dir(const char *path);

#endif
