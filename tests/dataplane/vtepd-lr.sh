#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Logical_Router: vtepd's asic backend routes between red (VNI 100,
# 10.1.0.0/24) and blue (VNI 200, 10.2.0.0/24), with vtep-ctl as the
# controller and the kernel-VXLAN hypervisor of lab-topology.sh:
#
#   red1 10.1.0.20 ─┐ hv          vtep ─ p1 ── red2  10.1.0.10
#   blue1 10.2.0.20 ┘  ══ VXLAN ══     ─ p2 ── blue2 10.2.0.10
#
# Every host's default gateway is the router interface of its switch
# (10.1.0.1, 10.2.0.1).  Checks every pair across the router in both
# directions (local-local, local-remote, remote-local), a static route to a
# third prefix through red2 as next hop, TTL 1 dropped and counted, an
# overlapping switch_binding that gives lr_switch_bindings_fault and
# programs nothing of it, and a route table (platform "lab": 16 routes)
# that fills, says so, and recovers when routes go.
#
# VTEPD_LR_HAL=netdev (vtepd-lr-netdev.sh) runs it on the netdev backend,
# where the kernel routes in a VRF; the asic model's counters, learned
# neighbours and table sizes are not checked there.  A kernel without VRF
# (this CI host's) must give lr_support_fault, and the rest is skipped.
. tests/lib.sh
HAL=${VTEPD_LR_HAL:-asic}
NS=vlr$$
TMP=$(make_tmpdir)
VDIR=$TMP/vtepd
. tests/dataplane/vtepd-topology.sh

lab_require "logical router ($HAL backend)" "$VTEPD" vtep-ctl ovs-appctl
lab_build
on_exit vtepd_stop
if [ "$HAL" = asic ]; then
    vtepd_start asic --platform=lab
else
    vtepd_start "$HAL"
fi
check "vtep-ctl attaches red and blue" lab_attach
# asic: true on the asic backend (checks of the model's own counters).
asic() { [ "$HAL" = asic ]; }

ROUTER_MAC=02:00:00:00:00:fe
ARP_MAC=02:a5:0a:63:00:02 # 02:a5 and the tunnel IP, 10.99.0.2.
# readdress HOST IP GW: HOST gets IP/24 and a default route via GW.
readdress() {
    nsx "$1" ip addr flush dev eth0
    nsx "$1" ip addr add "$2/24" dev eth0
    nsx "$1" ip route add default via "$3"
}
readdress red1 10.1.0.20 10.1.0.1
readdress red2 10.1.0.10 10.1.0.1
readdress blue1 10.2.0.20 10.2.0.1
readdress blue2 10.2.0.10 10.2.0.1

ls_uuid() {
    vctl --bare --columns=_uuid find Logical_Switch "name=$1"
}
RED=$(ls_uuid red) BLUE=$(ls_uuid blue)

# lr_fault NAME: NAME's LR_fault_status, one word per fault.
lr_fault() {
    vctl --bare --columns=LR_fault_status find Logical_Router "name=$1"
}
# no_lr_fault NAME: NAME's LR_fault_status is empty.
no_lr_fault() {
    test -z "$(lr_fault "$1")"
}
switch_fault() {
    vctl get Physical_Switch "$SWITCH" switch_fault_status
}
# routes_has ROUTER PREFIX NEXTHOP LS: a line of hal/dump-routes.
routes_has() {
    appctl hal/dump-routes | grep -q "^$1 *$2 *$3 *$4\$"
}
# router_count ROUTER COLUMN: a counter of hal/dump-routes (2: ROUTED,
# 3: TTL_EXPIRED, 4: NO_ROUTE, 5: UNRESOLVED, 6: ARP_REQ, 7: ARP_REPLY,
# 8: ICMP_ERR, 9: ICMP_LIMIT, 10: ACL_IN, 11: ACL_OUT, 12: MTU).
router_count() {
    appctl hal/dump-routes | awk -v r="$1" -v col="$2" '
        /TTL_EXPIRED/ { stats = 1; next } stats && $1 == r { print $col }'
}

check "vtepd reports no LR fault before any router" \
    not_in lr_support_fault "$(switch_fault)"
vctl --id=@lr create Logical_Router name=lr0 \
    "other_config:router_mac=\"$ROUTER_MAC\"" \
    "switch_binding:\"10.1.0.1/24\"=$RED" \
    "switch_binding:\"10.2.0.1/24\"=$BLUE" >/dev/null
if [ "$HAL" != asic ] && ! nsx vtep ip link add vrfprobe type vrf table 999 \
    2>/dev/null; then
    check "no VRF in the kernel: lr_support_fault on the router" \
        wait_for 3 bash -c "vtep-ctl --db=unix:$VDIR/db.sock --bare --columns=LR_fault_status find Logical_Router name=lr0 | grep -qx lr_support_fault"
    check "... and on the switch" wait_for 3 bash -c \
        "vtep-ctl --db=unix:$VDIR/db.sock get Physical_Switch $SWITCH switch_fault_status | grep -q lr_support_fault"
    check "vtepd logs why" grep -q "no routing: the kernel has no VRF" \
        "$VDIR/vtepd.log"
    skip "routing on the $HAL backend (this kernel has no VRF)"
    check "vtepd stops cleanly" vtepd_stop
    finish
    exit
fi
nsx vtep ip link del vrfprobe 2>/dev/null
check "hal/dump-routes: connected route for red" \
    wait_for 3 routes_has lr0 10.1.0.0/24 connected red
check "hal/dump-routes: connected route for blue" \
    routes_has lr0 10.2.0.0/24 connected blue
check "Arp_Sources_Local: the switch's ARP source MAC" wait_for 3 bash -c \
    "vtep-ctl --db=unix:$VDIR/db.sock --bare --columns=src_mac list Arp_Sources_Local | grep -qx $ARP_MAC"
check "no fault for a good router" \
    no_lr_fault lr0
check "switch_fault_status has no lr_support_fault" \
    not_in lr_support_fault "$(switch_fault)"

