#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# vtepd with its asic backend, programmed by vtep-ctl as a controller would:
# what the database says must be exactly what the HAL holds, invalid input
# must show up in the fault columns, and a warm restart must rewrite
# nothing.
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh
. tests/interop/hal-lib.sh

for tool in vtep-ctl ovs-appctl; do
    if ! command -v $tool >/dev/null; then
        skip "vtepd and its HAL ($tool not installed)"
        exit 0
    fi
done
tmp=$(make_tmpdir)
v=$tmp/a
PS=s1
TUNNEL_IP=192.0.2.10

vc() { vtep-ctl --db=unix:"$v/db.sock" "$@"; }

# fdb LS VNI MAC IP: one line of hal/dump-fdb for a remote MAC.
fdb() { printf '%-16s %-8s %-18s %-30s %s\n' "$1" "$2" "$3" "remote=$4" static; }
# flood LS VNI MODE REMOTES: the three BUM lines of hal/dump-flood.
flood() {
    local class
    for class in unknown-unicast broadcast unknown-multicast; do
        printf '%-16s %-8s %-12s %-21s %s\n' "$1" "$2" "$3" $class "$4"
    done
}
# binding PORT VLAN LS VNI: one line of hal/dump-bindings, no traffic.
binding() { printf '%-16s %-8s %-16s %-8s 0/0 0/0\n' "$@"; }

if ! start_vtepd_hal "$v" --switch-name=$PS --tunnel-ip=$TUNNEL_IP; then
    fail "vtepd --hal=asic starts"
    exit 1
fi

# ---- The switch side, from the platform profile ----
check_output "vtepd writes its Physical_Switch" 5 $PS vc list-ps
check_output "with its tunnel IP" 5 "[\"$TUNNEL_IP\"]" \
    vc get Physical_Switch $PS tunnel_ips
check_output "and one Physical_Port per platform port" 5 \
    "$(seq -f 'swp%g' 1 32)" bash -c "vtep-ctl --db=unix:$v/db.sock \
        list-ports $PS | sort -V"
check_output "an unconfigured HAL is empty" 5 "" \
    bash -c "ovs-appctl -t $v/ctl hal/dump-fdb | tail -n +2;
        ovs-appctl -t $v/ctl hal/dump-flood | tail -n +2;
        ovs-appctl -t $v/ctl hal/dump-bindings | tail -n +2"

# ---- Programming ----
# red: untagged on swp1, source node replication; blue: VLAN 100 on swp1,
# service node replication (one flood VTEP: the lowest address).
vc add-ls red -- set Logical_Switch red tunnel_key=5000 \
    -- add-ls blue -- set Logical_Switch blue tunnel_key=5001 \
    -- bind-ls $PS swp1 0 red -- bind-ls $PS swp1 100 blue \
    -- set-replication-mode red source_node \
    -- set-replication-mode blue service_node
vc add-ucast-remote red 00:00:00:00:00:01 10.0.0.1 \
    -- add-ucast-remote blue 00:00:00:00:00:02 10.0.0.2 \
    -- add-mcast-remote red unknown-dst 10.0.0.1 \
    -- add-mcast-remote red unknown-dst 10.0.0.3 \
    -- add-mcast-remote blue unknown-dst 10.0.0.4 \
    -- add-mcast-remote blue unknown-dst 10.0.0.3 \
    -- add-mcast-remote blue 01:00:5e:00:00:01 10.0.0.5
check_output "hal/dump-fdb holds the remote MACs" 5 \
    "$(fdb blue 5001 00:00:00:00:00:02 10.0.0.2
       fdb red 5000 00:00:00:00:00:01 10.0.0.1)" hal_rows "$v" hal/dump-fdb
check_output "hal/dump-fdb LS shows one logical switch" 5 \
    "$(fdb red 5000 00:00:00:00:00:01 10.0.0.1)" hal_rows "$v" hal/dump-fdb red
blue_mcast=$(printf '%-16s %-8s %-12s mcast %s    %s' blue 5001 service_node \
    01:00:5e:00:00:01 10.0.0.5)
check_output "hal/dump-flood: source node lists every VTEP, service node one" \
    5 "$(flood blue 5001 service_node 10.0.0.3
         echo "$blue_mcast"
         flood red 5000 source_node 10.0.0.1,10.0.0.3)" \
    hal_rows "$v" hal/dump-flood
check_output "hal/dump-bindings: untagged and tagged on one port" 5 \
    "$(binding swp1 untagged red 5000
       binding swp1 100 blue 5001)" hal_rows "$v" hal/dump-bindings
check_output "hal/resources counts what is programmed" 5 \
    "fdb 2
