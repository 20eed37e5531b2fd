#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ACLs on router interfaces (Logical_Router.acl_binding) through vtepd's
# asic backend and software dataplane, with the topology of vtepd-lr.sh:
#
#   red1 10.1.0.20 ─┐ hv          vtep ─ p1 ── red2  10.1.0.10
#   blue1 10.2.0.20 ┘  ══ VXLAN ══     ─ p2 ── blue2 10.2.0.10
#
# lr0 routes between red (10.1.0.1/24) and blue (10.2.0.1/24).  An ingress
# ACL on red's interface denies ICMP from red's subnet: red2 no longer
# pings across the router while TCP passes, and red2 still pings red1
# (switched, not routed) and its gateway (addressed to the router).  A
# lower sequence permit lets ICMP to blue1 through.  An egress ACL on
# blue's interface denies ICMP toward blue2 only, while blue1 -> blue2
# (switched) passes.  An acl_binding whose interface no switch_binding has
# is invalid_ACL_binding; unbinding restores traffic.  The same for routed
# IPv6 (2001:db8:1::/64, 2001:db8:2::/64) through the IPv6 interfaces.
# Counters: per entry (hal/dump-acl), per router (ACL_IN and ACL_OUT of
# hal/dump-routes, vtep-cli show ip router) and the dataplane's drop reasons
# (sim/show).
. tests/lib.sh
NS=vlra$$
TMP=$(make_tmpdir)
VDIR=$TMP/vtepd
. tests/dataplane/vtepd-topology.sh

lab_require "ACLs on router interfaces" "$VTEPD" vtep-ctl ovs-appctl nc \
    ethtool
lab_build
# TCP through the software dataplane: complete checksums on the hosts' side.
for h in red1 red2 blue1 blue2; do
    nsx "$h" ethtool -K eth0 tx off >/dev/null
done
nsx hv ethtool -K u0 tx off >/dev/null
on_exit vtepd_stop
vtepd_start asic --platform=lab
check "vtep-ctl attaches red and blue" lab_attach

readdress() {
    nsx "$1" ip addr flush dev eth0
    nsx "$1" ip addr add "$2/24" dev eth0
    nsx "$1" ip route add default via "$3"
}
readdress red1 10.1.0.20 10.1.0.1
readdress red2 10.1.0.10 10.1.0.1
readdress blue1 10.2.0.20 10.2.0.1
readdress blue2 10.2.0.10 10.2.0.1
RED=$(vctl --bare --columns=_uuid find Logical_Switch name=red)
BLUE=$(vctl --bare --columns=_uuid find Logical_Switch name=blue)
vctl --id=@lr create Logical_Router name=lr0 \
    "switch_binding:\"10.1.0.1/24\"=$RED" \
    "switch_binding:\"10.2.0.1/24\"=$BLUE" >/dev/null
routes_has() {
    appctl hal/dump-routes | grep -q "^lr0 *$1 *connected"
}
check "lr0's interfaces are up" wait_for 3 routes_has 10.2.0.0/24
check "red2 -> blue2 before any ACL" wait_for 3 ping_ok red2 10.2.0.10

