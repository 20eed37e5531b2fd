#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The hardware-VTEP lab through vtepd --hal=netdev with OVN as the
# controller: ovn-northd and ovn-controller-vtep program vtepd's database
# from OVN's northbound one.  The hypervisor is not an OVN chassis (it is
# plain kernel VXLAN), so the test registers it in the southbound database
# by hand and binds red1 and blue1 to it, as ovn-controller would.  vtep-ctl
# only creates the VTEP's logical switches and binds its ports, which is
# the gateway operator's part.
. tests/lib.sh
NS=vovn$$
TMP=$(make_tmpdir)
VDIR=$TMP/vtepd
. tests/dataplane/vtepd-topology.sh

OVN_SCHEMAS=/usr/share/ovn
lab_require "vtepd with OVN as the controller" "$VTEPD" vtep-ctl \
    ovsdb-server ovsdb-tool ovn-northd ovn-controller-vtep ovn-nbctl ovn-sbctl
if [ ! -f "$OVN_SCHEMAS/ovn-nb.ovsschema" ]; then
    skip "vtepd with OVN as the controller (no OVN schemas)"
    exit 0
fi

nbctl() { ovn-nbctl --timeout=5 --db=unix:"$TMP/nb.sock" "$@"; }
sbctl() { ovn-sbctl --timeout=5 --db=unix:"$TMP/sb.sock" "$@"; }

# daemon NAME PROGRAM OPTIONS...: starts an OVS-style daemon with its pid
# file and log in $TMP; stopped at exit.
daemon() {
    local name=$1 prog=$2
    shift 2
    if ! "$prog" --pidfile="$TMP/$name.pid" --log-file="$TMP/$name.log" \
        --detach --no-chdir "$@" 2>"$TMP/$name.stderr"; then
        fail "$name started"
        cat "$TMP/$name.stderr"
        exit 1
    fi
    on_exit "kill \$(cat '$TMP/$name.pid')"
}

lab_build
on_exit vtepd_stop
vtepd_start netdev

# OVN's databases, northd and the VTEP gateway controller.
for db in nb sb; do
    ovsdb-tool create "$TMP/$db.db" "$OVN_SCHEMAS/ovn-$db.ovsschema"
    daemon "$db" ovsdb-server --remote=punix:"$TMP/$db.sock" \
        --unixctl="$TMP/$db.ctl" "$TMP/$db.db"
done
daemon northd ovn-northd --ovnnb-db=unix:"$TMP/nb.sock" \
    --ovnsb-db=unix:"$TMP/sb.sock" --unixctl="$TMP/northd.ctl"
# ovn-controller-vtep has no --unixctl; its control socket goes to
# $OVN_RUNDIR.
OVN_RUNDIR=$TMP daemon controller-vtep ovn-controller-vtep --vtep-db=unix:"$VDIR/db.sock" \
    --ovnsb-db=unix:"$TMP/sb.sock"

# The operator's part on the VTEP: its logical switches and bindings.
vctl add-ls red -- add-ls blue -- bind-ls "$SWITCH" p1 0 red -- \
    bind-ls "$SWITCH" p2 0 blue

# OVN's part: a logical switch per color, with the hypervisor's host and
# the VTEP's logical switch as ports.  The tunnel keys are requested so
# that they match the hypervisor's VXLAN devices.
nbctl ls-add red -- set Logical_Switch red other_config:requested-tnl-key=100
nbctl ls-add blue -- set Logical_Switch blue other_config:requested-tnl-key=200
nbctl lsp-add red red1 -- lsp-set-addresses red1 "$RED1_MAC $RED1_IP"
nbctl lsp-add blue blue1 -- lsp-set-addresses blue1 "$BLUE1_MAC $BLUE1_IP"
for ls in red blue; do
    nbctl lsp-add "$ls" "$ls-vtep" -- lsp-set-type "$ls-vtep" vtep \
        -- lsp-set-options "$ls-vtep" vtep-physical-switch="$SWITCH" \
        vtep-logical-switch="$ls" -- lsp-set-addresses "$ls-vtep" unknown
done
# The hypervisor as a chassis, with red1 and blue1 bound to it.
sbctl chassis-add hv1 vxlan "$HV_IP"
port_binding() {
    sbctl --bare --columns=logical_port find Port_Binding \
        logical_port="$1" | grep -q .
}
for port in red1 blue1; do
    wait_for 5 port_binding "$port" && sbctl lsp-bind "$port" hv1
done

# ls_key LS KEY: OVN gave the VTEP's logical switch LS tunnel key KEY.
ls_key() {
    test "$(vctl get Logical_Switch "$1" tunnel_key 2>/dev/null)" = "$2"
}
# remote_mac LS MAC IP: OVN pointed MAC in LS at the VTEP IP.
remote_mac() {
    vctl list-remote-macs "$1" | grep -q "^ *$2 -> vxlan_over_ipv4/$3$"
}
check "ovn-controller-vtep sets red's tunnel key (100)" wait_for 10 ls_key red 100
check "ovn-controller-vtep sets blue's tunnel key (200)" \
    wait_for 5 ls_key blue 200
check "OVN points red1's MAC at the hypervisor" \
    wait_for 5 remote_mac red "$RED1_MAC" "$HV_IP"
check "OVN points blue1's MAC at the hypervisor" \
    wait_for 5 remote_mac blue "$BLUE1_MAC" "$HV_IP"

check "red2 -> red1" ping_ok red2 "$RED1_IP"
check "red1 -> red2" ping_ok red1 "$RED2_IP"
check "blue2 -> blue1" ping_ok blue2 "$BLUE1_IP"
check "red2 cannot reach blue1" ping_fails red2 "$BLUE1_IP"
check "red2's MAC in Ucast_Macs_Local" wait_for 3 local_mac red "$RED2_MAC"

# Removing the port from OVN takes its MAC out of the VTEP.
vctl list-remote-macs red
nbctl lsp-del red1
no_remote_mac() {
    ! remote_mac "$@"
}
check "OVN removes red1's MAC when its port goes" \
    wait_for 5 no_remote_mac red "$RED1_MAC" "$HV_IP"
check "blue is unaffected" ping_ok blue2 "$BLUE1_IP"

check "vtepd stops cleanly" vtepd_stop
finish
