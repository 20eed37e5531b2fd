# SPDX-License-Identifier: Apache-2.0
# sim/: the software dataplane for the asic backend, and the lab runner.
LIBRARIES += sim
sim_SRCS := sim/arp.c sim/frame.c sim/port.c sim/port-block.c sim/underlay.c \
    sim/gso-tap.c sim/sim.c sim/stats.c sim/carrier.c sim/output.c sim/lab.c sim/route.c sim/route6.c
sim_PKGS := libev

$(call UNIT_TEST,test-sim-frame,tests/unit/test-sim-frame.c,sim hal lib)

$(call UNIT_TEST,test-sim,tests/unit/test-sim.c,sim hal-asic hal lib)

$(call UNIT_TEST,test-sim-arp,tests/unit/test-sim-arp.c,sim hal-asic hal lib)

# Port and underlay I/O; their kernel halves run in a network namespace of
# their own, or skip without root.
$(call UNIT_TEST,test-sim-port,\
    tests/unit/test-sim-port.c tests/unit/netns-fixture.c,sim hal lib)
$(call UNIT_TEST,test-sim-underlay,\
    tests/unit/test-sim-underlay.c tests/unit/netns-fixture.c,sim hal lib)
$(call UNIT_TEST,test-sim-carrier,\
    tests/unit/test-sim-carrier.c tests/unit/netns-fixture.c,\
    sim hal-asic hal lib)
$(call UNIT_TEST,test-sim-moderation,\
    tests/unit/test-sim-moderation.c tests/unit/netns-fixture.c,\
    sim hal-asic hal lib)

# The lab runner: the asic backend, a scripted configuration and the
# dataplane, without OVSDB.
PROGRAMS += vtep-sim
vtep-sim_SRCS := sim/vtep-sim.c
vtep-sim_LIBS := sim hal-asic hal lib

SCRIPT_TESTS += tests/dataplane/sim-interop.sh
SCRIPT_TESTS += tests/dataplane/sim-tagged.sh
SCRIPT_TESTS += tests/dataplane/sim-replication.sh
SCRIPT_TESTS += tests/dataplane/sim-fdb.sh
SCRIPT_TESTS += tests/dataplane/sim-tcp.sh
SCRIPT_TESTS += tests/dataplane/sim-block-ring.sh

TEST_PROGRAMS += bench-sim-arp
bench-sim-arp_SRCS := tests/bench/bench-sim-arp.c
bench-sim-arp_LIBS := sim hal-asic hal lib
bench-sim-arp_PKGS := libev

TEST_PROGRAMS += bench-sim-gen
bench-sim-gen_SRCS := tests/bench/bench-sim-gen.c
bench-sim-gen_LIBS := hal lib
BENCH_SCRIPTS += tests/bench/sim-pps.sh
# vtepd's OVSDB and control socket latency during a dataplane flood.
BENCH_SCRIPTS += tests/bench/vtepd-flood.sh
