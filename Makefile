# photobooth - plain Makefile. `make run` and `make check` install what they need first.
.SUFFIXES:

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/photobooth
LOCALEDIR ?= $(PREFIX)/share/locale
MANDIR ?= $(PREFIX)/share/man
# The kiosk's own binary, which `photobooth` runs (front.c).
LIBEXECDIR ?= $(PREFIX)/lib/photobooth
SYSCONFDIR ?= /etc
# systemd, udev and polkit read these under /usr and /usr/local alike (polkit: /usr only).
UNITDIR ?= $(PREFIX)/lib/systemd/system
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
POLKITRULESDIR ?= $(PREFIX)/share/polkit-1/rules.d
DESTDIR ?=
# Build directory: make B=build/arm64 CC=aarch64-linux-gnu-gcc ... keeps a cross build apart.
B ?= build
PKG_CONFIG ?= pkg-config

include config.mk

PKGS = sdl2 SDL2_ttf libturbojpeg libjpeg pixman-1 inih libpng libgphoto2 libmicrohttpd libqrencode \
	libcurl libcrypto libsystemd lcms2
VERSION = $(shell cat VERSION)

# Evaluated when used, so the sub-make after scripts/deps.sh sees freshly installed packages.
# Debian 12's libcups2-dev ships no cups.pc, only cups-config.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS)) $(shell cups-config --cflags)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) $(shell cups-config --libs)
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-Wall -Wextra -Wshadow -Werror -Iinclude $(PKG_CFLAGS) \
	-DPB_VERSION='"$(VERSION)"' -DPB_DATADIR='"$(DATADIR)"' -DPB_LOCALEDIR='"$(LOCALEDIR)"' \
	-DPB_LIBEXECDIR='"$(LIBEXECDIR)"' $(SAN_FLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)
LIBS = $(PKG_LIBS) -lpthread -lm
# `photobooth` itself, the front door: render's libraries only (SDL_ttf is dlopen'ed for text).
FRONT_LIBS = $(shell $(PKG_CONFIG) --libs libturbojpeg libjpeg pixman-1 inih libpng lcms2) -lpthread -lm

# The tiers (make layers checks them). Pure: computation only, no I/O, threads or clocks (time
# comes in as an argument). The core: no SDL, linked into both binaries and the unit tests; its
# files not pure are the services (threads, files, sockets, devices). The UI is the shell.
PURE = status num geometry backoff mem buf json json_read address email_form staff kiosk trace layout command
CORE = status log mem num deadline backoff buf json trace geometry layout command file inifile conf kiosk image jpeg jpeg_error pngfile overlay caption restart icc stream compose session offline \
	camera camera_sim camera_gphoto2 worker control spool printer print print_cups share gallery qr address mail outbox \
	staff staff_health settings notify email_form disk delivery delivery_status delivery_printer delivery_queues delivery_session i18n json_read s3 landing publish publish_beat fleet sendq sendq_store webhook
# The one exception: caption.c draws the print's text with SDL_ttf into memory surfaces (no
# window, no renderer, no video subsystem).
LAYER_ALLOW = caption.c:SDL_ttf.h
# The screen: SDL and SDL_ttf.
UI = text draw render render_staff display_sdl booth booth_shots booth_run booth_actions booth_staff booth_control booth_status screens

CORE_OBJ = $(CORE:%=$(B)/obj/%.o)
UI_OBJ = $(UI:%=$(B)/obj/%.o)
# Every tests/unit/test_*.c is a unit test: a new file is built and run without being listed.
UNIT_TESTS = $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BIN = $(UNIT_TESTS:%=$(B)/tests/%)
LANGS = ko
MO = $(LANGS:%=$(B)/locale/%/LC_MESSAGES/photobooth.mo)

all: $(B)/photobooth $(B)/photobooth-kiosk $(B)/photoboothctl $(MO)

# Quiet by default; make V=1 shows the commands.
Q = $(if $(V),,@)

