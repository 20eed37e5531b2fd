#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Pings end to end through the firmware VM's kernel: a tagged (VLAN 100)
# and an untagged binding on one front-panel port, each in its own logical
# switch, tunnelled to a kernel-VXLAN hypervisor in host namespaces.  The
# CI host's kernel has no 8021q, so this is where tagged bindings of the
# netdev backend are proven, and its ACLs on them (nftables), 802.1Q tags
# that no binding takes, and the switch's IPv6 neighbour advertisements
# through a tagged binding's egress ACL.
#
#   server VM                 tor1 VM (vtepd, netdev)           host namespaces
#   swp1.100 10.0.1.2 ─┐                                       ┌─ red1  10.0.1.1
#                      swp1 ══ swp1        swp2 ══ TAP u0 ── hv ┤   (VNI 100)
#   swp1     10.0.0.12 ─┘  (UDP socket)    10.99.0.2   10.99.0.1 └─ blue1 10.0.0.11
#                                                                  (VNI 200)
set -u
. tests/lib.sh
. tests/firmware/vm.sh
. tests/dataplane/lab-topology.sh
fw_require
lab_require "firmware datapath" ping

TMP=$(make_tmpdir)
A=$TMP/tor1 B=$TMP/server
RED1_IP=10.0.1.1 RED2_IP=10.0.1.2

fw_tap_new u0
pa=$(fw_free_port) pb=$(fw_free_port)

cat >"$TMP/tor1.conf" <<CONF
switch-name=tor1
tunnel-ip=$VTEP_IP/24
uplink=swp2
CONF
echo "switch-name=server" >"$TMP/server.conf"
fw_vm_start "$A" "$TMP/tor1.conf" 2 \
    -netdev "socket,id=swp1,udp=127.0.0.1:$pb,localaddr=127.0.0.1:$pa" \
    -netdev "$(fw_tap_netdev swp2 u0)"
fw_vm_start "$B" "$TMP/server.conf" 1 \
    -netdev "socket,id=swp1,udp=127.0.0.1:$pa,localaddr=127.0.0.1:$pb"

# The hypervisor side; QEMU holds the TAP open while it moves to hv.
sleep 1
fw_hv u0 "$RED1_IP" "$BLUE1_IP"

fw_vms_boot "both VMs boot" "$A" "$B"

vctl() { fw_vctl "$A" "$@"; }
vctl add-ls red -- set Logical_Switch red tunnel_key=100 \
    -- add-ls blue -- set Logical_Switch blue tunnel_key=200
# Both bindings of the port in one transaction: the backend creates the
# sub-interface between the two enslavements of one netlink batch.
vctl bind-ls tor1 swp1 100 red -- bind-ls tor1 swp1 0 blue
vctl add-ucast-remote red "$RED1_MAC" "$HV_IP" \
    -- add-mcast-remote red unknown-dst "$HV_IP" \
    -- add-ucast-remote blue "$BLUE1_MAC" "$HV_IP" \
    -- add-mcast-remote blue unknown-dst "$HV_IP"
check "tor1 does not report swp1 as faulty" \
    test "$(vctl get Physical_Port swp1 port_fault_status)" = "[]"

check "the kernel takes the VXLAN devices' attributes as sent" \
    fw_console "$A" "! dmesg | grep 'invalid length'"

fw_console "$B" "ip link add link swp1 name swp1.100 type vlan id 100 &&
    ip link set swp1.100 up && ip addr add $RED2_IP/24 dev swp1.100 &&
    ip addr add $BLUE2_IP/24 dev swp1" >/dev/null

vm_ping() {
    fw_console "$B" "ping -c 2 -W 2 $1 | grep -q ' 0% packet loss'"
}
check "tagged VLAN 100 on swp1: the server pings red1 across VNI 100" \
    wait_for 30 vm_ping "$RED1_IP"
check "untagged on swp1: the server pings blue1 across VNI 200" \
    wait_for 30 vm_ping "$BLUE1_IP"
check "red1 pings the server's VLAN 100 address" ping_ok red1 "$RED2_IP"
check "blue1 pings the server's untagged address" ping_ok blue1 "$BLUE2_IP"
check "red and blue stay apart: blue1 does not reach the red address" \
    ping_fails blue1 "$RED2_IP"

# 802.1Q tags as the switch treats them (hal/netdev/tags.c): a frame
# tagged with a VLAN that no binding of swp1 has (7, behind the untagged
# binding) and a double-tagged one (VLAN 100, then 5) do not go into the
# tunnels, as the asic backend drops them.  The server ARPs for an address
# on each; the hypervisor's hosts must not hear it.  Control: an address
# on VLAN 100 itself, whose request red1 hears.
fw_console "$B" "ip link add link swp1.100 name swp1.100.5 type vlan id 5 &&
    ip link set swp1.100.5 up && ip addr add 10.0.5.2/24 dev swp1.100.5 &&
    ip link add link swp1 name swp1.7 type vlan id 7 &&
    ip link set swp1.7 up && ip addr add 10.0.7.2/24 dev swp1.7" >/dev/null
