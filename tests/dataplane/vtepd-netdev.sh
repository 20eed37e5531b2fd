#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The hardware-VTEP lab through vtepd with the netdev backend (a Linux
# bridge and VXLAN device per logical switch), vtep-ctl as the controller:
# red and blue across the overlay, isolation, learning into
# Ucast_Macs_Local, source-node versus service-node flooding in the
# kernel's FDB, flooding once a remote MAC is gone, unbinding, a restart
# of vtepd under a running ping, and what a tagged binding reports on a
# kernel without 8021q.
. tests/lib.sh
NS=vnd$$
TMP=$(make_tmpdir)
VDIR=$TMP/vtepd
. tests/dataplane/vtepd-topology.sh

lab_require "vtepd with the netdev backend" "$VTEPD" vtep-ctl ovs-appctl
lab_build
# Two more VTEPs on the hypervisor's side of the underlay, for the flood
# lists.
nsx hv ip addr add 10.99.0.3/24 dev u0
nsx hv ip addr add 10.99.0.4/24 dev u0
on_exit vtepd_stop
vtepd_start netdev
check "vtep-ctl attaches red and blue" lab_attach
vctl set Logical_Switch red replication_mode=source_node -- \
    set Logical_Switch blue replication_mode=service_node
vctl add-mcast-remote red unknown-dst 10.99.0.3
vctl add-mcast-remote blue unknown-dst 10.99.0.4

check "red2 -> red1" ping_ok red2 "$RED1_IP"
check "red1 -> red2" ping_ok red1 "$RED2_IP"
check "blue1 -> blue2" ping_ok blue1 "$BLUE2_IP"
check "blue2 -> blue1" ping_ok blue2 "$BLUE1_IP"
check "red2 cannot reach blue1" ping_fails red2 "$BLUE1_IP"
check "blue1 cannot reach red2" ping_fails blue1 "$RED2_IP"
check "red2's MAC in Ucast_Macs_Local" wait_for 3 local_mac red "$RED2_MAC"
check "blue2's MAC in Ucast_Macs_Local" wait_for 3 local_mac blue "$BLUE2_MAC"

# Unplugging red2 (its veth set down: p1 loses the carrier) takes p1's
# link down; the kernel bridge forgets what p1 learned, and red2's MAC
# leaves Ucast_Macs_Local now, as on the asic backend (vtepd-sim.sh).
nsx red2 ip link set eth0 down
check "red2 unplugged: its MAC leaves Ucast_Macs_Local" \
    wait_for 3 no_local_mac red "$RED2_MAC"
check "... and hal/dump-ports says p1 is down" \
    bash -c "ovs-appctl -t '$VDIR/vtepd.ctl' hal/dump-ports | grep -Eq '^p1 +down '"
nsx red2 ip link set eth0 up
check "plugged back, red2 reaches red1" wait_for 5 ping_ok red2 "$RED1_IP"
check "... and p1 is up" \
    bash -c "ovs-appctl -t '$VDIR/vtepd.ctl' hal/dump-ports | grep -Eq '^p1 +up '"

# vxlan_of PORT: the VXLAN device of the bridge PORT is enslaved to.
vxlan_of() {
    nsx vtep bridge -o link show dev "$1" \
        | sed -n 's/.* master vtb\([^ ]*\) .*/vtx\1/p'
}

# zero_entries PORT: how many all-zero (flood) entries the VXLAN device of
# PORT's bridge has.
zero_entries() {
    nsx vtep bridge fdb show dev "$(vxlan_of "$1")" \
        | grep -c '^00:00:00:00:00:00 '
}

# remote_in_kernel PORT MAC: MAC points at a VTEP in the kernel's FDB.
remote_in_kernel() {
    nsx vtep bridge fdb show dev "$(vxlan_of "$1")" | grep -q "^$2 dst "
}

check "source_node: one all-zero FDB entry per flood VTEP (red, 2)" \
    wait_for 3 test "$(zero_entries p1)" -eq 2
check "service_node: a single all-zero FDB entry (blue)" \
    test "$(zero_entries p2)" -eq 1
check "red1's MAC points at the hypervisor in the kernel" \
    remote_in_kernel p1 "$RED1_MAC"

no_remote_in_kernel() {
    ! remote_in_kernel "$@"
}

# Without its remote MAC, red1 is reached by flooding.
vctl del-ucast-remote red "$RED1_MAC"
check "removed remote MAC leaves the kernel's FDB" \
    wait_for 3 no_remote_in_kernel p1 "$RED1_MAC"
check "red2 still reaches red1 by flooding" ping_ok red2 "$RED1_IP"

