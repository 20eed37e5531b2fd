#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A tagged binding end to end.  Port p2 carries blue untagged and red on
# VLAN 10.  In blue2's namespace a raw-socket host on VLAN 10 (there is no
# 8021q module to make a VLAN interface) resolves and pings red1 behind the
# kernel's VXLAN: its 802.1Q frames must reach VNI 100 without the tag, and
# the replies must come back tagged with VLAN 10.  Then the same host
# sends a TCP super-frame (segmentation offload, as a virtio-net guest
# does; the veth passes it whole and the kernel hands vtep-sim its tag as
# metadata): red1 must receive all of its payload, untagged, through the
# hypervisor's VXLAN device, and where the kernel can, the super-frame
# must have left whole through vtep-sim's TAP device.
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
fdb-remote red $RED1_MAC $HV_IP
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

# tso_through: the tagged host's super-frame of 5,000 bytes in segments
# of 1,000 reaches red1 whole and untagged.
tso_through() {
    local pid ok=0
    nsx red1 $FRAMES tso-receive eth0 "$TAGGED_IP" 5000 3 >"$TMP/tso.out" &
    pid=$!
    sleep 0.5
    nsx blue2 $FRAMES tso-send eth0 10 "$TAGGED_MAC" "$RED1_MAC" \
        "$TAGGED_IP" "$RED1_IP" 1000 5000
    wait "$pid" || ok=1
    cat "$TMP/tso.out"
    return "$ok"
}

# whole_count: super-frames vtep-sim has written whole to its TAP device.
whole_count() {
    ctl stats | sed -En 's/^vxlan super-frames whole: ([0-9]+) through .*/\1/p'
}

whole=$(whole_count)
check "a tagged TCP super-frame reaches red1 whole and untagged" tso_through
if [ -n "$whole" ]; then
    check "it left whole through the TAP device" \
        test "$(whole_count)" -gt "$whole"
else
    skip "a tagged super-frame through the TAP device ($(ctl stats |
        grep -o 'super-frames whole: off.*'))"
fi

ctl unbind p2 10
check "unbound VLAN 10 stops" vlan_ping_fails 10 "$RED1_IP"
finish