# arp_heard HOST IP: HOST hears, within 5 s, the server's ARP request for
# IP (tagged or not).
arp_heard() {
    local out=$TMP/arp-$1-$2.txt pid
    nsx "$1" timeout 6 tcpdump -i eth0 -nn -e -l >"$out" 2>/dev/null &
    pid=$!
    sleep 1
    fw_console "$B" "ping -c 3 -W 1 $2" >/dev/null
    wait "$pid"
    grep -q "who-has $2 " "$out"
}
check "tags: red1 hears the server ask on VLAN 100 (control)" \
    arp_heard red1 10.0.1.99
check "tags: no double-tagged frame (VLAN 100, then 5) reaches red1" \
    eval '! arp_heard red1 10.0.5.1'
check "tags: no frame of unbound VLAN 7 reaches blue1" \
    eval '! arp_heard blue1 10.0.7.1'
# A priority tag (VLAN ID 0, the server's swp1.0) belongs to the untagged
# binding, blue, and is taken off at tor1's ingress
# (hal/netdev/prio-tags.c): blue1 hears the server's ARP request, untagged.
fw_console "$B" "ip link add link swp1 name swp1.0 type vlan id 0 &&
    ip link set swp1.0 up && ip addr add 10.0.8.2/24 dev swp1.0" >/dev/null
check "priority tag: blue1 hears the server ask on swp1.0" \
    arp_heard blue1 10.0.8.1
check "priority tag: ... without the tag" \
    eval "! grep 'who-has 10.0.8.1 ' '$TMP/arp-blue1-10.0.8.1.txt' | grep -q 'vlan 0'"
# prio_filter: swp1 has the filter that pops priority tags.
prio_filter() {
    fw_console "$A" "tc filter show dev swp1 ingress |
        grep -q 'vlan_id 0' && tc filter show dev swp1 ingress | grep -q 'vlan.*pop'"
}
check "priority tag: tc shows the filter on swp1" prio_filter
vctl unbind-ls tor1 swp1 0
check "priority tag: the filter goes with the untagged binding" \
    eval '! prio_filter'
vctl bind-ls tor1 swp1 0 blue
check "priority tag: ... and comes back with it" wait_for 10 prio_filter
check "untagged on swp1: the server pings blue1 again" \
    wait_for 30 vm_ping "$BLUE1_IP"
tag_drops=$(fw_console "$A" \
    "ovs-appctl -t /run/vtepd/vtepd.ctl hal/dump-acl | grep '^802.1Q'")
check "tags: tor1 counts both (hal/dump-acl)" \
    grep -Eq "VLAN [1-9][0-9]*, .* inner tag to a tunnel [1-9]" <<<"$tag_drops"

# A steady ping first: what the restart below is compared with.
nsx red1 ping -i 0.2 -c 25 -W 2 "$RED2_IP" >"$TMP/ping0.out" 2>&1
check "a steady ping loses nothing" grep -q ' 0% packet loss' "$TMP/ping0.out"
grep 'packet loss' "$TMP/ping0.out"

# kill -9 of vtepd: the supervisor restarts it, warm, and the kernel keeps
# forwarding meanwhile: a ping running across the restart loses nothing.
nsx red1 ping -i 0.2 -c 50 -W 2 "$RED2_IP" >"$TMP/ping.out" 2>&1 &
ping_pid=$!
sleep 2
fw_console "$A" 'kill -9 $(cat /run/vtepd/vtepd.pid)' >/dev/null
restarted() {
    grep -q "vtepd exited with status 137; restarting it" "$A/serial.log" &&
        [ "$(grep -c 'starting vtepd:' "$A/serial.log")" -ge 2 ] && fw_served "$A"
}
check "the supervisor restarts vtepd after kill -9" wait_for 60 restarted
check "vtepd restarts warm" wait_for 10 grep -q "warm start: HAL resynchronised" "$A/serial.log"
wait "$ping_pid"
echo "kill -9 restart: ping across it: $(grep 'packet loss' "$TMP/ping.out")"
check "a ping across the restart loses nothing" grep -q ' 0% packet loss' "$TMP/ping.out"
check "forwarding goes on after the restart" ping_ok red1 "$RED2_IP"
check "swp1.100 is still a port of its bridge" \
    fw_console "$A" "ip -o link show swp1.100 | grep -q ' master vtb'"
check "the warm restart took nothing out of a bridge" \
    fw_console "$A" "! dmesg | grep 'swp1.100 left promiscuous mode'"
check "the bindings are still there" \
    test "$(vctl list-bindings tor1 swp1 | tr '\n' ' ')" = "0000 blue 0100 red "

# ACLs of the netdev backend (nftables, bridge family) in this kernel: an
# ACL on (swp1, VLAN 100) denies ICMP from the server's VLAN 100 address
# and leaves the untagged binding alone; the same ACL on VLAN 0 covers the
# whole port, the sub-interface too.  The CI host has no 8021q, so tagged
# bindings with ACLs are proven here.

