/* i18n.h - attendee-facing strings through gettext, switchable at run time (the language
 * button). Main thread. */
#ifndef PB_I18N_H
#define PB_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Binds the "photobooth" domain: a locale/ folder next to the executable (the build tree)
 * wins over the installed PB_LOCALEDIR. Sets LC_MESSAGES to C.UTF-8 so LANGUAGE is honoured
 * even on a system with no locales generated. */
void pb_i18n_init(const char *argv0);

/* Switches every later _() to lang ("en", "ko"). */
void pb_i18n_set_language(const char *lang);

#endif