# ---- Every pair, both ways ----
check "local-local: red2 -> blue2" ping_ok red2 10.2.0.10
check "local-local: blue2 -> red2" ping_ok blue2 10.1.0.10
check "local-remote: red2 -> blue1" ping_ok red2 10.2.0.20
check "local-remote: blue2 -> red1" ping_ok blue2 10.1.0.20
check "remote-local: red1 -> blue2" ping_ok red1 10.2.0.10
check "remote-local: blue1 -> red2" ping_ok blue1 10.1.0.10
# The gateway's MAC as a host sees it: the router MAC, or the switch's ARP
# source MAC when the host learned it from the router's own request.
gw_mac_ok() {
    nsx "$1" ip neigh show "$2" | grep -Eq "$ROUTER_MAC|$ARP_MAC"
}
check "red2 pings its gateway" ping_ok red2 10.1.0.1
check "red2 pings the router's address on blue" ping_ok red2 10.2.0.1
check "blue1 (behind VXLAN) pings its gateway" ping_ok blue1 10.2.0.1
check "red2 resolved the gateway to a MAC of the router" \
    gw_mac_ok red2 10.1.0.1
check "red1 (behind VXLAN) resolved the gateway too" gw_mac_ok red1 10.1.0.1
asic && check "the router learned blue1 by ARP" bash -c \
    "ovs-appctl -t $VDIR/vtepd.ctl hal/dump-routes | grep -q '^blue *10.2.0.20 .*learned'"
asic && check "routed packets counted" test "$(router_count lr0 2)" -ge 12
before=$(router_count lr0 7)
nsx red2 ip neigh flush dev eth0
check "red2 resolves the gateway again" ping_ok red2 10.2.0.10
asic && check "ARP for the interface answered and counted" \
    test "$(router_count lr0 7)" -gt "$before"

# ---- TTL ----
# ping_ttl FROM TTL IP: one ping with TTL TTL is answered.
ping_ttl() {
    nsx "$1" ping -c1 -W1 -q -t "$2" "$3" >/dev/null 2>&1
}
before=$(router_count lr0 3)
ttl1_dropped() {
    ! ping_ttl red2 1 10.2.0.10 && ! ping_ttl red2 1 10.2.0.10
}
check "TTL 1 across the router is dropped" ttl1_dropped
time_exceeded() {
    nsx red2 ping -c1 -W1 -t 1 10.2.0.10 2>&1 |
        grep -q "From 10.1.0.1 .*Time to live exceeded"
}
check "... with ICMP time exceeded from the gateway" time_exceeded
asic && check "... and counted" test "$(router_count lr0 3)" -ge $((before + 2))
check "TTL 2 gets through" wait_for 3 ping_ttl red2 2 10.2.0.10

# ---- A header the router refuses (RFC 1812, 5.2.2) ----
# A UDP packet from red2 to blue2 whose IPv4 header checksum is wrong is
# not routed, and the asic says why; the same packet with it right is.
# (On the netdev backend the kernel's ip_rcv() drops it, in InHdrErrors.)
udp_to_blue2() {
    nsx red2 python3 tests/dataplane/sim-frames.py udp-send eth0 \
        "$RED2_MAC" "$ROUTER_MAC" "${2:-10.1.0.10}" 10.2.0.10 "$1"
}
# sim_drops_are REASON N: vtep-sim dropped N packets for REASON.
sim_drops_are() {
    test "$(appctl sim/show | sed -n "s/^  drop $1: //p")" = "$2"
}
bad_checksums_are() {
    sim_drops_are "IPv4 header checksum" "$1"
}
routed_is() {
    test "$(router_count lr0 2)" = "$1"
}
# (blue2's port unreachable for it is routed too.)
routed_more_than() {
    test "$(router_count lr0 2)" -gt "$1"
}
if asic; then
    before=$(router_count lr0 2)
    udp_to_blue2 bad
    check "a bad IPv4 header checksum is dropped and counted" \
        wait_for 3 bad_checksums_are 1
    check "... and not routed" routed_is "$before"
    udp_to_blue2 good
    check "the same packet with its checksum right is routed" \
        wait_for 3 routed_more_than "$before"
    # RFC 1812, 5.3.7: sources no host has are not routed.
    udp_to_blue2 good 127.0.0.1
    udp_to_blue2 good 224.0.0.5
    check "a loopback source is dropped and counted" \
        wait_for 3 sim_drops_are "loopback source" 1
    check "a multicast source is dropped and counted" \
        wait_for 3 sim_drops_are "multicast source" 1
fi


# ---- A static route through a host ----
# red2 owns 10.3.0.1 on its loopback: the next hop for 10.3.0.0/24.
nsx red2 ip addr add 10.3.0.1/32 dev lo
vctl set Logical_Router lr0 'static_routes:"10.3.0.0/24"="10.1.0.10"'
check "hal/dump-routes: the static route" \
    wait_for 3 routes_has lr0 10.3.0.0/24 10.1.0.10 red
check "blue2 (local) reaches 10.3.0.1 through red2" ping_ok blue2 10.3.0.1
check "vtep-cli show ip route lists the static route" bash -c \
    "$BUILD/bin/vtep-cli --db=unix:$VDIR/db.sock --ctl=$VDIR/vtepd.ctl show ip route | grep -Eq '^lr0 +10.3.0.0/24 +10.1.0.10 +red\$'"
if [ -n "${VTEPD_LR_SHOW:-}" ]; then
    appctl hal/dump-routes
    "$BUILD/bin/vtep-cli" --db=unix:"$VDIR/db.sock" --ctl="$VDIR/vtepd.ctl" show ip route
fi
check "blue1 (remote) reaches 10.3.0.1 through red2" ping_ok blue1 10.3.0.1
before=$(router_count lr0 4)
check "no route for 10.4.0.1" ping_fails blue2 10.4.0.1
asic && check "counted as no route" test "$(router_count lr0 4)" -gt "$before"

