#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Schema conversion against the real ovsdb-server: ovsdb-client convert
# and needs-conversion with a schema that adds a column and a table and
# drops a column, monitors canceled (db-change-aware clients told,
# others disconnected), a type change that does not fit refused, the
# file rewritten with the new schema; and vtepd converting an older
# hardware_vtep database file to its built-in schema on start, as
# ovsdb-tool convert does.
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh

if ! have_ovs || ! command -v ovsdb-client >/dev/null; then
    skip "schema conversion (Open vSwitch is not installed)"
    exit 0
fi
tmp=$(make_tmpdir)
cat >"$tmp/v1.json" <<'JSON'
{"name":"t","version":"1.0.0","tables":{"A":{"columns":{"name":{"type":"string"},"old":{"type":"integer"},"tag":{"type":{"key":"integer","min":0,"max":"unlimited"}}},"isRoot":true}}}
JSON
cat >"$tmp/v2.json" <<'JSON'
{"name":"t","version":"1.1.0","tables":{"A":{"columns":{"name":{"type":"string"},"new":{"type":"integer"},"tag":{"type":{"key":"integer","min":0,"max":3}}},"isRoot":true},"B":{"columns":{"x":{"type":"string"}},"isRoot":true}}}
JSON
# A type change that the data does not fit: "name" holds strings.
sed 's/"name":{"type":"string"}/"name":{"type":"integer"}/; s/1.1.0/1.2.0/' \
    "$tmp/v2.json" >"$tmp/v3.json"

mkdir -p "$tmp/ref" "$tmp/vtepd"
ovsdb-tool create "$tmp/ref/ref.db" "$tmp/v1.json"
ovsdb-server --remote=punix:"$tmp/ref/db.sock" --unixctl="$tmp/ref/ctl" \
    --pidfile="$tmp/ref/pid" --log-file="$tmp/ref/log" --detach \
    "$tmp/ref/ref.db"
on_exit "kill \$(cat '$tmp/ref/pid' 2>/dev/null) 2>/dev/null"
start_vtepd "$tmp/vtepd" --schema="$tmp/v1.json" || {
    fail "vtepd starts"
    exit 1
}

# both NAME COMMAND...: 'ovsdb-client COMMAND' (SOCK: the server's socket)
# against both servers; their normalised outputs and exit codes must match.
both() {
    local name=$1 out
    shift
    for d in ref vtepd; do
        timeout 10 ovsdb-client --timeout=5 "${@//SOCK/unix:$tmp/$d/db.sock}" \
            2>&1 | sed 's/^ovsdb-client: //; s/,"syntax":.*}/}/' |
            $PY tests/interop/normalise_uuids.py >"$tmp/$d.out"
        echo "[exit ${PIPESTATUS[0]}]" >>"$tmp/$d.out"
    done
    if out=$(diff -u "$tmp/ref.out" "$tmp/vtepd.out"); then
        pass "$name"
    else
        fail "$name"
        echo "$out"
    fi
}

both "rows before" transact SOCK \
    '["t",{"op":"insert","table":"A","row":{"name":"a","old":1,"tag":["set",[1,2]]}},{"op":"insert","table":"A","row":{"name":"b","old":2}}]'
both "needs-conversion, same schema" needs-conversion SOCK "$tmp/v1.json"
both "needs-conversion, newer schema" needs-conversion SOCK "$tmp/v2.json"

# Watchers: one db-change-aware, one not, on each server.
watchers=
for d in ref vtepd; do
    for mode in aware unaware; do
        $PY tests/interop/convert_watch.py "$tmp/$d/db.sock" $mode \
            "$tmp/$d.$mode.ready" >"$tmp/$d.$mode.watch" 2>&1 &
        watchers+=" $!"
        wait_for 5 test -e "$tmp/$d.$mode.ready"
    done
done

# Which row is found not to fit depends on the order of the rows.
both "convert to a schema that does not fit the data is refused" \
    convert SOCK "$tmp/v3.json"
both "and changes nothing" get-schema-version SOCK t
both "convert: a column and a table added, a column dropped" \
    convert SOCK "$tmp/v2.json"
wait $watchers
for mode in aware unaware; do
    if out=$(diff -u "$tmp/ref.$mode.watch" "$tmp/vtepd.$mode.watch"); then
        pass "a $mode monitor sees what ovsdb-server shows it ($(tr '\n' ' ' <"$tmp/ref.$mode.watch"))"
    else
        fail "a $mode monitor sees what ovsdb-server shows it"
        echo "$out"
    fi