bridge 2
binding 2
tunnel 4
flood 10
mcast 1
neigh 0
router 0
rif 0
nexthop 0
route 0
rneigh 0
acl-in 0
acl-out 0" bash -c "ovs-appctl -t $v/ctl hal/resources | awk 'NR > 1 {
        print \$1, \$2 }'"
check "hal/resources: every table has room left" bash -c \
    "ovs-appctl -t $v/ctl hal/resources | awk 'NR > 1 && \$3 <= \$2 {
        bad = 1 } END { exit bad }'"
check_output "Mcast_Macs_Local unknown-dst for each bound switch" 5 \
    "ucast-mac-local

mcast-mac-local
  unknown-dst -> vxlan_over_ipv4/$TUNNEL_IP" vc list-local-macs blue
check_output "Logical_Binding_Stats for each binding" 15 "0 100" \
    bash -c "vtep-ctl --db=unix:$v/db.sock get Physical_Port swp1 \
        vlan_stats | grep -o '[0-9]*=' | tr -d = | paste -sd' '"
stats=$(vc get Physical_Port swp1 vlan_stats:100)
check_output "with zero counters" 5 "0 0 0 0" bash -c \
    "vtep-ctl --db=unix:$v/db.sock --columns=packets_from_local,\
bytes_from_local,packets_to_local,bytes_to_local --bare \
        list Logical_Binding_Stats $stats | grep . | paste -sd' '"

# ---- Removal ----
vc add-ls green -- set Logical_Switch green tunnel_key=5002 \
    -- bind-ls $PS swp2 7 green \
    -- add-ucast-remote green 00:00:00:00:00:07 10.0.0.7 \
    -- add-mcast-remote green unknown-dst 10.0.0.7
wait_for 5 bash -c "ovs-appctl -t $v/ctl hal/dump-fdb | grep -q green"
vc del-ucast-remote green 00:00:00:00:00:07
check_output "del-ucast-remote takes the MAC out of the FDB" 5 "" \
    bash -c "ovs-appctl -t $v/ctl hal/dump-fdb | grep green"
vc del-mcast-remote green unknown-dst 10.0.0.7
check_output "del-mcast-remote empties the flood list" 5 "" \
    bash -c "ovs-appctl -t $v/ctl hal/dump-flood | grep green |
        awk '\$5 != \"\"'"
vc unbind-ls $PS swp2 7
check_output "unbind-ls takes the binding out" 5 "" \
    bash -c "ovs-appctl -t $v/ctl hal/dump-bindings | grep green"
vc del-ls green
check_output "del-ls takes the bridge out" 5 "bridge 2" \
    bash -c "ovs-appctl -t $v/ctl hal/resources | grep bridge |
        awk '{ print \$1, \$2 }'"

# ---- Invalid input: faults, and programmed once fixed ----
vc add-ls nokey -- bind-ls $PS swp3 0 nokey
check_output "a switch without tunnel_key: invalid_vlan_map on its port" 5 \
    "[invalid_vlan_map]" vc get Physical_Port swp3 port_fault_status
check_output "and nothing in the HAL" 5 "" \
    bash -c "ovs-appctl -t $v/ctl hal/dump-bindings | grep nokey"
vc set Logical_Switch nokey tunnel_key=5003
check_output "with a tunnel_key the binding is programmed" 5 \
    "$(binding swp3 untagged nokey 5003)" \
    bash -c "ovs-appctl -t $v/ctl hal/dump-bindings | grep nokey"
check_output "and the fault clears" 5 "[]" \
    vc get Physical_Port swp3 port_fault_status

vc add-port $PS swp99 -- bind-ls $PS swp99 0 red
check_output "a binding on a port the switch lacks: invalid_vlan_map" 5 \
    "[invalid_vlan_map]" vc get Physical_Port swp99 port_fault_status
vc del-port $PS swp99 -- bind-ls $PS swp4 0 red
check_output "moved to a real port, it is programmed" 5 \
    "$(binding swp4 untagged red 5000)" \
    bash -c "ovs-appctl -t $v/ctl hal/dump-bindings | grep swp4"

# A second Physical_Port row named swp5 binding VLAN 10 elsewhere.
vc bind-ls $PS swp5 10 red
wait_for 5 bash -c "ovs-appctl -t $v/ctl hal/dump-bindings | grep -q swp5"
blue_uuid=$(vc --bare --columns=_uuid find Logical_Switch name=blue)
dup=$(vc -- --id=@p create Physical_Port name=swp5 \
    "vlan_bindings={10=$blue_uuid}" -- add Physical_Switch $PS ports @p)
