/* disk.c - see disk.h. */
#include <sys/statvfs.h>

#include "disk.h"
#include "log.h"

struct pb_disk
pb_disk_space(const char *dir)
{
	struct statvfs sv;
	struct pb_disk d = { 0 };
	if (statvfs(dir, &sv) == 0) {
		d.free_mb = (long long)(sv.f_bavail * (unsigned long long)sv.f_frsize >> 20);
		d.total_mb = (long long)(sv.f_blocks * (unsigned long long)sv.f_frsize >> 20);
		d.ok = 1;
	}
	return d;
}

void
pb_disk_watch_init(struct pb_disk_watch *w)
{
	w->checked_ms = 0;
	w->free_mb = -1;
	w->low = 0;
}

int
pb_disk_watch(struct pb_disk_watch *w, const char *dir, int min_free_mb, uint64_t now, int force)
{
	if (!force && w->checked_ms && now - w->checked_ms < 2000)
		return w->low;
	w->checked_ms = now;
	struct pb_disk d = pb_disk_space(dir);
	if (!d.ok) {
		w->free_mb = -1; /* unknown: the writes themselves will tell */
		return w->low;
	}
	w->free_mb = d.free_mb;
	int low = w->free_mb < min_free_mb;
	if (low && !w->low)
		pb_err("data_dir %s has %lld MB free, under [storage] min_free_mb = %d: no new "
		       "sessions until staff free space (photoboothctl purge HOURS)",
		       dir, w->free_mb, min_free_mb);
	else if (!low && w->low)
		pb_notice("data_dir has %lld MB free again: taking guests", w->free_mb);
	w->low = low;
	return low;
}
