#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The database store against the real thing: files written by ovsdb-tool
# open in vtepd with the same contents and vice versa (also in
# ovsdb-server), torn tails, corruption, group commit, compaction, and a
# kill -9 campaign under a durable write load.
. tests/lib.sh

tool=$BUILD/tests/ovsdb-store-tool
schema=/usr/share/openvswitch/vtep.ovsschema
tmp=$(make_tmpdir)

if ! command -v ovsdb-tool >/dev/null || [ ! -f "$schema" ]; then
    skip "store compatibility (ovsdb-tool or the vtep schema missing)"
    exit 0
fi

# The same transactions, with fixed row UUIDs so that both files must
# hold identical rows.
cat >"$tmp/txns" <<'EOF'
["hardware_vtep",{"op":"insert","table":"Global","uuid":"00000000-0000-4000-8000-000000000001","row":{"switches":["set",[["uuid","00000000-0000-4000-8000-000000000002"]]],"other_config":["map",[["k1","v1"],["k2","v2"]]]}},{"op":"insert","table":"Physical_Switch","uuid":"00000000-0000-4000-8000-000000000002","row":{"name":"sw0","description":"first","tunnel_ips":["set",["10.0.0.1","10.0.0.2"]],"switch_fault_status":["set",["ephemeral"]],"ports":["set",[["uuid","00000000-0000-4000-8000-000000000003"]]]}},{"op":"insert","table":"Physical_Port","uuid":"00000000-0000-4000-8000-000000000003","row":{"name":"p0","vlan_bindings":["map",[[100,["uuid","00000000-0000-4000-8000-000000000004"]]]]}},{"op":"insert","table":"Logical_Switch","uuid":"00000000-0000-4000-8000-000000000004","row":{"name":"ls0","tunnel_key":5000}},{"op":"comment","comment":"initial"}]
["hardware_vtep",{"op":"update","table":"Physical_Switch","where":[],"row":{"description":"second","tunnel_ips":["set",["10.0.0.2","10.0.0.3"]]}},{"op":"update","table":"Logical_Switch","where":[],"row":{"other_config":["map",[["a","b"]]],"tunnel_key":["set",[]]}}]
["hardware_vtep",{"op":"mutate","table":"Global","where":[],"mutations":[["other_config","insert",["map",[["k3","v3"]]]],["other_config","delete",["set",["k1"]]]]},{"op":"commit","durable":true}]
["hardware_vtep",{"op":"insert","table":"Physical_Locator","uuid":"00000000-0000-4000-8000-000000000005","row":{"dst_ip":"192.0.2.1","encapsulation_type":"vxlan_over_ipv4"}},{"op":"insert","table":"Ucast_Macs_Remote","uuid":"00000000-0000-4000-8000-000000000006","row":{"MAC":"00:11:22:33:44:55","locator":["uuid","00000000-0000-4000-8000-000000000005"],"logical_switch":["uuid","00000000-0000-4000-8000-000000000004"]}},{"op":"insert","table":"Ucast_Macs_Remote","uuid":"00000000-0000-4000-8000-000000000007","row":{"MAC":"00:11:22:33:44:66","locator":["uuid","00000000-0000-4000-8000-000000000005"],"logical_switch":["uuid","00000000-0000-4000-8000-000000000004"]}}]
["hardware_vtep",{"op":"delete","table":"Ucast_Macs_Remote","where":[["MAC","==","00:11:22:33:44:55"]]},{"op":"update","table":"Physical_Port","where":[],"row":{"vlan_bindings":["map",[]]}}]
EOF

tables="Global Physical_Switch Physical_Port Logical_Switch Physical_Locator Ucast_Macs_Remote"
query='["hardware_vtep"'
for t in $tables; do
    query+=",{\"op\":\"select\",\"table\":\"$t\",\"where\":[]}"
done
query+=']'