# ---- ICMP destination unreachable ----
if asic; then
    net_unreachable() {
        nsx blue2 ping -c1 -W2 10.4.0.1 2>&1 |
            grep -q "From 10.2.0.1 .*Destination Net Unreachable"
    }
    check "no route: ICMP net unreachable from the gateway" \
        wait_for 3 net_unreachable
    # 10.2.0.99 does not exist: three ARP requests a second apart go
    # unanswered, then its packets get host unreachable.
    host_unreachable() {
        nsx red2 ping -c8 -i0.5 -W1 10.2.0.99 2>&1 |
            grep -q "From 10.1.0.1 .*Destination Host Unreachable"
    }
    check "unanswered ARP: ICMP host unreachable from the gateway" \
        host_unreachable
    # 50 packets at once to a prefix without a route: the bucket for one
    # destination lets six errors through, then one a second.
    sent=$(router_count lr0 8) limited=$(router_count lr0 9)
    nsx blue2 ping -c50 -i0.01 -W1 -q 10.4.0.1 >/dev/null 2>&1
    check "ICMP errors are rate limited" \
        test "$(router_count lr0 9)" -ge $((limited + 30))
    check "... and the ones sent counted" \
        test "$(router_count lr0 8)" -le $((sent + 10))
    if [ -n "${VTEPD_LR_SHOW:-}" ]; then
        nsx blue2 ping -c1 -W2 10.4.0.1
        nsx red2 ping -c5 -W1 10.2.0.99
        appctl hal/dump-routes | tail -2
    fi
fi

