#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Service node choice by BFD health: two service nodes, each an
# ovs-vswitchd (userspace datapath, sandboxed in its namespace) with a
# keyless VXLAN port and bfd:enable=true toward vtepd.  Broadcasts from a
# local host go to the first; when its link is cut they reach the second
# within 3 x the detection time and none go to the dead one after that;
# they come back when it recovers.
#
#   sn1 (10.99.0.1) ─┐
#   sn2 (10.99.0.3) ─┼─ br0 in "net" ─── vtep: vtepd --hal=asic (10.99.0.2)
#                                          └─ p1 ── red2
. tests/lib.sh
BUILD=${BUILD:-build}
VDIR=$(make_tmpdir)
. tests/dataplane/vtepd-topology.sh

OVS_SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
same_output() { local e=$1; shift; [ "$("$@" 2>&1)" = "$e" ]; }
SN1_IP=10.99.0.1 SN2_IP=10.99.0.3
lab_require "service node fail-over by BFD" ovs-vswitchd ovsdb-server \
    ovsdb-tool ovs-vsctl ovs-appctl vtep-ctl
[ -f "$OVS_SCHEMA" ] || { skip "service node fail-over (no $OVS_SCHEMA)"; exit 0; }

# lab_wire NS IP: a link from namespace NS to the underlay bridge, with IP
# on NS's end (u0) unless NS runs OVS (then the caller puts it on br-phy).
lab_wire() {
    ip link add u0 netns "$NS-$1" type veth peer name "to-$1" netns "$NS-net"
    nsx "$1" ip link set u0 up
    nsx net ip link set "to-$1" master br0 up
}

# start_sn NAME IP: ovsdb-server and ovs-vswitchd in namespace NAME, with
# the underlay on br-phy and a VXLAN port to vtepd with BFD on br-int.
start_sn() {
    local name=$1 ip=$2 dir
    dir=$(make_tmpdir)
    eval "ODIR_$name=$dir"
    lab_ns "$name"
    lab_wire "$name"
    ovsdb-tool create "$dir/conf.db" "$OVS_SCHEMA"
    ovsdb-server --remote=punix:"$dir/db.sock" --pidfile="$dir/db.pid" \
        --log-file="$dir/db.log" --unixctl="$dir/db.ctl" --detach \
        --no-chdir "$dir/conf.db"
    on_exit "kill \$(cat '$dir/db.pid') 2>/dev/null"
    ovs-vsctl --db=unix:"$dir/db.sock" --no-wait init
    nsx "$name" ovs-vswitchd unix:"$dir/db.sock" --pidfile="$dir/vs.pid" \
        --log-file="$dir/vs.log" --unixctl="$dir/vs.ctl" --detach \
        --no-chdir 2>>"$dir/vs.stderr"
    on_exit "kill \$(cat '$dir/vs.pid') 2>/dev/null"
    ovs-vsctl --timeout=10 --db=unix:"$dir/db.sock" \
        add-br br-phy -- set Bridge br-phy datapath_type=netdev \
        -- add-port br-phy u0 \
        -- add-br br-int -- set Bridge br-int datapath_type=netdev \
        -- add-port br-int vx0 -- set Interface vx0 type=vxlan \
        options:remote_ip="$VTEP_IP" bfd:enable=true
    nsx "$name" ip addr add "$ip/24" dev br-phy
    nsx "$name" ip link set br-phy up
    nsx vtep ip neigh replace "$ip" dev u0 nud permanent \
        lladdr "$(nsx "$name" cat /sys/class/net/br-phy/address)"
}

lab_ns net
nsx net ip link add br0 type bridge
nsx net ip link set br0 up
lab_ns vtep
lab_wire vtep
nsx vtep ip addr add "$VTEP_IP/24" dev u0
lab_host red2 "$RED2_MAC" "$RED2_IP" vtep p1
lab_host blue2 "$BLUE2_MAC" "$BLUE2_IP" vtep p2
start_sn sn1 "$SN1_IP"
start_sn sn2 "$SN2_IP"

vtepd_start asic
vctl add-ls red -- set Logical_Switch red tunnel_key=100 \
    -- bind-ls "$SWITCH" p1 0 red \
    -- add-mcast-remote red unknown-dst "$SN1_IP" \
    -- add-mcast-remote red unknown-dst "$SN2_IP"
wait_for 5 bash -c "[ \$(vtep-ctl --db=unix:$VDIR/db.sock --bare \
    --columns=_uuid list Tunnel | grep -c .) -eq 2 ]"
for t in $(vctl --bare --columns=_uuid list Tunnel); do
    vctl set Tunnel "$t" bfd_params:enable=true
done

# state IP: vtepd's bfd_status:state of the tunnel to IP.
state() {
    local t
    for t in $(vctl --bare --columns=_uuid list Tunnel); do
        if [ "$(vctl get Physical_Locator \
            "$(vctl get Tunnel "$t" remote)" dst_ip)" = "\"$1\"" ]; then
            vctl get Tunnel "$t" bfd_status:state 2>/dev/null
        fi
    done
}
# flood: the remote of red's broadcast flood list.
flood() { appctl hal/dump-flood | awk '$4 == "broadcast" { print $5 }'; }
# tx IP: packets vtepd encapsulated toward IP; 0 while the chip has no
# tunnel to IP (nothing can be sent to it then).
tx() {
    appctl hal/dump-tunnels | awk -v ip="$1" '
        $1 == "remote" && ($2 == ip || $2 == ip":") {
            n = $3 == "tx" ? $4 : 0
        }
        END { print n + 0 }'
}
# broadcast: ARP requests from red2 (for an address nobody has).
broadcast() { nsx red2 ping -c 2 -i 0.2 -W 1 -q 10.0.0.250 >/dev/null 2>&1 || :; }

for ip in "$SN1_IP" "$SN2_IP"; do
    check "session to $ip up" wait_for 15 same_output up state "$ip"
done
check "broadcasts go to the first service node" \
    wait_for 3 same_output "$SN1_IP" flood
broadcast
tx1=$(tx "$SN1_IP") tx2=$(tx "$SN2_IP")
check "it received them ($tx1), the second none ($tx2)" \
    test "$tx1" -gt 0 -a "$tx2" -eq 0

nsx sn1 ip link set u0 down
t0=$(date +%s%N)
check "broadcasts move to the second service node" \
    wait_for 10 same_output "$SN2_IP" flood
t1=$(date +%s%N)
echo "    fail-over in $(((t1 - t0) / 1000000)) ms"
check "within 3 x the detection time (9 s)" \
    test $(((t1 - t0) / 1000000)) -le 9000
tx1=$(tx "$SN1_IP") tx2=$(tx "$SN2_IP")
broadcast
check "the second receives them" test "$(tx "$SN2_IP")" -gt "$tx2"
check "none go to the dead one" test "$(tx "$SN1_IP")" -eq "$tx1"

nsx sn1 ip link set u0 up
check "back to the first when it recovers" \
    wait_for 20 same_output "$SN1_IP" flood

if ! vtepd_stop; then
    fail "vtepd exits cleanly"
fi
finish
