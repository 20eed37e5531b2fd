# SPDX-License-Identifier: Apache-2.0
# vtepd/vtep/: the reconciler (hardware_vtep rows <-> HAL).
LIBRARIES += vtep
vtep_SRCS := vtepd/vtep/vtep.c vtepd/vtep/vtep-queue.c vtepd/vtep/vtep-db.c \
             vtepd/vtep/vtep-switch.c \
             vtepd/vtep/vtep-ls.c vtepd/vtep/vtep-macs.c \
             vtepd/vtep/vtep-local.c vtepd/vtep/vtep-stats.c \
             vtepd/vtep/vtep-neigh.c vtepd/vtep/vtep-tunnel.c vtepd/vtep/vtep-lr.c vtepd/vtep/vtep-lr-rows.c \
             vtepd/vtep/vtep-bfd.c

# The reconciler's tests share tests/unit/vtep-fixture.c: a database, the
# recording mock HAL or the asic backend, and the reconciler on them.
VTEP_FIXTURE_SRCS := tests/unit/vtep-fixture.c tests/unit/vtep-mock-hal.c
VTEP_FIXTURE_LIBS := vtep vtep-schema ovsdb hal-asic hal lib

$(call UNIT_TEST,test-vtep,\
    tests/unit/test-vtep.c $(VTEP_FIXTURE_SRCS),$(VTEP_FIXTURE_LIBS))

$(call UNIT_TEST,test-vtep-local,\
    tests/unit/test-vtep-local.c $(VTEP_FIXTURE_SRCS),$(VTEP_FIXTURE_LIBS))

$(call UNIT_TEST,test-vtep-neigh,\
    tests/unit/test-vtep-neigh.c $(VTEP_FIXTURE_SRCS),$(VTEP_FIXTURE_LIBS))

$(call UNIT_TEST,test-vtep-warm,\
    tests/unit/test-vtep-warm.c $(VTEP_FIXTURE_SRCS),$(VTEP_FIXTURE_LIBS))

# Local MAC learning into Ucast_Macs_Local, timed (not part of 'make check').
TEST_PROGRAMS += bench-vtep-local
bench-vtep-local_SRCS := tests/bench/bench-vtep-local.c $(VTEP_FIXTURE_SRCS)
bench-vtep-local_LIBS := $(VTEP_FIXTURE_LIBS)
bench-vtep-local_PKGS := cmocka

$(call UNIT_TEST,test-vtep-tunnel,\
    tests/unit/test-vtep-tunnel.c $(VTEP_FIXTURE_SRCS),$(VTEP_FIXTURE_LIBS))

$(call UNIT_TEST,test-vtep-lr,\
    tests/unit/test-vtep-lr.c $(VTEP_FIXTURE_SRCS),$(VTEP_FIXTURE_LIBS))

# ACLs (vtepd/vtep/vtep-acl.c).
vtep_SRCS += vtepd/vtep/vtep-acl.c vtepd/vtep/vtep-acl-entry.c

$(call UNIT_TEST,test-vtep-acl,\
    tests/unit/test-vtep-acl.c $(VTEP_FIXTURE_SRCS),$(VTEP_FIXTURE_LIBS))
