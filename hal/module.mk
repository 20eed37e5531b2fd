# SPDX-License-Identifier: Apache-2.0
# hal/: the backend-neutral HAL contract (registry, checks, object ids, the
# clock, the event ring, dumps, the loader of provider modules).
LIBRARIES += hal
hal_SRCS := hal/hal.c hal/hal-event.c hal/hal-dump.c hal/hal-load.c hal/hal-neigh.c \
           hal/hal-bfd.c hal/hal-route.c hal/hal-route-dump.c

# What a program that loads provider modules links with, so that a module
# finds the provider API (and only that) in the program.
HAL_PROVIDER_LDFLAGS := -Wl,--dynamic-list=hal/hal-provider.dynlist

$(call UNIT_TEST,test-hal,tests/unit/test-hal.c,hal lib)

# ACLs: reference semantics, header parser, checked calls (hal/hal-acl.h).
hal_SRCS += hal/hal-acl.c
