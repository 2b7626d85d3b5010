/* disk.h - data_dir's free space, and the watch that takes the booth out of service when it
 * runs low (no new session could be kept) and back in when space is freed. statvfs only: it
 * does not block on anything but the file system. Main thread for the watch; pb_disk_space
 * from any thread. */
#ifndef PB_DISK_H
#define PB_DISK_H

#include <stdint.h>

struct pb_disk {
	long long free_mb, total_mb;
	int ok; /* 0 when statvfs failed */
};

/* dir's file system: free space (for unprivileged users) and size in MB. */
struct pb_disk pb_disk_space(const char *dir);

struct pb_disk_watch {
	uint64_t checked_ms; /* when it last looked; 0 never */
	long long free_mb;   /* as last seen; -1 unknown */
	int low;	     /* under the minimum: no new sessions */
};

void pb_disk_watch_init(struct pb_disk_watch *w);
/* Looks at dir (at most every 2 s unless force) and updates w; logs when it goes low (err)
 * and when it recovers. An unknown size leaves low as it was. Returns w->low. */
int pb_disk_watch(struct pb_disk_watch *w, const char *dir, int min_free_mb, uint64_t now,
		  int force);

#endif
