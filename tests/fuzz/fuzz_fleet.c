/* libFuzzer: arbitrary bytes as the heartbeats read from the bucket (another booth's, or
 * anyone's who can write there). Checks the reader never reads past the text, that every
 * booth it lists also appears in the report, and that what it writes back is JSON it can read
 * itself (the booths array and the silent count are there). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "json_read.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *beats = malloc(size + 1);
	struct pb_buf text, json, report;
	long long silent;

	if (!beats)
		return 0;
	memcpy(beats, data, size);
	beats[size] = '\0'; /* the publisher keeps beats as strings */
	pb_buf_init(&text);
	pb_buf_init(&json);
	pb_buf_init(&report);
	int a = pb_fleet_list(beats, 1800000000, 0, &text);
	int b = pb_fleet_list(beats, 1800000000, 1, &json);
	pb_fleet_report(beats, 1, &report);
	if (a != b)
		abort();
	if (!pb_json_at(json.data, "booths") ||
	    pb_json_int_of(pb_json_at(json.data, "silent"), &silent) || silent != b)
		abort();
	if (!pb_json_at(report.data, "event.sessions"))
		abort();
	for (int i = 0; pb_json_elem(pb_json_at(json.data, "booths"), i); i++)
		if (!pb_json_elem(pb_json_at(report.data, "booths"), i))
			abort(); /* listed, but missing from the organiser's report */
	pb_buf_fini(&text);
	pb_buf_fini(&json);
	pb_buf_fini(&report);
	free(beats);
	return 0;
}
