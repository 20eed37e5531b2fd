#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ARP and ND suppression through vtepd, vtep-ctl as the controller and a
# kernel-VXLAN hypervisor: red2 resolves red1, whose Ucast_Macs_Remote row
# carries ipaddr, without an ARP request (or a neighbour solicitation)
# leaving on the underlay; an address the controller did not give is
# flooded and answered by the real host.  With the asic backend (the
# default; platform "lab", an 8-entry host table) also the counters, IP
# learning into Ucast_Macs_Local.ipaddr, and a full host table that floods
# and says so.  VTEPD_ARP_HAL=netdev runs the kernel's own suppression
# (vtepd-arp-netdev.sh), with IP learning and the counters vtepd keeps of
# what it sees, and the removal of stale neighbours after a restart.
. tests/lib.sh
HAL=${VTEPD_ARP_HAL:-asic}
NS=varp$$
TMP=$(make_tmpdir)
VDIR=$TMP/vtepd
. tests/dataplane/vtepd-topology.sh

lab_require "ARP/ND suppression ($HAL backend)" "$VTEPD" \
    vtep-ctl ovs-appctl tcpdump
lab_build
on_exit vtepd_stop
if [ "$HAL" = asic ]; then
    vtepd_start asic --platform=lab
else
    vtepd_start "$HAL"
fi
check "vtep-ctl attaches red and blue" lab_attach

# umr_uuid MAC: the _uuid of MAC's Ucast_Macs_Remote row.
umr_uuid() {
    vctl --bare --columns=_uuid find Ucast_Macs_Remote "MAC=\"$1\""
}

# neigh_has LS IP MAC: hal/dump-neigh has the entry.
neigh_has() {
    appctl hal/dump-neigh "$1" | grep -q "^$1 *$2 *$3\$"
}

# neigh_count LS COLUMN: LS's ANSWERED (2), FLOODED (3) or MALFORMED (4).
neigh_count() {
    appctl hal/dump-neigh | awk -v ls="$1" -v col="$2" '
        /ANSWERED/ { stats = 1; next } stats && $1 == ls { print $col }'
}

# underlay_capture NAME COMMAND...: runs COMMAND while capturing what the
# VTEP sends on the underlay; leaves the decoded packets (inner frames
# included) in $TMP/NAME.txt.
underlay_capture() {
    local name=$1 pcap=$TMP/$1.pcap pid
    shift
    ip netns exec "$NS-vtep" tcpdump -i u0 -nn -U --immediate-mode -Z root \
        -w "$pcap" "src host $VTEP_IP and udp dst port 4789" \
        >/dev/null 2>"$TMP/$name.err" &
    pid=$!
    wait_for 5 grep -q listening "$TMP/$name.err"
    "$@"
    sleep 0.5
    kill "$pid"
    wait "$pid"
    tcpdump -nn -r "$pcap" >"$TMP/$name.txt" 2>/dev/null
}

# red2_resolves IP: red2 forgets its neighbours and pings IP (v4 or v6).
red2_resolves() {
    nsx red2 ip neigh flush dev eth0
    ping_ok red2 "$1"
}

# ---- IPv4 ----
vctl set Ucast_Macs_Remote "$(umr_uuid "$RED1_MAC")" ipaddr="$RED1_IP"
check "red1's ipaddr in hal/dump-neigh" \
    wait_for 3 neigh_has red "$RED1_IP" "$RED1_MAC"

underlay_capture known red2_resolves "$RED1_IP"
check "red2 reaches red1 (ipaddr known)" ping_ok red2 "$RED1_IP"
check "red2 learned red1's MAC from the switch" bash -c \
    "ip netns exec $NS-red2 ip neigh show $RED1_IP dev eth0 | grep -q $RED1_MAC"
check "the ping went over VXLAN" grep -q "ICMP echo request" "$TMP/known.txt"
check "no ARP request for red1 inside VXLAN" \
    not_in "ARP, Request who-has $RED1_IP" "$(cat "$TMP/known.txt")"
check "counted as answered" wait_for 3 test "$(neigh_count red 2)" -ge 1

# An address the controller did not give: flooded, answered by the host.
nsx red1 ip addr add 10.0.0.21/24 dev eth0
underlay_capture unknown red2_resolves 10.0.0.21
check "red2 reaches an address without ipaddr" ping_ok red2 10.0.0.21
check "its ARP request was flooded into VXLAN" \
    grep -q "ARP, Request who-has 10.0.0.21" "$TMP/unknown.txt"
check "counted as flooded" wait_for 3 test "$(neigh_count red 3)" -ge 1
appctl hal/dump-neigh | sed 's/^/    /'

