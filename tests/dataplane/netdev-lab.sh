#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The classic hardware-VTEP lab, in network namespaces, with the netdev HAL
# programmed by netdev-hal-ctl:
#
#   red1 ─┐                                                     ┌─ red2
#         ├─ [hv: kernel VXLAN 100/200] ══ underlay ══ [vtep: netdev HAL]
#   blue1 ┘      192.0.2.1                  192.0.2.2           └─ blue2
#
# The hypervisor uses plain kernel VXLAN devices behind a bridge per VNI;
# the vtep namespace gets its bridges, VXLAN devices, bindings and FDB
# entries from the HAL only.  Every check is a real ping or what the HAL or
# the kernel reports.
. tests/lib.sh

ctl=$BUILD/tests/netdev-hal-ctl
p=nd$$
HV=$p-hv VTEP=$p-vtep R1=$p-r1 R2=$p-r2 B1=$p-b1 B2=$p-b2
NSS="$HV $VTEP $R1 $R2 $B1 $B2"

MAC_R1=02:00:00:00:01:01 MAC_R2=02:00:00:00:01:02
MAC_B1=02:00:00:00:02:01 MAC_B2=02:00:00:00:02:02

if [ "$(id -u)" -ne 0 ]; then
    skip "netdev lab (needs root)"
    exit 0
fi
if ! ip netns add "$p-probe" 2>/dev/null; then
    skip "netdev lab (ip netns does not work here)"
    exit 0
fi
ip netns del "$p-probe"

tmp=$(make_tmpdir)
for ns in $NSS; do
    ip netns add "$ns"
    on_exit "ip netns del $ns"
    ip -n "$ns" link set lo up
    # No IPv6 chatter: the hosts' first frames are the test's own.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1
done

# host NS IFNAME MAC IP PEER-NS PEER-IFNAME: a host namespace with one veth.
host() {
    ip -n "$1" link add "$2" type veth peer name "$6" netns "$5"
    ip -n "$1" link set "$2" address "$3" up
    ip -n "$1" addr add "$4/24" dev "$2"
    ip -n "$5" link set "$6" up
}

# Underlay.  The VTEP's overlay MTU is 1500, so the underlay carries more.
ip -n "$HV" link add ul type veth peer name ul netns "$VTEP"
for ns in $HV $VTEP; do
    ip -n "$ns" link set ul mtu 9000 up
done
ip -n "$HV" addr add 192.0.2.1/24 dev ul
ip -n "$HV" addr add 192.0.2.3/24 dev ul
ip -n "$VTEP" addr add 192.0.2.2/24 dev ul

# Hypervisor: a bridge and a learning VXLAN device per VNI, flooding to the
# VTEP.
for vni in 100 200; do
    ip -n "$HV" link add br$vni type bridge
    ip -n "$HV" link add vx$vni type vxlan id $vni local 192.0.2.1 \
        dstport 4789 dev ul
    ip -n "$HV" link set vx$vni master br$vni up
    ip -n "$HV" link set br$vni up
    ip netns exec "$HV" bridge fdb append 00:00:00:00:00:00 dev vx$vni \
        dst 192.0.2.2
done
host "$R1" eth0 $MAC_R1 10.0.0.1 "$HV" r1
host "$B1" eth0 $MAC_B1 10.0.0.3 "$HV" b1
ip -n "$HV" link set r1 master br100
ip -n "$HV" link set b1 master br200

# Physical servers behind the VTEP's front-panel ports.
host "$R2" eth0 $MAC_R2 10.0.0.2 "$VTEP" pr
host "$B2" eth0 $MAC_B2 10.0.0.4 "$VTEP" pb

# hal SCRIPT-LINES...: runs netdev-hal-ctl in the VTEP namespace.
hal() {
    printf '%s\n' "$@" | ip netns exec "$VTEP" "$ctl" --port=pr --port=pb \
        --tunnel-ip=192.0.2.2 2>>"$tmp/ctl.log"
}

ping_ok() { ip netns exec "$1" ping -q -c 1 -W 1 "$2" >/dev/null 2>&1; }
ping_fails() { ! ping_ok "$@"; }
# Pings until one answer (ARP and learning may need a moment).
ping_soon() { wait_for 5 ping_ok "$@"; }

# The VXLAN device of the bridge port 'pr' or 'pb' is enslaved to.
vtx_of() {
    local master
    master=$(ip -n "$VTEP" -o link show "$1" | sed -n 's/.* master \([^ ]*\) .*/\1/p')
    echo "${master/vtb/vtx}"
}
zero_entries() {
    ip netns exec "$VTEP" bridge fdb show dev "$(vtx_of "$1")" |
        grep -c '^00:00:00:00:00:00'
}

program=(
    "bridge red 100 source"
    "bridge blue 200 service"
    "bind pr 0 red"
    "bind pb 0 blue"
    "fdb-add red $MAC_R1 192.0.2.1"
    "fdb-add blue $MAC_B1 192.0.2.1"
    "flood red all 192.0.2.1,192.0.2.3"
    "flood blue all 192.0.2.3,192.0.2.1"
)

