#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Packet rate of the software dataplane (vtep-sim) in the namespace lab of
# tests/dataplane/sim-topology.sh, for 64-byte frames in three directions:
#
#   encap   port p1 -> VXLAN to the hypervisor (one remote FDB hit)
#   decap   VXLAN from the hypervisor -> port p1 (one local FDB hit)
#   local   port p1 -> port p2 (one local FDB hit)
#
# A generator (bench-sim-gen) offers as many frames as the kernel takes;
# the figures are what vtep-sim forwarded, from its own counters.  Prints
# figures; asserts nothing.  Needs root and ip netns.
set -u
BUILD=${BUILD:-build}
. tests/lib.sh
. tests/dataplane/sim-topology.sh

SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
GEN=$BUILD/tests/bench-sim-gen
lab_require "sim-pps benchmark"
TMP=$(make_tmpdir)
lab_build

P1_MAC=02:00:00:00:09:01 P2_MAC=02:00:00:00:09:02 REMOTE_MAC=02:00:00:00:09:99
cat >"$TMP/lab.conf" <<EOF2
bridge bench 999 nolearning
bind p1 0 bench
bind p2 0 bench
fdb-local bench $P1_MAC p1 0
fdb-local bench $P2_MAC p2 0
fdb-remote bench $REMOTE_MAC $HV_IP
EOF2
lab_start "$TMP/lab.conf"

# counter WHICH DIR: a counter from 'stats' (WHICH ports|vxlan, DIR rx|tx).
counter() {
    ctl stats | awk -v w="$1:" -v d="$2" '$1 == w {
        for (i = 2; i < NF; i++) if ($i == d) { print $(i + 1); exit } }'
}

# run NAME WHICH DIR GENERATOR...: runs the generator, prints a line.
run() {
    local name=$1 which=$2 dir=$3 before after offered drops_before drops
    shift 3
    before=$(counter "$which" "$dir")
    drops_before=$(ctl stats | awk '$1 == "drops:" { print $2 }')
    offered=$("$@")
    sleep 0.2
    after=$(counter "$which" "$dir")
    drops=$(($(ctl stats | awk '$1 == "drops:" { print $2 }') - drops_before))
    printf '%-6s offered %9d pps   forwarded %9d pps   (dataplane drops %d)\n' \
        "$name" $((offered / SECONDS_PER_RUN)) \
        $(((after - before) / SECONDS_PER_RUN)) "$drops"
}

echo "vtep-sim, 64-byte frames, ${SECONDS_PER_RUN} s per run, $(nproc) CPUs"
run encap vxlan tx nsx red2 "$GEN" eth eth0 "$REMOTE_MAC" "$P1_MAC" \
    "$SECONDS_PER_RUN"
run decap ports tx nsx hv "$GEN" vxlan "$VTEP_IP" 999 "$P1_MAC" \
    "$REMOTE_MAC" "$SECONDS_PER_RUN"
run local ports tx nsx red2 "$GEN" eth eth0 "$P2_MAC" "$P1_MAC" \
    "$SECONDS_PER_RUN"
ctl stats
