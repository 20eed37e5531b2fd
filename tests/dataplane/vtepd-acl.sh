#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ACLs through vtepd with the asic backend's software dataplane on the
# "lab" platform (64 ingress and 32 egress TCAM entries), with vtep-ctl's
# generic commands as the controller: ICMP from one host denied on a port
# and on a tagged binding while TCP passes, an egress deny toward one MAC,
# a port range denied (nc), sequence order between overlapping permit and
# deny, TCAM exhaustion (resource_shortage; earlier ACLs keep working), and
# invalid entries (invalid_acl_entry, invalid_acl, invalid_ACL_binding);
# then the netdev backend on the same database (nftables).
. tests/lib.sh
NS=vacl$$
TMP=$(make_tmpdir)
VDIR=$TMP/vtepd
. tests/dataplane/vtepd-topology.sh

lab_require "ACLs through vtepd" "$VTEPD" vtep-ctl ovs-appctl nc ethtool
lab_build
# TCP through the software dataplane: complete checksums on the hosts' side
# (a veth leaves them to "hardware", which the dataplane does not finish).
for h in red1 red2 blue2; do
    nsx "$h" ethtool -K eth0 tx off >/dev/null
done
nsx hv ethtool -K u0 tx off >/dev/null
on_exit vtepd_stop
vtepd_start asic --platform=lab
check "vtep-ctl attaches red and blue" lab_attach
check "red2 -> red1 before any ACL" ping_ok red2 "$RED1_IP"

# port_uuid PORT: the Physical_Port row of PORT.
port_uuid() {
    vctl --bare --columns=_uuid find Physical_Port name="$1"
}

