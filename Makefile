# SPDX-License-Identifier: Apache-2.0
# vtepd — one non-recursive Makefile.
#
# Each folder that builds something adds a module.mk fragment that appends to
# these lists (see docs/CONTRIBUTING.md for the conventions):
#
#   LIBRARIES  += NAME    NAME_SRCS := ...   NAME_PKGS := pkg-config names
#   PROGRAMS   += NAME    NAME_SRCS := ...   NAME_LIBS := internal libraries
#                          (NAME_LDFLAGS: extra link flags, optional)
#   $(call UNIT_TEST,NAME,SOURCES,LIBRARIES[,PACKAGES])   a cmocka test
#                          (cmocka is added to PACKAGES)
#   SCRIPT_TESTS += path/to/test.sh          (run by tests/run-tests.sh)
#   TEST_PROGRAMS += NAME  NAME_SRCS/_LIBS/_PKGS as above: a helper binary in
#                          $(BUILD)/tests/ that tests or benchmarks run
#   BENCH_SCRIPTS += path/to/bench.sh        (run by 'make bench')
#
# A fragment may also define its own targets (e.g. a long differential run).
#
# Internal libraries are static archives; programs and tests link only the
# libraries they name (and the pkg-config packages those libraries need).

BUILD ?= build
PKG_CONFIG ?= pkg-config
NPROC := $(shell nproc 2>/dev/null || echo 2)

WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wno-unused-parameter
ifneq ($(CI),)
WARNINGS += -Werror
endif

CFLAGS ?= -O2 -g
EXTRA_CFLAGS ?=
EXTRA_LDFLAGS ?=
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE -I. -I$(BUILD)/gen $(WARNINGS) $(CFLAGS) \
             $(EXTRA_CFLAGS) $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(EXTRA_LDFLAGS)

# pkg-config names of every external dependency.  libev ships no .pc file on
# Debian, so it is handled by hand below.
ALL_PKGS := jansson openssl libnl-3.0 libnl-route-3.0 cmocka libmicrohttpd
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(ALL_PKGS) 2>/dev/null)
pkg_libs = $(if $(filter libev,$(1)),-lev) \
           $(if $(filter-out libev,$(1)),$(shell $(PKG_CONFIG) --libs $(filter-out libev,$(1)) 2>/dev/null))

LIBRARIES :=
PROGRAMS :=
UNIT_TESTS :=
SCRIPT_TESTS :=
TEST_PROGRAMS :=
BENCH_SCRIPTS :=

# $(call UNIT_TEST,NAME,SOURCES,LIBRARIES[,PACKAGES]): registers the cmocka
# test NAME, built from SOURCES and linked with the internal LIBRARIES.
define UNIT_TEST_template
UNIT_TESTS += $(strip $(1))
$(strip $(1))_SRCS := $(2)
$(strip $(1))_LIBS := $(3)
$(strip $(1))_PKGS := cmocka $(4)
endef
UNIT_TEST = $(eval $(call UNIT_TEST_template,$(1),$(2),$(3),$(4)))

.DEFAULT_GOAL := all
include $(sort $(wildcard */module.mk */*/module.mk tests/*/module.mk))

ifeq ($(V),1)
Q :=
else
Q := @
endif

# $(call lib_archives,LIBS): the archive paths of internal libraries.
lib_archives = $(foreach l,$(1),$(BUILD)/lib/$(l).a)
# $(call link_pkgs,TARGET): the external packages TARGET and its libraries use.
link_pkgs = $(sort $($(1)_PKGS) $(foreach l,$($(1)_LIBS),$($(l)_PKGS)))

define LIBRARY_template
$(1)_OBJS := $$(patsubst %.c,$$(BUILD)/obj/%.o,$$($(1)_SRCS))
ALL_OBJS += $$($(1)_OBJS)
$$(BUILD)/lib/$(1).a: $$($(1)_OBJS)
	@mkdir -p $$(@D)
	@echo "  AR      $$@"
	$$(Q)rm -f $$@ && $$(AR) rcs $$@ $$^
endef