# Suppression off for red: red1's address is flooded too.
vctl set Logical_Switch red other_config:arp-suppression=false
check "arp-suppression=false empties red's entries" \
    wait_for 3 not_in "$RED1_IP" "$(appctl hal/dump-neigh red)"
underlay_capture off red2_resolves "$RED1_IP"
check "with suppression off the request is flooded" \
    grep -q "ARP, Request who-has $RED1_IP" "$TMP/off.txt"
vctl remove Logical_Switch red other_config arp-suppression
check "suppression back on" wait_for 3 neigh_has red "$RED1_IP" "$RED1_MAC"

# ---- IP learning ----
# local_ip LS MAC IP: MAC's Ucast_Macs_Local row in LS carries IP.
local_ip() {
    vctl --bare --columns=ipaddr find Ucast_Macs_Local "MAC=\"$2\"" \
        | grep -qx "$3"
}
check "red2's IP learned into Ucast_Macs_Local.ipaddr" \
    wait_for 3 local_ip red "$RED2_MAC" "$RED2_IP"
# A priority-tagged request (VLAN ID 0) is the untagged binding's: its
# sender is learned too (hal/netdev/snoop.c's filter takes the tag's VLAN
# ID 0 as untagged, as the asic does).
# One tagged with VLAN 7, which p1 has no binding for, sent first, is not.
PRIO_MAC=02:00:00:00:0b:01 PRIO_IP=10.0.0.77
nsx red2 $FRAMES arp-request eth0 02:00:00:00:0b:07 10.0.0.78 "$RED1_IP" 7
nsx red2 $FRAMES arp-request eth0 "$PRIO_MAC" "$PRIO_IP" "$RED1_IP" p
check "a priority-tagged ARP request's sender learned too" \
    wait_for 3 local_ip red "$PRIO_MAC" "$PRIO_IP"
check "... one tagged with an unbound VLAN's not" \
    not_in 10.0.0.78 "$(vctl --bare --columns=ipaddr list Ucast_Macs_Local)"
check "... nor its MAC (dropped before the bridge learns)" \
    not_in 02:00:00:00:0b:07 "$(vctl --bare --columns=MAC list Ucast_Macs_Local)"
# A learned address is a neighbour entry too; its MAC stays on the port.
nsx red1 ip neigh flush dev eth0
check "red1 still reaches red2 once red2's address is an entry" \
    ping_ok red1 "$RED2_IP"

# ---- IPv6 ----
for h in red1 red2; do
    nsx $h sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
        net.ipv6.conf.eth0.disable_ipv6=0
done
nsx red1 ip addr add 2001:db8::1/64 dev eth0 nodad
nsx red2 ip addr add 2001:db8::2/64 dev eth0 nodad
vctl set Ucast_Macs_Remote "$(umr_uuid "$RED1_MAC")" ipaddr=\"2001:db8::1\"
check "red1's IPv6 address in hal/dump-neigh" \
    wait_for 3 neigh_has red 2001:db8::1 "$RED1_MAC"
underlay_capture known6 red2_resolves 2001:db8::1
check "red2 reaches red1 over IPv6 (ipaddr known)" ping_ok red2 2001:db8::1
check "red2 learned red1's MAC from the switch (NA)" bash -c \
    "ip netns exec $NS-red2 ip -6 neigh show 2001:db8::1 dev eth0 | grep -q $RED1_MAC"
check "no neighbour solicitation for red1 inside VXLAN" \
    not_in "neighbor solicitation, who has 2001:db8::1" \
    "$(cat "$TMP/known6.txt")"
# The switch's advertisements leave p1 through p1's egress ACL, as every
# frame to p1 does (docs/acl.md; on netdev the port's egress hook,
# hal/netdev/acl-egress.c): with advertisements toward p1 denied, red2
# gets no answer, and the deny rule counts it.
NA_ACL=$(vctl -- --id=@e create ACL_entry sequence=1 direction=egress \
    action=deny ethertype=0x86dd protocol=58 icmp_type=136 \
    -- create ACL acl_name=no-na-out acl_entries=@e | tail -1)
P1=$(vctl --bare --columns=_uuid find Physical_Port name=p1)
vctl set Physical_Port "$P1" "acl_bindings:0=$NA_ACL"
na_denied() {
    ! red2_resolves 2001:db8::1
}
check "IPv6: advertisements denied toward p1: red2 cannot resolve red1" \
    wait_for 10 na_denied
check "IPv6: ... and the deny rule counted them" bash -c \
    "ovs-appctl -t $VDIR/vtepd.ctl hal/dump-acl | grep -A2 '^acl no-na-out' |
        grep -q 'seq 1 .*hits=[1-9]'"
check "IPv6: ... while red2 still pings red1 by IPv4" ping_ok red2 "$RED1_IP"
vctl remove Physical_Port "$P1" acl_bindings 0
check "IPv6: unbound, red2 resolves red1 again" \
    wait_for 10 red2_resolves 2001:db8::1
