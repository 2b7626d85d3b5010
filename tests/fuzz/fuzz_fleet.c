/* libFuzzer: arbitrary bytes as one heartbeat read from the bucket (another booth's, or
 * anyone's who can write there). Checks the reader never reads past the text, that a beat it
 * takes has the key's name and at most a week of hours, that every booth it lists also
 * appears in the report, and that what it writes back is JSON it can read itself (the
 * booths array and the silent count are there). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "json_read.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *beat = malloc(size + 1), why[96];
	struct pb_buf text, json, report;
	struct pb_fleet f = { 0 };
	struct pb_fleet_booth b;
	long long silent;

	if (!beat)
		return 0;
	memcpy(beat, data, size);
	beat[size] = '\0'; /* the publisher keeps beats as strings */
	if (pb_fleet_read("party-2", beat, &b, why, sizeof(why)) == 0) {
		if (strcmp(b.booth, "party-2") || b.nhours > PB_FLEET_HOURS)
			abort();
		pb_fleet_add(&f, &b);
	} else {
		pb_fleet_add_unreadable(&f, beat, why); /* the bytes as a key: escaped */
	}
	pb_buf_init(&text);
	pb_buf_init(&json);
	pb_buf_init(&report);
	int a = pb_fleet_list(&f, 1800000000, 0, &text);
	int c = pb_fleet_list(&f, 1800000000, 1, &json);
	pb_fleet_report(&f, 1, &report);
	if (a != c)
		abort();
	for (size_t i = 0; i < text.len; i++) /* no control byte but the lines' ends */
		if (((unsigned char)text.data[i] < 0x20 && text.data[i] != '\n') ||
		    text.data[i] == 0x7f)
			abort();
	if (!pb_json_at(json.data, "booths") ||
	    pb_json_int_of(pb_json_at(json.data, "silent"), &silent) || silent != c)
		abort();
	if (!pb_json_at(report.data, "event.sessions"))
		abort();
	for (int i = 0; pb_json_elem(pb_json_at(json.data, "booths"), i); i++)
		if (!pb_json_elem(pb_json_at(report.data, "booths"), i))
			abort(); /* listed, but missing from the organiser's report */
	pb_buf_fini(&text);
	pb_buf_fini(&json);
	pb_buf_fini(&report);
	pb_fleet_free(&f);
	free(beat);
	return 0;
}
