/* command.h - a program's commands as one table of {name, arguments, help, handler}. The
 * usage text, a usage error's forms, the list of names and a man page's section are all read
 * from the table, so what a program accepts and what it says it accepts cannot drift apart.
 * A table ends with a row whose name is NULL. Several rows may share a name (one per form:
 * "printer resume", "printer paper N"); the first row of a name is the one dispatched. A row
 * named "" is a program run with options only: it is in the synopsis, not in the lists.
 *
 * Owner: each program builds its table (photoboothctl's and the kiosk's from
 * control_commands.h, the two mains' from main_commands.h); these functions only read it.
 * Pure: they format into a pb_buf; any thread. */
#ifndef PB_COMMAND_H
#define PB_COMMAND_H

#include "buf.h"

struct pb_command {
	const char *name; /* the first word; "" the program's options alone */
	const char *args; /* the rest as typed, "" none; UPPER case words are placeholders */
	const char *help; /* sentences, wrapped by the formatters */
	/* < 0: the arguments are wrong (the caller says the usage); else the handler's code.
	 * NULL where the program hands every command on (photoboothctl, the tools). */
	int (*run)(void *ctx, int argc, char **argv);
};

/* The first row named name, or NULL. */
const struct pb_command *pb_command_find(const struct pb_command *t, const char *name);

/* "  name args" then the help from column col, wrapped to width; rows named "" left out. */
void pb_command_usage(struct pb_buf *out, const struct pb_command *t, int col, int width);

/* "lead prog name args" for the first row, then "<spaces> prog name args" below it, aligned. */
void pb_command_synopsis(struct pb_buf *out, const struct pb_command *t, const char *lead,
			 const char *prog);

/* A program's whole usage: the synopsis of cmds ("usage: prog ..."), then "commands:" and
 * "options:" with their help (the commands without their arguments, which the synopsis has). */
void pb_command_help(struct pb_buf *out, const char *prog, const struct pb_command *cmds,
		     const struct pb_command *opts, int col, int width);

/* Every form of name, "printer | printer resume | printer paper N", for a usage error. */
void pb_command_forms(struct pb_buf *out, const struct pb_command *t, const char *name);

/* Every name once, in table order, ", " between. */
void pb_command_names(struct pb_buf *out, const struct pb_command *t);

/* One man(7) ".TP" entry per row (rows named "" left out): the name and the literal words in
 * bold, the placeholders in italics, then the help; '-' and '\' escaped for troff. */
void pb_command_man(struct pb_buf *out, const struct pb_command *t);

#endif
