# sim/: the software dataplane for the asic backend, and the lab runner.
LIBRARIES += sim
sim_SRCS := sim/frame.c sim/port.c sim/underlay.c sim/sim.c sim/lab.c
sim_PKGS := libev

UNIT_TESTS += test-sim-frame
test-sim-frame_SRCS := tests/unit/test-sim-frame.c
test-sim-frame_LIBS := sim hal lib
test-sim-frame_PKGS := cmocka

UNIT_TESTS += test-sim
test-sim_SRCS := tests/unit/test-sim.c
test-sim_LIBS := sim hal-asic hal lib
test-sim_PKGS := cmocka

# The lab runner: the asic backend, a scripted configuration and the
# dataplane, without OVSDB.
PROGRAMS += vtep-sim
vtep-sim_SRCS := sim/vtep-sim.c
vtep-sim_LIBS := sim hal-asic hal lib

SCRIPT_TESTS += tests/dataplane/sim-interop.sh
SCRIPT_TESTS += tests/dataplane/sim-tagged.sh
SCRIPT_TESTS += tests/dataplane/sim-replication.sh
SCRIPT_TESTS += tests/dataplane/sim-fdb.sh

TEST_PROGRAMS += bench-sim-gen
bench-sim-gen_SRCS := tests/bench/bench-sim-gen.c
bench-sim-gen_LIBS := hal lib
BENCH_SCRIPTS += tests/bench/sim-pps.sh