nsx red1 ip addr add 2001:db8::21/64 dev eth0 nodad
underlay_capture unknown6 red2_resolves 2001:db8::21
check "red2 reaches an IPv6 address without ipaddr" \
    ping_ok red2 2001:db8::21
check "its solicitation was flooded into VXLAN" \
    grep -q "neighbor solicitation, who has 2001:db8::21" \
    "$TMP/unknown6.txt"

# A VNI change replaces netdev's VXLAN device: suppression must survive.
vctl set Logical_Switch red tunnel_key=101
sleep 0.5
vctl set Logical_Switch red tunnel_key=100
check "red2 reaches red1 after a VNI change and back" \
    ping_ok red2 2001:db8::1
underlay_capture vni6 red2_resolves 2001:db8::1
check "still no neighbour solicitation for red1 inside VXLAN" \
    not_in "neighbor solicitation, who has 2001:db8::1" \
    "$(cat "$TMP/vni6.txt")"

check "red2's IPv6 address learned too" \
    wait_for 3 local_ip red "$RED2_MAC" 2001:db8::2

if [ "$HAL" != asic ]; then
    # The kernel keeps the neighbours when vtepd stops; one that the
    # controller no longer has (left, say, by a run that died before
    # removing it) must not outlive the restart.
    bridge_neigh() {
        nsx vtep ip neigh show nud permanent | grep -q "^$1 dev vtb"
    }
    check "vtepd stops cleanly" vtepd_stop
    check "the kernel keeps red1's neighbour while vtepd is down" \
        bridge_neigh 2001:db8::1
    brdev=$(nsx vtep ip neigh show nud permanent |
        awk '$1 == "2001:db8::1" { print $3; exit }')
    nsx vtep ip neigh replace 10.0.0.99 lladdr 02:00:00:00:09:99 \
        dev "$brdev" nud permanent
    vtepd_start "$HAL"
    check "after the restart the stale neighbour is gone" \
        wait_for 5 bash -c "! ip netns exec $NS-vtep ip neigh show nud permanent | grep -q '^10.0.0.99 '"
    check "red1's neighbour stays" bridge_neigh 2001:db8::1
    check "and is in hal/dump-neigh" neigh_has red 2001:db8::1 "$RED1_MAC"
    check "vtepd stops cleanly" vtepd_stop
    finish
    exit
fi

# ---- A full host table ----
# Eight more remote hosts with addresses for an 8-entry table that red1's
# address and red2's learned one already use.
for i in 1 2 3 4 5 6 7 8; do
    vctl add-ucast-remote red "02:00:00:00:09:0$i" "$HV_IP"
    vctl set Ucast_Macs_Remote "$(umr_uuid "02:00:00:00:09:0$i")" \
        ipaddr="10.0.0.10$i"
done
neigh_full() {
    appctl hal/resources | grep -q "^neigh *8 *8$"
}
check "hal/resources: the host table is full" wait_for 3 neigh_full
check "switch_fault_status says so" wait_for 3 bash -c \
    "vtep-ctl --db=unix:$VDIR/db.sock get Physical_Switch $SWITCH switch_fault_status | grep -q unspecified_fault"
missing=() present=()
for i in 1 2 3 4 5 6 7 8; do
    if appctl hal/dump-neigh red | grep -q " 10.0.0.10$i "; then
        present+=("02:00:00:00:09:0$i")
    else
        missing+=("10.0.0.10$i")
    fi
done
check "some addresses did not fit" test "${#missing[@]}" -gt 0
underlay_capture full nsx red2 ping -c1 -W1 -q "${missing[0]}"
check "a request for one is flooded, not dropped" \
    grep -q "ARP, Request who-has ${missing[0]}" "$TMP/full.txt"
# Room for every waiting address: remove as many programmed rows.
for mac in "${present[@]:0:${#missing[@]}}"; do
    vctl del-ucast-remote red "$mac"
done
all_programmed() {
    local ip
    for ip in "${missing[@]}"; do
        appctl hal/dump-neigh red | grep -q " $ip " || return 1
    done
}
check "room again: the waiting addresses are programmed" \
    wait_for 3 all_programmed
check "the fault clears" wait_for 3 bash -c \
    "! vtep-ctl --db=unix:$VDIR/db.sock get Physical_Switch $SWITCH switch_fault_status | grep -q unspecified_fault"

# The learned address leaves with its MAC.
vctl set Physical_Switch "$SWITCH" other_config:mac_aging_time=2
check "red2's row, with its IP, ages out" \
    wait_for 8 no_local_mac red "$RED2_MAC"

check "vtepd stops cleanly" vtepd_stop
finish
