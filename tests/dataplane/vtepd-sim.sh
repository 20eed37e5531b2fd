#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The hardware-VTEP lab through vtepd with the asic backend's software
# dataplane, and vtep-ctl as the controller: red and blue across kernel
# VXLAN in both directions, isolation, learning into Ucast_Macs_Local,
# unbinding, a tagged binding end to end (802.1Q frames from a raw-socket
# host, since this kernel has no 8021q), a MAC move, aging, and source-node
# versus service-node replication on the underlay.  The dataplane runs
# in a thread of its own (vtepd's default); VTEPD_DATAPLANE_THREAD=off
# (vtepd-sim-nothread.sh) runs the same in vtepd's one thread.
. tests/lib.sh
NS=vsim$$
TMP=$(make_tmpdir)
VDIR=$TMP/vtepd
. tests/dataplane/vtepd-topology.sh

lab_require "vtepd with the software dataplane" "$VTEPD" vtep-ctl ovs-appctl
lab_build
on_exit vtepd_stop
# Receive moderation on the VXLAN socket: the default in a thread of its
# own, turned off in the one-thread variant, so that both the option and
# the default are seen through sim/show with traffic flowing.
case ${VTEPD_DATAPLANE_THREAD:-idle} in
off) RX_OPTS=--dataplane-rx-usecs=0 RX_SHOWN="receive moderation: off" ;;
*) RX_OPTS= RX_SHOWN="receive moderation: 20 us" ;;
esac
# shows_moderation: sim/show has $RX_SHOWN.
shows_moderation() {
    appctl sim/show | grep -q "$RX_SHOWN"
}
vtepd_start asic $RX_OPTS
check "sim/show: $RX_SHOWN" shows_moderation
case ${VTEPD_DATAPLANE_THREAD:-idle} in
off) ;;
*)
    check "the dataplane runs in a thread of its own" \
        grep -q "dataplane in a thread of its own" "$VDIR/vtepd.log"
    check "vtepd has a second thread" \
        test "$(ls /proc/"$VTEPD_PID"/task | wc -l)" -ge 2
    ;;
esac
check "vtep-ctl attaches red and blue" lab_attach

check "red2 -> red1" ping_ok red2 "$RED1_IP"
check "red1 -> red2" ping_ok red1 "$RED2_IP"
check "blue1 -> blue2" ping_ok blue1 "$BLUE2_IP"
check "blue2 -> blue1" ping_ok blue2 "$BLUE1_IP"
check "red2 cannot reach blue1" ping_fails red2 "$BLUE1_IP"
check "blue1 cannot reach red2" ping_fails blue1 "$RED2_IP"

check "red2's MAC in Ucast_Macs_Local" wait_for 3 local_mac red "$RED2_MAC"
check "blue2's MAC in Ucast_Macs_Local" wait_for 3 local_mac blue "$BLUE2_MAC"
check "red2's MAC is not in blue" no_local_mac blue "$RED2_MAC"

# A tagged binding: p2 carries blue untagged and red on VLAN 10.
TAGGED_MAC=02:00:00:00:01:10
TAGGED_IP=10.0.0.10
vlan_ping() {
    nsx blue2 $FRAMES vlan-ping eth0 "$1" "$TAGGED_MAC" "$TAGGED_IP" "$2"
}
vlan_ping_fails() {
    ! vlan_ping "$@" >/dev/null
}
vctl bind-ls "$SWITCH" p2 10 red
check "tagged host on p2 VLAN 10 -> red1 (replies tagged)" \
    wait_for 3 vlan_ping 10 "$RED1_IP"
check "tagged host on p2 VLAN 10 -> red2 on untagged p1" \
    vlan_ping 10 "$RED2_IP"
check "untagged blue on p2 still works" ping_ok blue2 "$BLUE1_IP"
check "VLAN 11 is not bound: no reply" vlan_ping_fails 11 "$RED1_IP"
check "tagged host's MAC in red's Ucast_Macs_Local" \
    wait_for 3 local_mac red "$TAGGED_MAC"
fdb=$(appctl hal/dump-fdb red)
check "tagged host learned on p2 VLAN 10" \
    grep -q "$TAGGED_MAC.*port=p2,vlan=10 .*learned" <<<"$fdb"
vctl unbind-ls "$SWITCH" p2 10
check "unbound VLAN 10 stops" vlan_ping_fails 10 "$RED1_IP"

