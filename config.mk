# Build knobs only. Override on the command line: make CC=clang CFLAGS=-O0
CC = cc
AR = ar
CFLAGS = -O2 -g
LDFLAGS =
# make SANITIZE=1: AddressSanitizer and UndefinedBehaviorSanitizer
SANITIZE =
SAN_ON = -fsanitize=address,undefined -fno-omit-frame-pointer
SAN_FLAGS = $(if $(SANITIZE),$(SAN_ON))
