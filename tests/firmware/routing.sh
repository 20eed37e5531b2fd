#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Logical routers on the netdev backend, in the firmware VM, whose Debian
# kernel has VRF (this CI host's has not: vtepd-lr-netdev.sh only sees
# lr_support_fault there).  The kernel routes between red (VNI 100,
# 10.1.0.0/24) and blue (VNI 200, 10.2.0.0/24) in VRF vtr0:
#
#   host namespaces           tor1 VM (vtepd, netdev)        host namespaces
#   red2  10.1.0.10 ── TAP ── swp1 ┐                       ┌─ red1  10.1.0.20
#                                  vtr0   swp3 ══ TAP u0 ── hv
#   blue2 10.2.0.10 ── TAP ── swp2 ┘  10.99.0.2  10.99.0.1 └─ blue1 10.2.0.20
#
# Every pair pings across the router both ways, a static route reaches a
# third prefix through red2, TTL 1 does not cross, and a restart removes an
# interface address that no binding wants.  ACLs on the router
# interfaces (Logical_Router.acl_binding, nftables inet family): ingress on
# red's interface denies ICMP from red's subnet while TCP passes, egress on
# blue's denies ICMP toward blue2; traffic switched within a subnet and
# pings to the router itself pass; an interface no switch_binding has is
# invalid_ACL_binding; unbinding restores traffic.  The router counts
# the drops (ACL-IN, ACL-OUT of vtep-cli show ip router), also across a
# change of its bindings, and counts what it routed, expired TTLs,
# packets without a route and the ICMP errors it sent, IPv4 (nftables
# rules per VRF) and IPv6 (the bridges' kernel counters).  IPv6 across the
# router (hosts with static addresses and routes), and not from the
# router's own address.  Another VTEP's ARP MAC (Arp_Sources_Remote)
# gets FDB entries toward that VTEP and is a gateway alias, both kept
# across a restart of vtepd.
set -u
. tests/lib.sh
. tests/firmware/vm.sh
. tests/dataplane/lab-topology.sh
fw_require
lab_require "firmware routing" ping nc

TMP=$(make_tmpdir)
A=$TMP/tor1

fw_tap_new r2 b2 u0
cat >"$TMP/tor1.conf" <<CONF
switch-name=tor1
tunnel-ip=$VTEP_IP/24
uplink=swp3
CONF
fw_vm_start "$A" "$TMP/tor1.conf" 3 \
    -netdev "$(fw_tap_netdev swp1 r2)" \
    -netdev "$(fw_tap_netdev swp2 b2)" \
    -netdev "$(fw_tap_netdev swp3 u0)"

# QEMU holds the TAPs open while they move.
sleep 1
fw_hv u0 10.1.0.20 10.2.0.20
fw_tap_host red2 r2 "$RED2_MAC" 10.1.0.10
fw_tap_host blue2 b2 "$BLUE2_MAC" 10.2.0.10
nsx red2 ip route add default via 10.1.0.1
nsx blue2 ip route add default via 10.2.0.1
nsx red1 ip route add default via 10.1.0.1
nsx blue1 ip route add default via 10.2.0.1

fw_vms_boot "the VM boots" "$A"

vctl() { fw_vctl "$A" "$@"; }
vctl add-ls red -- set Logical_Switch red tunnel_key=100 \
    -- add-ls blue -- set Logical_Switch blue tunnel_key=200
vctl bind-ls tor1 swp1 0 red -- bind-ls tor1 swp2 0 blue
vctl add-ucast-remote red "$RED1_MAC" "$HV_IP" \
    -- add-mcast-remote red unknown-dst "$HV_IP" \
    -- add-ucast-remote blue "$BLUE1_MAC" "$HV_IP" \
    -- add-mcast-remote blue unknown-dst "$HV_IP"
RED=$(vctl --bare --columns=_uuid find Logical_Switch name=red)
BLUE=$(vctl --bare --columns=_uuid find Logical_Switch name=blue)
vctl --id=@lr create Logical_Router name=lr0 \
    'other_config:router_mac="02:00:00:00:00:fe"' \
    "switch_binding:\"10.1.0.1/24\"=$RED" \
    "switch_binding:\"10.2.0.1/24\"=$BLUE" \
    'static_routes:"10.3.0.0/24"="10.1.0.10"' >/dev/null
nsx red2 ip addr add 10.3.0.1/32 dev lo

