#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# vtepd as an OVN VTEP gateway: the real ovn-northd and ovn-controller-vtep
# drive vtepd's database, and what OVN decides must reach the HAL.
#
# Topology: OVN NB and SB ovsdb-servers, ovn-northd, vtepd (asic backend,
# physical switch "tor1") and ovn-controller-vtep between the SB database
# and vtepd.  The hypervisors are SB Chassis rows made with ovn-sbctl (no
# ovn-controller runs); their logical ports are bound with lsp-bind.
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh
. tests/interop/hal-lib.sh

OVN_SCHEMAS=/usr/share/ovn
for tool in ovsdb-server ovsdb-tool ovn-northd ovn-controller-vtep \
    ovn-nbctl ovn-sbctl vtep-ctl ovs-appctl; do
    if ! command -v $tool >/dev/null; then
        skip "OVN VTEP gateway ($tool not installed)"
        exit 0
    fi
done
if [ ! -f $OVN_SCHEMAS/ovn-nb.ovsschema ] ||
    [ ! -f $OVN_SCHEMAS/ovn-sb.ovsschema ]; then
    skip "OVN VTEP gateway (OVN schemas not in $OVN_SCHEMAS)"
    exit 0
fi

tmp=$(make_tmpdir)
v=$tmp/vtepd
PS=tor1
TUNNEL_IP=192.0.2.100

# OVN daemons put control sockets and logs under these directories when
# they have no option for it (ovn-controller-vtep has no --unixctl).
export OVN_RUNDIR=$tmp OVS_RUNDIR=$tmp OVN_LOGDIR=$tmp OVS_LOGDIR=$tmp
export OVN_DBDIR=$tmp OVS_DBDIR=$tmp

nb() { ovn-nbctl --db=unix:"$tmp/nb.sock" "$@"; }
sb() { ovn-sbctl --db=unix:"$tmp/sb.sock" "$@"; }
vc() { vtep-ctl --db=unix:"$v/db.sock" "$@"; }

# start_ovsdb NAME SCHEMA: an ovsdb-server for one OVN database.
start_ovsdb() {
    ovsdb-tool create "$tmp/$1.db" "$2" &&
        ovsdb-server --remote=punix:"$tmp/$1.sock" --unixctl="$tmp/$1.ctl" \
            --pidfile="$tmp/$1.pid" --log-file="$tmp/$1.log" --detach \
            --no-chdir "$tmp/$1.db" 2>>"$tmp/$1.stderr" || return 1
    on_exit "kill \$(cat '$tmp/$1.pid')"
}

# start_ovn_daemon NAME COMMAND...: a detached OVN daemon with its pid file
# and log in the temporary directory.
start_ovn_daemon() {
    local name=$1
    shift
    "$@" --pidfile="$tmp/$name.pid" --log-file="$tmp/$name.log" --detach \
        --no-chdir 2>>"$tmp/$name.stderr" || return 1
    on_exit "kill \$(cat '$tmp/$name.pid')"
}

if ! start_ovsdb nb $OVN_SCHEMAS/ovn-nb.ovsschema ||
    ! start_ovsdb sb $OVN_SCHEMAS/ovn-sb.ovsschema ||
    ! start_ovn_daemon northd ovn-northd --ovnnb-db=unix:"$tmp/nb.sock" \
        --ovnsb-db=unix:"$tmp/sb.sock" --unixctl="$tmp/northd.ctl" ||
    ! start_vtepd_hal "$v" --switch-name=$PS --tunnel-ip=$TUNNEL_IP ||
    ! start_ovn_daemon controller-vtep ovn-controller-vtep \
        --vtep-db=unix:"$v/db.sock" --ovnsb-db=unix:"$tmp/sb.sock"; then
    fail "OVN and vtepd start"
    exit 1
fi
pass "ovsdb-servers, ovn-northd, vtepd and ovn-controller-vtep start"

