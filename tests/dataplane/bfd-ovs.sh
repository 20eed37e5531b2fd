#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# BFD between vtepd (the asic backend and its software dataplane, or with
# BFD_HAL=netdev the Linux backend) and Debian's ovs-vswitchd on its
# userspace datapath, as a hypervisor: a keyless VXLAN port with
# bfd:enable=true toward vtepd, in a namespace of its own with its own
# database and run directory.  The session comes up on both sides, goes
# down within the detection time when the hypervisor's link is cut, and
# comes back when it is restored.
#
#   hv: ovs-vswitchd, br-phy (u0, 10.99.0.1) and br-int (vx0: VXLAN, BFD)
#    └── u0 ══ u0 ── vtep: vtepd --hal=$BFD_HAL, tunnel IP 10.99.0.2
. tests/lib.sh
BFD_HAL=${BFD_HAL:-asic}
BUILD=${BUILD:-build}
VDIR=$(make_tmpdir)
. tests/dataplane/vtepd-topology.sh

OVS_SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
same_output() { local e=$1; shift; [ "$("$@" 2>&1)" = "$e" ]; }
lab_require "BFD with ovs-vswitchd ($BFD_HAL)" ovs-vswitchd ovsdb-server ovsdb-tool \
    ovs-vsctl ovs-appctl vtep-ctl
[ -f "$OVS_SCHEMA" ] || { skip "BFD with ovs-vswitchd (no $OVS_SCHEMA)"; exit 0; }

# ---- The hypervisor: OVS sandboxed in the hv namespace ----
ODIR=$(make_tmpdir)
export OVS_RUNDIR=$ODIR OVS_DBDIR=$ODIR OVS_LOGDIR=$ODIR OVS_SYSCONFDIR=$ODIR
ovs() { nsx hv "$@"; }
vsctl() { ovs-vsctl --timeout=10 --db=unix:"$ODIR/db.sock" "$@"; }
oappctl() { ovs-appctl -t "$ODIR/ovs-vswitchd.ctl" "$@"; }

lab_ns hv
lab_ns vtep
lab_link hv u0 vtep u0
nsx vtep ip addr add "$VTEP_IP/24" dev u0
lab_host red2 "$RED2_MAC" "$RED2_IP" vtep p1
lab_host blue2 "$BLUE2_MAC" "$BLUE2_IP" vtep p2

ovsdb-tool create "$ODIR/conf.db" "$OVS_SCHEMA"
ovsdb-server --remote=punix:"$ODIR/db.sock" --pidfile="$ODIR/ovsdb-server.pid" \
    --log-file="$ODIR/ovsdb-server.log" --unixctl="$ODIR/ovsdb-server.ctl" \
    --detach --no-chdir "$ODIR/conf.db"
on_exit "kill \$(cat '$ODIR/ovsdb-server.pid') 2>/dev/null"
vsctl --no-wait init
ovs ovs-vswitchd unix:"$ODIR/db.sock" --pidfile="$ODIR/ovs-vswitchd.pid" \
    --log-file="$ODIR/ovs-vswitchd.log" --unixctl="$ODIR/ovs-vswitchd.ctl" \
    --detach --no-chdir 2>>"$ODIR/ovs-vswitchd.stderr"
on_exit "kill \$(cat '$ODIR/ovs-vswitchd.pid') 2>/dev/null"

# Userspace tunnelling: the underlay address lives on br-phy, which holds
# the physical port; br-int holds the VXLAN port.
vsctl add-br br-phy -- set Bridge br-phy datapath_type=netdev \
    -- add-port br-phy u0 \
    -- add-br br-int -- set Bridge br-int datapath_type=netdev \
    -- add-port br-int vx0 -- set Interface vx0 type=vxlan \
        options:remote_ip="$VTEP_IP" bfd:enable=true
nsx hv ip addr add "$HV_IP/24" dev br-phy
nsx hv ip link set br-phy up
oappctl ovs/route/add "$VTEP_IP/24" br-phy >/dev/null 2>&1 || :
# A static neighbour for the hypervisor: the test is about BFD noticing a
# cut and a repair, not about how long the kernel takes to retry ARP for a
# neighbour it marked failed during the cut.
nsx vtep ip neigh replace "$HV_IP" dev u0 nud permanent \
    lladdr "$(nsx hv cat /sys/class/net/br-phy/address)"

