#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ovsdb-client against vtepd and against the real ovsdb-server: the same
# output, UUIDs aside.
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh

if ! have_ovs || ! command -v ovsdb-client >/dev/null; then
    skip "ovsdb-client comparison (Open vSwitch is not installed)"
    exit 0
fi
tmp=$(make_tmpdir)
start_ref "$tmp/ref" && start_vtepd "$tmp/vtepd" || {
    fail "daemons start"
    exit 1
}

# both NAME COMMAND...: runs 'ovsdb-client COMMAND unix:SOCK ARGS' (SOCK
# stands for the server's socket) against both and compares.
both() {
    local name=$1 out
    shift
    for d in ref vtepd; do
        timeout 10 ovsdb-client --timeout="${CLIENT_TIMEOUT:-5}" \
            "${@//SOCK/unix:$tmp/$d/db.sock}" 2>&1 |
            sed '/^[0-9-]*T[0-9:.]*Z|/d' |
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

both "list-dbs" list-dbs SOCK
both "get-schema" get-schema SOCK hardware_vtep
both "get-schema _Server" get-schema SOCK _Server
both "list-tables" list-tables SOCK
both "list-columns" list-columns SOCK hardware_vtep Physical_Port
both "get-schema-version" get-schema-version SOCK
both "transact" transact SOCK '["hardware_vtep",
    {"op":"insert","table":"Logical_Switch","row":{"name":"ls0","tunnel_key":7}},
    {"op":"insert","table":"Physical_Switch","row":{"name":"ps0","tunnel_ips":["set",["1.1.1.1"]]}}]'
both "dump" dump SOCK hardware_vtep
both "dump one table, some columns" dump SOCK hardware_vtep Logical_Switch name tunnel_key
both "monitor (initial contents)" monitor SOCK hardware_vtep Logical_Switch name,tunnel_key --detach=no --timestamp=no --format=csv --max-wait=0 2>/dev/null
both "monitor-cond" monitor-cond SOCK hardware_vtep '[["name","==","ls0"]]' Logical_Switch name --format=csv --max-wait=0
# These hold the lock until killed (by their --timeout).
CLIENT_TIMEOUT=1 both "lock" lock SOCK L
CLIENT_TIMEOUT=1 both "steal" steal SOCK L
CLIENT_TIMEOUT=1 both "unlock without lock" unlock SOCK L

# A live monitor sees another client's commit.
for d in ref vtepd; do
    ovsdb-client monitor unix:"$tmp/$d/db.sock" hardware_vtep Physical_Switch \
        name --format=csv >"$tmp/$d.mon" 2>&1 &
    on_exit "kill $! 2>/dev/null"
    wait_for 5 grep -q ps0 "$tmp/$d.mon"
    ovsdb-client transact unix:"$tmp/$d/db.sock" '["hardware_vtep",
        {"op":"insert","table":"Physical_Switch","row":{"name":"ps1"}}]' \
        >/dev/null
    wait_for 5 grep -q ps1 "$tmp/$d.mon"
done
check "monitor sees inserts like ovsdb-server" \
    diff <($PY tests/interop/normalise_uuids.py <"$tmp/ref.mon") \
         <($PY tests/interop/normalise_uuids.py <"$tmp/vtepd.mon")
finish