# The gateway's chassis: ovn-controller-vtep registers vtepd's physical
# switch in the SB database with a VXLAN encapsulation at the tunnel IP.
chassis_encap() {
    local encap
    encap=$(sb --bare --columns=encaps find Chassis name=$PS) &&
        [ -n "$encap" ] &&
        sb --bare --columns=type,ip list Encap "$encap" | paste -sd' '
}
check_output "a Chassis row for $PS with a vxlan encap at $TUNNEL_IP" 10 \
    "vxlan $TUNNEL_IP" chassis_encap

# The classic gateway: ls0 in OVN, reaching switch port swp1 untagged
# through vtepd's logical switch "lsv".
vc add-ls lsv -- bind-ls $PS swp1 0 lsv
nb ls-add ls0 -- lsp-add ls0 ls0-vtep -- lsp-set-type ls0-vtep vtep \
    -- lsp-set-options ls0-vtep vtep-physical-switch=$PS \
    vtep-logical-switch=lsv -- lsp-set-addresses ls0-vtep unknown
# A VTEP reaches hypervisors only over VXLAN: ovn-controller-vtep leaves
# out chassis without a vxlan encap (gnv1, geneve only).
for i in 1 2 3; do
    sb chassis-add hv$i vxlan 192.0.2.$i
done
sb chassis-add gnv1 geneve 192.0.2.50
nb lsp-add ls0 vm1 -- lsp-set-addresses vm1 "00:00:00:00:01:01 10.0.0.1" \
    -- lsp-add ls0 vm2 -- lsp-set-addresses vm2 "00:00:00:00:01:02 10.0.0.2" \
    -- lsp-add ls0 vm3 -- lsp-set-addresses vm3 "00:00:00:00:01:03 10.0.0.3" \
    -- lsp-add ls0 vm4 -- lsp-set-addresses vm4 "00:00:00:00:01:04 10.0.0.4"
wait_for 10 bash -c "[ \$(ovn-sbctl --db=unix:$tmp/sb.sock --bare \
    --columns=logical_port list Port_Binding | grep -c vm) -eq 4 ]"
sb lsp-bind vm1 hv1 -- lsp-bind vm2 hv2 -- lsp-bind vm3 hv3 \
    -- lsp-bind vm4 gnv1

check_output "ovn-controller-vtep claims the vtep port for $PS" 10 \
    "$(sb --bare --columns=_uuid find Chassis name=$PS)" \
    sb --bare --columns=chassis find Port_Binding logical_port=ls0-vtep

ls0_key=$(sb --bare --columns=tunnel_key find Datapath_Binding \
    external_ids:name=ls0)
check_output "the OVN tunnel key of ls0 lands in Logical_Switch.tunnel_key" \
    10 "$ls0_key" vc get Logical_Switch lsv tunnel_key

check_output "Ucast_Macs_Remote for every port on a VXLAN hypervisor" 10 \
    "ucast-mac-remote
  00:00:00:00:01:01 -> vxlan_over_ipv4/192.0.2.1
  00:00:00:00:01:02 -> vxlan_over_ipv4/192.0.2.2
  00:00:00:00:01:03 -> vxlan_over_ipv4/192.0.2.3

mcast-mac-remote
  unknown-dst -> vxlan_over_ipv4/192.0.2.1
  unknown-dst -> vxlan_over_ipv4/192.0.2.2
  unknown-dst -> vxlan_over_ipv4/192.0.2.3" vc list-remote-macs lsv

# ls0_fdb MAC...: the HAL FDB lsv should have with the VMs whose MAC ends
# in each of the given digits, each behind hypervisor hvN.
ls0_fdb() {
    local i
    for i in "$@"; do
        printf '%-16s %-8s %-18s %-30s %s\n' lsv "$ls0_key" \
            00:00:00:00:01:0$i remote=192.0.2.$i static
    done
}

