#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A controller written by hand: raw JSON-RPC over vtepd's Unix socket, as
# people do to poke a switch.  echo, get_schema, and one transact that
# attaches a physical server to a logical switch with its remote MACs and
# locators; then the HAL must hold exactly that, and vtepd must have written
# Mcast_Macs_Local for the switch.
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh
. tests/interop/hal-lib.sh

if [ ! -x "$PY" ] || ! command -v ovs-appctl >/dev/null; then
    skip "raw JSON-RPC controller ($PY or ovs-appctl missing)"
    exit 0
fi
tmp=$(make_tmpdir)
v=$tmp/vtepd
PS=tor-raw
TUNNEL_IP=192.0.2.20

if ! start_vtepd_hal "$v" --switch-name=$PS --tunnel-ip=$TUNNEL_IP; then
    fail "vtepd --hal=asic starts"
    exit 1
fi

# rpc METHOD PARAMS: the reply, one line of JSON.
rpc() { $PY tests/interop/raw_rpc.py "$v/db.sock" "$@"; }
# jget EXPR: evaluates the Python expression EXPR on the JSON read from
# stdin (bound to 'r'), printing the result.
jget() { $PY -c "import json, sys; r = json.load(sys.stdin); print($1)"; }

check_output "echo comes back unchanged" 5 \
    '{"error": null, "id": 1, "result": ["hello", 42]}' rpc echo '["hello", 42]'
check_output "list_dbs lists hardware_vtep" 5 True \
    bash -c "$PY tests/interop/raw_rpc.py $v/db.sock list_dbs '[]' |
        $PY -c 'import json, sys; print(\"hardware_vtep\" in
            json.load(sys.stdin)[\"result\"])'"
schema=$(rpc get_schema '["hardware_vtep"]')
check_output "get_schema returns hardware_vtep" 1 hardware_vtep \
    jget 'r["result"]["name"]' <<<"$schema"
check_output "with the Physical_Port table" 1 True \
    jget '"vlan_bindings" in r["result"]["tables"]["Physical_Port"]["columns"]' \
    <<<"$schema"
if [ -f "$VTEP_SCHEMA" ]; then
    check_output "at the version Open vSwitch ships" 1 \
        "$(jget 'r["version"]' <"$VTEP_SCHEMA")" \
        jget 'r["result"]["version"]' <<<"$schema"
fi

# One transaction: the logical switch, two locators and their set, two
# remote MACs, the unknown-dst flood entry, and the binding of swp7.
txn='["hardware_vtep",
 {"op": "insert", "table": "Logical_Switch", "uuid-name": "ls",
  "row": {"name": "web", "tunnel_key": 7777,
          "replication_mode": "source_node"}},
 {"op": "insert", "table": "Physical_Locator", "uuid-name": "hv1",
  "row": {"dst_ip": "10.1.0.1", "encapsulation_type": "vxlan_over_ipv4"}},
 {"op": "insert", "table": "Physical_Locator", "uuid-name": "hv2",
  "row": {"dst_ip": "10.1.0.2", "encapsulation_type": "vxlan_over_ipv4"}},
 {"op": "insert", "table": "Physical_Locator_Set", "uuid-name": "all",
  "row": {"locators": ["set", [["named-uuid", "hv1"],
                               ["named-uuid", "hv2"]]]}},
 {"op": "insert", "table": "Ucast_Macs_Remote",
  "row": {"MAC": "00:11:22:33:44:01", "ipaddr": "10.10.0.1",
          "logical_switch": ["named-uuid", "ls"],
          "locator": ["named-uuid", "hv1"]}},
 {"op": "insert", "table": "Ucast_Macs_Remote",
  "row": {"MAC": "00:11:22:33:44:02",
          "logical_switch": ["named-uuid", "ls"],
          "locator": ["named-uuid", "hv2"]}},
 {"op": "insert", "table": "Mcast_Macs_Remote",
  "row": {"MAC": "unknown-dst", "logical_switch": ["named-uuid", "ls"],
          "locator_set": ["named-uuid", "all"]}},
 {"op": "mutate", "table": "Physical_Port",
  "where": [["name", "==", "swp7"]],
  "mutations": [["vlan_bindings", "insert",
                 ["map", [[0, ["named-uuid", "ls"]]]]]]},
 {"op": "comment", "comment": "raw-controller.sh: attach server on swp7"}]'