# acl NAME "COLUMNS OF ENTRY 1" ...: creates ACL NAME, prints its uuid.
acl() {
    local name=$1 args=() refs=() i=0 e
    shift
    for e in "$@"; do
        i=$((i + 1))
        # shellcheck disable=SC2206 # one column=value per word
        args+=(-- --id=@e$i create ACL_entry $e)
        refs+=("@e$i")
    done
    vctl "${args[@]}" -- create ACL acl_name="$name" \
        acl_entries="$(
            IFS=,
            echo "[${refs[*]}]"
        )" | tail -1
}
# bind KEY ACL_UUID / unbind KEY: lr0's acl_binding.
bind() {
    vctl set Logical_Router lr0 "acl_binding:\"$1\"=$2"
}
unbind() {
    vctl remove Logical_Router lr0 acl_binding "\"$1\""
}
lr_fault() {
    test "$(vctl --bare --columns=LR_fault_status find Logical_Router \
        name=lr0)" = "$1"
}
# hits ACL STAGE SEQ: the hit counter of an entry in hal/dump-acl.
hits() {
    appctl hal/dump-acl | grep -A20 "^acl $1 $2:" | grep -m1 "seq $3 " \
        | sed 's/.*hits=\([0-9]*\).*/\1/'
}
drops() {
    appctl sim/show | sed -n "s/^ *drop ACL deny (router $1): //p"
}
# router_count COLUMN: a counter of lr0 in hal/dump-routes (10: ACL_IN,
# 11: ACL_OUT).
router_count() {
    appctl hal/dump-routes | awk -v col="$1" '
        /TTL_EXPIRED/ { stats = 1; next } stats && $1 == "lr0" { print $col }'
}
# tcp_ok FROM HOST IP PORT: a listener on HOST at IP:PORT is reached from
# FROM (a few tries).
tcp_ok() {
    local ok=1 pid fam=-4
    case $3 in *:*) fam=-6 ;; esac
    nsx "$2" timeout 8 nc "$fam" -l -p "$4" >/dev/null 2>&1 &
    pid=$!
    sleep 0.3
    wait_for 3 nsx "$1" nc -z -w1 "$3" "$4" && ok=0
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return $ok
}

# ---- Ingress: no ICMP from red's subnet into the router ----
IN=$(acl no-icmp-in "sequence=10 direction=ingress action=deny protocol=1 \
    source_ip=10.1.0.0 source_mask=24")
bind 10.1.0.1/24 "$IN"
check "hal/dump-acl: bound to red's interface" wait_for 3 bash -c \
    "ovs-appctl -t $VDIR/vtepd.ctl hal/dump-acl | grep -qx 'binding rif lr0 10.1.0.1/24 ingress -> no-icmp-in'"
check "no fault" lr_fault ""
check "red2 -> blue2 ICMP denied" ping_fails red2 10.2.0.10
check "red1 (behind VXLAN) -> blue2 ICMP denied too" ping_fails red1 10.2.0.10
check "red2 -> blue2 TCP passes" tcp_ok red2 blue2 10.2.0.10 5001
check "red2 -> red1 (switched) unaffected" ping_ok red2 10.1.0.20
check "red2 -> its gateway (the router itself) unaffected" \
    ping_ok red2 10.1.0.1
check "the deny counts hits" test "$(hits no-icmp-in ingress 10)" -ge 2
check "sim/show counts the drops" test "$(drops ingress)" -ge 2
check "lr0 counts them in ACL_IN" test "$(router_count 10)" -ge 2
check "... and nothing in ACL_OUT" test "$(router_count 11)" = 0

# ---- Sequence order: a permit before the deny ----
vctl --id=@p create ACL_entry sequence=5 direction=ingress action=permit \
    protocol=1 dest_ip=10.2.0.20 -- add ACL "$IN" acl_entries @p >/dev/null
check "seq 5 permit programmed" wait_for 3 bash -c \
    "ovs-appctl -t $VDIR/vtepd.ctl hal/dump-acl | grep -q 'seq 5 .*permit'"
check "red2 -> blue1: the permit (seq 5) wins" ping_ok red2 10.2.0.20
check "red2 -> blue2: still denied (seq 10)" ping_fails red2 10.2.0.10
check "the permit counts" test "$(hits no-icmp-in ingress 5)" -ge 1

# ---- A failed change keeps the version in force ----
vctl --id=@d create ACL_entry sequence=5 direction=ingress action=deny \
    protocol=6 -- add ACL "$IN" acl_entries @d >/dev/null
check "two entries with sequence 5: invalid_acl" wait_for 3 bash -c \
    "vtep-ctl --db=unix:$VDIR/db.sock --bare --columns=acl_fault_status find ACL acl_name=no-icmp-in | grep -qx invalid_acl"
check "... the programmed version stays: ICMP to blue2 denied" \
    ping_fails red2 10.2.0.10