lr_fault() {
    vctl --bare --columns=LR_fault_status find Logical_Router name=lr0
}
vrf_up() {
    fw_console "$A" "ip -d link show vtr0 | grep -q 'vrf table 1000'"
}
check "vtepd made VRF vtr0 with table 1000" wait_for 30 vrf_up
check "both bridges are in the VRF" fw_console "$A" \
    "test \$(ip -o link show master vtr0 | grep -c vtb) -eq 2"
check "the static route is in the VRF's table" fw_console "$A" \
    "ip route show vrf vtr0 | grep -q '10.3.0.0/24 via 10.1.0.10'"
check "no LR fault" test -z "$(lr_fault)"
fw_console "$A" "ip -br link show master vtr0; ip -br addr show master vtr0; ip route show vrf vtr0" |
    sed 's/^/    tor1: /'

check "local-local: red2 -> blue2" wait_for 30 ping_ok red2 10.2.0.10
check "local-local: blue2 -> red2" ping_ok blue2 10.1.0.10
check "local-remote: red2 -> blue1" wait_for 20 ping_ok red2 10.2.0.20
check "local-remote: blue2 -> red1" wait_for 20 ping_ok blue2 10.1.0.20
check "remote-local: red1 -> blue2" ping_ok red1 10.2.0.10
check "remote-local: blue1 -> red2" ping_ok blue1 10.1.0.10

# The MTU (docs/routing.md, "The MTU"): red2 at MTU 1500, then 2000.
# To a remote host the VXLAN device's own path MTU check answers a 1,500-
# byte packet with DF (the underlay's 1500 less 50); without DF it goes;
# to a local host the bridge's MTU (1500) is the router interface's.
nsx red2 ip link set r2 mtu 1500
check "MTU: 1500 bytes with DF to blue1 (remote): frag needed, mtu 1450" \
    bash -c "ip netns exec $NS-red2 ping -c1 -W2 -M do -s 1472 10.2.0.20 2>&1 |
        grep -q 'Frag needed and DF set (mtu = 1450)'"
check "MTU: 1500 bytes without DF reach blue1" \
    bash -c "ip netns exec $NS-red2 ping -c1 -W2 -M dont -s 1472 10.2.0.20 |
        grep -q ' 0% packet loss'"
check "MTU: 1500 bytes with DF reach blue2 (local)" \
    bash -c "ip netns exec $NS-red2 ping -c1 -W2 -M do -s 1472 10.2.0.10 |
        grep -q ' 0% packet loss'"
nsx red2 ip link set r2 mtu 2000
check "MTU: 1600 bytes with DF to blue2: frag needed, mtu 1500, from the router" \
    bash -c "ip netns exec $NS-red2 ping -c1 -W2 -M do -s 1572 10.2.0.10 2>&1 |
        grep -q 'From 10.1.0.1 .*Frag needed and DF set (mtu = 1500)'"
# The router's own MTU and neighbour timeout (Logical_Router
# other_config): its bridges' MTU and base_reachable_time, and back to
# the kernel's defaults without the keys.
vctl set Logical_Router lr0 other_config:mtu=1400 \
    other_config:neighbour_timeout=90
# bridges_are MTU MS: vtb1 and vtb2 have MTU and base_reachable_time_ms MS
# for IPv4 and IPv6.
bridges_are() {
    local b n=/proc/sys/net ok=
    for b in vtb1 vtb2; do
        ok="$ok ip link show $b | grep -q 'mtu $1 ' &&"
        ok="$ok test \$(cat $n/ipv4/neigh/$b/base_reachable_time_ms) = $2 &&"
        ok="$ok test \$(cat $n/ipv6/neigh/$b/base_reachable_time_ms) = $2 &&"
    done
    fw_console "$A" "$ok true"
}
check "other_config: both bridges at MTU 1400, neighbours reachable 90 s" \
    wait_for 10 bridges_are 1400 90000
nsx red2 ip route flush cache
check "MTU 1400: 1400 bytes with DF reach blue2" \
    bash -c "ip netns exec $NS-red2 ping -c1 -W2 -M do -s 1372 10.2.0.10 |
        grep -q ' 0% packet loss'"
check "MTU 1400: 1401 bytes with DF: frag needed, mtu 1400, from the router" \
    bash -c "ip netns exec $NS-red2 ping -c1 -W2 -M do -s 1373 10.2.0.10 2>&1 |
        grep -q 'From 10.1.0.1 .*Frag needed and DF set (mtu = 1400)'"
vctl remove Logical_Router lr0 other_config mtu \
    -- remove Logical_Router lr0 other_config neighbour_timeout
check "without the keys: MTU 1500, the kernel's 30 s" \
    wait_for 10 bridges_are 1500 30000