# Objects rebuild when the compiler or its flags change (make SANITIZE=1, CC=clang).
$(B)/flags: FORCE
	@mkdir -p $(B)
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' > $@

$(B)/obj/%.o: src/%.c $(B)/flags
	@mkdir -p $(B)/obj
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/libpb.a: $(CORE_OBJ)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $(CORE_OBJ)

$(B)/photobooth-kiosk: $(B)/obj/main.o $(UI_OBJ) $(B)/libpb.a
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(B)/obj/main.o $(UI_OBJ) $(B)/libpb.a $(LIBS)

# --as-needed: only what render's objects in libpb.a really call
$(B)/photobooth: $(B)/obj/front.o $(B)/libpb.a
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -Wl,--as-needed -o $@ $(B)/obj/front.o $(B)/libpb.a $(FRONT_LIBS)

$(B)/photoboothctl: $(B)/obj/photoboothctl.o $(B)/libpb.a
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(B)/obj/photoboothctl.o $(B)/libpb.a $(LIBS)

# The unplug/replug driver for tests/e2e/gphoto2.sh (run under valgrind there).
$(B)/vcam_cycles: tests/vcam/cycles.c $(B)/libpb.a
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libpb.a $(ALL_LDFLAGS) $(LIBS)

$(B)/locale/%/LC_MESSAGES/photobooth.mo: po/%.po
	@mkdir -p $(@D)
	$(Q)msgfmt --check -o $@ $<