reply=$(rpc transact "$txn")
check_output "the transaction commits without errors" 1 \
    "9 results, no errors, 1 row mutated" \
    jget '"%d results, %s, %d row mutated" % (len(r["result"]),
        "errors" if r["error"] or any("error" in x for x in r["result"])
        else "no errors", r["result"][7].get("count", 0))' <<<"$reply"
ls_uuid=$(jget 'r["result"][0]["uuid"][1]' <<<"$reply")

check_output "the HAL forwards both remote MACs" 5 \
    "$(printf '%-16s %-8s %-18s %-30s %s\n' \
        web 7777 00:11:22:33:44:01 remote=10.1.0.1 static \
        web 7777 00:11:22:33:44:02 remote=10.1.0.2 static)" \
    hal_rows "$v" hal/dump-fdb
check_output "and floods to both locators of the set" 5 \
    "$(for class in unknown-unicast broadcast unknown-multicast; do
        printf '%-16s %-8s %-12s %-21s %s\n' web 7777 source_node $class \
            10.1.0.1,10.1.0.2
    done)" hal_rows "$v" hal/dump-flood
check_output "and binds swp7 untagged" 5 \
    "$(printf '%-16s %-8s %-16s %-8s 0/0 0/0' swp7 untagged web 7777)" \
    hal_rows "$v" hal/dump-bindings

# What vtepd wrote back: Mcast_Macs_Local unknown-dst for the bound switch,
# pointing at a locator with vtepd's own tunnel IP.
local_mcast() {
    rpc transact '["hardware_vtep",
        {"op": "select", "table": "Mcast_Macs_Local",
         "where": [["MAC", "==", "unknown-dst"]],
         "columns": ["logical_switch", "locator_set"]}]' |
        jget '" ".join(row["logical_switch"][1]
                       for row in r["result"][0]["rows"])'
}
check_output "vtepd writes Mcast_Macs_Local unknown-dst for the switch" 5 \
    "$ls_uuid" local_mcast
check_output "whose locator is vtepd's tunnel IP" 5 \
    "ucast-mac-local

mcast-mac-local
  unknown-dst -> vxlan_over_ipv4/$TUNNEL_IP" \
    vtep-ctl --db=unix:"$v/db.sock" list-local-macs web
check_output "and no faults" 5 "[] []" bash -c \
    "echo \$(vtep-ctl --db=unix:$v/db.sock get Physical_Switch $PS \
        switch_fault_status) \$(vtep-ctl --db=unix:$v/db.sock \
        get Physical_Port swp7 port_fault_status)"

# Undoing it by hand: clearing the binding and deleting the MAC rows.
reply=$(rpc transact '["hardware_vtep",
 {"op": "update", "table": "Physical_Port", "where": [["name", "==", "swp7"]],
  "row": {"vlan_bindings": ["map", []]}},
 {"op": "delete", "table": "Ucast_Macs_Remote", "where": []},
 {"op": "delete", "table": "Mcast_Macs_Remote", "where": []}]')
check_output "the undo transaction commits" 1 "1 2 1" \
    jget '" ".join(str(x.get("count")) for x in r["result"])' <<<"$reply"
check_output "and the HAL is empty again" 5 "" bash -c \
    "ovs-appctl -t $v/ctl hal/dump-fdb | tail -n +2;
     ovs-appctl -t $v/ctl hal/dump-bindings | tail -n +2;
     ovs-appctl -t $v/ctl hal/dump-flood | tail -n +2 | awk '\$5 != \"\"'"
check_clean_exit "$v"

finish
