# Build knobs only. Override on the command line: make CC=clang CFLAGS=-O0
CC = cc
AR = ar
CFLAGS ?= -O2 -g
LDFLAGS ?=
# make SANITIZE=1: AddressSanitizer and UndefinedBehaviorSanitizer; any finding stops the program.
# make SANITIZE=thread: ThreadSanitizer instead (data races; tests/tsan.supp names the excused)
SANITIZE =
# (GCC 12 reports a false "null format string" under -fsanitize; that warning is off there.)
SAN_ON = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-Wno-format-truncation
SAN_THREAD = -fsanitize=thread -fno-omit-frame-pointer -Wno-format-truncation
SAN_FLAGS = $(if $(filter thread,$(SANITIZE)),$(SAN_THREAD),$(if $(SANITIZE),$(SAN_ON)))
