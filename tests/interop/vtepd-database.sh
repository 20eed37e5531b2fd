#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# vtepd's database file and remotes, end to end: files shared with
# ovsdb-tool and ovsdb-server in both directions, durability under kill -9,
# ovsdb/compact through ovs-appctl, and TLS remotes from vtepd's options.
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh

if ! have_ovs; then
    skip "database interop (Open vSwitch tools not installed)"
    exit 0
fi
tmp=$(make_tmpdir)

# dump SOCKET: the database's contents, UUIDs normalised.
dump() {
    ovsdb-client dump "unix:$1" hardware_vtep | $PY tests/interop/normalise_uuids.py
}

# A database made by ovsdb-tool opens in vtepd with the same contents.
mkdir -p "$tmp/a" "$tmp/b"
ovsdb-tool create "$tmp/a/vtep.db" "$VTEP_SCHEMA"
ovsdb-tool transact "$tmp/a/vtep.db" '["hardware_vtep",
    {"op":"insert","table":"Global","row":{}},
    {"op":"insert","table":"Logical_Switch","row":{"name":"red","tunnel_key":5000}},
    {"op":"insert","table":"Logical_Switch","row":{"name":"blue","tunnel_key":5001,
     "other_config":["map",[["k","v"]]]}}]' >/dev/null
cp "$tmp/a/vtep.db" "$tmp/b/ref.db"
start_vtepd "$tmp/a"
ovsdb-server --remote=punix:"$tmp/b/db.sock" --unixctl="$tmp/b/ctl" \
    --pidfile="$tmp/b/pid" --log-file="$tmp/b/log" --detach "$tmp/b/ref.db"
on_exit "kill \$(cat '$tmp/b/pid')"
check "a database made by ovsdb-tool opens in vtepd with the same contents" \
    diff <(dump "$tmp/a/db.sock") <(dump "$tmp/b/db.sock")

# What vtepd writes, ovsdb-server reads.
vtep-ctl --db=unix:"$tmp/a/db.sock" add-ls green -- \
    set Logical_Switch green tunnel_key=5002 >/dev/null
vtep-ctl --db=unix:"$tmp/a/db.sock" add-ps ps0 -- add-port ps0 p0 -- \
    bind-ls ps0 p0 0 green >/dev/null
before=$(dump "$tmp/a/db.sock")
kill "$(cat "$tmp/a/pid")"
wait_for 5 test ! -e "$tmp/a/pid"
mkdir -p "$tmp/c"
cp "$tmp/a/vtep.db" "$tmp/c/ref.db"
ovsdb-server --remote=punix:"$tmp/c/db.sock" --unixctl="$tmp/c/ctl" \
    --pidfile="$tmp/c/pid" --log-file="$tmp/c/log" --detach "$tmp/c/ref.db"
on_exit "kill \$(cat '$tmp/c/pid')"
check "ovsdb-server reads vtepd's file with the same contents" \
    diff <(echo "$before") <(dump "$tmp/c/db.sock")

# ovsdb/compact through the control socket.
mkdir -p "$tmp/d"
start_vtepd "$tmp/d"
for i in $(seq 1 60); do
    echo "set Global . other_config:round=$i"
done | sed 's/^/-- /' | xargs vtep-ctl --db=unix:"$tmp/d/db.sock" >/dev/null
size_before=$(stat -c %s "$tmp/d/vtep.db")
before=$(dump "$tmp/d/db.sock")
check "ovs-appctl ovsdb/compact succeeds" \
    ovs-appctl -t "$tmp/d/ctl" ovsdb/compact
check "compaction shrinks the file" \
    test "$(stat -c %s "$tmp/d/vtep.db")" -lt "$size_before"
check "compaction keeps the contents" \
    diff <(echo "$before") <(dump "$tmp/d/db.sock")
check "ovsdb-tool reads the compacted file" \
    ovsdb-tool show-log "$tmp/d/vtep.db"

# Durable commits survive kill -9 of vtepd at random moments.
mkdir -p "$tmp/e"
$PY tests/interop/vtepd_crash.py "$BIN/vtepd" "$tmp/e" 15 "$$"

# TLS from vtepd's own options.
if command -v openssl >/dev/null; then
    . tests/interop/certs.sh
    make_cert ca1 "Test CA 1" && make_cert ca2 "Test CA 2" &&
        make_cert server server ca1 && make_cert client client ca1 &&
        make_cert foreign foreign ca2
    mkdir -p "$tmp/f"
    $BIN/vtepd --hal=none --remote=pssl:0:127.0.0.1 \
        --remote=punix:"$tmp/f/db.sock" --private-key="$tmp/server.key" \
        --certificate="$tmp/server.crt" --ca-cert="$tmp/ca1.crt" \
        --unixctl="$tmp/f/ctl" --log-file="$tmp/f/log" "$tmp/f/vtep.db" \
        2>/dev/null &
    on_exit "kill $!"
    wait_for 5 grep -q 'listening on pssl' "$tmp/f/log"
    port=$(sed -n 's/.*listening on pssl:0:127.0.0.1 (try: vtep-ctl --db=ssl:127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/f/log")
    tls() {
        timeout 10 vtep-ctl --private-key="$tmp/$1.key" \
            --certificate="$tmp/$1.crt" --ca-cert="$tmp/ca1.crt" \
            --db=ssl:127.0.0.1:"$port" list-ls
    }
    check "vtepd --remote=pssl: serves a client with a trusted certificate" \
        tls client
    if tls foreign >/dev/null 2>&1; then
        fail "a client certificate from another CA is refused"
    else
        pass "a client certificate from another CA is refused"
    fi
    check "vtepd keeps serving after refusing a client" \
        vtep-ctl --db=unix:"$tmp/f/db.sock" list-ls
    err=$($BIN/vtepd --hal=none --remote=pssl:0 --unixctl="$tmp/f/ctl2" \
        "$tmp/f/other.db" 2>&1)
    check "pssl: without key and certificates is refused with a reason" \
        grep -q 'need --private-key, --certificate and --ca-cert' <<<"$err"
else
    skip "TLS through vtepd (openssl not installed)"
fi

# ovsdb-server's operand order: the database first, then the options, and
# an operand after "--"; both start a daemon that serves the file.
mkdir -p "$tmp/order"
ovsdb-tool create "$tmp/order/first.db" "$VTEP_SCHEMA"
$BIN/vtepd "$tmp/order/first.db" --hal=none \
    --remote=punix:"$tmp/order/first.sock" --unixctl="$tmp/order/first.ctl" \
    --log-file="$tmp/order/first.log" 2>>"$tmp/order/stderr" &
on_exit "kill $! 2>/dev/null"
$BIN/vtepd --hal=none --remote=punix:"$tmp/order/second.sock" \
    --unixctl="$tmp/order/second.ctl" --log-file="$tmp/order/second.log" \
    -- "$tmp/order/second.db" 2>>"$tmp/order/stderr" &
on_exit "kill $! 2>/dev/null"
wait_for 5 test -S "$tmp/order/first.sock"
wait_for 5 test -S "$tmp/order/second.sock"
check "vtepd DB --options serves DB (operand before the options)" \
    bash -c "ovsdb-client list-dbs unix:'$tmp/order/first.sock' | grep -qx hardware_vtep"
check "vtepd --options -- DB serves DB (operand after --)" \
    bash -c "ovsdb-client list-dbs unix:'$tmp/order/second.sock' | grep -qx hardware_vtep && test -s '$tmp/order/second.db'"

finish
