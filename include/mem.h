/* mem.h - small allocations that abort on failure. Pixel buffers do not use these:
 * they use malloc and return PB_ERR_NOMEM (see image.h). Any thread. */
#ifndef PB_MEM_H
#define PB_MEM_H

#include <stddef.h>

void *pb_xmalloc(size_t n);
void *pb_xcalloc(size_t nmemb, size_t size);
void *pb_xrealloc(void *p, size_t n);
char *pb_xstrdup(const char *s);
/* printf into a new string; caller frees. */
char *pb_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
