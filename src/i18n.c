#include <limits.h>
#include <stdio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"

#ifndef PB_LOCALEDIR
#define PB_LOCALEDIR "/usr/local/share/locale"
#endif

/* glibc's catalogue cache generation; bumping it makes gettext look again after LANGUAGE
 * changes (the documented way to switch language in a running program). */
extern int _nl_msg_cat_cntr;

void
pb_i18n_init(const char *argv0)
{
	char exe[PATH_MAX], dir[PATH_MAX + 16];
	const char *localedir = PB_LOCALEDIR;
	struct stat st;
	ssize_t n;

	(void)argv0;
	setlocale(LC_CTYPE, "C.UTF-8");
	setlocale(LC_MESSAGES, "C.UTF-8");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(dir, sizeof(dir), "%s/locale", exe);
			if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
				localedir = dir;
		}
	}
	bindtextdomain("photobooth", localedir);
	bind_textdomain_codeset("photobooth", "UTF-8");
	textdomain("photobooth");
}

void
pb_i18n_set_language(const char *lang)
{
	setenv("LANGUAGE", lang, 1);
	++_nl_msg_cat_cntr;
}