# ---- The egress MTU (asic: HAL_RIF_MTU, 1500; 1450 into the tunnel) ----
# jumbo MTU: red2 and blue2 and their ports get MTU (9000 to send more than
# the router's MTU; 1450 and the veth default 1500 as lab_build left them).
jumbo() {
    local host_mtu=$1 port_mtu=$1
    [ "$1" = 9000 ] || port_mtu=1500
    nsx vtep ip link set p1 mtu "$port_mtu"
    nsx vtep ip link set p2 mtu "$port_mtu"
    nsx red2 ip link set eth0 mtu "$host_mtu"
    nsx blue2 ip link set eth0 mtu "$host_mtu"
}
# ping_size FROM SIZE IP [-6]: the output of one ping with SIZE bytes of
# data and DF.
ping_size() {
    nsx "$1" ping ${4:-} -c1 -W1 -M do -s "$2" "$3" 2>&1
}
# size_ok FROM SIZE IP [-6]: that ping is answered.
size_ok() {
    ping_size "$@" | grep -q " 0% packet loss"
}
# pmtu FROM IP MTU [-6]: FROM's route cache has MTU for IP.
pmtu() {
    nsx "$1" ip ${4:-} route get "$2" | grep -q "mtu $3"
}
# capture NAME FILTER: the first packet red2's eth0 receives that matches
# FILTER, written to $TMP/NAME.txt by tcpdump in the background.
capture() {
    ip netns exec "$NS-red2" tcpdump -i eth0 -nn -l -c1 "$2" \
        >"$TMP/$1.txt" 2>"$TMP/$1.err" &
    on_exit "kill $! 2>/dev/null"
    wait_for 5 grep -q listening "$TMP/$1.err"
}
if asic; then
    jumbo 9000
    # frag_needed FROM SIZE IP MTU: the gateway says fragmentation needed,
    # with MTU (a retry: errors to red2 may still be rate limited).
    frag_needed() {
        ping_size "$1" "$2" "$3" |
            grep -q "From 10.1.0.1 .*Frag needed and DF set (mtu = $4)"
    }
    local_too_long() {
        ping_size red2 1972 10.2.0.10 | grep -q "message too long, mtu=1500"
    }
    no_df_answered() {
        nsx blue2 ping -c1 -W1 -M dont -s 1972 10.1.0.10 >/dev/null 2>&1
    }
    # sim_fragmented: IPv4 packets the switch's CPU fragmented so far.
    sim_fragmented() {
        appctl sim/show | sed -n 's/^fragmented: \([0-9]*\) .*/\1/p'
    }
    before=$(router_count lr0 12)
    check "1500 bytes (the MTU) red2 -> blue2 pass" \
        wait_for 5 size_ok red2 1472 10.2.0.10
    capture frag "icmp[icmptype] = icmp-unreach"
    check "2000 bytes with DF: frag needed (mtu = 1500) from the gateway" \
        wait_for 5 frag_needed red2 1972 10.2.0.10 1500
    # RFC 1812, 4.3.2.3: as much of the packet as fits in 576 bytes.
    check "... quoting 548 bytes of the packet (576 in all)" wait_for 3 \
        grep -q "need to frag (mtu 1500), length 556" "$TMP/frag.txt"
    check "red2's route cache learned the PMTU" pmtu red2 10.2.0.10 1500
    check "... so ping refuses 2000 bytes itself" local_too_long
    check "blue1 behind VXLAN: 1450 bytes pass" \
        wait_for 5 size_ok red2 1422 10.2.0.20
    check "... 1451 do not: frag needed (mtu = 1450), the tunnel's" \
        wait_for 5 frag_needed red2 1423 10.2.0.20 1450
    check "counted in MTU" test "$(router_count lr0 12)" -ge $((before + 2))
    # Without DF: the ASIC traps it (counted in MTU) and the CPU cuts it
    # into fragments that fit (SAI's L3_MTU_ERROR trap, then the kernel),
    # both ways: red2's echo reply, 2000 bytes without DF too, as well
    # (once red2 forgets the PMTU it learned above, or it cuts it itself).
    nsx red2 ip route flush cache
    before=$(router_count lr0 12)
    frags=$(sim_fragmented)
    capture frag1 "icmp and ip[6:2] & 0x3fff = 0x2000"
    capture frag2 "ip[6:2] & 0x1fff = 185"
    check "2000 bytes without DF: fragmented on the way, answered" \
        wait_for 5 no_df_answered
    check "... red2 got 1480 bytes of ICMP in the first fragment" wait_for 3 \
        grep -q "ICMP echo request.*length 1480" "$TMP/frag1.txt"
    check "... and the rest at offset 1480" wait_for 3 \
        grep -q "10.2.0.10 > 10.1.0.10: ip-proto-1" "$TMP/frag2.txt"
    check "... counted in MTU" test "$(router_count lr0 12)" -ge $((before + 2))
    check "... and in the CPU's fragmented (sim/show)" \
        test "$(sim_fragmented)" -ge $((frags + 2))
    # TCP between hosts with MTU 9000 (both offer MSS 8960): path MTU
    # discovery through the router, and the veths' TSO super-frames routed
    # by the size of their segments once the sender cut them to 1500.
    tcp_copy() {
        local port=$((5000 + RANDOM % 1000)) pid
        head -c 1000000 /dev/urandom >"$TMP/tcp-data"
        rm -f "$TMP/tcp-got"
        nsx red2 timeout 30 nc -l -n 10.1.0.10 "$port" >"$TMP/tcp-got" &
        pid=$!
        wait_for 5 nsx red2 sh -c "ss -ltn | grep -q ':$port '"
        nsx blue2 timeout 30 nc -N -n 10.1.0.10 "$port" <"$TMP/tcp-data"
        wait "$pid"
        cmp -s "$TMP/tcp-data" "$TMP/tcp-got"
    }
    if command -v nc >/dev/null; then
        nsx red2 ip route flush cache
        nsx blue2 ip route flush cache
        check "TCP blue2 -> red2 (MSS 8960) gets 1 MB through" tcp_copy
        check "... blue2 learned the PMTU" pmtu blue2 10.1.0.10 1500
    else
        skip "TCP across the router's MTU (no nc)"
    fi
    if [ -n "${VTEPD_LR_SHOW:-}" ]; then
        nsx red2 ip route flush cache
        nsx red2 ping -c1 -W1 -M do -s 1972 10.2.0.10
        nsx red2 ip route get 10.2.0.10
        nsx red2 ping -c1 -W1 -M do -s 1972 10.2.0.10
        nsx red2 ping -c1 -W1 -M do -s 1423 10.2.0.20
        nsx red2 ip route flush cache
        nsx blue2 ping -c1 -W1 -M dont -s 1972 10.1.0.10
        appctl sim/show | grep ^fragmented
        appctl hal/dump-routes | tail -2
    fi
    # The router's own MTU (other_config:mtu), above the tunnel's and
    # below it.
    router_mtu() {
        vctl set Logical_Router lr0 "other_config:mtu=$1"
        wait_for 3 bash -c "ovs-appctl -t $VDIR/vtepd.ctl hal/dump-routes | grep -q '^lr0 .* $1 default  '"
        nsx red2 ip route flush cache
    }
    check "other_config:mtu=4000 in hal/dump-routes" router_mtu 4000
    [ -n "${VTEPD_LR_SHOW:-}" ] && appctl hal/dump-routes | grep -A2 INTERFACE
    check "MTU 4000: 4000 bytes red2 -> blue2 pass" \
        wait_for 5 size_ok red2 3972 10.2.0.10
    check "... 4001 do not: frag needed (mtu = 4000) from the gateway" \
        wait_for 5 frag_needed red2 3973 10.2.0.10 4000
    check "... blue1 behind VXLAN: still the tunnel's 1450" \
        wait_for 5 frag_needed red2 1423 10.2.0.20 1450
    check "other_config:mtu=1400" router_mtu 1400
    check "MTU 1400: 1400 bytes red2 -> blue2 pass" \
        wait_for 5 size_ok red2 1372 10.2.0.10
    check "... 1401 do not: frag needed (mtu = 1400) from the gateway" \
        wait_for 5 frag_needed red2 1373 10.2.0.10 1400
    check "... to blue1 behind VXLAN too (1400, below the tunnel's)" \
        wait_for 5 frag_needed red2 1373 10.2.0.20 1400
    vctl set Logical_Router lr0 other_config:mtu=100
    check "other_config:mtu=100: logged, and the default (1500) used" \
        wait_for 3 bash -c "grep -q 'lr0: other_config:mtu=100 is not a number from 1280 to 9216; using the default' $VDIR/vtepd.log && ovs-appctl -t $VDIR/vtepd.ctl hal/dump-routes | grep -q '^lr0 .* 1500 default '"
    [ -n "${VTEPD_LR_SHOW:-}" ] && grep other_config: "$VDIR/vtepd.log"
    router_mtu 1400
    vctl remove Logical_Router lr0 other_config mtu
    check "without the key, 1500 again" wait_for 3 bash -c \
        "ovs-appctl -t $VDIR/vtepd.ctl hal/dump-routes | grep -q '^lr0 .* 1500 default '"
    check "... 1500 bytes red2 -> blue2 pass" \
        wait_for 5 size_ok red2 1472 10.2.0.10
    jumbo 1450
    nsx red2 ip route flush cache
fi

# ---- Arp_Sources_Remote ----
# Another VTEP of lr0 at 10.99.0.3 (an address of hv) asks for hosts with
# ARP from its own MAC.  red2's reply must go to that VTEP, and a host that
# took that MAC for its gateway's is still routed here.
if asic; then
    PEER_MAC=02:a5:0a:63:00:03 PEER_IP=10.99.0.3
    nsx hv ip addr add "$PEER_IP/24" dev u0
    vctl --id=@l create Physical_Locator dst_ip=$PEER_IP \
        encapsulation_type=vxlan_over_ipv4 -- \
        create Arp_Sources_Remote "src_mac=\"$PEER_MAC\"" locator=@l >/dev/null
    check "hal/dump-routes: the other VTEP's ARP MAC" wait_for 3 bash -c \
        "ovs-appctl -t $VDIR/vtepd.ctl hal/dump-routes | grep -q '^lr0 *$PEER_MAC $PEER_IP\$'"
    check "red2's ARP reply to the other VTEP's MAC goes to that VTEP" \
        peer_reply_seen "$PEER_MAC" "$PEER_IP"
    check "red2 now has the gateway at the other VTEP's MAC" wait_for 3 \
        bash -c "ip netns exec $NS-red2 ip neigh show 10.1.0.1 | grep -q $PEER_MAC"
    check "... and is routed here all the same" ping_ok red2 10.2.0.10
    if [ -n "${VTEPD_LR_SHOW:-}" ]; then
        vctl list Arp_Sources_Remote
        appctl hal/dump-routes | sed -n '/PEER ARP MAC/,/^$/p'
        cat "$TMP/peer.txt"
    fi
    nsx red2 ip neigh flush dev eth0
    vctl destroy Arp_Sources_Remote \
        "$(vctl --bare --columns=_uuid list Arp_Sources_Remote)"
    check "without the row the MAC goes" wait_for 3 bash -c \
        "! ovs-appctl -t $VDIR/vtepd.ctl hal/dump-routes | grep -q $PEER_MAC"