done
both "schema version after" get-schema-version SOCK t
both "needs-conversion after, same schema" needs-conversion SOCK "$tmp/v2.json"
both "needs-conversion after, older schema" needs-conversion SOCK "$tmp/v1.json"
# One row per select: the order of rows in a reply is unspecified.
both "data after" query SOCK \
    '["t",{"op":"select","table":"A","where":[["name","==","a"]],"columns":["name","new","tag"]},{"op":"select","table":"A","where":[["name","==","b"]],"columns":["name","new","tag"]},{"op":"select","table":"B","where":[]}]'
both "the new column and table take writes" transact SOCK \
    '["t",{"op":"update","table":"A","where":[["name","==","a"]],"row":{"new":7}},{"op":"insert","table":"B","row":{"x":"y"}}]'
# A standalone ovsdb-server 3.1.0 leaves _Server.Database.schema as it
# was (it refreshes it only when the row's uuid changes, as in a cluster);
# vtepd shows the schema it now serves.
server_q='["_Server",{"op":"select","table":"Database","where":[["name","==","t"]],"columns":["schema"]}]'
check "_Server.Database shows the new schema" \
    bash -c "ovsdb-client query unix:'$tmp/vtepd/db.sock' '$server_q' |
             grep -q '1.1.0'"
echo "INFO: ovsdb-server's _Server.Database.schema after convert: $(
    ovsdb-client query unix:"$tmp/ref/db.sock" "$server_q" |
        grep -o 'version[^,}]*' | tr -d '\\')"

stop "$tmp/vtepd"
check "vtepd's file starts with the new schema" \
    bash -c "ovsdb-tool db-version '$tmp/vtepd/vtep.db' | grep -qx 1.1.0"
check "and ovsdb-tool reads the converted rows from it" \
    bash -c "ovsdb-tool query '$tmp/vtepd/vtep.db' \
        '[\"t\",{\"op\":\"select\",\"table\":\"A\",\"where\":[[\"new\",\"==\",7]]}]' |
        grep -q '\"name\":\"a\"'"

# Offline: an older hardware_vtep file (the schema at version 1.6.0, with
# no Logical_Switch "description") is converted on start.
$PY - "$VTEP_SCHEMA" >"$tmp/vtep-old.json" <<'PYEOF'
import json, sys
schema = json.load(open(sys.argv[1]))
schema["version"] = "1.6.0"
schema.pop("cksum", None)
del schema["tables"]["Logical_Switch"]["columns"]["description"]
json.dump(schema, sys.stdout)
PYEOF
mkdir -p "$tmp/old"
ovsdb-tool create "$tmp/old/vtep.db" "$tmp/vtep-old.json"
ovsdb-tool transact "$tmp/old/vtep.db" \
    '["hardware_vtep",{"op":"insert","table":"Global","row":{}},{"op":"insert","table":"Logical_Switch","row":{"name":"ls0","tunnel_key":5000}}]' >/dev/null
cp "$tmp/old/vtep.db" "$tmp/old/tool.db"
ovsdb-tool convert "$tmp/old/tool.db" "$VTEP_SCHEMA"
$BIN/vtepd --hal=none --remote=punix:"$tmp/old/db.sock" \
    --unixctl="$tmp/old/ctl" --pidfile="$tmp/old/pid" \
    --log-file="$tmp/old/log" "$tmp/old/vtep.db" 2>/dev/null &
on_exit "kill $! 2>/dev/null"
wait_for 5 test -S "$tmp/old/db.sock"
check "vtepd converts an older database file on start, with a log line" \
    grep -q "converted from schema version 1.6.0 to 1.7.0" "$tmp/old/log"
check "and serves the built-in schema's version" \
    bash -c "ovsdb-client get-schema-version unix:'$tmp/old/db.sock' hardware_vtep | grep -qx 1.7.0"
stop "$tmp/old"
q='["hardware_vtep",{"op":"select","table":"Logical_Switch","where":[],"columns":["name","tunnel_key","description"]}]'
check "the converted file holds what ovsdb-tool convert makes of it" \
    bash -c "[ \"\$(ovsdb-tool query '$tmp/old/vtep.db' '$q')\" = \
               \"\$(ovsdb-tool query '$tmp/old/tool.db' '$q')\" ]"
finish