$(B)/tests/%: tests/unit/%.c tests/unit/helpers.h tests/unit/jpeg_fixture.h $(B)/libpb.a
	@mkdir -p $(B)/tests
	@$(if $(V),,echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $$($(PKG_CONFIG) --cflags cmocka) -o $@ $< \
		$(B)/libpb.a $(ALL_LDFLAGS) $(LIBS) $$($(PKG_CONFIG) --libs cmocka)

# The guests' flow, linked with fakes of the services it calls (the test defines them).
BOOTH_FLOW_OBJ = $(B)/obj/booth.o $(B)/obj/booth_shots.o $(B)/obj/booth_actions.o
$(B)/tests/test_booth: tests/unit/test_booth.c tests/unit/helpers.h $(BOOTH_FLOW_OBJ) $(B)/libpb.a
	@mkdir -p $(B)/tests
	@$(if $(V),,echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc $$($(PKG_CONFIG) --cflags cmocka) -o $@ $< \
		$(BOOTH_FLOW_OBJ) $(B)/libpb.a $(ALL_LDFLAGS) $(LIBS) $$($(PKG_CONFIG) --libs cmocka)

# The state machine drawn from the transition table (tools/states.c): docs/states.dot, and
# docs/states.svg from it with Graphviz. make check fails when docs/states.dot is out of date.
$(B)/states: tools/states.c $(B)/libpb.a
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libpb.a $(ALL_LDFLAGS) $(LIBS)

states: $(B)/states
	$(B)/states > docs/states.dot
	dot -Tsvg -o docs/states.svg docs/states.dot

# The man pages' COMMANDS and OPTIONS sections, written from the command tables
# (tools/mancommands.c): man/*.commands and man/*.options. make check fails when they are out
# of date; the pages take them in at @COMMANDS@ and @OPTIONS@.
MAN_PARTS = photoboothctl.1.commands photobooth.1.commands photobooth.1.options
$(B)/mancommands: tools/mancommands.c $(B)/libpb.a
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libpb.a $(ALL_LDFLAGS) $(LIBS)

man: $(B)/mancommands
	for p in $(MAN_PARTS); do $(B)/mancommands $$p > man/$$p; done

# po/photobooth.pot is refreshed from the sources; translators update po/*.po from it.
pot:
	xgettext --from-code=UTF-8 -k_ -kN_ -o po/photobooth.pot src/*.c
	for l in $(LANGS); do msgmerge -U --backup=none po/$$l.po po/photobooth.pot; done

# Rewrites the golden prints from the current code: look at them before committing.
golden: $(B)/tests/test_golden
	$(B)/tests/test_golden --update

# Renders each theme's frame.svg to its frame.png (librsvg2-bin). The tests check they agree.
frames:
	for svg in overlays/*/frame.svg; do rsvg-convert -o $${svg%.svg}.png $$svg; done

# Regenerates config/photobooth.conf from the config table (CI checks they agree).
config: $(B)/photobooth $(B)/photobooth-kiosk
	$(B)/photobooth --print-default-config > config/photobooth.conf

units: $(UNIT_BIN)

# The unit tests alone (cmocka, no servers, no display): the quick loop while working.
unit: units
	tests/run.sh unit

# Every C file as the checked-in .clang-format has it (clang-format -i on the files to fix).
FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find src include tests tools -name '*.[ch]')
format-check:
	clang-format --dry-run -Werror $(FORMAT_FILES)
	@echo "format: $(words $(FORMAT_FILES)) files as .clang-format has them"

# Core files include no SDL, renderer or booth-private header, and no file depends on one that
# depends on it back (scripts/layers.py reads the objects' symbols).
layers: $(CORE_OBJ) $(UI_OBJ) $(B)/obj/main.o $(B)/obj/front.o $(B)/obj/photoboothctl.o
	scripts/layers.py --pure "$(PURE)" --core "$(CORE)" --ui "$(UI) main front photoboothctl" \
		--obj $(B)/obj \
		$(LAYER_ALLOW:%=--allow %)

run:
	scripts/deps.sh run
	$(MAKE) all
	scripts/run-dev.sh

check:
	scripts/deps.sh check
	$(MAKE) all units fuzzers $(B)/vcam_cycles $(B)/states $(B)/mancommands
	$(MAKE) layers format-check
	tests/run.sh

$(B)/bench/liveview: tests/bench/liveview.c tests/bench/bench.h $(UI_OBJ) $(B)/libpb.a
	@mkdir -p $(B)/bench
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(UI_OBJ) $(B)/libpb.a $(ALL_LDFLAGS) $(LIBS)

# libFuzzer targets: the core built again by clang with fuzzer coverage, ASan and UBSan.
FUZZ_CC = clang
FUZZ_FLAGS = -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_TARGETS = fuzz_jpeg fuzz_png fuzz_overlay fuzz_conf fuzz_address fuzz_http fuzz_control fuzz_fleet
FUZZ_CORE = $(filter-out camera camera_sim delivery delivery_status delivery_printer delivery_queues delivery_session staff_health kiosk spool printer print print_cups qr mail outbox s3 publish publish_beat sendq sendq_store webhook,$(CORE))
FUZZ_OBJ = $(FUZZ_CORE:%=$(B)/fuzz/obj/%.o)

$(B)/fuzz/obj/%.o: src/%.c $(B)/flags
	@mkdir -p $(B)/fuzz/obj
	@$(if $(V),,echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude \
		$(PKG_CFLAGS) -DPB_VERSION='"$(VERSION)"' -DPB_DATADIR='"$(DATADIR)"' $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link \
		-c -o $@ $<

$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ) tests/fuzz/frame64x48.inc tests/fuzz/fuzz.h
	@$(if $(V),,echo "  FUZZLD  $@")
	$(Q)$(FUZZ_CC) -std=c11 -D_DEFAULT_SOURCE -Iinclude -Itests/fuzz $(PKG_CFLAGS) $(FUZZ_FLAGS) \
		-fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS) -lpthread -lm

fuzzers: $(FUZZ_TARGETS:%=$(B)/fuzz/%)
# (the objects are kept: they are intermediates of a pattern chain make would delete)
.SECONDARY: $(FUZZ_OBJ)

# A long fuzzing run: FUZZ_SECONDS per target (default 90: 8 targets, 12 minutes in all).
FUZZ_SECONDS = 90
fuzz:
	scripts/deps.sh check
	$(MAKE) fuzzers
	tests/fuzz/run.sh $(FUZZ_SECONDS)