check "... and TCP passes" tcp_ok red2 blue2 10.2.0.10 5002
vctl remove ACL "$IN" acl_entries "$(vctl --bare --columns=_uuid find \
    ACL_entry sequence=5 action=deny)"

# ---- Unbinding restores traffic ----
unbind 10.1.0.1/24
check "unbound: gone from hal/dump-acl" wait_for 3 bash -c \
    "! ovs-appctl -t $VDIR/vtepd.ctl hal/dump-acl | grep -q 'binding rif'"
check "red2 -> blue2 ICMP passes again" wait_for 3 ping_ok red2 10.2.0.10

# ---- Egress: no ICMP out of blue's interface toward blue2 ----
OUT=$(acl no-icmp-out "sequence=10 direction=egress action=deny protocol=1 \
    dest_ip=10.2.0.10")
bind 10.2.0.1 "$OUT"
check "hal/dump-acl: egress on blue's interface" wait_for 3 bash -c \
    "ovs-appctl -t $VDIR/vtepd.ctl hal/dump-acl | grep -qx 'binding rif lr0 10.2.0.1/24 egress -> no-icmp-out'"
check "red2 -> blue2 ICMP denied on the way out" ping_fails red2 10.2.0.10
check "red1 (behind VXLAN) -> blue2 denied too" ping_fails red1 10.2.0.10
check "red2 -> blue1 passes" ping_ok red2 10.2.0.20
check "blue1 -> blue2 (switched) unaffected" ping_ok blue1 10.2.0.10
check "red2 -> blue2 TCP passes" tcp_ok red2 blue2 10.2.0.10 5003
check "the egress deny counts hits" test "$(hits no-icmp-out egress 10)" -ge 2
check "sim/show counts egress drops" test "$(drops egress)" -ge 2
check "lr0 counts them in ACL_OUT" test "$(router_count 11)" -ge 2

# ---- An interface no switch_binding has ----
bind 10.7.0.1 "$OUT"
check "invalid_ACL_binding" wait_for 3 lr_fault invalid_ACL_binding
check "vtep/acl-faults says why" bash -c \
    "ovs-appctl -t $VDIR/vtepd.ctl vtep/acl-faults | grep -q 'Logical_Router .* invalid_ACL_binding: interface 10.7.0.1: no switch_binding has it'"
check "the good binding still filters" ping_fails red2 10.2.0.10

cli() {
    $BUILD/bin/vtep-cli --db=unix:"$VDIR/db.sock" --ctl="$VDIR/vtepd.ctl" "$@"
}
cli show acl >"$TMP/show-acl.txt"
check "show acl: the router binding" grep -Eq \
    "^no-icmp-out +router lr0 10.2.0.1 +invalid_ACL_binding" "$TMP/show-acl.txt"
check "show acl: hits" grep -Eq \
    "^no-icmp-out +10 +egress +deny +[1-9][0-9]* " "$TMP/show-acl.txt"
if [ -n "${VTEPD_LR_ACL_SHOW:-}" ]; then
    appctl hal/dump-acl
    appctl vtep/acl-faults
    cli show acl
    appctl sim/show | grep -i drop
fi
unbind 10.7.0.1
check "the fault clears" wait_for 3 lr_fault ""
unbind 10.2.0.1
check "red2 -> blue2 passes without bindings" wait_for 3 ping_ok red2 10.2.0.10

# ---- IPv6: the IPv6 interfaces' ACLs filter routed IPv6 ----
# v6 HOST IP GW: IPv6 on for HOST's eth0, with IP/64 and a default route
# via GW.
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
check "IPv6: lr0's interfaces are up" \
    wait_for 3 routes_has 2001:db8:2::/64
check "IPv6: red2 -> blue2 before any ACL" ping_ok red2 2001:db8:2::10
IN_BEFORE=$(router_count 10)
OUT_BEFORE=$(router_count 11)
IN6=$(acl no-echo6-in "sequence=10 direction=ingress action=deny \
    protocol=58 icmp_type=128 source_ip=\"2001:db8:1::\" source_mask=64")
