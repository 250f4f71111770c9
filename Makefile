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

# The core, the plugin and the check need these; only the simulator (and
# the tests, which link it) needs libmicrohttpd, so `make plugin check_mde`
# builds without it.
CORE_PKGS := libcjson openssl libcurl
PKGS := $(CORE_PKGS) libmicrohttpd
# Memoised so pkg-config runs once per make, and never for `make deps`.
CORE_CFLAGS = $(eval CORE_CFLAGS := $$(shell pkg-config --cflags $(CORE_PKGS)))$(CORE_CFLAGS)
CORE_LIBS = $(eval CORE_LIBS := $$(shell pkg-config --libs $(CORE_PKGS)))$(CORE_LIBS)
SIM_CFLAGS = $(eval SIM_CFLAGS := $$(shell pkg-config --cflags libmicrohttpd))$(SIM_CFLAGS)
PKG_CFLAGS = $(CORE_CFLAGS) $(SIM_CFLAGS)
PKG_LIBS = $(eval PKG_LIBS := $$(shell pkg-config --libs $(PKGS)))$(PKG_LIBS)

ALL_CPPFLAGS = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
               -DMDE_VERSION='"$(VERSION)"' -Iinclude $(CPPFLAGS)
# The simulator's headers (sim/http.h, sim/alerts.h, ...) are the
# simulator's and its tests': libmde and the front ends cannot see them.
TEST_CPPFLAGS := -Isim -Itests/support
# -fPIC everywhere: libmde is linked into mde.so as well as programs.
ALL_CFLAGS = -std=c11 -Wall -Wextra -Werror -fPIC $(OPT) $(CFLAGS)
ALL_LDFLAGS = $(OPT) $(LDFLAGS)