fi

# ---- Warm restart: the router's tables stay on the chip ----
if asic; then
    check "routed before the restart" ping_ok red2 10.2.0.10
    # The hosts' own ARP refreshes toward their gateway may be answered
    # between the two snapshots: ARP_REPLY (column 7 of the counters) is
    # compared apart, and may only have grown.
    l3_state() {
        appctl hal/dump-routes | awk '/TTL_EXPIRED/ { stats = 1 }
            stats && $1 != "ROUTER" && NF >= 7 { $7 = "-" } { print }'
        appctl hal/resources | grep -E "^(router|rif|nexthop|route|rneigh) "
    }
    before=$(l3_state)
    replies_before=$(router_count lr0 7)
    check "vtepd stops cleanly" vtepd_stop
    vtepd_start asic --platform=lab
    check "the restart is warm" grep -q "asic backend .*(warm start)" \
        "$VDIR/vtepd.log"
    check "the resync ends" \
        wait_for 5 grep -q "warm start: HAL resynchronised" "$VDIR/vtepd.log"
    check "routes, interfaces, learned neighbours, counters kept, none twice" \
        test "$before" = "$(l3_state)"
    check "... and the ARP replies counter with them" \
        test "$(router_count lr0 7)" -ge "$replies_before"
    if [ -n "${VTEPD_LR_SHOW:-}" ]; then
        grep -E "asic backend|warm start" "$VDIR/vtepd.log" | tail -3
        l3_state | tail -6
    fi
    arp_req=$(router_count lr0 6)
    check "routed at once after the restart" ping_ok red2 10.2.0.10
    check "... without asking for the next hop again" \
        test "$(router_count lr0 6)" = "$arp_req"
    # Once more with a ping running through the restart.
    nsx red2 ping -c25 -i0.2 -W1 10.2.0.10 >"$TMP/restart-ping.txt" 2>&1 &
    RESTART_PING=$!
    sleep 1
    check "vtepd stops cleanly" vtepd_stop
    vtepd_start asic --platform=lab
    wait "$RESTART_PING"
    check "the ping through the restart is answered after it" \
        grep -q "icmp_seq=2[0-5] " "$TMP/restart-ping.txt"
fi