# Prints a query reply without _version and with rows sorted.
normalise() {
    /usr/bin/python3 -c '
import json, sys
reply = json.load(sys.stdin)
for r in reply:
    for row in r["rows"]:
        row.pop("_version", None)
    r["rows"].sort(key=lambda row: json.dumps(row, sort_keys=True))
print(json.dumps(reply, sort_keys=True))'
}

ovsdb-tool create "$tmp/ref.db" "$schema"
while read -r txn; do
    ovsdb-tool transact "$tmp/ref.db" "$txn" >/dev/null
done <"$tmp/txns"
"$tool" "$tmp/ours.db" run <"$tmp/txns" >"$tmp/ours.out" 2>"$tmp/ours.err"
check "the store acknowledges every transaction" \
    test "$(grep -c '^ok ' "$tmp/ours.out")" -eq 5
check "no transaction failed" \
    bash -c "! grep -q '\"error\"' '$tmp/ours.out'"

ovsdb-tool query "$tmp/ref.db" "$query" | normalise >"$tmp/ref.json"
"$tool" "$tmp/ref.db" query "$query" | normalise >"$tmp/ours-on-ref.json"
ovsdb-tool query "$tmp/ours.db" "$query" | normalise >"$tmp/ref-on-ours.json"
"$tool" "$tmp/ours.db" query "$query" | normalise >"$tmp/ours-on-ours.json"
check "a file from ovsdb-tool opens with the same contents" \
    cmp -s "$tmp/ref.json" "$tmp/ours-on-ref.json"
check "ovsdb-tool reads our file with the same contents" \
    cmp -s "$tmp/ref.json" "$tmp/ref-on-ours.json"
check "our file reopens with the same contents" \
    cmp -s "$tmp/ref.json" "$tmp/ours-on-ours.json"
check "ovsdb-tool show-log reads our file" \
    bash -c "ovsdb-tool show-log -mm '$tmp/ours.db' | grep -q 'initial'"
check "ephemeral columns are not written" \
    bash -c "! grep -q switch_fault_status <(tail -n +3 '$tmp/ours.db')"
check "the file is not made of records ovsdb-tool would not write" \
    bash -c "ovsdb-tool db-name '$tmp/ours.db' | grep -qx hardware_vtep"

# 3,000 remote MACs in one transaction: a record far bigger than the
# store's streaming chunk.  ovsdb-tool gets the same rows in transactions
# small enough for its command line.
big_txn() {
    /usr/bin/python3 -c '
import json, sys
first, n = int(sys.argv[1]), int(sys.argv[2])
ref = lambda i: ["uuid", "00000000-0000-4000-8000-%012x" % i]
ops = ["hardware_vtep"]
if first < 0:
    ops.append({"op": "insert", "table": "Logical_Switch", "uuid": ref(4)[1],
                "row": {"name": "ls0", "tunnel_key": 5000}})
elif first == 0:
    # Only referenced rows of the locator table live past their commit.
    ops.append({"op": "insert", "table": "Physical_Locator",
                "uuid": ref(5)[1], "row": {"dst_ip": "192.0.2.1",
                "encapsulation_type": "vxlan_over_ipv4"}})
for i in range(max(first, 0), first + n):
    ops.append({"op": "insert", "table": "Ucast_Macs_Remote",
                "uuid": ref(0x10000 + i)[1],
                "row": {"MAC": "02:00:00:00:%02x:%02x" % (i >> 8, i & 255),
                        "locator": ref(5), "logical_switch": ref(4)}})
print(json.dumps(ops, separators=(",", ":")))' "$@"
}
ovsdb-tool create "$tmp/big-ref.db" "$schema"
ovsdb-tool transact "$tmp/big-ref.db" "$(big_txn -1 1)" >/dev/null
for first in 0 500 1000 1500 2000 2500; do
    ovsdb-tool transact "$tmp/big-ref.db" "$(big_txn $first 500)" >/dev/null