# $(1) = name, $(2) = output directory
define LINK_template
$(1)_OBJS := $$(patsubst %.c,$$(BUILD)/obj/%.o,$$($(1)_SRCS))
ALL_OBJS += $$($(1)_OBJS)
$(2)/$(1): $$($(1)_OBJS) $$(call lib_archives,$$($(1)_LIBS))
	@mkdir -p $$(@D)
	@echo "  LINK    $$@"
	$$(Q)$$(CC) $$(ALL_CFLAGS) -o $$@ $$($(1)_OBJS) -Wl,--start-group \
	    $$(call lib_archives,$$($(1)_LIBS)) -Wl,--end-group \
	    $$(call pkg_libs,$$(call link_pkgs,$(1))) $$($(1)_LDFLAGS) \
	    $$(ALL_LDFLAGS) -lm
endef

ALL_OBJS :=
$(foreach l,$(LIBRARIES),$(eval $(call LIBRARY_template,$(l))))
$(foreach p,$(PROGRAMS),$(eval $(call LINK_template,$(p),$(BUILD)/bin)))
$(foreach t,$(UNIT_TESTS) $(TEST_PROGRAMS),$(eval $(call LINK_template,$(t),$(BUILD)/tests)))

BIN_TARGETS := $(addprefix $(BUILD)/bin/,$(PROGRAMS))
TEST_TARGETS := $(addprefix $(BUILD)/tests/,$(UNIT_TESTS))
TEST_PROGRAM_TARGETS := $(addprefix $(BUILD)/tests/,$(TEST_PROGRAMS))

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

-include $(ALL_OBJS:.o=.d)

.PHONY: all tests deps run check check-nodeps asan ubsan valgrind lint \
        format clean distclean bench
all: $(BIN_TARGETS)
tests: $(BIN_TARGETS) $(TEST_TARGETS) $(TEST_PROGRAM_TARGETS)

# Installs (apt-get) whatever build or test dependency is missing; a fast
# no-op when everything is there.
deps:
	@.ci/deps.sh

run: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@mkdir -p run
	$(BUILD)/bin/vtepd $(RUN_ARGS)

# The sub-make re-reads this Makefile, so pkg-config sees what 'deps' just
# installed.
check: deps
	@$(MAKE) --no-print-directory check-nodeps

check-nodeps:
	@$(MAKE) --no-print-directory -j$(NPROC) tests
	@BUILD=$(BUILD) TEST_WRAPPER="$(TEST_WRAPPER)" \
	    tests/run-tests.sh $(TEST_TARGETS) $(SCRIPT_TESTS)

# Benchmarks: long, never part of 'make check'.  Each script prints its own
# figures.
bench: deps
	@$(MAKE) --no-print-directory -j$(NPROC) tests
	@set -e; for b in $(BENCH_SCRIPTS); do \
	    echo "== $$b"; BUILD=$(BUILD) bash $$b; done

SAN_COMMON := -O1 -g -fno-omit-frame-pointer
asan: deps
	@NO_FIRMWARE=1 $(MAKE) --no-print-directory BUILD=build/asan CFLAGS="$(SAN_COMMON)" \
	    EXTRA_CFLAGS="-fsanitize=address" EXTRA_LDFLAGS="-fsanitize=address" \
	    check-nodeps

ubsan: deps
	@NO_FIRMWARE=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    $(MAKE) --no-print-directory BUILD=build/ubsan CFLAGS="$(SAN_COMMON)" \
	    EXTRA_CFLAGS="-fsanitize=undefined -fno-sanitize-recover=undefined" \
	    EXTRA_LDFLAGS="-fsanitize=undefined" check-nodeps

valgrind: deps
	@NO_FIRMWARE=1 $(MAKE) --no-print-directory BUILD=build/valgrind CFLAGS="-O1 -g" \
	    TEST_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect" \
	    check-nodeps

# Every C file we own, for the style checks.
C_SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build/*')

lint:
	@echo "  CLANG-FORMAT"
	$(Q)clang-format --dry-run --Werror $(C_SOURCES)
	@echo "  CPPCHECK"
	$(Q)cppcheck -q --error-exitcode=1 --inline-suppr --std=c11 \
	    --enable=warning,performance,portability \
	    --suppress=missingIncludeSystem -I. -D__GNUC__ -D__CPPCHECK__ $(filter %.c,$(C_SOURCES))

format:
	clang-format -i $(C_SOURCES)

clean:
	rm -rf build

distclean: clean
	rm -rf run