# ---- IPv6 ----
if asic; then
    # v6 HOST IP GW: IPv6 on for HOST's eth0, with IP/64 and a default
    # route via GW.
    v6() {
        nsx "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
            net.ipv6.conf.default.disable_ipv6=0 \
            net.ipv6.conf.eth0.disable_ipv6=0
        nsx "$1" ip -6 addr add "$2/64" dev eth0 nodad
        nsx "$1" ip -6 route add default via "$3"
    }
    v6 red2 2001:db8:1::10 2001:db8:1::1
    v6 blue2 2001:db8:2::10 2001:db8:2::1
    v6 blue1 2001:db8:2::20 2001:db8:2::1
    vctl set Logical_Router lr0 "switch_binding:\"2001:db8:1::1/64\"=$RED" \
        "switch_binding:\"2001:db8:2::1/64\"=$BLUE"
    check "IPv6: connected routes" \
        wait_for 3 routes_has lr0 2001:db8:1::/64 connected red
    check "IPv6: red2 pings its gateway" ping_ok red2 2001:db8:1::1
    check "IPv6: local-local red2 -> blue2" ping_ok red2 2001:db8:2::10
    check "IPv6: remote-local blue1 -> red2" ping_ok blue1 2001:db8:1::10
    check "IPv6: the router learned blue1 by ND" bash -c \
        "ovs-appctl -t $VDIR/vtepd.ctl hal/dump-routes | grep -q '^blue *2001:db8:2::20 .*learned'"
    hop_limit_exceeded() {
        nsx red2 ping -c1 -W1 -t 1 2001:db8:2::10 2>&1 |
            grep -q "From 2001:db8:1::1 .*Time exceeded: Hop limit"
    }
    check "IPv6: hop limit 1: ICMPv6 time exceeded from the gateway" \
        hop_limit_exceeded
    no_route6() {
        nsx red2 ping -c1 -W2 2001:db8:9::1 2>&1 |
            grep -q "From 2001:db8:1::1 .*Destination unreachable: No route"
    }
    check "IPv6: no route: ICMPv6 destination unreachable" \
        wait_for 3 no_route6
    addr_unreachable6() {
        nsx red2 ping -c8 -i0.5 -W1 2001:db8:2::99 2>&1 |
            grep -q "From 2001:db8:1::1 .*Destination unreachable: Address unreachable"
    }
    check "IPv6: unanswered ND: ICMPv6 address unreachable" addr_unreachable6
    jumbo 9000
    too_big6() {
        ping_size red2 1952 2001:db8:2::10 -6 |
            grep -q "From 2001:db8:1::1 .*Packet too big: mtu=1500"
    }
    check "IPv6: 1500 bytes red2 -> blue2 pass" \
        wait_for 5 size_ok red2 1452 2001:db8:2::10 -6
    capture too_big "icmp6 and ip6[40] = 2"
    check "IPv6: 2000 bytes: ICMPv6 packet too big (mtu=1500) from the gateway" \
        wait_for 5 too_big6
    # RFC 4443, 2.4 (c): as much of the packet as fits in 1280 bytes.
    check "... quoting 1232 bytes of the packet (1280 in all)" wait_for 3 \
        grep -q "packet too big, mtu 1500, length 1240" "$TMP/too_big.txt"
    check "IPv6: red2's route cache learned the PMTU" \
        pmtu red2 2001:db8:2::10 1500 -6
    if [ -n "${VTEPD_LR_SHOW:-}" ]; then
        nsx red2 ip -6 route flush cache
        nsx red2 ping -6 -c1 -W1 -s 1952 2001:db8:2::10
        nsx red2 ip -6 route get 2001:db8:2::10
    fi
    jumbo 1450
    if [ -n "${VTEPD_LR_SHOW:-}" ]; then
        nsx red2 ping -c1 2001:db8:2::10
        nsx red2 ping -c1 -W1 -t 1 2001:db8:2::10
        nsx red2 ping -c1 -W2 2001:db8:9::1
        appctl hal/dump-routes
    fi
    # Router advertisements (other_config:ipv6_ra): red2, without its
    # static default route, takes the router's link-local address
    # (fe80::ff:fe00:fe, the EUI-64 of 02:00:00:00:00:fe) from them, an
    # address of its own in the prefix (SLAAC) and the router's MTU; a
    # router solicitation is answered at once.
    RA_GW=fe80::ff:fe00:fe
    ra_route() {
        nsx red2 ip -6 route show default | grep -q "via $RA_GW dev eth0 proto ra"
    }
    # rs_heard: the solicitations vtepd's dataplane heard.
    rs_heard() {
        appctl sim/show | sed -n 's/^router advertisements: .* sent, \([0-9]*\) solicitations heard$/\1/p'
    }
    nsx red2 ip -6 route del default
    capture_ra red2 eth0 "$TMP/ra.txt"
    vctl set Logical_Router lr0 other_config:ipv6_ra=true \
        other_config:ipv6_ra_interval=60 other_config:mtu=1400 \
        other_config:ipv6_ra_rdnss=2001:db8::53
    check "RA: hal/dump-routes says 60s for the IPv6 interfaces" \
        wait_for 3 bash -c "ovs-appctl -t $VDIR/vtepd.ctl hal/dump-routes | grep -q '^lr0  *2001:db8:1::1/64 .* 1400 default   60s  *red\$'"
    check "RA: red2's default route is the router's link-local address" \
        wait_for 5 ra_route
    # 02:00:00:00:01:02's EUI-64 in the /64.
    check "RA: red2 made an address in 2001:db8:1::/64 (SLAAC)" bash -c \
        "ip netns exec $NS-red2 ip -6 addr show dev eth0 | grep -q 'inet6 2001:db8:1::ff:fe00:102/64 scope global .*dynamic'"
    check "RA: from the router's link-local address, lifetime 180 s" \
        bash -c "grep -q '$RA_GW > ff02::1: .*router advertisement' $TMP/ra.txt && grep -q 'router lifetime 180s' $TMP/ra.txt"
    check "RA: the DNS server in an RDNSS option, lifetime 120 s" \
        grep -q "rdnss option (25).*lifetime 120s, addr: 2001:db8::53" "$TMP/ra.txt"
    [ -n "${VTEPD_LR_SHOW:-}" ] && cat "$TMP/ra.txt"
    check "vtep-cli show ip interfaces: MTU and RA of red's IPv6 interface" \
        bash -c "$BUILD/bin/vtep-cli --db=unix:$VDIR/db.sock --ctl=$VDIR/vtepd.ctl show ip interfaces | grep -Eq '^lr0 +2001:db8:1::1/64 +red +02:00:00:00:00:fe +1400 +default +60s\$'"
    check "... in JSON" bash -c \
        "$BUILD/bin/vtep-cli --db=unix:$VDIR/db.sock --ctl=$VDIR/vtepd.ctl --json show ip interfaces | python3 -c 'import json,sys; i=[x for x in json.load(sys.stdin)[\"interfaces\"] if x[\"interface\"]==\"2001:db8:1::1/64\"][0]; sys.exit(not (i[\"mtu\"]==1400 and i[\"ra_interval\"]==\"60s\" and i[\"logical_switch\"]==\"red\"))'"
    [ -n "${VTEPD_LR_SHOW:-}" ] &&
        "$BUILD/bin/vtep-cli" --db=unix:"$VDIR/db.sock" --ctl="$VDIR/vtepd.ctl" show ip interfaces
    check "RA: red2 took the MTU option (1400)" \
        test "$(nsx red2 cat /proc/sys/net/ipv6/conf/eth0/mtu)" = 1400
    check "RA: red2 -> blue2 through the advertised gateway" \
        ping_ok red2 2001:db8:2::10
    # Neighbour unreachability detection of the gateway: a stale entry,
    # used, is probed after 5 s; the answer must have the Router flag, or
    # red2 drops the router and its route (RFC 4861 7.2.5).
    nud_router() {
        nsx red2 ip -6 neigh show "$RA_GW" dev eth0 | grep -q 'router REACHABLE'
    }
    nsx red2 ip -6 neigh replace "$RA_GW" dev eth0 lladdr 02:00:00:00:00:fe \
        nud stale router
    nsx red2 ping -c1 -W1 2001:db8:2::10 >/dev/null
    check "RA: red2 probes its gateway, the answer keeps it a router" \
        wait_for 10 nud_router
    check "... and red2 keeps its default route" ra_route
    [ -n "${VTEPD_LR_SHOW:-}" ] && nsx red2 ip -6 route show default &&
        nsx red2 ip -6 addr show dev eth0 &&
        appctl hal/dump-routes | grep -A4 INTERFACE
    nsx red2 ip -6 route del default
    heard=$(rs_heard)
    sleep 3 # At least 3 s after the last advertisement.
    send_rs red2 eth0
    heard_more() { test "$(rs_heard)" -gt "$heard"; }
    check "RS: red2's solicitation heard" wait_for 2 heard_more
    check "RS: answered within a second" wait_for 1 ra_route
    [ -n "${VTEPD_LR_SHOW:-}" ] && appctl sim/show | grep '^router adv'
    vctl remove Logical_Router lr0 other_config ipv6_ra \
        -- remove Logical_Router lr0 other_config ipv6_ra_interval \
        -- remove Logical_Router lr0 other_config ipv6_ra_rdnss \
        -- remove Logical_Router lr0 other_config mtu
    check "RA off: the final advertisement (lifetime 0) takes red2's route" \
        wait_for 3 bash -c "! ip netns exec $NS-red2 ip -6 route show default | grep -q 'proto ra'"
    nsx red2 ip -6 route del default proto ra 2>/dev/null
    nsx red2 ip -6 route add default via 2001:db8:1::1
    nsx red2 sh -c \
        'sysctl -qw net.ipv6.conf.eth0.mtu=$(cat /sys/class/net/eth0/mtu)'
    check "RA: off again in hal/dump-routes" \
        wait_for 3 bash -c "ovs-appctl -t $VDIR/vtepd.ctl hal/dump-routes | grep -q '^lr0  *2001:db8:1::1/64 .* off  *red\$'"

    vctl remove Logical_Router lr0 switch_binding '"2001:db8:1::1/64"' \
        '"2001:db8:2::1/64"'
    check "IPv6: without the bindings their routes go" wait_for 3 bash -c \
        "! ovs-appctl -t $VDIR/vtepd.ctl hal/dump-routes | grep -q 2001:db8"
