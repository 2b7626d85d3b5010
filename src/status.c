#include "status.h"

const char *
pb_status_str(enum pb_status st)
{
	static const char *const names[] = {
		[PB_OK] = "ok",		  [PB_ERR_BUSY] = "busy",   [PB_ERR_TIMEOUT] = "timeout",
		[PB_ERR_NODEV] = "nodev", [PB_ERR_MEDIA] = "media", [PB_ERR_CONFIG] = "config",
		[PB_ERR_INPUT] = "input", [PB_ERR_NOMEM] = "nomem", [PB_ERR_IO] = "io",
	};
	if ((unsigned)st < sizeof(names) / sizeof(names[0]) && names[st])
		return names[st];
	return "unknown";
}
