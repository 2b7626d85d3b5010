/* libFuzzer: arbitrary bytes as photobooth.conf, read over the defaults by the real loader
 * (inih underneath), then compared with a reload as the running kiosk would. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "fuzz.h"
#include "log.h"

static char dir[1024], path[1100];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup(dir, sizeof(dir), "conf");
	snprintf(path, sizeof(path), "%s/photobooth.conf", dir);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pb_config cfg, running;
	char err[4096];
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	pb_config_init(&cfg);
	err[0] = '\0';
	enum pb_status st = pb_config_load(&cfg, path, err, sizeof(err));
	if (st == PB_OK) {
		/* what loaded is usable: a reload onto the defaults must accept it */
		if (err[0])
			abort();
		pb_config_init(&running);
		pb_config_reload(&running, &cfg, NULL, NULL);
		pb_config_fini(&running);
	} else if (st != PB_ERR_CONFIG || strncmp(err, path, strlen(path))) {
		abort(); /* every refusal names the file (file:line: reason) */
	}
	pb_config_fini(&cfg);
	return 0;
}