nsx red2 ip link set r2 mtu 1450
nsx red2 ip route flush cache
check "the static route: blue2 reaches 10.3.0.1 through red2" \
    ping_ok blue2 10.3.0.1
check "the static route: blue1 (remote) reaches 10.3.0.1" \
    ping_ok blue1 10.3.0.1
ttl1_dropped() {
    ! nsx red2 ping -c2 -W1 -q -t 1 10.2.0.10 >/dev/null 2>&1
}
check "TTL 1 does not cross the router" ttl1_dropped
time_exceeded() {
    nsx red2 ping -c1 -W1 -t 1 10.2.0.10 2>&1 |
        grep -q "From 10.1.0.1 .*Time to live exceeded"
}
check "... with ICMP time exceeded from the gateway" time_exceeded
check "red2 pings its gateway" ping_ok red2 10.1.0.1
check "blue1 (behind VXLAN) pings its gateway" ping_ok blue1 10.2.0.1
# No route in the VRF: the lookup must end in the VRF's table, not go on
# to the main table's default route, out of the management port.
no_route_unreachable() {
    nsx red2 ping -c1 -W2 10.9.9.9 2>&1 |
        grep -Eq "From 10.1.0.1 .*Destination (Net|Host) Unreachable"
}
check "no route: ICMP destination unreachable from the gateway" \
    no_route_unreachable
check "the VRF's table ends in an unreachable default route" \
    fw_console "$A" "ip route show table 1000 | grep -q '^unreachable default .*metric 4278198272'"
check "... so no lookup in the VRF leaves by the management port" \
    fw_console "$A" "! ip route get 10.9.9.9 vrf vtr0 2>&1 | grep -q eth0"
ttl2_crosses() {
    nsx red2 ping -c1 -W1 -q -t 2 10.2.0.10 >/dev/null 2>&1
}
check "TTL 2 does" wait_for 5 ttl2_crosses

# router_count COLUMN: a counter of lr0 in tor1's "vtep-cli show ip router"
# (2: ROUTED, 3: TTL-EXPIRED, 4: NO-ROUTE, 6: ARP-REQ, 7: ARP-REPLY, 8:
# ICMP-ERR, 10: ACL-IN, 11: ACL-OUT).
router_count() {
    fw_console "$A" "vtep-cli show ip router" | tr -d '\r' |
        awk -v col="$1" '$1 == "lr0" { print $col }'
}
# grew COLUMN BY: lr0's counter COLUMN is at least BY above what it was at
# the last "counts_now" (in COUNT_<COLUMN>).
counts_now() {
    local c
    for c in 2 3 4 6 7 8; do
        eval "COUNT_$c=\$(router_count $c)"
    done
}
grew() {
    local now was
    now=$(router_count "$1")
    eval "was=\${COUNT_$1:-0}"
    [ "${now:-0}" -ge $((${was:-0} + $2)) ] ||
        { echo "    column $1: $was -> $now, expected +$2"; return 1; }
}
# same COLUMN...: lr0's counters COLUMN... are what they were.
same() {
    local c now was
    for c; do
        now=$(router_count "$c")
        eval "was=\${COUNT_$c:-0}"
        [ "$now" = "$was" ] || { echo "    column $c: $was -> $now"; return 1; }
    done
}
# IPv4 counters (nftables rules per VRF, hal/netdev/counters4.c): three
# pings across, one with TTL 1, one to a prefix without a route.
counts_now
nsx red2 ping -c3 -i0.3 -W1 -q 10.2.0.10 >/dev/null 2>&1
routed_only() { grew 2 6 && same 3 4 8; }
check "IPv4: lr0 counts the pings it routed, both ways (ROUTED), no error" \
    routed_only
counts_now
wait_for 5 time_exceeded
expired_only() { grew 3 1 && same 2; }
check "IPv4: TTL 1: lr0 counts the expired TTL (TTL-EXPIRED), not routed" \
    expired_only
check "IPv4: ... and the ICMP time exceeded it sent (ICMP-ERR)" grew 8 1
counts_now
wait_for 5 no_route_unreachable
check "IPv4: no route: lr0 counts the packet (NO-ROUTE)" grew 4 1
check "IPv4: ... and the ICMP destination unreachable it sent (ICMP-ERR)" \
    grew 8 1
# ARP (device groups and nftables arp rules, hal/netdev/counters-arp.c):
# red2 forgets its gateway and lr0 its dynamic neighbours (blue2's entry
# is permanent, from vtepd), then red2 pings blue1 behind the tunnel: lr0
# answers red2's request and asks for blue1.
counts_now
nsx red2 ip neigh flush dev r2
fw_console "$A" "ip -4 neigh flush dev vtb1; ip -4 neigh flush dev vtb2" \
    >/dev/null