bind 2001:db8:1::1/64 "$IN6"
check "IPv6: ingress bound to red's IPv6 interface" wait_for 3 bash -c \
    "ovs-appctl -t $VDIR/vtepd.ctl hal/dump-acl | grep -qx 'binding rif lr0 2001:db8:1::1/64 ingress -> no-echo6-in'"
check "IPv6: no fault" lr_fault ""
check "IPv6: red2 -> blue2 echo denied" ping_fails red2 2001:db8:2::10
check "IPv6: red2 -> blue2 TCP passes" tcp_ok red2 blue2 2001:db8:2::10 5006
check "IPv6: red2 -> its gateway (the router itself) unaffected" \
    ping_ok red2 2001:db8:1::1
check "IPv6: IPv4 red2 -> blue2 is not the IPv6 interface's" \
    ping_ok red2 10.2.0.10
check "IPv6: the deny counts hits" test "$(hits no-echo6-in ingress 10)" -ge 2
check "IPv6: lr0's ACL_IN grows" test "$(router_count 10)" -ge $((IN_BEFORE + 2))
unbind 2001:db8:1::1/64
check "IPv6: unbound, red2 -> blue2 echo passes" \
    wait_for 3 ping_ok red2 2001:db8:2::10

OUT6=$(acl no-echo6-out "sequence=10 direction=egress action=deny \
    protocol=58 dest_ip=\"2001:db8:2::10\"")
bind 2001:db8:2::1 "$OUT6"
check "IPv6: egress bound to blue's IPv6 interface" wait_for 3 bash -c \
    "ovs-appctl -t $VDIR/vtepd.ctl hal/dump-acl | grep -qx 'binding rif lr0 2001:db8:2::1/64 egress -> no-echo6-out'"
check "IPv6: red2 -> blue2 denied on the way out" \
    ping_fails red2 2001:db8:2::10
check "IPv6: red2 -> blue1 passes" ping_ok red2 2001:db8:2::20
check "IPv6: blue1 -> blue2 (switched) unaffected" ping_ok blue1 2001:db8:2::10
check "IPv6: the egress deny counts hits" \
    test "$(hits no-echo6-out egress 10)" -ge 2
check "IPv6: lr0's ACL_OUT grows" \
    test "$(router_count 11)" -ge $((OUT_BEFORE + 2))
check "ACL_IN is sim/show's router ingress drops" \
    test "$(router_count 10)" = "$(drops ingress)"
check "ACL_OUT is sim/show's router egress drops" \
    test "$(router_count 11)" = "$(drops egress)"
cli show ip router >"$TMP/show-router.txt"
check "show ip router: lr0's ACL counters" grep -Eq \
    "^lr0( +[0-9]+){8} +[1-9][0-9]* +[1-9][0-9]* +0\$" "$TMP/show-router.txt"
check "show ip router --json: acl_denied_out" bash -c \
    "$BUILD/bin/vtep-cli --json --db=unix:$VDIR/db.sock --ctl=$VDIR/vtepd.ctl show ip router | grep -Eq '\"acl_denied_out\": [1-9]'"
if [ -n "${VTEPD_LR_ACL_SHOW:-}" ]; then
    appctl hal/dump-acl
    appctl hal/dump-routes | tail -2
    cli show ip router
    appctl sim/show | grep -i drop
fi
unbind 2001:db8:2::1
check "IPv6: unbound, red2 -> blue2 passes" \
    wait_for 3 ping_ok red2 2001:db8:2::10

# ---- Removing the router removes its bindings ----
bind 10.2.0.1 "$OUT"
check "bound again" wait_for 3 bash -c \
    "ovs-appctl -t $VDIR/vtepd.ctl hal/dump-acl | grep -q 'binding rif'"
vctl destroy Logical_Router lr0
check "without the router, no router binding" wait_for 3 bash -c \
    "! ovs-appctl -t $VDIR/vtepd.ctl hal/dump-acl | grep -q 'binding rif'"
check "blue1 -> blue2 still switches" ping_ok blue1 10.2.0.10
check "vtepd stops cleanly" vtepd_stop
finish
