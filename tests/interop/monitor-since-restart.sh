#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# monitor_cond_since across a vtepd restart: the history is deliberately
# not kept (docs/ARCHITECTURE.md), so a client resuming from its last id
# must get found=false and everything, including what changed while it
# was away, never a partial update.
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh

tmp=$(make_tmpdir)
report() {
    while read -r line; do
        case $line in
        ok:*) pass "${line#ok: }" ;;
        *) fail "${line#error: }" ;;
        esac
    done <<<"$1"
}

start_vtepd "$tmp/d" || { fail "vtepd starts"; exit 1; }
report "$(timeout 30 $PY tests/interop/monitor_since.py before \
    "$tmp/d/db.sock" "$tmp/state" 2>&1)"
stop "$tmp/d"
# A change the client did not see, made while it was away.
start_vtepd "$tmp/d" || { fail "vtepd restarts"; exit 1; }
timeout 10 $PY tests/interop/raw_rpc.py "$tmp/d/db.sock" transact \
    '["hardware_vtep",{"op":"insert","table":"Logical_Switch","row":{"name":"ls2"}}]' \
    >/dev/null
report "$(timeout 30 $PY tests/interop/monitor_since.py after \
    "$tmp/d/db.sock" "$tmp/state" 2>&1)"
finish