nsx red2 ping -c1 -W2 -q 10.2.0.20 >/dev/null 2>&1
check "ARP: lr0 counts the reply it sent red2 (ARP-REPLY)" grew 7 1
check "ARP: ... and its request for blue1 (ARP-REQ)" grew 6 1
if [ -n "${FW_ROUTING_SHOW:-}" ]; then
    fw_console "$A" "vtep-cli show ip router" | sed 's/^/    tor1: /'
fi

# ---- ACLs on router interfaces ----
# acl NAME "ENTRY COLUMNS": creates a one-entry ACL, prints its uuid.
acl() {
    # shellcheck disable=SC2086 # one column=value per word
    vctl -- --id=@e create ACL_entry $2 \
        -- create ACL acl_name="$1" acl_entries=@e | tail -1
}
# shown PATTERN: tor1's "vtep-cli show acl" has a line matching PATTERN.
shown() {
    fw_console "$A" "vtep-cli show acl" | grep -Eq "$1"
}
# tcp_ok: red2 reaches a listener on blue2's 10.2.0.10:PORT (a few tries).
tcp_ok() {
    local ok=1 pid
    nsx blue2 timeout 15 nc -l -p "$1" >/dev/null 2>&1 &
    pid=$!
    sleep 0.5
    wait_for 5 nsx red2 nc -z -w2 10.2.0.10 "$1" && ok=0
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return $ok
}
IN=$(acl no-icmp-in "sequence=10 direction=ingress action=deny protocol=1 \
    source_ip=10.1.0.0 source_mask=24")
vctl set Logical_Router lr0 "acl_binding:\"10.1.0.1/24\"=$IN"
check "ingress ACL bound to red's interface" wait_for 30 shown \
    "^no-icmp-in +router lr0 10.1.0.1/24 +-"
check "no LR fault" test -z "$(lr_fault)"
if [ -n "${FW_ROUTING_SHOW:-}" ]; then
    fw_console "$A" "vtep-cli show acl; nft list table inet vtepd 2>&1; grep -i 'acl\|nft' /var/log/vtepd.log | tail" |
        sed 's/^/    tor1: /'
fi
check "ingress: red2 -> blue2 ICMP denied" wait_for 10 ping_fails red2 10.2.0.10
check "ingress: red1 (remote) -> blue2 ICMP denied" ping_fails red1 10.2.0.10
check "ingress: red2 -> blue2 TCP passes" tcp_ok 5001
check "ingress: red2 -> red1 (switched) passes" ping_ok red2 10.1.0.20
check "ingress: red2 -> its gateway (the router) passes" ping_ok red2 10.1.0.1
check "ingress: the deny counts hits" shown \
    "^no-icmp-in +10 +ingress +deny +[1-9][0-9]* "
# blue2's pings to red2 cross, their replies hit the ACL: lr0 counts the
# requests as routed, not the replies it dropped.
counts_now
nsx blue2 ping -c2 -i0.3 -W1 -q 10.1.0.10 >/dev/null 2>&1
requests_routed() {
    local now
    now=$(router_count 2)
    [ "$now" = $((COUNT_2 + 2)) ] ||
        { echo "    ROUTED $COUNT_2 -> $now, expected +2"; return 1; }
}
check "ingress: ROUTED counts the requests, not the replies denied" \
    requests_routed
ACL_IN=$(router_count 10)
check "ingress: lr0 counts the drops in ACL-IN" test "${ACL_IN:-0}" -ge 2
check "ingress: ... and none in ACL-OUT" test "$(router_count 11)" = 0

OUT=$(acl no-icmp-out "sequence=10 direction=egress action=deny protocol=1 \
    dest_ip=10.2.0.10")
vctl set Logical_Router lr0 "acl_binding={\"10.2.0.1\"=$OUT}"
check "egress ACL bound to blue's interface" wait_for 30 shown \
    "^no-icmp-out +router lr0 10.2.0.1 +-"
check "egress: red2 -> blue2 ICMP denied" wait_for 10 ping_fails red2 10.2.0.10
check "egress: red2 -> blue1 passes" wait_for 10 ping_ok red2 10.2.0.20
check "egress: blue1 -> blue2 (switched) passes" ping_ok blue1 10.2.0.10
check "egress: red2 -> blue2 TCP passes" tcp_ok 5002
check "egress: the deny counts hits" shown \
    "^no-icmp-out +10 +egress +deny +[1-9][0-9]* "
check "egress: lr0 counts the drops in ACL-OUT" \
    test "$(router_count 11)" -ge 2