fi

# ---- Bad static routes ----
vctl set Logical_Router lr0 'static_routes:"10.5.0.0/24"="192.0.2.1"'
check "a next hop in no bound subnet: lr_static_routes_fault" \
    wait_for 3 bash -c "vtep-ctl --db=unix:$VDIR/db.sock --bare --columns=LR_fault_status find Logical_Router name=lr0 | grep -qx lr_static_routes_fault"
check "... in switch_fault_status too" wait_for 3 bash -c \
    "vtep-ctl --db=unix:$VDIR/db.sock get Physical_Switch $SWITCH switch_fault_status | grep -q lr_static_routes_fault"
check "... and not programmed" not_in 10.5.0.0 "$(appctl hal/dump-routes)"
check "the good static route still works" ping_ok blue2 10.3.0.1
vctl remove Logical_Router lr0 static_routes '"10.5.0.0/24"'
check "the fault clears" wait_for 3 no_lr_fault lr0

# ---- Overlapping switch bindings ----
vctl add-ls green -- set Logical_Switch green tunnel_key=300
vctl add-ls yellow -- set Logical_Switch yellow tunnel_key=400
GREEN=$(ls_uuid green) YELLOW=$(ls_uuid yellow)
vctl --id=@lr create Logical_Router name=lr1 \
    "switch_binding:\"10.8.0.1/16\"=$GREEN" \
    "switch_binding:\"10.8.1.1/24\"=$YELLOW" >/dev/null
check "overlapping prefixes: lr_switch_bindings_fault on lr1" \
    wait_for 3 bash -c "vtep-ctl --db=unix:$VDIR/db.sock --bare --columns=LR_fault_status find Logical_Router name=lr1 | grep -qx lr_switch_bindings_fault"
check "... in switch_fault_status" wait_for 3 bash -c \
    "vtep-ctl --db=unix:$VDIR/db.sock get Physical_Switch $SWITCH switch_fault_status | grep -q lr_switch_bindings_fault"
check "neither interface programmed" not_in "10.8." "$(appctl hal/dump-routes)"
if [ -n "${VTEPD_LR_SHOW:-}" ]; then
    vctl list Logical_Router lr1
    switch_fault
    grep lr1 "$VDIR/vtepd.log"
fi
check "lr0 still routes" ping_ok red2 10.2.0.20
check "lr0 has no fault" no_lr_fault lr0
vctl remove Logical_Router lr1 switch_binding '"10.8.1.1/24"'
check "without the overlap lr1's interface comes" \
    wait_for 3 routes_has lr1 10.8.0.0/16 connected green
check "lr1's fault clears" wait_for 3 no_lr_fault lr1
vctl destroy Logical_Router lr1

# ---- Route table exhaustion (platform "lab": 16 routes) ----
if asic; then
    routes=()
    for i in $(seq 10 29); do
        routes+=("static_routes:\"10.20.$i.0/24\"=\"10.1.0.10\"")
    done
    vctl set Logical_Router lr0 "${routes[@]}"
    route_full() {
        appctl hal/resources | grep -q "^route *16 *16$"
    }
    check "hal/resources: the route table is full" wait_for 3 route_full
    check "lr_static_routes_fault" wait_for 3 bash -c \
        "vtep-ctl --db=unix:$VDIR/db.sock --bare --columns=LR_fault_status find Logical_Router name=lr0 | grep -qx lr_static_routes_fault"
    check "the routes that fit work" ping_ok blue2 10.3.0.1
    for i in $(seq 20 29); do
        vctl remove Logical_Router lr0 static_routes "\"10.20.$i.0/24\""
    done
    all_routes() {
        local i
        for i in $(seq 10 19); do
            routes_has lr0 "10.20.$i.0/24" 10.1.0.10 red || return 1
        done
    }
    check "with room again every remaining route is programmed" \
        wait_for 3 all_routes
    check "the fault clears" wait_for 3 no_lr_fault lr0
    check "switch_fault_status clears" wait_for 3 bash -c \
        "! vtep-ctl --db=unix:$VDIR/db.sock get Physical_Switch $SWITCH switch_fault_status | grep -q lr_"
fi