# acl NAME "COLUMNS OF ENTRY 1" "COLUMNS OF ENTRY 2"...: creates an ACL
# (replacing one of that name) and prints its uuid.
acl() {
    local name=$1 args=() refs=() i=0 e
    shift
    for e in $(vctl --bare --columns=_uuid find ACL acl_name="$name"); do
        vctl destroy ACL "$e"
    done
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

# bind PORT VLAN ACL_UUID / unbind PORT VLAN
bind() {
    vctl set Physical_Port "$(port_uuid "$1")" "acl_bindings:$2=$3"
}
unbind() {
    vctl remove Physical_Port "$(port_uuid "$1")" acl_bindings "$2"
}

# tcp_ok FROM IP PORT / tcp_fails FROM IP PORT: with a listener at IP:PORT
# (in red1), a TCP connection from FROM gets through (a few tries), or two
# tries time out (a refused connection would not prove a drop).
listen() {
    nsx red1 timeout 8 nc -l -p "$1" >/dev/null 2>&1 &
    LISTENER=$!
    sleep 0.3
}
unlisten() {
    kill "$LISTENER" 2>/dev/null
    wait "$LISTENER" 2>/dev/null
}
tcp_ok() {
    local ok=1
    listen "$3"
    wait_for 3 nsx "$1" nc -z -w1 "$2" "$3" && ok=0
    unlisten
    return $ok
}
tcp_fails() {
    local ok=0
    listen "$3"
    nsx "$1" nc -z -w2 "$2" "$3" && ok=1
    unlisten
    return $ok
}

# acl_fault NAME FAULT: ACL NAME's acl_fault_status is FAULT ("" = empty).
acl_fault() {
    test "$(vctl --bare --columns=acl_fault_status find ACL acl_name="$1")" \
        = "$2"
}
# port_fault PORT FAULT: likewise for PORT's port_fault_status.
port_fault() {
    test "$(vctl --bare --columns=port_fault_status find Physical_Port \
        name="$1")" = "$2"
}
# port_fault_has PORT FAULT: FAULT is among PORT's port_fault_status.
port_fault_has() {
    vctl --bare --columns=port_fault_status find Physical_Port name="$1" \
        | tr ' ,' '\n\n' | grep -qx "$2"
}
no_port_fault() {
    ! port_fault_has "$@"
}
hits() {
    appctl hal/dump-acl | grep -A20 "^acl $1 " | grep -m1 "seq $2 " \
        | sed 's/.*hits=\([0-9]*\).*/\1/'
}

# 1. No ICMP from red2 on p1 (whole port), the rest permitted.
A=$(acl no-icmp "sequence=10 direction=ingress action=deny protocol=1 \
    source_ip=$RED2_IP")
bind p1 0 "$A"
check "ACL programmed on p1" wait_for 3 grep -q "binding p1 vlan 0 ingress" \
    <(appctl hal/dump-acl)
check "ICMP from red2 denied" ping_fails red2 "$RED1_IP"
check "TCP from red2 still passes" tcp_ok red2 "$RED1_IP" 5001
check "the deny rule counted hits" test "$(hits no-icmp 10)" -gt 0
check "denied frames counted by the dataplane" \
    grep -q "ACL deny (ingress)" <(appctl sim/show)
unbind p1 0
check "unbound: ICMP from red2 passes" ping_ok red2 "$RED1_IP"

# 2. A tagged binding: p2 VLAN 10 in red; ICMP from 10.0.0.10 denied on
# (p2, 10), from 10.0.0.20 permitted; untagged blue on p2 untouched.
vlan_ping() {
    nsx blue2 $FRAMES vlan-ping eth0 "$1" "$2" "$3" "$RED1_IP" >/dev/null
}
vlan_ping_fails() {
    ! vlan_ping "$@"
}
vctl bind-ls "$SWITCH" p2 10 red
check "tagged host reaches red1" wait_for 3 vlan_ping 10 \
    02:00:00:00:01:10 10.0.0.10
A=$(acl tagged "sequence=10 direction=ingress action=deny protocol=1 \
    source_ip=10.0.0.10")
bind p2 10 "$A"
check "ACL bound on p2 VLAN 10" wait_for 3 grep -q "binding p2 vlan 10" \
    <(appctl hal/dump-acl)
check "tagged ICMP from 10.0.0.10 denied" vlan_ping_fails 10 \
    02:00:00:00:01:10 10.0.0.10
check "tagged ICMP from 10.0.0.20 permitted" vlan_ping 10 \
    02:00:00:00:01:20 10.0.0.20
check "untagged blue on p2 unaffected" ping_ok blue2 "$BLUE1_IP"
unbind p2 10

# 3. Egress: nothing leaves p1 toward red2's MAC.
A=$(acl to-red2 "sequence=1 direction=egress action=deny \
    dest_mac=\"$RED2_MAC\"")
bind p1 0 "$A"
check "egress ACL programmed" wait_for 3 grep -q "binding p1 vlan 0 egress" \
    <(appctl hal/dump-acl)
check "red1 cannot reach red2 (egress deny)" ping_fails red1 "$RED2_IP"
check "egress denies counted" grep -q "ACL deny (egress)" <(appctl sim/show)
unbind p1 0
check "unbound: red1 reaches red2" ping_ok red1 "$RED2_IP"

# 3b. The switch's ARP answers (suppression) leave p1 through p1's egress
# ACL too: with ARP toward p1 denied, red2 cannot resolve red1, whose
# address the switch knows, and the drop is counted.
umr=$(vctl --bare --columns=_uuid find Ucast_Macs_Remote "MAC=\"$RED1_MAC\"")
vctl set Ucast_Macs_Remote "$umr" ipaddr="$RED1_IP"
check "red1's address in the host table" wait_for 3 grep -q "$RED1_IP" \
    <(appctl hal/dump-neigh red)
red2_resolves() {
    nsx red2 ip neigh flush dev eth0
    ping_ok red2 "$RED1_IP"
}
check "red2 resolves red1 through the switch's answer" red2_resolves
A=$(acl no-arp-out "sequence=1 direction=egress action=deny \
    ethertype=0x0806")
bind p1 0 "$A"
check "egress ARP deny programmed" wait_for 3 grep -q \
    "binding p1 vlan 0 egress -> no-arp-out" <(appctl hal/dump-acl)
replies=$(appctl sim/show | sed -n 's/^neighbour replies: //p')
red2_cannot_resolve() {
    nsx red2 ip neigh flush dev eth0
    ping_fails red2 "$RED1_IP"
}
check "with ARP denied toward p1, red2 cannot resolve red1" \
    red2_cannot_resolve
check "the answers hit the deny rule" test "$(hits no-arp-out 1)" -gt 0
check "and no answer was sent" test \
    "$(appctl sim/show | sed -n 's/^neighbour replies: //p')" = "$replies"
unbind p1 0
check "unbound: red2 resolves red1 again" wait_for 5 red2_resolves
vctl set Ucast_Macs_Remote "$umr" ipaddr='""'

# 4. A port range: TCP to 1000-2000 denied.
A=$(acl range "sequence=10 direction=ingress action=deny protocol=6 \
    dest_port_min=1000 dest_port_max=2000")
bind p1 0 "$A"
check "range costs 8 TCAM entries" wait_for 3 grep -q "tcam=8 " \
    <(appctl hal/dump-acl)
check "TCP to 1500 denied" tcp_fails red2 "$RED1_IP" 1500
check "TCP to 2500 passes" tcp_ok red2 "$RED1_IP" 2500
check "ICMP passes (unmatched traffic is permitted)" ping_ok red2 "$RED1_IP"

# 5. Sequence order: a permit for 1500 before the deny wins; moved after
# it (the same row, a new sequence number), it loses.
A=$(acl order "sequence=5 direction=ingress action=permit protocol=6 \
    dest_port_min=1500 dest_port_max=1500" \
    "sequence=10 direction=ingress action=deny protocol=6 \
    dest_port_min=1000 dest_port_max=2000")
bind p1 0 "$A"
check "permit at 5 before deny at 10: 1500 passes" \
    wait_for 5 tcp_ok red2 "$RED1_IP" 1500
check "1600 still denied" tcp_fails red2 "$RED1_IP" 1600
vctl set ACL_entry "$(vctl --bare --columns=_uuid find ACL_entry \
    action=permit dest_port_min=1500)" sequence=20
check "permit moved to 20, after the deny: 1500 denied" \
    wait_for 5 tcp_fails red2 "$RED1_IP" 1500
# second_rule NAME: the second rule of ACL NAME's ingress table.
second_rule() {
    appctl hal/dump-acl | grep -A2 "^acl $1 ingress" | tail -1
}
check "the dump shows the new order" grep -q "seq 20 .*permit" \
    <(second_rule order)

# 6. TCAM exhaustion: an ACL whose two full ranges need 900 entries does
# not fit in 64; the ACL on p1 keeps working.
B=$(acl huge "sequence=1 direction=ingress action=deny protocol=17 \
    source_port_min=1 source_port_max=65534 dest_port_min=1 \
    dest_port_max=65534")
bind p2 0 "$B"
check "huge ACL: resource_shortage" wait_for 3 acl_fault huge \
    resource_shortage
check "p2: invalid_ACL_binding" wait_for 3 port_fault p2 \
    invalid_ACL_binding
check "the ACL on p1 still denies 1500" tcp_fails red2 "$RED1_IP" 1500
check "and has no fault" acl_fault order ""
check "hal/resources shows the ingress TCAM" \
    grep -q "^acl-in .* 64$" <(appctl hal/resources)
unbind p2 0
check "unbound: p2 fault clears" wait_for 3 port_fault p2 ""

# 7. Invalid entries.
C=$(acl bad "sequence=1 direction=ingress action=deny source_mask=255.0.0.0" \
    "sequence=2 direction=ingress action=deny protocol=6 \
    dest_port_min=2000 dest_port_max=1000")
bind p2 0 "$C"
check "bad ACL: invalid_acl" wait_for 3 acl_fault bad invalid_acl
check "mask without address: invalid_acl_entry" test \
    "$(vctl --bare --columns=acle_fault_status find ACL_entry \
        source_mask=255.0.0.0)" = invalid_acl_entry
check "low > high: invalid_acl_entry" test \
    "$(vctl --bare --columns=acle_fault_status find ACL_entry sequence=2 \
        direction=ingress)" = invalid_acl_entry
check "causes on the control socket" grep -q "port range low > high" \
    <(appctl vtep/acl-faults)
check "p2: invalid_ACL_binding" wait_for 3 port_fault p2 \
    invalid_ACL_binding

# The operator's view: vtep-cli show acl, with hits and faults.
cli() {
    $BUILD/bin/vtep-cli --db=unix:"$VDIR/db.sock" --ctl="$VDIR/vtepd.ctl" "$@"
}
cli show acl >"$TMP/show-acl.txt"
check "show acl: the order ACL's deny has hits" grep -Eq \
    "^order +10 +ingress +deny +[1-9][0-9]* +- +proto 6" "$TMP/show-acl.txt"
check "show acl: the bad entry's faults" grep -q \
    "invalid_acl_entry,invalid_acl .*mask 255.0.0.0" "$TMP/show-acl.txt"
check "show acl --json" bash -c "$BUILD/bin/vtep-cli --json \
    --db=unix:$VDIR/db.sock --ctl=$VDIR/vtepd.ctl show acl \
    | /usr/bin/python3 -c 'import json,sys; \
        assert any(r[\"acl\"] == \"huge\" for r in json.load(sys.stdin)[\"acl\"])'"

# 8. Warm restart: the TCAM is chip memory, so the deny on p1 holds while
# vtepd restarts (pings from red2 all through it go unanswered), its hit
# counter carries on, the replay adopts the table without a write, and the
# dump shows it once.
bind p1 0 "$(vctl --bare --columns=_uuid find ACL acl_name=no-icmp)"
check "no-icmp bound again" wait_for 3 grep -q "binding p1 vlan 0 ingress -> no-icmp" \
    <(appctl hal/dump-acl)
check "and denies ICMP from red2" ping_fails red2 "$RED1_IP"
# 100 denied pings, so that the counter is well above what the probe adds.
nsx red2 ping -c 100 -i 0.01 -W 1 -q "$RED1_IP" >/dev/null 2>&1
appctl hal/dump-acl >"$TMP/acl-before.txt"
hits_before=$(hits no-icmp 10)
nsx red2 ping -i 0.2 -w 6 -W 1 "$RED1_IP" >"$TMP/restart-ping.txt" 2>&1 &
PROBE=$!
sleep 0.5
check "vtepd stops for a restart" vtepd_stop
vtepd_start asic --platform=lab
check "vtepd restarts warm" grep -q "(warm start)" "$VDIR/vtepd.log"
check "the replay ends" wait_for 10 grep -q "HAL resynchronised" \
    "$VDIR/vtepd.log"
check "the replay wrote nothing to the TCAM" \
    test "$(appctl memory/show | tr ' ' '\n' | sed -n 's/^asic-writes://p')" = 0
wait "$PROBE"
check "the deny counter carried on ($hits_before before)" \
    test "$(hits no-icmp 10)" -ge "$hits_before"
check "no ping from red2 answered during the restart" \
    grep -q " 0 received" "$TMP/restart-ping.txt"
check "ICMP from red2 still denied" ping_fails red2 "$RED1_IP"
check "TCP from red2 passes after the restart" tcp_ok red2 "$RED1_IP" 5003
check "hal/dump-acl: the ACL once" test "$(appctl hal/dump-acl \
    | grep -c '^acl no-icmp ingress')" = 1
check "hal/dump-acl: the TCAM as before" test \
    "$(grep '^tcam' "$TMP/acl-before.txt")" = \
    "$(appctl hal/dump-acl | grep '^tcam')"
appctl hal/dump-acl | sed 's/^/    /'
grep -E "warm start|asic: platform" "$VDIR/vtepd.log" | tail -3 | sed 's/^/    /'
cat "$TMP/restart-ping.txt" | tail -3 | sed 's/^/    /'
bind p1 0 "$(vctl --bare --columns=_uuid find ACL acl_name=order)"
check "order bound again" wait_for 3 grep -q "binding p1 vlan 0 ingress -> order" \
    <(appctl hal/dump-acl)

check "vtepd stops cleanly" vtepd_stop

# 9. The netdev backend: the same database in the kernel's nftables bridge
# family, where the kernel has it (else the ACLs say invalid_acl), with a
# rule capacity of 4 ingress and 2 egress rules (--platform).
vtepd_start netdev --platform=acl_ingress_entries=4,acl_egress_entries=2
if appctl hal/dump-acl | grep -q "^no ACLs"; then
    check "netdev without nftables: the bound ACL is invalid_acl" \
        wait_for 5 acl_fault order invalid_acl
    check "netdev without nftables: the cause names the backend" grep -q \
        "not supported by backend" <(appctl vtep/acl-faults)
    skip "ACL traffic on the netdev backend ($(appctl hal/dump-acl))"
else
    check "netdev: the order ACL in nftables" wait_for 5 grep -q \
        "binding p1 vlan 0 ingress -> order" <(appctl hal/dump-acl)
    check "netdev: TCP to 1600 denied" tcp_fails red2 "$RED1_IP" 1600
    check "netdev: TCP to 2500 passes" tcp_ok red2 "$RED1_IP" 2500
    check "netdev: the deny rule counted hits" grep -Eq \
        "seq 10 +deny +hits=[1-9]" <(appctl hal/dump-acl)
    A=$(acl no-icmp2 "sequence=10 direction=ingress action=deny \
        protocol=1 source_ip=$RED2_IP")
    bind p1 0 "$A"
    check "netdev: ICMP from red2 denied" wait_for 5 ping_fails red2 \
        "$RED1_IP"
    check "netdev: TCP from red2 passes" tcp_ok red2 "$RED1_IP" 5002
    A=$(acl to-red2b "sequence=1 direction=egress action=deny \
        dest_mac=\"$RED2_MAC\"")
    bind p1 0 "$A"
    check "netdev: egress deny toward red2" wait_for 5 ping_fails red1 \
        "$RED2_IP"
    unbind p1 0
    check "netdev: unbound, red1 reaches red2" ping_ok red1 "$RED2_IP"
    # The bridge's own ARP answers (neigh_suppress) leave p1 by arp_xmit(),
    # not the bridge's forward hook: the arp family's output hook filters
    # them.
    vctl set Ucast_Macs_Remote "$umr" ipaddr="$RED1_IP"
    check "netdev: red2 resolves red1 through the bridge's answer" \
        wait_for 5 red2_resolves
    bind p1 0 "$(vctl --bare --columns=_uuid find ACL acl_name=no-arp-out)"
    check "netdev: egress ARP deny programmed" wait_for 5 grep -q \
        "binding p1 vlan 0 egress -> no-arp-out" <(appctl hal/dump-acl)
    check "netdev: with ARP denied toward p1, red2 cannot resolve red1" \
        red2_cannot_resolve
    check "netdev: the answers hit the deny rule" \
        test "$(hits no-arp-out 1)" -gt 0
    if [ -n "${VTEPD_ACL_SHOW:-}" ]; then
        appctl hal/dump-acl | grep -A1 "^acl no-arp-out"
    fi
    unbind p1 0
    check "netdev: unbound, red2 resolves red1 again" wait_for 5 red2_resolves
    vctl set Ucast_Macs_Remote "$umr" ipaddr='""'
    check "netdev: the bad ACL is still invalid_acl" acl_fault bad \
        invalid_acl
    # Capacity: order (2 rules) on p1 fits; 3 more rules on p2 do not.
    bind p1 0 "$(vctl --bare --columns=_uuid find ACL acl_name=order)"
    check "netdev: order bound again" wait_for 5 grep -q \
        "binding p1 vlan 0 ingress -> order" <(appctl hal/dump-acl)
    A=$(acl wide "sequence=1 direction=ingress action=deny protocol=17" \
        "sequence=2 direction=ingress action=deny protocol=132" \
        "sequence=3 direction=ingress action=deny protocol=1")
    bind p2 0 "$A"
    check "netdev: 2 + 3 rules > 4: resource_shortage" wait_for 5 \
        acl_fault wide resource_shortage
    # (p2 may carry another fault: its VLAN 10 binding needs 8021q.)
    check "netdev: p2: invalid_ACL_binding" wait_for 3 \
        port_fault_has p2 invalid_ACL_binding
    check "netdev: hal/resources: 2 of 4 ingress rules" \
        grep -Eq "^acl-in +2 +4$" <(appctl hal/resources)
    appctl hal/resources | sed 's/^/    /'
    appctl vtep/acl-faults | grep wide | sed 's/^/    /'
    check "netdev: the ACL on p1 still denies 1600" tcp_fails red2 \
        "$RED1_IP" 1600
    check "netdev: and has no fault" acl_fault order ""
    unbind p1 0
    check "netdev: room again: the wide ACL is programmed" wait_for 5 \
        acl_fault wide ""
    check "netdev: and p2's ACL fault clears" wait_for 5 \
        no_port_fault p2 invalid_ACL_binding
fi
check "vtepd (netdev) stops cleanly" vtepd_stop
finish