check "egress: ACL-IN keeps what the replaced ingress rules counted" \
    test "$(router_count 10)" = "$ACL_IN"
if [ -n "${FW_ROUTING_SHOW:-}" ]; then
    fw_console "$A" "vtep-cli show ip router" |
        sed 's/^/    tor1: /'
fi

vctl set Logical_Router lr0 "acl_binding:\"10.7.0.1\"=$OUT"
check "an interface no switch_binding has: invalid_ACL_binding" \
    wait_for 30 bash -c "vtep-ctl --timeout=20 --db=$(fw_db "$A") --bare --columns=LR_fault_status find Logical_Router name=lr0 | grep -qx invalid_ACL_binding"
vctl clear Logical_Router lr0 acl_binding
check "unbound: the fault clears" wait_for 30 bash -c \
    "test -z \"\$(vtep-ctl --timeout=20 --db=$(fw_db "$A") --bare --columns=LR_fault_status find Logical_Router name=lr0)\""
check "unbound: red2 -> blue2 ICMP passes again" wait_for 10 ping_ok red2 10.2.0.10

# A port's egress ACL meets what the router sends out of that port, as on
# the asic backend: routed packets and the router's own answers leave by
# the bridge device, not through the bridge's forward hook (hence the
# bridge family's output hook, hal/netdev/acl.c).
PORT_OUT=$(acl no-icmp-swp2 "sequence=10 direction=egress action=deny \
    protocol=1 dest_ip=10.2.0.10")
vctl set Physical_Port swp2 "acl_bindings={0=$PORT_OUT}"
check "port egress: the ACL on swp2 is programmed" wait_for 30 shown \
    "^no-icmp-swp2 +10 +egress +deny +[0-9]+ "
check "port egress: red2 -> blue2 (routed) ICMP denied" \
    wait_for 10 ping_fails red2 10.2.0.10
check "port egress: the router's echo replies to blue2 denied" \
    ping_fails blue2 10.2.0.1
check "port egress: red2 -> blue2 TCP (routed) passes" tcp_ok 5003
check "port egress: the deny counts hits" shown \
    "^no-icmp-swp2 +10 +egress +deny +[1-9][0-9]* "
vctl set Physical_Port swp2 "acl_bindings={}"
check "port egress: unbound, red2 -> blue2 ICMP passes" \
    wait_for 10 ping_ok red2 10.2.0.10

# ---- Arp_Sources_Remote ----
# Another VTEP of lr0 at 10.99.0.3 (an address of hv) asks for hosts with
# ARP from its own MAC: each of lr0's bridges gets an entry for that MAC
# toward that VTEP, so that red2's reply goes there and not to the flood
# list; red2, which took that MAC for its gateway's, is routed here all
# the same (a gateway alias in nftables, hal/netdev/gateway.c).
PEER_MAC=02:a5:0a:63:00:03 PEER_IP=10.99.0.3
nsx hv ip addr add "$PEER_IP/24" dev u0
vctl --id=@l create Physical_Locator dst_ip=$PEER_IP \
    encapsulation_type=vxlan_over_ipv4 -- \
    create Arp_Sources_Remote "src_mac=\"$PEER_MAC\"" locator=@l >/dev/null
# peer_entries: how many of tor1's VXLAN devices send PEER_MAC to PEER_IP.
peer_entries() {
    fw_console "$A" "bridge fdb show | grep -c '^$PEER_MAC dev vtx.* dst $PEER_IP self'" |
        tr -d '\r' | tail -1
}
peer_entries_are() {
    [ "$(peer_entries)" = "$1" ]
}
check "both of lr0's bridges send the other VTEP's ARP MAC to it" \
    wait_for 30 peer_entries_are 2
check "red2's ARP reply to the other VTEP's MAC goes to that VTEP" \
    peer_reply_seen "$PEER_MAC" "$PEER_IP"
vctl add-ucast-remote red "$PEER_MAC" "$HV_IP"
check "a Ucast_Macs_Remote row for that MAC wins on red's bridge" \
    wait_for 30 peer_entries_are 1
vctl del-ucast-remote red "$PEER_MAC"
check "... and without it the other VTEP's entry is back" \
    wait_for 30 peer_entries_are 2
# gateway_is_peer: red2 has its gateway 10.1.0.1 at PEER_MAC.
gateway_is_peer() {
    nsx red2 ip neigh show 10.1.0.1 | grep -q "$PEER_MAC"
}
check "red2 now has its gateway at the other VTEP's MAC" \
    wait_for 3 gateway_is_peer
check "... and is routed here all the same" ping_ok red2 10.2.0.10
nsx red2 ip neigh flush dev r2

