# hal/asic/: the software ASIC backend.
LIBRARIES += hal-asic
hal-asic_SRCS := hal/asic/asic.c hal/asic/chip.c hal/asic/events.c \
                 hal/asic/fdb.c hal/asic/forward.c hal/asic/l2.c \
                 hal/asic/profile.c hal/asic/repl.c hal/asic/resync.c \
                 hal/asic/table.c
hal-asic_PKGS := jansson

UNIT_TESTS += test-hal-asic
test-hal-asic_SRCS := tests/unit/test-hal-asic.c tests/unit/hal-asic-fixture.c
test-hal-asic_LIBS := hal-asic hal lib
test-hal-asic_PKGS := cmocka


UNIT_TESTS += test-hal-asic-forward
test-hal-asic-forward_SRCS := tests/unit/test-hal-asic-forward.c \
                              tests/unit/hal-asic-fixture.c
test-hal-asic-forward_LIBS := hal-asic hal lib
test-hal-asic-forward_PKGS := cmocka

TEST_PROGRAMS += bench-asic-fdb
bench-asic-fdb_SRCS := tests/bench/bench-asic-fdb.c
bench-asic-fdb_LIBS := hal-asic hal lib
BENCH_SCRIPTS += tests/bench/asic-fdb.sh
