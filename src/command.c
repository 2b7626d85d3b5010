/* command.c - the usage text, forms, names and man entries of a command table (command.h).
 * Pure; any thread. */
#include <string.h>

#include "command.h"

const struct pb_command *
pb_command_find(const struct pb_command *t, const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

/* Appends text wrapped to width, each new line starting at column col; *at is the column the
 * next byte goes to and is kept up to date. */
static void
wrap(struct pb_buf *out, const char *text, int col, int width, int *at)
{
	const char *p = text;

	while (*p) {
		while (*p == ' ')
			p++;
		size_t w = strcspn(p, " ");
		if (!w)
			break;
		if (*at > col && *at + 1 + (int)w > width) {
			pb_buf_printf(out, "\n%*s", col, "");
			*at = col;
		} else if (*at > col) {
			pb_buf_append(out, " ", 1);
			(*at)++;
		}
		pb_buf_append(out, p, w);
		*at += (int)w;
		p += w;
	}
}

/* the rows' names, with their arguments or not, and their help */
static void
rows(struct pb_buf *out, const struct pb_command *t, int col, int width, int with_args)
{
	for (; t->name; t++) {
		if (!t->name[0])
			continue;
		const char *args = with_args ? t->args : "";
		int at = 2 + (int)strlen(t->name) + (args[0] ? 1 + (int)strlen(args) : 0);
		pb_buf_printf(out, "  %s%s%s", t->name, args[0] ? " " : "", args);
		if (at + 2 > col) {
			pb_buf_printf(out, "\n%*s", col, "");
		} else {
			pb_buf_printf(out, "%*s", col - at, "");
		}
		at = col;
		wrap(out, t->help, col, width, &at);
		pb_buf_append(out, "\n", 1);
	}
}

void
pb_command_usage(struct pb_buf *out, const struct pb_command *t, int col, int width)
{
	rows(out, t, col, width, 1);
}

void
pb_command_synopsis(struct pb_buf *out, const struct pb_command *t, const char *lead,
		    const char *prog)
{
	int indent = (int)strlen(lead);

	for (int first = 1; t->name; t++, first = 0) {
		const char *sep1 = t->name[0] ? " " : "", *sep2 = t->args[0] ? " " : "";
		if (first)
			pb_buf_printf(out, "%s", lead);
		else
			pb_buf_printf(out, "%*s", indent, "");
		pb_buf_printf(out, "%s%s%s%s%s\n", prog, sep1, t->name, sep2, t->args);
	}
}

void
pb_command_help(struct pb_buf *out, const char *prog, const struct pb_command *cmds,
		const struct pb_command *opts, int col, int width)
{
	pb_command_synopsis(out, cmds, "usage: ", prog);
	pb_buf_append(out, "\ncommands:\n", 11);
	rows(out, cmds, col, width, 0); /* their arguments are in the synopsis */
	pb_buf_append(out, "\noptions:\n", 10);
	pb_command_usage(out, opts, col, width);
}

void
pb_command_forms(struct pb_buf *out, const struct pb_command *t, const char *name)
{
	int n = 0;

	for (; t->name; t++)
		if (!strcmp(t->name, name))
			pb_buf_printf(out, "%s%s%s%s", n++ ? " | " : "", t->name,
				      t->args[0] ? " " : "", t->args);
}

void
pb_command_names(struct pb_buf *out, const struct pb_command *t)
{
	int n = 0;

	for (const struct pb_command *r = t; r->name; r++)
		if (r->name[0] && pb_command_find(t, r->name) == r)
			pb_buf_printf(out, "%s%s", n++ ? ", " : "", r->name);
}

/* text with troff's specials escaped: '\' as \e, '-' as \-, a line's leading '.' or '\''. */
static void
troff(struct pb_buf *out, const char *text, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\\')
			pb_buf_append(out, "\\e", 2);
		else if (text[i] == '-')
			pb_buf_append(out, "\\-", 2);
		else
			pb_buf_append(out, text + i, 1);
	}
}

/* The words of a form: a word that starts in upper case (JOB, OUT.jpg, YYYY-MM-DD) is a
 * placeholder in italics; the rest, and the brackets and bars between, in bold. */
static void
man_form(struct pb_buf *out, const char *form)
{
	const char *p = form;
	int italic = 0;

	while (*p) {
		size_t w = strcspn(p, " []|");
		if (w) {
			int upper = *p >= 'A' && *p <= 'Z';
			if (upper != italic)
				pb_buf_append(out, upper ? "\\fI" : "\\fB", 3);
			italic = upper;
			troff(out, p, w);
			p += w;
		} else {
			if (italic) {
				pb_buf_append(out, "\\fB", 3);
				italic = 0;
			}
			pb_buf_append(out, p++, 1);
		}
	}
	if (italic)
		pb_buf_append(out, "\\fR", 3);
}

void
pb_command_man(struct pb_buf *out, const struct pb_command *t)
{
	for (; t->name; t++) {
		if (!t->name[0])
			continue;
		pb_buf_append(out, ".TP\n.B ", 7);
		man_form(out, t->name);
		if (t->args[0]) {
			pb_buf_append(out, " ", 1);
			man_form(out, t->args);
		}
		pb_buf_append(out, "\n", 1);
		if (t->help[0] == '.' || t->help[0] == '\'')
			pb_buf_append(out, "\\&", 2);
		troff(out, t->help, strlen(t->help));
		pb_buf_append(out, "\n", 1);
	}
}