done
{ big_txn -1 1; big_txn 0 3000; } >"$tmp/big-txns"
"$tool" "$tmp/big.db" run <"$tmp/big-txns" >"$tmp/big.out" 2>"$tmp/big.err"
check "a 3,000-row transaction is acknowledged" \
    test "$(grep -c '^ok ' "$tmp/big.out")" -eq 2
check "it makes one record of over 512 KB" \
    bash -c "[ \$(ovsdb-tool show-log '$tmp/big.db' | grep -c '^record') -eq 3 ] \
             && [ \$(tail -n 1 '$tmp/big.db' | wc -c) -gt 524288 ]"
ovsdb-tool query "$tmp/big-ref.db" "$query" | normalise >"$tmp/big-ref.json"
ovsdb-tool query "$tmp/big.db" "$query" | normalise >"$tmp/big-ours.json"
"$tool" "$tmp/big.db" query "$query" | normalise >"$tmp/big-again.json"
check "ovsdb-tool reads the big record with the same contents" \
    bash -c "[ \$(wc -c <'$tmp/big-ref.json') -gt 500000 ] \
             && cmp -s '$tmp/big-ref.json' '$tmp/big-ours.json'"
check "the big record reopens with the same contents" \
    cmp -s "$tmp/big-ref.json" "$tmp/big-again.json"

# ovsdb-server serves our file with the same contents as its own.
dump() {
    local db=$1 name=$2
    ovsdb-server --remote=punix:"$tmp/$name.sock" --unixctl="$tmp/$name.ctl" \
        --pidfile="$tmp/$name.pid" --log-file="$tmp/$name.log" --detach \
        "$db" 2>>"$tmp/$name.err" || return 1
    on_exit "kill \$(cat '$tmp/$name.pid')"
    ovsdb-client dump unix:"$tmp/$name.sock" hardware_vtep
    ovs-appctl -t "$tmp/$name.ctl" exit 2>/dev/null
}
if command -v ovsdb-server >/dev/null && command -v ovsdb-client >/dev/null
then
    dump "$tmp/ref.db" ref-server >"$tmp/ref.dump"
    dump "$tmp/ours.db" ours-server >"$tmp/ours.dump"
    check "ovsdb-server serves our file like its own (ovsdb-client dump)" \
        bash -c "[ -s '$tmp/ref.dump' ] && cmp -s '$tmp/ref.dump' '$tmp/ours.dump'"
else
    skip "ovsdb-server on our file (ovsdb-server not installed)"
fi

# A torn tail is cut off; the records before it are kept.
cp "$tmp/ours.db" "$tmp/torn.db"
size=$(stat -c %s "$tmp/torn.db")
printf 'OVSDB JSON 120 0123456789abcdef0123456789abcdef01234567\n{"_date":1,"Glo' \
    >>"$tmp/torn.db"
"$tool" "$tmp/torn.db" query "$query" 2>"$tmp/torn.err" | normalise \
    >"$tmp/torn.json"
check "a torn tail loses nothing before it" \
    cmp -s "$tmp/ref.json" "$tmp/torn.json"
check "a torn tail is logged" grep -q "torn record" "$tmp/torn.err"
check "a torn tail is truncated" \
    test "$(stat -c %s "$tmp/torn.db")" -eq "$size"

# Corruption before the last record: as ovsdb-server, the file ends there
# (tests/interop/damaged-log.sh compares the two); the rest is saved.
cp "$tmp/ours.db" "$tmp/bad.db"
offset=$(grep -b -o '"initial"' "$tmp/bad.db" | head -1 | cut -d: -f1)
printf 'X' | dd of="$tmp/bad.db" bs=1 seek="$((offset + 1))" conv=notrunc \
    2>/dev/null
cp "$tmp/bad.db" "$tmp/bad.orig"
check "corruption in the middle still opens" \
    bash -c "'$tool' '$tmp/bad.db' query '$query' >/dev/null 2>'$tmp/bad.err'"