# ls0_flood REMOTES: the flood lists lsv should have.
ls0_flood() {
    local class
    [ -n "$1" ] || return 0
    for class in unknown-unicast broadcast unknown-multicast; do
        printf '%-16s %-8s %-12s %-21s %s\n' lsv "$ls0_key" source_node \
            $class "$1"
    done
}

check_output "the HAL forwards each VM's MAC to its hypervisor" 10 \
    "$(ls0_fdb 1 2 3)" hal_rows "$v" hal/dump-fdb lsv
check_output "the HAL floods to every hypervisor of ls0" 10 \
    "$(ls0_flood 192.0.2.1,192.0.2.2,192.0.2.3)" hal_rows "$v" hal/dump-flood
check_output "the HAL binds swp1 untagged to ls0's VNI" 10 \
    "$(printf '%-16s %-8s %-16s %-8s 0/0 0/0' swp1 untagged lsv "$ls0_key")" \
    hal_rows "$v" hal/dump-bindings
check_output "vtepd writes Mcast_Macs_Local unknown-dst for lsv" 10 \
    "ucast-mac-local

mcast-mac-local
  unknown-dst -> vxlan_over_ipv4/$TUNNEL_IP" vc list-local-macs lsv
check_output "no faults on the switch" 5 "[]" \
    vc get Physical_Switch $PS switch_fault_status

# Taking ports away in OVN takes them out of the HAL.
sb lsp-unbind vm3
check_output "an unbound port's MAC leaves the HAL" 10 "$(ls0_fdb 1 2)" \
    hal_rows "$v" hal/dump-fdb lsv
check_output "a hypervisor without ports leaves the flood list" 10 \
    "$(ls0_flood 192.0.2.1,192.0.2.2)" hal_rows "$v" hal/dump-flood
nb lsp-del vm2
check_output "a deleted port's MAC leaves the HAL" 10 "$(ls0_fdb 1)" \
    hal_rows "$v" hal/dump-fdb lsv
check_output "and its hypervisor leaves the flood list" 10 \
    "$(ls0_flood 192.0.2.1)" hal_rows "$v" hal/dump-flood

# Removing the vtep port unbinds the gateway from ls0: no remote MACs.
nb lsp-del ls0-vtep
check_output "without its vtep port, ls0's MACs leave the HAL" 10 "" \
    hal_rows "$v" hal/dump-fdb
check_output "and so does its flood list" 10 "" hal_rows "$v" hal/dump-flood
vc unbind-ls $PS swp1 0
check_output "unbind-ls removes the port binding from the HAL" 10 "" \
    hal_rows "$v" hal/dump-bindings

# Scale: 1,000 VM ports on 10 hypervisors behind a second gateway port.
N=${OVN_VTEP_PORTS:-1000}
vc add-ls lsbig -- bind-ls $PS swp2 100 lsbig
nb ls-add ls1 -- lsp-add ls1 ls1-vtep -- lsp-set-type ls1-vtep vtep \
    -- lsp-set-options ls1-vtep vtep-physical-switch=$PS \
    vtep-logical-switch=lsbig -- lsp-set-addresses ls1-vtep unknown
for i in $(seq 4 10); do
    sb chassis-add hv$i vxlan 192.0.2.$i
done
mac() { printf '02:00:00:00:%02x:%02x' $(($1 / 256)) $(($1 % 256)); }
for i in $(seq 1 "$N"); do
    echo "-- lsp-add ls1 big$i -- lsp-set-addresses big$i \"$(mac "$i")\""
done >"$tmp/nb-cmds"
for i in $(seq 1 "$N"); do
    echo "-- lsp-bind big$i hv$((i % 10 + 1))"
done >"$tmp/sb-cmds"
n_bindings() {
    sb --bare --columns=logical_port list Port_Binding | grep -c '^big'
}
n_fdb() { hal_rows "$v" hal/dump-fdb lsbig 2>/dev/null | grep -c static; }