# An interface address that no switch_binding wants any more, as a binding
# removed while vtepd was down leaves it on its bridge: the restart must
# take it away (else, out of the VRF, it would be a route in the main
# table), and give the wanted ones back.
RED_BR=$(fw_console "$A" "ip -o -4 addr show | awk '/ 10.1.0.1\/24 / { print \$2 }'" |
    tr -d '\r' | grep -o 'vtb[0-9]*' | head -1)
check "red's bridge has the interface address" test -n "$RED_BR"
fw_console "$A" "ip addr add 10.1.9.1/24 dev $RED_BR" >/dev/null
check "a stale address is on it" \
    fw_console "$A" "ip -o addr show dev $RED_BR | grep -q 10.1.9.1/24"
fw_console "$A" 'kill -9 $(cat /run/vtepd/vtepd.pid)' >/dev/null
restarted() {
    [ "$(grep -c 'starting vtepd:' "$A/serial.log")" -ge 2 ] && fw_served "$A"
}
check "the supervisor restarts vtepd" wait_for 60 restarted
check "vtepd resyncs" \
    wait_for 30 grep -q "warm start: HAL resynchronised" "$A/serial.log"
check "the restart removed the stale address" wait_for 30 fw_console "$A" \
    "! ip -o addr show dev $RED_BR | grep -q 10.1.9.1"
check "... and no route for it is left" fw_console "$A" \
    "! ip route show table all | grep -q 10.1.9.0/24"
check "the wanted address is back in the VRF" wait_for 30 fw_console "$A" \
    "ip -o addr show master vtr0 | grep -q 10.1.0.1/24"
check "routing works after the restart" wait_for 30 ping_ok red2 10.2.0.10
check "the other VTEP's entries survive the restart" peer_entries_are 2
peer_reply_seen "$PEER_MAC" "$PEER_IP"
routed_via_peer() {
    gateway_is_peer && ping_ok red2 10.2.0.10
}
check "the gateway alias is back after the restart" \
    wait_for 10 routed_via_peer
nsx red2 ip neigh flush dev r2
vctl destroy Arp_Sources_Remote \
    "$(vctl --bare --columns=_uuid list Arp_Sources_Remote)"
check "without the row, its entries go" wait_for 30 peer_entries_are 0

# ---- IPv6 ----
# v6 HOST IFACE IP GW: IPv6 on for HOST's IFACE, with IP/64 and a default
# route via GW.
v6() {
    nsx "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
        net.ipv6.conf.default.disable_ipv6=0 \
        "net.ipv6.conf.$2.disable_ipv6=0"
    nsx "$1" ip -6 addr add "$3/64" dev "$2" nodad
    nsx "$1" ip -6 route add default via "$4"
}
counts_now
v6 red2 r2 2001:db8:1::10 2001:db8:1::1
v6 blue2 b2 2001:db8:2::10 2001:db8:2::1
v6 blue1 eth0 2001:db8:2::20 2001:db8:2::1
vctl set Logical_Router lr0 "switch_binding:\"2001:db8:1::1/64\"=$RED" \
    "switch_binding:\"2001:db8:2::1/64\"=$BLUE"
check "IPv6: the interface addresses are in the VRF" wait_for 30 \
    fw_console "$A" "ip -6 -o addr show master vtr0 | grep -q 2001:db8:2::1/64"
check "IPv6: red2 pings its gateway" wait_for 20 ping_ok red2 2001:db8:1::1
check "IPv6: local-local red2 -> blue2" wait_for 10 ping_ok red2 2001:db8:2::10
check "IPv6: remote-local blue1 -> red2" wait_for 10 ping_ok blue1 2001:db8:1::10
check "IPv6: local-remote red2 -> blue1" ping_ok red2 2001:db8:2::20
hop_limit_exceeded() {
    nsx red2 ping -c1 -W1 -t 1 2001:db8:2::10 2>&1 |
        grep -q "From 2001:db8:1::1 .*Time exceeded: Hop limit"
}
check "IPv6: hop limit 1: ICMPv6 time exceeded from the gateway" \
    hop_limit_exceeded
check "IPv6 forwarding is on, and the management port still takes RAs" \
    fw_console "$A" "test \$(sysctl -n net.ipv6.conf.all.forwarding) = 1 &&
        test \$(sysctl -n net.ipv6.conf.eth0.accept_ra) = 2"
no_route6() {
    nsx red2 ping -c1 -W2 2001:db8:9::1 2>&1 |
        grep -q "From 2001:db8:1::1 .*Destination unreachable: No route"
}
check "IPv6: no route: ICMPv6 destination unreachable from the gateway" \
    no_route6
