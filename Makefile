# collectd-mde: one Makefile, no autotools. `make help` lists the targets.
VERSION := 0.1.0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
COLLECTD_PLUGIN_DIR ?= $(PREFIX)/lib/collectd
NAGIOS_PLUGIN_DIR ?= $(PREFIX)/lib/nagios/plugins
DESTDIR ?=

# BUILD keeps optimised and sanitised objects apart; `make check` uses both.
BUILD ?= build
SANITIZE ?= 0
ifeq ($(SANITIZE),1)
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
       -fno-sanitize-recover=all
else
OPT := -O2 -g
endif

PKGS := libcjson openssl libmicrohttpd libcurl
# Memoised so pkg-config runs once per make, and never for `make deps`.
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(shell pkg-config --cflags $(PKGS)))$(PKG_CFLAGS)
PKG_LIBS = $(eval PKG_LIBS := $$(shell pkg-config --libs $(PKGS)))$(PKG_LIBS)

ALL_CPPFLAGS = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
               -DMDE_VERSION='"$(VERSION)"' -Iinclude -Isim $(CPPFLAGS)
ALL_CFLAGS = -std=c11 -Wall -Wextra -Werror $(OPT) $(CFLAGS)
ALL_LDFLAGS = $(OPT) $(LDFLAGS)

LIB_SRC := $(wildcard lib/*.c)
SIM_SRC := $(filter-out sim/main.c,$(wildcard sim/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
SIM_OBJ := $(SIM_SRC:%.c=$(BUILD)/%.o)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,\
                $(wildcard tests/unit/test_*.c))

LIBMDE := $(BUILD)/libmde.a
LIBSIM := $(BUILD)/libsim.a
MDE_SIM := $(BUILD)/mde-sim

.SECONDARY:
.PHONY: all deps check tests demo bench install clean format format-check help \
        fuzz fuzz-build
.DEFAULT_GOAL := all

# mde-sim joins `all` once sim/main.c exists (its first slice).
all: $(LIBMDE) $(if $(wildcard sim/main.c),$(MDE_SIM))

help:
	@echo "make            build everything into $(BUILD)/"
	@echo "make deps       install the Debian packages the project needs"
	@echo "make check      every test, sanitised (ASan+UBSan), with a summary"
	@echo "make demo       start the simulator and show the partner flows live"
	@echo "make bench      simulator load test (not part of check)"
	@echo "make fuzz       every libFuzzer harness for FUZZ_SECONDS (default 60) each"
	@echo "make install    PREFIX, DESTDIR, COLLECTD_PLUGIN_DIR, NAGIOS_PLUGIN_DIR"
	@echo "make format     clang-format every C file in place"

deps:
	@sh scripts/deps.sh packaging/debian-packages.txt

# V=1 shows the full commands.
Q := $(if $(filter 1,$(V)),,@)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CPPFLAGS) $(PKG_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIBMDE): $(LIB_OBJ)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AR      $@")
	$(Q)$(AR) rcs $@ $^

$(LIBSIM): $(SIM_OBJ)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AR      $@")
	$(Q)$(AR) rcs $@ $^

$(MDE_SIM): $(BUILD)/sim/main.o $(LIBSIM) $(LIBMDE)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(PKG_LIBS) -lpthread -o $@

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIBSIM) $(LIBMDE)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(PKG_LIBS) -lcmocka -lpthread -o $@

tests: all $(UNIT_TESTS)

# libFuzzer harnesses, one per parser of untrusted bytes (tests/fuzz/). clang
# builds the library and simulator sources again with the fuzzing
# sanitizers; each harness links what it needs from that archive.
FUZZ_BUILD := build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC := clang
FUZZ_OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=all
FUZZ_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o) $(SIM_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_LIB := $(FUZZ_BUILD)/libmde-fuzz.a
FUZZERS := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,\
             $(wildcard tests/fuzz/fuzz_*.c))

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZCC  $@")
	$(Q)$(FUZZ_CC) $(ALL_CPPFLAGS) $(PKG_CFLAGS) -std=c11 -Wall -Wextra \
	  -Werror $(FUZZ_OPT) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(FUZZ_CC) $(FUZZ_OPT) -fsanitize=fuzzer $^ $(PKG_LIBS) -lpthread -o $@

fuzz-build: $(FUZZERS)

# Each harness for FUZZ_SECONDS on a copy of its seeds in build/fuzz/; a
# crash, leak or timeout fails the target. `make check` runs them briefly.
fuzz: deps fuzz-build
	@tests/fuzz/run.sh --seconds $(FUZZ_SECONDS)

# The sanitised build is the one the tests run against: leaks, overflows and
# undefined behaviour fail the run. The plain build must compile cleanly too.
check: deps format-check
	$(MAKE) all
	$(MAKE) SANITIZE=1 BUILD=build/asan tests
	$(MAKE) fuzz-build
	@tests/run.sh build/asan

demo: deps all
	@scripts/demo.sh $(BUILD)

bench: deps all
	@bench/sim-load.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(MDE_SIM) $(DESTDIR)$(BINDIR)/mde-sim

clean:
	rm -rf build

C_FILES = $(shell find include lib sim plugin check tests bench \
                  -name '*.[ch]' 2>/dev/null)

format:
	clang-format -i $(C_FILES)

format-check:
	@clang-format --dry-run -Werror $(C_FILES) && echo "format: clean"

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