start=$(date +%s%N)
xargs ovn-nbctl --db=unix:"$tmp/nb.sock" <"$tmp/nb-cmds" >/dev/null
wait_for 60 bash -c "[ \$(ovn-sbctl --db=unix:$tmp/sb.sock --bare \
    --columns=logical_port list Port_Binding | grep -c '^big') -eq $N ]"
xargs ovn-sbctl --db=unix:"$tmp/sb.sock" <"$tmp/sb-cmds" >/dev/null
if wait_for 60 bash -c "[ \$(ovs-appctl -t $v/ctl hal/dump-fdb lsbig |
    grep -c static) -eq $N ]"; then
    pass "$N OVN ports reach the HAL"
else
    fail "$N OVN ports reach the HAL (HAL has $(n_fdb))"
fi
echo "converged: $N ports from ovn-nbctl to the HAL in" \
    "$((($(date +%s%N) - start) / 1000000)) ms"
big_key=$(vc get Logical_Switch lsbig tunnel_key)
expected=$(for i in $(seq 1 "$N"); do
    printf '%s 192.0.2.%d\n' "$(mac "$i")" $((i % 10 + 1))
done | sort)
check_output "each of the $N MACs points at its hypervisor" 10 "$expected" \
    bash -c "ovs-appctl -t $v/ctl hal/dump-fdb lsbig | awk 'NR > 1 &&
        \$2 == \"$big_key\" { sub(/remote=/, \"\", \$4); print \$3, \$4 }' |
        sort"
check_output "the flood list holds the 10 hypervisors" 10 \
    "192.0.2.1,192.0.2.10,192.0.2.2,192.0.2.3,192.0.2.4,192.0.2.5,192.0.2.6,192.0.2.7,192.0.2.8,192.0.2.9" \
    bash -c "ovs-appctl -t $v/ctl hal/dump-flood | awk '\$1 == \"lsbig\" &&
        \$5 != \"\" { print \$5 }' | sort -u | tr ',' '\n' | sort | paste -sd,"

# Half the ports go one by one (the switch stays), then the whole switch.
start=$(date +%s%N)
for i in $(seq 1 2 "$N"); do
    echo "-- lsp-del big$i"
done | xargs ovn-nbctl --db=unix:"$tmp/nb.sock"
if wait_for 60 bash -c "[ \$(ovs-appctl -t $v/ctl hal/dump-fdb lsbig |
    grep -c static) -eq $((N / 2)) ]"; then
    pass "deleting $((N / 2)) OVN ports takes their MACs out of the HAL"
else
    fail "deleting $((N / 2)) OVN ports takes their MACs out of the HAL" \
        "(HAL has $(n_fdb))"
fi
echo "converged: $((N / 2)) ports removed from the HAL in" \
    "$((($(date +%s%N) - start) / 1000000)) ms"

start=$(date +%s%N)
nb ls-del ls1
if wait_for 60 bash -c "[ \$(vtep-ctl --db=unix:$v/db.sock --bare \
    --columns=MAC list Ucast_Macs_Remote | grep -c .) -eq 0 ]"; then
    pass "deleting the OVN switch deletes its Ucast_Macs_Remote rows"
else
    fail "deleting the OVN switch deletes its Ucast_Macs_Remote rows"
fi
echo "converged: OVN switch with $((N / 2)) ports removed in" \
    "$((($(date +%s%N) - start) / 1000000)) ms"
check_output "no remote MAC is left in the HAL" 10 "" \
    hal_rows "$v" hal/dump-fdb
check_output "no flood list is left in the HAL" 10 "" \
    hal_rows "$v" hal/dump-flood
check_output "vtepd counted no HAL failures" 1 0 memory_stat "$v" hal-failures
check "ovn-controller-vtep and vtepd are still running" \
    kill -0 "$(cat "$tmp/controller-vtep.pid")" "$(cat "$v/pid")"
check_clean_exit "$v"

finish