LIB_SRC := $(wildcard lib/*.c)
# The <Plugin mde> option model (conf/): no collectd headers, so the plugin
# and check_mde share it and only the plugin needs collectd-dev.
CONF_SRC := $(wildcard conf/*.c)
CONF_OBJ := $(CONF_SRC:%.c=$(BUILD)/%.o)
SIM_SRC := $(filter-out sim/main.c,$(wildcard sim/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
SIM_OBJ := $(SIM_SRC:%.c=$(BUILD)/%.o)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,\
                $(wildcard tests/unit/test_*.c))
# C integration tests (real mde-sim over TLS) share tests/support/.
ITESTS := $(patsubst tests/integration/%.c,$(BUILD)/tests/%,\
            $(wildcard tests/integration/itest_*.c))
SUPPORT_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/support/*.c))

BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))
BENCH_BINS := $(subst _,-,$(BENCH_BINS))

# The collectd plugin, and nothing else: Debian collectd-dev's headers need
# HAVE_CONFIG_H and these three include roots; only module_register is
# exported. (tests/integration/build_without_collectd.sh proves the rest
# builds without them.)
COLLECTD_INCLUDE ?= /usr/include/collectd
COLLECTD_CPPFLAGS := -DHAVE_CONFIG_H -I$(COLLECTD_INCLUDE) \
                     -I$(COLLECTD_INCLUDE)/core \
                     -I$(COLLECTD_INCLUDE)/core/daemon
PLUGIN_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard plugin/*.c)) $(CONF_OBJ)
MDE_SO := $(BUILD)/mde.so
# check_mde reads --config with the plugin's option model (conf/).
CHECK_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard check/*.c)) $(CONF_OBJ)
CHECK_MDE := $(BUILD)/check_mde

LIBMDE := $(BUILD)/libmde.a
LIBSIM := $(BUILD)/libsim.a
MDE_SIM := $(BUILD)/mde-sim

.SECONDARY:
.PHONY: deps-demo deps-package deps-bench deps-all pkg-tree all plugin check_mde sim install-plugin install-check install-sim deps check tests demo bench install clean format format-check help \
        fuzz fuzz-build deb rpm soak mutate
.DEFAULT_GOAL := all

all: $(LIBMDE) $(MDE_SIM) $(MDE_SO) $(CHECK_MDE)

# What the collectd-mde and monitoring-plugins-mde packages ship, built
# without libmicrohttpd.
plugin: $(MDE_SO)
check_mde: $(CHECK_MDE)
sim: $(MDE_SIM)

help:
	@echo "make            build everything into $(BUILD)/"
	@echo "make plugin check_mde   only mde.so and check_mde (no libmicrohttpd;"
	@echo "                check_mde needs no collectd headers either)"
	@echo "make deps       install the Debian packages the project needs"
	@echo "make check      every test, sanitised (ASan+UBSan), with a summary"
	@echo "make demo       start the simulator and show the partner flows live"
	@echo "make bench      simulator load, engine memory, scale against the"
	@echo "                alternatives, default and minimal value sets, a"
	@echo "                large-tenant cold start (not part of check; ~38 min;"
	@echo "                BENCH_* of bench/scale.sh choose the sizes)"
	@echo "make soak       fault soak: SOAK_CYCLES (default 10000) cycles of 0.25 s, ASan"
	@echo "make fuzz       every libFuzzer harness for FUZZ_SECONDS (default 60) each"
	@echo "make mutate     mutation testing of lib/, plugin/, check/ (MUTATE_SEED,"
	@echo "                MUTATE_MAX, MUTATE_SECONDS; bench/results/mutate.md)"
	@echo "make install    PREFIX, DESTDIR, COLLECTD_PLUGIN_DIR, NAGIOS_PLUGIN_DIR"
	@echo "make deb        Debian packages collectd-mde, monitoring-plugins-mde"
	@echo "                and mde-sim (lintian-clean)"
	@echo "make rpm        RPMs from packaging/rpm/collectd-mde.spec (rpmbuild)"
	@echo "make format     clang-format every C file in place"

# Which sections of packaging/debian-packages.txt each target installs.
DEPS = sh scripts/deps.sh packaging/debian-packages.txt
deps:
	@$(DEPS) build
deps-demo:
	@$(DEPS) build demo
deps-package:
	@$(DEPS) build package
deps-bench:
	@$(DEPS) build bench
deps-all:
	@$(DEPS)

# V=1 shows the full commands.
Q := $(if $(filter 1,$(V)),,@)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CPPFLAGS) $(PKG_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# Tests and the simulator's own sources see its headers; nothing else does.
$(BUILD)/tests/%.o $(BUILD)/sim/%.o $(BUILD)/bench/%.o: \
  ALL_CPPFLAGS += $(TEST_CPPFLAGS)

# What ships in the plugin and the check: no libmicrohttpd flags.
$(BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CPPFLAGS) $(CORE_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# The option model: shipped in both, and no collectd headers either.
$(BUILD)/conf/%.o: conf/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CPPFLAGS) $(CORE_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/plugin/%.o: plugin/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CPPFLAGS) $(COLLECTD_CPPFLAGS) -Iconf $(CORE_CFLAGS) \
	  $(ALL_CFLAGS) -fvisibility=hidden -MMD -MP -c $< -o $@

$(BUILD)/check/%.o: check/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CPPFLAGS) -Iconf $(CORE_CFLAGS) $(ALL_CFLAGS) -MMD -MP \
	  -c $< -o $@

$(CHECK_MDE): $(CHECK_OBJ) $(LIBMDE)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(CORE_LIBS) -lm -lpthread -o $@

$(MDE_SO): $(PLUGIN_OBJ) $(LIBMDE) plugin/mde.map
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -shared $(ALL_LDFLAGS) -Wl,--version-script=plugin/mde.map \
	  -Wl,-soname,mde.so $(PLUGIN_OBJ) $(LIBMDE) $(CORE_LIBS) -o $@

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

$(BUILD)/tests/itest_%: $(BUILD)/tests/integration/itest_%.o $(SUPPORT_OBJ) \
                        $(LIBMDE)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(PKG_LIBS) -lcmocka -lpthread -o $@

# check_mde's own modules are unit-tested too (without collectd's headers).
$(BUILD)/tests/unit/test_check.o: ALL_CPPFLAGS += -Icheck -Iconf
# (its own rule: the check's objects must come before libmde on the line)
$(BUILD)/tests/test_check: $(BUILD)/tests/unit/test_check.o \
  $(addprefix $(BUILD)/check/,conffile.o range.o report.o) \
  $(LIBSIM) $(LIBMDE)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(PKG_LIBS) -lcmocka -lpthread -o $@
# The option model, fed by check_mde's config reader (no collectd headers).
$(BUILD)/tests/unit/test_options.o: ALL_CPPFLAGS += -Icheck -Iconf
$(BUILD)/tests/test_options: $(BUILD)/tests/unit/test_options.o \
  $(BUILD)/check/conffile.o $(CONF_OBJ) $(LIBSIM) $(LIBMDE)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(PKG_LIBS) -lcmocka -lpthread -o $@
# The plugin's copy of collectd's config tree into ours: collectd's headers.
$(BUILD)/tests/unit/test_conf_adapt.o: ALL_CPPFLAGS += $(COLLECTD_CPPFLAGS) \
  -Iplugin -Iconf
$(BUILD)/tests/test_conf_adapt: $(BUILD)/tests/unit/test_conf_adapt.o \
  $(BUILD)/plugin/conf_adapt.o $(CONF_OBJ) $(LIBSIM) $(LIBMDE)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(PKG_LIBS) -lcmocka -lpthread -o $@
# The Values option, through the option parser (as test_options).
$(BUILD)/tests/unit/test_value_groups.o: ALL_CPPFLAGS += -Icheck -Iconf
$(BUILD)/tests/test_value_groups: $(BUILD)/tests/unit/test_value_groups.o \
  $(BUILD)/check/conffile.o $(CONF_OBJ) $(LIBSIM) $(LIBMDE)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(PKG_LIBS) -lcmocka -lpthread -o $@
# plugin/submit.c against a recording fake of collectd (tests/unit/collectd_fake.c).
$(BUILD)/tests/unit/test_submit.o $(BUILD)/tests/unit/collectd_fake.o: \
  ALL_CPPFLAGS += $(COLLECTD_CPPFLAGS) -Iplugin -Iconf
$(BUILD)/tests/test_submit: $(BUILD)/tests/unit/test_submit.o \
  $(addprefix $(BUILD)/,tests/unit/collectd_fake.o plugin/submit.o) \
  $(LIBSIM) $(LIBMDE)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(PKG_LIBS) -lcmocka -lpthread -lm -o $@
# The engine's state machine runs in a scripted world (tests/unit/fakeworld.c).
# engine_fixture.c is their cmocka fixture.
ENGINE_TEST_OBJ := $(addprefix $(BUILD)/tests/unit/,fakeworld.o engine_fixture.o)
$(BUILD)/tests/test_engine_sm: $(ENGINE_TEST_OBJ)
$(BUILD)/tests/test_engine_graph: $(ENGINE_TEST_OBJ)
$(BUILD)/tests/test_engine_machines: $(ENGINE_TEST_OBJ)
$(BUILD)/tests/test_engine_carry: $(ENGINE_TEST_OBJ)
# mde-sim's admin routes; the wrap lets the test see the world lock while
# OpenSSL generates a key (EVP_RSA_gen is a macro for EVP_PKEY_Q_keygen).
$(BUILD)/tests/test_sim_admin: $(BUILD)/tests/unit/test_sim_admin.o \
  $(LIBSIM) $(LIBMDE)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -Wl,--wrap=EVP_PKEY_Q_keygen $^ $(PKG_LIBS) \
	  -lcmocka -lpthread -o $@

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIBSIM) $(LIBMDE)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(PKG_LIBS) -lcmocka -lpthread -o $@

$(BUILD)/bench/engine-memory: $(BUILD)/bench/engine_memory.o $(LIBMDE)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(PKG_LIBS) -lpthread -o $@

tests: all $(UNIT_TESTS) $(ITESTS)

# libFuzzer harnesses, one per parser of untrusted bytes (tests/fuzz/). clang
# builds the library and simulator sources again with the fuzzing
# sanitizers; each harness links what it needs from that archive.
FUZZ_BUILD := build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC := clang
FUZZ_OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=all
FUZZ_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o) $(SIM_SRC:%.c=$(FUZZ_BUILD)/%.o) \
            $(CONF_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_LIB := $(FUZZ_BUILD)/libmde-fuzz.a
FUZZERS := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,\
             $(wildcard tests/fuzz/fuzz_*.c))

$(FUZZ_BUILD)/tests/%.o $(FUZZ_BUILD)/sim/%.o: ALL_CPPFLAGS += $(TEST_CPPFLAGS)

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
	$(Q)$(FUZZ_CC) $(FUZZ_OPT) -fsanitize=fuzzer $(filter-out $(FUZZ_LIB),$^) \
	  $(FUZZ_LIB) $(PKG_LIBS) -lpthread -o $@

# check_mde's config reader and the option model (conf/) it feeds.
$(FUZZ_BUILD)/check/conffile.o $(FUZZ_BUILD)/tests/fuzz/fuzz_conffile.o \
  $(FUZZ_BUILD)/tests/fuzz/fuzz_options.o: ALL_CPPFLAGS += -Icheck -Iconf
$(FUZZ_BUILD)/fuzz_conffile: $(FUZZ_BUILD)/check/conffile.o
$(FUZZ_BUILD)/tests/fuzz/fuzz_range.o: ALL_CPPFLAGS += -Icheck
$(FUZZ_BUILD)/fuzz_range: $(FUZZ_BUILD)/check/range.o
$(FUZZ_BUILD)/fuzz_options: $(FUZZ_BUILD)/check/conffile.o

# The engine's state machine, in the scripted world of its unit tests.
$(FUZZ_BUILD)/tests/fuzz/fuzz_engine.o: ALL_CPPFLAGS += -Itests/unit
$(FUZZ_BUILD)/fuzz_engine: $(FUZZ_BUILD)/tests/unit/fakeworld.o

fuzz-build: $(FUZZERS)

# Each harness for FUZZ_SECONDS on a copy of its seeds in build/fuzz/; a
# crash, leak or timeout fails the target. `make check` runs them briefly.
fuzz: deps-all fuzz-build
	@tests/fuzz/run.sh --seconds $(FUZZ_SECONDS)

# The sanitised build is the one the tests run against: leaks, overflows and
# undefined behaviour fail the run. The plain build must compile cleanly too.
check: deps-all format-check
	$(MAKE) all
	$(MAKE) SANITIZE=1 BUILD=build/asan tests
	$(MAKE) fuzz-build
	@tests/run.sh build/asan

demo: deps-demo all
	@scripts/demo.sh $(BUILD)

# BENCH_TENANTS="100 1000" (and the other BENCH_* of bench/scale.sh)
# shorten the scale run; results go to bench/results/.
bench: deps-bench all $(BENCH_BINS)
	@bench/sim-load.sh $(BUILD)
	@bench/engine-memory.sh $(BUILD)
	@bench/large-sync.sh $(BUILD)
	@bench/endless.sh $(BUILD)
	@bench/scale.sh $(BUILD)

# A real collectd with the ASan+UBSan plugin against mde-sim under faults
# on every endpoint (tests/soak/soak.py); ~45 minutes for 10,000 cycles.
SOAK_CYCLES ?= 10000
soak: deps-all all
	@$(MAKE) --no-print-directory SANITIZE=1 BUILD=build/asan all
	@scripts/soak.sh $(SOAK_CYCLES)

# Mutation testing (scripts/mutate.py): each mutant built in build/mutate/
# and run against the tests that link it; `make check` runs a fixed sample
# (tests/integration/mutate_sample.sh).
mutate: deps-all
	@nice python3 scripts/mutate.py

# One install target per package, so a package built without the
# simulator installs without it.
install: install-plugin install-check install-sim
install-sim: $(MDE_SIM)
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(MDE_SIM) $(DESTDIR)$(BINDIR)/mde-sim
install-check: $(CHECK_MDE)
	install -d $(DESTDIR)$(NAGIOS_PLUGIN_DIR)
	install -m 0755 $(CHECK_MDE) $(DESTDIR)$(NAGIOS_PLUGIN_DIR)/check_mde
install-plugin: $(MDE_SO)
	install -d $(DESTDIR)$(COLLECTD_PLUGIN_DIR)
	install -m 0644 $(MDE_SO) $(DESTDIR)$(COLLECTD_PLUGIN_DIR)/mde.so

# Packages are built from a clean copy of the tree (no build/, no .git).
PKG_TREE := build/pkg/collectd-mde-$(VERSION)
pkg-tree:
	@rm -rf build/pkg && mkdir -p $(PKG_TREE)
	@tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C $(PKG_TREE)

deb: deps-package pkg-tree
	cp -r packaging/debian $(PKG_TREE)/debian
	cd $(PKG_TREE) && dpkg-buildpackage -us -uc -b
	lintian --fail-on error --suppress-tags \
	  changelog-distribution-does-not-match-changes-file \
	  build/pkg/collectd-mde_$(VERSION)_*.changes
	@ls build/pkg/*.deb

rpm: deps-package pkg-tree
	@mkdir -p build/pkg/rpm/SOURCES
	tar -czf build/pkg/rpm/SOURCES/collectd-mde-$(VERSION).tar.gz \
	  -C build/pkg collectd-mde-$(VERSION)
	rpmbuild --nodeps --define "_topdir $(CURDIR)/build/pkg/rpm" \
	  -bb packaging/rpm/collectd-mde.spec
	@find build/pkg/rpm/RPMS -name '*.rpm'

clean:
	rm -rf build

C_FILES = $(shell find include lib conf sim plugin check tests bench \
                  -name '*.[ch]' 2>/dev/null)

format:
	clang-format -i $(C_FILES)

format-check:
	@clang-format --dry-run -Werror $(C_FILES) && echo "format: clean"

-include $(shell find $(BUILD) -path '$(BUILD)/pkg' -prune -o -name '*.d' -type f -print 2>/dev/null)
