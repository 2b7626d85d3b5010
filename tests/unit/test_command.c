/* command.c: the table's lookups and the texts written from it (usage, forms, names, man),
 * and the real tables: photoboothctl's forms as the kiosk says them, render the front's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "command.h"
#include "control_commands.h"
#include "main_commands.h"

static int
run_a(void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argv;
	return argc;
}

static const struct pb_command table[] = {
	{ "", "[--x]", "Options only.", run_a },
	{ "printer", "", "The printer.", run_a },
	{ "printer", "paper N", "Paper loaded: N prints left.", NULL },
	{ "purge", "HOURS",
	  "Delete photos older than HOURS, with their download links, for a "
	  "booth's privacy promise to its guests.",
	  run_a },
	{ "printer", "retry JOB|all", "Send again.", NULL },
	{ NULL, NULL, NULL, NULL },
};

static void
test_find_takes_the_first_row(void **state)
{
	(void)state;
	assert_ptr_equal(pb_command_find(table, "printer"), &table[1]);
	assert_ptr_equal(pb_command_find(table, "purge"), &table[3]);
	assert_ptr_equal(pb_command_find(table, ""), &table[0]);
	assert_null(pb_command_find(table, "print"));
	assert_null(pb_command_find(table, "printerx"));
}

static void
test_forms_and_names(void **state)
{
	struct pb_buf b;
	(void)state;
	pb_buf_init(&b);
	pb_command_forms(&b, table, "printer");
	assert_string_equal(b.data, "printer | printer paper N | printer retry JOB|all");
	pb_buf_fini(&b);
	pb_buf_init(&b);
	pb_command_names(&b, table);
	assert_string_equal(b.data, "printer, purge"); /* each once, "" left out */
	pb_buf_fini(&b);
}

/* Every line within the width, the help from its column, nothing of the help lost. */
static void
test_usage_wraps_at_the_width(void **state)
{
	struct pb_buf b;
	(void)state;
	pb_buf_init(&b);
	pb_command_usage(&b, table, 20, 50);
	assert_non_null(strstr(b.data, "  printer paper N   Paper loaded: N prints left.\n"));
	assert_null(strstr(b.data, "[--x]"));
	int lines = 0;
	for (char *line = b.data; *line; lines++) {
		size_t n = strcspn(line, "\n");
		assert_true(n <= 50);
		if (line[0] == ' ' && line[2] == ' ') /* a continuation: at column 20 */
			assert_true(n > 20 && line[19] == ' ' && line[20] != ' ');
		line += n + (line[n] == '\n');
	}
	assert_true(lines >= 6); /* purge's help took more than one line */
	assert_non_null(strstr(b.data, "guests.\n"));
	/* a form too long for the column: the help starts on the next line */
	const struct pb_command longer[] = { { "delivery", "print|share|both", "Switch.", NULL },
					     { NULL, NULL, NULL, NULL } };
	pb_buf_fini(&b);
	pb_buf_init(&b);
	pb_command_usage(&b, longer, 20, 79);
	assert_string_equal(b.data, "  delivery print|share|both\n                    Switch.\n");
	pb_buf_fini(&b);
}

static void
test_synopsis_and_help(void **state)
{
	struct pb_buf b;
	(void)state;
	pb_buf_init(&b);
	pb_command_help(&b, "prog", table, table + 3, 20, 79);
	assert_non_null(strstr(b.data, "usage: prog [--x]\n       prog printer\n"));
	assert_non_null(strstr(b.data, "       prog purge HOURS\n"));
	assert_non_null(strstr(b.data, "\ncommands:\n  printer "));
	assert_non_null(strstr(b.data, "\noptions:\n  purge HOURS "));
	pb_buf_fini(&b);
}

/* Placeholders in italics, literal words bold, '-' and '\' escaped, a leading '.' guarded. */
static void
test_man_entries(void **state)
{
	const struct pb_command t[] = {
		{ "", "--all", "Never shown.", NULL },
		{ "render", "--date YYYY-MM-DD [JOB|all]", ".Dots and a \\ back-slash.", NULL },
		{ NULL, NULL, NULL, NULL },
	};
	struct pb_buf b;
	(void)state;
	pb_buf_init(&b);
	pb_command_man(&b, t);
	assert_string_equal(b.data, ".TP\n.B render \\-\\-date \\fIYYYY\\-MM\\-DD\\fB "
				    "[\\fIJOB\\fB|all]\n\\&.Dots and a \\e back\\-slash.\n");
	pb_buf_fini(&b);
}

/* The real tables: the kiosk's printer forms as its usage error says them, and the render
 * row is the front's (the kiosk's table, built with ROW_front empty, leaves it out). */
#define CTL(h, n, a, t) { n, a, t, NULL },
#define ROW_kiosk(h, n, a, t) { n, a, t, NULL },
#define ROW_front(h, n, a, t)
#define ROW(w, h, n, a, t) ROW_##w(h, n, a, t)
static const struct pb_command ctl[] = { PB_CONTROL_COMMANDS(CTL){ NULL, NULL, NULL, NULL } };
static const struct pb_command kiosk[] = { PB_MAIN_COMMANDS(ROW){ NULL, NULL, NULL, NULL } };

static void
test_the_real_tables(void **state)
{
	struct pb_buf b;
	(void)state;
	pb_buf_init(&b);
	pb_command_forms(&b, ctl, "printer");
	assert_string_equal(b.data, "printer | printer resume | printer paper N | printer cancel "
				    "[JOB] | printer retry JOB|all | printer reprint JOB|all");
	pb_buf_fini(&b);
	pb_buf_init(&b);
	pb_command_names(&b, ctl);
	assert_non_null(strstr(b.data, "status, trigger, reset, overlay, delivery, printer,"));
	assert_true(b.len < 400); /* the unknown-command answer holds them (512 bytes) */
	pb_buf_fini(&b);
	assert_non_null(pb_command_find(kiosk, "screens"));
	assert_null(pb_command_find(kiosk, "render"));
	assert_string_equal(kiosk[0].name, "");
	for (const struct pb_command *c = ctl; c->name; c++)
		assert_true(c->help[0] >= 'A' && c->help[0] <= 'Z' &&
			    c->help[strlen(c->help) - 1] == '.');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_takes_the_first_row),
		cmocka_unit_test(test_forms_and_names),
		cmocka_unit_test(test_usage_wraps_at_the_width),
		cmocka_unit_test(test_synopsis_and_help),
		cmocka_unit_test(test_man_entries),
		cmocka_unit_test(test_the_real_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
