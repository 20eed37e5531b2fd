#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A full disk under the database file: a commit is applied and answered
# with success only if its record was written; otherwise it fails with
# ovsdb-server's I/O error and nobody (client, monitor, restart) ever sees
# it, durable or not.  Reads go on while the disk is full, the error is
# logged rate-limited, and writes resume by themselves when space returns.
# vtepd and ovsdb-server 3.1 run side by side, each on its own small tmpfs
# mounted in a private mount namespace.

. tests/interop/private-mounts.sh
. tests/lib.sh

PY=/usr/bin/python3
DRIVER=tests/interop/full_disk.py
SCHEMA=schema/vtep.ovsschema
FREE=40960
tmp=$(make_tmpdir)

if ! mount_small "$tmp/vdisk" 1m || ! mount_small "$tmp/rdisk" 1m; then
    skip "full disk (cannot mount a tmpfs)"
    exit 0
fi

start_vtepd_on() {
    $BIN/vtepd --hal=none --remote=punix:"$tmp/v.sock" \
        --unixctl="$tmp/v.ctl" --pidfile="$tmp/v.pid" \
        --log-file="$tmp/v.log" "$tmp/vdisk/vtep.db" 2>>"$tmp/v.stderr" &
    on_exit "kill $! 2>/dev/null"
    wait_for 5 test -S "$tmp/v.sock"
}

stop_pidfile() {
    local pid
    pid=$(cat "$1" 2>/dev/null) || return 1
    kill "$pid" 2>/dev/null
    wait_for 10 bash -c "! kill -0 $pid 2>/dev/null"
}

start_reference() {
    ovsdb-server --remote=punix:"$tmp/r.sock" --unixctl="$tmp/r.ctl" \
        --pidfile="$tmp/r.pid" --log-file="$tmp/r.log" \
        "$tmp/rdisk/vtep.db" 2>>"$tmp/r.stderr" &
    on_exit "kill $! 2>/dev/null"
    wait_for 5 test -S "$tmp/r.sock"
}

select_names() {
    $PY tests/interop/raw_rpc.py "$1" transact \
        '["hardware_vtep",{"op":"select","table":"Logical_Switch","where":[],"columns":["name"]}]' |
        $PY -c 'import json,sys; print(json.dumps(sorted(r["name"] for r in json.load(sys.stdin)["result"][0]["rows"])))'
}

# field FILE EXPR: evaluates a Python expression over the driver's output
# 'o' and prints it as JSON.
field() {
    $PY -c 'import json,sys; o=json.load(open(sys.argv[1])); print(json.dumps(eval(sys.argv[2]), sort_keys=True))' "$1" "$2"
}

start_vtepd_on || { fail "vtepd starts on a small tmpfs"; exit 1; }
ovsdb-tool create "$tmp/rdisk/vtep.db" "$SCHEMA"
start_reference || { fail "ovsdb-server starts on a small tmpfs"; exit 1; }

$PY "$DRIVER" "$tmp/v.sock" "$tmp/vdisk" "$FREE" >"$tmp/v.out" 2>"$tmp/v.err" ||
    { fail "driver ran against vtepd"; cat "$tmp/v.err"; }
$PY "$DRIVER" "$tmp/r.sock" "$tmp/rdisk" "$FREE" >"$tmp/r.out" 2>"$tmp/r.err" ||
    { fail "driver ran against ovsdb-server"; cat "$tmp/r.err"; }

v=$tmp/v.out
r=$tmp/r.out
check "some inserts succeed before the disk is full" \
    test "$(field $v 'sum(n.startswith("full") for n in o["acked"])')" -gt 0
check "a full disk refuses both durable and non-durable commits" \
    test "$(field $v 'o["durable_refused"] > 0 and len(o["refused"]) > o["durable_refused"]')" = true
check "ovsdb-server refuses them too (the reference)" \
    test "$(field $r 'len(o["refused"]) > 0')" = true
check "the error is an I/O error: write failed, ENOSPC" \
    test "$(field $v '[(e.get("error"), e.get("details", "").endswith("vtep.db: write failed"), e.get("io-error")) for e in o["errors"]]')" \
    = '[["I/O error", true, "No space left on device"]]'
# ovsdb-server names the file as given on its command line, as vtepd does.
check "the error has ovsdb-server's members and words" \
    test "$(field $v '[sorted(e) for e in o["errors"]]')" = "$(field $r '[sorted(e) for e in o["errors"]]')" -a \
    "$(field $v '[e["details"].rsplit("/", 1)[-1] for e in o["errors"]]')" = \
    "$(field $r '[e["details"].rsplit("/", 1)[-1] for e in o["errors"]]')"
check "a transaction written in pieces is refused whole" \
    test "$(field $v 'o["big_refused"]')" = true
check "reads go on while the disk is full" \
    test "$(field $v 'o["read_while_full"] == sorted(n for n in o["acked"] if n.startswith("full"))')" = true
check "commits succeed again once space returns" \
    test "$(field $v '[n for n in o["acked"] if n.startswith("after")]')" = \
    '["after-00", "after-01", "after-02", "after-03"]'
check "a transaction written in pieces succeeds again too" \
    test "$(field $v 'sum(n.startswith("bigafter") for n in o["acked"])')" = 40
check "the monitor saw exactly the acknowledged commits" \
    test "$(field $v 'o["monitor"] == sorted(o["acked"])')" = true
check "the full disk is logged rate-limited" \
    test "$(grep -c 'write failed' "$tmp/v.log")" -le 2 -a \
    "$(grep -c 'write failed' "$tmp/v.log")" -ge 1
check "the recovery is logged" grep -q "can be written again" "$tmp/v.log"
check "vtepd is still running" kill -0 "$(cat "$tmp/v.pid")"

stop_pidfile "$tmp/v.pid"
check "ovsdb-tool reads vtepd's file: exactly the acknowledged rows" \
    test "$(ovsdb-tool query "$tmp/vdisk/vtep.db" \
        '["hardware_vtep",{"op":"select","table":"Logical_Switch","where":[],"columns":["name"]}]' |
        $PY -c 'import json,sys; print(json.dumps(sorted(r["name"] for r in json.load(sys.stdin)[0]["rows"])))')" \
    = "$(field $v 'sorted(o["acked"])')"
start_vtepd_on || fail "vtepd restarts"
check "after a restart the database holds exactly the acknowledged rows" \
    test "$(select_names "$tmp/v.sock")" = "$(field $v 'sorted(o["acked"])')"
stop_pidfile "$tmp/r.pid"
start_reference || fail "ovsdb-server restarts"
check "ovsdb-server too (the reference)" \
    test "$(select_names "$tmp/r.sock")" = "$(field $r 'sorted(o["acked"])')"
stop_pidfile "$tmp/v.pid"
stop_pidfile "$tmp/r.pid"
finish