# acl_bind VLAN: binds ACL "no-icmp" to swp1 VLAN (alone).
acl_bind() {
    vctl set Physical_Port swp1 "acl_bindings={$1=$ACL}"
}
# shown PATTERN: tor1's "vtep-cli show acl" has a line matching PATTERN.
shown() {
    fw_console "$A" "vtep-cli show acl" | grep -Eq "$1"
}
vm_ping_fails() {
    fw_console "$B" "ping -c 2 -W 2 $1 | grep -q ' 100% packet loss'"
}
ACL=$(vctl -- --id=@e create ACL_entry sequence=10 direction=ingress \
    action=deny protocol=1 source_ip=$RED2_IP \
    -- create ACL acl_name=no-icmp acl_entries=@e | tail -1)
acl_bind 100
check "the ACL is programmed (it has a hit counter)" \
    wait_for 30 shown "^no-icmp +10 +ingress +deny +[0-9]+ +- "
if ! shown "^no-icmp +10 +ingress +deny +[0-9]+ +- "; then
    fw_console "$A" "grep -i 'acl\|nft' /var/log/vtepd.log | tail -20;
        lsmod | grep -i nf_ | head"
    vctl list ACL
    vctl get Physical_Port swp1 port_fault_status
fi
check "tagged ICMP from the server's VLAN 100 address is denied" \
    wait_for 30 vm_ping_fails "$RED1_IP"
check "the untagged binding is not filtered" vm_ping "$BLUE1_IP"
check "the deny rule counted hits" \
    shown "^no-icmp +10 +ingress +deny +[1-9][0-9]* "
check "swp1 has no ACL fault" \
    test "$(vctl get Physical_Port swp1 port_fault_status)" = "[]"
vctl set Physical_Port swp1 "acl_bindings={}"
check "unbound: the server pings red1 again" wait_for 30 vm_ping "$RED1_IP"
# The whole port: the entry matches the VLAN 100 address only, so the
# untagged binding still passes, but through the port's ACL.
acl_bind 0
check "VLAN 0 covers the sub-interface: tagged ICMP denied" \
    wait_for 30 vm_ping_fails "$RED1_IP"
check "VLAN 0: untagged traffic passes the ACL" vm_ping "$BLUE1_IP"

# The switch's own neighbour advertisements (ND suppression, red1's IPv6
# address known) leave a tagged binding through its egress ACL, in the
# sub-interface's egress hook (hal/netdev/acl-egress.c), also once the
# binding is removed and added back, which makes the sub-interface anew.
nsx red1 sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
    net.ipv6.conf.eth0.disable_ipv6=0
nsx red1 ip -6 addr add 2001:db8:100::1/64 dev eth0 nodad
vctl set Ucast_Macs_Remote "$(vctl --bare --columns=_uuid find \
    Ucast_Macs_Remote "MAC=\"$RED1_MAC\"")" ipaddr='"2001:db8:100::1"'
fw_console "$B" "ip -6 addr add 2001:db8:100::2/64 dev swp1.100 nodad" \
    >/dev/null
vctl set Physical_Port swp1 "acl_bindings={}"
# resolves6: the server forgets red1's IPv6 address and pings it.
resolves6() {
    fw_console "$B" "ip -6 neigh flush dev swp1.100;
        ping -6 -c 2 -W 2 2001:db8:100::1 | grep -q ' 0% packet loss'"
}
check "IPv6: the server pings red1 on VLAN 100" wait_for 30 resolves6
check "IPv6: tor1 answers for red1 (its address in the bridge)" \
    fw_console "$A" "bridge neigh show 2>/dev/null | grep -q 2001:db8:100::1 ||
        ip -6 neigh show | grep -q 2001:db8:100::1"
NA=$(vctl -- --id=@e create ACL_entry sequence=10 direction=egress \
    action=deny ethertype=0x86dd protocol=58 icmp_type=136 \
    -- create ACL acl_name=no-na acl_entries=@e | tail -1)
vctl set Physical_Port swp1 "acl_bindings={100=$NA}"
check "IPv6: advertisements denied on VLAN 100: the server cannot resolve red1" \
    wait_for 30 eval '! resolves6'
check "IPv6: ... the deny rule counted them" \
    shown "^no-na +10 +egress +deny +[1-9][0-9]* "
vctl unbind-ls tor1 swp1 100
vctl bind-ls tor1 swp1 100 red
check "IPv6: the binding is back (swp1.100 made anew)" wait_for 30 \
    fw_console "$A" "ip -o link show swp1.100 | grep -q ' master vtb'"
check "IPv6: still denied on the new sub-interface" eval '! resolves6'
vctl set Physical_Port swp1 "acl_bindings={}"
check "IPv6: unbound, the server resolves red1 again" wait_for 30 resolves6

finish
