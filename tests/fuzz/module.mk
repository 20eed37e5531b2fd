# SPDX-License-Identifier: Apache-2.0
# tests/fuzz/: one fuzz target per input surface a peer or a file controls.
#
# Each target (fuzz-NAME.c, an LLVMFuzzerTestOneInput, plus the shared
# sources its fuzz-NAME_FUZZ_SRCS lists) is built twice:
#
#   - by 'make check', with replay.c as a cmocka test that runs it on every
#     input saved in tests/fuzz/corpus/fuzz-NAME/ and
#     tests/fuzz/regressions/fuzz-NAME/ (seconds, deterministic);
#   - by 'make fuzz', with clang, libFuzzer, ASan and UBSan in build/fuzz/,
#     then run for FUZZ_SECONDS each (FUZZ_TARGETS to pick some);
#     'make fuzz-long' runs each for FUZZ_LONG_RUNS inputs (10 million;
#     or FUZZ_LONG_SECONDS) and keeps what it finds in tests/fuzz/corpus/.
FUZZ_ALL := fuzz-json-text fuzz-jsonrpc fuzz-transact fuzz-transact-text \
            fuzz-schema fuzz-schema-transact fuzz-log fuzz-frame fuzz-chip \
            fuzz-dataplane
fuzz-json-text_FUZZ_LIBS := lib
fuzz-jsonrpc_FUZZ_LIBS := jsonrpc lib
fuzz-transact_FUZZ_LIBS := vtep-schema ovsdb-storage ovsdb lib
fuzz-transact_FUZZ_SRCS := tests/fuzz/fuzz-db.c
fuzz-transact-text_FUZZ_LIBS := vtep-schema ovsdb-storage ovsdb lib
fuzz-transact-text_FUZZ_SRCS := tests/fuzz/fuzz-db.c
fuzz-schema_FUZZ_LIBS := ovsdb lib
fuzz-schema-transact_FUZZ_LIBS := ovsdb-storage ovsdb lib
fuzz-log_FUZZ_LIBS := ovsdb-storage ovsdb lib
fuzz-frame_FUZZ_LIBS := sim hal lib
fuzz-chip_FUZZ_LIBS := hal-asic hal lib
fuzz-dataplane_FUZZ_LIBS := sim hal-asic hal lib

# OVS's test schemas, compiled into fuzz-db.c.
FUZZ_SCHEMAS := ordinal constraint weak gc immutable idltest
FUZZ_SCHEMA_INCS := $(foreach s,$(FUZZ_SCHEMAS),$(BUILD)/gen/fuzz-schemas/$(s).inc)
$(BUILD)/gen/fuzz-schemas/%.inc: tests/fuzz/schemas/%.ovsschema schema/file2c.sh
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)sh schema/file2c.sh $< > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/tests/fuzz/fuzz-db.o: $(FUZZ_SCHEMA_INCS)

define FUZZ_template
UNIT_TESTS += $(1)
$(1)_SRCS := tests/fuzz/$(1).c tests/fuzz/replay.c $$($(1)_FUZZ_SRCS)
$(1)_LIBS := $$($(1)_FUZZ_LIBS)
$(1)_PKGS := cmocka
$(1)_FUZZ_OBJS := $$(patsubst %.c,$$(BUILD)/obj/%.o,tests/fuzz/$(1).c \
                                                     $$($(1)_FUZZ_SRCS))

$$(BUILD)/fuzz/$(1): $$($(1)_FUZZ_OBJS) \
                     $$(foreach l,$$($(1)_FUZZ_LIBS),$$(BUILD)/lib/$$(l).a)
	@mkdir -p $$(@D)
	@echo "  LINK    $$@"
	$$(Q)$$(CC) $$(ALL_CFLAGS) -fsanitize=fuzzer -o $$@ $$($(1)_FUZZ_OBJS) \
	    -Wl,--start-group $$(call lib_archives,$$($(1)_FUZZ_LIBS)) \
	    -Wl,--end-group \
	    $$(call pkg_libs,$$(sort $$(foreach l,$$($(1)_FUZZ_LIBS),$$($$(l)_PKGS)))) \
	    $$(ALL_LDFLAGS) -lm
endef
$(foreach t,$(FUZZ_ALL),$(eval $(call FUZZ_template,$(t))))

FUZZ_SECONDS ?= 60
FUZZ_LONG_RUNS ?= 10000000
FUZZ_LONG_SECONDS ?=
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_BUILD := build/fuzz
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=undefined

.PHONY: fuzz fuzz-long fuzz-build fuzz-build-all
fuzz-build-all: deps
	@$(MAKE) --no-print-directory -j$(NPROC) BUILD=$(FUZZ_BUILD) CC=clang \
	    CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	    EXTRA_CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SANITIZE)" \
	    EXTRA_LDFLAGS="$(FUZZ_SANITIZE)" fuzz-build

# A quick look: each target for FUZZ_SECONDS; what it finds stays in
# build/fuzz/.
fuzz: fuzz-build-all
	@FUZZ_BUILD=$(FUZZ_BUILD) tests/fuzz/run-fuzz.sh \
	    -max_total_time=$(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The long run: each target for FUZZ_LONG_RUNS inputs (or FUZZ_LONG_SECONDS
# if set); the inputs that add coverage are merged, minimised, into
# tests/fuzz/corpus/ for 'make check' to replay from then on.
fuzz-long: fuzz-build-all
	@FUZZ_BUILD=$(FUZZ_BUILD) tests/fuzz/run-fuzz.sh --keep \
	    $(if $(FUZZ_LONG_SECONDS),-max_total_time=$(FUZZ_LONG_SECONDS),-runs=$(FUZZ_LONG_RUNS)) \
	    $(FUZZ_TARGETS)

fuzz-build: $(foreach t,$(FUZZ_ALL),$(BUILD)/fuzz/$(t))