check "corruption in the middle is logged as an error" \
    grep -q "ERR.*cutting off" "$tmp/bad.err"
check "and what was cut off is saved beside the file" \
    bash -c "cat '$tmp/bad.db' '$tmp'/bad.db.damaged-* |
             cmp -s - '$tmp/bad.orig'"

# Durable commits arriving together share one sync.
for i in $(seq 1 50); do
    echo "[\"hardware_vtep\",{\"op\":\"insert\",\"table\":\"Logical_Switch\",\"row\":{\"name\":\"g$i\"}},{\"op\":\"commit\",\"durable\":true}]"
done >"$tmp/group"
"$tool" "$tmp/group.db" run <"$tmp/group" >"$tmp/group.out" 2>/dev/null
syncs=$(sed -n 's/.*syncs=\([0-9]*\).*/\1/p' "$tmp/group.out" | tail -1)
acks=$(grep -c '^ok ' "$tmp/group.out")
check "50 durable commits are acknowledged ($acks)" test "$acks" -eq 50
check "and grouped into fewer syncs (${syncs:-?})" \
    test "${syncs:-99}" -ge 1 -a "${syncs:-99}" -lt 50

# Compaction on demand: same contents, smaller file, still readable.
for i in $(seq 1 300); do
    echo "[\"hardware_vtep\",{\"op\":\"update\",\"table\":\"Global\",\"where\":[],\"row\":{\"other_config\":[\"map\",[[\"n\",\"$i\"]]]}}]"
done >"$tmp/grow"
cp "$tmp/ours.db" "$tmp/compact.db"
"$tool" "$tmp/compact.db" run <"$tmp/grow" >/dev/null 2>&1
before=$(stat -c %s "$tmp/compact.db")
"$tool" "$tmp/compact.db" query "$query" | normalise >"$tmp/before.json"
echo compact | "$tool" "$tmp/compact.db" run >"$tmp/compact.out" 2>&1
after=$(stat -c %s "$tmp/compact.db")
"$tool" "$tmp/compact.db" query "$query" | normalise >"$tmp/after.json"
ovsdb-tool query "$tmp/compact.db" "$query" | normalise >"$tmp/after-ref.json"
check "compaction succeeds" grep -q "^compacted 1 0" "$tmp/compact.out"
check "compaction shrinks the file ($before -> $after bytes)" \
    test "$after" -lt "$((before / 2))"
check "compaction keeps the contents" cmp -s "$tmp/before.json" "$tmp/after.json"
check "ovsdb-tool reads the compacted file" \
    cmp -s "$tmp/before.json" "$tmp/after-ref.json"
check "no temporary file is left behind" test ! -e "$tmp/compact.db.tmp"

# Automatic compaction once the log outgrows the snapshot.
cp "$tmp/ours.db" "$tmp/auto.db"
cat "$tmp/grow" "$tmp/grow" >"$tmp/grow2"
"$tool" --no-loop --compact-min=20000 "$tmp/auto.db" run <"$tmp/grow2" \
    >"$tmp/auto.out" 2>/dev/null
n=$(sed -n 's/.*compactions=\([0-9]*\).*/\1/p' "$tmp/auto.out")
check "automatic compaction triggers (${n:-0} times)" test "${n:-0}" -ge 2
check "the log stays bounded ($(stat -c %s "$tmp/auto.db") bytes)" \
    test "$(stat -c %s "$tmp/auto.db")" -lt 40000
"$tool" "$tmp/auto.db" query "$query" | normalise >"$tmp/auto.json"
check "automatic compaction keeps the contents" \
    cmp -s "$tmp/before.json" "$tmp/auto.json"

# kill -9 under a durable write load, 30 times over.
/usr/bin/python3 tests/ovsdb/crash.py "$tool" "$tmp/crash.db" 30 "$RANDOM" \
    || TEST_FAILURES=$((TEST_FAILURES + 1))

finish