# lr0's counters from the kernel's IPv6 counters of its bridges (the
# pings above: at least 6 routed, one hop limit exceeded and one packet
# without a route, each answered), on top of IPv4's.
check "IPv6: lr0 counts what it routed (ROUTED)" grew 2 6
check "IPv6: ... the expired hop limit (TTL-EXPIRED)" grew 3 1
check "IPv6: ... the ICMPv6 errors it sent (ICMP-ERR)" grew 8 2
check "IPv6: ... and the packet without a route (NO-ROUTE)" grew 4 1
# Packets "from" the router's own address are not routed (ip6_forward()
# would; hal/netdev/source6.c): red2 takes lr0's address on blue as its
# own and pings blue2 from it.  blue2's count of echo requests tells.
echos() {
    nsx blue2 awk '$1 == "Icmp6InEchos" { print $2 }' /proc/net/snmp6
}
nsx red2 ip -6 addr add 2001:db8:2::1/128 dev lo nodad
before=$(echos)
nsx red2 ping -c1 -W1 2001:db8:2::10 >/dev/null 2>&1
check "IPv6: blue2 counts an echo request from red2's address (control)" \
    test "$(echos)" -gt "$before"
before=$(echos)
nsx red2 ping -c2 -W1 -I 2001:db8:2::1 2001:db8:2::10 >/dev/null 2>&1
check "IPv6: none from the router's own address 2001:db8:2::1" \
    test "$(echos)" = "$before"
nsx red2 ip -6 addr del 2001:db8:2::1/128 dev lo

# Router advertisements (other_config:ipv6_ra), which vtepd sends itself
# from the router's link-local address (the EUI-64 of its MAC, on every
# bridge with an IPv6 interface): red2, without its static default route,
# takes it as its gateway, makes its own address in the prefix and routes
# through it; a solicitation is answered at once.
RA_GW=fe80::ff:fe00:fe
ra_route() {
    nsx red2 ip -6 route show default | grep -q "via $RA_GW dev r2 proto ra"
}
check "RA: the router's link-local address is on both bridges" \
    fw_console "$A" "ip -6 addr show dev vtb1 | grep -q 'inet6 $RA_GW/64' &&
        ip -6 addr show dev vtb2 | grep -q 'inet6 $RA_GW/64'"
nsx red2 ip -6 route del default
capture_ra red2 r2 "$TMP/ra.txt"
vctl set Logical_Router lr0 other_config:ipv6_ra=true \
    other_config:ipv6_ra_interval=60 other_config:ipv6_ra_rdnss=2001:db8::53
check "RA: red2's default route is the router's link-local address" \
    wait_for 10 ra_route
check "RA: the advertisement as vtepd builds it (tcpdump)" wait_for 5 bash -c \
    "grep -q '$RA_GW > ff02::1: .*router advertisement' $TMP/ra.txt &&
        grep -q 'router lifetime 180s' $TMP/ra.txt &&
        grep -q 'prefix info option (3), length 32 (4): 2001:db8:1::/64, Flags \[onlink, auto\]' $TMP/ra.txt &&
        grep -q 'rdnss option (25).*lifetime 120s, addr: 2001:db8::53' $TMP/ra.txt"
check "RA: red2 made its EUI-64 address in 2001:db8:1::/64 (SLAAC)" bash -c \
    "ip netns exec $NS-red2 ip -6 addr show dev r2 | grep -q 'inet6 2001:db8:1::ff:fe00:102/64 scope global .*dynamic'"
check "RA: red2 -> blue2 through the advertised gateway" \
    wait_for 5 ping_ok red2 2001:db8:2::10
# Neighbour unreachability detection of the gateway: the answer has the
# Router flag, so red2 keeps the router and its route (RFC 4861 7.2.5).
nsx red2 ip -6 neigh replace "$RA_GW" dev r2 lladdr 02:00:00:00:00:fe \
    nud stale router
nsx red2 ping -c1 -W1 2001:db8:2::10 >/dev/null
check "RA: red2 probes its gateway, the answer keeps it a router" \
    wait_for 10 bash -c "ip netns exec $NS-red2 ip -6 neigh show $RA_GW dev r2 | grep -q 'router REACHABLE'"
check "... and red2 keeps its default route" ra_route
nsx red2 ip -6 route del default
sleep 3 # At least 3 s after the last advertisement.
send_rs red2 r2
check "RS: red2's solicitation answered within a second" wait_for 1 ra_route
vctl remove Logical_Router lr0 other_config ipv6_ra \
    -- remove Logical_Router lr0 other_config ipv6_ra_interval \
    -- remove Logical_Router lr0 other_config ipv6_ra_rdnss
