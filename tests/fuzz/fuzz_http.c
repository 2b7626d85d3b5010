/* libFuzzer: the gallery's request path and token parsing. The input's first line is a
 * request target as a client sends it (%xx escapes, a query string); it is split and decoded
 * as libmicrohttpd does before our handler sees it, then routed and resolved. The rest of the
 * input is the contents of one link file on disk (data_dir/links/<a token>), so the link
 * reader sees hostile bytes too. Whatever resolves must be a plain session folder name. */
#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gallery.h"
#include "fuzz.h"
#include "log.h"
#include "share.h"

static char dir[1024], linkfile[1100];
static const char known[] = "AAAAAAAAAAAAAAAAAAAAAw"; /* a valid token's form */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char links[1040];
	(void)argc;
	(void)argv;
	fuzz_setup(dir, sizeof(dir), "http");
	if (!pb_share_token_valid(known))
		abort();
	snprintf(links, sizeof(links), "%s/links", dir);
	mkdir(links, 0750);
	snprintf(linkfile, sizeof(linkfile), "%s/%s", links, known);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char url[2048], token[PB_TOKEN_LEN + 1], session[128];
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n = nl ? (size_t)(nl - data) : size;
	if (n >= sizeof(url))
		n = sizeof(url) - 1;
	memcpy(url, data, n);
	url[n] = '\0';
	char *q = strchr(url, '?');
	if (q)
		*q = '\0';
	MHD_http_unescape(url);

	FILE *f = fopen(linkfile, "wb");
	if (!f)
		return 0;
	if (nl)
		fwrite(nl + 1, 1, size - n - 1, f);
	fclose(f);

	memset(token, 0, sizeof(token));
	int route = pb_gallery_route(url, token);
	if (route == PB_ROUTE_NONE)
		return 0;
	if (route != PB_ROUTE_PAGE && route != PB_ROUTE_PHOTO)
		abort();
	if (!pb_share_token_valid(token) || strncmp(url, "/p/", 3) ||
	    memcmp(url + 3, token, PB_TOKEN_LEN))
		abort();
	if (pb_share_link_lookup(dir, token, time(NULL), session, sizeof(session)) == PB_OK) {
		/* only the one link on disk can resolve, and never to a path */
		if (strcmp(token, known) || !session[0] || strchr(session, '/') ||
		    session[0] == '.' || strlen(session) >= sizeof(session))
			abort();
	}
	return 0;
}
