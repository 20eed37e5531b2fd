# hal/: the backend-neutral HAL contract (registry, checks, dumps).
LIBRARIES += hal
hal_SRCS := hal/hal.c hal/hal-dump.c

UNIT_TESTS += test-hal
test-hal_SRCS := tests/unit/test-hal.c
test-hal_LIBS := hal lib
test-hal_PKGS := cmocka