check "RA off: the final advertisement (lifetime 0) takes red2's route" \
    wait_for 5 bash -c "! ip netns exec $NS-red2 ip -6 route show default | grep -q 'proto ra'"
nsx red2 ip -6 route del default proto ra 2>/dev/null
nsx red2 ip -6 route add default via 2001:db8:1::1
# The router's own advertisements meet swp2's egress ACL, once
# (hal/netdev/acl-egress.c: the port's egress hook takes them, the
# bridge's output chain lets them by).  A rule permitting them counts as
# many as reach blue2 while it resolves its gateway; turned to deny, blue2
# cannot resolve it.
NA_OUT=$(acl no-na-swp2 "sequence=10 direction=egress action=permit \
    ethertype=0x86dd protocol=58 icmp_type=136")
vctl set Physical_Port swp2 "acl_bindings={0=$NA_OUT}"
check "IPv6: an ACL on advertisements toward swp2 is programmed" \
    wait_for 30 shown "^no-na-swp2 +10 +egress +permit +[0-9]+ "
na_hits() {
    fw_console "$A" "vtep-cli show acl" | tr -d '\r' |
        awk '$1 == "no-na-swp2" && $2 == 10 { print $5 }'
}
# blue2 counts the advertisements that reach it while it resolves its
# gateway twice.  Its capture runs from before the rule's count is first
# read to after it is read again, so that an advertisement the switch
# sends on its own (neighbour unreachability detection) in between is in
# both: the rule counts at most what blue2 got (twice as many if both
# hooks counted), and at least the two answers.
ip netns exec "$NS-blue2" tcpdump -i b2 -Q in -nn -l \
    "icmp6 and ip6[40] == 136" >"$TMP/na.txt" 2>"$TMP/na.err" &
na_pid=$!
on_exit "kill $na_pid 2>/dev/null"
wait_for 5 grep -q listening "$TMP/na.err"
hits0=$(na_hits)
for i in 1 2; do
    nsx blue2 ip -6 neigh del 2001:db8:2::1 dev b2 2>/dev/null
    nsx blue2 ping -c1 -W3 2001:db8:2::1 >/dev/null 2>&1
done
hits=$(($(na_hits) - hits0))
sleep 0.5
kill "$na_pid"
wait "$na_pid"
got=$(grep -c "neighbor advertisement" "$TMP/na.txt")
echo "    blue2 got $got advertisements, the rule counted $hits"
check "IPv6: permitted, each advertisement to blue2 counted once" \
    test "$hits" -ge 2 -a "$hits" -le "$got"
vctl set ACL_entry "$(vctl --bare --columns=acl_entries find ACL \
    acl_name=no-na-swp2)" action=deny
check "IPv6: denied, blue2 cannot resolve its gateway" wait_for 20 eval \
    'nsx blue2 ip -6 neigh flush dev b2;
     ! nsx blue2 ping -c1 -W3 2001:db8:2::1 >/dev/null 2>&1'
vctl set Physical_Port swp2 "acl_bindings={}"
check "IPv6: unbound, blue2 reaches its gateway" \
    wait_for 10 nsx blue2 ping -c1 -W2 2001:db8:2::1
if [ -n "${FW_ROUTING_SHOW:-}" ]; then
    fw_console "$A" "for d in vtr0 vtb1 vtb2 swp1 swp2 vtx1 vtx2; do echo \$d; grep -E 'Icmp6Out(DestUnreachs|TimeExcds|Msgs)|Ip6OutForwDatagrams|Ip6InNoRoutes|Ip6InHdrErrors' /proc/net/dev_snmp6/\$d; done" | sed 's/^/    snmp6: /'
    fw_console "$A" "vtep-cli show ip router; ip -6 -o addr show master vtr0; ip -6 route show vrf vtr0; ip -6 neigh show" |
        sed 's/^/    tor1: /'
fi

vctl destroy Logical_Router lr0
vrf_gone() {
    fw_console "$A" "! ip link show vtr0 2>/dev/null | grep -q vtr0"
}
check "without the router its VRF goes" wait_for 30 vrf_gone
if [ -n "${FW_ROUTING_SHOW:-}" ]; then
    fw_console "$A" "grep -c counters4 /var/log/vtepd.log*" |
        sed 's/^/    tor1: IPv4 counter warnings: /'
fi
check "red2 no longer reaches blue2" ping_fails red2 10.2.0.10
check "red still switches: red2 reaches red1" ping_ok red2 10.1.0.20
finish
