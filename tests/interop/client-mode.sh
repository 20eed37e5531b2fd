#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ovs-vtep's deployment shape: a standalone ovsdb-server with the
# hardware_vtep schema, vtepd in client mode beside it (--db=unix:PATH), and
# vtep-ctl unchanged.  The HAL must follow the database, keep its state
# while the server is away, and catch up when it is back.
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh
. tests/interop/hal-lib.sh
. tests/interop/cluster-lib.sh

for tool in ovsdb-server ovsdb-tool vtep-ctl ovs-appctl; do
    if ! command -v $tool >/dev/null; then
        skip "vtepd client mode ($tool not installed)"
        exit 0
    fi
done
tmp=$(make_tmpdir)
s=$tmp/server
v=$tmp/vtepd
mkdir -p "$s"

check_output "--db refuses a listener" 1 \
    "vtepd: --db=ptcp:6640: ptcp:6640 is not an active remote (expected tcp:IP:PORT, ssl:IP:PORT or unix:PATH)" \
    bash -c "$BIN/vtepd --db=ptcp:6640 2>&1"

# serve: the ovsdb-server of $s (again), stopped at exit.
serve() {
    ovsdb-server --remote=punix:"$s/db.sock" --unixctl="$s/ctl" \
        --pidfile="$s/pid" --log-file="$s/log" --detach "$s/vtep.db" \
        2>>"$s/stderr"
    on_exit "kill \$(cat '$s/pid' 2>/dev/null) 2>/dev/null"
}
ovsdb-tool create "$s/vtep.db" "$VTEP_SCHEMA" && serve
vc() { vtep-ctl --db=unix:"$s/db.sock" "$@"; }

if ! start_client_vtepd "$v" unix:"$s/db.sock" --switch-name=tor1 \
    --tunnel-ip=192.0.2.1; then
    fail "vtepd --db=unix:PATH follows a standalone ovsdb-server"
    exit 1
fi
pass "vtepd --db=unix:PATH follows a standalone ovsdb-server"
check_output "vtepd makes the Global row and its Physical_Switch" 5 tor1 \
    vc list-ps
check_output "with its ports" 5 32 bash -c "vtep-ctl --db=unix:$s/db.sock \
    list-ports tor1 | wc -l"

vc add-ls red -- set Logical_Switch red tunnel_key=5000 \
    -- bind-ls tor1 swp1 0 red -- bind-ls tor1 swp2 100 red
vc add-ucast-remote red 00:00:00:00:00:01 10.0.0.1 \
    -- add-ucast-remote red 00:00:00:00:00:02 10.0.0.2 \
    -- add-mcast-remote red unknown-dst 10.0.0.1
fdb() { printf '%-16s %-8s %-18s %-30s %s\n' red 5000 "$1" "remote=$2" static; }
check_output "vtep-ctl's remote MACs reach the HAL" 5 \
    "$(fdb 00:00:00:00:00:01 10.0.0.1
       fdb 00:00:00:00:00:02 10.0.0.2)" hal_rows "$v" hal/dump-fdb
check_output "and its bindings" 5 \
    "$(printf '%-16s %-8s %-16s %-8s 0/0 0/0\n' swp1 untagged red 5000 \
        swp2 100 red 5000)" hal_rows "$v" hal/dump-bindings
check_output "vtepd writes its unknown-dst row back through the server" 5 \
    "ucast-mac-local

mcast-mac-local
  unknown-dst -> vxlan_over_ipv4/192.0.2.1" vc list-local-macs red
check_output "and the Tunnel rows for the remotes in use" 5 2 bash -c \
    "vtep-ctl --db=unix:$s/db.sock --columns=_uuid list Tunnel | grep -c _uuid"

# ---- The server goes away and comes back ----
kill "$(cat "$s/pid")"
not_ready() { ! replica_ready "$v"; }
check "vtepd notices" wait_for 10 not_ready
check_output "the HAL keeps its state while the server is away" 1 \
    "$(fdb 00:00:00:00:00:01 10.0.0.1
       fdb 00:00:00:00:00:02 10.0.0.2)" hal_rows "$v" hal/dump-fdb
serve
check "vtepd reconnects with backoff" wait_for 20 replica_ready "$v"
check_output "having asked for the whole database again" 5 2 \
    replica_field "$v" snapshots
