/* mancommands - prints a man page's generated section from the command tables themselves
 * (control_commands.h, main_commands.h), so the manuals cannot drift from what the programs
 * accept: `mancommands photoboothctl.1.commands` and so on. make man writes them into man/;
 * make check fails when a checked-in one is not what this prints. */
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "control_commands.h"
#include "main_commands.h"

#define CTL_ROW(h, n, a, t) { n, a, t, NULL },
#define MAIN_ROW(w, h, n, a, t) { n, a, t, NULL },
#define OPT_ROW(n, a, t) { n, a, t, NULL },

static const struct pb_command ctl[] = { PB_CONTROL_COMMANDS(CTL_ROW){ NULL, NULL, NULL, NULL } };
static const struct pb_command mains[] = { PB_MAIN_COMMANDS(MAIN_ROW){ NULL, NULL, NULL, NULL } };
static const struct pb_command opts[] = { PB_MAIN_OPTIONS(OPT_ROW){ NULL, NULL, NULL, NULL } };

int
main(int argc, char **argv)
{
	const struct pb_command *t = NULL;
	struct pb_buf out;

	if (argc == 2 && !strcmp(argv[1], "photoboothctl.1.commands"))
		t = ctl;
	else if (argc == 2 && !strcmp(argv[1], "photobooth.1.commands"))
		t = mains;
	else if (argc == 2 && !strcmp(argv[1], "photobooth.1.options"))
		t = opts;
	if (!t) {
		fprintf(stderr, "usage: mancommands photoboothctl.1.commands | "
				"photobooth.1.commands | photobooth.1.options\n");
		return 2;
	}
	pb_buf_init(&out);
	pb_command_man(&out, t);
	fputs(out.data ? out.data : "", stdout);
	pb_buf_fini(&out);
	return 0;
}
