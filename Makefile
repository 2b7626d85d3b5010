# photobooth - plain Makefile. `make run` and `make check` install what they need first.
.SUFFIXES:

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/photobooth
LOCALEDIR ?= $(PREFIX)/share/locale
SYSCONFDIR ?= /etc
DESTDIR ?=

include config.mk

PKGS = sdl2 SDL2_ttf libturbojpeg libjpeg pixman-1 inih libpng libgphoto2 libmicrohttpd libqrencode \
	libcurl libsystemd
VERSION = $(shell cat VERSION)

# Evaluated when used, so the sub-make after scripts/deps.sh sees freshly installed packages.
# Debian 12's libcups2-dev ships no cups.pc, only cups-config.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS)) $(shell cups-config --cflags)
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) $(shell cups-config --libs)
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-Wall -Wextra -Wshadow -Werror -Iinclude $(PKG_CFLAGS) \
	-DPB_VERSION='"$(VERSION)"' -DPB_DATADIR='"$(DATADIR)"' -DPB_LOCALEDIR='"$(LOCALEDIR)"' \
	$(SAN_FLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)
LIBS = $(PKG_LIBS) -lpthread -lm

# The core: no SDL, linked into both binaries and the unit tests.
CORE = status log mem json file inifile conf kiosk image jpeg pngfile overlay caption stream compose session offline \
	camera camera_sim camera_gphoto2 worker control spool printer print share gallery qr address mail outbox \
	staff settings notify
# The screen: SDL and SDL_ttf.
UI = i18n text layout render render_staff display_sdl booth booth_control screens

CORE_OBJ = $(CORE:%=build/obj/%.o)
UI_OBJ = $(UI:%=build/obj/%.o)
UNIT_TESTS = test_kiosk test_conf test_json test_file test_jpeg test_decode test_overlay test_compose \
	test_session test_camera test_gphoto2 test_control test_layout test_golden test_spool test_share test_mail \
	test_staff
UNIT_BIN = $(UNIT_TESTS:%=build/tests/%)
LANGS = ko
MO = $(LANGS:%=build/locale/%/LC_MESSAGES/photobooth.mo)

all: build/photobooth build/photoboothctl $(MO)

# Quiet by default; make V=1 shows the commands.
Q = $(if $(V),,@)

# Objects rebuild when the compiler or its flags change (make SANITIZE=1, CC=clang).
build/flags: FORCE
	@mkdir -p build
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' > $@

build/obj/%.o: src/%.c build/flags
	@mkdir -p build/obj
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

build/libpb.a: $(CORE_OBJ)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $(CORE_OBJ)

build/photobooth: build/obj/main.o $(UI_OBJ) build/libpb.a
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ build/obj/main.o $(UI_OBJ) build/libpb.a $(LIBS)

build/photoboothctl: build/obj/photoboothctl.o build/libpb.a
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ build/obj/photoboothctl.o build/libpb.a $(LIBS)

# The unplug/replug driver for tests/e2e/gphoto2.sh (run under valgrind there).
build/vcam_cycles: tests/vcam/cycles.c build/libpb.a
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< build/libpb.a $(ALL_LDFLAGS) $(LIBS)

build/locale/%/LC_MESSAGES/photobooth.mo: po/%.po
	@mkdir -p $(@D)
	$(Q)msgfmt --check -o $@ $<