vc del-ucast-remote red 00:00:00:00:00:01 \
    -- add-ucast-remote red 00:00:00:00:00:03 10.0.0.3
check_output "and follows it again" 10 \
    "$(fdb 00:00:00:00:00:02 10.0.0.2
       fdb 00:00:00:00:00:03 10.0.0.3)" hal_rows "$v" hal/dump-fdb
check_output "its rows are there once" 5 1 bash -c \
    "vtep-ctl --db=unix:$s/db.sock list-local-macs red | grep -c unknown-dst"
check_output "nothing was refused" 1 0 replica_field "$v" txns_failed
check_clean_exit "$v"

# ---- A write that can never succeed ----
# This server allows one Tunnel row; vtepd needs two (two remote VTEPs).
# The refused writes are retried, logged, and the switch's fault column
# says so; forwarding goes on.
s=$tmp/small
v=$tmp/vtepd2
mkdir -p "$s"
$PY -c 'import json, sys
schema = json.load(open(sys.argv[1]))
schema["tables"]["Tunnel"]["maxRows"] = 1
json.dump(schema, open(sys.argv[2], "w"))' "$VTEP_SCHEMA" "$s/small.ovsschema"
ovsdb-tool create "$s/vtep.db" "$s/small.ovsschema" && serve
if ! start_client_vtepd "$v" unix:"$s/db.sock" --switch-name=tor1 \
    --tunnel-ip=192.0.2.1; then
    fail "vtepd follows a server whose schema allows one Tunnel"
    exit 1
fi
vc add-ls red -- set Logical_Switch red tunnel_key=5000 \
    -- bind-ls tor1 swp1 0 red \
    -- add-ucast-remote red 00:00:00:00:00:01 10.0.0.1 \
    -- add-ucast-remote red 00:00:00:00:00:02 10.0.0.2
check_output "forwarding is programmed all the same" 10 \
    "$(fdb 00:00:00:00:00:01 10.0.0.1
       fdb 00:00:00:00:00:02 10.0.0.2)" hal_rows "$v" hal/dump-fdb
check_output "the refused write makes a switch fault" 30 \
    '[unspecified_fault]' vc get Physical_Switch tor1 switch_fault_status
check "and is logged" grep -q "keeps refusing the reconciler's writes" \
    "$v/log"
check_clean_exit "$v"

# ---- A write to a port's rows that can never succeed ----
# This server allows one Logical_Binding_Stats row: the counters of a
# second binding (a Physical_Port's vlan_stats) are refused, and that
# port's fault column says so, not the switch's.
s=$tmp/nostats
v=$tmp/vtepd3
mkdir -p "$s"
$PY -c 'import json, sys
schema = json.load(open(sys.argv[1]))
schema["tables"]["Logical_Binding_Stats"]["maxRows"] = 1
json.dump(schema, open(sys.argv[2], "w"))' "$VTEP_SCHEMA" "$s/small.ovsschema"
ovsdb-tool create "$s/vtep.db" "$s/small.ovsschema" && serve
if ! start_client_vtepd "$v" unix:"$s/db.sock" --switch-name=tor1 \
    --tunnel-ip=192.0.2.1; then
    fail "vtepd follows a server whose schema allows one stats row"
    exit 1
fi
vc add-ls red -- set Logical_Switch red tunnel_key=5000 \
    -- bind-ls tor1 swp1 0 red
stats_of() { vc get Physical_Port "$1" vlan_stats; }
check_output "the first binding's counters land" 20 "{0=" \
    bash -c "$(declare -f vc stats_of); s='$s' stats_of swp1 | cut -c1-3"
vc bind-ls tor1 swp2 0 red
check_output "the second binding's refused counters fault its port" 40 \
    '[unspecified_fault]' vc get Physical_Port swp2 port_fault_status
check_output "not the other port" 1 '[]' \
    vc get Physical_Port swp1 port_fault_status
check_output "nor the switch" 1 '[]' \
    vc get Physical_Switch tor1 switch_fault_status
check "and is logged" grep -q "refusing the reconciler's writes to port swp2" \
    "$v/log"
check_output "the binding is programmed all the same" 5 \
    "$(printf '%-16s %-8s %-16s %-8s 0/0 0/0\n' swp1 untagged red 5000 \
        swp2 untagged red 5000)" hal_rows "$v" hal/dump-bindings
check_clean_exit "$v"
finish