# ---- A router's own neighbour timeout (other_config) ----
# On "lab" learned neighbours live 1800 s; lr0's are to live 3 s.
if asic; then
    vctl set Logical_Router lr0 other_config:neighbour_timeout=3
    check "other_config:neighbour_timeout=3 in hal/dump-routes" \
        wait_for 3 bash -c "ovs-appctl -t $VDIR/vtepd.ctl hal/dump-routes | grep -q '^lr0  *10.2.0.1/24 .* 1500 3s  *-  *blue\$'"
    [ -n "${VTEPD_LR_SHOW:-}" ] && appctl hal/dump-routes | grep -A2 INTERFACE
    # blue2, learned minutes ago, went at once; the first ping after it
    # waits for resolution.
    check "routed, blue2 learned again" wait_for 5 bash -c "ip netns exec $NS-red2 ping -c1 -W1 10.2.0.10 >/dev/null && ovs-appctl -t $VDIR/vtepd.ctl hal/dump-routes | grep -q '^blue *10.2.0.10 .*learned'"
    # blue2's own ARP probe of its gateway, 5 s after its entry for it is
    # used while stale, refreshes blue2 once: allow for it.
    check "unused, blue2 ages out in 3 s, not the profile's 1800 s" \
        wait_for 12 bash -c "! ovs-appctl -t $VDIR/vtepd.ctl hal/dump-routes | grep -q '^blue *10.2.0.10 .*learned'"
    vctl remove Logical_Router lr0 other_config neighbour_timeout
    check "and is learned again when needed" ping_ok red2 10.2.0.10
fi

# ---- Learned neighbours age; used ones are probed and stay ----
if asic; then
    # "lab"'s geometry with a 4 s neighbour timeout: a new layout, so the
    # restart is cold and vtepd replays the database.
    cat >"$TMP/aging.json" <<'EOF2'
{ "name": "lab-aging",
  "fdb_banks": [ { "entries": 64, "ways": 4 }, { "entries": 64, "ways": 4 } ],
  "bridges": 16, "bindings": 32, "tunnels": 16, "flood_entries": 64,
  "mcast_groups": 16, "event_fifo": 256,
  "ports": { "prefix": "p", "count": 2, "speed_mbps": 10000 },
  "router_neighbour_timeout_s": 4 }
EOF2
    check "vtepd stops cleanly" vtepd_stop
    vtepd_start asic --platform="$TMP/aging.json"
    learned_blue2() {
        appctl hal/dump-routes | grep -q '^blue *10.2.0.10 .*learned'
    }
    check "routed on the new platform" ping_ok red2 10.2.0.10
    arp_req=$(router_count lr0 6)
    # capture_probe NAME FILTER: captures in blue2, in the background, the
    # first frame to blue2's MAC that FILTER also takes into
    # $TMP/NAME.txt.
    capture_probe() {
        ip netns exec "$NS-blue2" tcpdump -i eth0 -nn -l -c1 \
            "ether dst $BLUE2_MAC and $2" >"$TMP/$1.txt" 2>"$TMP/$1.err" &
        on_exit "kill $! 2>/dev/null"
        wait_for 5 grep -q listening "$TMP/$1.err"
    }
    # blue2 sees the router's unicast probe: an ARP request to its MAC.
    capture_probe probe "arp and arp[6:2] = 1"
    # 7 s of pings, past the timeout: the probes from 2 s on (and the
    # hosts' own ARP for their gateway) are answered, so no packet waits
    # for a new resolution.
    check "pings through the timeout, none lost" bash -c \
        "ip netns exec $NS-red2 ping -q -c35 -i0.2 -W2 10.2.0.10 | grep -q ' 0% packet loss'"
    check "... blue2 got a unicast ARP probe from the router" \
        grep -q "Request who-has 10.2.0.10 tell 10.2.0.1" "$TMP/probe.txt"
    [ -n "${VTEPD_LR_SHOW:-}" ] && cat "$TMP/probe.txt"
    check "... blue2 still learned" learned_blue2
    check "... probes counted in ARP_REQ" \
        test "$(router_count lr0 6)" -gt "$arp_req"
    check "unused, blue2 ages out" wait_for 10 bash -c "! ovs-appctl -t $VDIR/vtepd.ctl hal/dump-routes | grep -q '^blue *10.2.0.10 .*learned'"
    check "and is learned again when needed" ping_ok red2 10.2.0.10

    # IPv6 neighbours age the same way; the probe is a neighbour
    # solicitation for blue2's address in a frame to its MAC (neighbour
    # unreachability detection, RFC 4861 7.3).
    vctl set Logical_Router lr0 "switch_binding:\"2001:db8:1::1/64\"=$RED" \
        "switch_binding:\"2001:db8:2::1/64\"=$BLUE"
    learned6_blue2() {
        appctl hal/dump-routes | grep -q '^blue *2001:db8:2::10 .*learned'
    }
    check "IPv6: routed on the new platform" \
        wait_for 5 ping_ok red2 2001:db8:2::10
    capture_probe probe6 "icmp6 and ip6[40] = 135"
    check "IPv6: pings through the timeout, none lost" bash -c \
        "ip netns exec $NS-red2 ping -q -c35 -i0.2 -W2 2001:db8:2::10 | grep -q ' 0% packet loss'"
    check "... blue2 got a neighbour solicitation probe to its MAC" \
        grep -q "2001:db8:2::1 > .*neighbor solicitation, who has 2001:db8:2::10" \
        "$TMP/probe6.txt"
    [ -n "${VTEPD_LR_SHOW:-}" ] && cat "$TMP/probe6.txt"
    check "... blue2 still learned" learned6_blue2
    check "IPv6: unused, blue2 ages out" \
        wait_for 10 bash -c "! ovs-appctl -t $VDIR/vtepd.ctl hal/dump-routes | grep -q '^blue *2001:db8:2::10 .*learned'"
    check "IPv6: and is learned again when needed" ping_ok red2 2001:db8:2::10
fi

# ---- The router goes ----
vctl destroy Logical_Router lr0
check "without the router its routes go" wait_for 3 bash -c \
    "! ovs-appctl -t $VDIR/vtepd.ctl hal/dump-routes | grep -q '^lr0'"
check "red2 no longer reaches blue2" ping_fails red2 10.2.0.10
check "red and blue still switch" ping_ok red2 10.1.0.20
check "vtepd stops cleanly" vtepd_stop
finish