# ---- vtepd, told about the hypervisor by vtep-ctl ----
vtepd_start "$BFD_HAL"
vctl add-ls red -- set Logical_Switch red tunnel_key=100 \
    -- bind-ls "$SWITCH" p1 0 red \
    -- add-ucast-remote red "$RED1_MAC" "$HV_IP"
check "vtepd keeps a Tunnel row for the hypervisor" \
    wait_for 5 bash -c "[ -n \"\$(vtep-ctl --db=unix:$VDIR/db.sock \
        --bare --columns=_uuid list Tunnel)\" ]"
TUN=$(vctl --bare --columns=_uuid list Tunnel)
vctl set Tunnel "$TUN" bfd_params:enable=true

vtepd_state() { vctl get Tunnel "$TUN" bfd_status:state 2>/dev/null; }
ovs_state() {
    oappctl bfd/show vx0 2>/dev/null |
        awk '/Local Session State:/ { print $4; exit }'
}

check "vtepd's session comes up" wait_for 10 same_output up vtepd_state
check "OVS's session comes up" wait_for 10 same_output up ovs_state
check "forwarding on both sides" wait_for 3 bash -c "
    [ \"\$(vtep-ctl --db=unix:$VDIR/db.sock get Tunnel $TUN \
        bfd_status:forwarding)\" = '\"true\"' ] &&
    ovs-appctl -t $ODIR/ovs-vswitchd.ctl bfd/show vx0 |
        grep -q 'Forwarding: true'"

# ---- Cut the hypervisor's link: down within the detection time ----
# Detection: 3 x 1 s (min_rx 1000 on both sides), plus vtepd's 100 ms
# status period.
# Each poll runs vtep-ctl, which takes 0.1-0.5 s on a loaded machine or
# under a sanitizer, so the time the poll that saw "down" returned says
# little.  What must not happen is a poll *started* after 3.5 s still
# reading "up": that is the check.
nsx hv ip link set u0 down
t0=$(date +%s%N)
last_up=0
state=up
deadline=$((t0 + 6000000000))
while :; do
    ts=$(date +%s%N)
    state=$(vtepd_state)
    [ "$state" = down ] || [ "$ts" -ge "$deadline" ] && break
    [ "$state" = up ] && last_up=$(((ts - t0) / 1000000))
    sleep 0.05
done
t1=$(date +%s%N)
check "vtepd's session goes down when the link is cut" test "$state" = down
echo "    last read up at $last_up ms, down read by $(((t1 - t0) / 1000000)) ms"
check "within 3.5 s" test "$last_up" -le 3500
check "with Control Detection Time Expired" \
    same_output '"Control Detection Time Expired"' \
    vctl get Tunnel "$TUN" bfd_status:diagnostic

nsx hv ip link set u0 up
check "vtepd's session comes back" wait_for 20 same_output up vtepd_state
if [ -n "$BFD_DEBUG" ] && [ "$(vtepd_state)" != up ]; then
    oappctl bfd/show; appctl hal/dump-tunnels; appctl sim/show
    oappctl tnl/arp/show; oappctl ovs/route/show | grep 10.99
    tail -20 "$ODIR/ovs-vswitchd.log"; nsx hv ip addr
fi
check "OVS's session comes back" wait_for 20 same_output up ovs_state

# vtepd learns the remote's "up" from its next packet, after OVS shows it.
check "hal/dump-tunnels shows the session" wait_for 5 bash -c \
    "ovs-appctl -t $VDIR/vtepd.ctl hal/dump-tunnels | grep -q '  bfd: up, remote up'"
appctl hal/dump-tunnels | sed 's/^/    /'

vctl set Tunnel "$TUN" bfd_params:enable=false
check "disabled: bfd_status cleared" wait_for 3 same_output '{}' \
    vctl get Tunnel "$TUN" bfd_status
check "and OVS sees the session go" wait_for 5 bash -c \
    "[ \"\$(ovs-appctl -t $ODIR/ovs-vswitchd.ctl bfd/show vx0 |
        awk '/Local Session State:/ { print \$4; exit }')\" = down ]"

if ! vtepd_stop; then
    fail "vtepd exits cleanly"
fi
finish