build/tests/%: tests/unit/%.c tests/unit/helpers.h tests/unit/jpeg_fixture.h build/libpb.a build/obj/layout.o
	@mkdir -p build/tests
	@$(if $(V),,echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $$(pkg-config --cflags cmocka) -o $@ $< build/obj/layout.o \
		build/libpb.a $(ALL_LDFLAGS) $(LIBS) $$(pkg-config --libs cmocka)

# po/photobooth.pot is refreshed from the sources; translators update po/*.po from it.
pot:
	xgettext --from-code=UTF-8 -k_ -kN_ -o po/photobooth.pot src/*.c
	for l in $(LANGS); do msgmerge -U --backup=none po/$$l.po po/photobooth.pot; done

# Rewrites the golden prints from the current code: look at them before committing.
golden: build/tests/test_golden
	build/tests/test_golden --update

# Renders each theme's frame.svg to its frame.png (librsvg2-bin). The tests check they agree.
frames:
	for svg in overlays/*/frame.svg; do rsvg-convert -o $${svg%.svg}.png $$svg; done

# Regenerates config/photobooth.conf from the config table (CI checks they agree).
config: build/photobooth
	build/photobooth --print-default-config > config/photobooth.conf

units: $(UNIT_BIN)

run:
	scripts/deps.sh run
	$(MAKE) all
	scripts/run-dev.sh

check:
	scripts/deps.sh check
	$(MAKE) all units fuzzers build/vcam_cycles
	tests/run.sh

build/bench/liveview: tests/bench/liveview.c tests/bench/bench.h $(UI_OBJ) build/libpb.a
	@mkdir -p build/bench
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(UI_OBJ) build/libpb.a $(ALL_LDFLAGS) $(LIBS)

# libFuzzer targets: the core built again by clang with fuzzer coverage, ASan and UBSan.
FUZZ_CC = clang
FUZZ_FLAGS = -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_TARGETS = fuzz_jpeg fuzz_png fuzz_overlay
FUZZ_CORE = $(filter-out camera camera_sim worker control kiosk session offline spool printer print share gallery qr mail outbox,$(CORE))
FUZZ_OBJ = $(FUZZ_CORE:%=build/fuzz/obj/%.o)

build/fuzz/obj/%.o: src/%.c build/flags
	@mkdir -p build/fuzz/obj
	@$(if $(V),,echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude \
		$(PKG_CFLAGS) -DPB_DATADIR='"$(DATADIR)"' $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link \
		-c -o $@ $<

build/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ) tests/fuzz/frame64x48.inc
	@$(if $(V),,echo "  FUZZLD  $@")
	$(Q)$(FUZZ_CC) -std=c11 -D_DEFAULT_SOURCE -Iinclude -Itests/fuzz $(PKG_CFLAGS) $(FUZZ_FLAGS) \
		-fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS) -lpthread -lm

fuzzers: $(FUZZ_TARGETS:%=build/fuzz/%)

# A long fuzzing run: FUZZ_SECONDS per target (default 200, 10 minutes in all).
FUZZ_SECONDS = 200
fuzz:
	scripts/deps.sh check
	$(MAKE) fuzzers
	tests/fuzz/run.sh $(FUZZ_SECONDS)

build/bench/resample: tests/bench/resample.c tests/bench/bench.h build/libpb.a
	@mkdir -p build/bench
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< build/libpb.a $(ALL_LDFLAGS) $(LIBS)

bench:
	scripts/deps.sh bench
	$(MAKE) all build/bench/liveview build/bench/resample
	tests/bench/run.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/overlays $(DESTDIR)$(SYSCONFDIR)/photobooth
	install -m 755 build/photobooth build/photoboothctl $(DESTDIR)$(BINDIR)/
	cp -R overlays/. $(DESTDIR)$(DATADIR)/overlays/
	for l in $(LANGS); do \
		install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES; \
		install -m 644 build/locale/$$l/LC_MESSAGES/photobooth.mo \
			$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/; \
	done
	# Never overwrite a venue's edited config. Generated by the binary, so its defaults
	# (overlays_dir) match this PREFIX.
	[ -e $(DESTDIR)$(SYSCONFDIR)/photobooth/photobooth.conf ] || \
		build/photobooth --print-default-config > \
			$(DESTDIR)$(SYSCONFDIR)/photobooth/photobooth.conf

clean:
	rm -rf build tests/artifacts

.PHONY: all run check bench install clean units pot config frames golden fuzz fuzzers FORCE
FORCE:

-include build/obj/*.d