check_output "VLAN 10 of swp5 bound twice: invalid_vlan_map on both rows" 5 \
    "invalid_vlan_map invalid_vlan_map" bash -c "vtep-ctl \
        --db=unix:$v/db.sock --bare --columns=port_fault_status find \
        Physical_Port name=swp5 | grep . | paste -sd' '"
check_output "and neither binding is programmed" 5 "" \
    bash -c "ovs-appctl -t $v/ctl hal/dump-bindings | grep swp5"
vc remove Physical_Switch $PS ports "$dup"
check_output "without the duplicate, the binding is programmed" 5 \
    "$(binding swp5 10 red 5000)" \
    bash -c "ovs-appctl -t $v/ctl hal/dump-bindings | grep swp5"
check_output "and the fault clears" 5 "[]" \
    vc get Physical_Port swp5 port_fault_status

vc add-ucast-remote red 00:00:00:00:00:09 not-an-ip
check_output "an unparsable locator IP: unspecified_fault on the switch" 5 \
    "[unspecified_fault]" vc get Physical_Switch $PS switch_fault_status
check_output "and no FDB entry" 5 "" \
    bash -c "ovs-appctl -t $v/ctl hal/dump-fdb | grep 00:00:00:00:00:09"
vc add-ucast-remote red 00:00:00:00:00:09 10.0.0.9
check_output "with a good IP it is programmed" 5 \
    "$(fdb red 5000 00:00:00:00:00:09 10.0.0.9)" \
    bash -c "ovs-appctl -t $v/ctl hal/dump-fdb | grep 00:00:00:00:00:09"
check_output "and the fault clears once the bad locator is gone" 5 "[]" \
    vc get Physical_Switch $PS switch_fault_status
check_output "no HAL failures so far" 1 0 memory_stat "$v" hal-failures

# ---- Warm restart: the chip's tables survive in vtepd.chip ----
dumps() {
    local c
    for c in hal/dump-fdb hal/dump-flood hal/dump-bindings hal/resources; do
        echo "== $c"
        ovs-appctl -t "$1/ctl" $c
    done
}
before=$(dumps "$v")
check_clean_exit "$v"
check "vtepd starts again on the same database" \
    start_vtepd_hal "$v" --switch-name=$PS --tunnel-ip=$TUNNEL_IP
wait_for 10 grep -q 'warm start: HAL resynchronised' "$v/log"
check "the asic backend starts warm" grep -q '(warm start)' "$v/log"
check_output "after a warm restart the HAL dumps are identical" 5 \
    "$before" dumps "$v"
check_output "and the resync wrote nothing to the chip" 5 0 \
    memory_stat "$v" asic-writes

# A cold start (no chip state) programs the same, with writes.
stop_vtepd "$v"
rm -f "$v/vtepd.chip"
start_vtepd_hal "$v" --switch-name=$PS --tunnel-ip=$TUNNEL_IP
check_output "after a cold restart the HAL dumps are identical" 10 \
    "$before" dumps "$v"
check "and the chip was written" test "$(memory_stat "$v" asic-writes)" -gt 0
check_clean_exit "$v"

# ---- Ports named with --port (TAP devices, in a private namespace) ----
w=$tmp/b
if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
    mkdir -p "$w"
    unshare -n bash -c "ip link set lo up && exec $BIN/vtepd --hal=asic \
        --switch-name=$PS --tunnel-ip=127.0.0.1 --port=vtp1 --port=vtp2 \
        --remote=punix:$w/db.sock --unixctl=$w/ctl --pidfile=$w/pid \
        --log-file=$w/log $w/vtep.db" 2>>"$w/stderr" &
    on_exit "kill \$(cat '$w/pid')"
    wait_for 5 test -S "$w/db.sock"
    check_output "with --port, Physical_Ports are the named ports" 5 \
        "vtp1
vtp2" vtep-ctl --db=unix:"$w/db.sock" list-ports $PS
    check_output "and the dataplane forwards on them" 5 2 \
        bash -c "ovs-appctl -t $w/ctl sim/show | grep -c vtp"
    stop_vtepd "$w"
else
    skip "vtepd --port (needs root and network namespaces for TAP devices)"
fi

# ---- --hal=none: a plain database server ----
n=$tmp/c
start_vtepd_hal "$n" --hal=none
check_output "--hal=none serves the database without a Physical_Switch" 5 \
    "" vtep-ctl --db=unix:"$n/db.sock" list-ps
check_output "--hal=none has a Global row" 5 1 bash -c \
    "vtep-ctl --db=unix:$n/db.sock --bare --columns=_uuid list Global | wc -l"
if ovs-appctl -t "$n/ctl" hal/dump-fdb >/dev/null 2>&1; then
    fail "--hal=none has no hal/ commands"
else
    pass "--hal=none has no hal/ commands"
fi
check_clean_exit "$n"

finish
