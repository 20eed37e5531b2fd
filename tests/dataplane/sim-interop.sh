#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# vtep-sim against the Linux kernel's VXLAN: untagged hosts on both sides
# of the overlay ping each other in both directions, VNIs keep red and blue
# apart, learning shows in the HAL FDB, counters move, and removing a
# binding stops the traffic.
. tests/lib.sh
. tests/dataplane/sim-topology.sh

lab_require "kernel VXLAN interop" "$SIM"
TMP=$(make_tmpdir)
lab_build

cat >"$TMP/lab.conf" <<EOF
bridge red 100 source_node
bridge blue 200 source_node
bind p1 0 red
bind p2 0 blue
flood red $HV_IP
flood blue $HV_IP
EOF
lab_start "$TMP/lab.conf"

check "red2 -> red1 (sim to kernel VXLAN)" ping_ok red2 "$RED1_IP"
check "red1 -> red2 (kernel VXLAN to sim)" ping_ok red1 "$RED2_IP"
check "blue2 -> blue1" ping_ok blue2 "$BLUE1_IP"
check "blue1 -> blue2" ping_ok blue1 "$BLUE2_IP"
check "red2 cannot reach blue1" ping_fails red2 "$BLUE1_IP"
check "blue1 cannot reach red2" ping_fails blue1 "$RED2_IP"

fdb=$(ctl dump-fdb red)
echo "$fdb"
check "red2's MAC learned on p1" \
    grep -q "$RED2_MAC.*port=p1,vlan=untagged.*learned" <<<"$fdb"
check "blue2's MAC is not in red" not_in "$BLUE2_MAC" "$fdb"

stats=$(ctl binding-stats p1 0)
echo "$stats"
check "binding counters count both directions" \
    awk '$2 != "packets=0" { n++ } END { exit n != 2 }' <<<"$stats"
stats=$(ctl tunnel-stats "$HV_IP")
echo "$stats"
check "tunnel counters count both directions" \
    awk '$2 != "packets=0" { n++ } END { exit n != 2 }' <<<"$stats"

ctl unbind p1 0
check "no binding, no traffic" ping_fails red2 "$RED1_IP"
check "other bindings unaffected" ping_ok blue2 "$BLUE1_IP"
ctl bind p1 0 red
check "binding restored, traffic again" ping_ok red2 "$RED1_IP"

ctl stats
finish
