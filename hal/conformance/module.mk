# SPDX-License-Identifier: Apache-2.0
# hal/conformance/: the HAL conformance kit (build/bin/hal-conformance), the
# example provider modules it is proven with, and their tests.
LIBRARIES += hal-kit
hal-kit_SRCS := hal/conformance/kit.c hal/conformance/kit-util.c \
                hal/conformance/cases-objects.c \
                hal/conformance/cases-bulk.c \
                hal/conformance/cases-events.c \
                hal/conformance/cases-warm.c \
                hal/conformance/cases-neigh-bfd.c
hal-kit_SRCS += hal/conformance/cases-acl.c hal/conformance/cases-route.c

PROGRAMS += hal-conformance
hal-conformance_SRCS := hal/conformance/main.c
hal-conformance_LIBS := hal-kit hal-asic hal-netdev hal lib
hal-conformance_LDFLAGS = $(HAL_PROVIDER_LDFLAGS)

# Provider modules, built the way a vendor builds one out of tree: only the
# HAL headers, -fPIC -shared, no vtepd library (the program that loads the
# module supplies the provider API).
HAL_MODULE_CFLAGS = -std=gnu11 -I. $(WARNINGS) $(CFLAGS) $(EXTRA_CFLAGS) \
                    -fPIC -shared
HAL_MODULES := $(BUILD)/hal-example/example.so \
               $(BUILD)/tests/hal-broken.so $(BUILD)/tests/hal-bad-abi.so

$(BUILD)/hal-example/example.so: docs/hal-example/example.c hal/hal.h \
                                 hal/hal-provider.h
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(HAL_MODULE_CFLAGS) -o $@ $<

$(BUILD)/tests/hal-%.so: tests/hal-conformance/%.c \
                         docs/hal-example/example.c hal/hal.h \
                         hal/hal-provider.h
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(HAL_MODULE_CFLAGS) -o $@ $<

tests: $(HAL_MODULES)

# The case quotes are checked against the headers they quote.
$(call UNIT_TEST,test-hal-conformance,\
    tests/unit/test-hal-conformance.c,\
    hal-kit hal lib)

SCRIPT_TESTS += tests/hal-conformance/conformance.sh