# Unbinding the untagged red port stops red2; binding again restores it.
vctl unbind-ls "$SWITCH" p1 0
check "unbound red2 cannot reach red1" ping_fails red2 "$RED1_IP"
check "red2's MAC leaves Ucast_Macs_Local" \
    wait_for 3 no_local_mac red "$RED2_MAC"
vctl bind-ls "$SWITCH" p1 0 red
check "rebound red2 reaches red1" ping_ok red2 "$RED1_IP"

# Unplugging red2 (its veth set down: p1 loses the carrier) takes p1's
# link down (sim/carrier.c), and the switch forgets what p1 learned: red2's
# MAC leaves Ucast_Macs_Local now, not at aging.  Plugged back, it works.
check "red2's MAC back in Ucast_Macs_Local" wait_for 3 local_mac red "$RED2_MAC"
nsx red2 ip link set eth0 down
check "red2 unplugged: its MAC leaves Ucast_Macs_Local" \
    wait_for 3 no_local_mac red "$RED2_MAC"
check "... and vtepd logs p1's link down" \
    grep -q "port p1: link down" "$VDIR/vtepd.log"
check "... and hal/dump-ports says so" \
    bash -c "ovs-appctl -t '$VDIR/vtepd.ctl' hal/dump-ports | grep -Eq '^p1 +down '"
nsx red2 ip link set eth0 up
check "plugged back, red2 reaches red1" wait_for 5 ping_ok red2 "$RED1_IP"

# BUM replication on the wire: three VTEPs in red's unknown-dst set (all
# addresses of the hypervisor); one broadcast from red2 leaves as three
# VXLAN copies with source-node replication, as one with service node.
# flood_mode MODE: red's flood list in the HAL replicates with MODE.
flood_mode() {
    appctl hal/dump-flood | grep -q "^red .*$1"
}
if command -v tcpdump >/dev/null; then
    nsx hv ip addr add 10.99.0.3/24 dev u0
    nsx hv ip addr add 10.99.0.4/24 dev u0
    vctl add-mcast-remote red unknown-dst 10.99.0.3 -- \
        add-mcast-remote red unknown-dst 10.99.0.4 -- \
        set Logical_Switch red replication_mode=source_node
    check "red floods with source_node" wait_for 3 flood_mode source_node
    capture_flood 02:00:00:00:01:aa
    check "source_node: one copy per remote VTEP (3)" \
        test "$(grep -c . "$TMP/02:00:00:00:01:aa.copies")" -eq 3
    vctl set Logical_Switch red replication_mode=service_node
    check "red floods with service_node" wait_for 3 flood_mode service_node
    capture_flood 02:00:00:00:01:bb
    check "service_node: one copy in all" \
        test "$(grep -c . "$TMP/02:00:00:00:01:bb.copies")" -eq 1
else
    skip "BUM replication on the underlay (no tcpdump)"
fi

# A MAC seen on p1 untagged, then on p2 VLAN 10 (also red), moves; with
# other_config:mac_aging_time=2 it then ages out of Ucast_Macs_Local.
MAC=02:00:00:00:01:77
# learned_on PORT VLAN: the HAL has $MAC learned on PORT, VLAN.
learned_on() {
    appctl hal/dump-fdb red | grep -q "$MAC .*port=$1,vlan=$2 .*learned"
}
vctl bind-ls "$SWITCH" p2 10 red -- \
    set Physical_Switch "$SWITCH" other_config:mac_aging_time=2
nsx red2 $FRAMES send eth0 "$MAC" ff:ff:ff:ff:ff:ff
check "MAC learned on p1" wait_for 3 learned_on p1 untagged
check "MAC in Ucast_Macs_Local" wait_for 3 local_mac red "$MAC"
nsx blue2 $FRAMES send eth0 "$MAC" ff:ff:ff:ff:ff:ff 10
check "MAC moved to p2 VLAN 10" wait_for 3 learned_on p2 10
check "moved MAC still in Ucast_Macs_Local" local_mac red "$MAC"
check "MAC ages out of Ucast_Macs_Local (aging time 2 s)" \
    wait_for 6 no_local_mac red "$MAC"
check "aging time reported" grep -q "MAC aging time 2 s" "$VDIR/vtepd.log"

check "vtepd stops cleanly" vtepd_stop
finish