# 1. Program the VTEP from a cold start.
out=$(hal "${program[@]}" warm)
check "HAL programs bridges, bindings, remote MACs and flood lists" \
    test "$(grep -c '^ok' <<<"$out")" -eq $((${#program[@]} + 1))
check "first start is cold" grep -q '^warm no' <<<"$out"

# 2. The first frame from red2 is learned and reported as an event.
hal "flush red" warm "wait-event learned $MAC_R2 10" >"$tmp/learn.out" &
learner=$!
on_exit "kill $learner"
wait_for 5 grep -q '^warm' "$tmp/learn.out"
check "red2 reaches red1 across the overlay" ping_soon "$R2" 10.0.0.1
wait "$learner"
check "red2's MAC is reported as a learned event" \
    grep -q "^event learned red $MAC_R2 pr 0" "$tmp/learn.out"

check "blue1 reaches blue2" ping_soon "$B1" 10.0.0.4
check "red1 reaches red2" ping_ok "$R1" 10.0.0.2
check "red1 cannot reach blue2" ping_fails "$R1" 10.0.0.4
check "blue2 cannot reach red2" ping_fails "$B2" 10.0.0.2

# 3. Replication: source-node floods to every VTEP of the list,
# service-node to one.
check "source_node: one all-zero entry per flood VTEP" \
    test "$(zero_entries pr)" -eq 2
check "service_node: a single all-zero entry" test "$(zero_entries pb)" -eq 1
out=$(hal "flood blue all 192.0.2.3,192.0.2.1" dump-flood)
check "flood dump shows the lists as set" \
    grep -q 'blue .*service_node .*broadcast .*192.0.2.1,192.0.2.3' <<<"$out"
# A restarted backend knows only what the kernel has: one service node.
out=$(hal dump-flood)
check "after a restart the flood dump shows the kernel's service node" \
    grep -q 'blue .*service_node .*broadcast .*192.0.2.1$' <<<"$out"

# 4. Counters of a binding come from the kernel.
out=$(hal "stats pr 0")
check "binding counters count red2's traffic" \
    grep -Eq 'from_local [1-9][0-9]* packets' <<<"$out"

# 5. A removed remote MAC falls back to flooding via the all-zero entries.
hal "fdb-del red $MAC_R1" >/dev/null
check "remote MAC removed from the VXLAN device" \
    bash -c "! ip netns exec $VTEP bridge fdb show dev $(vtx_of pr) | grep -q '$MAC_R1 dst'"
check "red2 still reaches red1 by flooding" ping_soon "$R2" 10.0.0.1
hal "fdb-add red $MAC_R1 192.0.2.1" >/dev/null

# 6. Removing the binding stops traffic; binding again restores it.
hal "unbind pr 0" >/dev/null
check "unbound red2 cannot reach red1" ping_fails "$R2" 10.0.0.1
hal "bind pr 0 red" >/dev/null
check "rebound red2 reaches red1" ping_soon "$R2" 10.0.0.1

# 7. Tagged bindings need 802.1Q sub-interfaces.
out=$(hal "bind pr 100 red")
if grep -q '^ok' <<<"$out"; then
    pass "tagged binding creates an 802.1Q sub-interface"
    hal "unbind pr 100" >/dev/null
elif grep -q 'not supported by backend' <<<"$out"; then
    check "tagged binding failure is logged with its reason" \
        grep -q 'invalid_vlan_map' "$tmp/ctl.log"
    skip "tagged bindings end to end (kernel has no 802.1Q support)"
else
    fail "tagged binding: $out"
fi

# 8. Warm restart: a new process finds the state, a full replay writes
# nothing, stale state goes, and forwarding never stops.
ip netns exec "$R2" ping -q -i 0.1 -c 40 10.0.0.1 >"$tmp/ping.out" 2>&1 &
pinger=$!
on_exit "kill $pinger"
out=$(hal warm resync-begin "${program[@]}" resync-end writes)
check "restart is warm" grep -q '^warm yes' <<<"$out"
check "replay of unchanged state writes nothing" grep -q '^writes 0$' <<<"$out"
check "resync reports surviving learned MACs" \
    grep -q "^event learned red $MAC_R2 pr 0" <<<"$out"
hal "fdb-add red 02:00:00:00:0f:0f 192.0.2.1" >/dev/null
out=$(hal resync-begin "${program[@]}" resync-end dump-fdb)
check "resync removes a stale remote MAC" \
    bash -c "! grep -q 02:00:00:00:0f:0f <<<'$out'"
wait "$pinger"
check "no ping lost across restarts" grep -q ' 0% packet loss' "$tmp/ping.out"

# 9. Clearing on close removes every kernel object the HAL made.
printf '' | ip netns exec "$VTEP" "$ctl" --port=pr --port=pb \
    --clear-on-close 2>>"$tmp/ctl.log"
check "clear on close removes bridges and VXLAN devices" \
    bash -c "! ip -n $VTEP -o link show | grep -q 'vt[bx][0-9]'"
check "clear on close releases the ports" \
    bash -c "! ip -n $VTEP -o link show pr | grep -q master"

finish