# The reliability campaign (tests/reliability/): SOAK_SESSIONS guests (500) with faults on a
# schedule, then the gallery under wrk and hostile clients, then 50 guests under valgrind, then
# the camera's 20 unplug/replug cycles (make check runs 12);
# CRASH_KILLS SIGKILLs (50) at random moments, each followed by a restart and checks.
soak:
	scripts/deps.sh check
	$(MAKE) all $(B)/vcam_cycles
	tests/reliability/soak.sh
	tests/reliability/load.sh
	tests/reliability/valgrind.sh
	GPHOTO2_CYCLES=20 bash tests/e2e/gphoto2.sh

crash-test:
	scripts/deps.sh check
	$(MAKE) all
	tests/reliability/crash.sh

$(B)/bench/resample: tests/bench/resample.c tests/bench/bench.h $(B)/libpb.a
	@mkdir -p $(B)/bench
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libpb.a $(ALL_LDFLAGS) $(LIBS)

bench:
	scripts/deps.sh bench
	$(MAKE) all $(B)/bench/liveview $(B)/bench/resample
	tests/bench/run.sh

# The unit with this install's paths; photobooth.conf(5) from config/photobooth.conf, which
# CI keeps equal to the config table, so the manual lists every key with its default and help.
$(B)/systemd/photobooth.service: systemd/photobooth.service.in Makefile
	@mkdir -p $(@D)
	$(Q)sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' $< > $@

$(B)/man/photobooth.conf.5: config/photobooth.conf scripts/conf2man.sh VERSION
	@mkdir -p $(@D)
	$(Q)scripts/conf2man.sh config/photobooth.conf $(VERSION) $(DATADIR) > $@

$(B)/man/%: man/%
	@mkdir -p $(@D)
	$(Q)sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@DATADIR@|$(DATADIR)|g' \
		-e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' \
		-e '/^@COMMANDS@$$/{r man/$*.commands' -e 'd' -e '}' \
		-e '/^@OPTIONS@$$/{r man/$*.options' -e 'd' -e '}' $< > $@
$(B)/man/photoboothctl.1: man/photoboothctl.1.commands
$(B)/man/photobooth.1: man/photobooth.1.commands man/photobooth.1.options

MANS = photobooth.1 photoboothctl.1 photobooth.conf.5
DIST = $(B)/systemd/photobooth.service $(MANS:%=$(B)/man/%)

