/* main_commands.h - photobooth's commands and options as X macros. A command row is
 * X(where, handler, name, arguments, help): where is front (photobooth runs it itself, with
 * only a print's libraries: front.c) or kiosk (photobooth-kiosk: main.c). The row named "" is
 * the kiosk run with options. An option row is X(name, arguments, help). photobooth's usage
 * lists them all; photobooth-kiosk's, its own rows only; tools/mancommands.c writes
 * photobooth(1)'s COMMANDS and OPTIONS sections (man/photobooth.1.*, diffed by make check).
 *
 * Owner: none (data). Pure; included by both mains and the tool. */
#ifndef PB_MAIN_COMMANDS_H
#define PB_MAIN_COMMANDS_H

/* clang-format off */
#define PB_MAIN_COMMANDS(X) \
X(kiosk, run, "", "[--config FILE] [--windowed] [--verbose] [--check-config]", \
  "Run the kiosk.") \
X(kiosk, screens, "screens", "[--config FILE] --out DIR [--size WxH] [--lang en|ko]", \
  "Render every screen of the kiosk to DIR/state.bmp at the given size (1920x1080 unless " \
  "given) and language, without a display.") \
X(front, render, "render", \
  "--overlay NAME [--config FILE] [--date YYYY-MM-DD] -o OUT.jpg IN.jpg [IN.jpg ...]", \
  "Compose photos into a theme's print file, as the kiosk does; for reprints. The date " \
  "on the print is today's unless --date gives another.")

#define PB_MAIN_OPTIONS(X) \
X("--config", "FILE", \
  "The configuration file (photobooth.conf(5)); without it, the default one, named at the " \
  "end of --help and in the manual's FILES.") \
X("--windowed", "", "A window instead of fullscreen, for desktops.") \
X("--verbose", "", "Log debug messages as well.") \
X("--check-config", "", \
  "Validate the configuration and the theme, then exit: 0 when they are good, 78 when " \
  "they are not, with file:line and the reason.") \
X("--print-default-config", "", \
  "Print every key with its default value and one line of help.") \
X("--version", "", "Print the version.") \
X("--help", "", "Print this usage.")
/* clang-format on */

#endif