# 802.1Q tags as the switch treats them (hal/netdev/tags.c).  frames_seen
# HOST MAC FROM SEND-ARGS...: how many frames from MAC HOST's eth0 takes in
# while FROM sends one with sim-frames.py send eth0 MAC SEND-ARGS (a flood
# from red2 reaches red1 twice: red's source_node flood list has two
# addresses of the hypervisor).
frames_seen() {
    local host=$1 mac=$2 from=$3 pcap=$TMP/seen.pcap pid
    shift 3
    rm -f "$pcap" "$TMP/seen.err"
    ip netns exec "$NS-$host" tcpdump -i eth0 -nn -U --immediate-mode \
        -Z root -w "$pcap" "ether src $mac" >/dev/null 2>"$TMP/seen.err" &
    pid=$!
    wait_for 5 grep -q listening "$TMP/seen.err"
    nsx "$from" $FRAMES send eth0 "$mac" "$@"
    sleep 0.5
    kill "$pid"
    wait "$pid"
    # One line per frame, starting with its time (and a hex dump of an
    # unknown EtherType's payload on lines of their own).
    tcpdump -r "$pcap" 2>/dev/null | grep -c "^[0-9]"
}
# tag_drops: hal/dump-acl's line of the tag checks' drops.
tag_drops() {
    appctl hal/dump-acl | grep '^802.1Q drops:'
}
TAGGED=02:00:00:00:07:01
check "an untagged frame from red2 reaches red1 through the tunnel" \
    test "$(frames_seen red1 $TAGGED red2 ff:ff:ff:ff:ff:ff)" -ge 1
check "one tagged with VLAN 7 (no binding on p1) does not" \
    test "$(frames_seen red1 $TAGGED red2 ff:ff:ff:ff:ff:ff 7)" = 0
check "... counted as such in hal/dump-acl" \
    grep -q "no binding for port and VLAN 1," <<<"$(tag_drops)"
check "a priority-tagged one (VLAN ID 0) is the untagged binding's" \
    test "$(frames_seen red1 $TAGGED red2 ff:ff:ff:ff:ff:ff p)" -ge 1
# ... and leaves the port without its tag, as the switch sends it: popped
# by a tc filter (hal/netdev/prio-tags.c), where the kernel has flower and
# act_vlan.
if grep -q 'cannot pop it at ingress' "$VDIR/vtepd.log"; then
    skip "priority tag popped at ingress (this kernel has no tc flower or" \
        "act_vlan; tests/firmware/datapath.sh checks it)"
else
    check "... and reaches red1 without its tag" \
        test "$(tcpdump -e -r "$TMP/seen.pcap" 2>/dev/null | grep -c 'vlan 0')" = 0
fi
check "an untagged frame from red1 reaches red2 from the tunnel" \
    test "$(frames_seen red2 $TAGGED red1 ff:ff:ff:ff:ff:ff)" = 1
check "a tagged one is dropped at decapsulation" \
    test "$(frames_seen red2 $TAGGED red1 ff:ff:ff:ff:ff:ff 7)" = 0
check "... and counted" grep -q "tagged from a tunnel 1," <<<"$(tag_drops)"
# The checks are the switch's bridges' only: a bridge of someone else's in
# the same namespace (xbr0, x1 -- x2) still carries tagged frames.
lab_host x1 02:00:00:00:0a:01 10.9.0.1 vtep xa
lab_host x2 02:00:00:00:0a:02 10.9.0.2 vtep xb
nsx vtep ip link add xbr0 type bridge
nsx vtep ip link set xa master xbr0
nsx vtep ip link set xb master xbr0
nsx vtep ip link set xbr0 up
check "another bridge in the namespace still carries VLAN 7" \
    test "$(frames_seen x2 $TAGGED x1 ff:ff:ff:ff:ff:ff 7)" -ge 1
vctl add-ucast-remote red "$RED1_MAC" "$HV_IP"

vctl unbind-ls "$SWITCH" p1 0
check "unbound red2 cannot reach red1" ping_fails red2 "$RED1_IP"
vctl bind-ls "$SWITCH" p1 0 red
check "rebound red2 reaches red1" ping_ok red2 "$RED1_IP"

# The netdev backend leaves the kernel's state in place when vtepd exits
# and resyncs when it starts, so a ping running across a restart loses a
# packet or two at most.
nsx red2 ping -q -i 0.1 -c 40 "$RED1_IP" >"$TMP/ping.out" 2>&1 &
pinger=$!
on_exit "kill $pinger"
sleep 0.5
check "vtepd stops cleanly" vtepd_stop
sleep 0.5
vtepd_start netdev
wait "$pinger"
cat "$TMP/ping.out"
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TMP/ping.out")
check "a ping across a vtepd restart loses at most 2 of 40" \
    test "${received:-0}" -ge 38
check "the restart was warm" grep -q "netdev backend .*(warm start)" \
    "$VDIR/vtepd.log"
check "after the restart red2 still reaches red1" ping_ok red2 "$RED1_IP"
check "after the restart blue is still isolated from red" \
    ping_fails blue2 "$RED2_IP"

# Tagged bindings need 802.1Q sub-interfaces, which this kernel may lack.
# Either way the binding's fate is visible in the database.
# (The kernel loads 8021q on demand if it has the module.)
vlan_fault() {
    vctl get Physical_Port p2 port_fault_status | grep -q invalid_vlan_map
}
no_vlan_fault() {
    ! vlan_fault
}
vctl bind-ls "$SWITCH" p2 10 red
if [ -d /proc/net/vlan ] || modinfo 8021q >/dev/null 2>&1; then
    check "tagged binding programmed without a fault" \
        wait_for 3 no_vlan_fault
else
    check "tagged binding reports invalid_vlan_map in port_fault_status" \
        wait_for 3 vlan_fault
    skip "tagged binding end to end (the kernel has no 8021q module)"
fi
vctl unbind-ls "$SWITCH" p2 10
check "untagged blue on p2 unaffected" ping_ok blue2 "$BLUE1_IP"

check "vtepd stops cleanly" vtepd_stop
finish
