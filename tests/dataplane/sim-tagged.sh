#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A tagged binding end to end.  Port p2 carries blue untagged and red on
# VLAN 10.  In blue2's namespace a raw-socket host on VLAN 10 (there is no
# 8021q module to make a VLAN interface) resolves and pings red1 behind the
# kernel's VXLAN: its 802.1Q frames must reach VNI 100 without the tag, and
# the replies must come back tagged with VLAN 10.
. tests/lib.sh
. tests/dataplane/sim-topology.sh

lab_require "tagged binding end to end" "$SIM"
TMP=$(make_tmpdir)
lab_build

TAGGED_MAC=02:00:00:00:01:10
TAGGED_IP=10.0.0.10

cat >"$TMP/lab.conf" <<EOF
bridge red 100
bridge blue 200
bind p1 0 red
bind p2 0 blue
bind p2 10 red
flood red $HV_IP
flood blue $HV_IP
EOF
lab_start "$TMP/lab.conf"

vlan_ping() {
    nsx blue2 $FRAMES vlan-ping eth0 "$1" "$TAGGED_MAC" "$TAGGED_IP" "$2"
}

vlan_ping_fails() {
    ! vlan_ping "$@"
}

check "tagged host on VLAN 10 -> red1 (ARP and ICMP, replies tagged)" \
    vlan_ping 10 "$RED1_IP"
check "tagged host on VLAN 10 -> red2 on an untagged port" \
    vlan_ping 10 "$RED2_IP"
check "untagged blue on the same port still works" \
    ping_ok blue2 "$BLUE1_IP"
check "VLAN 11 is not bound: no reply" vlan_ping_fails 11 "$RED1_IP"

fdb=$(ctl dump-fdb red)
echo "$fdb"
check "tagged host learned on p2 VLAN 10" \
    grep -q "$TAGGED_MAC.*port=p2,vlan=10 .*learned" <<<"$fdb"
check "VLAN 11 drops counted" \
    grep -q "drop no binding for port and VLAN" <<<"$(ctl stats)"

ctl unbind p2 10
check "unbound VLAN 10 stops" vlan_ping_fails 10 "$RED1_IP"
finish
