# SPDX-License-Identifier: Apache-2.0
# hal/: the backend-neutral HAL contract (registry, checks, object ids, the
# clock, the event ring, dumps).
LIBRARIES += hal
hal_SRCS := hal/hal.c hal/hal-event.c hal/hal-dump.c hal/hal-neigh.c

$(call UNIT_TEST,test-hal,tests/unit/test-hal.c,hal lib)
