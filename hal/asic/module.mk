# SPDX-License-Identifier: Apache-2.0
# hal/asic/: the software ASIC backend.
LIBRARIES += hal-asic
hal-asic_SRCS := hal/asic/asic.c hal/asic/chip.c \
                 hal/asic/fdb.c hal/asic/forward.c hal/asic/l2.c hal/asic/neigh.c \
                 hal/asic/profile.c hal/asic/repl.c hal/asic/resync.c \
                 hal/asic/table.c hal/asic/bfd.c hal/asic/route.c \
                 hal/asic/route-pipe.c hal/asic/ra.c
hal-asic_PKGS := jansson

$(call UNIT_TEST,test-hal-asic,\
    tests/unit/test-hal-asic.c tests/unit/hal-asic-fixture.c,\
    hal-asic hal lib)

$(call UNIT_TEST,test-hal-asic-forward,\
    tests/unit/test-hal-asic-forward.c tests/unit/hal-asic-fixture.c,\
    hal-asic hal lib)

TEST_PROGRAMS += bench-asic-fdb
bench-asic-fdb_SRCS := tests/bench/bench-asic-fdb.c
bench-asic-fdb_LIBS := hal-asic hal lib
BENCH_SCRIPTS += tests/bench/asic-fdb.sh

$(call UNIT_TEST,test-hal-asic-bfd,\
    tests/unit/test-hal-asic-bfd.c tests/unit/hal-asic-fixture.c,\
    hal-asic hal lib)

$(call UNIT_TEST,test-hal-asic-route,\
    tests/unit/test-hal-asic-route.c tests/unit/hal-asic-fixture.c,\
    hal-asic hal lib)

# The ACL TCAM model (hal/asic/acl.c) and its chip memory (acl-chip.c).
hal-asic_SRCS += hal/asic/acl.c hal/asic/acl-chip.c

$(call UNIT_TEST,test-hal-acl,\
    tests/unit/test-hal-acl.c tests/unit/hal-asic-fixture.c,\
    hal-asic hal lib)