# Installs everything a booth needs; never overwrites an edited /etc/photobooth/photobooth.conf.
# Without DESTDIR (a real install, as root) it also creates the service user, its folders,
# and reloads systemd and udev; the Debian package does that in its maintainer scripts.
install: all $(DIST)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/overlays $(DESTDIR)$(SYSCONFDIR)/photobooth \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(TMPFILESDIR) \
		$(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(POLKITRULESDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5
	install -m 755 $(B)/photobooth $(B)/photoboothctl $(DESTDIR)$(BINDIR)/
	install -d $(DESTDIR)$(LIBEXECDIR)
	install -m 755 $(B)/photobooth-kiosk $(DESTDIR)$(LIBEXECDIR)/
	cp -R --no-preserve=mode,ownership overlays/. $(DESTDIR)$(DATADIR)/overlays/
	for l in $(LANGS); do \
		install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES; \
		install -m 644 $(B)/locale/$$l/LC_MESSAGES/photobooth.mo \
			$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/; \
	done
	install -m 644 $(B)/systemd/photobooth.service $(DESTDIR)$(UNITDIR)/photobooth.service
	install -m 644 systemd/70-photobooth.rules $(DESTDIR)$(UDEVRULESDIR)/70-photobooth.rules
	install -m 644 systemd/photobooth.tmpfiles $(DESTDIR)$(TMPFILESDIR)/photobooth.conf
	install -m 644 systemd/photobooth.sysusers $(DESTDIR)$(SYSUSERSDIR)/photobooth.conf
	install -m 644 systemd/50-photobooth.rules $(DESTDIR)$(POLKITRULESDIR)/50-photobooth.rules
	install -m 644 $(B)/man/photobooth.1 $(B)/man/photoboothctl.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(B)/man/photobooth.conf.5 $(DESTDIR)$(MANDIR)/man5/
	# The default config, with this PREFIX's overlays_dir.
	[ -e $(DESTDIR)$(SYSCONFDIR)/photobooth/photobooth.conf ] || \
		sed 's|^overlays_dir = .*|overlays_dir = $(DATADIR)/overlays|' config/photobooth.conf > \
			$(DESTDIR)$(SYSCONFDIR)/photobooth/photobooth.conf
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" -eq 0 ]; then \
		systemd-sysusers $(SYSUSERSDIR)/photobooth.conf || true; \
		chown root:photobooth $(SYSCONFDIR)/photobooth/photobooth.conf && \
			chmod 0640 $(SYSCONFDIR)/photobooth/photobooth.conf || true; \
		systemd-tmpfiles --create $(TMPFILESDIR)/photobooth.conf || true; \
		systemctl daemon-reload 2>/dev/null || true; \
		udevadm control --reload 2>/dev/null || true; \
		echo "installed; start the booth at every boot with: systemctl enable --now photobooth"; \
	fi

# Removes what install put in place, except the config and data_dir (a venue's photos).
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/photobooth $(DESTDIR)$(BINDIR)/photoboothctl \
		$(DESTDIR)$(LIBEXECDIR)/photobooth-kiosk \
		$(DESTDIR)$(UNITDIR)/photobooth.service $(DESTDIR)$(UDEVRULESDIR)/70-photobooth.rules \
		$(DESTDIR)$(TMPFILESDIR)/photobooth.conf $(DESTDIR)$(SYSUSERSDIR)/photobooth.conf \
		$(DESTDIR)$(POLKITRULESDIR)/50-photobooth.rules \
		$(DESTDIR)$(MANDIR)/man1/photobooth.1 $(DESTDIR)$(MANDIR)/man1/photoboothctl.1 \
		$(DESTDIR)$(MANDIR)/man5/photobooth.conf.5
	rm -rf $(DESTDIR)$(DATADIR)
	rmdir $(DESTDIR)$(LIBEXECDIR) 2>/dev/null || true
	for l in $(LANGS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/photobooth.mo; done

# The Debian package, built from a copy of the tree in build/deb (dpkg-buildpackage writes
# next to the source). Leaves build/deb/photobooth_VERSION_ARCH.deb; lintian errors fail it.
deb:
	scripts/deps.sh deb
	rm -rf build/deb && mkdir -p build/deb/photobooth-$(VERSION)
	tar -c --exclude=./build --exclude=./tests/artifacts --exclude=./.git . | \
		tar -x -C build/deb/photobooth-$(VERSION)
	cd build/deb/photobooth-$(VERSION) && dpkg-buildpackage -us -uc -b
	lintian --fail-on error build/deb/*.changes

# Builds the package, inspects it, installs and removes it on this machine, then installs it
# into a fresh minimal Debian 12 root (debootstrap). Root only; CI runs it.
package-check: deb
	tests/package/deb.sh build/deb
	tests/package/clean-install.sh build/deb

# The arm64 (Raspberry Pi OS 64-bit) build with Debian's cross toolchain and arm64 -dev
# packages (multiarch), in build/arm64; the unit tests and a print run under qemu-user.
CROSS = aarch64-linux-gnu
cross-arm64:
	scripts/deps.sh cross-arm64
	$(MAKE) B=build/arm64 CC=$(CROSS)-gcc AR=$(CROSS)-ar PKG_CONFIG=$(CROSS)-pkg-config all units
	$(MAKE) all  # the native kiosk, whose print the arm64 one must match
	tests/package/cross.sh build/arm64

clean:
	rm -rf build tests/artifacts

.PHONY: unit format-check states man layers all run check soak crash-test bench install uninstall deb package-check cross-arm64 clean units pot config frames golden fuzz fuzzers FORCE
FORCE:

-include $(B)/obj/*.d
