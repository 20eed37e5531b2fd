# SPDX-License-Identifier: Apache-2.0
# Benchmarks (make bench, make bench-quick) and their helper programs.
TEST_PROGRAMS += ovsdb-load
ovsdb-load_SRCS := tests/bench/ovsdb-load.c
ovsdb-load_LIBS := lib
ovsdb-load_PKGS := jansson

# vtepd against Debian's ovsdb-server on identical loads; the smoke run of
# the harness (tiny loads, no timing) is part of 'make check'.
BENCH_SCRIPTS += tests/bench/ovsdb-load.sh
SCRIPT_TESTS += tests/bench/ovsdb-load-smoke.sh

.PHONY: bench-quick
# The harness end to end in seconds: every load, tiny, both servers.
bench-quick: tests
	BUILD=$(BUILD) bash tests/bench/ovsdb-load.sh --quick

# Figures (7c) and (8): vtepd against ovs-vtep (Open vSwitch's userspace
# datapath) on one transaction of remote MACs, and OVN ports through
# ovn-controller-vtep into vtepd and ovs-vtep.  Not in 'make check': they
# need root and time third-party daemons (ovs-vswitchd, ovs-vtep, OVN);
# vtepd's side of OVN at 1,000 ports is asserted by tests/interop/ovn-vtep.sh.
BENCH_SCRIPTS += tests/bench/ovs-vtep.sh tests/bench/ovn-ports.sh

.PHONY: bench-vtep-quick
# Both in seconds, tiny sizes.
bench-vtep-quick: tests
	BUILD=$(BUILD) bash tests/bench/ovs-vtep.sh --quick
	BUILD=$(BUILD) bash tests/bench/ovn-ports.sh --quick

# BFD: CPU of 1,000 sessions at 100 ms and 300 ms, and the time from a
# service node's death to the fail-over of broadcasts (p50/p99), vtepd on
# the asic backend against bench-bfd-peer.
TEST_PROGRAMS += bench-bfd-peer
bench-bfd-peer_SRCS := tests/bench/bench-bfd-peer.c
bench-bfd-peer_LIBS := hal lib
BENCH_SCRIPTS += tests/bench/bfd-sessions.sh

# The firmware's figures: sizes, boot to OVSDB, memory with 10K MACs.
BENCH_SCRIPTS += tests/bench/firmware.sh
.PHONY: bench-firmware
bench-firmware: firmware
	BUILD=$(BUILD) bash tests/bench/firmware.sh

# Issue #21: vtepd in client mode on a 3-member Raft cluster: leader kill to
# the HAL tracking again (p50/p99), reconnection cost with 100K rows with
# and without monitor_cond_since; and the failover test at 20,000 MACs.
BENCH_SCRIPTS += tests/bench/cluster.sh

.PHONY: bench-cluster
bench-cluster: tests
	BUILD=$(BUILD) bash tests/bench/cluster.sh
	CLUSTER_MACS=20000 BUILD=$(BUILD) bash tests/interop/cluster.sh
